"""Posture (NIST CSF 2.0) API: frameworks (the shipped CSF 2.0 and OSCAL catalogues imported), assessments
and their scores, the profile with gaps to target and benchmark, assessments side by side, benchmarks,
OSCAL assessment results out and in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, changes_of, paginate
from accord.core.errors import NotFound
from accord.core.permissions import Actor
from accord.posture import selectors, services
from accord.posture.frameworks import CSF_KEY
from accord.posture.schemas import (
    AssessmentDetailOut,
    AssessmentIn,
    AssessmentOut,
    AssessmentPatch,
    AssessmentQuery,
    BenchmarkOut,
    CompareQuery,
    FrameworkOut,
    ProfileQuery,
    ScoreIn,
)

router = Router(tags=["posture"])
READ, WRITE = Capability(selectors.READ), Capability(selectors.WRITE)


def _framework_row(framework: Any) -> dict[str, Any]:
    return {"key": framework.key, "title": framework.title, "version": framework.version,
            "builtin": framework.builtin, "counts": framework.counts()}


@router.get("/frameworks", response={200: list[FrameworkOut], **REFUSALS}, auth=READ)
def frameworks(request: HttpRequest) -> Any:
    return [_framework_row(f) for f in selectors.frameworks(acting_user(request))]


@router.post("/frameworks", response={201: FrameworkOut, **REFUSALS}, auth=WRITE)
def import_framework(request: HttpRequest, file: File[UploadedFile], key: Form[str]) -> Any:
    """Import an OSCAL catalogue (JSON) as a further framework under `key`."""
    actor = acting_user(request)
    row = services.import_oscal_catalogue(actor=actor, file=file, filename=file.name or "catalogue.json", key=key)
    return Status(201, _framework_row(selectors.framework_by_key(actor, row.key)))


@router.get("/frameworks/{key}", response={200: dict[str, Any], **REFUSALS}, auth=READ)
def framework(request: HttpRequest, key: str) -> Any:
    """The framework's functions, categories and subcategories, with informative references for CSF 2.0."""
    return selectors.framework_by_key(acting_user(request), key).as_document()


@router.get("/assessments", response={200: Page[AssessmentOut], **REFUSALS}, auth=READ)
def assessments(request: HttpRequest, query: Query[AssessmentQuery]) -> Any:
    qs = selectors.assessments(acting_user(request), framework_key=query.framework or None)
    return paginate(qs, page=query.page, page_size=query.page_size)


@router.post("/assessments", response={201: AssessmentOut, **REFUSALS}, auth=WRITE)
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Any:
    actor = acting_user(request)
    fields = payload.dict()
    copy_from = fields.pop("copy_from")
    source = selectors.assessment_by_id(actor, copy_from) if copy_from else None
    return Status(201, services.create_assessment(actor=actor, copy_from=source, **fields))


@router.post("/assessments/import-oscal", response={201: AssessmentOut, **REFUSALS}, auth=WRITE)
def import_assessment(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Create an assessment from OSCAL assessment results exported by Accord."""
    return Status(201, services.import_assessment_results(actor=acting_user(request), file=file,
                                                          filename=file.name or "assessment-results.json"))


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **REFUSALS}, auth=READ)
def assessment(request: HttpRequest, assessment_id: DbId) -> Any:
    return selectors.assessment_by_id(acting_user(request), assessment_id)


@router.patch("/assessments/{assessment_id}", response={200: AssessmentOut, **REFUSALS}, auth=WRITE)
def update_assessment(request: HttpRequest, assessment_id: DbId, payload: AssessmentPatch) -> Any:
    actor = acting_user(request)
    found = selectors.assessment_by_id(actor, assessment_id)
    return services.update_assessment(actor=actor, assessment=found, changes=changes_of(payload))


@router.put("/assessments/{assessment_id}/scores/{subcategory}", response={200: dict[str, Any], **REFUSALS},
            auth=WRITE)
def set_score(request: HttpRequest, assessment_id: DbId, subcategory: str, payload: ScoreIn) -> Any:
    """Score one subcategory: current and target 0 to 4, evidence, owner (username), day."""
    actor = acting_user(request)
    found = selectors.assessment_by_id(actor, assessment_id)
    owner = None
    if payload.owner:
        from accord.accounts import selectors as accounts

        owner = accounts.user_by_username(actor, payload.owner)
    score = services.set_score(actor=actor, assessment=found, subcategory=subcategory, current=payload.current,
                               target=payload.target, evidence=payload.evidence, owner=owner,
                               scored_on=payload.scored_on)
    return {"subcategory": score.subcategory, "current": score.current, "target": score.target,
            "evidence": score.evidence, "owner": owner.username if owner else None,
            "scored_on": score.scored_on.isoformat() if score.scored_on else None}


def _benchmark(viewer: Actor, key: str, framework_key: str) -> Any:
    return selectors.benchmark_by_key(viewer, key) if key else selectors.default_benchmark(viewer, framework_key)


@router.get("/assessments/{assessment_id}/profile", response={200: dict[str, Any], **REFUSALS}, auth=READ)
def profile(request: HttpRequest, assessment_id: DbId, query: Query[ProfileQuery]) -> Any:
    """Roll-up per category and function (mean or strict), gaps to target and benchmark, initiatives."""
    viewer = acting_user(request)
    found = selectors.assessment_by_id(viewer, assessment_id)
    bench = _benchmark(viewer, query.benchmark, found.framework_key)
    return selectors.profile(viewer, found, benchmark=bench, mode=query.mode).as_document()


@router.get("/gaps", response={200: dict[str, Any], **REFUSALS}, auth=READ)
def gaps(request: HttpRequest, query: Query[ProfileQuery]) -> Any:
    """The latest CSF 2.0 assessment's profile (what the scorecard and the board pack read)."""
    viewer = acting_user(request)
    latest = selectors.latest_assessment(viewer)
    if latest is None:
        raise NotFound("assessment of", CSF_KEY)
    bench = _benchmark(viewer, query.benchmark, CSF_KEY)
    return selectors.profile(viewer, latest, benchmark=bench, mode=query.mode).as_document()


@router.get("/assessments/{assessment_id}/oscal", response={200: dict[str, Any], **REFUSALS}, auth=READ)
def export_oscal(request: HttpRequest, assessment_id: DbId) -> Any:
    """The assessment as OSCAL assessment results (JSON, valid against the OSCAL schema)."""
    viewer = acting_user(request)
    return selectors.oscal_assessment_results(viewer, selectors.assessment_by_id(viewer, assessment_id))


@router.get("/compare", response={200: dict[str, Any], **REFUSALS}, auth=READ)
def compare(request: HttpRequest, query: Query[CompareQuery]) -> Any:
    """Assessments side by side, oldest first (default: every CSF 2.0 assessment)."""
    viewer = acting_user(request)
    chosen = selectors.assessments_by_ids(viewer, query.ids)
    return selectors.comparison(viewer, chosen, mode=query.mode).as_document()


@router.get("/benchmarks", response={200: list[BenchmarkOut], **REFUSALS}, auth=READ)
def benchmarks(request: HttpRequest) -> Any:
    return [b.as_dict() for b in selectors.benchmarks(acting_user(request))]


@router.post("/benchmarks", response={201: BenchmarkOut, **REFUSALS}, auth=WRITE)
def import_benchmark(request: HttpRequest, file: File[UploadedFile]) -> Any:
    actor = acting_user(request)
    row = services.import_benchmark(actor=actor, file=file, filename=file.name or "benchmark.json")
    return Status(201, selectors.benchmark_by_key(actor, row.key).as_dict())
