"""sitechrome: the site-chrome counts (`text/blocks.site_chrome` and `cross_story_chrome`, the rules) over
every page, bucket by bucket.

The (doc, story, domain, block) occurrences are the largest table of a build (about 30 rows a page),
so no process holds them all: each docs part writes its occurrences grouped by bucket (a hash of the
block key: every row of one (domain, block) lands in one bucket), and each bucket is counted on its
own. Both engines run the two rounds as tasks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import spill
from dedup.keys import read_keys
from dedup.previous import with_previous_chrome
from dedup.schema import frame
from dedup.text.blocks import (CHROME_SCHEMA, cross_story_chrome, no_chrome, occurrences, short_occurrences,
                               site_chrome)

OCC_SCHEMA = pa.schema([("doc", pa.int64()), ("story", pa.int64()), ("domain", pa.string()),
                        ("block_key", pa.int64())])
BYTES_PER_OCCURRENCE = 120  # a row of a bucket in polars, with the group-by's hash tables
OCCURRENCES_PER_PAGE = 40  # kept blocks of a news page (about 30), for the bucket count


def scatter_occurrences(part: Path, keys_file: Path, stories_file: Path, buckets: int, target: Path,
                        short_target: Path) -> int:
    """Round 1: one part's (doc, story, domain, block_key) occurrences of its signed documents, and of
    their short blocks (`blocks.short_occurrences`, for the cross-story chrome), each grouped by bucket
    (block_key mod buckets) into its file. Returns the rows written."""
    doc_of_row = read_keys(keys_file, ["doc"])["doc"].to_numpy()
    stories = np.load(stories_file, mmap_mode="r")
    frames, shorts, first = [], [], 0
    for batch in pq.ParquetFile(part).iter_batches(
            batch_size=4096, columns=["doc_id", "domain", "block_keys", "short_block_keys", "reject_reason"]):
        docs = frame(batch)
        doc = doc_of_row[first:first + docs.height]
        first += docs.height
        signed = doc >= 0
        # the part's own signed rows: a record rejected here (a repeated doc_id) counts for no page
        mine = pl.DataFrame({"doc_id": docs["doc_id"].filter(pl.Series(signed)),
                             "doc": doc[signed], "story": np.asarray(stories[doc[signed]], dtype=np.int64)},
                            schema={"doc_id": pl.String, "doc": pl.Int64, "story": pl.Int64})
        frames.append(occurrences(docs.filter(pl.Series(signed)), mine))
        shorts.append(short_occurrences(docs.filter(pl.Series(signed)), mine))
    rows = 0
    for found, path in ((frames, target), (shorts, short_target)):
        occ = pl.concat(found) if found else pl.DataFrame(schema=dict(zip(OCC_SCHEMA.names, (pl.Int64, pl.Int64,
                                                                                             pl.String, pl.Int64))))
        table = occ.select(OCC_SCHEMA.names).to_arrow().cast(OCC_SCHEMA)
        spill.write_grouped(table, np.mod(occ["block_key"].to_numpy(), buckets), path)
        rows += occ.height
    return rows


def count_bucket(scattered: list[Path], short: list[Path], bucket: int, min_stories: int,
                 prior: pl.DataFrame | None = None, prior_min_stories: int = 1) -> pl.DataFrame:
    """Round 2: `site_chrome` over one bucket's occurrences (every (domain, block) of it is whole here)
    and `cross_story_chrome` over its short blocks (every block key of it is whole here); with `prior`
    (this bucket's rows of a previous release's chrome), `with_previous_chrome` on top."""
    occ = frame(spill.gather(scattered, bucket)).with_columns(pl.col("domain").cast(pl.Categorical))
    chrome = site_chrome(occ, min_stories).cast(CHROME_SCHEMA) if occ.height else no_chrome()
    del occ
    cross = frame(spill.gather(short, bucket))
    if cross.height:
        chrome = pl.concat([chrome, cross_story_chrome(cross).cast(CHROME_SCHEMA)])
    if prior is not None:
        chrome = with_previous_chrome(chrome, prior, prior_min_stories)
    return chrome
