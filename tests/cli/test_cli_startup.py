"""`accord --help` stays fast: the command line imports no heavy library until a command needs it
(the time itself is measured by hand; this checks what is imported, which decides it)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "scipy", "highspy", "matplotlib", "django.db.models", "accord.engine.vulns", "accord.engine.fair",
         "accord.engine.patching.plan", "accord.engine.portfolio.milp", "yaml")


def test_importing_the_command_line_loads_no_heavy_library():
    probe = ("import sys, accord.cli; "
             f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"imported at start: {loaded}"
