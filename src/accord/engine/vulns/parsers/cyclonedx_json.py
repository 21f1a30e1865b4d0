"""CycloneDX JSON (1.4+) with `vulnerabilities`: one finding per vulnerability and affected
component. The asset is the application the SBOM describes; the location is the component's
package URL. A VEX `analysis.state` of `not_affected` or `false_positive` suppresses the finding
with its justification (e.g. `not_affected: code_not_reachable - <detail>`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from accord.engine.vulns.parsers._json import JsonReader, load_json
from accord.engine.vulns.records import CVE_PATTERN, ScanFinding, Severity

FORMAT = "cyclonedx"
SUPPRESSING_STATES = frozenset({"not_affected", "false_positive"})
# Which rating to trust when a vulnerability carries several: newest CVSS first.
_METHOD_PREFERENCE = {"CVSSv4": 0, "CVSSv31": 1, "CVSSv3": 2, "CVSSv2": 4}
_VECTOR_PREFIX = {"CVSSv4": "CVSS:4.0/", "CVSSv31": "CVSS:3.1/", "CVSSv3": "CVSS:3.0/"}


def parse(
    stream: BinaryIO, *, source: str, application: str | None = None, **_: object
) -> Iterator[ScanFinding]:
    reader = JsonReader(source)
    bom = reader.obj(load_json(stream, source), "$")
    if bom.get("bomFormat") != "CycloneDX":
        raise reader.fail("$.bomFormat", f"expected 'CycloneDX', found {bom.get('bomFormat')!r}")
    metadata = bom.get("metadata")
    subject = metadata.get("component") if isinstance(metadata, dict) else None
    subject = subject if isinstance(subject, dict) else None
    components: dict[str, str] = {}
    _index_components(reader, bom.get("components"), "$.components", components)
    if subject is not None:
        _index_components(reader, [subject], "$.metadata.component", components)
    asset = (
        application
        or _subject_name(subject)
        or PurePosixPath(source.replace("\\", "/")).stem
        or "application"
    )
    for number, value in enumerate(reader.list(bom.get("vulnerabilities"), "$.vulnerabilities")):
        path = f"vulnerabilities[{number}]"
        vulnerability = reader.obj(value, path)
        yield from _findings(reader, vulnerability, path, components, asset)


def _index_components(reader: JsonReader, value: Any, path: str, into: dict[str, str]) -> None:
    """bom-ref -> package URL (or name@version), through nested components."""
    for index, item in enumerate(reader.list(value, path)):
        component = reader.obj(item, f"{path}[{index}]")
        reference = str(component.get("bom-ref", "")).strip()
        name = str(component.get("purl", "")).strip() or _subject_name(component)
        if reference:
            into[reference] = name
        if component.get("components"):
            _index_components(reader, component["components"], f"{path}[{index}].components", into)


def _subject_name(component: dict[str, Any] | None) -> str:
    if not component:
        return ""
    name = str(component.get("name", "")).strip()
    version = str(component.get("version", "")).strip()
    return f"{name}@{version}" if name and version else name


def _findings(
    reader: JsonReader, vulnerability: dict[str, Any], path: str, components: dict[str, str], asset: str
) -> Iterator[ScanFinding]:
    vuln_id = reader.text(vulnerability, "id", path, required=True)
    references = [
        reader.text(reader.obj(ref, f"{path}.references[{i}]"), "id", f"{path}.references[{i}]")
        for i, ref in enumerate(reader.list(vulnerability.get("references"), f"{path}.references"))
    ]
    cves = tuple(
        dict.fromkeys(ident.upper() for ident in (vuln_id, *references) if CVE_PATTERN.fullmatch(ident))
    )
    severity, score, vectors = _rating(reader, vulnerability, path)
    suppressed, justification = _analysis(reader, vulnerability, path)
    affects = reader.list(vulnerability.get("affects"), f"{path}.affects")
    targets = []
    for index, value in enumerate(affects):
        ref = reader.text(
            reader.obj(value, f"{path}.affects[{index}]"), "ref", f"{path}.affects[{index}]", required=True
        )
        targets.append((components.get(ref, ref), f"{path}.affects[{index}]"))
    for location, origin in targets or [("", path)]:
        yield ScanFinding(
            source_format=FORMAT,
            scanner="cyclonedx",
            rule_id=vuln_id,
            title=_title(vulnerability, vuln_id, location),
            severity=severity,
            application=asset,
            location=location,
            cves=cves,
            cvss3_vector=vectors.get("3", ""),
            cvss3_score=score.get("3"),
            cvss4_vector=vectors.get("4", ""),
            cvss4_score=score.get("4"),
            description=reader.text(vulnerability, "description", path),
            solution=reader.text(vulnerability, "recommendation", path),
            evidence=reader.text(vulnerability, "detail", path),
            suppressed=suppressed,
            suppression_justification=justification,
            origin=origin,
        )


def _title(vulnerability: dict[str, Any], vuln_id: str, location: str) -> str:
    description = str(vulnerability.get("description", "")).strip().split("\n", 1)[0]
    head = f"{vuln_id} in {location}" if location else vuln_id
    return f"{head}: {description[:160]}" if description else head


def _rating(
    reader: JsonReader, vulnerability: dict[str, Any], path: str
) -> tuple[Severity, dict[str, float], dict[str, str]]:
    """The vulnerability's severity from its most trusted rating, plus CVSS scores and vectors."""
    best: tuple[int, Severity] | None = None
    scores: dict[str, float] = {}
    vectors: dict[str, str] = {}
    for index, value in enumerate(reader.list(vulnerability.get("ratings"), f"{path}.ratings")):
        rating_path = f"{path}.ratings[{index}]"
        rating = reader.obj(value, rating_path)
        method = reader.text(rating, "method", rating_path)
        score = reader.number(rating, "score", rating_path)
        if score is not None and not 0.0 <= score <= 10.0:
            raise reader.fail(f"{rating_path}.score", f"{score:g} is out of range 0-10")
        word = reader.text(rating, "severity", rating_path)
        severity = Severity.from_label(word) if word else None
        if severity is None and score is not None:
            severity = Severity.from_score(score)
        if severity is not None:
            rank = _METHOD_PREFERENCE.get(method, 3)
            if best is None or rank < best[0]:
                best = (rank, severity)
        vector = reader.text(rating, "vector", rating_path)
        major = "4" if method == "CVSSv4" else "3" if method in ("CVSSv3", "CVSSv31") else ""
        if major and major not in vectors:
            if vector:
                vectors[major] = (
                    vector if vector.upper().startswith("CVSS:") else _VECTOR_PREFIX[method] + vector
                )
            if score is not None:
                scores[major] = score
    return (best[1] if best else Severity.INFO), scores, vectors


def _analysis(reader: JsonReader, vulnerability: dict[str, Any], path: str) -> tuple[bool, str]:
    analysis = vulnerability.get("analysis")
    if analysis is None:
        return False, ""
    analysis = reader.obj(analysis, f"{path}.analysis")
    state = reader.text(analysis, "state", f"{path}.analysis")
    if state not in SUPPRESSING_STATES:
        return False, ""
    justification = reader.text(analysis, "justification", f"{path}.analysis")
    detail = reader.text(analysis, "detail", f"{path}.analysis")
    reason = f"{state}: {justification}" if justification else state
    return True, f"{reason} - {detail}" if detail else reason
