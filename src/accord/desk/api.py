"""The desk over the API: the home page's tiles and what waits for the caller, the same figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS
from accord.desk.selectors import desk_for

router = Router(tags=["desk"])


class TileOut(Schema):
    label: str
    value: str
    note: str
    url: str
    tone: str


class BatchOut(Schema):
    kind: str
    count: int
    url: str


class WaitingOut(Schema):
    total: int
    signoffs: list[int]
    batches: list[BatchOut]


class ServiceCountOut(Schema):
    service: str
    findings: int
    url: str


class DeskOut(Schema):
    desk: str
    title: str
    currency: str
    tiles: list[TileOut]
    waiting: WaitingOut
    kev_past_due_by_service: list[ServiceCountOut]
    as_of: dt.datetime | None = Field(None, description="set when finding counts are from before the latest "
                                                        "change (being recomputed): when they were counted")


@router.get("/", response={200: DeskOut, **REFUSALS}, auth=Capability())
def get_desk(request: HttpRequest) -> Any:
    mine = desk_for(acting_user(request))
    return {"desk": mine.role, "title": mine.title, "currency": mine.currency, "tiles": mine.tiles,
            "waiting": {"total": mine.waiting.total, "signoffs": [s.pk for s in mine.waiting.single],
                        "batches": [{"kind": b.kind_label, "count": b.count, "url": b.url}
                                    for b in mine.waiting.batches]},
            "kev_past_due_by_service": [{"service": line.label, "findings": line.count, "url": line.url}
                                        for line in mine.kev_by_service], "as_of": mine.as_of}
