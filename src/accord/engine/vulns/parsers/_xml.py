"""Streaming XML through defusedxml: record elements handed over one at a time, then dropped.

`walk` yields the start of chosen context elements (e.g. a Nessus `ReportHost`, whose attributes
name the host) and the end of record elements (e.g. a `ReportItem`, complete with its children).
Every finished element is removed from its parent once the consumer is done with it, so memory
holds one record at a time however long the file is. Paths such as
`/NessusClientData_v2/Report/ReportHost[2]/ReportItem[7]` name records in errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from accord.engine.vulns.errors import ScanFileError


@dataclass(slots=True)
class _Frame:
    element: Element
    step: str
    child_counts: dict[str, int]


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
) -> Iterator[XmlEvent]:
    """Walk `stream`, refusing it unless its root element is one of `roots` (namespace ignored)."""
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
                stack.append(_Frame(element, step, {}))
                if tag in records:
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
            stack.pop()
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


def _path(stack: list[_Frame]) -> str:
    return "/" + "/".join(frame.step for frame in stack)


def _parent_tag(stack: list[_Frame]) -> str:
    return local_name(stack[-2].element.tag) if len(stack) > 1 else ""


def child_text(element: Element, tag: str) -> str:
    """Text of the first child named `tag` (stripped; "" if absent)."""
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def all_child_texts(element: Element, tag: str) -> list[str]:
    return [(child.text or "").strip() for child in element.iterfind(tag) if (child.text or "").strip()]
