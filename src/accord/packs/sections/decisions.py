"""The last section before the audit anchor: the decisions the steering committee asks the board to
take, read from the committee's decision log (accord.steering). A pack covers the requests referred
from the quarter's first day to the day it is printed, so a pack of a closed quarter, printed for
the board meeting that follows it, also carries what was referred since."""

from __future__ import annotations

from accord.packs.sections import PackInput, SectionResult, board_section
from accord.steering import selectors as steering


@board_section("decisions", title="Decisions requested from the board", order=90,
               template="packs/print/decisions.html")
def decisions_section(pack: PackInput) -> SectionResult:
    until = pack.as_of  # never before the quarter's first day: a pack is printed once its quarter has begun
    requests = steering.decisions_requested_from_board(pack.quarter.start, until)
    rows = [{"question": r.question, "background": r.background, "options": list(r.options),
             "recommendation": r.recommendation, "url": r.url} for r in requests]
    return SectionResult({"as_of": pack.as_of.isoformat(), "from": pack.quarter.start.isoformat(),
                          "until": until.isoformat(), "rows": rows})
