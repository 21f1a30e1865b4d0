"""Reads of risk acceptances for other apps (the steering agenda, the scorecard, the board pack)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class CommitteeItem:
    """An acceptance that needs the steering committee: to approve, re-certify (stale) or renew."""

    kind: str  # "approve" | "recertify" | "renew"
    title: str
    reason: str  # why it is on the agenda, in words
    url: str
    subject_type: str  # "acceptances.riskacceptance"
    subject_id: str
    due: date | None = None  # its expiry
    figures: dict[str, str] = field(default_factory=dict)  # label -> figure with its unit


def for_committee(today: date) -> list[CommitteeItem]:
    """Acceptances awaiting approval, stale ones and those expiring within 30 days."""
    raise NotImplementedError  # implemented by the acceptances work


def count_expiring(today: date, *, days: int = 30) -> int:
    """Active acceptances whose expiry falls within `days` of `today` (inclusive)."""
    raise NotImplementedError
