"""Who may do what with board packs, through the API, the pages and the command line: the board and
the leadership read and download; only `report.generate` (the CIO and the CISO) asks for one; a bad
period is refused naming the field, and nothing is written."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as accounts
from accord.cli import app
from accord.core import clock
from accord.packs import services
from accord.packs.models import BoardPack
from accord.packs.periods import last_complete_quarter, quarter_of

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


@pytest.fixture
def pack(people):
    return services.request_board_pack(actor=people["cio"], period=str(quarter_of(clock.today())))


def test_the_api_asks_for_a_pack_and_answers_202_with_its_job(people, api_as):
    api = api_as(people["ciso"])
    asked = api.post("/reports/board", {"period": str(quarter_of(clock.today()))})
    assert asked.status_code == 202, asked.content
    body = asked.json()
    assert body["job_id"] and body["status"] == "ready" and body["job_status"] == "succeeded"  # tests run jobs at once
    job = api.get(f"/jobs/{body['job_id']}").json()
    assert job["kind"] == "packs.board" and job["result"]["pack"] == body["id"]
    default = api.post("/reports/board", {}).json()
    assert default["period"] == str(last_complete_quarter())
    listed = api.get("/reports/").json()
    assert listed["count"] == 2 and {p["id"] for p in listed["items"]} == {body["id"], default["id"]}
    only = api.get(f"/reports/?period={default['period']}").json()
    assert [p["id"] for p in only["items"]] == [default["id"]]
    detail = api.get(f"/reports/{body['id']}").json()
    assert detail["pdf_url"] == f"/api/v1/reports/{body['id']}/pdf"
    assert detail["anchor"] == f"{detail['figures']['audit']['seq']}:{detail['figures']['audit']['hash']}"


@pytest.mark.parametrize(("period", "words"), [("2026Q5", "not a quarter"), ("3000Q1", "between 2000 and 2100"),
                                               ("Q4", "not a quarter")])
def test_a_bad_period_is_refused_with_422_naming_the_field(people, api_as, period, words):
    refused = api_as(people["ciso"]).post("/reports/board", {"period": period})
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert problems[0]["field"] == "period" and words in problems[0]["message"]
    assert not BoardPack.objects.exists()


def test_a_future_quarter_is_refused(people, api_as):
    future = str(quarter_of(clock.today()).following)
    refused = api_as(people["ciso"]).post("/reports/board", {"period": future})
    assert refused.status_code == 422 and "has not begun yet" in refused.content.decode()


@pytest.mark.parametrize("role", ["board", "auditor", "analyst"])
def test_only_the_leadership_generates(people, api_as, role):
    assert api_as(people[role]).post("/reports/board", {"period": "2026Q1"}).status_code == 403
    assert not BoardPack.objects.exists()


def test_the_board_reads_and_downloads_but_the_analyst_does_not(pack, people, api_as, client):
    board = api_as(people["board"])
    assert board.get("/reports/").json()["count"] == 1
    assert board.get(f"/reports/{pack.pk}/pdf").content.startswith(b"%PDF-")
    analyst = api_as(people["analyst"])  # an analyst holds every read but the board's reports
    assert analyst.get("/reports/").status_code == 403
    assert analyst.get(f"/reports/{pack.pk}/pdf").status_code == 403
    assert api_as(None).get("/reports/").status_code == 401
    client.force_login(people["board"])
    page = client.get("/reports/")
    assert page.status_code == 200 and "Generate board pack" not in page.content.decode()
    assert f"/reports/{pack.pk}/board-pack.pdf" in page.content.decode()
    download = client.get(f"/reports/{pack.pk}/board-pack.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert client.post("/reports/generate/", {"period": "2026Q1"}).status_code == 403
    client.force_login(people["analyst"])
    assert client.get("/reports/").status_code == 403


def test_a_pack_not_rendered_yet_has_no_pdf(people, api_as):
    from django.db import transaction
    from django.utils import timezone

    from accord.core.audit import record

    with transaction.atomic():
        queued = BoardPack.objects.create(period="2026Q1", period_start="2026-01-01", period_end="2026-03-31",
                                          requested_by=people["ciso"], requested_at=timezone.now())
        record(people["ciso"], "boardpack.requested", queued)
    assert api_as(people["board"]).get(f"/reports/{queued.pk}/pdf").status_code == 404
    assert api_as(people["board"]).get(f"/reports/{queued.pk}").json()["pdf_url"] is None


def test_the_page_generates_a_pack_and_shows_its_figures(people, client):
    client.force_login(people["ciso"])
    page = client.get("/reports/").content.decode()
    assert "Generate board pack" in page and f'value="{last_complete_quarter()}" selected' in page
    done = client.post("/reports/generate/", {"period": str(quarter_of(clock.today()))}, follow=True)
    assert "requested" in done.content.decode()
    pack = BoardPack.objects.get()
    assert pack.status == "ready"
    detail = client.get(f"/reports/{pack.pk}/").content.decode()
    assert pack.figures["sections"]["bottom_line"]["verdict"].replace("'", "&#x27;") in detail
    assert f"accord audit verify --anchor {pack.anchor}" in detail
    refused = client.post("/reports/generate/", {"period": "2026Q9"}, follow=True).content.decode()
    assert "period" in refused and "not a quarter" in refused and BoardPack.objects.count() == 1


def test_the_command_prints_the_pack_and_writes_the_pdf(people, tmp_path, everything):
    token = accounts.create_token(actor=people["ciso"], name="cli").secret
    target = tmp_path / "q.pdf"
    quarter = str(quarter_of(clock.today()))
    result = runner.invoke(app, ["report", "board", "--period", quarter, "--out", str(target), "--json",
                                 "--token", token])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    pack = BoardPack.objects.get(pk=document["id"])
    assert target.read_bytes() == bytes(pack.pdf)
    assert document["sha256"] == pack.sha256 and document["pages"] == pack.pages and document["period"] == quarter
    assert document["anchor"] == pack.anchor
    plain = runner.invoke(app, ["report", "board", "--period", quarter, "--out", str(tmp_path / "p.pdf"),
                                "--token", token])
    assert plain.exit_code == 0, plain.output
    assert "p.pdf" in plain.output and "pages" in plain.output and "sha256" in plain.output
    listed = runner.invoke(app, ["report", "list", "--json", "--token", token])
    assert {p["id"] for p in json.loads(listed.output)} == {document["id"], pack.pk + 1}


def test_the_command_refuses_a_bad_period_and_a_reader(people):
    ciso = accounts.create_token(actor=people["ciso"], name="cli").secret
    bad = runner.invoke(app, ["report", "board", "--period", "2026-4", "--token", ciso])
    assert bad.exit_code == 2 and "period" in bad.output and "not a quarter" in bad.output
    board = accounts.create_token(actor=people["board"], name="cli").secret
    refused = runner.invoke(app, ["report", "board", "--period", "2026Q1", "--token", board])
    assert refused.exit_code == 3 and "report.generate" in refused.output
    assert not BoardPack.objects.exists()


def test_a_pack_whose_worker_was_lost_reads_as_failed(people, api_as, client):
    """The jobs app fails a job whose worker stopped (`fail_lost_jobs`) without the pack hearing of
    it: the pack then reads as failed, with the job's error, and the list stops polling."""
    from accord.jobs.models import Job

    pack = services.request_board_pack(actor=people["ciso"], period=str(quarter_of(clock.today())))
    BoardPack.objects.filter(pk=pack.pk).update(status="queued", pdf=None)
    Job.objects.filter(pk=pack.job_id).update(status="failed", error="the worker stopped while running it")
    body = api_as(people["ciso"]).get(f"/reports/{pack.pk}").json()
    assert body["status"] == "failed" and body["error"] == "the worker stopped while running it"
    client.force_login(people["ciso"])
    page = client.get("/reports/").content.decode()
    assert "failed" in page and "every 2s" not in page
