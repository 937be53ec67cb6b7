#!/usr/bin/env python3
"""Kept text on pages no model of dedup was trained on: trafilatura-eval's with/without snippets.

    python scripts/bench_snippets.py [--corpus ../shared/corpora/trafilatura-eval] [--json] [--split SALT --half A|B]

Each page of the corpus (355 in the development part: news, magazines, blogs, company and government
sites, mostly German and English) carries snippets its text MUST hold (`with`) and snippets of page
chrome it must NOT hold (`without`: menus, share boxes, related links, newsletter boxes...). A snippet
counts when it is a substring of the extracted text (whitespace folded): with-snippets found are true
positives, missed ones false negatives, without-snippets found false positives; precision, recall and
F1 over all snippets, as trafilatura's own evaluation counts them. Each page is extracted alone
(`dedup.text.extract.extract_html`, what `dedup build` keeps before the repeat passes, which need
other pages of the site); trafilatura (`extract(html, include_comments=False)`) runs on the same
decoded text when it is installed. dedup's block models never saw these pages: this is the held-out
figure for text quality on unseen sites (docs/extraction.md).

`--within-page` also applies the build's within-page pass (`dedup.text.blocks.within_page`: a second copy of a
line, date lines, labelled tag lists), as `dedup build` does to every page whatever its site: the text a page alone
keeps in the dataset.

`--split SALT --half A` (or B) scores one half of the pages, split by host: half A when
int(sha1(f"{SALT}:{host}")) is even, B when odd (host: the URL's host without `www.`, or the page file's site
for the `hard::` / `recall::` entries, which have no URL). A round of tuning reads the failures of half A only
and checks the choice on half B.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from dedup.text.blocks import within_page
from dedup.text.extract import extract_html
from dedup.text.pagechecks import decode_html
from dedup.text.normalise import join_blocks, normalise_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "trafilatura-eval"


def fold(text: str) -> str:
    return " ".join(text.split())


def page_host(key: str, item: dict) -> str:
    """The site of an annotated page: its URL's host without `www.`; for the entries keyed `hard::FILE` or
    `recall::FILE` (no URL), the site the file is named after (`jamaicaobserver.com-attacks.html`)."""
    if not key.startswith(("http://", "https://")):
        return item["orig_file"].rsplit("-", 1)[0]
    host = urlsplit(key).hostname or ""
    return host[4:] if host.startswith("www.") else host


def half_of(key: str, item: dict, salt: str) -> str:
    """'A' or 'B': the half of the split named `salt` the page's site falls in."""
    return "AB"[int(hashlib.sha1(f"{salt}:{page_host(key, item)}".encode()).hexdigest(), 16) % 2]


def score(pages: list[tuple[dict, str]]) -> dict:
    """Snippet precision, recall and F1 of (annotation, extracted text) pairs."""
    tp = fp = fn = 0
    for item, text in pages:
        text = fold(text)
        for snippet in item.get("with", []):
            if fold(snippet) in text:
                tp += 1
            else:
                fn += 1
        fp += sum(fold(snippet) in text for snippet in item.get("without", []))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"pages": len(pages), "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "with_found": tp, "with_missed": fn,
            "without_found": fp}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    ap.add_argument("--split", metavar="SALT", help="split the pages into two halves by host with this salt")
    ap.add_argument("--half", choices=("A", "B"), help="with --split: score this half only")
    ap.add_argument("--within-page", action="store_true", help="also apply the build's within-page pass")
    args = ap.parse_args()
    if bool(args.split) != bool(args.half):
        ap.error("--split and --half go together")
    annotations = json.loads((args.corpus / "evaldata.json").read_text("utf-8"))
    ours, theirs = [], []
    try:
        import trafilatura
    except ImportError:
        trafilatura = None
    for url, item in sorted(annotations.items()):
        if args.split and half_of(url, item, args.split) != args.half:
            continue
        raw = gzip.decompress((args.corpus / item["file"]).read_bytes())
        blocks = extract_html(raw, url).blocks
        if args.within_page:
            verdicts = within_page(blocks, [normalise_text(b) for b in blocks])
            blocks = [b for b, v in zip(blocks, verdicts) if v.keep]
        ours.append((item, join_blocks(blocks)))
        if trafilatura is not None:
            theirs.append((item, trafilatura.extract(decode_html(raw), include_comments=False) or ""))
    result = {"dedup": score(ours)}
    if theirs:
        result["trafilatura_nocomments"] = score(theirs)
    if args.json:
        print(json.dumps(result))
        return
    for name, s in result.items():
        print(f"{name:24s} pages {s['pages']}  P {s['precision']:.4f}  R {s['recall']:.4f}  F1 {s['f1']:.4f}  "
              f"(without-snippets kept: {s['without_found']}, with-snippets missed: {s['with_missed']})")


if __name__ == "__main__":
    main()
