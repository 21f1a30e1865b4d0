"""Deliveries (email and webhooks) as Huey tasks, retried with growing delays."""

from __future__ import annotations

from typing import Any

from accord.jobs.queue import huey, worker_connection

RETRIES = 5  # after the first attempt: 30 s, 1 min, 2 min, 4 min, 8 min


@huey.task(retries=RETRIES, retry_delay=30, retry_backoff=2, context=True)
def deliver(delivery_id: int, task: Any = None) -> None:
    from accord.notifications.models import Delivery, DeliveryStatus
    from accord.notifications.services import record_attempt, send

    with worker_connection():
        delivery = Delivery.objects.select_related("target").filter(pk=delivery_id).first()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return
        try:
            send(delivery)
        except Exception as exc:
            final = task is None or task.retries == 0
            record_attempt(delivery_id, error=f"{type(exc).__name__}: {exc}", final=final)
            raise  # Huey retries it after the next delay
        record_attempt(delivery_id)
