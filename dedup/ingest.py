"""Ingest: each input file -> one `docs` Parquet part (read, extract, within-page blocks), and the
key table that gives every input row its final identity.

`ingest_file` is the per-file task both engines map; `resolve_repeated_ids` is the rule of the first
global step (`dedup/keys.py`): the doc_id of every row, with a record read twice (the same id in two
files, or already in the previous release) rejected under a derived id, so every doc_id appears exactly
once in the outputs.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.config import MAX_BLOCKS, MAX_HTML_BYTES, MAX_TEXT_BYTES
from dedup.schema import frame, schema
from dedup.sources import storage
from dedup.sources.inputs import InputFile
from dedup.sources.rawrows import BATCH_ROWS, REPEAT_MARK, positional_id
from dedup.sources.read import read_input
from dedup.text.blocks import page_batch
from dedup.text.extract import extract_batch

# the columns of `docs` that the global steps need (everything but the text and the rights evidence)
KEY_COLUMNS = ["doc_id", "url", "domain", "text_hash", "n_chars", "published_at", "fetched_at",
               "source_file", "source_offset", "reject_reason", "reject_detail",
               "agency", "dateline", "licence_spdx", "licence_class", "licence_scope",
               "copyright_holder", "copyright_year", "copyright_notice", "authors", "authors_source"]
# what a derived id holds when the previous release has its record's id (`repeat_mark`; `repeats.py` reads it)
AFTER_PREVIOUS = f"{REPEAT_MARK}-after-"
ROW_KEY = ["source_file", "source_offset"]  # the position of a row in its input: unique per input row
# What one docs part gathers at most (scale round 7): each global stage runs a task per part, ~0.2 CPU s
# whatever it holds, so a thousand tiny files cost ~48x their records in one file. 10,000 rows is a part of
# a crawl of 10,000-record WARC files, which every stage already holds; the bytes bound a few huge pages.
PART_ROWS = 10_000
PART_INPUT_BYTES = 256 * 2**20


def ingest_file(inp: InputFile, target: Path, max_payload: int,
                report: Callable[[int, int], None] | None = None, *, max_html: int = MAX_HTML_BYTES,
                max_blocks: int = MAX_BLOCKS, max_text: int = MAX_TEXT_BYTES) -> dict:
    """Read one input file and extract every record into a `docs` Parquet file (renamed into place when
    complete). Returns {"rows": n, "stats": reader counters}. `report(rows, input_bytes)` is called
    after each batch (input bytes: how far into a WARC/ARC file its records reach; 0 for the formats
    whose offsets are not file positions)."""
    stats: Counter = Counter()
    sch = schema("docs")
    version = storage.local_version(inp.path)   # a file written or cut during its read must not pass for whole
    tmp = target.with_name(target.name + ".tmp")
    rows = 0
    last_offset = -1
    with pq.ParquetWriter(tmp, sch, compression="zstd", compression_level=1) as writer:
        batches = read_input(inp, stats, max_payload=max_payload, page_caps=(max_html, max_text))
        while True:
            try:
                raw = next(batches, None)
                if raw is None:
                    break
                docs = page_batch(extract_batch(raw, max_html, stats, max_blocks, max_text))
            except Exception as exc:  # noqa: BLE001 - a bug on one file's data must not kill the run
                # the rows written so far stay; the rest of the file is one reject row that says so
                writer.write_table(_read_failed(inp, last_offset, exc, sch))
                rows += 1
                stats["read_failed"] += 1
                last_offset = max(last_offset, -1) + 1
                break
            # outside the guard: a failed write is the output's problem (full disk), not the input's
            writer.write_batch(docs)
            rows += docs.num_rows
            offsets = [o for o in docs.column("source_offset").to_pylist() if o is not None]
            reached = last_offset
            last_offset = max([last_offset, *offsets])
            if report is not None:
                report(docs.num_rows, last_offset - max(reached, 0) if inp.format == "warc" else 0)
        if version is not None and (changed := storage.changed_detail(version, storage.local_version(inp.path))):
            # round 15 of the hostile inputs: a file cut while read ended at a record's end as a whole file does, and
            # one appended to gave the records that happened to be there: either passed for the file, in silence
            writer.write_table(_changed_file(inp, last_offset, changed, sch))
            rows += 1
    os.replace(tmp, target)
    return {"rows": rows, "stats": dict(stats)}


def part_groups(rows: list[int], input_bytes: list[int], max_rows: int = PART_ROWS,
                max_bytes: int = PART_INPUT_BYTES) -> list[list[int]]:
    """The input files (by index, in input order) each docs part gathers: consecutive files while the part
    stays within `max_rows` rows and `max_bytes` input bytes; a file past either alone. Only the files'
    order and sizes decide, so the parts are the same whatever the workers or engine; a row's identity is
    its record's (doc_id, source_file, source_offset), never its part."""
    groups: list[list[int]] = []
    n_rows = n_bytes = 0
    for i, (r, nb) in enumerate(zip(rows, input_bytes)):
        nb = nb or 0  # a URL of unknown size
        if groups and n_rows + r <= max_rows and n_bytes + nb <= max_bytes:
            groups[-1].append(i)
            n_rows, n_bytes = n_rows + r, n_bytes + nb
        else:
            groups.append([i])
            n_rows, n_bytes = r, nb
    return groups


def gather_files(files: list[Path], target: Path) -> int:
    """One docs part of the rows of `files` (per-file parts of the ingest), in their order, renamed into
    place when complete; row groups of about the reader's batch (`BATCH_ROWS`), not one a tiny file, and no
    file held whole. Returns its rows."""
    tmp = target.with_name(target.name + ".tmp")
    sch = schema("docs")
    rows = 0
    held: list[pa.RecordBatch] = []
    with pq.ParquetWriter(tmp, sch, compression="zstd", compression_level=1) as writer:
        for f in files:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS):
                held.append(batch)
                rows += batch.num_rows
                if sum(b.num_rows for b in held) >= BATCH_ROWS:
                    writer.write_table(pa.Table.from_batches(held, schema=sch))
                    held = []
        if held:
            writer.write_table(pa.Table.from_batches(held, schema=sch))
    os.replace(tmp, target)
    return rows


def _read_failed(inp: InputFile, last_offset: int, exc: Exception, sch: pa.Schema) -> pa.Table:
    what = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        # without the path: where the crawl sits on disk must not change the output's bytes
        what = f"{type(exc).__name__}: [Errno {exc.errno}] {exc.strerror}"
    return pa.Table.from_pylist([{
        "doc_id": positional_id(inp.name, last_offset + 1), "source_file": inp.name,
        "source_offset": last_offset + 1, "reject_reason": "read_failed",
        "reject_detail": what[:300] + (
            f"; records of this file after offset {last_offset} were not read " if last_offset >= 0 else
            "; no record of this file was read ") + (
                             "(an I/O error: check the storage and build again)" if isinstance(exc, OSError)
                             else "(please report this as a dedup bug)")}], schema=sch)


def _changed_file(inp: InputFile, last_offset: int, detail: str, sch: pa.Schema) -> pa.Table:
    """The `file_changed` reject row of a file that changed while it was read, after its last row."""
    offset = max(last_offset, -1) + 1
    return pa.Table.from_pylist([{"doc_id": positional_id(inp.name, offset), "source_file": inp.name,
                                  "source_offset": offset, "reject_reason": "file_changed", "reject_detail": detail}],
                                schema=sch)


def iter_parts(parts: list[Path], columns: list[str] | None, batch_rows: int = 4096) -> Iterator[pl.DataFrame]:
    """The docs parts as polars frames of at most `batch_rows` rows: memory stays flat however
    large one input file was."""
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=batch_rows, columns=columns):
            yield frame(batch)


def key_table(parts: list[Path], previous_ids: set[str] | None = None) -> pl.DataFrame:
    """One row per input row (KEY_COLUMNS) with its final doc_id (repeated ids resolved), in memory:
    the reference the keys stage's buckets are tested against (`dedup/keys.py` is what builds run)."""
    frames = list(iter_parts(parts, KEY_COLUMNS))
    if not frames:  # no input had a page record (empty files, WARCs of request records only...)
        sch = schema("docs")
        frames = [frame(pa.table({c: pa.array([], sch.field(c).type) for c in KEY_COLUMNS}))]
    return resolve_repeated_ids(pl.concat(frames), previous_ids)


def repeat_mark(previous_version: str | None) -> str:
    """What joins a repeated record's doc_id to its position in the derived id. A build on a previous
    release names that release's version: re-reading a file of the same name and offsets (a crawl folder
    given again) must not derive an id the previous release already holds (its versions only grow)."""
    return f"{REPEAT_MARK}:" if previous_version is None else f"{AFTER_PREVIOUS}{previous_version}:"


def resolve_repeated_ids(keys: pl.DataFrame, previous_ids: set[str] | None = None,
                         previous_version: str | None = None) -> pl.DataFrame:
    """The same doc_id on two input records: one keeps it, the others are rejected under a derived id
    (`<id>#repeat:<file>@<offset>`) so that every doc_id still appears exactly once. The keeper is the first
    (by file, offset) of the copies that were usable when read, else the first copy: a copy the reader or
    the extraction rejected (a truncated record, an empty payload) never takes the id from a sound one.
    A repeated copy that was itself unusable says why in its detail. A doc_id already in the previous
    release is taken: its record here is rejected the same way, under
    `<id>#repeat-after-<previous version>:<file>@<offset>`. Derived ids are distinct from every input id
    (the readers reject an id holding `REPEAT_MARK`) and from each other ((file, offset) is unique in a
    build; `repeat_mark` tells builds apart). Rows come back sorted by (file, offset)."""
    # (a key table has the url and the text's hash; a bare frame of ids, a test's, compares as the same page)
    keys = keys.with_columns(pl.lit(None, pl.String).alias(c) for c in ("url", "text_hash") if c not in keys.columns)
    keys = keys.sort([pl.col("reject_reason").is_not_null(), *ROW_KEY]).with_columns(
        pl.int_range(pl.len()).over("doc_id").alias("_seen"),
        pl.col("source_file").first().over("doc_id").alias("_keeper_file"),
        pl.col("source_offset").first().over("doc_id").alias("_keeper_offset"),
        pl.col("url").first().over("doc_id").alias("_keeper_url"),
        pl.col("text_hash").first().over("doc_id").alias("_keeper_hash"))
    taken = keys["doc_id"].is_in(list(previous_ids or ()))
    keys = keys.with_columns((pl.col("_seen") + taken.cast(pl.Int64)).alias("_seen"), taken.alias("_taken"))
    repeated = pl.col("_seen") > 0
    own = (pl.when(pl.col("reject_reason").is_not_null())
           .then(pl.format("; this copy is also unusable ({}: {})", "reject_reason",
                           pl.col("reject_detail").fill_null("")))
           .otherwise(pl.lit("")))
    return keys.with_columns(
        pl.when(repeated).then(
            pl.concat_str(pl.col("doc_id"), pl.lit(repeat_mark(previous_version)), pl.col("source_file"), pl.lit("@"),
                          pl.col("source_offset").cast(pl.String))
        ).otherwise(pl.col("doc_id")).alias("doc_id"),
        pl.when(repeated).then(pl.lit("repeated_doc_id")).otherwise(pl.col("reject_reason")).alias("reject_reason"),
        pl.when(pl.col("_taken")).then(pl.concat_str(pl.format("doc_id {} is already in the previous release",
                                                               "doc_id"), own))
        .when(repeated).then(pl.concat_str(pl.format("doc_id {} is kept by the record at {}@{}", "doc_id",
                                                     "_keeper_file", "_keeper_offset"), _repeat_kind(), own))
        .otherwise(pl.col("reject_detail")).alias("reject_detail"),
    ).sort(ROW_KEY).drop("_seen", "_taken", "_keeper_file", "_keeper_offset", "_keeper_url", "_keeper_hash")


def _repeat_kind() -> pl.Expr:
    """What a repeated copy is beside the record that keeps its id, from the url and the text's hash both already
    hold (review round 28): a different page under the same id is a writer's fault (a WARC writer that repeated its
    WARC-Record-IDs; the page is in no table but rejects/), the same page twice an input given twice."""
    url, hash_ = pl.col("url"), pl.col("text_hash")
    return (pl.when(url.ne_missing(pl.col("_keeper_url"))).then(pl.format(
                ", a different page (url {}) under the same id: the writer repeated the id; give each record its "
                "own id to keep both", url.fill_null("none")))
            .when(pl.col("reject_reason").is_not_null()).then(pl.lit(""))  # (its text is not read: see its reason)
            .when(hash_.ne_missing(pl.col("_keeper_hash"))).then(pl.lit(
                ", the same url with a different text under the same id (a fetch again?): the writer repeated the "
                "id; give each record its own id to keep both"))
            .otherwise(pl.lit(", the same page given twice: an input read twice (a file listed or copied twice?)")))
