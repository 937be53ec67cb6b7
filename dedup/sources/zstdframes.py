"""The decompressed bytes of a zstd-compressed WARC/ARC file (`.warc.zst`), frame by frame, for the WARC
reader's byte source (`bytesource.Source`): the IIPC WARC-zstd layout (one record per frame; a leading skippable
frame with magic 0x184D2A5D holding the dictionary the frames need, itself zstd-compressed or not; other
skippable frames skipped) and a whole file compressed as one stream (one frame, or frames of any size).

Damage is reported, never raised: `gap` (a corrupt frame, bytes that are no frame, a dictionary that cannot be
loaded: what decoded before the damage is delivered first; `resume` goes on at the next frame found on disk)
and `truncated` (the file ends inside a frame). Each `read` returns the output of one frame only, so the
caller knows which frame (`frame`, its file offset) every byte came from.
"""

from __future__ import annotations

import io
from typing import Any, BinaryIO, Iterator

import zstandard

from dedup.sources.salvage import Decoder, salvage

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
DICT_MAGIC = b"\x5d\x2a\x4d\x18"        # the skippable frame (0x184D2A5D) of the WARC-zstd dictionary
# compressed bytes fed to a zstd decompressor per call: zstd has no output bound per call, so its input is fed in
# slices small enough that even the densest frame (a 3-byte block header per 128 KiB of output) stays near 32 MiB a
# call (at most ~43 MiB); the readers of zstd streams and of zstd HTTP bodies feed theirs by it too
ZSTD_IN = 1024
_RAW = 1 << 20              # compressed bytes read from disk at a time
DICT_MAX = 64 << 20        # a dictionary (decompressed) larger than this is refused
_PADDING = b"\x00\r\n\t "   # between frames (block-aligned writers pad with NULs): no data
_PROBE = 64 * 1024


def is_skippable(head: bytes) -> bool:
    """Do the 4 bytes `head` start a zstd skippable frame (magic 0x184D2A50 to 0x184D2A5F)?"""
    return len(head) >= 4 and head[0] & 0xF0 == 0x50 and head[1:4] == b"\x2a\x4d\x18"


def zstd_start(head: bytes) -> bool:
    """Does a file start with a zstd frame, or a skippable frame (where a .warc.zst keeps its dictionary)?"""
    return head.startswith(ZSTD_MAGIC) or is_skippable(head[:4])


def load_dictionary(data: bytes) -> tuple[zstandard.ZstdDecompressor | None, str]:
    """(the decompressor of the frames that need the dictionary `data`, '') or (None, why it cannot be used)."""
    if data.startswith(ZSTD_MAGIC):   # the dictionary compressed with zstd itself
        try:
            obj = zstandard.ZstdDecompressor().decompressobj()
            parts: list[bytes] = []
            size = 0
            for at in range(0, len(data), ZSTD_IN):
                parts.append(obj.decompress(data[at:at + ZSTD_IN]))
                size += len(parts[-1])
                if size > DICT_MAX:
                    return None, f"the dictionary expands past {DICT_MAX} bytes"
            if not obj.eof:
                return None, "the compressed dictionary is cut short"
        except zstandard.ZstdError as exc:
            return None, f"the compressed dictionary cannot be decompressed: {exc}"
        data = b"".join(parts)
    try:
        return zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(data)), ""
    except zstandard.ZstdError as exc:
        return None, f"the dictionary cannot be loaded: {exc}"


def _decoder(dctx: zstandard.ZstdDecompressor) -> Decoder:
    obj = dctx.decompressobj()
    return (lambda data: iter((obj.decompress(data),))), lambda: obj.eof


class Frames:
    """The zstd frames of an open file, decompressed one `read` at a time (see the module docstring).

    `frame`: the file offset of the frame the last `read` came from. `gap`: (reason, detail, file offset)
    of damage met, pending until `resume`. `truncated`: the file offset of the frame the file ends in (`lost`:
    before any of it was decoded).
    """

    __slots__ = ("_f", "_raw", "_rpos", "_raw_off", "_dctx", "_obj", "frame", "_out", "gap", "truncated",
                 "eof", "_resync_from", "_pending", "_dict_note", "lost")

    def __init__(self, f: BinaryIO) -> None:
        self._f = f
        self._raw = b""
        self._rpos = 0
        self._raw_off = 0        # file offset of _raw[0]
        self._dctx = zstandard.ZstdDecompressor()
        self._obj: Any = None    # the current frame's decompressobj (None between frames)
        self.frame = 0
        self._out = 0            # bytes the current frame has delivered
        self.gap: tuple[str, str, int] | None = None
        self.truncated: int | None = None
        self.lost = False        # the frame the file ends in gave nothing before the end
        self.eof = False
        self._resync_from = 0
        self._pending = b""      # output decoded again by `restore` past the checkpoint
        self._dict_note = ""     # why the file's dictionary could not be used

    # -- raw bytes --

    def _have(self, n: int) -> bool:
        """At least n unread raw bytes buffered (fewer only at the end of the file)."""
        while len(self._raw) - self._rpos < n:
            chunk = self._f.read(_RAW)
            if not chunk:
                return False
            self._raw_off += self._rpos
            self._raw = self._raw[self._rpos:] + chunk
            self._rpos = 0
        return True

    def _at(self) -> int:
        return self._raw_off + self._rpos

    def _seek(self, off: int) -> None:
        self._f.seek(off)
        self._raw, self._rpos, self._raw_off = b"", 0, off

    def _seek_magic(self, off: int) -> None:
        """Position at the first zstd frame magic at or after file offset `off` (the end of the file if none)."""
        self._seek(off)
        while self._have(4):
            i = self._raw.find(ZSTD_MAGIC, self._rpos)
            if i >= 0:
                self._rpos = i
                return
            self._rpos = len(self._raw) - 3
        self._rpos = len(self._raw)

    # -- state for `bytesource.Source.checkpoint` --

    def state(self) -> tuple:
        """What `restore` needs to decode again from the current point."""
        between = self._obj is None
        return (self._at() if between else self.frame, self._out, between, self.gap, self.truncated, self.eof,
                self._resync_from, self._pending, self._dctx)

    def restore(self, state: tuple) -> None:
        """Back to a `state`: a frame being read is decoded again from its start, its first bytes dropped."""
        (off, out, between, self.gap, self.truncated, self.eof, self._resync_from, pending, self._dctx) = state
        self._seek(off)
        self._obj = None
        self._pending = pending
        if between:
            return
        self._obj = self._dctx.decompressobj()
        self.frame, self._out = off, 0
        drop = out - len(pending)
        while drop > 0:
            got = self._decode()
            if got is None:
                return
            if len(got) > drop:
                self._pending = got[drop:] + pending
            drop -= len(got)
        self._out = out

    # -- reading --

    def read(self) -> bytes:
        """The next output bytes, all from one frame (`frame`); b'' at the end of the file or at a `gap`."""
        if self._pending:
            out, self._pending = self._pending, b""
            return out
        while self.gap is None and not self.eof:
            if self._obj is None and not self._next_frame():
                continue
            out = self._decode() or b""
            if out:
                return out
        return b""

    def resume(self) -> None:
        """Go on at the next zstd frame after the damage. Unlike gzip's 3-byte magic, the 4-byte zstd magic is
        rare inside compressed data: a frame found there that fails is damage of its own, reported too (a file
        whose frames all need a dictionary it lacks gives one reject per frame, not one for all)."""
        self.gap = None
        self._obj = None
        self._seek_magic(self._resync_from)

    def _next_frame(self) -> bool:
        """Between frames: skip padding and skippable frames (loading the dictionary); True when a zstd
        frame starts (its decoder set up), False after setting `eof` or `gap` or skipping something."""
        while self._have(1):
            data = self._raw[self._rpos:self._rpos + 4096]
            kept = len(data) - len(data.lstrip(_PADDING))
            if kept == 0:
                break
            self._rpos += kept
        else:
            self.eof = True
            return False
        at = self._at()
        self._have(8)
        head = self._raw[self._rpos:self._rpos + 8]
        if is_skippable(head):
            if len(head) < 8:
                self.truncated, self.eof, self.lost = at, True, True
                return False
            size = int.from_bytes(head[4:8], "little")
            if at + 8 + size > self._f.seek(0, 2):
                # what it claims runs past the end of the file: it must not swallow the frames after it (as a
                # WARC Content-Length that does not end its record), the bytes after its header are searched
                self.gap = ("zstd_error", f"the skippable frame at offset {at} claims {size} bytes, more than the "
                            "file holds: the bytes after its header were searched for frames", at)
                self._resync_from = at + 8
                return False
            if head[:4] == DICT_MAGIC and at == 0:
                if size > DICT_MAX:
                    self._dict_note = f"the dictionary frame holds {size} bytes, more than {DICT_MAX}: not loaded"
                else:
                    self._seek(at + 8)
                    self._have(size)
                    dctx, self._dict_note = load_dictionary(self._raw[self._rpos:self._rpos + size])
                    self._dctx = dctx or self._dctx
            self._seek(at + 8 + size)
            return False
        if not head.startswith(ZSTD_MAGIC):
            self.gap = ("zstd_error", f"non-zstd bytes at offset {at} (expected a zstd frame): {head!r}", at)
            self._resync_from = at
            return False
        self._obj = self._dctx.decompressobj()
        self.frame, self._out = at, 0
        return True

    def _decode(self) -> bytes | None:
        """One slice of the current frame -> its output; None when damage or the end of the file was met."""
        obj = self._obj
        if not self._have(1):
            self._obj = None
            nxt = self._frame_after(self.frame + 1)
            if nxt is not None:
                # not the end: the frame cut short took the sound frames after it as its own data
                self.gap = ("zstd_error", f"the zstd frame at offset {self.frame} is cut short: the next frame "
                            f"starts at offset {nxt}", self.frame)
                self._resync_from = nxt
            else:
                self.truncated, self.eof, self.lost = self.frame, True, self._out == 0
            return None
        inp = self._raw[self._rpos:self._rpos + ZSTD_IN]
        try:
            out = obj.decompress(inp)
        except zstandard.ZstdError as exc:
            self._obj = None
            self._resync_from = self.frame + 1
            salvaged = salvage(self._f, self.frame, self._at(), self._out, _decoder(self._dctx), ZSTD_IN, ZSTD_IN,
                               1 << 22)
            note = f" ({self._dict_note})" if self._dict_note else ""
            if "too much memory" in str(exc):   # a window past the decoder's limit (128 MiB): `zstd --long=31`
                note += (" (a window larger than 128 MiB, as `zstd --long` writes: decompress it with "
                         "`zstd -d --long=31`)")
            self.gap = ("zstd_error", f"corrupt zstd frame at offset {self.frame}: {exc}{note}", self.frame)
            self._out += len(salvaged)
            return salvaged or None
        if obj.eof:
            self._rpos += len(inp) - len(obj.unused_data)
            self._obj = None
        else:
            self._rpos += len(inp)
        self._out += len(out)
        return out

    def _frame_after(self, start: int) -> int | None:
        """The file offset of the first sound zstd frame at or after `start` (one that decodes its first
        64 KiB without error); None if there is none. Only called when the file ends inside a frame."""
        f = self._f
        f.seek(start)
        data = b""
        at = start
        while chunk := f.read(_RAW):
            data = data[-3:] + chunk
            base = at - min(3, at - start)
            i = data.find(ZSTD_MAGIC)
            while i >= 0:
                here = f.tell()
                f.seek(base + i)
                piece = f.read(_PROBE)
                f.seek(here)
                try:
                    obj = self._dctx.decompressobj()
                    for k in range(0, len(piece), ZSTD_IN):
                        obj.decompress(piece[k:k + ZSTD_IN])
                        if obj.eof:
                            break
                    if obj.eof or len(piece) == _PROBE:
                        return base + i
                except zstandard.ZstdError:
                    pass
                i = data.find(ZSTD_MAGIC, i + 1)
            at += len(chunk)
        return None


def frame_heads(head: bytes, limit: int) -> Iterator[bytes]:
    """The first `limit` decompressed bytes of each zstd frame in `head` (a file's first bytes; a leading
    dictionary frame used), what decodes before any damage, frame after frame: to tell WARC from ARC past a
    damaged first frame, as the gzip sniffing looks past a damaged first member."""
    dctx = zstandard.ZstdDecompressor()
    pos = 0
    if is_skippable(head[:4]) and len(head) >= 8:
        size = int.from_bytes(head[4:8], "little")
        if head.startswith(DICT_MAGIC):
            dctx = load_dictionary(head[8:8 + size])[0] or dctx
        pos = 8 + size
    while (start := head.find(ZSTD_MAGIC, pos)) >= 0:
        obj = dctx.decompressobj()
        out: list[bytes] = []
        at = start
        try:
            while sum(map(len, out)) < limit and at < len(head) and not obj.eof:
                out.append(obj.decompress(head[at:at + 256]))
                at += 256
            # a frame that does not end within `head` may be a damaged one that ran on into the next frames (a flipped
            # size): the next frame is looked for in its bytes (round 18: until then the sniffing stopped there, and
            # an ARC whose first frame was damaged so was read as no WARC or ARC, its intact records lost)
            pos = at - len(obj.unused_data) if obj.eof else start + 1
        except zstandard.ZstdError:
            out = [salvage(io.BytesIO(head), start, at, 0, _decoder(dctx), 256, 256, limit)]
            pos = start + 1
        yield b"".join(out)[:limit]
