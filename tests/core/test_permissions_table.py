from __future__ import annotations

import pytest

from accord.core.errors import NotAllowed
from accord.core.permissions import ROLE_CAPABILITIES, Role, can, capabilities_of, require


class _Actor:
    def __init__(self, roles, active=True):
        self.capabilities = capabilities_of(roles)
        self.is_active = active


def _writes(caps):
    return {c for c in caps if not c.endswith(".read")}


def test_read_only_roles_hold_no_write_capability():
    assert _writes(ROLE_CAPABILITIES[Role.BOARD_VIEWER]) == set()
    assert _writes(ROLE_CAPABILITIES[Role.AUDITOR]) == set()


def test_only_administrators_manage_users():
    assert [r for r, caps in ROLE_CAPABILITIES.items() if "user.manage" in caps] == [Role.ADMIN]


def test_both_cio_and_ciso_can_sign_a_patch_plan_and_change_the_sla_policy():
    for role in (Role.CIO, Role.CISO):
        assert {"patch.sign", "sla.policy"} <= ROLE_CAPABILITIES[role]
    assert "patch.sign" not in ROLE_CAPABILITIES[Role.IT_OPERATIONS]


def test_roles_combine_as_a_union():
    caps = capabilities_of([Role.PROJECT_OWNER, Role.IT_OPERATIONS])
    assert "review.request" in caps and "patch.write" in caps


def test_require_refuses_missing_capability_and_disabled_users():
    require(_Actor([Role.CISO]), "risk.write")
    with pytest.raises(NotAllowed):
        require(_Actor([Role.BOARD_VIEWER]), "risk.write")
    with pytest.raises(NotAllowed):
        require(_Actor([Role.CISO], active=False), "risk.read")
    with pytest.raises(NotAllowed):
        require(None, "risk.read")


def test_a_misspelt_capability_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown capability"):
        can(_Actor([Role.ADMIN]), "risks.read")
