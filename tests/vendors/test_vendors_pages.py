"""The vendor pages: who sees them, and the forms that write through the services."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.conftest import PASSWORD

from accord.core.models import AuditEvent
from accord.vendors.models import Vendor

from .conftest import all_answers


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(("who", "status"), [("ciso", 200), ("analyst", 200), ("auditor", 200), ("itops", 403),
                                             ("board", 403), ("owner", 403)])
def test_who_sees_the_register(db, frozen, people, make_vendor, who, status):
    make_vendor()
    client = _client(people[who])
    assert client.get("/vendors/").status_code == status
    assert client.get("/vendors/payco/").status_code == status


def test_the_register_shows_the_matrix_the_figure_and_the_rows(db, frozen, people, make_vendor):
    make_vendor()
    make_vendor("Print Shop", data_sensitivity="none", criticality="low")
    frozen.advance(days=3)
    page = _client(people["analyst"]).get("/vendors/").content.decode()
    assert 'id="tier-matrix"' in page and "every 12 months" in page and "every 36 months" in page
    assert "0.0%" in page and "0 of 1, as of 2026-03-05" in page
    assert "overdue by 3 days" in page and "PayCo" in page and "Print Shop" in page
    assert "New vendor" not in page  # the analyst reads only
    filtered = _client(people["analyst"]).get("/vendors/?tier=low", headers={"HX-Request": "true"}).content.decode()
    assert "Print Shop" in filtered and "PayCo" not in filtered and "<html" not in filtered


def test_writers_edit_assess_override_and_link(db, frozen, people, person, business):
    client = _client(people["cio"])
    created = client.post("/vendors/new/", {
        "name": "HostCo", "service_provided": "Hosting of the web shop", "data_accessed": "Orders",
        "data_sensitivity": "confidential", "criticality": "high", "business_services": [business["shop"].pk],
        "owner": person("cio").pk, "status": "active"})
    assert created.status_code == 302 and created["Location"] == "/vendors/hostco/"
    vendor = Vendor.objects.get()
    assert vendor.tier == "high" and list(vendor.business_services.all()) == [business["shop"]]

    refused = client.post("/vendors/hostco/tier/", {"tier": "critical", "reason": ""})
    assert refused.status_code == 302 and Vendor.objects.get().tier == "high"
    client.post("/vendors/hostco/tier/", {"tier": "critical", "reason": "Hosts the checkout"})
    assert Vendor.objects.get().tier == "critical"
    page = client.get("/vendors/hostco/").content.decode()
    assert "overridden; the matrix gives <strong>high</strong>" in page and "Hosts the checkout" in page

    form = {f"q_{k}": v for k, v in all_answers().items()}
    incomplete = client.post("/vendors/hostco/assess/", {"assessed_on": "2026-03-01"})
    assert incomplete.status_code == 422 and not vendor.assessments.exists()
    assessed = client.post("/vendors/hostco/assess/", {**form, "q_mfa": "no", "assessed_on": "2026-03-01",
                                                       "finding": "No MFA for support", "finding_owner": person("ciso").pk,
                                                       "finding_due_on": "2026-05-01"})
    assert assessed.status_code == 302
    assessment = vendor.assessments.get()
    assert float(assessment.score) == pytest.approx(81.3)  # 13 of 16, half up and assessment.findings.count() == 1
    shown = client.get(assessed["Location"]).content.decode()
    assert "81.3/100" in shown and "No MFA for support" in shown

    finding = assessment.findings.get()
    client.post(f"/vendors/findings/{finding.pk}/close/", {"status": "resolved", "note": "done"})
    finding.refresh_from_db()
    assert finding.status == "resolved"

    edited = client.post("/vendors/hostco/edit/", {
        "name": "HostCo", "service_provided": "Hosting", "data_sensitivity": "confidential", "criticality": "high",
        "owner": person("cio").pk, "status": "active", "contract_start": "2026-01-01", "contract_end": "2025-01-01"})
    assert edited.status_code == 422 and "the contract ends before it starts" in edited.content.decode()
    assert AuditEvent.objects.filter(action="vendor.updated").count() == 0


def test_readers_cannot_post(db, frozen, people, make_vendor):
    make_vendor()
    client = _client(people["analyst"])
    assert client.get("/vendors/new/").status_code == 403
    assert client.post("/vendors/payco/tier/", {"tier": "low", "reason": "x"}).status_code == 403
    assert client.get("/vendors/payco/assess/").status_code == 403
    assert client.get("/vendors/import/").status_code == 403
    assert Vendor.objects.get().tier == "critical"


def test_links_on_the_vendor_page(db, frozen, people, person, make_vendor):
    from accord.reviews import services as reviews

    make_vendor()
    reviews.create_project(actor=people["cio"], name="Payouts", owner=person("owner"),
                           data_classification="confidential", third_parties=True, third_party_names="PayCo")
    client = _client(people["ciso"])
    page = client.get("/vendors/payco/").content.decode()
    assert 'id="suggested"' in page and "Payouts" in page
    client.post("/vendors/payco/project/link/", {"choice": "payouts"})
    page = client.get("/vendors/payco/").content.decode()
    assert 'id="suggested"' not in page and "no vendor review" in page
    assert client.post("/vendors/payco/colour/link/", {"choice": "x"}).status_code == 404
    client.post("/vendors/payco/project/unlink/", {"choice": "payouts"})
    assert 'id="suggested"' in client.get("/vendors/payco/").content.decode()


def test_the_import_page(db, frozen, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(people["ciso"])
    bad = client.post("/vendors/import/", {"file": SimpleUploadedFile("v.csv", b"name,criticality\nX,extreme\n")})
    assert bad.status_code == 422 and "nothing was written" in bad.content.decode()
    good = client.post("/vendors/import/", {"file": SimpleUploadedFile(
        "v.csv", b"name,service_provided,owner\nHostCo,Hosting,cio@example.com\n")})
    assert good.status_code == 200 and "1 created" in good.content.decode()
    assert Vendor.objects.get().name == "HostCo"
