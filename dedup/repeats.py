"""repeats: what a `repeated_doc_id` reject says when the id it repeats is a previous release's (`--previous`).

A record whose doc_id the previous release already holds is rejected (`ingest.resolve_repeated_ids`); whether that
is harmless (the same record read again: a crawl folder given to the next build too) or a conflict the user must see
(another page under an id the release published: a JSON Lines batch numbering its rows from 1 again) depends on
its text. Its reject detail says which (audit round 11; before, "doc_id X is already in the previous release" only):

- a data/ record: its text as the release would publish it (its blocks without those the site passes cut from the
  published record: `removed_block_keys` of its site chrome and cross-story reasons) hashed as `content_sha256` is:
  "the same text as the published record" or "its text differs from the published record's";
- a duplicates/ row: the release holds no text of a copy, so the URL and fetch time are compared and said;
- and whether it sits at the same file and offset as the published row.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.dataset as ds

from dedup.ingest import AFTER_PREVIOUS
from dedup.text.blocks import SITE_CHROME, STORY_CHROME
from dedup.text.normalise import join_blocks, text_hash

REPEATED = "repeated_doc_id"
_DATA = ["doc_id", "url", "fetched_at", "source_file", "source_offset", "content_sha256", "removed_reasons",
         "removed_block_keys"]
_DUPS = ["doc_id", "url", "fetched_at", "source_file", "source_offset"]


def _rows(release: Path, table: str, columns: list[str], ids: list[str]) -> pl.DataFrame:
    files = sorted((release / table).rglob("*.parquet"))
    if not files:
        return pl.DataFrame()
    dataset = ds.dataset([str(f) for f in files], format="parquet")
    # a release written before documents schema 7 has no removed_reasons / removed_block_keys: read as unknown
    have = [c for c in columns if c in dataset.schema.names]
    found: pl.DataFrame = pl.from_arrow(dataset.to_table(columns=have, filter=ds.field("doc_id").isin(ids)))  # type: ignore[assignment]
    return found.with_columns([pl.lit(None).alias(c) for c in columns if c not in have]
                              + [pl.lit("removed_block_keys" in have).alias("keys_listed")])


def _same_place(new: dict, old: dict) -> str:
    if new["source_file"] == old["source_file"] and new["source_offset"] == old["source_offset"]:
        return " (at the same file and offset)"
    return f" (published from {old['source_file']}@{old['source_offset']})"


def _said(new: dict, old: dict, table: str) -> str:
    """The comparison of one repeated record with the previous release's row of its id."""
    if table == "data":
        if new["blocks"] is None:  # a copy that was unusable itself (its detail says why): no text to compare
            return ""
        # the blocks the site passes cut from the published record (its page's own cuts are this record's too: a
        # repeated lead's key is also the key of the lead it repeats, which stays)
        site = {k for reason, k in zip(old["removed_reasons"] or (), old["removed_block_keys"] or ())
                if reason in (SITE_CHROME, STORY_CHROME)}
        kept = [b for b, k in zip(new["blocks"], new["block_keys"] or []) if k not in site]
        if text_hash(join_blocks(kept)) == old["content_sha256"]:
            return "the same text as the published record: this record read again" + _same_place(new, old)
        if not old["keys_listed"]:
            return ("its text may differ from the published record's (this release, made before data/ listed the "
                    "blocks the site passes cut, cannot tell them apart): not published here" + _same_place(new, old))
        return ("its text differs from the published record's: another page under an id the release published, "
                "not published here (give it its own id)" + _same_place(new, old))
    same_url, same_time = new["url"] == old["url"], new["fetched_at"] == old["fetched_at"]
    if same_url and same_time:
        said = "the same URL and fetch time as its row in duplicates/"
    else:
        said = ("another URL" if not same_url else "the same URL") + " and " + \
               ("another fetch time" if not same_time else "the same fetch time") + \
               " than its row in duplicates/: another page under an id the release published, not published here"
    return said + " (a copy: the release holds no text of it to compare)" + _same_place(new, old)


def describe_repeats(rejects: pl.DataFrame, previous: Path | None) -> pl.DataFrame:
    """Reject rows (with `input_id`, the record's own doc_id, and the docs columns url, fetched_at, source_file,
    source_offset, blocks, block_keys) whose id the previous release holds, with their `detail` saying how the
    record compares with the published row; the other rows unchanged."""
    mark = AFTER_PREVIOUS
    if previous is None or not rejects.height:
        return rejects
    hit = (pl.col("reason") == REPEATED) & pl.col("doc_id").str.contains(mark, literal=True)
    repeats = rejects.filter(hit)
    if not repeats.height:
        return rejects
    ids = sorted(set(repeats["input_id"].to_list()))
    published = {r["doc_id"]: ("data", r) for r in _rows(previous, "data", _DATA, ids).iter_rows(named=True)}
    published |= {r["doc_id"]: ("duplicates", r)
                  for r in _rows(previous, "duplicates", _DUPS, ids).iter_rows(named=True)}
    details = []
    for row in rejects.iter_rows(named=True):
        old = published.get(row["input_id"]) if row["reason"] == REPEATED and mark in row["doc_id"] else None
        said = _said(row, old[1], old[0]) if old is not None else ""
        details.append(f"{row['detail']}: {said}" if said else row["detail"])
    return rejects.with_columns(pl.Series("detail", details, pl.String))
