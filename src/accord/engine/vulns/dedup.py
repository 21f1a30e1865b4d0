"""Repeats in one file: the rule `accord vulns parse` and the importer share.

Two findings of one file are the same finding when their fingerprints are equal (asset, scanner,
rule, CVE, port or location: see `ScanFinding.fingerprint`); the later one is merged into the
first and counted, never stored twice. The importer fingerprints with the matched asset's key,
`parse` (which has no database) with the asset as the file names it.

Most repeats are exact (a scanner listing a result twice). Some are not: Nessus may report one
plugin twice on a port with different output (two PHP installations behind one web server). The
first one's details are kept either way; those that differed are counted apart, so the summary
says so rather than dropping them silently.

Only a 60-bit digest of each fingerprint and a hash of its details are kept, so a million
findings cost about a hundred megabytes, not the hundreds their hex strings would.
"""

from __future__ import annotations

import dataclasses
import operator

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.records import ScanFinding

_details = operator.attrgetter(*(f.name for f in dataclasses.fields(ScanFinding) if f.name != "origin"))


def details_hash(finding: ScanFinding) -> int:
    """A hash of everything the file says about a finding except where it says it."""
    return hash(_details(finding))


class Repeats:
    """Remembers the findings seen in one file and counts the repeats."""

    def __init__(self) -> None:
        self._seen: dict[int, int] = {}
        self.merged = 0
        self.differing = 0

    def is_first(self, fingerprint: str, finding: ScanFinding) -> bool:
        """True the first time `fingerprint` (a SHA-256 hex digest) is seen; else counts a repeat."""
        digest = int(fingerprint[:15], 16)
        details = details_hash(finding)
        first = self._seen.get(digest)
        if first is None:
            self._seen[digest] = details
            return True
        self.merged += 1
        if first != details:
            self.differing += 1
        return False

    def report(self, notes: ParseNotes) -> None:
        """Say in `notes` how many repeats were merged (and how many of them differed)."""
        if self.merged:
            notes.note(f"{self.merged} repeated finding(s) merged into the first of their kind")
        if self.differing:
            notes.note(
                f"{self.differing} of them repeated a finding with other details (e.g. another plugin output "
                "for the same check on the same port): the first one's details are kept"
            )


def summary(notes: ParseNotes, repeats: Repeats) -> dict[str, object]:
    """The import summary: ignored columns or elements with the number of rows or elements that
    carried them, the parser's notes, and the repeats merged (and how many of them differed)."""
    repeats.report(notes)
    return {**notes.as_dict(), "repeats_merged": repeats.merged, "repeats_differing": repeats.differing}
