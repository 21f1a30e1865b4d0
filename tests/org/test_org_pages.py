from __future__ import annotations

import io

from django.test import Client

from accord.core.models import AuditEvent
from accord.org.models import Asset


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_asset_list_filters_and_htmx_partial(org_data, ciso):
    client = _client(ciso)
    page = client.get("/org/assets/?environment=staging")
    assert page.status_code == 200
    assert b"erp-app-01" in page.content and b"www-01" not in page.content
    partial = client.get("/org/assets/?q=www", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"www-01" in partial.content and b"erp-db-01" not in partial.content


def test_edit_form_saves_through_the_service_with_before_and_after(org_data, admin):
    asset = org_data["assets"][0]
    client = _client(admin)
    form = {"hostname": asset.hostname, "ip_address": "10.0.0.50", "kind": "server", "environment": "production",
            "operating_system": "Linux", "business_service": org_data["erp"].pk, "team": org_data["team"].pk,
            "tags": "pci, erp"}
    response = client.post(f"/org/assets/{asset.pk}/edit/", form)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="asset.updated")
    assert event.before["ip_address"] == "10.0.0.1" and event.after["ip_address"] == "10.0.0.50"


def test_form_errors_name_the_field_and_change_nothing(org_data, admin):
    client = _client(admin)
    response = client.post("/org/assets/new/", {"hostname": "x", "ip_address": "not-an-ip", "kind": "server",
                                                "environment": "production"})
    assert response.status_code == 422
    assert b"has-error" in response.content and b"IP" in response.content
    assert not Asset.objects.filter(hostname="x").exists()


def test_read_only_roles_see_no_edit_and_cannot_post(org_data, make_user):
    client = _client(make_user("auditor"))
    detail = client.get(f"/org/assets/{org_data['assets'][0].pk}/")
    assert detail.status_code == 200 and b"/edit/" not in detail.content
    assert client.post("/org/teams/new/", {"name": "sneaky"}).status_code == 403


def test_board_viewers_cannot_see_the_organisation(org_data, make_user):
    assert _client(make_user("board_viewer")).get("/org/assets/").status_code == 403


def test_import_page_lists_problems(org_data, admin):
    upload = io.BytesIO(b"hostname,team\nx,Ghosts\n")
    upload.name = "a.csv"
    response = _client(admin).post("/org/assets/import/", {"file": upload})
    assert response.status_code == 422 and b"no team named" in response.content


def test_pending_areas_say_so(org_data, ciso):
    page = _client(ciso).get("/areas/risks/")
    assert page.status_code == 200 and b"has not been built yet" in page.content
    home = _client(ciso).get("/")
    for label in (b"Risks", b"Vulnerabilities", b"Patch plan", b"Portfolio", b"Reviews", b"Incidents",
                  b"Steering", b"Scorecard", b"Vendors", b"People", b"Reports"):
        assert label in home.content


def test_audit_trail_page_filters_and_verifies(org_data, make_user):
    client = _client(make_user("auditor"))
    page = client.get("/audit/?action=asset.")
    assert page.status_code == 200 and b"asset.created" in page.content and b"team.created" not in page.content
    verify = client.get("/audit/verify/")
    assert b"chain intact" in verify.content
    assert _client(make_user("it_operations")).get("/audit/").status_code == 403


def test_the_sidebar_highlights_the_area_of_the_page(org_data, ciso):
    from accord.core.navigation import area_of_path

    assert area_of_path("/org/people/3/") == "people"
    assert area_of_path("/org/assets/") == "organisation"
    assert area_of_path("/risks/portfolio/") == "risks"
    assert area_of_path("/audit/") == ""
    page = _client(ciso).get("/org/people/").content.decode()
    assert 'href="/org/people/" class="active"' in page and 'href="/org/assets/" class="active"' not in page
