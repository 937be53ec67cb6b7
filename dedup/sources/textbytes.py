"""Plain-text payload bytes -> str: a byte order mark, UTF-16 or UTF-32 without one (of any script), a declared
charset that names a text encoding, else UTF-8 with replacement characters. Out of `read` since round 10, which
taught it UTF-16/32 text of other scripts without a mark (`normalise.unmarked_wide`, `wide_by_script`).
"""

from __future__ import annotations

import codecs
from collections import Counter

from dedup.text.normalise import (bom_encoding, browser_encoding, unmarked_wide, url_without_controls, wide_by_script,
                                  without_c1_controls, without_controls, without_lone_surrogates)

# run.json: records whose text (a text record's, or what extraction found in a page) held control characters, removed
CONTROLS = "tolerated.control_characters"
C1_CONTROLS = "tolerated.c1_control_characters"   # run.json: records whose text held U+0080-U+009F (`c1_controls_read`)
URL_CONTROLS = "tolerated.url_control_characters"   # run.json: records whose URL held them (`url_without_controls`)
# run.json: records kept whose URL's host the WHATWG host parser refuses (`normalise.refused_host`): no `domain`
REFUSED_HOST = "tolerated.url_host_refused"


def decode_text(payload: bytes, charset: str | None) -> str:
    """Plain-text bytes -> str by the declared charset when it is a text encoding, else UTF-8 with
    replacement characters (a charset of 'rot13' or 'base64' names a codec that is not one). A byte order
    mark comes first, then UTF-16 or UTF-32 without one, as for HTML (`bom_encoding`, `unmarked_wide`)."""
    marked = bom_encoding(payload) or (unmarked_wide(payload), 0)
    if marked[0] is not None:
        return without_lone_surrogates(payload[marked[1]:].decode(marked[0], errors="replace"))
    charset = browser_encoding(charset) if charset else charset
    if charset and known_codec(charset) and codecs.lookup(charset).name != "utf-8":
        try:
            return without_lone_surrogates(payload.decode(charset, errors="replace"))
        except (UnicodeError, LookupError, ValueError, TypeError):
            pass
    try:   # no UTF-8: it may be UTF-16 text of a script without spaces (CJK), which holds no NUL (round 10)
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode(wide_by_script(payload) or "utf-8", errors="replace")


def wide_str(text: str) -> str:
    """A JSON or Parquet `text` that is UTF-16 or UTF-32 read one byte a character ('T\\0h\\0e\\0'), as the text."""
    if "\0" not in text[:1024] or not text.isascii() and max(text) > "\xff":
        return text
    raw = text.encode("latin-1")
    return raw.decode(encoding, errors="replace") if (encoding := unmarked_wide(raw)) else text


def known_codec(name: str | None) -> bool:
    """Is `name` a codec of text (not `rot13`, `base64`, `zlib`: bytes to bytes)?"""
    if not name:
        return False
    try:
        return codecs.lookup(name)._is_text_encoding  # bytes<->bytes codecs (zlib, hex) are not
    except LookupError:
        return False


def controls_removed(row: dict, stats: Counter) -> dict:
    """`row` (of any format) with its `text` without control characters (`normalise.without_controls`: NUL and the
    C0 controls but white space, DEL), counted once per record in run.json's `tolerated.control_characters`. Until
    round 13 of the hostile inputs a text record's NULs and escape codes were published in its `text`. Its `url` (of
    any record, HTML too) as the WHATWG URL parser reads its control characters (`normalise.url_without_controls`),
    counted in `tolerated.url_control_characters`: until then it was published as it came, tab and BEL in it. Its C1
    controls (U+0080-U+009F) read as the Windows-1252 or UTF-8 bytes they were (`normalise.c1_controls_read`), counted
    in `tolerated.c1_control_characters`: until round 14 they were published (U+0093 where a curly quote was)."""
    text = row.get("text")
    if isinstance(text, str) and (kept := without_controls(text)) is not text:
        row["text"] = text = kept
        stats[CONTROLS] += 1
    if isinstance(text, str) and (read := without_c1_controls(text)) is not text:
        row["text"] = read
        stats[C1_CONTROLS] += 1
    url = row.get("url")
    if isinstance(url, str) and (kept := url_without_controls(url)) is not url:
        row["url"] = kept
        stats[URL_CONTROLS] += 1
    return row
