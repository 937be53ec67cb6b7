"""build: the stage line of `dedup build`.

    ingest -> keys -> stories -> site_chrome -> sign -> cluster -> select -> rights -> write

Each stage is a function below that reads the outputs of the earlier ones from the work folder
(`dedup/workdir.py`), calls the module that owns its rules, writes its own outputs there, and leaves a
completion marker. A build killed at any point resumes from the last finished stage when the same
command runs again (docs/architecture.md). Where tasks run (this machine's processes, or Dask) is the
engine's business (`dedup/engine/`): a stage only calls `Steps`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

from dedup import spill
from dedup.config import BuildConfig
from dedup.engine import dask_engine, embedded
from dedup.engine.steps import DaskOptions, Steps
from dedup.errors import InternalError
from dedup.ingest import ingest_file
from dedup.keys import (NEW, PREVIOUS_SIGNED, PREVIOUS_TAKEN, Source, bucket_bounds, gather_source, read_keys,
                        resolve_bucket, sample_source, scatter_source)
from dedup import keys as keys_rows
from dedup.cputime import StageCpu
from dedup.memory import Budget, RssSampler, freeze_loaded, release
from dedup.neardup.lsh import VerifyParams
from dedup.neardup.minhash import kernels_cached, s_curve
from dedup.neardup.ondisk import BYTES_PER_BAND_ROW, BYTES_PER_EDGE_DOC, BYTES_PER_GUARD_EDGE, near_dup_components
from dedup.neardup.sign import hasher, hasher_params, passage_rows_count, sign_part, sign_previous
from dedup.neardup.store import assemble_block, n_blocks, write_meta
from dedup.partitions import (BYTES_PER_MEMBER, merge_figures, rights_partition, scatter_members, scatter_previous,
                              select_partition)
from dedup.previous import (Previous, carry_previous, check_rights_settings, load_previous, previous_report,
                             signature_rows, with_chrome_since)
from dedup.run_report import FileNotRead, RunReport, chrome_scope, from_build
from dedup.schema import frame
from dedup.shards import BucketSpill, shard_count
from dedup.sitechrome import BYTES_PER_OCCURRENCE, OCCURRENCES_PER_PAGE, count_bucket, scatter_occurrences
from dedup.sources import storage
from dedup.sources.inputs import InputFile, expand_inputs
from dedup.text.blocks import CHROME_SCHEMA, chrome_lookup, merge_page_removals, no_chrome
from dedup.workdir import (WorkDir, build_fingerprint, check_output, output_error, release_lock, replace_folder,
                           take_staging)
from dedup.write import apply_part, merge_samples, signature_table_bytes, write_tables

__all__ = ["STAGES", "DaskOptions", "Interrupted", "Progress", "build"]

STAGES = ("ingest", "keys", "stories", "site_chrome", "sign", "cluster", "select", "rights", "write")
GLOBAL_STAGES = STAGES[1:-1]  # the cross-part steps between ingest and write ("cluster+select" in run.json)


class Progress:
    """What the CLI shows while a build runs; the pipeline only calls these hooks."""

    def start(self, total_bytes: int, n_files: int) -> None:
        """The build starts: this many input bytes in this many files."""

    def advance(self, nbytes: int, ndocs: int) -> None:
        """Ingest: input bytes read and documents extracted since the last call."""

    def stage(self, name: str) -> None:
        """A stage starts."""

    def reused(self, name: str) -> None:
        """A stage an interrupted run of the same build finished is reused, not run."""

    def total(self, n: int, unit: str) -> None:
        """The running stage has n units of work (parts, documents, the tasks of one of its steps...)."""

    def step(self, n: int = 1) -> None:
        """n units of the running stage are done."""

    def note(self, message: str) -> None:
        """A one-line notice (the MinHash kernels compiling on a cold cache)."""

    def stop(self) -> None:
        """The build ended (or failed)."""


class Interrupted(BaseException):
    """SIGTERM (what `timeout`, SLURM and `kill` send): stop like Ctrl-C, keeping the work for a resume."""


@dataclass
class Build:
    """What the stages of one build share: where its work is, what it reads, where tasks run."""

    files: list[InputFile]
    input_bytes: list[int]
    work: WorkDir
    config: BuildConfig
    previous: Previous | None
    steps: Steps
    progress: Progress
    fingerprint: str
    budget: Budget = field(default_factory=lambda: Budget.default(1))
    timings: dict[str, float] = field(default_factory=dict)
    step_timings: dict[str, dict[str, float]] = field(default_factory=dict)
    layout: dict[str, int] = field(default_factory=dict)  # how many partitions each step used (run.json)
    resumed: list[str] = field(default_factory=list)
    files_reused: int = 0  # input files an interrupted run had read (their docs parts kept)
    not_read: list[FileNotRead] = field(default_factory=list)  # files of the crawl folders not read (run.json)
    _step: tuple[str, str, float] | None = None
    _stage: str = ""

    @property
    def parts(self) -> list[Path]:
        return self.work.doc_parts()

    def sources(self) -> list[Source]:
        """Where key rows come from: the docs parts, then the previous release's signatures (signed
        documents) and its data, duplicates and rejects (taken ids)."""
        sources = [Source(NEW, p) for p in self.parts]
        if self.previous is not None:
            sources += [Source(PREVIOUS_SIGNED, f) for f in self.previous.files("signatures")]
            sources += [Source(PREVIOUS_TAKEN, f) for t in ("data", "duplicates", "rejects")
                        for f in self.previous.files(t)]
        return sources

    def keys_file(self, source: int) -> Path:
        """The keys of one source (`keys.gather_source`), row-aligned with it."""
        return self.work.folder("keys") / f"src-{source:05d}.arrow"

    def figures(self, stage: str) -> dict[str, Any]:
        """What a finished stage recorded (its marker)."""
        done = self.work.finished(stage, self.fingerprint)
        if done is None:
            raise InternalError(f"stage {stage} is not finished")
        return done

    @property
    def n(self) -> int:
        """How many documents have a global index (this crawl's signed ones and a previous release's)."""
        return int(self.figures("keys")["_index"]["n"])

    def phase(self, name: str | None) -> None:
        """A step of the running stage starts (None: the stage ends): timed for run.json."""
        now = time.perf_counter()
        if self._step is not None:
            stage, previous, t = self._step
            self.step_timings.setdefault(stage, {})[previous] = round(now - t, 3)
        self._step = (self._stage, name, now) if name is not None else None

    def map(self, fn: Callable[..., Any], items: list[tuple], unit: str | None = None) -> list:
        """Tasks of a stage through the engine, each finished one counted as the stage's progress."""
        self.progress.total(len(items), unit or fn.__name__.replace("_", " "))
        shown = [0]

        def done(finished: int, total: int) -> None:
            self.progress.step(finished - shown[0])
            shown[0] = finished
        return self.steps.map(fn, items, done)


# ---------------------------------------------------------------- the stages

def stage_ingest(b: Build) -> dict[str, Any]:
    """Every input file -> one `docs` part (read, extract, within-page blocks). Files whose part was
    finished by an interrupted run are not read again."""
    b.work.docs.mkdir(parents=True, exist_ok=True)
    results: list[dict | None] = [None] * len(b.files)
    todo = []
    for i, inp in enumerate(b.files):
        done = _part_result(b.work.doc_part(i))
        if done is not None:
            results[i] = done
            b.progress.advance(b.input_bytes[i], done["rows"])
        else:
            todo.append(i)

    reported = [0] * len(b.files)  # input bytes already shown, per file (WARC offsets, as records are read)

    def rows_read(j: int, rows: int, nbytes: int) -> None:
        i = todo[j]
        nbytes = max(0, min(nbytes, b.input_bytes[i] - reported[i]))
        reported[i] += nbytes
        b.progress.advance(nbytes, rows)

    def finished(j: int, result: dict) -> None:
        i = todo[j]
        _save_part_result(b.work.doc_part(i), result)
        results[i] = result
        b.progress.advance(b.input_bytes[i] - reported[i], 0)
        reported[i] = b.input_bytes[i]

    b.files_reused = len(b.files) - len(todo)
    items = [(b.files[i], b.work.doc_part(i), b.config.max_payload_bytes) for i in todo]
    b.steps.map_files(partial(ingest_file, max_html=b.config.max_html_bytes), items, finished, rows_read)
    return {"files": results}


def stage_keys(b: Build) -> dict[str, Any]:
    """Every input row's final doc_id (repeated ids rejected) and each signed document's global index
    (its rank by doc_id), bucket by bucket (`dedup/keys.py`)."""
    folder = _fresh(b.work.folder("keys"))
    sources = b.sources()
    b.phase("sample")
    samples = b.map(sample_source, [(s,) for s in sources])
    rows = [r for r, _ in samples]
    bounds = bucket_bounds([ids for _, ids in samples], b.budget.partitions(sum(rows), keys_rows.BYTES_PER_ROW))
    b.layout["keys_buckets"] = len(bounds) + 1
    b.phase("scatter")
    scattered = [folder / f"scatter-{i:05d}.arrow" for i in range(len(sources))]
    b.map(scatter_source, [(i, s, bounds, f) for i, (s, f) in enumerate(zip(sources, scattered))])
    b.phase("resolve")
    resolved = [folder / f"bucket-{k:05d}.arrow" for k in range(len(bounds) + 1)]
    version = b.previous.version if b.previous is not None else None
    counts = b.map(resolve_bucket, [(k, scattered, f, version) for k, f in enumerate(resolved)])
    offsets = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64).tolist()
    b.phase("gather")
    indexed = [i for i, s in enumerate(sources) if s.kind != PREVIOUS_TAKEN]
    b.map(gather_source, [(i, resolved, offsets, rows[i], b.keys_file(i)) for i in indexed])
    for f in scattered + resolved:
        f.unlink(missing_ok=True)
    b.phase(None)
    return {"_index": {"n": int(sum(counts)), "buckets": len(resolved)}}


def stage_stories(b: Build) -> dict[str, Any]:
    """Preliminary stories on the within-page text (pass 1), to count blocks per story and site."""
    if not b.config.site_chrome:
        return {}
    _announce_compilation(b)
    _sign(b, "sig1", {}, with_hashes=False)
    story, report = _near_dups(b, "sig1", VerifyParams.for_stories(b.config))
    np.save(b.work.folder("sig1") / "stories.npy", story)
    b.phase(None)
    return {"pass1": report}


def stage_site_chrome(b: Build) -> dict[str, Any]:
    """Blocks repeated across the stories of one site (plus a previous release's chrome), counted bucket
    by bucket (`dedup/sitechrome.py`)."""
    config, previous = b.config, b.previous
    chrome = no_chrome()
    if config.site_chrome:
        folder = _fresh(b.work.folder("chrome"))
        # with a previous release every block counts: its own counts are added below
        min_stories = config.site_min_stories if previous is None else 1
        parts = b.parts
        buckets = b.budget.partitions(b.n * OCCURRENCES_PER_PAGE, BYTES_PER_OCCURRENCE)
        b.layout["chrome_buckets"] = buckets
        b.phase("scatter")
        scattered = [folder / f"occ-{i:05d}.arrow" for i in range(len(parts))]
        short = [folder / f"short-{i:05d}.arrow" for i in range(len(parts))]
        stories = b.work.folder("sig1") / "stories.npy"
        b.map(scatter_occurrences, [(p, b.keys_file(i), stories, buckets, f, g)
                                    for i, (p, f, g) in enumerate(zip(parts, scattered, short))])
        b.phase("count")
        # with a previous release, its chrome is added bucket by bucket (a (domain, block) is in one bucket)
        prior = previous.chrome.select(list(CHROME_SCHEMA)) if previous is not None else None
        items = [(scattered, short, k, min_stories,
                  None if prior is None else prior.filter(pl.col("block_key") % buckets == k),
                  config.site_min_stories) for k in range(buckets)]
        counted = b.map(count_bucket, items)
        chrome = pl.concat([no_chrome(), *counted]).sort("domain", "block_key")
        shutil.rmtree(folder, ignore_errors=True)
        b.phase(None)
    elif previous is not None:
        chrome = previous.chrome.select(chrome.columns)
    chrome.write_parquet(b.work.table("chrome"))
    return {"site_chrome_blocks_in_crawl": chrome.height,
            "site_chrome_blocks_counted_over": chrome_scope(previous is not None)}


def stage_sign(b: Build) -> dict[str, Any]:
    """Signatures of every kept document's final text (after the cross-site pass), on disk in doc order
    (a previous release's signatures included)."""
    lookup = chrome_lookup(pl.read_parquet(b.work.table("chrome")))
    _announce_compilation(b)
    _sign(b, "sig2", lookup, with_hashes=True, previous=True)
    shutil.rmtree(b.work.folder("sig1"), ignore_errors=True)
    b.phase(None)
    return {}


def stage_cluster(b: Build) -> dict[str, Any]:
    """Verified near-duplicate components over every signed document (a previous release's included)."""
    previous_file = membership = None
    if b.previous is not None:
        previous_file, membership = _previous_index(b)
    labels, report = _near_dups(b, "sig2", VerifyParams.for_clusters(b.config), previous_file, membership)
    np.save(b.work.folder("sig2") / "labels.npy", labels)
    b.phase(None)
    return {"pass2": report}


def stage_select(b: Build) -> dict[str, Any]:
    """One canonical record per cluster, by the configured policy, and each copy's similarity to it,
    partition by partition (`dedup/partitions.py`)."""
    folder = _fresh(b.work.folder("select"))
    parts, sig = b.parts, b.work.folder("sig2")
    partitions = b.budget.partitions(b.n, BYTES_PER_MEMBER)
    b.layout["cluster_partitions"] = partitions
    b.phase("scatter")
    members = [folder / f"members-{i:05d}.arrow" for i in range(len(parts))]
    b.map(scatter_members, [(i, p, b.keys_file(i), sig / f"part-{i:05d}.arrow", sig / "labels.npy", partitions, f)
                            for i, (p, f) in enumerate(zip(parts, members))])
    previous_files = None
    if b.previous is not None:
        previous_files = ([folder / "previous-canon.arrow"], [folder / "previous-dups.arrow"])
        members.append(folder / "members-previous.arrow")
        scatter_previous(len(parts), _previous_docs(b), sig / "labels.npy", partitions, members[-1],
                         b.previous.canon, b.previous.dups, previous_files[0][0], previous_files[1][0])
    b.phase("select")
    selected = [folder / f"selected-{k:05d}.arrow" for k in range(partitions)]
    b.map(select_partition, [(members, k, b.config.canonical_policy, sig, previous_files, f)
                             for k, f in enumerate(selected)])
    b.phase(None)
    return {"_partitions": partitions}


def stage_rights(b: Build) -> dict[str, Any]:
    """What each cluster's copies say together (agency, dateline, wire notice) and the licence class it
    is published under; clusters not selected by --licence become rejects."""
    folder, out = b.work.folder("select"), _fresh(b.work.folder("rights"))
    partitions = int(b.figures("select")["_partitions"])
    members = sorted(folder.glob("members-*.arrow"))
    previous_files = None
    if b.previous is not None:
        previous_files = ([folder / "previous-canon.arrow"], [folder / "previous-dups.arrow"])
    b.phase("rights")
    items = [(members, k, folder / f"selected-{k:05d}.arrow", b.config, previous_files, len(b.parts),
              tuple(out / f"{name}-{k:05d}.arrow" for name in ("decisions", "rejects", "provenance")))
             for k in range(partitions)]
    totals = merge_figures(b.map(rights_partition, items))
    figures: dict[str, Any] = {"licence_filter": totals.pop("licence_filter")}
    if b.previous is not None:
        figures["previous"] = previous_report(b.previous, totals.pop("previous"))
    totals.pop("previous", None)
    figures["_counts"] = totals
    b.phase(None)
    return figures


def stage_write(b: Build) -> dict[str, Any]:
    """Apply the decisions: every output table, sharded, into the staging folder."""
    for folder in ("data", "duplicates", "rejects", "boilerplate", "signatures"):  # a write cut short
        shutil.rmtree(b.work.stage_dir / folder, ignore_errors=True)
    spill_root = _fresh(b.work.root / "spill")
    config, previous, counts = b.config, b.previous, b.figures("rights")["_counts"]
    class_bytes = Counter(counts["class_chars"])
    n_dups = counts["decisions"]
    sig_rows, sig_id_bytes = counts["signatures_new"], counts["signature_id_bytes_new"]
    prev_sigs = None
    if previous is not None:
        class_bytes.update(dict(previous.canon.group_by("publish_class").agg(pl.col("n_chars").sum()).iter_rows()))
        n_dups += previous.dups.height + previous.canon.height
        prev_sigs = previous.published_signatures()
        sig_rows += prev_sigs.height
        sig_id_bytes += int(prev_sigs["doc_id"].str.len_bytes().sum() or 0)
    data_spills = {cls: BucketSpill(spill_root / "data" / cls, shard_count(int(n or 0), config.shard_bytes),
                                    "documents") for cls, n in sorted(class_bytes.items())}
    spills = {"duplicates": BucketSpill(spill_root / "duplicates", shard_count(n_dups * 300, config.shard_bytes),
                                        "duplicates"),
              "rejects": BucketSpill(spill_root / "rejects", 1, "rejects"),
              "signatures": BucketSpill(spill_root / "signatures", shard_count(
                  signature_table_bytes(sig_rows, sig_id_bytes, config.num_perm), config.shard_bytes), "signatures")}
    shards = {"data": {cls: sp.n for cls, sp in data_spills.items()}, "duplicates": spills["duplicates"].n,
              "signatures": spills["signatures"].n}
    rights = b.work.folder("rights")
    partitions = int(b.figures("select")["_partitions"])
    decided = tuple([rights / f"{name}-{k:05d}.arrow" for k in range(partitions)]
                    for name in ("decisions", "rejects", "provenance"))
    lookup = chrome_lookup(chrome := pl.read_parquet(b.work.table("chrome")))
    sig = b.work.folder("sig2")
    b.phase("apply")
    items = [(p, i, b.keys_file(i), decided, sig / f"part-{i:05d}.arrow", config.num_perm, config.shingle_unit,
              lookup, spill_root, shards, f"{i:05d}-") for i, p in enumerate(b.parts)]
    samples: dict[tuple[str, int], str] = {}
    removals: list[pl.DataFrame] = []
    rows, by_char = 0, set()
    rejects: Counter[str] = Counter()
    for result in b.map(apply_part, items, "parts written"):
        merge_samples(samples, result["samples"])
        removals.append(result["page_removals"])
        rows += result["rows"]
        rejects.update(result["rejects"])
        by_char |= result["char_unit_languages"]
    if previous is not None:
        b.phase("previous")
        group = len(b.parts)
        prev_decisions = pl.concat([frame(spill.read_group(f, group)) for f in decided[0]], how="vertical_relaxed")
        prev_provenance = pl.concat([frame(spill.read_group(f, group)) for f in decided[2]], how="vertical_relaxed")
        carry_previous(previous, prev_decisions, prev_provenance, data_spills, spills["duplicates"], spills["rejects"])
        assert prev_sigs is not None  # read above whenever there is a previous release
        spills["signatures"].add(signature_rows(prev_sigs, prev_decisions))
        merge_samples(samples, {(d, k): t for d, k, t in previous.chrome.select("domain", "block_key", "sample_text")
                                .iter_rows() if t is not None})
    b.phase("shards")
    outputs, figures = write_tables(b.work.stage_dir, spills, data_spills, with_chrome_since(chrome, previous),
                                    samples, merge_page_removals(removals), config, by_char, b.map)
    shutil.rmtree(spill_root, ignore_errors=True)
    b.phase(None)
    return {"outputs": outputs, **figures, "_rows": {"input_records": rows, "rejects": dict(sorted(rejects.items()))}}


# ---------------------------------------------------------------- stage helpers

def _fresh(folder: Path) -> Path:
    """An empty work subfolder (what an interrupted run of the stage left is dropped)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _sign(b: Build, name: str, chrome: dict[str, set[int]], with_hashes: bool, previous: bool = False) -> None:
    """A signing pass into the store `name`: the parts' tasks, the previous release's signatures (pass 2),
    then the blocks in doc order."""
    config, folder = b.config, _fresh(b.work.folder(name))
    block_rows = b.budget.rows(config.num_perm * 4 * 2, cap=4_000_000)
    write_meta(folder, b.n, config.num_perm, block_rows)
    b.layout["store_blocks"] = n_blocks(b.n, block_rows)
    params = hasher_params(config)
    b.phase("sign")
    parts = b.parts
    b.map(sign_part, [(p, b.keys_file(i), params, chrome, with_hashes, block_rows, config.bands, config.rows,
                       folder / f"part-{i:05d}.arrow", folder / f"bands-{i:05d}.arrow") for i, p in enumerate(parts)])
    if previous and b.previous is not None:
        shards = b.previous.files("signatures")
        b.map(sign_previous, [(f, b.keys_file(len(parts) + j), config.num_perm, block_rows, config.bands,
                               config.rows, folder / f"part-{len(parts) + j:05d}.arrow",
                               folder / f"bands-{len(parts) + j:05d}.arrow") for j, f in enumerate(shards)])
    b.phase("assemble")
    part_files = sorted(folder.glob("part-*.arrow"))
    b.map(assemble_block, [(folder, k, part_files) for k in range(n_blocks(b.n, block_rows))])


def _near_dups(b: Build, name: str, params: VerifyParams, previous_file: Path | None = None,
               membership: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, dict]:
    """LSH candidates, verification and components over the store `name` (`neardup/ondisk.py`)."""
    config, folder = b.config, b.work.folder(name)
    n = b.n
    band_files = sorted(folder.glob("bands-*.arrow"))
    bands_per_group = max(1, min(config.bands, b.budget.rows(BYTES_PER_BAND_ROW) // max(1, n)))
    key_ranges = b.budget.partitions(n, BYTES_PER_BAND_ROW)  # > 1 when one band is more than a task holds
    # the long passages' rows are read only by the rule that checks them (`ondisk.near_dup_components`)
    passage_key_ranges = (b.budget.partitions(passage_rows_count(band_files), BYTES_PER_BAND_ROW)
                          if params.passage_coverage <= 1.0 else 1)
    edge_partitions = b.budget.partitions(n, BYTES_PER_EDGE_DOC)
    b.layout |= {"band_groups": -(-config.bands // bands_per_group), "key_ranges": key_ranges,
                 "edge_partitions": edge_partitions}
    return near_dup_components(
        b.map, band_files, n, config.bands, config.hot_bucket_cap, params, folder, folder / "edges",
        bands_per_group=bands_per_group, edge_partitions=edge_partitions, components=b.steps.components,
        previous_file=previous_file, membership=membership, guard_batch_edges=b.budget.rows(BYTES_PER_GUARD_EDGE),
        key_ranges=key_ranges, passage_key_ranges=passage_key_ranges, step=b.phase)


def _previous_docs(b: Build) -> pl.DataFrame:
    """The previous release's signed documents: doc_id, global index, shingle count, and the text hash
    of the canonicals (for exact-match flags)."""
    assert b.previous is not None
    first, frames = len(b.parts), []
    for j, f in enumerate(b.previous.files("signatures")):
        own = pl.read_parquet(f, columns=["doc_id", "n_shingles"])
        frames.append(own.with_columns(read_keys(b.keys_file(first + j), ["doc"])["doc"]))
    docs = pl.concat(frames) if frames else pl.DataFrame(schema={"doc_id": pl.String, "n_shingles": pl.Int64,
                                                                 "doc": pl.Int64})
    hashes = b.previous.canon.select("doc_id", pl.col("content_sha256").alias("hash"))
    return docs.join(hashes, on="doc_id", how="left").sort("doc")


def _previous_index(b: Build) -> tuple[Path, tuple[np.ndarray, np.ndarray]]:
    """A mask of the previous release's documents (a file the verification tasks read) and its
    clusters as membership edges (each duplicate to its canonical)."""
    assert b.previous is not None
    docs = _previous_docs(b)
    mask = np.zeros(b.n, dtype=bool)
    mask[docs["doc"].to_numpy()] = True
    path = b.work.folder("sig2") / "previous.npy"
    np.save(path, mask)
    index = docs.select("doc_id", "doc")
    pairs = b.previous.dups.select("doc_id", "canonical_doc_id").join(index, on="doc_id").join(
        index.rename({"doc_id": "canonical_doc_id", "doc": "canonical"}), on="canonical_doc_id")
    return path, (pairs["doc"].to_numpy().astype(np.int64), pairs["canonical"].to_numpy().astype(np.int64))


STAGE_FUNCTIONS: dict[str, Callable[[Build], dict[str, Any]]] = {
    "ingest": stage_ingest, "keys": stage_keys, "stories": stage_stories, "site_chrome": stage_site_chrome,
    "sign": stage_sign, "cluster": stage_cluster, "select": stage_select, "rights": stage_rights,
    "write": stage_write,
}


# ---------------------------------------------------------------- running them

def build(inputs: list[str], out: Path, config: BuildConfig, *, workers: int = 1, overwrite: bool = False,
          progress: Progress | None = None, previous: Path | None = None,
          dask: DaskOptions | None = None, resume: bool = True, memory: str | int | None = None) -> RunReport:
    """Build the dataset of `inputs` into `out`. With `previous` (a packaged release), the output is its
    next version: every previous record carried over with the same doc_id, new documents deduplicated
    against it as well as among themselves. With `resume`, the work an interrupted run of the same
    inputs and config left behind is reused. `memory`: the budget of the global steps (a size such as
    "4G"; default a fraction of this machine's RAM), which never changes the output. `workers` 0: chosen
    from the input's size (`embedded.auto_workers`)."""
    out = Path(out)
    progress = progress or Progress()
    not_read: list[FileNotRead] = []
    files = expand_inputs(inputs, not_read)
    check_output(out, overwrite, files, previous)
    prev = None
    if previous is not None:
        prev = load_previous(Path(previous), hasher(hasher_params(config)).params, config.bands, config.rows)
        check_rights_settings(prev, config.licence_classes, config.withhold_text)
    input_bytes = [storage.size(f.path) for f in files]  # once: for a URL each is a request
    fingerprint = build_fingerprint([(f.name, n, _mtime(f.path)) for f, n in zip(files, input_bytes)],
                                    config.sha256(), _previous_fingerprint(previous))
    if workers <= 0:  # one per core; the embedded engine runs a crawl of a few MiB in this process
        workers = (os.cpu_count() or 1) if dask else embedded.auto_workers(sum(input_bytes), size_known=all(
            n or not storage.is_url(f.path) for f, n in zip(files, input_bytes)))
    budget = Budget.of(memory, (dask.workers or workers) if dask else workers)
    stage_dir, _ = take_staging(out, resume)
    work = WorkDir(stage_dir)
    t0, cpu = time.perf_counter(), StageCpu()
    try:
        with _terminate_as_interrupt(), _engine(dask, workers) as steps, RssSampler() as sampler:
            work.prepare(fingerprint)
            freeze_loaded()
            b = Build(files, input_bytes, work, config, prev, steps, progress, fingerprint, budget, not_read=not_read)
            progress.start(sum(input_bytes), len(files))
            figures: dict[str, dict[str, Any]] = {}
            peaks: dict[str, float | None] = {}
            for name in STAGES:
                sampler.stage(name)
                cpu.stage(name)
                figures[name] = _run_stage(b, name)
                peaks[name] = _peak_rss_mib()
            cpu.stop()
            progress.stop()
            tree = sampler.report()
        report = _run_report(b, figures, peaks, tree, workers, dask, time.perf_counter() - t0, cpu)
        report.write(stage_dir)
        if not report.counts.accounting_ok:
            c = report.counts
            raise InternalError(
                f"accounting failed: {c.input_records:,} input records but {c.canonical:,} canonical + "
                f"{c.duplicates:,} duplicates + {c.rejects:,} rejects = {c.canonical + c.duplicates + c.rejects:,}; "
                f"this is a dedup bug, please report it (the output is left in {stage_dir}, not in {out})")
        shutil.rmtree(work.root)
        release_lock(stage_dir)
        replace_folder(stage_dir, out)
    except OSError as exc:
        progress.stop()
        release_lock(stage_dir)
        raise output_error(exc, out, stage_dir) from exc
    except BaseException:
        progress.stop()
        release_lock(stage_dir)  # the work stays: the same command resumes it
        raise
    return report


def _run_stage(b: Build, name: str) -> dict[str, Any]:
    """Run one stage unless an earlier run of this build finished it; its figures either way."""
    done = b.work.finished(name, b.fingerprint)
    if done is not None:
        b.resumed.append(name)
        b.progress.reused(name)
        return done
    b.work.forget_from(STAGES, name)
    b.progress.stage(name)
    b._stage = name
    t = time.perf_counter()
    figures = STAGE_FUNCTIONS[name](b)
    release()
    b.phase(None)
    b.timings[name] = round(time.perf_counter() - t, 3)
    b.work.mark_finished(name, b.fingerprint, figures)
    return figures


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises Interrupted in the main thread, so the build stops its workers and keeps its work."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: object) -> None:
        raise Interrupted()

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextmanager
def _engine(dask: DaskOptions | None, workers: int) -> Iterator[Steps]:
    """The engine's steps for the build (and its Dask client, closed at the end)."""
    if dask is None:
        with embedded.steps(workers) as steps:
            yield steps
        return
    with dask_engine.open_client(dask.scheduler, dask.workers or workers, dashboard=dask.dashboard) as client:
        yield dask_engine.steps(client, dask.components)


def _announce_compilation(b: Build) -> None:
    """Say so when the MinHash kernels are about to be compiled (a cold numba cache: 10-20 s once)."""
    if not kernels_cached():
        b.progress.note("compiling the MinHash kernels (once per dedup version: 10-20 s)")


# ---------------------------------------------------------------- ingest bookkeeping

def _part_result(part: Path) -> dict | None:
    """A part an earlier run finished: its sidecar (rows, reader counters), written after the part."""
    try:
        result = json.loads(part.with_suffix(".json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return result if part.is_file() and isinstance(result, dict) and "rows" in result else None


def _save_part_result(part: Path, result: dict) -> None:
    tmp = part.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, sort_keys=True), "utf-8")
    os.replace(tmp, part.with_suffix(".json"))


def _mtime(path: str | Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, ValueError):  # a URL: its size stands for it
        return 0


def _previous_fingerprint(previous: Path | None) -> str | None:
    if previous is None:
        return None
    sums = Path(previous) / "SHA256SUMS"
    return sums.read_text("utf-8") if sums.is_file() else str(Path(previous).resolve())


# ---------------------------------------------------------------- run.json

def _peak_rss_mib(children: bool = False) -> float | None:
    if resource is None:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return round(usage.ru_maxrss / 1024, 1)  # KiB on Linux


def _run_report(b: Build, figures: dict[str, dict[str, Any]], memory: dict[str, float | None],
                tree: dict[str, dict[str, float]], workers: int, dask: DaskOptions | None, elapsed: float,
                cpu: StageCpu) -> RunReport:
    """run.json of the finished build: what the stages recorded and wrote (`run_report.from_build`), with
    how this run ran (its timings, memory peaks, engine) and the near-duplicate parameters."""
    stage_s = dict(b.timings)
    own_rows = figures["write"]["_rows"]["input_records"]
    timings: dict[str, Any] = {
        "read_extract": stage_s.get("ingest", 0.0),
        "cluster_select": round(sum(stage_s.get(s, 0.0) for s in GLOBAL_STAGES), 3),
        "write": stage_s.get("write", 0.0), "total": round(elapsed, 3),
        # a resumed run timed only the work it did: its rows over its seconds would overstate the speed
        "docs_per_s": round(own_rows / elapsed, 1) if elapsed > 0 and not (b.resumed or b.files_reused) else None,
        "workers": workers, "stages": stage_s, "steps": b.step_timings, "resumed": b.resumed,
        "ingest_files_reused": b.files_reused, "engine": "dask" if dask else "embedded",
        "memory_budget": b.budget.to_dict(), "partitions": b.layout,
        # high-water marks of this process after each stage (the stage where it grows sets the peak),
        # and of the largest worker process (embedded engine; Dask workers report to Dask); `tree`: the
        # peaks of this process ("main") and of it plus all its children (workers, a LocalCluster's
        # processes) sampled during each stage
        "peak_rss_mib": {"read_extract": memory.get("ingest"), "cluster_select": memory.get("rights"),
                         "write": memory.get("write"), "extract_workers": _peak_rss_mib(children=True),
                         "stages": memory, "tree": tree},
        # CPU seconds per stage and pages per CPU second: what sizes a machine, where wall time under load does not
        "cpu": cpu.figures(own_rows, tree, bool(b.resumed or b.files_reused)),
    }
    if dask:
        timings["dask"] = {"scheduler": dask.scheduler or "LocalCluster", "workers": dask.workers or workers,
                           "components": dask.components}
    bands, rows = b.config.bands, b.config.rows
    params = {"minhash": hasher(hasher_params(b.config)).params,
              "lsh": {"bands": bands, "rows": rows, "s_curve": s_curve(bands, rows)}}
    return from_build(figures, [(f.name, f.format, n) for f, n in zip(b.files, b.input_bytes)], b.work.stage_dir,
                      previous_run=None if b.previous is None else b.previous.run, near_params=params,
                      near_stages=GLOBAL_STAGES + ("write",), timings=timings, config=b.config.to_dict(),
                      not_read=list(b.not_read))
