"""The CISO's time log: validation (168 hours a week, no negative hours, no future week), privacy (the
owner and whoever they share it with), the split per week, the delegation candidates and the
scorecard's strategic share."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accord.core.errors import NotAllowed, NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.leadership import selectors, services, weeks
from accord.leadership.models import TimeEntry

W49 = date(2026, 11, 30)  # Monday of 2026-W49, the week of the fixture's today
W48 = W49 - timedelta(weeks=1)


def _log(user, week, activity, hours, nature="tactical", handoff="keep"):
    return services.log_time(actor=user, week=week, activity=activity, hours=hours, nature=nature, handoff=handoff)


def test_weeks_are_iso_weeks_written_as_labels():
    assert weeks.parse("2026-W49") == W49
    assert weeks.parse("2026W49") == W49
    assert weeks.parse("2026-12-03") == W49  # a day inside the week
    assert weeks.label(W49) == "2026-W49"
    assert weeks.parse("2021-W01") == date(2021, 1, 4)  # ISO week 1 of 2021 starts on 4 January
    assert weeks.window(date(2026, 12, 2), 3) == [W49 - timedelta(weeks=2), W48, W49]
    with pytest.raises(ValidationFailed) as refused:
        weeks.parse("2026-W54")
    assert refused.value.problems[0].field == "week"


def test_logging_hours_and_replacing_them(people):
    ciso = people["ciso"]
    entry = _log(ciso, "2026-W48", "Board reporting", "6.5", "strategic")
    assert (entry.week, entry.hours, entry.owner_id) == (W48, Decimal("6.50"), ciso.pk)
    again = _log(ciso, W48 + timedelta(days=3), "Board reporting", 4, "strategic", "delegable")
    assert again.pk == entry.pk and again.hours == Decimal("4.00") and again.handoff == "delegable"
    assert TimeEntry.objects.count() == 1
    actions = list(AuditEvent.objects.filter(object_type="leadership.timeentry").values_list("action", flat=True))
    assert sorted(actions) == ["timeentry.logged", "timeentry.updated"]


@pytest.mark.parametrize(("hours", "message"), [(-1, "negative"), ("169", "at most 168"), ("abc", "not a number"),
                                                ("NaN", "not a number"), ("Infinity", "not a number")])
def test_bad_hours_are_refused_naming_the_field(people, hours, message):
    with pytest.raises(ValidationFailed) as refused:
        _log(people["ciso"], "2026-W48", "Email", hours)
    problem = refused.value.problems[0]
    assert problem.field == "hours" and message in problem.message
    assert not TimeEntry.objects.exists()


def test_a_week_holds_at_most_168_hours(people):
    ciso = people["ciso"]
    _log(ciso, "2026-W48", "Incident bridge", 100)
    _log(ciso, "2026-W48", "Email", 68)  # exactly 168: allowed
    with pytest.raises(ValidationFailed) as refused:
        _log(ciso, "2026-W48", "Strategy", "0.5", "strategic")
    assert refused.value.problems[0].field == "hours" and "168" in refused.value.problems[0].message
    _log(ciso, "2026-W48", "Email", 60)  # replacing an activity's hours counts only the new figure
    _log(ciso, "2026-W48", "Strategy", 8, "strategic")
    assert sum(e.hours for e in TimeEntry.objects.filter(week=W48)) == 168


def test_other_refusals_name_their_field(people):
    ciso = people["ciso"]
    for kwargs, field in (({"week": "2026-W50"}, "week"), ({"nature": "urgent"}, "nature"),
                          ({"handoff": "ignore"}, "handoff"), ({"activity": "  "}, "activity")):
        args = {"week": "2026-W48", "activity": "Email", "hours": 2, "nature": "tactical", "handoff": "keep", **kwargs}
        with pytest.raises(ValidationFailed) as refused:
            services.log_time(actor=ciso, **args)
        assert refused.value.problems[0].field == field
    assert not TimeEntry.objects.exists()


def test_only_holders_of_the_timelog_capability_keep_a_log(people):
    for role in ("analyst", "itops", "auditor", "steering"):
        with pytest.raises(NotAllowed):
            _log(people[role], "2026-W48", "Email", 2)


def test_a_log_is_private_to_its_owner_and_who_they_share_it_with(people):
    ciso, cio, auditor = people["ciso"], people["cio"], people["auditor"]
    entry = _log(ciso, "2026-W48", "Board reporting", 5, "strategic")
    for reader in (cio, auditor, people["analyst"]):
        with pytest.raises(NotFound):
            selectors.time_report(reader, ciso.pk)
        with pytest.raises(NotFound):
            selectors.entry_by_id(reader, entry.pk)
    with pytest.raises(NotAllowed):
        selectors.time_report(people["board"], ciso.pk)  # no leadership.read at all
    services.share_time_log(actor=ciso, reader=cio)
    assert selectors.time_report(cio, ciso.pk).total == 5
    assert [o.username for o in selectors.time_logs_visible_to(cio)] == ["cio", "ciso"]
    with pytest.raises(NotAllowed):
        services.delete_time_entry(actor=cio, entry=entry)  # reading is not writing
    with pytest.raises(ValidationFailed):
        services.share_time_log(actor=ciso, reader=people["board"])  # could never open it
    assert services.unshare_time_log(actor=ciso, reader=cio)
    with pytest.raises(NotFound):
        selectors.time_report(cio, ciso.pk)


def test_the_split_per_week_and_the_strategic_share(people):
    ciso = people["ciso"]
    _log(ciso, W48, "Strategy", 10, "strategic")
    _log(ciso, W48, "Email", 30)
    _log(ciso, W49, "Strategy", 5, "strategic")
    _log(ciso, W49 - timedelta(weeks=5), "Strategy", 40, "strategic")  # outside a 4-week window
    report = selectors.time_report(ciso, ciso.pk, count=4)
    assert [w.label for w in report.weeks] == ["2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert [(w.strategic, w.tactical) for w in report.weeks] == [(0, 0), (0, 0), (10, 30), (5, 0)]
    assert report.weeks[2].strategic_share == 25.0 and report.weeks[0].strategic_share is None
    assert (report.strategic, report.total) == (15, 45)
    assert report.strategic_share == pytest.approx(33.3)  # 15 / 45, one decimal


def test_delegation_candidates_rank_by_tactical_hours_freed(people):
    ciso = people["ciso"]
    # Over two weeks: strategic 20 of 60 hours (33.3%).
    for week in (W48, W49):
        _log(ciso, week, "Strategy", 8, "strategic")
        _log(ciso, week, "Risk reviews", 2, "strategic", "delegable")
        _log(ciso, week, "Vendor questionnaires", 5, "tactical", "outsourceable")
        _log(ciso, week, "Email", 5)
    _log(ciso, W48, "Incident triage", 12, "tactical", "delegable")
    _log(ciso, W49, "Incident triage", 8, "tactical", "keep")  # not marked this week: not counted
    report = selectors.time_report(ciso, ciso.pk, count=2)
    assert (report.strategic, report.total) == (20, 60)
    ranked = [(c.activity, c.handoff, c.hours, c.tactical_hours) for c in report.candidates]
    assert ranked == [("Incident triage", "delegable", 12, 12), ("Vendor questionnaires", "outsourceable", 10, 10),
                      ("Risk reviews", "delegable", 4, 0)]
    # share if handed off = (strategic + its tactical hours) / all hours
    assert [c.share_if_handed_off for c in report.candidates] == [53.3, 50.0, 33.3]
    assert [c.cumulative_share for c in report.candidates] == [53.3, 70.0, 70.0]
    assert "(strategic hours + the activity's tactical hours) / all hours" in selectors.SHARE_FORMULA


def test_the_scorecard_share_counts_the_ciso_logs_of_the_last_four_weeks(people, today):
    ciso, cio = people["ciso"], people["cio"]
    assert selectors.ciso_strategic_share() is None  # no hours: no data, never 0
    _log(ciso, W49, "Strategy", 6, "strategic")
    _log(ciso, W49 - timedelta(weeks=3), "Email", 18)
    _log(ciso, W49 - timedelta(weeks=4), "Email", 100)  # five weeks back: outside
    _log(cio, W49, "Roadmap", 40, "strategic")  # the CIO's own log is not the CISO's
    share = selectors.ciso_strategic_share()
    assert share is not None and (share.strategic, share.total, share.strategic_share) == (6, 24, 25.0)
    assert (share.first_week, share.last_week) == ("2026-W46", "2026-W49")
    today.day = date(2026, 12, 7)  # the next Monday: W46 leaves the window
    moved = selectors.ciso_strategic_share()
    assert moved is not None and moved.total == 6 and moved.strategic_share == 100.0


def test_deleting_an_entry_is_the_owners_and_is_audited(people):
    ciso = people["ciso"]
    entry = _log(ciso, W48, "Email", 3)
    services.delete_time_entry(actor=ciso, entry=entry)
    assert not TimeEntry.objects.exists()
    assert AuditEvent.objects.filter(action="timeentry.deleted").count() == 1
