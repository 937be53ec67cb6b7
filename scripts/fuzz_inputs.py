#!/usr/bin/env python3
"""Seeded fuzzing of the input readers and extraction: never lose a record, never crash, never hang.

    python scripts/fuzz_inputs.py [--variants N] [--seed S] [--builds K] [--bombs] [--workdir DIR]

Seeds are small real files: the repo's samples/crawl (WARC, JSONL) and, when present,
../shared/corpora/warc-samples (WARC, ARC, WET) and ../shared/bench/syndication-dev/crawl-jsonl,
plus Parquet files made from the JSONL seeds. Each seed is cut into its records independently of
dedup (warcio for WARC/ARC, lines for JSONL), and every variant is built from those records with
one damage: bit flips, truncation, a wrong Content-Length, duplicated or missing headers (round 10: a field
given twice with one value), names that lie about the format (round 10), header lines
without a colon, LF-only headers, a crawler's truncation mark, an HTTP body shorter than its length,
garbage between records or gzip members, a zstd WARC, the stream cut in blocks as gzip members or zstd
frames (bgzip, pzstd: records going on from one into the next), segmented WARC records, bad UTF-8,
JSONL in UTF-16/32 or with CR line
ends, deep JSON nesting, huge values, extreme dates, Parquet columns given twice, broken Parquet; round 11: an
HTTP body in gzip of two members, zstd of two frames or a gzip transfer coding, a byte order mark on a later
JSONL line (`cat` of marked files).
The mutator knows which records it left intact (for a damaged compressed stream: the
records an independent decoder gets back byte-exact before the damage). The oracle, for each
variant run through `dedup.ingest.ingest_file` (read + extract + within-page pass):

- no traceback, no `read_failed` / `internal_error` row (a bug caught by a safety net is a crash);
- no variant over the time budget (a hang; each runs in a worker process that is killed then);
- (source_file, source_offset) unique; every reject has a detail; Parquet: one row per row;
- every intact record exactly once, with the outcome and text it has in the undamaged file.

`--builds K` also runs `dedup build` on K folders of variants (accounting_ok, intact records in the
output); `--bombs` measures the peak memory of reading a 10 GiB-expanding .jsonl.gz / .jsonl.zst,
a 500 MB JSONL line and a WARC record of 10 GiB of gzip-compressed zeros (each in a fresh process).
tests/test_fuzz_inputs.py runs a quick subset of the same variants in the default test run.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import random
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

HANG_S = 20.0            # a variant running longer than this is a hang
CRASH_REASONS = {"read_failed", "internal_error"}


# ---------------------------------------------------------------- seeds

@dataclass
class Seed:
    """A real file cut into its records: WARC/ARC records as plain bytes (separator included), or
    JSONL lines (without the newline)."""
    name: str
    kind: str                   # warc | arc | jsonl
    records: list[bytes]


def _warc_records(path: Path, limit: int) -> list[bytes]:
    """The first `limit` records of a WARC/ARC file as plain bytes, cut by warcio (not by dedup)."""
    from warcio.archiveiterator import ArchiveIterator

    data = path.read_bytes()
    spans: list[tuple[int, int]] = []
    with open(path, "rb") as f:
        it = ArchiveIterator(f, arc2warc=True)
        try:
            for rec in it:
                offset = it.get_record_offset()
                it.read_to_end(rec)
                spans.append((offset, it.get_record_length()))
                if len(spans) > limit:
                    break
        except Exception:  # noqa: BLE001 - a deliberately broken sample: keep its clean prefix
            pass
    # a record runs to where the next one starts (separator lines included), so that joining the
    # records gives the file back byte for byte
    ends = [o for o, _ in spans[1:]] + [spans[-1][0] + spans[-1][1] if spans else 0]
    records = []
    for (offset, _), end in list(zip(spans, ends))[:limit]:
        raw = data[offset:end]
        records.append(gzip.decompress(raw) if raw.startswith(b"\x1f\x8b") else raw)
    return records


def seeds(shared: bool = True) -> list[Seed]:
    """The seed files: the repo's samples always, ../shared's when present (and `shared`)."""
    out = [Seed("sample-00000", "warc", _warc_records(REPO / "samples" / "crawl" / "sample-00000.warc.gz", 8))]
    lines = gzip.decompress((REPO / "samples" / "crawl" / "sample-extra.jsonl.gz").read_bytes()).split(b"\n")
    out.append(Seed("sample-extra", "jsonl", [line for line in lines if line.strip()][:12]))
    samples = SHARED / "corpora" / "warc-samples"
    if shared and samples.is_dir():
        for rel, kind, limit in (("warcio/example.warc.gz", "warc", 10), ("warcio/example.arc", "arc", 10),
                                 ("resiliparse/warcfile.warc.gz", "warc", 10),
                                 ("whirlwind/whirlwind.warc.wet.gz", "warc", 10),
                                 ("warcio/example-iana.org-chunked.warc", "warc", 10)):
            recs = _warc_records(samples / rel, limit)
            if kind == "arc" or len(recs) >= 2:
                out.append(Seed(rel.replace("/", "_"), kind, recs))
        jsonl = SHARED / "bench" / "syndication-dev" / "crawl-jsonl" / "part-00000.jsonl.gz"
        if jsonl.is_file():
            with gzip.open(jsonl) as f:
                out.append(Seed("synd-jsonl", "jsonl", [f.readline().rstrip(b"\n") for _ in range(10)]))
    return out


# ---------------------------------------------------------------- variants

@dataclass
class Variant:
    """One damaged file and what must come out of it."""
    name: str
    filename: str
    data: bytes
    seed: str
    intact: list[int] = field(default_factory=list)   # indexes of the seed's records left intact
    rows: int | None = None                           # Parquet: exactly this many rows
    max_payload: int = 50 * 1024 * 1024
    repeats_ids: bool = False                         # the damage repeats records (ids twice)


def _flip(data: bytes, rng: random.Random, n: int, avoid_newline: bool = False) -> bytes:
    b = bytearray(data)
    for _ in range(n):
        i = rng.randrange(len(b))
        v = b[i] ^ (1 << rng.randrange(8))
        # (JSONL: a lone CR ends a line too, `streams.lf_chunks`; a flip to or from CR or LF would renumber the
        # lines after it, and the oracle finds records by line)
        if avoid_newline and (v in (10, 13) or b[i] in (10, 13)):
            continue
        b[i] = v
    return bytes(b)


def _set_header(rec: bytes, name: bytes, value: bytes | None, duplicate: bool = False) -> bytes:
    """Replace (value None: remove; duplicate: add a second line) a WARC header field of a record."""
    head, sep, body = rec.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    out = []
    for line in lines:
        if line.lower().startswith(name.lower() + b":"):
            if duplicate:
                out.append(line)
            if value is not None:
                out.append(name + b": " + value)
            continue
        out.append(line)
    return b"\r\n".join(out) + sep + body


def _no_colon(rec: bytes, name: bytes) -> bytes:
    """A record whose header field `name` lost its colon (`Name value`)."""
    head, sep, body = rec.partition(b"\r\n\r\n")
    lines = [line.replace(b":", b"", 1) if line.lower().startswith(name.lower() + b":") else line
             for line in head.split(b"\r\n")]
    return b"\r\n".join(lines) + sep + body


def _http_length(rec: bytes, more: int) -> bytes:
    """A record whose HTTP head's Content-Length (if any) claims `more` bytes more than the body holds; the
    WARC Content-Length is kept right."""
    head, sep, block = rec.partition(b"\r\n\r\n")
    hhead, hsep, body = block.partition(b"\r\n\r\n")
    if not hsep or not hhead.startswith(b"HTTP/"):
        return rec
    lines = []
    for line in hhead.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            value = line.split(b":", 1)[1].strip()
            line = b"Content-Length: " + (str(int(value) + more).encode() if value.isdigit() else value)
        lines.append(line)
    new_block = b"\r\n".join(lines) + hsep + body
    old_length = f"Content-Length: {len(block) - 4}".encode()   # the WARC block ends with CRLF CRLF
    if old_length not in head:
        return rec
    return head.replace(old_length, f"Content-Length: {len(new_block) - 4}".encode()) + sep + new_block


def _arc_length(rec: bytes, value: bytes) -> bytes:
    line, nl, rest = rec.partition(b"\n")
    parts = line.split(b" ")
    return b" ".join(parts[:-1] + [value]) + nl + rest


def _common_prefix(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:   # binary search on equal prefixes (bytes comparison is C speed)
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _decodable(data: bytes, codec: str) -> bytes:
    """What an independent decoder gets from a damaged stream before its damage, byte by byte
    (members / frames one after the other; padding between them skipped)."""
    import zstandard

    out = []
    while data.strip(b"\0\r\n\t "):
        data = data.lstrip(b"\0\r\n\t ")
        d = zlib.decompressobj(31) if codec == "gz" else zstandard.ZstdDecompressor().decompressobj()
        for i in range(len(data)):
            try:
                out.append(d.decompress(data[i:i + 1]))
            except (zlib.error, zstandard.ZstdError):
                return b"".join(out)
            if d.eof:
                data = data[i + 1:]
                break
        else:
            return b"".join(out)   # the data ends inside a member
    return b"".join(out)


def _intact_in_prefix(records: list[bytes], prefix: int, sep: bytes, slack: int = 0) -> list[int]:
    """Indexes of the records that lie wholly within the first `prefix` bytes of their concatenation
    (`slack`: trailing bytes that may be cut without harm, a WARC record's closing blank lines)."""
    intact, end = [], 0
    for i, rec in enumerate(records):
        end += len(rec) + len(sep)
        if end - len(sep) - slack <= prefix:
            intact.append(i)
    return intact


def warc_variants(seed: Seed, rng: random.Random) -> list[Variant]:
    """Damaged versions of a WARC/ARC seed, in three layouts (plain, per-record gzip, whole gzip)."""
    recs = seed.records
    n = len(recs)
    arc = seed.kind == "arc"
    out: list[Variant] = []
    ext = ".arc" if arc else ".warc"
    allbut = lambda k: [i for i in range(n) if i != k]  # noqa: E731
    # record-level damage to one record k (not the ARC file header: it sets the ARC version)
    k = rng.randrange(1 if arc else 0, n)
    damaged: list[tuple[str, bytes, list[int]]] = []
    r = recs[k]
    damaged.append(("flip", _flip(r, rng, rng.randint(1, 8)), allbut(k)))
    damaged.append(("cut", r[:rng.randrange(1, len(r))], allbut(k)))
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
    # ARC: junk glued to the next header line would become part of its URL ('Bhttp://...'): the
    # record is still read, under that URL, so the junk ends its own line here
    damaged.append(("garbage-before", junk + (b"\n" if arc else b"") + r, list(range(n))))
    damaged.append(("nul-padding", b"\0" * rng.randint(1, 600) + r, list(range(n))))
    damaged.append(("bad-utf8", r.replace(b"\r\n", b"\r\nX-Junk: \xff\xfe\xc3\x28\r\n", 1), allbut(k)))
    if arc:
        for v in (b"0", b"-5", b"abc", b"99999999999", str(len(r) * 3).encode()):
            damaged.append((f"length={v.decode()}", _arc_length(r, v), allbut(k)))
    else:
        cl_values = [b"0", b"1", b"-7", b"abc", b"99999999999", b"1" + b"0" * 30]
        length = len(r.partition(b"\r\n\r\n")[2]) - 4
        cl_values += [str(max(0, length + d)).encode() for d in (-50, -1, 1, 7, 1000)]
        for v in cl_values:
            damaged.append((f"content-length={v.decode()[:12]}", _set_header(r, b"Content-Length", v), allbut(k)))
        damaged.append(("no-content-length", _set_header(r, b"Content-Length", None), allbut(k)))
        damaged.append(("no-warc-type", _set_header(r, b"WARC-Type", None), allbut(k)))
        damaged.append(("no-record-id", _set_header(r, b"WARC-Record-ID", None), allbut(k)))
        damaged.append(("dup-content-length", _set_header(r, b"Content-Length", b"5", duplicate=True), allbut(k)))
        damaged.append(("dup-record-id", _set_header(r, b"WARC-Record-ID", b"<urn:uuid:twice>",
                                                     duplicate=True), allbut(k)))
        damaged.append(("fake-record-in-payload",
                        r + b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n",
                        list(range(n))))
        for date in (b"9999-12-31T23:59:59-01:00", b"0001-01-01T00:00:00+01:00", b"99999999999999", b"\xff"):
            damaged.append((f"date={date[:10]!r}", _set_header(r, b"WARC-Date", date), allbut(k)))
        # round 6: header lines without a colon (the record is kept or rejected; the others intact), LF-only
        # header lines, a crawler's truncation mark, an HTTP body shorter than its Content-Length
        for field_name in (b"WARC-Record-ID", b"WARC-Date", b"WARC-Type", b"WARC-Target-URI", b"Content-Type",
                           b"Content-Length", b"WARC-Payload-Digest"):
            damaged.append((f"no-colon={field_name.decode()}", _no_colon(r, field_name), allbut(k)))
        damaged.append(("stray-line", r.replace(b"\r\n", b"\r\nX-Crawler-Note fetched twice\r\n", 1), allbut(k)))
        head, sep, block = r.partition(b"\r\n\r\n")
        damaged.append(("lf-header", head.replace(b"\r\n", b"\n") + b"\n\n" + block if sep else r, allbut(k)))
        damaged.append(("warc-truncated", r.replace(b"\r\n", b"\r\nWARC-Truncated: length\r\n", 1), allbut(k)))
        damaged.append(("http-length-long", _http_length(r, 10_000), allbut(k)))
    for name, rec, intact in damaged:
        layout = rng.choice(["plain", "per-record"])
        parts = recs[:k] + [rec] + recs[k + 1:]
        if layout == "plain":
            data = b"".join(parts)
        else:
            data = b"".join(gzip.compress(p, mtime=0) for p in parts)
        out.append(Variant(f"{seed.name}/{layout}/rec{k}/{name}", f"f{ext}{'' if layout == 'plain' else '.gz'}",
                           data, seed.name, intact))
    # container-level damage
    members = [gzip.compress(p, mtime=0) for p in recs]
    m = rng.randrange(n)
    before = b"".join(members[:m])
    mem = members[m]
    after = b"".join(members[m + 1:])
    allbut_m = [i for i in range(n) if i != m]
    out.append(Variant(f"{seed.name}/per-record/member{m}/flip", f"f{ext}.gz",
                       before + _flip(mem, rng, rng.randint(1, 4)) + after, seed.name, allbut_m))
    out.append(Variant(f"{seed.name}/per-record/member{m}/crc", f"f{ext}.gz",
                       before + mem[:-8] + bytes(b ^ 0xFF for b in mem[-8:-4]) + mem[-4:] + after,
                       seed.name, list(range(n))))   # only the checksum: the record inflates fine
    out.append(Variant(f"{seed.name}/per-record/member{m}/cut", f"f{ext}.gz",
                       before + mem[:rng.randrange(1, len(mem))] + after, seed.name, allbut_m))
    out.append(Variant(f"{seed.name}/per-record/member{m}/garbage-after", f"f{ext}.gz",
                       before + mem + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + after,
                       seed.name, list(range(n))))
    out.append(Variant(f"{seed.name}/per-record/junk-byte-first", f"f{ext}.gz",
                       b"x" + b"".join(members), seed.name, list(range(n))))
    cut = rng.randrange(1, len(before + mem + after))
    out.append(Variant(f"{seed.name}/per-record/truncated@{cut}", f"f{ext}.gz", (before + mem + after)[:cut],
                       seed.name, _intact_members(members, cut)))
    plain = b"".join(recs)
    whole = gzip.compress(plain, mtime=0)
    slack = 0 if arc else 4   # a WARC record's closing CRLF CRLF may be cut at the end of a file
    for name, data in (("whole/flip", _flip(whole, rng, rng.randint(1, 3))),
                       ("whole/truncated", whole[:rng.randrange(10, len(whole))])):
        prefix = _common_prefix(_decodable(data, "gz"), plain)
        out.append(Variant(f"{seed.name}/{name}", f"f{ext}.gz", data, seed.name,
                           _intact_in_prefix(recs, prefix, b"", slack)))
    out += _zstd_warc_variants(seed, rng, ext, plain, slack)
    # round 8, from a generator of its own (the variants above stay those of a seed before round 8)
    out += _block_variants(seed, random.Random(hash(rng.getstate()[1])), ext, plain, slack)
    cut = rng.randrange(1, len(plain))
    out.append(Variant(f"{seed.name}/plain/truncated@{cut}", f"f{ext}", plain[:cut], seed.name,
                       _intact_in_prefix(recs, cut, b"", slack)))
    # the max_payload cap: every record over it is a payload_too_large reject, the others intact
    small = sorted(len(r) for r in recs)[len(recs) // 2]
    out.append(Variant(f"{seed.name}/plain/max_payload={small}", f"f{ext}", plain, seed.name,
                       [i for i, r in enumerate(recs) if len(r) < small - 2000], max_payload=small))
    out += _round10_warc_variants(seed, random.Random(hash(rng.getstate()[1]) ^ 10), ext, plain)
    out += _round11_warc_variants(seed, random.Random(hash(rng.getstate()[1]) ^ 11), ext)
    return out


def _http_recoded(rec: bytes, coding: str) -> bytes | None:
    """A WARC response record whose HTTP body is sent in a coding of round 11 (`gzip2`: gzip in two members,
    `zstd2`: zstd in two frames, `te-gzip`: `Transfer-Encoding: gzip, chunked`), the HTTP Content-Length dropped and
    the WARC one set; None for a record without a plain HTTP body to recode."""
    import zstandard

    head, sep, block = rec.partition(b"\r\n\r\n")
    hhead, hsep, body = block.partition(b"\r\n\r\n")
    low = hhead.lower()
    if (not hsep or not hhead.startswith(b"HTTP/") or b"\ncontent-encoding:" in low or b"\ntransfer-encoding:" in low
            or len(body) < 8 or not body.endswith(b"\r\n\r\n")):
        return None
    body = body[:-4]   # the record's closing blank lines
    half = len(body) // 2
    if coding == "gzip2":
        coded = gzip.compress(body[:half], mtime=0) + gzip.compress(body[half:], mtime=0)
        field = b"Content-Encoding: gzip"
    elif coding == "zstd2":
        z = zstandard.ZstdCompressor()
        coded, field = z.compress(body[:half]) + z.compress(body[half:]), b"Content-Encoding: zstd"
    else:
        packed = gzip.compress(body, mtime=0)
        coded = b"".join(b"%x\r\n%s\r\n" % (len(packed[i:i + 500]), packed[i:i + 500])
                         for i in range(0, len(packed), 500)) + b"0\r\n\r\n"
        field = b"Transfer-Encoding: gzip, chunked"
    lines = [x for x in hhead.split(b"\r\n") if not x.lower().startswith(b"content-length:")] + [field]
    new_block = b"\r\n".join(lines) + hsep + coded
    return _set_header(head + sep, b"Content-Length", str(len(new_block)).encode()) + new_block + b"\r\n\r\n"


def _round11_warc_variants(seed: Seed, rng: random.Random, ext: str) -> list[Variant]:
    """Round 11 (a generator of its own): a record's HTTP body in gzip of two members (only the first was read: the
    page was published cut), in zstd of two frames, or sent `Transfer-Encoding: gzip, chunked` (the compressed bytes
    were the payload). Every record intact: the same outcome and text as the page sent plain."""
    recs = seed.records
    able = [i for i, rec in enumerate(recs) if seed.kind == "warc" and _http_recoded(rec, "gzip2") is not None]
    if not able:
        return []
    k = rng.choice(able)
    out = []
    for coding in ("gzip2", "zstd2", "te-gzip"):
        if (rec := _http_recoded(recs[k], coding)) is not None:
            out.append(Variant(f"{seed.name}/plain/rec{k}/http-{coding}", f"f{ext}",
                               b"".join(recs[:k] + [rec] + recs[k + 1:]), seed.name, list(range(len(recs)))))
    return out


def _field_value(rec: bytes, name: bytes) -> bytes | None:
    for line in rec.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(name.lower() + b":"):
            return line.split(b":", 1)[1].strip()
    return None


def _round10_warc_variants(seed: Seed, rng: random.Random, ext: str, plain: bytes) -> list[Variant]:
    """Round 10 (a generator of its own: the variants above stay those of a seed before it): a WARC field given
    twice with one value (the parser joined the copies: a URL `u,%20u`, no fetch time), and files whose name
    lies about their format (a WARC named `.jsonl`, `.jsonl.gz` or `.parquet`). Every record intact."""
    recs = seed.records
    everything = list(range(len(recs)))
    out = [Variant(f"{seed.name}/name-lies/{name}", name, data, seed.name, everything)
           for name, data in (("f.jsonl", plain), ("f.parquet", plain),
                              ("f.jsonl.gz", b"".join(gzip.compress(r, mtime=0) for r in recs)))]
    if seed.kind == "arc":
        return out
    k = rng.randrange(len(recs))
    for name in (b"WARC-Target-URI", b"WARC-Date", b"WARC-Type", b"WARC-Record-ID", b"Content-Type"):
        if (value := _field_value(recs[k], name)) is not None:
            rec = _set_header(recs[k], name, value, duplicate=True)
            out.append(Variant(f"{seed.name}/plain/rec{k}/twice={name.decode()}", f"f{ext}",
                               b"".join(recs[:k] + [rec] + recs[k + 1:]), seed.name, everything))
    return out


def _segments(rec: bytes, pieces: int) -> list[bytes] | None:
    """A WARC record written as `pieces` segments (WARC 1.1, 6.7): itself with `WARC-Segment-Number: 1`, then
    `continuation` records; None for a record without an id or a usable Content-Length."""
    head, _, rest = rec.partition(b"\r\n\r\n")
    fields = {k.strip().lower(): v.strip() for k, _, v in (x.partition(b":") for x in head.split(b"\r\n")[1:])}
    length, origin = fields.get(b"content-length", b""), fields.get(b"warc-record-id")
    if not length.isdigit() or not origin or int(length) < pieces:
        return None
    block, tail = rest[:int(length)], rest[int(length):]
    size = -(-len(block) // pieces)
    out = []
    for i, at in enumerate(range(0, len(block), size), start=1):
        part = block[at:at + size]
        if i == 1:
            top = _set_header(head + b"\r\n\r\n", b"Content-Length", str(len(part)).encode())[:-4]
            top += b"\r\nWARC-Segment-Number: 1"
        else:
            top = (b"WARC/1.1\r\nWARC-Type: continuation\r\nWARC-Record-ID: <urn:uuid:fuzz-segment-%d>\r\n"
                   b"WARC-Segment-Origin-ID: %s\r\nWARC-Segment-Number: %d" % (i, origin, i))
            if at + size >= len(block):
                top += b"\r\nWARC-Segment-Total-Length: %d" % len(block)
            top += b"\r\nContent-Length: %d" % len(part)
        out.append(top + b"\r\n\r\n" + part + (tail if i == 1 or at + size >= len(block) else b"\r\n\r\n"))
    return out


def _block_variants(seed: Seed, rng: random.Random, ext: str, plain: bytes, slack: int) -> list[Variant]:
    """Round 8: the stream cut in blocks of a size as gzip members (bgzip) or zstd frames (pzstd), records going on
    from one into the next (they were `record_spans_gzip_members` rejects), whole or cut short; a WARC record
    written as segments (WARC 1.1, 6.7: joined since round 8), whole or with a continuation missing."""
    import zstandard

    recs = seed.records
    n = len(recs)
    out = []
    for codec in ("gz", "zst"):
        size = rng.randint(64, 8192)
        blocks = [plain[at:at + size] for at in range(0, len(plain), size)]
        cctx = zstandard.ZstdCompressor(write_checksum=True)
        packed = [gzip.compress(b, mtime=0) if codec == "gz" else cctx.compress(b) for b in blocks]
        data = b"".join(packed)
        out.append(Variant(f"{seed.name}/{codec}-blocks{size}", f"f{ext}.{codec}", data, seed.name, list(range(n))))
        cut = rng.randrange(1, len(data))
        prefix = _common_prefix(_decodable(data[:cut], codec), plain)
        out.append(Variant(f"{seed.name}/{codec}-blocks{size}/truncated@{cut}", f"f{ext}.{codec}", data[:cut],
                           seed.name, _intact_in_prefix(recs, prefix, b"", slack)))
    k = rng.randrange(n)
    segs = None if seed.kind == "arc" or _skipped_type(recs[k], seed.kind) else _segments(recs[k], rng.randint(2, 4))
    if segs is not None:
        allbut = [i for i in range(n) if i != k]
        for name, parts, intact in (("whole", segs, list(range(n))), ("missing", segs[:-2] + segs[-1:], allbut)):
            data = b"".join(recs[:k] + parts + recs[k + 1:])
            layout = rng.choice(["plain", "per-record"])
            if layout == "per-record":
                data = b"".join(gzip.compress(r, mtime=0) for r in recs[:k] + parts + recs[k + 1:])
            out.append(Variant(f"{seed.name}/{layout}/rec{k}/segmented-{len(segs)}/{name}",
                               f"f{ext}{'' if layout == 'plain' else '.gz'}", data, seed.name, intact))
    return out


def _zstd_warc_variants(seed: Seed, rng: random.Random, ext: str, plain: bytes, slack: int) -> list[Variant]:
    """Round 7: a zstd WARC/ARC is read. A frame per record (checksummed, as the IIPC WARC-zstd layout, with a
    dictionary frame first half of the time): a frame flipped, cut, with a wrong checksum, junk after it, the
    file cut; the whole file as one stream, flipped and cut (intact: what an independent decoder gets)."""
    import zstandard

    recs = seed.records
    n = len(recs)
    dictionary = None
    head = b""
    if rng.random() < 0.5:
        dictionary = zstandard.ZstdCompressionDict(b"".join(recs)[:4096], dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        head = b"\x5d\x2a\x4d\x18" + len(dictionary.as_bytes()).to_bytes(4, "little") + dictionary.as_bytes()
    cctx = zstandard.ZstdCompressor(write_checksum=True, dict_data=dictionary)
    frames = [cctx.compress(r) for r in recs]
    m = rng.randrange(n)
    before, mem, after = head + b"".join(frames[:m]), frames[m], b"".join(frames[m + 1:])
    allbut_m = [i for i in range(n) if i != m]
    out = [Variant(f"{seed.name}/zstd-frames/frame{m}/flip", f"f{ext}.zst",
                   before + _flip(mem, rng, rng.randint(1, 4)) + after, seed.name, allbut_m),
           Variant(f"{seed.name}/zstd-frames/frame{m}/checksum", f"f{ext}.zst",
                   before + mem[:-4] + bytes(b ^ 0xFF for b in mem[-4:]) + after, seed.name, list(range(n))),
           Variant(f"{seed.name}/zstd-frames/frame{m}/cut", f"f{ext}.zst",
                   before + mem[:rng.randrange(1, len(mem))] + after, seed.name, allbut_m),
           Variant(f"{seed.name}/zstd-frames/frame{m}/garbage-after", f"f{ext}.zst",
                   before + mem + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + after,
                   seed.name, list(range(n)))]
    data = before + mem + after
    cut = rng.randrange(len(head) + 1, len(data))
    out.append(Variant(f"{seed.name}/zstd-frames/truncated@{cut}", f"f{ext}.zst", data[:cut], seed.name,
                       _intact_members(frames, cut - len(head))))
    whole = zstandard.ZstdCompressor(write_checksum=True).compress(plain)
    for name, damaged in (("zstd-whole/flip", _flip(whole, rng, rng.randint(1, 3))),
                          ("zstd-whole/truncated", whole[:rng.randrange(10, len(whole))])):
        prefix = _common_prefix(_decodable(damaged, "zst"), plain)
        out.append(Variant(f"{seed.name}/{name}", f"f{ext}.zst", damaged, seed.name,
                           _intact_in_prefix(recs, prefix, b"", slack)))
    return out


def _intact_members(members: list[bytes], cut: int) -> list[int]:
    intact, end = [], 0
    for i, mem in enumerate(members):
        end += len(mem)
        if end <= cut:
            intact.append(i)
    return intact


def jsonl_variants(seed: Seed, rng: random.Random) -> list[Variant]:
    """Damaged versions of a JSONL seed: one bad line (plain, .gz, .zst) or a damaged stream."""
    import zstandard

    lines = seed.records
    n = len(lines)
    k = rng.randrange(n)
    try:
        obj = json.loads(lines[k])
        obj = obj if isinstance(obj, dict) else {}
    except ValueError:
        obj = {}
    bad: list[tuple[str, bytes, bool]] = [   # (name, the damaged line, the line may still be kept)
        ("flip", _flip(lines[k], rng, rng.randint(1, 6), avoid_newline=True), True),
        ("cut", lines[k][:rng.randrange(1, len(lines[k]))], False),
        ("deep-nesting", b"[" * 100_000 + b"]" * 100_000, False),
        ("deep-value", json.dumps(obj | {"extra": None}).encode().replace(b"null", b"[" * 5000 + b"]" * 5000), False),
        ("huge-int", json.dumps(obj).encode()[:-1] + b', "n": ' + b"9" * 20_000 + b"}", True),
        ("bad-utf8", lines[k].replace(b'"', b'"\xff\xfe', 3), True),
        ("lone-surrogate", json.dumps(obj | {"id": obj.get("id", "x") + "\ud800"}).encode(), True),
        ("nan", json.dumps(obj | {"fetched_at": float("nan")}).encode(), True),
        ("date-overflow", json.dumps(obj | {"fetched_at": "0001-01-01T00:00:00+01:00"}).encode(), True),
        ("date-type", json.dumps(obj | {"fetched_at": [1, 2]}).encode(), True),
        ("id-list", json.dumps(obj | {"id": [1]}).encode(), False),
        ("id-int", json.dumps(obj | {"id": 10**30}).encode(), True),
        ("no-id", json.dumps({k2: v for k2, v in obj.items() if k2 != "id"}).encode(), False),
        ("html-number", json.dumps(obj | {"html": 5}).encode(), False),
        ("not-object", b'"just a string"', False),
        ("empty-object", b"{}", False),
        ("huge-html", json.dumps(obj | {"html": "<p>" + "x" * 300_000 + "</p>"}).encode(), False),
        ("nul-bytes", b"\0" * 100, False),
    ]
    out: list[Variant] = []
    # a damaged line may leave an object open: the lines after it that are no record on their own (the seed's
    # own broken lines) may join its reject; the first record line ends it
    joins = set()
    for j in range(k + 1, n):
        try:
            first, _ = json.JSONDecoder().raw_decode(lines[j].decode("utf-8", errors="replace"))
        except ValueError:
            first = None
        if lines[j].startswith(b"{") and isinstance(first, dict):
            break
        joins.add(j)
    for name, line, _ in bad:
        codec = rng.choice(["", ".gz", ".zst"])
        data = b"\n".join(lines[:k] + [line] + lines[k + 1:]) + b"\n"
        data = gzip.compress(data, mtime=0) if codec == ".gz" else \
            zstandard.ZstdCompressor(level=3).compress(data) if codec == ".zst" else data
        out.append(Variant(f"{seed.name}/line{k}/{name}{codec}", f"f.jsonl{codec}", data, seed.name,
                           [i for i in range(n) if i != k and i not in joins], max_payload=200_000))
    plain = b"\n".join(lines) + b"\n"
    # round 6: the same lines in UTF-16 / UTF-32 (marked or not), with a UTF-8 mark, CR-only or CRLF line ends:
    # every line is read as in the plain file
    text = plain.decode("utf-8", errors="replace")
    whole = [("utf16", text.encode("utf-16")), ("utf16le", text.encode("utf-16-le")),
             ("utf32", text.encode("utf-32")), ("bom8", b"\xef\xbb\xbf" + plain),
             ("cr", plain.replace(b"\n", b"\r")), ("crlf", plain.replace(b"\n", b"\r\n"))]
    if text.encode("utf-8") == plain:   # re-encoding keeps every line the same (no broken UTF-8 to replace)
        for name, data in whole:
            codec = rng.choice(["", ".gz", ".zst"])
            packed = gzip.compress(data, mtime=0) if codec == ".gz" else \
                zstandard.ZstdCompressor(level=3).compress(data) if codec == ".zst" else data
            out.append(Variant(f"{seed.name}/whole/{name}{codec}", f"f.jsonl{codec}", packed, seed.name,
                               list(range(n))))
    for codec in ("gz", "zst"):
        packed = gzip.compress(plain, mtime=0) if codec == "gz" else \
            zstandard.ZstdCompressor(level=3, write_checksum=True).compress(plain)
        damaged = {"flip": _flip(packed, rng, rng.randint(1, 3)),
                   "truncated": packed[:rng.randrange(5, len(packed))],
                   "checksum": packed[:-8] + bytes(b ^ 0xFF for b in packed[-8:-4]) + packed[-4:]
                   if codec == "gz" else packed[:-2] + bytes(b ^ 0xFF for b in packed[-2:]),
                   "garbage-after": packed + b"garbage",
                   "two-streams": packed + packed[:len(packed) // 2]}
        for name, data in damaged.items():
            got = _decodable(data, codec)
            prefix = _common_prefix(got, plain)
            out.append(Variant(f"{seed.name}/stream.{codec}/{name}", f"f.jsonl.{codec}", data, seed.name,
                               _intact_in_prefix(lines, prefix, b"\n"), repeats_ids=name == "two-streams"))
    # round 10: a name that lies about the format (JSON Lines named `.parquet`, or gzipped named `.warc.gz`)
    for name, data in (("f.parquet", plain), ("f.warc.gz", gzip.compress(plain, mtime=0))):
        out.append(Variant(f"{seed.name}/name-lies/{name}", name, data, seed.name, list(range(n))))
    # round 11 (its own generator): files joined with `cat` whose second began with a UTF-8 byte order mark
    m = random.Random(hash(rng.getstate()[1]) ^ 11).randrange(1, n) if n > 1 else 0
    if m:
        marked = b"\n".join(lines[:m]) + b"\n\xef\xbb\xbf" + b"\n".join(lines[m:]) + b"\n"
        out.append(Variant(f"{seed.name}/jsonl/cat-mark@{m}", "f.jsonl", marked, seed.name, list(range(n))))
    out += _round12_jsonl_variants(seed, random.Random(hash(rng.getstate()[1]) ^ 12))
    return out


_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "do", "fe", "gu", "ha", "ji", "ku", "la")


def _round12_jsonl_variants(seed: Seed, rng: random.Random) -> list[Variant]:
    """Round 12 (a generator of its own): a record's page given a JSON-LD article naming 5,000-30,000 authors in its
    head (each was parsed as a byline and merged into a list: from about 20,000 the page spent its extraction budget
    and was an `extract_timeout` reject). Every record intact: the same outcome and text as the page without it."""
    able = []
    for i, line in enumerate(seed.records):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("html"), str) and "<head>" in obj["html"]:
            able.append((i, obj))
    if not able:
        return []
    k, obj = rng.choice(able)
    n = rng.randint(5_000, 30_000)
    names = [" ".join(rng.choice(_SYLLABLES).capitalize() + rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)
                      for _ in range(2)) for _ in range(n)]
    script = json.dumps({"@type": "NewsArticle", "author": [{"@type": "Person", "name": x} for x in names]})
    obj["html"] = obj["html"].replace("<head>", f'<head><script type="application/ld+json">{script}</script>', 1)
    lines = list(seed.records)
    lines[k] = json.dumps(obj).encode()
    return [Variant(f"{seed.name}/jsonl/rec{k}/jsonld-authors={n}", "f.jsonl", b"\n".join(lines) + b"\n", seed.name,
                    list(range(len(lines))))]


def _table_named(columns: list, names: list[str]) -> bytes:
    """A Parquet file of `columns` under `names` (a name may repeat, as a join can leave it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table([pa.array(c) for c in columns], names=names), buf)
    return buf.getvalue()


def parquet_variants(seed: Seed, rng: random.Random) -> list[Variant]:
    """Parquet files made from a JSONL seed's lines, with schema oddities and byte damage."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    objs = []
    for line in seed.records:   # the seed's good lines (sample-extra also holds broken ones)
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("id"), str) and isinstance(obj.get("html"), str):
            objs.append(obj)
    n = len(objs)

    def table(**cols) -> bytes:
        buf = io.BytesIO()
        pq.write_table(pa.table(cols), buf, row_group_size=max(1, n // 3))
        return buf.getvalue()
    ids = [o.get("id") for o in objs]
    html = [o.get("html") for o in objs]
    urls = [o.get("url") for o in objs]
    good = table(id=ids, url=urls, html=html)
    out = [Variant(f"{seed.name}/parquet/clean", "f.parquet", good, seed.name, list(range(n)), rows=n)]
    k = rng.randrange(n)
    raw = pa.array([h.encode() if h else None for h in html], pa.binary())
    bad = bytearray(html[k].encode())
    bad[len(bad) // 2] = 0xFF
    raw_bad = pa.array([bytes(bad) if i == k else (h.encode() if h else None) for i, h in enumerate(html)],
                       pa.binary())
    as_str = pa.StringArray.from_buffers(len(raw_bad), raw_bad.buffers()[1], raw_bad.buffers()[2],
                                         raw_bad.buffers()[0])
    allbut = [i for i in range(n) if i != k]
    variants = {
        "no-id": (table(url=urls, html=html), []),
        "int-ids": (table(id=list(range(n)), html=html), []),
        "binary-html": (table(id=ids, html=raw), list(range(n))),
        "bad-utf8": (table(id=ids, html=as_str), allbut),
        "null-id": (table(id=[None if i == k else v for i, v in enumerate(ids)], html=html), allbut),
        "huge-html": (table(id=ids, html=[("<p>" + "x" * 300_000 + "</p>") if i == k else h
                                          for i, h in enumerate(html)]), allbut),
        "dates": (table(id=ids, html=html, fetched_at=pa.array([2**62 if i == k else 0 for i in range(n)],
                                                                pa.timestamp("ms"))), allbut),
        # round 6: a column given twice (copies agree: every row read; differ in one row: that row a reject),
        # fetch times beyond the year 9999 and in a zone Arrow does not know (the records kept)
        "dup-html-agree": (_table_named([ids, html, html], ["id", "html", "html"]), list(range(n))),
        "dup-html-differ": (_table_named([ids, html, [("<p>other</p>" if i == k else h) for i, h in enumerate(html)]],
                                         ["id", "html", "html"]), allbut),
        "dup-id-differ": (_table_named([ids, [(v + "x" if i == k else v) for i, v in enumerate(ids)], html],
                                       ["id", "id", "html"]), allbut),
        "far-dates": (table(id=ids, html=html, fetched_at=pa.array(
            [253402300800 * 10**6 + 1 if i == k else 1700000000 * 10**6 for i in range(n)],
            pa.timestamp("us", tz="UTC"))), list(range(n))),
        "far-days": (table(id=ids, html=html, fetched_at=pa.array([3_000_000 if i == k else 19000 for i in range(n)],
                                                                  pa.date32())), list(range(n))),
        "zoned-dates": (table(id=ids, html=html, fetched_at=pa.array([1700000000 * 10**6] * n,
                                                                     pa.timestamp("us", tz="Mars/Olympus"))),
                        list(range(n))),
    }
    for name, (data, intact) in variants.items():
        out.append(Variant(f"{seed.name}/parquet/{name}", "f.parquet", data, seed.name, intact, rows=n,
                           max_payload=200_000))
    for name, data in (("flip", _flip(good, rng, rng.randint(1, 10))),
                       ("truncated", good[:rng.randrange(4, len(good))]), ("not-parquet", b"id,html\n1,x\n")):
        try:
            rows = pq.ParquetFile(io.BytesIO(data)).metadata.num_rows
        except Exception:  # noqa: BLE001 - unreadable: one file-level reject
            rows = 1
        out.append(Variant(f"{seed.name}/parquet/{name}", "f.parquet", data, seed.name, [], rows=rows))
    return out


def variants_for(seed: Seed, rng: random.Random) -> list[Variant]:
    if seed.kind == "jsonl":
        return jsonl_variants(seed, rng) + parquet_variants(seed, rng)
    return warc_variants(seed, rng)


# ---------------------------------------------------------------- running and checking

def baseline_file(seed: Seed) -> tuple[str, bytes]:
    if seed.kind == "jsonl":
        return "f.jsonl", b"\n".join(seed.records) + b"\n"
    return f"f.{seed.kind}", b"".join(seed.records)


def run_file(filename: str, data: bytes, max_payload: int) -> dict:
    """Read + extract one file as a build would (`ingest_file`); its docs rows, or the traceback."""
    from dedup.ingest import ingest_file
    from dedup.sources.inputs import expand_inputs
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        path = Path(tmp) / filename
        path.write_bytes(data)
        t = time.perf_counter()
        try:
            inp = expand_inputs([str(path)])[0]
            result = ingest_file(inp, Path(tmp) / "docs.parquet", max_payload)
            rows = pq.read_table(Path(tmp) / "docs.parquet", columns=[
                "doc_id", "source_file", "source_offset", "reject_reason", "reject_detail", "blocks"]).to_pylist()
        except Exception:  # noqa: BLE001 - a crash is what we look for
            return {"error": traceback.format_exc(limit=6), "elapsed": time.perf_counter() - t}
        return {"rows": rows, "stats": result["stats"], "elapsed": time.perf_counter() - t}


def row_key(kind: str, row: dict) -> str:
    """What identifies a record's row across variants: the doc_id, or for JSONL the line number
    (a line without a usable id gets a positional id that depends on the file name)."""
    return f"line {row['source_offset']}" if kind == "jsonl" else row["doc_id"]


def record_ids(seed: Seed, rows: list[dict]) -> dict[int, str]:
    """Seed record index -> the key of the row its undamaged file gave it (records that make one)."""
    # WARC/ARC rows come in record order, one per non-skipped record; JSONL rows carry the line
    if seed.kind == "jsonl":
        return {r["source_offset"]: row_key("jsonl", r) for r in rows}
    ids = {}
    want = [i for i, rec in enumerate(seed.records) if not _skipped_type(rec, seed.kind)]
    for i, row in zip(want, rows):
        ids[i] = row["doc_id"]
    return ids


def _skipped_type(rec: bytes, kind: str) -> bool:
    if kind == "arc":
        return rec.startswith(b"filedesc:")
    head = rec.partition(b"\r\n\r\n")[0].lower()
    for line in head.split(b"\r\n"):
        if line.startswith(b"warc-type:"):
            return line.split(b":", 1)[1].strip() in (b"request", b"metadata", b"warcinfo")
    return False


def check(variant: Variant, result: dict, baseline: dict[str, tuple], ids: dict[int, str], kind: str) -> dict:
    """The oracle's verdict on one variant: counts of crash / hang / mismatch / lost records."""
    verdict = Counter()
    notes: list[str] = []
    if "error" in result:
        verdict["crash"] += 1
        notes.append(result["error"].strip().splitlines()[-1])
        return {"verdict": verdict, "notes": notes, "elapsed": result["elapsed"]}
    if result["elapsed"] > HANG_S:
        verdict["hang"] += 1
    rows = result["rows"]
    for r in rows:
        if r["reject_reason"] in CRASH_REASONS:
            verdict["crash"] += 1
            notes.append(f"{r['reject_reason']}: {r['reject_detail'][:160]}")
        if r["reject_reason"] is not None and not r["reject_detail"]:
            verdict["mismatch"] += 1
            notes.append(f"reject {r['reject_reason']} without a detail")
        if r["reject_reason"] is None and not r["blocks"]:
            verdict["mismatch"] += 1
            notes.append(f"kept row {r['doc_id']} without text")
    at = Counter((r["source_file"], r["source_offset"]) for r in rows)
    if any(v > 1 for v in at.values()):
        verdict["mismatch"] += 1
        notes.append(f"repeated (source_file, source_offset): {[k for k, v in at.items() if v > 1][:3]}")
    if variant.rows is not None and len(rows) != variant.rows:
        verdict["mismatch"] += 1
        notes.append(f"{len(rows)} rows for {variant.rows} Parquet rows")
    by_id = Counter(row_key(kind, r) for r in rows)
    outcome = {row_key(kind, r): (r["reject_reason"], tuple(r["blocks"] or ())) for r in rows}
    for i in variant.intact:
        doc_id = ids.get(i)
        if doc_id is None:
            continue   # a skipped record type (request, metadata, warcinfo): no row either way
        if by_id[doc_id] == 0:
            verdict["lost"] += 1
            notes.append(f"intact record {i} ({doc_id}) is missing")
        elif by_id[doc_id] > 1 and not variant.repeats_ids:
            verdict["mismatch"] += 1
            notes.append(f"intact record {i} ({doc_id}) came out {by_id[doc_id]} times")
        elif outcome[doc_id] != baseline[doc_id]:
            verdict["mismatch"] += 1
            notes.append(f"intact record {i} ({doc_id}): {outcome[doc_id][0]} / {len(outcome[doc_id][1])} "
                         f"blocks, undamaged {baseline[doc_id][0]} / {len(baseline[doc_id][1])}")
    return {"verdict": verdict, "notes": notes, "elapsed": result["elapsed"]}


def _run_variant(args: tuple[str, bytes, int]) -> dict:
    return run_file(*args)


class Runner:
    """Runs variants in one worker process with a time limit (a stalled worker is killed and
    replaced: the variant counts as a hang), or in this process (`isolate=False`)."""

    def __init__(self, isolate: bool) -> None:
        self.isolate = isolate
        self.pool: ProcessPoolExecutor | None = None

    def __call__(self, filename: str, data: bytes, max_payload: int) -> dict:
        if not self.isolate:
            return run_file(filename, data, max_payload)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        fut = self.pool.submit(_run_variant, (filename, data, max_payload))
        try:
            return fut.result(timeout=HANG_S * 3)
        except FutureTimeout:
            for proc in list(self.pool._processes.values()):   # kill the stalled worker only
                proc.kill()
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
            return {"rows": [], "stats": {}, "elapsed": HANG_S * 3, "hung": True}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def fuzz(n_per_seed: int, seed: int, isolate: bool, shared: bool = True, log=None) -> dict:
    """Run `n_per_seed` rounds of variants for every seed; the summary figures and the failures."""
    rng = random.Random(seed)
    runner = Runner(isolate)
    totals = Counter()
    failures: list[dict] = []
    slowest = (0.0, "")
    try:
        for s in seeds(shared):
            name, data = baseline_file(s)
            base = runner(name, data, 50 * 1024 * 1024)
            if "error" in base or base.get("hung"):
                raise RuntimeError(f"the undamaged seed {s.name} does not read: {base}")
            ids = record_ids(s, base["rows"])
            baseline = {row_key(s.kind, r): (r["reject_reason"], tuple(r["blocks"] or ())) for r in base["rows"]}
            for _ in range(n_per_seed):
                for v in variants_for(s, rng):
                    result = runner(v.filename, v.data, v.max_payload)
                    if result.get("hung"):
                        got = {"verdict": Counter(hang=1), "notes": ["killed after the time limit"],
                               "elapsed": result["elapsed"]}
                    else:
                        got = check(v, result, baseline, ids, s.kind)
                    totals["variants"] += 1
                    totals.update(got["verdict"])
                    totals["intact_records"] += len([i for i in v.intact if i in ids])
                    if got["elapsed"] > slowest[0]:
                        slowest = (got["elapsed"], v.name)
                    if got["verdict"]:
                        failures.append({"variant": v.name, "verdict": dict(got["verdict"]), "notes": got["notes"][:5]})
                        if log:
                            log(f"FAIL {v.name}: {dict(got['verdict'])} {got['notes'][:3]}")
    finally:
        runner.close()
    for key in ("crash", "hang", "mismatch", "lost"):
        totals.setdefault(key, 0)
    return {"totals": dict(totals), "slowest_s": round(slowest[0], 2), "slowest": slowest[1],
            "failures": failures}


# ---------------------------------------------------------------- builds and bombs

def fuzz_builds(n_builds: int, seed: int, workdir: Path) -> dict:
    """`dedup build` on folders of damaged files: exit without a traceback, accounting_ok, every
    intact record in data/, duplicates/ or rejects/."""
    import pyarrow.parquet as pq

    from dedup.config import BuildConfig
    from dedup.pipeline import build

    rng = random.Random(seed)
    all_seeds = seeds()
    results = Counter()
    for b in range(n_builds):
        crawl = workdir / f"build-{b}" / "crawl"
        crawl.mkdir(parents=True, exist_ok=True)
        expect: set[str] = set()
        for j, s in enumerate(rng.sample(all_seeds, min(4, len(all_seeds)))):
            name, data = baseline_file(s)
            base = run_file(name, data, 50 * 1024 * 1024)
            doc_id = {row_key(s.kind, r): r["doc_id"] for r in base["rows"]}
            ids = record_ids(s, base["rows"])
            v = rng.choice(variants_for(s, rng))
            (crawl / f"{j}-{v.filename}").write_bytes(v.data)
            if v.max_payload == 50 * 1024 * 1024 and not v.filename.endswith(".parquet"):
                # (a JSONL line without an id has a positional one, named after its file: not
                # expected by id; Parquet rows are checked by the accounting only)
                expect |= {doc_id[ids[i]] for i in v.intact
                           if i in ids and not doc_id[ids[i]].startswith("nodocid:")}
        out = workdir / f"build-{b}" / "out"
        try:
            summary = build([str(crawl)], out, BuildConfig(), overwrite=True)
        except Exception:  # noqa: BLE001
            results["crash"] += 1
            continue
        results["builds"] += 1
        found = Counter()
        for table in ("data", "duplicates", "rejects"):
            for f in (out / table).rglob("*.parquet"):
                found.update(pq.read_table(f, columns=["doc_id"]).column("doc_id").to_pylist())
        written = sum(found.values())
        if not summary.counts.accounting_ok or written != summary.counts.input_records:
            results["accounting_mismatch"] += 1
        results["lost"] += len({d for d in expect if found[d] == 0 and not any(
            k.startswith(d + "#repeat:") for k in found)})
    return dict(results)


def _bomb_child(kind: str, path: str, queue) -> None:
    import resource

    from collections import Counter as C

    from dedup.sources.inputs import InputFile
    from dedup.sources.read import read_input

    t = time.perf_counter()
    reasons, rows = C(), 0
    fmt = "warc" if kind == "warc" else "jsonl"
    for batch in read_input(InputFile(path, Path(path).name, fmt), C()):
        rows += batch.num_rows
        reasons.update(r or "ok" for r in batch.column("reject_reason").to_pylist())
    # VmHWM is this process's own peak: ru_maxrss survives exec, so a spawned child reported its parent's
    # peak when that was higher (every bomb "445.1 MiB" after a run of variants and builds, round 8)
    status = Path("/proc/self/status")
    hwm = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM:")] \
        if status.exists() else []
    kib = int(hwm[0]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"rows": rows, "reasons": dict(reasons), "seconds": round(time.perf_counter() - t, 1),
               "peak_rss_mib": round(kib / 1024, 1)})


def make_bombs(workdir: Path) -> dict[str, Path]:
    """The bomb files (cached in workdir): 10 GiB of zeros behind a newline-free .jsonl.gz and
    .jsonl.zst, a 500 MB JSONL line, and a WARC record whose gzip member inflates to 10 GiB."""
    import zstandard

    workdir.mkdir(parents=True, exist_ok=True)
    good = b'\n{"id": "after-the-bomb", "text": "still read"}\n'
    paths = {"zeros-10GiB.jsonl.gz": workdir / "zeros-10GiB.jsonl.gz",
             "zeros-10GiB.jsonl.zst": workdir / "zeros-10GiB.jsonl.zst",
             "line-500MB.jsonl": workdir / "line-500MB.jsonl",
             "zeros-10GiB.warc.gz": workdir / "zeros-10GiB.warc.gz"}
    zeros = b"\0" * (1 << 24)
    if not paths["zeros-10GiB.jsonl.gz"].exists():
        c = zlib.compressobj(1, zlib.DEFLATED, 31)
        with open(paths["zeros-10GiB.jsonl.gz"], "wb") as f:
            for _ in range(640):
                f.write(c.compress(zeros))
            f.write(c.compress(good) + c.flush())
    if not paths["zeros-10GiB.jsonl.zst"].exists():
        with open(paths["zeros-10GiB.jsonl.zst"], "wb") as f:
            with zstandard.ZstdCompressor(level=1).stream_writer(f) as w:
                for _ in range(640):
                    w.write(zeros)
                w.write(good)
    if not paths["line-500MB.jsonl"].exists():
        with open(paths["line-500MB.jsonl"], "wb") as f:
            f.write(b'{"id": "huge", "html": "<p>')
            for _ in range(500):
                f.write(b"x" * 1_000_000)
            f.write(b'</p>"}' + good)
    if not paths["zeros-10GiB.warc.gz"].exists():
        size = 640 << 24
        head = (f"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
                f"WARC-Target-URI: http://bomb.test/\r\nContent-Type: text/html\r\n"
                f"Content-Length: {size}\r\n\r\n").encode()
        c = zlib.compressobj(1, zlib.DEFLATED, 31)
        with open(paths["zeros-10GiB.warc.gz"], "wb") as f:
            f.write(c.compress(head))
            for _ in range(640):
                f.write(c.compress(zeros))
            f.write(c.compress(b"\r\n\r\n") + c.flush())
            f.write(gzip.compress(b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:after>\r\n"
                                  b"WARC-Target-URI: http://bomb.test/after\r\nContent-Type: text/plain\r\n"
                                  b"Content-Length: 10\r\n\r\nstill read\r\n\r\n", mtime=0))
    return paths


def bombs(workdir: Path) -> dict:
    """Peak memory (RSS of a fresh process) and outcome of reading each bomb file."""
    ctx = multiprocessing.get_context("spawn")
    out = {}
    for name, path in make_bombs(workdir).items():
        queue = ctx.Queue()
        proc = ctx.Process(target=_bomb_child, args=("warc" if name.endswith(".warc.gz") else "jsonl",
                                                    str(path), queue))
        proc.start()
        proc.join(timeout=1800)
        if proc.is_alive():
            proc.kill()
            out[name] = {"hang": True}
            continue
        out[name] = queue.get() if not queue.empty() else {"exitcode": proc.exitcode}
        out[name]["compressed_mib"] = round(path.stat().st_size / 2**20, 1)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=20, help="rounds of variants per seed (each ~40)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--builds", type=int, default=0, help="also run dedup build on this many folders")
    ap.add_argument("--bombs", action="store_true", help="measure peak memory on the bomb files")
    ap.add_argument("--workdir", type=Path, default=None, help="for bombs and builds (default: a temp dir)")
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dedup-fuzz-"))
    t = time.perf_counter()
    report = fuzz(args.variants, args.seed, isolate=True, log=lambda m: print(m, file=sys.stderr, flush=True))
    report["seconds"] = round(time.perf_counter() - t, 1)
    if args.builds:
        report["builds"] = fuzz_builds(args.builds, args.seed, workdir)
    if args.bombs:
        report["bombs"] = bombs(workdir)
    report["failures"] = report["failures"][:50]
    print(json.dumps(report, indent=2))
    bad = sum(report["totals"][k] for k in ("crash", "hang", "mismatch", "lost"))
    bad += sum(v for k, v in report.get("builds", {}).items() if k != "builds")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
