"""Real copies round 7 (issue 12): incremental builds see the passages of a previous release.

A release publishes signatures but no passages, so `dedup build NEW --previous RELEASE` compared its new pages with
the previous release's by MinHash alone: a trimmed cut of a story published before, inside a chrome-heavy page
(word 5-gram Jaccard far under what LSH proposes), stayed apart, though one build of both crawls joins it by the
passage rules of rounds 2-6. The passages are rebuilt from the text the release publishes (`neardup/published.py`:
its blocks joined by a blank line). docs/extraction.md, "Real copies round 7"; docs/release.md, "Incremental
releases".
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from test_copies_round6 import BRIEF, _page
from test_passages import STORY, WIRE_LINES
from dedup.config import BuildConfig
from dedup.neardup.published import published_blocks, published_passages
from dedup.pipeline import build
from dedup.release.package import package
from dedup.text.normalise import join_blocks
from dedup.text.sentences import passages


def _jsonl(path: Path, rows: list[tuple[str, str, list[str]]]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "url": u, "text": "\n".join(lines), "fetched_at": "2024-01-01T00:00:00Z"})
                            + "\n" for i, u, lines in rows), "utf-8")
    return path


def _clusters(out: Path) -> dict[str, str]:
    data = pl.read_parquet(out / "data" / "**" / "*.parquet", columns=["doc_id", "cluster_id"])
    dups = pl.read_parquet(out / "duplicates" / "*.parquet", columns=["doc_id", "cluster_id"])
    return dict(pl.concat([data, dups]).iter_rows())


def test_a_trimmed_cut_in_the_new_crawl_joins_its_story_in_the_previous_release(tmp_path):
    """The full story (with its wire lines) on one site, released; then its first two paragraphs on another site's
    chrome-heavy page, built with `--previous`: the cut joins the story, as in one build of both (on main it stayed
    apart: the previous page had no passages). A brief ending in the same two wire lines, in the new crawl, stays
    apart in both builds."""
    first = [("full", "https://lockport-journal.example/news/blast", _page("Lockport Journal", 1, STORY + WIRE_LINES))]
    second = [("cut", "https://niagara-gazette.example/news/house-blast", _page("Niagara Gazette", 2, STORY[:2])),
              ("brief", "https://buffalo-courier.example/news/water-main", _page("Buffalo Courier", 3,
                                                                                [BRIEF] + WIRE_LINES))]
    v1, v2, whole = tmp_path / "v1", tmp_path / "v2", tmp_path / "whole"
    build([str(_jsonl(tmp_path / "first.jsonl", first))], v1, BuildConfig(), workers=1)
    package(v1, name="news")
    build([str(_jsonl(tmp_path / "second.jsonl", second))], v2, BuildConfig(), workers=1, previous=v1)
    build([str(_jsonl(tmp_path / "all.jsonl", first + second))], whole, BuildConfig(), workers=1)
    for out in (whole, v2):
        cluster = _clusters(out)
        assert cluster["cut"] == cluster["full"], out.name
        assert cluster["brief"] != cluster["full"], out.name
    dups = pl.read_parquet(v2 / "duplicates" / "*.parquet")
    assert dups.filter(pl.col("doc_id") == "cut")["canonical_doc_id"].to_list() == ["full"]


def test_a_release_publishes_the_blocks_its_passages_were_cut_from(sample_build):
    """The premise: a published text is its kept blocks joined by one blank line, and no block holds a blank line,
    so the blocks the build cut its passages from come back whole (every canonical of the sample crawl); each
    record's passages, site and server-page flag are read from its release's data/ files."""
    data = pl.read_parquet(sample_build / "data" / "**" / "*.parquet", columns=["doc_id", "text"]).sort("doc_id")
    texts = [t for t in data["text"].to_list() if t]
    assert len(texts) >= 40
    for text in texts:
        blocks = published_blocks(text)
        assert join_blocks(blocks) == text and all(b.strip() == b and b for b in blocks)
    files = sorted((sample_build / "data").rglob("*.parquet"))
    found, status, sites = published_passages(data["doc_id"].to_list(), files)
    with_text = [i for i, t in enumerate(data["text"].to_list()) if t]
    assert all(found[i].keys.tolist() == passages(published_blocks(data["text"][i])).keys.tolist() for i in with_text)
    assert sum(found[i].total_words > 0 for i in with_text) >= 30 and not status.any() and (sites != 0).all()
