"""SARIF 2.1.0 (static analysis, dependency and secret scanners): one finding per result location.

Read as a stream (see `_json.JsonStream`): one result in memory at a time. A run's results need
its tool (the rules) and its repository (the asset name); when a run writes its results first
(key order is free in JSON), they wait in a temporary file until the run ends.

- **Asset**: an application named, in order, by the caller, the run's `versionControlProvenance`
  repository, or the last folder of its `originalUriBaseIds` root; else a placeholder per tool
  (see `_code.unnamed_application`), never the uploaded file's name.
- **Identity**: rule, artifact and region. Two results are the same finding only when all three
  agree; `partialFingerprints` are not used, since some tools hash the whole file
  (`scanFileHash`) or the line's text (`contextHash`), which makes identical code on two lines
  collide.
- **Every location is kept**: a result with several `locations` gives one finding per location,
  so each place is fixed, closed and timed on its own (a finding that carried them all would
  change identity, and restart its clock, whenever one of them is fixed).
- **Results without a ruleId** (Gitleaks 7.x) get the rule whose id their message starts with,
  else `tool: first line of the message`.
- **Severity**: `security-severity` (a 0-10 score, or a word such as "MEDIUM" as Semgrep OSS
  writes), then dependency-check's CVSS score or `severity` word, then the result's `level`.
- Left out, and counted in the notes: `baselineState: absent` (gone since the baseline) and
  `kind` pass / notApplicable (not a problem). Accepted suppressions come through suppressed,
  with the justification.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO, TypeGuard

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._code import folder_name, repository_name, unnamed_application
from accord.engine.vulns.parsers._json import JsonReader, JsonStream
from accord.engine.vulns.parsers._spool import Spool
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
_ABSOLUTE_URI = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_NOT_PROBLEMS = frozenset({"pass", "notApplicable"})
# What Accord reads from a result, a rule and their properties; anything else is noted as ignored.
_RESULT_KEYS = frozenset({
    "ruleId", "ruleIndex", "rule", "level", "kind", "message", "locations", "suppressions",
    "baselineState", "properties",
})  # fmt: skip
_RULE_KEYS = frozenset({"id", "name", "shortDescription", "help", "properties", "defaultConfiguration",
                        "messageStrings"})
_PROPERTY_KEYS = frozenset({"security-severity", "severity", "tags", "cvssv3_baseScore", "cvssv3_vector",
                            "cvssV3_vector", "cvssv3_version", *(key for _, key in _CVSS3_PROPERTIES)})
_RUN_CONTEXT = frozenset({"tool", "artifacts", "versionControlProvenance", "originalUriBaseIds"})
# originalUriBaseIds whose root names the checkout, most telling first.
_ROOT_IDS = ("%SRCROOT%", "SRCROOT", "SRC_ROOT", "PROJECTROOT", "PROJECT_ROOT", "REPOROOT", "ROOT")


def parse(
    stream: BinaryIO,
    *,
    source: str,
    application: str | None = None,
    notes: ParseNotes | None = None,
    **_: object,
) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    json = JsonStream(stream, source)
    version = None
    for key in json.members("$"):
        if key == "version":
            version = json.value("$.version")
            _check_version(json, version)
        elif key == "runs":
            for index in json.elements("$.runs"):
                yield from _Run(json, index, application, notes).findings()
        elif key == "$schema":
            json.skip("$.$schema")
        else:
            notes.ignore(key)
            json.skip(f"$.{key}")
    json.finish()
    _check_version(json, version)


def _check_version(json: JsonStream, version: Any) -> None:
    if version != "2.1.0":
        raise json.fail("$.version", f"expected SARIF version 2.1.0, found {version or 'none'!r}")


class _Run:
    """One run: its context (tool, rules, artifacts, repository) and its results."""

    def __init__(self, json: JsonStream, index: int, application: str | None, notes: ParseNotes) -> None:
        self.json = json
        self.reader = JsonReader(json.source)
        self.path = f"runs[{index}]"
        self.notes = notes
        self.application = application or ""
        self.tool = ""
        self.rules: dict[str, tuple[dict[str, Any], str]] = {}  # id -> (rule, its path)
        self.indexed_rules: list[list[dict[str, Any]]] = []  # driver's rules, then each extension's
        self.artifacts: list[str] | None = None  # artifact index -> uri
        self.repository = ""
        self.root = ""
        self.derived: dict[str, str] = {}  # message -> derived rule id
        self.counts = {"absent": 0, "not a problem": 0, "without ruleId": 0, "several locations": 0}

    def ready_for(self, result: Any) -> bool:
        """Whether `result` can become findings now, or must wait for the rest of the run: the tool
        (its rules) and the asset's name are needed, the artifacts only by a location that gives
        an artifact index without its URI."""
        if not (self.tool and (self.application or self.repository)):
            return False
        return self.artifacts is not None or not _needs_artifacts(result)

    def findings(self) -> Iterator[ScanFinding]:
        json, spool = self.json, Spool()
        for key in json.members(self.path):
            where = f"{self.path}.{key}"
            if key == "results":
                for number in json.elements(where):
                    result = json.value(f"{where}[{number}]")
                    if spool.count or not self.ready_for(result):  # once one waits, the rest keep order
                        spool.append({"number": number, "result": result})
                    else:
                        yield from self._result(result, number)
            elif key in _RUN_CONTEXT:
                self._context(key, where)
            else:
                self.notes.ignore(f"runs[].{key}")
                json.skip(where)
        if not self.tool:
            raise json.fail(f"{self.path}.tool", "missing: a run names its tool")
        self.artifacts = self.artifacts or []
        if not (self.application or self.repository):
            self.application = self.root or unnamed_application(self.tool, self.notes, f"SARIF {self.path}")
        for waited in spool.replay():
            yield from self._result(waited["result"], waited["number"])
        self._note_counts()

    # --- the run's context ---------------------------------------------------------------------

    def _context(self, key: str, where: str) -> None:
        if key == "tool":
            self._tool(self.reader.obj(self.json.value(where), where), where)
        elif key == "artifacts":
            self.artifacts = [self._artifact_uri(number, f"{where}[{number}]")
                              for number in self.json.elements(where)]
        elif key == "versionControlProvenance":
            for number, item in enumerate(self.reader.list(self.json.value(where), where)):
                uri = self.reader.text(self.reader.obj(item, f"{where}[{number}]"), "repositoryUri",
                                       f"{where}[{number}]")
                self.repository = self.repository or repository_name(uri)
        else:  # originalUriBaseIds
            self.root = _root_folder(self.reader, self.reader.obj(self.json.value(where), where), where)

    def _tool(self, tool: dict[str, Any], path: str) -> None:
        driver = self.reader.obj(tool.get("driver"), f"{path}.driver")
        self.tool = self.reader.text(driver, "name", f"{path}.driver", required=True)
        self._note_unmapped(tool, frozenset({"driver", "extensions"}), "runs[].tool")
        self._note_unmapped(driver, frozenset({"name", "rules"}), "runs[].tool.driver")
        components = [(driver, f"{path}.driver")] + [
            (self.reader.obj(extension, f"{path}.extensions[{number}]"), f"{path}.extensions[{number}]")
            for number, extension in enumerate(self.reader.list(tool.get("extensions"), f"{path}.extensions"))
        ]
        for component, component_path in components:
            rules = self.reader.list(component.get("rules"), f"{component_path}.rules")
            self.indexed_rules.append(rules)
            for number, value in enumerate(rules):
                rule_path = f"{component_path}.rules[{number}]"
                rule = self.reader.obj(value, rule_path)
                rule_id = self.reader.text(rule, "id", rule_path)
                if rule_id:
                    self.rules.setdefault(rule_id, (rule, rule_path))
                self._note_unmapped(rule, _RULE_KEYS, "runs[].tool.driver.rules[]")

    def _artifact_uri(self, number: int, path: str) -> str:
        artifact = self.reader.obj(self.json.value(path), path)
        location = artifact.get("location")
        self._note_unmapped(artifact, frozenset({"location"}), "runs[].artifacts[]")
        return _uri_text(self.reader.text(location, "uri", f"{path}.location")) if isinstance(location, dict) else ""

    # --- one result ----------------------------------------------------------------------------

    def _result(self, value: Any, number: int) -> Iterator[ScanFinding]:
        path = f"{self.path}.results[{number}]"
        result = self.reader.obj(value, path)
        if result.get("baselineState") == "absent":
            self.counts["absent"] += 1
            return
        if _word(result.get("kind")) in _NOT_PROBLEMS:
            self.counts["not a problem"] += 1
            return
        self._note_unmapped(result, _RESULT_KEYS, "runs[].results[]")
        reference = _object(result.get("rule"))
        rule, rule_path = self._rule_of(result, reference, path)
        message = self._message(result, rule, path)
        rule_id = (self.reader.text(result, "ruleId", path)
                   or self.reader.text(reference, "id", f"{path}.rule")
                   or self.reader.text(rule, "id", rule_path))
        if not rule_id:
            rule_id, rule, rule_path = self._derived_rule(message)
        properties = self._properties(result, path, rule, rule_path)
        score = _score(self.reader, properties, "cvssv3_baseScore")
        tags = " ".join(tag for tag in _tags(properties) if isinstance(tag, str))
        suppressed, justification = _suppression(self.reader, result, path)
        common: dict[str, Any] = {
            "source_format": FORMAT,
            "scanner": self.tool,
            "rule_id": rule_id,
            "title": _title(rule, message, rule_id),
            "severity": _severity(self.reader, properties, result, rule),
            "application": self.application or self.repository,
            "cves": cves_in(" ".join((rule_id, str(rule.get("name", "")), tags))),
            "cvss3_vector": _cvss3_vector(properties),
            "cvss3_score": score,
            "description": message,
            "solution": _text_of(rule.get("help")),
            "suppressed": suppressed,
            "suppression_justification": justification,
        }
        locations = self._locations(result, path)
        if len(locations) > 1:
            self.counts["several locations"] += 1
        for location, key, evidence, origin in locations:
            yield ScanFinding(**common, location=location, location_key=key, evidence=evidence, origin=origin)

    def _rule_of(
        self, result: dict[str, Any], reference: dict[str, Any], path: str
    ) -> tuple[dict[str, Any], str]:
        """The rule a result points at: by index into the driver's rules, or into an extension's
        when `rule.toolComponent.index` names one (CodeQL packs), else by id."""
        index = result.get("ruleIndex", reference.get("index"))
        extension = _object(reference.get("toolComponent")).get("index")
        which = extension + 1 if _is_index(extension) else 0  # indexed_rules: the driver's, then each extension's
        if _is_index(index):
            rules = self.indexed_rules[which] if which < len(self.indexed_rules) else []
            if index >= len(rules):
                raise self.reader.fail(
                    f"{path}.ruleIndex", f"{index} is not an index into the tool's rules ({len(rules)} rules)"
                )
            owner = "driver" if which == 0 else f"extensions[{which - 1}]"
            rule_path = f"{self.path}.tool.{owner}.rules[{index}]"
            return self.reader.obj(rules[index], rule_path), rule_path
        rule_id = result.get("ruleId") or reference.get("id")
        return self.rules.get(rule_id, ({}, "")) if isinstance(rule_id, str) else ({}, "")

    def _message(self, result: dict[str, Any], rule: dict[str, Any], path: str) -> str:
        """The result's message text, or the rule's message string it names, with its arguments."""
        message = self.reader.obj(result.get("message") or {}, f"{path}.message")
        text = self.reader.text(message, "text", f"{path}.message")
        if not text and isinstance(message.get("id"), str):
            strings = rule.get("messageStrings")
            template = strings.get(message["id"]) if isinstance(strings, dict) else None
            text = _text_of(template)
            arguments = message.get("arguments")
            for number, argument in enumerate(arguments if isinstance(arguments, list) else []):
                text = text.replace(f"{{{number}}}", str(argument))
        return text

    def _derived_rule(self, message: str) -> tuple[str, dict[str, Any], str]:
        """For a result without a ruleId: the rule its message starts with, else tool and message."""
        self.counts["without ruleId"] += 1
        first = message.split("\n", 1)[0].strip()
        rule_id = self.derived.get(first)
        if rule_id is None:
            named = [known for known in self.rules if first.lower().startswith(known.lower())]
            rule_id = max(named, key=len) if named else f"{self.tool}: {first[:200]}" if first else self.tool
            self.derived[first] = rule_id
        rule, rule_path = self.rules.get(rule_id, ({}, ""))
        return rule_id, rule, rule_path

    def _properties(
        self, result: dict[str, Any], path: str, rule: dict[str, Any], rule_path: str
    ) -> dict[str, tuple[Any, str]]:
        """Property name -> (value, its element path); the result's own win over its rule's."""
        merged: dict[str, tuple[Any, str]] = {}
        for owner, owner_path, noted in ((rule, rule_path, False), (result, path, True)):
            properties = owner.get("properties")
            if properties is None:
                continue
            properties = self.reader.obj(properties, f"{owner_path}.properties")
            for key, value in properties.items():
                merged[key] = (value, f"{owner_path}.properties.{key}")
                if noted and key not in _PROPERTY_KEYS:
                    self.notes.ignore(f"runs[].results[].properties.{key}")
        return merged

    def _locations(self, result: dict[str, Any], path: str) -> list[tuple[str, str, str, str]]:
        """(location shown, identity key, snippet, origin) per location; one empty if it has none."""
        found = []
        for number, value in enumerate(self.reader.list(result.get("locations"), f"{path}.locations")):
            where = f"{path}.locations[{number}]"
            location = self.reader.obj(value, where)
            physical = location.get("physicalLocation")
            if isinstance(physical, dict):
                found.append((*self._physical(physical, f"{where}.physicalLocation"), where))
            else:
                name = _logical_name(location.get("logicalLocations"))
                found.append((name, name, "", where))
        return found or [("", "", "", path)]

    def _physical(self, physical: dict[str, Any], path: str) -> tuple[str, str, str]:
        artifact = _object(physical.get("artifactLocation"))
        uri = _uri_text(self.reader.text(artifact, "uri", f"{path}.artifactLocation"))
        index = artifact.get("index")
        if not uri and isinstance(index, int) and 0 <= index < len(self.artifacts or []):
            uri = (self.artifacts or [])[index]
        region = _object(physical.get("region"))
        line = region.get("startLine")
        shown = f"{uri}:{line}" if uri and isinstance(line, int) else uri
        key = f"{uri}:{_region_key(region)}" if region else uri
        snippet = _text_of(region.get("snippet"))
        return shown, key, snippet

    # --- notes ---------------------------------------------------------------------------------

    def _note_unmapped(self, item: dict[str, Any], mapped: frozenset[str], name: str) -> None:
        for key, value in item.items():
            if key not in mapped and value not in (None, "", [], {}):
                self.notes.ignore(f"{name}.{key}")

    def _note_counts(self) -> None:
        counts = self.counts
        if counts["absent"]:
            self.notes.note(f"SARIF {self.path}: {counts['absent']} result(s) with baselineState absent left out "
                            "(gone since the baseline)")
        if counts["not a problem"]:
            self.notes.note(f"SARIF {self.path}: {counts['not a problem']} result(s) of kind pass or "
                            "notApplicable left out (not problems)")
        if counts["without ruleId"]:
            self.notes.note(f"SARIF {self.path}: {counts['without ruleId']} result(s) without a ruleId: rule "
                            "derived from the tool and the message")
        if counts["several locations"]:
            self.notes.note(f"SARIF {self.path}: {counts['several locations']} result(s) with several locations: "
                            "one finding per location")


def _needs_artifacts(result: Any) -> bool:
    locations = result.get("locations") if isinstance(result, dict) else None
    for location in locations if isinstance(locations, list) else []:
        artifact = _object(_object(_object(location).get("physicalLocation")).get("artifactLocation"))
        if not artifact.get("uri") and "index" in artifact:
            return True
    return False


def _root_folder(reader: JsonReader, bases: dict[str, Any], path: str) -> str:
    """The folder an absolute `originalUriBaseIds` root names (the checkout), "" if none does."""
    ordered = [key for key in _ROOT_IDS if key in bases] + [key for key in bases if key not in _ROOT_IDS]
    for key in ordered:
        base = bases[key]
        uri = reader.text(reader.obj(base, f"{path}.{key}"), "uri", f"{path}.{key}")
        if _ABSOLUTE_URI.match(uri) and (name := folder_name(uri)):
            return name
    return ""


def _uri_text(uri: str) -> str:
    return _FILE_SCHEME.sub("/", uri) if uri.lower().startswith("file:") else uri


def _region_key(region: dict[str, Any]) -> str:
    """The whole region as text: lines and columns, else character or byte offsets."""
    def part(key: str) -> str:
        value = region.get(key)
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""

    if part("startLine"):
        return (f"{part('startLine')}:{part('startColumn')}-{part('endLine')}:{part('endColumn')}").rstrip(":-")
    if part("charOffset"):
        return f"char {part('charOffset')}+{part('charLength')}"
    if part("byteOffset"):
        return f"byte {part('byteOffset')}+{part('byteLength')}"
    return ""


def _logical_name(value: Any) -> str:
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            name = item.get("fullyQualifiedName") or item.get("name")
            if isinstance(name, str) and name.strip():
                return name.strip()
    return ""


def _tags(properties: dict[str, tuple[Any, str]]) -> list[Any]:
    tags = properties.get("tags", ([], ""))[0]
    return tags if isinstance(tags, list) else []


def _score(reader: JsonReader, properties: dict[str, tuple[Any, str]], key: str) -> float | None:
    if key not in properties:
        return None
    value, path = properties[key]
    parent, name = path.rsplit(".", 1)
    number = reader.number({name: value}, name, parent)
    if number is not None and not 0.0 <= number <= 10.0:
        raise reader.fail(path, f"{number:g} is out of range 0-10")
    return number


def _severity(
    reader: JsonReader, properties: dict[str, tuple[Any, str]], result: dict[str, Any], rule: dict[str, Any]
) -> Severity:
    if "security-severity" in properties:
        value, path = properties["security-severity"]
        word = Severity.from_label(value) if isinstance(value, str) else None
        if word is not None:
            return word
        try:
            number = None if isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not 0.0 <= number <= 10.0:
            raise reader.fail(path, f"expected a 0-10 score or a severity word (critical, high, medium, low), "
                                    f"found {value!r}")
        return Severity.from_score(number)
    score = _score(reader, properties, "cvssv3_baseScore")
    if score is not None:
        return Severity.from_score(score)
    word = properties.get("severity", ("", ""))[0]
    level = _word(result.get("level")) or _default_level(rule)
    return (Severity.from_label(word) if isinstance(word, str) else None) or _LEVELS.get(level, Severity.MEDIUM)


def _object(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (an optional part written wrongly)."""
    return value if isinstance(value, dict) else {}


def _word(value: Any) -> str:
    """A keyword value (`level`, `kind`) as text; anything else reads as absent."""
    return value if isinstance(value, str) else ""


def _is_index(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _default_level(rule: dict[str, Any]) -> str:
    configuration = rule.get("defaultConfiguration")
    level = configuration.get("level") if isinstance(configuration, dict) else None
    return level if isinstance(level, str) else "warning"  # SARIF's default level


def _suppression(reader: JsonReader, result: dict[str, Any], path: str) -> tuple[bool, str]:
    for index, value in enumerate(reader.list(result.get("suppressions"), f"{path}.suppressions")):
        suppression = reader.obj(value, f"{path}.suppressions[{index}]")
        if suppression.get("status", "accepted") == "accepted":
            kind = str(suppression.get("kind", "")).strip()
            justification = str(suppression.get("justification", "")).strip()
            return True, ": ".join(part for part in (kind, justification) if part)
    return False, ""


def _title(rule: dict[str, Any], message: str, rule_id: str) -> str:
    return (
        _text_of(rule.get("shortDescription"))
        or str(rule.get("name", "")).strip()
        or message.split("\n", 1)[0][:200]
        or rule_id
    )


def _text_of(value: Any) -> str:
    return str(value.get("text", "")).strip() if isinstance(value, dict) else ""


def _cvss3_vector(properties: dict[str, tuple[Any, str]]) -> str:
    vector = (properties.get("cvssv3_vector") or properties.get("cvssV3_vector") or ("", ""))[0]
    if isinstance(vector, str) and vector.strip():
        return vector.strip()
    metrics = []
    for metric, key in _CVSS3_PROPERTIES:
        code = _CVSS_WORDS.get(str(properties.get(key, ("", ""))[0]).strip().upper())
        if code is None:
            return ""
        metrics.append(f"{metric}:{code}")
    version = str(properties.get("cvssv3_version", ("3.1", ""))[0]).strip() or "3.1"
    return f"CVSS:{version}/" + "/".join(metrics)
