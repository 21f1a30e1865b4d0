"""Every write of governance: asking for a sign-off, approving, rejecting, voiding, expiring,
withdrawing, and recording decisions. Each leaves an audit row and tells the people concerned.

The owning app calls these inside its own service and transaction, after checking its own
capability (e.g. `patch.sign`), and applies the effect of a granted or closed sign-off itself: the
governance app never reaches into other apps' tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accord.core import audit, clock
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import Actor, Role
from accord.governance import events
from accord.governance.kinds import requester_answers
from accord.governance.models import Approval, Decision, SignOff, SignOffStatus
from accord.governance.selectors import open_slot_indexes

MAX_TEXT = 2000


def inputs_digest(inputs: Any) -> str:
    """SHA-256 of the inputs a sign-off is asked on (any JSON-able value, canonicalised)."""
    canonical = json.dumps(audit.to_primitive(inputs), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _subject(subject: models.Model) -> tuple[str, str, str]:
    meta = subject._meta
    return f"{meta.app_label}.{meta.model_name}", str(subject.pk), str(subject)[:300]


def _check_text(field: str, value: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field, "say why")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValidationFailed.field(field, f"at most {MAX_TEXT:,} characters, no NUL characters")
    return text


def _check_slots(slots: Sequence[Sequence[str]]) -> list[list[str]]:
    known = set(Role.values)
    checked = [sorted(set(slot)) for slot in slots]
    if not checked or any(not slot or not set(slot) <= known for slot in checked):
        raise ValueError(f"slots must be non-empty lists of roles among {sorted(known)}: {slots!r}")
    return checked


@transaction.atomic
def request_signoff(
    *,
    actor: Actor,
    kind: str,
    subject: models.Model,
    inputs: Any,
    slots: Sequence[Sequence[str]],
    summary: str,
    figures: dict[str, Any] | None = None,
    url: str = "",
    distinct_people: bool = True,
    expires_on: date | None = None,
    proposer_role: str | None = None,
    announce: bool = True,
) -> SignOff:
    """Ask for approval of `subject` as it stands (`inputs`). With `proposer_role`, the request is
    also the proposer's own approval in that role's slot (a proposal by the CISO counts as the CISO's
    approval; the CIO confirms). `announce=False` when the owning app tells people itself (one
    message for many requests)."""
    subject_type, subject_id, label = _subject(subject)
    signoff = SignOff.objects.create(
        kind=kind, subject_type=subject_type, subject_id=subject_id, subject_label=label, subject_url=url[:300],
        summary=summary[:MAX_TEXT], figures=audit.to_primitive(figures or {}), inputs_hash=inputs_digest(inputs),
        slots=_check_slots(slots), distinct_people=distinct_people, requested_by_id=actor.pk,
        requested_at=timezone.now(), expires_on=expires_on,
    )
    audit.record(actor, "signoff.requested", signoff, after={
        "kind": kind, "subject": f"{subject_type}:{subject_id}", "slots": signoff.slots,
        "inputs_hash": signoff.inputs_hash, "distinct_people": distinct_people, "expires_on": expires_on})
    if proposer_role is not None:
        _answer(actor, signoff, proposer_role, approved=True, comment="proposed it")
    if announce and signoff.status == SignOffStatus.OPEN:
        events.signoff_requested(signoff)
    return signoff


def _lock(signoff: SignOff) -> SignOff:
    return SignOff.objects.select_for_update().get(pk=signoff.pk)


def _refuse_unless_open(signoff: SignOff) -> None:
    if signoff.status != SignOffStatus.OPEN:
        raise ValidationFailed.field("status", f"sign-off #{signoff.pk} is {signoff.status}, not open")


LEADERS = ("ciso", "cio")


def leader_role(actor: Actor, capability: str) -> str:
    """The leadership role a proposal is made in (the CISO's when the actor holds both); refused for
    anyone who is neither the CISO nor the CIO."""
    held = set(actor.role_names) & set(LEADERS)
    if not held:
        raise NotAllowed(capability)
    return "ciso" if "ciso" in held else "cio"


def propose_as_leader(*, actor: Actor, capability: str, kind: str, subject: models.Model, inputs: Any, summary: str,
                      url: str = "", figures: dict[str, Any] | None = None) -> SignOff:
    """A change one leader proposes and the other confirms: the proposal is the proposer's approval in
    their role's slot; the other leader's slot stays open, and the proposer cannot fill it."""
    role = leader_role(actor, capability)
    other = "cio" if role == "ciso" else "ciso"
    return request_signoff(actor=actor, kind=kind, subject=subject, inputs=inputs, slots=[[role], [other]],
                           summary=summary, url=url, figures=figures, proposer_role=role)


def _slot_for(actor: Actor, signoff: SignOff, role: str | None) -> tuple[int, str]:
    held = set(getattr(actor, "role_names", ()))
    candidates = [(k, r) for k in open_slot_indexes(signoff) for r in signoff.slots[k] if r in held and (role in (None, r))]
    if not candidates:
        wanted = " or ".join(sorted({r.upper() for k in open_slot_indexes(signoff) for r in signoff.slots[k]}))
        if role is not None and role not in held:
            raise ValidationFailed.field("role", f"you do not hold the {role.upper()} role")
        raise ValidationFailed.field("role", f"this needs the {wanted}; you hold none of these roles"
                                     if wanted else "every approval this needs is given")
    roles = {r for _, r in candidates}
    if role is None and len(roles) > 1:
        raise ValidationFailed.field("role", f"you hold {' and '.join(sorted(r.upper() for r in roles))}: "
                                     "say which one you answer as")
    return candidates[0]


def _answer(actor: Actor, signoff: SignOff, role: str | None, *, approved: bool, comment: str) -> Approval:
    mine = next((a for a in signoff.approvals.all() if a.user_id == actor.pk), None)
    if signoff.distinct_people and mine is not None:
        wanted = " or ".join(sorted({r.upper() for k in open_slot_indexes(signoff) for r in signoff.slots[k]}))
        raise ValidationFailed.field("user", f"you cannot confirm what you already answered (as the "
                                     f"{mine.role.upper()}): the approvals must come from different people, "
                                     f"so the {wanted} answers")
    if signoff.requested_by_id == actor.pk and not requester_answers(signoff.kind):
        raise ValidationFailed.field("user", f"you asked for this {signoff.kind_label.lower()}: someone else approves it")
    slot, chosen = _slot_for(actor, signoff, role)
    approval = Approval.objects.create(signoff=signoff, slot=slot, role=chosen, user_id=actor.pk, approved=approved,
                                       comment=comment, at=timezone.now())
    audit.record(actor, "signoff.approved" if approved else "signoff.rejected", signoff,
                 after={"role": chosen, "slot": slot, "comment": comment, "inputs_hash": signoff.inputs_hash})
    if not approved:
        _close(actor, signoff, SignOffStatus.REJECTED, comment or f"rejected by the {chosen.upper()}")
    elif not open_slot_indexes(signoff):
        signoff.status, signoff.closed_at = SignOffStatus.GRANTED, timezone.now()
        signoff.save(update_fields=["status", "closed_at"])
        audit.record(actor, "signoff.granted", signoff, after={"inputs_hash": signoff.inputs_hash})
        events.signoff_granted(signoff)
    return approval


@transaction.atomic
def approve(*, actor: Actor, signoff: SignOff, role: str | None = None, comment: str = "") -> SignOff:
    """Approve in a role the sign-off still needs; the last approval grants it."""
    signoff = _lock(signoff)
    _refuse_unless_open(signoff)
    _answer(actor, signoff, role, approved=True, comment=_check_text("comment", comment))
    return signoff


@transaction.atomic
def reject(*, actor: Actor, signoff: SignOff, comment: str, role: str | None = None) -> SignOff:
    """Reject (saying why) in a role the sign-off needs: it is closed, and a new request starts over."""
    signoff = _lock(signoff)
    _refuse_unless_open(signoff)
    _answer(actor, signoff, role, approved=False, comment=_check_text("comment", comment, required=True))
    return signoff


def _close(actor: Actor, signoff: SignOff, status: str, reason: str) -> None:
    before = signoff.status
    signoff.status, signoff.closed_at, signoff.close_reason = status, timezone.now(), reason[:300]
    signoff.save(update_fields=["status", "closed_at", "close_reason"])
    audit.record(actor, f"signoff.{status}", signoff, before={"status": before},
                 after={"status": status, "reason": reason})
    if status == SignOffStatus.VOIDED:
        events.signoff_voided(signoff)


@transaction.atomic
def withdraw(*, actor: Actor, signoff: SignOff, reason: str = "") -> SignOff:
    """The request is withdrawn (by whoever the owning app allows: it checks its capability)."""
    signoff = _lock(signoff)
    _refuse_unless_open(signoff)
    _close(actor, signoff, SignOffStatus.WITHDRAWN, _check_text("reason", reason) or "withdrawn")
    return signoff


@transaction.atomic
def void(*, actor: Actor, signoff: SignOff, reason: str) -> SignOff:
    """An open or granted sign-off no longer stands: what it was asked on changed."""
    signoff = _lock(signoff)
    if signoff.status not in (SignOffStatus.OPEN, SignOffStatus.GRANTED):
        return signoff
    _close(actor, signoff, SignOffStatus.VOIDED, reason)
    return signoff


def standing_for(subject: models.Model, kind: str | None = None) -> list[SignOff]:
    """The subject's open and granted sign-offs (for its owning app's services)."""
    subject_type, subject_id, _ = _subject(subject)
    qs = SignOff.objects.filter(subject_type=subject_type, subject_id=subject_id,
                                status__in=(SignOffStatus.OPEN, SignOffStatus.GRANTED))
    return list(qs.filter(kind=kind) if kind else qs)


@transaction.atomic
def void_changed(*, actor: Actor, subject: models.Model, inputs: Any, reason: str) -> int:
    """Void the subject's standing sign-offs asked on other inputs; return how many."""
    digest = inputs_digest(inputs)
    voided = 0
    for signoff in standing_for(subject):
        if signoff.inputs_hash != digest:
            void(actor=actor, signoff=signoff, reason=reason)
            voided += 1
    return voided


@transaction.atomic
def expire_lapsed(*, actor: Actor, today: date | None = None) -> int:
    """Granted or open sign-offs past their expiry day lapse (the daily tick calls this)."""
    today = today or clock.today()
    lapsed = list(SignOff.objects.select_for_update().filter(
        status__in=(SignOffStatus.OPEN, SignOffStatus.GRANTED), expires_on__lt=today))
    for signoff in lapsed:
        _close(actor, signoff, SignOffStatus.EXPIRED, f"expired on {signoff.expires_on}")
        events.signoff_expired(signoff)
    return len(lapsed)


EXPIRY_NOTICE_DAYS = 7


@transaction.atomic
def remind_expiring(*, actor: Actor, today: date | None = None) -> int:
    """Granted sign-offs that lapse within a week are announced once (the daily tick calls this)."""
    today = today or clock.today()
    horizon = today + timedelta(days=EXPIRY_NOTICE_DAYS)
    due = list(SignOff.objects.select_for_update().filter(status=SignOffStatus.GRANTED, expires_on__gte=today,
                                                          expires_on__lte=horizon, reminded_on__isnull=True))
    for signoff in due:
        signoff.reminded_on = today
        signoff.save(update_fields=["reminded_on"])
        audit.record(actor, "signoff.expiry_announced", signoff, after={"expires_on": signoff.expires_on})
        events.signoff_expiring(signoff, (signoff.expires_on - today).days)  # type: ignore[operator]
    return len(due)


@transaction.atomic
def record_decision(
    *,
    actor: Actor,
    question: str,
    outcome: str,
    rationale: str = "",
    options: Sequence[dict[str, Any]] = (),
    figures: dict[str, Any] | None = None,
    subject: models.Model | None = None,
    url: str = "",
    signoff: SignOff | None = None,
    reverses: Decision | None = None,
) -> Decision:
    """Put a decision on the log (append-only). A reversal names the decision it reverses."""
    question = _check_text("question", question, required=True)[:300]
    outcome = _check_text("outcome", outcome, required=True)
    rationale = _check_text("rationale", rationale)
    subject_type, subject_id, label = _subject(subject) if subject is not None else ("", "", "")
    now = timezone.now()
    decision = Decision.objects.create(
        question=question, options=audit.to_primitive(list(options)), outcome=outcome, rationale=rationale,
        figures=audit.to_primitive(figures or {}), subject_type=subject_type, subject_id=subject_id,
        subject_label=label, subject_url=url[:300], signoff=signoff, reverses=reverses, decided_by_id=actor.pk,
        decided_at=now, decided_on=clock.day_of(now))
    audit.record(actor, "decision.recorded", decision, after={
        "question": question, "outcome": outcome, "subject": f"{subject_type}:{subject_id}",
        "signoff": signoff.pk if signoff else None, "reverses": reverses.pk if reverses else None})
    return decision
