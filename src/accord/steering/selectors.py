"""Permission-scoped reads of the steering committee, and the contracts other apps call: the
escalations of a period (the partnership review) and the decisions requested from the board (the
board pack). Every figure the agenda page, the pack, the API and the command line show comes from
`pack_document` or the rows read here, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accord.core import clock
from accord.core.errors import NotFound
from accord.core.permissions import HasCapabilities, ScheduledReader, require
from accord.steering.models import (
    AgendaItem,
    CommitteeSettings,
    FollowUp,
    FollowUpStatus,
    ItemDecision,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Member,
    Source,
    SteeringPack,
)

READ = "steering.read"


# Members and meetings --------------------------------------------------------------------------------

def members_visible_to(viewer: HasCapabilities, *, active_only: bool = True) -> QuerySet[Member]:
    require(viewer, READ)
    qs = Member.objects.select_related("user", "business_service")
    return qs.filter(active=True) if active_only else qs


def member_by_id(viewer: HasCapabilities, member_id: int) -> Member:
    found = members_visible_to(viewer, active_only=False).filter(pk=member_id).first()
    if found is None:
        raise NotFound("member", member_id)
    return found


def member_users(viewer: HasCapabilities) -> list[Any]:
    """The users who sit on the committee now (whom an agenda is sent to)."""
    return [m.user for m in members_visible_to(viewer)]


def is_member(user: Any) -> bool:
    """Whether the user holds, or once held, a seat (who may be listed as attending)."""
    return user is not None and Member.objects.filter(user_id=user.pk).exists()


def meetings_visible_to(viewer: HasCapabilities, *, status: str = "") -> QuerySet[Meeting]:
    require(viewer, READ)
    qs = Meeting.objects.prefetch_related("attendees")
    return qs.filter(status=status) if status else qs


def meeting_by_id(viewer: HasCapabilities, meeting_id: int) -> Meeting:
    found = meetings_visible_to(viewer).filter(pk=meeting_id).first()
    if found is None:
        raise NotFound("meeting", meeting_id)
    return found


def next_meeting(viewer: HasCapabilities) -> Meeting | None:
    """The earliest meeting still scheduled (not held yet): the one the agenda and the pack are for."""
    return meetings_visible_to(viewer, status=MeetingStatus.SCHEDULED).order_by("starts_at", "id").first()


def committee_settings(viewer: HasCapabilities) -> CommitteeSettings:
    require(viewer, READ)
    return CommitteeSettings.current()


# The agenda ------------------------------------------------------------------------------------------

def items_of(viewer: HasCapabilities, meeting: Meeting, *, status: str = "") -> QuerySet[AgendaItem]:
    require(viewer, READ)
    qs = AgendaItem.objects.filter(meeting=meeting)
    return qs.filter(status=status) if status else qs


def item_by_id(viewer: HasCapabilities, item_id: int) -> AgendaItem:
    require(viewer, READ)
    found = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
    if found is None:
        raise NotFound("agenda item", item_id)
    return found


SOURCE_ORDER = list(Source.values)


@dataclass(frozen=True)
class SourceGroup:
    source: str
    label: str
    items: list[AgendaItem]


def grouped(items: list[AgendaItem]) -> list[SourceGroup]:
    """Items grouped by source, in the order of `Source` (acceptances first, hand-added last)."""
    by_source: dict[str, list[AgendaItem]] = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    labels = dict(Source.choices)
    return [SourceGroup(s, str(labels[s]), by_source[s]) for s in SOURCE_ORDER if s in by_source]


# Decisions -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommitteeDecision:
    """A decision on the log with the agenda item it answered, and its follow-up actions."""

    link: ItemDecision
    decision: Any  # governance.Decision
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def item(self) -> AgendaItem:
        return self.link.item

    @property
    def referred_to_board(self) -> bool:
        return self.link.referred_to_board

    @property
    def day(self) -> date:
        """The day the committee took it (a past meeting's day when written up afterwards)."""
        return decision_day(self.link)


def _decisions_by_id(viewer: HasCapabilities, ids: list[int]) -> dict[int, Any]:
    from accord.governance import selectors as governance

    return {d.pk: d for d in governance.decisions_visible_to(viewer).filter(pk__in=ids)}


def committee_decisions(viewer: HasCapabilities, *, meeting: Meeting | None = None,
                        item: AgendaItem | None = None) -> list[CommitteeDecision]:
    """The committee's decisions, newest first (of a meeting or an item when given)."""
    require(viewer, READ)
    links = ItemDecision.objects.select_related("item", "item__meeting").order_by("-recorded_at", "-id")
    if meeting is not None:
        links = links.filter(item__meeting=meeting)
    if item is not None:
        links = links.filter(item=item)
    rows = list(links)
    decisions = _decisions_by_id(viewer, [link.decision_id for link in rows])
    follow_ups: dict[int, list[FollowUp]] = {}
    for action in FollowUp.objects.filter(decision_id__in=decisions).select_related("owner", "closed_by"):
        follow_ups.setdefault(action.decision_id, []).append(action)
    return [CommitteeDecision(link, decisions[link.decision_id], follow_ups.get(link.decision_id, []))
            for link in rows if link.decision_id in decisions]


def committee_decision_by_id(viewer: HasCapabilities, decision_id: int) -> CommitteeDecision:
    """One committee decision by its id on the decision log."""
    require(viewer, READ)
    link = ItemDecision.objects.select_related("item", "item__meeting").filter(decision_id=decision_id).first()
    if link is None:
        raise NotFound("committee decision", decision_id)
    decision = _decisions_by_id(viewer, [decision_id])[decision_id]
    actions = list(FollowUp.objects.filter(decision_id=decision_id).select_related("owner", "closed_by"))
    return CommitteeDecision(link, decision, actions)


def latest_decision_of(item: AgendaItem) -> ItemDecision | None:
    return ItemDecision.objects.filter(item=item).order_by("-recorded_at", "-id").first()


# Follow-up actions -------------------------------------------------------------------------------------

def follow_ups_visible_to(viewer: HasCapabilities, *, status: str = "", owner: Any = None,
                          overdue_on: date | None = None) -> QuerySet[FollowUp]:
    """Follow-up actions, soonest due first; `overdue_on` keeps the open ones due before that day."""
    require(viewer, READ)
    qs = FollowUp.objects.select_related("owner", "closed_by")
    if status:
        qs = qs.filter(status=status)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if overdue_on is not None:
        qs = qs.filter(status=FollowUpStatus.OPEN, due_on__lt=overdue_on)
    return qs.order_by("due_on", "id")


def follow_up_by_id(viewer: HasCapabilities, follow_up_id: int) -> FollowUp:
    found = follow_ups_visible_to(viewer).filter(pk=follow_up_id).first()
    if found is None:
        raise NotFound("follow-up", follow_up_id)
    return found


def is_overdue(action: FollowUp, today: date | None = None) -> bool:
    return action.status == FollowUpStatus.OPEN and action.due_on < (today or clock.today())


# The steering pack -------------------------------------------------------------------------------------

def _item_document(item: AgendaItem) -> dict[str, Any]:
    return {"id": item.pk, "source": item.source, "source_key": item.source_key, "title": item.title,
            "reason": item.reason, "url": item.url, "status": item.status, "raised_on": item.raised_on,
            "as_of": item.as_of, "figures": [{"label": label, "value": value} for label, value in item.figure_pairs]}


def _partnership(viewer: HasCapabilities) -> dict[str, Any]:
    from accord.metrics import selectors as metrics

    quarters = metrics.partnership_quarters(viewer, count=4)
    return {"quarters": [
        {"quarter": q.quarter, "url": q.url, "figures": [{"label": label, "value": value} for label, value in q.figures]}
        for q in quarters]}


def pack_document(viewer: HasCapabilities, meeting: Meeting) -> dict[str, Any]:
    """The steering pack of a meeting as one JSON-able document: its open agenda items grouped by
    source with their figures, the open follow-up actions, and the partnership trend. The page, the
    API, the command line and the PDF all show this document."""
    require(viewer, READ)
    today = clock.today()
    items = list(items_of(viewer, meeting, status=ItemStatus.OPEN))
    actions = list(follow_ups_visible_to(viewer, status=FollowUpStatus.OPEN))
    return {
        "meeting": {"id": meeting.pk, "title": meeting.title, "starts_at": meeting.starts_at,
                    "location": meeting.location, "status": meeting.status},
        "as_of": today,
        "item_count": len(items),
        "sections": [{"source": g.source, "label": g.label, "items": [_item_document(i) for i in g.items]}
                     for g in grouped(items)],
        "follow_ups": [{"id": a.pk, "title": a.title, "owner": str(a.owner), "due_on": a.due_on,
                        "overdue": is_overdue(a, today), "decision_id": a.decision_id} for a in actions],
        "partnership": _partnership(viewer),
    }


def packs_of(viewer: HasCapabilities, meeting: Meeting) -> QuerySet[SteeringPack]:
    require(viewer, READ)
    return SteeringPack.objects.filter(meeting=meeting).defer("pdf").select_related("created_by")


def pack_by_id(viewer: HasCapabilities, pack_id: int) -> SteeringPack:
    require(viewer, READ)
    found = SteeringPack.objects.select_related("meeting", "created_by").filter(pk=pack_id).first()
    if found is None:
        raise NotFound("steering pack", pack_id)
    return found


# Contracts for other apps -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Escalation:
    """A matter raised to the committee and the day it was resolved (None: still open)."""

    title: str
    source: str
    raised_on: date
    resolved_on: date | None
    url: str


def escalations_between(start: date, end: date) -> list[Escalation]:
    """Matters that came to the committee's agenda between `start` and `end` (inclusive), once each
    however many meetings they were on: raised on the first day they came, resolved on the first day
    a decision answered them or they left their source. For the partnership review."""
    matters: dict[str, list[AgendaItem]] = {}
    for item in AgendaItem.objects.select_related("meeting").order_by("raised_on", "id"):
        matters.setdefault(item.source_key, []).append(item)
    found = []
    for items in matters.values():
        raised = min(i.raised_on for i in items)
        if not start <= raised <= end:
            continue
        resolved = [i.resolved_on for i in items if i.resolved_on is not None and i.status != ItemStatus.OPEN]
        first = items[0]
        found.append(Escalation(first.title, first.source, raised, min(resolved) if resolved else None,
                                first.url or f"/steering/meetings/{first.meeting_id}/"))
    return sorted(found, key=lambda e: (e.raised_on, e.title))


@dataclass(frozen=True)
class BoardRequest:
    """A decision the committee asks the board to take."""

    question: str
    background: str
    options: tuple[str, ...]
    recommendation: str
    url: str


def decisions_requested_from_board(start: date, end: date) -> list[BoardRequest]:
    """Committee decisions referred to the board on a day between `start` and `end` (inclusive) and
    not reversed since, oldest first."""
    links = list(ItemDecision.objects.filter(referred_to_board=True).select_related("item")
                 .order_by("recorded_at", "id"))
    decisions = _decisions_by_id(ScheduledReader(), [link.decision_id for link in links])
    reversed_ids = {d.reverses_id for d in _all_reversals(list(decisions))}
    found = []
    for link in links:
        decision = decisions.get(link.decision_id)
        if decision is None or decision.pk in reversed_ids or not start <= decision_day(link) <= end:
            continue
        item = link.item
        figures = "; ".join(f"{label}: {value}" for label, value in item.figure_pairs)
        background = " ".join(part for part in (item.reason, f"Figures as of {item.as_of}: {figures}." if figures
                                                 else "") if part)
        found.append(BoardRequest(decision.question, background,
                                  tuple(str(o.get("label", "")) for o in decision.options or []),
                                  decision.outcome, f"/steering/meetings/{item.meeting_id}/#item-{item.pk}"))
    return found


def _all_reversals(ids: list[int]) -> list[Any]:
    from accord.governance import selectors as governance

    return list(governance.decisions_visible_to(ScheduledReader()).filter(reverses_id__in=ids))


def decision_day(link: ItemDecision) -> date:
    """The day a committee decision counts as taken (see `ItemDecision.taken_on`)."""
    return link.taken_on


def meeting_has_started(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.starts_at <= (now or timezone.now())


# People a seat or an action can go to -------------------------------------------------------------------

def assignable_users() -> QuerySet[Any]:
    """Active users holding a role: who may hold a seat or own a follow-up action."""
    from accord.accounts.selectors import holders_of
    from accord.core.permissions import Role

    return holders_of(Role.values)


def assignable_user(field_name: str, username: str) -> Any:
    """The active user with this username, or a refusal naming the field."""
    from accord.core.errors import ValidationFailed

    user = assignable_users().filter(username=username).first()
    if user is None:
        raise ValidationFailed.field(field_name, f"no active user named {username!r}")
    return user


def decision_document(row: CommitteeDecision) -> dict[str, Any]:
    """A committee decision as the API and the command line give it (CommitteeDecisionOut)."""
    d = row.decision
    return {"id": d.pk, "item_id": row.item.pk, "meeting_id": row.item.meeting_id, "question": d.question,
            "options": d.options or [], "outcome": d.outcome, "rationale": d.rationale, "figures": d.figures or {},
            "decided_by": d.decided_by.username, "decided_at": d.decided_at, "decided_on": d.decided_on,
            "taken_on": row.link.taken_on,
            "reverses_id": d.reverses_id, "referred_to_board": row.referred_to_board, "follow_ups": row.follow_ups}
