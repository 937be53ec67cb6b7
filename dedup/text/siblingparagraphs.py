"""siblingparagraphs: a paragraph the block model dropped that the page sets among the story's own paragraphs.

The block model judges a line by its shape and its neighbours' in resiliparse's line reading; it never sees the
page's tree. A story's paragraph after a teaser line, under a subheading the model doubted or at the story's end often
scores under the threshold (rounds 27 and 29: a layout rule over the lines could not part it from chrome). The markup
can: a `<p>` of prose that is a child of the same element as two paragraphs the model is sure of
(`cleaning.CONFIDENT_P`), or a list item of prose in a list that is such a child, is more of that story, whatever the
site or language (round 32). A box the site sets beside the story (a promo, an author box, a newsletter form) sits in
an element of its own, and a paragraph the page writes more than once (a legend, a teaser) is not judged.

Read from the raw markup, not the tree: listing a tree's `<p>` elements costs resiliparse ~40 us an element (2-3 ms
on a page of 60), while finding each judged line's start tag and counting the tags between two of them costs a few
regex scans. Two elements are children of one element when the markup from one's start tag to the other's closes
every element it opens and no other (paragraphs' and list items' optional end tags aside); a list item's list is
the one element left open (or closed) between it and a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dedup.text.layout import Line
from dedup.text.wordcount import word_count

# a line brought back is prose: this many words or more...
SIBLING_MIN_WORDS = 8
# ...at most this share of it link text...
SIBLING_MAX_LINK_SHARE = 0.2
# ...and it ends as a sentence does (a copyright notice, a "Posted by: X at 8:10 PM" line does not)
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "“", "»", "«", ")", "。", "！", "？", "\u0964")
# a line is found in the markup by its first words (up to this many), each written as the line holds it
PROBE_WORDS = 5
PROBE_MIN_CHARS = 12
# the markup between two elements read for their parent: at most this long (a page's ads and scripts between two
# paragraphs of a story are not read through)
MAX_BETWEEN = 20_000
# sure paragraphs looked up on each side of a judged line, nearest first
NEAREST_TRIED = 4
# each line looked up costs a scan of the page: a page with more lines to judge than this (none of trafilatura-eval's
# has more than 10), or longer than this, is passed over
MAX_JUDGED = 16
MAX_PAGE_CHARS = 2_000_000
# a line's first words found more often than this on the page are not looked for further (a page repeating them)...
MAX_PROBE_HITS = 50
# ...and its start tag is looked for this far before them at most (a `<p>` opening inline elements, a quotation mark)
OPENER_REACH = 400
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
# elements that take no end tag, and those whose end tag is optional (never nested in one another's parent here)
_NEUTRAL = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                      "track", "wbr", "p", "li"})
_LISTS = frozenset({"ul", "ol"})
_PLAIN_WORD = re.compile(r"[^\W_]+[.,;:!?)]?\Z")
_BETWEEN_WORDS = r"(?:\s|<[^<>]*>)+"
# a line may open with a quotation mark, a dash or a bullet, which the markup may write as an entity: the probe starts
# at its first word
_LEAD = "\"'„“”‚‘’«»‹›–—-•·*([ "
# (whitespace only after a mark: a run of spaces is never split two ways, which would make a long one quadratic)
_LEAD_MARKUP = r"(?:(?:&#?[0-9a-zA-Z]{1,8};|[^\w\s<&]){1,3}\s*)?"


def prose_paragraph(line: Line) -> bool:
    """Does a line read as prose: a `<p>` or a bare line (a list item's) of SIBLING_MIN_WORDS+ words, mostly not
    links, ended as a sentence?"""
    text = line.text.rstrip()
    return line.tag in ("p", "") and text.endswith(_SENTENCE_END) and word_count(text) >= SIBLING_MIN_WORDS \
        and line.link_chars <= SIBLING_MAX_LINK_SHARE * len(text)


def start_tag_at(html: str, text: str, tag: str) -> int | None:
    """Where the one `<tag>` element whose text starts with `text`'s first words starts in `html`; None when no such
    element, or more than one, is found, or the line's start has no plain words to look for (a word the markup may
    write as an entity)."""
    words = []
    for word in text.lstrip(_LEAD).split()[:PROBE_WORDS]:
        if not _PLAIN_WORD.match(word):
            break
        words.append(re.escape(word))
    if sum(map(len, words)) < PROBE_MIN_CHARS:
        return None
    # the words first (a literal the regex engine finds fast), then the start tag just before them
    opener = re.compile(rf"<{tag}\b[^<>]*>(?:\s|<(?!/?(?:p|li)\b)[^<>]*>)*{_LEAD_MARKUP}\Z", re.IGNORECASE)
    starts = re.compile(rf"<{tag}\b", re.IGNORECASE)
    found = []
    for seen, m in enumerate(re.finditer(_BETWEEN_WORDS.join(words), html)):
        if seen == MAX_PROBE_HITS:
            return None
        window = html[max(0, m.start() - OPENER_REACH):m.start()]
        last = None
        for last in starts.finditer(window):
            pass
        if last is not None and opener.match(window, last.start()):
            found.append(m.start() - len(window) + last.start())
            if len(found) > 1:
                return None
    return found[0] if found else None


def _without_comments(markup: str) -> str:
    """`markup` without its comments (`<!-- <div> -->` opens nothing), in one pass: an unclosed one runs to the end."""
    parts = []
    at = 0
    while (start := markup.find("<!--", at)) >= 0:
        parts.append(markup[at:start])
        end = markup.find("-->", start + 4)
        if end < 0:
            return "".join(parts)
        at = end + 3
    parts.append(markup[at:])
    return "".join(parts)


def _left_open(markup: str) -> tuple[list[str], list[str]]:
    """The elements `markup` closes without opening them and those it opens without closing them (names, in order),
    `_NEUTRAL` elements aside."""
    opened: list[str] = []
    closed: list[str] = []
    for m in _TAG.finditer(_without_comments(markup)):
        name = m.group(2).lower()
        if name in _NEUTRAL or m.group(3):
            continue
        if not m.group(1):
            opened.append(name)
        elif opened and opened[-1] == name:
            opened.pop()
        elif name in opened:  # a missing end tag inside: read as a browser closes it
            del opened[opened.index(name):]
        else:
            closed.append(name)
    return closed, opened


def _siblings(html: str, first: tuple[int, str], second: tuple[int, str]) -> bool:
    """Are the elements starting at `first` and `second` (position, tag 'p' or 'li') children of one element (a list
    item: its list a child of it)?"""
    (start, tag), (end, next_tag) = first, second
    if not 0 <= end - start <= MAX_BETWEEN:
        return False
    closed, opened = _left_open(html[start:end])
    if tag == next_tag:
        return not closed and not opened
    if tag == "p":  # a paragraph, then a list item: the list opened between them is the one element left open
        return not closed and len(opened) == 1 and opened[0] in _LISTS
    return len(closed) == 1 and closed[0] in _LISTS and not opened


def sibling_paragraph_lines(html: str, lines: Sequence[Line], probs: Sequence[float], dropped: Sequence[bool],
                            sure: float) -> list[int]:
    """The lines (positions in `lines`) that `dropped` marks (the block model's verdict only: a guard's stands) and
    that are prose (`prose_paragraph`) written once in `html`, as a `<p>` or a list item that is a child, or whose
    list is a child, of the element holding two of the `<p>` lines the model gives `sure` or more, the nearest
    before or after it."""
    wanted = [i for i, (line, gone) in enumerate(zip(lines, dropped)) if gone and prose_paragraph(line)]
    if not wanted or len(wanted) > MAX_JUDGED or len(html) > MAX_PAGE_CHARS:
        return []
    sure_lines = [i for i, (line, p) in enumerate(zip(lines, probs)) if p >= sure and line.tag == "p"]
    if len(sure_lines) < 2:
        return []
    at: dict[int, int | None] = {}

    def place(i: int) -> tuple[int, str] | None:
        tag = "p" if lines[i].tag == "p" else "li"
        if i not in at:
            at[i] = start_tag_at(html, lines[i].text, tag)
        pos = at[i]
        return None if pos is None else (pos, tag)

    found = []
    for i in wanted:
        # the nearest sure paragraphs the markup shows where they start, two a side
        nearest_before = [j for j in sure_lines if j < i][-NEAREST_TRIED:][::-1]
        before = [j for j in nearest_before if place(j) is not None][:2][::-1]
        after = [j for j in [j for j in sure_lines if j > i][:NEAREST_TRIED] if place(j) is not None][:2]
        for chain in (before + [i], before[-1:] + [i] + after[:1], [i] + after):
            if len(chain) < 3:
                continue
            spots = [spot for spot in (place(j) for j in chain) if spot is not None]
            pairs = zip(spots, spots[1:])
            if len(spots) == len(chain) and all(a[0] < b[0] and _siblings(html, a, b) for a, b in pairs):
                found.append(i)
                break
    return found
