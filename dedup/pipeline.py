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
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import __version__
from dedup.cluster import exact_clusters
from dedup.config import BuildConfig
from dedup.errors import OutputError
from dedup.extract import extract_batch
from dedup.read import InputFile, expand_inputs, read_input
from dedup.schema import schema
from dedup.select import choose_canonical, provenance
from dedup.write import BucketSpill, base_metadata, shard_count, to_schema, write_sharded

WORK = "_work"
KEY_COLUMNS = ["doc_id", "url", "domain", "text_hash", "n_chars", "published_at", "fetched_at",
               "source_file", "source_offset", "reject_reason", "reject_detail"]


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

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True, default=str) + "\n"


# ---------------------------------------------------------------- stage 1: read + extract (per file)

def extract_file(inp: InputFile, target: Path, max_payload: int, report=None) -> dict:
    """Read one input file and extract every record into a `docs` Parquet file."""
    stats: Counter = Counter()
    sch = schema("docs")
    tmp = target.with_name(target.name + ".tmp")
    rows = 0
    with pq.ParquetWriter(tmp, sch, compression="zstd", compression_level=1) as writer:
        for raw in read_input(inp, stats, max_payload=max_payload):
            docs = extract_batch(raw)
            writer.write_batch(docs)
            rows += docs.num_rows
            if report is not None:
                report(docs.num_rows)
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


def run_extract(inputs: list[InputFile], work: Path, workers: int, config: BuildConfig,
                progress: Progress) -> list[dict]:
    (work / "docs").mkdir(parents=True, exist_ok=True)
    targets = [work / "docs" / f"part-{i:05d}.parquet" for i in range(len(inputs))]
    sizes = [inp.path.stat().st_size for inp in inputs]
    results: list[dict] = [{}] * len(inputs)
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

def decide(work: Path, config: BuildConfig) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Returns (keys, decisions, provenance). keys has one row per input row, with the final doc_id."""
    keys = pl.read_parquet(sorted((work / "docs").glob("*.parquet")), columns=KEY_COLUMNS)
    keys = _resolve_repeated_ids(keys)
    good = keys.filter(pl.col("reject_reason").is_null())
    clusters = exact_clusters(good)
    members = clusters.join(good.select("doc_id", "published_at", "fetched_at", "n_chars"), on="doc_id")
    decisions = choose_canonical(members, config.canonical_policy)
    prov = provenance(decisions, good)
    return keys, decisions, prov


def _resolve_repeated_ids(keys: pl.DataFrame) -> pl.DataFrame:
    """The same doc_id on two input records: the first (by file, offset) keeps it, later ones are
    rejected under a derived id so that every doc_id still appears exactly once."""
    keys = keys.sort(["source_file", "source_offset"]).with_columns(
        pl.int_range(pl.len()).over("doc_id").alias("_seen")
    )
    repeated = pl.col("_seen") > 0
    return keys.with_columns(
        pl.when(repeated).then(
            pl.format("{}#repeat:{}@{}", "doc_id", "source_file", "source_offset")
        ).otherwise(pl.col("doc_id")).alias("doc_id"),
        pl.when(repeated).then(pl.lit("repeated_doc_id")).otherwise(pl.col("reject_reason")).alias("reject_reason"),
        pl.when(repeated).then(pl.format("doc_id {} was already read from an earlier record", "doc_id"))
        .otherwise(pl.col("reject_detail")).alias("reject_detail"),
    ).drop("_seen")


# ---------------------------------------------------------------- stage 3: write (apply)

def apply_and_write(work: Path, stage_dir: Path, keys: pl.DataFrame, decisions: pl.DataFrame,
                    prov: pl.DataFrame, config: BuildConfig) -> dict:
    row_key = ["source_file", "source_offset"]
    verdict = keys.select(*row_key, "doc_id", "reject_reason", "reject_detail").join(
        decisions, on="doc_id", how="left"
    )
    canon_bytes = int(keys.join(decisions.filter("is_canonical").select("doc_id"), on="doc_id")["n_chars"].sum() or 0)
    n_data = shard_count(canon_bytes, config.shard_bytes)
    n_dup = shard_count(decisions.filter(~pl.col("is_canonical")).height * 300, config.shard_bytes)
    n_rej = 1
    spills = {
        "data": BucketSpill(work / "spill" / "data", n_data, "documents"),
        "duplicates": BucketSpill(work / "spill" / "duplicates", n_dup, "duplicates"),
        "rejects": BucketSpill(work / "spill" / "rejects", n_rej, "rejects"),
    }
    for part in sorted((work / "docs").glob("*.parquet")):
        docs = pl.read_parquet(part).drop("doc_id", "reject_reason", "reject_detail")
        docs = docs.join(verdict, on=row_key, how="left")
        canon = docs.filter(pl.col("is_canonical").fill_null(False)).join(prov, on="doc_id", how="left")
        canon = canon.with_columns(pl.col("text_hash").alias("content_sha256"))
        spills["data"].add(to_schema(canon, "documents"))
        dups = docs.filter(pl.col("is_canonical").not_().fill_null(False))
        spills["duplicates"].add(to_schema(dups.with_columns(pl.col("canonical_doc_id")), "duplicates"))
        rej = docs.filter(pl.col("reject_reason").is_not_null()).rename(
            {"reject_reason": "reason", "reject_detail": "detail"})
        spills["rejects"].add(to_schema(rej, "rejects"))
    kv = base_metadata(config.sha256())
    outputs = {}
    for name, prefix in (("data", "train"), ("duplicates", "duplicates"), ("rejects", "rejects")):
        files = write_sharded(spills[name], stage_dir / name, prefix, kv | {"dedup.table": name},
                              config.row_group_bytes)
        outputs[name] = [{"file": p.relative_to(stage_dir).as_posix(), "rows": n} for p, n in files]
    return outputs


# ---------------------------------------------------------------- the whole build

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
          progress: Progress | None = None) -> RunSummary:
    progress = progress or Progress()
    files = expand_inputs(inputs)
    stage_dir = prepare_output(out, overwrite)
    summary = RunSummary(config=config.to_dict())
    try:
        work = stage_dir / WORK
        t0 = time.perf_counter()
        progress.start(sum(f.path.stat().st_size for f in files), len(files))
        progress.stage("read+extract")
        results = run_extract(files, work, workers, config, progress)
        t1 = time.perf_counter()
        progress.stage("cluster+select")
        keys, decisions, prov = decide(work, config)
        t2 = time.perf_counter()
        progress.stage("write")
        outputs = apply_and_write(work, stage_dir, keys, decisions, prov, config)
        t3 = time.perf_counter()
        progress.stop()
        shutil.rmtree(work)
        _fill_summary(summary, files, results, keys, decisions, outputs, (t0, t1, t2, t3), workers)
        (stage_dir / "run.json").write_text(summary.to_json(), "utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(stage_dir, out)
    except BaseException:
        progress.stop()
        shutil.rmtree(stage_dir, ignore_errors=True)
        raise
    return summary


def _fill_summary(summary: RunSummary, files: list[InputFile], results: list[dict], keys: pl.DataFrame,
                  decisions: pl.DataFrame, outputs: dict, times: tuple, workers: int) -> None:
    stats: Counter = Counter()
    for r in results:
        stats.update(r["stats"])
    rejects = keys.filter(pl.col("reject_reason").is_not_null())
    by_reason = dict(sorted(Counter(rejects["reject_reason"].to_list()).items()))
    n_rows = keys.height
    n_canon = int(decisions["is_canonical"].sum())
    n_dup = decisions.height - n_canon
    written = {k: sum(f["rows"] for f in v) for k, v in outputs.items()}
    t0, t1, t2, t3 = times
    summary.counts = {
        "input_records": n_rows,
        "canonical": n_canon,
        "duplicates": n_dup,
        "rejects": rejects.height,
        "clusters": int(decisions["cluster_id"].n_unique()) if decisions.height else 0,
        "clusters_with_copies": int(decisions.filter(pl.col("cluster_size") > 1)["cluster_id"].n_unique())
        if decisions.height else 0,
        "skipped_records": stats.get("skipped", 0),
        "accounting_ok": written.get("data", 0) + written.get("duplicates", 0) + written.get("rejects", 0) == n_rows,
    }
    summary.rejects_by_reason = by_reason
    summary.skipped_by_type = {k.split(".", 1)[1]: v for k, v in sorted(stats.items())
                               if k.startswith("records.") and k.split(".", 1)[1] in
                               ("request", "metadata", "warcinfo", "arc_header")}
    summary.outputs = outputs
    elapsed = t3 - t0
    summary.timings_s = {"read_extract": round(t1 - t0, 3), "cluster_select": round(t2 - t1, 3),
                         "write": round(t3 - t2, 3), "total": round(elapsed, 3),
                         "docs_per_s": round(n_rows / elapsed, 1) if elapsed > 0 else None,
                         "workers": workers}
    summary.inputs = [{"file": f.name, "format": f.format, "bytes": f.path.stat().st_size} for f in files]
    summary.versions = {"dedup": __version__, "python": platform.python_version(), "pyarrow": pa.__version__,
                        "polars": pl.__version__}
