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


def published_passages(doc_ids: Sequence[str], data_files: Sequence[Path]
                       ) -> tuple[list[Passages], np.ndarray, np.ndarray]:
    """For each of `doc_ids` (a previous release's signatures/ rows), from the release's data/ files: the passages
    of its published text, whether it is a server-generated page, and its site key (`passages.site_key`; 0 for a
    record not in data/). EMPTY passages where no text is published."""
    n = len(doc_ids)
    found: list[Passages] = [EMPTY] * n
    status = np.zeros(n, dtype=bool)
    sites = np.zeros(n, dtype=np.uint64)
    row_of = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    wanted = pa.array(list(row_of), pa.string())
    for path in data_files:
        file = pq.ParquetFile(path)
        names = set(file.schema_arrow.names)
        # batch by batch: a data/ file's texts are never held at once
        for batch in file.iter_batches(batch_size=4096, columns=[c for c in _COLUMNS if c in names]):
            # only the rows of this shard's doc_ids are turned into Python strings (a release's data/ is read once
            # per signatures/ shard: every other row's text was converted for nothing)
            batch = batch.filter(pc.is_in(batch.column("doc_id"), value_set=wanted))
            if not batch.num_rows:
                continue
            values = [batch.column(c).to_pylist() if c in names else [None] * batch.num_rows for c in _COLUMNS]
            for doc_id, domain, title, html_title, text in zip(*values):
                i = row_of.get(doc_id)
                if i is None:
                    continue
                sites[i] = site_key(domain)
                if not text:
                    continue
                blocks = published_blocks(text)
                found[i] = passages(blocks)
                status[i] = is_status_page(title, blocks, found[i].total_words, html_title)
    return found, status, sites
