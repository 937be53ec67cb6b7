"""commentwidgets: lines quoting the reader comments of the site's other pages (a "recent comments" box).

Many blogs show, beside every story, the last comments written anywhere on the site: one entry per comment, each a
link to that comment on its own page (`<a href="/other-story/#comment-18994">c1ph4</a>: Hija, Neil! ...`). The
main-content pass may keep such a box with the story; its entries are neither this page's story nor its readers'
comments (which the product leaves out too). What marks them is the link, whatever the language: an anchor to a
comment (`#comment-N`, `#commentN`) on another page of the page's own site (`markup.SiteLinks.same_site`). A kept
line is such an entry when it opens with that link's text followed by ':' (the commenter, then the comment's
start) or ends with it (the commenter "on"/"bei"/"sur" the other story's title), and only on a page that links to
comments of other pages at least MIN_COMMENT_LINKS times (a box lists several; one sentence citing one comment is no
box). Links to the page's own comments are no evidence here: those comments are left out already (round 31).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dedup.text.markup import SiteLinks, anchor_close, anchor_open, tag_attributes
from dedup.text.normalise import clean_text

OTHER_PAGE_COMMENT = "other_page_comment"  # a kept line quoting a reader comment of another page of the site
MIN_COMMENT_LINKS = 2
MAX_ANCHOR_CHARS = 300  # how far back an anchor's start tag, and on its end tag, is looked for
# a page's comment links read at most (a box lists a few), and its '#comment' marks looked at: every step is bounded
# (MAX_ANCHOR_CHARS), so a page of nothing but marks costs a bounded time too
MAX_COMMENT_LINKS = 200
MAX_COMMENT_MARKS = 2000
_COMMENT_FRAGMENT = re.compile(r"#comment-?\d+\Z", re.I)


def comment_link_texts(html: str, links: SiteLinks) -> list[str]:
    """The texts of the page's links to a reader comment on another page of its own site (`#comment-N`), in page
    order. Found by the fragment, not by a pattern tried at every tag: a page without '#comment' costs one scan."""
    texts: list[str] = []
    pos = html.find("#comment")
    for _ in range(MAX_COMMENT_MARKS):
        if pos < 0 or len(texts) >= MAX_COMMENT_LINKS:
            break
        start = anchor_open(html, max(0, pos - MAX_ANCHOR_CHARS), pos)
        gt = html.find(">", pos, pos + MAX_ANCHOR_CHARS) if start >= 0 else -1
        if gt > 0 and "<" not in html[start + 1:gt]:
            href = tag_attributes(html[start + 3:gt]).get("href", "")
            end = anchor_close(html, gt, gt + MAX_ANCHOR_CHARS) if _COMMENT_FRAGMENT.search(href) else -1
            if end > 0 and links.same_site(href):
                text = clean_text(html[gt + 1:end])
                if text:
                    texts.append(text)
        pos = html.find("#comment", pos + 8)
    return texts


def other_page_comment_lines(kept: Sequence[str], html: str, links: SiteLinks,
                             judged: Sequence[int] | None = None) -> list[int]:
    """The positions in `kept` (among `judged`: None, all) of the lines that quote a reader comment of another page
    of the site: they open with such a link's text and ':' or end with it (module docstring)."""
    if "#comment" not in html:
        return []
    texts = comment_link_texts(html, links)
    if len(texts) < MIN_COMMENT_LINKS:
        return []
    marks = set(texts)
    found = []
    for k in range(len(kept)) if judged is None else judged:
        line = kept[k]
        head, colon, _ = line.partition(":")
        if (colon and head.strip() in marks) or any(line.endswith(" " + text) for text in marks):
            found.append(k)
    return found
