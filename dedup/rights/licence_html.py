"""The licence evidence of a page's raw HTML: `<link rel=license>`, licence `<meta>` tags, `<a
rel=license>` and creativecommons.org links, and the copyright / all-rights-reserved / CC notices of the
footer, each with its location (head / footer / media / article / page). Decided by
`dedup.rights.licence.decide_licence` with the JSON-LD and text evidence.
"""

from __future__ import annotations

import re

from dedup.rights.licence import (ARR_RE, Evidence, cc_text_to_spdx, cc_url_to_spdx, is_copyright_line,
                                  notice_evidence)
from dedup.text.markup import HEAD_SCAN_CHARS, tag_attributes
from dedup.text.normalise import clean_text

# raw HTML scan
#
# Speed. The scan searches a lower-cased copy of the page. str.lower() is slow on non-ASCII text, so the
# page is turned into bytes whose offsets stay aligned with characters and lower-cased as bytes
# (bytes.lower() folds ASCII A-Z only): ASCII and Latin-1 pages as 1 byte per character (a copy),
# other pages as UTF-16-LE (2 bytes per character; a copy for most non-Latin-1 text; an ASCII needle
# is looked for at even offsets only). Whole-document passes are few: one search for
# 'creativecommons.org', a footer existence check from the end, and needle searches in the tail
# region; locations are found per item, looking back a bounded window.

_TAG_NAME = re.compile(r"<([a-z][a-z0-9:-]*)")
# a notice's paragraph starts after the last block-level tag before it and ends at the next one
_START_RE = re.compile(r"</?(?:p|div|li|td|footer|section|small|address|h[1-6]|span|ul|ol|br|table|tr)\b[^>]*>")
_END_RE = re.compile(r"</?(?:p|div|li|ul|ol|table|tr)\b|</(?:footer|section|small|td|address)\b")
# elements whose content is never text (code, vector paths, inert templates) and comments, whole or cut
# by the window's edges: an element closed in the window but opened before it, or opened and not closed
_NON_TEXT = ("script", "style", "svg", "template")
_NON_TEXT_WHOLE = re.compile(r"<!--.*?-->|" + "|".join(rf"<{t}\b.*?</{t}\s*>" for t in _NON_TEXT), re.S | re.I)
_NON_TEXT_HEAD = re.compile(r"^.*(?:-->|" + "|".join(rf"</{t}\s*>" for t in _NON_TEXT) + ")", re.S | re.I)
_NON_TEXT_TAIL = re.compile(r"(?:<!--|" + "|".join(rf"<{t}\b" for t in _NON_TEXT) + ").*$", re.S | re.I)
_MEDIA_WORDS = ("caption", "credit", "photo", "image")
_ARTICLE_WORDS = ("article", "story", "post", "entry")
LOOKBACK_MEDIA = 3000     # characters to look back for an unclosed media container
LOOKBACK_FOOTER = 40000   # ... for an unclosed footer / article container
LOOKBACK_SKIP = 20000     # ... for a <script>/<style>/comment that may run into the footer region
FOOTER_TAIL = 0.2         # the notice scan covers the last 20% of the document (and a <footer> before it)
AROUND = 600              # a notice's paragraph is looked for within this many characters around it
_ATTR_VALUE = re.compile(r"""\b(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TAG_END_CHARS = (" ", ">", "\t", "\n", "\r", "/")


def _attr_has(attrs: str, words: tuple[str, ...], exclude: tuple[str, ...] = ()) -> bool:
    """Does a class= or id= attribute of this tag contain one of the words (and none of `exclude`: a
    'footer-credits' block is the footer, not a photo credit)?"""
    if "class" not in attrs and "id" not in attrs:
        return False
    for m in _ATTR_VALUE.finditer(attrs):
        value = m.group(1) or m.group(2) or m.group(3) or ""
        if any(w in value for w in words) and not any(x in value for x in exclude):
            return True
    return False


# the needles' bytes by bytes per character (1: Latin-1, 2: UTF-16-LE without the last byte; see `needle`)
_NEEDLE_CACHE: tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]] = ({}, {}, {})


class _Page:
    """The page as lower-cased bytes aligned with characters (see above), with search helpers.

    Positions are byte offsets into `low` / `raw`; `w` is the bytes per character (1 or 2).
    """

    __slots__ = ("raw", "low", "w", "codec", "n", "head_end", "_needles", "_has_footer", "_skip_at",
                 "_skip_spans")

    def __init__(self, html: str):
        if html.isascii():
            self.codec, self.w = "latin-1", 1
            self.raw = html.encode("latin-1")
        else:
            try:
                self.raw = html.encode("latin-1")
                self.codec, self.w = "latin-1", 1
            except UnicodeEncodeError:
                self.raw = html.encode("utf-16-le", "surrogatepass")
                self.codec, self.w = "utf-16-le", 2
        self.low = self.raw.lower()
        self.n = len(self.low)
        self._needles = _NEEDLE_CACHE[self.w]
        scan = HEAD_SCAN_CHARS * self.w
        ends = [e for e in (self.find("</head", 0, scan), self.find("<body", 0, scan)) if e >= 0]
        self.head_end = min(ends) if ends else 0
        self._has_footer: bool | None = None
        self._skip_at = -1
        self._skip_spans: list[tuple[int, int]] | None = None

    # -- searching (ASCII needles, lower-case) ---------------------------------------------------
    def needle(self, text: str) -> bytes:
        """The needle's bytes; in UTF-16 without its last (zero) byte: bytes.find skips by the needle's
        last byte, and a zero there makes it crawl. `find`/`rfind` check the zero and the alignment."""
        b = self._needles.get(text)
        if b is None:
            b = text.encode(self.codec)
            b = self._needles[text] = b[:-1] if self.w == 2 else b
        return b

    def _ok(self, i: int, size: int) -> bool:
        return not i & 1 and i + size < self.n and self.low[i + size] == 0

    def find(self, text: str, start: int = 0, end: int | None = None) -> int:
        """Offset of the lower-case needle `text` in [start, end), or -1 (str.find on the page)."""
        if end is None:
            end = self.n
        nd = self._needles.get(text) or self.needle(text)
        low = self.low
        i = low.find(nd, start, end)
        if self.w == 1:
            return i
        size, n = len(nd), self.n
        # (`_ok` inline: a UTF-16 match starts at an even offset and ends with the needle's zero byte)
        while i >= 0 and (i & 1 or i + size >= n or low[i + size]):
            i = low.find(nd, i + 1, end)
        return i

    def rfind(self, text: str, start: int = 0, end: int | None = None) -> int:
        """Offset of the last `text` in [start, end), or -1 (str.rfind on the page)."""
        if end is None:
            end = self.n
        nd = self._needles.get(text) or self.needle(text)
        low = self.low
        i = low.rfind(nd, start, end)
        if self.w == 1:
            return i
        size, n = len(nd), self.n
        while i >= 0 and (i & 1 or i + size >= n or low[i + size]):
            i = low.rfind(nd, start, i + size - 1)
        return i

    def count(self, text: str, start: int, end: int) -> int:
        """How many times `text` occurs in [start, end)."""
        # (UTF-16: a misaligned match of a tag needle such as '</div' is as good as impossible)
        return self.low.count(self.needle(text), start, end)

    def text(self, start: int, end: int, lower: bool = False) -> str:
        """The page's characters between two offsets of the scan (lower-cased on request)."""
        start -= start % self.w
        end -= end % self.w
        return (self.low if lower else self.raw)[start:end].decode(self.codec, "replace")

    def chars(self, n: int) -> int:
        """`n` characters as a length in the scan's offsets."""
        return n * self.w

    # -- structure ----------------------------------------------------------------------------------
    def tag_at(self, lt: int) -> tuple[str, str, int] | None:
        """(tag name, lower-cased attribute text, end offset of '>') of the tag opening at `lt`."""
        gt = self.find(">", lt)
        if gt < 0:
            return None
        text = self.text(lt, gt, lower=True)
        m = _TAG_NAME.match(text)
        if m is None:
            return None
        return m.group(1), text[m.end():], gt

    def attrs(self, lt: int, gt: int) -> dict[str, str]:
        """The attributes of the tag between `<` at `lt` and `>` at `gt`."""
        text = self.text(lt, gt)
        m = re.match(r"<[A-Za-z][A-Za-z0-9:-]*", text)
        return tag_attributes(text[m.end():] if m else "")

    def unclosed(self, tag: str, start: int, pos: int) -> bool:
        """Is the element `tag` opened at `start` still open at `pos`? Closes of the same tag name
        between them are balanced against later opens (nesting): exact for well-formed markup."""
        open_end = self.find(">", start, pos)
        if open_end < 0:
            return True
        closes = self.count("</" + tag, open_end, pos)
        if closes == 0:
            return True
        opens = 0
        needle = "<" + tag
        step = self.chars(len(needle))
        i = self.find(needle, open_end, pos)
        while i >= 0:
            if self.text(i + step, i + step + self.w) in _TAG_END_CHARS:
                opens += 1
            i = self.find(needle, i + self.w, pos)
        return closes <= opens

    def inside(self, pos: int, words: tuple[str, ...], tags: tuple[str, ...], window: int,
               exclude: tuple[str, ...] = (), max_checks: int = 24) -> bool:
        """Is `pos` inside an element whose tag name is in `tags`, or whose class/id contains a word?

        Heuristic: walk back at most `window` characters over the occurrences of the words and tag
        names; each occurrence that sits inside an opening tag is a candidate container; the nearest
        candidate still open at `pos` (`unclosed`) answers yes. The item's own tag does not count.
        """
        lo = max(0, pos - self.chars(window))
        candidates: list[int] = []
        # a tag name that contains one of the words is found by that word's search already
        needles = words + tuple("<" + t for t in tags if not any(w in t for w in words))
        for needle in needles:
            i = self.rfind(needle, lo, pos)
            n = 0
            while i >= 0 and n < 6:
                candidates.append(i)
                n += 1
                i = self.rfind(needle, lo, i)
        checks = 0
        seen: set[int] = set()
        for i in sorted(candidates, reverse=True):
            lt = i if self.low[i:i + 1] == b"<" else self.rfind("<", lo, i)
            if lt < 0 or lt in seen:
                continue
            seen.add(lt)
            tag = self.tag_at(lt)
            if tag is None or tag[2] < i or tag[2] > pos:  # the word is in text, not in an opening tag
                continue
            name, attr_text, _gt = tag
            if not (name in tags or _attr_has(attr_text, words, exclude)):
                continue
            checks += 1
            if self.unclosed(name, lt, pos):
                return True
            if checks >= max_checks:
                break
        return False

    def has_footer(self) -> bool:
        """Does the page have a <footer> element anywhere (looked up once)?"""
        if self._has_footer is None:
            self._has_footer = self.rfind("footer") >= 0  # from the end: found at once on most pages
        return self._has_footer

    def location(self, pos: int, article: bool = False) -> str:
        """'media' inside figure/figcaption or a caption/credit/photo/image container (3,000 characters
        back); 'footer' inside <footer> or a class/id 'footer' container (40,000 back); with `article`,
        'article' inside <article>, <main> or a class/id article|story|post|entry container; else
        'page'."""
        if self.inside(pos, _MEDIA_WORDS, ("figcaption", "figure"), LOOKBACK_MEDIA, exclude=("footer",)):
            return "media"
        if self.has_footer() and self.inside(pos, ("footer",), ("footer",), LOOKBACK_FOOTER):
            return "footer"
        if article and self.inside(pos, _ARTICLE_WORDS, ("article", "main"), LOOKBACK_FOOTER):
            return "article"
        return "page"

    def _collect_skips(self) -> list[tuple[int, int]]:
        """<script>/<style>/<template>/comment spans from `_skip_at` to the end (and one opened before it,
        looked for at most LOOKBACK_SKIP characters back)."""
        start = self._skip_at
        spans = []
        for open_, close in (("<script", "</script"), ("<style", "</style"), ("<template", "</template"),
                             ("<!--", "-->")):
            o = self.rfind(open_, max(0, start - self.chars(LOOKBACK_SKIP)), start)
            if o < 0:
                o = self.find(open_, start)
            while o >= 0:
                c = self.find(close, o + self.chars(len(open_)))
                end = self.n if c < 0 else c + self.chars(len(close))
                if end > start:
                    spans.append((o, end))
                o = self.find(open_, end)
        return spans

    def skipped(self, pos: int) -> bool:
        """Inside a tag's attributes, <script>, <style>, <template> or a comment? (<svg> content is
        dropped from a notice's text by `_visible_text`: collecting the spans of every inline icon too
        cost ~40 µs a page.)"""
        lt = self.rfind("<", max(0, pos - self.chars(4000)), pos)
        if lt >= 0 and self.find(">", lt, pos) < 0:
            return True
        if self._skip_spans is None:
            self._skip_spans = self._collect_skips()
        return any(a <= pos < b for a, b in self._skip_spans)

    def text_around(self, pos: int) -> tuple[str, int, int]:
        """The text of the paragraph-level element around `pos`, with its (approximate) span: the
        window around `pos` is decoded once and cut at the nearest block-level tags."""
        around = self.chars(AROUND)
        lo, hi = max(0, pos - around), min(self.n, pos + around)
        before = self.text(lo, pos)
        after = self.text(pos, hi)
        cut = 0
        for m in _START_RE.finditer(before.lower()):
            cut = m.end()
        end = _END_RE.search(after.lower())
        stop = end.start() if end else len(after)
        text = _visible_text(before[cut:] + after[:stop])
        start = pos - self.chars(len(before) - cut)
        return text, start, pos + self.chars(stop)


def _visible_text(s: str) -> str:
    """The text of an HTML window, as one line (`clean_text`): tags, and the content of script/style/svg/template/
    noscript elements and comments, removed, also where the window's edges cut them (it starts inside a tag or
    such an element, or ends inside one)."""
    lt, gt = s.find("<"), s.find(">")
    if gt >= 0 and (lt < 0 or gt < lt):  # starts inside a tag (an <svg> path's d="8 32.93 ...">)
        s = s[gt + 1:]
    s = _NON_TEXT_WHOLE.sub(" ", s)
    s = _NON_TEXT_HEAD.sub(" ", s)
    s = _NON_TEXT_TAIL.sub(" ", s)
    lt = s.rfind("<")
    if lt >= 0 and s.find(">", lt) < 0:  # ends inside a tag
        s = s[:lt]
    return clean_text(s)


_NOTICE_NEEDLES = ("©", "&copy", "&#169", "&#xa9", "copyright", "rights reserved", "creative commons")
_LICENSE_META = {"license", "dc.rights", "dcterms.license", "dcterms.rights", "dc.license", "copyright",
                 "rights", "dc.rights.license", "cc:license", "license:uri"}


def html_licence_evidence(html: str) -> list[Evidence]:
    """Licence evidence from the raw HTML: tags (link/a/meta) anywhere, and notices in the footer.

    * `<link rel="license">` -> 'link_rel_license' ('head' before </head>), `<a rel="license">` ->
      'a_rel_license', an `<a href>` to creativecommons.org without rel -> 'cc_link', `<meta
      name="license"|"dc.rights"|"dcterms.license"|"copyright" content>` -> 'meta_license' (CC) or a
      notice; in the head, a rel=license / license meta pointing elsewhere (a terms page) ->
      'licence_terms' (recorded, decides nothing; in the body only creativecommons.org URLs are
      looked for, which keeps the scan to one pass over the document).
    * Notices (©, Copyright, All rights reserved, 'Creative Commons ...' sentences) in the last 20% of
      the document, or after the last `<footer` if earlier: main-content extraction drops most footers,
      so the site's own notice is looked for here; an in-story notice reaches `text_licence_evidence`
      through the blocks.

    Location heuristic: looking back from the item, the nearest opening tag still unclosed at the item
    decides: <figure>/<figcaption> or a class/id containing caption|credit|photo|image (within 3,000
    characters, class/id containing 'footer' excepted) -> 'media'; <footer> or a class/id containing
    'footer' (within 40,000) -> 'footer'; tags before </head> -> 'head'; other tags -> 'page'. A
    notice in the tail region inside <article>, <main> or a class/id article|story|post|entry
    container -> 'article' (a short page's in-story wire line), outside all of these -> 'footer'.
    Text inside <script>, <style>, <svg>, <template>, comments or attribute values is ignored, also
    where a notice's window starts or ends inside one (`_visible_text`).
    """
    if not html:
        return []
    page = _Page(html)
    out: list[Evidence] = []
    seen: set[tuple[str, str, str]] = set()

    def add(ev: Evidence) -> None:
        key = (ev.kind, ev.value, ev.location)
        if key not in seen:
            seen.add(key)
            out.append(ev)

    # 1. tags with a creativecommons.org URL anywhere; in the head also tags carrying 'licen' (link
    #    rel=license to anything, meta name=license), meta rights / copyright
    #    (in the body only CC URLs are looked for: a rel=license to anything else decides nothing)
    tag_starts: set[int] = set()
    back = page.chars(4000)
    for needle, stop in (("creativecommons.org", page.n), ("licen", page.head_end), ("rights", page.head_end),
                         ("copyright", page.head_end)):
        i = page.find(needle, 0, stop)
        while i >= 0:
            lt = page.rfind("<", max(0, i - back), i)
            if lt >= 0 and lt not in tag_starts and page.find(">", lt, i) < 0:
                tag_starts.add(lt)
            i = page.find(needle, i + page.chars(len(needle)), stop)
    for lt in sorted(tag_starts):
        tag_info = page.tag_at(lt)
        if tag_info is None or tag_info[0] not in ("link", "a", "meta"):
            continue
        tag, _attr_text, gt = tag_info
        attrs = page.attrs(lt, gt)
        in_head = lt < page.head_end
        if tag == "meta":
            key = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").strip().lower()
            content = (attrs.get("content") or "").strip()
            if key not in _LICENSE_META or not content:
                continue
            loc = "head" if in_head else page.location(lt)
            spdx = cc_url_to_spdx(content) or cc_text_to_spdx(content)
            if spdx:
                add(Evidence("meta_license", content, loc, 0.85, spdx))
            elif key in ("copyright", "dc.rights", "dcterms.rights", "rights"):
                text = content if is_copyright_line(content) or ARR_RE.search(content) else f"© {content}"
                for ev in notice_evidence(text, loc):
                    add(ev)
            elif content.startswith(("http://", "https://", "/")):
                add(Evidence("licence_terms", content, loc, 0.3))
            continue
        href = (attrs.get("href") or "").strip()
        rel = {r.split(":")[-1] for r in (attrs.get("rel") or "").lower().split()}
        is_license = "license" in rel or "licence" in rel
        spdx = cc_url_to_spdx(href)
        if not is_license and spdx is None:
            continue
        if tag == "link":
            loc = "head" if in_head else page.location(lt)
            kind, conf = "link_rel_license", 0.95
        else:
            loc = page.location(lt)
            if is_license:
                kind, conf = "a_rel_license", {"footer": 0.9, "media": 0.9}.get(loc, 0.8)
            else:
                kind, conf = "cc_link", {"footer": 0.7, "media": 0.6}.get(loc, 0.4)
        if spdx is None:  # rel=license to a site's own terms page
            if href:
                add(Evidence("licence_terms", href, loc, 0.3))
        else:
            add(Evidence(kind, href, loc, conf, spdx))

    # 2. notices in the tail of the document (the footer)
    region = int(page.n * (1 - FOOTER_TAIL))
    region -= region % page.w
    if page.has_footer():  # a <footer> element that opens before the tail: from its start
        footer_open = page.rfind("<footer", max(page.head_end, region - page.chars(LOOKBACK_FOOTER)), region)
        if footer_open >= 0:
            region = footer_open
    region = max(region, page.head_end)
    page._skip_at = region  # script/style/comment spans are collected on the first hit
    done: list[tuple[int, int]] = []
    for needle in _NOTICE_NEEDLES:
        i = page.find(needle, region)
        hits = 0
        while i >= 0 and hits < 30:
            hits += 1
            if not any(a <= i < b for a, b in done) and not page.skipped(i):
                text, a, b = page.text_around(i)
                done.append((min(a, i), max(b, i + page.chars(len(needle)))))
                loc = page.location(i, article=True)
                if loc == "page":
                    loc = "footer"
                for ev in notice_evidence(text, loc):
                    add(ev)
            i = page.find(needle, i + page.chars(len(needle)))
    return out
