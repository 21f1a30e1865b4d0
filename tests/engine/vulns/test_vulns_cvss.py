"""CVSS scores against FIRST's published v3.1 and v4.0 examples."""

from __future__ import annotations

import pytest

from accord.engine.vulns.cvss import score_vector
from accord.engine.vulns.errors import InvalidInput

# (vector, score, severity) from FIRST's CVSS v3.1 Examples document.
FIRST_V31 = [
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, "Medium"),  # CVE-2013-0375 MySQL SQLi
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, "Low"),  # CVE-2014-3566 POODLE
    ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2, "Medium"),  # CVE-2009-0783 Tomcat
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, "High"),  # CVE-2014-0160 Heartbleed
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, "Medium"),  # CVE-2008-1447 Kaminsky
    ("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, "Medium"),  # CVE-2014-2005 Sophos
    ("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3, "Critical"),  # CVE-2013-6014 Juniper
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, "Critical"),  # CVE-2012-5376 Chrome
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, "Critical"),  # CVE-2019-7551 Cantemo
    ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 8.2, "High"),  # CVE-2016-5729 ThinkPwn
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N", 4.2, "Medium"),  # CVE-2019-0884
]

# (vector, score, nomenclature, severity) from FIRST's CVSS v4.0 Examples document.
FIRST_V40 = [
    ("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, "CVSS-B", "High"),
    ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 5.2, "CVSS-BT", "Medium"),
    (
        "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/MVI:L/MVA:L",
        8.1,
        "CVSS-BE",
        "High",
    ),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1, "CVSS-B", "Medium"),
    ("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.4, "CVSS-B", "Critical"),
    ("CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N/S:P/V:D", 8.3, "CVSS-B", "High"),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 10.0, "CVSS-BT", "Critical"),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L/E:U", 6.6, "CVSS-BT", "Medium"),
    ("CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:U", 5.6, "CVSS-BT", "Medium"),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:P/AU:Y/V:C/RE:L",
        9.4,
        "CVSS-B",
        "Critical",
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P/CR:L/IR:H/AR:L/MAV:L/MAC:H/MAT:N"
        "/MPR:N/MUI:N/MVC:N/MVI:H/MVA:L/MSC:N/MSI:S/MSA:L",
        7.0,
        "CVSS-BTE",
        "High",
    ),
    ("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/MSI:S/S:P", 9.7, "CVSS-BE", "Critical"),
]


@pytest.mark.parametrize(("vector", "score", "severity"), FIRST_V31)
def test_first_v31_examples(vector: str, score: float, severity: str) -> None:
    result = score_vector(vector)
    assert (result.version, result.score, result.severity, result.nomenclature) == (
        "3.1",
        score,
        severity,
        "base",
    )
    assert (result.base_score, result.base_severity) == (score, severity)


@pytest.mark.parametrize(("vector", "score", "nomenclature", "severity"), FIRST_V40)
def test_first_v40_examples(vector: str, score: float, nomenclature: str, severity: str) -> None:
    result = score_vector(vector)
    assert (result.version, result.score, result.nomenclature, result.severity) == (
        "4.0",
        score,
        nomenclature,
        severity,
    )


def test_v40_base_score_ignores_threat_metrics() -> None:
    # FIRST lists the same vector as CVSS-B 7.7 and, with E:U, as CVSS-BT 5.2.
    result = score_vector("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U")
    assert (result.base_score, result.base_severity) == (7.7, "High")


def test_v3_temporal_and_environmental_groups() -> None:
    temporal = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C")
    assert (temporal.nomenclature, temporal.score, temporal.base_score) == ("temporal", 8.8, 9.8)
    environmental = score_vector(
        "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/MAV:A/MAC:L/MPR:N/MS:U/CR:L/IR:H"
    )
    assert (environmental.nomenclature, environmental.score, environmental.base_score) == (
        "environmental",
        8.0,
        7.8,
    )


def test_v30_and_zero_impact() -> None:
    assert score_vector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").version == "3.0"
    zero = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")
    assert (zero.score, zero.severity) == (0.0, "None")


@pytest.mark.parametrize(
    ("vector", "fragment"),
    [
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "must start with"),
        ("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "must start with"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", 'Missing mandatory metrics "A"'),
        ("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:Q"),
        ("CVSS:4.0/AV:N/AC:L", "Missing mandatory"),
        ("", "must start with"),
    ],
)
def test_bad_vectors_are_refused_clearly(vector: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        score_vector(vector)
    assert caught.value.path == "vector" and fragment in caught.value.message
