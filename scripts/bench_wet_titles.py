"""bench_wet_titles.py - titles of WET records, made from the metadata corpora's HTML, against their gold titles.

    python ../shared/bench/metadata_quality.py make-crawls --out CRAWLS
    python scripts/bench_wet_titles.py --crawls CRAWLS [--misses A|B]

A Common Crawl WET `conversion` record is the page's <title> text on its first line, then the page's visible text.
This script makes one from every page of CRAWLS/<corpus>/crawl.jsonl.gz the same way (the <title>, then resiliparse's
`extract_plain_text(main_content=False)`, one block a line) and reads it with `extract_plain(..., wet=True)` (and as
plain text, wet=False: the JSONL rule), scoring the title with the metadata bench's `title_ok` against gold.jsonl,
per host half (crc32 of the host without 'www.': A tunes, B is held out). Figures: docs/metadata.md, title step 5.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from dedup.text.extract import extract_plain

SHARED_BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"


def half(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return "A" if zlib.crc32(host.encode()) % 2 == 0 else "B"


def wet_text(html: str) -> tuple[str, str]:
    """(the <title> line, the WET record's text) of one page."""
    tree = HTMLTree.parse(html)
    title = " ".join((tree.title or "").split())
    body = extract_plain_text(tree, main_content=False, alt_texts=False, list_bullets=False)
    return title, (title + "\n" if title else "") + body


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crawls", required=True, help="the output of metadata_quality.py make-crawls")
    ap.add_argument("--bench", default=str(SHARED_BENCH), help="the folder of metadata_quality.py (its title_ok)")
    ap.add_argument("--misses", choices=("A", "B"), help="print the WET reading's misses of this half")
    a = ap.parse_args()
    sys.path.insert(0, a.bench)
    from metadata_quality import title_ok  # the bench's own comparison

    counts: dict[tuple[str, str, bool], list[int]] = {}
    for corpus_dir in sorted(p for p in Path(a.crawls).iterdir() if (p / "gold.jsonl").exists()):
        with open(corpus_dir / "gold.jsonl", encoding="utf-8") as f:
            gold = {g["id"]: g for g in map(json.loads, f)}
        with gzip.open(corpus_dir / "crawl.jsonl.gz", "rt", encoding="utf-8") as f:
            pages = [json.loads(line) for line in f]
        for page in pages:
            g = gold[page["id"]]
            if not g["title"]:
                continue
            _title, text = wet_text(page["html"])
            for wet in (False, True):
                md = extract_plain(text, page["url"], wet=wet).metadata
                got = md.title or ""
                c = counts.setdefault((corpus_dir.name, half(page["url"]), wet), [0, 0, 0])
                ok = title_ok(got, g["title"])
                c[0], c[1], c[2] = c[0] + 1, c[1] + bool(got), c[2] + ok
                if wet and not ok and a.misses == half(page["url"]):
                    print(f"miss {corpus_dir.name} {page['url'][:70]}: {got[:90]!r} [{md.title_source}] "
                          f"gold {g['title'][:70]!r}")
    for (corpus, h, wet), (n, titled, ok) in sorted(counts.items()):
        print(f"{corpus:18} half {h} {'wet' if wet else 'plain':5} pages {n:4}  titled {titled:4}  "
              f"correct {ok:4} ({100 * ok / n:.1f}%)")


if __name__ == "__main__":
    main()
