"""20 concurrent clients on the read mix against the demo organisation on PostgreSQL (issue 15: at least
150 requests/s with p95 under 250 ms), the old server (waitress, one process) and the new one (gunicorn,
several processes with threads, Redis for the cache) in the same run, with the load generator (wrk)
on the same machine.

The mix, walked in turn by each connection: the desk, the risk register, the findings list (pages, with
a signed-in CISO's session cookie) and the API's desk, scenarios, findings and SLA compliance (with
the CISO's personal token). The API's per-user rate limit is switched off for the run
(ACCORD_API_RATE_LIMIT=0): twenty clients sharing one user's token are a load test, not a user.

Run: createdb -h 127.0.0.1 -U postgres accord_load
     ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_load ACCORD_ENV=development .venv/bin/accord demo load
     .venv/bin/python benchmarks/load.py [--seconds 30] [--connections 20]
Needs wrk (Debian: apt-get install wrk) and, for the gunicorn run, a Redis server (ACCORD_LOAD_REDIS_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATABASE_URL = os.environ.get("ACCORD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/accord_load")
REDIS_URL = os.environ.get("ACCORD_LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
PAGES = ["/", "/risks/", "/vulns/"]
API = ["/api/v1/desk/", "/api/v1/risks/scenarios", "/api/v1/vulns/findings", "/api/v1/vulns/sla/compliance"]
SECRET_KEY = "load-benchmark-" + "k" * 40


def _environment(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(ACCORD_ENV="production", ACCORD_SECRET_KEY=SECRET_KEY, ACCORD_DATABASE_URL=DATABASE_URL,
               ACCORD_VAR_DIR=str(var_dir), ACCORD_API_RATE_LIMIT="0", **extra)
    return env


def _credentials() -> tuple[str, str]:
    """A session cookie and a personal token of the demo CISO, made in this process on the same database."""
    os.environ.update(ACCORD_ENV="production", ACCORD_SECRET_KEY=SECRET_KEY, ACCORD_DATABASE_URL=DATABASE_URL,
                      DJANGO_SETTINGS_MODULE="accord.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accord.accounts import services
    from accord.accounts.models import User

    ciso = User.objects.get(username="ciso")
    client = Client()
    client.force_login(ciso)
    token = services.create_token(actor=ciso, name=f"load benchmark {time.strftime('%H:%M:%S')}").secret
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}", token


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str) -> None:
    for _ in range(240):
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback only
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within two minutes")


def _wrk(port: int, seconds: int, connections: int, cookie: str, token: str) -> dict[str, float]:
    env = {**os.environ, "ACCORD_LOAD_COOKIE": cookie, "ACCORD_LOAD_TOKEN": token,
           "ACCORD_LOAD_PATHS": ",".join(PAGES + API)}
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
               "-s", str(HERE / "load_read_mix.lua"), f"http://127.0.0.1:{port}"]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("ACCORD_UNEXPECTED "):
            print("  answers other than 200:", line.removeprefix("ACCORD_UNEXPECTED ")[:500])
    line = next(line for line in output.splitlines() if line.startswith("ACCORD_LOAD "))
    return json.loads(line.removeprefix("ACCORD_LOAD "))


def _measure(label: str, serve_args: list[str], env: dict[str, str], args: argparse.Namespace,
             cookie: str, token: str) -> dict[str, float]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "accord", "serve", "--port", str(port), *serve_args],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/healthz")
        _wrk(port, 10, args.connections, cookie, token)  # warm-up: every process imports, caches, connects
        figures = _wrk(port, args.seconds, args.connections, cookie, token)
    finally:
        process.terminate()
        process.wait(timeout=60)
    print(f"{label:<46} {figures['rps']:>7.1f} req/s  p50 {figures['p50_ms']:>6.1f} ms  "
          f"p95 {figures['p95_ms']:>6.1f} ms  p99 {figures['p99_ms']:>6.1f} ms  "
          f"non-2xx {figures['non_2xx']}  socket errors {figures['socket_errors']}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn processes (0: accord serve's default)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    cookie, token = _credentials()
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores ({model}), load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.connections} connections, {args.seconds} s")
    with tempfile.TemporaryDirectory() as var_dir:
        old = _measure("waitress, 1 process x 8 threads (old)", ["--server", "waitress"],
                       _environment(Path(var_dir)), args, cookie, token)
        processes = args.workers or "default (4)"
        new = _measure(f"gunicorn, {processes} processes x 8 threads, Redis", ["--server", "gunicorn", "--workers",
                                                                                str(args.workers)],
                       _environment(Path(var_dir), ACCORD_REDIS_URL=REDIS_URL), args, cookie, token)
    print(f"ratio new/old: {new['rps'] / old['rps']:.2f}x requests/s, p95 {old['p95_ms'] / new['p95_ms']:.2f}x lower; "
          f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
