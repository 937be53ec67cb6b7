"""Where a page's body states its metadata: the JSON-LD scripts (their objects read by `dedup.text.jsonld`), and
the body near the headline (the `<h1>`, author markup, `<time>` and microdata dates, the visible byline and date
lines). Linear scans over the page text; the head (`<title>`, `<meta>`, canonical link) is read by
`dedup.text.pagehead`; `dedup.text.metadata` decides.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, chain, repeat
from typing import Iterable

from dedup.text.markup import script_holds_jsonld, tag_attributes
from dedup.text.normalise import MARKUP_TAG, caseless_finder, clean_text, fold_text

HEADLINE_REGION = (-3000, 40000)  # where a byline stands, relative to the headline's start / end

# --------------------------------------------------------------------------------------------------
# text helpers: `clean_text`, `fold_text`, `caseless_finder`, `MARKUP_TAG` ... live in `dedup.text.normalise`


# --------------------------------------------------------------------------------------------------
# the body: headline, author markup, <time>, dates near the headline

# <script, <h1, <time or <blockquote (character classes rather than re.I: `re` then scans for the '<' prefix fast);
# the start tag matched whole, up to its '>' at most TAG_GT_CHARS characters on (else skipped with the TAG_GT_CHARS
# characters after its name, which hold no '>': the pattern used to try each '<script' among them again, 2,000
# characters each, 24 s on 8 MiB of '<script '); its attributes come from the match, not from a search for the '>'
TAG_GT_CHARS = 2000
_SCRIPT_H1_TIME = re.compile(r"<(?:script|h1|time|SCRIPT|H1|TIME|Script|blockquote)(?=[\s>/])"
                             r"(?:([^>]{0,%d})>|[^>]{%d})" % (TAG_GT_CHARS - 1, TAG_GT_CHARS))
_SCRIPT_END = re.compile(r"</[sS][cC][rR][iI][pP][tT]\s*>")
_H1_END = re.compile(r"</[hH]1\s*>")
_TAG_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w:-]*)([^>]*)>|<!--.*?-->|<[/!?][^>]*>", re.S)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_BREAK_TAGS = frozenset("br p div li dd dt tr td th h1 h2 h3 h4 h5 h6 ul ol section article header footer "
                        "address figure figcaption time table blockquote".split())
_SKIP_CONTENT = frozenset(("script", "style", "noscript", "template", "svg", "button", "select", "textarea"))
ELEMENT_TEXT_CHARS = 3000  # an author or date element's text is read at most this far


def _element_text(html: str, start: int, name: str, limit: int = ELEMENT_TEXT_CHARS) -> str:
    """Visible text of the element whose start tag ends at `start` (nested same-name elements
    counted; block-level tags become line breaks; script/style skipped), read at most `limit` chars."""
    if name in _VOID:
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
    return "\n".join(_text_lines(text))


def _text_lines(text: str) -> list[str]:
    """The non-blank lines of a text, spaces collapsed. Blank lines (most of them: one per tag) are
    told by `isspace`, which uses the same whitespace as `split`, before any line is split into words."""
    return [" ".join(line.split()) for line in text.split("\n") if line and not line.isspace()]


# a microdata property's element (`itemprop="articleBody"`): its start tag's '<' is looked for this far before the name
ITEMPROP_TAG_CHARS = 3000
MAX_ITEMPROP_HITS = 20  # occurrences of the property's name (in scripts, JSON-LD, text) looked at before giving up


def itemprop_elements(html: str, prop: str, limit: int, most: int = 2) -> list[str]:
    """The visible text (as `_element_text` reads it, `limit` characters of HTML each) of the first `most` elements
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
        tag = _start_tag(html, lt, _SKIP_CONTENT)
        if tag is None or prop not in tag[2].get("itemprop", "").split():
            continue
        name, gt, _ = tag
        found.append(_element_text(html, gt + 1, name, limit))
        pos = max(pos, gt + 1)
    return found

# words in the attributes of an element that holds a date (class="date", itemprop="datePublished", ...)
_DATE_ROLE_WORDS = (b"dat", b"time", b"publ", b"posted", b"creat", b"upd", b"modif")
_PUBLISHED_ROLE = re.compile(r"publish|pubdate|posted|created|submitted")
MODIFIED_ROLE = re.compile(r"updated|modified")
PUBLISHED_TIME_ROLE = re.compile(r"publish|entry-date|created|posted")
_DATE_ROLE = re.compile(r"date|datum|fecha|time")
# the lookahead lets most tags fail at their first letter, before the case-insensitive alternatives
_SCRIPT_LIKE = re.compile(r"<(?=[sSnNtTbB!])(?:(script|style|noscript|template|svg|select|button)\b[^>]*>.*?</\1\s*>"
                          r"|!--.*?-->)", re.S | re.I)
_SCRIPT_LIKE_START = re.compile(r"<(?=[sSnNtTbB!])(?:(script|style|noscript|template|svg|select|button)\b[^>]*>|!--)",
                                re.I)
# what a case-insensitive backreference to an ASCII letter matches besides its two cases: the characters
# whose simple lower case is that letter ('İ' for 'i', the Kelvin sign for 'k')
_BACKREF_EXTRA = {"i": "İ", "k": "\u212a"}


@lru_cache(maxsize=64)
def _end_tag(name: str) -> re.Pattern | None:
    r"""`</name\s*>` as `_SCRIPT_LIKE`'s case-insensitive backreference `</\1` matches it; None for a name
    that is not ASCII letters (left to `_SCRIPT_LIKE` itself)."""
    if not (name.isascii() and name.isalpha()):
        return None
    return re.compile("</" + "".join(f"[{c}{c.upper()}{_BACKREF_EXTRA.get(c, '')}]" for c in name.lower()) + r"\s*>")


def _drop_script_like(fragment: str) -> str:
    """`_SCRIPT_LIKE.sub(" ", fragment)` (scripts, styles, comments, ... each replaced by a space), with each
    element's end found by one search: the pattern's lazy `.*?` tries the end tag at every character of a
    script body."""
    out: list[str] = []
    last = pos = 0
    while (m := _SCRIPT_LIKE_START.search(fragment, pos)) is not None:
        name = m.group(1)
        if name is None:  # '<!--': the first '-->' after it
            close = fragment.find("-->", m.end())
            stop = close + 3 if close >= 0 else -1
        else:
            end_tag = _end_tag(name)
            if end_tag is None:
                return _SCRIPT_LIKE.sub(" ", fragment)
            found = end_tag.search(fragment, m.end())
            stop = found.end() if found else -1
        if stop < 0:  # no end: nothing matches at this '<', as with the pattern
            pos = m.start() + 1
            continue
        out += (fragment[last:m.start()], " ")
        last = pos = stop
    if not out:
        return fragment
    out.append(fragment[last:])
    return "".join(out)


@dataclass(slots=True)
class DateMark:
    """An element near the headline that holds a date, with the role its markup gives it."""
    pos: int
    role: str        # published | modified | date
    raw: str


# one scan for what six `in` tests looked for (each a pass over the fragment when none is there)
_SCRIPT_LIKE_HINT = re.compile(r"<(?:script|style|!--|svg|SCRIPT|STYLE)")


def _visible_lines(fragment: str) -> list[str]:
    """Visible text lines of a markup fragment, one per text node (a date or a label split across
    inline elements is rare; a label on the line before counts); script, style and comments dropped."""
    if "<" not in fragment:
        pieces = [fragment]
    else:
        if _SCRIPT_LIKE_HINT.search(fragment) is not None:
            fragment = _drop_script_like(fragment)
        pieces = MARKUP_TAG.split(fragment)  # the text between tags: each tag ends a line
    lines: list[str] = []
    # most pieces are the spaces between two tags: stripped to nothing and dropped without a Python step
    # (strip, isspace and split share one definition of whitespace)
    for piece in filter(None, map(str.strip, pieces)):
        if "&" in piece:
            piece = html_lib.unescape(piece)  # an entity never spans a tag, so piece by piece is the same
        elif piece.isprintable() and "  " not in piece:
            # stripped, no white space but single ' ' (every other one is unprintable, '\n' too): as it is
            lines.append(piece)
            continue
        # str.split() rather than a `[^\S\n]+` pattern: a negated class tests each character's category (~15x slower)
        if "\n" in piece:
            lines += _text_lines(piece)
        elif not piece.isspace():
            lines.append(" ".join(piece.split()))
    return lines


def _read_window(html: str, start: int, anchor: tuple[int, int], stop: int) -> tuple[list[tuple[int, str]],
                                                                                    list[DateMark]]:
    """Around the headline: the visible text lines, as (pos, line) where pos orders them by their
    distance from the headline, and the elements whose markup says they hold a date."""
    before = _visible_lines(html[start:anchor[0]])
    after = _visible_lines(html[anchor[1]:stop])
    lines = [(anchor[0] - len(before) + i, line) for i, line in enumerate(before)]
    lines += [(anchor[1] + i, line) for i, line in enumerate(after)]
    return lines, _date_marks(html, start, stop)


def _date_marks(html: str, start: int, stop: int) -> list[DateMark]:
    """Elements in html[start:stop] whose markup says they hold a date, in page order."""
    marks: list[DateMark] = []
    # the words are ASCII: a latin-1 copy ('?' for any other character) lower-cased byte by byte keeps
    # every position (str.lower() may not: 'İ' becomes two characters) and costs a third as much
    low = html[start:stop].encode("latin-1", "replace").lower()
    seen: set[int] = set()
    for word in _DATE_ROLE_WORDS:
        hit = low.find(word)
        while hit >= 0:
            if (word in (b"dat", b"time") and hit and html[start + hit - 1].isalpha()) or (
                    word == b"dat" and low.startswith(b"data-", hit) and not low.startswith(b"data-pub", hit)):
                # inside a word ('candidate', 'runtime', 'datetime' found as 'dat') or a data-* attribute
                hit = low.find(word, hit + len(word))
                continue
            lt = low.rfind(b"<", 0, hit)
            if lt >= 0 and lt not in seen and low.rfind(b">", lt, hit) < 0:
                seen.add(lt)
                mark = date_mark(html, start + lt)
                if mark is not None:
                    marks.append(mark)
            hit = low.find(word, hit + len(word))
    marks.sort(key=lambda m: m.pos)
    return marks


def _start_tag(html: str, lt: int, skip: frozenset[str]) -> tuple[str, int, dict[str, str]] | None:
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


_NOT_DATE_TAGS = frozenset(("script", "style", "link", "img", "source", "input"))
_NOT_AUTHOR_TAGS = frozenset(("script", "style", "link", "img", "meta", "input", "body", "html", "article", "main",
                              "section"))


def date_mark(html: str, lt: int) -> DateMark | None:
    """The date mark of the tag opening at `lt` (microdata, RDFa, a dated class), if it is one."""
    found = _start_tag(html, lt, _NOT_DATE_TAGS)
    if found is None:
        return None
    tag, gt, attrs = found
    # microdata (itemprop) and RDFa (property="schema:datePublished", "dc:date") name the date's role
    prop = (attrs.get("itemprop") or attrs.get("property") or "").lower().rsplit(":", 1)[-1]
    if tag == "meta" and not prop:
        return None
    names = " ".join((attrs.get("class", ""), attrs.get("id", ""), prop)).lower()
    if prop in ("datepublished", "datecreated", "published_time") or _PUBLISHED_ROLE.search(names):
        role = "published"
    elif prop in ("datemodified", "modified_time") or MODIFIED_ROLE.search(names):
        role = "modified"
    elif _DATE_ROLE.search(names) or "datetime" in attrs:
        role = "date"
    else:
        return None
    raw = attrs.get("datetime") or attrs.get("content") or (attrs.get("title") if tag in ("abbr", "span") else None)
    if not raw:
        if tag in _VOID:
            return None
        raw = _element_text(html, gt + 1, tag, 400).replace("\n", " ")
    raw = raw.strip()
    if not raw or len(raw) > 120 or not any(map(str.isdigit, raw)):
        return None
    return DateMark(lt, role, raw)


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
                    return inner_attrs.get("content") or _element_text(html, inner_gt + 1,
                                                                      inner_name.group(1).lower())
        return _element_text(html, gt + 1, name)


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


MAX_H1 = 4
MAX_TIMES, MAX_QUOTES = 30, 200
TIME_TEXT_CHARS = 200  # a <time> without a datetime attribute: its text is read this far
MAX_AUTHOR_MARKS = 60
WINDOW_BEFORE, WINDOW_AFTER = 1500, 3000  # around the headline: where its byline and date lines stand
_TAG_NAME = re.compile(r"<([a-zA-Z][\w:-]*)")
# class / id tokens that name an author block but hold no name of the page's author
_NOT_AUTHOR_TOKEN = caseless_finder(r"comment|avatar|image|img|photo|pic|thumb|bio|desc|social|follow|twitter|"
                                    r"facebook|share|more|other|related|popular|recent|widget|label|title|heading|icon|"
                                    r"box|card|list|about|info-text|email|mail|url-wrap|rating|review|reply|disclaimer")
_AUTHOR_HREF = re.compile(r"/(?:author|authors|autor|autoren|auteur|auteurs|autore|autores|profile|profil|"
                          r"journalist|journalists|writer|writers|people|user|members?|team)/[^/?#\"']+", re.I)


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
        _element_text(html, gt + 1, "time", TIME_TEXT_CHARS).replace("\n", " ")
    return start, attrs, stated


def read_headline_region(html: str, head_end: int, body: Body) -> None:
    """Fill body.window and body.date_marks (read only when the bylines or the dates need them), once."""
    if body.anchor and not body.region_read:
        body.region_read = True
        anchor = body.anchor
        body.window, body.date_marks = _read_window(html, max(head_end, anchor[0] - WINDOW_BEFORE), anchor,
                                                    min(len(html), anchor[1] + WINDOW_AFTER))


def lines_below(html: str, start: int, stop: int) -> list[str]:
    """The visible text lines of html[start:stop] in page order (below the headline's region)."""
    return _visible_lines(html[start:stop]) if start < stop else []


def nearest_lines(lines: list[tuple[int, str]], anchor: tuple[int, int], limit: int) -> list[tuple[int, str]]:
    """The first `limit` of `lines` (at distinct positions in page order, as `Body.window` holds them) by
    their distance from the headline at `anchor`, nearest first: `sorted(lines, key=distance)[:limit]` (a
    line before the headline's start at `start - pos`, any other at `pos - end`; at equal distance the
    earlier line first), by walking out from the headline rather than sorting every line of the window."""
    start, end = anchor
    split = bisect_left(lines, (start,))  # the first line at or after the start: (start,) sorts before (start, text)
    before, after = split - 1, split  # the nearest line before the headline, the first at or after it
    out: list[tuple[int, str]] = []
    while len(out) < limit and (before >= 0 or after < len(lines)):
        # the lines after the start are in page order, so their distances rise; the ones before fall
        if after >= len(lines) or (before >= 0 and start - lines[before][0] <= lines[after][0] - end):
            out.append(lines[before])
            before -= 1
        else:
            out.append(lines[after])
            after += 1
    return out


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


def author_marks(html: str, start: int, anchor: tuple[int, int] | None) -> list[AuthorMark]:
    """Elements whose markup names them the author or the byline (around the headline, else anywhere),
    in page order."""
    marks: list[AuthorMark] = []
    seen: set[int] = set()
    begin, stop = start, len(html)
    if anchor is not None:  # around the headline (the byline, an author box below the story)
        begin, stop = max(start, anchor[0] + HEADLINE_REGION[0]), min(len(html), anchor[1] + HEADLINE_REGION[1])
    regions = [("uthor", begin, stop), ("yline", begin, stop)]
    for needle, begin, stop in regions:
        pos = html.find(needle, begin, stop)
        while pos >= 0 and len(marks) < MAX_AUTHOR_MARKS:
            lt = html.rfind("<", max(start, pos - 600), pos)
            nxt = pos + 5
            if lt >= 0 and lt not in seen and html.find(">", lt, pos) < 0:
                seen.add(lt)
                mark = _author_mark(html, lt)
                if mark is not None:
                    marks.append(mark)
            pos = html.find(needle, nxt, stop)
    marks.sort(key=lambda m: m.pos)
    return marks


def _author_mark(html: str, lt: int) -> AuthorMark | None:
    found = _start_tag(html, lt, _NOT_AUTHOR_TAGS)
    if found is None:
        return None
    name, gt, attrs = found
    kind = None
    if "author" in attrs.get("rel", "").lower().split():
        kind = "rel_author"
    elif "author" in attrs.get("itemprop", "").lower().split():
        kind = "itemprop_author"
    elif name == "byline":
        kind = "byline_class"
    else:
        # the class and id tokens, lower-cased (lower-casing neither makes nor removes white space); a token
        # holding 'author' or 'byline', or equal to 'byl', holds 'author' or 'byl': without either, none is tried
        classes = (attrs.get("class", "") + " " + attrs.get("id", "")).lower()
        if "author" in classes or "byl" in classes:
            for low in classes.split():
                if ("author" in low or "byline" in low or low == "byl") and not _NOT_AUTHOR_TOKEN(low):
                    kind = "byline_class" if "byline" in low else "author_class"
                    break
        if kind is None and name == "a" and _AUTHOR_HREF.search(attrs.get("href", "")):
            kind = "author_link"
    if kind is None:
        return None
    if "comment" in (attrs.get("class") or "").lower() or "comment" in (attrs.get("id") or "").lower():
        return None
    return AuthorMark(kind, lt, html, gt, name, attrs.get("content") if name == "meta" else None,
                       kind == "itemprop_author" and "itemscope" in attrs)


# --------------------------------------------------------------------------------------------------
# a reader's comment: the author marks inside a comment section name a commenter, not the story's writer (round 17)

COMMENT_REACH = 20000  # how far back from an author mark the comment that holds it is looked for
# at most this many start tags holding a comment word are read back from a mark (a comment's permalink, its reply
# link and its status boxes before the container of a comment thread: ~5 a comment on cbsnews.com), and at most
# MAX_CONTAINER_CHECKS comment containers are followed to their end
MAX_COMMENT_TAGS, MAX_CONTAINER_CHECKS = 100, 8
# the part every spelling of the word holds ('Comment', 'commentList', 'userComments', 'dsq-comment' of Disqus), found
# with `str.rfind` in the page as it is, without a lower-cased copy; 'reply', 'discussion' and 'disqus_thread' as
# section names brought no page of the corpora that 'comment' did not (round 17)
_COMMENT_NEEDLE = "omment"
_TOKEN_EDGES = (" ", '"', "'", "=", ">", "\n", "\t")
# the words of a class or id token that name a section of readers' comments or one comment ('comment-author',
# 'commentlist', 'comment-body', 'userComments'); 'commentary' is another word ('article-commentary')
_COMMENT_WORDS = frozenset(("comment", "comments", "commentlist"))
# a word beside them that makes the token a state of the page or a link to the comments, no section of them
# ('no-comments' or 'comments-open' on the story's wrapper, 'comment-count', 'comments-link', 'reply-button')
_NOT_CONTAINER_WORDS = frozenset(("no", "open", "closed", "enabled", "disabled", "off", "has", "allowed", "count",
                                  "counter", "number", "num", "link", "links", "button", "btn", "bubble", "icon"))
# a comment by the post's own author, as WordPress ('bypostauthor' on the comment) and Blogger ('blog-author' on the
# commenter's name) mark it: its name is the story's writer's
_POST_AUTHOR_TOKENS = frozenset(("bypostauthor", "blog-author"))
_CLASS_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")  # camel case split: 'userComments' -> user, Comments
# the word stands in the value of the tag's class or id attribute, which this reaches up to its end
_IN_CLASS_OR_ID = re.compile(r"""\s(?:id|class|ID|CLASS|Id|Class)\s*=\s*["']?[^"'<>=]*\Z""")
_NOT_CONTAINER_TAGS = frozenset(("html", "body", "script", "style", "link", "img", "meta", "input", "a"))


def _class_tokens(attrs: dict[str, str]) -> list[str]:
    return (attrs.get("class", "") + " " + attrs.get("id", "")).lower().split()


def is_comment_container(attrs: dict[str, str]) -> bool:
    """Does a tag's class or id name a comment section or a comment (`_COMMENT_WORDS`, read word by word)?"""
    for token in (attrs.get("class", "") + " " + attrs.get("id", "")).split():
        words = {word.lower() for word in _CLASS_WORD.findall(token)}
        if not words.isdisjoint(_COMMENT_WORDS) and words.isdisjoint(_NOT_CONTAINER_WORDS):
            return True
    return False


@lru_cache(maxsize=64)
def _open_or_close(name: str) -> re.Pattern[str]:
    # its lower and upper case spelt out, not re.I: the pattern then opens with a literal '<' that `re` scans for fast
    return re.compile(r"<(/?)(?:%s|%s)(?=[\s>/])" % (re.escape(name), re.escape(name.upper())))


_TAG_STEP = {"": 1, "/": -1}.__getitem__  # a start tag opens one more element of the name, an end tag closes one


def depth_at(html: str, name: str, start: int, stop: int, depth: int) -> int:
    """How deep elements `name` are nested at `stop`, `depth` deep at `start`; 0 once the count of their start tags
    less their end tags falls to 0 between (the element open at `start` closed). The running sum in C: a Python loop
    over the <div>s of 17,000 characters cost ~20 µs."""
    running = list(accumulate(map(_TAG_STEP, _open_or_close(name).findall(html, start, stop)), initial=depth))
    return running[-1] if min(running) > 0 else 0


def comment_container(html: str, pos: int, headline: int = -1) -> tuple[str, int] | None:
    """The element around the tag at `pos` whose class or id names a comment section (`is_comment_container`):
    (its name, where its start tag ends), else None. A backwards scan, no DOM: the places within COMMENT_REACH before
    it where a comment word stands inside a start tag, nearest first; of the containers whose element is still open
    at `pos` (as many end tags of its name as start tags after it: exact for well-formed markup), the outermost. A
    comment by the post's author (`_POST_AUTHOR_TOKENS` on the mark or around it) and an element that links to the
    comment section (a story's meta line) are none. A mark below the headline that starts at `headline` is looked at
    back to it only: an element around the story's headline is no readers' comment (and a byline under the headline
    costs a few hundred characters, not COMMENT_REACH)."""
    own_end = max(pos, html.find(">", pos, pos + TAG_GT_CHARS))
    if any(html.find(token, pos, own_end) >= 0 for token in _POST_AUTHOR_TOKENS):
        return None
    lo = max(0, pos - COMMENT_REACH, headline if headline < pos else 0)
    seen: set[int] = set()
    checks, inside = 0, None
    at = html.rfind(_COMMENT_NEEDLE, lo, pos)
    while at >= 0 and len(seen) < MAX_COMMENT_TAGS:
        hit, at = at, html.rfind(_COMMENT_NEEDLE, lo, at)
        lt = html.rfind("<", lo, hit)
        if lt < 0 or lt in seen or html.find(">", lt, hit) >= 0:
            continue  # in the text, not inside a start tag
        seen.add(lt)
        if _IN_CLASS_OR_ID.search(html, lt, hit) is None:
            continue  # in another attribute (a permalink's title, a form field's name): the tag is not read
        # the word's own token first ('comment-count', 'newcommentstatus' are none): most tags are not read whole
        start = max(html.rfind(c, lt, hit) for c in _TOKEN_EDGES) + 1
        ends = [e for e in (html.find(c, hit, hit + 200) for c in _TOKEN_EDGES) if e >= 0]
        if not ends or not is_comment_container({"class": html[start:min(ends)]}):
            continue
        found = _start_tag(html, lt, _NOT_CONTAINER_TAGS)
        if found is None or found[1] >= pos or not is_comment_container(found[2]):
            continue
        name, gt, _ = found
        # still open; a comment by the post's author, or an element that links to the comment section (a story's
        # meta line, '<div class="Comment">Written by ... <a href="...#comments">Leave a Comment</a>') is none
        if depth_at(html, name, gt + 1, pos, 1):
            if not _POST_AUTHOR_TOKENS.isdisjoint(_class_tokens(found[2])):
                return None  # ('<li class="comment bypostauthor">' around the comment's '<article class="comment">')
            if html.find("#comments", gt, pos) < 0:
                inside = name, gt  # the outermost found: the section, which `CommentSections` keeps for the next marks
        checks += 1
        if checks >= MAX_CONTAINER_CHECKS:
            break
    return inside


class CommentSections:
    """The comment sections found around one page's author marks, kept so that a mark after one inside a section
    it still holds is known to be inside without another scan: a thread of 60 commenters costs one scan, then a
    count of the container's tags up to each next mark."""

    def __init__(self, html: str, headline: int) -> None:
        self.html, self.headline = html, headline
        self.known: list[list] = []  # [name, where its start tag ends, its depth at `upto`, upto]: open there

    def known_to_hold(self, pos: int) -> bool:
        """Does a section already found hold `pos` (no scan for new ones; a comment by the post's author aside)?"""
        html = self.html
        for entry in self.known:
            name, gt, depth, upto = entry
            if gt >= pos:
                continue
            if pos > upto:
                entry[2], entry[3] = depth_at(html, name, upto, pos, depth), pos
                if entry[2] == 0:
                    self.known.remove(entry)
                    return False
            if html.rfind("bypostauthor", max(gt, pos - COMMENT_REACH // 4), pos) >= 0:
                return False  # (read again by `holds`)
            return True
        return False

    def holds(self, pos: int) -> bool:
        """Is the mark at `pos` inside a comment section (`comment_container`)?"""
        if self.known_to_hold(pos):
            return True
        found = comment_container(self.html, pos, self.headline)
        if found is not None:
            self.known.append([found[0], found[1], 1, found[1] + 1])
        return found is not None
