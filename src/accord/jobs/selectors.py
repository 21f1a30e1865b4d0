"""Reads of jobs: a person sees the jobs they started; administrators and auditors see all."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import Actor
from accord.jobs.models import Job, JobStatus

SEE_ALL = "audit.read"  # the people who may read the audit trail may see everyone's jobs


def jobs_visible_to(viewer: Actor, *, status: str = "") -> QuerySet[Job]:
    qs = Job.objects.select_related("actor").filter(parent__isnull=True)
    if SEE_ALL not in viewer.capabilities:
        qs = qs.filter(actor_id=viewer.pk)
    return qs.filter(status=status) if status else qs


def job_by_id(viewer: Actor, job_id: int) -> Job:
    qs = Job.objects.select_related("actor", "parent", "retry_of")
    if SEE_ALL not in viewer.capabilities:
        qs = qs.filter(actor_id=viewer.pk)
    job = qs.filter(pk=job_id).first()
    if job is None:
        raise NotFound("job", job_id)
    return job


def progress_key(job_id: int) -> str:
    return f"accord:job:{job_id}:progress"


def live_progress(job: Job) -> tuple[float, str]:
    """The latest progress a running job reported (the cache), else what the row says."""
    if job.status == JobStatus.RUNNING:
        latest = cache.get(progress_key(job.pk))
        if latest is not None:
            return float(latest[0]), str(latest[1])
    return job.progress, job.progress_text


def progress_of(job: Job) -> dict[str, Any]:
    """What a job's progress bar shows (the jobs page and every page that follows a job)."""
    fraction, text = live_progress(job)
    children = list(job.children.order_by("id")) if job.children.exists() else []
    return {"job": job, "fraction": fraction, "percent": round(fraction * 100), "text": text,
            "children": children, "done_children": sum(1 for c in children if c.finished)}
