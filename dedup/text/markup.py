"""Markup scanning without a DOM: head <meta>/<link> tags, attributes, JSON-LD objects, links to the site.

Regular scans over the page text rather than DOM walking: resiliparse creates a Python wrapper per
visited node (~45 µs each), which made metadata cost more than main-text extraction.
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import re
from urllib.parse import urldefrag, urljoin, urlsplit

from dedup.text.jsonld import ld_types, type_name
from dedup.text.normalise import clean_text, fold_text, registered_domain, site_host, storable


# Linear time on any page: a pattern like `<meta\b[^>]*>` rescans to the end of the text from every
# '<meta' when no '>' follows (quadratic: minutes on a 1 MiB page of '<meta '). So only tag starts
# are matched by regex; the end of each tag is found once with str.find, the scan goes on after
# it, and stops when no '>' (or no '</script') is left anywhere.
_TAG_START = re.compile(r"<(meta|link)\b", re.I)
_ATTR = re.compile(r"""([^\s=/>"']+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_SCRIPT_START = re.compile(r"<script\b", re.I)
_SCRIPT_END = re.compile(r"</script\s*>", re.I)
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.I)
HEAD_SCAN_CHARS = 300_000


def tag_attributes(attr_text: str) -> dict[str, str]:
    """'name="x" content=\'y\' async' -> {'name': 'x', 'content': 'y', 'async': ''} (entities decoded)."""
    found = _ATTR.findall(attr_text)  # findall: no Match objects
    if "&" not in attr_text:
        # no entity to decode (most tags): one comprehension; it keeps a repeated key's last value, the loop
        # below its first, so a tag with a key twice is read by the loop
        attrs = {key.lower(): double_quoted or single_quoted or bare
                 for key, double_quoted, single_quoted, bare in found}
        if len(attrs) == len(found):
            return attrs
    attrs = {}
    for key, double_quoted, single_quoted, bare in found:
        key = key.lower()
        if key not in attrs:
            value = double_quoted or single_quoted or bare
            attrs[key] = html_lib.unescape(value) if "&" in value else value
    return attrs


def head_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """<meta> and <link> tags of the document head, in order, as (tag, attributes).

    A regular scan rather than DOM walking: resiliparse creates a Python wrapper per visited node
    (~45 µs each), which made metadata cost more than main-text extraction.
    """
    end = _HEAD_END.search(html, 0, HEAD_SCAN_CHARS)
    head = html[: end.start() if end else HEAD_SCAN_CHARS]
    tags = []
    pos = 0
    while (m := _TAG_START.search(head, pos)) is not None:
        gt = head.find(">", m.end())
        if gt < 0:
            break
        tags.append((m.group(1).lower(), tag_attributes(head[m.end():gt])))
        pos = gt + 1
    return tags


def first_str(value: object) -> str | None:
    """The first non-blank string of a JSON-LD value (a string or a list), stripped."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value:
        return first_str(value[0])
    return None


# Not `jsonld.ARTICLE_TYPES` (the news kinds Background/Review/AskPublic, SocialMediaPosting and ScholarlyArticle
# are missing) but 'webpage' added: it decides the release's `page_type` and puts these objects first, and the
# merged list changes `page_type` on real pages (a SocialMediaPosting object in ../shared/corpora); left as it is.
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "webpage", "report", "liveblogposting"}


def is_article(obj: dict) -> bool:
    """Is a JSON-LD object of an article type (NewsArticle, BlogPosting, ...)?"""
    types = obj.get("@type")
    if isinstance(types, str):  # (most objects: one type)
        return type_name(types).lower() in _ARTICLE_TYPES
    return not ld_types(obj).isdisjoint(_ARTICLE_TYPES)


def _ld_json_bodies(html: str) -> list[str]:
    """The text of every JSON-LD <script> element (`script_holds_jsonld`), in order; linear time."""
    bodies = []
    pos = 0
    while (m := _SCRIPT_START.search(html, pos)) is not None:
        gt = html.find(">", m.end())
        if gt < 0:
            break
        if not script_holds_jsonld(html[m.end():gt], html[gt + 1:gt + 400]):
            pos = gt + 1
            continue
        end = _SCRIPT_END.search(html, gt + 1)
        if end is None:
            break
        bodies.append(html[gt + 1:end.start()])
        pos = end.end()
    return bodies


def page_type(objects: list[dict]) -> str | None:
    """The schema.org type of the page's main JSON-LD object (the first article-like one): NewsArticle,
    BlogPosting, WebPage... (a schema.org URL by its name: 'https://schema.org/NewsArticle' -> 'NewsArticle'); several
    types are joined with a comma; None without one."""
    article = next((o for o in objects if is_article(o)), None)
    if article is None:
        return None
    types = article.get("@type")
    names = [type_name(t) for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
    return ",".join(names)[:200] or None


def jsonld_objects(html: str) -> list[dict]:
    """Every JSON object in the page's JSON-LD scripts (`script_holds_jsonld`), @graph flattened; broken
    JSON is skipped."""
    return jsonld_from_bodies(_ld_json_bodies(html))


def script_holds_jsonld(attr_text: str, body_start: str) -> bool:
    """A <script> holds JSON-LD: typed `application/ld+json`, or untyped with a schema.org JSON object as
    its body (`<script>{"@context": "https://schema.org", ...}`: pages that forgot the type, which a
    browser does not run and a reader of the page still sees as its structured data)."""
    low = attr_text.lower()
    if "type" in low or "src" in low:
        return "ld+json" in low
    start = body_start.lstrip()[:200]
    return start[:1] in ("{", "[") and '"@context"' in start and "schema.org" in start


def jsonld_from_bodies(bodies: list[str]) -> list[dict]:
    """The JSON objects of these script bodies, @graph and arrays flattened, articles first; broken
    JSON is skipped."""
    found: list[dict] = []
    for body in bodies:
        try:
            data = json.loads(body.strip())
        except (ValueError, RecursionError):
            # a body wrapped in a CDATA section, as XHTML writes script text ('<![CDATA[ {...} ]]>', also after
            # '//'): the JSON inside (a reader that strips the wrapper sees it; the error path only, no cost else)
            unwrapped = _CDATA.fullmatch(body) if "<![CDATA[" in body else None
            try:
                data = json.loads(unwrapped[1]) if unwrapped else None
            except (ValueError, RecursionError):
                data = None
            if data is None:
                continue
        if _SURROGATE_ESCAPE.search(body):
            data = storable(data)
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    # articles first, keeping document order otherwise
    return sorted(found, key=lambda o: not is_article(o))


_CDATA = re.compile(r"\s*(?://\s*)?<!\[CDATA\[(.*?)(?://\s*)?\]\]>\s*", re.S)
# a JSON escape of a surrogate (`\ud83d`): alone (not half of a pair) it parses to a lone surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


_TITLE_START = re.compile(r"<[tT][iI][tT][lL][eE](?=[\s>])")
_TITLE_END = re.compile(r"</[tT][iI][tT][lL][eE]\s*>")
# a script's string concatenation (`'<title>' + title + ' - ' + name + '</title>'`), never a page's title
_SCRIPT_STRING = re.compile(r"""['"]\s*\+\s*\w+\s*\+\s*['"]""")
SCRIPT_TITLE_CHARS = 20_000
HEAD_TITLE_EXTRA_CHARS = 100_000


def head_title(html: str, end: int, head_cut: bool = False) -> str | None:
    """The text of the page's <title>, the first opening before `end` (the head's end); with `head_cut` (a head
    longer than the head scan, which ended at `end`), up to 100,000 characters further, to the head's end. A
    '<title>' inside a script's string ('<title>' + title + '</title>') is not the page's: the next one after the
    script's end is read instead (the script may also have written '</head>' in its string, where the head scan
    stopped: looked for a bounded way on); never a second such string."""
    stop = end
    if head_cut:
        more = _HEAD_END.search(html, end, end + HEAD_TITLE_EXTRA_CHARS)
        stop = more.start() if more else min(len(html), end + HEAD_TITLE_EXTRA_CHARS)
    title, close_at = _read_title(html, 0, stop)
    if title is not None and "+" in title and _SCRIPT_STRING.search(title):
        script_end = _SCRIPT_END.search(html, close_at, close_at + SCRIPT_TITLE_CHARS)
        start = script_end.end() if script_end else close_at
        title, _ = _read_title(html, start, max(stop, start + SCRIPT_TITLE_CHARS))
        if title is not None and "+" in title and _SCRIPT_STRING.search(title):
            title = None
    return title


def _read_title(html: str, start: int, stop: int) -> tuple[str | None, int]:
    """The text of the first <title> opening in html[start:stop], and where its end tag ends."""
    title = _TITLE_START.search(html, start, stop)
    title_end = html.find(">", title.end(), stop) + 1 if title is not None else 0
    if title_end <= 0:
        return None, stop
    close = _TITLE_END.search(html, title_end, title_end + 3000)
    if close is None:
        return None, stop
    return clean_text(html[title_end:close.start()]), close.end()


# `site_link_copies`: how far before a text its `<a>` may open, and how far after it the anchor must close (a
# card's image and its eyebrow label sit between them), how many copies of a text are looked at, and the
# shortest stem a link cut off by "..." may share with a line
ANCHOR_REACH = 1500
MAX_COPIES = 20
PROBE_CHARS = 24
MIN_STEM_CHARS = 20
_ELLIPSIS = ("...", "…")


class SiteLinks:
    """The page's links to the other pages of its own site, read from its markup (no DOM) on demand: a line's text
    that is also the whole text of such a link elsewhere on the page is the headline of another of the site's
    stories, a teaser card or a "related" box (`cleaning.other_story_lines`). Links to the page itself (a table
    of contents, a permalink to itself: `#section`, the same address), to other sites (a shop, an affiliate) and
    scripts are not counted."""

    def __init__(self, html: str, url: str | None, domain: str | None = None) -> None:
        """`domain`: `registered_domain(url)` when the caller has it (the row's `domain`)."""
        self.html = html
        self.url = url if url and "://" in url else None
        self._domain = domain

    # the page's own address and site, worked out by the first link compared: most pages have no line that a
    # link's text could copy (`copies` is not called on them), so most never need them
    @functools.cached_property
    def here(self) -> str | None:
        """The page's address without its fragment and trailing '/' (a link to it is to the page itself)."""
        return urldefrag(self.url)[0].rstrip("/") if self.url else None

    @functools.cached_property
    def site(self) -> str | None:
        """The page's site key (`registered_domain`): links to it, its subdomains or its parent are the site's own."""
        if self.url is None:
            return None
        return self._domain if self._domain is not None else registered_domain(self.url)

    def same_site(self, href: str) -> bool:
        """Does `href` go to another page of the page's own site (not the page itself, another site or a script)?"""
        href = href.strip()
        if not href or href.startswith("#") or href[:11].lower().startswith(("javascript:", "mailto:", "tel:")):
            return False
        try:
            target = urljoin(self.url, href) if self.url else href
            host = urlsplit(target).hostname
        except ValueError:
            return False
        if self.here is not None and urldefrag(target)[0].rstrip("/") == self.here:
            return False  # the page itself
        if host is None:
            return self.url is None  # a relative link, on a page whose address is unknown
        host = site_host(host)  # as the page's own site key: punycode decoded, no trailing dot
        site = self.site
        return site is not None and (host == site or host.endswith("." + site) or site.endswith("." + host))

    def copies(self, text: str) -> int:
        """How many links to other pages of the site have `text` as their whole text (case, accents,
        punctuation and spacing folded), or a stem of it cut off by "..." of at least MIN_STEM_CHARS."""
        key = fold_text(text)
        if len(text) < PROBE_CHARS or not key:
            return 0
        html = self.html
        probe, found, pos = text[:PROBE_CHARS], 0, 0
        for _ in range(MAX_COPIES):
            pos = html.find(probe, pos)
            if pos < 0:
                break
            start = anchor_open(html, max(0, pos - ANCHOR_REACH), pos)
            gt = html.find(">", start, pos) if start >= 0 else -1
            end = anchor_close(html, pos, pos + len(text) + ANCHOR_REACH)
            if gt > 0 and end > 0 and _last(html, ("</a", "</A"), start, pos) < 0 \
                    and self.same_site(tag_attributes(html[start + 3:gt]).get("href", "")):
                inner = clean_text(html[gt + 1:end])
                stem = fold_text(inner.rstrip(".… ")) if inner.endswith(_ELLIPSIS) else ""
                if fold_text(inner) == key or (len(stem) >= MIN_STEM_CHARS and key.startswith(stem)):
                    found += 1
            pos += len(probe)
        return found


def _last(html: str, marks: tuple[str, ...], lo: int, hi: int) -> int:
    return max(html.rfind(mark, lo, hi) for mark in marks)


def _first(html: str, marks: tuple[str, ...], lo: int, hi: int) -> int:
    found = [at for at in (html.find(mark, lo, hi) for mark in marks) if at >= 0]
    return min(found) if found else -1


def anchor_close(html: str, lo: int, hi: int) -> int:
    """Where the first `</a` end tag between lo and hi starts, or -1."""
    return _first(html, ("</a", "</A"), lo, hi)


def anchor_open(html: str, lo: int, hi: int) -> int:
    """Where the last `<a ...>` tag between lo and hi opens (not `<abbr>`, `<article>`, `<aside>`), or -1."""
    while (at := _last(html, ("<a", "<A"), lo, hi)) >= 0:
        if at + 2 < len(html) and html[at + 2].isspace():
            return at
        hi = at
    return -1
