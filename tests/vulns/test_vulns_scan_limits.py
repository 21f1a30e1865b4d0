"""Scanner values longer than their column are refused with file, line and field, never cut (issue 15)."""

from __future__ import annotations

import io

import pytest

from accord.engine.vulns.detect import read_scan
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.validate import MAX_LENGTHS
from accord.org.models import Asset
from accord.vulns.models import Finding


def _read(text: str) -> list:
    _, findings = read_scan(io.BytesIO(text.encode()), source="scan.csv")
    return list(findings)


@pytest.mark.parametrize(("column", "value"), [("title", "T" * 501), ("hostname", "h" * 254)])
def test_an_over_long_value_is_refused_naming_line_and_field(column, value):
    row = {"hostname": "web-01", "title": "Old TLS", "severity": "high", "rule_id": "r1", column: value}
    text = "hostname,title,severity,rule_id\n" + ",".join(row[c] for c in ("hostname", "title", "severity", "rule_id"))
    with pytest.raises(ScanFileError) as refused:
        _read(text + "\n")
    assert "line 2" in str(refused.value)
    assert f"{column}: is {len(value)} characters long; at most {MAX_LENGTHS[column]}" in str(refused.value)


def test_values_as_long_as_their_column_are_read_whole():
    (finding,) = _read(f"hostname,title,severity,rule_id\n{'h' * 253},{'T' * 500},high,r1\n")
    assert (len(finding.hostname), len(finding.title)) == (253, 500)


@pytest.mark.parametrize("port", ["-1", "65536"])
def test_a_port_outside_0_to_65535_is_refused(port):
    with pytest.raises(ScanFileError, match=f"port: {port} is out of range 0-65535"):
        _read(f"hostname,title,severity,rule_id,port\nweb-01,Old TLS,high,r1,{port}\n")


def test_the_limits_are_the_columns_lengths():
    """The engine cannot import the models; this holds its limits equal to the columns that store them."""
    columns = {name: Finding._meta.get_field(name).max_length for name in MAX_LENGTHS
               if name not in ("hostname", "application")}
    columns["hostname"] = columns["application"] = Asset._meta.get_field("hostname").max_length
    assert columns == MAX_LENGTHS
