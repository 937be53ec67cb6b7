"""blocks: remove page chrome by repetition, within a page and across the pages of one site.

Row logic (pure, `list[str] -> decisions`) lives here; the cross-page statistics are a polars
group-by over (domain, block key) done by the pipeline. What counts as the same block: `blockkeys.block_key`,
the block lower-cased with digits, punctuation and spacing folded, so `© 2023 Example Media` and
`© 2024 Example Media` share a key.
"""

from __future__ import annotations

import math

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.rights.attribution import is_wire_notice
from dedup.text.blockkeys import block_key, fold_digits, key_of_norm
from dedup.text.cleaning import HEADLINE
from dedup.text.dates import is_date_line
from dedup.text.normalise import join_blocks, normalise_text, norms_hash, tidy_spaces
from dedup.text.uilabels import is_metadata_label_line
from dedup.text.serverpages import status_page_head
from dedup.text.wordcount import comparable_tokens, spaceless_words, word_count
from dedup.schema import frame
from dedup.memory import memo

_LETTER = re.compile(r"[^\W\d_]")

# Reasons a block is removed (recorded per document and in the boilerplate table).
REPEAT_IN_PAGE = "repeat_in_page"
NO_LETTERS = "no_letters"
DATE_LINE = "date_line"
LABEL_LINE = "label_line"
SITE_CHROME = "removed_site_chrome"
# the reject reason of a redirect, error, bot-challenge or wall page (`serverpages.status_page_head`)
NOT_A_STORY = "not_a_story"
STORY_CHROME = "cross_story_repeat"
CROSS_SITE = "*"  # the domain of a block that is chrome on every site (the boilerplate table's rows)
# how `dedup stats` and report.html name those rows: a bare `*` read as a site called "*" (audit round 6)
CROSS_SITE_LABEL = "* (every site)"
# boilerplate/'s Parquet metadata: its `sample_text` values come only from pages whose text data/ publishes (the rule
# since audit round 6, stated in the file since round 7). A release without it may hold text of a page it dropped
# (a copy, a record not selected or withheld): a next build does not carry such a release's samples.
SAMPLE_RULE_KEY, SAMPLE_RULE = "dedup.boilerplate.sample_text", "published-pages"
CROSS_STORY_MAX_WORDS = 8  # only short blocks can be chrome across sites: a story's sentences are longer


# --------------------------------------------------------------------------- metadata lines

_LABEL = re.compile(r"^\s*(tags?|topics?|keywords?|filed under|categories|category|related topics|more on)\s*[:|]",
                    re.I)


def is_label_line(block: str) -> bool:
    """'Tags: a | b | c', 'Topics: ...', 'Filed under: ...': a labelled list of page metadata
    (and 'Schlagworte:', 'Теги:', 'タグ：'... in other languages: `uilabels`)."""
    return (_LABEL.match(block) is not None or is_metadata_label_line(block)) and len(block) < 400


def _short_spaceless(norm: str) -> bool:
    """Is a text short in word-equivalents too (True for text written with spaces: counted by them)?"""
    found = None if norm.isascii() else spaceless_words(norm)
    return found is None or found < CROSS_STORY_MAX_WORDS


def has_letters(block: str) -> bool:
    """Does the block hold at least one letter (any script)?"""
    return bool(_LETTER.search(block))


# --------------------------------------------------------------------------- within one page

NEAR_REPEAT_MIN_TOKENS = 3
NEAR_REPEAT_MAX_TOKENS = 80  # longer repeats are caught by the exact key; saves the quadratic scan
NEAR_REPEAT_CONTAINMENT = 0.9
STRUCTURAL_REPEATS = 3  # a block seen this often in one page is structure (list items, Q&A, code)
# Near-repeat comparisons per page at most (a few us each): a page of tens of thousands of lines over
# a small vocabulary would otherwise make the within-page pass quadratic. Real pages use a few thousand.
NEAR_REPEAT_CHECKS = 200_000
# Pages of at most this many blocks compare a block with every earlier one (`_near_repeat_any`): at most
# n(n-1)/2 comparisons, under NEAR_REPEAT_CHECKS, so the same answers as the postings
NEAR_REPEAT_EVERY_BLOCKS = 64
NO_LETTERS_MAX_CHARS = 6  # '138', '|', '•': counters and separators; longer numeric lines are data


@dataclass(frozen=True, slots=True)
class BlockVerdict:
    """Keep or drop one block, with the reason a dropped block is recorded under."""
    keep: bool
    reason: str | None = None


KEEP = BlockVerdict(True)
DROP_NO_LETTERS = BlockVerdict(False, NO_LETTERS)
DROP_REPEAT = BlockVerdict(False, REPEAT_IN_PAGE)
DROP_DATE = BlockVerdict(False, DATE_LINE)
DROP_LABEL = BlockVerdict(False, LABEL_LINE)


# A block's facts that depend on its text alone, remembered for the blocks seen last: a crawl repeats its
# lines (a site's chrome on each of its pages, a syndicated story's paragraphs on each copy; the 10,000-page
# scale file: a third of a batch's blocks are distinct), so most are worked out once. Pure functions of
# the text: the same verdicts as working them out on every page.
BLOCK_MEMO = 16384


@memo(BLOCK_MEMO)
def _normalised(block: str) -> str:
    """`normalise_text(block)`, remembered."""
    return normalise_text(block)


def blocks_hash(blocks: list[str]) -> str:
    """`text_hash(join_blocks(blocks))` from each block's `normalise_text`, remembered per block (`norms_hash`:
    the same digest). The signing pass hashes a text the site pass changed: its blocks are the ingest's, and
    the copies of a story share most of them, so most blocks are normalised once."""
    return norms_hash([_normalised(b) for b in blocks])


@memo(BLOCK_MEMO)
def _block_facts(block: str, norm: str) -> tuple[str, tuple[str, ...] | None, frozenset[str] | None,
                                                  BlockVerdict | None, BlockVerdict]:
    """(exact-repeat key, comparable tokens if sized for near repeats else None, their set, the verdict
    that comes before the repeat tests (no letters) or None, the verdict after them (date line, label
    line or KEEP)) of a block, for `within_page`."""
    key = tidy_spaces(block.lower())
    words = norm.split()
    # a run of a script written without spaces is one "word" a clause long: compared by its character
    # bigrams (a number beside them counted twice), sized by its word-equivalents
    tokens = comparable_tokens(words, words_twice=True)
    size = len(words) if tokens is words else word_count(norm)
    sized = tuple(tokens) if NEAR_REPEAT_MIN_TOKENS <= size <= NEAR_REPEAT_MAX_TOKENS else None
    first = DROP_NO_LETTERS if not has_letters(block) and len(block.strip()) <= NO_LETTERS_MAX_CHARS else None
    last = DROP_DATE if is_date_line(block, norm) else DROP_LABEL if is_label_line(block) else KEEP
    return key, sized, (frozenset(sized) if sized is not None else None), first, last


@memo(BLOCK_MEMO)
def _keyed(norm: str) -> tuple[int, bool]:
    """(block key, whether it is a short block's key) of a block's `normalise_text`, for `page_batch`."""
    folded = fold_digits(norm)
    # short lines with letters and no number: a price, a score or a phone number is data, and its
    # digits are folded in the key, so different values would count as one line (a norm is
    # single-spaced: at most CROSS_STORY_MAX_WORDS words is fewer spaces than that; text written without
    # spaces counts in word-equivalents: a paragraph of Chinese is not a short line)
    short = folded.count(" ") < CROSS_STORY_MAX_WORDS and "0" not in folded and has_letters(folded) \
        and _short_spaceless(folded)
    return key_of_norm(folded), short


def within_page(blocks: list[str], norms: list[str] | None = None) -> list[BlockVerdict]:
    """Verdict per block from the page alone.

    - a block that appears exactly twice loses its second occurrence (the lead repeated as a
      summary, a second footer); the first stays where the page has it. Blocks seen three times or
      more are the page's own structure (list items, interview questions, code) and stay. A block
      whose words are nearly all (90 %) in an earlier block of similar size is a near repeat
      ('Tags: a | b' then 'a, b'; a date line with and without its time zone); text written without
      spaces (Chinese, Japanese, Thai...) is compared by its character bigrams and sized in word-equivalents
      (a number there weighs as two bigrams);
    - tiny blocks without a letter (comment counts, separators), date/time-only lines and labelled
      metadata lists ('Tags: ...') are dropped.
    Inside one page numbers count: 'Step 2' does not repeat 'Step 1'.
    `norms`: the blocks' `normalise_text`, when the caller has them already.
    """
    # exact repeats: case and spacing folded only ('© Newsmax Media, Inc.' is not 'Newsmax Media, Inc.')
    facts = [_block_facts(b, n) for b, n in zip(blocks, norms if norms is not None else map(_normalised, blocks))]
    counts = Counter(f[0] for f in facts)
    verdicts: list[BlockVerdict] = []
    seen: set[str] = set()
    earlier_tokens: list[set[str]] = []
    earlier_sets: list[frozenset[str]] = []
    postings: dict[str, list[int]] = {}   # token -> the earlier sized blocks holding it
    budget = [NEAR_REPEAT_CHECKS]
    # a page of few blocks compares each block with every earlier one: the same answers (its comparisons
    # cannot spend the budget), without the postings, which cost more than the comparisons there
    every = len(blocks) <= NEAR_REPEAT_EVERY_BLOCKS
    for key, tokens, token_set, first, last in facts:
        if first is not None:
            verdict = first
        elif counts[key] >= STRUCTURAL_REPEATS:
            verdict = KEEP
        elif key in seen:
            verdict = DROP_REPEAT
        elif tokens is not None and (_near_repeat_any(token_set, earlier_sets) if every  # type: ignore[arg-type]
                                     else _near_repeat(list(tokens), earlier_tokens, postings, budget)):
            verdict = DROP_REPEAT
        else:
            verdict = last
        seen.add(key)
        if tokens is not None:
            if every:
                earlier_sets.append(token_set)  # type: ignore[arg-type]
            else:
                index = len(earlier_tokens)
                earlier_tokens.append(set(tokens))
                for token in earlier_tokens[-1]:
                    postings.setdefault(token, []).append(index)
        verdicts.append(verdict)
    return verdicts


def _near_repeat_any(mine: frozenset[str], earlier: list[frozenset[str]]) -> bool:
    """`_near_repeat` of a block's token set by comparing it with every earlier block (for pages of few blocks)."""
    if not mine:
        return False
    need = NEAR_REPEAT_CONTAINMENT * len(mine)
    most = 1.5 * len(mine) + 1
    # (an earlier block of fewer than `need` tokens cannot share `need` of them)
    return any(need <= len(other) <= most and len(mine & other) >= need for other in earlier)


def _near_repeat(tokens: list[str], earlier: list[set[str]], postings: dict[str, list[int]],
                 budget: list[int] | None = None) -> bool:
    """Is an earlier block of about the same size made of (nearly) all these tokens?

    Compared with the earlier blocks that hold one of this block's k rarest tokens only, where
    k = |tokens| - ceil(need) + 1: one that shares `need` tokens misses at most k - 1 of them, so it
    holds one of any k (prefix filtering). The same answer as comparing with every earlier block,
    without the quadratic cost on a page of thousands of lines (8,000 short lines took 87 s).
    `budget` ([comparisons left]) bounds the work on one page: spent, no more near repeats are found."""
    mine = set(tokens)
    need = NEAR_REPEAT_CONTAINMENT * len(mine)
    k = len(mine) - math.ceil(need) + 1
    if len(mine.difference(postings)) >= k:  # k tokens no earlier block holds: the rarest k hit nothing
        return False
    probe = sorted(mine, key=lambda t: len(postings.get(t, ())))[:k] if k < len(mine) else mine
    checked: set[int] = set()
    for token in probe:
        for j in postings.get(token, ()):
            if j in checked:
                continue
            checked.add(j)
            if budget is not None:
                if budget[0] <= 0:
                    return False
                budget[0] -= 1
            other = earlier[j]
            # a near repeat has about the same size: a short line inside a long paragraph is not one
            if len(other) <= 1.5 * len(mine) + 1 and len(mine & other) >= need:
                return True
    return False


def apply_verdicts(blocks: list[str], verdicts: list[BlockVerdict]) -> tuple[list[str], int, int]:
    """(kept blocks, number removed, characters removed)."""
    kept = [b for b, v in zip(blocks, verdicts) if v.keep]
    removed = [b for b, v in zip(blocks, verdicts) if not v.keep]
    return kept, len(removed), sum(len(b) for b in removed)


def page_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Stage function over a `docs` batch: the within-page pass, block keys and the text columns."""
    # only the columns read here are turned into Python objects (the others, timestamps and evidence
    # structs among them, cost more to convert than the pass itself) and only those written are rebuilt
    cols = {name: batch.column(name).to_pylist() for name in
            ("blocks", "removed_reasons", "removed_blocks", "boilerplate_chars_removed", "reject_reason",
             "reject_detail", "title", "html_title")}
    n = batch.num_rows
    columns = ("blocks", "block_keys", "short_block_keys", "blocks_removed", "boilerplate_chars_removed",
               "removed_reasons", "removed_blocks", "text", "n_chars", "text_hash")
    out: dict[str, list[Any]] = {k: [None] * n for k in columns}
    reasons, details = cols["reject_reason"], cols["reject_detail"]
    for i in range(n):
        blocks = cols["blocks"][i]
        if reasons[i] is not None or blocks is None:
            continue
        texts = [_normalised(b) for b in blocks]
        verdicts = within_page(blocks, texts)
        kept, n_removed, chars = apply_verdicts(blocks, verdicts)
        # the extractor's own removals (block model, leaked markup) come first
        earlier = cols["removed_reasons"][i] or []
        out["removed_reasons"][i] = earlier + [v.reason for v in verdicts if not v.keep]
        gone = [b for b, v in zip(blocks, verdicts) if not v.keep]
        out["removed_blocks"][i] = (cols["removed_blocks"][i] or []) + gone
        out["blocks_removed"][i] = len(earlier) + n_removed
        out["boilerplate_chars_removed"][i] = (cols["boilerplate_chars_removed"][i] or 0) + chars
        if not kept:
            reasons[i], details[i] = "no_text", "every block of the page was page chrome (within-page pass)"
            continue
        wall = status_page_head(cols["title"][i], kept, cols["html_title"][i])
        if wall is not None:
            reasons[i], details[i] = NOT_A_STORY, f"a server-generated page, not a story: {wall[:80]!r} names it"
            continue
        body = join_blocks(kept)
        out["blocks"][i] = kept
        kept_texts = [t for t, v in zip(texts, verdicts) if v.keep]
        keyed = [_keyed(t) for t in kept_texts]
        out["block_keys"][i] = [k for k, _ in keyed]
        out["short_block_keys"][i] = sorted({k for k, short in keyed if short})
        out["text"][i], out["n_chars"][i], out["text_hash"][i] = body, len(body), norms_hash(kept_texts)
    out["reject_reason"], out["reject_detail"] = reasons, details
    sch = batch.schema
    arrays = [pa.array(out[name], sch.field(name).type) if name in out else batch.column(name) for name in sch.names]
    return pa.RecordBatch.from_arrays(arrays, schema=sch)


# --------------------------------------------------------------------------- a page's own removals, for audit

# boilerplate/'s rows of the blocks a page lost by itself (extraction's line guards and block model, the
# within-page pass), one per (domain, block, reason); the site passes' rows are `site_chrome`'s
PAGE_REMOVALS_SCHEMA = pl.Schema({"domain": pl.String, "block_key": pl.Int64, "action": pl.String, "pages": pl.UInt32,
                                   "sample_text": pl.String})
# the headline is not removed text: it moved to the `title` column (`cleaning.headline_lines`)
NOT_REMOVED = frozenset({HEADLINE})
SITE_ACTIONS = (SITE_CHROME, STORY_CHROME)  # boilerplate/'s rows that later builds and rehydration read back


def site_rows(boilerplate: pl.DataFrame) -> pl.DataFrame:
    """boilerplate/'s rows of the site passes (a release older than the page rows has only those)."""
    if "action" not in boilerplate.columns:
        return boilerplate
    return boilerplate.filter(pl.col("action").is_null() | pl.col("action").is_in(SITE_ACTIONS))


def page_removals(docs: pl.DataFrame) -> pl.DataFrame:
    """`docs` rows (doc_id, domain, removed_blocks, removed_reasons, and `withhold_text` when the build has
    it) -> one row per (domain, block key, reason) with the pages it was removed from and its smallest text
    (not order-dependent) among the pages whose text is published: a row seen only on pages published
    without their text has none. Merge the results of several parts with `merge_page_removals`."""
    shown = ~pl.col("withhold_text").fill_null(False) if "withhold_text" in docs.columns else pl.lit(True)
    removed = docs.select("doc_id", pl.col("domain").fill_null(""), pl.col("removed_blocks").alias("sample_text"),
                          pl.col("removed_reasons").alias("action"), shown.alias("shown")
                          ).explode("sample_text", "action").filter(
        pl.col("action").is_not_null() & pl.col("sample_text").is_not_null()
        & ~pl.col("action").is_in(list(NOT_REMOVED)))
    # a chrome line recurs on many pages: each distinct text is keyed once
    texts = removed["sample_text"].unique().to_list()
    keys = pl.DataFrame({"sample_text": texts, "block_key": [block_key(t) for t in texts]},
                        schema={"sample_text": pl.String, "block_key": pl.Int64})
    return removed.join(keys, on="sample_text").group_by("domain", "block_key", "action").agg(
        pl.col("doc_id").n_unique().cast(pl.UInt32).alias("pages"), pl.col("sample_text").filter("shown").min()
    ).select(list(PAGE_REMOVALS_SCHEMA)).cast(PAGE_REMOVALS_SCHEMA)


def merge_page_removals(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Page-removal rows of several parts as one table (a page is in one part: pages add up)."""
    both = pl.concat([pl.DataFrame(schema=PAGE_REMOVALS_SCHEMA), *frames])
    return both.group_by("domain", "block_key", "action").agg(
        pl.col("pages").sum().cast(pl.UInt32), pl.col("sample_text").min()).sort("domain", "block_key", "action")


# --------------------------------------------------------------------------- across the pages of a site

def occurrences(docs: pl.DataFrame, stories: pl.DataFrame) -> pl.DataFrame:
    """`docs` rows (doc_id, domain, block_keys, reject_reason) -> one row per (doc, story, domain,
    block_key) of the kept documents found in `stories` (doc_id, doc, story): the input of
    `site_chrome`, built part by part by both engines. A record without a URL has no site, so no statistics:
    such records were pooled under one domain `""`, and a block in 4 stories of them, from any sites, became
    that "site's" chrome."""
    return (docs.filter(pl.col("reject_reason").is_null() & (pl.col("domain").fill_null("") != ""))
            .join(stories.select("doc_id", "doc", "story"), on="doc_id", how="inner")
            .select("doc", "story", pl.col("domain").fill_null("").cast(pl.String), "block_keys")
            .explode("block_keys").rename({"block_keys": "block_key"}).drop_nulls("block_key").unique())


def site_chrome(occurrences: pl.DataFrame, min_stories: int) -> pl.DataFrame:
    """Blocks repeated across the stories of one site.

    occurrences: one row per (doc or doc_id, domain, story, block_key) for kept blocks, where `story` is a
    preliminary near-duplicate cluster. A block seen in at least `min_stories` different stories of
    the same domain is chrome there: story text repeats only inside its own story (re-crawls, URL
    variants, updates), so counting stories rather than pages keeps a story that a site ran five times.
    A domain with fewer stories than that has no statistics: only the within-page pass applies.
    Returns domain, block_key, pages, stories.
    """
    page = "doc" if "doc" in occurrences.columns else "doc_id"
    per_block = occurrences.group_by("domain", "block_key").agg(
        pl.col(page).n_unique().alias("pages"), pl.col("story").n_unique().alias("stories")
    )
    return (per_block.filter(pl.col("stories") >= min_stories)
            .with_columns(pl.col("domain").cast(pl.String)).sort("domain", "block_key"))


CHROME_SCHEMA = pl.Schema({"domain": pl.String, "block_key": pl.Int64, "pages": pl.UInt32, "stories": pl.UInt32})


def no_chrome() -> pl.DataFrame:
    """An empty chrome table (no site statistics: `site_chrome = false`, or nothing repeated)."""
    return pl.DataFrame(schema=CHROME_SCHEMA)


def count_site_chrome(parts: list[Path], stories: pl.DataFrame, min_stories: int) -> pl.DataFrame:
    """`site_chrome` over every docs part, in this process: one (doc, block) table with the doc as a
    small integer and the domain categorical, because it is the largest table of the build (about 30
    rows a page)."""
    frames = []
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(
                batch_size=4096, columns=["doc_id", "domain", "block_keys", "reject_reason"]):
            frames.append(occurrences(frame(batch), stories)
                          .with_columns(pl.col("domain").cast(pl.Categorical)))
    if not frames:
        return no_chrome()
    return site_chrome(pl.concat(frames), min_stories)


def chrome_lookup(chrome: pl.DataFrame) -> dict[str, set[int]]:
    """The chrome table as {domain: {block_key, ...}}, for the per-row passes."""
    lookup: dict[str, set[int]] = {}
    for domain, key in chrome.select("domain", "block_key").iter_rows():
        lookup.setdefault(domain, set()).add(key)
    return lookup


_NO_KEYS: frozenset[int] = frozenset()


def final_blocks(blocks: list[str] | None, keys: list[int] | None, domain: str | None,
                 chrome: dict[str, set[int]], title: str | None = None,
                 headings: list[int] | None = None) -> tuple[list[str], list[str], int]:
    """`final_blocks_keyed` without the removed blocks' keys."""
    kept, reasons, _, chars = final_blocks_keyed(blocks, keys, domain, chrome, title, headings)
    return kept, reasons, chars


def final_blocks_keyed(blocks: list[str] | None, keys: list[int] | None, domain: str | None,
                       chrome: dict[str, set[int]], title: str | None = None,
                       headings: list[int] | None = None) -> tuple[list[str], list[str], list[int], int]:
    """Blocks left after the cross-site pass: (kept, the reason of each removed block, its key (boilerplate/'s
    `block_key`), removed chars):
    SITE_CHROME for a block of the site's own set, STORY_CHROME for one of the cross-story set. `keys` are the
    blocks' `block_key`s (as `page_batch` wrote them).

    The page's own headline stays even when the site lists it under 'related' on other pages, and so
    does a wire agency's copyright line (story text, not the site's), and so do the page's section
    headings (`headings`: keys of headings followed by its article text, such as 'Conclusion')."""
    if not blocks:
        return [], [], [], 0
    # a key is chrome when in the site's set or the cross-site set: looked up in both rather than in
    # their union built for every page; a page none of whose keys is chrome is returned as it came
    own, cross = chrome.get(domain or "", _NO_KEYS), chrome.get(CROSS_SITE, _NO_KEYS)
    kept_headings = set(headings) if headings else _NO_KEYS
    hits = [k is not None and (k in own or k in cross) and k not in kept_headings for k in keys or ()]
    if not any(hits):
        return blocks, [], [], 0
    headline = normalise_text(title) if title and word_count(title) >= 4 else None
    # a block is the headline only if its key is the headline's: the others are not normalised again
    headline_key = key_of_norm(fold_digits(headline)) if headline else None
    kept, reasons, removed_keys, chars = [], [], [], 0
    for b, k, hit in zip(blocks, keys or (), hits):  # zip: as the rule read the keys, block by block
        if hit and not (k == headline_key and normalise_text(b) == headline) and not is_wire_notice(b):
            reasons.append(SITE_CHROME if k in own else STORY_CHROME)
            removed_keys.append(k)
            chars += len(b)
        else:
            kept.append(b)
    return kept, reasons, removed_keys, chars


def short_occurrences(docs: pl.DataFrame, stories: pl.DataFrame) -> pl.DataFrame:
    """`docs` rows (doc_id, domain, short_block_keys, reject_reason) -> one row per (story, domain,
    block_key) of the short blocks of kept documents: the input of `cross_story_chrome`."""
    return (docs.filter(pl.col("reject_reason").is_null())
            .join(stories.select("doc_id", "doc", "story"), on="doc_id", how="inner")
            .select("doc", "story", pl.col("domain").fill_null("").cast(pl.String), "short_block_keys")
            .explode("short_block_keys").rename({"short_block_keys": "block_key"}).drop_nulls("block_key").unique())


CROSS_STORY_MIN_STORIES = 4
CROSS_STORY_MIN_DOMAINS = 3


def cross_story_chrome(short: pl.DataFrame, min_stories: int = CROSS_STORY_MIN_STORIES,
                       min_domains: int = CROSS_STORY_MIN_DOMAINS) -> pl.DataFrame:
    """Short blocks repeated across different stories of different sites: chrome wherever they appear.

    "Advertisement", "HIDE CAPTION", "Share this article", a cookie prompt: a line of at most
    CROSS_STORY_MAX_WORDS words seen in `min_stories` different stories (preliminary near-duplicate
    clusters) on `min_domains` different domains. Copies of one story count once, so a line that
    syndicated copies share stays. Returns rows like `site_chrome`'s with domain CROSS_SITE.
    """
    per_block = short.group_by("block_key").agg(
        pl.col("doc").n_unique().alias("pages"), pl.col("story").n_unique().alias("stories"),
        pl.col("domain").n_unique().alias("domains"))
    return (per_block.filter((pl.col("stories") >= min_stories) & (pl.col("domains") >= min_domains))
            .select(pl.lit(CROSS_SITE).alias("domain"), "block_key", pl.col("pages").cast(pl.UInt32),
                    pl.col("stories").cast(pl.UInt32)).sort("block_key"))


def count_cross_story_chrome(parts: list[Path], stories: pl.DataFrame) -> pl.DataFrame:
    """`cross_story_chrome` over every docs part, in this process (short blocks only: a small table)."""
    frames = [short_occurrences(frame(batch), stories)
              for part in parts
              for batch in pq.ParquetFile(part).iter_batches(
                  batch_size=4096, columns=["doc_id", "domain", "short_block_keys", "reject_reason"])]
    if not frames:
        return no_chrome()
    return cross_story_chrome(pl.concat(frames))
