"""Every write of board packs: ask for one (it renders as a job), render it, record a failed render.

Rendering reads the figures and prints the PDF outside any transaction (a few seconds), then stores
the PDF, its SHA-256, its page count and the figures it printed in one transaction with the audit row.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accord.core import audit, clock
from accord.core.permissions import Actor, require
from accord.jobs.services import start_job
from accord.packs import board
from accord.packs.models import BoardPack, PackStatus
from accord.packs.periods import Quarter, parse_quarter
from accord.packs.selectors import GENERATE

JOB_KIND = "packs.board"


@transaction.atomic
def request_board_pack(*, actor: Actor, period: str) -> BoardPack:
    """Queue the board pack of a quarter ("2026Q4"); a worker renders it (tests: at once)."""
    require(actor, GENERATE)
    quarter = parse_quarter(period)
    pack = BoardPack.objects.create(period=str(quarter), period_start=quarter.start, period_end=quarter.end,
                                    requested_by_id=actor.pk, requested_at=timezone.now())
    audit.record(actor, "boardpack.requested", pack, after={"period": pack.period})
    job = start_job(actor=actor, kind=JOB_KIND, title=f"Board pack {quarter}", args={"pack": pack.pk})
    BoardPack.objects.filter(pk=pack.pk).update(job=job)
    pack.refresh_from_db()
    return pack


def _quarter_of(pack: BoardPack) -> Quarter:
    return Quarter(pack.period_start.year, (pack.period_start.month - 1) // 3 + 1)


def render_board_pack(*, actor: Actor, pack: BoardPack,
                      progress: Callable[[float, str], None] | None = None) -> BoardPack:
    """Read every section's figures as `actor`, print the PDF and store it with what it printed."""
    require(actor, GENERATE)
    if pack.status == PackStatus.READY:
        return pack  # delivered twice: it is already there
    started = time.perf_counter()
    as_of = clock.today()
    content = board.collect(actor, _quarter_of(pack), as_of=as_of, progress=progress)
    if progress is not None:
        progress(0.65, "printing the PDF")
    pdf, pages = board.print_pdf(content)
    figures = content.figures()
    head = content.audit_head
    with transaction.atomic():
        locked = BoardPack.objects.select_for_update().get(pk=pack.pk)
        locked.status, locked.as_of, locked.error = PackStatus.READY, as_of, ""
        locked.pdf, locked.size_bytes, locked.pages = pdf, len(pdf), pages
        locked.sha256 = hashlib.sha256(pdf).hexdigest()
        locked.figures = audit.to_primitive(figures)
        locked.audit_seq, locked.audit_hash = (head.seq, head.hash) if head is not None else (None, "")
        locked.rendered_at = timezone.now()
        locked.render_seconds = round(time.perf_counter() - started, 3)
        locked.save()
        audit.record(actor, "boardpack.rendered", locked, after={
            "period": locked.period, "as_of": as_of, "pages": locked.pages, "bytes": locked.size_bytes,
            "sha256": locked.sha256, "anchor": locked.anchor})
    return locked


@transaction.atomic
def record_board_pack_failure(*, actor: Actor, pack: BoardPack, error: str) -> BoardPack:
    """Mark a pack whose render failed (the job keeps the whole error; retrying the job renders it again)."""
    locked = BoardPack.objects.select_for_update().get(pk=pack.pk)
    if locked.status == PackStatus.READY:
        return locked
    locked.status, locked.error = PackStatus.FAILED, error[:2000]
    locked.save(update_fields=["status", "error"])
    audit.record(actor, "boardpack.failed", locked, after={"period": locked.period, "error": locked.error[:300]})
    return locked
