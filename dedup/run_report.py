"""run.json: the build's report, as typed records that write and load it.

`dedup build` writes one `RunReport`; `dedup release`, `dedup verify`, `--previous` and the report page
load it back with `RunReport.load`, which checks its shape and names what is wrong instead of failing
later on a missing key. Free-form figure bags (`near_duplicates`, `timings_s`, `previous`) stay
dictionaries: they are for people and plots, and nothing decides on them but the changelog.

run.json holds only what follows from the input, the config and the code, so two builds of the same input
write it byte for byte. How one run ran (`timings_s`: seconds per stage, docs/s, workers, engine, memory
budget and partitions, peak memory; `finished_at`) is a measurement, not data: `write` puts it in
timings.json beside run.json, which the release leaves out of manifest.json and SHA256SUMS
(docs/release.md "Reproducible bytes"). Builds before 2026-12-06 held both in run.json; `load` still reads
them there, and `measured` reads timings.json, else those.
"""

from __future__ import annotations

import json
import platform
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from dedup import __version__
from dedup.errors import ReleaseError

RUN_JSON = "run.json"
TIMINGS_JSON = "timings.json"  # the measurements of one run (`RunReport.MEASURED`): outside the checksummed set
# what the site chrome figures count (run.json `site_chrome_blocks_in_crawl` / `..._counted_over`, `dedup stats`):
# every page read, not data/'s (audit round 7: a plain `site_chrome_blocks` beside the card's data/ figures)
CRAWL_PAGES = "every page read"
CRAWL_INCLUDES = "copies and records the release does not publish included"
CHROME_SCOPE = f"{CRAWL_PAGES} (the crawl: {CRAWL_INCLUDES})"
PREVIOUS_SCOPE = " and the releases before it"


def chrome_scope(with_previous: bool) -> str:
    """What the site chrome rows of a build count: the crawl's pages, and the previous releases' rows when it
    was built with `--previous` (a carried row stays chrome)."""
    return CHROME_SCOPE + (PREVIOUS_SCOPE if with_previous else "")


@dataclass(frozen=True)
class Counts:
    """Where every input record went. `accounting_ok`: data + duplicates + rejects == input records."""

    input_records: int
    canonical: int
    duplicates: int
    rejects: int
    clusters: int
    clusters_with_copies: int
    skipped_records: int = 0

    @property
    def accounting_ok(self) -> bool:
        """Every input record is in exactly one of data, duplicates and rejects."""
        return self.canonical + self.duplicates + self.rejects == self.input_records

    def to_dict(self) -> dict[str, int | bool]:
        """Plain JSON values, as run.json holds them."""
        return asdict(self) | {"accounting_ok": self.accounting_ok}


@dataclass(frozen=True)
class OutputFile:
    """One Parquet file of the build, relative to the output folder, and its row count."""

    file: str
    rows: int


@dataclass(frozen=True)
class InputRecord:
    """One input file of the build: its stable name, format and size in bytes, and what it gave: `records`
    rows (every record read from it, rejects included: each is in data, duplicates or rejects) and
    `skipped` records that carry no page (WARC request, metadata, warcinfo). A file that gave neither
    (an empty file, a gzip of nothing) is named in the build's summary; no row stands for it. Both are None
    in a run.json written before they were recorded."""

    file: str
    format: str
    bytes: int
    records: int | None = None
    skipped: int | None = None

    @property
    def gave_nothing(self) -> bool:
        """The file gave no record at all (known only where run.json records it)."""
        return self.records == 0 and not self.skipped


@dataclass(frozen=True)
class FileNotRead:
    """A file of a crawl folder that was not read, and why (a README, a `.json` manifest, a dangling link):
    named so that nothing in the crawl is left out in silence. Hidden files are not listed."""

    file: str   # its stable name, as `source_file` would have been
    why: str


@dataclass
class RunReport:
    """Everything `run.json` holds; `to_json` / `load` are exact inverses for the typed fields. The
    `MEASURED` fields are the run's measurements: written to timings.json (`measurements_json`), never to
    run.json; `load` gives them only for a run.json written before that (empty otherwise)."""

    MEASURED = ("timings_s", "finished_at")

    counts: Counts
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    skipped_by_type: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, list[OutputFile]] = field(default_factory=dict)
    timings_s: dict[str, Any] = field(default_factory=dict)
    inputs: list[InputRecord] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    near_duplicates: dict[str, Any] = field(default_factory=dict)
    previous: dict[str, Any] = field(default_factory=dict)  # the release this one follows (--previous)
    languages: dict[str, int] = field(default_factory=dict)  # canonical records per language (null: "und")
    # records read whose payload is not the whole page, by why: WARC-Truncated (its reason) or HTTP 206
    cut_payloads: dict[str, int] = field(default_factory=dict)
    # records read whose fetch time was given but is unknown (null), by why: `unreadable` (no time),
    # `out_of_range` (before 1990 or from 2100: epoch 0, 0001-01-01, a broken clock)
    unknown_fetch_times: dict[str, int] = field(default_factory=dict)
    # flaws the reader tolerated (the records kept), by kind: `warc_header_line_without_colon` (records: a line
    # that held no field the record needs), `warc_record_id_missing` (WARC records without a WARC-Record-ID,
    # or with an empty one: their id derived as an ARC record's), `parquet_column_given_twice` (columns, once
    # per file: the copies agree in the rows read; it counted rows until round 7), `record_length_past_end`
    # (records whose length runs past the end of their file, their HTTP body whole: kept uncounted until round 10),
    # `id_not_utf8` (ids holding bytes that are no UTF-8 or JSON escapes of half a surrogate pair, kept with them
    # as `\xNN` / `\uXXXX`: U+FFFD in their place made ids that differ there one), `id_derived` (JSONL and
    # Parquet records without an `id` field, C4's: their id derived from their data, `layouts.derived_id`),
    # `control_characters` (records whose text, or the strings extraction found in their page, held NULs or other
    # control characters, removed: `textbytes`, `extract.without_found_controls`), `url_control_characters` (records
    # whose URL held them: read as the WHATWG URL parser does, `normalise.url_without_controls`),
    # `c1_control_characters` (records whose text or extracted strings held U+0080-U+009F: read as the Windows-1252
    # or UTF-8 bytes they were, `normalise.c1_controls_read`), `url_host_refused` (records kept without a `domain`:
    # their URL's host is one the WHATWG host parser refuses, `normalise.refused_host`), `url_not_a_string` (JSONL
    # and Parquet records whose `url` is a number, list, object or bool: kept without a URL; round 17),
    # `url_not_utf8` (JSONL and Parquet records whose `url` held bytes no UTF-8 holds: kept as their `%XX`; round 18),
    # `id_float_whole` (JSONL and Parquet ids given as a whole float, pandas' `1.0`: read as the integer; round 22)
    tolerated: dict[str, int] = field(default_factory=dict)
    files_not_read: list[FileNotRead] = field(default_factory=list)   # absent in builds before it was recorded
    finished_at: str = ""

    def read_here(self) -> tuple[int, int]:
        """(records, skipped records) of this build's own input files: `counts` less what a previous release's
        counts carried into them (`from_build` adds its records to input_records and skipped_records)."""
        carried = self.previous.get("counts") or {}
        return (self.counts.input_records - int(carried.get("input_records") or 0),
                self.counts.skipped_records - int(carried.get("skipped_records") or 0))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values, as run.json holds them (the measurements left out)."""
        out = {k: v for k, v in self.__dict__.items() if k not in self.MEASURED}
        out["counts"] = self.counts.to_dict()
        out["outputs"] = {k: [asdict(f) for f in v] for k, v in self.outputs.items()}
        out["inputs"] = [asdict(i) for i in self.inputs]
        out["files_not_read"] = [asdict(f) for f in self.files_not_read]
        return out

    def to_json(self) -> str:
        """run.json's text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, default=str) + "\n"

    def measurements_json(self) -> str:
        """timings.json's text: the `MEASURED` fields."""
        return json.dumps({k: getattr(self, k) for k in self.MEASURED}, indent=2, sort_keys=True, default=str) + "\n"

    def write(self, folder: Path) -> Path:
        """Write `folder/run.json`, and `folder/timings.json` when the run was measured."""
        path = folder / RUN_JSON
        path.write_text(self.to_json(), "utf-8")
        if self.timings_s or self.finished_at:
            (folder / TIMINGS_JSON).write_text(self.measurements_json(), "utf-8")
        return path

    @classmethod
    def measured(cls, folder: Path, run: RunReport | None = None) -> dict[str, Any]:
        """How the build of `folder` ran (`timings_s`, `finished_at`): from its timings.json, else from the
        run.json of a build made before timings.json (`run`, loaded if not given); {} when neither says.
        A damaged timings.json counts as absent: it is not data, nothing is decided on it."""
        try:
            raw = json.loads((Path(folder) / TIMINGS_JSON).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raw = None
        if not isinstance(raw, dict):
            run = run if run is not None else cls.load(Path(folder))
            raw = {"timings_s": run.timings_s, "finished_at": run.finished_at}
        timings = raw.get("timings_s")
        return {"timings_s": timings if isinstance(timings, dict) else {},
                "finished_at": str(raw.get("finished_at") or "")} if timings or raw.get("finished_at") else {}

    @property
    def dedup_version(self) -> str:
        """The dedup version that built the folder ('?' when run.json does not say)."""
        return str(self.versions.get("dedup", "?"))

    @classmethod
    def load(cls, folder: Path) -> RunReport:
        """Read `folder/run.json`; a missing, malformed or incomplete file is a ReleaseError that says so."""
        path = folder / RUN_JSON
        if not path.is_file():
            raise ReleaseError(f"{folder}: no {RUN_JSON}; this is not a folder written by `dedup build`")
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReleaseError(f"{path}: not valid JSON ({exc}); rebuild the dataset with `dedup build`") from exc
        return cls.from_dict(raw, where=str(path))

    @classmethod
    def from_dict(cls, raw: object, where: str = RUN_JSON) -> RunReport:
        """A parsed run.json -> RunReport, checking the type of every typed field."""
        def bad(what: str) -> ReleaseError:
            return ReleaseError(f"{where}: {what}; the file was edited or damaged: rebuild the dataset "
                                "with `dedup build` (or restore run.json from the release you published)")

        if not isinstance(raw, dict):
            raise bad("not a JSON object")
        counts = raw.get("counts")
        if not isinstance(counts, dict):
            raise bad("no 'counts' object")
        values: dict[str, int] = {}
        for name in Counts.__dataclass_fields__:
            value = counts.get(name, 0 if name == "skipped_records" else None)
            if not isinstance(value, int) or not _is_int(value):
                raise bad(f"counts.{name} is {value!r}, not a whole number")
            values[name] = value
        if "accounting_ok" in counts and counts["accounting_ok"] is not (
                values["canonical"] + values["duplicates"] + values["rejects"] == values["input_records"]):
            raise bad("counts.accounting_ok does not match the counts")
        outputs: dict[str, list[OutputFile]] = {}
        for table, files in _mapping(raw, "outputs", bad).items():
            if not isinstance(files, list):
                raise bad(f"outputs.{table} is not a list")
            outputs[table] = []
            for f in files:
                if not (isinstance(f, dict) and isinstance(f.get("file"), str) and _is_int(f.get("rows"))):
                    raise bad(f"outputs.{table} has an entry without 'file' and 'rows': {f!r}")
                outputs[table].append(OutputFile(f["file"], f["rows"]))
        inputs = []
        for i in raw.get("inputs") or []:
            if not (isinstance(i, dict) and isinstance(i.get("file"), str) and _is_int(i.get("bytes"))):
                raise bad(f"inputs has an entry without 'file' and 'bytes': {i!r}")
            counted = [i.get(k) if _is_int(i.get(k)) else None for k in ("records", "skipped")]
            inputs.append(InputRecord(i["file"], str(i.get("format", "")), i["bytes"], *counted))
        not_read = []
        for f in raw.get("files_not_read") or []:
            if not (isinstance(f, dict) and isinstance(f.get("file"), str) and isinstance(f.get("why"), str)):
                raise bad(f"files_not_read has an entry without 'file' and 'why': {f!r}")
            not_read.append(FileNotRead(f["file"], f["why"]))
        by_reason = _mapping(raw, "rejects_by_reason", bad)
        skipped = _mapping(raw, "skipped_by_type", bad)
        languages = _mapping(raw, "languages", bad)  # absent in builds before language identification
        cut = _mapping(raw, "cut_payloads", bad)      # absent in builds before it was counted
        fetch = _mapping(raw, "unknown_fetch_times", bad)   # likewise
        tolerated = _mapping(raw, "tolerated", bad)         # likewise
        for key, mapping in (("rejects_by_reason", by_reason), ("skipped_by_type", skipped),
                             ("languages", languages), ("cut_payloads", cut), ("unknown_fetch_times", fetch),
                             ("tolerated", tolerated)):
            if not all(_is_int(v) for v in mapping.values()):
                raise bad(f"{key} has a value that is not a whole number")
        return cls(counts=Counts(**values), rejects_by_reason=dict(by_reason), skipped_by_type=dict(skipped),
                   outputs=outputs, timings_s=_mapping(raw, "timings_s", bad), inputs=inputs,
                   config=_mapping(raw, "config", bad), versions=_mapping(raw, "versions", bad),
                   near_duplicates=_mapping(raw, "near_duplicates", bad), previous=_mapping(raw, "previous", bad),
                   languages=dict(languages), cut_payloads=dict(cut), unknown_fetch_times=dict(fetch),
                   tolerated=dict(tolerated),
                   files_not_read=not_read,
                   finished_at=str(raw.get("finished_at") or ""))


# the WARC record types that carry no page: the reader counts them (`records.<type>`) and emits no row; run.json
# names them under `skipped_by_type` (`arc_header`: an ARC file's header; `continuation_joined`: a segment joined
# into its record)
SKIPPED_RECORD_TYPES = ("request", "metadata", "warcinfo", "arc_header", "continuation_joined")


def from_build(figures: dict[str, dict[str, Any]], files: list[tuple[str, str, int]], output_dir: Path, *,
               previous_run: dict[str, Any] | None, near_params: dict[str, Any], near_stages: tuple[str, ...],
               timings: dict[str, Any], config: dict[str, Any], not_read: list[FileNotRead]) -> RunReport:
    """The report of a finished build: the counts of the whole release (a previous release's records
    included, from its `previous_run`), from what the stages recorded (`figures[stage]`: the ingest's
    reader counters per input file, the write's outputs and rows) and the data files written under
    `output_dir` (read file by file: a release of many shards is never read whole). `files`: each input
    file's (name, format, bytes), in the order of the ingest's figures; `near_params` and the figures of
    `near_stages` (but their bookkeeping, whose names start with "_") are the near-duplicate report."""
    stats: Counter = Counter()
    for r in figures["ingest"]["files"]:
        stats.update(r["stats"])
    rows = figures["write"]["_rows"]
    by_reason = Counter(rows["rejects"])
    n_rows, skipped = rows["input_records"], stats.get("skipped", 0)
    if previous_run is not None:
        by_reason.update(previous_run.get("rejects_by_reason", {}))
        n_rows += previous_run.get("counts", {}).get("input_records", 0)
        skipped += previous_run.get("counts", {}).get("skipped_records", 0)
    outputs = {k: [OutputFile(f["file"], f["rows"]) for f in v] for k, v in figures["write"]["outputs"].items()}
    written = {k: sum(f.rows for f in v) for k, v in outputs.items()}
    languages: Counter = Counter()
    with_copies = 0
    for f in outputs["data"]:
        data = pl.read_parquet(output_dir / f.file, columns=["cluster_size", "language"])
        with_copies += int((data["cluster_size"] > 1).sum())
        languages.update(lang or "und" for lang in data["language"].to_list())
    counts = Counts(input_records=n_rows, canonical=written.get("data", 0), duplicates=written.get("duplicates", 0),
                    rejects=written.get("rejects", 0), clusters=written.get("data", 0),
                    clusters_with_copies=with_copies, skipped_records=skipped)
    near = dict(near_params)
    for name in near_stages:
        near.update({k: v for k, v in figures[name].items()
                     if k not in ("outputs", "previous") and not k.startswith("_")})

    def counters(prefix: str) -> dict[str, int]:
        return {k.split(".", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    return RunReport(
        counts=counts, rejects_by_reason=dict(sorted(by_reason.items())),
        skipped_by_type={k: v for k, v in counters("records.").items() if k in SKIPPED_RECORD_TYPES},
        outputs=outputs, timings_s=timings,
        inputs=[InputRecord(name, fmt, n, r["rows"], r["stats"].get("skipped", 0))
                for (name, fmt, n), r in zip(files, figures["ingest"]["files"])],
        files_not_read=not_read, config=config,
        versions={"dedup": __version__, "python": platform.python_version(), "pyarrow": pa.__version__,
                  "polars": pl.__version__},
        near_duplicates=near, previous=figures["rights"].get("previous", {}),
        languages=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        cut_payloads=counters("cut."), unknown_fetch_times=counters("fetched_at."), tolerated=counters("tolerated."),
        finished_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _mapping(raw: dict, key: str, bad) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad(f"'{key}' is not an object")
    return value
