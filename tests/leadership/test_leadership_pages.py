"""The leadership pages as each role sees them: who gets which page, what stays private (a time log, a
skills plan), and the forms that go through the services (log hours, assess, propose and agree a stance)."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.leadership import services
from accord.leadership.models import RadarEntry, TimeEntry


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def data(people):
    ciso, cio = people["ciso"], people["cio"]
    services.log_time(actor=ciso, week="2026-W49", activity="Strategy", hours=10, nature="strategic")
    services.log_time(actor=ciso, week="2026-W49", activity="Vendor forms", hours=30, nature="tactical",
                      handoff="outsourceable")
    plan = services.create_plan(actor=ciso, person=people["analyst"], title="Security Analyst")
    services.assess_skill(actor=ciso, plan=plan, skill="finance", target=3)
    entry = services.create_radar_entry(actor=cio, name="Passkeys", quadrant="techniques",
                                        prerequisites="FIDO2 attestation")
    return {"plan": plan, "entry": entry}


def test_who_opens_which_page(people, data):
    entry = data["entry"]
    pages = ["/leadership/", "/leadership/time/", "/leadership/skills/", "/leadership/radar/",
             f"/leadership/radar/{entry.pk}/"]
    for role in ("ciso", "cio", "analyst", "itops", "auditor", "steering"):
        client = _client(people[role])
        for path in pages:
            assert client.get(path).status_code == 200, (role, path)
    for role in ("board", "owner"):
        assert _client(people[role]).get("/leadership/").status_code == 403


def test_the_time_page_shows_the_split_the_candidates_and_the_formula(people, data):
    page = _client(people["ciso"]).get("/leadership/time/?weeks=4").content.decode()
    assert "2026-W46" in page and "2026-W49" in page and "25.0%" in page
    assert "Vendor forms" in page and "How this is computed" in page and "100.0%" in page
    assert "10 of 40 hours" in page
    cio = _client(people["cio"])
    assert cio.get("/leadership/time/?owner=ciso").status_code == 404  # private
    services.share_time_log(actor=people["ciso"], reader=people["cio"])
    shared = cio.get("/leadership/time/?owner=ciso").content.decode()
    assert "Time of ciso" in shared and 'id="log-form"' not in shared  # read, not write
    assert cio.post("/leadership/time/?owner=ciso", {"week": "2026-W49", "activity": "x", "hours": 1,
                                                     "nature": "tactical", "handoff": "keep"}).status_code == 404


def test_logging_hours_on_the_page_and_a_refusal_beside_its_field(people, data):
    client = _client(people["ciso"])
    done = client.post("/leadership/time/", {"week": "2026-W48", "activity": "Board deck", "hours": "5",
                                             "nature": "strategic", "handoff": "keep"})
    assert done.status_code == 302 and TimeEntry.objects.filter(activity="Board deck").exists()
    refused = client.post("/leadership/time/", {"week": "2026-W49", "activity": "Email", "hours": "140",
                                                "nature": "tactical", "handoff": "keep"})
    assert refused.status_code == 422 and "a week has 168" in refused.content.decode()
    assert not TimeEntry.objects.filter(activity="Email").exists()


def test_skills_pages_are_private_to_the_person_their_mentor_and_the_leaders(people, data):
    assert _client(people["analyst"]).get("/leadership/skills/analyst/").status_code == 200
    assert _client(people["cio"]).get("/leadership/skills/analyst/").status_code == 200
    assert _client(people["itops"]).get("/leadership/skills/analyst/").status_code == 404
    gaps = _client(people["ciso"]).get("/leadership/skills/").content.decode()
    assert 'id="gaps-table"' in gaps and "Finance" in gaps
    assert 'id="gaps-table"' not in _client(people["analyst"]).get("/leadership/skills/").content.decode()
    client = _client(people["analyst"])
    assert client.post("/leadership/skills/analyst/assess/", {"skill": "finance", "level": "1",
                                                              "as_": "self_level"}).status_code == 302
    page = client.get("/leadership/skills/analyst/").content.decode()
    assert "Finance" in page and 'class="num gap-pos">2<' in page


def test_a_stance_proposed_and_agreed_on_the_pages(people, data):
    entry = data["entry"]
    cio, ciso = _client(people["cio"]), _client(people["ciso"])
    assert cio.post(f"/leadership/radar/{entry.pk}/propose/", {"stance": "adopt", "reason": "phishing"}).status_code \
        == 302
    page = ciso.get(f"/leadership/radar/{entry.pk}/").content.decode()
    assert "Agree adopt" in page and 'id="pending"' in page
    assert "Agree adopt" not in cio.get(f"/leadership/radar/{entry.pk}/").content.decode()
    assert _client(people["analyst"]).post(f"/leadership/radar/{entry.pk}/agree/").status_code == 403
    ciso.post(f"/leadership/radar/{entry.pk}/agree/")
    assert RadarEntry.objects.get(pk=entry.pk).stance == "adopt"
    radar = _client(people["auditor"]).get("/leadership/radar/").content.decode()
    assert '<svg class="radar-svg"' in radar and "Passkeys" in radar and "adopt" in radar


def test_someone_without_a_log_is_told_so(people, data):
    page = _client(people["analyst"]).get("/leadership/time/").content.decode()
    assert 'id="no-log"' in page and "Nobody has shared theirs with you" in page and 'id="split-bars"' not in page
