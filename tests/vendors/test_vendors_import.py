"""CSV import of an existing vendor list: all rows or none, each problem with its line and column; a row
naming a registered vendor updates it."""

from __future__ import annotations

import io

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.vendors.importer import example_csv, import_vendors_csv
from accord.vendors.models import Vendor

HEADER = "name,service_provided,owner,data_sensitivity,criticality,business_services,contract_end,previous_review_on\n"


def _import(actor, text, name="vendors.csv"):
    return import_vendors_csv(actor=actor, file=io.BytesIO(text.encode()), filename=name)


def test_a_good_file_registers_every_vendor(db, frozen, people, business):
    report = _import(people["ciso"], HEADER
                     + "PayCo,Card payments,cio@example.com,restricted,critical,Web shop;Intranet,2027-12-31,2025-11-15\n"
                     + "Print Shop,Brochures,Ciso Person,none,low,,,\n")
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    payco = Vendor.objects.get(name="PayCo")
    assert payco.tier == "critical" and payco.owner.email == "cio@example.com"
    assert sorted(s.name for s in payco.business_services.all()) == ["Intranet", "Web shop"]
    assert str(payco.previous_review_on) == "2025-11-15"
    assert Vendor.objects.get(name="Print Shop").tier == "low"
    assert AuditEvent.objects.filter(action="vendor.import_finished").get().after["created"] == 2

    again = _import(people["cio"], "name,criticality\nPayCo,low\nPrint Shop,low\n")
    assert (again.updated, again.unchanged, again.created) == (1, 1, 0)
    payco.refresh_from_db()
    assert payco.criticality == "low" and payco.tier == "high"  # restricted x low


def test_a_bad_file_names_line_and_column_and_writes_nothing(db, frozen, people, business):
    with pytest.raises(ValidationFailed) as refused:
        _import(people["ciso"], HEADER
                + "Good Co,Hosting,cio@example.com,internal,medium,,,\n"
                + "Bad Co,Hosting,nobody@example.com,secret,medium,Payroll,2027-13-01,\n"
                + "Good Co,Again,cio@example.com,internal,medium,,,\n"
                + "No Owner,Hosting,,internal,medium,,,\n")
    where = {(p.line, p.column) for p in refused.value.problems}
    assert {(3, "owner"), (3, "data_sensitivity"), (3, "business_services"), (3, "contract_end"), (4, "name"),
            (5, "owner")} <= where
    assert refused.value.source == "vendors.csv"
    assert not Vendor.objects.exists()


def test_a_rule_only_the_model_knows_refuses_the_whole_file_at_its_line(db, frozen, people):
    with pytest.raises(ValidationFailed) as refused:
        _import(people["ciso"], "name,service_provided,owner,contract_start,contract_end\n"
                "First,Hosting,cio@example.com,,\n"
                "Second,Hosting,cio@example.com,2026-05-01,2026-01-01\n")
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "contract_end")]
    assert not Vendor.objects.exists()


def test_unknown_columns_and_permissions(db, frozen, people):
    with pytest.raises(ValidationFailed) as refused:
        _import(people["ciso"], "name,colour\nX,red\n")
    assert refused.value.problems[0].column == "colour" and refused.value.problems[0].line == 1
    with pytest.raises(NotAllowed):
        _import(people["analyst"], "name\nX\n")


def test_the_example_imports(db, frozen, people, business):
    from accord.org import services as org

    org.create_business_service(actor=people["admin"], name="Website", criticality_tier=2)
    org.create_business_service(actor=people["admin"], name="ERP", criticality_tier=1)
    assert _import(people["ciso"], example_csv()).created == 1
