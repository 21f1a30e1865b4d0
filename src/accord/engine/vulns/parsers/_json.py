"""Reading JSON inputs with errors that name the line or the element path.

Two ways in. `JsonStream` walks a document as a stream of events (ijson), building only the
small values a parser keeps (one SARIF result, one CycloneDX vulnerability), so memory does not
grow with the file: scanner files (SARIF, CycloneDX, DefectDojo) are read this way. `load_json`
reads a document whole, for the feeds (a KEV catalogue is a few megabytes). `JsonReader` gives
typed access to built values either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from accord.engine.vulns.errors import InputFileError, ScanFileError
from accord.engine.vulns.streams import line_of_offset, peek_head

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


# --- streaming ---------------------------------------------------------------------------------

MAX_JSON_DEPTH = 64
"""Deepest nesting of objects and arrays accepted. Scanner files need about a dozen levels (a SARIF
code flow location is 12 deep); a file nested deeper is refused, so a crafted `[[[[...` cannot make
a parser build an arbitrarily deep structure."""

_LONGEST_PATH = 160
_START = {"start_map": "an object", "start_array": "a list"}
_KINDS = {"string": "text", "number": "a number", "boolean": "true/false", "null": "null", **_START}
# yajl's words for what went wrong, in words a user can act on.
_SYNTAX = (
    ("premature EOF", "file ends before the JSON is complete (truncated?)"),
    ("integer overflow", "a number too large (integers must fit in 64 bits)"),
    ("floating point) overflow", "a number too large to hold"),
    ("invalid bytes in UTF8", "not valid UTF-8; save the file as UTF-8"),
    ("invalid character inside string", "a control character (a raw line break, tab or NUL byte) inside "
     "a string: JSON needs them escaped"),
    ("trailing garbage", "more content after the end of the JSON document"),
)


class JsonStream:
    """A JSON document read as a stream of events, opened on demand; memory holds one value at a time.

    A parser walks the containers it cares about (`members` of an object, `elements` of an array),
    builds the small values it keeps (`value`) and skips the rest (`skip`), consuming exactly one
    value per member or element. Everything read is checked on the way and refused with the
    element path (`runs[0].results[17].message`): malformed or truncated JSON, nesting deeper than
    `MAX_JSON_DEPTH`, NUL characters (no database column holds them), integers past 64 bits and
    numbers past a double (yajl refuses them while reading, so nothing absurd reaches a column).
    """

    def __init__(self, stream: BinaryIO, source: str, *, error: type[InputFileError] = ScanFileError) -> None:
        self.source = source
        self.error = error
        self._lines = _LineCounter(_without_bom(stream, source, error))
        self._events = ijson.basic_parse(self._lines, buf_size=_CHUNK, use_float=True)
        self._pending: tuple[str, Any] | None = None
        self._depth = 0
        self._where = "$"  # the element being read, named by errors from the tokenizer

    def fail(self, path: str, message: str, *, line: int | None = None) -> InputFileError:
        if len(path) > _LONGEST_PATH:  # a crafted nesting: its start and end say where it is
            path = f"{path[:100]}...{path[-40:]}"
        return self.error(self.source, message, element=path, line=line)

    def _syntax_error(self, exc: Exception) -> InputFileError:
        """A tokenizer error, with the line: exact at the end of a truncated file, else the lines
        of the last block read (the tokenizer does not say where in the block it stopped)."""
        reason = _syntax_reason(exc)
        first, last = self._lines.span()
        if reason == _SYNTAX[0][1]:
            return self.fail(self._where, reason, line=last)
        where = f" (on line {last})" if first == last else f" (between lines {first} and {last})"
        return self.fail(self._where, reason + where)

    def _next(self) -> tuple[str, Any]:
        if self._pending is not None:
            event, self._pending = self._pending, None
            return event
        try:
            return next(self._events)
        except StopIteration:
            raise self.fail(self._where, _SYNTAX[0][1], line=self._lines.span()[1]) from None
        except ijson.JSONError as exc:
            raise self._syntax_error(exc) from None

    def kind(self) -> str:
        """What the next value is ("an object", "a list", "text", "a number", "true/false", "null")."""
        event = self._next()
        self._pending = event
        return _KINDS.get(event[0], event[0])

    def _open(self, start: str, path: str) -> bool:
        """Consume the start of a container (True), or a null (False); refuse anything else."""
        event, value = self._next()
        if event == "null":
            return False
        if event != start:
            self._pending = (event, value)
            raise self.fail(path, f"expected {_START[start]}, found {_KINDS.get(event, event)}")
        self._enter(path)
        return True

    def _enter(self, path: str) -> None:
        self._depth += 1
        if self._depth > MAX_JSON_DEPTH:
            raise self.fail(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")

    def members(self, path: str) -> Iterator[str]:
        """The keys of the object at `path` (null reads as empty); consume each key's value in turn."""
        if not self._open("start_map", path):
            return
        while True:
            event, key = self._next()
            if event == "end_map":
                self._depth -= 1
                return
            self._where = f"{path}.{key}"
            if "\x00" in key:
                raise self.fail(_printable(self._where), "a NUL character in a key")
            yield key

    def elements(self, path: str) -> Iterator[int]:
        """The indices of the list at `path` (null reads as empty); consume one value per index."""
        if not self._open("start_array", path):
            return
        index = 0
        while True:
            event = self._next()
            if event[0] == "end_array":
                self._depth -= 1
                return
            self._pending = event
            self._where = f"{path}[{index}]"
            yield index
            index += 1

    def value(self, path: str) -> Any:
        """The next value, built whole (dicts, lists, str, int, float, bool, None)."""
        self._where = path
        event, value = self._next()
        if event not in _START:
            return self._scalar(event, value, path)
        root: Any = {} if event == "start_map" else []
        self._enter(path)
        stack: list[Any] = [root]
        keys: list[Any] = [None]  # the key awaiting its value, per open object
        try:
            while stack:
                event, value = self._next()
                if event == "map_key":
                    keys[-1] = value
                    if "\x00" in value:
                        raise self.fail(_printable(_inner(path, stack, keys)), "a NUL character in a key")
                    continue
                if event == "end_map" or event == "end_array":
                    stack.pop()
                    keys.pop()
                    self._depth -= 1
                    continue
                if event in _START:
                    self._enter(_inner(path, stack, keys))
                    child: Any = {} if event == "start_map" else []
                elif event == "string" and "\x00" in value:
                    raise self.fail(_inner(path, stack, keys), "a NUL character in text")
                else:
                    child = value
                top = stack[-1]
                if type(top) is dict:
                    top[keys[-1]] = child
                else:
                    top.append(child)
                if event in _START:
                    stack.append(child)
                    keys.append(None)
        except InputFileError as exc:
            if exc.element == self._where and stack:  # a tokenizer error: name the inner element
                raise self.fail(_inner(path, stack, keys), exc.message, line=exc.line) from None
            raise
        return root

    def _scalar(self, event: str, value: Any, path: str) -> Any:
        if event in ("map_key", "end_map", "end_array"):  # only a programming error gets here
            raise self.fail(path, f"expected a value, found {event}")
        if event == "string" and "\x00" in value:
            raise self.fail(path, "a NUL character in text")
        return value

    def skip(self, path: str) -> None:
        """Read past the next value without building it (still checking nesting and NUL)."""
        self._where = path
        depth = 0
        while True:
            event, value = self._next()
            if event in _START:
                depth += 1
                self._enter(path)
            elif event == "end_map" or event == "end_array":
                depth -= 1
                self._depth -= 1
            elif (event == "string" or event == "map_key") and "\x00" in value:
                raise self.fail(path, "a NUL character in text")
            if depth == 0:
                return

    def finish(self) -> None:
        """Refuse anything after the document's end."""
        try:
            next(self._events)
        except StopIteration:
            return
        except ijson.JSONError as exc:
            self._where = "$"
            raise self._syntax_error(exc) from None
        raise self.fail("$", _SYNTAX[-1][1])


def _inner(path: str, stack: list[Any], keys: list[Any]) -> str:
    """The path of the element being filled inside a value under construction."""
    parts = [path]
    for level, container in enumerate(stack):
        if type(container) is dict:
            parts.append(f".{keys[level]}")
        else:
            last = level == len(stack) - 1
            parts.append(f"[{len(container) if last else len(container) - 1}]")
    return "".join(parts)


def _printable(path: str) -> str:
    return path.replace("\x00", "\\u0000")


def _syntax_reason(exc: Exception) -> str:
    text = str(exc)
    for clue, reason in _SYNTAX:
        if clue in text:
            return reason
    first = text.strip().strip("b'\"").split("\\n", 1)[0].split("\n", 1)[0]
    return f"malformed JSON: {first.removeprefix('parse error: ').removeprefix('lexical error: ')}"


_CHUNK = 16 * 1024  # bytes per read: small enough for the line span of a syntax error to be useful


class _LineCounter:
    """Reads through to a stream, counting the lines of what was read (for syntax errors)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._before = 0  # newlines before the last block
        self._within = 0  # newlines in the last block

    def read(self, size: int = -1) -> bytes:
        block = self._raw.read(size)
        self._before += self._within
        self._within = block.count(b"\n")
        return block

    def span(self) -> tuple[int, int]:
        """(first, last) line of the last block read, 1-based."""
        return self._before + 1, self._before + self._within + 1


def _without_bom(stream: BinaryIO, source: str, error: type[InputFileError]) -> BinaryIO:
    head, replay = peek_head(stream, 4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(source, "file is UTF-16 encoded; save it as UTF-8", line=1)
    if head.startswith(_UTF8_BOM):
        replay.read(len(_UTF8_BOM))
    return replay


def top_level_keys(head: bytes) -> list[str]:
    """The keys of the top-level object in the first bytes of a JSON file (as many as they hold).

    Content detection reads these rather than searching the text, so a finding whose description
    mentions "runs" or "sarif" does not make a file look like SARIF.
    """
    keys: list[str] = []
    try:
        for prefix, event, value in ijson.parse(head.removeprefix(_UTF8_BOM)):
            if prefix == "" and event == "map_key":
                keys.append(value)
    except (ijson.JSONError, UnicodeDecodeError):
        pass  # the head ends mid-document, or is not JSON at all
    return keys
