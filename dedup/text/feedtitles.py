"""feedtitles: the site's name as its feed links state it, for a page that states it nowhere else (round 25).

A blog's head links its feeds, and the blog software titles them after the blog: Blogger `The Science of Sport -
Atom`, WordPress `Rand's Blog » Feed` and `Rand's Blog » <post> Comments Feed` (`» Flux`, `» Kommentar-Feed` in
other languages), older themes `PsyBlog RSS Feed`, `RSS Feed for Tim Ferriss`. Many pages that state no
`og:site_name` and no title part naming their host state one of these (183 of the text_quality corpora's pages,
docs/metadata.md round 24). The name is taken only where the page's `<title>` holds it as a whole part or it names the host, so a
feed of another site's (a partner's headlines) or a feed named after a section is not the site's name. Pure row
logic: `site_name_from_feeds(html, head_end, html_title, host) -> str | None`.
"""

from __future__ import annotations

import re

from dedup.text.markup import tag_attributes
from dedup.text.normalise import clean_text, fold_text
from dedup.text.titles import TITLE_SEPARATOR, names_host

_FEED_TYPE = re.compile(r"application/(?:rss|atom)\+xml", re.I)
# what a feed's title adds to the site's name: at its end ('X - Atom', 'X - RSS 2.0', 'X RSS Feed', 'X Feed',
# 'X (Atom)') or at its start ('RSS Feed for X', 'Flux RSS de X', 'Feed für X')
_FEED_SUFFIX = re.compile(r"(?:\s+[-–—|]\s+|\s+)\(?(?:(?:rss|atom)(?:\s*\d(?:\.\d+)?)?(?:\s+(?:feed|flux))?|"
                          r"feed|flux)\)?\s*$", re.I)
_FEED_PREFIX = re.compile(r"^(?:(?:rss|atom)\s+)?(?:feed|flux)\s+(?:(?:rss|atom)\s+)?(?:for|de|du|von|für|di|del|van|"
                          r"para|do|da)\s+", re.I)
# a feed's name after WordPress's ' » ' in the languages it is translated to ('Feed', 'Comments Feed', 'Kommentar-Feed',
# 'Flux des commentaires', 'Feed de comentarios', 'Reactiesfeed', 'Kanał z wpisami', 'Yorum beslemesi', 'Лента',
# 'Стрічка', 'コメントフィード', '评论Feed', 'خلاصة'): a name holding one of these as a word is no site's name either
_FEED_WORD = re.compile(r"\b(?:rss|atom|feed|flux|kanał|beslemesi|лента|стрічка)\b|フィード|订阅|訂閱|خلاصة", re.I)
_FEED_PART = re.compile(_FEED_WORD.pattern + r"|feed", re.I)
_WORDPRESS_SEPARATOR = re.compile(r"\s+»\s+")
MAX_FEED_LINKS = 20    # feed links read in a head (a blog has 2-4)
MAX_TAG_CHARS = 1000   # a <link> tag longer than this before its type is not read
MAX_NAME_WORDS = 8
MIN_TITLE_NAME_CHARS = 3  # a shorter name ('A - Atom') is taken only where it names the host
_BEFORE_COLON = re.compile(r"^([^:]{2,60}?):\s+\S")  # Blogger's '<blog>: <post>' (no space before the colon)


def _title_holds_name(name: str, html_title: str | None) -> bool:
    """The page's `<title>` holds the name as a whole part at a spaced separator ('A post | Rand's Blog') or, of 2+
    words, before its colon ('The Science of Sport: Pacing'); a name inside a word ('Sport' in 'Transport minister
    resigns') or a section's one word before a headline's colon ('World: Leaders meet') does not (review 24)."""
    key = fold_text(name)
    if not html_title or len(key) < MIN_TITLE_NAME_CHARS:
        return False
    if any(fold_text(part) == key for part in TITLE_SEPARATOR.split(html_title)):
        return True
    before_colon = _BEFORE_COLON.match(html_title)
    return before_colon is not None and len(name.split()) >= 2 and fold_text(before_colon[1]) == key


def _name_in_feed_title(title: str) -> str | None:
    """'The Science of Sport - Atom' -> 'The Science of Sport'; 'Rand's Blog » A post Comments Feed' -> "Rand's
    Blog"; 'RSS Feed for Tim Ferriss' -> 'Tim Ferriss'; 'RSS 2.0', 'Posts on Seth' -> None."""
    title = clean_text(title)
    if not title:
        return None
    parts = _WORDPRESS_SEPARATOR.split(title)
    if len(parts) >= 2 and _FEED_PART.search(parts[-1]):
        name = parts[0]  # WordPress: the site, then the feed ('Feed', 'Comments Feed', '<post> Comments Feed')
    else:
        name = _FEED_SUFFIX.sub("", title, count=1)
        if name == title:
            name = _FEED_PREFIX.sub("", title, count=1)
            if name == title:
                return None
    name = name.strip(" -–—|:»")
    if not name or _FEED_WORD.search(name) or len(name.split()) > MAX_NAME_WORDS or not fold_text(name):
        return None
    return name


def site_name_from_feeds(html: str, head_end: int, html_title: str | None, host: str) -> str | None:
    """The site's name from the titles of the feeds the head (`html` up to `head_end`) links (`<link rel="alternate"
    type="application/rss+xml" title="…">`), when the page's `<title>` holds it or it names the host."""
    # (the feeds' type is found by `str.find`, not a pattern over the head: a page without a site's name pays this)
    pos = html.find("+xml", 0, head_end)
    for _ in range(MAX_FEED_LINKS):
        if pos < 0:
            break
        start, end = html.rfind("<", max(0, pos - MAX_TAG_CHARS), pos), html.find(">", pos, head_end)
        pos = html.find("+xml", pos + 4, head_end)
        if start < 0 or end < 0 or html[start + 1:start + 5].lower() != "link":
            continue
        attrs_text = html[start + 5:end]
        if not _FEED_TYPE.search(attrs_text):
            continue
        attrs = tag_attributes(attrs_text)
        if "alternate" not in attrs.get("rel", "").lower():
            continue
        name = _name_in_feed_title(attrs.get("title", ""))
        if name and (_title_holds_name(name, html_title) or names_host(name, host)):
            return name
    return None
