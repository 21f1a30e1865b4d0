"""The culture pages as each role sees them: the figures the API shows, notes only for those who may
read them, forms that refuse bad input beside the field (422) and write nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.culture.models import Champion, Contact, PhishingResult


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pages(culture):
    return ["/culture/", "/culture/champions/", f"/culture/champions/{culture['champion'].pk}/",
            "/culture/campaigns/", f"/culture/campaigns/{culture['campaign'].pk}/", "/culture/stakeholders/",
            f"/culture/stakeholders/{culture['stakeholder'].pk}/", "/culture/stakeholders/?overdue=yes&owner=cio"]


@pytest.mark.parametrize("role", ["ciso", "cio", "analyst", "steering", "auditor", "admin"])
def test_every_page_renders_for_every_reader(role, people, culture):
    client = _client(people[role])
    for path in _pages(culture):
        response = client.get(path)
        assert response.status_code == 200, (role, path)
    assert "Culture" in client.get("/culture/").content.decode()


@pytest.mark.parametrize("role", ["board", "itops"])
def test_roles_without_culture_read_are_refused(role, people, culture):
    client = _client(people[role])
    for path in _pages(culture):
        assert client.get(path).status_code == 403, path


def test_the_overview_shows_the_selector_figures(people, culture):
    page = _client(people["ciso"]).get("/culture/").content.decode()
    assert "50.0%" in page and "1 of 2 programme IT teams" in page
    assert "Henrik Lund" in page  # the CISO's overdue contact (both leaders' relationship)
    assert "as of 2026-03-02" in page
    assert 'class="card tile tone-bad" id="tile-coverage"' in page  # 50% is below the default red line of 75%


def test_notes_are_shown_only_to_those_who_may_read_them(people, culture):
    path = f"/culture/stakeholders/{culture['stakeholder'].pk}/"
    assert "budget hawk" in _client(people["cio"]).get(path).content.decode()
    for role in ("auditor", "analyst", "steering"):
        page = _client(people[role]).get(path).content.decode()
        assert "budget hawk" not in page and 'id="notes-hidden"' in page, role


def test_logging_a_contact_from_the_page(people, culture):
    path = f"/culture/stakeholders/{culture['stakeholder'].pk}/"
    cio = _client(people["cio"])
    refused = cio.post(path, {"on": "2026-04-01", "channel": "video", "summary": "later"})
    assert refused.status_code == 422 and "in the future" in refused.content.decode()
    assert not Contact.objects.exists()
    done = cio.post(path, {"on": "2026-03-02", "channel": "video", "summary": "budget"})
    assert done.status_code == 302 and Contact.objects.get().logged_by == people["cio"]
    assert _client(people["auditor"]).post(path, {"on": "2026-03-02", "channel": "video"}).status_code == 403


def test_uploading_phishing_results_from_the_page(people, culture):
    path = f"/culture/campaigns/{culture['campaign'].pk}/"
    analyst = _client(people["analyst"])
    bad = analyst.post(path, {"file": SimpleUploadedFile("r.csv", b"email,clicked,reported\nx@example.com,sometimes,no\n")})
    assert bad.status_code == 422 and "line 2, column &#x27;clicked&#x27;" in bad.content.decode()
    assert not PhishingResult.objects.exists()
    good = analyst.post(path, {"file": SimpleUploadedFile("r.csv", b"email,clicked,reported\nx@example.com,yes,no\n"
                                                                    b"y@example.com,no,yes\n")}, follow=True)
    assert good.status_code == 200 and "50.0%" in good.content.decode()
    assert _client(people["auditor"]).post(path, {"file": SimpleUploadedFile("r.csv", b"x")}).status_code == 403


def test_appointing_a_champion_and_programme_teams_from_the_pages(people, culture):
    ciso = _client(people["ciso"])
    form = ciso.get("/culture/champions/new/")
    assert form.status_code == 200
    refused = ciso.post("/culture/champions/new/", {"person": people["person"]["Cleo Costa"].pk,
                                                    "appointed_on": "2027-01-01"})
    assert refused.status_code == 422 and "in the future" in refused.content.decode()
    done = ciso.post("/culture/champions/new/", {"person": people["person"]["Cleo Costa"].pk,
                                                 "appointed_on": "2026-03-01", "focus": "firewalls"})
    assert done.status_code == 302
    assert "100.0%" in ciso.get("/culture/champions/").content.decode()
    ciso.post("/culture/champions/teams/", {"team": people["team"]["Data"].pk})
    assert "66.7%" in ciso.get("/culture/champions/").content.decode()
    ciso.post("/culture/champions/teams/", {"remove": people["team"]["Data"].pk})
    assert "100.0%" in ciso.get("/culture/champions/").content.decode()
    champion = Champion.objects.get(person=people["person"]["Cleo Costa"])
    stepped = ciso.post(f"/culture/champions/{champion.pk}/", {"form": "step_down", "on": "2026-03-02"})
    assert stepped.status_code == 302
    assert _client(people["auditor"]).get("/culture/champions/new/").status_code == 403


def test_editing_a_stakeholder_and_a_campaign(people, culture):
    cio = _client(people["cio"])
    pk = culture["stakeholder"].pk
    page = cio.get(f"/culture/stakeholders/{pk}/edit/")
    assert page.status_code == 200 and "budget hawk" in page.content.decode()
    created = cio.post("/culture/stakeholders/new/", {"name": "Ingrid", "role": "COO", "owner": "cio",
                                                      "influence": "high", "preferred_channel": "meeting",
                                                      "cadence_days": "0"})
    assert created.status_code == 422
    created = cio.post("/culture/stakeholders/new/", {"name": "Ingrid", "role": "COO", "owner": "cio",
                                                      "influence": "high", "preferred_channel": "meeting",
                                                      "cadence_days": "30", "keeper": people["analyst"].pk})
    assert created.status_code == 302
    campaign = culture["campaign"].pk
    refused = cio.post(f"/culture/campaigns/{campaign}/edit/", {"name": "Winter", "audience": "All staff",
                                                                "audience_size": "2", "starts_on": "2026-02-10",
                                                                "training_completed": "5"})
    assert refused.status_code == 422 and "cannot exceed the audience" in refused.content.decode()
    assert _client(people["analyst"]).get(f"/culture/stakeholders/{pk}/edit/").status_code == 403
