"""Compressed line streams (.jsonl.gz, .jsonl.zst, plain): bounded memory whatever a file expands to,
every line decoded before damage kept, damage skipped to the next gzip member or zstd frame that decodes and told
by a `Gap` chunk (hostile round 14), or reported as `TruncatedInput` after those lines when none follows.
"""

from __future__ import annotations

import codecs
import itertools
import re
import zlib
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

import zstandard

from dedup.sources import storage
from dedup.sources.salvage import Decoder, gzip_decoder, salvage
from dedup.sources.zstdframes import DICT_MAGIC, DICT_MAX, ZSTD_IN, ZSTD_MAGIC, load_dictionary, zstd_start


class TruncatedInput(Exception):
    """The compressed stream ended early (`truncated_file`) or is corrupt (`corrupt_file`); every
    byte decoded before the damage was delivered first."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.partial: bytes | None = None   # `iter_lines`: the line the damage cut, as far as it was decoded


_RAW_READ = 1 << 20      # compressed bytes read at a time
_GZ_IN = 64 * 1024       # compressed bytes per inflate call
_OUT_MAX = 1 << 20       # decompressed bytes per inflate call at most (a bomb is never materialised)
# (zstd has no output bound per call: its input is fed in slices of `zstdframes.ZSTD_IN`)
_GZIP_MEMBER = b"\x1f\x8b\x08"   # a gzip member's magic and deflate's method: fewer false starts past damage
_PADDING = b"\x00\r\n\t "   # between gzip members / zstd frames and at the end: harmless


class Gap(bytes):
    """Damaged compressed data that a text stream skipped, reading on at the next sound gzip member or zstd frame
    (round 14 of the hostile inputs: the lines after it were one `corrupt_file` reject, though they decode): an
    empty chunk that carries its reject's `reason` and `detail` through the chunk filters to `iter_lines`."""

    def __new__(cls, reason: str, detail: str) -> Gap:
        gap = super().__new__(cls, b"")
        gap.reason, gap.detail = reason, detail
        return gap

    reason: str
    detail: str


# compressions that dedup does not read, told by their magic bytes: their files were an `unknown_format`
# reject that showed the bytes (a WARC) or a `bad_json` reject per 0x0a byte of the compressed data (JSONL)
_UNREAD_COMPRESSIONS = ((b"\xfd7zXZ\x00", "xz"), (b"\x04\x22\x4d\x18", "lz4"), (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
                        (b"PK\x03\x04", "zip"), (b"LZIP", "lzip"), (b"\x1f\x9d", "Unix compress (.Z)"))


def unread_compression(head: bytes) -> str | None:
    """The name of the compression a file starting with `head` is in, when dedup does not read it."""
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return "bzip2"
    return next((name for magic, name in _UNREAD_COMPRESSIONS if head.startswith(magic)), None)


def unread_compression_detail(name: str) -> str:
    """The reject detail of a file in the compression `name` (`unread_compression`): what to do."""
    return (f"the file is {name}-compressed, which dedup does not read (WARC/WET/ARC: plain or gzip; JSONL: "
            "plain, gzip or zstd; Parquet); decompress it, or re-compress it with gzip or zstd")


def nested_compression(head: bytes) -> str | None:
    """The compression of the data a gzip member or zstd frame decoded to (`head`: its first 6 bytes or more), when
    that data is compressed again: a file compressed twice (a .zst gzipped again by a server or a storage layer)."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    return "zstd" if zstd_start(head[:4]) else unread_compression(head)


def nested_compression_detail(outer: str, inner: str) -> str:
    """The reject detail of a file whose `outer` compression holds `inner`-compressed data (`nested_compression`)."""
    return (f"the file is compressed twice: its {outer} data is {inner}-compressed (a compressed file compressed "
            "again, as a server or a storage layer may do); decompress the outer layer (`gunzip` or `zstd -d`) and "
            "give the file that comes out")


def _single_compression(chunks: Iterator[bytes], outer: str) -> Iterator[bytes]:
    """`chunks` (what `outer` decoded), refused as `unknown_format` when they start compressed again: read as text,
    a .jsonl.gz of zstd data was a `bad_json` reject per 0x0A byte and its records vanished (round 14 of the
    hostile inputs)."""
    head = _opening(chunks, 6)
    if (inner := nested_compression(b"".join(head))) is not None:
        raise TruncatedInput("unknown_format", nested_compression_detail(outer, inner))
    yield from _replayed(head, chunks)


def _opening(chunks: Iterator[bytes], n: int) -> list[bytes]:
    """The first chunks of `chunks`, taken from it, up to `n` bytes (fewer at its end), gaps kept as they came."""
    head: list[bytes] = []
    for chunk in chunks:
        head.append(chunk)
        if sum(map(len, head)) >= n:
            break
    return head


def _replayed(head: list[bytes], chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks `_opening` took (but empty ones that are no `Gap`), then the rest of `chunks`."""
    yield from (chunk for chunk in head if chunk or isinstance(chunk, Gap))
    yield from chunks


def decompressed_chunks(path: Path | str) -> Iterator[bytes]:
    """Raw bytes of a plain, gzip (multi-member) or zstd file, chunk by chunk, with bounded memory.

    Compression is told by the magic bytes (names lie). Our own loops rather than gzip.open or a
    zstd stream reader: those drop what they decoded in the call that meets damage (so a wrong
    checksum alone lost every line), and the zstd stream reader says nothing at a cut-off frame.
    """
    with storage.open_binary(path) as fh:
        head = fh.read(6)
        fh.seek(0)
        if head.startswith(b"\x1f\x8b"):
            yield from _single_compression(_gzip_chunks(fh), "gzip")
        elif zstd_start(head[:4]):   # a skippable frame first too: pzstd writes one before every frame
            yield from _single_compression(_zstd_chunks(fh), "zstd")
        elif (name := unread_compression(head)) is not None:
            raise TruncatedInput("unknown_format", unread_compression_detail(name))
        else:
            while chunk := fh.read(_RAW_READ):
                yield chunk


class _Compressed:
    """The compressed bytes of an open file as (unread view, file offset of its start)."""

    __slots__ = ("fh", "view", "at")

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.view = memoryview(b"")
        self.at = 0

    def more(self) -> bool:
        """Read on when the view is used up; False at the end of the file."""
        if len(self.view):
            return True
        data = self.fh.read(_RAW_READ)
        self.view = memoryview(data)
        return bool(data)

    def consume(self, n: int) -> None:
        """Mark `n` bytes of the view as read."""
        self.view = self.view[n:]
        self.at += n

    def skip_padding(self) -> bool:
        """Skip NUL / blank padding; True when a byte follows, False at the end of the file."""
        while self.more():
            data = bytes(self.view[:4096])
            kept = len(data) - len(data.lstrip(_PADDING))
            if kept < len(data):
                self.consume(kept)
                return True
            self.consume(len(data))
        return False

    def restart_after(self, offset: int, magic: bytes) -> bool:
        """Go on at the first `magic` after file offset `offset` (past damage); False when none is left."""
        self.fh.seek(offset + 1)
        self.view, self.at = memoryview(b""), offset + 1
        while True:
            data = self.peek(max(len(self.view), len(magic)))
            found = data.find(magic)
            if found >= 0:
                self.consume(found)
                return True
            if len(data) < len(magic):
                self.consume(len(data))
                return False
            self.consume(len(data) - len(magic) + 1)

    def peek(self, n: int) -> bytes:
        """The next `n` unread bytes (fewer at the end of the file), without consuming them."""
        while len(self.view) < n:
            data = self.fh.read(_RAW_READ)
            if not data:
                break
            self.view = memoryview(bytes(self.view) + data)
        return bytes(self.view[:n])


def _gzip_chunks(fh: BinaryIO) -> Iterator[bytes]:
    """The decoded bytes of a gzip file's members. Damage (bytes that are no gzip member, a member that does not
    inflate) is skipped to the next member that inflates, and comes out as a `Gap` before that member's bytes, or
    raised at the end of the file when no member follows."""
    src = _Compressed(fh)
    damage: str | None = None   # skipped, to be reported before the next sound member's bytes
    while src.skip_padding():
        member = src.at
        if src.peek(2) != b"\x1f\x8b":
            damage = damage or f"non-gzip bytes at offset {member} after the last gzip member: {src.peek(16)!r}"
            if not src.restart_after(member, _GZIP_MEMBER):
                raise TruncatedInput("corrupt_file", damage)
            continue
        z = zlib.decompressobj(31)
        delivered = 0
        drain = False   # the output limit was reached: zlib may hold output with no input left
        while not z.eof:
            if not src.more() and not drain:
                raise TruncatedInput(*(("corrupt_file", damage) if damage else
                                       ("truncated_file", f"the file ends inside the gzip member at offset {member}")))
            piece = src.view[:_GZ_IN]
            try:
                out = z.decompress(piece, _OUT_MAX)
            except zlib.error as exc:
                salvaged = salvage(fh, member, src.at, delivered, gzip_decoder(_OUT_MAX),
                                        _RAW_READ, _GZ_IN, 2 * _OUT_MAX)
                damage = yield from _damaged(src, salvaged, damage, member, "gzip member", str(exc), _GZIP_MEMBER)
                break
            # after the end of the member, the rest of the input is in unused_data (and may be in
            # unconsumed_tail as well when the output limit was reached in the same call)
            src.consume(len(piece) - len(z.unused_data if z.eof else z.unconsumed_tail))
            drain = len(out) == _OUT_MAX
            if out:
                delivered += len(out)
                yield from _after(damage, member, "gzip member", out)
                damage = None
    if damage:
        raise TruncatedInput("corrupt_file", damage)


def _damaged(src: _Compressed, salvaged: bytes, damage: str | None, start: int, unit: str, why: str,
             magic: bytes) -> Generator[bytes, None, str]:
    """What was decoded of the damaged gzip member / zstd frame at `start` (`salvaged`), then a restart at the next
    `magic`; returns the damage still to report (`_after`), raised when no member or frame follows."""
    if salvaged:
        yield from _after(damage, start, unit, salvaged)
        damage = None
    damage = damage or f"corrupt {unit} at offset {start}: {why}"
    if not src.restart_after(start, magic):
        raise TruncatedInput("corrupt_file", damage)
    return damage


def _after(damage: str | None, start: int, unit: str, out: bytes) -> Iterator[bytes]:
    """`out`, the first bytes decoded past `damage` (if any) from the gzip member / zstd frame at `start`, after the
    `Gap` that reports it."""
    if damage:
        yield Gap("corrupt_file", f"{damage}; skipped to the {unit} at offset {start}")
    yield out


def _zstd_chunks(fh: BinaryIO) -> Iterator[bytes]:
    dctx = zstandard.ZstdDecompressor()
    src = _Compressed(fh)
    head = src.peek(8)
    if head.startswith(DICT_MAGIC) and len(head) == 8:   # a dictionary first, as a .warc.zst keeps one
        size = int.from_bytes(head[4:8], "little")
        loaded, why = load_dictionary(src.peek(8 + size)[8:]) if size <= DICT_MAX else (None, "too large")
        if loaded is None:
            raise TruncatedInput("corrupt_file", f"the zstd dictionary frame at offset 0 cannot be used: {why}")
        dctx = loaded
        src.consume(8 + size)
    damage: str | None = None   # as in `_gzip_chunks`
    while src.skip_padding():
        frame = src.at
        obj = dctx.decompressobj()   # a skippable frame too: it decodes to nothing
        delivered = 0
        while not obj.eof:
            if not src.more():
                raise TruncatedInput(*(("corrupt_file", damage) if damage else
                                       ("truncated_file", f"the file ends inside the zstd frame at offset {frame}")))
            piece = src.view[:ZSTD_IN]
            try:
                out = obj.decompress(piece)
            except zstandard.ZstdError as exc:
                salvaged = salvage(fh, frame, src.at, delivered, _zstd_decoder(dctx), ZSTD_IN,
                                        _GZ_IN, 2 * _OUT_MAX)
                damage = yield from _damaged(src, salvaged, damage, frame, "zstd frame", str(exc), ZSTD_MAGIC)
                break
            src.consume(len(piece) - (len(obj.unused_data) if obj.eof else 0))
            if out:
                delivered += len(out)
                yield from _after(damage, frame, "zstd frame", out)
                damage = None
    if damage:
        raise TruncatedInput("corrupt_file", damage)


def _zstd_decoder(dctx: zstandard.ZstdDecompressor) -> Decoder:
    obj = dctx.decompressobj()
    return (lambda data: iter((obj.decompress(data),))), lambda: obj.eof


# how a text in 2- or 4-byte units starts: a byte order mark, else (no mark) the NULs of its first ASCII
# character, '{' or white space (RFC 4627's detection); UTF-32 before UTF-16, whose marks they extend
_WIDE_STARTS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                (b"\xfe\xff", "utf-16"))
_WIDE_NULS = (((1, 2, 3), "utf-32-le"), ((0, 1, 2), "utf-32-be"), ((1, 3), "utf-16-le"), ((0, 2), "utf-16-be"))


def wide_encoding(head: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding of a text file whose first bytes are `head` (at least 4), else None."""
    for mark, encoding in _WIDE_STARTS:
        if head.startswith(mark):
            return encoding
    if len(head) >= 4:
        for nuls, encoding in _WIDE_NULS:
            if all((head[i] == 0) == (i in nuls) for i in range(4)):
                return encoding
    return None


def utf8_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """`chunks` as they are, or re-encoded as UTF-8 when the text is UTF-16 or UTF-32 (a JSONL file that
    Windows PowerShell's `>` wrote: each of its lines was a `bad_json` reject); bytes that do not decode
    become U+FFFD."""
    first = _opening(chunks, 4)
    encoding = wide_encoding(b"".join(first))
    if encoding is None:
        yield from _replayed(first, chunks)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in itertools.chain(first, chunks):
        if isinstance(chunk, Gap):   # what the decoder holds was cut by the damage
            decoder.reset()
            yield chunk
            continue
        text = decoder.decode(chunk)
        if text:
            yield text.encode("utf-8", errors="replace")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8", errors="replace")


_LONE_CR = re.compile(rb"\r(?!\n)")


def lf_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """`chunks` with a LF after every lone CR (old Mac OS line ends); CRLF stays (the CR before the LF is
    JSON whitespace). JSON text holds no raw CR or LF inside a string, so a CR is never part of a record.
    A chunk without a lone CR passes unchanged (a byte search, two counts when it holds a CR); a CR at the
    end of a chunk waits for the next one, whose first byte may be the LF of the same line end."""
    carry = b""
    for chunk in chunks:
        if isinstance(chunk, Gap):
            if carry:
                yield b"\n"
            carry = b""
            yield chunk
            continue
        if not carry and (b"\r" not in chunk or chunk.count(b"\r") == chunk.count(b"\r\n")):
            yield chunk
            continue
        chunk = carry + chunk
        carry = b"\r" if chunk.endswith(b"\r") else b""
        if carry:
            chunk = chunk[:-1]
        if chunk:
            yield _LONE_CR.sub(b"\n", chunk)
    if carry:
        yield b"\n"


class LongLine(int):
    """A line too long to keep (`iter_lines`): its length, and `head`, its first `LONG_LINE_HEAD` bytes at most, where
    a record's id is read from when it comes before the long value (`jsonl`; round 20 of the hostile inputs)."""
    head: bytes

    def __new__(cls, size: int, head: bytes) -> LongLine:
        line = super().__new__(cls, size)
        line.head = head[:LONG_LINE_HEAD]
        return line


LONG_LINE_HEAD = 64 * 1024


def _head(parts: list[bytes], last: bytes = b"") -> bytes:
    """The first `LONG_LINE_HEAD` bytes of the parts of a line, joined without joining it all."""
    out = bytearray()
    for part in [*parts, last]:
        out += part[:LONG_LINE_HEAD - len(out)]
        if len(out) >= LONG_LINE_HEAD:
            break
    return bytes(out)


class LineCap(NamedTuple):
    """A lower limit than `max_line` for some lines (`iter_lines`): a line longer than `floor` bytes is skipped when
    longer than `limit(head)`, asked once a line, `head` its first `LONG_LINE_HEAD` bytes (`floor` >= that)."""
    floor: int
    limit: Callable[[bytes], int]


def iter_lines(path: Path | str, max_line: int, cap: LineCap | None = None) -> Iterator[bytes | int]:
    """The lines of a (compressed) text file without their LF (a lone CR ends a line too: `lf_chunks`); a
    line longer than `max_line` bytes (or than `cap` lets its first bytes be) is skipped without being kept and comes
    out as a `LongLine` (its length and first bytes). Memory stays bounded by `max_line` plus one decompressed chunk,
    whatever the file holds (10 GiB without a newline). A TruncatedInput from the decompressor comes after every
    complete line before the damage."""
    pending: list[bytes] = []
    size = 0
    skipping: bytes | None = None   # the head of the line being skipped
    limit: int | None = None        # the current line's limit under `cap`, once it is longer than `cap.floor`

    def too_long(length: int, head: Callable[[], bytes]) -> bool:
        nonlocal limit
        if cap is not None and limit is None and length > cap.floor:
            limit = min(max_line, cap.limit(head()))
        return length > (max_line if limit is None else limit)

    chunks = lf_chunks(utf8_chunks(decompressed_chunks(path)))
    while True:
        try:
            chunk = next(chunks)
        except StopIteration:
            break
        except TruncatedInput as exc:
            exc.partial = None if skipping is not None else b"".join(pending)
            raise
        if isinstance(chunk, Gap):   # the line the damage cut is read as it is (a `bad_json` reject unless whole)
            if skipping is not None or pending:
                yield LongLine(size, skipping) if skipping is not None else b"".join(pending)
            pending, size, skipping, limit = [], 0, None, None
            yield chunk
            continue
        parts = chunk.split(b"\n")
        last = parts.pop()
        for i, part in enumerate(parts):
            if i == 0 and (pending or skipping is not None):
                size += len(part)
                if skipping is not None:
                    yield LongLine(size, skipping)
                elif too_long(size, lambda: _head(pending, part)):
                    yield LongLine(size, _head(pending, part))
                else:
                    pending.append(part)
                    yield b"".join(pending)
                pending, size, skipping = [], 0, None
            elif too_long(len(part), lambda: part[:LONG_LINE_HEAD]):
                yield LongLine(len(part), part)
            else:
                yield part
            limit = None
        size += len(last)
        if skipping is None and too_long(size, lambda: _head(pending, last)):
            skipping, pending = _head(pending, last), []
        elif skipping is None and last:
            pending.append(last)
    if skipping is not None:
        yield LongLine(size, skipping)
    elif pending:
        yield b"".join(pending)
