"""Permission-scoped reads of sign-offs and decisions: the approvals page, what waits for someone,
the decision log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import Actor, HasCapabilities, require
from accord.governance.kinds import KINDS, requester_answers
from accord.governance.models import Decision, SignOff, SignOffStatus

DECISIONS_READ = "steering.read"


def _visible_kinds(viewer: HasCapabilities) -> list[str]:
    caps = viewer.capabilities
    return [name for name, kind in KINDS.items() if kind.read in caps]


def signoffs_visible_to(viewer: HasCapabilities, *, status: str = "", kind: str = "") -> QuerySet[SignOff]:
    qs = SignOff.objects.filter(kind__in=_visible_kinds(viewer)).select_related("requested_by")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-requested_at", "-id")


def signoff_by_id(viewer: HasCapabilities, signoff_id: int) -> SignOff:
    signoff = signoffs_visible_to(viewer).filter(pk=signoff_id).prefetch_related("approvals__user").first()
    if signoff is None:
        raise NotFound("sign-off", signoff_id)
    return signoff


def waiting_for(viewer: Actor, *, limit: int = 500) -> list[SignOff]:
    """Open sign-offs that still need an approval in a role the viewer holds, which they have not
    answered (so not the ones they proposed), oldest first."""
    roles = set(viewer.role_names)
    if not roles:
        return []
    acting = [name for name, kind in KINDS.items() if kind.act in viewer.capabilities]
    mentions_my_role = Q()
    for role in roles:
        mentions_my_role |= Q(slots__icontains=f'"{role}"')
    answered = SignOff.objects.filter(approvals__user_id=viewer.pk).values("pk")
    candidates = (SignOff.objects.filter(status=SignOffStatus.OPEN, kind__in=acting).filter(mentions_my_role)
                  .exclude(pk__in=answered).prefetch_related("approvals").order_by("requested_at", "id")[:limit])
    return [s for s in candidates if any(roles & set(s.slots[k]) for k in open_slot_indexes(s))
            and (s.requested_by_id != viewer.pk or requester_answers(s.kind))]


def open_slot_indexes(signoff: SignOff) -> list[int]:
    filled = {a.slot for a in signoff.approvals.all() if a.approved}
    return [k for k in range(len(signoff.slots)) if k not in filled]


def latest_for(subject: models.Model, kind: str) -> SignOff | None:
    """The subject's most recent sign-off of a kind (any status), for its owning app's pages."""
    meta = subject._meta
    return (SignOff.objects.filter(kind=kind, subject_type=f"{meta.app_label}.{meta.model_name}",
                                   subject_id=str(subject.pk)).prefetch_related("approvals__user")
            .order_by("-requested_at", "-id").first())


def history_for(subject: models.Model, kind: str) -> QuerySet[SignOff]:
    meta = subject._meta
    return (SignOff.objects.filter(kind=kind, subject_type=f"{meta.app_label}.{meta.model_name}",
                                   subject_id=str(subject.pk)).prefetch_related("approvals__user")
            .order_by("requested_at", "id"))


def decisions_visible_to(viewer: HasCapabilities) -> QuerySet[Decision]:
    require(viewer, DECISIONS_READ)
    return Decision.objects.select_related("decided_by", "reverses").order_by("-decided_at", "-id")


def decision_by_id(viewer: HasCapabilities, decision_id: int) -> Decision:
    decision = decisions_visible_to(viewer).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound("decision", decision_id)
    return decision


@dataclass(frozen=True)
class Counts:
    open: int
    granted: int
    voided: int
    expired: int


def counts(viewer: HasCapabilities) -> Counts:
    qs = signoffs_visible_to(viewer)
    by = dict(qs.order_by().values_list("status").annotate(n=models.Count("id")))
    return Counts(by.get(SignOffStatus.OPEN, 0), by.get(SignOffStatus.GRANTED, 0), by.get(SignOffStatus.VOIDED, 0),
                  by.get(SignOffStatus.EXPIRED, 0))


def open_requests_of(viewer: Actor, *, limit: int = 50) -> list[SignOff]:
    """Open sign-offs the viewer asked for, oldest first: what they are waiting on others for."""
    return list(SignOff.objects.filter(status=SignOffStatus.OPEN, requested_by_id=viewer.pk)
                .prefetch_related("approvals").order_by("requested_at", "id")[:limit])


def is_leader(viewer: Actor) -> bool:
    """Whether the viewer holds the CISO or the CIO role (who may propose a two-leader change)."""
    return bool(set(viewer.role_names) & {"ciso", "cio"})


def may_answer(viewer: Actor, signoff: SignOff | None) -> bool:
    """Whether the viewer may answer this sign-off now: it is open, an open slot takes a role they
    hold, and they have not answered it (the page offers the button only then)."""
    if signoff is None or signoff.status != SignOffStatus.OPEN:
        return False
    if any(a.user_id == viewer.pk for a in signoff.approvals.all()):
        return False
    held = set(viewer.role_names)
    return any(held & set(signoff.slots[k]) for k in open_slot_indexes(signoff))
