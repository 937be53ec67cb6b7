"""The `dedup` command line. Commands stay thin: parse options, call a stage, print the outcome.

Exit codes: 0 success; 1 internal error (a bug: please report it); 2 bad usage or input that cannot be
used at all (missing input, unwritable or non-empty output, invalid config); 3 a release that does not
verify (`dedup release`, `dedup verify`); 130 interrupted (Ctrl-C or SIGTERM: the work is kept and resumes).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from dedup import __version__
from dedup.config import load_config
from dedup.errors import ConfigError, DedupError
from dedup.neardup.explain import explain_pair, lookup
from dedup.release.package import package
from dedup.release.package import verify as verify_release
from dedup.release.publish import parse_destination, publish_to_dir, publish_to_hub, publish_to_store
from dedup.pipeline import DaskOptions, Interrupted
from dedup.pipeline import Progress as PipelineProgress
from dedup.pipeline import build as run_build
from dedup.workdir import staging_folder

app = typer.Typer(
    help="Turn web-crawl dumps into a clean, deduplicated, citable research dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


class RichProgress(PipelineProgress):
    """Input bytes done and documents per second, on stderr; silent when stderr is not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Progress | None = None
        self.docs = 0
        self.current = ""
        self.t0 = time.perf_counter()

    def start(self, total_bytes: int, n_files: int) -> None:
        """Open the bar for the input bytes of the build."""
        if not self.enabled:
            return
        self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
                            TextColumn("{task.fields[docs]:,} docs · {task.fields[rate]:,.0f} docs/s"),
                            TimeElapsedColumn(), console=err, transient=False)
        self.task = self.bar.add_task(f"read+extract {n_files} file(s)", total=total_bytes, docs=0, rate=0.0)
        self.bar.start()

    def advance(self, nbytes: int, ndocs: int) -> None:
        """Count bytes and documents done."""
        self.docs += ndocs
        if self.bar is not None:
            rate = self.docs / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.update(self.task, advance=nbytes, docs=self.docs, rate=rate)

    def stage(self, name: str) -> None:
        """Show the stage now running."""
        self.current = name
        if self.bar is not None and name != "read+extract":
            self.bar.update(self.task, description=name)

    def step(self, stage: str, name: str) -> None:
        """Show the step of the global stage now running."""
        if self.bar is not None:
            self.bar.update(self.task, description=f"{stage}: {name}")

    def tasks(self, label: str, done: int, total: int) -> None:
        """Show how many tasks of the running step are finished."""
        if self.bar is not None:
            self.bar.update(self.task, description=f"{self.current}: {label} {done}/{total}")

    def stop(self) -> None:
        """Close the bar."""
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


@app.command()
def build(
    crawl: Annotated[list[str], typer.Argument(
        help="Crawl dumps: WARC/WET/ARC files (gzip or plain), JSONL (.jsonl, .jsonl.gz, .jsonl.zst) or "
             "Parquet files with id/url/html|text columns; folders (searched recursively) and globs too, "
             "local or as fsspec URLs (s3://bucket/crawl/; needs s3fs).",
        show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for the dataset (created).",
                                      show_default=False)],
    config: Annotated[Optional[Path], typer.Option(
        "--config", "-c", help="TOML file with build settings (see docs/configuration.md).")] = None,
    preset: Annotated[Optional[str], typer.Option(
        help="Parameter preset: 'news' (tuned for syndicated news) or 'fineweb' (the FineWeb reference "
             "setting: word 5-grams, 14 bands x 8 rows) [default: news].", show_default=False)] = None,
    workers: Annotated[int, typer.Option(
        help="Processes for reading and extraction (0 = one per CPU core).", min=0)] = 0,
    shard_mb: Annotated[Optional[int], typer.Option(
        help="Target uncompressed size of one data shard in MiB [default: 512].", min=1)] = None,
    licence: Annotated[Optional[str], typer.Option(
        "--licence", help="Publish only records of these licence classes, comma-separated: open, nc, nd, "
                          "all-rights-reserved, noassertion (the other clusters become rejects) [default: all].",
        show_default=False)] = None,
    withhold_text: Annotated[Optional[str], typer.Option(
        "--withhold-text", help="Publish records of these licence classes without their text (URL, WARC file and "
                                "offset kept for rehydration), comma-separated.", show_default=False)] = None,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace the output folder if it is not empty.")] = False,
    previous: Annotated[Optional[Path], typer.Option(
        "--previous", help="A packaged release this build follows: its records are carried over with the same "
                           "doc_ids and the crawl is deduplicated against them too (build settings must match).",
        show_default=False)] = None,
    engine: Annotated[str, typer.Option(
        help="'embedded' (this machine: processes + polars) or 'dask' (a Dask cluster: docs/scale-out.md). "
             "Both write the same bytes.")] = "embedded",
    scheduler: Annotated[Optional[str], typer.Option(
        help="--engine dask: address of a running Dask scheduler (tcp://HOST:8786), or 'threads' (no cluster) "
             "[default: a LocalCluster of --workers workers on 127.0.0.1].", show_default=False)] = None,
    dask_components: Annotated[str, typer.Option(
        help="--engine dask: connected components 'gather'ed to this process, or 'star' rounds on Dask "
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
        "--memory", help="Memory budget of the global steps, for all processes together (4G, 512M...): it sets "
                         "their partition sizes, never the output [default: 1/8 of this machine's RAM].",
        show_default=False)] = None,
) -> None:
    """Build a deduplicated dataset from crawl dumps into OUT (data/, duplicates/, rejects/, run.json).

    Every input record ends in exactly one place: a canonical record in data/, a row in duplicates/
    pointing at its canonical, or a row in rejects/ with the reason. Same inputs, same bytes out.
    """
    try:
        cfg = load_config(config, preset=preset, shard_bytes=shard_mb * 1024 * 1024 if shard_mb else None,
                          licence_classes=licence, withhold_text=withhold_text)
        n_workers = workers or os.cpu_count() or 1
        show = sys.stderr.isatty() if progress is None else progress
        summary = run_build(crawl, out, cfg, workers=n_workers, overwrite=overwrite, progress=RichProgress(show),
                            previous=previous, dask=dask_options(engine, scheduler, dask_components, dashboard),
                            resume=resume, memory=memory)
    except DedupError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except (KeyboardInterrupt, Interrupted):
        err.print(f"interrupted: the finished stages are kept in {staging_folder(out)}; run the same command "
                  "again to resume (or add --fresh to start over)", highlight=False)
        raise typer.Exit(130) from None
    c = summary.counts
    resumed = summary.timings_s.get("resumed") or []
    typer.echo(f"read {c.input_records:,} records from {len(summary.inputs)} file(s) "
               f"in {summary.timings_s['total']:.1f} s ({summary.timings_s['docs_per_s'] or 0:,.0f} docs/s)"
               + (f"; resumed after {resumed[-1]}" if resumed else ""))
    typer.echo(f"  canonical   {c.canonical:>9,}  (in {c.clusters_with_copies:,} clusters with copies)")
    typer.echo(f"  duplicates  {c.duplicates:>9,}")
    typer.echo(f"  rejects     {c.rejects:>9,}" + (
        "  (" + ", ".join(f"{k}: {v}" for k, v in summary.rejects_by_reason.items()) + ")"
        if summary.rejects_by_reason else ""))
    typer.echo(f"  skipped     {c.skipped_records:>9,}  non-page WARC records (request, metadata, warcinfo)")
    if summary.previous:
        p = summary.previous
        typer.echo(f"  against {p['name']} {p['version']}: {p['new_canonical']:,} new canonical, "
                   f"{p['new_duplicates']:,} new duplicates ({p['new_duplicates_of_previous']:,} of previous "
                   f"records), {p['demoted_canonical']:,} previous canonical demoted by a merge")
    stages = summary.timings_s.get("stages") or {}
    if stages:
        typer.echo("  stages      " + ", ".join(f"{name} {s:,.1f} s" for name, s in stages.items()))
    typer.echo(f"wrote {out}/ (summary in {out}/run.json)")


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


@app.command()
def release(
    out: Annotated[Path, typer.Argument(help="The --out folder of a build.", show_default=False)],
    name: Annotated[Optional[str], typer.Option(help="Dataset name [default: the folder name].")] = None,
    version: Annotated[Optional[str], typer.Option(
        help="Release version (semver x.y.z) [default: 1.0.0, or the previous release's version bumped: "
             "major when records left data/, minor when records were added, else patch].",
        show_default=False)] = None,
    url: Annotated[Optional[str], typer.Option(help="Where the release will be published (for Croissant).")] = None,
) -> None:
    """Package a build as a release: dataset card, Croissant metadata, manifest, licences, changelog,
    SHA256SUMS; then verify it."""
    try:
        package(out, name=name, version=version, url=url)
    except DedupError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    _fail_on_problems(verify_release(out))
    typer.echo(f"packaged and verified {out}/ (README.md, croissant.json, manifest.json, SHA256SUMS)")


@app.command()
def verify(
    out: Annotated[Path, typer.Argument(help="A release folder (made by `dedup release`).", show_default=False)],
) -> None:
    """Re-check a release: checksums, schemas, row counts and the accounting invariant. Exit code 3
    and one line per problem when anything is wrong."""
    _fail_on_problems(verify_release(out))
    typer.echo(f"{out}/ verifies: checksums, schemas, row counts and accounting hold")


@app.command()
def publish(
    release: Annotated[Path, typer.Argument(help="A release folder (made by `dedup release`).", show_default=False)],
    to: Annotated[str, typer.Option("--to", help="A local folder (a verified copy), an object-store URL such as "
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
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        _fail_on_problems(getattr(exc, "problems", []))  # a release that does not verify: exit code 3
        raise typer.Exit(exc.exit_code) from None


def _fail_on_problems(problems: list[str]) -> None:
    """One line per problem on stderr, then exit code 3."""
    for problem in problems:
        err.print(f"[red]problem:[/red] {problem}", highlight=False)
    if problems:
        raise typer.Exit(3)


@app.command()
def explain(
    out: Annotated[Path, typer.Argument(help="The --out folder of a build.", show_default=False)],
    doc_ids: Annotated[list[str], typer.Argument(help="One doc_id (where it ended and why) or two (why they "
                                                      "were or were not clustered).", show_default=False)],
) -> None:
    """Explain the outcome for one document, or why two documents were or were not clustered."""
    try:
        if len(doc_ids) == 1:
            row = lookup(out, doc_ids[0])
            row.pop("text", None)
            for key, value in row.items():
                typer.echo(f"{key:>24}: {value}")
        elif len(doc_ids) == 2:
            for key, value in explain_pair(out, doc_ids[0], doc_ids[1]).items():
                typer.echo(f"{key:>24}: {value}")
        else:
            raise typer.BadParameter("give one or two doc_ids")
    except DedupError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None


if __name__ == "__main__":
    app()
