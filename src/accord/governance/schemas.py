from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from accord.core.api_common import PageQuery


class ApprovalOut(Schema):
    slot: int
    role: str
    user: str
    approved: bool
    comment: str
    at: dt.datetime

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return obj.user.username


class SignOffOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject_type: str
    subject_id: str
    subject_label: str
    subject_url: str
    summary: str
    figures: dict[str, Any]
    inputs_hash: str = Field(description="SHA-256 of the inputs it was asked on; a change voids it")
    slots: list[list[str]] = Field(description="roles that must approve, one approval per slot")
    distinct_people: bool
    status: str = Field(description="open, granted, rejected, voided, expired or withdrawn")
    requested_by: str
    requested_at: dt.datetime
    expires_on: dt.date | None
    closed_at: dt.datetime | None
    close_reason: str
    approvals: list[ApprovalOut]

    @staticmethod
    def resolve_requested_by(obj: Any) -> str:
        return obj.requested_by.username

    @staticmethod
    def resolve_approvals(obj: Any) -> list[Any]:
        return list(obj.approvals.all())


class SignOffQuery(PageQuery):
    status: str = Field(default="", pattern="^(|open|granted|rejected|voided|expired|withdrawn)$")
    kind: str = Field(default="", max_length=40)
    waiting: bool = Field(default=False, description="only what still needs the caller's approval")


class DecisionOut(Schema):
    id: int
    question: str
    options: list[Any]
    outcome: str
    rationale: str
    figures: dict[str, Any]
    subject_type: str
    subject_id: str
    subject_label: str
    signoff_id: int | None
    reverses_id: int | None
    decided_by: str
    decided_at: dt.datetime
    decided_on: dt.date

    @staticmethod
    def resolve_decided_by(obj: Any) -> str:
        return obj.decided_by.username
