from __future__ import annotations

import io
from datetime import timedelta

import pytest

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.org.models import Asset
from accord.vulns.models import Finding, ImportRun
from accord.vulns.services import import_scan, load_kev


def _import(actor, data: bytes, name: str = "weekly.csv", **kwargs):
    stream = io.BytesIO(data)
    return import_scan(actor=actor, file=stream, filename=name, **kwargs)


def test_first_import_matches_assets_creates_unknown_ones_and_records_one_run(org_data, analyst, vf):
    run = _import(analyst, vf.scan_csv(), scope="internal")
    assert (run.findings_read, run.new, run.unchanged, run.fixed, run.assets_created) == (4, 4, 0, 0, 1)
    by_title = {f.title: f for f in Finding.objects.select_related("asset")}
    assert by_title["OpenSSH regreSSHion"].asset.hostname == "erp-db-01"
    assert by_title["TLS 1.0 enabled"].asset.hostname == "www-01"  # matched by IP
    ghost = Asset.objects.get(hostname="ghost-01.example")
    assert ghost.discovered_by_scan and ghost.business_service is None and ghost.ip_address == "10.9.9.9"
    assert ImportRun.objects.count() == 1 and len(run.sha256) == 64
    assert AuditEvent.objects.filter(action="scan.imported").count() == 1
    assert AuditEvent.objects.filter(action__startswith="finding").count() == 0  # not one row per finding
    assert AuditEvent.objects.filter(action="asset.discovered").count() == 1


def test_reimport_reports_unchanged_fixed_new_and_reopened(org_data, analyst, vf):
    _import(analyst, vf.scan_csv(), scope="internal")
    again = _import(analyst, vf.scan_csv(), scope="internal")
    assert (again.new, again.unchanged, again.fixed, again.reopened) == (0, 4, 0, 0)
    extra = "erp-app-01,,nessus,1005,Log4Shell,critical,CVE-2021-44228,,8080,tcp,yes,\n"
    later = _import(analyst, vf.scan_csv(drop=1, extra=extra), scope="internal")  # regreSSHion gone
    assert (later.new, later.unchanged, later.fixed, later.reopened) == (1, 3, 1, 0)
    fixed = Finding.objects.get(title="OpenSSH regreSSHion")
    assert fixed.state == "fixed" and fixed.fixed_at is not None
    back = _import(analyst, vf.scan_csv(), scope="internal")
    assert (back.new, back.unchanged, back.fixed, back.reopened) == (0, 3, 1, 1)
    reopened = Finding.objects.get(title="OpenSSH regreSSHion")
    assert reopened.state == "reopened" and reopened.fixed_at is None and reopened.sla_start == vf.NOW.date()
    assert Finding.objects.get(title="Log4Shell").state == "fixed"


def test_other_scopes_are_not_marked_fixed(org_data, analyst, vf):
    _import(analyst, vf.scan_csv(), scope="internal")
    run = _import(analyst, vf.scan_csv(drop=1), scope="dmz")
    assert run.fixed == 0
    assert not Finding.objects.filter(state="fixed").exists()


def test_a_broken_file_changes_nothing_and_names_the_line(org_data, analyst, vf):
    broken = vf.scan_csv() + b"erp-db-01,,nessus,9,too,few\n"  # the unknown host earlier in the file is not created
    with pytest.raises(ValidationFailed) as refused:
        _import(analyst, broken, name="broken.csv")
    problem = refused.value.problems[0]
    assert problem.line == 6 and refused.value.source == "broken.csv"
    assert not Finding.objects.exists() and not ImportRun.objects.exists()
    assert not Asset.objects.filter(hostname="ghost-01.example").exists()
    assert not AuditEvent.objects.filter(action__in=["scan.imported", "asset.discovered"]).exists()


def test_truncated_xml_and_an_entity_bomb_are_refused_whole(org_data, analyst, vf):
    truncated = b'<?xml version="1.0"?><NessusClientData_v2><Report name="r"><ReportHost name="10.0.0.1">'
    with pytest.raises(ValidationFailed):
        _import(analyst, truncated, name="cut.nessus")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b'<NessusClientData_v2><Report name="&lol2;"></Report></NessusClientData_v2>')
    with pytest.raises(ValidationFailed):
        _import(analyst, bomb, name="bomb.nessus")
    assert not Finding.objects.exists() and not ImportRun.objects.exists()


def test_a_malformed_cvss_vector_refuses_the_file_naming_the_line(org_data, analyst, vf):
    bad = vf.scan_csv() + b"erp-db-01,,nessus,77,Odd,high,,CVSS:3.1/AV:Q,1,tcp,no,\n"
    with pytest.raises(ValidationFailed) as refused:
        _import(analyst, bad)
    assert "line 6" in str(refused.value)
    assert not Finding.objects.exists()


def test_files_over_the_size_limit_are_refused(org_data, analyst, settings, vf):
    settings.ACCORD_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationFailed, match="limit"):
        _import(analyst, vf.scan_csv())


def test_cyclonedx_not_affected_is_suppressed_with_its_justification(org_data, analyst, vf):
    bom = b"""{"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {"component": {"name": "shop-api"}},
      "components": [{"bom-ref": "pkg:npm/lodash@4.17.20", "name": "lodash", "purl": "pkg:npm/lodash@4.17.20"}],
      "vulnerabilities": [
        {"id": "CVE-2021-23337", "ratings": [{"score": 7.2, "severity": "high", "method": "CVSSv31",
          "vector": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
         "affects": [{"ref": "pkg:npm/lodash@4.17.20"}],
         "analysis": {"state": "not_affected", "justification": "code_not_reachable", "detail": "template unused"}},
        {"id": "CVE-2020-8203", "ratings": [{"score": 7.4, "severity": "high", "method": "CVSSv31"}],
         "affects": [{"ref": "pkg:npm/lodash@4.17.20"}]}]}"""
    run = _import(analyst, bom, name="shop.cdx.json")
    assert (run.new, run.suppressed) == (1, 1)
    suppressed = Finding.objects.get(cves=",CVE-2021-23337,")
    assert suppressed.state == "suppressed" and "code_not_reachable" in suppressed.suppression_justification
    assert suppressed.asset.kind == "application" and suppressed.asset.discovered_by_scan


def test_decision_and_reasons_are_stored_and_the_due_date_follows_the_policy(org_data, analyst, vf):
    load_kev(actor=analyst, file=vf.upload(vf.kev_json("CVE-2024-4577", due_in_days=60), "kev.json"))
    _import(analyst, vf.scan_csv())
    php = Finding.objects.get(title="PHP CGI argument injection")
    points = {p["point"]: p for p in php.decision_points}
    assert php.kev and points["exploitation"]["value"] == "active"
    assert "listed in KEV since" in points["exploitation"]["reason"]
    assert points["automatable"]["reason"] == "network, no privileges, no user interaction"
    assert points["mission_wellbeing"]["value"] == "high" and "ERP" in points["mission_wellbeing"]["reason"]
    assert php.decision == "act"  # active, automatable, total, high
    first_seen = (vf.NOW - timedelta(days=10)).date()
    assert php.sla_start == first_seen and php.due_date == first_seen + timedelta(days=7)
    tls = Finding.objects.get(title="TLS 1.0 enabled")  # no vector, service Website (low)
    assert tls.decision == "track" and tls.due_date == first_seen + timedelta(days=180)


def test_the_kev_due_date_is_stored_and_the_earliest_rule_sets_the_due_date(org_data, analyst, vf):
    load_kev(actor=analyst, file=vf.upload(vf.kev_json("CVE-2024-6387", added_days_ago=30, due_in_days=25), "kev.json"))
    _import(analyst, vf.scan_csv())
    ssh = Finding.objects.get(title="OpenSSH regreSSHion")
    first_seen = (vf.NOW - timedelta(days=10)).date()
    assert ssh.kev_due_date == (vf.NOW - timedelta(days=30)).date() + timedelta(days=25)  # CISA's: a reference
    assert ssh.decision == "act" and ssh.due_date == first_seen + timedelta(days=7)  # act's 7 days beat KEV's 14
    assert ssh.due_rule == "decision" and ssh.due_reason.startswith("act: 7 days from")
