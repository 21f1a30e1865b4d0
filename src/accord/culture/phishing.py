"""Reading a phishing platform's per-recipient results from CSV (docs/culture.md, "Phishing results").

Two layouts are read, told apart by their header:

- GoPhish's campaign results export ("Export CSV" on a campaign): id, status, ip, latitude, longitude,
  send_date, reported, modified_date, email, first_name, last_name, position. A recipient's status is
  the furthest step they reached (Email Sent, Email Opened, Clicked Link, Submitted Data); reporting the
  email sets `reported` (older releases set the status Email Reported instead).
- A plain layout any other platform's export maps onto: email, clicked, reported, and optionally
  delivered, opened, submitted_data, sent_at, with yes/no (or true/false, 1/0) cells.

Every problem names its line and column, and one problem refuses the whole file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accord.core.csv_files import ProblemList, decoded_lines, read_rows, unescape_cell
from accord.core.errors import Problem, ValidationFailed

GOPHISH, PLAIN = "gophish", "plain"

GOPHISH_COLUMNS = ("id", "status", "ip", "latitude", "longitude", "send_date", "reported", "modified_date",
                   "email", "first_name", "last_name", "position")
PLAIN_COLUMNS = ("email", "delivered", "opened", "clicked", "submitted_data", "reported", "sent_at",
                 "first_name", "last_name", "position")

# GoPhish status -> (delivered, opened, clicked, submitted data). The steps before sending and a
# failed send are recipients the exercise never reached: they are left out of the rates.
GOPHISH_STATUSES: dict[str, tuple[bool, bool, bool, bool]] = {
    "email sent": (True, False, False, False),
    "email opened": (True, True, False, False),
    "clicked link": (True, True, True, False),
    "submitted data": (True, True, True, True),
    "email reported": (True, False, False, False),
    "error": (False, False, False, False),
    "error sending email": (False, False, False, False),
    "scheduled": (False, False, False, False),
    "sending": (False, False, False, False),
    "retrying": (False, False, False, False),
    "queued": (False, False, False, False),
}
TRUE_WORDS, FALSE_WORDS = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class Recipient:
    email: str
    delivered: bool
    opened: bool
    clicked: bool
    submitted_data: bool
    reported: bool
    sent_at: datetime | None


def layout_of(raw: bytes, filename: str) -> str:
    """GOPHISH when the header has GoPhish's status column, else PLAIN."""
    first = next(iter(decoded_lines(raw, filename)), "")
    header = next(csv.reader([first]), [])
    return GOPHISH if "status" in {h.strip().lower() for h in header} else PLAIN


def _flag(value: str, line: int, column: str, problems: ProblemList) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        problems.add(line, column, f"{value!r} is not yes or no")
    return False


def _moment(value: str, line: int, column: str, problems: ProblemList) -> datetime | None:
    text = value.strip()
    if not text or text.startswith("0001-01-01"):  # GoPhish writes Go's zero time for "not yet"
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        problems.add(line, column, f"{value!r} is not a date and time (ISO 8601, e.g. 2026-03-02T09:15:00Z)")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _email(value: str, line: int, problems: ProblemList) -> str | None:
    email = unescape_cell(value.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        problems.add(line, "email", f"{value!r} is not an email address")
        return None
    return email


def _gophish_row(line: int, cells: dict[str, str], problems: ProblemList) -> Recipient | None:
    email = _email(cells["email"], line, problems)
    status = cells["status"].strip().lower()
    steps = GOPHISH_STATUSES.get(status)
    if steps is None:
        problems.add(line, "status", f"{cells['status']!r} is not a GoPhish result status "
                                     "(Email Sent, Email Opened, Clicked Link, Submitted Data, Error, ...)")
    reported = _flag(cells.get("reported", ""), line, "reported", problems) or status == "email reported"
    sent_at = _moment(cells.get("send_date", ""), line, "send_date", problems)
    if email is None or steps is None:
        return None
    delivered, opened, clicked, submitted = steps
    return Recipient(email, delivered, opened, clicked, submitted, reported and delivered, sent_at)


def _plain_row(line: int, cells: dict[str, str], problems: ProblemList) -> Recipient | None:
    email = _email(cells["email"], line, problems)
    flags = {c: _flag(cells[c], line, c, problems) for c in ("opened", "clicked", "submitted_data", "reported")
             if c in cells}
    delivered = _flag(cells["delivered"], line, "delivered", problems) if cells.get("delivered", "").strip() else True
    if not delivered and any(flags.values()):
        problems.add(line, "delivered", "no, yet the recipient opened, clicked or reported it")
    sent_at = _moment(cells.get("sent_at", ""), line, "sent_at", problems)
    if email is None:
        return None
    submitted = flags.get("submitted_data", False)
    clicked = flags["clicked"] or submitted
    return Recipient(email, delivered, flags.get("opened", False) or clicked, clicked, submitted,
                     flags["reported"], sent_at)


def read_results(raw: bytes, filename: str) -> tuple[str, list[Recipient]]:
    """The file's layout and its recipients; refused as a whole when any cell is wrong."""
    layout = layout_of(raw, filename)
    problems = ProblemList()
    if layout == GOPHISH:
        rows = read_rows(raw, filename, known=GOPHISH_COLUMNS, required=("email", "status"), key="email",
                         parse=lambda line, cells: _gophish_row(line, cells, problems), problems=problems)
    else:
        rows = read_rows(raw, filename, known=PLAIN_COLUMNS, required=("email", "clicked", "reported"),
                         key="email", parse=lambda line, cells: _plain_row(line, cells, problems), problems=problems)
    problems.refuse_if_any(filename)
    if not rows:
        raise ValidationFailed(Problem(field="", line=2, message="no recipients: the file has a header only"),
                               source=filename)
    return layout, rows
