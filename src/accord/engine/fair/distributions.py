"""Input distributions of the FAIR factors, each with a sampler, an inverse CDF and a closed-form mean.

Every distribution offers `sample` (numpy's own sampler, or for PERT the exact table sampler of
`beta_sampler`), `ppf` (the inverse CDF: the tornado's percentiles) and `cdf`. `mean` is exact, so
results can show an analytic mean beside the simulated one, and the tornado is exact.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy import special

from accord.engine.fair.beta_sampler import sample_beta
from accord.engine.fair.errors import InvalidScenario

FloatArray = NDArray[np.float64]

# Standard normal 95th percentile: the 90% interval of a lognormal spans +-Z95 sigma.
Z95 = 1.6448536269514722
LOGNORMAL_SPREAD_WARNING = 1_000.0


class Distribution(ABC):
    """A non-negative input distribution."""

    kind: ClassVar[str]

    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """`n` independent draws from `rng`."""

    @abstractmethod
    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse CDF at uniforms `u` in (0, 1)."""

    @abstractmethod
    def cdf(self, x: FloatArray) -> FloatArray:
        """P(X <= x)."""

    @abstractmethod
    def mean(self) -> float:
        """Exact mean."""

    @abstractmethod
    def support(self) -> tuple[float, float]:
        """Smallest and largest possible value (the largest may be infinite)."""

    @abstractmethod
    def spec(self) -> dict[str, Any]:
        """The normalised one-key mapping this distribution was read from."""

    def warnings(self) -> list[str]:
        """Plausibility warnings about the parameters (not errors)."""
        return []

    def quantile(self, p: float) -> float:
        return float(self.ppf(np.array([p]))[0])

    @property
    def is_constant(self) -> bool:
        return False


@dataclass(frozen=True)
class Constant(Distribution):
    value: float
    kind: ClassVar[str] = "constant"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.full(n, self.value)

    def ppf(self, u: FloatArray) -> FloatArray:
        return np.full(np.shape(u), self.value)

    def cdf(self, x: FloatArray) -> FloatArray:
        return (np.asarray(x) >= self.value).astype(np.float64)

    def mean(self) -> float:
        return self.value

    def support(self) -> tuple[float, float]:
        return (self.value, self.value)

    def spec(self) -> dict[str, Any]:
        return {"constant": self.value}

    @property
    def is_constant(self) -> bool:
        return True


@dataclass(frozen=True)
class Pert(Distribution):
    """Beta-PERT on [low, high]. `classic`: alpha = 1 + gamma (m - l) / (h - l), beta likewise from the
    other side. `pyfair`: the beta matched to mean (l + gamma m + h) / (gamma + 2) and standard
    deviation (h - l) / (gamma + 2), as the pyfair package does."""

    low: float
    mode: float
    high: float
    gamma: float = 4.0
    variant: str = "classic"
    kind: ClassVar[str] = "pert"

    @property
    def shape(self) -> tuple[float, float]:
        span = self.high - self.low
        if self.variant == "classic":
            return (
                1.0 + self.gamma * (self.mode - self.low) / span,
                1.0 + self.gamma * (self.high - self.mode) / span,
            )
        mean = (self.low + self.gamma * self.mode + self.high) / (self.gamma + 2.0)
        sd = span / (self.gamma + 2.0)
        alpha = (mean - self.low) / span * ((mean - self.low) * (self.high - mean) / sd**2 - 1.0)
        beta = alpha * (self.high - mean) / (mean - self.low)
        return (alpha, beta)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        alpha, beta = self.shape
        draws = sample_beta(rng, alpha, beta, n)
        draws *= self.high - self.low  # in place: no temporaries on the hot path
        draws += self.low
        return draws

    def ppf(self, u: FloatArray) -> FloatArray:
        alpha, beta = self.shape
        return self.low + (self.high - self.low) * special.betaincinv(alpha, beta, u)

    def cdf(self, x: FloatArray) -> FloatArray:
        alpha, beta = self.shape
        z = np.clip((np.asarray(x, dtype=np.float64) - self.low) / (self.high - self.low), 0.0, 1.0)
        return np.asarray(special.betainc(alpha, beta, z), dtype=np.float64)

    def mean(self) -> float:
        alpha, beta = self.shape
        return self.low + (self.high - self.low) * alpha / (alpha + beta)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def spec(self) -> dict[str, Any]:
        return {"pert": [self.low, self.mode, self.high], "gamma": self.gamma, "variant": self.variant}


@dataclass(frozen=True)
class Lognormal90(Distribution):
    """Lognormal given by its 5th and 95th percentiles, optionally capped at `max` (values above it
    become `max`, so the stated percentiles keep their meaning)."""

    p5: float
    p95: float
    max: float | None = None
    kind: ClassVar[str] = "lognormal90"

    @property
    def mu(self) -> float:
        return (math.log(self.p5) + math.log(self.p95)) / 2.0

    @property
    def sigma(self) -> float:
        return (math.log(self.p95) - math.log(self.p5)) / (2.0 * Z95)

    @property
    def uncapped_mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2.0)

    def _cap(self, x: FloatArray) -> FloatArray:
        return x if self.max is None else np.minimum(x, self.max)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self._cap(rng.lognormal(self.mu, self.sigma, n))

    def ppf(self, u: FloatArray) -> FloatArray:
        return self._cap(np.exp(self.mu + self.sigma * special.ndtri(u)))

    def cdf(self, x: FloatArray) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(divide="ignore"):
            below = special.ndtr((np.log(np.maximum(x, 0.0)) - self.mu) / self.sigma)
        return below if self.max is None else np.where(x >= self.max, 1.0, below)

    def mean(self) -> float:
        if self.max is None:
            return self.uncapped_mean
        # E[min(X, m)] = E[X; X <= m] + m P(X > m), both in closed form for a lognormal.
        log_max = math.log(self.max)
        kept = self.uncapped_mean * special.ndtr((log_max - self.mu - self.sigma**2) / self.sigma)
        return float(kept + self.max * special.ndtr(-(log_max - self.mu) / self.sigma))

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf if self.max is None else self.max)

    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"lognormal90": [self.p5, self.p95]}
        if self.max is not None:
            spec["max"] = self.max
        return spec

    def warnings(self) -> list[str]:
        found = []
        if self.uncapped_mean > self.p95:
            found.append(
                f"lognormal90 [{self.p5:g}, {self.p95:g}] implies a mean of {self.uncapped_mean:,.0f}, above "
                "its own 95th percentile: the tail dominates; check the interval"
            )
        if self.p95 / self.p5 > LOGNORMAL_SPREAD_WARNING:
            found.append(
                f"lognormal90 [{self.p5:g}, {self.p95:g}] spans a ratio of {self.p95 / self.p5:,.0f} "
                f"(more than {LOGNORMAL_SPREAD_WARNING:,.0f}): the tail is extremely heavy"
            )
        return found


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float
    kind: ClassVar[str] = "uniform"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.low, self.high, n)

    def ppf(self, u: FloatArray) -> FloatArray:
        return self.low + (self.high - self.low) * np.asarray(u, dtype=np.float64)

    def cdf(self, x: FloatArray) -> FloatArray:
        return np.clip((np.asarray(x, dtype=np.float64) - self.low) / (self.high - self.low), 0.0, 1.0)

    def mean(self) -> float:
        return (self.low + self.high) / 2.0

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def spec(self) -> dict[str, Any]:
        return {"uniform": [self.low, self.high]}


@dataclass(frozen=True)
class Triangular(Distribution):
    low: float
    mode: float
    high: float
    kind: ClassVar[str] = "triangular"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def ppf(self, u: FloatArray) -> FloatArray:
        u = np.asarray(u, dtype=np.float64)
        span = self.high - self.low
        split = (self.mode - self.low) / span
        rising = self.low + np.sqrt(u * span * (self.mode - self.low))
        falling = self.high - np.sqrt((1.0 - u) * span * (self.high - self.mode))
        return np.where(u < split, rising, falling)

    def cdf(self, x: FloatArray) -> FloatArray:
        x = np.clip(np.asarray(x, dtype=np.float64), self.low, self.high)
        span = self.high - self.low
        with np.errstate(divide="ignore", invalid="ignore"):
            rising = (x - self.low) ** 2 / (span * (self.mode - self.low))
            falling = 1.0 - (self.high - x) ** 2 / (span * (self.high - self.mode))
        return np.where(x <= self.mode, np.nan_to_num(rising), np.nan_to_num(falling, nan=1.0))

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def spec(self) -> dict[str, Any]:
        return {"triangular": [self.low, self.mode, self.high]}


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal clipped at zero: negative draws become 0 (losses and frequencies cannot be negative)."""

    mu: float
    sd: float
    kind: ClassVar[str] = "normal"

    @property
    def mass_below_zero(self) -> float:
        return float(special.ndtr(-self.mu / self.sd))

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.maximum(rng.normal(self.mu, self.sd, n), 0.0)

    def ppf(self, u: FloatArray) -> FloatArray:
        return np.maximum(self.mu + self.sd * special.ndtri(u), 0.0)

    def cdf(self, x: FloatArray) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        return np.where(x < 0.0, 0.0, special.ndtr((x - self.mu) / self.sd))

    def mean(self) -> float:
        # E[max(X, 0)] for X ~ N(mu, sd^2).
        z = self.mu / self.sd
        density = math.exp(-z * z / 2.0) / math.sqrt(2.0 * math.pi)
        return float(self.mu * special.ndtr(z) + self.sd * density)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def spec(self) -> dict[str, Any]:
        return {"normal": [self.mu, self.sd]}

    def warnings(self) -> list[str]:
        if self.mass_below_zero > 1e-9:
            return [
                f"normal [{self.mu:g}, {self.sd:g}] puts {self.mass_below_zero:.2%} of its mass below zero; "
                "those draws are clipped to 0"
            ]
        return []


# ---- parsing -------------------------------------------------------------------------------------

_OPTIONS = {"pert": {"gamma", "variant"}, "lognormal90": {"max"}}
_ARITY = {"pert": 3, "lognormal90": 2, "uniform": 2, "triangular": 3, "normal": 2}
KINDS = ("constant", "pert", "lognormal90", "uniform", "triangular", "normal")


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidScenario(path, f"must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidScenario(path, "must be a finite number")
    return number


def _numbers(value: object, count: int, path: str) -> list[float]:
    if not isinstance(value, list | tuple) or len(value) != count:
        raise InvalidScenario(path, f"must be a list of {count} numbers")
    return [_number(item, f"{path}[{i}]") for i, item in enumerate(value)]


def parse_distribution(value: object, path: str) -> Distribution:
    """Read a one-key mapping such as ``{pert: [1, 2, 5]}`` (a bare number means a constant)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Constant(_number(value, path))
    if not isinstance(value, dict):
        raise InvalidScenario(
            path, f"must be a distribution such as {{pert: [low, mode, high]}}, got {value!r}"
        )
    kinds = [key for key in value if key in KINDS]
    if len(kinds) != 1:
        raise InvalidScenario(path, f"must name exactly one distribution among {', '.join(KINDS)}")
    kind = kinds[0]
    extra = set(value) - {kind} - _OPTIONS.get(kind, set())
    if extra:
        raise InvalidScenario(path, f"unknown option(s) for {kind}: {', '.join(sorted(map(str, extra)))}")
    where = f"{path}.{kind}"
    if kind == "constant":
        return Constant(_number(value[kind], where))
    params = _numbers(value[kind], _ARITY[kind], where)
    if kind == "pert":
        return _pert(params, value, where)
    if kind == "lognormal90":
        p5, p95 = params
        if not 0.0 < p5 < p95:
            raise InvalidScenario(where, "needs 0 < p5 < p95")
        cap = None if value.get("max") is None else _number(value["max"], f"{path}.max")
        if cap is not None and cap < p95:
            # Capping below p95 would move the stated percentiles: P(X <= max) would already be 1.
            raise InvalidScenario(
                f"{path}.max", f"must be at least the 95th percentile ({p95:,.0f}), or the percentiles lose their meaning"
            )
        return Lognormal90(p5, p95, cap)
    if kind == "uniform":
        if not params[0] < params[1]:
            raise InvalidScenario(where, "needs low < high")
        return Uniform(*params)
    if kind == "triangular":
        low, mode, high = params
        if not (low <= mode <= high and low < high):
            raise InvalidScenario(where, "needs low <= mode <= high and low < high")
        return Triangular(low, mode, high)
    mu, sd = params
    if sd <= 0.0:
        raise InvalidScenario(f"{where}[1]", "standard deviation must be > 0")
    return Normal(mu, sd)


def _pert(params: list[float], value: dict[str, Any], where: str) -> Pert:
    low, mode, high = params
    if not (low <= mode <= high and low < high):
        raise InvalidScenario(where, "needs low <= mode <= high and low < high")
    gamma = _number(value.get("gamma", 4.0), f"{where}.gamma")
    if gamma <= 0.0:
        raise InvalidScenario(f"{where}.gamma", "must be > 0")
    variant = value.get("variant", "classic")
    if variant not in ("classic", "pyfair"):
        raise InvalidScenario(f"{where}.variant", "must be classic or pyfair")
    pert = Pert(low, mode, high, gamma, variant)
    alpha, beta = pert.shape
    if not (alpha > 0.0 and beta > 0.0):
        raise InvalidScenario(
            where, "the pyfair variant has no valid beta shape for these values; use classic"
        )
    return pert
