"""The JSON-LD objects of a page that its metadata reads: the article, the web page, the web site (`read_jsonld`),
and the people and organisations a value names (`ld_entities`). Pure row logic over the objects that
`dedup.text.markup.jsonld_from_bodies` parsed from the scripts `dedup.text.pagescan.scan_page` found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dedup.text.normalise import clean_text

# The schema.org types of a written story (lower case): Article, NewsArticle and its kinds, blog posts, reports. The one
# list the readers of JSON-LD start from; each adds what it also reads:
# - the metadata's article (`read_jsonld`, here): other works that have an author and a date (recipes, videos...);
# - the agency credits (`rights.attribution.jsonld_attribution`): these alone;
# - the licence (`rights.licence`): the web page and site too (their `license` covers the story);
# - `markup.is_article` (the release's `page_type`, and which objects come first) keeps an older, shorter list of
#   its own plus 'webpage': widening it changes `page_type` on real pages (a SocialMediaPosting object).
ARTICLE_TYPES = frozenset((
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "socialmediaposting", "scholarlyarticle", "report"))
_ARTICLE_TYPES = ARTICLE_TYPES | {"techarticle", "recipe", "review", "howto", "creativework", "videoobject",
                                  "podcastepisode", "discussionforumposting", "qapage", "medicalwebpage"}
_PAGE_TYPES = frozenset(("webpage", "itempage", "aboutpage", "profilepage", "collectionpage", "contactpage"))
# The names read from one JSON-LD value (`author`, `creator`, `publisher`: a list): its first MAX_LD_NAMES. A page keeps
# ten authors; the real pages measured list at most 2 (../shared/corpora), a physics paper a few thousand; each name
# costs ~40 us to parse as a byline, so 20,000 (300 KB of JSON) spent a page's whole extraction budget (round 12).
MAX_LD_NAMES = 100
_ORG_TYPES = frozenset(("organization", "newsmediaorganization", "corporation", "localbusiness", "ngo",
                        "educationalorganization", "governmentorganization", "onlinebusiness", "brand"))


# How pages write a schema.org type besides its bare name: as the type's URL or a compact IRI.
_SCHEMA_PREFIX = re.compile(r"(?:https?://(?:www\.)?schema\.org/|schema:)", re.I)


def type_name(t: str) -> str:
    """A JSON-LD `@type` string as schema.org names it: 'http://schema.org/NewsArticle',
    'https://schema.org/NewsArticle' and 'schema:NewsArticle' -> 'NewsArticle' (case kept); any other string as
    it is."""
    if ":" in t and (prefix := _SCHEMA_PREFIX.match(t)):  # (most types are bare names: no cost for them)
        return t[prefix.end():]
    return t


def ld_types(obj: dict) -> set[str]:
    """The types a JSON-LD object states, lower case, schema.org's URL prefix stripped (`type_name`): its `@type`
    string or every string of its `@type` list ({'newsarticle'} for 'NewsArticle' or 'https://schema.org/NewsArticle').
    The one reading of `@type` that the metadata, the licence, the attribution and `page_type` share."""
    t = obj.get("@type")
    if isinstance(t, str):  # (most objects: one type)
        return {type_name(t).lower()}
    return {type_name(x).lower() for x in t if isinstance(x, str)} if isinstance(t, list) else set()


@dataclass(slots=True)
class JsonLd:
    """The JSON-LD objects that matter: the article, the web page, the web site, and every object by `@id`."""
    article: dict | None
    page: dict | None
    website: dict | None
    ids: dict[str, dict]


def read_jsonld(objects: list[dict]) -> JsonLd:
    """The article, web page and web site objects among a page's JSON-LD objects (first of each kind)."""
    ids: dict[str, dict] = {}
    article = page = website = None
    for obj in objects:
        if isinstance(obj.get("@id"), str):
            ids.setdefault(obj["@id"], obj)
    for obj in objects:
        t = ld_types(obj)
        if article is None and t & _ARTICLE_TYPES:
            article = obj
        elif page is None and t & _PAGE_TYPES:
            page = obj
        elif website is None and "website" in t:
            website = obj
    return JsonLd(article, page, website, ids)


def _resolve(value: object, ids: dict[str, dict]) -> object:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return ids.get(value["@id"], value)
    return value


_NAME_LINK = re.compile(r"^\s*<a\s[^<>]*>([^<>]{1,100})</a>\s*$", re.I)


def _linked_names(names: list) -> list[str]:
    """A `name` listing several links, one per person (`"name": ["<a href=\"/experts/jane-doe\">Jane Doe</a>", …]`,
    as a CMS's schema module writes an article's authors): each link's text; [] for any other list, whose first name
    is the item's (another spelling or script of the same name: round 25)."""
    if len(names) < 2:
        return []
    found = []
    for n in names[:MAX_LD_NAMES]:
        match = _NAME_LINK.match(n) if isinstance(n, str) else None
        if match is None:
            return []
        found.append(clean_text(match[1]))
    return [n for n in found if n]


def ld_entities(value: object, ids: dict[str, dict]) -> list[tuple[str, str | None]]:
    """JSON-LD person / organisation value(s) -> [(name, 'person' | 'organization' | None)], of the first
    `MAX_LD_NAMES` items of a list."""
    out: list[tuple[str, str | None]] = []
    for item in value[:MAX_LD_NAMES] if isinstance(value, list) else [value]:
        item = _resolve(item, ids)
        if isinstance(item, str):
            if item.strip() and not item.strip().startswith(("http://", "https://")):
                out.append((clean_text(item), None))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                linked = _linked_names(name)
                if linked:
                    out += [(n, _entity_kind(item)) for n in linked]
                    continue
                name = next((n for n in name if isinstance(n, str)), None)
            if isinstance(name, dict):
                name = name.get("@value")
            if not isinstance(name, str) or not name.strip():
                given, family = item.get("givenName"), item.get("familyName")
                name = " ".join(x for x in (given, family) if isinstance(x, str)) or None
            if not name:
                continue
            out.append((clean_text(name), _entity_kind(item)))
    return out


def _entity_kind(item: dict) -> str | None:
    t = ld_types(item)
    return "organization" if t & _ORG_TYPES and "person" not in t else "person" if "person" in t else None
