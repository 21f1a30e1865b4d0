"""Issue 10 through the app: parse and import agree, the import summary, hostile input refused whole."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.core.errors import ValidationFailed
from accord.vulns.models import Finding, ImportRun
from accord.vulns.services import import_scan

runner = CliRunner()

# Tenable.sc CSV whose CVSS v3 vectors have no `CVSS:3.x/` prefix (defect 2): `accord vulns parse`
# read it while the import aborted on the vector.
TENABLE_SC = (
    '"Plugin","Plugin Name","Family","Severity","IP Address","Protocol","Port","DNS Name",'
    '"CVSS V3 Base Score","CVSS V3 Vector","CVE"\n'
    '"20007","SSL Version 2 and 3 Protocol Detection","Service detection","High","10.8.0.4","TCP",'
    '"443","mail-02.corp.example","7.5","AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",""\n'
    '"104743","TLS Version 1.0 Protocol Detection","Service detection","Medium","10.8.0.4","TCP",'
    '"443","mail-02.corp.example","6.5","AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N",""\n'
)


def _import(actor, data: bytes, name: str = "scan.csv", **kwargs):
    return import_scan(actor=actor, file=io.BytesIO(data), filename=name, **kwargs)


def test_defect_2_a_vector_without_prefix_imports_as_parse_reads_it(org_data, analyst):
    run = _import(analyst, TENABLE_SC.encode(), name="sc.csv", format="nessus-csv")
    assert (run.source_format, run.new) == ("nessus-csv", 2)
    stored = Finding.objects.get(rule_id="20007")
    assert stored.cvss3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
    assert stored.cvss_score == 7.5


FIXTURES = Path(__file__).parents[1] / "engine" / "vulns" / "fixtures"
NEW_FORMATS = ["tenable_vm.csv", "greenbone.csv", "qualys_vmdr.csv", "qualys_pci.csv", "qualys_report.xml",
               "qualys_scan.xml", "qualys_was.xml"]


@pytest.fixture
def token(analyst, tmp_path, monkeypatch):
    from accord.accounts import services as account_services

    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    return account_services.create_token(actor=analyst, name="cli").secret


@pytest.mark.parametrize("name", NEW_FORMATS)
def test_parse_and_import_agree_on_each_new_format(org_data, token, name):
    path = FIXTURES / name
    parsed = runner.invoke(app, ["vulns", "parse", str(path), "--json"])
    assert parsed.exit_code == 0, parsed.output
    imported = runner.invoke(app, ["vulns", "import", str(path), "--json", "--token", token])
    assert imported.exit_code == 0, imported.output
    parse_doc, import_doc = json.loads(parsed.stdout), json.loads(imported.stdout)
    assert parse_doc["format"] == import_doc["format"]
    assert parse_doc["findings"] == import_doc["findings"] == Finding.objects.count()
    assert parse_doc["summary"] == import_doc["summary"]  # one summary, whoever reads the file
    assert parse_doc["suppressed"] == import_doc["suppressed"]


def _with_repeats() -> bytes:
    lines = TENABLE_SC.splitlines()
    return ("\n".join([*lines, lines[1], lines[1].replace("SSL Version 2 and 3", "SSLv2/v3")]) + "\n").encode()


def test_repeats_are_merged_counted_and_summarised_alike(org_data, analyst, token, tmp_path):
    path = tmp_path / "sc.csv"
    path.write_bytes(_with_repeats())
    parsed = json.loads(runner.invoke(app, ["vulns", "parse", str(path), "--json"]).stdout)
    run = _import(analyst, path.read_bytes(), name="sc.csv")
    assert (parsed["findings"], parsed["duplicates"]) == (2, 2) == (run.findings_read - run.duplicates, run.duplicates)
    assert run.summary["repeats_merged"] == 2 and run.summary["repeats_differing"] == 1  # a title reworded
    assert run.summary["ignored"] == {"Family": 4}
    assert run.summary == parsed["summary"]
    human = runner.invoke(app, ["vulns", "parse", str(path)]).output.replace("\n", " ")
    assert "2 repeated finding(s) merged" in human and "Family (4)" in human


def test_the_api_answers_the_summary_with_the_run(org_data, api_as, analyst):
    client = api_as(analyst)
    upload = io.BytesIO(_with_repeats())
    upload.name = "sc.csv"
    created = client.client.post("/api/v1/vulns/imports", {"file": upload}, headers=client.headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["findings"], body["duplicates"]) == (2, 2)
    assert body["summary"]["ignored"] == {"Family": 4} and body["summary"]["repeats_merged"] == 2
    assert any("prefix" in note for note in body["summary"]["notes"])
    listed = client.get(f"/vulns/imports/{body['id']}").json()
    assert listed["summary"] == body["summary"]


def test_the_import_page_shows_what_was_left_out(org_data, analyst):
    from django.test import Client

    client = Client()
    client.force_login(analyst)
    upload = io.BytesIO(_with_repeats())
    upload.name = "sc.csv"
    posted = client.post("/vulns/imports/", {"scan-file": upload, "scan-format": "auto"}, follow=True)
    page = posted.content.decode()
    assert posted.status_code == 200
    assert "2 findings;" in page and "2 repeated finding(s) merged, 1 column(s) or element(s) not imported" in page
    assert "<code>Family</code> (4)" in page and "1 with other details" in page


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ('"443"', '"65536"', "port"),
        ('"443"', '"2147483648"', "port"),  # past a 32-bit integer column
        ('"Service detection"', '"Service\x00detection"', "NUL"),
        ('"7.5"', '"nan"', "not a whole number"),
        ('"7.5"', '"1e309"', "CVSS V3 Base Score"),
    ],
)
def test_hostile_input_is_refused_whole_with_a_422_naming_the_line(org_data, api_as, analyst, old, new, what):
    client = api_as(analyst)
    upload = io.BytesIO(TENABLE_SC.replace(old, new, 1).encode())
    upload.name = "hostile.csv"
    refused = client.client.post("/api/v1/vulns/imports", {"file": upload}, headers=client.headers)
    assert refused.status_code == 422, refused.content
    problem = refused.json()["problems"][0]
    assert problem["line"] == 2 and what in problem["message"]
    assert not Finding.objects.exists() and not ImportRun.objects.exists()
    with pytest.raises(ValidationFailed):
        _import(analyst, TENABLE_SC.replace(old, new, 1).encode())


def test_hostile_xml_is_refused_whole(org_data, analyst):
    data = (FIXTURES / "qualys_report.xml").read_bytes().replace(b"<PORT>445</PORT>", b"<PORT>99999999999</PORT>")
    with pytest.raises(ValidationFailed) as refused:
        _import(analyst, data, name="report.xml")
    assert "VULN_INFO[1]" in refused.value.problems[0].field and "port" in refused.value.problems[0].message
    assert not Finding.objects.exists() and not ImportRun.objects.exists()
