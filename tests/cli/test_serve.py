"""`accord serve` in production mode: migrates, collects static files and answers over HTTP, with
gunicorn (several processes) and waitress alike; behind a proxy it believes X-Forwarded-For and
X-Forwarded-Proto from ACCORD_TRUSTED_PROXIES only."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn needs fork()")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Server:
    port: int
    pid: int
    var_dir: Path

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, body: str | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    def last_login_address(self) -> str:
        """The address the latest sign-in attempt was audited with (read from the server's SQLite file)."""
        with sqlite3.connect(self.var_dir / "accord.sqlite3") as db:
            (after,) = db.execute("SELECT after FROM core_auditevent WHERE action LIKE 'auth.login%' "
                                  "ORDER BY seq DESC LIMIT 1").fetchone()
        return json.loads(after)["address"]

    def fail_a_sign_in(self, headers: dict[str, str]) -> Answer:
        """POST a wrong password through the login form, with its CSRF cookie and token."""
        page = self.request("GET", "/accounts/login/", headers=headers)
        cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
        body = f"csrfmiddlewaretoken={token}&username=nobody&password=wrong-password-123"
        return self.request("POST", "/accounts/login/", body=body, headers={
            **headers, "Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{self.port}/accounts/login/"})


@contextmanager
def running(var_dir: Path, *args: str, **env_vars: str) -> Iterator[Server]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(ACCORD_ENV="production", ACCORD_SECRET_KEY="s" * 50, ACCORD_VAR_DIR=str(var_dir), **env_vars)
    process = subprocess.Popen([sys.executable, "-m", "accord", "serve", "--port", str(port), *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = Server(port, process.pid, var_dir)
    try:
        for _ in range(240):
            try:
                if server.request("GET", "/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            process.terminate()
            pytest.fail(f"accord serve did not answer within two minutes: {process.communicate(timeout=10)[0]}")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=40)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    """One folder (SQLite file, static files) for every server of this module: the first one migrates
    and collects, the others start at once."""
    return tmp_path_factory.mktemp("serve")


def _children(pid: int) -> list[str]:
    """The command lines of the processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.parametrize("server_kind", ["gunicorn", "waitress"])
def test_serves_pages_api_and_static_files(var_dir, server_kind):
    with running(var_dir, "--server", server_kind, "--workers", "2") as server:
        page = server.request("GET", "/accounts/login/")
        assert page.status == 200 and b"Sign in to Accord" in page.body
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        assert server.request("GET", "/static/accord/accord.css").status == 200
        assert server.request("GET", "/static/ninja/swagger-ui.css").status == 200
        assert server.request("GET", "/api/v1/org/assets").status == 401
        assert server.request("GET", "/org/assets/").status == 302  # to the login page
        if server_kind == "gunicorn" and Path("/proc").is_dir():
            children = _children(server.pid)
            consumers = [c for c in children if " worker " in c]
            assert len(consumers) == 1, children  # the job consumers: one process, not one per web worker
            assert len(children) == 3, children  # and two web workers


@pytest.mark.parametrize("server_kind", ["gunicorn", "waitress"])
def test_behind_a_trusted_proxy_https_and_the_client_address_come_from_it(var_dir, server_kind):
    with running(var_dir, "--server", server_kind, ACCORD_HTTPS="true", ACCORD_TRUSTED_PROXIES="127.0.0.1/32") as server:
        over_https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
        page = server.request("GET", "/accounts/login/", headers=over_https)
        assert page.status == 200
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "Secure" in page.headers["Set-Cookie"]
        plain = server.request("GET", "/accounts/login/")  # the proxy passed on plain HTTP: to HTTPS
        assert plain.status == 301 and plain.headers["Location"].startswith("https://")
        assert server.request("GET", "/healthz").status == 200  # the proxy's health check stays on HTTP

        assert server.fail_a_sign_in(over_https).status == 200
        # 127.0.0.1 is the trusted proxy; 203.0.113.7 the client it saw (198.51.100.1 the client could write)
        assert server.last_login_address() == "203.0.113.7"


def test_from_an_untrusted_peer_the_forwarded_headers_are_ignored(var_dir):
    with running(var_dir, ACCORD_TRUSTED_PROXIES="192.0.2.10") as server:
        spoofed = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        page = server.request("GET", "/accounts/login/", headers=spoofed)
        assert page.status == 200 and "Strict-Transport-Security" not in page.headers
        # Believed, X-Forwarded-Proto would make the request secure and Django's CSRF check would then
        # insist on an HTTPS Referer from this host; the form goes through as plain HTTP instead.
        answer = server.fail_a_sign_in({**spoofed})
        assert answer.status == 200
        assert server.last_login_address() == "127.0.0.1"
