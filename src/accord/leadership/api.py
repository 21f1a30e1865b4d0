"""Leadership API: the CISO's time log (report with delegation candidates, entries, sharing), skills
plans (catalogue, assessments, goals, mentors, learning, the team's gaps) and the technology radar
(entries, stance proposals agreed by the other leader). Row-level privacy is the selectors': a time
log or a plan the caller may not read answers 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from accord.accounts import selectors as accounts
from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, Text, paginate
from accord.core.errors import NotFound
from accord.core.permissions import Actor
from accord.leadership import documents, selectors, services
from accord.leadership.schemas import (
    AssessmentIn,
    CatalogueOut,
    CommentIn,
    EntriesQuery,
    GoalIn,
    GoalOut,
    GoalStatusIn,
    LearningIn,
    LearningOut,
    LogOut,
    MentorIn,
    MentorshipOut,
    PlanIn,
    PlanOut,
    PlanSummaryOut,
    RadarIn,
    RadarOut,
    RadarPatch,
    RadarQuery,
    ReaderIn,
    SkillLineOut,
    StanceIn,
    TeamGapOut,
    TimeEntryIn,
    TimeEntryOut,
    TimeQuery,
    TimeReportOut,
)

router = Router(tags=["leadership"])
READ, WRITE = Capability("leadership.read"), Capability("leadership.write")
TEAM, TIMELOG = Capability("leadership.team"), Capability("leadership.timelog")


def _owner_id(actor: Actor, username: str) -> tuple[int, str]:
    """The owner of the log asked for: the caller's own, or one shared with them (else 404)."""
    if not username or username == actor.username:
        return actor.pk, actor.username
    for owner in selectors.time_logs_visible_to(actor):
        if owner.username == username:
            return owner.pk, owner.username
    raise NotFound("time log of", username)


# The time log -------------------------------------------------------------------------------------------

@router.get("/time/logs", response={200: list[LogOut], **REFUSALS}, auth=READ)
def time_logs(request: HttpRequest) -> Any:
    """The time logs the caller may read: their own, and those shared with them."""
    actor = acting_user(request)
    return [{"owner": o.username, "own": o.pk == actor.pk} for o in selectors.time_logs_visible_to(actor)]


@router.get("/time", response={200: TimeReportOut, **REFUSALS}, auth=READ)
def time_report(request: HttpRequest, query: Query[TimeQuery]) -> Any:
    """Strategic and tactical hours per ISO week (the `weeks` ending with this week) and the delegation
    candidates, with the formula."""
    actor = acting_user(request)
    owner_id, owner = _owner_id(actor, query.owner)
    return documents.time_report_document(selectors.time_report(actor, owner_id, count=query.weeks), owner)


@router.get("/time/entries", response={200: Page[TimeEntryOut], **REFUSALS}, auth=READ)
def time_entries(request: HttpRequest, query: Query[EntriesQuery]) -> Any:
    actor = acting_user(request)
    owner_id, _ = _owner_id(actor, query.owner)
    page = paginate(selectors.entries_of(actor, owner_id), page=query.page, page_size=query.page_size)
    return {**page, "items": [documents.entry_document(e) for e in page["items"]]}


@router.post("/time/entries", response={201: TimeEntryOut, **REFUSALS}, auth=TIMELOG)
def log_time(request: HttpRequest, payload: TimeEntryIn) -> Any:
    """Set the hours of an activity in a week of your own log (again for the same week and activity
    replaces them)."""
    entry = services.log_time(actor=acting_user(request), **payload.dict())
    return Status(201, documents.entry_document(entry))


@router.delete("/time/entries/{entry_id}", response={204: None, **REFUSALS}, auth=TIMELOG)
def delete_entry(request: HttpRequest, entry_id: DbId) -> Any:
    actor = acting_user(request)
    services.delete_time_entry(actor=actor, entry=selectors.entry_by_id(actor, entry_id))
    return Status(204, None)


@router.get("/time/shares", response={200: list[str], **REFUSALS}, auth=TIMELOG)
def shares(request: HttpRequest) -> Any:
    """Who may read your time log besides you."""
    return [s.reader.username for s in selectors.shares_of(acting_user(request))]


@router.post("/time/shares", response={201: list[str], **REFUSALS}, auth=TIMELOG)
def share(request: HttpRequest, payload: ReaderIn) -> Any:
    actor = acting_user(request)
    services.share_time_log(actor=actor, reader=accounts.user_by_username(actor, payload.reader))
    return Status(201, [s.reader.username for s in selectors.shares_of(actor)])


@router.delete("/time/shares/{username}", response={200: list[str], **REFUSALS}, auth=TIMELOG)
def unshare(request: HttpRequest, username: Text) -> Any:
    actor = acting_user(request)
    services.unshare_time_log(actor=actor, reader=accounts.user_by_username(actor, username))
    return [s.reader.username for s in selectors.shares_of(actor)]


# Skills and mentoring -------------------------------------------------------------------------------------

@router.get("/skills/catalogue", response={200: CatalogueOut, **REFUSALS}, auth=READ)
def skill_catalogue(request: HttpRequest) -> Any:
    return documents.catalogue_document()


@router.get("/skills/plans", response={200: list[PlanSummaryOut], **REFUSALS}, auth=READ)
def plans(request: HttpRequest) -> Any:
    """The plans the caller may see: their own, their mentees', every plan for the CISO and the CIO."""
    return [documents.plan_summary(p) for p in selectors.plans_visible_to(acting_user(request))]


@router.post("/skills/plans", response={201: PlanOut, **REFUSALS}, auth=TEAM)
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    actor = acting_user(request)
    plan = services.create_plan(actor=actor, person=accounts.user_by_username(actor, payload.person),
                                title=payload.title)
    return Status(201, documents.plan_document(plan))


@router.get("/skills/plans/{username}", response={200: PlanOut, **REFUSALS}, auth=READ)
def plan(request: HttpRequest, username: Text) -> Any:
    return documents.plan_document(selectors.plan_of_username(acting_user(request), username))


@router.post("/skills/plans/{username}/assessments", response={200: SkillLineOut, **REFUSALS}, auth=READ)
def assess(request: HttpRequest, username: Text, payload: AssessmentIn) -> Any:
    """Set a target (leaders), your own level (the person) or a mentor's level (their current mentor)."""
    actor = acting_user(request)
    row = services.assess_skill(actor=actor, plan=selectors.plan_of_username(actor, username), **payload.dict())
    line = next(x for x in selectors.skill_lines(row.plan) if x.key == row.skill)
    return {"skill": line.key, "name": line.name, "kind": line.kind, "target": line.target,
            "self_level": line.self_level, "mentor_level": line.mentor_level, "assessed": line.assessed,
            "gap": line.gap}


@router.post("/skills/plans/{username}/goals", response={201: GoalOut, **REFUSALS}, auth=READ)
def add_goal(request: HttpRequest, username: Text, payload: GoalIn) -> Any:
    actor = acting_user(request)
    goal = services.add_goal(actor=actor, plan=selectors.plan_of_username(actor, username), **payload.dict())
    return Status(201, documents.goal_document(goal, goal.due_on))


@router.post("/skills/goals/{goal_id}/status", response={200: GoalOut, **REFUSALS}, auth=READ)
def goal_status(request: HttpRequest, goal_id: DbId, payload: GoalStatusIn) -> Any:
    from accord.core import clock

    actor = acting_user(request)
    goal = services.set_goal_status(actor=actor, goal=selectors.goal_by_id(actor, goal_id), status=payload.status)
    return documents.goal_document(goal, clock.today())


@router.post("/skills/plans/{username}/mentors", response={201: MentorshipOut, **REFUSALS}, auth=TEAM)
def add_mentor(request: HttpRequest, username: Text, payload: MentorIn) -> Any:
    actor = acting_user(request)
    fields = payload.dict()
    username_of_mentor = fields.pop("mentor")
    mentor = accounts.user_by_username(actor, username_of_mentor) if username_of_mentor else None
    row = services.add_mentorship(actor=actor, plan=selectors.plan_of_username(actor, username), mentor=mentor,
                                  **fields)
    return Status(201, documents.mentorship_document(row))


@router.post("/skills/mentorships/{mentorship_id}/end", response={200: MentorshipOut, **REFUSALS}, auth=TEAM)
def end_mentorship(request: HttpRequest, mentorship_id: DbId) -> Any:
    actor = acting_user(request)
    row = services.end_mentorship(actor=actor, mentorship=selectors.mentorship_by_id(actor, mentorship_id))
    return documents.mentorship_document(row)


@router.post("/skills/plans/{username}/learning", response={201: LearningOut, **REFUSALS}, auth=READ)
def log_learning(request: HttpRequest, username: Text, payload: LearningIn) -> Any:
    actor = acting_user(request)
    row = services.log_learning(actor=actor, plan=selectors.plan_of_username(actor, username), **payload.dict())
    return Status(201, row)


@router.get("/skills/gaps", response={200: list[TeamGapOut], **REFUSALS}, auth=TEAM)
def team_gaps(request: HttpRequest) -> Any:
    """Per skill, the sum of gaps (target - assessed) across the team, largest first."""
    return documents.team_gaps_document(selectors.team_gaps(acting_user(request)))


# The technology radar ---------------------------------------------------------------------------------------

@router.get("/radar", response={200: list[RadarOut], **REFUSALS}, auth=READ)
def radar(request: HttpRequest, query: Query[RadarQuery]) -> Any:
    actor = acting_user(request)
    return [selectors.radar_document(e, actor)
            for e in selectors.radar_entries(actor, quadrant=query.quadrant, stance=query.stance)]


@router.post("/radar", response={201: RadarOut, **REFUSALS}, auth=WRITE)
def create_entry(request: HttpRequest, payload: RadarIn) -> Any:
    actor = acting_user(request)
    entry = services.create_radar_entry(actor=actor, **documents.radar_fields(actor, payload.dict()))
    return Status(201, selectors.radar_document(selectors.radar_entry_by_id(actor, entry.pk), actor))


@router.get("/radar/{entry_id}", response={200: RadarOut, **REFUSALS}, auth=READ)
def radar_entry(request: HttpRequest, entry_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.radar_document(selectors.radar_entry_by_id(actor, entry_id), actor)


@router.patch("/radar/{entry_id}", response={200: RadarOut, **REFUSALS}, auth=WRITE)
def update_entry(request: HttpRequest, entry_id: DbId, payload: RadarPatch) -> Any:
    actor = acting_user(request)
    entry = selectors.radar_entry_by_id(actor, entry_id)
    services.update_radar_entry(actor=actor, entry=entry, **documents.radar_fields(actor, payload.dict(exclude_unset=True)))
    return selectors.radar_document(selectors.radar_entry_by_id(actor, entry_id), actor)


@router.post("/radar/{entry_id}/proposals", response={200: RadarOut, **REFUSALS}, auth=WRITE)
def propose(request: HttpRequest, entry_id: DbId, payload: StanceIn) -> Any:
    """The CISO or the CIO proposes a stance; the other agrees (`/agree`)."""
    actor = acting_user(request)
    services.propose_stance(actor=actor, entry=selectors.radar_entry_by_id(actor, entry_id), **payload.dict())
    return selectors.radar_document(selectors.radar_entry_by_id(actor, entry_id), actor)


@router.post("/radar/{entry_id}/agree", response={200: RadarOut, **REFUSALS}, auth=WRITE)
def agree(request: HttpRequest, entry_id: DbId, payload: CommentIn) -> Any:
    actor = acting_user(request)
    services.agree_stance(actor=actor, entry=selectors.radar_entry_by_id(actor, entry_id), comment=payload.comment)
    return selectors.radar_document(selectors.radar_entry_by_id(actor, entry_id), actor)


@router.post("/radar/{entry_id}/withdraw", response={200: RadarOut, **REFUSALS}, auth=WRITE)
def withdraw(request: HttpRequest, entry_id: DbId) -> Any:
    actor = acting_user(request)
    services.withdraw_stance(actor=actor, entry=selectors.radar_entry_by_id(actor, entry_id))
    return selectors.radar_document(selectors.radar_entry_by_id(actor, entry_id), actor)
