"""Rehydration: records published without their text (--withhold-text) rebuilt from the same crawl,
verified against content_sha256, with every record that cannot be restored counted and named."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.rehydrate import CHANGED, MISSING_FILE, NOT_FOUND, rehydrate
from dedup.release.package import package

from conftest import REPO

SAMPLE = REPO / "samples" / "crawl"


def data(out: Path) -> pl.DataFrame:
    return pl.read_parquet(sorted((out / "data").rglob("*.parquet"))).sort("doc_id")


@pytest.fixture(scope="module")
def sample_builds(sample_build, tmp_path_factory) -> tuple[Path, Path]:
    """The sample crawl built normally and with the text of all-rights-reserved records withheld."""
    withheld = tmp_path_factory.mktemp("rehydrate") / "withheld"
    build([str(SAMPLE)], withheld, BuildConfig(withhold_text=("all-rights-reserved",)), workers=1)
    return sample_build, withheld


def test_round_trip_on_the_sample_crawl(sample_builds, tmp_path):
    full, withheld = sample_builds
    assert data(withheld).filter(pl.col("text").is_null()).height > 20
    result = CliRunner().invoke(app, ["rehydrate", str(withheld), "--crawl", str(SAMPLE), "--to", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "rehydrate.json").read_text())
    assert report["restored"] == report["withheld"] > 20 and report["not_restored"] == {}
    assert data(tmp_path / "r").equals(data(full))  # every column, the restored texts included


def test_records_that_cannot_be_restored_are_counted_with_the_reason(sample_builds, tmp_path):
    full, withheld = sample_builds
    crawl = tmp_path / "crawl"
    shutil.copytree(SAMPLE, crawl)
    files = sorted(p.name for p in crawl.iterdir())
    (crawl / files[0]).unlink()  # one crawl file lost
    rows = data(withheld).filter(pl.col("text").is_null())
    # the JSONL file edited: one withheld page changed, another line now holds another record
    jsonl = crawl / "sample-extra.jsonl.gz"
    lines = gzip.decompress(jsonl.read_bytes()).decode().splitlines()
    mine = sorted(rows.filter(pl.col("source_file") == jsonl.name)["source_offset"].to_list())
    assert len(mine) >= 2
    changed = json.loads(lines[mine[0]])
    text = data(full).filter(pl.col("doc_id") == changed["id"])["text"][0]
    word = max(text.split(), key=len)  # a word of the published text, edited in the page
    changed["html"] = changed["html"].replace(word, word[::-1] + "x")
    lines[mine[0]] = json.dumps(changed)
    lines[mine[1]] = json.dumps({"id": "another-record", "html": "<p>Not the page that was withheld.</p>"})
    jsonl.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    report = rehydrate(withheld, [str(crawl)], tmp_path / "r")
    lost = {f: n for f, n in rows.group_by("source_file").len().iter_rows()}
    assert report.withheld == rows.height
    assert report.not_restored == {MISSING_FILE: lost[files[0]], CHANGED: 1, NOT_FOUND: 1}
    assert report.restored == report.withheld - lost[files[0]] - 2
    failed = pl.read_parquet(tmp_path / "r" / "not_restored.parquet")
    assert failed.height == sum(report.not_restored.values())
    assert failed.filter(pl.col("reason") == MISSING_FILE)["source_file"].unique().to_list() == [files[0]]
    assert data(tmp_path / "r")["text"].null_count() == failed.height


def test_an_output_folder_in_use_is_refused(sample_builds, tmp_path):
    _, withheld = sample_builds
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "keep").write_text("x")
    result = CliRunner().invoke(app, ["rehydrate", str(withheld), "--crawl", str(SAMPLE), "--to", str(tmp_path / "r")])
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert (tmp_path / "r" / "keep").exists()


@pytest.mark.slow
def test_round_trip_on_the_syndication_crawl(bench_crawl, synd_build, tmp_path):
    """The whole labelled crawl, every licence class withheld: the rehydrated records equal the
    normal build's, text column included, for every record."""
    crawl = bench_crawl / "crawl"
    classes = ("open", "nc", "nd", "all-rights-reserved", "noassertion")
    build([str(crawl)], tmp_path / "withheld", BuildConfig(withhold_text=classes), workers=2)
    full = data(synd_build)
    assert data(tmp_path / "withheld")["text"].null_count() == full.height
    report = rehydrate(tmp_path / "withheld", [str(crawl)], tmp_path / "r")
    assert report.restored == report.withheld == full.height
    assert data(tmp_path / "r").equals(full)


def test_round_trip_after_a_previous_release(tmp_path):
    """A release built with --previous carries the previous records' texts as published, stripped of the
    chrome the previous release knew; the chrome this crawl adds must not be stripped from them when they
    are rehydrated (it was: 4 of the sample's 65 withheld records came back `content_changed`), while the
    new records lose it. Every withheld record is restored to the text of the same build made without
    withholding."""
    classes = ("open", "nc", "nd", "all-rights-reserved", "noassertion")
    files = sorted(SAMPLE.iterdir())
    first, rest = [str(files[0])], [str(f) for f in files[1:]]
    builds = {}
    for withheld in (False, True):
        config = BuildConfig(withhold_text=classes if withheld else ())
        a, b = tmp_path / f"a{withheld}", tmp_path / f"b{withheld}"
        build(first, a, config, workers=1)
        package(a, name="sample")
        build(rest, b, config, workers=1, previous=a)
        builds[withheld] = b
    assert data(builds[True])["text"].null_count() == data(builds[True]).height
    report = rehydrate(builds[True], [str(SAMPLE)], tmp_path / "r")
    assert report.not_restored == {} and report.restored == report.withheld == data(builds[False]).height
    assert data(tmp_path / "r")["text"].equals(data(builds[False])["text"])


def test_a_build_that_withheld_nothing_says_so(sample_builds, tmp_path):
    # 'restored 0 of 0 withheld records' read as a failure to restore: the message says there was nothing to do
    full, _withheld = sample_builds
    result = CliRunner().invoke(app, ["rehydrate", str(full), "--crawl", str(SAMPLE), "--to", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "nothing to rehydrate" in result.output and "--withhold-text" in result.output
    assert data(tmp_path / "r").equals(data(full))


def test_the_card_says_its_character_count_holds_the_withheld_texts(sample_builds, tmp_path):
    """The card gave `n_chars`' sum as the data's "characters of text" (the sample: 102,445) while 73,437 of them are
    withheld (`text` null): a user summing the published texts found 29,008 (audit round 5)."""
    from conftest import copy_of

    from dedup.release.package import package

    _, withheld = sample_builds
    out = copy_of(withheld, tmp_path / "release")
    package(out, name="news-sample", version="1.0.0")
    line = next(x for x in (out / "README.md").read_text("utf-8").splitlines() if "characters of text" in x)
    total = data(out)["n_chars"].sum()
    assert f"({total:,} characters of text (`n_chars`, withheld texts included);" in line, line


def test_a_record_now_rejected_is_not_restored_and_says_why(tmp_path, monkeypatch):
    """A withheld record whose page the rehydrating version rejects (here `not_a_story`: a release built before
    the server-page rule published a bot-challenge page) is not restored: its row keeps a null text, and
    not_restored.parquet names it `record_unusable` with the reject's reason and detail (docs/release.md)."""
    import dedup.text.blocks as blocks
    from dedup.config import LICENCE_CLASSES
    from dedup.rehydrate import NOT_RESTORED, UNUSABLE

    story = ("The harbour board met on Tuesday and agreed to repair the north pier before the winter storms, after "
             "engineers found cracks in three of its supporting columns that had been missed by the last survey.")
    pages = {"story": f"<html><head><title>Pier to close</title></head><body><article><h1>Pier to close</h1>"
                      f"<p>{story}</p></article></body></html>",
             "wall": "<html><head><title>Just a moment...</title></head><body><h1>harbourtimes.example</h1><h2>"
                     "Checking if the site connection is secure</h2><p>harbourtimes.example needs to review the "
                     "security of your connection before proceeding.</p></body></html>"}
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("".join(json.dumps({"id": k, "url": f"https://harbourtimes.example/{k}", "html": v}) + "\n"
                             for k, v in pages.items()), "utf-8")
    with monkeypatch.context() as m:  # the older version: no server-page rule
        m.setattr(blocks, "status_page_head", lambda title, kept, html_title=None: None)
        build([str(crawl)], tmp_path / "out", BuildConfig(withhold_text=LICENCE_CLASSES), workers=1)
    assert set(data(tmp_path / "out").filter(pl.col("text").is_null())["doc_id"]) == {"story", "wall"}
    report = rehydrate(tmp_path / "out", [str(crawl)], tmp_path / "r")
    assert (report.withheld, report.restored, report.not_restored) == (2, 1, {UNUSABLE: 1})
    (doc, reason, detail), = pl.read_parquet(tmp_path / "r" / NOT_RESTORED).select("doc_id", "reason", "detail").rows()
    assert (doc, reason) == ("wall", UNUSABLE) and detail.startswith("not_a_story: a server-generated page"), detail
    texts = dict(data(tmp_path / "r").select("doc_id", "text").iter_rows())
    assert texts["wall"] is None and texts["story"] is not None and "north pier" in texts["story"]
