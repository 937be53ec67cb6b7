"""linkteasers: teasers of the site's other stories told by their link, whatever the language of their label.

Round 17's teaser guard (`lineguards.teaser_reason`) knows a teaser by its label's words ("PUEDES VER:", "Related:",
"READ MORE:"), so a label the list lacks ("MIRA:", "Le puede interesar:", "Lesen Sie dazu:") stays. What every such
line shares is its shape and its link: a short label closed by a colon, then one link whose whole text is the
headline of another page of the same site (`markup.SiteLinks.copies`: the page's own markup says where the link
goes). A label before a link elsewhere ("Source: <an agency's page>", "Via: <another site>"), a short link
("Tags: Politik") or a link to the page itself is no teaser of this site's stories, and stays (round 28).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dedup.text.layout import Line
from dedup.text.wordcount import word_count

LINKED_TEASER = "linked_teaser"  # a short label closed by ':' and one link to another story of the site
LABEL_MAX_WORDS = 4  # "Le puede interesar:", "Lesen Sie auch:", "MIRA:"
LABEL_MAX_CHARS = 40
# the link's text reads as a headline, not as a tag or a name ("Tags: Politik"): the other-story guard's least
# headline too (`cleaning.other_story_lines`)
HEADLINE_MIN_WORDS = 4


def linked_teaser(line: Line, copies: Callable[[str], int]) -> bool:
    """A line that is a short label closed by ':' followed by one link, at its end, whose whole text (a headline of
    HEADLINE_MIN_WORDS words or more) is the text of a link to another page of the page's own site."""
    if line.exact_links != 1 or not 0 < line.exact_link_chars < len(line.text) or line.tag == "pre":
        return False
    cut = len(line.text) - line.exact_link_chars
    label, link = line.text[:cut].strip(), line.text[cut:].strip()
    words = label[:-1].split()
    if not label.endswith(":") or len(label) > LABEL_MAX_CHARS or not 1 <= len(words) <= LABEL_MAX_WORDS:
        return False
    # a label is words of letters only: a sentence's lead-in ("Gleiche Haarteile, gleiche Gesichter:") or a credit
    # ("*feat.:") is not one
    if not all(w.isalpha() for w in words) or word_count(link) < HEADLINE_MIN_WORDS:
        return False
    return copies(link) >= 1


def linked_teaser_lines(lines: Sequence[Line], verdicts: Sequence[str | None],
                        copies: Callable[[str], int]) -> list[int]:
    """The kept lines (verdict None) that are `linked_teaser`s, anywhere on the page: such a line stands between the
    story's paragraphs as often as after them."""
    return [i for i, (line, verdict) in enumerate(zip(lines, verdicts))
            if verdict is None and line.exact_links == 1 and linked_teaser(line, copies)]

