"""Skills and mentoring: the catalogue, gaps (target - assessed, the mentor's view first), goals on track,
and who may see and change a plan (the person, their current mentor, the CISO and the CIO)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.core.errors import NotAllowed, NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.leadership import selectors, services
from accord.leadership.catalogue import BUSINESS, TECHNICAL, catalogue
from accord.leadership.models import DevelopmentGoal

TODAY = date(2026, 12, 2)


@pytest.fixture
def plans(people):
    ciso = people["ciso"]
    analyst = services.create_plan(actor=ciso, person=people["analyst"], title="Security Analyst")
    itops = services.create_plan(actor=people["cio"], person=people["itops"], title="Change Manager")
    services.add_mentorship(actor=ciso, plan=analyst, mentor=ciso, focus="risk in business terms",
                            started_on=TODAY - timedelta(days=30))
    return {"analyst": analyst, "itops": itops}


def test_the_catalogue_has_technical_and_business_skills_with_descriptions():
    cat = catalogue()
    kinds = {s.kind for s in cat.skills}
    assert kinds == {TECHNICAL, BUSINESS}
    business = {s.key for s in cat.skills if s.kind == BUSINESS}
    assert {"stakeholder_management", "budgeting", "finance", "project_management", "risk_communication"} <= business
    assert all(s.description for s in cat.skills) and len(set(cat.keys())) == len(cat.skills)
    assert sorted(cat.levels) == [0, 1, 2, 3, 4]


def test_gaps_are_target_minus_assessed_with_the_mentors_view_first(people, plans):
    ciso, analyst = people["ciso"], people["analyst"]
    plan = plans["analyst"]
    services.assess_skill(actor=ciso, plan=plan, skill="budgeting", target=3)
    services.assess_skill(actor=ciso, plan=plan, skill="finance", target=2)
    services.assess_skill(actor=ciso, plan=plan, skill="incident_response", target=2)
    services.assess_skill(actor=analyst, plan=plan, skill="budgeting", self_level=2)
    services.assess_skill(actor=analyst, plan=plan, skill="incident_response", self_level=4)
    lines = {line.key: line for line in selectors.skill_lines(plan)}
    assert (lines["budgeting"].assessed, lines["budgeting"].gap) == (2, 1)
    assert lines["finance"].gap is None  # not assessed yet: no gap claimed
    assert lines["incident_response"].gap == 0  # above target is no negative gap
    services.assess_skill(actor=ciso, plan=plan, skill="budgeting", mentor_level=1)  # the CISO mentors the analyst
    lines = {line.key: line for line in selectors.skill_lines(plan)}
    assert (lines["budgeting"].self_level, lines["budgeting"].mentor_level, lines["budgeting"].gap) == (2, 1, 2)


def test_the_teams_gaps_add_up_per_skill_largest_first(people, plans):
    ciso = people["ciso"]
    for plan, person, target, own in ((plans["analyst"], people["analyst"], 3, 1),
                                      (plans["itops"], people["itops"], 4, 3)):
        services.assess_skill(actor=ciso, plan=plan, skill="budgeting", target=target)
        services.assess_skill(actor=person, plan=plan, skill="budgeting", self_level=own)
    services.assess_skill(actor=ciso, plan=plans["itops"], skill="finance", target=2)
    services.assess_skill(actor=people["itops"], plan=plans["itops"], skill="finance", self_level=1)
    services.assess_skill(actor=ciso, plan=plans["analyst"], skill="negotiation", target=2)
    gaps = selectors.team_gaps(people["cio"])
    assert (gaps[0].key, gaps[0].total_gap, gaps[0].people_short) == ("budgeting", 3, [("analyst", 2), ("itops", 1)])
    assert (gaps[1].key, gaps[1].total_gap) == ("finance", 1)
    negotiation = next(g for g in gaps if g.key == "negotiation")
    assert (negotiation.total_gap, negotiation.not_assessed) == (0, 1)
    assert len(gaps) == len(catalogue().skills)
    for outsider in ("analyst", "itops", "auditor"):
        with pytest.raises(NotAllowed):
            selectors.team_gaps(people[outsider])


def test_goals_on_track(people, plans, today):
    plan, analyst = plans["analyst"], people["analyst"]
    assert selectors.plan_goals_on_track(plan).percent is None  # no goal: no data

    def goal(title, due_in, status=""):
        row = services.add_goal(actor=analyst, plan=plan, title=title, due_on=TODAY + timedelta(days=due_in))
        if status:
            services.set_goal_status(actor=analyst, goal=row, status=status)
        return row

    goal("open, due later", 30)
    goal("open, due today", 0)
    goal("open, overdue", -1)
    goal("done", -40, "done")
    goal("dropped", -5, "dropped")
    old = goal("done long ago", -500, "done")
    DevelopmentGoal.objects.filter(pk=old.pk).update(completed_on=TODAY - timedelta(days=366))
    result = selectors.plan_goals_on_track(plan)
    # counted: the three open ones and the recent done one (dropped and old done ones leave the count)
    assert (result.counted, result.on_track, result.overdue, result.percent) == (4, 3, 1, 75.0)
    assert selectors.team_goals_on_track().percent == 75.0
    services.add_goal(actor=people["itops"], plan=plans["itops"], title="late", due_on=TODAY - timedelta(days=2))
    assert selectors.team_goals_on_track().percent == 60.0  # 3 of 5, across every plan
    today.day = TODAY + timedelta(days=1)  # "due today" is now overdue
    assert selectors.plan_goals_on_track(plan).percent == 50.0


def test_who_sees_a_plan(people, plans):
    analyst_plan = plans["analyst"]
    assert selectors.plan_of_username(people["analyst"], "analyst") == analyst_plan
    assert selectors.plan_of_username(people["ciso"], "analyst") == analyst_plan  # a leader and the mentor
    assert selectors.plan_of_username(people["cio"], "itops") == plans["itops"]  # leaders see every plan
    for outsider in ("analyst2", "itops", "auditor", "steering"):
        with pytest.raises(NotFound):
            selectors.plan_of_username(people[outsider], "analyst")
    with pytest.raises(NotAllowed):
        selectors.plans_visible_to(people["board"])
    assert [p.person.username for p in selectors.plans_visible_to(people["itops"])] == ["itops"]


def test_a_current_internal_mentor_sees_and_assesses_the_mentee(people, plans, today):
    analyst2 = people["analyst2"]
    plan = plans["itops"]
    services.assess_skill(actor=people["cio"], plan=plan, skill="negotiation", target=3)
    with pytest.raises(ValidationFailed) as refused:
        services.assess_skill(actor=analyst2, plan=plan, skill="negotiation", mentor_level=2)
    assert refused.value.problems[0].field == "mentor_level"
    pairing = services.add_mentorship(actor=people["cio"], plan=plan, mentor=analyst2, started_on=TODAY)
    assert selectors.plan_of_username(analyst2, "itops") == plan
    services.assess_skill(actor=analyst2, plan=plan, skill="negotiation", mentor_level=2)
    services.end_mentorship(actor=people["cio"], mentorship=pairing, ended_on=TODAY)
    assert selectors.plan_of_username(analyst2, "itops") == plan  # the last day still counts
    today.day = TODAY + timedelta(days=1)
    with pytest.raises(NotFound):
        selectors.plan_of_username(analyst2, "itops")


def test_who_may_change_what_in_a_plan(people, plans):
    plan, analyst, itops = plans["analyst"], people["analyst"], people["itops"]
    with pytest.raises(NotAllowed):
        services.assess_skill(actor=analyst, plan=plan, skill="finance", target=4)  # targets are the leaders'
    with pytest.raises(ValidationFailed) as refused:
        services.assess_skill(actor=analyst, plan=plan, skill="finance", self_level=2)
    assert "no target" in refused.value.problems[0].message
    services.assess_skill(actor=people["cio"], plan=plan, skill="finance", target=3)
    with pytest.raises(ValidationFailed) as refused:
        services.assess_skill(actor=people["cio"], plan=plan, skill="finance", self_level=3)
    assert refused.value.problems[0].field == "self_level"
    with pytest.raises(NotAllowed):
        services.add_goal(actor=itops, plan=plan, title="Not mine", due_on=TODAY)
    with pytest.raises(NotAllowed):
        services.log_learning(actor=itops, plan=plan, kind="course", title="x", hours=1, on=TODAY)
    with pytest.raises(NotAllowed):
        services.create_plan(actor=analyst, person=people["analyst2"], title="Analyst")
    with pytest.raises(NotAllowed):
        services.add_mentorship(actor=analyst, plan=plan, external_name="Someone")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"skill": "juggling", "target": 2}, "skill"),
    ({"skill": "finance", "target": 5}, "target"),
    ({"skill": "finance", "target": -1}, "target"),
    ({"skill": "finance"}, "target"),
])
def test_bad_assessments_are_refused_naming_the_field(people, plans, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        services.assess_skill(actor=people["ciso"], plan=plans["analyst"], **kwargs)
    assert refused.value.problems[0].field == field
    assert not plans["analyst"].assessments.exists()


def test_mentors_learning_and_their_refusals(people, plans):
    plan, ciso = plans["itops"], people["ciso"]
    with pytest.raises(ValidationFailed) as refused:
        services.add_mentorship(actor=ciso, plan=plan)
    assert refused.value.problems[0].field == "mentor"
    with pytest.raises(ValidationFailed):
        services.add_mentorship(actor=ciso, plan=plan, mentor=people["cio"], external_name="Both")
    with pytest.raises(ValidationFailed):
        services.add_mentorship(actor=ciso, plan=plan, mentor=people["itops"])  # not themself
    outside = services.add_mentorship(actor=ciso, plan=plan, external_name="Ingrid Halvorsen",
                                      external_organisation="retired CFO")
    assert outside.is_external and outside.mentor_name == "Ingrid Halvorsen"
    row = services.log_learning(actor=people["itops"], plan=plan, kind="conference", title="ITSM summit", hours="14",
                                on=TODAY - timedelta(days=3), skill="negotiation")
    assert selectors.learning_hours(plan, since=TODAY - timedelta(days=365)) == 14
    assert AuditEvent.objects.filter(action="learningactivity.created", object_id=str(row.pk)).exists()
    for kwargs, field in (({"on": TODAY + timedelta(days=1)}, "on"), ({"hours": -2}, "hours"),
                          ({"kind": "holiday"}, "kind"), ({"skill": "juggling"}, "skill")):
        args = {"kind": "course", "title": "t", "hours": 1, "on": TODAY, **kwargs}
        with pytest.raises(ValidationFailed) as refused:
            services.log_learning(actor=people["itops"], plan=plan, **args)
        assert refused.value.problems[0].field == field
    with pytest.raises(ValidationFailed):
        services.create_plan(actor=ciso, person=people["itops"], title="Again")  # one plan a person
