"""The CSF 2.0 core Accord ships: counts per function, identifiers, titles, informative references,
and the shipped file valid against the OSCAL catalogue schema."""

from __future__ import annotations

import re

from accord.posture import oscal
from accord.posture.frameworks import csf, csf_document

EXPECTED_PER_FUNCTION = {"GV": 31, "ID": 21, "PR": 22, "DE": 11, "RS": 13, "RC": 8}


def test_counts_per_function():
    framework = csf()
    assert framework.counts() == {"functions": 6, "categories": 22, "subcategories": 106}
    assert {f.id: len(f.subcategories) for f in framework.functions} == EXPECTED_PER_FUNCTION
    assert [f.id for f in framework.functions] == list(EXPECTED_PER_FUNCTION)
    assert [f.title for f in framework.functions] == ["Govern", "Identify", "Protect", "Detect", "Respond", "Recover"]


def test_identifiers_and_titles():
    framework = csf()
    ids = framework.subcategory_ids()
    assert len(set(ids)) == 106
    assert all(re.fullmatch(r"(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-\d{2}", i) for i in ids)
    assert ids[0] == "GV.OC-01" and ids[-1] == "RC.CO-04"
    assert [c.id for c in framework.categories()][:6] == ["GV.OC", "GV.RM", "GV.RR", "GV.PO", "GV.OV", "GV.SC"]
    by_id = {s.id: s for s in framework.subcategories()}
    assert by_id["GV.OC-01"].title == "The organizational mission is understood and informs cybersecurity risk management"
    assert by_id["PR.AA-01"].category_id == "PR.AA" and by_id["PR.AA-01"].function_id == "PR"
    # CSF 1.1 leftovers NIST withdrew are not there (PR.AC-01 became PR.AA-01...; ID.AM-06 was withdrawn).
    assert "PR.AC-01" not in by_id and "ID.AM-06" not in by_id
    categories = {c.id: c for c in framework.categories()}
    assert categories["GV.SC"].title == "Cybersecurity Supply Chain Risk Management"


def test_informative_references_by_identifier():
    framework = csf()
    refs = framework.references
    assert refs["GV.OC-01"]["NIST SP 800-53 Rev. 5"] == ["PM-11"]
    assert refs["GV.OC-01"]["NIST CSF 1.1"] == ["ID.BE-2", "ID.BE-3"]
    assert "ISO/IEC 27001:2022 Annex A" in refs["GV.OC"]
    document = framework.as_document()
    first = document["functions"][0]["categories"][0]["subcategories"][0]
    assert first["id"] == "GV.OC-01" and first["informative_references"]["NIST SP 800-53 Rev. 5"] == ["PM-11"]


def test_the_shipped_catalogue_is_valid_oscal():
    assert oscal.schema_problems(csf_document(), "catalog") == []
