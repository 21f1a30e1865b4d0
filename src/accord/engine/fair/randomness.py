"""The seed tree: one SeedSequence child per simulation unit, per chunk and per random role.

A child is addressed by (unit key, chunk index, role key) under the user's seed, so the numbers drawn
for a chunk never depend on which thread ran it, on the order of the chunks, or on the other
scenarios of the file. Roles (frequency, primary loss, a control's effectiveness, ...) each have their
own stream, which gives common random numbers: changing one input leaves every other draw unchanged.
The global numpy random state is never used.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

import numpy as np


@functools.lru_cache(maxsize=4096)
def stable_key(text: str) -> int:
    """A 64-bit integer that names `text` in the seed tree (stable across runs and platforms)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def fresh_seed() -> int:
    """A new 63-bit seed, used (and recorded in the result) when the caller gives none."""
    return secrets.randbits(63)


class Streams:
    """Random streams of one unit (a scenario, or a correlated group) in one chunk."""

    def __init__(self, seed: int, unit: str, chunk: int) -> None:
        self.seed = seed
        self.unit_key = stable_key(unit)
        self.chunk = chunk

    def rng(self, *role: str) -> np.random.Generator:
        sequence = np.random.SeedSequence(
            self.seed, spawn_key=(self.unit_key, self.chunk, stable_key("/".join(role)))
        )
        return np.random.Generator(np.random.PCG64(sequence))
