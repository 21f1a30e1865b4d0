"""Permission-scoped reads of board packs: the board, the leadership and auditors read them."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import HasCapabilities, require
from accord.packs.models import BoardPack

READ = "report.read"
GENERATE = "report.generate"


def packs_visible_to(viewer: HasCapabilities, *, period: str = "") -> QuerySet[BoardPack]:
    """Board packs, newest request first, without their PDF bytes (read them with `pack_pdf`)."""
    require(viewer, READ)
    qs = BoardPack.objects.select_related("requested_by", "job").defer("pdf")
    return qs.filter(period=period) if period else qs


def pack_by_id(viewer: HasCapabilities, pack_id: int) -> BoardPack:
    pack = packs_visible_to(viewer).filter(pk=pack_id).first()
    if pack is None:
        raise NotFound("board pack", pack_id)
    return pack


def pack_pdf(viewer: HasCapabilities, pack: BoardPack) -> bytes:
    """The pack's PDF (refused as not found while it is not rendered)."""
    require(viewer, READ)
    data = BoardPack.objects.filter(pk=pack.pk, status="ready").values_list("pdf", flat=True).first()
    if data is None:
        raise NotFound("board pack PDF", pack.pk)
    return bytes(data)
