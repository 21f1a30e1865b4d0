"""Malformed scan files are refused with the file and the line or element named."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from accord.engine.vulns.detect import read_scan
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.parsers import PARSERS, ScanFormat
from accord.engine.vulns.streams import check_file_size, check_size

FIXTURES = Path(__file__).parent / "fixtures"


def refuse(data: bytes, fmt: ScanFormat | str, source: str = "bad") -> ScanFileError:
    with pytest.raises(ScanFileError) as caught:
        _, items = read_scan(io.BytesIO(data), source=source, format=fmt)
        list(items)
    assert caught.value.source == source
    return caught.value


def test_truncated_nessus_names_the_line_and_element() -> None:
    data = (FIXTURES / "small.nessus").read_bytes()
    cut = data[: data.index(b"<cvss4_base_score>")]
    error = refuse(cut, ScanFormat.NESSUS)
    assert "truncated" in error.message
    assert error.line == cut.count(b"\n") + 1
    assert error.element == "/NessusClientData_v2/Report[1]/ReportHost[1]/ReportItem[2]"


def test_truncated_greenbone_report() -> None:
    data = (FIXTURES / "greenbone.xml").read_bytes()
    error = refuse(data[: len(data) // 2], ScanFormat.OPENVAS)
    assert "truncated" in error.message and error.line is not None


def test_mismatched_xml_tag_names_line() -> None:
    data = b'<?xml version="1.0"?>\n<NessusClientData_v2>\n<Report name="x">\n</Policy>\n</NessusClientData_v2>\n'
    error = refuse(data, ScanFormat.NESSUS)
    assert error.line == 4 and "mismatched tag" in error.message


def test_entity_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE NessusClientData_v2 [\n <!ENTITY lol "lol">\n'
        b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
        b'<NessusClientData_v2><Report name="x"><ReportHost name="h">'
        b'<ReportItem port="0" protocol="tcp" severity="1" pluginID="1" pluginName="&lol3;"/>'
        b"</ReportHost></Report></NessusClientData_v2>\n"
    )
    error = refuse(bomb, "auto")
    assert "entity" in error.message and "billion laughs" in error.message


def test_external_entity_is_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b"<report><report><results><result>&xxe;</result></results></report></report>\n"
    )
    error = refuse(xxe, ScanFormat.OPENVAS)
    assert "refused" in error.message


def test_wrong_root_element() -> None:
    error = refuse((FIXTURES / "greenbone.xml").read_bytes(), ScanFormat.NESSUS)
    assert "expected <NessusClientData_v2>" in error.message and error.element == "/report"


def test_non_numeric_score_in_nessus_xml_names_the_item() -> None:
    data = (
        (FIXTURES / "small.nessus")
        .read_bytes()
        .replace(b"<cvss3_base_score>9.8<", b"<cvss3_base_score>high<")
    )
    error = refuse(data, ScanFormat.NESSUS)
    assert error.element == "/NessusClientData_v2/Report[1]/ReportHost[1]/ReportItem[2]"
    assert "cvss3_base_score" in error.message and "'high'" in error.message


def test_bad_nessus_severity_attribute() -> None:
    data = (FIXTURES / "small.nessus").read_bytes().replace(b'severity="2"', b'severity="9"')
    error = refuse(data, ScanFormat.NESSUS)
    assert "0-4" in error.message and error.element is not None and error.element.endswith("ReportItem[1]")


def test_csv_with_non_utf8_bytes_names_the_line() -> None:
    lines = (FIXTURES / "nessus_legacy.csv").read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Traceroute", b"Trac\xe9route")  # Latin-1 e-acute
    error = refuse(b"\n".join(lines), ScanFormat.NESSUS_CSV)
    assert error.line == 3 and "UTF-8" in error.message and "0xe9" in error.message


def test_utf16_csv_is_refused_with_a_hint() -> None:
    data = (FIXTURES / "generic.csv").read_text(encoding="utf-8").encode("utf-16")
    error = refuse(data, ScanFormat.CSV)
    assert error.line == 1 and "UTF-16" in error.message


def test_csv_with_missing_columns() -> None:
    error = refuse(b"Plugin ID,CVE,Host,Port\n1,,h,80\n", ScanFormat.NESSUS_CSV)
    assert error.line == 1 and "'Risk'" in error.message and "'Name'" in error.message


def test_csv_row_with_wrong_number_of_fields() -> None:
    data = (FIXTURES / "nessus_legacy.csv").read_bytes() + b"99999,CVE-2020-0001,5.0,High\r\n"
    error = refuse(data, ScanFormat.NESSUS_CSV)
    assert error.line == 4 and "expected 13 fields" in error.message and "found 4" in error.message


def test_csv_non_numeric_score_names_line_and_column() -> None:
    text = (
        (FIXTURES / "nessus_current.csv")
        .read_text(encoding="utf-8")
        .replace(",59,42,53,61,", ",5.9x,42,53,61,")
    )
    error = refuse(text.encode(), ScanFormat.NESSUS_CSV)
    assert error.line == 6  # rows start on lines 2, 5 and 6
    assert "'CVSS v3.0 Base Score'" in error.message and "not a number" in error.message


def test_csv_unterminated_quote_at_end_of_file() -> None:
    data = b'Plugin ID,CVE,Risk,Host,Port,Name\n1,,High,h,80,"never closed\n'
    error = refuse(data, ScanFormat.NESSUS_CSV)
    assert "never closed" in error.message and error.line == 2


def test_generic_csv_unknown_column_is_refused() -> None:
    error = refuse(b"hostname,title,severty\nh,t,high\n", ScanFormat.CSV)
    assert "'severty'" in error.message and error.line == 1


def test_generic_csv_row_without_asset() -> None:
    error = refuse(b"hostname,ip,title,severity\nh,,a,high\n,,b,low\n", ScanFormat.CSV)
    assert error.line == 3 and "no asset" in error.message


def test_generic_csv_bad_severity_and_epss() -> None:
    assert refuse(b"ip,title,severity\n10.0.0.1,a,severe\n", ScanFormat.CSV).line == 2
    error = refuse(b"ip,title,severity,epss\n10.0.0.1,a,high,42\n", ScanFormat.CSV)
    assert "'epss'" in error.message and "out of range" in error.message


def test_qualys_without_header() -> None:
    error = refuse(b'"IP","DNS"\n"10.0.0.1","x"\n', ScanFormat.QUALYS)
    # It names the columns it looks for and how many rows it read (issue 10, defect 7).
    assert "no header row naming the columns 'IP' and 'QID'" in error.message
    assert "its 2 row(s)" in error.message


def test_truncated_json_names_the_line() -> None:
    data = (FIXTURES / "sbom.cdx.json").read_bytes()[:700]
    error = refuse(data, ScanFormat.CYCLONEDX)
    assert "truncated" in error.message and error.line is not None


def test_cyclonedx_wrong_shape_names_the_path() -> None:
    data = b'{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-2020-1", "ratings": [{"score": "high"}]}]}'
    error = refuse(data, ScanFormat.CYCLONEDX)
    assert error.element == "vulnerabilities[0].ratings[0].score" and "not a number" in error.message


def test_sarif_wrong_version() -> None:
    error = refuse(b'{"version": "2.0.0", "runs": []}', ScanFormat.SARIF)
    assert error.element == "$.version"


def test_unrecognised_content_with_auto_detection() -> None:
    error = refuse(b"just,some,columns\n1,2,3\n", "auto", source="mystery.csv")
    assert "format not recognised" in error.message
    assert str(error).startswith("mystery.csv: ")


def test_size_limit() -> None:
    with pytest.raises(ScanFileError, match=r"over the 1\.0 KiB limit"):
        check_size(4096, 1024, "big.nessus")
    check_size(1024, 1024, "ok.nessus")
    path = FIXTURES / "small.nessus"
    assert check_file_size(path, 10_000) == path.stat().st_size
    with pytest.raises(ScanFileError):
        check_file_size(path, 100)


def test_stream_growing_past_the_limit_is_refused_while_reading() -> None:
    data = (FIXTURES / "small.nessus").read_bytes()
    with pytest.raises(ScanFileError, match="limit"):
        _, items = read_scan(io.BytesIO(data), source="upload", format="nessus", max_bytes=1000)
        list(items)


def test_unknown_format_name() -> None:
    with pytest.raises(ScanFileError, match="unknown format 'nmap'"):
        read_scan(io.BytesIO(b""), source="x", format="nmap")


def test_every_parser_refuses_an_empty_file() -> None:
    for fmt in ScanFormat:
        with pytest.raises(ScanFileError):
            list(PARSERS[fmt](io.BytesIO(b""), source="empty"))
