#!/usr/bin/env python3
"""Extraction cost per page of the block model, against the plain main-content extraction, same run.

    python scripts/bench_block_model.py WARC_OR_JSONL_GZ [--pages 1000] [--passes 3]

Pages come from a WARC (response records) or a JSONL.gz with an `html` field (text_quality crawls).
CPU time per page, best of `--passes` interleaved passes, for: `plain` (parse + resiliparse
main-content plain text + split into lines: the extraction before the block model), `lines` (parse +
`minimal_html` main content + layout + features), `model` (lines + tree ensemble + line choice: the
extraction before the whole-page pass), `story` (`extract.story_choice`: `model`, and on the pages
whose main-content pass missed the article the whole page judged by the second model) and
`extract_html` (all of it plus the <head>/JSON-LD metadata read). `whole_page_share` is the share of
pages that take the whole-page pass.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from dedup.text.blockmodel import main_content_lines, main_pass_missed, page_lines, story_probabilities
from dedup.text.cleaning import choose_lines
from dedup.text.extract import extract_html, story_choice
from dedup.text.pagechecks import decode_html
from dedup.text.normalise import split_blocks


def load(path: str, limit: int) -> list[str]:
    pages: list[str] = []
    if path.endswith((".warc", ".warc.gz")):
        from warcio.archiveiterator import ArchiveIterator

        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    pages.append(decode_html(rec.content_stream().read()))
                    if len(pages) >= limit:
                        break
    else:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                pages.append(json.loads(line)["html"])
                if len(pages) >= limit:
                    break
    return pages


def plain(html: str) -> None:
    tree = HTMLTree.parse(html)
    split_blocks(extract_plain_text(tree, main_content=True, comments=False, alt_texts=False, list_bullets=False))


def lines(html: str) -> None:
    page_lines(HTMLTree.parse(html))


def model(html: str) -> None:
    found, features, from_main = page_lines(HTMLTree.parse(html))
    choose_lines(found, story_probabilities(features) if from_main else [1.0] * len(found))


def story(html: str) -> None:
    tree = HTMLTree.parse(html)
    story_choice(tree, tree.title)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    pages = load(args.source, args.pages)
    best: dict[str, float] = {}
    for _ in range(args.passes):
        for name, fn in (("plain", plain), ("lines", lines), ("model", model), ("story", story),
                         ("extract_html", extract_html)):
            start = time.process_time()
            for html in pages:
                fn(html)
            best[name] = min(best.get(name, float("inf")), (time.process_time() - start) / len(pages) * 1e3)
    print(json.dumps({"pages": len(pages), "mean_html_chars": sum(map(len, pages)) // len(pages),
                      "cpu_ms_per_page": {k: round(v, 3) for k, v in best.items()},
                      "whole_page_share": round(sum(main_pass_missed(main_content_lines(HTMLTree.parse(h)))
                                                    for h in pages) / len(pages), 4),
                      "model_minus_plain_ms": round(best["model"] - best["plain"], 3),
                      "story_minus_model_ms": round(best["story"] - best["model"], 3)}))


if __name__ == "__main__":
    main()
