"""Permission-scoped reads of the reviews area: projects, reviews with their clocks, the queues
(what a reviewer must act on, a project owner's reviews), the steering committee's escalations,
the metrics, the SLA policy in force and the gate's runs.

Other apps read reviews only through these: the desk calls `reviews_of_owner(viewer)` and
`queue_for(viewer)`; the steering room calls `escalations(viewer)`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accord.core.errors import NotFound
from accord.core.permissions import Actor, HasCapabilities, can, require
from accord.engine.clocks import WorkingCalendar
from accord.reviews.clocks import ReviewClock, calendar_settings, clock_of, hours_of, working_calendar
from accord.reviews.models import (
    APPROVED_STATES,
    DECIDED_STATES,
    DEFAULT_SLA_DAYS,
    OPEN_STATES,
    Condition,
    ConditionStatus,
    GateResult,
    GateRun,
    ItProject,
    PolicyStatus,
    ProjectStatus,
    Review,
    ReviewSettings,
    ReviewSlaPolicy,
    ReviewState,
    Tier,
    Transition,
)

READ = "review.read"


# Projects ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectFilter:
    q: str = ""
    status: str = ""
    classification: str = ""
    mine: bool = False


def projects_visible_to(viewer: Actor, filters: ProjectFilter | None = None) -> QuerySet[ItProject]:
    require(viewer, READ)
    filters = filters or ProjectFilter()
    qs = ItProject.objects.select_related("owner", "sponsor", "business_service")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(slug__icontains=filters.q)
                       | Q(third_party_names__icontains=filters.q))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.classification:
        qs = qs.filter(data_classification=filters.classification)
    if filters.mine:
        qs = qs.filter(_owned_by(viewer))
    return qs.order_by("name")


def _owned_by(viewer: Actor, prefix: str = "") -> Q:
    return Q(**{f"{prefix}owner__user_id": viewer.pk}) | Q(**{f"{prefix}sponsor__user_id": viewer.pk})


def project_by_key(viewer: Actor, key: str | int) -> ItProject:
    """A project by id or slug."""
    qs = projects_visible_to(viewer)
    text = str(key).strip()
    project = qs.filter(pk=int(text)).first() if text.isdecimal() and len(text) < 19 else None
    project = project or qs.filter(slug=text.lower()).first()
    if project is None:
        raise NotFound("IT project", key)
    return project


def is_project_owner(viewer: Actor, project: ItProject) -> bool:
    """Whether the viewer is the project's owner or sponsor in the people directory."""
    people = (project.owner if project.owner_id else None, project.sponsor if project.sponsor_id else None)
    return viewer.pk is not None and any(p is not None and p.user_id == viewer.pk for p in people)


def may_edit_project(viewer: Actor, project: ItProject | None) -> bool:
    """The CIO edits every project of the roadmap; another holder of review.request only the ones they
    own or sponsor."""
    if not can(viewer, "review.request"):
        return False
    return "cio" in viewer.role_names or project is None or is_project_owner(viewer, project)


# Reviews -----------------------------------------------------------------------------------------

def _with_history(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.select_related("project", "project__owner", "project__sponsor", "requested_by", "reviewer",
                             "decided_by").prefetch_related(Prefetch("transitions", Transition.objects.order_by(
                                 "at", "id")))


def reviews_visible_to(viewer: Actor, *, state: str = "", project: ItProject | None = None,
                       open_only: bool = False) -> QuerySet[Review]:
    require(viewer, READ)
    qs = _with_history(Review.objects.all())
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    if project is not None:
        qs = qs.filter(project=project)
    return qs.order_by("-requested_at", "-id")


def review_by_id(viewer: Actor, review_id: int) -> Review:
    review = reviews_visible_to(viewer).filter(pk=review_id).first()
    if review is None:
        raise NotFound("review", review_id)
    return review


def conditions_of(viewer: Actor, review: Review) -> QuerySet[Condition]:
    require(viewer, READ)
    return review.conditions.select_related("owner", "closed_by").order_by("due_on", "id")


def condition_by_id(viewer: Actor, condition_id: int) -> Condition:
    require(viewer, READ)
    condition = Condition.objects.select_related("review", "review__project", "owner").filter(pk=condition_id).first()
    if condition is None:
        raise NotFound("condition", condition_id)
    return condition


def timeline_of(viewer: Actor, review: Review) -> list[Transition]:
    require(viewer, READ)
    return list(review.transitions.select_related("actor").order_by("at", "id"))


def open_review_of(project: ItProject) -> Review | None:
    return project.reviews.filter(state__in=OPEN_STATES).order_by("-requested_at").first()


def last_decided_review(project: ItProject) -> Review | None:
    return (project.reviews.filter(state__in=DECIDED_STATES, decided_at__isnull=False)
            .order_by("-decided_at", "-id").first())


def last_approved_review(project: ItProject) -> Review | None:
    """The project's latest decided review when it approved the project (a later rejection withdraws
    the approval)."""
    review = last_decided_review(project)
    return review if review is not None and review.state in APPROVED_STATES else None


def reviewers() -> list[Any]:
    """Active users who may run reviews (hold a role with review.write): whom a review can be assigned to."""
    from accord.accounts.selectors import holders_of
    from accord.core.permissions import ROLE_CAPABILITIES

    return list(holders_of([role.value for role, caps in ROLE_CAPABILITIES.items() if "review.write" in caps]))


# Clocks and queues --------------------------------------------------------------------------------

@dataclass
class ReviewRow:
    """A review with its clock, and what the viewer would do next with it."""

    review: Review
    clock: ReviewClock
    action: str = ""
    open_conditions: int = 0
    overdue_conditions: int = 0


def clock_document(clock: ReviewClock) -> dict[str, Any]:
    """A clock as plain data (the API's and the command line's JSON): hours are business hours."""
    return {"sla_hours": clock.sla_hours, "due": clock.due, "remaining_hours": round(clock.remaining_hours, 2),
            "elapsed_hours": round(clock.elapsed_hours, 2), "breached": clock.breached, "paused": clock.paused,
            "stopped": clock.stopped, "state": clock.state}


def review_document(row: ReviewRow) -> dict[str, Any]:
    """A review with its clock as plain data (the API's and the command line's JSON)."""
    r = row.review
    return {
        "id": r.pk, "project": r.project.slug, "project_name": r.project.name, "state": r.state, "tier": r.tier,
        "suggested_tier": r.suggested_tier, "tier_reason": r.tier_reason, "sla_days": r.sla_days,
        "sla_hours": r.sla_hours, "scope": r.scope, "requested_by": r.requested_by.username,
        "requested_at": r.requested_at, "reviewer": r.reviewer.username if r.reviewer else None,
        "decided_at": r.decided_at, "decided_by": r.decided_by.username if r.decided_by else None,
        "decision_note": r.decision_note, "clock": clock_document(row.clock), "action": row.action,
    }


def rows_of(reviews: Iterable[Review], *, calendar: WorkingCalendar | None = None,
            now: datetime | None = None) -> list[ReviewRow]:
    calendar = calendar or working_calendar()
    now = now or timezone.now()
    return [ReviewRow(review, clock_of(review, calendar=calendar, now=now)) for review in reviews]


def _urgency(row: ReviewRow) -> tuple[int, float, Any]:
    return (0 if row.clock.breached else 1 if not row.clock.paused else 2, row.clock.remaining_hours,
            row.review.requested_at)


def queue(viewer: Actor, *, now: datetime | None = None) -> list[ReviewRow]:
    """Every open review with its clock: breached first, then by business hours left, paused last."""
    rows = rows_of(reviews_visible_to(viewer, open_only=True), now=now)
    return sorted(rows, key=_urgency)


NEXT_STEP = {ReviewState.REQUESTED: "triage it", ReviewState.TRIAGED: "start the review or decide",
             ReviewState.IN_REVIEW: "decide", ReviewState.WAITING: "answer the reviewer's question"}


def queue_for(viewer: Actor, *, now: datetime | None = None) -> list[ReviewRow]:
    """What the viewer must act on: as a reviewer (review.write), the open reviews not waiting on their
    requester that are assigned to them or to no one; as a requester (review.request), the reviews
    waiting on them (they asked for it, or own or sponsor the project). Most urgent first."""
    if not can(viewer, READ):
        return []
    reviews = reviews_visible_to(viewer, open_only=True)
    wanted = Q(pk__in=[])
    if can(viewer, "review.write"):
        wanted |= Q(state__in=(ReviewState.REQUESTED, ReviewState.TRIAGED, ReviewState.IN_REVIEW)) & (
            Q(reviewer__isnull=True) | Q(reviewer_id=viewer.pk))
    if can(viewer, "review.request"):
        wanted |= Q(state=ReviewState.WAITING) & (Q(requested_by_id=viewer.pk) | _owned_by(viewer, "project__"))
    rows = rows_of(reviews.filter(wanted), now=now)
    for row in rows:
        row.action = NEXT_STEP[ReviewState(row.review.state)]
    return sorted(rows, key=_urgency)


def reviews_of_owner(viewer: Actor, *, now: datetime | None = None, limit: int = 50) -> list[ReviewRow]:
    """A project owner's reviews with their clocks: of the projects they own or sponsor, or that they
    asked for. Open ones first (most urgent first), then decided ones with open conditions, then the
    rest, newest first."""
    if not can(viewer, READ):
        return []
    reviews = list(reviews_visible_to(viewer).filter(Q(requested_by_id=viewer.pk) | _owned_by(viewer, "project__"))
                   .prefetch_related("conditions")[:limit])
    rows = rows_of(reviews, now=now)
    today = timezone.localdate(now or timezone.now())
    for row in rows:
        open_ones = [c for c in row.review.conditions.all() if c.status == ConditionStatus.OPEN]
        row.open_conditions = len(open_ones)
        row.overdue_conditions = sum(1 for c in open_ones if c.due_on < today)
        if row.review.state == ReviewState.WAITING:
            row.action = NEXT_STEP[ReviewState.WAITING]
        elif row.open_conditions:
            row.action = f"{row.open_conditions} open condition{'s' if row.open_conditions != 1 else ''}"
    open_rows = sorted((r for r in rows if r.review.is_open), key=_urgency)
    with_conditions = [r for r in rows if not r.review.is_open and r.open_conditions]
    rest = [r for r in rows if not r.review.is_open and not r.open_conditions]
    return open_rows + with_conditions + rest


def open_conditions_of_owner(viewer: Actor) -> QuerySet[Condition]:
    """Open conditions whose owner is the viewer's entry in the directory, earliest due first."""
    require(viewer, READ)
    return (Condition.objects.filter(status=ConditionStatus.OPEN, owner__user_id=viewer.pk)
            .select_related("review", "review__project").order_by("due_on", "id"))


# Escalations: the steering committee's queue -------------------------------------------------------

@dataclass(frozen=True)
class Escalation:
    kind: str  # "rejected" or "overdue"
    review: Review
    reason: str
    since: datetime | None
    url: str

    @property
    def project(self) -> ItProject:
        return self.review.project


def escalations(viewer: Actor, *, now: datetime | None = None) -> list[Escalation]:
    """What goes to the steering committee's queue: the open reviews past their SLA, and the rejected
    reviews that still stand (the project's latest review, the project not cancelled). Overdue first,
    most overdue first; then rejections, newest first."""
    require(viewer, READ)
    overdue = [row for row in queue(viewer, now=now) if row.clock.breached]
    found = [Escalation("overdue", row.review,
                        f"{row.review.get_tier_display()} open past its {row.clock.sla_hours:g} business-hour SLA by "
                        f"{-row.clock.remaining_hours:.1f} business hours ({row.review.get_state_display().lower()})",
                        None, f"/reviews/{row.review.pk}/") for row in overdue]
    latest = Review.objects.filter(project=OuterRef("project")).order_by("-requested_at", "-id").values("pk")[:1]
    rejected = (reviews_visible_to(viewer, state=ReviewState.REJECTED)
                .exclude(project__status=ProjectStatus.CANCELLED)
                .annotate(latest=Subquery(latest)).filter(latest=F("pk"))  # asked again since: the new one counts
                .order_by("-decided_at", "-id"))
    for review in rejected:
        by = review.decided_by.get_full_name() if review.decided_by else "the reviewer"
        found.append(Escalation("rejected", review, f"rejected by {by or review.decided_by}: "
                                f"{review.decision_note[:200]}", review.decided_at, f"/reviews/{review.pk}/"))
    return found


# Metrics ------------------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks (numpy's default):
    the median of [10, 20, 30, 40] is 25, its 90th percentile 37."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class TierFigures:
    tier: str
    label: str
    sla_days: Decimal
    sla_hours: float
    decided: int = 0
    met: int = 0
    open: int = 0
    open_breached: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def counted(self) -> int:
        """Reviews the attainment is counted on: decided ones, and open ones already past due."""
        return self.decided + self.open_breached

    @property
    def attainment(self) -> float | None:
        """Share (percent) decided within the SLA, of the decided and the open already past due."""
        return round(100.0 * self.met / self.counted, 1) if self.counted else None

    @property
    def median_hours(self) -> float | None:
        return percentile(self.hours, 50)


@dataclass
class Metrics:
    tiers: list[TierFigures]
    reviews: int
    decided: int
    median_hours: float | None  # time to decision, business hours, pauses left out
    p90_hours: float | None
    open: int
    queue_median_hours: float | None  # age of the open reviews, business hours on the clock
    queue_oldest_hours: float | None
    reworked: int
    since: date | None = None

    @property
    def attainment(self) -> float | None:
        met = sum(t.met for t in self.tiers)
        counted = sum(t.counted for t in self.tiers)
        return round(100.0 * met / counted, 1) if counted else None

    @property
    def rework_rate(self) -> float | None:
        return round(100.0 * self.reworked / self.reviews, 1) if self.reviews else None


def is_rework(review: Review, earlier_rejection: bool) -> bool:
    """Rework: the review went back to its requester more than once, or it asks again for a project
    whose earlier review was rejected."""
    waits = sum(1 for t in review.transitions.all() if t.to_state == ReviewState.WAITING)
    return waits > 1 or earlier_rejection


def metrics(viewer: Actor, *, since: date | None = None, until: date | None = None,
            now: datetime | None = None) -> Metrics:
    """SLA attainment per tier, time to decision (median, 90th percentile), queue age and rework rate
    of the reviews requested since `since` and up to `until` (days, inclusive; all when None). Times
    are business hours on the clock (the pauses waiting on the requester left out)."""
    reviews = reviews_visible_to(viewer).order_by("requested_at", "id")
    days, _ = sla_days_in_force()
    row = calendar_settings()
    figures = {t.value: TierFigures(t.value, t.label, days[t.value], hours_of(days[t.value], row)) for t in Tier}
    calendar = working_calendar(row)
    now = now or timezone.now()
    rejected_before: dict[int, datetime] = {}
    decided_hours: list[float] = []
    queue_hours: list[float] = []
    total = reworked = 0
    for review in reviews:
        earlier = rejected_before.get(review.project_id)
        if review.state == ReviewState.REJECTED and review.decided_at is not None:
            rejected_before.setdefault(review.project_id, review.decided_at)
        requested_on = timezone.localdate(review.requested_at)
        if (since is not None and requested_on < since) or (until is not None and requested_on > until):
            continue
        total += 1
        reworked += is_rework(review, earlier is not None and earlier <= review.requested_at)
        clock = clock_of(review, calendar=calendar, now=now)
        tier = figures[review.tier]
        if review.state in DECIDED_STATES:
            tier.decided += 1
            tier.met += not clock.breached
            tier.hours.append(clock.elapsed_hours)
            decided_hours.append(clock.elapsed_hours)
        else:
            tier.open += 1
            tier.open_breached += clock.breached
            queue_hours.append(clock.elapsed_hours)
    return Metrics(tiers=list(figures.values()), reviews=total, decided=len(decided_hours),
                   median_hours=percentile(decided_hours, 50), p90_hours=percentile(decided_hours, 90),
                   open=len(queue_hours), queue_median_hours=percentile(queue_hours, 50),
                   queue_oldest_hours=max(queue_hours) if queue_hours else None, reworked=reworked, since=since)


# The SLA policy and the calendar --------------------------------------------------------------------

def active_policy() -> ReviewSlaPolicy | None:
    return ReviewSlaPolicy.objects.filter(status=PolicyStatus.ACTIVE).order_by("-confirmed_at", "-id").first()


def sla_days_in_force() -> tuple[dict[str, Decimal], ReviewSlaPolicy | None]:
    """Business days per tier in force (the agreed policy, else the defaults), and the policy row."""
    row = active_policy()
    return (row.days() if row is not None else dict(DEFAULT_SLA_DAYS)), row


@dataclass(frozen=True)
class PolicyState:
    days: dict[str, Decimal]
    hours: dict[str, float]
    hours_per_day: float
    active: ReviewSlaPolicy | None
    pending: ReviewSlaPolicy | None
    history: list[ReviewSlaPolicy]
    settings: ReviewSettings


def sla_policy_state(viewer: HasCapabilities) -> PolicyState:
    from accord.reviews.clocks import hours_per_day

    require(viewer, READ)
    days, active = sla_days_in_force()
    row = calendar_settings()
    pending = ReviewSlaPolicy.objects.filter(status=PolicyStatus.PROPOSED).order_by("-proposed_at").first()
    history = list(ReviewSlaPolicy.objects.select_related("proposed_by", "confirmed_by")
                   .order_by("-proposed_at", "-id")[:20])
    return PolicyState(days, {t: hours_of(d, row) for t, d in days.items()}, hours_per_day(row), active, pending,
                       history, row)


def sla_policy_by_id(viewer: HasCapabilities, policy_id: int) -> ReviewSlaPolicy:
    require(viewer, READ)
    policy = ReviewSlaPolicy.objects.select_related("signoff").filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("review SLA policy", policy_id)
    return policy


# The pipeline gate ----------------------------------------------------------------------------------

def gate_runs_of(viewer: Actor, project: ItProject) -> QuerySet[GateRun]:
    require(viewer, READ)
    return project.gate_runs.select_related("actor", "review").order_by("-at", "-id")


def gate_baseline(project: ItProject, review: Review | None) -> GateRun | None:
    """The latest passing run since the review approved the project: a result it did not have is new."""
    if review is None:
        return None
    return (GateRun.objects.filter(project=project, review=review, result=GateResult.PASS)
            .order_by("-at", "-id").first())
