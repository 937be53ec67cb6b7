"""A byline opening the story below the page's first lines: an explicit `By` / `Von` / `Par` … before full names,
on a line of its own right above the story's first paragraph (`By Robin McCulloch` / a paragraph of 871
characters), where the page has no `<h1>` or metadata to find it by and its main content opens with menus, so that
the first blocks the byline readers try hold none of it (docs/metadata.md, round 22: pages of the early web, a
magazine's review under its masthead). Read last of the author readers (kind `story_byline`), only where nothing
else names anybody. Not a teaser's byline (a headline or a short line follows it), nor a comment's header (`Posted
by: …`, a label, not a byline opening a story).
"""

from __future__ import annotations

from typing import Callable

from dedup.text.byline import BYLINE_LINE_CHARS, Byline
from dedup.text.normalise import caseless_finder, caseless_prefix

STORY_PARAGRAPH_CHARS = 200  # the story's first paragraph, not a teaser's line or a caption
STORY_REACH = 3              # the paragraph stands among the lines right after the byline (a dateline between)
# an explicit byline word (in the languages of `byline._BY_WORDS`) and the space after it
_EXPLICIT_BY_WORD = r"(?:by|von|par|por|door|di|av|af)\s*:?\s+"
# one opening a line (also after 'Written', 'Posted' …)
EXPLICIT_BY = caseless_prefix(r"(?:(?:posted|written|geschrieben|verfasst|publié|écrit|escrito|scritto)\s+)?"
                              + _EXPLICIT_BY_WORD)
# the part of EXPLICIT_BY that any line it matches holds somewhere: a cheap test before a line is read as a byline
# (`pageauthors`: a line is one only when EXPLICIT_BY matches at the start of a suffix of it)
HAS_EXPLICIT_BY = caseless_finder(_EXPLICIT_BY_WORD)


def story_byline(blocks: list[str], parse: Callable[[str, bool], Byline], reach: int) -> Byline | None:
    """The people of the first short line of the blocks that is an explicit byline of full names (every person of
    two words or more) followed within STORY_REACH lines by a paragraph of STORY_PARAGRAPH_CHARS or more; None when
    there is none. `parse` reads a byline (`byline.parse_byline` with the page's site names); the first `reach`
    blocks are read (the author readers' reach, given by them)."""
    # the lengths first, in one comprehension: read on every page where nobody is named, and most lines are neither
    lengths = list(map(len, blocks[:reach + STORY_REACH]))
    for i, n in enumerate(lengths[:reach]):
        if n > BYLINE_LINE_CHARS or max(lengths[i + 1:i + 1 + STORY_REACH], default=0) < STORY_PARAGRAPH_CHARS:
            continue
        block = blocks[i]
        end = EXPLICIT_BY(block)
        # a capital after the word ('By the pricking of my thumbs' is a sentence); 'Posted by: X at …' heads a
        # reader's comment in a blog's thread, the comment below it
        if end < 0 or not block[end:end + 1].isupper() or block.lstrip()[:6].casefold() == "posted":
            continue
        parsed = parse(block, False)
        if parsed.people and all(" " in person for person in parsed.people):
            return parsed
    return None
