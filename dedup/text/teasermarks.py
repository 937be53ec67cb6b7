"""teasermarks: author marks that sign other stories' teasers, not the page's story (round 25).

A news page lists other stories beside its own, each a linked heading and its writer's name in the same markup as
the story's byline (theatlantic.com's navigation: `<h4><a href="…">Life in Ohio, …</a></h4> <span class="author">
<a rel="author" href="/molly-ball/">Molly Ball</a></span>`, ten of them). Read as a byline, the marks of such a list
follow one another closely and were taken as one byline of ten people. A mark that stands right after a heading
whose text is a link, where that heading is not the page's headline, signs a teaser; when such marks follow two or
more headings they are a list of teasers and are not read (one alone may be a blog's post title linked to itself).
Pure row logic: `follows_linked_heading`, asked of a mark about to be read, then `teaser_mark_positions(html,
marks, headline) -> set[int]`, the page's marks that sign teasers; and `continues_byline` for a byline's next mark.
"""

from __future__ import annotations

import html as html_lib
import re

from dedup.text.pagescan import AuthorMark

_HEADING_END = re.compile(r"(</a>\s*)?</[hH][1-6]\s*>")  # (the group: the heading's text is a link)
TEASER_LOOKBACK = 300  # characters before a mark where a teaser's heading closes ('</a></h4> <span class=…>')
TEASER_LIST_HEADINGS = 2  # marks after this many teasers' headings make a list of teasers
_HEADLINE_SLACK = 50  # characters after the headline's place where its closing tags may stand


def _linked_heading_before(html: str, mark: AuthorMark, headline: tuple[int, int] | None) -> int:
    """Where the heading closing last before the mark, within TEASER_LOOKBACK characters, closes, when its text is a
    link and it is not the page's headline; -1 otherwise."""
    start = max(0, mark.pos - TEASER_LOOKBACK)
    if html.find("</", start, mark.pos) < 0:
        return -1
    last: re.Match[str] | None = None
    for last in _HEADING_END.finditer(html, start, mark.pos):
        pass
    if last is None or last[1] is None:
        return -1  # no heading just before the mark, or one that is no link
    if headline is not None and headline[0] <= last.start() <= headline[1] + _HEADLINE_SLACK:
        return -1  # the page's own headline, linked to itself
    return last.start()


def follows_linked_heading(html: str, mark: AuthorMark, headline: tuple[int, int] | None) -> bool:
    """The mark stands right after a linked heading that is not the headline (a teaser's, or a blog's post title)."""
    return _linked_heading_before(html, mark, headline) >= 0


def teaser_mark_positions(html: str, marks: list[AuthorMark], headline: tuple[int, int] | None) -> set[int]:
    """The positions of the marks that follow a linked heading other than the headline, when they follow
    TEASER_LIST_HEADINGS or more such headings (a list of teasers); set() otherwise."""
    found, headings = set(), set()
    for mark in marks:
        at = _linked_heading_before(html, mark, headline)
        if at >= 0:
            found.add(mark.pos)
            headings.add(at)
    return found if len(headings) >= TEASER_LIST_HEADINGS else set()


_TAG = re.compile(r"<[^<>]*>")
# what stands between two writers of one byline ('<a>X</a>, <a>Y</a> and <a>Z</a>', 'X | Y', 'X mit Y', 'X、Y',
# 'X и Y', 'X και Y')
_JOINER = (r"[\s,;&|/·•+、・，＆]|\b(?:and|und|et|y|e|en|og|och|i|with|mit|avec|con|by|von|par|por|и|і|та|και)\b|"
           r"[と和及및]")
_BYLINE_JOINERS = re.compile(rf"(?:{_JOINER})*", re.I)
_ENDS_IN_JOINER = re.compile(rf"(?:{_JOINER})*(?:(?![\s]){_JOINER})(?:{_JOINER})*$", re.I)
SHORT_BETWEEN_WORDS = 4  # a writer's beat, agency or place between two writers ('Health Reporter', 'in London')
_SENTENCE_END = re.compile(r"(?<=\w\w\w)[.!?](?=\s|$)|[。！？]")


def continues_byline(html: str, previous: AuthorMark, following: AuthorMark) -> bool:
    """Whether `following` names another writer of `previous`'s byline: between them stands nothing but joining words
    and marks, or a short text that ends in one ('Jane Doe, Health Reporter, and John Roe', 'X (Reuters) and Y'), not
    a blurb or another entry's text (a list of the site's columnists, each with its beat: `<td><a
    rel="author">Yoni Appelbaum</a><span>History, politics</span></td><td><a rel="author">Jack M. Balkin</a>`)."""
    between = " ".join(html_lib.unescape(_TAG.sub(" ", html[previous.pos:following.pos])).split())
    own = " ".join(previous.text.split())
    at = between.find(own) if own else -1
    if at >= 0:
        between = between[:at] + between[at + len(own):]
    if _BYLINE_JOINERS.fullmatch(between) is not None:
        return True
    if len(between.split()) > SHORT_BETWEEN_WORDS + 2 or _SENTENCE_END.search(between):
        return False
    tail = _ENDS_IN_JOINER.search(between)
    return tail is not None and len(between[:tail.start()].split()) <= SHORT_BETWEEN_WORDS
