"""Every write of the scorecard: snapshots, the KRI thresholds the leaders agree, and the partnership
retrospectives. Each takes the acting user, runs in one transaction and leaves an audit row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core import audit, clock
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, require
from accord.governance import services as governance
from accord.governance.models import SignOffStatus
from accord.metrics import registry, selectors
from accord.metrics.models import Retrospective, Snapshot, ThresholdSet, ThresholdStatus

WRITE = "scorecard.write"
KIND = "kri_thresholds"
MAX_TEXT = 2000
MAX_ACTIONS = 10
HISTORY_SOURCES = ("imported", "demo")


# Snapshots -----------------------------------------------------------------------------------------

def _values_now(actor: Actor) -> dict[str, dict[str, Any]]:
    """Every registered metric now, as the organisation's figures (whoever takes the snapshot)."""
    metrics = selectors.read_now(selectors.organisation_reader())
    return {m.key: {"value": m.value, "status": m.status} for m in metrics}


def _store(actor: Actor, *, today: date, values: dict[str, dict[str, Any]], source: str) -> Snapshot:
    month = today.replace(day=1)
    replaced = Snapshot.objects.select_for_update().filter(month=month).first()
    earlier = replaced or Snapshot.objects.filter(month__lt=month).order_by("-month").first()
    before = None
    if replaced is not None:
        before = {"as_of": replaced.as_of, "values": replaced.values, "source": replaced.source}
        replaced.delete()
    snapshot = Snapshot.objects.create(month=month, as_of=today, values=values, taken_at=timezone.now(),
                                       taken_by_id=actor.pk, source=source)
    audit.record(actor, "metrics.snapshot_taken", snapshot, before=before,
                 after={"as_of": today, "source": source, "values": values})
    _announce_red(snapshot, earlier)
    return snapshot


def _announce_red(snapshot: Snapshot, earlier: Snapshot | None) -> list[str]:
    """Tell the CISO and the CIO about each KRI red in this snapshot and not in the one before."""
    from accord.accounts.selectors import holders_of
    from accord.notifications.models import Event
    from accord.notifications.services import notify

    turned = [key for key, entry in snapshot.values.items()
              if entry.get("status") == "red" and (earlier is None or
                                                   (earlier.values.get(key) or {}).get("status") != "red")]
    if not turned:
        return []
    from accord.risks.selectors import organisation_currency

    leaders, currency = list(holders_of(["ciso", "cio"])), organisation_currency()
    for key in turned:
        definition = registry.definition(key)
        label = definition.label if definition is not None else key
        value = snapshot.values[key].get("value")
        shown = selectors.format_value(value, definition.unit, currency) if definition is not None else str(value)
        notify(event=Event.KRI_RED, recipients=leaders, title=f"KRI red: {label}",
               body=f"{label} is red in the snapshot of {snapshot.as_of}: {shown}.",
               url=f"/scorecard/metrics/{key}/", payload={"metric": key, "value": value, "as_of": snapshot.as_of})
    return turned


@transaction.atomic
def take_snapshot(*, actor: Actor, today: date | None = None) -> Snapshot:
    """Take this month's snapshot now (by hand: `accord metrics snapshot`), replacing the month's
    earlier one if any (the audit row keeps what it replaced)."""
    require(actor, WRITE)
    today = today or clock.today()
    return _store(actor, today=today, values=_values_now(actor), source="command")


@transaction.atomic
def take_monthly_snapshot(*, actor: Actor, today: date | None = None) -> Snapshot | None:
    """The schedule's snapshot: once per calendar month (None when the month has one already). The
    daily tick calls it with the system actor."""
    today = today or clock.today()
    if Snapshot.objects.filter(month=today.replace(day=1)).exists():
        return None
    return _store(actor, today=today, values=_values_now(actor), source="schedule")


@transaction.atomic
def record_history(*, actor: Actor, as_of: date, values: dict[str, float | None], source: str = "imported") -> Snapshot:
    """Record a past month's figures kept before Accord (or the demo's generated history): only for a
    month before the current one that has no snapshot; each KRI's status is computed from the
    thresholds in force."""
    require(actor, WRITE)
    if source not in HISTORY_SOURCES:
        raise ValidationFailed.field("source", f"one of {', '.join(HISTORY_SOURCES)}")
    if as_of.replace(day=1) >= clock.today().replace(day=1):
        raise ValidationFailed.field("as_of", "history is for months before the current one: take a snapshot instead")
    if Snapshot.objects.filter(month=as_of.replace(day=1)).exists():
        raise ValidationFailed.field("as_of", f"{as_of:%Y-%m} has a snapshot already")
    thresholds, _ = selectors.thresholds_in_force()
    stored: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if registry.definition(key) is None:
            raise ValidationFailed.field(f"values.{key}", "no such metric")
        if value is not None and not math.isfinite(float(value)):
            raise ValidationFailed.field(f"values.{key}", "a finite number or null")
        limits = thresholds.get(key)
        number = None if value is None else float(value)
        stored[key] = {"value": number, "status": limits.status(number) if limits is not None else ""}
    return _store(actor, today=as_of, values=stored, source=source)


# KRI thresholds ------------------------------------------------------------------------------------

def _number(field: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationFailed.field(field, f"{value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise ValidationFailed.field(field, "a finite number")
    return number


def checked_thresholds(proposed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The full set of KRI thresholds a proposal stands for: the ones given, checked, over the ones in
    force for the KRIs it does not name."""
    if not isinstance(proposed, dict) or not proposed:
        raise ValidationFailed.field("thresholds", "name at least one KRI with its amber and red thresholds")
    in_force, _ = selectors.thresholds_in_force()
    result = {key: limits.as_dict() for key, limits in in_force.items()}
    for key, entry in proposed.items():
        field = f"thresholds.{key}"
        definition = registry.definition(key)
        if definition is None or definition.kind != registry.KRI:
            raise ValidationFailed.field(field, "not a KRI of the scorecard: " + ", ".join(d.key for d in registry.kris()))
        if not isinstance(entry, dict):
            raise ValidationFailed.field(field, "give direction, amber and red")
        direction = entry.get("direction") or result[key]["direction"]
        if direction not in registry.DIRECTIONS:
            raise ValidationFailed.field(f"{field}.direction", f"one of {', '.join(registry.DIRECTIONS)}")
        amber, red = _number(f"{field}.amber", entry.get("amber")), _number(f"{field}.red", entry.get("red"))
        if direction == registry.HIGHER_IS_WORSE and red < amber:
            raise ValidationFailed.field(f"{field}.red", "when higher is worse, red starts at or above amber")
        if direction == registry.LOWER_IS_WORSE and red > amber:
            raise ValidationFailed.field(f"{field}.red", "when lower is worse, red starts at or below amber")
        result[key] = {"direction": direction, "amber": amber, "red": red}
    return result


def _text(field: str, value: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field, "required")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValidationFailed.field(field, f"at most {MAX_TEXT:,} characters, no NUL characters")
    return text


@transaction.atomic
def propose_thresholds(*, actor: Actor, thresholds: dict[str, Any], reason: str = "") -> ThresholdSet:
    """One leader proposes red and amber thresholds; the other agrees (a `kri_thresholds` sign-off
    whose inputs are the thresholds). A pending proposal is replaced, and its sign-off voided:
    what it was asked on changed."""
    require(actor, WRITE)
    role = governance.leader_role(actor, WRITE)
    values = checked_thresholds(thresholds)
    reason = _text("reason", reason)
    for pending in ThresholdSet.objects.select_for_update(of=("self",)).select_related("signoff").filter(
            status=ThresholdStatus.PROPOSED):
        if pending.signoff is not None:
            governance.void(actor=actor, signoff=pending.signoff, reason="the proposed thresholds changed")
        pending.status = ThresholdStatus.VOIDED
        pending.save(update_fields=["status"])
        audit.record(actor, "kri_thresholds.voided", pending, before={"status": "proposed"},
                     after={"status": "voided", "reason": "replaced by a changed proposal"})
    row = ThresholdSet.objects.create(thresholds=values, reason=reason, proposed_by_id=actor.pk, proposed_role=role,
                                      proposed_at=timezone.now())
    audit.record(actor, "kri_thresholds.proposed", row, after={"thresholds": values, "reason": reason})
    row.signoff = governance.propose_as_leader(
        actor=actor, capability=WRITE, kind=KIND, subject=row, inputs=values, figures=values,
        url="/scorecard/thresholds/",
        summary=f"KRI thresholds proposed by the {role.upper()}. {reason}".strip())
    row.save(update_fields=["signoff"])
    return row


@transaction.atomic
def agree_thresholds(*, actor: Actor, threshold_set: ThresholdSet) -> ThresholdSet:
    """The other leader agrees: the thresholds come into force and the earlier agreement is superseded
    (the proposer cannot agree their own proposal: governance refuses it)."""
    require(actor, WRITE)
    row = ThresholdSet.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=threshold_set.pk)
    if row.status != ThresholdStatus.PROPOSED or row.signoff is None:
        raise ValidationFailed.field("status", f"these thresholds are {row.status}, not awaiting agreement")
    if row.signoff.inputs_hash != governance.inputs_digest(row.thresholds):
        governance.void(actor=actor, signoff=row.signoff, reason="the thresholds differ from those proposed")
        raise ValidationFailed.field("thresholds", "the thresholds changed since they were proposed")
    if governance.approve(actor=actor, signoff=row.signoff).status != SignOffStatus.GRANTED:
        return row
    for active in ThresholdSet.objects.select_for_update().filter(status=ThresholdStatus.ACTIVE):
        active.status = ThresholdStatus.SUPERSEDED
        active.save(update_fields=["status"])
        audit.record(actor, "kri_thresholds.superseded", active, before={"status": "active"},
                     after={"status": "superseded", "by": row.pk})
    row.status, row.agreed_by_id, row.agreed_at = ThresholdStatus.ACTIVE, actor.pk, timezone.now()
    row.save(update_fields=["status", "agreed_by", "agreed_at"])
    audit.record(actor, "kri_thresholds.agreed", row, before={"status": "proposed"},
                 after={"status": "active", "thresholds": row.thresholds})
    return row


@transaction.atomic
def withdraw_thresholds(*, actor: Actor, threshold_set: ThresholdSet) -> ThresholdSet:
    """The proposer withdraws a pending proposal, or the other leader declines it."""
    require(actor, WRITE)
    governance.leader_role(actor, WRITE)
    row = ThresholdSet.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=threshold_set.pk)
    if row.status != ThresholdStatus.PROPOSED:
        raise ValidationFailed.field("status", f"these thresholds are {row.status}, not awaiting agreement")
    why = "withdrawn" if row.proposed_by_id == actor.pk else "declined by the other leader"
    if row.signoff is not None and row.signoff.is_open:
        governance.withdraw(actor=actor, signoff=row.signoff, reason=why)
    row.status = ThresholdStatus.WITHDRAWN
    row.save(update_fields=["status"])
    audit.record(actor, "kri_thresholds.withdrawn", row, before={"status": "proposed"},
                 after={"status": "withdrawn", "reason": why})
    return row


# The partnership retrospective ---------------------------------------------------------------------

def _actions(actions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(actions) > MAX_ACTIONS:
        raise ValidationFailed.field("actions", f"at most {MAX_ACTIONS} actions")
    checked = []
    for index, action in enumerate(actions):
        field = f"actions[{index}]"
        title = _text(f"{field}.title", str(action.get("title") or ""), required=True)[:200]
        owner = action.get("owner")
        if owner is None or not getattr(owner, "is_active", False):
            raise ValidationFailed.field(f"{field}.owner", "an active user who owns the action")
        due_on = action.get("due_on")
        if not isinstance(due_on, date):
            raise ValidationFailed.field(f"{field}.due_on", "a date (YYYY-MM-DD)")
        checked.append({"title": title, "owner": owner, "due_on": due_on})
    return checked


@transaction.atomic
def record_retrospective(*, actor: Actor, quarter: str, worked: str, strained: str,
                         actions: Sequence[dict[str, Any]] = ()) -> Retrospective:
    """The CIO's or the CISO's retrospective of a quarter (what worked, what strained, actions with
    owners and due days), recorded on the decision log with the quarter's figures; each action is a
    follow-up of that decision, tracked by the steering committee. Append-only: a second one adds to it."""
    from accord.metrics.partnership import parse_quarter, review_of
    from accord.steering import services as steering

    require(actor, WRITE)
    role = governance.leader_role(actor, WRITE)
    period = parse_quarter(quarter)
    if period.start > clock.today():
        raise ValidationFailed.field("quarter", f"{period.label} has not started yet")
    worked = _text("worked", worked, required=True)
    strained = _text("strained", strained, required=True)
    checked = _actions(actions)
    pairs = review_of(selectors.organisation_reader(), period).pairs()
    url = f"/scorecard/partnership/{period.label}/"
    decision = governance.record_decision(
        actor=actor, question=f"Partnership review {period.label}: retrospective of the {role.upper()}",
        outcome="; ".join(f"{a['title']} ({a['owner'].username}, by {a['due_on']})" for a in checked)
        or "no actions", rationale=f"What worked: {worked}\nWhat strained: {strained}",
        figures=dict(pairs), url=url)
    stored = []
    for action in checked:
        follow_up = steering.add_follow_up(actor=actor, decision_id=decision.pk, title=action["title"],
                                           owner=action["owner"], due_on=action["due_on"])
        owner = action["owner"]
        stored.append({"title": action["title"], "owner": owner.username,
                       "owner_name": str(owner), "due_on": action["due_on"],
                       "follow_up": follow_up.pk})
    row = Retrospective.objects.create(quarter=period.label, worked=worked, strained=strained,
                                       actions=audit.to_primitive(stored), decision=decision,
                                       recorded_by_id=actor.pk, recorded_role=role, recorded_at=timezone.now())
    audit.record(actor, "partnership.retrospective_recorded", row, after={
        "quarter": period.label, "worked": worked, "strained": strained, "actions": stored,
        "decision": decision.pk})
    return row
