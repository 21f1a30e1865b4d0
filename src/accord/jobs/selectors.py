"""Reads of jobs: a person sees the jobs they started; administrators and auditors see all."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import Actor
from accord.jobs.models import Job

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
