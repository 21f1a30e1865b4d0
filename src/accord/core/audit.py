"""The audit trail: one row per write, in the writer's transaction, chained by SHA-256.

Each row's hash covers its own content and the previous row's hash, so changing, removing or
reordering any row breaks the chain from that row on; `verify_chain` finds the first such row.

The chain alone cannot notice its last rows removed together with the chain-head row set back to
match, nor a chain rewritten from some row on. An anchor (a row number and its hash, kept outside
the database, e.g. printed in the board pack) closes that gap: `verify_chain(anchor=...)` also fails
when the anchored row is missing, its hash differs, or the chain is shorter than the anchor.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accord.core.errors import ValidationFailed
from accord.core.models import AuditChainHead, AuditEvent
from accord.core.permissions import Actor

GENESIS_HASH = "0" * 64


def to_primitive(value: Any) -> Any:
    """Turn a field value into plain JSON so a snapshot hashes the same after a database round trip."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value else None  # NaN has no JSON form
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return to_primitive(value.value)
    if isinstance(value, dict):
        return {str(k): to_primitive(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_primitive(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every concrete field of a row, as plain JSON (foreign keys by id)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name in {"created_at", "updated_at"}:
            continue
        data[field.attname] = to_primitive(getattr(instance, field.attname))
    return data


def _row_digest(*, seq: int, at: dt.datetime, actor_id: int | None, actor_name: str, action: str,
                object_type: str, object_id: str, object_repr: str, before: Any, after: Any,
                prev_hash: str) -> str:
    payload = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _object_identity(obj: models.Model | tuple[str, str, str] | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, tuple):
        return obj
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj)[:300]


def record(actor: Actor | None, action: str, obj: models.Model | tuple[str, str, str] | None, *,
           before: Any = None, after: Any = None, actor_name: str | None = None) -> AuditEvent:
    """Append one audit row. Must run inside the writer's transaction, so both commit or neither."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    object_type, object_id, object_repr = _object_identity(obj)
    fields = {
        "seq": head.seq + 1,
        # Microseconds are kept; the hash is computed on exactly what the database stores.
        "at": timezone.now(),
        "actor_id": getattr(actor, "pk", None),
        "actor_name": actor_name or getattr(actor, "username", "") or "system",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": to_primitive(before),
        "after": to_primitive(after),
        "prev_hash": head.hash,
    }
    digest = _row_digest(**fields)
    event = AuditEvent.objects.create(hash=digest, **fields)
    head.seq, head.hash = event.seq, digest
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows_checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    anchor: str = ""  # the anchor checked too ("ROW:HASH"), empty when none was given


@dataclass(frozen=True)
class Anchor:
    """A row of the chain as someone wrote it down: its number and its hash."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


ANCHOR_FORMAT = re.compile(r"^\s*(\d{1,18})\s*:\s*([0-9a-fA-F]{64})\s*$")


def parse_anchor(text: str, *, field: str = "anchor") -> Anchor:
    """"ROW:HASH" (a row number, a colon, the row's 64 hexadecimal digits) as an Anchor."""
    match = ANCHOR_FORMAT.match(text or "")
    if match is None:
        raise ValidationFailed.field(field, f"{text!r} is not ROW:HASH (a row number, a colon and the row's "
                                            "64-digit hexadecimal hash)")
    seq = int(match.group(1))
    if seq < 1:
        raise ValidationFailed.field(field, "rows are numbered from 1")
    return Anchor(seq, match.group(2).lower())


def chain_head() -> Anchor | None:
    """The chain's last row as the head row records it (None before the first write)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return None
    return Anchor(head.seq, head.hash)


def _rows_in_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def verify_chain(anchor: Anchor | None = None) -> ChainReport:
    """Recompute every row's hash in order; report the first row where the chain breaks. With an
    anchor, also fail when the anchored row is missing, its hash is not the anchor's, or the chain
    ends before it: a row at or before the anchor was removed or changed."""
    anchored = str(anchor) if anchor is not None else ""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for row in _rows_in_order():
        if row.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"row #{expected_seq} is missing", anchored)
        if row.prev_hash != expected_prev:
            return ChainReport(False, checked, row.seq, "its previous-hash does not match the row before it",
                               anchored)
        digest = _row_digest(
            seq=row.seq, at=row.at, actor_id=row.actor_id, actor_name=row.actor_name, action=row.action,
            object_type=row.object_type, object_id=row.object_id, object_repr=row.object_repr,
            before=row.before, after=row.after, prev_hash=row.prev_hash,
        )
        if digest != row.hash:
            return ChainReport(False, checked, row.seq, "its content no longer matches its hash", anchored)
        if anchor is not None and row.seq == anchor.seq and row.hash != anchor.hash:
            # The chain is whole up to here, so it was rewritten from some row at or before the anchor on.
            return ChainReport(False, checked, row.seq, f"its hash {row.hash[:12]}… is not the anchor's "
                               f"{anchor.hash[:12]}…: a row at or before #{anchor.seq} was changed and the chain "
                               "rewritten after it", anchored)
        expected_prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return ChainReport(False, checked, checked + 1,
                           f"the chain head says {head.seq} rows; rows after #{checked} were removed", anchored)
    if anchor is not None and checked < anchor.seq:
        return ChainReport(False, checked, checked + 1,
                           f"the chain ends at row #{checked} but the anchor names row #{anchor.seq}: rows "
                           f"#{checked + 1} to #{anchor.seq} were removed", anchored)
    return ChainReport(True, checked, anchor=anchored)


def record_change(actor: Actor | None, action: str, obj: models.Model, before: dict[str, Any],
                  after: dict[str, Any]) -> bool:
    """Record the fields that differ between two snapshots of `obj` (`snapshot` before and after an
    update); nothing when none does. Returns whether anything changed."""
    if before == after:
        return False
    record(actor, action, obj, before={k: v for k, v in before.items() if after.get(k) != v},
           after={k: v for k, v in after.items() if before.get(k) != v})
    return True
