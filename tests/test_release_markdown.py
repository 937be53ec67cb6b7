"""dedup.release.markdown: any text, put through `inline` or `code`, renders as exactly that text (on one
line, ends trimmed) and never as markup: no HTML element, no link, no emphasis, no heading, no list, and
a table keeps one cell per value. Rendered with markdown-it-py (CommonMark with raw HTML, as GitHub and
the Hugging Face Hub render cards, plus GFM tables and strikethrough)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st

from dedup.release.markdown import code, inline, table

markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (installed with rich) renders Markdown")
MD = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = ["<script>alert(1)</script>", "a | b", "`x`", "``", "[x](javascript:alert(1))", "](javascript:y)",
           "**b** _u_ ~~s~~ *i*", "# h", "- item", "1. one", "2) two", "> quote", "    indented", "&amp; &#60;",
           "line\nbreak\r\nand\u2028more", "\\", "a\\", "<http://x.test>", "![i](x.png)", "$x$ and $$y$$",
           "---", "===", "+ plus", "a_b_c", "_a_", "snake_case_", "\x00nul\x07bell", " lead and trail ",
           "[ ] task", "\ttab", "<!-- comment -->", "&", "Q&A"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def render(markdown: str) -> _Page:
    page = _Page()
    page.feed(MD.render(markdown))
    return page


def shown(value: str) -> str:
    """What a reader should see: line breaks and control characters as spaces, the ends trimmed."""
    return re.sub(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]", " ", value).strip()


def check_inline(value: str) -> None:
    page = render(f"- {inline(value, starts_line=True)}\n")
    assert page.tags == ["ul", "li"], (value, page.tags)
    assert "".join(page.text).strip("\n") == shown(value), value
    page = render(f"Name {inline(value)}.\n")
    assert page.tags == ["p"], (value, page.tags)
    assert "".join(page.text).strip("\n") == f"Name {shown(value)}.", value


def check_code(value: str) -> None:
    page = render(f"Name {code(value)}.\n")
    assert page.tags == ["p", "code"], (value, page.tags)
    assert "".join(page.text).strip("\n") == f"Name {shown(value)}.", value


def check_table(a: str, b: str) -> None:
    page = render(table(["one", "two", "n"], [[inline(a), code(b) if shown(b) else "", 3]]) + "\n")
    assert page.tags.count("td") == 3, (a, b, page.tags)
    assert set(page.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "code"}, (a, b, page.tags)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values(value):
    check_inline(value)
    if shown(value):
        check_code(value)
    check_table(value, value)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_inline_renders_as_the_text_itself(value):
    check_inline(value)


@settings(max_examples=300, deadline=None)
@given(TEXT.filter(lambda v: bool(shown(v))))
def test_code_renders_as_the_text_itself(value):
    check_code(value)


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_a_table_keeps_one_cell_per_value(a, b):
    check_table(a, b)
