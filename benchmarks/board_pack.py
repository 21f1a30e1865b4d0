"""How long the board pack takes to print as a job (issue 13: under 20 s with a million findings).

Two databases, each fresh SQLite in its own folder:

* the demo (`accord demo load`'s builders, without the demo's own pack);
* a million findings: one generated Nessus CSV imported as `findings_list.py` does (its
  `import_findings.write_csv`), the desk benchmark's two simulated risk scenarios with an appetite
  (`desk._prepare`), and a CISO. `--reuse FOLDER` times a folder left by an earlier run again.

Each measurement asks for the pack through the service the button, the API and the command line use
(`request_board_pack`), runs its job in this process (`run_job`, what a worker does) and reports the
wall time from the request to the stored PDF, the pack's own render time (reading every section and
printing), and its pages: the median of 3.

Run: .venv/bin/python benchmarks/board_pack.py [--findings N] [--reuse FOLDER] [--skip-demo]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
REPEATS = 3


def _setup(folder: Path) -> None:
    os.environ.update({"ACCORD_ENV": "development", "ACCORD_VAR_DIR": str(folder), "ACCORD_MAX_UPLOAD_MB": "8192",
                       "ACCORD_ALLOWED_HOSTS": "testserver", "ACCORD_EMBEDDED_WORKERS": "0",
                       "DJANGO_SETTINGS_MODULE": "accord.config.settings"})
    os.environ.pop("ACCORD_DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _time_packs(actor, label: str) -> None:
    from accord.jobs.services import run_job
    from accord.packs import services
    from accord.packs.models import BoardPack
    from accord.packs.periods import last_complete_quarter

    walls, renders, pages = [], [], 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        pack = services.request_board_pack(actor=actor, period=str(last_complete_quarter()))
        run_job(pack.job_id)
        walls.append(time.perf_counter() - started)
        pack = BoardPack.objects.get(pk=pack.pk)
        assert pack.status == "ready", pack.error
        renders.append(pack.render_seconds)
        pages = pack.pages
    print(f"{label:<34} {statistics.median(walls):>8.2f} s {statistics.median(renders):>8.2f} s {pages:>6}  "
          f"(runs: {', '.join(f'{w:.2f}' for w in walls)})", flush=True)


def demo() -> None:
    from accord.demo import DEMO_BUILDERS
    from accord.demo.accounts import create_demo_accounts

    started = time.perf_counter()
    context = create_demo_accounts()
    for builder in DEMO_BUILDERS:
        if builder.__name__ != "build_packs":
            builder(context)
    print(f"demo built in {time.perf_counter() - started:.0f} s", flush=True)
    _time_packs(context.users["ciso"], "demo")


def million(findings: int, reused: bool, folder: Path) -> None:
    from import_findings import write_csv

    from accord.accounts.models import User, UserRole
    from accord.vulns.models import Finding
    from accord.vulns.services import import_scan
    from desk import _prepare

    ciso, created = User.objects.get_or_create(username="bench-ciso")
    if created:
        UserRole.objects.create(user=ciso, role="ciso")
    if not reused:
        scan = folder / "scan.csv"
        write_csv(scan, findings)
        started = time.perf_counter()
        with scan.open("rb") as fh:
            run = import_scan(actor=ciso, file=fh, filename=scan.name, scope="bench")
        scan.unlink()
        print(f"imported {run.findings_read:,} findings in {time.perf_counter() - started:.0f} s", flush=True)
    _prepare(ciso)
    _time_packs(ciso, f"{Finding.objects.count():,} findings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--reuse", type=Path, help="a folder of an earlier million-findings run")
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    print(f"{'database':<34} {'request to PDF':>10} {'render':>10} {'pages':>6}", flush=True)
    if not args.skip_demo:
        # Each database in its own process: Django is set up once per process.
        import subprocess

        subprocess.run([sys.executable, __file__, "--demo-only"], check=True)
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="accord-pack-bench-"))
    print(f"million-findings database: {folder}", flush=True)
    _setup(folder)
    million(args.findings, bool(args.reuse), folder)


if __name__ == "__main__":
    if sys.argv[1:] == ["--demo-only"]:
        _setup(Path(tempfile.mkdtemp(prefix="accord-pack-demo-")))
        demo()
    else:
        main()
