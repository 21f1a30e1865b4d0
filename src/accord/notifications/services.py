"""Every write of notifications: telling people (inbox, email, webhooks), reading the inbox,
choosing events and channels, and managing the organisation's webhook targets.

`notify` writes the inbox rows in the caller's transaction (they commit with the change they are
about) and queues each email and webhook call as a delivery sent by a worker after the commit,
with retries and growing delays: a slow mail server never slows a page, and a failed delivery is
retried, then marked failed with its error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, require
from accord.notifications.models import (
    DEFAULT_CHANNELS,
    Channel,
    Delivery,
    DeliveryStatus,
    Event,
    Notification,
    Preference,
    TargetKind,
    WebhookTarget,
)

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT = 10


def _wants(user: Any, event: str) -> set[str]:
    chosen = {p.channel: p.enabled for p in Preference.objects.filter(user=user, event=event)}
    return {channel for channel in Channel.values if chosen.get(channel, channel in DEFAULT_CHANNELS[event])}


def _absolute(url: str) -> str:
    return url if url.startswith("http") or not url else f"{settings.ACCORD_BASE_URL}{url}"


def notify(*, event: str, recipients: Iterable[Any], title: str, body: str = "", url: str = "",
           payload: dict[str, Any] | None = None) -> list[Notification]:
    """Tell `recipients` about `event`: inbox rows now, emails and webhook posts queued."""
    if event not in Event.values:
        raise ValueError(f"unknown event {event!r}")
    now = timezone.now()
    created: list[Notification] = []
    deliveries: list[Delivery] = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        channels = _wants(user, event)
        if Channel.INBOX in channels:
            created.append(Notification(user=user, event=event, title=title[:300], body=body, url=url[:300],
                                        created_at=now))
        if Channel.EMAIL in channels and user.email:
            deliveries.append(Delivery(channel="email", event=event, recipient=user.email, subject=title[:300],
                                       body=f"{body}\n\n{_absolute(url)}".strip(), created_at=now))
    Notification.objects.bulk_create(created)
    for target in WebhookTarget.objects.filter(active=True):
        if event in target.events:
            deliveries.append(Delivery(channel="webhook", event=event, recipient=target.name, target=target,
                                       subject=title[:300], body=body,
                                       payload=audit.to_primitive({**(payload or {}), "url": _absolute(url)}),
                                       created_at=now))
    for delivery in deliveries:
        delivery.save()
        _queue_delivery(delivery.pk)
    return created


def _queue_delivery(delivery_id: int) -> None:
    from accord.jobs.queue import huey
    from accord.notifications import tasks

    if huey.immediate:
        tasks.deliver(delivery_id)
    else:
        transaction.on_commit(lambda: tasks.deliver(delivery_id))


# Sending (on a worker) ---------------------------------------------------------------------------

def webhook_body(target: WebhookTarget, delivery: Delivery) -> dict[str, Any]:
    """Slack and Teams incoming webhooks take a text message; the generic payload is the event."""
    link = delivery.payload.get("url", "")
    text = f"*{delivery.subject}*\n{delivery.body}\n{link}".strip()
    if target.kind == TargetKind.SLACK:
        return {"text": text}
    if target.kind == TargetKind.TEAMS:
        return {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": delivery.subject,
                "title": delivery.subject, "text": f"{delivery.body}\n\n{link}".strip()}
    return {"event": delivery.event, "title": delivery.subject, "body": delivery.body,
            "sent_at": timezone.now().isoformat(), **delivery.payload}


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>` of the body with the target's secret, as the receiver recomputes it."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send(delivery: Delivery) -> None:
    """Send once; raises on failure (the task retries with growing delays)."""
    if delivery.channel == "email":
        send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.recipient])
        return
    target = delivery.target
    if target is None:
        raise RuntimeError("the webhook target was deleted")
    body = json.dumps(webhook_body(target, delivery), separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": "Accord"}
    if target.kind == TargetKind.GENERIC and target.secret:
        headers["X-Accord-Signature"] = signature(target.secret, body)
    if not target.url.startswith(("https://", "http://")):  # checked when added; never file:// or ftp://
        raise RuntimeError(f"refused to post to {target.url!r}: not an http(s) address")
    request = urllib.request.Request(target.url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 - http(s) only
        if response.status >= 300:
            raise RuntimeError(f"the webhook answered {response.status}")


def record_attempt(delivery_id: int, *, error: str = "", final: bool = False) -> None:
    delivery = Delivery.objects.get(pk=delivery_id)
    delivery.attempts += 1
    if not error:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
    else:
        delivery.last_error = error[:500]
        if final:
            delivery.status = DeliveryStatus.FAILED
    delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])


# The inbox ---------------------------------------------------------------------------------------

@transaction.atomic
def mark_read(*, actor: Actor, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    count = unread.update(read_at=timezone.now())
    if count:
        audit.record(actor, "notifications.read", None, after={"count": count})
    return count


@transaction.atomic
def set_preference(*, actor: Actor, event: str, channel: str, enabled: bool) -> Preference:
    if event not in Event.values:
        raise ValidationFailed.field("event", f"must be one of {', '.join(Event.values)}")
    if channel not in Channel.values:
        raise ValidationFailed.field("channel", f"must be one of {', '.join(Channel.values)}")
    preference, _ = Preference.objects.update_or_create(user_id=actor.pk, event=event, channel=channel,
                                                        defaults={"enabled": bool(enabled)})
    audit.record(actor, "notification_preference.set", preference,
                 after={"event": event, "channel": channel, "enabled": bool(enabled)})
    return preference


# Webhook targets (the organisation's, managed by administrators) --------------------------------

def _check_events(events: Any) -> list[str]:
    if not isinstance(events, list) or not events or any(e not in Event.values for e in events):
        raise ValidationFailed.field("events", f"a list of events among {', '.join(Event.values)}")
    return sorted(set(events))


@transaction.atomic
def add_webhook(*, actor: Actor, name: str, kind: str, url: str, events: list[str], secret: str = "") -> WebhookTarget:
    require(actor, "user.manage")
    from accord.core.crud import validate

    if kind not in TargetKind.values:
        raise ValidationFailed.field("kind", f"must be one of {', '.join(TargetKind.values)}")
    if not url.startswith(("https://", "http://")):
        raise ValidationFailed.field("url", "must be an http(s) address")
    target = WebhookTarget(name=(name or "").strip(), kind=kind, url=url.strip(), events=_check_events(events),
                           secret=secret.strip())
    validate(target)
    target.save()
    audit.record(actor, "webhook.added", target, after={**audit.snapshot(target, exclude=("secret",)),
                                                        "signed": bool(target.secret)})
    return target


@transaction.atomic
def remove_webhook(*, actor: Actor, target: WebhookTarget) -> None:
    require(actor, "user.manage")
    audit.record(actor, "webhook.removed", target, before=audit.snapshot(target, exclude=("secret",)))
    target.delete()


# What other apps report -------------------------------------------------------------------------

def job_ended(job: Any) -> None:
    """A job someone started has finished or failed: tell them."""
    failed = job.status == "failed"
    notify(event=Event.JOB_FAILED if failed else Event.JOB_FINISHED, recipients=[job.actor],
           title=f"{'Failed' if failed else 'Done'}: {job.title}",
           body=job.error[:1000] if failed else str(job.result.get("summary", "")),
           url=f"/jobs/{job.pk}/", payload={"job": job.pk, "kind": job.kind, "status": job.status})
