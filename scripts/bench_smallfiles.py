"""A crawl of many tiny input files against the same records in one file (scale round 7,
docs/benchmarks.md): the CPU a record costs when a crawl arrives as per-domain JSONL files or small WARC
segments.

    python scripts/bench_smallfiles.py make --source CRAWL.warc.gz --files 1000 --per-file 5 --out DIR
    python scripts/bench_smallfiles.py time --crawls DIR --work DIR2 [--formats jsonl warc]

`make` takes the first files x per-file response records of a `.warc.gz` written one record per gzip member
(the bench crawls are) and writes four crawls under DIR: `warc-many/` (each tiny file the members of its
records, copied as they are), `warc-one/` (the same members in one file), `jsonl-many/` and `jsonl-one/` (each
record's URL, WARC-Date, WARC-Record-ID as id and HTTP body as html, one JSON line a record). `time` builds each
crawl with this tree (`python -m dedup.cli build ... --workers 1`) and prints the CPU seconds (user + sys) of
the build's process tree, records per CPU second, and the many/one ratio per format.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def members(path: Path) -> Iterator[tuple[bytes, bytes]]:
    """(compressed member, its decompressed record) of a `.warc.gz` written one record a member."""
    data = path.read_bytes()
    pos = 0
    while pos < len(data):
        z = zlib.decompressobj(31)
        record = z.decompress(data[pos:])
        used = len(data) - pos - len(z.unused_data)
        yield data[pos:pos + used], record
        pos += used


def as_json(record: bytes) -> dict[str, str]:
    """The JSONL row of one WARC response record: id, url, fetched_at and the HTTP body as html."""
    head, _, rest = record.partition(b"\r\n\r\n")
    fields = {}
    for line in head.decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    body = rest.partition(b"\r\n\r\n")[2]
    return {"id": fields["warc-record-id"].strip("<>"), "url": fields["warc-target-uri"],
            "fetched_at": fields["warc-date"], "html": body.decode("utf-8", "replace")}


def make(source: Path, files: int, per_file: int, out: Path) -> None:
    records = []
    for member, record in members(source):
        if b"WARC-Type: response" in record.partition(b"\r\n\r\n")[0]:
            records.append((member, record))
            if len(records) == files * per_file:
                break
    if len(records) < files * per_file:
        sys.exit(f"{source} holds {len(records)} response records, fewer than {files * per_file}")
    for name in ("warc-many", "warc-one", "jsonl-many", "jsonl-one"):
        (out / name).mkdir(parents=True, exist_ok=False)
    with open(out / "warc-one" / "all.warc.gz", "wb") as warc_one, \
            open(out / "jsonl-one" / "all.jsonl", "w", encoding="utf-8") as jsonl_one:
        for f in range(files):
            chunk = records[f * per_file:(f + 1) * per_file]
            (out / "warc-many" / f"seg-{f:05d}.warc.gz").write_bytes(b"".join(m for m, _ in chunk))
            lines = "".join(json.dumps(as_json(r)) + "\n" for _, r in chunk)
            (out / "jsonl-many" / f"site-{f:05d}.jsonl").write_text(lines, "utf-8")
            warc_one.write(b"".join(m for m, _ in chunk))
            jsonl_one.write(lines)
    print(f"{files} files of {per_file} records, and one file of {files * per_file}, in {out}")


def cpu_of(crawl: Path, out: Path) -> tuple[float, dict]:
    """CPU seconds (user + sys) of one build of `crawl` by this tree, and its run.json counts."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "dedup.cli", "build", str(crawl), "--out", str(out), "--workers", "1",
                    "--no-progress", "--overwrite"], check=True, env=env, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, json.loads((out / "run.json").read_text("utf-8"))["counts"]


def time_builds(crawls: Path, work: Path, formats: list[str]) -> None:
    for fmt in formats:
        figures = {}
        for kind in ("one", "many"):
            cpu, counts = cpu_of(crawls / f"{fmt}-{kind}", work / f"{fmt}-{kind}")
            n = counts["input_records"]
            figures[kind] = cpu
            print(f"{fmt}-{kind}: {n:,} records, {cpu:.1f} CPU s, {n / cpu:.0f} records per CPU s, "
                  f"accounting_ok {counts['accounting_ok']}")
        print(f"{fmt}: many / one = {figures['many'] / figures['one']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make", help="write the four crawls")
    mk.add_argument("--source", type=Path, required=True, help="a .warc.gz of one record a gzip member")
    mk.add_argument("--files", type=int, default=1000)
    mk.add_argument("--per-file", type=int, default=5)
    mk.add_argument("--out", type=Path, required=True)
    tm = sub.add_parser("time", help="build each crawl and print its CPU seconds")
    tm.add_argument("--crawls", type=Path, required=True)
    tm.add_argument("--work", type=Path, required=True)
    tm.add_argument("--formats", nargs="+", choices=["jsonl", "warc"], default=["jsonl", "warc"])
    args = ap.parse_args()
    if args.cmd == "make":
        make(args.source, args.files, args.per_file, args.out)
    else:
        time_builds(args.crawls, args.work, args.formats)


if __name__ == "__main__":
    main()
