"""The byte source of the WARC and ARC readers (`warc.py`, `arc.py`), and the steps of reading a record that both
formats share.

`Source` is the file as one continuous byte stream: plain, or the concatenated output of its gzip members or zstd
frames (`zstdframes`), stopping at damage (a gap for the parser to report) and going on at the next sound member.
The shared steps: the blank lines between records (`skip_blank`), a record's block (`read_block`) and the
record made of it (`make_record`), and the `RawRecord` every record comes out as (reason codes: the docstring
of `dedup.sources.warc`).
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable

from dedup.sources.http import GZIP_MAGIC, http_payload
from dedup.sources.salvage import gzip_decoder, salvage
from dedup.sources.zstdframes import Frames


@dataclass(slots=True)
class RawRecord:
    """One container record (or one stretch of damage). See `dedup.sources.warc` for `error`.

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

GZIP_MAGIC3 = b"\x1f\x8b\x08"   # magic + deflate method: fewer false hits when resyncing
DAMAGE = ("gzip_error", "zstd_error")   # reasons of records cut or garbled by damaged compressed data
SPANS = "record_spans_"   # the note (`detail`, no `error`) of a sound record read across members / frames
# Blank lines and NUL / space padding: tolerated between records and members (block-aligned writers pad with NULs)
WS_RUN = re.compile(rb"[\r\n\t \x00]*")


def end_of_run(pattern: re.Pattern[bytes], data: bytes, pos: int) -> int:
    """Where the run `pattern` matches at `pos` ends (the `*` runs above also match nothing)."""
    m = pattern.match(data, pos)
    return m.end() if m else pos


# --- byte source --------------------------------------------------------------------------------

class Source:
    """The file as one continuous byte stream: plain, or the concatenated output of gzip members or zstd
    frames (`zstdframes.Frames`; what is said of gzip members below holds for zstd frames: `unit`).

    Parsers read `buf[pos:]` directly (no per-call overhead on the hot path) and call `fill()` when
    they need more. `base` is the stream position of `buf[0]`, so `base + pos` is a stable stream
    position. When a gzip member is corrupt, `fill()` stops at the damage and sets `gap`; the parser
    reports it and calls `resume()`, which continues at the next gzip member found on disk.
    """

    __slots__ = ("_f", "gz", "buf", "pos", "base", "gap", "eof", "truncated_member", "last_member",
                 "_raw", "_mv", "_rpos", "_raw_off", "_z", "_member_off", "_member_out",
                 "_ustarts", "_moffs", "_resync_from", "_probing", "_pad_start", "_zs", "unit",
                 "_starts_record", "keep_marks_from")

    def __init__(self, f: BinaryIO, codec: str, starts_record: Callable[[bytes], bool]) -> None:
        self._f = f
        self._starts_record = starts_record   # does a member's first output start a record?
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
        # member starts at or after this stream position are kept while a record's block is read (`warc`: where its
        # own member ends); None: only from the member holding `base` on
        self.keep_marks_from: int | None = None

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
            return error_record(off, "truncated_record", f"the file ends inside the zstd frame at offset {off} "
                                "before any of it could be decoded: the record(s) it holds are lost")
        return error_record(off, "truncated_" + self.unit[:4], f"{self.unit} at offset {off} is cut short (its "
                            "records were complete)")

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
        keep = self.base if self.keep_marks_from is None else min(self.base, self.keep_marks_from)
        i = bisect_right(self._ustarts, keep) - 1
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
            i = data.find(GZIP_MAGIC3)
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
            i = data.find(GZIP_MAGIC3)
            while i >= 0:
                if self._sound_member(base + i):
                    return base + i
                i = data.find(GZIP_MAGIC3, i + 1)
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
        head = out[end_of_run(WS_RUN, out, 0):]
        return self._starts_record(head)

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
                    run_end = end_of_run(WS_RUN, self._raw, self._rpos)
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


# --- steps both formats share ------------------------------------------------------------------

def skip_blank(src: Source) -> bool:
    """Skip blank lines (and NUL / space padding) between records; True when positioned on a
    byte, False at EOF or a gap."""
    while True:
        buf = src.buf
        pos = end_of_run(WS_RUN, buf, src.pos)
        src.pos = pos
        if pos < len(buf):
            return True
        if not src.fill():
            return False


DISTRUST_MIN = 64 * 1024   # shorter blocks are read as claimed: cheap, even when wrong


def read_block(src: Source, n: int, member: int
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


def error_record(offset: int, code: str, detail: str, record_type: str = "unknown",
                 headers: dict[str, str] | None = None) -> RawRecord:
    """The record of a reader error (`code`, the reason; `detail`, what was found): no payload."""
    return RawRecord(offset, record_type, headers if headers is not None else {}, None, None,
                     b"", code, detail)


def make_record(offset: int, rtype: str, headers: dict[str, str], block: bytes, http: bool,
                err: str | None, detail: str, cut: str | None, max_payload: int) -> RawRecord:
    """The record of a block read by `read_block` (`err`, `detail`, `cut` as it returned them): its HTTP response
    parsed when `http`, else the block as it is; a block cut by the end of the file is `truncated_record`."""
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
