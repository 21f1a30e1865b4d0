"""Open FAIR Monte Carlo engine: quantified risk in money, loss exceedance curves, controls, tornado.

Pure computation (no Django). Entry points:

- `simulate_file(data, years=, seed=, model=)` -> `SimulationResult` (`.to_dict()` is the CLI's JSON)
- `simulate_scenarios([Scenario, ...], ...)` for scenarios built in code
- `control_effects(scenarios, {id: [Control, ...]}, seed=)` mean annual loss without/with controls
- `tornado(scenario, model=)` one-at-a-time sensitivity, exact (closed form)
- `portfolio_years(scenarios, ...)` every simulated year as the portfolio pairs them (small runs, checks)
- `parse_scenario_file(data)` / `parse_scenario(data)` to check input (raise `InvalidScenario`)

`ENGINE_VERSION` names the engine's results: stored with every run, bumped whenever a result changes.
"""

from accord.engine.fair.constants import ENGINE_VERSION
from accord.engine.fair.controls import MeanLossChange, control_effects
from accord.engine.fair.distributions import (
    Constant,
    Distribution,
    Lognormal90,
    Normal,
    Pert,
    Triangular,
    Uniform,
    parse_distribution,
)
from accord.engine.fair.engine import (
    AppetiteCheck,
    ControlEffect,
    CorrelationCheck,
    ScenarioResult,
    SimulationResult,
    mean_annual_loss,
    portfolio_years,
    simulate_file,
    simulate_parsed,
    simulate_scenarios,
)
from accord.engine.fair.errors import InvalidScenario
from accord.engine.fair.scenario import (
    Control,
    Correlation,
    Scenario,
    ScenarioFile,
    parse_control,
    parse_scenario,
    parse_scenario_file,
)
from accord.engine.fair.sensitivity import Tornado, TornadoBar, tornado
from accord.engine.fair.stats import SeriesStats

__all__ = [
    "ENGINE_VERSION",
    "AppetiteCheck",
    "Constant",
    "Control",
    "ControlEffect",
    "Correlation",
    "CorrelationCheck",
    "Distribution",
    "InvalidScenario",
    "Lognormal90",
    "MeanLossChange",
    "Normal",
    "Pert",
    "Scenario",
    "ScenarioFile",
    "ScenarioResult",
    "SeriesStats",
    "SimulationResult",
    "Tornado",
    "TornadoBar",
    "Triangular",
    "Uniform",
    "control_effects",
    "mean_annual_loss",
    "parse_control",
    "parse_distribution",
    "parse_scenario",
    "parse_scenario_file",
    "portfolio_years",
    "simulate_file",
    "simulate_parsed",
    "simulate_scenarios",
    "tornado",
]
