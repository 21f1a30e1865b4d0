"""Every write of risk acceptances: ask, approve, reject, withdraw, revoke, renew, the threshold, and
the daily review (stale, expired, reminders). Each takes an acting user, runs in one transaction and
leaves audit rows; approval goes through the governance sign-off of kind `risk_acceptance`.

A granted acceptance takes effect through the owning apps' services: a scenario's treatment becomes
"accept" (`risks.services.set_treatment_by_acceptance`), and the findings covered leave the breach
counts through the expiry day (`vulns.services.set_accepted_until`). Its end undoes both.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.acceptances import selectors
from accord.acceptances.figures import Figures, is_dual, material_changes
from accord.acceptances.models import (
    AcceptanceSettings,
    AcceptanceStatus,
    RiskAcceptance,
    SubjectKind,
)
from accord.accounts.selectors import holders_of
from accord.core import audit, clock, money
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import Actor, require
from accord.governance import services as governance
from accord.governance.models import SignOffStatus
from accord.notifications.models import Event
from accord.notifications.services import notify
from accord.risks import services as risk_services
from accord.risks.models import Treatment
from accord.vulns import services as vuln_services

CAPABILITY = "risk.accept"
KIND = "risk_acceptance"
MAX_TEXT = 4000
MAX_DAYS = 366  # an acceptance lasts at most a year: then it is renewed on fresh figures
MAX_MONEY = 1e15
REMINDER_DAYS = (30, 7)
LEADERS = frozenset({"ciso", "cio"})


def _text(field: str, value: str | None, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field, "required: say why the risk is accepted")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValidationFailed.field(field, f"at most {MAX_TEXT:,} characters, no NUL characters")
    return text


def _expiry(expires_on: Any, today: date) -> date:
    if not isinstance(expires_on, date):
        raise ValidationFailed.field("expires_on", "a date (YYYY-MM-DD)")
    if expires_on <= today:
        raise ValidationFailed.field("expires_on", f"must be after today ({today.isoformat()})")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise ValidationFailed.field("expires_on", f"at most {MAX_DAYS} days ahead "
                                                   f"({(today + timedelta(days=MAX_DAYS)).isoformat()}): renew it then")
    return expires_on


def resolve_subject(actor: Actor, *, kind: str, scenario: str = "", finding: int | None = None, cve: str = "",
                    fix: str = "") -> selectors.Subject:
    """The subject named by the request, refused with the field that is wrong."""
    if kind == SubjectKind.SCENARIO:
        if not scenario:
            raise ValidationFailed.field("scenario", "name the risk scenario (its id)")
        subject = selectors.scenario_subject(actor, scenario)
        if subject.scenario.status == "closed":
            raise ValidationFailed.field("scenario", "the scenario is closed: there is no risk left to accept")
        return subject
    if kind == SubjectKind.FINDING:
        if finding is None:
            raise ValidationFailed.field("finding", "give the finding's number")
        subject = selectors.finding_subject(actor, finding)
        if not subject.finding_ids:
            raise ValidationFailed.field("finding", f"finding #{finding} is not open: there is nothing to accept")
        return subject
    if kind == SubjectKind.CVE:
        if not cve.strip():
            raise ValidationFailed.field("cve", "give the CVE id (CVE-YYYY-NNNN)")
        subject = selectors.cve_subject(actor, cve)
    elif kind == SubjectKind.FIX:
        if not fix.strip():
            raise ValidationFailed.field("fix", "give the fix key (from the findings list grouped by fix)")
        subject = selectors.fix_subject(actor, fix)
    else:
        raise ValidationFailed.field("subject_kind", f"{kind!r} is not one of {', '.join(SubjectKind.values)}")
    if not subject.finding_ids:
        field = "cve" if kind == SubjectKind.CVE else "fix"
        raise ValidationFailed.field(field, f"no open finding: {subject.label.split(':')[0]} has nothing to accept")
    return subject


def _slots(dual: bool) -> list[list[str]]:
    return [["ciso"], ["cio"]] if dual else [["ciso", "cio"]]


def _inputs(row: RiskAcceptance) -> dict[str, Any]:
    return {"subject": row.subject_label, "kind": row.subject_kind, "finding_ids": row.finding_ids,
            "expires_on": row.expires_on, "justification": row.justification,
            "compensating_controls": row.compensating_controls, "frozen": row.frozen}


def _ask(actor: Actor, row: RiskAcceptance, figures: Figures) -> None:
    shown = {**figures.display(), "expires on": row.expires_on.isoformat(),
             "dual-approval threshold": money.full(row.threshold, figures.currency)}
    summary = f"Accept {row.subject_label} until {row.expires_on.isoformat()}. {row.justification}"[:2000]
    row.signoff = governance.request_signoff(
        actor=actor, kind=KIND, subject=row, inputs=_inputs(row), slots=_slots(row.dual_approval),
        summary=summary, figures=shown, url=selectors.url_of(row), distinct_people=True, expires_on=None,
        announce=False)
    row.save(update_fields=["signoff"])
    # Told here rather than by governance: a leader who asked is not asked to approve their own request.
    notify(event=Event.APPROVAL_REQUESTED, recipients=[u for u in holders_of(LEADERS) if u.pk != row.requested_by_id],
           title=f"Approval needed: {row}", body=summary, url=selectors.url_of(row),
           payload={"signoff": row.signoff.pk, "kind": KIND, "subject": str(row)})


@transaction.atomic
def request_acceptance(*, actor: Actor, subject_kind: str, expires_on: Any, justification: str,
                       compensating_controls: str = "", scenario: str = "", finding: int | None = None,
                       cve: str = "", fix: str = "", renews: RiskAcceptance | None = None) -> RiskAcceptance:
    """Ask for a risk to be accepted until `expires_on`: the figures it stands on are frozen now, and
    the approvers are asked (below the threshold one leader, at or above it the CIO and the CISO;
    never the requester)."""
    require(actor, CAPABILITY)
    today = clock.today()
    justification = _text("justification", justification, required=True)
    compensating_controls = _text("compensating_controls", compensating_controls)
    expiry = _expiry(expires_on, today)
    subject = resolve_subject(actor, kind=subject_kind, scenario=scenario, finding=finding, cve=cve, fix=fix)
    standing = selectors.standing_for_subject(subject)
    if standing is not None and (renews is None or standing.pk != renews.pk):
        raise ValidationFailed.field("subject_kind", f"{subject.label} already has acceptance #{standing.pk} "
                                                     f"({standing.get_status_display().lower()}): renew or end it")
    figures = selectors.figures_of(actor, subject, today)
    limit = selectors.threshold().amount
    row = RiskAcceptance.objects.create(
        subject_kind=subject.kind, scenario=subject.scenario, finding=subject.finding, cve=subject.cve,
        fix_key=subject.fix_key, subject_label=subject.label[:300], finding_ids=subject.finding_ids,
        justification=justification, compensating_controls=compensating_controls, expires_on=expiry,
        frozen=figures.as_dict(), dual_approval=is_dual(figures.annual_loss, limit), threshold=limit,
        requested_by_id=actor.pk, requested_at=timezone.now(), renews=renews)
    audit.record(actor, "acceptance.requested", row, after=audit.snapshot(row))
    _ask(actor, row, figures)
    return row


def _lock(acceptance: RiskAcceptance) -> RiskAcceptance:
    return RiskAcceptance.objects.select_for_update().get(pk=acceptance.pk)


def _require_status(row: RiskAcceptance, *statuses: str) -> None:
    if row.status not in statuses:
        raise ValidationFailed.field("status", f"acceptance #{row.pk} is {row.get_status_display().lower()}, not "
                                               + " or ".join(statuses))


@transaction.atomic
def approve_acceptance(*, actor: Actor, acceptance: RiskAcceptance, role: str | None = None,
                       comment: str = "") -> RiskAcceptance:
    """Approve in a role the sign-off still needs (the requester never approves); the last approval
    grants it and applies it."""
    require(actor, CAPABILITY)
    row = _lock(acceptance)
    _require_status(row, AcceptanceStatus.REQUESTED)
    if row.requested_by_id == actor.pk:
        raise ValidationFailed.field("user", "you asked for this acceptance: another leader approves it")
    if row.signoff is None:
        raise ValidationFailed.field("status", "its approval is not asked yet (the daily review asks it)")
    if governance.approve(actor=actor, signoff=row.signoff, role=role, comment=comment).status == SignOffStatus.GRANTED:
        _grant(actor, row)
    return row


def _grant(actor: Actor, row: RiskAcceptance) -> None:
    row.status, row.granted_at = AcceptanceStatus.GRANTED, timezone.now()
    row.save(update_fields=["status", "granted_at", "updated_at"])
    audit.record(actor, "acceptance.granted", row, before={"status": "requested"},
                 after={"status": "granted", "expires_on": row.expires_on, "frozen": row.frozen})
    _apply(actor, row)
    if row.renews is not None:  # the renewal covers now; what only the old one covered is lifted
        old = _lock(row.renews)
        if old.status in (AcceptanceStatus.GRANTED, AcceptanceStatus.EXPIRED):
            _end(actor, old, AcceptanceStatus.RENEWED, f"renewed by acceptance #{row.pk}")
    figures = selectors.frozen_figures(row)
    governance.record_decision(
        actor=actor, question=f"Accept {row.subject_label} until {row.expires_on.isoformat()}?",
        outcome=f"Accepted until {row.expires_on.isoformat()}", rationale=row.justification,
        figures=figures.display(), subject=row, url=selectors.url_of(row), signoff=row.signoff)


def _apply(actor: Actor, row: RiskAcceptance) -> None:
    scenario = row.scenario
    if scenario is not None:
        before = scenario.treatment if scenario.treatment != Treatment.ACCEPT else (
            row.renews.treatment_before if row.renews is not None else "")
        if before:
            row.treatment_before = before
            row.save(update_fields=["treatment_before"])
        risk_services.set_treatment_by_acceptance(actor=actor, scenario=scenario, treatment=Treatment.ACCEPT,
                                                  reason=f"acceptance #{row.pk} granted")
        return
    covering = selectors.granted_covering(row.finding_ids, excluding=row.pk)
    until: dict[int, date | None] = {pk: max(row.expires_on, covering.get(pk, row.expires_on))
                                     for pk in row.finding_ids}
    vuln_services.set_accepted_until(actor=actor, until_by_finding=until, reason=f"acceptance #{row.pk} granted")


def _lift(actor: Actor, row: RiskAcceptance) -> None:
    """Undo the effect of an acceptance that ends, unless another granted one still covers it."""
    scenario = row.scenario
    if scenario is not None:
        others = RiskAcceptance.objects.filter(status=AcceptanceStatus.GRANTED, scenario=scenario).exclude(
            pk=row.pk).exists()
        if not others and scenario.treatment == Treatment.ACCEPT:
            risk_services.set_treatment_by_acceptance(
                actor=actor, scenario=scenario, treatment=row.treatment_before or Treatment.MITIGATE,
                reason=f"acceptance #{row.pk} {row.status}")
        return
    covering = selectors.granted_covering(row.finding_ids, excluding=row.pk)
    vuln_services.set_accepted_until(actor=actor, until_by_finding={pk: covering.get(pk) for pk in row.finding_ids},
                                     reason=f"acceptance #{row.pk} {row.status}")


def _end(actor: Actor, row: RiskAcceptance, status: str, reason: str) -> None:
    before = row.status
    row.status, row.ended_at, row.ended_by_id, row.end_reason = status, timezone.now(), actor.pk, reason[:300]
    row.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    audit.record(actor, f"acceptance.{status}", row, before={"status": before},
                 after={"status": status, "reason": reason})
    if before == AcceptanceStatus.GRANTED:
        _lift(actor, row)
    elif row.migrated and row.scenario is not None and row.scenario.treatment == Treatment.ACCEPT:
        # A migrated bare "accept" that is not granted ends: the scenario is treated, not accepted.
        risk_services.set_treatment_by_acceptance(actor=actor, scenario=row.scenario, treatment=Treatment.MITIGATE,
                                                  reason=f"migrated acceptance #{row.pk} {status}")


@transaction.atomic
def reject_acceptance(*, actor: Actor, acceptance: RiskAcceptance, comment: str,
                      role: str | None = None) -> RiskAcceptance:
    """An approver says no (saying why): the request is closed."""
    require(actor, CAPABILITY)
    row = _lock(acceptance)
    _require_status(row, AcceptanceStatus.REQUESTED)
    if row.requested_by_id == actor.pk:
        raise ValidationFailed.field("user", "you asked for this acceptance: withdraw it instead")
    if row.signoff is not None:
        governance.reject(actor=actor, signoff=row.signoff, comment=comment, role=role)
    _end(actor, row, AcceptanceStatus.REJECTED, _text("comment", comment, required=True))
    return row


def _require_requester_or_leader(actor: Actor, row: RiskAcceptance) -> None:
    if row.requested_by_id != actor.pk and not (set(actor.role_names) & LEADERS):
        raise NotAllowed(CAPABILITY + " (as the requester, the CISO or the CIO)")


@transaction.atomic
def withdraw_acceptance(*, actor: Actor, acceptance: RiskAcceptance, reason: str = "") -> RiskAcceptance:
    """The requester (or a leader) withdraws a request that is not granted yet."""
    require(actor, CAPABILITY)
    row = _lock(acceptance)
    _require_status(row, AcceptanceStatus.REQUESTED)
    _require_requester_or_leader(actor, row)
    text = _text("reason", reason) or "withdrawn"
    if row.signoff is not None and row.signoff.is_open:
        governance.withdraw(actor=actor, signoff=row.signoff, reason=text)
    _end(actor, row, AcceptanceStatus.WITHDRAWN, text)
    return row


@transaction.atomic
def revoke_acceptance(*, actor: Actor, acceptance: RiskAcceptance, reason: str) -> RiskAcceptance:
    """End a granted acceptance before its expiry (the requester or a leader, saying why): what it
    covered counts again from now."""
    require(actor, CAPABILITY)
    row = _lock(acceptance)
    _require_status(row, AcceptanceStatus.GRANTED)
    _require_requester_or_leader(actor, row)
    text = _text("reason", reason, required=True)
    if row.signoff is not None:
        governance.void(actor=actor, signoff=row.signoff, reason=f"acceptance revoked: {text}")
    _end(actor, row, AcceptanceStatus.REVOKED, text)
    return row


@transaction.atomic
def end_acceptance(*, actor: Actor, acceptance: RiskAcceptance, reason: str = "") -> RiskAcceptance:
    """Withdraw a request, or revoke a granted acceptance: the one command `accord acceptances revoke`."""
    if acceptance.status == AcceptanceStatus.REQUESTED:
        return withdraw_acceptance(actor=actor, acceptance=acceptance, reason=reason)
    return revoke_acceptance(actor=actor, acceptance=acceptance, reason=reason)


@transaction.atomic
def renew_acceptance(*, actor: Actor, acceptance: RiskAcceptance, expires_on: Any, justification: str = "",
                     compensating_controls: str | None = None) -> RiskAcceptance:
    """Ask again for a granted (stale or expiring) or expired acceptance, on today's figures; the old
    one stays in force until the renewal is granted, which replaces it."""
    require(actor, CAPABILITY)
    row = _lock(acceptance)
    _require_status(row, AcceptanceStatus.GRANTED, AcceptanceStatus.EXPIRED)
    pending = row.renewals.filter(status=AcceptanceStatus.REQUESTED).first()
    if pending is not None:
        raise ValidationFailed.field("status", f"its renewal #{pending.pk} is awaiting approval already")
    return request_acceptance(
        actor=actor, subject_kind=row.subject_kind, expires_on=expires_on,
        justification=justification or row.justification,
        compensating_controls=row.compensating_controls if compensating_controls is None else compensating_controls,
        scenario=row.scenario.slug if row.scenario is not None else "", finding=row.finding_id, cve=row.cve,
        fix=row.fix_key, renews=row)


@transaction.atomic
def set_threshold(*, actor: Actor, amount: float) -> AcceptanceSettings:
    """Change the residual annual expected loss from which both the CIO and the CISO approve (a
    leader; requests already made keep the threshold they were asked under)."""
    require(actor, CAPABILITY)
    if not set(actor.role_names) & LEADERS:
        raise NotAllowed(CAPABILITY + " (as the CISO or the CIO)")
    if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount) \
            or amount <= 0 or amount > MAX_MONEY:
        raise ValidationFailed.field("dual_approval_threshold", f"an amount above 0 and at most {MAX_MONEY:,.0f}")
    row, _ = AcceptanceSettings.objects.select_for_update().get_or_create(pk=1)
    before = audit.snapshot(row, exclude=("updated_by",))
    row.dual_approval_threshold, row.updated_by_id = float(amount), actor.pk
    row.save()
    audit.record_change(actor, "acceptance_settings.updated", row, before, audit.snapshot(row, exclude=("updated_by",)))
    return row


# The daily review --------------------------------------------------------------------------------------

def _people(row: RiskAcceptance) -> list[Any]:
    """The requester, whoever answered the sign-off, and the leaders (the system user is no one)."""
    from accord.accounts.services import SYSTEM_USERNAME

    people = {u.pk: u for u in holders_of(LEADERS)}
    if row.requested_by.username != SYSTEM_USERNAME:
        people[row.requested_by_id] = row.requested_by
    if row.signoff is not None:
        for approval in row.signoff.approvals.select_related("user"):
            people[approval.user_id] = approval.user
    return list(people.values())


def _tell(row: RiskAcceptance, title: str, body: str, **payload: Any) -> None:
    notify(event=Event.ACCEPTANCE_STALE, recipients=_people(row), title=title, body=body,
           url=selectors.url_of(row), payload={"acceptance": row.pk, **payload})


def _adopt_migrated(actor: Actor, today: date) -> int:
    """Acceptances made by the migration from a bare treatment "accept" get their figures and their
    sign-off request (the migration could not ask: it has no services)."""
    adopted = 0
    reader = selectors.scheduled_reader()
    for row in RiskAcceptance.objects.select_for_update().filter(status=AcceptanceStatus.REQUESTED,
                                                                 signoff__isnull=True):
        figures = selectors.figures_of(reader, selectors.subject_of(reader, row), today)
        limit = selectors.threshold().amount
        row.frozen, row.threshold, row.dual_approval = figures.as_dict(), limit, is_dual(figures.annual_loss, limit)
        row.save(update_fields=["frozen", "threshold", "dual_approval", "updated_at"])
        audit.record(actor, "acceptance.figures_frozen", row, after={"frozen": row.frozen})
        # Asked in the name of whoever asked for the acceptance (the migration's system user), not of
        # the leader who happens to run the review by hand: that leader may still approve it.
        _ask(row.requested_by, row, figures)
        adopted += 1
    return adopted


def _expire(actor: Actor, row: RiskAcceptance) -> None:
    if row.signoff is not None and row.signoff.is_open:
        governance.withdraw(actor=actor, signoff=row.signoff, reason=f"its expiry {row.expires_on} passed")
    _end(actor, row, AcceptanceStatus.EXPIRED, f"expired on {row.expires_on.isoformat()}")
    _tell(row, f"Risk acceptance expired: {row.subject_label}",
          f"It ended on {row.expires_on.isoformat()}. What it covered counts in the breach figures again; "
          "renew it on today's figures or treat the risk.", expired_on=row.expires_on.isoformat())


def _check_staleness(actor: Actor, row: RiskAcceptance, today: date) -> bool:
    """Mark the acceptance stale, once, when its figures changed materially (`figures.material_changes`).
    It stays stale (and in force) until it is renewed on fresh figures, revoked or expires."""
    if row.stale_since is not None:
        return False
    reader = selectors.scheduled_reader()
    now = selectors.current_figures(reader, row, today)
    if now is None:
        return False
    reasons = material_changes(selectors.frozen_figures(row), now)
    if not reasons:
        return False
    row.stale_since, row.stale_reasons = today, reasons
    row.save(update_fields=["stale_since", "stale_reasons", "updated_at"])
    audit.record(actor, "acceptance.stale", row, before={"stale_since": None},
                 after={"stale_since": today, "stale_reasons": reasons, "figures_now": now.as_dict()})
    _tell(row, f"Risk acceptance stale: {row.subject_label}",
          "Its figures changed materially since it was granted: " + "; ".join(reasons)
          + ". It is on the steering committee's agenda to re-certify.", reasons=reasons)
    return True


def _remind(actor: Actor, row: RiskAcceptance, today: date) -> bool:
    left = row.days_left(today)
    due = [d for d in REMINDER_DAYS if left <= d and d not in (row.reminded_days or [])]
    if not due:
        return False
    row.reminded_days = sorted({*(row.reminded_days or []), *due}, reverse=True)
    row.save(update_fields=["reminded_days", "updated_at"])
    audit.record(actor, "acceptance.expiry_announced", row, after={"days_left": left, "reminders": row.reminded_days})
    _tell(row, f"Risk acceptance expires in {left} day{'s' if left != 1 else ''}: {row.subject_label}",
          f"Granted until {row.expires_on.isoformat()}. Renew it on today's figures, or let it lapse.",
          expires_on=row.expires_on.isoformat(), days_left=left)
    return True


@transaction.atomic
def review_acceptances(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    """The daily review: expire what lapsed, mark stale what changed materially, remind 30 and 7 days
    before expiry (once each), and ask for approval of migrated requests. Running it twice in a day
    does nothing the second time."""
    today = today or clock.today()
    done = {"adopted": _adopt_migrated(actor, today), "expired": 0, "stale": 0, "reminded": 0}
    rows = RiskAcceptance.objects.select_for_update(of=("self",)).select_related("requested_by", "signoff").filter(
        status__in=(AcceptanceStatus.REQUESTED, AcceptanceStatus.GRANTED)).order_by("id")
    for row in rows:
        if row.expires_on < today:
            _expire(actor, row)
            done["expired"] += 1
        elif row.status == AcceptanceStatus.GRANTED:
            done["stale"] += _check_staleness(actor, row, today)
            done["reminded"] += _remind(actor, row, today)
    return done


__all__ = [
    "approve_acceptance", "end_acceptance", "reject_acceptance", "renew_acceptance", "request_acceptance",
    "resolve_subject", "review_acceptances", "revoke_acceptance", "set_threshold", "withdraw_acceptance",
]
