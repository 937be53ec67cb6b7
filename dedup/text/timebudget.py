"""timebudget: a budget of CPU time for the code of one record (`time_budget`), in any thread of any engine's
process: past it, `ExtractTimeout` is raised in the guarded thread by one watchdog thread per process. What
`text/extract.py` runs each page's extraction and evidence scans under (`EXTRACT_BUDGET_S`).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from contextlib import contextmanager


class ExtractTimeout(BaseException):
    """A record's extraction used more than its budget of its thread's CPU time (`extract.EXTRACT_BUDGET_S`). A BaseException, as
    KeyboardInterrupt is: no `except Exception` in the code it interrupts can swallow it."""


class _Guard:
    __slots__ = ("ident", "clock", "start", "seconds", "fired")

    def __init__(self, ident: int, clock: int, seconds: float) -> None:
        self.ident, self.clock, self.seconds, self.fired = ident, clock, seconds, False
        self.start = time.clock_gettime(clock)


class _Watchdog:
    """One daemon thread per process that raises ExtractTimeout in a thread whose guarded record has used
    its budget of that thread's CPU time (`time.pthread_getcpuclockid`): other processes' load, time spent
    waiting for a core or for the GIL, and other threads' work do not count, so the outcome does not depend
    on the machine's load, nor on the engine (the embedded engine's worker processes, Dask's worker threads
    and dask's threaded scheduler are guarded alike). The exception is set with `PyThreadState_SetAsyncExc`
    and raised at the thread's next Python instruction: like a signal, it cannot stop C code (resiliparse's
    parsing), which the deterministic caps bound instead (`MAX_HTML_BYTES`, `MAX_MARKUP_TAGS`,
    `MAX_NESTING_COST`). It sleeps until the earliest moment a guard can be due: a thread's CPU time grows
    no faster than the wall clock."""

    def __init__(self) -> None:
        # `with self.lock` (a C lock) where a guarded thread takes it: a Condition's own `with` runs Python
        # code between acquiring and the block, where the timeout could be raised and leave it held
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.guards: dict[int, _Guard] = {}
        self.pid = 0  # the process whose thread runs (a forked child starts its own)
        # when the thread wakes next (monotonic clock): a new guard wakes it only if it could be due before
        # (a wake-up a page would cost ~1 % of extraction)
        self.wake_at = float("inf")

    def enter(self, seconds: float) -> _Guard | None:
        """Start a budget of `seconds` of this thread's CPU time (None: no per-thread clock here)."""
        ident = threading.get_ident()
        try:
            guard = _Guard(ident, time.pthread_getcpuclockid(ident), seconds)
        except (AttributeError, OSError):  # no per-thread CPU clocks here: no budget
            return None
        with self.lock:
            if self.pid != os.getpid():
                self.pid = os.getpid()
                self.guards.clear()
                threading.Thread(target=self._run, name="dedup-extract-budget", daemon=True).start()
            self.guards[ident] = guard
            # a thread's CPU time grows no faster than the wall clock: the guard is due `seconds` from now
            # at the earliest (with one budget for every page, no earlier than the wake-up already set)
            due = time.monotonic() + seconds
            if due < self.wake_at:
                self.wake_at = due
                self.cond.notify()
        return guard

    def leave(self, guard: _Guard) -> None:
        """End `guard`'s budget; a timeout set for it but not raised yet is withdrawn."""
        with self.lock:
            if self.guards.get(guard.ident) is guard:
                del self.guards[guard.ident]
            if guard.fired:  # set but not raised yet (the record ended first): withdrawn
                _set_async_exc(guard.ident, None)

    def _run(self) -> None:
        with self.cond:
            while self.pid == os.getpid():
                wait = None
                for guard in list(self.guards.values()):
                    if guard.fired:
                        continue
                    try:
                        left = guard.seconds - (time.clock_gettime(guard.clock) - guard.start)
                    except OSError:  # its thread has ended
                        del self.guards[guard.ident]
                        continue
                    if left <= 0:
                        guard.fired = True
                        _set_async_exc(guard.ident, ExtractTimeout)
                    else:
                        wait = left if wait is None else min(wait, left)
                self.wake_at = float("inf") if wait is None else time.monotonic() + wait
                self.cond.wait(wait)


def _set_async_exc(ident: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


_watchdog = _Watchdog()
# a forked child (the embedded engine's workers) starts with a copy of the lock that another thread may have held
os.register_at_fork(after_in_child=lambda: _Watchdog.__init__(_watchdog))


def budget_running() -> bool:
    """Whether this thread's code runs under a record's time budget (`time_budget`)."""
    guard = _watchdog.guards.get(threading.get_ident())
    return guard is not None and not guard.fired


@contextmanager
def time_budget(seconds: float):
    """Raise ExtractTimeout in the guarded code once it has used `seconds` of this thread's CPU time (in
    any thread, by `_Watchdog`); no budget where `seconds` <= 0 or the platform has no per-thread CPU
    clocks. Not nested: an inner budget replaces the outer one."""
    guard = _watchdog.enter(seconds) if seconds > 0 else None
    try:
        yield
    finally:
        if guard is not None:
            _watchdog.leave(guard)
