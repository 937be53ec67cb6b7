"""orphanheadings: headings left heading nothing the page keeps (issue 12, round 32).

A heading is kept for the text under it. When the block model and the guards have dropped everything after a heading
to the end of the kept text, the heading stands alone: a box's title after the story ("2023 nichts mehr versäumen!",
"You may also like"), a card's heading whose blurb went, a section whose list of links went. Told by the page's own
outline only (the block tags `<h1>`-`<h6>` and which lines are kept), whatever the site or language: every kept
heading after the last kept line that is not a heading goes. A page whose kept lines are all headings (a list of
headlines) is left alone. (A heading in the middle whose section went, its next kept line a heading of its rank or
higher, was measured too and not adopted: it took a product list's item headings, round 32.)
"""

from __future__ import annotations

from collections.abc import Sequence

from dedup.text.layout import Line

ORPHAN_HEADING = "orphan_heading"  # a heading after the last kept line of text: it heads nothing the page keeps
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})  # a line in one of these block tags is a heading


def orphan_heading_lines(lines: Sequence[Line], verdicts: Sequence[str | None]) -> list[int]:
    """The kept lines (positions in `lines`; `verdicts[i]` None: kept) that are headings after the last kept line
    that is not a heading; none when no such line is kept."""
    kept = [i for i, v in enumerate(verdicts) if v is None]
    text = [i for i in kept if lines[i].tag not in HEADING_TAGS]
    return [i for i in kept if i > text[-1]] if text else []
