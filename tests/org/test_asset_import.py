from __future__ import annotations

import io

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.org.asset_import import import_assets_csv
from accord.org.models import Asset


def _import(actor, text: str | bytes, name="assets.csv"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return import_assets_csv(actor=actor, file=io.BytesIO(raw), filename=name)


GOOD = (
    "Hostname,IP_Address,Environment,Business_Service,Team,Internet_Exposed,Tags,Kind\n"
    "new-01,10.9.0.1,production,ERP,Platform,yes,pci;erp,server\n"
    "new-02,10.9.0.2,test,,Network,no,,database\n"
    "ERP-DB-01,10.0.0.99,production,ERP,Platform,no,pci,database\n"
)


def test_a_good_file_creates_and_updates(org_data, admin):
    report = _import(admin, GOOD)
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 2, 1, 0)
    new = Asset.objects.get(hostname="new-01")
    assert new.internet_exposed and new.tag_list == ["erp", "pci"] and new.business_service == org_data["erp"]
    assert Asset.objects.get(hostname="erp-db-01").ip_address == "10.0.0.99"
    assert AuditEvent.objects.filter(action="asset.imported").count() == 2
    assert AuditEvent.objects.get(action="asset.updated_by_import").after["ip_address"] == "10.0.0.99"
    again = _import(admin, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_bad_cells_refuse_the_whole_file_with_line_and_column(org_data, admin):
    before = Asset.objects.count()
    audit_before = AuditEvent.objects.count()
    bad = (
        "hostname,ip_address,environment,business_service,team,internet_exposed\n"
        "ok-01,10.9.0.1,production,ERP,Platform,yes\n"
        "bad-ip,300.1.1.1,production,ERP,Platform,no\n"
        "bad-env,,moon,ERP,Platform,no\n"
        ",10.9.0.4,production,Nope,Platform,maybe\n"
        "ok-01,10.9.0.5,production,ERP,Platform,no\n"
        "short,row\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        _import(admin, bad)
    found = {(p.line, p.column) for p in refused.value.problems}
    assert {(3, "ip_address"), (4, "environment"), (5, "hostname"), (5, "business_service"),
            (5, "internet_exposed"), (6, "hostname"), (7, "")} <= found
    assert refused.value.source == "assets.csv"
    assert Asset.objects.count() == before and AuditEvent.objects.count() == audit_before


def test_unknown_and_missing_columns_are_reported_on_line_one(org_data, admin):
    with pytest.raises(ValidationFailed) as refused:
        _import(admin, "host,colour\nx,red\n")
    problems = {(p.line, p.column) for p in refused.value.problems}
    assert problems == {(1, "host"), (1, "colour"), (1, "hostname")}


def test_non_utf8_bytes_name_the_line(org_data, admin):
    raw = b"hostname,operating_system\nok,Linux\n" + b"bad,Syst\xe8me\n"
    with pytest.raises(ValidationFailed) as refused:
        _import(admin, raw)
    assert refused.value.problems[0].line == 3 and "UTF-8" in refused.value.problems[0].message


def test_empty_file_and_size_limit(org_data, admin, settings):
    with pytest.raises(ValidationFailed, match="empty"):
        _import(admin, "")
    settings.ACCORD_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationFailed, match="limit"):
        _import(admin, GOOD)


def test_utf8_bom_is_accepted(org_data, admin):
    assert _import(admin, "\ufeffhostname\nbom-host\n").created == 1


def test_importing_needs_the_capability(org_data, make_user):
    with pytest.raises(NotAllowed):
        _import(make_user("security_analyst"), GOOD)


def test_api_upload_reports_problems_as_json(org_data, admin, api_as):
    client = api_as(admin)
    upload = io.BytesIO(b"hostname,environment\nx,moon\n")
    upload.name = "cmdb.csv"
    response = client.client.post("/api/v1/org/assets/import", {"file": upload}, headers=client.headers)
    assert response.status_code == 422
    body = response.json()
    assert body["problems"] == [{"field": "environment", "message": body["problems"][0]["message"], "line": 2,
                                 "column": "environment"}]
    assert "cmdb.csv" in body["detail"]


def test_an_update_changes_only_the_columns_the_file_has(org_data, admin):
    from accord.org import services as org

    www = Asset.objects.get(hostname="www-01")
    org.update_asset(actor=admin, asset=www, internet_exposed=False, isolated=True)
    report = _import(admin, "hostname,ip_address\nwww-01,10.0.1.9\n")
    www.refresh_from_db()
    assert report.updated == 1 and www.ip_address == "10.0.1.9"
    assert www.isolated and www.tag_list == ["web"] and www.business_service == org_data["web"]


def test_isolated_and_internet_exposed_together_are_refused(org_data, admin):
    with pytest.raises(ValidationFailed) as caught:
        _import(admin, "hostname,internet_exposed,isolated\nnew-03,yes,yes\nnew-04,no,maybe\n")
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {(2, "isolated"), (3, "isolated")}
    assert not Asset.objects.filter(hostname__in=["new-03", "new-04"]).exists()
    from accord.org import services as org

    with pytest.raises(ValidationFailed) as caught:
        org.update_asset(actor=admin, asset=Asset.objects.get(hostname="www-01"), isolated=True)
    assert caught.value.problems[0].field == "isolated"
