"""CycloneDX XML (1.2-1.6) with vulnerabilities: one finding per vulnerability and affected component.

Two places hold vulnerabilities, and both are read:

- 1.4 and later: `bom/vulnerabilities/vulnerability`, with `affects/target/ref` naming the
  components and the VEX `analysis`;
- 1.2 and 1.3 through the vulnerability extension (`http://cyclonedx.org/schema/ext/vulnerability/1.0`,
  as Grype writes it): `component/vulnerabilities/vulnerability` inside the affected component,
  with `score/base` in its ratings and `recommendations/recommendation`.

Each element becomes the JSON shape of the same BOM and goes through the rules shared with the
JSON encoding (`_cyclonedx`). Read with defusedxml's `iterparse` through `_xml.walk`: one
top-level component or vulnerability in memory at a time; entity declarations and external
references are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._cyclonedx import Bom, Part, component_name
from accord.engine.vulns.parsers._xml import local_name, walk
from accord.engine.vulns.records import ScanFinding

FORMAT = "cyclonedx-xml"
NAMESPACE = "http://cyclonedx.org/schema/bom/"
# Children of <vulnerability> Accord reads (the rest is noted as ignored by `Bom`).
_READ = frozenset({"id", "references", "ratings", "cwes", "cwe", "description", "detail", "recommendation",
                   "recommendations", "workaround", "analysis", "affects"})


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
    yield from bom.findings(_parts(stream, source, notes))


def _parts(stream: BinaryIO, source: str, notes: ParseNotes) -> Iterator[Part]:
    # Parts of the BOM that hold no component or vulnerability (services, dependencies...) are
    # counted as ignored by `walk`.
    events = walk(stream, source, roots=("bom",), records=frozenset({"metadata", "component", "vulnerability"}),
                  contexts=frozenset({"bom"}), format_name="CycloneDX XML", notes=notes,
                  parents={"metadata": "bom", "component": "components", "vulnerability": "vulnerabilities"})
    reader = _Reader(source)
    for event in events:
        tag = local_name(event.element.tag)
        if tag == "bom":
            if event.kind == "start" and not event.element.tag.startswith("{" + NAMESPACE):
                raise ScanFileError(source, f"<bom> is not in the CycloneDX namespace ({NAMESPACE}1.x): "
                                    "not a CycloneDX file", element=event.path)
        elif tag == "metadata":
            yield Part("metadata", reader.metadata(event.element, event.path), event.path)
        elif tag == "component":
            component, vulnerabilities = reader.component(event.element, event.path)
            yield Part("component", component, event.path)
            yield from vulnerabilities
        else:
            yield Part("vulnerability", reader.vulnerability(event.element, event.path), event.path)


class _Reader:
    """XML elements to the JSON shape of the same BOM, refusing bad values with the element path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> ScanFileError:
        return ScanFileError(self.source, message, element=path)

    def metadata(self, element: Element, path: str) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        for child in element:
            name = local_name(child.tag)
            if name == "component":
                metadata["component"], _ = self.component(child, f"{path}/component")
            elif _has_content(child):
                metadata[name] = True  # present, not read: `Bom` notes it as ignored
        return metadata

    def component(self, element: Element, path: str) -> tuple[dict[str, Any], list[Part]]:
        """The component (with nested ones) and the extension vulnerabilities found inside it."""
        component: dict[str, Any] = {
            "bom-ref": element.get("bom-ref", "").strip(),
            "name": _text(element, "name"),
            "version": _text(element, "version"),
            "purl": _text(element, "purl"),
        }
        # A vulnerability inside a component (1.0 extension) affects that component.
        target = component["bom-ref"] or component["purl"] or component_name(component)
        nested: list[dict[str, Any]] = []
        found: list[Part] = []
        for child in element:
            name = local_name(child.tag)
            if name == "components":
                for number, item in enumerate(_all(child, "component"), start=1):
                    inner, inner_found = self.component(item, f"{path}/components/component[{number}]")
                    nested.append(inner)
                    found.extend(inner_found)
            elif name == "vulnerabilities":
                for number, item in enumerate(_all(child, "vulnerability"), start=1):
                    where = f"{path}/vulnerabilities/vulnerability[{number}]"
                    vulnerability = self.vulnerability(item, where)
                    vulnerability.setdefault("affects", [{"ref": target}])
                    found.append(Part("vulnerability", vulnerability, where))
        component["components"] = nested
        return component, found

    def vulnerability(self, element: Element, path: str) -> dict[str, Any]:
        vulnerability: dict[str, Any] = {"id": _text(element, "id")}
        if not vulnerability["id"]:
            raise self.fail(f"{path}/id", "missing: a vulnerability names its id")
        vulnerability["references"] = [{"id": _text(item, "id")} for item in _nested(element, "references", "reference")]
        vulnerability["ratings"] = [
            self._rating(item, f"{path}/ratings/rating[{number}]")
            for number, item in enumerate(_nested(element, "ratings", "rating"), start=1)
        ]
        cwes = [_text_of(item) for item in _nested(element, "cwes", "cwe")] + [_text_of(item) for item in _all(element, "cwe")]
        vulnerability["cwes"] = [cwe for cwe in cwes if cwe]
        for name in ("description", "detail", "recommendation", "workaround"):
            vulnerability[name] = _text(element, name)
        recommendations = [_text_of(item) for item in _nested(element, "recommendations", "recommendation")]
        if any(recommendations):  # the 1.0 extension lists them
            vulnerability["recommendation"] = "\n".join(
                text for text in (vulnerability["recommendation"], *recommendations) if text)
        analysis = _first(element, "analysis")
        if analysis is not None:
            vulnerability["analysis"] = {
                "state": _text(analysis, "state"),
                "justification": _text(analysis, "justification"),
                "detail": _text(analysis, "detail"),
                "response": [_text_of(item) for item in _nested(analysis, "responses", "response")],
            }
        targets = list(_nested(element, "affects", "target"))
        if targets:
            vulnerability["affects"] = [self._target(item, f"{path}/affects/target[{number}]")
                                        for number, item in enumerate(targets, start=1)]
        for child in element:
            name = local_name(child.tag)
            if name not in _READ and _has_content(child):
                vulnerability[name] = True  # present, not read: `Bom` notes it as ignored
        return vulnerability

    def _rating(self, element: Element, path: str) -> dict[str, Any]:
        score_element = _first(element, "score")
        text = ""
        if score_element is not None:
            # 1.4+ writes <score>9.8</score>; the 1.0 extension <score><base>9.8</base>...</score>.
            base = _first(score_element, "base")
            text = _text_of(base if base is not None else score_element)
        rating: dict[str, Any] = {"method": _text(element, "method"), "severity": _text(element, "severity"),
                                  "vector": _text(element, "vector")}
        if text:
            where = f"{path}/score" + ("/base" if score_element is not None and _first(score_element, "base") is not None else "")
            try:
                score = float(text)
            except ValueError:
                raise self.fail(where, f"not a number: {text!r}") from None
            if not 0.0 <= score <= 10.0:
                raise self.fail(where, f"{text} is out of range 0-10")
            rating["score"] = score
        return rating

    def _target(self, element: Element, path: str) -> dict[str, Any]:
        ref = _text(element, "ref")
        if not ref:
            raise self.fail(f"{path}/ref", "missing: an affected target names its component's bom-ref")
        target: dict[str, Any] = {"ref": ref}
        if _first(element, "versions") is not None:
            target["versions"] = True
        return target


def _all(element: Element, name: str) -> Iterator[Element]:
    """Children named `name` in any namespace (the BOM's version, or the extension's)."""
    return (child for child in element if local_name(child.tag) == name)


def _first(element: Element, name: str) -> Element | None:
    return next(_all(element, name), None)


def _nested(element: Element, outer: str, inner: str) -> Iterator[Element]:
    holder = _first(element, outer)
    return _all(holder, inner) if holder is not None else iter(())


def _text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split()) if len(element) else (element.text or "").strip()


def _text(element: Element, name: str) -> str:
    child = _first(element, name)
    return _text_of(child) if child is not None else ""


def _has_content(element: Element) -> bool:
    return bool(len(element) or (element.text or "").strip() or element.attrib)
