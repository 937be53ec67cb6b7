"""Audit round 12 (docs/release.md "Round 12"): versions, citation, and what a next release tells a user."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from conftest import wire_merge_crawls
from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.release.package import package
from dedup.release.verify import verify
from dedup.rights.licence import ARR


def _data(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "data" / "**" / "*.parquet")


def test_a_record_moved_to_another_licence_folder_makes_a_major_version(sample_grown):
    """With `--previous`, the wire rule restated carried canonicals out of data/open/ and data/noassertion/ into
    data/all-rights-reserved/ (audit round 11): a user who loaded the `open` or `noassertion` config no longer finds
    them, the data of the previous version "changed (edited, removed or shuffled records across splits)", Croissant's
    major bump; the release said 1.1.0 and "a minor version"."""
    nxt = sample_grown["next"]
    prev = json.loads((nxt / "run.json").read_text("utf-8"))["previous"]
    moved = sum(v for k, v in prev["licence_restated_from"].items() if k != "all-rights-reserved")
    assert moved >= 2 and prev["demoted_canonical"] == 0  # no record left data/: the move alone decides
    manifest = json.loads((nxt / "manifest.json").read_text("utf-8"))
    croissant = json.loads((nxt / "croissant.json").read_text("utf-8"))
    assert manifest["version"] == croissant["version"] == "2.0.0"
    assert manifest["previous"]["version"] == "1.0.0" and manifest["previous"]["bump"] == "major"
    assert manifest["previous"]["moved_folder"] == moved and manifest["previous"]["left_data"] == 0
    changelog = (nxt / "CHANGELOG.md").read_text("utf-8")
    assert "## 2.0.0" in changelog and "a major version: " in changelog
    assert f"{moved} records moved to another data/ folder" in changelog
    assert manifest["previous"]["why"] in changelog


_CREDIT = re.compile(r'^"[^"]+"( by [^,]+)?(, published( by .+?)?( on (?P<day>\d{4}-\d{2}-\d{2}))?)?'
                     r'( \((?P<url>https?://\S+?)(, fetched (?P<fetched>\d{4}-\d{2}-\d{2}))?\))?, (?P<spdx>\S+)$')


def test_the_credit_line_gives_the_day_of_publication_and_the_day_fetched(sample_release):
    """`attribution_text`, the card's per-record citation, had no date: a citation of a news story needs its day of
    publication (the page's own, with its offset) and, for a web page, the day it was read (the crawl's fetch)."""
    out, _ = sample_release
    rows = _data(out).select("attribution_text", "published_at", "published_at_raw", "fetched_at", "url",
                             "licence_spdx").to_dicts()
    assert rows
    for r in rows:
        found = _CREDIT.match(r["attribution_text"])
        assert found, r["attribution_text"]
        assert found["url"] == r["url"] and found["spdx"] == r["licence_spdx"]
        assert found["day"] == r["published_at_raw"][:10]  # the page's calendar day, not the UTC one
        assert found["fetched"] == r["fetched_at"].date().isoformat()
    card = (out / "README.md").read_text("utf-8")
    citation = card[card.index("## Citation"):]
    assert "`attribution_text`" in citation and "fetched YYYY-MM-DD" in citation


@pytest.mark.slow
def test_a_merge_reads_the_wire_notice_of_the_cluster_it_absorbs(sample_build, tmp_path):
    """X (70 % of a story, no licence statement) and Y (its last half, with AFP's notice in the story) are two stories
    of a first release; Z, the whole story, crawled later, joins them: the release merges Y's cluster into X's. One
    build of all three publishes the story as AFP's (all-rights-reserved, Y's notice), and the next release restated X
    only from new copies' notices: X stayed NOASSERTION in data/noassertion/."""
    first, second = wire_merge_crawls(sample_build, tmp_path)
    v1, v2, whole = tmp_path / "v1", tmp_path / "v2", tmp_path / "whole"
    build([str(first)], v1, BuildConfig(), workers=1)
    package(v1)
    was = {r["doc_id"]: r for r in _data(v1).iter_rows(named=True)}
    assert set(was) == {"x", "y"} and was["x"]["licence_spdx"] == "NOASSERTION"
    assert was["y"]["licence_spdx"] == ARR and was["y"]["licence_scope"] == "article_text"
    build([str(second)], v2, BuildConfig(), workers=1, previous=v1)
    build([str(first), str(second)], whole, BuildConfig(), workers=1)
    one = _data(whole).row(0, named=True)
    assert _data(whole).height == 1 and one["licence_spdx"] == ARR  # one build: the story is AFP's
    package(v2)
    assert verify(v2) == []
    data = _data(v2)
    assert data["doc_id"].to_list() == ["x"]
    x = data.row(0, named=True)
    assert x["licence_spdx"] == ARR and x["licence_class"] == "all-rights-reserved"
    assert x["licence_scope"] == "article_text" and x["copyright_holder"] == one["copyright_holder"]
    assert [e["value"] for e in x["licence_evidence"] if e["kind"] == "cluster_wire_copyright"] == ["y"]
    assert pl.read_parquet(v2 / "data" / "all-rights-reserved" / "*.parquet")["doc_id"].to_list() == ["x"]
    assert json.loads((v2 / "manifest.json").read_text("utf-8"))["version"] == "2.0.0"


def test_the_credit_day_is_the_day_a_date_line_states_not_the_utc_one():
    # review of round 12: a date line 'May 2, 2024 11:30 PM EDT' (03:30 UTC on the 3rd) gave a credit "on 2024-05-03",
    # where the card says the day is the page's own; full-width digits passed as an ISO day
    from datetime import datetime, timezone

    from dedup.rights.attribution import credit_day
    from dedup.text.metadata import page_metadata
    prose = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 4
    html = ("<html><head><title>Pier repairs</title></head><body><article><h1>Pier repairs</h1>"
            f"<p>May 2, 2024 11:30 PM EDT</p><p>{prose}</p></article></body></html>")
    md = page_metadata(html, "https://news.example/a/pier")
    assert md.published_at == datetime(2024, 5, 3, 3, 30, tzinfo=timezone.utc)
    assert credit_day(md.published_at_raw, md.published_at) == "2024-05-02"
    assert credit_day("2024-05-02T23:30:00-04:00", datetime(2024, 5, 3, 3, 30, tzinfo=timezone.utc)) == "2024-05-02"
    assert credit_day("２０２４-０５-０２T10:00", datetime(2024, 5, 2, 10, tzinfo=timezone.utc)) == "2024-05-02"
    assert credit_day(None, datetime(2024, 5, 2, 10, tzinfo=timezone.utc)) == "2024-05-02"
    assert credit_day(None, None) is None
