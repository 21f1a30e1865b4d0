"""SARIF 2.1.0 (static analysis, dependency and secret scanners): one finding per result.

Code findings attach to an application asset, named (in order) by the caller, the run's
`versionControlProvenance` repository, its `automationDetails.id`, or the file's name. Results
with `baselineState: absent` are gone and left out; results with an accepted suppression come
through suppressed, with the suppression's justification.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from accord.engine.vulns.parsers._json import JsonReader, load_json
from accord.engine.vulns.records import ScanFinding, Severity, cves_in

FORMAT = "sarif"
_LEVELS = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW, "none": Severity.INFO}
# OWASP Dependency-Check spells the CVSS v3 metrics out as properties; they rebuild the vector.
_CVSS3_PROPERTIES = (
    ("AV", "cvssv3_attackVector"),
    ("AC", "cvssv3_attackComplexity"),
    ("PR", "cvssv3_privilegesRequired"),
    ("UI", "cvssv3_userInteraction"),
    ("S", "cvssv3_scope"),
    ("C", "cvssv3_confidentialityImpact"),
    ("I", "cvssv3_integrityImpact"),
    ("A", "cvssv3_availabilityImpact"),
)
_CVSS_WORDS = {
    "NETWORK": "N", "ADJACENT_NETWORK": "A", "ADJACENT": "A", "LOCAL": "L", "PHYSICAL": "P",
    "LOW": "L", "HIGH": "H", "NONE": "N", "REQUIRED": "R", "UNCHANGED": "U", "CHANGED": "C",
}  # fmt: skip
_FILE_SCHEME = re.compile(r"^file:/*", re.IGNORECASE)


def parse(
    stream: BinaryIO, *, source: str, application: str | None = None, **_: object
) -> Iterator[ScanFinding]:
    reader = JsonReader(source)
    document = reader.obj(load_json(stream, source), "$")
    version = reader.text(document, "version", "$")
    if version != "2.1.0":
        raise reader.fail("$.version", f"expected SARIF version 2.1.0, found {version or 'none'!r}")
    for run_number, run_value in enumerate(reader.list(document.get("runs"), "$.runs", optional=False)):
        run_path = f"runs[{run_number}]"
        run = reader.obj(run_value, run_path)
        yield from _run(
            reader, run, run_path, application or _application_name(reader, run, run_path, source)
        )


def _application_name(reader: JsonReader, run: dict[str, Any], path: str, source: str) -> str:
    for index, provenance in enumerate(
        reader.list(run.get("versionControlProvenance"), f"{path}.versionControlProvenance")
    ):
        uri = reader.text(
            reader.obj(provenance, f"{path}.versionControlProvenance[{index}]"), "repositoryUri", path
        )
        if uri:
            return re.sub(r"\.git$", "", re.sub(r"^[a-z+]+://", "", uri.rstrip("/")))
    automation = run.get("automationDetails")
    if isinstance(automation, dict) and reader.text(automation, "id", f"{path}.automationDetails"):
        return reader.text(automation, "id", f"{path}.automationDetails").strip("/")
    return PurePosixPath(source.replace("\\", "/")).stem or "application"


def _run(reader: JsonReader, run: dict[str, Any], path: str, application: str) -> Iterator[ScanFinding]:
    driver = reader.obj(reader.obj(run.get("tool"), f"{path}.tool").get("driver"), f"{path}.tool.driver")
    scanner = reader.text(driver, "name", f"{path}.tool.driver", required=True)
    rules = reader.list(driver.get("rules"), f"{path}.tool.driver.rules")
    rules_by_id = {rule.get("id"): rule for rule in rules if isinstance(rule, dict)}
    artifacts = reader.list(run.get("artifacts"), f"{path}.artifacts")
    for number, value in enumerate(reader.list(run.get("results"), f"{path}.results")):
        result_path = f"{path}.results[{number}]"
        result = reader.obj(value, result_path)
        if result.get("baselineState") == "absent":
            continue
        rule = _rule_of(reader, result, rules, rules_by_id, result_path)
        rule_id = reader.text(result, "ruleId", result_path) or reader.text(rule, "id", result_path)
        if not rule_id:
            raise reader.fail(result_path, "result names no rule (ruleId, rule.id or ruleIndex)")
        message = reader.obj(result.get("message") or {}, f"{result_path}.message")
        properties = {**(rule.get("properties") or {}), **(result.get("properties") or {})}
        level = reader.text(result, "level", result_path) or _default_level(rule)
        score = _number(reader, properties, "security-severity", result_path) or _number(
            reader, properties, "cvssv3_baseScore", result_path
        )
        suppressed, justification = _suppression(reader, result, result_path)
        location, location_key = _location(reader, result, artifacts, result_path)
        tags = " ".join(str(tag) for tag in (properties.get("tags") or []) if isinstance(tag, str))
        yield ScanFinding(
            source_format=FORMAT,
            scanner=scanner,
            rule_id=rule_id,
            title=_title(rule, message, rule_id),
            severity=_severity(score, str(properties.get("severity", "")), level),
            application=application,
            location=location,
            location_key=location_key,
            cves=cves_in(" ".join((rule_id, str(rule.get("name", "")), tags))),
            cvss3_vector=_cvss3_vector(properties),
            cvss3_score=_number(reader, properties, "cvssv3_baseScore", result_path),
            description=str(message.get("text", "")).strip(),
            solution=_text_of(rule.get("help")),
            evidence=_snippet(result),
            suppressed=suppressed,
            suppression_justification=justification,
            origin=result_path,
        )


def _rule_of(
    reader: JsonReader, result: dict[str, Any], rules: list[Any], by_id: dict[Any, Any], path: str
) -> dict[str, Any]:
    index = result.get("ruleIndex")
    if index is None and isinstance(result.get("rule"), dict):
        index = result["rule"].get("index")
    if isinstance(index, int) and not isinstance(index, bool):
        if not 0 <= index < len(rules):
            raise reader.fail(
                f"{path}.ruleIndex", f"{index} is not an index into tool.driver.rules ({len(rules)} rules)"
            )
        return reader.obj(rules[index], f"tool.driver.rules[{index}]")
    return by_id.get(result.get("ruleId")) or {}


def _default_level(rule: dict[str, Any]) -> str:
    configuration = rule.get("defaultConfiguration")
    level = configuration.get("level") if isinstance(configuration, dict) else None
    return level if isinstance(level, str) else "warning"  # SARIF's default level


def _number(reader: JsonReader, properties: dict[str, Any], key: str, path: str) -> float | None:
    value = reader.number(properties, key, f"{path}.properties")
    if value is not None and not 0.0 <= value <= 10.0:
        raise reader.fail(f"{path}.properties.{key}", f"{value:g} is out of range 0-10")
    return value


def _severity(score: float | None, word: str, level: str) -> Severity:
    if score is not None:
        return Severity.from_score(score)
    return Severity.from_label(word) or _LEVELS.get(level, Severity.MEDIUM)


def _suppression(reader: JsonReader, result: dict[str, Any], path: str) -> tuple[bool, str]:
    for index, value in enumerate(reader.list(result.get("suppressions"), f"{path}.suppressions")):
        suppression = reader.obj(value, f"{path}.suppressions[{index}]")
        if suppression.get("status", "accepted") == "accepted":
            kind = str(suppression.get("kind", "")).strip()
            justification = str(suppression.get("justification", "")).strip()
            return True, ": ".join(part for part in (kind, justification) if part)
    return False, ""


def _location(reader: JsonReader, result: dict[str, Any], artifacts: list[Any], path: str) -> tuple[str, str]:
    """(`path/file.py:42`, identity key). The key prefers the scanner's partial fingerprint, so
    that code moving down a file does not make a new finding."""
    uri, line = "", None
    for value in reader.list(result.get("locations"), f"{path}.locations")[:1]:
        physical = value.get("physicalLocation") if isinstance(value, dict) else None
        if not isinstance(physical, dict):
            continue
        artifact = physical.get("artifactLocation") or {}
        uri = str(artifact.get("uri", ""))
        index = artifact.get("index")
        if not uri and isinstance(index, int) and 0 <= index < len(artifacts):
            uri = str((artifacts[index].get("location") or {}).get("uri", ""))
        region = physical.get("region") or {}
        line = region.get("startLine") if isinstance(region, dict) else None
    uri = _FILE_SCHEME.sub("/", uri) if uri.lower().startswith("file:") else uri
    location = f"{uri}:{line}" if uri and isinstance(line, int) else uri
    fingerprints = result.get("partialFingerprints") or result.get("fingerprints") or {}
    if isinstance(fingerprints, dict) and fingerprints:
        key = sorted(fingerprints)[0]
        return location, f"{uri}#{key}={fingerprints[key]}"
    return location, location


def _title(rule: dict[str, Any], message: dict[str, Any], rule_id: str) -> str:
    return (
        _text_of(rule.get("shortDescription"))
        or str(rule.get("name", "")).strip()
        or str(message.get("text", "")).strip().split("\n", 1)[0][:200]
        or rule_id
    )


def _text_of(value: Any) -> str:
    return str(value.get("text", "")).strip() if isinstance(value, dict) else ""


def _snippet(result: dict[str, Any]) -> str:
    for location in result.get("locations") or []:
        region = ((location or {}).get("physicalLocation") or {}).get("region") or {}
        snippet = region.get("snippet") if isinstance(region, dict) else None
        if isinstance(snippet, dict):
            return str(snippet.get("text", "")).strip()
    return ""


def _cvss3_vector(properties: dict[str, Any]) -> str:
    vector = properties.get("cvssv3_vector") or properties.get("cvssV3_vector")
    if isinstance(vector, str) and vector.strip():
        return vector.strip()
    metrics = []
    for metric, key in _CVSS3_PROPERTIES:
        code = _CVSS_WORDS.get(str(properties.get(key, "")).strip().upper())
        if code is None:
            return ""
        metrics.append(f"{metric}:{code}")
    version = str(properties.get("cvssv3_version", "3.1")).strip() or "3.1"
    return f"CVSS:{version}/" + "/".join(metrics)
