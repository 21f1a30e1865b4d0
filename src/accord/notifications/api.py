"""Notifications API: my inbox, marking it read, and my choice of events and channels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, InputSchema, Page, PageQuery, paginate
from accord.notifications import selectors, services

router = Router(tags=["notifications"])
SIGNED_IN = Capability()


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadIn(InputSchema):
    ids: list[DbId] | None = Field(default=None, max_length=1000, description="none: mark everything read")


class ReadOut(Schema):
    marked: int
    unread: int


class ChoiceOut(Schema):
    event: str
    label: str
    channels: dict[str, bool]


class ChoiceIn(InputSchema):
    event: str = Field(max_length=40)
    channel: str = Field(max_length=10)
    enabled: bool


@router.get("/inbox", response={200: Page[NotificationOut], **REFUSALS}, auth=SIGNED_IN)
def inbox(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return paginate(selectors.inbox_of(acting_user(request)), page=query.page, page_size=query.page_size)


@router.post("/inbox/read", response={200: ReadOut, **REFUSALS}, auth=SIGNED_IN)
def mark_read(request: HttpRequest, payload: ReadIn) -> Any:
    actor = acting_user(request)
    marked = services.mark_read(actor=actor, notification_ids=payload.ids)
    return {"marked": marked, "unread": selectors.unread_count(actor)}


@router.get("/preferences", response={200: list[ChoiceOut], **REFUSALS}, auth=SIGNED_IN)
def preferences(request: HttpRequest) -> Any:
    return selectors.choices_of(acting_user(request))


@router.post("/preferences", response={200: list[ChoiceOut], **REFUSALS}, auth=SIGNED_IN)
def set_preference(request: HttpRequest, payload: ChoiceIn) -> Any:
    actor = acting_user(request)
    services.set_preference(actor=actor, event=payload.event, channel=payload.channel, enabled=payload.enabled)
    return selectors.choices_of(actor)
