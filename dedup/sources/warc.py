"""Streaming, fault-tolerant reader of WARC 1.0/1.1 and ARC v1 container files.

`iter_records(path)` yields one `RawRecord` per record and never raises for bad data: a damaged
record comes out with `error` set to a short reason code, and the reader resynchronises on the next
record (next gzip member or zstd frame, next ``WARC/1.`` line, next ARC header line). Files may be
gzipped per record (the Common Crawl layout), gzipped as a whole, zstd-compressed (`zstdframes`: per
record, with a dictionary, or as a whole), or plain; the compression is told by magic bytes, never by
the file name, and past junk bytes or a damaged first gzip member or zstd frame at the start.

Nothing after damage is lost that can be read: what inflates before a gzip error is kept (zlib
drops the output of the call that fails; it is inflated again); a Content-Length that does not end
its record (too large, beyond ``max_payload``, past the end of the file) makes the reader scan the
bytes after the header again; a header block holding the start of the next record is cut there; a
member cut short that took the members after it as its data is followed by them.

Reason codes (`RawRecord.error`):

==========================  =====================================================================
``truncated_record``        the file (or its last gzip member) ends inside the record
``truncated_gzip``          a gzip member is cut short after the records it holds were complete
``gzip_error``              corrupt gzip data or non-gzip bytes between members; data is lost
                            (a record that does not parse from bytes just before the damage is
                            reported as this too, the damage being the cause); ``zstd_error`` and
                            ``truncated_zstd``: the same for the frames of a zstd file
``bad_warc_header``         no ``WARC/`` record where one must start, or an unusable header block
``bad_arc_header``          an ARC header line that cannot be parsed (length missing, negative...)
``content_length_mismatch`` the record is not followed by the record separator: its
                            Content-Length (or ARC length) is wrong, the payload is suspect
``bad_http_header``         the block of an HTTP response record has no valid status line
``bad_chunked_encoding``    the chunked transfer coding breaks off; payload is the raw body
``bad_content_encoding``    gzip/deflate/br/zstd content coding cannot be decoded (or is
                            unsupported); payload is the raw (still encoded) body
``payload_too_large``       Content-Length (or the decoded body) exceeds ``max_payload``;
                            payload is ``b''`` (skipped unread; scanned again for records when
                            the length does not end the record)
``unknown_format``          the file starts with neither a WARC nor an ARC record
``internal_error``          a bug in this reader; iteration stops (please report it)
==========================  =====================================================================

Leniency that is *not* an error, because real archives are full of it: records that continue from one gzip
member or zstd frame into the next (a writer that cuts the stream into blocks of a size: bgzip, pzstd; the
note ``record_spans_gzip_members: ...`` / ``record_spans_zstd_frames: ...`` in ``detail``), bodies stored already
de-chunked or decompressed while the HTTP headers still say ``Transfer-Encoding: chunked`` /
``Content-Encoding: gzip`` (the body is used as stored), missing or extra blank lines between
records, LF-only line ends, folded header lines, a Content-Length past the end of the gzip member (zstd
frame) that the record fills when the next one starts a record and the HTTP body is whole by its own length
(warcio reads the member's bytes; ``record_length_past_end: ...`` in ``detail``; round 20), ``<...>`` around
WARC-Target-URI and spaces in URLs (replaced by ``%20``, as browsers and warcio do). A WARC header line
without a colon is kept aside (``headers[UNPARSED]``) for the row builder to judge, never dropped in silence.

Here: the container sniffed (`sniff_container`), the WARC record parser and the entry point. The byte stream
(gzip members, zstd frames, resynchronising after damage) is `bytesource.Source`; ARC records are parsed by
`arc.iter_arc`.
"""

from __future__ import annotations

import os
import re
import zlib
from bisect import bisect_right
from itertools import islice
from typing import BinaryIO, Iterator

from dedup.sources import storage
from dedup.sources.arc import ARC_LINE_START, arc_fields, iter_arc
from dedup.sources.bytesource import (DAMAGE, DISTRUST_MIN, GZIP_MAGIC3, WS_RUN, RawRecord, Source, end_of_run,
                                      error_record, make_record, read_block, skip_blank)
from dedup.sources.http import (GZIP_MAGIC, MAX_HEADER, UNPARSED, agreed_length, clean_uri, find_blank_line,
                                header_text, http_body_end, http_payload, is_http_response, parse_fields, preview,
                                unparsed_note)
from dedup.sources.rawrows import over_payload_limit
from dedup.sources.streams import (nested_compression, nested_compression_detail, unread_compression,
                                   unread_compression_detail)
from dedup.sources.zstdframes import ZSTD_MAGIC, frame_heads, zstd_start

__all__ = ["RawRecord", "UNPARSED", "iter_records", "sniff_container", "unparsed_note"]


# --- WARC ---------------------------------------------------------------------------------------

SEGMENT = "warc-segment-number"   # a segment's block is left as it is, for `segments.join_segments` to join

_BLANK = (0, 9, 10, 13, 32)
# Right after a record block only blank lines may come: NULs there are more likely a short Content-Length's block
_NL_RUN = re.compile(rb"[\r\n]*")
# Where a record may start after damage: a 'WARC/1.' line, or a WARC version line glued to junk
# before it (a cut record running into the next header, a stray byte at the start of the file).
_WARC_START = re.compile(rb"(?<=\n)WARC/1\.|WARC/1\.\d\r?\n")


def _record_start_within(src: Source, n: int, max_payload: int) -> int | None:
    """Where the next WARC record starts in the `n` bytes at `src.pos` (an index into `src.buf`;
    None if not within them or within max_payload). Buffers what it looks at, consumes nothing."""
    inside = min(n, max_payload)      # a start at or after the claimed end is the record's successor
    limit = inside + 16               # (a version line needs a few bytes past its start to match)
    searched = 0
    while True:
        buf, pos = src.buf, src.pos
        avail = min(len(buf) - pos, limit)
        m = _WARC_START.search(buf, pos + max(0, searched - 12), pos + avail)
        if m is not None and m.start() < pos + inside:
            return m.start()
        if m is not None:
            return None
        if avail >= limit or not src.fill():
            return None
        searched = avail


def _scan_to_warc(src: Source) -> bool:
    """Skip to the next WARC record start (`_WARC_START`); False at EOF or a gap."""
    keep = 10
    if src.ensure(7) and src.buf.startswith(b"WARC/1.", src.pos):
        return True
    while True:
        buf = src.buf
        m = _WARC_START.search(buf, src.pos)
        if m is not None and (m.end() < len(buf) or m.group().endswith(b"\n")):
            src.pos = m.start()
            return True
        src.pos = max(src.pos, len(buf) - keep)
        if not src.fill():
            src.pos = len(src.buf)
            return False


def _trailer_ok(src: Source, lookahead: bytes) -> bool:
    """Does the record end here: blank line(s), then the next record or the end of the data?

    Consumes the usual CRLF CRLF separator; other blank lines are left to `skip_blank`.
    """
    buf = src.buf
    pos = src.pos
    if buf.startswith(b"\r\n\r\n", pos):
        src.pos = pos + 4
        return True
    need = len(lookahead)
    while True:
        j = end_of_run(_NL_RUN, buf, src.pos)
        if len(buf) - j >= need:
            return buf.startswith(lookahead, j)
        if not src.fill():
            # end of the data (a gap is reported on its own): fine if only blank lines are left
            buf = src.buf
            return end_of_run(_NL_RUN, buf, src.pos) == len(buf)
        buf = src.buf


def _iter_warc(src: Source, max_payload: int, unknown_start: bool) -> Iterator[RawRecord]:
    # The common path (a whole record already in the buffer) is inlined: this loop runs once per
    # record and Python call overhead is a visible share of the per-record cost.
    scanning = False   # after damage: skip silently to the next 'WARC/1.' line
    # Once a Content-Length in this file has proved wrong, a long block that holds another record's
    # start ends there: reading every claimed length in full (to the end of the file, or 50 MiB,
    # then again from the next record) would make a file of lying records quadratic to read.
    distrust = False
    gz = src.gz
    while True:
        if scanning:
            scanning = False
            if not _scan_to_warc(src):
                if src.gap is not None:
                    src.resume()   # part of the damage already reported
                    continue
                return
        # -- skip the blank lines between records
        buf = src.buf
        pos = src.pos
        if pos >= len(buf) and src.fill():   # per-record gzip: the next member starts the record
            buf = src.buf
            pos = src.pos
        if (pos >= len(buf) or buf[pos] in _BLANK) and not skip_blank(src):
            if src.gap is not None:
                code, detail, off = src.gap
                yield error_record(off, code, detail)
                src.resume()
                continue
            if src.truncated_member is not None:
                yield src.cut_member()
            return
        buf = src.buf
        pos = src.pos
        start = src.base + pos
        if gz:
            # the common case: the record starts in the newest gzip member, the first one in it
            member = src._moffs[-1] if src._ustarts[-1] <= start else src.offset_of(start)
            if member == src.last_member:
                offset = start   # not the member's first record: its decompressed stream position
            else:
                offset = src.last_member = member
        else:
            offset = member = start

        # -- header block
        if not buf.startswith(b"WARC/", pos):
            src.ensure(5)
            buf, pos = src.buf, src.pos
            if not buf.startswith(b"WARC/", pos):
                if unknown_start and src.gz and (inner := nested_compression(buf[pos:pos + 6])) is not None:
                    code, what = "unknown_format", nested_compression_detail(src.unit.split()[0], inner) + \
                        "; what it decodes to starts with"
                elif unknown_start and (compression := unread_compression(buf[pos:pos + 6])) is not None:
                    code, what = "unknown_format", unread_compression_detail(compression) + "; it starts with"
                elif unknown_start:
                    code, what = "unknown_format", (
                        "no WARC or ARC record found where the file starts (dedup reads WARC/WET/ARC, "
                        "plain or gzip, JSONL(.gz/.zst) and Parquet); it starts with")
                else:
                    code = "bad_warc_header"
                    what = f"expected a WARC record at stream position {start}, found"
                unknown_start = False
                yield error_record(offset, code, f"{what} {preview(buf[pos:pos + 40])}")
                src.pos = pos + 1
                scanning = True
                continue
        he, seplen = find_blank_line(buf, pos, pos + MAX_HEADER)
        if he < 0:
            he, seplen, buf, pos = _find_header_end(src)
            if he < 0:
                rec = _header_failure(src, offset, buf, pos)
                if rec.error == "bad_warc_header":
                    scanning = True
                yield rec
                continue
        nxt = buf.find(b"WARC/1.", pos + 5, he)
        if nxt >= 0 and (buf[nxt - 1] == 10 or _WARC_START.match(buf, nxt)):
            # another record starts inside this header block: this one was cut short in its
            # header (merging the two would swallow the next record)
            headers = parse_fields(header_text(buf[pos:nxt]))
            yield error_record(offset, "bad_warc_header", "the header block is cut short: another record "
                               f"starts inside it at stream position {src.base + nxt}",
                               (headers.get("warc-type") or "unknown").lower(), headers)
            src.pos = nxt
            continue
        text = header_text(buf[pos:he])
        pos = he + seplen
        src.pos = pos
        headers = parse_fields(text, keep_unparsed=True)
        rtype = headers.get("warc-type")
        rtype = rtype.lower() if rtype else "unknown"
        uri = headers.get("warc-target-uri")
        if uri is not None and (" " in uri or uri[:1] == "<"):
            headers["warc-target-uri"] = clean_uri(uri)
        cl = agreed_length(headers.get("content-length"))
        if cl is None or not (cl.isascii() and cl.isdigit()):
            yield error_record(offset, "bad_warc_header",
                               "missing Content-Length" + unparsed_note(headers) if cl is None else
                               f"Content-Length given more than once, with different values ({cl[:200]!r})"
                               if "," in cl else f"bad Content-Length {cl!r}",
                               rtype, headers)
            scanning = True
            continue
        n = int(cl)

        # -- block
        if distrust and n > DISTRUST_MIN:
            next_start = _record_start_within(src, n, max_payload)
            if next_start is not None:
                src.pos = next_start
                ends = (f", but another record starts {next_start - pos} bytes after the header (this file's "
                        "lengths are not to be trusted): the record ends there")
                yield error_record(offset, "payload_too_large" if n > max_payload else "content_length_mismatch",
                                   over_payload_limit(f"Content-Length {n}", max_payload, ends) if n > max_payload
                                   else f"Content-Length {n}{ends}", rtype, headers)
                continue
        if n > max_payload:
            # skipped unread; if the length does not end the record (wrong, or the file is cut),
            # the bytes after the header are scanned again: records inside them must not vanish
            mark = src.checkpoint()
            got = src.skip(n)
            if got == n and _trailer_ok(src, b"WARC/"):
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large",
                                over_payload_limit(f"Content-Length {n}", max_payload))
                continue
            src.restore(mark)   # else the file ends first, within max_payload: read as a smaller length (round 10)
            if got == n or got > max_payload:
                how = (f"; the record is cut short ({got} of {n} bytes present)" if got < n else
                       "; and that length does not end the record")
                distrust = scanning = True
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large", over_payload_limit(
                    f"Content-Length {n}", max_payload, how + ": the bytes after its header were searched for records"))
                continue
        end = pos + n
        if end <= len(buf) and (not gz or src._ustarts[-1] <= start):
            # whole block buffered, and no gzip member starts inside the record: parse in place
            if buf.startswith(b"\r\n\r\n", end):
                src.pos = end + 4
            else:
                src.pos = end
                if not _trailer_ok(src, b"WARC/"):
                    block = buf[pos:end]
                    distrust = True
                    yield _mismatch(src, offset, rtype, headers, block, None, max_payload)
                    scanning = True
                    continue
            if (n or rtype != "revisit") and is_http_response(rtype, headers, buf, pos) and SEGMENT not in headers:
                status, hh, payload, err, detail = http_payload(buf, pos, end, headers,
                                                                 max_payload)
                yield RawRecord(offset, rtype, headers, status, hh, payload, err, detail)
            else:
                yield RawRecord(offset, rtype, headers, None, None, buf[pos:end], None, "")
            continue
        block_start = src.base + src.pos
        src.keep_marks_from = start
        block, err, detail, cut = read_block(src, n, member)
        src.keep_marks_from = None
        ended = err not in DAMAGE and cut is None and _trailer_ok(src, b"WARC/")
        if gz and not ended and err not in DAMAGE and (
                member_end := _record_end_in_block(src, start, block_start, block)) is not None:
            # the record's own member (frame) ends inside the length, and the next one starts a record (round 20);
            # a length proved wrong all the same: the long ones after it are not read in full (see `distrust`)
            distrust = True
            src.unread(block[member_end:])
            kept = block[:member_end]
            kept = kept[:-4] if kept.endswith(b"\r\n\r\n") else kept
            cut = (f"the {src.unit} the record fills ends after {member_end} of the {n} bytes its Content-Length "
                   "gives, and the next one starts a record")
            http = is_http_response(rtype, headers, kept, 0) and SEGMENT not in headers
            rec = make_record(offset, rtype, headers, kept, http, None, "", cut, max_payload)
            if rec.error == "truncated_record":   # nothing says the block is whole: a length that is wrong
                rec.error, rec.detail = "content_length_mismatch", (
                    f"{rec.detail}: the Content-Length is wrong or the record was cut short, and no HTTP body length "
                    f"tells which (warcio reads the {len(kept)} bytes the {src.unit} holds); set the record's "
                    f"Content-Length to {len(kept)} to read it")
            yield rec
            continue
        if err not in DAMAGE and cut is None and not ended:
            distrust = True
            yield _mismatch(src, offset, rtype, headers, block, err, max_payload)
            scanning = True
            continue
        if (cut is not None or err in DAMAGE) and b"\nWARC/1." in block:
            # the end of the file or damage cut a block that holds the start of another record:
            # its Content-Length is too large, the records inside the block must be read
            distrust = True
            yield _mismatch(src, offset, rtype, headers, block, err, max_payload, detail or cut or "")
            scanning = True
            continue
        http = (block or rtype != "revisit") and is_http_response(rtype, headers, block, 0) and SEGMENT not in headers
        yield make_record(offset, rtype, headers, block, http, err, detail, cut, max_payload)


# a record's start inside a block: a line `WARC/1.0` or `WARC/1.1` (a writer may end the header lines with LF alone)
_NEXT_RECORD = re.compile(rb"\nWARC/1\.[01]\r?\n")


def _record_end_in_block(src: Source, start: int, block_start: int, block: bytes) -> int | None:
    """Where in `block` the gzip member (zstd frame) that the record at stream position `start` starts ends, when
    the record starts a member, the next member, inside the block, starts another WARC record, and no other record
    starts in the block before that member's end: a writer of one record a member (the Common Crawl layout) ended
    the record there, whatever its Content-Length says (warcio and browsers read a record's bytes from its member
    alone). None when no such member boundary is in the block, or when the member holds another record's start
    before it (a writer of several records a member: the records between would be lost; the block is rescanned
    instead, review round 27)."""
    starts = src._ustarts
    i = bisect_right(starts, start) - 1
    if i < 0 or starts[i] != start or i + 1 >= len(starts):
        return None
    at = starts[i + 1] - block_start
    if not (0 < at < len(block) and block.startswith(b"WARC/1.", at)):
        return None
    # a `WARC/1.0` line inside the record's HTTP body, by the body's own length, is the page's text (a page quoting a
    # WARC header), no record: review round 28 (the record was a reject and its quoted lines a phantom record's)
    body_end = http_body_end(block, 0, at)
    return at if _NEXT_RECORD.search(block, body_end or 0, at) is None else None


def _mismatch(src: Source, offset: int, rtype: str, headers: dict[str, str], block: bytes,
              err: str | None, max_payload: int, cut: str = "") -> RawRecord:
    """The record whose Content-Length does not end it; rewinds `src` to rescan its block."""
    n = len(block)
    if cut:
        detail = (f"{cut}, and the record holds the start of another one: its Content-Length "
                  f"{headers.get('content-length')} is too large; the records inside were read")
    else:
        detail = (f"Content-Length {n} does not end the record (followed by "
                  f"{preview(src.buf[src.pos:src.pos + 24], 24)}); the payload may be cut "
                  "or hold extra bytes")
    if err:
        detail += f"; also {err}"
    # Rescan from the start of the block: if Content-Length was too large, the next record
    # starts inside it and would otherwise be lost without a trace.
    src.unread(block)
    if (block or rtype != "revisit") and is_http_response(rtype, headers, block, 0):
        status, hh, payload, _, _ = http_payload(block, 0, n, headers, max_payload)
        return RawRecord(offset, rtype, headers, status, hh, payload,
                         "content_length_mismatch", detail)
    return RawRecord(offset, rtype, headers, None, None, block, "content_length_mismatch", detail)


def _find_header_end(src: Source) -> tuple[int, int, bytes, int]:
    """Read on until the header block at `src.pos` ends -> (end, separator length, buf, pos)."""
    buf, pos = src.buf, src.pos
    while len(buf) - pos <= MAX_HEADER:
        searched = max(0, len(buf) - pos - 3)   # relative: fill() moves the buffer
        if not src.fill():
            break
        buf, pos = src.buf, src.pos
        he, seplen = find_blank_line(buf, pos + searched, pos + MAX_HEADER)
        if he >= 0:
            return he, seplen, buf, pos
    return -1, 0, buf, pos


def _header_failure(src: Source, offset: int, buf: bytes, pos: int) -> RawRecord:
    """The error record for a header block that does not end; leaves `src` past the damage."""
    text = header_text(buf[pos:pos + min(len(buf) - pos, 64 * 1024)])
    headers = parse_fields(text)
    rtype = (headers.get("warc-type") or "unknown").lower()
    if src.gap is not None:
        code, detail = src.gap[0], f"header block cut by damaged {src.unit[:4]} data: " + src.gap[1]
        src.resume()
        return error_record(offset, code, detail, rtype, headers)
    if len(buf) - pos > MAX_HEADER:
        src.pos = pos + 1
        return error_record(offset, "bad_warc_header",
                            f"no end of the WARC header block within {MAX_HEADER} bytes", rtype, headers)
    src.pos = len(buf)
    src.truncated_member = None
    return error_record(offset, "truncated_record", "file ends inside the WARC header block",
                        rtype, headers)


# --- entry points -------------------------------------------------------------------------------

_SNIFF_RAW = 1024 * 1024   # raw bytes looked at to tell the container, past junk or damage
_SNIFF_OUT = 8192          # decompressed bytes looked at per gzip member tried
_SNIFF_MEMBERS = 64        # gzip member candidates tried before giving up


def _record_start(data: bytes) -> tuple[str, int]:
    """The first WARC or ARC record start in `data` (at the start or the start of a line):
    (kind, position), or ('unknown', -1)."""
    lead = end_of_run(WS_RUN, data, 0)
    if data.startswith(b"WARC/", lead):
        return "warc", lead
    kinds = []
    w = data.find(b"WARC/1.", lead)
    while w > lead and data[w - 1] != 10:
        w = data.find(b"WARC/1.", w + 1)
    if w >= 0:
        kinds.append((w, "warc"))
    # ARC: the filedesc header, or (an excerpt) a header line: URL IP date type length
    for m in ARC_LINE_START.finditer(data, lead, min(w if w >= 0 else len(data), lead + 65536)):
        at = m.start() + (data[m.start()] == 10)
        if at < lead:
            continue
        nl = data.find(b"\n", at)
        line = data[at:nl if nl >= 0 else len(data)].rstrip(b"\r")
        if line.startswith(b"filedesc://") or arc_fields(line, 1) is not None:
            kinds.append((at, "arc"))
            break
    if not kinds:
        return "unknown", -1
    at, kind = min(kinds)
    return kind, at


def _starts_record(head: bytes) -> bool:
    """Does the first output of a gzip member (blank lines skipped) start a WARC or ARC record? (`Source`
    looks for a sound member after a cut one.)"""
    return head.startswith((b"WARC/", b"filedesc://")) or _record_start(head[:4096])[1] == 0


def _inflate_prefix(data: bytes, at: int, limit: int) -> bytes:
    """Up to `limit` bytes of the gzip member at `data[at:]`: what inflates before any damage."""
    d = zlib.decompressobj(31)
    out = []
    got = 0
    pos = at
    while got < limit and pos < len(data) and not d.eof:
        piece = data[pos:pos + 256]
        pos += len(piece)
        try:
            chunk = d.decompress(d.unconsumed_tail + piece, limit - got)
        except zlib.error:
            break
        out.append(chunk)
        got += len(chunk)
    return b"".join(out)


def sniff_head(head: bytes) -> tuple[str, str]:
    """(kind, codec) of a file from its first bytes: 'warc', 'arc' or 'unknown', and how to read it: 'zst'
    (a zstd or skippable frame magic first), 'gz' or '' (plain). The first gzip member that inflates to a
    record, or the first record line in the plain bytes, whichever comes first: a damaged first member or
    junk before the first record must not hide the records after it."""
    if zstd_start(head):   # the first frame that decodes to a record start (a damaged first one looked past)
        kinds = (_record_start(out)[0] for out in frame_heads(head, _SNIFF_OUT))
        return next((k for k in islice(kinds, _SNIFF_MEMBERS) if k != "unknown"), "unknown"), "zst"
    if head.startswith(GZIP_MAGIC3):   # the common case first: a sound first member
        kind, _ = _record_start(_inflate_prefix(head, 0, _SNIFF_OUT))
        if kind != "unknown":
            return kind, "gz"
    plain_kind, plain_at = _record_start(head)
    i = head.find(GZIP_MAGIC3)
    tries = 0
    while i >= 0 and (plain_at < 0 or i < plain_at) and tries < _SNIFF_MEMBERS:
        kind, at = _record_start(_inflate_prefix(head, i, _SNIFF_OUT))
        if kind != "unknown":
            return kind, "gz"
        tries += 1
        i = head.find(GZIP_MAGIC3, i + 1)
    # a zstd file whose first frame lost its magic: a later frame that decodes to a record start, as for gzip
    j = head.find(ZSTD_MAGIC, 1)   # (the reader reports the bytes before it as damage and goes on from there)
    if j >= 0 and (plain_at < 0 or j < plain_at) and (kind := sniff_head(head[j:])[0]) != "unknown":
        return kind, "zst"
    if plain_kind != "unknown":
        return plain_kind, ""
    return "unknown", "gz" if head.startswith(GZIP_MAGIC) else ""


def sniff_container(path: str | os.PathLike) -> str:
    """'warc', 'arc' or 'unknown', from the content (gunzipped first when it is gzip), looking past
    junk bytes and damaged gzip members at the start (the first MiB)."""
    with storage.open_binary(path) as f:
        head = f.read(_SNIFF_RAW)
    return sniff_head(head)[0]


def iter_records(path: str | os.PathLike, max_payload: int = 50 * 1024 * 1024) -> Iterator[RawRecord]:
    """Yield every record of a WARC / WET / ARC file (plain, per-record gzip or whole-file gzip).

    Opens the file at once, so a missing or unreadable path raises OSError here; from then on bad
    data never raises: it yields records with `error` set and reading goes on after the damage.
    """
    # unbuffered locally (the reader buffers itself); an fsspec file (a URL) buffers on its own
    f = storage.open_binary(path) if storage.is_url(path) else open(path, "rb", buffering=0)
    return _records(f, max_payload)


def _records(f: BinaryIO, max_payload: int) -> Iterator[RawRecord]:
    with f:
        head = f.read(_SNIFF_RAW)
        f.seek(0)
        kind, codec = sniff_head(head)
        del head
        src = Source(f, codec, _starts_record)
        try:
            for rec in (iter_arc(src, max_payload) if kind == "arc" else
                        _iter_warc(src, max_payload, kind == "unknown")):
                if rec.error is not None and rec.error not in DAMAGE and src.gap is not None:
                    # the bytes it was read from end at damaged gzip data (and may be garbled
                    # by it): the damage is the cause; the gap itself is then not reported again
                    rec.detail = f"{src.gap[1]}; the record read before it: {rec.error}: {rec.detail}"
                    rec.error = src.gap[0]
                yield rec
        except (OSError, MemoryError):
            raise
        except Exception as exc:   # a reader bug must not kill the caller's run
            yield error_record(src.offset_of(src.base + src.pos), "internal_error",
                               f"{type(exc).__name__}: {exc} (reading stopped here)")
