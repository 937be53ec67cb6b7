"""The global steps out of core equal the in-memory rules, whatever the partitioning.

- keys: the global index is the rank by doc_id of the documents the old keys table kept, with repeated
  ids rejected the same way, for one bucket or many;
- the signature store returns the rows `sign_documents` computes in memory;
- near-duplicates: `ondisk.near_dup_components` gives the labels and figures of `near_dup_labels`
  for any band grouping and edge partitioning, on real crawls and on synthetic signatures (hypothesis);
- site chrome counted bucket by bucket equals the count over the whole occurrence table;
- a whole build with a tiny memory budget (every step in many partitions) writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from conftest import parquet_hashes, quick_and_full
from dedup import spill
from dedup.config import BuildConfig
from dedup.errors import ConfigError
from dedup.keys import read_keys
from dedup.memory import (TASK_PEAKS_ENV, YOUNG_OBJECTS, Budget, RssSampler, collect_less, freeze_loaded, parse_size,
                          release, released, task_peaks, tree_rss)
from dedup.neardup.cluster import connected_components, near_dup_labels
from dedup.neardup.lsh import (COMPOSITE_MAX_NEIGHBOURS, UNRELATED_CONTAINMENT, VerifyParams, candidate_edges,
                               drop_composite_edges, estimate, lsh_keys, verify)
from dedup.neardup.ondisk import edge_bounds, gather_unique_edges, merge_sorted_unique, near_dup_components
from dedup.neardup.sign import hasher_params, sign_documents, write_signed_part
from dedup.neardup.store import SignatureStore, assemble_block, n_blocks, write_meta
from dedup.pipeline import build
from dedup.sitechrome import count_bucket, scatter_occurrences
from dedup.text.blocks import count_site_chrome
from on_disk import Prepared, index, sign_store, stories_frame

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "crawl"
CONFIG = BuildConfig()


class Crawl:
    """A crawl extracted and indexed, with its in-memory reference signatures (pass 1: shared by the
    session, read-only) and its own signature store."""

    def __init__(self, prepared: Prepared, folder: Path) -> None:
        self.folder = folder
        self.parts, self.keys, self.n = prepared.parts, prepared.keys, prepared.n
        self.good, self.signed = prepared.good, prepared.signed
        self.store = sign_store(self.parts, self.keys, self.n, folder / "sig1", CONFIG, {}, False, block_rows=97)


@pytest.fixture(scope="module")
def sample(sample_prepared, tmp_path_factory) -> Crawl:
    return Crawl(sample_prepared, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def bench(bench_prepared, tmp_path_factory) -> Crawl:
    return Crawl(bench_prepared, tmp_path_factory.mktemp("bench"))


# two files of the bench crawl are prepared for the slow set only (~7 s idle); the quick set runs the same
# checks on the sample crawl
@pytest.fixture(params=["sample", pytest.param("bench", marks=pytest.mark.slow)])
def crawl(request) -> Crawl:
    """Real pages: the sample crawl, and (slow set) two files of the bench crawl."""
    return request.getfixturevalue(request.param)


def index_of(crawl: Crawl) -> pl.DataFrame:
    """(source_file, source_offset) -> doc_id, reject fields and index, from the keys files."""
    frames = []
    for part, keys in zip(crawl.parts, crawl.keys):
        pos = pl.read_parquet(part, columns=["source_file", "source_offset"])
        frames.append(pl.concat([pos, read_keys(keys)], how="horizontal"))
    return pl.concat(frames)


# ---------------------------------------------------------------- keys

@pytest.mark.parametrize("buckets", [1, 2, 7])
def test_the_index_is_the_rank_by_doc_id_of_the_kept_documents(sample, tmp_path, buckets):
    keys, n = index(sample.parts, tmp_path / "keys", buckets=buckets)
    got = pl.concat([pl.concat([pl.read_parquet(p, columns=["source_file", "source_offset"]), read_keys(k)],
                               how="horizontal") for p, k in zip(sample.parts, keys)])
    assert n == sample.good.height == len(sample.signed.doc_ids)
    want = sample.good.with_row_index("rank").select("source_file", "source_offset", pl.col("rank").cast(pl.Int64))
    ranked = got.join(want, on=["source_file", "source_offset"], how="left")
    assert (ranked["doc"] == ranked["rank"].fill_null(-1)).all()
    old = pl.concat([pl.read_parquet(p, columns=["source_file", "source_offset"]) for p in sample.parts]).join(
        sample.good.select("source_file", "source_offset", "doc_id"), on=["source_file", "source_offset"], how="left")
    assert got.filter(pl.col("doc") >= 0)["doc_id"].sort().to_list() == old["doc_id"].drop_nulls().sort().to_list()


def test_a_record_read_twice_is_rejected_in_its_later_place_whatever_the_buckets(sample, tmp_path):
    from dedup.ingest import key_table

    parts = sample.parts + [tmp_path / "copy.parquet"]
    parts[-1].write_bytes(sample.parts[0].read_bytes())  # every record of part 0 a second time
    want = key_table(parts).select("source_file", "source_offset", "doc_id", "reject_reason", "reject_detail")
    for buckets in (1, 5):
        keys, n = index(parts, tmp_path / f"keys-{buckets}", buckets=buckets)
        got = pl.concat([pl.concat([pl.read_parquet(p, columns=["source_file", "source_offset"]), read_keys(k)],
                                   how="horizontal") for p, k in zip(parts, keys)])
        # the copy has the same (file, offset) as part 0: compare in file order, where key_table sorts
        assert sorted(got.drop("doc").rows(), key=str) == sorted(want.rows(), key=str)
        assert n == sample.good.height
        assert (got.filter(pl.col("reject_reason") == "repeated_doc_id")["doc"] == -1).all()


# ---------------------------------------------------------------- the store

def test_the_store_holds_the_signatures_in_doc_order(sample):
    store = SignatureStore(sample.store)
    try:
        assert store.shape == sample.signed.sigs.shape
        np.testing.assert_array_equal(store[np.arange(sample.n)], sample.signed.sigs)
        rng = np.random.default_rng(1)
        idx = rng.integers(0, sample.n, 500)
        np.testing.assert_array_equal(store[idx], sample.signed.sigs[idx])  # any order, repeats
        np.testing.assert_array_equal(store[3], sample.signed.sigs[3])
        np.testing.assert_array_equal(store.sizes(), sample.signed.sizes)
        # a task's rows only, as the whole-store arrays give them (verification reads no more)
        for _ in range(2):
            np.testing.assert_array_equal(store.sizes_of(idx), sample.signed.sizes[idx])
            np.testing.assert_array_equal(store.status_of(idx), store.status()[idx])
            np.testing.assert_array_equal(store.sites_of(idx), store.sites()[idx])
            store.release()
        assert store.sizes_of(np.empty(0, np.int64)).shape == (0,)
        np.testing.assert_array_equal(store[idx[::-1]], sample.signed.sigs[idx[::-1]])  # read again after release
        with pytest.raises(IndexError):
            store[np.array([sample.n])]
    finally:
        store.close()


# ---------------------------------------------------------------- near-duplicates

def ondisk(crawl: Crawl, folder: Path, params: VerifyParams, bands_per_group: int, partitions: int,
           run_map=None, key_ranges: int = 1, hot_cap: int = CONFIG.hot_bucket_cap) -> tuple[np.ndarray, dict]:
    band_files = sorted(crawl.store.glob("bands-*.arrow"))
    return near_dup_components(run_map or (lambda f, items, done=None: [f(*i) for i in items]), band_files,
                               crawl.n, CONFIG.bands, hot_cap, params, crawl.store, folder,
                               bands_per_group=bands_per_group, edge_partitions=partitions,
                               components=connected_components, key_ranges=key_ranges)


@pytest.mark.parametrize("bands_per_group,partitions,key_ranges", [(64, 1, 1), (7, 3, 4), (1, 11, 2)])
def test_near_duplicates_on_disk_equal_the_in_memory_rule(sample, tmp_path, bands_per_group, partitions, key_ranges):
    for params in (VerifyParams.for_stories(CONFIG), VerifyParams.for_clusters(CONFIG)):
        want = near_dup_labels(sample.signed.sigs, sample.signed.sizes, CONFIG.bands, CONFIG.rows,
                               CONFIG.hot_bucket_cap, params)
        got = ondisk(sample, tmp_path / f"{params.jaccard}", params, bands_per_group, partitions,
                     key_ranges=key_ranges)
        np.testing.assert_array_equal(got[0], want[0])
        assert got[1] == want[1]
    assert want[1]["verified_edges"] > 0 and want[1]["candidate_edges"] > want[1]["verified_edges"]


def test_passage_rule_on_disk_equals_the_in_memory_rule(crawl, tmp_path):
    """The final pass (text hashes, passages, server-page flags): the store's passages give the labels and
    figures the in-memory passages give."""
    run = lambda f, items: [f(*i) for i in items]  # noqa: E731
    signed = sign_documents(crawl.parts, crawl.good, hasher_params(CONFIG), {}, run, with_hashes=True)
    store = sign_store(crawl.parts, crawl.keys, crawl.n, tmp_path / "sig2", CONFIG, {}, True, block_rows=97)
    assert sum(p.total_words > 0 for p in signed.passages) > 0.9 * len(signed.passages)
    on_disk = SignatureStore(store)
    try:
        assert [p.keys.tolist() for p in on_disk.passages(np.arange(crawl.n))] == \
            [p.keys.tolist() for p in signed.passages]
        np.testing.assert_array_equal(on_disk.status(), signed.status)
        np.testing.assert_array_equal(on_disk.sites(), signed.sites)
    finally:
        on_disk.close()
    params = VerifyParams.for_clusters(CONFIG)
    want = near_dup_labels(signed.sigs, signed.sizes, CONFIG.bands, CONFIG.rows, CONFIG.hot_bucket_cap, params,
                           passages=signed.passages, status=signed.status, sites=signed.sites)
    got = near_dup_components(run, sorted(store.glob("bands-*.arrow")), crawl.n, CONFIG.bands, CONFIG.hot_bucket_cap,
                              params, store, tmp_path / "edges", bands_per_group=5, edge_partitions=4,
                              components=connected_components)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1] == want[1]


@pytest.mark.slow  # the bench's two files; quick: test_near_duplicates_on_disk_equal_the_in_memory_rule (sample)
def test_near_duplicates_on_disk_equal_the_in_memory_rule_on_the_bench(bench, tmp_path):
    params = VerifyParams.for_clusters(CONFIG)
    want = near_dup_labels(bench.signed.sigs, bench.signed.sizes, CONFIG.bands, CONFIG.rows, CONFIG.hot_bucket_cap,
                           params)
    got = ondisk(bench, tmp_path, params, 5, 4)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1] == want[1] and want[1]["composite_pages"] >= 0


def planted(n_stories: int, copies: list[int], noise: list[float], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic signatures: stories of random MinHash values, copies keeping each value with
    probability 1 - noise, and a few identical short pages (a hot bucket)."""
    rng = np.random.default_rng(seed)
    rows, sizes = [], []
    for s in range(n_stories):
        base = rng.integers(0, 2 ** 32, 128, dtype=np.uint64).astype(np.uint32)
        for c in range(copies[s % len(copies)]):
            keep = rng.random(128) >= noise[(s + c) % len(noise)]
            rows.append(np.where(keep, base, rng.integers(0, 2 ** 32, 128, dtype=np.uint64).astype(np.uint32)))
            sizes.append(int(rng.integers(0, 400)))
    return np.asarray(rows, dtype=np.uint32), np.asarray(sizes, dtype=np.int64)


@quick_and_full(5, 15)
def test_near_duplicates_on_disk_property(tmp_path_factory, examples):
    @settings(max_examples=examples, deadline=None)
    @given(st.integers(1, 25), st.lists(st.integers(1, 6), min_size=1, max_size=4),
           st.lists(st.floats(0.0, 0.9), min_size=1, max_size=4), st.integers(0, 2 ** 16),
           st.integers(1, 64), st.integers(1, 6), st.integers(1, 5), st.integers(1, 40), st.integers(1, 5))
    def check(n_stories, copies, noise, seed, group, partitions, cap, guard_batch, key_ranges):
        sigs, sizes = planted(n_stories, copies, noise, seed)
        n = len(sigs)
        folder = tmp_path_factory.mktemp("planted")
        block_rows = max(1, n // 3)
        write_meta(folder, n, 128, block_rows)
        order = np.random.default_rng(seed).permutation(n)  # tasks see the documents in any order
        halves = np.array_split(order, 2)
        for i, docs in enumerate(halves):
            write_signed_part(docs, sigs[docs], sizes[docs], [None] * len(docs), block_rows, CONFIG.bands, CONFIG.rows,
                              folder / f"part-{i}.arrow", folder / f"bands-{i}.arrow")
        for b in range(n_blocks(n, block_rows)):
            assemble_block(folder, b, sorted(folder.glob("part-*.arrow")))
        params = VerifyParams.for_clusters(CONFIG)
        want = near_dup_labels(sigs, sizes, CONFIG.bands, CONFIG.rows, cap, params)
        got = near_dup_components(lambda f, items, done=None: [f(*i) for i in items],
                                  sorted(folder.glob("bands-*.arrow")), n, CONFIG.bands, cap, params, folder,
                                  folder / "edges", bands_per_group=group, edge_partitions=partitions,
                                  components=connected_components, guard_batch_edges=guard_batch, key_ranges=key_ranges)
        np.testing.assert_array_equal(got[0], want[0])
        assert got[1] == want[1]
    check()


def guard_reference(sigs: np.ndarray, sizes: np.ndarray, src: np.ndarray, dst: np.ndarray, jac: np.ndarray,
                    ok: np.ndarray, params: VerifyParams) -> tuple[np.ndarray, int]:
    """The chain guard hub by hub in Python (what `drop_composite_edges` did before its compiled loop)."""
    idx = np.flatnonzero(ok)
    small_is_src = sizes[src[idx]] <= sizes[dst[idx]]
    larger, smaller = np.where(small_is_src, dst[idx], src[idx]), np.where(small_is_src, src[idx], dst[idx])
    keep, found = ok.copy(), 0
    for hub, other in ((larger, smaller), (smaller, larger)):
        for h in np.unique(hub):
            edges = idx[hub == h]
            weak = edges[jac[edges] < params.jaccard]
            nodes = other[hub == h][:COMPOSITE_MAX_NEIGHBOURS]
            if len(edges) < 2 or not len(weak):
                continue
            a, b = np.triu_indices(len(nodes), k=1)
            if (estimate(sigs, sizes, nodes[a], nodes[b])[1] < UNRELATED_CONTAINMENT).any():
                keep[weak] = False
                found += 1
    return keep, found


def guard_inputs(sigs: np.ndarray, sizes: np.ndarray) -> tuple:
    src, dst, _ = candidate_edges(lsh_keys(sigs, CONFIG.bands, CONFIG.rows))
    params = VerifyParams.for_clusters(CONFIG)
    jac, contain = estimate(sigs, sizes, src, dst)
    return src, dst, jac, verify(jac, contain, sizes, src, dst, params), params


def test_the_compiled_chain_guard_equals_the_hub_by_hub_rule(crawl):
    # real pages (the sample crawl; two files of the syndication crawl in the slow set), then planted
    # round-ups: each holds two whole unrelated stories, so it contains both (containment-only edges) and
    # must be found as a hub
    src, dst, jac, ok, params = guard_inputs(crawl.signed.sigs, crawl.signed.sizes)
    got = drop_composite_edges(crawl.signed.sigs, crawl.signed.sizes, src, dst, jac, ok, params)
    want = guard_reference(crawl.signed.sigs, crawl.signed.sizes, src, dst, jac, ok, params)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1] == want[1]
    sigs, sizes = planted(30, [3, 1, 5], [0.0, 0.2, 0.4], seed=7)
    sizes = np.maximum(sizes, 100)
    rng = np.random.default_rng(7)
    roundups = []
    for a, b in rng.integers(0, len(sigs), (12, 2)):
        roundups.append(np.where(rng.random(128) < sizes[a] / (sizes[a] + sizes[b]), sigs[a], sigs[b]))
        sizes = np.r_[sizes, sizes[a] + sizes[b]]
    sigs = np.vstack([sigs, np.asarray(roundups, dtype=np.uint32)])
    src, dst, jac, ok, params = guard_inputs(sigs, sizes)
    got = drop_composite_edges(sigs, sizes, src, dst, jac, ok, params)
    want = guard_reference(sigs, sizes, src, dst, jac, ok, params)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1] == want[1] > 0 and (ok & ~got[0]).any()


# ---------------------------------------------------------------- site chrome

@pytest.mark.parametrize("buckets", [1, 3, 8])
def test_site_chrome_by_bucket_equals_the_whole_count(sample, tmp_path, buckets):
    story, _ = near_dup_labels(sample.signed.sigs, sample.signed.sizes, CONFIG.bands, CONFIG.rows,
                               CONFIG.hot_bucket_cap, VerifyParams.for_stories(CONFIG))
    np.save(tmp_path / "stories.npy", story)
    stories = stories_frame(sample.keys, story)

    def counted(n: int, min_stories: int) -> pl.DataFrame:
        folder = tmp_path / f"b{n}"
        folder.mkdir(exist_ok=True)
        scattered = [folder / f"occ-{i}.arrow" for i in range(len(sample.parts))]
        short = [folder / f"short-{i}.arrow" for i in range(len(sample.parts))]
        for p, k, f, g in zip(sample.parts, sample.keys, scattered, short):
            scatter_occurrences(p, k, tmp_path / "stories.npy", n, f, g)
        return pl.concat([count_bucket(scattered, short, b, min_stories) for b in range(n)]).sort("domain", "block_key")

    for min_stories in (1, 4):
        want = count_site_chrome(sample.parts, stories, min_stories)
        assert want.height > 0  # the sample crawl has site chrome: the comparison is not vacuous
        got = counted(buckets, min_stories)
        assert_frame_equal(got.filter(pl.col("domain") != "*"), want)
        # cross-story chrome (domain '*') does not depend on how the short blocks were bucketed
        assert_frame_equal(got.filter(pl.col("domain") == "*"),
                           counted(1, min_stories).filter(pl.col("domain") == "*"))


# ---------------------------------------------------------------- files, budget

def test_grouped_files_give_each_group_its_rows_in_order(tmp_path):
    import pyarrow as pa

    table = pa.table({"x": list(range(10)), "s": [str(i) for i in range(10)]})
    group = np.array([3, 1, 3, 0, 1, 3, 3, 0, 1, 1])
    assert spill.write_grouped(table, group, tmp_path / "a.arrow") == {0: 2, 1: 4, 3: 4}
    assert spill.read_group(tmp_path / "a.arrow", 3).column("x").to_pylist() == [0, 2, 5, 6]
    assert spill.read_group(tmp_path / "a.arrow", 2).num_rows == 0
    assert spill.read_group(tmp_path / "a.arrow", 2).schema == table.schema
    spill.write_grouped(table.slice(0, 0), np.empty(0, np.int64), tmp_path / "b.arrow")
    both = spill.gather([tmp_path / "a.arrow", tmp_path / "b.arrow", tmp_path / "a.arrow"], 1)
    assert both.column("x").to_pylist() == [1, 4, 8, 9] * 2
    assert spill.read_all(tmp_path / "a.arrow").num_rows == 10
    # cut into batches of at most 3 rows: the same groups, and the batches one at a time in file order
    for rows in (1, 3, 4, 100):
        assert spill.write_grouped(table, group, tmp_path / "c.arrow", batch_rows=rows) == {0: 2, 1: 4, 3: 4}
        assert spill.read_group(tmp_path / "c.arrow", 3).column("x").to_pylist() == [0, 2, 5, 6]
        batches = list(spill.iter_batches(tmp_path / "c.arrow"))
        assert max(b.num_rows for b in batches) == min(rows, 4)
        assert [x for b in batches for x in b.column("x").to_pylist()] == [3, 7, 1, 4, 8, 9, 0, 2, 5, 6]
    assert list(spill.iter_batches(tmp_path / "b.arrow")) == []


def test_memory_budget():
    assert parse_size("4G") == 4 * 2 ** 30 and parse_size("512MiB") == 512 * 2 ** 20
    assert parse_size("1.5g") == int(1.5 * 2 ** 30)
    for bad in ("lots", "12 parsecs", "1M"):  # 1M: below the floor
        with pytest.raises(ConfigError):
            parse_size(bad)
    b = Budget(3 * 2 ** 30, 3)
    assert b.partitions(10, 100) == 1
    assert b.partitions(10_000_000, 2048) == -(-10_000_000 // b.rows(2048))
    assert Budget.of(None, 2).total > 0 and Budget.of("1G", 1).processes == 1
    own, total = tree_rss()
    assert 0 < own <= total


def test_the_sampler_sees_a_stage_grow_and_release_gives_memory_back():
    if not Path("/proc/self/statm").exists():
        pytest.skip("needs /proc (Linux)")
    with RssSampler(interval=0.01) as sampler:
        sampler.stage("small")
        sampler.stage("large")
        block = np.ones(64 * 2 ** 20, dtype=np.uint8)  # 64 MiB, touched
        sampler.sample()
        del block
        release()
        sampler.stage("after")
        peaks = sampler.report()
    assert peaks["large"]["main"] >= peaks["small"]["main"] + 60
    assert peaks["large"]["tree"] >= peaks["large"]["main"]
    assert peaks["after"]["main"] < peaks["large"]["main"] - 40


def test_a_build_process_collects_young_objects_less_often_and_keeps_a_higher_setting():
    import gc
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's default
        freeze_loaded()  # where a build's process starts its first task
        assert gc.get_threshold() == (YOUNG_OBJECTS, 10, 10)
        gc.set_threshold(700, 7, 9)
        collect_less()  # the older generations' settings kept
        assert gc.get_threshold() == (YOUNG_OBJECTS, 7, 9)
        gc.set_threshold(4 * YOUNG_OBJECTS, 10, 10)
        collect_less()
        assert gc.get_threshold() == (4 * YOUNG_OBJECTS, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_each_task_records_its_own_peak_even_between_samples(tmp_path, monkeypatch):
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs /proc/self/clear_refs (Linux)")

    def large() -> int:
        block = np.ones(96 * 2 ** 20, dtype=np.uint8)  # 96 MiB, touched and freed within the task
        return int(block[-1])

    def small() -> int:
        return 1
    monkeypatch.setenv(TASK_PEAKS_ENV, str(tmp_path / "peaks"))
    assert released(large) == 1 and released(small) == 1 and released(small) == 1
    peaks = task_peaks(tmp_path / "peaks")
    assert set(peaks) == {"large", "small"} and peaks["small"]["tasks"] == 2
    # the peak was reset as `small` started: the 96 MiB `large` held is not counted again
    assert peaks["large"]["largest"] >= peaks["small"]["largest"] + 80


@pytest.mark.slow
def test_a_tiny_budget_writes_the_same_bytes(tmp_path, sample_build):
    """Every global step in many partitions (keys buckets, blocks, band groups, edge and cluster
    partitions, chrome buckets) against one partition each (`sample_build`, the default budget): the
    same files."""
    report = build([str(SAMPLE)], tmp_path / "tiny", BuildConfig(), workers=1, memory=20_000)
    assert parquet_hashes(tmp_path / "tiny") == parquet_hashes(sample_build)
    layout = report.timings_s["partitions"]
    assert set(layout) == {"keys_buckets", "store_blocks", "band_groups", "key_ranges", "edge_partitions",
                           "chrome_buckets", "cluster_partitions"}
    assert min(layout.values()) > 1, layout


def test_an_edge_partition_is_gathered_sorted_and_unique(tmp_path: Path) -> None:
    # a pair in many band files (a close copy is a candidate in most bands) comes out once
    rng = np.random.default_rng(7)
    files, rows = [], []
    for f in range(9):
        edges = np.sort(rng.integers(0, 500, size=200))
        if f != 4:  # each band task's file is sorted-unique; a file that is not is still read right
            edges = edges[np.r_[True, edges[1:] != edges[:-1]]]
        else:
            edges = edges[::-1].copy()
        group = (edges >= 250).astype(np.int64)
        path = tmp_path / f"edges-{f}.arrow"
        spill.write_grouped(pa.table({"edge": pa.array(edges, pa.int64())}), group, path)
        files.append(path)
        rows.append(edges[group == 1])
    got = gather_unique_edges(files, 1)
    assert got.dtype == np.int64 and np.array_equal(got, np.unique(np.concatenate(rows)))
    assert len(gather_unique_edges(files, 5)) == 0  # a partition no file holds


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 60), max_size=40), st.lists(st.integers(-5, 60), max_size=40))
def test_merging_sorted_unique_arrays_is_their_union(a: list[int], b: list[int]) -> None:
    kept, rows = np.unique(np.array(a, np.int64)), np.unique(np.array(b, np.int64))
    got = merge_sorted_unique(kept, rows)
    assert got.dtype == np.int64 and np.array_equal(got, np.union1d(kept, rows))


def test_edge_bounds_give_random_pairs_about_equal_partitions() -> None:
    n, parts = 100_000, 5
    bounds = edge_bounds(n, parts)
    assert len(bounds) == parts - 1 and np.all(np.diff(bounds) > 0) and bounds[-1] < n
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, n, 200_000), rng.integers(0, n, 200_000)
    counts = np.bincount(np.searchsorted(bounds, np.minimum(a, b), side="right"), minlength=parts)
    assert counts.max() < 1.1 * counts.min()  # equal document ranges: the first holds 9x the last
    assert len(edge_bounds(n, 1)) == 0 and list(edge_bounds(3, 4)) == sorted(edge_bounds(3, 4))
