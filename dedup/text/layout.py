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

from dedup.text.normalise import tidy_spaces

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
# the common line: one whole block element and no link (`<p>text</p>`): read without the tag loop
_WHOLE_BLOCK = re.compile(r"<(p|h[1-6]|pre)>([^<]*)</\1>\Z")
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})


@dataclass(slots=True)
class Line:
    """One output line: its text (whitespace tidied), the block tag it sits in ('' for bare text such as
    a `<div>`'s or a list item's) and how many of its characters are link text."""

    text: str
    tag: str
    link_chars: int
    links: int


def read_minimal_html(markup: str) -> list[Line]:
    """resiliparse `minimal_html` output -> non-empty lines with their tag and link share."""
    lines: list[Line] = []
    block = ""
    in_link = False
    for raw in markup.split("\n"):
        if not raw.strip():
            # a blank line ends a block: a link the extractor opened but never closed (its text was
            # removed as boilerplate) must not turn the rest of the page into link text
            in_link = False
            continue
        whole = _WHOLE_BLOCK.match(raw) if raw.startswith("<") else None
        if whole is not None:
            body = whole.group(2)
            text = tidy_spaces(html_lib.unescape(body) if "&" in body else body)
            if text:
                lines.append(Line(text, whole.group(1), 0, 0))
            block = ""
            in_link = False
            continue
        if "<" not in raw:
            text = tidy_spaces(html_lib.unescape(raw) if "&" in raw else raw)
            if text:
                lines.append(Line(text, block, len(text) if in_link else 0, 0))
            continue
        line_tag = block
        pieces: list[str] = []
        link_chars = links = 0
        pos = 0
        for m in _TAG.finditer(raw):
            if m.start() > pos:
                piece = raw[pos:m.start()]
                pieces.append(piece)
                if in_link:
                    link_chars += len(html_lib.unescape(piece).strip()) if "&" in piece else len(piece.strip())
            pos = m.end()
            closing, name = m.group(1), m.group(2).lower()
            if name == "a":
                in_link = not closing
                links += not closing
            elif name in BLOCK_TAGS:
                in_link = False
                if closing:
                    block = ""
                else:
                    block = line_tag = name
        if pos < len(raw):
            piece = raw[pos:]
            pieces.append(piece)
            if in_link:
                link_chars += len(html_lib.unescape(piece).strip()) if "&" in piece else len(piece.strip())
        joined = "".join(pieces)
        text = tidy_spaces(html_lib.unescape(joined) if "&" in joined else joined)
        if text:
            lines.append(Line(text, line_tag, min(link_chars, len(text)), links))
    return lines
