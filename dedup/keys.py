"""keys: every input row's final doc_id, and the global index of every document that gets signed.

The first global step, out of core. A record read twice (the same doc_id in two places, or already in
the previous release) keeps its id in the first place (by file, offset) where it was usable when read
(in the first place when it was nowhere) and is rejected under a derived id elsewhere
(`ingest.resolve_repeated_ids`, the rule). Every document that is signed (kept
at ingest, not repeated; and the signed documents of a previous release) gets its index: its rank by
doc_id among them, the order LSH buckets and components depend on.

Three rounds of tasks, none holding more than one bucket of ids:

1. `sample_source`: each source (a docs part; a file of the previous release) returns a sample of its
   sorted ids; the client cuts the id space into buckets of about equal size at the sample's quantiles;
2. `scatter_source`: each source writes its rows grouped by bucket;
3. `resolve_bucket`: each bucket resolves its repeated ids and ranks its signed ids (every copy of an id
   is in the same bucket, and buckets follow the id order, so a bucket's offset is the number of
   signed ids in the buckets before it);
4. `gather_source`: each source reads its rows back from every bucket, in row order, with the index.

The result is one small file per source, row-aligned with it (`keys/src-NNNNN.arrow`: doc_id,
reject_reason, reject_detail, doc = index or -1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import spill
from dedup.ingest import resolve_repeated_ids
from dedup.schema import frame

NEW = 0  # a row of this crawl (a docs part)
PREVIOUS_SIGNED = 1  # a signed document of the previous release (its signatures/): gets an index
PREVIOUS_TAKEN = 2  # any doc_id of the previous release (data/, duplicates/, rejects/): taken

SAMPLE_EVERY = 64
SCATTER_SCHEMA = pa.schema([("doc_id", pa.string()), ("source", pa.int32()), ("row", pa.int64()),
                            ("source_file", pa.string()), ("source_offset", pa.int64()),
                            ("reject_reason", pa.string()), ("reject_detail", pa.string()), ("kind", pa.int8())])
RESOLVED_SCHEMA = pa.schema([("row", pa.int64()), ("doc_id", pa.string()), ("reject_reason", pa.string()),
                             ("reject_detail", pa.string()), ("rank", pa.int64())])
# what a keys file holds per row of its source
KEYS_SCHEMA = pa.schema([("doc_id", pa.string()), ("reject_reason", pa.string()), ("reject_detail", pa.string()),
                         ("doc", pa.int64())])
BYTES_PER_ROW = 1000  # a row of a bucket in polars, with the copies the sort and the window make (measured: 0.7 KB)


@dataclass(frozen=True)
class Source:
    """Where key rows come from: a docs part (NEW) or a Parquet file of the previous release."""

    kind: int
    path: Path


def _ids(source: Source) -> pl.DataFrame:
    """The source's rows as the scatter writes them (without bucket)."""
    if source.kind == NEW:
        cols = ["doc_id", "source_file", "source_offset", "reject_reason", "reject_detail"]
        rows = frame(pq.read_table(source.path, columns=cols))
    else:
        rows = frame(pq.read_table(source.path, columns=["doc_id"])).with_columns(
            pl.lit(None, pl.String).alias("source_file"), pl.lit(None, pl.Int64).alias("source_offset"),
            pl.lit(None, pl.String).alias("reject_reason"), pl.lit(None, pl.String).alias("reject_detail"))
    return rows.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))


def sample_source(source: Source, every: int = SAMPLE_EVERY) -> tuple[int, list[str]]:
    """(rows, every `every`-th of the source's sorted ids): where the buckets are cut."""
    ids = frame(pq.read_table(source.path, columns=["doc_id"]))["doc_id"]
    return len(ids), ids.drop_nulls().sort().gather_every(every).to_list()


def bucket_bounds(samples: list[list[str]], n_buckets: int) -> list[str]:
    """The ids that start buckets 1..n-1 (quantiles of the samples): about equal buckets."""
    pooled = pl.Series("doc_id", [s for sample in samples for s in sample], pl.String).sort()
    if n_buckets <= 1 or pooled.len() == 0:
        return []
    at = np.unique(np.linspace(0, pooled.len(), n_buckets + 1)[1:-1].astype(np.int64))
    return pooled.gather(at).unique(maintain_order=True).to_list()


def bucket_of(ids: pl.Series, bounds: list[str]) -> np.ndarray:
    """The bucket of each id: how many bounds are at or below it (in the sort order of the ranks)."""
    if not bounds:
        return np.zeros(len(ids), dtype=np.int64)
    return pl.Series("b", bounds, pl.String).search_sorted(ids, side="right").to_numpy().astype(np.int64)


def scatter_source(number: int, source: Source, bounds: list[str], target: Path) -> int:
    """Round 2: the source's rows into `target`, grouped by bucket. Returns the rows written."""
    rows = _ids(source).with_columns(pl.lit(number, pl.Int32).alias("source"), pl.lit(source.kind, pl.Int8).alias("kind"))
    table = rows.select(SCATTER_SCHEMA.names).to_arrow().cast(SCATTER_SCHEMA)
    spill.write_grouped(table, bucket_of(rows["doc_id"], bounds), target)
    return rows.height


def resolve_bucket(bucket: int, scattered: list[Path], target: Path, previous_version: str | None = None) -> int:
    """Round 3: one bucket's repeated ids resolved and its signed ids ranked by doc_id; rows written to
    `target` grouped by source. Returns how many ids of the bucket are signed."""
    rows = frame(spill.gather(scattered, bucket))
    new = rows.filter(pl.col("kind") == NEW).drop("kind")
    taken = set(rows.filter(pl.col("kind") != NEW)["doc_id"].to_list())
    resolved = resolve_repeated_ids(new, taken, previous_version)
    signed = pl.concat([
        resolved.filter(pl.col("reject_reason").is_null()).select("doc_id", "source", "row"),
        rows.filter(pl.col("kind") == PREVIOUS_SIGNED).select("doc_id", "source", "row"),
    ]).sort("doc_id").with_row_index("rank").select("source", "row", pl.col("rank").cast(pl.Int64))
    out = pl.concat([
        resolved.select("source", "row", "doc_id", "reject_reason", "reject_detail"),
        rows.filter(pl.col("kind") == PREVIOUS_SIGNED).select("source", "row", "doc_id", pl.lit(None, pl.String)
                                                               .alias("reject_reason"),
                                                               pl.lit(None, pl.String).alias("reject_detail")),
    ]).join(signed, on=["source", "row"], how="left").with_columns(pl.col("rank").fill_null(-1))
    spill.write_grouped(out.select(RESOLVED_SCHEMA.names).to_arrow().cast(RESOLVED_SCHEMA),
                        out["source"].to_numpy(), target)
    return signed.height


def gather_source(number: int, resolved: list[Path], offsets: list[int], rows: int, target: Path) -> dict:
    """Round 4: the source's rows from every bucket, in row order, with their global index. Returns
    figures: rows, signed, rejects by reason."""
    frames = []
    for bucket, path in enumerate(resolved):
        t = frame(spill.read_group(path, number))
        if t.height:
            frames.append(t.with_columns(pl.when(pl.col("rank") >= 0).then(pl.col("rank") + offsets[bucket])
                                         .otherwise(-1).alias("doc")))
    out = (pl.concat(frames) if frames else pl.DataFrame(schema={**{f.name: pl.String for f in KEYS_SCHEMA},
                                                                  "row": pl.Int64, "doc": pl.Int64})).sort("row")
    if out.height != rows or (out.height and out["row"][-1] != rows - 1):
        raise RuntimeError(f"keys of source {number}: {out.height} rows back for {rows} rows read")
    spill.write_table(out.select(KEYS_SCHEMA.names).to_arrow().cast(KEYS_SCHEMA), target)
    return {"rows": out.height, "signed": int((out["doc"] >= 0).sum()), "rejects": reason_counts(out["reject_reason"])}


def reason_counts(reasons: pl.Series) -> dict[str, int]:
    """How many rows give each reject reason, counted in polars: a `Counter` of the column's `to_list()` made a
    Python string per row (76 MiB at 10^6 rejects of one file, hostile round 16), where the reasons are a few."""
    return {reason: int(n) for reason, n in reasons.drop_nulls().value_counts(sort=True).iter_rows()}


def read_keys(path: Path, columns: list[str] | None = None) -> pl.DataFrame:
    """A source's keys file (doc_id, reject_reason, reject_detail, doc), row-aligned with the source."""
    return frame(spill.read_all(path, columns))
