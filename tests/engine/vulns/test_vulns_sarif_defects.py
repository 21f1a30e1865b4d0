"""SARIF defects of issue 10 (3 to 6), each a regression test on a small SARIF file written here.

3: results on different lines were merged when a tool's partial fingerprint hashed the file or the
line's text; 4: only the first location of a result was kept; 5: results without a ruleId
(Gitleaks 7.x) were refused; 6: a word-valued security-severity ("MEDIUM") aborted the file and
errors named the wrong element.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import PARSERS, ScanFormat
from accord.engine.vulns.records import ScanFinding, Severity


def sarif(results: list[dict[str, Any]], *, rules: list[dict[str, Any]] | None = None, tool: str = "Semgrep OSS",
          **run: Any) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": tool}
    if rules is not None:
        driver["rules"] = rules
    return {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [{"tool": {"driver": driver}, **run, "results": results}]}


def parse(document: dict[str, Any], *, notes: ParseNotes | None = None, **options: Any) -> list[ScanFinding]:
    stream = io.BytesIO(json.dumps(document).encode())
    return list(PARSERS[ScanFormat.SARIF](stream, source="scan.sarif", notes=notes, **options))


def at(uri: str, line: int, **region: int) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line, **region}}}


# --- defect 3: identity is rule + artifact + region ----------------------------------------------

def test_defect_3_identical_code_on_two_lines_is_two_findings() -> None:
    # Both results carry the same whole-file and line-text hashes, as some tools write them.
    collide = {"scanFileHash": "5ee8a0d1", "contextHash/v1": "9f86d081884c7d65"}
    items = parse(sarif([
        {"ruleId": "python.lang.security.audit.eval", "message": {"text": "eval on input"},
         "locations": [at("app/views.py", 10)], "partialFingerprints": collide},
        {"ruleId": "python.lang.security.audit.eval", "message": {"text": "eval on input"},
         "locations": [at("app/views.py", 30)], "partialFingerprints": collide},
    ]))
    assert [item.location for item in items] == ["app/views.py:10", "app/views.py:30"]
    assert items[0].fingerprint() != items[1].fingerprint()


def test_defect_3_same_rule_artifact_and_region_is_the_same_finding() -> None:
    result = {"ruleId": "R1", "message": {"text": "x"}, "locations": [at("a.py", 4, startColumn=2, endColumn=9)]}
    other_column = {**result, "locations": [at("a.py", 4, startColumn=12, endColumn=20)]}
    first, again, elsewhere = parse(sarif([result, result, other_column]))
    assert first.fingerprint() == again.fingerprint()
    assert first.fingerprint() != elsewhere.fingerprint()  # same line, another region


# --- defect 4: every location is kept -------------------------------------------------------------

def test_defect_4_every_location_of_a_result_is_a_finding() -> None:
    notes = ParseNotes()
    items = parse(sarif([{"ruleId": "dup-code", "message": {"text": "duplicated block"},
                          "locations": [at("src/a.py", 3), at("src/b.py", 9), at("src/c.py", 27)]}]), notes=notes)
    assert [item.location for item in items] == ["src/a.py:3", "src/b.py:9", "src/c.py:27"]
    assert [item.origin for item in items] == [f"runs[0].results[0].locations[{n}]" for n in range(3)]
    assert len({item.fingerprint() for item in items}) == 3
    assert any("several locations: one finding per location" in note for note in notes.notes)


# --- defect 5: results without a ruleId (Gitleaks 7.x) ---------------------------------------------

GITLEAKS_RULES = [{"id": "AWS Access Key", "name": "AWS Access Key"},
                  {"id": "AWS", "name": "AWS"},
                  {"id": "Asymmetric Private Key", "name": "Asymmetric Private Key"}]


def test_defect_5_results_without_rule_id_get_a_rule_from_the_tool_and_message() -> None:
    notes = ParseNotes()
    items = parse(sarif([
        {"message": {"text": "AWS Access Key secret detected"}, "locations": [at("deploy/env.sh", 4)],
         "properties": {"commit": "6d12798", "offender": "AKIAIOSFODNN7EXAMPLE"}},
        {"message": {"text": "Custom token secret detected"}, "locations": [at("deploy/env.sh", 9)]},
    ], rules=GITLEAKS_RULES, tool="Gitleaks"), notes=notes)
    aws, custom = items
    assert aws.rule_id == "AWS Access Key"  # the longest rule id the message starts with
    assert aws.title == "AWS Access Key"
    assert custom.rule_id == "Gitleaks: Custom token secret detected"
    assert any("2 result(s) without a ruleId" in note for note in notes.notes)
    # The secret itself is not kept anywhere: the property is only named as ignored.
    assert "runs[].results[].properties.offender" in notes.ignored
    assert all("AKIAIOSFODNN7EXAMPLE" not in str(value) for value in vars_of(aws))


def vars_of(finding: ScanFinding) -> list[Any]:
    return [getattr(finding, name) for name in finding.__slots__]


# --- defect 6: a word-valued security-severity, and errors naming the element ---------------------

def test_defect_6_word_valued_security_severity_is_read() -> None:
    rules = [{"id": f"rule-{n}", "properties": {"security-severity": word}}
             for n, word in enumerate(["MEDIUM", "High", "critical", "low", "7.5"])]
    results = [{"ruleId": f"rule-{n}", "ruleIndex": n, "message": {"text": "m"}, "locations": [at("x.py", n + 1)]}
               for n in range(5)]
    severities = [item.severity for item in parse(sarif(results, rules=rules))]
    assert severities == [Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL, Severity.LOW, Severity.HIGH]


def test_defect_6_an_unreadable_security_severity_names_the_rule_property() -> None:
    rules = [{"id": f"rule-{n}"} for n in range(3)] + [{"id": "rule-3", "properties": {"security-severity": "loud"}}]
    results = [{"ruleId": "rule-3", "message": {"text": "m"}, "locations": [at("x.py", 1)]}]
    with pytest.raises(ScanFileError) as refused:
        parse(sarif(results, rules=rules))
    assert refused.value.element == "runs[0].tool.driver.rules[3].properties.security-severity"
    assert "'loud'" in refused.value.message


def test_defect_6_an_out_of_range_score_on_the_result_names_the_result_property() -> None:
    results = [{"ruleId": "r", "message": {"text": "m"}, "properties": {"security-severity": "11"}}]
    with pytest.raises(ScanFileError) as refused:
        parse(sarif(results, rules=[{"id": "r"}]))
    assert refused.value.element == "runs[0].results[0].properties.security-severity"


def test_a_rule_index_past_the_rules_names_the_result() -> None:
    with pytest.raises(ScanFileError) as refused:
        parse(sarif([{"ruleIndex": 4, "message": {"text": "m"}}], rules=[{"id": "r"}]))
    assert refused.value.element == "runs[0].results[0].ruleIndex"


def test_a_rule_in_a_tool_extension_is_found_through_its_tool_component() -> None:
    document = sarif([{"rule": {"id": "py/xss", "index": 0, "toolComponent": {"index": 0}},
                       "message": {"text": "m"}, "locations": [at("a.py", 1)]}], rules=[])
    document["runs"][0]["tool"]["extensions"] = [{"name": "codeql/python-queries", "rules": [
        {"id": "py/xss", "shortDescription": {"text": "Reflected XSS"}, "properties": {"security-severity": "6.1"}}]}]
    (only,) = parse(document)
    assert (only.rule_id, only.title, only.severity) == ("py/xss", "Reflected XSS", Severity.MEDIUM)
