"""shards: Parquet outputs spread over buckets by a hash of doc_id, spilled to disk, written sorted.

Rows are spread over output shards by a hash of their doc_id and sorted by doc_id inside each shard,
so the bytes written depend only on the set of input records, not on their order or on how many
workers produced them. Each bucket is spilled to disk first and written one row group at a time, so
memory stays bounded by a row group (`row_group_bytes`), not by a shard.
"""

from __future__ import annotations

import math
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
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
    """Append tables into n buckets on disk (uncompressed Arrow IPC pieces), then write each bucket
    sorted by doc_id, one row group at a time (`write_sorted`)."""

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
                with pa.OSFile(str(target / f"p{self.tag}{self.pieces:06d}.arrow"), "wb") as sink, \
                        ipc.new_file(sink, part.schema) as writer:
                    writer.write_table(part)
        self.pieces += 1

    def pieces_of(self, bucket: int) -> list[Path]:
        """The pieces of one bucket, in a fixed order."""
        folder = self.folder / f"b{bucket:05d}"
        return sorted(folder.glob("*.arrow")) if folder.exists() else []

    def table(self, bucket: int) -> pa.Table:
        """Every row of one bucket, sorted by doc_id (for small buckets and tests)."""
        sch = schema(self.schema_name)
        tables = [_read_piece(f).cast(sch) for f in self.pieces_of(bucket)]
        table = pa.concat_tables(tables) if tables else sch.empty_table()
        return table.sort_by([("doc_id", "ascending")])


def _read_piece(path: Path, columns: list[str] | None = None) -> pa.Table:
    """A spilled piece, memory-mapped (its pages are the kernel's to drop)."""
    table = ipc.open_file(pa.memory_map(str(path))).read_all()
    return table.select(columns) if columns is not None else table


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


def write_sorted(spill: BucketSpill, bucket: int, path: Path, kv: dict[str, str], row_group_bytes: int) -> int:
    """One bucket as `write_parquet` writes its rows sorted by doc_id, without holding the bucket:
    the doc_ids are sorted first, then each row group's rows are taken from the memory-mapped pieces.
    The row group size comes from the pieces' Arrow size (what the whole table would measure, up to
    buffer rounding). Returns the rows written."""
    sch = schema(spill.schema_name)
    pieces = spill.pieces_of(bucket)
    ids, piece_of, nbytes = [], [], 0
    # list columns of numbers whose lists all have one length (signatures): placed row by row (below)
    fixed: dict[int, int | None] = {c: None for c, f in enumerate(sch) if _numbers_list(f.type)}
    for i, f in enumerate(pieces):
        t = _read_piece(f).cast(sch)
        nbytes += t.nbytes
        ids.append(t.column("doc_id").combine_chunks())
        for c in list(fixed):
            length = _one_length(t.column(c))
            if length is None or fixed[c] not in (None, length):
                del fixed[c]
            elif length:
                fixed[c] = length
        piece_of.append(np.full(t.num_rows, i, dtype=np.int32))
        del t
    n = sum(len(a) for a in ids)
    order = pc.array_sort_indices(pa.concat_arrays(ids)).to_numpy().astype(np.int64) if n else np.empty(0, np.int64)
    piece = np.concatenate(piece_of)[order] if n else np.empty(0, np.int32)
    starts = np.cumsum([0] + [len(a) for a in ids])
    row = order - starts[piece] if n else np.empty(0, np.int64)
    del ids, order
    meta = dict(sch.metadata or {})
    meta.update({k.encode(): v.encode() for k, v in kv.items()})
    out_schema = sch.with_metadata(meta)
    rows_per_group = max(1, int(row_group_bytes / max(nbytes / n if n else 1, 1)))
    tmp = path.with_name(f".{path.name}.tmp")
    with pq.ParquetWriter(tmp, out_schema, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL,
                          write_statistics=True, use_dictionary=True) as writer:
        if n == 0:
            writer.write_table(out_schema.empty_table(), row_group_size=rows_per_group)
        for start in range(0, n, rows_per_group):
            group = _row_group(pieces, piece[start:start + rows_per_group], row[start:start + rows_per_group], sch,
                               {c: length for c, length in fixed.items() if length})
            writer.write_table(group.replace_schema_metadata(meta), row_group_size=rows_per_group)
            del group
            pa.default_memory_pool().release_unused()  # the next group reuses little of this one's buffers
    os.replace(tmp, path)
    return n


def _row_group(pieces: list[Path], piece: np.ndarray, row: np.ndarray, sch: pa.Schema,
               fixed: dict[int, int]) -> pa.Table:
    """The rows (piece[k], row[k]) in this order, as one table of single-chunk columns. Each piece
    gives its rows once (its mapped pages are let go before the next piece is read), then each column
    is put in order on its own, its taken rows dropped as soon as they are concatenated: the group is
    held about once plus one column twice, not three times (`Table.take` on a chunked table
    concatenates every chunk first). The columns of `fixed` (column -> length of every list) are
    written straight into their place in one array: a signature column is most of its group, and
    taking lists goes through an index of every value."""
    others = [c for c in range(len(sch)) if c not in fixed]
    rest = pa.schema([sch[c] for c in others])
    placed = {c: np.empty((len(piece), length), dtype=sch[c].type.value_type.to_pandas_dtype())
              for c, length in fixed.items()}
    taken: list[list[Any]] = []  # per piece, its other columns (None once moved into the group)
    at = np.empty(len(piece), dtype=np.int64)  # where each row of the group lands among the taken rows
    done = 0
    for i in np.unique(piece):
        mine = np.flatnonzero(piece == i)
        table = _read_piece(pieces[i])
        wanted = pa.array(row[mine])
        rows = table.select(others).take(wanted).cast(rest)  # casting the taken rows only: the same values
        taken.append([c.chunk(0) if c.num_chunks == 1 else c.combine_chunks() for c in rows.columns])
        for c, out in placed.items():
            out[mine] = _list_values(table.column(c).cast(sch[c].type), fixed[c])[row[mine]]
        del rows, table
        at[mine] = np.arange(done, done + len(mine))
        done += len(mine)
    where = pa.array(at)
    columns: list[Any] = [None] * len(sch)
    pool = pa.default_memory_pool()
    for k, c in enumerate(others):
        parts = [t[k] for t in taken]
        for t in taken:
            t[k] = None
        whole = pa.concat_arrays(parts) if len(parts) > 1 else parts[0]
        del parts
        columns[c] = whole.take(where)
        del whole
        pool.release_unused()
    for c, out in placed.items():
        offsets = pa.array(np.arange(0, out.size + 1, fixed[c], dtype=np.int32))
        columns[c] = pa.ListArray.from_arrays(offsets, pa.array(out.reshape(-1)), type=sch[c].type)
    return pa.Table.from_arrays(columns, schema=sch)


def _numbers_list(t: pa.DataType) -> bool:
    return pa.types.is_list(t) and (pa.types.is_integer(t.value_type) or pa.types.is_floating(t.value_type))


def _one_length(column: pa.ChunkedArray) -> int | None:
    """The length of every list of a column without nulls (0: no rows), or None when they differ."""
    found = 0
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        lengths = np.diff(chunk.offsets.to_numpy())
        if chunk.null_count or chunk.flatten().null_count or lengths.min() != lengths.max() or lengths[0] == 0:
            return None
        if found not in (0, lengths[0]):
            return None
        found = int(lengths[0])
    return found


def _list_values(column: pa.ChunkedArray, length: int) -> np.ndarray:
    """The values of a list column of one length as rows of a 2-D array (no copy for one chunk)."""
    values = column.chunk(0).flatten() if column.num_chunks == 1 else column.combine_chunks().flatten()
    return values.to_numpy(zero_copy_only=True).reshape(-1, length)


def shard_tasks(spill: BucketSpill, out_folder: Path, prefix: str, kv: dict[str, str],
                row_group_bytes: int) -> list[tuple]:
    """The `write_sorted` tasks that write each bucket as `PREFIX-NNNNN-of-MMMMM.parquet` (the engines
    run them, each shard on its own)."""
    out_folder.mkdir(parents=True, exist_ok=True)
    return [(spill, b, out_folder / f"{prefix}-{b:05d}-of-{spill.n:05d}.parquet", kv, row_group_bytes)
            for b in range(spill.n)]


def write_sharded(spill: BucketSpill, out_folder: Path, prefix: str, kv: dict[str, str],
                  row_group_bytes: int) -> list[tuple[Path, int]]:
    """Write each bucket sorted by doc_id as `PREFIX-NNNNN-of-MMMMM.parquet`, in this process."""
    tasks = shard_tasks(spill, out_folder, prefix, kv, row_group_bytes)
    written = [(task[2], write_sorted(*task)) for task in tasks]
    shutil.rmtree(spill.folder, ignore_errors=True)
    return written


def base_metadata(config_sha256: str) -> dict[str, str]:
    """Key-value metadata every output file carries (schema, versions, config hash)."""
    return {"dedup.version": __version__, "dedup.config_sha256": config_sha256}
