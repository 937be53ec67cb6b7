"""domchrome: lines inside elements the page names as chrome are marked; a wrapper around the story is not."""

from __future__ import annotations

import numpy as np
from resiliparse.parse.html import HTMLTree

from dedup.text.blockfeatures import FEATURE_NAMES, block_features
from dedup.text.domchrome import DOM_FEATURE_NAMES, chrome_marks
from dedup.text.layout import Line

STORY = "The council voted on Tuesday to approve the budget for the coming year after a long debate."
PAGE = f"""<html><body>
<div class="post single author-7 has-sidebar">
  <h1>Budget approved</h1>
  <p>{STORY}</p>
  <p>{STORY} It was the third vote.</p>
  <figure><img src="x.jpg"><figcaption>The council chamber on Tuesday.</figcaption></figure>
  <div class="Related-Posts"><h3>More on the council</h3>
    <ul><li><a href="/a">Council delays the road plan</a></li></ul></div>
  <div class="shareButtons"><span>Share this story</span></div>
  <div class="author-box"><p>Jane Doe covers the city hall.</p></div>
</div>
<aside><p>Most read today</p></aside>
</body></html>"""


def marks(lines: list[str]) -> dict[str, dict[str, float]]:
    m = chrome_marks(HTMLTree.parse(PAGE), [Line(t, "p", 0, 0) for t in lines])
    return {t: dict(zip(DOM_FEATURE_NAMES, row)) for t, row in zip(lines, m)}


def test_lines_in_chrome_boxes_get_their_group():
    got = marks(["Budget approved", STORY, f"{STORY} It was the third vote.", "The council chamber on Tuesday.",
                 "More on the council", "Council delays the road plan", "Share this story",
                 "Jane Doe covers the city hall.", "Most read today"])
    # the story sits in a div whose classes say author and sidebar, but it holds the story: a wrapper
    for line in ("Budget approved", STORY, f"{STORY} It was the third vote."):
        assert not any(got[line].values()), line
    assert got["The council chamber on Tuesday."]["dom_caption"] == 1
    assert got["More on the council"]["dom_related"] == 1          # class names match in any case
    assert got["Council delays the road plan"]["dom_related"] == 1
    assert got["Share this story"]["dom_social"] == 1              # "shareButtons"
    assert got["Jane Doe covers the city hall."]["dom_author"] == 1
    assert got["Most read today"]["dom_navigation"] == 1           # <aside>
    for line in got:
        assert got[line]["dom_any"] == max(v for k, v in got[line].items() if k != "dom_any")


def test_no_marks_without_chrome_or_lines():
    tree = HTMLTree.parse(f"<html><body><div class='story'><p>{STORY}</p><p>Short line.</p></div></body></html>")
    assert not chrome_marks(tree, [Line(STORY, "p", 0, 0), Line("Short line.", "p", 0, 0)]).any()
    assert chrome_marks(tree, []).shape == (0, len(DOM_FEATURE_NAMES))


def test_block_features_carry_the_marks_in_their_columns():
    lines = [Line(STORY, "p", 0, 0), Line("Share this story", "", 0, 0)]
    dom = chrome_marks(HTMLTree.parse(PAGE), lines)
    X = block_features(lines, None, dom=dom)
    cols = [FEATURE_NAMES.index(name) for name in DOM_FEATURE_NAMES]
    assert X.shape == (2, len(FEATURE_NAMES))
    assert np.array_equal(X[:, cols], dom)
    # without markup (no marks given) the columns are zeros
    assert not block_features(lines, None)[:, cols].any()
