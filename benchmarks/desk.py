"""How fast the home page (each role's desk) answers with a million findings (issue 11: under 150 ms).

Uses a database left by `benchmarks/findings_list.py` (a million imported findings): flags the
findings of 40 CVEs as KEV and past due, adds two simulated risk scenarios with an appetite, and one user per
role, then times GET / through Django's test client for each role: the median of 5 requests, as a
first view (the cache of the aggregates emptied before each request) and cached (the aggregates are
kept until the next audited write). Then one write (a sign-off requested) and the next view, which
recomputes the aggregates.

Run: .venv/bin/python benchmarks/findings_list.py --findings 1000000     # prints the folder it leaves
     .venv/bin/python benchmarks/desk.py --reuse FOLDER
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPEATS = 5
ROLES = ("ciso", "cio", "security_analyst", "it_operations", "project_owner", "board_viewer", "auditor")


def _median_ms(call, *, fresh: bool) -> tuple[float, int]:
    from django.core.cache import cache

    samples, status = [], 0
    for _ in range(REPEATS):
        if fresh:
            cache.clear()
        started = time.perf_counter()
        status = call().status_code
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), status


def _prepare(admin) -> None:
    from accord.core import clock
    from accord.risks import services as risks
    from accord.risks.models import RiskScenario
    from accord.vulns.models import Finding, FindingCve

    if RiskScenario.objects.exists():
        return
    cves = list(FindingCve.objects.order_by().values_list("cve", flat=True).distinct()[:40])
    # Findings naming these CVEs get the KEV flag and a past due date directly, as a catalogue loaded
    # months ago would have left them (loading a feed re-decides every finding: not what this times).
    flagged = (Finding.objects.filter(cve_rows__cve__in=cves)
               .update(kev=True, due_date=clock.today() - timedelta(days=10)))
    print(f"{flagged:,} findings flagged KEV and past due")
    risks.update_settings(actor=admin, currency="EUR", default_years=20_000,
                          appetite=[[1_000_000, 0.2], [10_000_000, 0.01]])
    risks.create_scenario(actor=admin, slug="ransomware", name="Ransomware",
                          inputs={"tef": {"pert": [0.5, 2, 10]}, "vulnerability": {"pert": [0.05, 0.2, 0.5]},
                                  "primary_loss": {"pert": [10000, 150000, 2000000]}})
    risks.create_scenario(actor=admin, slug="bec", name="Business email compromise",
                          inputs={"lef": {"constant": 0.8}, "events": "bernoulli",
                                  "primary_loss": {"lognormal90": [20000, 900000]}})
    risks.simulate_portfolio(actor=admin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", type=Path, required=True, help="the folder findings_list.py left")
    args = parser.parse_args()
    os.environ.update({"ACCORD_ENV": "development", "ACCORD_VAR_DIR": str(args.reuse),
                       "ACCORD_ALLOWED_HOSTS": "testserver",
                       "DJANGO_SETTINGS_MODULE": "accord.config.settings"})
    os.environ.pop("ACCORD_DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accord.accounts.models import User, UserRole
    from accord.governance import services as governance
    from accord.vulns.models import Finding

    call_command("migrate", verbosity=0)
    users = {}
    for role in ROLES:
        user, created = User.objects.get_or_create(username=f"bench-{role}")
        if created:
            UserRole.objects.create(user=user, role=role)
        users[role] = user
    admin, _ = User.objects.get_or_create(username="bench-admin")
    UserRole.objects.get_or_create(user=admin, role="ciso")
    _prepare(admin)
    print(f"findings: {Finding.objects.count():,}")
    print(f"{'home page of':<22} {'first view ms':>14} {'cached ms':>10}  status")
    for role, user in users.items():
        browser = Client()
        browser.force_login(user)
        first, status = _median_ms(lambda b=browser: b.get("/"), fresh=True)
        cached, _ = _median_ms(lambda b=browser: b.get("/"), fresh=False)
        print(f"{role:<22} {first:>14.1f} {cached:>10.1f}  {status}")
    browser = Client()
    browser.force_login(users["ciso"])
    browser.get("/")
    samples, stale = [], 0
    for n in range(REPEATS):  # a write (a sign-off asked for), then the next view
        governance.request_signoff(actor=admin, kind="patch_plan", subject=admin, inputs={"n": n}, slots=[["cio"]],
                                   summary="bench")
        started = time.perf_counter()
        page = browser.get("/")
        samples.append((time.perf_counter() - started) * 1000)
        stale += b'id="as-of"' in page.content
        time.sleep(3)  # the counts are recomputed on a thread meanwhile
    print(f"ciso, the view after a write: median {statistics.median(samples):.1f} ms "
          f"({stale} of {REPEATS} said 'as of' while the counts were recomputed)")


if __name__ == "__main__":
    main()
