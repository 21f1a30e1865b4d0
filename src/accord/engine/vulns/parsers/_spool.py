"""Records held until a later part of the file explains them, in bounded memory.

Qualys XML reports (the VM report's `ASSET_DATA_REPORT`, the WAS report) list each detection by
QID first and the QID's title, severity and texts afterwards, in a `GLOSSARY` at the end. A
detection becomes a finding only once the glossary is read, so detections wait here: in memory up
to a few megabytes, then in a temporary file, so a report of a million detections stays within the
import's memory bound.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import Any

IN_MEMORY_BYTES = 8 * 1024 * 1024


class Spool:
    """An append-then-replay store of JSON-serialisable records (dicts of strings and numbers)."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES, mode="w+b")  # noqa: SIM115
        self.count = 0

    def append(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, separators=(",", ":")).encode("utf-8") + b"\n")
        self.count += 1

    def replay(self) -> Iterator[dict[str, Any]]:
        """The records in the order appended; the spool is closed afterwards."""
        try:
            self._file.seek(0)
            for line in self._file:
                yield json.loads(line)
        finally:
            self._file.close()

    def close(self) -> None:
        self._file.close()
