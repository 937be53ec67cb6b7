"""Tasks for the spawned worker processes of tests/test_faults.py. A worker imports the module of the
task it runs: this one imports nothing of dedup, so a worker starts in a fraction of the time a test
module's imports (dedup.pipeline and its libraries) would take."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def square_but_die_once(marker: str, i: int) -> int:
    """Task: kills its own worker the first time it runs for i == 1 (the marker file remembers)."""
    flag = Path(marker) / f"died-{i}"
    if i == 1 and not flag.exists():
        flag.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return i * i


def always_die(i: int) -> int:
    """Task: kills its worker every time (a page that always exhausts the memory)."""
    os.kill(os.getpid(), signal.SIGKILL)
    return i
