"""Permission-scoped reads of the posture area. Every figure a page, the API, the command line, the
scorecard or the board pack shows is computed here once (`profile`, `comparison`, `headline`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accord.core.errors import NotFound, ValidationFailed
from accord.core.permissions import HasCapabilities, can, require
from accord.posture.benchmarks import BenchmarkProfile, read_benchmark, shipped_benchmark
from accord.posture.frameworks import CSF_KEY, Framework, csf, read_catalogue
from accord.posture.models import Assessment, Benchmark, ImportedFramework, Score
from accord.posture.oscal import AssessmentRecord, ScoreRecord, assessment_results
from accord.posture.radar import Series, radar_svg
from accord.posture.rollup import MEAN, MODES, RolledUp, roll_up_profile

READ = "scorecard.read"
WRITE = "scorecard.write"
COLOURS = {"current": "#1f5fbf", "target": "#1e7b4a", "benchmark": "#b54708"}
LINKED_STATUSES = ("proposed", "approved", "in_progress", "done")  # initiatives that advance a gap (not rejected)


# Frameworks -------------------------------------------------------------------------------------------

def framework_named(key: str) -> Framework | None:
    """The framework a key names (CSF 2.0 or an imported one), without a permission check: for services
    validating their input."""
    if key == CSF_KEY:
        return csf()
    row = ImportedFramework.objects.filter(key=key).first()
    if row is None:
        return None
    try:
        return read_catalogue(row.catalogue, key=row.key)
    except ValidationFailed:  # stored before the reader changed its mind: shown as unreadable, not a 500
        return None


def frameworks(viewer: HasCapabilities) -> list[Framework]:
    require(viewer, READ)
    imported = [framework_named(key) for key in ImportedFramework.objects.values_list("key", flat=True)]
    return [csf(), *(f for f in imported if f is not None)]


def framework_by_key(viewer: HasCapabilities, key: str) -> Framework:
    require(viewer, READ)
    framework = framework_named(key)
    if framework is None:
        raise NotFound("framework", key)
    return framework


def imported_frameworks(viewer: HasCapabilities) -> QuerySet[ImportedFramework]:
    require(viewer, READ)
    return ImportedFramework.objects.select_related("imported_by").order_by("key")


# Assessments ------------------------------------------------------------------------------------------

def assessments(viewer: HasCapabilities, *, framework_key: str | None = None) -> QuerySet[Assessment]:
    require(viewer, READ)
    qs = Assessment.objects.select_related("created_by")
    if framework_key:
        qs = qs.filter(framework_key=framework_key)
    return qs.order_by("-assessed_on", "-id")


def assessment_by_id(viewer: HasCapabilities, assessment_id: int) -> Assessment:
    try:
        return assessments(viewer).get(pk=assessment_id)
    except Assessment.DoesNotExist:
        raise NotFound("assessment", assessment_id) from None


def assessments_by_ids(viewer: HasCapabilities, ids: str) -> list[Assessment]:
    """Assessments named by comma-separated ids ("3,5"); none named: every CSF 2.0 assessment."""
    text = ids.strip()
    if not text:
        return list(assessments(viewer, framework_key=CSF_KEY))
    wanted = []
    for part in text.split(","):
        if not part.strip().isdecimal() or len(part.strip()) > 18:
            raise ValidationFailed.field("ids", f"{part.strip()!r} is not an assessment id")
        wanted.append(int(part))
    return [assessment_by_id(viewer, pk) for pk in dict.fromkeys(wanted)]


def latest_assessment(viewer: HasCapabilities, framework_key: str = CSF_KEY) -> Assessment | None:
    """The current profile: the assessment with the latest day (the newest row on a tie)."""
    return assessments(viewer, framework_key=framework_key).first()


def scores_of(viewer: HasCapabilities, assessment: Assessment) -> dict[str, Score]:
    require(viewer, READ)
    return {s.subcategory: s for s in Score.objects.filter(assessment=assessment).select_related("owner")}


# Benchmarks -------------------------------------------------------------------------------------------

def _profile_of(row: Benchmark) -> BenchmarkProfile:
    return BenchmarkProfile(key=row.key, title=row.title, framework_key=row.framework_key, industry=row.industry,
                            size=row.size, source=row.source, synthetic=row.synthetic, as_of=row.as_of,
                            values={k: float(v) for k, v in row.values.items()})


def benchmarks(viewer: HasCapabilities, *, framework_key: str | None = None) -> list[BenchmarkProfile]:
    """Imported benchmarks (measured ones first), then the synthetic one Accord ships."""
    require(viewer, READ)
    rows = [_profile_of(b) for b in Benchmark.objects.order_by("synthetic", "title")]
    found = [*rows, shipped_benchmark()]
    return [b for b in found if framework_key is None or b.framework_key == framework_key]


def benchmark_by_key(viewer: HasCapabilities, key: str) -> BenchmarkProfile:
    for benchmark in benchmarks(viewer):
        if benchmark.key == key:
            return benchmark
    raise NotFound("benchmark", key)


def default_benchmark(viewer: HasCapabilities, framework_key: str) -> BenchmarkProfile | None:
    """A measured benchmark for the framework when one was imported, else the synthetic one."""
    found = benchmarks(viewer, framework_key=framework_key)
    return found[0] if found else None


def parse_benchmark(document: Any) -> BenchmarkProfile:
    return read_benchmark(document, framework_of=framework_named)


# The profile: roll-up, gaps, initiatives ----------------------------------------------------------------

@dataclass(frozen=True)
class InitiativeLink:
    id: int
    title: str
    status: str
    subcategories: tuple[str, ...]  # the ones of the gap's category it advances


@dataclass
class Profile:
    assessment: Assessment
    framework: Framework
    benchmark: BenchmarkProfile | None
    mode: str
    rolled: RolledUp
    initiatives: dict[str, list[InitiativeLink]] = field(default_factory=dict)  # category id -> links

    @property
    def as_of(self) -> Any:
        return self.assessment.assessed_on

    def radar(self, *, by: str = "function") -> str:
        rows = self.rolled.functions if by == "function" else self.rolled.categories
        series = [Series("Current", [r.current for r in rows], COLOURS["current"]),
                  Series("Target", [r.target for r in rows], COLOURS["target"], dashed=True)]
        if self.benchmark is not None:
            name = "Benchmark (synthetic)" if self.benchmark.synthetic else "Benchmark"
            series.append(Series(name, [r.benchmark for r in rows], COLOURS["benchmark"], dashed=True))
        return radar_svg([r.id for r in rows], series,
                         title=f"{self.framework.title}: current, target and benchmark per {by}, "
                               f"scores 0 to 4, as of {self.as_of}")

    def as_document(self) -> dict[str, Any]:
        """The profile as plain JSON: what the API and `accord csf gaps --json` print."""
        def with_links(row: Any) -> dict[str, Any]:
            out = row.as_dict()
            out["initiatives"] = [{"id": i.id, "title": i.title, "status": i.status, "subcategories": list(i.subcategories)}
                                  for i in self.initiatives.get(row.id, [])]
            return out

        return {
            "assessment": {"id": self.assessment.pk, "title": self.assessment.title,
                           "assessed_on": self.assessment.assessed_on.isoformat(), "tier": self.assessment.tier,
                           "tier_label": self.assessment.get_tier_display() if self.assessment.tier else None},
            "framework": self.framework.key, "mode": self.mode, "scale": "score 0 to 4",
            "as_of": self.as_of.isoformat(),
            "benchmark": self.benchmark.as_dict() if self.benchmark else None,
            "overall": self.rolled.overall.as_dict(),
            "functions": [r.as_dict() for r in self.rolled.functions],
            "categories": [with_links(r) for r in self.rolled.categories],
        }


def _initiative_links(viewer: HasCapabilities, framework: Framework) -> dict[str, list[InitiativeLink]]:
    """The portfolio's initiatives (not rejected) by the categories whose subcategories they name.
    Someone who may not read the portfolio sees no links rather than a refusal."""
    if not can(viewer, "portfolio.read"):
        return {}
    from accord.portfolio import selectors as portfolio

    category_of = {s.id: s.category_id for s in framework.subcategories()}
    links: dict[str, list[InitiativeLink]] = {}
    for initiative in portfolio.initiatives(viewer).filter(status__in=LINKED_STATUSES):
        by_category: dict[str, list[str]] = {}
        for ident in initiative.csf_subcategories or []:
            if ident in category_of:
                by_category.setdefault(category_of[ident], []).append(ident)
        for category, idents in by_category.items():
            links.setdefault(category, []).append(InitiativeLink(initiative.pk, initiative.title,
                                                                 initiative.get_status_display(), tuple(idents)))
    return links


def profile(viewer: HasCapabilities, assessment: Assessment, *, benchmark: BenchmarkProfile | None = None,
            mode: str = MEAN, with_initiatives: bool = True) -> Profile:
    require(viewer, READ)
    if mode not in MODES:
        raise ValidationFailed.field("mode", f"must be one of {', '.join(MODES)}")
    framework = framework_named(assessment.framework_key)
    if framework is None:
        raise NotFound("framework", assessment.framework_key)
    if benchmark is not None and benchmark.framework_key != framework.key:
        raise ValidationFailed.field("benchmark", f"benchmark {benchmark.key!r} is for {benchmark.framework_key}, "
                                                  f"not {framework.key}")
    scores = scores_of(viewer, assessment)
    rolled = roll_up_profile(framework, current={k: s.current for k, s in scores.items()},
                             target={k: s.target for k, s in scores.items()},
                             benchmark=benchmark.values if benchmark else {}, mode=mode)
    links = _initiative_links(viewer, framework) if with_initiatives else {}
    return Profile(assessment, framework, benchmark, mode, rolled, links)


@dataclass(frozen=True)
class Comparison:
    """Assessments side by side (oldest first): each function's and each category's level in each."""

    assessments: list[Assessment]
    mode: str
    functions: list[tuple[str, str, list[float | None]]]  # id, title, one level per assessment
    categories: list[tuple[str, str, list[float | None]]]
    overall: list[float | None]

    def as_document(self) -> dict[str, Any]:
        return {"mode": self.mode, "scale": "score 0 to 4",
                "assessments": [{"id": a.pk, "title": a.title, "assessed_on": a.assessed_on.isoformat()}
                                for a in self.assessments],
                "overall": self.overall,
                "functions": [{"id": i, "title": t, "current": v} for i, t, v in self.functions],
                "categories": [{"id": i, "title": t, "current": v} for i, t, v in self.categories]}


def comparison(viewer: HasCapabilities, chosen: Sequence[Assessment], *, mode: str = MEAN) -> Comparison:
    """The current levels of assessments of one framework over time."""
    ordered = sorted(chosen, key=lambda a: (a.assessed_on, a.pk))
    keys = {a.framework_key for a in ordered}
    if len(keys) > 1:
        raise ValidationFailed.field("assessments", "compare assessments of one framework at a time")
    profiles = [profile(viewer, a, mode=mode, with_initiatives=False) for a in ordered]
    if not profiles:
        return Comparison([], mode, [], [], [])
    first = profiles[0].rolled

    def levels(attribute: str) -> list[tuple[str, str, list[float | None]]]:
        rows = getattr(first, attribute)
        return [(r.id, r.title, [getattr(p.rolled, attribute)[i].current for p in profiles]) for i, r in enumerate(rows)]

    return Comparison(ordered, mode, levels("functions"), levels("categories"),
                      [p.rolled.overall.current for p in profiles])


# OSCAL export -----------------------------------------------------------------------------------------

def oscal_assessment_results(viewer: HasCapabilities, assessment: Assessment) -> dict[str, Any]:
    """The assessment as an OSCAL assessment-results document (see accord.posture.oscal)."""
    scores = scores_of(viewer, assessment)
    record = AssessmentRecord(
        title=assessment.title, framework_key=assessment.framework_key, assessed_on=assessment.assessed_on,
        tier=assessment.tier, notes=assessment.notes,
        scores=tuple(ScoreRecord(s.subcategory, s.current, s.target, s.evidence,
                                 s.owner.username if s.owner else "", s.scored_on)
                     for _, s in sorted(scores.items())))
    return assessment_results(record, published=timezone.now())


# For the scorecard and the board pack ---------------------------------------------------------------------

def headline(viewer: HasCapabilities) -> Profile | None:
    """The latest CSF 2.0 assessment's profile in mean mode against the default benchmark, or None
    when there is no assessment yet: what the scorecard metrics and the board pack read."""
    latest = latest_assessment(viewer)
    if latest is None:
        return None
    return profile(viewer, latest, benchmark=default_benchmark(viewer, CSF_KEY), mode=MEAN)
