"""quotedposts: the social posts a page embeds (a Facebook post, an Instagram post, a tweet, a TikTok video) are
quotes of someone else; their names and dates are never the page's authors or published date.

An embed's code writes the post into the page as a `<blockquote>`: its class names the network
(`twitter-tweet`, `instagram-media`, `tiktok-embed`, `fb-xfbml-parse-ignore`, or Facebook's `<div class="fb-post">`
around it), its `cite` is the post's address, and a line under the post names who posted it and when
("Posted by Jane Doe on Sunday, February 6, 2022", "A post shared by Jane Doe (@jdoe)", "— Jane Doe (@jdoe)
February 6, 2022"). `without_embedded_posts` blanks such blockquotes out of the markup the metadata readers scan
(offsets kept) and drops their lines from the main-content blocks they read; `is_post_header` tells the fixed
line of Instagram's embed where the markup is gone. An `<iframe>` embed (YouTube, a Facebook plugin) holds no
text of the post in the page: nothing there to read. Used by `dedup.text.metadata` (docs/metadata.md, round 13).
"""

from __future__ import annotations

import html as html_lib
import re

from dedup.text.byline import WEEKDAYS
from dedup.text.markup import tag_attributes
from dedup.text.normalise import caseless_finder

# the classes the networks' embed code gives the post's blockquote (or the element right around it)
EMBED_CLASSES = frozenset(("twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "fb-post",
                           "fb-video", "fb-comment-embed", "fb-xfbml-parse-ignore"))
# the post's address as the blockquote's source
_POST_ADDRESS = re.compile(r"https?://(?:[\w-]+\.)*(?:facebook\.com|instagram\.com|twitter\.com|x\.com|"
                           r"tiktok\.com)/", re.I)
# the line Instagram's embed code writes under a post, in the languages of its embed code
_SHARED_BY = (r"(?:^|\s)(?:a\s+post\s+shared\s+by|ein\s+beitrag\s+geteilt\s+von|une\s+publication\s+partagée\s+par|"
              r"una\s+publicación\s+compartida\s+(?:de|por)|un\s+post\s+condiviso\s+da|een\s+bericht\s+gedeeld\s+door|"
              r"uma\s+publicação\s+compartilhada\s+por)\s")
is_post_header = caseless_finder(_SHARED_BY)
# ... and the one Facebook's writes (a blog's own 'Posted by … on Sunday, …' outside a quote stays a byline)
_FACEBOOK_HEADER = re.compile(r"(?:^|\n)\s*(?:posted\s+by|gepostet\s+von)\s+[^\n]{1,80}?\s(?:on|am)\s+(?:"
                              + WEEKDAYS + r")\b", re.I)
_BLOCK_TAG = re.compile(r"<(?:/?(?:p|div|br|blockquote|li|ul|ol|h[1-6]|section|figure|figcaption|table|tr|td|"
                        r"header|footer)\b)[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
MAX_POST_CHARS = 50_000  # a blockquote that does not end within this many characters is not read as a post
MAX_POSTS = 100


def without_embedded_posts(html: str, start: int, blocks: list[str]) -> tuple[str, list[str]]:
    """`html` with the embedded posts after `start` blanked out (each character of one a space: every offset
    stays), and `blocks` without the lines of those posts; both as they are when the page embeds none."""
    spans = _post_spans(html, start)
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
    return "".join(pieces), [b for b in blocks if " ".join(b.split()) not in lines]


def _post_spans(html: str, start: int) -> list[tuple[int, int]]:
    """Where the embedded posts' blockquotes stand in html[start:], in page order (a post inside another inside
    the outer one)."""
    spans: list[tuple[int, int]] = []
    pos = html.find("<blockquote", start)  # (embed code writes it in lower case)
    while pos >= 0 and len(spans) < MAX_POSTS:
        gt = html.find(">", pos, pos + 3000)
        end = _blockquote_end(html, pos) if gt > 0 else -1
        if end < 0:
            pos = html.find("<blockquote", pos + 11)
            continue
        if _is_post(html, pos, gt, end):
            spans.append((pos, end))
            pos = html.find("<blockquote", end)
        else:
            pos = html.find("<blockquote", gt)
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


def _is_post(html: str, pos: int, gt: int, end: int) -> bool:
    """Whether the blockquote html[pos:end] (its start tag ending at `gt`) is an embedded post: by its class or
    the class of the element it opens in, by its source, or by the fixed line of the embed code under the post."""
    attrs = tag_attributes(html[pos + 11:gt])
    if not EMBED_CLASSES.isdisjoint(attrs.get("class", "").split()) or _POST_ADDRESS.match(attrs.get("cite", "")):
        return True
    lt = html.rfind("<", max(0, pos - 1000), pos)
    parent_end = html.find(">", lt, pos) if lt >= 0 and html[lt + 1:lt + 2].isalpha() else -1
    if parent_end > 0 and not html[parent_end + 1:pos].strip() and not \
            EMBED_CLASSES.isdisjoint(tag_attributes(html[lt + 1:parent_end]).get("class", "").split()):
        return True  # Facebook's `<div class="fb-post">` right around the post's plain blockquote
    text = "\n".join(_post_lines(html[gt + 1:end]))
    return is_post_header(text) or _FACEBOOK_HEADER.search(text) is not None


def _post_lines(fragment: str) -> list[str]:
    """The text lines of a post's markup, as the main-content blocks hold them: a line per block element, its inline
    elements' text joined, white space one space."""
    text = html_lib.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", fragment)))
    return [line for line in (" ".join(part.split()) for part in text.split("\n")) if line]
