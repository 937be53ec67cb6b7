"""Block features and the lines they read: the fast forms give what the plain rules give (the counts in
`_line_row` on any whitespace-tidied text, as every Line's is; `tidy_spaces` on any text), and the
story-end features (the span of prose, the sections)."""

from __future__ import annotations

import gzip
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.text.blockfeatures import CASELESS_CAPITAL_RATE, FEATURE_NAMES, _span, block_features
from dedup.text.blockmodel import PROSE_LINE_WORDS, prose_words, shipped_model, whole_page_model
from dedup.text.layout import Line
from dedup.text.normalise import tidy_spaces
from conftest import shared_path
from dedup.text.wordcount import spaceless_words

_TEXT = st.text(st.characters(codec=None), max_size=50) | st.text(
    st.sampled_from("aA Zz09,.ÀÖØÞÉéΑΩωАЯя٣²\u00a0\t中\ud800"), max_size=50) | st.text(
    st.sampled_from("aA .?\"»ب،؟۔कि।॥ა한"), max_size=50)


def _caseless_letter(c: str) -> bool:
    """A character of a script without letter case (the ranges of `wordcount`, written out)."""
    o = ord(c)
    return any(lo <= o <= hi for lo, hi in ((0x0590, 0x077F), (0x0780, 0x07BF), (0x08A0, 0x08FF), (0x0900, 0x0DFF),
                                            (0x10D0, 0x10FF), (0x1100, 0x11FF), (0x1200, 0x137F), (0x3130, 0x318F),
                                            (0xAC00, 0xD7AF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFC)))


def _expected_capitals(text: str) -> float:
    """Capitals after a space or at the start (cased scripts); for a word of a caseless script, 1 where it
    starts the line or follows a word ending a sentence (closing quotes and brackets aside), else
    CASELESS_CAPITAL_RATE."""
    caps: float = len(re.findall(r"(?<!\S)[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]", text))
    words = text.split(" ")
    for i, word in enumerate(words):
        if word and _caseless_letter(word[0]):
            start = i == 0 or words[i - 1].rstrip("\"'\u201d\u2019\u00bb)").endswith(tuple(".!?।॥؟۔؛"))
            caps += 1 if start else CASELESS_CAPITAL_RATE
    return caps


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_digit_and_capital_shares_are_the_plain_rules(raw):
    text = " ".join(raw.split())
    if not text:
        return
    row = dict(zip(FEATURE_NAMES, block_features([Line(text, "p", 0, 0)], None)[0]))
    # words are spaces plus one, or word-equivalents for text written (partly) without spaces
    found = spaceless_words(text)
    n_words = text.count(" ") + 1 if found is None else max(1.0, found)
    assert row["digit_share"] == sum(map(text.count, "0123456789")) / len(text)
    assert row["capitalised_share"] == pytest.approx(_expected_capitals(text) / n_words, rel=1e-12)
    if not any(_caseless_letter(c) for c in text):  # cased scripts only: exactly the plain rule of the models
        assert row["capitalised_share"] == len(re.findall(r"(?<!\S)[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]", text)) / n_words


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_line_tidying_is_split_and_join(text):
    assert tidy_spaces(text) == " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT | st.just("word " * 20), st.integers(0, 200)), max_size=5))
def test_prose_words_counts_words_as_split_does(rows):
    lines = [Line(" ".join(text.split()), "p", link_chars, 0) for text, link_chars in rows]

    def words(text: str) -> float:
        found = spaceless_words(text)
        return len(text.split()) if found is None else found

    expected = sum(words(ln.text) for ln in lines
                   if words(ln.text) >= PROSE_LINE_WORDS and ln.link_chars <= 0.2 * len(ln.text))
    assert prose_words(lines) == expected

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


def _numpy_walk(model, X: np.ndarray) -> np.ndarray:
    """The trees' probabilities by the array-at-a-time walk `TreeModel.predict` used before it was compiled."""
    flat = np.ascontiguousarray(X, dtype=np.float64).reshape(-1)
    row_start = (np.arange(len(X)) * X.shape[1])[:, None]
    node = np.broadcast_to(model.roots, (len(X), len(model.roots)))
    for _ in range(model.depth):
        x = flat.take(row_start + model.feature.take(node))
        node = model.children.take(2 * node + (x > model.threshold.take(node)))
    return 1.0 / (1.0 + np.exp(-(model.baseline + model.value.take(node).sum(axis=1))))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 40), st.booleans())
def test_compiled_tree_walk_is_the_numpy_walk(seed, n, whole):
    model = whole_page_model() if whole else shipped_model()
    rng = np.random.default_rng(seed)
    # feature values around the trees' own thresholds (ties included), so both branches of each node are taken
    X = rng.choice(model.threshold, size=(n, len(model.features))) + rng.choice([-1e-9, 0.0, 1e-9], (n, 1))
    assert model.predict(X).tobytes() == _numpy_walk(model, X).tobytes()


@settings(max_examples=300, deadline=None)
@given(_TEXT | st.text(st.sampled_from("ab |•·»›\u2022"), max_size=8))
def test_separator_test_is_the_character_class(text):
    from dedup.text.blockfeatures import _has_separator
    assert _has_separator(text) == (re.search("[|•·»›]", text) is not None)


# ----------------------------------------------------------------------------------------------
# the compiled page columns against the numpy expressions they replaced (the same bits, so the same model
# decisions): random pages, and the real pages of two corpora through both of the models' line readers

def _numpy_features(lines: list[Line], title: str | None, story_end: bool = True) -> np.ndarray:
    """`block_features` as numpy expressions, the form before `_page_columns` was compiled."""
    from dedup.text.blockfeatures import (_IS_TITLE, BASE_FEATURE_NAMES, LINK_HEAVY, LONG_PARAGRAPH_WORDS,
                                          PROSE_WORDS, SPAN_COSTS, _line_row, _norm)
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES if story_end else BASE_FEATURE_NAMES)))
    title_norm = _norm(title) if title else ""
    X = np.array([_line_row(line, title_norm, frozenset(title_norm.split())) for line in lines], dtype=np.float64)
    idx = np.arange(n)
    words = np.expm1(X[:, 0])
    long_par = (words >= LONG_PARAGRAPH_WORDS) & (X[:, 2] < LINK_HEAVY)
    body = np.flatnonzero(long_par)
    if len(body):
        first, last = body[0], body[-1]
        pos = np.searchsorted(body, idx)
        dist = np.minimum(np.where(pos > 0, idx - body[np.maximum(pos - 1, 0)], n),
                          np.where(pos < len(body), body[np.minimum(pos, len(body) - 1)] - idx, n))
    else:
        first, last = n, -1
        dist = np.full(n, n)
    titles = np.flatnonzero(X[:, _IS_TITLE] > 0)
    title_at = titles[0] if len(titles) else -1
    total_words = max(1.0, words.sum())
    place = np.stack([
        idx / n, (idx < first).astype(float), (idx > last).astype(float), np.log1p(np.minimum(dist, 50)),
        (idx < title_at).astype(float) if title_at >= 0 else np.zeros(n),
        np.full(n, 1.0 if title_at >= 0 else 0.0), np.full(n, math.log1p(total_words)), words / total_words], axis=1)
    padded = np.zeros((n + 4, 5))
    padded[2:-2] = X[:, [0, 2, 5, 9, 10]]
    neighbours = np.concatenate([padded[1:-3], padded[3:-1], padded[0:-4], padded[4:]], axis=1)
    cols3 = np.stack([X[:, 2], X[:, 0], long_par], axis=1)
    csum = np.concatenate([np.zeros((1, 3)), np.cumsum(cols3, axis=0)])
    lo, hi = np.maximum(idx - 3, 0), np.minimum(idx + 4, n)
    window = (csum[hi] - csum[lo]) / (hi - lo)[:, None]
    if not story_end:
        return np.concatenate([X, place, neighbours, window], axis=1)
    link = X[:, 2]
    prose = np.where((words >= PROSE_WORDS) & (link < LINK_HEAVY), words * (1 - link), 0.0)
    cols = []
    for cost in SPAN_COSTS:
        cum = np.concatenate([[0.0], np.cumsum(prose - cost)])
        gain = cum[1:] - np.minimum.accumulate(cum[:-1])
        end = int(np.argmax(gain))
        start, end = (-1, -2) if gain[end] <= 0 else (end - int(np.argmin(cum[end::-1])), end)
        cols += [((idx >= start) & (idx <= end)).astype(float),
                 np.log1p(np.maximum(idx - end, 0)) if end >= 0 else np.zeros(n),
                 np.log1p(np.maximum(start - idx, 0)) if start >= 0 else np.zeros(n)]
    cum = np.cumsum(prose)
    total = max(1.0, float(cum[-1]))
    cols += [(total - cum) / total, (cum - prose) / total]
    section = np.cumsum((X[:, 6] + X[:, 7]) > 0)
    m = int(section[-1]) + 1
    sec_words = np.maximum(1.0, np.bincount(section, weights=words, minlength=m))
    sec_link = np.bincount(section, weights=words * link, minlength=m)
    sec_long = np.bincount(section, weights=np.where(words >= LONG_PARAGRAPH_WORDS, words, 0.0), minlength=m)
    cols += [(sec_link / sec_words)[section], (sec_long / sec_words)[section],
             np.log1p(np.bincount(section, minlength=m))[section], np.log1p(sec_words)[section]]
    return np.concatenate([X, place, neighbours, window, np.stack(cols, axis=1)], axis=1)


_LINE = st.builds(lambda text, tag, links, title: Line(" ".join(text.split()), tag, links, links // 20 + 1),
                  _TEXT | st.just(PROSE) | st.just("Headline of the story") | st.just("word " * 12),
                  st.sampled_from(["p", "", "h1", "h2", "h4", "pre", "li"]), st.integers(0, 300), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=30), st.none() | st.just("Headline of the story") | _TEXT, st.booleans())
def test_compiled_page_columns_are_the_numpy_expressions(lines, title, story_end):
    lines = [ln for ln in lines if ln.text]
    got, expected = block_features(lines, title, story_end), _numpy_features(lines, title, story_end)
    assert got.shape == expected.shape and got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("corpus", ["dragnet", "cleaneval"])
def test_compiled_page_columns_on_real_pages(corpus):
    from resiliparse.parse.html import HTMLTree

    from dedup.text.blockmodel import main_content_lines, whole_page_lines
    from dedup.text.pagechecks import decode_html
    pages = sorted(shared_path("corpora", corpus, "input").glob("*.html*"))[:80]
    assert pages
    checked = 0
    for page in pages:
        data = page.read_bytes()
        tree = HTMLTree.parse(decode_html(gzip.decompress(data) if page.suffix == ".gz" else data))
        for lines, story_end in ((main_content_lines(tree), True), (whole_page_lines(tree), False)):
            got, expected = block_features(lines, tree.title, story_end), _numpy_features(lines, tree.title, story_end)
            assert got.tobytes() == expected.tobytes(), page.name
            checked += len(lines)
        del tree
    assert checked > 1000
