"""Reading the clocks' data files (YAML or JSON) and checking their fields, naming the bad one."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from accord.engine.clocks.errors import InvalidClockFile

MAX_FILE_BYTES = 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".json")


def read_mapping(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML or JSON file; refuses a missing, oversized or malformed file."""
    if path.suffix not in SUFFIXES:
        raise InvalidClockFile(path, "file", f"must end in {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise InvalidClockFile(path, "file", "no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidClockFile(path, "file", f"larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidClockFile(path, "file", f"cannot be read ({exc})") from None
    if path.suffix == ".json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidClockFile(path, f"line {exc.lineno}", exc.msg) from None
    else:
        import yaml  # heavy for the command line's start: loaded when a file is read

        try:
            document = yaml.load(text, Loader=_loader_without_timestamps())  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "file"
            raise InvalidClockFile(path, where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(document, dict):
        raise InvalidClockFile(path, "file", "must hold a mapping of fields at the top level")
    return document


@lru_cache(maxsize=1)
def _loader_without_timestamps() -> type:
    """YAML's safe loader, leaving dates as text: `Fields.dates` then checks them and names a bad one
    (the stock loader fails on 2026-13-08 without saying where)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    timestamp = "tag:yaml.org,2002:timestamp"
    Loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


class Fields:
    """The fields of one mapping in a file, checked one by one; `field` paths name them in errors."""

    def __init__(self, path: Path, where: str, mapping: object, *, required: tuple[str, ...],
                 optional: tuple[str, ...] = ()) -> None:
        self.path, self.where = path, where
        if not isinstance(mapping, Mapping):
            self.fail(where or "file", f"must be a mapping with {', '.join(required)}")
        unknown = [str(key) for key in mapping if key not in required + optional]
        if unknown:
            self.fail(self.name(unknown[0]), f"unknown field; expected {', '.join(required + optional)}")
        absent = [key for key in required if key not in mapping]
        if absent:
            self.fail(self.name(absent[0]), "missing")
        self.mapping: Mapping[str, Any] = mapping

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, field: str, message: str) -> NoReturn:
        raise InvalidClockFile(self.path, field, message)

    def has(self, key: str) -> bool:
        return key in self.mapping

    def text(self, key: str, default: str | None = None) -> str:
        value = self.mapping.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(self.name(key), f"must be non-empty text, found {value!r}")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.mapping.get(key) is not None else None

    def count(self, key: str) -> int:
        value = self.mapping.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(self.name(key), f"must be a whole number >= 1, found {value!r}")
        return value

    def positive(self, key: str) -> float:
        value = self.mapping.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < float("inf"):
            self.fail(self.name(key), f"must be a number > 0, found {value!r}")
        return value

    def dates(self, key: str) -> tuple[date, ...]:
        values = self.mapping.get(key) or []
        if not isinstance(values, list):
            self.fail(self.name(key), "must be a list of dates YYYY-MM-DD")
        found = []
        for index, value in enumerate(values):
            if isinstance(value, str):  # dates come as text from YAML (see above) and JSON
                with contextlib.suppress(ValueError):
                    value = date.fromisoformat(value)
            if not isinstance(value, date) or isinstance(value, datetime):
                self.fail(f"{self.name(key)}[{index}]", f"{value!r} is not a date YYYY-MM-DD")
            found.append(value)
        return tuple(found)
