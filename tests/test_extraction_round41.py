"""Round 41 (issue 12): a kept line at the story's edge that only names the page's section (dedup/text/sectionlabels.py,
docs/extraction.md "Round 41"). Each fixture is a short news page extracted alone: main kept the section's label above
the story, or its "back to the section" link below it, as a line of the story.
"""

from __future__ import annotations

import html as html_lib
import json
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st
from test_cleaning import STORY, assert_story_kept, page, unseen_pages

import dedup.text.extract as extract_module
from dedup.text.extract import extract_html
from dedup.text.sectionlabels import (
    SECTION_LABEL,
    section_label,
    section_label_lines,
    stated_sections,
)

URL = "https://www.millbrook-ledger.example/nachrichten/unternehmen-maerkte/detail/news/flood-barrier.html"
LD = {"@context": "https://schema.org", "@type": "NewsArticle", "articleSection": ["Local Politics", "News"]}


def labelled(before: str = "", after: str = "", head: str = "") -> str:
    """The test page with `before` set as a label above the story's first paragraph and `after` as a line below its
    last, in the story's own element (as the templates of tonight.de and eurailpress.de do; the block model drops
    this fixture's line when it is a link, the real page's is one)."""
    # (the fixture's copyright line would be the last kept line: here, as on those pages, the story ends the page)
    html = page(head=head).replace('<div class="bottom">', '<div class="bottom" hidden>', 1)
    first, last = (f"<p>{html_lib.escape(p, quote=False)}</p>" for p in (STORY[0], STORY[-1]))
    if before:
        html = html.replace(first, f'<div class="post--category"><span>{before}</span></div>' + first, 1)
    if after:
        html = html.replace(last, last + f'<p class="article-bottom">{html_lib.escape(after, quote=False)}</p>', 1)
    return html


def test_the_sections_back_link_after_the_story_goes():
    """eurailpress.de (trafilatura-eval, half A of the s41 split): "Unternehmen & Märkte", a line back to the
    section the URL files the story under (`/unternehmen-maerkte/`), was the last kept line on main."""
    ex = extract_html(labelled(after="Unternehmen & Märkte"), URL)
    assert_story_kept(ex.blocks)
    assert "Unternehmen & Märkte" not in ex.blocks
    assert "Unternehmen & Märkte" in ex.removed_blocks
    assert SECTION_LABEL in ex.removed_reasons


def test_the_label_of_the_section_the_page_states_goes():
    """tonight.de (half A of the s41 split): the category label "Promis" above the story, the JSON-LD article's
    `articleSection` naming it; here a section the URL does not spell."""
    head = f'<script type="application/ld+json">{json.dumps(LD)}</script>'
    ex = extract_html(labelled(before="Local Politics", head=head), URL)
    assert_story_kept(ex.blocks)
    assert "Local Politics" not in ex.blocks
    assert SECTION_LABEL in ex.removed_reasons


def test_a_label_the_page_does_not_state_stays():
    """No stated section and no folder of the URL names it: a label of the page's own (a kicker) stays."""
    ex = extract_html(labelled(before="Flood watch", after="Local Politics"), URL)
    assert "Flood watch" in ex.blocks and "Local Politics" in ex.blocks
    assert SECTION_LABEL not in ex.removed_reasons


def test_the_shape_of_a_section_label():
    sections = ["Promis", "Unterhaltung"]
    url = "https://www.tonight.de/unterhaltung/promis/danni-trennung_114240.html"
    assert section_label("Promis", sections, url)
    assert section_label("UNTERHALTUNG", [], url)  # a folder of the URL, whatever the case
    assert section_label("Unternehmen & Märkte", [], URL)  # the slug spells 'ä' out as 'ae'
    assert section_label("Économie", [], "https://journal.example/economie/2024/article.html")  # or drops the mark
    assert not section_label("Promis.", sections, url)  # a sentence
    assert not section_label("Die Promis des Jahres im Überblick", sections, url)  # more words than a label
    assert not section_label("2024", [], "https://site.example/2024/05/story.html")  # a year is no section
    # the page's own slug (the last part of the path, with or without a closing '/') is its headline, not a section
    assert not section_label("Lagen-Pyramide mit GA2", [], "https://swim.de/training/lagen-pyramide-mit-ga2/")
    assert not section_label("Flood barrier", [], URL)


def test_only_the_edges_are_judged_and_a_short_page_keeps_its_lines():
    """A subheading inside the story may share a section's name; the rule judges the first and last kept line only.
    A run of labels at an edge goes (two sections of a breadcrumb). A page the rule would leave under MIN_KEPT_CHARS
    loses nothing."""
    kept = ["Promis", STORY[0], "Promis", STORY[1], "Promis"]
    assert section_label_lines(kept, ["Promis"], None) == [0, 4]
    assert section_label_lines(["News", *kept], ["Promis", "News"], None) == [0, 1, 5]  # a run at the edge
    assert section_label_lines(["Promis", "Short."], ["Promis"], None) == []


def test_stated_sections_reads_meta_and_every_jsonld_article():
    assert stated_sections({"article:section": "Sport"}, [{"articleSection": ["Promis", 3]}, {"articleSection": "TV"},
                                                          {"@type": "WebPage"}]) == ["Sport", "Promis", "TV"]


def test_the_section_labels_of_real_unseen_pages_go():
    """trafilatura-eval (half A of the s41 split): eurailpress's and tonight's section labels (`without` snippets)
    go, and every `with` snippet the page keeps without the rule stays. Skipped without ../shared."""
    pages = {"https://www.eurailpress.de/nachrichten/unternehmen-maerkte/detail/news/hafen": "Unternehmen & Märkte",
             "https://www.tonight.de/unterhaltung/promis/daniela-buechner": "Promis"}
    with patch.object(extract_module, "section_label_lines", lambda kept, sections, url: []):  # the rule switched off
        off = {prefix: text for prefix, _, _, text in unseen_pages(pages)}
    for prefix, note, ex, text in unseen_pages(pages):
        assert SECTION_LABEL in ex.removed_reasons, prefix
        assert pages[prefix] not in ex.blocks and pages[prefix] in note["without"]
        for snippet in note["with"]:
            snippet = " ".join(snippet.split())
            assert (snippet in text) == (snippet in off[prefix]), (prefix, snippet)


_WORDS = st.sampled_from(["Promis", "News", "Local", "Politics", "Unternehmen", "Märkte", "unternehmen-maerkte",
                          "flood", "barrier", ".", "the", "2024", "&", "Sport"])
_LINE = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(_LINE, _LINE)
def test_the_rule_never_invents_text_and_is_idempotent(before, after):
    """Property: with the rule the kept lines are those kept without it, in order, less some (never a line added,
    changed or moved), every removed line is recorded with its reason, and the rule finds nothing more in its own
    output."""
    head = f'<script type="application/ld+json">{json.dumps(LD)}</script>'
    html = labelled(before=before, after=after, head=head)
    with_rule = extract_html(html, URL)
    with patch.object(extract_module, "section_label_lines", lambda kept, sections, url: []):  # the rule switched off
        without = extract_html(html, URL)
    rest = iter(without.blocks)
    assert all(any(line == other for other in rest) for line in with_rule.blocks)  # a subsequence
    assert len(without.blocks) - len(with_rule.blocks) == (with_rule.removed_reasons.count(SECTION_LABEL)
                                                           - without.removed_reasons.count(SECTION_LABEL))
    sections = stated_sections(with_rule.metadata.meta, with_rule.metadata.jsonld)
    assert section_label_lines(with_rule.blocks, sections, URL) == []
