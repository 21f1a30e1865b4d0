"""The board pack's sections are a registry: another app adds a page, it is printed in its order and
its figures are stored and reported with the rest."""

from __future__ import annotations

import pytest

from accord.core import clock
from accord.packs import services
from accord.packs.models import BoardPack
from accord.packs.periods import quarter_of
from accord.packs.sections import SECTIONS, PackInput, SectionResult, board_section, sections_in_order


@pytest.fixture
def vendors_section():
    """A section as the vendors app of a later issue would add it (its template: the decisions one,
    which prints `f.rows` as questions)."""

    @board_section("vendors_test", title="Vendors reviewed", order=70, template="packs/print/decisions.html")
    def build(pack: PackInput) -> SectionResult:
        return SectionResult({"as_of": pack.as_of.isoformat(), "from": str(pack.quarter.start),
                              "until": str(pack.quarter.end),
                              "rows": [{"question": f"Renew the contract of Acme Cloud for {pack.quarter}?",
                                        "background": "", "options": [], "recommendation": "Yes.", "url": ""}]})

    yield build
    del SECTIONS["vendors_test"]


def test_the_built_in_sections_print_in_order():
    # "posture" is registered by the posture app (the CSF profile), the others by the packs app
    assert [s.key for s in sections_in_order()] == ["bottom_line", "top_scenarios", "kris", "kpis", "posture",
                                                     "portfolio", "incidents", "decisions"]


def test_a_section_another_app_registers_is_printed_and_reported(vendors_section, people, api_as, text_of):
    quarter = quarter_of(clock.today())
    assert [s.key for s in sections_in_order()][-2:] == ["vendors_test", "decisions"]
    pack = services.request_board_pack(actor=people["ciso"], period=str(quarter))
    figures = api_as(people["board"]).get(f"/reports/{pack.pk}").json()["figures"]
    assert figures["section_titles"]["vendors_test"] == "Vendors reviewed"
    assert figures["sections"]["vendors_test"]["rows"][0]["question"] == f"Renew the contract of Acme Cloud for {quarter}?"
    words = text_of(bytes(BoardPack.objects.get(pk=pack.pk).pdf))
    assert words.index("Incidents and lessons") < words.index("Vendors reviewed") \
        < words.index("Decisions requested from the board")
    assert f"Renew the contract of Acme Cloud for {quarter}?" in words
