"""Links to the page's writer where nothing else names one (docs/metadata.md, orders of evidence): a user's or
member's profile near the headline (round 12), the site's own page of one person (round 19). Moved out of
`text/metadata.py` in round 19, which reads them last, before a closing signature."""

from __future__ import annotations

import re

from dedup.text.markup import tag_attributes
from dedup.text.commentsections import comments_start
from dedup.text.headlineregion import MAX_AUTHOR_MARKS, WINDOW_BEFORE
from dedup.text.pagescan import AuthorMark

PROFILE_LINK_AFTER = 8000  # how far below the headline a link to the writer's profile is looked for
# a user's own page: '/profile/142450', '/user/Marianne1.html' (not a page below it: '/profile/142450/fictions')
_PROFILE_PAGE = re.compile(r"/(?:user|users|profile|profil|members?)/([^/?#\"']+?)(?:\.html?)?/?(?:[?#].*)?$", re.I)
# or the site's own page of one person, the address relative (round 19: '/people/i-grzegory.html'; not a partner's
# '//people.com/people/stylewatch', nor a page below a person's '/people/jdoe/2012/11/07/story.html')
_OWN_PERSON_PAGE = re.compile(r"/(?!/)(?:[^?#]*/)?people/[^/?#]+/?$", re.I)


def _is_profile_of(href: str, text: str) -> bool:
    """Whether a link to `href` with the text `text` names a user: the page is a user's own, its id a number
    ('/profile/142450': delta201) or the text itself, one word ('/user/Marianne1.html'); not a menu's page
    ('/user/memberlist': Member List, '/profile/favorites': Followed Teams, '/user/login')."""
    m = _PROFILE_PAGE.search(href)
    if m is None:
        return _OWN_PERSON_PAGE.match(href) is not None
    segment = m.group(1)
    if any(c.isdigit() for c in segment) and not any(c.isalpha() for c in segment):
        return True
    text = text.strip()
    return bool(text) and not any(c.isspace() for c in text) and text.casefold() == segment.casefold()


def profile_links(html: str, start: int, anchor: tuple[int, int]) -> list[AuthorMark]:
    """Links to a user's or member's profile near the headline ('<a href="/profile/142450">delta201</a>' beside a
    chapter's title, 'von <a href="/user/Marianne1.html">Marianne1</a>' in a recipe's profile box), up to the
    comments, in page order (kind author_link): the writer a community site names only so. `author_marks` finds
    a link by the word 'author' in it."""
    begin, stop = max(start, anchor[0] - WINDOW_BEFORE), min(len(html), anchor[1] + PROFILE_LINK_AFTER)
    marks: list[AuthorMark] = []
    seen: set[int] = set()
    # (the words, not '/user': a page may write the link's slashes as entities, which the attribute's reading decodes:
    # kochbar.de's 'https&#x3A;&#x2F;&#x2F;www.kochbar.de&#x2F;user&#x2F;Marianne1.html', round 16; '/people/' since
    # round 19: a needle costs ~0.5% on pages naming nobody, and '/writers/', '/staff/', '/contributors/' gained none)
    for needle in ("user", "profil", "member", "/people/"):
        pos = html.find(needle, begin, stop)
        while pos >= 0 and len(marks) < MAX_AUTHOR_MARKS:
            lt = html.rfind("<", max(start, pos - 600), pos)
            if lt >= 0 and lt not in seen and html.find(">", lt, pos) < 0 and html.startswith(("<a ", "<A "), lt):
                seen.add(lt)
                gt = html.find(">", lt, lt + 3000)
                if gt > 0:
                    mark = AuthorMark("author_link", lt, html, gt, "a", None, False)
                    if _is_profile_of(tag_attributes(html[lt + 2:gt]).get("href", ""), mark.text):
                        marks.append(mark)
            pos = html.find(needle, pos + len(needle), stop)
    if marks:  # none in the comments (a commenter's link): cut where they open, looked for only now
        comments = comments_start(html, begin, max(m.pos for m in marks) + 1)
        marks = [m for m in marks if m.pos < comments]
    marks.sort(key=lambda m: m.pos)
    return marks


def people_pages_after(html: str, links: list[AuthorMark], mark: AuthorMark, span: int) -> list[AuthorMark]:
    """The links to people's own pages right after `mark`, each within `span` characters of the one before: the rest
    of a byline of several ('<a href="/people/i-grzegory.html">I. Grzegory</a>, <a href="/people/m-bockowski.html">…'),
    in page order."""
    out: list[AuthorMark] = []
    last = mark.pos
    for other in links:
        if last < other.pos <= last + span and _OWN_PERSON_PAGE.match(
                tag_attributes(html[other.pos + 2:other.start_tag_end]).get("href", "")):
            out.append(other)
            last = other.pos
    return out
