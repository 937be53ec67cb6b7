"""build: the stage line of `dedup build`.

    ingest -> keys -> stories -> site_chrome -> sign -> cluster -> select -> rights -> write

Each stage is a function below that reads the outputs of the earlier ones from the work folder
(`dedup/workdir.py`), calls the module that owns its rules, writes its own outputs there, and leaves a
completion marker. A build killed at any point resumes from the last finished stage when the same
command runs again (docs/architecture.md). Where tasks run (this machine's processes, or Dask) is the
engine's business (`dedup/engine/`): a stage only calls `Steps`.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

from dedup import __version__
from dedup.config import BuildConfig
from dedup.engine import dask_engine, embedded
from dedup.engine.steps import DaskOptions, Steps
from dedup.errors import InternalError, OutputError
from dedup.ingest import ingest_file, key_table, reject_where
from dedup.neardup.cluster import near_dup_labels
from dedup.neardup.lsh import VerifyParams
from dedup.neardup.minhash import kernels_cached, s_curve
from dedup.neardup.sign import Signed, hasher, hasher_params, read_signed, sign_documents, write_signed
from dedup.previous import (Previous, load_previous, previous_report, previous_rights, split_previous,
                            with_previous_chrome, with_previous_signatures)
from dedup.rights.merge import cluster_rights, licence_choices
from dedup.run_report import Counts, InputRecord, OutputFile, RunReport
from dedup.select import decide_canonical, provenance, similarity
from dedup.sources import storage
from dedup.sources.read import InputFile, expand_inputs
from dedup.text.blocks import chrome_lookup, count_cross_story_chrome, no_chrome
from dedup.workdir import WorkDir, build_fingerprint, release_lock, take_staging
from dedup.write import write_outputs

__all__ = ["STAGES", "DaskOptions", "Interrupted", "Progress", "build", "check_output"]

STAGES = ("ingest", "keys", "stories", "site_chrome", "sign", "cluster", "select", "rights", "write")
GLOBAL_STAGES = STAGES[1:-1]  # the cross-part steps between ingest and write ("cluster+select" in run.json)


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
        """The running stage has n units of work (parts, documents...)."""

    def step(self, n: int = 1) -> None:
        """n units of the running stage are done."""

    def note(self, message: str) -> None:
        """A one-line notice (the MinHash kernels compiling on a cold cache)."""

    def stop(self) -> None:
        """The build ended (or failed)."""


class Interrupted(BaseException):
    """SIGTERM (what `timeout`, SLURM and `kill` send): stop like Ctrl-C, keeping the work for a resume."""


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
    timings: dict[str, float] = field(default_factory=dict)
    resumed: list[str] = field(default_factory=list)

    @property
    def parts(self) -> list[Path]:
        return self.work.doc_parts()

    def counted_map(self, unit: str = "parts") -> Callable[[Callable[..., Any], list[tuple]], Iterator]:
        """The engine's per-part map, counting finished tasks as the running stage's progress."""
        def run(fn: Callable[..., Any], items: list[tuple]) -> Iterator:
            self.progress.total(len(items), unit)
            for result in self.steps.map(fn, items):
                self.progress.step()
                yield result
        return run

    def keys(self, name: str = "keys") -> pl.DataFrame:
        """A key table of the work folder: keys, keys-selected or keys-final."""
        return pl.read_parquet(self.work.table(name))

    def good(self) -> pl.DataFrame:
        """The documents that were not rejected at ingest, by doc_id (the rows that get signed)."""
        return self.keys().filter(pl.col("reject_reason").is_null()).sort("doc_id")

    def signed(self) -> tuple[Signed, np.ndarray | None, tuple[np.ndarray, np.ndarray] | None]:
        """This build's signatures, merged with the previous release's when there is one."""
        signed = read_signed(self.work.table("signatures"), self.config.num_perm)
        if self.previous is None:
            return signed, None, None
        return with_previous_signatures(self.previous, signed)


# ---------------------------------------------------------------- the stages

def stage_ingest(b: Build) -> dict[str, Any]:
    """Every input file -> one `docs` part (read, extract, within-page blocks). Files whose part was
    finished by an interrupted run are not read again."""
    b.work.docs.mkdir(parents=True, exist_ok=True)
    results: list[dict | None] = [None] * len(b.files)
    todo = []
    for i, inp in enumerate(b.files):
        done = _part_result(b.work.doc_part(i))
        if done is not None:
            results[i] = done
            b.progress.advance(b.input_bytes[i], done["rows"])
        else:
            todo.append(i)

    reported = [0] * len(b.files)  # input bytes already shown, per file (WARC offsets, as records are read)

    def rows_read(j: int, rows: int, nbytes: int) -> None:
        i = todo[j]
        nbytes = max(0, min(nbytes, b.input_bytes[i] - reported[i]))
        reported[i] += nbytes
        b.progress.advance(nbytes, rows)

    def finished(j: int, result: dict) -> None:
        i = todo[j]
        _save_part_result(b.work.doc_part(i), result)
        results[i] = result
        b.progress.advance(b.input_bytes[i] - reported[i], 0)
        reported[i] = b.input_bytes[i]

    items = [(b.files[i], b.work.doc_part(i), b.config.max_payload_bytes) for i in todo]
    b.steps.map_files(ingest_file, items, finished, rows_read)
    return {"files": results}


def stage_keys(b: Build) -> dict[str, Any]:
    """The key table: every input row with its final doc_id (repeated ids rejected)."""
    key_table(b.parts, b.previous.all_ids if b.previous else None).write_parquet(b.work.table("keys"))
    return {}


def stage_stories(b: Build) -> dict[str, Any]:
    """Preliminary stories on the within-page text (pass 1), to count blocks per story and site."""
    if not b.config.site_chrome:
        return {}
    good = b.good()
    _announce_compilation(b)
    signed = sign_documents(b.parts, good, hasher_params(b.config), {}, b.counted_map())
    story, report = near_dup_labels(signed.sigs, signed.sizes, b.config.bands, b.config.rows, b.config.hot_bucket_cap,
                                    VerifyParams.for_stories(b.config), candidate_edges=b.steps.candidate_edges,
                                    components=b.steps.components)
    pl.DataFrame({"doc_id": signed.doc_ids, "doc": np.arange(len(story), dtype=np.int32), "story": story},
                 schema={"doc_id": pl.String, "doc": pl.Int32, "story": pl.Int64}).write_parquet(b.work.table("stories"))
    return {"pass1": report}


def stage_site_chrome(b: Build) -> dict[str, Any]:
    """Blocks repeated across the stories of one site (plus a previous release's chrome)."""
    config, previous = b.config, b.previous
    chrome = no_chrome()
    if config.site_chrome:
        # with a previous release every block counts: its own counts are added below
        min_stories = config.site_min_stories if previous is None else 1
        stories = pl.read_parquet(b.work.table("stories"))
        chrome = b.steps.site_chrome(b.parts, stories, min_stories)
        # short blocks in many different stories of different sites: chrome on every site (small: short
        # blocks only, so counted in this process whatever the engine)
        chrome = pl.concat([chrome, count_cross_story_chrome(b.parts, stories).cast(chrome.schema)]).sort(
            "domain", "block_key")
        if previous is not None:
            chrome = with_previous_chrome(chrome, previous.chrome, config.site_min_stories)
    elif previous is not None:
        chrome = previous.chrome.select(chrome.columns)
    chrome.write_parquet(b.work.table("chrome"))
    return {"site_chrome_blocks": chrome.height}


def stage_sign(b: Build) -> dict[str, Any]:
    """Signatures of every kept document's final text (after the cross-site pass)."""
    lookup = chrome_lookup(pl.read_parquet(b.work.table("chrome")))
    _announce_compilation(b)
    signed = sign_documents(b.parts, b.good(), hasher_params(b.config), lookup, b.counted_map(), with_hashes=True)
    write_signed(signed, b.work.table("signatures"))
    return {}


def stage_cluster(b: Build) -> dict[str, Any]:
    """Verified near-duplicate components over every signed document (a previous release's included)."""
    signed, old, membership = b.signed()
    labels, report = near_dup_labels(signed.sigs, signed.sizes, b.config.bands, b.config.rows,
                                     b.config.hot_bucket_cap, VerifyParams.for_clusters(b.config), previous=old,
                                     membership=membership, candidate_edges=b.steps.candidate_edges,
                                     components=b.steps.components)
    pl.DataFrame({"doc_id": signed.doc_ids, "_label": labels, "_keep": signed.sizes > 0},
                 schema={"doc_id": pl.String, "_label": pl.Int64, "_keep": pl.Boolean}
                 ).write_parquet(b.work.table("clusters"))
    return {"pass2": report}


def stage_select(b: Build) -> dict[str, Any]:
    """One canonical record per cluster, by the configured policy, and each copy's similarity to it."""
    signed, _, _ = b.signed()
    good = b.good()
    # a page that was nothing but site chrome has no text left: it becomes a reject
    own = read_signed(b.work.table("signatures"), b.config.num_perm)
    empty = [d for d, size in zip(own.doc_ids, own.sizes) if size == 0]
    reject_where(b.keys(), empty, "no_text", "every block was repeated site chrome").write_parquet(
        b.work.table("keys-selected"))
    members = pl.read_parquet(b.work.table("clusters")).filter("_keep")
    touched = None
    if b.previous is not None:
        members, touched = split_previous(members, b.previous, b.config.canonical_policy)
    decisions = decide_canonical(members, good, b.config.canonical_policy)
    if touched is not None:
        decisions = pl.concat([decisions, touched.select(decisions.columns)], how="vertical_relaxed")
    hashes = pl.DataFrame({"doc_id": signed.doc_ids, "text_hash": signed.hashes},
                          schema={"doc_id": pl.String, "text_hash": pl.String})
    similarity(decisions, hashes, signed.sigs, signed.index()).write_parquet(b.work.table("selected"))
    return {}


def stage_rights(b: Build) -> dict[str, Any]:
    """What each cluster's copies say together (agency, dateline, wire notice) and the licence class it
    is published under; clusters not selected by --licence become rejects."""
    good = b.good()
    decisions = pl.read_parquet(b.work.table("selected"))
    decisions = decisions.join(cluster_rights(decisions, good), on="cluster_id", how="left")
    if b.previous is not None:
        decisions = previous_rights(decisions, b.previous)
    decisions, not_selected, report = licence_choices(decisions, good, b.config)
    keys = b.keys("keys-selected")
    if not_selected:
        detail = f"its cluster's licence class is not in --licence {','.join(b.config.licence_classes)}"
        keys = reject_where(keys, not_selected, "licence_not_selected", detail)
    locations = good.select("doc_id", "url", "domain")
    if b.previous is not None:
        locations = pl.concat([locations, b.previous.canon.select(locations.columns),
                               b.previous.dups.select(locations.columns)])
    keys.write_parquet(b.work.table("keys-final"))
    decisions.write_parquet(b.work.table("decisions"))
    provenance(decisions, locations).write_parquet(b.work.table("provenance"))
    figures: dict[str, Any] = {"licence_filter": report}
    if b.previous is not None:
        figures["previous"] = previous_report(b.previous, decisions)
    return figures


def stage_write(b: Build) -> dict[str, Any]:
    """Apply the decisions: every output table, sharded, into the staging folder."""
    signed, _, _ = b.signed()
    for folder in ("data", "duplicates", "rejects", "boilerplate", "signatures"):  # a write cut short
        shutil.rmtree(b.work.stage_dir / folder, ignore_errors=True)
    shutil.rmtree(b.work.root / "spill", ignore_errors=True)
    shutil.rmtree(b.work.root / "verdicts", ignore_errors=True)
    outputs, figures = write_outputs(b.parts, b.work.root, b.work.stage_dir, b.keys("keys-final"),
                                     pl.read_parquet(b.work.table("decisions")),
                                     pl.read_parquet(b.work.table("provenance")),
                                     pl.read_parquet(b.work.table("chrome")), signed, b.previous, b.config,
                                     b.counted_map())
    return {"outputs": outputs, **figures}


STAGE_FUNCTIONS: dict[str, Callable[[Build], dict[str, Any]]] = {
    "ingest": stage_ingest, "keys": stage_keys, "stories": stage_stories, "site_chrome": stage_site_chrome,
    "sign": stage_sign, "cluster": stage_cluster, "select": stage_select, "rights": stage_rights,
    "write": stage_write,
}


# ---------------------------------------------------------------- running them

def build(inputs: list[str], out: Path, config: BuildConfig, *, workers: int = 1, overwrite: bool = False,
          progress: Progress | None = None, previous: Path | None = None,
          dask: DaskOptions | None = None, resume: bool = True) -> RunReport:
    """Build the dataset of `inputs` into `out`. With `previous` (a packaged release), the output is its
    next version: every previous record carried over with the same doc_id, new documents deduplicated
    against it as well as among themselves. With `resume`, the work an interrupted run of the same
    inputs and config left behind is reused."""
    out = Path(out)
    progress = progress or Progress()
    files = expand_inputs(inputs)
    check_output(out, overwrite, files, previous)
    prev = None
    if previous is not None:
        prev = load_previous(Path(previous), hasher(hasher_params(config)).params, config.bands, config.rows)
    input_bytes = [storage.size(f.path) for f in files]  # once: for a URL each is a request
    fingerprint = build_fingerprint([(f.name, n, _mtime(f.path)) for f, n in zip(files, input_bytes)],
                                    config.sha256(), _previous_fingerprint(previous))
    stage_dir, _ = take_staging(out, resume)
    work = WorkDir(stage_dir)
    t0 = time.perf_counter()
    try:
        with _terminate_as_interrupt(), _engine(dask, workers) as steps:
            work.prepare(fingerprint)
            b = Build(files, input_bytes, work, config, prev, steps, progress, fingerprint)
            progress.start(sum(input_bytes), len(files))
            figures: dict[str, dict[str, Any]] = {}
            memory: dict[str, float | None] = {}
            for name in STAGES:
                figures[name] = _run_stage(b, name)
                memory[name] = _peak_rss_mib()
            progress.stop()
        report = _run_report(b, figures, memory, workers, dask, time.perf_counter() - t0)
        report.write(stage_dir)
        if not report.counts.accounting_ok:
            c = report.counts
            raise InternalError(
                f"accounting failed: {c.input_records:,} input records but {c.canonical:,} canonical + "
                f"{c.duplicates:,} duplicates + {c.rejects:,} rejects = {c.canonical + c.duplicates + c.rejects:,}; "
                f"this is a dedup bug, please report it (the output is left in {stage_dir}, not in {out})")
        shutil.rmtree(work.root)
        release_lock(stage_dir)
        if out.exists():
            shutil.rmtree(out)
        os.replace(stage_dir, out)
    except OSError as exc:
        progress.stop()
        release_lock(stage_dir)
        raise _output_error(exc, out, stage_dir) from exc
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
    t = time.perf_counter()
    figures = STAGE_FUNCTIONS[name](b)
    b.timings[name] = round(time.perf_counter() - t, 3)
    b.work.mark_finished(name, b.fingerprint, figures)
    return figures


def check_output(out: Path, overwrite: bool, files: list[InputFile], previous: Path | None) -> None:
    """Refuse, before anything is read or written, an output folder that would destroy an input."""
    if out.is_symlink():
        raise OutputError(f"--out {out} is a symbolic link; give the folder it points to, or another folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise OutputError(f"--out {out} is not empty; choose another folder or pass --overwrite")
    target = out.resolve()
    for f in files:
        if storage.is_url(f.path):
            continue
        source = Path(f.path).resolve()
        if source == target or target in source.parents:
            raise OutputError(f"--out {out} contains the input {f.path}: the build would delete its own crawl; "
                              "write the output to another folder")
    if previous is not None:
        prev = Path(previous).resolve()
        if prev == target or target in prev.parents or prev in target.parents:
            raise OutputError(f"--out {out} and --previous {previous} overlap; write the next release to a "
                              "folder outside the previous one")


def _output_error(exc: OSError, out: Path, stage_dir: Path) -> BaseException:
    """A failed write of the output (full disk, I/O error) -> OutputError saying what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"no space left on the device while writing {out} ({exc.filename or stage_dir}); "
                           f"free some space and run the same command again: the finished stages are kept "
                           f"in {stage_dir} and resume")
    if exc.errno in (errno.EIO, errno.EROFS, errno.EACCES, errno.EPERM):
        return OutputError(f"cannot write {exc.filename or stage_dir}: {exc.strerror}; check the storage and "
                           f"run the same command again to resume")
    return exc


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


def _announce_compilation(b: Build) -> None:
    """Say so when the MinHash kernels are about to be compiled (a cold numba cache: 10-20 s once)."""
    if not kernels_cached():
        b.progress.note("compiling the MinHash kernels (once per dedup version: 10-20 s)")


# ---------------------------------------------------------------- ingest bookkeeping

def _part_result(part: Path) -> dict | None:
    """A part an earlier run finished: its sidecar (rows, reader counters), written after the part."""
    try:
        result = json.loads(part.with_suffix(".json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return result if part.is_file() and isinstance(result, dict) and "rows" in result else None


def _save_part_result(part: Path, result: dict) -> None:
    tmp = part.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, sort_keys=True), "utf-8")
    os.replace(tmp, part.with_suffix(".json"))


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


def _run_report(b: Build, figures: dict[str, dict[str, Any]], memory: dict[str, float | None], workers: int,
                dask: DaskOptions | None, elapsed: float) -> RunReport:
    """Counts of the whole release (a previous release's records included), from the files written."""
    stats: Counter = Counter()
    for r in figures["ingest"]["files"]:
        stats.update(r["stats"])
    keys = b.keys("keys-final")
    by_reason = Counter(keys.filter(pl.col("reject_reason").is_not_null())["reject_reason"].to_list())
    n_rows, skipped = keys.height, stats.get("skipped", 0)
    previous = b.previous
    if previous is not None:
        by_reason.update(previous.run.get("rejects_by_reason", {}))
        n_rows += previous.run.get("counts", {}).get("input_records", 0)
        skipped += previous.run.get("counts", {}).get("skipped_records", 0)
    outputs = {k: [OutputFile(f["file"], f["rows"]) for f in v] for k, v in figures["write"]["outputs"].items()}
    written = {k: sum(f.rows for f in v) for k, v in outputs.items()}
    data = [pl.read_parquet(b.work.stage_dir / f.file, columns=["cluster_size", "language"]) for f in outputs["data"]]
    data = pl.concat(data) if data else pl.DataFrame(schema={"cluster_size": pl.Int64, "language": pl.String})
    sizes = data["cluster_size"]
    languages = Counter(lang or "und" for lang in data["language"].to_list())
    counts = Counts(input_records=n_rows, canonical=written.get("data", 0), duplicates=written.get("duplicates", 0),
                    rejects=written.get("rejects", 0), clusters=written.get("data", 0),
                    clusters_with_copies=int((sizes > 1).sum()), skipped_records=skipped)
    stage_s = dict(b.timings)
    timings: dict[str, Any] = {
        "read_extract": stage_s.get("ingest", 0.0),
        "cluster_select": round(sum(stage_s.get(s, 0.0) for s in GLOBAL_STAGES), 3),
        "write": stage_s.get("write", 0.0), "total": round(elapsed, 3),
        "docs_per_s": round(keys.height / elapsed, 1) if elapsed > 0 else None, "workers": workers,
        "stages": stage_s, "resumed": b.resumed, "engine": "dask" if dask else "embedded",
        # high-water marks of this process after each stage (the stage where it grows sets the peak),
        # and of the largest worker process (embedded engine; Dask workers report to Dask)
        "peak_rss_mib": {"read_extract": memory.get("ingest"), "cluster_select": memory.get("rights"),
                         "write": memory.get("write"), "extract_workers": _peak_rss_mib(children=True),
                         "stages": memory},
    }
    if dask:
        timings["dask"] = {"scheduler": dask.scheduler or "LocalCluster", "workers": dask.workers or workers,
                           "components": dask.components}
    minhash = hasher(hasher_params(b.config)).params
    near = {"minhash": minhash, "lsh": {"bands": b.config.bands, "rows": b.config.rows,
                                        "s_curve": s_curve(b.config.bands, b.config.rows)}}
    for name in GLOBAL_STAGES + ("write",):
        near.update({k: v for k, v in figures[name].items() if k not in ("outputs", "previous")})
    return RunReport(
        counts=counts, rejects_by_reason=dict(sorted(by_reason.items())),
        skipped_by_type={k.split(".", 1)[1]: v for k, v in sorted(stats.items())
                         if k.startswith("records.") and k.split(".", 1)[1] in
                         ("request", "metadata", "warcinfo", "arc_header")},
        outputs=outputs, timings_s=timings,
        inputs=[InputRecord(f.name, f.format, n) for f, n in zip(b.files, b.input_bytes)],
        config=b.config.to_dict(),
        versions={"dedup": __version__, "python": platform.python_version(), "pyarrow": pa.__version__,
                  "polars": pl.__version__},
        near_duplicates=near, previous=figures["rights"].get("previous", {}),
        languages=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        finished_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

