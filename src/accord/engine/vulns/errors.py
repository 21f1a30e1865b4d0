"""The errors the vulnerability engine raises for bad input.

Two families: `InvalidInput` for a bad value handed to a function (a CVSS vector, an SSVC value, an
SLA policy), naming the field path; `InputFileError` for a file refused while reading it (a scan
or a feed), naming the file and the line or XML element where it went wrong.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """A value refused at the door, naming the field path that is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class InputFileError(ValueError):
    """A file refused while reading it.

    `line` (1-based) names the physical line for text formats and XML syntax errors; `element`
    names the XML element path (`/NessusClientData_v2/Report/ReportHost[2]/ReportItem[7]`) or the
    JSON path (`vulnerabilities[3].ratings[0].score`) where the content is wrong.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        element: str | None = None,
    ) -> None:
        self.source = source
        self.message = message
        self.line = line
        self.column = column
        self.element = element
        super().__init__(f"{self.where}: {message}")

    @property
    def location(self) -> str:
        """The line and/or element, e.g. `line 12, column 4` or `element /a/b[2]` ("" if unknown)."""
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column is not None else ""))
        if self.element:
            parts.append(f"element {self.element}")
        return ", ".join(parts)

    @property
    def where(self) -> str:
        return ", ".join(part for part in (self.source, self.location) if part) or "input"


class ScanFileError(InputFileError):
    """A scanner file (Nessus, OpenVAS, Qualys, SARIF, CycloneDX, generic CSV) refused."""


class FeedFileError(InputFileError):
    """A feed file (CISA KEV JSON, FIRST EPSS CSV) refused."""
