"""storystart: where the story's own text starts below its headline, so that the headline's region is read only above
it (docs/metadata.md "## Cost" round 25).

A byline or a date line stands above the story's first paragraph; the lines below it are the story's (its paragraphs,
then ads, share and related-story lists), read for bylines and dates as the main-content blocks, not as lines of the
headline's region. The first paragraph is the first of the main-content blocks long enough to be prose, found by its
opening words as a text node of the page after the headline; where it is not found so (an entity or an inline tag in
its first words, a block the page does not show there), nothing is cut.
"""

from __future__ import annotations

from collections.abc import Sequence

STORY_PARAGRAPH_CHARS = 200  # a main-content block this long is the story's prose (as `storybyline`'s paragraph)
STORY_BLOCKS = 12  # the first main-content blocks looked at for it (the blocks the dates read, `DATE_BLOCKS`)
OPENING_CHARS = 32  # the paragraph's opening looked for in the page


def story_start(html: str, after: int, stop: int, blocks: Sequence[str]) -> int:
    """Where in html[after:stop] the story's first paragraph starts (the first main-content block of
    STORY_PARAGRAPH_CHARS or more, its opening the start of a text node), or -1."""
    for block in blocks[:STORY_BLOCKS]:
        if len(block) < STORY_PARAGRAPH_CHARS:
            continue
        hit = html.find(block[:OPENING_CHARS], after, stop)
        if hit < 0:
            return -1
        gt = html.rfind(">", after, hit)
        # the opening starts a text node (after a tag and white space only), not an attribute's value or a sentence
        if gt < 0 or not (gt + 1 == hit or html[gt + 1:hit].isspace()):
            return -1
        return hit
    return -1
