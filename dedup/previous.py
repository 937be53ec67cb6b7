"""previous: an earlier release that a new build deduplicates against (`dedup build --previous`).

The next release is complete (it carries every record of the previous one) and stable: doc_ids never
change, a previous canonical stays canonical unless two previous clusters merge, and new copies of a
previous story point at its canonical. `load_previous` reads the previous release, and the functions below join it to this build's decisions (stages select and rights) and carry its
rows into the new output (stage write).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.config import LICENCE_CLASSES
from dedup.errors import ConfigError, InputError, ReleaseError
from dedup.grown_clusters import (NOTICE_COLUMNS, RESTATED_FROM, WIRE_KEPT, WIRE_RESTATED, absorbed_votes, later_reason,
                                   published_notice, restate_votes, wire_licence)
from dedup.release.creator import manifest_creator
from dedup.release.files import MANIFEST
from dedup.release.manifest import load_manifest
from dedup.release.verify import verify
from dedup.rights.merge import WIRE_TEXT
from dedup.run_report import RunReport
from dedup.schema import frame, schema
from dedup.select import choose_canonical, on_agency_domain
from dedup.shards import BucketSpill, to_schema
from dedup.text.blocks import SAMPLE_RULE, SAMPLE_RULE_KEY, site_rows
from dedup.words import counted

# documents columns the decisions need about previous canonical records
CANON_COLUMNS = ["doc_id", "cluster_id", "cluster_size", "canonical_reason", "url", "domain", "published_at", "fetched_at",
                 "n_chars", "content_sha256", "original_source", "licence_class", "licence_scope",
                 "duplicate_doc_ids"]
DUP_COLUMNS = ["doc_id", "cluster_id", "canonical_doc_id", "url", "domain", "match"]


@dataclass
class Previous:
    """What a build needs of the release it follows: its chrome and run.json. Its records' key columns
    (`canonical_rows`, `duplicate_rows`), signatures and ids are read from its files where a stage uses them: a
    build holds none of them for its whole length (scale round 6: ~0.2 KB a previous record, 2 GB at 10 M)."""
    path: Path
    name: str
    version: str
    report: RunReport  # its run.json
    changelog: str
    documents: int  # rows of data/, duplicates/ and rejects/ (each doc_id once)
    chrome: pl.DataFrame  # boilerplate/: domain, block_key, pages, stories, sample_text, chrome_since
    samples_left: int = 0  # its site rows whose sample_text is not carried (`_chrome_rows`: no sample rule stated)
    creator: dict[str, str] | None = None  # its manifest.json `creator`, carried to the next release (audit round 13)

    @property
    def digest(self) -> str | None:
        """What identifies the release, wherever its folder is and whatever it is called: the sha256 of its
        SHA256SUMS (the release digest `dedup verify` prints; None without one)."""
        sums = self.path / "SHA256SUMS"
        return hashlib.sha256(sums.read_bytes()).hexdigest() if sums.is_file() else None

    def files(self, table: str) -> list[Path]:
        """The Parquet files of one table of the previous release, sorted."""
        return sorted((self.path / table).rglob("*.parquet"))

    def rows(self, table: str) -> int:
        """How many rows one table of the previous release holds (from its files' footers)."""
        return _rows(self.path, table)

    def canonical_rows(self, columns: list[str] | None = None) -> pl.DataFrame:
        """Every previous canonical's CANON_COLUMNS, the notice its story carries (`published_notice`) and
        publish_class (its data/<class>/ folder), sorted by doc_id; `columns` (doc_id among them): only these, of
        CANON_COLUMNS and publish_class. Read from data/ at each call, for the step that uses them."""
        canon = pl.concat(list(self.canonical_files(columns)), how="vertical_relaxed").sort("doc_id")
        return canon if columns is None else canon.select(columns)

    def canonical_files(self, columns: list[str] | None = None) -> Iterator[pl.DataFrame]:
        """`canonical_rows` one data/ file at a time, in file order (each file's rows in its order)."""
        for f in self.files("data"):
            if columns is None:
                rows = published_notice(pl.read_parquet(f, columns=CANON_COLUMNS + NOTICE_COLUMNS))
            else:
                rows = pl.read_parquet(f, columns=[c for c in columns if c != "publish_class"])
            yield rows.with_columns(pl.lit(_publish_class(self.path, f)).alias("publish_class"))

    def duplicate_rows(self, columns: list[str] = DUP_COLUMNS) -> pl.DataFrame:
        """Every previous duplicate's `columns` (of DUP_COLUMNS), sorted by doc_id, read from duplicates/ at each
        call."""
        return pl.concat(list(self.duplicate_files(columns)), how="vertical_relaxed").sort("doc_id")

    def duplicate_files(self, columns: list[str] = DUP_COLUMNS) -> Iterator[pl.DataFrame]:
        """`duplicate_rows` one duplicates/ file at a time, in file order (no file: one frame of no rows)."""
        files = self.files("duplicates")
        if not files:
            yield pl.DataFrame(schema={c: pl.String for c in columns})
        for f in files:
            yield pl.read_parquet(f, columns=columns)

    @property
    def run(self) -> dict[str, Any]:
        """Its run.json as a plain dict (the figures `pipeline` copies into the new run.json)."""
        return self.report.to_dict()

    def published_signature_counts(self) -> tuple[int, int]:
        """How many of its signatures/ rows stay published (every one with text) and their doc_ids' bytes: read from
        two small columns, so that the write stage sizes its shards without holding the signatures."""
        rows = id_bytes = 0
        for batch in self.published_signature_batches(columns=["doc_id", "n_shingles"]):
            rows += batch.height
            id_bytes += int(batch["doc_id"].str.len_bytes().sum() or 0)
        return rows, id_bytes

    def published_signature_batches(self, columns: list[str] | None = None) -> Iterator[pl.DataFrame]:
        """Its signatures/ rows that stay published (every one with text), batch by batch in file order: a
        release's signatures are never held at once (10 M records: ~5 GB at 128 permutations)."""
        for path in self.files("signatures"):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=_SIGNATURE_BATCH, columns=columns):
                rows = frame(batch).filter(pl.col("n_shingles").fill_null(0) > 0)
                if rows.height:
                    yield rows


# signatures/ rows per batch the write stage carries (~2 MiB at 128 permutations)
_SIGNATURE_BATCH = 4096


def _kv(path: Path, schema: pa.Schema | None = None) -> dict[str, str]:
    meta = (schema if schema is not None else pq.read_schema(path)).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items()}


# the MinHash parameters that say what the code signs and how (not a preset's or config's settings)
_CODE_PARAMS = ("scheme", "normaliser", "signed_text")


def check_params(path: Path, kv: dict[str, str], params: dict, bands: int, rows: int) -> None:
    """The previous signatures must come from the same MinHash and LSH settings as this build."""
    want = {f"dedup.minhash.{k}": str(v) for k, v in params.items()
            if k not in ("datasketch_version", "unicode_version")}
    want |= {"dedup.lsh.bands": str(bands), "dedup.lsh.rows": str(rows)}
    diff = {k: (kv.get(k), v) for k, v in want.items() if kv.get(k) != v}
    # what the code signs, not a setting: no preset or config brings it back
    made_by_code = {k: d for k, d in diff.items() if k.split(".", 2)[-1] in _CODE_PARAMS}
    if made_by_code:
        shown = ", ".join(f"{k.split('.', 2)[-1]}: previous {a}, now {b}" for k, (a, b) in sorted(made_by_code.items()))
        raise ConfigError(f"--previous {path}: its signatures were made by another version of dedup's signing "
                          f"({shown}) and would not compare with this build's; build without --previous (a whole "
                          "build), or with the dedup version that made that release")
    if diff:
        shown = ", ".join(f"{k.split('.', 2)[-1]}: previous {a}, now {b}" for k, (a, b) in sorted(diff.items()))
        raise ConfigError(f"--previous {path}: its signatures were made with other settings ({shown}); build "
                          "with the preset/config the previous release was built with (its run.json 'config')")


def _published_as(config: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """The licence classes a build's run.json `config` publishes, and those of them published without text (an
    empty `licence_classes` selects every class; a run.json written before these keys has neither)."""
    selected = frozenset(config.get("licence_classes") or LICENCE_CLASSES)
    return selected, frozenset(config.get("withhold_text") or ()) & selected


def _said(classes: frozenset[str], option: str, unset: frozenset[str], unset_said: str) -> str:
    """The option as a user gives it: `--licence open`, or what leaving it out means."""
    if classes == unset:
        return unset_said
    return f"{option} {','.join(c for c in LICENCE_CLASSES if c in classes)}"


def check_rights_settings(prev: Previous, licence_classes: tuple[str, ...], withhold_text: tuple[str, ...]) -> None:
    """Refuse a next build whose --licence / --withhold-text publish other classes, or withhold other texts, than
    the previous release did: its rows are carried as published (a class it dropped stays rejected, a text it
    withheld is not in it, a text it published would stay published), so the next release would follow two rules."""
    before = _published_as(prev.report.config)
    now = _published_as({"licence_classes": list(licence_classes), "withhold_text": list(withhold_text)})
    if before == now:
        return
    options: tuple[tuple[str, frozenset[str], str], ...] = (
        ("--licence", frozenset(LICENCE_CLASSES), "every class (no --licence)"),
        ("--withhold-text", frozenset(), "no --withhold-text"))
    said = [(_said(b, *option), _said(n, *option)) for option, b, n in zip(options, before, now) if b != n]
    shown = "; ".join(f"{b} there, {n} here" for b, n in said)
    raise ConfigError(
        f"--previous {prev.path}: {prev.name} {prev.version} was built with other licence settings ({shown}). A next "
        "release carries the previous rows as they were published (records of a class it dropped stay rejects, texts "
        "it withheld are not in it, texts it published stay), so its rows would follow two rules. Build with the "
        f"previous release's settings (`--config {prev.path}/run.json` gives them all), or, to change them, build "
        "every crawl file of both releases without --previous and release that as a new dataset")


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
            raise InputError(f"--previous {path} does not verify ({counted(len(problems), 'problem')}, first: "
                             f"{problems[0]}); run `dedup verify {path}` and restore it first")
    try:
        manifest = load_manifest(path)
        report = RunReport.load(path)
    except ReleaseError as exc:
        raise InputError(f"--previous {path}: {exc}") from exc
    changelog = (path / "CHANGELOG.md").read_text("utf-8") if (path / "CHANGELOG.md").is_file() else ""

    sig_files = sorted((path / "signatures").glob("*.parquet"))
    check_params(path, _kv(sig_files[0]), params, bands, rows)
    # the signatures themselves are streamed by the build (stages keys and sign), and its records' key columns read
    # where they are used (`Previous.canonical_rows`, `.duplicate_rows`), not held here
    chrome_files = sorted((path / "boilerplate").glob("*.parquet"))
    # the site passes' rows (a page's own removals, boilerplate/'s other actions, are not site chrome)
    chrome = (pl.concat([_chrome_rows(f) for f in chrome_files]).pipe(site_rows).drop("action") if chrome_files else
              pl.DataFrame(schema={"domain": pl.String, "block_key": pl.Int64, "pages": pl.UInt32,
                                   "stories": pl.UInt32, "sample_text": pl.String, "chrome_since": pl.String}))
    # the release a carried chrome row dates from: its own label, else the previous release itself
    chrome = chrome.with_columns(pl.col("chrome_since").fill_null(pl.lit(manifest.version)))
    samples_left = int(chrome["unsampled"].sum()) if "unsampled" in chrome.columns else 0
    chrome = chrome.drop("unsampled", strict=False)
    return Previous(path=path, name=manifest.name, version=manifest.version, report=report, changelog=changelog,
                    documents=sum(_rows(path, table) for table in ("data", "duplicates", "rejects")),
                    chrome=chrome.with_columns(pl.col("pages").cast(pl.UInt32), pl.col("stories").cast(pl.UInt32)),
                    samples_left=samples_left, creator=manifest_creator(path))


def _rows(release: Path, table: str) -> int:
    """How many rows one table of a release holds (from its files' footers)."""
    return sum(pq.read_metadata(f).num_rows for f in sorted((release / table).rglob("*.parquet")))


def _publish_class(release: Path, path: Path) -> str:
    """The data/<class>/ folder of one of a release's data/ files (its metadata's class for a flat data/)."""
    parts = PurePosixPath(path.relative_to(release / "data").as_posix()).parts
    return parts[0] if len(parts) > 1 else _kv(path).get("dedup.licence_class", "noassertion")


def _chrome_rows(path: Path) -> pl.DataFrame:
    """One boilerplate/ file's columns that a next build carries; `chrome_since` null in a release written
    before boilerplate/ had it (schema version 2: it then fails verify's schema check anyway). Its samples only
    when the file states that they come from published pages (`SAMPLE_RULE`): a release made before audit round 7
    may hold a byline or notice of a page it dropped, which the next release would publish again (`unsampled`
    marks the rows whose sample is left behind)."""
    schema = pq.read_schema(path)
    names = schema.names
    cols = ["domain", "block_key", "pages", "stories", "sample_text", "action"]
    rows = pl.read_parquet(path, columns=cols + [c for c in ("chrome_since",) if c in names])
    if "chrome_since" not in names:
        rows = rows.with_columns(pl.lit(None, pl.String).alias("chrome_since"))
    stated = _kv(path, schema).get(SAMPLE_RULE_KEY) == SAMPLE_RULE
    return rows.with_columns(pl.lit(not stated).and_(pl.col("sample_text").is_not_null()).alias("unsampled"),
                             pl.col("sample_text") if stated else pl.lit(None, pl.String).alias("sample_text"))


# ---------------------------------------------------------------- decisions and rows against a previous release

def with_chrome_since(chrome: pl.DataFrame, previous: Previous | None) -> pl.DataFrame:
    """This build's site-chrome rows with `chrome_since`: the release a row was carried from (the earliest
    one that had it), null for chrome this crawl made. The records carried from a release keep the text that
    release published, stripped of its chrome only; rehydrate needs to know which chrome that was."""
    if previous is None:
        return chrome.with_columns(pl.lit(None, pl.String).alias("chrome_since"))
    return chrome.join(previous.chrome.select("domain", "block_key", "chrome_since"), on=["domain", "block_key"],
                       how="left", maintain_order="left")


def with_previous_chrome(counts: pl.DataFrame, prior: pl.DataFrame, min_stories: int) -> pl.DataFrame:
    """Site chrome from this crawl's block counts plus the previous release's boilerplate table: a
    block that was chrome stays chrome, and its counts add to this crawl's."""
    both = pl.concat([counts.select("domain", "block_key", "pages", "stories"),
                      prior.select("domain", "block_key", "pages", "stories")], how="vertical_relaxed")
    return (both.group_by("domain", "block_key").agg(pl.col("pages").sum().cast(pl.UInt32),
                                                     pl.col("stories").sum().cast(pl.UInt32))
            .filter(pl.col("stories") >= min_stories).sort("domain", "block_key"))


def split_previous(members: pl.DataFrame, canon: pl.DataFrame, dups: pl.DataFrame,
                   policy: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Components -> (members of components with only new documents, decisions of the previous
    clusters that new documents joined). Untouched previous clusters are in neither: they are
    carried over as published. A touched cluster keeps its previous canonical and cluster_id; when
    new documents bridge several previous clusters, the policy picks among their canonicals and the
    others become duplicates (a removal from data/: a major version). `canon` and `dups`: the previous
    release's rows (`Previous.canon`, `Previous.dups`) of at least the members' documents."""
    old = pl.concat([
        canon.select("doc_id", pl.col("cluster_id").alias("_old_cluster"), pl.lit(True).alias("was_canonical")),
        dups.select("doc_id", pl.col("cluster_id").alias("_old_cluster"), pl.lit(False).alias("was_canonical")),
    ])
    m = members.join(old, on="doc_id", how="left")
    comp = m.group_by("_label").agg(pl.col("_old_cluster").drop_nulls().n_unique().alias("_n_old"),
                                    pl.col("_old_cluster").is_null().any().alias("_has_new"),
                                    pl.len().cast(pl.Int64).alias("cluster_size"))
    m = m.join(comp, on="_label", how="left")
    new_only = m.filter(pl.col("_n_old") == 0).select(members.columns)
    t = m.filter((pl.col("_n_old") >= 1) & (pl.col("_has_new") | (pl.col("_n_old") > 1)))
    info = canon.select(
        "doc_id", "published_at", "fetched_at", "n_chars",
        on_agency_domain(),
        pl.col("cluster_id").alias("_win_cluster"), pl.col("canonical_reason").alias("_old_reason"),
        pl.col("publish_class").alias("previous_class"), pl.col("original_source").alias("previous_agency"))
    cands = t.filter(pl.col("was_canonical").fill_null(False)).select("doc_id", "_label", "cluster_size").join(
        info, on="doc_id", how="left").with_columns(pl.col("_label").cast(pl.String).alias("cluster_id"))
    ranked = choose_canonical(cands, policy)
    winners = ranked.filter("is_canonical").select(
        pl.col("cluster_id").cast(pl.Int64).alias("_label"), "canonical_doc_id",
        pl.col("canonical_reason").alias("_merge_reason")).join(
        info.select("doc_id", "_win_cluster", "_old_reason", "previous_class", "previous_agency"),
        left_on="canonical_doc_id", right_on="doc_id", how="left")
    # against every previous member: the other canonicals (the merge's reason) and its own copies (its reason)
    winners = winners.with_columns(pl.Series("_prev_reason", [
        later_reason(policy, m, o) for m, o in zip(winners["_merge_reason"], winners["_old_reason"])], pl.String))
    touched = t.join(winners, on="_label", how="left").select(
        "doc_id", pl.col("_win_cluster").alias("cluster_id"), "cluster_size",
        (pl.col("doc_id") == pl.col("canonical_doc_id")).alias("is_canonical"), "canonical_doc_id",
        pl.col("_prev_reason").alias("canonical_reason"),
        pl.col("_old_cluster").is_not_null().alias("is_previous"),
        pl.col("was_canonical").fill_null(False), "previous_class", "previous_agency",
        (pl.col("_n_old") > 1).alias("merged"),
    )
    return new_only, touched


def previous_rights(decisions: pl.DataFrame) -> pl.DataFrame:
    """New copies of a previous story take its canonical's agency (the published record stands), none when it
    names none (`previous_class` marks a previous cluster's rows: a canonical's publish class is never null)."""
    grown = pl.col("previous_class").is_not_null()
    return decisions.with_columns(pl.when(grown).then(pl.col("previous_agency")).otherwise(pl.col("cluster_agency"))
                                  .alias("cluster_agency"))


def previous_figures(decisions: pl.DataFrame, prev_canon: set[str]) -> dict:
    """This build's decisions against the previous release, for some whole clusters (`prev_canon`: the
    previous canonical doc_ids among them); `previous_report` adds them up."""
    new = decisions.filter(~pl.col("is_previous"))
    demoted = decisions.filter(pl.col("is_previous") & pl.col("was_canonical") & ~pl.col("is_canonical"))
    touched = decisions.filter(pl.col("canonical_doc_id").is_in(list(prev_canon)))
    return {
        "new_canonical": int(new["is_canonical"].sum()),
        # by data/ folder (the first release's CHANGELOG gives its added rows so; a next one did not)
        "new_canonical_classes": dict(Counter(new.filter("is_canonical")["publish_class"].to_list())),
        "new_duplicates": int((~new["is_canonical"]).sum()),
        "new_duplicates_of_previous": int(new.filter(~pl.col("is_canonical")
                                                     & pl.col("canonical_doc_id").is_in(list(prev_canon))).height),
        "previous_clusters_grown": int(touched["cluster_id"].n_unique()) if touched.height else 0,
        "previous_clusters_merged": int(decisions.filter(pl.col("merged").fill_null(False))["cluster_id"].n_unique()),
        "demoted_canonical": demoted.height,
        "demoted_doc_ids": sorted(demoted["doc_id"].to_list()),
        "new_withheld": int(new.filter(pl.col("is_canonical") & pl.col("withhold_text"))
                            .height) if "withhold_text" in new.columns else 0,
        # carried canonicals whose new copies carry the agency's notice: restated all-rights-reserved, or kept
        # as published because --licence leaves that class out (`grown_clusters.restate_wire_text`)
        **{f"{flag}_doc_ids": sorted(decisions.filter(pl.col("is_canonical") & pl.col(flag).fill_null(False))
                                     ["doc_id"].to_list()) if flag in decisions.columns else []
           for flag in (WIRE_RESTATED, WIRE_KEPT)},
        "licence_restated_from": dict(Counter(decisions.filter(pl.col("is_canonical"))[RESTATED_FROM].drop_nulls()
                                              .to_list())) if RESTATED_FROM in decisions.columns else {},
    }


def previous_report(previous: Previous, parts: list[dict]) -> dict:
    """Figures of this build against the previous release (run.json `previous`), from the figures of
    every cluster partition (`previous_figures`)."""
    total: dict = {k: 0 for k in ("new_canonical", "new_duplicates", "new_duplicates_of_previous",
                                  "previous_clusters_grown", "previous_clusters_merged", "demoted_canonical",
                                  "new_withheld")}
    demoted: list[str] = []
    wire: dict[str, list[str]] = {WIRE_RESTATED: [], WIRE_KEPT: []}
    restated_from: Counter = Counter()
    classes: Counter = Counter()
    for part in parts:
        for k in total:
            total[k] += part[k]
        classes.update(part["new_canonical_classes"])
        demoted += part["demoted_doc_ids"]
        for flag, ids in wire.items():
            ids += part[f"{flag}_doc_ids"]
        restated_from.update(part["licence_restated_from"])
    return {
        # the release by its digest, not its folder's name: the same release in two folders is one previous
        "digest": previous.digest, "name": previous.name, "version": previous.version,
        **({"creator": previous.creator} if previous.creator else {}),
        "documents": previous.documents,
        "new_canonical": total["new_canonical"], "new_canonical_classes": dict(sorted(classes.items())),
        "new_duplicates": total["new_duplicates"],
        "new_duplicates_of_previous": total["new_duplicates_of_previous"],
        "previous_clusters_grown": total["previous_clusters_grown"],
        "previous_clusters_merged": total["previous_clusters_merged"],
        "demoted_canonical": total["demoted_canonical"],
        "demoted_doc_ids": sorted(demoted)[:100],
        "new_withheld": total["new_withheld"],
        # carried canonicals given all-rights-reserved by a new copy's wire notice (audit round 11), or kept as
        # published because --licence does not select that class: how many, and the first doc_ids
        **{key: {"records": len(ids), "doc_ids": sorted(ids)[:100]} for key, ids in wire.items()},
        "licence_restated_from": dict(sorted(restated_from.items())),  # the data/ folders they were published in
        # its boilerplate/ samples not carried: that release does not state they come from published pages
        "chrome_samples_not_carried": previous.samples_left,
        "counts": previous.report.counts.to_dict(),
        "changelog": previous.changelog,
    }


def carry_previous(prev: Previous, decisions: pl.DataFrame, provenance: pl.DataFrame,
                   data_spills: dict[str, BucketSpill], dups: BucketSpill, rejects: BucketSpill) -> None:
    """Rewrite the previous release's rows into this one: unchanged, except the clusters that new
    documents joined (size, provenance) and canonicals demoted by a merge (now duplicates rows)."""
    changed = decisions.filter("is_previous").select(
        "doc_id", pl.col("cluster_id").alias("_cluster"), pl.col("cluster_size").alias("_size"),
        "is_canonical", pl.col("canonical_doc_id").alias("_canonical"), pl.col("canonical_reason").alias("_reason"),
        pl.col("similarity_to_canonical").alias("_sim"), pl.col("match").alias("_match"),
        pl.col("cluster_agency").alias("_agency"), pl.col("agency_votes").alias("_votes"),
        pl.col("cluster_agencies").alias("_agencies"),
        # the wire rule's restatement of a grown cluster's carried canonical (`grown_clusters.wire_licence`)
        (pl.col(WIRE_RESTATED) if WIRE_RESTATED in decisions.columns else pl.lit(False)).alias(WIRE_TEXT),
        "wire_notice_doc_id", "cluster_copyright_holder", "cluster_copyright_year", "cluster_copyright_notice",
        pl.col("withhold_text").alias("_withhold"))
    # a merge's winner counts the votes of the clusters it absorbed (their demoted canonicals' rows)
    changed = changed.join(absorbed_votes(prev.files("data"), decisions), on="_cluster", how="left")
    prov = provenance.rename({c: f"_{c}" for c in provenance.columns if c != "doc_id"})
    prov_cols = [c for c in provenance.columns if c != "doc_id"]
    for path in prev.files("data"):
        parts = path.relative_to(prev.path / "data").parts
        cls = parts[0] if len(parts) > 1 else "noassertion"
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            rows = restate_votes(frame(batch).join(changed, on="doc_id", how="left").join(prov, on="doc_id", how="left"))
            hit = pl.col("is_canonical").is_not_null()
            stay = rows.filter(pl.col("is_canonical").fill_null(True)).with_columns(
                [pl.when(hit).then(pl.col(f"_{c}")).otherwise(pl.col(c)).alias(c) for c in prov_cols]
                + [pl.when(hit).then(pl.col("_cluster")).otherwise(pl.col("cluster_id")).alias("cluster_id"),
                   pl.when(hit).then(pl.col("_size")).otherwise(pl.col("cluster_size")).alias("cluster_size"),
                   pl.when(hit).then(pl.col("_reason")).otherwise(pl.col("canonical_reason")).alias("canonical_reason")])
            stay = wire_licence(stay)
            moved = pl.col(WIRE_TEXT).fill_null(False)
            data_spills[cls].add(to_schema(stay.filter(~moved), "documents"))
            if stay.filter(moved).height:
                data_spills["all-rights-reserved"].add(to_schema(stay.filter(moved), "documents"))
            demoted = rows.filter(pl.col("is_canonical") == False).with_columns(  # noqa: E712
                pl.col("_cluster").alias("cluster_id"), pl.col("_canonical").alias("canonical_doc_id"),
                pl.col("_sim").alias("similarity_to_canonical"), pl.col("_match").alias("match"),
                pl.col("_agency").alias("original_source"))
            dups.add(to_schema(demoted, "duplicates"))
    for path in prev.files("duplicates"):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            rows = frame(batch).join(changed, on="doc_id", how="left")
            moved = pl.col("_canonical").is_not_null() & (pl.col("_canonical") != pl.col("canonical_doc_id"))
            rows = rows.with_columns(
                pl.when(moved).then(pl.col("_cluster")).otherwise(pl.col("cluster_id")).alias("cluster_id"),
                pl.when(moved).then(pl.col("_canonical")).otherwise(pl.col("canonical_doc_id")).alias("canonical_doc_id"),
                pl.when(moved).then(pl.col("_sim")).otherwise(pl.col("similarity_to_canonical"))
                .alias("similarity_to_canonical"),
                pl.when(moved).then(pl.col("_match")).otherwise(pl.col("match")).alias("match"),
                pl.when(moved).then(pl.col("_agency")).otherwise(pl.col("original_source")).alias("original_source"))
            dups.add(to_schema(rows, "duplicates"))
    for path in prev.files("rejects"):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            rejects.add(pa.Table.from_batches([batch]).cast(schema("rejects")))


def signature_rows(rows: pl.DataFrame, decisions: pl.DataFrame) -> pa.Table:
    """Previous release's signatures (`Previous.published_signature_batches`) with is_canonical as this build
    decided it (a merge can demote one)."""
    decided = decisions.select("doc_id", pl.col("is_canonical").alias("_now"))
    rows = rows.join(decided, on="doc_id", how="left").with_columns(
        pl.coalesce("_now", "is_canonical").alias("is_canonical"))
    return to_schema(rows, "signatures")
