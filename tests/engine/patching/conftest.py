"""Tiny random instances for the patch planner tests (small enough to brute-force)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from accord.engine.patching.model import Asset, Cluster, Freeze, Instance, Job, Window

START = datetime(2026, 12, 1, tzinfo=UTC)


def tiny_instance(seed: int, *, n_jobs: int = 6, n_windows: int = 4, budget: float | None = None) -> Instance:
    """Two groups, four assets (two of them in a one-down cluster), a freeze over one window,
    tight capacities and window lengths so that every constraint can bind."""
    rng = np.random.default_rng(seed)
    assets = (
        Asset("db-1", "erp", float(rng.integers(10, 40)), float(rng.integers(500, 5000)), "db"),
        Asset("db-2", "erp", float(rng.integers(10, 40)), float(rng.integers(500, 5000)), "db"),
        Asset("app-1", "erp", float(rng.integers(10, 40)), float(rng.integers(500, 5000))),
        Asset("web-1", "web", float(rng.integers(10, 40)), float(rng.integers(500, 5000))),
    )
    windows = []
    for k in range(n_windows):
        groups = ("erp", "web") if k % 2 == 0 else (("erp",) if rng.random() < 0.5 else ("web",))
        windows.append(
            Window(
                id=f"w{k}",
                start=START + timedelta(days=3 + 7 * k, hours=22),
                minutes=float(rng.integers(40, 120)),
                groups=groups,
                max_changes=int(rng.integers(1, 4)),
            )
        )
    freeze = Freeze(START + timedelta(days=3 + 7 * 1), START + timedelta(days=3 + 7 * 1, hours=23))
    jobs = tuple(
        Job(
            id=f"j{i}",
            asset=str(rng.choice([a.id for a in assets])),
            minutes=float(rng.integers(5, 50)),
            reboot=bool(rng.random() < 0.6),
            risk_per_day=float(np.round(rng.lognormal(3, 1), 2)),
            due=START + timedelta(days=float(rng.uniform(-2, 40))) if rng.random() < 0.7 else None,
            kev=bool(rng.random() < 0.2),
        )
        for i in range(n_jobs)
    )
    return Instance(
        start=START,
        horizon_days=7.0 * n_windows,
        windows=tuple(windows),
        assets=assets,
        jobs=jobs,
        freezes=(freeze,),
        clusters=(Cluster("db", 1),),
        disruption_budget=budget,
    )


@pytest.fixture
def example_json() -> dict[str, object]:
    """The instance from the issue, slightly extended."""
    return {
        "start": "2026-12-01T00:00:00Z",
        "horizon_days": 90,
        "windows": [
            {
                "id": "w1",
                "start": "2026-12-03T22:00:00Z",
                "minutes": 240,
                "max_changes": 40,
                "groups": ["erp"],
            },
            {
                "id": "w2",
                "start": "2026-12-22T22:00:00Z",
                "minutes": 240,
                "max_changes": 40,
                "groups": ["erp"],
            },
        ],
        "freezes": [{"start": "2026-12-20T00:00:00Z", "end": "2027-01-03T00:00:00Z"}],
        "clusters": [{"id": "erp-db", "max_down": 1}],
        "assets": [
            {
                "id": "erp-db-1",
                "group": "erp",
                "cluster": "erp-db",
                "reboot_minutes": 20,
                "downtime_cost_per_hour": 5000,
            }
        ],
        "jobs": [
            {
                "id": "j1",
                "asset": "erp-db-1",
                "minutes": 15,
                "reboot": True,
                "risk_per_day": 120.0,
                "due": "2026-12-10T00:00:00Z",
            }
        ],
    }


@pytest.fixture
def make_tiny():  # type: ignore[no-untyped-def]
    """The tiny_instance factory (a fixture, since test modules cannot import conftest)."""
    return tiny_instance
