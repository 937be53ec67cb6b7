"""The embedded engine: per-file and per-part tasks on a process pool of this machine.

Workers are spawned, not forked (polars and Arrow thread pools do not survive a fork), and die with
the build: on Linux each worker asks the kernel for SIGKILL when its parent dies, so a build killed
with SIGKILL leaves no worker behind. A worker killed from outside (the OOM killer) breaks the pool:
the tasks it left unfinished run again on a fresh pool (`WORKER_RETRIES`), then the build stops with
`WorkerLost` and resumes from what finished.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context
from queue import Empty
from typing import Any

from dedup.engine.steps import RowsRead, Steps
from dedup.errors import WorkerLost
from dedup.memory import collect_less, released, worker_environment

_QUEUE: Any = None
_PR_SET_PDEATHSIG = 1


def _init_worker(queue: Any, parent: int) -> None:
    global _QUEUE
    _QUEUE = queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops the pool)
    try:  # Linux: die with the parent, whatever kills it
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown is all there is
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    collect_less()


def _report_rows(index: int, rows: int, nbytes: int) -> None:
    if _QUEUE is not None:
        _QUEUE.put((index, rows, nbytes))


def _call(fn_and_args: tuple) -> Any:
    fn, args = fn_and_args
    return released(fn, *args)


def _call_reporting(fn: Callable[..., Any], args: tuple, index: int) -> Any:
    return released(fn, *args, partial(_report_rows, index))


# A worker killed from outside (the kernel's OOM killer, a user's `kill`) breaks the whole pool: every
# task still pending fails with BrokenProcessPool. Those tasks run again on a fresh pool, twice at most
# (as Dask's retries=2); a task that keeps killing its worker ends the build with WorkerLost (exit 2,
# finished stages and ingested files kept for a resume).
WORKER_RETRIES = 2


class _Pool:
    """The process pool of a build, replaced by a fresh one when a worker dies."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.ctx = get_context("spawn")
        self.queue = self.ctx.Queue()  # rows done, from the workers (a plain queue: no manager process)
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_init_worker,
                                   initargs=(self.queue, os.getpid()))

    def stop(self) -> None:
        """Cancel what has not started and stop what runs (an interrupted build must not wait)."""
        alive = list(getattr(self.pool, "_processes", {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for proc in alive:
            if proc.is_alive():
                proc.terminate()
        for proc in alive:
            proc.join(timeout=5)

    def restart(self) -> None:
        """A fresh pool after a worker died (the broken one cannot take tasks any more)."""
        self.stop()
        self.pool = self._start()

    def run(self, submit: Callable[[ProcessPoolExecutor, int], Future], n: int,
            on_result: Callable[[int, Any], None], poll: float, tick: Callable[[], None] | None = None) -> None:
        """Tasks 0..n-1 (`submit(pool, i)`), each result to `on_result(i, result)` as it finishes."""
        todo = list(range(n))
        for attempt in range(WORKER_RETRIES + 1):
            pending = {submit(self.pool, i): i for i in todo}
            try:
                while pending:
                    ready, _ = wait(pending, timeout=poll, return_when=FIRST_COMPLETED)
                    if tick is not None:
                        tick()
                    for fut in ready:
                        i = pending[fut]
                        result = fut.result()
                        del pending[fut]
                        on_result(i, result)
                return
            except BrokenProcessPool:
                todo = sorted(pending.values())
                if attempt == WORKER_RETRIES:
                    raise WorkerLost(
                        f"worker processes were killed {WORKER_RETRIES + 1} times in this step, {len(todo)} "
                        f"task(s) unfinished (most often the system ran out of memory); run the same command "
                        f"again with fewer --workers or a smaller --memory budget: the finished work is kept "
                        f"and resumes") from None
                self.restart()
            finally:
                for fut in pending:
                    fut.cancel()


# `--workers 0` (the default): one process per core, except that a spawned worker costs about 2.5 CPU
# seconds before its first page (a fresh interpreter importing polars, pyarrow and numba's cached
# functions). On a crawl of a few MiB that is more than the share of work it takes over, so small crawls
# run in this process: the 0.8 MB sample took 21 s with 2 workers and 7.5 s in-process (`dedup build
# samples/crawl`, busy 2-core VM). The output is the same bytes either way.
AUTO_BYTES_PER_WORKER = 4 * 1024 * 1024


def auto_workers(input_bytes: int, *, size_known: bool = True, cores: int | None = None) -> int:
    """Worker processes for `--workers 0`: one per core, at most one per 4 MiB of input (in-process below)."""
    cores = cores or os.cpu_count() or 1
    if not size_known:  # an object store that does not say how large its objects are
        return cores
    return max(1, min(cores, -(-input_bytes // AUTO_BYTES_PER_WORKER)))


@contextmanager
def steps(workers: int) -> Iterator[Steps]:
    """The embedded engine's steps: tasks on a spawn process pool of `workers` processes (in this
    process when workers <= 1)."""
    if workers <= 1:
        yield Steps()
        return
    worker_environment()
    pool = _Pool(workers)

    def map_parts(fn: Callable[..., Any], items: list[tuple], done: Callable[[int, int], None] | None = None) -> list:
        results: list = [None] * len(items)
        finished = 0

        def keep(i: int, result: Any) -> None:
            nonlocal finished
            results[i] = result
            finished += 1
            if done is not None:
                done(finished, len(items))
        pool.run(lambda p, i: p.submit(_call, (fn, items[i])), len(items), keep, poll=1.0)
        return results

    def map_files(fn: Callable[..., Any], items: list[tuple], on_done: Callable[[int, Any], None],
                  on_rows: RowsRead) -> list:
        results: list = [None] * len(items)

        def keep(i: int, result: Any) -> None:
            results[i] = result
            on_done(i, result)
        pool.run(lambda p, i: p.submit(_call_reporting, fn, items[i], i), len(items), keep, poll=0.25,
                 tick=lambda: _drain(pool.queue, on_rows))
        _drain(pool.queue, on_rows)
        return results

    try:
        yield Steps(map=map_parts, map_files=map_files)
    except BaseException:
        pool.stop()
        raise
    else:
        pool.pool.shutdown(wait=True)
    finally:
        pool.queue.close()


def _drain(queue: Any, on_rows: RowsRead) -> None:
    while True:
        try:
            index, rows, nbytes = queue.get_nowait()
        except Empty:
            return
        on_rows(index, rows, nbytes)
