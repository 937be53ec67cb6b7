"""quotedposts: the social posts a page embeds (a Facebook post, an Instagram post, a tweet, a TikTok video) are
quotes of someone else; their names and dates are never the page's authors or published date.

An embed's code writes the post into the page as a `<blockquote>`: its class names the network (`twitter-tweet`,
`instagram-media`, `tiktok-embed`, `fb-xfbml-parse-ignore`, or Facebook's `<div class="fb-post">` right around it),
its `cite` is the post's address, and a line under the post names who posted it and when ("— Jane Doe (@jdoe)
February 6, 2022", "A post shared by Jane Doe (@jdoe)", "Posted by Jane Doe on Sunday, February 6, 2022").
`without_embedded_posts` blanks such blockquotes (where they open: the page scan, `pagescan.scan_page`) out of the
markup the metadata readers scan (offsets kept) and drops their lines from the main-content blocks they read: a
blockquote by its class, its `cite`, or Instagram's or Facebook's line inside it (a blog's own 'Posted by … on
Sunday, …' outside a quote stays its byline). `is_post_header` tells Instagram's line where the markup is gone. An
`<iframe>` embed (YouTube, a Facebook plugin) holds no text of the post in the page: nothing there to read. Used by
`dedup.text.metadata` (docs/metadata.md, round 13).
"""

from __future__ import annotations

import html as html_lib
import re

from dedup.text.byline import WEEKDAYS
from dedup.text.markup import tag_attributes
from dedup.text.normalise import MARKUP_TAG, caseless_finder
from dedup.text.pagescan import Body

# the classes the networks' embed code gives the post's blockquote (or the element right around it); `embeds` puts
# the text of two of them back into the kept text
EMBED_CLASSES = frozenset(("twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "fb-post",
                           "fb-video", "fb-comment-embed", "fb-xfbml-parse-ignore"))
# the post's address as the blockquote's source
_POST_ADDRESS = re.compile(r"https?://(?:[\w-]+\.)*(?:facebook\.com|instagram\.com|twitter\.com|x\.com|"
                           r"tiktok\.com)/", re.I)
# the line Instagram's embed code writes under a post, in the languages of its embed code
_SHARED_BY = (r"(?:^|\s)(?:a\s+post\s+shared\s+by|ein\s+beitrag\s+geteilt\s+von|une\s+publication\s+partagée\s+par|"
              r"una\s+publicación\s+compartida\s+(?:de|por)|un\s+post\s+condiviso\s+da|een\s+bericht\s+gedeeld\s+door|"
              r"uma\s+publicação\s+compartilhada\s+por)\s")
_shared_by = caseless_finder(_SHARED_BY)
_SHARED_WORD = re.compile("shared|geteilt|partagée|compartida|condiviso|gedeeld|compartilhada")  # as the code writes it
# ... and the one Facebook's writes (a blog's own 'Posted by … on Sunday, …' outside a quote stays a byline)
_FACEBOOK_HEADER = re.compile(r"(?:^|\n)\s*(?:posted\s+by|gepostet\s+von)\s+[^\n]{1,80}?\s(?:on|am)\s+(?:"
                              + WEEKDAYS + r")\b", re.I)
# words one of those lines holds as the embed code writes them: a plain search before the patterns (one pattern
# rather than a `str.find` each: on text that is not ASCII each ASCII word would be widened first, ~0.6 µs a word)
_HEADER_WORD = re.compile("shared by|geteilt von|partagée par|compartida|condiviso da|gedeeld door|compartilhada por|"
                          "osted by|OSTED BY|epostet von")
# what a start tag holds that names an embed by its class or its source
_START_TAG_HINTS = ("twitter-", "instagram-", "tiktok-", "fb-", "facebook.com", "instagram.com", "twitter.com",
                    "x.com", "tiktok.com")
HEADER_TAIL_CHARS = 2000  # how far before a blockquote's end the line under its post is looked for
_BLOCK_TAG = re.compile(r"<(?:/?(?:p|div|br|blockquote|li|ul|ol|h[1-6]|section|figure|figcaption|table|tr|td|"
                        r"header|footer)\b)[^>]*>", re.I)
MAX_POST_CHARS = 20_000  # a blockquote that does not end within this many characters is not read as a post
MAX_POSTS = 100  # the blockquotes of a page read (`pagescan.MAX_QUOTES` are found)


def is_post_header(line: str) -> bool:
    """Whether `line` holds the line Instagram's embed code writes under a post ('A post shared by Jane Doe (@jdoe)',
    'Ein Beitrag geteilt von …'): never a byline or a date line of the page. (Its word in lower case first, as the
    code writes it: a case-sensitive search, the case-folded pattern only where one stands.)"""
    return _SHARED_WORD.search(line) is not None and _shared_by(line)


def without_embedded_posts(html: str, body: Body, blocks: list[str]) -> tuple[str, list[str]]:
    """`html` with the embedded posts among its blockquotes (`body.quotes`) blanked out (each character of one a
    space: every offset stays) and `blocks` without their lines, their `<time>`s taken out of `body.times`; both as
    they are when none is a post."""
    spans = _post_spans(html, body.quotes)
    if not spans:
        return html, blocks
    lines: set[str] = set()
    pieces: list[str] = []
    done = 0
    for begin, end in spans:
        lines.update(_post_lines(html[begin:end]))
        pieces += (html[done:begin], " " * (end - begin))
        done = end
    pieces.append(html[done:])
    body.times = [t for t in body.times if not any(begin <= t[0] < end for begin, end in spans)]
    # (blocks are white-space-normalised as `_post_lines` makes the lines: compared as they are, no block split again,
    # which costs ~10 ns a character on text that is not ASCII)
    return "".join(pieces), [b for b in blocks if b not in lines]


def _post_spans(html: str, quotes: list[int]) -> list[tuple[int, int]]:
    """Where the embedded posts among the blockquotes opening at `quotes` stand, in page order (one inside another
    inside the outer one)."""
    spans: list[tuple[int, int]] = []
    done = 0
    for pos in quotes[:MAX_POSTS]:
        gt = html.find(">", pos, pos + 3000)
        if pos >= done and gt > 0 and _is_post(html, pos, gt):
            end = _blockquote_end(html, pos)
            if end > 0:
                spans.append((pos, end))
                done = end
    return spans


def _blockquote_end(html: str, pos: int) -> int:
    """Where the blockquote opening at `pos` ends (after its end tag, nested ones counted), -1 when it does not
    within MAX_POST_CHARS."""
    depth, at, stop = 0, pos, min(len(html), pos + MAX_POST_CHARS)
    while True:
        lt = html.find("blockquote", at, stop)
        if lt < 0:
            return -1
        if html[lt - 1] == "<":
            depth += 1
        elif html[lt - 2:lt] == "</":
            depth -= 1
            if depth == 0:
                gt = html.find(">", lt, stop)
                return -1 if gt < 0 else gt + 1
        at = lt + 10


def _is_post(html: str, pos: int, gt: int) -> bool:
    """Whether the blockquote opening at `pos` (its start tag ending at `gt`) is an embedded post: by its class or
    the class of the element it opens in, by its source, or by the fixed line of the embed code under the post.
    (Substring tests first: most blockquotes are plain quotes, a page may hold tens.)"""
    start_tag = html[pos + 11:gt]
    if any(map(start_tag.__contains__, _START_TAG_HINTS)):
        attrs = tag_attributes(start_tag)
        if not EMBED_CLASSES.isdisjoint(attrs.get("class", "").split()) or _POST_ADDRESS.match(attrs.get("cite", "")):
            return True
    lt = html.rfind("<", max(0, pos - 1000), pos)
    if lt >= 0 and html.find("fb-", lt, pos) >= 0:
        parent_end = html.find(">", lt, pos)
        if parent_end > 0 and not html[parent_end + 1:pos].strip() and not \
                EMBED_CLASSES.isdisjoint(tag_attributes(html[lt + 1:parent_end]).get("class", "").split()):
            return True  # Facebook's `<div class="fb-post">` right around the post's plain blockquote
    # the line under the post closes its own text (before a quote inside it): read in the last characters only
    close = html.find("</blockquote", gt, gt + MAX_POST_CHARS)
    tail = max(gt + 1, close - HEADER_TAIL_CHARS)
    if close < 0 or _HEADER_WORD.search(html, tail, close) is None:
        return False
    text = "\n".join(_post_lines(html[tail:close]))
    return is_post_header(text) or _FACEBOOK_HEADER.search(text) is not None


def _post_lines(fragment: str) -> list[str]:
    """The text lines of a post's markup, as the main-content blocks hold them: a line per block element, its inline
    elements' text joined, white space one space."""
    text = MARKUP_TAG.sub("", _BLOCK_TAG.sub("\n", fragment))
    if "&" in text:
        text = html_lib.unescape(text)
    return [" ".join(part.split()) for part in text.split("\n") if part and not part.isspace()]
