"""Permission-scoped reads of the leadership app, and every figure it shows (computed once here, so
the page, the API and the CLI print the same numbers).

Who sees what:
- a time log: its owner and the users the owner shared it with (nobody else, whatever their role);
- a skills plan: the person, their internal mentors while the mentoring runs, and holders of
  `leadership.team` (the CISO and the CIO), who also see the team's gaps;
- the radar: every holder of `leadership.read`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from accord.core import clock
from accord.core.errors import NotFound
from accord.core.permissions import Actor, can, require
from accord.leadership import radar, weeks
from accord.leadership.catalogue import catalogue
from accord.leadership.models import (
    DevelopmentGoal,
    GoalStatus,
    Handoff,
    LearningActivity,
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

READ, WRITE, TEAM, TIMELOG = "leadership.read", "leadership.write", "leadership.team", "leadership.timelog"
DEFAULT_WEEKS = 8
METRIC_WEEKS = 4  # the scorecard's strategic share counts the last four ISO weeks
GOAL_WINDOW_DAYS = 365  # done goals count towards "on track" for a year after completion


def hours_text(value: Decimal) -> str:
    """Hours as people write them: 9, 9.5, 12.25 (no trailing zeros)."""
    return f"{Decimal(value).normalize():f}"


def _percent(part: Decimal, whole: Decimal) -> float | None:
    return None if whole == 0 else round(float(part / whole * 100), 1)


# The time log -------------------------------------------------------------------------------------------

def may_read_time_log(viewer: Actor, owner_id: int) -> bool:
    if not can(viewer, READ):
        return False
    if viewer.pk == owner_id:
        return True
    return TimeLogShare.objects.filter(owner_id=owner_id, reader_id=viewer.pk).exists()


def time_logs_visible_to(viewer: Actor) -> list[Any]:
    """The owners of the time logs the viewer may read: their own first (if they keep one), then the
    logs shared with them."""
    require(viewer, READ)
    shared = [s.owner for s in TimeLogShare.objects.filter(reader_id=viewer.pk).select_related("owner")
              .order_by("owner__username")]
    own = [viewer] if can(viewer, TIMELOG) or TimeEntry.objects.filter(owner_id=viewer.pk).exists() else []
    return own + [o for o in shared if o.pk != viewer.pk]


def shares_of(viewer: Actor) -> QuerySet[TimeLogShare]:
    """Who the viewer shared their own time log with."""
    require(viewer, READ)
    return TimeLogShare.objects.filter(owner_id=viewer.pk).select_related("reader").order_by("reader__username")


def entries_of(viewer: Actor, owner_id: int, *, since: date | None = None, until: date | None = None
               ) -> QuerySet[TimeEntry]:
    """A time log's entries; a log the viewer may not read is answered as not found."""
    require(viewer, READ)
    if not may_read_time_log(viewer, owner_id):
        raise NotFound("time log of user", owner_id)
    qs = TimeEntry.objects.filter(owner_id=owner_id)
    if since is not None:
        qs = qs.filter(week__gte=since)
    if until is not None:
        qs = qs.filter(week__lte=until)
    return qs.order_by("-week", "activity")


def entry_by_id(viewer: Actor, entry_id: int) -> TimeEntry:
    require(viewer, READ)
    entry = TimeEntry.objects.filter(pk=entry_id).first()
    if entry is None or not may_read_time_log(viewer, entry.owner_id):
        raise NotFound("time entry", entry_id)
    return entry


@dataclass(frozen=True)
class WeekSplit:
    week: date
    strategic: Decimal
    tactical: Decimal

    @property
    def label(self) -> str:
        return weeks.label(self.week)

    @property
    def total(self) -> Decimal:
        return self.strategic + self.tactical

    @property
    def strategic_share(self) -> float | None:
        return _percent(self.strategic, self.total)


@dataclass(frozen=True)
class Candidate:
    """An activity marked delegable or outsourceable, and what handing it off would do."""

    activity: str
    handoff: str
    hours: Decimal  # its hours over the window (those marked for hand-off)
    tactical_hours: Decimal  # the part that was tactical: what handing it off frees for strategy
    share_if_handed_off: float | None  # the strategic share with this one handed off
    cumulative_share: float | None  # with this one and every candidate above it handed off


@dataclass(frozen=True)
class TimeReport:
    owner_id: int
    weeks: list[WeekSplit]
    as_of: date
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def strategic(self) -> Decimal:
        return sum((w.strategic for w in self.weeks), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((w.total for w in self.weeks), Decimal(0))

    @property
    def strategic_share(self) -> float | None:
        return _percent(self.strategic, self.total)

    @property
    def first_week(self) -> str:
        return self.weeks[0].label if self.weeks else ""

    @property
    def last_week(self) -> str:
        return self.weeks[-1].label if self.weeks else ""


SHARE_FORMULA = ("strategic share = strategic hours / all hours x 100, over the weeks shown. Handing an "
                 "activity off frees its tactical hours for strategic work (all hours unchanged): share "
                 "if handed off = (strategic hours + the activity's tactical hours) / all hours x 100. Its "
                 "strategic hours, if any, are assumed to be replaced by other strategic work.")


def _split(rows: list[TimeEntry], mondays: list[date]) -> list[WeekSplit]:
    by_week: dict[date, dict[str, Decimal]] = {m: {Nature.STRATEGIC: Decimal(0), Nature.TACTICAL: Decimal(0)}
                                               for m in mondays}
    for row in rows:
        by_week[row.week][row.nature] += row.hours
    return [WeekSplit(m, by_week[m][Nature.STRATEGIC], by_week[m][Nature.TACTICAL]) for m in mondays]


def delegation_candidates(rows: list[TimeEntry], strategic: Decimal, total: Decimal) -> list[Candidate]:
    """Activities marked delegable or outsourceable, most tactical hours freed first (then most hours,
    then by name), each with the strategic share if handed off alone and together with those above it."""
    hours: dict[str, Decimal] = defaultdict(Decimal)
    tactical: dict[str, Decimal] = defaultdict(Decimal)
    handoffs: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row.handoff == Handoff.KEEP:
            continue
        hours[row.activity] += row.hours
        handoffs[row.activity].add(row.handoff)
        if row.nature == Nature.TACTICAL:
            tactical[row.activity] += row.hours
    ranked = sorted(hours, key=lambda a: (-tactical[a], -hours[a], a.lower()))
    candidates, freed = [], Decimal(0)
    for activity in ranked:
        freed += tactical[activity]
        kinds = handoffs[activity]
        handoff = Handoff.OUTSOURCEABLE if kinds == {Handoff.OUTSOURCEABLE} else Handoff.DELEGABLE
        candidates.append(Candidate(activity, str(handoff), hours[activity], tactical[activity],
                                    _percent(strategic + tactical[activity], total), _percent(strategic + freed, total)))
    return candidates


def _report(owner_id: int, count: int, today: date) -> TimeReport:
    mondays = weeks.window(today, count)
    rows = list(TimeEntry.objects.filter(owner_id=owner_id, week__gte=mondays[0], week__lte=mondays[-1]))
    split = _split(rows, mondays)
    report = TimeReport(owner_id, split, today)
    return TimeReport(owner_id, split, today, delegation_candidates(rows, report.strategic, report.total))


def time_report(viewer: Actor, owner_id: int, *, count: int = DEFAULT_WEEKS, today: date | None = None) -> TimeReport:
    """The split of a time log over the `count` ISO weeks ending with today's week, and its delegation
    candidates over the same weeks."""
    require(viewer, READ)
    if not may_read_time_log(viewer, owner_id):
        raise NotFound("time log of user", owner_id)
    return _report(owner_id, count, today or clock.today())


def ciso_strategic_share(today: date | None = None) -> TimeReport | None:
    """The scorecard's figure: the time logs of the users holding the CISO role over the last
    METRIC_WEEKS ISO weeks, added together. None when they logged no hours. The figure is an aggregate
    published to the scorecard; the entries behind it stay private to the log's owner."""
    from accord.accounts.selectors import holders_of

    today = today or clock.today()
    mondays = weeks.window(today, METRIC_WEEKS)
    owners = [u.pk for u in holders_of({"ciso"})]
    rows = list(TimeEntry.objects.filter(owner_id__in=owners, week__gte=mondays[0], week__lte=mondays[-1]))
    report = TimeReport(0, _split(rows, mondays), today)
    return report if report.total > 0 else None


# Skills and mentoring -------------------------------------------------------------------------------------

def _mentor_of(viewer: Actor, today: date) -> Q:
    return Q(mentorships__mentor_id=viewer.pk, mentorships__started_on__lte=today) & (
        Q(mentorships__ended_on__isnull=True) | Q(mentorships__ended_on__gte=today))


def plans_visible_to(viewer: Actor) -> QuerySet[SkillPlan]:
    require(viewer, READ)
    qs = SkillPlan.objects.select_related("person")
    if not can(viewer, TEAM):
        qs = qs.filter(Q(person_id=viewer.pk) | _mentor_of(viewer, clock.today())).distinct()
    return qs.order_by("person__username")


def plan_by_id(viewer: Actor, plan_id: int) -> SkillPlan:
    plan = plans_visible_to(viewer).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("skills plan", plan_id)
    return plan


def plan_of_username(viewer: Actor, username: str) -> SkillPlan:
    plan = plans_visible_to(viewer).filter(person__username=username).first()
    if plan is None:
        raise NotFound("skills plan of", username)
    return plan


def own_plan(viewer: Actor) -> SkillPlan | None:
    return SkillPlan.objects.filter(person_id=viewer.pk).select_related("person").first()


def mentees_of(viewer: Actor) -> list[SkillPlan]:
    """The plans the viewer mentors now."""
    require(viewer, READ)
    return list(SkillPlan.objects.filter(_mentor_of(viewer, clock.today())).select_related("person").distinct()
                .order_by("person__username"))


def is_mentor(viewer: Actor, plan: SkillPlan, today: date | None = None) -> bool:
    return SkillPlan.objects.filter(pk=plan.pk).filter(_mentor_of(viewer, today or clock.today())).exists()


def mentorships_of(plan: SkillPlan) -> QuerySet[Mentorship]:
    return plan.mentorships.select_related("mentor").order_by("-started_on", "pk")


def mentorship_by_id(viewer: Actor, mentorship_id: int) -> Mentorship:
    row = Mentorship.objects.filter(pk=mentorship_id).select_related("plan", "mentor").first()
    if row is None or not plans_visible_to(viewer).filter(pk=row.plan_id).exists():
        raise NotFound("mentorship", mentorship_id)
    return row


def goal_by_id(viewer: Actor, goal_id: int) -> DevelopmentGoal:
    goal = DevelopmentGoal.objects.filter(pk=goal_id).select_related("plan").first()
    if goal is None or not plans_visible_to(viewer).filter(pk=goal.plan_id).exists():
        raise NotFound("development goal", goal_id)
    return goal


def learning_of(plan: SkillPlan) -> QuerySet[LearningActivity]:
    return plan.learning.order_by("-on", "pk")


@dataclass(frozen=True)
class SkillLine:
    """One skill of a plan: the levels and the gap (target - assessed, never below 0). The assessed level
    is the mentor's where there is one (an outside view), else the person's own; None when neither."""

    key: str
    name: str
    kind: str
    target: int
    self_level: int | None
    mentor_level: int | None

    @property
    def assessed(self) -> int | None:
        return self.mentor_level if self.mentor_level is not None else self.self_level

    @property
    def gap(self) -> int | None:
        return None if self.assessed is None else max(self.target - self.assessed, 0)


def skill_lines(plan: SkillPlan) -> list[SkillLine]:
    cat = catalogue()
    order = {key: i for i, key in enumerate(cat.keys())}
    rows = sorted(plan.assessments.all(), key=lambda a: (order.get(a.skill, len(order)), a.skill))
    lines = []
    for row in rows:
        skill = cat.get(row.skill)
        lines.append(SkillLine(row.skill, skill.name if skill else row.skill, skill.kind if skill else "",
                               row.target, row.self_level, row.mentor_level))
    return lines


def assessment_of(plan: SkillPlan, skill: str) -> SkillAssessment | None:
    return plan.assessments.filter(skill=skill).first()


@dataclass(frozen=True)
class GoalsOnTrack:
    """Goals counted: open ones, and those done in the last GOAL_WINDOW_DAYS days (dropped ones never
    count). On track: done, or open and not past their due day."""

    counted: int
    on_track: int
    overdue: int
    as_of: date

    @property
    def percent(self) -> float | None:
        return None if self.counted == 0 else round(self.on_track / self.counted * 100, 1)


def goals_on_track(goals: QuerySet[DevelopmentGoal], today: date) -> GoalsOnTrack:
    since = today - timedelta(days=GOAL_WINDOW_DAYS)
    counted = goals.filter(Q(status=GoalStatus.OPEN) | Q(status=GoalStatus.DONE, completed_on__gte=since))
    done = counted.filter(status=GoalStatus.DONE).count()
    open_on_time = counted.filter(status=GoalStatus.OPEN, due_on__gte=today).count()
    overdue = counted.filter(status=GoalStatus.OPEN, due_on__lt=today).count()
    return GoalsOnTrack(counted.count(), done + open_on_time, overdue, today)


def team_goals_on_track(today: date | None = None) -> GoalsOnTrack:
    """The scorecard's figure, over every plan in the matrix."""
    return goals_on_track(DevelopmentGoal.objects.all(), today or clock.today())


def plan_goals_on_track(plan: SkillPlan, today: date | None = None) -> GoalsOnTrack:
    return goals_on_track(plan.goals.all(), today or clock.today())


@dataclass(frozen=True)
class TeamGap:
    """One skill across the team: who falls short of their target and by how much in total."""

    key: str
    name: str
    kind: str
    people_short: list[tuple[str, int]]  # (username, gap), largest gap first
    total_gap: int
    not_assessed: int

    @property
    def people(self) -> int:
        return len(self.people_short)


def team_gaps(viewer: Actor) -> list[TeamGap]:
    """Per skill of the catalogue, the gaps across every plan, largest total first (leaders only)."""
    require(viewer, TEAM)
    short: dict[str, list[tuple[str, int]]] = defaultdict(list)
    unassessed: dict[str, int] = defaultdict(int)
    for plan in SkillPlan.objects.select_related("person").prefetch_related("assessments"):
        for line in skill_lines(plan):
            if line.gap is None:
                unassessed[line.key] += 1
            elif line.gap > 0:
                short[line.key].append((plan.person.username, line.gap))
    gaps = []
    for skill in catalogue().skills:
        people = sorted(short.get(skill.key, []), key=lambda p: (-p[1], p[0]))
        gaps.append(TeamGap(skill.key, skill.name, skill.kind, people, sum(g for _, g in people),
                            unassessed.get(skill.key, 0)))
    return sorted(gaps, key=lambda g: (-g.total_gap, -g.people, g.name))


def learning_hours(plan: SkillPlan, *, since: date) -> Decimal:
    return sum((a.hours for a in plan.learning.filter(on__gte=since)), Decimal(0))


# The technology radar ----------------------------------------------------------------------------------------

def radar_entries(viewer: Actor, *, quadrant: str = "", stance: str = "") -> QuerySet[RadarEntry]:
    require(viewer, READ)
    qs = RadarEntry.objects.select_related("project", "review", "review__project", "initiative", "signoff")
    if quadrant:
        qs = qs.filter(quadrant=quadrant)
    if stance:
        qs = qs.filter(stance=stance)
    return qs.order_by("quadrant", "name")


def radar_entry_by_id(viewer: Actor, entry_id: int) -> RadarEntry:
    entry = radar_entries(viewer).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("radar entry", entry_id)
    return entry


QUADRANT_ORDER = [q.value for q in Quadrant]
RING_ORDER = [s.value for s in Stance]


@dataclass(frozen=True)
class RadarPoint:
    entry: RadarEntry
    blip: radar.Blip
    pending: bool  # drawn at its proposed ring: no stance agreed yet


def radar_points(entries: list[RadarEntry]) -> list[RadarPoint]:
    """The entries on the picture: at their agreed stance, or (hollow) at the proposed one while no
    stance is agreed. Entries with neither are left off the picture (listed below it)."""
    placed = [e for e in entries if e.stance or e.proposed_stance]
    placed.sort(key=lambda e: (QUADRANT_ORDER.index(e.quadrant), RING_ORDER.index(e.stance or e.proposed_stance),
                               e.name.lower()))
    blips = radar.place([radar.Placement(e.pk, QUADRANT_ORDER.index(e.quadrant),
                                         RING_ORDER.index(e.stance or e.proposed_stance)) for e in placed])
    return [RadarPoint(e, b, not e.stance) for e, b in zip(placed, blips, strict=True)]


def radar_document(entry: RadarEntry, viewer: Actor) -> dict[str, Any]:
    """An entry as the API and the CLI print it; links only where the viewer may follow them."""
    pending = entry.signoff is not None and entry.signoff.is_open and bool(entry.proposed_stance)
    return {
        "id": entry.pk, "name": entry.name, "quadrant": entry.quadrant, "description": entry.description,
        "prerequisites": entry.prerequisite_list(), "stance": entry.stance or None,
        "stance_agreed_on": entry.stance_agreed_on,
        "proposed_stance": (entry.proposed_stance or None) if pending else None,
        "proposal_reason": entry.proposal_reason if pending else "",
        "signoff_id": entry.signoff_id,
        "project": entry.project.slug if entry.project is not None and can(viewer, "review.read") else None,
        "review_id": entry.review_id if can(viewer, "review.read") else None,
        "initiative": (entry.initiative.slug if entry.initiative is not None and can(viewer, "portfolio.read")
                       else None),
    }
