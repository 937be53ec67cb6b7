"""read: crawl dumps (WARC/WET/ARC, JSONL, Parquet) -> record batches of the `raw` schema.

One function per format, each streaming `pa.RecordBatch`es of one schema. Bad records become rows with
`reject_reason` set, never exceptions; record types that carry no page (request, metadata, warcinfo)
are counted in `stats`, not emitted.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dedup.sources import storage, warc
from dedup.errors import InputError
from dedup.schema import schema

BATCH_ROWS = 512
BATCH_BYTES = 64 * 1024 * 1024

# WARC record types that never hold a page: counted, not emitted.
SKIPPED_WARC_TYPES = frozenset({"request", "metadata", "warcinfo", "arc_header"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
TEXT_TYPES = frozenset({"text/plain"})


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path | str  # a local path, or an fsspec URL (str) such as s3://bucket/crawl/x.warc.gz
    name: str  # stable name written into source_file: relative to the argument it came from
    format: str  # warc | jsonl | parquet


def detect_format(path: Path | str) -> str:
    """By name for JSONL/Parquet; by content for the WARC family (names lie: `x.warc.gz.bad`)."""
    name = storage.basename(path).lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".json.gz", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    kind = warc.sniff_container(path)
    if kind in ("warc", "arc"):
        return "warc"
    return "unknown"


def expand_inputs(args: list[str]) -> list[InputFile]:
    """Files, directories (recursive) or globs -> input files sorted by their stable name. Each may be
    a local path or an fsspec URL (s3://bucket/crawl/, gs://.../*.warc.gz): see dedup.sources.storage."""
    found: dict[str, InputFile] = {}
    for arg in args:
        matches: list[tuple[Path | str, str]] = []
        p = Path(arg)
        folder = False
        if storage.is_url(arg):
            found_urls, folder = storage.expand_url(arg)
            matches.extend(found_urls)
        elif p.is_dir():
            folder = True
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith("."):
                    matches.append((f, f.relative_to(p).as_posix()))
        elif p.is_file():
            matches.append((p, p.name))
        else:
            hits = sorted(glob.glob(arg, recursive=True))
            if not hits:
                raise InputError(f"input not found: {arg!r} (give WARC/WET/ARC, JSONL or Parquet files, folders or globs)")
            matches.extend((Path(h), Path(h).name) for h in hits if Path(h).is_file())
        for path, name in matches:
            fmt = detect_format(path)
            if fmt == "unknown":
                if folder:
                    continue  # folders may hold READMEs, checksums...: only crawl files count
                raise InputError(f"{path}: not a WARC/ARC, JSONL(.gz/.zst) or Parquet file")
            previous = found.get(name)
            if previous is not None and not _same_file(previous.path, path):
                raise InputError(
                    f"two inputs share the name {name!r} ({previous.path} and {path}); "
                    "rename one or pass their common parent folder instead"
                )
            found[name] = InputFile(path, name, fmt)
    if not found:
        raise InputError(f"no crawl files found in {' '.join(args)}")
    return [found[k] for k in sorted(found)]


def _same_file(a: Path | str, b: Path | str) -> bool:
    if storage.is_url(a) or storage.is_url(b):
        return a == b
    return Path(a).resolve() == Path(b).resolve()


def parse_timestamp(value: object) -> datetime | None:
    """ISO 8601 (with Z or an offset) or WARC 14-digit dates -> aware UTC datetime; junk -> None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            if len(text) == 14 and text.isdigit():
                dt = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
            else:
                dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def positional_id(source_name: str, offset: int) -> str:
    """Last-resort id for a record that carries none of its own (a corrupt record)."""
    digest = hashlib.sha1(f"{source_name}\0{offset}".encode()).hexdigest()[:24]
    return f"nodocid:{digest}"


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    media = parts[0].lower() or None
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("'\"").lower()
    return media, charset


def looks_like_html(payload: bytes) -> bool:
    head = payload[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<html" in payload[:4096].lower() or b"<!doctype" in head
                                      or b"<body" in payload[:8192].lower() or b"<p" in head)


class _BatchBuilder:
    """Accumulates raw rows column-wise and cuts batches by count or payload size."""

    def __init__(self) -> None:
        self.schema = schema("raw")
        self._reset()

    def _reset(self) -> None:
        self.cols: dict[str, list] = {f.name: [] for f in self.schema}
        self.nbytes = 0

    def add(self, **row: object) -> pa.RecordBatch | None:
        for name, values in self.cols.items():
            values.append(row.get(name))
        html, text = row.get("html"), row.get("text")
        self.nbytes += len(html) if html else 0  # type: ignore[arg-type]
        self.nbytes += len(text) if text else 0  # type: ignore[arg-type]
        if len(self.cols["doc_id"]) >= BATCH_ROWS or self.nbytes >= BATCH_BYTES:
            return self.flush()
        return None

    def flush(self) -> pa.RecordBatch | None:
        if not self.cols["doc_id"]:
            return None
        batch = pa.RecordBatch.from_pydict(self.cols, schema=self.schema)
        self._reset()
        return batch


def read_warc(path: Path, source_name: str, stats: Counter | None = None,
              max_payload: int = 50 * 1024 * 1024) -> Iterator[pa.RecordBatch]:
    """WARC 1.0/1.1, WET and ARC files, gzipped per record, whole or plain."""
    stats = stats if stats is not None else Counter()
    builder = _BatchBuilder()
    taken = _Offsets()
    for rec in warc.iter_records(path, max_payload=max_payload):
        rtype = rec.record_type
        stats[f"records.{rtype}"] += 1
        if rtype in SKIPPED_WARC_TYPES and rec.error is None:
            stats["skipped"] += 1
            continue
        rec.offset = taken.claim(rec.offset)
        headers = rec.headers
        record_id = headers.get("warc-record-id")
        url = headers.get("warc-target-uri")
        if record_id:
            doc_id = record_id
        elif rtype == "response" and url and rec.error is None:
            # ARC records carry no id: derive one from what identifies the capture.
            key = f"{url}\0{headers.get('warc-date', '')}\0{len(rec.payload)}"
            doc_id = "urn:arc:" + hashlib.sha1(key.encode()).hexdigest()
        else:
            doc_id = positional_id(source_name, rec.offset)
        row: dict[str, object] = {
            "doc_id": doc_id,
            "url": url,
            "fetched_at": parse_timestamp(headers.get("warc-date")),
            "source_file": source_name,
            "source_offset": rec.offset,
            "warc_record_id": record_id,
        }
        reason, detail = _classify_warc_record(rec, row)
        if reason:
            row["reject_reason"], row["reject_detail"] = reason, detail
            row.pop("html", None)
            row.pop("text", None)
        batch = builder.add(**row)
        if batch is not None:
            yield batch
    batch = builder.flush()
    if batch is not None:
        yield batch


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
    if rtype == "revisit":
        return "revisit_record", "a revisit record points to an earlier capture and holds no page"
    if rtype == "conversion":
        media, charset = "text/plain", None
    elif rec.http_headers is not None:
        if rec.http_status is not None and not 200 <= rec.http_status < 300:
            return "http_status", f"HTTP status {rec.http_status}"
        media, charset = _media_type(rec.http_headers.get("content-type"))
    elif rtype in ("response", "resource"):
        media, charset = _media_type(rec.headers.get("content-type"))
    else:
        return "unsupported_record_type", f"WARC-Type {rtype!r}"
    row["content_type"], row["charset"] = media, charset
    payload = rec.payload
    if not payload or not payload.strip():
        return "empty_payload", "the record has no body"
    if media in TEXT_TYPES and rtype == "conversion":
        row["text"] = payload.decode("utf-8", errors="replace")
        return None, ""
    if media in HTML_TYPES or ((media is None or media in TEXT_TYPES) and looks_like_html(payload)):
        row["html"] = payload
        return None, ""
    if media in TEXT_TYPES:
        row["text"] = payload.decode(charset or "utf-8", errors="replace") if _known_codec(charset) \
            else payload.decode("utf-8", errors="replace")
        return None, ""
    return "non_html_payload", f"content type {media or 'unknown'}"


def _known_codec(name: str | None) -> bool:
    if not name:
        return False
    try:
        import codecs

        codecs.lookup(name)
        return True
    except LookupError:
        return False


class TruncatedInput(Exception):
    """The compressed stream ended early or is corrupt; the lines before the damage were delivered."""


def _decompressed_chunks(path: Path, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    """Raw bytes of a plain, gzip (multi-member) or zstd file, chunk by chunk.

    Our own loop rather than gzip.open: gzip.open drops everything it decoded in the read call that
    hits a truncated end, so the complete lines before the cut would be lost.
    """
    name = storage.basename(path).lower()
    with storage.open_binary(path) as fh:
        if name.endswith(".zst"):
            import zstandard

            dctx = zstandard.ZstdDecompressor()
            obj, fed = dctx.decompressobj(), False
            while chunk := fh.read(chunk_size):
                while chunk:
                    try:
                        out = obj.decompress(chunk)
                    except zstandard.ZstdError as exc:
                        raise TruncatedInput(f"corrupt zstd data: {exc}") from exc
                    fed = True
                    if out:
                        yield out
                    chunk = b""
                    if obj.eof:  # a new frame may follow in the same chunk
                        chunk = obj.unused_data
                        obj, fed = dctx.decompressobj(), False
            if fed and not obj.eof:
                raise TruncatedInput("zstd stream ended inside a frame")
            return
        if not name.endswith(".gz"):
            while chunk := fh.read(chunk_size):
                yield chunk
            return
        obj = zlib.decompressobj(wbits=31)
        pending = b""
        while True:
            chunk = pending or fh.read(chunk_size)
            pending = b""
            if not chunk:
                break
            try:
                out = obj.decompress(chunk)
            except zlib.error as exc:
                raise TruncatedInput(f"corrupt gzip data: {exc}") from exc
            if out:
                yield out
            if obj.eof:
                pending = obj.unused_data
                obj = zlib.decompressobj(wbits=31)
                if not pending and not (pending := fh.read(chunk_size)):
                    return
        if not obj.eof:
            raise TruncatedInput("gzip stream ended inside a member")


def _iter_lines(path: Path) -> Iterator[bytes]:
    tail = b""
    for chunk in _decompressed_chunks(path):
        lines = (tail + chunk).split(b"\n")
        tail = lines.pop()
        yield from lines
    if tail:
        yield tail


def read_jsonl(path: Path, source_name: str, stats: Counter | None = None) -> Iterator[pa.RecordBatch]:
    """JSON lines with `id`, `url`, `html` or `text`, optional `fetched_at` (plain, .gz or .zst)."""
    stats = stats if stats is not None else Counter()
    builder = _BatchBuilder()
    line_no = -1
    lines = _iter_lines(path)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            break
        except TruncatedInput as exc:
            # the last partial line (if any) was never yielded: the reject stands for it
            stats["records.truncated"] += 1
            batch = builder.add(
                doc_id=positional_id(source_name, line_no + 1), source_file=source_name,
                source_offset=line_no + 1, reject_reason="truncated_file",
                reject_detail=f"{exc} (after line {line_no + 1}); the lines before were read",
            )
            if batch is not None:
                yield batch
            break
        line_no += 1
        if not line.strip():
            continue
        stats["records.jsonl"] += 1
        batch = builder.add(**_jsonl_row(line, source_name, line_no))
        if batch is not None:
            yield batch
    batch = builder.flush()
    if batch is not None:
        yield batch


def _jsonl_row(line: bytes, source_name: str, line_no: int) -> dict:
    base = {"source_file": source_name, "source_offset": line_no}
    try:
        # broken UTF-8 inside a line damages a few characters, not the record
        obj = json.loads(line.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        return base | {"doc_id": positional_id(source_name, line_no), "reject_reason": "bad_json",
                       "reject_detail": f"line {line_no + 1}: {exc}"}
    if not isinstance(obj, dict):
        return base | {"doc_id": positional_id(source_name, line_no), "reject_reason": "bad_json",
                       "reject_detail": f"line {line_no + 1}: not a JSON object"}
    return _object_row(obj, source_name, line_no)


def valid_str(value: object) -> str | None:
    """str(value) that Arrow can store: lone surrogates (from JSON escapes) become U+FFFD."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATES.sub("\ufffd", text)
    return text


_SURROGATES = re.compile("[\ud800-\udfff]")


def _object_row(obj: dict, source_name: str, position: int) -> dict:
    row: dict[str, object] = {"source_file": source_name, "source_offset": position}
    doc_id = valid_str(obj.get("id"))
    row["url"] = valid_str(obj.get("url"))
    row["fetched_at"] = parse_timestamp(obj.get("fetched_at"))
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        return row | {"doc_id": positional_id(source_name, position), "reject_reason": "missing_id",
                      "reject_detail": "record has no `id`"}
    row["doc_id"] = doc_id
    html, text = obj.get("html"), obj.get("text")
    if isinstance(html, str) and html.strip():
        row["html"] = html.encode("utf-8", errors="surrogatepass")
        row["content_type"], row["charset"] = "text/html", "utf-8"
    elif isinstance(html, bytes) and html.strip():
        row["html"] = html
        row["content_type"] = "text/html"
    elif isinstance(text, str) and text.strip():
        row["text"] = valid_str(text)
        row["content_type"] = "text/plain"
    else:
        row["reject_reason"], row["reject_detail"] = "empty_payload", "record has neither `html` nor `text`"
    return row


def read_parquet(path: Path, source_name: str, stats: Counter | None = None) -> Iterator[pa.RecordBatch]:
    """Parquet with the JSONL columns (`id`, `url`, `html` or `text`, optional `fetched_at`)."""
    stats = stats if stats is not None else Counter()
    try:
        pf = pq.ParquetFile(storage.open_binary(path) if storage.is_url(path) else path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    wanted = [c for c in ("id", "url", "html", "text", "fetched_at") if c in pf.schema_arrow.names]
    if "id" not in wanted:
        raise InputError(f"{path}: Parquet input needs an `id` column (has {pf.schema_arrow.names})")
    builder = _BatchBuilder()
    position = 0
    for batch in pf.iter_batches(batch_size=256, columns=wanted):
        for obj in batch.to_pylist():
            stats["records.parquet"] += 1
            out = builder.add(**_object_row(obj, source_name, position))
            position += 1
            if out is not None:
                yield out
    out = builder.flush()
    if out is not None:
        yield out


def read_input(inp: InputFile, stats: Counter | None = None,
               max_payload: int = 50 * 1024 * 1024) -> Iterator[pa.RecordBatch]:
    """Any supported input file -> `raw` batches."""
    if inp.format == "warc":
        return read_warc(inp.path, inp.name, stats, max_payload=max_payload)
    if inp.format == "jsonl":
        return read_jsonl(inp.path, inp.name, stats)
    return read_parquet(inp.path, inp.name, stats)
