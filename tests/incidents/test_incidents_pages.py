"""The incident room's pages: who sees what, and the forms that write through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.incidents.models import EventKind, ExecutiveUpdate, Incident, IncidentSettings

PAGES = ["/incidents/", "/incidents/{id}/", "/incidents/{id}/briefing/", "/incidents/{id}/briefing.txt",
         "/incidents/{id}/review/", "/incidents/settings/"]
WRITE_PAGES = ["/incidents/new/", "/incidents/{id}/update/", "/incidents/{id}/edit/"]


@pytest.mark.parametrize(("role", "reads", "writes"), [
    ("ciso", True, True), ("analyst", True, True), ("cio", True, False), ("itops", True, False),
    ("steering", True, False), ("board", False, False), ("owner", False, False),
])
def test_each_role_sees_what_it_may(client, update, incident, people, role, reads, writes):
    client.force_login(people[role])
    for page in PAGES:
        status = client.get(page.format(id=incident.pk)).status_code
        assert status == (200 if reads else 403), (role, page, status)
    for page in WRITE_PAGES:
        status = client.get(page.format(id=incident.pk)).status_code
        assert status == (200 if writes else 403), (role, page, status)
    detail = client.get(f"/incidents/{incident.pk}/")
    if reads:
        assert ('id="write-update"' in detail.content.decode()) == writes
    assert client.post(f"/incidents/{incident.pk}/notes/", {"text": "hello"}).status_code in (
        (302,) if writes else (403,))


def test_the_area_is_in_the_navigation(client, people, db):
    client.force_login(people["cio"])
    page = client.get("/incidents/").content.decode()
    assert 'href="/incidents/" class="active"' in page


def test_open_an_incident_from_the_form(client, people, org_data, commander):
    client.force_login(people["analyst"])
    detected = timezone.localtime() - timedelta(hours=1)
    response = client.post("/incidents/new/", {
        "title": "Phishing wave", "severity": "2", "summary": "", "services": [org_data["erp"].pk],
        "asset_names": "erp-db-01, www-01", "commander": commander.pk, "detected_at": detected.strftime("%Y-%m-%dT%H:%M"),
        "personal_data": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get()
    assert sorted(a.hostname for a in incident.assets.all()) == ["erp-db-01", "www-01"]
    assert incident.personal_data and not incident.nis2_entity
    bad = client.post("/incidents/new/", {"title": "x", "severity": "2", "asset_names": "nowhere-01",
                                          "detected_at": detected.strftime("%Y-%m-%dT%H:%M")})
    assert bad.status_code == 422 and "no asset named nowhere-01" in bad.content.decode()


def form_data(**extra):
    data = {"bottom_line": "The ERP is back; we are watching.", "facts": "Restored from backup\nNo new alerts",
            "unknowns": "Entry point", "decisions_needed": "", "downtime_hours_low": "10", "downtime_hours_high": "20",
            "records_low": "", "records_high": "", "other_cost_low": "", "other_cost_high": "", "cost_note": "",
            "next_update_at": "", "j-TOTAL_FORMS": "2", "j-INITIAL_FORMS": "0", "j-MIN_NUM_FORMS": "0",
            "j-MAX_NUM_FORMS": "40", "j-0-statement": "The attacker is gone.", "j-0-likelihood": "likely",
            "j-0-confidence": "moderate", "j-0-basis": "No beacons in 24 h", "j-1-statement": "", "j-1-likelihood": "",
            "j-1-confidence": "", "j-1-basis": "", "a-TOTAL_FORMS": "1", "a-INITIAL_FORMS": "0",
            "a-MIN_NUM_FORMS": "0", "a-MAX_NUM_FORMS": "40", "a-0-text": "Rotate service accounts", "a-0-owner": "",
            "a-0-due": ""}
    data.update(extra)
    return data


def test_write_an_update_from_the_form(client, incident, people):
    client.force_login(people["analyst"])
    form = client.get(f"/incidents/{incident.pk}/update/").content.decode()
    assert "likely (55\u201380%)" in form and "40,000" in form
    response = client.post(f"/incidents/{incident.pk}/update/", form_data())
    assert response.status_code == 302, response.content.decode()[:4000]
    update = ExecutiveUpdate.objects.get()
    assert [f.text for f in update.facts.all()] == ["Restored from backup", "No new alerts"]
    assert update.judgements.get().confidence == "moderate" and update.actions.get().text == "Rotate service accounts"
    assert update.downtime_cost() == (400_000.0, 800_000.0)


def test_a_judgement_without_confidence_is_shown_beside_its_row(client, incident, people):
    client.force_login(people["analyst"])
    response = client.post(f"/incidents/{incident.pk}/update/", form_data(**{"j-0-confidence": ""}))
    assert response.status_code == 422
    page = response.content.decode()
    row = page[page.index("Judgement 1"):page.index("Judgement 2")]
    assert "a judgement needs a confidence level" in row
    assert not ExecutiveUpdate.objects.exists()


def test_a_note_with_htmx_answers_the_timeline(client, incident, people):
    client.force_login(people["analyst"])
    response = client.post(f"/incidents/{incident.pk}/notes/", {"text": "Called the insurer."},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="timeline-box">') and "Called the insurer." in body
    refused = client.post(f"/incidents/{incident.pk}/notes/", {"text": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and 'class="error"' in refused.content.decode()


def test_phase_regulator_decision_and_action_forms(client, update, incident, people):
    client.force_login(people["ciso"])
    assert client.post(f"/incidents/{incident.pk}/phase/", {"phase": "contain", "note": "isolated"}).status_code == 302
    assert Incident.objects.get(pk=incident.pk).phase == "contain"
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'value="nis2:early_warning"' in page and "Art. 23(4)(a)" in page
    client.post(f"/incidents/{incident.pk}/regulator/", {"report": "nis2:early_warning", "authority": "CSIRT"})
    assert incident.timeline.filter(kind=EventKind.REGULATOR).count() == 1
    client.post(f"/incidents/{incident.pk}/decisions/", {"question": "Pay?", "outcome": "No."})
    assert incident.timeline.filter(kind=EventKind.DECISION).count() == 1
    action = update.actions.get()
    client.post(f"/incidents/actions/{action.pk}/close/", {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"


def test_exercise_review_and_settings_pages(client, people, org_data):
    client.force_login(people["ciso"])
    started = client.post("/incidents/exercises/cloud_credentials/start/")
    assert started.status_code == 302
    exercise = Incident.objects.get()
    assert exercise.exercise and "EXERCISE" in client.get(started["Location"]).content.decode()
    client.post(f"/incidents/{exercise.pk}/phase/", {"phase": "closed"})
    saved = client.post(f"/incidents/{exercise.pk}/review/", {"form": "review", "held_on": "2026-12-01",
                                                              "summary": "We practised.", "root_cause": "",
                                                              "went_well": "", "to_improve": ""})
    assert saved.status_code == 302
    lesson = client.post(f"/incidents/{exercise.pk}/review/", {"form": "lesson", "text": "Rotate keys faster.",
                                                               "action": "Automate rotation"})
    assert lesson.status_code == 302 and exercise.review.lessons.get().actions.get().text == "Automate rotation"
    settings = client.post("/incidents/settings/", {
        **{f"sev{s}_{k}_minutes": "60" for s in (1, 2, 3) for k in ("first", "every")},
        "sev4_first_minutes": "0", "sev4_every_minutes": "0", "regimes": ["gdpr", "nis2"], "deadline_notice_hours": "6"})
    assert settings.status_code == 302
    assert IncidentSettings.current().regimes == ["gdpr", "nis2"]


def test_pages_are_narrow_enough_markup(client, update, incident, people):
    """Every table of the incident pages sits in a scrolling box (nothing wider than a phone)."""
    client.force_login(people["ciso"])
    for page in ("/incidents/", f"/incidents/{incident.pk}/", f"/incidents/{incident.pk}/briefing/"):
        html = client.get(page).content.decode()
        assert html.count('<table class="data') == html.count('<div class="scroll"><table class="data'), page
