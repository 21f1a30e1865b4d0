"""The patch planner's pages, as a user sees them."""

from __future__ import annotations

import re

from django.test import Client

from accord.core.permissions import Role
from accord.patching.models import MaintenanceWindow, PlanStatus


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_empty_state_says_what_to_do(db, ciso):
    page = _client(ciso).get("/patching/")
    assert page.status_code == 200
    assert b"accord vulns import" in page.content and b"accord patch generate" in page.content


def test_overview_leads_to_the_plan_page_with_chart_calendar_and_signoff(plan, ciso):
    client = _client(ciso)
    assert client.get("/patching/")["Location"] == f"/patching/plans/{plan.pk}/"
    page = client.get(f"/patching/plans/{plan.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "Expected loss against downtime cost" in body
    for section in ('id="signatures"', 'id="points"', 'id="calendar-table"', 'id="forecast"', 'id="greedy"'):
        assert section in body
    assert "Sign as CISO" in body and "Choose this point" in body
    assert "erp-db-01" in body and "freeze" in body
    # money with its currency, the recommended point and why, the point never worse than greedy
    assert "Recommended: point" in body and "never worse than greedy" in body
    assert "USD " in body and "each further USD of downtime buys less than one USD" in body


def test_a_jobs_page_shows_how_its_expected_loss_was_reached(plan, ciso):
    client = _client(ciso)
    item = plan.items.get(action="Upgrade OpenSSL to 3.0.13")
    page = client.get(f"/patching/plans/{plan.pk}/jobs/{item.pk}/").content.decode()
    page = re.sub(r"</?abbr[^>]*>", "", page)  # the terms' hover explanations
    assert "How the expected loss was reached" in page
    assert "EPSS 0.9000" in page and "default, 48 h of its downtime cost" in page and "USD 1,920,000" in page
    assert client.get(f"/patching/plans/{plan.pk}/jobs/999999/").status_code == 404


def test_the_assumptions_page_proposes_and_the_other_leader_confirms(db, ciso, cio):
    page = _client(ciso).get("/patching/assumptions/")
    assert page.status_code == 200 and b"Accord's defaults" in page.content
    proposed = _client(ciso).post("/patching/assumptions/", {
        "action": "propose", "reach_internet": "1", "reach_internal": "0.5", "reach_isolated": "0.05",
        "kev_floor": "0.2", "prior_none": "0.001", "prior_public": "0.02", "prior_active": "0.2",
        "non_production_factor": "0.25", "unvalued_host_loss": "5000", "breach_penalty": "", "reason": "flat LAN"})
    assert proposed.status_code == 302
    page = _client(cio).get("/patching/assumptions/").content.decode()
    assert "Awaiting confirmation" in page and ">Confirm<" in page
    assert ">Confirm<" not in _client(ciso).get("/patching/assumptions/").content.decode()
    from accord.patching.models import ExposureAssumptions

    pending = ExposureAssumptions.objects.get(status="proposed")
    assert _client(cio).post("/patching/assumptions/", {"action": "confirm", "proposal": pending.pk}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "active" and pending.reach_internal == 0.5
    bad = _client(ciso).post("/patching/assumptions/", {"action": "propose", "reach_internet": "2"})
    assert bad.status_code == 422


def test_choose_and_sign_from_the_page(plan, ciso, cio):
    client = _client(ciso)
    response = client.post(f"/patching/plans/{plan.pk}/choose/", {"point": "1"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.chosen_point == 1
    client.post(f"/patching/plans/{plan.pk}/sign/", {"role": "ciso"})
    _client(cio).post(f"/patching/plans/{plan.pk}/sign/", {"role": "cio"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    page = client.get(f"/patching/plans/{plan.pk}/").content.decode()
    assert "Change tickets (CSV)" in page and ".ics" in page
    tickets = client.get(f"/patching/plans/{plan.pk}/tickets.csv")
    assert tickets.status_code == 200 and tickets.content.startswith(b"ticket,")
    archive = client.get(f"/patching/plans/{plan.pk}/calendar.zip")
    assert archive.status_code == 200 and archive.content[:2] == b"PK"


def test_a_refusal_is_shown_not_raised(plan, ciso):
    client = _client(ciso)
    response = client.post(f"/patching/plans/{plan.pk}/sign/", {"role": "cio"}, follow=True)
    assert response.status_code == 200 and "do not hold the CIO role" in response.content.decode()


def test_window_pages_create_with_field_errors(planning_data, ciso):
    client = _client(ciso)
    listing = client.get("/patching/windows/")
    assert listing.status_code == 200 and b"ERP night" in listing.content and b"Quarter-end freeze" in listing.content
    bad = client.post("/patching/windows/new/", {"name": "Bad", "start": "2026-12-01T22:00",
                                                 "duration_minutes": "60", "rrule": "FREQ=NEVER"})
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "name a business service or an asset tag" in body and "not a recurrence rule" in body
    good = client.post("/patching/windows/new/", {"name": "Net", "asset_tag": "network", "start": "2026-12-01T22:00",
                                                  "duration_minutes": "60", "rrule": "FREQ=WEEKLY"})
    assert good.status_code == 302 and MaintenanceWindow.objects.filter(name="Net").exists()
    cluster = client.post("/patching/clusters/new/", {"name": "ERP", "max_down": "1",
                                                      "members": [a.pk for a in planning_data["assets"][:2]]})
    assert cluster.status_code == 302


def test_pages_need_patch_read(plan, make_user):
    client = _client(make_user(Role.PROJECT_OWNER))
    assert client.get("/patching/").status_code == 403
    assert client.get(f"/patching/plans/{plan.pk}/").status_code == 403
    itops = _client(make_user(Role.IT_OPERATIONS))
    page = itops.get(f"/patching/plans/{plan.pk}/").content.decode()
    assert "Sign as" not in page and "Choose this point" in page
