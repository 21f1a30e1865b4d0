"""Regime files: one YAML (or JSON) file per regulatory regime in REGIMES_DIR, named after its key.

A file is checked whole before use and refused with the file, the field path and what is wrong
(e.g. `nis2.yaml: deadlines[2].within.months: must be a whole number >= 1`). docs/clocks.md shows
the format.
"""

from __future__ import annotations

from pathlib import Path

from accord.engine.clocks.data_file import SUFFIXES, Fields, read_mapping
from accord.engine.clocks.errors import ClockInputError, InvalidClockFile
from accord.engine.clocks.offsets import BusinessDays, Offset, OffsetUnit
from accord.engine.clocks.regimes import MOMENTS, Cap, DeadlineRule, Regime
from accord.engine.clocks.working_calendar import check_region, wall_minutes, zone_named

REGIMES_DIR = Path(__file__).resolve().parent / "regimes"
_UNITS = tuple(unit.value for unit in OffsetUnit)


def load_regime(path: Path | str) -> Regime:
    """The regime in one file; raises `InvalidClockFile` naming the file and the bad field."""
    path = Path(path)
    top = Fields(path, "", read_mapping(path), required=("key", "name", "jurisdiction", "applies_when", "deadlines"))
    key = top.text("key")
    if key != path.stem:
        top.fail("key", f"{key!r} must match the file name {path.stem!r}, so --regime {path.stem} finds it")
    rules = top.mapping["deadlines"]
    if not isinstance(rules, list) or not rules:
        top.fail("deadlines", "must be a non-empty list of deadline rules")
    parsed = tuple(_rule(path, f"deadlines[{index}]", rule) for index, rule in enumerate(rules))
    keys = [rule.key for rule in parsed]
    for index, rule_key in enumerate(keys):
        if rule_key in keys[:index]:
            top.fail(f"deadlines[{index}].key", f"{rule_key!r} is used twice")
    return Regime(key=key, name=top.text("name"), jurisdiction=top.text("jurisdiction"),
                  applies_when=top.text("applies_when"), deadlines=parsed)


def load_regimes(folder: Path | str = REGIMES_DIR) -> dict[str, Regime]:
    """Every regime file in `folder` by key (files ending in .yaml, .yml or .json)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidClockFile(folder, "folder", "no such folder")
    files = sorted(path for path in folder.iterdir() if path.suffix in SUFFIXES and path.is_file())
    regimes: dict[str, Regime] = {}
    for path in files:
        regime = load_regime(path)
        if regime.key in regimes:
            raise InvalidClockFile(path, "key", f"{regime.key!r} is defined by another file too")
        regimes[regime.key] = regime
    return regimes


def _moment(fields: Fields, key: str) -> str:
    value = fields.mapping.get(key)
    if value not in MOMENTS:
        fields.fail(fields.name(key), f"{value!r} is not one of {', '.join(MOMENTS)}")
    return str(value)


def _rule(path: Path, where: str, mapping: object) -> DeadlineRule:
    fields = Fields(path, where, mapping, required=("key", "label", "starts_from", "within", "basis"),
                    optional=("note", "no_later_than"))
    cap = None
    if fields.mapping.get("no_later_than") is not None:
        cap_fields = Fields(path, fields.name("no_later_than"), fields.mapping["no_later_than"],
                            required=("starts_from", "within"))
        cap = Cap(starts_from=_moment(cap_fields, "starts_from"),
                  offset=_offset(path, cap_fields.name("within"), cap_fields.mapping["within"]))
    return DeadlineRule(
        key=fields.text("key"), label=fields.text("label"), starts_from=_moment(fields, "starts_from"),
        offset=_offset(path, fields.name("within"), fields.mapping["within"]), basis=fields.text("basis"),
        note=fields.optional_text("note") or "", no_later_than=cap,
    )


def _offset(path: Path, where: str, mapping: object) -> Offset:
    units = [unit for unit in _UNITS if isinstance(mapping, dict) and unit in mapping]
    if len(units) != 1:
        raise InvalidClockFile(path, where, f"must give exactly one of {', '.join(_UNITS)}")
    unit = OffsetUnit(units[0])
    if unit is OffsetUnit.HOURS:
        fields = Fields(path, where, mapping, required=("hours",))
        return Offset(fields.positive("hours"), unit)
    if unit is OffsetUnit.MONTHS:
        fields = Fields(path, where, mapping, required=("months",))
        return Offset(fields.count("months"), unit)
    fields = Fields(path, where, mapping, required=("business_days", "zone", "country"),
                    optional=("subdivision", "closed_days", "ends_at"))
    zone, country = fields.text("zone"), fields.text("country")
    subdivision = fields.optional_text("subdivision")
    ends_at = fields.mapping.get("ends_at", "24:00")
    try:
        zone_named(zone, fields.name("zone"))
        check_region(country, subdivision)
        wall_minutes(ends_at, fields.name("ends_at"))
    except ClockInputError as exc:
        field = exc.field if exc.field.startswith(where) else fields.name(exc.field)
        raise InvalidClockFile(path, field, exc.message) from None
    days = BusinessDays(zone=zone, country=country, subdivision=subdivision,
                        closed_days=fields.dates("closed_days"), ends_at=ends_at)
    return Offset(fields.count("business_days"), unit, days)
