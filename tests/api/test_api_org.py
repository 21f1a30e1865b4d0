from __future__ import annotations

from django.test import Client

from accord.core.models import AuditEvent
from accord.org.models import Asset


def test_list_assets_filters_and_paginates(org_data, ciso, api_as):
    client = api_as(ciso)
    everything = client.get("/org/assets?page_size=2").json()
    assert everything["count"] == 3 and len(everything["items"]) == 2
    staging = client.get("/org/assets?environment=staging").json()
    assert [a["hostname"] for a in staging["items"]] == ["erp-app-01"]
    tagged = client.get("/org/assets?tag=PCI").json()
    assert [a["hostname"] for a in tagged["items"]] == ["erp-db-01"]
    assert tagged["items"][0]["tags"] == ["erp", "pci"]
    exposed = client.get("/org/assets?internet_exposed=true").json()
    assert [a["hostname"] for a in exposed["items"]] == ["www-01"]
    by_service = client.get(f"/org/assets?business_service={org_data['web'].pk}").json()
    assert by_service["count"] == 1


def test_create_and_patch_an_asset_with_audit(org_data, admin, api_as):
    client = api_as(admin)
    created = client.post("/org/assets", {"hostname": "NEW-host-1", "ip_address": "192.0.2.10",
                                          "business_service_id": org_data["erp"].pk, "tags": ["a", "B"]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["hostname"] == "new-host-1" and body["tags"] == ["a", "b"]
    patched = client.patch(f"/org/assets/{body['id']}", {"environment": "test"})
    assert patched.status_code == 200 and patched.json()["environment"] == "test"
    event = AuditEvent.objects.get(action="asset.updated")
    assert event.before == {"environment": "production"} and event.after == {"environment": "test"}


def test_invalid_input_is_refused_with_the_field_named(org_data, admin, api_as):
    client = api_as(admin)
    before = Asset.objects.count()
    bad_ip = client.post("/org/assets", {"hostname": "h1", "ip_address": "999.1.1.1"})
    assert bad_ip.status_code == 422
    assert bad_ip.json()["problems"][0]["field"] == "ip_address"
    bad_choice = client.post("/org/assets", {"hostname": "h2", "environment": "moon"})
    assert bad_choice.status_code == 422 and bad_choice.json()["problems"][0]["field"] == "environment"
    duplicate = client.post("/org/assets", {"hostname": "ERP-DB-01"})
    assert duplicate.status_code == 422 and duplicate.json()["problems"][0]["field"] == "hostname"
    unknown_service = client.post("/org/assets", {"hostname": "h3", "business_service_id": 424242})
    assert unknown_service.status_code == 422 and unknown_service.json()["problems"][0]["field"] == "business_service"
    negative = client.post("/org/services", {"name": "X", "downtime_cost_per_hour": -5})
    assert negative.status_code == 422 and "downtime_cost_per_hour" in negative.json()["problems"][0]["field"]
    assert Asset.objects.count() == before


def test_services_teams_people_round_trip(org_data, admin, api_as):
    client = api_as(admin)
    team = client.post("/org/teams", {"name": "SecOps"}).json()
    person = client.post("/org/people", {"name": "Ada", "team_id": team["id"], "email": "ada@example.org"})
    assert person.status_code == 201
    service = client.post("/org/services", {"name": "Payroll", "owner_id": person.json()["id"], "criticality_tier": 2,
                                            "downtime_cost_per_hour": "1500.00", "mission_impact": "medium"})
    assert service.status_code == 201, service.content
    got = client.get(f"/org/services/{service.json()['id']}").json()
    assert got["owner_id"] == person.json()["id"] and got["downtime_cost_per_hour"] == "1500.00"
    people = client.get(f"/org/people?team={team['id']}").json()
    assert [p["name"] for p in people["items"]] == ["Ada"]
    assert client.get("/org/teams/999999").status_code == 404


def test_session_writes_need_the_csrf_token(org_data, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.get("/api/v1/org/assets").status_code == 200
    refused = client.post("/api/v1/org/teams", {"name": "T"}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/org/teams", {"name": "T"}, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_openapi_schema_is_served(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Accord API"
    assert "/api/v1/org/assets" in schema["paths"]


def test_paging_parameters_out_of_range_are_refused(org_data, ciso, api_as):
    client = api_as(ciso)
    for query in ("page=0", "page=99999999999999999999999", "page_size=0", "page_size=501"):
        response = client.get(f"/org/assets?{query}")
        assert response.status_code == 422, query
    assert client.get("/org/people?page=1000000").json()["items"] == []
    assert client.get("/audit/events?page=99999999999999999999").status_code in {403, 422}


def test_audit_filters_take_any_offset_and_naive_times(org_data, make_user, api_as):
    client = api_as(make_user("auditor"))
    far = client.get("/audit/events?until=9990-01-24T08:10:14%2B19:50").json()
    assert far["count"] > 0
    assert client.get("/audit/events?since=2999-01-01T00:00:00").json()["count"] == 0
