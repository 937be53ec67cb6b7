"""A signature closing a text: the writer's name alone in an emphasised paragraph after the last paragraph of the
story (`<p><b><i>Stefan Wasmer</i></b></p>`, `<p align="right"><em>Denis Clerc</em></p>`), the way a regional paper
or a magazine signs a piece that states no byline anywhere else. Not a subheading: that is set in bold alone
(`<p><strong>Never Sacrifice Sleep</strong></p>`) and the story goes on below it. Read last of the author readers (kind
`signature`), only where nothing above names anybody (docs/metadata.md, round 15).
"""

from __future__ import annotations

import re
from typing import Callable

from dedup.text.byline import Byline
from dedup.text.normalise import MARKUP_TAG

SIGNATURE_CHARS = 40         # a name, not a line of text
SIGNED_PARAGRAPH_CHARS = 200  # the block before it is a paragraph of the story, not a caption or a teaser
SIGNATURE_BLOCKS = 208       # the main content's blocks read (the labelled bylines' reach: 8 + 200)
PARAGRAPH_REACH = 300        # how far before the name its paragraph's '<p' is looked for, and after it the '</p'
# a name of two or three capitalised words (initials and hyphenated or apostrophised parts allowed)
_NAME = re.compile(r"[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){1,2}")
_SENTENCE_END = frozenset(".!?\"»“”)")
_ITALICS = re.compile(r"<(?:em|i)[\s>]", re.I)


def closing_signature(html: str, blocks: list[str], parse: Callable[[str, bool], Byline]) -> Byline | None:
    """The person a signature names (a byline of one person), None when the page closes with none.

    A block is a signature where it is a name alone (two or three words, each opening with a capital, that
    `parse` reads as one person and nothing else), right after a paragraph of the story (200+ characters ending
    a sentence) and not before another (the story ends there), named nowhere else in the main content (a person
    the story is about is named in its text), and where the page sets it as a paragraph of its own that holds
    nothing but the name, in italics (`<em>`, `<i>`)."""
    # the blocks' lengths first, in one comprehension over the long ones (a paragraph, then a short block): read on
    # every page where nobody is named, most pages have no such pair, and a Python step per block costs ~0.2 µs
    lengths = list(map(len, blocks[:SIGNATURE_BLOCKS]))
    candidates = [i + 1 for i, n in enumerate(lengths[:-1])
                  if n >= SIGNED_PARAGRAPH_CHARS and lengths[i + 1] <= SIGNATURE_CHARS]
    for i in candidates:
        block = blocks[i]
        if i + 1 < len(blocks) and len(blocks[i + 1]) >= SIGNED_PARAGRAPH_CHARS:
            continue  # the story goes on below it: a subheading
        if blocks[i - 1].rstrip()[-1:] not in _SENTENCE_END or _NAME.fullmatch(block) is None \
                or not all(word[0].isupper() for word in block.split()):
            continue
        if any(block in other for j, other in enumerate(blocks) if j != i):
            continue
        parsed = parse(block, False)
        if parsed.people != [block] or parsed.organisations or parsed.agencies:
            continue
        if _italic_paragraph(html, block):
            return parsed
    return None


def _italic_paragraph(html: str, name: str) -> bool:
    """Whether `name` stands in the page as the whole text of a `<p>` that sets it in italics."""
    pos = html.find(name)
    while pos >= 0:
        opening = html.rfind("<p", max(0, pos - PARAGRAPH_REACH), pos)
        closing = html.find("</p", pos + len(name), pos + len(name) + PARAGRAPH_REACH)
        if opening >= 0 and closing >= 0 and html[opening + 2:opening + 3] in (">", " ", "\t", "\n"):
            lead, tail = html[opening:pos], html[pos + len(name):closing]
            if not MARKUP_TAG.sub("", lead).strip() and not MARKUP_TAG.sub("", tail).strip() and _ITALICS.search(lead):
                return True
        pos = html.find(name, pos + len(name))
    return False
