"""metadata: a page's title, authors, site name and published / modified time, each with its evidence.

Pure row logic: `page_metadata(html, url, blocks)` reads plain strings and returns plain values. It reads
every standard place for each field and decides by a fixed order of evidence (docs/metadata.md), and
says which evidence won in a `*_source` value, as the licence fields do.

Places read, all by linear scans over the page text (no DOM walk; see markup.py for why):
- the head: `<title>`, `<meta>` (HTML, Open Graph, Dublin Core, Twitter, parse.ly, sailthru ...),
  `<link rel=canonical>`;
- JSON-LD (`@graph` and arrays flattened, `@id` references resolved): the article object's headline,
  author, publisher, datePublished, dateModified; the WebSite / WebPage objects;
- the body: the headline (`<h1>`), author markup (`rel=author`, `itemprop=author`, classes and ids
  naming an author or byline, links to an author page), `<time>` elements and microdata dates, and
  the visible byline and date lines near the headline;
- the URL (`/2014/05/18/slug`) and the main-content blocks (a visible `By Jane Doe` or date line).
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from dedup.rights.attribution import agency_from_credit, agency_name
from dedup.text.dates import MONTHS, find_dates, parse_published, url_date
from dedup.text.markup import first_str, jsonld_from_bodies, script_holds_jsonld, tag_attributes

# --------------------------------------------------------------------------------------------------
# result


@dataclass(slots=True)
class PageMetadata:
    """What one page says about itself; every `*_source` names the evidence the value came from."""

    title: str | None = None
    title_source: str | None = None
    html_title: str | None = None
    site_name: str | None = None
    site_name_source: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_source: str | None = None
    # organisations seen in author positions (a newsroom, the site itself): credited as publisher
    author_organisations: list[str] = field(default_factory=list)
    # (text, agency) for a wire agency named in an author position ("David Hutzler | dpa")
    author_agencies: list[tuple[str, str]] = field(default_factory=list)
    publisher: str | None = None
    published_at: datetime | None = None
    published_at_raw: str | None = None
    published_at_source: str | None = None
    modified_at: datetime | None = None
    modified_at_raw: str | None = None
    modified_at_source: str | None = None
    canonical_url: str | None = None
    url_host: str = ""
    publisher_is_person: bool = False
    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# the head

_HEAD_END = re.compile(r"</[hH][eE][aA][dD]\s*>|<[bB][oO][dD][yY][\s>]")
# character classes rather than re.I: `re` finds the '<' prefix fast and checks four characters
# tag starts only, each tag's end found once with str.find: `<meta...([^>]*)>` rescans to the end
# of the head from every '<meta' that has no '>' (quadratic: 300,000 characters of '<meta ' took
# minutes)
_META_START = re.compile(r"<[mM][eE][tT][aA](?=[\s>/])")
_TITLE_START = re.compile(r"<[tT][iI][tT][lL][eE](?=[\s>])")
_TITLE_END = re.compile(r"</[tT][iI][tT][lL][eE]\s*>")
_HTML_LANG = re.compile(r"<[hH][tT][mM][lL]\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)")
# the attributes of a <meta> that are read: its key (property, name, itemprop) and content; one pattern
# rather than every attribute parsed (`data-name=` is not `name=`)
_META_ATTR = re.compile(r"""(?<![\w:.-])(property|name|itemprop|content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""",
                        re.I)
HEAD_SCAN_CHARS = 300_000
MAX_META_TAGS = 1000   # a real head has tens; a hostile one is read no further
MAX_META_VALUES = 5    # values kept per meta key (several article:author tags, ...)


@dataclass(slots=True)
class _Head:
    meta: dict[str, list[str]]
    canonical: str | None
    html_title: str | None
    lang: str | None
    end: int


def _read_head(html: str) -> _Head:
    end = html.find("</head", 0, HEAD_SCAN_CHARS)
    if end < 0:
        end_match = _HEAD_END.search(html, 0, HEAD_SCAN_CHARS)
        end = end_match.start() if end_match else min(len(html), HEAD_SCAN_CHARS)
    meta: dict[str, list[str]] = {}
    pos = 0
    for _ in range(MAX_META_TAGS):
        m = _META_START.search(html, pos, end)
        gt = html.find(">", m.end(), end) if m is not None else -1
        if gt < 0:
            break
        pos = gt + 1
        content, keys = None, []
        for attr, double_quoted, single_quoted, bare in _META_ATTR.findall(html, m.end(), gt):
            value = double_quoted or single_quoted or bare
            if attr.lower() == "content":
                if content is None:
                    content = value
            elif value:
                keys.append(value)
        if not content or not keys:
            continue
        content = (html_lib.unescape(content) if "&" in content else content).strip()
        if not content:
            continue
        for key in dict.fromkeys(keys):
            key = (html_lib.unescape(key) if "&" in key else key).strip().lower()
            if key:
                values = meta.setdefault(key, [])
                if len(values) < MAX_META_VALUES:
                    values.append(content)
    html_title = None
    title = _TITLE_START.search(html, 0, end)
    title_end = html.find(">", title.end(), end) + 1 if title is not None else 0
    if title_end > 0:
        close = _TITLE_END.search(html, title_end, title_end + 3000)
        if close:
            html_title = _clean_text(html[title_end:close.start()])
    lang_match = _HTML_LANG.search(html, 0, min(len(html), 5000))
    return _Head(meta, _canonical_link(html, end), html_title, lang_match.group(1).lower() if lang_match else None,
                 end)


def _canonical_link(html: str, end: int) -> str | None:
    """The href of <link rel="canonical"> in the head (found by its word, not by reading every link)."""
    pos = html.find("canonical", 0, end)
    while pos >= 0:
        lt = html.rfind("<", max(0, pos - 2000), pos)
        if lt >= 0 and html[lt + 1:lt + 5].lower() == "link" and html.find(">", lt, pos) < 0:
            gt = html.find(">", pos)
            attrs = tag_attributes(html[lt + 5:gt if gt > 0 else end])
            if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
                return attrs["href"].strip()
        pos = html.find("canonical", pos + 9, end)
    return None


# --------------------------------------------------------------------------------------------------
# text helpers

_TAG = re.compile(r"<[^>]*>")


def _clean_text(text: str) -> str:
    """Markup fragment -> one line of text (tags dropped, entities decoded, spaces collapsed)."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html_lib.unescape(text)
    return " ".join(text.split())


_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=4096)
def _fold(text: str | None) -> str:
    """Comparison key: accents stripped, case folded, only letters and digits."""
    if not text:
        return ""
    # NFKD splits accents off as combining marks, which are not word characters: one substitution drops both
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text)).casefold()


_WORD = re.compile(r"\w+")


def _words(text: str | None) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())


# --------------------------------------------------------------------------------------------------
# the body: headline, author markup, <time>, dates near the headline

# <script, <h1 or <time (character classes rather than re.I: `re` then scans for the '<' prefix fast)
_SCRIPT_H1_TIME = re.compile(r"<(?:script|h1|time|SCRIPT|H1|TIME|Script)(?=[\s>/])")
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
        tag = (m.group(2) or "").lower()
        if skip_until is not None:
            if m.group(1) and tag == skip_until:
                skip_until = None
                pos = m.end()
            continue
        parts.append(html[pos:m.start()])
        pos = m.end()
        if not tag:
            continue
        if tag in _SKIP_CONTENT and not m.group(1):
            skip_until = tag
            continue
        if tag == name:
            if m.group(1):
                depth -= 1
                if depth == 0:
                    break
            elif not m.group(3).rstrip().endswith("/"):
                depth += 1
        parts.append("\n" if tag in _BREAK_TAGS else " ")
    else:
        if skip_until is None:
            parts.append(html[pos:stop])
    text = "".join(parts)
    if "&" in text:
        text = html_lib.unescape(text)
    return "\n".join(" ".join(words) for words in (line.split() for line in text.split("\n")) if words)


# words in the attributes of an element that holds a date (class="date", itemprop="datePublished", ...)
_DATE_ROLE_WORDS = ("dat", "time", "publ", "posted", "creat", "upd", "modif")
_PUBLISHED_ROLE = re.compile(r"publish|pubdate|posted|created|submitted")
_MODIFIED_ROLE = re.compile(r"updated|modified")
_PUBLISHED_TIME_ROLE = re.compile(r"publish|entry-date|created|posted")
_DATE_ROLE = re.compile(r"date|datum|fecha|time")
_SCRIPT_LIKE = re.compile(r"<(script|style|noscript|template|svg|select|button)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
                          re.S | re.I)


@dataclass(slots=True)
class _DateMark:
    pos: int
    role: str        # published | modified | date
    raw: str


def _visible_lines(fragment: str) -> list[str]:
    """Visible text lines of a markup fragment, one per text node (a date or a label split across
    inline elements is rare; a label on the line before counts); script, style and comments dropped."""
    if "<" in fragment:
        if "<script" in fragment or "<style" in fragment or "<!--" in fragment or "<svg" in fragment \
                or "<SCRIPT" in fragment or "<STYLE" in fragment:
            fragment = _SCRIPT_LIKE.sub(" ", fragment)
        fragment = _TAG.sub("\n", fragment)
    if "&" in fragment:
        fragment = html_lib.unescape(fragment)
    # str.split() rather than a `[^\S\n]+` pattern: a negated class tests each character's category (~15x slower)
    return [" ".join(words) for words in (line.split() for line in fragment.split("\n")) if words]


def _read_window(html: str, start: int, anchor: tuple[int, int], stop: int) -> tuple[list[tuple[int, str]],
                                                                                    list[_DateMark]]:
    """Around the headline: the visible text lines, as (pos, line) where pos orders them by their
    distance from the headline, and the elements whose markup says they hold a date."""
    before = _visible_lines(html[start:anchor[0]])
    after = _visible_lines(html[anchor[1]:stop])
    lines = [(anchor[0] - len(before) + i, line) for i, line in enumerate(before)]
    lines += [(anchor[1] + i, line) for i, line in enumerate(after)]
    return lines, _date_marks(html, start, stop)


def _date_marks(html: str, start: int, stop: int) -> list[_DateMark]:
    """Elements in html[start:stop] whose markup says they hold a date, in page order."""
    marks: list[_DateMark] = []
    low = html[start:stop].lower()
    seen: set[int] = set()
    for word in _DATE_ROLE_WORDS:
        hit = low.find(word)
        while hit >= 0:
            if (word in ("dat", "time") and hit and low[hit - 1].isalpha()) or (
                    word == "dat" and low.startswith("data-", hit) and not low.startswith("data-pub", hit)):
                # inside a word ('candidate', 'runtime', 'datetime' found as 'dat') or a data-* attribute
                hit = low.find(word, hit + len(word))
                continue
            lt = low.rfind("<", 0, hit)
            if lt >= 0 and lt not in seen and low.rfind(">", lt, hit) < 0:
                seen.add(lt)
                mark = _date_mark(html, start + lt)
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
    gt = html.find(">", m.end(), m.end() + 3000)
    if gt < 0 or name in skip:
        return None
    return name, gt, tag_attributes(html[m.end():gt])


_NOT_DATE_TAGS = frozenset(("script", "style", "link", "img", "source", "input"))
_NOT_AUTHOR_TAGS = frozenset(("script", "style", "link", "img", "meta", "input", "body", "html", "article", "main",
                              "section"))


def _date_mark(html: str, lt: int) -> _DateMark | None:
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
    elif prop in ("datemodified", "modified_time") or _MODIFIED_ROLE.search(names):
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
    if not raw or len(raw) > 120 or not any(c.isdigit() for c in raw):
        return None
    return _DateMark(lt, role, raw)


@dataclass(slots=True)
class _AuthorMark:
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
class _Body:
    h1: list[tuple[int, int, str]]                 # (start, end, text) of each <h1>, at most a few
    times: list[tuple[int, dict[str, str]]]        # (pos, attributes) of <time> tags
    authors: list[_AuthorMark]
    window: list[tuple[int, str]]                  # visible lines around the headline
    date_marks: list[_DateMark]                    # elements around the headline that hold a date
    anchor: tuple[int, int] | None                 # the headline's place (an <h1>, else the first block)
    region_read: bool = False                      # window and date_marks filled


MAX_H1 = 4
MAX_TIMES = 30
MAX_AUTHOR_MARKS = 60
WINDOW_BEFORE, WINDOW_AFTER = 1500, 3000  # around the headline: where its byline and date lines stand
_TAG_NAME = re.compile(r"<([a-zA-Z][\w:-]*)")
# class / id tokens that name an author block but hold no name of the page's author
_NOT_AUTHOR_TOKEN = re.compile(r"comment|avatar|image|img|photo|pic|thumb|bio|desc|social|follow|twitter|facebook|"
                               r"share|more|other|related|popular|recent|widget|label|title|heading|icon|box|card|"
                               r"list|about|info-text|email|mail|url-wrap|rating|review|reply|disclaimer", re.I)
_AUTHOR_HREF = re.compile(r"/(?:author|authors|autor|autoren|auteur|auteurs|autore|autores|profile|profil|"
                          r"journalist|journalists|writer|writers|people|user|members?|team)/[^/?#\"']+", re.I)


def _scan_page(html: str, head_end: int, blocks: list[str]) -> tuple[_Body, list[str]]:
    """One pass over the page for the tags read whole: JSON-LD scripts (their bodies returned), and in
    the body the <h1>s and <time>s (one scan: each scan of a whole page costs ~70 µs)."""
    h1: list[tuple[int, int, str]] = []
    times: list[tuple[int, dict[str, str]]] = []
    scripts: list[str] = []
    pos = 0
    while (m := _SCRIPT_H1_TIME.search(html, pos)) is not None:
        gt = html.find(">", m.end(), m.end() + 2000)
        if gt < 0:
            pos = m.end()
            continue
        pos = gt + 1
        kind = m.group(0)[1]
        if kind in "sS":
            if script_holds_jsonld(html[m.end():gt], html[gt + 1:gt + 400]):
                end = _SCRIPT_END.search(html, gt + 1)
                if end is None:
                    break
                scripts.append(html[gt + 1:end.start()])
                pos = end.end()
        elif m.start() < head_end:
            continue
        elif kind in "hH":
            if len(h1) < MAX_H1:
                close = _H1_END.search(html, gt + 1, gt + 1 + ELEMENT_TEXT_CHARS)
                text = _headline_text(html[gt + 1:close.start()]) if close else ""
                h1.append((m.start(), close.end() if close else gt + 1, text))
        elif len(times) < MAX_TIMES:
            times.append((m.start(), tag_attributes(html[m.end():gt])))
    anchor = next(((s, e) for s, e, t in h1 if t), None) or _block_anchor(html, head_end, blocks) \
        or _h2_anchor(html, head_end)
    return _Body(h1, times, [], [], [], anchor), scripts


def _read_headline_region(html: str, head_end: int, body: _Body) -> None:
    """Fill body.window and body.date_marks (read only when the bylines or the dates need them), once."""
    if body.anchor and not body.region_read:
        body.region_read = True
        anchor = body.anchor
        body.window, body.date_marks = _read_window(html, max(head_end, anchor[0] - WINDOW_BEFORE), anchor,
                                                    min(len(html), anchor[1] + WINDOW_AFTER))


_H2 = re.compile(r"<[hH]2(?=[\s>/])")
_H2_END = re.compile(r"</[hH]2\s*>")


_FIRST_CHILD = re.compile(r"\s*<([a-zA-Z][\w-]*)\b([^>]*)>")
# a kicker over the headline inside the <h1> ('<span class="dachzeile">Olympische Spiele</span> Getränke ...')
_KICKER = re.compile(r"kicker|dachzeile|topline|overline|roofline|eyebrow|subheadline|subtitle|pretitle|pre-title|"
                     r"supertitle|superheadline|spitzmarke|rubric|label|category", re.I)


def _headline_text(inner: str) -> str:
    """The text of an <h1>, without the kicker its markup sets above the headline."""
    m = _FIRST_CHILD.match(inner)
    if m and _KICKER.search(m.group(2)):
        close = inner.find(f"</{m.group(1)}", m.end())
        if close > 0:
            rest = _clean_text(inner[inner.find(">", close) + 1:])
            if rest:
                return rest
    return _clean_text(inner)


def _h2_anchor(html: str, start: int) -> tuple[int, int] | None:
    """No <h1> and no block found: the first <h2> with text (a theme that gives posts <h2> titles)."""
    for count, m in enumerate(_H2.finditer(html, start)):
        gt = html.find(">", m.end(), m.end() + 2000)
        close = _H2_END.search(html, gt + 1, gt + 1 + ELEMENT_TEXT_CHARS) if gt >= 0 else None
        if close and _clean_text(html[gt + 1:close.start()]):
            return m.start(), close.end()
        if count >= 3:
            break
    return None


def _block_anchor(html: str, start: int, blocks: list[str]) -> tuple[int, int] | None:
    """No <h1>: where the first main-content block stands in the page (its opening words found)."""
    for block in blocks[:2]:
        words = block.split()
        if len(words) < 3 or "&" in block or "<" in block:
            continue
        pos = html.find(" ".join(words[:3]), start)
        if pos >= 0:
            return pos, pos
    return None


def _author_marks(html: str, start: int, anchor: tuple[int, int] | None) -> list[_AuthorMark]:
    """Elements whose markup names them the author or the byline (around the headline, else anywhere),
    in page order."""
    marks: list[_AuthorMark] = []
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


def _author_mark(html: str, lt: int) -> _AuthorMark | None:
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
        tokens = (attrs.get("class", "") + " " + attrs.get("id", "")).split()
        for token in tokens:
            low = token.lower()
            if ("author" in low or "byline" in low or low == "byl") and not _NOT_AUTHOR_TOKEN.search(low):
                kind = "byline_class" if "byline" in low else "author_class"
                break
        if kind is None and name == "a" and _AUTHOR_HREF.search(attrs.get("href", "")):
            kind = "author_link"
    if kind is None:
        return None
    if any("comment" in (attrs.get(k) or "").lower() for k in ("class", "id")):
        return None
    return _AuthorMark(kind, lt, html, gt, name, attrs.get("content") if name == "meta" else None,
                       kind == "itemprop_author" and "itemscope" in attrs)


# --------------------------------------------------------------------------------------------------
# names: bylines -> people, agencies and organisations

_BY_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|published|reported|edited|compiled|story|text|words|report|geschrieben|verfasst|"
    r"veröffentlicht|erstellt|eingestellt|publié|écrit|escrito|publicado|scritto|pubblicato|geplaatst|geschreven|"
    r"(?:view\s+)?(?:all\s+)?(?:posts|articles|stories|beiträge|artikel)|alles|mehr)\s+)?"
    r"(?:by|von|par|por|door|di|av|af|from|de|da)\b\s*:?\s*"
    r"|^\s*(?:autor(?:in|en)?|author|authors|auteur|autore|text|texte|redakteur(?:in)?|redaktion|reporter|"
    r"verfasser|writer|byline|interview|moderation|recherche)"
    r"(?:\s*(?:&|\+|/|und|and|et|y)\s*(?:fotos?|photos?|bilder?|images?|video))?\s*:\s*", re.I)
# 'Foto: Jane Doe' credits a picture, not the story
_PICTURE_CREDIT = re.compile(r"^\s*(?:fotos?|photos?|photographs?|bilder?|images?|pictures?|video|grafik|"
                             r"illustration|credit)\s*(?::|by\b|von\b|©)", re.I)
_ROLE_WORDS = frozenset((
    "staff writer reporter correspondent editor editors contributor contributing columnist senior chief "
    "associate assistant managing deputy executive political science business sports health tech technology "
    "national international foreign city news freelance freelancer journalist photographer producer analyst "
    "redakteur redakteurin redaktion chefredakteur chefredakteurin korrespondent korrespondentin autor autorin "
    "journaliste rédacteur rédactrice correspondant envoyé spécial special redactor redactora periodista "
    "corresponsal giornalista inviato columnist guest gastautor gastautorin blogger host anchor author writer "
    "mitarbeiter volontär volontärin rechtsanwalt rechtsanwältin anwalt attorney lawyer pressesprecher "
    "pressesprecherin spokesperson spokesman spokeswoman").split())
_NOT_A_NAME = frozenset((
    "admin administrator administrador redaktion redaction rédaction redazione redacción editorial editorial team "
    "staff team newsroom newsdesk news desk guest gast anonymous anonym unknown unbekannt home menu author authors "
    "autor autoren auteur by von posted published updated share comments comment read more mehr lesen login "
    "webmaster user guest author editor editors the editors our team support follow folgen suivre seguir "
    "sponsored gesponsert gesponserte anzeige advertisement advertorial werbung partner promoted inhalte content "
    "paid alle all artikel articles beiträge posts mehr more view profile profil min min. minuten minutes sek "
    "lesezeit read text foto fotos photo photos bild video").split())
# words that make a name an organisation's (a set lookup per word: a long alternation is slow in `re`)
_ORG_WORDS = frozenset((
    "gmbh ag inc ltd llc plc sa ev verlag media medien news online magazin magazine zeitung redaktion "
    "redaction rédaction redazione redacción newsroom desk tv radio press presse agency agentur group gruppe "
    "association verband institut institute university universität department ministry ministerium blog team "
    "staff verein stiftung foundation company corporation network netzwerk partei party club "
    "society gesellschaft services service studio official editorial noticias nachrichten actualités notizie "
    "nieuws wiki kitchen kitchens küche family familie abteilung division bureau office amt feuerwehr polizei "
    "police church kirche diakonie caritas stadt gemeinde council school schule hospital klinik clinic bank shop "
    "store hotel restaurant museum theater theatre festival orchestra orchester chor choir verlagsgruppe holding "
    "lab labs software systems solutions consulting marketing digital communication communications "
    "kommunikation pr illustrierte").split())
_ORG_ABBREVIATION = re.compile(r"\be\.\s?v\b|\bs\.\s?a\b|\bcity\s+of\b")
_DOMAIN_LIKE = re.compile(r"\b[\w-]+\.(?:com|net|org|de|at|ch|fr|es|it|nl|be|uk|co|io|info|eu|cz|pl|ru|tv|fm)\b", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:;|\||,|&|/|·|•|\s(?:and|und|et|y|e|og|och|en|i|und\s+von)\s)\s*", re.I)
_HAS_LETTER = re.compile(r"[^\W\d_]")


@dataclass(slots=True)
class Byline:
    """A byline read apart: people, wire agencies, other organisations."""

    people: list[str]
    agencies: list[tuple[str, str]]
    organisations: list[str]


_NOT_PLAIN = re.compile(r"[\d@(\[/:]")  # anything the cleaning below would change
_URL_MAIL_HANDLE = re.compile(r"https?://\S+|\S+@\S+\.\S+|\[[^\]]*\]|(?<!\w)@\w+")
_BRACKETED = re.compile(r"\(([^)]*)\)")
_CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?|uhr|h)?", re.I)
# a word left hanging by a removed date ('on', 'am', 'posted')
_DANGLING_WORD = re.compile(r"\b(?:on|am|le|el|il|op|em|at|um|posted|published|updated|aktualisiert|veröffentlicht)"
                            r"\s*(?:\||$)", re.I)
_NAME_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
# every wire agency's name holds one of these (dedup/rights/attribution.py): a cheap test before the full one
_AGENCY_HINT = re.compile(r"reuters|press|presse|afp|agence|bloomberg|dpa|xinhua|efe|ansa|upi|united|kyodo|yonhap|"
                          r"\bap\b|\bpa\b|staff|writer|correspondent", re.I)
BYLINE_LINE_CHARS = 120  # a longer line is a sentence (an author's biography), not a byline
BYLINE_LINE_WORDS = 10   # nor is a line of more words, dates and times aside
BYLINE_PARTS = 5         # nor a line of more names and labels ('CSP / International / Photovoltaik / ...')


def parse_byline(text: str, site_names: tuple[str, ...] = ()) -> Byline:
    """'By Jane Doe and John Roe, Reuters' -> people ['Jane Doe', 'John Roe'], agency Reuters.

    Prefixes ('By', 'Von', 'Par', 'Posted by'), dates, times, e-mail addresses, URLs, bracketed
    handles and trailing roles ('Staff Writer', 'Redakteur') are dropped; names are split on 'and' /
    ',' / '|' / ';' / '&' and their equivalents. Wire agencies and organisations (site names,
    newsrooms, companies, domains) are not people."""
    people: list[str] = []
    agencies: list[tuple[str, str]] = []
    organisations: list[str] = []
    site_keys = {_fold(s) for s in site_names if s}
    text = unicodedata.normalize("NFKC", text or "")
    for line in [ln for ln in text.split("\n") if len(ln) <= BYLINE_LINE_CHARS][:3]:
        if _NOT_PLAIN.search(line):
            line = _URL_MAIL_HANDLE.sub(" ", line)
            line = _BRACKETED.sub(lambda m: " | " + m.group(1) if _AGENCY_HINT.search(m.group(1))
                                  and agency_name(m.group(1)) else " ", line)
            for d in reversed(find_dates(line)):
                line = line[:d.start] + " | " + line[d.end:]
            line = _CLOCK_TIME.sub(" | ", line)
        line = _DANGLING_WORD.sub(" | ", line)
        if len(_NAME_WORD.findall(line)) > BYLINE_LINE_WORDS or _PICTURE_CREDIT.match(line):
            continue  # a sentence or a picture credit, not a byline
        for _ in range(2):
            line = _BY_PREFIX.sub("", line)
        parts = [p for p in _NAME_SPLIT.split(line) if _HAS_LETTER.search(p)]
        if len(parts) > BYLINE_PARTS:
            continue  # a list of topics or tags
        for part in parts:
            part = part.strip(" \t.:-–—|,;·•\"'“”«»")
            if not part or not _HAS_LETTER.search(part):
                continue
            for _ in range(2):
                part = _BY_PREFIX.sub("", part).strip(" .:-–—")
            agency = (agency_name(part) or agency_from_credit(part)) if _AGENCY_HINT.search(part) else None
            if agency:
                if (part, agency) not in agencies:
                    agencies.append((part, agency))
                continue
            name = _strip_roles(part)
            if not name:
                continue
            if _is_organisation(name, site_keys):
                if name not in organisations:
                    organisations.append(name)
                continue
            if name.isupper() and len(name) > 3:
                name = name.title()  # 'JOE HILDEBRAND' -> 'Joe Hildebrand'
            if _is_person_name(name) and name not in people:
                people.append(name)
    if any(" " in p for p in people) or organisations or agencies:
        # 'Ben Silverman, Games', 'hessenschau.de, Frankfurt, Germany': beside full names or an
        # organisation, a single word is a section, a role or a place
        people = [p for p in people if " " in p]
    return Byline(people, agencies, organisations)


def _strip_roles(part: str) -> str:
    words = part.split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        words = words[:half]  # a name shown twice (a visible and a screen-reader copy)
    while words and words[-1].lower().strip(".,") in _ROLE_WORDS:
        words.pop()
    while words and words[0].lower().strip(".,") in _ROLE_WORDS and len(words) > 2:
        words.pop(0)
    return " ".join(words).strip(" .,:;-–—")


_ARTICLE = re.compile(r"^(?:the|die|der|das|la|le|les|el|il|lo|de|het)\s+", re.I)


def _has_org_word(name: str) -> bool:
    low = name.lower()
    return any(w in _ORG_WORDS for w in _WORD.findall(low)) or _ORG_ABBREVIATION.search(low) is not None


def _is_organisation(name: str, site_keys: set[str]) -> bool:
    if " " not in name and name.isupper() and len(name) >= 3:
        return True  # 'ARD', 'NDR': an acronym alone names an organisation, not a person
    bare = _ARTICLE.sub("", name)
    if _fold(bare) in site_keys or _fold(name) in site_keys:
        # a personal site is named after its author ('Wolfgang Michal' on wolfgangmichal.de)
        return not (bare == name and len(name.split()) >= 2 and _is_person_name(name) and not name.isupper()
                    and not _has_org_word(name) and not _DOMAIN_LIKE.search(name))
    return _has_org_word(name) or _DOMAIN_LIKE.search(name) is not None


_PARTICLES = frozenset("von van der den de del della di da dos das du le la lo bin ibn al el y e zu ten ter af av "
                       "st. st".split())
_CALENDAR_WORDS = frozenset((
    "monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch donnerstag freitag samstag "
    "sonntag lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado "
    "domingo today heute gestern yesterday").split())


_NOT_NAME_OR_ROLE = _NOT_A_NAME | _ROLE_WORDS
_BAD_NAME_CHAR = re.compile(r"[!?=<>{}\[\]#*+:;\"“”|©®@/\\]")


def _is_person_name(name: str) -> bool:
    """A plausible personal name or a user's handle: 1-5 words, letters, no sentence punctuation;
    several words all capitalised (name particles aside); no calendar word or generic label."""
    if len(name) > 60 or len(name) < 2:
        return False
    words = name.split()
    if not 1 <= len(words) <= 5:
        return False
    low = name.lower()
    if low in _NOT_A_NAME or all(w.lower() in _NOT_NAME_OR_ROLE for w in words):
        return False
    if _BAD_NAME_CHAR.search(name):
        return False
    if any(w.lower().strip(".,") in _CALENDAR_WORDS for w in words):
        return False
    if not all(_HAS_LETTER.search(w) for w in words):
        return False
    if len(words) == 1 and len(name) > 3 and MONTHS.get(low) is not None:
        return False
    if len(words) == 1:
        return not name.isdigit() and _HAS_LETTER.search(name) is not None
    if any(c.isdigit() for c in name):
        return False
    if words[-1].lower() in _PARTICLES or words[0].lower() in _PARTICLES - {"st.", "st", "al", "el", "de", "van", "von"}:
        return False
    return all(w[0].isupper() or not w[0].isalpha() or w.lower() in _PARTICLES for w in words)


# --------------------------------------------------------------------------------------------------
# JSON-LD

_ARTICLE_TYPES = frozenset((
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "socialmediaposting", "scholarlyarticle", "techarticle", "report", "recipe", "review", "howto",
    "creativework", "videoobject", "podcastepisode", "discussionforumposting", "qapage", "medicalwebpage"))
_PAGE_TYPES = frozenset(("webpage", "itempage", "aboutpage", "profilepage", "collectionpage", "contactpage"))
_ORG_TYPES = frozenset(("organization", "newsmediaorganization", "corporation", "localbusiness", "ngo",
                        "educationalorganization", "governmentorganization", "onlinebusiness", "brand"))


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    return {x.lower().rsplit("/", 1)[-1] for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}


@dataclass(slots=True)
class _JsonLd:
    article: dict | None
    page: dict | None
    website: dict | None
    ids: dict[str, dict]


def _read_jsonld(objects: list[dict]) -> _JsonLd:
    ids: dict[str, dict] = {}
    article = page = website = None
    for obj in objects:
        if isinstance(obj.get("@id"), str):
            ids.setdefault(obj["@id"], obj)
    for obj in objects:
        t = _types(obj)
        if article is None and t & _ARTICLE_TYPES:
            article = obj
        elif page is None and t & _PAGE_TYPES:
            page = obj
        elif website is None and "website" in t:
            website = obj
    return _JsonLd(article, page, website, ids)


def _resolve(value: object, ids: dict[str, dict]) -> object:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return ids.get(value["@id"], value)
    return value


def _ld_entities(value: object, ids: dict[str, dict]) -> list[tuple[str, str | None]]:
    """JSON-LD person / organisation value(s) -> [(name, 'person' | 'organization' | None)]."""
    out: list[tuple[str, str | None]] = []
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, ids)
        if isinstance(item, str):
            if item.strip() and not item.strip().startswith(("http://", "https://")):
                out.append((_clean_text(item), None))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            if isinstance(name, dict):
                name = name.get("@value")
            if not isinstance(name, str) or not name.strip():
                given, family = item.get("givenName"), item.get("familyName")
                name = " ".join(x for x in (given, family) if isinstance(x, str)) or None
            if not name:
                continue
            t = _types(item)
            kind = "organization" if t & _ORG_TYPES and "person" not in t else "person" if "person" in t else None
            out.append((_clean_text(name), kind))
    return out


# --------------------------------------------------------------------------------------------------
# the decision


_META_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "dc:creator", "dcterms.creator", "citation_author",
                     "parsely-author", "sailthru.author", "byl", "og:article:author", "article.author",
                     "cxenseparse:author", "creator", "shareaholic:article_author_name", "authors")
_META_SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "al:ios:app_name",
                   "publisher", "dc.publisher", "dcterms.publisher", "twitter:app:name:iphone")
_META_PUBLISHED_KEYS = ("article:published_time", "og:article:published_time", "og:published_time",
                        "datepublished", "article.published", "published_time", "publish-date", "publishdate",
                        "publish_date", "pubdate", "dc.date.issued", "dcterms.issued", "dc.date.created",
                        "dcterms.created", "citation_publication_date", "citation_date", "sailthru.date",
                        "parsely-pub-date", "date", "dc.date", "dcterms.date", "datecreated", "created",
                        "date.created", "article:published", "release_date", "originalpublicationdate")
_META_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                       "dc.date.modified", "dcterms.modified", "article.updated", "last-modified", "lastmod",
                       "modified_time", "article:modified", "dateupdate", "updated_time")
_META_SITE_SOURCES = tuple((key, "meta_" + re.sub(r"[:.-]", "_", key)) for key in _META_SITE_KEYS[1:])
PLATFORM_NAMES = frozenset(("blogger", "blogspot", "wordpress", "wordpresscom", "tumblr", "medium", "substack",
                            "wix", "jimdo", "weebly", "squarespace", "ghost", "livejournal", "typepad",
                            "over-blog", "overblog", "hatenablog", "pixnet", "naverblog", "blogger.com"))
_SEPARATORS = re.compile(r"\s+(?:[|–—•·»«~/\\:]|::|-|—|\|\|)\s+|\s*[|•·»«]\s*")


def page_metadata(html: str | None, url: str | None = None, blocks: list[str] | tuple[str, ...] = ()) -> PageMetadata:
    """Title, authors, site name, published and modified time of one page, with their evidence."""
    md = PageMetadata()
    blocks = list(blocks or [])
    head = _Head({}, None, None, None, 0)
    ld = _JsonLd(None, None, None, {})
    body = _Body([], [], [], [], [], None)
    if html:
        head = _read_head(html)
        body, scripts = _scan_page(html, head.end, blocks)
        md.jsonld = jsonld_from_bodies(scripts)
        ld = _read_jsonld(md.jsonld)
    md.meta = {k: v[0] for k, v in head.meta.items()}
    md.html_title = head.html_title
    md.url_host = _host(url)
    canonical = head.canonical or md.meta.get("og:url")
    if canonical:
        absolute = canonical.startswith(("http://", "https://"))
        md.canonical_url = urljoin(url, canonical) if url and not absolute else canonical
    _decide_site_name(md, head, ld, url)
    _decide_authors(md, html, head, ld, body, blocks)
    _decide_title(md, head, ld, body)
    _decide_dates(md, html, head, ld, body, blocks, url)
    return md


def _host(url: str | None) -> str:
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _site_label(host: str) -> str | None:
    """'sport.aktualne.cz' -> 'aktualne', 'news.bbc.co.uk' -> 'bbc': the name part of a host."""
    labels = host.split(".")
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "org", "net", "ac", "gov", "or", "ne"):
        return labels[-3]
    return labels[-2]


def _is_platform(name: str) -> bool:
    return _fold(name) in PLATFORM_NAMES


def _decide_site_name(md: PageMetadata, head: _Head, ld: _JsonLd, url: str | None) -> None:
    candidates: list[tuple[str, str]] = [("og_site_name", v) for v in head.meta.get("og:site_name", [])]
    for obj in (ld.article, ld.page):
        if obj is not None:
            candidates += [("jsonld_publisher", name) for name, _kind in _ld_entities(obj.get("publisher"), ld.ids)]
    if ld.website is not None and isinstance(ld.website.get("name"), str):
        candidates.append(("jsonld_website", ld.website["name"]))
    for key, source in _META_SITE_SOURCES:
        candidates += [(source, value) for value in head.meta.get(key, ())]
    host = md.url_host
    names = []
    for source, value in candidates:
        value = _clean_text(value)
        if not value or len(value) > 100 or value.startswith(("http://", "https://", "@")):
            continue
        if _is_platform(value) and not _fold(host).startswith(_fold(value)):
            continue  # 'Blogger' on someblog.blogspot.com: the platform, not the blog
        names.append((source, value))
    if names:
        source, value = names[0]
        value = _site_name_core(value, host, head.html_title)
        # 'Libération.fr' where another place calls the site 'Libération': the name without the host's ending
        bare = re.sub(r"\.[a-z]{2,3}$", "", value, flags=re.I)
        if bare != value and any(_fold(other) == _fold(bare) for _s, other in names[1:]):
            value = bare
        md.site_name, md.site_name_source = value, source
    elif head.html_title:
        # '<title>Headline | Site</title>': the part that names the host
        parts = [p for p in _SEPARATORS.split(head.html_title) if p]
        for part in (parts[-1], parts[0]) if len(parts) >= 2 else ():
            if _names_host(part, host):
                md.site_name, md.site_name_source = part.strip(), "html_title"
                break
    if md.site_name is None:
        # the site's Twitter account, when it is the host's name ('@GitLab' on about.gitlab.com)
        handle = next(iter(head.meta.get("twitter:site", [])), "").strip().lstrip("@")
        if handle and _fold(handle) == _fold(_site_label(host)):
            md.site_name, md.site_name_source = handle, "twitter_site"
    publisher = None
    if ld.article is not None:
        orgs = _ld_entities(ld.article.get("publisher"), ld.ids)
        if orgs:
            publisher = orgs[0][0]
            md.publisher_is_person = orgs[0][1] == "person"
    md.publisher = publisher or md.site_name


def _site_name_core(value: str, host: str, html_title: str | None) -> str:
    """'Aktuálně.cz - Víte, co se právě děje' -> 'Aktuálně.cz': a tagline after a name that names the
    host is dropped, unless the page's own <title> carries the name with its tagline."""
    parts = [p for p in re.split(r"\s+[|–—-]\s+|\s*[|•·]\s*", value) if p.strip()]
    if len(parts) >= 2 and _names_host(parts[0], host) and not _names_host(parts[1], host) \
            and not (html_title and _fold(value) in _fold(html_title)):
        return parts[0].strip()
    return value


def _names_host(part: str, host: str) -> bool:
    """'Aktuálně.cz' names 'sport.aktualne.cz'; 'The Guardian' names 'theguardian.com'."""
    key = _fold(part)
    if not key or not host or len(key) < 3:
        return False
    labels = [_fold(x) for x in host.split(".")]
    joined = "".join(labels[:-1])
    return key in labels or key == joined or key == "".join(labels) or (len(key) >= 4 and any(
        len(lbl) >= 4 and (lbl.startswith(key) or key.startswith(lbl)) for lbl in labels[:-1]))


_GENERIC_TITLES = frozenset(_fold(t) for t in (
    "home", "homepage", "home page", "startseite", "accueil", "inicio", "index", "menu", "navigation", "main menu",
    "search", "suche", "untitled", "welcome", "willkommen", "blog", "news", "aktuelles", "login", "404",
    "page not found", "skip to content", "zum inhalt springen", "main navigation", "hauptnavigation"))


def _decide_title(md: PageMetadata, head: _Head, ld: _JsonLd, body: _Body) -> None:
    candidates: list[tuple[str, str]] = []
    for key in ("og:title", "twitter:title"):
        for value in head.meta.get(key, [])[:1]:
            candidates.append(("meta_" + key.replace(":", "_"), _clean_text(value)))
    if ld.article is not None:
        headline = first_str(ld.article.get("headline")) or first_str(ld.article.get("name"))
        if headline:
            candidates.append(("jsonld_headline", _clean_text(headline)))
    for key in ("dc.title", "dcterms.title", "parsely-title", "sailthru.title", "headline"):
        for value in head.meta.get(key, [])[:1]:
            candidates.append(("meta_" + key.replace(".", "_").replace("-", "_"), _clean_text(value)))
    if head.html_title:
        candidates.append(("html_title", head.html_title))
    candidates = [(s, v) for s, v in candidates if v and _fold(v) not in _GENERIC_TITLES]
    site = md.site_name
    h1_texts = [t for _s, _e, t in body.h1
                if t and len(t) <= 300 and _fold(t) not in _GENERIC_TITLES and not _names_site(t, site, md.url_host)]
    # 1. the visible headline (<h1>) that a metadata title states whole, or opens or closes at a separator
    for h1 in h1_texts:
        for source, value in candidates:
            if _fold(h1) == _fold(value) or _is_segment(h1, value, site, md.url_host):
                md.title, md.title_source = h1, "h1_in_" + source
                return
    # 2. the page's only headline, when a metadata title is another wording of it (shares most of its words)
    if len(h1_texts) == 1 and len(h1_texts[0].split()) >= 3 and candidates:
        h1_words = set(_words(h1_texts[0]))
        if any(len(h1_words & set(_words(v))) * 2 >= len(h1_words) for _s, v in candidates):
            md.title, md.title_source = h1_texts[0], "h1"
            return
    # 3. a metadata title without the site's name
    if candidates:
        source, value = candidates[0]
        stripped = _strip_site(value, site, md.authors)
        md.title = stripped
        md.title_source = source if stripped == value else source + "_without_site"
        return
    if h1_texts:
        md.title, md.title_source = h1_texts[0], "h1"


def _names_site(text: str, site: str | None, host: str) -> bool:
    """The text is the site's name (a logo in an <h1>, a title suffix)."""
    key = _fold(text)
    if not key:
        return False
    if site and key == _fold(site):
        return True
    return _names_host(text, host) and len(text.split()) <= 3


_SEPARATOR_CHARS = "|–—:•·»«~/\\-_>"
_WORD_SPANS = re.compile(r"\w+")


def _is_segment(part: str, whole: str, site: str | None = None, host: str = "") -> bool:
    """`part` opens or closes `whole` at a separator and is its larger part ('Headline' of
    'Headline | Site', of 'Site: Headline'); never the short site or section part. Half of it
    only when the other half names the site."""
    pw = _words(part)
    whole_n = unicodedata.normalize("NFKC", whole)
    spans = [(m.start(), m.end(), m.group(0).casefold()) for m in _WORD_SPANS.finditer(whole_n)]
    ww = [w for _s, _e, w in spans]
    n = len(pw)
    if not pw or n >= len(ww) or n * 2 < len(ww):
        return False
    if ww[:n] == pw:
        rest = whole_n[spans[n - 1][1]:].lstrip(" \t.!?…)\"'“”»")
        other = rest[1:]
        ok = bool(rest) and rest[0] in _SEPARATOR_CHARS
    elif ww[-n:] == pw:
        before = whole_n[:spans[-n][0]].rstrip(" \t(\"'“”«")
        other = before[:-1]
        ok = bool(before) and before[-1] in _SEPARATOR_CHARS
    else:
        return False
    if ok and n * 2 == len(ww):
        return _names_site(other.strip(" |–—:-·•»«"), site, host)
    return ok


def _strip_site(title: str, site: str | None, authors: list[str]) -> str:
    """'Headline | Section | Site' -> 'Headline' when the page states the site name: the last (or
    first) segment is dropped when it names the site (or the page's author: 'Headline | Jane Doe'),
    then short section segments with the same separator next to it."""
    parts = re.split(r"(\s+[|–—:•·»«~/]\s+|\s+-\s+|\s*\|\s*)", title)
    if len(parts) < 3:
        return title
    segments, seps = parts[0::2], [p.strip() for p in parts[1::2]]
    keys = [k for k in [_fold(site)] + [_fold(a) for a in authors] if k]
    if not keys:
        return title

    def names_site(seg: str) -> bool:
        k = _fold(seg)
        return bool(k) and any(k == key or (len(k) >= 4 and len(key) >= 4 and (k in key or key in k)) for key in keys)

    if names_site(segments[-1]) and not names_site(segments[0]):
        kept = segments[:-1]
        site_sep = seps[-1]
        # a short section before the site: after the site's own separator or a breadcrumb one
        # ('Headline | News | Site', 'Headline : Section | Site'), never after a dash, which headlines use
        while len(kept) >= 2 and len(kept[-1].split()) <= 3 and (
                seps[len(kept) - 2] == site_sep or seps[len(kept) - 2] in (":", "»", "/", ">", "›", "·")):
            kept = kept[:-1]
        return _join_segments(kept, parts)
    if names_site(segments[0]) and not names_site(segments[-1]):
        rest = "".join(parts[2:]).strip()
        if _word_count(rest) >= 4 and _word_count(rest) > _word_count(segments[0]):
            return rest
    return title


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _word_count(text: str) -> int:
    """Words of a title segment; Chinese, Japanese and Korean write no spaces: two of their characters
    count as a word ('子どもへの体罰を禁止する法律ができる' is a headline, not one word)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _join_segments(kept: list[str], parts: list[str]) -> str:
    return "".join(parts[:2 * len(kept) - 1]).strip()


# authors evidence, strongest first (docs/metadata.md); the cluster merge ranks copies by it too
AUTHOR_EVIDENCE_ORDER = ("jsonld", "itemprop_author", "meta", "rel_author", "byline_class", "author_class",
                         "byline_text", "author_link")
BYLINE_SPAN = 400  # author marks this close after the chosen one belong to the same byline
HEADLINE_REGION = (-3000, 40000)  # where a byline stands, relative to the headline's start / end
BYLINE_BLOCKS = 8
BYLINE_WINDOW_LINES = 12
_EXPLICIT_BY = re.compile(r"(?:(?:posted|written|geschrieben|verfasst|publié|écrit|escrito|scritto)\s+)?"
                          r"(?:by|von|par|por|door|di|av|af)\s*:?\s+", re.I)  # the visible lines nearest the headline tried as a byline  # a visible byline stands among the first blocks of the main content
_WRITTEN_BY = re.compile(r"written|verfasst|author|autor|auteur|escrito|scritto", re.I)
_MID_BY = re.compile(r"\s(?:by|von|par|por|door)\s+(?=\S)", re.I)
_BYLINE_DATE_SEPARATORS = "-–—|·•/"
_NAMES_JOINED = re.compile(r"\w\s*(?:,|&|\s(?:and|und|et|y|e)\s)\s*[A-ZÀ-ÖØ-Þ]")


def _byline_in_line(block: str) -> str | None:
    """The byline a short visible line states: 'By Jane Doe', '05.02.2020 - Redaktion: Eberhard Fuhr',
    'Posted in News by jdoe on August 3, 2019', '25.10.2022 - Reiner Nagel', 'Clara Löw, Siddharth
    Prakash & Klaus Jacob'; None for anything else."""
    if len(block) > 120:
        return None
    if _BY_PREFIX.match(block):
        return block
    dates = find_dates(block, limit=1)
    if dates:
        d = dates[0]
        if d.start <= 12:  # a date opens the line: what follows it
            rest = block[d.end:].lstrip(" ")
            separated = rest[:1] in _BYLINE_DATE_SEPARATORS
            rest = rest.lstrip(" -–—|,·•:/")
            if _BY_PREFIX.match(rest):
                return rest
            parsed = parse_byline(rest)
            if separated and parsed.people and all(" " in p for p in parsed.people) \
                    and len(rest.split()) <= 4:
                return rest
        mid = _MID_BY.search(block)
        if mid:  # 'Posted in News by jdoe on August 3, 2019': a meta line with a date
            return block[mid.end():]
        return None
    if len(block) > 80 or not _NAMES_JOINED.search(block):
        return None
    parsed = parse_byline(block)
    if len(parsed.people) >= 2 and all(" " in p for p in parsed.people) and not parsed.organisations \
            and len(" ".join(parsed.people).split()) >= len(block.split()) - 2:
        return block  # a line of several full names and nothing else
    return None


def _ordered_marks(marks: list[_AuthorMark], headline: tuple[int, int] | None) -> list[_AuthorMark]:
    """Author marks in the order to try them: those around the headline first (nearest first), then
    the rest in page order (a page without a headline: page order)."""
    if headline is None:
        return marks
    start, end = headline

    def distance(m: _AuthorMark) -> int:
        return start - m.pos if m.pos < start else max(0, m.pos - end)

    near = [m for m in marks if start + HEADLINE_REGION[0] <= m.pos <= end + HEADLINE_REGION[1]]
    return sorted(near, key=distance) + [m for m in marks if m not in near]


def _merge_byline(entry: Byline, parsed: Byline) -> None:
    entry.people.extend(p for p in parsed.people if p not in entry.people)
    entry.agencies.extend(a for a in parsed.agencies if a not in entry.agencies)
    entry.organisations.extend(o for o in parsed.organisations if o not in entry.organisations)


def _decide_authors(md: PageMetadata, html: str | None, head: _Head, ld: _JsonLd, body: _Body,
                    blocks: list[str]) -> None:
    site_names = tuple(x for x in (md.site_name, None if md.publisher_is_person else md.publisher,
                                   _site_label(md.url_host), md.url_host) if x)
    found: dict[str, Byline] = {}

    def add(kind: str, text: str) -> None:
        _merge_byline(found.setdefault(kind, Byline([], [], [])), parse_byline(text, site_names))

    if ld.article is not None:
        for name, kind in _ld_entities(ld.article.get("author"), ld.ids) + \
                _ld_entities(ld.article.get("creator"), ld.ids):
            if kind == "organization":
                agency = agency_name(name)
                entry = found.setdefault("jsonld", Byline([], [], []))
                if agency:
                    entry.agencies.append((name, agency))
                elif name not in entry.organisations:
                    entry.organisations.append(name)
            else:
                add("jsonld", name)
    for key in _META_AUTHOR_KEYS:
        for value in head.meta.get(key, []):
            if not value.startswith(("http://", "https://", "@")):
                add("meta", value)
    for i, label in enumerate(("twitter:label1", "twitter:label2")):  # Yoast: 'Written by' / 'Jane Doe'
        if any(_WRITTEN_BY.search(value) for value in head.meta.get(label, ())):
            for data in head.meta.get(f"twitter:data{i + 1}", ()):
                add("meta", data)
    headline = body.anchor
    # author markup in the body is read only when the metadata names no person (it ranks below them)
    if html and not any(entry.people for entry in found.values()):
        body.authors = _author_marks(html, head.end, headline)
    for kind in ("itemprop_author", "rel_author", "byline_class", "author_class", "author_link"):
        marks = _ordered_marks([m for m in body.authors if m.kind == kind], headline)
        for mark in marks:
            parsed = parse_byline(mark.text, site_names)
            if not parsed.people:
                continue
            entry = found.setdefault(kind, Byline([], [], []))
            _merge_byline(entry, parsed)
            # more names of the same byline: marks of this kind right after it ('By <a>X</a> and <a>Y</a>')
            last = mark.pos
            for other in sorted(body.authors, key=lambda m: m.pos):
                if other.kind == kind and last < other.pos <= last + BYLINE_SPAN:
                    _merge_byline(entry, parse_byline(other.text, site_names))
                    last = other.pos
            break
    if not any(entry.people for entry in found.values()):
        for block in blocks[:BYLINE_BLOCKS]:
            line = _byline_in_line(block)
            if line:
                add("byline_text", line)
    if html and headline is not None and not any(entry.people for entry in found.values()):
        # a byline line beside the headline that the main-content blocks left out ('06.11.2023 13:30 von
        # Olga' under a heading), the nearest first; the same region the dates read
        _read_headline_region(html, head.end, body)
        start, end = headline

        def distance(item: tuple[int, str]) -> int:
            return start - item[0] if item[0] < start else item[0] - end

        for _pos, text in sorted(body.window, key=distance)[:BYLINE_WINDOW_LINES]:
            line = _byline_in_line(text)
            # lines outside the main content are looser (teasers, captions, product names): only an
            # explicit 'By' / 'Von' / 'Par' before a capitalised name
            prefix = _EXPLICIT_BY.match(line) if line else None
            if prefix and line[prefix.end():prefix.end() + 1].isupper():
                add("byline_text", line)
                if found["byline_text"].people:
                    break
    for kind in AUTHOR_EVIDENCE_ORDER:
        entry = found.get(kind)
        if entry and entry.people:
            md.authors, md.authors_source = entry.people[:10], kind
            break
    for kind in AUTHOR_EVIDENCE_ORDER:
        entry = found.get(kind)
        if entry:
            md.author_agencies.extend(a for a in entry.agencies if a not in md.author_agencies)
            if kind in ("jsonld", "meta", md.authors_source):
                md.author_organisations.extend(o for o in entry.organisations if o not in md.author_organisations)


# --------------------------------------------------------------------------------------------------
# dates

_PUBLISHED_WORDS = (r"published|posted|publiziert|veröffentlicht|erschienen|erstellt|publié|publicado|pubblicato|"
                    r"gepubliceerd|date|datum|fecha|data")
_MODIFIED_WORDS = (r"update|updated|last\s+updated|modified|last\s+modified|aktualisiert|geändert|zuletzt\s+geändert|"
                   r"letzte\s+änderung|mis\s+à\s+jour|actualizado|actualización|aggiornato|bijgewerkt|atualizado|"
                   r"edited|revised")
# a label just before the date on its line ('Published: March 3, 2020', 'Updated Jul 24, 2018'), not a
# word of a compound ('Corona-Update 31.01.2022')
_PUBLISHED_LABEL = re.compile(rf"(?<![\w-])(?:{_PUBLISHED_WORDS})(?:\s+(?:am|on|le|el|il|em|at|op))?\W*$", re.I)
_MODIFIED_LABEL = re.compile(rf"(?<![\w-])(?:{_MODIFIED_WORDS})(?:\s+(?:am|on|le|el|il|em|at|op))?\W*$", re.I)
# ... or a line of its own before the date's line ('Veröffentlicht am' / '28.01.2022 06:00')
_PUBLISHED_LINE = re.compile(rf"^\W*(?:{_PUBLISHED_WORDS})(?:\s+(?:am|on|le|el|il|em|at|op))?\W*$", re.I)
_MODIFIED_LINE = re.compile(rf"^\W*(?:{_MODIFIED_WORDS})(?:\s+(?:am|on|le|el|il|em|at|op))?\W*$", re.I)


@dataclass(slots=True)
class _DateEvidence:
    kind: str
    raw: str
    at: datetime          # UTC
    day: date             # the day as the page states it (its own time zone)
    pos: int = -1         # where it stands in the page (visible evidence), else -1
    has_time: bool = False


# published-time evidence, strongest first (docs/metadata.md)
_PUBLISHED_ORDER = ("jsonld", "meta", "markup_published", "date_line_published", "meta_date", "url", "markup_date",
                    "time_element", "date_line")
_GENERIC_DATE_KEYS = frozenset(("date", "dc.date", "dcterms.date", "created", "date.created", "datecreated"))
_CLOCK = re.compile(r"\d:\d\d")
DATE_LINE_CHARS = 140        # a date line: short ...
DATE_LINE_OTHER_WORDS = 9    # ... and little else than the date ('Published by Jane Doe on ...')
BLOCK_LINE_POS = 1 << 40  # the place given to the n-th block's date line: beyond any page position
AGREEMENT_KINDS = 2  # a day stated by this many kinds of evidence outvotes a day stated by one


def _evidence(kind: str, raw: object, day_first: bool, pos: int = -1) -> _DateEvidence | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    raw = raw.strip()
    at = parse_published(raw)
    if at is not None:
        try:
            day = date.fromisoformat(raw[:10])
        except ValueError:
            day = at.date()
        return _DateEvidence(kind, raw, at, day, pos, _CLOCK.search(raw) is not None)
    # an element that its markup calls a date may write the year short ('28.01.22')
    found = find_dates(raw, day_first, limit=1, short_years=kind.startswith("markup"))
    if not found:
        return None
    return _DateEvidence(kind, raw, found[0].at, found[0].day, pos, found[0].has_time)


def _decide_dates(md: PageMetadata, html: str | None, head: _Head, ld: _JsonLd, body: _Body, blocks: list[str],
                  url: str | None) -> None:
    lang = (head.lang or "").replace("_", "-")
    day_first = not lang.startswith("en") or lang in ("en-gb", "en-au", "en-in", "en-ie", "en-nz", "en-za")
    published: list[_DateEvidence] = []
    modified: list[_DateEvidence] = []

    def add(target: list, kind: str, raw: object, pos: int = -1) -> None:
        ev = _evidence(kind, raw, day_first, pos)
        if ev is not None:
            target.append(ev)

    for obj in (ld.article, ld.page):
        if obj is not None:
            add(published, "jsonld", first_str(obj.get("datePublished")) or first_str(obj.get("dateCreated")))
            add(modified, "jsonld", first_str(obj.get("dateModified")))
    meta = head.meta
    for key in _META_PUBLISHED_KEYS:  # in this order: the first key's value leads among meta tags
        if key in meta:
            add(published, "meta_date" if key in _GENERIC_DATE_KEYS else "meta", meta[key][0])
    for key in _META_MODIFIED_KEYS:
        if key in meta:
            add(modified, "meta", meta[key][0])
    anchor = body.anchor
    if html and not _settled(published, modified):
        _read_headline_region(html, head.end, body)
    # <time> anywhere: its role from its attributes (pubdate, itemprop, class), else where it stands
    for pos, attrs in body.times:
        raw = attrs.get("datetime") or attrs.get("content")
        role = " ".join((attrs.get("class", ""), attrs.get("itemprop", ""), attrs.get("id", ""))).lower()
        if "pubdate" in attrs or _PUBLISHED_TIME_ROLE.search(role):
            add(published, "markup_published", raw, pos)
        elif _MODIFIED_ROLE.search(role):
            add(modified, "markup_modified", raw, pos)
        elif anchor is not None and anchor[0] - WINDOW_BEFORE <= pos <= anchor[1] + WINDOW_AFTER:
            add(published, "time_element", raw, pos)
    time_positions = {pos for pos, _attrs in body.times}
    for mark in body.date_marks:
        if mark.pos in time_positions:
            continue  # the <time> element itself, read above
        if mark.role == "published":
            add(published, "markup_published", mark.raw, mark.pos)
        elif mark.role == "modified":
            add(modified, "markup_modified", mark.raw, mark.pos)
        else:
            add(published, "markup_date", mark.raw, mark.pos)
    if html and not published:
        # no date in the metadata or around the headline: microdata anywhere in the page
        for needle in ("datePublished", "dateCreated"):
            hit = html.find(needle, head.end)
            lt = html.rfind("<", max(0, hit - 300), hit) if hit >= 0 else -1
            if lt >= 0 and html.rfind(">", lt, hit) < 0:
                mark = _date_mark(html, lt)
                if mark is not None and mark.role == "published":
                    add(published, "markup_published", mark.raw, mark.pos)
                    break
    # visible date lines near the headline, then in the first blocks
    lines = [(pos, text) for pos, text in body.window]
    if not _settled(published, modified):
        # the blocks' place in the page is not known: after every line of the headline's region, nearest
        # the headline's block first (a site's 'today' date line tops the page, above the story's own)
        title_key = _fold(md.title)
        headline = next((i for i, b in enumerate(blocks[:12]) if title_key and _fold(b) == title_key), 0)
        lines += [(-1, "")] + [(BLOCK_LINE_POS + abs(i - headline), b) for i, b in enumerate(blocks[:12])]
    previous = ""
    for pos, line in lines:
        if not line:
            previous = ""
            continue
        if "20" not in line and "19" not in line:  # no year: no date (find_dates needs one)
            previous = line
            continue
        for d in find_dates(line[:DATE_LINE_CHARS], day_first, limit=2):
            before = line[:d.start]
            if len((before + line[d.end:]).split()) > DATE_LINE_OTHER_WORDS and len(before.split()) > 2:
                continue  # a date inside a sentence or a headline, not a date line (one may open a paragraph)
            ev = _DateEvidence("date_line", line[:DATE_LINE_CHARS], d.at, d.day, pos, d.has_time)
            if _MODIFIED_LABEL.search(before) if before.strip() else _MODIFIED_LINE.match(previous):
                ev.kind = "date_line_updated"
                modified.append(ev)
                continue
            if _PUBLISHED_LABEL.search(before) if before.strip() else _PUBLISHED_LINE.match(previous):
                ev.kind = "date_line_published"
            published.append(ev)
        previous = line
    from_url = url_date(url)
    if from_url is not None:
        published.append(_DateEvidence("url", url or "", from_url, from_url.date()))
    chosen, reason = _choose_published(published, modified, anchor)
    if chosen is not None and not chosen.has_time:
        # the same day stated with its time of day elsewhere (a URL or a date-only tag gives none)
        timed = sorted((e for e in published if e.day == chosen.day and e.has_time),
                       key=lambda e: _PUBLISHED_ORDER.index(e.kind))
        if timed:
            chosen = timed[0]
    best_modified = min(modified, key=lambda e: _MODIFIED_ORDER.index(e.kind)) if modified else None
    if chosen is None and best_modified is not None:
        # the page states only when it was updated: that is its date (a citation gives the last update
        # when no publication date is stated), said so in the source
        chosen, reason = best_modified, "only_date_stated_is_update"
    if chosen is not None:
        md.published_at, md.published_at_raw = chosen.at, chosen.raw
        md.published_at_source = chosen.kind + (f":{reason}" if reason else "")
    if best_modified is not None:
        md.modified_at, md.modified_at_raw, md.modified_at_source = best_modified.at, best_modified.raw, \
            best_modified.kind


_MODIFIED_ORDER = ("jsonld", "meta", "markup_modified", "date_line_updated")


def _settled(published: list[_DateEvidence], modified: list[_DateEvidence]) -> bool:
    """JSON-LD and meta tags agree on a published day that is not a stated update: no visible evidence
    could overrule them (docs/metadata.md), so the page's text need not be read for dates."""
    days = {e.day for e in published if e.kind == "jsonld"} & {e.day for e in published if e.kind == "meta"}
    return bool(days) and not days & {e.day for e in modified}


def _choose_published(published: list[_DateEvidence], modified: list[_DateEvidence],
                      anchor: tuple[int, int] | None) -> tuple[_DateEvidence | None, str | None]:
    """The published time by the order of evidence, overruled only with a reason: several kinds of
    evidence agreeing on another day ('agreement'), or the chosen day being the page's stated update
    while it states another published day ('metadata_is_update')."""
    if not published:
        return None, None

    def rank(e: _DateEvidence) -> tuple[int, int]:
        distance = 0
        if e.pos >= BLOCK_LINE_POS:
            distance = e.pos  # a line of the blocks: after the lines read around the headline, in block order
        elif e.pos >= 0 and anchor is not None:
            distance = anchor[0] - e.pos if e.pos < anchor[0] else max(0, e.pos - anchor[1])
        return _PUBLISHED_ORDER.index(e.kind), distance

    ordered = sorted(published, key=rank)
    chosen = ordered[0]
    kinds_by_day: dict[date, set[str]] = {}
    for e in published:
        kinds_by_day.setdefault(e.day, set()).add(e.kind.replace("meta_date", "meta"))
    modified_days = {e.day for e in modified}
    if chosen.day in modified_days and chosen.kind not in ("date_line_published",):
        other = next((e for e in ordered if e.kind == "date_line_published" and e.day != chosen.day), None)
        if other is not None:
            return other, "metadata_is_update"
    best_day = max(kinds_by_day, key=lambda d: (len(kinds_by_day[d]) if d not in modified_days else 0,
                                                d == chosen.day))
    if best_day != chosen.day and best_day not in modified_days and len(kinds_by_day[best_day]) >= AGREEMENT_KINDS \
            and len(kinds_by_day[best_day]) > len(kinds_by_day[chosen.day]):
        return next(e for e in ordered if e.day == best_day), "agreement"
    return chosen, None
