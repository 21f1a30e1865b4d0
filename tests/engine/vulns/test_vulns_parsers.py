"""Each scanner parser on small fixtures written in the real formats."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from accord.engine.vulns.detect import detect_format, read_scan
from accord.engine.vulns.parsers import PARSERS, ScanFormat
from accord.engine.vulns.records import ScanFinding, Severity

FIXTURES = Path(__file__).parent / "fixtures"


def findings(name: str, fmt: ScanFormat, **options: object) -> list[ScanFinding]:
    with (FIXTURES / name).open("rb") as stream:
        return list(PARSERS[fmt](stream, source=name, **options))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("small.nessus", ScanFormat.NESSUS),
        ("nessus_current.csv", ScanFormat.NESSUS_CSV),
        ("nessus_legacy.csv", ScanFormat.NESSUS_CSV),
        ("greenbone.xml", ScanFormat.OPENVAS),
        ("qualys.csv", ScanFormat.QUALYS),
        ("code.sarif", ScanFormat.SARIF),
        ("sbom.cdx.json", ScanFormat.CYCLONEDX),
        ("generic.csv", ScanFormat.CSV),
    ],
)
def test_format_is_detected_from_content(name: str, fmt: ScanFormat) -> None:
    head = (FIXTURES / name).read_bytes()[:4096]
    assert detect_format(head, name) == fmt
    with (FIXTURES / name).open("rb") as stream:
        chosen, items = read_scan(stream, source=name)
        assert chosen == fmt
        assert list(items) == findings(name, fmt)


def test_nessus_xml() -> None:
    info, php, ssh = findings("small.nessus", ScanFormat.NESSUS)
    assert (info.severity, info.rule_id, info.port) == (Severity.INFO, "19506", 0)
    assert (php.hostname, php.ip, php.port, php.protocol) == (
        "erp-db-01.corp.example",
        "10.20.0.15",
        443,
        "tcp",
    )
    assert php.title == "PHP 8.2.x < 8.2.20 Multiple Vulnerabilities"
    assert php.severity == Severity.CRITICAL
    assert php.cves == ("CVE-2024-4577", "CVE-2024-5458")
    assert php.cvss3_vector == "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert (php.cvss3_score, php.cvss4_score, php.vpr, php.epss) == (9.8, 9.3, 9.6, 0.9438)
    assert php.exploit_available is True
    assert php.exploit_evidence == "Metasploit, CANVAS"
    assert "Fixed version     : 8.2.20" in php.evidence
    assert php.first_seen == datetime(2024, 6, 3, 15, 0, tzinfo=UTC)
    assert php.last_seen == datetime(2024, 6, 3, 16, 0, tzinfo=UTC)
    assert php.origin == "/NessusClientData_v2/Report[1]/ReportHost[1]/ReportItem[2]"
    # A host named by IP with no HostProperties.
    assert (ssh.hostname, ssh.ip, ssh.exploit_available, ssh.first_seen) == ("", "10.20.0.16", False, None)
    assert ssh.origin.endswith("ReportHost[2]/ReportItem[1]")


def test_nessus_csv_current_export_without_decimal_points() -> None:
    first, second, third = findings("nessus_current.csv", ScanFormat.NESSUS_CSV)
    assert (first.rule_id, first.cves, first.ip, first.port) == (
        "200162",
        ("CVE-2024-4577",),
        "10.20.0.15",
        443,
    )
    # 98 -> 9.8, 93 -> 9.3, 96 -> 9.6, EPSS 9438 -> 0.9438
    assert (first.cvss3_score, first.cvss4_score, first.vpr, first.epss) == (9.8, 9.3, 9.6, 0.9438)
    assert first.exploit_available is True and first.exploit_evidence == "Metasploit, Core Impact, CANVAS"
    assert first.description == "The remote PHP is affected."  # the synopsis
    assert first.evidence.startswith("Installed version")
    assert first.origin == "line 2"
    # Same plugin, second CVE: a separate finding; EPSS 412 -> 0.0412, 53 -> 5.3
    assert (second.cves, second.cvss3_score, second.epss) == (("CVE-2024-5458",), 5.3, 0.0412)
    assert second.origin == "line 5"  # the first row spans lines 2-4 (two cells hold a line break)
    assert (third.hostname, third.ip, third.severity) == ("web-01.corp.example", "", Severity.MEDIUM)
    assert third.exploit_available is False


def test_nessus_csv_legacy_13_columns() -> None:
    sweet32, traceroute = findings("nessus_legacy.csv", ScanFormat.NESSUS_CSV)
    assert (sweet32.rule_id, sweet32.severity, sweet32.port, sweet32.cves) == (
        "42873",
        Severity.HIGH,
        3389,
        ("CVE-2016-2183",),
    )
    assert sweet32.exploit_available is None  # the old layout says nothing about exploits
    assert (traceroute.severity, traceroute.protocol, traceroute.cves) == (Severity.INFO, "udp", ())


def test_nessus_csv_decimal_export_is_read_as_written() -> None:
    header = "Plugin ID,CVE,Risk,Host,Port,Name,CVSS v3.0 Base Score,EPSS Score\n"
    data = header + "1,,High,h1,80,a,7.5,0.5\n2,,Critical,h1,80,b,10,1\n"
    one, two = list(PARSERS[ScanFormat.NESSUS_CSV](io.BytesIO(data.encode()), source="x.csv"))
    assert (one.cvss3_score, one.epss, two.cvss3_score, two.epss) == (7.5, 0.5, 10.0, 1.0)


def test_openvas_report() -> None:
    terrapin, timestamps = findings("greenbone.xml", ScanFormat.OPENVAS)
    assert terrapin.rule_id == "1.3.6.1.4.1.25623.1.0.151355"
    assert (terrapin.ip, terrapin.hostname, terrapin.port, terrapin.protocol) == (
        "10.30.0.7",
        "files-01",
        22,
        "tcp",
    )
    assert terrapin.severity == Severity.MEDIUM
    assert terrapin.cves == ("CVE-2023-48795",)
    assert terrapin.cvss3_vector == "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N"
    assert terrapin.epss == pytest.approx(0.5521)
    assert terrapin.solution == "Update to version 9.6 or later."
    assert terrapin.description == "The remote OpenSSH server is prone to the Terrapin attack."
    assert terrapin.last_seen == datetime(2025, 3, 2, 10, 15, tzinfo=timezone(timedelta(hours=1)))
    assert (timestamps.port, timestamps.protocol) == (0, "tcp")
    assert timestamps.suppressed and "false positive" in timestamps.suppression_justification
    assert timestamps.severity == Severity.INFO


def test_qualys_csv_skips_preamble_and_fixed_rows() -> None:
    exchange, certificate, hostnames = findings("qualys.csv", ScanFormat.QUALYS)
    assert (exchange.rule_id, exchange.ip, exchange.hostname) == (
        "91762",
        "10.40.0.21",
        "mail-01.corp.example",
    )
    assert exchange.severity == Severity.CRITICAL
    assert exchange.cves == ("CVE-2021-26855", "CVE-2021-27065")
    assert exchange.cvss3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert exchange.cvss3_score == 9.8
    assert exchange.exploit_available is True and "Metasploit" in exchange.exploit_evidence
    assert exchange.first_seen == datetime(2025, 1, 15, 8, 0, tzinfo=UTC)
    assert exchange.origin == "line 5"
    assert (certificate.severity, certificate.exploit_available) == (Severity.LOW, False)
    assert (hostnames.rule_id, hostnames.severity) == ("45017", Severity.INFO)


def test_sarif_findings_attach_to_the_repository() -> None:
    sql, md5, jquery = findings("code.sarif", ScanFormat.SARIF)
    assert sql.application == "git.example.com/payments/checkout-api"
    assert sql.asset_kind == "application"
    assert (sql.scanner, sql.rule_id, sql.severity) == ("CodeQL", "py/sql-injection", Severity.HIGH)
    assert sql.title == "SQL query built from user-controlled sources"
    assert sql.location == "src/checkout/orders.py:42"
    assert sql.location_key == "src/checkout/orders.py:42"  # rule + artifact + region, not the fingerprint
    assert sql.evidence.startswith("cursor.execute")
    assert sql.solution.startswith("Use query parameters")
    assert md5.suppressed and md5.suppression_justification == "inSource: checksum only, not a security use"
    assert md5.severity == Severity.MEDIUM  # rule default level "warning"
    # The second run names no repository: a placeholder for the tool, never the file's name.
    assert jquery.application == "unnamed application (dependency-check)"
    assert jquery.location == "/build/lib/jquery-3.4.1.min.js"
    assert jquery.cves == ("CVE-2020-11023",)
    assert jquery.cvss3_vector == "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:N"
    assert jquery.severity == Severity.MEDIUM  # 6.9


def test_sarif_application_name_from_caller() -> None:
    items = findings("code.sarif", ScanFormat.SARIF, application="checkout")
    assert {item.application for item in items} == {"checkout"}


def test_cyclonedx_vulnerabilities_and_vex() -> None:
    log4shell, xml_reachable, xml_other = findings("sbom.cdx.json", ScanFormat.CYCLONEDX)
    assert log4shell.application == "billing-service@3.2.0"
    assert log4shell.location == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    assert log4shell.severity == Severity.CRITICAL
    assert log4shell.cvss3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    assert log4shell.cvss3_score == 10.0
    assert not log4shell.suppressed  # "exploitable" does not suppress
    assert xml_reachable.location == "pkg:npm/xml2js@0.4.19"  # nested component
    assert xml_reachable.cves == ("CVE-2023-0842",)
    assert xml_reachable.rule_id == "GHSA-776f-qx25-q3cc"
    assert xml_reachable.severity == Severity.MEDIUM
    assert xml_reachable.suppressed
    assert xml_reachable.suppression_justification == (
        "not_affected: code_not_reachable - The parser only reads our own configuration."
    )
    assert xml_other.location == "pkg:npm/other@2"  # a ref that is not a bom-ref is kept as is


def test_generic_csv() -> None:
    tomcat, jquery = findings("generic.csv", ScanFormat.CSV)
    assert (tomcat.hostname, tomcat.ip, tomcat.port, tomcat.scanner, tomcat.rule_id) == (
        "hr-app-01",
        "10.50.0.9",
        8080,
        "pentest-2025",
        "TC-001",
    )
    assert tomcat.exploit_available is True
    assert tomcat.first_seen == datetime(2025, 2, 1, tzinfo=UTC)
    assert tomcat.last_seen == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert (jquery.application, jquery.asset_kind, jquery.severity) == (
        "intranet-portal",
        "application",
        Severity.MEDIUM,
    )
    assert jquery.cves == ("CVE-2020-11022", "CVE-2020-11023")
    assert (jquery.rule_id, jquery.scanner, jquery.epss) == ("CVE-2020-11022", "generic", 0.021)
