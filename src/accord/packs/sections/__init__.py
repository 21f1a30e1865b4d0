"""The board pack's sections: a registry other apps add pages to.

A section is a function that reads the figures it prints (through the owning apps' selectors, as
the person who asked for the pack) and returns them twice: `figures`, plain JSON stored with the pack
and reported by the API and the command line, and `context`, what its print template needs beyond
them (charts as SVG). The pack prints the sections in `order`; the audit anchor is always last.

    from accord.packs.sections import PackInput, SectionResult, board_section

    @board_section("vendors", title="Vendors", order=65, template="vendors/pack_section.html")
    def vendors_section(pack: PackInput) -> SectionResult:
        ...

An app registers its sections when it is ready (its AppConfig.ready imports the module).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from accord.core.permissions import Actor
from accord.packs.periods import Quarter


@dataclass(frozen=True)
class PackInput:
    """What every section reads with: who asked (their permissions), the quarter, the day the figures
    are read, and the organisation's currency."""

    viewer: Actor
    quarter: Quarter
    as_of: date
    currency: str


@dataclass
class SectionResult:
    figures: dict[str, Any]  # plain JSON: stored with the pack, reported by the API
    context: dict[str, Any] = field(default_factory=dict)  # for the template only (charts)


SectionBuilder = Callable[[PackInput], SectionResult]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    template: str
    build: SectionBuilder
    new_page: bool = False  # start the section on a fresh page of the PDF


SECTIONS: dict[str, Section] = {}


def board_section(key: str, *, title: str, order: int, template: str,
                  new_page: bool = False) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register a section of the board pack (a second registration under the same key replaces it)."""
    def decorate(build: SectionBuilder) -> SectionBuilder:
        SECTIONS[key] = Section(key, title, order, template, build, new_page)
        return build

    return decorate


def sections_in_order() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))

