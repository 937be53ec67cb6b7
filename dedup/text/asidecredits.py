"""asidecredits: a picture's credit the page sets in parentheses on a line of its own, whatever its label's word.

`lineguards.credit_reason` knows a credit by its marker's word ("Foto:", "Bild:", "Photo:", "©"), and leaves out the
word "credit" on purpose: dragnet's gold keeps "Photo credit: ..." lines as story text (round 14). On unseen pages
the credits it misses are written "(Credit: Clayton Aldern / Grist)", "(crédito: Minervino Júnior/CB/D.A.Press)":
a line that is only an opening parenthesis, a one- or two-word label closed by ':', names, and the closing
parenthesis. The shape is the evidence, not the label's word (any language written with capital letters): a story's
sentence does not stand in parentheses on a line of its own as a label and a list of capitalised names, one of them
set apart by a slash, as a picture's maker and agency are ("Name / Agency") (round 35). A single name after the
label ("(Source: Reuters)") stays: a story's source line, as `credit_reason`'s unmarked-credit rule also keeps it; so
do names joined only by commas or "and" ("(Sources: Reuters and AFP)", "(Additional reporting: Jane Doe and John
Roe)", "(Watch: Joe Biden And Kamala Harris)": a source, a reporters' credit or a headline, no picture's credit; the
lead's review fix of round 35).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dedup.text.cleaning import MIN_KEPT_CHARS
from dedup.text.lineguards import _NAMES, CREDIT_MAX_NAMES, _credit_words

# the least names after the label: one name is a source line ("(Source: Reuters)"), two are a credit
MIN_CREDIT_NAMES = 2
# a label of one or two words of letters closed by ':', then only names (`lineguards`' credit names: capitalised
# words, agencies, joining words, separators), the whole line inside one pair of parentheses
_PARENTHESISED_CREDIT = re.compile(rf"\(\s*[^\W\d_]+(?:\s+[^\W\d_]+)?\s?:{_NAMES}\s*\)\.?")
MAX_CREDIT_CHARS = 200  # a credit is short; a longer parenthesised line is not read


def parenthesised_credit(text: str) -> bool:
    """Is `text` a credit set in parentheses: "(Credit: Clayton Aldern / Grist)", "(crédito: Minervino
    Júnior/CB/D.A.Press)"? A label of one or two words and ':', then MIN_CREDIT_NAMES to CREDIT_MAX_NAMES words of
    names and no year (a copyright notice is the licence reader's evidence, as in `lineguards`), a slash among them."""
    text = text.strip()
    if len(text) > MAX_CREDIT_CHARS or not text.startswith("(") or not text.endswith((")", ").")) or ":" not in text:
        return False
    if "/" not in text:
        return False
    m = _PARENTHESISED_CREDIT.fullmatch(text)
    return m is not None and MIN_CREDIT_NAMES <= _credit_words(m) <= CREDIT_MAX_NAMES


def parenthesised_credit_lines(kept: Sequence[str]) -> list[int]:
    """The positions in `kept` of the `parenthesised_credit` lines, anywhere on the page (a credit sits under its
    picture, between the story's paragraphs); none when the page would be left with under MIN_KEPT_CHARS."""
    found = [k for k, text in enumerate(kept) if text[:1] == "(" and parenthesised_credit(text)]
    if not found:
        return []
    gone = set(found)
    left = sum(len(text) for k, text in enumerate(kept) if k not in gone)
    return found if left >= MIN_KEPT_CHARS else []
