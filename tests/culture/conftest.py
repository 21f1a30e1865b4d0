"""People in every role the culture area cares about, a small directory (four IT teams and Finance),
and a frozen clock: `today()` is 2026-03-02 (TIME_ZONE is UTC in the tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.utils import timezone

from accord.core.permissions import Role

TODAY = date(2026, 3, 2)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return TODAY


@pytest.fixture
def people(make_user: Callable[..., Any], admin: Any, frozen: date) -> dict[str, Any]:
    from accord.org import services as org

    users = {
        "ciso": make_user(Role.CISO, username="ciso"),
        "cio": make_user(Role.CIO, username="cio"),
        "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
        "analyst2": make_user(Role.SECURITY_ANALYST, username="analyst2"),
        "itops": make_user(Role.IT_OPERATIONS, username="itops"),
        "steering": make_user(Role.STEERING_MEMBER, username="steering"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
        "board": make_user(Role.BOARD_VIEWER, username="board"),
        "admin": admin,
    }
    teams = {name: org.create_team(actor=admin, name=name)
             for name in ("Platform", "Network", "Data", "Commerce", "Finance")}
    persons = {}
    for team_name, names in {"Platform": ("Ana Adler", "Ben Bauer"), "Network": ("Cleo Costa",),
                             "Data": ("Dan Dubois",), "Commerce": ("Eva Eriksen",), "Finance": ("Finn Fischer",)}.items():
        for name in names:
            persons[name] = org.create_person(actor=admin, name=name, team=teams[team_name],
                                              email=name.lower().replace(" ", ".") + "@example.com")
    return {**users, "team": teams, "person": persons}


@pytest.fixture
def culture(people: dict[str, Any], frozen: date) -> dict[str, Any]:
    """Two programme teams (one covered), a campaign without results, a stakeholder 30 days overdue."""
    from accord.culture import services

    ciso = people["ciso"]
    for name in ("Platform", "Network"):
        services.add_programme_team(actor=ciso, team=people["team"][name])
    champion = services.appoint_champion(actor=ciso, person=people["person"]["Ana Adler"], appointed_on=date(2026, 1, 5))
    campaign = services.create_campaign(actor=ciso, name="Winter", audience="All staff", audience_size=2,
                                        starts_on=date(2026, 2, 10))
    stakeholder = services.create_stakeholder(actor=ciso, name="Henrik Lund", role="CFO", owner="both",
                                              cadence_days=30, last_contact_on=date(2026, 1, 1), notes="budget hawk")
    return {"champion": champion, "campaign": campaign, "stakeholder": stakeholder}
