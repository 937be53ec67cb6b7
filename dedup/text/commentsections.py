"""commentsections: where a page's readers' comments stand, by linear scans over the page text (no DOM walk).

Two owners' questions about one rule, the class or id that names a comment section: where the first comment
section opens in a stretch of the page (`comments_start`: the date lines below the headline and the profile links
stop there), and whether an author mark stands inside one (`comment_container`, kept per page by
`CommentSections`: such a mark names a commenter, not the story's writer; round 17). Read for
`dedup.text.metadata`, `dedup.text.pagedatelines` and `dedup.text.profilelinks`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

from dedup.text.pagescan import TAG_GT_CHARS, start_tag

# (the word 'comment' stands in the value of a tag's id or class attribute, which this reaches up to its end)
_IN_ID_OR_CLASS = re.compile(rb"""\s(?:id|class)\s*=\s*["']?[^"'<>=]*\Z""")


# a count of the comments or a link to them, by the headline ('kb-tip-performance-comment-icon', 'comments-link',
# 'comment-count'), is no comment section (round 16)
_COMMENT_COUNTER = re.compile(rb"[-_](?:icon|count|counter|number|num|link|links|button|btn|bubble)\b")


def _is_word_byte(b: bytes) -> bool:
    return b.isalnum() or b == b"_"


def comments_start(html: str, begin: int, stop: int) -> int:
    """Where a comment section opens in html[begin:stop]: the first tag whose id or class holds the word
    'comment(s)' ('comment-47467', 'comments', 'commentlist', 'comment-list'); `stop` when none does. The word is
    found in a latin-1 lower-cased copy ('?' for any other character: positions kept, as `_date_marks` does), not by
    a pattern that tries every tag (~18 µs for 1,000 characters)."""
    low = html[begin:stop].encode("latin-1", "replace").lower()
    hit = low.find(b"comment")
    while hit >= 0:
        lt = low.rfind(b"<", 0, hit)
        after = hit + 7
        if low.startswith(b"s", after):
            after += 1
        elif low.startswith(b"list", after):
            after += 4
        word = not _is_word_byte(low[hit - 1:hit]) and not _is_word_byte(low[after:after + 1])
        if word and lt >= 0 and low.find(b">", lt, hit) < 0 and _IN_ID_OR_CLASS.search(low, lt, hit) is not None \
                and _COMMENT_COUNTER.match(low, after) is None:
            return begin + lt
        hit = low.find(b"comment", hit + 7)
    return stop


# --------------------------------------------------------------------------------------------------
# a reader's comment: the author marks inside a comment section name a commenter, not the story's writer (round 17)

COMMENT_REACH = 20000  # how far back from an author mark the comment that holds it is looked for
# at most this many start tags holding a comment word are read back from a mark (a comment's permalink, its reply
# link and its status boxes before the container of a comment thread: ~5 a comment on cbsnews.com), and at most
# MAX_CONTAINER_CHECKS comment containers are followed to their end
MAX_COMMENT_TAGS, MAX_CONTAINER_CHECKS = 100, 8
# the part every spelling of the word holds ('Comment', 'commentList', 'userComments', 'dsq-comment' of Disqus), found
# with `str.rfind` in the page as it is, without a lower-cased copy; 'reply', 'discussion' and 'disqus_thread' as
# section names brought no page of the corpora that 'comment' did not (round 17)
_COMMENT_NEEDLE = "omment"
_TOKEN_EDGES = (" ", '"', "'", "=", ">", "\n", "\t")
# the words of a class or id token that name a section of readers' comments or one comment ('comment-author',
# 'commentlist', 'comment-body', 'userComments'); 'commentary' is another word ('article-commentary')
_COMMENT_WORDS = frozenset(("comment", "comments", "commentlist"))
# a word beside them that makes the token a state of the page or a link to the comments, no section of them
# ('no-comments' or 'comments-open' on the story's wrapper, 'comment-count', 'comments-link', 'reply-button')
_NOT_CONTAINER_WORDS = frozenset(("no", "open", "closed", "enabled", "disabled", "off", "has", "allowed", "count",
                                  "counter", "number", "num", "link", "links", "button", "btn", "bubble", "icon"))
# a comment by the post's own author, as WordPress ('bypostauthor' on the comment) and Blogger ('blog-author' on the
# commenter's name) mark it: its name is the story's writer's
_POST_AUTHOR_TOKENS = frozenset(("bypostauthor", "blog-author"))
_CLASS_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")  # camel case split: 'userComments' -> user, Comments
# the word stands in the value of the tag's class or id attribute, which this reaches up to its end
_IN_CLASS_OR_ID = re.compile(r"""\s(?:id|class|ID|CLASS|Id|Class)\s*=\s*["']?[^"'<>=]*\Z""")
_NOT_CONTAINER_TAGS = frozenset(("html", "body", "script", "style", "link", "img", "meta", "input", "a"))


def _class_tokens(attrs: dict[str, str]) -> list[str]:
    return (attrs.get("class", "") + " " + attrs.get("id", "")).lower().split()


def is_comment_container(attrs: dict[str, str]) -> bool:
    """Does a tag's class or id name a comment section or a comment (`_COMMENT_WORDS`, read word by word)?"""
    for token in (attrs.get("class", "") + " " + attrs.get("id", "")).split():
        words = {word.lower() for word in _CLASS_WORD.findall(token)}
        if not words.isdisjoint(_COMMENT_WORDS) and words.isdisjoint(_NOT_CONTAINER_WORDS):
            return True
    return False


@lru_cache(maxsize=64)
def _open_or_close(name: str) -> re.Pattern[str]:
    # its lower and upper case spelt out, not re.I: the pattern then opens with a literal '<' that `re` scans for fast
    return re.compile(r"<(/?)(?:%s|%s)(?=[\s>/])" % (re.escape(name), re.escape(name.upper())))


_TAG_STEP = {"": 1, "/": -1}.__getitem__  # a start tag opens one more element of the name, an end tag closes one


def depth_at(html: str, name: str, start: int, stop: int, depth: int) -> int:
    """How deep elements `name` are nested at `stop`, `depth` deep at `start`; 0 once the count of their start tags
    less their end tags falls to 0 between (the element open at `start` closed). The running sum in C: a Python loop
    over the <div>s of 17,000 characters cost ~20 µs."""
    running = list(accumulate(map(_TAG_STEP, _open_or_close(name).findall(html, start, stop)), initial=depth))
    return running[-1] if min(running) > 0 else 0


def comment_container(html: str, pos: int, headline: int = -1) -> tuple[str, int] | None:
    """The element around the tag at `pos` whose class or id names a comment section (`is_comment_container`):
    (its name, where its start tag ends), else None. A backwards scan, no DOM: the places within COMMENT_REACH before
    it where a comment word stands inside a start tag, nearest first; of the containers whose element is still open
    at `pos` (as many end tags of its name as start tags after it: exact for well-formed markup), the outermost. A
    comment by the post's author (`_POST_AUTHOR_TOKENS` on the mark or around it) and an element that links to the
    comment section (a story's meta line) are none. A mark below the headline that starts at `headline` is looked at
    back to it only: an element around the story's headline is no readers' comment (and a byline under the headline
    costs a few hundred characters, not COMMENT_REACH)."""
    own_end = max(pos, html.find(">", pos, pos + TAG_GT_CHARS))
    if any(html.find(token, pos, own_end) >= 0 for token in _POST_AUTHOR_TOKENS):
        return None
    lo = max(0, pos - COMMENT_REACH, headline if headline < pos else 0)
    seen: set[int] = set()
    checks, inside = 0, None
    at = html.rfind(_COMMENT_NEEDLE, lo, pos)
    while at >= 0 and len(seen) < MAX_COMMENT_TAGS:
        hit, at = at, html.rfind(_COMMENT_NEEDLE, lo, at)
        lt = html.rfind("<", lo, hit)
        if lt < 0 or lt in seen or html.find(">", lt, hit) >= 0:
            continue  # in the text, not inside a start tag
        seen.add(lt)
        if _IN_CLASS_OR_ID.search(html, lt, hit) is None:
            continue  # in another attribute (a permalink's title, a form field's name): the tag is not read
        # the word's own token first ('comment-count', 'newcommentstatus' are none): most tags are not read whole
        start = max(html.rfind(c, lt, hit) for c in _TOKEN_EDGES) + 1
        ends = [e for e in (html.find(c, hit, hit + 200) for c in _TOKEN_EDGES) if e >= 0]
        if not ends or not is_comment_container({"class": html[start:min(ends)]}):
            continue
        found = start_tag(html, lt, _NOT_CONTAINER_TAGS)
        if found is None or found[1] >= pos or not is_comment_container(found[2]):
            continue
        name, gt, _ = found
        # still open; a comment by the post's author, or an element that links to the comment section (a story's
        # meta line, '<div class="Comment">Written by ... <a href="...#comments">Leave a Comment</a>') is none
        if depth_at(html, name, gt + 1, pos, 1):
            if not _POST_AUTHOR_TOKENS.isdisjoint(_class_tokens(found[2])):
                return None  # ('<li class="comment bypostauthor">' around the comment's '<article class="comment">')
            if html.find("#comments", gt, pos) < 0:
                inside = name, gt  # the outermost found: the section, which `CommentSections` keeps for the next marks
        checks += 1
        if checks >= MAX_CONTAINER_CHECKS:
            break
    return inside


class CommentSections:
    """The comment sections found around one page's author marks, kept so that a mark after one inside a section
    it still holds is known to be inside without another scan: a thread of 60 commenters costs one scan, then a
    count of the container's tags up to each next mark."""

    def __init__(self, html: str, headline: int) -> None:
        self.html, self.headline = html, headline
        self.known: list[list] = []  # [name, where its start tag ends, its depth at `upto`, upto]: open there

    def known_to_hold(self, pos: int) -> bool:
        """Does a section already found hold `pos` (no scan for new ones; a comment by the post's author aside)?"""
        html = self.html
        for entry in self.known:
            name, gt, depth, upto = entry
            if gt >= pos:
                continue
            if pos > upto:
                entry[2], entry[3] = depth_at(html, name, upto, pos, depth), pos
                if entry[2] == 0:
                    self.known.remove(entry)
                    return False
            if html.rfind("bypostauthor", max(gt, pos - COMMENT_REACH // 4), pos) >= 0:
                return False  # (read again by `holds`)
            return True
        return False

    def holds(self, pos: int) -> bool:
        """Is the mark at `pos` inside a comment section (`comment_container`)?"""
        if self.known_to_hold(pos):
            return True
        found = comment_container(self.html, pos, self.headline)
        if found is not None:
            self.known.append([found[0], found[1], 1, found[1] + 1])
        return found is not None
