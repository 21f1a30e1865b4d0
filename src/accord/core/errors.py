"""Errors that services raise and that the web, API and CLI all turn into clear messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (field, and line/column for files) and why."""

    field: str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        elif self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "message": self.message, "line": self.line, "column": self.column}


class AccordError(Exception):
    """Base of the errors a user can act on."""


class ValidationFailed(AccordError):
    """The input was refused as a whole; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem, *, source: str = "") -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(str(p) for p in self.problems[:20]))

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(Problem(field=field, message=message))


class NotAllowed(AccordError):
    """The acting user lacks the capability."""

    def __init__(self, capability: str) -> None:
        self.capability = capability
        super().__init__(f"you are not allowed to do this (needs the capability {capability!r})")


class NotFound(AccordError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found")
