"""passages: the long sentences two documents share verbatim, the paragraph-level evidence of a copy.

MinHash sees the whole text: a trimmed cut, a write-thru with a new top or an outlet's edit ("Mr"
added, British spelling) of a story keeps most of its sentences word for word, yet its word 5-gram
containment can fall to 0.5 once each copy carries its own captions, teasers and credits. The
sentences themselves are a cheaper and sharper signal: a *passage* is a sentence of at least
PASSAGE_MIN_WORDS words (case, punctuation and courtesy titles folded), kept as a 64-bit hash with
its word count and the paragraph (block) it sits in (`text/sentences.py` reads them; this module compares
two documents' passages).

Two documents are copies by their passages when the passages they share make up at least a share of
the smaller one's passage words (`coverage`) AND come from at least `min_paragraphs` different
paragraphs of each. The second condition is what keeps different stories apart: a quote one story
takes from another, a standard wire line ("Associated Press writers contributed to this report"), a
template paragraph or two same-event sentences sit in one paragraph; a copy of a story shares
sentences all through it.

Within one site, the long sentences two pages share are as often its own standing text (an author bio, a
disclaimer, a newsletter blurb on two or three pages, too few for the site pass to count) as a version of
one story, so two pages of one site need shared passages from more paragraphs of each
(`verify_passage_site_paragraphs`, 4: one more than such standing text holds) at the same coverage, and
a story's worth of them (SITE_MIN_SHARED_WORDS): a news site's write-thru or updated story at a new URL
shares sentences all through, while its standing text, or the subheads and teasers two of its pages keep,
are a few short paragraphs. Longer standing prose (an old story's residue in a small site's chrome) below two stories
shares more; that each page's own text all sits above it tells the two stories apart (`stories_above_shared`).

A copy that is a short text inside a long, chrome-heavy page (a cut of a story's first paragraphs, a
wire story's trimmed copy) has a word 5-gram Jaccard far under what LSH proposes, so it is never checked.
The long passages two pages share propose them instead (`candidate_keys`: sentences of
CANDIDATE_MIN_WORDS words or more, as extra LSH buckets, `lsh.passage_edges`); a passage on more than
CANDIDATE_MAX_PAGES pages (a standard wire line, a template sentence of a big site) proposes nothing, so the
pairs stay bounded. The verification decides as for every other candidate.

A page's own leftover chrome sentences count in its passage words, so a short cut inside a chrome-heavy page
covers too little of it. A long passage that other pages of the same site hold too, outside the pair checked, is
that site's template or chrome residue (stories counted, not pages: a story's own re-crawls and URL variants on
its site are not template): a pair is also a copy when its passages are, with those set aside
(`site_pages`, `story_figures`; docs/extraction.md, "Real copies round 5").

A cut of a story's first two paragraphs holds its passages in two paragraphs, under the three two sites' pages
must share. Across sites two are enough when they are the longer page's lead, with its story going on after
them, and cover the shorter page as above (`lead_cut`): what different stories share from two paragraphs (two wire
lines or a comments notice at their ends, a teaser page's excerpt of a story's later paragraphs) is not the top of
a longer story (docs/extraction.md, "Real copies round 6"). A cut whose page keeps prose of its own (a bio, a blurb
on no other page of its site) covers less of it: a longer shared lead suffices at a lower coverage (round 8).

Two pages of one site that MinHash accepts by containment alone can be two short stories carrying the same two or
three standing paragraphs (a bio, a disclaimer, a newsletter blurb, a comments note: too few pages of the site for the
site pass to count them), the standing text most of the shorter page's shingles. A paragraph two pages share while
their OTHER text differs is no evidence of one story: such an edge stands only when their shared passages come from
`verify_passage_site_paragraphs` paragraphs or make a story's worth of words (SITE_MIN_SHARED_WORDS), the longer
page opens with them (a cut of its lead) unless each page holds text of its own between what they share (standing
text at the top and at the end of two stories, `own_text_between`: round 10), or the shorter page keeps under
STANDING_OWN_WORDS passage words of its own (`standing_text_only`; docs/extraction.md, "Real copies round 9").

Server-generated pages (`serverpages.is_status_page`: a redirect, a "404 Not Found", a "Service Unavailable"
page) are not stories: two sites' "Moved Permanently - The document has moved here" pages are alike word for
word, and must never join each other or anything else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from dedup.text.sentences import PASSAGE_MIN_WORDS, Passages

# two pages of one site are copies by their passages only when these share at least this many words: the
# standing text or kept teasers of two pages of one site measured 44-141 (docs/extraction.md, "Real copies:
# versions on one site"), the versions MinHash leaves 196 and more
SITE_MIN_SHARED_WORDS = 150
# a passage of at least this many words makes its pages candidates (`candidate_keys`); one on more than
# CANDIDATE_MAX_PAGES pages makes none (a standard wire line, a site's template sentence on thousands of pages
# would otherwise propose every page that carries it): docs/extraction.md, "Real copies round 4"
CANDIDATE_MIN_WORDS = 12
CANDIDATE_MAX_PAGES = 32


def candidate_keys(found: Passages) -> np.ndarray:
    """The keys of a document's passages that make it a candidate of every document sharing one."""
    return found.keys[found.words >= CANDIDATE_MIN_WORDS]


def candidate_rows(found: Sequence[Passages], status: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(key, position in `found`) of every long passage (`candidate_keys`) of the documents that are not
    server-generated pages (`status`): the rows `lsh.passage_edges` makes candidates of."""
    keys = [candidate_keys(p) for p in found]
    if status is not None:
        keys = [k[:0] if s else k for k, s in zip(keys, status.tolist())]
    counts = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    key = np.concatenate(keys).astype(np.uint64) if keys else np.empty(0, np.uint64)
    return key, np.repeat(np.arange(len(keys), dtype=np.int64), counts)


def shared(a: Passages, b: Passages) -> tuple[float, int]:
    """(coverage, paragraphs): the shared passages' words over the smaller document's passage words,
    and the fewer of the two documents' paragraphs that hold a shared passage."""
    coverage, paragraphs, _ = shared_figures(a, b)
    return coverage, paragraphs


def shared_figures(a: Passages, b: Passages) -> tuple[float, int, int]:
    """`shared`'s (coverage, paragraphs) and the shared passages' words."""
    small = min(a.total_words, b.total_words)
    if small == 0:
        return 0.0, 0, 0
    common, at_a, at_b = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    if not len(common):
        return 0.0, 0, 0
    words = int(a.words[at_a].sum())
    paragraphs = min(len(np.unique(a.blocks[at_a])), len(np.unique(b.blocks[at_b])))
    return min(1.0, words / small), paragraphs, words


def site_key(domain: str | None) -> int:
    """A 64-bit key of a document's registered domain (0: none): the passage rule applies across sites."""
    if not domain:
        return 0
    return int.from_bytes(hashlib.blake2b(domain.encode("utf-8"), digest_size=8).digest(), "little")


# how many stories of a site besides the page's own (or the pair's own) must hold a long passage for it to be that
# site's template (`story_figures`): stories, not pages (a story's re-crawls and URL variants are one pass-1 story);
# 2 gains nothing on the copies bench (docs/extraction.md, "Real copies round 5b")
TEMPLATE_OTHER_STORIES = 1


def site_rows(key: np.ndarray, at: np.ndarray, sites: np.ndarray,
              stories: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The (long passage, site) key of each `candidate_rows` row (`key`, of the document at `at`) whose
    document's site is known (`sites`: `site_key` per document, 0 unknown): the two keys mixed, so a passage
    counts the stories of one site that hold it (`site_repeats`); and the story of each such row (`stories`:
    the pass-1 story of each document, `VerifyParams.for_stories`; None: each document a story of its own)."""
    site = sites[at].astype(np.uint64, copy=False)
    known = site != 0
    story = (at if stories is None else stories[at]).astype(np.uint64, copy=False)
    return key[known].astype(np.uint64, copy=False) ^ site[known], story[known]


def site_repeats(keys: np.ndarray, stories: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`site_rows` -> (key, stories) of the (passage, site) keys two stories or more hold, keys sorted: a long
    passage of one story only (its re-crawls, its http and https copies, its URL variants: pages of one story
    on one site) is that story's, whatever the pages."""
    order = np.lexsort((stories, keys))
    keys, stories = keys[order], stories[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (stories[1:] != stories[:-1])
    found, counts = np.unique(keys[first], return_counts=True)
    more = counts > 1
    return found[more], counts[more].astype(np.int64)


def site_pages(found: Passages, site: int, repeats: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """How many stories of the document's site hold each of its passages (`site_repeats`): 1 but for the long
    passages (`candidate_keys`) other stories of the site hold too; 1 for every one where the site is not known."""
    pages = np.ones(len(found.keys), np.int64)
    keys, counts = repeats
    if not site or not len(keys) or not len(found.keys):
        return pages
    long = np.flatnonzero(found.words >= CANDIDATE_MIN_WORDS)
    mixed = found.keys[long] ^ np.uint64(site)
    at = np.minimum(np.searchsorted(keys, mixed), len(keys) - 1)
    hit = keys[at] == mixed
    pages[long[hit]] = counts[at[hit]]
    return pages


def story_figures(a: Passages, b: Passages, pages_a: np.ndarray, pages_b: np.ndarray,
                  one_site: bool) -> tuple[float, int, int]:
    """`shared_figures` with each page's site template set aside: a passage that TEMPLATE_OTHER_STORIES stories
    of its site or more hold besides the pair's own (`pages_a`, `pages_b`: `site_pages`, stories counted) is that
    site's standing text or chrome residue, not story. It leaves the
    page's passage words (a short cut inside a chrome-heavy page is then measured against its story part), and
    when the two pages share it, the shared passages too (two stories under one chrome share its residue)."""
    common, at_a, at_b = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    if not len(common):
        return 0.0, 0, 0
    pair = 2 if one_site else 1  # the pair's own stories on a site (two different stories on one site)
    template = (pages_a[at_a] >= pair + TEMPLATE_OTHER_STORIES) | (pages_b[at_b] >= pair + TEMPLATE_OTHER_STORIES)
    story_a, story_b = at_a[~template], at_b[~template]
    words = int(a.words[story_a].sum())
    if not words:
        return 0.0, 0, 0
    own_a = np.ones(len(a.keys), dtype=bool)
    own_a[at_a] = False
    own_b = np.ones(len(b.keys), dtype=bool)
    own_b[at_b] = False
    other = 1 + TEMPLATE_OTHER_STORIES
    left_a = a.total_words - int(a.words[own_a & (pages_a >= other)].sum()) - int(a.words[at_a[template]].sum())
    left_b = b.total_words - int(b.words[own_b & (pages_b >= other)].sum()) - int(b.words[at_b[template]].sum())
    paragraphs = min(len(np.unique(a.blocks[story_a])), len(np.unique(b.blocks[story_b])))
    return min(1.0, words / max(1, min(left_a, left_b))), paragraphs, words


# a cut of a story's first paragraphs on another site (round 6): passages shared from this many paragraphs of each
# suffice, when they are the lead of the longer document (among its first LEAD_CUT_WINDOW paragraphs that hold a
# passage, and followed by LEAD_CUT_REST times their words or more: the story goes on) and make LEAD_CUT_MIN_WORDS
# words or more (docs/extraction.md, "Real copies round 6")
LEAD_CUT_PARAGRAPHS = 2
LEAD_CUT_WINDOW = 6
LEAD_CUT_MIN_WORDS = 40
LEAD_CUT_REST = 0.5
# a lead cut whose page keeps other prose (a bio, a blurb, a teaser on no other page of its site) covers less of it
# (round 8): LEAD_CUT_LOW_COVERAGE times the rule's coverage suffices when the shared lead makes LEAD_CUT_LOW_MIN_WORDS
# words or more, above the 48-word standing text (a comments note and a subscription blurb) two domains of one site
# share at 0.32 on the copies bench's `tune` pairs (docs/extraction.md, "Real copies round 8")
LEAD_CUT_LOW_COVERAGE = 0.6
LEAD_CUT_LOW_MIN_WORDS = 50


def lead_cut_covers(words: int, smaller: int, coverage: float) -> bool:
    """Whether a lead cut's shared passage words cover enough of the shorter document's `smaller` passage words:
    `coverage` of them and LEAD_CUT_MIN_WORDS or more, or LEAD_CUT_LOW_COVERAGE times that and
    LEAD_CUT_LOW_MIN_WORDS or more (a cut whose page keeps other prose of its own)."""
    if words >= LEAD_CUT_MIN_WORDS and words >= coverage * smaller:
        return True
    return words >= LEAD_CUT_LOW_MIN_WORDS and words >= LEAD_CUT_LOW_COVERAGE * coverage * smaller


def lead_cut(a: Passages, b: Passages, coverage: float, counted: tuple[np.ndarray, np.ndarray] | None = None) -> bool:
    """Two documents of two different sites, one a cut of the other's first paragraphs: the shorter covered by
    the passages they share (`coverage` of its passage words, LEAD_CUT_MIN_WORDS words or more) from
    LEAD_CUT_PARAGRAPHS paragraphs or more of each, which are the longer one's lead (among its first
    LEAD_CUT_WINDOW paragraphs that hold a passage, with LEAD_CUT_REST times their words after them). A cut of two
    paragraphs holds its passages in two; what different stories share from two paragraphs (a quote and a background
    line, two wire lines or a comments notice at their ends, a related story's excerpt among a page's teasers) is not
    both the shorter one's text and the top of a longer story.
    `counted`: which passages of each count (its site's template set aside, as `story_figures` does; a shared one
    counts when it does on both sides); None: all."""
    common, at_a, at_b = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    if len(common) < LEAD_CUT_PARAGRAPHS:
        return False
    in_a = np.ones(len(a.keys), dtype=bool) if counted is None else counted[0].copy()
    in_b = np.ones(len(b.keys), dtype=bool) if counted is None else counted[1].copy()
    both = in_a[at_a] & in_b[at_b]
    in_a[at_a], in_b[at_b] = both, both
    at_a, at_b = at_a[both], at_b[both]
    words = int(a.words[at_a].sum())
    total_a, total_b = int(a.words[in_a].sum()), int(b.words[in_b].sum())
    if not lead_cut_covers(words, min(total_a, total_b), coverage):
        return False
    if min(len(np.unique(a.blocks[at_a])), len(np.unique(b.blocks[at_b]))) < LEAD_CUT_PARAGRAPHS:
        return False

    def lead_of(found: Passages, counts: np.ndarray, at: np.ndarray) -> bool:
        # (two short pages that end in the same standing text, a comments notice, share it from their last
        # paragraphs, which are also among their first few: the longer one's story must go on after them)
        last = int(found.blocks[at].max())
        if int(found.words[counts & (found.blocks > last)].sum()) < LEAD_CUT_REST * words:
            return False
        return int(np.searchsorted(np.unique(found.blocks[counts]), last)) < LEAD_CUT_WINDOW

    # the longer document's lead (either, when they hold as many passage words: the verdict is the pair's)
    return (total_a >= total_b and lead_of(a, in_a, at_a)) or (total_b >= total_a and lead_of(b, in_b, at_b))


def copies_by_passages(a: Passages, b: Passages, coverage: float, min_paragraphs: int, min_words: int = 0,
                       pages: tuple[np.ndarray, np.ndarray] | None = None, one_site: bool = False) -> bool:
    """True when two documents share passages of at least `coverage` of the smaller one's passage
    words, from at least `min_paragraphs` paragraphs of each (and of at least `min_words` words); or,
    given how many pages of its site hold each passage of each (`pages`, `site_pages`), when they do so
    with their sites' template set aside (`story_figures`); or, on two different sites, when one is a cut of
    the other's lead (`lead_cut`). Never two pages of one site whose own texts both sit above what they share
    (`stories_above_shared`)."""
    if coverage > 1.0 or len(a.keys) < min(min_paragraphs, LEAD_CUT_PARAGRAPHS) or \
            len(b.keys) < min(min_paragraphs, LEAD_CUT_PARAGRAPHS):
        return False
    if one_site and stories_above_shared(a, b):
        return False
    cover, paragraphs, words = shared_figures(a, b)
    if paragraphs >= min_paragraphs and cover >= coverage and words >= min_words:
        return True
    if not one_site and paragraphs >= LEAD_CUT_PARAGRAPHS:
        if lead_cut(a, b, coverage):
            return True
        other = 1 + TEMPLATE_OTHER_STORIES  # (two sites: the pair's own story on each)
        if pages is not None and max(pages[0].max(initial=1), pages[1].max(initial=1)) >= other and \
                lead_cut(a, b, coverage, (pages[0] < other, pages[1] < other)):
            return True
    if len(a.keys) < min_paragraphs or len(b.keys) < min_paragraphs:
        return False
    if pages is None or not words or max(pages[0].max(initial=1), pages[1].max(initial=1)) <= TEMPLATE_OTHER_STORIES:
        return False
    cover, paragraphs, words = story_figures(a, b, pages[0], pages[1], one_site)
    return paragraphs >= min_paragraphs and cover >= coverage and words >= min_words


# a one-site pair accepted by containment alone whose shared passages sit in fewer paragraphs than a story's worth
# (`verify_passage_site_paragraphs`) and make fewer words than one (SITE_MIN_SHARED_WORDS), not at the top of the
# longer page, is standing text when the page with fewer passage words keeps a passage of its own outside them (this
# many words: a sentence of its own story; the short stories of the copies bench's merged `same_site_template` pairs
# kept 13-44): docs/extraction.md, "Real copies round 9"
STANDING_OWN_WORDS = PASSAGE_MIN_WORDS


def standing_text_only(a: Passages, b: Passages, site_paragraphs: int) -> bool:
    """Whether what two pages of one site share is standing text, not one story: their shared passages sit in
    fewer than `site_paragraphs` paragraphs of either, make fewer than SITE_MIN_SHARED_WORDS words, and the page with
    fewer passage words (either, when they hold as many) keeps STANDING_OWN_WORDS passage words or more outside
    them: its own story. False when they share no passage (no evidence either way), and when the page with more
    passage words opens with what they share (a cut of its story's lead, a mobile or AMP copy, has that shape) but
    for standing text at the top and at the end of two stories: each page's own text between (`own_text_between`);
    and when either page's own text comes in two runs or more, a story edited in places (`own_text_in_one_run`)."""
    _, at_a, at_b = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    if not len(at_a) or min(len(np.unique(a.blocks[at_a])), len(np.unique(b.blocks[at_b]))) >= site_paragraphs:
        return False
    shared_words = int(a.words[at_a].sum())
    if shared_words >= SITE_MIN_SHARED_WORDS:
        return False
    total_a, total_b = a.total_words, b.total_words
    # (a page opening with what the pair shares: a cut of its lead has that shape, and so has standing text at the top
    # of two stories; told apart by the text between what they share: round 10, `own_text_between`)
    if ((total_a >= total_b and int(a.blocks.min()) == int(a.blocks[at_a].min())) or
            (total_b >= total_a and int(b.blocks.min()) == int(b.blocks[at_b].min()))) and \
            not (own_text_between(a, at_a) and own_text_between(b, at_b)):
        return False
    # (standing text sits around one story; a page whose own text is interleaved with what the pair shares is one
    # story edited in places, a paragraph rewritten and another added: round 11, `own_text_in_one_run`)
    if not (own_text_in_one_run(a, at_a) and own_text_in_one_run(b, at_b)):
        return False
    own_a, own_b = total_a - shared_words, total_b - int(b.words[at_b].sum())
    if total_a == total_b:
        return min(own_a, own_b) >= STANDING_OWN_WORDS
    return (own_a if total_a < total_b else own_b) >= STANDING_OWN_WORDS


def own_text_between(found: Passages, at: np.ndarray) -> bool:
    """Whether a page's passages at `at` (those it shares with another page) sit in two runs or more, its own text
    between them: STANDING_OWN_WORDS passage words or more in paragraphs after the first shared paragraph and before
    the last one that hold no shared passage. Two stories under the same standing text at their top and at their end
    have it on both pages; a site's cut of a story's lead (standing text and all) shares one run with the full story's
    page (docs/extraction.md, "Real copies round 10")."""
    shared_blocks = np.unique(found.blocks[at])
    first, last = int(shared_blocks[0]), int(shared_blocks[-1])
    between = (found.blocks > first) & (found.blocks < last) & ~np.isin(found.blocks, shared_blocks)
    return int(found.words[between].sum()) >= STANDING_OWN_WORDS



def own_text_in_one_run(found: Passages, at: np.ndarray) -> bool:
    """Whether a page's paragraphs holding passages of its own (none of those at `at`, the ones it shares with
    another page) between its first and its last shared paragraph follow each other, with no shared paragraph
    between them: one story, whatever standing text sits above and below it. A story re-crawled with a paragraph
    rewritten and another added shares the paragraphs between its edits with its other capture, so its own text
    there comes in two runs. Own text above the first or below the last shared paragraph is not counted: a chrome
    page's print line or correction note after the site's standing text has that place (docs/extraction.md, "Real
    copies round 11")."""
    order = np.unique(found.blocks)  # the page's paragraphs holding a passage, in page order
    shared = np.isin(order, found.blocks[at])
    inner = order[shared.argmax():len(order) - shared[::-1].argmax()]
    own = ~np.isin(inner, found.blocks[at])
    return int((own[1:] & ~own[:-1]).sum()) <= 1


# two pages of one site whose shared passages all sit below each page's own text, in two paragraphs or more of it,
# are two stories above the site's standing text (an old story's residue or a long blurb in the chrome, on the two
# pages of a site too few for the site pass to count it): docs/extraction.md, "Real copies round 12"
STORY_ABOVE_PARAGRAPHS = 2
# and with the site's chrome between the story and the standing text, this many blocks or more on each page: a site's
# later version of one story whose new top runs straight into the body it keeps (at most an ad's line or a picture's
# caption between) is that story's write-thru, not a second story (review round 29; H55's two pages: 17 blocks)
STORY_GAP_BLOCKS = 4


def stories_above_shared(a: Passages, b: Passages) -> bool:
    """Whether what two pages of one site share is standing text below two stories: on EACH page, every passage of
    its own (none the other holds) sits above its first shared paragraph, in STORY_ABOVE_PARAGRAPHS paragraphs or more
    and STANDING_OWN_WORDS words or more, with STORY_GAP_BLOCKS blocks or more between (the site's chrome). A version
    of one story (a write-thru, an update, a mobile cut) shares its story's body with the other page, and keeps own
    text below or between what they share (the end cut, the sentences reworded in place) on one page at least, or
    puts its new top straight above the body it keeps; standing text after two stories is all below both, under the
    chrome. False when they share nothing."""
    _, at_a, at_b = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    if not len(at_a):
        return False
    return _story_above(a, at_a) and _story_above(b, at_b)


def _story_above(found: Passages, at: np.ndarray) -> bool:
    own = np.ones(len(found.keys), dtype=bool)
    own[at] = False
    first = int(found.blocks[at].min())
    if (found.blocks[own] > first).any() or int(found.words[own].sum()) < STANDING_OWN_WORDS:
        return False
    if first - int(found.blocks[own].max()) <= STORY_GAP_BLOCKS:  # (own words above: `own` holds a passage)
        return False
    return len(np.unique(found.blocks[own])) >= STORY_ABOVE_PARAGRAPHS
