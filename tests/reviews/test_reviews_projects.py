"""The roadmap: projects created and edited by the right people, CSV import (all or nothing, each
problem with its line and column) and export (which imports back unchanged)."""

from __future__ import annotations

import io

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.reviews import services
from accord.reviews.models import ItProject

GOOD = """name,owner,sponsor,business_service,go_live,data_classification,exposure,third_parties,third_party_names,status
Payments gateway,owner@example.com,Martin Keller,Website,2026-06-30,restricted,public,yes,PayCo; Acme Hosting,planned
HR self-service,other_owner@example.com,,,2026-09-01,confidential,none,no,,idea
"""


def _import(actor, text, name="projects.csv"):
    return services.import_projects_csv(actor=actor, file=io.BytesIO(text.encode()), filename=name)


def test_who_may_create_and_edit_projects(db, people, portal):
    assert portal.slug == "customer-portal-v2" and portal.owner == people["person"]["owner"]
    for role in ("analyst", "ciso", "itops", "auditor"):
        with pytest.raises(NotAllowed):
            services.create_project(actor=people[role], name="X", owner=people["person"]["owner"])
    with pytest.raises(ValidationFailed, match="own or sponsor"):
        services.create_project(actor=people["owner"], name="Not mine", owner=people["person"]["other_owner"])
    with pytest.raises(ValidationFailed, match="own or sponsor"):
        services.update_project(actor=people["other_owner"], project=portal, status="live")
    with pytest.raises(ValidationFailed, match="own or sponsor"):  # cannot hand it over to someone else either
        services.update_project(actor=people["owner"], project=portal, owner=people["person"]["other_owner"])
    services.update_project(actor=people["cio"], project=portal, owner=people["person"]["other_owner"])
    with pytest.raises(ValidationFailed, match="cannot change"):
        services.update_project(actor=people["cio"], project=portal, slug="portal")
    with pytest.raises(ValidationFailed, match="third_parties"):
        services.update_project(actor=people["cio"], project=portal, third_party_names="Acme")
    with pytest.raises(ValidationFailed, match="data_classification"):
        services.update_project(actor=people["cio"], project=portal, data_classification="secret")
    changed = AuditEvent.objects.filter(action="it_project.updated").get()
    assert changed.after == {"owner_id": people["person"]["other_owner"].pk}


def test_csv_import_creates_and_updates(db, people, org_data):
    report = _import(people["cio"], GOOD)
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    gateway = ItProject.objects.get(name="Payments gateway")
    assert (gateway.slug, gateway.owner, gateway.sponsor, gateway.business_service) == (
        "payments-gateway", people["person"]["owner"], people["person"]["cio"], org_data["web"])
    assert gateway.third_party_names == "PayCo; Acme Hosting" and str(gateway.go_live) == "2026-06-30"
    again = _import(people["cio"], GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    partial = _import(people["owner"], "name,status\nPayments gateway,in_progress\n")
    assert partial.updated == 1
    gateway.refresh_from_db()
    assert gateway.status == "in_progress" and gateway.data_classification == "restricted"  # other columns kept


def test_csv_import_refuses_the_whole_file_naming_line_and_column(db, people, org_data):
    bad = (
        "name,owner,go_live,data_classification,exposure,third_parties,third_party_names,business_service,slug\n"
        "Payments gateway,nobody@example.com,2026-06-30,restricted,public,yes,PayCo,Website,\n"
        "HR self-service,owner@example.com,30/06/2026,secret,none,no,,,\n"
        "Vendor portal,owner@example.com,,internal,partner,no,Acme,,\n"
        "Payments gateway,owner@example.com,,internal,none,maybe,,Nowhere,\n"
        "Data lake,owner@example.com,,internal,none,no,,,Not A Slug\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        _import(people["cio"], bad, "roadmap.csv")
    found = {(p.line, p.column) for p in refused.value.problems}
    assert found == {(2, "owner"), (3, "go_live"), (3, "data_classification"), (4, "third_parties"), (5, "name"),
                     (5, "third_parties"), (5, "business_service"), (6, "slug")}
    assert refused.value.source == "roadmap.csv"
    assert "line 2, column 'owner': no one in the people directory" in str(refused.value)
    assert ItProject.objects.count() == 0 and not AuditEvent.objects.filter(action__startswith="it_project").exists()
    with pytest.raises(ValidationFailed) as header:
        _import(people["cio"], "name,colour\nX,red\n")
    assert header.value.problems[0].column == "colour" and header.value.problems[0].line == 1


def test_a_project_owner_imports_only_their_own_projects(db, people, org_data):
    with pytest.raises(ValidationFailed) as refused:
        _import(people["owner"], GOOD)
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "owner")]
    with pytest.raises(NotAllowed):
        _import(people["analyst"], GOOD)


def test_export_escapes_formulas_and_imports_back_unchanged(db, people, org_data):
    _import(people["cio"], GOOD)
    services.create_project(actor=people["cio"], name="=HYPERLINK(1)", description="+1 trick",
                            owner=people["person"]["owner"])
    text = services.export_projects_csv(actor=people["auditor"])
    assert "'=HYPERLINK(1)" in text and "'+1 trick" in text
    assert AuditEvent.objects.filter(action="it_projects.exported").count() == 1
    report = _import(people["cio"], text, "export.csv")
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 0, 0, 3)
