"""Pieces every router shares: pagination, and the error bodies of refused requests."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import NinjaAPI, Schema
from ninja.openapi import schema as ninja_openapi
from ninja.schema import DjangoGetter, NinjaGenerateJsonSchema
from pydantic import AfterValidator, Field, model_validator
from pydantic.json_schema import DefsRef

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


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


class InputSchema(Schema):
    """Base of every request body and query schema: refuses a body that is not a JSON object and NUL
    characters in any text field."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja's Schema reads its fields as attributes of whatever it is given (it is built to read
        # model rows), so without this a body such as [null, null] passed as an object whose fields
        # are all left out.
        given = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(given, dict | Schema):
            raise ValueError(f"must be a JSON object, not {_json_type(given)}")
        return data

    @model_validator(mode="after")
    def _no_nul_characters(self) -> Any:
        for name, value in self.__dict__.items():
            if _contains_nul(value):
                raise ValueError(f"{name} must not contain NUL characters")
        return self


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def kept_when_absent(**constraints: Any) -> Any:
    """A PATCH field that may be left out (the value is kept) but not sent as null, because its column
    cannot hold NULL: declare it `name: Text = kept_when_absent(max_length=...)`. The schema shows no
    default, and null is refused with a 422 naming the field instead of reaching the database."""
    return Field(default=None, json_schema_extra=_without_default, **constraints)


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
    frozenset({401, 403, 404, 422, 429}): ErrorOut,  # 429: accord.core.rate_limits
}

# What every operation may answer besides its success, with the same body (ErrorOut). The API adds
# them to each operation's OpenAPI (AccordApi below), so no decorator has to list them.
ERROR_RESPONSES: dict[int, str] = {
    400: "The body is not valid JSON.",
    401: "No credentials, or a token that is unknown, revoked or expired.",
    403: "Signed in, but the role lacks the capability; or a session request without its CSRF token.",
    404: "The object named in the path does not exist or is not visible to you.",
    409: "The change conflicts with a record written at the same time (e.g. the same unique name).",
    422: "The request is not valid: `problems` names each field and what is wrong with it.",
    429: "Too many requests: wait for the number of seconds in the Retry-After header.",
}


class _AppQualifiedNames(NinjaGenerateJsonSchema):
    """Times of day as a pattern, not JSON Schema's "time" format (see time_schema). Names each schema component after its class, prefixed with its app (`RisksSettingsOut`) when
    another app has a class of the same name.

    ninja builds the schema of each operation separately and merges the components by class name, so
    risks' and incidents' `SettingsOut` became one component and the OpenAPI described one app's
    answer with the other's fields."""

    def time_schema(self, schema: Any) -> Any:
        # JSON Schema's "time" format is RFC 3339's full-time, which needs an offset; a time of day
        # (a working day's start, "09:00:00") has none, so the pattern says what is sent and taken.
        return {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"}

    def get_defs_ref(self, core_mode_ref: Any) -> Any:
        defs_ref = super().get_defs_ref(core_mode_ref)
        core_ref = core_mode_ref[0].rsplit(":", 1)[0]
        module, _, name = core_ref.rpartition(".")
        if module.startswith("accord.") and name in _shared_class_names():
            app = module.split(".")[1]
            qualified = app.capitalize() + name
            choices = self._prioritized_defsref_choices[defs_ref]
            mode = choices[1].rsplit("-", 1)[-1]
            choices[0:2] = [DefsRef(qualified), DefsRef(f"{qualified}-{mode}")]
        return defs_ref


@functools.cache
def _shared_class_names() -> frozenset[str]:
    def subclasses(cls: type) -> Iterator[type]:
        sub: type
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("accord."):
            modules.setdefault(cls.__name__, set()).add(cls.__module__.split(".")[1])
    return frozenset(name for name, apps in modules.items() if len(apps) > 1)


# ninja names the generator in its OpenAPI module; this is the one seam to choose the names.
ninja_openapi.NinjaGenerateJsonSchema = _AppQualifiedNames  # type: ignore[misc]


class AccordApi(NinjaAPI):
    """The API whose OpenAPI lists, on every operation, the refusals its exception handlers send."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"$ref": "#/components/schemas/ErrorOut"}  # there: REFUSALS puts it on every operation
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, meaning in ERROR_RESPONSES.items():
                    responses[status] = {"description": meaning,
                                              "content": {"application/json": {"schema": error}}}
        return schema


def file_download(*media_types: str, description: str) -> dict[str, Any]:
    """`openapi_extra` of an operation that answers a file instead of JSON: its 200 response, in each
    media type it sends (declare the operation with `response=REFUSALS`, no 200 of its own)."""
    body = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": dict.fromkeys(media_types, body)}}}


def changes_of(payload: Any) -> dict[str, Any]:
    """The fields a PATCH body sets (those left out keep their value)."""
    return dict(payload.dict(exclude_unset=True))
