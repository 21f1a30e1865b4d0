"""Issue 10, "Triage that answers the questions": the list with service and team, groups by CVE, fix and
asset with counts, tiles that follow the filters, CSV/XLSX exports, the finding-to-CVE table."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core import clock
from accord.core.models import AuditEvent
from accord.vulns import exports, selectors, services
from accord.vulns.fixes import fix_key_of
from accord.vulns.models import OPEN_STATES, Finding, FindingCve

runner = CliRunner()

HEADER = ["hostname", "ip", "scanner", "rule_id", "title", "severity", "cves", "cvss3_vector", "port",
          "protocol", "exploit_available", "first_seen", "solution"]
VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def triage_scan(vf, *, openssl_cves: str = "CVE-2024-0001 CVE-2024-0002") -> bytes:
    """Five findings: one fix on two ERP hosts (solutions differing in case and spacing), a KEV flaw past
    due, cells a spreadsheet would run as formulas, and a host on a public address nobody registered."""
    first = (vf.NOW - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [
        ["erp-db-01", "", "nessus", "2001", "OpenSSL multiple flaws", "high", openssl_cves, VECTOR, "443", "tcp",
         "no", first, "Upgrade  OpenSSL to 3.0.14."],
        ["erp-app-01", "", "nessus", "2001", "OpenSSL multiple flaws", "high", "CVE-2024-0001 CVE-2024-0002",
         VECTOR, "443", "tcp", "no", first, "upgrade OpenSSL\nto 3.0.14. "],
        ["erp-db-01", "", "nessus", "2002", "PHP CGI argument injection", "critical", "CVE-2024-4577", VECTOR,
         "8443", "tcp", "yes", first, "Upgrade PHP to 8.3.8."],
        ["", "10.0.1.1", "nessus", "2003", '=HYPERLINK("http://evil.example","x")', "medium", "", "", "443",
         "tcp", "no", first, ""],
        ["pub-01.example", "52.14.0.10", "nessus", "2004", "@SUM(1+1)\x0bbanner", "low", "CVE-2024-0001", "",
         "22", "tcp", "no", first, "-cmd|' /C calc'!A0"],
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def triaged(org_data, analyst, vf):
    services.load_kev(actor=analyst, file=io.BytesIO(vf.kev_json("CVE-2024-4577")), filename="kev.json")
    services.import_scan(actor=analyst, file=io.BytesIO(triage_scan(vf)), filename="triage.csv")
    return org_data


def _browser(user):
    client = Client()
    client.force_login(user)
    return client


def _expected_counts(findings) -> dict[str, int]:
    """Counts computed the slow, obvious way, to check the database's grouping against."""
    today = clock.today()
    open_ = [f for f in findings if f.state in OPEN_STATES]
    return {"findings": len(findings), "open": len(open_), "kev": sum(f.kev for f in open_),
            "past_due": sum(f.due_date < today for f in open_),
            **{d.replace("*", "_star"): sum(f.decision == d for f in open_)
               for d in ("act", "attend", "track*", "track")}}


# --- the finding-to-CVE table -----------------------------------------------------------------

def _pairs_from_text() -> set[tuple[int, str]]:
    return {(f.pk, cve) for f in Finding.objects.all() for cve in f.cve_list}


def test_cve_table_holds_every_finding_cve_after_import(triaged):
    pairs = set(FindingCve.objects.values_list("finding_id", "cve"))
    assert pairs == _pairs_from_text() and len(pairs) == 6


def test_cve_table_follows_a_reimport_that_changes_cves(triaged, analyst, vf):
    services.import_scan(actor=analyst, file=io.BytesIO(triage_scan(vf, openssl_cves="CVE-2024-0001 CVE-2024-0003")),
                         filename="triage.csv")
    assert set(FindingCve.objects.values_list("finding_id", "cve")) == _pairs_from_text()
    db_host = Finding.objects.get(rule_id="2001", asset__hostname="erp-db-01")
    cves_of_db_host = set(FindingCve.objects.filter(finding=db_host).values_list("cve", flat=True))
    assert cves_of_db_host == {"CVE-2024-0001", "CVE-2024-0003"}


def test_cve_search_goes_through_the_cve_table(triaged, analyst):
    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.findings_visible_to(analyst, selectors.FindingFilter(cve="cve-2024-0001 ")))
    assert {f.asset.hostname for f in found} == {"erp-db-01", "erp-app-01", "pub-01.example"}
    assert any(FindingCve._meta.db_table in q["sql"] for q in queries.captured_queries)
    assert "LIKE" not in " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert not list(selectors.findings_visible_to(analyst, selectors.FindingFilter(cve="CVE-2024-0003")))


def test_cve_search_through_the_api_refuses_what_is_not_a_cve(triaged, api_as, analyst):
    client = api_as(analyst)
    assert client.get("/vulns/findings?cve=CVE-2024-4577").json()["count"] == 1
    refused = client.get("/vulns/findings?cve=DROP TABLE")
    assert refused.status_code == 422 and "cve" in refused.content.decode()


# --- the list: service and team columns ---------------------------------------------------------

def test_list_shows_business_service_and_team_on_page_api_and_cli(triaged, analyst, api_as, tmp_path, monkeypatch):
    page = _browser(analyst).get("/vulns/?cve=CVE-2024-4577")
    assert page.status_code == 200
    row = page.content.decode().split('id="finding-table"')[1]
    assert ">ERP<" in row and ">Platform<" in row
    item = api_as(analyst).get("/vulns/findings?cve=CVE-2024-4577").json()["items"][0]
    assert (item["service"], item["team"]) == ("ERP", "Platform")
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    token = account_services.create_token(actor=analyst, name="cli").secret
    listed = runner.invoke(app, ["vulns", "list", "--cve", "CVE-2024-4577", "--json", "--token", token])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)["items"][0]["service"] == "ERP"


# --- groups -----------------------------------------------------------------------------------

def test_group_by_cve_counts_match_the_findings(triaged, analyst):
    groups = selectors.finding_groups(analyst, selectors.FindingFilter(), by="cve")
    by_key = {g.key: g for g in groups.rows}
    assert set(by_key) == {"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-4577"}
    for cve, group in by_key.items():
        expected = _expected_counts([f for f in Finding.objects.all() if cve in f.cve_list])
        assert group.counts.as_dict() == expected, cve
    assert by_key["CVE-2024-4577"].counts.kev == 1 and by_key["CVE-2024-4577"].counts.past_due == 1
    order = [(-g.counts.past_due, -g.counts.kev, -g.counts.open) for g in groups.rows]
    assert order == sorted(order)  # most past due first, then most in KEV, then most open


def test_group_by_fix_merges_solutions_that_differ_in_case_and_spacing(triaged, analyst):
    groups = selectors.finding_groups(analyst, selectors.FindingFilter(), by="fix")
    labels = {g.label: g.counts.findings for g in groups.rows}
    assert labels == {"Upgrade OpenSSL to 3.0.14.": 2, "Upgrade PHP to 8.3.8.": 1, "fix 2003": 1,
                      "-cmd|' /C calc'!A0": 1}
    openssl = next(g for g in groups.rows if g.label.startswith("Upgrade OpenSSL"))
    assert openssl.key == fix_key_of("upgrade openssl to 3.0.14.", "2001", "")
    drilled = selectors.findings_visible_to(analyst, selectors.FindingFilter(fix=openssl.key))
    assert sorted(f.asset.hostname for f in drilled) == ["erp-app-01", "erp-db-01"]


def test_group_by_asset_with_service_team_and_filters(triaged, analyst):
    groups = selectors.finding_groups(analyst, selectors.FindingFilter(kev=False), by="asset")
    by_label = {g.label: g for g in groups.rows}
    assert {name: g.counts.findings for name, g in by_label.items()} == {
        "erp-db-01": 1, "erp-app-01": 1, "www-01": 1, "pub-01.example": 1}
    assert by_label["erp-db-01"].service == "ERP" and by_label["erp-db-01"].team == "Platform"
    assert by_label["pub-01.example"].exposure_review


def test_group_page_and_api_drill_down_to_the_filtered_list(triaged, analyst, api_as):
    page = _browser(analyst).get("/vulns/?by=cve&kev=yes")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="group-table"' in body and "CVE-2024-4577" in body and "CVE-2024-0001" not in body
    assert "?kev=yes&amp;cve=CVE-2024-4577" in body or "?cve=CVE-2024-4577&amp;kev=yes" in body
    api = api_as(analyst).get(f"/vulns/findings/groups?by=asset&service={triaged['erp'].pk}").json()
    assert {g["label"] for g in api["groups"]} == {"erp-db-01", "erp-app-01"}
    assert api["groups"][0]["counts"]["open"] >= 1 and api["exact"]
    assert api_as(analyst).get("/vulns/findings/groups?by=title").status_code == 422


# --- tiles follow the filters -------------------------------------------------------------------

def test_summary_tiles_follow_the_filters(triaged, analyst, api_as):
    everything = selectors.summary(analyst, selectors.FindingFilter())
    kev_only = selectors.summary(analyst, selectors.FindingFilter(kev=True))
    assert (everything.open, kev_only.open, kev_only.kev, kev_only.past_due) == (5, 1, 1, 1)
    page = _browser(analyst).get("/vulns/?kev=yes").content.decode()
    assert 'id="tile-open"><span class="num">1</span>' in page
    partial = _browser(analyst).get(f"/vulns/?service={triaged['erp'].pk}", headers={"HX-Request": "true"})
    assert 'id="tile-open"><span class="num">3</span>' in partial.content.decode()
    api = api_as(analyst).get("/vulns/findings/summary?kev=true").json()
    assert (api["open"], api["kev"], api["past_due"]) == (1, 1, 1)


# --- exports ----------------------------------------------------------------------------------

def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_export_csv_escapes_formulas_streams_and_is_audited(triaged, analyst, api_as):
    response = api_as(analyst).get(f"/vulns/findings/export?format=csv&service={triaged['web'].pk}")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = _csv_rows(b"".join(response.streaming_content))
    header, data = rows[0], rows[1:]
    assert "service" in header and "team" in header and len(data) == 1
    assert data[0][header.index("title")] == '\'=HYPERLINK("http://evil.example","x")'
    event = AuditEvent.objects.get(action="findings.exported")
    assert event.actor_name == "analyst"
    assert event.after["format"] == "csv" and event.after["filters"] == {"service": triaged["web"].pk}


def test_export_csv_escapes_every_formula_start(triaged, analyst):
    export = services.export_findings(actor=analyst, filters=selectors.FindingFilter(cve="CVE-2024-0001"),
                                      file_format="csv")
    rows = _csv_rows(b"".join(export.chunks))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'@SUM(1+1)\x0bbanner" in cells and "'-cmd|' /C calc'!A0" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_export_rows_come_in_chunks_yet_all_arrive_in_order(triaged, analyst, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    export = services.export_findings(actor=analyst, filters=selectors.FindingFilter(), file_format="csv")
    ids = [int(row[0]) for row in _csv_rows(b"".join(export.chunks))[1:]]
    expected = list(selectors.findings_visible_to(analyst, selectors.FindingFilter()).values_list("id", flat=True))
    assert ids == expected and len(ids) == 5


def test_export_xlsx_keeps_formulas_as_text_from_the_web(triaged, analyst):
    response = _browser(analyst).get("/vulns/export/?format=xlsx&state=open")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    titles = {row[header.index("title")] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","x")' in titles and "'@SUM(1+1)banner" in titles
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    epss_or_cvss = [row[header.index("cvss")] for row in rows[1:] if row[header.index("cvss")] is not None]
    assert epss_or_cvss and all(isinstance(v, float) for v in epss_or_cvss)


def test_export_grouped_xlsx_and_csv_from_the_cli(triaged, analyst, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    token = account_services.create_token(actor=analyst, name="cli").secret
    target = tmp_path / "by-fix.xlsx"
    done = runner.invoke(app, ["vulns", "list", "--by", "fix", "--export", str(target), "--token", token])
    assert done.exit_code == 0, done.output
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("fix", "key", "findings") and len(rows) == 5
    assert "'-cmd|' /C calc'!A0" in [r[0] for r in rows]
    flat = tmp_path / "kev.csv"
    assert runner.invoke(app, ["vulns", "list", "--kev", "--export", str(flat), "--token", token]).exit_code == 0
    assert len(_csv_rows(flat.read_bytes())) == 2
    assert AuditEvent.objects.filter(action="findings.exported").count() == 2
    bad = runner.invoke(app, ["vulns", "list", "--export", str(tmp_path / "x.pdf"), "--token", token])
    assert bad.exit_code == 2 and "--export" in bad.output


def test_export_xlsx_over_the_bound_is_refused_naming_the_format(triaged, analyst, api_as, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    refused = api_as(analyst).get("/vulns/findings/export?format=xlsx")
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert problem["field"] == "format" and "3" in problem["message"] and "csv" in problem["message"].lower()
    page = _browser(analyst).get("/vulns/export/?format=xlsx&state=open")
    assert page.status_code == 422 and b"format: an XLSX export holds at most 3 rows" in page.content
    assert not AuditEvent.objects.filter(action="findings.exported").exists()
    assert api_as(analyst).get("/vulns/findings/export?format=xlsx&kev=true").status_code == 200


def test_export_needs_the_read_capability(triaged, make_user, api_as):
    assert api_as(make_user("board_viewer")).get("/vulns/findings/export?format=csv").status_code == 403
    assert _browser(make_user("board_viewer")).get("/vulns/export/?format=csv").status_code == 403


# --- the exposure flag on findings --------------------------------------------------------------

def test_findings_on_a_public_address_not_marked_exposed_are_flagged(triaged, analyst, api_as):
    page = _browser(analyst).get("/vulns/?cve=CVE-2024-0001").content.decode()
    row = next(r for r in page.split("<tr") if "pub-01.example" in r)
    assert "review exposure" in row
    item = next(i for i in api_as(analyst).get("/vulns/findings").json()["items"] if i["hostname"] == "pub-01.example")
    assert item["asset_exposure_review"] is True
    finding = Finding.objects.get(asset__hostname="pub-01.example")
    detail = _browser(analyst).get(f"/vulns/findings/{finding.pk}/").content.decode()
    assert "public IP address" in detail and "not internet-exposed" in detail


@pytest.mark.parametrize("by", ["fix", "asset"])
def test_group_totals_are_the_tiles_when_each_finding_is_in_one_group(triaged, analyst, by):
    filters = selectors.FindingFilter(state="all")
    assert selectors.finding_groups(analyst, filters, by=by, limit=1).totals == selectors.summary(analyst, filters)
    assert selectors.finding_groups(analyst, filters, by="cve").totals is None


def test_a_cve_filter_that_is_not_a_cve_names_the_field_on_the_page(triaged, analyst):
    page = _browser(analyst).get("/vulns/?cve=CVE-2024")
    assert page.status_code == 422 and b"filter-problems" in page.content and b"cve: " in page.content
    typing = _browser(analyst).get("/vulns/?cve=CVE-2024", headers={"HX-Request": "true"})
    assert typing.status_code == 200 and b"not a CVE id" in typing.content  # htmx swaps only 2xx answers
