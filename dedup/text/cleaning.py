"""cleaning: the per-page choice of lines (story text or not).

Pure functions over lines and probabilities: `choose_lines` applies the block model's verdicts with
the line guards of `dedup.text.lineguards` and the fallbacks for pages the model would leave (nearly) empty;
`plain_lines` does what applies of the same to text-only input (WET records, JSONL `text`), where there is no
markup. Other stories' headlines (`other_story_lines`), section headings and the page's own headline at the top of
its text (`headline_lines`) are decided here, over the whole page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dedup.text.dates import is_date_line
from dedup.text.layout import Line
from dedup.text.lineguards import (CAPTION, CHROME_LABEL, CONSENT_NOTICE, CREDIT_LINE, ERROR_LEAK, FILE_LINK, LINK_BAR,
                                   MARKUP_LEAK, SCRIPT_LEAK, SIGNUP_PROMO, SITE_NAME, TEASER, guard_reason,
                                   is_link_bar, teaser_reason)
from dedup.text.linkteasers import HEADLINE_MIN_WORDS, LINKED_TEASER, linked_teaser_lines
from dedup.text.normalise import fold_text
from dedup.text.titles import site_names
from dedup.text.wordcount import line_words, word_count

BLOCK_MODEL = "block_model"  # the model judged the line page chrome
OTHER_STORY = "other_story"  # another story's headline, which the page also links to ("Related" cards, endless scroll)
HEADLINE = "headline"  # the page's own headline at the top of its text: the `title` column holds it (`headline_lines`)
# no fallback overrides these
GUARDS = (MARKUP_LEAK, SCRIPT_LEAK, ERROR_LEAK, CHROME_LABEL, SITE_NAME, LINK_BAR, SIGNUP_PROMO, CONSENT_NOTICE,
          CREDIT_LINE, CAPTION, TEASER, FILE_LINK, OTHER_STORY, LINKED_TEASER)

MIN_KEPT_CHARS = 50  # a page left with less than this falls back to the main-content lines, then all
KEEP_THRESHOLD = 0.25  # chosen on held-out pages (docs/extraction.md): unseen sites gain precision, recall stays
# On a page where the model is sure of a story (lines at CONFIDENT_P or more holding CONFIDENT_WORDS words or
# more), a line it doubts before the first or after the last sure line is more often chrome beside that story
# (a teaser, a caption, a promo) than more of it: there the keep threshold is CONFIDENT_THRESHOLD. Lines
# between two sure ones, and pages with no sure story (short posts, odd layouts), keep the low threshold,
# where recall is at stake. Round 7 in docs/extraction.md: 0.45-0.55, 100-300 words
# and 0.8-0.95 all gave the same held-out gain.
CONFIDENT_THRESHOLD = 0.5
CONFIDENT_P = 0.9
CONFIDENT_WORDS = 200


@dataclass(slots=True)
class LineChoice:
    """The kept lines, the lines the licence/attribution readers see, and what was removed."""

    kept: list[str]
    evidence: list[str]
    reasons: list[str] = field(default_factory=list)
    removed_chars: int = 0
    headings: list[str] = field(default_factory=list)  # kept lines that are section headings (`section_headings`)
    # one per `evidence` line: the reason it was removed, None where kept (empty: every line kept)
    verdicts: list[str | None] = field(default_factory=list)
    span: tuple[int, int] | None = None  # the sure story's first and last `evidence` line (`sure_story`)

    def remove(self, indexes: Sequence[int], reason: str) -> None:
        """Take the kept lines at `indexes` (positions in `kept`) out, removed for `reason`: the reasons stay in
        page order, and a removed line is no section heading any more."""
        if not indexes:
            return
        verdicts = self.verdicts or [None] * len(self.evidence)
        at = [i for i, v in enumerate(verdicts) if v is None]  # kept line k is evidence line at[k]
        for k in indexes:
            verdicts[at[k]] = reason
        gone = set(indexes)
        self.removed_chars += sum(len(self.kept[k]) for k in gone)
        self.kept = [t for k, t in enumerate(self.kept) if k not in gone]
        self.verdicts = verdicts
        self.reasons = [v for v in verdicts if v is not None]
        left = set(self.kept)
        self.headings = [h for h in self.headings if h in left]

    def restore(self, indexes: Sequence[int]) -> None:
        """Keep the removed lines at `indexes` (positions in `evidence`) after all, in page order."""
        if not indexes or not self.verdicts:
            return
        for i in indexes:
            if self.verdicts[i] is not None:
                self.verdicts[i] = None
                self.removed_chars -= len(self.evidence[i])
        self.kept = [t for t, v in zip(self.evidence, self.verdicts) if v is None]
        self.reasons = [v for v in self.verdicts if v is not None]

    @property
    def removed(self) -> list[str]:
        """The removed lines' texts in page order, one per entry of `reasons`."""
        return [t for t, v in zip(self.evidence, self.verdicts) if v is not None]


def sure_story(lines: Sequence[Line], probs: Sequence[float]) -> tuple[int, int] | None:
    """The first and last line of the story the model is sure of (its lines at CONFIDENT_P or more hold at
    least CONFIDENT_WORDS words), or None."""
    sure = [i for i, p in enumerate(probs) if p >= CONFIDENT_P]
    # (lines are whitespace-tidied: a line's words are its spaces plus one; text written without spaces
    # counts in word-equivalents)
    if sum(line_words(lines[i].text) for i in sure) < CONFIDENT_WORDS:
        return None
    return sure[0], sure[-1]


# `other_story_lines`: a line this long (words: from a headline's least, `linkteasers.HEADLINE_MIN_WORDS`)...
OTHER_STORY_MAX_WORDS = 20
# ...not ended as a sentence or a clause (a headline ends in none of these; '?' and '!' allowed: headlines ask)
_SENTENCE_ENDS = (".", ",", ";", ":", "。", "，", "；", "：")
# ...and at most this many such lines on a page: more are a list of stories (a blog's front page, a section
# page), whose titles CleanEval's gold keeps
OTHER_STORY_MAX_LINES = 3


def other_story_lines(lines: Sequence[Line], verdicts: Sequence[str | None], span: tuple[int, int] | None,
                      title: str | None, copies: Callable[[str], int]) -> list[int]:
    """The kept lines after a sure story's first line (`sure_story`) that are another story's headline: a line
    of HEADLINE_MIN_WORDS to OTHER_STORY_MAX_WORDS words, not part of the page's `<title>`, whose text the
    page also holds as the whole text of a link to another of its site's pages (`copies`: one such link, two
    when the line is itself mostly link text), or as the start of one cut off by "...". A "Related" card's
    headline set between two paragraphs, the next story of an endless-scroll page: headlines of stories the
    page links to. Only the first OTHER_STORY_MAX_LINES such lines make the rule: a page with more is a list
    of stories, and none goes."""
    if span is None:
        return []
    own = fold_text(title)
    found = []
    for i in range(span[0] + 1, len(lines)):
        line = lines[i]
        if verdicts[i] is not None or line.tag not in HEADING_TAGS or line.text.endswith(_SENTENCE_ENDS) \
                or not HEADLINE_MIN_WORDS <= word_count(line.text) <= OTHER_STORY_MAX_WORDS:
            continue
        key = fold_text(line.text)
        if key and key not in own and copies(line.text) >= (2 if 2 * line.exact_link_chars > len(line.text) else 1):
            found.append(i)
            if len(found) > OTHER_STORY_MAX_LINES:
                return []
    return found


def choose_lines(lines: list[Line], probs: Sequence[float], threshold: float = KEEP_THRESHOLD,
                 title: str | None = None, copies: Callable[[str], int] | None = None) -> LineChoice:
    """Keep the lines the model calls story text (probability >= threshold; CONFIDENT_THRESHOLD outside a
    `sure_story`), except those a guard rejects (`is_link_bar`, `teaser_reason`, `guard_reason`; none inside
    `<pre>`) and, given the page's links (`copies`: `markup.SiteLinks.copies`), other stories' headlines
    (`other_story_lines`). A page the model would leave with under MIN_KEPT_CHARS keeps all its lines but the
    guarded ones: short pages are often misjudged."""
    span = sure_story(lines, probs) if threshold < CONFIDENT_THRESHOLD else None
    limits = [threshold if span is None or span[0] < i < span[1] else CONFIDENT_THRESHOLD for i in range(len(lines))]
    names = site_names(title)
    beside = [span is not None and not span[0] <= i <= span[1] for i in range(len(lines))]
    guards = [(LINK_BAR if is_link_bar(ln) else teaser_reason(ln, out) or guard_reason(ln.text, names))
              if ln.tag != "pre" else None for ln, out in zip(lines, beside)]
    verdicts = [g or (None if p >= t else BLOCK_MODEL) for g, p, t in zip(guards, probs, limits)]
    if copies is not None:
        for i in other_story_lines(lines, verdicts, span, title, copies):
            verdicts[i] = guards[i] = OTHER_STORY
        for i in linked_teaser_lines(lines, verdicts, copies):  # round 28
            verdicts[i] = guards[i] = LINKED_TEASER
    if sum(len(ln.text) for ln, v in zip(lines, verdicts) if v is None) < MIN_KEPT_CHARS:
        verdicts = guards
    kept = [ln.text for ln, v in zip(lines, verdicts) if v is None]
    removed = [(ln.text, v) for ln, v in zip(lines, verdicts) if v is not None]
    # the licence, attribution and date readers see every candidate line, kept or not
    return LineChoice(kept, [ln.text for ln in lines], [v for _, v in removed], sum(len(t) for t, _ in removed),
                      section_headings([ln for ln, v in zip(lines, verdicts) if v is None]), verdicts, span)


ARTICLE_LINE_WORDS = 12  # a line of article text: this many words...
ARTICLE_LINE_MAX_LINK_SHARE = 0.2  # ...and at most this share of link text
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def section_headings(kept: Sequence[Line]) -> list[str]:
    """The kept lines that head a section of the article: a heading line (`<h1>`-`<h6>`, under
    ARTICLE_LINE_WORDS words) whose next kept line is article text (a paragraph or bare text of at
    least ARTICLE_LINE_WORDS words, mostly not links). "Introduction", "Methods", "Conclusion",
    "References" head the text of many stories on many sites; the cross-story and site passes must not
    take them for chrome where they head this page's own text. A widget label ("More stories", "Most
    read") heads a list of links, and a caption or an ad label is not a heading."""
    out = []
    for line, after in zip(kept, kept[1:]):
        if line.tag in HEADING_TAGS and word_count(line.text) < ARTICLE_LINE_WORDS \
                and after.tag not in HEADING_TAGS and word_count(after.text) >= ARTICLE_LINE_WORDS \
                and after.link_chars <= ARTICLE_LINE_MAX_LINK_SHARE * len(after.text):
            out.append(line.text)
    return out


_HEADING_END = re.compile(r"[.,;:…\u0964\u06d4\u060c\u061b]$")  # and the danda, Urdu full stop, Arabic comma, semicolon
_URL_LIKE = re.compile(r"https?://|www\.|\.(?:com|org|net|html?)\b", re.I)


def heading_line(first: str, after: str | None) -> bool:
    """Text-only input: whether its first line reads as the page's headline: 2 to 20 words, letters, no
    sentence punctuation at its end ('?' and '!' allowed: headlines ask), no address, no widget label,
    and followed by article text (a line of ARTICLE_LINE_WORDS words or more), as a heading is."""
    if not 2 <= word_count(first) <= 20 or len(first) > 200 or after is None:
        return False
    if _HEADING_END.search(first) or _URL_LIKE.search(first) or not any(c.isalpha() for c in first):
        return False
    if guard_reason(first) is not None:
        return False
    return word_count(after) >= ARTICLE_LINE_WORDS


def wet_title_line(first: str) -> bool:
    """A WET conversion record's first line, which Common Crawl writes from the page's <title> ('Headline | Site';
    navigation lines, not article text, follow it): title-shaped when it has letters, at most 200 characters,
    no sentence punctuation at its end, not an address (a site's name with its ending is one: 'Headline -
    Salon.com')."""
    return len(first) <= 200 and any(c.isalpha() for c in first) and not _HEADING_END.search(first) \
        and not _WET_ADDRESS.search(first)


_WET_ADDRESS = re.compile(r"https?://|^www\.\S*$|^\S+\.(?:com|org|net|html?)(?:/\S*)?$", re.I)


def plain_lines(blocks: list[str]) -> LineChoice:
    """Text-only input: the guards that need no markup (leaked markup and script, widget labels)."""
    verdicts = [guard_reason(b) for b in blocks]
    kept = [b for b, v in zip(blocks, verdicts) if v is None]
    if not kept:  # never empty a page on these guards alone: the page is then its text, as given
        return LineChoice(list(blocks), list(blocks))
    removed = [(b, v) for b, v in zip(blocks, verdicts) if v is not None]
    return LineChoice(kept, list(blocks), [v for _, v in removed], sum(len(b) for b, _ in removed), verdicts=verdicts)


def headline_lines(kept: Sequence[str], headlines: Sequence[str | None]) -> list[int]:
    """The indexes of the kept lines that are the page's own headline, to be taken out of its text (the `title`
    column holds it): a line equal (`fold_text`: case, accents, punctuation and spacing folded) to one of
    `headlines` (the page's chosen title, its `<h1>`s, its og:title) that stands at the top of the text, before
    the story's first line of article text (ARTICLE_LINE_WORDS words or more, not itself a headline). The same
    words deeper in the story (a headline quoted, a closing repeat) stay. None is taken when the lines left
    would hold under MIN_KEPT_CHARS characters of lines with letters that are not date lines: a page that is
    little more than its headline keeps it (the within-page pass drops date lines, and an empty text is a
    reject)."""
    keys = {k for k in map(fold_text, headlines) if k}
    if not keys:
        return []
    # a line of over twice the longest headline's characters is not one (its letters and digits would be more)
    longest = 2 * max(len(h) for h in headlines if h) + 20
    found = []
    for i, line in enumerate(kept):
        if len(line) <= longest and fold_text(line) in keys:
            found.append(i)
        elif word_count(line) >= ARTICLE_LINE_WORDS:
            break
    if not found:
        return []
    taken, left = set(found), 0
    for i, line in enumerate(kept):
        if i not in taken and any(map(str.isalpha, line)) and not is_date_line(line):
            left += len(line)
            if left >= MIN_KEPT_CHARS:
                return found
    return []
