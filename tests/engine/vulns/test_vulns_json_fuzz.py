"""Any JSON handed to the JSON parsers is read or refused with a ScanFileError naming where; never
another exception (which the API would answer with a 500)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.parsers import PARSERS, ScanFormat

FIXTURES = Path(__file__).parent / "fixtures"
BASES = {
    ScanFormat.SARIF: json.loads((FIXTURES / "code.sarif").read_text()),
    ScanFormat.CYCLONEDX: json.loads((FIXTURES / "sbom.cdx.json").read_text()),
    ScanFormat.DEFECTDOJO: json.loads((FIXTURES / "dojo.json").read_text()),
}
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["", "2.1.0", "CycloneDX", "not_affected", "error", "pass", "MEDIUM"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found.extend(_paths(child, (*path, key)))
    return found


# Keys the parsers read, so that a value lands where it is used, not only where the fixture has one.
KEYS = ["kind", "level", "ruleId", "ruleIndex", "rule", "index", "toolComponent", "message", "text", "id",
        "arguments", "messageStrings", "properties", "security-severity", "locations", "physicalLocation",
        "artifactLocation", "uri", "region", "startLine", "snippet", "logicalLocations", "suppressions",
        "versionControlProvenance", "repositoryUri", "originalUriBaseIds", "artifacts", "extensions", "rules",
        "defaultConfiguration", "metadata", "component", "components", "bom-ref", "ratings", "score", "method",
        "vector", "analysis", "state", "response", "affects", "ref", "cwes", "references", "endpoints", "host",
        "port", "protocol", "path", "query", "cve", "vulnerability_ids", "cwe", "date", "active", "false_p",
        "file_path", "line", "epss_score", "cvssv3_score", "service", "type"]


def _everywhere(node: Any, changes: dict[str, Any]) -> None:
    """Set each key of `changes` in every object of the document."""
    if isinstance(node, dict):
        for child in list(node.values()):
            _everywhere(child, changes)
        node.update(changes)
    elif isinstance(node, list):
        for child in node:
            _everywhere(child, changes)


def _changed(document: Any, where: int, changes: dict[str, Any], value: Any) -> Any:
    """The document with `changes` made in every object (where = 0 mod 3), in one object, or with
    one node replaced by `value`."""
    copy = json.loads(json.dumps(document))
    paths = _paths(copy)
    path = paths[where % len(paths)]
    node = copy
    for step in path[:-1]:
        node = node[step]
    if where % 3 == 0:
        _everywhere(copy, changes)
    elif where % 3 == 1 and isinstance(node, dict):
        node.update(changes)
    elif path:
        node[path[-1]] = value
    else:
        return value
    return copy


@settings(max_examples=500, deadline=None)
@given(fmt=st.sampled_from(list(BASES)), where=st.integers(min_value=0, max_value=10**6),
       changes=st.dictionaries(st.sampled_from(KEYS), values, min_size=1, max_size=4), value=values)
def test_any_value_anywhere_is_read_or_refused_with_a_scan_file_error(
    fmt: ScanFormat, where: int, changes: dict[str, Any], value: Any
) -> None:
    data = json.dumps(_changed(BASES[fmt], where, changes, value)).encode()
    with contextlib.suppress(ScanFileError):  # a refusal is fine; any other exception fails the test
        list(PARSERS[fmt](io.BytesIO(data), source="fuzz.json"))
