"""pagetitle: the title decision of a page's metadata (`PageMetadata.title`, `headlines`): the metadata's titles
and the page's visible headlines (<h1>), which of them the page's title is and where its headline stands (the place
its byline and dates are read from) (docs/metadata.md)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dedup.text.bannerheading import links_home
from dedup.text.jsonld import JsonLd
from dedup.text.markup import first_str
from dedup.text.metadatarecord import PageMetadata
from dedup.text.normalise import clean_text, fold_text, word_list
from dedup.text.pagehead import Head
from dedup.text.pagescan import Body, subheading_place
from dedup.text.titles import (SEPARATOR_CHARS, SPACED_SEPARATORS, is_generic_title, names_host, strip_site,
                               strip_site_before_colon, strip_unspaced_site, title_rest, with_author_segment)
from dedup.text.wordcount import comparable_tokens, word_count


_GENERIC_TITLES = frozenset(fold_text(t) for t in (
    "home", "homepage", "home page", "startseite", "accueil", "inicio", "index", "menu", "navigation", "main menu",
    "search", "suche", "untitled", "welcome", "willkommen", "blog", "news", "aktuelles", "login", "404",
    "page not found", "skip to content", "zum inhalt springen", "main navigation", "hauptnavigation"))


def decide_title(md: PageMetadata, titles: _TitleEvidence) -> None:
    """Fill `md.title` from the weighed title evidence: the site's name and section cut, the page's own author kept."""
    _choose_title(md, titles)
    # the page's author named after the headline in its metadata title stays in the title, as the page names itself
    # ('Headline | Jane Doe'; 'Headline - Jane Doe - Medium' -> 'Headline - Jane Doe'): the issue drops the site
    if md.title and md.authors:
        for source, value in titles.candidates:
            kept = with_author_segment(md.title, value, md.site_name, md.authors, md.url_host)
            if kept:
                md.title, md.title_source = kept, source + "_with_author"
                return


def title_candidates(head: Head, ld: JsonLd) -> list[tuple[str, str]]:
    """The titles the head and the JSON-LD state, each with its source name, in the order they are weighed."""
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
    """The titles the metadata states and the page's visible headlines (`md.headlines`, `titled`), and of those the
    one a metadata title states (`stated`, with that title's source): read once, for the title and the headline's
    place."""
    candidates: list[tuple[str, str]]
    stated: tuple[str, str] | None  # (the <h1>'s text, the source of the title that states it)
    titled: list[str]  # the visible headlines that may be the title: `md.headlines` without the site's banner
    # (a subheading's text, the source of the title it closes or opens beside the only <h1>: `place_headline`)
    shown_rest: tuple[str, str] | None = None


def title_evidence(md: PageMetadata, body: Body, candidates: list[tuple[str, str]], html: str = "",
                   url: str | None = None) -> _TitleEvidence:
    """The title candidates and the visible headlines, weighed against the site's name and the page's generic titles
    (and, given the page and its URL, against the site's banner: an <h1> that only links home, `links_home`)."""
    site = md.site_name
    # the site's name with a generic phrase ('Yahoo News - Latest News & Headlines', its homepage's og:title
    # left on an article) loses to every other title and headline; taken only when the page offers nothing else
    site_generic = [(s, v) for s, v in candidates if is_generic_title(v, site, md.url_host)]
    if site_generic:
        candidates = [c for c in candidates if c not in site_generic]
    h1s = [(start, end, t) for start, end, t in body.h1 if t and len(t) <= 300 and fold_text(t) not in _GENERIC_TITLES
           and not _names_site(t, site, md.url_host) and not is_generic_title(t, site, md.url_host)]
    h1_texts = [t for _s, _e, t in h1s]
    if not candidates and not h1_texts:
        candidates = site_generic
    md.headlines = h1_texts
    # the site's banner is no title (round 23; it stays in `headlines`, which the headline's place and the text read)
    if html and h1s:
        h1_texts = [t for start, end, t in h1s if not links_home(html, start, end, url)]
    # the visible headline (<h1>) that a metadata title states whole, or opens or closes at a separator
    for h1 in h1_texts:
        h1_key, h1_word_list = fold_text(h1), word_list(h1)  # (once per headline, not once per candidate)
        for source, value in candidates:
            if h1_key == fold_text(value) or _is_segment(h1, value, site, md.url_host, h1_word_list):
                return _TitleEvidence(candidates, (h1, source), h1_texts)
    return _TitleEvidence(candidates, None, h1_texts)


def place_headline(html: str, head_end: int, body: Body, headlines: list[str], titles: _TitleEvidence) -> None:
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
        # (each rest with the first title that gives it: the candidates read last to first, the first kept)
        rests = {fold_text(rest): source for source, rest in
                 ((source, title_rest(h1, value)) for source, value in reversed(titles.candidates)) if rest}
        place = subheading_place(html, max(head_end, named[0][1]), set(rests)) if rests else None
        body.anchor = place or body.anchor
        if place is not None:
            titles.shown_rest = _shown_rest(html, place, rests)


def _choose_title(md: PageMetadata, titles: _TitleEvidence) -> None:
    site, candidates, h1_texts = md.site_name, titles.candidates, titles.titled
    # 1. the visible headline (<h1>) that a metadata title states whole, or opens or closes at a separator
    if titles.stated:
        md.title, md.title_source = titles.stated[0], "h1_in_" + titles.stated[1]
        return
    # 1b. the post's heading below the only <h1>, which a metadata title states beside that <h1> as its shorter
    # part ("Seth's Blog" over "It's easier to love a brand ...", titled "Seth's Blog: It's easier ..."): the <h1>
    # is the site's or blog's name (round 23)
    if titles.shown_rest:
        md.title, md.title_source = titles.shown_rest[0], "subheading_in_" + titles.shown_rest[1]
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
        if stripped == value:  # 'Blog: Post' (round 25)
            stripped = strip_site_before_colon(value, site, md.url_host)
        md.title = stripped
        md.title_source = source if stripped == value else source + "_without_site"
        return
    if h1_texts:
        md.title, md.title_source = h1_texts[0], "h1"


def _shown_rest(html: str, place: tuple[int, int], rests: dict[str, str]) -> tuple[str, str] | None:
    """The text of the subheading at `place` and the source of the first title whose rest it is."""
    start, end = place
    inner = html[html.find(">", start) + 1:html.rfind("</", start, end)]
    text = clean_text(inner)
    source = rests.get(fold_text(text))
    return (text, source) if source else None


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

