"""previous: an earlier release that a new build deduplicates against (`dedup build --previous`).

The next release is complete (it carries every record of the previous one) and stable: doc_ids never
change, a previous canonical stays canonical unless two previous clusters merge, and new copies of a
previous story point at its canonical. This module only reads the previous release; the decisions are
made in `pipeline.decide` and the carried rows rewritten in `pipeline.apply_and_write`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from dedup.errors import ConfigError, InputError, ReleaseError
from dedup.release.files import MANIFEST
from dedup.release.manifest import load_manifest
from dedup.release.verify import verify
from dedup.run_report import RunReport

# documents columns the decisions need about previous canonical records
CANON_COLUMNS = ["doc_id", "cluster_id", "cluster_size", "canonical_reason", "url", "domain", "published_at", "fetched_at",
                 "n_chars", "content_sha256", "original_source", "licence_class", "duplicate_doc_ids"]
DUP_COLUMNS = ["doc_id", "cluster_id", "canonical_doc_id", "url", "domain", "match"]


@dataclass
class Previous:
    """What a new build needs of the release it follows: its signatures, canonical rows, ids and chrome."""

    path: Path
    name: str
    version: str
    report: RunReport  # its run.json
    changelog: str
    doc_ids: list[str]  # signed documents, sorted; row i of sigs / sizes
    sigs: np.ndarray
    sizes: np.ndarray
    canon: pl.DataFrame  # CANON_COLUMNS + publish_class (the data/<class>/ folder) per canonical
    dups: pl.DataFrame  # DUP_COLUMNS per duplicate
    all_ids: set[str]  # every doc_id of data/, duplicates/ and rejects/
    chrome: pl.DataFrame  # boilerplate/: domain, block_key, pages, stories, sample_text

    def files(self, table: str) -> list[Path]:
        """The Parquet files of one table of the previous release, sorted."""
        return sorted((self.path / table).rglob("*.parquet"))

    @property
    def run(self) -> dict[str, Any]:
        """Its run.json as a plain dict (the figures `pipeline` copies into the new run.json)."""
        return self.report.to_dict()


def _kv(path: Path) -> dict[str, str]:
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items()}


def check_params(path: Path, kv: dict[str, str], params: dict, bands: int, rows: int) -> None:
    """The previous signatures must come from the same MinHash and LSH settings as this build."""
    want = {f"dedup.minhash.{k}": str(v) for k, v in params.items()
            if k not in ("datasketch_version", "unicode_version")}
    want |= {"dedup.lsh.bands": str(bands), "dedup.lsh.rows": str(rows)}
    diff = {k: (kv.get(k), v) for k, v in want.items() if kv.get(k) != v}
    if diff:
        shown = ", ".join(f"{k.split('.', 2)[-1]}: previous {a}, now {b}" for k, (a, b) in sorted(diff.items()))
        raise ConfigError(f"--previous {path}: its signatures were made with other settings ({shown}); build "
                          "with the preset/config the previous release was built with (its run.json 'config')")


def load_previous(path: Path, params: dict, bands: int, rows: int, *, check: bool = True) -> Previous:
    """Read what the decisions need from a packaged release (checked with `dedup verify` first)."""
    path = Path(path)
    if not path.is_dir():
        raise InputError(f"--previous {path}: not a folder; give the folder of a packaged release")
    if not (path / MANIFEST).is_file():
        raise InputError(f"--previous {path}: no {MANIFEST}; package it first with `dedup release {path}`")
    if not list((path / "signatures").glob("*.parquet")):
        raise InputError(f"--previous {path}: no signatures/ folder; rebuild it with this version of dedup")
    if check:
        problems = verify(path)
        if problems:
            raise InputError(f"--previous {path} does not verify ({len(problems)} problem(s), first: "
                             f"{problems[0]}); run `dedup verify {path}` and restore it first")
    try:
        manifest = load_manifest(path)
        report = RunReport.load(path)
    except ReleaseError as exc:
        raise InputError(f"--previous {path}: {exc}") from exc
    changelog = (path / "CHANGELOG.md").read_text("utf-8") if (path / "CHANGELOG.md").is_file() else ""

    sig_files = sorted((path / "signatures").glob("*.parquet"))
    check_params(path, _kv(sig_files[0]), params, bands, rows)
    sig = pl.concat([pl.read_parquet(f, columns=["doc_id", "n_shingles", "signature"]) for f in sig_files]
                    ).sort("doc_id")
    num_perm = int(params["num_perm"])
    flat = sig["signature"].explode().to_numpy().astype(np.uint32, copy=False)
    sigs = flat.reshape(sig.height, num_perm) if sig.height else np.empty((0, num_perm), np.uint32)

    frames = []
    for f in sorted((path / "data").rglob("*.parquet")):
        cls = PurePosixPath(f.relative_to(path / "data").as_posix()).parts
        publish_class = cls[0] if len(cls) > 1 else _kv(f).get("dedup.licence_class", "noassertion")
        frames.append(pl.read_parquet(f, columns=CANON_COLUMNS).with_columns(
            pl.lit(publish_class).alias("publish_class")))
    canon = pl.concat(frames, how="vertical_relaxed").sort("doc_id")
    dup_files = sorted((path / "duplicates").glob("*.parquet"))
    dups = (pl.concat([pl.read_parquet(f, columns=DUP_COLUMNS) for f in dup_files], how="vertical_relaxed")
            if dup_files else pl.DataFrame(schema={c: pl.String for c in DUP_COLUMNS})).sort("doc_id")
    rej_files = sorted((path / "rejects").glob("*.parquet"))
    rejected = [d for f in rej_files for d in pl.read_parquet(f, columns=["doc_id"])["doc_id"].to_list()]
    chrome_files = sorted((path / "boilerplate").glob("*.parquet"))
    chrome = (pl.concat([pl.read_parquet(f, columns=["domain", "block_key", "pages", "stories", "sample_text"])
                         for f in chrome_files]) if chrome_files else
              pl.DataFrame(schema={"domain": pl.String, "block_key": pl.Int64, "pages": pl.UInt32,
                                   "stories": pl.UInt32, "sample_text": pl.String}))
    return Previous(path=path, name=manifest.name, version=manifest.version,
                    report=report, changelog=changelog, doc_ids=sig["doc_id"].to_list(), sigs=sigs,
                    sizes=sig["n_shingles"].fill_null(0).to_numpy().astype(np.int64),
                    canon=canon, dups=dups,
                    all_ids=set(canon["doc_id"].to_list()) | set(dups["doc_id"].to_list()) | set(rejected),
                    chrome=chrome.with_columns(pl.col("pages").cast(pl.UInt32), pl.col("stories").cast(pl.UInt32)))
