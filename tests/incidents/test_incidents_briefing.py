"""The executive briefing: bottom line first, what we know and do not know, money with its currency
and 90% range, decisions needed, deadlines with their legal basis; page, plain text and PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from accord.incidents import briefing as briefings
from accord.incidents import selectors, services


@pytest.fixture
def text(update, incident, people) -> str:
    return briefings.briefing_text(selectors.briefing(people["cio"], incident))


def flat(text: str) -> str:
    """The text with its wrapping undone (lines are wrapped at 78 columns)."""
    return " ".join(text.split())


def test_the_bottom_line_comes_first(text, update):
    lines = text.splitlines()
    assert lines[0].startswith(f"INC-{update.incident_id} Ransomware on the ERP: executive briefing")
    headings = [line for line in lines if line.isupper() and line[0].isalpha()]
    assert headings[0] == "BOTTOM LINE"
    assert headings == ["BOTTOM LINE", "WHAT WE KNOW", "WHAT WE ASSESS (LIKELIHOOD AS IN ICD 203, WITH OUR CONFIDENCE)",
                        "WHAT WE DO NOT KNOW YET", "BUSINESS IMPACT", "DECISIONS NEEDED", "REGULATORY DEADLINES",
                        "OPEN ACTIONS", "NEXT UPDATE"]
    assert text.index("The ERP is down after a ransomware attack") < text.index("WHAT WE KNOW")


def test_the_briefing_says_what_we_know_and_do_not_know(text):
    text = flat(text)
    known = text[text.index("WHAT WE KNOW"):text.index("WHAT WE ASSESS")]
    assert "- Encryption started at 03:10 on erp-db-01." in known
    unknown = text[text.index("WHAT WE DO NOT KNOW YET"):text.index("BUSINESS IMPACT")]
    assert "- How the attackers got in." in unknown and "- Whether the backups are clean." in unknown
    assessed = text[text.index("WHAT WE ASSESS"):text.index("WHAT WE DO NOT KNOW YET")]
    assert "Likely (55\u201380%), moderate confidence. Basis: Outbound traffic" in assessed


def test_business_impact_in_money_with_currency_and_range(text):
    text = flat(text)
    impact = text[text.index("BUSINESS IMPACT"):text.index("DECISIONS NEEDED")]
    assert "In money: EUR 1.11M to 3.48M (90% range" in impact
    assert "Downtime cost: EUR 960k to 2.88M (EUR 40,000 an hour (ERP) \u00d7 24 to 72 hours of downtime)" in impact
    assert "Other costs: EUR 150k to 600k (forensics and legal advice)" in impact
    assert "Records affected: 0 to 250,000 records (90% range)" in impact


def test_decisions_deadlines_with_basis_and_next_update(text, update):
    text = flat(text)
    decisions = text[text.index("DECISIONS NEEDED"):text.index("REGULATORY DEADLINES")]
    assert "CIO: keep the ERP offline until the backups are verified?" in decisions
    deadlines = text[text.index("REGULATORY DEADLINES"):text.index("OPEN ACTIONS")]
    assert "NIS2 Early warning to the CSIRT or competent authority: due" in deadlines
    assert "Basis: Directive (EU) 2022/2555 (NIS2), Art. 23(4)(a)" in deadlines
    assert "Basis: Regulation (EU) 2016/679 (GDPR), Art. 33(1)" in deadlines
    assert deadlines.index("Early warning") < deadlines.index("GDPR")  # soonest first
    assert "h left" in deadlines
    assert briefings.when(update.next_update_at) in text[text.index("NEXT UPDATE"):]


def test_the_briefing_follows_the_latest_update(update, incident, people):
    services.write_update(actor=people["analyst"], incident=incident, bottom_line="Restored from backups.",
                          unknowns=["Who sent the phishing mail."])
    b = selectors.briefing(people["cio"], incident)
    assert b.update.number == 2 and b.bottom_line == "Restored from backups."
    assert b.cost is None and b.unknowns == ["Who sent the phishing mail."]
    assert "Not estimated yet." in briefings.briefing_text(b)


def test_without_an_update_the_briefing_says_so(incident, people):
    b = selectors.briefing(people["cio"], incident)
    assert b.update is None and b.bottom_line == briefings.NO_UPDATE
    assert b.next_update_overdue  # a severity 1 declared 90 minutes ago: the first note was due after one hour


def test_the_page_shows_the_bottom_line_first_and_a_copy_button(client, update, incident, people):
    client.force_login(people["cio"])
    page = client.get(f"/incidents/{incident.pk}/briefing/").content.decode()
    body = page[page.index('id="briefing"'):]
    assert body.index("The ERP is down") < body.index("What we know") < body.index("What we do not know yet")
    assert "EUR 1.11M to 3.48M" in body and "Art. 23(4)(a)" in body and "likely</span> (55" in body
    assert 'data-copy="#briefing-text"' in page and "<svg" in body
    plain = client.get(f"/incidents/{incident.pk}/briefing.txt")
    assert plain["Content-Type"].startswith("text/plain") and plain.content.decode().startswith("INC-")


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing")
def test_the_pdf_is_a_pdf_with_content(client, update, incident, people, tmp_path, ink):
    client.force_login(people["cio"])
    response = client.get(f"/incidents/{incident.pk}/briefing.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert ink(pdf, tmp_path) > 0.01  # a page with text and a chart, not a blank page
    words = flat(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode())
    assert words.index("BOTTOM LINE") < words.index("The ERP is down") < words.index("What we know")
    assert "EUR 1.11M to 3.48M" in words and "Art. 23(4)(a)" in words


def test_the_pdf_fetches_nothing_from_outside(tmp_path):
    """An image or stylesheet link in a report (a template mistake, or text that slipped through) is
    never fetched: no request reaches a server, no local file is read."""
    import http.server
    import threading

    from accord.reports import html_to_pdf

    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        html = (f'<link rel="stylesheet" href="{base}/style.css"><p>hello</p><img src="{base}/x.png">'
                f'<img src="file://{tmp_path}/secret.png">')
        assert html_to_pdf(html).startswith(b"%PDF")
    finally:
        server.shutdown()
    assert requests == []


def test_an_exercise_is_labelled_in_text_page_and_pdf(client, people, org_data, euro, tmp_path):
    exercise = services.start_exercise(actor=people["analyst"], scenario="ransomware")
    b = selectors.briefing(people["cio"], exercise)
    text = briefings.briefing_text(b)
    assert text.splitlines()[0] == "*** EXERCISE: NOT A REAL INCIDENT ***"
    assert b.title.startswith("EXERCISE: ")
    client.force_login(people["cio"])
    for url in (f"/incidents/{exercise.pk}/", f"/incidents/{exercise.pk}/briefing/", "/incidents/"):
        assert "EXERCISE" in client.get(url).content.decode(), url
    pdf = client.get(f"/incidents/{exercise.pk}/briefing.pdf")
    assert "EXERCISE-" in pdf["Content-Disposition"]
    words = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert words.count("EXERCISE") >= 2  # the marking on the page and in the heading
