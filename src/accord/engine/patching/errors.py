"""The one error the patch engine raises for bad input."""

from __future__ import annotations


class InvalidInstance(ValueError):
    """An instance refused at the door, naming the field path that is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
