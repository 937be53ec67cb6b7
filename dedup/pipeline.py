"""build: read -> extract -> cluster -> select -> write, embedded engine (one machine).

Per-file work (read + extract) runs in a process pool; the global steps (clusters, canonical choice)
run on a small key table in polars; the write step applies the decisions file by file.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache, partial
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import __version__
from dedup.sources import storage
from dedup.neardup.cluster import cluster_id_for, connected_components
from dedup.config import BuildConfig
from dedup.errors import OutputError
from dedup.rights.attribution import agency_of_domain, is_wire_notice
from dedup.text.blocks import (CROSS_SITE, SITE_CHROME, STORY_CHROME, chrome_keys, cross_story_chrome, occurrences,
                               page_batch, short_occurrences, site_chrome)
from dedup.text.extract import extract_batch
from dedup.text.normalise import join_blocks, normalise_text, text_hash
from dedup.neardup.minhash import MinHasher, s_curve
from dedup.previous import Previous, load_previous
from dedup.neardup.lsh import VerifyParams, candidate_edges, drop_composite_edges, estimate, lsh_keys, verify
from dedup.sources.read import InputFile, expand_inputs, positional_id, read_input
from dedup.schema import schema
from dedup.select import choose_canonical, provenance
from dedup.write import (BucketSpill, base_metadata, bucket_of, shard_count, to_schema, write_parquet,
                         write_sharded)

WORK = "_work"
KEY_COLUMNS = ["doc_id", "url", "domain", "text_hash", "n_chars", "published_at", "fetched_at",
               "source_file", "source_offset", "reject_reason", "reject_detail",
               "agency", "dateline", "licence_spdx", "licence_class", "licence_scope",
               "copyright_holder", "copyright_year", "copyright_notice"]


@dataclass
class Progress:
    """What the CLI shows while a build runs; the pipeline only calls these hooks."""

    def start(self, total_bytes: int, n_files: int) -> None: ...
    def advance(self, nbytes: int, ndocs: int) -> None: ...
    def stage(self, name: str) -> None: ...
    def stop(self) -> None: ...


@dataclass
class RunSummary:
    counts: dict = field(default_factory=dict)
    rejects_by_reason: dict = field(default_factory=dict)
    skipped_by_type: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    timings_s: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)
    config: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    near_duplicates: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)  # the release this one follows (dedup build --previous)
    finished_at: str = ""

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True, default=str) + "\n"


# ---------------------------------------------------------------- stage 1: read + extract (per file)

def extract_file(inp: InputFile, target: Path, max_payload: int, report=None) -> dict:
    """Read one input file and extract every record into a `docs` Parquet file."""
    stats: Counter = Counter()
    sch = schema("docs")
    tmp = target.with_name(target.name + ".tmp")
    rows = 0
    last_offset = -1
    with pq.ParquetWriter(tmp, sch, compression="zstd", compression_level=1) as writer:
        try:
            for raw in read_input(inp, stats, max_payload=max_payload):
                docs = page_batch(extract_batch(raw))
                writer.write_batch(docs)
                rows += docs.num_rows
                offsets = [o for o in docs.column("source_offset").to_pylist() if o is not None]
                last_offset = max([last_offset, *offsets])
                if report is not None:
                    report(docs.num_rows)
        except Exception as exc:  # noqa: BLE001 - a bug on one file's data must not kill the run
            # the rows written so far stay; the rest of the file is one reject row that says so
            writer.write_table(pa.Table.from_pylist([{
                "doc_id": positional_id(inp.name, last_offset + 1), "source_file": inp.name,
                "source_offset": last_offset + 1, "reject_reason": "read_failed",
                "reject_detail": f"{type(exc).__name__}: {exc}"[:300] + f"; records of this file after offset "
                                 f"{last_offset} were not read " + (
                                     "(an I/O error: check the storage and build again)" if isinstance(exc, OSError)
                                     else "(please report this as a dedup bug)")}], schema=sch))
            rows += 1
            stats["read_failed"] += 1
    os.replace(tmp, target)
    return {"rows": rows, "stats": dict(stats)}


_QUEUE = None


def _init_worker(queue) -> None:
    global _QUEUE
    _QUEUE = queue


def _extract_task(inp: InputFile, target: Path, max_payload: int) -> dict:
    def report(n: int) -> None:
        if _QUEUE is not None:
            _QUEUE.put(n)
    return extract_file(inp, target, max_payload, report)


def run_extract(inputs: list[InputFile], sizes: list[int], work: Path, workers: int, config: BuildConfig,
                progress: Progress, dask: DaskOptions | None = None, client=None) -> list[dict]:
    (work / "docs").mkdir(parents=True, exist_ok=True)
    targets = [work / "docs" / f"part-{i:05d}.parquet" for i in range(len(inputs))]
    results: list[dict] = [{}] * len(inputs)
    if dask is not None:
        from dedup.engine.dask_engine import map_files

        items = [(inp, targets[i], config.max_payload_bytes) for i, inp in enumerate(inputs)]
        return map_files(client, extract_file, items, star=True,
                         on_done=lambda i, r: progress.advance(sizes[i], r["rows"]))
    if workers <= 1 or len(inputs) == 1:
        for i, inp in enumerate(inputs):
            results[i] = extract_file(inp, targets[i], config.max_payload_bytes,
                                      lambda n: progress.advance(0, n))
            progress.advance(sizes[i], 0)
        return results
    ctx = get_context("spawn")  # not fork: polars/arrow thread pools do not survive a fork
    queue = ctx.Manager().Queue()
    with ProcessPoolExecutor(max_workers=min(workers, len(inputs)), mp_context=ctx,
                             initializer=_init_worker, initargs=(queue,)) as pool:
        pending = {pool.submit(_extract_task, inp, targets[i], config.max_payload_bytes): i
                   for i, inp in enumerate(inputs)}
        while pending:
            done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            while not queue.empty():
                progress.advance(0, queue.get_nowait())
            for fut in done:
                i = pending.pop(fut)
                results[i] = fut.result()
                progress.advance(sizes[i], 0)
        while not queue.empty():
            progress.advance(0, queue.get_nowait())
    return results


# ---------------------------------------------------------------- stage 2: cluster + select (global)

@dataclass
class Decisions:
    keys: pl.DataFrame  # one row per input row: final doc_id, reject reason, sort keys
    decisions: pl.DataFrame  # one row per document that is not a reject
    provenance: pl.DataFrame  # per canonical: the other copies
    chrome: pl.DataFrame  # domain, block_key, pages, stories: removed across the site
    report: dict  # figures for run.json
    doc_ids: list[str]  # sorted doc_ids of the documents signed; row i of sigs / sizes
    sigs: np.ndarray
    sizes: np.ndarray
    hasher_params: dict
    previous: Previous | None = None


@dataclass(frozen=True)
class DaskOptions:
    """`dedup build --engine dask`: where to run (docs/scale-out.md). Not part of the config hash: the
    engine never changes the output bytes."""
    scheduler: str | None = None  # None: a LocalCluster on 127.0.0.1; "threads": no cluster; or an address
    workers: int | None = None  # LocalCluster workers (or threads) [default: --workers]
    components: str = "auto"  # connected components: auto, gather (to the client) or star (on Dask)
    dashboard: bool = False


@dataclass(frozen=True)
class Steps:
    """The cross-shard steps of `decide`. The embedded engine's by default; `dask_steps` swaps in the
    Dask engine's (dedup/engine.py), which return the same results."""
    candidate_edges: Callable = candidate_edges  # (band keys, hot cap) -> src, dst, stats
    components: Callable = connected_components  # (n, src, dst) -> labels
    site_chrome: Callable | None = None  # (docs parts, stories, min stories) -> chrome; None: in process
    map: Callable = None  # (fn, [args tuples]) -> [fn(*args)] in order: per-part tasks (signing)

    def __post_init__(self) -> None:
        if self.map is None:
            object.__setattr__(self, "map", serial_map)


def serial_map(fn: Callable, items: list[tuple]) -> list:
    return [fn(*item) for item in items]


def _call(fn_and_args: tuple) -> object:
    fn, args = fn_and_args
    return fn(*args)


@contextmanager
def embedded_steps(workers: int):
    """The embedded engine's steps: per-part tasks on a spawn process pool when workers > 1."""
    if workers <= 1:
        yield Steps()
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        yield Steps(map=lambda fn, items: list(pool.map(_call, [(fn, item) for item in items])))


def dask_steps(client, components: str = "auto") -> Steps:
    from dedup.engine import dask_engine as engine

    return Steps(candidate_edges=partial(engine.candidate_edges_dask, client=client),
                 components=partial(engine.components_dask, client=client, method=components),
                 site_chrome=partial(engine.site_chrome_dask, client=client),
                 map=partial(engine.map_parts, client))


def _iter_parts(work: Path, columns: list[str] | None, batch_rows: int = 4096):
    """The docs parts as polars frames of at most `batch_rows` rows: memory stays flat however
    large one input file was."""
    for part in sorted((work / "docs").glob("*.parquet")):
        for batch in pq.ParquetFile(part).iter_batches(batch_size=batch_rows, columns=columns):
            yield pl.from_arrow(batch)


def _chrome_lookup(chrome: pl.DataFrame) -> dict[str, set[int]]:
    lookup: dict[str, set[int]] = {}
    for domain, key in chrome.select("domain", "block_key").iter_rows():
        lookup.setdefault(domain, set()).add(key)
    return lookup


def final_blocks(blocks: list[str] | None, keys: list[int] | None, domain: str | None,
                 chrome: dict[str, set[int]], title: str | None = None) -> tuple[list[str], int, int]:
    """Blocks left after the cross-site pass: (kept, removed count, removed chars).

    The page's own headline stays even when the site lists it under 'related' on other pages, and so
    does a wire agency's copyright line (story text, not the site's)."""
    if not blocks:
        return [], 0, 0
    drop = chrome_keys(chrome, domain)
    if not drop:
        return blocks, 0, 0
    headline = normalise_text(title) if title and len(title.split()) >= 4 else None
    gone = [k in drop and not (headline and normalise_text(b) == headline) and not is_wire_notice(b)
            for b, k in zip(blocks, keys)]
    kept = [b for b, g in zip(blocks, gone) if not g]
    removed = [b for b, g in zip(blocks, gone) if g]
    return kept, len(removed), sum(len(b) for b in removed)


@lru_cache(maxsize=4)
def _hasher(params: tuple) -> MinHasher:
    num_perm, seed, ngram, unit, hash_name = params
    return MinHasher(num_perm=num_perm, seed=seed, ngram=ngram, unit=unit, hash=hash_name)


def sign_part(part: Path, hasher_params: tuple, chrome: dict[str, set[int]],
              with_hashes: bool) -> tuple[list[tuple[str, int]], np.ndarray, np.ndarray, list[str | None]]:
    """One `docs` part -> (source_file, source_offset) of each kept row, its MinHash signature and
    shingle count over its text after the cross-site pass (`chrome` empty: the within-page text), and
    (`with_hashes`) that text's hash. A per-part task: both engines map it over the parts."""
    hasher = _hasher(hasher_params)
    at: list[tuple[str, int]] = []
    texts: list[str] = []
    hashes: list[str | None] = []
    for batch in pq.ParquetFile(part).iter_batches(batch_size=4096, columns=[
            "source_file", "source_offset", "domain", "title", "blocks", "block_keys", "text_hash",
            "reject_reason"]):
        frame = pl.from_arrow(batch).filter(pl.col("reject_reason").is_null())
        for source, offset, domain, title, blocks, keys, own_hash in frame.select(
                "source_file", "source_offset", "domain", "title", "blocks", "block_keys", "text_hash").iter_rows():
            kept, removed, _ = final_blocks(blocks, keys, domain, chrome, title)
            at.append((source, offset))
            texts.append(join_blocks(kept))
            # the within-page text's hash stands when the site pass removed nothing
            hashes.append((own_hash if removed == 0 else text_hash(texts[-1])) if with_hashes else None)
    if not texts:
        return at, np.empty((0, hasher.num_perm), np.uint32), np.empty(0, np.int64), hashes
    sigs, sizes = hasher.signatures_with_counts(texts)
    return at, sigs, sizes, hashes


def _sign(work: Path, index: dict[tuple[str, int], int], n: int, hasher: MinHasher, chrome: dict[str, set[int]],
          steps: Steps, with_hashes: bool = False) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Signatures (n, num_perm), shingle counts and text hashes of every kept document (`sign_part`
    mapped over the parts). `index` maps a row's (source_file, source_offset) to its row here: by
    position, not doc_id, so that a record rejected as a repeated doc_id never overwrites the
    signature of the one that kept it."""
    sigs = np.empty((n, hasher.num_perm), dtype=np.uint32)
    sizes = np.zeros(n, dtype=np.int64)
    hashes: list[str | None] = [None] * n
    params = (hasher.num_perm, hasher.seed, hasher.ngram, hasher.unit, hasher.hash)
    parts = sorted((work / "docs").glob("*.parquet"))
    for at, part_sigs, part_sizes, part_hashes in steps.map(sign_part, [(p, params, chrome, with_hashes)
                                                                          for p in parts]):
        rows = np.asarray([index.get(a, -1) for a in at], dtype=np.int64)
        mine = rows >= 0
        sigs[rows[mine]], sizes[rows[mine]] = part_sigs[mine], part_sizes[mine]
        for i, h in zip(rows[mine], (h for h, m in zip(part_hashes, mine) if m)):
            hashes[i] = h
    return sigs, sizes, hashes


def _near_dup_labels(sigs: np.ndarray, sizes: np.ndarray, config: BuildConfig,
                     params: VerifyParams | None = None, *, previous: np.ndarray | None = None,
                     membership: tuple[np.ndarray, np.ndarray] | None = None,
                     steps: Steps | None = None) -> tuple[np.ndarray, dict]:
    """Components of the verified candidate graph. With a previous release: `previous` marks its
    documents, whose relations stay as published (edges between two of them are ignored and
    `membership` edges, each previous duplicate to its canonical, keep its clusters whole)."""
    steps = steps or Steps()
    keys = lsh_keys(sigs, config.bands, config.rows)
    src, dst, stats = steps.candidate_edges(keys, config.hot_bucket_cap)
    jac, contain = estimate(sigs, sizes, src, dst)
    params = params or VerifyParams(config.verify_jaccard, config.verify_containment,
                                    config.verify_containment_min_jaccard, config.verify_min_shingles)
    ok = verify(jac, contain, sizes, src, dst, params) & (sizes[src] > 0) & (sizes[dst] > 0)
    if previous is not None:
        ok &= ~(previous[src] & previous[dst])
    ok, composites = drop_composite_edges(sigs, sizes, src, dst, jac, ok, params)
    n_candidates = len(src)
    src, dst = src[ok], dst[ok]
    if membership is not None:
        src, dst = np.r_[src, membership[0]], np.r_[dst, membership[1]]
    labels = steps.components(len(sigs), src, dst)
    report = {"candidate_edges": int(n_candidates), "verified_edges": int(ok.sum()),
              "buckets_with_copies": stats.buckets_multi, "largest_bucket": stats.largest_bucket,
              "hot_buckets": stats.hot_buckets[:20], "hot_bucket_count": len(stats.hot_buckets),
              "composite_pages": composites}
    return labels, report


def decide(work: Path, config: BuildConfig, previous: Previous | None = None, steps: Steps | None = None) -> Decisions:
    steps = steps or Steps()
    keys = pl.concat(list(_iter_parts(work, KEY_COLUMNS)))
    keys = _resolve_repeated_ids(keys, previous.all_ids if previous else None)
    good = keys.filter(pl.col("reject_reason").is_null()).sort("doc_id")
    new_ids = good["doc_id"].to_list()
    index = {d: i for i, d in enumerate(new_ids)}
    at = {(f, o): i for i, (f, o) in enumerate(good.select("source_file", "source_offset").iter_rows())}
    n = len(new_ids)
    hasher = MinHasher(num_perm=config.num_perm, seed=config.seed, ngram=config.ngram,
                       unit=config.shingle_unit, hash=config.hash)
    report: dict = {"minhash": hasher.params, "lsh": {"bands": config.bands, "rows": config.rows,
                                                      "s_curve": s_curve(config.bands, config.rows)}}
    chrome = pl.DataFrame(schema={"domain": pl.String, "block_key": pl.Int64, "pages": pl.UInt32,
                                  "stories": pl.UInt32})
    lookup: dict[str, set[int]] = {}
    if config.site_chrome:
        # pass 1: preliminary stories on the within-page text, to count blocks per story
        sigs, sizes, _ = _sign(work, at, n, hasher, {}, steps)
        # Stricter than the final clustering: only versions of one page (re-crawls, URL variants,
        # updates) count as one story here. Pages that share a long template are not yet cleaned of
        # it and look alike; merging them would hide the very repetition that marks the template.
        strict = VerifyParams(config.story_jaccard, config.story_containment, config.story_containment_min_jaccard,
                              config.verify_min_shingles)
        story, report["pass1"] = _near_dup_labels(sigs, sizes, config, strict, steps=steps)
        stories = pl.DataFrame({"doc_id": new_ids, "doc": np.arange(n, dtype=np.int32), "story": story},
                               schema={"doc_id": pl.String, "doc": pl.Int32, "story": pl.Int64})
        # one row per (doc, block), with the doc as a small integer: this table is the largest of the
        # build (about 30 rows a page), so it holds no strings but the domain (categorical)
        min_stories = config.site_min_stories if previous is None else 1  # a previous release adds its counts
        if steps.site_chrome is not None:
            chrome = steps.site_chrome(sorted((work / "docs").glob("*.parquet")), stories, min_stories)
        else:
            occ = pl.concat([occurrences(p, stories).with_columns(pl.col("domain").cast(pl.Categorical))
                             for p in _iter_parts(work, ["doc_id", "domain", "block_keys", "reject_reason"])])
            chrome = site_chrome(occ, min_stories)
            del occ
        # short blocks in many different stories of different sites: chrome on every site (small: short
        # blocks only, so counted in process for both engines)
        short = pl.concat([short_occurrences(p, stories) for p in _iter_parts(
            work, ["doc_id", "domain", "short_block_keys", "reject_reason"])])
        chrome = pl.concat([chrome, cross_story_chrome(short).cast(chrome.schema)]).sort("domain", "block_key")
        del short
        if previous is not None:
            chrome = _with_previous_chrome(chrome, previous.chrome, config.site_min_stories)
        lookup = _chrome_lookup(chrome)
    elif previous is not None:
        chrome = previous.chrome.select(chrome.columns)
        lookup = _chrome_lookup(chrome)
    sigs, sizes, hashes = _sign(work, at, n, hasher, lookup, steps, with_hashes=True)
    del at
    # a page that was nothing but site chrome has no text left: it becomes a reject
    empty = [new_ids[i] for i in np.flatnonzero(sizes == 0)]
    if empty:
        keys = keys.with_columns(
            pl.when(pl.col("doc_id").is_in(empty)).then(pl.lit("no_text")).otherwise(pl.col("reject_reason"))
            .alias("reject_reason"),
            pl.when(pl.col("doc_id").is_in(empty)).then(pl.lit("every block was repeated site chrome"))
            .otherwise(pl.col("reject_detail")).alias("reject_detail"),
        )
    doc_ids, old = new_ids, None
    membership = None
    if previous is not None:
        doc_ids, sigs, sizes, hashes, old, membership = _with_previous_signatures(
            previous, new_ids, sigs, sizes, hashes)
        index = {d: i for i, d in enumerate(doc_ids)}
    labels, report["pass2"] = _near_dup_labels(sigs, sizes, config, previous=old, membership=membership,
                                               steps=steps)
    members = pl.DataFrame({"doc_id": doc_ids, "_label": labels, "_keep": sizes > 0},
                           schema={"doc_id": pl.String, "_label": pl.Int64, "_keep": pl.Boolean}).filter("_keep")
    hash_of = pl.DataFrame({"doc_id": doc_ids, "text_hash": hashes}, schema={"doc_id": pl.String,
                                                                              "text_hash": pl.String})
    locations = good.select("doc_id", "url", "domain")
    touched = None
    if previous is not None:
        members, touched = _split_previous(members, previous, config)
        locations = pl.concat([locations, previous.canon.select(locations.columns),
                               previous.dups.select(locations.columns)])
    members = members.with_columns(
        pl.col("doc_id").min().over("_label").alias("_first"),
        pl.len().over("_label").cast(pl.Int64).alias("cluster_size"),
    )
    firsts = members.select("_first").unique()
    firsts = firsts.with_columns(pl.col("_first").map_elements(cluster_id_for, return_dtype=pl.String)
                                 .alias("cluster_id"))
    members = members.join(firsts, on="_first", how="left").join(
        good.select("doc_id", "published_at", "fetched_at", "n_chars",
                    pl.col("domain").map_elements(lambda d: agency_of_domain(d) is not None, return_dtype=pl.Boolean)
                    .alias("on_agency_domain")),
        on="doc_id", how="left")
    decisions = choose_canonical(members, config.canonical_policy).with_columns(
        pl.lit(False).alias("is_previous"), pl.lit(False).alias("was_canonical"),
        pl.lit(None, pl.String).alias("previous_class"), pl.lit(None, pl.String).alias("previous_agency"),
        pl.lit(False).alias("merged"))
    if touched is not None:
        decisions = pl.concat([decisions, touched.select(decisions.columns)], how="vertical_relaxed")
    decisions = _similarity(decisions, hash_of, sigs, index)
    decisions = decisions.join(cluster_rights(decisions, good), on="cluster_id", how="left")
    if previous is not None:
        decisions = _previous_rights(decisions, previous)
    decisions, keys, report["licence_filter"] = _licence_choices(decisions, keys, good, config)
    prov = provenance(decisions, locations)
    report["site_chrome_blocks"] = chrome.height
    if previous is not None:
        report["previous"] = _previous_report(previous, decisions)
    return Decisions(keys, decisions, prov, chrome, report, doc_ids, sigs, sizes, hasher.params, previous)


def _licence_choices(decisions: pl.DataFrame, keys: pl.DataFrame, good: pl.DataFrame,
                     config: BuildConfig) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """The licence class of each cluster (its canonical's, after the cluster merge) decides where it
    is published: data/<class>/, withheld text, or (not selected by --licence) rejects for the whole
    cluster, so that no duplicate points at a canonical that is not published. A cluster whose
    canonical comes from the previous release keeps that release's class; its new copies follow it."""
    own = good.select("doc_id", "licence_class", "licence_scope")
    canon = decisions.filter("is_canonical").select("doc_id", "cluster_id", "wire_notice_doc_id",
                                                    "previous_class").join(own, on="doc_id", how="left").select(
        "cluster_id",
        pl.coalesce(
            "previous_class",
            pl.when(pl.col("wire_notice_doc_id").is_not_null()
                    & (pl.col("licence_scope").fill_null("") != "article_text"))
            .then(pl.lit("all-rights-reserved")).otherwise(pl.col("licence_class").fill_null("noassertion")),
        ).alias("publish_class"),
    )
    decisions = decisions.join(canon, on="cluster_id", how="left").with_columns(
        pl.col("publish_class").is_in(list(config.withhold_text)).alias("withhold_text"))
    report = {"classes": dict(sorted(Counter(canon["publish_class"].to_list()).items()))}
    if not config.licence_classes:
        return decisions, keys, report
    # records of a previous release stay as published; only this build's documents are filtered
    dropped = decisions.filter(~pl.col("publish_class").is_in(list(config.licence_classes)) & ~pl.col("is_previous"))
    ids = dropped["doc_id"].to_list()
    detail = f"its cluster's licence class is not in --licence {','.join(config.licence_classes)}"
    keys = keys.with_columns(
        pl.when(pl.col("doc_id").is_in(ids)).then(pl.lit("licence_not_selected")).otherwise(pl.col("reject_reason"))
        .alias("reject_reason"),
        pl.when(pl.col("doc_id").is_in(ids)).then(pl.lit(detail)).otherwise(pl.col("reject_detail"))
        .alias("reject_detail"),
    )
    report["not_selected_docs"] = dropped.height
    return decisions.filter(~pl.col("doc_id").is_in(ids)), keys, report


# ---------------------------------------------------------------- a previous release (--previous)

def _with_previous_chrome(counts: pl.DataFrame, prior: pl.DataFrame, min_stories: int) -> pl.DataFrame:
    """Site chrome from this crawl's block counts plus the previous release's boilerplate table: a
    block that was chrome stays chrome, and its counts add to this crawl's."""
    both = pl.concat([counts.select("domain", "block_key", "pages", "stories"),
                      prior.select("domain", "block_key", "pages", "stories")], how="vertical_relaxed")
    return (both.group_by("domain", "block_key").agg(pl.col("pages").sum().cast(pl.UInt32),
                                                     pl.col("stories").sum().cast(pl.UInt32))
            .filter(pl.col("stories") >= min_stories).sort("domain", "block_key"))


def _with_previous_signatures(previous: Previous, new_ids: list[str], sigs: np.ndarray, sizes: np.ndarray,
                              hashes: list) -> tuple:
    """One signature table over the previous release's documents and this crawl's, by sorted doc_id
    (the order a single build of both would use), with the previous clusters as membership edges."""
    doc_ids = sorted(previous.doc_ids + new_ids)
    index = {d: i for i, d in enumerate(doc_ids)}
    at_new = np.asarray([index[d] for d in new_ids], dtype=np.int64)
    at_old = np.asarray([index[d] for d in previous.doc_ids], dtype=np.int64)
    all_sigs = np.empty((len(doc_ids), sigs.shape[1]), dtype=np.uint32)
    all_sizes = np.zeros(len(doc_ids), dtype=np.int64)
    all_sigs[at_new], all_sizes[at_new] = sigs, sizes
    all_sigs[at_old], all_sizes[at_old] = previous.sigs, previous.sizes
    all_hashes: list = [None] * len(doc_ids)
    for i, h in zip(at_new, hashes):
        all_hashes[i] = h
    for d, h in previous.canon.select("doc_id", "content_sha256").iter_rows():
        if d in index:
            all_hashes[index[d]] = h
    old = np.zeros(len(doc_ids), dtype=bool)
    old[at_old] = True
    pairs = [(index[d], index[c]) for d, c in previous.dups.select("doc_id", "canonical_doc_id").iter_rows()
             if d in index and c in index]
    membership = (np.asarray([a for a, _ in pairs], dtype=np.int64), np.asarray([b for _, b in pairs], dtype=np.int64))
    return doc_ids, all_sigs, all_sizes, all_hashes, old, membership


def _split_previous(members: pl.DataFrame, previous: Previous,
                    config: BuildConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Components -> (members of components with only new documents, decisions of the previous
    clusters that new documents joined). Untouched previous clusters are in neither: they are
    carried over as published. A touched cluster keeps its previous canonical and cluster_id; when
    new documents bridge several previous clusters, the policy picks among their canonicals and the
    others become duplicates (a removal from data/: a major version)."""
    old = pl.concat([
        previous.canon.select("doc_id", pl.col("cluster_id").alias("_old_cluster"), pl.lit(True).alias("was_canonical")),
        previous.dups.select("doc_id", pl.col("cluster_id").alias("_old_cluster"), pl.lit(False).alias("was_canonical")),
    ])
    m = members.join(old, on="doc_id", how="left")
    comp = m.group_by("_label").agg(pl.col("_old_cluster").drop_nulls().n_unique().alias("_n_old"),
                                    pl.col("_old_cluster").is_null().any().alias("_has_new"),
                                    pl.len().cast(pl.Int64).alias("cluster_size"))
    m = m.join(comp, on="_label", how="left")
    new_only = m.filter(pl.col("_n_old") == 0).select(members.columns)
    t = m.filter((pl.col("_n_old") >= 1) & (pl.col("_has_new") | (pl.col("_n_old") > 1)))
    info = previous.canon.select(
        "doc_id", "published_at", "fetched_at", "n_chars",
        pl.col("domain").map_elements(lambda d: agency_of_domain(d) is not None, return_dtype=pl.Boolean)
        .alias("on_agency_domain"),
        pl.col("cluster_id").alias("_win_cluster"), pl.col("canonical_reason").alias("_old_reason"),
        pl.col("publish_class").alias("previous_class"), pl.col("original_source").alias("previous_agency"))
    cands = t.filter(pl.col("was_canonical").fill_null(False)).select("doc_id", "_label", "cluster_size").join(
        info, on="doc_id", how="left").with_columns(pl.col("_label").cast(pl.String).alias("cluster_id"))
    ranked = choose_canonical(cands, config.canonical_policy)
    winners = ranked.filter("is_canonical").select(
        pl.col("cluster_id").cast(pl.Int64).alias("_label"), "canonical_doc_id",
        pl.col("canonical_reason").alias("_merge_reason")).join(
        info.select("doc_id", "_win_cluster", "_old_reason", "previous_class", "previous_agency"),
        left_on="canonical_doc_id", right_on="doc_id", how="left")
    touched = t.join(winners, on="_label", how="left").select(
        "doc_id", pl.col("_win_cluster").alias("cluster_id"), "cluster_size",
        (pl.col("doc_id") == pl.col("canonical_doc_id")).alias("is_canonical"), "canonical_doc_id",
        pl.when(pl.col("_n_old") > 1).then(pl.col("_merge_reason")).otherwise(pl.col("_old_reason"))
        .alias("canonical_reason"),
        pl.col("_old_cluster").is_not_null().alias("is_previous"),
        pl.col("was_canonical").fill_null(False), "previous_class", "previous_agency",
        (pl.col("_n_old") > 1).alias("merged"),
    )
    return new_only, touched


def _previous_rights(decisions: pl.DataFrame, previous: Previous) -> pl.DataFrame:
    """New copies of a previous story take its canonical's agency (the published record stands)."""
    return decisions.with_columns(pl.coalesce("previous_agency", "cluster_agency").alias("cluster_agency"))


def _previous_report(previous: Previous, decisions: pl.DataFrame) -> dict:
    new = decisions.filter(~pl.col("is_previous"))
    prev_canon = set(previous.canon["doc_id"].to_list())
    demoted = decisions.filter(pl.col("is_previous") & pl.col("was_canonical") & ~pl.col("is_canonical"))
    touched = decisions.filter(pl.col("canonical_doc_id").is_in(list(prev_canon)))
    return {
        "path": previous.path.name, "name": previous.name, "version": previous.version,
        "documents": len(previous.all_ids),
        "new_canonical": int(new["is_canonical"].sum()),
        "new_duplicates": int((~new["is_canonical"]).sum()),
        "new_duplicates_of_previous": int(new.filter(~pl.col("is_canonical")
                                                     & pl.col("canonical_doc_id").is_in(list(prev_canon))).height),
        "previous_clusters_grown": int(touched["cluster_id"].n_unique()) if touched.height else 0,
        "previous_clusters_merged": int(decisions.filter(pl.col("merged").fill_null(False))["cluster_id"].n_unique()),
        "demoted_canonical": demoted.height,
        "demoted_doc_ids": sorted(demoted["doc_id"].to_list())[:100],
        "new_withheld": int(new.filter(pl.col("is_canonical") & pl.col("withhold_text"))
                            .height) if "withhold_text" in new.columns else 0,
        "counts": previous.run.get("counts", {}),
        "changelog": previous.changelog,
    }


def cluster_rights(decisions: pl.DataFrame, good: pl.DataFrame) -> pl.DataFrame:
    """Per cluster, what its copies say together: the wire agency (most copies' own evidence; ties
    alphabetical), the first dateline and wire copyright notice (by doc_id), and whether any copy
    carries the agency's notice in the story (which makes the story's text all-rights-reserved)."""
    m = decisions.select("doc_id", "cluster_id").join(good, on="doc_id", how="left").sort("doc_id")
    votes = (m.drop_nulls("agency").group_by("cluster_id", "agency").agg(pl.len().alias("votes"))
             .sort(["cluster_id", "votes", "agency"], descending=[False, True, False])
             .group_by("cluster_id", maintain_order=True)
             .agg(pl.col("agency").first().alias("cluster_agency"), pl.col("votes").first().alias("agency_votes"),
                  pl.col("agency").sort().alias("cluster_agencies")))
    wire = m.filter(pl.col("licence_scope") == "article_text")
    notices = wire.group_by("cluster_id", maintain_order=True).agg(
        pl.col("doc_id").first().alias("wire_notice_doc_id"),
        pl.col("copyright_holder").first().alias("cluster_copyright_holder"),
        pl.col("copyright_year").first().alias("cluster_copyright_year"),
        pl.col("copyright_notice").first().alias("cluster_copyright_notice"),
    )
    datelines = m.drop_nulls("dateline").group_by("cluster_id", maintain_order=True).agg(
        pl.col("dateline").first().alias("cluster_dateline"))
    base = decisions.select("cluster_id").unique()
    return base.join(votes, on="cluster_id", how="left").join(notices, on="cluster_id", how="left") \
        .join(datelines, on="cluster_id", how="left")


def _similarity(decisions: pl.DataFrame, hashes: pl.DataFrame, sigs: np.ndarray,
                index: dict[str, int]) -> pl.DataFrame:
    """similarity_to_canonical and match on duplicate rows: exact (normalised texts equal, 1.0) or
    near (the MinHash estimate of their Jaccard). Canonical rows get nulls."""
    dups = decisions.filter(~pl.col("is_canonical")).select("doc_id", "canonical_doc_id")
    a = np.asarray([index[d] for d in dups["doc_id"].to_list()], dtype=np.int64)
    b = np.asarray([index[d] for d in dups["canonical_doc_id"].to_list()], dtype=np.int64)
    sim = (sigs[a] == sigs[b]).mean(axis=1) if len(a) else np.empty(0)
    dups = dups.with_columns(pl.Series("_sim", sim, pl.Float64)).join(hashes, on="doc_id", how="left").join(
        hashes.rename({"doc_id": "canonical_doc_id", "text_hash": "_canon_hash"}), on="canonical_doc_id", how="left")
    exact = (pl.col("text_hash") == pl.col("_canon_hash")).fill_null(False)
    dups = dups.select(
        "doc_id",
        pl.when(exact).then(pl.lit(1.0)).otherwise(pl.col("_sim")).alias("similarity_to_canonical"),
        pl.when(exact).then(pl.lit("exact")).otherwise(pl.lit("near")).alias("match"),
    )
    return decisions.join(dups, on="doc_id", how="left")


def _resolve_repeated_ids(keys: pl.DataFrame, previous_ids: set[str] | None = None) -> pl.DataFrame:
    """The same doc_id on two input records: the first (by file, offset) keeps it, later ones are
    rejected under a derived id so that every doc_id still appears exactly once. A doc_id already in
    the previous release is taken: its record here is rejected the same way."""
    keys = keys.sort(["source_file", "source_offset"]).with_columns(
        pl.int_range(pl.len()).over("doc_id").alias("_seen")
    )
    taken = keys["doc_id"].is_in(list(previous_ids or ()))
    keys = keys.with_columns((pl.col("_seen") + taken.cast(pl.Int64)).alias("_seen"), taken.alias("_taken"))
    repeated = pl.col("_seen") > 0
    return keys.with_columns(
        pl.when(repeated).then(
            pl.format("{}#repeat:{}@{}", "doc_id", "source_file", "source_offset")
        ).otherwise(pl.col("doc_id")).alias("doc_id"),
        pl.when(repeated).then(pl.lit("repeated_doc_id")).otherwise(pl.col("reject_reason")).alias("reject_reason"),
        pl.when(pl.col("_taken")).then(pl.format("doc_id {} is already in the previous release", "doc_id"))
        .when(repeated).then(pl.format("doc_id {} was already read from an earlier record", "doc_id"))
        .otherwise(pl.col("reject_detail")).alias("reject_detail"),
    ).drop("_seen", "_taken")


# ---------------------------------------------------------------- stage 3: write (apply)

def apply_part(part: Path, verdict_file: Path, provenance_file: Path, lookup: dict[str, set[int]],
               spill_root: Path, shards: dict, tag: str) -> dict[tuple[str, int], str]:
    """Apply the decisions to one docs part: canonical rows (final text, merged rights) into the data
    buckets of their licence class, duplicates and rejects into theirs. A per-part task: both engines
    map it; its decisions come as files, so the client does not hold (or ship) a copy per task.
    Returns the smallest text of each removed (domain, block) seen, for boilerplate/."""
    row_key = ["source_file", "source_offset"]
    verdict, provenance = pl.read_parquet(verdict_file), pl.read_parquet(provenance_file)
    data = {cls: BucketSpill(spill_root / "data" / cls, n, "documents", tag) for cls, n in shards["data"].items()}
    dups_spill = BucketSpill(spill_root / "duplicates", shards["duplicates"], "duplicates", tag)
    rej_spill = BucketSpill(spill_root / "rejects", 1, "rejects", tag)
    samples: dict[tuple[str, int], str] = {}
    for batch in pq.ParquetFile(part).iter_batches(batch_size=4096):
        docs = pl.from_arrow(batch).drop("doc_id", "reject_reason", "reject_detail")
        docs = docs.join(verdict, on=row_key, how="left")
        canon = docs.filter(pl.col("is_canonical").fill_null(False)).join(provenance, on="doc_id", how="left")
        _collect_samples(docs, lookup, samples)
        canon = _canonical_rights(_final_text(canon, lookup)).with_columns(
            pl.when(pl.col("withhold_text")).then(None).otherwise(pl.col("text")).alias("text"))
        for cls, spill in data.items():
            spill.add(to_schema(canon.filter(pl.col("publish_class") == cls), "documents"))
        dups = docs.filter(pl.col("is_canonical").not_().fill_null(False)).with_columns(
            pl.col("cluster_agency").alias("original_source"))
        dups_spill.add(to_schema(dups, "duplicates"))
        rej = docs.filter(pl.col("reject_reason").is_not_null()).rename(
            {"reject_reason": "reason", "reject_detail": "detail"})
        rej_spill.add(to_schema(rej, "rejects"))
    return samples


def apply_and_write(work: Path, stage_dir: Path, dec: Decisions, config: BuildConfig,
                    steps: Steps | None = None) -> dict:
    steps = steps or Steps()
    row_key = ["source_file", "source_offset"]
    keys, decisions = dec.keys, dec.decisions
    verdict = keys.select(*row_key, "doc_id", "reject_reason", "reject_detail").join(
        decisions, on="doc_id", how="left"
    )
    class_bytes = Counter(dict(keys.join(decisions.filter("is_canonical").select("doc_id", "publish_class"),
                                         on="doc_id").group_by("publish_class").agg(pl.col("n_chars").sum()).iter_rows()))
    n_dups = decisions.height
    if dec.previous is not None:
        class_bytes.update(dict(dec.previous.canon.group_by("publish_class").agg(pl.col("n_chars").sum()).iter_rows()))
        n_dups += dec.previous.dups.height + dec.previous.canon.height
    data_spills = {cls: BucketSpill(work / "spill" / "data" / cls, shard_count(int(n or 0), config.shard_bytes),
                                    "documents") for cls, n in sorted(class_bytes.items())}
    spills = {
        "duplicates": BucketSpill(work / "spill" / "duplicates",
                                  shard_count(n_dups * 300, config.shard_bytes), "duplicates"),
        "rejects": BucketSpill(work / "spill" / "rejects", 1, "rejects"),
    }
    lookup = _chrome_lookup(dec.chrome)
    samples: dict[tuple[str, int], str] = {}
    # one task per docs part, each with the verdicts of its own records (parts and input files are one to one)
    by_file = verdict.partition_by("source_file", as_dict=True, include_key=True)
    shards = {"data": {cls: spill.n for cls, spill in data_spills.items()}, "duplicates": spills["duplicates"].n}
    items = []
    (work / "verdicts").mkdir(exist_ok=True)
    for i, part in enumerate(sorted((work / "docs").glob("*.parquet"))):
        names = pl.read_parquet(part, columns=["source_file"])["source_file"].unique().sort().to_list()
        mine = pl.concat([by_file.pop((n,)) for n in names if (n,) in by_file] or [verdict.clear()])
        verdict_file, provenance_file = work / "verdicts" / f"{i:05d}.parquet", work / "verdicts" / f"{i:05d}-prov.parquet"
        mine.write_parquet(verdict_file, compression="lz4")
        dec.provenance.join(mine.select("doc_id"), on="doc_id", how="semi").write_parquet(
            provenance_file, compression="lz4")
        items.append((part, verdict_file, provenance_file, lookup, work / "spill", shards, f"{i:05d}-"))
    del by_file, verdict
    for part_samples in steps.map(apply_part, items):
        for key, text in part_samples.items():
            if samples.get(key) is None or text < samples[key]:
                samples[key] = text
    if dec.previous is not None:
        _carry_previous(dec, data_spills, spills["duplicates"], spills["rejects"])
        for row in dec.previous.chrome.select("domain", "block_key", "sample_text").iter_rows():
            key = (row[0], row[1])
            if row[2] is not None and (samples.get(key) is None or row[2] < samples[key]):
                samples[key] = row[2]
    kv = base_metadata(config.sha256())
    outputs = {"data": []}
    for cls, spill in data_spills.items():
        files = write_sharded(spill, stage_dir / "data" / cls, "train", kv | {"dedup.table": "data",
                                                                             "dedup.licence_class": cls},
                              config.row_group_bytes)
        outputs["data"] += [{"file": p.relative_to(stage_dir).as_posix(), "rows": n} for p, n in files]
    for name, prefix in (("duplicates", "duplicates"), ("rejects", "rejects")):
        files = write_sharded(spills[name], stage_dir / name, prefix, kv | {"dedup.table": name},
                              config.row_group_bytes)
        outputs[name] = [{"file": p.relative_to(stage_dir).as_posix(), "rows": n} for p, n in files]
    chrome = dec.chrome.with_columns(
        pl.struct("domain", "block_key").map_elements(
            lambda r: samples.get((r["domain"], r["block_key"])), return_dtype=pl.String).alias("sample_text"),
        pl.when(pl.col("domain") == CROSS_SITE).then(pl.lit(STORY_CHROME)).otherwise(pl.lit(SITE_CHROME))
        .alias("action"),
    )
    table = to_schema(chrome.sort("domain", "block_key"), "boilerplate")
    dec.report["boilerplate_top"] = _top_chrome(chrome)
    (stage_dir / "boilerplate").mkdir()
    path = stage_dir / "boilerplate" / "boilerplate-00000-of-00001.parquet"
    write_parquet(table, path, kv | {"dedup.table": "boilerplate"}, config.row_group_bytes)
    outputs["boilerplate"] = [{"file": path.relative_to(stage_dir).as_posix(), "rows": table.num_rows}]
    outputs["signatures"] = _write_signatures(stage_dir, dec, config, kv)
    return outputs


def _carry_previous(dec: Decisions, data_spills: dict[str, BucketSpill], dups: BucketSpill,
                    rejects: BucketSpill) -> None:
    """Rewrite the previous release's rows into this one: unchanged, except the clusters that new
    documents joined (size, provenance) and canonicals demoted by a merge (now duplicates rows)."""
    prev = dec.previous
    assert prev is not None
    changed = dec.decisions.filter("is_previous").select(
        "doc_id", pl.col("cluster_id").alias("_cluster"), pl.col("cluster_size").alias("_size"),
        "is_canonical", pl.col("canonical_doc_id").alias("_canonical"), pl.col("canonical_reason").alias("_reason"),
        pl.col("similarity_to_canonical").alias("_sim"), pl.col("match").alias("_match"),
        pl.col("cluster_agency").alias("_agency"))
    prov = dec.provenance.rename({c: f"_{c}" for c in dec.provenance.columns if c != "doc_id"})
    prov_cols = [c for c in dec.provenance.columns if c != "doc_id"]
    for path in prev.files("data"):
        parts = path.relative_to(prev.path / "data").parts
        cls = parts[0] if len(parts) > 1 else "noassertion"
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            rows = pl.from_arrow(batch).join(changed, on="doc_id", how="left").join(prov, on="doc_id", how="left")
            hit = pl.col("is_canonical").is_not_null()
            stay = rows.filter(pl.col("is_canonical").fill_null(True)).with_columns(
                [pl.when(hit).then(pl.col(f"_{c}")).otherwise(pl.col(c)).alias(c) for c in prov_cols]
                + [pl.when(hit).then(pl.col("_cluster")).otherwise(pl.col("cluster_id")).alias("cluster_id"),
                   pl.when(hit).then(pl.col("_size")).otherwise(pl.col("cluster_size")).alias("cluster_size"),
                   pl.when(hit).then(pl.col("_reason")).otherwise(pl.col("canonical_reason")).alias("canonical_reason")])
            data_spills[cls].add(to_schema(stay, "documents"))
            demoted = rows.filter(pl.col("is_canonical") == False).with_columns(  # noqa: E712
                pl.col("_cluster").alias("cluster_id"), pl.col("_canonical").alias("canonical_doc_id"),
                pl.col("_sim").alias("similarity_to_canonical"), pl.col("_match").alias("match"),
                pl.col("_agency").alias("original_source"))
            dups.add(to_schema(demoted, "duplicates"))
    for path in prev.files("duplicates"):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            rows = pl.from_arrow(batch).join(changed, on="doc_id", how="left")
            moved = pl.col("_canonical").is_not_null() & (pl.col("_canonical") != pl.col("canonical_doc_id"))
            rows = rows.with_columns(
                pl.when(moved).then(pl.col("_cluster")).otherwise(pl.col("cluster_id")).alias("cluster_id"),
                pl.when(moved).then(pl.col("_canonical")).otherwise(pl.col("canonical_doc_id")).alias("canonical_doc_id"),
                pl.when(moved).then(pl.col("_sim")).otherwise(pl.col("similarity_to_canonical"))
                .alias("similarity_to_canonical"),
                pl.when(moved).then(pl.col("_match")).otherwise(pl.col("match")).alias("match"),
                pl.when(moved).then(pl.col("_agency")).otherwise(pl.col("original_source")).alias("original_source"))
            dups.add(to_schema(rows, "duplicates"))
    for path in prev.files("rejects"):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            rejects.add(pa.Table.from_batches([batch]).cast(schema("rejects")))



def _write_signatures(stage_dir: Path, dec: Decisions, config: BuildConfig, kv: dict) -> list[dict]:
    """signatures/: one row per clustered document, shards by the same doc_id hash as the data."""
    # documents that are published (in data/ or duplicates/): not rejects, not filtered out by licence
    canonical = dict(dec.decisions.select("doc_id", "is_canonical").iter_rows())
    if dec.previous is not None:  # carried over as published unless this build changed them
        for d in dec.previous.canon["doc_id"].to_list():
            canonical.setdefault(d, True)
        for d in dec.previous.dups["doc_id"].to_list():
            canonical.setdefault(d, False)
    keep = np.asarray([s > 0 and d in canonical for d, s in zip(dec.doc_ids, dec.sizes)], dtype=bool)
    ids = [d for d, k in zip(dec.doc_ids, keep) if k]
    sigs = dec.sigs[keep]
    frame = pl.DataFrame({"doc_id": ids, "n_shingles": dec.sizes[keep],
                          "is_canonical": [canonical[d] for d in ids]}, schema={
        "doc_id": pl.String, "n_shingles": pl.Int64, "is_canonical": pl.Boolean})
    flat = pa.array(sigs.reshape(-1), type=pa.uint32())
    offsets = pa.array(np.arange(0, len(ids) * sigs.shape[1] + 1, sigs.shape[1], dtype=np.int32))
    table = frame.to_arrow().append_column("signature", pa.ListArray.from_arrays(offsets, flat))
    table = table.select([f.name for f in schema("signatures")]).cast(schema("signatures"))
    meta = kv | {"dedup.table": "signatures"} | {f"dedup.minhash.{k}": str(v) for k, v in dec.hasher_params.items()} \
        | {"dedup.lsh.bands": str(config.bands), "dedup.lsh.rows": str(config.rows)}
    n = shard_count(table.nbytes, config.shard_bytes)
    folder = stage_dir / "signatures"
    folder.mkdir()
    buckets = pa.array([bucket_of(d, n) for d in ids], type=pa.int32())
    written = []
    for b in range(n):
        part = table.filter(pa.compute.equal(buckets, b)) if n > 1 else table
        path = folder / f"signatures-{b:05d}-of-{n:05d}.parquet"
        write_parquet(part, path, meta, config.row_group_bytes)
        written.append({"file": path.relative_to(stage_dir).as_posix(), "rows": part.num_rows})
    return written


def _top_chrome(chrome: pl.DataFrame, per_site: int = 5, sites: int = 20) -> dict[str, list]:
    """The most repeated removed blocks of the sites that lost the most blocks (for run.json)."""
    if chrome.height == 0:
        return {}
    biggest = chrome.group_by("domain").agg(pl.len().alias("n")).sort(["n", "domain"], descending=[True, False])
    top: dict[str, list] = {}
    for domain in biggest.head(sites)["domain"].to_list():
        rows = chrome.filter(pl.col("domain") == domain).sort(["pages", "block_key"], descending=[True, False])
        top[domain] = [{"text": (r["sample_text"] or "")[:120], "pages": r["pages"], "stories": r["stories"]}
                       for r in rows.head(per_site).iter_rows(named=True)]
    return top


def _collect_samples(docs: pl.DataFrame, lookup: dict[str, set[int]], samples: dict) -> None:
    """One text per removed (domain, block): the smallest, so the choice does not depend on order."""
    cross = lookup.get(CROSS_SITE, set())
    for domain, blocks, keys in docs.select("domain", "blocks", "block_keys").iter_rows():
        drop = lookup.get(domain or "", ())
        if not drop and not cross:
            continue
        for b, k in zip(blocks or (), keys or ()):
            at = (domain, k) if k in drop else (CROSS_SITE, k) if k in cross else None
            if at is not None and (samples.get(at) is None or b < samples[at]):
                samples[at] = b


def _canonical_rights(canon: pl.DataFrame) -> pl.DataFrame:
    """Merge what the cluster knows onto the canonical record (decide: pipeline.cluster_rights).

    - original_source: the cluster's agency; the vote is added to attribution_evidence;
    - dateline and copyright notice: the record's own, else a copy's;
    - licence: when a copy carries the wire agency's notice in the story and this record does not,
      the story is still the agency's: all-rights-reserved, scope article_text, with the evidence
      (and licence_conflict when the page itself claimed an open licence).
    """
    from dedup.rights.attribution import attribution_text
    from dedup.rights.licence import ARR, licence_class

    rows = canon.select("doc_id", "title", "url", "authors", "publisher", "licence_spdx", "licence_scope",
                        "licence_url", "licence_evidence", "licence_conflict", "attribution_evidence",
                        "cluster_agency", "agency_votes", "cluster_agencies", "cluster_size",
                        "wire_notice_doc_id").rows(named=True)
    out: dict[str, list] = {k: [] for k in ("licence_spdx", "licence_class", "licence_scope", "licence_url",
                                            "licence_evidence", "licence_conflict", "attribution_evidence",
                                            "attribution_text")}
    for r in rows:
        spdx, scope, url, conflict = r["licence_spdx"], r["licence_scope"], r["licence_url"], r["licence_conflict"]
        evidence = list(r["licence_evidence"] or [])
        if r["wire_notice_doc_id"] and scope != "article_text":
            evidence.append({"kind": "cluster_wire_copyright", "value": r["wire_notice_doc_id"],
                             "location": "cluster", "confidence": 0.9, "spdx": ARR})
            conflict = bool(conflict) or (spdx not in (ARR, "NOASSERTION"))
            spdx, scope, url = ARR, "article_text", None
        spdx = spdx or "NOASSERTION"
        attribution = list(r["attribution_evidence"] or [])
        if r["cluster_agency"] and (r["cluster_size"] or 1) > 1:
            attribution.append({"kind": "cluster", "agency": r["cluster_agency"],
                                "value": f"{r['agency_votes']} of {r['cluster_size']} copies name it"})
            for other in r["cluster_agencies"] or ():
                if other != r["cluster_agency"]:  # copies disagree: recorded, the majority stands
                    attribution.append({"kind": "cluster_conflict", "agency": other,
                                        "value": f"some copies name {other} instead"})
        out["licence_spdx"].append(spdx)
        out["licence_class"].append(licence_class(spdx))
        out["licence_scope"].append(scope)
        out["licence_url"].append(url)
        out["licence_evidence"].append(evidence)
        out["licence_conflict"].append(bool(conflict))
        out["attribution_evidence"].append(attribution)
        out["attribution_text"].append(attribution_text(r["title"], r["authors"], r["cluster_agency"],
                                                        r["publisher"], r["url"], spdx))
    sch = schema("documents")
    return canon.with_columns(
        [pl.Series(k, v, dtype=pl.from_arrow(pa.array([], type=sch.field(k).type)).dtype) for k, v in out.items()]
        + [pl.col("cluster_agency").alias("original_source"),
           pl.coalesce("dateline", "cluster_dateline").alias("dateline")]
        # the copyright of the TEXT: a copy's wire notice beats this page's own site notice
        + [pl.when(pl.col("wire_notice_doc_id").is_not_null() & (pl.col("licence_scope").fill_null("") != "article_text"))
           .then(pl.col(f"cluster_{c}")).otherwise(pl.coalesce(c, f"cluster_{c}")).alias(c)
           for c in ("copyright_holder", "copyright_year", "copyright_notice")]
    )


def _final_text(canon: pl.DataFrame, lookup: dict[str, set[int]]) -> pl.DataFrame:
    """Apply the cross-site decisions to canonical rows: text, n_chars, hash and removal counts."""
    texts, n_chars, hashes, n_removed, chars_removed = [], [], [], [], []
    for domain, title, blocks, keys, removed0, chars0 in canon.select(
            "domain", "title", "blocks", "block_keys", "blocks_removed", "boilerplate_chars_removed").iter_rows():
        kept, removed, chars = final_blocks(blocks, keys, domain, lookup, title)
        body = join_blocks(kept)
        texts.append(body)
        n_chars.append(len(body))
        hashes.append(text_hash(body))
        n_removed.append((removed0 or 0) + removed)
        chars_removed.append((chars0 or 0) + chars)
    return canon.with_columns(
        pl.Series("text", texts, pl.String), pl.Series("n_chars", n_chars, pl.Int64),
        pl.Series("content_sha256", hashes, pl.String), pl.Series("blocks_removed", n_removed, pl.Int64),
        pl.Series("boilerplate_chars_removed", chars_removed, pl.Int64),
    )


# ---------------------------------------------------------------- the whole build

def _peak_rss_mib(children: bool = False) -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return round(usage.ru_maxrss / 1024, 1)  # KiB on Linux


def _client(dask: DaskOptions | None, workers: int):
    """The Dask client for the build (closed at the end), or nothing for the embedded engine."""
    if dask is None:
        return nullcontext(None)
    from dedup.engine.dask_engine import open_client

    return open_client(dask.scheduler, dask.workers or workers, dashboard=dask.dashboard)


def prepare_output(out: Path, overwrite: bool) -> Path:
    """Check the output folder and make the staging folder next to it (renamed into place at the end)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise OutputError(f"--out {out} is not empty; choose another folder or pass --overwrite")
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = parent / f".{out.name}.partial-{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot write under {parent}: {exc.strerror or exc}") from exc
    return stage


def build(inputs: list[str], out: Path, config: BuildConfig, *, workers: int = 1, overwrite: bool = False,
          progress: Progress | None = None, previous: Path | None = None,
          dask: DaskOptions | None = None) -> RunSummary:
    """Build the dataset of `inputs` into `out`. With `previous` (a packaged release), the output is its
    next version: every previous record carried over with the same doc_id, new documents deduplicated
    against it as well as among themselves."""
    progress = progress or Progress()
    files = expand_inputs(inputs)
    prev = None
    if previous is not None:
        if Path(out).resolve() == Path(previous).resolve():
            raise OutputError(f"--out {out} is the --previous release; write the next release to a new folder")
        hasher = MinHasher(num_perm=config.num_perm, seed=config.seed, ngram=config.ngram,
                           unit=config.shingle_unit, hash=config.hash)
        prev = load_previous(Path(previous), hasher.params, config.bands, config.rows)
    stage_dir = prepare_output(out, overwrite)
    summary = RunSummary(config=config.to_dict())
    try:
        work = stage_dir / WORK
        t0 = time.perf_counter()
        sizes = [storage.size(f.path) for f in files]  # once: for a URL each is a request
        progress.start(sum(sizes), len(files))
        with _client(dask, workers) as client:
            progress.stage("read+extract")
            results = run_extract(files, sizes, work, workers, config, progress, dask, client)
            t1 = time.perf_counter()
            memory = {"read_extract": _peak_rss_mib()}
            progress.stage("cluster+select")
            with (nullcontext(dask_steps(client, dask.components)) if dask else embedded_steps(workers)) as steps:
                dec = decide(work, config, prev, steps)
                t2 = time.perf_counter()
                memory["cluster_select"] = _peak_rss_mib()
                progress.stage("write")
                outputs = apply_and_write(work, stage_dir, dec, config, steps)
        t3 = time.perf_counter()
        memory["write"] = _peak_rss_mib()
        memory["extract_workers"] = _peak_rss_mib(children=True)
        progress.stop()
        shutil.rmtree(work)
        _fill_summary(summary, files, sizes, results, dec.keys, outputs, (t0, t1, t2, t3), workers, stage_dir, prev)
        summary.timings_s["engine"] = "dask" if dask else "embedded"
        # high-water marks of this process after each stage (the stage where it grows set the peak),
        # and of the largest extract worker process (embedded engine; Dask workers report to Dask)
        summary.timings_s["peak_rss_mib"] = memory
        if dask:
            summary.timings_s["dask"] = {"scheduler": dask.scheduler or "LocalCluster",
                                         "workers": dask.workers or workers, "components": dask.components}
        summary.previous = dec.report.pop("previous", {})
        summary.near_duplicates = dec.report
        (stage_dir / "run.json").write_text(summary.to_json(), "utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(stage_dir, out)
    except BaseException:
        progress.stop()
        shutil.rmtree(stage_dir, ignore_errors=True)
        raise
    return summary


def _fill_summary(summary: RunSummary, files: list[InputFile], input_bytes: list[int], results: list[dict], keys: pl.DataFrame,
                  outputs: dict, times: tuple, workers: int, stage_dir: Path, previous: Previous | None) -> None:
    """Counts of the whole release (a previous release's records included), from the files written."""
    stats: Counter = Counter()
    for r in results:
        stats.update(r["stats"])
    rejects = keys.filter(pl.col("reject_reason").is_not_null())
    by_reason = Counter(rejects["reject_reason"].to_list())
    n_rows = keys.height
    skipped = stats.get("skipped", 0)
    if previous is not None:
        by_reason.update(previous.run.get("rejects_by_reason", {}))
        n_rows += previous.run.get("counts", {}).get("input_records", 0)
        skipped += previous.run.get("counts", {}).get("skipped_records", 0)
    written = {k: sum(f["rows"] for f in v) for k, v in outputs.items()}
    sizes = pl.concat([pl.read_parquet(stage_dir / f["file"], columns=["cluster_size"]) for f in outputs["data"]]) \
        if outputs["data"] else pl.DataFrame({"cluster_size": []}, schema={"cluster_size": pl.Int64})
    t0, t1, t2, t3 = times
    summary.counts = {
        "input_records": n_rows,
        "canonical": written.get("data", 0),
        "duplicates": written.get("duplicates", 0),
        "rejects": written.get("rejects", 0),
        "clusters": written.get("data", 0),  # one canonical record per cluster
        "clusters_with_copies": int((sizes["cluster_size"] > 1).sum()),
        "skipped_records": skipped,
        "accounting_ok": written.get("data", 0) + written.get("duplicates", 0) + written.get("rejects", 0) == n_rows,
    }
    summary.rejects_by_reason = dict(sorted(by_reason.items()))
    summary.skipped_by_type = {k.split(".", 1)[1]: v for k, v in sorted(stats.items())
                               if k.startswith("records.") and k.split(".", 1)[1] in
                               ("request", "metadata", "warcinfo", "arc_header")}
    summary.outputs = outputs
    elapsed = t3 - t0
    summary.timings_s = {"read_extract": round(t1 - t0, 3), "cluster_select": round(t2 - t1, 3),
                         "write": round(t3 - t2, 3), "total": round(elapsed, 3),
                         "docs_per_s": round(keys.height / elapsed, 1) if elapsed > 0 else None,
                         "workers": workers}
    summary.finished_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    summary.inputs = [{"file": f.name, "format": f.format, "bytes": n} for f, n in zip(files, input_bytes)]
    summary.versions = {"dedup": __version__, "python": platform.python_version(), "pyarrow": pa.__version__,
                        "polars": pl.__version__}
