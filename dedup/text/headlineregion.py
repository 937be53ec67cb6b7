"""headlineregion: what a page states around its headline, read from the place `dedup.text.pagescan` found.

Linear scans over the page text (no DOM walk): the visible lines around the headline and the elements whose
markup says they hold a date (`read_headline_region`, filled into the page scan's `Body` once, when the bylines
or the dates need them), the lines further below (`lines_below`), and the elements whose markup names the author
or the byline (`author_marks`). Read for `dedup.text.metadata`, `dedup.text.pagedates` and
`dedup.text.profilelinks`.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from dedup.text.normalise import MARKUP_TAG, caseless_finder
from dedup.text.pagescan import VOID_TAGS, AuthorMark, Body, DateMark, element_text, start_tag, text_lines
from dedup.text.storystart import story_starts

HEADLINE_REGION = (-3000, 40000)  # where a byline stands, relative to the headline's start / end
MAX_AUTHOR_MARKS = 60
WINDOW_BEFORE, WINDOW_AFTER = 1500, 3000  # around the headline: where its byline and date lines stand


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
            lines += text_lines(piece)
        elif not piece.isspace():
            lines.append(" ".join(piece.split()))
    return lines


def _read_window(html: str, start: int, anchor: tuple[int, int], stop: int, lines_stop: int = -1
                 ) -> tuple[list[tuple[int, str]], list[DateMark]]:
    """Around the headline: the visible text lines, as (pos, line) where pos orders them by their
    distance from the headline, and the elements whose markup says they hold a date (below the headline up to
    `lines_stop`, when one is given)."""
    if lines_stop >= 0:
        stop = lines_stop
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


_NOT_DATE_TAGS = frozenset(("script", "style", "link", "img", "source", "input"))
_NOT_AUTHOR_TAGS = frozenset(("script", "style", "link", "img", "meta", "input", "body", "html", "article", "main",
                              "section"))


def date_mark(html: str, lt: int) -> DateMark | None:
    """The date mark of the tag opening at `lt` (microdata, RDFa, a dated class), if it is one."""
    found = start_tag(html, lt, _NOT_DATE_TAGS)
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
        if tag in VOID_TAGS:
            return None
        raw = element_text(html, gt + 1, tag, 400).replace("\n", " ")
    raw = raw.strip()
    if not raw or len(raw) > 120 or not any(map(str.isdigit, raw)):
        return None
    return DateMark(lt, role, raw)


# class / id tokens that name an author block but hold no name of the page's author
_NOT_AUTHOR_TOKEN = caseless_finder(r"comment|avatar|image|img|photo|pic|thumb|bio|desc|social|follow|twitter|"
                                    r"facebook|share|more|other|related|popular|recent|widget|label|title|heading|icon|"
                                    r"box|card|list|about|info-text|email|mail|url-wrap|rating|review|reply|disclaimer")
_AUTHOR_HREF = re.compile(r"/(?:author|authors|autor|autoren|auteur|auteurs|autore|autores|profile|profil|"
                          r"journalist|journalists|writer|writers|people|user|members?|team)/[^/?#\"']+", re.I)


def read_headline_region(html: str, head_end: int, body: Body, blocks: Sequence[str] = ()) -> None:
    """Fill body.window and body.date_marks (read only when the bylines or the dates need them), once. The lines
    and date marks below the headline end where the story's first paragraph starts (`storystart`, round 25: they are
    the story's, read as its blocks; the dates read on below it where nothing above states a day or a time)."""
    if body.anchor and not body.region_read:
        body.region_read = True
        anchor = body.anchor
        stop = min(len(html), anchor[1] + WINDOW_AFTER)
        body.lines_stop, body.byline_stop = story_starts(html, anchor[1], stop, blocks)
        body.window, body.date_marks = _read_window(html, max(head_end, anchor[0] - WINDOW_BEFORE), anchor, stop,
                                                    body.lines_stop)


def region_lines_below_story(html: str, body: Body) -> list[tuple[int, str]]:
    """The lines of the headline's region below the story's start (left unread by `read_headline_region`), at the
    places they have among its lines; none where the region's lines were not cut."""
    anchor = body.anchor
    if anchor is None or body.lines_stop < 0:
        return []
    below = sum(1 for pos, _text in body.window if pos >= anchor[1])
    stop = min(len(html), anchor[1] + WINDOW_AFTER)
    return [(anchor[1] + below + i, line) for i, line in enumerate(_visible_lines(html[body.lines_stop:stop]))]


def region_marks_below_story(html: str, body: Body) -> list[DateMark]:
    """The date marks of the headline's region below the story's start (left unread by `read_headline_region`),
    added to `body.date_marks`; none where the region was not cut."""
    anchor = body.anchor
    if anchor is None or body.lines_stop < 0:
        return []
    marks = _date_marks(html, body.lines_stop, min(len(html), anchor[1] + WINDOW_AFTER))
    body.date_marks = body.date_marks + marks
    return marks


def byline_lines(html: str, body: Body, limit: int) -> list[tuple[int, str]]:
    """The `limit` lines of the headline's region nearest the headline (`nearest_lines`), where the lines below the
    story's start, not read, count as lines of the story at their place: none is a byline (each an empty line); but
    the lines between a standfirst and the story's next block (`body.byline_stop`) are read."""
    anchor = body.anchor
    if anchor is None:
        return []
    lines = body.window
    if body.lines_stop >= 0:
        below = sum(1 for pos, _text in lines if pos >= anchor[1])
        under = _visible_lines(html[body.lines_stop:body.byline_stop]) if body.byline_stop > body.lines_stop else []
        lines = lines + [(anchor[1] + below + i, line) for i, line in enumerate(under + [""] * limit)]
    return nearest_lines(lines, anchor, limit)


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
    found = start_tag(html, lt, _NOT_AUTHOR_TAGS)
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
