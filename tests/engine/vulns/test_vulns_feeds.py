"""CISA KEV catalogue and FIRST EPSS daily file."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from accord.engine.vulns.errors import FeedFileError
from accord.engine.vulns.feeds import EpssScore, parse_kev, read_epss

FIXTURES = Path(__file__).parent / "fixtures"


def test_kev_catalogue() -> None:
    with (FIXTURES / "kev.json").open("rb") as stream:
        catalog = parse_kev(stream, source="kev.json")
    assert catalog.catalog_version == "2025.03.01"
    assert catalog.date_released == datetime(2025, 3, 1, 17, 0, 12, 481300, tzinfo=UTC)
    php = catalog.by_cve()["CVE-2024-4577"]
    assert php.date_added == date(2024, 6, 12)
    assert php.due_date == date(2024, 7, 3)
    assert php.known_ransomware_campaign_use == "Known" and php.ransomware
    assert php.cwes == ("CWE-78",)
    exchange = catalog.by_cve()["CVE-2021-26855"]
    assert not exchange.ransomware and exchange.cwes == ()
    assert "CVE-2099-0001" not in catalog.by_cve()  # missing is a known state, not an error


@pytest.mark.parametrize(
    ("entry", "path", "message"),
    [
        ('{"cveID": "CVE-2024-1", "dateAdded": "2024-01-01"}', "vulnerabilities[1].cveID", "not a CVE id"),
        (
            '{"cveID": "CVE-2024-12345", "dateAdded": "01/02/2024"}',
            "vulnerabilities[1].dateAdded",
            "not a date",
        ),
        ('{"cveID": "CVE-2024-12345"}', "vulnerabilities[1].dateAdded", "missing"),
        (
            '{"cveID": "CVE-2024-12345", "dateAdded": "2024-01-01", "dueDate": "soon"}',
            "vulnerabilities[1].dueDate",
            "not a date",
        ),
    ],
)
def test_kev_bad_entry_names_its_path(entry: str, path: str, message: str) -> None:
    good = '{"cveID": "CVE-2024-0001", "dateAdded": "2024-01-01", "dueDate": "2024-01-22"}'
    data = f'{{"catalogVersion": "x", "vulnerabilities": [{good}, {entry}]}}'.encode()
    with pytest.raises(FeedFileError) as caught:
        parse_kev(io.BytesIO(data), source="kev.json")
    assert caught.value.element == path and message in caught.value.message


def test_epss_comment_line_and_rows() -> None:
    with (FIXTURES / "epss.csv").open("rb") as stream:
        feed = read_epss(stream, source="epss.csv")
        rows = list(feed.scores)
    assert feed.model_version == "v2025.03.14"
    assert feed.score_date == datetime(2025, 8, 25, 12, 55, tzinfo=UTC)
    assert rows[1] == EpssScore("CVE-2023-48795", 0.5521, 0.97912)
    assert len(rows) == 3


def test_epss_gzip_is_read_transparently() -> None:
    packed = gzip.compress((FIXTURES / "epss.csv").read_bytes())
    feed = read_epss(io.BytesIO(packed), source="epss.csv.gz")
    assert feed.model_version == "v2025.03.14" and len(list(feed.scores)) == 3


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n", 1, "model_version"),
        ("#model_version:v1,score_date:yesterday\ncve,epss,percentile\n", 1, "score_date"),
        ("#model_version:v1,score_date:2025-01-01T00:00:00Z\ncve,score\n", 2, "header"),
        (
            "#model_version:v1,score_date:2025-01-01T00:00:00Z\ncve,epss,percentile\nCVE-2024-0001,0.1,0.2\nCVE-2024-0002,high,0.2\n",
            4,
            "numbers",
        ),
        (
            "#model_version:v1,score_date:2025-01-01T00:00:00Z\ncve,epss,percentile\nCVE-2024-0001,1.5,0.2\n",
            3,
            "between 0 and 1",
        ),
        (
            "#model_version:v1,score_date:2025-01-01T00:00:00Z\ncve,epss,percentile\nGHSA-1,0.1,0.2\n",
            3,
            "not a CVE",
        ),
    ],
)
def test_epss_malformed(text: str, line: int, message: str) -> None:
    with pytest.raises(FeedFileError) as caught:
        list(read_epss(io.BytesIO(text.encode()), source="epss.csv").scores)
    assert caught.value.line == line and message in caught.value.message
