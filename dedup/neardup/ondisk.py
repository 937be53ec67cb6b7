"""ondisk: near-duplicate components over signatures on disk, in tasks of bounded size.

The rules are those of `lsh.py` and `cluster.py` (`near_dup_labels` is the same in memory, and the
tests hold the two equal); only how they are fed changes:

1. `band_group_edges` (one task per group of bands, or per band and key range when one band of every
   document is more than a task holds): each band's keys, from every signing task's band file,
   through `lsh.bucket_edges` (the star + path rule); the group's pairs, packed as lo * n + hi and
   deduplicated, written grouped by edge partition (a range of lo);
2. `verify_partition` (one task per edge partition): the partition's pairs from every band group,
   deduplicated (sorted by (lo, hi): the order of the in-memory edge list), estimated and verified in
   chunks, each chunk reading only its documents' signatures from the store;
3. `guard_plan` (one task) and `guard_batch` (a task per batch): the chain guard
   (`lsh.drop_composite_edges`) over the accepted edges it can act on, in batches of whole connected
   pieces, each with its documents' signatures in memory;
4. `kept_components` (the client): the accepted edges the guard kept but those between two previous
   documents (the guard sees them), the previous release's membership edges, and the engine's connected components.

Memory: a band group holds one band's keys and documents (16 bytes a document; of one key range) and
its group's pairs;
an edge partition its distinct candidate pairs (merged as each file's are read), the (passage, site) keys two
stories of a site or more hold (`passages.site_repeats`: a site's template sentences, 16 bytes each) and, per chunk,
its documents' signatures, counts and passages (nothing per document of the whole crawl); the guard's plan
one label, one count and one shingle count per document and one batch of accepted edges
(`ACCEPTED_BATCH`); a guard batch its edges and their documents' signatures; the client the kept edges
(8 bytes each, about 3.5 a document) and one label per document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from dedup import spill
from dedup.neardup.cluster import Components, flatten, union_edges
from dedup.neardup.lsh import (BandFigures, CandidateStats, VerifyParams, add_band, bucket_edges,
                               drop_composite_edges, drop_standing_text, estimate, passage_checks, passage_edges,
                               standing_checks, verify, verify_passages)
from dedup.neardup.passages import CANDIDATE_MAX_PAGES, site_pages, site_repeats
from dedup.neardup.sign import read_band, read_passage_rows, read_site_rows
from dedup.neardup.store import SignatureStore
from dedup.text.sentences import EMPTY

VERIFY_CHUNK = 65_536  # candidate pairs verified at once: their rows of the store are read together
BYTES_PER_BAND_ROW = 80  # a document's (doc, key) row of one band, with the sort's and the edges' copies
BYTES_PER_EDGE_DOC = 400  # a document's share of an edge partition (candidate pairs, their estimates)
BYTES_PER_GUARD_EDGE = 1536  # an edge of a chain-guard batch: the signatures of its two ends, read into memory
ACCEPTED_BATCH = 1 << 20  # accepted edges per batch of a verify task's file: the guard's plan reads one at a time
EDGES_SCHEMA = pa.schema([("lo", pa.int64()), ("hi", pa.int64()), ("jac", pa.float64())])


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique` by sorting (numpy 2.3+ hashes first, several times slower on millions of ints)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(values, return_inverse=True)` by sorting."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.empty(0, bool)
    kind = np.int32 if len(values) < 2 ** 31 else np.int64
    inverse = np.empty(len(values), dtype=kind)
    inverse[order] = np.cumsum(first, dtype=kind) - 1
    del order
    return ordered[first], inverse


def edge_bounds(n: int, partitions: int) -> np.ndarray:
    """The first lo of each edge partition after the first (partition p holds lo in [b[p-1], b[p])).

    A pair is filed under its smaller document, so equal ranges of documents are unequal in pairs: for
    two documents at random places the smaller is below x (a share of n) with probability 1 - (1 - x)^2,
    and the first of five equal ranges got 45 % of the 3M bench's pairs. The bounds are that
    distribution's quantiles, so each partition gets about as many pairs."""
    shares = 1.0 - np.sqrt(1.0 - np.arange(1, partitions) / partitions)
    return np.floor(shares * n).astype(np.int64)


def key_range_bounds(key_ranges: int) -> list[tuple[int, int | None]]:
    """`key_ranges` equal ranges [lo, hi) of the uint64 band keys (hi None: to the end). Keys are
    hashes, so the ranges hold about as many rows each; a bucket (rows of one key) is in one range."""
    cuts = [r * (1 << 64) // key_ranges for r in range(key_ranges)]
    return [(lo, cuts[r + 1] if r + 1 < key_ranges else None) for r, lo in enumerate(cuts)]


def _in_range(doc: np.ndarray, key: np.ndarray, key_range: tuple[int, int | None] | None) -> tuple[np.ndarray, np.ndarray]:
    if key_range is None:
        return doc, key
    lo, hi = key_range
    keep = key >= np.uint64(lo)
    if hi is not None:
        keep &= key < np.uint64(hi)
    return doc[keep], key[keep]


def band_group_edges(band_files: list[Path], bands: list[int], n: int, hot_cap: int, bounds: np.ndarray,
                     target: Path, key_range: tuple[int, int | None] | None = None) -> list[tuple[int, BandFigures]]:
    """Round 1: the candidate pairs of some bands (of their keys in `key_range` only, when a band is
    more than a task holds), packed lo * n + hi, deduplicated, written to `target` grouped by edge
    partition. Returns each band's bucket figures (of that key range)."""
    edges, figures = np.empty(0, np.int64), []
    for band in bands:
        read = [_in_range(*read_band(f, band), key_range) for f in band_files]
        doc = np.concatenate([d for d, _ in read]) if read else np.empty(0, np.int64)
        key = np.concatenate([k for _, k in read]) if read else np.empty(0, np.uint64)
        del read
        src, dst, fig = bucket_edges(key, doc, hot_cap)
        del doc, key
        figures.append((band, fig))
        if len(src):
            # merged band by band: a pair found in many bands (a copy, a bucket of identical texts in every
            # band) is held once, not once a band (all bands' pairs concatenated took 4.5 GiB at 10^6 copies)
            edges = merge_sorted_unique(edges, sorted_unique(np.minimum(src, dst) * n + np.maximum(src, dst)))
        del src, dst
    partition = np.searchsorted(bounds * n, edges, side="right") if len(bounds) else np.zeros(len(edges), np.int64)
    spill.write_grouped(pa.table({"edge": pa.array(edges, pa.int64())}), partition, target)
    return figures


def passage_group_edges(band_files: list[Path], n: int, bounds: np.ndarray, target: Path,
                        key_range: tuple[int, int | None] | None = None, repeats_target: Path | None = None) -> int:
    """Round 1 for the long passages: the pairs of documents that share one (`lsh.passage_edges`; of the
    keys in `key_range` only, when split), written to `target` as `band_group_edges` writes its pairs; and
    the (passage, site) keys of that range in two pass-1 stories or more, with their stories (`passages.site_repeats`),
    to `repeats_target`. Returns the pairs written."""
    if repeats_target is not None:
        by_site = [_in_range(story, key, key_range) for key, story in map(read_site_rows, band_files)]
        keys, pages = site_repeats(np.concatenate([k for _, k in by_site]) if by_site else np.empty(0, np.uint64),
                                   np.concatenate([s for s, _ in by_site]) if by_site else np.empty(0, np.uint64))
        del by_site
        spill.write_table(pa.table({"key": pa.array(keys, pa.uint64()), "pages": pa.array(pages, pa.int64())}),
                          repeats_target)
    read = [_in_range(*read_passage_rows(f)[::-1], key_range) for f in band_files]
    doc = np.concatenate([d for d, _ in read]) if read else np.empty(0, np.int64)
    key = np.concatenate([k for _, k in read]) if read else np.empty(0, np.uint64)
    del read
    src, dst = passage_edges(key, doc, CANDIDATE_MAX_PAGES)
    del doc, key
    edges = sorted_unique(src * n + dst)
    partition = np.searchsorted(bounds * n, edges, side="right") if len(bounds) else np.zeros(len(edges), np.int64)
    spill.write_grouped(pa.table({"edge": pa.array(edges, pa.int64())}), partition, target)
    return len(edges)


def merge_sorted_unique(kept: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The sorted union of two sorted arrays of distinct values, in linear memory (no concatenated
    copy to sort): the values of `rows` not in `kept`, inserted at their places."""
    if not len(kept):
        return rows
    at = np.searchsorted(kept, rows)
    new = rows[kept[np.minimum(at, len(kept) - 1)] != rows]
    del at
    return np.insert(kept, np.searchsorted(kept, new), new) if len(new) else kept


def gather_unique_edges(edge_files: list[Path], partition: int) -> np.ndarray:
    """One edge partition's candidate pairs from every band task's file, sorted and deduplicated as
    they are read. A pair two documents share in many bands is in many files (a close copy is a
    candidate in most of the 64 bands), so the files together hold tens of times the distinct pairs:
    gathered whole, the 3,000,000-document bench's first partition took 2.5 GiB for 46 MB of pairs.
    Each file's rows of a partition are sorted and distinct (`band_group_edges`), so they are merged
    into the pairs kept as they are read: the task holds about twice the distinct pairs."""
    kept = np.empty(0, np.int64)
    for path in edge_files:
        rows = spill.read_group(path, partition, ["edge"]).column("edge").to_numpy()
        if len(rows) > 1 and not bool((rows[1:] > rows[:-1]).all()):  # not written by band_group_edges
            rows = sorted_unique(rows)
        kept = merge_sorted_unique(kept, rows)
    return kept


def read_site_repeats(repeat_files: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    """`passage_group_edges`' (passage, site) keys in two stories or more, and their stories, keys sorted."""
    tables = [spill.read_all(f) for f in repeat_files]
    keys = np.concatenate([t.column("key").to_numpy() for t in tables]) if tables else np.empty(0, np.uint64)
    pages = np.concatenate([t.column("pages").to_numpy() for t in tables]) if tables else np.empty(0, np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], pages[order]


def verify_partition(edge_files: list[Path], partition: int, n: int, store_folder: Path, params: VerifyParams,
                     target: Path, passage_files: list[Path] | None = None,
                     repeat_files: list[Path] | None = None) -> tuple[int, int]:
    """Round 2: one edge partition's candidate pairs (LSH's, and those long passages propose from
    `passage_files`) verified on their signatures (the passage rule with the sites' template of `repeat_files`
    set aside too); the accepted ones (lo, hi, estimated Jaccard) written to `target`. Returns (candidates,
    accepted)."""
    repeats = read_site_repeats(repeat_files) if repeat_files else None
    edges = gather_unique_edges(edge_files, partition)
    proposed_edges = gather_unique_edges(passage_files, partition) if passage_files else np.empty(0, np.int64)
    edges = merge_sorted_unique(edges, proposed_edges)
    proposed = np.isin(edges, proposed_edges, assume_unique=True) if len(proposed_edges) else None
    del proposed_edges
    lo, hi = edges // n, edges % n
    del edges
    store = SignatureStore(store_folder)  # every per-document value read for a chunk's documents only
    keep_lo, keep_hi, keep_jac = [], [], []
    try:
        for start in range(0, len(lo), VERIFY_CHUNK):
            s, d = lo[start:start + VERIFY_CHUNK], hi[start:start + VERIFY_CHUNK]
            chunk_proposed = proposed[start:start + VERIFY_CHUNK] if proposed is not None else None
            docs, local = unique_inverse(np.concatenate([s, d]))
            ls, ld = local[:len(s)], local[len(s):]
            local_sizes = store.sizes_of(docs)
            jac, contain = estimate(store[docs], local_sizes, ls, ld)
            ok = verify(jac, contain, local_sizes, ls, ld, params) & (local_sizes[ls] > 0) & (local_sizes[ld] > 0)
            local_sites = store.sites_of(docs)
            standing = standing_checks(ok, jac, ls, ld, local_sites, params)
            checks = passage_checks(ok, contain, params, chunk_proposed)
            checks = checks[(local_sizes[ls[checks]] > 0) & (local_sizes[ld[checks]] > 0)]
            # the passages of the documents some check needs, read from the store; the others stay empty
            local_passages = [EMPTY] * len(docs)
            asked = np.r_[checks, standing]
            needed = np.unique(np.concatenate([ls[asked], ld[asked]])) if len(asked) else np.empty(0, np.int64)
            for at, found in zip(needed.tolist(), store.passages(docs[needed])):
                local_passages[at] = found
            # (as `cluster.near_dup_labels`: an edge dropped as standing text is then asked of the passage rule)
            ok = drop_standing_text(ok, standing, ls, ld, local_passages, params)
            checks = passage_checks(ok, contain, params, chunk_proposed)
            checks = checks[(local_sizes[ls[checks]] > 0) & (local_sizes[ld[checks]] > 0)]
            needed_checks = np.unique(np.concatenate([ls[checks], ld[checks]])) if len(checks) else needed[:0]
            pages: list[np.ndarray | None] | None = None
            if repeats is not None:
                pages = [None] * len(docs)
                for at in needed_checks.tolist():
                    pages[at] = site_pages(local_passages[at], int(local_sites[at]), repeats)
            ok = verify_passages(ok, checks, ls, ld, local_passages, store.status_of(docs), local_sites, params,
                                 pages)
            keep_lo.append(s[ok])
            keep_hi.append(d[ok])
            keep_jac.append(jac[ok])
    finally:
        store.close()
    accepted = pa.table({"lo": pa.array(np.concatenate(keep_lo) if keep_lo else np.empty(0, np.int64), pa.int64()),
                         "hi": pa.array(np.concatenate(keep_hi) if keep_hi else np.empty(0, np.int64), pa.int64()),
                         "jac": pa.array(np.concatenate(keep_jac) if keep_jac else np.empty(0), pa.float64())})
    spill.write_table(accepted, target, batch_rows=ACCEPTED_BATCH)
    return len(lo), accepted.num_rows


def fold_figures(bands: int, per_group: list[list[tuple[int, BandFigures]]]) -> CandidateStats:
    """The bands' bucket figures folded in band order, as `lsh.candidate_edges` does (a band counted
    in several key ranges merged first)."""
    merged: dict[int, BandFigures] = {}
    for group in per_group:
        for band, figures in group:
            merged[band] = merged[band].merge(figures) if band in merged else figures
    stats = CandidateStats(bands=bands)
    for band in sorted(merged):
        add_band(stats, band, merged[band])
    return stats


def _accepted_batches(path: Path, index: type) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """An accepted file's edges (lo, hi, Jaccard) batch by batch, in order (`ACCEPTED_BATCH` rows)."""
    for batch in spill.iter_batches(path):
        yield (batch.column("lo").to_numpy().astype(index), batch.column("hi").to_numpy().astype(index),
               batch.column("jac").to_numpy())


def _oriented(lo: np.ndarray, hi: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(larger, smaller) end of each edge, as `lsh.drop_composite_edges` orients them."""
    small_is_lo = sizes[lo] <= sizes[hi]
    return np.where(small_is_lo, hi, lo), np.where(small_is_lo, lo, hi)


def guard_plan(accepted_files: list[Path], n: int, store_folder: Path, params: VerifyParams, batch_edges: int,
               target_folder: Path) -> tuple[int, list[Path]]:
    """Round 3 (one task): which accepted edges the chain guard can act on (those of hubs, larger or
    smaller side, that have a containment-only edge: the rule skips every other hub), cut into batches
    of whole connected pieces of that graph, so that every hub's edges are in one batch. Partition by
    partition: the task holds one label and one count per document, never every edge (accepted files
    are read a batch at a time). Writes, for each batch of edges read, a file of its involved edges
    (global position, ends, Jaccard) grouped by guard batch, into `target_folder`; returns the number
    of guard batches and those files, in edge order."""
    index = np.int32 if n < 2 ** 31 else np.int64
    store = SignatureStore(store_folder)
    sizes = store.sizes()
    store.close()
    hubs_large, hubs_small = [], []
    for f in accepted_files:  # every pass reads the edges a batch at a time: the task holds per-document arrays
        for lo, hi, jac in _accepted_batches(f, index):
            weak = jac < params.jaccard
            larger, smaller = _oriented(lo[weak], hi[weak], sizes)
            hubs_large.append(sorted_unique(larger))
            hubs_small.append(sorted_unique(smaller))
    large = sorted_unique(np.concatenate(hubs_large)) if hubs_large else np.empty(0, index)
    small = sorted_unique(np.concatenate(hubs_small)) if hubs_small else np.empty(0, index)
    del hubs_large, hubs_small

    def involved(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        larger, smaller = _oriented(lo, hi, sizes)
        return np.flatnonzero(np.isin(larger, large) | np.isin(smaller, small))

    root = np.arange(n, dtype=np.int64)
    for f in accepted_files:
        for lo, hi, _ in _accepted_batches(f, index):
            mine = involved(lo, hi)
            union_edges(root, lo[mine], hi[mine])
    flatten(root)
    count = np.zeros(n, dtype=np.int64)
    for f in accepted_files:
        for lo, hi, _ in _accepted_batches(f, index):
            count += np.bincount(root[lo[involved(lo, hi)]], minlength=n)
    # pieces in the order of their root, packed into batches of about batch_edges edges, never split
    batch_of_root = (np.cumsum(count) - count) // max(1, batch_edges)
    batches = int(batch_of_root[count > 0].max()) + 1 if (count > 0).any() else 0
    del count
    position, plan_files = 0, list[Path]()
    for f in accepted_files:  # one plan file per batch of edges read: written as they are read
        for lo, hi, jac in _accepted_batches(f, index):
            mine = involved(lo, hi)
            table = pa.table({"pos": pa.array(position + mine, pa.int64()), "lo": pa.array(lo[mine], pa.int64()),
                              "hi": pa.array(hi[mine], pa.int64()), "jac": pa.array(jac[mine], pa.float64())})
            plan_files.append(target_folder / f"guard-{len(plan_files):05d}.arrow")
            spill.write_grouped(table, batch_of_root[root[lo[mine]]], plan_files[-1])
            position += len(lo)
    return batches, plan_files


def guard_batch(plan_files: list[Path], batch: int, store_folder: Path, params: VerifyParams) -> tuple[np.ndarray, int]:
    """Round 4 (a task per batch): `lsh.drop_composite_edges` over one batch's edges (in their global
    order), with its documents' signatures read from the store into memory. Returns (global positions
    of the edges it drops, hubs found)."""
    t = spill.gather(plan_files, batch)
    pos, lo, hi, jac = (t.column(c).to_numpy() for c in ("pos", "lo", "hi", "jac"))
    del t
    if not len(pos):
        return np.empty(0, np.int64), 0
    docs, at = unique_inverse(np.concatenate([lo, hi]))
    store = SignatureStore(store_folder)
    try:
        sigs, sizes = store[docs], store.sizes_of(docs)
    finally:
        store.close()
    kept, hubs = drop_composite_edges(sigs, sizes, at[:len(pos)], at[len(pos):], jac, np.ones(len(pos), dtype=bool),
                                      params)
    return pos[~kept], hubs


def kept_components(accepted_files: list[Path], dropped: np.ndarray, n: int, components: Components,
                    membership: tuple[np.ndarray, np.ndarray] | None = None,
                    previous_file: Path | None = None) -> tuple[np.ndarray, int]:
    """The client's part: the accepted edges but those the guard dropped and those between two of a previous
    release's documents (`previous_file`: the guard saw them, the release's clusters stay as published; its
    membership edges join them) -> the engine's connected components. Returns (labels, verified edges)."""
    index = np.int32 if n < 2 ** 31 else np.int64
    previous = np.load(previous_file, mmap_mode="r") if previous_file is not None else None
    los, his, position = [], [], 0
    for f in accepted_files:
        for lo, hi, _ in _accepted_batches(f, index):
            keep = np.ones(len(lo), dtype=bool) if previous is None else ~(previous[lo] & previous[hi])
            keep[dropped[(dropped >= position) & (dropped < position + len(lo))] - position] = False
            los.append(lo[keep])
            his.append(hi[keep])
            position += len(lo)
    lo = np.concatenate(los) if los else np.empty(0, index)
    hi = np.concatenate(his) if his else np.empty(0, index)
    del los, his
    verified = len(lo)
    if membership is not None:
        lo, hi = np.r_[lo, membership[0]], np.r_[hi, membership[1]]
    return components(n, lo, hi), verified


TaskMap = Callable[[Callable, list[tuple]], list]


def near_dup_components(run_map: TaskMap, band_files: list[Path], n: int, bands: int, hot_cap: int,
                        params: VerifyParams, store_folder: Path, work: Path, *, bands_per_group: int,
                        edge_partitions: int, components: Components, previous_file: Path | None = None,
                        membership: tuple[np.ndarray, np.ndarray] | None = None, guard_batch_edges: int = 1_000_000,
                        key_ranges: int = 1, passage_key_ranges: int = 1,
                        step: Callable[[str], None] = lambda name: None) -> tuple[np.ndarray, dict]:
    """`cluster.near_dup_labels` over the store and the band files: labels and the run.json figures.
    `key_ranges` > 1 splits every band task by key range (a band of every document is more than a task
    may hold past a few million documents); `passage_key_ranges` the long passages' rows (about 20 a
    document) likewise."""
    work.mkdir(parents=True, exist_ok=True)
    groups = [list(range(b, min(bands, b + bands_per_group))) for b in range(0, bands, bands_per_group)]
    ranges: list[tuple[int, int | None] | None] = [None]
    if key_ranges > 1:
        ranges = list(key_range_bounds(key_ranges))
    bounds = edge_bounds(n, edge_partitions)
    step("candidates")
    tasks = [(group, key_range) for group in groups for key_range in ranges]
    edge_files = [work / f"edges-{t:05d}.arrow" for t in range(len(tasks))]
    per_group = run_map(band_group_edges, [(band_files, group, n, hot_cap, bounds, f, key_range)
                                           for (group, key_range), f in zip(tasks, edge_files)])
    stats = fold_figures(bands, per_group)
    passage_files: list[Path] = []
    repeat_files: list[Path] = []
    if params.passage_coverage <= 1.0:  # long passages propose pairs only for the rule that checks them
        passage_ranges = key_range_bounds(passage_key_ranges) if passage_key_ranges > 1 else [None]
        passage_files = [work / f"passage-edges-{t:05d}.arrow" for t in range(len(passage_ranges))]
        repeat_files = [work / f"site-repeats-{t:05d}.arrow" for t in range(len(passage_ranges))]
        run_map(passage_group_edges, [(band_files, n, bounds, f, key_range, r)
                                      for key_range, f, r in zip(passage_ranges, passage_files, repeat_files)])
    step("verify")
    accepted_files = [work / f"accepted-{p:05d}.arrow" for p in range(len(bounds) + 1)]
    counts = run_map(verify_partition, [(edge_files, p, n, store_folder, params, f, passage_files,
                                         repeat_files) for p, f in enumerate(accepted_files)])
    for f in edge_files + passage_files + repeat_files:
        f.unlink(missing_ok=True)
    step("guard")
    ((batches, plan_files),) = run_map(guard_plan, [(accepted_files, n, store_folder, params, guard_batch_edges, work)])
    guarded = run_map(guard_batch, [(plan_files, k, store_folder, params) for k in range(batches)])
    dropped = np.sort(np.concatenate([d for d, _ in guarded])) if guarded else np.empty(0, np.int64)
    composites = sum(h for _, h in guarded)
    step("components")
    labels, verified = kept_components(accepted_files, dropped, n, components, membership, previous_file)
    report = {"candidate_edges": int(sum(c for c, _ in counts)), "verified_edges": int(verified),
              "buckets_with_copies": stats.buckets_multi, "largest_bucket": stats.largest_bucket,
              "hot_buckets": stats.hot_buckets[:20], "hot_bucket_count": len(stats.hot_buckets),
              "composite_pages": composites}
    return labels, report
