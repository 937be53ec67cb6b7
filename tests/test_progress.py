"""Progress that moves: input bytes advance while a file is read, every stage reports its own counts,
and a cold MinHash cache is announced."""

from __future__ import annotations

from collections import Counter

import pytest

from dedup import buildstate, pipeline
from dedup.config import BuildConfig
from dedup.ingest import ingest_file
from dedup.neardup.minhash import kernels_cached
from dedup.pipeline import STAGES, Progress, build
from dedup.sources import rawrows
from dedup.sources.inputs import expand_inputs

from conftest import REPO


class Recorder(Progress):
    """Every hook call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def start(self, total_bytes: int, n_files: int) -> None:
        self.calls.append(("start", total_bytes, n_files))

    def advance(self, nbytes: int, ndocs: int) -> None:
        self.calls.append(("advance", nbytes, ndocs))

    def stage(self, name: str) -> None:
        self.calls.append(("stage", name))

    def reused(self, name: str) -> None:
        self.calls.append(("reused", name))

    def total(self, n: int, unit: str) -> None:
        self.calls.append(("total", n, unit))

    def step(self, n: int = 1) -> None:
        self.calls.append(("step", n))

    def note(self, message: str) -> None:
        self.calls.append(("note", message))


def test_input_bytes_advance_within_a_warc_file(tmp_path, monkeypatch):
    """A WARC file of the sample crawl read in batches of 32 records: the ingest task reports the bytes
    its records reach after each batch, not only at the end."""
    monkeypatch.setattr(rawrows, "BATCH_ROWS", 32)
    crawl = REPO / "samples" / "crawl" / "sample-00000.warc.gz"
    reports: list[tuple[int, int]] = []
    (inp,) = expand_inputs([str(crawl)])
    result = ingest_file(inp, tmp_path / "part.parquet", 50 << 20, lambda rows, nbytes: reports.append((rows, nbytes)))
    assert len(reports) >= 3 and all(nbytes > 0 for _, nbytes in reports)
    assert sum(rows for rows, _ in reports) == result["rows"]
    assert reports[0][1] < crawl.stat().st_size / 2  # the first batch did not claim the whole file
    assert sum(nbytes for _, nbytes in reports) <= crawl.stat().st_size


def test_every_stage_reports_its_own_counts_and_a_cold_cache_is_announced(tmp_path, monkeypatch):
    monkeypatch.setattr(buildstate, "kernels_cached", lambda: False)  # as on a first build
    bar = Recorder()
    build([str(REPO / "samples" / "crawl")], tmp_path / "out", BuildConfig(), workers=1, progress=bar)
    notes = [c for c in bar.calls if c[0] == "note"]
    assert notes and "compiling the MinHash kernels" in notes[0][1]
    assert bar.calls.index(notes[0]) < bar.calls.index(("stage", "sign"))
    assert kernels_cached()  # a build leaves the kernels in numba's cache: the next one is quiet
    stages = [c[1] for c in bar.calls if c[0] == "stage"]
    assert stages == list(STAGES)
    n_files = bar.calls[0][2]
    for name in STAGES[1:]:  # every step of a global stage announces its tasks, then counts each one
        at = bar.calls.index(("stage", name))
        end = next((i for i in range(at + 1, len(bar.calls)) if bar.calls[i][0] == "stage"), len(bar.calls))
        inside = bar.calls[at + 1:end]
        totals = [c[1] for c in inside if c[0] == "total"]
        assert totals, f"stage {name} reports no tasks"
        assert sum(c[1] for c in inside if c[0] == "step") == sum(totals)
    for name, step in (("stories", "sign part"), ("sign", "sign part"), ("write", "parts written")):
        at = bar.calls.index(("stage", name))
        # per-part tasks: one per docs part, and the sample's three small files are one part (scale round 7)
        assert ("total", 1, step) in bar.calls[at + 1:] and n_files == 3
    ingest = bar.calls[bar.calls.index(("stage", "ingest")) + 1:bar.calls.index(("stage", "keys"))]
    assert sum(c[1] for c in ingest if c[0] == "advance") == bar.calls[0][1]  # every input byte, once
    assert sum(c[2] for c in ingest if c[0] == "advance") > 0


def test_a_resumed_stage_is_reported_as_reused(tmp_path, monkeypatch):
    out = tmp_path / "out"
    calls = Counter()
    real = pipeline.STAGE_FUNCTIONS["cluster"]

    def stop_at_cluster(b):
        calls["cluster"] += 1
        if calls["cluster"] == 1:
            raise KeyboardInterrupt
        return real(b)

    monkeypatch.setitem(pipeline.STAGE_FUNCTIONS, "cluster", stop_at_cluster)
    crawl = [str(REPO / "samples" / "crawl" / "sample-extra.jsonl.gz")]  # the sample's small file (40 records)
    with pytest.raises(KeyboardInterrupt):
        build(crawl, out, BuildConfig(), workers=1)
    bar = Recorder()
    build(crawl, out, BuildConfig(), workers=1, progress=bar)
    assert [c[1] for c in bar.calls if c[0] == "reused"] == list(STAGES[:STAGES.index("cluster")])
    assert [c[1] for c in bar.calls if c[0] == "stage"] == list(STAGES[STAGES.index("cluster"):])
