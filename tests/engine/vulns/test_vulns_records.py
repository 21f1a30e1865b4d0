"""Fingerprints, scaled numbers, byte counting and streaming memory."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest

from accord.engine.vulns.detect import read_scan
from accord.engine.vulns.parsers import PARSERS, ScanFormat
from accord.engine.vulns.parsers._values import CellError, ScaledNumbers
from accord.engine.vulns.records import ScanFinding, Severity
from accord.engine.vulns.streams import counting_stream

FIXTURES = Path(__file__).parent / "fixtures"

BASE = ScanFinding(
    source_format="nessus",
    scanner="nessus",
    rule_id="200162",
    title="PHP < 8.2.20",
    severity=Severity.CRITICAL,
    hostname="erp-db-01.corp.example",
    ip="10.20.0.15",
    port=443,
    protocol="tcp",
    cves=("CVE-2024-4577",),
)


def test_fingerprint_is_a_fixed_hash() -> None:
    # Pinned: changing the recipe would reopen every stored finding, so it must be deliberate.
    # sha256("erp-db-01.corp.example" US "nessus" US "200162" US "CVE-2024-4577" US "tcp/443")
    expected = hashlib.sha256(
        "\x1f".join(["erp-db-01.corp.example", "nessus", "200162", "CVE-2024-4577", "tcp/443"]).encode()
    )
    assert BASE.fingerprint() == expected.hexdigest()
    assert BASE.fingerprint() == "332f583438784920e9a3b8a50fba964614ebc825efe1debfd5b4e2f50385cbce"


def test_fingerprint_ignores_presentation_and_scores() -> None:
    reworded = dataclasses.replace(
        BASE, title="PHP 8.2.x < 8.2.20 Multiple Vulnerabilities", severity=Severity.HIGH, cvss3_score=9.8,
        epss=0.9, evidence="other output", source_format="nessus-csv", origin="line 9",
    )  # fmt: skip
    assert reworded.fingerprint() == BASE.fingerprint()
    assert dataclasses.replace(BASE, hostname="ERP-DB-01.corp.example").fingerprint() == BASE.fingerprint()


@pytest.mark.parametrize(
    "change",
    [
        {"hostname": "erp-db-02.corp.example"},
        {"rule_id": "200163"},
        {"cves": ("CVE-2024-5458",)},
        {"port": 8443},
        {"protocol": "udp"},
        {"scanner": "qualys"},
    ],
)
def test_fingerprint_changes_with_identity(change: dict[str, object]) -> None:
    assert dataclasses.replace(BASE, **change).fingerprint() != BASE.fingerprint()  # type: ignore[arg-type]


def test_multi_cve_checks_are_identified_by_rule() -> None:
    two = dataclasses.replace(BASE, cves=("CVE-2024-4577", "CVE-2024-5458"))
    three = dataclasses.replace(BASE, cves=("CVE-2024-4577", "CVE-2024-5458", "CVE-2024-5585"))
    assert two.key_cve == "" and two.fingerprint() == three.fingerprint()


def test_caller_asset_key_replaces_names() -> None:
    by_ip = dataclasses.replace(BASE, hostname="")
    assert by_ip.fingerprint() != BASE.fingerprint()
    assert by_ip.fingerprint(asset_key="asset:17") == BASE.fingerprint(asset_key="asset:17")


def test_code_findings_use_location_key() -> None:
    code = ScanFinding(
        source_format="sarif", scanner="CodeQL", rule_id="py/sql-injection", title="t", severity=Severity.HIGH,
        application="checkout-api", location="src/a.py:42", location_key="src/a.py#hash=1",
    )  # fmt: skip
    moved = dataclasses.replace(code, location="src/a.py:57")
    assert moved.fingerprint() == code.fingerprint()
    assert code.asset_kind == "application" and BASE.asset_kind == "host"


def test_parsing_twice_gives_the_same_fingerprints() -> None:
    for name, fmt in [
        ("small.nessus", ScanFormat.NESSUS),
        ("code.sarif", ScanFormat.SARIF),
        ("qualys.csv", ScanFormat.QUALYS),
    ]:
        runs = [
            [f.fingerprint() for f in PARSERS[fmt]((FIXTURES / name).open("rb"), source=name)]
            for _ in range(2)
        ]
        assert runs[0] == runs[1] and len(set(runs[0])) == len(runs[0])


def test_scaled_numbers_decide_per_file() -> None:
    scaled = ScaledNumbers()
    assert [scaled.score("75"), scaled.score("9"), scaled.probability("3833")] == [7.5, 0.9, 0.3833]
    plain = ScaledNumbers()
    assert [plain.score("7.5"), plain.score("9"), plain.score("10")] == [7.5, 9.0, 10.0]
    with pytest.raises(CellError, match="out of range"):
        plain.score("75")
    undecided = ScaledNumbers()
    assert undecided.score("10") == 10.0 and undecided.score("") is None
    with pytest.raises(CellError, match="not a number"):
        ScaledNumbers().score("7.5.1")


def test_progress_callback_sees_every_byte() -> None:
    data = (FIXTURES / "small.nessus").read_bytes()
    seen: list[int] = []
    _, items = read_scan(io.BytesIO(data), source="s", on_progress=seen.append)
    assert len(list(items)) == 3
    assert seen and seen[-1] == len(data) and seen == sorted(seen)
    stream = counting_stream(io.BytesIO(b"abc\ndef\n"))
    assert stream.readline() == b"abc\n"


def _nessus_csv(rows: int) -> bytes:
    header = (
        "Plugin ID,CVE,CVSS v3.0 Base Score,Risk,Host,Protocol,Port,Name,Synopsis,Plugin Output,EPSS Score\n"
    )
    body = "".join(
        f"{10000 + i % 500},CVE-2024-{i:05d},75,High,10.0.{i // 250 % 256}.{i % 250},tcp,443,Check {i % 500},"
        f'"Synopsis {i}","line one\nline two {i}",{i % 10000}\n'
        for i in range(rows)
    )
    return (header + body).encode()


def _peak_while_parsing(data: bytes) -> tuple[int, int]:
    stream = io.BytesIO(data)
    tracemalloc.start()
    try:
        count = sum(1 for _ in PARSERS[ScanFormat.NESSUS_CSV](stream, source="gen.csv"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_memory_stays_flat_as_the_file_grows() -> None:
    small, large = _nessus_csv(2_000), _nessus_csv(20_000)
    count_small, peak_small = _peak_while_parsing(small)
    count_large, peak_large = _peak_while_parsing(large)
    assert (count_small, count_large) == (2_000, 20_000)
    # Ten times the rows, about the same peak: nothing accumulates per finding.
    assert peak_large < 2 * peak_small + 256 * 1024, (peak_small, peak_large)
