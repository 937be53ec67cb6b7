"""bannerheading: an <h1> that is the site's banner, not the page's headline (docs/metadata.md, round 23).

A blog theme or a site template sets the site's (or a section's) name in an <h1> whose whole content is a link to
the site's front page or to the section the page sits in (`<h1 id="banner-header"><a href="http://www.webinknow.com/">
Web Ink Now</a></h1>`, `<h1 class="blog-header-text"><a href="/blog">The White House Blog</a></h1>` on
`/blog/2012/07/23/…`). A headline links to nothing, or to the page itself; a link home or up is the banner's. On the
front page itself, whose <h1> names that page, the rule says nothing.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from dedup.text.normalise import site_host

# the <h1>'s whole content: one link, nothing outside it but white space
_ONE_LINK = re.compile(r"\s*<a\s[^>]*?\bhref\s*=\s*[\"']?([^\"'\s>]+)[^>]*>((?:(?!</?a[\s>]).)*)</a\s*>\s*",
                       re.I | re.S)


def links_home(html: str, start: int, end: int, url: str | None) -> bool:
    """The <h1> at html[start:end] holds only a link to a site's front page, or to a page above `url` on its site
    (its section, a blog's front page under the site)."""
    gt = html.find(">", start, end)
    close = html.rfind("</", start, end)
    if gt < 0 or close <= gt:
        return False
    m = _ONE_LINK.fullmatch(html, gt + 1, close)
    if m is None:
        return False
    try:
        target = urlsplit(urljoin(url or "", m[1].replace("&amp;", "&")))
        page = urlsplit(url or "")
    except ValueError:
        return False
    if target.query or target.fragment or target.scheme not in ("http", "https", ""):
        return False
    path, page_path = target.path.rstrip("/"), page.path.rstrip("/")
    if not page_path:
        return False  # the front page itself: its <h1> names the page it is on
    if not path:
        return True  # a site's front page
    if not page.hostname or site_host(page.hostname) != site_host(target.hostname or ""):
        return False
    return page_path.startswith(path + "/")
