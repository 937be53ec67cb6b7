"""Faults from outside the build: a worker process killed mid-task, a disk that fails at the end of any
stage. The build either finishes with the same bytes or stops with a message, keeps its finished work
and resumes to the same bytes; it never leaves a half dataset under the output's name.
"""

from __future__ import annotations

import errno
import os

import pytest

from dedup import pipeline
from dedup.config import BuildConfig
from dedup.engine import embedded
from dedup.errors import OutputError, WorkerLost
from dedup.pipeline import STAGES, build
from dedup.workdir import staging_folder
from test_resume import crawl_and_reference, output_hashes
from worker_tasks import always_die, square_but_die_once

QUICK = ("ingest",)  # every stage with `pytest -m slow` (CI); this one in a plain `pytest`


def test_a_killed_worker_costs_nothing_its_tasks_run_again(tmp_path):
    with embedded.steps(2) as steps:
        assert steps.map(square_but_die_once, [(str(tmp_path), i) for i in range(6)]) == [i * i for i in range(6)]
    assert (tmp_path / "died-1").is_file()  # the worker was killed for real


def test_a_task_that_keeps_killing_workers_stops_with_a_message(tmp_path):
    with pytest.raises(WorkerLost, match="fewer --workers"):
        with embedded.steps(2) as steps:
            steps.map(always_die, [(i,) for i in range(3)])


@pytest.fixture(scope="module")
def reference(sample_build) -> dict[str, str]:
    """The Parquet files of an uninterrupted build of the sample crawl, by hash."""
    return output_hashes(sample_build)


@pytest.fixture(scope="module")
def small_reference(small_build) -> dict[str, str]:
    """The Parquet files of an uninterrupted build of the sample crawl's small file, by hash."""
    return output_hashes(small_build)


@pytest.mark.parametrize("stage", [s if s in QUICK else pytest.param(s, marks=pytest.mark.slow) for s in STAGES])
def test_a_disk_failing_at_the_end_of_any_stage_is_a_message_and_resumes(tmp_path, request, monkeypatch, stage):
    # the stage of the quick set on the sample's small file, every other stage on the whole sample crawl
    crawl, reference = crawl_and_reference(request, stage, QUICK)
    real = pipeline.STAGE_FUNCTIONS[stage]
    code = (errno.ENOSPC, errno.EIO)[STAGES.index(stage) % 2]

    def failing(b):
        real(b)  # the stage wrote its files, then the disk fails before its completion marker
        raise OSError(code, os.strerror(code), str(staging_folder(out)))

    out = tmp_path / "out"
    monkeypatch.setitem(pipeline.STAGE_FUNCTIONS, stage, failing)
    with pytest.raises(OutputError, match="no space left|cannot write"):
        build([str(crawl)], out, BuildConfig(), workers=1)
    assert not out.exists()  # never a half dataset under the real name
    monkeypatch.setitem(pipeline.STAGE_FUNCTIONS, stage, real)
    report = build([str(crawl)], out, BuildConfig(), workers=1)
    assert report.timings_s["resumed"] == list(STAGES[:STAGES.index(stage)])
    assert output_hashes(out) == reference and report.counts.accounting_ok
