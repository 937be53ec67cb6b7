"""Round 28 (issue 12): a short label closed by ':' and one link to another of the site's stories is a teaser,
whatever the label's language (dedup/text/linkteasers.py, docs/extraction.md "Round 28").

The fixtures are short pages of a small site, extracted alone; the teaser is told by its shape and by where its
link goes (the page's own markup), never by the label's words.
"""

from __future__ import annotations

import html as html_lib
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from test_cleaning import HEADLINE, STORY, assert_story_kept, unseen_pages

from dedup.text import cleaning
from dedup.text.extract import extract_html
from dedup.text.layout import Line
from dedup.text.linkteasers import LINKED_TEASER, linked_teaser

URL = "https://www.millbrook-ledger.example/news/2024/flood-barrier"
OTHER_HEADLINE = "Millbrook River crests two feet above flood stage for the second time this spring"
# labels no list of dedup holds (main keeps each of these lines)
LABELS = ["Le puede interesar:", "MIRA:", "Lesen Sie dazu:", "Nota relacionada:", "Also on the Ledger:"]


def story_page(between: str = "", after: str = "", links: str = "") -> str:
    """A small site's story: `between` after its second paragraph, `after` after its last, `links` in a box of
    links beside the story."""
    paragraphs = [f"<p>{html_lib.escape(p, quote=False)}</p>" for p in STORY]
    body = "".join(paragraphs[:2]) + between + "".join(paragraphs[2:]) + after
    return (f"<html><head><title>{HEADLINE} | Millbrook Ledger</title></head><body>"
            f"<ul class='menu'><li><a href='/news'>News</a></li><li><a href='/sports'>Sports</a></li></ul>"
            f"<div class='story'><h1>{HEADLINE}</h1>{body}</div>{links}"
            f"<div class='bottom'><p>&copy; 2024 Millbrook Ledger</p></div></body></html>")


def teaser(label: str, href: str = "/news/2024/river-crests", text: str = OTHER_HEADLINE) -> str:
    return f"<p>{label} <a href='{href}'>{text}</a></p>"


def test_a_labelled_teaser_of_another_story_goes_whatever_its_language():
    """A teaser set between the story's paragraphs or after them, its label in a language no list holds: it goes
    with its reason and reaches the removed lines; the story stays."""
    for label in LABELS:
        for where in ("between", "after"):
            ex = extract_html(story_page(**{where: teaser(label)}), URL)
            line = f"{label} {OTHER_HEADLINE}"
            assert_story_kept(ex.blocks)
            assert line not in ex.blocks, (label, where)
            assert LINKED_TEASER in ex.removed_reasons and line in ex.removed_blocks, (label, where)


def test_a_label_before_a_link_elsewhere_a_short_link_or_a_sentence_stays():
    """The shape alone is not enough: a label before a link to another site ("Source:"), to the page itself, a
    link too short to be a headline ("Filed in: Flood barrier"), a sentence's lead-in before its link, and a label of words
    that are not all letters stay."""
    stays = {
        "Source: The state resilience grant report for 2024":
            teaser("Source:", "https://www.state-resilience.example/report-2024",
                   "The state resilience grant report for 2024"),
        "Permalink: County approves new flood barrier":
            teaser("Permalink:", URL, "County approves new flood barrier"),
        "Filed in: Flood barrier": teaser("Filed in:", "/tag/flood-barrier", "Flood barrier"),
        f"Residents who want to speak at the October meetings can sign up here: {OTHER_HEADLINE}":
            teaser("Residents who want to speak at the October meetings can sign up here:"),
        f"Update 2: {OTHER_HEADLINE}": teaser("Update 2:"),
    }
    for line, markup in stays.items():
        ex = extract_html(story_page(after=markup), URL)
        assert_story_kept(ex.blocks)
        assert line in ex.blocks, line
        assert LINKED_TEASER not in ex.removed_reasons, line


def test_linked_teaser_reads_the_lines_link_figures():
    """The rule's own reading: one link, at the line's end (its text is the line's last characters), after a label
    of one to four words of letters closed by ':'; the link's text must be a link of the site's (`copies`)."""
    def line(text: str, link_chars: int, links: int = 1) -> Line:
        return Line(text, "p", link_chars, links, link_chars, links)

    site = {OTHER_HEADLINE}.__contains__
    copies = (lambda text: 1 if site(text) else 0)
    label = "MIRA: "
    assert linked_teaser(line(label + OTHER_HEADLINE, len(OTHER_HEADLINE)), copies)
    assert not linked_teaser(line(label + OTHER_HEADLINE, len(OTHER_HEADLINE)), lambda text: 0)  # not the site's
    assert not linked_teaser(line(label + OTHER_HEADLINE, len(OTHER_HEADLINE), links=2), copies)  # two links
    assert not linked_teaser(line(OTHER_HEADLINE, len(OTHER_HEADLINE)), copies)  # no label
    assert not linked_teaser(line("Read this " + OTHER_HEADLINE, len(OTHER_HEADLINE)), copies)  # no ':'
    assert not linked_teaser(line("*feat.: " + OTHER_HEADLINE, len(OTHER_HEADLINE)), copies)  # not letters
    assert not linked_teaser(line("One two three four five: " + OTHER_HEADLINE, len(OTHER_HEADLINE)), copies)


def test_a_real_unseen_page_loses_its_labelled_teasers():
    """trafilatura-eval (half A of the text28 split): elespectador.com kept "Le puede interesar: <headline>" (a
    `without` snippet) and "Lea aquí: <headline>", both links to its other stories; they go, every `with` snippet
    stays. Skipped without ../shared."""
    pages = unseen_pages(["https://www.elespectador.com/judicial/asi-seran-los-tres-macrocasos"])
    for prefix, note, ex, text in pages:
        assert "Le puede interesar: JEP abrirá tres nuevos macrocasos" not in text
        assert ex.removed_reasons.count(LINKED_TEASER) == 2
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)


_LABEL = st.sampled_from(["", "Le puede interesar:", "Read:", "See also the", "Tags:", "Update 2:", "Lesen Sie auch:"])
_HREF = st.sampled_from(["/news/2024/river-crests", "https://elsewhere.example/a", "#top", URL, "/tag/x"])
_TEXT = st.sampled_from([OTHER_HEADLINE, "Flood", "County board meeting agenda for October",
                         "Millbrook Ledger's guide to the east bank"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_LABEL, _HREF, _TEXT), min_size=1, max_size=6))
def test_the_rule_never_invents_text_and_only_takes_lines(teasers):
    """Property: with the rule the page's kept lines are those kept without it, in order, less some (never a line
    added, changed or moved), and every line it removes is recorded with its reason."""
    html = story_page(after="".join(teaser(label, href, text) for label, href, text in teasers))
    with_rule = extract_html(html, URL)
    with mock.patch.object(cleaning, "linked_teaser_lines", lambda lines, verdicts, copies: []):
        without = extract_html(html, URL)
    taken = [text for text, why in zip(with_rule.removed_blocks, with_rule.removed_reasons) if why == LINKED_TEASER]
    # the lines kept without the rule, less exactly those it records as taken, are the lines kept with it, in order
    rest = list(without.blocks)
    for text in taken:
        rest.remove(text)
    assert rest == with_rule.blocks
    assert set(with_rule.removed_reasons) - {LINKED_TEASER} == set(without.removed_reasons)
