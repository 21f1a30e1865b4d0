"""CycloneDX vulnerabilities to findings, the same for the JSON and the XML encodings.

Each format's reader turns its document into a sequence of parts, in file order: the
`metadata`, each top-level `component` (as JSON-shaped dicts; the XML reader converts) and each
`vulnerability`. `Bom.findings` turns them into one finding per vulnerability and affected
component:

- the asset is the application the BOM describes (`metadata.component` name@version) unless the
  caller names one; a BOM that names none gets a placeholder (see `_code.unnamed_application`);
- the location is the affected component's package URL (else name@version, else the reference
  as written), found through the components' `bom-ref`s;
- VEX: `analysis.state` not_affected or false_positive suppresses the finding with its
  justification; resolved (or resolved_with_pedigree) leaves it out, so an open finding from an
  earlier import is marked fixed; the `response`s are kept with the recommendation;
- the severity is the most trusted rating (CVSS v4, then v3.1, v3.0, other, v2).

Vulnerabilities met before the metadata and components they refer to (JSON key order is free)
wait in a spool (`_spool.Spool`) until the end of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._code import cwe_ids, unnamed_application, with_weaknesses
from accord.engine.vulns.parsers._json import JsonReader
from accord.engine.vulns.parsers._spool import Spool
from accord.engine.vulns.records import CVE_PATTERN, ScanFinding, Severity

SCANNER = "cyclonedx"  # the same for JSON and XML, so a BOM's findings keep their identity across encodings
SUPPRESSING_STATES = frozenset({"not_affected", "false_positive"})
RESOLVED_STATES = frozenset({"resolved", "resolved_with_pedigree"})
# Which rating to trust when a vulnerability carries several: newest CVSS first.
_METHOD_PREFERENCE = {"CVSSv4": 0, "CVSSv31": 1, "CVSSv3": 2, "CVSSv2": 4}
_VECTOR_PREFIX = {"CVSSv4": "CVSS:4.0/", "CVSSv31": "CVSS:3.1/", "CVSSv3": "CVSS:3.0/"}
_MAPPED = frozenset({"id", "references", "ratings", "cwes", "description", "detail", "recommendation",
                     "workaround", "analysis", "affects"})


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a BOM in file order: kind is "metadata", "component" or "vulnerability"."""

    kind: str
    value: dict[str, Any]
    path: str


class Bom:
    """Turns a BOM's parts into findings, holding only the component index and waiting records."""

    def __init__(self, *, source: str, source_format: str, application: str | None, notes: ParseNotes) -> None:
        self.reader = JsonReader(source)
        self.source_format = source_format
        self.notes = notes
        self.asset = application or ""
        self.components: dict[str, str] = {}  # bom-ref -> package URL or name@version
        self.components_seen = False
        self.resolved = 0

    def findings(self, parts: Iterable[Part]) -> Iterator[ScanFinding]:
        waiting = Spool()
        for part in parts:
            if part.kind == "metadata":
                self._metadata(part.value, part.path)
            elif part.kind == "component":
                self.components_seen = True
                self._index(part.value, part.path)
            elif waiting.count or not (self.asset and self.components_seen):
                waiting.append({"kind": part.kind, "value": part.value, "path": part.path})
            else:
                yield from self._vulnerability(part.value, part.path)
        self.asset = self.asset or unnamed_application(SCANNER, self.notes, "the BOM")
        for held in waiting.replay():
            yield from self._vulnerability(held["value"], held["path"])
        if self.resolved:
            self.notes.note(f"{self.resolved} vulnerability(ies) with VEX state resolved left out (fixed)")

    # --- context -------------------------------------------------------------------------------

    def _metadata(self, metadata: dict[str, Any], path: str) -> None:
        subject = metadata.get("component")
        for key, value in metadata.items():
            if key != "component" and value not in (None, "", [], {}):
                self.notes.ignore(f"metadata.{key}")
        if subject is None:
            return
        subject = self.reader.obj(subject, f"{path}.component")
        self._index(subject, f"{path}.component")
        self.asset = self.asset or component_name(subject)

    def _index(self, component: dict[str, Any], path: str) -> None:
        """bom-ref -> package URL (or name@version), through nested components."""
        reference = str(component.get("bom-ref", "")).strip()
        if reference:
            self.components[reference] = str(component.get("purl", "")).strip() or component_name(component)
        for index, child in enumerate(self.reader.list(component.get("components"), f"{path}.components")):
            self._index(self.reader.obj(child, f"{path}.components[{index}]"), f"{path}.components[{index}]")

    # --- one vulnerability ---------------------------------------------------------------------

    def _vulnerability(self, vulnerability: dict[str, Any], path: str) -> Iterator[ScanFinding]:
        reader = self.reader
        vulnerability = reader.obj(vulnerability, path)
        for key, value in vulnerability.items():
            if key not in _MAPPED and value not in (None, "", [], {}):
                self.notes.ignore(f"vulnerabilities[].{key}")
        vuln_id = reader.text(vulnerability, "id", path, required=True)
        state, suppressed, justification, responses = _analysis(reader, vulnerability, path)
        if state in RESOLVED_STATES:
            self.resolved += 1
            return
        references = [
            reader.text(reader.obj(ref, f"{path}.references[{i}]"), "id", f"{path}.references[{i}]")
            for i, ref in enumerate(reader.list(vulnerability.get("references"), f"{path}.references"))
        ]
        cves = tuple(
            dict.fromkeys(ident.upper() for ident in (vuln_id, *references) if CVE_PATTERN.fullmatch(ident))
        )
        severity, score, vectors = _rating(reader, vulnerability, path)
        description = with_weaknesses(
            reader.text(vulnerability, "description", path),
            cwe_ids(reader.list(vulnerability.get("cwes"), f"{path}.cwes")),
        )
        solution = "\n".join(part for part in (
            reader.text(vulnerability, "recommendation", path),
            reader.text(vulnerability, "workaround", path),
            f"VEX response: {', '.join(responses)}" if responses else "",
        ) if part)
        for location, origin in self._targets(vulnerability, path) or [("", path)]:
            yield ScanFinding(
                source_format=self.source_format,
                scanner=SCANNER,
                rule_id=vuln_id,
                title=_title(description, vuln_id, location),
                severity=severity,
                application=self.asset,
                location=location,
                cves=cves,
                cvss3_vector=vectors.get("3", ""),
                cvss3_score=score.get("3"),
                cvss4_vector=vectors.get("4", ""),
                cvss4_score=score.get("4"),
                description=description,
                solution=solution,
                evidence=reader.text(vulnerability, "detail", path),
                suppressed=suppressed,
                suppression_justification=justification,
                origin=origin,
            )

    def _targets(self, vulnerability: dict[str, Any], path: str) -> list[tuple[str, str]]:
        targets = []
        for index, value in enumerate(self.reader.list(vulnerability.get("affects"), f"{path}.affects")):
            where = f"{path}.affects[{index}]"
            target = self.reader.obj(value, where)
            ref = self.reader.text(target, "ref", where, required=True)
            if target.get("versions"):
                self.notes.ignore("vulnerabilities[].affects[].versions")
            targets.append((self.components.get(ref, ref), where))
        return targets


def component_name(component: dict[str, Any] | None) -> str:
    """name@version (name alone without a version), "" for no component."""
    if not component:
        return ""
    name = str(component.get("name", "")).strip()
    version = str(component.get("version", "")).strip()
    return f"{name}@{version}" if name and version else name


def _title(description: str, vuln_id: str, location: str) -> str:
    first = description.split("\n", 1)[0].strip()
    head = f"{vuln_id} in {location}" if location else vuln_id
    return f"{head}: {first[:160]}" if first and not first.startswith("Weaknesses: ") else head


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


def _analysis(reader: JsonReader, vulnerability: dict[str, Any], path: str) -> tuple[str, bool, str, list[str]]:
    """(state, suppressed, justification, responses) of the VEX analysis."""
    analysis = vulnerability.get("analysis")
    if analysis is None:
        return "", False, "", []
    analysis = reader.obj(analysis, f"{path}.analysis")
    state = reader.text(analysis, "state", f"{path}.analysis")
    responses = [str(item).strip() for item in reader.list(analysis.get("response"), f"{path}.analysis.response")
                 if str(item).strip()]
    if state not in SUPPRESSING_STATES:
        return state, False, "", responses
    justification = reader.text(analysis, "justification", f"{path}.analysis")
    detail = reader.text(analysis, "detail", f"{path}.analysis")
    reason = f"{state}: {justification}" if justification else state
    return state, True, f"{reason} - {detail}" if detail else reason, responses
