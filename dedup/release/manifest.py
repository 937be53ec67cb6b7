"""manifest.json and SHA256SUMS: what the release holds, file by file, and the checksums over it."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard

from dedup import __version__
from dedup.errors import ReleaseError
from dedup.release.changelog import SEMVER, previous_entry
from dedup.release.facts import ReleaseFacts
from dedup.release.files import MANIFEST, SUMS, TABLES, UNCHECKED, FileInfo, all_files, sha256_file
from dedup.run_report import RunReport
from dedup.schema import fingerprint, schema as table_schema

MANIFEST_VERSION = 1
# Dependencies whose versions go into the manifest (as installed when the release was packaged).
DEPENDENCIES = ("dedup", "datasketch", "numba", "resiliparse", "pyarrow", "polars", "numpy")
# `sha256sum -c` reads either case and a text (' ') or binary ('*') marker before the name.
_SUMS_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def repackage(out: Path) -> str:
    """How to rewrite the release files of `out` from its build files."""
    return f"run `dedup release {out}` to package the folder again (the build's files are unchanged)"


@dataclass(frozen=True)
class ManifestEntry:
    """One file as manifest.json lists it."""

    path: str
    bytes: int
    sha256: str  # lower-case hex
    rows: int | None = None  # Parquet files only
    row_groups: int | None = None


@dataclass(frozen=True)
class Manifest:
    """What `verify`, `--previous` and `publish` read back from manifest.json."""

    name: str
    version: str
    entries: dict[str, ManifestEntry]  # by path
    counts: dict[str, Any]
    config_sha256: str | None


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _entry(raw: object, i: int) -> ManifestEntry:
    """files[i] of manifest.json, checked."""
    if not isinstance(raw, dict):
        raise ReleaseError(f"{MANIFEST}: files[{i}] is not an object")
    path, size, digest = raw.get("path"), raw.get("bytes"), raw.get("sha256")
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in PurePosixPath(path).parts:
        raise ReleaseError(f"{MANIFEST}: files[{i}] has no relative 'path' inside the release ({path!r})")
    if not _whole(size) or not (isinstance(digest, str) and _SHA256.fullmatch(digest)):
        raise ReleaseError(f"{MANIFEST}: files[{i}] ({path}) needs 'bytes' (a whole number) and 'sha256' "
                           "(64 hex digits)")
    for key in ("rows", "row_groups"):
        if raw.get(key) is not None and not _whole(raw.get(key)):
            raise ReleaseError(f"{MANIFEST}: files[{i}] ({path}) has '{key}' {raw.get(key)!r}, not a whole number")
    return ManifestEntry(path, size, digest.lower(), raw.get("rows"), raw.get("row_groups"))


def parse_manifest(raw: object) -> Manifest:
    """A parsed manifest.json -> Manifest; ReleaseError naming what is malformed."""
    if not isinstance(raw, dict):
        raise ReleaseError(f"{MANIFEST}: not a JSON object")
    if raw.get("manifest_version") != MANIFEST_VERSION or isinstance(raw.get("manifest_version"), bool):
        raise ReleaseError(f"{MANIFEST}: manifest_version is {raw.get('manifest_version')!r}; this dedup reads "
                           f"version {MANIFEST_VERSION}")
    name, version = raw.get("name"), raw.get("version")
    if not isinstance(name, str) or not name.strip():
        raise ReleaseError(f"{MANIFEST}: 'name' is {name!r}, not a dataset name")
    if not isinstance(version, str) or not SEMVER.match(version):
        raise ReleaseError(f"{MANIFEST}: 'version' is {version!r}, not a semantic version (MAJOR.MINOR.PATCH)")
    files = raw.get("files")
    if not isinstance(files, list):
        raise ReleaseError(f"{MANIFEST}: 'files' is not a list")
    entries: dict[str, ManifestEntry] = {}
    for i, item in enumerate(files):
        entry = _entry(item, i)
        if entry.path in entries:
            raise ReleaseError(f"{MANIFEST}: {entry.path} is listed twice")
        entries[entry.path] = entry
    counts, config_hash = raw.get("counts"), raw.get("config_sha256")
    if not isinstance(counts, dict):
        raise ReleaseError(f"{MANIFEST}: 'counts' is not an object")
    if config_hash is not None and not isinstance(config_hash, str):
        raise ReleaseError(f"{MANIFEST}: 'config_sha256' is {config_hash!r}, not a hash")
    return Manifest(name=name, version=version, entries=entries, counts=counts, config_sha256=config_hash)


def load_manifest(out: Path) -> Manifest:
    """manifest.json of the release `out`; ReleaseError (naming the problem) when missing or malformed."""
    path = out / MANIFEST
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{MANIFEST}: missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReleaseError(f"{MANIFEST}: not valid JSON ({exc})") from exc
    return parse_manifest(raw)


def versions(run: RunReport) -> dict[str, Any]:
    """The versions that built the release (run.json) and the ones installed now, packaging it."""
    installed: dict[str, str | None] = {}
    for dist in DEPENDENCIES:
        try:
            installed[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            installed[dist] = None
    return {"build": dict(run.versions), "packaging": installed}


def build_manifest(facts: ReleaseFacts, release_files: list[FileInfo]) -> dict[str, Any]:
    """manifest.json: every file with its size, hash, rows and schema, sorted by path (the build's files and
    `release_files`, the card, Croissant, licences and changelog already written; not manifest.json itself nor
    SHA256SUMS, which hash the others); settings, versions and counts."""
    run = facts.run
    files = sorted([*facts.files, *release_files], key=lambda f: f.path)
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": facts.name,
        "version": facts.version,
        **({"creator": facts.creator.to_dict()} if facts.creator else {}),
        "packaged_by": f"dedup {__version__}",
        "config_sha256": facts.config_sha256,
        "config_sha256_in_files": facts.config_sha256_in_files,
        "config": run.config,
        "versions": versions(run),
        "minhash": facts.minhash,
        "counts": run.counts.to_dict(),
        **({"previous": previous_entry(run, facts.creator)} if run.previous else {}),
        "rejects_by_reason": dict(run.rejects_by_reason),
        "licences": {"data": facts.spdx_data, "duplicates": facts.spdx_dups},
        "tables": {
            t: {"schema": TABLES[t], "fingerprint": fingerprint(table_schema(TABLES[t])),
                "files": len(fs), "rows": sum(f.rows or 0 for f in fs)}
            for t, fs in facts.by_table.items() if fs
        },
        "data_folders": {k: {"files": v.files, "rows": v.rows} for k, v in facts.data_folders.items()},
        "files": [f.manifest_entry() for f in files],
    }


TMP = ".tmp"  # the suffix of `write_text`'s temporary names (`README.md.tmp`)


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8, LF) through a temporary name, so a reader never sees half a file."""
    tmp = path.with_name(path.name + TMP)
    tmp.write_text(text, "utf-8", newline="\n")
    os.replace(tmp, path)


def write_sums(out: Path, known: Mapping[str, str] | None = None) -> str:
    """SHA256SUMS over every file of `out` but itself and the unchecked measurements (timings.json):
    `sha256sum -c` format, sorted by path. `known` holds hashes already computed for files unchanged since
    (path -> sha256)."""
    known = known or {}
    lines = [f"{known.get(rel) or sha256_file(out / rel)}  {rel}\n" for rel in all_files(out)
             if rel != SUMS and rel not in UNCHECKED]
    text = "".join(lines)
    write_text(out / SUMS, text)
    return text


def read_sums(out: Path, problems: list[str]) -> dict[str, str] | None:
    """SHA256SUMS as {relative path: lower-case sha256}; malformed lines are reported in `problems`."""
    path = out / SUMS
    if not path.is_file() or path.is_symlink():
        problems.append(f"{SUMS}: missing; run `dedup release {out}` to write it")
        return None
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{SUMS}: not UTF-8 text ({exc}); {repackage(out)}")
        return None
    sums: dict[str, str] = {}
    for i, line in enumerate(text.splitlines(), 1):
        m = _SUMS_LINE.fullmatch(line)
        if not m:
            problems.append(f"{SUMS}: line {i} is not '<sha256>  <path>' ({line[:80]!r}); {repackage(out)}")
            continue
        rel = m.group(2)
        if rel.startswith("/") or ".." in PurePosixPath(rel).parts:
            problems.append(f"{SUMS}: line {i} names {rel!r}, outside the release folder; {repackage(out)}")
            continue
        if rel in sums:
            problems.append(f"{SUMS}: line {i} lists {rel} again; {repackage(out)}")
            continue
        sums[rel] = m.group(1).lower()
    return sums
