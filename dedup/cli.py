"""The `dedup` command line. Commands stay thin: parse options, call a stage, print the outcome.

Exit codes: 0 success; 1 internal error (a bug: please report it); 2 bad usage or input that cannot be
used at all (missing input, unwritable or non-empty output, invalid config); 3 a release that does not
verify (`dedup release`, `dedup verify`); 130 interrupted (Ctrl-C or SIGTERM: the work is kept and resumes).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer import core
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from dedup import __version__
from dedup.config import load_config
from dedup.errors import ConfigError, DedupError
from dedup.neardup.explain import explain_pair, lookup
from dedup.removals import describe as describe_removals
from dedup.rights.credit_sources import credit_sources
from dedup.release.files import SUMS, sha256_file
from dedup.release.creator import NO_CREATOR, given_creator
from dedup.release.package import package
from dedup.release.verify import verify as verify_release
from dedup.release.publish import parse_destination, publish_to_dir, publish_to_hub, publish_to_store
from dedup.pipeline import DaskOptions, Interrupted
from dedup.pipeline import Progress as PipelineProgress
from dedup.pipeline import build as run_build
from dedup.rehydrate import rehydrate as run_rehydrate
from dedup.stats import render, summarise
from dedup.reject_hints import many_rejects_line
from dedup.run_report import TIMINGS_JSON, RunReport
from dedup.words import counted, per_second, plural
from dedup.workdir import staging_folder

app = typer.Typer(
    help="Turn web-crawl dumps into a clean, deduplicated, citable research dataset. The HTML report "
         "(report.html) and the dataset card are written by `dedup release OUT`; `dedup stats OUT` prints the "
         "figures in the terminal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: wrapped to the terminal, nothing cut with "…", and "[default: ...]" shown as written
    # (Rich markup read it as a style tag and dropped it)
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
err = Console(stderr=True)


def _plain_argument_help() -> None:
    """Typer writes an argument as `{CRAWL...}...` in the usage line and adds its Python type
    (`<list[str]>`, `<path>`) in the help; here both read as the metavar alone, `CRAWL...`."""
    if hasattr(core.TyperArgument, "display_type_rich"):
        core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "_usage_display_name"):
        core.TyperArgument._usage_display_name = (  # type: ignore[method-assign]
            lambda self: self.metavar or self.name.upper())


_plain_argument_help()


class RichProgress(PipelineProgress):
    """One line per stage on stderr: ingest in input bytes with documents per second, the other stages
    with their own counts (parts signed, written...); silent when stderr is not a terminal. Keeps the
    names of the stages finished, for the line an interruption prints."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.docs = 0
        self.t0 = time.perf_counter()
        self.current: str | None = None
        self.finished: list[str] = []
        self.n_files = 0
        self.total_bytes = 0
        self.unit = ""

    def start(self, total_bytes: int, n_files: int) -> None:
        """Open the display; ingest counts the input bytes of the build."""
        self.n_files, self.total_bytes = n_files, total_bytes
        if self.enabled:
            self.bar = Progress(TextColumn("{task.description:<12}"), BarColumn(bar_width=24),
                                TextColumn("{task.fields[count]}"), TimeElapsedColumn(), console=err,
                                transient=False)
            self.bar.start()

    def _done(self) -> None:
        if self.current is not None:
            self.finished.append(self.current)
            if self.bar is not None and self.task is not None:
                task = self.bar.tasks[self.task]
                self.bar.update(self.task, total=task.total or 1, completed=task.total or 1)
        self.current = None

    def stage(self, name: str) -> None:
        """A stage starts: a new line, with the stage's own counts."""
        self._done()
        self.current = name
        if self.bar is None:
            return
        if name == "ingest":
            self.task = self.bar.add_task(name, total=self.total_bytes or None, count=self._ingest_count(0))
        else:
            self.task = self.bar.add_task(name, total=None, count="")

    def reused(self, name: str) -> None:
        """A stage finished by an interrupted run of the same build."""
        self._done()
        self.finished.append(name)
        if self.bar is not None:
            self.bar.add_task(name, total=1, completed=1, count="reused from the interrupted run")

    def _ingest_count(self, done: float) -> str:
        rate = per_second(self.docs, time.perf_counter() - self.t0)
        return (f"{done / 1e6:,.1f}/{self.total_bytes / 1e6:,.1f} MB · {counted(self.docs, 'doc')}"
                + (f" · {rate} docs/s" if rate else "") if self.total_bytes else counted(self.docs, "doc"))

    def advance(self, nbytes: int, ndocs: int) -> None:
        """Ingest: bytes read and documents extracted."""
        self.docs += ndocs
        if self.bar is not None and self.task is not None and self.current == "ingest":
            self.bar.advance(self.task, nbytes)
            self.bar.update(self.task, count=self._ingest_count(self.bar.tasks[self.task].completed))

    def total(self, n: int, unit: str) -> None:
        """The running stage's units of work."""
        self.unit = unit
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, total=n, completed=0, count=f"0/{n:,} {unit}")

    def step(self, n: int = 1) -> None:
        """Units of the running stage done."""
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task, n)
            task = self.bar.tasks[self.task]
            self.bar.update(self.task, count=f"{task.completed:,.0f}/{task.total or 0:,.0f} {self.unit}")

    def note(self, message: str) -> None:
        """A notice above the bars (or alone, without them)."""
        if self.bar is not None:
            self.bar.console.print(message, highlight=False)
        elif self.enabled:
            err.print(message, highlight=False)

    def stop(self) -> None:
        """Close the display; the running stage stays 'current' if the build did not finish it."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dedup {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                     help="Print the version and exit.")] = None,
) -> None:
    """dedup: read crawl dumps, extract text, remove duplicates, write Parquet."""


@app.command(short_help="Build a deduplicated dataset from crawl dumps.")
def build(
    crawl: Annotated[list[str], typer.Argument(
        metavar="CRAWL...", help="Crawl dumps: WARC/WET/ARC files (gzip or plain), JSONL (.jsonl, .jsonl.gz, .jsonl.zst) or "
             "Parquet files with id/url/html|text columns; folders (searched recursively) and globs too, "
             "local or as fsspec URLs (s3://bucket/crawl/; needs s3fs).",
        show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="OUT", help="Output folder for the dataset (created).",
                                      show_default=False)],
    config: Annotated[Optional[Path], typer.Option(
        "--config", "-c", metavar="FILE",
        help="TOML file with build settings (see docs/configuration.md), or a build's run.json (its settings: how a "
             "release is rebuilt).")] = None,
    preset: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="Parameter preset: 'news' (tuned for syndicated news) or 'fineweb' (the FineWeb reference "
             "setting: word 5-grams, 14 bands x 8 rows) [default: news].", show_default=False)] = None,
    workers: Annotated[int, typer.Option(
        metavar="N", help="Processes for reading and extraction (0 = one per CPU core, or none besides this one for a "
             "crawl under 4 MiB a core).", min=0)] = 0,
    shard_mb: Annotated[Optional[int], typer.Option(
        metavar="MB", help="Target uncompressed size of one data shard in MiB [default: 512].", min=1)] = None,
    licence: Annotated[Optional[str], typer.Option(
        "--licence", metavar="CLASSES", help="Publish only records of these licence classes, comma-separated: open, nc, nd, "
                          "all-rights-reserved, noassertion (the other clusters become rejects) [default: all].",
        show_default=False)] = None,
    withhold_text: Annotated[Optional[str], typer.Option(
        "--withhold-text", metavar="CLASSES", help="Publish records of these licence classes without their text (URL, WARC file and "
                                "offset kept for rehydration), comma-separated.", show_default=False)] = None,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace an earlier build's output in OUT (a folder of other files is refused).")] = False,
    previous: Annotated[Optional[Path], typer.Option(
        "--previous", metavar="RELEASE", help="A packaged release this build follows: its records are carried over with the same "
                           "doc_ids and the crawl is deduplicated against them too (build settings must match).",
        show_default=False)] = None,
    engine: Annotated[str, typer.Option(
        metavar="ENGINE", help="'embedded' (this machine: processes + polars) or 'dask' (a Dask cluster: docs/scale-out.md). "
             "Both write the same bytes.")] = "embedded",
    scheduler: Annotated[Optional[str], typer.Option(
        metavar="ADDRESS", help="--engine dask: address of a running Dask scheduler (tcp://HOST:8786), or 'threads' (no cluster) "
             "[default: a LocalCluster of --workers workers on 127.0.0.1].", show_default=False)] = None,
    dask_components: Annotated[str, typer.Option(
        metavar="MODE", help="--engine dask: connected components 'gather'ed to this process, or 'star' rounds on Dask "
             "(large-star/small-star), or 'auto' (gather up to 50M edges).")] = "auto",
    dashboard: Annotated[bool, typer.Option(
        "--dashboard", help="--engine dask: serve the LocalCluster's dashboard (on 127.0.0.1).")] = False,
    progress: Annotated[Optional[bool], typer.Option(
        "--progress/--no-progress", help="Show a progress bar [default: when stderr is a terminal].",
        show_default=False)] = None,
    resume: Annotated[bool, typer.Option(
        "--resume/--fresh", help="Reuse the finished stages of an interrupted build of the same inputs and "
                                 "settings (kept in .OUT.partial next to OUT), or start afresh.")] = True,
    memory: Annotated[Optional[str], typer.Option(
        "--memory", metavar="SIZE", help="Memory budget of the global steps, for all processes together (4G, 512M...): it sets "
                         "their partition sizes, never the output [default: 1/8 of this machine's RAM].",
        show_default=False)] = None,
) -> None:
    """Build a deduplicated dataset from crawl dumps into OUT (data/, duplicates/, rejects/, run.json).

    Every input record ends in exactly one place: a canonical record in data/, a row in duplicates/
    pointing at its canonical, or a row in rejects/ with the reason. Same inputs, same bytes out.
    """
    bar = RichProgress(sys.stderr.isatty() if progress is None else progress)
    try:
        cfg = load_config(config, preset=preset, shard_bytes=shard_mb * 1024 * 1024 if shard_mb else None,
                          licence_classes=licence, withhold_text=withhold_text)
        summary = run_build(crawl, out, cfg, workers=workers, overwrite=overwrite, progress=bar,
                            previous=previous, dask=dask_options(engine, scheduler, dask_components, dashboard),
                            resume=resume, memory=memory)
    except DedupError as exc:
        print_error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except (KeyboardInterrupt, Interrupted):
        err.print(interrupted_line(bar, staging_folder(out)), highlight=False, soft_wrap=True)
        raise typer.Exit(130) from None
    c = summary.counts
    typer.echo(read_line(summary))
    typer.echo(f"  canonical   {c.canonical:>9,}  (in {counted(c.clusters_with_copies, 'cluster')} with copies)")
    typer.echo(f"  duplicates  {c.duplicates:>9,}")
    typer.echo(f"  rejects     {c.rejects:>9,}" + (
        "  (" + ", ".join(f"{k}: {v}" for k, v in summary.rejects_by_reason.items()) + ")"
        if summary.rejects_by_reason else ""))
    if many := many_rejects_line(c.input_records, summary.rejects_by_reason):  # the top reason and its fix
        typer.echo("              " + many)
    typer.echo(f"  skipped     {c.skipped_records:>9,}  non-page WARC records (request, metadata, warcinfo; continuations joined)")
    if unknown := sum(summary.unknown_fetch_times.values()):
        typer.echo(f"  fetch time  {unknown:>9,}  {plural(unknown, 'record')} whose fetched_at / WARC-Date is no fetch "
                   "time, now null ("
                   + ", ".join(f"{k}: {v}" for k, v in summary.unknown_fetch_times.items()) + ")")
    if tolerated := sum(summary.tolerated.values()):
        # warc_header_line_without_colon counts records, parquet_column_given_twice columns (once per file)
        typer.echo(f"  tolerated   {tolerated:>9,}  {plural(tolerated, 'flaw')} read past, their records kept, counted "
                   "in run.json ("
                   + ", ".join(f"{k}: {v}" for k, v in summary.tolerated.items()) + ")")
    if summary.files_not_read:
        named = ", ".join(shown_name(f.file) for f in summary.files_not_read[:5]) + (
            f" and {len(summary.files_not_read) - 5:,} more" if len(summary.files_not_read) > 5 else "")
        typer.echo(f"  not read    {len(summary.files_not_read):>9,}  {plural(len(summary.files_not_read), 'file')} "
                   "given or in the crawl folders, not crawl "
                   f"data (why: run.json files_not_read): {named}")
    empty = [i.file for i in summary.inputs if i.gave_nothing]
    if empty:
        named = ", ".join(shown_name(f) for f in empty[:5]) + (
            f" and {len(empty) - 5:,} more" if len(empty) > 5 else "")
        typer.echo(f"  no records  {len(empty):>9,}  input {plural(len(empty), 'file')} gave none (empty): {named}")
    if summary.previous:
        p = summary.previous
        typer.echo(f"  against {p['name']} {p['version']}: {p['new_canonical']:,} new canonical, "
                   f"{counted(p['new_duplicates'], 'new duplicate')} ({p['new_duplicates_of_previous']:,} of "
                   f"previous records), {p['demoted_canonical']:,} previous canonical demoted by a merge")
    stages = summary.timings_s.get("stages") or {}
    if stages:
        typer.echo("  stages      " + ", ".join(f"{name} {s:,.1f} s" for name, s in stages.items()))
    typer.echo(f"wrote {out}/ (summary in {out}/run.json; timings and memory in {out}/{TIMINGS_JSON})")


def read_line(summary: RunReport) -> str:
    """The build summary's first line: the records of the files read (a previous release's carried records
    apart: they were counted as read, `read 2,000 records from 2 files` for files of 1,000), time and speed."""
    read, _ = summary.read_here()
    carried = summary.counts.input_records - read
    resumed = summary.timings_s.get("resumed") or []
    total = float(summary.timings_s.get("total") or 0.0)
    files_reused = int(summary.timings_s.get("ingest_files_reused") or 0)
    if resumed or files_reused:  # this run's seconds cover only the work it did: no rate for the whole build
        after = (f"after {resumed[-1]}" if resumed else
                 f"whose run had read {files_reused:,} of the {counted(len(summary.inputs), 'input file')}")
        took = (f"; this run took {total:.1f} s, resuming an interrupted build {after} (the work reused is not "
                "timed, so no docs/s)")
    else:
        rate = per_second(read, total)
        took = f" in {total:.1f} s" + (f" ({rate} docs/s)" if rate else "")
    return (f"read {counted(read, 'record')} from {counted(len(summary.inputs), 'file')}"
            + (f" (and {carried:,} carried from {summary.previous.get('name', 'the previous release')} "
               f"{summary.previous.get('version', '')})".replace(" )", ")") if summary.previous else "")
            + took)


def interrupted_line(bar: RichProgress, kept_in: Path) -> str:
    """The one line a Ctrl-C (or SIGTERM) prints: where it stopped, what was kept, how to go on."""
    where = f" during {bar.current}" if bar.current else ""
    kept = (f"the finished stages ({', '.join(bar.finished)}) are kept" if bar.finished else
            "the input files already read are kept" if bar.current == "ingest" else "nothing was finished")
    return (f"interrupted{where}: {kept} in {kept_in}; run the same command again to resume "
            "(--fresh starts over)")


def dask_options(engine: str, scheduler: str | None, components: str, dashboard: bool) -> DaskOptions | None:
    """--engine and the Dask options -> DaskOptions (None: the embedded engine), or ConfigError."""
    if engine not in ("embedded", "dask"):
        raise ConfigError(f"--engine {engine!r}: choose 'embedded' or 'dask'")
    if components not in ("auto", "gather", "star"):
        raise ConfigError(f"--dask-components {components!r}: choose auto, gather or star")
    if engine == "embedded":
        if scheduler or dashboard or components != "auto":
            raise ConfigError("--scheduler, --dask-components and --dashboard need --engine dask")
        return None
    return DaskOptions(scheduler=scheduler, components=components, dashboard=dashboard)


@app.command(short_help="Package a build as a release (card, report.html, checksums, Croissant).")
def release(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="The --out folder of a build.", show_default=False)],
    name: Annotated[Optional[str], typer.Option(metavar="NAME", help=(
        "Dataset name [default: the previous release's name, else one made from the records: genre, main "
        "language and months fetched, e.g. news-en-2024-05]."), show_default=False)] = None,
    version: Annotated[Optional[str], typer.Option(
        metavar="X.Y.Z", help="Release version (semver x.y.z) [default: 1.0.0, or the previous release's version bumped: "
             "major when records left data/ or changed folder, minor when records were added, else patch].",
        show_default=False)] = None,
    url: Annotated[Optional[str], typer.Option(metavar="URL", help="Where the release will be published (for Croissant).")] = None,
    creator: Annotated[Optional[str], typer.Option(metavar="NAME", help=(
        "Who made the release (Croissant `creator`, the citation's author) [default: the previous release's].")
    )] = None,
    creator_type: Annotated[Optional[str], typer.Option(metavar="person|organization", help="What --creator is.")] = None,
    creator_url: Annotated[Optional[str], typer.Option(metavar="URL", help="The creator's page (or ORCID / ROR id).")] = None,
) -> None:
    """Package a build as a release: dataset card, report.html (charts), Croissant metadata, manifest,
    licences, changelog, SHA256SUMS; then verify it."""
    try:
        manifest = package(out, name=name, version=version, url=url,
                           creator=given_creator(creator, creator_type, creator_url))
    except DedupError as exc:
        print_error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    _fail_on_problems(verify_release(out))
    cff = ", CITATION.cff" if "creator" in manifest else ""  # written only with a creator (audit round 14)
    typer.echo(f"packaged and verified {out}/ (README.md, report.html, croissant.json{cff}, manifest.json, SHA256SUMS)")
    if "creator" not in manifest:
        typer.echo(f"note: the release {NO_CREATOR}")


@app.command(short_help="Re-check a release: checksums, manifest, schemas, counts.")
def verify(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="A release folder (made by `dedup release`).",
                                        show_default=False)],
) -> None:
    """Re-check a release: checksums, manifest, schemas, row counts and the accounting invariant. Exit
    code 3 and one line per problem when anything is wrong (a build never released: run `dedup release`);
    on success, the sha256 of SHA256SUMS to compare with the one the publisher states."""
    if not out.is_dir():
        print_error(f"{out}: not a folder; give the folder of a packaged release")
        raise typer.Exit(2)
    _fail_on_problems(verify_release(out))
    typer.echo(f"{out}/ verifies: checksums, manifest, schemas, row counts and accounting hold; "
               f"{SUMS} sha256 {sha256_file(out / SUMS)}")


@app.command(short_help="Copy or upload a verified release.")
def publish(
    release: Annotated[Path, typer.Argument(metavar="RELEASE", help="A release folder (made by `dedup release`).",
                                            show_default=False)],
    to: Annotated[str, typer.Option("--to", metavar="DESTINATION", help="A local folder (a verified copy), an object-store URL such as "
                                                 "s3://bucket/prefix (fsspec; needs s3fs, gcsfs...) or "
                                                 "hf://datasets/OWNER/NAME (a Hugging Face dataset repository).",
                                            show_default=False)],
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace a non-empty local folder or object-store prefix.")] = False,
    private: Annotated[bool, typer.Option(
        "--private", help="Create the Hub repository as private (hf:// only; an existing one keeps its "
                          "visibility).")] = False,
) -> None:
    """Publish a release after verifying it: copy it to a local folder (verified again there) or upload
    it to a Hugging Face dataset repository (token from HF_TOKEN or `huggingface-cli login`)."""
    try:
        kind, where = parse_destination(to)
        if kind == "hub":
            if overwrite:
                raise ConfigError("--overwrite applies to local folders and object stores only")
            url = publish_to_hub(release, where, private=private)
            typer.echo(f"published {release}/ to {url}")
        else:
            if private:
                raise ConfigError("--private applies to hf:// destinations only")
            if kind == "store":
                publish_to_store(release, where, overwrite=overwrite)
                typer.echo(f"published {release}/ to {where}/ (every object read back and checked)")
            else:
                publish_to_dir(release, Path(where), overwrite=overwrite)
                typer.echo(f"published {release}/ to {where}/ (copy verified)")
    except DedupError as exc:
        print_error(str(exc))
        _fail_on_problems(getattr(exc, "problems", []))  # a release that does not verify: exit code 3
        raise typer.Exit(exc.exit_code) from None


def _fail_on_problems(problems: list[str]) -> None:
    """One line per problem on stderr, then exit code 3."""
    for problem in problems:
        print_error(problem, "problem")
    if problems:
        raise typer.Exit(3)


@app.command(short_help="Why a document ended where it did, or two were (not) clustered.")
def explain(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="The --out folder of a build.", show_default=False)],
    doc_ids: Annotated[list[str], typer.Argument(metavar="DOC_ID [DOC_ID]", help="One doc_id (where it ended and why) or two (why they "
                                                      "were or were not clustered).", show_default=False)],
) -> None:
    """Explain the outcome for one document, or why two documents were or were not clustered."""
    try:
        if len(doc_ids) == 1:
            row = lookup(out, doc_ids[0])
            for key, value in row.items():
                if key == "text":
                    continue
                echo_safe(f"{key:>24}: {shown_name(str(value))}")   # one line a field (round 17)
            removed = describe_removals(out, row)  # which blocks the record's text lost, and why
            echo_safe(f"{'removed':>24}: {removed[0]}")
            for line in removed[1:]:
                echo_safe(f"{'':>26}{line}")
            if row["table"] in ("data", "duplicates") and "url" in row:  # each credit part's evidence (round 13)
                for i, line in enumerate(credit_sources(row)):
                    echo_safe(f"{'credit' if i == 0 else '':>24}{':' if i == 0 else ' '} {shown_name(line)}")
            if row["table"] == "duplicates" and row.get("canonical_doc_id"):
                # "where it ended and why": a duplicate's why is its match with the canonical (the row alone
                # gave a similarity, 0.34, under the 0.5 the card states: accepted by containment)
                echo_safe(f"{'why':>24}: a copy of its canonical; the pair under this build's parameters:")
                _echo_pair(explain_pair(out, doc_ids[0], row["canonical_doc_id"]))
        elif len(doc_ids) == 2:
            _echo_pair(explain_pair(out, doc_ids[0], doc_ids[1]))
        else:
            raise typer.BadParameter("give one or two doc_ids")
    except DedupError as exc:
        print_error(str(exc))
        raise typer.Exit(exc.exit_code) from None


def _echo_pair(pair: dict) -> None:
    for key, value in pair.items():
        if key == "chain":
            echo_safe(f"{key:>24}: {counted(len(value), 'accepted edge')} through other documents of the cluster")
            for step in value:
                echo_safe(f"{'':>26}{step}")
        else:
            echo_safe(f"{key:>24}: {shown_name(str(value))}")


@app.command(short_help="Summarise a build or release: outcomes, clusters, sites, licences.")
def stats(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="The --out folder of a build, or a release.",
                                        show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
) -> None:
    """Summarise a build or a release: records per destination and reject reason, clusters and their
    sizes, the most syndicated stories and sites, boilerplate per site, licence, agency and language mix
    (the same figures as charts: report.html, written by `dedup release`)."""
    try:
        summary = summarise(out)
    except DedupError as exc:
        print_error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    if as_json:
        echo_safe(json.dumps(summary, ensure_ascii=False, sort_keys=True))
    else:
        echo_safe(render(summary, width=min(shutil.get_terminal_size((80, 24)).columns, 100)))


# control characters but tab and new line: from pages (titles, URLs), ids and file names they reach the
# terminal, where ESC starts sequences that clear the screen, set the window title or write the clipboard
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` with each control character but tab and new line written as its `\\u001b` escape (in JSON
    output, the same escape JSON uses)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown_name(name: str) -> str:
    """A file name in a one-line list of the summary, or a value of `explain`'s one line a field: `terminal_safe`,
    and its new lines and tabs escaped too (a file named `x\n  rejects 0` printed a line of its own that read as one
    of the summary's; a doc_id `a\n  licence_class: open`, one of `explain`'s until round 17)."""
    return terminal_safe(name).replace("\n", "\\n").replace("\t", "\\t")


def print_error(message: str, label: str = "error") -> None:
    """One error line on stderr: the message shown as it is (no Rich markup read in it, no control
    characters)."""
    err.print(f"[red]{label}:[/red] {escape(terminal_safe(message))}", highlight=False)


def echo_safe(text: str) -> None:
    """Print to stdout (control characters escaped: `terminal_safe`); a reader that closed the pipe
    (`dedup stats OUT | head -1`) ends the command quietly with exit code 0, not with a traceback
    (Python) or exit code 1 (Click)."""
    try:
        typer.echo(terminal_safe(text))
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at /dev/null so that flush cannot fail too
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None


@app.command(hidden=True, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def report(ctx: typer.Context) -> None:
    """Not a command: where the report comes from (users look for `dedup report`)."""
    print_error("there is no `dedup report`: report.html (with the dataset card) is written by `dedup release OUT`; "
           "`dedup stats OUT` prints the same figures in the terminal")
    raise typer.Exit(2)


@app.command(short_help="Restore the text of records published without it, from the crawl.")
def rehydrate(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="A build or release made with --withhold-text.",
                                        show_default=False)],
    crawl: Annotated[list[str], typer.Option("--crawl", metavar="CRAWL", help=(
        "The crawl files the build read (files, folders or globs; repeat --crawl for several)."),
        show_default=False)],
    to: Annotated[Path, typer.Option("--to", metavar="DIR", help="Folder for the rehydrated data/ (created).",
                                     show_default=False)],
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace an earlier rehydrated dataset in DIR (other files: refused).")] = False,
) -> None:
    """Rebuild the text of the records published without it (--withhold-text) from the same crawl files:
    each record is read at its source_file and source_offset, extracted as the build did (site chrome
    from OUT/boilerplate/ included) and kept only when its sha256 equals content_sha256. Writes DIR/data/
    (OUT's data with the texts filled in), DIR/rehydrate.json and DIR/not_restored.parquet (each record
    that could not be restored, with the reason)."""
    try:
        report = run_rehydrate(out, crawl, to, overwrite=overwrite)
    except DedupError as exc:
        print_error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    if not report.withheld:  # not an error: the copy is the build's data, but say why nothing was restored
        typer.echo(f"nothing to rehydrate: {out} published the text of every record (it was built without "
                   f"--withhold-text); {to}/data/ is a copy of its data/")
        return
    typer.echo(f"restored {report.restored:,} of {report.withheld:,} withheld records from "
               f"{counted(report.crawl_files_read, 'crawl file')} in {report.seconds:.1f} s; wrote {to}/data/")
    if report.not_restored:
        typer.echo("  not restored: " + ", ".join(f"{k} {v:,}" for k, v in report.not_restored.items())
                   + f" (each listed in {to}/not_restored.parquet)")


if __name__ == "__main__":
    app()
