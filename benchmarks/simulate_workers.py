"""Simulating every risk scenario as jobs, on one worker and on two (issue 11).

A fresh SQLite database gets N scenarios (default 1,000; FAIR inputs varied by a seeded generator,
stored without simulating them). Then, for each worker count, `accord worker --workers K` runs as
separate processes on a Redis queue (database 15 of ACCORD_REDIS_URL, default
redis://127.0.0.1:6379/15, emptied first), the "simulate every open scenario" job is started (one
child job per scenario), and the wall time from queuing to the parent job's end is measured. Each
round forces a new run of every scenario; the figures must be identical to the bit across rounds.

Run: .venv/bin/python benchmarks/simulate_workers.py [--scenarios N] [--years Y] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _scenarios(count: int) -> list[dict]:
    rng = random.Random(20261201)
    made = []
    for n in range(count):
        low = rng.uniform(5_000, 50_000)
        made.append({"slug": f"s{n:04d}", "name": f"Scenario {n}", "inputs": {
            "tef": {"pert": [round(rng.uniform(0.1, 1), 3), round(rng.uniform(1, 3), 3), round(rng.uniform(3, 12), 3)]},
            "vulnerability": {"pert": [0.05, round(rng.uniform(0.1, 0.3), 3), 0.5]},
            "primary_loss": {"lognormal90": [round(low), round(low * rng.uniform(10, 80))]}}})
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10_000, help="simulated years per scenario")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database-url", default="", help="e.g. postgres://postgres@127.0.0.1:5432/accord_bench "
                                                            "(emptied first); default: a fresh SQLite file")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="accord-sim-bench-"))
    redis_url = os.environ.get("ACCORD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = {**os.environ, "ACCORD_ENV": "development", "ACCORD_VAR_DIR": str(folder), "ACCORD_REDIS_URL": redis_url,
           "DJANGO_SETTINGS_MODULE": "accord.config.settings"}
    env.pop("ACCORD_DATABASE_URL", None)
    if args.database_url:
        env["ACCORD_DATABASE_URL"] = args.database_url
    os.environ.update(env)
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from accord.accounts.models import User, UserRole
    from accord.jobs.models import Job
    from accord.jobs.services import start_job
    from accord.risks import services as risks
    from accord.risks.models import RiskScenario, SimulationRun

    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    ciso = User.objects.create_user(username="bench-ciso", password=None)
    UserRole.objects.create(user=ciso, role="ciso")
    risks.update_settings(actor=ciso, default_years=args.years, seed=7)
    RiskScenario.objects.bulk_create([RiskScenario(**s, status="assessed") for s in _scenarios(args.scenarios)])
    where = args.database_url or f"SQLite in {folder}"
    print(f"{args.scenarios:,} scenarios, {args.years:,} years each; database {where}; {os.cpu_count()} CPUs")

    previous: dict[str, float] | None = None
    print(f"{'workers':>8} {'seconds':>9} {'scenarios/s':>12}  identical to the previous round")
    for workers in args.workers:
        redis.Redis.from_url(redis_url).flushdb()
        worker = subprocess.Popen([str(ROOT / ".venv/bin/accord"), "worker", "--workers", str(workers)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(3)  # the consumers start
            started = time.perf_counter()
            job = start_job(actor=ciso, kind="risks.simulate_all", title="bench", args={"force": True})
            while True:
                job.refresh_from_db()
                if job.finished:
                    break
                time.sleep(0.2)
            seconds = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        if job.status != "succeeded":
            sys.exit(f"the job failed: {job.error}")
        means = {s.slug: s.latest_run.mean for s in RiskScenario.objects.select_related("latest_run")}
        same = "-" if previous is None else ("yes" if means == previous else "NO")
        failed = Job.objects.filter(parent=job, status="failed").count()
        print(f"{workers:>8} {seconds:>9.1f} {args.scenarios / seconds:>12.1f}  {same}"
              + (f"  ({failed} parts failed)" if failed else ""))
        previous = means
    print(f"runs stored: {SimulationRun.objects.count():,}")


if __name__ == "__main__":
    main()
