"""Named working calendars kept as data (calendars.yaml next to the regimes), for the command line
and as ready-made calendars for the apps.

Each entry: `zone`, optional `country`/`subdivision` (codes of the `holidays` package),
`extra_closed_days`, and `hours` as a list of {days: mon-fri, from: "09:00", to: "17:00"}.
"""

from __future__ import annotations

from pathlib import Path

from accord.engine.clocks.data_file import Fields, read_mapping
from accord.engine.clocks.errors import ClockInputError, InvalidClockFile
from accord.engine.clocks.working_calendar import WEEKDAYS, WorkingCalendar

CALENDARS_FILE = Path(__file__).resolve().parent / "calendars.yaml"


def load_calendars(path: Path | str = CALENDARS_FILE) -> dict[str, WorkingCalendar]:
    """Every calendar in a calendars file by name; raises `InvalidClockFile` naming the bad field."""
    path = Path(path)
    return {str(name): calendar_from_mapping(path, str(name), entry) for name, entry in read_mapping(path).items()}


def calendar_from_mapping(path: Path, name: str, mapping: object) -> WorkingCalendar:
    fields = Fields(path, name, mapping, required=("zone", "hours"),
                    optional=("country", "subdivision", "extra_closed_days", "description"))
    entries = fields.mapping["hours"]
    if not isinstance(entries, list) or not entries:
        fields.fail(fields.name("hours"), 'must be a list of {days: mon-fri, from: "09:00", to: "17:00"}')
    hours: list[tuple[int, str, str]] = []
    for index, entry in enumerate(entries):
        where = f"{fields.name('hours')}[{index}]"
        interval = Fields(path, where, entry, required=("days", "from", "to"))
        hours.extend((weekday, interval.mapping["from"], interval.mapping["to"])
                     for weekday in _weekdays(path, f"{where}.days", interval.mapping["days"]))
    try:
        return WorkingCalendar(name=name, zone=fields.text("zone"), hours=tuple(hours),
                               country=fields.optional_text("country"),
                               subdivision=fields.optional_text("subdivision"),
                               extra_closed_days=fields.dates("extra_closed_days"))
    except ClockInputError as exc:
        raise InvalidClockFile(path, fields.name(exc.field), exc.message) from None


def _weekdays(path: Path, field: str, spec: object) -> list[int]:
    """Weekdays from "mon-fri", "sat", "mon,wed,fri" or "mon-sun" (0 = Monday)."""
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidClockFile(path, field, f"{spec!r} is not a day list such as mon-fri or mon,wed,fri")
    found: list[int] = []
    for part in spec.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise InvalidClockFile(path, field, f"{part!r} is not a day ({', '.join(WEEKDAYS)}) or range (mon-fri)")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if end < start:
            raise InvalidClockFile(path, field, f"{part!r} runs backwards; write it from Monday on")
        found.extend(range(start, end + 1))
    return found
