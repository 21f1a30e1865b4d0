"""Benchmark profiles from files: mean scores (0 to 4) of peers per category and/or function, for an
industry and a size. The format (JSON, `"format": "accord-csf-benchmark/1"`) is in docs/posture.md.

Accord ships one profile, `data/benchmarks/synthetic-default.json`, labelled synthetic everywhere it
is shown: it is made up to show how the comparison works. Users import real ones (their sector's
information-sharing centre's) with `accord csf benchmark import` or on the benchmarks page.
No Django here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from accord.core.errors import Problem, ValidationFailed
from accord.posture.frameworks import DATA, Framework

FORMAT = "accord-csf-benchmark/1"
SHIPPED_FILE = DATA / "benchmarks" / "synthetic-default.json"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
TEXT_FIELDS = ("title", "industry", "size", "source")


@dataclass(frozen=True)
class BenchmarkProfile:
    key: str
    title: str
    framework_key: str
    industry: str
    size: str
    source: str
    synthetic: bool
    as_of: date
    values: dict[str, float]
    shipped: bool = False

    @property
    def label(self) -> str:
        return f"{self.title} (SYNTHETIC, not measured)" if self.synthetic else self.title

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "label": self.label, "framework": self.framework_key,
                "industry": self.industry, "size": self.size, "source": self.source, "synthetic": self.synthetic,
                "as_of": self.as_of.isoformat(), "shipped": self.shipped, "values": self.values}


def read_benchmark(document: Any, *, framework_of: Any, shipped: bool = False) -> BenchmarkProfile:
    """A benchmark from a parsed JSON document; `framework_of(key)` returns the Framework a key names
    (or None). Refuses, naming every field that is wrong."""
    if not isinstance(document, dict):
        raise ValidationFailed.field("", "a benchmark file is one JSON object")
    problems: list[Problem] = []
    if document.get("format") != FORMAT:
        problems.append(Problem("format", f"must be {FORMAT!r}"))
    key = document.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        problems.append(Problem("key", "lower-case letters, digits and dashes, at most 80"))
    for name in TEXT_FIELDS:
        if not isinstance(document.get(name), str) or not document[name].strip():
            problems.append(Problem(name, "required text"))
    if not isinstance(document.get("synthetic"), bool):
        problems.append(Problem("synthetic", "required: true or false (is it made up rather than measured?)"))
    try:
        as_of = date.fromisoformat(str(document.get("as_of")))
    except ValueError:
        problems.append(Problem("as_of", "required: the day the figures describe, as YYYY-MM-DD"))
        as_of = date.min
    framework_key = document.get("framework", "csf-2.0")
    framework: Framework | None = framework_of(framework_key) if isinstance(framework_key, str) else None
    if framework is None:
        problems.append(Problem("framework", f"unknown framework {framework_key!r}"))
    values = document.get("values")
    clean: dict[str, float] = {}
    if not isinstance(values, dict) or not values:
        problems.append(Problem("values", "required: an object of element id -> mean score from 0 to 4"))
    elif framework is not None:
        known = {f.id for f in framework.functions} | {c.id for c in framework.categories()}
        for ident, value in values.items():
            if ident not in known:
                problems.append(Problem(f"values.{ident}", f"not a function or category of {framework.key}"))
            elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 4:
                problems.append(Problem(f"values.{ident}", "must be a number from 0 to 4"))
            else:
                clean[ident] = float(value)
    if problems:
        raise ValidationFailed(problems)
    return BenchmarkProfile(key=str(key), title=document["title"].strip(), framework_key=str(framework_key),
                            industry=document["industry"].strip(), size=document["size"].strip(),
                            source=document["source"].strip(), synthetic=document["synthetic"], as_of=as_of,
                            values=clean, shipped=shipped)


@cache
def shipped_benchmark() -> BenchmarkProfile:
    from accord.posture.frameworks import CSF_KEY, csf

    document = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    return read_benchmark(document, framework_of=lambda key: csf() if key == CSF_KEY else None, shipped=True)
