"""rehydrate: rebuild the text of records published without it (`dedup build --withhold-text`).

A withheld record keeps its `url`, `source_file`, `source_offset` and `content_sha256`. Whoever holds
the same crawl files reads each withheld record again, extracts it the way the build did (extraction,
the within-page pass, then the site chrome the build removed, listed in OUT/boilerplate/) and keeps the
text only when its hash equals `content_sha256`. Every record that cannot be restored is counted with
the reason. This is how restricted-licence news datasets can be shared without their text.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.config import MAX_BLOCKS, MAX_HTML_BYTES, MAX_TEXT_BYTES
from dedup.errors import InputError, OutputError
from dedup.release.changelog import semver_tuple
from dedup.run_report import RunReport
from dedup.schema import frame
from dedup.sources.inputs import InputFile, expand_inputs
from dedup.sources.storage import is_url
from dedup.sources.read import read_input
from dedup.text.blocks import chrome_lookup, final_blocks, page_batch, site_rows
from dedup.text.extract import extract_batch
from dedup.text.normalise import join_blocks, text_hash
from dedup.workdir import recover_replaced, refuse_foreign, replace_folder

REHYDRATING = "rehydrate"  # `.<to>.rehydrate-<pid>`: the dataset being written

REPORT = "rehydrate.json"
NOT_RESTORED = "not_restored.parquet"

# why a record was not restored
MISSING_FILE = "crawl_file_missing"  # no crawl file of that name among --crawl
NOT_FOUND = "record_not_found"  # the file has no page record at that offset (another file of that name?)
UNUSABLE = "record_unusable"  # the record is there but unreadable, or a reject now (`not_a_story`, `no_text`)
CHANGED = "content_changed"  # text extracted, but its hash differs: another crawl file or dedup version


@dataclass
class RehydrateReport:
    """What `rehydrate` did: records withheld, restored, and the others by reason."""

    withheld: int = 0
    restored: int = 0
    not_restored: dict[str, int] = field(default_factory=dict)
    crawl_files_read: int = 0
    seconds: float = 0.0

    def to_json(self) -> str:
        """rehydrate.json's text."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def withheld_rows(out: Path) -> pl.DataFrame:
    """The data rows of a build published without their text: doc_id, where they were read, their hash."""
    files = sorted((out / "data").rglob("*.parquet"))
    if not files:
        raise InputError(f"{out}/data/ has no Parquet files: is {out} the --out folder of a dedup build?")
    cols = ["doc_id", "url", "source_file", "source_offset", "content_sha256", "text"]
    rows = pl.concat([pl.read_parquet(f, columns=cols) for f in files])
    return rows.filter(pl.col("text").is_null() & pl.col("content_sha256").is_not_null()).drop("text")


def match_files(names: list[str], crawl: list[str]) -> dict[str, list[InputFile]]:
    """source_file name -> the crawl files that may hold it, in the order to try them: the files of that
    relative name, then those whose path ends with it (`a/x.warc.gz` given as the folder `a`), then those of
    its base name (the crawl copied into another folder layout). Each --crawl argument is listed on its own:
    two crawls may name their files alike (a/x.warc.gz and b/x.warc.gz, or a release on a previous one whose
    crawl used the same names), which one build's inputs may not; the record's id at its offset tells the
    candidates apart (`restore_file`). Until round 10 such crawls stopped rehydrate ("two inputs share the
    name") or matched no file."""
    found: dict[str, InputFile] = {}
    for arg in crawl:
        for pattern in _arguments(arg):
            for f in expand_inputs([pattern]):
                found.setdefault(str(f.path), f)
    files = [found[k] for k in sorted(found)]
    matched = {}
    for name in names:
        base = Path(name).name
        tiers = ([f for f in files if f.name == name],
                 [f for f in files if str(f.path).replace("\\", "/").endswith("/" + name.lstrip("/"))],
                 [f for f in files if Path(f.name).name == base])
        candidates = list({str(f.path): f for tier in tiers for f in tier}.values())
        if candidates:
            matched[name] = candidates
    return matched


def _arguments(arg: str) -> list[str]:
    """A --crawl argument as `expand_inputs` arguments: a glob's files one by one (it may match files of one
    name in several folders), anything else as it is."""
    if is_url(arg) or Path(arg).exists():
        return [arg]
    hits = sorted(h for h in glob.glob(arg, recursive=True) if Path(h).is_file())
    return hits or [arg]


def chrome_lookups(out: Path) -> list[dict[str, set[int]]]:
    """The site chrome a record of OUT may have lost, as `chrome_lookup`s to try in turn: all of OUT's
    boilerplate/ site rows (its own records), then, for a release built with --previous, the chrome of each
    earlier release its carried records were published with (rows whose `chrome_since` is that version or
    older), newest first."""
    files = sorted((out / "boilerplate").glob("*.parquet"))
    if not files:
        return [chrome_lookup(pl.DataFrame(schema={"domain": pl.String, "block_key": pl.Int64}))]
    frames = []
    for f in files:
        names = pq.read_schema(f).names
        since = "chrome_since" in names  # not in a build written before boilerplate/ schema version 3
        rows = pl.read_parquet(f, columns=["domain", "block_key", "action"] + (["chrome_since"] if since else []))
        frames.append(rows if since else rows.with_columns(pl.lit(None, pl.String).alias("chrome_since")))
    # the site passes' rows only: a page's own removals (the other actions) are made again by extraction
    chrome = pl.concat(frames).pipe(site_rows)
    lookups = [chrome_lookup(chrome)]
    carried = chrome.filter(pl.col("chrome_since").is_not_null())
    versions = sorted(set(carried["chrome_since"].to_list()), key=semver_tuple)
    for newest in range(len(versions) - 1, -1, -1):   # each earlier release's chrome: its own and older rows
        lookups.append(chrome_lookup(carried.filter(pl.col("chrome_since").is_in(versions[:newest + 1]))))
    return lookups


@dataclass(frozen=True)
class Reading:
    """The settings a crawl file is read and extracted with. `page_caps` (max_html_bytes, max_text_bytes) sets the
    longest JSONL line read (`jsonl.page_line_cap`), and so the positions of the records after a longer line: a line
    skipped unread is one record, a line read may hold several (`{...}{...}`)."""

    max_payload: int
    page_caps: tuple[int, int] | None
    max_html: int = MAX_HTML_BYTES
    max_blocks: int = MAX_BLOCKS
    max_text: int = MAX_TEXT_BYTES


def build_readings(config: dict) -> list[Reading]:
    """How the build of run.json's `config` read its crawl, and how older builds may have: the readings to try in
    turn. First today's build's: each setting run.json leaves out (max_html_bytes, max_text_bytes and max_blocks,
    written only when set) at the default the build took (hostile round 21: rehydrate read a missing max_text_bytes
    as max_payload_bytes, so its JSONL line limit was 100 MiB where the build's was 17 MiB, and a line between the two
    holding several objects moved every later record's position: withheld records after it were lost). Then a
    release's of before hostile round 20 (no line limit but twice max_payload_bytes) and 19 (plain text capped only
    at max_payload_bytes), which run.json cannot tell from today's: tried on the records the first reading does not
    restore (each restore is checked by id and hash, so a reading that is not the build's restores nothing wrong)."""
    max_payload = int(config.get("max_payload_bytes", 50 * 1024 * 1024))
    max_html = int(config.get("max_html_bytes", MAX_HTML_BYTES))
    max_blocks = int(config.get("max_blocks", MAX_BLOCKS))
    max_text = int(config.get("max_text_bytes", MAX_TEXT_BYTES))
    today = Reading(max_payload, (max_html, max_text), max_html, max_blocks, max_text)
    if "max_text_bytes" in config:   # set: a build of round 19 or later, which read it so
        return [today]
    return [today, Reading(max_payload, None, max_html, max_blocks, max_payload)]


def restore_file(inp: InputFile, wanted: dict[int, str], ids: dict[int, str], lookups: list[dict[str, set[int]]],
                 reading: Reading) -> dict[int, tuple[str | None, str | None, str | None]]:
    """Read one crawl file as `reading` says (`build_readings`) and rebuild the final text of the records at the
    `wanted` offsets ({offset: content_sha256}, `ids`: {offset: doc_id}): {offset: (text, reason, detail)}, text None
    when not restored. A record at that offset with another id is not the record. The text is the page's
    kept blocks less the site chrome of the first of `lookups` whose text has the record's hash (a
    record carried from an earlier release lost that release's chrome only)."""
    max_html, max_blocks, max_text = reading.max_html, reading.max_blocks, reading.max_text
    done: dict[int, tuple[str | None, str | None, str | None]] = {}
    for raw in read_input(inp, Counter(), max_payload=reading.max_payload, page_caps=reading.page_caps):
        offsets = raw.column("source_offset").to_pylist()
        keep = [o in wanted for o in offsets]
        if not any(keep):
            continue
        docs = frame(page_batch(extract_batch(raw.filter(pa.array(keep)), max_html, max_blocks=max_blocks,
                                            max_text=max_text)))
        for row in docs.iter_rows(named=True):
            offset = row["source_offset"]
            # a release built before hostile round 15b gave a WARC-Record-ID without angle brackets as it was given
            if ids[offset] not in (row["doc_id"], row["warc_record_id"]):
                done[offset] = (None, NOT_FOUND, f"the record at offset {offset} is {row['doc_id']}, not {ids[offset]}")
                continue
            if row["reject_reason"] is not None:
                done[offset] = (None, UNUSABLE, f"{row['reject_reason']}: {row['reject_detail']}")
                continue
            texts = (join_blocks(final_blocks(row["blocks"], row["block_keys"], row["domain"], lookup, row["title"],
                                              row["heading_keys"])[0]) for lookup in lookups)
            first = next(texts)
            text = first if text_hash(first) == wanted[offset] else next(
                (t for t in texts if text_hash(t) == wanted[offset]), None)
            if text is not None:
                done[offset] = (text, None, None)
            else:
                done[offset] = (None, CHANGED, f"sha256 of the rebuilt text is {text_hash(first)}, the record says "
                                               f"{wanted[offset]}")
    return done


def rehydrate(out: Path, crawl: list[str], to: Path, *, overwrite: bool = False) -> RehydrateReport:
    """Write OUT's data/ into `to`/data/ with the text of every withheld record that the crawl files
    restore (verified against content_sha256), plus rehydrate.json and not_restored.parquet."""
    t0 = time.perf_counter()
    out, to = Path(out), Path(to)
    run = RunReport.load(out)
    recover_replaced(to, REHYDRATING)
    if to.exists() and any(to.iterdir()):
        if not overwrite:
            raise OutputError(f"--to {to} is not empty; choose another folder or pass --overwrite")
        refuse_foreign(to, "--to", frozenset(("data", REPORT, NOT_RESTORED)), REPORT)
    if to.resolve() == out.resolve() or out.resolve() in to.resolve().parents:
        raise OutputError(f"--to {to} is inside {out}; write the rehydrated dataset to another folder")
    for c in crawl:  # --to is replaced once the crawl is read: never a folder holding it
        if not is_url(c) and (Path(c).resolve() == to.resolve() or to.resolve() in Path(c).resolve().parents):
            raise OutputError(f"--to {to} contains the crawl {c}: writing there would delete it; write the "
                              "rehydrated dataset to another folder")
    rows = withheld_rows(out)
    lookups = chrome_lookups(out)
    readings = build_readings(run.config)
    files = match_files(rows["source_file"].unique().sort().to_list(), crawl) if rows.height else {}
    restored: dict[str, str] = {}
    failures: list[dict] = []
    report = RehydrateReport(withheld=rows.height)
    for name, group in rows.group_by("source_file", maintain_order=True):
        source = name[0]
        wanted = dict(group.select("source_offset", "content_sha256").iter_rows())
        ids = dict(group.select("source_offset", "doc_id").iter_rows())
        if source not in files:
            failures += [{"doc_id": ids[o], "source_file": source, "source_offset": o, "reason": MISSING_FILE,
                          "detail": f"no file named {source} among the --crawl inputs"} for o in wanted]
            continue
        left = set(wanted)
        best: dict[int, tuple[str | None, str]] = {}
        for inp in files[source]:
            report.crawl_files_read += 1
            for n, reading in enumerate(readings):
                # an older build's reading, for the records today's did not find or could not use (`build_readings`)
                retry = {o for o in left if n == 0 or best.get(o, (NOT_FOUND,))[0] in (NOT_FOUND, UNUSABLE)}
                if not retry:
                    break
                done = restore_file(inp, {o: wanted[o] for o in retry}, ids, lookups, reading)
                for offset in sorted(retry):
                    text, reason, detail = done.get(offset, (None, NOT_FOUND, f"{inp.path} has no page record "
                                                                              f"at offset {offset}"))
                    if text is not None:
                        restored[ids[offset]] = text
                        left.discard(offset)
                    elif offset not in best or (best[offset][0] == NOT_FOUND != reason and n == 0):
                        best[offset] = (reason, detail or "")   # the record found wins; today's reading's reason
            if not left:
                break
        tried = f" ({len(files[source])} crawl files of that name tried)" if len(files[source]) > 1 else ""
        failures += [{"doc_id": ids[o], "source_file": source, "source_offset": o, "reason": best[o][0],
                      "detail": best[o][1] + tried} for o in wanted if o in left]
    stage = to.resolve().parent / f".{to.name}.{REHYDRATING}-{os.getpid()}"
    try:  # written next to `to`, then swapped in: killed before, the earlier dataset in `to` is as it was
        _write(out, stage, restored, failures)
        report.restored = len(restored)
        report.not_restored = dict(sorted(Counter(f["reason"] for f in failures).items()))
        report.seconds = round(time.perf_counter() - t0, 3)
        (stage / REPORT).write_text(report.to_json(), "utf-8")
        replace_folder(stage, to)
    except OSError as exc:
        raise OutputError(f"cannot write {to}: {exc.strerror or exc}; check the storage and run the same "
                          "command again") from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # gone already after the swap
    return report


def _write(out: Path, to: Path, restored: dict[str, str], failures: list[dict]) -> None:
    """OUT's data files with the restored texts filled in (same names, schema and key-value metadata,
    plus dedup.rehydrated), and the records that were not restored."""
    shutil.rmtree(to, ignore_errors=True)
    to.mkdir(parents=True)
    for f in sorted((out / "data").rglob("*.parquet")):
        target = to / f.relative_to(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        table = pq.read_table(f)
        texts = [restored.get(d, t) for d, t in zip(table.column("doc_id").to_pylist(),
                                                     table.column("text").to_pylist())]
        i = table.schema.get_field_index("text")
        table = table.set_column(i, table.schema.field(i), pa.array(texts, table.schema.field(i).type))
        meta = dict(pq.read_metadata(f).metadata or {})
        meta.pop(b"ARROW:schema", None)
        meta[b"dedup.rehydrated"] = b"true"
        pq.write_table(table.replace_schema_metadata(meta), target, compression="zstd")
    pq.write_table(pa.Table.from_pylist(failures, schema=pa.schema([
        ("doc_id", pa.string()), ("source_file", pa.string()), ("source_offset", pa.int64()),
        ("reason", pa.string()), ("detail", pa.string())])), to / NOT_RESTORED, compression="zstd")
