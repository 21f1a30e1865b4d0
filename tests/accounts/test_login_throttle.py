"""The sign-in throttle: per username and address pair, growing delays, counted atomically, and a
ceiling per address that never holds back a known user behind the same proxy."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

from accord.accounts import services, throttle
from accord.accounts.models import LoginThrottle
from accord.core.models import AuditEvent

RIGHT = "correct-horse-battery-9"


def _fail(username: str, address: str, times: int) -> None:
    for _ in range(times):
        assert services.sign_in(username=username, password="wrong", address=address) is None


def _wind_clock_back(seconds: float, **pair: str) -> None:
    """As if the pair's last failure was `seconds` earlier (the throttle reads the time from the row)."""
    rows = LoginThrottle.objects.filter(**pair)
    for row in rows:
        row.last_failure_at -= dt.timedelta(seconds=seconds)
        row.save(update_fields=["last_failure_at"])


def test_failures_at_one_address_do_not_lock_the_user_out_elsewhere(admin):
    _fail("root", "203.0.113.7", 5)  # someone on the internet guessing the administrator's password
    with pytest.raises(services.LoginThrottled):
        services.sign_in(username="root", password="guess", address="203.0.113.7")
    assert services.sign_in(username="root", password=RIGHT, address="10.1.1.1") == admin


def test_a_colleague_behind_the_same_proxy_still_signs_in(make_user, settings):
    """Spraying from one address fills its ceiling: pairs that never signed in from there wait,
    a user who has signed in from there before does not."""
    settings.ACCORD_LOGIN_ADDRESS_CEILING = 10
    proxy = "192.0.2.1"
    known = make_user("cio", username="known")
    assert services.sign_in(username="known", password=RIGHT, address=proxy) == known
    newcomer = make_user("auditor", username="newcomer")
    for victim in ("alice", "bob", "carol", "dave", "erin"):
        _fail(victim, proxy, 2)
    with pytest.raises(services.LoginThrottled, match="from your network"):
        services.sign_in(username="frank", password="wrong", address=proxy)
    with pytest.raises(services.LoginThrottled, match="from your network"):
        services.sign_in(username="newcomer", password=RIGHT, address=proxy)
    assert services.sign_in(username="known", password=RIGHT, address=proxy) == known
    assert services.sign_in(username="newcomer", password=RIGHT, address="10.9.9.9") == newcomer


def test_delays_grow_two_four_eight_up_to_the_cap(ciso, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES, settings.ACCORD_LOGIN_MAX_DELAY_SECONDS = 3, 10
    pair = {"username": "ciso", "address": "10.0.0.9"}
    _fail("ciso", "10.0.0.9", 3)
    waits = []
    for _ in range(4):
        with pytest.raises(services.LoginThrottled) as throttled:
            services.sign_in(username="ciso", password="wrong", address="10.0.0.9")
        waits.append(throttled.value.retry_after)
        _wind_clock_back(throttled.value.retry_after, **pair)
        _fail("ciso", "10.0.0.9", 1)  # the wait is over: one more guess is checked
    assert waits == [2, 4, 8, 10]
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 3 + 4
    assert "Try again in 10 seconds" in str(throttled.value)


def test_the_right_password_resets_the_pair(ciso, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES = 3
    _fail("ciso", "10.0.0.9", 2)
    assert services.sign_in(username="ciso", password=RIGHT, address="10.0.0.9") == ciso
    _fail("ciso", "10.0.0.9", 2)  # two more are free again
    assert LoginThrottle.objects.get(username="ciso").failures == 2


def test_failures_are_forgotten_after_a_quiet_period(ciso, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES, settings.ACCORD_LOGIN_FORGET_HOURS = 2, 24
    _fail("ciso", "10.0.0.9", 2)
    with pytest.raises(services.LoginThrottled):
        services.sign_in(username="ciso", password=RIGHT, address="10.0.0.9")
    _wind_clock_back(24 * 3600 + 1, username="ciso")
    assert services.sign_in(username="ciso", password=RIGHT, address="10.0.0.9") == ciso


def test_stale_pairs_that_never_signed_in_are_swept(ciso):
    _fail("ghost", "10.0.0.1", 1)
    assert services.sign_in(username="ciso", password=RIGHT, address="10.0.0.1") == ciso
    _wind_clock_back(25 * 3600, address="10.0.0.1")
    _fail("another", "10.0.0.2", 1)  # a new pair sweeps what is forgotten
    assert set(LoginThrottle.objects.values_list("username", flat=True)) == {"ciso", "another"}


def test_throttle_messages_read_in_seconds_then_minutes():
    assert str(throttle.LoginThrottled(1)) == "Too many failed sign-ins for this account. Try again in 1 second."
    assert str(throttle.LoginThrottled(900)).endswith("Try again in 15 minutes.")


# Twenty wrong passwords at once from one address, in threads of one process, each with its own
# database connection. Prints how many were checked against the password and how many refused.
BURST = """
import json, threading
from django.db import connection
from accord.accounts import services

start = threading.Barrier(20)
outcome = {"checked": 0, "refused": 0, "errors": []}
lock = threading.Lock()

def attempt():
    try:
        start.wait()
        services.sign_in(username="target", password="wrong", address="198.51.100.4")
        key = "checked"
    except services.LoginThrottled:
        key = "refused"
    except Exception as exc:
        with lock:
            outcome["errors"].append(repr(exc))
        return
    finally:
        connection.close()
    with lock:
        outcome[key] += 1

threads = [threading.Thread(target=attempt) for _ in range(20)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(outcome))
"""


def _burst_in_this_process() -> dict:
    namespace: dict = {}
    exec(BURST.replace("print(json.dumps(outcome))", ""), namespace)  # noqa: S102 - the test's own code
    return namespace["outcome"]


def _burst_on_a_sqlite_file(tmp_path) -> dict:
    """SQLite as in production, a file with IMMEDIATE transactions, in another process: the test
    database lives in shared-cache memory, whose table locks fail at once instead of waiting. The
    file starts as a copy of the test database."""
    connection.ensure_connection()
    with sqlite3.connect(tmp_path / "accord.sqlite3") as copy:
        connection.connection.backup(copy)
    env = {**os.environ, "ACCORD_ENV": "test", "ACCORD_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "accord.config.settings_test", "ACCORD_LOGIN_FREE_FAILURES": "5"}
    env.pop("ACCORD_DATABASE_URL", None)
    audited = "from accord.core.models import AuditEvent\n" \
              "outcome['audited'] = AuditEvent.objects.filter(action='auth.login_failed').count()\n"
    script = "import django; django.setup()\n" + BURST.replace("print(", audited + "print(")
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_a_parallel_burst_gets_no_more_password_checks_than_the_limit(make_user, settings, tmp_path):
    """The pair's row lock counts parallel attempts one after the other, so of twenty at once exactly
    the free five are checked (and audited) and fifteen are refused unchecked."""
    settings.ACCORD_LOGIN_FREE_FAILURES = 5
    make_user("ciso", username="target")
    if connection.vendor == "sqlite":
        outcome = _burst_on_a_sqlite_file(tmp_path)
    else:
        outcome = _burst_in_this_process()
        outcome["audited"] = AuditEvent.objects.filter(action="auth.login_failed").count()
    assert outcome == {"checked": 5, "refused": 15, "errors": [], "audited": 5}
