"""Streaming XML through defusedxml: record elements handed over one at a time, then dropped.

`walk` yields the start of chosen context elements (e.g. a Nessus `ReportHost`, whose attributes
name the host) and the end of record elements (e.g. a `ReportItem`, complete with its children).
Every finished element is removed from its parent once the consumer is done with it, so memory
holds one record at a time however long the file is. Paths such as
`/NessusClientData_v2/Report/ReportHost[2]/ReportItem[7]` name records in errors.

Nothing is dropped silently: given the parse notes, `walk` counts every part of the document that
held no record or context and carried a value (a report header, a risk summary, an appendix), by
its path from the root (`HEADER`, `GLOSSARY/GROUP_LIST`), and `ignore_unread` counts the children
of a record that its parser did not read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes


@dataclass(slots=True)
class _Frame:
    element: Element
    step: str
    child_counts: dict[str, int]
    tag: str = ""
    holds_records: bool = False  # a record or context element lies somewhere below
    has_children: bool = False
    skipped: Counter[str] = field(default_factory=Counter)  # children without records, by tag path


@dataclass(frozen=True, slots=True)
class XmlEvent:
    kind: str  # "start" (context element opened) or "end" (record or context element complete)
    element: Element
    path: str
    parent_tag: str


def local_name(tag: str) -> str:
    """`{namespace}tag` -> `tag`."""
    return tag.rsplit("}", 1)[-1]


def walk(
    stream: BinaryIO,
    source: str,
    *,
    roots: tuple[str, ...],
    records: frozenset[str],
    contexts: frozenset[str] = frozenset(),
    format_name: str,
    notes: ParseNotes | None = None,
    parents: Mapping[str, str] | None = None,
) -> Iterator[XmlEvent]:
    """Walk `stream`, refusing it unless its root element is one of `roots` (namespace ignored).

    `parents` names, for record tags that other elements share (a Qualys `VULNERABILITY` is a
    finding in a `VULNERABILITY_LIST` but a count in a `SUMMARY`), the parent a record sits in.
    With `notes`, the parts of the document that hold no record are counted as ignored.
    """
    parents = parents or {}
    stack: list[_Frame] = []
    record_depth = 0  # > 0 while inside a record: its children stay until the record ends
    try:
        for event, element in iterparse(stream, events=("start", "end")):
            if event == "start":
                if record_depth:
                    record_depth += 1
                    continue
                tag = local_name(element.tag)
                if stack:
                    stack[-1].has_children = True
                    counts = stack[-1].child_counts
                    counts[tag] = counts.get(tag, 0) + 1
                    step = f"{tag}[{counts[tag]}]"
                else:
                    if tag not in roots:
                        raise ScanFileError(
                            source,
                            f"root element is <{tag}>, expected <{roots[0]}>: not a {format_name} file",
                            element=f"/{tag}",
                        )
                    step = tag
                parent = stack[-1].tag if stack else ""
                is_record = tag in records and parents.get(tag, parent) == parent
                stack.append(_Frame(element, step, {}, tag))
                if is_record or tag in contexts:
                    _mark_holding(stack)
                if is_record:
                    record_depth = 1
                elif tag in contexts:
                    yield XmlEvent("start", element, _path(stack), _parent_tag(stack))
                continue
            # end event
            if record_depth > 1:
                record_depth -= 1
                continue
            tag = local_name(element.tag)
            if record_depth == 1 or tag in contexts:
                yield XmlEvent("end", element, _path(stack), _parent_tag(stack))
            record_depth = 0
            frame = stack.pop()
            if notes is not None:
                _account_skipped(frame, stack, notes)
            if stack:
                # The consumer has finished with it: drop it so the tree does not grow.
                element.clear()
                stack[-1].element.remove(element)
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":", 1)[0]
        if reason == "no element found" or (stack and "unclosed token" in reason):
            reason = "file ends before the XML is complete (truncated?)"
        elif "invalid token" in reason:
            reason = "not well-formed XML (invalid token: a stray character or bytes that are not UTF-8)"
        raise ScanFileError(
            source, reason, line=line, column=column + 1, element=_path(stack) if stack else None
        ) from None
    except EntitiesForbidden as exc:
        raise ScanFileError(
            source,
            f"the XML declares an entity ({exc.name!r}); entity declarations are refused because "
            "they can expand into a memory bomb ('billion laughs') and no scanner needs them",
            element=_path(stack) if stack else "(prolog)",
        ) from None
    except (DTDForbidden, ExternalReferenceForbidden, DefusedXmlException) as exc:
        raise ScanFileError(
            source,
            f"the XML refers to an external DTD or entity, which is refused: {exc}",
            element=_path(stack) if stack else "(prolog)",
        ) from None


def _mark_holding(stack: list[_Frame]) -> None:
    for frame in reversed(stack):
        if frame.holds_records:
            break
        frame.holds_records = True


def _account_skipped(frame: _Frame, stack: list[_Frame], notes: ParseNotes) -> None:
    """Pass an element without records up to its parent, or report its children's.

    Only the largest parts without records are named (`HEADER`, not each of its keys), found when
    their parent closes: a parent that holds records reports its record-less children; one that
    holds none is itself record-less and goes up in turn. The root reports whatever it has.
    """
    if not frame.holds_records and stack:
        if frame.has_children or (frame.element.text or "").strip() or frame.element.attrib:
            stack[-1].skipped[frame.tag] += 1
        return
    own = "".join(f"{f.tag}/" for f in [*stack[1:], frame]) if stack else ""
    for name, count in frame.skipped.items():
        notes.ignore(own + name, count)


def plain_path(path: str) -> str:
    """`/ROOT/A[1]/B[2]` -> `A/B`: an element path as the summary names ignored parts."""
    steps = [step.split("[", 1)[0] for step in path.strip("/").split("/")]
    return "/".join(steps[1:]) or steps[0]


def _path(stack: list[_Frame]) -> str:
    return "/" + "/".join(frame.step for frame in stack)


def _parent_tag(stack: list[_Frame]) -> str:
    return local_name(stack[-2].element.tag) if len(stack) > 1 else ""


def child_text(element: Element, tag: str) -> str:
    """Text of the first child named `tag` (stripped; "" if absent)."""
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def ignore_unread(
    element: Element,
    read: frozenset[str],
    notes: ParseNotes,
    name: str,
    *,
    attributes: frozenset[str] = frozenset(),
) -> None:
    """Count the children (and attributes) of a record that carry a value its parser did not read.

    Counted as `name/CHILD` and `name@attribute`, e.g. `ReportItem/see_also`.
    """
    for child in element:
        tag = local_name(child.tag)
        if tag not in read and (len(child) or (child.text or "").strip() or child.attrib):
            notes.ignore(f"{name}/{tag}")
    for attribute, value in element.attrib.items():
        if attribute not in attributes and value.strip():
            notes.ignore(f"{name}@{local_name(attribute)}")


def all_child_texts(element: Element, tag: str) -> list[str]:
    return [(child.text or "").strip() for child in element.iterfind(tag) if (child.text or "").strip()]
