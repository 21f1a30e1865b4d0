"""People in every role of the reviews area, each with an entry in the directory; two projects of the
roadmap; and a controllable clock (`frozen`): the services take `timezone.now()`, so a test moves time
on to see SLA clocks run, pause and breach.

Calendar: the defaults (09:00-17:00, Monday to Friday, no holidays) in UTC, the test TIME_ZONE.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accord.core.permissions import Role
from accord.reviews import services

FIXTURES = Path(__file__).parent / "fixtures"
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC: the working day starts


class FrozenClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    clock = FrozenClock(MONDAY)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def people(make_user: Callable[..., Any], admin: Any) -> dict[str, Any]:
    from accord.org import services as org

    users = {
        "ciso": make_user(Role.CISO, username="ciso"),
        "cio": make_user(Role.CIO, username="cio"),
        "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
        "analyst2": make_user(Role.SECURITY_ANALYST, username="analyst2"),
        "owner": make_user(Role.PROJECT_OWNER, username="owner"),
        "other_owner": make_user(Role.PROJECT_OWNER, username="other_owner"),
        "itops": make_user(Role.IT_OPERATIONS, username="itops"),
        "steering": make_user(Role.STEERING_MEMBER, username="steering"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
        "board": make_user(Role.BOARD_VIEWER, username="board"),
        "admin": admin,
    }
    names = {"ciso": "Dana Okafor", "cio": "Martin Keller", "analyst": "Priya Raman", "analyst2": "Ola Berg",
             "owner": "Lucia Ferreira", "other_owner": "Kofi Mensah"}
    persons = {key: org.create_person(actor=admin, name=name, email=f"{key}@example.com", user=users[key])
               for key, name in names.items()}
    return {**users, "person": persons}


@pytest.fixture
def portal(people: dict[str, Any], org_data: dict[str, Any]) -> Any:
    """Confidential data on the public internet: a full (threat-model) review by the table."""
    return services.create_project(actor=people["owner"], name="Customer portal v2", owner=people["person"]["owner"],
                                   sponsor=people["person"]["cio"], business_service=org_data["web"],
                                   data_classification="confidential", exposure="public", status="in_progress")


@pytest.fixture
def intranet(people: dict[str, Any]) -> Any:
    """Internal data, internal only: a light review by the table."""
    return services.create_project(actor=people["cio"], name="Intranet search", owner=people["person"]["owner"],
                                   data_classification="internal", exposure="none")
