"""manifest.json and SHA256SUMS: what the release holds, file by file, and the checksums over it."""

from __future__ import annotations

import importlib.metadata
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from dedup import __version__
from dedup.release.facts import ReleaseFacts
from dedup.release.files import SUMS, TABLES, all_files, sha256_file
from dedup.run_report import RunReport
from dedup.schema import fingerprint, schema as table_schema

MANIFEST_VERSION = 1
# Dependencies whose versions go into the manifest (as installed when the release was packaged).
DEPENDENCIES = ("dedup", "datasketch", "numba", "resiliparse", "pyarrow", "polars", "numpy")
REPACKAGE = "run `dedup.release.package` on the folder again (the build's files are unchanged)"
_SUMS_LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")


def versions(run: RunReport) -> dict[str, Any]:
    """The versions that built the release (run.json) and the ones installed now, packaging it."""
    installed: dict[str, str | None] = {}
    for dist in DEPENDENCIES:
        try:
            installed[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            installed[dist] = None
    return {"build": dict(run.versions), "packaging": installed}


def build_manifest(facts: ReleaseFacts) -> dict[str, Any]:
    """manifest.json: every file with its size, hash, rows and schema; settings, versions and counts."""
    run = facts.run
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": facts.name,
        "version": facts.version,
        "packaged_by": f"dedup {__version__}",
        "config_sha256": facts.config_sha256,
        "config_sha256_in_files": facts.config_sha256_in_files,
        "config": run.config,
        "versions": versions(run),
        "minhash": facts.minhash,
        "counts": run.counts.to_dict(),
        "rejects_by_reason": dict(run.rejects_by_reason),
        "licences": {"data": facts.spdx_data, "duplicates": facts.spdx_dups},
        "tables": {
            t: {"schema": TABLES[t], "fingerprint": fingerprint(table_schema(TABLES[t])),
                "files": len(fs), "rows": sum(f.rows or 0 for f in fs)}
            for t, fs in facts.by_table.items() if fs
        },
        "data_folders": {k: {"files": v.files, "rows": v.rows} for k, v in facts.data_folders.items()},
        "files": [f.manifest_entry() for f in facts.files],
    }


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8, LF) through a temporary name, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8", newline="\n")
    os.replace(tmp, path)


def write_sums(out: Path, known: Mapping[str, str] | None = None) -> str:
    """SHA256SUMS over every file of `out` but itself: `sha256sum -c` format, sorted by path.
    `known` holds hashes already computed for files unchanged since (path -> sha256)."""
    known = known or {}
    lines = [f"{known.get(rel) or sha256_file(out / rel)}  {rel}\n" for rel in all_files(out) if rel != SUMS]
    text = "".join(lines)
    write_text(out / SUMS, text)
    return text


def read_sums(out: Path, problems: list[str]) -> dict[str, str] | None:
    """SHA256SUMS as {relative path: sha256}; malformed lines are reported in `problems`."""
    path = out / SUMS
    if not path.is_file():
        problems.append(f"{SUMS}: missing; package the folder (dedup.release.package) to write it")
        return None
    sums: dict[str, str] = {}
    for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        m = _SUMS_LINE.fullmatch(line)
        if not m:
            problems.append(f"{SUMS}: line {i} is not '<sha256>  <path>' ({line[:80]!r}); {REPACKAGE}")
            continue
        rel = m.group(2)
        if rel.startswith("/") or ".." in PurePosixPath(rel).parts:
            problems.append(f"{SUMS}: line {i} names {rel!r}, outside the release folder; {REPACKAGE}")
            continue
        sums[rel] = m.group(1)
    return sums
