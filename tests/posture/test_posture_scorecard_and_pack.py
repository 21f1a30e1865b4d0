"""The posture area's scorecard KRIs (gap to target, gap to benchmark) and its board-pack page read the
same figures as /posture/ and the API."""

from __future__ import annotations

from datetime import date

from accord.core import clock
from accord.metrics import selectors as metrics
from accord.packs.periods import quarter_of
from accord.packs.sections import SECTIONS, PackInput
from accord.posture import selectors, services
from accord.reports import render_html


def _scored(people):
    a = services.create_assessment(actor=people["ciso"], title="Q4 2026", assessed_on=date(2026, 11, 30), tier=2)
    for sub, current, target in (("PR.AA-01", 1, 4), ("PR.AA-02", 2, 3), ("GV.OC-01", 3, 3)):
        services.set_score(actor=people["ciso"], assessment=a, subcategory=sub, current=current, target=target)
    return a


def test_scorecard_kris(people):
    empty = {m.key: m for m in metrics.scorecard(people["board"]).metrics}
    assert empty["csf_gap_to_target"].value is None  # no data, never 0
    _scored(people)
    card = {m.key: m for m in metrics.scorecard(people["board"]).metrics}
    profile = selectors.headline(people["board"])
    to_target, to_bench = card["csf_gap_to_target"], card["csf_gap_to_benchmark"]
    assert to_target.kind == "kri" and to_target.unit == "points"
    assert to_target.value == profile.rolled.overall.gap_to_target == 1.33  # (10/3) - (6/3) rounded: 3.33 - 2.0
    assert to_target.display == "1.33 points" and to_target.status == "red"  # red from 1.0
    assert to_bench.value == profile.rolled.overall.gap_to_benchmark
    assert "SYNTHETIC" in to_bench.detail


def test_board_pack_page(people):
    section = SECTIONS["posture"]
    today = clock.today()
    pack = PackInput(viewer=people["board"], quarter=quarter_of(today), as_of=today, currency="EUR")
    nothing = section.build(pack)
    assert nothing.figures["assessment"] is None
    _scored(people)
    result = section.build(pack)
    figures = result.figures
    assert figures["overall"] == selectors.headline(people["board"]).rolled.overall.as_dict()
    assert figures["assessment"]["tier_label"] == "Tier 2: Risk Informed"
    assert [g["id"] for g in figures["widest_gaps"]] == ["PR.AA"]
    assert result.context["radar"].startswith("data:image/svg+xml;base64,")
    html = render_html(section.template, {"f": figures, "c": result.context})
    assert "SYNTHETIC" in html and "Widest gaps to target" in html and "PR.AA" in html
