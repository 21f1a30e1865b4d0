"""`accord serve` in production mode: migrates, collects static files and answers over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - localhost only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(ACCORD_ENV="production", ACCORD_SECRET_KEY="s" * 50, ACCORD_VAR_DIR=str(tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "accord", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("accord serve did not answer within a minute")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serves_pages_api_and_static_files(server):
    status, body = _get(f"{server}/accounts/login/")
    assert status == 200 and b"Sign in to Accord" in body
    assert _get(f"{server}/static/accord/accord.css")[0] == 200
    assert _get(f"{server}/static/ninja/swagger-ui.css")[0] == 200
    assert _get(f"{server}/api/v1/org/assets")[0] == 401
    status, _ = _get(f"{server}/org/assets/")
    assert status == 200  # followed the redirect to the login page
