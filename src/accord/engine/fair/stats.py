"""Streaming statistics of simulated annual losses.

Chunks of annual losses are folded in one by one, in a fixed order, so memory stays bounded and the
result does not depend on threading: moments merge exactly (Chan et al.), exceedance counts at the
loss exceedance thresholds are exact integers, and quantiles are exact (values kept) below a size
limit, otherwise read from a mergeable log-bucket sketch with a stated relative error.

The per-value work (moments, threshold counts, sketch buckets) is done by `summarize` on the worker
thread that simulated the chunk; the fold then only merges small summaries, in task order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.engine.fair.constants import LEC_DECADES, LEC_STEPS_PER_DECADE, SKETCH_RELATIVE_ERROR

FloatArray = NDArray[np.float64]
QUANTILES = (0.05, 0.5, 0.9, 0.95, 0.99)
TAIL_FRACTION = 0.01


def lec_thresholds(extra: Iterable[float] = ()) -> FloatArray:
    """Log-spaced thresholds (10 per decade) plus any extra ones (the board's appetite points)."""
    first, last = LEC_DECADES
    steps = (last - first) * LEC_STEPS_PER_DECADE
    grid = np.round(10.0 ** np.linspace(first, last, steps + 1), 6)
    return np.unique(np.concatenate([grid, np.asarray(list(extra), dtype=np.float64)]))


def moments_of(values: FloatArray) -> tuple[int, float, float]:
    """Count, mean and sum of squared deviations of one chunk (what Moments.merge takes)."""
    if values.size == 0:
        return (0, 0.0, 0.0)
    chunk_mean = float(values.mean())
    deviations = values - chunk_mean
    return (int(values.size), chunk_mean, float(np.square(deviations, out=deviations).sum()))


@dataclass
class Moments:
    """Count, mean and sum of squared deviations, merged chunk by chunk (exact, order-fixed)."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, values: FloatArray) -> None:
        self.merge(*moments_of(values))

    def merge(self, count: int, chunk_mean: float, chunk_m2: float) -> None:
        """Fold in the count, mean and squared-deviation sum of a chunk computed elsewhere."""
        if count == 0:
            return
        total = self.n + count
        delta = chunk_mean - self.mean
        self.mean += delta * count / total
        self.m2 += chunk_m2 + delta * delta * self.n * count / total
        self.n = total

    @property
    def stdev(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0

    @property
    def standard_error(self) -> float:
        return self.stdev / math.sqrt(self.n) if self.n else 0.0


class LogSketch:
    """Counts of positive values in geometric buckets of ratio (1 + a) / (1 - a); zeros apart.

    Any value reported from the sketch lies within relative error `a` of a true order statistic of the
    right rank. Sketches with the same `a` merge by adding counts."""

    LOWEST = 1e-3
    HIGHEST = 1e18

    def __init__(self, relative_error: float = SKETCH_RELATIVE_ERROR) -> None:
        self.relative_error = relative_error
        self.log_ratio = math.log((1.0 + relative_error) / (1.0 - relative_error))
        self.offset = math.ceil(math.log(self.LOWEST) / self.log_ratio)
        size = math.ceil(math.log(self.HIGHEST) / self.log_ratio) - self.offset + 1
        self.counts = np.zeros(size, dtype=np.int64)
        self.zeros = 0

    def add(self, values: FloatArray) -> None:
        with np.errstate(divide="ignore"):
            log10 = np.log10(values)
        self.merge_counts(*self.bucket_counts(log10, int(np.count_nonzero(values > 0.0))))

    def bucket_counts(self, log10: FloatArray, positive: int) -> tuple[NDArray[np.int64], int]:
        """Bucket counts and zero count of values given by their log10 (-inf for zero), unmerged."""
        index = np.multiply(log10, math.log(10.0) / self.log_ratio)
        np.ceil(index, out=index)
        index -= self.offset
        # Zeros (log10 = -inf) land in bucket 0 here and are taken out again below.
        np.clip(index, 0, self.counts.size - 1, out=index)
        counts = np.bincount(index.astype(np.intp), minlength=self.counts.size)
        zeros = log10.size - positive
        counts[0] -= zeros
        return counts, zeros

    def merge_counts(self, counts: NDArray[np.int64], zeros: int) -> None:
        self.counts += counts
        self.zeros += zeros

    def merge(self, other: LogSketch) -> None:
        self.counts += other.counts
        self.zeros += other.zeros

    def _representative(self, bucket: NDArray[np.int64]) -> FloatArray:
        upper = np.exp((bucket + self.offset) * self.log_ratio)
        return 2.0 * upper / (1.0 + math.exp(self.log_ratio))

    def value_at_rank(self, rank: int) -> float:
        """Approximate value of the order statistic with 0-based `rank`."""
        if rank < self.zeros:
            return 0.0
        cumulative = np.cumsum(self.counts)
        bucket = int(np.searchsorted(cumulative, rank - self.zeros, side="right"))
        return float(self._representative(np.array([bucket]))[0])

    def top_mean(self, count: int) -> float:
        """Approximate mean of the `count` largest values."""
        buckets = np.nonzero(self.counts)[0][::-1]
        counts = self.counts[buckets]
        taken = np.minimum(counts, np.maximum(count - (np.cumsum(counts) - counts), 0))
        total = float((taken * self._representative(buckets)).sum())
        return total / count


@dataclass(frozen=True)
class SeriesStats:
    """Summary of one series of annual losses (a scenario, a scenario with controls, the portfolio)."""

    years: int
    mean: float
    mean_se: float
    analytic_mean: float | None
    stdev: float
    p5: float
    p50: float
    p90: float
    p95: float
    p99: float
    tail_mean_p99: float
    prob_loss: float
    thresholds: tuple[float, ...]
    exceedance: tuple[float, ...]
    exact_quantiles: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def prob_exceeding(self, threshold: float) -> float:
        """P(annual loss > threshold); exact for a threshold on the curve, else the next one above."""
        index = int(np.searchsorted(np.asarray(self.thresholds), threshold, side="left"))
        if index >= len(self.thresholds):
            return 0.0
        return self.exceedance[index]

    def lec(self) -> list[list[float]]:
        """The loss exceedance curve, trimmed to where it moves: [[threshold, P(loss > threshold)], ...]."""
        probs = np.asarray(self.exceedance)
        if self.prob_loss == 0.0 or probs.size == 0:
            return []
        moving = np.nonzero(probs < self.prob_loss)[0]
        start = max(int(moving[0]) - 1, 0) if moving.size else 0
        zero = np.nonzero(probs == 0.0)[0]
        stop = int(zero[0]) + 1 if zero.size else probs.size
        return [[self.thresholds[i], float(probs[i])] for i in range(start, stop)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "mean_se": self.mean_se,
            "analytic_mean": self.analytic_mean,
            "stdev": self.stdev,
            "p50": self.p50,
            "p90": self.p90,
            "p95": self.p95,
            "p99": self.p99,
            "tail_mean_p99": self.tail_mean_p99,
            "prob_loss": self.prob_loss,
            "lec": self.lec(),
        }


class ThresholdIndex:
    """How many thresholds lie strictly below each value: exactly `np.searchsorted(thresholds, v)`, but
    read from a lookup table on log10(v) instead of a binary search (several times faster).

    The log axis is cut into cells of 1/40 decade. Each threshold sits inside a cell, away from its
    edges, with at most one threshold per cell, so a value's count is the number of thresholds in the
    cells below plus one if it exceeds its own cell's threshold. Rounding in log10 can only move a value
    lying within ~1e-13 of a cell edge into the neighbouring cell, and no threshold lies between it and
    that edge, so the count does not change. Thresholds that do not fit (near an edge, sharing a cell,
    zero or negative) are compared one by one; with many of those, or any negative value, the binary
    search is used instead."""

    CELLS_PER_DECADE = 40
    EDGE_MARGIN = 1e-6  # fraction of a cell; rounding errors in log10 are ~1e-13 cells
    MAX_LOOSE = 4

    def __init__(self, thresholds: FloatArray) -> None:
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        placed: dict[int, float] = {}
        loose: list[float] = [float(t) for t in self.thresholds if t <= 0.0]
        positive = self.thresholds[self.thresholds > 0.0]
        self.origin = 0
        if positive.size:
            position = np.log10(positive) * self.CELLS_PER_DECADE + 0.5
            cells = np.floor(position)
            self.origin = int(cells.min()) - 1  # cell 0 stays empty: it also takes zeros and tiny values
            for value, cell, fraction in zip(positive, cells, position - cells, strict=True):
                index = int(cell) - self.origin
                if self.EDGE_MARGIN < fraction < 1.0 - self.EDGE_MARGIN and index not in placed:
                    placed[index] = float(value)
                else:
                    loose.append(float(value))
        size = max(placed) + 2 if placed else 1  # the last cell stays empty: it takes every larger value
        self.cell_threshold = np.full(size, np.inf)
        for index, value in placed.items():
            self.cell_threshold[index] = value
        occupied = np.isfinite(self.cell_threshold).astype(np.int64)
        self.below_cell = np.cumsum(occupied) - occupied
        self.loose = tuple(sorted(loose))
        self.use_table = bool(placed) and len(self.loose) <= self.MAX_LOOSE

    @property
    def bins(self) -> int:
        return int(self.thresholds.size) + 1

    def counts_below(self, values: FloatArray, log10: FloatArray, minimum: float) -> NDArray[np.intp]:
        """For each value, the number of thresholds < value. `log10` is log10(values), `minimum` a lower
        bound of the values (the table needs them >= 0)."""
        if not self.use_table or minimum < 0.0:
            return np.searchsorted(self.thresholds, values, side="left")
        position = np.multiply(log10, self.CELLS_PER_DECADE)
        position += 0.5 - self.origin
        np.clip(position, 0, self.cell_threshold.size - 1, out=position)  # -inf (zero) goes to cell 0
        cell = position.astype(np.intp)
        count: NDArray[np.intp] = self.below_cell.take(cell)
        count += values > self.cell_threshold.take(cell)
        for threshold in self.loose:
            count += values > threshold
        return count


@dataclass(frozen=True)
class ChunkSummary:
    """Everything the statistics need from one chunk of one series (computed on the worker thread)."""

    count: int
    mean: float
    m2: float
    positive: int
    minimum: float
    bins: NDArray[np.int64]
    kept: FloatArray | None = None
    sketch_counts: NDArray[np.int64] | None = None
    sketch_zeros: int = 0


class SeriesLayout:
    """What is shared by every series of a run: the thresholds, their index and the quantile mode."""

    def __init__(self, thresholds: FloatArray, exact: bool) -> None:
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.index = ThresholdIndex(self.thresholds)
        self.zero_bin = int(np.searchsorted(self.thresholds, 0.0, side="left"))
        self.exact = exact
        self.sketch = None if exact else LogSketch()

    def summarize(self, values: FloatArray) -> ChunkSummary:
        count = int(values.size)
        if count == 0:
            return ChunkSummary(0, 0.0, 0.0, 0, 0.0, np.zeros(self.index.bins, dtype=np.int64))
        chunk_mean = float(values.mean())
        minimum = float(values.min())
        # Most event-model years lose nothing: the per-value work below runs on the positive years
        # only, the others (zeros; negatives never occur but are handled) are added in bulk.
        positives = values if minimum > 0.0 else values[values > 0.0]
        others = count - positives.size
        deviations = positives - chunk_mean
        m2 = float(np.square(deviations, out=deviations).sum())
        with np.errstate(divide="ignore"):
            log10 = np.log10(positives, out=deviations)
        # bin i holds the values above exactly i thresholds, so P(loss > t_k) sums the bins above k.
        below = self.index.counts_below(positives, log10, minimum=0.0)
        bins = np.bincount(below, minlength=self.index.bins)
        if others and minimum < 0.0:
            rest = values[values <= 0.0]
            m2 += float(np.square(rest - chunk_mean).sum())
            bins += np.bincount(np.searchsorted(self.thresholds, rest), minlength=self.index.bins)
        elif others:
            m2 += others * chunk_mean * chunk_mean
            bins[self.zero_bin] += others
        if self.sketch is None:
            return ChunkSummary(count, chunk_mean, m2, positives.size, minimum, bins, kept=values)
        sketch_counts, _ = self.sketch.bucket_counts(log10, positives.size)
        return ChunkSummary(
            count,
            chunk_mean,
            m2,
            positives.size,
            minimum,
            bins,
            sketch_counts=sketch_counts,
            sketch_zeros=others,
        )


def _linear_quantile(order: dict[int, float], n: int, q: float) -> float:
    """numpy's default ('linear') quantile from the order statistics around (n - 1) q, bit for bit."""
    virtual = (n - 1) * q
    lower = math.floor(virtual)
    if virtual >= n - 1:
        return order[n - 1]
    a, b, t = order[lower], order[lower + 1], virtual - lower
    diff = b - a
    return b - diff * (1.0 - t) if t >= 0.5 else a + diff * t


class _ExactSelection:
    """Order statistics of kept values, found inside the one threshold bin that holds each rank (the
    bin counts are known), so only that bin's values are partitioned, not the whole series."""

    def __init__(
        self,
        values: FloatArray,
        thresholds: FloatArray,
        bins: NDArray[np.int64],
        positive: int,
        minimum: float,
    ) -> None:
        self.values = values
        self.thresholds = thresholds
        self.cumulative = np.cumsum(bins)
        self.zeros = values.size - positive if minimum >= 0.0 else 0  # the smallest ranks, all 0.0
        self._members: dict[int, tuple[int, FloatArray]] = {}

    def bin_of(self, rank: int) -> int:
        return int(np.searchsorted(self.cumulative, rank, side="right"))

    def members(self, bin_index: int) -> tuple[int, FloatArray]:
        """Rank of the bin's first value and the bin's values (bin 0 without its zeros)."""
        if bin_index not in self._members:
            values, t = self.values, self.thresholds
            start = int(self.cumulative[bin_index - 1]) if bin_index else self.zeros
            if bin_index == 0:
                mask = (values > 0.0) & (values <= t[0]) if self.zeros else values <= t[0]
            elif bin_index == t.size:
                mask = values > t[-1]
            else:
                mask = (values > t[bin_index - 1]) & (values <= t[bin_index])
            self._members[bin_index] = (start, values[mask])
        return self._members[bin_index]

    def order_statistics(self, ranks: Iterable[int]) -> dict[int, float]:
        wanted: dict[int, list[int]] = {}
        found: dict[int, float] = {}
        for rank in set(ranks):
            if rank < self.zeros:
                found[rank] = 0.0
            else:
                wanted.setdefault(self.bin_of(rank), []).append(rank)
        for bin_index, in_bin in wanted.items():
            start, members = self.members(bin_index)
            local = sorted(rank - start for rank in in_bin)
            members.partition(local)
            for rank in in_bin:
                found[rank] = float(members[rank - start])
        return found

    def top_mean(self, top: int) -> float:
        """Mean of the `top` largest values: whole bins above the cut plus the top of the cut's bin."""
        n = self.values.size
        cut = n - top
        bin_index = self.bin_of(cut) if cut >= self.zeros else 0
        if bin_index == 0:
            return float(np.partition(self.values, cut)[cut:].mean())
        start, members = self.members(bin_index)
        members.partition(cut - start)
        within = float(members[cut - start :].sum())
        above = 0.0
        if bin_index < self.thresholds.size:
            above = float(self.values[self.values > self.thresholds[bin_index]].sum())
        return (within + above) / top


class SeriesAccumulator:
    """Folds chunks of annual losses (or their summaries) into the statistics of SeriesStats."""

    def __init__(self, thresholds: FloatArray, exact: bool, layout: SeriesLayout | None = None) -> None:
        self.layout = layout or SeriesLayout(thresholds, exact)
        self.thresholds = self.layout.thresholds
        self.exact = exact
        self.moments = Moments()
        self.bins = np.zeros(self.layout.index.bins, dtype=np.int64)
        self.positive = 0
        self.minimum = math.inf
        self.kept: list[FloatArray] = []
        self.sketch = None if exact else LogSketch()

    def add(self, values: FloatArray) -> None:
        self.merge(self.layout.summarize(values))

    def merge(self, summary: ChunkSummary) -> None:
        self.moments.merge(summary.count, summary.mean, summary.m2)
        self.positive += summary.positive
        self.minimum = min(self.minimum, summary.minimum) if summary.count else self.minimum
        self.bins += summary.bins
        if self.sketch is not None and summary.sketch_counts is not None:
            self.sketch.merge_counts(summary.sketch_counts, summary.sketch_zeros)
        elif summary.kept is not None:
            self.kept.append(summary.kept)

    def finish(self, analytic_mean: float | None) -> SeriesStats:
        n = self.moments.n
        exceed_counts = np.cumsum(self.bins[::-1])[::-1][1:]
        top = max(1, math.ceil(n * TAIL_FRACTION))
        if self.sketch is None:
            values = np.concatenate(self.kept) if len(self.kept) != 1 else self.kept[0]
            selection = _ExactSelection(values, self.thresholds, self.bins, self.positive, self.minimum)
            ranks = [r for q in QUANTILES for r in (math.floor((n - 1) * q), math.floor((n - 1) * q) + 1)]
            order = selection.order_statistics(r for r in ranks if r < n)
            quantiles = [_linear_quantile(order, n, q) for q in QUANTILES]
            tail = selection.top_mean(top)
        else:
            quantiles = [self.sketch.value_at_rank(math.floor(q * (n - 1))) for q in QUANTILES]
            tail = self.sketch.top_mean(top)
        p5, p50, p90, p95, p99 = quantiles
        return SeriesStats(
            years=n,
            mean=self.moments.mean,
            mean_se=self.moments.standard_error,
            analytic_mean=analytic_mean,
            stdev=self.moments.stdev,
            p5=p5,
            p50=p50,
            p90=p90,
            p95=p95,
            p99=p99,
            tail_mean_p99=tail,
            prob_loss=self.positive / n,
            thresholds=tuple(float(t) for t in self.thresholds),
            exceedance=tuple(float(c) / n for c in exceed_counts),
            exact_quantiles=self.sketch is None,
        )
