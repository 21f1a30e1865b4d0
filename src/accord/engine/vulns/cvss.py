"""CVSS v3.x and v4.0 scores and severities from a vector, computed with the `cvss` package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError

from accord.engine.vulns.errors import InvalidInput

_V3_TEMPORAL = ("E", "RL", "RC")
_V3_ENVIRONMENTAL = ("CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA")
_V4_BASE = ("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA")
_V4_THREAT = ("E",)
_V4_ENVIRONMENTAL = (
    "CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CvssScore:
    """A scored vector.

    `score`/`severity` are what the whole vector gives, named by `nomenclature`: for v4 one of
    CVSS-B, CVSS-BT, CVSS-BE, CVSS-BTE (FIRST's names); for v3 base, temporal or environmental,
    after the most specific metric group present. `base_score` uses the base metrics alone.
    `metrics` holds the metrics written in the vector (e.g. {"AV": "N", "PR": "N", ...}).
    """

    version: str
    vector: str
    score: float
    severity: str
    nomenclature: str
    base_score: float
    base_severity: str
    metrics: Mapping[str, str]


def score_vector(vector: str) -> CvssScore:
    """Score a `CVSS:3.0/...`, `CVSS:3.1/...` or `CVSS:4.0/...` vector; refuse anything else."""
    text = vector.strip()
    if text.startswith("CVSS:4.0/"):
        return _score_v4(text)
    if text.startswith(("CVSS:3.0/", "CVSS:3.1/")):
        return _score_v3(text)
    raise InvalidInput(
        "vector",
        f"{text!r} is not a CVSS v3.x or v4.0 vector: it must start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/",
    )


_V4_ONLY_METRICS = frozenset({"AT", "VC", "VI", "VA", "SC", "SI", "SA"})
_V3_METRICS = frozenset({"AV", "AC", "PR", "UI", "S", "C", "I", "A"})


def vector_version(vector: str) -> str:
    """The CVSS major version a vector's metrics imply: "4", "3", "2", or "" when they say nothing.

    A `CVSS:x.y/` prefix says it outright; without one the metrics do: `Au` is v2 only, `AT` and
    the `VC`/`VI`/`VA` impacts are v4 only, and `PR`, `UI` and `S` together are v3. Tenable's
    `CVSS2#` prefix marks v2.
    """
    text = vector.strip()
    if text.startswith("CVSS:") and len(text) > 5:
        return text[5]
    if text.startswith("CVSS2#"):
        return "2"
    metrics = {part.partition(":")[0] for part in text.strip("()").split("/")}
    if "Au" in metrics:
        return "2"
    if metrics & _V4_ONLY_METRICS:
        return "4"
    if {"PR", "UI", "S"} <= metrics and metrics <= _V3_METRICS | set(_V3_TEMPORAL) | set(_V3_ENVIRONMENTAL):
        return "3"
    return ""


def with_prefix(vector: str, *, v3: str = "3.1") -> str:
    """`vector` with the `CVSS:x.y/` prefix its metrics imply, when a scanner left it out.

    Tenable.sc and Qualys write `AV:N/AC:L/...` under a "CVSS v3" heading. v3.0 and v3.1 share
    their metrics, so the column's version (`v3`, default 3.1) decides between them. A vector
    with a prefix, or whose metrics are not v3 or v4 (v2, garbage), comes back unchanged: the
    scorer then refuses it, or the caller sets a v2 vector aside.
    """
    text = vector.strip().strip("()")
    if text.startswith("CVSS:"):
        return text
    version = vector_version(text)
    if version == "4":
        return "CVSS:4.0/" + text
    if version == "3":
        return f"CVSS:{v3}/" + text
    return vector.strip()


def _written_metrics(vector: str) -> dict[str, str]:
    metrics = {}
    for part in vector.split("/")[1:]:
        key, _, value = part.partition(":")
        metrics[key] = value
    return metrics


def _score_v3(vector: str) -> CvssScore:
    try:
        parsed = CVSS3(vector)
    except CVSSError as exc:
        raise InvalidInput("vector", f"invalid CVSS v3 vector {vector!r}: {exc}") from None
    base, temporal, environmental = parsed.scores()
    base_severity, temporal_severity, environmental_severity = parsed.severities()
    written = _written_metrics(parsed.clean_vector())
    if any(written.get(key, "X") != "X" for key in _V3_ENVIRONMENTAL):
        score, severity, name = environmental, environmental_severity, "environmental"
    elif any(written.get(key, "X") != "X" for key in _V3_TEMPORAL):
        score, severity, name = temporal, temporal_severity, "temporal"
    else:
        score, severity, name = base, base_severity, "base"
    return CvssScore(
        version=vector[5:8],
        vector=parsed.clean_vector(),
        score=float(score),
        severity=severity,
        nomenclature=name,
        base_score=float(base),
        base_severity=base_severity,
        metrics=MappingProxyType(written),
    )


def _score_v4(vector: str) -> CvssScore:
    try:
        parsed = CVSS4(vector)
        written = _written_metrics(parsed.clean_vector())
        base_only = CVSS4("CVSS:4.0/" + "/".join(f"{key}:{written[key]}" for key in _V4_BASE))
    except CVSSError as exc:
        raise InvalidInput("vector", f"invalid CVSS v4.0 vector {vector!r}: {exc}") from None
    threat = any(written.get(key, "X") != "X" for key in _V4_THREAT)
    environmental = any(written.get(key, "X") != "X" for key in _V4_ENVIRONMENTAL)
    name = "CVSS-B" + ("T" if threat else "") + ("E" if environmental else "")
    return CvssScore(
        version="4.0",
        vector=parsed.clean_vector(),
        score=float(parsed.base_score),
        severity=str(parsed.severity),
        nomenclature=name,
        base_score=float(base_only.base_score),
        base_severity=str(base_only.severity),
        metrics=MappingProxyType(written),
    )
