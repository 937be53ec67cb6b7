"""dedup.engine.dask_engine: the Dask implementations of the cross-shard steps equal the embedded ones, exactly.

- the cluster listens on 127.0.0.1 only; "threads" runs without one;
- map_files runs the real per-file extract (two worker processes), results in input order;
- site chrome and LSH candidates on real data: the sample crawl (and two files of the bench crawl when
  ../shared is present) extracted, signed and clustered into preliminary stories by the build's own functions;
- connected components, gathered and by large-star / small-star, on hand-made and random graphs;
- the partition count and the scheduler never change a result.

Most tests share one in-process cluster (2 workers, fast to start); one test starts 2 worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from conftest import shared_path
from dedup.config import BuildConfig
from dedup.engine.dask_engine import (_star_components, candidate_edges_dask, components_dask, map_files,
                                      open_client, site_chrome_dask)
from dedup.engine.steps import serial_map
from dedup.ingest import ingest_file as extract_file
from dedup.ingest import key_table
from dedup.neardup.cluster import connected_components, near_dup_labels
from dedup.neardup.lsh import VerifyParams, candidate_edges, lsh_keys
from dedup.neardup.sign import hasher_params, sign_documents
from dedup.sources.read import expand_inputs
from dedup.text.blocks import count_site_chrome

# dedup.engine.dask_engine imports dask inside its functions: the module loads without it, the tests need it
pytest.importorskip("dask.dataframe", reason="the Dask engine needs dask[dataframe] (pip install dedup[dask])")
pytest.importorskip("distributed", reason="the Dask engine needs dask[distributed] (pip install dedup[dask])")

REPO = Path(__file__).resolve().parents[1]
MAX_PAYLOAD = 50 * 2 ** 20


@pytest.fixture(scope="module")
def client():
    with open_client(workers=2, processes=False) as c:
        yield c


# ---------------------------------------------------------------- real data, prepared as the build does

@dataclass
class Crawl:
    parts: list[Path]
    stories: pl.DataFrame  # doc_id, doc, story (preliminary near-duplicate clusters)
    keys: np.ndarray  # (n, bands) LSH band keys of the within-page text
    config: BuildConfig


def extract_parts(paths: list[Path], work: Path) -> list[Path]:
    files = [f for p in paths for f in expand_inputs([str(p)])]
    work.mkdir(parents=True, exist_ok=True)
    targets = [work / f"part-{i:05d}.parquet" for i in range(len(files))]
    for inp, target in zip(files, targets):
        extract_file(inp, target, MAX_PAYLOAD)
    return targets


def prepare(parts: list[Path]) -> Crawl:
    """Pass 1 of the build (stage `stories`): the within-page text of every kept doc signed by sorted
    doc_id, LSH, verified with the strict story thresholds; components = stories."""
    config = BuildConfig()
    good = key_table(parts).filter(pl.col("reject_reason").is_null()).sort("doc_id")
    signed = sign_documents(parts, good, hasher_params(config), {}, serial_map)
    story, _ = near_dup_labels(signed.sigs, signed.sizes, config.bands, config.rows, config.hot_bucket_cap,
                               VerifyParams.for_stories(config))
    n = len(signed.doc_ids)
    stories = pl.DataFrame({"doc_id": signed.doc_ids, "doc": np.arange(n, dtype=np.int32), "story": story},
                           schema={"doc_id": pl.String, "doc": pl.Int32, "story": pl.Int64})
    return Crawl(parts, stories, lsh_keys(signed.sigs, config.bands, config.rows), config)


def embedded_chrome(crawl: Crawl, min_stories: int) -> pl.DataFrame:
    """The embedded engine's site chrome (stage `site_chrome`)."""
    return count_site_chrome(crawl.parts, crawl.stories, min_stories)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Crawl:
    return prepare(extract_parts([REPO / "samples" / "crawl"], tmp_path_factory.mktemp("sample") / "docs"))


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Crawl:
    crawl = shared_path("bench", "syndication-dev", "crawl")
    files = sorted(crawl.glob("*.warc.gz"))[:2]  # two of five files: the whole crawl takes too long here
    return prepare(extract_parts(files, tmp_path_factory.mktemp("bench") / "docs"))


def assert_same_candidates(got, want) -> None:
    (src, dst, stats), (src0, dst0, stats0) = got, want
    assert src.dtype == src0.dtype and dst.dtype == dst0.dtype
    np.testing.assert_array_equal(src, src0)
    np.testing.assert_array_equal(dst, dst0)
    assert stats == stats0


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


def test_worker_processes_extract_and_shuffle(sample, tmp_path):
    """Two worker processes: the real extract_file pickled to them, then both shuffles, over TCP."""
    files = expand_inputs([str(REPO / "samples" / "crawl")])
    targets = [tmp_path / f"part-{i:05d}.parquet" for i in range(len(files))]
    with open_client(workers=2, processes=True) as procs:
        assert len(procs.scheduler_info()["workers"]) == 2
        results = map_files(procs, extract_file, [(f, t, MAX_PAYLOAD) for f, t in zip(files, targets)], star=True)
        assert [r["rows"] for r in results] == [pq.read_metadata(p).num_rows for p in sample.parts]
        for mine, theirs in zip(targets, sample.parts):
            assert pq.read_table(mine).equals(pq.read_table(theirs))
        assert_frame_equal(site_chrome_dask(targets, sample.stories, 4, procs, partitions=3),
                           embedded_chrome(sample, 4))
        assert_same_candidates(candidate_edges_dask(sample.keys, 1000, procs, partitions=3),
                               candidate_edges(sample.keys, 1000))
        src, dst, _ = candidate_edges(sample.keys, 1000)
        np.testing.assert_array_equal(components_dask(len(sample.keys), src, dst, procs, method="star",
                                                      partitions=3),
                                      connected_components(len(sample.keys), src, dst))


# ---------------------------------------------------------------- site chrome

@pytest.mark.parametrize("min_stories", [1, 4])
def test_site_chrome_equals_embedded_on_sample(sample, client, min_stories):
    want = embedded_chrome(sample, min_stories)
    assert want.height > 0  # the sample crawl has site chrome: the comparison is not vacuous
    for c, partitions in ((client, None), (client, 5), (None, 1)):
        got = site_chrome_dask(sample.parts, sample.stories, min_stories, c, partitions=partitions)
        assert_frame_equal(got, want)
        assert got.schema == pl.Schema({"domain": pl.String, "block_key": pl.Int64, "pages": pl.UInt32,
                                        "stories": pl.UInt32})


def test_site_chrome_edge_cases(sample, client):
    empty = site_chrome_dask([], sample.stories, 4, client)
    assert empty.height == 0 and empty.columns == ["domain", "block_key", "pages", "stories"]
    none_signed = site_chrome_dask(sample.parts, sample.stories.clear(), 1, client)
    assert_frame_equal(none_signed, site_chrome_dask([], sample.stories, 1, client))


def test_site_chrome_equals_embedded_on_bench(bench, client):
    want = embedded_chrome(bench, bench.config.site_min_stories)
    assert want.height > 0
    assert_frame_equal(site_chrome_dask(bench.parts, bench.stories, bench.config.site_min_stories, client), want)


# ---------------------------------------------------------------- LSH candidates

@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_candidate_edges_equal_embedded_on_sample(sample, client, partitions):
    for cap in (1000, 3):  # a cap of 3 makes many hot buckets: their order is checked too
        want = candidate_edges(sample.keys, cap)
        assert want[2].edges > 0
        assert_same_candidates(candidate_edges_dask(sample.keys, cap, client, partitions=partitions), want)
    assert len(candidate_edges(sample.keys, 3)[2].hot_buckets) > 10


def test_candidate_edges_equal_embedded_on_bench(bench, client):
    cap = bench.config.hot_bucket_cap
    assert_same_candidates(candidate_edges_dask(bench.keys, cap, client), candidate_edges(bench.keys, cap))


def test_candidate_edges_degenerate(client):
    for keys in (np.empty((0, 4), np.uint64), np.ones((1, 4), np.uint64), np.arange(20, dtype=np.uint64)[:, None],
                 np.zeros((6, 3), np.uint64)):
        assert_same_candidates(candidate_edges_dask(keys, 2, client, partitions=2), candidate_edges(keys, 2))
    # a cap below 2 counts single docs as hot, but only in bands that have a bucket of 2+
    keys = np.array([[1, 5], [1, 6], [2, 7]], dtype=np.uint64)
    assert_same_candidates(candidate_edges_dask(keys, 0, client, partitions=2), candidate_edges(keys, 0))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=n, max_size=n),
    st.integers(1, 5), st.integers(1, 6))))
def test_candidate_edges_property(case):
    rows, cap, partitions = case
    # few distinct values: large buckets; huge values exercise the full uint64 range
    keys = (np.asarray(rows, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    assert_same_candidates(candidate_edges_dask(keys, cap, None, partitions=partitions), candidate_edges(keys, cap))


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


def test_star_rounds_grow_slowly():
    chain = np.arange(1023)
    labels, rounds = _star_components(1024, chain, chain + 1, None, 2)
    assert (labels == 0).all()
    assert rounds <= 12  # Kiveris et al.: O(log² n) rounds, about log n in practice


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n),
    st.integers(1, 4))))
def test_components_property(case):
    n, edges, partitions = case
    src = np.array([a for a, _ in edges], dtype=np.int64)
    dst = np.array([b for _, b in edges], dtype=np.int64)
    got = components_dask(n, src, dst, None, method="star", partitions=partitions)
    np.testing.assert_array_equal(got, connected_components(n, src, dst))
