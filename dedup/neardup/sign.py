"""Signing: the MinHash signature of every kept document's title and text (`signed_text`), part by
part, and the signature table the clustering, selection and write stages read.

`sign_part` is the per-part task both engines map: it signs the documents the keys stage indexed
(by sorted doc_id, so LSH buckets, edges and components never depend on input order) and writes
their signatures and band keys for the on-disk steps (`store.py`, `ondisk.py`). `sign_documents` is
the same in memory, the reference those steps are tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import spill
from dedup.neardup.minhash import MinHasher, band_keys
from dedup.neardup.passages import candidate_rows, site_key, site_rows
from dedup.neardup.published import published_passages
from dedup.neardup.store import sig_table
from dedup.text.blocks import blocks_hash, final_blocks
from dedup.text.language import identify_each, shingle_unit, unit_language
from dedup.text.normalise import BLOCK_BREAK, fold_text, join_blocks
from dedup.text.sentences import EMPTY, Passages, passages
from dedup.text.serverpages import is_status_page
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


@dataclass
class SignedRows:
    """What signing one part gives: per signed row, its row number in the part, MinHash signature,
    shingle count, text hash (final pass), language and score, passages and server-page flag (final
    pass: `neardup/passages.py`)."""

    at: np.ndarray
    sigs: np.ndarray
    sizes: np.ndarray
    hashes: list[str | None]
    languages: list[tuple[str | None, float | None]]
    passages: list[Passages]
    status: np.ndarray  # bool: a server-generated page (redirect, error), never a near-duplicate
    sites: np.ndarray  # uint64: `passages.site_key` of the document's domain (final pass; else 0)


SIGN_SLICE_ROWS = 20_000  # rows a signing task signs and hands on at once (docs/benchmarks.md, scale round 2)


def sign_rows(part: Path, params: HasherParams, chrome: dict[str, set[int]], with_hashes: bool,
              wanted: np.ndarray | None = None) -> SignedRows:
    """`sign_slices` of a part in one: every signed row at once (`sign_documents`, the in-memory reference)."""
    slices = list(sign_slices(part, params, chrome, with_hashes, wanted, slice_rows=None))
    if len(slices) == 1:
        return slices[0]
    return SignedRows(np.concatenate([s.at for s in slices]), np.concatenate([s.sigs for s in slices]),
                      np.concatenate([s.sizes for s in slices]), [h for s in slices for h in s.hashes],
                      [x for s in slices for x in s.languages], [x for s in slices for x in s.passages],
                      np.concatenate([s.status for s in slices]), np.concatenate([s.sites for s in slices]))


def sign_slices(part: Path, params: HasherParams, chrome: dict[str, set[int]], with_hashes: bool,
                wanted: np.ndarray | None = None, slice_rows: int | None = SIGN_SLICE_ROWS) -> Iterator[SignedRows]:
    """One `docs` part -> the row number (in the part) of each signed row, its MinHash signature and
    shingle count over its text after the cross-site pass (`chrome` empty: the within-page text), in
    slices of `slice_rows` signed rows (None: one slice; always one at least), so a part's texts are never
    held at once. `with_hashes` (the final pass) adds that text's hash, its language and score, its passages and
    whether it is a server-generated page. Each text is shingled in the unit of its language
    (`text.language.shingle_unit`; in the preliminary pass `unit_language`'s). Signs the rows `wanted`
    marks (a bool per row of the part), else every row the ingest kept."""
    at: list[int] = []
    texts: list[str] = []
    signed: list[str] = []  # what MinHash sees: `signed_text`
    hashes: list[str | None] = []
    languages: list[tuple[str | None, float | None]] = []
    found: list[Passages] = []
    status: list[bool] = []
    sites: list[int] = []

    def finish() -> SignedRows:
        if with_hashes:
            # the language of the final text only: the ingest identifies none (most pages' text changes
            # here, and the preliminary pass needs no language but a rare script's)
            languages[:] = identify_each(texts)
        sigs, sizes = sign_texts(signed, [lang for lang, _ in languages], params)
        return SignedRows(np.asarray(at, dtype=np.int64), sigs, sizes, hashes, languages, found,
                          np.asarray(status, dtype=bool), np.asarray(sites, dtype=np.uint64))

    first = done = 0
    for batch in pq.ParquetFile(part).iter_batches(batch_size=4096, columns=[
            "domain", "title", "html_title", "blocks", "block_keys", "heading_keys", "text_hash", "reject_reason"]):
        rows = frame(batch).with_row_index("_row", offset=first)
        first += batch.num_rows
        keep: pl.Expr | pl.Series = pl.col("reject_reason").is_null()
        if wanted is not None:
            keep = pl.Series(wanted[rows["_row"].to_numpy()])
        for row, domain, title, html_title, blocks, keys, headings, own_hash in rows.filter(keep).select(
                "_row", "domain", "title", "html_title", "blocks", "block_keys", "heading_keys",
                "text_hash").iter_rows():
            kept, removed, _ = final_blocks(blocks, keys, domain, chrome, title, headings)
            at.append(row)
            texts.append(join_blocks(kept))
            signed.append(signed_text(title, texts[-1], kept[0] if kept else None))
            if with_hashes:
                # the within-page text's hash stands when the site pass removed nothing; else the kept
                # blocks' (`text_hash` of the text, from each block's normalised text, remembered)
                hashes.append(own_hash if not removed else blocks_hash(kept))
                found.append(passages(kept))
                # a page is a server page or not by the blocks stage's decision (such a page is a `not_a_story`
                # reject, never signed) unless the site pass changed its text: only then is it asked again
                status.append(bool(removed) and is_status_page(title, kept, found[-1].total_words, html_title))
                sites.append(site_key(domain))
            else:
                hashes.append(None)
                languages.append((unit_language(texts[-1]), None))
                found.append(EMPTY)
                status.append(False)
                sites.append(0)
            if slice_rows is not None and len(at) == slice_rows:
                yield finish()
                done += 1
                at, texts, signed, hashes, languages, found, status, sites = [], [], [], [], [], [], [], []
    if at or not done:
        yield finish()


def signed_text(title: str | None, text: str, first_paragraph: str | None = None) -> str:
    """The text a document's MinHash signs: its title (the page's headline, which the `text` column
    leaves out) on a line above its text, `title + "\\n" + text`. The text alone when there is no title,
    when the text already starts with it (a first paragraph equal to the title once folded: a page that
    is little more than its headline keeps it in its text), or when the text has fewer words or
    characters than the title (nor an empty text: it never joins anything).

    The headline is shared evidence of a copy: a short truncated copy with an edited word reaches its
    story through it. The last condition keeps a shared headline from being the evidence on its own:
    two different stories under one template headline of T words (T >= 5) share its T - 4 word 5-grams
    only, so with texts of B >= T words each their Jaccard stays under 1/3 and their containment under
    1/2, short of any acceptance rule (the same in characters for the languages shingled by character).
    Passages, the text hash and the language stay on the text alone.
    `first_paragraph` is the text's first paragraph when the caller has it (else read from `text`).
    Signatures equal datasketch's MinHash over the shingles of this string (docs/extraction.md, round 13)."""
    if not text or not title or title.isspace():
        return text
    if first_paragraph is None:
        first_paragraph = text.split(BLOCK_BREAK, 1)[0]
    words = len(title.split())
    if len(text) < len(title) or len(text.split(maxsplit=words)) < words:
        return text
    if fold_text(first_paragraph) == fold_text(title):
        return text
    return f"{title}\n{text}"


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


DOCS_GROUP = -1  # the group of a band file that holds its documents' indices (as uint64)
# and the groups of its long passages' rows (`passages.candidate_keys`): their documents, their keys
PASSAGE_DOCS_GROUP = -2
PASSAGE_KEYS_GROUP = -3
# and the (long passage, site) keys of those rows whose site is known (`passages.site_rows`), and their stories
SITE_PASSAGE_KEYS_GROUP = -4
SITE_PASSAGE_STORIES_GROUP = -5
BAND_SCHEMA = pa.schema([("key", pa.uint64())])


def read_band(band_file: Path, band: int) -> tuple[np.ndarray, np.ndarray]:
    """(documents, their keys in one band) from a signing task's band file."""
    doc = spill.read_group(band_file, DOCS_GROUP).column("key").to_numpy().astype(np.int64)
    return doc, spill.read_group(band_file, band).column("key").to_numpy()


def read_passage_rows(band_file: Path) -> tuple[np.ndarray, np.ndarray]:
    """(long passage keys, their documents) from a signing task's band file (`lsh.passage_edges`' rows)."""
    doc = spill.read_group(band_file, PASSAGE_DOCS_GROUP).column("key").to_numpy().astype(np.int64)
    return spill.read_group(band_file, PASSAGE_KEYS_GROUP).column("key").to_numpy(), doc


def read_site_rows(band_file: Path) -> tuple[np.ndarray, np.ndarray]:
    """The (long passage, site) keys of a signing task's band file and their stories (`passages.site_repeats`'
    rows)."""
    return (spill.read_group(band_file, SITE_PASSAGE_KEYS_GROUP).column("key").to_numpy(),
            spill.read_group(band_file, SITE_PASSAGE_STORIES_GROUP).column("key").to_numpy())


def passage_rows_count(band_files: list[Path]) -> int:
    """How many long-passage rows the signing tasks' band files hold, their (passage, site) and story rows counted too (to
    size the tasks that read them)."""
    return sum(spill.group_rows(f, PASSAGE_KEYS_GROUP) + 2 * spill.group_rows(f, SITE_PASSAGE_KEYS_GROUP)
               for f in band_files)


def sign_part(part: Path, keys_file: Path, params: HasherParams, chrome: dict[str, set[int]], with_hashes: bool,
              block_rows: int, bands: int, rows: int, sig_file: Path, band_file: Path,
              stories_file: Path | None = None, slice_rows: int = 0) -> int:
    """The per-part signing task both engines map: sign the part's documents (the rows the keys stage
    gave an index), and hand them on as two files: their signatures (with text hash and language)
    grouped by store block (`store.assemble_block` reads them) and their LSH band keys grouped by band
    (the bucket tasks of `ondisk.band_group_edges` read them; with the pass-1 stories of `stories_file`, each
    long passage's site row counts stories, not pages). Returns the rows signed.

    Signed `slice_rows` (0: SIGN_SLICE_ROWS) at a time (`sign_slices`), each slice's rows turned into Arrow
    (`sig_table`) and band keys as it is done: the rows as Python objects (text, signed text, hash, language,
    passages) took 2.4-4.2 KB a document (docs/benchmarks.md, scale round 2). The signature table is still
    written whole: `write_grouped`'s bytes depend on the whole sorted table (the IPC writer writes a batch's string
    data to the end of its parent's buffer)."""
    doc_of_row = spill.read_all(keys_file, ["doc"]).column("doc").to_numpy()
    wanted = doc_of_row >= 0
    n = int(wanted.sum())
    doc = np.empty(n, np.int64)
    keys = np.empty((n, bands), np.uint64)
    sites = np.zeros(n, np.uint64)
    tables: list[pa.Table] = []
    passage_keys: list[np.ndarray] = []
    passage_at: list[np.ndarray] = []
    done = 0
    for signed in sign_slices(part, params, chrome, with_hashes, wanted, slice_rows or SIGN_SLICE_ROWS):
        end = done + len(signed.at)
        doc[done:end] = doc_of_row[signed.at]
        if end > done:
            keys[done:end] = band_keys(signed.sigs, bands, rows)
        sites[done:end] = signed.sites
        found_keys, found_at = candidate_rows(signed.passages, signed.status)
        passage_keys.append(found_keys)
        passage_at.append(found_at + done)
        tables.append(sig_table(doc[done:end], signed.sizes, signed.sigs, signed.hashes, signed.languages,
                                signed.passages, signed.status, signed.sites))
        done = end
    if done != n:
        raise ValueError(f"{part}: {done} rows signed of the {n} the keys stage indexed")
    table = pa.concat_tables(tables).combine_chunks() if len(tables) > 1 else tables[0]
    del tables
    spill.write_grouped(table, doc // block_rows, sig_file)
    del table
    stories = np.load(stories_file, mmap_mode="r")[doc] if stories_file is not None else None
    write_band_file(doc, keys, np.concatenate(passage_keys), np.concatenate(passage_at), sites, stories, band_file)
    return n


def sign_previous(shard: Path, keys_file: Path, num_perm: int, block_rows: int, bands: int, rows: int,
                  sig_file: Path, band_file: Path, data_files: Sequence[Path] = (), slice_rows: int = 0) -> int:
    """A previous release's signatures/ shard handed on as a signing task's files (its documents keep
    the MinHash they were published with; their index comes from the keys stage), with the passages, server-page
    flag and site of each record whose text the release's `data_files` publish (`published.published_passages`:
    its copies in the new crawl are then found as in one build of both, real copies round 7). Their (passage,
    site) rows are not counted: a previous page's pass-1 story is not known, and counted as a story of its own a
    re-crawl of it in the new crawl would make the story's sentences look like its site's template.

    Read `slice_rows` (0: SIGN_SLICE_ROWS) records at a time, each slice's signature table and band keys written
    to both files as their own batches (`spill.GroupWriter`, a group in several batches: `read_group` gathers
    them in order), so a task holds one slice's, not the shard's: the whole shard as Arrow and NumPy took ~4.4 KB
    a record (scale round 3), its signature table, sorted copy and band keys ~2.6 KB (round 4). The passages of
    the published texts are found for the whole shard in one read of data/, held flat (`PublishedPassages`)."""
    doc = spill.read_all(keys_file, ["doc"]).column("doc").to_numpy().astype(np.int64)
    n = len(doc)
    size = slice_rows or SIGN_SLICE_ROWS
    cuts = [(start, min(n, start + size)) for start in range(0, n, size)]
    published = None
    if data_files and n:
        doc_ids = pq.read_table(shard, columns=["doc_id"]).column("doc_id").combine_chunks()
        published = published_passages(doc_ids, data_files)
        del doc_ids
    # each slice's long-passage rows (a few per canonical), known before the files are opened: their groups are
    # named in the files' schema
    candidates = [candidate_rows(published.passages_of(start, end), published.status[start:end])
                  if published is not None else (np.empty(0, np.uint64), np.empty(0, np.int64))
                  for start, end in cuts]
    sig_groups = [g for start, end in cuts for g in np.unique(doc[start:end] // block_rows).tolist()]
    passage_groups = [{PASSAGE_KEYS_GROUP: key, PASSAGE_DOCS_GROUP: doc[start:end][at].astype(np.uint64)}
                      for (start, end), (key, at) in zip(cuts, candidates)]
    del candidates
    slice_band_groups = [band_groups(end - start, {g: len(v) for g, v in groups.items()}, bands)
                         for (start, end), groups in zip(cuts, passage_groups)]
    empty = sig_table(doc[:0], np.zeros(0, np.int64), np.empty((0, num_perm), np.uint32), [])
    done = 0
    with (spill.GroupWriter(empty.schema, sig_groups, sig_file, repeats=True) as sigs_out,
          spill.GroupWriter(BAND_SCHEMA, [g for groups in slice_band_groups for g in groups], band_file,
                            repeats=True) as bands_out):
        columns = ["n_shingles", "signature"]
        for i, batch in enumerate(_fixed_slices(pq.ParquetFile(shard).iter_batches(batch_size=size, columns=columns),
                                                size)):
            if i >= len(cuts) or cuts[i][1] - cuts[i][0] != batch.num_rows:
                raise ValueError(f"{shard}: its records are not the {n} the keys stage indexed")
            start, end = cuts[i]
            flat = batch.column("signature").flatten().to_numpy(zero_copy_only=False)
            sigs = np.ascontiguousarray(flat, dtype=np.uint32).reshape(batch.num_rows, num_perm)
            sizes = batch.column("n_shingles").fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
            table = sig_table(doc[start:end], sizes, sigs, [None] * batch.num_rows, None,
                              published.passages_of(start, end) if published is not None else None,
                              published.status[start:end] if published is not None else None,
                              published.sites[start:end] if published is not None else None)
            # write_grouped's order inside a slice: its rows by store block, in shard order inside each
            group = doc[start:end] // block_rows
            for g in np.unique(group).tolist():
                sigs_out.write(table.take(pa.array(np.flatnonzero(group == g))))
            for piece in band_tables(doc[start:end], band_keys(sigs, bands, rows), passage_groups[i],
                                     slice_band_groups[i]):
                bands_out.write(piece)
            done = end
        if done != n:
            raise ValueError(f"{shard}: {done} records read of the {n} the keys stage indexed")
    return n


def _fixed_slices(batches: Iterator[pa.RecordBatch], size: int) -> Iterator[pa.RecordBatch]:
    """`batches` cut again into batches of exactly `size` rows (the last: the rest): Parquet gives a batch no
    longer than a row group's rest."""
    held: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        held.append(batch)
        rows += batch.num_rows
        while rows >= size:
            table = pa.Table.from_batches(held)
            yield table.slice(0, size).combine_chunks().to_batches()[0]
            rest = table.slice(size)
            held, rows = rest.to_batches(), rest.num_rows
    if rows:
        yield pa.Table.from_batches(held).combine_chunks().to_batches()[0]


def write_signed_part(doc: np.ndarray, sigs: np.ndarray, sizes: np.ndarray, hashes: list[str | None],
                      block_rows: int, bands: int, rows: int, sig_file: Path, band_file: Path,
                      languages: list[tuple[str | None, float | None]] | None = None,
                      found: list[Passages] | None = None, status: np.ndarray | None = None,
                      sites: np.ndarray | None = None, stories: np.ndarray | None = None,
                      count_sites: bool = True) -> int:
    """Signed rows (global index, signature, shingle count, text hash, language, passages, server-page
    flag, site key, pass-1 story: None, each document its own) -> the signing task's two files: the signatures
    grouped by store block, the band keys grouped by band (`read_band`; `count_sites` False: no (passage, site)
    rows, the documents' passages count in no site's template)."""
    doc = np.asarray(doc, dtype=np.int64)
    spill.write_grouped(sig_table(doc, sizes, sigs, hashes, languages, found, status, sites), doc // block_rows,
                        sig_file)
    keys = band_keys(sigs, bands, rows) if len(doc) else np.empty((0, bands), np.uint64)
    passage_keys, at = candidate_rows(found, status) if found is not None else (np.empty(0, np.uint64), doc[:0])
    write_band_file(doc, keys, passage_keys, at, sites if count_sites else None, stories, band_file)
    return len(doc)


def write_band_file(doc: np.ndarray, keys: np.ndarray, passage_keys: np.ndarray, at: np.ndarray,
                    sites: np.ndarray | None, stories: np.ndarray | None, band_file: Path) -> None:
    """A signing task's band file (`read_band`): the band keys of its documents (`keys`: a column a band), their
    long passages' rows (`passages.candidate_rows`: key, position in `doc`), site keys and pass-1 stories."""
    # one batch per band (its keys, in the order of `doc`), and the documents once, in group DOCS_GROUP;
    # then the long passages of the documents that are not server pages, keys and documents in two groups, and
    # their (passage, site) keys and those rows' stories in two more
    bands = keys.shape[1]
    passage_docs = doc[at].astype(np.uint64)
    by_site, by_story = (site_rows(passage_keys, at, sites, doc if stories is None else np.asarray(stories))
                         if sites is not None else (np.empty(0, np.uint64), np.empty(0, np.uint64)))
    # written group by group (a band's keys copied one at a time): concatenated and sorted whole, they and
    # their group numbers took 1.4 KB a document more (3 x 10^5 identical records: docs/benchmarks.md)
    passage_groups = {SITE_PASSAGE_STORIES_GROUP: by_story, SITE_PASSAGE_KEYS_GROUP: by_site,
                      PASSAGE_KEYS_GROUP: passage_keys, PASSAGE_DOCS_GROUP: passage_docs}

    groups = band_groups(len(doc), {g: len(rows) for g, rows in passage_groups.items()}, bands)
    spill.write_groups(BAND_SCHEMA, groups, band_tables(doc, keys, passage_groups, groups), band_file)


def band_groups(documents: int, passage_rows: dict[int, int], bands: int) -> list[int]:
    """The groups of a band file of `documents` documents (`write_band_file`): each passage group that holds rows
    (`passage_rows`: rows by group), then the documents' and one a band."""
    return ([g for g in sorted(passage_rows) if passage_rows[g]]
            + (list(range(DOCS_GROUP, bands)) if documents else []))


def band_tables(doc: np.ndarray, keys: np.ndarray, passage_groups: dict[int, np.ndarray],
                groups: list[int]) -> Iterator[pa.Table]:
    """The tables of a band file's `groups`, one at a time (a band's keys copied when its turn comes)."""
    for group in groups:
        column = (passage_groups[group] if group in passage_groups else doc.astype(np.uint64)
                  if group == DOCS_GROUP else np.ascontiguousarray(keys[:, group]))
        yield pa.table({"key": pa.array(column, pa.uint64())})


@dataclass
class Signed:
    """Signatures of documents by sorted doc_id: row i of `sigs`, `sizes` and `hashes` is `doc_ids[i]`."""

    doc_ids: list[str]
    sigs: np.ndarray  # (n, num_perm) uint32
    sizes: np.ndarray  # shingle counts; 0 = no text left
    hashes: list[str | None]  # text hash (normalised text), for exact-match flags
    languages: list[str | None] | None = None  # language of the signed text (text.language.identify)
    language_scores: list[float | None] | None = None
    passages: list[Passages] | None = None  # long sentences of the signed text (final pass)
    status: np.ndarray | None = None  # bool: server-generated page (final pass)
    sites: np.ndarray | None = None  # uint64: key of the document's domain (final pass)

    def index(self) -> dict[str, int]:
        """doc_id -> row."""
        return {d: i for i, d in enumerate(self.doc_ids)}


def sign_documents(parts: list[Path], good: pl.DataFrame, params: HasherParams, chrome: dict[str, set[int]],
                   run_map: Callable, with_hashes: bool = False) -> Signed:
    """Every kept document's signature in memory (`good`: doc_id, source_file, source_offset, sorted by
    doc_id), `sign_rows` mapped over the parts with `run_map`: the reference the on-disk stages are
    tested against. Rows are placed by their position (file, offset), not doc_id, so a record rejected
    as a repeated doc_id never overwrites the signature of the one that kept it."""
    doc_ids = good["doc_id"].to_list()
    at = {(f, o): i for i, (f, o) in enumerate(good.select("source_file", "source_offset").iter_rows())}
    n = len(doc_ids)
    num_perm = params[0]
    sigs = np.empty((n, num_perm), dtype=np.uint32)
    sizes = np.zeros(n, dtype=np.int64)
    hashes: list[str | None] = [None] * n
    languages: list[str | None] = [None] * n
    scores: list[float | None] = [None] * n
    found: list[Passages] = [EMPTY] * n
    status = np.zeros(n, dtype=bool)
    sites = np.zeros(n, dtype=np.uint64)
    results = run_map(sign_rows, [(p, params, chrome, with_hashes) for p in parts])
    for part, signed in zip(parts, results):
        position = pl.read_parquet(part, columns=["source_file", "source_offset"])
        where = [at.get((position["source_file"][r], position["source_offset"][r]), -1) for r in signed.at.tolist()]
        rows = np.asarray(where, dtype=np.int64)
        mine = rows >= 0
        sigs[rows[mine]], sizes[rows[mine]] = signed.sigs[mine], signed.sizes[mine]
        status[rows[mine]] = signed.status[mine]
        sites[rows[mine]] = signed.sites[mine]
        for i, h, (lang, score), ps in zip(rows[mine], (h for h, m in zip(signed.hashes, mine) if m),
                                           (x for x, m in zip(signed.languages, mine) if m),
                                           (x for x, m in zip(signed.passages, mine) if m)):
            hashes[i], languages[i], scores[i], found[i] = h, lang, score, ps
    return Signed(doc_ids, sigs, sizes, hashes, languages, scores, found, status, sites)
