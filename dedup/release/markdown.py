"""Small Markdown and YAML writers shared by the card, LICENSES.md and CHANGELOG.md.

Page data (titles, hosts, agency and file names, ids) reaches these documents, and the Hugging Face Hub
and GitHub render them with raw HTML allowed. Every value that did not come from dedup's own code goes
through `inline` (running text, table cells) or `code` (ids and names shown as code), which make it
render as exactly its text: never as an HTML element, a link, emphasis, a heading or a list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

# Line breaks of any kind and the other control characters: a value is shown on one line.
_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
# Characters with a meaning anywhere in a line (`_` is handled apart: see _underscore).
_SPECIAL = re.compile(r"[\\`*\[\]~$]")
# A `&` that would start an entity (&amp; &#60; &#x3c;) and `<` `>` (HTML, autolinks, quotes).
_HTML = re.compile(r"&(?=#?[0-9A-Za-z]+;)|[<>]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# What makes a block when it starts a line: heading, list item, ordered item, setext underline.
_LINE_START = re.compile(r"^(?:[#+=-]|\d{1,9}(?=[.)]))")


def fmt(n: object) -> str:
    """A whole number with thousands separators; anything else as str()."""
    return f"{n:,}" if isinstance(n, int) else str(n)


def _one_line(value: object) -> str:
    return _BREAKS.sub(" ", "" if value is None else str(value)).strip()


def _underscore(text: str, i: int) -> bool:
    """True when the `_` at i could open or close emphasis (CommonMark: not between two alphanumerics)."""
    return not (0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum())


def inline(value: object, *, starts_line: bool = False) -> str:
    """`value` as Markdown text that renders as itself: on one line, ends trimmed, every character that
    Markdown or HTML would read as markup escaped (a backslash, or an entity for & < >). `starts_line`:
    the value begins a line (a list item's text), where `#`, `-`, `+`, `=` and `1.` would start a block."""
    text = _one_line(value)
    text = _SPECIAL.sub(lambda m: "\\" + m.group(), text)
    text = _HTML.sub(lambda m: _ENTITIES[m.group()], text)
    if "_" in text:
        text = "".join("\\_" if c == "_" and _underscore(text, i) else c for i, c in enumerate(text))
    m = _LINE_START.match(text) if starts_line else None
    if m:  # a digit run keeps its digits and escapes the `.` or `)` after it
        end = m.end()
        text = text[:end] + "\\" + text[end:] if m.group()[0].isdigit() else "\\" + text
    return text


def code(value: object) -> str:
    """`value` as a Markdown code span that renders as itself (on one line, ends trimmed), fenced with
    more backticks than it contains."""
    text = _one_line(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(value: str, language: str = "") -> str:
    """`value` as a fenced code block that renders as itself: fenced with more backticks than any run it holds."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{value}\n{fence}"


def cell(value: object) -> str:
    """A Markdown table cell: `|` escaped (inside code spans too), newlines joined."""
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; cells made of page data must come through `inline` or `code`."""
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=True)
