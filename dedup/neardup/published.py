"""published: the passages of a previous release's pages, rebuilt from the text it published.

A release publishes each record's MinHash signature (signatures/) but not its passages (the long sentences
`neardup/passages.py` compares), so a build with `--previous` used to judge its new pages against the previous
pages by MinHash alone: a trimmed cut, a write-thru or a lead cut of a story published before (the copies the
passage rules of "Real copies" rounds 2-6 find) stayed apart, though one build of both crawls joins them.

The passages need nothing the release lacks: they are cut from a document's final blocks, and the `text` a
release publishes is exactly those blocks joined by one blank line (`normalise.join_blocks`, the write stage), so
splitting it there gives the blocks back and `text.sentences.passages` the same passages, whichever dedup version
published it. The server-page flag is asked again of the published title, `<title>` and text, and the site key is
the published `domain`'s. A record without text gets none: a duplicate (its canonical's text stands for the
cluster) and a record of a class published without text (`--withhold-text`): those are compared by MinHash only,
as before (docs/release.md, "Incremental releases").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dedup.neardup.passages import site_key
from dedup.text.normalise import BLOCK_BREAK
from dedup.text.sentences import EMPTY, Passages, passages
from dedup.text.serverpages import is_status_page

_COLUMNS = ("doc_id", "domain", "title", "html_title", "text")


def published_blocks(text: str) -> list[str]:
    """A published text's blocks, as the build that published it kept them (`normalise.join_blocks` undone)."""
    return [block for block in text.split(BLOCK_BREAK) if block]


@dataclass(frozen=True)
class PublishedPassages:
    """The passages of a previous signatures/ shard's records, flat: record i's are `keys[starts[i]:ends[i]]` (and
    `words`, `blocks` there). One Passages object a record (three NumPy arrays and their headers) held for a whole
    shard took ~1.4 KB a previous record (scale round 4); a slice's objects are made when signed (`passages_of`)."""

    starts: np.ndarray  # int64, a record without passages: start == end
    ends: np.ndarray
    keys: np.ndarray  # uint64
    words: np.ndarray  # uint16
    blocks: np.ndarray  # uint16
    status: np.ndarray  # bool: a server-generated page
    sites: np.ndarray  # uint64: `passages.site_key` of its domain (0: not in data/)

    def passages_of(self, start: int, end: int) -> list[Passages]:
        """The Passages of records `start` to `end` (views of the flat arrays; EMPTY where none)."""
        return [Passages(self.keys[s:e], self.words[s:e], self.blocks[s:e]) if e > s else EMPTY
                for s, e in zip(self.starts[start:end].tolist(), self.ends[start:end].tolist())]


def published_passages(doc_ids: Sequence[str] | pa.Array, data_files: Sequence[Path]) -> PublishedPassages:
    """For each of `doc_ids` (a previous release's signatures/ rows), from the release's data/ files: the passages
    of its published text, whether it is a server-generated page, and its site key (`passages.site_key`; 0 for a
    record not in data/). No passages where no text is published."""
    n = len(doc_ids)
    starts = np.zeros(n, dtype=np.int64)
    ends = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=bool)
    sites = np.zeros(n, dtype=np.uint64)
    # the shard's doc_ids as one Arrow array, each batch's rows found by `index_in` (a dict of Python strings and
    # their list took ~0.2 KB a record more)
    wanted = doc_ids if isinstance(doc_ids, pa.Array) else pa.array(list(doc_ids), pa.string())
    flat: list[Passages] = []  # each batch's passages concatenated, so no record's object outlives its batch
    held = 0
    for path in data_files:
        file = pq.ParquetFile(path)
        names = set(file.schema_arrow.names)
        # batch by batch: a data/ file's texts are never held at once
        for batch in file.iter_batches(batch_size=4096, columns=[c for c in _COLUMNS if c in names]):
            # only the rows of this shard's doc_ids are turned into Python strings (a release's data/ is read once
            # per signatures/ shard: every other row's text was converted for nothing)
            at = pc.index_in(batch.column("doc_id"), value_set=wanted)
            batch = batch.filter(at.is_valid())
            if not batch.num_rows:
                continue
            values = [batch.column(c).to_pylist() if c in names else [None] * batch.num_rows for c in _COLUMNS[1:]]
            found: list[Passages] = []
            for i, domain, title, html_title, text in zip(at.drop_null().to_pylist(), *values):
                sites[i] = site_key(domain)
                if not text:
                    continue
                blocks = published_blocks(text)
                record = passages(blocks)
                status[i] = is_status_page(title, blocks, record.total_words, html_title)
                starts[i] = held
                held += len(record.keys)
                ends[i] = held
                found.append(record)
            if found:
                flat.append(Passages(*(np.concatenate([getattr(p, name) for p in found])
                                       for name in ("keys", "words", "blocks"))))
    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in flat]) if flat else getattr(EMPTY, name)

    return PublishedPassages(starts, ends, joined("keys"), joined("words"), joined("blocks"), status, sites)
