"""The steering pack: the next meeting's agenda with each item's figures, as a page and as a PDF
printed by a job. The PDF is turned into images (pdftoppm: every page has ink) and text (pdftotext:
every figure the API reports is printed)."""

from __future__ import annotations

import subprocess
from typing import Any

from accord.jobs.models import Job
from accord.steering import services
from accord.steering.models import SteeringPack


def flat(text: str) -> str:
    return " ".join(text.split())


def page_count(pdf: bytes, tmp_path: Any) -> int:
    source = tmp_path / "pack.pdf"
    source.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(source)], capture_output=True, check=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def ink(pdf: bytes, tmp_path: Any, page: int) -> float:
    """Share of non-white pixels of one page printed to a grey image by pdftoppm (-r 40)."""
    source = tmp_path / "pack.pdf"
    source.write_bytes(pdf)
    prefix = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(source), str(prefix)],
                   check=True, timeout=60)
    image = next(tmp_path.glob(f"page{page}*.pgm")).read_bytes()
    header = image.split(maxsplit=4)  # P5, width, height, maxval, pixels (no comments from pdftoppm)
    assert header[0] == b"P5"
    width, height = int(header[1]), int(header[2])
    pixels = header[4][-width * height:]
    return sum(1 for value in pixels if value < 200) / len(pixels)


def test_the_pack_pdf_prints_what_the_api_reports(people, meeting, api_as, rejected_review, major_incident,
                                                 above_appetite, tmp_path):
    services.build_agenda(actor=people["ciso"], meeting=meeting)
    for n in range(12):  # enough items for more than one page
        services.add_item(actor=people["ciso"], meeting=meeting, title=f"Hand-added matter {n + 1}",
                          reason="Raised by a business unit.", figures=[("Cost", f"EUR {n + 1},000"),
                                                                       ("Downtime", f"{n + 2} hours")])
    api = api_as(people["ciso"])
    document = api.get(f"/steering/meetings/{meeting.pk}/pack").json()
    assert document["item_count"] == 15
    started = api.post(f"/steering/meetings/{meeting.pk}/pack")
    assert started.status_code == 202, started.content
    job = Job.objects.get(pk=started.json()["job_id"])
    assert job.status == "succeeded", job.error
    pack = SteeringPack.objects.get(pk=job.result["pack"])
    assert job.result["url"] == f"/steering/packs/{pack.pk}.pdf"
    response = api.get(f"/steering/packs/{pack.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf == bytes(pack.pdf)
    pages = page_count(pdf, tmp_path)
    assert pages >= 2
    for page in range(1, pages + 1):
        assert ink(pdf, tmp_path, page) > 0.005, f"page {page} is blank"
    text = flat(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                               check=True).stdout.decode())
    for section in document["sections"]:
        assert section["label"] in text
        for item in section["items"]:
            assert flat(item["title"]) in text, item["title"]
            for figure in item["figures"]:
                assert flat(figure["label"]) in text and flat(figure["value"]) in text, figure
    assert f"as of {document['as_of']}" in text
    assert pack.document["item_count"] == 15  # the document it was printed from is kept with it


def test_the_pack_page_shows_the_same_figures(people, meeting, client, rejected_review):
    services.build_agenda(actor=people["ciso"], meeting=meeting)
    client.force_login(people["steering"])
    page = client.get(f"/steering/meetings/{meeting.pk}/pack/").content.decode()
    assert "Security review of Customer portal v2: rejected" in page and "Rejected" in page
    assert "Print the PDF" not in page  # a member without steering.write cannot print
    assert client.get("/steering/pack/").url == f"/steering/meetings/{meeting.pk}/pack/"
    client.force_login(people["ciso"])
    printed = client.post(f"/steering/meetings/{meeting.pk}/pack/print/")
    job = Job.objects.get(kind="steering.pack")
    assert printed.url == f"/jobs/{job.pk}/" and job.status == "succeeded"
    pdf = client.get(job.result["url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_partnership_trend_is_in_the_pack(people, meeting, monkeypatch):
    from accord.metrics import selectors as metrics
    from accord.metrics.selectors import PartnershipQuarter
    from accord.steering.selectors import pack_document

    monkeypatch.setattr(metrics, "partnership_quarters", lambda viewer, count=4: [
        PartnershipQuarter("2026Q3", (("Review SLA attainment", "82%"),), "/scorecard/partnership/2026Q3/"),
        PartnershipQuarter("2026Q4", (("Review SLA attainment", "91%"),), "/scorecard/partnership/2026Q4/")])
    assert [q["quarter"] for q in pack_document(people["ciso"], meeting)["partnership"]["quarters"]] == ["2026Q3", "2026Q4"]
    pack = services.render_pack(actor=people["ciso"], meeting=meeting)
    text = flat(subprocess.run(["pdftotext", "-", "-"], input=bytes(pack.pdf), capture_output=True,
                               check=True).stdout.decode())
    assert "2026Q3" in text and "2026Q4" in text and "82%" in text and "91%" in text
