"""Release packaging: turn a `dedup build` output folder into a verifiable, self-describing release.

`package(out)` writes, next to the build's own files, a Hugging Face dataset card (README.md), a
Croissant 1.1 description (croissant.json), a manifest (manifest.json), LICENSES.md, CHANGELOG.md and,
last, SHA256SUMS over every other file. Everything is computed from the folder itself (run.json and
the Parquet files); the same folder gives the same bytes, so packaging twice changes nothing.

`verify(out)` re-checks a release and returns the problems it finds, each naming the file, what is
wrong and how to fix it ([] when the release is good).

Layouts: data files are found recursively, so both `data/train-NNNNN-of-MMMMM.parquet` and
`data/<licence-class>/train-NNNNN-of-MMMMM.parquet` work. See docs/release.md.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import __version__
from dedup.errors import ReleaseError
from dedup.release.describe import NEWS_COLUMNS, default_name, genre, languages
from dedup.release.report import write_report
from dedup.schema import definition, fingerprint, plain_type, schema as table_schema

# Files written by `package`, in writing order; SHA256SUMS comes last and covers all the others.
CARD, CROISSANT, MANIFEST, LICENSES, CHANGELOG, SUMS = (
    "README.md", "croissant.json", "manifest.json", "LICENSES.md", "CHANGELOG.md", "SHA256SUMS")
RELEASE_FILES = (CARD, CROISSANT, MANIFEST, LICENSES, CHANGELOG, SUMS)
# Top-level folder of a build output -> the schema of its Parquet files (schemas/*.json).
TABLES = {"data": "documents", "duplicates": "duplicates", "rejects": "rejects",
          "boilerplate": "boilerplate", "signatures": "signatures"}
MANIFEST_VERSION = 1
CROISSANT_SPEC = "http://mlcommons.org/croissant/1.1"
PARQUET_MEDIA_TYPE = "application/x-parquet"
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_MAX_EXAMPLES = 5  # ids quoted in one verify message

# SPDX id -> Hugging Face Hub licence id, for the ids the Hub lists (lower-case). Anything else is
# `license: other` with `license_name` and `license_link: LICENSES.md`.
HF_LICENCES = {s: s.lower() for s in (
    "CC0-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
    "CC-BY-NC-2.0", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0")}

CLASS_MEANING = {
    "open": "a Creative Commons licence that allows redistribution and derivatives, commercial use "
            "included (CC BY, CC BY-SA), or a public-domain tool (CC0, Public Domain Mark)",
    "nc": "a Creative Commons NonCommercial licence: no commercial use",
    "nd": "a Creative Commons NoDerivatives licence: redistribution of the unchanged text only",
    "all-rights-reserved": "the page or the wire agency reserves all rights; no licence is granted",
    "noassertion": "no licence statement was found for the text; treat it as all rights reserved",
}
CLASS_ORDER = ("open", "nc", "nd", "all-rights-reserved", "noassertion")
# Dependencies whose versions go into the manifest (as installed when the release was packaged).
DEPENDENCIES = ("dedup", "datasketch", "numba", "resiliparse", "pyarrow", "polars", "numpy")


# --------------------------------------------------------------------------------------------------
# reading the folder


@dataclass
class _File:
    path: str  # relative, POSIX separators
    bytes: int
    sha256: str
    table: str | None = None  # top-level folder for Parquet files of a known table
    schema: str | None = None
    rows: int | None = None
    row_groups: int | None = None
    fingerprint: str | None = None
    kv: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    def entry(self) -> dict:
        d: dict = {"path": self.path, "bytes": self.bytes, "sha256": self.sha256}
        if self.path.endswith(".parquet"):
            d.update({"table": self.table, "schema": self.schema,
                      "schema_version": self.kv.get("dedup.schema_version"),
                      "fingerprint": self.fingerprint, "rows": self.rows, "row_groups": self.row_groups})
            if "dedup.licence_class" in self.kv:
                d["licence_class"] = self.kv["dedup.licence_class"]
        return d


def sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return sha256_stream(f)


def sha256_stream(f) -> str:
    """sha256 of a readable binary file object (a local file, an fsspec object), read in 1 MiB chunks."""
    h = hashlib.sha256()
    while chunk := f.read(1 << 20):
        h.update(chunk)
    return h.hexdigest()


def _all_files(out: Path) -> list[str]:
    """Every regular file under `out`, as sorted relative POSIX paths."""
    found = []
    for root, dirs, files in os.walk(out):
        dirs.sort()
        for name in files:
            p = Path(root) / name
            if p.is_file():
                found.append(p.relative_to(out).as_posix())
    return sorted(found)


def _table_of(rel: str) -> str | None:
    top = rel.split("/", 1)[0]
    return top if top in TABLES and "/" in rel else None


def _inspect(out: Path, rel: str) -> _File:
    path = out / rel
    f = _File(rel, path.stat().st_size, sha256_file(path))
    if not rel.endswith(".parquet"):
        return f
    f.table = _table_of(rel)
    f.schema = TABLES.get(f.table) if f.table else None
    try:
        pf = pq.ParquetFile(path)
        f.rows, f.row_groups = pf.metadata.num_rows, pf.metadata.num_row_groups
        f.fingerprint = fingerprint(pf.schema_arrow)
        meta = pf.schema_arrow.metadata or {}
        f.kv = {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"dedup.")}
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
        f.error = f"{type(exc).__name__}: {exc}"
    return f


def config_sha256(config: dict) -> str:
    """The hash `dedup build` writes as `dedup.config_sha256` (BuildConfig.sha256 of run.json's config)."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def _load_run(out: Path) -> dict:
    path = out / "run.json"
    if not path.is_file():
        raise ReleaseError(f"{out}: no run.json; package a folder written by `dedup build`")
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ReleaseError(f"{path}: not valid JSON ({exc}); rebuild the dataset") from exc


def _read_columns(out: Path, files: list[_File], columns: list[str]) -> pl.DataFrame:
    frames = []
    for f in files:
        if f.error:
            continue
        have = set(pq.read_schema(out / f.path).names)
        cols = [c for c in columns if c in have]
        table = pq.read_table(out / f.path, columns=cols)
        frame = pl.from_arrow(table) if table.num_columns else pl.DataFrame({"_": [None] * table.num_rows})
        frame = frame.with_columns(pl.lit(f.path).alias("_file"))
        for c in columns:
            if c not in frame.columns:
                frame = frame.with_columns(pl.lit(None).alias(c))
        frames.append(frame.select(*columns, "_file"))
    if not frames:
        return pl.DataFrame({c: [] for c in [*columns, "_file"]})
    return pl.concat(frames, how="vertical_relaxed")


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _counts(series: pl.Series) -> dict[str, int]:
    c = Counter(series.to_list())
    return {str(k): int(v) for k, v in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))}


# --------------------------------------------------------------------------------------------------
# facts: everything the card, Croissant, manifest and licence notes say, computed once


def _facts(out: Path, name: str, version: str, url: str | None) -> dict:
    run = _load_run(out)
    rels = [r for r in _all_files(out) if not (r in RELEASE_FILES)]
    files = [_inspect(out, r) for r in rels]
    parquet = [f for f in files if f.path.endswith(".parquet")]
    broken = [f for f in parquet if f.error]
    if broken:
        raise ReleaseError(f"{out / broken[0].path}: cannot be read as Parquet ({broken[0].error}); "
                           "rebuild the dataset")
    by_table = {t: [f for f in parquet if f.table == t] for t in TABLES}
    if not by_table["data"]:
        raise ReleaseError(f"{out}: no Parquet files under data/; package a folder written by `dedup build`")

    data_cols = ["doc_id", "domain", "published_at", "fetched_at", "n_chars", "licence_spdx", "licence_class",
                 "original_source", "canonical_reason", "cluster_size", "blocks_removed",
                 "boilerplate_chars_removed", "attribution_text", "dateline", "attribution_evidence", "language", "page_type"]
    data = _read_columns(out, by_table["data"], data_cols)
    dups = _read_columns(out, by_table["duplicates"], ["doc_id", "licence_spdx", "match", "similarity_to_canonical"])
    rejects = _read_columns(out, by_table["rejects"], ["doc_id", "reason"])
    boiler = _read_columns(out, by_table["boilerplate"], ["domain"])
    text_nulls = sum(_null_count(out / f.path, "text") for f in by_table["data"])

    folders: dict[str, list[str]] = {}
    for f in by_table["data"]:
        folders.setdefault(PurePosixPath(f.path).parent.as_posix(), []).append(f.path)
    classes = {}
    for folder, paths in sorted(folders.items()):
        rows = sum(f.rows or 0 for f in by_table["data"] if f.path in paths)
        classes[folder] = {"files": len(paths), "rows": rows,
                           "bytes": sum(f.bytes for f in by_table["data"] if f.path in paths),
                           "glob": f"{folder}/*.parquet"}

    cfg = run.get("config", {})
    kv_hashes = sorted({f.kv.get("dedup.config_sha256") for f in parquet if f.kv.get("dedup.config_sha256")})
    sig_kv = by_table["signatures"][0].kv if by_table["signatures"] else {}
    minhash = {k.split(".", 2)[2]: _num(v) for k, v in sorted(sig_kv.items()) if k.startswith("dedup.minhash.")}
    minhash.update({f"lsh_{k.split('.', 2)[2]}": _num(v) for k, v in sorted(sig_kv.items())
                    if k.startswith("dedup.lsh.")})
    if not minhash:  # no signatures file: the run's own report
        minhash = dict(run.get("near_duplicates", {}).get("minhash", {}))

    nonnull_chars = data["n_chars"].drop_nulls()
    pub = data["published_at"].drop_nulls()
    fet = data["fetched_at"].drop_nulls()
    cc_by = data.filter(pl.col("licence_spdx").cast(pl.String).str.starts_with("CC-BY"))
    facts = {
        "name": name, "version": version, "url": url,
        "run": run, "config": cfg,
        "config_sha256": config_sha256(cfg) if cfg else None,
        "config_sha256_in_files": kv_hashes,
        "files": files, "by_table": by_table,
        "data_folders": classes, "flat_data": list(classes) == ["data"],
        "rows": {t: sum(f.rows or 0 for f in fs) for t, fs in by_table.items()},
        "spdx_data": _counts(data["licence_spdx"]),
        "spdx_dups": _counts(dups["licence_spdx"]),
        "class_data": _counts(data["licence_class"]),
        "domains": data["domain"].n_unique() if data.height else 0,
        "top_domains": dict(list(_counts(data["domain"].drop_nulls()).items())[:10]),
        "agencies": _counts(data["original_source"].drop_nulls()),
        "own_reporting": int(data["original_source"].is_null().sum()),
        "canonical_reason": _counts(data["canonical_reason"]),
        "largest_cluster": int(data["cluster_size"].max() or 0) if data.height else 0,
        "published": (_iso(pub.min()), _iso(pub.max())) if len(pub) else (None, None),
        "published_missing": int(data["published_at"].is_null().sum()),
        "fetched": (_iso(fet.min()), _iso(fet.max())) if len(fet) else (None, None),
        "chars": {"total": int(nonnull_chars.sum() or 0),
                  "median": int(nonnull_chars.median() or 0) if len(nonnull_chars) else 0,
                  "min": int(nonnull_chars.min() or 0) if len(nonnull_chars) else 0,
                  "max": int(nonnull_chars.max() or 0) if len(nonnull_chars) else 0},
        "text_withheld": text_nulls,
        "blocks_removed": int(data["blocks_removed"].sum() or 0),
        "boilerplate_chars_removed": int(data["boilerplate_chars_removed"].sum() or 0),
        "boilerplate_rows": boiler.height, "boilerplate_domains": boiler["domain"].n_unique() if boiler.height else 0,
        "match": _counts(dups["match"].drop_nulls()),
        "similarity_min": _round(dups["similarity_to_canonical"].min()) if dups.height else None,
        "similarity_median": _round(dups["similarity_to_canonical"].median()) if dups.height else None,
        "reject_reasons": _counts(rejects["reason"]),
        "cc_by_rows": cc_by.height,
        "cc_by_missing_credit": int(cc_by["attribution_text"].is_null().sum()) if cc_by.height else 0,
        "cc_by_examples": [t for t in cc_by.sort("doc_id")["attribution_text"].drop_nulls().to_list()[:5]],
        "minhash": minhash,
        "languages": languages(data),
        "genre": genre(data),
    }
    return facts


def _null_count(path: Path, column: str) -> int:
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


def _num(value: str):
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _round(value) -> float | None:
    return None if value is None else round(float(value), 4)


# --------------------------------------------------------------------------------------------------
# manifest


def _versions(run: dict) -> dict:
    installed = {}
    for dist in DEPENDENCIES:
        try:
            installed[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            installed[dist] = None
    return {"build": dict(run.get("versions", {})), "packaging": installed}


def _manifest(facts: dict) -> dict:
    run = facts["run"]
    counts = run.get("counts", {})
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": facts["name"],
        "version": facts["version"],
        "packaged_by": f"dedup {__version__}",
        "config_sha256": facts["config_sha256"],
        "config_sha256_in_files": facts["config_sha256_in_files"],
        "config": facts["config"],
        "versions": _versions(run),
        "minhash": facts["minhash"],
        "counts": {
            "input_records": counts.get("input_records"),
            "canonical": counts.get("canonical"),
            "duplicates": counts.get("duplicates"),
            "rejects": counts.get("rejects"),
            "clusters": counts.get("clusters"),
            "clusters_with_copies": counts.get("clusters_with_copies"),
            "skipped_records": counts.get("skipped_records"),
            "accounting_ok": counts.get("accounting_ok"),
        },
        "rejects_by_reason": dict(run.get("rejects_by_reason", {})),
        "licences": {"data": facts["spdx_data"], "duplicates": facts["spdx_dups"]},
        "tables": {
            t: {"schema": TABLES[t], "fingerprint": fingerprint(table_schema(TABLES[t])),
                "files": len(fs), "rows": sum(f.rows or 0 for f in fs)}
            for t, fs in facts["by_table"].items() if fs
        },
        "data_folders": {k: {"files": v["files"], "rows": v["rows"]} for k, v in facts["data_folders"].items()},
        "files": [f.entry() for f in facts["files"]],
    }


# --------------------------------------------------------------------------------------------------
# dataset card (README.md)


def _yaml_str(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=True)


def size_category(n: int) -> str:
    """The Hugging Face size bucket of n examples."""
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"),
                         (1_000_000_000, "100M<n<1B"), (10_000_000_000, "1B<n<10B"),
                         (100_000_000_000, "10B<n<100B"), (1_000_000_000_000, "100B<n<1T")):
        if n < limit:
            return label
    return "n>1T"


def licence_choice(spdx_counts: dict[str, int]) -> tuple[str, str | None]:
    """(HF `license` value, `license_name` or None): the Hub id when every data row has one licence
    that the Hub lists, else ('other', a name for the mix)."""
    ids = [k for k, v in spdx_counts.items() if v]
    if len(ids) == 1 and ids[0] in HF_LICENCES:
        return HF_LICENCES[ids[0]], None
    if len(ids) == 1:
        return "other", re.sub(r"[^a-z0-9.]+", "-", ids[0].lower()).strip("-")
    return "other", "per-record-licences"


def _card_yaml(facts: dict) -> str:
    lic, lic_name = licence_choice(facts["spdx_data"])
    lines = ["---"]
    lines.append(f"pretty_name: {_yaml_str(facts['name'])}")
    lines.append(f"license: {lic}")
    if lic_name:
        lines.append(f"license_name: {_yaml_str(lic_name)}")
        lines.append(f"license_link: {LICENSES}")
        mix = ", ".join(f"{k} ({v} rows)" for k, v in facts["spdx_data"].items())
        lines.append(f"license_details: {_yaml_str(f'Licence per record in the licence_spdx column: {mix}. See {LICENSES}.')}")
    found = [lang for lang in facts["languages"] if lang != "und"]
    if found:  # Hugging Face `language`: ISO 639-1/3 codes of the records' languages
        lines += ["language:"] + [f"- {_yaml_str(lang)}" for lang in found]
        if len(found) > 1:
            lines += ["multilinguality:", "- multilingual"]
    lines += ["task_categories:", "- text-generation", "size_categories:",
              f"- {_yaml_str(size_category(facts['rows']['data']))}", "source_datasets:", "- original",
              "language_creators:", "- found", "annotations_creators:", "- no-annotation",
              "tags:"] + (["- news"] if facts["genre"][0] == "news articles" else []) + [
              "- deduplicated", "- web-crawl", "configs:"]
    folders = facts["data_folders"]
    lines += ["- config_name: default", "  default: true", "  data_files:", "  - split: train", "    path:"]
    lines += [f"    - {_yaml_str(v['glob'])}" for v in folders.values()]
    if not facts["flat_data"]:
        for folder, v in folders.items():
            if folder == "data":
                continue
            lines += [f"- config_name: {_yaml_str(PurePosixPath(folder).name)}", "  data_files:",
                      "  - split: train", f"    path: {_yaml_str(v['glob'])}"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def _fmt(n) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


def _cell(value) -> str:
    return _fmt(value).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _card(facts: dict) -> str:
    run, cfg, counts = facts["run"], facts["config"], facts["run"].get("counts", {})
    nd = run.get("near_duplicates", {})
    rows = facts["rows"]
    name, version = facts["name"], facts["version"]
    pub0, pub1 = facts["published"]
    fet0, fet1 = facts["fetched"]
    inputs = run.get("inputs", [])
    formats = _counts(pl.Series([i.get("format") for i in inputs], dtype=pl.String)) if inputs else {}
    lic, _ = licence_choice(facts["spdx_data"])
    s = [_card_yaml(facts), f"# {name}", ""]
    kind, news_share = facts["genre"]
    s.append(f"Version {version}. A deduplicated dataset of {kind} extracted from web-crawl dumps by "
             f"`dedup build` (dedup {run.get('versions', {}).get('dedup', '?')}): "
             f"{_fmt(rows['data'])} canonical documents, one per story, each with the provenance of its "
             f"{_fmt(rows['duplicates'])} copies in total, from {_fmt(counts.get('input_records', 0))} input "
             f"records. Every input record is accounted for in exactly one of `data/`, `duplicates/` and "
             f"`rejects/`. Described as {kind}: {news_share:.0%} of the records carry a dateline, a wire "
             "agency or news-article structured data (news when more than half do).")
    if not facts.get("name_given", True):
        s.append("")
        s.append(f"The name `{name}` was chosen by dedup from the records (genre, main language, months "
                 "fetched): no name was given to `dedup release --name`.")
    s.append("")
    s.append("Files: `data/` (the documents), `duplicates/` (one row per other copy, with its canonical), "
             "`rejects/` (one row per unusable input record, with the reason), `boilerplate/` (blocks removed "
             "as site chrome), `signatures/` (MinHash signatures), `run.json` (the build report), "
             f"`{MANIFEST}` (every file with its size, hash, rows and schema), `{CROISSANT}` (Croissant 1.1), "
             f"`{LICENSES}`, `{CHANGELOG}` and `{SUMS}`. Check the files with `sha256sum -c {SUMS}` inside "
             "this folder.")
    s.append("")
    s.append("```python\nimport polars as pl\ndocs = pl.read_parquet(\"data/**/*.parquet\")\n```")
    s.append("")

    s += ["## Motivation", ""]
    s.append("News crawls carry the same wire story republished by many sites, and every page carries "
             "navigation, newsletter boxes and footers. This dataset keeps one canonical record per story, "
             "with the text of the article only and the list of every copy (doc_id, URL, domain), so that "
             "a model or a study sees each story once and can still trace where it was published.")
    s.append("")

    s += ["## Composition", ""]
    s.append(f"- {_fmt(rows['data'])} documents in `data/` ({facts['chars']['total']:,} characters of text; "
             f"median {facts['chars']['median']:,}, shortest {facts['chars']['min']:,}, longest "
             f"{facts['chars']['max']:,} characters per document), from {_fmt(facts['domains'])} domains.")
    s.append(f"- {_fmt(counts.get('clusters_with_copies', 0))} of the {_fmt(counts.get('clusters', 0))} clusters "
             f"have copies; the largest cluster has {_fmt(facts['largest_cluster'])} documents.")
    if pub0:
        s.append(f"- Published between {pub0} and {pub1} (UTC; {_fmt(facts['published_missing'])} documents "
                 "state no publication time).")
    if fet0:
        s.append(f"- Fetched between {fet0} and {fet1} (UTC).")
    s.append("- Wire agency named as the original source: "
             + (", ".join(f"{k} {_fmt(v)}" for k, v in facts["agencies"].items()) or "none")
             + f"; the site's own reporting: {_fmt(facts['own_reporting'])}.")
    if facts["text_withheld"]:
        s.append(f"- {_fmt(facts['text_withheld'])} documents are published without their text (`text` is "
                 "null: their licence class was withheld at build time); their URL and provenance remain.")
    langs = facts["languages"]
    if langs:
        s.append("- Languages (the `language` column, identified on each record's text by fastText lid.176): "
                 + ", ".join(f"{k} {_fmt(v)}" for k, v in langs.items()) + ".")
    else:
        s.append("- Language: not recorded (a build made before dedup identified languages).")
    s.append("")
    if not facts["flat_data"]:
        s.append("Data files by licence class (one Hugging Face config per folder, `default` covers all):")
        s.append("")
        s.append(_table(["folder", "files", "rows"],
                        [[f"`{k}/`", v["files"], v["rows"]] for k, v in facts["data_folders"].items()]))
        s.append("")
    if facts["top_domains"]:
        s.append("Domains with the most documents:")
        s.append("")
        s.append(_table(["domain", "documents"], [[k, v] for k, v in facts["top_domains"].items()]))
        s.append("")
    s.append("Main columns of `data/` (all columns: `schemas/documents.json` in dedup; "
             f"schema fingerprint `{fingerprint(table_schema('documents'))}`):")
    s.append("")
    docs_def = {f["name"]: f.get("doc", "") for f in definition("documents")["fields"]}
    main = ["doc_id", "cluster_id", "cluster_size", "canonical_reason", "url", "domain", "title", "text",
            "published_at", "fetched_at", "licence_spdx", "licence_class", "original_source",
            "attribution_text", "duplicate_doc_ids", "duplicate_urls"]
    s.append(_table(["column", "type", "meaning"],
                    [[f"`{c}`", f"`{table_schema('documents').field(c).type}`", docs_def.get(c) or _DOCS.get(c, "")]
                     for c in main if c in docs_def]))
    s.append("")

    s += ["## Collection process", ""]
    s.append(f"The build read {len(inputs)} input file(s) ("
             + (", ".join(f"{v} {k}" for k, v in formats.items()) or "none")
             + f", {sum(int(i.get('bytes', 0)) for i in inputs):,} bytes): "
             + ", ".join(f"`{i.get('file')}`" for i in inputs[:20]) + (" ..." if len(inputs) > 20 else "")
             + f". {_fmt(counts.get('input_records', 0))} records could be documents; "
             f"{_fmt(counts.get('skipped_records', 0))} records carried no page and were skipped ("
             + (", ".join(f"{k}: {v}" for k, v in run.get("skipped_by_type", {}).items()) or "none") + ").")
    s.append("")
    s.append("Text is the main content of each HTML page (resiliparse), as ordered blocks; title, canonical "
             "URL, site name and publication time come from the page's metadata. The build does not fetch "
             "anything: the crawl dumps are the only source.")
    s.append("")

    s += ["## Preprocessing", ""]
    mh = facts["minhash"]
    s.append("Settings of this build (`run.json` `config`, sha256 "
             f"`{facts['config_sha256']}`, the value every Parquet file carries as `dedup.config_sha256`):")
    s.append("")
    s.append(_table(["step", "setting"], [
        ["preset", f"`{cfg.get('preset')}`"],
        ["MinHash", f"{cfg.get('num_perm')} permutations, {cfg.get('shingle_unit')} {cfg.get('ngram')}-grams, "
                    f"seed {cfg.get('seed')}, hash {cfg.get('hash')}, scheme {mh.get('scheme', '?')}, "
                    f"normaliser {mh.get('normaliser', '?')} (signatures equal to datasketch "
                    f"{mh.get('datasketch_version', '?')})"],
        ["LSH", f"{cfg.get('bands')} bands x {cfg.get('rows')} rows; buckets larger than "
                f"{cfg.get('hot_bucket_cap')} are capped"],
        ["verification", f"a candidate pair is a near-duplicate when estimated Jaccard >= {cfg.get('verify_jaccard')}, "
                         f"or containment >= {cfg.get('verify_containment')} with Jaccard >= "
                         f"{cfg.get('verify_containment_min_jaccard')} (texts of at least "
                         f"{cfg.get('verify_min_shingles')} shingles)"],
        ["story pass (for site chrome)", f"Jaccard >= {cfg.get('story_jaccard')} or containment >= "
                                         f"{cfg.get('story_containment')} with Jaccard >= "
                                         f"{cfg.get('story_containment_min_jaccard')}"],
        ["site chrome", (f"a block seen in >= {cfg.get('site_min_stories')} different stories of one domain "
                         "is removed on that domain") if cfg.get("site_chrome") else "off"],
        ["canonical policy", " > ".join(f"`{p}`" for p in cfg.get("canonical_policy", []))],
        ["licence classes published", ", ".join(cfg.get("licence_classes") or []) or "all"],
        ["text withheld for", ", ".join(cfg.get("withhold_text") or []) or "none"],
    ]))
    s.append("")
    p1, p2 = nd.get("pass1", {}), nd.get("pass2", {})
    s.append("Outcome:")
    s.append("")
    s.append(f"- Canonical documents: {_fmt(counts.get('canonical', rows['data']))}; duplicates: "
             f"{_fmt(counts.get('duplicates', rows['duplicates']))} ("
             + (", ".join(f"{k} {_fmt(v)}" for k, v in facts["match"].items()) or "none")
             + (f"; similarity to the canonical: min {facts['similarity_min']}, median {facts['similarity_median']}"
                if facts["similarity_min"] is not None else "")
             + f"); rejects: {_fmt(counts.get('rejects', rows['rejects']))}.")
    if p2:
        s.append(f"- Near-duplicate pass: {_fmt(p2.get('candidate_edges', 0))} candidate pairs, "
                 f"{_fmt(p2.get('verified_edges', 0))} verified; largest LSH bucket {_fmt(p2.get('largest_bucket', 0))}, "
                 f"{_fmt(p2.get('hot_bucket_count', 0))} capped buckets. Story pass: "
                 f"{_fmt(p1.get('candidate_edges', 0))} candidates, {_fmt(p1.get('verified_edges', 0))} verified.")
    s.append(f"- Boilerplate: {_fmt(facts['boilerplate_rows'])} (domain, block) pairs removed as site chrome on "
             f"{_fmt(facts['boilerplate_domains'])} domains (listed in `boilerplate/`); in the published "
             f"documents {_fmt(facts['blocks_removed'])} blocks ({_fmt(facts['boilerplate_chars_removed'])} "
             "characters) were removed as page chrome.")
    s.append("- Canonical record chosen by: " + (", ".join(f"`{k}` {_fmt(v)}" for k, v in facts["canonical_reason"].items())
                                                 or "none") + ".")
    s.append("")
    reasons = run.get("rejects_by_reason", {}) or facts["reject_reasons"]
    if reasons:
        s.append("Rejects by reason:")
        s.append("")
        s.append(_table(["reason", "records"], [[f"`{k}`", v] for k, v in reasons.items()]))
        s.append("")

    s += ["## Uses", ""]
    s.append("Language-model pre-training and evaluation on news text without repeated stories, studies of "
             "news syndication (which sites republish which wire stories: `duplicate_domains`, "
             "`original_source`), and deduplicating a later crawl against this one (`signatures/`, loadable "
             "into datasketch's `MinHashLSH` with `dedup.neardup.minhash.signatures_to_datasketch`).")
    s.append("")
    s.append("Not suited for: facts about real events without checking the source (texts are as the sites "
             "published them), or any use that the licence of a record does not allow (see below).")
    s.append("")

    s += ["## Distribution", ""]
    if lic != "other":
        s.append(f"Every document in `data/` carries the licence `{next(iter(facts['spdx_data']))}` "
                 f"(Hugging Face id `{lic}`).")
    else:
        s.append("The licence is per record (column `licence_spdx`); the mix in `data/`:")
        s.append("")
        s.append(_table(["licence_spdx", "documents"], [[f"`{k}`", v] for k, v in facts["spdx_data"].items()]))
    s.append("")
    s.append(f"`{LICENSES}` explains each licence class, the attribution CC BY records need (the "
             "`attribution_text` column) and how to ask for a record to be removed. Rows whose class is "
             "`all-rights-reserved` or `noassertion` are not licensed by this release; `dedup build --licence "
             "open` keeps only openly licensed records and `--withhold-text` publishes a class without its text.")
    s.append("")
    s.append("Load with polars (`pl.read_parquet(\"data/**/*.parquet\")`), pandas "
             "(`pd.read_parquet(\"data/\")`), DuckDB (`select * from read_parquet('data/**/*.parquet')`), "
             "Hugging Face `datasets` (`load_dataset(\"parquet\", data_dir=\"data\", split=\"train\")`, or this "
             f"folder with the configs above) or any Croissant reader (`{CROISSANT}`, record set `documents`).")
    s.append("")

    s += ["## Maintenance", ""]
    s.append(f"`doc_id` (the WARC-Record-ID or the input `id`) is stable across releases; `cluster_id` is "
             "derived from the smallest member doc_id. Each release states its changes in "
             f"`{CHANGELOG}`; `{MANIFEST}` records the build settings, tool versions and the hash, rows and "
             "schema of every file, so the same crawl and settings can be rebuilt and compared byte for byte. "
             "Questions, errors and removal requests: open an issue in the repository that published this "
             "release.")
    s.append("")
    return "\n".join(s)


_DOCS = {  # meanings of columns whose schema entry has no "doc"
    "doc_id": "the record's id: WARC-Record-ID or the input `id`",
    "cluster_id": "deterministic id of the record's cluster (same for all copies)",
    "canonical_doc_id": "doc_id of the cluster's canonical record in data/",
    "url": "the page's URL (WARC-Target-URI or the input `url`)",
    "canonical_url": "the page's <link rel=canonical> or og:url",
    "domain": "host of the URL, lower-case, without a leading www.",
    "title": "the page's headline",
    "site_name": "og:site_name or the JSON-LD publisher name",
    "text": "the main text: kept blocks joined by a blank line (null when withheld)",
    "n_chars": "characters in text",
    "published_at": "publication time (UTC)",
    "published_at_raw": "the publication time as the page states it, with its offset",
    "published_at_source": "where published_at came from: jsonld, meta, time_element",
    "fetched_at": "crawl time (WARC-Date or the input fetched_at, UTC)",
    "source_file": "input file the record came from, relative to the crawl folder",
    "source_offset": "byte offset of the record (WARC/ARC), line (JSONL) or row (Parquet) in source_file",
    "warc_record_id": "WARC-Record-ID when the record came from a WARC file",
    "licence_class": "open, nc, nd, all-rights-reserved or noassertion",
    "publisher": "the site that published the page",
    "detail": "human-readable detail of the reject",
}


# --------------------------------------------------------------------------------------------------
# LICENSES.md and CHANGELOG.md


def _spdx_class(spdx: str) -> str:
    from dedup.rights.licence import licence_class

    return licence_class(spdx)


def _terms(spdx_counts: dict[str, int]) -> str:
    """The extra CC terms that the licences present carry."""
    ids = [k.upper() for k in spdx_counts]
    terms = []
    if any("-SA" in k for k in ids):
        terms.append("ShareAlike (`-SA`) records must be shared under the same licence")
    if any("-NC" in k for k in ids):
        terms.append("NonCommercial (`-NC`) records must not be used commercially")
    if any("-ND" in k for k in ids):
        terms.append("NoDerivatives (`-ND`) records must not be changed")
    return (" " + "; ".join(terms) + ".") if terms else ""


def _licenses(facts: dict) -> str:
    keys = sorted(set(facts["spdx_data"]) | set(facts["spdx_dups"]),
                  key=lambda k: (CLASS_ORDER.index(_spdx_class(k)) if _spdx_class(k) in CLASS_ORDER else 9, k))
    s = [f"# Licences of {facts['name']} {facts['version']}", ""]
    s.append("Each record carries the licence of its text in `licence_spdx` (an SPDX id, "
             "`LicenseRef-all-rights-reserved`, or `NOASSERTION`), with `licence_class`, `licence_url` and the "
             "evidence found on the page (`licence_evidence`). Rows of `duplicates/` carry the licence of their own "
             "page and no text (only their URL, domain and publisher). "
             "This release grants no licence beyond the one each record states.")
    s.append("")
    s.append(_table(["licence_spdx", "class", "documents (data/)", "copies (duplicates/)"],
                    [[f"`{k}`", _spdx_class(k), facts["spdx_data"].get(k, 0), facts["spdx_dups"].get(k, 0)]
                     for k in keys]))
    s.append("")
    s += ["## Licence classes", ""]
    present = {_spdx_class(k) for k in keys}
    for cls in CLASS_ORDER:
        if cls in present:
            s.append(f"- `{cls}`: {CLASS_MEANING[cls]}.")
    s.append("")
    s += ["## Attribution", ""]
    if facts["cc_by_rows"]:
        s.append(f"{_fmt(facts['cc_by_rows'])} documents are under a CC BY licence (every `licence_spdx` that "
                 "starts with `CC-BY`). Whoever reuses or redistributes their text must credit the author and "
                 "publisher, name the licence with a link to it, link the source and say whether the text "
                 "was changed. The ready credit line of each record is in its `attribution_text` column; "
                 "keep it with the text." + _terms(facts["spdx_data"]))
        if facts["cc_by_missing_credit"]:
            s.append("")
            s.append(f"{_fmt(facts['cc_by_missing_credit'])} of them have no `attribution_text`: credit them "
                     "from `title`, `authors`, `publisher`, `url` and `licence_url`.")
        s.append("")
        s.append("Examples of credit lines:")
        s.append("")
        s += [f"- {t}" for t in facts["cc_by_examples"]]
        s.append("")
        s.append("All credit lines: `pl.read_parquet(\"data/**/*.parquet\").filter(pl.col(\"licence_spdx\")"
                 ".str.starts_with(\"CC-BY\")).select(\"doc_id\", \"attribution_text\")`.")
    else:
        s.append("No document in `data/` is under a CC BY licence. Every record still has an `attribution_text` "
                 "credit line (title, author or agency, publisher, URL, licence) for citing it.")
    s.append("")
    if any(_spdx_class(k) in ("all-rights-reserved", "noassertion") for k in facts["spdx_data"]):
        s += ["## Records without an open licence", ""]
        n = sum(v for k, v in facts["spdx_data"].items() if _spdx_class(k) in ("all-rights-reserved", "noassertion"))
        s.append(f"{_fmt(n)} documents in `data/` are `all-rights-reserved` or `noassertion`. Their copyright "
                 "stays with the publisher or wire agency (`copyright_holder`, `original_source`); check that "
                 "your use is allowed where you are before using their text. A build with `--licence open` "
                 "leaves them out; `--withhold-text` keeps their metadata without the text.")
        s.append("")
    s += ["## Removal requests", ""]
    s.append("To have a record removed or corrected (as its author, publisher or rights holder), open an issue "
             "in the repository that published this release, with the record's `doc_id` or `url` and the reason. "
             "A record's copies are listed in its `duplicate_doc_ids` and `duplicate_urls` columns.")
    s.append("")
    return "\n".join(s)


def _changelog(facts: dict) -> str:
    run = facts["run"]
    counts, rows = run.get("counts", {}), facts["rows"]
    prev = run.get("previous") or {}
    s = ["# Changelog", "", f"## {facts['version']}", ""]
    built = (f"built by dedup {run.get('versions', {}).get('dedup', '?')} "
             f"(config sha256 `{facts['config_sha256']}`)")
    if prev:
        pc = prev.get("counts", {})
        s.append(f"Next version of {prev.get('name')} {prev.get('version')}, {built}: a {required_bump(run)} "
                 "version. Every record of the previous version is still here under the same `doc_id`; the new "
                 "crawl was deduplicated against it and within itself.")
        s.append("")
        s.append(f"- Added: {_fmt(prev.get('new_canonical', 0))} canonical documents in `data/`"
                 + (f" ({_fmt(prev.get('new_withheld', 0))} with their text withheld)" if prev.get("new_withheld") else "")
                 + ".")
        s.append(f"- Duplicates: {_fmt(prev.get('new_duplicates', 0))} new rows in `duplicates/`, "
                 f"{_fmt(prev.get('new_duplicates_of_previous', 0))} of them copies of a story already published "
                 f"(they point at its canonical record); {_fmt(prev.get('previous_clusters_grown', 0))} previous "
                 "clusters gained copies (their `cluster_size` and `duplicate_*` columns changed).")
        s.append(f"- Rejects: {_fmt(counts.get('rejects', 0) - pc.get('rejects', 0))} new rows in `rejects/`.")
        demoted = prev.get("demoted_canonical", 0)
        if demoted:
            s.append(f"- Removed from `data/`: {_fmt(demoted)} previous canonical records, now rows of `duplicates/` "
                     f"(new copies joined {_fmt(prev.get('previous_clusters_merged', 0))} previous clusters into one): "
                     + ", ".join(f"`{d}`" for d in prev.get("demoted_doc_ids", [])[:20])
                     + (" and more" if demoted > 20 else "") + ".")
        else:
            s.append("- Removed: none.")
        s.append(f"- Totals: {_fmt(rows['data'])} canonical, {_fmt(rows['duplicates'])} duplicates, "
                 f"{_fmt(rows['rejects'])} rejects from {_fmt(counts.get('input_records', 0))} input records.")
        s.append("")
        older = prev.get("changelog") or ""
        older = re.sub(r"^# Changelog\s*\n", "", older).strip()
        if older:
            s += [older, ""]
        return "\n".join(s)
    s.append(f"Release of {facts['name']} {built}. Counts are those of this build; no earlier release "
             "was compared, so every canonical row is listed as added.")
    s.append("")
    s.append(f"- Added: {_fmt(rows['data'])} canonical documents in `data/`"
             + ("" if facts["flat_data"] else " (" + ", ".join(
                 f"{PurePosixPath(k).name} {_fmt(v['rows'])}" for k, v in facts["data_folders"].items()) + ")") + ".")
    s.append(f"- Duplicates: {_fmt(rows['duplicates'])} rows in `duplicates/`"
             + (" (" + ", ".join(f"{k} {_fmt(v)}" for k, v in facts["match"].items()) + ")" if facts["match"] else "")
             + ".")
    reasons = run.get("rejects_by_reason", {}) or facts["reject_reasons"]
    s.append(f"- Rejects: {_fmt(rows['rejects'])} rows in `rejects/`"
             + (" (" + ", ".join(f"{k} {_fmt(v)}" for k, v in reasons.items()) + ")" if reasons else "") + ".")
    s.append(f"- Input records: {_fmt(counts.get('input_records', 0))}; skipped (no page): "
             f"{_fmt(counts.get('skipped_records', 0))}.")
    s.append("")
    return "\n".join(s)


# --------------------------------------------------------------------------------------------------
# Croissant 1.1

_CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "annotation": "cr:annotation",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "excludes": "cr:excludes",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "readLines": "cr:readLines",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "unArchive": "cr:unArchive",
    "value": "cr:value",
}

# Columns described in each record set (scalar columns; list columns are left to the Parquet schema).
RECORD_SETS = {
    "documents": ("data", ["doc_id", "cluster_id", "cluster_size", "canonical_reason", "url", "canonical_url",
                           "domain", "title", "site_name", "text", "n_chars", "content_sha256", "published_at",
                           "published_at_raw", "fetched_at", "source_file", "source_offset", "warc_record_id",
                           "licence_spdx", "licence_class", "licence_scope", "licence_url", "copyright_holder",
                           "copyright_year", "copyright_notice", "original_source", "dateline", "publisher",
                           "attribution_text"]),
    "duplicates": ("duplicates", ["doc_id", "cluster_id", "canonical_doc_id", "url", "domain",
                                  "similarity_to_canonical", "match", "licence_spdx", "licence_class",
                                  "original_source", "publisher", "fetched_at", "source_file", "source_offset"]),
    "rejects": ("rejects", ["doc_id", "url", "source_file", "source_offset", "reason", "detail"]),
}


def _croissant_type(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "sc:Text"
    if pa.types.is_integer(t):
        return "sc:Integer"
    if pa.types.is_floating(t):
        return "sc:Float"
    if pa.types.is_boolean(t):
        return "sc:Boolean"
    if pa.types.is_timestamp(t):
        return "sc:DateTime"
    raise ValueError(f"no Croissant data type for {t}")


def _croissant_license(spdx_counts: dict[str, int]) -> list:
    out = []
    for spdx in spdx_counts:
        if spdx.startswith("LicenseRef-") or spdx == "NOASSERTION":
            out.append({"@type": "sc:CreativeWork", "name": spdx, "url": LICENSES})
        else:
            out.append(f"https://spdx.org/licenses/{spdx}.html")
    return out


def _date_published(facts: dict) -> str:
    """run.json's own time if it has one, else SOURCE_DATE_EPOCH, else the newest fetch time in data/
    (the release can be no older than its newest record); a date, never the packaging clock."""
    run = facts["run"]
    for key in ("finished_at", "created_at", "started_at", "date"):
        if isinstance(run.get(key), str) and run[key][:10]:
            return run[key][:10]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d")
    newest = facts["fetched"][1] or facts["published"][1]
    return newest[:10] if newest else "1970-01-01"


def _croissant(facts: dict) -> dict:
    name, version = facts["name"], facts["version"]
    by_table = facts["by_table"]
    distribution: list[dict] = []
    for f in sorted((f for fs in by_table.values() for f in fs), key=lambda f: f.path):
        distribution.append({"@type": "cr:FileObject", "@id": f.path, "name": f.path,
                             "description": f"{f.table}/ file: {f.rows} rows, schema {f.schema}",
                             "contentUrl": f.path, "contentSize": f"{f.bytes} B",
                             "encodingFormat": PARQUET_MEDIA_TYPE, "sha256": f.sha256})
    record_sets = []
    for rs_name, (table, columns) in RECORD_SETS.items():
        if not by_table.get(table):
            continue
        globs = sorted({f"{PurePosixPath(f.path).parent.as_posix()}/*.parquet" for f in by_table[table]})
        set_id = f"{table}-parquet-files"
        distribution.append({"@type": "cr:FileSet", "@id": set_id, "name": set_id,
                             "description": f"every Parquet file of {table}/",
                             "encodingFormat": PARQUET_MEDIA_TYPE, "includes": globs})
        sch = table_schema(TABLES[table])
        docs = {f["name"]: f.get("doc") for f in definition(TABLES[table])["fields"]}
        fields = []
        for col in columns:
            if col not in sch.names:
                continue
            fields.append({"@type": "cr:Field", "@id": f"{rs_name}/{col}", "name": col,
                           "description": docs.get(col) or _DOCS.get(col) or col.replace("_", " "),
                           "dataType": _croissant_type(sch.field(col).type),
                           "source": {"fileSet": {"@id": set_id}, "extract": {"column": col}}})
        record_sets.append({"@type": "cr:RecordSet", "@id": rs_name, "name": rs_name,
                            "description": definition(TABLES[table])["description"],
                            "key": {"@id": f"{rs_name}/doc_id"}, "field": fields})
    rows = facts["rows"]
    pub0, pub1 = facts["published"]
    doc = {
        "@context": _CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_SPEC,
        "name": name,
        "description": (f"Deduplicated {facts['genre'][0]} from web-crawl dumps, built by dedup: {rows['data']} canonical "
                        f"documents (one per story, with the provenance of every copy), {rows['duplicates']} "
                        f"duplicate rows and {rows['rejects']} rejected input records. Licence per record in "
                        f"licence_spdx; see {LICENSES}."),
        "version": version,
        "url": facts["url"] or "./",
        "license": _croissant_license(facts["spdx_data"]),
        "datePublished": _date_published(facts),
        "citeAs": (f"@misc{{{re.sub(r'[^A-Za-z0-9]+', '_', name)}_{version.replace('.', '_')}, "
                   f"title = {{{name}}}, version = {{{version}}}, "
                   f"note = {{Deduplicated {facts['genre'][0]} built with dedup, config sha256 {facts['config_sha256']}}}}}"),
        "keywords": (["news"] if facts["genre"][0] == "news articles" else []) + ["deduplication", "web crawl", "text"],
        "isAccessibleForFree": True,
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if pub0:
        doc["temporalCoverage"] = f"{pub0}/{pub1}"
    return doc


# --------------------------------------------------------------------------------------------------
# package


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8", newline="\n")
    os.replace(tmp, path)


def _dumps(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def required_bump(run: dict) -> str | None:
    """The semver part a release following `run['previous']` must bump (Croissant's rules): major when
    records left data/ (a previous canonical became a duplicate), minor when records were added, patch
    otherwise; None for a first release."""
    prev = run.get("previous") or {}
    if not prev:
        return None
    if prev.get("demoted_canonical", 0):
        return "major"
    added = run.get("counts", {}).get("input_records", 0) - prev.get("counts", {}).get("input_records", 0)
    return "minor" if added > 0 else "patch"


def _semver_tuple(version: str) -> tuple[int, int, int]:
    m = _SEMVER.match(version)
    if not m:
        raise ReleaseError(f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def next_version(run: dict, version: str | None) -> str:
    """The version to package: the one asked for (checked against the previous release), or the
    previous version bumped as `required_bump` says, or 1.0.0 for a first release."""
    bump = required_bump(run)
    if bump is None:
        version = version or "1.0.0"
        _semver_tuple(version)
        return version
    prev = run["previous"].get("version") or "1.0.0"
    major, minor, patch = _semver_tuple(prev)
    want = {"major": (major + 1, 0, 0), "minor": (major, minor + 1, 0), "patch": (major, minor, patch + 1)}[bump]
    if version is None:
        return ".".join(map(str, want))
    have = _semver_tuple(version)
    if have < want:
        why = {"major": f"{run['previous'].get('demoted_canonical')} record(s) left data/ (previous canonicals that "
                        "became duplicates when clusters merged)",
               "minor": "records were added", "patch": "it follows a previous release"}[bump]
        raise ReleaseError(f"version {version} is too low: this release follows {prev} and {why}, so it needs a "
                           f"{bump} bump (at least {'.'.join(map(str, want))}); omit --version to get it")
    return version


def package(out: Path, *, name: str | None = None, version: str | None = None, url: str | None = None) -> dict:
    """Write the release files into `out` (a `dedup build` output) and return the manifest.

    Writes README.md (dataset card), croissant.json, manifest.json, LICENSES.md, CHANGELOG.md and, last,
    SHA256SUMS over every other file. Idempotent: the same folder gives the same bytes. `url` is where
    the release will be published (Croissant `url`); without it the Croissant file says "./" (this folder).
    Raises ReleaseError when `out` is not a build output or `version` is not semantic (x.y.z).
    """
    out = Path(out)
    if not out.is_dir():
        raise ReleaseError(f"{out}: not a folder; give the output folder of `dedup build`")
    if version is not None and not _SEMVER.match(version):
        raise ReleaseError(f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)")
    version = next_version(_load_run(out), version)
    name_given = bool(name or (_load_run(out).get("previous") or {}).get("name"))
    if not name_given:
        data_files = sorted((out / "data").rglob("*.parquet"))
        name = default_name(_read_columns(out, [_inspect(out, f.relative_to(out).as_posix()) for f in data_files],
                                          NEWS_COLUMNS)) if data_files else out.resolve().name
    name = name or (_load_run(out).get("previous") or {}).get("name")
    write_report(out, name=name)  # report.html, before the manifest and SHA256SUMS so both cover it
    facts = _facts(out, name, version, url)
    facts["name_given"] = name_given
    manifest = _manifest(facts)
    _write(out / MANIFEST, _dumps(manifest))
    _write(out / CROISSANT, _dumps(_croissant(facts)))
    _write(out / CARD, _card(facts))
    _write(out / LICENSES, _licenses(facts))
    _write(out / CHANGELOG, _changelog(facts))
    write_sums(out)
    return manifest


def write_sums(out: Path) -> str:
    """SHA256SUMS over every file of `out` but itself: `sha256sum -c` format, sorted by path."""
    lines = [f"{sha256_file(out / rel)}  {rel}\n" for rel in _all_files(out) if rel != SUMS]
    text = "".join(lines)
    _write(out / SUMS, text)
    return text


# --------------------------------------------------------------------------------------------------
# verify

REPACKAGE = "run `dedup release OUT` on the folder again (the build's files are unchanged)"


def read_sums(out: Path, problems: list[str]) -> dict[str, str] | None:
    """SHA256SUMS as {relative path: sha256}; malformed lines are reported in `problems`."""
    path = out / SUMS
    if not path.is_file():
        problems.append(f"{SUMS}: missing; package the folder with `dedup release {out}` to write it")
        return None
    sums: dict[str, str] = {}
    for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        m = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
        if not m:
            problems.append(f"{SUMS}: line {i} is not '<sha256>  <path>' ({line[:80]!r}); {REPACKAGE}")
            continue
        rel = m.group(2)
        if rel.startswith("/") or ".." in PurePosixPath(rel).parts:
            problems.append(f"{SUMS}: line {i} names {rel!r}, outside the release folder; {REPACKAGE}")
            continue
        sums[rel] = m.group(1)
    return sums


def _examples(ids) -> str:
    ids = sorted(str(i) for i in ids)
    more = f" and {len(ids) - _MAX_EXAMPLES} more" if len(ids) > _MAX_EXAMPLES else ""
    return ", ".join(ids[:_MAX_EXAMPLES]) + more


def verify(out: Path) -> list[str]:
    """Problems found in the release folder `out`, each naming the file, what is wrong and how to fix
    it; [] when the release is good. Checks: SHA256SUMS (every file listed, present, same hash), the
    manifest (rows and row groups of every Parquet file), schemas (fingerprint of each table's schema
    in dedup.schema), the build's config hash, the accounting invariant (every doc_id exactly once
    across data/duplicates/rejects, counts equal run.json), duplicates pointing at a canonical in
    data/, and licence_spdx never null in data/."""
    out = Path(out)
    problems: list[str] = []
    if not out.is_dir():
        return [f"{out}: not a folder; give the folder of a packaged release"]
    present = _all_files(out)
    present_set = set(present)

    # 1. checksums
    sums = read_sums(out, problems)
    hashes: dict[str, str] = {}
    if sums is not None:
        for rel, expected in sorted(sums.items()):
            if rel not in present_set:
                problems.append(f"{rel}: listed in {SUMS} but missing; restore it from the published release")
                continue
            actual = hashes[rel] = sha256_file(out / rel)
            if actual != expected:
                problems.append(f"{rel}: sha256 {actual} differs from {expected} in {SUMS} (the file changed "
                                "after packaging); restore it from the published release, or rebuild and "
                                "package again if the change is intended")
        for rel in present:
            if rel != SUMS and rel not in sums:
                problems.append(f"{rel}: unlisted file (not in {SUMS}); remove it, or package again to include it")
    for rel in RELEASE_FILES:
        if rel != SUMS and rel not in present_set:
            problems.append(f"{rel}: missing; {REPACKAGE}")

    # 2. run.json and the manifest
    run: dict = {}
    try:
        run = json.loads((out / "run.json").read_text("utf-8"))
    except FileNotFoundError:
        problems.append("run.json: missing; it is written by `dedup build`: restore it or rebuild")
    except json.JSONDecodeError as exc:
        problems.append(f"run.json: not valid JSON ({exc}); restore it or rebuild")
    manifest: dict = {}
    if MANIFEST in present_set:
        try:
            manifest = json.loads((out / MANIFEST).read_text("utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{MANIFEST}: not valid JSON ({exc}); {REPACKAGE}")
    listed = {e.get("path"): e for e in manifest.get("files", []) if isinstance(e, dict)}

    # 3. every Parquet file: readable, known table, schema, rows, config hash
    expected_hash = config_sha256(run["config"]) if isinstance(run.get("config"), dict) else None
    parquet = [r for r in present if r.endswith(".parquet")]
    infos: dict[str, _File] = {}
    for rel in parquet:
        f = _File(rel, (out / rel).stat().st_size, hashes.get(rel, ""))
        f.table = _table_of(rel)
        f.schema = TABLES.get(f.table) if f.table else None
        try:
            pf = pq.ParquetFile(out / rel)
            f.rows, f.row_groups = pf.metadata.num_rows, pf.metadata.num_row_groups
            f.fingerprint = fingerprint(pf.schema_arrow)
            meta = pf.schema_arrow.metadata or {}
            f.kv = {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"dedup.")}
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{rel}: cannot be read as Parquet ({type(exc).__name__}: {exc}); restore it from "
                            "the published release or rebuild")
            continue
        infos[rel] = f
        if f.schema is None:
            problems.append(f"{rel}: Parquet file outside the table folders ({', '.join(t + '/' for t in TABLES)}); remove it "
                            "or move it to its table's folder, then package again")
            continue
        want = table_schema(f.schema)
        if f.fingerprint != fingerprint(want):
            problems.append(f"{rel}: schema fingerprint {f.fingerprint} differs from {fingerprint(want)} of the "
                            f"'{f.schema}' schema ({_schema_diff(pf.schema_arrow, want)}); rebuild with this "
                            f"version of dedup (schemas/{f.schema}.json) and package again")
        if f.kv.get("dedup.schema") not in (None, f.schema):
            problems.append(f"{rel}: its metadata says schema '{f.kv.get('dedup.schema')}' but files in "
                            f"{f.table}/ hold '{f.schema}'; move the file to its table's folder or rebuild")
        if expected_hash and f.kv.get("dedup.config_sha256") not in (None, expected_hash):
            problems.append(f"{rel}: built with config sha256 {f.kv.get('dedup.config_sha256')}, but run.json's "
                            f"config hashes to {expected_hash}; the folder mixes builds: rebuild it whole")
        if f.table == "data" and f.kv.get("dedup.licence_class"):
            folder = PurePosixPath(rel).parent.name
            if folder != "data" and folder != f.kv["dedup.licence_class"]:
                problems.append(f"{rel}: holds licence class '{f.kv['dedup.licence_class']}' but sits in "
                                f"data/{folder}/; move it to data/{f.kv['dedup.licence_class']}/ or rebuild")
        entry = listed.get(rel)
        if manifest:
            if entry is None:
                problems.append(f"{rel}: not listed in {MANIFEST}; remove it, or package again to include it")
            else:
                if entry.get("rows") != f.rows:
                    problems.append(f"{rel}: has {f.rows} rows but {MANIFEST} says {entry.get('rows')}; restore "
                                    "the file from the published release, or rebuild and package again")
                if entry.get("row_groups") not in (None, f.row_groups):
                    problems.append(f"{rel}: has {f.row_groups} row groups but {MANIFEST} says "
                                    f"{entry.get('row_groups')}; restore the file from the published release")
    for rel, entry in sorted(listed.items()):
        if rel and rel not in present_set:
            problems.append(f"{rel}: listed in {MANIFEST} but missing; restore it from the published release")
    for table, files in (run.get("outputs") or {}).items():
        for item in files if isinstance(files, list) else []:
            rel = item.get("file") if isinstance(item, dict) else None
            if rel and rel not in present_set:
                problems.append(f"{rel}: listed in run.json outputs but missing; restore it or rebuild")

    # 4. accounting, references, licences
    problems += _check_rows(out, infos, run)
    return problems


def _schema_diff(have: pa.Schema, want: pa.Schema) -> str:
    h = {f.name: pa.field(f.name, plain_type(f.type), nullable=f.nullable) for f in have}
    w = {f.name: f for f in want}
    parts = []
    missing = [n for n in w if n not in h]
    extra = [n for n in h if n not in w]
    changed = [f"{n}: {h[n].type}{'' if h[n].nullable else ' not null'} instead of "
               f"{w[n].type}{'' if w[n].nullable else ' not null'}"
               for n in w if n in h and (h[n].type != w[n].type or h[n].nullable != w[n].nullable)]
    if missing:
        parts.append("missing columns " + ", ".join(missing))
    if extra:
        parts.append("extra columns " + ", ".join(extra))
    if changed:
        parts.append("changed " + "; ".join(changed))
    if not parts and list(h) != list(w):
        parts.append("columns in another order")
    return "; ".join(parts) or "types differ"


def _check_rows(out: Path, infos: dict[str, _File], run: dict) -> list[str]:
    problems: list[str] = []
    by_table = {t: [f for f in infos.values() if f.table == t and f.fingerprint] for t in TABLES}
    frames = {}
    for t in ("data", "duplicates", "rejects"):
        cols = {"data": ["doc_id", "licence_spdx"], "duplicates": ["doc_id", "canonical_doc_id"],
                "rejects": ["doc_id"]}[t]
        try:
            frames[t] = _read_columns(out, by_table[t], cols)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{t}/: cannot read columns {cols} ({type(exc).__name__}: {exc}); rebuild the dataset")
            return problems
    if not by_table["data"]:
        problems.append("data/: no readable Parquet files; restore them from the published release or rebuild")
    ids = pl.concat([frames[t].select("doc_id", "_file") for t in frames], how="vertical_relaxed")
    null_ids = ids.filter(pl.col("doc_id").is_null())
    for rel in sorted(set(null_ids["_file"].to_list())):
        problems.append(f"{rel}: rows with a null doc_id; rebuild the dataset")
    repeated = (ids.drop_nulls("doc_id").group_by("doc_id").agg(pl.col("_file").sort().alias("files"), pl.len().alias("n"))
                .filter(pl.col("n") > 1).sort("doc_id"))
    for row in repeated.head(_MAX_EXAMPLES).iter_rows(named=True):
        problems.append(f"{', '.join(sorted(set(row['files'])))}: doc_id {row['doc_id']} appears {row['n']} times "
                        "across data/duplicates/rejects (each must appear exactly once); restore the files from "
                        "the published release or rebuild")
    if repeated.height > _MAX_EXAMPLES:
        problems.append(f"data/, duplicates/, rejects/: {repeated.height - _MAX_EXAMPLES} more doc_ids appear more "
                        "than once; rebuild the dataset")
    counts = run.get("counts") or {}
    names = {"data": "canonical", "duplicates": "duplicates", "rejects": "rejects"}
    for t, key in names.items():
        if key in counts and frames[t].height != counts[key]:
            problems.append(f"{t}/: {frames[t].height} rows but run.json counts {counts[key]} {key}; restore the "
                            f"missing or changed files of {t}/ from the published release, or rebuild")
    if "input_records" in counts:
        total = sum(frames[t].height for t in names)
        if total != counts["input_records"]:
            problems.append(f"data/ + duplicates/ + rejects/: {total} rows but run.json counts "
                            f"{counts['input_records']} input records (every input record must end in exactly "
                            "one of them); restore the files from the published release, or rebuild")
    canon = set(frames["data"]["doc_id"].drop_nulls().to_list())
    dangling = frames["duplicates"].filter(~pl.col("canonical_doc_id").is_in(list(canon)))
    for rel in sorted(set(dangling["_file"].to_list())):
        missing = dangling.filter(pl.col("_file") == rel)["canonical_doc_id"].unique().to_list()
        problems.append(f"{rel}: {dangling.filter(pl.col('_file') == rel).height} duplicate rows point at "
                        f"canonical_doc_id(s) not in data/ ({_examples(missing)}); restore data/ from the "
                        "published release, or rebuild")
    if by_table["signatures"]:
        # every signed document is in data/ (is_canonical) or duplicates/ (not): names a lost row
        sigs = _read_columns(out, by_table["signatures"], ["doc_id", "is_canonical"])
        for t, canonical in (("data", True), ("duplicates", False)):
            have = set(frames[t]["doc_id"].drop_nulls().to_list())
            lost = [d for d in sigs.filter(pl.col("is_canonical") == canonical)["doc_id"].to_list() if d not in have]
            if lost:
                problems.append(f"{t}/: {len(lost)} doc_id(s) with a signature in signatures/ have no row in {t}/ "
                                f"({_examples(lost)}); restore the files of {t}/ from the published release, "
                                "or rebuild")
    nulls = frames["data"].filter(pl.col("licence_spdx").is_null())
    for rel in sorted(set(nulls["_file"].to_list())):
        problems.append(f"{rel}: {nulls.filter(pl.col('_file') == rel).height} rows with a null licence_spdx "
                        "(every document needs one; NOASSERTION when unknown); rebuild with this version of dedup")
    return problems
