#!/usr/bin/env python3
"""How close real pages come to extraction's per-record limits (docs/extraction.md "Hostile pages:
bounded time per record"): for every page of ../shared/corpora (its four HTML corpora, CleanEval's raw
pages, the records of its WARC/WET/ARC samples) and of the bench crawl
(../shared/bench/syndication-dev/crawl), the CPU time of this thread for one record's extraction
and evidence scans (`extract._extract_row`, the code `EXTRACT_BUDGET_S` guards; the budget itself set
aside), the page's size and its count of '<' (`MAX_MARKUP_TAGS`). Prints the slowest pages and the
largest counts.

Usage::

    python scripts/bench_extract_budget.py                 # corpora and bench crawl
    python scripts/bench_extract_budget.py --top 20 --skip-crawl
    python scripts/bench_extract_budget.py --constructed   # pages built to reach the caps instead

`--constructed` measures pages made to cost the most within the deterministic caps (`MAX_HTML_BYTES`,
`MAX_BLOCKS`, `MAX_MARKUP_TAGS`): what the time budget would have to stop if they were not enough.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metadata import load_corpus  # noqa: E402

import dedup.text.extract as extract  # noqa: E402
from dedup.sources.inputs import InputFile, detect_format  # noqa: E402
from dedup.sources.read import read_input  # noqa: E402
from dedup.text.blockmodel import load_models  # noqa: E402
from dedup.text.normalise import registered_domain  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
CRAWL = SHARED / "bench" / "syndication-dev" / "crawl"


def pages(skip_crawl: bool):
    """(label, html bytes, url, charset, text) of every page (html None: a text record)."""
    for name in ("aeb", "dragnet", "readability", "trafilatura-eval"):
        for pid, url, html in load_corpus(name):
            yield f"{name}/{pid}", html.encode("utf-8", "surrogatepass"), url, "utf-8", None
    for path in sorted((SHARED / "corpora" / "cleaneval" / "input").glob("*.html.gz")):
        yield f"cleaneval/{path.name}", gzip.decompress(path.read_bytes()), None, None, None
    crawls = [(p, "samples") for p in sorted((SHARED / "corpora" / "warc-samples").rglob("*")) if p.is_file()]
    if not skip_crawl and CRAWL.is_dir():
        crawls += [(p, "crawl") for p in sorted(CRAWL.iterdir())]
    for path, label in crawls:
        if detect_format(path) != "warc":
            continue
        for batch in read_input(InputFile(path, path.name, "warc")):
            for row in batch.to_pylist():
                if row["reject_reason"] is None and (row["html"] is not None or row["text"]):
                    yield f"{label}/{path.name}/{row['doc_id']}", row["html"], row["url"], row["charset"], row["text"]


def constructed_pages():
    """(label, html bytes, url, charset, text) of pages built to reach the caps: the slowest shapes found."""
    mib = 1 << 20
    words = "the of and a to in is was that for on are with as his they be at one have this from".split()

    def prose(n: int, k: int) -> str:
        return " ".join(words[(k * 7 + i) % len(words)] for i in range(n))

    def at_cap(unit: str, tags: int, prefix: str = "<html><body>") -> str:
        return prefix + unit * min(499_000 // tags, (extract.MAX_HTML_BYTES - 200) // len(unit))
    shapes = {
        "48,000 paragraphs of prose with 4 inline tags": "<html><body>" + "".join(
            f"<p>{prose(30, k)}<b>x</b><i>y</i><a href=/z>z</a><span>s</span></p>" for k in range(48_000)),
        "250,000 links": at_cap('<a href="/x">y</a>', 2),
        "500,000 <li>": at_cap("<li>a b", 1, "<html><body><ul>"),
        "49,000 copyright lines": "<html><body>" + "<p>© 2024 Someone. All rights reserved.</p>\n" * 49_000,
        "500,000 <br>": at_cap("<br>", 1),
        "500,000 <p>": at_cap("<p>", 1),
        "250,000 <div>a</div>": at_cap("<div>a</div>", 2),
        "8 MiB of '<script '": "<html><head>" + "<script " * ((extract.MAX_HTML_BYTES - 20) // 8),
        "3,100-deep <div> nesting": "<html><body>" + "<div>" * 3100 + f"<p>{prose(300, 1)}</p>" + "</div>" * 3100,
    }
    for label, html in shapes.items():
        yield label, html.encode(), "http://site.test/x", "utf-8", None
    yield "49,000 lines of 170 words (plain text)", None, "http://site.test/x", None, \
        "\n".join(prose(170, k) for k in range(49_000))
    yield "one 40 MB line (plain text)", None, "http://site.test/x", None, prose(40 * mib // 5, 3)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--skip-crawl", action="store_true")
    ap.add_argument("--constructed", action="store_true", help="pages built to reach the caps instead")
    a = ap.parse_args(argv)
    load_models()
    budget = extract.EXTRACT_BUDGET_S
    extract.EXTRACT_BUDGET_S = 0  # measure, do not stop
    rows = []
    for label, html, url, charset, text in (constructed_pages() if a.constructed else pages(a.skip_crawl)):
        t0 = time.thread_time()
        out = extract._extract_row(html, text, url, charset, registered_domain(url))
        took = time.thread_time() - t0
        size = len(html) if html is not None else len(text.encode("utf-8", "replace"))
        rows.append((took, size, html.count(b"<") if html is not None else 0, label, out.get("reject_reason")))
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
