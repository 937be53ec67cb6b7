"""The two stages that are a task per input file or docs part: `stage_ingest` (every input file read, small
files gathered into docs parts) and `stage_write` (every docs part's rows applied and written into the output's
shards), with the ingest's bookkeeping of the files an interrupted run finished. The global stages between them are
`dedup/globalstages.py`'s; `dedup/pipeline.py` runs them all in order."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from dedup import spill
from dedup.buildstate import Build, fresh
from dedup.ingest import gather_files, ingest_file, part_groups
from dedup.previous import carry_previous, signature_rows, with_chrome_since
from dedup.schema import frame
from dedup.shards import BucketSpill, shard_count
from dedup.text.blocks import chrome_lookup, merge_page_removals
from dedup.write import apply_part, merge_samples, signature_table_bytes, write_tables


def stage_ingest(b: Build) -> dict[str, Any]:
    """Every input file -> its rows (read, extract, within-page blocks), then consecutive small files
    gathered into one `docs` part (`ingest.part_groups`). Files whose rows an interrupted run finished are
    not read again."""
    b.work.docs.mkdir(parents=True, exist_ok=True)
    b.work.file_part(0).parent.mkdir(parents=True, exist_ok=True)
    results: list[dict | None] = [None] * len(b.files)
    todo = []
    for i, inp in enumerate(b.files):
        done = _part_result(b.work.file_part(i))
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
        _save_part_result(b.work.file_part(i), result)
        results[i] = result
        b.progress.advance(b.input_bytes[i] - reported[i], 0)
        reported[i] = b.input_bytes[i]

    b.files_reused = len(b.files) - len(todo)
    items = [(b.files[i], b.work.file_part(i), b.config.max_payload_bytes) for i in todo]
    task = partial(ingest_file, max_html=b.config.max_html_bytes, max_blocks=b.config.max_blocks,
                   max_text=b.config.max_text_bytes)
    b.steps.map_files(task, items, finished, rows_read)
    # every later stage runs a task per part: a crawl of many small files is read into few parts (scale round 7)
    groups = part_groups([int(r["rows"]) if r is not None else 0 for r in results], b.input_bytes)
    b.phase("gather")
    gathered = [(k, g) for k, g in enumerate(groups) if len(g) > 1]
    b.map(gather_files, [([b.work.file_part(i) for i in g], b.work.doc_part(k)) for k, g in gathered], "parts gathered")
    b.phase(None)
    return {"files": results, "parts": groups}


def stage_write(b: Build) -> dict[str, Any]:
    """Apply the decisions: every output table, sharded, into the staging folder."""
    for folder in ("data", "duplicates", "rejects", "boilerplate", "signatures"):  # a write cut short
        shutil.rmtree(b.work.stage_dir / folder, ignore_errors=True)
    spill_root = fresh(b.work.root / "spill")
    config, previous, counts = b.config, b.previous, b.figures("rights")["_counts"]
    class_bytes = Counter(counts["class_chars"])
    n_dups = counts["decisions"]
    sig_rows, sig_id_bytes = counts["signatures_new"], counts["signature_id_bytes_new"]
    if previous is not None:
        class_bytes.update(dict(previous.canonical_rows(["doc_id", "publish_class", "n_chars"]).group_by(
            "publish_class").agg(pl.col("n_chars").sum()).iter_rows()))
        n_dups += previous.rows("duplicates") + previous.rows("data")
        prev_sig_rows, prev_sig_id_bytes = previous.published_signature_counts()
        sig_rows += prev_sig_rows
        sig_id_bytes += prev_sig_id_bytes
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
              lookup, spill_root, shards, f"{i:05d}-", previous.path if previous else None)
             for i, p in enumerate(b.parts)]
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
        for prev_sigs in previous.published_signature_batches():  # sorted by doc_id when written: any batches
            spills["signatures"].add(signature_rows(prev_sigs, prev_decisions))
        merge_samples(samples, {(d, k): t for d, k, t in previous.chrome.select("domain", "block_key", "sample_text")
                                .iter_rows() if t is not None})
    b.phase("shards")
    outputs, figures = write_tables(b.work.stage_dir, spills, data_spills, with_chrome_since(chrome, previous),
                                    samples, merge_page_removals(removals), config, by_char, b.map)
    shutil.rmtree(spill_root, ignore_errors=True)
    b.phase(None)
    return {"outputs": outputs, **figures, "_rows": {"input_records": rows, "rejects": dict(sorted(rejects.items()))}}


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


