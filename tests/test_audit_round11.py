"""Audit round 11 (docs/release.md "Round 11"): what the release tells a user who cites and trains on it, and the
edges of incremental releases (`--previous`)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.rights.licence import ARR
from dedup.stats import render, summarise

from conftest import SAMPLE_SMALL


def _data(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "data" / "**" / "*.parquet")


def test_stats_json_copies_are_the_duplicates_as_the_card_calls_them(sample_build):
    """`dedup stats --json`'s `top_stories[].copies` was the cluster's size (the canonical counted), where the card,
    report.html and the schemas call the cluster's duplicates/ rows its copies."""
    dups = pl.read_parquet(sample_build / "duplicates" / "**" / "*.parquet")
    per_canonical = dict(dups.group_by("canonical_doc_id").len().iter_rows())
    data = _data(sample_build)
    s = summarise(sample_build)
    assert s["top_stories"]
    for story in s["top_stories"]:
        row = data.filter(pl.col("cluster_id") == story["cluster_id"]).row(0, named=True)
        assert story["copies"] == per_canonical[row["doc_id"]] == len(row["duplicate_doc_ids"])
        assert story["pages"] == row["cluster_size"] == story["copies"] + 1
        assert f"{story['pages']:>4} pages on" in render(s)


def test_a_new_copys_wire_notice_gives_a_carried_canonical_the_licence_a_build_from_scratch_gives(sample_grown):
    """A carried canonical kept the licence its release published when new copies carrying the wire agency's notice in
    the story joined its cluster: `sample-jsonl-0036` stayed CC-BY-4.0 in data/open/ (AFP's text, which one build of
    both crawls publishes as all-rights-reserved, licence_conflict), `sample-jsonl-0010` NOASSERTION."""
    old, nxt = _data(sample_grown["old"]), _data(sample_grown["next"])
    was = {r["doc_id"]: r for r in old.iter_rows(named=True)}
    now = {r["doc_id"]: r for r in nxt.iter_rows(named=True)}
    assert was["sample-jsonl-0036"]["licence_spdx"] == "CC-BY-4.0" and was["sample-jsonl-0010"]["licence_scope"] is None
    assert now["sample-jsonl-0036"]["licence_spdx"] == now["sample-jsonl-0010"]["licence_spdx"] == ARR
    assert now["sample-jsonl-0036"]["licence_conflict"]
    run = json.loads((sample_grown["next"] / "run.json").read_text("utf-8"))["previous"]
    restated = run["licence_restated"]["doc_ids"]
    assert {"sample-jsonl-0010", "sample-jsonl-0036"} <= set(restated)
    assert run["licence_restated_from"]["open"] >= 1 and run["licence_restated_from"]["noassertion"] >= 1
    for row in nxt.filter(pl.col("doc_id").is_in(restated)).iter_rows(named=True):
        assert row["licence_spdx"] == ARR and row["licence_class"] == "all-rights-reserved"
        assert row["licence_scope"] == "article_text"
        wire = [e["value"] for e in row["licence_evidence"] if e["kind"] == "cluster_wire_copyright"]
        assert len(wire) == 1 and wire[0] in row["duplicate_doc_ids"] and wire[0] not in was  # a new copy, named
        assert row["licence_conflict"] == (was[row["doc_id"]]["licence_spdx"] not in (ARR, "NOASSERTION"))
        assert row["copyright_holder"] and row["attribution_text"].endswith(ARR)
    # in its class's folder, and the CHANGELOG says what moved
    assert not any(p.name for p in (sample_grown["next"] / "data" / "open").glob("*.parquet")
                   if pl.read_parquet(p).filter(pl.col("doc_id") == "sample-jsonl-0036").height)
    changelog = (sample_grown["next"] / "CHANGELOG.md").read_text("utf-8")
    assert "a new copy carries the agency's notice in the story" in changelog
    assert "from `data/open/` moved to `data/all-rights-reserved/`" in changelog


def test_a_record_under_a_published_id_says_whether_it_is_that_record_again(sample_grown, tmp_path):
    """A new record whose id the previous release holds is a `repeated_doc_id` reject; its detail said only "doc_id X
    is already in the previous release", the same for the record read again (harmless) and for another page under
    that id (a JSON Lines batch numbering its rows again: a conflict the user must see)."""
    lines = {}
    for line in gzip.open(SAMPLE_SMALL, "rt", encoding="utf-8").read().splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # the sample's damaged line (a bad_json reject)
            continue
        if isinstance(record, dict) and record.get("id"):
            lines[record["id"]] = record
    data = _data(sample_grown["old"])
    dups = pl.read_parquet(sample_grown["old"] / "duplicates" / "*.parquet")
    canonical, other = data["doc_id"][0], data["doc_id"][1]
    copy = dups["doc_id"][0]
    rows = [lines[canonical],  # the same record again
            dict(lines[other], html=lines[canonical]["html"]),  # another page under a published id
            dict(lines[copy], url="https://elsewhere.example/a-page")]  # a copy's id on another URL
    crawl = tmp_path / "again.jsonl"
    crawl.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out"
    build([str(crawl)], out, BuildConfig(), workers=1, previous=sample_grown["old"])
    rejects = pl.read_parquet(out / "rejects" / "*.parquet").filter(pl.col("doc_id").str.contains("#repeat-after-"))
    said = {d.split("#")[0]: t for d, t in rejects.select("doc_id", "detail").iter_rows()}
    assert set(said) == {canonical, other, copy}
    assert "the same text as the published record: this record read again" in said[canonical]
    assert "its text differs from the published record's" in said[other]
    assert "another URL and the same fetch time than its row in duplicates/" in said[copy]


def test_a_build_of_mostly_rejects_names_the_top_reason_and_how_to_fix_it(tmp_path):
    """30 of 38 records `missing_id` (ids lost by an export): the build's summary said "rejects 30 (missing_id: 30)"
    and `dedup stats` "missing_id 30", not what to do."""
    rows = []
    for i, line in enumerate(gzip.open(SAMPLE_SMALL, "rt", encoding="utf-8").read().splitlines()[:10]):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        rows.append(record if i % 5 == 0 else dict(record, id=None))
    crawl = tmp_path / "export.jsonl"
    crawl.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(crawl), "--out", str(out), "--no-progress", "--workers", "1"])
    assert result.exit_code == 0, result.output
    said = "of the input records are rejects, most of them missing_id"
    fix = "give each JSON Lines or Parquet row a non-empty `id`"
    assert said in result.output and fix in result.output
    stats = " ".join(render(summarise(out)).split())
    assert said in stats and fix in stats


def test_the_card_says_how_to_load_duplicates_with_datasets_and_it_works(sample_release, monkeypatch, tmp_path):
    """The card gave `load_dataset` for data/ only; one `data_files` call over data/ and duplicates/ fails (their
    columns differ: "column names don't match"), and nothing said to load duplicates/ by itself."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets", reason="datasets (Hugging Face) is not installed")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    out, _ = sample_release
    card = (out / "README.md").read_text("utf-8")
    said = 'load_dataset("parquet", data_files="duplicates/*.parquet", split="train")'
    assert said in card and "`canonical_doc_id` = `doc_id`" in card
    dups = datasets.load_dataset("parquet", data_files=str(out / "duplicates" / "*.parquet"), split="train",
                                 cache_dir=str(tmp_path / "cache"))
    data = datasets.load_dataset("parquet", data_files=str(out / "data" / "**" / "*.parquet"), split="train",
                                 cache_dir=str(tmp_path / "cache"))
    assert len(dups) == pl.read_parquet(out / "duplicates" / "*.parquet").height
    assert set(dups["canonical_doc_id"]) <= set(data["doc_id"])
    assert str(dups.features["fetched_at"]) == "Value('timestamp[us, tz=UTC]')"


def test_a_repeat_against_a_release_made_before_its_removed_blocks_were_listed(tmp_path):
    # review: a release written before documents schema 7 has no removed_reasons / removed_block_keys, and the
    # write stage stopped with ArrowInvalid when a new record repeated one of its ids
    from dedup.repeats import describe_repeats
    (tmp_path / "data").mkdir()
    pl.DataFrame({"doc_id": ["a"], "url": ["http://x.test/"], "fetched_at": ["2026-01-01"], "source_file": ["f"],
                  "source_offset": [0], "content_sha256": ["00"]}).write_parquet(tmp_path / "data" / "part-0.parquet")
    rejects = pl.DataFrame({"doc_id": ["#repeat-after-1.0.0:a"], "input_id": ["a"], "reason": ["repeated_doc_id"],
                            "detail": ["doc_id a is already in the previous release"], "url": ["http://x.test/"],
                            "fetched_at": ["2026-01-01"], "source_file": ["f"], "source_offset": [0],
                            "blocks": [["hello"]], "block_keys": [[1]]})
    detail = describe_repeats(rejects, tmp_path)["detail"][0]
    assert "may differ" in detail and "cannot tell" in detail and "(at the same file and offset)" in detail


def test_every_reject_hint_names_a_reason_the_readers_give():
    # review: the hints had drifted from the reasons (`truncated_zstd` is none; `zstd_error`, `empty_payload` and
    # `reserved_doc_id` had no hint): each key must be a reason some module of dedup writes
    from dedup.reject_hints import HINTS
    package = Path(__file__).resolve().parents[1] / "dedup"
    code = "".join(p.read_text("utf-8") for p in package.rglob("*.py") if p.name != "reject_hints.py")
    assert [r for r in HINTS if f'"{r}"' not in code] == []
    assert {"zstd_error", "empty_payload", "reserved_doc_id"} <= set(HINTS)
