"""The embedded engine: per-file and per-part tasks on a process pool of this machine.

Workers are spawned, not forked (polars and Arrow thread pools do not survive a fork), and die with
the build: on Linux each worker asks the kernel for SIGKILL when its parent dies, so a build killed
with SIGKILL leaves no worker behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context
from queue import Empty
from typing import Any

from dedup.engine.steps import RowsRead, Steps
from dedup.memory import released, worker_environment

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


def _report_rows(index: int, rows: int, nbytes: int) -> None:
    if _QUEUE is not None:
        _QUEUE.put((index, rows, nbytes))


def _call(fn_and_args: tuple) -> Any:
    fn, args = fn_and_args
    return released(fn, *args)


def _call_reporting(fn: Callable[..., Any], args: tuple, index: int) -> Any:
    return released(fn, *args, partial(_report_rows, index))


@contextmanager
def steps(workers: int) -> Iterator[Steps]:
    """The embedded engine's steps: tasks on a spawn process pool of `workers` processes (in this
    process when workers <= 1)."""
    if workers <= 1:
        yield Steps()
        return
    worker_environment()
    ctx = get_context("spawn")
    queue = ctx.Queue()  # rows done, from the workers (a plain queue: no manager process to outlive us)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(queue, os.getpid()))

    def map_parts(fn: Callable[..., Any], items: list[tuple], done: Callable[[int, int], None] | None = None) -> list:
        results: list = [None] * len(items)
        pending = {pool.submit(_call, (fn, item)): i for i, item in enumerate(items)}
        finished = 0
        try:
            while pending:
                ready, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                for fut in ready:
                    results[pending.pop(fut)] = fut.result()
                    finished += 1
                if ready and done is not None:
                    done(finished, len(items))
        finally:
            for fut in pending:
                fut.cancel()
        return results

    def map_files(fn: Callable[..., Any], items: list[tuple], on_done: Callable[[int, Any], None],
                  on_rows: RowsRead) -> list:
        results: list = [None] * len(items)
        pending = {pool.submit(_call_reporting, fn, item, i): i for i, item in enumerate(items)}
        try:
            while pending:
                done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                _drain(queue, on_rows)
                for fut in done:
                    i = pending.pop(fut)
                    results[i] = fut.result()
                    on_done(i, results[i])
            _drain(queue, on_rows)
        finally:
            for fut in pending:
                fut.cancel()
        return results

    try:
        yield Steps(map=map_parts, map_files=map_files)
    except BaseException:
        # cancel what has not started and stop what runs: an interrupted build must not wait for a file
        workers_alive = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers_alive:
            if proc.is_alive():
                proc.terminate()
        for proc in workers_alive:
            proc.join(timeout=5)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        queue.close()


def _drain(queue: Any, on_rows: RowsRead) -> None:
    while True:
        try:
            index, rows, nbytes = queue.get_nowait()
        except Empty:
            return
        on_rows(index, rows, nbytes)
