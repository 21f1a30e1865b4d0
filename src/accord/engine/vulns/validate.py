"""One validation for every scanner format, run by `read_scan` itself.

`accord vulns parse`, the importer, the web page and the API all read scans through `read_scan`,
so a file is accepted or refused the same way wherever it is read (issue 10: parse reported a
file fine that the import then refused on its CVSS vector). Each finding is checked for what the
database cannot hold or the decision cannot use, and refused with the file and the line or
element it came from:

- NUL bytes (PostgreSQL text cannot store them) and text that is not valid Unicode (a lone
  surrogate from a JSON `\\ud800` escape cannot be encoded to UTF-8 for either database);
- text longer than its column (a title over 500 characters, a hostname over 253): refused, never cut;
- a port outside 0-65535 (the column is a 32-bit integer: a bigger number would fail as a 500 on
  PostgreSQL half-way through an import);
- scores that are not finite or out of range (CVSS and VPR 0-10, EPSS 0-1);
- CVSS vectors the scorer refuses. A v3 or v4 vector written without its `CVSS:x.y/` prefix is
  given the prefix its metrics imply; a v2 vector (which Accord does not score) is set aside with a
  note rather than refusing the file.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Iterator

from accord.engine.vulns.cvss import score_vector, vector_version, with_prefix
from accord.engine.vulns.errors import InvalidInput, ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.records import ScanFinding

MAX_PORT = 65_535
# The longest value each text field may have: the lengths of the columns that store it (vulns.Finding,
# and org.Asset's hostname for the asset names). tests/vulns/test_vulns_scan_limits.py holds them equal.
MAX_LENGTHS = {"scanner": 60, "rule_id": 255, "title": 500, "hostname": 253, "application": 253,
               "protocol": 16, "location": 1000, "cvss3_vector": 200, "cvss4_vector": 300,
               "exploit_evidence": 300}
_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(ScanFinding) if f.type == "str")
_texts = operator.attrgetter(*_TEXT_FIELDS)
_SCORES = (("cvss3_score", 10.0), ("cvss4_score", 10.0), ("vpr", 10.0), ("epss", 1.0))
_VECTOR_CACHE_LIMIT = 100_000


def validated(
    findings: Iterator[ScanFinding], *, source: str, notes: ParseNotes
) -> Iterator[ScanFinding]:
    """`findings`, each checked (see the module docstring) and its CVSS vectors normalised."""
    vectors = _Vectors(notes)
    for finding in findings:
        try:
            _check_text(finding)
            _check_numbers(finding)
            finding = vectors.normalised(finding)
        except InvalidInput as exc:
            raise _refusal(source, finding.origin, f"{exc.path}: {exc.message}") from None
        yield finding


def _check_text(finding: ScanFinding) -> None:
    for name, value in zip(_TEXT_FIELDS, _texts(finding), strict=True):
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            raise InvalidInput(name, f"is {len(value)} characters long; at most {limit} are stored")
        if "\x00" in value:
            raise InvalidInput(name, "contains a NUL byte, which no text field can store")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidInput(name, "is not valid Unicode (an unpaired surrogate)") from None


def _check_numbers(finding: ScanFinding) -> None:
    port = finding.port
    if port is not None and not 0 <= port <= MAX_PORT:
        raise InvalidInput("port", f"{port} is out of range 0-{MAX_PORT}")
    for name, maximum in _SCORES:
        value = getattr(finding, name)
        if value is not None and not (math.isfinite(value) and 0.0 <= value <= maximum):
            raise InvalidInput(name, f"{value!r} is out of range 0-{maximum:g}")


class _Vectors:
    """Normalises and checks vectors, remembering the verdict on each pair (a scan repeats them)."""

    def __init__(self, notes: ParseNotes) -> None:
        self.notes = notes
        self.verdicts: dict[tuple[str, str], tuple[str, str]] = {}

    def normalised(self, finding: ScanFinding) -> ScanFinding:
        given = (finding.cvss3_vector, finding.cvss4_vector)
        if given == ("", ""):
            return finding
        placed = self.verdicts.get(given)
        if placed is None:
            placed = self._placed(*given)
            for name, vector in zip(("cvss3_vector", "cvss4_vector"), placed, strict=True):
                if vector:
                    try:
                        score_vector(vector)
                    except InvalidInput as exc:
                        raise InvalidInput(name, exc.message) from None
            if len(self.verdicts) > _VECTOR_CACHE_LIMIT:
                self.verdicts.clear()
            self.verdicts[given] = placed
        if placed == given:
            return finding
        return dataclasses.replace(finding, cvss3_vector=placed[0], cvss4_vector=placed[1])

    def _placed(self, v3: str, v4: str) -> tuple[str, str]:
        """The vectors with their prefixes, each in the field of its version; v2 set aside.

        The v4 field is placed first, so a vector in its own field wins over one that strayed.
        """
        placed = {"3": "", "4": ""}
        for given, field in ((v4, "4"), (v3, "3")):
            if not given:
                continue
            vector = with_prefix(given)
            if vector != given.strip():
                self.notes.note("CVSS vectors without their 'CVSS:x.y/' prefix: given the prefix their "
                                "metrics imply (v3 as CVSS:3.1)")
            version = vector_version(vector)
            if version == "2":
                self.notes.note("CVSS v2 vectors set aside: Accord scores CVSS v3.x and v4.0 only")
                continue
            if version not in placed:
                version = field  # not a v3 or v4 vector: the scorer says why
            if placed[version]:
                self.notes.note(f"a CVSS v{version} vector in the other version's field was set aside")
                continue
            placed[version] = vector
        return placed["3"], placed["4"]


def _refusal(source: str, origin: str, message: str) -> ScanFileError:
    """The error for a finding from `origin` ("line 12" for text formats, else an element path)."""
    kind, _, number = origin.partition(" ")
    if kind == "line" and number.isdecimal():
        return ScanFileError(source, message, line=int(number))
    return ScanFileError(source, message, element=origin or None)
