"""The story-end features of blockfeatures: the span of prose, the sections."""

from __future__ import annotations

import numpy as np

from dedup.text.blockfeatures import FEATURE_NAMES, _span, block_features
from dedup.text.layout import Line

PROSE = " ".join(["word"] * 40)


def col(X: np.ndarray, name: str) -> list[float]:
    return [round(float(v), 3) for v in X[:, FEATURE_NAMES.index(name)]]


def test_span_is_the_run_with_the_most_net_prose():
    assert _span(np.array([-6.0, 30.0, -6.0, 30.0, -6.0, -6.0])) == (1, 3)
    # a lone paragraph far below, behind many costly lines, is left out of the span
    assert _span(np.array([30.0, 30.0, -6.0, -6.0, -6.0, -6.0, -6.0, -6.0, 20.0])) == (0, 1)
    assert _span(np.array([-1.0, -2.0])) == (-1, -2)


def test_lines_after_the_story_are_marked_after_its_span():
    lines = [Line("Headline of the story", "h1", 0, 0), Line(PROSE, "p", 0, 0), Line(PROSE, "p", 0, 0),
             Line("More from the site", "h3", 0, 0), Line("Another story title", "", 19, 1),
             Line("Another story title two", "", 23, 1), Line("Photo: Jane Doe", "", 0, 0)]
    X = block_features(lines, "Headline of the story")
    assert X.shape == (len(lines), len(FEATURE_NAMES))
    assert col(X, "span6_inside") == [0, 1, 1, 0, 0, 0, 0]
    assert [v > 0 for v in col(X, "span6_log_after")] == [False] * 3 + [True] * 4
    assert col(X, "prose_after_share")[1:] == [0.5, 0, 0, 0, 0, 0]
    # the teaser section under "More from the site" is mostly link text; the story's section is not
    links = col(X, "section_link_share")
    assert links[1] == 0 and links[4] >= 0.5


def test_features_on_a_page_without_prose_or_headings():
    X = block_features([Line("Home", "", 4, 1), Line("About", "", 5, 1)], None)
    assert X.shape == (2, len(FEATURE_NAMES))
    assert col(X, "span6_inside") == [0, 0] and col(X, "prose_after_share") == [1, 1]
    assert np.isfinite(X).all()
