"""SSVC: the CISA decision tree, and decision points derived from evidence with their reasons.

The table is CISA's Coordinator tree as published by CISA and CERT/CC (SSVC "CISA Levels" 1.1.0
over Exploitation 1.1.0, Automatable 2.0.0, Technical Impact 1.0.0 and Mission and Well-Being
Impact 1.0.0), written here as the project's own data. `derive_decision_points` turns the
evidence Accord holds about a finding (KEV, EPSS, scanner exploit flags, CVSS vector, the asset's
business service) into the four decision points, each with a sentence a person can check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import product
from typing import TypeVar

from accord.engine.vulns.cvss import score_vector
from accord.engine.vulns.errors import InvalidInput


class Exploitation(StrEnum):
    NONE = "none"
    PUBLIC_POC = "public_poc"
    ACTIVE = "active"


class Automatable(StrEnum):
    NO = "no"
    YES = "yes"


class TechnicalImpact(StrEnum):
    PARTIAL = "partial"
    TOTAL = "total"


class MissionWellbeing(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Decision(StrEnum):
    """CISA's four outcomes, from least to most urgent."""

    TRACK = "track"
    TRACK_STAR = "track*"
    ATTEND = "attend"
    ACT = "act"

    @property
    def rank(self) -> int:
        return list(Decision).index(self)


class MissionPrevalence(StrEnum):
    MINIMAL = "minimal"
    SUPPORT = "support"
    ESSENTIAL = "essential"


class PublicWellbeing(StrEnum):
    MINIMAL = "minimal"
    MATERIAL = "material"
    IRREVERSIBLE = "irreversible"


def _tree() -> dict[tuple[Exploitation, Automatable, TechnicalImpact, MissionWellbeing], Decision]:
    # Outcomes for Mission & Well-being low, medium, high, per (exploitation, automatable,
    # technical impact), in the order CISA's guide draws the tree.
    T, TS, AT, AC = Decision.TRACK, Decision.TRACK_STAR, Decision.ATTEND, Decision.ACT
    E, A, TI = Exploitation, Automatable, TechnicalImpact
    rows = {
        (E.NONE, A.NO, TI.PARTIAL): (T, T, T),
        (E.NONE, A.NO, TI.TOTAL): (T, T, TS),
        (E.NONE, A.YES, TI.PARTIAL): (T, T, AT),
        (E.NONE, A.YES, TI.TOTAL): (T, T, AT),
        (E.PUBLIC_POC, A.NO, TI.PARTIAL): (T, T, TS),
        (E.PUBLIC_POC, A.NO, TI.TOTAL): (T, TS, AT),
        (E.PUBLIC_POC, A.YES, TI.PARTIAL): (T, T, AT),
        (E.PUBLIC_POC, A.YES, TI.TOTAL): (T, TS, AT),
        (E.ACTIVE, A.NO, TI.PARTIAL): (T, T, AT),
        (E.ACTIVE, A.NO, TI.TOTAL): (T, AT, AC),
        (E.ACTIVE, A.YES, TI.PARTIAL): (AT, AT, AC),
        (E.ACTIVE, A.YES, TI.TOTAL): (AT, AC, AC),
    }
    return {
        (exploitation, automatable, impact, mission): outcomes[i]
        for (exploitation, automatable, impact), outcomes in rows.items()
        for i, mission in enumerate(MissionWellbeing)
    }


CISA_TREE: Mapping[tuple[Exploitation, Automatable, TechnicalImpact, MissionWellbeing], Decision] = _tree()
if set(CISA_TREE) != set(product(Exploitation, Automatable, TechnicalImpact, MissionWellbeing)):
    raise RuntimeError("the CISA tree must cover every combination of decision points")  # pragma: no cover

# CISA's Mission & Well-being from Mission Prevalence x Public Well-being Impact.
MISSION_WELLBEING_TABLE: Mapping[tuple[MissionPrevalence, PublicWellbeing], MissionWellbeing] = {
    (MissionPrevalence.MINIMAL, PublicWellbeing.MINIMAL): MissionWellbeing.LOW,
    (MissionPrevalence.MINIMAL, PublicWellbeing.MATERIAL): MissionWellbeing.MEDIUM,
    (MissionPrevalence.MINIMAL, PublicWellbeing.IRREVERSIBLE): MissionWellbeing.HIGH,
    (MissionPrevalence.SUPPORT, PublicWellbeing.MINIMAL): MissionWellbeing.MEDIUM,
    (MissionPrevalence.SUPPORT, PublicWellbeing.MATERIAL): MissionWellbeing.MEDIUM,
    (MissionPrevalence.SUPPORT, PublicWellbeing.IRREVERSIBLE): MissionWellbeing.HIGH,
    (MissionPrevalence.ESSENTIAL, PublicWellbeing.MINIMAL): MissionWellbeing.HIGH,
    (MissionPrevalence.ESSENTIAL, PublicWellbeing.MATERIAL): MissionWellbeing.HIGH,
    (MissionPrevalence.ESSENTIAL, PublicWellbeing.IRREVERSIBLE): MissionWellbeing.HIGH,
}

_E = TypeVar("_E", bound=StrEnum)
_ALIASES = {
    "public poc": "public_poc",
    "public-poc": "public_poc",
    "poc": "public_poc",
    "track_star": "track*",
}


def _coerce(kind: type[_E], value: str | _E, path: str) -> _E:
    text = str(value).strip().lower()
    try:
        return kind(_ALIASES.get(text, text))
    except ValueError:
        allowed = ", ".join(item.value for item in kind)
        raise InvalidInput(path, f"{value!r} is not one of {allowed}") from None


def decision_point_values(
    exploitation: Exploitation | str,
    automatable: Automatable | str,
    technical_impact: TechnicalImpact | str,
    mission_wellbeing: MissionWellbeing | str,
) -> tuple[Exploitation, Automatable, TechnicalImpact, MissionWellbeing]:
    """The four values as enums; strings such as "Public PoC" or "public-poc" are accepted."""
    return (
        _coerce(Exploitation, exploitation, "exploitation"),
        _coerce(Automatable, automatable, "automatable"),
        _coerce(TechnicalImpact, technical_impact, "technical_impact"),
        _coerce(MissionWellbeing, mission_wellbeing, "mission_wellbeing"),
    )


def decide(
    exploitation: Exploitation | str,
    automatable: Automatable | str,
    technical_impact: TechnicalImpact | str,
    mission_wellbeing: MissionWellbeing | str,
) -> Decision:
    """The CISA decision for four decision-point values."""
    return CISA_TREE[decision_point_values(exploitation, automatable, technical_impact, mission_wellbeing)]


def mission_wellbeing_of(
    prevalence: MissionPrevalence | str, public_wellbeing: PublicWellbeing | str
) -> MissionWellbeing:
    """CISA's Mission & Well-being from Mission Prevalence and Public Well-being Impact."""
    return MISSION_WELLBEING_TABLE[
        (
            _coerce(MissionPrevalence, prevalence, "mission_prevalence"),
            _coerce(PublicWellbeing, public_wellbeing, "public_wellbeing"),
        )
    ]


# --- deriving decision points from evidence ------------------------------------------------


class DecisionPoint(StrEnum):
    EXPLOITATION = "exploitation"
    AUTOMATABLE = "automatable"
    TECHNICAL_IMPACT = "technical_impact"
    MISSION_WELLBEING = "mission_wellbeing"


@dataclass(frozen=True, slots=True)
class Override:
    """An analyst's value for one decision point, with why."""

    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class KevListing:
    cve: str
    date_added: date
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """What Accord knows about one finding when it decides.

    `kev` lists the finding's CVEs that are in the KEV catalogue; `epss` is the highest EPSS
    among its CVEs (`epss_cve` names which); `exploit_available`/`exploit_evidence` come from the
    scanner; `cvss_vector` is the v3.x or v4.0 vector to read automatable and technical impact
    from; `mission_wellbeing` comes from the asset's business service (`mission_source` names it,
    e.g. "service Payments (essential)"); `None` means the asset has no service yet.
    """

    kev: tuple[KevListing, ...] = ()
    epss: float | None = None
    epss_cve: str = ""
    exploit_available: bool | None = None
    exploit_evidence: str = ""
    cvss_vector: str = ""
    mission_wellbeing: MissionWellbeing | str | None = None
    mission_source: str = ""
    overrides: Mapping[DecisionPoint, Override] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SsvcPolicy:
    """Organisation choices in the derivation (kept with each decision for re-running)."""

    epss_threshold: float = 0.1
    automatable_when_unknown: Automatable = Automatable.NO
    technical_impact_when_unknown: TechnicalImpact = TechnicalImpact.PARTIAL
    mission_wellbeing_when_unassigned: MissionWellbeing = MissionWellbeing.MEDIUM

    def __post_init__(self) -> None:
        if not 0.0 < self.epss_threshold <= 1.0:
            raise InvalidInput("epss_threshold", f"must be in (0, 1], found {self.epss_threshold}")


@dataclass(frozen=True, slots=True)
class PointValue:
    """One decision point's value, where it came from (kev, epss, scanner, cvss, asset, policy,
    override) and the reason shown to people."""

    point: DecisionPoint
    value: str
    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class SsvcOutcome:
    decision: Decision
    points: tuple[PointValue, ...]

    def value_of(self, point: DecisionPoint) -> str:
        return next(item.value for item in self.points if item.point == point)

    def explanation(self) -> str:
        """E.g. `act because: exploitation active (listed in KEV since 2024-01-05: CVE-...); ...`."""
        parts = [f"{item.point.value.replace('_', ' ')} {item.value} ({item.reason})" for item in self.points]
        return f"{self.decision.value} because: " + "; ".join(parts)


def derive_decision_points(evidence: Evidence, policy: SsvcPolicy | None = None) -> tuple[PointValue, ...]:
    """The four decision points for `evidence`, each with its reason (see docs/vulnerabilities.md)."""
    policy = policy or SsvcPolicy()
    metrics = _vector_metrics(evidence.cvss_vector)
    derived = (
        _exploitation(evidence, policy),
        _automatable(metrics, policy),
        _technical_impact(metrics, policy),
        _mission(evidence, policy),
    )
    return tuple(_apply_override(point, evidence.overrides.get(point.point)) for point in derived)


def evaluate(evidence: Evidence, policy: SsvcPolicy | None = None) -> SsvcOutcome:
    """Derive the decision points and look the decision up in CISA's tree."""
    points = derive_decision_points(evidence, policy)
    values = {item.point: item.value for item in points}
    decision = decide(
        values[DecisionPoint.EXPLOITATION],
        values[DecisionPoint.AUTOMATABLE],
        values[DecisionPoint.TECHNICAL_IMPACT],
        values[DecisionPoint.MISSION_WELLBEING],
    )
    return SsvcOutcome(decision, points)


_POINT_KINDS: dict[DecisionPoint, type[StrEnum]] = {
    DecisionPoint.EXPLOITATION: Exploitation,
    DecisionPoint.AUTOMATABLE: Automatable,
    DecisionPoint.TECHNICAL_IMPACT: TechnicalImpact,
    DecisionPoint.MISSION_WELLBEING: MissionWellbeing,
}


def _apply_override(derived: PointValue, override: Override | None) -> PointValue:
    if override is None:
        return derived
    path = f"overrides.{derived.point.value}"
    value = _coerce(_POINT_KINDS[derived.point], override.value, f"{path}.value")
    if not override.reason.strip():
        raise InvalidInput(f"{path}.reason", "an override needs a justification")
    return PointValue(
        derived.point,
        value.value,
        "override",
        f"set by analyst: {override.reason.strip()} (derived: {derived.value}, {derived.reason})",
    )


def _vector_metrics(vector: str) -> dict[str, str] | None:
    if not vector.strip():
        return None
    return dict(score_vector(vector).metrics)


def _exploitation(evidence: Evidence, policy: SsvcPolicy) -> PointValue:
    point = DecisionPoint.EXPLOITATION
    if evidence.kev:
        first = min(evidence.kev, key=lambda listing: listing.date_added)
        return PointValue(
            point,
            Exploitation.ACTIVE.value,
            "kev",
            f"{first.cve} listed in KEV since {first.date_added.isoformat()}",
        )
    if evidence.exploit_available:
        detail = f": {evidence.exploit_evidence}" if evidence.exploit_evidence else ""
        return PointValue(
            point, Exploitation.PUBLIC_POC.value, "scanner", f"scanner reports a public exploit{detail}"
        )
    if evidence.epss is not None and evidence.epss >= policy.epss_threshold:
        which = f" for {evidence.epss_cve}" if evidence.epss_cve else ""
        return PointValue(
            point,
            Exploitation.PUBLIC_POC.value,
            "epss",
            f"EPSS {evidence.epss:.3f}{which} at or above the {policy.epss_threshold:.3f} threshold",
        )
    epss = (
        "no EPSS score"
        if evidence.epss is None
        else f"EPSS {evidence.epss:.3f} below the {policy.epss_threshold:.3f} threshold"
    )
    return PointValue(point, Exploitation.NONE.value, "evidence", f"not in KEV, no exploit reported, {epss}")


def _automatable(metrics: dict[str, str] | None, policy: SsvcPolicy) -> PointValue:
    point = DecisionPoint.AUTOMATABLE
    if metrics is None:
        return PointValue(
            point, policy.automatable_when_unknown.value, "policy", "no CVSS vector: policy default"
        )
    conditions = (
        ("AV", "N", "network", {"A": "adjacent network", "L": "local access", "P": "physical access"}),
        ("PR", "N", "no privileges", {"L": "low privileges", "H": "high privileges"}),
        (
            "UI",
            "N",
            "no user interaction",
            {"R": "user interaction", "P": "passive user interaction", "A": "active user interaction"},
        ),
    )
    blockers = [
        "needs " + others.get(metrics.get(key, ""), f"{key}:{metrics.get(key, '?')}")
        for key, wanted, _, others in conditions
        if metrics.get(key) != wanted
    ]
    if blockers:
        return PointValue(point, Automatable.NO.value, "cvss", ", ".join(blockers))
    return PointValue(point, Automatable.YES.value, "cvss", ", ".join(label for _, _, label, _ in conditions))


def _technical_impact(metrics: dict[str, str] | None, policy: SsvcPolicy) -> PointValue:
    point = DecisionPoint.TECHNICAL_IMPACT
    if metrics is None:
        return PointValue(
            point, policy.technical_impact_when_unknown.value, "policy", "no CVSS vector: policy default"
        )
    keys = ("VC", "VI", "VA") if "VC" in metrics else ("C", "I", "A")
    impacts = [metrics.get(key, "?") for key in keys]
    described = ", ".join(
        f"{name} {_IMPACT_WORDS.get(level, level)}"
        for name, level in zip(("confidentiality", "integrity", "availability"), impacts, strict=True)
    )
    if all(level == "H" for level in impacts):
        return PointValue(point, TechnicalImpact.TOTAL.value, "cvss", f"{described}: total control")
    return PointValue(point, TechnicalImpact.PARTIAL.value, "cvss", described)


_IMPACT_WORDS = {"H": "high", "L": "low", "N": "none"}


def _mission(evidence: Evidence, policy: SsvcPolicy) -> PointValue:
    point = DecisionPoint.MISSION_WELLBEING
    if evidence.mission_wellbeing is None:
        return PointValue(
            point,
            policy.mission_wellbeing_when_unassigned.value,
            "policy",
            "asset has no business service yet: policy default",
        )
    value = _coerce(MissionWellbeing, evidence.mission_wellbeing, "mission_wellbeing")
    return PointValue(
        point, value.value, "asset", evidence.mission_source or "from the asset's business service"
    )
