"""The posture area's scorecard metrics: the CSF 2.0 gap to target and to benchmark, both read from
the latest assessment's profile in mean mode (`selectors.headline`), so the scorecard says what
/posture/ says. Default thresholds (until the CIO and the CISO agree others), in score points on the
0-to-4 scale: gap to target amber from 0.5, red from 1.0; gap to benchmark amber from 0.25, red from
0.75 (a positive gap means behind)."""

from __future__ import annotations

from typing import Any

from accord.metrics.registry import (
    HIGHER_IS_WORSE,
    KRI,
    MetricDefinition,
    ReadContext,
    Reading,
    Thresholds,
    register,
)

UNIT = "points"
GROUP = "Posture (NIST CSF 2.0)"


def _headline(viewer: Any, ctx: ReadContext) -> Any:
    from accord.posture import selectors

    return ctx.once("posture_headline", lambda: selectors.headline(viewer))


def _assessment_words(profile: Any) -> str:
    a = profile.assessment
    return f"assessment {a.title!r} of {a.assessed_on.isoformat()}"


def _gap_to_target(viewer: Any, ctx: ReadContext) -> Reading | None:
    profile = _headline(viewer, ctx)
    if profile is None or profile.rolled.overall.gap_to_target is None:
        return None
    o = profile.rolled.overall
    return Reading(o.gap_to_target, f"{o.gap_to_target:.2f} {UNIT}",
                   f"current {o.current:.2f} against target {o.target:.2f} ({o.scored} of {o.total} subcategories "
                   f"scored; {_assessment_words(profile)})")


def _gap_to_benchmark(viewer: Any, ctx: ReadContext) -> Reading | None:
    profile = _headline(viewer, ctx)
    if profile is None or profile.rolled.overall.gap_to_benchmark is None:
        return None
    o = profile.rolled.overall
    return Reading(o.gap_to_benchmark, f"{o.gap_to_benchmark:.2f} {UNIT}",
                   f"current {o.current:.2f} against {profile.benchmark.label} {o.benchmark:.2f} "
                   f"({_assessment_words(profile)})")


def register_metrics() -> None:
    register(MetricDefinition(
        "csf_gap_to_target", "CSF 2.0 gap to target", KRI, UNIT,
        "Mean target score minus mean current score (0 to 4) over the scored subcategories of the latest "
        "NIST CSF 2.0 assessment; positive means short of target.",
        "/posture/", _gap_to_target, "scorecard.read", Thresholds(HIGHER_IS_WORSE, 0.5, 1.0), group=GROUP,
        order=85))
    register(MetricDefinition(
        "csf_gap_to_benchmark", "CSF 2.0 gap to benchmark", KRI, UNIT,
        "Benchmark score (mean of its functions) minus mean current score (0 to 4) of the latest NIST CSF 2.0 "
        "assessment; positive means behind the peers. The benchmark is the imported one, else Accord's "
        "synthetic one (labelled so).",
        "/posture/", _gap_to_benchmark, "scorecard.read", Thresholds(HIGHER_IS_WORSE, 0.25, 0.75), group=GROUP,
        order=86))
