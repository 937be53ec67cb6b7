"""The files of a release folder: their names, hashes and the one Parquet inspection.

`package` and `verify` both see a folder through `inspect_file`: size, sha256 and, for a Parquet file,
its table, rows, row groups, schema fingerprint and `dedup.*` key-value metadata. Nothing else in
dedup/release reads Parquet footers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.run_report import TIMINGS_JSON
from dedup.schema import fingerprint

# Files written by `package`; SHA256SUMS comes last and covers all the others.
CARD, CROISSANT, MANIFEST, LICENSES, CHANGELOG, SUMS = (
    "README.md", "croissant.json", "manifest.json", "LICENSES.md", "CHANGELOG.md", "SHA256SUMS")
# CITATION.cff (GitHub and Zenodo read it) is written only for a release that names a creator: the Citation File
# Format requires `authors`, and none is made up (audit round 14). When there, it is listed in the manifest and
# SHA256SUMS and checked like the listed release files; `verify` does not ask for it (older releases have none).
CITATION_CFF = "CITATION.cff"
RELEASE_FILES = (CARD, CROISSANT, MANIFEST, LICENSES, CHANGELOG, SUMS)
OPTIONAL_RELEASE_FILES = (CITATION_CFF,)
# The release files manifest.json lists, like every build file: all but the manifest itself and SHA256SUMS,
# which hash the others. Older manifests list none of them (only the build's files); verify accepts both.
LISTED_RELEASE_FILES = (CARD, CROISSANT, LICENSES, CHANGELOG)
# Files of a release outside the checksummed set: the build's measurements (seconds, memory, when), which two
# builds of the same input never share. Not in manifest.json nor SHA256SUMS; verify passes over them.
UNCHECKED = (TIMINGS_JSON,)
# Top-level folder of a build output -> the schema of its Parquet files (schemas/*.json).
TABLES = {"data": "documents", "duplicates": "duplicates", "rejects": "rejects",
          "boilerplate": "boilerplate", "signatures": "signatures"}
PARQUET_MEDIA_TYPE = "application/x-parquet"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileInfo:
    """One file of the folder as found on disk; the Parquet fields are None for other files."""

    path: str  # relative, POSIX separators
    bytes: int
    sha256: str
    table: str | None = None  # top-level folder for Parquet files of a known table
    schema: str | None = None  # the schema name of that table (schemas/<schema>.json)
    rows: int | None = None
    row_groups: int | None = None
    fingerprint: str | None = None
    kv: dict[str, str] = field(default_factory=dict)  # the file's `dedup.*` key-value metadata
    arrow_schema: pa.Schema | None = None
    error: str | None = None  # why the file cannot be read as Parquet

    @property
    def is_parquet(self) -> bool:
        """True for a `.parquet` file (readable or not)."""
        return self.path.endswith(".parquet")

    def manifest_entry(self) -> dict[str, Any]:
        """The file's entry in manifest.json `files`."""
        entry: dict[str, Any] = {"path": self.path, "bytes": self.bytes, "sha256": self.sha256}
        if self.is_parquet:
            entry.update({"table": self.table, "schema": self.schema,
                          "schema_version": self.kv.get("dedup.schema_version"),
                          "fingerprint": self.fingerprint, "rows": self.rows, "row_groups": self.row_groups})
            if "dedup.licence_class" in self.kv:
                entry["licence_class"] = self.kv["dedup.licence_class"]
        return entry


def sha256_file(path: Path) -> str:
    """sha256 hex of a local file, read in 1 MiB chunks."""
    with open(path, "rb") as f:
        return sha256_stream(f)


def sha256_stream(f: BinaryIO) -> str:
    """sha256 of a readable binary file object (a local file, an fsspec object), read in 1 MiB chunks."""
    h = hashlib.sha256()
    while chunk := f.read(_CHUNK):
        h.update(chunk)
    return h.hexdigest()


def all_files(out: Path) -> list[str]:
    """Every regular file under `out`, as sorted relative POSIX paths."""
    found = []
    for root, dirs, files in os.walk(out):
        dirs.sort()
        for name in files:
            p = Path(root) / name
            if p.is_file():
                found.append(p.relative_to(out).as_posix())
    return sorted(found)


def table_of(rel: str) -> str | None:
    """The table a file belongs to by its top-level folder (data/, duplicates/...), None elsewhere."""
    top = rel.split("/", 1)[0]
    return top if top in TABLES and "/" in rel else None


def inspect_file(out: Path, rel: str, sha256: str | None = None) -> FileInfo:
    """Size, sha256 (computed unless given) and, for a Parquet file, what its footer says."""
    path = out / rel
    size = path.stat().st_size
    digest = sha256 if sha256 is not None else sha256_file(path)
    if not rel.endswith(".parquet"):
        return FileInfo(rel, size, digest)
    table = table_of(rel)
    schema_name = TABLES.get(table) if table else None
    try:
        pf = pq.ParquetFile(path)
        arrow = pf.schema_arrow
        meta = arrow.metadata or {}
        kv = {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"dedup.")}
        return FileInfo(rel, size, digest, table, schema_name, pf.metadata.num_rows, pf.metadata.num_row_groups,
                        fingerprint(arrow), kv, arrow)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
        return FileInfo(rel, size, digest, table, schema_name, error=f"{type(exc).__name__}: {exc}")


def read_columns(out: Path, paths: Iterable[str], columns: list[str]) -> pl.DataFrame:
    """The given columns of the Parquet files `paths` (relative to `out`), stacked, with `_file` (the
    file's path); columns a file lacks are null."""
    frames = []
    for rel in paths:
        have = set(pq.read_schema(out / rel).names)
        table = pq.read_table(out / rel, columns=[c for c in columns if c in have])
        frame = (cast(pl.DataFrame, pl.from_arrow(table)) if table.num_columns
                 else pl.DataFrame({"_": [None] * table.num_rows}))
        frame = frame.with_columns(pl.lit(rel).alias("_file"))
        for c in columns:
            if c not in frame.columns:
                frame = frame.with_columns(pl.lit(None).alias(c))
        frames.append(frame.select(*columns, "_file"))
    if not frames:
        return pl.DataFrame({c: [] for c in [*columns, "_file"]})
    return pl.concat(frames, how="vertical_relaxed")


def readable(files: Iterable[FileInfo]) -> list[str]:
    """The paths of the files that can be read as Parquet."""
    return [f.path for f in files if not f.error]


def null_count(path: Path, column: str) -> int:
    """Nulls in one column, from the row-group statistics when they have it (no need to read the text)."""
    pf = pq.ParquetFile(path)
    leaves = [pf.schema.column(i).path for i in range(pf.metadata.num_columns)]
    if column not in leaves:
        return pf.metadata.num_rows if column not in pf.schema_arrow.names else \
            pq.read_table(path, columns=[column]).column(0).null_count
    idx = leaves.index(column)
    total = 0
    for i in range(pf.metadata.num_row_groups):
        stats = pf.metadata.row_group(i).column(idx).statistics
        if stats is None or not stats.has_null_count:
            return pq.read_table(path, columns=[column]).column(0).null_count
        total += stats.null_count
    return total
