"""scripts: the Unicode ranges of the writing systems that the text rules tell apart, defined once.

Each constant is the inside of a regular-expression character class (`f"[{CJK}]"`), so that a rule can
join several (`f"[{CJK}{FULL_WIDTH}]"`). The rules that ask "is this Chinese, Japanese or Korean?" (a
title's site separators, a title segment's word count, the pages whose lines are read for other scripts'
bylines and digits) all read `CJK`; the word counts of scripts written without spaces read `HAN_KANA` and
`BRAHMIC` (`wordcount.py`); the language identifier's gate reads `SPACELESS_BROAD` (`language.py`).
"""

from __future__ import annotations

HIRAGANA = "\u3040-\u309f"
KANA = "\u3040-\u30ff"  # hiragana and katakana
# Han ideographs: CJK extension A, the unified ideographs, the compatibility ideographs ('﨑' U+FA11, a
# Japanese family name's letter); not the Yijing hexagram symbols between A and the unified block
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_SUPPLEMENT = "\U00020000-\U0003ffff"  # Han extensions B to H (planes 2 and 3)
HANGUL = "\uac00-\ud7af"  # Hangul syllables (Korean is written with spaces: `wordcount` counts it by them)
# full-width ASCII and punctuation, half-width kana and Hangul: the forms of East Asian typesetting
FULL_WIDTH = "\uff01-\uffef"

# the letters of Chinese, Japanese and Korean (in the Basic Multilingual Plane)
CJK = KANA + HAN + HANGUL
# ... and the full-width forms set among them ('头条新闻｜新华网', '２０２３年')
EAST_ASIAN = CJK + FULL_WIDTH

# the scripts written without spaces whose characters `wordcount` counts as parts of words: Han and kana
# (with the katakana phonetic extensions and half-width katakana), and the Thai family (Thai, Lao, Tibetan,
# Myanmar, Khmer and its symbols)
HAN_KANA = KANA + "\u31f0-\u31ff" + HAN + "\uff66-\uff9f" + HAN_SUPPLEMENT
BRAHMIC = "\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff"
# CJK punctuation (、。「」...), full-width punctuation (，！？：；（）...) and the half-width 。「」、
CJK_PUNCT = "\u3000-\u303f\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# the scripts of the languages shingled by characters, broadly (a gate before the language identifier, wide
# on purpose): the Thai family and the Myanmar extensions, the CJK blocks from the radicals to the unified
# ideographs (kana, bopomofo, CJK punctuation and Hangul jamo included), compatibility ideographs, half- and
# full-width forms and the supplementary ideographs
SPACELESS_BROAD = (BRAHMIC + "\u2e80-\u9fff\ua9e0-\ua9ff\uaa60-\uaa7f\uf900-\ufaff\uff00-\uffef"
                   + HAN_SUPPLEMENT)
