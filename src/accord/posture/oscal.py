"""OSCAL in and out: validation against NIST's published JSON schemas (shipped in data/oscal/, see the
README there), and an assessment as OSCAL assessment results.

The schemas write some patterns with Unicode property classes (`\\p{L}` letters, `\\p{N}` numbers),
which Python's `re` does not know; they are rewritten to the equivalent `[^\\W\\d_]` and `\\d` before
validating. Nothing else in the schemas is changed.

An assessment in OSCAL assessment results: one result (the assessment: its date, tier and
framework as properties), one finding per scored subcategory (target `objective-id` = the
subcategory's identifier, state `satisfied` when current reaches target) carrying the current and
target scores, the owner and the day scored as properties in Accord's namespace, and the evidence as
the description of an observation the finding relates to. `read_assessment_results` reads the same
shape back.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from accord.core.errors import Problem, ValidationFailed
from accord.posture.frameworks import DATA

OSCAL_VERSION = "1.2.3"  # the version of the schemas shipped in data/oscal/
NAMESPACE = "urn:accord:posture"
SCHEMAS = {"catalog": DATA / "oscal" / "oscal_catalog_schema.json",
           "assessment-results": DATA / "oscal" / "oscal_assessment-results_schema.json"}
MAX_PROBLEMS = 20


def _python_patterns(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (v.replace("\\p{L}", "[^\\W\\d_]").replace("\\p{N}", "\\d") if k == "pattern" and isinstance(v, str)
                    else _python_patterns(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_python_patterns(v) for v in node]
    return node


@cache
def _validator(model: str) -> Any:
    from jsonschema import Draft7Validator  # imported here: `accord --help` stays fast

    schema = _python_patterns(json.loads(SCHEMAS[model].read_text(encoding="utf-8")))
    return Draft7Validator(schema)


def schema_problems(document: Any, model: str) -> list[Problem]:
    """What in `document` breaks the OSCAL `model` schema ("catalog" or "assessment-results"), each
    problem named by its JSON path; empty when it is valid."""
    errors = sorted(_validator(model).iter_errors(document), key=lambda e: list(e.absolute_path))
    problems = []
    for error in errors[:MAX_PROBLEMS]:
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        message = error.message if len(error.message) < 300 else error.message[:297] + "..."
        problems.append(Problem(field=where, message=message))
    return problems


def require_valid(document: Any, model: str, *, source: str = "") -> None:
    problems = schema_problems(document, model)
    if problems:
        raise ValidationFailed(problems, source=source or f"OSCAL {model}")


# Assessment results -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreRecord:
    subcategory: str
    current: int | None
    target: int | None
    evidence: str
    owner: str
    scored_on: date | None


@dataclass(frozen=True)
class AssessmentRecord:
    title: str
    framework_key: str
    assessed_on: date
    tier: int | None
    notes: str
    scores: tuple[ScoreRecord, ...]


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": NAMESPACE, "value": str(value)}


def _moment(day: date) -> str:
    return datetime.combine(day, time(0), tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _uuid() -> str:
    return str(uuid.uuid4())


def assessment_results(record: AssessmentRecord, *, published: datetime) -> dict[str, Any]:
    """The assessment as an OSCAL assessment-results document (valid against the shipped schema)."""
    observations, findings = [], []
    for score in record.scores:
        observation_uuid = _uuid()
        observations.append({
            "uuid": observation_uuid, "title": f"Evidence for {score.subcategory}",
            "description": score.evidence or "No evidence recorded.", "methods": ["EXAMINE"],
            "collected": _moment(score.scored_on or record.assessed_on),
        })
        props = [_prop(name, value) for name, value in (("current-score", score.current), ("target-score", score.target),
                                                        ("owner", score.owner), ("scored-on", score.scored_on))
                 if value not in (None, "")]
        satisfied = score.current is not None and score.target is not None and score.current >= score.target
        finding: dict[str, Any] = {
            "uuid": _uuid(), "title": f"{score.subcategory}: current {score.current} against target {score.target}",
            "description": f"Current score {score.current}, target {score.target} (0 to 4).",
            "target": {"type": "objective-id", "target-id": score.subcategory,
                       "status": {"state": "satisfied" if satisfied else "not-satisfied"}},
            "related-observations": [{"observation-uuid": observation_uuid}],
        }
        if props:
            finding["props"] = props
        findings.append(finding)
    result_props = [_prop("framework", record.framework_key)]
    if record.tier is not None:
        result_props.append(_prop("csf-tier", record.tier))
    result: dict[str, Any] = {
        "uuid": _uuid(), "title": record.title, "description": record.notes or record.title,
        "start": _moment(record.assessed_on), "props": result_props,
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
    }
    if observations:
        result["observations"] = observations
        result["findings"] = findings
    return {"assessment-results": {
        "uuid": _uuid(),
        "metadata": {"title": record.title, "last-modified": published.astimezone(UTC).isoformat(),
                     "version": record.assessed_on.isoformat(), "oscal-version": OSCAL_VERSION},
        "import-ap": {"href": f"{NAMESPACE}:assessment-plan:{record.framework_key}"},
        "results": [result],
    }}


def _accord_props(element: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in element.get("props") or [] if p.get("ns") == NAMESPACE}


def _score_value(text: str | None, where: str) -> int | None:
    if text is None:
        return None
    if not text.isdecimal() or not 0 <= int(text) <= 4:
        raise ValidationFailed.field(where, f"{text!r} is not a score from 0 to 4")
    return int(text)


def read_assessment_results(document: Any) -> AssessmentRecord:
    """The first result of an OSCAL assessment-results document written by `assessment_results`
    (validated against the schema first)."""
    require_valid(document, "assessment-results")
    result = document["assessment-results"]["results"][0]
    props = _accord_props(result)
    evidence = {o["uuid"]: o.get("description", "") for o in result.get("observations") or []}
    scores = []
    for index, finding in enumerate(result.get("findings") or []):
        where = f"assessment-results/results/0/findings/{index}"
        values = _accord_props(finding)
        related = [r["observation-uuid"] for r in finding.get("related-observations") or []]
        text = evidence.get(related[0], "") if related else ""
        scored_on = values.get("scored-on")
        scores.append(ScoreRecord(
            subcategory=finding["target"]["target-id"],
            current=_score_value(values.get("current-score"), f"{where}/props/current-score"),
            target=_score_value(values.get("target-score"), f"{where}/props/target-score"),
            evidence="" if text == "No evidence recorded." else text, owner=values.get("owner", ""),
            scored_on=date.fromisoformat(scored_on) if scored_on else None,
        ))
    tier = props.get("csf-tier")
    framework_key = props.get("framework")
    if not framework_key:
        raise ValidationFailed.field("assessment-results/results/0/props/framework",
                                     "missing: Accord needs to know which framework the results score")
    return AssessmentRecord(
        title=result["title"], framework_key=framework_key,
        assessed_on=datetime.fromisoformat(result["start"].replace("Z", "+00:00")).date(),
        tier=_score_value(tier, "assessment-results/results/0/props/csf-tier") if tier else None,
        notes="" if result.get("description") == result["title"] else result.get("description", ""),
        scores=tuple(scores),
    )
