"""layout: the extractor's lines with the markup they came from (block tag, link text).

resiliparse's `minimal_html` output keeps `<p>`, `<h1-6>`, `<pre>`, `<br>` and `<a>` around the same text
its plain output has, at the same cost as one plain extraction. Reading it back gives, per line, the
evidence a block classifier needs (is it a paragraph or a heading, how much of it is link text)
without walking the DOM in Python.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from dedup.text.hiddenstory import as_shown
from dedup.text.normalise import tidy_spaces

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_NO_TARGET = '<a href="">'
# the common line: one whole block element and no link (`<p>text</p>`): read without the tag loop
_WHOLE_BLOCK = re.compile(r"<(p|h[1-6]|pre)>([^<]*)</\1>\Z")
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})


@dataclass(slots=True)
class Line:
    """One output line: its text (whitespace tidied), the block tag it sits in ('' for bare text such as
    a `<div>`'s or a list item's) and its link text, read two ways.

    `link_chars` / `links`: as the block models learnt them (block-trees-3, whole-page-trees-2): an anchor's
    text runs from its start tag to the next `</a>`, block tag or blank line, and every start tag is a link,
    so an empty anchor (`read_minimal_html`) takes the rest of its paragraph. `exact_link_chars` /
    `exact_links`: what the page's links hold: an empty anchor holds no text and is a link only when it has
    a target (an empty link, as an image link is one). The link-bar guard (`lineguards.is_link_bar`) reads the
    exact figures; the models, and the rules they were tuned with, keep theirs until a model retrained on the
    exact ones beats them held out (docs/extraction.md, round 16). Built by hand without the exact figures,
    a line takes the models' figures for them."""

    text: str
    tag: str
    link_chars: int
    links: int
    exact_link_chars: int = -1
    exact_links: int = -1

    def __post_init__(self) -> None:
        if self.exact_link_chars < 0:
            self.exact_link_chars = self.link_chars
        if self.exact_links < 0:
            self.exact_links = self.links


def read_minimal_html(markup: str) -> list[Line]:
    """resiliparse `minimal_html` output -> non-empty lines with their tag and link text (`Line`).

    resiliparse writes an anchor with no child at all (an index term's `<a id="x"></a>`, a named anchor,
    a link whose text the main-content pass removed) as a start tag and no end tag; an anchor with any
    child (text, even a space, or an image) gets its `</a>`. For the exact figures, an anchor's text waits
    for its `</a>`: a start tag that meets another anchor, a block tag or a blank line first is such an
    empty anchor, and the words after it are not its text (on the SRE book page of readability-test-pages
    whole paragraphs read as link text)."""
    markup = as_shown(markup)  # no soft hyphens, composed letters (`hiddenstory`, round 30)
    lines: list[Line] = []
    block = ""
    in_link = False
    pending = False  # an anchor is open and its `</a>` not yet seen (it may be empty)
    pending_lines: list[tuple[Line, int]] = []  # its text on earlier lines (a link over a `<br>`)
    pending_opened: Line | None = None  # the earlier line where it opened, when it has no target
    for raw in markup.split("\n"):
        if not raw.strip():
            # a blank line ends a block: a link the extractor opened but never closed (its text was
            # removed as boilerplate) must not turn the rest of the page into link text
            in_link = pending = False
            continue
        whole = _WHOLE_BLOCK.match(raw) if raw.startswith("<") else None
        if whole is not None:
            body = whole.group(2)
            text = tidy_spaces(html_lib.unescape(body) if "&" in body else body)
            if text:
                lines.append(Line(text, whole.group(1), 0, 0, 0, 0))
            block = ""
            in_link = pending = False
            continue
        if "<" not in raw:
            text = tidy_spaces(html_lib.unescape(raw) if "&" in raw else raw)
            if text:
                line = Line(text, block, len(text) if in_link else 0, 0, 0, 0)
                lines.append(line)
                if pending:
                    pending_lines.append((line, len(text)))
            continue
        line_tag = block
        pieces: list[str] = []
        link_chars = links = exact_chars = exact_links = 0
        pending_chars = 0  # the open anchor's text on this line
        opened_here = False  # it opened on this line and has no target
        pos = 0
        for m in _TAG.finditer(raw):
            if m.start() > pos:
                piece = raw[pos:m.start()]
                pieces.append(piece)
                if in_link:
                    n = len(html_lib.unescape(piece).strip()) if "&" in piece else len(piece.strip())
                    link_chars += n
                    pending_chars += n
            pos = m.end()
            closing, name = m.group(1), m.group(2).lower()
            if name != "a" and name not in BLOCK_TAGS:
                continue
            if pending:
                pending = False
                if closing and name == "a":  # the anchor holds text: it counts
                    exact_chars += pending_chars
                    exact_links += opened_here
                    for earlier, n in pending_lines:
                        earlier.exact_link_chars = min(len(earlier.text), earlier.exact_link_chars + n)
                    if pending_opened is not None:
                        pending_opened.exact_links += 1
            if name == "a":
                in_link = not closing
                links += not closing
                if not closing:
                    pending, pending_chars, pending_lines, pending_opened = True, 0, [], None
                    opened_here = m.group(0) == _NO_TARGET
                    exact_links += not opened_here
            else:
                in_link = False
                if closing:
                    block = ""
                else:
                    block = line_tag = name
        if pos < len(raw):
            piece = raw[pos:]
            pieces.append(piece)
            if in_link:
                n = len(html_lib.unescape(piece).strip()) if "&" in piece else len(piece.strip())
                link_chars += n
                pending_chars += n
        joined = "".join(pieces)
        text = tidy_spaces(html_lib.unescape(joined) if "&" in joined else joined)
        if text:
            line = Line(text, line_tag, min(link_chars, len(text)), links, min(exact_chars, len(text)), exact_links)
            lines.append(line)
            if pending:
                pending_lines.append((line, pending_chars))
                if opened_here:
                    pending_opened = line
    return lines
