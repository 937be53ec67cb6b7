"""The licence evidence of a page's raw HTML: `<link rel=license>`, licence `<meta>` tags, `<a
rel=license>` and creativecommons.org links, and the copyright / all-rights-reserved / CC notices of the
footer, each with its location (head / footer / media / article / page). Decided by
`dedup.rights.licence.decide_licence` with the JSON-LD and text evidence.
"""

from __future__ import annotations

import functools
import re

from dedup.rights.licence import (ARR_RE, Evidence, cc_text_to_spdx, cc_url_to_spdx, is_copyright_line,
                                  notice_evidence)
from dedup.text.markup import HEAD_SCAN_CHARS, tag_attributes
from dedup.text.normalise import clean_text

# raw HTML scan
#
# Speed. The scan searches a copy of the page with ASCII letters lower-cased and every other character
# kept in its place (so that an offset in the copy is the same character's offset in the page; `str.lower`
# would lower-case other letters too, some into two characters, and is slow on non-ASCII text): made
# through bytes, whose `lower` folds ASCII A-Z only (`ascii_lowered`). Whole-document passes are few: one
# search for 'creativecommons.org', a footer existence check from the end, and needle searches in the
# tail region; locations are found per item, looking back a bounded window.

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


@functools.cache
def _container_needles(words: tuple[str, ...], tags: tuple[str, ...]) -> tuple[str, ...]:
    """What `_Page.inside` looks back for: the words, and '<' + each tag name that holds none of them (one that does
    is found by that word's search already)."""
    return words + tuple("<" + t for t in tags if not any(w in t for w in words))


def ascii_lowered(html: str) -> str:
    """`html` with A-Z lower-cased and every other character where it was (the same length): `bytes.lower`
    folds ASCII only, so the text goes through Latin-1 bytes, or UTF-16 code units (a unit whose high byte is an
    ASCII capital changes into another character, never into an ASCII one: an ASCII needle matches the copy
    where it matches the page regardless of case)."""
    if html.isascii():
        return html.lower()
    try:
        return html.encode("latin-1").lower().decode("latin-1")
    except UnicodeEncodeError:
        low = html.encode("utf-16-le", "surrogatepass").lower().decode("utf-16-le", "surrogatepass")
        # two lone surrogates in a row come back as one character: then in 4-byte units, which keep the length
        return low if len(low) == len(html) else \
            html.encode("utf-32-le", "surrogatepass").lower().decode("utf-32-le", "surrogatepass")


class _Page:
    """The page (`raw`) and its copy with ASCII letters lower-cased (`low`, the same offsets), with search helpers;
    needles are lower-case ASCII (or '©')."""

    __slots__ = ("raw", "low", "n", "head_end", "_has_footer", "_skip_at", "_skip_spans")

    def __init__(self, html: str):
        self.raw = html
        self.low = low = ascii_lowered(html)
        self.n = len(low)
        ends = [e for e in (low.find("</head", 0, HEAD_SCAN_CHARS), low.find("<body", 0, HEAD_SCAN_CHARS)) if e >= 0]
        self.head_end = min(ends) if ends else 0
        self._has_footer: bool | None = None
        self._skip_at = -1
        self._skip_spans: list[tuple[int, int]] | None = None

    # -- structure ----------------------------------------------------------------------------------
    def tag_at(self, lt: int) -> tuple[str, str, int] | None:
        """(tag name, lower-cased attribute text, end offset of '>') of the tag opening at `lt`."""
        gt = self.low.find(">", lt)
        if gt < 0:
            return None
        text = self.low[lt:gt]
        m = _TAG_NAME.match(text)
        if m is None:
            return None
        return m.group(1), text[m.end():], gt

    def attrs(self, lt: int, gt: int) -> dict[str, str]:
        """The attributes of the tag between `<` at `lt` and `>` at `gt`."""
        text = self.raw[lt:gt]
        m = re.match(r"<[A-Za-z][A-Za-z0-9:-]*", text)
        return tag_attributes(text[m.end():] if m else "")

    def unclosed(self, tag: str, start: int, pos: int) -> bool:
        """Is the element `tag` opened at `start` still open at `pos`? Closes of the same tag name
        between them are balanced against later opens (nesting): exact for well-formed markup."""
        low = self.low
        open_end = low.find(">", start, pos)
        if open_end < 0:
            return True
        closes = low.count("</" + tag, open_end, pos)
        if closes == 0:
            return True
        opens = 0
        needle = "<" + tag
        step = len(needle)
        i = low.find(needle, open_end, pos)
        while i >= 0:
            if low[i + step:i + step + 1] in _TAG_END_CHARS:
                opens += 1
            i = low.find(needle, i + 1, pos)
        return closes <= opens

    def inside(self, pos: int, words: tuple[str, ...], tags: tuple[str, ...], window: int,
               exclude: tuple[str, ...] = (), max_checks: int = 24) -> bool:
        """Is `pos` inside an element whose tag name is in `tags`, or whose class/id contains a word?

        Heuristic: walk back at most `window` characters over the occurrences of the words and tag
        names; each occurrence that sits inside an opening tag is a candidate container; the nearest
        candidate still open at `pos` (`unclosed`) answers yes. The item's own tag does not count.
        """
        low = self.low
        lo = max(0, pos - window)
        candidates: list[int] = []
        for needle in _container_needles(words, tags):
            i = low.rfind(needle, lo, pos)
            n = 0
            while i >= 0 and n < 6:
                candidates.append(i)
                n += 1
                i = low.rfind(needle, lo, i)
        checks = 0
        seen: set[int] = set()
        for i in sorted(candidates, reverse=True):
            lt = i if low[i] == "<" else low.rfind("<", lo, i)
            if lt < 0 or lt in seen:
                continue
            seen.add(lt)
            gt = low.find(">", lt)
            if gt < i or gt > pos:  # the word is in text, not in an opening tag (or no '>': gt = -1)
                continue
            m = _TAG_NAME.match(low, lt, gt)
            if m is None:
                continue
            name = m[1]
            if not (name in tags or _attr_has(low[m.end():gt], words, exclude)):
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
            self._has_footer = self.low.rfind("footer") >= 0  # from the end: found at once on most pages
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
        start, low = self._skip_at, self.low
        spans = []
        for open_, close in (("<script", "</script"), ("<style", "</style"), ("<template", "</template"),
                             ("<!--", "-->")):
            o = low.rfind(open_, max(0, start - LOOKBACK_SKIP), start)
            if o < 0:
                o = low.find(open_, start)
            while o >= 0:
                c = low.find(close, o + len(open_))
                end = self.n if c < 0 else c + len(close)
                if end > start:
                    spans.append((o, end))
                o = low.find(open_, end)
        return spans

    def skipped(self, pos: int) -> bool:
        """Inside a tag's attributes, <script>, <style>, <template> or a comment? (<svg> content is
        dropped from a notice's text by `_visible_text`: collecting the spans of every inline icon too
        cost ~40 µs a page.)"""
        low = self.low
        lt = low.rfind("<", max(0, pos - 4000), pos)
        if lt >= 0 and low.find(">", lt, pos) < 0:
            return True
        if self._skip_spans is None:
            self._skip_spans = self._collect_skips()
        return any(a <= pos < b for a, b in self._skip_spans)

    def text_around(self, pos: int) -> tuple[str, int, int]:
        """The text of the paragraph-level element around `pos`, with its (approximate) span: the
        window around `pos` is cut at the nearest block-level tags."""
        lo, hi = max(0, pos - AROUND), min(self.n, pos + AROUND)
        before = self.raw[lo:pos]
        after = self.raw[pos:hi]
        # where the last block-level start tag ends, the one that opens nearest `pos` (each match ends at the first
        # '>' after its '<', so the last match a scan from the left finds ends where that one does)
        cut = 0
        # the ASCII-lowered copy's slices: `str.lower` may change the length ('İ' -> 'i̇'), cutting the page at the
        # wrong offsets
        lowered = self.low[lo:pos]
        lt = lowered.rfind("<")
        while lt >= 0:
            m = _START_RE.match(lowered, lt)
            if m is not None:
                cut = m.end()
                break
            lt = lowered.rfind("<", 0, lt)
        end = _END_RE.search(self.low[pos:hi])
        stop = end.start() if end else len(after)
        text = _visible_text(before[cut:] + after[:stop])
        start = pos - (len(before) - cut)
        return text, start, pos + stop


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
    low = page.low
    for needle, stop in (("creativecommons.org", page.n), ("licen", page.head_end), ("rights", page.head_end),
                         ("copyright", page.head_end)):
        i = low.find(needle, 0, stop)
        while i >= 0:
            lt = low.rfind("<", max(0, i - 4000), i)
            if lt >= 0 and lt not in tag_starts and low.find(">", lt, i) < 0:
                tag_starts.add(lt)
            i = low.find(needle, i + len(needle), stop)
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
    if page.has_footer():  # a <footer> element that opens before the tail: from its start
        footer_open = low.rfind("<footer", max(page.head_end, region - LOOKBACK_FOOTER), region)
        if footer_open >= 0:
            region = footer_open
    region = max(region, page.head_end)
    page._skip_at = region  # script/style/comment spans are collected on the first hit
    done: list[tuple[int, int]] = []
    for needle in _NOTICE_NEEDLES:
        i = low.find(needle, region)
        hits = 0
        while i >= 0 and hits < 30:
            hits += 1
            if not any(a <= i < b for a, b in done) and not page.skipped(i):
                text, a, b = page.text_around(i)
                done.append((min(a, i), max(b, i + len(needle))))
                loc = page.location(i, article=True)
                if loc == "page":
                    loc = "footer"
                for ev in notice_evidence(text, loc):
                    add(ev)
            i = low.find(needle, i + len(needle))
    return out
