"""Dependence between scenarios: rank correlation turned into a Gaussian copula.

A Spearman matrix R is mapped to the Pearson matrix of the underlying normals, 2 sin(pi R / 6); if
that matrix is not positive semi-definite it is replaced by the nearest correlation matrix (Higham's
alternating projections) and a warning says so. Each year the group draws independent normals, mixes
them with a factor F (F F^T = the matrix), and every member turns its column into uniforms, which
drive its frequency, occurrence and losses alike. With a correlation of 1, two identical scenarios
therefore see identical years, and the portfolio quantiles are the sums of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.engine.fair.scenario import Correlation

FloatArray = NDArray[np.float64]
PSD_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Copula:
    ids: tuple[str, ...]
    factor: FloatArray  # rows: members; F @ F.T is the normal correlation matrix
    repaired: bool
    normal_matrix: FloatArray


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
    # Unit-length rows keep every member's normal exactly standard (and identical rows exactly equal).
    return np.asarray(factor / np.linalg.norm(factor, axis=1, keepdims=True))


def build_copula(correlation: Correlation) -> Copula:
    rank = np.array(correlation.matrix, dtype=np.float64)
    normal = spearman_to_normal(rank)
    repaired = not is_valid_correlation(normal)
    if repaired:
        normal = nearest_correlation(normal)
    return Copula(correlation.ids, correlation_factor(normal), repaired, normal)
