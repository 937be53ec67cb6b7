"""`dedup build --engine dask`: the same bytes as the embedded engine, and its failure behaviour.

Clusters listen on 127.0.0.1 only (dedup.engine.dask_engine.open_client)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("distributed", reason="the Dask engine needs `pip install -e '.[dask]'`")

from dedup import ingest  # noqa: E402
from dedup.cli import app  # noqa: E402
from dedup.config import load_config  # noqa: E402
from dedup.engine.dask_engine import map_files, open_client  # noqa: E402
from dedup.errors import WorkerLost  # noqa: E402
from dedup.pipeline import DaskOptions, build  # noqa: E402

from conftest import REPO, parquet_hashes  # noqa: E402

pytestmark = pytest.mark.slow  # whole builds on several engines / releases: CI runs them


_digests = parquet_hashes


@pytest.fixture(scope="module")
def embedded(synd_build) -> Path:
    """The syndication crawl built on the embedded engine (the default config, 2 workers)."""
    return synd_build


@pytest.mark.parametrize("options", [
    DaskOptions(scheduler="threads", workers=2, components="gather"),
    DaskOptions(workers=2, components="star"),  # a 2-worker LocalCluster, components as Dask rounds
], ids=["threads-gather", "localcluster2-star"])
def test_dask_engine_writes_the_same_bytes_as_the_embedded_engine(embedded, bench_crawl, tmp_path, options):
    out = tmp_path / "dask"
    build([str(bench_crawl / "crawl")], out, load_config(None), workers=2, dask=options)
    want = _digests(embedded)
    assert len(want) >= 7 and _digests(out) == want
    run = json.loads((out / "run.json").read_text())
    assert json.loads((out / "timings.json").read_text())["timings_s"]["engine"] == "dask"
    assert run["counts"]["accounting_ok"]
    # the dask run's summary counts equal the embedded run's
    assert run["counts"] == json.loads((embedded / "run.json").read_text())["counts"]


def _die_once(marker: str, value: int) -> int:
    """Kills its worker process the first time it runs (a machine lost mid-file)."""
    if not os.path.exists(marker):
        Path(marker).write_text("died")
        os._exit(1)
    return value * 10


def test_a_worker_that_dies_mid_task_is_retried(tmp_path):
    import sys

    import cloudpickle

    # the workers cannot import this test module: send the function by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        marker = str(tmp_path / "died")
        with open_client(workers=2, processes=True) as client:
            assert map_files(client, _die_once, [(marker, 1), (marker, 2), (marker, 3)], star=True) == [10, 20, 30]
        assert Path(marker).read_text() == "died"  # a worker did die, and the build went on
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _times_ten(value: int) -> int:
    return value * 10


def test_a_local_cluster_left_without_workers_stops_the_build_instead_of_waiting_forever():
    # a worker killed while it starts (the OOM killer again, a crash at import) makes its nanny give up; once
    # every nanny of the LocalCluster has, no worker will ever come back and the build waited without end
    # and without a word (seen with `kill -9` on the workers of `dedup build --engine dask`, 2026-12-07)
    import sys
    import time

    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with open_client(workers=1, processes=True) as client:
            assert map_files(client, _times_ten, [(1,)], star=True) == [10]
            client.cluster.scale(0)  # what the nannies that gave up leave behind: a cluster of no worker
            while client.cluster.workers:
                time.sleep(0.1)
            with pytest.raises(WorkerLost, match="every worker of the local Dask cluster"):
                map_files(client, _times_ten, [(2,), (3,)], star=True)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _worker_settings() -> tuple[object, object]:
    import dask

    return dask.config.get("distributed.worker.profile.enabled"), os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_workers_run_without_the_stack_profiler_and_with_the_default_malloc_trimming(monkeypatch):
    # the profiler's thread freed resiliparse trees off their thread (leaked, a traceback printed), and
    # distributed's MALLOC_TRIM_THRESHOLD_=65536 tripled the page faults of extraction (docs/scale-out.md)
    import sys

    import cloudpickle

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with open_client(workers=1, processes=True) as client:
            assert list(client.run(_worker_settings).values()) == [(False, None)]
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_a_file_whose_processing_fails_becomes_a_reject_row_not_a_failed_run(tmp_path, monkeypatch):
    real = ingest.page_batch
    calls = {"n": 0}

    def flaky(batch):
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch of the first file: a bug on some data
            raise ValueError("simulated extractor bug")
        return real(batch)

    monkeypatch.setattr(ingest, "page_batch", flaky)
    crawl = REPO / "samples" / "crawl"
    summary = build([str(crawl)], tmp_path / "out", load_config(None), workers=1)
    assert summary.counts.accounting_ok
    assert summary.rejects_by_reason.get("read_failed") == 1
    import polars as pl

    rejects = pl.read_parquet(tmp_path / "out" / "rejects" / "*.parquet").filter(pl.col("reason") == "read_failed")
    assert rejects["detail"].str.contains("ValueError: simulated extractor bug").all()
    # the rest of the file is named: after the last record written, or all of it when none was
    assert rejects["detail"].str.contains("records of this file after offset [0-9]+ were not read|no record of this "
                                          "file was read").all()


def test_cli_engine_options(tmp_path):
    runner = CliRunner()
    crawl = str(REPO / "samples" / "crawl")
    bad = runner.invoke(app, ["build", crawl, "--out", str(tmp_path / "a"), "--scheduler", "threads"])
    assert bad.exit_code == 2 and "need --engine dask" in bad.output
    bad = runner.invoke(app, ["build", crawl, "--out", str(tmp_path / "b"), "--engine", "spark"])
    assert bad.exit_code == 2 and "choose 'embedded' or 'dask'" in bad.output
    ok = runner.invoke(app, ["build", crawl, "--out", str(tmp_path / "c"), "--engine", "dask",
                             "--scheduler", "threads", "--workers", "2", "--no-progress"])
    assert ok.exit_code == 0, ok.output
    plain = tmp_path / "d"
    build([crawl], plain, load_config(None))
    assert _digests(tmp_path / "c") == _digests(plain)
