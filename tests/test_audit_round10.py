"""Audit round 10 (docs/release.md "Round 10"): incremental releases against one build of both crawls, and the
copies' provenance on the canonical record (issue 17: an attribution field taken from a copy names the copy).

The sample crawl split by files: release `s` 1.0.0 of its small file (the session's `small_build`), then
`sample-00000.warc.gz` built on it with `--previous`; and the whole sample (`sample_build`)."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from pathlib import Path

import polars as pl
import pytest

from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.policy import DEFAULT_POLICY
from dedup.previous import previous_rights
from dedup.release.package import package

VOTE = re.compile(r"(\d+) of (\d+) copies name it")


@pytest.fixture(scope="module")
def grown(sample_grown: dict[str, Path]) -> dict[str, Path]:
    """The small file released (`s` 1.0.0), and the sample's first WARC file built on it and released: 11 of the
    previous canonicals that were singletons gain copies (the session's `sample_grown`, shared with round 11)."""
    return sample_grown


def _data(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "data" / "**" / "*.parquet")


def test_a_grown_clusters_carried_canonical_states_the_cluster_as_it_now_is(grown):
    """A carried canonical that new copies joined kept the reason and the agency vote its release stated for the
    smaller cluster: `singleton` on 11 records with copies, "1 of 1 copies name it" in a cluster of 4 (main)."""
    old = _data(grown["old"]).select("doc_id", pl.col("cluster_size").alias("old_size"))
    now = _data(grown["next"]).join(old, on="doc_id", how="inner")
    grew = now.filter(pl.col("cluster_size") > pl.col("old_size"))
    assert grew.height >= 10
    allowed = set(DEFAULT_POLICY) | {"previous_release"}
    wrong = grew.filter(~pl.col("canonical_reason").is_in(list(allowed)))
    assert wrong.height == 0, wrong.select("doc_id", "cluster_size", "canonical_reason").rows()
    assert "previous_release" in grew["canonical_reason"].to_list()
    stale = []
    for row in _data(grown["next"]).iter_rows(named=True):
        for ev in row["attribution_evidence"] or []:
            if ev["kind"] == "cluster":
                votes, size = map(int, VOTE.fullmatch(ev["value"]).groups())
                if size != row["cluster_size"] or votes > size or ev["agency"] != row["original_source"]:
                    stale.append((row["doc_id"], ev["value"], row["cluster_size"]))
    assert not stale, stale
    # the card says what the new reason means
    card = (grown["next"] / "README.md").read_text("utf-8")
    assert "`previous_release`: the canonical a previous release published" in card


def test_the_restated_vote_adds_the_new_copies_to_the_previous_ones(grown):
    """A grown cluster's vote counts the previous copies' votes (its release's evidence) and the new ones: never
    fewer than the release stated."""
    def votes(out: Path) -> dict[str, int]:
        found = {}
        for row in _data(out).iter_rows(named=True):
            for ev in row["attribution_evidence"] or []:
                if ev["kind"] == "cluster":
                    found[row["doc_id"]] = int(VOTE.fullmatch(ev["value"]).group(1))
        return found
    before, after = votes(grown["old"]), votes(grown["next"])
    assert all(after[d] >= n for d, n in before.items())
    assert any(after[d] > n for d, n in before.items())


def test_a_dateline_taken_from_a_copy_names_the_copy(sample_build):
    """The canonical's dateline is its own, else a copy's: on main, 5 of the sample's 23 datelines came from a
    copy that nothing named (issue 17: the value taken from a copy, with the copy named)."""
    data = _data(sample_build).filter(pl.col("dateline").is_not_null())
    unexplained = []
    from_copies = 0
    for row in data.iter_rows(named=True):
        evidence = row["attribution_evidence"] or []
        own = any(e["kind"] == "dateline" and e["value"] == row["dateline"] for e in evidence)
        named = [e["value"] for e in evidence if e["kind"] == "cluster_dateline"]
        copy = [v.rsplit(" from copy ", 1) for v in named]
        by_copy = any(text == row["dateline"] and doc in (row["duplicate_doc_ids"] or []) for text, doc in copy)
        from_copies += by_copy
        if own == by_copy:  # exactly one source
            unexplained.append((row["doc_id"], row["dateline"], named))
    assert not unexplained, unexplained
    assert from_copies >= 1


def test_new_copies_of_a_story_whose_canonical_names_no_agency_take_none():
    """`--previous`: new copies of a previous story take its canonical's `original_source` (docs/release.md), none
    when it names none; on main a new copy's own agency filled the gap, and the new duplicates/ rows named an
    agency their canonical in data/ does not."""
    decisions = pl.DataFrame({
        "doc_id": ["a", "b", "c"], "cluster_id": ["k", "k", "n"],
        "previous_class": ["open", "open", None], "previous_agency": [None, None, None],
        "cluster_agency": ["Reuters", "Reuters", "AFP"]})
    assert previous_rights(decisions)["cluster_agency"].to_list() == [None, None, "AFP"]


def test_a_merge_counts_the_votes_of_the_clusters_it_absorbed(tmp_path):
    """New pages that bridge two previous clusters merge them (the policy's winner stays, the other canonical is
    demoted): the winner's vote adds the demoted canonical's ("2 of 2" + "1 of 1" + one new copy = "4 of 4"; a
    demoted cluster of another agency is a conflict), as one build of both crawls counts every copy."""
    from dedup.grown_clusters import absorbed_votes, restate_vote

    rows = pl.DataFrame({
        "doc_id": ["w", "d1", "d2"], "cluster_size": [2, 1, 3], "original_source": ["AFP", "AFP", "dpa"],
        "attribution_evidence": [[{"kind": "cluster", "value": "2 of 2 copies name it", "agency": "AFP"}], [],
                                 [{"kind": "cluster", "value": "3 of 3 copies name it", "agency": "dpa"}]]})
    rows.write_parquet(tmp_path / "train.parquet")
    decisions = pl.DataFrame({"doc_id": ["w", "d1", "d2", "n"], "cluster_id": ["k"] * 4,
                              "is_previous": [True, True, True, False], "was_canonical": [True, True, True, False],
                              "is_canonical": [True, False, False, False], "cluster_agency": ["AFP"] * 4})
    absorbed = absorbed_votes([tmp_path / "train.parquet"], decisions)
    assert absorbed.rows() == [("k", 1, ["dpa"])]
    evidence = restate_vote(rows["attribution_evidence"][0].to_list(), "AFP", 2, 7, 1 + 1, ["dpa"])
    assert evidence == [{"kind": "cluster", "agency": "AFP", "value": "4 of 7 copies name it"},
                        {"kind": "cluster_conflict", "agency": "dpa", "value": "some copies name dpa instead"}]


def test_the_changelog_counts_the_previous_clusters_two_merges_joined(sample_build, tmp_path):
    """Two stories, each first released as two parts too different to cluster (its first 70 % and its last 50 %,
    as tests/test_incremental.py's merge), then crawled whole: the next release merges 4 previous clusters into 2.
    On main its CHANGELOG said "new copies joined 2 previous clusters into one" (run.json's merged clusters, not the
    previous clusters they joined)."""
    texts = (pl.read_parquet(sample_build / "data" / "**" / "*.parquet", columns=["doc_id", "text"])
             .sort([pl.col("text").str.len_chars(), "doc_id"], descending=[True, False])["text"].to_list()[:2])
    first, second = [], []
    for n, text in enumerate(texts):
        paragraphs = [p for p in text.split("\n") if p.strip()]
        total, ends = sum(map(len, paragraphs)), list(accumulate(map(len, paragraphs)))
        cut_a = next(i for i, e in enumerate(ends) if e >= 0.7 * total) + 1
        cut_b = next(i for i, e in enumerate(ends) if e >= 0.5 * total) + 1
        first += [(f"x{n}", f"https://one.example/{n}", paragraphs[:cut_a], "2024-01-01T00:00:00Z"),
                  (f"y{n}", f"https://two.example/{n}", paragraphs[cut_b:], "2024-01-02T00:00:00Z")]
        second += [(f"z{n}", f"https://three.example/{n}", paragraphs, "2024-01-03T00:00:00Z")]

    def jsonl(path: Path, rows: list[tuple]) -> Path:
        path.write_text("".join(json.dumps({"id": i, "url": u, "text": "\n".join(t), "fetched_at": f}) + "\n"
                                for i, u, t, f in rows))
        return path

    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    build([str(jsonl(tmp_path / "first.jsonl", first))], v1, BuildConfig(), workers=1)
    package(v1, name="parts")
    assert pl.read_parquet(v1 / "data" / "**" / "*.parquet").height == 4
    build([str(jsonl(tmp_path / "second.jsonl", second))], v2, BuildConfig(), workers=1, previous=v1)
    package(v2)
    previous = json.loads((v2 / "run.json").read_text("utf-8"))["previous"]
    assert previous["demoted_canonical"] == 2 and previous["previous_clusters_merged"] == 2
    data = pl.read_parquet(v2 / "data" / "**" / "*.parquet")
    assert sorted(data["doc_id"]) == ["x0", "x1"] and data["cluster_size"].to_list() == [3, 3]
    changelog = (v2 / "CHANGELOG.md").read_text("utf-8")
    assert "(new copies joined 4 previous clusters into 2)" in changelog
    # the whole story, new, is longer than the published part: the part stays canonical, and says why
    assert data["canonical_reason"].to_list() == ["previous_release", "previous_release"]


@pytest.mark.slow
def test_explain_names_shared_passages_not_a_previous_release_for_a_chain_minhash_cannot_show(synd_build):
    # a cluster joined by shared passages (a short cut of a wire story) has no chain of MinHash edges; a build
    # without --previous used to blame "a previous release's membership"
    from dedup.neardup.explain import explain_pair

    data = pl.scan_parquet(str(synd_build / "data" / "**" / "*.parquet")).select("doc_id", "cluster_id").collect()
    dups = pl.scan_parquet(str(synd_build / "duplicates" / "**" / "*.parquet")).select("doc_id", "cluster_id") \
        .collect().join(data.rename({"doc_id": "canonical"}), on="cluster_id").sort("doc_id")
    unexplained = []
    for canonical, copy in dups.select("canonical", "doc_id").iter_rows():
        found = explain_pair(synd_build, canonical, copy)
        if found.get("chain", [""])[0].startswith("no chain"):
            unexplained.append(found["chain"][0])
            break
    assert unexplained, "the syndication crawl has clusters joined by passages alone"
    assert "shared passages" in unexplained[0] and "previous release" not in unexplained[0]
