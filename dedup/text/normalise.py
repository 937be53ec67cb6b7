"""Text normalisation and block joining: the leaf every text, rights and near-duplicate module uses.

Pure functions on strings; nothing here imports another dedup module.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit


def join_blocks(blocks: list[str]) -> str:
    """Blocks -> text: one blank line between blocks."""
    return "\n\n".join(blocks)




def split_blocks(text: str) -> list[str]:
    """Plain text -> blocks: one block per non-empty line, whitespace tidied.

    Lines, not blank-line paragraphs: the extractor puts one paragraph-level element per line, and a
    menu or a "most read" list is one line per item, so each item is counted (and removed) alone.
    """
    blocks = []
    for line in text.split("\n"):
        line = " ".join(line.split())  # str.split() knows every Unicode space, and is faster than a regex
        if line:
            blocks.append(line)
    return blocks


_NON_WORD = re.compile(r"[\W_]+")


_ASCII_FOLD = bytes(ord(chr(c).lower()) if chr(c).isalnum() else ord(" ") for c in range(128)) + bytes(range(128, 256))


def normalise_text(text: str) -> str:
    """The exact-duplicate key text: NFKC, lower-case, every run of punctuation/space -> one space."""
    if text.isascii():  # the common case, ~10x faster than the regex
        return " ".join(text.encode("ascii").translate(_ASCII_FOLD).decode("ascii").split())
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def text_hash(text: str) -> str:
    """sha256 of the normalised text: equal for texts that differ only in case, spacing or punctuation."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def registered_domain(url: str | None) -> str | None:
    """Host of the URL, lower-case, without port and a leading 'www.'."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
