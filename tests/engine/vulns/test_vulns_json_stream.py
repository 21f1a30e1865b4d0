"""SARIF and CycloneDX JSON read as streams (issue 10): memory does not grow with the file, key
order does not matter, and hostile or broken JSON is refused with the element (and line) named."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from accord.engine.vulns.detect import detect_format
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.parsers import PARSERS, ScanFormat, _spool
from accord.engine.vulns.parsers._json import MAX_JSON_DEPTH, top_level_keys

FIXTURES = Path(__file__).parent / "fixtures"


def sarif_document(results: int, *, filler: int = 200) -> dict[str, Any]:
    return {"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "CodeQL", "rules": [{"id": "py/xss", "properties": {"security-severity": "6.1"}}]}},
        "versionControlProvenance": [{"repositoryUri": "https://git.example.com/shop/web.git"}],
        "artifacts": [{"location": {"uri": f"src/f{n}.py"}} for n in range(50)],
        "results": [{"ruleId": "py/xss", "message": {"text": f"reflected {n} " + "x" * filler},
                     "locations": [{"physicalLocation": {"artifactLocation": {"index": n % 50},
                                                         "region": {"startLine": n + 1}}}]}
                    for n in range(results)],
    }]}


def parse(data: bytes, fmt: ScanFormat = ScanFormat.SARIF, **options: Any) -> list[Any]:
    return list(PARSERS[fmt](io.BytesIO(data), source="scan.json", **options))


def refuse(data: bytes, fmt: ScanFormat = ScanFormat.SARIF) -> ScanFileError:
    with pytest.raises(ScanFileError) as refused:
        parse(data, fmt)
    return refused.value


def test_memory_does_not_grow_with_the_file() -> None:
    data = json.dumps(sarif_document(20_000)).encode()  # about 7 MB
    tracemalloc.start()
    try:
        count = sum(1 for _ in PARSERS[ScanFormat.SARIF](io.BytesIO(data), source="big.sarif"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < 4 * 1024 * 1024  # read whole, the same file peaks near 40 MB


def test_sarif_key_order_does_not_matter() -> None:
    document = sarif_document(30)
    in_order = parse(json.dumps(document).encode())
    # Sorted keys put a run's results before its tool and repository: they wait, then read the same.
    results_first = parse(json.dumps(document, sort_keys=True).encode())
    assert results_first == in_order
    # Artifacts after the results: a location giving only an artifact index waits for them.
    run = document["runs"][0]
    artifacts_last = {**document, "runs": [{**{k: v for k, v in run.items() if k != "artifacts"},
                                            "artifacts": run["artifacts"]}]}
    assert parse(json.dumps(artifacts_last).encode()) == in_order
    assert in_order[0].application == "git.example.com/shop/web" and in_order[3].location == "src/f3.py:4"


def test_cyclonedx_vulnerabilities_before_components_read_the_same() -> None:
    bom = json.loads((FIXTURES / "sbom.cdx.json").read_text())
    reordered = {"vulnerabilities": bom["vulnerabilities"], "components": bom["components"],
                 "metadata": bom["metadata"], "bomFormat": bom["bomFormat"]}
    expected = parse(json.dumps(bom).encode(), ScanFormat.CYCLONEDX)
    assert parse(json.dumps(reordered).encode(), ScanFormat.CYCLONEDX) == expected
    assert expected[0].application == "billing-service@3.2.0"


def test_records_waiting_past_the_spool_memory_go_to_disk_and_come_back_in_order(monkeypatch) -> None:
    monkeypatch.setattr(_spool, "IN_MEMORY_BYTES", 4096)  # so that a small file overflows it
    document = sarif_document(200)
    expected = parse(json.dumps(document).encode())
    results_first = parse(json.dumps(document, sort_keys=True).encode())
    assert results_first == expected


RUN = b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [%s]}]}'


@pytest.mark.parametrize(
    ("result", "element", "reason"),
    [
        (b'{"ruleId": "r", "message": {"text": "a\\u0000b"}}', "runs[0].results[0].message.text", "NUL"),
        (b'{"ruleId": "r", "rank": 1e400}', "runs[0].results[0].rank", "too large"),
        (b'{"ruleId": "r", "occurrenceCount": 99999999999999999999999}', "runs[0].results[0].occurrenceCount",
         "too large"),
        (b'{"ruleId": "r", "properties": ' + b'[' * 70 + b']' * 70 + b'}', "runs[0].results[0].properties", "deeper"),
    ],
    ids=["nul", "float", "integer", "depth"],
)
def test_hostile_values_are_refused_naming_the_element(result: bytes, element: str, reason: str) -> None:
    error = refuse(RUN % result)
    assert error.element is not None and error.element.startswith(element) and reason in error.message


def test_the_depth_limit_is_stated() -> None:
    ok = RUN % (b'{"ruleId": "r", "properties": {"p": ' + b"[" * (MAX_JSON_DEPTH - 8) + b"]" * (MAX_JSON_DEPTH - 8)
                + b"}}")
    assert len(parse(ok)) == 1
    assert f"deeper than {MAX_JSON_DEPTH} levels" in refuse(RUN % (b'{"p": ' + b"[" * MAX_JSON_DEPTH
                                                                      + b"]" * MAX_JSON_DEPTH + b"}")).message


def test_broken_json_names_the_line_and_element() -> None:
    lines = json.dumps(sarif_document(3), indent=1).encode()
    truncated = refuse(lines[: len(lines) // 2])
    assert "truncated" in truncated.message and truncated.line == lines[: len(lines) // 2].count(b"\n") + 1
    garbage = refuse(lines.replace(b'"reflected 1 ', b'"reflected 1 " "', 1))
    assert garbage.element == "runs[0].results[1].message.text" and "malformed JSON" in garbage.message
    assert "line" in garbage.message
    assert "after the end" in refuse(json.dumps(sarif_document(1)).encode() + b" {}").message
    assert "UTF-16" in refuse('{"version": "2.1.0"}'.encode("utf-16")).message
    assert "not valid UTF-8" in refuse(RUN % b'{"ruleId": "r\xff"}').message
    assert len(parse(b"\xef\xbb\xbf" + json.dumps(sarif_document(1)).encode())) == 1  # a UTF-8 BOM is fine


def test_wrong_shapes_name_the_element() -> None:
    assert refuse(b'{"version": "2.1.0", "runs": {"a": 1}}').element == "$.runs"
    assert refuse(b'{"version": "2.1.0", "runs": [{"results": []}]}').element == "runs[0].tool"
    assert refuse(b'{"runs": []}').element == "$.version"
    assert refuse(b'{"specVersion": "1.5"}', ScanFormat.CYCLONEDX).element == "$.bomFormat"


def test_detection_reads_the_top_level_keys_not_the_text() -> None:
    dojo = json.dumps({"findings": [{"title": "SARIF runs leak", "description": '"runs": sarif', "severity": "Low"}]})
    assert top_level_keys(dojo.encode()[:40]) == ["findings"]
    assert detect_format(dojo.encode(), "x") == ScanFormat.DEFECTDOJO
    assert detect_format(json.dumps(sarif_document(1)).encode(), "x") == ScanFormat.SARIF
