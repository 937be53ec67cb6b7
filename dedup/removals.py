"""What was removed from one published record, and why: `dedup explain OUT DOC_ID`'s removal list.

A record of data/ carries `removed_reasons` and `removed_block_keys` (one each per removed block, the page's own
removals in page order, then the site's); boilerplate/ holds one row per (domain, block, reason) with the block's
sample text and the pages that carry it. Joined, they say for each block what it was, why it went and where the
reason's evidence lives, from the release folder alone. What the folder does not hold is said as such: a text
withheld or seen only on pages the release does not publish, a key in no row, a build made before the keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from dedup.text.blocks import (CROSS_SITE, DATE_LINE, LABEL_LINE, NO_LETTERS, REPEAT_IN_PAGE, SITE_CHROME,
                               STORY_CHROME)
from dedup.text.cleaning import BLOCK_MODEL, HEADLINE
from dedup.words import counted

# the page's own passes whose rule reads the page alone (docs/blocks.md "Within a page")
WITHIN_PAGE = frozenset({REPEAT_IN_PAGE, NO_LETTERS, DATE_LINE, LABEL_LINE})


def _boilerplate_rows(out: Path, domain: str, keys: list[int]) -> dict[tuple[str, int | None, str], dict]:
    files = sorted((out / "boilerplate").rglob("*.parquet"))
    if not files or not keys:
        return {}
    rows = pl.scan_parquet(files).filter(pl.col("domain").is_in([domain, CROSS_SITE])
                                         & pl.col("block_key").is_in(keys)).collect()
    return {(r["domain"], r["block_key"], r.get("action") or SITE_CHROME): r for r in rows.iter_rows(named=True)}


def removed_blocks(out: Path, row: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per block removed from a data/ row: its reason, key, the boilerplate/ row's sample text and
    counts, and `evidence`, a sentence saying where the reason rests (or that the release cannot say)."""
    reasons = row.get("removed_reasons") or []
    keys = row.get("removed_block_keys")
    domain = row.get("domain") or ""
    found = _boilerplate_rows(out, domain, [k for k in keys or () if k is not None])
    min_stories, carried = _run_facts(out)
    withheld = row.get("text") is None and (row.get("n_chars") or 0) > 0
    entries = []
    for i, reason in enumerate(reasons):
        key = keys[i] if keys is not None and i < len(keys) else None
        at = (CROSS_SITE if reason == STORY_CHROME else domain, key, reason)
        hit = found.get(at) if key is not None else None
        entries.append({"reason": reason, "block_key": key,
                        "sample_text": (row.get("title") if reason == HEADLINE else hit and hit["sample_text"]),
                        "evidence": _evidence(reason, domain, hit, keys is not None, withheld, min_stories, carried)})
    return entries


def _run_facts(out: Path) -> tuple[object, bool]:
    """(the build's `site_min_stories`, whether it was built on a previous release) from run.json."""
    try:
        run = json.loads((out / "run.json").read_text("utf-8"))
        return run["config"]["site_min_stories"], bool(run.get("previous"))
    except (OSError, ValueError, KeyError, TypeError):
        return "the configured number of", False


def _evidence(reason: str, domain: str, hit: dict | None, keyed: bool, withheld: bool, min_stories: object,
              carried: bool) -> str:
    if reason == HEADLINE:
        return "the page's headline: not cut from the record, its `title` column holds it"
    if not keyed:
        return ("this build records no block keys (made before data/ had `removed_block_keys`): boilerplate/ rows "
                "of the domain cannot be matched to this record; rebuild to list its blocks")
    if hit is None:
        where = (" (a record carried from the previous release keeps its page's own rows in that release's "
                 "boilerplate/)" if carried and reason not in (SITE_CHROME, STORY_CHROME) else "")
        return (f"boilerplate/ has no row for this block (domain {domain or '(none)'}, this key and reason): the "
                f"release cannot say more than the reason{where}")
    pages, stories = hit.get("pages"), hit.get("stories")
    if reason == SITE_CHROME:
        since = f"; chrome since release {hit['chrome_since']}" if hit.get("chrome_since") else ""
        why = (f"site chrome: in {counted(stories, 'story', 'stories')} ({counted(pages, 'page')}) of {domain} in "
               f"the crawl, every page read (the rule: a block in {min_stories} or more stories of one site){since}")
    elif reason == STORY_CHROME:
        since = f"; chrome since release {hit['chrome_since']}" if hit.get("chrome_since") else ""
        why = (f"cross-story repeat: a short line in {counted(stories, 'story', 'stories')} "
               f"({counted(pages, 'page')}) of the crawl's sites (boilerplate/ domain `{CROSS_SITE}`){since}")
    else:
        rule = ("the within-page pass, docs/blocks.md" if reason in WITHIN_PAGE else
                "the extractor's block model, on this page's layout, which the release does not hold"
                if reason == BLOCK_MODEL else "the extractor's line guards, docs/extraction.md")
        why = (f"removed by the page itself ({rule}); {counted(pages, 'published page')} of {domain} lost this "
               "block for this reason")
    if hit.get("sample_text") is None:
        why += ("; its text is not published (only pages whose text this release does not publish carry it: "
                "copies, records withheld or not selected)")
    elif withheld:
        why += "; this record's text is withheld: the sample is the block as another published page of the row has it"
    return why


def describe(out: Path, row: dict[str, Any]) -> list[str]:
    """The lines `dedup explain` prints for a row of data/, duplicates/ or rejects/ about the text it lost."""
    if row.get("table") == "duplicates":
        return ["a duplicate row publishes no text, and its page's removals are not recorded (its canonical's are: "
                f"explain {row.get('canonical_doc_id')})"]
    if row.get("table") != "data":
        return ["a reject row publishes no text, and records no removals"]
    entries = removed_blocks(out, row)
    chars = row.get("boilerplate_chars_removed") or 0
    lines = [f"{counted(len(entries), 'block')} ({counted(chars, 'character')}) removed from the page's text, "
             "in removed_reasons' order:"]
    for i, e in enumerate(entries, 1):
        text = e["sample_text"]
        lines.append(f"{i:>3}. {e['reason']}: " + (repr(text) if text is not None else "(text not in the release)"))
        lines.append(f"     {e['evidence']}")
    return lines
