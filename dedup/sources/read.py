"""read: crawl dumps (WARC/WET/ARC, JSONL, Parquet) -> record batches of the `raw` schema.

One function per format, each streaming `pa.RecordBatch`es of one schema. Bad records become rows with
`reject_reason` set, never exceptions; record types that carry no page (request, metadata, warcinfo)
are counted in `stats`, not emitted.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dedup.schema import schema
from dedup.sources import bytesource, layouts, storage, warc
from dedup.sources.inputs import InputFile
from dedup.sources.fieldnames import TOLERATED as FIELD_CASE
from dedup.sources.fieldnames import case_aliases, with_fields
from dedup.sources.http import LENGTH_PAST_END, REPEATED, agreed_length, looks_like_html, media_type
from dedup.sources.jsonl import jsonl_pieces
from dedup.sources.segments import JOINED, join_segments
from dedup.sources.streams import iter_lines
from dedup.sources.textbytes import decode_text, wide_str
from dedup.text.normalise import escaped_surrogates, without_lone_surrogates, without_userinfo

BATCH_ROWS = 512
BATCH_BYTES = 64 * 1024 * 1024

# WARC record types that never hold a page: counted, not emitted.
SKIPPED_WARC_TYPES = frozenset({"request", "metadata", "warcinfo", "arc_header", "continuation_joined"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
TEXT_TYPES = frozenset({"text/plain"})


def parse_timestamp(value: object) -> datetime | None:
    """ISO 8601 (with Z or an offset) or WARC 14-digit dates -> aware UTC datetime; junk -> None.

    A date without a time (a Parquet date32/date64 value) is its midnight UTC; a number is an epoch time
    whose unit its magnitude tells (`_epoch`), except an integer of 14 digits that reads as a WARC date.

    A date that cannot be a UTC time (`9999-12-31T23:59:59-01:00` is in the year 10000) is junk
    too: the record keeps its other fields, its date is unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):   # a day (a Parquet date32/date64 column): its midnight, UTC
        dt = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    elif isinstance(value, (int, float)) and not _warc_digits(value):
        return _epoch(value)
    elif isinstance(value, (str, int)):
        text = str(value).strip()
        if not text or len(text) > 64:
            return None
        try:
            if len(text) == 14 and text.isdigit():
                dt = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
            else:
                dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            # a number written as a string ("1700000000", "1700000000.5": a writer that quoted it) is the
            # epoch time that number is; 8 and 14 digits are dates (20240102, 20240102030405) when they read as one
            if _EPOCH_DIGITS.fullmatch(text):
                return _epoch(float(text) if "." in text else int(text))
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


# an epoch number's unit by its magnitude (see `_epoch`): the first bound above it
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_DIGITS = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,9})?")
# when a page can have been fetched: from before the first web server (1990) to 2100. A time outside is a
# placeholder (epoch 0, `0001-01-01`), a broken clock or a misread unit, never a fetch: it is unknown
FETCH_TIMES = (datetime(1990, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))


def fetch_time(value: object, stats: Counter) -> datetime | None:
    """A record's fetch time (`fetched_at`, a WARC-Date) -> UTC, or None when it is absent, unreadable or
    no time a page can have been fetched at (`FETCH_TIMES`). A value given that ends as None is counted in
    `stats` (`fetched_at.unreadable`, `fetched_at.out_of_range`: run.json's `unknown_fetch_times`), so that
    such dates are never dropped in silence; the record is kept either way."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    dt = parse_timestamp(value)
    if dt is None:
        # a number that is no epoch time it can read (negative, beyond nanoseconds since 1970) is out of range
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
        stats["fetched_at.out_of_range" if number else "fetched_at.unreadable"] += 1
    elif not FETCH_TIMES[0] <= dt < FETCH_TIMES[1]:
        stats["fetched_at.out_of_range"] += 1
        return None
    return dt


_EPOCH_UNITS = ((10**11, 1), (10**14, 10**3), (10**17, 10**6), (10**20, 10**9))


def _warc_digits(value: int | float) -> bool:
    """An integer of 14 digits that reads as a WARC date (YYYYMMDDhhmmss: a CDX `timestamp` column)."""
    if not isinstance(value, int) or not 10**13 <= value < 10**14:
        return False
    try:
        datetime.strptime(str(value), "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def _epoch(value: int | float) -> datetime | None:
    """A number of seconds, milliseconds, microseconds or nanoseconds since 1970-01-01 UTC, its unit told by its
    magnitude: below 10^11 seconds (to the year 5138), then milliseconds below 10^14, microseconds below 10^17,
    nanoseconds below 10^20 (each range starts in March 1973). Negative numbers, NaN and larger ones -> None."""
    if value != value or value < 0:
        return None
    for bound, per_second in _EPOCH_UNITS:
        if value < bound:
            try:
                return EPOCH + timedelta(seconds=value / per_second if isinstance(value, float) else 0,
                                         microseconds=0 if isinstance(value, float) else
                                         value * 10**6 // per_second)
            except OverflowError:
                return None
    return None


# the ids the keys stage gives a record read twice hold this mark (`ingest.resolve_repeated_ids`); an input id
# that holds it is not taken as one, so a derived id can never be an input's id too
REPEAT_MARK = "#repeat"


def reserved_id(doc_id: str) -> str | None:
    """Why an input's id cannot be its doc_id (None when it can): it holds the mark of derived ids."""
    if doc_id.startswith(layouts.DERIVED_PREFIX):
        return (f"the id {doc_id[:200]!r} starts with {layouts.DERIVED_PREFIX!r}, which dedup reserves for the ids "
                "it derives for records without one (one of them could be this id)")
    if REPEAT_MARK in doc_id:
        return (f"the id {doc_id[:200]!r} holds {REPEAT_MARK!r}, which dedup reserves for the ids it gives "
                "records read twice (one of them could be this id)")
    return None


def positional_id(source_name: str, offset: int) -> str:
    """Last-resort id for a record that carries none of its own (a corrupt record)."""
    digest = hashlib.sha1(f"{source_name}\0{offset}".encode()).hexdigest()[:24]
    return f"nodocid:{digest}"


class _BatchBuilder:
    """Accumulates raw rows column-wise and cuts batches by count or payload size."""

    def __init__(self) -> None:
        self.schema = schema("raw")
        self._reset()

    def _reset(self) -> None:
        self.cols: dict[str, list] = {f.name: [] for f in self.schema}
        self.nbytes = 0

    def add(self, **row: object) -> pa.RecordBatch | None:
        """Add one row; returns a full batch when the row or byte limit is reached."""
        for name, values in self.cols.items():
            values.append(row.get(name))
        html, text = row.get("html"), row.get("text")
        self.nbytes += len(html) if html else 0  # type: ignore[arg-type]
        self.nbytes += len(text) if text else 0  # type: ignore[arg-type]
        if len(self.cols["doc_id"]) >= BATCH_ROWS or self.nbytes >= BATCH_BYTES:
            return self.flush()
        return None

    def flush(self) -> pa.RecordBatch | None:
        """The rows added since the last batch, as a batch of the raw schema (None when empty)."""
        if not self.cols["doc_id"]:
            return None
        try:
            batch = pa.RecordBatch.from_pydict(self.cols, schema=self.schema)
        except (pa.ArrowException, ValueError, TypeError, OverflowError):
            batch = self._row_by_row()
        self._reset()
        return batch

    def _row_by_row(self) -> pa.RecordBatch:
        """A value Arrow refuses must cost its own row, not the batch: such a row becomes an
        `internal_error` reject (a reader bug: the readers only emit storable values)."""
        rows = [dict(zip(self.cols, values)) for values in zip(*self.cols.values())]
        good: list[dict] = []
        for row in rows:
            try:
                pa.RecordBatch.from_pylist([row], schema=self.schema)
            except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
                row = {k: row.get(k) for k in ("doc_id", "source_file", "source_offset")} | {
                    "reject_reason": "internal_error",
                    "reject_detail": f"a value of this record cannot be stored ({type(exc).__name__}: "
                                     f"{str(exc)[:200]}); this is a dedup bug: please report it"}
                if not isinstance(row["doc_id"], str):
                    row["doc_id"] = positional_id(str(row["source_file"]), int(row["source_offset"] or 0))
            good.append(row)
        return pa.RecordBatch.from_pylist(good, schema=self.schema)


def read_warc(path: Path | str, source_name: str, stats: Counter | None = None,
              max_payload: int = 50 * 1024 * 1024) -> Iterator[pa.RecordBatch]:
    """WARC 1.0/1.1, WET and ARC files, gzipped per record, whole or plain."""
    stats = stats if stats is not None else Counter()
    builder = _BatchBuilder()
    taken = _Offsets()
    for rec in join_segments(warc.iter_records(path, max_payload=max_payload), max_payload):
        rtype = rec.record_type if rec.detail is not JOINED else "continuation_joined"   # its block is in its origin
        stats[f"records.{rtype}"] += 1
        if rtype in SKIPPED_WARC_TYPES and rec.error is None:
            stats["skipped"] += 1
            continue
        rec.offset = taken.claim(rec.offset)
        try:
            row = _warc_row(rec, source_name, stats)
        except Exception as exc:  # noqa: BLE001 - a bug on one record must not cost the file's others
            row = {"doc_id": rec.headers.get("warc-record-id") or positional_id(source_name, rec.offset),
                   "source_file": source_name, "source_offset": rec.offset,
                   "reject_reason": "internal_error",
                   "reject_detail": f"{type(exc).__name__}: {str(exc)[:200]} (this is a dedup bug: "
                                    "please report it; the file's other records were read)"}
        if row.get("reject_reason") is None and (cut := _payload_cut(rec)):
            stats[f"cut.{cut}"] += 1
        batch = builder.add(**row)
        if batch is not None:
            yield batch
    batch = builder.flush()
    if batch is not None:
        yield batch


def _payload_cut(rec: warc.RawRecord) -> str | None:
    """Why the payload of a record read is not the whole page, when its headers say so: `WARC-Truncated`
    (the crawler stopped: `length`, Common Crawl's cut at 1 MiB, `time`, `disconnect`, `unspecified`)
    or an HTTP 206 (a range of the page), or a body shorter than the HTTP Content-Length of a response sent
    without transfer or content coding (`http_body_short`: the crawler kept part of it and did not say so).
    None for a whole payload."""
    truncated = rec.headers.get("warc-truncated")
    if truncated is not None:
        reason = truncated.strip().lower()
        return f"warc_truncated_{reason if reason in ('length', 'time', 'disconnect') else 'unspecified'}"
    if rec.http_status == 206:
        return "http_206"
    hh = rec.http_headers
    if hh and "content-length" in hh and "transfer-encoding" not in hh and "content-encoding" not in hh:
        length = agreed_length(hh["content-length"]) or ""
        if length.isascii() and length.isdigit() and len(length) < 19 and len(rec.payload) < int(length):
            return "http_body_short"
    return None


# a WARC-Record-ID field sent more than once, as the header parser joins it: `<urn:a>, <urn:b>` (a URI holds no
# space, so the join cannot be one id)
_REPEATED_RECORD_ID = re.compile(r"<[^<>\s]*>(?:\s*,\s*<[^<>\s]*>)+")


# the WARC fields a record cannot be used without: a header line without a colon that names one of them (and the
# record lacks it) costs the record; any other such line is tolerated and counted (`_unparsed_lines`)
_NEEDED_FIELDS = {"warc-record-id": "WARC-Record-ID", "warc-type": "WARC-Type", "warc-target-uri": "WARC-Target-URI"}
_FIELD_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _unparsed_lines(rec: warc.RawRecord, stats: Counter) -> str | None:
    """The WARC header lines of `rec` without a colon (taken out of its headers): why the record cannot be
    used when one held a field it needs (`_NEEDED_FIELDS`: its id, type or URL would be lost, or another
    taken in its place: a URL-derived id), '' when the lines held none of them (tolerated: a record kept
    despite them is counted in `tolerated.warc_header_line_without_colon` by the caller), None when there
    are no such lines. A line that held the WARC-Date makes the fetch time unknown (`fetched_at.unreadable`)."""
    lines = rec.headers.pop(warc.UNPARSED, None)
    if not lines:
        return None
    named: dict[str, str] = {}
    for line in lines.split("\n"):
        if m := _FIELD_NAME.match(line.strip()):
            named.setdefault(m.group().lower(), line)
    if "warc-date" in named and "warc-date" not in rec.headers:
        stats["fetched_at.unreadable"] += 1
    for key, field in _NEEDED_FIELDS.items():
        if key in named and key not in rec.headers:
            return (f"header line without a colon: {named[key][:200]!r}: the record's {field} cannot be read "
                    "(a WARC header line is `Name: value`)")
    return ""


def _warc_row(rec: warc.RawRecord, source_name: str, stats: Counter) -> dict[str, object]:
    """One WARC/ARC record -> a `raw` row (a reject row when the record cannot be used)."""
    rtype = rec.record_type
    headers = rec.headers
    unparsed = _unparsed_lines(rec, stats)
    record_id = headers.get("warc-record-id")
    url = headers.get("warc-target-uri")
    garbled = rec.error in bytesource.DAMAGE
    clash = None
    if record_id and _REPEATED_RECORD_ID.fullmatch(record_id.strip()):
        # the field twice: one id when the copies agree; two ids for one record is no identity to take
        ids = sorted({v.strip() for v in record_id.split(",")})
        record_id = ids[0] if len(ids) == 1 else None
        if record_id is None:
            clash = f"WARC-Record-ID given more than once, with different values ({', '.join(ids)[:300]})"
    for key in headers.pop(REPEATED, "").split("\n"):   # a type or URL given twice, two values: no record to read
        if clash is None and key in ("warc-type", "warc-target-uri"):
            clash = f"{_NEEDED_FIELDS[key]} given more than once, with different values ({headers[key][:300]})"
    reserved = reserved_id(record_id) if record_id and not garbled else None
    if record_id and not garbled and reserved is None:
        doc_id = record_id
    elif clash is None and reserved is None and not unparsed and rtype == "response" and url and rec.error is None:
        # ARC records carry no id: derive one from what identifies the capture.
        key = f"{url}\0{headers.get('warc-date', '')}\0{len(rec.payload)}"
        doc_id = "urn:arc:" + hashlib.sha1(key.encode()).hexdigest()
        if "warc-type" in headers:   # a WARC record without its (mandatory) id, or an empty one: derived, counted
            stats["tolerated.warc_record_id_missing"] += 1
    else:
        doc_id = positional_id(source_name, rec.offset)
    row: dict[str, object] = {
        "doc_id": doc_id,
        "url": without_userinfo(url) if url else url,   # the id above is derived from the URL as given
        "fetched_at": fetch_time(headers.get("warc-date"), stats),
        "source_file": source_name,
        "source_offset": rec.offset,
        "warc_record_id": record_id,
    }
    if garbled and record_id:
        # read from bytes next to gzip damage: the header may be garbled (a flipped back-reference
        # copies an earlier record's id), so the id stays in the detail and the row takes a
        # positional one: it must not claim the id of a sound copy of the record elsewhere
        row["warc_record_id"] = None
        rec.detail = f"{rec.detail} (its header, as read: WARC-Record-ID {record_id[:200]})"
    reason, detail = _classify_warc_record(rec, row)
    if reason is None and reserved is not None:
        reason, detail = "reserved_doc_id", reserved
    if reason is None and clash is not None:
        reason, detail = "bad_warc_header", clash
    if reason is None and unparsed:
        reason, detail = "bad_warc_header", unparsed
    elif reason is None and unparsed is not None:
        stats["tolerated.warc_header_line_without_colon"] += 1
    if reason is None and rec.detail.startswith((bytesource.SPANS, LENGTH_PAST_END)):  # across members; length past end
        stats["tolerated." + rec.detail.split(":", 1)[0]] += 1
    if reason:
        row["reject_reason"], row["reject_detail"] = reason, detail
        row.pop("html", None)
        row.pop("text", None)
    return row


class _Offsets:
    """The offsets given out in one file: (source_file, source_offset) identifies a row in the build
    (the stages join on it), so it must be unique per file. The WARC reader gives distinct offsets to
    distinct records; a reject for damage reports where the damage is, which may be the offset of the
    record read just before it from the same gzip member: such a row takes the next free offset."""

    __slots__ = ("_seen", "_high")

    def __init__(self) -> None:
        self._seen: set[int] = set()
        self._high = -1

    def claim(self, offset: int) -> int:
        """`offset`, or the first free one after it."""
        if offset > self._high:
            self._high = offset
        elif offset in self._seen:
            while offset in self._seen:
                offset += 1
            self._high = max(self._high, offset)
        self._seen.add(offset)
        return offset


def _classify_warc_record(rec: warc.RawRecord, row: dict) -> tuple[str | None, str]:
    """Fill content fields of `row`; return (reject reason, detail) or (None, '')."""
    if rec.error:
        return rec.error, rec.detail
    rtype = rec.record_type
    if rtype == "revisit":   # decided in round 11: no page of its own; the capture it repeats is read from its record
        h = rec.headers
        to = h.get("warc-refers-to") or " ".join(x for x in (h.get("warc-refers-to-target-uri"),
                                                              h.get("warc-refers-to-date")) if x)
        return "revisit_record", ("a revisit record points to an earlier capture and holds no page"
                                  + (f" (it refers to {to[:300]})" if to else "")
                                  + (f" (profile {h['warc-profile'][:200]})" if h.get("warc-profile") else ""))
    if rtype == "continuation":
        return "orphan_segment", (
            f"segment {rec.headers.get('warc-segment-number', '?')[:20]} of the record "
            f"{rec.headers.get('warc-segment-origin-id', '?')[:200]}, whose earlier segments are not before it in this "
            "file: lost, or in an earlier file of the crawl (dedup joins a record's segments within one file: join "
            "the files with `cat a.warc.gz b.warc.gz > ab.warc.gz` and read them as one)")
    media: str | None
    charset: str | None
    if rtype == "conversion":
        media, charset = "text/plain", None
    elif rec.http_headers is not None:
        if rec.http_status is not None and not 200 <= rec.http_status < 300:
            return "http_status", f"HTTP status {rec.http_status}"
        media, charset = media_type(rec.http_headers.get("content-type"))
    elif rtype in ("response", "resource"):
        media, charset = media_type(rec.headers.get("content-type"))
    else:
        return "unsupported_record_type", f"WARC-Type {rtype!r}"
    row["content_type"], row["charset"], row["warc_type"] = media, charset, rtype
    payload = rec.payload
    if not payload or not payload.strip():
        return "empty_payload", "the record has no body"
    if media in TEXT_TYPES and rtype == "conversion":
        row["text"] = decode_text(payload, None)
        return None, ""
    if media in HTML_TYPES or ((media is None or media in TEXT_TYPES) and looks_like_html(payload)):
        row["html"] = payload
        return None, ""
    if media in TEXT_TYPES:
        row["text"] = decode_text(payload, charset)
        return None, ""
    return "non_html_payload", f"content type {media or 'unknown'}"


def read_jsonl(path: Path | str, source_name: str, stats: Counter | None = None,
               max_payload: int = 50 * 1024 * 1024) -> Iterator[pa.RecordBatch]:
    """JSON lines with `id`, `url`, `html` or `text`, optional `fetched_at` (plain, .gz or .zst).

    One row per record (`jsonl.jsonl_pieces`: a line, an object of a line holding several, an object
    spread over several lines), `source_offset` its line number (0-based) in a file of one object per
    line. A line longer than twice `max_payload` (JSON escapes may double a page) is skipped unread,
    and an `html` / `text` longer than `max_payload` bytes is not kept: both are `payload_too_large`,
    as in WARC files.
    """
    stats = stats if stats is not None else Counter()
    builder = _BatchBuilder()
    for piece in jsonl_pieces(iter_lines(path, max(2 * max_payload, 1024)), max_payload):
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
                row = _object_row(layouts.object_fields(obj), source_name, piece.offset, max_payload, stats, refused)
            except Exception as exc:  # noqa: BLE001 - a bug on one record must not cost the others
                row = base | {"doc_id": positional_id(source_name, piece.offset), "reject_reason": "internal_error",
                              "reject_detail": f"{type(exc).__name__}: {str(exc)[:200]} "
                                               "(this is a dedup bug: please report it)"}
        batch = builder.add(**row)
        if batch is not None:
            yield batch
    batch = builder.flush()
    if batch is not None:
        yield batch


def valid_str(value: object) -> str | None:
    """str(value) that Arrow can store: lone surrogates (from JSON escapes) become U+FFFD."""
    if value is None:
        return None
    return without_lone_surrogates(value if isinstance(value, str) else str(value))


def _object_row(obj: dict, source_name: str, position: int, max_payload: int, stats: Counter,
                refused: tuple[str, str] | None = None) -> dict:
    """A JSONL object or Parquet row -> a `raw` row. `id` must be a string or an integer (without the field,
    one is derived from the record's data: `layouts.derived_id`); `url` and
    `fetched_at` that are unusable become null (the record is kept), an `html` / `text` larger than
    `max_payload` bytes is rejected as `payload_too_large`. `refused` (reason, detail): the reader already
    knows the record cannot be used (a Parquet value too large to load, a field given twice with two
    values): a reject under the record's own id."""
    row: dict[str, object] = {"source_file": source_name, "source_offset": position}
    raw_id = obj.get("id")
    url = obj.get("url")
    row["url"] = without_userinfo(valid_str(url)) if isinstance(url, str) else None  # type: ignore[arg-type]
    row["fetched_at"] = fetch_time(obj.get("fetched_at"), stats)
    if "id" not in obj:   # no id field at all (C4): one derived from the record's data; none for a refused one
        if refused is not None:
            return row | {"doc_id": positional_id(source_name, position), "reject_reason": refused[0],
                          "reject_detail": refused[1]}
        stats["tolerated.id_derived"] += 1
        return _payload_row(obj, row | {"doc_id": layouts.derived_id(obj, row["fetched_at"])}, max_payload)
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        what = "record's `id` is null (a file that gives ids broke this one)" if raw_id is None else \
            f"`id` is a {type(raw_id).__name__} value, not a string or an integer (JSONL and Parquet ids must be one)"
        return row | {"doc_id": positional_id(source_name, position), "reject_reason": "missing_id",
                      "reject_detail": what}
    doc_id = str(raw_id)
    if not doc_id.isascii() and doc_id != (doc_id := escaped_surrogates(doc_id)):
        stats["tolerated.id_not_utf8"] += 1   # bytes no UTF-8 holds, lone surrogate escapes: kept as `\xNN`
    if not doc_id or not doc_id.strip():
        return row | {"doc_id": positional_id(source_name, position), "reject_reason": "missing_id",
                      "reject_detail": "record has an empty `id`"}
    if (reserved := reserved_id(doc_id)) is not None:
        return row | {"doc_id": positional_id(source_name, position), "reject_reason": "reserved_doc_id",
                      "reject_detail": reserved}
    row["doc_id"] = doc_id
    if refused is not None:
        return row | {"reject_reason": refused[0], "reject_detail": refused[1]}
    return _payload_row(obj, row, max_payload)


def _payload_row(obj: dict, row: dict, max_payload: int) -> dict:
    """`row` with the record's `html` or `text` (`_object_row`), or the reject that says why it has none."""
    html, text = obj.get("html"), obj.get("text")
    if isinstance(html, str) and html.strip():
        row["html"] = html.encode("utf-8", errors="surrogatepass")
        row["content_type"], row["charset"] = "text/html", "utf-8"
    elif isinstance(html, bytes) and html.strip():
        row["html"] = html
        row["content_type"] = "text/html"
    elif isinstance(text, str) and text.strip():
        row["text"] = valid_str(wide_str(text))
        row["content_type"] = "text/plain"
    else:
        # a value of another type (a number, a list, a nested object: a Parquet column of another type) is named
        wrong = [f"`{k}` is of type {type(v).__name__}" for k, v in (("html", html), ("text", text))
                 if v is not None and not isinstance(v, (str, bytes))]
        row["reject_reason"], row["reject_detail"] = "empty_payload", "record has neither `html` nor `text`" + (
            f" ({'; '.join(wrong)}, not a string)" if wrong else "")
        return row
    kept = row.get("html")
    size = len(kept) if isinstance(kept, bytes) else len(str(row.get("text") or "").encode("utf-8"))
    if size > max_payload:
        row.pop("html", None)
        row.pop("text", None)
        row["reject_reason"], row["reject_detail"] = "payload_too_large", (
            f"{'html' if 'html' in obj and isinstance(html, (str, bytes)) and html.strip() else 'text'} "
            f"of {size} bytes > max_payload_bytes {max_payload}")
    return row


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
    builder = _BatchBuilder()

    def reject(position: int, reason: str, detail: str) -> pa.RecordBatch | None:
        stats["records.parquet"] += 1
        return builder.add(doc_id=positional_id(source_name, position), source_file=source_name,
                           source_offset=position, reject_reason=reason, reject_detail=detail)

    try:
        pf = pq.ParquetFile(storage.open_binary(path) if storage.is_url(path) else path,
                            pre_buffer=False)
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
                     (f"a Parquet file that cannot be read ({type(exc).__name__}: {str(exc)[:200]}): "
                      "it may be cut short or damaged; re-fetch or re-write it") if magic else
                     (f"not a Parquet file ({str(exc)[:200]}); give WARC/ARC, JSONL(.gz/.zst) or "
                      "Parquet files"))
        if out is not None:
            yield out
        yield from _flushed(builder)
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
                for obj in _parquet_rows(layouts.renamed(batch, layout), max_payload):
                    stats["records.parquet"] += 1
                    row = _parquet_row(obj, source_name, position, max_payload, stats, agreed)
                    out = builder.add(**row)
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
    yield from _flushed(builder)


def _parquet_row(obj: dict, source_name: str, position: int, max_payload: int, stats: Counter,
                 agreed: set[str]) -> dict:
    """A row of `_parquet_rows` -> a `raw` row: `_object_row`, unless a column given twice holds two values in
    this row (which is the record's is not known: `missing_id` for `id`, else `duplicate_field` under the
    row's id); copies that agree are that value, the column added to `agreed` (the file's columns given twice).
    A fetch time no Python datetime holds (beyond the year 9999) is unknown and counted
    (`fetched_at.out_of_range`)."""
    refused = None
    if (too_large := obj.pop("_too_large", None)) is not None:   # a value that was never loaded
        refused = ("payload_too_large", f"{too_large[0]} of {too_large[1]} bytes > max_payload_bytes {max_payload}")
    if (clash := obj.pop("_clash", None)) is not None:
        name, count, values = clash
        shown = ", ".join(repr(v[:80] if isinstance(v, (str, bytes)) else v) for v in values[:3])
        detail = (f"the Parquet file has {count} columns named `{name}`, and in this row they differ ({shown}): which "
                  "one is the record's is not known; keep one column")
        if name == "id":
            return {"doc_id": positional_id(source_name, position), "source_file": source_name,
                    "source_offset": position, "reject_reason": "missing_id", "reject_detail": detail}
        refused = ("duplicate_field", detail)
    if (names := obj.pop("_agreed", ())) and clash is None:
        agreed.update(names)
    if obj.get("fetched_at") is _UNHELD:
        obj["fetched_at"] = None
        stats["fetched_at.out_of_range"] += 1
    return _object_row(obj, source_name, position, max_payload, stats, refused)


def _flushed(builder: _BatchBuilder) -> Iterator[pa.RecordBatch]:
    out = builder.flush()
    if out is not None:
        yield out


_PARQUET_TEXT_COLUMNS = ("id", "url", "text", "fetched_at")


# a value Python cannot hold (a timestamp beyond the year 9999) in a `fetched_at` column: unknown, and counted
_UNHELD = object()


def _parquet_rows(batch: pa.RecordBatch, max_payload: int) -> Iterator[dict]:
    """Rows of a batch as dicts. String columns are decoded here, with U+FFFD for broken UTF-8
    (Arrow would raise for the whole batch); `html` / `text` values larger than `max_payload`
    bytes are never turned into Python objects: the row gets `_too_large` (column, size). A column
    given twice: a row whose copies hold two values gets `_clash` (name, copies, values), one whose
    copies agree (nulls aside) `_agreed` (their names). A `fetched_at` Python cannot hold is `_UNHELD`."""
    columns: dict[str, list] = {}
    copies: dict[str, list[list]] = {}
    too_large: dict[int, tuple[str, int]] = {}
    for name, col in zip(batch.schema.names, batch.columns):
        if name in columns:   # a column given twice: its copies are compared row by row below
            copies.setdefault(name, [columns[name]])
        if pa.types.is_dictionary(col.type):
            col = col.dictionary_decode()
        if pa.types.is_timestamp(col.type) and col.type.tz is not None:
            # the values are instants (UTC); the zone only says how to show them, and one Arrow does not know
            # (`Mars/Olympus`) made every value of the column unreadable
            col = col.cast(pa.timestamp(col.type.unit, tz="UTC"))
        if name in ("html", "text") and (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
                                         or pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type)):
            sizes = pa.compute.binary_length(col).to_pylist()
            big = [i for i, n in enumerate(sizes) if n is not None and n > max_payload]
            for i in big:
                too_large.setdefault(i, (name, sizes[i]))
            if big:
                mask = pa.array([i in too_large for i in range(len(col))])
                col = pa.compute.if_else(mask, pa.scalar(None, col.type), col)
        # text columns stored as plain BYTE_ARRAY, without the UTF8/STRING annotation (Hive, Impala, Spark
        # without binaryAsString write them so), or as fixed-size bytes: read as UTF-8 too; `html` stays bytes
        stored = (pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type)  # `text` bytes: as a WARC's
                  or pa.types.is_fixed_size_binary(col.type))
        if name == "id" and getattr(col.type, "extension_name", None) == "arrow.uuid":   # the Parquet UUID type
            columns[name] = [None if v is None else str(v) for v in col.to_pylist()]
        elif name == "id" and (pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or stored):
            # bytes that are no UTF-8 as lone surrogates, for `_object_row` to keep as `\xNN` (U+FFFD made ids one)
            columns[name] = [None if v is None else v.decode("utf-8", errors="surrogateescape")
                             for v in col.cast(pa.large_binary()).to_pylist()]
        elif pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or (
                name in _PARQUET_TEXT_COLUMNS and stored):
            raw = col.cast(pa.large_binary()).to_pylist()
            columns[name] = [None if v is None else decode_text(v, None) if name == "text" and stored else
                             v.decode("utf-8", errors="replace") for v in raw]
        else:
            columns[name] = _safe_pylist(col, _UNHELD if name == "fetched_at" else None)
        if name in copies:
            copies[name].append(columns[name])
    for i in range(batch.num_rows):
        row = {name: values[i] for name, values in columns.items()}
        for name, lists in copies.items():
            given = []
            for values in lists:
                if values[i] is not None and values[i] not in given:
                    given.append(values[i])
            if len(given) > 1:
                row["_clash"] = (name, len(lists), given)
                break
            row[name] = given[0] if given else None
            row["_agreed"] = row.get("_agreed", ()) + (name,)
        if i in too_large:
            row["_too_large"] = too_large[i]
        yield row




def _safe_pylist(col: pa.Array, unheld: object = None) -> list:
    """col.to_pylist(), with `unheld` for each value Python cannot hold (a timestamp beyond the year 9999)."""
    try:
        return col.to_pylist()
    except (pa.ArrowException, ValueError, OverflowError, TypeError):
        out = []
        for i in range(len(col)):
            try:
                out.append(col[i].as_py())
            except (pa.ArrowException, ValueError, OverflowError, TypeError):
                out.append(unheld)
        return out


def read_input(inp: InputFile, stats: Counter | None = None,
               max_payload: int = 50 * 1024 * 1024) -> Iterator[pa.RecordBatch]:
    """Any supported input file -> `raw` batches."""
    if inp.format == "jsonl":
        return read_jsonl(inp.path, inp.name, stats, max_payload=max_payload)
    if inp.format == "parquet":
        return read_parquet(inp.path, inp.name, stats, max_payload=max_payload)
    # WARC/WET/ARC, and a file whose content is not recognised: the WARC reader looks through
    # all of it for records and reports `unknown_format` when there is none
    return read_warc(inp.path, inp.name, stats, max_payload=max_payload)
