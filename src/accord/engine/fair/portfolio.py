"""Dependence between scenarios: their simulated years paired so that the annual losses show the stated
rank correlation (Iman-Conover reordering, calibrated for ties).

Every scenario is simulated on its own random streams, exactly as when it runs alone, so its figures
(mean, percentiles, loss exceedance curve, controls) are the same in the portfolio as in its own run,
bit for bit. Correlation only decides which year of one scenario falls together with which year of
another, which is all the portfolio's per-year sum depends on: it moves the portfolio's tail and never
a scenario's figures, nor the portfolio's mean.

For each chunk of years and each correlated group (Iman and Conover, 1982):

1. Every member gets a column of normal scores, Phi^-1(i / (n + 1)) for i = 1..n, in a random order
   drawn from the group's own stream. The columns are whitened, so that their sample correlation is
   exactly the identity.
2. The columns are mixed by a factor F of a normal correlation matrix R (F F^T = R), and each member's
   years are put in the order of its mixed column: the year with the r-th smallest score receives the
   member's r-th smallest annual loss. A member's losses are only moved, never changed.
3. The rank correlation the losses then show is measured as Spearman's, with tied losses sharing their
   mean rank (as scipy and spreadsheets compute it). Years without a loss tie, and ties dampen the rank
   correlation, so R is calibrated: it starts at the Gaussian copula's 2 sin(pi rho / 6), and each pair's
   entry moves by secant steps until the measured rank correlation is within CALIBRATION_TOLERANCE of
   the stated rho, or the entry reaches +-1 (the ties allow no more; the result reports what was
   reached and a warning says so).

A stated matrix whose normal counterpart is not a valid correlation matrix is replaced by the nearest
valid one (Higham's alternating projections), with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from accord.engine.fair.scenario import Correlation

FloatArray = NDArray[np.float64]
PSD_TOLERANCE = 1e-10
# Reordering a chunk stops once every pair's measured rank correlation is this close to the stated one.
CALIBRATION_TOLERANCE = 0.002
CALIBRATION_ROUNDS = 8
# Fewer years than this (per member) carry too little rank information: such a chunk stays unpaired.
MIN_YEARS_PER_MEMBER = 5


@dataclass(frozen=True)
class RankTarget:
    """A correlated group: the stated rank correlation and the normal correlation calibration starts from."""

    ids: tuple[str, ...]
    stated: FloatArray
    start: FloatArray
    repaired: bool


@dataclass(frozen=True)
class Reordered:
    """One chunk of a group: each member's losses in the paired year order, and the rank correlation they
    show (NaN for a pair with a member whose losses are all equal; None when the chunk was too short)."""

    years: tuple[FloatArray, ...]
    realised: FloatArray | None


def spearman_to_normal(rank: FloatArray) -> FloatArray:
    """Pearson correlation of the normals that yields Spearman correlation `rank` (exact for a Gaussian)."""
    normal = 2.0 * np.sin(np.pi * rank / 6.0)
    np.fill_diagonal(normal, 1.0)
    return normal


def is_valid_correlation(matrix: FloatArray) -> bool:
    return bool(np.linalg.eigvalsh(matrix).min() >= -PSD_TOLERANCE)


def nearest_correlation(matrix: FloatArray, iterations: int = 200, tolerance: float = 1e-12) -> FloatArray:
    """Higham (2002): alternate projections onto the PSD cone and onto unit-diagonal matrices, with
    Dykstra's correction, converging to the nearest correlation matrix in Frobenius norm."""
    y = matrix.copy()
    correction = np.zeros_like(matrix)
    for _ in range(iterations):
        r = y - correction
        values, vectors = np.linalg.eigh(r)
        x = (vectors * np.maximum(values, 0.0)) @ vectors.T
        correction = x - r
        previous = y
        y = x.copy()
        np.fill_diagonal(y, 1.0)
        if np.linalg.norm(y - previous) <= tolerance * max(1.0, float(np.linalg.norm(y))):
            break
    # Make it strictly valid against round-off: clip tiny negative eigenvalues, restore unit diagonal.
    values, vectors = np.linalg.eigh((y + y.T) / 2.0)
    y = (vectors * np.maximum(values, 0.0)) @ vectors.T
    scale = np.sqrt(np.diag(y))
    return np.asarray(y / np.outer(scale, scale))


def correlation_factor(matrix: FloatArray) -> FloatArray:
    """F with F F^T = matrix, for a positive semi-definite matrix (singular ones included)."""
    values, vectors = np.linalg.eigh(matrix)
    # Eigenvalues that are zero up to round-off are zero: a singular matrix keeps exact ties.
    values = np.where(values > PSD_TOLERANCE * float(np.maximum(np.max(values), 1.0)), values, 0.0)
    factor = vectors * np.sqrt(values)
    # Unit-length rows keep every member's scores exactly standard (and identical rows exactly equal).
    return np.asarray(factor / np.linalg.norm(factor, axis=1, keepdims=True))


def build_target(correlation: Correlation) -> RankTarget:
    stated = np.array(correlation.matrix, dtype=np.float64)
    normal = spearman_to_normal(stated)
    repaired = not is_valid_correlation(normal)
    if repaired:
        normal = nearest_correlation(normal)
    return RankTarget(correlation.ids, stated, normal, repaired)


# ---- one chunk of one group --------------------------------------------------------------------------


def _white_scores(n: int, members: int, rng: np.random.Generator) -> FloatArray:
    """Normal scores in an independent random order per member, with sample correlation exactly I."""
    scores = special.ndtri(np.arange(1, n + 1) / (n + 1.0))
    columns = np.column_stack([rng.permutation(scores) for _ in range(members)])
    try:
        lower = np.linalg.cholesky(np.corrcoef(columns, rowvar=False))
    except np.linalg.LinAlgError:  # orders that happen to be collinear (tiny n): keep them as drawn
        return columns
    return np.asarray(np.linalg.solve(lower, columns.T).T)


def _centred_midranks(ordered: FloatArray) -> FloatArray:
    """Mid-ranks of sorted values (tied values share their mean rank), centred and of unit length, so
    that the dot product of two such vectors (in the same year order) is their Spearman correlation.
    All zeros when every value is the same (the correlation is then undefined)."""
    first = np.searchsorted(ordered, ordered, side="left")
    last = np.searchsorted(ordered, ordered, side="right")
    midranks = (first + last - 1) / 2.0
    midranks -= midranks.mean()
    length = float(np.linalg.norm(midranks))
    return midranks / length if length > 0.0 else midranks


class _Pairing:
    """The year orders of a chunk for a normal correlation R, and the rank correlation they give."""

    def __init__(self, scores: FloatArray, ranks: Sequence[FloatArray]) -> None:
        self.scores = scores
        self.ranks = ranks
        self.constant = np.array([not r.any() for r in ranks])

    def orders(self, normal: FloatArray) -> list[NDArray[np.intp]]:
        valid = normal if is_valid_correlation(normal) else nearest_correlation(normal)
        mixed = self.scores @ correlation_factor(valid).T
        return [np.argsort(mixed[:, j]) for j in range(mixed.shape[1])]

    def realised(self, orders: Sequence[NDArray[np.intp]]) -> FloatArray:
        placed = np.empty((len(orders), self.scores.shape[0]))
        for j, order in enumerate(orders):
            placed[j, order] = self.ranks[j]
        undefined = self.constant[:, None] | self.constant[None, :]
        measured = np.where(undefined, np.nan, np.clip(placed @ placed.T, -1.0, 1.0))
        np.fill_diagonal(measured, 1.0)
        return np.asarray(measured)


def _secant_step(
    normal: FloatArray, realised: FloatArray, previous: tuple[FloatArray, FloatArray] | None, stated: FloatArray
) -> FloatArray:
    """Move every pair's normal correlation towards the value whose rank correlation is the stated one.

    The measured rank correlation rises with the normal one; the first step scales by stated / measured
    (ties shrink rank correlation roughly in proportion), later steps follow the secant of the last two."""
    miss = np.nan_to_num(stated - realised)
    step = miss.copy()
    if previous is None:
        usable = (np.abs(realised) > 0.02) & (np.sign(realised) == np.sign(stated))
        step = np.where(usable, normal * stated / np.where(usable, realised, 1.0) - normal, miss)
    else:
        old_normal, old_realised = previous
        rise = realised - old_realised
        run = normal - old_normal
        usable = (np.abs(run) > 1e-12) & (rise * np.sign(run) > 1e-9)
        step = np.where(usable, miss * run / np.where(usable, rise, 1.0), miss)
    moved = np.clip(normal + step, -1.0, 1.0)
    np.fill_diagonal(moved, 1.0)
    return np.asarray(moved)


def reorder(losses: Sequence[FloatArray], target: RankTarget, rng: np.random.Generator) -> Reordered:
    """Pair the years of a group's members (one chunk) so their losses show the stated rank correlation."""
    n, members = losses[0].size, len(losses)
    if n < MIN_YEARS_PER_MEMBER * members:
        return Reordered(tuple(losses), None)
    ordered = [np.sort(values) for values in losses]
    pairing = _Pairing(_white_scores(n, members, rng), [_centred_midranks(values) for values in ordered])
    normal = target.start
    orders = pairing.orders(normal)
    realised = pairing.realised(orders)
    previous: tuple[FloatArray, FloatArray] | None = None
    for _ in range(CALIBRATION_ROUNDS):
        if not np.any(np.abs(target.stated - realised) > CALIBRATION_TOLERANCE):  # NaN: nothing to move
            break
        moved = _secant_step(normal, realised, previous, target.stated)
        if np.array_equal(moved, normal):  # every pair still off sits at +-1: the ties allow no more
            break
        previous, normal = (normal, realised), moved
        orders = pairing.orders(normal)
        realised = pairing.realised(orders)
    years = []
    for values, order in zip(ordered, orders, strict=True):
        placed = np.empty_like(values)
        placed[order] = values
        years.append(placed)
    return Reordered(tuple(years), realised)


class RealisedCorrelation:
    """The rank correlation of the paired losses over a whole run: the chunks' values weighted by their
    years (exact for a run of one chunk)."""

    def __init__(self, members: int) -> None:
        self.weighted = np.zeros((members, members))
        self.weight = np.zeros((members, members))

    def add(self, realised: FloatArray, years: int) -> None:
        known = ~np.isnan(realised)
        self.weighted += np.where(known, realised, 0.0) * years
        self.weight += known * years

    @property
    def paired(self) -> bool:
        """Whether any chunk was long enough to be paired."""
        return bool(self.weight.any())

    def matrix(self) -> list[list[float | None]]:
        return [
            [1.0 if i == j else None if w == 0 else float(v / w)
             for j, (v, w) in enumerate(zip(row_v, row_w, strict=True))]
            for i, (row_v, row_w) in enumerate(zip(self.weighted, self.weight, strict=True))
        ]
