"""The head of a page (`read_head`): its `<meta>` values by key, the canonical link, the `<title>` and the `lang`,
in one linear scan that also notes where the tags the page scan reads (`dedup.text.pagescan.scan_page`: <script>,
<h1>, <time>, <blockquote>) open in the head, so that the page scan starts where the head ends.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from dedup.text.markup import HEAD_SCAN_CHARS, head_title, tag_attributes
from dedup.text.pagescan import SCAN_TAG_NAMES

_HEAD_END = re.compile(r"</[hH][eE][aA][dD]\s*>|<[bB][oO][dD][yY][\s>]")
# character classes rather than re.I: `re` finds the '<' prefix fast and checks four characters
# tag starts only, each tag's end found once with str.find: `<meta...([^>]*)>` rescans to the end of the head from
# every '<meta' that has no '>' (quadratic: 300,000 characters of '<meta ' took minutes)
_META_START = re.compile(r"<[mM][eE][tT][aA](?=[\s>/])")
_META_OR_HEAD_END = re.compile(r"<(?:[mM][eE][tT][aA](?=[\s>/])|/head)")
# the same, where a tag of the common form ('<meta name="k" content="v" />': one key, a content, no '<' or '>' in a
# value, no '&' in the key) is matched whole, its key and content taken from the match (most tags of a head); and a
# tag that states no key ('<meta charset="utf-8">', '<meta http-equiv="X-UA-Compatible" content="IE=edge">':
# `_META_ATTR` finds no key in them, so `_read_meta` adds nothing; an http-equiv value holds no '=', which a key read
# inside it would need) is matched whole too, and passed over; and the common form with its content first ('<meta
# content="v" property="k">': the same key and content for `_META_ATTR`, which reads no value's inside)
_PLAIN_META_OR_HEAD_END = re.compile(r'<(?:meta\s+(?:name|property|itemprop)="([^"<>&]*)"\s+content="([^"<>]*)"'
                                     r'\s*/?\s*>|(meta\s+(?:charset="[^"<>]*"|'
                                     r'http-equiv="[^"<>=]*"\s+content="[^"<>]*")\s*/?\s*>)|'
                                     r'meta\s+content="([^"<>]*)"\s+(?:name|property|itemprop)="([^"<>&]*)"'
                                     r'\s*/?\s*>|[mM][eE][tT][aA](?=[\s>/])|/head)')
# ... and where the tags of the page scan (`pagescan._SCRIPT_H1_TIME`: <script>, <h1>, <time>, <blockquote>) open in
# the head, so that the page scan starts where the head ends instead of scanning the head a second time (a fifth of a
# page's characters): their names alone are matched, in the same cases, with the same lookahead; no match of this
# pattern holds a '<' but its first, so none hides another's start
_HEAD_SCAN = re.compile(_PLAIN_META_OR_HEAD_END.pattern[:-1] + rf"|(?:{SCAN_TAG_NAMES})"
                        r"(?=[\s>/]))")
_HTML_LANG = re.compile(r"<[hH][tT][mM][lL]\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)")
# the attributes of a <meta> that are read: its key (property, name, itemprop) and content; one pattern
# rather than every attribute parsed (`data-name=` is not `name=`); the lookahead (every character that
# folds to p, n, i or c) lets most positions fail before the case-folded alternatives are tried
_META_ATTR = re.compile(r"""(?=[pPnNiIıİcC])(?<![\w:.-])(?:(content)|property|name|itemprop)\s*=\s*"""
                        r"""(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
MAX_META_TAGS = 1000   # a real head has tens; a hostile one is read no further
MAX_META_VALUES = 5    # values kept per meta key (several article:author tags, ...)
# The <meta> names whose values name the page's author: the writers the metadata reads (`pageauthors.decide_authors`)
# and an agency credited as the author (`rights.attribution`, which also reads the 'twitter:creator' account).
AUTHOR_META_NAMES = ("author", "article:author", "dc.creator", "dc:creator", "dcterms.creator", "citation_author",
                     "parsely-author", "sailthru.author", "byl", "og:article:author", "article.author",
                     "cxenseparse:author", "creator", "shareaholic:article_author_name", "authors")


@dataclass(slots=True)
class Head:
    """What the head states: `<meta>` values by key, the canonical link, `<title>`, `lang`, where it ends."""
    meta: dict[str, list[str]]
    canonical: str | None
    html_title: str | None
    lang: str | None
    end: int
    # where `pagescan._SCRIPT_H1_TIME` may match before `end` (every '<script', '<h1', '<time' in its cases), when the
    # head scan read up to `end`; None when it did not (no '</head' found by it): the page scan then reads all
    tag_starts: list[int] | None = None


def read_head(html: str) -> Head:
    """The head of a page in one linear scan (bounded: `MAX_META_TAGS` tags, `HEAD_SCAN_CHARS` characters)."""
    meta: dict[str, list[str]] = {}
    end_match: re.Match[str] | None = None
    end, tag_starts = _scan_head(html, meta)
    if end < 0:
        # no '</head' (or a head longer than the scan): it ends at '</HEAD>' or '<body>'; read again up to there.
        # Without either, it ends where the scan ended, and the tags read up to there are what reading again
        # would read (the same tags, skipped alike inside a tag, at most MAX_META_TAGS): not read a second
        # time (pages of a megabyte without '</head' in their first 300,000 characters)
        end_match = _HEAD_END.search(html, 0, HEAD_SCAN_CHARS)
        end = end_match.start() if end_match else min(len(html), HEAD_SCAN_CHARS)
    if end_match is not None:
        meta = {}
        pos = 0
        for _ in range(MAX_META_TAGS):
            m = _META_START.search(html, pos, end)
            if m is None:
                break
            gt = html.find(">", m.end(), end)
            if gt < 0:
                break
            pos = gt + 1
            _read_meta(html, m.end(), gt, meta)
    # (a head longer than the scan, no '</head' in it: its <title> is looked for a bounded way further)
    html_title = head_title(html, end, end_match is None and end == HEAD_SCAN_CHARS)
    lang_match = _HTML_LANG.search(html, 0, min(len(html), 5000))
    return Head(meta, _canonical_link(html, end), html_title, lang_match.group(1).lower() if lang_match else None,
                end, tag_starts)


def _read_metas_to_head_end(html: str, meta: dict[str, list[str]]) -> int:
    """Read the <meta> tags into `meta` and return where the head ends (its first '</head'); -1 when no
    '</head' is found in the scanned part (`_scan_head`, without the page scan's tag starts)."""
    return _scan_head(html, meta)[0]


def _scan_head(html: str, meta: dict[str, list[str]]) -> tuple[int, list[int] | None]:
    """Read the <meta> tags into `meta` and return where the head ends (its first '</head'), in one scan
    (a separate search for '</head' would be a second pass over the head); -1 when no '</head' is
    found in the scanned part (`meta` is then read again up to the end the caller finds). With it, where
    the page scan's tags (<script>, <h1>, <time>) open before that end: every place, since the scan saw
    every match of `_HEAD_SCAN` up to there; None when the scan stopped elsewhere (at `MAX_META_TAGS`, a
    tag without '>', the end of the scanned part).

    The matches cannot overlap (each opens with the only '<' it holds), so finditer yields every one; a
    tag is read once the next match is known to stand after it: a '</head' inside a tag (before its
    '>') ends the head there, and that tag is not read. A tag of the common form, matched whole, holds
    no '<': no match stands inside it, and it is read at once, from the match (what `_read_meta` reads
    of it: its one key and content; ~40% less time a tag)."""
    pos = count = 0
    pending: tuple[int, int] | None = None  # (attributes' start, '>') of the last tag, not read yet
    find = html.find
    tag_starts: list[int] = []
    for m in _HEAD_SCAN.finditer(html, 0, HEAD_SCAN_CHARS):
        start = m.start()
        c = html[start + 1]
        if c in "sShHtT":  # a page scan tag: for the page scan; the <meta> reading goes on as without it
            tag_starts.append(start)
            continue
        if start < pos:  # inside the pending tag
            if c == "/":
                return start, tag_starts
            continue
        if pending is not None:
            _read_meta(html, pending[0], pending[1], meta)
            pending = None
        if c == "/":
            return start, tag_starts
        if count == MAX_META_TAGS:  # no more tags read; only the head's end is looked for
            return find("</head", pos, HEAD_SCAN_CHARS), None
        count += 1
        content = m[2]
        if content is not None:  # the common form, read whole
            key = m[1]
        elif m[4] is not None:  # the same, content first
            content, key = m[4], m[5]
        elif m[3] is not None:  # a tag that states no key, matched whole: nothing to read
            pos = m.end()
            continue
        if content is not None:
            pos = m.end()
            # what _add_meta does with one key, inline (most tags of a head; the key holds no '&')
            content = (html_lib.unescape(content) if "&" in content else content).strip()
            if content:
                key = key.strip().lower()
                if key:
                    values = meta.get(key)
                    if values is None:
                        meta[key] = [content]
                    elif len(values) < MAX_META_VALUES:
                        values.append(content)
            continue
        gt = find(">", m.end(), HEAD_SCAN_CHARS)
        if gt < 0:
            return find("</head", m.end(), HEAD_SCAN_CHARS), None
        pending, pos = (m.end(), gt), gt + 1
    if pending is not None:
        _read_meta(html, pending[0], pending[1], meta)
    return -1, None


def _read_meta(html: str, start: int, gt: int, meta: dict[str, list[str]]) -> None:
    """The key(s) and content of the <meta> tag whose attributes are html[start:gt], added to `meta`."""
    content, keys = None, []
    for is_content, double_quoted, single_quoted, bare in _META_ATTR.findall(html, start, gt):
        value = double_quoted or single_quoted or bare
        if is_content:
            if content is None:
                content = value
        elif value:
            keys.append(value)
    _add_meta(meta, keys, content)


def _add_meta(meta: dict[str, list[str]], keys: list[str], content: str | None) -> None:
    if not content or not keys:
        return
    content = (html_lib.unescape(content) if "&" in content else content).strip()
    if not content:
        return
    for key in (dict.fromkeys(keys) if len(keys) > 1 else keys):
        key = (html_lib.unescape(key) if "&" in key else key).strip().lower()
        if key:
            values = meta.setdefault(key, [])
            if len(values) < MAX_META_VALUES:
                values.append(content)


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
