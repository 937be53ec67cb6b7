"""What the stages of one build share (`Build`: its files, work folder, config, engine, budget and
figures), the hooks the CLI draws while it runs (`Progress`), and the stages' small common steps (a fresh work
subfolder, the notice before the MinHash kernels compile). `dedup/pipeline.py` runs the stages with it."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.config import BuildConfig
from dedup.engine.steps import Steps
from dedup.errors import InternalError
from dedup.keys import NEW, PREVIOUS_SIGNED, PREVIOUS_TAKEN, Source
from dedup.memory import Budget
from dedup.neardup.minhash import kernels_cached
from dedup.previous import Previous
from dedup.run_report import FileNotRead
from dedup.sources.inputs import InputFile
from dedup.workdir import WorkDir


class Progress:
    """What the CLI shows while a build runs; the pipeline only calls these hooks."""

    def start(self, total_bytes: int, n_files: int) -> None:
        """The build starts: this many input bytes in this many files."""

    def advance(self, nbytes: int, ndocs: int) -> None:
        """Ingest: input bytes read and documents extracted since the last call."""

    def stage(self, name: str) -> None:
        """A stage starts."""

    def reused(self, name: str) -> None:
        """A stage an interrupted run of the same build finished is reused, not run."""

    def total(self, n: int, unit: str) -> None:
        """The running stage has n units of work (parts, documents, the tasks of one of its steps...)."""

    def step(self, n: int = 1) -> None:
        """n units of the running stage are done."""

    def note(self, message: str) -> None:
        """A one-line notice (the MinHash kernels compiling on a cold cache)."""

    def stop(self) -> None:
        """The build ended (or failed)."""


@dataclass
class Build:
    """What the stages of one build share: where its work is, what it reads, where tasks run."""

    files: list[InputFile]
    input_bytes: list[int]
    work: WorkDir
    config: BuildConfig
    previous: Previous | None
    steps: Steps
    progress: Progress
    fingerprint: str
    budget: Budget = field(default_factory=lambda: Budget.default(1))
    timings: dict[str, float] = field(default_factory=dict)
    step_timings: dict[str, dict[str, float]] = field(default_factory=dict)
    layout: dict[str, int] = field(default_factory=dict)  # how many partitions each step used (run.json)
    resumed: list[str] = field(default_factory=list)
    files_reused: int = 0  # input files an interrupted run had read (their docs parts kept)
    not_read: list[FileNotRead] = field(default_factory=list)  # files of the crawl folders not read (run.json)
    _step: tuple[str, str, float] | None = None
    _stage: str = ""
    _parts: list[Path] | None = None  # `parts`, once the ingest recorded them (its marker is read once, not per call)

    @property
    def parts(self) -> list[Path]:
        """The docs parts the global stages and the write read: small input files gathered (stage ingest)."""
        if self._parts is None:
            self._parts = self.work.doc_parts(self.figures("ingest")["parts"])
        return self._parts

    def sources(self) -> list[Source]:
        """Where key rows come from: the docs parts, then the previous release's signatures (signed
        documents) and its data, duplicates and rejects (taken ids)."""
        sources = [Source(NEW, p) for p in self.parts]
        if self.previous is not None:
            sources += [Source(PREVIOUS_SIGNED, f) for f in self.previous.files("signatures")]
            sources += [Source(PREVIOUS_TAKEN, f) for t in ("data", "duplicates", "rejects")
                        for f in self.previous.files(t)]
        return sources

    def keys_file(self, source: int) -> Path:
        """The keys of one source (`keys.gather_source`), row-aligned with it."""
        return self.work.folder("keys") / f"src-{source:05d}.arrow"

    def figures(self, stage: str) -> dict[str, Any]:
        """What a finished stage recorded (its marker)."""
        done = self.work.finished(stage, self.fingerprint)
        if done is None:
            raise InternalError(f"stage {stage} is not finished")
        return done

    @property
    def n(self) -> int:
        """How many documents have a global index (this crawl's signed ones and a previous release's)."""
        return int(self.figures("keys")["_index"]["n"])

    def phase(self, name: str | None) -> None:
        """A step of the running stage starts (None: the stage ends): timed for run.json."""
        now = time.perf_counter()
        if self._step is not None:
            stage, previous, t = self._step
            self.step_timings.setdefault(stage, {})[previous] = round(now - t, 3)
        self._step = (self._stage, name, now) if name is not None else None

    def map(self, fn: Callable[..., Any], items: list[tuple], unit: str | None = None) -> list:
        """Tasks of a stage through the engine, each finished one counted as the stage's progress."""
        self.progress.total(len(items), unit or fn.__name__.replace("_", " "))
        shown = [0]

        def done(finished: int, total: int) -> None:
            self.progress.step(finished - shown[0])
            shown[0] = finished
        return self.steps.map(fn, items, done)


def fresh(folder: Path) -> Path:
    """An empty work subfolder (what an interrupted run of the stage left is dropped)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def announce_compilation(b: Build) -> None:
    """Say so when the MinHash kernels are about to be compiled (a cold numba cache: 10-20 s once)."""
    if not kernels_cached():
        b.progress.note("compiling the MinHash kernels (once per dedup version: 10-20 s)")


