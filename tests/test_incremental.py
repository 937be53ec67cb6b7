"""Incremental releases: `dedup build NEW --previous RELEASE --out NEXT` (docs/release.md).

The bench crawl is split in two halves (files 0-1 and 2-4): release A is built from the first, its next
version B from the second against A, and B is compared with one build of the whole crawl."""

from __future__ import annotations

import json
import shutil
import subprocess
from itertools import accumulate
from pathlib import Path

import polars as pl
import pytest

from dedup.config import load_config
from dedup.errors import ConfigError, InputError, ReleaseError
from dedup.pipeline import build
from dedup.release.changelog import next_version
from dedup.release.package import package
from dedup.release.verify import verify
from dedup.run_report import Counts, RunReport

from conftest import REPO, copy_of, old_layout, parquet_hashes

pytestmark = pytest.mark.slow  # whole builds on several engines / releases: CI runs them


def _members(out: Path) -> pl.DataFrame:
    data = pl.read_parquet(out / "data" / "**" / "*.parquet", columns=["doc_id", "cluster_id"])
    dups = pl.read_parquet(out / "duplicates" / "*.parquet", columns=["doc_id", "cluster_id"])
    return pl.concat([data.with_columns(pl.lit(True).alias("canonical")),
                      dups.with_columns(pl.lit(False).alias("canonical"))])


def _clusters(frame: pl.DataFrame) -> set[frozenset]:
    return {frozenset(g) for g in frame.group_by("cluster_id").agg("doc_id")["doc_id"].to_list()}


@pytest.fixture(scope="module")
def halves(bench_crawl: Path, synd_build: Path, tmp_path_factory) -> dict[str, Path]:
    """Release A of the first two crawl files, its next release B of the other three, and the whole
    crawl built at once (the session's `synd_build`: the same config and workers)."""
    root = tmp_path_factory.mktemp("incremental")
    files = sorted((bench_crawl / "crawl").glob("*.warc.gz"))
    config = load_config(None)
    a, b = root / "A", root / "B"
    build([str(f) for f in files[:2]], a, config, workers=2)
    package(a, name="synd")
    build([str(f) for f in files[2:]], b, config, workers=2, previous=a)
    package(b)
    return {"A": a, "B": b, "whole": synd_build, "root": root}


def test_next_release_verifies_and_bumps_the_minor_version(halves):
    b = halves["B"]
    assert verify(b) == []
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=b).returncode == 0
    manifest = json.loads((b / "manifest.json").read_text())
    assert (manifest["name"], manifest["version"]) == ("synd", "1.1.0")
    run = json.loads((b / "run.json").read_text())
    assert run["counts"]["input_records"] == 2500 and run["counts"]["accounting_ok"]
    assert run["previous"]["version"] == "1.0.0" and run["previous"]["demoted_canonical"] == 0
    changelog = (b / "CHANGELOG.md").read_text()
    assert changelog.index("## 1.1.0") < changelog.index("## 1.0.0")  # the history is kept, newest first
    assert f"Added: {run['previous']['new_canonical']:,} canonical" in changelog
    assert "Removed: none." in changelog


def test_doc_ids_are_stable_and_previous_records_are_carried_over(halves):
    a, b = _members(halves["A"]), _members(halves["B"])
    joined = a.join(b, on="doc_id", how="left", suffix="_b")
    assert joined["cluster_id_b"].null_count() == 0  # every published record of A is in B
    # no merge happened here, so every canonical of A is still canonical, in the same cluster
    assert joined.filter(pl.col("canonical") != pl.col("canonical_b")).height == 0
    assert joined.filter(pl.col("cluster_id") != pl.col("cluster_id_b")).height == 0
    # the carried canonical rows keep their text and licence
    cols = ["doc_id", "text", "licence_spdx", "original_source", "content_sha256"]
    old = pl.read_parquet(halves["A"] / "data" / "**" / "*.parquet", columns=cols).sort("doc_id")
    new = pl.read_parquet(halves["B"] / "data" / "**" / "*.parquet", columns=cols).filter(
        pl.col("doc_id").is_in(old["doc_id"].to_list())).sort("doc_id")
    assert old.equals(new)


def test_new_copies_of_previous_stories_point_at_their_canonical(halves):
    a_canon = pl.read_parquet(halves["A"] / "data" / "**" / "*.parquet", columns=["doc_id", "cluster_id"])
    a_ids = set(_members(halves["A"])["doc_id"].to_list())
    dups = pl.read_parquet(halves["B"] / "duplicates" / "*.parquet")
    cross = dups.filter(~pl.col("doc_id").is_in(list(a_ids)) & pl.col("canonical_doc_id").is_in(a_canon["doc_id"].to_list()))
    run = json.loads((halves["B"] / "run.json").read_text())
    assert cross.height == run["previous"]["new_duplicates_of_previous"] > 20
    # ...in the previous cluster, whose canonical lists them as copies
    assert cross.join(a_canon, left_on="canonical_doc_id", right_on="doc_id", suffix="_a").filter(
        pl.col("cluster_id") != pl.col("cluster_id_a")).height == 0
    canon = pl.read_parquet(halves["B"] / "data" / "**" / "*.parquet",
                            columns=["doc_id", "cluster_size", "duplicate_doc_ids"])
    listed = {d for ids in canon["duplicate_doc_ids"].to_list() if ids for d in ids}
    assert set(cross["doc_id"].to_list()) <= listed
    assert (canon["cluster_size"] == canon["duplicate_doc_ids"].list.len().fill_null(0) + 1).all()
    # signatures of the next release cover the old and the new documents
    sigs = pl.read_parquet(halves["B"] / "signatures" / "*.parquet", columns=["doc_id", "is_canonical"])
    assert sigs.height == _members(halves["B"]).height


def test_the_two_releases_cluster_like_one_build_of_the_whole(halves):
    """Same clusters as one build, up to what a split crawl cannot know: site-chrome statistics
    and the candidate graph of the first half alone (measured: 499 of 504 clusters identical)."""
    whole, inc = _clusters(_members(halves["whole"])), _clusters(_members(halves["B"]))
    assert len(whole & inc) / len(whole) >= 0.97
    # pairs: the incremental release never joins what one build keeps apart, and misses few pairs
    def pairs(clusters):
        return {(x, y) for c in clusters for x in c for y in c if x < y}
    pw, pi = pairs(whole), pairs(inc)
    assert len(pi - pw) / max(1, len(pi)) <= 0.01
    assert len(pw & pi) / len(pw) >= 0.97


def test_the_next_release_is_deterministic(halves, bench_crawl):
    files = sorted((bench_crawl / "crawl").glob("*.warc.gz"))[2:]
    again = halves["root"] / "B-again"
    build([str(f) for f in reversed(files)], again, load_config(None), workers=1, previous=halves["A"])
    assert parquet_hashes(again) == parquet_hashes(halves["B"])


def test_the_next_release_is_the_same_on_the_dask_engine(halves, bench_crawl):
    pytest.importorskip("distributed", reason="the Dask engine needs `pip install -e '.[dask]'`")
    from dedup.pipeline import DaskOptions

    files = sorted((bench_crawl / "crawl").glob("*.warc.gz"))[2:]
    on_dask = halves["root"] / "B-dask"
    build([str(f) for f in files], on_dask, load_config(None), workers=2, previous=halves["A"],
          dask=DaskOptions(scheduler="threads", workers=2))
    assert parquet_hashes(on_dask) == parquet_hashes(halves["B"])


def test_the_same_crawl_again_is_all_repeated_ids_and_a_minor_version(tmp_path, sample_build):
    crawl = REPO / "samples" / "crawl"
    config = load_config(None)
    # the sample crawl built with this config, as an older build wrote it (its timings in run.json): --previous
    # reads both layouts (this one here, the next one for the third release)
    first = old_layout(copy_of(sample_build, tmp_path / "v1"))
    package(first)
    assert verify(first) == [] and "timings_s" in json.loads((first / "run.json").read_text())
    again = tmp_path / "v2"
    build([str(crawl)], again, config, previous=first)
    run = json.loads((again / "run.json").read_text())
    before = json.loads((first / "run.json").read_text())["counts"]
    assert run["counts"]["canonical"] == before["canonical"]
    assert run["counts"]["duplicates"] == before["duplicates"]
    assert run["previous"]["new_canonical"] == run["previous"]["new_duplicates"] == 0
    rejects = pl.read_parquet(again / "rejects" / "*.parquet")
    repeated = rejects.filter(pl.col("reason") == "repeated_doc_id")
    # every record read again (its rejects included) is already in the previous release
    assert repeated.height == run["counts"]["input_records"] - before["input_records"] == before["input_records"]
    assert repeated["detail"].str.contains("already in the previous release").all()
    package(again)
    assert verify(again) == []
    assert json.loads((again / "manifest.json").read_text())["version"] == "1.1.0"
    # and once more (a crawl folder given to every next release): each record read again derives an id
    # that names the release it follows, never one an earlier release holds (they were all held twice)
    third = tmp_path / "v3"
    build([str(crawl)], third, config, previous=again)
    rejects = pl.read_parquet(third / "rejects" / "*.parquet")
    assert rejects.filter(pl.col("doc_id").str.contains("#repeat-after-1.1.0:", literal=True)).height == repeated.height
    package(third)
    assert verify(third) == []


def test_previous_must_be_a_packaged_release_with_the_same_settings(tmp_path, sample_build):
    crawl = REPO / "samples" / "crawl"
    first = copy_of(sample_build, tmp_path / "v1")  # a build of the sample crawl, not yet packaged
    with pytest.raises(InputError, match="dedup release"):
        build([str(crawl)], tmp_path / "x", load_config(None), previous=first)
    package(first)
    with pytest.raises(ConfigError, match="bands: previous 64, now 14"):
        build([str(crawl)], tmp_path / "y", load_config(None, preset="fineweb"), previous=first)
    broken = tmp_path / "broken"
    shutil.copytree(first, broken)
    next(iter(sorted((broken / "data").rglob("*.parquet")))).write_bytes(b"not parquet")
    with pytest.raises(InputError, match="does not verify"):
        build([str(crawl)], tmp_path / "z", load_config(None), previous=broken)


def _run(input_records: int, previous: dict) -> RunReport:
    """A run.json of `input_records` records (all rejects: only the total matters to the version rules)."""
    counts = Counts(input_records=input_records, canonical=0, duplicates=0, rejects=input_records, clusters=0,
                    clusters_with_copies=0)
    return RunReport(counts=counts, previous=previous)


def test_version_rules():
    prev = {"version": "1.2.3", "counts": {"input_records": 10}}
    grow = _run(20, {**prev, "demoted_canonical": 0})
    assert next_version(grow, None) == "1.3.0"
    assert next_version(grow, "2.0.0") == "2.0.0"
    with pytest.raises(ReleaseError, match="minor bump"):
        next_version(grow, "1.2.4")
    removed = _run(20, {**prev, "demoted_canonical": 2})
    assert next_version(removed, None) == "2.0.0"
    with pytest.raises(ReleaseError, match=r"2 record.*major bump"):
        next_version(removed, "1.9.0")
    same = _run(10, {**prev, "demoted_canonical": 0})
    assert next_version(same, None) == "1.2.4"
    assert next_version(_run(0, {}), None) == "1.0.0"


def test_a_new_page_that_joins_two_previous_clusters_merges_them_as_a_major_version(halves, tmp_path):
    """X (the first 70 % of a real story) and Y (its last 50 %) share too little to cluster; the whole
    story Z, crawled later, contains both: one build of all three makes one cluster, so the next
    release merges them, the longer X stays canonical and Y leaves data/ (a major version)."""
    text = (pl.read_parquet(halves["A"] / "data" / "**" / "*.parquet", columns=["doc_id", "text"])
            .sort([pl.col("text").str.len_chars(), "doc_id"], descending=[True, False])["text"][0])
    paragraphs = [p for p in text.split("\n") if p.strip()]
    assert len(paragraphs) >= 10
    total, ends = sum(map(len, paragraphs)), list(accumulate(map(len, paragraphs)))
    cut_a = next(i for i, e in enumerate(ends) if e >= 0.7 * total) + 1
    cut_b = next(i for i, e in enumerate(ends) if e >= 0.5 * total) + 1
    assert len("\n".join(paragraphs[:cut_a])) > len("\n".join(paragraphs[cut_b:]))  # the policy's longest_text

    def jsonl(path: Path, rows: list[tuple]) -> Path:
        path.write_text("".join(json.dumps({"id": i, "url": u, "text": "\n".join(t), "fetched_at": f}) + "\n"
                                for i, u, t, f in rows))
        return path

    first = jsonl(tmp_path / "first.jsonl", [
        ("x", "https://one.example/a", paragraphs[:cut_a], "2024-01-01T00:00:00Z"),
        ("y", "https://two.example/b", paragraphs[cut_b:], "2024-01-02T00:00:00Z")])
    second = jsonl(tmp_path / "second.jsonl", [
        ("z", "https://three.example/c", paragraphs, "2024-01-03T00:00:00Z")])
    config = load_config(None)
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    build([str(first)], v1, config)
    package(v1)
    assert pl.read_parquet(v1 / "data" / "**" / "*.parquet").height == 2  # two stories in v1
    build([str(second)], v2, config, previous=v1)
    package(v2)
    assert verify(v2) == []
    run = json.loads((v2 / "run.json").read_text())
    assert run["previous"]["demoted_canonical"] == 1 and run["previous"]["previous_clusters_merged"] == 1
    assert json.loads((v2 / "manifest.json").read_text())["version"] == "2.0.0"
    data = pl.read_parquet(v2 / "data" / "**" / "*.parquet")
    dups = pl.read_parquet(v2 / "duplicates" / "*.parquet").sort("doc_id")
    assert data["doc_id"].to_list() == ["x"] and data["cluster_size"].to_list() == [3]
    assert sorted(data["duplicate_doc_ids"][0]) == ["y", "z"]
    assert dups["doc_id"].to_list() == ["y", "z"] and set(dups["canonical_doc_id"]) == {"x"}
    assert set(dups["cluster_id"]) == set(data["cluster_id"])
    assert "Removed from `data/`: 1 previous canonical record," in (v2 / "CHANGELOG.md").read_text()
