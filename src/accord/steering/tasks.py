"""The steering committee's background work: printing the steering pack as a job, and the daily
notice of overdue follow-up actions (once per action)."""

from __future__ import annotations

from datetime import date
from typing import Any

from accord.core.permissions import Actor
from accord.jobs.registry import JobRun, register
from accord.jobs.tick import step


@register("steering.pack", "Print the steering pack", capability="steering.write")
def print_pack(run: JobRun) -> dict[str, Any]:
    from accord.steering import selectors, services

    run.progress(0.1, "reading the agenda and its figures")
    meeting = selectors.meeting_by_id(run.actor, int(run.args["meeting"]))
    pack = services.render_pack(actor=run.actor, meeting=meeting)
    return {"pack": pack.pk, "meeting": meeting.pk, "sha256": pack.sha256,
            "url": f"/steering/packs/{pack.pk}.pdf", "summary": f"Steering pack #{pack.pk} for {meeting.title}"}


@step("steering.overdue_actions")
def overdue_actions(actor: Actor, today: date) -> str:
    from accord.steering.services import notify_overdue_follow_ups

    return f"{notify_overdue_follow_ups(actor=actor, today=today)} overdue follow-up(s) announced"
