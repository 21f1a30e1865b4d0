"""CycloneDX JSON (1.2-1.6) with `vulnerabilities`: one finding per vulnerability and affected
component (see `_cyclonedx` for the rules, shared with the XML encoding).

Read as a stream: one component or vulnerability in memory at a time, so a BOM of hundreds of
megabytes stays within the import's memory bound.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._cyclonedx import Bom, Part
from accord.engine.vulns.parsers._json import JsonReader, JsonStream
from accord.engine.vulns.records import ScanFinding

FORMAT = "cyclonedx"
_SKIPPED = frozenset({"$schema", "specVersion", "serialNumber", "version"})  # describe the document itself


def parse(
    stream: BinaryIO,
    *,
    source: str,
    application: str | None = None,
    notes: ParseNotes | None = None,
    **_: object,
) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    bom = Bom(source=source, source_format=FORMAT, application=application, notes=notes)
    yield from bom.findings(_parts(JsonStream(stream, source), notes))


def _parts(json: JsonStream, notes: ParseNotes) -> Iterator[Part]:
    reader = JsonReader(json.source)
    recognised = False
    for key in json.members("$"):
        if key == "bomFormat":
            value = json.value("$.bomFormat")
            if value != "CycloneDX":
                raise json.fail("$.bomFormat", f"expected 'CycloneDX', found {value!r}")
            recognised = True
        elif key == "metadata":
            yield Part("metadata", _object(reader, json.value("$.metadata"), "$.metadata"), "$.metadata")
        elif key in ("components", "vulnerabilities"):
            kind, prefix = ("component", "$.components") if key == "components" else ("vulnerability", "vulnerabilities")
            for index in json.elements(f"$.{key}"):
                path = f"{prefix}[{index}]"
                yield Part(kind, reader.obj(json.value(path), path), path)
        elif key in _SKIPPED:
            json.skip(f"$.{key}")
        else:
            notes.ignore(key)
            json.skip(f"$.{key}")
    json.finish()
    if not recognised:
        raise json.fail("$.bomFormat", "missing: a CycloneDX BOM says bomFormat 'CycloneDX'")


def _object(reader: JsonReader, value: Any, path: str) -> dict[str, Any]:
    return {} if value is None else reader.obj(value, path)
