"""Values cached until the next write; a page that allows it gets the value from before the latest
write at once while a thread recomputes it, and is told since when."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from accord.core.write_cache import cached_until_next_write, reset_staleness, served_stale
from accord.org.models import Team

JOBS_QUEUED = {"immediate": False, "redis_url": "", "sqlite_path": "", "embedded_workers": 0}


def _teams() -> int:
    return Team.objects.count()


def _write(admin, name: str) -> None:
    from accord.org import services as org

    org.create_team(actor=admin, name=name)  # an audited write: the chain head moves


def test_exact_until_the_next_write(admin):
    _write(admin, "A")
    assert cached_until_next_write("t", _teams) == 1
    Team.objects.create(name="unaudited")  # not through a service: no audit row, the cache stands
    assert cached_until_next_write("t", _teams) == 1
    _write(admin, "B")
    assert cached_until_next_write("t", _teams) == 3


def test_in_immediate_mode_nothing_is_stale(admin):
    _write(admin, "A")
    assert cached_until_next_write("t", _teams, allow_stale=True) == 1
    _write(admin, "B")
    reset_staleness()
    assert cached_until_next_write("t", _teams, allow_stale=True) == 2 and served_stale() is None


@pytest.mark.django_db(transaction=True)
@override_settings(JOBS=JOBS_QUEUED)
def test_stale_value_at_once_then_the_recomputed_one(admin):
    _write(admin, "A")
    reset_staleness()
    assert cached_until_next_write("s", _teams, allow_stale=True) == 1 and served_stale() is None
    _write(admin, "B")
    assert cached_until_next_write("s", _teams, allow_stale=True) == 1  # the value from before the write
    assert served_stale() is not None
    for _ in range(50):  # the thread stores the new value
        reset_staleness()
        if cached_until_next_write("s", _teams, allow_stale=True) == 2 and served_stale() is None:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the recomputed value never arrived")
    assert cached_until_next_write("s", _teams) == 2
