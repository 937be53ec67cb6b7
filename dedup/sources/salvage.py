"""What a damaged compressed member or frame decodes to before its damage: shared by the WARC/ARC
reader and the JSONL stream reader, so that a wrong checksum alone never costs the records before it.
"""

from __future__ import annotations

import zlib
from typing import BinaryIO, Callable, Iterator

Decoder = tuple[Callable[[bytes], Iterator[bytes]], Callable[[], bool]]


def gzip_decoder(out_max: int) -> Decoder:
    """(feed, ended) of a gzip member: feed(bytes) yields its output in pieces of at most out_max."""
    z = zlib.decompressobj(31)

    def feed(data: bytes) -> Iterator[bytes]:
        yield z.decompress(data, out_max)
        while z.unconsumed_tail:
            yield z.decompress(z.unconsumed_tail, out_max)
    return feed, lambda: z.eof


def salvage(f: BinaryIO, start: int, fail_at: int, delivered: int, decoder: Decoder, piece: int,
            tail: int, out_cap: int) -> bytes:
    """What the compressed member (frame) at file offset `start` decodes to before its damage, past
    the `delivered` bytes. zlib and zstd drop all of a call's output when the call fails, so a wrong
    checksum alone would lose the member's last records. The member is decoded again from its start
    (`piece` bytes at a time, output before `delivered` dropped), then the failing slice, which began
    at `fail_at`, one byte at a time (`tail` bytes at most, out_cap output at most). Runs only on
    damage; reads the file again from `start` and leaves its position anywhere."""
    feed, ended = decoder
    produced = 0
    parts: list[bytes] = []

    def take(outs: Iterator[bytes]) -> None:
        nonlocal produced
        for out in outs:
            if produced + len(out) > delivered:
                parts.append(out[max(0, delivered - produced):])
            produced += len(out)

    try:
        f.seek(start)
        pos = start
        while pos < fail_at:
            data = f.read(min(piece, fail_at - pos))
            if not data:
                break
            pos += len(data)
            take(feed(data))
        for byte in f.read(tail):
            take(feed(bytes((byte,))))
            if ended() or produced - delivered > out_cap:
                break
    except Exception:  # noqa: BLE001 - the damage itself: what came before it is in `parts`
        pass
    return b"".join(parts)
