"""Every write of the leadership app: keyword-only arguments, an acting user, one transaction, an audit
row. Bad input is refused with the field named, and nothing is written.

Who may write what:
- a time log: only its owner, holding `leadership.timelog`; the owner shares it;
- a skills plan: `leadership.team` adds people, sets targets and pairs mentors; the person assesses
  themself, adds goals and logs learning; an internal mentor assesses as the mentor and adds goals;
- the radar: `leadership.write` edits entries; a stance is proposed by the CISO or the CIO and takes
  effect when the other agrees (a `radar_stance` sign-off whose inputs are the stance and the
  security prerequisites; editing the prerequisites voids a pending proposal).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum

from accord.core import audit, clock
from accord.core.crud import validate
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import Actor, can, require
from accord.governance import services as governance
from accord.governance.models import SignOffStatus
from accord.leadership import selectors, weeks
from accord.leadership.catalogue import MAX_LEVEL, MIN_LEVEL, catalogue
from accord.leadership.models import (
    HOURS_IN_A_WEEK,
    DevelopmentGoal,
    GoalStatus,
    Handoff,
    LearningActivity,
    LearningKind,
    Mentorship,
    Nature,
    Quadrant,
    RadarEntry,
    SkillAssessment,
    SkillPlan,
    Stance,
    TimeEntry,
    TimeLogShare,
)

READ, WRITE, TEAM, TIMELOG = selectors.READ, selectors.WRITE, selectors.TEAM, selectors.TIMELOG
STANCE_KIND = "radar_stance"
MAX_TEXT = 2000


def _text(field: str, value: str | None, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field, "required")
    if len(text) > limit or "\x00" in text:
        raise ValidationFailed.field(field, f"at most {limit:,} characters, no NUL characters")
    return text


def _choice(field: str, value: str, choices: Any) -> str:
    if value not in choices.values:
        raise ValidationFailed.field(field, f"one of {', '.join(choices.values)}")
    return value


def _hours(field: str, value: Any, *, limit: Decimal) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.field(field, f"{value!r} is not a number of hours") from None
    if not hours.is_finite():
        raise ValidationFailed.field(field, f"{value!r} is not a number of hours")
    if hours < 0:
        raise ValidationFailed.field(field, "hours cannot be negative")
    if hours > limit:
        raise ValidationFailed.field(field, f"at most {limit:g} hours")
    return hours.quantize(Decimal("0.01"))


# The time log -------------------------------------------------------------------------------------

@transaction.atomic
def log_time(*, actor: Actor, week: str | date, activity: str, hours: Any, nature: str,
             handoff: str = Handoff.KEEP, note: str = "") -> TimeEntry:
    """Set the hours of one activity in one ISO week of the actor's own log (logging it again replaces
    the hours). A week holds at most 168 hours; future weeks are refused."""
    require(actor, TIMELOG)
    monday = week if isinstance(week, date) else weeks.parse(week)
    monday = weeks.monday_of(monday)
    if monday > weeks.monday_of(clock.today()):
        raise ValidationFailed.field("week", f"{weeks.label(monday)} has not started yet")
    activity = _text("activity", activity, required=True, limit=120)
    amount = _hours("hours", hours, limit=HOURS_IN_A_WEEK)
    nature = _choice("nature", nature, Nature)
    handoff = _choice("handoff", handoff, Handoff)
    note = _text("note", note, limit=300)
    existing = TimeEntry.objects.select_for_update().filter(owner_id=actor.pk, week=monday, activity=activity).first()
    others = (TimeEntry.objects.filter(owner_id=actor.pk, week=monday).exclude(activity=activity)
              .aggregate(total=Sum("hours"))["total"] or Decimal(0))
    if others + amount > HOURS_IN_A_WEEK:
        raise ValidationFailed.field("hours", f"{weeks.label(monday)} would hold {selectors.hours_text(others + amount)} "
                                     f"hours; a week has {HOURS_IN_A_WEEK} ({selectors.hours_text(others)} are "
                                     "logged on other activities)")
    before = audit.snapshot(existing) if existing else None
    entry = existing or TimeEntry(owner_id=actor.pk, week=monday, activity=activity)
    entry.hours, entry.nature, entry.handoff, entry.note = amount, nature, handoff, note
    validate(entry)
    entry.save()
    if before is None:
        audit.record(actor, "timeentry.logged", entry, after=audit.snapshot(entry))
    else:
        audit.record_change(actor, "timeentry.updated", entry, before, audit.snapshot(entry))
    return entry


@transaction.atomic
def delete_time_entry(*, actor: Actor, entry: TimeEntry) -> None:
    require(actor, TIMELOG)
    if entry.owner_id != actor.pk:
        raise NotAllowed(TIMELOG)
    audit.record(actor, "timeentry.deleted", entry, before=audit.snapshot(entry))
    entry.delete()


@transaction.atomic
def share_time_log(*, actor: Actor, reader: Any) -> TimeLogShare:
    """Let `reader` read the actor's time log (they need `leadership.read` to open it)."""
    require(actor, TIMELOG)
    if reader is None or not getattr(reader, "is_active", False):
        raise ValidationFailed.field("reader", "an active user")
    if reader.pk == actor.pk:
        raise ValidationFailed.field("reader", "your own log is yours already")
    if not can(reader, READ):
        raise ValidationFailed.field("reader", f"{reader.username} cannot open the leadership area (no leadership.read)")
    share, created = TimeLogShare.objects.get_or_create(owner_id=actor.pk, reader_id=reader.pk)
    if created:
        audit.record(actor, "timelog.shared", share, after={"reader": reader.username})
    return share


@transaction.atomic
def unshare_time_log(*, actor: Actor, reader: Any) -> bool:
    require(actor, TIMELOG)
    share = TimeLogShare.objects.filter(owner_id=actor.pk, reader_id=reader.pk).first()
    if share is None:
        return False
    audit.record(actor, "timelog.unshared", share, before={"reader": reader.username})
    share.delete()
    return True


# Skills and mentoring ------------------------------------------------------------------------------------

def _skill(field: str, key: str, *, required: bool = True) -> str:
    key = (key or "").strip()
    if not key and not required:
        return ""
    if catalogue().get(key) is None:
        raise ValidationFailed.field(field, f"{key!r} is not in the skill catalogue ({', '.join(catalogue().keys())})")
    return key


def _level(field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_LEVEL <= value <= MAX_LEVEL:
        raise ValidationFailed.field(field, f"a level from {MIN_LEVEL} to {MAX_LEVEL}")
    return value


@transaction.atomic
def create_plan(*, actor: Actor, person: Any, title: str) -> SkillPlan:
    """Put a person of the security or IT leadership in the skills matrix."""
    require(actor, TEAM)
    if person is None or not getattr(person, "is_active", False):
        raise ValidationFailed.field("person", "an active user")
    if SkillPlan.objects.filter(person_id=person.pk).exists():
        raise ValidationFailed.field("person", f"{person.username} already has a skills plan")
    plan = SkillPlan(person=person, title=_text("title", title, required=True, limit=120))
    validate(plan)
    plan.save()
    audit.record(actor, "skillplan.created", plan, after={"person": person.username, "title": plan.title})
    return plan


def _may_edit_as_person_or_leader(actor: Actor, plan: SkillPlan) -> None:
    if plan.person_id != actor.pk and not can(actor, TEAM) and not selectors.is_mentor(actor, plan):
        raise NotAllowed(TEAM)


@transaction.atomic
def assess_skill(*, actor: Actor, plan: SkillPlan, skill: str, target: int | None = None,
                 self_level: int | None = None, mentor_level: int | None = None) -> SkillAssessment:
    """Set any of a skill's target (leaders), own level (the person) and mentor's level (an internal
    mentor of the person, while the mentoring runs). The first assessment of a skill needs a target."""
    require(actor, READ)
    skill = _skill("skill", skill)
    changes = {name: _level(name, value) for name, value in
               (("target", target), ("self_level", self_level), ("mentor_level", mentor_level)) if value is not None}
    if not changes:
        raise ValidationFailed.field("target", "give a target, a self level or a mentor level")
    if "target" in changes:
        require(actor, TEAM)
    if "self_level" in changes and plan.person_id != actor.pk:
        raise ValidationFailed.field("self_level", "only the person assesses themself")
    if "mentor_level" in changes and not selectors.is_mentor(actor, plan):
        raise ValidationFailed.field("mentor_level", "only a current internal mentor of the person assesses as mentor")
    row = SkillAssessment.objects.select_for_update().filter(plan=plan, skill=skill).first()
    if row is None and "target" not in changes:
        raise ValidationFailed.field("target", f"no target is set for {catalogue().name_of(skill)} yet: a leader sets it first")
    before = audit.snapshot(row) if row else None
    row = row or SkillAssessment(plan=plan, skill=skill)
    for name, value in changes.items():
        setattr(row, name, value)
    validate(row)
    row.save()
    if before is None:
        audit.record(actor, "skillassessment.created", row, after=audit.snapshot(row))
    else:
        audit.record_change(actor, "skillassessment.updated", row, before, audit.snapshot(row))
    return row


@transaction.atomic
def add_goal(*, actor: Actor, plan: SkillPlan, title: str, due_on: date, skill: str = "") -> DevelopmentGoal:
    require(actor, READ)
    _may_edit_as_person_or_leader(actor, plan)
    if not isinstance(due_on, date):
        raise ValidationFailed.field("due_on", "a date (YYYY-MM-DD)")
    goal = DevelopmentGoal(plan=plan, title=_text("title", title, required=True, limit=200), due_on=due_on,
                           skill=_skill("skill", skill, required=False))
    validate(goal)
    goal.save()
    audit.record(actor, "developmentgoal.created", goal, after=audit.snapshot(goal))
    return goal


@transaction.atomic
def set_goal_status(*, actor: Actor, goal: DevelopmentGoal, status: str) -> DevelopmentGoal:
    """Mark a goal done (today), dropped, or open again."""
    require(actor, READ)
    _may_edit_as_person_or_leader(actor, goal.plan)
    status = _choice("status", status, GoalStatus)
    before = audit.snapshot(goal)
    goal.status = status
    goal.completed_on = clock.today() if status == GoalStatus.DONE else None
    goal.save(update_fields=["status", "completed_on", "updated_at"])
    audit.record_change(actor, "developmentgoal.updated", goal, before, audit.snapshot(goal))
    return goal


@transaction.atomic
def add_mentorship(*, actor: Actor, plan: SkillPlan, mentor: Any = None, external_name: str = "",
                   external_organisation: str = "", focus: str = "", started_on: date | None = None) -> Mentorship:
    """Pair a person with a mentor: a colleague (`mentor`, a user) or someone outside (`external_name`)."""
    require(actor, TEAM)
    external_name = _text("external_name", external_name, limit=150)
    if (mentor is None) == (not external_name):
        raise ValidationFailed.field("mentor", "name either a colleague (mentor) or an external mentor, not both")
    if mentor is not None and (not getattr(mentor, "is_active", False)):
        raise ValidationFailed.field("mentor", "an active user")
    if mentor is not None and mentor.pk == plan.person_id:
        raise ValidationFailed.field("mentor", "a person cannot mentor themself")
    row = Mentorship(plan=plan, mentor=mentor, external_name=external_name,
                     external_organisation=_text("external_organisation", external_organisation, limit=150),
                     focus=_text("focus", focus, limit=200), started_on=started_on or clock.today())
    validate(row)
    row.save()
    audit.record(actor, "mentorship.created", row, after={
        "plan": plan.pk, "mentor": mentor.username if mentor else external_name, "focus": row.focus,
        "started_on": row.started_on})
    return row


@transaction.atomic
def end_mentorship(*, actor: Actor, mentorship: Mentorship, ended_on: date | None = None) -> Mentorship:
    require(actor, TEAM)
    ended_on = ended_on or clock.today()
    if mentorship.ended_on is not None:
        raise ValidationFailed.field("ended_on", f"this mentoring ended on {mentorship.ended_on}")
    if ended_on < mentorship.started_on:
        raise ValidationFailed.field("ended_on", f"before it started ({mentorship.started_on})")
    mentorship.ended_on = ended_on
    mentorship.save(update_fields=["ended_on", "updated_at"])
    audit.record(actor, "mentorship.ended", mentorship, before={"ended_on": None}, after={"ended_on": ended_on})
    return mentorship


@transaction.atomic
def log_learning(*, actor: Actor, plan: SkillPlan, kind: str, title: str, hours: Any, on: date,
                 skill: str = "") -> LearningActivity:
    """A course, conference, certification, mentoring session or reading, with its hours."""
    require(actor, READ)
    if plan.person_id != actor.pk and not can(actor, TEAM):
        raise NotAllowed(TEAM)
    if not isinstance(on, date):
        raise ValidationFailed.field("on", "a date (YYYY-MM-DD)")
    if on > clock.today():
        raise ValidationFailed.field("on", "log learning once it took place")
    row = LearningActivity(plan=plan, kind=_choice("kind", kind, LearningKind),
                           title=_text("title", title, required=True, limit=200),
                           hours=_hours("hours", hours, limit=Decimal(9999)).quantize(Decimal("0.1")),
                           on=on, skill=_skill("skill", skill, required=False))
    validate(row)
    row.save()
    audit.record(actor, "learningactivity.created", row, after=audit.snapshot(row))
    return row


# The technology radar ---------------------------------------------------------------------------------------

RADAR_FIELDS = ("name", "quadrant", "description", "prerequisites", "project", "review", "initiative")


def _radar_fields(changes: dict[str, Any]) -> dict[str, Any]:
    checked = {}
    for name, value in changes.items():
        if name not in RADAR_FIELDS:
            raise ValidationFailed.field(name, "unknown field")
        if name == "name":
            value = _text("name", value, required=True, limit=120)
        elif name == "quadrant":
            value = _choice("quadrant", value, Quadrant)
        elif name in ("description", "prerequisites"):
            value = _text(name, value)
        checked[name] = value
    return checked


def stance_inputs(entry: RadarEntry, stance: str) -> dict[str, Any]:
    """What a stance is agreed on: the stance and the security prerequisites as they stand."""
    return {"entry": entry.pk, "stance": stance, "prerequisites": entry.prerequisite_list()}


@transaction.atomic
def create_radar_entry(*, actor: Actor, **fields: Any) -> RadarEntry:
    require(actor, WRITE)
    entry = RadarEntry(**_radar_fields(fields))
    validate(entry)
    entry.save()
    audit.record(actor, "radarentry.created", entry, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def update_radar_entry(*, actor: Actor, entry: RadarEntry, **changes: Any) -> RadarEntry:
    """Edit an entry. Changed prerequisites void a pending stance proposal (it was asked on the old ones);
    the agreed stance stays until the leaders agree another."""
    require(actor, WRITE)
    entry = RadarEntry.objects.select_for_update().get(pk=entry.pk)
    before = audit.snapshot(entry)
    for name, value in _radar_fields(changes).items():
        setattr(entry, name, value)
    validate(entry)
    entry.save()
    audit.record_change(actor, "radarentry.updated", entry, before, audit.snapshot(entry))
    pending = entry.proposed_stance and entry.signoff is not None and entry.signoff.is_open
    if pending and governance.void_changed(actor=actor, subject=entry,
                                           inputs=stance_inputs(entry, entry.proposed_stance),
                                           reason="the security prerequisites changed"):
        _clear_proposal(actor, entry, "voided: the security prerequisites changed")
    return entry


def _clear_proposal(actor: Actor, entry: RadarEntry, why: str) -> None:
    audit.record(actor, "radarentry.proposal_closed", entry, before={"proposed_stance": entry.proposed_stance},
                 after={"proposed_stance": "", "reason": why})
    entry.proposed_stance, entry.proposal_reason = "", ""
    entry.save(update_fields=["proposed_stance", "proposal_reason", "updated_at"])


@transaction.atomic
def propose_stance(*, actor: Actor, entry: RadarEntry, stance: str, reason: str = "") -> RadarEntry:
    """The CISO or the CIO proposes a stance; it is the proposer's approval, and the other leader agrees.
    A pending proposal is replaced (its sign-off voided)."""
    require(actor, WRITE)
    role = governance.leader_role(actor, WRITE)
    stance = _choice("stance", stance, Stance)
    reason = _text("reason", reason, limit=500)
    entry = RadarEntry.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=entry.pk)
    if entry.signoff is not None and entry.signoff.is_open:
        governance.void(actor=actor, signoff=entry.signoff, reason="replaced by a new stance proposal")
    entry.proposed_stance, entry.proposal_reason = stance, reason
    entry.signoff = governance.propose_as_leader(
        actor=actor, capability=WRITE, kind=STANCE_KIND, subject=entry, inputs=stance_inputs(entry, stance),
        url=f"/leadership/radar/{entry.pk}/", figures={"stance": stance, "current": entry.stance or "none"},
        summary=f"Radar: {entry.name} to {Stance(stance).label}, proposed by the {role.upper()}. {reason}".strip())
    entry.save(update_fields=["proposed_stance", "proposal_reason", "signoff", "updated_at"])
    audit.record(actor, "radarentry.stance_proposed", entry, after={"stance": stance, "reason": reason,
                                                                    "signoff": entry.signoff_id})
    return entry


@transaction.atomic
def agree_stance(*, actor: Actor, entry: RadarEntry, comment: str = "") -> RadarEntry:
    """The other leader agrees the proposed stance: it becomes the entry's stance, on the decision log."""
    require(actor, WRITE)
    governance.leader_role(actor, WRITE)
    entry = RadarEntry.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=entry.pk)
    if not entry.proposed_stance or entry.signoff is None or not entry.signoff.is_open:
        raise ValidationFailed.field("stance", "no stance proposal is waiting for agreement")
    if entry.signoff.inputs_hash != governance.inputs_digest(stance_inputs(entry, entry.proposed_stance)):
        governance.void(actor=actor, signoff=entry.signoff, reason="the entry changed since the proposal")
        _clear_proposal(actor, entry, "voided: the entry changed since the proposal")
        raise ValidationFailed.field("stance", "the entry changed since the stance was proposed; propose again")
    signoff = governance.approve(actor=actor, signoff=entry.signoff, comment=_text("comment", comment))
    if signoff.status != SignOffStatus.GRANTED:
        return entry
    before = {"stance": entry.stance, "stance_agreed_on": entry.stance_agreed_on}
    entry.stance, entry.stance_agreed_on = entry.proposed_stance, clock.today()
    entry.proposed_stance, entry.proposal_reason = "", ""
    entry.save(update_fields=["stance", "stance_agreed_on", "proposed_stance", "proposal_reason", "updated_at"])
    audit.record(actor, "radarentry.stance_agreed", entry, before=before,
                 after={"stance": entry.stance, "stance_agreed_on": entry.stance_agreed_on, "signoff": signoff.pk})
    governance.record_decision(
        actor=actor, question=f"Technology radar: our stance on {entry.name}", outcome=Stance(entry.stance).label,
        rationale=signoff.summary, subject=entry, url=f"/leadership/radar/{entry.pk}/", signoff=signoff,
        figures={"prerequisites": entry.prerequisite_list()})
    return entry


@transaction.atomic
def withdraw_stance(*, actor: Actor, entry: RadarEntry) -> RadarEntry:
    """The proposer withdraws a pending proposal, or the other leader declines it."""
    require(actor, WRITE)
    governance.leader_role(actor, WRITE)
    entry = RadarEntry.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=entry.pk)
    if not entry.proposed_stance or entry.signoff is None or not entry.signoff.is_open:
        raise ValidationFailed.field("stance", "no stance proposal is waiting for agreement")
    why = "withdrawn" if entry.signoff.requested_by_id == actor.pk else "declined by the other leader"
    governance.withdraw(actor=actor, signoff=entry.signoff, reason=why)
    _clear_proposal(actor, entry, why)
    return entry
