"""Posture API schemas. The framework, profile and comparison documents are the selectors' own plain
JSON (`as_document`), so the API says what the pages and `accord csf ... --json` say."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StringConstraints

from accord.core.api_common import DbId, InputSchema, PageQuery, Text

Score = Annotated[int, Field(ge=0, le=4)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]


class FrameworkOut(Schema):
    key: str
    title: str
    version: str
    builtin: bool
    counts: dict[str, int]


class AssessmentOut(Schema):
    id: int
    title: str
    framework_key: str
    assessed_on: dt.date
    tier: int | None
    tier_label: str | None
    notes: str
    created_by: str | None

    @staticmethod
    def resolve_tier_label(obj: Any) -> str | None:
        return obj.get_tier_display() if obj.tier else None

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        return obj.created_by.username if obj.created_by else None


class ScoreOut(Schema):
    subcategory: str
    current: int | None
    target: int | None
    evidence: str
    owner: str | None
    scored_on: dt.date | None

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return obj.owner.username if obj.owner else None


class AssessmentDetailOut(AssessmentOut):
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(obj: Any) -> list[Any]:
        return list(obj.scores.select_related("owner").order_by("subcategory"))


class AssessmentIn(InputSchema):
    title: Text = Field(max_length=200)
    assessed_on: dt.date
    framework_key: Key = "csf-2.0"
    tier: int | None = Field(default=None, ge=1, le=4)
    notes: Text = ""
    copy_from: DbId | None = Field(default=None, description="Start with the scores of this assessment.")


class AssessmentPatch(InputSchema):
    title: Text | None = Field(default=None, max_length=200)
    assessed_on: dt.date | None = None
    tier: int | None = Field(default=None, ge=1, le=4)
    notes: Text | None = None


class ScoreIn(InputSchema):
    current: Score | None = None
    target: Score | None = None
    evidence: Text = ""
    owner: Text | None = Field(default=None, description="The username of who owns this outcome.")
    scored_on: dt.date | None = Field(default=None, description="Default: today in the organisation's calendar.")


class ProfileQuery(InputSchema):
    benchmark: Text = Field(default="", description="A benchmark key (default: imported, else the synthetic one).")
    mode: Text = Field(default="mean", description="mean, or strict (all-or-nothing).")


class CompareQuery(InputSchema):
    ids: Text = Field(default="", description="Comma-separated assessment ids (default: all of CSF 2.0).")
    mode: Text = "mean"


class AssessmentQuery(PageQuery):
    framework: Text = ""


class BenchmarkOut(Schema):
    key: str
    title: str
    label: str
    framework: str
    industry: str
    size: str
    source: str
    synthetic: bool
    as_of: str
    shipped: bool
    values: dict[str, float]
