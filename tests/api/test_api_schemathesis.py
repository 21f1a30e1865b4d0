"""Schemathesis generates requests from the OpenAPI schema for every operation; none may cause a 500."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from accord.accounts import services as account_services
from accord.accounts.models import User, UserRole
from accord.config.wsgi import application
from accord.core.permissions import Role

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI app, so do what Django's test client does: keep the connection
    open between requests (the test's transaction lives on it) instead of closing it at request end."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def everyone(db):
    """One user holding every role, so every operation is reachable."""
    user = User.objects.create_user(username="fuzzer", password="unused-password-123")
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in Role])
    return user


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case, everyone):
    secret = account_services.create_token(actor=everyone, name="fuzz").secret
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=[not_a_server_error])
