"""The leadership API end to end: the time log and its report, skills plans, the radar's joint stance,
the capabilities on each operation and the row-level privacy behind them; and the scorecard metrics."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.leadership import services
from accord.metrics.registry import ReadContext, definition


def test_the_time_log_over_the_api(people, api_as):
    ciso, cio = api_as(people["ciso"]), api_as(people["cio"])
    created = ciso.post("/leadership/time/entries", {"week": "2026-W48", "activity": "Strategy", "hours": 12,
                                                     "nature": "strategic"})
    assert created.status_code == 201 and created.json()["week"] == "2026-W48"
    assert ciso.post("/leadership/time/entries", {"week": "2026-W48", "activity": "Incident triage", "hours": 28,
                                                  "nature": "tactical", "handoff": "delegable"}).status_code == 201
    refused = ciso.post("/leadership/time/entries", {"week": "2026-W48", "activity": "Email", "hours": 130,
                                                     "nature": "tactical"})
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "hours"
    report = ciso.get("/leadership/time?weeks=2").json()
    assert (report["first_week"], report["last_week"], report["strategic_share_percent"]) == ("2026-W48", "2026-W49",
                                                                                            30.0)
    assert report["delegation_candidates"][0]["strategic_share_if_handed_off_percent"] == 100.0
    assert "all hours" in report["formula"]
    assert cio.get("/leadership/time?owner=ciso").status_code == 404  # private until shared
    assert cio.post("/leadership/time/shares", {"reader": "ciso"}).status_code == 201  # the CIO shares their own
    assert ciso.post("/leadership/time/shares", {"reader": "cio"}).json() == ["cio"]
    assert cio.get("/leadership/time?owner=ciso&weeks=2").json()["strategic_share_percent"] == 30.0
    assert cio.get("/leadership/time/entries?owner=ciso").json()["count"] == 2
    assert api_as(people["analyst"]).post("/leadership/time/entries", {
        "week": "2026-W48", "activity": "x", "hours": 1, "nature": "tactical"}).status_code == 403
    assert api_as(people["board"]).get("/leadership/time").status_code == 403
    entry_id = created.json()["id"]
    assert cio.call("DELETE", f"/leadership/time/entries/{entry_id}").status_code == 403  # reading is not writing
    assert ciso.call("DELETE", f"/leadership/time/entries/{entry_id}").status_code == 204


def test_skills_plans_over_the_api(people, api_as):
    ciso, analyst, itops = api_as(people["ciso"]), api_as(people["analyst"]), api_as(people["itops"])
    assert ciso.post("/leadership/skills/plans", {"person": "analyst", "title": "Security Analyst"}).status_code == 201
    assert analyst.post("/leadership/skills/plans", {"person": "itops", "title": "x"}).status_code == 403
    assert ciso.post("/leadership/skills/plans/analyst/assessments",
                     {"skill": "finance", "target": 3}).json()["gap"] is None
    line = analyst.post("/leadership/skills/plans/analyst/assessments", {"skill": "finance", "self_level": 1}).json()
    assert (line["assessed"], line["gap"]) == (1, 2)
    goal = analyst.post("/leadership/skills/plans/analyst/goals", {"title": "Read the annual report",
                                                                   "due_on": "2026-12-31", "skill": "finance"})
    assert goal.status_code == 201
    assert analyst.post(f"/leadership/skills/goals/{goal.json()['id']}/status", {"status": "done"}).json()["status"] \
        == "done"
    mentor = ciso.post("/leadership/skills/plans/analyst/mentors", {"mentor": "ciso", "focus": "finance"})
    assert mentor.status_code == 201 and mentor.json()["mentor"] == "ciso"
    assert ciso.post("/leadership/skills/plans/analyst/learning", {
        "kind": "course", "title": "Finance basics", "hours": 6, "on": "2026-11-20"}).status_code == 201
    plan = analyst.get("/leadership/skills/plans/analyst").json()
    assert plan["goals_on_track"]["percent"] == 100.0 and plan["learning_hours_last_365_days"] == "6.0"
    assert [m["mentor"] for m in plan["mentors"]] == ["ciso"]
    assert itops.get("/leadership/skills/plans/analyst").status_code == 404
    assert itops.get("/leadership/skills/gaps").status_code == 403
    gaps = api_as(people["cio"]).get("/leadership/skills/gaps").json()
    assert gaps[0]["skill"] == "finance" and gaps[0]["people"] == [{"person": "analyst", "gap": 2}]
    catalogue = itops.get("/leadership/skills/catalogue").json()
    assert len(catalogue["skills"]) >= 10 and catalogue["levels"]["4"].startswith("Expert")


def test_the_radar_over_the_api(people, api_as):
    ciso, cio = api_as(people["ciso"]), api_as(people["cio"])
    created = cio.post("/leadership/radar", {"name": "Passkeys", "quadrant": "techniques",
                                             "prerequisites": ["FIDO2 attestation"]})
    assert created.status_code == 201
    entry_id = created.json()["id"]
    assert api_as(people["analyst"]).post(f"/leadership/radar/{entry_id}/proposals",
                                          {"stance": "adopt"}).status_code == 403
    proposed = cio.post(f"/leadership/radar/{entry_id}/proposals", {"stance": "adopt", "reason": "phishing"}).json()
    assert (proposed["stance"], proposed["proposed_stance"]) == (None, "adopt")
    assert cio.post(f"/leadership/radar/{entry_id}/agree", {}).status_code == 422
    agreed = ciso.post(f"/leadership/radar/{entry_id}/agree", {"comment": "yes"}).json()
    assert (agreed["stance"], agreed["proposed_stance"]) == ("adopt", None)
    assert api_as(people["auditor"]).get("/leadership/radar?stance=adopt").json()[0]["name"] == "Passkeys"
    assert cio.patch(f"/leadership/radar/{entry_id}", {"prerequisites": ["FIDO2", "Recovery"]}).json()[
        "prerequisites"] == ["FIDO2", "Recovery"]
    assert cio.post("/leadership/radar", {"name": "x", "quadrant": "moon"}).json()["problems"][0]["field"] \
        == "quadrant"
    assert cio.post("/leadership/radar", {"name": "y", "quadrant": "tools", "initiative": "nope"}).status_code == 404
    assert api_as(people["board"]).get("/leadership/radar").status_code == 403
    assert api_as(None).get("/leadership/radar").status_code == 401


@pytest.mark.parametrize(("role", "read", "write", "team", "timelog"), [
    ("ciso", True, True, True, True), ("cio", True, True, True, True), ("analyst", True, False, False, False),
    ("itops", True, False, False, False), ("auditor", True, False, False, False),
    ("steering", True, False, False, False), ("owner", False, False, False, False),
    ("board", False, False, False, False),
])
def test_the_capabilities_of_each_role(people, role, read, write, team, timelog):
    held = people[role].capabilities
    assert ("leadership.read" in held, "leadership.write" in held, "leadership.team" in held,
            "leadership.timelog" in held) == (read, write, team, timelog)


def test_the_scorecard_metrics(people, today):
    ctx = ReadContext(today=today(), currency="EUR")
    share, goals = definition("ciso_strategic_share"), definition("development_goals_on_track")
    assert share is not None and goals is not None
    assert share.kind == "kri" and share.default_thresholds.status(30) == "amber"
    assert share.default_thresholds.status(20) == "red" and share.default_thresholds.status(45) == "green"
    assert share.read(people["cio"], ctx) is None and goals.read(people["cio"], ctx) is None
    ciso = people["ciso"]
    monday = date(2026, 11, 30)
    services.log_time(actor=ciso, week=monday, activity="Strategy", hours=9, nature="strategic")
    services.log_time(actor=ciso, week=monday - timedelta(weeks=1), activity="Email", hours=27, nature="tactical")
    reading = share.read(people["cio"], ctx)
    assert reading is not None and reading.value == 25.0 and reading.display == "25.0%"
    assert "9 of 36 hours" in reading.detail and "2026-W46 to 2026-W49" in reading.detail
    plan = services.create_plan(actor=ciso, person=people["analyst"], title="Analyst")
    services.add_goal(actor=ciso, plan=plan, title="late", due_on=today() - timedelta(days=1))
    services.add_goal(actor=ciso, plan=plan, title="on time", due_on=today())
    assert goals.read(people["cio"], ctx).value == 50.0
