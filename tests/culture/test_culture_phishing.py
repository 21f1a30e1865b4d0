"""Phishing results from CSV: GoPhish's export and the plain layout; rates of the recipients reached;
a bad file is refused naming its line and column, and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.culture import selectors, services
from accord.culture.models import PhishingResult
from accord.metrics.selectors import read_now

GOPHISH_HEADER = "id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position\n"


def gophish(*rows: tuple[str, str, str]) -> bytes:
    """(email, status, reported) per recipient, in GoPhish's column order."""
    lines = [f"r{n},{status},10.0.0.9,0.000000,0.000000,2026-02-10T08:30:05.123456789Z,{reported},"
             f"2026-02-10T09:00:00Z,{email},First,Last,Engineer\n" for n, (email, status, reported) in enumerate(rows)]
    return (GOPHISH_HEADER + "".join(lines)).encode()


TEN = gophish(
    ("a@example.com", "Email Sent", "false"),
    ("b@example.com", "Email Opened", "true"),
    ("c@example.com", "Clicked Link", "false"),
    ("d@example.com", "Submitted Data", "false"),
    ("e@example.com", "Email Sent", "true"),
    ("f@example.com", "Email Reported", "false"),  # older GoPhish releases
    ("g@example.com", "Email Opened", "false"),
    ("h@example.com", "Email Sent", "false"),
    ("i@example.com", "Error", "false"),  # never reached: out of the rates
    ("j@example.com", "Scheduled", "false"),
)


@pytest.fixture
def campaign(people):
    return services.create_campaign(actor=people["ciso"], name="Winter exercise", audience="All staff",
                                    audience_size=10, starts_on=date(2026, 2, 10), training_completed=7)


def test_gophish_export_gives_click_and_report_rates_of_those_reached(people, campaign):
    report = services.import_phishing_results(actor=people["analyst"], campaign=campaign, raw=TEN,
                                              filename="gophish.csv")
    assert (report.layout, report.recipients, report.replaced) == ("gophish", 10, 0)
    row = selectors.campaign_by_id(people["ciso"], campaign.pk)
    rates = row.phishing
    assert (rates.delivered, rates.opened, rates.clicked, rates.submitted_data, rates.reported) == (8, 4, 2, 1, 3)
    assert (rates.click_rate, rates.report_rate, rates.submit_rate) == (25.0, 37.5, 12.5)
    assert row.completion_rate == 70.0
    sent = PhishingResult.objects.get(email="a@example.com").sent_at
    assert sent is not None and sent.isoformat().startswith("2026-02-10T08:30:05.123456")
    event = AuditEvent.objects.get(action="campaign.phishing_imported")
    assert event.actor_name == "analyst" and event.after["clicked"] == 2 and event.after["recipients"] == 10


def test_the_plain_layout_and_reimport_replacing_the_first(people, campaign):
    services.import_phishing_results(actor=people["ciso"], campaign=campaign, raw=TEN, filename="first.csv")
    plain = (b"email,clicked,reported,submitted_data\n"
             b"a@example.com,yes,no,no\nb@example.com,no,yes,\nc@example.com,No,TRUE,0\nd@example.com,0,0,yes\n")
    report = services.import_phishing_results(actor=people["ciso"], campaign=campaign, raw=plain, filename="kb.csv")
    assert (report.layout, report.recipients, report.replaced) == ("plain", 4, 10)
    rates = selectors.campaign_by_id(people["ciso"], campaign.pk).phishing
    # d submitted data, so d clicked too.
    assert (rates.delivered, rates.clicked, rates.reported, rates.click_rate, rates.report_rate) == (4, 2, 2, 50.0, 50.0)
    assert selectors.campaign_by_id(people["ciso"], campaign.pk).campaign.phishing_source == "kb.csv"


@pytest.mark.parametrize(("raw", "line", "column", "words"), [
    (gophish(("a@example.com", "Email Sent", "false"), ("b@example.com", "Phished", "false")), 3, "status",
     "not a GoPhish result status"),
    (gophish(("not-an-email", "Email Sent", "false")), 2, "email", "not an email address"),
    (gophish(("a@example.com", "Email Sent", "maybe")), 2, "reported", "not yes or no"),
    (gophish(("a@example.com", "Email Sent", "false"), ("A@example.com", "Email Sent", "false")), 3, "email",
     "already appears on line 2"),
    (b"email,clicked,reported,department\na@example.com,no,no,IT\n", 1, "department", "unknown column"),
    (b"email,reported\na@example.com,no\n", 1, "clicked", "required"),
    (b"email,clicked,reported,delivered\na@example.com,yes,no,no\n", 2, "delivered", "yet the recipient"),
    (b"email,clicked,reported,sent_at\na@example.com,no,no,last tuesday\n", 2, "sent_at", "not a date"),
])
def test_a_bad_file_is_refused_naming_line_and_column_and_changes_nothing(people, campaign, raw, line, column, words):
    services.import_phishing_results(actor=people["ciso"], campaign=campaign, raw=TEN, filename="good.csv")
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.import_phishing_results(actor=people["ciso"], campaign=campaign, raw=raw, filename="bad.csv")
    problem = refused.value.problems[0]
    assert (problem.line, problem.column) == (line, column) and words in problem.message
    assert refused.value.source == "bad.csv"
    assert PhishingResult.objects.filter(campaign=campaign).count() == 10
    assert selectors.campaign_by_id(people["ciso"], campaign.pk).campaign.phishing_source == "good.csv"
    assert AuditEvent.objects.count() == audit_rows


def test_a_header_only_file_is_refused(people, campaign):
    with pytest.raises(ValidationFailed) as refused:
        services.import_phishing_results(actor=people["ciso"], campaign=campaign, raw=GOPHISH_HEADER.encode(),
                                         filename="empty.csv")
    assert "no recipients" in str(refused.value)


def test_only_programme_writers_import(people, campaign):
    for role in ("auditor", "itops", "steering"):
        with pytest.raises(NotAllowed):
            services.import_phishing_results(actor=people[role], campaign=campaign, raw=TEN, filename="x.csv")


def test_the_scorecard_reads_the_latest_exercise(people, campaign):
    assert {m.key: m.value for m in read_now(people["ciso"], keys=["phishing_click_rate", "phishing_report_rate"])} \
        == {"phishing_click_rate": None, "phishing_report_rate": None}
    older = services.create_campaign(actor=people["ciso"], name="Autumn", audience="All staff", audience_size=4,
                                     starts_on=date(2025, 10, 1))
    services.import_phishing_results(actor=people["ciso"], campaign=older, filename="autumn.csv",
                                     raw=b"email,clicked,reported\na@example.com,yes,no\nb@example.com,yes,no\n")
    services.import_phishing_results(actor=people["ciso"], campaign=campaign, raw=TEN, filename="winter.csv")
    metrics = {m.key: m for m in read_now(people["ciso"], keys=["phishing_click_rate", "phishing_report_rate"])}
    assert metrics["phishing_click_rate"].value == 25.0 and metrics["phishing_click_rate"].status == "red"
    assert metrics["phishing_report_rate"].value == 37.5 and metrics["phishing_report_rate"].status == "amber"
    assert "2 of 8 recipients clicked; Winter exercise" in metrics["phishing_click_rate"].detail
    assert [r.campaign.name for r in selectors.phishing_trend(people["ciso"])] == ["Autumn", "Winter exercise"]


def test_campaign_input_is_checked_field_by_field(people):
    with pytest.raises(ValidationFailed) as refused:
        services.create_campaign(actor=people["ciso"], name="Bad", audience="IT", audience_size=5,
                                 starts_on=date(2026, 3, 1), ends_on=date(2026, 2, 1), training_completed=9)
    assert {p.field for p in refused.value.problems} == {"ends_on", "training_completed"}
