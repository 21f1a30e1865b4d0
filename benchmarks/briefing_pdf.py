"""How long the executive briefing PDF takes to make (issue 12): it is made in the request.

Sets up a fresh SQLite database in a temporary folder (or --reuse one): a business service, the
CISO, an analyst and the CIO, a severity-1 incident with personal data at an essential entity (GDPR
and NIS2 clocks running) and three structured updates (facts, judgements, impact ranges with the
downtime cost, decisions, actions). Then times, each the median of 5 after one warm-up:

- building the briefing from the latest update (the selector);
- the cost chart (matplotlib SVG);
- the PDF alone (WeasyPrint, with the chart): `briefing_pdf(briefing)`;
- `GET /incidents/ID/briefing.pdf` through Django's test client (what a user waits for);

and the very first PDF of the process (WeasyPrint and its fonts loaded), once.

Run: .venv/bin/python benchmarks/briefing_pdf.py [--reuse FOLDER]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPEATS = 5


def _median_ms(call) -> float:
    call()  # warm-up
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _pages(pdf: bytes) -> str:
    import subprocess

    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def _prepare():
    from django.utils import timezone

    from accord.accounts import services as accounts
    from accord.incidents import services
    from accord.incidents.models import Incident
    from accord.org import services as org
    from accord.risks import services as risks

    found = Incident.objects.filter(title="Benchmark: ransomware on the ERP").first()
    if found is not None:
        return found
    admin = accounts.bootstrap_admin(username="bench-admin", password=secrets.token_urlsafe(16))
    ciso = accounts.create_user(actor=admin, username="bench-ciso", password=secrets.token_urlsafe(16),
                                roles=["ciso"])
    analyst = accounts.create_user(actor=admin, username="bench-analyst", password=secrets.token_urlsafe(16),
                                   roles=["security_analyst"])
    accounts.create_user(actor=admin, username="bench-cio", password=secrets.token_urlsafe(16), roles=["cio"])
    risks.update_settings(actor=ciso, currency="EUR")
    erp = org.create_business_service(actor=admin, name="ERP", criticality_tier=1, downtime_cost_per_hour=48000)
    wms = org.create_business_service(actor=admin, name="Warehouse Management", criticality_tier=1,
                                      downtime_cost_per_hour=31000)
    commander = org.create_person(actor=admin, name="Dana Okafor", user=ciso)
    now = timezone.now()
    incident = services.open_incident(
        actor=analyst, title="Benchmark: ransomware on the ERP", severity=1, detected_at=now - timedelta(hours=3),
        reported_at=now - timedelta(hours=2, minutes=40), services=[erp, wms], commander=commander,
        personal_data=True, nis2_entity=True, summary="Files encrypted on the ERP and WMS application servers.")
    for n in range(3):
        services.write_update(
            actor=analyst, incident=incident,
            bottom_line=f"Update {n + 1}: the ERP and warehouse management are down after a ransomware attack; "
                        "recovery from backups takes one to three days.",
            facts=[f"Fact {k + 1} of update {n + 1}: an observation with a time and a host name." for k in range(6)],
            judgements=[{"statement": f"Judgement {k + 1}: data was copied out before the encryption.",
                         "likelihood": ("likely", "unlikely", "very_likely")[k % 3], "confidence": "moderate",
                         "basis": "Egress logs of the night before and the group's known way of working."}
                        for k in range(3)],
            unknowns=["How the attackers got in.", "Whether the backups are clean.", "Which records were taken."],
            decisions_needed=["CIO: keep both services offline until the backups are verified?",
                              "Executives: notify the supervisory authority now?"],
            records=(0, 250_000), downtime_hours=(24, 72), other_cost=(150_000, 600_000),
            cost_note="forensics, legal advice, overtime",
            actions=[{"text": f"Action {k + 1}", "owner": commander, "due": now + timedelta(hours=k + 1)}
                     for k in range(4)])
    return incident


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", type=Path, help="a folder to keep the database in (default: a temporary one, "
                                                   "removed at the end)")
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="accord-briefing-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run(folder)
    finally:
        if args.reuse is None:
            shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path) -> None:
    os.environ.update({"ACCORD_ENV": "development", "ACCORD_VAR_DIR": str(folder),
                       "ACCORD_ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "accord.config.settings"})
    os.environ.pop("ACCORD_DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accord.accounts.models import User
    from accord.incidents import briefing, selectors

    (folder / "static").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    incident = _prepare()
    cio = User.objects.get(username="bench-cio")
    print(f"database: {folder}")

    started = time.perf_counter()
    first = briefing.briefing_pdf(selectors.briefing(cio, incident))
    cold = (time.perf_counter() - started) * 1000

    build = _median_ms(lambda: selectors.briefing(cio, incident))
    b = selectors.briefing(cio, incident)
    chart = _median_ms(lambda: briefing.cost_chart(b))
    pdf = _median_ms(lambda: briefing.briefing_pdf(b))
    browser = Client()
    browser.force_login(cio)
    url = f"/incidents/{incident.pk}/briefing.pdf"
    assert browser.get(url).status_code == 200
    request = _median_ms(lambda: browser.get(url))
    print(f"PDF: {len(first):,} bytes, {_pages(first)} page(s), {len(b.deadlines)} deadlines, "
          f"{len(b.judgements)} judgements")
    print(f"{'step':<44} {'median of 5 ms':>15}")
    print(f"{'first PDF of the process (WeasyPrint loads)':<44} {cold:>15.1f}  (once)")
    print(f"{'build the briefing (selector)':<44} {build:>15.1f}")
    print(f"{'cost chart (matplotlib SVG)':<44} {chart:>15.1f}")
    print(f"{'PDF with the chart (WeasyPrint)':<44} {pdf:>15.1f}")
    print(f"{'GET briefing.pdf (test client)':<44} {request:>15.1f}")


if __name__ == "__main__":
    main()
