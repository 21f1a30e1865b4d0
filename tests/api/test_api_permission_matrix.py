"""Every API operation, for every role: allowed or refused exactly as the role-capability table says.

The operations are discovered from the API itself, so a new endpoint is covered the day it is added.
"""

from __future__ import annotations

import re

import pytest

from accord.config.api import api
from accord.core.api_auth import ANY_SIGNED_IN, Capability
from accord.core.permissions import ROLE_CAPABILITIES, Role


def _operations():
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                auths = [a for a in operation.auth_callbacks if isinstance(a, Capability)]
                assert auths, f"{operation.methods} {prefix}{path} has no Capability auth"
                full = re.sub(r"/+", "/", f"/api/v1/{prefix}/{path}")
                for method in operation.methods:
                    found.append((method, full, auths[0].capability))
    return found


OPERATIONS = _operations()


def test_the_api_has_the_operations_we_expect():
    assert len(OPERATIONS) >= 25
    assert ("GET", "/api/v1/org/assets", "org.read") in OPERATIONS
    assert ("POST", "/api/v1/users", "user.manage") in OPERATIONS


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


@pytest.mark.parametrize("role", list(Role))
def test_every_operation_allows_or_refuses_as_the_table_says(role, make_user, api_as):
    client = api_as(make_user(role))
    granted = ROLE_CAPABILITIES[role]
    mismatches = []
    for method, path, capability in OPERATIONS:
        body = {} if method in {"POST", "PUT", "PATCH"} else None
        response = client.call(method, _concrete(path), body)
        allowed = capability == ANY_SIGNED_IN or capability in granted
        if allowed == (response.status_code == 403):
            mismatches.append(f"{method} {path} ({capability}): {response.status_code}")
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
    assert not mismatches, f"role {role}: " + "; ".join(mismatches)


def test_without_credentials_every_operation_answers_401(db, api_as):
    client = api_as(None)
    for method, path, _ in OPERATIONS:
        assert client.call(method, _concrete(path)).status_code == 401, f"{method} {path}"
