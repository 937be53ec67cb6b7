"""report.html's table of boilerplate per site: the cross-site row (`*`, chrome on every site) has no pages of
its own, so no count of blocks cut from its pages; it showed 0 beside "Newsletters on 227 pages" (seen 2026-12-07
on a release of ../shared/bench/syndication-dev: `* 56 0`), while those cuts are counted in each site's row."""

from __future__ import annotations

import re

import polars as pl

from dedup.release.report import boilerplate_tables
from dedup.run_report import Counts, RunReport


def _row(table: str, site: str) -> list[str]:
    row = re.search(rf"<tr><td>{re.escape(site)}</td>(.*?)</tr>", table)
    assert row, table
    return re.findall(r'<td class="n">(.*?)</td>', row.group(1))


def test_the_cross_site_row_shows_no_count_of_blocks_cut_from_its_own_pages():
    run = RunReport(counts=Counts(input_records=3, canonical=3, duplicates=0, rejects=0, clusters=3,
                                  clusters_with_copies=0),
                    near_duplicates={"boilerplate_top": {"*": [{"text": "Newsletters", "pages": 227}],
                                                         "a.test": [{"text": "Home", "pages": 40}]}})
    boiler = pl.DataFrame({"domain": ["*", "*", "a.test"],
                           "action": ["cross_story_repeat"] * 2 + ["removed_site_chrome"]})
    data = pl.DataFrame({"domain": ["a.test", "a.test", "b.test"], "blocks_removed": [5, 2, 1]})
    _, table = boilerplate_tables(run, boiler, data)
    assert _row(table, "a.test") == ["1", "7"]
    distinct, cut = _row(table, "* (every site)")
    assert distinct == "2" and cut != "0", cut


def test_a_top_story_counts_its_pages_as_stats_does_not_copies():
    # the card's "copies" are a cluster's duplicates; the report gave the cluster's size under "Copies"
    # (`dedup stats` says "37 pages on 35 sites" of the same story since 7c6496a)
    from dedup.release.report import stories_table

    data = pl.DataFrame({"doc_id": ["a"], "cluster_id": ["c"], "cluster_size": [3], "domain": ["a.test"],
                         "duplicate_domains": [["b.test", "c.test"]], "canonical_url": ["https://a.test/x"],
                         "url": ["https://a.test/x"], "title": ["T"], "licence_class": ["open"],
                         "original_source": [None]})
    table = stories_table(data)
    assert "<th>Pages</th>" in table and "Copies" not in table
