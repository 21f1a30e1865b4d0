"""Reads of the steering committee for other apps (the board pack, the desk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BoardRequest:
    """A decision the committee asks the board to take."""

    question: str
    background: str
    options: tuple[str, ...]
    recommendation: str
    url: str


def decisions_requested_from_board(start: date, end: date) -> list[BoardRequest]:
    raise NotImplementedError  # implemented by the steering work
