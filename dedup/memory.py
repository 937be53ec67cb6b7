"""memory: the build's memory budget, and what its processes really used.

`Budget` turns `dedup build --memory` (default: a fraction of this machine's RAM) into the sizes the
global steps work in: how many rows a partition, a bucket or a block may hold, so that one task's
working set stays a fixed share of the budget whatever the size of the crawl. It never changes the
output bytes (rows meet in the same order whatever the partition count), so it is not in the config
hash; run.json records it.

`RssSampler` follows the resident memory of this process and of its children (the embedded engine's
workers, a LocalCluster's Dask workers) while the build runs, stage by stage, for run.json.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import math
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

from dedup.errors import ConfigError

T = TypeVar("T")

MiB = 2 ** 20
GiB = 2 ** 30
DEFAULT_FRACTION = 8  # the default budget is 1/8 of the machine's RAM
MIN_BUDGET = 256 * MiB
# a task works on at most this share of its process's part of the budget: the rest is for the copies
# polars and numpy make (sorts, joins), the interpreter and the libraries
WORKING_SHARE = 4


def machine_ram() -> int:
    """Physical memory of this machine in bytes (8 GiB when the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * GiB


def parse_size(text: str) -> int:
    """'4G', '512M', '1.5GiB', '2000000000' -> bytes; ConfigError when it is not a size."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*", str(text), re.I)
    if not m:
        raise ConfigError(f"--memory {text!r}: give a size such as 4G, 512M or 2.5GiB")
    value = float(m.group(1)) * {"": 1, "k": 2 ** 10, "m": MiB, "g": GiB, "t": 2 ** 40}[m.group(2).lower()]
    if value < MIN_BUDGET:
        raise ConfigError(f"--memory {text}: at least {MIN_BUDGET // MiB} MiB")
    return int(value)


@dataclass(frozen=True)
class Budget:
    """How much memory the build may use in all (every process), and how many processes share it."""

    total: int
    processes: int = 1  # the build's process and its workers (tasks of a global step run in parallel)

    @classmethod
    def default(cls, workers: int) -> Budget:
        """A fraction of this machine's RAM."""
        return cls(max(MIN_BUDGET, machine_ram() // DEFAULT_FRACTION), _processes(workers))

    @classmethod
    def of(cls, memory: str | int | None, workers: int) -> Budget:
        """`--memory` (a size, or None for the default) for a build with this many workers."""
        if memory is None:
            return cls.default(workers)
        return cls(parse_size(memory) if isinstance(memory, str) else int(memory), _processes(workers))

    @property
    def task(self) -> int:
        """The bytes one task's working data may take."""
        return max(4096, self.total // self.processes // WORKING_SHARE)

    def rows(self, bytes_per_row: int, cap: int = 1 << 40) -> int:
        """How many rows of this size one task may hold at once (at least 8)."""
        return max(8, min(cap, self.task // max(1, bytes_per_row)))

    def partitions(self, n_rows: int, bytes_per_row: int) -> int:
        """How many partitions `n_rows` rows of this size need so that each fits one task."""
        return max(1, math.ceil(n_rows / self.rows(bytes_per_row)))

    def to_dict(self) -> dict[str, int]:
        """For run.json."""
        return {"total_mib": self.total // MiB, "processes": self.processes, "task_mib": self.task // MiB}


def _processes(workers: int) -> int:
    return max(1, workers) + (1 if workers > 1 else 0)


# ---------------------------------------------------------------- giving memory back

# polars' allocator (jemalloc): purge freed pages within a second, from a background thread, so an
# idle worker does not sit on the peak of its last task. Set for worker processes before they start.
ALLOCATOR_ENV = {"_RJEM_MALLOC_CONF": "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"}


def worker_environment() -> None:
    """Allocator settings for the processes this one starts (a user's own settings win)."""
    for key, value in ALLOCATOR_ENV.items():
        os.environ.setdefault(key, value)


_frozen = False
_MEMOS: list[functools._lru_cache_wrapper] = []


def memo(maxsize: int) -> Callable[[Callable[..., T]], functools._lru_cache_wrapper[T]]:
    """`functools.lru_cache(maxsize)` for a pure function of a page's text (a block, a line) whose answers
    repeat across the pages of a crawl: remembered during a task, dropped by `release` when it ends (a
    task's memos would otherwise stay in the process's memory through the global steps)."""
    def wrap(fn: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _MEMOS.append(cached)
        return cached
    return wrap


# container objects (lists, dicts, tuples) made and not yet freed between two collections of the youngest
# generation (Python's default: 700). A page's extraction makes and frees thousands of them, which reference
# counting frees anyway; each young collection walked the survivors and whatever they reference. A 10,000-page
# build: 1,061 young and 93 middle collections, 0.59 of the collector's 0.97 CPU s; at this threshold 24 and 1,
# 0.27 s, and 0.39 s in all (docs/benchmarks.md, speed round 13). Cycles still go, ~20,000 objects later.
YOUNG_OBJECTS = 20_000


def collect_less() -> None:
    """Raise the youngest generation's collection threshold to YOUNG_OBJECTS (a process's own higher setting
    is kept): done where a build's processes start their tasks (`freeze_loaded`, `release`, the embedded
    engine's workers). Which objects are freed, and so the output, does not change; only how often the
    collector looks for cycles."""
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_OBJECTS:
        gc.set_threshold(YOUNG_OBJECTS, *older)


def freeze_loaded() -> None:
    """Leave what the process holds before its first task (the imported modules: ~80,000 objects) out of
    every later collection. `release` freezes once more after the first task; before that, the automatic
    full collections of that task walked the modules too (about half the collector's time in a build).
    Young collections made rarer too (`collect_less`)."""
    gc.collect()
    gc.freeze()
    collect_less()


def release() -> None:
    """Hand the memory a finished task freed back to the system: Python's garbage, Arrow's pool and
    the C heap (glibc keeps freed memory otherwise, and a worker's resident size stays at its peak)."""
    global _frozen
    for cached in _MEMOS:
        cached.cache_clear()
    gc.collect()
    if not _frozen:
        # what survives the first collection (modules, numba's dispatchers, the engine's own state:
        # ~80,000 objects) lives as long as the process: left out of every later collection, which
        # then only walks what the tasks made. A full walk cost 0.1-0.3 s a task, and a 10M-page build
        # runs thousands of tasks. Frozen objects are still freed when their last reference goes.
        gc.freeze()
        _frozen = True
        collect_less()  # (a worker process of either engine, after its first task)
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


TASK_PEAKS_ENV = "DEDUP_TASK_PEAKS"
"""A folder: when set (benchmarks do), each task's own peak resident memory is appended to a file there
(one per process: task name, peak MiB), so a peak is tied to the task that made it, not to a sampled process."""


def released(fn, *args):  # type: ignore[no-untyped-def]
    """fn(*args), then `release()`: how the engines run a task."""
    peaks = os.environ.get(TASK_PEAKS_ENV)
    if peaks:
        _reset_peak()
    try:
        return fn(*args)
    finally:
        if peaks:
            _record_peak(Path(peaks), getattr(fn, "__name__", "task"))
        release()


def _reset_peak() -> None:
    try:  # Linux: writing 5 to clear_refs resets the process's peak RSS (VmHWM) to its current RSS
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _record_peak(folder: Path, task: str) -> None:
    try:
        status = Path("/proc/self/status").read_text()
        peak_kib = int(status.split("VmHWM:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{os.getpid()}.tsv", "a", encoding="utf-8") as f:
        f.write(f"{task}\t{peak_kib / 1024:.1f}\n")


def task_peaks(folder: Path) -> dict[str, dict[str, float]]:
    """What `TASK_PEAKS_ENV` gathered: per task name, the tasks run and the largest and median peak (MiB)."""
    found: dict[str, list[float]] = {}
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text("utf-8").splitlines():
            task, _, peak = line.partition("\t")
            found.setdefault(task, []).append(float(peak))
    return {task: {"tasks": len(v), "largest": max(v), "median": sorted(v)[len(v) // 2]}
            for task, v in sorted(found.items())}


# ---------------------------------------------------------------- what was used

def child_pids(pid: int) -> list[int]:
    """The processes `pid` started, from every one of its threads: /proc lists a child under the thread
    that started it, and a Dask nanny starts its worker from its event loop's thread."""
    found: list[int] = []
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for thread in threads:
        try:
            found += [int(c) for c in (thread / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tree_sizes(pid: int | None = None) -> list[int]:
    """Resident bytes of this process (first) and of each of its descendants, from /proc (Linux)."""
    pid = pid or os.getpid()
    sizes, todo = [_rss(pid)], child_pids(pid)
    while todo:
        p = todo.pop()
        todo += child_pids(p)
        sizes.append(_rss(p))
    return sizes


def tree_rss(pid: int | None = None) -> tuple[int, int]:
    """(resident bytes of this process, of it and all its descendants), from /proc (Linux)."""
    sizes = tree_sizes(pid)
    return sizes[0], sum(sizes)


class RssSampler:
    """Samples the resident memory of this process and its process tree in a thread; the peaks of each
    stage (`stage(name)` starts one). Does nothing where /proc is missing."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.enabled = Path("/proc/self/statm").exists()
        self.current: str | None = None
        self.peaks: dict[str, dict[str, float]] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="dedup-rss", daemon=True)

    def __enter__(self) -> RssSampler:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def stage(self, name: str) -> None:
        """Later samples count for this stage."""
        self.sample()
        with self._lock:
            self.current = name

    def sample(self) -> None:
        """Take one sample now."""
        if not self.enabled or self.current is None:
            return
        sizes = tree_sizes()
        with self._lock:
            peak = self.peaks.setdefault(self.current, {"main": 0.0, "tree": 0.0, "largest": 0.0})
            # largest: one task over its budget shows here, not in the sums
            for key, value in (("main", sizes[0]), ("tree", sum(sizes)), ("largest", max(sizes))):
                peak[key] = max(peak[key], round(value / MiB, 1))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def report(self) -> dict[str, dict[str, float]]:
        """{stage: {"main": MiB, "tree": MiB, "largest": MiB}}: peaks of this process, of its whole
        process tree, and of the largest single process in it."""
        self.sample()
        with self._lock:
            return {k: dict(v) for k, v in self.peaks.items()}
