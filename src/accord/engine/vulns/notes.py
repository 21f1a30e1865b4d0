"""What a parser read but did not keep: the import summary shows it, so nothing is lost silently.

Every parser takes a `notes: ParseNotes` keyword (the caller's, or a fresh one) and records:

* `ignore(name)` for each column or element that carried a value the parser does not map to a
  finding field (e.g. a CSV column `Plugin Family`, an XML element `<ASSET_GROUPS>`); counted per
  name, so the summary says "Plugin Family (1,200 rows)";
* `note(text)` for anything else a reader should know (e.g. "3 results without a ruleId: rule
  derived from the tool and the message").

Exact repeats (findings with the same fingerprint in one file) are merged and counted by whoever
deduplicates (`accord vulns parse` and the importer use the same rule), not by the parsers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_NOTES = 50  # a file with thousands of oddities gets the first 50 and a count
MAX_IGNORED_NAMES = 200  # past this many distinct names, the rest are counted together
OTHER_IGNORED = "(other columns or elements)"


@dataclass
class ParseNotes:
    ignored: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    notes_dropped: int = 0

    def ignore(self, name: str, times: int = 1) -> None:
        if name not in self.ignored and len(self.ignored) >= MAX_IGNORED_NAMES:
            name = OTHER_IGNORED  # keeps the summary (stored on the import run) bounded
        self.ignored[name] += times

    def note(self, text: str) -> None:
        if text in self.notes:
            return
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)
        else:
            self.notes_dropped += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "ignored": dict(sorted(self.ignored.items())),
            "notes": list(self.notes) + ([f"and {self.notes_dropped} more"] if self.notes_dropped else []),
        }
