#!/usr/bin/env python3
"""What the page-wide scans of page metadata cost, against asking resiliparse's parsed DOM the same
questions (docs/metadata.md "Cost", round 6): µs a page, CPU time (``time.process_time``), the fastest of
``--repeat`` runs of each, every measure taken page by page in turn so all see the same load.

The DOM is parsed once per page, untimed (extraction has parsed it already). Only the questions are
timed: which elements there are (lexbor walks the tree in C), their attributes where the raw scan needs
them. What the raw scans give besides, and the DOM cannot, is where each element stands in the page's
text: the rules measure distances from the headline in characters (docs/metadata.md "Where it reads").

Usage::

    python scripts/probe_page_scans.py                  # the four corpora of ../shared/corpora
    python scripts/probe_page_scans.py --corpus dragnet --repeat 7
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metadata import load_corpus  # noqa: E402
from resiliparse.parse.html import HTMLTree  # noqa: E402

from dedup.text import headlineregion, pagehead, pagescan  # noqa: E402

_H1 = re.compile(r"<[hH]1(?=[\s>/])")
_AUTHOR_SELECTORS = ("[rel~=author i], [itemprop~=author i], [class*=author i], [id*=author i], [class*=byline i], "
                     "[id*=byline i], byline")


def probes(html: str, tree: HTMLTree) -> dict:
    """name -> a call that asks one question of one page."""
    doc = tree.document
    head = pagehead.read_head(html)
    anchor = (len(html) // 3, len(html) // 3)  # a headline a third of the way down: a full 43,000-character region
    return {
        "raw: the page scan (scan_page: <script>, <h1>, <time>)": lambda: pagescan.scan_page(html, head.end, []),
        "raw: its pattern's pass alone": lambda: sum(1 for _ in pagescan._SCRIPT_H1_TIME.finditer(html)),
        "raw: the first <h1> after the head": lambda: _H1.search(html, head.end),
        "raw: the head (read_head)": lambda: pagehead.read_head(html),
        "raw: author marks (author_marks, 43,000 chars)": lambda: headlineregion.author_marks(html, head.end, anchor),
        "DOM: count the <h1>s (one tag walk)": lambda: len(doc.get_elements_by_tag_name("h1")),
        "DOM: h1, time (nodes)": lambda: doc.query_selector_all("h1, time").values(),
        "DOM: typed JSON-LD scripts": lambda: doc.query_selector_all("script[type*='ld+json' i]").values(),
        "DOM: untyped scripts": lambda: doc.query_selector_all("script:not([type]):not([src])").values(),
        "DOM: h1, time, JSON-LD and untyped scripts (one query)": lambda: doc.query_selector_all(
            "h1, time, script[type*='ld+json' i], script:not([type]):not([src])").values(),
        "DOM: head <meta>s with their attributes": lambda: [m.attrs for m in
                                                             tree.head.query_selector_all("meta").values()]
        if tree.head else None,
        "DOM: author / byline attribute selectors": lambda: doc.query_selector_all(_AUTHOR_SELECTORS).values(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", choices=["aeb", "dragnet", "readability", "trafilatura-eval"],
                    default=["aeb", "dragnet", "readability", "trafilatura-eval"])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each; the fastest counts (default 5)")
    a = ap.parse_args(argv)
    totals: dict[str, float] = {}
    pages = miscounted = chars = chars_to_last = 0
    for name in a.corpus:
        for _pid, _url, html in load_corpus(name):
            tree = HTMLTree.parse(html)
            for label, call in probes(html, tree).items():
                best = float("inf")
                for _ in range(a.repeat):
                    t0 = time.process_time()
                    call()
                    best = min(best, time.process_time() - t0)
                totals[label] = totals.get(label, 0.0) + best
            # placing what the DOM finds: the raw scan would still have to reach the last <h1> / <time> the
            # rules read (at most MAX_H1 / MAX_TIMES), and the DOM's count differs where the raw scan sees
            # tags inside scripts or comments (or the head)
            head_end = pagehead.read_head(html).end
            body, _scripts = pagescan.scan_page(html, head_end, [])
            doc = tree.document
            miscounted += (min(len(doc.get_elements_by_tag_name("h1")), pagescan.MAX_H1) != len(body.h1)
                           or min(len(doc.get_elements_by_tag_name("time")), pagescan.MAX_TIMES) != len(body.times))
            chars += len(html)
            chars_to_last += max([end for _s, end, _t in body.h1] + [pos for pos, _a, _r in body.times] + [head_end])
            del tree
            pages += 1
    print(f"{pages} pages, µs a page (CPU time, fastest of {a.repeat})")
    for label, total in totals.items():
        print(f"{label:60s} {total / pages * 1e6:7.1f}")
    print(f"pages whose DOM counts other <h1> / <time> elements than the raw scan reads: {miscounted}")
    print(f"characters up to the last <h1> / <time> the rules read: {chars_to_last / chars:.0%} of all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
