"""partitions: the canonical choice, the cluster's rights and the write decisions, one cluster partition
at a time.

Everything the select and rights stages decide is decided inside one cluster, so the signed documents
are spread over partitions by their component label (`label mod partitions`): each partition holds
whole clusters, and its task runs the same rules the whole table would (`select.decide_canonical`,
`select.similarity`, `rights.merge.cluster_rights`, `licence_choices`, `select.provenance`,
`previous.split_previous`). The rights task hands its decisions back grouped by docs part, so the
write stage's task of a part reads only its own rows.

Rounds (all tasks, both engines):
1. `scatter_members` (a task per docs part; the previous release's documents from the client): the
   key columns of each signed document with its label, shingle count and text hash, grouped by partition;
2. `select_partition`: canonical and similarity of every member;
3. `rights_partition`: rights, licence class and provenance; decisions, rejects and provenance grouped
   by docs part (the previous release's rows in group `previous_group`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import spill
from dedup.config import BuildConfig
from dedup.grown_clusters import WIRE_RESTATED, new_copies_votes, restate_reasons, restate_wire_text
from dedup.ingest import KEY_COLUMNS
from dedup.keys import read_keys
from dedup.neardup.store import SignatureStore
from dedup.previous import previous_figures, previous_rights, split_previous
from dedup.rights.merge import cluster_rights, licence_choices
from dedup.schema import frame, schema
from dedup.select import decide_canonical, provenance, similarity

BYTES_PER_MEMBER = 4096  # a member row (about 20 columns) in polars, with the joins' and sorts' copies (measured: 3.8 KB)
MEMBER_EXTRA = {"doc": pl.Int64, "_label": pl.Int64, "_keep": pl.Boolean, "sig_hash": pl.String,
                "source": pl.Int32, "row": pl.Int64, "is_new": pl.Boolean}
NO_TEXT = ("no_text", "every block was repeated site chrome")
LICENCE_NOT_SELECTED = "licence_not_selected"


def member_schema() -> pa.Schema:
    """The columns of a member row: the key columns of `docs` and where the document is."""
    docs = schema("docs")
    fields = [docs.field(c).with_nullable(True) for c in KEY_COLUMNS]  # a previous document has none
    extra = {"doc": pa.int64(), "_label": pa.int64(), "_keep": pa.bool_(), "sig_hash": pa.string(),
             "source": pa.int32(), "row": pa.int64(), "is_new": pa.bool_()}
    return pa.schema(fields + [pa.field(k, v) for k, v in extra.items()])


def scatter_members(number: int, part: Path, keys_file: Path, sig_file: Path, labels_file: Path, partitions: int,
                    target: Path) -> int:
    """Round 1: one docs part's signed documents, their key columns (with the final doc_id) and where
    the clustering put them, grouped by partition. Returns the rows written."""
    keys = read_keys(keys_file, ["doc_id", "doc"])
    cols = [c for c in KEY_COLUMNS if c not in ("doc_id", "reject_reason", "reject_detail")]
    docs = frame(pq.read_table(part, columns=cols)).with_columns(keys["doc_id"], keys["doc"])
    docs = docs.with_row_index("row").filter(pl.col("doc") >= 0)
    signed = frame(spill.read_all(sig_file, ["doc", "size", "hash"]))
    labels = np.load(labels_file, mmap_mode="r")
    members = docs.join(signed, on="doc", how="left").with_columns(
        pl.Series("_label", np.asarray(labels[docs["doc"].to_numpy()], dtype=np.int64)),
        (pl.col("size").fill_null(0) > 0).alias("_keep"), pl.col("hash").alias("sig_hash"),
        pl.lit(number, pl.Int32).alias("source"), pl.col("row").cast(pl.Int64), pl.lit(True).alias("is_new"),
        pl.lit(None, pl.String).alias("reject_reason"), pl.lit(None, pl.String).alias("reject_detail"))
    return _write_members(members, partitions, target)


def scatter_previous(number: int, docs: pl.DataFrame, labels_file: Path, partitions: int, target: Path) -> pl.DataFrame:
    """Round 1 for the previous release's signed documents (docs: doc_id, doc, n_shingles; hash of the
    canonicals' text): members without key columns, grouped by partition. Returns each one's doc_id and label,
    where `scatter_previous_rows` places its release rows."""
    labels = np.load(labels_file, mmap_mode="r")
    label = np.asarray(labels[docs["doc"].to_numpy()], dtype=np.int64)
    members = docs.with_columns(
        pl.Series("_label", label), (pl.col("n_shingles").fill_null(0) > 0).alias("_keep"),
        pl.lit(number, pl.Int32).alias("source"), pl.int_range(pl.len()).cast(pl.Int64).alias("row"),
        pl.lit(False).alias("is_new")).rename({"hash": "sig_hash"})
    for c in KEY_COLUMNS:
        if c not in members.columns:
            members = members.with_columns(pl.lit(None).alias(c))
    _write_members(members, partitions, target)
    return members.select("doc_id", "_label")


def scatter_previous_rows(files: Iterable[pl.DataFrame], where: pl.DataFrame, partitions: int,
                          stem: Path) -> list[Path]:
    """The previous release's rows (`Previous.canonical_files`: CANON_COLUMNS + publish_class, or
    `.duplicate_files`: DUP_COLUMNS) grouped by their members' partition (`where`: doc_id, _label), one work file
    per release file (`stem`-00000.arrow...): no step holds the release's rows at once (scale round 6).
    `read_previous_rows` gives a partition's rows in doc_id order, as from one file of every row."""
    written = []
    for i, rows in enumerate(files):
        placed = rows.join(where, on="doc_id", how="inner")
        path = stem.with_name(f"{stem.name}-{i:05d}.arrow")
        spill.write_grouped(placed.drop("_label").to_arrow(), np.mod(placed["_label"].to_numpy(), partitions), path)
        written.append(path)
    return written


def previous_row_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The work files `scatter_previous_rows` wrote into the select stage's `folder`: canonicals', duplicates'."""
    return (sorted(folder.glob(f"{PREVIOUS_CANON}-*.arrow")), sorted(folder.glob(f"{PREVIOUS_DUPS}-*.arrow")))


PREVIOUS_CANON, PREVIOUS_DUPS = "previous-canon", "previous-dups"  # stems of `scatter_previous_rows`' files


def read_previous_rows(previous_files: tuple[list[Path], list[Path]], partition: int) -> tuple[pl.DataFrame,
                                                                                                 pl.DataFrame]:
    """One partition's previous canonical and duplicate rows, each in doc_id order."""
    return (frame(spill.gather(previous_files[0], partition)).sort("doc_id"),
            frame(spill.gather(previous_files[1], partition)).sort("doc_id"))


def _write_members(members: pl.DataFrame, partitions: int, target: Path) -> int:
    sch = member_schema()
    table = members.select(sch.names).to_arrow().cast(sch)
    spill.write_grouped(table, np.mod(members["_label"].to_numpy(), partitions), target)
    return members.height


def read_members(member_files: list[Path], partition: int) -> pl.DataFrame:
    """A partition's members, in doc_id order (the order of the whole table)."""
    return frame(spill.gather(member_files, partition)).sort("doc")


def select_partition(member_files: list[Path], partition: int, policy: tuple[str, ...], store_folder: Path,
                     previous_files: tuple[list[Path], list[Path]] | None, target: Path) -> int:
    """Round 2: one canonical per cluster of the partition, and each copy's similarity to it (stage
    select's rules). Returns the decision rows written."""
    m = read_members(member_files, partition)
    members = m.filter("_keep").select("doc_id", "_label", "_keep")
    touched = None
    if previous_files is not None:
        canon, dups = read_previous_rows(previous_files, partition)
        members, touched = split_previous(members, canon, dups, policy)
    good = m.filter("is_new").select(KEY_COLUMNS)
    if touched is not None:  # what the carried canonicals' rows say of their grown clusters
        touched = restate_reasons(touched, canon, good, policy)
    decisions = decide_canonical(members, good, policy)
    if touched is not None:
        decisions = pl.concat([decisions, touched.select(decisions.columns)], how="vertical_relaxed")
    hashes = m.select("doc_id", pl.col("sig_hash").alias("text_hash"))
    store = SignatureStore(store_folder)
    try:
        selected = similarity(decisions, hashes, m.select("doc_id", "doc"), store.__getitem__)
    finally:
        store.close()
    spill.write_table(selected.to_arrow(), target)
    return selected.height


def rights_partition(member_files: list[Path], partition: int, selected_file: Path, config: BuildConfig,
                     previous_files: tuple[list[Path], list[Path]] | None, previous_group: int,
                     targets: tuple[Path, Path, Path]) -> dict[str, Any]:
    """Round 3: the cluster's rights and licence class (stage rights' rules), provenance, and the
    rejects the global steps found (pages left empty by the site pass, clusters not selected by
    --licence). Writes decisions, rejects and provenance grouped by docs part (`targets`); returns the
    partition's figures (summed over partitions by `merge_figures`)."""
    m = read_members(member_files, partition)
    good = m.filter("is_new").select(KEY_COLUMNS)
    decisions = frame(spill.read_all(selected_file))
    decisions = decisions.join(cluster_rights(decisions, good), on="cluster_id", how="left")
    canon = dups = None
    if previous_files is not None:
        canon, dups = read_previous_rows(previous_files, partition)
        decisions = restate_wire_text(new_copies_votes(previous_rights(decisions), good), canon, config)
    decisions, not_selected, report = licence_choices(decisions, good, config)
    locations = good.select("doc_id", "url", "domain")
    if canon is not None and dups is not None:
        locations = pl.concat([locations, canon.select(locations.columns), dups.select(locations.columns)])
    prov = provenance(decisions, locations)

    source = m.select("doc_id", "source", "is_new")
    placed = decisions.join(source, on="doc_id", how="left").with_columns(
        pl.when(pl.col("is_new")).then(pl.col("source")).otherwise(previous_group).alias("_group"))
    spill.write_grouped(placed.drop("source", "is_new", "_group").to_arrow(), placed["_group"].to_numpy(), targets[0])
    detail = f"its cluster's licence class is not in --licence {','.join(config.licence_classes)}"
    rejects = pl.concat([
        m.filter(pl.col("is_new") & ~pl.col("_keep")).select("doc_id", "source", pl.lit(NO_TEXT[0]).alias("reason"),
                                                            pl.lit(NO_TEXT[1]).alias("detail")),
        m.filter(pl.col("doc_id").is_in(not_selected)).select("doc_id", "source", pl.lit(LICENCE_NOT_SELECTED)
                                                               .alias("reason"), pl.lit(detail).alias("detail")),
    ])
    spill.write_grouped(rejects.drop("source").to_arrow(), rejects["source"].to_numpy(), targets[1])
    prov_placed = prov.join(source, on="doc_id", how="left").with_columns(
        pl.when(pl.col("is_new")).then(pl.col("source")).otherwise(previous_group).alias("_group"))
    spill.write_grouped(prov_placed.drop("source", "is_new", "_group").to_arrow(), prov_placed["_group"].to_numpy(),
                        targets[2])

    new_canon = placed.filter(pl.col("is_canonical") & pl.col("is_new")).join(
        good.select("doc_id", "n_chars"), on="doc_id", how="left")
    class_chars = Counter(dict(new_canon.group_by("publish_class").agg(pl.col("n_chars").sum()).iter_rows()))
    if canon is not None:  # a carried canonical the wire rule restated moves to data/all-rights-reserved
        restated = placed.filter(pl.col("is_canonical") & pl.col(WIRE_RESTATED).fill_null(False))["doc_id"].to_list()
        moved = canon.filter(pl.col("doc_id").is_in(restated) & (pl.col("publish_class") != "all-rights-reserved"))
        class_chars["all-rights-reserved"] += int(moved["n_chars"].sum() or 0)
    published_new = placed.filter(pl.col("is_new"))
    figures: dict[str, Any] = {
        "licence_filter": report, "decisions": decisions.height,
        "class_chars": {k: int(v or 0) for k, v in class_chars.items()},
        "signatures_new": published_new.height,
        "signature_id_bytes_new": int(published_new["doc_id"].str.len_bytes().sum() or 0),
    }
    if canon is not None:
        figures["previous"] = previous_figures(decisions, set(canon["doc_id"].to_list()))
    return figures


def merge_figures(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The rights figures of every partition, added up (the licence report as `licence_choices` gives
    it for the whole table)."""
    classes: Counter = Counter()
    class_chars: Counter = Counter()
    licence: dict[str, Any] = {}
    total: dict[str, Any] = {"decisions": 0, "signatures_new": 0, "signature_id_bytes_new": 0}
    previous: list[dict] = []
    for f in parts:
        classes.update(f["licence_filter"]["classes"])
        if "not_selected_docs" in f["licence_filter"]:
            licence["not_selected_docs"] = licence.get("not_selected_docs", 0) + f["licence_filter"]["not_selected_docs"]
        class_chars.update(f["class_chars"])
        for key in total:
            total[key] += f[key]
        if "previous" in f:
            previous.append(f["previous"])
    total["licence_filter"] = {"classes": dict(sorted(classes.items())), **licence}
    total["class_chars"] = dict(sorted(class_chars.items()))
    total["previous"] = previous
    return total
