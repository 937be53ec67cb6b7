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
import pyarrow.parquet as pq

from conftest import SAMPLE_SMALL
from test_copies_round6 import BRIEF, _page
from test_passages import STORY, WIRE_LINES
from dedup.config import BuildConfig
from dedup.neardup import sign
from dedup.neardup.published import published_passages
from dedup.pipeline import build
from dedup.release.package import package


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


def test_the_passages_rebuilt_from_a_release_are_the_passages_its_build_signed(tmp_path, monkeypatch):
    """The premise: a published text is its kept blocks joined by one blank line, and no block holds a blank line,
    so the passages, server-page flag and site rebuilt from a release's data/ files (`published_passages`) are
    those its build signed (`sign.sign_slices`, seen as the build runs: the sample's small file, every record with
    text). Fails if the two drift: another separator in `join_blocks`, a block split otherwise."""
    from_build: dict[str, tuple[list, list, list, bool, int]] = {}
    sign_slices = sign.sign_slices

    def seen(part, params, chrome, with_hashes, *args, **kwargs):
        ids = pq.read_table(part, columns=["doc_id"]).column("doc_id").to_pylist()
        for rows in sign_slices(part, params, chrome, with_hashes, *args, **kwargs):
            if with_hashes:  # the final pass: what the build's store holds
                for at, found, status, site in zip(rows.at, rows.passages, rows.status, rows.sites):
                    from_build[ids[at]] = (found.keys.tolist(), found.words.tolist(), found.blocks.tolist(),
                                           bool(status), int(site))
            yield rows

    monkeypatch.setattr(sign, "sign_slices", seen)
    out = tmp_path / "out"
    build([str(SAMPLE_SMALL)], out, BuildConfig(), workers=1)
    data = pl.read_parquet(out / "data" / "**" / "*.parquet", columns=["doc_id", "text"]).sort("doc_id")
    ids = [i for i, t in data.select("doc_id", "text").iter_rows() if t]
    published = published_passages(data["doc_id"].to_list(), sorted((out / "data").rglob("*.parquet")))
    found, status, sites = published.passages_of(0, data.height), published.status, published.sites
    rebuilt = {doc_id: (p.keys.tolist(), p.words.tolist(), p.blocks.tolist(), bool(s), int(k))
               for doc_id, p, s, k in zip(data["doc_id"].to_list(), found, status, sites)}
    assert len(ids) >= 15 and sum(len(from_build[i][0]) > 0 for i in ids) >= 10
    assert sum(max(from_build[i][2], default=0) > 0 for i in ids) >= 5  # passages past the first paragraph
    assert {i: rebuilt[i] for i in ids} == {i: from_build[i] for i in ids}
