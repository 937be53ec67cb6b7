"""The ARC (v1, v2) side of the container reader: header lines (URL IP date type length) and `iter_arc`, the
records of an ARC file read from a `bytesource.Source`, resynchronising on the next header line after damage
(`dedup.sources.warc` says what each reason code means; `iter_records` there is the entry point).
"""

from __future__ import annotations

import re
from typing import Iterator

from dedup.sources.bytesource import (DAMAGE, DISTRUST_MIN, RawRecord, Source, error_record, make_record,
                                      read_block, skip_blank)
from dedup.sources.http import clean_uri, header_text, preview
from dedup.sources.rawrows import over_payload_limit

_MAX_ARC_LINE = 64 * 1024     # an ARC header line longer than this is garbage
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S")
ARC_LINE_START = re.compile(rb"(?:^|\n)[A-Za-z][A-Za-z0-9+.\-]*:[^\s]")


def _read_line(src: Source) -> bytes:
    """The next line without its line end (at most _MAX_ARC_LINE bytes are returned)."""
    while True:
        buf = src.buf
        pos = src.pos
        i = buf.find(b"\n", pos, pos + _MAX_ARC_LINE)
        if i >= 0:
            src.pos = i + 1
            return buf[pos:i].rstrip(b"\r")
        if len(buf) - pos >= _MAX_ARC_LINE:
            src.pos = pos + _MAX_ARC_LINE
            return buf[pos:src.pos]
        if not src.fill():
            src.pos = len(src.buf)
            return src.buf[pos:]


def _peek_line(src: Source) -> bytes:
    while True:
        buf = src.buf
        pos = src.pos
        i = buf.find(b"\n", pos, pos + _MAX_ARC_LINE)
        if i >= 0 or len(buf) - pos >= _MAX_ARC_LINE or not src.fill():
            return buf[pos:i if i >= 0 else pos + _MAX_ARC_LINE].rstrip(b"\r")


def arc_fields(line: bytes, version: int) -> tuple[str, str, str, str, str] | None:
    """An ARC header line -> (url, ip, date, content type, length), or None if it is not one.

    Parsed from the right because URLs may contain spaces; the fallback finds the date token when
    the content type has spaces too.
    """
    if not line or line[:1] in b" \t":
        return None
    text = header_text(line.strip())
    n_after = 2 if version == 1 else 7    # fields after the date: v1 type, length; v2 type..length
    parts = text.rsplit(" ", n_after + 2)
    if len(parts) == n_after + 3 and parts[2].isdigit() and len(parts[2]) >= 8:
        url, ip, date = parts[0], parts[1], parts[2]
        ctype = parts[3]
    else:
        tokens = text.split(" ")
        for i in range(2, len(tokens) - 1):
            t = tokens[i]
            if t.isdigit() and 12 <= len(t) <= 18:
                break
        else:
            return None
        url, ip, date = " ".join(tokens[:i - 1]), tokens[i - 1], tokens[i]
        ctype = " ".join(tokens[i + 1:-1]) if version == 1 else tokens[i + 1]
        parts = tokens
    if not _URL_SCHEME.match(url):
        return None
    return url, ip, date, ctype, parts[-1]


_SCHEME_AT = re.compile(rb"[A-Za-z][A-Za-z0-9+.\-]*:")


def _arc_header_in_line(line: bytes, version: int) -> tuple[int, tuple | None]:
    """A header line glued after junk: (where it starts in `line`, its fields) or (-1, None)."""
    for n, m in enumerate(_SCHEME_AT.finditer(line, 1)):
        if n >= 64:
            break
        fields = arc_fields(line[m.start():], version)
        if fields is not None:
            return m.start(), fields
    return -1, None


def _arc_header_within(src: Source, n: int, max_payload: int, version: int) -> int | None:
    """Where the next ARC header line starts in the `n` bytes at `src.pos` (an index into
    `src.buf`; None if not within them or within max_payload). Buffers what it looks at, consumes
    nothing."""
    limit = min(n, max_payload)   # a header line at or after the claimed end is the successor
    searched = 0   # bytes after src.pos searched so far (relative: fill() moves the buffer)
    while True:
        buf, pos = src.buf, src.pos
        avail = min(len(buf) - pos, limit)
        done = avail
        # from the line end before `pos`: a header line may start right at the block
        for m in ARC_LINE_START.finditer(buf, max(pos - 1, pos + searched - 1), pos + avail):
            at = m.start() + 1
            nl = buf.find(b"\n", at, at + _MAX_ARC_LINE)
            if nl < 0 and at + _MAX_ARC_LINE > len(buf):
                done = at - 1 - pos   # the line is not all read: look at it again after fill()
                break
            if arc_fields(buf[at:nl if nl >= 0 else at + _MAX_ARC_LINE].rstrip(b"\r"), version):
                return at
        if avail >= limit and done >= avail:
            return None
        searched = max(done, 0)
        if not src.fill():
            return None


def _arc_header_inside(block: bytes, version: int) -> bool:
    """Does a line inside `block` (not its first) parse as an ARC header line?"""
    for m in ARC_LINE_START.finditer(block, 1):
        at = m.start() + 1
        nl = block.find(b"\n", at)
        if arc_fields(block[at:nl if nl >= 0 else len(block)].rstrip(b"\r"), version):
            return True
    return False


def _arc_date(d: str) -> str | None:
    if not d.isdigit() or len(d) < 8:
        return None
    d = d[:14].ljust(14, "0")
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def iter_arc(src: Source, max_payload: int) -> Iterator[RawRecord]:
    """The records of an ARC file (v1, or v2 once its filedesc record says so), resynchronising on the next header
    line after damage; an error record for each stretch of damage (`dedup.sources.warc`'s reason codes)."""
    version = 1
    scanning = False   # after damage: skip lines silently until one parses as an ARC header
    distrust = False   # an ARC length in this file proved wrong: see `_iter_warc`
    while True:
        if not skip_blank(src):
            if src.gap is not None:
                code, detail, off = src.gap
                if not scanning:
                    yield error_record(off, code, detail)
                src.resume()
                scanning = False
                continue
            if src.truncated_member is not None:
                yield src.cut_member()
            return
        start = src.base + src.pos
        offset, member = src.record_offset(start)
        line = _read_line(src)
        fields = arc_fields(line, version)
        if fields is None:
            at, fields = _arc_header_in_line(line, version)
            if not scanning:
                yield error_record(offset, "bad_arc_header",
                                   f"expected an ARC header line at stream position {start}, found "
                                   f"{preview(line, 60)}")
            if fields is None:
                scanning = True
                continue
            # junk glued before a header line: the record starts inside the line
            offset, member = src.record_offset(start + at)
        url, ip, date, ctype, length = fields
        rtype = "arc_header" if url.startswith("filedesc:") else "response"
        headers = {"warc-target-uri": clean_uri(url), "warc-ip-address": ip,
                   "content-type": ctype, "content-length": length}
        iso = _arc_date(date)
        if iso is not None:
            headers["warc-date"] = iso
        if not (length.isascii() and length.isdigit()):
            yield error_record(offset, "bad_arc_header", f"bad ARC record length {length!r}", rtype,
                               headers)
            scanning = True
            continue
        scanning = False
        n = int(length)
        if distrust and n > DISTRUST_MIN:
            next_start = _arc_header_within(src, n, max_payload, version)
            if next_start is not None:
                into = next_start - src.pos
                src.pos = next_start
                ends = (f", but another ARC header line starts {into} bytes into the record (this file's lengths "
                        "are not to be trusted): the record ends there")
                yield error_record(offset, "payload_too_large" if n > max_payload else "content_length_mismatch",
                                   over_payload_limit(f"ARC length {n}", max_payload, ends) if n > max_payload
                                   else f"ARC length {n}{ends}", rtype, headers)
                continue
        if n > max_payload:
            mark = src.checkpoint()
            got = src.skip(n)
            if got == n and (not skip_blank(src) and src.gap is None
                             or src.gap is None and arc_fields(_peek_line(src), version)):
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large",
                                over_payload_limit(f"ARC length {n}", max_payload))
                src.truncated_member = None
                continue
            src.restore(mark)   # else the file ends first, within max_payload: read as a smaller length (round 10b)
            if got == n or got > max_payload:
                distrust = True
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large", over_payload_limit(
                    f"ARC length {n}", max_payload, ("; the record is cut short" if got < n else
                                                     "; and that length does not end the record")
                    + ": the bytes after its header line were searched for records"))
                scanning = True
                continue
        block, err, detail, cut = read_block(src, n, member)
        block_end = src.base + src.pos
        if (cut is not None or err in DAMAGE) and _arc_header_inside(block, version):
            # the end of the file or damage cut a block that holds another record's header line:
            # its length is too large; rescan the block
            err, detail = "content_length_mismatch", (
                f"{detail or cut}, and the record holds another ARC header line: its length {n} "
                "is too large; the records inside were read")
            cut = None
            src.unread(block)
            scanning = distrust = True
            block = b""
        elif err not in DAMAGE and cut is None and skip_blank(src):
            nxt = _peek_line(src)
            if arc_fields(nxt, version) is None:
                err = "content_length_mismatch"
                detail = (f"ARC length {n} does not end the record (followed by "
                          f"{preview(nxt, 40)}); the payload may be cut or hold extra bytes")
                # Rescan the block (with the blank lines skipped after it): if the length was
                # too large, the next header line starts inside it.
                src.unread(block + b"\n" * (src.base + src.pos - block_end))
                scanning = distrust = True
        if rtype == "arc_header" and block.split(None, 1)[:1] == [b"2"]:
            version = 2
        http = rtype != "arc_header" and block[:5].upper() == b"HTTP/"
        yield make_record(offset, rtype, headers, block, http, err, detail, cut, max_payload)
