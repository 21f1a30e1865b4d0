"""Settings refuse what would be unsafe outside development. Each case runs in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

LOAD_SETTINGS = "import accord.config.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"


def _load(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    clean.update({"ACCORD_VAR_DIR": str(tmp_path), **env})
    return subprocess.run([sys.executable, "-c", LOAD_SETTINGS], env=clean, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize("key", ["", "accord-development-only-not-a-secret"])
def test_production_refuses_an_empty_or_default_secret_key(tmp_path, key):
    result = _load(tmp_path, ACCORD_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ACCORD_SECRET_KEY is empty or the development default" in result.stderr


def test_production_with_a_key_starts_with_debug_off(tmp_path):
    result = _load(tmp_path, ACCORD_SECRET_KEY="x" * 50, ACCORD_ALLOWED_HOSTS="accord.example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['accord.example.com']"


def test_development_accepts_the_default_key(tmp_path):
    assert _load(tmp_path, ACCORD_ENV="development").returncode == 0


def test_bad_values_name_the_variable(tmp_path):
    result = _load(tmp_path, ACCORD_ENV="development", ACCORD_DEBUG="perhaps")
    assert result.returncode != 0 and "ACCORD_DEBUG" in result.stderr
    result = _load(tmp_path, ACCORD_ENV="development", ACCORD_DATABASE_URL="nonsense://")
    assert result.returncode != 0 and "ACCORD_DATABASE_URL" in result.stderr
