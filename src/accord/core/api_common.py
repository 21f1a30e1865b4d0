"""Pieces every router shares: pagination, and the error bodies of refused requests."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

T = TypeVar("T")
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000  # keeps OFFSET inside what every database accepts


class PageQuery(Schema):
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
