"""Round 32 (issue 12): what trafilatura gets right on unseen pages and dedup did not, by page evidence that does not
depend on the site (docs/extraction.md "Round 32"): a story paragraph the block model doubted that the page sets among
the story's own paragraphs (dedup/text/siblingparagraphs.py), and a heading left heading nothing the page keeps
(dedup/text/orphanheadings.py). Each fixture is a short page of a small local paper, extracted alone.
"""

from __future__ import annotations

import html as html_lib

from hypothesis import given, settings
from hypothesis import strategies as st
from test_cleaning import HEADLINE, STORY, assert_story_kept

from dedup.text.extract import extract_html
from dedup.text.layout import Line
from dedup.text.orphanheadings import ORPHAN_HEADING, orphan_heading_lines
from dedup.text.siblingparagraphs import prose_paragraph, sibling_paragraph_lines, start_tag_at

URL = "https://millbrook-herald.example/news/flood-barrier-approved/"
# two more paragraphs: with them the model is sure of the story (200+ words), and doubts what stands beside it
MORE = [
    "Engineers from the state water agency reviewed the design in August and asked the county to raise the wall by "
    "half a metre near the old mill, where the river narrows and floods first.",
    "The east side flooded three times in the past five years, and more than 200 homes there now pay for flood "
    "insurance, according to figures the county released before the vote.",
]
LAST = "Residents who want to speak can register with the county clerk until the end of September."


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{html_lib.escape(t, quote=False)}</p>" for t in texts)


def news_page(in_story: str, story: list[str] | None = None, after_story: str = "") -> str:
    """A local paper's story page: `in_story` written after the story's paragraphs in the story's own element,
    `after_story` after that element, inside the article."""
    body = paragraphs(STORY + MORE if story is None else story)
    return (f"<html><head><title>{HEADLINE} | Millbrook Herald</title></head><body><main><article><h1>{HEADLINE}</h1>"
            f"<div class='post-content'>{body}{in_story}</div>{after_story}</article></main>"
            f"<footer><p>&copy; 2024 Millbrook Herald</p></footer></body></html>")


def test_a_doubted_paragraph_among_the_storys_own_paragraphs_stays():
    """The story's last paragraph under a subheading ('What comes next'), in the element that holds the story's other
    paragraphs: the block model doubts it beside the story it is sure of (main dropped it), the page's tree says it
    is one of the story's paragraphs."""
    ex = extract_html(news_page(f"<h2>What comes next</h2><p>{LAST}</p>"), URL)
    assert_story_kept(ex.blocks)
    assert LAST in ex.blocks
    assert LAST not in ex.removed_blocks


def test_a_doubted_paragraph_in_a_box_of_its_own_stays_out():
    """The same doubted line in an element of its own after the story (a box the site sets beside it) is not
    brought back: it holds none of the story's paragraphs."""
    box = f"<div class='note'><h2>What comes next</h2><p>{LAST}</p></div>"
    ex = extract_html(news_page("", after_story=box), URL)
    assert_story_kept(ex.blocks)
    assert LAST not in ex.blocks


def test_a_heading_whose_box_went_leaves_too():
    """A promo box's heading at the end of the story's element ('Never miss a council vote again!'), whose text the
    block model drops: the heading heads nothing kept and goes, with its reason (main kept it)."""
    promo = ("<div class='promo'><h2>Never miss a council vote again!</h2><div>From budget hearings to zoning "
             "decisions, every vote in your inbox: <a href='/newsletter/'>sign up for the newsletter</a> "
             "<a href='/app/'>get the app</a> <a href='/alerts/'>alerts</a></div></div>")
    ex = extract_html(news_page(promo, story=STORY), URL)
    assert_story_kept(ex.blocks)
    assert "Never miss a council vote again!" not in ex.blocks
    assert ex.removed_reasons[ex.removed_blocks.index("Never miss a council vote again!")] == ORPHAN_HEADING


def test_a_heading_that_heads_kept_text_stays():
    """A subheading followed by the story's text stays; so does a page of headings only (a list of headlines)."""
    ex = extract_html(news_page("<h2>What the vote means for the east side</h2>" + paragraphs(MORE[:1]), story=STORY),
                      URL)
    assert "What the vote means for the east side" in ex.blocks
    heads = [Line("Mill to close its second shift", "h2", 0, 0), Line("Farmers market moves to Saturdays", "h2", 0, 0)]
    assert orphan_heading_lines(heads, [None, None]) == []


def test_orphan_heading_reading():
    """Trailing headings go (every kept heading after the last kept line of text); a heading followed by a kept
    subheading and its text stays, and so does one whose section went in the middle of the text."""
    lines = [Line("Story", "h1", 0, 0), Line("Para one of the story.", "p", 0, 0), Line("Section", "h2", 0, 0),
             Line("Sub", "h3", 0, 0), Line("Para two.", "p", 0, 0), Line("More stories", "h2", 0, 0),
             Line("A link list", "", 11, 1), Line("Newsletter", "h3", 0, 0)]
    verdicts: list[str | None] = [None, None, None, None, None, None, "block_model", None]
    assert orphan_heading_lines(lines, verdicts) == [5, 7]
    middle = [Line("Section", "h2", 0, 0), Line("Its text, dropped.", "p", 0, 0), Line("Next", "h2", 0, 0),
              Line("Para three.", "p", 0, 0)]
    assert orphan_heading_lines(middle, [None, "block_model", None, None]) == []


def test_prose_paragraph_shape():
    """Only prose is brought back (a `<p>`, or a bare line such as a list item's): a copyright line, a 'Posted by'
    line, a heading, a link line or a short label is not."""
    assert prose_paragraph(Line(LAST, "p", 0, 0))
    for text, tag, links in (("Copyright © 2003 Millbrook Herald Corporation. All Rights Reserved", "p", 0),
                             ("Posted by: Fausta at Nov 24, 2004 8:10:10 PM", "p", 0), (LAST, "h2", 0),
                             (LAST, "p", len(LAST)), ("Read more.", "p", 0)):
        assert not prose_paragraph(Line(text, tag, links, 1 if links else 0)), text


def test_reading_the_markup_for_a_lines_parent():
    """A line is found by its start tag and first words (an opening quotation mark written as an entity aside); a
    paragraph, or a list item whose list sits among the story's paragraphs, is brought back; one in a box of its own,
    or written twice, is not."""
    sure = [Line(t, "p", 0, 0) for t in STORY[:2]]
    doubted = Line(LAST, "p", 0, 0)
    item = Line("Register with the county clerk before the end of September to speak.", "", 0, 0)
    story = paragraphs(STORY[:2])
    for markup, lines, want in (
            (f"<div>{story}<p>{LAST}</p></div>", [*sure, doubted], [2]),
            (f"<div><p>{LAST}</p>{story}</div>", [doubted, *sure], [0]),
            (f"<div>{story}<ul><li>{item.text}</li></ul></div>", [*sure, item], [2]),
            (f"<div>{story}</div><div class='box'><p>{LAST}</p></div>", [*sure, doubted], []),
            (f"<div>{story}<p>{LAST}</p></div><p>{LAST}</p>", [*sure, doubted], [])):
        probs = [0.99 if line in sure else 0.3 for line in lines]
        dropped = [line not in sure for line in lines]
        assert sibling_paragraph_lines(markup, lines, probs, dropped, 0.9) == want, markup[-60:]
    assert start_tag_at("<p class='x'>&#8222;Am Ende wird alles gut.&#8220;</p>", "„Am Ende wird alles gut.“", "p") == 0
    assert start_tag_at("<p>Am Ende</p>", "Am Ende", "p") is None  # too little to look for


WORDS = st.sampled_from(["county", "river", "board", "vote", "wall", "east", "homes", "flood", "grant", "study",
                         "clerk", "meeting", "summer", "route", "levee"])
SENTENCE = st.lists(WORDS, min_size=3, max_size=30).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p", "h2", "h3", "li"]), SENTENCE), min_size=0, max_size=6),
       st.booleans())
def test_kept_text_is_never_invented(extra, in_story):
    """Whatever the page sets after its story, every kept line is one of the page's main-content lines, in the page's
    order (the rules only take lines out or give back lines the page holds), and every removed line is one of them
    too."""
    markup = "".join(f"<ul><li>{html_lib.escape(t)}</li></ul>" if tag == "li"
                     else f"<{tag}>{html_lib.escape(t)}</{tag}>" for tag, t in extra)
    page = news_page(markup) if in_story else news_page("", after_story=markup)
    ex = extract_html(page, URL)
    assert ex.evidence_blocks is not None
    read = iter(ex.evidence_blocks)
    assert all(any(line == seen for seen in read) for line in ex.blocks)
    assert set(ex.removed_blocks) <= set(ex.evidence_blocks)
