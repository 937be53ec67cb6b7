"""Resumable builds: a build stopped in any stage resumes to the same bytes as an uninterrupted one.

- in process, for every stage: the build is stopped as the stage starts (an exception from the
  progress hook stands for the kill), then the same build runs again and reuses the finished stages;
- for real: `dedup build --workers 2` killed with SIGKILL in the middle of ingest leaves no worker
  process behind, and the next run resumes from the files it finished;
- a changed input or setting never reuses old work; a second build of the same OUT is refused while
  the first runs; SIGTERM stops a build like Ctrl-C (exit 130, work kept).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedup.config import BuildConfig
from dedup.errors import OutputError
from dedup.pipeline import STAGES, Progress, build
from dedup.workdir import staging_folder, take_staging

from conftest import SAMPLE_SMALL, parquet_hashes

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "crawl"


class Stop(Exception):
    pass


class StopAt(Progress):
    """Stops the build as stage `name` starts (or, for ingest, after the first file)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.files = 0

    def stage(self, name: str) -> None:
        if name == self.name and name != "ingest":
            raise Stop(name)

    def advance(self, nbytes: int, ndocs: int) -> None:
        if self.name == "ingest" and nbytes:
            self.files += 1
            if self.files == 1:
                raise Stop("ingest")


output_hashes = parquet_hashes


@pytest.fixture(scope="module")
def reference(sample_build) -> dict[str, str]:
    """The Parquet files of an uninterrupted build of the sample crawl, by hash."""
    return output_hashes(sample_build)


@pytest.fixture(scope="module")
def small_reference(small_build) -> dict[str, str]:
    """The Parquet files of an uninterrupted build of the sample crawl's small file, by hash."""
    return output_hashes(small_build)


# every stage with `pytest -m slow` (CI); the last one in a plain `pytest`
QUICK = ("write",)


def crawl_and_reference(request, stage: str, quick: tuple[str, ...] = QUICK) -> tuple[Path, dict[str, str]]:
    """The stage of the quick set on the sample's small file (a quarter of the time: one file, read at once),
    every other stage on the whole sample crawl (ingest stops after the first of its three files); the test
    module's `small_reference` or `reference` fixture."""
    if stage in quick:
        return SAMPLE_SMALL, request.getfixturevalue("small_reference")
    return SAMPLE, request.getfixturevalue("reference")


@pytest.mark.parametrize("stage", [s if s in QUICK else pytest.param(s, marks=pytest.mark.slow) for s in STAGES])
def test_a_build_stopped_in_any_stage_resumes_to_the_same_bytes(tmp_path, request, stage):
    crawl, reference = crawl_and_reference(request, stage)
    out = tmp_path / "out"
    with pytest.raises(Stop):
        build([str(crawl)], out, BuildConfig(), workers=1, progress=StopAt(stage))
    assert not out.exists()  # never a half dataset under the real name
    assert (staging_folder(out) / "_work").is_dir()
    report = build([str(crawl)], out, BuildConfig(), workers=1)
    assert output_hashes(out) == reference
    assert report.timings_s["resumed"] == list(STAGES[:STAGES.index(stage)])
    if stage != "ingest":  # this run's seconds are not the whole build's: no docs/s
        assert report.timings_s["docs_per_s"] is None
    assert report.counts.accounting_ok
    assert not staging_folder(out).exists()


@pytest.mark.slow
def test_changed_settings_never_reuse_old_work(tmp_path, reference):
    out = tmp_path / "out"
    with pytest.raises(Stop):
        build([str(SAMPLE)], out, BuildConfig(), workers=1, progress=StopAt("select"))
    report = build([str(SAMPLE)], out, BuildConfig(verify_jaccard=0.6), workers=1)
    assert report.timings_s["resumed"] == []


@pytest.mark.slow
def test_fresh_discards_old_work(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(Stop):
        build([str(SAMPLE)], out, BuildConfig(), workers=1, progress=StopAt("cluster"))
    report = build([str(SAMPLE)], out, BuildConfig(), workers=1, resume=False)
    assert report.timings_s["resumed"] == []


@pytest.mark.slow
def test_a_second_build_of_the_same_output_is_refused_while_the_first_runs(tmp_path):
    out = tmp_path / "out"
    stage, _ = take_staging(out, resume=True)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (stage / "build.lock").write_text(str(holder.pid))
        with pytest.raises(OutputError, match="another dedup build"):
            build([str(SAMPLE)], out, BuildConfig(), workers=1)
    finally:
        holder.kill()
        holder.wait()
    build([str(SAMPLE)], out, BuildConfig(), workers=1)  # its process is gone: the lock is stale


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _dedup(*args: str) -> list[str]:
    return [sys.executable, "-m", "dedup.cli", *args]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the worker processes (Linux)")
def test_sigkill_mid_ingest_leaves_no_worker_and_resumes(tmp_path, reference):
    crawl = tmp_path / "crawl"
    shutil.copytree(SAMPLE, crawl)
    out = tmp_path / "out"
    proc = subprocess.Popen(_dedup("build", str(crawl), "--out", str(out), "--workers", "2", "--no-progress"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = staging_folder(out) / "_work" / "files"
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in _children_of(proc.pid)]
        if len(workers) >= 2 and list(work.glob("file-*.json")):
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("the build finished before it could be killed (a very fast machine)")
    workers = _children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and "Z" not in (Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[:1])]
    assert not alive, f"worker processes outlived the killed build: {alive}"
    done = subprocess.run(_dedup("build", str(crawl), "--out", str(out), "--workers", "2", "--no-progress"),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert output_hashes(out) == reference
    assert json.loads((out / "run.json").read_text())["counts"]["accounting_ok"]


def _state(pid: int) -> str:
    """The process's state letter from /proc (R running, S sleeping, T stopped, Z exited)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _catches(pid: int, signum: int) -> bool:
    """Whether the process has a handler installed for `signum` (the SigCgt mask in /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the build's signal handler (Linux)")
def test_sigterm_stops_the_build_with_exit_130_and_keeps_the_work(tmp_path):
    """SIGTERM while the stages run. Sent as soon as the work folder appeared, it could arrive after the
    last stage had finished on a loaded machine (the build then ended by the signal, or finished first
    and the signal went to an exited process: exit 0). So the build is frozen (SIGSTOP), the test sees
    that its SIGTERM handler, installed for the stages only, is in place, and the signal is sent before
    the build continues (SIGCONT): it always arrives while the stages run."""
    out = tmp_path / "out"
    proc = subprocess.Popen(_dedup("build", str(SAMPLE), "--out", str(out), "--workers", "1", "--no-progress"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    work = staging_folder(out) / "_work"
    deadline = time.monotonic() + 120
    sent = False
    while not sent and time.monotonic() < deadline and proc.poll() is None:
        if work.is_dir():
            os.kill(proc.pid, signal.SIGSTOP)
            while _state(proc.pid) not in "TZ":
                time.sleep(0.001)
            if _state(proc.pid) == "T" and _catches(proc.pid, signal.SIGTERM):
                os.kill(proc.pid, signal.SIGTERM)  # pending until it continues, with the handler it has now
                sent = True
            os.kill(proc.pid, signal.SIGCONT)
        time.sleep(0.02)
    if not sent:
        proc.kill()
        proc.communicate()
        pytest.skip("the build finished before it could be stopped")
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "resume" in stderr
    assert work.is_dir() and not out.exists()
