"""audit_holders.py - junk copyright holders / notices over every page of the bench corpora.

    python scripts/audit_holders.py [--shared ../shared] [--list] [--json]

Every page of the text_quality corpora (aeb, dragnet, readability, cleaneval) and of the
metadata_quality corpora (readability, trafilatura-eval), read through the bench's own readers, is
run through the page-level extraction `dedup build` uses; its `copyright_holder` is counted as junk
when it is over 80 characters, has more than 10 words (a sentence or a run of links), carries code or
markup characters, is a run of numbers, has no letters, or holds a template placeholder. Domain
names ('NBCNews.com') are names and not counted. See docs/licence.md "What a holder may be".
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from dedup.text.extract import _extract_row

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"

_NUMBER_RUN = re.compile(r"\d[\d.\s,-]{6,}")
_CODE = re.compile(r"[{}<>;=]|\bfunction\b|\bvar\b|\$\(")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|%\w+%|\[year\]|\byyyy\b", re.I)


def junk_kinds(value: str | None) -> list[str]:
    """Why VALUE is not a holder's name (empty when it may be one)."""
    if value is None:
        return []
    kinds = []
    if len(value) > 80:
        kinds.append("long")
    letters = len(re.findall(r"[^\W\d_]", value))
    if _NUMBER_RUN.search(value) and letters < len(value) / 2:
        kinds.append("numbers")
    if letters < 1:
        kinds.append("no_letters")
    if _CODE.search(value):
        kinds.append("code")
    if _PLACEHOLDER.search(value):
        kinds.append("placeholder")
    if len(value.split()) > 10:
        kinds.append("sentence")
    return kinds


def corpus_pages(shared: Path):
    """(corpus, page id, url, html) of every page, in the benches' order."""
    sys.path.insert(0, str(shared / "bench"))
    import metadata_quality as mq  # noqa: E402 (the bench's readers)
    import text_quality as tq  # noqa: E402
    corpora = shared / "corpora"
    for name, sub, reader in tq.CORPORA:
        for p in reader(str(corpora / sub)):
            yield name, p.id, p.url, p.html
    for name, sub, reader in mq.CORPORA:
        for p, _gold in reader(str(corpora / sub)):
            yield "mq-" + name, p["id"], p["url"], p["html"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--list", action="store_true", help="list every junk holder")
    ap.add_argument("--json", action="store_true", help="print one JSON line of the counts")
    a = ap.parse_args()
    pages = holders = junk = 0
    kinds: Counter = Counter()
    listed = []
    for corpus, page_id, url, html in corpus_pages(a.shared):
        pages += 1
        row = _extract_row(html.encode("utf-8"), None, url, "utf-8", urlsplit(url).hostname)
        holder = row.get("copyright_holder")
        holders += holder is not None
        found = junk_kinds(holder)
        if found:
            junk += 1
            kinds.update(found)
            listed.append(f"{corpus}\t{page_id}\t{','.join(found)}\t{holder!r}")
    counts = {"pages": pages, "with_holder": holders, "junk_holders": junk, "kinds": dict(sorted(kinds.items()))}
    if a.list:
        print("\n".join(listed))
    print(json.dumps(counts) if a.json else
          f"{pages} pages, {holders} with a holder, {junk} junk holders: {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
