"""Frameworks as Accord reads them: three levels (function, category, subcategory), read from an OSCAL
catalogue.

NIST CSF 2.0 ships as Accord's own OSCAL catalogue (`data/csf-2.0.json`); any other OSCAL catalogue a
user imports goes through the same reader, so a newer CSF release or another framework is scored the
same way. How an OSCAL catalogue maps onto the three levels:

- each top-level group is a function;
- each control of a function (or each group inside it) is a category;
- each control under a category, at any depth, is a subcategory, the level that is scored. A category
  without child controls is scored as its own single subcategory;
- withdrawn controls (a `status` property of `withdrawn`) are left out;
- an element's identifier is its `label` property when it has one (GV.OC-01), else its OSCAL id.

No Django here: the command line, the importer and the tests read catalogues without a database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from accord.core.errors import Problem, ValidationFailed

DATA = Path(__file__).parent / "data"
CSF_KEY = "csf-2.0"
CSF_FILE = DATA / "csf-2.0.json"
CSF_REFERENCES_FILE = DATA / "csf-2.0-informative-references.json"


@dataclass(frozen=True)
class Subcategory:
    id: str
    title: str
    function_id: str
    category_id: str


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    description: str
    function_id: str
    subcategories: tuple[Subcategory, ...]


@dataclass(frozen=True)
class Function:
    id: str
    title: str
    description: str
    categories: tuple[Category, ...]

    @property
    def subcategories(self) -> tuple[Subcategory, ...]:
        return tuple(s for c in self.categories for s in c.subcategories)


@dataclass(frozen=True)
class Framework:
    key: str
    title: str
    version: str
    oscal_uuid: str
    functions: tuple[Function, ...]
    builtin: bool = False
    references: dict[str, dict[str, list[str]]] = field(default_factory=dict, compare=False, hash=False)

    def categories(self) -> Iterator[Category]:
        for function in self.functions:
            yield from function.categories

    def subcategories(self) -> Iterator[Subcategory]:
        for function in self.functions:
            yield from function.subcategories

    def subcategory_ids(self) -> list[str]:
        return [s.id for s in self.subcategories()]

    def counts(self) -> dict[str, int]:
        return {"functions": len(self.functions), "categories": sum(1 for _ in self.categories()),
                "subcategories": sum(1 for _ in self.subcategories())}

    def as_document(self) -> dict[str, Any]:
        """The framework as plain JSON (the API's and the command line's `catalogue --json`)."""
        return {
            "key": self.key, "title": self.title, "version": self.version, "oscal_uuid": self.oscal_uuid,
            "builtin": self.builtin, "counts": self.counts(),
            "functions": [{
                "id": f.id, "title": f.title, "description": f.description,
                "categories": [{
                    "id": c.id, "title": c.title, "description": c.description,
                    "informative_references": self.references.get(c.id, {}),
                    "subcategories": [{"id": s.id, "title": s.title,
                                       "informative_references": self.references.get(s.id, {})}
                                      for s in c.subcategories],
                } for c in f.categories],
            } for f in self.functions],
        }


# Reading an OSCAL catalogue ---------------------------------------------------------------------------

def _props(element: dict[str, Any]) -> dict[str, str]:
    return {p.get("name", ""): str(p.get("value", "")) for p in element.get("props") or [] if isinstance(p, dict)}


def _identifier(element: dict[str, Any]) -> str:
    return _props(element).get("label") or str(element.get("id") or "")


def _withdrawn(element: dict[str, Any]) -> bool:
    return _props(element).get("status", "").lower() == "withdrawn"


def _prose(element: dict[str, Any]) -> str:
    """The first statement or overview prose of an element (its description)."""
    for part in element.get("parts") or []:
        if isinstance(part, dict) and part.get("name") in ("statement", "overview") and part.get("prose"):
            return " ".join(str(part["prose"]).split())
    return ""


def _descendant_controls(control: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for child in control.get("controls") or []:
        if not _withdrawn(child):
            yield child
            yield from _descendant_controls(child)


def _category(element: dict[str, Any], function_id: str) -> Category:
    category_id = _identifier(element)
    children: list[dict[str, Any]] = []
    if element.get("groups"):  # a group inside a function: its controls (and theirs) are subcategories
        for group in element["groups"]:
            for control in group.get("controls") or []:
                if not _withdrawn(control):
                    children += [control, *_descendant_controls(control)]
    for control in element.get("controls") or []:
        if not _withdrawn(control):
            children += [control, *_descendant_controls(control)]
    if not children:
        children = [element]
    subcategories = tuple(Subcategory(_identifier(c), " ".join(str(c.get("title", "")).split()),
                                      function_id, category_id) for c in children)
    return Category(category_id, " ".join(str(element.get("title", "")).split()), _prose(element), function_id,
                    subcategories)


def read_catalogue(document: Any, *, key: str, builtin: bool = False) -> Framework:
    """A framework from an OSCAL catalogue document (already parsed JSON). Refuses, naming the element,
    a catalogue without groups, with controls outside any group, or with an identifier used twice."""
    if not isinstance(document, dict) or not isinstance(document.get("catalog"), dict):
        raise ValidationFailed.field("catalog", "not an OSCAL catalogue: the document has no `catalog` object")
    catalog = document["catalog"]
    metadata = catalog.get("metadata") or {}
    problems: list[Problem] = []
    if catalog.get("controls"):
        problems.append(Problem("catalog.controls", "controls outside any group: Accord reads each top-level "
                                                    "group as a function, so every control must sit in one"))
    groups = [g for g in catalog.get("groups") or [] if not _withdrawn(g)]
    if not groups:
        problems.append(Problem("catalog.groups", "the catalogue has no groups (functions)"))
    functions = []
    for index, group in enumerate(groups):
        function_id = _identifier(group)
        members = [e for e in [*(group.get("groups") or []), *(group.get("controls") or [])] if not _withdrawn(e)]
        if not members:
            problems.append(Problem(f"catalog.groups[{index}]", f"function {function_id!r} has no controls"))
            continue
        categories = tuple(_category(member, function_id) for member in members)
        functions.append(Function(function_id, " ".join(str(group.get("title", "")).split()), _prose(group), categories))
    seen: set[str] = set()
    for function in functions:
        for ident in [function.id, *(c.id for c in function.categories),
                      *(s.id for c in function.categories for s in c.subcategories if s.id != c.id)]:
            if not ident:
                problems.append(Problem("catalog", f"an element of function {function.id!r} has no id"))
            elif ident in seen:
                problems.append(Problem("catalog", f"identifier {ident!r} is used twice"))
            seen.add(ident)
    if problems:
        raise ValidationFailed(problems)
    return Framework(key=key, title=" ".join(str(metadata.get("title", key)).split()),
                     version=str(metadata.get("version", "")), oscal_uuid=str(catalog.get("uuid", "")),
                     functions=tuple(functions), builtin=builtin)


@cache
def csf() -> Framework:
    """NIST CSF 2.0, shipped with Accord, with NIST's informative references by identifier."""
    document = json.loads(CSF_FILE.read_text(encoding="utf-8"))
    framework = read_catalogue(document, key=CSF_KEY, builtin=True)
    references = json.loads(CSF_REFERENCES_FILE.read_text(encoding="utf-8"))["references"]
    framework.references.update(references)
    return framework


def csf_document() -> dict[str, Any]:
    """The shipped CSF 2.0 catalogue as OSCAL JSON."""
    document: dict[str, Any] = json.loads(CSF_FILE.read_text(encoding="utf-8"))
    return document
