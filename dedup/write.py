"""write: apply the decisions to the extracted documents and write the output tables.

`apply_part` is the per-part task both engines map: canonical rows (final text after the cross-site
pass, rights merged from the cluster) into the data buckets of their licence class, duplicates,
rejects and signatures into theirs. `write_tables` writes the buckets as the sharded `data/`,
`duplicates/`, `rejects/` and `signatures/` folders (each bucket sorted by doc_id), and `boilerplate/`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import spill
from dedup.config import BuildConfig
from dedup.ingest import ROW_KEY
from dedup.keys import read_keys, reason_counts
from dedup.neardup.sign import hasher, hasher_params
from dedup.neardup.store import sig_arrays
from dedup.repeats import describe_repeats
from dedup.rights.merge import canonical_rights
from dedup.schema import frame, schema
from dedup.engine.steps import serial_map
from dedup.shards import BucketSpill, base_metadata, shard_tasks, to_schema, write_parquet, write_sorted
from dedup.text.blockkeys import block_key
from dedup.text.blocks import (CROSS_SITE, SAMPLE_RULE, SAMPLE_RULE_KEY, SITE_CHROME, STORY_CHROME, final_blocks_keyed,
                               merge_page_removals, page_removals)
from dedup.text.language import shingle_unit
from dedup.text.normalise import join_blocks, text_hash

Outputs = dict[str, list[dict]]  # table -> [{"file": relative path, "rows": n}, ...]


def apply_part(part: Path, group: int, keys_file: Path, decided: tuple[list[Path], list[Path], list[Path]],
               sig_file: Path, num_perm: int, unit: str, lookup: dict[str, set[int]], spill_root: Path, shards: dict,
               tag: str, previous: Path | None = None) -> dict:
    """The per-part task both engines map: apply the decisions to one docs part. Its rows' decisions,
    the rejects the global steps found and the provenance of its canonicals are group `group` of the
    rights stage's files (`decided`), so no process holds (or ships) the decisions of the whole crawl.
    Returns the smallest text of each removed (domain, block) seen on a page whose text is published and the
    canonicals' own removals (`blocks.page_removals`) (both for boilerplate/), the part's
    outcome counts, and the languages of its signatures shingled by characters instead of `unit`."""
    keys = read_keys(keys_file)
    signed = spill.read_all(sig_file)
    verdict = pl.concat([frame(pq.read_table(part, columns=ROW_KEY)), keys], how="horizontal")
    found = frame(spill.gather(decided[1], group))
    if found.height:  # pages left empty by the site pass, clusters not selected by --licence
        verdict = verdict.join(found, on="doc_id", how="left").with_columns(
            pl.coalesce("reason", "reject_reason").alias("reject_reason"),
            pl.coalesce("detail", "reject_detail").alias("reject_detail")).drop("reason", "detail")
    verdict = verdict.join(frame(spill.gather(decided[0], group)), on="doc_id", how="left")
    # the language of the final text (identified at signing), and its hash (the text `final_text` makes again)
    verdict = verdict.join(frame(signed.select(["doc", "language", "language_score", "hash"])).rename(
        {"hash": "signed_hash"}), on="doc", how="left")
    provenance = frame(spill.gather(decided[2], group))
    data = {cls: BucketSpill(spill_root / "data" / cls, n, "documents", tag) for cls, n in shards["data"].items()}
    dups_spill = BucketSpill(spill_root / "duplicates", shards["duplicates"], "duplicates", tag)
    rej_spill = BucketSpill(spill_root / "rejects", 1, "rejects", tag)
    sig_spill = BucketSpill(spill_root / "signatures", shards["signatures"], "signatures", tag)
    samples: dict[tuple[str, int], str] = {}
    removals = []
    for batch in pq.ParquetFile(part).iter_batches(batch_size=4096):
        docs = frame(batch).rename({"doc_id": "input_id"}).drop("reject_reason", "reject_detail")
        docs = docs.join(verdict, on=ROW_KEY, how="left")
        canon = docs.filter(pl.col("is_canonical").fill_null(False)).join(provenance, on="doc_id", how="left")
        # boilerplate/'s sample texts come only from pages whose text data/ publishes: not from a copy, a record
        # --licence dropped or one whose text --withhold-text keeps back (those rows keep their counts, no text)
        collect_samples(canon.filter(~pl.col("withhold_text").fill_null(False)), lookup, samples)
        removals.append(page_removals(canon))
        canon = canonical_rights(final_text(canon, lookup)).with_columns(
            pl.when(pl.col("withhold_text")).then(None).otherwise(pl.col("text")).alias("text"))
        for cls, spill_ in data.items():
            spill_.add(to_schema(canon.filter(pl.col("publish_class") == cls), "documents"))
        dups = docs.filter(pl.col("is_canonical").not_().fill_null(False)).with_columns(
            pl.col("cluster_agency").alias("original_source"))
        dups_spill.add(to_schema(dups, "duplicates"))
        rej = docs.filter(pl.col("reject_reason").is_not_null()).rename(
            {"reject_reason": "reason", "reject_detail": "detail"})
        # a record under an id of the `previous` release: the detail says whether it is that record read again
        rej_spill.add(to_schema(describe_repeats(rej, previous), "rejects"))
    published = verdict.filter(pl.col("is_canonical").is_not_null()).select("doc", "doc_id", "is_canonical",
                                                                            "language")
    sig_spill.add(signature_rows(signed, published, num_perm))
    with_text = published.join(frame(signed.select(["doc", "size"])), on="doc").filter(pl.col("size") > 0)
    by_char = {lang for lang in with_text["language"].drop_nulls().unique().to_list()
               if shingle_unit(lang, unit) != unit}
    return {"samples": samples, "page_removals": merge_page_removals(removals), "rows": verdict.height,
            "rejects": reason_counts(verdict["reject_reason"]), "char_unit_languages": by_char}


def signature_rows(signed: pa.Table, published: pl.DataFrame, num_perm: int) -> pa.Table:
    """signatures/ rows of the published documents among signed rows (`store.sig_table`): doc_id,
    is_canonical, shingle count and MinHash of each that has text."""
    doc, sizes, sigs = sig_arrays(signed, num_perm)
    rows = pl.DataFrame({"doc": doc, "n_shingles": sizes, "_at": np.arange(len(doc))}).join(
        published, on="doc", how="inner").filter(pl.col("n_shingles") > 0)
    at = rows["_at"].to_numpy()
    flat = pa.array(sigs[at].reshape(-1), type=pa.uint32())
    offsets = pa.array(np.arange(0, len(at) * num_perm + 1, num_perm, dtype=np.int32))
    table = rows.select("doc_id", "is_canonical", "n_shingles").to_arrow().append_column(
        "signature", pa.ListArray.from_arrays(offsets, flat))
    return table.select([f.name for f in schema("signatures")]).cast(schema("signatures"))


def signature_table_bytes(rows: int, id_bytes: int, num_perm: int) -> int:
    """The Arrow size of a signatures/ table of `rows` rows whose doc_ids take `id_bytes` (what the
    shard count is taken from), without building it."""
    return rows * (4 + 8 + 4 + 4 * num_perm) + id_bytes + (rows + 7) // 8


def signature_metadata(config: BuildConfig, kv: dict, char_unit_languages: set[str]) -> dict[str, str]:
    """Key-value metadata of signatures/ files: the MinHash's own description and the LSH settings."""
    minhash = hasher(hasher_params(config)).params  # its own description: scheme, datasketch version...
    meta = kv | {"dedup.table": "signatures"} | {f"dedup.minhash.{k}": str(v) for k, v in minhash.items()} \
        | {"dedup.lsh.bands": str(config.bands), "dedup.lsh.rows": str(config.rows)}
    if char_unit_languages:  # records of these languages were shingled by characters, the others by `unit`
        meta["dedup.minhash.char_unit_languages"] = ",".join(sorted(char_unit_languages))
    return meta


def write_tables(stage_dir: Path, spills: dict[str, BucketSpill], data_spills: dict[str, BucketSpill],
                 chrome: pl.DataFrame, samples: dict[tuple[str, int], str], removals: pl.DataFrame,
                 config: BuildConfig, char_unit_languages: set[str], run_map: Callable = serial_map
                 ) -> tuple[Outputs, dict]:
    """The spilled rows into the sharded output folders (each bucket sorted by doc_id, one task a
    shard), and boilerplate/."""
    kv = base_metadata(config.sha256())
    plan: list[tuple[str, tuple]] = []
    for cls, spill_ in data_spills.items():
        plan += [("data", t) for t in shard_tasks(spill_, stage_dir / "data" / cls, "train",
                                                  kv | {"dedup.table": "data", "dedup.licence_class": cls},
                                                  config.row_group_bytes)]
    for name in ("duplicates", "rejects"):
        plan += [(name, t) for t in shard_tasks(spills[name], stage_dir / name, name, kv | {"dedup.table": name},
                                                config.row_group_bytes)]
    plan += [("signatures", t) for t in shard_tasks(spills["signatures"], stage_dir / "signatures", "signatures",
                                                    signature_metadata(config, kv, char_unit_languages),
                                                    config.row_group_bytes)]
    rows = run_map(write_sorted, [t for _, t in plan])
    plan, rows = drop_emptied_classes(plan, rows)
    outputs: Outputs = {"data": [], "duplicates": [], "rejects": []}
    for (table, task), n in zip(plan, rows):
        outputs.setdefault(table, []).append({"file": task[2].relative_to(stage_dir).as_posix(), "rows": n})
    signatures = outputs.pop("signatures")
    outputs["boilerplate"], top = write_boilerplate(stage_dir, chrome, samples, removals, kv, config)
    outputs["signatures"] = signatures
    for spill_ in [*data_spills.values(), *spills.values()]:
        shutil.rmtree(spill_.folder, ignore_errors=True)
    return outputs, {"boilerplate_top": top}


def drop_emptied_classes(plan: list[tuple[str, tuple]], rows: list[int]) -> tuple[list[tuple[str, tuple]], list[int]]:
    """Remove a data/<class>/ folder none of whose files holds a row, and its files from the plan. A next release
    plans its folders from the previous release's classes; when every record of one moved (the wire rule's
    restatements), the folder kept a Parquet file of no rows, which the card listed as a config of 0 documents and a
    user took for a folder with data (audit round 13). Without it the config is gone, as the major version and the
    CHANGELOG say ("moved to another data/ folder"): loading it fails, where an empty file gave 0 rows silently."""
    shards: dict[Path, list[int]] = {}
    for (table, task), n in zip(plan, rows):
        if table == "data":
            shards.setdefault(task[2].parent, []).append(n)
    emptied = {folder for folder, counts in shards.items() if not any(counts)}
    for folder in sorted(emptied):
        shutil.rmtree(folder)
    kept = [(step, n) for step, n in zip(plan, rows) if not (step[0] == "data" and step[1][2].parent in emptied)]
    return [step for step, _ in kept], [n for _, n in kept]


def merge_samples(samples: dict[tuple[str, int], str], more: dict[tuple[str, int], str]) -> None:
    """Keep the smallest text of each (domain, block) (so the choice does not depend on order)."""
    for key, text in more.items():
        if text is not None and (samples.get(key) is None or text < samples[key]):
            samples[key] = text


def write_boilerplate(stage_dir: Path, chrome: pl.DataFrame, samples: dict[tuple[str, int], str],
                      removals: pl.DataFrame, kv: dict, config: BuildConfig) -> tuple[list[dict], dict[str, list]]:
    """boilerplate/: every (domain, block) removed as site chrome, with a sample of its text, and every
    (domain, block, reason) the published pages lost by themselves (`blocks.page_removals`; a canonical
    page is one story, so its `stories` are its `pages`)."""
    chrome = chrome.with_columns(
        pl.struct("domain", "block_key").map_elements(
            lambda r: samples.get((r["domain"], r["block_key"])), return_dtype=pl.String).alias("sample_text"),
        pl.when(pl.col("domain") == CROSS_SITE).then(pl.lit(STORY_CHROME)).otherwise(pl.lit(SITE_CHROME))
        .alias("action"),
    )
    if "chrome_since" not in chrome.columns:
        chrome = chrome.with_columns(pl.lit(None, pl.String).alias("chrome_since"))
    own = removals.with_columns(pl.col("pages").alias("stories"), pl.lit(None, pl.String).alias("chrome_since"))
    rows = pl.concat([chrome, own.select(chrome.columns)], how="vertical_relaxed")
    table = to_schema(rows.sort("domain", "block_key", "action"), "boilerplate")
    (stage_dir / "boilerplate").mkdir()
    path = stage_dir / "boilerplate" / "boilerplate-00000-of-00001.parquet"
    # the rule its samples follow, stated for a next build (`previous._chrome_rows` carries them only then)
    meta = kv | {"dedup.table": "boilerplate", SAMPLE_RULE_KEY: SAMPLE_RULE}
    write_parquet(table, path, meta, config.row_group_bytes)
    return [{"file": path.relative_to(stage_dir).as_posix(), "rows": table.num_rows}], top_chrome(chrome)


def top_chrome(chrome: pl.DataFrame, per_site: int = 5, sites: int = 20) -> dict[str, list]:
    """The most repeated removed blocks of the sites that lost the most blocks (for run.json)."""
    if chrome.height == 0:
        return {}
    biggest = chrome.group_by("domain").agg(pl.len().alias("n")).sort(["n", "domain"], descending=[True, False])
    top: dict[str, list] = {}
    for domain in biggest.head(sites)["domain"].to_list():
        rows = chrome.filter(pl.col("domain") == domain).sort(["pages", "block_key"], descending=[True, False])
        top[domain] = [{"text": None if r["sample_text"] is None else r["sample_text"][:120], "pages": r["pages"],
                        "stories": r["stories"]}
                       for r in rows.head(per_site).iter_rows(named=True)]
    return top


def collect_samples(docs: pl.DataFrame, lookup: dict[str, set[int]], samples: dict) -> None:
    """One text per removed (domain, block) and per cross-story block: the smallest, so the choice does not
    depend on order."""
    cross = lookup.get(CROSS_SITE, set())
    for domain, blocks, keys in docs.select("domain", "blocks", "block_keys").iter_rows():
        drop = lookup.get(domain or "", ())
        if not drop and not cross:
            continue
        for b, k in zip(blocks or (), keys or ()):
            # a block both of the site's chrome and cross-story chrome is a sample of both rows
            for at in ((domain, k) if k in drop else None, (CROSS_SITE, k) if k in cross else None):
                if at is not None and (samples.get(at) is None or b < samples[at]):
                    samples[at] = b


def final_text(canon: pl.DataFrame, lookup: dict[str, set[int]]) -> pl.DataFrame:
    """Apply the cross-site decisions to canonical rows: text, n_chars, hash and removal counts. The hash
    is the one signing took of the same text (`signed_hash`, the same chrome lookup) where there is one."""
    texts, n_chars, hashes, n_removed, chars_removed, reasons = [], [], [], [], [], []
    removed_keys: list[list[int | None]] = []
    page_keys: dict[str, int] = {}  # a chrome line recurs on many pages: each distinct text is keyed once
    for domain, title, blocks, keys, headings, removed0, reasons0, blocks0, chars0, signed_hash in canon.select(
            "domain", "title", "blocks", "block_keys", "heading_keys", "blocks_removed", "removed_reasons",
            "removed_blocks", "boilerplate_chars_removed", "signed_hash").iter_rows():
        kept, removed, site_keys, chars = final_blocks_keyed(blocks, keys, domain, lookup, title, headings)
        body = join_blocks(kept)
        texts.append(body)
        n_chars.append(len(body))
        hashes.append(signed_hash if signed_hash is not None else text_hash(body))
        n_removed.append((removed0 or 0) + len(removed))
        reasons.append((reasons0 or []) + removed)  # the page's own removals first, in page order, then the site's
        # each removed block's boilerplate/ key, so `dedup explain` finds its row: the page's own removals are keyed
        # from their text as `page_removals` keys them, the site's as the site passes did
        own = [(page_keys[b] if b in page_keys else page_keys.setdefault(b, block_key(b))) if b is not None else None
               for b in blocks0 or ()]
        removed_keys.append([*own, *site_keys])
        chars_removed.append((chars0 or 0) + chars)
    return canon.with_columns(
        pl.Series("text", texts, pl.String), pl.Series("n_chars", n_chars, pl.Int64),
        pl.Series("content_sha256", hashes, pl.String), pl.Series("blocks_removed", n_removed, pl.Int64),
        pl.Series("removed_reasons", reasons, pl.List(pl.String)),
        pl.Series("removed_block_keys", removed_keys, pl.List(pl.Int64)),
        pl.Series("boilerplate_chars_removed", chars_removed, pl.Int64),
    )
