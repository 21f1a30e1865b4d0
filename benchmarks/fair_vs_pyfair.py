"""Accord's FAIR engine against the pyfair package, on the same model, in one run.

    .venv/bin/python benchmarks/fair_vs_pyfair.py [--quick]

Model (issue 3): TEF ~ PERT(0.5, 2, 10), vulnerability ~ PERT(0.05, 0.2, 0.5), loss ~ PERT(10k, 150k, 2M),
with the moment-matched ("pyfair") PERT in both tools so that they simulate the same distributions.
pyfair is not a dependency of Accord; install it into the venv to compare (`pip install pyfair`).
Without it, Accord is measured alone. Times are the best of several runs, end to end: building the
model, simulating and producing results (pyfair: calculate_all + export_results; Accord: the full
statistics, loss exceedance curve included). Accord uses its default worker threads (one per CPU;
results are identical for any count); pyfair is single-threaded. Peak memory is the peak resident set
size (VmHWM) of a fresh subprocess, interpreter and libraries included. The load average is printed
before and after: on a shared machine other processes take CPU from the threads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

TEF = (0.5, 2.0, 10.0)
VULN = (0.05, 0.2, 0.5)
LOSS = (10_000.0, 150_000.0, 2_000_000.0)

try:
    import pyfair
except ImportError:  # pragma: no cover - depends on the machine
    pyfair = None


def best_of(runs: int, function: Callable[[], Any]) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value


# ---- the two tools ---------------------------------------------------------------------------------


def accord_scenario(index: int = 0) -> Any:
    from accord.engine.fair import Pert, Scenario

    scale = 1.0 + 0.01 * index  # distinct scenarios, same shape
    return Scenario(
        id=f"s{index}",
        tef=Pert(*TEF, variant="pyfair"),
        vulnerability=Pert(*VULN, variant="pyfair"),
        primary_loss=Pert(*(x * scale for x in LOSS), variant="pyfair"),
    )


def accord_run(scenarios: int, years: int, model: str) -> float:
    from accord.engine.fair import simulate_scenarios

    result = simulate_scenarios(
        [accord_scenario(i) for i in range(scenarios)], years=years, seed=1, model=model
    )
    return result.portfolio.mean


def pyfair_model(index: int, years: int) -> Any:
    assert pyfair is not None
    scale = 1.0 + 0.01 * index
    model = pyfair.FairModel(name=f"s{index}", n_simulations=years, random_seed=1)
    model.input_data("Threat Event Frequency", low=TEF[0], mode=TEF[1], high=TEF[2])
    model.input_data("Vulnerability", low=VULN[0], mode=VULN[1], high=VULN[2])
    model.input_data("Loss Magnitude", low=LOSS[0] * scale, mode=LOSS[1] * scale, high=LOSS[2] * scale)
    return model


def pyfair_single(years: int) -> float:
    model = pyfair_model(0, years)
    model.calculate_all()
    return float(model.export_results()["Risk"].mean())


def pyfair_meta(scenarios: int, years: int) -> float:
    assert pyfair is not None
    models = [pyfair_model(i, years) for i in range(scenarios)]
    for model in models:
        model.calculate_all()
    meta = pyfair.FairMetaModel(name="portfolio", models=models)
    meta.calculate_all()
    return float(meta.export_results()["Risk"].mean())


# ---- peak memory in a subprocess ---------------------------------------------------------------------

CHILD = {
    "accord": "from accord.engine.fair import Pert, Scenario, simulate_scenarios\n"
    "s = Scenario(id='s', tef=Pert({tef}, variant='pyfair'), vulnerability=Pert({vuln}, variant='pyfair'),"
    " primary_loss=Pert({loss}, variant='pyfair'))\n"
    "r = simulate_scenarios([s], years={years}, seed=1, model='{model}')\n"
    "mean = r.portfolio.mean\n",
    "pyfair": "import pyfair\n"
    "m = pyfair.FairModel(name='s', n_simulations={years}, random_seed=1)\n"
    "m.input_data('Threat Event Frequency', low={tef_low}, mode={tef_mode}, high={tef_high})\n"
    "m.input_data('Vulnerability', low={v_low}, mode={v_mode}, high={v_high})\n"
    "m.input_data('Loss Magnitude', low={l_low}, mode={l_mode}, high={l_high})\n"
    "m.calculate_all()\n"
    "mean = float(m.export_results()['Risk'].mean())\n",
}


def peak_memory(tool: str, years: int, model: str = "event") -> dict[str, float]:
    body = CHILD[tool].format(
        tef=", ".join(map(str, TEF)),
        vuln=", ".join(map(str, VULN)),
        loss=", ".join(map(str, LOSS)),
        years=years,
        model=model,
        tef_low=TEF[0],
        tef_mode=TEF[1],
        tef_high=TEF[2],
        v_low=VULN[0],
        v_mode=VULN[1],
        v_high=VULN[2],
        l_low=LOSS[0],
        l_mode=LOSS[1],
        l_high=LOSS[2],
    )
    # VmHWM (peak resident set) of the child itself: ru_maxrss would carry the parent's peak over exec.
    code = (
        "import json, time\n"
        "def peak_mb():\n"
        "    with open('/proc/self/status') as f:\n"
        "        return next(int(l.split()[1]) for l in f if l.startswith('VmHWM')) / 1024\n"
        "start = time.perf_counter()\n"
        f"{body}"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'mean': mean,"
        " 'peak_mb': peak_mb()}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": 1.0, "peak_mb": float("nan"), "seconds": float("nan"), "mean": float("nan")}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- report ----------------------------------------------------------------------------------------


def load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not Unix
        return "unknown"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def row(label: str, accord: float, other: float | None, target: str) -> None:
    ratio = f"{other / accord:6.1f}x" if other else "   n/a"
    other_text = f"{other:8.3f}" if other else "     n/a"
    print(f"{label:<44} {accord:8.3f} {other_text} {ratio}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs (timed rows)")
    args = parser.parse_args()
    big = 1_000_000 if not args.quick else 100_000
    runs = args.runs if not args.quick else 1
    from accord.engine.fair.engine import default_threads

    print(f"machine: {machine()}; Accord threads: {default_threads()}; load average: {load()}")
    if pyfair is None:
        print("pyfair is not installed: measuring Accord alone (pip install pyfair into the venv to compare)")
    else:
        print(f"pyfair {getattr(pyfair, '__version__', '?')} found")
    print(f"{'benchmark':<44} {'accord s':>8} {'pyfair s':>8} {'ratio':>7}   target")

    accord_rate, mean_rate = best_of(runs, lambda: accord_run(1, big, "rate"))
    accord_event, mean_event = best_of(runs, lambda: accord_run(1, big, "event"))
    pyfair_time = pyfair_mean = None
    if pyfair is not None:
        pyfair_time, pyfair_mean = best_of(runs, lambda: pyfair_single(big))
    row(f"{big:,} years, rate model", accord_rate, pyfair_time, ">= 4x")
    row(f"{big:,} years, event model", accord_event, pyfair_time, ">= 2x")
    print(
        f"  mean annual loss: accord rate {mean_rate:,.0f}, event {mean_event:,.0f}, pyfair {pyfair_mean or float('nan'):,.0f}"
    )

    many = 50
    accord_many, _ = best_of(runs, lambda: accord_run(many, 100_000, "event"))
    accord_many_rate, _ = best_of(runs, lambda: accord_run(many, 100_000, "rate"))
    pyfair_many = None
    if pyfair is not None:
        pyfair_many, _ = best_of(runs, lambda: pyfair_meta(many, 100_000))
    row(f"{many} scenarios x 100,000 years, event", accord_many, pyfair_many, ">= 3x vs FairMetaModel")
    row(f"{many} scenarios x 100,000 years, rate", accord_many_rate, pyfair_many, ">= 3x vs FairMetaModel")

    huge = 10_000_000 if not args.quick else 1_000_000
    for model in ("event", "rate"):
        mine = peak_memory("accord", huge, model)
        theirs = peak_memory("pyfair", huge) if pyfair is not None and model == "rate" else None
        their_text = f", pyfair {theirs['peak_mb']:,.0f} MB in {theirs['seconds']:.1f} s" if theirs else ""
        print(
            f"{huge:,} years, {model}: accord peak RSS {mine['peak_mb']:,.0f} MB in {mine['seconds']:.1f} s"
            f"{their_text}   target < 300 MB"
        )

    thousand = 1_000 if not args.quick else 100
    accord_thousand, _ = best_of(1, lambda: accord_run(thousand, 100_000, "event"))
    accord_thousand_rate, _ = best_of(1, lambda: accord_run(thousand, 100_000, "rate"))
    print(
        f"{thousand:,} scenarios x 100,000 years: event {accord_thousand:.1f} s, rate {accord_thousand_rate:.1f} s   target < 15 s"
    )
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
