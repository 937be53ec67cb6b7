"""Block features and the lines they read: the fast forms give what the plain rules give (the counts in
`_line_row` on any whitespace-tidied text, as every Line's is; the tidying of `read_minimal_html` on any text)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.text.blockfeatures import FEATURE_NAMES, block_features
from dedup.text.layout import Line, _tidy

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
    assert _tidy(text) == " ".join(text.split())
