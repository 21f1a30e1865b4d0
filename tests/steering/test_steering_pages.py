"""The steering pages: who sees what, the agenda grouped by source with its figures, and the forms
that write through the services (a refusal lands on the form, nothing written)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.core import clock
from accord.governance.models import Decision
from accord.steering import services
from accord.steering.models import AgendaItem, FollowUp, Meeting

READ_PAGES = ["/steering/", "/steering/meetings/{id}/", "/steering/meetings/{id}/pack/", "/steering/actions/",
              "/steering/members/"]
WRITE_PAGES = ["/steering/meetings/new/", "/steering/meetings/{id}/items/new/"]


@pytest.mark.parametrize(("role", "reads", "writes"), [
    ("ciso", True, True), ("cio", True, True), ("steering", True, False), ("board", True, False),
    ("auditor", True, False), ("analyst", True, False), ("owner", False, False), ("itops", False, False),
])
def test_each_role_sees_what_it_may(client, people, meeting, role, reads, writes):
    client.force_login(people[role])
    for page in READ_PAGES:
        status = client.get(page.format(id=meeting.pk)).status_code
        assert status == (200 if reads else 403), (role, page, status)
    for page in WRITE_PAGES:
        status = client.get(page.format(id=meeting.pk)).status_code
        assert status == (200 if writes else 403), (role, page, status)
    assert client.post(f"/steering/meetings/{meeting.pk}/build/").status_code == (302 if writes else 403)


def test_the_area_is_in_the_navigation(client, people, db):
    client.force_login(people["cio"])
    page = client.get("/steering/").content.decode()
    assert 'href="/steering/" class="active"' in page and "No meeting is scheduled" in page


def test_the_agenda_page_groups_items_by_source_with_figures(client, people, meeting, rejected_review):
    client.force_login(people["ciso"])
    built = client.post(f"/steering/meetings/{meeting.pk}/build/", follow=True).content.decode()
    assert "Agenda built: 1 added" in built
    services.add_item(actor=people["ciso"], meeting=meeting, title="Budget split",
                      figures=[("Security budget", "EUR 2,400,000")])
    page = client.get(f"/steering/meetings/{meeting.pk}/").content.decode()
    assert page.index('id="source-reviews"') < page.index('id="source-manual"')
    assert "Security budget" in page and "EUR 2,400,000" in page and f"Figures as of {clock.today():%Y-%m-%d}" in page
    home = client.get("/steering/").content.decode()
    assert "2</strong> open items" in home


def test_deciding_through_the_form(client, people, meeting):
    item = services.add_item(actor=people["ciso"], meeting=meeting, title="Budget split",
                             figures=[("Security budget", "EUR 2,400,000")])
    client.force_login(people["steering"])
    form = client.get(f"/steering/items/{item.pk}/decide/").content.decode()
    assert "EUR 2,400,000" in form and "Record the decision" in form
    due = (clock.today() + timedelta(days=7)).isoformat()
    refused = client.post(f"/steering/items/{item.pk}/decide/", {
        "question": "Move 15%?", "outcome": "Yes", "a0-title": "Re-plan", "a0-owner": "cio"})  # no due date
    assert refused.status_code == 422 and not Decision.objects.exists()
    done = client.post(f"/steering/items/{item.pk}/decide/", {
        "question": "Move 15%?", "options": "Yes\nNo", "outcome": "Yes", "refer_to_board": "on",
        "a0-title": "Re-plan", "a0-owner": "cio", "a0-due_on": due})
    assert done.status_code == 302 and done.url == f"/steering/meetings/{meeting.pk}/#item-{item.pk}"
    decision = Decision.objects.get()
    assert decision.options[1]["label"] == "No" and FollowUp.objects.get().owner == people["cio"]
    page = client.get(f"/steering/meetings/{meeting.pk}/").content.decode()
    assert "referred to the board" in page and "Reverse the decision" in page
    client.force_login(people["cio"])  # the owner closes their action from the actions page
    actions = client.get("/steering/actions/").content.decode()
    assert "Mark done" in actions
    client.post(f"/steering/actions/{FollowUp.objects.get().pk}/close/", {"note": "ok"})
    assert FollowUp.objects.get().status == "done"


def test_scheduling_minutes_and_members(client, people, committee, frozen, org_data):
    client.force_login(people["ciso"])
    starts = (timezone.localtime(timezone.now()) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    created = client.post("/steering/meetings/new/", {"title": "Extra meeting", "starts_at": starts})
    meeting = Meeting.objects.get(title="Extra meeting")
    assert created.url == f"/steering/meetings/{meeting.pk}/"
    assert client.post(f"/steering/meetings/{meeting.pk}/items/new/", {"title": "Matter", "figures": "no colon"}
                       ).status_code == 422
    assert not AgendaItem.objects.exists()
    frozen.advance(hours=3)
    held = client.post(f"/steering/meetings/{meeting.pk}/minutes/", {"attendees": ["cio", "ciso"], "minutes": "Met."})
    assert held.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"
    page = client.get(f"/steering/meetings/{meeting.pk}/").content.decode()
    assert 'id="minutes"' in page and "Met." in page
    refused = client.post("/steering/members/", {"user": "owner", "seat": "business_unit"})
    assert refused.status_code == 422 and "business service" in refused.content.decode()
    added = client.post("/steering/members/", {"user": "owner", "seat": "business_unit",
                                               "business_service": str(org_data["web"].pk)})
    assert added.status_code == 302
    client.post("/steering/settings/", {"breach_threshold": 7, "kev_breach_threshold": 2})
    assert "7 findings past due" not in client.get("/steering/members/").content.decode()  # a form for writers
    client.force_login(people["board"])
    assert "7 findings past due" in client.get("/steering/members/").content.decode()
