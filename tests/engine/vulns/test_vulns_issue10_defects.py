"""Regression tests for the scanner-intake defects of issue 10 (each seen on a real export).

The files are small ones written here in the real layouts: Tenable.sc's CSV, Tenable's Nessus CSV
with `CVSS3 ...` columns, Qualys VMDR's and Qualys PCI's CSV exports.
"""

from __future__ import annotations

import io

import pytest

from accord.engine.vulns.detect import detect_format, read_scan
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.records import ScanFinding, Severity


def scan(data: str, fmt: str = "auto", source: str = "x.csv") -> tuple[str, list[ScanFinding]]:
    chosen, items = read_scan(io.BytesIO(data.encode()), source=source, format=fmt)
    return chosen.value, list(items)


# Tenable.sc's vulnerability export: `Plugin` (not `Plugin ID`), `IP Address`, `Plugin Name`, and
# CVSS v3 vectors written without their `CVSS:3.x/` prefix.
TENABLE_SC = (
    '"Plugin","Plugin Name","Family","Severity","IP Address","Protocol","Port","DNS Name",'
    '"CVSS V3 Base Score","CVSS V3 Vector","CVE"\n'
    '"20007","SSL Version 2 and 3 Protocol Detection","Service detection","High","10.8.0.4","TCP",'
    '"443","mail-02.corp.example","7.5","AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",""\n'
    '"104743","TLS Version 1.0 Protocol Detection","Service detection","Medium","10.8.0.4","TCP",'
    '"443","mail-02.corp.example","6.5","AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N",""\n'
)


def test_defect_1_tenable_sc_csv_is_detected_by_its_columns() -> None:
    assert detect_format(TENABLE_SC.encode(), "sc.csv").value == "nessus-csv"
    chosen, (ssl, tls) = scan(TENABLE_SC)
    assert chosen == "nessus-csv"
    assert (ssl.rule_id, ssl.ip, ssl.hostname, ssl.port) == ("20007", "10.8.0.4", "mail-02.corp.example", 443)
    assert tls.title == "TLS Version 1.0 Protocol Detection"


def test_defect_2_a_v3_vector_without_its_prefix_is_normalised() -> None:
    _, (ssl, tls) = scan(TENABLE_SC, "nessus-csv")
    assert ssl.cvss3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
    assert tls.cvss3_vector == "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"
    assert ssl.cvss3_score == 7.5


def test_defect_2_a_v3_0_column_gives_the_v3_0_prefix() -> None:
    data = "Plugin ID,Host,Risk,Name,CVSS v3.0 Vector\n1,10.0.0.1,High,x,AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    _, (finding,) = scan(data)
    assert finding.cvss3_vector == "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def test_defect_2_a_malformed_vector_is_refused_by_parse_too() -> None:
    # The importer refuses it (the decision needs the vector); parsing alone must say the same.
    bad = TENABLE_SC.replace("AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", "AV:N/AC:H/PR:Q")
    with pytest.raises(ScanFileError) as refused:
        scan(bad, "nessus-csv")
    assert refused.value.line == 3 and "CVSS" in refused.value.message


# Tenable Vulnerability Management's CSV (the "CSV Vulnerability Export Fields" layout) with `Host`
# holding a name and the address in `IP Address`.
TENABLE_CSV_WITH_CVSS3 = (
    "Plugin ID,CVE,CVSS,Risk,Host,IP Address,Protocol,Port,Name,CVSS3 Base Score,CVSS3 Vector\n"
    "97833,CVE-2017-0143,9.3,Critical,fs-01.corp.example,10.8.1.7,tcp,445,MS17-010,8.1,"
    "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
)


def test_defect_9_cvss3_columns_and_the_ip_address_beside_a_host_name_are_read() -> None:
    _, (finding,) = scan(TENABLE_CSV_WITH_CVSS3)
    assert (finding.hostname, finding.ip) == ("fs-01.corp.example", "10.8.1.7")
    assert finding.cvss3_score == 8.1
    assert finding.cvss3_vector == "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"


# Qualys VMDR "Asset Vuln Datalist" CSV: three metadata lines, then the header.
QUALYS_VMDR = (
    '"Asset Vuln Datalist Report","10 Nov 2026 09:00AM GMT+0100","1"\n'
    '"Example Corp","1 Example Road","Springfield","None","00000","USA"\n'
    '"Jane Analyst","janalyst","VMDR"\n'
    '"CVE","CVE-Description","CVSSv3.1 Base (nvd)","QID","Title","Severity","Type Detected",'
    '"Last Detected","First Detected","Protocol","Port","Status","Asset Id","Asset Name","Asset IPV4",'
    '"Asset IPV6","Solution","Threat","Results"\n'
    '"CVE-2023-44487","HTTP/2 rapid reset","7.5","38904","HTTP/2 Rapid Reset DoS","4","Confirmed",'
    '"Nov 09, 2026 07:00 AM","Oct 12, 2026 10:00 AM","TCP","443","ACTIVE","4100001","web-07",'
    '"10.9.0.7","","Upgrade the web server.","A remote attacker can exhaust resources.","h2 enabled"\n'
)


def test_defect_7_qualys_vmdr_csv_is_recognised_and_read() -> None:
    chosen, (finding,) = scan(QUALYS_VMDR)
    assert chosen == "qualys-vmdr"
    assert (finding.rule_id, finding.ip, finding.hostname, finding.port) == ("38904", "10.9.0.7", "web-07", 443)
    assert finding.cves == ("CVE-2023-44487",)
    assert (finding.severity, finding.cvss3_score) == (Severity.HIGH, 7.5)
    assert finding.title == "HTTP/2 Rapid Reset DoS"


def test_defect_7_a_qualys_file_without_its_header_names_the_columns_it_needs() -> None:
    # Forced as the Qualys scan-report CSV, a VMDR file must say which columns are missing and how
    # many rows were read, not "the first 101 row(s)" of a five-line file.
    with pytest.raises(ScanFileError) as refused:
        scan(QUALYS_VMDR, "qualys")
    message = refused.value.message
    assert "'IP'" in message and "'QID'" in message and "101" not in message


# Qualys PCI (HackerGuardian) CSV: `VULN TITLE`, word (or letter) severities.
QUALYS_PCI = (
    '"IP","HOSTNAME","LAST SCAN","QID","VULN TITLE","TYPE","SEVERITY","PORT","PROTOCOL",'
    '"OPERATING SYSTEM","IS_PCI","FALSE POSITIVE STATUS","CVSS_BASE","Q_SEVERITY","THREAT","IMPACT",'
    '"SOLUTION","CVSS_TEMPORAL","CATEGORY","RESULT","BUGTRAQID","CVEID"\n'
    '"203.0.113.20","shop.example.net","2026-11-02 03:10:00","38173","SSL Certificate - Signature '
    'Verification Failed","CONFIRMED","Medium","443","tcp","","Y","-","6.4","2","The certificate '
    'cannot be trusted.","Man in the middle.","Install a trusted certificate.","5.5","General remote '
    'services","Certificate #0 CN=shop.example.net","-","CVE-2026-0001"\n'
)


def test_defect_8_qualys_pci_csv_is_its_own_format_with_word_severities() -> None:
    chosen, (finding,) = scan(QUALYS_PCI)
    assert chosen == "qualys-pci"
    assert finding.title == "SSL Certificate - Signature Verification Failed"
    assert (finding.rule_id, finding.ip, finding.hostname, finding.port) == (
        "38173",
        "203.0.113.20",
        "shop.example.net",
        443,
    )
    assert finding.severity == Severity.MEDIUM
    assert finding.cves == ("CVE-2026-0001",)
