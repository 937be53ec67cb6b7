#!/usr/bin/env python3
"""Throughput of dedup.sources.warc.iter_records against warcio and fastwarc, in one run.

    python scripts/bench_read.py [FILE ...] [--repeat N] [--readers dedup,warcio,fastwarc]

Default files: ../shared/bench/syndication-dev/crawl/*.warc.gz (relative to the repo root). Every
reader reads every record *and* its payload (HTTP de-chunked and decoded where the reader can),
so the work compared is the same. MB/s counts compressed input bytes (file sizes). Readers run
interleaved, `--repeat` times each; the best run is reported (the least disturbed by other load)
next to the median. warcio and fastwarc are used only here, and skipped when not installed.
`zlib-only` inflates the gzip members and parses nothing (records column = members): the
ceiling for any reader built on the standard zlib module.
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import sys
import time
import zlib
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dedup.sources.warc import iter_records  # noqa: E402

DEFAULT_GLOB = str(REPO.parent / "shared" / "bench" / "syndication-dev" / "crawl" / "*.warc.gz")


def read_dedup(files: list[str]) -> int:
    n = 0
    for path in files:
        for rec in iter_records(path):
            rec.payload   # already materialised: the reader returns bytes
            n += 1
    return n


def read_warcio(files: list[str]) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    for path in files:
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                rec.content_stream().read()   # de-chunked and decoded, like ours
                n += 1
    return n


def read_fastwarc(files: list[str]) -> int:
    from fastwarc.warc import ArchiveIterator

    n = 0
    for path in files:
        for rec in ArchiveIterator(path, parse_http=True, auto_decode="all", fsspec_args=False):
            rec.reader.read()
            n += 1
    return n


def read_inflate_only(files: list[str]) -> int:
    """The ceiling for a stdlib-zlib reader: inflate every gzip member, parse nothing."""
    n = 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        view = memoryview(data)
        pos, d = 0, zlib.decompressobj(31)
        while pos < len(data):
            chunk = view[pos:pos + 16384]
            d.decompress(chunk)
            if d.eof:
                pos += len(chunk) - len(d.unused_data)
                d = zlib.decompressobj(31)
                n += 1
            else:
                pos += len(chunk)
    return n


def available() -> dict[str, Callable[[list[str]], int]]:
    readers: dict[str, Callable[[list[str]], int]] = {"dedup": read_dedup}
    try:
        import warcio  # noqa: F401
        readers["warcio"] = read_warcio
    except ImportError:
        print("warcio not installed: skipped", file=sys.stderr)
    try:
        import fastwarc  # noqa: F401
        readers["fastwarc"] = read_fastwarc
    except ImportError:
        print("fastwarc not installed: skipped", file=sys.stderr)
    readers["zlib-only"] = read_inflate_only
    return readers


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help=f"WARC files (default {DEFAULT_GLOB})")
    ap.add_argument("--repeat", type=int, default=5, help="runs per reader (best one reported)")
    ap.add_argument("--readers", default="dedup,warcio,fastwarc,zlib-only",
                    help="zlib-only: bare inflate of the gzip members, the stdlib-zlib ceiling")
    args = ap.parse_args(argv)

    files = sorted(args.files or glob.glob(DEFAULT_GLOB))
    if not files:
        print(f"no input files (looked for {DEFAULT_GLOB})", file=sys.stderr)
        return 2
    size = sum(os.path.getsize(f) for f in files)
    readers = {k: v for k, v in available().items() if k in args.readers.split(",")}
    print(f"{len(files)} files, {size / 1e6:.1f} MB compressed, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cpus, best of {args.repeat}")

    times: dict[str, list[float]] = {k: [] for k in readers}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, fn in readers.items():     # interleaved: load changes hit every reader alike
            t0 = time.perf_counter()
            counts[name] = fn(files)
            times[name].append(time.perf_counter() - t0)

    base = min(times["warcio"]) if "warcio" in times else None
    print(f"{'reader':10s} {'records':>8s} {'MB/s':>8s} {'rec/s':>9s} {'MB/s med':>9s} {'x warcio':>9s}")
    for name in readers:
        best = min(times[name])
        med = statistics.median(times[name])
        ratio = f"{base / best:8.2f}x" if base else "      n/a"
        print(f"{name:10s} {counts[name]:8d} {size / best / 1e6:8.1f} {counts[name] / best:9.0f} "
              f"{size / med / 1e6:9.1f} {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
