"""Fixtures shared by the Django-backed tests: users with given roles, API clients, a small organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accord.accounts import services as account_services
from accord.accounts.models import User, UserRole
from accord.core.permissions import Role

PASSWORD = "correct-horse-battery-9"


def _make_user(username: str, roles: list[str]) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, as a fresh server process does."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _audit_chain_head(request):
    """A test on a committed database (live server, worker threads) empties every table afterwards,
    the audit chain's head row too, which a migration made: each such test starts with it."""
    marker = request.node.get_closest_marker("django_db")
    committed = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction"))
    if committed:
        request.getfixturevalue("transactional_db")
        from accord.core.models import AuditChainHead

        AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(10_000))

    def make(*roles: str, username: str | None = None) -> User:
        return _make_user(username or f"user{next(counter)}", list(roles) or [Role.ADMIN])

    return make


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, username="root")


@pytest.fixture
def ciso(make_user: Callable[..., User]) -> User:
    return make_user(Role.CISO, username="ciso")


class ApiClient:
    """Django's test client with a personal token and JSON bodies."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = {}
        if user is not None:
            secret = account_services.create_token(actor=user, name="tests").secret
            self.headers = {"Authorization": f"Bearer {secret}"}

    def call(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        kwargs: dict[str, Any] = {"headers": self.headers, **extra}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **extra: Any) -> Any:
        return self.call("GET", path, **extra)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.call("POST", path, body, **extra)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.call("PATCH", path, body)


@pytest.fixture
def api_as(db: Any) -> Callable[[User | None], ApiClient]:
    return ApiClient


@pytest.fixture
def org_data(admin: User) -> dict[str, Any]:
    from accord.org import services as org

    team = org.create_team(actor=admin, name="Platform")
    other = org.create_team(actor=admin, name="Network")
    erp = org.create_business_service(actor=admin, name="ERP", criticality_tier=1, downtime_cost_per_hour=40000,
                                      mission_impact="high")
    web = org.create_business_service(actor=admin, name="Website", criticality_tier=3, mission_impact="low")
    assets = [
        org.create_asset(actor=admin, hostname="erp-db-01", ip_address="10.0.0.1", environment="production",
                         business_service=erp, team=team, tags=["pci", "erp"]),
        org.create_asset(actor=admin, hostname="erp-app-01", ip_address="10.0.0.2", environment="staging",
                         business_service=erp, team=team),
        org.create_asset(actor=admin, hostname="www-01", ip_address="10.0.1.1", internet_exposed=True,
                         business_service=web, team=other, tags="web"),
    ]
    return {"team": team, "other_team": other, "erp": erp, "web": web, "assets": assets}
