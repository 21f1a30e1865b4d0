"""The posture page of the board pack: the latest NIST CSF 2.0 profile (current, target, benchmark per
function, as a radar and a table), the organisation's tier, and the widest category gaps to target with
the initiatives that advance them. Read through `selectors.headline`, so it says what /posture/ says."""

from __future__ import annotations

from typing import Any

from accord.packs.sections import PackInput, SectionResult, board_section

WIDEST_GAPS = 5


def _figures(profile: Any) -> dict[str, Any]:
    document = profile.as_document()
    gaps = sorted((c for c in document["categories"] if c["gap_to_target"] is not None),
                  key=lambda c: (-c["gap_to_target"], c["id"]))
    document["widest_gaps"] = [c for c in gaps if c["gap_to_target"] > 0][:WIDEST_GAPS]
    document.pop("categories")
    return document


@board_section("posture", title="Security posture: NIST CSF 2.0 profile", order=45,
               template="posture/pack_section.html", new_page=True)
def posture_section(pack: PackInput) -> SectionResult:
    from accord.posture import selectors

    profile = selectors.headline(pack.viewer)
    if profile is None:
        return SectionResult({"as_of": pack.as_of.isoformat(), "assessment": None})
    from accord.reports.charts import svg_data_uri

    return SectionResult(_figures(profile), {"radar": svg_data_uri(profile.radar())})
