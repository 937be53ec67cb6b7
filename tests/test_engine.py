"""dedup.engine.dask_engine: the global steps' tasks on Dask give the in-memory rules' results, exactly.

- the cluster listens on 127.0.0.1 only; "threads" runs without one;
- map_files runs the real per-file extract (two worker processes), results in input order;
- keys, signing, LSH candidates, verification and site chrome on real data: the sample crawl (and, in the
  slow set, two files of the bench crawl when ../shared is present), every task on Dask, against the in-memory
  `near_dup_labels` and `count_site_chrome`;
- connected components, gathered and by large-star / small-star, on hand-made and random graphs;
- the partition count and the scheduler never change a result.

Most tests share one in-process cluster (2 workers, fast to start); one test (slow set) starts 2 worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dedup.config import BuildConfig
from dedup.engine.dask_engine import star_components, components_dask, map_files, map_parts, open_client
from dedup.ingest import ingest_file as extract_file
from dedup.neardup.cluster import connected_components, near_dup_labels
from dedup.neardup.lsh import VerifyParams
from dedup.neardup.ondisk import near_dup_components
from dedup.neardup.sign import Signed
from dedup.sitechrome import count_bucket, scatter_occurrences
from dedup.sources.inputs import expand_inputs
from dedup.text.blocks import count_site_chrome
from conftest import quick_and_full
from on_disk import MAX_PAYLOAD, Prepared, index, sign_store, stories_frame

# dedup.engine.dask_engine imports dask inside its functions: the module loads without it, the tests need it
pytest.importorskip("dask.dataframe", reason="the Dask engine needs dask[dataframe] (pip install dedup[dask])")
pytest.importorskip("distributed", reason="the Dask engine needs dask[distributed] (pip install dedup[dask])")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client():
    with open_client(workers=2, processes=False) as c:
        yield c


# ---------------------------------------------------------------- real data, prepared as the build does

@dataclass
class Crawl:
    parts: list[Path]
    keys: list[Path]  # keys files of the parts
    n: int  # indexed documents
    signed: Signed  # the in-memory reference (pass 1)
    stories: np.ndarray  # preliminary near-duplicate clusters, by index


def prepare(prepared: Prepared) -> Crawl:
    """Pass 1 of the build (stage stories) in memory, on the session's extracted crawl: the reference
    the Dask tasks are held to."""
    config = BuildConfig()
    signed = prepared.signed
    story, _ = near_dup_labels(signed.sigs, signed.sizes, config.bands, config.rows, config.hot_bucket_cap,
                               VerifyParams.for_stories(config))
    return Crawl(prepared.parts, prepared.keys, prepared.n, signed, story)


@pytest.fixture(scope="module")
def sample(sample_prepared) -> Crawl:
    return prepare(sample_prepared)


@pytest.fixture(scope="module")
def bench(bench_prepared) -> Crawl:
    return prepare(bench_prepared)  # two of five files: the whole crawl takes too long here


def dask_map(client):
    return partial(map_parts, client)


def on_dask(crawl: Crawl, client, folder: Path, partitions: int) -> tuple[pl.DataFrame, np.ndarray, dict]:
    """Keys, signing, near-duplicates and site chrome as the build runs them, every task on Dask."""
    config = BuildConfig()
    run = dask_map(client)
    keys, n = index(crawl.parts, folder / "keys", buckets=partitions, run_map=run)
    assert n == crawl.n
    store = sign_store(crawl.parts, keys, n, folder / "sig", config, {}, False, block_rows=max(1, n // partitions),
                       run_map=run)
    labels, report = near_dup_components(run, sorted(store.glob("bands-*.arrow")), n, config.bands,
                                         config.hot_bucket_cap, VerifyParams.for_stories(config), store,
                                         folder / "edges", bands_per_group=5, edge_partitions=partitions,
                                         components=partial(components_dask, client=client, method="star",
                                                            partitions=2))
    np.save(folder / "stories.npy", labels)
    scattered = [folder / f"occ-{i}.arrow" for i in range(len(crawl.parts))]
    short = [folder / f"short-{i}.arrow" for i in range(len(crawl.parts))]
    run(scatter_occurrences, [(p, k, folder / "stories.npy", partitions, f, g)
                              for p, k, f, g in zip(crawl.parts, keys, scattered, short)])
    counted = run(count_bucket, [(scattered, short, b, config.site_min_stories) for b in range(partitions)])
    # the site chrome only: the in-memory reference below does not count cross-story chrome (domain '*')
    chrome = pl.concat(counted).filter(pl.col("domain") != "*").sort("domain", "block_key")
    return chrome, labels, report


def assert_like_in_memory(crawl: Crawl, got: tuple[pl.DataFrame, np.ndarray, dict]) -> None:
    config = BuildConfig()
    chrome, labels, report = got
    want_labels, want_report = near_dup_labels(crawl.signed.sigs, crawl.signed.sizes, config.bands, config.rows,
                                               config.hot_bucket_cap, VerifyParams.for_stories(config))
    np.testing.assert_array_equal(labels, want_labels)
    assert report == want_report and report["verified_edges"] > 0
    want_chrome = count_site_chrome(crawl.parts, stories_frame(crawl.keys, crawl.stories), config.site_min_stories)
    assert want_chrome.height > 0  # the crawl has site chrome: the comparison is not vacuous
    assert_frame_equal(chrome, want_chrome)


# ---------------------------------------------------------------- cluster lifecycle

def test_open_client_threads_has_no_cluster():
    import dask

    with open_client("threads", workers=2) as c:
        assert c is None
        assert dask.config.get("num_workers") == 2  # the threaded scheduler's pool size


def test_local_cluster_listens_on_loopback_only(client):
    info = client.scheduler_info()
    assert client.scheduler.address.startswith("tcp://127.0.0.1:")
    assert len(info["workers"]) == 2
    assert all(addr.startswith("tcp://127.0.0.1:") for addr in info["workers"])


def test_connect_to_a_running_scheduler(client):
    with open_client(client.scheduler.address) as other:
        assert other.submit(sum, [1, 2], pure=False).result() == 3
    assert client.submit(sum, [3, 4], pure=False).result() == 7  # closing the second client left it running


# ---------------------------------------------------------------- map_files

@pytest.mark.parametrize("mode", ["threads", "cluster"])
def test_map_files_in_order_with_progress(mode, client):
    done = []
    got = map_files(client if mode == "cluster" else None, pow, [(i, 2) for i in range(12)], star=True,
                    on_done=lambda i, r: done.append((i, r)))
    assert got == [i * i for i in range(12)]
    assert sorted(done) == [(i, i * i) for i in range(12)]
    assert map_files(client if mode == "cluster" else None, abs, [-3, 4]) == [3, 4]
    assert map_files(client if mode == "cluster" else None, abs, []) == []


@pytest.mark.parametrize("mode", ["threads", "cluster"])
def test_map_files_raises_the_first_failure(mode, client):
    with pytest.raises(ZeroDivisionError):
        map_files(client if mode == "cluster" else None, divmod, [(1, 1), (1, 0), (2, 1)], star=True, retries=0)


# Slow set: starting two Dask worker processes (and their nannies) costs more than all the quick engine tests.
# Quick: the same global steps' tasks over TCP, pickled as to a process
# (test_global_steps_on_dask_equal_the_in_memory_rules), map_files' order (test_map_files_in_order_with_progress)
# and the real extract in spawned processes (test_storage.py::test_worker_processes_read_url_inputs).
@pytest.mark.slow
def test_worker_processes_extract_and_run_the_global_steps(sample, tmp_path):
    """Two worker processes: the real extract pickled to them, then every global step's tasks, the
    star rounds over TCP."""
    files = expand_inputs([str(REPO / "samples" / "crawl")])
    targets = [tmp_path / f"part-{i:05d}.parquet" for i in range(len(files))]
    with open_client(workers=2, processes=True) as procs:
        assert len(procs.scheduler_info()["workers"]) == 2
        results = map_files(procs, extract_file, [(f, t, MAX_PAYLOAD) for f, t in zip(files, targets)], star=True)
        assert [r["rows"] for r in results] == [pq.read_metadata(p).num_rows for p in sample.parts]
        for mine, theirs in zip(targets, sample.parts):
            assert pq.read_table(mine).equals(pq.read_table(theirs))
        assert_like_in_memory(sample, on_dask(sample, procs, tmp_path / "steps", 3))


# ---------------------------------------------------------------- the global steps' tasks on Dask

@pytest.mark.parametrize("partitions", [1, 4])
def test_global_steps_on_dask_equal_the_in_memory_rules(sample, client, tmp_path, partitions):
    assert_like_in_memory(sample, on_dask(sample, client, tmp_path, partitions))


def test_global_steps_on_the_threaded_scheduler(sample, tmp_path):
    assert_like_in_memory(sample, on_dask(sample, None, tmp_path, 3))


@pytest.mark.slow  # two files of the bench crawl prepared (~7 s idle); quick: the same steps on the sample crawl
def test_global_steps_on_dask_on_the_bench(bench, client, tmp_path):
    assert_like_in_memory(bench, on_dask(bench, client, tmp_path, 3))


def test_map_parts_reports_progress_and_ships_shared_arguments_once(client):
    shared = list(range(1000))
    done = []
    got = map_parts(client, len, [(shared,) for _ in range(5)], lambda d, t: done.append((d, t)))
    assert got == [1000] * 5 and done[-1] == (5, 5) and len(done) == 5


# ---------------------------------------------------------------- connected components

def graphs() -> dict[str, tuple[int, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(7)
    chain = np.arange(199)
    return {
        "empty": (5, np.empty(0, np.int64), np.empty(0, np.int64)),
        "no nodes": (0, np.empty(0, np.int64), np.empty(0, np.int64)),
        "self loops only": (4, np.array([0, 2]), np.array([0, 2])),
        "chain, reversed": (200, chain[::-1] + 1, chain[::-1]),
        "star on the largest node": (50, np.full(40, 49), np.arange(40)),
        "two stars and singletons": (30, np.array([3, 3, 3, 20, 20, 7]), np.array([9, 1, 5, 25, 29, 7])),
        "random sparse": (300, rng.integers(0, 300, 200), rng.integers(0, 300, 200)),
        "random dense with duplicates": (60, rng.integers(0, 60, 400), rng.integers(0, 60, 400)),
    }


@pytest.mark.parametrize("name", list(graphs()))
def test_components_equal_embedded(name, client):
    n, src, dst = graphs()[name]
    want = connected_components(n, src, dst)
    for method in ("gather", "star"):
        got = components_dask(n, src, dst, client, method=method, partitions=2)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_components_auto_switches_on_the_edge_count(client):
    n, src, dst = graphs()["random sparse"]
    want = connected_components(n, src, dst)
    np.testing.assert_array_equal(components_dask(n, src, dst, client, gather_limit_edges=10, partitions=2), want)
    np.testing.assert_array_equal(components_dask(n, src, dst, None), want)
    with pytest.raises(ValueError):
        components_dask(n, src, dst, client, method="bfs")


def _drop_first_holder(monkeypatch, engine) -> list:
    """Make the star rounds' first scatter lose a worker: the scheduler removes the worker holding the first
    edge chunk, as it removes one that missed its heartbeats on a loaded machine. Returns the scatters made."""
    real_share, shares = engine._share, []

    async def remove(dask_scheduler, address):
        await dask_scheduler.remove_worker(address, stimulus_id="test-worker-lost", close=True)

    def share(client, data, broadcast=False):
        futures = real_share(client, data, broadcast)
        shares.append(futures)
        if len(shares) == 1:
            (holder, *_) = client.who_has(futures[:1])[futures[0].key]
            client.run_on_scheduler(remove, address=holder)
        return futures

    monkeypatch.setattr(engine, "_share", share)
    return shares


def test_star_rounds_start_again_when_a_worker_is_lost(monkeypatch):
    # seen under load: a worker dropped mid-rounds took scattered edges with it, and the next graph was
    # cancelled ("lost dependencies"); the rounds now start again from the edges this process holds
    from dedup.engine import dask_engine
    from dedup.errors import WorkerLost

    n, src, dst = graphs()["random sparse"]
    want = connected_components(n, src, dst)
    with open_client(workers=2, processes=False) as c:
        shares = _drop_first_holder(monkeypatch, dask_engine)
        np.testing.assert_array_equal(components_dask(n, src, dst, c, method="star", partitions=2), want)
        assert len(shares) == 4  # (lo, hi) twice: the first attempt lost its data
        assert len(c.scheduler_info()["workers"]) == 1
    monkeypatch.setattr(dask_engine, "STAR_ATTEMPTS", 1)
    with open_client(workers=2, processes=False) as c:
        _drop_first_holder(monkeypatch, dask_engine)
        with pytest.raises(WorkerLost, match=r"lost its data on the Dask cluster \(attempt 1 of 1"):
            components_dask(n, src, dst, c, method="star", partitions=2)


def test_star_rounds_grow_slowly():
    chain = np.arange(1023)
    labels, rounds = star_components(1024, chain, chain + 1, None, 2)
    assert (labels == 0).all()
    assert rounds <= 12  # Kiveris et al.: O(log² n) rounds, about log n in practice


@quick_and_full(7, 20)
def test_components_property(examples):
    @settings(max_examples=examples, deadline=None)
    @given(st.integers(1, 40).flatmap(lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n),
        st.integers(1, 4))))
    def check(case):
        n, edges, partitions = case
        src = np.array([a for a, _ in edges], dtype=np.int64)
        dst = np.array([b for _, b in edges], dtype=np.int64)
        got = components_dask(n, src, dst, None, method="star", partitions=partitions)
        np.testing.assert_array_equal(got, connected_components(n, src, dst))
    check()
