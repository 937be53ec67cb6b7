"""spill: tables handed between the tasks of a global step, split by destination, on disk.

A global step that cannot hold every document at once runs as two rounds of tasks: each task of the
first round reads its share (a docs part, a band group...) and writes ONE file whose record batches are
its rows grouped by destination (a cluster partition, a band bucket, a docs part...); each task of the
second round reads its own group from every file of the first round. The file count stays the number
of first-round tasks, a reader touches only its batches, and the client holds file lists only. Both
engines run both rounds through `Steps.map`, so the rows meet in the same order whatever runs them.

Files are Arrow IPC (lz4-compressed buffers): random access by batch, no encoding cost. The group of
each batch is in the schema's metadata.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

GROUPS_KEY = b"dedup.groups"
_OPTIONS = ipc.IpcWriteOptions(compression="lz4")


def write_grouped(table: pa.Table, group: np.ndarray, path: Path, batch_rows: int | None = None) -> dict[int, int]:
    """Write `table` to `path` with its rows grouped by `group` (one int per row), keeping the row
    order inside each group; rows per group written. Written under a temporary name, then renamed.
    `batch_rows` cuts a group into batches of at most that many rows (`iter_batches` reads them one
    at a time)."""
    group = np.asarray(group, dtype=np.int64)
    if len(group) != table.num_rows:
        raise ValueError(f"{len(group)} group numbers for {table.num_rows} rows")
    order = np.argsort(group, kind="stable")
    ordered = group[order]
    firsts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else np.empty(0, np.int64)
    ends = np.r_[firsts[1:], len(ordered)]
    groups = [int(ordered[s]) for s in firsts]
    cuts = []  # (group, first row, end row) of each batch written
    for g, s, e in zip(groups, firsts.tolist(), ends.tolist()):
        size = batch_rows or e - s
        cuts += [(g, b, min(e, b + size)) for b in range(s, e, size)]
    table = table.take(pa.array(order)) if len(order) else table
    meta = dict(table.schema.metadata or {})
    meta[GROUPS_KEY] = json.dumps([g for g, _, _ in cuts]).encode()
    schema = table.schema.with_metadata(meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, schema, options=_OPTIONS) as writer:
        for _, b, e in cuts:
            writer.write_table(table.slice(b, e - b).replace_schema_metadata(meta), max_chunksize=e - b)
    os.replace(tmp, path)
    return {g: int(e - s) for g, s, e in zip(groups, firsts, ends)}


def write_groups(schema: pa.Schema, groups: list[int], tables: Iterable[pa.Table], path: Path) -> None:
    """`write_grouped`'s file (each group one batch) from tables that come one group at a time: one table of
    rows (none empty, as `write_grouped` writes no group of no rows) for each of `groups`, ascending. No sort
    of the whole nor its copies are held at once (a signing task's band file, 65 columns of its documents,
    sorted whole took 1.4 KB a document more)."""
    with GroupWriter(schema, groups, path) as writer:
        for table in tables:
            writer.write(table)


class GroupWriter:
    """`write_groups`' file written one table at a time (`write`), so that one pass can write two files.
    `repeats`: a group may come in several tables, in any order (`read_group` gathers its batches in file order:
    a signing task's slices, each its own batches, scale round 5). Under a temporary name until the last table."""

    def __init__(self, schema: pa.Schema, groups: list[int], path: Path, repeats: bool = False) -> None:
        if not repeats and groups != sorted(set(groups)):
            raise ValueError(f"groups {groups} are not ascending")
        self.groups, self.path, self.written = groups, path, 0
        self.meta = dict(schema.metadata or {})
        self.meta[GROUPS_KEY] = json.dumps(groups).encode()
        self.schema = schema.with_metadata(self.meta)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.sink = pa.OSFile(str(self.tmp), "wb")
        self.writer = ipc.new_file(self.sink, self.schema, options=_OPTIONS)

    def write(self, table: pa.Table) -> None:
        """The rows of the next group of the list (none empty)."""
        if not table.num_rows or self.written == len(self.groups):
            group = self.groups[self.written] if self.written < len(self.groups) else "beyond the list"
            raise ValueError(f"group {group}: {table.num_rows} rows")
        self.writer.write_table(table.cast(self.schema).replace_schema_metadata(self.meta),
                                max_chunksize=table.num_rows)
        self.written += 1

    def __enter__(self) -> GroupWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.writer.close()
        self.sink.close()
        if kind is None and self.written != len(self.groups):
            self.tmp.unlink()
            raise ValueError(f"{self.written} tables for {len(self.groups)} groups")
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def write_table(table: pa.Table, path: Path, batch_rows: int | None = None) -> None:
    """A table as one group (group 0): a step's output that is read whole (or by `iter_batches`)."""
    write_grouped(table, np.zeros(table.num_rows, dtype=np.int64), path, batch_rows)


def iter_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The batches of a file written by `write_grouped`, one at a time, in file order: a reader that
    needs every row but not all at once (`batch_rows` sets their size)."""
    with pa.OSFile(str(path), "rb") as source:
        reader = ipc.open_file(source)
        for i in range(reader.num_record_batches):
            batch = reader.get_batch(i)
            yield batch.replace_schema_metadata(None)


def read_group(path: Path, group: int, columns: list[str] | None = None) -> pa.Table:
    """The rows of one group of a file written by `write_grouped` (no rows: an empty table)."""
    with pa.OSFile(str(path), "rb") as source:
        reader = ipc.open_file(source)
        schema = reader.schema
        groups = json.loads((schema.metadata or {}).get(GROUPS_KEY, b"[]"))
        batches = [reader.get_batch(i) for i, g in enumerate(groups) if g == group]
        table = pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()
    table = table.replace_schema_metadata(None)
    return table.select(columns) if columns is not None else table


def group_rows(path: Path, group: int) -> int:
    """The rows of one group of a file written by `write_grouped`, read from its batches' headers."""
    with pa.memory_map(str(path), "r") as source:
        reader = ipc.open_file(source)
        groups = json.loads((reader.schema.metadata or {}).get(GROUPS_KEY, b"[]"))
        return sum(reader.get_batch(i).num_rows for i, g in enumerate(groups) if g == group)


def read_all(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Every row of a file written by `write_grouped`, group by group."""
    with pa.OSFile(str(path), "rb") as source:
        table = ipc.open_file(source).read_all()
    table = table.replace_schema_metadata(None)
    return table.select(columns) if columns is not None else table


def gather(paths: Iterable[Path], group: int, columns: list[str] | None = None) -> pa.Table:
    """One group from many files, in file order (the second round of a global step)."""
    tables = [read_group(p, group, columns) for p in paths]
    tables = [t for t in tables if t.num_rows] or tables[:1]
    if not tables:
        raise ValueError("no files to gather from")
    return pa.concat_tables(tables).combine_chunks() if len(tables) > 1 else tables[0]
