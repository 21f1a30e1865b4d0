"""Regulatory clocks: every rule of GDPR, NIS2, SEC and DORA on worked examples, and regime files
(a new regime is a file; a bad file is refused naming the file and the field)."""

from __future__ import annotations

import fnmatch
import json
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from accord.engine.clocks import (
    CALENDARS_FILE,
    REGIMES_DIR,
    ClockInputError,
    InvalidClockFile,
    MissingMoments,
    add_months,
    load_calendars,
    load_regime,
    load_regimes,
    regime_deadlines,
)

REGIMES = load_regimes()
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def by_key(deadlines):
    return {deadline.key: deadline for deadline in deadlines}


def test_the_four_regimes_ship_with_a_legal_basis_on_every_rule():
    assert set(REGIMES) == {"gdpr", "nis2", "sec", "dora"}
    for regime in REGIMES.values():
        for rule in regime.deadlines:
            assert rule.basis and rule.note and ("Art." in rule.basis or "Item" in rule.basis)


def test_regime_and_calendar_files_are_package_data():
    """pyproject's package-data globs must cover every data file, or an installed Accord has no regimes."""
    root = Path(__file__).resolve().parents[3]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package_dir = root / "src" / "accord" / "engine" / "clocks"
    patterns = package_data.get("accord.engine.clocks", []) + package_data.get("*", [])
    files = [*REGIMES_DIR.iterdir(), CALENDARS_FILE]
    assert len(files) >= 5
    for path in files:
        relative = path.relative_to(package_dir).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


# --- GDPR -----------------------------------------------------------------------------------------


def test_gdpr_72_hours_run_through_the_weekend():
    assert date(2026, 12, 4).weekday() == 4  # a Friday
    (deadline,) = regime_deadlines(REGIMES["gdpr"], aware=utc(2026, 12, 4, 16))
    assert deadline.key == "supervisory_authority"
    assert deadline.due == utc(2026, 12, 7, 16)
    assert deadline.basis == "Regulation (EU) 2016/679 (GDPR), Art. 33(1)"
    assert deadline.starts_from == "aware" and deadline.within == "72 hours" and deadline.capped_by == ""


def test_gdpr_counts_elapsed_hours_across_a_clock_change():
    # Aware Saturday 12:00 CEST; the clocks go back on Sunday 2026-10-25: due Tuesday 11:00 CET.
    (deadline,) = regime_deadlines(REGIMES["gdpr"], aware=datetime(2026, 10, 24, 12, tzinfo=ZoneInfo("Europe/Berlin")))
    assert deadline.due == utc(2026, 10, 27, 10)
    assert deadline.due.tzinfo is UTC


# --- NIS2 -----------------------------------------------------------------------------------------


def test_nis2_early_warning_and_notification_from_awareness():
    found = regime_deadlines(REGIMES["nis2"], aware=utc(2026, 12, 4, 16))
    assert [d.key for d in found] == ["early_warning", "incident_notification"]  # final report needs `notified`
    assert found[0].due == utc(2026, 12, 5, 16) and found[0].basis.endswith("Art. 23(4)(a)")
    assert found[1].due == utc(2026, 12, 7, 16) and found[1].basis.endswith("Art. 23(4)(b)")


@pytest.mark.parametrize(("notified", "due"), [
    (utc(2026, 5, 15, 9), utc(2026, 6, 15, 9)),
    (utc(2027, 1, 31, 10), utc(2027, 2, 28, 10)),  # no 31 February: the month's last day
    (utc(2028, 1, 31, 10), utc(2028, 2, 29, 10)),  # a leap year
    (utc(2026, 12, 15, 9), utc(2027, 1, 15, 9)),  # across the year end
])
def test_nis2_final_report_one_month_after_the_notification(notified, due):
    final = by_key(regime_deadlines(REGIMES["nis2"], aware=utc(2026, 1, 1), notified=notified))["final_report"]
    assert final.due == due
    assert final.starts_from == "notified" and final.basis.endswith("Art. 23(4)(d)") and final.within == "1 month"


# --- SEC ------------------------------------------------------------------------------------------


def test_sec_four_business_days_skip_thanksgiving_and_the_weekend():
    # Determined Wednesday 2026-11-25; Thursday 26 is Thanksgiving: Fri 27, Mon 30, Tue 1, Wed 2.
    (deadline,) = regime_deadlines(REGIMES["sec"], aware=utc(2026, 11, 20), determined=new_york(2026, 11, 25, 15))
    assert deadline.due == new_york(2026, 12, 2, 17, 30) == utc(2026, 12, 2, 22, 30)
    assert "Item 1.05" in deadline.basis and deadline.within == "4 business days (US)"


def test_sec_takes_the_determination_date_in_new_york():
    # 03:00 UTC on Thursday is still Wednesday evening in New York.
    (deadline,) = regime_deadlines(REGIMES["sec"], aware=utc(2026, 11, 20), determined=utc(2026, 11, 26, 3))
    assert deadline.due == new_york(2026, 12, 2, 17, 30)


@pytest.mark.parametrize(("determined", "due"), [
    (new_york(2026, 11, 28, 11), new_york(2026, 12, 3, 17, 30)),  # a Saturday: Mon 30 is day one
    (new_york(2026, 11, 26, 11), new_york(2026, 12, 2, 17, 30)),  # on Thanksgiving: Fri 27 is day one
    (new_york(2026, 7, 2, 11), new_york(2026, 7, 9, 17, 30)),  # Fri 3 July observes Independence Day
    (new_york(2026, 12, 7, 9), new_york(2026, 12, 11, 17, 30)),  # an ordinary Monday: Friday
])
def test_sec_business_days_around_weekends_and_federal_holidays(determined, due):
    (deadline,) = regime_deadlines(REGIMES["sec"], aware=utc(2026, 1, 1), determined=determined)
    assert deadline.due == due


def test_sec_needs_the_determination():
    with pytest.raises(MissingMoments) as raised:
        regime_deadlines(REGIMES["sec"], aware=utc(2026, 11, 20))
    assert raised.value.moments == ("determined",)
    assert "determined" in str(raised.value) and isinstance(raised.value, ValueError)


# --- DORA -----------------------------------------------------------------------------------------


def test_dora_initial_notification_four_hours_after_classification():
    found = by_key(regime_deadlines(REGIMES["dora"], aware=utc(2026, 12, 4, 16), classified=utc(2026, 12, 4, 18)))
    initial = found["initial_notification"]
    assert initial.due == utc(2026, 12, 4, 22) and initial.capped_by == ""
    assert "2025/301, Art. 5(1)(a)" in initial.basis and "Art. 19(4)(a)" in initial.basis


def test_dora_24_hours_from_awareness_caps_four_hours_from_classification():
    found = by_key(regime_deadlines(REGIMES["dora"], aware=utc(2026, 12, 4, 16), classified=utc(2026, 12, 5, 14)))
    initial = found["initial_notification"]
    assert initial.due == utc(2026, 12, 5, 16)  # not 18:00
    assert initial.capped_by == "24 hours after aware"


def test_dora_classified_after_the_first_24_hours_still_gets_four_hours():
    # Delegated Regulation (EU) 2025/301, Art. 5(2).
    found = by_key(regime_deadlines(REGIMES["dora"], aware=utc(2026, 12, 4, 16), classified=utc(2026, 12, 6, 10)))
    assert found["initial_notification"].due == utc(2026, 12, 6, 14)
    assert found["initial_notification"].capped_by == ""


def test_dora_intermediate_72_hours_after_the_initial_notification():
    found = by_key(regime_deadlines(REGIMES["dora"], aware=utc(2026, 12, 4, 16), initial_notified=utc(2026, 12, 5, 15)))
    assert set(found) == {"intermediate_report"}
    assert found["intermediate_report"].due == utc(2026, 12, 8, 15)
    assert "Art. 5(1)(b)" in found["intermediate_report"].basis


def test_dora_final_report_one_month_after_the_last_intermediate_at_a_month_end():
    found = by_key(regime_deadlines(REGIMES["dora"], aware=utc(2027, 1, 20), last_intermediate=utc(2027, 1, 31, 9)))
    assert found["final_report"].due == utc(2027, 2, 28, 9)
    assert "Art. 5(1)(c)" in found["final_report"].basis


def test_dora_every_deadline_once_every_moment_is_known_earliest_first():
    found = regime_deadlines(
        REGIMES["dora"], aware=utc(2026, 12, 4, 16), classified=utc(2026, 12, 4, 18),
        initial_notified=utc(2026, 12, 4, 21), last_intermediate=utc(2026, 12, 7, 12),
    )
    assert [(d.key, d.due) for d in found] == [
        ("initial_notification", utc(2026, 12, 4, 22)),
        ("intermediate_report", utc(2026, 12, 7, 21)),
        ("final_report", utc(2027, 1, 7, 12)),
    ]


def test_dora_with_only_awareness_names_every_missing_moment():
    with pytest.raises(MissingMoments) as raised:
        regime_deadlines(REGIMES["dora"], aware=utc(2026, 12, 4, 16))
    assert raised.value.moments == ("classified", "initial_notified", "last_intermediate")


def test_naive_moments_are_refused():
    with pytest.raises(ClockInputError) as raised:
        regime_deadlines(REGIMES["gdpr"], aware=datetime(2026, 12, 4, 16))  # noqa: DTZ001
    assert raised.value.field == "aware"


@pytest.mark.parametrize(("start", "months", "expected"), [
    (utc(2026, 1, 31), 1, utc(2026, 2, 28)),
    (utc(2026, 3, 31), 1, utc(2026, 4, 30)),
    (utc(2026, 11, 30), 3, utc(2027, 2, 28)),
    (utc(2026, 8, 31, 23, 59), 6, utc(2027, 2, 28, 23, 59)),
])
def test_add_months_clamps_to_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


# --- regime files ---------------------------------------------------------------------------------


EXAMPLE = """
key: example
name: Example regime
jurisdiction: Nowhere
applies_when: Always
deadlines:
  - key: notice
    label: Notice to the regulator
    starts_from: aware
    within: {hours: 48}
    basis: Example Act, s. 1
  - key: follow_up
    label: Follow-up
    starts_from: notified
    within: {business_days: 2, zone: Europe/Berlin, country: DE, subdivision: BE, ends_at: "12:00", closed_days: [2026-12-08]}
    no_later_than: {starts_from: aware, within: {months: 1}}
    basis: Example Act, s. 2
"""


def test_a_new_regime_is_a_file(tmp_path):
    folder = tmp_path / "regimes"
    folder.mkdir()
    (folder / "example.yaml").write_text(EXAMPLE)
    regime = load_regimes(folder)["example"]
    found = by_key(regime_deadlines(regime, aware=utc(2026, 12, 4, 16), notified=utc(2026, 12, 5, 10)))
    assert found["notice"].due == utc(2026, 12, 6, 16)
    # Saturday 5 Dec: Mon 7 is day one, Tue 8 is closed, Wed 9 is day two; 12:00 Berlin.
    assert found["follow_up"].due == utc(2026, 12, 9, 11)
    assert found["follow_up"].within == "2 business days (DE-BE)"


def test_a_regime_may_be_json(tmp_path):
    import yaml

    path = tmp_path / "example.json"
    document = yaml.safe_load(EXAMPLE)
    document["deadlines"][1]["within"]["closed_days"] = ["2026-12-08"]
    path.write_text(json.dumps(document))
    assert load_regime(path).deadlines[1].offset.business_days.closed_days == (date(2026, 12, 8),)


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ("starts_from: aware\n    within: {hours: 48}", "starts_from: awake\n    within: {hours: 48}",
     "deadlines[0].starts_from", "is not one of aware"),
    ("within: {hours: 48}", "within: {hours: 48, months: 1}", "deadlines[0].within", "exactly one of"),
    ("within: {hours: 48}", "within: {hours: -4}", "deadlines[0].within.hours", "must be a number > 0"),
    ("within: {hours: 48}", "within: {months: 0.5}", "deadlines[0].within.months", "whole number"),
    ("basis: Example Act, s. 1", "basis: Example Act, s. 1\n    colour: red", "deadlines[0].colour", "unknown field"),
    ("    basis: Example Act, s. 1\n", "", "deadlines[0].basis", "missing"),
    ("key: example", "key: other", "key", "must match the file name"),
    ('ends_at: "12:00"', "ends_at: 12:00", "deadlines[1].within.ends_at", 'quote it'),
    ("country: DE,", "country: NO,", "deadlines[1].within.country", "non-empty text"),  # YAML reads NO as false
    ("subdivision: BE", "subdivision: XX", "deadlines[1].within.subdivision", "subdivision"),
    ("zone: Europe/Berlin", "zone: Europe/Berlim", "deadlines[1].within.zone", "IANA"),
    ("closed_days: [2026-12-08]", "closed_days: [2026-13-08]", "deadlines[1].within.closed_days[0]", "not a date"),
    ("no_later_than: {starts_from: aware,", "no_later_than: {starts_from: later,",
     "deadlines[1].no_later_than.starts_from", "is not one of"),
    ("deadlines:", "deadlines: []\nx:", "x", "unknown field"),
])
def test_a_bad_regime_file_is_refused_naming_the_file_and_field(tmp_path, old, new, field, message):
    assert old in EXAMPLE
    path = tmp_path / "example.yaml"
    path.write_text(EXAMPLE.replace(old, new))
    with pytest.raises(InvalidClockFile) as raised:
        load_regime(path)
    assert raised.value.field == field, str(raised.value)
    assert message in raised.value.message
    assert str(raised.value).startswith(f"{path}: {field}: ")


def test_unreadable_files_are_refused(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: broken\ndeadlines: [\n")
    with pytest.raises(InvalidClockFile, match="not valid YAML") as raised:
        load_regime(broken)
    assert raised.value.field.startswith("line ")
    listing = tmp_path / "listing.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(InvalidClockFile, match="mapping"):
        load_regime(listing)
    with pytest.raises(InvalidClockFile, match="no such file"):
        load_regime(tmp_path / "absent.yaml")
    with pytest.raises(InvalidClockFile, match="must end in"):
        load_regime(tmp_path / "regime.txt")
    with pytest.raises(InvalidClockFile, match="no such folder"):
        load_regimes(tmp_path / "absent")


def test_two_files_with_one_key_are_refused(tmp_path):
    (tmp_path / "example.yaml").write_text(EXAMPLE)
    (tmp_path / "example.yml").write_text(EXAMPLE)
    with pytest.raises(InvalidClockFile, match="defined by another file"):
        load_regimes(tmp_path)


# --- calendar files -------------------------------------------------------------------------------


def test_the_built_in_calendars():
    calendars = load_calendars()
    assert set(calendars) >= {"de-be", "us-ny", "uk", "utc-247"}
    assert calendars["de-be"].zone == "Europe/Berlin" and calendars["de-be"].subdivision == "BE"
    assert len(calendars["utc-247"].hours) == 7


@pytest.mark.parametrize(("text", "field"), [
    ('x:\n  zone: UTC\n  hours: [{days: mon-fri, from: "09:00", to: "17:00"}]\n  colour: red\n', "x.colour"),
    ('x:\n  zone: UTC\n  hours: [{days: mon-frx, from: "09:00", to: "17:00"}]\n', "x.hours[0].days"),
    ('x:\n  zone: UTC\n  hours: [{days: fri-mon, from: "09:00", to: "17:00"}]\n', "x.hours[0].days"),
    ('x:\n  zone: UTC\n  hours: [{days: mon, from: "09:00"}]\n', "x.hours[0].to"),
    ('x:\n  zone: UTC\n  hours: [{days: mon, from: "09:00", to: "08:00"}]\n', "x.hours[0]"),
    ('x:\n  zone: Mars/Olympus\n  hours: [{days: mon, from: "09:00", to: "17:00"}]\n', "x.zone"),
    ('x:\n  zone: UTC\n  country: DE\n  subdivision: QQ\n  hours: [{days: mon, from: "09:00", to: "17:00"}]\n',
     "x.subdivision"),
])
def test_a_bad_calendar_file_names_the_field(tmp_path, text, field):
    path = tmp_path / "calendars.yaml"
    path.write_text(text)
    with pytest.raises(InvalidClockFile) as raised:
        load_calendars(path)
    assert raised.value.field == field, str(raised.value)
