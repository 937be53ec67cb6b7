"""Signing: the MinHash signature of every kept document's text, part by part, and the signature
table the clustering, selection and write stages read.

`sign_part` is the per-part task both engines map; `sign_documents` places its rows by sorted doc_id,
so LSH buckets, edges and components never depend on input order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.neardup.minhash import MinHasher
from dedup.text.blocks import final_blocks
from dedup.text.language import identify, same_sample, shingle_unit
from dedup.text.normalise import join_blocks, text_hash
from dedup.schema import frame

if TYPE_CHECKING:
    from dedup.config import BuildConfig

HasherParams = tuple[int, int, int, str, str]  # num_perm, seed, ngram, unit, hash: picklable for tasks


def hasher_params(config: BuildConfig) -> HasherParams:
    """The signature settings of a build, in the one order `hasher` takes them."""
    return (config.num_perm, config.seed, config.ngram, config.shingle_unit, config.hash)


@lru_cache(maxsize=4)
def hasher(params: HasherParams) -> MinHasher:
    """The MinHasher for these settings (cached: a worker builds its tables once)."""
    num_perm, seed, ngram, unit, hash_name = params
    return MinHasher(num_perm=num_perm, seed=seed, ngram=ngram, unit=unit, hash=hash_name)


def sign_part(part: Path, params: HasherParams, chrome: dict[str, set[int]],
              with_hashes: bool) -> tuple[list[tuple[str, int]], np.ndarray, np.ndarray, list[str | None],
                                      list[tuple[str | None, float | None]]]:
    """One `docs` part -> (source_file, source_offset) of each kept row, its MinHash signature and
    shingle count over its text after the cross-site pass (`chrome` empty: the within-page text),
    (`with_hashes`) that text's hash, and its language and score. Each text is shingled in the unit
    of its language (`text.language.shingle_unit`). A per-part task: both engines map it over the parts."""
    at: list[tuple[str, int]] = []
    texts: list[str] = []
    hashes: list[str | None] = []
    languages: list[tuple[str | None, float | None]] = []
    for batch in pq.ParquetFile(part).iter_batches(batch_size=4096, columns=[
            "source_file", "source_offset", "domain", "title", "blocks", "block_keys", "text_hash",
            "language", "language_score", "reject_reason"]):
        kept_rows = frame(batch).filter(pl.col("reject_reason").is_null())
        for source, offset, domain, title, blocks, keys, own_hash, lang, score in kept_rows.select(
                "source_file", "source_offset", "domain", "title", "blocks", "block_keys", "text_hash",
                "language", "language_score").iter_rows():
            kept, removed, _ = final_blocks(blocks, keys, domain, chrome, title)
            at.append((source, offset))
            texts.append(join_blocks(kept))
            # the within-page text's hash stands when the site pass removed nothing...
            hashes.append((own_hash if removed == 0 else text_hash(texts[-1])) if with_hashes else None)
            # and its language, unless the removed chrome changed what the identifier reads
            same = removed == 0 or same_sample(join_blocks(blocks), texts[-1])
            languages.append((lang, score) if same else identify(texts[-1]))
    sigs, sizes = sign_texts(texts, [lang for lang, _ in languages], params)
    return at, sigs, sizes, hashes, languages


def sign_texts(texts: list[str], languages: list[str | None], params: HasherParams) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures and shingle counts of texts, each shingled in the unit of its language
    (`params`' unit for languages written with spaces, characters for the others)."""
    minhasher = hasher(params)
    sigs = np.empty((len(texts), minhasher.num_perm), np.uint32)
    sizes = np.zeros(len(texts), np.int64)
    units = [shingle_unit(lang, minhasher.unit) for lang in languages]
    for unit in sorted(set(units)):
        rows = [i for i, u in enumerate(units) if u == unit]
        if len(rows) == len(texts):  # one unit (an English crawl): no gathering
            return hasher(params[:3] + (unit,) + params[4:]).signatures_with_counts(texts)
        sigs[rows], sizes[rows] = hasher(params[:3] + (unit,) + params[4:]).signatures_with_counts(
            [texts[i] for i in rows])
    return sigs, sizes


@dataclass
class Signed:
    """Signatures of documents by sorted doc_id: row i of `sigs`, `sizes` and `hashes` is `doc_ids[i]`."""

    doc_ids: list[str]
    sigs: np.ndarray  # (n, num_perm) uint32
    sizes: np.ndarray  # shingle counts; 0 = no text left
    hashes: list[str | None]  # text hash (normalised text), for exact-match flags
    languages: list[str | None] | None = None  # language of the signed text (text.language.identify)
    language_scores: list[float | None] | None = None

    def index(self) -> dict[str, int]:
        """doc_id -> row."""
        return {d: i for i, d in enumerate(self.doc_ids)}


def sign_documents(parts: list[Path], good: pl.DataFrame, params: HasherParams, chrome: dict[str, set[int]],
                   run_map: Callable, with_hashes: bool = False) -> Signed:
    """Signatures of every kept document (`good`: doc_id, source_file, source_offset, sorted by doc_id),
    `sign_part` mapped over the parts with `run_map`. Rows are placed by their position (file,
    offset), not doc_id, so a record rejected as a repeated doc_id never overwrites the signature of
    the one that kept it."""
    doc_ids = good["doc_id"].to_list()
    at = {(f, o): i for i, (f, o) in enumerate(good.select("source_file", "source_offset").iter_rows())}
    n = len(doc_ids)
    num_perm = params[0]
    sigs = np.empty((n, num_perm), dtype=np.uint32)
    sizes = np.zeros(n, dtype=np.int64)
    hashes: list[str | None] = [None] * n
    languages: list[str | None] = [None] * n
    scores: list[float | None] = [None] * n
    for rows_at, part_sigs, part_sizes, part_hashes, part_languages in run_map(
            sign_part, [(p, params, chrome, with_hashes) for p in parts]):
        rows = np.asarray([at.get(a, -1) for a in rows_at], dtype=np.int64)
        mine = rows >= 0
        sigs[rows[mine]], sizes[rows[mine]] = part_sigs[mine], part_sizes[mine]
        for i, h, (lang, score) in zip(rows[mine], (h for h, m in zip(part_hashes, mine) if m),
                                       (x for x, m in zip(part_languages, mine) if m)):
            hashes[i], languages[i], scores[i] = h, lang, score
    return Signed(doc_ids, sigs, sizes, hashes, languages, scores)


def write_signed(signed: Signed, path: Path) -> None:
    """The work folder's signature table (doc_id, n_shingles, text_hash, language, language_score,
    signature)."""
    n, num_perm = signed.sigs.shape
    flat = pa.array(signed.sigs.reshape(-1), type=pa.uint32())
    table = pa.table({
        "doc_id": pa.array(signed.doc_ids, pa.string()),
        "n_shingles": pa.array(signed.sizes, pa.int64()),
        "text_hash": pa.array(signed.hashes, pa.string()),
        "language": pa.array(signed.languages or [None] * n, pa.string()),
        "language_score": pa.array(signed.language_scores or [None] * n, pa.float64()),
        "signature": pa.FixedSizeListArray.from_arrays(flat, num_perm),
    })
    pq.write_table(table, path, compression="lz4")


def read_signed(path: Path, num_perm: int) -> Signed:
    """`write_signed`'s table back into arrays."""
    table = pq.read_table(path)
    n = table.num_rows
    flat = table.column("signature").combine_chunks().values.to_numpy(zero_copy_only=False) if n else np.empty(0)
    return Signed(table.column("doc_id").to_pylist(),
                  np.ascontiguousarray(flat, dtype=np.uint32).reshape(n, num_perm),
                  table.column("n_shingles").to_numpy().astype(np.int64), table.column("text_hash").to_pylist(),
                  table.column("language").to_pylist(), table.column("language_score").to_pylist())
