"""pageframe: kept lines the page writes only inside its frame (footer, navigation, side boxes).

The web's own vocabulary names the parts of a page that are not its content: the `<footer>`, `<nav>` and
`<aside>` elements, their ARIA roles (`contentinfo`, `navigation`, `complementary`) and schema.org's
`WPFooter`, `WPSideBar` and `SiteNavigationElement`. resiliparse's main-content pass drops most such parts, but
not all: a shop's "about us" box and opening hours in its footer, a travel site's sources note in its colophon
(docs/extraction.md, round 26). A kept line whose text stands on the page **only** inside such elements is the
frame's, and goes (reason `page_frame`; it still reaches `boilerplate/`).

Only: a story heading also listed in a side table of contents, or a story paragraph also quoted in a teaser
box, stands outside the frame too and stays (the page's `<body>` holds its words more often than the frames
do). The lines a frame element holds that make half of the kept text or more are no box beside the content (a
page that marks its content column as a side box) and stay. A page that would keep under `MIN_KEPT_CHARS`
loses nothing. The evidence names no site: only the standard tags, roles and schema.org types above. (Hidden
parts, `hidden` and `aria-hidden`, were measured too: the main-content pass already drops them, and every icon's
`aria-hidden` made the query cost more than the rule.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from resiliparse.parse.html import HTMLTree

from dedup.text.cleaning import MIN_KEPT_CHARS, LineChoice
from dedup.text.hiddenstory import as_shown
from dedup.text.normalise import normalise_text

PAGE_FRAME = "page_frame"  # a kept line the page writes only inside its footer, navigation or side boxes

FRAME_TAGS = ("footer", "nav", "aside")
# the same parts named by an attribute: queried only on a page whose HTML names one of ATTRIBUTE_MARKS (a selector
# query walks the whole tree)
FRAME_SELECTOR = ", ".join((
    "[role=contentinfo]", "[role=navigation]", "[role=complementary]",
    "[itemtype*=WPFooter]", "[itemtype*=WPSideBar]", "[itemtype*=SiteNavigationElement]",
))
ATTRIBUTE_MARKS = (("role", ("contentinfo", "complementary", "navigation")),
                   ("itemtype", ("WPFooter", "WPSideBar", "SiteNavigationElement")))
# a frame's kept lines that make this share of the kept text or more are the page's layout, not a box beside it
FRAME_MAX_SHARE = 0.5
RAW_HEAD_CHARS = 16  # a line's start looked for in the frames' markup before the tree is read
MAX_FRAME_ELEMENTS = 100  # more frame elements than this (a page has a few) is no layout: the rule passes


def frame_texts(tree: HTMLTree, html: str) -> list[str]:
    """The texts of the page's frame elements, each counted once: an element inside another one's text is left
    out (a `<nav>` inside the `<footer>`), as is one whose text another's repeats, so the frames hold a line at
    most as often as the page shows it there, never more."""
    body = tree.body
    if body is None:
        return []
    collections = [body.get_elements_by_tag_name(name) for name in FRAME_TAGS]
    if any(attribute in html and any(mark in html for mark in values) for attribute, values in ATTRIBUTE_MARKS):
        collections.append(body.query_selector_all(FRAME_SELECTOR))
    if sum(len(found) for found in collections) > MAX_FRAME_ELEMENTS:
        return []  # no page's frame: a hostile page's thousands of nested `<aside>`s (each costs more than the last)
    found: set[str] = set()
    budget = 2 * len(html)  # nested frames repeat their text: their texts stop at twice the page's markup
    for el in (el for elements in collections for el in elements):
        text = el.text
        if text and not text.isspace():
            text = as_shown(text)  # as the kept lines read it (`layout.read_minimal_html`)
            found.add(text)
            budget -= len(text)
            if budget < 0:
                break
    texts = sorted(found, key=len, reverse=True)
    outer: list[str] = []
    for text in texts:  # the longest first: an element's text holds those of the elements inside it
        if not any(text in other for other in outer):
            outer.append(text)
    return outer


_WORD = re.compile(r"[^\W_]+")


# the frame elements' start tags, found in one pass over the page (the tags' own finds took one pass each)
_FRAME_OPENING = re.compile("<(?:" + "|".join(FRAME_TAGS) + ")")


def raw_frames(html: str) -> str:
    """The page's markup from each frame element's start tag to its end tag (`FRAME_TAGS`, in that order; to the
    page's end from the first attribute that may mark one), joined: a cheap superset of the frames' text, read
    before any element is looked up in the tree (the lookup costs more than the rest of the rule). A start tag
    inside an element of its own name (up to that element's end tag) starts nothing."""
    parts: dict[str, list[str]] = {}
    resume: dict[str, int] = {}  # per tag: where its next element may start (the end tag of the last one)
    for opening in _FRAME_OPENING.finditer(html):
        start, name = opening.start(), opening.group()[1:]
        if start < resume.get(name, 0):
            continue
        end = html.find("</" + name, start)
        parts.setdefault(name, []).append(html[start:] if end < 0 else html[start:end])
        resume[name] = len(html) if end < 0 else end
    ordered = [part for name in FRAME_TAGS for part in parts.get(name, ())]
    marks = [at for attribute, values in ATTRIBUTE_MARKS if attribute in html
             for mark in values if (at := html.find(mark)) >= 0]
    if marks:
        ordered.append(html[min(marks):])
    return "\n".join(ordered)


def _longest_word(text: str) -> str:
    """The line's longest run of letters and digits: the rarest on the page, as a rule, and written the same in
    the frames' raw text (no punctuation or spaces of the line's to differ)."""
    longest = max(text.split(), key=len, default="")
    return longest if longest.isalnum() else max(_WORD.findall(text), key=len, default="")


def _plain_word(word: str) -> bool:
    """ASCII letters and digits only: the page's HTML writes such a word as its text shows it (no entity)."""
    return word.isascii() and word.isalnum()


def beside_story(choice: LineChoice) -> list[int]:
    """The positions in `choice.kept` of the lines outside the story the model is sure of (`cleaning.sure_story`):
    every kept line when it is sure of none. A line inside that span is never judged here, and a page whose kept
    lines all lie inside it pays nothing (the frame elements are looked for on the others only)."""
    if choice.span is None:
        return list(range(len(choice.kept)))
    first, last = choice.span
    verdicts = choice.verdicts or [None] * len(choice.evidence)
    at = [i for i, verdict in enumerate(verdicts) if verdict is None]  # kept line k is evidence line at[k]
    return [k for k, i in enumerate(at) if not first <= i <= last]


def frame_lines(tree: HTMLTree, kept: Sequence[str], html: str, judged: Sequence[int] | None = None) -> list[int]:
    """The positions in `kept` of the lines whose text the page holds only inside its frame elements
    (`frame_texts`), compared as `normalise_text` reads them.

    Cheap first: a line whose start is not in the frames' raw markup (`raw_frames`) is passed over before the tree
    is read, then one the frames' text (spaces folded) does not hold. For the others, a longest word the page holds
    more often than its frames do spares the line (it may stand outside them too: a line is never taken on a
    doubt); the page is the raw HTML for a word of ASCII letters and digits (in an attribute or a script it only
    spares more), else the `<body>`'s text. Only the frames that hold a remaining line's word are normalised.
    `judged`: the positions of the lines that may go (`beside_story`; None: all)."""
    if judged is None:
        judged = range(len(kept))
    if not kept or not judged:
        return []
    raw = raw_frames(html)
    if not raw:
        return []
    # a line whose start is nowhere in the frames' markup is not theirs (a start broken by a tag is passed over);
    # a start of other characters than ASCII may be written with entities there, so such a line is looked for by
    # its longest word, which is read on when it is not ASCII letters and digits either
    judged = [k for k in judged if (head := kept[k][:RAW_HEAD_CHARS]) in raw
              or (not head.isascii() and ((word := _longest_word(kept[k])) in raw or not _plain_word(word)))]
    if not judged:
        return []
    frames = frame_texts(tree, html)
    if not frames:
        return []
    # a line the frames' text does not hold as it stands (spaces folded) is not theirs: most lines, told in C
    folded = " ".join(" ".join(frames).split())
    judged = [k for k in judged if kept[k] in folded]
    if not judged:
        return []
    page_text: str | None = None
    found: dict[int, list[int]] = {}  # frame -> the kept lines only it holds
    normalised: dict[int, str] = {}
    for k in judged:
        text = kept[k]
        word = _longest_word(text)
        holding = [i for i, frame in enumerate(frames) if word and word in frame]
        if not holding:
            continue
        inside = sum(frames[i].count(word) for i in holding)
        if _plain_word(word):
            outside = html.count(word) > inside
        else:
            if page_text is None:
                page_text = tree.body.text if tree.body is not None else ""
            outside = (page_text or "").count(word) > inside
        if outside:
            continue  # the word stands outside the frames too: so may the line
        line = normalise_text(text)
        for i in holding:
            if i not in normalised:
                normalised[i] = normalise_text(frames[i])
            if line and line in normalised[i]:
                found.setdefault(i, []).append(k)
                break
    if not found:
        return []
    total = sum(len(text) for text in kept)
    gone = sorted(k for lines in found.values() if sum(len(kept[k]) for k in lines) < FRAME_MAX_SHARE * total
                  for k in lines)
    taken = set(gone)
    left = sum(len(text) for k, text in enumerate(kept) if k not in taken)
    return gone if left >= MIN_KEPT_CHARS else []
