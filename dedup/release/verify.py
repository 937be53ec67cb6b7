"""verify: re-check a packaged release and name every problem, with the file and how to fix it.

`verify(out)` returns [] for a good release. The checks run in order, each over what the earlier ones
could read: checksums, the release files, run.json and the manifest, every Parquet file (through the
same `files.inspect_file` that `package` uses), then the rows (accounting, references, licences).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl
import pyarrow as pa

from dedup.release.facts import config_sha256
from dedup.release.files import (MANIFEST, RELEASE_FILES, SUMS, TABLES, FileInfo, all_files, inspect_file,
                                 read_columns, readable, sha256_file)
from dedup.release.manifest import REPACKAGE, read_sums
from dedup.schema import fingerprint, plain_type, schema as table_schema

MAX_EXAMPLES = 5  # ids quoted in one message
ROW_TABLES = {"data": "canonical", "duplicates": "duplicates", "rejects": "rejects"}  # table -> run.json count
ROW_COLUMNS = {"data": ["doc_id", "licence_spdx"], "duplicates": ["doc_id", "canonical_doc_id"],
               "rejects": ["doc_id"]}


def examples(ids: Iterable[object]) -> str:
    """A few sorted ids, and how many more there are."""
    shown = sorted(str(i) for i in ids)
    more = f" and {len(shown) - MAX_EXAMPLES} more" if len(shown) > MAX_EXAMPLES else ""
    return ", ".join(shown[:MAX_EXAMPLES]) + more


def _check_sums(out: Path, present: list[str], problems: list[str]) -> dict[str, str]:
    """SHA256SUMS: every listed file present with its hash, no file unlisted. Returns the hashes computed."""
    present_set = set(present)
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
    return hashes


def _load_json(out: Path, present: set[str], problems: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(run.json, manifest.json) as parsed, {} for what is missing or malformed (named in `problems`)."""
    run: dict[str, Any] = {}
    try:
        run = json.loads((out / "run.json").read_text("utf-8"))
    except FileNotFoundError:
        problems.append("run.json: missing; it is written by `dedup build`: restore it or rebuild")
    except json.JSONDecodeError as exc:
        problems.append(f"run.json: not valid JSON ({exc}); restore it or rebuild")
    manifest: dict[str, Any] = {}
    if MANIFEST in present:
        try:
            manifest = json.loads((out / MANIFEST).read_text("utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{MANIFEST}: not valid JSON ({exc}); {REPACKAGE}")
    return run, manifest


def schema_diff(have: pa.Schema, want: pa.Schema) -> str:
    """What differs between a file's schema and its table's: missing, extra and changed columns."""
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


def _check_parquet(f: FileInfo, expected_hash: str | None, listed: dict[str, Any], has_manifest: bool) -> list[str]:
    """One readable Parquet file: its table, schema, config hash, licence folder, rows against the manifest."""
    rel, problems = f.path, []
    if f.schema is None:
        return [f"{rel}: Parquet file outside the table folders ({', '.join(t + '/' for t in TABLES)}); remove it "
                "or move it to its table's folder, then package again"]
    want = table_schema(f.schema)
    if f.fingerprint != fingerprint(want):
        assert f.arrow_schema is not None  # a readable file
        problems.append(f"{rel}: schema fingerprint {f.fingerprint} differs from {fingerprint(want)} of the "
                        f"'{f.schema}' schema ({schema_diff(f.arrow_schema, want)}); rebuild with this "
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
    if has_manifest:
        if entry is None:
            problems.append(f"{rel}: not listed in {MANIFEST}; remove it, or package again to include it")
        else:
            if entry.get("rows") != f.rows:
                problems.append(f"{rel}: has {f.rows} rows but {MANIFEST} says {entry.get('rows')}; restore "
                                "the file from the published release, or rebuild and package again")
            if entry.get("row_groups") not in (None, f.row_groups):
                problems.append(f"{rel}: has {f.row_groups} row groups but {MANIFEST} says "
                                f"{entry.get('row_groups')}; restore the file from the published release")
    return problems


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
    present = all_files(out)
    present_set = set(present)
    hashes = _check_sums(out, present, problems)
    run, manifest = _load_json(out, present_set, problems)
    listed: dict[str, Any] = {e["path"]: e for e in manifest.get("files", [])
                              if isinstance(e, dict) and isinstance(e.get("path"), str)}

    expected_hash = config_sha256(run["config"]) if isinstance(run.get("config"), dict) else None
    infos: dict[str, FileInfo] = {}
    for rel in (r for r in present if r.endswith(".parquet")):
        f = inspect_file(out, rel, hashes.get(rel, ""))
        if f.error:
            problems.append(f"{rel}: cannot be read as Parquet ({f.error}); restore it from "
                            "the published release or rebuild")
            continue
        infos[rel] = f
        problems += _check_parquet(f, expected_hash, listed, bool(manifest))
    for rel in sorted(r for r in listed if r):
        if rel not in present_set:
            problems.append(f"{rel}: listed in {MANIFEST} but missing; restore it from the published release")
    for files in (run.get("outputs") or {}).values():
        for item in files if isinstance(files, list) else []:
            output = item.get("file") if isinstance(item, dict) else None
            if output and output not in present_set:
                problems.append(f"{output}: listed in run.json outputs but missing; restore it or rebuild")
    return problems + check_rows(out, infos, run)


def _accounting(frames: dict[str, pl.DataFrame], counts: dict[str, Any]) -> list[str]:
    problems = []
    for t, key in ROW_TABLES.items():
        if key in counts and frames[t].height != counts[key]:
            problems.append(f"{t}/: {frames[t].height} rows but run.json counts {counts[key]} {key}; restore the "
                            f"missing or changed files of {t}/ from the published release, or rebuild")
    if "input_records" in counts:
        total = sum(frames[t].height for t in ROW_TABLES)
        if total != counts["input_records"]:
            problems.append(f"data/ + duplicates/ + rejects/: {total} rows but run.json counts "
                            f"{counts['input_records']} input records (every input record must end in exactly "
                            "one of them); restore the files from the published release, or rebuild")
    return problems


def _repeated_ids(frames: dict[str, pl.DataFrame]) -> list[str]:
    problems = []
    ids = pl.concat([frames[t].select("doc_id", "_file") for t in frames], how="vertical_relaxed")
    for rel in sorted(set(ids.filter(pl.col("doc_id").is_null())["_file"].to_list())):
        problems.append(f"{rel}: rows with a null doc_id; rebuild the dataset")
    repeated = (ids.drop_nulls("doc_id").group_by("doc_id")
                .agg(pl.col("_file").sort().alias("files"), pl.len().alias("n"))
                .filter(pl.col("n") > 1).sort("doc_id"))
    for row in repeated.head(MAX_EXAMPLES).iter_rows(named=True):
        problems.append(f"{', '.join(sorted(set(row['files'])))}: doc_id {row['doc_id']} appears {row['n']} times "
                        "across data/duplicates/rejects (each must appear exactly once); restore the files from "
                        "the published release or rebuild")
    if repeated.height > MAX_EXAMPLES:
        problems.append(f"data/, duplicates/, rejects/: {repeated.height - MAX_EXAMPLES} more doc_ids appear more "
                        "than once; rebuild the dataset")
    return problems


def _references(out: Path, frames: dict[str, pl.DataFrame], signatures: list[FileInfo]) -> list[str]:
    """Duplicates point at a canonical in data/; every signed document has its row; licences present."""
    problems = []
    canon = set(frames["data"]["doc_id"].drop_nulls().to_list())
    dangling = frames["duplicates"].filter(~pl.col("canonical_doc_id").is_in(list(canon)))
    for rel in sorted(set(dangling["_file"].to_list())):
        missing = dangling.filter(pl.col("_file") == rel)["canonical_doc_id"].unique().to_list()
        problems.append(f"{rel}: {dangling.filter(pl.col('_file') == rel).height} duplicate rows point at "
                        f"canonical_doc_id(s) not in data/ ({examples(missing)}); restore data/ from the "
                        "published release, or rebuild")
    if signatures:
        # every signed document is in data/ (is_canonical) or duplicates/ (not): names a lost row
        sigs = read_columns(out, readable(signatures), ["doc_id", "is_canonical"])
        for t, canonical in (("data", True), ("duplicates", False)):
            have = set(frames[t]["doc_id"].drop_nulls().to_list())
            lost = [d for d in sigs.filter(pl.col("is_canonical") == canonical)["doc_id"].to_list() if d not in have]
            if lost:
                problems.append(f"{t}/: {len(lost)} doc_id(s) with a signature in signatures/ have no row in {t}/ "
                                f"({examples(lost)}); restore the files of {t}/ from the published release, "
                                "or rebuild")
    nulls = frames["data"].filter(pl.col("licence_spdx").is_null())
    for rel in sorted(set(nulls["_file"].to_list())):
        problems.append(f"{rel}: {nulls.filter(pl.col('_file') == rel).height} rows with a null licence_spdx "
                        "(every document needs one; NOASSERTION when unknown); rebuild with this version of dedup")
    return problems


def check_rows(out: Path, infos: dict[str, FileInfo], run: dict[str, Any]) -> list[str]:
    """The rows: every doc_id once across data/duplicates/rejects, counts equal run.json's, references hold."""
    by_table = {t: [f for f in infos.values() if f.table == t and f.fingerprint] for t in TABLES}
    frames = {}
    for t, cols in ROW_COLUMNS.items():
        try:
            frames[t] = read_columns(out, readable(by_table[t]), cols)
        except Exception as exc:  # noqa: BLE001
            return [f"{t}/: cannot read columns {cols} ({type(exc).__name__}: {exc}); rebuild the dataset"]
    problems = []
    if not by_table["data"]:
        problems.append("data/: no readable Parquet files; restore them from the published release or rebuild")
    problems += _repeated_ids(frames)
    problems += _accounting(frames, run.get("counts") or {})
    return problems + _references(out, frames, by_table["signatures"])
