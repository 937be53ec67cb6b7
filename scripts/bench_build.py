"""End-to-end `dedup build` throughput and peak memory.

Runs the real CLI in a child process per configuration (so peak RSS is the child's own), on a crawl
folder, and prints docs/s, input MB/s and peak RSS (the largest of the main process and its workers).

    python scripts/bench_build.py                                # ../shared/bench/syndication-dev/crawl
    python scripts/bench_build.py --scale 100000                 # makes a scale crawl with ../shared/bench/scale_crawl.py
    python scripts/bench_build.py --crawl DIR --workers 1 2 --json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def peak_rss_tree(pid: int) -> int:
    """Sum of RSS (bytes) of a process and all its descendants (extract workers, Dask nannies and
    workers), read from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += _children(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def run(crawl: Path, workers: int, out: Path, engine: str = "embedded") -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "dedup.cli", "build", str(crawl), "--out", str(out),
           "--workers", str(workers), "--no-progress", "--engine", engine]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, peak_rss_tree(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stderr}")
    summary = json.loads((out / "run.json").read_text())
    n = summary["counts"]["input_records"]
    in_bytes = sum(i["bytes"] for i in summary["inputs"])
    return {"engine": engine, "workers": workers, "docs": n, "wall_s": round(wall, 2), "docs_per_s": round(n / wall, 1),
            "input_mb_per_s": round(in_bytes / wall / 1e6, 2), "peak_rss_mib": round(peak / 2**20, 1),
            "stage_s": summary["timings_s"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--crawl", type=Path, default=SHARED / "bench" / "syndication-dev" / "crawl")
    ap.add_argument("--scale", type=int, help="generate an N-page scale crawl (WARC only) and use it")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--engines", nargs="+", default=["embedded"], choices=["embedded", "dask"],
                    help="'dask' runs a LocalCluster of --workers workers on 127.0.0.1")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dedup-bench-"))
    try:
        crawl = args.crawl
        if args.scale:
            gen = SHARED / "bench" / "scale_crawl.py"
            subprocess.run([sys.executable, str(gen), "--pages", str(args.scale), "--no-jsonl",
                            "--workers", "2", "--out", str(tmp / "scale")], check=True)
            crawl = tmp / "scale" / "crawl"
        results = [run(crawl, w, tmp / f"out-{e}-{w}", e) for e in args.engines for w in args.workers]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(results))
        return
    print(f"crawl: {crawl}  (cores: {os.cpu_count()})")
    base = {r["workers"]: r["wall_s"] for r in results if r["engine"] == "embedded"}
    print("| engine | workers | docs | wall s | vs embedded | docs/s | input MB/s | peak RSS MiB (all processes) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        ratio = f"{r['wall_s'] / base[r['workers']]:.2f}x" if r["workers"] in base else "-"
        print(f"| {r['engine']} | {r['workers']} | {r['docs']:,} | {r['wall_s']} | {ratio} | {r['docs_per_s']:,} | "
              f"{r['input_mb_per_s']} | {r['peak_rss_mib']} |")
    for r in results:
        print(f"{r['engine']} {r['workers']}: stages {json.dumps(r['stage_s'])}")


if __name__ == "__main__":
    main()
