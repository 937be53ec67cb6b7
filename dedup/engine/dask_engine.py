"""Dask engine: the build's cross-shard steps on a Dask cluster, with results identical to the embedded ones.

This is the only module of the package that imports dask or distributed, and it does so inside the
functions: `import dedup.engine.dask_engine` works without them, and the embedded engine never pays for them.

- `open_client`: a loopback LocalCluster, an existing scheduler, or no cluster at all ("threads": dask's
  local threaded scheduler). Every function below takes the client, or None for the threaded scheduler.
- `map_files`: one task per input file (the per-file extract), results in input order.
- `map_parts`: the tasks of the global steps (per docs part, per partition, per band group), which hand
  their rows to each other as files in the build's staging folder (`dedup/spill.py`): the client holds
  file lists and counters, never the documents.
- `components_dask`: gather the verified edges and solve in process, or large-star / small-star rounds
  on Dask DataFrames when the edge list is too large to gather.

The star rounds' shuffles use the task-based method: it runs the same on the threaded scheduler and on
a cluster, and the result is put in a canonical order, so the output does not depend on the
partitioning, the worker count or the order tasks finish in.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import as_completed as futures_completed
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from dedup.engine.steps import Steps
from dedup.errors import WorkerLost
from dedup.memory import released, worker_environment
from dedup.neardup.cluster import connected_components

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client

SHUFFLE = "tasks"  # p2p needs a distributed client; "tasks" also runs on the threaded scheduler

# Two of distributed's defaults cost this workload dearly, so the clusters this module starts change them
# (the nannies hand the config to the workers they spawn):
# - the statistical profiler samples every task thread's stack each 10 ms on the event-loop thread; that
#   thread then sometimes holds the last reference to a task's frame, and a resiliparse tree in the frame's
#   locals is freed on the wrong thread: a PyO3 'unsendable' object, so it is leaked and a RuntimeError
#   traceback is printed (8 in a 40,000-page build, 28 in 1M);
# - MALLOC_TRIM_THRESHOLD_=65536 fixes glibc's mmap threshold at 128 KiB, so every page's HTML and text is
#   mapped and unmapped afresh: 3x the page faults of the embedded engine's workers (docs/scale-out.md).
# For a cluster of your own, start its workers with DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False and
# without MALLOC_TRIM_THRESHOLD_ (docs/scale-out.md).
WORKER_CONFIG = {"distributed.worker.profile.enabled": False,
                 "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


# ---------------------------------------------------------------- cluster lifecycle

@contextmanager
def open_client(scheduler: str | None = None, workers: int | None = None, threads_per_worker: int = 1,
                processes: bool = True, dashboard: bool = False) -> Iterator[Client | None]:
    """A client for the functions of this module, closed on exit.

    scheduler None: a LocalCluster of `workers` workers listening on 127.0.0.1 only; "threads": no
    cluster, yields None (dask's threaded scheduler in this process, `workers` threads); anything else:
    the address of a running scheduler ("tcp://host:8786"), which is left running on exit.
    """
    if scheduler == "threads":
        import dask

        with dask.config.set(num_workers=workers):  # None: one thread per core, dask's default
            yield None
        return
    import dask
    from distributed import Client, LocalCluster

    worker_environment()
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # TCP on loopback even for in-process workers: the default in-process transport makes the scheduler's
    # HTTP endpoint listen on every interface. The HTTP server starts whether or not the dashboard is
    # wanted, so its address is pinned to loopback and a free port (no clash with another cluster's 8787).
    # The workers' statistical profiler is off (WORKER_CONFIG): the nannies hand this config to the workers.
    with dask.config.set(WORKER_CONFIG), LocalCluster(host="127.0.0.1", protocol="tcp://", n_workers=workers or 1,
                      threads_per_worker=threads_per_worker, processes=processes,
                      dashboard_address="127.0.0.1:0" if dashboard else None,
                      scheduler_kwargs={"dashboard": dashboard, "dashboard_address": "127.0.0.1:0"},
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def _compute(client: Client | None, *collections: Any) -> tuple:
    """Compute dask collections on the client, or on the threaded scheduler when there is none (never on
    whatever client happens to be the process default)."""
    import dask

    if client is None:
        return dask.compute(*collections, scheduler="threads")
    return tuple(client.compute(list(collections), sync=True))


def _persist(client: Client | None, collection: Any) -> Any:
    if client is None:
        return collection.persist(scheduler="threads")
    return client.persist(collection)


def _share(client: Client | None, data: Any, broadcast: bool = False) -> Any:
    """Put driver-side data on the cluster once, so that it is not shipped inside the task graph."""
    if client is None:
        return data  # the threaded scheduler shares the object by reference
    return client.scatter(data, broadcast=broadcast, hash=False)


# ---------------------------------------------------------------- per-file tasks

def map_files(client: Client | None, fn: Callable[..., Any], items: list, *, retries: int = 2,
              on_done: Callable[[int, Any], None] | None = None, star: bool = False) -> list:
    """fn(item) for every item (fn(*item) with `star`: an item is a tuple of arguments), on the cluster;
    results in item order.

    `fn` and the items are pickled to the workers: a module-level function such as
    `dedup.ingest.ingest_file` (with `star` and items (inp, target, max_payload)), whose module the
    workers can import. `on_done(i, result)` is called in this process as each task finishes, in
    completion order. A task is retried `retries` times (a worker lost mid-file); the first failure
    cancels the tasks still pending and is raised here (a task whose worker died each time: `WorkerLost`).
    Without a client the items run in a thread pool (no retries: there is no worker to lose).
    """
    if not items:
        return []
    results: list = [None] * len(items)
    if client is None:
        import dask

        threads = dask.config.get("num_workers", None) or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=min(len(items), threads)) as pool:
            pending = {pool.submit(fn, *(item if star else (item,))): i for i, item in enumerate(items)}
            try:
                for fut in futures_completed(pending):
                    i = pending[fut]
                    results[i] = fut.result()
                    if on_done is not None:
                        on_done(i, results[i])
            finally:
                for fut in pending:
                    fut.cancel()
        return results

    from dask.utils import funcname
    from distributed import KilledWorker, as_completed

    # pure=False and a fresh token: a file re-read in a later call must run again, not reuse a result
    # the cluster still holds; the index keeps keys readable in the dashboard
    token = uuid.uuid4().hex[:12]
    futures = [client.submit(released, fn, *(item if star else (item,)), key=f"{funcname(fn)}-{i}-{token}",
                             pure=False, retries=retries)
               for i, item in enumerate(items)]
    index = {fut.key: i for i, fut in enumerate(futures)}
    try:
        for fut in _completed(as_completed(futures), client):
            i = index[fut.key]
            results[i] = _result(fut, client)
            fut.release()  # the result is here now; the worker can drop it
            if on_done is not None:
                on_done(i, results[i])
    except KilledWorker as exc:
        # a task during which its worker died again and again: dask's own error was a traceback, exit code 1
        client.cancel(futures)
        raise WorkerLost(f"a task's worker process died each time it ran it ({exc}); most often it ran out of memory: "
                         "try fewer --workers or a smaller --memory; the finished work is kept, and the same command "
                         "resumes it") from exc
    except BaseException:
        client.cancel(futures)  # else the other files keep running on the cluster after the build failed
        raise
    return results


def _completed(futures: Any, client: Client) -> Iterator[Any]:
    """The futures of `as_completed` as they finish; while none has, a LocalCluster of this module's
    (`open_client`) is checked for workers. A worker killed while it starts (the OOM killer again, a crash at
    import) makes its nanny give up and leave the cluster; once every nanny has, no worker will ever come and
    the build waited forever without a word: it stops with `WorkerLost` (exit 2, the finished work kept for
    the same command to resume), as the embedded engine does. A cluster of your own (`--scheduler`) is left to
    its own workers: they may join later."""
    while True:
        batch = futures.next_batch(block=False)
        if batch:
            yield from batch
            continue
        if futures.is_empty():
            return
        _check_workers(client)
        time.sleep(0.1)   # as `as_completed`'s own iterator waits


def _check_workers(client: Client) -> None:
    """`WorkerLost` when a LocalCluster of this module's has no worker left (`_completed`)."""
    cluster = getattr(client, "cluster", None)
    if cluster is not None and not cluster.workers:
        raise WorkerLost("every worker of the local Dask cluster died and none could be started again "
                         "(killed while starting, most often for memory: try a smaller --workers or "
                         "--memory); the finished work is kept, and the same command resumes it")


RESULT_WAIT_S = 5


def _result(future: Any, client: Client) -> Any:
    """A finished task's result. Its worker may die before the result is fetched: the task then runs again, and
    `future.result()` waited for it without end once the cluster had no worker left to run it on (a task that
    killed its worker again and again made the nanny give up: round 13 of the hostile inputs); checked as
    `_completed` does, every RESULT_WAIT_S (a gather of the small results of these tasks takes milliseconds; one
    cut short by the wait starts again)."""
    while True:
        try:
            return future.result(timeout=RESULT_WAIT_S)
        except TimeoutError:
            _check_workers(client)


def map_parts(client: Client | None, fn: Callable[..., Any], items: list[tuple],
              done: Callable[[int, int], None] | None = None) -> list:
    """`map_files` for the tasks of a global step, whose arguments often share a large value (the
    site-chrome lookup of the signing pass, the file list every task of a round reads from): such an
    argument goes to the workers once, not inside each task. `done(finished, total)` reports progress.

    Data the client scattered cannot be computed again: a worker lost with it (the only one of `--workers 1`,
    killed) cancels every task that needs it. The tasks not finished then run again from a fresh scatter
    (`PARTS_ATTEMPTS` in all; until round 13 of the hostile inputs the build died with dask's traceback), after
    which the build stops with `WorkerLost` (exit 2, the finished steps kept for the same command to resume)."""
    uses: dict[int, int] = {}
    for item in items:
        for a in item:
            if isinstance(a, (dict, list)):
                uses[id(a)] = uses.get(id(a), 0) + 1
    results: dict[int, Any] = {}

    def attempt() -> None:
        shared: dict[int, Any] = {}

        def share(arg: Any) -> Any:
            if not isinstance(arg, (dict, list)) or (not isinstance(arg, dict) and uses.get(id(arg), 0) < 2):
                return arg
            if id(arg) not in shared:  # in a list: scatter would take a dict for {key: data, ...}
                shared[id(arg)] = arg if client is None else client.scatter([arg], broadcast=True, hash=False)[0]
            return shared[id(arg)]

        todo = [i for i in range(len(items)) if i not in results]

        def on_done(j: int, result: Any) -> None:
            results[todo[j]] = result
            if done is not None:
                done(len(results), len(items))

        map_files(client, fn, [tuple(share(a) for a in items[i]) for i in todo], star=True, on_done=on_done)

    if client is None:
        attempt()
    else:
        _again_when_lost("a step", PARTS_ATTEMPTS, attempt)
    return [results[i] for i in range(len(items))]


# ---------------------------------------------------------------- connected components

def _edge_frame(lo: np.ndarray, hi: np.ndarray) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"lo": lo.astype(np.int64), "hi": hi.astype(np.int64),
                         "changed": np.zeros(len(lo), dtype=bool)})


def _both_ways(edges: pd.DataFrame) -> pd.DataFrame:
    """Undirected edges -> one row per (node, neighbour), for the large-star step grouped by node."""
    import pandas as pd

    lo, hi = edges["lo"].to_numpy(), edges["hi"].to_numpy()
    return pd.DataFrame({"a": np.concatenate([lo, hi]), "b": np.concatenate([hi, lo])})


def _large_star(adj: pd.DataFrame) -> pd.DataFrame:
    """Every neighbour of `a` larger than `a` is linked to m = min(a, neighbours of a).

    A row is flagged `changed` when m < a: the edge (a, b) was replaced by (m, b)."""
    a, b = adj["a"].to_numpy(), adj["b"].to_numpy()
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.empty(0, np.int64)
    sizes = np.diff(np.r_[starts, len(a)])
    m = np.repeat(np.minimum(a[starts], b[starts]), sizes)  # b is sorted within a: b[start] is the least
    up = b > a
    out = _edge_frame(m[up], b[up])
    out["changed"] = (m != a)[up]
    # duplicates stay: small-star merges them and ORs their flags (dropping one could drop a flag)
    return out


def _small_star(edges: pd.DataFrame) -> pd.DataFrame:
    """Every node u and its neighbours smaller than u are linked to m = the least of those neighbours.

    A row is flagged `changed` when its group (one u) changed here (u had two or more smaller neighbours)
    or came from a flagged large-star row: a round with no flag at all left the edges as they were."""
    lo, hi, flag = edges["lo"].to_numpy(), edges["hi"].to_numpy(), edges["changed"].to_numpy()
    if not len(lo):
        return _edge_frame(lo, hi)
    order = np.lexsort((lo, hi))
    lo, hi, flag = lo[order], hi[order], flag[order]
    starts = np.flatnonzero(np.r_[True, hi[1:] != hi[:-1]])
    sizes = np.diff(np.r_[starts, len(hi)])
    new_lo = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]
    distinct = np.add.reduceat(new_lo.astype(np.int64), starts)
    changed = np.logical_or.reduceat(flag, starts) | (distinct > 1)
    m = lo[starts]  # sorted by lo within hi: the least smaller neighbour
    m_row, changed_row = np.repeat(m, sizes), np.repeat(changed, sizes)
    other = new_lo & (lo != m_row)  # each distinct smaller neighbour but m itself
    out = _edge_frame(np.concatenate([m, m_row[other]]), np.concatenate([hi[starts], lo[other]]))
    out["changed"] = np.concatenate([changed, changed_row[other]])
    return out


# Attempts of the star rounds on a cluster. Their inputs are scattered (`_share`), and data the client put
# on a worker cannot be computed again: a worker lost during the rounds (killed, or dropped by the scheduler
# on a loaded machine) cancels the next graph that needs it ("lost dependencies"). The rounds are a pure
# function of the edge arrays this process still holds, so they start again from a fresh scatter.
STAR_ATTEMPTS = 3
PARTS_ATTEMPTS = 3   # likewise the tasks of `map_parts`, whose shared arguments are scattered


def _lost_data_errors() -> tuple[type[BaseException], ...]:
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError, FuturesCancelledError

    return FutureCancelledError, FuturesCancelledError, KilledWorker


def _again_when_lost(what: str, attempts: int, run: Callable[[], Any]) -> Any:
    """run() again while the data it scattered is lost with a worker (`_lost_data_errors`), `attempts` times in all,
    then `WorkerLost` (exit 2, the finished steps kept for the same command to resume)."""
    lost = _lost_data_errors()
    for attempt in range(1, attempts + 1):
        try:
            return run()
        except lost as exc:
            if attempt == attempts:
                raise WorkerLost(f"{what} lost its data on the Dask cluster (attempt {attempt} of {attempt}: "
                                 f"{type(exc).__name__}: {exc}); workers are dying or being dropped (memory, a loaded "
                                 "machine); the finished work is kept, and the same command resumes it") from exc
            logging.getLogger(__name__).warning("%s: data lost on the Dask cluster (%s: %s); attempt %d of %d", what,
                                                type(exc).__name__, exc, attempt + 1, attempts)
    raise AssertionError("unreachable")


def star_components(n_nodes: int, src: np.ndarray, dst: np.ndarray, client: Client | None,
                    partitions: int) -> tuple[np.ndarray, int]:
    """Large-star / small-star rounds (Kiveris et al. 2014, "Connected Components in MapReduce and
    Beyond") until a round changes nothing: then every component is a star around its least node.
    Returns (labels, rounds).

    On a cluster, rounds whose data was lost with a worker start again (`STAR_ATTEMPTS` in all); after
    that the build stops with `WorkerLost` (exit 2, the finished steps kept for the same command to resume)."""
    labels = np.arange(n_nodes, dtype=np.int64)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    loop = lo != hi
    lo, hi = lo[loop], hi[loop]
    if not len(lo):
        return labels, 0
    if client is None:
        return _star_rounds(labels, lo, hi, None, partitions)
    return _again_when_lost("the connected-components step", STAR_ATTEMPTS,
                            lambda: _star_rounds(labels, lo, hi, client, partitions))


def _star_rounds(labels: np.ndarray, lo: np.ndarray, hi: np.ndarray, client: Client | None,
                 partitions: int) -> tuple[np.ndarray, int]:
    """One attempt of `star_components` on loop-free edges (lo < hi): labels filled in place."""
    import dask
    import dask.dataframe as dd

    bounds = np.linspace(0, len(lo), min(partitions, len(lo)) + 1).astype(np.int64)
    ranges = list(pairwise(bounds))
    los, his = _share(client, [lo[a:b] for a, b in ranges]), _share(client, [hi[a:b] for a, b in ranges])
    meta = _edge_frame(lo[:0], hi[:0])
    edges = dd.from_delayed([dask.delayed(_edge_frame, pure=False)(l, h) for l, h in zip(los, his)],
                            meta=meta, verify_meta=False)
    adj_meta = _both_ways(meta)
    rounds = 0
    while True:
        rounds += 1
        # a fixed partition count per shuffle keeps every round the same size whatever came before
        large = (edges.map_partitions(_both_ways, meta=adj_meta)
                 .shuffle(on="a", npartitions=partitions, shuffle_method=SHUFFLE)
                 .map_partitions(_large_star, meta=meta))
        small = (large.shuffle(on="hi", npartitions=partitions, shuffle_method=SHUFFLE)
                 .map_partitions(_small_star, meta=meta))
        edges = _persist(client, small)  # cut the lineage: the next round starts from stored partitions
        (changed,) = _compute(client, edges["changed"].any())
        if not changed:
            break
    (final,) = _compute(client, edges[["lo", "hi"]])
    labels[final["hi"].to_numpy()] = final["lo"].to_numpy()
    return labels, rounds


def components_dask(n_nodes: int, src: np.ndarray, dst: np.ndarray, client: Client | None,
                    method: str = "auto", gather_limit_edges: int = 50_000_000,
                    partitions: int = 8) -> np.ndarray:
    """`dedup.neardup.cluster.connected_components`: the label of each node is the least node of its component.

    method "gather": solve the edge list in this process (the common case); "star": large-star /
    small-star rounds on Dask DataFrames of edges; "auto": gather up to `gather_limit_edges` edges.
    """
    if method not in ("auto", "gather", "star"):
        raise ValueError(f"method must be 'auto', 'gather' or 'star', not {method!r}")
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if method == "gather" or (method == "auto" and len(src) <= gather_limit_edges):
        return connected_components(n_nodes, src, dst)
    return star_components(n_nodes, src, dst, client, partitions)[0]


# ---------------------------------------------------------------- the engine's steps

def steps(client: Client | None, components: str = "auto") -> Steps:
    """The Dask engine's steps for a build (docs/scale-out.md): every task of every stage on the cluster,
    components gathered or by star rounds."""
    def files(fn: Callable[..., Any], items: list[tuple], on_done: Callable[[int, Any], None],
              on_rows: Callable[[int, int, int], None]) -> list:
        # a task's callback cannot reach this process: a file's rows are reported when it is done
        def done(i: int, result: Any) -> None:
            on_rows(i, result["rows"], 0)
            on_done(i, result)
        return map_files(client, fn, [(*item, None) for item in items], star=True, on_done=done)

    return Steps(map=partial(map_parts, client), map_files=files,
                 components=partial(components_dask, client=client, method=components))
