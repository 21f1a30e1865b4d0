"""SSVC: all 36 rows of CISA's tree, the Mission & Well-being table, and evidence-based points."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from accord.engine.vulns.errors import InvalidInput
from accord.engine.vulns.ssvc import (
    CISA_TREE,
    Decision,
    DecisionPoint,
    Evidence,
    KevListing,
    Override,
    SsvcPolicy,
    decide,
    derive_decision_points,
    evaluate,
    mission_wellbeing_of,
)

# CISA Coordinator decision table (SSVC "CISA Levels"), row by row as CISA publishes it:
# exploitation, automatable, technical impact, mission & well-being -> decision.
CISA_ROWS = [
    ("none", "no", "partial", "low", "track"),
    ("none", "no", "partial", "medium", "track"),
    ("none", "no", "partial", "high", "track"),
    ("none", "no", "total", "low", "track"),
    ("none", "no", "total", "medium", "track"),
    ("none", "no", "total", "high", "track*"),
    ("none", "yes", "partial", "low", "track"),
    ("none", "yes", "partial", "medium", "track"),
    ("none", "yes", "partial", "high", "attend"),
    ("none", "yes", "total", "low", "track"),
    ("none", "yes", "total", "medium", "track"),
    ("none", "yes", "total", "high", "attend"),
    ("public poc", "no", "partial", "low", "track"),
    ("public poc", "no", "partial", "medium", "track"),
    ("public poc", "no", "partial", "high", "track*"),
    ("public poc", "no", "total", "low", "track"),
    ("public poc", "no", "total", "medium", "track*"),
    ("public poc", "no", "total", "high", "attend"),
    ("public poc", "yes", "partial", "low", "track"),
    ("public poc", "yes", "partial", "medium", "track"),
    ("public poc", "yes", "partial", "high", "attend"),
    ("public poc", "yes", "total", "low", "track"),
    ("public poc", "yes", "total", "medium", "track*"),
    ("public poc", "yes", "total", "high", "attend"),
    ("active", "no", "partial", "low", "track"),
    ("active", "no", "partial", "medium", "track"),
    ("active", "no", "partial", "high", "attend"),
    ("active", "no", "total", "low", "track"),
    ("active", "no", "total", "medium", "attend"),
    ("active", "no", "total", "high", "act"),
    ("active", "yes", "partial", "low", "attend"),
    ("active", "yes", "partial", "medium", "attend"),
    ("active", "yes", "partial", "high", "act"),
    ("active", "yes", "total", "low", "attend"),
    ("active", "yes", "total", "medium", "act"),
    ("active", "yes", "total", "high", "act"),
]

PUBLISHED_CSV = Path("/work/shared/reference/standards/ssvc_cisa_table.csv")


def test_the_table_has_36_distinct_rows() -> None:
    assert len(CISA_ROWS) == 36 == len({row[:4] for row in CISA_ROWS}) == len(CISA_TREE)


@pytest.mark.parametrize("row", CISA_ROWS, ids=lambda row: "/".join(row[:4]))
def test_every_row(row: tuple[str, str, str, str, str]) -> None:
    exploitation, automatable, impact, mission, expected = row
    assert decide(exploitation, automatable, impact, mission) == Decision(expected)


@pytest.mark.skipif(not PUBLISHED_CSV.exists(), reason="CERT/CC's published table is not on this machine")
def test_matches_the_published_cert_cc_file() -> None:
    with PUBLISHED_CSV.open(newline="") as handle:
        published = [tuple(list(record.values())[1:]) for record in csv.DictReader(handle)]
    assert published == CISA_ROWS


def test_values_are_accepted_in_common_spellings() -> None:
    assert decide("Public-PoC", "YES", "Total", "High") == Decision.ATTEND
    assert decide("public_poc", "no", "total", "medium") == Decision.TRACK_STAR


def test_bad_value_names_the_decision_point() -> None:
    with pytest.raises(InvalidInput) as caught:
        decide("active", "maybe", "total", "high")
    assert caught.value.path == "automatable" and "no, yes" in caught.value.message


@pytest.mark.parametrize(
    ("prevalence", "wellbeing", "expected"),
    [
        ("minimal", "minimal", "low"),
        ("minimal", "material", "medium"),
        ("minimal", "irreversible", "high"),
        ("support", "minimal", "medium"),
        ("support", "material", "medium"),
        ("support", "irreversible", "high"),
        ("essential", "minimal", "high"),
        ("essential", "material", "high"),
        ("essential", "irreversible", "high"),
    ],
)
def test_mission_and_wellbeing_table(prevalence: str, wellbeing: str, expected: str) -> None:
    assert mission_wellbeing_of(prevalence, wellbeing).value == expected


CRITICAL_NETWORK = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def points(evidence: Evidence, policy: SsvcPolicy | None = None) -> dict[str, tuple[str, str]]:
    return {item.point.value: (item.value, item.reason) for item in derive_decision_points(evidence, policy)}


def test_kev_listing_means_active_exploitation() -> None:
    evidence = Evidence(
        kev=(KevListing("CVE-2024-4577", date(2024, 6, 12)), KevListing("CVE-2024-0001", date(2024, 1, 5))),
        epss=0.01,
        cvss_vector=CRITICAL_NETWORK,
        mission_wellbeing="high",
        mission_source="service ERP (essential)",
    )
    outcome = evaluate(evidence)
    assert outcome.decision == Decision.ACT
    value, reason = points(evidence)["exploitation"]
    assert value == "active" and reason == "CVE-2024-0001 listed in KEV since 2024-01-05"
    assert outcome.explanation().startswith(
        "act because: exploitation active (CVE-2024-0001 listed in KEV since 2024-01-05)"
    )
    assert "automatable yes (network, no privileges, no user interaction)" in outcome.explanation()
    assert "mission wellbeing high (service ERP (essential))" in outcome.explanation()


def test_scanner_exploit_or_epss_means_public_poc() -> None:
    scanner = points(Evidence(exploit_available=True, exploit_evidence="Metasploit"))["exploitation"]
    assert scanner == ("public_poc", "scanner reports a public exploit: Metasploit")
    epss = points(Evidence(epss=0.25, epss_cve="CVE-2023-48795"))["exploitation"]
    assert epss == ("public_poc", "EPSS 0.250 for CVE-2023-48795 at or above the 0.100 threshold")
    at_threshold = points(Evidence(epss=0.1))["exploitation"]
    assert at_threshold[0] == "public_poc"
    below = points(Evidence(epss=0.25), SsvcPolicy(epss_threshold=0.5))["exploitation"]
    assert below == ("none", "not in KEV, no exploit reported, EPSS 0.250 below the 0.500 threshold")
    assert points(Evidence())["exploitation"] == ("none", "not in KEV, no exploit reported, no EPSS score")


@pytest.mark.parametrize(
    ("vector", "automatable", "reason"),
    [
        (CRITICAL_NETWORK, "yes", "network, no privileges, no user interaction"),
        ("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "no", "needs adjacent network"),
        (
            "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H",
            "no",
            "needs low privileges, needs user interaction",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "yes",
            "network, no privileges, no user interaction",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "no",
            "needs passive user interaction",
        ),
    ],
)
def test_automatable_from_the_vector(vector: str, automatable: str, reason: str) -> None:
    assert points(Evidence(cvss_vector=vector))["automatable"] == (automatable, reason)


@pytest.mark.parametrize(
    ("vector", "impact"),
    [
        (CRITICAL_NETWORK, "total"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L", "partial"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "total"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", "partial"),
    ],
)
def test_technical_impact_total_only_when_cia_all_high(vector: str, impact: str) -> None:
    assert points(Evidence(cvss_vector=vector))["technical_impact"][0] == impact


def test_defaults_when_evidence_is_missing() -> None:
    derived = points(Evidence())
    assert derived["automatable"] == ("no", "no CVSS vector: policy default")
    assert derived["technical_impact"] == ("partial", "no CVSS vector: policy default")
    assert derived["mission_wellbeing"][0] == "medium"
    assert "no business service" in derived["mission_wellbeing"][1]
    assert evaluate(Evidence()).decision == Decision.TRACK


def test_analyst_override_keeps_the_derived_reason() -> None:
    evidence = Evidence(
        cvss_vector=CRITICAL_NETWORK,
        mission_wellbeing="low",
        overrides={
            DecisionPoint.AUTOMATABLE: Override("no", "behind the VPN, needs a valid client certificate")
        },
    )
    outcome = evaluate(evidence)
    automatable = next(item for item in outcome.points if item.point == DecisionPoint.AUTOMATABLE)
    assert (automatable.value, automatable.source) == ("no", "override")
    assert "behind the VPN" in automatable.reason and "derived: yes" in automatable.reason
    with pytest.raises(InvalidInput, match=r"overrides\.automatable\.reason"):
        evaluate(Evidence(overrides={DecisionPoint.AUTOMATABLE: Override("no", " ")}))
    with pytest.raises(InvalidInput, match=r"overrides\.exploitation\.value"):
        evaluate(Evidence(overrides={DecisionPoint.EXPLOITATION: Override("rumoured", "x")}))


def test_policy_validation() -> None:
    with pytest.raises(InvalidInput, match="epss_threshold"):
        SsvcPolicy(epss_threshold=0.0)


def test_bad_vector_in_evidence_is_refused() -> None:
    with pytest.raises(InvalidInput, match="vector"):
        evaluate(Evidence(cvss_vector="AV:N/AC:L"))


def test_evidence_from_a_finding_and_feeds() -> None:
    from accord.engine.vulns.enrich import evidence_for, kev_due
    from accord.engine.vulns.records import ScanFinding, Severity
    from accord.engine.vulns.sla import due_date

    finding = ScanFinding(
        source_format="nessus",
        scanner="nessus",
        rule_id="200162",
        title="PHP",
        severity=Severity.CRITICAL,
        ip="10.20.0.15",
        cves=("CVE-2024-4577", "CVE-2024-5458"),
        cvss3_vector="CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        epss=0.5,
        exploit_available=True,
        exploit_evidence="Metasploit",
    )
    kev = {"CVE-2024-4577": KevListing("CVE-2024-4577", date(2024, 6, 12), date(2024, 7, 3))}
    evidence = evidence_for(
        finding, kev=kev, epss={"CVE-2024-5458": 0.02, "CVE-2024-4577": 0.94}, mission_wellbeing="medium"
    )
    assert (evidence.epss, evidence.epss_cve) == (0.94, "CVE-2024-4577")
    assert evaluate(evidence).decision == Decision.ACT  # active, automatable, total, medium
    assert kev_due(evidence) == date(2024, 7, 3)
    assert due_date("act", date(2024, 7, 1), kev_due=kev_due(evidence)).due == date(2024, 7, 8)  # a reference
    unscored = evidence_for(finding, kev={}, epss={}, mission_wellbeing=None)
    assert (unscored.epss, unscored.epss_cve, kev_due(unscored)) == (0.5, "", None)  # scanner's EPSS
    assert evaluate(unscored).value_of(DecisionPoint.EXPLOITATION) == "public_poc"
