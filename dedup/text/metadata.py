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

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from dedup.rights.attribution import agency_name
from dedup.text.byline import Byline, by_prefix_end, is_heading_of_words, other_script_byline, parse_byline
from dedup.text.dates import find_dates
from dedup.text.markup import first_str, jsonld_from_bodies
from dedup.text.pagedates import decide_dates
from dedup.text.quotedposts import is_post_header, without_embedded_posts
from dedup.text.signature import closing_signature
from dedup.text.storybyline import EXPLICIT_BY as _EXPLICIT_BY, story_byline
from dedup.text.jsonld import JsonLd, ld_entities, read_jsonld
from dedup.text.normalise import (caseless_finder, caseless_prefix, clean_text, fold_text, site_host,
                                  without_userinfo, word_list)
from dedup.text.scripts import CJK, HANGUL, KANA
from dedup.text.titles import (SEPARATOR_CHARS, SPACED_SEPARATORS, is_generic_title, names_host, strip_site,
                               strip_unspaced_site, title_rest, with_author_segment)
from dedup.text.wordcount import comparable_tokens, word_count
from dedup.text.pagehead import AUTHOR_META_NAMES, Head, read_head
from dedup.text.profilelinks import people_pages_after, profile_links
from dedup.text.commentsections import CommentSections
from dedup.text.headlineregion import HEADLINE_REGION, author_marks, nearest_lines, read_headline_region
from dedup.text.pagescan import AuthorMark, Body, scan_page, subheading_place

# --------------------------------------------------------------------------------------------------
# result


@dataclass(slots=True)
class PageMetadata:
    """What one page says about itself; every `*_source` names the evidence the value came from."""

    title: str | None = None
    title_source: str | None = None
    html_title: str | None = None
    # the page's visible headlines: its <h1>s' text (site names and generic words like "Home" left out)
    headlines: list[str] = field(default_factory=list)
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
# the decision


_META_SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "al:ios:app_name",
                   "publisher", "dc.publisher", "dcterms.publisher", "twitter:app:name:iphone")
_META_SITE_SOURCES = tuple((key, "meta_" + re.sub(r"[:.-]", "_", key)) for key in _META_SITE_KEYS[1:])
PLATFORM_NAMES = frozenset(("blogger", "blogspot", "wordpress", "wordpresscom", "tumblr", "medium", "substack",
                            "wix", "jimdo", "weebly", "squarespace", "ghost", "livejournal", "typepad",
                            "over-blog", "overblog", "hatenablog", "pixnet", "naverblog", "blogger.com"))
_SEPARATORS = re.compile(r"\s+(?:[|–—•·»«~/\\:]|::|-|—|\|\|)\s+|\s*[|•·»«]\s*")
# compiled once (a module-level `re.sub` / `re.split` looks its pattern up in `re`'s cache at every call)
_HOST_ENDING = re.compile(r"\.[a-z]{2,3}$", re.I)  # 'Libération.fr' -> 'Libération'
_TAGLINE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s*[|•·]\s*")
_NAME_COLON = re.compile(r"(?<=\w):\s")  # 'Pink Sith: Abreva Conceal Patch' (not '.:: chuggnutt ::.')


def page_metadata(html: str | None, url: str | None = None, blocks: list[str] | tuple[str, ...] = (),
                  text_title: str | None = None, host: str | None = None) -> PageMetadata:
    """Title, authors, site name, published and modified time of one page, with their evidence. `text_title`:
    text-only input's <title> (a WET record's first line), read as an HTML page's <title> is. `host`: the URL's
    site host when the caller has it (`url_host`; None: worked out here)."""
    md = PageMetadata()
    blocks = list(blocks or [])
    if html:
        head = read_head(html)
        body, scripts = scan_page(html, head.end, blocks, head.tag_starts)
        if body.quotes:  # an embedded social post quotes someone else: no reader below sees it (offsets kept)
            html, blocks = without_embedded_posts(html, body, blocks)
        md.jsonld = jsonld_from_bodies(scripts)
        ld = read_jsonld(md.jsonld)
    else:
        head = Head({}, None, clean_text(text_title) if text_title else None, None, 0)
        ld = JsonLd(None, None, None, {})
        body = Body([], [], [], [], [], None)
    md.meta = {k: v[0] for k, v in head.meta.items()}
    md.html_title = head.html_title
    md.url_host = url_host(url) if host is None else host
    canonical = head.canonical or md.meta.get("og:url")
    if canonical:
        absolute = canonical.startswith(("http://", "https://"))
        md.canonical_url = without_userinfo(urljoin(url, canonical) if url and not absolute else canonical)
    _decide_site_name(md, head, ld, url)
    titles = _title_evidence(md, body, _title_candidates(head, ld))
    # (before every reader of the headline's region: authors, dates)
    _place_headline(html or "", head.end, body, md.headlines, titles)
    _decide_authors(md, html, head, ld, body, blocks)
    _decide_title(md, titles)
    published, modified = decide_dates(html, head, ld, body, blocks, url, md.title)
    if published is not None:
        md.published_at, md.published_at_raw, md.published_at_source = published
    if modified is not None:
        md.modified_at, md.modified_at_raw, md.modified_at_source = modified
    return md


def url_host(url: str | None, domain: str | None = None) -> str:
    """The URL's host as the rules compare it (`site_host`; '' for none). `domain`, `registered_domain(url)` when the
    caller has it, is that host for a URL without surrounding white space (which `registered_domain` strips)."""
    if domain is not None and url and url == url.strip():
        return domain
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""
    return site_host(host)


def _site_label(host: str) -> str | None:
    """'sport.aktualne.cz' -> 'aktualne', 'news.bbc.co.uk' -> 'bbc': the name part of a host."""
    labels = host.split(".")
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "org", "net", "ac", "gov", "or", "ne"):
        return labels[-3]
    return labels[-2]


def _is_platform(name: str) -> bool:
    return fold_text(name) in PLATFORM_NAMES


def _decide_site_name(md: PageMetadata, head: Head, ld: JsonLd, url: str | None) -> None:
    meta = head.meta
    candidates: list[tuple[str, str]] = [("og_site_name", v) for v in meta.get("og:site_name", [])]
    article_publishers = ld_entities(ld.article.get("publisher"), ld.ids) if ld.article is not None else []
    candidates += [("jsonld_publisher", name) for name, _kind in article_publishers]
    if ld.page is not None:
        candidates += [("jsonld_publisher", name) for name, _kind in ld_entities(ld.page.get("publisher"), ld.ids)]
    if ld.website is not None and isinstance(ld.website.get("name"), str):
        candidates.append(("jsonld_website", ld.website["name"]))
    for key, source in _META_SITE_SOURCES:
        if key in meta:
            candidates += [(source, value) for value in meta[key]]
    host = md.url_host
    names = []
    for source, value in candidates:
        value = clean_text(value)
        if not value or len(value) > 100 or value.startswith(("http://", "https://", "@")):
            continue
        if _is_platform(value) and not fold_text(host).startswith(fold_text(value)):
            continue  # 'Blogger' on someblog.blogspot.com: the platform, not the blog
        names.append((source, value))
    if names:
        source, value = names[0]
        value = _site_name_core(value, host, head.html_title)
        # 'Libération.fr' where another place calls the site 'Libération': the name without the host's ending
        bare = _HOST_ENDING.sub("", value)
        if bare != value and any(fold_text(other) == fold_text(bare) for _s, other in names[1:]):
            value = bare
        md.site_name, md.site_name_source = value, source
    elif head.html_title:
        # '<title>Headline | Site</title>': the part that names the host
        parts = [p for p in _SEPARATORS.split(head.html_title) if p]
        # (the last, the first, then one between: 'Headline » gizmeo.eu | inside the machine')
        # (round 16: a part naming the host by its opening words is the site's name up to a colon, and of at most 4
        # words: 'Pink Sith: Abreva Conceal Patch' -> 'Pink Sith'; not 'comwrap auf der DMEXCO 2018' on comwrap.com)
        for part in (parts[-1], parts[0], *parts[1:-1]) if len(parts) >= 2 else ():
            part = _NAME_COLON.split(part, 1)[0].strip()
            if names_host(part, host) and len(part.split()) <= 4:
                md.site_name, md.site_name_source = part, "html_title"
                break
    if md.site_name is None:
        # the site's Twitter account, when it is the host's name ('@GitLab' on about.gitlab.com)
        handle = next(iter(head.meta.get("twitter:site", [])), "").strip().lstrip("@")
        if handle and fold_text(handle) == fold_text(_site_label(host)):
            md.site_name, md.site_name_source = handle, "twitter_site"
    publisher = None
    if article_publishers:  # (read once above: `ld_entities` is a pure reading of the objects)
        publisher = article_publishers[0][0]
        md.publisher_is_person = article_publishers[0][1] == "person"
    md.publisher = publisher or md.site_name


def _site_name_core(value: str, host: str, html_title: str | None) -> str:
    """'Aktuálně.cz - Víte, co se právě děje' -> 'Aktuálně.cz': a tagline after a name that names the
    host is dropped, unless the page's own <title> carries the name with its tagline."""
    parts = [p for p in _TAGLINE_SEPARATORS.split(value) if p.strip()]
    if len(parts) >= 2 and names_host(parts[0], host) and not names_host(parts[1], host) \
            and not (html_title and fold_text(value) in fold_text(html_title)):
        return parts[0].strip()
    return value


_GENERIC_TITLES = frozenset(fold_text(t) for t in (
    "home", "homepage", "home page", "startseite", "accueil", "inicio", "index", "menu", "navigation", "main menu",
    "search", "suche", "untitled", "welcome", "willkommen", "blog", "news", "aktuelles", "login", "404",
    "page not found", "skip to content", "zum inhalt springen", "main navigation", "hauptnavigation"))


def _decide_title(md: PageMetadata, titles: _TitleEvidence) -> None:
    _choose_title(md, titles)
    # the page's author named after the headline in its metadata title stays in the title, as the page names itself
    # ('Headline | Jane Doe'; 'Headline - Jane Doe - Medium' -> 'Headline - Jane Doe'): the issue drops the site
    if md.title and md.authors:
        for source, value in titles.candidates:
            kept = with_author_segment(md.title, value, md.site_name, md.authors, md.url_host)
            if kept:
                md.title, md.title_source = kept, source + "_with_author"
                return


def _title_candidates(head: Head, ld: JsonLd) -> list[tuple[str, str]]:
    candidates: list[tuple[str, str]] = []
    for key in ("og:title", "twitter:title"):
        for value in head.meta.get(key, [])[:1]:
            candidates.append(("meta_" + key.replace(":", "_"), clean_text(value)))
    if ld.article is not None:
        headline = first_str(ld.article.get("headline")) or first_str(ld.article.get("name"))
        if headline:
            candidates.append(("jsonld_headline", clean_text(headline)))
    for key in ("dc.title", "dcterms.title", "parsely-title", "sailthru.title", "headline"):
        for value in head.meta.get(key, [])[:1]:
            candidates.append(("meta_" + key.replace(".", "_").replace("-", "_"), clean_text(value)))
    if head.html_title:
        candidates.append(("html_title", head.html_title))
    return [(s, v) for s, v in candidates if v and fold_text(v) not in _GENERIC_TITLES]


@dataclass(slots=True)
class _TitleEvidence:
    """The titles the metadata states and the page's visible headlines (`md.headlines`), and of those the one a
    metadata title states (`stated`, with that title's source): read once, for the title and the headline's place."""
    candidates: list[tuple[str, str]]
    stated: tuple[str, str] | None  # (the <h1>'s text, the source of the title that states it)


def _title_evidence(md: PageMetadata, body: Body, candidates: list[tuple[str, str]]) -> _TitleEvidence:
    site = md.site_name
    # the site's name with a generic phrase ('Yahoo News - Latest News & Headlines', its homepage's og:title
    # left on an article) loses to every other title and headline; taken only when the page offers nothing else
    site_generic = [(s, v) for s, v in candidates if is_generic_title(v, site, md.url_host)]
    if site_generic:
        candidates = [c for c in candidates if c not in site_generic]
    h1_texts = [t for _s, _e, t in body.h1 if t and len(t) <= 300 and fold_text(t) not in _GENERIC_TITLES
                and not _names_site(t, site, md.url_host) and not is_generic_title(t, site, md.url_host)]
    if not candidates and not h1_texts:
        candidates = site_generic
    md.headlines = h1_texts
    # the visible headline (<h1>) that a metadata title states whole, or opens or closes at a separator
    for h1 in h1_texts:
        h1_key, h1_word_list = fold_text(h1), word_list(h1)  # (once per headline, not once per candidate)
        for source, value in candidates:
            if h1_key == fold_text(value) or _is_segment(h1, value, site, md.url_host, h1_word_list):
                return _TitleEvidence(candidates, (h1, source))
    return _TitleEvidence(candidates, None)


def _place_headline(html: str, head_end: int, body: Body, headlines: list[str], titles: _TitleEvidence) -> None:
    """The headline's place (`Body.anchor`, where its byline and dates are looked for): the <h1> a metadata title
    states, else the first of `headlines` (`md.headlines`: no site's name, no generic word), rather than the first
    <h1> with text, which may be a site's logo or a section's name above the story ('Ars Technica', 'WorldViews').
    A page of one <h1> that is the short part of a title, the site's ("Seth's Blog" of "Seth's Blog: The importance
    of going first"), has its headline in the first <h2>-<h6> that holds the title's rest, when one does (a blog
    theme's post title). A page whose <h1>s nothing tells apart keeps its first."""
    named = [entry for entry in body.h1 if entry[2]]
    if len(named) >= 2:
        headline = titles.stated[0] if titles.stated else headlines[0] if headlines else None
        body.anchor = next(((s, e) for s, e, t in named if t == headline), body.anchor)
    elif len(named) == 1 and titles.stated is None and html:
        h1 = named[0][2]
        keys = {fold_text(rest) for rest in (title_rest(h1, value) for _s, value in titles.candidates) if rest}
        place = subheading_place(html, max(head_end, named[0][1]), keys) if keys else None
        body.anchor = place or body.anchor


def _choose_title(md: PageMetadata, titles: _TitleEvidence) -> None:
    site, candidates, h1_texts = md.site_name, titles.candidates, md.headlines
    # 1. the visible headline (<h1>) that a metadata title states whole, or opens or closes at a separator
    if titles.stated:
        md.title, md.title_source = titles.stated[0], "h1_in_" + titles.stated[1]
        return
    # 2. the page's only headline, when a metadata title is another wording of it (shares most of its words)
    # (3+ words, in word-equivalents and by character bigrams where it is written without spaces)
    # (a separator standing alone is no word: 'OutdoorNews | Eintrag' is a section's breadcrumb of two)
    if len(h1_texts) == 1 and word_count(_without_lone_marks(h1_texts[0])) >= 3 and candidates:
        h1_words = set(comparable_tokens(word_list(h1_texts[0])))
        if any(len(h1_words & set(comparable_tokens(word_list(v)))) * 2 >= len(h1_words) for _s, v in candidates):
            md.title, md.title_source = h1_texts[0], "h1"
            return
    # 3. a metadata title without the site's name
    if candidates:
        source, value = candidates[0]
        stripped = strip_site(value, site, md.authors, md.url_host)
        if stripped == value:  # a site's name glued on without spaces ('头条新闻_新华网', '記事｜日本経済新聞')
            stripped = strip_unspaced_site(value, site, None if md.publisher_is_person else md.publisher,
                                            md.url_host)
        md.title = stripped
        md.title_source = source if stripped == value else source + "_without_site"
        return
    if h1_texts:
        md.title, md.title_source = h1_texts[0], "h1"


_LONE_MARK = re.compile(r"(?<!\S)[^\w\s]+(?!\S)")


def _without_lone_marks(text: str) -> str:
    """The text without its tokens that hold no letter or digit (' | ', ' - ')."""
    return text if _LONE_MARK.search(text) is None else _LONE_MARK.sub(" ", text)


def _names_site(text: str, site: str | None, host: str) -> bool:
    """The text is the site's name (a logo in an <h1>, a title suffix)."""
    key = fold_text(text)
    if not key:
        return False
    if site and key == fold_text(site):
        return True
    return names_host(text, host) and len(text.split()) <= 3


_WORD_SPANS = re.compile(r"\w+")


def _is_segment(part: str, whole: str, site: str | None = None, host: str = "",
                part_words: list[str] | None = None) -> bool:
    """`part` opens or closes `whole` at a separator and is its larger part ('Headline' of
    'Headline | Site', of 'Site: Headline'); never the short site or section part. Half of it
    only when the other half names the site. `part_words`: `word_list(part)`, when the caller has it."""
    pw = word_list(part) if part_words is None else part_words
    whole_n = unicodedata.normalize("NFKC", whole)
    # the words first, their places only when the part opens or closes the whole (most pairs fail before)
    ww = list(map(str.casefold, _WORD_SPANS.findall(whole_n)))
    n = len(pw)
    if not pw or n >= len(ww) or (ww[:n] != pw and ww[-n:] != pw):
        return False
    smaller = n * 2 < len(ww)
    if smaller and not (site or host):
        return False
    spans = [(m.start(), m.end()) for m in _WORD_SPANS.finditer(whole_n)]
    if ww[:n] == pw:
        rest = whole_n[spans[n - 1][1]:].lstrip(" \t.!?…)\"'“”»")
        other = rest[1:]
        ok = bool(rest) and rest[0] in SEPARATOR_CHARS
    elif ww[-n:] == pw:
        before = whole_n[:spans[-n][0]].rstrip(" \t(\"'“”«")
        other = before[:-1]
        ok = bool(before) and before[-1] in SEPARATOR_CHARS
    else:
        return False
    if ok and n * 2 == len(ww):
        return _names_site(other.strip(" |–—:-·•»«"), site, host)
    if ok and smaller:
        # the smaller part only when the segment beside it names the site ('Headline | site.ch | Tagline',
        # 'Headline - Site Name (SN) - SN'): the rest is the site and what it says of itself, not the headline's
        segments = [p for p in SPACED_SEPARATORS.split(other)[0::2] if p.strip()]
        if not segments:
            return False
        return _segment_names_site((segments[0] if ww[:n] == pw else segments[-1]).strip(" |–—:-·•»«"), site, host)
    return ok


def _segment_names_site(segment: str, site: str | None, host: str) -> bool:
    """A title segment is the site's name, holds it ('Site Name (SN)') or names the host ('petri-heil.ch')."""
    key, site_key = fold_text(segment), fold_text(site)
    if not key:
        return False
    if site_key and (key == site_key or (len(site_key) >= 4 and site_key in key and len(key) <= 2 * len(site_key))):
        return True
    return names_host(segment, host) and len(segment.split()) <= 3


_CJK = re.compile(f"[{CJK}]")
_KANA = re.compile(f"[{KANA}]")
_HANGUL = re.compile(f"[{HANGUL}]")


# authors evidence, strongest first (docs/metadata.md); the cluster merge ranks copies by it too
AUTHOR_EVIDENCE_ORDER = ("jsonld", "itemprop_author", "meta", "rel_author", "byline_class", "author_class",
                         "byline_text", "author_link", "labelled_byline", "signature", "story_byline")
# the places that state an author by what they are, where a name in a script without capitals is read without a
# byline prefix (not a class or id naming an author or a byline: such a box may hold a section, a date line, a bio)
_AUTHOR_PLACES = frozenset(("jsonld", "itemprop_author", "meta", "rel_author", "author_link"))
BYLINE_SPAN = 400  # author marks this close after the chosen one belong to the same byline
BYLINE_BLOCKS = 8  # a visible byline stands among the first blocks of the main content
BYLINE_WINDOW_LINES = 12  # the visible lines nearest the headline tried as a byline
LABELLED_BYLINE_BLOCKS = 200  # the blocks after the first ones read for a labelled byline
BYLINE_LINE_CHARS = 120
# (where the label or 'By' ends, -1 when the text does not open with one)
_LABELS = (r"autor(?:in|en)?|author|authors|auteur|autore|autora|text|texte|redakteur(?:in)?|verfasser(?:in)?|writer|"
           r"byline|yazar")
_WRITTEN_BY_LABEL = r"(?:written|posted|geschrieben|verfasst|écrit|escrito|scritto)\s+(?:by|von|par|por|da)\s"
# (ASCII text by the Latin-script labels alone: no label of another script holds a character it can match)
_LABELLED_BYLINE = caseless_prefix(
    rf"\s*(?:(?:{_LABELS}|автор|текст|作者|撰文|लेखक)\s*[:：]|{_WRITTEN_BY_LABEL}|(?:بقلم|(?:本报|本報)?(?:记者|記者))\s)",
    rf"\s*(?:(?:{_LABELS})\s*:|{_WRITTEN_BY_LABEL})")
# the part of _EXPLICIT_BY that any line it matches holds somewhere (a line of the window is read as a
# byline only when _EXPLICIT_BY matches at the start of what _byline_in_line returns, a suffix of it)
_HAS_EXPLICIT_BY = caseless_finder(r"(?:by|von|par|por|door|di|av|af)\s*:?\s+")
_WRITTEN_BY = re.compile(r"written|verfasst|author|autor|auteur|escrito|scritto", re.I)
_MID_BY = re.compile(r"\s(?:by|von|par|por|door)\s+(?=\S)", re.I)
_BYLINE_DATE_SEPARATORS = "-–—|·•/"
_NAMES_JOINED = re.compile(r"\w\s*(?:,|&|\s(?:and|und|et|y|e)\s)\s*[A-ZÀ-ÖØ-Þ]")


def _byline_in_line(block: str, other_scripts: bool = False, headings: tuple[str, ...] = (),
                    blocks: list[str] | tuple[str, ...] = ()) -> str | None:
    """The byline a short visible line states: 'By Jane Doe', '05.02.2020 - Redaktion: Eberhard Fuhr',
    'Posted in News by jdoe on August 3, 2019', '25.10.2022 - Reiner Nagel', 'Clara Löw, Siddharth
    Prakash & Klaus Jacob'; None for anything else. `headings`, `blocks`: the page's headlines and main-content
    blocks, which tell a heading of capitalised words from a line of names (`byline.is_heading_of_words`)."""
    if len(block) > BYLINE_LINE_CHARS:
        return None
    if by_prefix_end(block) >= 0:
        return block
    if other_scripts and not block.isascii():
        # (a page of another script than the Latin one: `_other_scripts`)
        other = other_script_byline(block)  # '2023-01-05 来源：新华社 作者：张三', '홍길동 기자'
        if other is not None:
            return other
    dates = find_dates(block, limit=1)
    if dates:
        d = dates[0]
        if d.start <= 12:  # a date opens the line: what follows it
            rest = block[d.end:].lstrip(" ")
            separated = rest[:1] in _BYLINE_DATE_SEPARATORS
            rest = rest.lstrip(" -–—|,·•:/")
            if by_prefix_end(rest) >= 0:
                return rest
            parsed = parse_byline(rest)
            if separated and parsed.people and all(" " in p for p in parsed.people) \
                    and len(rest.split()) <= 4:
                return rest
        mid = _MID_BY.search(block)
        if mid and not is_post_header(block):  # 'Posted in News by jdoe on August 3, 2019': a meta line with a date
            # (not an embedded post's 'A post shared by Jane Doe (@jdoe) on Feb 20, 2017' without its markup)
            return block[mid.end():]
        return None
    if len(block) > 80 or not _NAMES_JOINED.search(block):
        return None
    parsed = parse_byline(block)
    if len(parsed.people) >= 2 and all(" " in p for p in parsed.people) and not parsed.organisations \
            and len(" ".join(parsed.people).split()) >= len(block.split()) - 2 \
            and not is_heading_of_words(block, parsed.people, headings, blocks):
        return block  # a line of several full names and nothing else
    return None


# letters of the scripts whose bylines `other_script_byline` reads (Greek, Cyrillic, Hebrew, Arabic, Indic, Thai,
# Chinese, Japanese, Korean)
_OTHER_SCRIPT_LETTER = re.compile(f"[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u0900-\u0dff\u0e00-\u0e7f{CJK}]")


def _other_scripts(head: Head, body: Body) -> bool:
    """Whether the page's title (or its first headline) is written in a script other than the Latin one: only
    there are lines tested for the byline words of those scripts (a search costs ~2-4 µs a line)."""
    title = head.html_title or (body.h1[0][2] if body.h1 else "")
    return bool(title) and not title.isascii() and _OTHER_SCRIPT_LETTER.search(title) is not None


def _ordered_marks(marks: list[AuthorMark], headline: tuple[int, int] | None) -> list[AuthorMark]:
    """Author marks in the order to try them: those around the headline first (nearest first), then
    the rest in page order (a page without a headline: page order)."""
    if headline is None:
        return marks
    start, end = headline

    def distance(m: AuthorMark) -> int:
        return start - m.pos if m.pos < start else max(0, m.pos - end)

    low, high = start + HEADLINE_REGION[0], end + HEADLINE_REGION[1]
    near = [m for m in marks if low <= m.pos <= high]
    # the rest by position, not `m not in near` (a dataclass comparison per pair)
    return sorted(near, key=distance) + [m for m in marks if not low <= m.pos <= high]


def _merge_byline(entry: Byline, parsed: Byline) -> None:
    entry.people.extend(p for p in parsed.people if p not in entry.people)
    entry.agencies.extend(a for a in parsed.agencies if a not in entry.agencies)
    entry.organisations.extend(o for o in parsed.organisations if o not in entry.organisations)


def _fold_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _shown_byline(found: dict[str, Byline], blocks: list[str], parse) -> Byline | None:
    """An explicit byline opening one of the first main-content blocks ('Von Matthias Lauerer', 'By Jane Doe
    and John Roe') whose people, all full names, are none of those the JSON-LD or meta tags name: the writer the
    page shows, where the metadata names the account that posted it. None when the metadata names nobody (the
    order below reads the blocks then) or names one of them."""
    if not any(found[kind].people for kind in ("jsonld", "meta") if kind in found):
        return None
    for block in blocks[:BYLINE_BLOCKS]:
        if len(block) > BYLINE_LINE_CHARS or by_prefix_end(block) < 0:
            continue
        stated = {_fold_name(p) for kind in ("jsonld", "meta") if kind in found for p in found[kind].people}
        parsed = parse(block, False)
        if parsed.people and all(" " in p for p in parsed.people) \
                and not stated & {_fold_name(p) for p in parsed.people}:
            return parsed
        return None
    return None


def _decide_authors(md: PageMetadata, html: str | None, head: Head, ld: JsonLd, body: Body,
                    blocks: list[str]) -> None:
    site_names = tuple(x for x in (md.site_name, None if md.publisher_is_person else md.publisher,
                                   _site_label(md.url_host), md.url_host) if x)
    found: dict[str, Byline] = {}
    # names in Han characters side by side are several people on a Chinese page, one on a Japanese one ('山田 太郎')
    lang = (head.lang or "").lower()
    title = head.html_title or ""
    han_lists = lang.startswith("zh") or (not title.isascii() and not lang.startswith("ja") and _CJK.search(title)
                                          is not None and _KANA.search(title) is None and _HANGUL.search(title) is None)
    # a text read twice (two marks, a mark and a line) is parsed once; the key says whether it came from a
    # place that states an author (`_AUTHOR_PLACES`), where a name without capitals is read
    parsed_texts: dict[tuple[str, bool], Byline] = {}

    def parse(text: str, structured: bool) -> Byline:  # the result is only read, never changed
        parsed = parsed_texts.get((text, structured))
        if parsed is None:
            parsed = parsed_texts[text, structured] = parse_byline(text, site_names, structured, han_lists)
        return parsed

    def add(kind: str, text: str) -> None:
        _merge_byline(found.setdefault(kind, Byline([], [], [])), parse(text, kind in _AUTHOR_PLACES))

    if ld.article is not None:
        for name, kind in ld_entities(ld.article.get("author"), ld.ids) + \
                ld_entities(ld.article.get("creator"), ld.ids):
            if kind == "organization":
                agency = agency_name(name)
                entry = found.setdefault("jsonld", Byline([], [], []))
                if agency:
                    entry.agencies.append((name, agency))
                elif name not in entry.organisations:
                    entry.organisations.append(name)
            else:
                add("jsonld", name)
    meta = head.meta
    for key in AUTHOR_META_NAMES:
        if key in meta:
            for value in meta[key]:
                if not value.startswith(("http://", "https://", "@")):
                    add("meta", value)
    for i, label in enumerate(("twitter:label1", "twitter:label2")):  # Yoast: 'Written by' / 'Jane Doe'
        if label in meta and any(_WRITTEN_BY.search(value) for value in meta[label]):
            for data in head.meta.get(f"twitter:data{i + 1}", ()):
                add("meta", data)
    headline = body.anchor
    shown = _shown_byline(found, blocks, parse)
    if shown is not None:  # the page shows another writer than its metadata's (a CMS account): ':shown_byline'
        md.authors, md.authors_source = shown.people[:10], "byline_text:shown_byline"
        md.author_agencies.extend(a for a in shown.agencies if a not in md.author_agencies)
        return
    # author markup in the body is read only when the metadata names no person (it ranks below them)
    if html and not any(entry.people for entry in found.values()):
        body.authors = author_marks(html, head.end, headline)
    kinds_present = {m.kind for m in body.authors}
    # once a kind names the author, a lower kind is read only at that byline (an agency beside the name in another
    # markup: '<p class="byline">By <span itemprop="author">Jane Doe</span>, Reuters</p>'), not elsewhere in the
    # 43,000 characters (another story's teaser): round 14, the cost of reading their texts
    decided = -1
    comments = CommentSections(html or "", headline[0] if headline else -1)
    for kind in ("itemprop_author", "rel_author", "byline_class", "author_class", "author_link"):
        if kind not in kinds_present:
            continue
        marks = _ordered_marks([m for m in body.authors if m.kind == kind and (
            decided < 0 or decided - BYLINE_SPAN <= m.pos <= decided + BYLINE_SPAN)], headline)
        for mark in marks:
            structured = kind in _AUTHOR_PLACES
            if comments.known_to_hold(mark.pos):  # (a thread's next commenter, without reading the name)
                continue
            parsed = parse(mark.text, structured)
            # a commenter's name in a comment section (looked for only where a mark names someone: round 17)
            if not parsed.people or comments.holds(mark.pos):
                continue
            entry = found.setdefault(kind, Byline([], [], []))
            _merge_byline(entry, parsed)
            # more names of the same byline: marks of this kind right after it ('By <a>X</a> and <a>Y</a>')
            last = mark.pos
            for other in body.authors:  # in page order (author_marks sorts them)
                if other.kind == kind and last < other.pos <= last + BYLINE_SPAN:
                    _merge_byline(entry, parse(other.text, structured))
                    last = other.pos
            if decided < 0:
                decided = mark.pos
            break
    other_scripts = _other_scripts(head, body)
    if not any(entry.people for entry in found.values()):
        headings = (*(t for _s, _e, t in body.h1), head.html_title or "", *head.meta.get("og:title", ())[:1])
        for block in blocks[:BYLINE_BLOCKS]:
            line = _byline_in_line(block, other_scripts, headings, blocks)
            if line:
                add("byline_text", line)
    if html and headline is not None and not any(entry.people for entry in found.values()):
        # a byline line beside the headline that the main-content blocks left out ('06.11.2023 13:30 von
        # Olga' under a heading), the nearest first; the same region the dates read
        read_headline_region(html, head.end, body)
        for _pos, text in nearest_lines(body.window, headline, BYLINE_WINDOW_LINES):
            if len(text) > BYLINE_LINE_CHARS:
                continue
            if not _HAS_EXPLICIT_BY(text):
                # no explicit 'By' in it: none at the start of a part of it; a script without capitals states a
                # byline by its own words ('بقلم محمد علي', '作者：张三', '홍길동 기자')
                stated = other_script_byline(text) if other_scripts and not text.isascii() else None
                if stated is not None:
                    add("byline_text", stated)
                    if found["byline_text"].people:
                        break
                continue
            line = _byline_in_line(text) or ""
            # lines outside the main content are looser (teasers, captions, product names): only an
            # explicit 'By' / 'Von' / 'Par' before a capitalised name
            prefix_end = _EXPLICIT_BY(line)
            if prefix_end >= 0 and line[prefix_end:prefix_end + 1].isupper():
                add("byline_text", line)
                if found["byline_text"].people:
                    break
    if not any(entry.people for entry in found.values()):
        # a labelled byline further down the main content ('Text: Ursula Eggers', 'Autor: Klausmartin
        # Friedrich' under a long article); there only a label with its colon counts, not a bare 'Von'
        for block in blocks[BYLINE_BLOCKS:BYLINE_BLOCKS + LABELLED_BYLINE_BLOCKS]:
            if len(block) <= BYLINE_LINE_CHARS and _LABELLED_BYLINE(block) >= 0:
                add("labelled_byline", block)
                if found["labelled_byline"].people:
                    break
    if html and headline is not None and not any(entry.people for entry in found.values()):
        # nobody named yet: a link to a user's profile by the headline, the nearest first (a community site's
        # 'von <a href="/user/Marianne1.html">Marianne1</a>'), as a link to an author page
        links = profile_links(html, head.end, headline)
        for mark in _ordered_marks(links, headline):
            parsed = parse(mark.text, True)
            if parsed.people:
                _merge_byline(entry := found.setdefault("author_link", Byline([], [], [])), parsed)
                for other in people_pages_after(html, links, mark, BYLINE_SPAN):  # (a paper's authors: round 19)
                    _merge_byline(entry, parse(other.text, True))
                break
    if html and not any(entry.people for entry in found.values()):
        # still nobody: the writer's name alone in an emphasised paragraph closing the story (round 15)
        signed = closing_signature(html, blocks, parse)
        if signed is not None:
            _merge_byline(found.setdefault("signature", Byline([], [], [])), signed)
        else:  # a byline over the story's first paragraph further down than the first blocks (round 22)
            opening = story_byline(blocks, parse)
            if opening is not None:
                _merge_byline(found.setdefault("story_byline", Byline([], [], [])), opening)
    for kind in AUTHOR_EVIDENCE_ORDER:
        named = found.get(kind)
        if named and named.people:
            md.authors, md.authors_source = named.people[:10], kind
            break
    for kind in AUTHOR_EVIDENCE_ORDER:
        named = found.get(kind)
        if named:
            md.author_agencies.extend(a for a in named.agencies if a not in md.author_agencies)
            if kind in ("jsonld", "meta", md.authors_source):
                md.author_organisations.extend(o for o in named.organisations if o not in md.author_organisations)
