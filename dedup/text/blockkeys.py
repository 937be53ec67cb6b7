"""blockkeys: what counts as the same block, the identity every repetition rule counts by.

`block_key` is the 64-bit hash of a block lower-cased with digits, punctuation and spacing folded (`block_norm`), so
`© 2023 Example Media` and `© 2024 Example Media` share a key. The extraction keys the page's section headings by it
(`heading_keys`, `extract.py`), the within-page and site passes their blocks (`blocks.py`), and the write stage
boilerplate/'s rows (`write.py`): one owner below all of them, so that extraction does not import the blocks stage.
"""

from __future__ import annotations

import hashlib
import re

from dedup.text.normalise import normalise_text

_DIGITS = re.compile(r"\d+")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def fold_digits(norm: str) -> str:
    """A `normalise_text` result -> its `block_norm` (every run of digits one '0'): digits are letters or
    digits to normalise_text, so folding them before or after it gives the same text."""
    if norm.isascii():  # most blocks: no digit at all, found by ten C scans rather than a Unicode regex
        return _ASCII_DIGITS.sub("0", norm) if any(d in norm for d in "0123456789") else norm
    return _DIGITS.sub("0", norm)


def block_norm(block: str) -> str:
    """Case, digits (any number -> 0), punctuation and whitespace folded."""
    return fold_digits(normalise_text(block))


def key_of_norm(norm: str) -> int:
    """A signed 64-bit hash of a normalised block (signed: a plain Int64 column in polars)."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def block_key(block: str) -> int:
    """The 64-bit key of a block's normalised text: equal keys, equal blocks for chrome counting."""
    return key_of_norm(block_norm(block))
