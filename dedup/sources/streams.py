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
from dedup.sources.jsonscan import ObjectScan
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
    a record's id is read from when it comes before the long value (`jsonl`; round 20 of the hostile inputs).
    `continued`: it is an object of a line after the line's first (`LineRest`); `open_brackets`: the brackets its
    object leaves open at the line's end (`jsonscan.ObjectScan.open_brackets`), 0 when the object closed, None when
    not known (no object, a line cut by damage); `tail`: the bytes after its object's long value
    (`jsonscan.ObjectScan.tail`), where members written after it are read from (hostile round 22)."""
    head: bytes
    continued: bool
    open_brackets: int | None
    tail: bytes

    def __new__(cls, size: int, head: bytes, continued: bool = False, scan: ObjectScan | None = None,
                closed: bool = False) -> LongLine:
        line = super().__new__(cls, size)
        line.head = head[:LONG_LINE_HEAD]
        line.continued = continued
        line.open_brackets = 0 if closed else None if scan is None else scan.open_brackets()
        line.tail = b"" if scan is None or scan.tail is None else bytes(scan.tail)
        return line


class LineRest(bytes):
    """The rest of a line after an object that closed inside it, when the line was too long to keep whole
    (`iter_lines`; hostile round 22: `{huge}{small}` lost `small`): its records come after that object's."""
    continued = True


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


def _cut(parts: list[bytes], at: int) -> tuple[list[bytes], list[bytes]]:
    """`parts` (the pieces of a line) cut at `at` bytes from their start: the pieces before, the pieces after."""
    before: list[bytes] = []
    for i, part in enumerate(parts):
        if at <= len(part):
            return [*before, part[:at]], [part[at:], *parts[i + 1:]]
        before.append(part)
        at -= len(part)
    return before, []


def _first_end(scan: ObjectScan, parts: list[bytes], start: int = 0) -> int:
    """`parts` from `start` fed to `scan`: where (from the start of `parts`) its first object ends, or -1."""
    at = 0
    for part in parts:
        if at + len(part) <= start:
            at += len(part)
            continue
        skip = max(0, start - at)
        if (found := scan.feed(part[skip:] if skip else part)) >= 0:
            return at + skip + found
        at += len(part)
    return -1


class _Line:
    """The line `iter_lines` is reading, when it is not a short line whole in one chunk: its parts kept (`pending`), or
    its length and head once it is too long to keep (`skipping`), its first object then followed (`ObjectScan`) to
    read what comes after that object as its own segment (`LineRest`), as long or short as it is."""

    __slots__ = ("cap", "continued", "limit", "max_line", "pending", "scan", "size", "skipping")

    def __init__(self, max_line: int, cap: LineCap | None) -> None:
        self.max_line, self.cap = max_line, cap
        self.reset(False)

    def reset(self, continued: bool) -> None:
        """A new segment starts (`continued`: after an object of the same line): nothing kept, no limit yet."""
        self.pending: list[bytes] = []
        self.size = 0
        self.skipping: bytes | None = None   # the head of the segment being skipped
        self.limit: int | None = None        # the segment's limit under `cap`, once it is longer than `cap.floor`
        self.scan: ObjectScan | None = None
        self.continued = continued           # the segment comes after an object of the same line

    @property
    def idle(self) -> bool:
        return not self.pending and self.skipping is None and not self.continued and not self.size

    def too_long(self, length: int, head: Callable[[], bytes]) -> bool:
        """Whether a segment of `length` bytes is past its limit: `max_line`, or what `cap` makes of its `head` once
        it is longer than `cap.floor` (asked once a segment)."""
        if self.cap is not None and self.limit is None and length > self.cap.floor:
            self.limit = min(self.max_line, self.cap.limit(head()))
        return length > (self.max_line if self.limit is None else self.limit)

    def add(self, data: bytes) -> Iterator[bytes | int]:
        """Take `data`, the next bytes of the line; the segments it completes come out."""
        todo = [data]   # the bytes still to take, last first
        while todo:
            data = todo.pop()
            if self.skipping is not None:
                end = -1 if self.scan is None else self.scan.feed(data)
                if end < 0:
                    self.size += len(data)
                    continue
                self.size += end
                yield LongLine(self.size, self.skipping, self.continued, self.scan, closed=True)
                self.reset(True)
                todo.append(data[end:])
                continue
            self.size += len(data)
            if data:
                self.pending.append(data)
            if not self.too_long(self.size, lambda: _head(self.pending)):
                continue
            # too long to keep: cut after its first object, if that closes, and the objects after it within the limit
            parts, head = self.pending, _head(self.pending)
            scan = ObjectScan(len(head))
            end = _first_end(scan, parts)
            if end < 0:
                self.skipping, self.pending, self.scan = head, [], scan
                continue
            limit = self.max_line if self.limit is None else self.limit
            if end > limit:
                out: bytes | int = LongLine(end, head[:end], self.continued, scan, closed=True)
            else:
                more = ObjectScan(many=True)
                _first_end(more, _cut(parts, limit)[0], start=end)   # `{a}{b}{huge}`: `{a}{b}` one segment
                if more.exhausted:   # millions of tiny values (`{}{}{}...`): no page records, skipped as before
                    self.skipping, self.pending, self.scan = head, [], None
                    continue
                end += max(0, more.last_end)
                first = b"".join(_cut(parts, end)[0])
                out = LineRest(first) if self.continued else first
            rest = _cut(parts, end)[1]
            self.reset(True)
            yield out
            todo.extend(reversed(rest))

    def end(self, cut: bool = False) -> Iterator[bytes | int]:
        """The line ends (its LF; the end of the file or damage when `cut`): its last segment comes out."""
        if self.skipping is not None:
            long = LongLine(self.size, self.skipping, self.continued, self.scan)
            if cut:   # a line the damage or the end of the file cut: no object that later lines go on with
                long.open_brackets = None
            yield long
        elif self.pending or not (cut or self.continued):
            line = b"".join(self.pending)
            yield LineRest(line) if self.continued else line
        self.reset(False)

    def partial(self) -> bytes | None:
        """The line as far as it was read, for a TruncatedInput (None when it was too long to keep)."""
        return None if self.skipping is not None else b"".join(self.pending)


def iter_lines(path: Path | str, max_line: int, cap: LineCap | None = None) -> Iterator[bytes | int]:
    """The lines of a (compressed) text file without their LF (a lone CR ends a line too: `lf_chunks`); a
    line longer than `max_line` bytes (or than `cap` lets its first bytes be) is skipped without being kept and comes
    out as a `LongLine` (its length and first bytes). A line that long starting with a JSON object is followed to where
    that object closes (`jsonscan.ObjectScan`): the object is one segment (a `LongLine`, or its bytes when they are
    within the limit), and the rest of the line another (`LineRest`), itself kept or skipped as a line is (hostile
    round 22). Memory stays bounded by `max_line` plus one decompressed chunk (twice that while a long line's first
    object is cut from the rest), whatever the file holds (10 GiB without a newline). A TruncatedInput from the
    decompressor comes after every complete line before the damage."""
    line = _Line(max_line, cap)
    floor = max_line if cap is None else min(max_line, cap.floor)   # a part no longer is never too long
    chunks = lf_chunks(utf8_chunks(decompressed_chunks(path)))
    while True:
        try:
            chunk = next(chunks)
        except StopIteration:
            break
        except TruncatedInput as exc:
            exc.partial = line.partial()
            raise
        if isinstance(chunk, Gap):   # the line the damage cut is read as it is (a `bad_json` reject unless whole)
            yield from line.end(cut=True)
            yield chunk
            continue
        parts = chunk.split(b"\n")
        last = parts.pop()
        for part in parts:
            if line.idle and len(part) <= floor:
                yield part   # the common case: a short line whole in the chunk
                continue
            yield from line.add(part)
            yield from line.end()
        if last:
            yield from line.add(last)
    yield from line.end(cut=True)
