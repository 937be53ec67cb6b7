"""read: crawl dumps (WARC/WET/ARC, JSONL, Parquet) -> record batches of the `raw` schema.

One function per format, each streaming `pa.RecordBatch`es of one schema. Bad records become rows with
`reject_reason` set, never exceptions; record types that carry no page (request, metadata, warcinfo)
are counted in `stats`, not emitted. A record becomes its row in `warcrows` (WARC/ARC), `objectrows` (a JSONL
object) or `parquetrows` (a Parquet row); `rawrows` cuts the rows into batches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dedup.run_report import SKIPPED_RECORD_TYPES
from dedup.sources import layouts, storage, warc
from dedup.sources.fieldnames import TOLERATED as FIELD_CASE
from dedup.sources.fieldnames import case_aliases, with_fields
from dedup.sources.inputs import InputFile
from dedup.sources.jsonl import jsonl_pieces, line_limit, page_line_cap
from dedup.sources.objectrows import object_row
from dedup.sources.parquetrows import PARQUET_BUFFER, parquet_row, parquet_rows
from dedup.sources.rawrows import BatchBuilder, flushed, positional_id
from dedup.sources.segments import JOINED, join_segments
from dedup.sources.streams import iter_lines
from dedup.sources.textbytes import controls_removed
from dedup.sources.warcrows import Offsets, payload_counter, warc_row

# WARC record types that never hold a page: counted, not emitted (the list is run.json's, which names them)
SKIPPED_WARC_TYPES = frozenset(SKIPPED_RECORD_TYPES)


def read_warc(path: Path | str, source_name: str, stats: Counter | None = None,
              max_payload: int = 50 * 1024 * 1024) -> Iterator[pa.RecordBatch]:
    """WARC 1.0/1.1, WET and ARC files, gzipped per record, whole or plain."""
    stats = stats if stats is not None else Counter()
    builder = BatchBuilder()
    taken = Offsets()
    for rec in join_segments(warc.iter_records(path, max_payload=max_payload), max_payload):
        rtype = rec.record_type if rec.detail is not JOINED else "continuation_joined"   # its block is in its origin
        stats[f"records.{rtype}"] += 1
        if rtype in SKIPPED_WARC_TYPES and rec.error is None:
            stats["skipped"] += 1
            continue
        rec.offset = taken.claim(rec.offset)
        try:
            row = warc_row(rec, source_name, stats)
        except Exception as exc:  # noqa: BLE001 - a bug on one record must not cost the file's others
            row = {"doc_id": rec.headers.get("warc-record-id") or positional_id(source_name, rec.offset),
                   "source_file": source_name, "source_offset": rec.offset,
                   "reject_reason": "internal_error",
                   "reject_detail": f"{type(exc).__name__}: {str(exc)[:200]} (this is a dedup bug: "
                                    "please report it; the file's other records were read)"}
        if row.get("reject_reason") is None and (counter := payload_counter(rec)):
            stats[counter] += 1
        batch = builder.add(**controls_removed(row, stats))
        if batch is not None:
            yield batch
    yield from flushed(builder)


def read_jsonl(path: Path | str, source_name: str, stats: Counter | None = None,
               max_payload: int = 50 * 1024 * 1024,
               page_caps: tuple[int, int] | None = None) -> Iterator[pa.RecordBatch]:
    """JSON lines with `id`, `url`, `html` or `text`, optional `fetched_at` (plain, .gz or .zst).

    One row per record (`jsonl.jsonl_pieces`: a line, an object of a line holding several, an object
    spread over several lines), `source_offset` its line number (0-based) in a file of one object per
    line. A line longer than twice `max_payload` (JSON escapes may double a page) is skipped unread,
    and an `html` / `text` longer than `max_payload` bytes is not kept: both are `payload_too_large`,
    as in WARC files. Given the extraction's caps (`page_caps`: max_html_bytes, max_text_bytes), a line too long
    for any page they let through, its long value `html` or `text`, is skipped unread too (`jsonl.page_line_cap`),
    an `html_too_large` or `text_too_large` reject under the id its first bytes give.
    """
    stats = stats if stats is not None else Counter()
    builder = BatchBuilder()
    lines = iter_lines(path, line_limit(max_payload), page_line_cap(page_caps))
    for piece in jsonl_pieces(lines, max_payload, page_caps):
        stats["records.truncated" if piece.cut else "records.jsonl"] += 1
        base = {"source_file": source_name, "source_offset": piece.offset}
        if piece.obj is None:
            row = base | {"doc_id": positional_id(source_name, piece.offset), "reject_reason": piece.reason,
                          "reject_detail": piece.detail}
        else:
            try:
                refused = (piece.reason, piece.detail or "") if piece.reason else None
                obj, renamed = with_fields(piece.obj)   # `URL`, `Text`: the fields in another case (round 11)
                if renamed:
                    stats[FIELD_CASE] += renamed
                row = object_row(layouts.object_fields(obj), source_name, piece.offset, max_payload, stats, refused)
            except Exception as exc:  # noqa: BLE001 - a bug on one record must not cost the others
                row = base | {"doc_id": positional_id(source_name, piece.offset), "reject_reason": "internal_error",
                              "reject_detail": f"{type(exc).__name__}: {str(exc)[:200]} "
                                               "(this is a dedup bug: please report it)"}
        batch = builder.add(**controls_removed(row, stats))
        if batch is not None:
            yield batch
    yield from flushed(builder)


_PARQUET_BATCH = 64   # rows per batch: bounded memory with pages of large documents


def read_parquet(path: Path | str, source_name: str, stats: Counter | None = None,
                 max_payload: int = 50 * 1024 * 1024) -> Iterator[pa.RecordBatch]:
    """Parquet with the JSONL columns (`id`, `url`, `html` or `text`, optional `fetched_at`).

    Never raises for bad data: a file that is not Parquet is one `unknown_format` reject, one that
    cannot be opened one `corrupt_file` reject (an empty file gives nothing, as in the other formats);
    without an `id` column each row's id is derived from its data (`layouts.derived_id`: C4); a row group
    that cannot be decoded makes its unread rows `corrupt_file` rejects; broken UTF-8 in a string column
    damages characters (U+FFFD), not rows. A dataset's layout (`layouts.parquet_plan`) names other columns.
    """
    stats = stats if stats is not None else Counter()
    builder = BatchBuilder()

    def reject(position: int, reason: str, detail: str) -> pa.RecordBatch | None:
        stats["records.parquet"] += 1
        return builder.add(doc_id=positional_id(source_name, position), source_file=source_name,
                           source_offset=position, reject_reason=reason, reject_detail=detail)

    try:
        pf = pq.ParquetFile(storage.open_binary(path) if storage.is_url(path) else path,
                            pre_buffer=False, buffer_size=PARQUET_BUFFER)
        names = pf.schema_arrow.names
        groups = [pf.metadata.row_group(i).num_rows for i in range(pf.metadata.num_row_groups)]
    except (pa.ArrowException, OSError, ValueError, TypeError) as exc:
        first = storage.head(path, 1)
        if first is None and isinstance(exc, OSError):
            raise   # the file cannot be opened at all (no permission): an I/O error, as in the other formats
        if first == b"":
            return  # no record, like an empty file of the other formats (run.json's inputs name it)
        magic = storage.head(path, 4) == b"PAR1"
        out = reject(0, "corrupt_file" if magic else "unknown_format",
                     _unreadable_parquet(path, exc) if magic else
                     (f"not a Parquet file ({str(exc)[:200]}); give WARC/ARC, JSONL(.gz/.zst) or "
                      "Parquet files"))
        if out is not None:
            yield out
        yield from flushed(builder)
        return
    aliases = case_aliases(names)   # `URL`, `Text`: the fields in another case (round 11), counted once per column
    if aliases:
        stats[FIELD_CASE] += len(aliases)
    wanted, layout = layouts.parquet_plan(names, pf.schema_arrow, aliases)   # no `id` column: ids derived
    position = 0
    agreed: set[str] = set()   # the columns given twice whose copies agreed in a row
    for group, n_rows in enumerate(groups):
        done = 0
        try:
            for batch in pf.iter_batches(batch_size=_PARQUET_BATCH, row_groups=[group], columns=wanted):
                if aliases:
                    batch = pa.RecordBatch.from_arrays(batch.columns, [aliases.get(c, c) for c in batch.schema.names])
                for obj in parquet_rows(layouts.renamed(batch, layout), max_payload):
                    stats["records.parquet"] += 1
                    row = parquet_row(obj, source_name, position, max_payload, stats, agreed)
                    out = builder.add(**controls_removed(row, stats))
                    position += 1
                    done += 1
                    if out is not None:
                        yield out
        except (pa.ArrowException, OSError, ValueError) as exc:
            detail = (f"row group {group} of the Parquet file cannot be decoded ({type(exc).__name__}: "
                      f"{str(exc)[:200]}): its rows from here on are lost; re-fetch or re-write the file")
        else:
            # damaged pages can also decode to fewer rows without an error: the footer's count is the
            # truth, and a row it promises that never came is a reject, not a silent loss
            detail = (f"row group {group} of the Parquet file gave {done} of the {n_rows} rows its footer "
                      "states (damaged data): the others are lost; re-fetch or re-write the file")
        for _ in range(n_rows - done):
            out = reject(position, "corrupt_file", detail)
            position += 1
            if out is not None:
                yield out
    # once per column, not per row: a file of a million rows with one column given twice is one flaw
    if agreed:
        stats["tolerated.parquet_column_given_twice"] += len(agreed)
    yield from flushed(builder)


def _unreadable_parquet(path: Path | str, exc: Exception) -> str:
    """The detail of a Parquet file's one `corrupt_file` reject. Its footer (at the end) holds the schema, each row
    group's place and the row count: without it no row can be decoded (a column's pages do not say their type or
    name), so the file is one reject, not rows recovered by guesswork (round 14 of the hostile inputs)."""
    why = f"({type(exc).__name__}: {str(exc)[:200]})"
    if storage.tail(path, 4) != b"PAR1":
        return (f"a Parquet file cut short {why}: it starts as Parquet but ends without its footer, which holds its "
                "schema and its row count, so none of its rows can be read and how many it held is not known "
                "(a copy or download that stopped, or a writer killed before it closed the file); re-fetch the "
                "file or write it again from its source")
    return f"a Parquet file that cannot be read {why}: its footer is damaged; re-fetch or re-write it"


def read_input(inp: InputFile, stats: Counter | None = None, max_payload: int = 50 * 1024 * 1024,
               page_caps: tuple[int, int] | None = None) -> Iterator[pa.RecordBatch]:
    """Any supported input file -> `raw` batches (`page_caps`: the extraction's max_html_bytes and max_text_bytes,
    which bound the JSONL lines read: `read_jsonl`)."""
    if inp.format == "jsonl":
        return read_jsonl(inp.path, inp.name, stats, max_payload=max_payload, page_caps=page_caps)
    if inp.format == "parquet":
        return read_parquet(inp.path, inp.name, stats, max_payload=max_payload)
    # WARC/WET/ARC, and a file whose content is not recognised: the WARC reader looks through
    # all of it for records and reports `unknown_format` when there is none
    return read_warc(inp.path, inp.name, stats, max_payload=max_payload)
