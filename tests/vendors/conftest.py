"""People in the roles that meet the vendor register (each with an entry in the directory), two business
services, a controllable clock (`frozen`: the services and `clock.today()` read `timezone.now()`), and a
helper that registers a vendor through the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.core.permissions import Role
from accord.vendors import questionnaire, services

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 2 March 2026, midday UTC (the tests' TIME_ZONE is UTC)


class FrozenClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    clock = FrozenClock(START)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def people(make_user: Callable[..., Any], admin: Any) -> dict[str, Any]:
    from accord.org import services as org

    users = {
        "ciso": make_user(Role.CISO, username="ciso"),
        "cio": make_user(Role.CIO, username="cio"),
        "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
        "itops": make_user(Role.IT_OPERATIONS, username="itops"),
        "owner": make_user(Role.PROJECT_OWNER, username="owner"),
        "board": make_user(Role.BOARD_VIEWER, username="board"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
    }
    for name, user in users.items():
        org.create_person(actor=admin, name=f"{name.title()} Person", email=f"{name}@example.com", user=user)
    users["admin"] = admin
    return users


@pytest.fixture
def person(people: dict[str, Any]) -> Callable[[str], Any]:
    from accord.org.models import Person

    return lambda username: Person.objects.get(email=f"{username}@example.com")


@pytest.fixture
def business(admin: Any) -> dict[str, Any]:
    from accord.org import services as org

    return {"shop": org.create_business_service(actor=admin, name="Web shop", criticality_tier=1),
            "intranet": org.create_business_service(actor=admin, name="Intranet", criticality_tier=3)}


@pytest.fixture
def make_vendor(people: dict[str, Any], person: Callable[[str], Any]) -> Callable[..., Any]:
    def make(name: str = "PayCo", **fields: Any) -> Any:
        values = {"service_provided": "Card payments", "owner": person("cio"), "data_sensitivity": "restricted",
                  "criticality": "critical", **fields}
        return services.create_vendor(actor=people["ciso"], name=name, **values)

    return make


def all_answers(key: str = "yes") -> dict[str, str]:
    """Every question of the questionnaire in force answered with `key`."""
    return {q.id: key for q in questionnaire.current().questions}
