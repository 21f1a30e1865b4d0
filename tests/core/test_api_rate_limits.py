"""Per-user API rate limits: 429 with Retry-After and a JSON body once a user's minute is used up."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import override_settings

from accord.core.rate_limits import RateLimited, consume


@override_settings(ACCORD_API_RATE_LIMIT=3)
def test_the_fourth_call_in_a_minute_is_refused_with_retry_after(ciso, make_user, api_as):
    api = api_as(ciso)
    assert [api.get("/org/assets").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/org/assets")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"].startswith("application/json")
    assert "3 API requests a minute" in refused.json()["detail"]
    assert api_as(make_user("auditor")).get("/org/assets").status_code == 200  # per user, not per server


@override_settings(ACCORD_API_RATE_LIMIT=0)
def test_zero_switches_the_limit_off(ciso, api_as):
    api = api_as(ciso)
    assert {api.get("/org/assets").status_code for _ in range(5)} == {200}


def test_the_openapi_schema_documents_429(api_as, ciso):
    schema = api_as(ciso).get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/org/assets"]["get"]["responses"]
    assert "429" in responses


@pytest.mark.django_db(transaction=True)
def test_parallel_calls_cannot_slip_past_the_limit(ciso):
    """Twenty threads at once against a limit of five: exactly five get through."""
    passed, refused = [], []

    def call() -> None:
        try:
            consume(ciso, scope="test", limit=5)
            passed.append(1)
        except RateLimited:
            refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(passed), len(refused)) == (5, 15)
