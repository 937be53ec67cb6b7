"""headlinelead: the story's lead paragraph the page sets under its headline, outside the main-content region.

Many article templates write the headline (`<h1>`) and a lead paragraph in the story's header, then the body in an
element of its own ("article-body", "entry-content"). resiliparse's main-content pass picks the body's element and
leaves the header out: the headline does not matter (the `title` column holds it), but the lead is the story's first
paragraph (waldwissen's `<p class="article-teaser">`, a handball club's news whose lead sits under the `<h1>` of its
header). The evidence is the markup's shape, not a word of any language: the page's only `<h1>`, then markup without
text (none at all in round 39; since round 40 a wrapper's `<div>` or an icon's empty link: markup that only opens
elements inside the headline's container, no list, table, box, script, picture or link around the paragraph), then
a `<p>` that reads as prose (PROSE_LEAD_WORDS+ words, ended as a sentence, no link), whose text no line of the main
reading holds. A byline or a date line under the headline is not prose of that length ended as a sentence, or carries
its author's link; a guard's line (a label, a promo, a consent notice) stays out (`lineguards.guard_reason`). Rounds
39 and 40 in docs/extraction.md.
"""

from __future__ import annotations

import re

from resiliparse.parse.html import HTMLTree

from dedup.text.blockmodel import whole_page_lines
from dedup.text.cleaning import LineChoice
from dedup.text.lineguards import guard_reason
from dedup.text.wordcount import CASELESS_END_PUNCT, SPACELESS_END_PUNCT, line_words

PROSE_LEAD_WORDS = 12  # a lead is a paragraph: a byline or a one-line standfirst label is shorter
MAX_LEAD_CHARS = 3000  # a lead is read only up to this much markup (a page that never closes its `<p>`)
_LEAD_ENDS = (".", "!", "?", "\"", "”", "’", "»", ")", *SPACELESS_END_PUNCT, *CASELESS_END_PUNCT)
# the headline's end tag, then markup without text (blanks, comments, tags: round 40), then a `<p>` and its markup up
# to its end tag. A comment or a tag is read up to MAX_COMMENT_CHARS, at most MAX_GAP_TAGS of them: a page that never
# closes one is not scanned to its end again and again (and each reads one way only: a comment to its first end, never
# as a tag, so a failed match does not try every grouping of the gap). The gap opens no list, table, form or box of
# another kind (a list of teasers under a section's `<h1>`), no script or style (their text) and no picture or player
# (the paragraph after one is its caption: ctvnews, cbsnews in the golds).
MAX_COMMENT_CHARS = 500
MAX_GAP_TAGS = 40
_GAP_TAG = (r"<(?!!|p[\s>]|/?(?:script|style|ul|ol|li|dl|table|form|nav|aside|footer|select|textarea|img|picture|figure|"
            r"video|audio|iframe|object|embed|svg|canvas)[\s>/])[^<>]{0,%d}>")
_AFTER_HEADLINE = re.compile(r"</h1\s*>(\s*(?:(?:<!--(?:(?!-->).){0,%d}-->|%s)\s*){0,%d})<p(?=[\s>])[^>]*>(.{1,%d}?)</p\s*>"
                             % (MAX_COMMENT_CHARS, _GAP_TAG % MAX_COMMENT_CHARS, MAX_GAP_TAGS, MAX_LEAD_CHARS),
                             re.IGNORECASE | re.DOTALL)
_GAP_ELEMENT = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_VOID_TAGS = frozenset("br wbr hr input meta link source col base".split())
_HIDDEN = re.compile(r"hidden|display\s*:\s*none", re.IGNORECASE)


def _wraps_only(gap: str) -> bool:
    """Whether the markup between the headline and the paragraph only opens elements (and closes the ones it opened
    itself: an icon's `<a><i></i></a>`), none of them hidden: the paragraph sits in the headline's own container or
    deeper. A gap that closes the headline's container first leaves it (a blog's name as its `<h1>`, the blog's
    description in a box after it; a header's end, then another region), and a hidden element is not shown."""
    if _HIDDEN.search(gap):
        return False
    opened: list[str] = []
    for element in _GAP_ELEMENT.finditer(_COMMENT.sub("", gap)):
        closing, name, self_closing = element.group(1), element.group(2).lower(), element.group(3)
        if not closing:
            if not self_closing and name not in _VOID_TAGS:
                opened.append(name)
        elif not opened or opened.pop() != name:
            return False
    return "a" not in opened  # the paragraph inside a link the gap opens: another story's teaser


def headline_lead(html: str) -> str | None:
    """The text of the `<p>` the page writes after its only `<h1>`, markup without text between, when it reads as a
    lead (prose, ended as a sentence, no link, no guard's line), else None. Cheap on most pages: the markup is
    searched for `<h1` first."""
    # the markup's one case for the tag: a page writing `<h1>` is not searched again for `<H1>` (one pass, not two)
    tag, end_tag, start = "<h1", "</h1", html.find("<h1")
    if start < 0:
        tag, end_tag, start = "<H1", "</H1", html.find("<H1")
    if start < 0 or html.find(tag, start + 3) >= 0:
        return None
    end = html.find(end_tag, start)  # (found by `str.find`: a caseless pattern cannot search fast for its start)
    found = _AFTER_HEADLINE.match(html, end) if end >= 0 else None
    if found is None or "<a" in found.group(2).lower():
        return None
    if "<" in found.group(1) and not _wraps_only(found.group(1)):
        return None
    fragment = HTMLTree.parse(f"<p>{found.group(2)}</p>")
    try:
        lines = whole_page_lines(fragment)
    finally:
        del fragment
    if len(lines) != 1:
        return None
    text = lines[0].text
    if line_words(text) < PROSE_LEAD_WORDS or not text.endswith(_LEAD_ENDS) or guard_reason(text) is not None:
        return None
    return text


def put_back_lead(choice: LineChoice, html: str) -> None:
    """Keep the page's headline lead (`headline_lead`) at the top of the story when the main reading does not
    hold it: a line of its own in `choice` (kept, and one of the lines the evidence readers see)."""
    if not choice.kept:
        return
    lead = headline_lead(html)
    if lead is None or any(lead in line or line in lead for line in choice.evidence if len(line) >= 20):
        return
    choice.evidence.insert(0, lead)
    choice.kept.insert(0, lead)
    if choice.verdicts:
        choice.verdicts.insert(0, None)
    if choice.span is not None:
        choice.span = (choice.span[0] + 1, choice.span[1] + 1)
