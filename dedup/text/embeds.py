"""embeds: social posts the story quotes (an embedded tweet or Instagram post), which the main-content pass leaves out.

A story quotes a post by embedding it: the post's own markup, `<blockquote class="twitter-tweet">` or
`<blockquote class="instagram-media">` (what the networks' embed code writes, on any site), holds its text and a
line naming its author ("— Anja (@AnjaAmaranth) 10. September 2018"). resiliparse's main-content pass drops most of
these blockquotes; the gold texts of the corpora keep them where they stand inside the story (docs/extraction.md,
round 21). The embeds are read on the pages whose HTML names one (a substring test), their lines taken from the
whole page's lines in page order, and put back where they stand: after the main reading's line before them, when
that line and the main reading's line after them both belong to the story the model is sure of
(`cleaning.sure_story`). Posts beside the story (a sidebar's feed) stay out.
"""

from __future__ import annotations

from resiliparse.parse.html import HTMLTree

from dedup.text.blockmodel import TooManyLines, whole_page_lines
from dedup.text.cleaning import LineChoice
from dedup.text.lineguards import guard_reason
from dedup.text.normalise import fold_text

# the embeds whose text is put back: of the networks' embed classes (`quotedposts.EMBED_CLASSES`, which keeps every
# embedded post out of the metadata), the two measured in round 21; others (TikTok, Facebook) have no text to read
# in the corpora
EMBED_CLASSES = ("twitter-tweet", "instagram-media")
# a line of the page is a post's when its letters and digits are found in the post and this long; a shorter line
# only as a whole post or as the part that follows the post's lines met so far: a short part anywhere ("+1", "So",
# "Browns") is a word of many posts, of the comments around them and of the site's menus
POST_LINE_MIN_CHARS = 12
_EMBED_SELECTOR = ", ".join(f"blockquote.{name}" for name in EMBED_CLASSES)


def embedded_posts(html: str, tree: HTMLTree, choice: LineChoice, max_lines: int) -> list[tuple[int, list[str]]]:
    """Where the story quotes a post the kept lines lack: (the `choice.evidence` line it follows, its lines), read
    from at most `max_lines` lines of the whole page."""
    span = choice.span
    if span is None or not any(name in html for name in EMBED_CLASSES) or tree.body is None:
        return []
    posts = [key for key in (fold_text(el.text) for el in tree.body.query_selector_all(_EMBED_SELECTOR)) if key]
    if not posts:
        return []
    try:
        whole = whole_page_lines(tree, max_lines)
    except TooManyLines:
        return []
    evidence, seen = choice.evidence, set(choice.evidence)
    read = [0] * len(posts)  # how far each post's text has been met in the page's lines
    found: list[tuple[int, list[str]]] = []
    at = -1  # the evidence line last met in page order
    run: list[str] = []
    for line in whole:
        key = fold_text(line.text)
        if line.text not in seen and key and _post_line(key, posts, read):
            run.append(line.text)
            continue
        nxt = _find(evidence, line.text, at + 1)
        if nxt is None:
            continue
        if run and span[0] <= at and nxt <= span[1]:
            # (not a line the main reading kept part of, next to it: "A post shared by ... on" without its date)
            near = [k for k in map(fold_text, evidence[at:nxt]) if k]
            kept = [t for t in run if guard_reason(t) is None and not any(k in fold_text(t) for k in near)]
            if kept:
                found.append((at, kept))
        run = []
        at = nxt
    return found


def _post_line(key: str, posts: list[str], read: list[int]) -> bool:
    """Is a line (its letters and digits: `key`) part of one of `posts`: anywhere in it when POST_LINE_MIN_CHARS long,
    else a whole post or the post's next part after its lines met so far (`read`: how far each was met)?"""
    for j, post in enumerate(posts):
        if len(key) >= POST_LINE_MIN_CHARS:
            at = post.find(key)
        else:
            at = read[j] if key == post or read[j] and post.startswith(key, read[j]) else -1
        if at >= 0:
            read[j] = at + len(key)
            return True
    return False


def _find(evidence: list[str], text: str, start: int) -> int | None:
    try:
        return evidence.index(text, start)
    except ValueError:
        return None


def put_back(choice: LineChoice, found: list[tuple[int, list[str]]]) -> None:
    """Insert `embedded_posts`' lines into the choice as kept lines (evidence, verdicts, kept, the story's span)."""
    if not found:
        return
    verdicts = choice.verdicts or [None] * len(choice.evidence)
    evidence: list[str] = []
    new_verdicts: list[str | None] = []
    after = dict(found)
    shift = 0
    span = choice.span
    for i, (text, verdict) in enumerate(zip(choice.evidence, verdicts)):
        evidence.append(text)
        new_verdicts.append(verdict)
        if i in after:
            evidence.extend(after[i])
            new_verdicts.extend([None] * len(after[i]))
            if span is not None and i < span[1]:
                shift += len(after[i])
    choice.evidence, choice.verdicts = evidence, new_verdicts
    choice.kept = [t for t, v in zip(evidence, new_verdicts) if v is None]
    if span is not None:
        choice.span = (span[0], span[1] + shift)
