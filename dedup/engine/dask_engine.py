"""Dask engine: the build's cross-shard steps on a Dask cluster, with results identical to the embedded ones.

This is the only module of the package that imports dask or distributed, and it does so inside the
functions: `import dedup.engine.dask_engine` works without them, and the embedded engine never pays for them.

- `open_client`: a loopback LocalCluster, an existing scheduler, or no cluster at all ("threads": dask's
  local threaded scheduler). Every function below takes the client, or None for the threaded scheduler.
- `map_files`: one task per input file (the per-file extract), results in input order.
- `site_chrome_dask`: block counts per (domain, block_key), shuffled on that pair; each shuffled partition
  holds whole groups, so `dedup.text.blocks.site_chrome` itself runs on it.
- `candidate_edges_dask`: the (band, key, doc) table shuffled on (band, key); each partition holds whole
  LSH buckets and emits their star + path edges as `dedup.neardup.lsh.candidate_edges` does.
- `components_dask`: gather the edges and solve in process, or large-star / small-star rounds on Dask
  DataFrames when the edge list is too large to gather.

Shuffles use the task-based method: it runs the same on the threaded scheduler and on a cluster, and
every result is put in a canonical order (sorted, deduplicated) before it is returned, so the output does
not depend on the partitioning, the worker count or the order tasks finish in.
"""

from __future__ import annotations

import logging
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import as_completed as futures_completed
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from dedup.engine.steps import Steps
from dedup.text.blocks import CHROME_SCHEMA, occurrences, site_chrome
from dedup.neardup.cluster import connected_components
from dedup.neardup.lsh import BandFigures, CandidateStats, add_band, bucket_edges, pack_edges
from dedup.schema import frame

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client

SHUFFLE = "tasks"  # p2p needs a distributed client; "tasks" also runs on the threaded scheduler


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
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # TCP on loopback even for in-process workers: the default in-process transport makes the scheduler's
    # HTTP endpoint listen on every interface. The HTTP server starts whether or not the dashboard is
    # wanted, so its address is pinned to loopback and a free port (no clash with another cluster's 8787).
    with LocalCluster(host="127.0.0.1", protocol="tcp://", n_workers=workers or 1,
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
    `dedup.pipeline.extract_file` (with `star` and items (inp, target, max_payload)), whose module the
    workers can import. `on_done(i, result)` is called in this process as each task finishes, in
    completion order. A task is retried `retries` times (a worker lost mid-file); the first failure
    cancels the tasks still pending and is raised here. Without a client the items run in a thread pool
    (no retries: there is no worker to lose).
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
    from distributed import as_completed

    # pure=False and a fresh token: a file re-read in a later call must run again, not reuse a result
    # the cluster still holds; the index keeps keys readable in the dashboard
    token = uuid.uuid4().hex[:12]
    futures = [client.submit(fn, *(item if star else (item,)), key=f"{funcname(fn)}-{i}-{token}", pure=False,
                             retries=retries)
               for i, item in enumerate(items)]
    index = {fut.key: i for i, fut in enumerate(futures)}
    try:
        for fut in as_completed(futures):
            i = index[fut.key]
            results[i] = fut.result()
            fut.release()  # the result is here now; the worker can drop it
            if on_done is not None:
                on_done(i, results[i])
    except BaseException:
        client.cancel(futures)  # else the other files keep running on the cluster after the build failed
        raise
    return results


def map_parts(client: Client | None, fn: Callable[..., Any], items: list[tuple]) -> list:
    """`map_files` for per-part tasks whose arguments share a large lookup (the site-chrome table of the
    signing pass): every dict argument goes to the workers once, not inside each task."""
    shared: dict[int, Any] = {}

    def share(arg: Any) -> Any:
        if not isinstance(arg, dict):
            return arg
        if id(arg) not in shared:  # in a list: scatter would take a dict for {key: data, ...}
            shared[id(arg)] = arg if client is None else client.scatter([arg], broadcast=True, hash=False)[0]
        return shared[id(arg)]

    return map_files(client, fn, [tuple(share(a) for a in item) for item in items], star=True)


# ---------------------------------------------------------------- site chrome: block counts per site

def _occurrences(part: Path, stories: pl.DataFrame) -> pd.DataFrame:
    """One docs part -> one row per (doc, story, domain, block_key) of its kept documents, as
    `pipeline.decide` builds them for `site_chrome` (batch by batch, so memory stays flat)."""
    frames = [occurrences(frame(batch), stories)
              for batch in pq.ParquetFile(part).iter_batches(
                  batch_size=4096, columns=["doc_id", "domain", "block_keys", "reject_reason"])]
    return pl.concat([_occurrences_empty(stories), *frames]).to_pandas()


def _occurrences_empty(stories: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame(schema={"doc": stories.schema["doc"], "story": stories.schema["story"],
                                "domain": pl.String, "block_key": pl.Int64})


def _chrome_of(occ: pd.DataFrame, min_stories: int) -> pl.DataFrame:
    # the shuffle put every row of a (domain, block_key) in this partition: the embedded count is exact here
    return site_chrome(pl.from_pandas(occ), min_stories).cast(CHROME_SCHEMA)


def site_chrome_dask(parts: list[Path], stories: pl.DataFrame, min_stories: int, client: Client | None,
                     partitions: int | None = None) -> pl.DataFrame:
    """`dedup.text.blocks.site_chrome` over the occurrences of the `docs` parts, as a Dask shuffle.

    stories: doc_id, doc (int32 index), story, one row per signed document; small next to the
    occurrences, it is sent once to every worker and joined inside each part's task. The occurrences
    are shuffled on (domain, block_key) into `partitions` partitions (default: one per part, at least 2).
    Returns domain, block_key, pages, stories sorted by (domain, block_key), as `site_chrome` does.
    """
    import dask
    import dask.dataframe as dd

    empty = pl.DataFrame(schema=CHROME_SCHEMA)
    if not parts:
        return empty
    stories = stories.select("doc_id", "doc", "story")
    shared = _share(client, stories, broadcast=True)
    occ = dd.from_delayed([dask.delayed(_occurrences, pure=False)(Path(p), shared) for p in parts],
                          meta=_occurrences_empty(stories).to_pandas(), verify_meta=False)
    shuffled = occ.shuffle(on=["domain", "block_key"], npartitions=partitions or max(2, len(parts)),
                           shuffle_method=SHUFFLE)
    counted = [dask.delayed(_chrome_of, pure=False)(p, min_stories) for p in shuffled.to_delayed()]
    frames = _compute(client, *counted)
    return pl.concat([empty, *frames]).sort("domain", "block_key")


# ---------------------------------------------------------------- LSH candidates: band buckets

def _long_keys(keys: np.ndarray, first_doc: int, doc_dtype: str) -> pd.DataFrame:
    """Rows first_doc.. of the (n, bands) key matrix -> one row per (band, key, doc)."""
    import pandas as pd

    rows, bands = keys.shape
    return pd.DataFrame({
        "band": np.tile(np.arange(bands, dtype=_band_dtype(bands)), rows),
        "key": np.ascontiguousarray(keys, dtype=np.uint64).reshape(-1),
        "doc": np.repeat(np.arange(first_doc, first_doc + rows, dtype=doc_dtype), bands),
    })


def _band_dtype(bands: int) -> str:
    return "int16" if bands < 2 ** 15 else "int32"


def _bucket_edges(part: pd.DataFrame, hot_cap: int, n: int) -> tuple[np.ndarray, list[tuple[int, BandFigures]]]:
    """Whole buckets of some bands -> (packed edges lo*n+hi, unique; figures per band, in band order).
    Each band's buckets go through `lsh.bucket_edges`, the rule the embedded engine uses."""
    band = part["band"].to_numpy()
    key = part["key"].to_numpy()
    doc = part["doc"].to_numpy().astype(np.int64)
    order = np.argsort(band, kind="stable")
    band, key, doc = band[order], key[order], doc[order]
    starts = np.flatnonzero(np.r_[True, band[1:] != band[:-1]]) if len(band) else np.empty(0, np.int64)
    ends = np.r_[starts[1:], len(band)]
    srcs, dsts, per_band = [], [], []
    for s, e in zip(starts, ends):
        src, dst, figures = bucket_edges(key[s:e], doc[s:e], hot_cap)
        srcs.append(src)
        dsts.append(dst)
        per_band.append((int(band[s]), figures))
    lo, hi = pack_edges(srcs, dsts, n)
    return lo * n + hi, per_band


def candidate_edges_dask(keys: np.ndarray, hot_cap: int, client: Client | None,
                         partitions: int = 8) -> tuple[np.ndarray, np.ndarray, CandidateStats]:
    """`dedup.neardup.lsh.candidate_edges(keys, hot_cap)` with the band buckets built by a Dask shuffle.

    keys: (n_docs, bands) uint64 band keys. The (band, key, doc) table is cut into `partitions` row
    ranges, shuffled on (band, key) into `partitions` partitions, and each partition's buckets give
    their edges; the driver merges the (already deduplicated) edges of the partitions.
    """
    import dask
    import dask.dataframe as dd

    keys = np.asarray(keys)
    n, bands = keys.shape
    stats = CandidateStats(bands=bands)
    empty = np.empty(0, np.int64)
    if n < 2 or bands == 0:
        return empty, empty, stats
    doc_dtype = "int32" if n < 2 ** 31 else "int64"
    bounds = np.linspace(0, n, min(partitions, n) + 1).astype(np.int64)
    chunks = _share(client, [keys[a:b] for a, b in pairwise(bounds)])
    long = dd.from_delayed(
        [dask.delayed(_long_keys, pure=False)(c, int(a), doc_dtype) for c, a in zip(chunks, bounds[:-1])],
        meta=_long_keys(keys[:0], 0, doc_dtype), verify_meta=False)
    shuffled = long.shuffle(on=["band", "key"], npartitions=partitions, shuffle_method=SHUFFLE)
    per_part = _compute(client, *[dask.delayed(_bucket_edges, pure=False)(p, hot_cap, n)
                                  for p in shuffled.to_delayed()])
    # a band's buckets are spread over the partitions: merge its figures, then fold them in band order
    # as the embedded loop does
    per_band: dict[int, BandFigures] = {}
    for _, figures_of in per_part:
        for b, figures in figures_of:
            per_band[b] = per_band[b].merge(figures) if b in per_band else figures
    for b in sorted(per_band):
        add_band(stats, b, per_band[b])
    packed = np.unique(np.concatenate([p[0] for p in per_part]))
    if not len(packed):
        return empty, empty, stats
    src, dst = packed // n, packed % n
    stats.edges = len(src)
    return src, dst, stats


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


def _star_components(n_nodes: int, src: np.ndarray, dst: np.ndarray, client: Client | None,
                     partitions: int) -> tuple[np.ndarray, int]:
    """Large-star / small-star rounds (Kiveris et al. 2014, "Connected Components in MapReduce and
    Beyond") until a round changes nothing: then every component is a star around its least node.
    Returns (labels, rounds)."""
    import dask
    import dask.dataframe as dd

    labels = np.arange(n_nodes, dtype=np.int64)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    loop = lo != hi
    lo, hi = lo[loop], hi[loop]
    if not len(lo):
        return labels, 0
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
    return _star_components(n_nodes, src, dst, client, partitions)[0]


# ---------------------------------------------------------------- the engine's steps

def steps(client: Client | None, components: str = "auto") -> Steps:
    """The Dask engine's steps for a build (docs/scale-out.md): per-file and per-part tasks on the
    cluster, site-chrome counts and LSH buckets as shuffles, components gathered or by star rounds."""
    def files(fn: Callable[..., Any], items: list[tuple], on_done: Callable[[int, Any], None],
              on_rows: Callable[[int, int, int], None]) -> list:
        # a task's callback cannot reach this process: a file's rows are reported when it is done
        def done(i: int, result: Any) -> None:
            on_rows(i, result["rows"], 0)
            on_done(i, result)
        return map_files(client, fn, [(*item, None) for item in items], star=True, on_done=done)

    return Steps(map=partial(map_parts, client), map_files=files,
                 candidate_edges=partial(candidate_edges_dask, client=client),
                 components=partial(components_dask, client=client, method=components),
                 site_chrome=partial(site_chrome_dask, client=client))
