"""The leadership figures as plain documents: what the API answers and `accord leadership ... --json`
prints, built from the selectors' objects so both say the same."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from accord.core import clock
from accord.leadership import selectors, weeks
from accord.leadership.catalogue import catalogue
from accord.leadership.models import DevelopmentGoal, GoalStatus, SkillPlan, TimeEntry


def entry_document(entry: TimeEntry) -> dict[str, Any]:
    return {"id": entry.pk, "week": weeks.label(entry.week), "week_start": entry.week, "activity": entry.activity,
            "hours": entry.hours, "nature": entry.nature, "handoff": entry.handoff, "note": entry.note}


def time_report_document(report: selectors.TimeReport, owner: str) -> dict[str, Any]:
    return {
        "owner": owner, "as_of": report.as_of, "first_week": report.first_week, "last_week": report.last_week,
        "strategic_hours": report.strategic, "total_hours": report.total,
        "strategic_share_percent": report.strategic_share, "formula": selectors.SHARE_FORMULA,
        "weeks": [{"week": w.label, "week_start": w.week, "strategic_hours": w.strategic, "tactical_hours": w.tactical,
                   "total_hours": w.total, "strategic_share_percent": w.strategic_share} for w in report.weeks],
        "delegation_candidates": [{
            "activity": c.activity, "handoff": c.handoff, "hours": c.hours, "tactical_hours": c.tactical_hours,
            "strategic_share_if_handed_off_percent": c.share_if_handed_off,
            "cumulative_strategic_share_percent": c.cumulative_share} for c in report.candidates],
    }


def catalogue_document() -> dict[str, Any]:
    cat = catalogue()
    return {"levels": cat.levels, "skills": [{"key": s.key, "kind": s.kind, "name": s.name,
                                              "description": s.description} for s in cat.skills]}


def goal_document(goal: DevelopmentGoal, today: date) -> dict[str, Any]:
    return {"id": goal.pk, "title": goal.title, "skill": goal.skill, "due_on": goal.due_on, "status": goal.status,
            "completed_on": goal.completed_on, "overdue": goal.status == GoalStatus.OPEN and goal.due_on < today}


def plan_summary(plan: SkillPlan) -> dict[str, Any]:
    return {"id": plan.pk, "person": plan.person.username, "title": plan.title}


def plan_document(plan: SkillPlan) -> dict[str, Any]:
    today = clock.today()
    on_track = selectors.plan_goals_on_track(plan, today)
    return {
        **plan_summary(plan),
        "skills": [{"skill": line.key, "name": line.name, "kind": line.kind, "target": line.target,
                    "self_level": line.self_level, "mentor_level": line.mentor_level, "assessed": line.assessed,
                    "gap": line.gap} for line in selectors.skill_lines(plan)],
        "goals": [goal_document(g, today) for g in plan.goals.order_by("due_on", "pk")],
        "goals_on_track": {**on_track.__dict__, "percent": on_track.percent},
        "mentors": [mentorship_document(m) for m in selectors.mentorships_of(plan)],
        "learning": [{"id": a.pk, "kind": a.kind, "title": a.title, "skill": a.skill, "hours": a.hours, "on": a.on}
                     for a in selectors.learning_of(plan)],
        "learning_hours_last_365_days": selectors.learning_hours(plan, since=today - timedelta(days=365)),
    }


def mentorship_document(row: Any) -> dict[str, Any]:
    return {"id": row.pk, "mentor": row.mentor_name, "external": row.is_external,
            "external_organisation": row.external_organisation, "focus": row.focus, "started_on": row.started_on,
            "ended_on": row.ended_on}


def team_gaps_document(gaps: list[selectors.TeamGap]) -> list[dict[str, Any]]:
    return [{"skill": g.key, "name": g.name, "kind": g.kind, "total_gap": g.total_gap, "people_short": g.people,
             "not_assessed": g.not_assessed, "people": [{"person": p, "gap": gap} for p, gap in g.people_short]}
            for g in gaps]


def radar_fields(actor: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """A radar entry's fields as the API, the CLI and the form give them (prerequisites as a list, the
    project by id or slug, the review by id, the initiative by slug) turned into what the service takes:
    rows the actor may see (an unknown one is refused as not found)."""
    from accord.portfolio import selectors as portfolio
    from accord.reviews import selectors as reviews

    fields = dict(fields)
    if isinstance(fields.get("prerequisites"), list):
        fields["prerequisites"] = "\n".join(p.strip() for p in fields["prerequisites"] if p.strip())
    elif "prerequisites" in fields and fields["prerequisites"] is None:
        fields.pop("prerequisites")
    if "project" in fields:
        fields["project"] = reviews.project_by_key(actor, fields["project"]) if fields["project"] else None
    if "review_id" in fields:
        review_id = fields.pop("review_id")
        fields["review"] = reviews.review_by_id(actor, review_id) if review_id else None
    if "initiative" in fields:
        slug = fields["initiative"]
        fields["initiative"] = portfolio.initiative_by_slug(actor, slug) if slug else None
    return {k: v for k, v in fields.items() if v is not None or k in ("project", "review", "initiative")}
