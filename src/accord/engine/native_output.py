"""Keep what native code prints off standard output.

HiGHS prints a banner from C the first time a solver is made. A command that promises one JSON
document on stdout (`--json`), or the demo's summary, must not carry it: while the block runs, file
descriptor 1 points at stderr, and C's stdio buffer is flushed before it is pointed back.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_output_to_stderr() -> Iterator[None]:
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        ctypes.CDLL(None).fflush(None)  # what C buffered goes to stderr, not to the restored stdout
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
