"""/api/v1/steering: members, meetings, agenda, decisions, follow-ups, settings; who may do what;
bad input answers 422 with the field and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accord.core import clock
from accord.governance.models import Decision
from accord.steering.models import AgendaItem, FollowUp, Meeting, Member


def test_a_meeting_from_schedule_to_decision(people, committee, api_as, rejected_review, frozen):
    ciso, member = api_as(people["ciso"]), api_as(people["steering"])
    starts = (timezone.now() + timedelta(days=3)).isoformat()
    created = ciso.post("/steering/meetings", {"title": "Year-end committee", "starts_at": starts})
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    assert ciso.get("/steering/meetings/next").json()["id"] == meeting_id
    built = ciso.post(f"/steering/meetings/{meeting_id}/agenda/build").json()
    assert (built["added"], built["by_source"]["reviews"]) == (1, 1)
    again = ciso.post(f"/steering/meetings/{meeting_id}/agenda/build").json()
    assert again["added"] == 0 and len(again["items"]) == 1
    added = ciso.post(f"/steering/meetings/{meeting_id}/agenda/items", {
        "title": "Budget split", "figures": [{"label": "Security budget", "value": "EUR 2,400,000"}]})
    assert added.status_code == 201 and added.json()["source"] == "manual"
    agenda = member.get(f"/steering/meetings/{meeting_id}/agenda").json()
    assert [i["source"] for i in agenda] == ["reviews", "manual"]
    assert ciso.post(f"/steering/meetings/{meeting_id}/agenda/announce").json() == {"recipients": 3}
    due = (clock.today() + timedelta(days=10)).isoformat()
    decided = member.post(f"/steering/items/{agenda[1]['id']}/decision", {
        "question": "Move 15% to change?", "options": ["Yes", "No"], "outcome": "Yes, from next year.",
        "refer_to_board": True, "follow_ups": [{"title": "Re-plan the budget", "owner": "cio", "due_on": due}]})
    assert decided.status_code == 201, decided.content
    body = decided.json()
    assert body["figures"]["Security budget"] == "EUR 2,400,000" and body["referred_to_board"]
    assert body["follow_ups"][0]["owner"] == "cio" and body["options"][0]["figures"] == {
        "Security budget": "EUR 2,400,000"}
    assert member.get(f"/steering/decisions/{body['id']}").json()["question"] == "Move 15% to change?"
    assert member.get(f"/steering/decisions?meeting={meeting_id}").json()["count"] == 1
    follow_up = body["follow_ups"][0]["id"]
    assert api_as(people["cio"]).get("/steering/follow-ups?mine=true").json()["count"] == 1
    closed = api_as(people["cio"]).post(f"/steering/follow-ups/{follow_up}/close", {"note": "done"})
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    frozen.advance(days=4)
    minutes = ciso.post(f"/steering/meetings/{meeting_id}/minutes", {"minutes": "Agreed.", "attendees": ["cio", "ciso"]})
    assert minutes.status_code == 200 and minutes.json()["status"] == "held"
    assert ciso.get("/steering/meetings/next").status_code == 404


def test_refusals_name_the_field_and_change_nothing(people, committee, meeting, api_as):
    ciso = api_as(people["ciso"])
    cases = [
        ("/steering/members", {"username": "nobody", "seat": "cio"}, "username"),
        ("/steering/members", {"username": "owner", "seat": "business_unit"}, "business_service"),
        ("/steering/members", {"username": "owner", "seat": "chair"}, "seat"),
        ("/steering/meetings", {"title": "", "starts_at": timezone.now().isoformat()}, "title"),
        (f"/steering/meetings/{meeting.pk}/agenda/items", {"title": "x", "url": "ftp://x"}, "url"),
        (f"/steering/meetings/{meeting.pk}/minutes", {"minutes": "x", "attendees": ["cio"]}, "starts_at"),
        (f"/steering/meetings/{meeting.pk}/agenda/items", {"title": "x\x00"}, "title"),
    ]
    for path, body, field in cases:
        response = ciso.post(path, body)
        assert response.status_code == 422, (path, response.content)
        assert any(field in p["field"] for p in response.json()["problems"]), (field, response.json())
    assert Member.objects.count() == 3 and Meeting.objects.count() == 1 and not AgendaItem.objects.exists()
    item = ciso.post(f"/steering/meetings/{meeting.pk}/agenda/items", {"title": "Matter"}).json()
    bad = ciso.post(f"/steering/items/{item['id']}/decision", {
        "question": "Q?", "outcome": "Yes", "follow_ups": [{"title": "Call", "owner": "ghost", "due_on": "2027-01-01"}]})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "follow_ups[0].owner"
    assert ciso.post(f"/steering/items/{item['id']}/decision", {"question": "Q?", "outcome": "Yes",
                                                               "reverses_id": 99}).status_code == 422
    assert not Decision.objects.exists() and not FollowUp.objects.exists()
    assert ciso.patch("/steering/settings", {"breach_threshold": 0}).status_code == 422
    assert ciso.patch("/steering/settings", {"breach_threshold": 4}).json()["breach_threshold"] == 4
    assert ciso.get("/steering/meetings/999999").status_code == 404


def test_who_may_do_what(people, committee, meeting, api_as):
    item = api_as(people["ciso"]).post(f"/steering/meetings/{meeting.pk}/agenda/items", {"title": "Matter"}).json()
    decision = {"question": "Q?", "outcome": "Yes"}
    # The board and the auditor read; the steering member decides but prepares nothing; others see nothing.
    for who in ("board", "auditor", "steering", "cio"):
        assert api_as(people[who]).get(f"/steering/meetings/{meeting.pk}/pack").status_code == 200, who
    for who in ("owner", "itops"):
        assert api_as(people[who]).get("/steering/meetings").status_code == 403, who
    for who in ("board", "auditor", "steering", "analyst"):
        assert api_as(people[who]).post(f"/steering/meetings/{meeting.pk}/agenda/build").status_code == 403, who
        assert api_as(people[who]).post(f"/steering/meetings/{meeting.pk}/pack").status_code == 403, who
    for who in ("board", "auditor", "analyst"):
        assert api_as(people[who]).post(f"/steering/items/{item['id']}/decision", decision).status_code == 403, who
    assert api_as(None).get("/steering/meetings").status_code == 401
    assert api_as(people["steering"]).post(f"/steering/items/{item['id']}/decision", decision).status_code == 201
