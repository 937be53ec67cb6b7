"""ReleaseFacts: everything the card, Croissant, manifest, LICENSES.md and CHANGELOG.md say, computed once.

`collect_facts(out, ...)` reads the folder (run.json through `RunReport` and the Parquet files through
`files.inspect_file`) and returns one frozen, typed record; the renderers only format it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from dedup.errors import ReleaseError
from dedup.release.creator import Creator
from dedup.release.describe import genre, languages
from dedup.release.files import (OPTIONAL_RELEASE_FILES, RELEASE_FILES, TABLES, UNCHECKED, FileInfo, all_files,
                                 inspect_file, null_count, read_columns, readable)
from dedup.run_report import RunReport
from dedup.text.blocks import CROSS_SITE, SITE_ACTIONS, site_rows
from dedup.text.cleaning import HEADLINE

DATA_COLUMNS = ["doc_id", "domain", "published_at", "fetched_at", "n_chars", "licence_spdx", "licence_class",
                "original_source", "canonical_reason", "cluster_size", "blocks_removed",
                "boilerplate_chars_removed", "attribution_text", "dateline", "attribution_evidence", "language",
                "page_type", "removed_reasons"]
TOP_DOMAINS = 10
CREDIT_EXAMPLES = 5


@dataclass(frozen=True)
class DataFolder:
    """One folder of data/ (a licence class, or data/ itself in the flat layout)."""

    files: int
    rows: int
    bytes: int
    glob: str  # e.g. data/open/*.parquet


@dataclass(frozen=True)
class CharStats:
    """Characters of text per document in data/."""

    total: int
    median: int
    min: int
    max: int


@dataclass(frozen=True)
class ReleaseFacts:
    """The facts of one release folder, as the release documents state them."""

    name: str
    version: str
    url: str | None
    run: RunReport
    config_sha256: str | None  # hash of run.json's config, as `dedup build` writes it into every file
    config_sha256_in_files: list[str]  # the distinct `dedup.config_sha256` values found in the files
    files: list[FileInfo]  # every file of the folder but the release files, sorted by path
    by_table: Mapping[str, list[FileInfo]]  # Parquet files per table (every key of TABLES)
    data_folders: Mapping[str, DataFolder]  # by folder path, sorted
    rows: Mapping[str, int]  # rows per table
    spdx_data: Mapping[str, int]  # licence_spdx -> rows of data/, most frequent first
    spdx_dups: Mapping[str, int]  # licence_spdx -> rows of duplicates/
    chars_by_spdx: Mapping[str, int]  # licence_spdx -> characters of text in data/ (n_chars: withheld texts too)
    class_data: Mapping[str, int]  # licence_class -> rows of data/
    domains: int  # distinct domains in data/
    top_domains: Mapping[str, int]  # the TOP_DOMAINS domains with most documents
    agencies: Mapping[str, int]  # original_source -> documents
    own_reporting: int  # documents with no wire agency
    canonical_reason: Mapping[str, int]
    largest_cluster: int
    published: tuple[str | None, str | None]  # first and last publication time (UTC, ISO 8601)
    published_missing: int
    fetched: tuple[str | None, str | None]
    chars: CharStats
    text_withheld: int  # documents published without their text
    blocks_removed: int
    removed_kinds: Mapping[str, int]  # those blocks as 'site chrome', 'page chrome' and 'headline' (`removed_kinds`)
    boilerplate_chars_removed: int
    boilerplate_rows: int
    boilerplate_domains: int
    # of those site rows, the ones on a domain of data/ and the cross-story ones ('*'): the site passes run over
    # every page of the crawl (copies and records not published included), data/ holds some of their domains
    boilerplate_rows_data_domains: int
    boilerplate_rows_cross_site: int
    page_removal_rows: int  # boilerplate/'s (domain, block, reason) rows of blocks pages removed by themselves
    unsampled_rows: int  # boilerplate/'s rows with no sample_text: seen only on pages whose text is not published
    match: Mapping[str, int]  # duplicates by match kind (exact, near)
    similarity_min: float | None
    similarity_median: float | None
    reject_reasons: Mapping[str, int]  # counted in rejects/ (run.json's own figure comes first)
    cc_by_rows: int
    cc_by_missing_credit: int
    cc_by_examples: list[str]  # a few credit lines of CC BY documents, by doc_id
    minhash: Mapping[str, Any]  # MinHash and LSH parameters of signatures/
    languages: Mapping[str, int]  # documents per language ('und': none identified), most frequent first
    genre: tuple[str, float]  # ('news articles' or 'web pages', the share of records with a news signal)
    name_given: bool  # False when dedup chose the name from the records (`describe.default_name`)
    creator: Creator | None = None  # who made the release (`--creator`, or the previous release's): release/creator.py

    @property
    def flat_data(self) -> bool:
        """True for the layout without licence-class folders (data/train-*.parquet)."""
        return list(self.data_folders) == ["data"]

    @property
    def reasons(self) -> Mapping[str, int]:
        """Rejects by reason: run.json's, else counted in rejects/."""
        return self.run.rejects_by_reason or self.reject_reasons


def config_sha256(config: Mapping[str, Any]) -> str:
    """The hash `dedup build` writes as `dedup.config_sha256` (BuildConfig.sha256 of run.json's config)."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def count_values(series: pl.Series) -> dict[str, int]:
    """Value -> count, most frequent first, ties by value."""
    c = Counter(series.to_list())
    return {str(k): int(v) for k, v in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))}


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _num(value: str) -> int | float | str:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def _whole(value: Any) -> int:
    """A polars aggregate (None for an empty column) as an int."""
    return int(value or 0)


def _data_folders(data_files: list[FileInfo]) -> dict[str, DataFolder]:
    folders: dict[str, list[FileInfo]] = {}
    for f in data_files:
        folders.setdefault(PurePosixPath(f.path).parent.as_posix(), []).append(f)
    return {folder: DataFolder(files=len(fs), rows=sum(f.rows or 0 for f in fs), bytes=sum(f.bytes for f in fs),
                               glob=f"{folder}/*.parquet")
            for folder, fs in sorted(folders.items())}


def _minhash(by_table: Mapping[str, list[FileInfo]], run: RunReport) -> dict[str, Any]:
    """MinHash and LSH parameters from the key-value metadata of signatures/, else from run.json."""
    sig_kv = by_table["signatures"][0].kv if by_table["signatures"] else {}
    minhash: dict[str, Any] = {k.split(".", 2)[2]: _num(v) for k, v in sorted(sig_kv.items())
                               if k.startswith("dedup.minhash.")}
    minhash.update({f"lsh_{k.split('.', 2)[2]}": _num(v) for k, v in sorted(sig_kv.items())
                    if k.startswith("dedup.lsh.")})
    if not minhash:  # no signatures file: the run's own report
        minhash = dict(run.near_duplicates.get("minhash", {}))
    return minhash


def release_inputs(out: Path) -> list[FileInfo]:
    """Every file of the build folder `out` but the release files and the unchecked measurements (timings.json),
    inspected (hash and Parquet footer)."""
    return [inspect_file(out, rel) for rel in all_files(out) if rel not in (*RELEASE_FILES, *OPTIONAL_RELEASE_FILES)
            and rel not in UNCHECKED]


def collect_facts(out: Path, name: str, version: str, url: str | None, run: RunReport,
                  files: list[FileInfo], *, name_given: bool = True, creator: Creator | None = None) -> ReleaseFacts:
    """The facts of the build folder `out` whose files (`release_inputs`) and run.json are given.

    Raises ReleaseError for an unreadable Parquet file or a folder without data/ files."""
    parquet = [f for f in files if f.is_parquet]
    broken = [f for f in parquet if f.error]
    if broken:
        raise ReleaseError(f"{out / broken[0].path}: cannot be read as Parquet ({broken[0].error}); "
                           "rebuild the dataset")
    by_table = {t: [f for f in parquet if f.table == t] for t in TABLES}
    if not by_table["data"]:
        raise ReleaseError(f"{out}: no Parquet files under data/; package a folder written by `dedup build`")

    data = read_columns(out, readable(by_table["data"]), DATA_COLUMNS)
    dups = read_columns(out, readable(by_table["duplicates"]), ["doc_id", "licence_spdx", "match", "similarity_to_canonical"])
    rejects = read_columns(out, readable(by_table["rejects"]), ["doc_id", "reason"])
    boiler = read_columns(out, readable(by_table["boilerplate"]), ["domain", "action", "sample_text"])
    site = site_rows(boiler)  # the site passes' rows; the others are pages' own removals
    cfg = run.config
    nonnull_chars = data["n_chars"].drop_nulls()
    pub = data["published_at"].drop_nulls()
    fet = data["fetched_at"].drop_nulls()
    cc_by = data.filter(pl.col("licence_spdx").cast(pl.String).str.starts_with("CC-BY"))
    return ReleaseFacts(
        name=name, version=version, url=url, run=run,
        config_sha256=config_sha256(cfg) if cfg else None,
        config_sha256_in_files=sorted({h for f in parquet if (h := f.kv.get("dedup.config_sha256"))}),
        files=files, by_table=by_table, data_folders=_data_folders(by_table["data"]),
        rows={t: sum(f.rows or 0 for f in fs) for t, fs in by_table.items()},
        spdx_data=count_values(data["licence_spdx"]),
        spdx_dups=count_values(dups["licence_spdx"]),
        chars_by_spdx={k: int(v or 0) for k, v in data.group_by("licence_spdx").agg(pl.col("n_chars").sum())
                       .iter_rows()} if data.height else {},
        class_data=count_values(data["licence_class"]),
        domains=data["domain"].n_unique() if data.height else 0,
        top_domains=dict(list(count_values(data["domain"].drop_nulls()).items())[:TOP_DOMAINS]),
        agencies=count_values(data["original_source"].drop_nulls()),
        own_reporting=int(data["original_source"].is_null().sum()),
        canonical_reason=count_values(data["canonical_reason"]),
        largest_cluster=_whole(data["cluster_size"].max()),
        published=(_iso(pub.min()), _iso(pub.max())) if len(pub) else (None, None),
        published_missing=int(data["published_at"].is_null().sum()),
        fetched=(_iso(fet.min()), _iso(fet.max())) if len(fet) else (None, None),
        chars=CharStats(total=_whole(nonnull_chars.sum()), median=_whole(nonnull_chars.median()),
                        min=_whole(nonnull_chars.min()), max=_whole(nonnull_chars.max())),
        text_withheld=sum(null_count(out / f.path, "text") for f in by_table["data"]),
        blocks_removed=int(data["blocks_removed"].sum() or 0),
        removed_kinds=removed_kinds(data["removed_reasons"]),
        boilerplate_chars_removed=int(data["boilerplate_chars_removed"].sum() or 0),
        boilerplate_rows=site.height,
        # the cross-story rows' '*' is no domain (a crawl of 40 sites had chrome "on 41 domains")
        boilerplate_domains=site.filter(pl.col("domain") != CROSS_SITE)["domain"].n_unique() if site.height else 0,
        boilerplate_rows_data_domains=site.filter(pl.col("domain").is_in(data["domain"].drop_nulls().unique()
                                                                         .to_list())).height,
        boilerplate_rows_cross_site=site.filter(pl.col("domain") == CROSS_SITE).height,
        page_removal_rows=boiler.height - site.height,
        unsampled_rows=int(boiler["sample_text"].is_null().sum()),
        match=count_values(dups["match"].drop_nulls()),
        similarity_min=_round(dups["similarity_to_canonical"].min()) if dups.height else None,
        similarity_median=_round(dups["similarity_to_canonical"].median()) if dups.height else None,
        reject_reasons=count_values(rejects["reason"]),
        cc_by_rows=cc_by.height,
        cc_by_missing_credit=int(cc_by["attribution_text"].is_null().sum()) if cc_by.height else 0,
        cc_by_examples=cc_by.sort("doc_id")["attribution_text"].drop_nulls().to_list()[:CREDIT_EXAMPLES],
        minhash=_minhash(by_table, run),
        languages=languages(data),
        genre=genre(data),
        name_given=name_given,
        creator=creator,
    )


def removed_kinds(reasons: pl.Series) -> dict[str, int]:
    """The published documents' removed blocks (`removed_reasons`, one reason a block) by kind: site chrome
    (the site passes), the headline (not lost: the `title` column holds it) and page chrome (the rest)."""
    if not isinstance(reasons.dtype, pl.List):  # a release written before the column: no split to give
        return {}
    flat = reasons.explode().drop_nulls()
    site, headline = int(flat.is_in(list(SITE_ACTIONS)).sum()), int((flat == HEADLINE).sum())
    return {"site chrome": site, "page chrome": len(flat) - site - headline, "headline": headline}
