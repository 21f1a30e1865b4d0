"""Reads of notifications: a user's inbox and unread count, their choices, the webhook targets."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accord.core.permissions import Actor, HasCapabilities, require
from accord.notifications.models import (
    DEFAULT_CHANNELS,
    Channel,
    Delivery,
    Event,
    Notification,
    Preference,
    WebhookTarget,
)


def inbox_of(viewer: Actor) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=viewer.pk).order_by("-created_at", "-id")


def unread_count(viewer: Actor) -> int:
    return Notification.objects.filter(user_id=viewer.pk, read_at__isnull=True).count()


@dataclass(frozen=True)
class Choice:
    event: str
    label: str
    channels: dict[str, bool]


def choices_of(viewer: Actor) -> list[Choice]:
    saved = {(p.event, p.channel): p.enabled for p in Preference.objects.filter(user_id=viewer.pk)}
    return [Choice(event, label, {channel: saved.get((event, channel), channel in DEFAULT_CHANNELS[event])
                                  for channel in Channel.values})
            for event, label in Event.choices]


def webhooks_visible_to(viewer: HasCapabilities) -> QuerySet[WebhookTarget]:
    require(viewer, "user.manage")
    return WebhookTarget.objects.order_by("name")


def recent_deliveries(viewer: HasCapabilities, *, limit: int = 50) -> list[Delivery]:
    require(viewer, "user.manage")
    return list(Delivery.objects.select_related("target").order_by("-created_at", "-id")[:limit])
