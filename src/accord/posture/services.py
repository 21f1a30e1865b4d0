"""Every write of the posture area: one transaction, an acting user, an audit row. Files are read whole
and refused whole: a failed import leaves nothing behind."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.db import transaction

from accord.core import audit, clock
from accord.core.crud import update_row, validate
from accord.core.csv_files import read_upload
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, can, require
from accord.posture import oscal, selectors
from accord.posture.benchmarks import shipped_benchmark
from accord.posture.frameworks import CSF_KEY, Framework, read_catalogue
from accord.posture.models import MAX_SCORE, Assessment, Benchmark, ImportedFramework, Score

WRITE = selectors.WRITE
ASSESSMENT_FIELDS = ("title", "assessed_on", "tier", "notes")


def _json(raw: bytes, filename: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationFailed.field("file", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValidationFailed(Problem("file", exc.msg, line=exc.lineno), source=filename) from None


def _framework(key: str, field: str = "framework_key") -> Framework:
    framework = selectors.framework_named(key)
    if framework is None:
        raise ValidationFailed.field(field, f"unknown framework {key!r}")
    return framework


# Frameworks ------------------------------------------------------------------------------------------

@transaction.atomic
def import_oscal_catalogue(*, actor: Actor, file: Any, filename: str, key: str) -> ImportedFramework:
    """Load an OSCAL catalogue (JSON) as a further framework under `key`: validated against the OSCAL
    catalogue schema, then read into functions, categories and subcategories (accord.posture.frameworks)."""
    require(actor, WRITE)
    document = _json(read_upload(file, filename), filename)
    oscal.require_valid(document, "catalog", source=filename)
    try:
        framework = read_catalogue(document, key=key)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, source=filename) from None
    if key == CSF_KEY:
        raise ValidationFailed.field("key", f"{CSF_KEY!r} is the CSF 2.0 Accord ships; choose another key")
    row = ImportedFramework(key=key, title=framework.title[:300], version=framework.version[:80],
                            oscal_uuid=framework.oscal_uuid, catalogue=document, filename=filename[:255],
                            imported_by=actor)  # type: ignore[misc]
    validate(row)
    row.save()
    audit.record(actor, "posture.framework_imported", row,
                 after={"key": key, "title": row.title, "version": row.version, "filename": filename,
                        **framework.counts()})
    return row


# Assessments -----------------------------------------------------------------------------------------

@transaction.atomic
def create_assessment(*, actor: Actor, title: str, assessed_on: date, framework_key: str = CSF_KEY,
                      tier: int | None = None, notes: str = "", copy_from: Assessment | None = None) -> Assessment:
    """A new assessment; with `copy_from`, it starts with that assessment's scores (same framework),
    so this quarter's profile is last quarter's, revised."""
    require(actor, WRITE)
    _framework(framework_key)
    if copy_from is not None and copy_from.framework_key != framework_key:
        raise ValidationFailed.field("copy_from", f"assessment {copy_from.pk} scores {copy_from.framework_key}, "
                                                  f"not {framework_key}")
    assessment = Assessment(title=title, assessed_on=assessed_on, framework_key=framework_key, tier=tier,
                            notes=notes, created_by=actor)  # type: ignore[misc]
    validate(assessment)
    assessment.save()
    copied = 0
    if copy_from is not None:
        rows = [Score(assessment=assessment, subcategory=s.subcategory, current=s.current, target=s.target,
                      evidence=s.evidence, owner_id=s.owner_id, scored_on=s.scored_on)
                for s in Score.objects.filter(assessment=copy_from)]
        Score.objects.bulk_create(rows)
        copied = len(rows)
    audit.record(actor, "posture.assessment_created", assessment,
                 after={**audit.snapshot(assessment), "copied_from": copy_from.pk if copy_from else None,
                        "scores_copied": copied})
    return assessment


def update_assessment(*, actor: Actor, assessment: Assessment, changes: dict[str, Any]) -> Assessment:
    unknown = set(changes) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], "cannot be changed here")
    return update_row(actor=actor, instance=assessment, capability=WRITE, changes=changes)


def _check_score(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SCORE:
        raise ValidationFailed.field(field, f"must be a whole number from 0 to {MAX_SCORE}")
    return value


@transaction.atomic
def set_score(*, actor: Actor, assessment: Assessment, subcategory: str, current: int | None,
              target: int | None, evidence: str = "", owner: Any = None, scored_on: date | None = None) -> Score:
    """Score one subcategory (0 to 4, current and target) with its evidence, owner and day (today when
    not given). A second call for the same subcategory revises it; the audit row says what changed."""
    require(actor, WRITE)
    framework = _framework(assessment.framework_key)
    if subcategory not in set(framework.subcategory_ids()):
        raise ValidationFailed.field("subcategory", f"{subcategory!r} is not a subcategory of {framework.key}")
    _check_score(current, "current")
    _check_score(target, "target")
    score = Score.objects.filter(assessment=assessment, subcategory=subcategory).first()
    before = audit.snapshot(score) if score is not None else None
    if score is None:
        score = Score(assessment=assessment, subcategory=subcategory)
    score.current, score.target, score.evidence = current, target, evidence
    score.owner = owner
    score.scored_on = scored_on or clock.today()
    validate(score)
    score.save()
    if before is None:
        audit.record(actor, "posture.score_set", score, after=audit.snapshot(score))
    else:
        audit.record_change(actor, "posture.score_revised", score, before, audit.snapshot(score))
    return score


@transaction.atomic
def import_assessment_results(*, actor: Actor, file: Any, filename: str) -> Assessment:
    """An assessment from OSCAL assessment results written by Accord (`export-oscal`), e.g. from
    another Accord: validated against the schema, every subcategory checked against the framework.
    An owner is kept when a user of that name exists here and the importer may see users."""
    require(actor, WRITE)
    document = _json(read_upload(file, filename), filename)
    try:
        record = oscal.read_assessment_results(document)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, source=filename) from None
    framework = _framework(record.framework_key, "framework")
    known = set(framework.subcategory_ids())
    problems = [Problem(f"findings/{i}/target/target-id", f"{s.subcategory!r} is not a subcategory of {framework.key}")
                for i, s in enumerate(record.scores) if s.subcategory not in known]
    seen: set[str] = set()
    for i, s in enumerate(record.scores):
        if s.subcategory in seen:
            problems.append(Problem(f"findings/{i}/target/target-id", f"{s.subcategory!r} is scored twice"))
        seen.add(s.subcategory)
    if problems:
        raise ValidationFailed(problems, source=filename)
    assessment = create_assessment(actor=actor, title=record.title[:200], assessed_on=record.assessed_on,
                                   framework_key=framework.key, tier=record.tier, notes=record.notes)
    owners = _owners(actor, {s.owner for s in record.scores if s.owner})
    Score.objects.bulk_create([
        Score(assessment=assessment, subcategory=s.subcategory, current=s.current, target=s.target,
              evidence=s.evidence, owner=owners.get(s.owner), scored_on=s.scored_on or record.assessed_on)
        for s in record.scores])
    audit.record(actor, "posture.assessment_imported", assessment,
                 after={"filename": filename, "scores": len(record.scores)})
    return assessment


def _owners(actor: Actor, usernames: set[str]) -> dict[str, Any]:
    if not usernames or not can(actor, "user.read"):
        return {}
    from accord.accounts import selectors as accounts

    return {u.username: u for u in accounts.users_visible_to(actor).filter(username__in=usernames)}


# Benchmarks ------------------------------------------------------------------------------------------

@transaction.atomic
def import_benchmark(*, actor: Actor, file: Any, filename: str) -> Benchmark:
    """Load a benchmark profile from its JSON file. A file with the key of one imported before replaces
    its figures (a newer survey from the same source); the audit row keeps the old ones."""
    require(actor, WRITE)
    document = _json(read_upload(file, filename), filename)
    try:
        profile = selectors.parse_benchmark(document)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, source=filename) from None
    if profile.key == shipped_benchmark().key:
        raise ValidationFailed(Problem("key", f"{profile.key!r} is the synthetic benchmark Accord ships; "
                                              "choose another key"), source=filename)
    fields = {"title": profile.title[:200], "framework_key": profile.framework_key, "industry": profile.industry[:120],
              "size": profile.size[:120], "source": profile.source[:300], "synthetic": profile.synthetic,
              "as_of": profile.as_of, "values": profile.values}
    existing = Benchmark.objects.filter(key=profile.key).first()
    if existing is not None:
        before = audit.snapshot(existing)
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.imported_by = actor  # type: ignore[assignment]
        validate(existing)
        existing.save()
        audit.record_change(actor, "posture.benchmark_replaced", existing, before, audit.snapshot(existing))
        return existing
    row = Benchmark(key=profile.key, imported_by=actor, **fields)  # type: ignore[misc]
    validate(row)
    row.save()
    audit.record(actor, "posture.benchmark_imported", row, after={**audit.snapshot(row), "filename": filename})
    return row
