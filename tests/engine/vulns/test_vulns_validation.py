"""The one validation every reader shares (`read_scan`), CVSS prefixes, the repeat rule, parse notes."""

from __future__ import annotations

import dataclasses
import io

import pytest

from accord.engine.vulns.cvss import vector_version, with_prefix
from accord.engine.vulns.dedup import Repeats, summary
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import MAX_IGNORED_NAMES, OTHER_IGNORED, ParseNotes
from accord.engine.vulns.records import ScanFinding, Severity
from accord.engine.vulns.validate import validated

BASE = ScanFinding(source_format="csv", scanner="s", rule_id="r", title="t", severity=Severity.HIGH,
                   hostname="h", origin="line 7")  # fmt: skip


def check(**changes: object) -> tuple[list[ScanFinding], ParseNotes]:
    notes = ParseNotes()
    return list(validated(iter([dataclasses.replace(BASE, **changes)]), source="f.csv", notes=notes)), notes


@pytest.mark.parametrize(
    ("vector", "version", "prefixed"),
    [
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        ("(AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N)", "3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"),
        ("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "4",
         "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        ("AV:N/AC:L/Au:N/C:C/I:C/A:C", "2", "AV:N/AC:L/Au:N/C:C/I:C/A:C"),
        ("CVSS2#AV:N/AC:H/Au:S/C:N/I:P/A:N", "2", "CVSS2#AV:N/AC:H/Au:S/C:N/I:P/A:N"),
        ("garbage", "", "garbage"),
    ],
)  # fmt: skip
def test_the_metrics_say_which_version(vector: str, version: str, prefixed: str) -> None:
    assert vector_version(vector) == version
    assert with_prefix(vector) == prefixed


def test_vectors_are_normalised_moved_to_their_field_or_set_aside() -> None:
    (finding,), notes = check(cvss3_vector="AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert finding.cvss3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" and notes.notes
    v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    (finding,), _ = check(cvss3_vector=v4)
    assert (finding.cvss3_vector, finding.cvss4_vector) == ("", v4)
    (finding,), notes = check(cvss3_vector="AV:N/AC:L/Au:N/C:C/I:C/A:C")
    assert finding.cvss3_vector == "" and "v2" in notes.notes[0]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cvss3_vector": "CVSS:3.1/AV:N/AC:L"}, "cvss3_vector"),
        ({"cvss4_vector": "AV:N/AT:Q"}, "cvss4_vector"),
        ({"port": 65_536}, "port"),
        ({"port": 2**31}, "port"),
        ({"port": -1}, "port"),
        ({"cvss3_score": float("nan")}, "cvss3_score"),
        ({"epss": float("inf")}, "epss"),
        ({"vpr": 11.0}, "vpr"),
        ({"title": "a\x00b"}, "title"),
        ({"evidence": "ok \ud800 lone surrogate"}, "evidence"),
        ({"hostname": "h\x00"}, "hostname"),
    ],
)
def test_what_no_database_can_hold_is_refused_with_the_line(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ScanFileError) as refused:
        check(**changes)
    assert refused.value.line == 7 and refused.value.message.startswith(f"{field}:")


def test_an_element_origin_is_named_as_the_element() -> None:
    with pytest.raises(ScanFileError) as refused:
        check(port=70_000, origin="/SCAN/IP[1]/VULNS[1]/CAT[1]/VULN[2]")
    assert refused.value.element == "/SCAN/IP[1]/VULNS[1]/CAT[1]/VULN[2]" and refused.value.line is None


def test_repeats_exact_and_with_other_details_are_told_apart() -> None:
    repeats, notes = Repeats(), ParseNotes()
    other_output = dataclasses.replace(BASE, evidence="another PHP", origin="line 9")
    same_again = dataclasses.replace(BASE, origin="line 8")
    firsts = [repeats.is_first(f.fingerprint(), f) for f in (BASE, same_again, other_output)]
    assert firsts == [True, False, False]
    document = summary(notes, repeats)
    assert (document["repeats_merged"], document["repeats_differing"]) == (2, 1)
    assert any("other details" in note for note in document["notes"])


def test_the_notes_stay_bounded() -> None:
    notes = ParseNotes()
    for index in range(MAX_IGNORED_NAMES + 5):
        notes.ignore(f"column {index}")
    assert len(notes.ignored) == MAX_IGNORED_NAMES + 1 and notes.ignored[OTHER_IGNORED] == 5


def test_xml_parts_without_findings_are_named_once_by_their_largest_part() -> None:
    from accord.engine.vulns.detect import read_scan

    data = b"""<?xml version="1.0"?>
<NessusClientData_v2><Policy><policyName>p</policyName><Preferences><x>1</x></Preferences></Policy>
<Report name="r"><ReportHost name="10.0.0.1"><HostProperties><tag name="os">linux</tag></HostProperties>
<ReportItem port="22" protocol="tcp" severity="2" pluginID="1" pluginName="x" svc_name="ssh"><risk_factor>Medium</risk_factor>
</ReportItem></ReportHost></Report></NessusClientData_v2>"""
    notes = ParseNotes()
    _, items = read_scan(io.BytesIO(data), source="s.nessus", notes=notes)
    assert len(list(items)) == 1
    assert dict(notes.ignored) == {
        "Policy": 1, "HostProperties/tag[@name=os]": 1, "ReportItem/risk_factor": 1, "ReportItem@svc_name": 1,
    }  # fmt: skip


def test_generic_csv_lists_its_x_columns() -> None:
    from accord.engine.vulns.detect import read_scan

    notes = ParseNotes()
    data = b"hostname,title,severity,x_ticket\nh1,t,high,JIRA-1\nh2,t,high,\n"
    _, items = read_scan(io.BytesIO(data), source="g.csv", notes=notes)
    assert len(list(items)) == 2 and dict(notes.ignored) == {"x_ticket": 1}
