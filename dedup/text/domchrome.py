"""domchrome: which main-content lines sit inside elements the page itself names as chrome.

Pages say what their boxes are in class and id names, by conventions shared across the web rather than
by any one site: `share`/`social` bars, `related`/`promo`/`widget` boxes, `author`/`byline` boxes,
`caption`/`gallery` texts, `nav`/`menu`/`footer`/`sidebar` blocks, and the `<aside>`, `<nav>`,
`<footer>` and `<figcaption>` elements. resiliparse's main-content pass already drops some such
elements; these marks tell the block model (`blockfeatures.DOM_FEATURE_NAMES`) about the lines it kept
from the others. One CSS query in lexbor's C code finds the elements (a DOM walk in Python costs 8 ms a
page); a line is marked when its text is found in a marked element's text. An element holding one of the
page's longest lines of prose is a wrapper around the story (a `post-author-3` class on the article itself), not a
box: it marks nothing.
"""

from __future__ import annotations

import re

import numpy as np
from resiliparse.parse.html import HTMLTree

from dedup.text.layout import Line

# (column, class/id substrings, element names). Substrings match case-insensitively anywhere in the
# attribute ("post-share-buttons", "relatedPosts", "mainNav"); each costs the CSS query about 0.01 ms a page.
CHROME_GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("social", ("share", "social"), ()),
    ("related", ("related", "promo", "widget"), ()),
    ("author", ("author", "byline"), ()),
    ("caption", ("caption", "gallery"), ("figcaption",)),
    ("navigation", ("nav", "menu", "footer", "sidebar"), ("aside", "nav", "footer")),
)
DOM_FEATURE_NAMES = tuple(f"dom_{name}" for name, _, _ in CHROME_GROUPS) + ("dom_any",)
WRAPPER_LINES = 3  # an element holding one of the page's this many longest lines of prose wraps the story
WRAPPER_WORDS = 10

_SELECTOR = ", ".join([f'[class*="{t}" i]' for _, tokens, _ in CHROME_GROUPS for t in tokens]
                      + [tag for _, _, tags in CHROME_GROUPS for tag in tags])
_GROUP_PATTERNS = [(re.compile("|".join(tokens)), frozenset(tags)) for _, tokens, tags in CHROME_GROUPS]


def _groups(name: str, tag: str) -> list[int]:
    """Indices of the groups an element of this class name and tag belongs to."""
    lowered = name.lower()
    return [i for i, (pattern, tags) in enumerate(_GROUP_PATTERNS) if tag in tags or pattern.search(lowered)]


def chrome_marks(tree: HTMLTree, lines: list[Line]) -> np.ndarray:
    """(len(lines), len(DOM_FEATURE_NAMES)) 0/1 matrix: is each line's text inside an element of each
    chrome group, and of any. `lines` are the page's main-content lines (whitespace-tidied texts)."""
    marks = np.zeros((len(lines), len(DOM_FEATURE_NAMES)))
    body = tree.body
    if not lines or body is None:
        return marks
    # the story's core: its longest lines of prose (the longest line at all on a page without prose)
    longest = sorted((line.text for line in lines), key=len, reverse=True)
    core = [t for t in longest[:WRAPPER_LINES] if t.count(" ") + 1 >= WRAPPER_WORDS] or longest[:1]
    texts: list[list[str]] = [[] for _ in CHROME_GROUPS]
    kept = None
    # `values()`: the matches as a list at once (iterating the collection itself costs ~1 ms an element)
    for element in body.query_selector_all(_SELECTOR).values():
        # in document order a box's own matches follow it: their text is in the box's already
        if kept is not None and kept.contains(element):
            continue
        text = " ".join((element.text or "").split())
        if not text or any(c in text for c in core):
            continue
        kept = element
        for i in _groups(element.getattr("class") or "", element.tag or ""):
            texts[i].append(text)
    blobs = ["\x00".join(t) for t in texts]
    found = "\x00".join(b for b in blobs if b)
    if not found:
        return marks
    for row, line in enumerate(lines):
        if line.text in found:
            marks[row, -1] = 1.0
            for i, blob in enumerate(blobs):
                marks[row, i] = line.text in blob
    return marks
