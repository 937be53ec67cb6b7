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

from urllib.parse import urljoin, urlsplit

from dedup.text.jsonld import JsonLd, read_jsonld
from dedup.text.markup import jsonld_from_bodies
from dedup.text.metadatarecord import PageMetadata
from dedup.text.normalise import clean_text, site_host, without_userinfo
from dedup.text.pageauthors import decide_authors
from dedup.text.pagedates import decide_dates
from dedup.text.pagehead import Head, read_head
from dedup.text.pagescan import Body, scan_page
from dedup.text.pagetitle import decide_title, place_headline, title_candidates, title_evidence
from dedup.text.quotedposts import without_embedded_posts
from dedup.text.sitename import decide_site_name


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
    decide_site_name(md, head, ld, url, html or "")
    titles = title_evidence(md, body, title_candidates(head, ld), html or "", url)
    # (before every reader of the headline's region: authors, dates)
    place_headline(html or "", head.end, body, md.headlines, titles)
    decide_authors(md, html, head, ld, body, blocks)
    decide_title(md, titles)
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
