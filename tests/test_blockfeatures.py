"""Block features and the lines they read: the fast forms give what the plain rules give (the counts in
`_line_row` on any whitespace-tidied text, as every Line's is; `tidy_spaces` on any text)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.text.blockfeatures import FEATURE_NAMES, block_features
from dedup.text.blockmodel import PROSE_LINE_WORDS, prose_words
from dedup.text.layout import Line
from dedup.text.normalise import tidy_spaces

_TEXT = st.text(st.characters(codec=None), max_size=50) | st.text(
    st.sampled_from("aA Zz09,.ÀÖØÞÉéΑΩωАЯя٣²\u00a0\t中\ud800"), max_size=50)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_digit_and_capital_shares_are_the_plain_rules(raw):
    text = " ".join(raw.split())
    if not text:
        return
    row = dict(zip(FEATURE_NAMES, block_features([Line(text, "p", 0, 0)], None)[0]))
    n_words = text.count(" ") + 1
    assert row["digit_share"] == sum(map(text.count, "0123456789")) / len(text)
    assert row["capitalised_share"] == len(re.findall(r"(?<!\S)[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]", text)) / n_words


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_line_tidying_is_split_and_join(text):
    assert tidy_spaces(text) == " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT | st.just("word " * 20), st.integers(0, 200)), max_size=5))
def test_prose_words_counts_words_as_split_does(rows):
    lines = [Line(" ".join(text.split()), "p", link_chars, 0) for text, link_chars in rows]
    expected = sum(len(ln.text.split()) for ln in lines
                   if len(ln.text.split()) >= PROSE_LINE_WORDS and ln.link_chars <= 0.2 * len(ln.text))
    assert prose_words(lines) == expected
