"""sentences: a text's long sentences, its *passages*: what one is, its 64-bit key, its size in words.

A passage is a sentence of at least PASSAGE_MIN_WORDS words (case, punctuation and courtesy titles folded),
kept as a 64-bit hash with its word count and the paragraph (block) it sits in (`passages`). Two rules read
them: the near-duplicate verification compares two pages' passages (`neardup/passages.py`: the paragraph-level
evidence of a copy), and the server-page rule counts a page's passage words (`serverpages.is_status_page`: a
page naming itself a redirect or an error holds little text besides). The tokeniser is text-level, so that the
within-page pass (`blocks.page_batch`) decides a server page without importing the near-duplicate stage.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedup.memory import memo
from dedup.text.normalise import high_chars, non_word_chars
from dedup.text.wordcount import HAN_KANA_CHARS_PER_WORD, holds_spaceless, spaceless_words

PASSAGE_MIN_WORDS = 8  # shorter sentences ("He declined to comment.") are shared by chance
# outlets differ in courtesy titles ("Smith said" / "Mr Smith said"): a sentence is compared without them
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx"})

_WORD = re.compile(r"\w+")
_MAY_HAVE_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|dr|mx)\b")
# a sentence ends at . ! ? (and any closing quote or bracket after it) followed by space
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
# or, in a text that holds one, at 。！？ (and any closing quote or bracket after it), which Chinese and Japanese
# follow with no space (one pattern for both would take twice as long on every other text)
_SPACELESS_SENTENCE_END = re.compile(_SENTENCE_END.pattern + r"|(?<=[。！？])[」』”’）)\]]*\s*")
# a block shorter than this holds no passage: 8 words and their spaces, or 8 word-equivalents of Han / kana
_MIN_BLOCK_CHARS = min(2 * PASSAGE_MIN_WORDS - 1, math.ceil(PASSAGE_MIN_WORDS * HAN_KANA_CHARS_PER_WORD))


@dataclass(frozen=True, slots=True)
class Passages:
    """One document's passages: hash, words and paragraph of each, distinct hashes sorted."""

    keys: np.ndarray  # uint64, sorted, unique
    words: np.ndarray  # uint16: the sentence's word count
    blocks: np.ndarray  # uint16: the paragraph it first appears in (capped at 65535)

    @property
    def total_words(self) -> int:
        """Words in all the document's passages."""
        return int(self.words.sum())


EMPTY = Passages(np.empty(0, np.uint64), np.empty(0, np.uint16), np.empty(0, np.uint16))


# ASCII fast path: one bytes.translate lower-cases and turns every non-word character into a space
# (but NUL, the sentence mark `passages` puts at sentence ends)
_ASCII_WORDS = bytes(ord(chr(c).lower()) if chr(c).isalnum() or chr(c) in "_\0" else ord(" ") for c in range(128)) \
    + bytes(range(128, 256))


def sentence_words(sentence: str) -> list[str]:
    """A sentence's words, lower-case, courtesy titles dropped: the form passages are compared in."""
    if sentence.isascii():
        folded = sentence.encode("ascii").translate(_ASCII_WORDS).decode("ascii")
        words = folded.split()
        if not _MAY_HAVE_TITLE.search(folded):
            return words
    else:
        words = _WORD.findall(sentence.lower())
    return [w for w in words if w not in COURTESY_TITLES]


def sentence_size(words: list[str]) -> int:
    """The words of a sentence (its `sentence_words`) that a passage counts: their number, or the sentence's
    word-equivalents (`wordcount.spaceless_words`, rounded down) where it is written without spaces, whose
    "words" here are whole clauses ('他说' and '一九九七年是我国发展进程中很不平凡的一年')."""
    return len(words) if all(w.isascii() for w in words) else _size(" ".join(words), len(words))


def _size(sentence: str, words: int) -> int:
    """`sentence_size` of a sentence's words joined by spaces, `words` of them."""
    found = spaceless_words(sentence)
    return words if found is None else int(found)


_PADDED_TITLE = re.compile(rb" (?:" + "|".join(sorted(COURTESY_TITLES)).encode("ascii") + rb") ")
_TITLE_BYTES = frozenset(t.encode("ascii") for t in COURTESY_TITLES)


def sentence_ends(block: str) -> re.Pattern[str]:
    """Where a block's sentences end: at . ! ? before a space, and at 。！？ in a block that holds one."""
    if block.isascii() or ("。" not in block and "！" not in block and "？" not in block):
        return _SENTENCE_END
    return _SPACELESS_SENTENCE_END


def _sentences(block: str) -> tuple[list[list[bytes]], bool]:
    """The UTF-8 words of each sentence of a block (no NUL in it), as `sentence_words` gives them: the
    whole paragraph folded at once, its sentence ends marked with NUL. Lower-casing after the marks
    reads the same context as per sentence (a mark is between spaces, which stop a final sigma's look).
    The ASCII bytes are folded in C; a multi-byte character's bytes are all >= 128, so it stays whole,
    and the few distinct ones that are not letters or digits (quotes, dashes) become spaces. With them:
    whether the block holds a character of a script written without spaces (among those distinct ones)."""
    marked = sentence_ends(block).sub(" \0 ", f" {block} ")
    if not marked.isascii():
        marked = marked.lower()  # the ASCII letters are lower-cased by the table
    data = marked.encode("utf-8", "surrogatepass").translate(_ASCII_WORDS)
    high = high_chars(data)
    for char in non_word_chars(data, high):
        data = data.replace(char.encode("utf-8", "surrogatepass"), b" ")
    sentences = [s.split() for s in data.split(b"\0")]
    if _PADDED_TITLE.search(data):
        sentences = [[w for w in s if w not in _TITLE_BYTES] for s in sentences]
    return sentences, holds_spaceless("".join(high))


# A block's passages depend on its text alone: remembered for the blocks seen last (the copies of a story
# share their paragraphs, the pages of a site their chrome), so most are worked out once
BLOCK_MEMO = 16384


@memo(BLOCK_MEMO)
def _block_passages(block: str) -> tuple[tuple[int, int], ...]:
    """(key, size) of each passage of one block, in the order of its sentences (repeats included)."""
    out = []
    # (`spaceless`: the block holds a script written without spaces; else every sentence counts its words
    # by their number, as it always did)
    if "\0" in block:  # the sentence mark itself: sentence by sentence
        sentences = [[w.encode("utf-8") for w in sentence_words(s)] for s in sentence_ends(block).split(block)]
        spaceless = holds_spaceless(block)
    else:
        sentences, spaceless = _sentences(block)
    for words in sentences:
        if not spaceless and len(words) < PASSAGE_MIN_WORDS:  # (most sentences: decided before any join)
            continue
        joined = b" ".join(words)
        size = len(words) if not spaceless or joined.isascii() else \
            _size(joined.decode("utf-8", "surrogatepass"), len(words))
        if size < PASSAGE_MIN_WORDS:
            continue
        digest = hashlib.blake2b(joined, digest_size=8).digest()
        out.append((int.from_bytes(digest, "little"), size))
    return tuple(out)


def passages(blocks: Sequence[str]) -> Passages:
    """The passages of a document's kept blocks (each block one paragraph)."""
    found: dict[int, tuple[int, int]] = {}
    for b, block in enumerate(blocks):
        if len(block) < _MIN_BLOCK_CHARS:  # too short for a passage's words
            continue
        for key, size in _block_passages(block):
            if key not in found:
                found[key] = (size, b)
    if not found:
        return EMPTY
    keys = np.fromiter(found, dtype=np.uint64, count=len(found))
    order = np.argsort(keys)
    info = np.minimum(np.asarray(list(found.values()), dtype=np.int64), 65535).astype(np.uint16)[order]
    return Passages(keys[order], info[:, 0].copy(), info[:, 1].copy())
