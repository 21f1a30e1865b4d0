"""Board pack API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from accord.core.api_common import InputSchema, Text


class BoardPackIn(InputSchema):
    period: Text = Field(default="", max_length=20,
                         description="the quarter, e.g. 2026Q4 (default: the last complete quarter)")


class BoardPackOut(Schema):
    id: int
    period: str
    period_start: dt.date
    period_end: dt.date
    status: str = Field(description="queued, running, ready or failed")
    requested_by: str
    requested_at: dt.datetime
    job_id: int | None = Field(description="the render job: follow it at GET /api/v1/jobs/{job_id}")
    job_status: str
    as_of: dt.date | None = Field(description="the day the figures were read (organisation's calendar)")
    rendered_at: dt.datetime | None
    render_seconds: float | None
    pages: int | None
    size_bytes: int | None
    sha256: str
    anchor: str = Field(description="the audit trail's head it printed, as ROW:HASH for accord audit verify --anchor")
    pdf_url: str | None
    error: str

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.state)

    @staticmethod
    def resolve_error(obj: Any) -> str:
        return str(obj.failure)

    @staticmethod
    def resolve_requested_by(obj: Any) -> str:
        return obj.requested_by.username

    @staticmethod
    def resolve_job_status(obj: Any) -> str:
        return obj.job.status if obj.job is not None else ""

    @staticmethod
    def resolve_pdf_url(obj: Any) -> str | None:
        return f"/api/v1/reports/{obj.pk}/pdf" if obj.ready else None


class BoardPackDetailOut(BoardPackOut):
    figures: dict[str, Any] = Field(description="every figure the PDF prints, by section (texts exactly as printed)")


class PackQuery(InputSchema):
    period: str = Field(default="", pattern=r"^(|\d{4}Q[1-4])$", description="only this quarter's packs")
