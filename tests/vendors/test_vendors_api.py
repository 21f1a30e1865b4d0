"""The vendors API end to end, and who may do what: vendor.read to look, vendor.write to change; links to
risks and projects also need read access to those areas."""

from __future__ import annotations

import pytest

from accord.vendors.models import Vendor

from .conftest import all_answers


@pytest.fixture
def payload(person, business):
    return {"name": "PayCo", "service_provided": "Card payments", "data_accessed": "Card holder data",
            "data_sensitivity": "restricted", "criticality": "high", "owner_id": person("cio").pk,
            "business_service_ids": [business["shop"].pk], "contract_start": "2025-01-01",
            "contract_end": "2027-12-31"}


@pytest.mark.parametrize(("who", "read", "write"), [
    ("ciso", 200, 201), ("cio", 200, 201), ("analyst", 200, 403), ("auditor", 200, 403), ("admin", 200, 403),
    ("itops", 403, 403), ("owner", 403, 403), ("board", 403, 403)])
def test_permissions(db, frozen, people, payload, api_as, who, read, write):
    client = api_as(people[who])
    assert client.get("/vendors/").status_code == read
    assert client.get("/vendors/tiers").status_code == read
    assert client.post("/vendors/", payload).status_code == write
    assert Vendor.objects.count() == (1 if write == 201 else 0)


def test_anonymous_is_refused(db, api_as):
    assert api_as(None).get("/vendors/").status_code == 401


def test_a_vendor_through_the_api(db, frozen, people, payload, api_as, person):
    ciso, analyst = api_as(people["ciso"]), api_as(people["analyst"])
    created = ciso.post("/vendors/", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["slug"], body["tier"], body["matrix_tier"], body["cadence_months"]) == ("payco", "critical",
                                                                                        "critical", 12)
    assert body["business_services"] == ["Web shop"] and body["next_review_due"] == "2026-03-02"
    assert body["review_state"] == "due_soon" and body["as_of"] == "2026-03-02"

    refused = ciso.post("/vendors/payco/tier", {"tier": "low", "reason": ""})
    assert refused.status_code == 422
    tiered = ciso.post("/vendors/payco/tier", {"tier": "high", "reason": "Tokenised card data only"})
    assert tiered.json()["tier"] == "high" and tiered.json()["tier_override_reason"] == "Tokenised card data only"

    form = analyst.get("/vendors/questionnaire").json()
    assert form["version"] == "2026.1"
    bad = ciso.post("/vendors/payco/assessments", {"answers": {"mfa": "perhaps"}})
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert "answers.mfa" in fields and "answers.certification" in fields
    assessed = ciso.post("/vendors/payco/assessments", {
        "answers": {**all_answers(), "encryption": "na"}, "assessed_on": "2026-02-27",
        "findings": [{"text": "No breach notice clause", "owner_id": person("cio").pk, "due_on": "2026-06-30"}]})
    assert assessed.status_code == 201, assessed.content
    assert assessed.json()["score"] == "100.0" and assessed.json()["findings"][0]["owner"] == "Cio Person"

    whole = analyst.get("/vendors/payco").json()
    assert whole["last_assessed_on"] == "2026-02-27" and whole["next_review_due"] == "2027-08-27"  # high: 18 months
    finding_id = whole["assessments"][0]["findings"][0]["id"]
    assert analyst.post(f"/vendors/findings/{finding_id}/close", {"status": "resolved"}).status_code == 403
    closed = ciso.post(f"/vendors/findings/{finding_id}/close", {"status": "accepted", "note": "Insurer covers it"})
    assert closed.json()["status"] == "accepted"
    added = ciso.post("/vendors/payco/findings", {"assessment_id": whole["assessments"][0]["id"], "text": "Pen test",
                                                  "owner_id": person("ciso").pk, "due_on": "2026-09-01"})
    assert added.status_code == 201

    patched = ciso.patch("/vendors/payco", {"criticality": "low", "business_service_ids": []})
    assert patched.json()["criticality"] == "low" and patched.json()["business_services"] == []
    assert patched.json()["tier"] == "high"  # still overridden
    assert ciso.patch("/vendors/payco", {"data_sensitivity": "top"}).status_code == 422

    listed = analyst.get("/vendors/?tier=high").json()
    assert listed["count"] == 1 and listed["items"][0]["slug"] == "payco" and listed["as_of"] == "2026-03-02"
    assert analyst.get("/vendors/?review=overdue").json()["count"] == 0
    assert analyst.get("/vendors/nope").status_code == 404


def test_links_to_risks_and_projects(db, frozen, people, api_as, make_vendor, person):
    from accord.reviews import services as reviews
    from accord.risks import services as risks

    make_vendor()
    scenario = risks.create_scenario(actor=people["ciso"], slug="card-breach", name="Card data breach at a vendor",
                                     inputs={"lef": {"constant": 0.2}, "events": "bernoulli",
                                             "primary_loss": {"lognormal90": [50000, 2000000]}})
    project = reviews.create_project(actor=people["cio"], name="Checkout v2", owner=person("owner"),
                                     data_classification="restricted", third_parties=True,
                                     third_party_names="PayCo; Other Ltd")
    ciso, cio = api_as(people["ciso"]), api_as(people["cio"])
    assert ciso.get("/vendors/payco").json()["suggested_projects"] == [{"slug": "checkout-v2", "name": "Checkout v2"}]
    linked = ciso.post(f"/vendors/payco/risks/{scenario.slug}")
    assert linked.status_code == 200 and linked.json()["risk_scenarios"][0]["slug"] == "card-breach"
    assert ciso.post(f"/vendors/payco/risks/{scenario.slug}").status_code == 422  # once
    assert ciso.post("/vendors/payco/risks/nope").status_code == 404
    assert ciso.post("/vendors/payco/projects/checkout-v2").status_code == 200

    review = reviews.request_review(actor=people["cio"], project=project, scope="PayCo integration")
    whole = cio.get("/vendors/payco").json()
    assert whole["projects"][0]["slug"] == "checkout-v2" and whole["suggested_projects"] == []
    assert review.tier == "full"  # restricted data: the review table says full, not vendor
    assert whole["projects"][0]["vendor_reviews"] == []  # so it is not listed among the vendor reviews
    vendor_review = reviews.request_review(actor=people["cio"], project=reviews.create_project(
        actor=people["cio"], name="Payouts", owner=person("owner"), data_classification="confidential",
        third_parties=True, third_party_names="PayCo"), scope="payouts")
    assert vendor_review.tier == "vendor"
    assert ciso.post("/vendors/payco/projects/payouts").status_code == 200
    whole = cio.get("/vendors/payco").json()
    by_project = {p["slug"]: [r["id"] for r in p["vendor_reviews"]] for p in whole["projects"]}
    assert by_project == {"checkout-v2": [], "payouts": [vendor_review.pk]}

    assert api_as(people["analyst"]).post("/vendors/payco/projects/payouts").status_code == 403
    from accord.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="vendor.risk_linked").count() == 1
    unlinked = ciso.call("DELETE", f"/vendors/payco/risks/{scenario.slug}")
    assert unlinked.status_code == 200 and unlinked.json()["risk_scenarios"] == []
    assert ciso.call("DELETE", "/vendors/payco/projects/payouts").json()["projects"][0]["slug"] == "checkout-v2"


def test_import_through_the_api(db, frozen, people, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_as(people["ciso"])
    good = SimpleUploadedFile("list.csv", b"name,service_provided,owner\nHostCo,Hosting,cio@example.com\n")
    answer = client.client.post("/api/v1/vendors/import", {"file": good}, headers=client.headers)
    assert answer.status_code == 200 and answer.json()["created"] == 1
    bad = SimpleUploadedFile("list.csv", b"name,service_provided,owner\nX,Hosting,ghost@example.com\n")
    refused = client.client.post("/api/v1/vendors/import", {"file": bad}, headers=client.headers)
    assert refused.status_code == 422
    assert refused.json()["problems"][0] == {"field": "owner", "line": 2, "column": "owner",
                                             "message": "no one in the people directory has the email or name "
                                                        "'ghost@example.com'"}
