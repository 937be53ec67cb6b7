"""The script ranges of text/scripts.py are the ones every text rule reads: a rule that asks whether a
character is Chinese, Japanese or Korean gets the same answer wherever it asks."""

from __future__ import annotations

import re

from dedup.text import pageauthors, pagedates, scripts, titles, wordcount

HAN_COMPAT = "\ufa11"  # 﨑, a compatibility ideograph (a Japanese family name's letter)
HEXAGRAM = "\u4dc0"  # ䷀, a Yijing hexagram symbol between CJK extension A and the unified ideographs


def test_cjk_letters_are_han_kana_and_hangul():
    cjk = re.compile(f"[{scripts.CJK}]")
    for letter in ("汉", "漢", "\u3400", HAN_COMPAT, "ひ", "カ", "한"):
        assert cjk.fullmatch(letter), letter
    for other in (HEXAGRAM, "a", "я", "。", "Ａ", "\U00020000"):
        assert not cjk.fullmatch(other), other
    assert re.fullmatch(f"[{scripts.EAST_ASIAN}]+", "Ａ｜" + HAN_COMPAT)
    assert re.fullmatch(f"[{scripts.HAN_KANA}]+", "汉ひｶ\U00020000" + HAN_COMPAT)


def test_every_rule_reads_the_same_cjk_letters():
    # the rules that once spelled their own ranges: a compatibility ideograph is a letter to all of them,
    # a hexagram symbol to none
    for pattern in (titles._CJK, pageauthors._OTHER_SCRIPT_LETTER, pagedates._OTHER_DIGIT_SCRIPT):
        assert pattern.search(HAN_COMPAT) and not pattern.search(HEXAGRAM), pattern.pattern
    assert len(titles._UNSPACED_TITLE_SEPARATORS.split(f"x{HAN_COMPAT}-x")) == 3
    assert len(titles._UNSPACED_TITLE_SEPARATORS.split(f"x{HEXAGRAM}-x")) == 1
    assert titles.site_names(f"見出し{HAN_COMPAT}_日経") == {"日経"}
    assert wordcount.holds_spaceless(HAN_COMPAT) and not wordcount.holds_spaceless(HEXAGRAM)
