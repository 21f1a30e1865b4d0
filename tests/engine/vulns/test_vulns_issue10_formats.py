"""The formats issue 10 adds, on small fixtures written in each real layout (see fixtures/).

Each: recognised by content (under any file name), mapped field by field, fixed detections left
out and counted, what is not mapped listed in the notes, and broken input refused with the line or
element named.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from accord.engine.vulns.detect import detect_format, read_scan
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import ScanFormat
from accord.engine.vulns.records import ScanFinding, Severity

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, fmt: str = "auto", data: bytes | None = None) -> tuple[str, list[ScanFinding], ParseNotes]:
    notes = ParseNotes()
    payload = data if data is not None else (FIXTURES / name).read_bytes()
    chosen, items = read_scan(io.BytesIO(payload), source=name, format=fmt, notes=notes)
    return chosen.value, list(items), notes


def refuse(data: bytes, fmt: str, source: str = "bad") -> ScanFileError:
    with pytest.raises(ScanFileError) as caught:
        read(source, fmt, data)
    return caught.value


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("tenable_vm.csv", ScanFormat.TENABLE_VM),
        ("greenbone.csv", ScanFormat.GREENBONE_CSV),
        ("qualys_vmdr.csv", ScanFormat.QUALYS_VMDR),
        ("qualys_pci.csv", ScanFormat.QUALYS_PCI),
        ("qualys_report.xml", ScanFormat.QUALYS_XML),
        ("qualys_scan.xml", ScanFormat.QUALYS_SCAN_XML),
        ("qualys_was.xml", ScanFormat.QUALYS_WAS),
    ],
)
def test_recognised_by_content_whatever_the_file_is_called(name: str, fmt: ScanFormat) -> None:
    data = (FIXTURES / name).read_bytes()
    assert detect_format(data[:16384], "export.txt") == fmt
    chosen, by_content, _ = read("export.txt", data=data)
    assert chosen == fmt.value
    assert by_content == read("export.txt", fmt.value, data)[1]  # --format gives the same


def test_tenable_vm_semicolon_export() -> None:
    _, (log4j, icmp), notes = read("tenable_vm.csv")
    assert (log4j.hostname, log4j.ip, log4j.rule_id, log4j.port, log4j.protocol) == (
        "app-01.corp.example", "10.60.0.11", "156032", 0, "tcp",
    )  # fmt: skip
    assert log4j.severity == Severity.CRITICAL and log4j.cves == ("CVE-2021-44228", "CVE-2021-45046")
    assert (log4j.cvss3_score, log4j.vpr) == (10.0, 9.9)
    assert log4j.cvss3_vector == "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    assert log4j.exploit_available and log4j.exploit_evidence == "exploits are available, exploited by malware"
    assert log4j.evidence == "Path : /opt/app/lib/log4j-core-2.14.1.jar\nInstalled version : 2.14.1"
    assert log4j.first_seen == datetime(2026, 10, 1, 8, tzinfo=UTC)
    assert log4j.origin == "line 2"
    # The self-signed certificate is FIXED: left out and said so; the accepted risk is suppressed.
    assert icmp.severity == Severity.INFO and icmp.exploit_available is False
    assert icmp.suppressed and icmp.suppression_justification.startswith("risk accepted in Tenable")
    assert notes.notes == ["1 finding(s) in state FIXED left out: the asset no longer has them"]
    assert notes.ignored["definition.family"] == 3 and notes.ignored["asset.id"] == 3
    assert notes.ignored["(unnamed column 16)"] == 1  # a column whose header is empty


def test_tenable_vm_comma_separated_export_reads_the_same() -> None:
    data = (
        "asset.host_name,asset.display_ipv4_address,definition.id,definition.name,severity,port,protocol,state\n"
        "app-01,10.60.0.11,156032,Apache Log4j 2.x < 2.16.0 RCE,Critical,0,TCP,NEW\n"
    )
    chosen, (finding,), _ = read("t.csv", data=data.encode())
    assert chosen == "tenable-vm" and (finding.rule_id, finding.hostname, finding.ip) == ("156032", "app-01", "10.60.0.11")


def test_greenbone_csv_reads_as_the_xml_report_does() -> None:
    _, (terrapin, timestamps, tls), notes = read("greenbone.csv")
    assert (terrapin.rule_id, terrapin.ip, terrapin.hostname, terrapin.port, terrapin.protocol) == (
        "1.3.6.1.4.1.25623.1.0.151355", "10.30.0.7", "files-01", 22, "tcp",
    )  # fmt: skip
    assert (terrapin.scanner, terrapin.severity, terrapin.cves) == ("openvas", Severity.MEDIUM, ("CVE-2023-48795",))
    assert terrapin.description == "The remote SSH server is prone to the Terrapin attack."
    assert terrapin.evidence == "Vulnerable algorithms:\nchacha20-poly1305@openssh.com"
    assert terrapin.solution == "Update to version 9.6 or later."
    assert terrapin.last_seen == datetime(2026, 11, 2, 10, 15, tzinfo=timezone(timedelta(hours=1)))
    # A host-level result has port 0, as in the XML report, so both exports give it one identity.
    assert (timestamps.port, timestamps.protocol, timestamps.severity) == (0, "tcp", Severity.INFO)
    assert tls.suppressed and "false positive" in tls.suppression_justification
    assert notes.ignored["QoD"] == 3 and notes.ignored["Impact"] == 1


def test_qualys_vmdr_rows_per_cve_fixed_left_out_ignored_suppressed() -> None:
    _, (first, second, scan_time), notes = read("qualys_vmdr.csv")
    assert (first.rule_id, first.hostname, first.ip, first.port) == ("42046", "bastion-01", "10.9.0.5", 22)
    assert (first.cves, second.cves) == (("CVE-2024-6387",), ("CVE-2024-6409",))
    assert first.fingerprint() != second.fingerprint()  # one row per CVE: two findings, as Nessus CSV
    assert (first.severity, first.cvss3_score) == (Severity.CRITICAL, 8.1)
    assert first.exploit_available and "Exploit Public" in first.exploit_evidence
    assert first.first_seen == datetime(2026, 7, 2, 10, tzinfo=UTC)
    assert first.description == "A race condition in sshd's signal handler."
    assert first.origin == "line 5"
    assert scan_time.severity == Severity.INFO and scan_time.suppressed
    assert scan_time.suppression_justification == "ignored in Qualys VMDR"
    assert notes.notes == ["1 row(s) with status Fixed left out: the host no longer has them"]
    # Counted over every row read, the Fixed one included.
    assert notes.ignored["Asset Tags"] == 2 and notes.ignored["KB Severity"] == 4


def test_qualys_pci_word_and_letter_severities_and_approved_false_positives() -> None:
    _, (certificate, sslv3, path), notes = read("qualys_pci.csv")
    assert (certificate.severity, sslv3.severity, path.severity) == (Severity.MEDIUM, Severity.HIGH, Severity.LOW)
    assert certificate.description == "The certificate cannot be trusted.\n\nMan in the middle."
    assert certificate.last_seen == datetime(2026, 11, 2, 3, 10, tzinfo=UTC)
    assert (path.hostname, path.ip, path.suppressed) == ("", "203.0.113.21", True)
    assert "approved" in path.suppression_justification
    assert notes.ignored["CVSS_BASE"] == 3 and notes.ignored["IS_PCI"] == 3


def test_qualys_report_xml_joins_detections_to_the_glossary() -> None:
    _, (update, scan_time, tls), notes = read("qualys_report.xml")
    assert (update.rule_id, update.hostname, update.ip, update.port, update.protocol) == (
        "91850", "erp-app-02.corp.example", "10.70.0.4", 445, "tcp",
    )  # fmt: skip
    assert update.title == "Microsoft Windows Security Update for January 2026"
    assert update.severity == Severity.HIGH and update.cves == ("CVE-2026-20001", "CVE-2026-20002")
    assert (update.cvss3_score, update.cvss3_vector) == (8.8, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")
    assert update.exploit_available and update.exploit_evidence == "Metasploit"
    assert update.description == "Windows is affected by a remote code execution flaw.\n\nRemote code execution."
    assert update.evidence == "KB5034439 is not installed"
    assert update.origin == "/ASSET_DATA_REPORT/HOST_LIST[1]/HOST[1]/VULN_INFO_LIST[1]/VULN_INFO[1]"
    assert scan_time.severity == Severity.INFO and scan_time.solution == ""  # Ig; "N/A" is no solution
    assert scan_time.exploit_available is False  # the report correlates exploits: none for this QID
    # The Fixed detection on the first host is left out; the second host's is a potential one.
    assert (tls.ip, tls.port, tls.location, tls.severity) == ("10.70.0.5", 8443, "portal.corp.example", Severity.MEDIUM)
    assert notes.notes == ["1 detection(s) with status Fixed left out: the host no longer has them"]
    assert notes.ignored["HEADER"] == 1 and notes.ignored["RISK_SCORE_PER_HOST"] == 1
    assert notes.ignored["HOST_LIST/HOST/OPERATING_SYSTEM"] == 1
    assert notes.ignored["VULN_INFO/TIMES_FOUND"] == 3 and notes.ignored["VULN_DETAILS/CATEGORY"] == 3


def test_qualys_report_xml_detection_without_glossary_entry_is_refused_naming_it() -> None:
    data = (FIXTURES / "qualys_report.xml").read_bytes().replace(b'<VULN_DETAILS id="qid_45038">', b'<X>', 1)
    data = data.replace(b"<TITLE><![CDATA[Host Scan Time - Scanner]]></TITLE>", b"")
    data = data.replace(b"</VULN_DETAILS>\n      <VULN_DETAILS id=\"qid_38794\">", b"</X>\n      <VULN_DETAILS id=\"qid_38794\">")
    error = refuse(data, "qualys-xml")
    assert "QID 45038" in error.message and error.element.endswith("HOST[1]/VULN_INFO_LIST[1]/VULN_INFO[2]")


def test_qualys_scan_xml_vulns_potential_and_information_gathered() -> None:
    _, (dns, cups, tls, icmp), notes = read("qualys_scan.xml")
    # "No registered hostname" is no name: the NetBIOS name stands in.
    assert (dns.hostname, dns.ip, dns.severity) == ("PRINTSRV", "10.80.0.1", Severity.INFO)
    assert (cups.rule_id, cups.port, cups.protocol, cups.severity) == ("197910", 631, "tcp", Severity.CRITICAL)
    assert cups.cves == ("CVE-2024-47176", "CVE-2024-47076") and cups.cvss3_score == 9.9
    assert cups.description.startswith("cups-browsed binds") and cups.description.endswith("print job starts.")
    assert (tls.severity, tls.location, tls.port) == (Severity.MEDIUM, "print.corp.example", 443)
    assert (icmp.hostname, icmp.ip, icmp.port) == ("scanner-02.corp.example", "10.80.0.2", None)
    assert notes.ignored["HEADER"] == 1 and notes.ignored["IP/OS"] == 1
    assert notes.ignored["IP/SERVICES/CAT/SERVICE"] == 1 and notes.ignored["VULN/CVSS_BASE"] == 1


def test_qualys_was_report() -> None:
    _, (xss, ignored, csp), notes = read("qualys_was.xml")
    assert (xss.rule_id, xss.hostname, xss.port, xss.severity) == ("150001", "shop.example.net", None, Severity.HIGH)
    assert xss.title == "Reflected Cross-Site Scripting (XSS) Vulnerabilities"
    assert xss.location == "https://shop.example.net/search (parameter q)"
    assert "Set-Cookie: session=abc" in xss.evidence and "request: GET https://shop.example.net/search?q=x" in xss.evidence
    assert xss.first_seen == datetime(2026, 10, 2, 20, 42, tzinfo=UTC)  # GMT-0400 read as 4 hours behind UTC
    assert xss.description == "The parameter is reflected without encoding.\n\nSession theft."
    # Another parameter of the same page is another finding; this one Qualys was told to ignore.
    assert ignored.fingerprint() != xss.fingerprint()
    assert ignored.suppressed and ignored.suppression_justification == (
        "ignored in Qualys WAS: FALSE_POSITIVE; Page numbers are cast to int."
    )
    # Information gathered has no URL of its own: the web application's, from the appendix.
    assert (csp.severity, csp.hostname, csp.location) == (Severity.INFO, "shop.example.net", "https://shop.example.net")
    assert csp.evidence == "X-Frame-Options: Header missing"
    assert notes.notes == ["1 detection(s) with status FIXED left out: the host no longer has them".replace("FIXED", "Fixed")]
    assert notes.ignored["SUMMARY"] == 1  # counts named VULNERABILITY there are not findings
    assert notes.ignored["GLOSSARY/QID/CWE"] == 1 and notes.ignored["VULNERABILITY/UNIQUE_ID"] == 2


def test_qualys_webapp_report_names_the_server_from_its_url() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<WAS_WEBAPP_REPORT><RESULTS><WEB_APPLICATION><ID>1</ID><NAME>Portal</NAME><URL>https://portal.example.net/</URL>
<INFORMATION_GATHERED_LIST><INFORMATION_GATHERED><QID>6</QID><DATA>portal.example.net</DATA></INFORMATION_GATHERED>
</INFORMATION_GATHERED_LIST></WEB_APPLICATION></RESULTS>
<GLOSSARY><QID_LIST><QID><QID>6</QID><SEVERITY>1</SEVERITY><TITLE>DNS Host Name</TITLE></QID></QID_LIST></GLOSSARY>
</WAS_WEBAPP_REPORT>"""
    chosen, (finding,), notes = read("webapp.xml", data=data)
    assert chosen == "qualys-was" and (finding.hostname, finding.title) == ("portal.example.net", "DNS Host Name")
    assert notes.ignored["RESULTS/WEB_APPLICATION/NAME"] == 1


def test_qualys_was_bad_base64_names_the_element() -> None:
    data = (FIXTURES / "qualys_was.xml").read_bytes()
    start = data.index(b'<DATA base64="true">') + len(b'<DATA base64="true">')
    error = refuse(data[:start] + b"not base64!!" + data[data.index(b"</DATA>"):], "qualys-was")
    assert "base64" in error.message and error.element.endswith("INFORMATION_GATHERED[1]")


@pytest.mark.parametrize(
    ("name", "old", "new", "line"),
    [
        ("greenbone.csv", b"files-01,22,tcp", b"files-01,99999,tcp", 2),
        ("qualys_vmdr.csv", b'"TCP","22","ACTIVE","4100001"', b'"TCP","2147483648","ACTIVE","4100001"', 5),
        ("qualys_pci.csv", b'"Medium","443"', b'"Medium","-443"', 2),
        ("tenable_vm.csv", b"Critical;ACTIVE", b"Critical\x00;ACTIVE", 3),  # the row starts on line 2
        ("qualys_vmdr.csv", b'"8.1"', b'"inf"', 5),
        ("greenbone.csv", b"tcp,5.9,Medium", b"tcp,nan,Medium", 2),
    ],
)
def test_hostile_cells_are_refused_with_the_line(name: str, old: bytes, new: bytes, line: int) -> None:
    data = (FIXTURES / name).read_bytes()
    assert old in data
    error = refuse(data.replace(old, new, 1), "auto", name)
    assert error.line == line and error.source == name


def test_hostile_values_in_xml_are_refused_with_the_element() -> None:
    data = (FIXTURES / "qualys_report.xml").read_bytes().replace(b"<PORT>445</PORT>", b"<PORT>4294967296</PORT>")
    error = refuse(data, "qualys-xml")
    assert "port" in error.message and error.element.endswith("VULN_INFO[1]")
    nul = (FIXTURES / "qualys_scan.xml").read_bytes().replace(b"Disable TLS 1.0.", b"Disable \x00 TLS")
    assert refuse(nul, "qualys-scan-xml").line is not None  # XML cannot carry NUL at all


def test_a_file_of_another_layout_forced_as_a_format_says_what_it_lacks() -> None:
    error = refuse((FIXTURES / "greenbone.csv").read_bytes(), "qualys-vmdr")
    assert "'QID'" in error.message and "Asset IPV4" in error.message
    assert "expected <WAS_SCAN_REPORT>" in refuse((FIXTURES / "qualys_scan.xml").read_bytes(), "qualys-was").message


def test_an_unknown_xml_root_is_named() -> None:
    error = refuse(b'<?xml version="1.0"?>\n<!-- x -->\n<nmaprun scanner="nmap"></nmaprun>', "auto")
    assert "<nmaprun>" in error.message
