"""CycloneDX XML (1.2 with the vulnerability extension, 1.4+ with VEX) and DefectDojo's Generic
Findings Import (JSON and CSV), on small files written here in those formats (fixtures/)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from accord.engine.vulns.detect import detect_format, read_scan
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import PARSERS, ScanFormat
from accord.engine.vulns.records import ScanFinding, Severity

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, fmt: ScanFormat, notes: ParseNotes | None = None, **options: object) -> list[ScanFinding]:
    with (FIXTURES / name).open("rb") as stream:
        return list(PARSERS[fmt](stream, source=name, notes=notes, **options))


def refuse(data: bytes, fmt: ScanFormat) -> ScanFileError:
    with pytest.raises(ScanFileError) as refused:
        list(PARSERS[fmt](io.BytesIO(data), source="bad"))
    return refused.value


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("bom.cdx.xml", ScanFormat.CYCLONEDX_XML),
        ("bom-1.2-ext.cdx.xml", ScanFormat.CYCLONEDX_XML),
        ("dojo.json", ScanFormat.DEFECTDOJO),
        ("dojo.csv", ScanFormat.DEFECTDOJO_CSV),
    ],
)
def test_format_is_detected_from_content_not_the_name(name: str, fmt: ScanFormat) -> None:
    data = (FIXTURES / name).read_bytes()
    assert detect_format(data[:16384], "upload.bin") == fmt
    chosen, items = read_scan(io.BytesIO(data), source="upload.bin")
    assert chosen == fmt
    assert [f.fingerprint() for f in items] == [f.fingerprint() for f in read(name, fmt)]


# --- CycloneDX XML -------------------------------------------------------------------------------

def test_cyclonedx_xml_vulnerabilities_and_vex() -> None:
    notes = ParseNotes()
    log4shell, xml_reachable, xml_other = read("bom.cdx.xml", ScanFormat.CYCLONEDX_XML, notes)
    assert log4shell.application == "billing-service@3.2.0"
    assert log4shell.location == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    assert (log4shell.severity, log4shell.cvss3_score) == (Severity.CRITICAL, 10.0)
    assert log4shell.cvss3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    assert log4shell.description.endswith("Weaknesses: CWE-502, CWE-917")
    assert log4shell.solution == "Upgrade log4j-core to 2.17.1.\nVEX response: update"
    assert not log4shell.suppressed  # exploitable
    assert xml_reachable.location == "pkg:npm/xml2js@0.4.19"  # a nested component's bom-ref
    assert xml_reachable.cves == ("CVE-2023-0842",)
    assert xml_reachable.suppression_justification == (
        "not_affected: code_not_reachable - The parser only reads our own configuration."
    )
    assert xml_other.location == "pkg:npm/other@2"  # not a bom-ref: kept as written
    # The resolved one is left out (so an open finding from before is marked fixed), and said so.
    assert "1 vulnerability(ies) with VEX state resolved left out (fixed)" in notes.notes
    assert notes.ignored["metadata.timestamp"] == 1 and notes.ignored["vulnerabilities[].source"] == 1


def test_cyclonedx_xml_and_json_of_the_same_bom_are_the_same_findings() -> None:
    from_xml = read("bom.cdx.xml", ScanFormat.CYCLONEDX_XML)
    from_json = read("sbom.cdx.json", ScanFormat.CYCLONEDX)
    assert [f.fingerprint() for f in from_xml] == [f.fingerprint() for f in from_json]


def test_cyclonedx_1_2_vulnerability_extension_inside_components() -> None:
    libc, prometheus = read("bom-1.2-ext.cdx.xml", ScanFormat.CYCLONEDX_XML)
    assert libc.application == "registry.example.com/shop/web@sha256:2963fc49cc50883ba9af25f977a9997ff9af06b4"
    assert (libc.location, libc.severity, libc.cves) == ("libc6@2.27-3ubuntu1.4", Severity.LOW, ("CVE-2009-5155",))
    assert prometheus.location == "pkg:golang/github.com/prometheus/client_golang@v1.7.1"
    assert (prometheus.severity, prometheus.cvss3_score) == (Severity.HIGH, 7.5)  # v3 preferred over v2
    assert prometheus.cvss3_vector == "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
    assert prometheus.solution == "Upgrade to v1.11.1."
    assert prometheus.origin == "/bom/components[1]/component[2]/vulnerabilities/vulnerability[1].affects[0]"


def test_cyclonedx_xml_bad_score_names_the_element() -> None:
    data = (FIXTURES / "bom.cdx.xml").read_bytes().replace(b"<score>5.3</score>", b"<score>high</score>")
    error = refuse(data, ScanFormat.CYCLONEDX_XML)
    assert error.element == "/bom/vulnerabilities[1]/vulnerability[2]/ratings/rating[1]/score"


def test_cyclonedx_xml_refuses_entities_and_other_namespaces() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa">]><bom xmlns="http://cyclonedx.org/schema/bom/1.4">&a;</bom>'
    assert "entity" in refuse(bomb, ScanFormat.CYCLONEDX_XML).message
    assert "not a CycloneDX file" in refuse(b'<bom xmlns="urn:other"/>', ScanFormat.CYCLONEDX_XML).message


def test_a_bom_naming_no_application_gets_a_placeholder_not_the_file_name() -> None:
    notes = ParseNotes()
    data = b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><vulnerabilities><vulnerability><id>CVE-2020-1</id>' \
           b'<affects><target><ref>pkg:npm/a@1</ref></target></affects></vulnerability></vulnerabilities></bom>'
    (only,) = PARSERS[ScanFormat.CYCLONEDX_XML](io.BytesIO(data), source="app-sbom.xml", notes=notes)
    assert only.application == "unnamed application (cyclonedx)"
    assert any("no repository or application named" in note for note in notes.notes)


# --- DefectDojo generic findings -----------------------------------------------------------------

def test_defectdojo_json_maps_fields_states_and_endpoints() -> None:
    notes = ParseNotes()
    items = read("dojo.json", ScanFormat.DEFECTDOJO, notes)
    by_title: dict[str, list[ScanFinding]] = {}
    for item in items:
        by_title.setdefault(item.title, []).append(item)
    web, database = by_title["SQL injection in order search"]  # one finding per endpoint
    assert (web.scanner, web.rule_id, web.severity) == ("Acme Pentest", "ACME-SQLI-7", Severity.CRITICAL)
    assert (web.hostname, web.location, web.port) == ("shop.example.com", "https://shop.example.com/orders/search?q=1",
                                                      None)
    assert (database.ip, database.port, database.protocol, database.location) == ("10.20.0.5", 5432, "tcp", "")
    assert web.origin == "findings[0].endpoints[0]"
    assert web.cves == ("CVE-2026-1001",) and web.cvss3_score == 9.8
    assert "Impact: Read access" in web.description and web.description.endswith("Weaknesses: CWE-89")
    assert web.evidence == "Payload: ' OR 1=1 --\nParameter: q\nDefectDojo: verified"
    assert web.first_seen is not None and web.first_seen.date().isoformat() == "2026-01-06"
    (django,) = by_title["Outdated Django"]
    assert (django.application, django.location) == ("shop-backend", "django@3.2.1 in requirements.txt:4")
    assert django.cves == ("CVE-2021-33203",) and django.rule_id == "CVE-2021-33203"
    assert django.exploit_available and django.solution == "Fixed in version 3.2.4"
    (banner,) = by_title["Verbose server banner"]
    assert banner.suppressed and banner.suppression_justification == "false positive (DefectDojo)"
    (tls,) = by_title["Weak TLS configuration"]
    assert tls.suppressed and (tls.hostname, tls.port, tls.protocol) == ("mail.example.com", 443, "https")
    assert "Fixed XSS" not in by_title and "Closed without mitigation note" not in by_title
    assert any("2 finding(s) inactive or mitigated" in note for note in notes.notes)
    (password,) = by_title["Hard-coded password"]
    assert password.application == "unnamed application (acme pentest)"
    assert password.description.endswith("Weaknesses: CWE-798, CWE-259")
    assert notes.ignored["findings[].unique_id_from_tool"] == 1 and notes.ignored["name"] == 1


def test_defectdojo_json_application_named_at_import_for_findings_without_a_host() -> None:
    items = read("dojo.json", ScanFormat.DEFECTDOJO, application="shop")
    assert {item.application for item in items if not (item.hostname or item.ip)} == {"shop"}


def test_defectdojo_csv_one_finding_per_url_and_states() -> None:
    notes = ParseNotes()
    first, second, ssh, duplicate = read("dojo.csv", ScanFormat.DEFECTDOJO_CSV, notes)
    assert (first.hostname, first.location, first.origin) == ("shop.example.com", "https://shop.example.com/search?q=x",
                                                              "line 2")
    assert second.location == "https://shop.example.com/help?topic=x" and second.origin == "line 4"
    assert first.fingerprint() != second.fingerprint()  # same title, another page
    assert first.description.startswith("The q parameter is echoed\ninto the page.")
    assert (ssh.hostname, ssh.port, ssh.cves, ssh.epss) == ("ssh.example.com", 22, ("CVE-2024-6387",), 0.4)
    assert ssh.first_seen is not None and ssh.first_seen.date().isoformat() == "2026-02-28"  # day first: 28 > 12
    assert first.first_seen is not None and first.first_seen.date().isoformat() == "2026-01-06"  # mm/dd as documented
    assert duplicate.suppressed and "duplicate" in duplicate.suppression_justification
    assert notes.ignored["Tool Note"] == 1
    assert any("1 finding(s) inactive" in note for note in notes.notes)


def test_defectdojo_errors_name_the_field() -> None:
    bad_severity = b'{"findings": [{"title": "t", "description": "d", "severity": "Severe"}]}'
    assert refuse(bad_severity, ScanFormat.DEFECTDOJO).element == "findings[0].severity"
    bad_port = b'{"findings": [{"title": "t", "description": "d", "severity": "Low", "endpoints": [{"host": "h", "port": 70000}]}]}'
    assert refuse(bad_port, ScanFormat.DEFECTDOJO).element == "findings[0].endpoints[0].port"
    no_findings = b'{"name": "x"}'
    assert refuse(no_findings, ScanFormat.DEFECTDOJO).element == "$.findings"
    csv = b"Date,Title,Severity,Description\n01/01/2026,t,Severe,d\n"
    error = refuse(csv, ScanFormat.DEFECTDOJO_CSV)
    assert error.line == 2 and "'Severity'" in error.message
    missing = refuse(b"Date,Title,Description\n01/01/2026,t,d\n", ScanFormat.DEFECTDOJO_CSV)
    assert "Date, Title, Severity and Description" in missing.message
