"""The one error the FAIR engine raises for bad input."""

from __future__ import annotations


class InvalidScenario(ValueError):
    """Bad scenario input; `path` names where (e.g. ``scenario bec, field lef``), `message` says why."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)
