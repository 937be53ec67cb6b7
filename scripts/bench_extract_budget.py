#!/usr/bin/env python3
"""How close real pages come to extraction's per-record limits (docs/extraction.md "Hostile pages:
bounded time per record"): for every page of ../shared/corpora's four HTML corpora and of the bench
crawl (../shared/bench/syndication-dev/crawl), the CPU time of this thread for one record's extraction
and evidence scans (`extract._extract_row`, the code `EXTRACT_BUDGET_S` guards; the budget itself set
aside), the page's size and its count of '<' (`MAX_MARKUP_TAGS`). Prints the slowest pages and the
largest counts.

Usage::

    python scripts/bench_extract_budget.py                 # corpora and bench crawl
    python scripts/bench_extract_budget.py --top 20 --skip-crawl
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metadata import load_corpus  # noqa: E402

import dedup.text.extract as extract  # noqa: E402
from dedup.sources.read import InputFile, read_input  # noqa: E402
from dedup.text.blockmodel import load_models  # noqa: E402
from dedup.text.normalise import registered_domain  # noqa: E402

CRAWL = Path(__file__).resolve().parents[2] / "shared" / "bench" / "syndication-dev" / "crawl"


def pages(skip_crawl: bool):
    """(label, html bytes, url, charset) of every page."""
    for name in ("aeb", "dragnet", "readability", "trafilatura-eval"):
        for pid, url, html in load_corpus(name):
            yield f"{name}/{pid}", html.encode("utf-8", "surrogatepass"), url, "utf-8"
    if skip_crawl or not CRAWL.is_dir():
        return
    for path in sorted(CRAWL.iterdir()):
        for batch in read_input(InputFile(path, path.name, "warc")):
            for row in batch.to_pylist():
                if row["reject_reason"] is None and row["html"] is not None:
                    yield f"crawl/{row['doc_id']}", row["html"], row["url"], row["charset"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--skip-crawl", action="store_true")
    a = ap.parse_args(argv)
    load_models()
    budget = extract.EXTRACT_BUDGET_S
    extract.EXTRACT_BUDGET_S = 0  # measure, do not stop
    rows = []
    for label, html, url, charset in pages(a.skip_crawl):
        t0 = time.thread_time()
        out = extract._extract_row(html, None, url, charset, registered_domain(url))
        took = time.thread_time() - t0
        rows.append((took, len(html), html.count(b"<"), label, out.get("reject_reason")))
    times = [r[0] for r in rows]
    print(f"{len(rows)} pages: CPU s per page median {statistics.median(times):.4f}, "
          f"p99 {sorted(times)[int(len(times) * 0.99)]:.3f}, max {max(times):.3f}; "
          f"budget {budget:g} s")
    print("slowest pages (CPU s, bytes, '<' count, page, reject reason):")
    for took, size, tags, label, reason in sorted(rows, reverse=True)[:a.top]:
        print(f"  {took:7.3f} {size:9,d} {tags:8,d}  {label}  {reason or ''}")
    print("most '<' (count, bytes, CPU s, page):")
    for took, size, tags, label, _ in sorted(rows, key=lambda r: -r[2])[:a.top]:
        print(f"  {tags:8,d} {size:9,d} {took:7.3f}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
