"""Fixtures of the leadership tests: people in every role, and the organisation's calendar standing on
Wednesday 2 December 2026 (ISO week 2026-W49) until a test moves it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from accord.core.permissions import Role

TODAY = date(2026, 12, 2)  # a Wednesday in 2026-W49


class Today:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Today:
    from accord.core import clock

    current = Today(TODAY)
    monkeypatch.setattr(clock, "today", current)
    return current


@pytest.fixture
def people(make_user: Callable[..., Any], today: Today) -> dict[str, Any]:
    return {
        "ciso": make_user(Role.CISO, username="ciso"),
        "cio": make_user(Role.CIO, username="cio"),
        "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
        "analyst2": make_user(Role.SECURITY_ANALYST, username="analyst2"),
        "itops": make_user(Role.IT_OPERATIONS, username="itops"),
        "owner": make_user(Role.PROJECT_OWNER, username="owner"),
        "steering": make_user(Role.STEERING_MEMBER, username="steering"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
        "board": make_user(Role.BOARD_VIEWER, username="board"),
    }
