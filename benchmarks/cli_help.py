"""`accord --help` wall time: the table-driven top-level help against building the whole Typer tree
(what `accord --help` did before the command table), measured in the same run.

Run: .venv/bin/python benchmarks/cli_help.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ACCORD = str(Path(sys.executable).with_name("accord"))
WHOLE_TREE = "import sys; from accord.cli.tree import build; sys.argv = ['accord', '--help']; build()()"
RUNS = 21


def wall_times(command: list[str]) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    table = wall_times([ACCORD, "--help"])
    tree = wall_times([sys.executable, "-c", WHOLE_TREE])
    for label, times in (("accord --help (command table)", table), ("whole Typer tree --help", tree)):
        print(f"{label:32} median {statistics.median(times) * 1000:6.0f} ms, max {max(times) * 1000:6.0f} ms")
    print(f"ratio (tree / table, medians): {statistics.median(tree) / statistics.median(table):.1f}x")


if __name__ == "__main__":
    main()
