"""shards: Parquet outputs spread over buckets by a hash of doc_id, spilled to disk, written sorted.

Rows are spread over output shards by a hash of their doc_id and sorted by doc_id inside each shard,
so the bytes written depend only on the set of input records, not on their order or on how many
workers produced them. Each bucket is spilled to disk first, so memory stays bounded by one shard.
"""

from __future__ import annotations

import math
import os
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import __version__
from dedup.schema import schema

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 6


def bucket_of(doc_id: str, n_buckets: int) -> int:
    """The output shard of a doc_id (crc32 mod n): stable across runs and machines."""
    return zlib.crc32(doc_id.encode("utf-8")) % n_buckets if n_buckets > 1 else 0


def shard_count(total_bytes: int, shard_bytes: int) -> int:
    """How many shards hold this many bytes at `shard_bytes` each (at least one)."""
    return max(1, math.ceil(total_bytes / max(1, shard_bytes)))


def to_schema(frame: pl.DataFrame, name: str) -> pa.Table:
    """A polars frame -> an Arrow table with exactly the named schema (columns selected and cast)."""
    sch = schema(name)
    table = frame.select([f.name for f in sch]).to_arrow()
    return table.cast(sch)


class BucketSpill:
    """Append tables into n buckets on disk (uncompressed Parquet pieces), then read bucket by bucket."""

    def __init__(self, folder: Path, n_buckets: int, schema_name: str, tag: str = "") -> None:
        # `tag` names this writer's pieces: several tasks (one per docs part) can fill the same buckets
        self.folder, self.n, self.schema_name, self.tag = folder, n_buckets, schema_name, tag
        self.pieces = 0
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, table: pa.Table) -> None:
        """Append a table's rows to their buckets."""
        if table.num_rows == 0:
            return
        ids = table.column("doc_id").to_pylist()
        buckets = pa.array([bucket_of(d, self.n) for d in ids], type=pa.int32())
        for b in range(self.n):
            part = table.filter(pa.compute.equal(buckets, b)) if self.n > 1 else table
            if part.num_rows:
                target = self.folder / f"b{b:05d}"
                target.mkdir(exist_ok=True)
                pq.write_table(part, target / f"p{self.tag}{self.pieces:06d}.parquet", compression="none")
        self.pieces += 1

    def buckets(self) -> Iterable[tuple[int, pa.Table]]:
        """(bucket, rows) of every non-empty bucket, in order."""
        sch = schema(self.schema_name)
        for b in range(self.n):
            folder = self.folder / f"b{b:05d}"
            files = sorted(folder.glob("*.parquet")) if folder.exists() else []
            tables = [pq.read_table(f, schema=sch) for f in files]
            table = pa.concat_tables(tables) if tables else sch.empty_table()
            yield b, table.sort_by([("doc_id", "ascending")])


def write_parquet(table: pa.Table, path: Path, kv: dict[str, str], row_group_bytes: int) -> None:
    """zstd Parquet with the table's schema + key-value metadata, written to a temp name then renamed."""
    meta = dict(table.schema.metadata or {})
    meta.update({k.encode(): v.encode() for k, v in kv.items()})
    table = table.replace_schema_metadata(meta)
    avg = table.nbytes / table.num_rows if table.num_rows else 1
    rows_per_group = max(1, int(row_group_bytes / max(avg, 1)))
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(
        table, tmp, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL,
        row_group_size=rows_per_group, write_statistics=True, use_dictionary=True,
    )
    os.replace(tmp, path)


def write_sharded(spill: BucketSpill, out_folder: Path, prefix: str, kv: dict[str, str],
                  row_group_bytes: int) -> list[tuple[Path, int]]:
    """Write each bucket sorted by doc_id as `PREFIX-NNNNN-of-MMMMM.parquet`."""
    out_folder.mkdir(parents=True, exist_ok=True)
    written = []
    for b, table in spill.buckets():
        path = out_folder / f"{prefix}-{b:05d}-of-{spill.n:05d}.parquet"
        write_parquet(table, path, kv, row_group_bytes)
        written.append((path, table.num_rows))
    shutil.rmtree(spill.folder, ignore_errors=True)
    return written


def base_metadata(config_sha256: str) -> dict[str, str]:
    """Key-value metadata every output file carries (schema, versions, config hash)."""
    return {"dedup.version": __version__, "dedup.config_sha256": config_sha256}
