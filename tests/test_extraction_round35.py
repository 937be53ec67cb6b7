"""Round 35 (issue 12): a picture's credit the page sets in parentheses on a line of its own, whatever the word of its
label (dedup/text/asidecredits.py, docs/extraction.md "Round 35"). Each fixture is a short news page extracted alone:
main kept such a credit between the story's paragraphs, because the credit guard does not know the word "credit".
"""

from __future__ import annotations

import html as html_lib
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st
from test_cleaning import HEADLINE, STORY, assert_story_kept, page, unseen_pages

import dedup.text.extract as extract_module
from dedup.text.asidecredits import parenthesised_credit, parenthesised_credit_lines
from dedup.text.extract import extract_html
from dedup.text.lineguards import CREDIT_LINE

URL = "https://www.millbrook-ledger.example/news/2024/flood-barrier"


def story_with(lines_between: list[str]) -> str:
    """The test page with `lines_between` set as picture captions between its second and third paragraphs."""
    figures = "".join(f'<div class="img"><img src="/p/{i}.jpg"><p>{html_lib.escape(line, quote=False)}</p></div>'
                      for i, line in enumerate(lines_between))
    html = page()
    third = f"<p>{html_lib.escape(STORY[2], quote=False)}</p>"
    return html.replace(third, figures + third, 1)


def test_a_parenthesised_credit_between_the_paragraphs_goes():
    """salon.com's "(Credit: Clayton Aldern / Grist)" and correiobraziliense's "(crédito: Minervino
    Júnior/CB/D.A.Press)" (trafilatura-eval, half A of the text35 split): main kept both as story text."""
    credits = ["(Credit: Clayton Aldern / Grist)", "(crédito: Minervino Júnior/CB/D.A.Press)"]
    ex = extract_html(story_with(credits), URL)
    assert_story_kept(ex.blocks)
    for credit in credits:
        assert credit not in ex.blocks
        assert credit in ex.removed_blocks
    assert ex.removed_reasons.count(CREDIT_LINE) >= 2


def test_a_source_line_an_aside_and_a_dated_notice_stay():
    """One name after the label is a story's source line; a parenthesised sentence, a date or a year is no credit."""
    lines = ["(Source: Reuters)", "(Updated: March 5, 2024)", "(See also: the county's report on the levee)",
             "(Editor's note: this story was corrected on Wednesday.)", "(© 2024: Millbrook Ledger)"]
    ex = extract_html(story_with(lines), URL)
    assert_story_kept(ex.blocks)
    for line in lines:
        assert not parenthesised_credit(line), line
    assert CREDIT_LINE not in ex.removed_reasons


def test_the_shape_of_a_parenthesised_credit():
    assert parenthesised_credit("(Photo credit: Jane Doe / Millbrook Ledger)")
    assert parenthesised_credit("(Fotó: Kovács Bence / MTI)")
    assert parenthesised_credit(" (Credit: Josh Miller/CNET). ")
    assert not parenthesised_credit("Credit: Clayton Aldern / Grist")  # not in parentheses: `lineguards`' question
    assert not parenthesised_credit("(Credit: Clayton Aldern / Grist) and more words after it")
    assert not parenthesised_credit("(Three words label: Jane Doe / AP)")
    assert not parenthesised_credit("(" + "Credit: " + " / ".join(["Jane Doe"] * 10) + ")")  # too many names


def test_a_page_of_credits_only_keeps_them():
    """A page the rule would leave under MIN_KEPT_CHARS loses nothing (as every rule of the kept lines)."""
    kept = ["(Credit: Jane Doe / AP)", "Short."]
    assert parenthesised_credit_lines(kept) == []
    assert parenthesised_credit_lines(["(Credit: Jane Doe / AP)", STORY[0]]) == [0]


def test_the_credits_of_real_unseen_pages_go():
    """trafilatura-eval (half A of the text35 split): salon.com's and correiobraziliense's credits (`without`
    snippets) go, every `with` snippet stays. Skipped without ../shared."""
    pages = ["https://www.salon.com/2020/01/10/despite-everything", "https://www.correiobraziliense.com.br/politica/"]
    for prefix, note, ex, text in unseen_pages(pages):
        assert CREDIT_LINE in ex.removed_reasons, prefix
        assert "Credit: Clayton Aldern" not in text and "crédito: Minervino" not in text
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)


_WORDS = st.sampled_from("harbour county wall flood board meeting route summer Jane Doe AP Grist Credit Photo "
                         "( ) : / reporting".split())
_LINE = st.lists(_WORDS, min_size=1, max_size=10).map(" ".join)
_SHAPED = st.tuples(st.sampled_from(["Credit", "Photo credit", "Bild", "crédito"]),
                    st.lists(st.sampled_from(["Jane", "Doe", "AP", "/", "Grist", "Reuters"]), min_size=1, max_size=6)
                    ).map(lambda t: f"({t[0]}: {' '.join(t[1])})")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(_LINE, _SHAPED), min_size=1, max_size=6))
def test_the_rule_never_invents_text_and_is_idempotent(lines):
    """Property: with the rule the kept lines are those kept without it, in order, less some (never a line added,
    changed or moved), every removed line is recorded with its reason, and the rule finds nothing more in its own
    output."""
    html = story_with(lines)
    with_rule = extract_html(html, URL)
    with patch.object(extract_module, "parenthesised_credit_lines", lambda kept: []):  # the rule switched off
        without = extract_html(html, URL)
    rest = iter(without.blocks)
    assert all(any(line == other for other in rest) for line in with_rule.blocks)  # a subsequence
    assert len(without.blocks) - len(with_rule.blocks) == (with_rule.removed_reasons.count(CREDIT_LINE)
                                                           - without.removed_reasons.count(CREDIT_LINE))
    assert parenthesised_credit_lines(with_rule.blocks) == []
    assert HEADLINE not in with_rule.blocks


def test_names_without_a_slash_are_a_source_a_reporters_credit_or_a_headline_not_a_pictures_credit():
    # review of round 35: the shape fired on capitalised words alone; a picture's credit sets its maker and agency
    # apart by a slash, a source line or an 'Additional reporting' line joins names by 'and' and stays
    for line in ("(Sources: Reuters and AFP)", "(Additional reporting: Jane Doe and John Roe)",
                 "(Update: Police Say Suspect Arrested)", "(Watch: Joe Biden And Kamala Harris)",
                 "(Disclosure: Amazon And Google)"):
        assert not parenthesised_credit(line), line
    for line in ("(Credit: Clayton Aldern / Grist)", "(crédito: Minervino Júnior/CB/D.A.Press)"):
        assert parenthesised_credit(line), line
