"""build: the stage line of `dedup build`.

    ingest -> keys -> stories -> site_chrome -> sign -> cluster -> select -> rights -> write

Each stage is a function below that reads the outputs of the earlier ones from the work folder
(`dedup/workdir.py`), calls the module that owns its rules, writes its own outputs there, and leaves a
completion marker. A build killed at any point resumes from the last finished stage when the same
command runs again (docs/architecture.md). Where tasks run (this machine's processes, or Dask) is the
engine's business (`dedup/engine/`): a stage only calls `Steps`.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

from dedup.buildstate import Build, Progress
from dedup.config import BuildConfig
from dedup.cputime import StageCpu
from dedup.engine import dask_engine, embedded
from dedup.engine.steps import DaskOptions, Steps
from dedup.errors import InternalError
from dedup.filestages import stage_ingest, stage_write
from dedup.globalstages import (stage_cluster, stage_keys, stage_rights, stage_select, stage_sign, stage_site_chrome,
                                stage_stories)
from dedup.memory import Budget, RssSampler, freeze_loaded, release
from dedup.neardup.minhash import s_curve
from dedup.neardup.sign import hasher, hasher_params
from dedup.previous import check_rights_settings, load_previous
from dedup.run_report import FileNotRead, RunReport, from_build
from dedup.sources import storage
from dedup.sources.inputs import expand_inputs
from dedup.workdir import (WorkDir, build_fingerprint, check_output, output_error, release_lock, replace_folder,
                           take_staging)

__all__ = ["STAGES", "DaskOptions", "Interrupted", "Progress", "build"]

STAGES = ("ingest", "keys", "stories", "site_chrome", "sign", "cluster", "select", "rights", "write")
GLOBAL_STAGES = STAGES[1:-1]  # the cross-part steps between ingest and write ("cluster+select" in run.json)


class Interrupted(BaseException):
    """SIGTERM (what `timeout`, SLURM and `kill` send): stop like Ctrl-C, keeping the work for a resume."""


STAGE_FUNCTIONS: dict[str, Callable[[Build], dict[str, Any]]] = {
    "ingest": stage_ingest, "keys": stage_keys, "stories": stage_stories, "site_chrome": stage_site_chrome,
    "sign": stage_sign, "cluster": stage_cluster, "select": stage_select, "rights": stage_rights,
    "write": stage_write,
}


# ---------------------------------------------------------------- running them

def build(inputs: list[str], out: Path, config: BuildConfig, *, workers: int = 1, overwrite: bool = False,
          progress: Progress | None = None, previous: Path | None = None,
          dask: DaskOptions | None = None, resume: bool = True, memory: str | int | None = None) -> RunReport:
    """Build the dataset of `inputs` into `out`. With `previous` (a packaged release), the output is its
    next version: every previous record carried over with the same doc_id, new documents deduplicated
    against it as well as among themselves. With `resume`, the work an interrupted run of the same
    inputs and config left behind is reused. `memory`: the budget of the global steps (a size such as
    "4G"; default a fraction of this machine's RAM), which never changes the output. `workers` 0: chosen
    from the input's size (`embedded.auto_workers`)."""
    out = Path(out)
    progress = progress or Progress()
    not_read: list[FileNotRead] = []
    files = expand_inputs(inputs, not_read)
    check_output(out, overwrite, files, previous)
    prev = None
    if previous is not None:
        prev = load_previous(Path(previous), hasher(hasher_params(config)).params, config.bands, config.rows)
        check_rights_settings(prev, config.licence_classes, config.withhold_text)
    input_bytes = [storage.size(f.path) for f in files]  # once: for a URL each is a request
    fingerprint = build_fingerprint([(f.name, n, _mtime(f.path)) for f, n in zip(files, input_bytes)],
                                    config.sha256(), _previous_fingerprint(previous))
    if workers <= 0:  # one per core; the embedded engine runs a crawl of a few MiB in this process
        workers = (os.cpu_count() or 1) if dask else embedded.auto_workers(sum(input_bytes), size_known=all(
            n or not storage.is_url(f.path) for f, n in zip(files, input_bytes)))
    budget = Budget.of(memory, (dask.workers or workers) if dask else workers)
    stage_dir, _ = take_staging(out, resume)
    work = WorkDir(stage_dir)
    t0, cpu = time.perf_counter(), StageCpu()
    try:
        with _terminate_as_interrupt(), _engine(dask, workers) as steps, RssSampler() as sampler:
            work.prepare(fingerprint)
            freeze_loaded()
            b = Build(files, input_bytes, work, config, prev, steps, progress, fingerprint, budget, not_read=not_read)
            progress.start(sum(input_bytes), len(files))
            figures: dict[str, dict[str, Any]] = {}
            peaks: dict[str, float | None] = {}
            for name in STAGES:
                sampler.stage(name)
                cpu.stage(name)
                figures[name] = _run_stage(b, name)
                peaks[name] = _peak_rss_mib()
            cpu.stop()
            progress.stop()
            tree = sampler.report()
        report = _run_report(b, figures, peaks, tree, workers, dask, time.perf_counter() - t0, cpu)
        report.write(stage_dir)
        if not report.counts.accounting_ok:
            c = report.counts
            raise InternalError(
                f"accounting failed: {c.input_records:,} input records but {c.canonical:,} canonical + "
                f"{c.duplicates:,} duplicates + {c.rejects:,} rejects = {c.canonical + c.duplicates + c.rejects:,}; "
                f"this is a dedup bug, please report it (the output is left in {stage_dir}, not in {out})")
        work.discard()   # renamed aside, then deleted: a kill in between leaves no work to resume
        release_lock(stage_dir)
        replace_folder(stage_dir, out)
    except OSError as exc:
        progress.stop()
        release_lock(stage_dir)
        raise output_error(exc, out, stage_dir) from exc
    except BaseException:
        progress.stop()
        release_lock(stage_dir)  # the work stays: the same command resumes it
        raise
    return report


def _run_stage(b: Build, name: str) -> dict[str, Any]:
    """Run one stage unless an earlier run of this build finished it; its figures either way."""
    done = b.work.finished(name, b.fingerprint)
    if done is not None:
        b.resumed.append(name)
        b.progress.reused(name)
        return done
    b.work.forget_from(STAGES, name)
    b.progress.stage(name)
    b._stage = name
    t = time.perf_counter()
    figures = STAGE_FUNCTIONS[name](b)
    release()
    b.phase(None)
    b.timings[name] = round(time.perf_counter() - t, 3)
    b.work.mark_finished(name, b.fingerprint, figures)
    return figures


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises Interrupted in the main thread, so the build stops its workers and keeps its work."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: object) -> None:
        raise Interrupted()

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextmanager
def _engine(dask: DaskOptions | None, workers: int) -> Iterator[Steps]:
    """The engine's steps for the build (and its Dask client, closed at the end)."""
    if dask is None:
        with embedded.steps(workers) as steps:
            yield steps
        return
    with dask_engine.open_client(dask.scheduler, dask.workers or workers, dashboard=dask.dashboard) as client:
        yield dask_engine.steps(client, dask.components)


def _mtime(path: str | Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, ValueError):  # a URL: its size stands for it
        return 0


def _previous_fingerprint(previous: Path | None) -> str | None:
    if previous is None:
        return None
    sums = Path(previous) / "SHA256SUMS"
    return sums.read_text("utf-8") if sums.is_file() else str(Path(previous).resolve())


# ---------------------------------------------------------------- run.json

def _peak_rss_mib(children: bool = False) -> float | None:
    if resource is None:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return round(usage.ru_maxrss / 1024, 1)  # KiB on Linux


def _run_report(b: Build, figures: dict[str, dict[str, Any]], memory: dict[str, float | None],
                tree: dict[str, dict[str, float]], workers: int, dask: DaskOptions | None, elapsed: float,
                cpu: StageCpu) -> RunReport:
    """run.json of the finished build: what the stages recorded and wrote (`run_report.from_build`), with
    how this run ran (its timings, memory peaks, engine) and the near-duplicate parameters."""
    stage_s = dict(b.timings)
    own_rows = figures["write"]["_rows"]["input_records"]
    timings: dict[str, Any] = {
        "read_extract": stage_s.get("ingest", 0.0),
        "cluster_select": round(sum(stage_s.get(s, 0.0) for s in GLOBAL_STAGES), 3),
        "write": stage_s.get("write", 0.0), "total": round(elapsed, 3),
        # a resumed run timed only the work it did: its rows over its seconds would overstate the speed
        "docs_per_s": round(own_rows / elapsed, 1) if elapsed > 0 and not (b.resumed or b.files_reused) else None,
        "workers": workers, "stages": stage_s, "steps": b.step_timings, "resumed": b.resumed,
        "ingest_files_reused": b.files_reused, "engine": "dask" if dask else "embedded",
        "memory_budget": b.budget.to_dict(), "partitions": b.layout,
        # high-water marks of this process after each stage (the stage where it grows sets the peak),
        # and of the largest worker process (embedded engine; Dask workers report to Dask); `tree`: the
        # peaks of this process ("main") and of it plus all its children (workers, a LocalCluster's
        # processes) sampled during each stage
        "peak_rss_mib": {"read_extract": memory.get("ingest"), "cluster_select": memory.get("rights"),
                         "write": memory.get("write"), "extract_workers": _peak_rss_mib(children=True),
                         "stages": memory, "tree": tree},
        # CPU seconds per stage and pages per CPU second: what sizes a machine, where wall time under load does not
        "cpu": cpu.figures(own_rows, tree, bool(b.resumed or b.files_reused)),
    }
    if dask:
        timings["dask"] = {"scheduler": dask.scheduler or "LocalCluster", "workers": dask.workers or workers,
                           "components": dask.components}
    bands, rows = b.config.bands, b.config.rows
    params = {"minhash": hasher(hasher_params(b.config)).params,
              "lsh": {"bands": bands, "rows": rows, "s_curve": s_curve(bands, rows)}}
    return from_build(figures, [(f.name, f.format, n) for f, n in zip(b.files, b.input_bytes)], b.work.stage_dir,
                      previous_run=None if b.previous is None else b.previous.run, near_params=params,
                      near_stages=GLOBAL_STAGES + ("write",), timings=timings, config=b.config.to_dict(),
                      not_read=list(b.not_read))
