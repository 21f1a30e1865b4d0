"""The board pack: asked for, rendered as a job, stored with its PDF and the figures it printed; the
PDF has content on every page and prints the figures the API reports, which are the register's,
the portfolio's and the incident room's own; its last page prints the audit trail's head."""

from __future__ import annotations

import hashlib

import pytest

from accord.core import audit, clock
from accord.core.models import AuditEvent
from accord.jobs.models import Job
from accord.packs import services
from accord.packs.models import BoardPack
from accord.packs.periods import quarter_of


@pytest.fixture
def this_quarter() -> str:
    return str(quarter_of(clock.today()))


@pytest.fixture
def pack(everything, people, this_quarter) -> BoardPack:
    return services.request_board_pack(actor=people["ciso"], period=this_quarter)


def test_the_pack_renders_as_a_job_and_keeps_its_pdf(pack, people, this_quarter):
    assert pack.status == "ready" and pack.period == this_quarter
    job = Job.objects.get(pk=pack.job_id)
    assert job.kind == "packs.board" and job.status == "succeeded" and job.actor == people["ciso"]
    assert job.result["pack"] == pack.pk and job.result["url"] == f"/reports/{pack.pk}/"
    stored = bytes(BoardPack.objects.get(pk=pack.pk).pdf)
    assert stored.startswith(b"%PDF-") and pack.sha256 == hashlib.sha256(stored).hexdigest()
    assert pack.size_bytes == len(stored) and 3 <= pack.pages <= 8
    assert pack.as_of == clock.today() and pack.requested_by == people["ciso"]
    actions = list(AuditEvent.objects.filter(object_type="packs.boardpack").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["boardpack.requested", "boardpack.rendered"]


def test_every_page_has_content_and_the_page_count_is_right(pack, tmp_path, ink_per_page):
    import subprocess

    pdf = bytes(BoardPack.objects.get(pk=pack.pk).pdf)
    ink = ink_per_page(pdf, tmp_path)
    assert len(ink) == pack.pages
    (tmp_path / "pack.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "pack.pdf")], capture_output=True, check=True).stdout.decode()
    assert f"Pages: {pack.pages} " in " ".join(info.split()) + " "
    assert all(share > 0.005 for share in ink), ink  # not blank: text, tables or charts on each page


def test_the_pdf_prints_the_figures_the_api_reports(pack, people, api_as, text_of):
    api = api_as(people["board"])
    detail = api.get(f"/reports/{pack.pk}").json()
    pdf = api.get(f"/reports/{pack.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == detail["sha256"]
    words = text_of(pdf.content)
    sections = detail["figures"]["sections"]
    bottom = sections["bottom_line"]
    printed = [bottom["expected_loss_text"], bottom["range"]["text"], bottom["range"]["p99_text"], bottom["verdict"]]
    printed += [a[k] for a in bottom["appetite"] for k in ("loss_text", "tolerance_text", "probability_text")]
    for row in sections["top_scenarios"]["rows"]:
        printed += [row["mean_text"], row["range_text"], f"run #{row['run']['id']} of {row['run']['date']}, "
                    f"seed {row['run']['seed']}, {row['run']['years_text']} simulated years, "
                    f"engine {row['run']['engine_version']}"]
    run = bottom["run"]
    printed.append(f"run #{run['id']} of {run['date']}, seed {run['seed']}")
    for row in sections["kris"]["rows"] + sections["kpis"]["rows"]:
        printed.append(row["display"])
    selection = sections["portfolio"]["selection"]
    printed += [selection[k] for k in ("spend_text", "budget_text", "reduction_text", "loss_before_text",
                                       "loss_after_text")]
    incident = sections["incidents"]["rows"][0]
    printed += [incident["reference"], incident["impact"]["text"], *incident["lessons"]]
    missing = [text for text in printed if " ".join(text.split()) not in words]
    assert not missing, missing


def test_the_figures_are_the_owning_apps_own(pack, everything, people):
    """What the pack reports is what /risks/, the portfolio and the incident room state for the same data."""
    from accord.core.money import compact
    from accord.incidents import selectors as incidents
    from accord.risks import selectors as risks

    sections = BoardPack.objects.get(pk=pack.pk).figures["sections"]
    figures = risks.portfolio_figures(people["ciso"])
    bottom = sections["bottom_line"]
    assert bottom["expected_loss"] == pytest.approx(figures.plain_sum)
    assert bottom["expected_loss_text"] == compact(figures.plain_sum, "EUR")
    assert (bottom["range"]["low"], bottom["range"]["high"]) == (figures.run.p5, figures.run.p95)
    assert bottom["run"]["id"] == figures.run.pk and bottom["run"]["seed"] == 11
    assert bottom["run"]["engine_version"] == figures.run.engine_version
    checks = figures.run.result["appetite"]
    assert [a["within"] for a in bottom["appetite"]] == [c["within"] for c in checks]
    assert bottom["within_appetite"] is all(c["within"] for c in checks)
    top = sections["top_scenarios"]["rows"]
    assert [r["slug"] for r in top] == [f.scenario.slug for f in figures.scenarios]
    assert [r["mean"] for r in top] == [f.run.mean for f in figures.scenarios]
    selection = everything["selection"]
    assert sections["portfolio"]["selection"]["id"] == selection.pk
    assert sections["portfolio"]["selection"]["spend"] == selection.cost
    assert sections["portfolio"]["selection"]["reduction"] == selection.risk_reduction
    incident = everything["incident"]
    low, high = incidents.latest_update(people["ciso"], incident).total_cost()
    row = sections["incidents"]["rows"][0]
    assert (row["impact"]["low"], row["impact"]["high"]) == (low, high) and row["reference"] == incident.reference
    assert sections["incidents"]["count"] == 1 and len(row["lessons"]) == 2
    from accord.metrics import selectors as metrics

    card = metrics.scorecard(people["ciso"])
    kris = [(m.key, m.display, m.status) for m in card.metrics if m.kind == "kri"]
    assert [(r["key"], r["display"], r["status"]) for r in sections["kris"]["rows"]] == kris
    kpis = {m.key: m.display for m in card.metrics if m.kind == "kpi"}
    assert sections["kpis"]["rows"] and all(kpis[r["key"]] == r["display"] for r in sections["kpis"]["rows"])


def test_the_last_page_prints_the_audit_head_it_was_printed_at(pack, tmp_path):
    import subprocess

    stored = BoardPack.objects.get(pk=pack.pk)
    head = AuditEvent.objects.get(seq=stored.audit_seq)
    assert head.hash == stored.audit_hash and stored.anchor == f"{head.seq}:{head.hash}"
    # It was the head when the figures were read: the next rows are the pack's own render.
    assert AuditEvent.objects.filter(seq__gt=head.seq).order_by("seq").first().action == "boardpack.rendered"
    source = tmp_path / "pack.pdf"
    source.write_bytes(bytes(stored.pdf))
    last = subprocess.run(["pdftotext", "-f", str(stored.pages), "-l", str(stored.pages), str(source), "-"],
                          capture_output=True, check=True).stdout.decode()
    flat = "".join(last.split())  # pdftotext may wrap the 64-digit hash: compare without whitespace
    assert f"accordauditverify--anchor{stored.anchor}" in flat
    assert head.hash in flat and f"row{head.seq}" in flat.lower()  # (table headings print in capitals)
    assert audit.verify_chain(audit.parse_anchor(stored.anchor)).ok


def test_the_anchor_the_pack_printed_catches_a_cut_tail(pack):
    from django.db import connection

    anchor = audit.parse_anchor(BoardPack.objects.get(pk=pack.pk).anchor)
    keep = anchor.seq - 3
    last = AuditEvent.objects.get(seq=keep)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq > %s", [keep])
        cursor.execute("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [keep, last.hash])
    assert audit.verify_chain().ok
    assert not audit.verify_chain(anchor).ok


def test_a_failed_render_fails_the_job_and_the_pack(everything, people, this_quarter, monkeypatch):
    from accord.packs import board

    def broken(content):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(board, "print_pdf", broken)
    pack = services.request_board_pack(actor=people["ciso"], period=this_quarter)
    assert pack.status == "failed" and "printer on fire" in pack.error and not pack.pdf
    job = Job.objects.get(pk=pack.job_id)
    assert job.status == "failed" and "printer on fire" in job.error
    monkeypatch.undo()
    from accord.jobs.services import retry_job

    retry_job(actor=people["ciso"], job=job)
    assert BoardPack.objects.get(pk=pack.pk).status == "ready"


def test_a_pack_of_an_empty_organisation_still_says_something_on_each_page(people, this_quarter, tmp_path, text_of,
                                                                          ink_per_page):
    pack = services.request_board_pack(actor=people["cio"], period=this_quarter)
    assert pack.status == "ready", pack.error
    words = text_of(bytes(BoardPack.objects.get(pk=pack.pk).pdf))
    assert "The risk register has no simulated open scenario yet." in words
    assert "No selection of security initiatives has been approved yet" in words
    assert "No incident was reported in the quarter" in words
    ink = ink_per_page(bytes(BoardPack.objects.get(pk=pack.pk).pdf), tmp_path)
    assert all(share > 0.001 for share in ink), ink  # short pages, but none blank
