"""Records without a URL (Dolma's documents keep theirs in `metadata`, a JSONL of `id` and `text` only) have no
site: the site pass has no statistics for them. They were pooled under one domain `""`, so any block found in 4
stories of the whole URL-less input, whatever sites they came from, was removed as that site's chrome (seen
2026-12-07: 30 Dolma-layout records of 20 sites, 11 `removed_site_chrome` rows of domain `""` in boilerplate/)."""

from __future__ import annotations

import polars as pl

from dedup.text.blocks import occurrences, site_chrome


def _docs(domain: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    ids = [f"d{i}" for i in range(5)]
    docs = pl.DataFrame({"doc_id": ids, "domain": [domain] * 5, "block_keys": [[7, 100 + i] for i in range(5)],
                         "reject_reason": [None] * 5},
                        schema_overrides={"domain": pl.String, "reject_reason": pl.String})
    stories = pl.DataFrame({"doc_id": ids, "doc": list(range(5)), "story": list(range(5))})
    return docs, stories


def test_a_block_in_five_stories_without_a_url_is_no_site_chrome():
    docs, stories = _docs(None)
    assert site_chrome(occurrences(docs, stories), min_stories=4).is_empty()


def test_a_block_in_five_stories_of_one_site_is_its_chrome_as_before():
    docs, stories = _docs("a.test")
    chrome = site_chrome(occurrences(docs, stories), min_stories=4)
    assert chrome.select("domain", "block_key", "stories").rows() == [("a.test", 7, 5)]
