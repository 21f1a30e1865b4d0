"""Two-person changes: the CISO or the CIO proposes, the other one confirms.

Used by the settings both leaders must agree on (the remediation SLA policy, the patch planner's
exposure assumptions). The rules: only a CISO or a CIO proposes; the confirmer holds the other
role; and the person who proposed never confirms, even if they hold both roles.
"""

from __future__ import annotations

from typing import Any

from accord.core.errors import NotAllowed, ValidationFailed

LEADERS = ("ciso", "cio")


def leader_roles(actor: Any) -> set[str]:
    return set(getattr(actor, "role_names", ())) & set(LEADERS)


def proposing_role(actor: Any, capability: str) -> str:
    """The role a proposal is made in (the CISO's when the actor holds both); refused for others."""
    roles = leader_roles(actor)
    if not roles:
        raise NotAllowed(capability)
    return "ciso" if "ciso" in roles else "cio"


def check_confirmer(actor: Any, *, proposed_by_id: int, proposed_role: str) -> None:
    """Refuse unless `actor` may confirm a proposal made by `proposed_by_id` in `proposed_role`."""
    if proposed_by_id == actor.pk:
        raise ValidationFailed.field("confirmed_by", "the person who proposed a change cannot confirm it")
    needed = "cio" if proposed_role == "ciso" else "ciso"
    if needed not in leader_roles(actor):
        raise ValidationFailed.field(
            "confirmed_by", f"proposed by the {proposed_role.upper()}: the {needed.upper()} confirms"
        )


def may_confirm(actor: Any, *, proposed_by_id: int, proposed_role: str) -> bool:
    """Whether `actor` may confirm (for pages that offer the button only to those who may)."""
    try:
        check_confirmer(actor, proposed_by_id=proposed_by_id, proposed_role=proposed_role)
    except ValidationFailed:
        return False
    return True
