"""The global stages of a build, between ingest and write: rounds of tasks over the files of the whole crawl
(keys, stories, site_chrome, sign, cluster, select, rights), each reading what the earlier ones wrote to the work
folder and calling the module that owns its rules. `dedup/pipeline.py` runs them in order."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from dedup.buildstate import Build, announce_compilation, fresh
from dedup.keys import (PREVIOUS_TAKEN, bucket_bounds, gather_source, read_keys, resolve_bucket, sample_source,
                        scatter_source)
from dedup import keys as keys_rows
from dedup.neardup.lsh import VerifyParams
from dedup.neardup.ondisk import BYTES_PER_BAND_ROW, BYTES_PER_EDGE_DOC, BYTES_PER_GUARD_EDGE, near_dup_components
from dedup.neardup.sign import hasher_params, passage_rows_count, sign_part, sign_previous
from dedup.neardup.store import assemble_block, n_blocks, write_meta
from dedup.partitions import (BYTES_PER_MEMBER, PREVIOUS_CANON, PREVIOUS_DUPS, merge_figures, previous_row_files,
                              rights_partition, scatter_members, scatter_previous, scatter_previous_rows,
                              select_partition)
from dedup.previous import previous_report
from dedup.run_report import chrome_scope
from dedup.sitechrome import BYTES_PER_OCCURRENCE, OCCURRENCES_PER_PAGE, count_bucket, scatter_occurrences
from dedup.text.blocks import CHROME_SCHEMA, chrome_lookup, no_chrome


def stage_keys(b: Build) -> dict[str, Any]:
    """Every input row's final doc_id (repeated ids rejected) and each signed document's global index
    (its rank by doc_id), bucket by bucket (`dedup/keys.py`)."""
    folder = fresh(b.work.folder("keys"))
    sources = b.sources()
    b.phase("sample")
    samples = b.map(sample_source, [(s,) for s in sources])
    rows = [r for r, _ in samples]
    bounds = bucket_bounds([ids for _, ids in samples], b.budget.partitions(sum(rows), keys_rows.BYTES_PER_ROW))
    b.layout["keys_buckets"] = len(bounds) + 1
    b.phase("scatter")
    scattered = [folder / f"scatter-{i:05d}.arrow" for i in range(len(sources))]
    b.map(scatter_source, [(i, s, bounds, f) for i, (s, f) in enumerate(zip(sources, scattered))])
    b.phase("resolve")
    resolved = [folder / f"bucket-{k:05d}.arrow" for k in range(len(bounds) + 1)]
    version = b.previous.version if b.previous is not None else None
    counts = b.map(resolve_bucket, [(k, scattered, f, version) for k, f in enumerate(resolved)])
    offsets = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64).tolist()
    b.phase("gather")
    indexed = [i for i, s in enumerate(sources) if s.kind != PREVIOUS_TAKEN]
    b.map(gather_source, [(i, resolved, offsets, rows[i], b.keys_file(i)) for i in indexed])
    for f in scattered + resolved:
        f.unlink(missing_ok=True)
    b.phase(None)
    return {"_index": {"n": int(sum(counts)), "buckets": len(resolved)}}


def stage_stories(b: Build) -> dict[str, Any]:
    """Preliminary stories on the within-page text (pass 1), to count blocks per story and site."""
    if not b.config.site_chrome:
        return {}
    announce_compilation(b)
    _sign(b, "sig1", {}, with_hashes=False)
    story, report = _near_dups(b, "sig1", VerifyParams.for_stories(b.config))
    np.save(b.work.folder("sig1") / "stories.npy", story)
    b.phase(None)
    return {"pass1": report}


def stage_site_chrome(b: Build) -> dict[str, Any]:
    """Blocks repeated across the stories of one site (plus a previous release's chrome), counted bucket
    by bucket (`dedup/sitechrome.py`)."""
    config, previous = b.config, b.previous
    chrome = no_chrome()
    if config.site_chrome:
        folder = fresh(b.work.folder("chrome"))
        # with a previous release every block counts: its own counts are added below
        min_stories = config.site_min_stories if previous is None else 1
        parts = b.parts
        buckets = b.budget.partitions(b.n * OCCURRENCES_PER_PAGE, BYTES_PER_OCCURRENCE)
        b.layout["chrome_buckets"] = buckets
        b.phase("scatter")
        scattered = [folder / f"occ-{i:05d}.arrow" for i in range(len(parts))]
        short = [folder / f"short-{i:05d}.arrow" for i in range(len(parts))]
        stories = b.work.folder("sig1") / "stories.npy"
        b.map(scatter_occurrences, [(p, b.keys_file(i), stories, buckets, f, g)
                                    for i, (p, f, g) in enumerate(zip(parts, scattered, short))])
        b.phase("count")
        # with a previous release, its chrome is added bucket by bucket (a (domain, block) is in one bucket)
        prior = previous.chrome.select(list(CHROME_SCHEMA)) if previous is not None else None
        items = [(scattered, short, k, min_stories,
                  None if prior is None else prior.filter(pl.col("block_key") % buckets == k),
                  config.site_min_stories) for k in range(buckets)]
        counted = b.map(count_bucket, items)
        chrome = pl.concat([no_chrome(), *counted]).sort("domain", "block_key")
        shutil.rmtree(folder, ignore_errors=True)
        b.phase(None)
    elif previous is not None:
        chrome = previous.chrome.select(chrome.columns)
    chrome.write_parquet(b.work.table("chrome"))
    return {"site_chrome_blocks_in_crawl": chrome.height,
            "site_chrome_blocks_counted_over": chrome_scope(previous is not None)}


def stage_sign(b: Build) -> dict[str, Any]:
    """Signatures of every kept document's final text (after the cross-site pass), on disk in doc order
    (a previous release's signatures included)."""
    lookup = chrome_lookup(pl.read_parquet(b.work.table("chrome")))
    announce_compilation(b)
    _sign(b, "sig2", lookup, with_hashes=True, previous=True, stories=b.work.folder("sig1") / "stories.npy")
    b.phase(None)
    return {}


def stage_cluster(b: Build) -> dict[str, Any]:
    """Verified near-duplicate components over every signed document (a previous release's included)."""
    # pass 1's store goes once sign is done, not at sign's end: a sign stage that fails after dropping it (a full
    # disk at its end) runs again on resume and reads pass 1's stories (real copies round 5c)
    shutil.rmtree(b.work.folder("sig1"), ignore_errors=True)
    previous_file = membership = None
    if b.previous is not None:
        previous_file, membership = _previous_index(b)
    labels, report = _near_dups(b, "sig2", VerifyParams.for_clusters(b.config), previous_file, membership)
    np.save(b.work.folder("sig2") / "labels.npy", labels)
    b.phase(None)
    return {"pass2": report}


def stage_select(b: Build) -> dict[str, Any]:
    """One canonical record per cluster, by the configured policy, and each copy's similarity to it,
    partition by partition (`dedup/partitions.py`)."""
    folder = fresh(b.work.folder("select"))
    parts, sig = b.parts, b.work.folder("sig2")
    partitions = b.budget.partitions(b.n, BYTES_PER_MEMBER)
    b.layout["cluster_partitions"] = partitions
    b.phase("scatter")
    members = [folder / f"members-{i:05d}.arrow" for i in range(len(parts))]
    b.map(scatter_members, [(i, p, b.keys_file(i), sig / f"part-{i:05d}.arrow", sig / "labels.npy", partitions, f)
                            for i, (p, f) in enumerate(zip(parts, members))])
    previous_files = None
    if b.previous is not None:
        members.append(folder / "members-previous.arrow")
        where = scatter_previous(len(parts), _previous_docs(b), sig / "labels.npy", partitions, members[-1])
        previous_files = (
            scatter_previous_rows(b.previous.canonical_files(), where, partitions, folder / PREVIOUS_CANON),
            scatter_previous_rows(b.previous.duplicate_files(), where, partitions, folder / PREVIOUS_DUPS))
    b.phase("select")
    selected = [folder / f"selected-{k:05d}.arrow" for k in range(partitions)]
    b.map(select_partition, [(members, k, b.config.canonical_policy, sig, previous_files, f)
                             for k, f in enumerate(selected)])
    b.phase(None)
    return {"_partitions": partitions}


def stage_rights(b: Build) -> dict[str, Any]:
    """What each cluster's copies say together (agency, dateline, wire notice) and the licence class it
    is published under; clusters not selected by --licence become rejects."""
    folder, out = b.work.folder("select"), fresh(b.work.folder("rights"))
    partitions = int(b.figures("select")["_partitions"])
    members = sorted(folder.glob("members-*.arrow"))
    previous_files = None
    if b.previous is not None:
        previous_files = previous_row_files(folder)
    b.phase("rights")
    items = [(members, k, folder / f"selected-{k:05d}.arrow", b.config, previous_files, len(b.parts),
              tuple(out / f"{name}-{k:05d}.arrow" for name in ("decisions", "rejects", "provenance")))
             for k in range(partitions)]
    totals = merge_figures(b.map(rights_partition, items))
    figures: dict[str, Any] = {"licence_filter": totals.pop("licence_filter")}
    if b.previous is not None:
        figures["previous"] = previous_report(b.previous, totals.pop("previous"))
    totals.pop("previous", None)
    figures["_counts"] = totals
    b.phase(None)
    return figures


# ---------------------------------------------------------------- stage helpers

def _sign(b: Build, name: str, chrome: dict[str, set[int]], with_hashes: bool, previous: bool = False,
          stories: Path | None = None) -> None:
    """A signing pass into the store `name`: the parts' tasks, the previous release's signatures (pass 2),
    then the blocks in doc order (pass 2: with pass 1's `stories`, a site's template is counted in stories)."""
    config, folder = b.config, fresh(b.work.folder(name))
    block_rows = b.budget.rows(config.num_perm * 4 * 2, cap=4_000_000)
    write_meta(folder, b.n, config.num_perm, block_rows)
    b.layout["store_blocks"] = n_blocks(b.n, block_rows)
    params = hasher_params(config)
    b.phase("sign")
    parts = b.parts
    b.map(sign_part, [(p, b.keys_file(i), params, chrome, with_hashes, block_rows, config.bands, config.rows,
                       folder / f"part-{i:05d}.arrow", folder / f"bands-{i:05d}.arrow", stories)
                      for i, p in enumerate(parts)])
    if previous and b.previous is not None:
        shards = b.previous.files("signatures")
        # the passages of its published texts, when this build compares passages (real copies round 7)
        data_files = tuple(b.previous.files("data")) if config.verify_passage_coverage <= 1.0 else ()
        b.map(sign_previous, [(f, b.keys_file(len(parts) + j), config.num_perm, block_rows, config.bands,
                               config.rows, folder / f"part-{len(parts) + j:05d}.arrow",
                               folder / f"bands-{len(parts) + j:05d}.arrow", data_files)
                              for j, f in enumerate(shards)])
    b.phase("assemble")
    part_files = sorted(folder.glob("part-*.arrow"))
    b.map(assemble_block, [(folder, k, part_files) for k in range(n_blocks(b.n, block_rows))])


def _near_dups(b: Build, name: str, params: VerifyParams, previous_file: Path | None = None,
               membership: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, dict]:
    """LSH candidates, verification and components over the store `name` (`neardup/ondisk.py`)."""
    config, folder = b.config, b.work.folder(name)
    n = b.n
    band_files = sorted(folder.glob("bands-*.arrow"))
    bands_per_group = max(1, min(config.bands, b.budget.rows(BYTES_PER_BAND_ROW) // max(1, n)))
    key_ranges = b.budget.partitions(n, BYTES_PER_BAND_ROW)  # > 1 when one band is more than a task holds
    # the long passages' rows are read only by the rule that checks them (`ondisk.near_dup_components`)
    passage_key_ranges = (b.budget.partitions(passage_rows_count(band_files), BYTES_PER_BAND_ROW)
                          if params.passage_coverage <= 1.0 else 1)
    edge_partitions = b.budget.partitions(n, BYTES_PER_EDGE_DOC)
    b.layout |= {"band_groups": -(-config.bands // bands_per_group), "key_ranges": key_ranges,
                 "edge_partitions": edge_partitions}
    return near_dup_components(
        b.map, band_files, n, config.bands, config.hot_bucket_cap, params, folder, folder / "edges",
        bands_per_group=bands_per_group, edge_partitions=edge_partitions, components=b.steps.components,
        previous_file=previous_file, membership=membership, guard_batch_edges=b.budget.rows(BYTES_PER_GUARD_EDGE),
        key_ranges=key_ranges, passage_key_ranges=passage_key_ranges, step=b.phase)


def _previous_docs(b: Build) -> pl.DataFrame:
    """The previous release's signed documents: doc_id, global index, shingle count, and the text hash
    of the canonicals (for exact-match flags)."""
    assert b.previous is not None
    first, frames = len(b.parts), []
    for j, f in enumerate(b.previous.files("signatures")):
        own = pl.read_parquet(f, columns=["doc_id", "n_shingles"])
        frames.append(own.with_columns(read_keys(b.keys_file(first + j), ["doc"])["doc"]))
    docs = pl.concat(frames) if frames else pl.DataFrame(schema={"doc_id": pl.String, "n_shingles": pl.Int64,
                                                                 "doc": pl.Int64})
    hashes = b.previous.canonical_rows(["doc_id", "content_sha256"]).rename({"content_sha256": "hash"})
    return docs.join(hashes, on="doc_id", how="left").sort("doc")


def _previous_index(b: Build) -> tuple[Path, tuple[np.ndarray, np.ndarray]]:
    """A mask of the previous release's documents (a file the verification tasks read) and its
    clusters as membership edges (each duplicate to its canonical)."""
    assert b.previous is not None
    docs = _previous_docs(b)
    mask = np.zeros(b.n, dtype=bool)
    mask[docs["doc"].to_numpy()] = True
    path = b.work.folder("sig2") / "previous.npy"
    np.save(path, mask)
    index = docs.select("doc_id", "doc")
    pairs = b.previous.duplicate_rows(["doc_id", "canonical_doc_id"]).join(index, on="doc_id").join(
        index.rename({"doc_id": "canonical_doc_id", "doc": "canonical"}), on="canonical_doc_id")
    return path, (pairs["doc"].to_numpy().astype(np.int64), pairs["canonical"].to_numpy().astype(np.int64))


