"""Same input and config, same bytes out: every file of a release, whatever the input order, the worker
count, the folder or the time of the build, but timings.json (the run's measurements, outside the
checksummed set); dates from SOURCE_DATE_EPOCH or the data, never from the clock."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from dedup.release.package import package
from dedup.release.verify import verify
from dedup.run_report import TIMINGS_JSON, RunReport
from dedup.stats import summarise

from conftest import copy_of, file_hashes, old_layout


def _date_published(release: Path) -> str:
    return json.loads((release / "croissant.json").read_text("utf-8"))["datePublished"]


def test_two_builds_of_the_same_input_give_the_same_release_but_timings_json(sample_release, sample_build_elsewhere,
                                                                           tmp_path, monkeypatch):
    """The session's sample release (one worker, the crawl folder) against a build of the same files given
    one by one in reverse order (two of them as file:// URLs), with two workers, in another folder, later
    (conftest.sample_build_elsewhere): every file compared."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, _ = sample_release
    second = copy_of(sample_build_elsewhere, tmp_path / "elsewhere" / first.name)
    package(second, name="news-sample", version="1.0.0")
    assert verify(second) == []
    a, b = file_hashes(first), file_hashes(second)
    assert TIMINGS_JSON in a and TIMINGS_JSON in b  # the measurements are kept, beside the release
    a.pop(TIMINGS_JSON), b.pop(TIMINGS_JSON)
    assert sorted(a) == sorted(b) and len(a) >= 15
    assert [rel for rel in a if a[rel] != b[rel]] == []
    # outside the checksummed set: neither manifest.json nor SHA256SUMS names timings.json
    assert TIMINGS_JSON not in (second / "SHA256SUMS").read_text() + (second / "manifest.json").read_text()
    assert json.loads((second / TIMINGS_JSON).read_text())["timings_s"]["workers"] == 2


def test_source_date_epoch_sets_the_date_else_the_newest_record(sample_build, tmp_path, monkeypatch):
    release = copy_of(sample_build, tmp_path / "r")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    package(release, name="news-sample")
    assert _date_published(release) == "2023-11-14"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    package(release, name="news-sample")
    newest = pl.read_parquet(sorted((release / "data").rglob("*.parquet")), columns=["fetched_at"])["fetched_at"].max()
    assert _date_published(release) == newest.strftime("%Y-%m-%d")  # the data's date, not the build's day
    assert verify(release) == []


def test_an_older_release_with_timings_in_run_json_still_works(sample_build, tmp_path, monkeypatch):
    """Releases packaged before timings.json held the measurements in run.json (checksummed): verify, stats
    and the Croissant date (its build's day) read them as before. --previous: tests/test_incremental.py."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    release = old_layout(copy_of(sample_build, tmp_path / "old"))
    package(release, name="news-sample")
    assert verify(release) == []
    run = RunReport.load(release)
    assert run.timings_s["total"] > 0 and run.finished_at
    assert summarise(release)["seconds"] == run.timings_s["total"]
    assert _date_published(release) == run.finished_at[:10]
    assert "run.json" in (release / "SHA256SUMS").read_text()


def test_stats_shows_the_build_time_from_timings_json_and_verify_passes_over_it(sample_release, tmp_path):
    release = copy_of(sample_release[0], tmp_path / "r")
    seconds = json.loads((release / TIMINGS_JSON).read_text())["timings_s"]["total"]
    assert summarise(release)["seconds"] == seconds > 0
    (release / TIMINGS_JSON).write_text('{"timings_s": {"total": "soon"}}')  # not data: never a problem
    assert verify(release) == [] and summarise(release)["seconds"] is None
    (release / TIMINGS_JSON).unlink()
    assert verify(release) == [] and summarise(release)["seconds"] is None
