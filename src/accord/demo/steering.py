"""The demo's steering committee: the CIO, the CISO and two business-unit representatives; two past
meetings with their minutes and decisions (follow-up actions: one done, one open and overdue; one
decision referred to the board); the next meeting scheduled with its agenda built from the other
areas plus one item added by hand, and sent to the members.

The past meetings are written down after the fact, as minutes often are: their items carry the day
they were raised and their decisions the day of the meeting, while the decision log records when
each was entered."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from accord.core import clock, money
from accord.org import selectors as org_selectors
from accord.risks.selectors import organisation_currency
from accord.steering import selectors, services
from accord.steering.models import Seat


def _service(actor: Any, name: str) -> Any:
    return org_selectors.services_visible_to(actor).filter(name=name).first()


def _at(day: Any, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=clock.zone()).astimezone(UTC)


def _members(ciso: Any, users: dict[str, Any]) -> list[Any]:
    return [
        services.add_member(actor=ciso, user=users["cio"], seat=Seat.CIO),
        services.add_member(actor=ciso, user=users["ciso"], seat=Seat.CISO),
        services.add_member(actor=ciso, user=users["steering"], seat=Seat.BUSINESS_UNIT,
                            business_service=_service(ciso, "ERP")),
        services.add_member(actor=ciso, user=users["owner"], seat=Seat.BUSINESS_UNIT,
                            business_service=_service(ciso, "Customer Portal & API")),
    ]


def _first_meeting(ciso: Any, users: dict[str, Any], day: Any, currency: str) -> Any:
    meeting = services.schedule_meeting(actor=ciso, title="Joint steering committee, Q3 review",
                                        starts_at=_at(day, 10), location="Board room, Hamburg HQ")
    mfa = services.add_item(
        actor=ciso, meeting=meeting, title="Fund phishing-resistant MFA for remote access",
        reason="Credential stuffing reached the customer portal in the spring; the CISO asks for FIDO2 keys for "
               "every remote worker, the CIO for the budget to come from the security line.",
        figures=[("Cost", f"{money.full(180_000, currency)} over 3 years"),
                 ("Remote workers covered", "1,450 people"),
                 ("Expected annual loss avoided", f"{money.full(240_000, currency)} a year")],
        raised_on=day - timedelta(days=12))
    tms = services.add_item(
        actor=ciso, meeting=meeting, title="Legacy fleet telematics: migrate now or carry the risk to 2027",
        reason="The telematics platform leaves vendor support in March; migrating before peak season risks "
               "deliveries, carrying it risks unpatched exposure.",
        figures=[("Migration cost", money.full(420_000, currency)),
                 ("Downtime during cut-over", "36 hours"),
                 ("Expected annual loss if carried", f"{money.full(310_000, currency)} a year")],
        raised_on=day - timedelta(days=5))
    done = services.decide(
        actor=users["cio"], item=mfa, question="Fund phishing-resistant MFA for remote access this year?",
        options=["Fund it from the security budget", "Defer to next year"],
        outcome="Fund it from the security budget; roll out by the end of the quarter.",
        rationale="The avoided loss exceeds the cost in the first year; the portal incident showed the exposure.",
        follow_ups=[services.FollowUpDraft("Order the FIDO2 keys and start the roll-out", users["cio"],
                                           day + timedelta(days=21))])
    services.close_follow_up(actor=users["cio"], follow_up=done.follow_ups[0],
                             note="Keys ordered; 1,450 issued, remote access enforces them.")
    services.decide(
        actor=users["ciso"], item=tms, question="Migrate the fleet telematics platform before peak season?",
        options=["Migrate in October", "Carry the risk until after peak season"],
        outcome="Recommend carrying the risk until February with compensating controls; the board to decide.",
        rationale="The migration outage in peak season costs more than the exposure it removes.",
        refer_to_board=True)
    services.record_minutes(
        actor=ciso, meeting=meeting, attendees=[users["cio"], users["ciso"], users["steering"]],
        minutes="1. MFA for remote access: funded from the security budget (decision on the log).\n"
                "2. Fleet telematics end of support: the committee recommends carrying the risk with compensating "
                "controls until February and refers the decision to the board.\n"
                "3. Any other business: none.")
    return meeting


def _second_meeting(ciso: Any, users: dict[str, Any], day: Any, currency: str) -> Any:
    meeting = services.schedule_meeting(actor=ciso, title="Joint steering committee, patching and windows",
                                        starts_at=_at(day, 10), location="Board room, Hamburg HQ")
    window = services.add_item(
        actor=ciso, meeting=meeting, title="Warehouse servers: a monthly Sunday patch window",
        reason="The warehouse management servers have no agreed window: critical patches wait for ad-hoc "
               "approval while the business fears downtime during dispatch.",
        figures=[("Downtime per window", "4 hours, Sunday 02:00 to 06:00"),
                 ("Downtime cost per window", money.full(124_000, currency)),
                 ("Critical findings waiting", "38 findings")],
        raised_on=day - timedelta(days=9))
    services.decide(
        actor=users["cio"], item=window, question="Agree a monthly Sunday patch window for the warehouse servers?",
        options=["Monthly Sunday window", "Quarterly window", "No fixed window"],
        outcome="A monthly Sunday window from 02:00 to 06:00, starting next month.",
        rationale="One planned night a month costs less than the exposure of waiting and the ad-hoc outages.",
        follow_ups=[services.FollowUpDraft("Agree the Sunday window with the warehouse managers", users["itops"],
                                           day + timedelta(days=7))])
    services.record_minutes(
        actor=ciso, meeting=meeting, attendees=[users["cio"], users["ciso"], users["owner"]],
        minutes="1. Warehouse patch window: a monthly Sunday window agreed (decision on the log); IT operations "
                "to confirm it with the warehouse managers.\n2. Review of open actions: MFA roll-out done.")
    return meeting


def build_steering(context: Any) -> str:
    users = context.users
    ciso, currency, today = users["ciso"], organisation_currency(), clock.today()
    members = _members(ciso, users)
    first = _first_meeting(ciso, users, today - timedelta(days=70), currency)
    second = _second_meeting(ciso, users, today - timedelta(days=21), currency)
    upcoming = services.schedule_meeting(actor=ciso, title="Joint steering committee, year-end",
                                         starts_at=_at(today + timedelta(days=9), 10),
                                         location="Board room, Hamburg HQ")
    report = services.build_agenda(actor=ciso, meeting=upcoming)
    services.add_item(
        actor=users["cio"], meeting=upcoming, title="Security budget for next year: the split between run and change",
        reason="The CIO proposes moving 15% of the security run budget to the initiatives the portfolio selects.",
        figures=[("Security budget next year", money.full(2_400_000, currency)),
                 ("Share proposed for change", "15%")])
    told = services.announce_agenda(actor=ciso, meeting=upcoming)
    items = selectors.items_of(ciso, upcoming).count()
    return (f"steering: {len(members)} members, meetings {first.pk} and {second.pk} held with decisions, "
            f"next meeting {upcoming.pk} with {items} agenda items ({report.summary()}), sent to {told} members")
