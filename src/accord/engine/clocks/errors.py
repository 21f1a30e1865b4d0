"""What the clocks refuse, and where: every error names the field (and the file, for data files)."""

from __future__ import annotations

from collections.abc import Iterable


class ClockInputError(ValueError):
    """Bad input to a clock: `field` says which one (e.g. `hours[2]`, `pauses[0]`, `deadlines[1].within`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidClockFile(ClockInputError):
    """A regime or calendar file that cannot be used: the file, the field and what is wrong."""

    def __init__(self, path: object, field: str, message: str) -> None:
        super().__init__(field, message)
        self.path = str(path)
        self.args = (f"{self.path}: {field}: {message}",)

    def __str__(self) -> str:
        return str(self.args[0])


class MissingMoments(ClockInputError):
    """A regime cannot give any deadline yet: none of its rules has every moment it counts from."""

    def __init__(self, regime: str, needed: Iterable[tuple[str, str]]) -> None:
        pairs = list(needed)
        self.regime = regime
        self.moments = tuple(dict.fromkeys(moment for moment, _ in pairs))
        wanted = "; ".join(f"{moment} (for {rule})" for moment, rule in pairs)
        super().__init__(", ".join(self.moments),
                         f"regime {regime!r} has no deadline it can compute yet: give {wanted}")
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.message
