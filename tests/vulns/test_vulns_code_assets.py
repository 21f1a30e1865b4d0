"""Code and component findings (SARIF, CycloneDX, DefectDojo without a host) and their assets (issue 10).

They attach to an application named from the file's own metadata, outside production, unless the
person importing names an asset or a business service; never to an asset named after the file.
Hostile JSON is refused with the element named, through the service, the API, the page and the
CLI alike, and leaves nothing behind.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core.errors import ValidationFailed
from accord.org.models import Asset
from accord.vulns.models import Finding, ImportRun
from accord.vulns.services import import_scan

runner = CliRunner()


def sarif(*, run: dict[str, Any] | None = None, results: int = 2) -> bytes:
    document = {"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "CodeQL", "rules": [{"id": "py/sql-injection",
                                                         "properties": {"security-severity": "8.8"}}]}},
        **(run or {}),
        "results": [{"ruleId": "py/sql-injection", "message": {"text": "SQL built from input"},
                     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "shop/orders.py"},
                                                         "region": {"startLine": 10 + n}}}]}
                    for n in range(results)],
    }]}
    return json.dumps(document).encode()


def _import(actor: Any, data: bytes, name: str = "codeql-results.sarif", **options: Any):
    return import_scan(actor=actor, file=io.BytesIO(data), filename=name, **options)


def test_a_run_without_a_repository_never_names_its_asset_after_the_file(org_data, analyst):
    run = _import(analyst, sarif(), name="codeql-results.sarif")
    asset = Asset.objects.get(hostname__startswith="unnamed")
    assert asset.hostname == "unnamed application (codeql)"
    assert not Asset.objects.filter(hostname__icontains="codeql-results").exists()
    assert (asset.kind, asset.environment, asset.discovered_by_scan) == ("application", "development", True)
    assert any("no repository or application named" in note for note in run.summary["notes"])


def test_the_repository_names_the_asset_outside_production(org_data, analyst):
    provenance = {"versionControlProvenance": [
        {"repositoryUri": "https://ci-bot:s3cr3t@git.example.com/shop/checkout.git", "revisionId": "4b825dc6"}]}
    _import(analyst, sarif(run=provenance))
    asset = Finding.objects.select_related("asset").first().asset
    assert asset.hostname == "git.example.com/shop/checkout"  # the token in the URI is not kept
    assert (asset.kind, asset.environment) == ("application", "development")


def test_the_source_root_names_the_asset_when_there_is_no_repository(org_data, analyst):
    root = {"originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///home/runner/work/billing/billing/"}}}
    _import(analyst, sarif(run=root))
    assert Finding.objects.select_related("asset").first().asset.hostname == "billing"


def test_an_asset_named_at_import_takes_the_findings(org_data, analyst):
    before = Asset.objects.count()
    run = _import(analyst, sarif(), application="ERP-APP-01")
    assert run.assets_created == 0 and Asset.objects.count() == before
    assert set(Finding.objects.values_list("asset__hostname", flat=True)) == {"erp-app-01"}


def test_a_service_named_at_import_owns_the_new_application_and_sets_its_mission(org_data, analyst):
    _import(analyst, sarif(), application="checkout-api", service="erp")
    finding = Finding.objects.select_related("asset__business_service").first()
    assert finding.asset.business_service.name == "ERP" and finding.asset.environment == "development"
    mission = next(p for p in finding.decision_points if p["point"] == "mission_wellbeing")
    assert mission["value"] == "high" and "ERP" in mission["reason"]


def test_an_unknown_service_is_refused_before_anything_is_written(org_data, analyst):
    with pytest.raises(ValidationFailed) as refused:
        _import(analyst, sarif(), service="Payroll")
    assert refused.value.problems[0].field == "service"
    assert not ImportRun.objects.exists() and not Finding.objects.exists()


def test_defectdojo_findings_with_an_endpoint_attach_to_the_host(org_data, analyst):
    csv = (b"Date,Title,CweId,Url,Severity,Description,Mitigation,Impact,References,Active,Verified,FalsePositive,"
           b"Duplicate\n"
           b"01/06/2021,Reflected XSS,79,https://www-01/search?q=1,High,Input echoed,Encode output,,,TRUE,TRUE,FALSE,FALSE\n"
           b"01/06/2021,Weak cipher,327,,Low,RC4 offered,,,,TRUE,FALSE,FALSE,FALSE\n")
    _import(analyst, csv, name="dojo.csv")
    xss = Finding.objects.select_related("asset").get(title="Reflected XSS")
    assert xss.asset.hostname == "www-01" and xss.location == "https://www-01/search?q=1"
    cipher = Finding.objects.select_related("asset").get(title="Weak cipher")
    assert cipher.asset.hostname == "unnamed application (defectdojo-generic)"


# --- hostile JSON: refused with the element named, nothing written ----------------------------------

HOSTILE = [
    ("deep", b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"properties": '
             + b'{"a": ' * 80 + b"1" + b"}" * 80 + b"}]}]}", "nested deeper than 64"),
    ("nul", b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r", '
            b'"message": {"text": "a\\u0000b"}}]}]}', "NUL"),
    ("number", b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r", '
               b'"message": {"text": "m"}, "rank": 1e999}]}]}', "too large"),
    ("integer", b'{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-2020-1", "ratings": '
                b'[{"score": 123456789012345678901234567890}]}]}', "too large"),
]


@pytest.mark.parametrize(("case", "data", "reason"), HOSTILE, ids=[case for case, _, _ in HOSTILE])
def test_hostile_json_is_refused_naming_the_element(org_data, analyst, case, data, reason):
    before = Asset.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _import(analyst, data, name=f"{case}.json")
    problem = refused.value.problems[0]
    assert reason in problem.message and (problem.field.startswith("runs[0].results[0]")
                                          or problem.field.startswith("vulnerabilities[0]"))
    assert not ImportRun.objects.exists() and not Finding.objects.exists() and Asset.objects.count() == before


def test_hostile_json_answers_422_on_the_api_and_the_page_and_exit_2_on_the_cli(org_data, api_as, analyst,
                                                                               tmp_path, monkeypatch):
    _, data, _ = HOSTILE[0]
    client = api_as(analyst)
    upload = io.BytesIO(data)
    upload.name = "deep.sarif"
    answered = client.client.post("/api/v1/vulns/imports", {"file": upload}, headers=client.headers)
    assert answered.status_code == 422 and "nested deeper" in answered.json()["problems"][0]["message"]
    browser = Client()
    browser.force_login(analyst)
    upload = io.BytesIO(data)
    upload.name = "deep.sarif"
    page = browser.post("/vulns/imports/", {"scan-file": upload, "scan-format": "auto"})
    assert page.status_code == 422 and b"nested deeper" in page.content
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    path = tmp_path / "deep.sarif"
    path.write_bytes(data)
    token = account_services.create_token(actor=analyst, name="cli").secret
    refused = runner.invoke(app, ["vulns", "import", str(path), "--token", token])
    assert refused.exit_code == 2 and "nested deeper" in " ".join(refused.output.split())
    assert not ImportRun.objects.exists()


def test_the_page_and_the_cli_take_the_application_and_the_service(org_data, analyst, tmp_path, monkeypatch):
    browser = Client()
    browser.force_login(analyst)
    upload = io.BytesIO(sarif())
    upload.name = "page.sarif"
    posted = browser.post("/vulns/imports/", {"scan-file": upload, "scan-format": "sarif",
                                              "scan-application": "checkout-web", "scan-service": "Website"})
    assert posted.status_code == 302
    assert Asset.objects.get(hostname="checkout-web").business_service.name == "Website"
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    path = tmp_path / "cli.sarif"
    path.write_bytes(sarif())
    token = account_services.create_token(actor=analyst, name="cli").secret
    done = runner.invoke(app, ["vulns", "import", str(path), "--application", "checkout-cli", "--service", "ERP",
                               "--json", "--token", token])
    assert done.exit_code == 0, done.output
    assert Asset.objects.get(hostname="checkout-cli").business_service.name == "ERP"
