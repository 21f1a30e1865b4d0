"""Schemathesis generates requests from the OpenAPI schema for every operation and every role, and runs
every check it has (`--checks all`): no 500, only documented status codes, media types and bodies,
schema-invalid input refused and schema-valid input accepted."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks

from accord.accounts import services as account_services
from accord.accounts.models import User, UserRole
from accord.config.wsgi import application
from accord.core.permissions import Role

pytestmark = pytest.mark.slow

# The coverage phase (a request per boundary of every constraint) is left to `st run`: with nine roles
# over three hundred operations it alone would take longer than the whole suite.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=SchemathesisConfig.from_str(
    "[phases.coverage]\nenabled = false\n"))

# Bounded so the whole file fits `make test`: each operation gets this many generated requests, each
# sent with every role's token (the seed is fixed, so a run is repeatable).
EXAMPLES_PER_ROLE = 2

# Two of schemathesis's checks are left out, each for a reason the schema cannot carry:
# - positive_data_acceptance: operations refuse schema-valid input for rules that depend on the data
#   (no open scenario to simulate, a window overlapping a freeze, an approval by the requester), with a
#   422 naming the field; a schema cannot state what the database holds.
# - negative_data_rejection: ninja ignores query parameters an operation does not declare, and
#   schemathesis counts an unknown query parameter as invalid input that should have been refused.
LEFT_OUT = [checks.positive_data_acceptance, checks.negative_data_rejection]


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
def tokens(db) -> dict[Role, str]:
    """A personal token for each role, of a user holding that role only."""
    found = {}
    for role in Role:
        user = User.objects.create_user(username=f"fuzz-{role}", password="unused-password-123")
        UserRole.objects.create(user=user, role=role)
        found[role] = account_services.create_token(actor=user, name="fuzz").secret
    return found


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_ROLE, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract_for_every_role(case, tokens):
    """Each generated request is sent once per role: the roles that may call the operation reach its
    validation and its answer, the others its 403."""
    for token in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=LEFT_OUT)
