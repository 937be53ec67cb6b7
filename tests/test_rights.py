"""Licence, attribution and published time end to end: the seed page yields the record its README
describes; evidence from every copy reaches the canonical record."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path

from dedup.config import BuildConfig
from dedup.pipeline import build


def test_seed_page_record(tmp_path):
    seed = shared_path("seed", "newsmax-reuters-page.txt").read_text("utf-8")
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text(json.dumps({"id": "seed", "url": "https://www.newsmax.com/world/globaltalk/kim-shoigu/2023/09/16/id/1134",
                                 "text": seed}) + "\n")
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    row = pl.read_parquet(sorted((tmp_path / "out" / "data").rglob("*.parquet"))).row(0, named=True)
    assert row["licence_spdx"] == "LicenseRef-all-rights-reserved" and row["licence_class"] == "all-rights-reserved"
    assert row["licence_scope"] == "article_text"
    assert row["copyright_holder"] == "Thomson Reuters" and row["copyright_year"] == 2023
    assert row["original_source"] == "Reuters"
    # the visible date line, with its zone (EDT = UTC-4); the garbled `2023-58-16` never wins
    assert row["published_at"] == datetime(2023, 9, 16, 21, 58, tzinfo=timezone.utc)
    assert row["published_at_raw"] == "Saturday, 16 September 2023 05:58 PM EDT"
    assert row["published_at_source"] == "date_line"
    assert row["publisher"] == "newsmax.com"  # a plain-text record names no site: the domain stands in
    assert "© 2023 Thomson/Reuters. All rights reserved." in row["text"]
    assert "Reuters" in row["attribution_text"]


PAGE = """<html><head><title>{title}</title>
<meta property="og:site_name" content="{site}">
{licence}
</head><body><article><h1>{title}</h1>
{paragraphs}
{credit}
</article><footer><p>© 2024 {site} Media. All rights reserved.</p></footer></body></html>"""

STORY = [
    "The harbour authority approved a new ferry route between the two islands on Monday after a long public consultation.",
    "Officials said the crossing would cut travel times by half for the thousands of commuters who use the old route every day.",
    "Fishermen had opposed the plan for months, saying the larger vessels would disturb the breeding grounds near the southern reef.",
    "The first sailings are planned for the spring, once the new landing stage at the northern quay has been inspected by engineers.",
    "A spokesperson for the operator said fares would stay at the current level for at least the first two years of service.",
]


def page(site: str, dateline: str, credit: str, licence: str = "", keep: int = 5) -> str:
    paragraphs = [f"<p>{dateline}{STORY[0]}</p>"] + [f"<p>{p}</p>" for p in STORY[1:keep]]
    return PAGE.format(title="Ferry route approved", site=site, licence=licence,
                       paragraphs="\n".join(paragraphs), credit=f"<p>{credit}</p>" if credit else "")


def test_cluster_evidence_reaches_the_canonical(tmp_path):
    cc = '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">'
    records = [
        # the copy with the dateline but no credit line, on a CC site: becomes canonical (longest)
        {"id": "a", "url": "https://open-harbour.example/a",
         "html": page("Open Harbour", "PORTSMOUTH (Reuters) - ", "", cc) + "<p>Extra local paragraph about the quay.</p>"},
        # a trimmed copy that keeps the agency's copyright line
        {"id": "b", "url": "https://coast-news.example/b",
         "html": page("Coast News", "", "© 2024 Thomson Reuters. All rights reserved.", keep=4)},
        {"id": "c", "url": "https://isle-times.example/c", "html": page("Isle Times", "", "", keep=4)},
    ]
    crawl = tmp_path / "c.jsonl"
    crawl.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    data = pl.read_parquet(sorted((tmp_path / "out" / "data").rglob("*.parquet")))
    dups = pl.read_parquet(tmp_path / "out" / "duplicates")
    assert data.height == 1 and dups.height == 2
    canon = data.row(0, named=True)
    assert canon["original_source"] == "Reuters"
    assert canon["dateline"] == "PORTSMOUTH (Reuters)"
    assert canon["copyright_holder"] == "Thomson Reuters"
    # the page claims CC BY for its own text, but the story is the agency's: recorded as a conflict
    assert canon["licence_spdx"] == "LicenseRef-all-rights-reserved" and canon["licence_conflict"]
    kinds = {e["kind"] for e in canon["licence_evidence"]}
    assert {"link_rel_license", "cluster_wire_copyright"} <= kinds
    assert any(e["kind"] == "cluster" for e in canon["attribution_evidence"])
    # every copy names the cluster's agency; each keeps its own page's licence
    assert dups["original_source"].to_list() == ["Reuters", "Reuters"]
    assert set(dups["licence_spdx"]) == {"LicenseRef-all-rights-reserved"}


def test_cluster_authors_reach_the_canonical(tmp_path):
    byline = '<p class="byline">By Hannah Okafor</p>'
    records = [
        # the longest copy (canonical) dropped the byline; two trimmed copies keep it
        {"id": "a", "url": "https://open-harbour.example/a",
         "html": page("Open Harbour", "", "") + "<p>Extra local paragraph about the quay.</p>"},
        {"id": "b", "url": "https://coast-news.example/b",
         "html": page("Coast News", "", "", keep=4).replace("<article><h1>Ferry route approved</h1>",
                                                             "<article><h1>Ferry route approved</h1>" + byline)},
        {"id": "c", "url": "https://isle-times.example/c",
         "html": page("Isle Times", "", "", keep=4).replace("<article><h1>Ferry route approved</h1>",
                                                            "<article><h1>Ferry route approved</h1>" + byline)},
    ]
    crawl = tmp_path / "c.jsonl"
    crawl.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    data = pl.read_parquet(sorted((tmp_path / "out" / "data").rglob("*.parquet")))
    assert data.height == 1
    canon = data.row(0, named=True)
    assert canon["doc_id"] == "a"
    assert canon["authors"] == ["Hannah Okafor"] and canon["authors_source"] == "byline_class from copy b"
    assert "by Hannah Okafor" in canon["attribution_text"]


def test_cluster_authors_vote_then_evidence_then_own():
    from dedup.rights.merge import cluster_authors

    def members(*rows):
        return pl.DataFrame([dict(zip(("cluster_id", "doc_id", "is_canonical", "authors", "authors_source"), r))
                             for r in rows])

    # two copies name Jane Doe in their bylines, one names its own editor in JSON-LD: the names most copies give
    out = cluster_authors(members(("k", "a", True, ["Sam Editor"], "jsonld"), ("k", "b", False, ["Jane Doe"], "byline_class"),
                                  ("k", "c", False, ["Jane Doe"], "meta"), ("k", "d", False, [], None)))
    assert out.row(0, named=True) == {"cluster_id": "k", "cluster_authors": ["Jane Doe"],
                                      "cluster_authors_source": "meta", "cluster_authors_doc_id": "c"}
    # one vote each: the strongest evidence; equal evidence: the canonical's own names
    out = cluster_authors(members(("k", "a", True, ["Sam Editor"], "byline_text"), ("k", "b", False, ["Jane Doe"], "jsonld")))
    assert out["cluster_authors_doc_id"].to_list() == ["b"]
    out = cluster_authors(members(("k", "a", False, ["Jane Doe"], "meta"), ("k", "b", True, ["Sam Editor"], "meta")))
    assert out["cluster_authors_doc_id"].to_list() == ["b"]
    # a kind with a stated reason ranks as its kind (a shown byline over the metadata's account: byline_text)
    out = cluster_authors(members(("k", "a", True, ["Sam Editor"], "author_link"),
                                  ("k", "b", False, ["Jane Doe"], "byline_text:shown_byline")))
    assert out["cluster_authors_doc_id"].to_list() == ["b"]


def authors_reference(members: pl.DataFrame) -> dict[str, tuple]:
    """The authors rule copy by copy in Python: votes for the names, then evidence, then canonical, then doc_id."""
    from collections import Counter

    from dedup.text.pageauthors import AUTHOR_EVIDENCE_ORDER

    by_cluster: dict[str, list[tuple]] = {}
    for cluster_id, doc_id, canonical, authors, source in members.iter_rows():
        if authors:
            by_cluster.setdefault(cluster_id, []).append((doc_id, canonical, tuple(authors), source))
    out = {}
    for cluster_id, copies in by_cluster.items():
        votes = Counter(tuple(sorted(a)) for _d, _c, a, _s in copies)

        def rank(copy: tuple) -> tuple:
            doc_id, canonical, authors, source = copy
            strength = AUTHOR_EVIDENCE_ORDER.index(source) if source in AUTHOR_EVIDENCE_ORDER else len(AUTHOR_EVIDENCE_ORDER)
            return -votes[tuple(sorted(authors))], strength, not canonical, doc_id

        doc_id, _c, authors, source = min(copies, key=rank)
        out[cluster_id] = (list(authors), source, doc_id)
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.lists(st.sampled_from(["Jane Doe", "Sam Editor", "Ana Lim", "Émile Zola"]),
                                                      max_size=3, unique=True),
                          st.sampled_from([None, "jsonld", "meta", "byline_class", "byline_text", "unknown"])),
                max_size=40))
def test_cluster_authors_equal_the_copy_by_copy_rule(rows):
    from dedup.rights.merge import cluster_authors

    members = pl.DataFrame({"cluster_id": [f"k{c}" for c, _a, _s in rows], "doc_id": [f"d{i:03d}" for i in range(len(rows))],
                            "is_canonical": [i % 3 == 0 for i in range(len(rows))],
                            "authors": [a for _c, a, _s in rows], "authors_source": [s for _c, _a, s in rows]},
                           schema={"cluster_id": pl.String, "doc_id": pl.String, "is_canonical": pl.Boolean,
                                   "authors": pl.List(pl.String), "authors_source": pl.String})
    got = {r["cluster_id"]: (r["cluster_authors"], r["cluster_authors_source"], r["cluster_authors_doc_id"])
           for r in cluster_authors(members).iter_rows(named=True)}
    assert got == authors_reference(members)


@pytest.mark.slow
def test_licence_choices_on_the_sample_crawl(tmp_path):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "samples" / "crawl"
    out = tmp_path / "open-only"
    summary = build([str(sample)], out, BuildConfig(licence_classes=("open",), withhold_text=()), workers=1)
    assert summary.counts.accounting_ok
    assert sorted(p.name for p in (out / "data").iterdir()) == ["open"]
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")))
    assert set(data["licence_class"]) == {"open"} and data.height > 0
    rejects = pl.read_parquet(sorted((out / "rejects").rglob("*.parquet")))
    assert rejects.filter(pl.col("reason") == "licence_not_selected").height > 0
    # no duplicate points at a canonical that was not published
    dups = pl.read_parquet(sorted((out / "duplicates").rglob("*.parquet")))
    assert set(dups["canonical_doc_id"]) <= set(data["doc_id"])

    out = tmp_path / "withheld"
    build([str(sample)], out, BuildConfig(withhold_text=("all-rights-reserved",)), workers=1)
    arr = pl.read_parquet(sorted((out / "data" / "all-rights-reserved").rglob("*.parquet")))
    assert arr.height > 0 and arr["text"].null_count() == arr.height
    assert arr["url"].null_count() == 0 and arr["source_offset"].null_count() == 0
    other = pl.read_parquet(sorted((out / "data" / "open").rglob("*.parquet")))
    assert other["text"].null_count() == 0
