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
records, LF-only line ends, folded header lines, ``<...>`` around WARC-Target-URI and spaces in
URLs (replaced by ``%20``, as browsers and warcio do). A WARC header line without a colon is kept
aside (``headers[UNPARSED]``) for the row builder to judge, never dropped in silence.
"""

from __future__ import annotations

import os
import re
import zlib
from bisect import bisect_right
from itertools import islice
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator

from dedup.sources import storage
from dedup.sources.http import (GZIP_MAGIC, MAX_HEADER, UNPARSED, agreed_length, clean_uri, find_blank_line,
                                header_text, http_payload, is_http_response, parse_fields, preview, unparsed_note)
from dedup.sources.salvage import gzip_decoder, salvage
from dedup.sources.streams import unread_compression, unread_compression_detail
from dedup.sources.zstdframes import ZSTD_MAGIC, Frames, frame_heads, zstd_start

__all__ = ["RawRecord", "UNPARSED", "iter_records", "sniff_container", "unparsed_note"]


@dataclass(slots=True)
class RawRecord:
    """One container record (or one stretch of damage). See the module docstring for `error`.

    `offset`: plain files, where the record's first line starts; gzip files, the file offset of the gzip
    member in which it starts when it is the first record to start in that member (per-record gzip: seek there
    and inflate one member to get the record back; a record that goes on into the next members, `SPANS`:
    inflate on), else its position in the decompressed stream (whole-file gzip: the records after the first;
    gunzip the file and skip that many bytes). Records of one file never share an offset; error records for
    damage give the file offset of the damage, which `dedup.sources.read` keeps unique per file.
    `headers`: WARC header fields with lower-case names (ARC: warc-target-uri, warc-ip-address,
    warc-date as ISO 8601, content-type, content-length; never warc-record-id). The WARC header lines
    without a colon are under `UNPARSED` (LF-joined), when there are any: `dedup.sources.read` rejects
    the record when one of them held a field it needs, else counts it as tolerated.
    `detail` explains `error`; on a record accepted despite a quirk (`SPANS`; `http.LENGTH_PAST_END`: a length running
    past the end of the file while the HTTP body is complete, an ARC quirk) it holds a note and `error` is None.
    """

    offset: int
    record_type: str
    headers: dict[str, str]
    http_status: int | None
    http_headers: dict[str, str] | None
    payload: bytes
    error: str | None = None
    detail: str = ""


# --- tuning -------------------------------------------------------------------------------------

# Compressed bytes handed to zlib per call. zlib copies the input left over after a member ends
# into `unused_data`, so big slices cost O(slice) per small member; small slices cost calls.
_IN_SLICE = 16 * 1024
# Bounds the output of one inflate call (a zip bomb must not be materialised in one go).
_OUT_MAX = 4 * 1024 * 1024
_RAW_READ = 1024 * 1024       # compressed bytes read from disk at a time
_PLAIN_READ = 256 * 1024      # plain-file bytes read from disk at a time
_MAX_ARC_LINE = 64 * 1024     # an ARC header line longer than this is garbage

_GZIP_MAGIC3 = b"\x1f\x8b\x08"   # magic + deflate method: fewer false hits when resyncing
DAMAGE = ("gzip_error", "zstd_error")   # reasons of records cut or garbled by damaged compressed data
SPANS = "record_spans_"   # the note (`detail`, no `error`) of a sound record read across members / frames
SEGMENT = "warc-segment-number"   # a segment's block is left as it is, for `segments.join_segments` to join

_BLANK = (0, 9, 10, 13, 32)
# Blank lines and NUL / space padding: tolerated between records and members (block-aligned writers pad with NULs)
_WS_RUN = re.compile(rb"[\r\n\t \x00]*")
# Right after a record block only blank lines may come: NULs there are more likely a short Content-Length's block
_NL_RUN = re.compile(rb"[\r\n]*")
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S")


def _run_end(pattern: re.Pattern[bytes], data: bytes, pos: int) -> int:
    """Where the run `pattern` matches at `pos` ends (the `*` runs above also match nothing)."""
    m = pattern.match(data, pos)
    return m.end() if m else pos


# --- byte source --------------------------------------------------------------------------------

class _Source:
    """The file as one continuous byte stream: plain, or the concatenated output of gzip members or zstd
    frames (`zstdframes.Frames`; what is said of gzip members below holds for zstd frames: `unit`).

    Parsers read `buf[pos:]` directly (no per-call overhead on the hot path) and call `fill()` when
    they need more. `base` is the stream position of `buf[0]`, so `base + pos` is a stable stream
    position. When a gzip member is corrupt, `fill()` stops at the damage and sets `gap`; the parser
    reports it and calls `resume()`, which continues at the next gzip member found on disk.
    """

    __slots__ = ("_f", "gz", "buf", "pos", "base", "gap", "eof", "truncated_member", "last_member",
                 "_raw", "_mv", "_rpos", "_raw_off", "_z", "_member_off", "_member_out",
                 "_ustarts", "_moffs", "_resync_from", "_probing", "_pad_start", "_zs", "unit")

    def __init__(self, f: BinaryIO, codec: str) -> None:
        self._f = f
        self.gz = codec != ""      # compressed, in members (gzip) or frames (zstd)
        self._zs = Frames(f) if codec == "zst" else None
        self.unit = "zstd frame" if codec == "zst" else "gzip member"
        self.buf = b""
        self.pos = 0
        self.base = 0
        self.gap: tuple[str, str, int] | None = None
        self.eof = False
        self.truncated_member: int | None = None
        # file offset of the gzip member in which the last record started (see `record_offset`)
        self.last_member: int | None = None
        self._raw = b""
        self._mv = memoryview(b"")
        self._rpos = 0
        self._raw_off = 0
        self._z: Any = None  # zlib's decompressor of the current member (its type is private)
        self._member_off = 0
        self._member_out = 0
        # Stream positions where gzip members start, and their file offsets (for `offset_of`).
        self._ustarts: list[int] = [0]
        self._moffs: list[int] = [0]
        self._resync_from = 0
        self._probing = False
        self._pad_start: int | None = None   # where a run of padding between members began

    # -- public to the parsers --

    def fill(self) -> bool:
        """Append more data to `buf`; False at end of file or at a pending gap."""
        if self.gap is not None or self.eof:
            return False
        if self._zs is not None:
            out = self._unzstd()
        elif self.gz:
            out = self._inflate()
        else:
            out = self._f.read(_PLAIN_READ)
            if not out:
                self.eof = True
        if not out:
            return False
        buf = self.buf
        pos = self.pos
        if pos >= len(buf):
            self.base += len(buf)
            self.buf = out
        else:
            self.base += pos
            self.buf = buf[pos:] + out
        self.pos = 0
        if len(self._ustarts) > 64:
            self._prune_marks()
        return True

    def ensure(self, n: int) -> bool:
        """Make at least n bytes available after `pos`, if the data has them."""
        while len(self.buf) - self.pos < n:
            if not self.fill():
                return False
        return True

    def read(self, n: int) -> bytes:
        """Up to n bytes; fewer only at end of file or at a gap."""
        buf = self.buf
        pos = self.pos
        end = pos + n
        if end <= len(buf):
            self.pos = end
            return buf[pos:end]
        parts = [buf[pos:]]
        got = len(buf) - pos
        self.pos = len(buf)
        while got < n and self.fill():
            buf = self.buf
            take = min(n - got, len(buf))
            parts.append(buf[:take] if take < len(buf) else buf)
            self.pos = take
            got += take
        return b"".join(parts)

    def skip(self, n: int) -> int:
        """Discard up to n bytes without keeping them; returns how many were skipped."""
        got = 0
        while True:
            avail = len(self.buf) - self.pos
            take = min(n - got, avail)
            self.pos += take
            got += take
            if got >= n or not self.fill():
                return got

    def unread(self, data: bytes) -> None:
        """Put bytes just read back in front of the stream (to rescan a record found bad)."""
        self.base += self.pos - len(data)
        self.buf = data + self.buf[self.pos:]
        self.pos = 0

    def checkpoint(self) -> tuple:
        """The reader's state at `pos`, for `restore` to read the stream again from there (a record
        skipped by its Content-Length that turns out not to end where it says)."""
        return (self._f.tell(), self.buf[self.pos:], self.base + self.pos, self.gap, self.eof,
                self.truncated_member, self.last_member, self._raw, self._rpos, self._raw_off,
                self._zs.state() if self._zs is not None else None if self._z is None else self._z.copy(),
                self._member_off, self._member_out,
                list(self._ustarts), list(self._moffs), self._resync_from, self._probing,
                self._pad_start)

    def restore(self, state: tuple) -> None:
        """Go back to a `checkpoint`: the bytes after it are read (and inflated) again."""
        (tell, self.buf, self.base, self.gap, self.eof, self.truncated_member, self.last_member,
         self._raw, self._rpos, self._raw_off, z, self._member_off, self._member_out, ustarts,
         moffs, self._resync_from, self._probing, self._pad_start) = state
        self.pos = 0
        self._f.seek(tell)
        self._mv = memoryview(self._raw)
        if self._zs is not None:
            self._zs.restore(z)
        else:
            self._z = None if z is None else z.copy()   # the checkpoint stays usable
        self._ustarts, self._moffs = list(ustarts), list(moffs)

    def offset_of(self, stream_pos: int) -> int:
        """File offset of the gzip member holding `stream_pos` (plain files: the position)."""
        if not self.gz:
            return stream_pos
        i = bisect_right(self._ustarts, stream_pos) - 1
        return self._moffs[i] if i >= 0 else 0

    def record_offset(self, stream_pos: int) -> tuple[int, int]:
        """(the offset to report for a record starting at `stream_pos`, the file offset of the gzip
        member it starts in). Plain files: the position, twice. Gzip: the member's file offset for the
        first record that starts in a member (seek there and inflate); a later record starting in the
        same member (whole-file gzip, or a writer that packs records) gets its position in the
        decompressed stream instead, so that no two records of a file share an offset."""
        if not self.gz:
            return stream_pos, stream_pos
        member = self.offset_of(stream_pos)
        if member == self.last_member:
            return stream_pos, member
        self.last_member = member
        return member, member

    def resume(self) -> None:
        """Drop what is left before the gap and go on at the next gzip member after the damage."""
        self.base += len(self.buf)
        self.buf = b""
        self.pos = 0
        self.gap = None
        self._z = None
        if self._zs is not None:
            self._zs.resume()
            return
        self._seek_magic(self._resync_from)
        self._probing = True

    def cut_member(self) -> RawRecord:
        """The reject of the last gzip member / zstd frame, cut short by the end of the file after its records.
        A zstd frame decodes block by block (up to 128 KiB): one cut before its first block was decoded gave
        nothing, and its record is lost, not complete."""
        off, self.truncated_member = self.truncated_member or 0, None
        if self._zs is not None and self._zs.lost:
            return _err(off, "truncated_record", f"the file ends inside the zstd frame at offset {off} before any "
                        "of it could be decoded: the record(s) it holds are lost")
        return _err(off, "truncated_" + self.unit[:4], f"{self.unit} at offset {off} is cut short (its records "
                    "were complete)")

    def _unzstd(self) -> bytes:
        zs = self._zs
        assert zs is not None
        out = zs.read()
        if out and zs.frame != self._moffs[-1]:   # a frame's first bytes: where it starts in the stream
            self._ustarts.append(self.base + len(self.buf))
            self._moffs.append(zs.frame)
        self.gap, self.eof = zs.gap, zs.eof and not out
        if zs.truncated is not None:
            self.truncated_member, zs.truncated = zs.truncated, None
        return out

    # -- gzip internals --

    def _prune_marks(self) -> None:
        i = bisect_right(self._ustarts, self.base) - 1
        if i > 0:
            del self._ustarts[:i]
            del self._moffs[:i]

    def _read_raw(self) -> bool:
        chunk = self._f.read(_RAW_READ)
        if not chunk:
            return False
        if self._rpos < len(self._raw):
            # keep the unread tail (a gzip header split by the read boundary)
            chunk = self._raw[self._rpos:] + chunk
        self._raw_off += self._rpos
        self._raw = chunk
        self._mv = memoryview(chunk)
        self._rpos = 0
        return True

    def _seek_magic(self, off: int) -> None:
        """Position the compressed reader at the first gzip member magic at or after `off`."""
        self._f.seek(off)
        data_off = off          # file offset of data[0]
        data = b""
        while True:
            chunk = self._f.read(_RAW_READ)
            if not chunk:
                break
            data += chunk       # data holds at most 2 bytes from the previous chunk
            i = data.find(_GZIP_MAGIC3)
            if i >= 0:
                self._raw, self._mv, self._rpos, self._raw_off = data, memoryview(data), i, data_off
                return
            keep = min(2, len(data))
            data_off += len(data) - keep
            data = data[len(data) - keep:]
        self._raw, self._mv, self._rpos = b"", memoryview(b""), 0
        self._raw_off = data_off + len(data)

    def _member_after(self, start: int) -> int | None:
        """The file offset of the first sound gzip member at or after `start`: one that inflates
        without error to its end, or (a large one) to a WARC/ARC record start. None if there is none.
        Only called when the file ends inside a member; reads the rest of the file once."""
        f = self._f
        f.seek(start)
        data = b""
        at = start            # file offset of data[0]
        while chunk := f.read(_RAW_READ):
            data = data[-2:] + chunk
            base = at - min(2, at - start)
            i = data.find(_GZIP_MAGIC3)
            while i >= 0:
                if self._sound_member(base + i):
                    return base + i
                i = data.find(_GZIP_MAGIC3, i + 1)
            at += len(chunk)
        return None

    def _sound_member(self, off: int) -> bool:
        f = self._f
        here = f.tell()
        try:
            f.seek(off)
            piece = f.read(64 * 1024)
        finally:
            f.seek(here)
        z = zlib.decompressobj(31)
        try:
            out = z.decompress(piece, 64 * 1024)
        except zlib.error:
            return False
        if z.eof:
            return True
        head = out[_run_end(_WS_RUN, out, 0):]
        return head.startswith((b"WARC/", b"filedesc://")) or _record_start(head[:4096])[1] == 0

    def _salvage(self, fail_at: int) -> bytes:
        """What the failed inflate call (its input started at file offset `fail_at`) would have
        given before the damage (`salvage`); leaves the file position anywhere (`resume` seeks)."""
        return salvage(self._f, self._member_off, fail_at, self._member_out, gzip_decoder(_OUT_MAX),
                       _RAW_READ, _IN_SLICE, _OUT_MAX)

    def _set_gap(self, detail: str, member_off: int, resync_from: int) -> None:
        self._z = None
        self._resync_from = resync_from
        if self._probing and self._member_out == 0:
            # A false gzip magic found while resynchronising: keep scanning, the damage is already reported.
            self._seek_magic(resync_from)
            return
        self.gap = ("gzip_error", detail, member_off)

    def _inflate(self) -> bytes:
        while True:
            if self._rpos >= len(self._raw) and not self._read_raw():
                if self._z is not None and not self._probing:
                    # The file ends inside a gzip member.
                    out = self._z.flush()
                    self._z = None
                    nxt = self._member_after(self._member_off + 1)
                    if nxt is not None:
                        # not the end: a member cut short took the sound members after it as
                        # its own data (inside a stored block zlib copies them without a word)
                        self.gap = ("gzip_error", f"the gzip member at offset {self._member_off} is "
                                    f"cut short: the next member starts at offset {nxt}", self._member_off)
                        self._resync_from = nxt
                        return out
                    self.truncated_member = self._member_off
                    if out:
                        return out
                self._z = None
                self.eof = True
                return b""
            if self._z is None:
                if len(self._raw) - self._rpos < 3 and self._read_raw():
                    continue
                if not self._raw.startswith(GZIP_MAGIC, self._rpos):
                    run_end = _run_end(_WS_RUN, self._raw, self._rpos)
                    if run_end > self._rpos:
                        # padding between members: skip it, then look again
                        if self._pad_start is None:
                            self._pad_start = self._raw_off + self._rpos
                        self._rpos = run_end
                        continue
                    off = self._raw_off + self._rpos
                    if self._pad_start is not None:
                        off, self._pad_start = self._pad_start, None
                    if self._probing:
                        self._seek_magic(off)
                        continue
                    seen = bytes(self._raw[self._rpos:self._rpos + 16])
                    detail = f"non-gzip bytes at offset {off} (expected a gzip member): {seen!r}"
                    self.gap = ("gzip_error", detail, off)
                    self._resync_from = off
                    return b""
                self._z = zlib.decompressobj(31)
                self._pad_start = None
                self._member_off = self._raw_off + self._rpos
                self._member_out = 0
                self._ustarts.append(self.base + len(self.buf))
                self._moffs.append(self._member_off)
            z = self._z
            inp = self._mv[self._rpos:self._rpos + _IN_SLICE]
            try:
                out = z.decompress(inp, _OUT_MAX)
            except zlib.error as exc:
                # zlib drops the output of the failing call: get it back (a wrong CRC alone would
                # cost the member's last records). Bytes just before damage may be garbage: a
                # record that does not parse there is reported as gzip_error (`_records`).
                salvaged = b""
                if not (self._probing and self._member_out == 0):
                    salvaged = self._salvage(self._raw_off + self._rpos)
                self._set_gap(f"corrupt gzip member at offset {self._member_off}: {exc}",
                              self._member_off, self._member_off + 1)
                if self.gap is not None:
                    self._member_out += len(salvaged)
                    return salvaged
                continue
            if z.eof:
                # The input after the member is in `unused_data`; zlib may ALSO leave it in
                # `unconsumed_tail` when the output limit was reached in the same call (a member
                # compressed more than _OUT_MAX / _IN_SLICE : 1), so subtract one, never both.
                self._rpos += len(inp) - len(z.unused_data)
                self._z = None
            else:
                self._rpos += len(inp) - len(z.unconsumed_tail)
            if out:
                self._member_out += len(out)
                self._probing = False
                return out


# --- WARC ---------------------------------------------------------------------------------------

def _skip_blank(src: _Source) -> bool:
    """Skip blank lines (and NUL / space padding) between records; True when positioned on a
    byte, False at EOF or a gap."""
    while True:
        buf = src.buf
        pos = _run_end(_WS_RUN, buf, src.pos)
        src.pos = pos
        if pos < len(buf):
            return True
        if not src.fill():
            return False


# Where a record may start after damage: a 'WARC/1.' line, or a WARC version line glued to junk
# before it (a cut record running into the next header, a stray byte at the start of the file).
_WARC_START = re.compile(rb"(?<=\n)WARC/1\.|WARC/1\.\d\r?\n")


_DISTRUST_MIN = 64 * 1024   # shorter blocks are read as claimed: cheap, even when wrong


def _record_start_within(src: _Source, n: int, max_payload: int) -> int | None:
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


def _scan_to_warc(src: _Source) -> bool:
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


def _trailer_ok(src: _Source, lookahead: bytes) -> bool:
    """Does the record end here: blank line(s), then the next record or the end of the data?

    Consumes the usual CRLF CRLF separator; other blank lines are left to `_skip_blank`.
    """
    buf = src.buf
    pos = src.pos
    if buf.startswith(b"\r\n\r\n", pos):
        src.pos = pos + 4
        return True
    need = len(lookahead)
    while True:
        j = _run_end(_NL_RUN, buf, src.pos)
        if len(buf) - j >= need:
            return buf.startswith(lookahead, j)
        if not src.fill():
            # end of the data (a gap is reported on its own): fine if only blank lines are left
            buf = src.buf
            return _run_end(_NL_RUN, buf, src.pos) == len(buf)
        buf = src.buf


def _read_block(src: _Source, n: int, member: int
                ) -> tuple[bytes, str | None, str, str | None]:
    """Read an n-byte record block -> (block, error, detail, cut).

    `cut` is set (and error left None) when the end of the file cuts the block: whether that is
    fatal depends on the payload (see `http_payload`).
    """
    block = src.read(n)
    if len(block) < n:
        if src.gap is not None:
            code, detail = src.gap[0], (f"record cut by damaged {src.unit[:4]} data after {len(block)} of {n} "
                                        "bytes: " + src.gap[1])
            src.resume()
            return block, code, detail, None
        cut = f"file ends after {len(block)} of {n} record bytes"
        if src.truncated_member is not None:
            cut += f" ({src.unit} at offset {src.truncated_member} is cut short)"
            src.truncated_member = None
        return block, None, "", cut
    if src.gz and n:
        end_member = src.offset_of(src.base + src.pos - 1)
        if end_member != member:
            # sound (bgzip, pzstd cut the stream in blocks of a size): a note, no reject (until round 8)
            return block, None, (f"{SPANS}{src.unit.replace(' ', '_')}s: the record starts in the {src.unit} "
                                 f"at offset {member} and ends in the one at {end_member}"), None
    return block, None, "", None


def _make_record(offset: int, rtype: str, headers: dict[str, str], block: bytes, http: bool,
                 err: str | None, detail: str, cut: str | None, max_payload: int) -> RawRecord:
    if http:
        status, hh, payload, herr, hdetail = http_payload(block, 0, len(block), headers,
                                                           max_payload, cut)
        if err is None:
            err, detail = herr, hdetail or detail
        elif herr:
            detail += f"; also {herr}: {hdetail}"
        return RawRecord(offset, rtype, headers, status, hh, payload, err, detail)
    if cut is not None:
        err, detail = "truncated_record", cut
    return RawRecord(offset, rtype, headers, None, None, block, err, detail)


def _err(offset: int, code: str, detail: str, record_type: str = "unknown",
         headers: dict[str, str] | None = None) -> RawRecord:
    return RawRecord(offset, record_type, headers if headers is not None else {}, None, None,
                     b"", code, detail)


def _iter_warc(src: _Source, max_payload: int, unknown_start: bool) -> Iterator[RawRecord]:
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
        if (pos >= len(buf) or buf[pos] in _BLANK) and not _skip_blank(src):
            if src.gap is not None:
                code, detail, off = src.gap
                yield _err(off, code, detail)
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
                if unknown_start and (compression := unread_compression(buf[pos:pos + 6])) is not None:
                    code, what = "unknown_format", unread_compression_detail(compression) + "; it starts with"
                elif unknown_start:
                    code, what = "unknown_format", (
                        "no WARC or ARC record found where the file starts (dedup reads WARC/WET/ARC, "
                        "plain or gzip, JSONL(.gz/.zst) and Parquet); it starts with")
                else:
                    code = "bad_warc_header"
                    what = f"expected a WARC record at stream position {start}, found"
                unknown_start = False
                yield _err(offset, code, f"{what} {preview(buf[pos:pos + 40])}")
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
            yield _err(offset, "bad_warc_header", "the header block is cut short: another record "
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
            yield _err(offset, "bad_warc_header",
                       "missing Content-Length" + unparsed_note(headers) if cl is None else
                       f"Content-Length given more than once, with different values ({cl[:200]!r})"
                       if "," in cl else f"bad Content-Length {cl!r}",
                       rtype, headers)
            scanning = True
            continue
        n = int(cl)

        # -- block
        if distrust and n > _DISTRUST_MIN:
            next_start = _record_start_within(src, n, max_payload)
            if next_start is not None:
                src.pos = next_start
                yield _err(offset, "payload_too_large" if n > max_payload else "content_length_mismatch",
                           f"Content-Length {n}{' > max_payload ' + str(max_payload) if n > max_payload else ''}"
                           f", but another record starts {next_start - pos} bytes after the header (this "
                           "file's lengths are not to be trusted): the record ends there",
                           rtype, headers)
                continue
        if n > max_payload:
            # skipped unread; if the length does not end the record (wrong, or the file is cut),
            # the bytes after the header are scanned again: records inside them must not vanish
            mark = src.checkpoint()
            got = src.skip(n)
            detail = f"Content-Length {n} > max_payload {max_payload}"
            if got == n and _trailer_ok(src, b"WARC/"):
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large", detail)
                continue
            src.restore(mark)   # else the file ends first, within max_payload: read as a smaller length (round 10)
            if got == n or got > max_payload:
                detail += (f"; the record is cut short ({got} of {n} bytes present)" if got < n else
                           "; and that length does not end the record")
                distrust = scanning = True
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large",
                                detail + ": the bytes after its header were searched for records")
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
        block, err, detail, cut = _read_block(src, n, member)
        if err not in DAMAGE and cut is None and not _trailer_ok(src, b"WARC/"):
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
        if (block or rtype != "revisit") and is_http_response(rtype, headers, block, 0) and SEGMENT not in headers:
            status, hh, payload, herr, hdetail = http_payload(block, 0, len(block), headers,
                                                               max_payload, cut)
            if err is None:
                err, detail = herr, hdetail or detail
            elif herr:
                detail += f"; also {herr}: {hdetail}"
            yield RawRecord(offset, rtype, headers, status, hh, payload, err, detail)
        elif cut is None:
            yield RawRecord(offset, rtype, headers, None, None, block, err, detail)
        else:
            yield RawRecord(offset, rtype, headers, None, None, block, "truncated_record", cut)


def _mismatch(src: _Source, offset: int, rtype: str, headers: dict[str, str], block: bytes,
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


def _find_header_end(src: _Source) -> tuple[int, int, bytes, int]:
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


def _header_failure(src: _Source, offset: int, buf: bytes, pos: int) -> RawRecord:
    """The error record for a header block that does not end; leaves `src` past the damage."""
    text = header_text(buf[pos:pos + min(len(buf) - pos, 64 * 1024)])
    headers = parse_fields(text)
    rtype = (headers.get("warc-type") or "unknown").lower()
    if src.gap is not None:
        code, detail = src.gap[0], f"header block cut by damaged {src.unit[:4]} data: " + src.gap[1]
        src.resume()
        return _err(offset, code, detail, rtype, headers)
    if len(buf) - pos > MAX_HEADER:
        src.pos = pos + 1
        return _err(offset, "bad_warc_header",
                    f"no end of the WARC header block within {MAX_HEADER} bytes", rtype, headers)
    src.pos = len(buf)
    src.truncated_member = None
    return _err(offset, "truncated_record", "file ends inside the WARC header block",
                rtype, headers)


# --- ARC ----------------------------------------------------------------------------------------

def _read_line(src: _Source) -> bytes:
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


def _peek_line(src: _Source) -> bytes:
    while True:
        buf = src.buf
        pos = src.pos
        i = buf.find(b"\n", pos, pos + _MAX_ARC_LINE)
        if i >= 0 or len(buf) - pos >= _MAX_ARC_LINE or not src.fill():
            return buf[pos:i if i >= 0 else pos + _MAX_ARC_LINE].rstrip(b"\r")


def _arc_fields(line: bytes, version: int) -> tuple[str, str, str, str, str] | None:
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
        fields = _arc_fields(line[m.start():], version)
        if fields is not None:
            return m.start(), fields
    return -1, None


def _arc_header_within(src: _Source, n: int, max_payload: int, version: int) -> int | None:
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
        for m in _ARC_LINE_START.finditer(buf, max(pos - 1, pos + searched - 1), pos + avail):
            at = m.start() + 1
            nl = buf.find(b"\n", at, at + _MAX_ARC_LINE)
            if nl < 0 and at + _MAX_ARC_LINE > len(buf):
                done = at - 1 - pos   # the line is not all read: look at it again after fill()
                break
            if _arc_fields(buf[at:nl if nl >= 0 else at + _MAX_ARC_LINE].rstrip(b"\r"), version):
                return at
        if avail >= limit and done >= avail:
            return None
        searched = max(done, 0)
        if not src.fill():
            return None


def _arc_header_inside(block: bytes, version: int) -> bool:
    """Does a line inside `block` (not its first) parse as an ARC header line?"""
    for m in _ARC_LINE_START.finditer(block, 1):
        at = m.start() + 1
        nl = block.find(b"\n", at)
        if _arc_fields(block[at:nl if nl >= 0 else len(block)].rstrip(b"\r"), version):
            return True
    return False


def _arc_date(d: str) -> str | None:
    if not d.isdigit() or len(d) < 8:
        return None
    d = d[:14].ljust(14, "0")
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def _iter_arc(src: _Source, max_payload: int) -> Iterator[RawRecord]:
    version = 1
    scanning = False   # after damage: skip lines silently until one parses as an ARC header
    distrust = False   # an ARC length in this file proved wrong: see `_iter_warc`
    while True:
        if not _skip_blank(src):
            if src.gap is not None:
                code, detail, off = src.gap
                if not scanning:
                    yield _err(off, code, detail)
                src.resume()
                scanning = False
                continue
            if src.truncated_member is not None:
                yield src.cut_member()
            return
        start = src.base + src.pos
        offset, member = src.record_offset(start)
        line = _read_line(src)
        fields = _arc_fields(line, version)
        if fields is None:
            at, fields = _arc_header_in_line(line, version)
            if not scanning:
                yield _err(offset, "bad_arc_header",
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
            yield _err(offset, "bad_arc_header", f"bad ARC record length {length!r}", rtype,
                       headers)
            scanning = True
            continue
        scanning = False
        n = int(length)
        if distrust and n > _DISTRUST_MIN:
            next_start = _arc_header_within(src, n, max_payload, version)
            if next_start is not None:
                into = next_start - src.pos
                src.pos = next_start
                yield _err(offset, "payload_too_large" if n > max_payload else "content_length_mismatch",
                           f"ARC length {n}{' > max_payload ' + str(max_payload) if n > max_payload else ''}"
                           f", but another ARC header line starts {into} bytes into the record (this "
                           "file's lengths are not to be trusted): the record ends there", rtype, headers)
                continue
        if n > max_payload:
            mark = src.checkpoint()
            got = src.skip(n)
            detail = f"ARC length {n} > max_payload {max_payload}"
            if got == n and (not _skip_blank(src) and src.gap is None
                             or src.gap is None and _arc_fields(_peek_line(src), version)):
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large", detail)
                src.truncated_member = None
                continue
            src.restore(mark)   # else the file ends first, within max_payload: read as a smaller length (round 10b)
            if got == n or got > max_payload:
                distrust = True
                yield RawRecord(offset, rtype, headers, None, None, b"", "payload_too_large",
                                detail + ("; the record is cut short" if got < n else
                                          "; and that length does not end the record")
                                + ": the bytes after its header line were searched for records")
                scanning = True
                continue
        block, err, detail, cut = _read_block(src, n, member)
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
        elif err not in DAMAGE and cut is None and _skip_blank(src):
            nxt = _peek_line(src)
            if _arc_fields(nxt, version) is None:
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
        yield _make_record(offset, rtype, headers, block, http, err, detail, cut, max_payload)


# --- entry points -------------------------------------------------------------------------------

_SNIFF_RAW = 1024 * 1024   # raw bytes looked at to tell the container, past junk or damage
_SNIFF_OUT = 8192          # decompressed bytes looked at per gzip member tried
_SNIFF_MEMBERS = 64        # gzip member candidates tried before giving up
_ARC_LINE_START = re.compile(rb"(?:^|\n)[A-Za-z][A-Za-z0-9+.\-]*:[^\s]")


def _record_start(data: bytes) -> tuple[str, int]:
    """The first WARC or ARC record start in `data` (at the start or the start of a line):
    (kind, position), or ('unknown', -1)."""
    lead = _run_end(_WS_RUN, data, 0)
    if data.startswith(b"WARC/", lead):
        return "warc", lead
    kinds = []
    w = data.find(b"WARC/1.", lead)
    while w > lead and data[w - 1] != 10:
        w = data.find(b"WARC/1.", w + 1)
    if w >= 0:
        kinds.append((w, "warc"))
    # ARC: the filedesc header, or (an excerpt) a header line: URL IP date type length
    for m in _ARC_LINE_START.finditer(data, lead, min(w if w >= 0 else len(data), lead + 65536)):
        at = m.start() + (data[m.start()] == 10)
        if at < lead:
            continue
        nl = data.find(b"\n", at)
        line = data[at:nl if nl >= 0 else len(data)].rstrip(b"\r")
        if line.startswith(b"filedesc://") or _arc_fields(line, 1) is not None:
            kinds.append((at, "arc"))
            break
    if not kinds:
        return "unknown", -1
    at, kind = min(kinds)
    return kind, at


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


def _sniff_head(head: bytes) -> tuple[str, str]:
    """(kind, codec) of a file from its first bytes: 'warc', 'arc' or 'unknown', and how to read it: 'zst'
    (a zstd or skippable frame magic first), 'gz' or '' (plain). The first gzip member that inflates to a
    record, or the first record line in the plain bytes, whichever comes first: a damaged first member or
    junk before the first record must not hide the records after it."""
    if zstd_start(head):   # the first frame that decodes to a record start (a damaged first one looked past)
        kinds = (_record_start(out)[0] for out in frame_heads(head, _SNIFF_OUT))
        return next((k for k in islice(kinds, _SNIFF_MEMBERS) if k != "unknown"), "unknown"), "zst"
    if head.startswith(_GZIP_MAGIC3):   # the common case first: a sound first member
        kind, _ = _record_start(_inflate_prefix(head, 0, _SNIFF_OUT))
        if kind != "unknown":
            return kind, "gz"
    plain_kind, plain_at = _record_start(head)
    i = head.find(_GZIP_MAGIC3)
    tries = 0
    while i >= 0 and (plain_at < 0 or i < plain_at) and tries < _SNIFF_MEMBERS:
        kind, at = _record_start(_inflate_prefix(head, i, _SNIFF_OUT))
        if kind != "unknown":
            return kind, "gz"
        tries += 1
        i = head.find(_GZIP_MAGIC3, i + 1)
    # a zstd file whose first frame lost its magic: a later frame that decodes to a record start, as for gzip
    j = head.find(ZSTD_MAGIC, 1)   # (the reader reports the bytes before it as damage and goes on from there)
    if j >= 0 and (plain_at < 0 or j < plain_at) and (kind := _sniff_head(head[j:])[0]) != "unknown":
        return kind, "zst"
    if plain_kind != "unknown":
        return plain_kind, ""
    return "unknown", "gz" if head.startswith(GZIP_MAGIC) else ""


def sniff_container(path: str | os.PathLike) -> str:
    """'warc', 'arc' or 'unknown', from the content (gunzipped first when it is gzip), looking past
    junk bytes and damaged gzip members at the start (the first MiB)."""
    with storage.open_binary(path) as f:
        head = f.read(_SNIFF_RAW)
    return _sniff_head(head)[0]


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
        kind, codec = _sniff_head(head)
        del head
        src = _Source(f, codec)
        try:
            for rec in (_iter_arc(src, max_payload) if kind == "arc" else
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
            yield _err(src.offset_of(src.base + src.pos), "internal_error",
                       f"{type(exc).__name__}: {exc} (reading stopped here)")
