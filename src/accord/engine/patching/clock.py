"""Wall time for a whole planning run: one deadline shared by every solve of the plan and its frontier."""

from __future__ import annotations

import time


class Deadline:
    """Seconds left until a fixed moment, and fair shares of them."""

    def __init__(self, seconds: float) -> None:
        self.started = time.perf_counter()
        self.at = self.started + seconds

    def left(self) -> float:
        return max(self.at - time.perf_counter(), 0.0)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def share(self, part: float, whole: float) -> float:
        """`part / whole` of the time left (the whole of it when `whole` is not positive)."""
        return self.left() * (part / whole if whole > 0 else 1.0)
