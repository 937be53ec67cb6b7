"""sitename: the site-name decision of a page's metadata (`PageMetadata.site_name`, `publisher`): og:site_name,
the JSON-LD publisher and WebSite, the other <meta> names of the site, else the <title> part that names the host,
else the name the head's feed links are titled with (`feedtitles`, round 25), else the site's Twitter account
(docs/metadata.md)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from dedup.text.feedtitles import site_name_from_feeds
from dedup.text.jsonld import JsonLd, ld_entities
from dedup.text.metadatarecord import PageMetadata
from dedup.text.normalise import clean_text, fold_text
from dedup.text.pagehead import Head
from dedup.text.titles import names_host

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


def site_label(host: str) -> str | None:
    """'sport.aktualne.cz' -> 'aktualne', 'news.bbc.co.uk' -> 'bbc': the name part of a host."""
    labels = host.split(".")
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "org", "net", "ac", "gov", "or", "ne"):
        return labels[-3]
    return labels[-2]


def _is_platform(name: str) -> bool:
    return fold_text(name) in PLATFORM_NAMES


def decide_site_name(md: PageMetadata, head: Head, ld: JsonLd, url: str | None, html: str = "") -> None:
    """Fill `md.site_name` and `md.publisher` from og:site_name, the JSON-LD publisher, the title, the feed links (of
    `html`'s head), the handles."""
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
        if source == "og_site_name" and is_section_name(value, host, head, ld, url):
            continue  # 'Politics' on a paper's politics page: its section, not the site (round 26)
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
    if md.site_name is None and html:
        # 'The Science of Sport - Atom', "Rand's Blog » Feed": a blog's feeds are titled with its name (round 25)
        feed_name = site_name_from_feeds(html, head.end, head.html_title, host)
        if feed_name:
            md.site_name, md.site_name_source = feed_name, "feed_title"
    if md.site_name is None:
        # the site's Twitter account, when it is the host's name ('@GitLab' on about.gitlab.com)
        handle = next(iter(head.meta.get("twitter:site", [])), "").strip().lstrip("@")
        if handle and fold_text(handle) == fold_text(site_label(host)):
            md.site_name, md.site_name_source = handle, "twitter_site"
    publisher = None
    if article_publishers:  # (read once above: `ld_entities` is a pure reading of the objects)
        publisher = article_publishers[0][0]
        md.publisher_is_person = article_publishers[0][1] == "person"
    md.publisher = publisher or md.site_name


def is_section_name(value: str, host: str, head: Head, ld: JsonLd, url: str | None = None) -> bool:
    """Whether a page's og:site_name is the section it belongs to, not the site: the section the page states
    (`article:section`, the JSON-LD article's `articleSection`), or a part of its <title> that a later part naming the
    host follows ('Headline | Danger Room | Wired.com') and that is a folder of the page's URL ('/dangerroom/'), and
    neither naming the host nor holding its name's word (round 26; the URL's folder since the lead's review fix: a
    paper's name the host spells otherwise, '| Süddeutsche Zeitung | sueddeutsche.de', is no section)."""
    label = site_label(host)
    if names_host(value, host) or (label and any(fold_text(word) == label for word in value.split())):
        return False  # ('Yle Uutiset' on yle.fi, whose <title> closes '| Yle Uutiset | yle.fi')
    key = fold_text(value)
    stated = ld.article.get("articleSection") if ld.article is not None else None
    sections = [*head.meta.get("article:section", ()), *([stated] if isinstance(stated, str) else
                                                          stated if isinstance(stated, list) else ())]
    if any(isinstance(section, str) and fold_text(section) == key for section in sections):
        return True
    if not url_folders(url, key):
        return False
    parts = [p for p in _SEPARATORS.split(head.html_title or "") if p]
    return any(fold_text(part) == key and any(names_host(later, host) for later in parts[i + 1:])
               for i, part in enumerate(parts[:-1]))


_NOT_WORD = re.compile(r"[\W_]+")


def url_folders(url: str | None, key: str) -> bool:
    """Whether a folder of `url`'s path spells the folded name `key` (its words run together or joined by '-'/'_':
    'danger room' in '/dangerroom/2012/11/…')."""
    if not url:
        return False
    try:
        path = urlsplit(url).path
    except ValueError:  # ('http://[::1': urllib refuses a broken IPv6 host)
        return False
    want = _NOT_WORD.sub("", key)
    return bool(want) and any(_NOT_WORD.sub("", fold_text(folder)) == want for folder in path.split("/")[:-1])


def _site_name_core(value: str, host: str, html_title: str | None) -> str:
    """'Aktuálně.cz - Víte, co se právě děje' -> 'Aktuálně.cz': a tagline after a name that names the
    host is dropped, unless the page's own <title> carries the name with its tagline."""
    parts = [p for p in _TAGLINE_SEPARATORS.split(value) if p.strip()]
    if len(parts) >= 2 and names_host(parts[0], host) and not names_host(parts[1], host) \
            and not (html_title and fold_text(value) in fold_text(html_title)):
        return parts[0].strip()
    return value
