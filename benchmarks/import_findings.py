"""Scanner import throughput and peak memory on SQLite (a temporary database per measurement).

    .venv/bin/python benchmarks/import_findings.py                     # 100k and 250k Nessus CSV, 100k .nessus,
                                                                       # re-import of an unchanged 100k file
    .venv/bin/python benchmarks/import_findings.py --csv 1000000       # add the million

Each measurement runs in its own process (so peak RSS is that import's) against a fresh SQLite
database: migrate, one security analyst, then `accord.vulns.services.import_scan` on a generated
file. Files are generated once into a temporary folder: hosts with 200 findings each, 2,000
plugins, CVSS vectors, EPSS columns, exploit flags, as a Nessus CSV export or a `.nessus` file.
Targets (issue 4): 1,000,000 findings < 120 s, unchanged re-import of 100,000 < 20 s, peak < 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

PER_HOST = 200
PLUGINS = 2000
VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
)
RISKS = ("Critical", "High", "Medium", "Low", "None")


def _plugin(p: int) -> dict[str, str]:
    rng = random.Random(p)
    return {
        "id": str(100000 + p), "cve": f"CVE-{2018 + p % 7}-{10000 + p}" if p % 5 else "",
        "risk": RISKS[p % 5], "name": f"Vendor product {p} < {p % 9}.{p % 13} multiple vulnerabilities",
        "vector": VECTORS[p % len(VECTORS)] if p % 5 else "", "score": f"{rng.uniform(4, 10):.1f}",
        "epss": f"{rng.random() ** 3:.4f}", "exploit": "true" if p % 11 == 0 else "false",
    }


def _rows(n: int):
    plugins = [_plugin(p) for p in range(PLUGINS)]
    for i in range(n):
        host, k = divmod(i, PER_HOST)
        plugin = plugins[(host * 7 + k * 13) % PLUGINS]
        ip = f"10.{host // 65536 % 256}.{host // 256 % 256}.{host % 256}"
        yield ip, f"host-{host:06d}.bench.example", plugin, (443, 22, 80, 8443, 0)[k % 5]


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Plugin ID", "CVE", "CVSS v2.0 Base Score", "Risk", "Host", "Protocol", "Port", "Name",
                      "Synopsis", "Description", "Solution", "See Also", "Plugin Output", "CVSS v3.0 Base Score",
                      "CVSS v3.0 Vector", "VPR Score", "EPSS Score", "Metasploit", "Core Impact", "CANVAS"])
        for ip, _, p, port in _rows(n):
            out.writerow([p["id"], p["cve"], "", p["risk"], ip, "tcp", port, p["name"],
                          "The remote host is missing a security update.",
                          "The version installed on the remote host is affected by several vulnerabilities.",
                          "Upgrade to the latest version.", "https://vendor.example/advisory",
                          f"  Installed version : 1.{port}\n  Fixed version     : 2.0", p["score"] if p["vector"] else "",
                          p["vector"], "", p["epss"], p["exploit"], "false", "false"])


def write_nessus(path: Path, n: int) -> None:
    severity = {"Critical": 4, "High": 3, "Medium": 2, "Low": 1, "None": 0}
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Report name="bench">\n')
        current = None
        for ip, fqdn, p, port in _rows(n):
            if ip != current:
                if current is not None:
                    fh.write("</ReportHost>\n")
                fh.write(f'<ReportHost name="{ip}"><HostProperties><tag name="host-ip">{ip}</tag>'
                         f'<tag name="host-fqdn">{fqdn}</tag></HostProperties>\n')
                current = ip
            cve = f"<cve>{p['cve']}</cve>" if p["cve"] else ""
            vector = (f"<cvss3_base_score>{p['score']}</cvss3_base_score><cvss3_vector>{p['vector']}</cvss3_vector>"
                      if p["vector"] else "")
            fh.write(f'<ReportItem port="{port}" svc_name="www" protocol="tcp" severity="{severity[p["risk"]]}" '
                     f'pluginID="{p["id"]}" pluginName="{escape(p["name"])}" pluginFamily="Misc.">{cve}{vector}'
                     f"<epss_score>{p['epss']}</epss_score><exploit_available>{p['exploit']}</exploit_available>"
                     f"<risk_factor>{p['risk']}</risk_factor><solution>Upgrade to the latest version.</solution>"
                     f"<synopsis>The remote host is missing a security update.</synopsis>"
                     f"<plugin_output>Installed version : 1.{port}</plugin_output></ReportItem>\n")
        if current is not None:
            fh.write("</ReportHost>\n")
        fh.write("</Report>\n</NessusClientData_v2>\n")


class WriteLockProbe:
    """Another writer beside the import: every 0.1 s it takes SQLite's write lock and lets it go, and
    keeps the longest it had to wait, which is the longest the import held the lock at a stretch."""

    def __init__(self, database: Path) -> None:
        import threading

        self.longest = 0.0
        self._stop = threading.Event()
        self._database = database
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import sqlite3

        connection = sqlite3.connect(self._database, timeout=3600, isolation_level=None)
        while not self._stop.wait(0.1):
            asked = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            self.longest = max(self.longest, time.perf_counter() - asked)
            connection.execute("ROLLBACK")
        connection.close()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.longest


def child(files: list[str]) -> None:
    """Import `files` in order into a fresh database; print one JSON line per import."""
    var = tempfile.mkdtemp(prefix="accord-bench-")
    os.environ.update({"ACCORD_ENV": "development", "ACCORD_VAR_DIR": var, "ACCORD_MAX_UPLOAD_MB": "8192",
                       "DJANGO_SETTINGS_MODULE": "accord.config.settings"})
    os.environ.pop("ACCORD_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accord.accounts.models import User, UserRole
    from accord.vulns.services import import_scan

    analyst = User.objects.create_user(username="analyst", password=None)
    UserRole.objects.create(user=analyst, role="security_analyst")
    for name in files:
        path = Path(name)
        probe = WriteLockProbe(Path(var) / "accord.sqlite3")
        started = time.perf_counter()
        with path.open("rb") as fh:
            run = import_scan(actor=analyst, file=fh, filename=path.name, scope="bench")
        seconds = time.perf_counter() - started
        longest_wait = probe.stop()
        print(json.dumps({"file": path.name, "findings": run.findings_read, "new": run.new,
                          "unchanged": run.unchanged, "fixed": run.fixed, "seconds": round(seconds, 2),
                          "longest_write_wait": round(longest_wait, 2),
                          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                          "db_mb": round((Path(var) / "accord.sqlite3").stat().st_size / 1048576, 1)}), flush=True)


def measure(files: list[Path]) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, __file__, "--child", *map(str, files)], capture_output=True, text=True,
                          check=False)
    if done.returncode:
        sys.exit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=int, nargs="*", default=[100_000, 250_000], help="Nessus CSV sizes")
    parser.add_argument("--nessus", type=int, nargs="*", default=[100_000], help=".nessus sizes")
    parser.add_argument("--reimport", type=int, default=100_000, help="unchanged re-import size (0: skip)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="accord-bench-files-"))
    plan: list[tuple[str, list[Path]]] = []
    for n in args.csv:
        path = folder / f"scan-{n}.csv"
        write_csv(path, n)
        plan.append((f"Nessus CSV, {n:,} findings, first import", [path]))
    for n in args.nessus:
        path = folder / f"scan-{n}.nessus"
        write_nessus(path, n)
        plan.append((f".nessus XML, {n:,} findings, first import", [path]))
    if args.reimport:
        path = folder / f"scan-{args.reimport}.csv"
        if not path.exists():
            write_csv(path, args.reimport)
        plan.append((f"Nessus CSV, {args.reimport:,} findings, unchanged re-import", [path, path]))
    print(f"{'measurement':<52} {'findings':>10} {'seconds':>8} {'findings/s':>11} {'peak RSS MB':>12} "
          f"{'longest lock s':>15}")
    for label, files in plan:
        result = measure(files)[-1]
        rate = int(result["findings"]) / float(result["seconds"])  # type: ignore[arg-type]
        print(f"{label:<52} {result['findings']:>10,} {result['seconds']:>8} {rate:>11,.0f} {result['peak_rss_mb']:>12} "
              f"{result['longest_write_wait']:>15}"
              f"   (new {result['new']}, unchanged {result['unchanged']}, db {result['db_mb']} MB)", flush=True)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
