"""Every write of the jobs app: start a job, run it (on a worker), report progress, finish it,
retry it, and notice jobs whose worker died.

A job runs its kind's handler, which calls the owning app's service with the job's actor: the same
checks, audit rows and all-or-nothing transaction as in a web request. A job whose handler raises
is failed with the error and has written nothing (the service's transaction rolled back).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accord.core import audit
from accord.core.errors import AccordError, ValidationFailed
from accord.core.permissions import Actor, require
from accord.jobs.models import Job, JobStatus
from accord.jobs.registry import KINDS, JobRun
from accord.jobs.selectors import live_progress, progress_key

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 60  # a running job's worker renews this; a job silent for longer has lost its worker
FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)
PENDING = {"pending": True}  # a handler returns this when the job ends later (its children finish it)


def _heartbeat(job_id: int, fraction: float, text: str) -> None:
    cache.set(progress_key(job_id), (max(0.0, min(fraction, 1.0)), text[:300]), HEARTBEAT_SECONDS)


def _create(actor: Actor, kind: str, title: str, args: dict[str, Any], *, parent: Job | None = None,
            retry_of: Job | None = None) -> Job:
    if kind not in KINDS:
        raise ValidationFailed.field("kind", f"unknown job kind {kind!r}")
    require(actor, KINDS[kind].capability)
    job = Job.objects.create(kind=kind, title=title[:300], args=args, actor_id=actor.pk, created_at=timezone.now(),
                             parent=parent, retry_of=retry_of)
    audit.record(actor, "job.queued", job, after={"kind": kind, "title": job.title, "args": args,
                                                   "parent": parent.pk if parent else None})
    return job


@transaction.atomic
def start_job(*, actor: Actor, kind: str, title: str, args: dict[str, Any], retry_of: Job | None = None) -> Job:
    """Queue a job; a worker runs it as soon as one is free."""
    job = _create(actor, kind, title, args, retry_of=retry_of)
    _enqueue(job.pk)
    return job


def _enqueue(job_id: int) -> None:
    from accord.jobs import tasks
    from accord.jobs.queue import huey

    if huey.immediate:
        tasks.execute(job_id)  # tests: run now, inside the caller's transaction
    else:
        transaction.on_commit(lambda: tasks.execute(job_id))  # a worker must see the committed row


def run_job(job_id: int) -> None:
    """Run a queued job (called by a worker). Never raises: the outcome is on the job row."""
    with transaction.atomic():
        job = Job.objects.select_for_update(of=("self",)).select_related("actor").filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return  # gone, or a duplicate delivery of the task
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    _heartbeat(job.pk, 0.0, "started")
    kind = KINDS[job.kind]
    try:
        def report(fraction: float, text: str = "") -> None:
            _heartbeat(job.pk, fraction, text)

        result = kind.handler(JobRun(job.actor, dict(job.args), job.pk, report))
    except AccordError as exc:  # the service refused: the user's input, said plainly
        _finish(job, JobStatus.FAILED, error=str(exc))
    except Exception as exc:  # a bug: say so, and keep the trace in the log
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, error=f"internal error ({type(exc).__name__}): {exc}")
    else:
        if result == PENDING:
            return  # its children finish it
        _finish(job, JobStatus.SUCCEEDED, result=result)


@transaction.atomic
def _finish(job: Job, status: str, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    job = Job.objects.select_for_update(of=("self",)).select_related("actor", "parent").get(pk=job.pk)
    if job.finished:
        return
    job.status, job.finished_at, job.error = status, timezone.now(), error[:5000]
    job.result = audit.to_primitive(result or {})
    if status == JobStatus.SUCCEEDED:
        job.progress, job.progress_text = 1.0, "done"
    else:
        job.progress, job.progress_text = live_progress(job)
    job.save(update_fields=["status", "finished_at", "error", "result", "progress", "progress_text"])
    audit.record(job.actor, f"job.{status}", job, after={"kind": job.kind, "seconds": job.seconds,
                                                          "error": job.error[:300], "result": job.result})
    cache.delete(progress_key(job.pk))
    if job.parent_id is None:
        from accord.notifications.services import job_ended

        job_ended(job)
    else:
        _child_finished(job.parent)


def _child_finished(parent: Job | None) -> None:
    """When the last child of a fanned-out job ends, the parent ends: failed if any child failed."""
    if parent is None:
        return
    # Counted by the database: a parent of a thousand parts is asked this a thousand times.
    tally = parent.children.aggregate(parts=Count("id"), done=Count("id", filter=Q(status__in=FINISHED)),
                                      failed=Count("id", filter=Q(status=JobStatus.FAILED)))
    parts, done, failed = tally["parts"], tally["done"], tally["failed"]
    if done < parts:
        _heartbeat(parent.pk, done / max(parts, 1), f"{done} of {parts} done")
        return
    if failed:
        first: dict[str, Any] = dict(parent.children.filter(status=JobStatus.FAILED).order_by("id")
                                     .values("title", "error").first() or {})
        _finish(parent, JobStatus.FAILED, error=f"{failed} of {parts} parts failed; the first: "
                f"{first.get('title', '')}: {str(first.get('error', ''))[:300]}", result={"parts": parts})
    else:
        results = list(parent.children.order_by("id").values_list("result", flat=True)[:1000])
        _finish(parent, JobStatus.SUCCEEDED, result={"parts": parts, "results": results})


def fan_out(run: JobRun, *, kind: str, parts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """From a handler: queue one child job per part (title, args); the parent ends when the last
    child does. Workers take the children as they are free, so the parts run in parallel."""
    if not parts:
        return {"parts": 0}
    parent = Job.objects.get(pk=run.job_id)
    with transaction.atomic():  # every child exists before the first can finish and count its siblings
        children = [_create(run.actor, kind, title, args, parent=parent) for title, args in parts]
    for child in children:
        _enqueue(child.pk)
    return PENDING


@transaction.atomic
def retry_job(*, actor: Actor, job: Job) -> Job:
    """Run a failed job again with the same arguments, as a new job that points to the old."""
    if job.status != JobStatus.FAILED:
        raise ValidationFailed.field("status", f"job #{job.pk} is {job.status}: only a failed job is retried")
    return start_job(actor=actor, kind=job.kind, title=job.title, args=job.args, retry_of=job)


def fail_lost_jobs(*, actor: Actor, older_than: timedelta = timedelta(seconds=HEARTBEAT_SECONDS * 2)) -> int:
    """Running jobs whose worker stopped reporting (killed, machine lost) are failed, so they can be
    retried; their service transaction never committed, so nothing of theirs was written."""
    stale = timezone.now() - older_than
    lost = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=stale):
        if cache.get(progress_key(job.pk)) is None and not job.children.exists():
            _finish(job, JobStatus.FAILED, error="the worker stopped while running it (killed or lost): "
                    "nothing was written; retry it")
            lost += 1
    return lost
