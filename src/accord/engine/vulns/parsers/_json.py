"""Reading JSON inputs whole (bounded by the size limit) with errors that name line or path.

SARIF and CycloneDX documents are JSON; the standard library has no streaming JSON parser, so
these are read whole. The caller's size limit keeps that bounded.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from accord.engine.vulns.errors import InputFileError, ScanFileError
from accord.engine.vulns.streams import line_of_offset

_UTF8_BOM = b"\xef\xbb\xbf"


def load_json(stream: BinaryIO, source: str, *, error: type[InputFileError] = ScanFileError) -> Any:
    data = stream.read()
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_of_offset(data, exc.start)
        raise error(
            source,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x}; save the file as UTF-8",
            line=line,
            column=column,
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        rest = text[exc.pos + 1 :]
        ended = exc.pos >= len(text.rstrip()) or (
            exc.msg.startswith("Unterminated string") and '"' not in rest
        )
        reason = (
            "file ends before the JSON is complete (truncated?)" if ended else f"malformed JSON: {exc.msg}"
        )
        raise error(source, reason, line=exc.lineno, column=exc.colno) from None


class JsonReader:
    """Typed access to parsed JSON that refuses wrong shapes with the JSON path."""

    def __init__(self, source: str, error: type[InputFileError] = ScanFileError) -> None:
        self.source = source
        self.error = error

    def fail(self, path: str, message: str) -> InputFileError:
        return self.error(self.source, message, element=path)

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, found {_kind(value)}")
        return value

    def list(self, value: Any, path: str, *, optional: bool = True) -> list[Any]:
        if value is None and optional:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, found {_kind(value)}")
        return value

    def text(self, parent: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = parent.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(f"{path}.{key}", "missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(f"{path}.{key}", f"expected text, found {_kind(value)}")
        return str(value).strip()

    def number(self, parent: dict[str, Any], key: str, path: str) -> float | None:
        value = parent.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.fail(f"{path}.{key}", "expected a number, found true/false")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise self.fail(f"{path}.{key}", f"not a number: {value!r}") from None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )
