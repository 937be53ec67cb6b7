"""storystart: where the story's own text starts below its headline, so that the headline's region is read only above
it (docs/metadata.md "## Cost" round 25).

A byline or a date line stands above the story's first paragraph; the lines below it are the story's (its paragraphs,
then ads, share and related-story lists), read for bylines and dates as the main-content blocks, not as lines of the
headline's region. The first paragraph is the first of the main-content blocks long enough to be prose, found by its
opening words as a text node of the page after the headline; where it is not found so (an entity or an inline tag in
its first words, a block the page does not show there), nothing is cut.

A standfirst (the story's summary right under the headline, as long as a paragraph) stands above the byline: the
lines read for a byline end at the next such block where the first follows the headline with no text between
(`story_starts`, round 25b); where no second one follows, at the first (a related list's byline under a one-paragraph
story is not the author).
"""

from __future__ import annotations

from collections.abc import Sequence

from dedup.text.normalise import MARKUP_TAG

STORY_PARAGRAPH_CHARS = 200  # a main-content block this long is the story's prose (as `storybyline`'s paragraph)
STORY_BLOCKS = 12  # the first main-content blocks looked at for it (the blocks the dates read, `DATE_BLOCKS`)
OPENING_CHARS = 32  # the paragraph's opening looked for in the page


def _prose_starts(html: str, after: int, stop: int, blocks: Sequence[str], wanted: int) -> list[int]:
    """Where in html[after:stop] the first `wanted` main-content blocks of STORY_PARAGRAPH_CHARS or more start, in
    turn, each after the one before (each opening the start of a text node); the search ends at one not found so."""
    starts: list[int] = []
    for block in blocks[:STORY_BLOCKS]:
        if len(starts) == wanted:
            break
        if len(block) < STORY_PARAGRAPH_CHARS:
            continue
        hit = html.find(block[:OPENING_CHARS], after, stop)
        if hit < 0:
            break
        gt = html.rfind(">", after, hit)
        # the opening starts a text node (after a tag and white space only), not an attribute's value or a sentence
        if gt < 0 or not (gt + 1 == hit or html[gt + 1:hit].isspace()):
            break
        starts.append(hit)
        after = hit + OPENING_CHARS
    return starts


def story_start(html: str, after: int, stop: int, blocks: Sequence[str]) -> int:
    """Where in html[after:stop] the story's first paragraph starts (the first main-content block of
    STORY_PARAGRAPH_CHARS or more, its opening the start of a text node), or -1."""
    starts = _prose_starts(html, after, stop, blocks, 1)
    return starts[0] if starts else -1


def story_starts(html: str, after: int, stop: int, blocks: Sequence[str]) -> tuple[int, int]:
    """`story_start`, and where the lines read for a byline end: the same, but where that block follows the headline
    (ending at `after`) with no visible text between, a standfirst over the byline, the start of the next such block
    when one is found so; (-1, -1) where the story's start is not found."""
    starts = _prose_starts(html, after, stop, blocks, 2)
    if not starts:
        return -1, -1
    if len(starts) == 2 and not MARKUP_TAG.sub("", html[after:starts[0]]).strip():
        return starts[0], starts[1]
    return starts[0], starts[0]
