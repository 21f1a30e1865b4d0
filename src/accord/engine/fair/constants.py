"""Engine-wide constants. Changing any of them changes results, so it bumps ENGINE_VERSION."""

from __future__ import annotations

# Exported as accord.engine.fair.ENGINE_VERSION (see accord.engine for the rule).
# 1.1: table beta sampler, Poisson by inversion.
# 2.0: the rate model caps the frequency at one event a year under events: bernoulli; correlation
#      reorders each scenario's own simulated years (Iman-Conover, calibrated to the stated rank
#      correlation of annual losses) instead of driving the inputs from a copula; the tornado is
#      computed in closed form; a lognormal90 max below its p95 is refused.
ENGINE_VERSION = "fair 2.0"

# Simulated years are cut into chunks of this fixed size; every chunk has its own SeedSequence child,
# so the numbers never depend on how many threads ran the chunks or in which order.
CHUNK_YEARS = 1 << 17

DEFAULT_YEARS = 100_000
MAX_YEARS = 100_000_000

# Quantiles are exact (kept values) while years x series stays under this many values (8 bytes each);
# above it they come from a log-bucket sketch whose relative error is SKETCH_RELATIVE_ERROR.
EXACT_QUANTILE_LIMIT = 6_000_000
SKETCH_RELATIVE_ERROR = 0.005

# Loss exceedance curve thresholds: 10 per decade from 1 to 10^13 currency units (exact counts).
LEC_DECADES = (0, 13)
LEC_STEPS_PER_DECADE = 10

# Two-sided 90% normal quantile, for Monte Carlo intervals.
Z90 = 1.6448536269514722
