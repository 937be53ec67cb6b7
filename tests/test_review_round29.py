"""Review round 29: defects found in the first wave's merge (int29). Copies round 12's `stories_above_shared` split a
site's write-thru whose new top runs straight into the body it keeps, and `dedup explain` read "one site" otherwise
than the build for two pages of no known site; text round 42's figure rule paired a picture figure's own end tag with
a `<figure` in a script or a comment inside it, and the story under it was lost. docs/architecture.md, "Review round 29"."""
from __future__ import annotations

import pytest
from test_copies_round4 import PARAMS, _labels, chrome_heavy
from test_copies_round7 import _clusters, _jsonl
from test_copies_round12 import _docs
from test_passages import STORY

from dedup.config import BuildConfig
from dedup.neardup.explain import explain_pair
from dedup.neardup.passages import (
    SITE_MIN_SHARED_WORDS,
    copies_by_passages,
    stories_above_shared,
)
from dedup.pipeline import build
from dedup.text.extract import extract_html
from dedup.text.hiddenstory import text_figures_as_boxes
from dedup.text.sentences import passages

# the story's top rewritten a day on (two paragraphs), the rest of it kept word for word
NEW_TOP = [
    ("WILSON, N.Y. (AP) - A girl killed when an early morning blast leveled her family's house in western New York "
     "was identified Wednesday as a twelve year old who had just started middle school, police said."),
    ("Investigators from the state fire marshal's office spent the night at the scene and said a propane leak in the "
     "basement was the most likely cause, though the final report will take several weeks."),
]


def _version(seed: int, top: list[str]) -> list[str]:
    """A page of one chrome-heavy site (300 teaser lines: MinHash alone never joins two of its pages) holding a
    version of the story: its top, then the story's body from the third paragraph on."""
    other = chrome_heavy("Lockport Journal", 300, seed)
    return other[:2] + top + STORY[2:] + other[2:]


def test_a_write_thru_whose_new_top_runs_into_the_body_it_keeps_joins_the_older_version():
    """Each page's own text (the old top, the new top: two paragraphs each) sits above the body they share, but right
    above it, with no chrome between: one story's two versions, not two stories over standing text. int29 split them
    (the one-site passage rule said no, and the two pages stayed two clusters); main joined them."""
    older, newer = _version(1, STORY[:2]), _version(2, NEW_TOP)
    found = passages(older), passages(newer)
    assert not stories_above_shared(*found)
    assert copies_by_passages(*found, PARAMS.passage_coverage, PARAMS.passage_site_paragraphs, SITE_MIN_SHARED_WORDS,
                              one_site=True)
    labels, _ = _labels([older, newer], [7, 7])
    assert labels[0] == labels[1], labels


def test_the_same_two_tops_with_the_sites_chrome_between_are_still_two_stories_over_standing_text():
    """The rule still holds where it was made for (H55): the chrome between each story and the standing text."""
    between = chrome_heavy("Lockport Journal", 8, 3)[2:10]
    older, newer = (passages(top + between + STORY[2:]) for top in (STORY[:2], NEW_TOP))
    assert stories_above_shared(older, newer)
    assert not copies_by_passages(older, newer, PARAMS.passage_coverage, PARAMS.passage_site_paragraphs,
                                  SITE_MIN_SHARED_WORDS, one_site=True)


def test_explain_reads_two_pages_of_no_known_site_as_one_site_as_the_build_does(tmp_path):
    """Round 12's two cuts over one small site's standing prose, crawled without URLs: the build keeps them apart (its
    sites: 0 and 0, one site), and `dedup explain` must not call their edge accepted by shared passages (int29 did: it
    asked `stories_above_shared` only of two pages with the same non-empty domain)."""
    docs = _docs()
    out = tmp_path / "out"
    build([str(_jsonl(tmp_path / "crawl.jsonl", [("blast-cut", None, docs[1]), ("schools-cut", None, docs[3])]))],
          out, BuildConfig(), workers=1)
    assert _clusters(out)["blast-cut"] != _clusters(out)["schools-cut"]
    result = explain_pair(out, "blast-cut", "schools-cut")
    assert result["shared_passages"]["paragraphs"] >= PARAMS.passage_site_paragraphs  # (the figures are shown)
    assert "accepted" not in result["verdict"], result


# ---------------------------------------------------------------- text42: a figure's tags in a script or a comment

STORY_PARAGRAPHS = "".join(f"<p>Paragraph {i} of the council story says the budget vote was delayed again after a long "
                           "and heated debate among its members.</p>" for i in range(8))


def _figure_page(inner: str) -> str:
    """A picture's figure holding `inner`, then the story, with no <div> around them (a `</div>` closes nothing)."""
    return ("<html><head><title>Budget vote delayed</title></head><body><article><h1>Budget vote delayed</h1>"
            f"<figure><img src=a.jpg alt=x>{inner}</figure>{STORY_PARAGRAPHS}</article></body></html>")


@pytest.mark.parametrize("inner", [
    "<script>var t = '<figure><pre>' + code + '</pre>';</script>",
    "<!-- <figure><table><tr><td>x</td></tr></table> -->",
    "<SCRIPT type='text/template'><figure class=x><table></table></SCRIPT>",
])
def test_a_figures_tags_in_a_script_or_a_comment_do_not_pair_with_the_pages_own(inner):
    """int29 paired the picture figure's own `</figure>` with the `<figure` of the script (comment) inside it, found a
    `<pre>` (`<table>`) between and renamed that `</figure>` to `</div>`: the picture's figure stayed open over the
    story and the whole story went with it (19 characters kept of 950). The parser reads no markup there."""
    html = _figure_page(inner)
    assert text_figures_as_boxes(html) == html
    text = extract_html(html, "https://example.com/news/budget").text
    assert all(f"Paragraph {i} of the council story" in text for i in range(8)), text


def test_a_table_in_a_figure_after_a_script_and_a_comment_is_still_read():
    """The figures the rule is for are still read as boxes when a script or a comment stands before them or in them."""
    html = ("<html><body><script>if (a < b) { x = '<figure>'; }</script><!-- <figure> -->"
            "<figure class=wp-block-table><!-- wp:table --><table><tr><td>Fee</td><td>12 dollars</td></tr></table>"
            "<figcaption>Fees</figcaption></figure><p>After.</p></body></html>")
    out = text_figures_as_boxes(html)
    assert out.count("<div class=wp-block-table>") == 1 and out.count("</div>") == 1
    assert "'<figure>'" in out and "<!-- <figure> -->" in out  # (a script's and a comment's text as they are)
