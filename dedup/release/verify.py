"""verify: re-check a packaged release and name every problem, with the file and how to fix it.

`verify(out)` returns [] for a good release. In order: what the folder holds (only regular files: a
symbolic link or a FIFO is a problem and never opened); each file against SHA256SUMS, then (when
SHA256SUMS agrees with it) against manifest.json and croissant.json, so one changed file is one problem
naming the first record it contradicts; run.json and the manifest themselves (typed loaders: malformed
is a named problem, never a traceback); every Parquet file (the `files.inspect_file` that `package`
uses); then the rows: every doc_id once, the counts of run.json, duplicates pointing at a canonical in
their cluster, a licence class consistent with each row's licence and folder.

What verify cannot see: a release rewritten and packaged again as a whole is consistent with itself.
Its authenticity is the sha256 of SHA256SUMS, which `dedup verify` prints; compare it with the one the
publisher states.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl
import pyarrow as pa

from dedup.errors import ReleaseError
from dedup.release.facts import config_sha256
from dedup.release.files import (CARD, CROISSANT, LISTED_RELEASE_FILES, MANIFEST, OPTIONAL_RELEASE_FILES, RELEASE_FILES,
                                 SUMS, TABLES, UNCHECKED, FileInfo, inspect_file, read_columns, readable, sha256_file)
from dedup.release.manifest import Manifest, parse_manifest, read_sums, repackage
from dedup.rights.licence import licence_class
from dedup.run_report import RUN_JSON, RunReport
from dedup.schema import fingerprint, plain_type, schema as table_schema

MAX_EXAMPLES = 5  # ids quoted in one message
ROW_TABLES = {"data": "canonical", "duplicates": "duplicates", "rejects": "rejects"}  # table -> run.json count
ROW_COLUMNS = {"data": ["doc_id", "licence_spdx", "licence_class", "cluster_id"],
               "duplicates": ["doc_id", "canonical_doc_id", "cluster_id"], "rejects": ["doc_id"]}
RESTORE = "restore it from the published release"


def examples(ids: Iterable[object]) -> str:
    """A few sorted ids, and how many more there are."""
    shown = sorted(str(i) for i in ids)
    more = f" and {len(shown) - MAX_EXAMPLES} more" if len(shown) > MAX_EXAMPLES else ""
    return ", ".join(shown[:MAX_EXAMPLES]) + more


@dataclass
class Folder:
    """What a release folder holds: regular files, symbolic links and other special files, by relative path."""

    root: Path
    files: list[str] = field(default_factory=list)  # sorted
    links: dict[str, str] = field(default_factory=dict)  # path -> where it points
    special: list[str] = field(default_factory=list)  # FIFOs, sockets, devices
    _hashes: dict[str, str] = field(default_factory=dict)

    def sha256(self, rel: str) -> str:
        """The sha256 of a regular file, computed once."""
        if rel not in self._hashes:
            self._hashes[rel] = sha256_file(self.root / rel)
        return self._hashes[rel]


def scan(out: Path) -> Folder:
    """Every entry under `out`, without following symbolic links (nor opening anything)."""
    folder = Folder(out)
    for root, dirs, names in os.walk(out):
        base = Path(root)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                folder.links[(base / name).relative_to(out).as_posix()] = os.readlink(base / name)
        dirs[:] = sorted(d for d in dirs if not (base / d).is_symlink())
        for name in names:
            path = base / name
            rel = path.relative_to(out).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                folder.links[rel] = os.readlink(path)
            elif stat.S_ISREG(mode):
                folder.files.append(rel)
            else:
                folder.special.append(rel)
    folder.files.sort()
    return folder


def _foreign(folder: Folder) -> list[str]:
    """Symbolic links and special files: a release holds regular files only."""
    problems = []
    inside = folder.root.resolve()
    for rel, target in sorted(folder.links.items()):
        resolved = (folder.root / rel).resolve()
        where = "" if resolved == inside or inside in resolved.parents else " (outside the release)"
        problems.append(f"{rel}: a symbolic link to {target}{where}; a release holds real files: replace the "
                        f"link with a copy of what it points to, or {RESTORE}")
    problems += [f"{rel}: not a regular file (a FIFO, socket or device); remove it" for rel in folder.special]
    return problems


def _load_run(out: Path, folder: Folder, problems: list[str]) -> RunReport | None:
    """run.json, typed; None (with the problem named) when missing or malformed."""
    if RUN_JSON not in folder.files:
        if RUN_JSON not in folder.links:
            problems.append(f"{RUN_JSON}: missing; it is written by `dedup build`: restore it or rebuild")
        return None
    try:
        return RunReport.from_dict(json.loads((out / RUN_JSON).read_text("utf-8")), where=RUN_JSON)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{RUN_JSON}: not valid JSON ({exc}); {RESTORE}, or rebuild")
    except ReleaseError as exc:
        problems.append(str(exc))
    return None


def _load_manifest(out: Path, folder: Folder, problems: list[str]) -> Manifest | None:
    if MANIFEST not in folder.files:
        return None  # named with the other missing release files
    try:
        return parse_manifest(json.loads((out / MANIFEST).read_text("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{MANIFEST}: not valid JSON ({exc}); {RESTORE}, or {repackage(out)}")
    except ReleaseError as exc:
        problems.append(f"{exc}; {RESTORE}, or {repackage(out)}")
    return None


def _croissant_files(out: Path, folder: Folder, problems: list[str]) -> dict[str, dict[str, Any]] | None:
    """croissant.json's FileObjects by contentUrl; None (with the problem named) when it cannot be read."""
    if CROISSANT not in folder.files:
        return None
    try:
        doc = json.loads((out / CROISSANT).read_text("utf-8"))
        objects = [d for d in doc["distribution"] if isinstance(d, dict) and d.get("@type") == "cr:FileObject"]
        return {str(d["contentUrl"]): d for d in objects}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{CROISSANT}: not valid JSON ({exc}); {RESTORE}, or {repackage(out)}")
    except (KeyError, TypeError) as exc:
        problems.append(f"{CROISSANT}: no readable 'distribution' of file objects ({type(exc).__name__}: {exc}); "
                        f"{RESTORE}, or {repackage(out)}")
    return None


def _check_files(out: Path, folder: Folder, sums: dict[str, str] | None, manifest: Manifest | None,
                 croissant: dict[str, dict[str, Any]] | None) -> list[str]:
    """Every file against SHA256SUMS, then the manifest, then croissant.json: one problem per file, at the
    first record it contradicts (a record that agrees with a changed file was rewritten after the change)."""
    problems = []
    release_files = set(RELEASE_FILES)
    # the card, Croissant, licences and changelog are checked against the manifest when it lists them (an
    # older manifest lists none of them, only the build's files: then SHA256SUMS alone covers them)
    if manifest is not None and any(rel in manifest.entries for rel in LISTED_RELEASE_FILES):
        release_files -= set(LISTED_RELEASE_FILES)
    for rel in folder.files:
        if rel == SUMS or rel in UNCHECKED:  # the build's measurements: outside the checksummed set
            continue
        actual = folder.sha256(rel)
        if sums is not None and rel not in sums:
            problems.append(f"{rel}: unlisted file (not in {SUMS}); remove it, or package again to include it")
            continue
        if sums is not None and sums[rel] != actual:
            problems.append(f"{rel}: sha256 {actual} differs from {sums[rel]} in {SUMS} (the file changed "
                            "after packaging); restore it from the published release, or rebuild and "
                            "package again if the change is intended")
            continue
        if rel in release_files:
            continue
        entry = manifest.entries.get(rel) if manifest else None
        if manifest is not None and entry is None:
            fix = (repackage(out) if rel in (*LISTED_RELEASE_FILES, *OPTIONAL_RELEASE_FILES)
                   else "remove it, or package again to include it")
            problems.append(f"{rel}: not listed in {MANIFEST}; {fix}")
            continue
        if entry is not None and (entry.sha256 != actual or entry.bytes != (out / rel).stat().st_size):
            problems.append(f"{rel}: sha256 {actual} differs from {entry.sha256} in {MANIFEST} ({SUMS} was "
                            f"rewritten after the file changed); {RESTORE}")
            continue
        item = croissant.get(rel) if croissant is not None else None
        if croissant is not None and rel.endswith(".parquet") and item is None:
            problems.append(f"{rel}: not described in {CROISSANT}; remove it, or package again to include it")
        elif item is not None and (str(item.get("sha256", "")).lower() != actual
                                   or item.get("contentSize") != f"{(out / rel).stat().st_size} B"):
            problems.append(f"{rel}: sha256 {actual} differs from {item.get('sha256')} in {CROISSANT} ({SUMS} "
                            f"and {MANIFEST} were rewritten after the file changed); {RESTORE}")
    present = set(folder.files) | set(folder.links)
    missing: set[str] = set()
    for record, listed in ((SUMS, sums), (MANIFEST, manifest.entries if manifest else None), (CROISSANT, croissant)):
        for rel in sorted(listed or {}):
            if rel not in present and rel not in missing and rel not in RELEASE_FILES:
                missing.add(rel)
                problems.append(f"{rel}: listed in {record} but missing; {RESTORE}")
    return problems


def _check_records(run: RunReport | None, manifest: Manifest | None) -> list[str]:
    """manifest.json against run.json: the counts and the config hash it states."""
    if run is None or manifest is None:
        return []
    problems = []
    counts = run.counts.to_dict()
    differ = sorted(k for k in set(counts) | set(manifest.counts) if manifest.counts.get(k) != counts.get(k))
    if differ:
        shown = ", ".join(f"{k} {manifest.counts.get(k)} vs {counts.get(k)}" for k in differ)
        problems.append(f"{MANIFEST}: counts differ from {RUN_JSON} ({shown}); one of them was edited: {RESTORE}")
    want = config_sha256(run.config) if run.config else None
    if manifest.config_sha256 != want:
        problems.append(f"{MANIFEST}: config_sha256 {manifest.config_sha256} differs from the hash of "
                        f"{RUN_JSON}'s config ({want}); one of them was edited: {RESTORE}")
    return problems


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


def _check_parquet(f: FileInfo, expected_hash: str | None, manifest: Manifest | None,
                   run: RunReport | None) -> list[str]:
    """One readable Parquet file: its table, schema, config hash, licence folder, rows against the records."""
    rel, problems = f.path, []
    if f.schema is None:
        return [f"{rel}: Parquet file outside the table folders ({', '.join(t + '/' for t in TABLES)}); remove it "
                "or move it to its table's folder, then package again"]
    want = table_schema(f.schema)
    if f.fingerprint != fingerprint(want) and f.arrow_schema is not None:
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
    entry = manifest.entries.get(rel) if manifest else None
    if entry is not None:
        if entry.rows != f.rows:
            problems.append(f"{rel}: has {f.rows} rows but {MANIFEST} says {entry.rows}; restore "
                            "the file from the published release, or rebuild and package again")
        elif entry.row_groups not in (None, f.row_groups):
            problems.append(f"{rel}: has {f.row_groups} row groups but {MANIFEST} says "
                            f"{entry.row_groups}; restore the file from the published release")
    output = next((o for files in (run.outputs.values() if run else []) for o in files if o.file == rel), None)
    if output is not None and output.rows != f.rows and (entry is None or entry.rows == f.rows):
        problems.append(f"{rel}: has {f.rows} rows but {RUN_JSON} outputs say {output.rows}; {RESTORE}, or rebuild")
    return problems


def verify(out: Path) -> list[str]:
    """Problems found in the release folder `out`, each naming the file, what is wrong and how to fix
    it; [] when the release is good. See the module's docstring and docs/release.md for the checks."""
    out = Path(out)
    if not out.is_dir():
        return [f"{out}: not a folder; give the folder of a packaged release"]
    folder = scan(out)
    if not any(rel in folder.files for rel in RELEASE_FILES):
        return [f"{out}: not a packaged release (no {SUMS}, {MANIFEST}, {CARD}...); "
                f"run `dedup release {out}` to package it"]
    problems = _foreign(folder)
    sums = read_sums(out, problems) if SUMS in folder.files else None
    if SUMS not in folder.files and SUMS not in folder.links:
        problems.append(f"{SUMS}: missing; run `dedup release {out}` to write it")
    problems += [f"{rel}: missing; {repackage(out)}" for rel in RELEASE_FILES
                 if rel != SUMS and rel not in folder.files and rel not in folder.links]
    run = _load_run(out, folder, problems)
    manifest = _load_manifest(out, folder, problems)
    croissant = _croissant_files(out, folder, problems)
    problems += _check_files(out, folder, sums, manifest, croissant)
    problems += _check_records(run, manifest)

    expected_hash = config_sha256(run.config) if run and run.config else None
    infos: dict[str, FileInfo] = {}
    for rel in (r for r in folder.files if r.endswith(".parquet")):
        f = inspect_file(out, rel, sha256="")
        if f.error:
            problems.append(f"{rel}: cannot be read as Parquet ({f.error}); restore it from "
                            "the published release or rebuild")
            continue
        infos[rel] = f
        problems += _check_parquet(f, expected_hash, manifest, run)
    present = set(folder.files) | set(folder.links)
    for files in (run.outputs.values() if run else []):
        for output in files:
            if output.file not in present and (manifest is None or output.file not in manifest.entries):
                problems.append(f"{output.file}: listed in {RUN_JSON} outputs but missing; restore it or rebuild")
    return problems + check_rows(out, infos, run)


def _accounting(frames: dict[str, pl.DataFrame], run: RunReport) -> list[str]:
    problems = []
    counts = run.counts.to_dict()
    for t, key in ROW_TABLES.items():
        if frames[t].height != counts[key]:
            problems.append(f"{t}/: {frames[t].height} rows but run.json counts {counts[key]} {key}; restore the "
                            f"missing or changed files of {t}/ from the published release, or rebuild")
    total = sum(frames[t].height for t in ROW_TABLES)
    if total != run.counts.input_records:
        problems.append(f"data/ + duplicates/ + rejects/: {total} rows but run.json counts "
                        f"{run.counts.input_records} input records (every input record must end in exactly "
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


def _per_file(frame: pl.DataFrame, bad: pl.Expr, what: str) -> list[str]:
    """One problem per file with rows where `bad` holds, quoting some of their doc_ids."""
    hits = frame.filter(bad)
    return [f"{rel}: {hits.filter(pl.col('_file') == rel).height} row(s) {what} "
            f"({examples(hits.filter(pl.col('_file') == rel)['doc_id'].to_list())}); {RESTORE}, or rebuild"
            for rel in sorted(set(hits["_file"].to_list()))]


def _references(out: Path, frames: dict[str, pl.DataFrame], signatures: list[FileInfo]) -> list[str]:
    """Duplicates point at a canonical in data/, in its cluster; every signed document has its row."""
    problems = []
    canon = frames["data"].select(pl.col("doc_id").alias("canonical_doc_id"),
                                  pl.col("cluster_id").alias("canonical_cluster")).drop_nulls("canonical_doc_id")
    dups = frames["duplicates"].join(canon, on="canonical_doc_id", how="left")
    dangling = dups.filter(pl.col("canonical_cluster").is_null())
    for rel in sorted(set(dangling["_file"].to_list())):
        missing = dangling.filter(pl.col("_file") == rel)["canonical_doc_id"].unique().to_list()
        problems.append(f"{rel}: {dangling.filter(pl.col('_file') == rel).height} duplicate rows point at "
                        f"canonical_doc_id(s) not in data/ ({examples(missing)}); restore data/ from the "
                        "published release, or rebuild")
    problems += _per_file(dups, pl.col("canonical_cluster").is_not_null()
                          & (pl.col("cluster_id") != pl.col("canonical_cluster")),
                          "with a cluster_id other than their canonical's")
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
    return problems


def _licences(data: pl.DataFrame) -> list[str]:
    """Every document has a licence_spdx, and the licence_class it implies, in the folder of that class."""
    problems = []
    nulls = data.filter(pl.col("licence_spdx").is_null())
    for rel in sorted(set(nulls["_file"].to_list())):
        problems.append(f"{rel}: {nulls.filter(pl.col('_file') == rel).height} rows with a null licence_spdx "
                        "(every document needs one; NOASSERTION when unknown); rebuild with this version of dedup")
    spdx = data["licence_spdx"].drop_nulls().unique().to_list()
    implied = pl.DataFrame({"licence_spdx": spdx, "implied": [licence_class(s) for s in spdx]},
                           schema={"licence_spdx": pl.String, "implied": pl.String})
    classes = data.drop_nulls("licence_spdx").join(implied, on="licence_spdx", how="left")
    problems += _per_file(classes, pl.col("licence_class").is_null() | (pl.col("licence_class") != pl.col("implied")),
                          "whose licence_class is not the class of their licence_spdx")
    folder = pl.col("_file").str.split("/").list.get(-2, null_on_oob=True)
    problems += _per_file(data.filter(folder != "data"), pl.col("licence_class") != folder,
                          "whose licence_class is not the data/<class>/ folder they are in")
    return problems


def check_rows(out: Path, infos: dict[str, FileInfo], run: RunReport | None) -> list[str]:
    """The rows: every doc_id once, the counts of run.json, references and licences."""
    by_table = {t: [f for f in infos.values() if f.table == t and f.fingerprint] for t in TABLES}
    matching = {t: [f for f in fs if f.fingerprint == fingerprint(table_schema(TABLES[t]))]
                for t, fs in by_table.items()}
    frames = {}
    for t, cols in ROW_COLUMNS.items():
        try:
            # all these columns are strings; an empty table reads as nulls, cast so that joins line up
            frames[t] = read_columns(out, readable(by_table[t]), cols).with_columns(
                pl.col(c).cast(pl.String) for c in cols)
        except Exception as exc:  # noqa: BLE001 - a damaged file: named, with what could not be read
            return [f"{t}/: cannot read columns {cols} ({type(exc).__name__}: {exc}); rebuild the dataset"]
    problems = []
    if not by_table["data"]:
        problems.append("data/: no readable Parquet files; restore them from the published release or rebuild")
    problems += _repeated_ids(frames)
    if run is not None:
        problems += _accounting(frames, run)
    problems += _references(out, frames, by_table["signatures"])
    # the row invariants read columns of the documents schema: only files that have it
    data = frames["data"].filter(pl.col("_file").is_in([f.path for f in matching["data"]]))
    return problems + _licences(data)
