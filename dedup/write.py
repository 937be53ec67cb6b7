"""write: apply the decisions to the extracted documents and write the output tables.

`apply_part` is the per-part task both engines map: canonical rows (final text after the cross-site
pass, rights merged from the cluster) into the data buckets of their licence class, duplicates and
rejects into theirs. `write_outputs` prepares those tasks, carries a previous release's rows, and
writes the sharded `data/`, `duplicates/`, `rejects/`, `boilerplate/` and `signatures/` folders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dedup.config import BuildConfig
from dedup.ingest import ROW_KEY
from dedup.neardup.sign import Signed, hasher, hasher_params
from dedup.previous import Previous, carry_previous
from dedup.rights.merge import canonical_rights
from dedup.schema import frame, schema
from dedup.shards import (BucketSpill, base_metadata, bucket_of, shard_count, to_schema, write_parquet,
                          write_sharded)
from dedup.text.blocks import CROSS_SITE, SITE_CHROME, STORY_CHROME, chrome_lookup, final_blocks
from dedup.text.language import shingle_unit
from dedup.text.normalise import join_blocks, text_hash

Outputs = dict[str, list[dict]]  # table -> [{"file": relative path, "rows": n}, ...]


def apply_part(part: Path, verdict_file: Path, provenance_file: Path, lookup: dict[str, set[int]],
               spill_root: Path, shards: dict, tag: str) -> dict[tuple[str, int], str]:
    """Apply the decisions to one docs part. Its decisions come as files, so the client does not hold
    (or ship) a copy per task. Returns the smallest text of each removed (domain, block) seen, for
    boilerplate/."""
    verdict, provenance = pl.read_parquet(verdict_file), pl.read_parquet(provenance_file)
    data = {cls: BucketSpill(spill_root / "data" / cls, n, "documents", tag) for cls, n in shards["data"].items()}
    dups_spill = BucketSpill(spill_root / "duplicates", shards["duplicates"], "duplicates", tag)
    rej_spill = BucketSpill(spill_root / "rejects", 1, "rejects", tag)
    samples: dict[tuple[str, int], str] = {}
    for batch in pq.ParquetFile(part).iter_batches(batch_size=4096):
        # the verdict's language is that of the final text (the docs part holds the within-page text's)
        docs = frame(batch).drop("doc_id", "reject_reason", "reject_detail", "language", "language_score")
        docs = docs.join(verdict, on=ROW_KEY, how="left")
        canon = docs.filter(pl.col("is_canonical").fill_null(False)).join(provenance, on="doc_id", how="left")
        collect_samples(docs, lookup, samples)
        canon = canonical_rights(final_text(canon, lookup)).with_columns(
            pl.when(pl.col("withhold_text")).then(None).otherwise(pl.col("text")).alias("text"))
        for cls, spill in data.items():
            spill.add(to_schema(canon.filter(pl.col("publish_class") == cls), "documents"))
        dups = docs.filter(pl.col("is_canonical").not_().fill_null(False)).with_columns(
            pl.col("cluster_agency").alias("original_source"))
        dups_spill.add(to_schema(dups, "duplicates"))
        rej = docs.filter(pl.col("reject_reason").is_not_null()).rename(
            {"reject_reason": "reason", "reject_detail": "detail"})
        rej_spill.add(to_schema(rej, "rejects"))
    return samples


def write_outputs(parts: list[Path], work: Path, stage_dir: Path, keys: pl.DataFrame, decisions: pl.DataFrame,
                  provenance: pl.DataFrame, chrome: pl.DataFrame, signed: Signed, previous: Previous | None,
                  config: BuildConfig, run_map: Callable) -> tuple[Outputs, dict]:
    """Every output table of the build into `stage_dir`; (outputs, figures for run.json)."""
    languages = pl.DataFrame({"doc_id": signed.doc_ids, "language": signed.languages or [None] * len(signed.doc_ids),
                              "language_score": signed.language_scores or [None] * len(signed.doc_ids)},
                             schema={"doc_id": pl.String, "language": pl.String, "language_score": pl.Float64})
    verdict = keys.select(*ROW_KEY, "doc_id", "reject_reason", "reject_detail").join(
        decisions, on="doc_id", how="left").join(languages, on="doc_id", how="left")
    class_bytes = Counter(dict(keys.join(decisions.filter("is_canonical").select("doc_id", "publish_class"),
                                         on="doc_id").group_by("publish_class").agg(pl.col("n_chars").sum()).iter_rows()))
    n_dups = decisions.height
    if previous is not None:
        class_bytes.update(dict(previous.canon.group_by("publish_class").agg(pl.col("n_chars").sum()).iter_rows()))
        n_dups += previous.dups.height + previous.canon.height
    data_spills = {cls: BucketSpill(work / "spill" / "data" / cls, shard_count(int(n or 0), config.shard_bytes),
                                    "documents") for cls, n in sorted(class_bytes.items())}
    dups_spill = BucketSpill(work / "spill" / "duplicates", shard_count(n_dups * 300, config.shard_bytes), "duplicates")
    rejects_spill = BucketSpill(work / "spill" / "rejects", 1, "rejects")
    lookup = chrome_lookup(chrome)
    # one task per docs part, each with the verdicts of its own records (parts and input files are one to one)
    by_file = verdict.partition_by("source_file", as_dict=True, include_key=True)
    shards = {"data": {cls: spill.n for cls, spill in data_spills.items()}, "duplicates": dups_spill.n}
    items = []
    (work / "verdicts").mkdir(exist_ok=True)
    for i, part in enumerate(parts):
        names = pl.read_parquet(part, columns=["source_file"])["source_file"].unique().sort().to_list()
        mine = pl.concat([by_file.pop((n,)) for n in names if (n,) in by_file] or [verdict.clear()])
        verdict_file, provenance_file = work / "verdicts" / f"{i:05d}.parquet", work / "verdicts" / f"{i:05d}-prov.parquet"
        mine.write_parquet(verdict_file, compression="lz4")
        provenance.join(mine.select("doc_id"), on="doc_id", how="semi").write_parquet(provenance_file, compression="lz4")
        items.append((part, verdict_file, provenance_file, lookup, work / "spill", shards, f"{i:05d}-"))
    del by_file, verdict
    samples: dict[tuple[str, int], str] = {}
    for part_samples in run_map(apply_part, items):
        for key, text in part_samples.items():
            if samples.get(key) is None or text < samples[key]:
                samples[key] = text
    if previous is not None:
        carry_previous(previous, decisions, provenance, data_spills, dups_spill, rejects_spill)
        for domain, block_key, sample in previous.chrome.select("domain", "block_key", "sample_text").iter_rows():
            if sample is not None and (samples.get((domain, block_key)) is None or sample < samples[(domain, block_key)]):
                samples[(domain, block_key)] = sample
    kv = base_metadata(config.sha256())
    outputs: Outputs = {"data": []}
    for cls, spill in data_spills.items():
        files = write_sharded(spill, stage_dir / "data" / cls, "train", kv | {"dedup.table": "data",
                                                                             "dedup.licence_class": cls},
                              config.row_group_bytes)
        outputs["data"] += [{"file": p.relative_to(stage_dir).as_posix(), "rows": n} for p, n in files]
    for name, spill in (("duplicates", dups_spill), ("rejects", rejects_spill)):
        files = write_sharded(spill, stage_dir / name, name, kv | {"dedup.table": name}, config.row_group_bytes)
        outputs[name] = [{"file": p.relative_to(stage_dir).as_posix(), "rows": n} for p, n in files]
    outputs["boilerplate"], top = write_boilerplate(stage_dir, chrome, samples, kv, config)
    outputs["signatures"] = write_signatures(stage_dir, decisions, signed, previous, config, kv)
    return outputs, {"boilerplate_top": top}


def write_boilerplate(stage_dir: Path, chrome: pl.DataFrame, samples: dict[tuple[str, int], str], kv: dict,
                      config: BuildConfig) -> tuple[list[dict], dict[str, list]]:
    """boilerplate/: every (domain, block) removed as site chrome, with a sample of its text."""
    chrome = chrome.with_columns(
        pl.struct("domain", "block_key").map_elements(
            lambda r: samples.get((r["domain"], r["block_key"])), return_dtype=pl.String).alias("sample_text"),
        pl.when(pl.col("domain") == CROSS_SITE).then(pl.lit(STORY_CHROME)).otherwise(pl.lit(SITE_CHROME))
        .alias("action"),
    )
    table = to_schema(chrome.sort("domain", "block_key"), "boilerplate")
    (stage_dir / "boilerplate").mkdir()
    path = stage_dir / "boilerplate" / "boilerplate-00000-of-00001.parquet"
    write_parquet(table, path, kv | {"dedup.table": "boilerplate"}, config.row_group_bytes)
    return [{"file": path.relative_to(stage_dir).as_posix(), "rows": table.num_rows}], top_chrome(chrome)


def write_signatures(stage_dir: Path, decisions: pl.DataFrame, signed: Signed, previous: Previous | None,
                     config: BuildConfig, kv: dict) -> list[dict]:
    """signatures/: one row per clustered document, shards by the same doc_id hash as the data."""
    # documents that are published (in data/ or duplicates/): not rejects, not filtered out by licence
    canonical = dict(decisions.select("doc_id", "is_canonical").iter_rows())
    if previous is not None:  # carried over as published unless this build changed them
        for d in previous.canon["doc_id"].to_list():
            canonical.setdefault(d, True)
        for d in previous.dups["doc_id"].to_list():
            canonical.setdefault(d, False)
    keep = np.asarray([s > 0 and d in canonical for d, s in zip(signed.doc_ids, signed.sizes)], dtype=bool)
    ids = [d for d, k in zip(signed.doc_ids, keep) if k]
    sigs = signed.sigs[keep]
    rows = pl.DataFrame({"doc_id": ids, "n_shingles": signed.sizes[keep],
                          "is_canonical": [canonical[d] for d in ids]}, schema={
        "doc_id": pl.String, "n_shingles": pl.Int64, "is_canonical": pl.Boolean})
    flat = pa.array(sigs.reshape(-1), type=pa.uint32())
    offsets = pa.array(np.arange(0, len(ids) * sigs.shape[1] + 1, sigs.shape[1], dtype=np.int32))
    table = rows.to_arrow().append_column("signature", pa.ListArray.from_arrays(offsets, flat))
    table = table.select([f.name for f in schema("signatures")]).cast(schema("signatures"))
    minhash = hasher(hasher_params(config)).params  # its own description: scheme, datasketch version...
    meta = kv | {"dedup.table": "signatures"} | {f"dedup.minhash.{k}": str(v) for k, v in minhash.items()} \
        | {"dedup.lsh.bands": str(config.bands), "dedup.lsh.rows": str(config.rows)}
    by_char = sorted({lang for lang, k in zip(signed.languages or [], keep) if k and lang is not None
                      and shingle_unit(lang, config.shingle_unit) != config.shingle_unit})
    if by_char:  # records of these languages were shingled by characters, the others by `unit`
        meta["dedup.minhash.char_unit_languages"] = ",".join(by_char)
    n = shard_count(table.nbytes, config.shard_bytes)
    folder = stage_dir / "signatures"
    folder.mkdir()
    buckets = pa.array([bucket_of(d, n) for d in ids], type=pa.int32())
    written = []
    for b in range(n):
        part = table.filter(pc.equal(buckets, b)) if n > 1 else table
        path = folder / f"signatures-{b:05d}-of-{n:05d}.parquet"
        write_parquet(part, path, meta, config.row_group_bytes)
        written.append({"file": path.relative_to(stage_dir).as_posix(), "rows": part.num_rows})
    return written


def top_chrome(chrome: pl.DataFrame, per_site: int = 5, sites: int = 20) -> dict[str, list]:
    """The most repeated removed blocks of the sites that lost the most blocks (for run.json)."""
    if chrome.height == 0:
        return {}
    biggest = chrome.group_by("domain").agg(pl.len().alias("n")).sort(["n", "domain"], descending=[True, False])
    top: dict[str, list] = {}
    for domain in biggest.head(sites)["domain"].to_list():
        rows = chrome.filter(pl.col("domain") == domain).sort(["pages", "block_key"], descending=[True, False])
        top[domain] = [{"text": (r["sample_text"] or "")[:120], "pages": r["pages"], "stories": r["stories"]}
                       for r in rows.head(per_site).iter_rows(named=True)]
    return top


def collect_samples(docs: pl.DataFrame, lookup: dict[str, set[int]], samples: dict) -> None:
    """One text per removed (domain, block): the smallest, so the choice does not depend on order."""
    cross = lookup.get(CROSS_SITE, set())
    for domain, blocks, keys in docs.select("domain", "blocks", "block_keys").iter_rows():
        drop = lookup.get(domain or "", ())
        if not drop and not cross:
            continue
        for b, k in zip(blocks or (), keys or ()):
            at = (domain, k) if k in drop else (CROSS_SITE, k) if k in cross else None
            if at is not None and (samples.get(at) is None or b < samples[at]):
                samples[at] = b


def final_text(canon: pl.DataFrame, lookup: dict[str, set[int]]) -> pl.DataFrame:
    """Apply the cross-site decisions to canonical rows: text, n_chars, hash and removal counts."""
    texts, n_chars, hashes, n_removed, chars_removed = [], [], [], [], []
    for domain, title, blocks, keys, removed0, chars0 in canon.select(
            "domain", "title", "blocks", "block_keys", "blocks_removed", "boilerplate_chars_removed").iter_rows():
        kept, removed, chars = final_blocks(blocks, keys, domain, lookup, title)
        body = join_blocks(kept)
        texts.append(body)
        n_chars.append(len(body))
        hashes.append(text_hash(body))
        n_removed.append((removed0 or 0) + removed)
        chars_removed.append((chars0 or 0) + chars)
    return canon.with_columns(
        pl.Series("text", texts, pl.String), pl.Series("n_chars", n_chars, pl.Int64),
        pl.Series("content_sha256", hashes, pl.String), pl.Series("blocks_removed", n_removed, pl.Int64),
        pl.Series("boilerplate_chars_removed", chars_removed, pl.Int64),
    )
