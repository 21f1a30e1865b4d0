"""Every write of the incident room. Each takes keyword arguments and the acting user, runs in one
transaction, appends to the incident's timeline where the incident's story changes, and leaves an
audit row.

- `open_incident`, `update_incident`, `change_phase`, `add_note`;
- `write_update`: a structured executive update (facts, judgements with ICD 203 likelihood and
  confidence, unknowns, impact as 90% intervals, decisions needed, actions, next update time);
- `mark_regulator_notified`: a report sent to a regulator, which starts the later deadlines;
- `record_incident_decision` (on the governance decision log), `add_action`, `close_action`;
- `save_review`, `add_lesson`: the post-incident review with its lessons and actions;
- `start_exercise`: a tabletop exercise from a built-in scenario, with its first update written;
- `update_settings`: the cadence per severity and the regimes that bind the organisation;
- `announce_overdue_updates`, `announce_near_deadlines`: scheduled, once per due moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core import audit
from accord.core.crud import validate
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, require
from accord.incidents import cadence, regulatory, selectors
from accord.incidents.briefing import when
from accord.incidents.models import (
    CONTAINED_PHASES,
    REGIME_FLAGS,
    Action,
    ActionStatus,
    Confidence,
    EventKind,
    ExecutiveUpdate,
    Fact,
    Incident,
    IncidentSettings,
    Judgement,
    Lesson,
    Likelihood,
    Phase,
    PostIncidentReview,
    Severity,
    TimelineEvent,
)
from accord.notifications.models import Event
from accord.notifications.services import notify
from accord.org.models import Asset, BusinessService, Person

WRITE = "incident.write"
MAX_TEXT = 4000
MAX_ITEMS = 40
CLOCK_SKEW = timedelta(minutes=5)  # a moment this far in the future is still "now" (clocks differ)
LEADERS = ("ciso", "cio")

INCIDENT_FIELDS = ("title", "summary", "severity", "commander", "began_at", "detected_at", "reported_at",
                   "contained_at", "resolved_at", "aware_at", "personal_data", "nis2_entity", "material",
                   "materiality_determined_at", "dora_major", "dora_classified_at")


# Helpers ---------------------------------------------------------------------------------------

def _text(field: str, value: Any, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field, "required")
    if len(text) > limit or "\x00" in text:
        raise ValidationFailed.field(field, f"at most {limit:,} characters, no NUL characters")
    return text


def _lines(field: str, values: Iterable[Any] | str | None) -> list[str]:
    """Non-empty lines (a list, or text with one item per line)."""
    if values is None:
        return []
    items = values.splitlines() if isinstance(values, str) else list(values)
    lines = [_text(f"{field}[{k}]", v, limit=1000) for k, v in enumerate(items)]
    lines = [line.lstrip("-*\u2022 ").strip() for line in lines]
    lines = [line for line in lines if line]
    if len(lines) > MAX_ITEMS:
        raise ValidationFailed.field(field, f"at most {MAX_ITEMS} items")
    return lines


def _not_future(field: str, moment: datetime | None, now: datetime) -> None:
    if moment is None:
        return
    if timezone.is_naive(moment):
        raise ValidationFailed.field(field, "give a time zone")
    if moment > now + CLOCK_SKEW:
        raise ValidationFailed.field(field, "must not be in the future")


def _event(incident: Incident, kind: str, actor: Actor | None, text: str = "", *, at: datetime | None = None,
           data: Mapping[str, Any] | None = None, update: ExecutiveUpdate | None = None) -> TimelineEvent:
    now = timezone.now()
    return TimelineEvent.objects.create(incident=incident, kind=kind, at=at or now, recorded_at=now,
                                        author_id=getattr(actor, "pk", None), text=text,
                                        data=audit.to_primitive(dict(data or {})), update=update)


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _refresh(original: Incident, saved: Incident) -> Incident:
    """The caller's copy of the incident shows what was saved (the service worked on a locked copy)."""
    if original is not saved:
        original.refresh_from_db()
        getattr(original, "_prefetched_objects_cache", {}).clear()
    return saved


def _snapshot(incident: Incident) -> dict[str, Any]:
    data = audit.snapshot(incident, exclude=("overdue_notified_for", "deadlines_announced"))
    if incident.pk is not None:
        data["services"] = sorted(incident.services.values_list("pk", flat=True))
        data["assets"] = sorted(incident.assets.values_list("pk", flat=True))
    return data


def _url(incident: Incident) -> str:
    return f"/incidents/{incident.pk}/"


def _label(incident: Incident) -> str:
    prefix = "EXERCISE: " if incident.exercise else ""
    return f"{prefix}{incident.reference} (severity {incident.severity}) {incident.title}"


def _leaders_and_commander(incident: Incident, *, also: Iterable[Any] = ()) -> list[Any]:
    from accord.accounts.selectors import holders_of

    people = {u.pk: u for u in holders_of(list(LEADERS))}
    commander = incident.commander.user if incident.commander is not None else None
    for user in [commander, *also]:
        if user is not None:
            people[user.pk] = user
    return list(people.values())


def _check_services(services: Iterable[BusinessService] | None, assets: Iterable[Asset] | None) -> None:
    for field, rows, model in (("services", services, BusinessService), ("assets", assets, Asset)):
        for row in rows or ():
            if not isinstance(row, model) or row.pk is None:
                raise ValidationFailed.field(field, f"not a saved {model._meta.verbose_name}: {row!r}")


# Incidents -------------------------------------------------------------------------------------

@transaction.atomic
def open_incident(
    *,
    actor: Actor,
    title: str,
    severity: int,
    detected_at: datetime,
    reported_at: datetime | None = None,
    summary: str = "",
    services: Sequence[BusinessService] = (),
    assets: Sequence[Asset] = (),
    commander: Person | None = None,
    began_at: datetime | None = None,
    aware_at: datetime | None = None,
    personal_data: bool = False,
    nis2_entity: bool = False,
    material: bool = False,
    materiality_determined_at: datetime | None = None,
    dora_major: bool = False,
    dora_classified_at: datetime | None = None,
    exercise: bool = False,
    scenario: str = "",
    phase: str = Phase.DETECT,
) -> Incident:
    """Declare an incident. Severity 1 and 2 are announced to the CISO, the CIO and the commander."""
    require(actor, WRITE)
    now = timezone.now()
    reported_at = reported_at or now
    for field, moment in (("detected_at", detected_at), ("reported_at", reported_at), ("began_at", began_at),
                          ("aware_at", aware_at), ("materiality_determined_at", materiality_determined_at),
                          ("dora_classified_at", dora_classified_at)):
        _not_future(field, moment, now)
    if phase not in Phase.values or phase == Phase.CLOSED:
        raise ValidationFailed.field("phase", "an incident opens in detect, analyse, contain, eradicate or recover")
    _check_services(services, assets)
    incident = Incident(
        title=_text("title", title, required=True, limit=200), summary=_text("summary", summary),
        severity=severity, phase=phase, commander=commander, began_at=began_at, detected_at=detected_at,
        reported_at=reported_at, aware_at=aware_at, severity_set_at=reported_at, personal_data=personal_data,
        nis2_entity=nis2_entity, material=material, materiality_determined_at=materiality_determined_at,
        dora_major=dora_major, dora_classified_at=dora_classified_at, exercise=exercise, scenario=scenario,
        created_by_id=actor.pk)
    validate(incident)
    incident.save()
    incident.services.set(services)
    incident.assets.set(assets)
    _event(incident, EventKind.OPENED, actor, f"{'Exercise' if exercise else 'Incident'} opened at "
           f"{Severity(incident.severity).label.lower()}", at=reported_at,
           data={"severity": incident.severity, "phase": incident.phase})
    audit.record(actor, "incident.opened", incident, after=_snapshot(incident))
    if not exercise and incident.severity <= Severity.SEV2:
        notify(event=Event.INCIDENT_OPENED, recipients=_leaders_and_commander(incident),
               title=f"Incident opened: {_label(incident)}", body=incident.summary, url=_url(incident),
               payload={"incident": incident.pk, "severity": incident.severity, "exercise": incident.exercise})
    return incident


@transaction.atomic
def update_incident(*, actor: Actor, incident: Incident, **changes: Any) -> Incident:
    """Change an incident's details: title, severity, services and assets, commander, moments, flags.

    A new severity restarts the update cadence (its first note is due from now). The phase changes
    through `change_phase`; whether it is an exercise is fixed when it is opened."""
    require(actor, WRITE)
    unknown = set(changes) - set(INCIDENT_FIELDS) - {"services", "assets"}
    if unknown:
        raise ValidationFailed([Problem(field=name, message="cannot be changed here") for name in sorted(unknown)])
    original, incident = incident, _lock(incident)
    before = _snapshot(incident)
    now = timezone.now()
    services, assets = changes.pop("services", None), changes.pop("assets", None)
    _check_services(services, assets)
    old_severity = incident.severity
    for name, value in changes.items():
        if name.endswith("_at"):
            _not_future(name, value, now)
        if name in ("title", "summary"):
            value = _text(name, value, required=name == "title", limit=200 if name == "title" else MAX_TEXT)
        if name in set(REGIME_FLAGS.values()):
            value = bool(value)
        setattr(incident, name, value)
    if incident.severity != old_severity:
        incident.severity_set_at = now
    validate(incident)
    incident.save()
    if services is not None:
        incident.services.set(services)
    if assets is not None:
        incident.assets.set(assets)
    after = _snapshot(incident)
    changed = sorted(k for k in after if before.get(k) != after.get(k) and k != "severity_set_at")
    if incident.severity != old_severity:
        _event(incident, EventKind.SEVERITY, actor, f"Severity {old_severity} \u2192 {incident.severity}",
               data={"from": old_severity, "to": incident.severity})
    others = [k for k in changed if k != "severity"]
    if others:
        _event(incident, EventKind.CHANGE, actor, "Changed: " + ", ".join(k.replace("_", " ") for k in others),
               data={"before": {k: before.get(k) for k in others}, "after": {k: after.get(k) for k in others}})
    audit.record_change(actor, "incident.updated", incident, before, after)
    return _refresh(original, incident)


@transaction.atomic
def change_phase(*, actor: Actor, incident: Incident, phase: str, at: datetime | None = None,
                 note: str = "") -> Incident:
    """Move the incident to a phase. Moving past containment marks it contained, closing it marks it
    resolved (at `at`, default now), unless those moments were given already."""
    require(actor, WRITE)
    if phase not in Phase.values:
        raise ValidationFailed.field("phase", f"one of {', '.join(Phase.values)}")
    original, incident = incident, _lock(incident)
    if phase == incident.phase:
        raise ValidationFailed.field("phase", f"the incident is already in {Phase(phase).label.lower()}")
    now = timezone.now()
    at = at or now
    _not_future("at", at, now)
    note = _text("note", note)
    before = _snapshot(incident)
    previous = incident.phase
    incident.phase = phase
    if phase in CONTAINED_PHASES and incident.contained_at is None:
        incident.contained_at = at
    if phase == Phase.CLOSED and incident.resolved_at is None:
        incident.resolved_at = at
    validate(incident)
    incident.save()
    text = f"{Phase(previous).label} \u2192 {Phase(phase).label}" + (f": {note}" if note else "")
    _event(incident, EventKind.PHASE, actor, text, at=at, data={"from": previous, "to": phase})
    audit.record_change(actor, "incident.phase_changed", incident, before, _snapshot(incident))
    return _refresh(original, incident)


@transaction.atomic
def add_note(*, actor: Actor, incident: Incident, text: str, at: datetime | None = None) -> TimelineEvent:
    """A note on the timeline (an observation, a step taken); `at` when it happened, default now."""
    require(actor, WRITE)
    now = timezone.now()
    _not_future("at", at, now)
    event = _event(incident, EventKind.NOTE, actor, _text("text", text, required=True), at=at or now)
    audit.record(actor, "incident.note_added", incident, after={"event": event.pk, "text": event.text,
                                                                "at": event.at})
    return event


# Executive updates ---------------------------------------------------------------------------------

def _interval(field: str, value: Any, *, integer: bool = False) -> tuple[Decimal, Decimal] | None:
    """A 90% interval (low, high): both given, not negative, low at most high; None when absent."""
    if value is None:
        return None
    try:
        low, high = value
    except (TypeError, ValueError):
        raise ValidationFailed.field(field, "give a low and a high end (a 90% interval)") from None
    if low is None and high is None:
        return None
    if low is None or high is None:
        raise ValidationFailed.field(field, "give both ends of the 90% interval, or neither")
    try:
        low, high = Decimal(str(low)), Decimal(str(high))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.field(field, "numbers, please") from None
    if not (low.is_finite() and high.is_finite()) or low < 0:
        raise ValidationFailed.field(field, "the low end must be zero or more")
    if high < low:
        raise ValidationFailed.field(field, "the high end must not be below the low end")
    if high > Decimal("1e13"):
        raise ValidationFailed.field(field, "too large")
    if integer and (low != low.to_integral_value() or high != high.to_integral_value()):
        raise ValidationFailed.field(field, "whole numbers")
    return low, high


def _judgements(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    checked, problems = [], []
    if len(items) > MAX_ITEMS:
        raise ValidationFailed.field("judgements", f"at most {MAX_ITEMS}")
    terms = ", ".join(f"{t.value} ({t.label})" for t in Likelihood)
    for k, item in enumerate(items):
        statement = str(item.get("statement") or "").strip()
        likelihood = str(item.get("likelihood") or "").strip()
        confidence = str(item.get("confidence") or "").strip()
        basis = str(item.get("basis") or "").strip()
        if not (statement or likelihood or confidence or basis):
            continue  # an empty row of a form
        where = f"judgements[{k}]"
        if not statement:
            problems.append(Problem(f"{where}.statement", "say what is judged"))
        if likelihood not in Likelihood.values:
            problems.append(Problem(f"{where}.likelihood", f"a judgement needs its estimative term: one of {terms}"))
        if confidence not in Confidence.values:
            problems.append(Problem(f"{where}.confidence",
                                    f"a judgement needs a confidence level: one of {', '.join(Confidence.values)}"))
        if not basis:
            problems.append(Problem(f"{where}.basis", "say what the judgement rests on"))
        for name, value in (("statement", statement), ("basis", basis)):
            if len(value) > 2000 or "\x00" in value:
                problems.append(Problem(f"{where}.{name}", "at most 2,000 characters, no NUL characters"))
        checked.append({"statement": statement, "likelihood": likelihood, "confidence": confidence, "basis": basis})
    if problems:
        raise ValidationFailed(problems)
    return checked


def _actions(items: Sequence[Mapping[str, Any]], now: datetime) -> list[dict[str, Any]]:
    checked = []
    if len(items) > MAX_ITEMS:
        raise ValidationFailed.field("actions", f"at most {MAX_ITEMS}")
    for k, item in enumerate(items):
        text = str(item.get("text") or "").strip()
        owner, due = item.get("owner"), item.get("due")
        if not text and owner is None and due is None:
            continue
        if not text:
            raise ValidationFailed.field(f"actions[{k}].text", "say what is to be done")
        if len(text) > 500 or "\x00" in text:
            raise ValidationFailed.field(f"actions[{k}].text", "at most 500 characters, no NUL characters")
        if owner is not None and (not isinstance(owner, Person) or owner.pk is None):
            raise ValidationFailed.field(f"actions[{k}].owner", "a person of the directory")
        if due is not None and timezone.is_naive(due):
            raise ValidationFailed.field(f"actions[{k}].due", "give a time zone")
        checked.append({"text": text, "owner": owner, "due": due})
    return checked


@transaction.atomic
def write_update(
    *,
    actor: Actor,
    incident: Incident,
    bottom_line: str,
    facts: Iterable[str] | str = (),
    judgements: Sequence[Mapping[str, Any]] = (),
    unknowns: Iterable[str] | str = (),
    decisions_needed: Iterable[str] | str = (),
    records: tuple[Any, Any] | None = None,
    downtime_hours: tuple[Any, Any] | None = None,
    other_cost: tuple[Any, Any] | None = None,
    cost_note: str = "",
    actions: Sequence[Mapping[str, Any]] = (),
    next_update_at: datetime | None = None,
) -> ExecutiveUpdate:
    """A structured executive update. Facts stay apart from judgements; each judgement carries an ICD
    203 likelihood, a confidence level and its basis; impact figures are 90% intervals, the downtime
    cost taken from the affected services' cost per hour. The next update time defaults to the
    severity's interval and may not be later than it."""
    require(actor, WRITE)
    incident = _lock(incident)
    now = timezone.now()
    settings = IncidentSettings.current()
    bottom_line = _text("bottom_line", bottom_line, required=True, limit=2000)
    fact_lines, unknown_lines = _lines("facts", facts), _lines("unknowns", unknowns)
    decision_lines = _lines("decisions_needed", decisions_needed)
    checked_judgements = _judgements(judgements)
    records_interval = _interval("records", records, integer=True)
    downtime_interval = _interval("downtime_hours", downtime_hours)
    cost_interval = _interval("other_cost", other_cost)
    checked_actions = _actions(actions, now)
    cost_note = _text("cost_note", cost_note, limit=300)
    if next_update_at is None and incident.phase != Phase.CLOSED:
        next_update_at = cadence.default_next(incident, settings, now)
    if next_update_at is not None:
        if timezone.is_naive(next_update_at):
            raise ValidationFailed.field("next_update_at", "give a time zone")
        if next_update_at <= now:
            raise ValidationFailed.field("next_update_at", "must be in the future")
        latest_allowed = cadence.latest_allowed_next(incident, settings, now)
        if latest_allowed is not None and next_update_at > latest_allowed + CLOCK_SKEW:
            _first, every = settings.cadence(incident.severity)
            raise ValidationFailed.field("next_update_at", f"a severity-{incident.severity} incident is updated at "
                                         f"least every {every // 60} h {every % 60:02d} min (incident settings): "
                                         "no later than that")
    per_hour, by_service = selectors.affected_cost_per_hour(incident)
    last = ExecutiveUpdate.objects.filter(incident=incident).order_by("-number").values_list("number", flat=True).first()
    update = ExecutiveUpdate(
        incident=incident, number=(last or 0) + 1, bottom_line=bottom_line, unknowns=unknown_lines,
        decisions_needed=decision_lines,
        records_low=int(records_interval[0]) if records_interval else None,
        records_high=int(records_interval[1]) if records_interval else None,
        downtime_hours_low=downtime_interval[0] if downtime_interval else None,
        downtime_hours_high=downtime_interval[1] if downtime_interval else None,
        other_cost_low=cost_interval[0] if cost_interval else None,
        other_cost_high=cost_interval[1] if cost_interval else None,
        cost_note=cost_note, currency=selectors.organisation_currency(),
        cost_per_hour=Decimal(str(round(per_hour, 2))), cost_per_hour_by_service=by_service,
        severity=incident.severity, phase=incident.phase, next_update_at=next_update_at, author_id=actor.pk,
        created_at=now)
    validate(update)
    update.save()
    Fact.objects.bulk_create([Fact(update=update, position=k, text=t) for k, t in enumerate(fact_lines)])
    Judgement.objects.bulk_create([Judgement(update=update, position=k, **j) for k, j in enumerate(checked_judgements)])
    for item in checked_actions:
        Action.objects.create(incident=incident, update=update, **item)
    _event(incident, EventKind.UPDATE, actor, bottom_line, at=now, update=update,
           data={"number": update.number, "next_update_at": next_update_at})
    audit.record(actor, "incident.update_written", update, after={
        "incident": incident.pk, "number": update.number, "bottom_line": bottom_line, "facts": fact_lines,
        "judgements": checked_judgements, "unknowns": unknown_lines, "decisions_needed": decision_lines,
        "records": records_interval, "downtime_hours": downtime_interval, "other_cost": cost_interval,
        "cost_per_hour": update.cost_per_hour, "currency": update.currency, "next_update_at": next_update_at,
        "actions": [{**a, "owner": getattr(a["owner"], "pk", None)} for a in checked_actions]})
    author = getattr(actor, "pk", None)
    recipients = [u for u in _leaders_and_commander(incident) if u.pk != author]
    notify(event=Event.INCIDENT_UPDATE, recipients=recipients,
           title=f"Update #{update.number}: {_label(incident)}", body=bottom_line, url=f"{_url(incident)}briefing/",
           payload={"incident": incident.pk, "update": update.number, "exercise": incident.exercise})
    return update


# Regulators, decisions, actions --------------------------------------------------------------------

@transaction.atomic
def mark_regulator_notified(*, actor: Actor, incident: Incident, regime: str, deadline: str,
                            at: datetime | None = None, authority: str = "", reference: str = "",
                            note: str = "") -> TimelineEvent:
    """A report was sent to a regulator (`deadline`: the report's key in the regime, e.g. NIS2's early
    warning). It meets that deadline and gives the moment the later ones count from."""
    require(actor, WRITE)
    incident = _lock(incident)
    now = timezone.now()
    at = at or now
    _not_future("at", at, now)
    if at < incident.detected_at - timedelta(days=1):
        raise ValidationFailed.field("at", "before the incident was detected")
    if regime not in REGIME_FLAGS:
        raise ValidationFailed.field("regime", f"one of {', '.join(sorted(REGIME_FLAGS))}")
    if not getattr(incident, REGIME_FLAGS[regime]):
        raise ValidationFailed.field("regime", f"the incident is not flagged for {regime.upper()} "
                                     f"({REGIME_FLAGS[regime].replace('_', ' ')})")
    choices = dict(regulatory.report_choices(regime, at=at))
    if deadline not in choices:
        raise ValidationFailed.field("deadline", f"one of {', '.join(choices)} for {regime.upper()}")
    authority, reference = _text("authority", authority, limit=200), _text("reference", reference, limit=200)
    note = _text("note", note)
    label = f"{regulatory.regime_name(regime)}: {choices[deadline]}"
    text = f"{label} sent" + (f" to {authority}" if authority else "") + (f" (ref. {reference})" if reference else "")
    event = _event(incident, EventKind.REGULATOR, actor, text + (f". {note}" if note else ""), at=at,
                   data={"regime": regime, "deadline": deadline, "label": choices[deadline], "authority": authority,
                         "reference": reference})
    audit.record(actor, "incident.regulator_notified", incident, after={
        "regime": regime, "deadline": deadline, "at": at, "authority": authority, "reference": reference})
    return event


@transaction.atomic
def record_incident_decision(*, actor: Actor, incident: Incident, question: str, outcome: str,
                             rationale: str = "") -> TimelineEvent:
    """A decision taken during the incident (often one the CIO or the executives were asked for): on
    the governance decision log, and on the timeline."""
    from accord.governance import services as governance

    require(actor, WRITE)
    decision = governance.record_decision(actor=actor, question=question, outcome=outcome, rationale=rationale,
                                          subject=incident, url=_url(incident),
                                          figures={"severity": incident.severity, "phase": incident.phase})
    return _event(incident, EventKind.DECISION, actor, f"{decision.question} \u2192 {decision.outcome}",
                  data={"decision": decision.pk})


def _owner(owner: Any) -> Person | None:
    if owner is not None and (not isinstance(owner, Person) or owner.pk is None):
        raise ValidationFailed.field("owner", "a person of the directory")
    return owner


@transaction.atomic
def add_action(*, actor: Actor, incident: Incident, text: str, owner: Person | None = None,
               due: datetime | None = None, lesson: Lesson | None = None) -> Action:
    require(actor, WRITE)
    if due is not None and timezone.is_naive(due):
        raise ValidationFailed.field("due", "give a time zone")
    if lesson is not None and lesson.review.incident_id != incident.pk:
        raise ValidationFailed.field("lesson", "a lesson of this incident's review")
    action = Action(incident=incident, text=_text("text", text, required=True, limit=500), owner=_owner(owner),
                    due=due, lesson=lesson)
    validate(action)
    action.save()
    audit.record(actor, "incident.action_added", action, after=audit.snapshot(action))
    return action


@transaction.atomic
def close_action(*, actor: Actor, action: Action, status: str = ActionStatus.DONE, note: str = "") -> Action:
    """Close an action as done or dropped (a dropped one says why)."""
    require(actor, WRITE)
    action = Action.objects.select_for_update().select_related("incident").get(pk=action.pk)
    if status not in (ActionStatus.DONE, ActionStatus.DROPPED):
        raise ValidationFailed.field("status", "done or dropped")
    if action.status != ActionStatus.OPEN:
        raise ValidationFailed.field("status", f"the action is already {action.status}")
    note = _text("note", note, required=status == ActionStatus.DROPPED, limit=500)
    before = audit.snapshot(action)
    action.status, action.closed_at, action.closed_by_id, action.closing_note = status, timezone.now(), actor.pk, note
    action.save()
    _event(action.incident, EventKind.ACTION, actor, f"Action {status}: {action.text}" + (f" ({note})" if note else ""),
           data={"action": action.pk, "status": status})
    audit.record_change(actor, "incident.action_closed", action, before, audit.snapshot(action))
    return action


# The post-incident review --------------------------------------------------------------------------

@transaction.atomic
def save_review(*, actor: Actor, incident: Incident, held_on: date, summary: str, root_cause: str = "",
                went_well: str = "", to_improve: str = "") -> PostIncidentReview:
    """Write (or revise) the post-incident review; the incident must be recovering or closed."""
    require(actor, WRITE)
    incident = _lock(incident)
    if incident.phase not in (Phase.RECOVER, Phase.CLOSED):
        raise ValidationFailed.field("phase", "a post-incident review follows recovery: the incident is in "
                                     f"{Phase(incident.phase).label.lower()}")
    fields = {"held_on": held_on, "summary": _text("summary", summary, required=True),
              "root_cause": _text("root_cause", root_cause), "went_well": _text("went_well", went_well),
              "to_improve": _text("to_improve", to_improve)}
    review = PostIncidentReview.objects.filter(incident=incident).first()
    if review is None:
        review = PostIncidentReview(incident=incident, author_id=actor.pk, **fields)
        validate(review)
        review.save()
        _event(incident, EventKind.REVIEW, actor, f"Post-incident review held on {held_on}", data={"review": review.pk})
        audit.record(actor, "incident.review_written", review, after=audit.snapshot(review))
        return review
    before = audit.snapshot(review)
    for name, value in fields.items():
        setattr(review, name, value)
    validate(review)
    review.save()
    audit.record_change(actor, "incident.review_revised", review, before, audit.snapshot(review))
    return review


@transaction.atomic
def add_lesson(*, actor: Actor, review: PostIncidentReview, text: str,
               actions: Sequence[Mapping[str, Any]] = ()) -> Lesson:
    """A lesson learned, with the actions that follow from it (tracked to closure)."""
    require(actor, WRITE)
    now = timezone.now()
    lesson = Lesson.objects.create(review=review, text=_text("text", text, required=True, limit=2000))
    for item in _actions(actions, now):
        Action.objects.create(incident_id=review.incident_id, lesson=lesson, **item)
    audit.record(actor, "incident.lesson_added", lesson, after={"review": review.pk, "text": lesson.text,
                                                                "actions": len(actions)})
    return lesson


# Tabletop exercises ----------------------------------------------------------------------------------

def _scenario_services(actor: Actor, hint: str) -> list[BusinessService]:
    from accord.core.permissions import can
    from accord.org import selectors as org_selectors

    if not hint or not can(actor, "org.read"):
        return []
    ranked = org_selectors.services_visible_to(actor).order_by("criticality_tier", "-downtime_cost_per_hour", "name")
    if hint != "core":
        for word in hint.split(","):
            found = ranked.filter(name__icontains=word.strip()).first()
            if found is not None:
                return [found]
    core = ranked.first()
    return [core] if core is not None else []


@transaction.atomic
def start_exercise(*, actor: Actor, scenario: str, commander: Person | None = None) -> Incident:
    """A tabletop exercise from a built-in scenario, opened now with its first update written, so the
    team starts from a realistic briefing. Exercises are labelled as such everywhere and never counted."""
    require(actor, WRITE)
    found = selectors.scenario_by_key(scenario)
    now = timezone.now()
    incident = open_incident(
        actor=actor, title=found.title, severity=found.severity, summary=found.summary, detected_at=now,
        reported_at=now, services=_scenario_services(actor, found.services), commander=commander,
        exercise=True, scenario=found.key, phase=found.phase,
        personal_data=bool(found.flags.get("personal_data")), nis2_entity=bool(found.flags.get("nis2_entity")),
        material=bool(found.flags.get("material")), dora_major=bool(found.flags.get("dora_major")))
    if found.injects:
        _event(incident, EventKind.NOTE, actor, "Injects for the facilitator: " + " | ".join(found.injects),
               at=now, data={"injects": found.injects})
    prefill = found.update
    impact = prefill.get("impact", {})
    write_update(
        actor=actor, incident=incident, bottom_line=prefill["bottom_line"], facts=prefill.get("facts", []),
        judgements=prefill.get("judgements", []), unknowns=prefill.get("unknowns", []),
        decisions_needed=prefill.get("decisions_needed", []), records=impact.get("records"),
        downtime_hours=impact.get("downtime_hours"), other_cost=impact.get("other_cost"),
        cost_note=impact.get("cost_note", ""),
        actions=[{"text": a["text"], "owner": commander, "due": now + timedelta(hours=float(a.get("due_hours", 4)))}
                 for a in prefill.get("actions", [])])
    return incident


# Settings ------------------------------------------------------------------------------------------

SETTINGS_FIELDS = (*(f"sev{s}_{k}_minutes" for s in (1, 2, 3, 4) for k in ("first", "every")),
                   "regimes", "deadline_notice_hours")


@transaction.atomic
def update_settings(*, actor: Actor, **changes: Any) -> IncidentSettings:
    require(actor, WRITE)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed([Problem(field=name, message="unknown setting") for name in sorted(unknown)])
    row = IncidentSettings.objects.select_for_update().get(pk=IncidentSettings.current().pk)
    before = audit.snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    validate(row)
    row.save()
    audit.record_change(actor, "incident_settings.updated", row, before, audit.snapshot(row))
    return row


# Scheduled: overdue updates and near deadlines -----------------------------------------------------

@transaction.atomic
def announce_overdue_updates(*, actor: Actor, now: datetime | None = None) -> int:
    """Tell the commander, the incident's author and the CISO and CIO once about each executive update
    that is overdue (once per due moment: a later update that is late again is announced again)."""
    from accord.accounts.selectors import holders_of

    now = now or timezone.now()
    settings = IncidentSettings.current()
    announced = 0
    for incident in Incident.objects.select_for_update(of=("self",)).select_related("commander__user", "created_by").exclude(
            phase=Phase.CLOSED):
        status = selectors.update_status(incident, settings=settings, now=now)
        if not status.overdue or status.due is None or incident.overdue_notified_for == status.due:
            continue
        recipients = {u.pk: u for u in holders_of(["ciso"])}
        for user in (incident.created_by, incident.commander.user if incident.commander else None):
            if user is not None:
                recipients[user.pk] = user
        late = regulatory.duration_text(now - status.due)
        sent = notify(event=Event.INCIDENT_UPDATE_OVERDUE, recipients=list(recipients.values()),
                      title=f"Executive update overdue: {_label(incident)}",
                      body=f"The next executive update was due at {when(status.due)} ({late} ago).",
                      url=f"{_url(incident)}update/",
                      payload={"incident": incident.pk, "due": status.due, "exercise": incident.exercise})
        incident.overdue_notified_for = status.due
        incident.save(update_fields=["overdue_notified_for"])
        _event(incident, EventKind.NOTIFICATION, actor, f"Overdue update announced to {len(recipients)} people",
               at=now, data={"event": Event.INCIDENT_UPDATE_OVERDUE, "due": status.due, "inboxes": len(sent)})
        audit.record(actor, "incident.update_overdue_announced", incident, after={"due": status.due})
        announced += 1
    return announced


@transaction.atomic
def announce_near_deadlines(*, actor: Actor, now: datetime | None = None) -> int:
    """Tell the CISO, the CIO and the commander once about each regulatory deadline not met yet that is
    within the settings' notice (default 12 hours) or past."""
    now = now or timezone.now()
    settings = IncidentSettings.current()
    notice = timedelta(hours=settings.deadline_notice_hours)
    announced = 0
    for incident in Incident.objects.select_for_update(of=("self",)).select_related("commander__user").exclude(
            phase=Phase.CLOSED):
        if not any(getattr(incident, flag) for flag in REGIME_FLAGS.values()):
            continue
        done = set(incident.deadlines_announced)
        near = [c for c in selectors.clocks_of(incident, settings=settings)
                if c.met_at is None and c.due - now <= notice and c.ident not in done]
        if not near:
            continue
        lines = [f"{c.short} {c.label}: due {when(c.due)} ({c.left_text(now)}). {c.basis}"
                 for c in near]
        notify(event=Event.INCIDENT_DEADLINE, recipients=_leaders_and_commander(incident),
               title=f"Regulatory deadline{'s' if len(near) > 1 else ''} near: {_label(incident)}",
               body="\n".join(lines), url=f"{_url(incident)}#clocks",
               payload={"incident": incident.pk, "deadlines": [c.ident for c in near], "exercise": incident.exercise})
        incident.deadlines_announced = sorted(done | {c.ident for c in near})
        incident.save(update_fields=["deadlines_announced"])
        _event(incident, EventKind.NOTIFICATION, actor, "Deadline notice: " + "; ".join(
            f"{c.short} {c.label}" for c in near), at=now,
            data={"event": Event.INCIDENT_DEADLINE, "deadlines": [c.ident for c in near]})
        audit.record(actor, "incident.deadlines_announced", incident, after={"deadlines": [c.ident for c in near]})
        announced += len(near)
    return announced
