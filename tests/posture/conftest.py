"""People for the posture tests (the two leaders write; an analyst, the board and an auditor read; a
project owner sees nothing of it) and the fixture files written for these tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord.core.permissions import Role

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "ciso": make_user(Role.CISO, username="ciso"),
        "cio": make_user(Role.CIO, username="cio"),
        "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
        "board": make_user(Role.BOARD_VIEWER, username="board"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
        "owner": make_user(Role.PROJECT_OWNER, username="owner"),
    }


def _upload(path_or_bytes: Path | bytes) -> io.BytesIO:
    raw = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return io.BytesIO(raw)


@pytest.fixture
def upload() -> Callable[[Path | bytes], io.BytesIO]:
    """A file-like object of a fixture file or of bytes, as a service reads an upload."""
    return _upload


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
