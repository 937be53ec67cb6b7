"""CPU seconds a build spends, stage by stage, in its whole process tree on this machine (timings.json).

Wall time under load says little about the machine a build needs; CPU seconds do. The tree's CPU at one moment is
this process's own (`getrusage`), that of its children it has waited for (`RUSAGE_CHILDREN`, theirs included),
and that of each live descendant (worker processes, a LocalCluster's) from /proc: its own and its waited-for
children's. A stage's CPU is the difference at its two ends. A Dask cluster on other machines is not seen: the
figures then count this machine's processes only (`scope`).
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import resource
except ImportError:  # not on Windows: no figures
    resource = None  # type: ignore[assignment]

from dedup.memory import child_pids

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float:
    """utime + stime + cutime + cstime of a live process, in seconds (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            # the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / _TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


def tree_cpu_seconds() -> float | None:
    """CPU seconds of this process and all its descendants so far (user + system); None without getrusage."""
    if resource is None:
        return None
    own, reaped = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    if Path("/proc/self/stat").exists():
        todo = child_pids(os.getpid())
        while todo:
            pid = todo.pop()
            todo += child_pids(pid)
            total += _proc_cpu(pid)
    return total


class StageCpu:
    """CPU seconds of each stage (`stage(name)` starts one, `stop()` ends the last) and of the whole run."""

    def __init__(self) -> None:
        self.start = tree_cpu_seconds()
        self.stages: dict[str, float] = {}
        self._current: str | None = None
        self._at = self.start

    def stage(self, name: str | None) -> None:
        """The CPU since the last call counts for the stage then running; later CPU for `name`."""
        now = tree_cpu_seconds()
        if self._current is not None and now is not None and self._at is not None:
            self.stages[self._current] = round(self.stages.get(self._current, 0.0) + now - self._at, 2)
        self._current, self._at = name, now

    def stop(self) -> None:
        """The last stage ends: later CPU counts in the run's total only."""
        self.stage(None)

    def figures(self, pages: int, peak_rss_mib: dict[str, dict[str, float]], resumed: bool) -> dict:
        """timings.json's `cpu`: seconds per stage, with the stage's peak resident memory of the process tree,
        the whole run's seconds and pages (records read) per CPU second (None for a resumed run: it timed only
        part of the work)."""
        now = tree_cpu_seconds()
        if now is None or self.start is None:
            return {}
        total = round(now - self.start, 2)
        return {
            "scope": "this machine's process tree: the build and its worker processes (a Dask cluster elsewhere "
                     "is not counted)",
            "total_s": total,
            "stages": {name: {"cpu_s": s, "peak_rss_mib": (peak_rss_mib.get(name) or {}).get("tree")}
                       for name, s in self.stages.items()},
            "pages_per_cpu_s": round(pages / total, 1) if total > 0 and pages and not resumed else None,
        }
