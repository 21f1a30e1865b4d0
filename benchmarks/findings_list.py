"""How fast the findings list answers over a large SQLite database (issue 4: "pagination that stays fast
with a million findings"; issue 10: CVE search, the grouped list and tiles that follow the filters).

Imports one generated Nessus CSV of N findings (default 1,000,000) into a fresh SQLite database, then
renders the findings page and calls the findings API for common filters, following the keyset cursor
deep into the list; then the CVE search (through the finding-to-CVE table), the list grouped by CVE,
by fix and by asset, and the tiles of a filtered list. Each figure is the median of 5 requests through
Django's test client (no network), so it measures the query and rendering work a user waits for.
Counts (tiles, groups) are cached until the next write: "first view" figures empty the cache before
each request, "cached" ones do not.

Run: .venv/bin/python benchmarks/findings_list.py [--findings N] [--reuse FOLDER] [--export]
     (--findings 20000 checks the script in a few seconds; the figures in vulns.md are at 1,000,000)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from import_findings import write_csv

REPEATS = 5


def _timed(call, *, fresh: bool = False) -> tuple[float, object]:
    """Median milliseconds of REPEATS calls; `fresh` empties the cache first each time (a first view)."""
    from django.core.cache import cache

    samples, result = [], None
    for _ in range(REPEATS):
        if fresh:
            cache.clear()
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def _give_half_the_assets_a_service_and_team(actor) -> tuple[int, int]:
    """Scanned hosts arrive without a service or team; give half of them one, as a CMDB would."""
    from accord.org.models import Asset, BusinessService, Team

    service = BusinessService.objects.filter(name="Bench service").first()
    team = Team.objects.filter(name="Bench team").first()
    if service is None or team is None:
        service = BusinessService.objects.create(name="Bench service", mission_impact="high")
        team = Team.objects.create(name="Bench team")
        ids = list(Asset.objects.order_by("pk").values_list("pk", flat=True))
        Asset.objects.filter(pk__in=ids[::2]).update(business_service=service, team=team)
    return service.pk, team.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--reuse", type=Path, help="a folder left by an earlier run: time its database again")
    parser.add_argument("--export", action="store_true", help="also time a CSV export of one team's findings")
    args = parser.parse_args()

    folder = args.reuse or Path(tempfile.mkdtemp(prefix="accord-list-bench-"))
    os.environ.update({"ACCORD_ENV": "development", "ACCORD_VAR_DIR": str(folder), "ACCORD_MAX_UPLOAD_MB": "8192",
                       "ACCORD_ALLOWED_HOSTS": "testserver",
                       "DJANGO_SETTINGS_MODULE": "accord.config.settings"})
    os.environ.pop("ACCORD_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accord.accounts.models import User, UserRole
    from accord.accounts.services import create_token
    from accord.vulns.services import import_scan

    call_command("migrate", verbosity=0)
    if args.reuse:
        analyst = User.objects.get(username="analyst")
    else:
        analyst = User.objects.create_user(username="analyst", password=None)
        UserRole.objects.create(user=analyst, role="security_analyst")
        scan = folder / "scan.csv"
        write_csv(scan, args.findings)
        started = time.perf_counter()
        with scan.open("rb") as fh:
            run = import_scan(actor=analyst, file=fh, filename=scan.name, scope="bench")
        print(f"imported {run.findings_read:,} findings in {time.perf_counter() - started:.1f} s")
    print(f"database: {folder / 'accord.sqlite3'}; the first page view fills the cache of the overview counts")

    service_id, team_id = _give_half_the_assets_a_service_and_team(analyst)
    browser = Client()
    browser.force_login(analyst)
    api = Client(headers={"Authorization": f"Bearer {create_token(actor=analyst, name='bench').secret}"})
    cases = [
        ("page: first page, open findings", lambda: browser.get("/vulns/")),
        ("page: decision act", lambda: browser.get("/vulns/?decision=act")),
        ("page: KEV only", lambda: browser.get("/vulns/?kev=yes")),
        ("page: EPSS >= 0.5", lambda: browser.get("/vulns/?epss_min=0.5")),
        ("page: SLA breached", lambda: browser.get("/vulns/?sla=breached")),
        ("page: scanner nessus", lambda: browser.get("/vulns/?scanner=nessus")),
        ("page: one business service", lambda: browser.get(f"/vulns/?service={service_id}")),
        ("page: one team", lambda: browser.get(f"/vulns/?team={team_id}")),
        ("API: first page, 100 items", lambda: api.get("/api/v1/vulns/findings?page_size=100")),
    ]
    print(f"{'request':<48} {'median ms':>10}  status")
    for label, call in cases:
        ms, response = _timed(call)
        print(f"{label:<48} {ms:>10.1f}  {response.status_code}")  # type: ignore[attr-defined]
    _time_triage(browser, api, service_id, team_id, export=args.export)

    cursor, pages = "", 0
    while pages < 200:  # walk 200 pages of 100 (20,000 findings) deep, then time the next page
        body = api.get(f"/api/v1/vulns/findings?page_size=100&cursor={cursor}").json()
        pages += 1
        cursor = body.get("next_cursor") or ""
        if not cursor:
            break
    ms, response = _timed(lambda: api.get(f"/api/v1/vulns/findings?page_size=100&cursor={cursor}"))
    print(f"{f'API: page {pages + 1} by keyset cursor':<48} {ms:>10.1f}  {response.status_code}")


def _time_triage(browser, api, service_id: int, team_id: int, *, export: bool) -> None:
    """Issue 10: the CVE search, the grouped list and the tiles, each as a first view and cached."""
    from accord.vulns.models import FindingCve

    cve = FindingCve.objects.order_by("cve").values_list("cve", flat=True).first() or "CVE-2018-10007"
    per_cve = FindingCve.objects.filter(cve=cve).count()
    print(f"CVE searched: {cve} ({per_cve:,} findings name it)")
    cases = [
        (f"page: CVE search ({per_cve:,} findings)", lambda: browser.get(f"/vulns/?cve={cve}")),
        ("API: CVE search, 100 items", lambda: api.get(f"/api/v1/vulns/findings?cve={cve}&page_size=100")),
        ("page: grouped by CVE", lambda: browser.get("/vulns/?by=cve")),
        ("page: grouped by fix", lambda: browser.get("/vulns/?by=fix")),
        ("page: grouped by asset", lambda: browser.get("/vulns/?by=asset")),
        ("page: one service grouped by CVE", lambda: browser.get(f"/vulns/?service={service_id}&by=cve")),
        ("API: groups by asset, one team", lambda: api.get(f"/api/v1/vulns/findings/groups?by=asset&team={team_id}")),
        ("page: one service (its tiles)", lambda: browser.get(f"/vulns/?service={service_id}")),
        ("API: summary, SLA breached", lambda: api.get("/api/v1/vulns/findings/summary?sla=breached")),
    ]
    print(f"{'request':<48} {'first view':>10} {'cached':>10}  status")
    for label, call in cases:
        first, response = _timed(call, fresh=True)
        cached, _ = _timed(call)
        print(f"{label:<48} {first:>10.1f} {cached:>10.1f}  {response.status_code}")  # type: ignore[attr-defined]
    if export:
        started = time.perf_counter()
        response = api.get(f"/api/v1/vulns/findings/export?format=csv&team={team_id}")
        size = lines = 0
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            size, lines = size + len(chunk), lines + chunk.count(b"\n")
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"API: CSV export of one team: {lines - 1:,} rows, {size / 1e6:,.1f} MB in {seconds:.1f} s "
              f"({(lines - 1) / seconds:,.0f} rows/s); peak RSS of the process so far {peak:,.0f} MB")


if __name__ == "__main__":
    main()
