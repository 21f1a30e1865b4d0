"""Every write of the steering committee: members, meetings and minutes, building the agenda from
the other areas, hand-added items, decisions on the log with their follow-up actions, the overdue
notices, and rendering the steering pack. Keyword-only arguments, an acting user, one transaction
and an audit row each; bad input is refused with the field named and nothing written."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core import audit, clock, crud
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, require
from accord.steering import selectors
from accord.steering.agenda import BUILDERS, Candidate
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
    Seat,
    Source,
    SteeringPack,
)

WRITE, DECIDE = "steering.write", "steering.decide"
MAX_TEXT = 5000
MAX_FIGURES = 20


def _text(name: str, value: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.field(name, "required")
    if len(text) > limit:
        raise ValidationFailed.field(name, f"at most {limit:,} characters")
    if "\x00" in text:
        raise ValidationFailed.field(name, "must not contain NUL characters")
    return text


def _active_user(name: str, user: Any) -> Any:
    if user is None or not getattr(user, "is_active", False):
        raise ValidationFailed.field(name, "must be an active user")
    return user


# Members -----------------------------------------------------------------------------------------------

@transaction.atomic
def add_member(*, actor: Actor, user: Any, seat: str, business_service: Any = None) -> Member:
    """Give a user a seat. A business-unit representative names the business service they speak for;
    the CIO's and the CISO's seats name none. One active seat per user."""
    require(actor, WRITE)
    _active_user("user", user)
    if seat not in Seat.values:
        raise ValidationFailed.field("seat", f"one of {', '.join(Seat.values)}")
    if seat == Seat.BUSINESS_UNIT and business_service is None:
        raise ValidationFailed.field("business_service", "a business-unit representative names their business service")
    if seat != Seat.BUSINESS_UNIT and business_service is not None:
        raise ValidationFailed.field("business_service", f"only a business-unit representative names one, not the "
                                                         f"{Seat(seat).label}")
    if Member.objects.filter(user=user, active=True).exists():
        raise ValidationFailed.field("user", f"{user} already has a seat on the committee")
    member = Member.objects.create(user=user, seat=seat, business_service=business_service)
    audit.record(actor, "steering_member.added", member, after=audit.snapshot(member))
    return member


@transaction.atomic
def remove_member(*, actor: Actor, member: Member) -> Member:
    """The member leaves the committee (kept, inactive, so past attendance still reads)."""
    require(actor, WRITE)
    if not member.active:
        raise ValidationFailed.field("member", f"{member} has already left the committee")
    return crud.update_row(actor=actor, instance=member, capability=WRITE, changes={"active": False})


# Meetings ------------------------------------------------------------------------------------------------

@transaction.atomic
def schedule_meeting(*, actor: Actor, title: str, starts_at: datetime, location: str = "") -> Meeting:
    require(actor, WRITE)
    if starts_at is None or timezone.is_naive(starts_at):
        raise ValidationFailed.field("starts_at", "give a date and time with its time zone")
    meeting = Meeting.objects.create(title=_text("title", title, required=True, limit=200), starts_at=starts_at,
                                     location=_text("location", location, limit=200), created_by_id=actor.pk)
    audit.record(actor, "steering_meeting.scheduled", meeting, after=audit.snapshot(meeting))
    return meeting


@transaction.atomic
def record_minutes(*, actor: Actor, meeting: Meeting, minutes: str, attendees: Sequence[Any]) -> Meeting:
    """The meeting took place: who attended (committee members, past or present) and the minutes."""
    require(actor, WRITE)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not selectors.meeting_has_started(meeting):
        raise ValidationFailed.field("starts_at", f"the meeting starts at {meeting.starts_at:%Y-%m-%d %H:%M %Z}: "
                                                  "record its minutes once it has taken place")
    text = _text("minutes", minutes, required=True, limit=50_000)
    strangers = [str(u) for u in attendees if not selectors.is_member(u)]
    if strangers:
        raise ValidationFailed.field("attendees", f"not on the committee: {', '.join(strangers)}")
    if not attendees:
        raise ValidationFailed.field("attendees", "name at least one attendee")
    before = {**audit.snapshot(meeting), "attendees": sorted(meeting.attendees.values_list("pk", flat=True))}
    meeting.minutes, meeting.status = text, MeetingStatus.HELD
    meeting.save(update_fields=["minutes", "status", "updated_at"])
    meeting.attendees.set(attendees)
    after = {**audit.snapshot(meeting), "attendees": sorted(u.pk for u in attendees)}
    audit.record_change(actor, "steering_meeting.minutes_recorded", meeting, before, after)
    return meeting


# The agenda ------------------------------------------------------------------------------------------------

@dataclass
class BuildReport:
    """What a build did: items added, refreshed, resolved (gone from their source) and reopened,
    per source; sources that could not answer are named and their items left as they were."""

    added: int = 0
    refreshed: int = 0
    resolved: int = 0
    reopened: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.added} added, {self.refreshed} refreshed, {self.resolved} resolved, "
                f"{self.reopened} reopened")


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationFailed.field("meeting", f"{meeting} was held: its agenda is closed")


def _figures(candidate: Candidate) -> list[list[str]]:
    return [[label, value] for label, value in candidate.figures]


def _apply(actor: Actor, meeting: Meeting, existing: AgendaItem | None, candidate: Candidate, today: date,
           report: BuildReport) -> None:
    fields = {"title": candidate.title[:300], "reason": candidate.reason, "url": candidate.url[:300],
              "figures": _figures(candidate)}
    if existing is None:
        item = AgendaItem.objects.create(meeting=meeting, source=candidate.source, source_key=candidate.key,
                                         as_of=today, raised_on=today, **fields)
        audit.record(actor, "agenda_item.added", item, after=audit.snapshot(item))
        report.added += 1
        return
    if existing.status == ItemStatus.DECIDED:
        return  # decided: it keeps the figures it was decided on
    before = audit.snapshot(existing)
    reopened = existing.status == ItemStatus.RESOLVED
    changed = any(getattr(existing, k) != v for k, v in fields.items())
    if not changed and not reopened:
        return
    for key, value in fields.items():
        setattr(existing, key, value)
    existing.as_of, existing.status, existing.resolved_on = today, ItemStatus.OPEN, None
    existing.save()
    audit.record_change(actor, "agenda_item.reopened" if reopened else "agenda_item.refreshed", existing, before,
                        audit.snapshot(existing))
    if reopened:
        report.reopened += 1
    else:
        report.refreshed += 1


def _resolve_gone(actor: Actor, items: list[AgendaItem], today: date, report: BuildReport) -> None:
    for item in items:
        if item.status != ItemStatus.OPEN:
            continue
        before = audit.snapshot(item)
        item.status, item.resolved_on = ItemStatus.RESOLVED, today
        item.save(update_fields=["status", "resolved_on", "updated_at"])
        audit.record_change(actor, "agenda_item.resolved", item, before, audit.snapshot(item))
        report.resolved += 1


@transaction.atomic
def build_agenda(*, actor: Actor, meeting: Meeting) -> BuildReport:
    """Build (or rebuild) a scheduled meeting's agenda from every source. A matter already on the
    agenda is refreshed, not added twice; an open item whose matter left its source is marked
    resolved (and reopened should it come back); decided and hand-added items are left alone."""
    require(actor, WRITE)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_scheduled(meeting)
    today, report = clock.today(), BuildReport()
    items = {i.source_key: i for i in AgendaItem.objects.filter(meeting=meeting).exclude(source=Source.MANUAL)}
    for source, build in BUILDERS.items():
        candidates = build(actor, today)
        report.by_source[source] = len(candidates)
        seen = set()
        for candidate in candidates:
            if candidate.key in seen:
                continue
            seen.add(candidate.key)
            _apply(actor, meeting, items.get(candidate.key), candidate, today, report)
        _resolve_gone(actor, [i for key, i in items.items() if i.source == source and key not in seen], today, report)
    meeting.agenda_built_at = timezone.now()
    meeting.save(update_fields=["agenda_built_at", "updated_at"])
    audit.record(actor, "steering_meeting.agenda_built", meeting, after={
        "added": report.added, "refreshed": report.refreshed, "resolved": report.resolved,
        "reopened": report.reopened, "by_source": report.by_source})
    return report


def _checked_figures(figures: Sequence[Sequence[str]]) -> list[list[str]]:
    if len(figures) > MAX_FIGURES:
        raise ValidationFailed.field("figures", f"at most {MAX_FIGURES} figures")
    checked = []
    for index, pair in enumerate(figures):
        if len(pair) != 2:
            raise ValidationFailed.field(f"figures[{index}]", "give a label and a figure with its unit")
        label = _text(f"figures[{index}].label", str(pair[0]), required=True, limit=120)
        value = _text(f"figures[{index}].value", str(pair[1]), required=True, limit=200)
        checked.append([label, value])
    return checked


@transaction.atomic
def add_item(*, actor: Actor, meeting: Meeting, title: str, reason: str = "", url: str = "",
             figures: Sequence[Sequence[str]] = (), raised_on: date | None = None) -> AgendaItem:
    """Add a matter by hand (the sources cannot see everything). `raised_on`: the day it came to the
    committee when it is written down later (not after today); today when not given."""
    require(actor, WRITE)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_scheduled(meeting)
    today = clock.today()
    if raised_on is not None and raised_on > today:
        raise ValidationFailed.field("raised_on", f"cannot be after today ({today})")
    link = _text("url", url, limit=300)
    if link and not link.startswith("/") and not link.startswith("https://"):
        raise ValidationFailed.field("url", "a path in Accord (/...) or an https:// address")
    title = _text("title", title, required=True, limit=300)
    digest = hashlib.sha256(f"{meeting.pk}:{title}:{timezone.now().isoformat()}".encode()).hexdigest()[:16]
    item = AgendaItem.objects.create(
        meeting=meeting, source=Source.MANUAL, source_key=f"manual:{digest}", title=title,
        reason=_text("reason", reason), url=link, figures=_checked_figures(figures), as_of=today,
        raised_on=raised_on or today, added_by_id=actor.pk)
    audit.record(actor, "agenda_item.added", item, after=audit.snapshot(item))
    return item


@transaction.atomic
def announce_agenda(*, actor: Actor, meeting: Meeting) -> int:
    """Tell every member the agenda is ready (Event.STEERING_AGENDA); returns how many were told."""
    from accord.notifications.models import Event
    from accord.notifications.services import notify

    require(actor, WRITE)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_scheduled(meeting)
    if meeting.agenda_built_at is None:
        raise ValidationFailed.field("meeting", "build the agenda first")
    count = selectors.items_of(actor, meeting, status=ItemStatus.OPEN).count()
    recipients = selectors.member_users(actor)
    notify(event=Event.STEERING_AGENDA, recipients=recipients,
           title=f"Agenda ready: {meeting.title} on {clock.day_of(meeting.starts_at):%Y-%m-%d}",
           body=f"{count} item{'s' if count != 1 else ''} for the committee.",
           url=f"/steering/meetings/{meeting.pk}/", payload={"meeting": meeting.pk, "items": count})
    meeting.agenda_announced_at = timezone.now()
    meeting.save(update_fields=["agenda_announced_at", "updated_at"])
    audit.record(actor, "steering_meeting.agenda_announced", meeting,
                 after={"items": count, "recipients": sorted(u.username for u in recipients)})
    return len(recipients)


# Decisions and follow-up actions --------------------------------------------------------------------------

@dataclass(frozen=True)
class FollowUpDraft:
    title: str
    owner: Any
    due_on: date


def _check_follow_up(index: str, title: str, owner: Any, due_on: date | None) -> str:
    text = _text(f"{index}title", title, required=True, limit=300)
    _active_user(f"{index}owner", owner)
    if due_on is None:
        raise ValidationFailed.field(f"{index}due_on", "required")
    return text


def _create_follow_up(actor: Actor, decision: Any, title: str, owner: Any, due_on: date) -> FollowUp:
    action = FollowUp.objects.create(decision=decision, title=title, owner=owner, due_on=due_on,
                                     created_by_id=actor.pk)
    audit.record(actor, "follow_up.added", action, after=audit.snapshot(action))
    return action


def _options(labels: Sequence[str]) -> list[str]:
    options = [_text(f"options[{k}]", label, required=True, limit=300) for k, label in enumerate(labels)]
    if len(options) > 10:
        raise ValidationFailed.field("options", "at most 10 options")
    return options


@transaction.atomic
def decide(*, actor: Actor, item: AgendaItem, question: str, outcome: str, rationale: str = "",
           options: Sequence[str] = (), refer_to_board: bool = False, reverses_id: int | None = None,
           follow_ups: Sequence[FollowUpDraft] = ()) -> selectors.CommitteeDecision:
    """Record the committee's decision on an agenda item on the append-only decision log. The item's
    figures go with it: each option carries them, and the decision keeps them as it was taken on.
    A second decision on an item must say which one it reverses (`reverses_id`)."""
    from accord.governance import services as governance

    require(actor, DECIDE)
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    previous = selectors.latest_decision_of(item)
    if previous is not None and reverses_id != previous.decision_id:
        raise ValidationFailed.field("reverses_id", f"this item was decided (decision #{previous.decision_id}); "
                                                    "a new decision reverses it: give reverses_id "
                                                    f"{previous.decision_id}")
    if previous is None and reverses_id is not None:
        raise ValidationFailed.field("reverses_id", "this item has no decision to reverse")
    if item.status == ItemStatus.RESOLVED:
        raise ValidationFailed.field("item", "this matter left its source (resolved outside the committee)")
    labels = _options(options)
    problems = []
    for k, draft in enumerate(follow_ups):
        try:
            _check_follow_up(f"follow_ups[{k}].", draft.title, draft.owner, draft.due_on)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    figures = dict(item.figure_pairs)
    reverses = None
    if previous is not None:
        from accord.governance import selectors as governance_selectors

        reverses = governance_selectors.decision_by_id(actor, previous.decision_id)
    decision = governance.record_decision(
        actor=actor, question=question, outcome=outcome, rationale=rationale,
        options=[{"label": label, "figures": figures} for label in labels],
        figures={"as_of": item.as_of, "source": item.source, **figures}, subject=item,
        url=f"/steering/meetings/{item.meeting_id}/#item-{item.pk}", reverses=reverses)
    now = timezone.now()
    written_up_after = previous is None and selectors.meeting_has_started(item.meeting, now)
    taken_on = clock.day_of(item.meeting.starts_at) if written_up_after else clock.day_of(now)
    link = ItemDecision.objects.create(item=item, decision=decision, referred_to_board=refer_to_board,
                                       taken_on=taken_on, recorded_at=now)
    audit.record(actor, "committee_decision.recorded", link, after={
        "decision": decision.pk, "item": item.pk, "meeting": item.meeting_id, "referred_to_board": refer_to_board,
        "taken_on": taken_on})
    if previous is None:
        before = audit.snapshot(item)
        item.status, item.resolved_on = ItemStatus.DECIDED, taken_on
        item.save(update_fields=["status", "resolved_on", "updated_at"])
        audit.record_change(actor, "agenda_item.decided", item, before, audit.snapshot(item))
    actions = [_create_follow_up(actor, decision, draft.title.strip(), draft.owner, draft.due_on)
               for draft in follow_ups]
    return selectors.CommitteeDecision(link, decision, actions)


@transaction.atomic
def add_follow_up(*, actor: Actor, decision_id: int, title: str, owner: Any, due_on: date) -> FollowUp:
    """An action a decision on the log calls for, with its owner and due date (any decision on the
    log: the committee's, or a retrospective's)."""
    from accord.governance import selectors as governance

    require(actor, DECIDE)
    decision = governance.decision_by_id(actor, decision_id)
    text = _check_follow_up("", title, owner, due_on)
    return _create_follow_up(actor, decision, text, owner, due_on)


@transaction.atomic
def close_follow_up(*, actor: Actor, follow_up: FollowUp, note: str = "") -> FollowUp:
    """The action is done: by its owner, or by whoever records the committee's decisions."""
    if getattr(actor, "pk", None) != follow_up.owner_id:
        require(actor, DECIDE)
    action = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if action.status != FollowUpStatus.OPEN:
        raise ValidationFailed.field("status", f"already done on {clock.day_of(action.closed_at):%Y-%m-%d}"
                                     if action.closed_at else "already done")
    before = audit.snapshot(action)
    action.status, action.closed_by_id, action.closed_at = FollowUpStatus.DONE, actor.pk, timezone.now()
    action.closing_note = _text("note", note)
    action.save()
    audit.record_change(actor, "follow_up.closed", action, before, audit.snapshot(action))
    return action


@transaction.atomic
def notify_overdue_follow_ups(*, actor: Actor, today: date | None = None) -> int:
    """Tell each owner of an open action past its due date, once per action (the daily tick)."""
    from accord.notifications.models import Event
    from accord.notifications.services import notify

    today = today or clock.today()
    due = list(FollowUp.objects.select_for_update().select_related("owner").filter(
        status=FollowUpStatus.OPEN, due_on__lt=today, overdue_notified_on__isnull=True).order_by("due_on", "id"))
    for action in due:
        notify(event=Event.STEERING_ACTION, recipients=[action.owner],
               title=f"Overdue steering action: {action.title}"[:300],
               body=f"Due on {action.due_on}; {(today - action.due_on).days} day(s) late.",
               url="/steering/actions/", payload={"follow_up": action.pk, "due_on": action.due_on})
        action.overdue_notified_on = today
        action.save(update_fields=["overdue_notified_on", "updated_at"])
        audit.record(actor, "follow_up.overdue_notified", action, after={"due_on": action.due_on, "today": today})
    return len(due)


# Settings ---------------------------------------------------------------------------------------------------

@transaction.atomic
def update_settings(*, actor: Actor, **changes: Any) -> CommitteeSettings:
    unknown = set(changes) - {"breach_threshold", "kev_breach_threshold"}
    if unknown:
        raise ValidationFailed([Problem(name, "unknown setting") for name in sorted(unknown)])
    for name, value in changes.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1_000_000:
            raise ValidationFailed.field(name, "a whole number of findings from 1 to 1,000,000")
    return crud.update_row(actor=actor, instance=CommitteeSettings.current(), capability=WRITE, changes=changes)


# The steering pack --------------------------------------------------------------------------------------------

@transaction.atomic
def render_pack(*, actor: Actor, meeting: Meeting) -> SteeringPack:
    """Print the meeting's steering pack to PDF (a job calls this) and keep it with the document it
    was printed from."""
    from accord.steering.pack import pack_pdf

    require(actor, WRITE)
    document = selectors.pack_document(actor, meeting)
    pdf = pack_pdf(document)
    pack = SteeringPack.objects.create(meeting=meeting, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                                       document=audit.to_primitive(document), created_at=timezone.now(),
                                       created_by_id=actor.pk)
    audit.record(actor, "steering_pack.rendered", pack, after={"meeting": meeting.pk, "sha256": pack.sha256,
                                                                "items": document["item_count"]})
    return pack
