"""Exports of the agreed plan: RFC 5545 calendar files and CSV change tickets with escaped cells."""

from __future__ import annotations

import csv
import io

import pytest

from accord.core.errors import ValidationFailed
from accord.patching import exports, services


@pytest.fixture
def agreed(plan, cio, ciso):
    services.sign_plan(actor=cio, plan=plan)
    services.sign_plan(actor=ciso, plan=plan)
    plan.refresh_from_db()
    return plan


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_values_are_escaped():
    assert exports.ical_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = exports.fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(physical)) == line


def test_only_an_agreed_plan_is_exported(plan, ciso):
    for export in (exports.tickets_csv, exports.plan_ics_files):
        with pytest.raises(ValidationFailed) as caught:
            export(ciso, plan)
        assert caught.value.problems[0].field == "status"


def test_one_calendar_file_per_window_with_its_changes(agreed, ciso):
    files = exports.plan_ics_files(ciso, agreed)
    used = set(agreed.items.exclude(window_key="").values_list("window_key", flat=True))
    assert sorted(f.window for f in files) == sorted(used)
    assert len({f.name for f in files}) == len(files)
    for f in files:
        assert f.text.endswith("\r\n") and "\n" not in f.text.replace("\r\n", "")
        assert all(len(line.encode()) <= 75 for line in f.text.split("\r\n"))
        lines = _unfold(f.text)
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
        names = [line.split(":", 1)[0] for line in lines if line]
        for required in ("VERSION", "PRODID", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION"):
            assert names.count(required) == 1, required
        props = dict(line.split(":", 1) for line in lines if line)
        assert props["DTSTART"].endswith("Z") and len(props["DTSTART"]) == 16
        assert props["DTSTART"] == f.start.strftime("%Y%m%dT%H%M%SZ")
        assert props["DTEND"] > props["DTSTART"]
    web = next(f for f in files if f.window.startswith(f"W{agreed.items.get(hostname='www-01').window_id}"))
    description = dict(line.split(":", 1) for line in _unfold(web.text) if line)["DESCRIPTION"]
    # the fix text has a semicolon and a comma: both escaped, newlines as \n
    assert '=HYPERLINK("x")\\; upgrade nginx\\, restart' in description
    assert "\\nChanges:\\n" in description


def test_change_tickets_escape_formula_cells(agreed, ciso):
    text = exports.tickets_csv(ciso, agreed)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(exports.TICKET_COLUMNS)
    assert len(rows) == agreed.items.exclude(window_key="").count()
    assert [r["ticket"] for r in rows] == [f"ACC-P{agreed.pk}-{n:04d}" for n in range(1, len(rows) + 1)]
    nginx = next(r for r in rows if r["asset"] == "www-01")
    assert nginx["action"].startswith("'=HYPERLINK")
    assert nginx["reboot"] == "yes" and nginx["service"] == "Website"
    for row in rows:
        assert not row["action"].startswith(("=", "+", "-", "@"))
        assert float(row["expected_loss_removed"]) > 0 and row["currency"] == "USD"  # the default currency
    openssl = next(r for r in rows if r["action"] == "Upgrade OpenSSL to 3.0.13")
    assert openssl["cves"] == "CVE-2024-0001 CVE-2024-0002" and len(openssl["findings"].split()) == 2


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+x", "'+x"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("plain", "plain"), ("a=b", "a=b"), (None, ""),
])
def test_safe_cell(value, expected):
    assert exports.safe_cell(value) == expected
