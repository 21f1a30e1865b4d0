"""Pieces every router shares: pagination, and the error bodies of refused requests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from pydantic import AfterValidator, Field, model_validator

T = TypeVar("T")
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000  # keeps OFFSET inside what every database accepts

# A row id as the API accepts it: positive and inside a 64-bit integer, so that a wild id answers
# 404 or 422 instead of an "integer out of range" error from the database.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _refuse_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Text as the API accepts it. PostgreSQL cannot store NUL characters, so they are refused up front.
Text = Annotated[str, AfterValidator(_refuse_nul)]


def _as_utc(value: dt.datetime) -> dt.datetime:
    try:
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except OverflowError:
        raise ValueError("date out of range") from None


# A moment as the API accepts it: any offset is turned into UTC (a naive time is taken as UTC), so the
# database never sees an offset it cannot store (PostgreSQL allows at most ±15:59).
Moment = Annotated[dt.datetime, AfterValidator(_as_utc)]


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_contains_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    return False


class InputSchema(Schema):
    """Base of every request body and query schema: refuses NUL characters in any text field."""

    @model_validator(mode="after")
    def _no_nul_characters(self) -> Any:
        for name, value in self.__dict__.items():
            if _contains_nul(value):
                raise ValueError(f"{name} must not contain NUL characters")
        return self


class PageQuery(InputSchema):
    """Paging parameters every list takes; out-of-range values are refused with a 422."""

    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)


class ProblemOut(Schema):
    field: str
    message: str
    line: int | None = None
    column: str | None = None


class ErrorOut(Schema):
    detail: str
    problems: list[ProblemOut] = []


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    items: list[T]


def paginate(queryset: QuerySet[Any], *, page: int, page_size: int) -> dict[str, Any]:
    page = min(max(page, 1), MAX_PAGE)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    start = (page - 1) * page_size
    return {"count": queryset.count(), "page": page, "page_size": page_size,
            "items": list(queryset[start:start + page_size])}


REFUSALS: dict[int | frozenset[int], Any] = {
    frozenset({401, 403, 404, 422}): ErrorOut,
}


def changes_of(payload: Any) -> dict[str, Any]:
    """The fields a PATCH body sets (those left out keep their value)."""
    return dict(payload.dict(exclude_unset=True))
