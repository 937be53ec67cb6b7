"""pagescan: the one scan of a page's body for the tags read whole, and the readers of one element.

The JSON-LD scripts (their objects read by `dedup.text.jsonld`), the `<h1>`s, `<time>`s and where `<blockquote>`s
open (`scan_page`), and from them the headline's place (`Body.anchor`: an `<h1>`, else the first block, else an
`<h2>`; `subheading_place` for a blog's `<h3>` headline); an element's visible text (`element_text`), a start tag
(`start_tag`), microdata elements (`itemprop_elements`) and the marks the readers of the headline's region return
(`DateMark`, `AuthorMark`). Linear scans over the page text; what stands around the headline is read by
`dedup.text.headlineregion`, the comment sections by `dedup.text.commentsections`, the head (`<title>`, `<meta>`,
canonical link) by `dedup.text.pagehead`; `dedup.text.metadata` decides.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Iterable

from dedup.text.markup import script_holds_jsonld, tag_attributes
from dedup.text.normalise import caseless_finder, clean_text, fold_text


# --------------------------------------------------------------------------------------------------
# text helpers: `clean_text`, `fold_text`, `caseless_finder`, `MARKUP_TAG` ... live in `dedup.text.normalise`


# --------------------------------------------------------------------------------------------------
# the body: the headline, <time>, JSON-LD scripts, blockquotes

# <script, <h1, <time or <blockquote (character classes rather than re.I: `re` then scans for the '<' prefix fast);
# the start tag matched whole, up to its '>' at most TAG_GT_CHARS characters on (else skipped with the TAG_GT_CHARS
# characters after its name, which hold no '>': the pattern used to try each '<script' among them again, 2,000
# characters each, 24 s on 8 MiB of '<script '); its attributes come from the match, not from a search for the '>'
TAG_GT_CHARS = 2000
# the names of those tags as they are matched (the head scan stops at them too: `pagehead._HEAD_SCAN`)
SCAN_TAG_NAMES = "script|h1|time|SCRIPT|H1|TIME|Script|blockquote"
_SCRIPT_H1_TIME = re.compile(rf"<(?:{SCAN_TAG_NAMES})(?=[\s>/])"
                             r"(?:([^>]{0,%d})>|[^>]{%d})" % (TAG_GT_CHARS - 1, TAG_GT_CHARS))
_SCRIPT_END = re.compile(r"</[sS][cC][rR][iI][pP][tT]\s*>")
_H1_END = re.compile(r"</[hH]1\s*>")
_TAG_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w:-]*)([^>]*)>|<!--.*?-->|<[/!?][^>]*>", re.S)
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_BREAK_TAGS = frozenset("br p div li dd dt tr td th h1 h2 h3 h4 h5 h6 ul ol section article header footer "
                        "address figure figcaption time table blockquote".split())
_SKIP_CONTENT = frozenset(("script", "style", "noscript", "template", "svg", "button", "select", "textarea"))
ELEMENT_TEXT_CHARS = 3000  # an author or date element's text is read at most this far


def element_text(html: str, start: int, name: str, limit: int = ELEMENT_TEXT_CHARS) -> str:
    """Visible text of the element whose start tag ends at `start` (nested same-name elements
    counted; block-level tags become line breaks; script/style skipped), read at most `limit` chars."""
    if name in VOID_TAGS:
        return ""
    stop = min(len(html), start + limit)
    depth, pos, parts = 1, start, []
    skip_until = None
    for m in _TAG_TOKEN.finditer(html, start, stop):
        closing, tag, rest = m.groups()  # ('/' or '', name, attributes) of a tag; all None for a comment
        if skip_until is not None:
            if closing and tag and tag.lower() == skip_until:
                skip_until = None
                pos = m.end()
            continue
        lt, end = m.span()
        parts.append(html[pos:lt])
        pos = end
        if not tag:
            continue
        tag = tag.lower()
        if tag in _SKIP_CONTENT and not closing:
            skip_until = tag
            continue
        if tag == name:
            if closing:
                depth -= 1
                if depth == 0:
                    break
            elif not rest.rstrip().endswith("/"):
                depth += 1
        parts.append("\n" if tag in _BREAK_TAGS else " ")
    else:
        if skip_until is None:
            parts.append(html[pos:stop])
    text = "".join(parts)
    if "&" in text:
        text = html_lib.unescape(text)
    return "\n".join(text_lines(text))


def text_lines(text: str) -> list[str]:
    """The non-blank lines of a text, spaces collapsed. Blank lines (most of them: one per tag) are
    told by `isspace`, which uses the same whitespace as `split`, before any line is split into words."""
    return [" ".join(line.split()) for line in text.split("\n") if line and not line.isspace()]


# a microdata property's element (`itemprop="articleBody"`): its start tag's '<' is looked for this far before the name
ITEMPROP_TAG_CHARS = 3000
MAX_ITEMPROP_HITS = 20  # occurrences of the property's name (in scripts, JSON-LD, text) looked at before giving up


def itemprop_elements(html: str, prop: str, limit: int, most: int = 2) -> list[str]:
    """The visible text (as `element_text` reads it, `limit` characters of HTML each) of the first `most` elements
    whose `itemprop` names `prop`, in page order. A linear scan: `str.find` for the name, then the start tag it
    stands in (its '<' at most ITEMPROP_TAG_CHARS before); no DOM walk."""
    found: list[str] = []
    pos = hits = 0
    while len(found) < most and hits < MAX_ITEMPROP_HITS and (at := html.find(prop, pos)) >= 0:
        hits += 1
        pos = at + len(prop)
        lt = html.rfind("<", max(0, at - ITEMPROP_TAG_CHARS), at)
        if lt < 0 or html.find(">", lt, at) >= 0:  # not inside a start tag
            continue
        tag = start_tag(html, lt, _SKIP_CONTENT)
        if tag is None or prop not in tag[2].get("itemprop", "").split():
            continue
        name, gt, _ = tag
        found.append(element_text(html, gt + 1, name, limit))
        pos = max(pos, gt + 1)
    return found


@dataclass(slots=True)
class DateMark:
    """An element near the headline that holds a date, with the role its markup gives it."""
    pos: int
    role: str        # published | modified | date
    raw: str


def start_tag(html: str, lt: int, skip: frozenset[str]) -> tuple[str, int, dict[str, str]] | None:
    """The start tag opening at `lt`: (its lower-case name, where its '>' stands, its attributes); None
    for an end tag, a comment, a broken tag or a name in `skip`."""
    m = _TAG_NAME.match(html, lt)
    if m is None:
        return None
    name = m.group(1).lower()
    if name in skip:
        return None
    gt = html.find(">", m.end(), m.end() + 3000)
    if gt < 0:
        return None
    return name, gt, tag_attributes(html[m.end():gt])


@dataclass(slots=True)
class AuthorMark:
    """An element whose markup names it the author or the byline; its text is read when asked for
    (most marks of a page are never tried)."""

    kind: str       # itemprop_author | rel_author | author_class | byline_class | author_link
    pos: int
    html: str = field(default="", repr=False)
    start_tag_end: int = 0
    tag: str = ""
    content: str | None = None   # the content attribute, for <meta itemprop="author">
    person_item: bool = False    # itemprop=author itemscope: a Person item with a name property
    _text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._read_text()
        return self._text

    def _read_text(self) -> str:
        html, gt, name = self.html, self.start_tag_end, self.tag
        if self.content is not None:
            return self.content
        if self.person_item:
            inner = _NAME_PROPERTY.search(html, gt + 1, gt + 1 + ELEMENT_TEXT_CHARS)
            if inner:
                inner_lt = html.rfind("<", gt + 1, inner.start())
                inner_name = _TAG_NAME.match(html, inner_lt)
                inner_gt = html.find(">", inner.end())
                if inner_name and inner_gt > 0:
                    inner_attrs = tag_attributes(html[inner_name.end():inner_gt])
                    return inner_attrs.get("content") or element_text(html, inner_gt + 1,
                                                                      inner_name.group(1).lower())
        return element_text(html, gt + 1, name)


_NAME_PROPERTY = re.compile(r"itemprop\s*=\s*[\"']?name\b")


@dataclass(slots=True)
class Body:
    """What the body states near the headline: the `<h1>`s, `<time>` tags, author marks, nearby lines and dates."""
    h1: list[tuple[int, int, str]]                 # (start, end, text) of each <h1>, at most a few
    times: list[tuple[int, dict[str, str], str]]   # (pos, attributes, date as stated) of <time> tags
    authors: list[AuthorMark]
    window: list[tuple[int, str]]                  # visible lines around the headline
    date_marks: list[DateMark]                    # elements around the headline that hold a date
    anchor: tuple[int, int] | None                 # the headline's place (an <h1>, else the first block)
    region_read: bool = False                      # window and date_marks filled
    quotes: list[int] = field(default_factory=list)  # where each <blockquote> opens (`quotedposts`)
    lines_stop: int = -1                           # where the window's lines end when the story's start cut them
    byline_stop: int = -1                          # where the lines read for a byline end (`story_starts`)


MAX_H1 = 4
MAX_TIMES, MAX_QUOTES = 30, 200
TIME_TEXT_CHARS = 200  # a <time> without a datetime attribute: its text is read this far
_TAG_NAME = re.compile(r"<([a-zA-Z][\w:-]*)")


def scan_page(html: str, head_end: int, blocks: list[str],
              tag_starts: list[int] | None = None) -> tuple[Body, list[str]]:
    """One pass over the page for the tags read whole: JSON-LD scripts (their bodies returned), and in the body
    the <h1>s, <time>s and where <blockquote>s open (one scan: each scan of a whole page costs ~70 µs).

    `tag_starts` (`pagehead.Head.tag_starts`): every place before `head_end` where `_SCRIPT_H1_TIME` may match, as the
    head scan found them; the pattern is then tried at those places and the page scanned from `head_end`
    only. That is the same sequence of matches: a match starting before `head_end` starts at one of those
    places, and is the one `finditer` yields when no earlier match covers it (those covered are skipped
    below, as `finditer` skips them); one that goes on past `head_end` (a tag, a JSON-LD body) moves `pos`
    past it, and the matches the scan from `head_end` finds inside it end where it ends (at the first '>',
    at the script's end tag), so they are skipped alike."""
    h1: list[tuple[int, int, str]] = []
    times: list[tuple[int, dict[str, str], str]] = []
    quotes: list[int] = []
    scripts: list[str] = []
    pos = 0
    # finditer rather than a search from each tag's end: each match is a whole start tag (no '>' before
    # its end), so it yields every one after the tag before, and those inside a JSON-LD body already read
    # are skipped. Most are <script> tags with a src or a type other than JSON-LD: decided from the
    # start tag's text alone, without the slice of the body `script_holds_jsonld` looks at.
    matches: Iterable[re.Match[str] | None] = _SCRIPT_H1_TIME.finditer(html) if tag_starts is None else chain(
        map(_SCRIPT_H1_TIME.match, repeat(html), tag_starts), _SCRIPT_H1_TIME.finditer(html, head_end))
    for m in matches:
        if m is None:  # no whole start tag at a place the head scan found
            continue
        start, end = m.span()
        if start < pos:
            continue
        pos = end
        if m[1] is None:
            continue  # no '>' within TAG_GT_CHARS: not read
        gt = end - 1
        kind = html[start + 1]
        if kind in "sS":
            attr_text = m[1]
            if "+" not in attr_text and ("src" in attr_text or "type" in attr_text):
                continue  # a type or a source, and no 'ld+json' in any case: most scripts, without a lower-cased copy
            low = attr_text.lower()
            if ("ld+json" in low or not ("type" in low or "src" in low)) \
                    and script_holds_jsonld(attr_text, html[gt + 1:gt + 400]):
                pos = _read_jsonld_script(html, gt, scripts)
                if pos < 0:
                    break
        elif start < head_end:
            continue
        elif kind == "b":
            quotes += [start] if len(quotes) < MAX_QUOTES else []
        elif kind in "hH":
            if len(h1) < MAX_H1:
                h1.append(_h1_entry(html, start, gt))
        elif len(times) < MAX_TIMES:
            times.append(_time_entry(html, start, m[1], gt))
    anchor = next(((s, e) for s, e, t in h1 if t), None) or _block_anchor(html, head_end, blocks) \
        or _h2_anchor(html, head_end)
    return Body(h1, times, [], [], [], anchor, quotes=quotes), scripts


def _read_jsonld_script(html: str, gt: int, scripts: list[str]) -> int:
    """The body of the JSON-LD script whose start tag ends at `gt`, added to `scripts`; where its end tag
    ends, -1 when it has none."""
    end = _SCRIPT_END.search(html, gt + 1)
    if end is None:
        return -1
    scripts.append(html[gt + 1:end.start()])
    return end.end()


def _h1_entry(html: str, start: int, gt: int) -> tuple[int, int, str]:
    """(start, end, text) of the <h1> whose start tag opens at `start` and closes at `gt`."""
    close = _H1_END.search(html, gt + 1, gt + 1 + ELEMENT_TEXT_CHARS)
    text = _headline_text(html[gt + 1:close.start()]) if close else ""
    return start, close.end() if close else gt + 1, text


def _time_entry(html: str, start: int, attr_text: str, gt: int) -> tuple[int, dict[str, str], str]:
    """(start, attributes, date as stated) of the <time> whose start tag opens at `start`."""
    attrs = tag_attributes(attr_text)
    # its datetime (or content), else its text: '<time class="...">1. Januar 2023</time>' states a date too
    stated = attrs.get("datetime") or attrs.get("content") or \
        element_text(html, gt + 1, "time", TIME_TEXT_CHARS).replace("\n", " ")
    return start, attrs, stated


_H2 = re.compile(r"<[hH]2(?=[\s>/])")
_H2_END = re.compile(r"</[hH]2\s*>")


_FIRST_CHILD = re.compile(r"\s*<([a-zA-Z][\w-]*)\b([^>]*)>")
# a kicker over the headline inside the <h1> ('<span class="dachzeile">Olympische Spiele</span> Getränke ...')
_KICKER = caseless_finder(r"kicker|dachzeile|topline|overline|roofline|eyebrow|subheadline|subtitle|pretitle|"
                          r"pre-title|supertitle|superheadline|spitzmarke|rubric|label|category")


def _headline_text(inner: str) -> str:
    """The text of an <h1>, without the kicker its markup sets above the headline."""
    m = _FIRST_CHILD.match(inner)
    if m and _KICKER(m.group(2)):
        close = inner.find(f"</{m.group(1)}", m.end())
        if close > 0:
            rest = clean_text(inner[inner.find(">", close) + 1:])
            if rest:
                return rest
    return clean_text(inner)


def _h2_anchor(html: str, start: int) -> tuple[int, int] | None:
    """No <h1> and no block found: the first <h2> with text (a theme that gives posts <h2> titles)."""
    for count, m in enumerate(_H2.finditer(html, start)):
        gt = html.find(">", m.end(), m.end() + 2000)
        close = _H2_END.search(html, gt + 1, gt + 1 + ELEMENT_TEXT_CHARS) if gt >= 0 else None
        if close and clean_text(html[gt + 1:close.start()]):
            return m.start(), close.end()
        if count >= 3:
            break
    return None


_SUBHEADING = re.compile(r"<[hH]([2-6])(?=[\s>/])")
MAX_SUBHEADINGS = 60  # a blog's sidebar sets its boxes' names in <h2>s before the post's <h3> (~15 on TypePad)


def subheading_place(html: str, start: int, keys: set[str]) -> tuple[int, int] | None:
    """(start, end) of the first <h2>-<h6> after `start` whose text, folded (`fold_text`), is one of `keys`: a
    headline a blog theme sets below its name's <h1> ('<h3 class="entry-header">')."""
    for count, m in enumerate(_SUBHEADING.finditer(html, start)):
        if count >= MAX_SUBHEADINGS:
            break
        gt = html.find(">", m.end(), m.end() + 2000)
        close = html.find(f"</h{m[1]}", gt + 1, gt + 1 + ELEMENT_TEXT_CHARS) if gt >= 0 else -1
        if close < 0:
            close = html.find(f"</H{m[1]}", gt + 1, gt + 1 + ELEMENT_TEXT_CHARS) if gt >= 0 else -1
        if close >= 0 and fold_text(clean_text(html[gt + 1:close])) in keys:
            return m.start(), html.find(">", close) + 1
    return None


def _block_anchor(html: str, start: int, blocks: list[str]) -> tuple[int, int] | None:
    """No <h1>: where the first main-content block stands in the page (its opening words found)."""
    for block in blocks[:2]:
        words = block.split(None, 3)  # its first three words (and the rest)
        if len(words) < 3 or "&" in block or "<" in block:
            continue
        pos = html.find(" ".join(words[:3]), start)
        if pos >= 0:
            return pos, pos
    return None


