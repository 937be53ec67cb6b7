"""The seams between the stages and the engine that runs them.

A stage calls `steps.map` for its tasks (per docs part, per partition, per band group) and
`steps.components` for the connected components; the embedded engine fills them with a process pool
(dedup/engine/embedded.py), the Dask engine with tasks on a cluster (dedup/engine/dask_engine.py).
Both return the same results, so the output bytes do not depend on the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from dedup.memory import released
from dedup.neardup.cluster import Components, connected_components

Done = Callable[[int, int], None]  # (tasks finished, tasks in all): progress of a map
# (fn, [args tuples], done=None) -> [fn(*args)] in order
TaskMap = Callable[..., list]
# (fn, [args tuples], on_done(i, result), on_rows(i, n_rows, n_bytes)) -> results in order: the ingest's
# per-file tasks. `fn` takes a `report(n_rows, n_bytes)` callback after its arguments (rows written and
# input bytes read since its last call); engines that can relay it pass one (on_rows is then called as
# rows are produced), others pass None
RowsRead = Callable[[int, int, int], None]
FileMap = Callable[[Callable[..., Any], list[tuple], Callable[[int, Any], None], RowsRead], list]


def serial_map(fn: Callable[..., Any], items: list[tuple], done: Done | None = None) -> list:
    """Per-part tasks one after the other, in this process."""
    results = []
    for item in items:
        results.append(released(fn, *item))
        if done is not None:
            done(len(results), len(items))
    return results


def serial_files(fn: Callable[..., Any], items: list[tuple], on_done: Callable[[int, Any], None],
                 on_rows: RowsRead) -> list:
    """Per-file tasks one after the other, in this process."""
    results = []
    for i, item in enumerate(items):
        results.append(released(fn, *item, partial(on_rows, i)))
        on_done(i, results[-1])
    return results


@dataclass(frozen=True)
class Steps:
    """Where the tasks of a build run. The defaults run everything in this process; `embedded.steps`
    and `dask_engine.steps` swap in their own. Every global step is rounds of `map` tasks over files
    (docs parts, partitions, band groups: `dedup/spill.py`), so both engines run the same functions."""

    map: TaskMap = serial_map
    map_files: FileMap = serial_files
    components: Components = connected_components  # (n, src, dst) -> labels


@dataclass(frozen=True)
class DaskOptions:
    """`dedup build --engine dask`: where to run (docs/scale-out.md). Not part of the config hash: the
    engine never changes the output bytes."""

    scheduler: str | None = None  # None: a LocalCluster on 127.0.0.1; "threads": no cluster; or an address
    workers: int | None = None  # LocalCluster workers (or threads) [default: --workers]
    components: str = "auto"  # connected components: auto, gather (to the client) or star (on Dask)
    dashboard: bool = False
