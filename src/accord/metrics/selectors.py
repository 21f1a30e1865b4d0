"""Reads of the joint scorecard for other apps (the board pack, the steering pack)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # "kpi" | "kri"
    value: float | None
    unit: str  # "EUR", "%", "days", "findings", ...
    display: str  # the value as people read it, with its unit
    formula: str  # how it is computed, in words
    status: str  # "red" | "amber" | "green" for a KRI with thresholds, "" otherwise
    as_of: date
    drill_url: str
    trend: tuple[tuple[date, float | None], ...] = ()  # monthly snapshots, oldest first


@dataclass(frozen=True)
class Scorecard:
    as_of: date
    metrics: tuple[Metric, ...]


@dataclass(frozen=True)
class PartnershipQuarter:
    quarter: str  # "2026Q4"
    figures: tuple[tuple[str, str], ...]  # (label, figure with its unit)
    url: str


def scorecard(viewer: Any, *, as_of: date | None = None) -> Scorecard:
    raise NotImplementedError  # implemented by the metrics work


def partnership_quarters(viewer: Any, *, count: int = 4) -> list[PartnershipQuarter]:
    raise NotImplementedError
