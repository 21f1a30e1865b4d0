"""Jobs API: start a job of a registered kind, follow its progress, retry a failed one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, InputSchema, Page, PageQuery, Text, paginate
from accord.jobs import selectors, services
from accord.jobs.registry import KINDS

router = Router(tags=["jobs"])
SIGNED_IN = Capability()


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str = Field(description="queued, running, succeeded or failed")
    progress: float
    progress_text: str
    result: dict[str, Any]
    error: str
    actor: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds: float | None
    parts: int
    parts_done: int
    retry_of_id: int | None

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return obj.actor.username

    @staticmethod
    def resolve_progress(obj: Any) -> float:
        return selectors.live_progress(obj)[0]

    @staticmethod
    def resolve_progress_text(obj: Any) -> str:
        return selectors.live_progress(obj)[1]

    @staticmethod
    def resolve_parts(obj: Any) -> int:
        return obj.children.count()

    @staticmethod
    def resolve_parts_done(obj: Any) -> int:
        return obj.children.filter(status__in=("succeeded", "failed")).count()


class JobIn(InputSchema):
    kind: str = Field(max_length=60, description="one of the kinds listed by GET /jobs/kinds")
    title: Text = Field(default="", max_length=300)
    args: dict[str, Any] = Field(default_factory=dict, description="the kind's arguments")


class JobQuery(PageQuery):
    status: str = Field(default="", pattern="^(|queued|running|succeeded|failed)$")


class KindOut(Schema):
    name: str
    label: str
    capability: str


@router.get("/kinds", response={200: list[KindOut], **REFUSALS}, auth=SIGNED_IN)
def list_kinds(request: HttpRequest) -> Any:
    return [{"name": k.name, "label": k.label, "capability": k.capability} for k in KINDS.values()]


@router.get("/", response={200: Page[JobOut], **REFUSALS}, auth=SIGNED_IN)
def list_jobs(request: HttpRequest, query: Query[JobQuery]) -> Any:
    return paginate(selectors.jobs_visible_to(acting_user(request), status=query.status), page=query.page,
                    page_size=query.page_size)


@router.post("/", response={202: JobOut, **REFUSALS}, auth=SIGNED_IN)
def start_job(request: HttpRequest, payload: JobIn) -> Any:
    """Queue a job (202): follow it at GET /jobs/{id}. The kind's capability is required."""
    actor = acting_user(request)
    label = KINDS[payload.kind].label if payload.kind in KINDS else payload.kind
    job = services.start_job(actor=actor, kind=payload.kind, title=payload.title or label, args=payload.args)
    return Status(202, selectors.job_by_id(actor, job.pk))


@router.get("/{job_id}", response={200: JobOut, **REFUSALS}, auth=SIGNED_IN)
def get_job(request: HttpRequest, job_id: DbId) -> Any:
    return selectors.job_by_id(acting_user(request), job_id)


@router.post("/{job_id}/retry", response={202: JobOut, **REFUSALS}, auth=SIGNED_IN)
def retry_job(request: HttpRequest, job_id: DbId) -> Any:
    actor = acting_user(request)
    again = services.retry_job(actor=actor, job=selectors.job_by_id(actor, job_id))
    return Status(202, selectors.job_by_id(actor, again.pk))
