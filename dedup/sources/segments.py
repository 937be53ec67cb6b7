"""Segmented WARC records (WARC 1.1, section 6.7): a record too long for one file is written as its first
segment (a `response` or `resource` with `WARC-Segment-Number: 1`) followed by `continuation` records
(`WARC-Segment-Origin-ID`: the first's WARC-Record-ID, numbers 2, 3...; the last one carries
`WARC-Segment-Total-Length`). `join_segments` gives the record back whole, as one `RawRecord` under the first
segment's offset and headers, its block the segments' blocks in order (the reader leaves a segment's block
unparsed: `warc.SEGMENT`). Until round 8 the first segment was kept as a page cut short and each continuation
was an `unsupported_record_type` reject.

Every record still ends up somewhere: a continuation joined comes out too, marked `JOINED` (counted as a
skipped record, as a request is); one whose first segment is not before it in the file is left to the row
builder (an `orphan_segment` reject); a first segment whose continuations break off (a missing number, the end
of the file) is a `truncated_record` reject whose detail says which segment is missing. Segments are joined
within one file only (round 10): each file is read on its own, in any worker, as one `docs` part with offsets
of its own, so a record that goes on in the crawl's next file is the two rejects, whose details say to join
the files with `cat`. Memory is bounded:
past `max_payload` bytes the segments are counted, not kept (a `payload_too_large` reject).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dedup.sources.http import http_payload, is_http_response
from dedup.sources.rawrows import over_payload_limit
from dedup.sources.warc import SEGMENT, RawRecord

JOINED = "continuation joined to its first segment"   # the `detail` of a continuation joined


def _number(headers: dict[str, str]) -> int | None:
    value = headers.get(SEGMENT, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _whole(first: RawRecord, count: int, joined: bytearray, size: int, last: RawRecord | None,
           max_payload: int, at_end: bool = False) -> RawRecord:
    """The first segment with the blocks of its `count` - 1 continuations, parsed as the reader parses a record;
    `last` None: the chain broke off (`at_end`: at the end of the file)."""
    h = first.headers
    if last is None:
        where = (f"the file ends before segment {count + 1}: it is cut, or the record goes on in the crawl's next "
                 "file" if at_end else f"segment {count + 1} is not the next record of the file")
        return RawRecord(first.offset, first.record_type, h, None, None, b"", "truncated_record",
                         f"the record is segmented (WARC-Segment-Number 1) and its continuation records break off: "
                         f"{where} (dedup joins the segments of a record within one file: join the files with "
                         "`cat a.warc.gz b.warc.gz > ab.warc.gz` and read them as one)")
    if size > max_payload:
        return RawRecord(first.offset, first.record_type, h, None, None, b"", "payload_too_large",
                         over_payload_limit(f"its {count} segments hold {size} bytes", max_payload))
    block = bytes(joined)
    total = last.headers.get("warc-segment-total-length", "").strip()
    if total.isascii() and total.isdigit() and int(total) != size:
        return RawRecord(first.offset, first.record_type, h, None, None, block, "content_length_mismatch",
                         f"WARC-Segment-Total-Length {total}, but its segments hold {size} bytes")
    if block and is_http_response(first.record_type, h, block, 0):
        status, hh, payload, err, detail = http_payload(block, 0, len(block), h, max_payload)
        return RawRecord(first.offset, first.record_type, h, status, hh, payload, err, detail)
    return RawRecord(first.offset, first.record_type, h, None, None, block, None, "")


def join_segments(records: Iterable[RawRecord], max_payload: int) -> Iterator[RawRecord]:
    """The records of a file with each segmented record joined (see the module docstring). Memory: the first
    segment and the bytes joined (up to `max_payload`), whatever the number of continuations."""
    first: RawRecord | None = None
    joined = bytearray()
    size = count = 0
    for rec in records:
        h = rec.headers
        if first is None and SEGMENT not in h:   # nearly every record
            yield rec
            continue
        if first is not None:
            if (rec.record_type == "continuation" and rec.error is None and _number(h) == count + 1
                    and h.get("warc-segment-origin-id", "").strip() == first.headers["warc-record-id"].strip()):
                size += len(rec.payload)
                count += 1
                if size <= max_payload:
                    joined += rec.payload
                else:
                    joined = bytearray()
                rec.detail, rec.payload = JOINED, b""   # its bytes are in `joined` (or counted)
                yield rec
                if "warc-segment-total-length" in h:
                    yield _whole(first, count, joined, size, rec, max_payload)
                    first, joined = None, bytearray()
                continue
            yield _whole(first, count, joined, size, None, max_payload) if count > 1 else _alone(first, max_payload)
            first, joined = None, bytearray()
        if rec.error is None and _number(h) == 1 and rec.record_type != "continuation" and h.get("warc-record-id"):
            first, joined, size, count = rec, bytearray(rec.payload), len(rec.payload), 1
            continue
        yield _alone(rec, max_payload) if SEGMENT in h and rec.record_type != "continuation" else rec
    if first is not None:
        yield (_whole(first, count, joined, size, None, max_payload, at_end=True) if count > 1
               else _alone(first, max_payload))


def _alone(rec: RawRecord, max_payload: int) -> RawRecord:
    """A record that says it is a segment but is followed by none: read as a record of its own (as before)."""
    if rec.error is None and rec.payload and is_http_response(rec.record_type, rec.headers, rec.payload, 0):
        status, hh, payload, err, detail = http_payload(rec.payload, 0, len(rec.payload), rec.headers, max_payload)
        return RawRecord(rec.offset, rec.record_type, rec.headers, status, hh, payload, err, detail)
    return rec
