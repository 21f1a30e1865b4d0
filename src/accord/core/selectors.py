"""Reads of the audit trail, for auditors and the leadership."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from accord.core.audit import Anchor, ChainReport, chain_head, parse_anchor, verify_chain
from accord.core.models import AuditEvent
from accord.core.permissions import HasCapabilities, require


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_events_visible_to(viewer: HasCapabilities, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    require(viewer, "audit.read")
    f = filters or AuditFilter()
    qs = AuditEvent.objects.order_by("-seq")
    if f.actor:
        qs = qs.filter(actor_name__iexact=f.actor)
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.since:
        qs = qs.filter(at__gte=f.since)
    if f.until:
        qs = qs.filter(at__lt=f.until)
    return qs


def audit_object_types(viewer: HasCapabilities) -> list[str]:
    require(viewer, "audit.read")
    return list(AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct())


def verify_audit_chain(viewer: HasCapabilities, *, anchor: str = "") -> ChainReport:
    """The chain verified; with `anchor` ("ROW:HASH", e.g. from a board pack) also that row and every
    row before it are still there unchanged. A malformed anchor is refused naming the field."""
    require(viewer, "audit.read")
    return verify_chain(parse_anchor(anchor) if anchor else None)


def audit_chain_head(viewer: HasCapabilities) -> Anchor | None:
    """The chain's last row (number and hash), to write down outside the database as an anchor."""
    require(viewer, "audit.read")
    return chain_head()
