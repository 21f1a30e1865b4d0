"""Who hears about a sign-off, and when: requested (the people who can still approve it), granted,
voided and expiring (the requester and everyone who answered)."""

from __future__ import annotations

from typing import Any

from accord.accounts.selectors import holders_of
from accord.governance.kinds import requester_answers
from accord.governance.models import SignOff
from accord.notifications.models import Event
from accord.notifications.services import notify


def _approvers_still_needed(signoff: SignOff) -> list[Any]:
    filled = {a.slot for a in signoff.approvals.all() if a.approved}
    answered = {a.user_id for a in signoff.approvals.all()}
    if not requester_answers(signoff.kind):
        answered.add(signoff.requested_by_id)
    roles = {role for k, slot in enumerate(signoff.slots) if k not in filled for role in slot}
    return [u for u in holders_of(roles) if u.pk not in answered]


def _people_involved(signoff: SignOff) -> list[Any]:
    people = {signoff.requested_by_id: signoff.requested_by}
    for approval in signoff.approvals.select_related("user"):
        people[approval.user_id] = approval.user
    return list(people.values())


def signoff_requested(signoff: SignOff) -> None:
    notify(event=Event.APPROVAL_REQUESTED, recipients=_approvers_still_needed(signoff),
           title=f"Approval needed: {signoff.subject_label}", body=signoff.summary, url=signoff.subject_url,
           payload={"signoff": signoff.pk, "kind": signoff.kind, "subject": signoff.subject_label})


def signoff_granted(signoff: SignOff) -> None:
    notify(event=Event.APPROVAL_GRANTED, recipients=_people_involved(signoff),
           title=f"Approved: {signoff.subject_label}", body=signoff.summary, url=signoff.subject_url,
           payload={"signoff": signoff.pk, "kind": signoff.kind, "subject": signoff.subject_label})


def signoff_voided(signoff: SignOff) -> None:
    notify(event=Event.APPROVAL_VOIDED, recipients=_people_involved(signoff),
           title=f"Approval voided: {signoff.subject_label}", body=signoff.close_reason, url=signoff.subject_url,
           payload={"signoff": signoff.pk, "kind": signoff.kind, "reason": signoff.close_reason})


def signoff_expired(signoff: SignOff) -> None:
    notify(event=Event.APPROVAL_EXPIRING, recipients=_people_involved(signoff),
           title=f"Approval expired: {signoff.subject_label}", body=signoff.close_reason, url=signoff.subject_url,
           payload={"signoff": signoff.pk, "kind": signoff.kind, "expired_on": str(signoff.expires_on)})


def signoff_expiring(signoff: SignOff, days: int) -> None:
    notify(event=Event.APPROVAL_EXPIRING, recipients=_people_involved(signoff),
           title=f"Approval expires in {days} day{'s' if days != 1 else ''}: {signoff.subject_label}",
           body=f"Granted until {signoff.expires_on}.", url=signoff.subject_url,
           payload={"signoff": signoff.pk, "kind": signoff.kind, "expires_on": str(signoff.expires_on)})
