"""The global steps run by hand, as `dedup.pipeline` runs them, for the tests that hold the on-disk
path equal to the in-memory rules: extract a crawl into docs parts, give every row its key and index,
sign into a store. Every function takes the task map to use (in this process, or a Dask client's)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from dedup.config import BuildConfig
from dedup.engine.steps import serial_map
from dedup.ingest import ingest_file, key_table
from dedup.keys import NEW, Source, bucket_bounds, gather_source, read_keys, resolve_bucket, sample_source, scatter_source
from dedup.neardup.sign import Signed, hasher_params, sign_documents, sign_part
from dedup.neardup.store import assemble_block, n_blocks, write_meta
from dedup.sources.inputs import expand_inputs

MAX_PAYLOAD = 50 * 2 ** 20


def extract(paths: list[Path], folder: Path) -> list[Path]:
    """The docs parts of some crawl files (stage ingest)."""
    files = [f for p in paths for f in expand_inputs([str(p)])]
    folder.mkdir(parents=True, exist_ok=True)
    parts = [folder / f"part-{i:05d}.parquet" for i in range(len(files))]
    for inp, part in zip(files, parts):
        ingest_file(inp, part, MAX_PAYLOAD)
    return parts


def index(parts: list[Path], folder: Path, buckets: int = 1, run_map=serial_map) -> tuple[list[Path], int]:
    """Stage keys: the keys file of every part and the number of indexed documents."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [Source(NEW, p) for p in parts]
    samples = run_map(sample_source, [(s, 4) for s in sources])
    bounds = bucket_bounds([ids for _, ids in samples], buckets)
    scattered = [folder / f"scatter-{i}.arrow" for i in range(len(parts))]
    run_map(scatter_source, [(i, s, bounds, f) for i, (s, f) in enumerate(zip(sources, scattered))])
    resolved = [folder / f"bucket-{k}.arrow" for k in range(len(bounds) + 1)]
    counts = run_map(resolve_bucket, [(k, scattered, f) for k, f in enumerate(resolved)])
    offsets = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64).tolist()
    keys = [folder / f"src-{i}.arrow" for i in range(len(parts))]
    run_map(gather_source, [(i, resolved, offsets, r, k) for i, ((r, _), k) in enumerate(zip(samples, keys))])
    return keys, int(sum(counts))


def good(parts: list[Path]) -> pl.DataFrame:
    """The in-memory reference: the rows that get signed, by doc_id (what the old keys table gave)."""
    return key_table(parts).filter(pl.col("reject_reason").is_null()).sort("doc_id")


@dataclass
class Prepared:
    """A crawl extracted and indexed as the build does it, and its in-memory reference signatures
    (pass 1). Shared by the session (conftest.py `sample_prepared`, `bench_prepared`): read-only."""

    parts: list[Path]
    keys: list[Path]  # keys files of the parts
    n: int  # indexed documents
    good: pl.DataFrame  # the rows that get signed, by doc_id
    signed: Signed


def prepare(paths: list[Path], folder: Path) -> Prepared:
    """Extract, index and sign (in memory) some crawl files into `folder`."""
    parts = extract(paths, folder / "docs")
    keys, n = index(parts, folder / "keys")
    rows = good(parts)
    signed = sign_documents(parts, rows, hasher_params(BuildConfig()), {}, serial_map)
    for array in (signed.sigs, signed.sizes):
        array.setflags(write=False)  # shared by the session: a test that changes one fails here
    return Prepared(parts, keys, n, rows, signed)


def sign_store(parts: list[Path], keys: list[Path], n: int, folder: Path, config: BuildConfig,
               chrome: dict[str, set[int]], with_hashes: bool, block_rows: int, run_map=serial_map) -> Path:
    """A signing pass into a store (stages stories and sign)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_meta(folder, n, config.num_perm, block_rows)
    run_map(sign_part, [(p, k, hasher_params(config), chrome, with_hashes, block_rows, config.bands, config.rows,
                         folder / f"part-{i:05d}.arrow", folder / f"bands-{i:05d}.arrow")
                        for i, (p, k) in enumerate(zip(parts, keys))])
    part_files = sorted(folder.glob("part-*.arrow"))
    run_map(assemble_block, [(folder, b, part_files) for b in range(n_blocks(n, block_rows))])
    return folder


def stories_frame(keys: list[Path], labels: np.ndarray) -> pl.DataFrame:
    """doc_id, doc, story of every indexed document (what the old stories table held)."""
    rows = pl.concat([read_keys(k, ["doc_id", "doc"]) for k in keys]).filter(pl.col("doc") >= 0).sort("doc")
    return rows.with_columns(pl.Series("story", labels[rows["doc"].to_numpy()], pl.Int64),
                             pl.col("doc").cast(pl.Int32))
