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

from dedup.memory import child_pids  # children of every thread (a Dask nanny's worker too)
from dedup.run_report import RunReport

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def rss_tree(pid: int) -> dict[int, int]:
    """RSS (bytes) of a process and each of its descendants (extract workers, Dask nannies and
    workers), read from /proc."""
    rss, todo = {}, [pid]
    while todo:
        p = todo.pop()
        todo += child_pids(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss[p] = int(line.split()[1]) * 1024
        except OSError:
            pass
    return rss


def peak_rss_tree(pid: int) -> int:
    """Sum of RSS (bytes) of a process and all its descendants."""
    return sum(rss_tree(pid).values())


def run(crawl: Path, workers: int, out: Path, engine: str = "embedded", memory: str | None = None) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "dedup.cli", "build", str(crawl), "--out", str(out),
           "--workers", str(workers), "--no-progress", "--engine", engine] + (["--memory", memory] if memory else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, per_process = 0, {}

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            rss = rss_tree(proc.pid)
            peak = max(peak, sum(rss.values()))
            for p, r in rss.items():
                per_process[p] = max(per_process.get(p, 0), r)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    cpu = os.times()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stderr}")
    summary = json.loads((out / "run.json").read_text())
    n = summary["counts"]["input_records"]
    in_bytes = sum(i["bytes"] for i in summary["inputs"])
    others = sorted((r for p, r in per_process.items() if p != proc.pid), reverse=True)
    return {"engine": engine, "workers": workers, "docs": n, "wall_s": round(wall, 2), "docs_per_s": round(n / wall, 1),
            "input_mb_per_s": round(in_bytes / wall / 1e6, 2), "peak_rss_mib": round(peak / 2**20, 1),
            "peak_main_mib": round(per_process.get(proc.pid, 0) / 2**20, 1),
            "peak_children_mib": [round(r / 2**20, 1) for r in others[:8]],
            "cpu_s": round(cpu.children_user + cpu.children_system, 1),
            "stage_s": RunReport.measured(out).get("timings_s", {})}  # timings.json (run.json in older builds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--crawl", type=Path, default=SHARED / "bench" / "syndication-dev" / "crawl")
    ap.add_argument("--scale", type=int, help="generate an N-page scale crawl (WARC only) and use it")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--engines", nargs="+", default=["embedded"], choices=["embedded", "dask"],
                    help="'dask' runs a LocalCluster of --workers workers on 127.0.0.1")
    ap.add_argument("--memory", help="--memory budget of the builds [default: the build's default]")
    ap.add_argument("--keep", type=Path, help="write the outputs here (kept) instead of a temporary folder")
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
        outs = args.keep or tmp
        results = [run(crawl, w, outs / f"out-{e}-{w}", e, args.memory) for e in args.engines for w in args.workers]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(results))
        return
    print(f"crawl: {crawl}  (cores: {os.cpu_count()})")
    base = {r["workers"]: r["wall_s"] for r in results if r["engine"] == "embedded"}
    print("| engine | workers | docs | wall s | CPU s | vs embedded | docs/s | peak RSS MiB, all processes | "
          "main process | largest children |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        ratio = f"{r['wall_s'] / base[r['workers']]:.2f}x" if r["workers"] in base else "-"
        print(f"| {r['engine']} | {r['workers']} | {r['docs']:,} | {r['wall_s']} | {r['cpu_s']} | {ratio} | "
              f"{r['docs_per_s']:,} | {r['peak_rss_mib']} | {r['peak_main_mib']} | {r['peak_children_mib'][:3]} |")
    for r in results:
        print(f"{r['engine']} {r['workers']}: stages {json.dumps(r['stage_s'])}")


if __name__ == "__main__":
    main()
