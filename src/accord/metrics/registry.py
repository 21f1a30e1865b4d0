"""The registry of scorecard metrics: each app may publish its own.

A metric is a definition (key, label, KPI or KRI, unit, formula in words, where its records are) and
a `read(viewer, context)` function that returns a `Reading` from its owning app's selectors, or None
when the data does not exist yet ("no data", never 0). The built-in metrics are in
`accord.metrics.definitions`; another app registers its own in its AppConfig.ready:

    from accord.metrics.registry import MetricDefinition, register
    register(MetricDefinition(key="vendors_overdue", label=..., kind="kri", unit="vendors", ...))

A KRI carries default red and amber thresholds with their direction; the leaders agree others
(`accord.metrics.services.propose_thresholds`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

KPI, KRI = "kpi", "kri"
HIGHER_IS_WORSE, LOWER_IS_WORSE = "higher_is_worse", "lower_is_worse"
DIRECTIONS = (HIGHER_IS_WORSE, LOWER_IS_WORSE)


@dataclass(frozen=True)
class Thresholds:
    """Where amber and red start. Higher is worse: red at `red` or above, amber at `amber` or above.
    Lower is worse: red below `red`, amber below `amber`."""

    direction: str
    amber: float
    red: float

    def status(self, value: float | None) -> str:
        if value is None:
            return ""
        if self.direction == HIGHER_IS_WORSE:
            return "red" if value >= self.red else "amber" if value >= self.amber else "green"
        return "red" if value < self.red else "amber" if value < self.amber else "green"

    def in_words(self, unit: str) -> str:
        def amount(value: float) -> str:
            if unit == "%":
                return f"{_number(value)}%"
            one = value == 1 and unit.endswith("s") and " " not in unit  # 1 finding, 1 scenario
            return f"{_number(value)} {unit[:-1] if one else unit}"

        if self.direction == HIGHER_IS_WORSE:
            return f"red at {amount(self.red)} or more, amber at {amount(self.amber)} or more"
        return f"red below {amount(self.red)}, amber below {amount(self.amber)}"

    def as_dict(self) -> dict[str, Any]:
        return {"direction": self.direction, "amber": self.amber, "red": self.red}


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Reading:
    """A metric's value now: the number (in the metric's unit) and how people read it."""

    value: float
    display: str
    detail: str = ""  # a second figure or the counts behind it ("p90 12.0 days; 14 findings")
    drill_url: str = ""  # when the records behind it are at a more precise address than the default


@dataclass
class ReadContext:
    """What several metrics share, read once per scorecard (the risk figures, the vulnerability counts)."""

    today: date
    currency: str
    cache: dict[str, Any] = field(default_factory=dict)

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self.cache:
            self.cache[name] = compute()
        return self.cache[name]


Reader = Callable[[Any, ReadContext], Reading | None]


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    label: str
    kind: str  # KPI or KRI
    unit: str  # "%", "days", "findings"; "money" for amounts in the organisation's currency
    formula: str  # how it is computed, in words
    drill_url: str  # the filtered list of the records behind it
    read: Reader
    capability: str  # what a viewer needs to see it (the owning app's read capability)
    default_thresholds: Thresholds | None = None  # a KRI's, until the leaders agree others
    group: str = ""  # the heading it is shown under
    order: int = 100


METRICS: dict[str, MetricDefinition] = {}


def register(definition: MetricDefinition) -> None:
    if definition.kind not in (KPI, KRI):
        raise ValueError(f"{definition.key}: kind must be {KPI!r} or {KRI!r}")
    if definition.kind == KRI and definition.default_thresholds is None:
        raise ValueError(f"{definition.key}: a KRI needs default thresholds")
    METRICS[definition.key] = definition


def definitions() -> list[MetricDefinition]:
    return sorted(METRICS.values(), key=lambda d: (d.order, d.key))


def definition(key: str) -> MetricDefinition | None:
    return METRICS.get(key)


def kris() -> list[MetricDefinition]:
    return [d for d in definitions() if d.kind == KRI]
