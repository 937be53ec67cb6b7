"""Text normalisation and block joining: the leaf every text, rights and near-duplicate module uses.

Pure functions on strings; nothing here imports another dedup module.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import html as html_lib
import re
import unicodedata
from typing import Callable
from urllib.parse import unquote, urlsplit

from dedup.text.ipv4host import ipv4_address, might_be_number


# what separates a text's blocks (paragraphs): one blank line, in every text a build signs and publishes
BLOCK_BREAK = "\n\n"


def join_blocks(blocks: list[str]) -> str:
    """Blocks -> text: one blank line between blocks."""
    return BLOCK_BREAK.join(blocks)


# byte order marks, and the encoding each one says (UTF-32's, which start like UTF-16's, first)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def bom_encoding(payload: bytes) -> tuple[str, int] | None:
    """(encoding, length of the mark) when `payload` starts with a byte order mark, else None. A mark
    decides the encoding before any declared charset (the WHATWG decode algorithm, what browsers do): a
    server's default `charset=iso-8859-1` on a UTF-8 or UTF-16 page is wrong, the mark is not."""
    for bom, encoding in _BOMS:
        if payload.startswith(bom):
            return encoding, len(bom)
    return None


# The charset labels a browser decodes otherwise than Python's codec of that name (the WHATWG Encoding Standard's
# label table): a server's default `charset=iso-8859-1` (or `us-ascii`) on a Windows-1252 page is the commonest on
# the real web, and Python's latin-1 makes its curly quotes, dashes and euro sign C1 control characters
# (`It\x92s`); the East Asian labels name subsets of what such pages hold (GBK in `gb2312`, UHC in `euc-kr`,
# Microsoft's Shift_JIS, HKSCS in `big5`), whose other characters Python's narrow codecs replace by U+FFFD.
_BROWSER_ENCODINGS = {
    **dict.fromkeys(("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
                     "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "latin-1", "us-ascii",
                     "windows-1252", "x-cp1252"), "cp1252"),
    **dict.fromkeys(("cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
                     "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"), "cp1254"),
    **dict.fromkeys(("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"), "cp874"),
    **dict.fromkeys(("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk", "iso-ir-58",
                     "x-gbk", "gb18030"), "gb18030"),
    **dict.fromkeys(("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989",
                     "ksc5601", "ksc_5601", "windows-949"), "cp949"),
    **dict.fromkeys(("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
                    "cp932"),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"), "big5hkscs"),
}


def browser_encoding(label: str) -> str:
    """The codec a browser decodes a page declared `label` with (`iso-8859-1` -> `cp1252`); other labels as given."""
    return _BROWSER_ENCODINGS.get(label.strip().lower(), label)


_WIDE_ENCODINGS = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")   # UTF-32 first: its units hold UTF-16's
_WIDE_MARKUP = re.compile(r"\s*<[A-Za-z!?/]")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f]")   # NUL and the C0 controls no text holds


def unmarked_wide(payload: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding of `payload` when it has no byte order mark but its first 1 KiB, read in
    2- or 4-byte units, is markup (`<\\0h\\0`) or text of which at least half the characters are ASCII (a
    NUL byte in every such unit, each at the same place): no other charset gives such bytes, whatever is
    declared. None otherwise: bytes with no NUL, real UTF-8 with a few NULs (their units are not ASCII), binary
    data (NULs or control characters in the units, or no valid units), text in UTF-16 of other scripts (too few
    ASCII units to tell). Both pages (`decode_html`) and plain text records (`sources.read`) ask it; until
    round 9 such a text was published with a NUL between its letters."""
    head = payload[:1024]
    if b"\0" not in head:
        return None
    head = head[:len(head) // 4 * 4]
    for encoding in _WIDE_ENCODINGS:
        try:  # not final: a surrogate pair cut at the end of the head is left out, not an error
            text = codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if not text or "\0" in text:
            continue
        if _WIDE_MARKUP.match(text) or (not _NOT_TEXT.search(text) and (
                2 * sum(ch < "\x80" for ch in text) >= len(text) or _spaced_script(text, encoding))):
            return encoding
    return None


# file formats a server sends as text/html (or a crawler stores as text): their signatures at the start
_BINARY_SIGNATURES = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or Office file)"),
    (b"\x1f\x8b\x08", "gzip-compressed data"), (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"), (b"wOFF", "a web font"), (b"wOF2", "a web font"),
    (b"\x1a\x45\xdf\xa3", "a WebM video"), (b"OggS", "an Ogg file"), (b"\x7fELF", "an executable"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"))
# bytes no text holds (the WHATWG MIME sniffing standard's "binary data bytes", NUL aside: UTF-16 text holds
# NULs): ~10 % of random or compressed data (a brotli body stored without its Content-Encoding)
_BINARY_BYTES = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f]")
BINARY_SHARE = 0.05  # of the first 4 KiB; real pages measured: none above 0 (docs/extraction.md)


def binary_payload(head: bytes, charset: str | None = None) -> str | None:
    """What a payload labelled HTML or text is instead, when its first bytes (4 KiB) say it is no text at
    all: a file format's signature ('%PDF-', PNG...), or over BINARY_SHARE of bytes no text holds (not
    checked where a byte order mark or a UTF-16/32 charset says the text is in 2 or 4 byte units, nor
    where it starts with '<', markup). None for text."""
    head = head[:4096]
    start = head[:1024].lstrip(b" \t\r\n\f")
    for signature, kind in _BINARY_SIGNATURES:
        if start.startswith(signature):
            return kind
    if start[4:8] == b"ftyp":
        return "an MP4 video or HEIC image"
    if start.startswith(b"RIFF") and start[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a RIFF media file"
    if not head or start.startswith(b"<") or bom_encoding(head) is not None \
            or (charset and charset.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32"))):
        return None
    if len(_BINARY_BYTES.findall(head)) > BINARY_SHARE * len(head):
        return "binary data"
    return None


# NUL and the other C0 controls but the white space ones (tab, new line, VT, FF, CR), and DEL: in a text record
# they are bytes no reader shows (padding, a terminal's colour codes, a database dump's separators) that PostgreSQL
# (NUL) and XML 1.0 (all of them) refuse in text; HTML parsers drop NUL as lxml does (round 13 of hostile inputs)
_CONTROL_CHARS = tuple(map(chr, (*range(0x09), *range(0x0e, 0x20), 0x7f)))
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]+")


def holds_controls(text: str) -> bool:
    """Does `text` hold one of `_CONTROL_CHARS`? A substring search per character: ~6x quicker than the pattern's
    search on pages' text (4.7 us against 30 us for 3,800 characters), which every page pays."""
    return any(c in text for c in _CONTROL_CHARS)


def without_controls(text: str) -> str:
    """`text` without its control characters (`_CONTROLS`); the same object when it holds none, and also when
    `binary_payload` finds its head to be binary data: extraction rejects such a record, which it would no longer
    recognise once the bytes that tell it were gone."""
    if not holds_controls(text) or binary_text(text) is not None:
        return text
    return controls_dropped(text)


def without_c1_controls(text: str) -> str:
    """`text` with its C1 controls read as the bytes they were (`c1_controls_read`); the same object when it holds
    none, and when it is binary data (`without_controls`)."""
    if not holds_c1_controls(text) or binary_text(text) is not None:
        return text
    return c1_controls_read(text)


def binary_text(text: str) -> str | None:
    """`binary_payload`'s reason for a decoded text (its head, as UTF-8): a text record holding binary data."""
    return binary_payload(text[:4096].encode("utf-8", "replace"))


def controls_dropped(text: str) -> str:
    """`text` without its control characters (`_CONTROLS`), the same object when it holds none: for what extraction
    found in a page (text, title, authors...), where the characters came raw or as character references (`&#7;`,
    which HTML5 parsers decode to U+0007) or JSON escapes; binary pages are rejected before it is asked."""
    return _CONTROLS.sub("", text) if holds_controls(text) else text


# C1 controls (U+0080-U+009F) in text that arrived as valid Unicode are, in real text, bytes of another encoding read
# as Latin-1 upstream: Windows-1252 (U+0093 was the byte of a curly quote, as browsers read an iso-8859-1 page) or
# UTF-8 (U+00E2 U+0080 U+0099 were the three bytes of one). No one means the control itself (round 14 of the hostile
# inputs); a run of such characters is read again as the bytes it was (`_c1_run_read`)
_C1_CHARS = tuple(map(chr, range(0x80, 0xa0)))
_C1_RUN = re.compile("[\x80-\xff]*[\x80-\x9f][\x80-\xff]*")


def holds_c1_controls(text: str) -> bool:
    """Does `text` hold a C1 control (U+0080-U+009F)? `isascii` is a flag CPython keeps: ASCII text costs nothing."""
    return not text.isascii() and any(c in text for c in _C1_CHARS)


def c1_controls_read(text: str) -> str:
    """`text` with each run of Latin-1 characters that holds a C1 control read as the bytes it was: UTF-8 when those
    bytes are UTF-8 of characters outside C1, else Windows-1252, whose 5 unassigned bytes (0x81, 0x8D, 0x8F, 0x90,
    0x9D) are dropped. The same object when it holds none, so text without them keeps its bytes."""
    return _C1_RUN.sub(_c1_run_read, text) if holds_c1_controls(text) else text


def _c1_run_read(run: re.Match[str]) -> str:
    raw = run.group().encode("latin-1")
    try:
        read = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "ignore")
    return read if not holds_c1_controls(read) else raw.decode("cp1252", "ignore")


def controls_read(text: str) -> str:
    """`controls_dropped(c1_controls_read(text))`: every control character a page's extracted string can hold."""
    return controls_dropped(c1_controls_read(text))


# the WHATWG URL parser (what browsers do) strips C0 controls and spaces at either end, removes every tab, new line
# and CR, and percent-encodes the other C0 controls and DEL (the "C0 control percent-encode set" is part of every
# other set); in a host they make the URL invalid, which percent-encoding keeps visible
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_TAB_NEWLINE = re.compile("[\t\n\r]")
_URL_CONTROL = re.compile("[\x00-\x1f\x7f]")


def url_without_controls(url: str) -> str:
    """`url` as the WHATWG URL parser reads its control characters (`_URL_EDGES`, `_URL_TAB_NEWLINE`, the rest
    percent-encoded); the same object when it holds none (spaces alone are left as they are)."""
    if not _URL_CONTROL.search(url):
        return url
    url = _URL_TAB_NEWLINE.sub("", url.strip(_URL_EDGES))
    return _URL_CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", url)


def _spaced_script(text: str, encoding: str) -> bool:
    """Text of one script (`one_script_text`): in UTF-32, whose units in the other byte order are no characters;
    in UTF-16, when its NUL bytes are the other half of ASCII units (spaces, digits, punctuation): read in the
    units' other byte order the same bytes give characters U+xx00 where the ASCII was (a space U+2000)."""
    if encoding.startswith("utf-32"):
        return one_script_text(text)
    ascii_units = sum(ch < "\x80" for ch in text)
    return ascii_units > sum(ch > "\xff" and not ord(ch) & 0xFF for ch in text) and one_script_text(text)


def wide_by_script(payload: bytes) -> str | None:
    """The UTF-16 encoding of `payload` when it is no UTF-8, has no byte order mark and its first 1 KiB, read in
    2-byte units, is running text of one script (`one_script_text`): UTF-16 text of a script outside Latin-1
    that holds no NUL byte, no space or ASCII punctuation (Chinese, Japanese), with one in a hundred of its
    characters ideographic or full-width punctuation (U+3000-303F, U+FF01-FF20). Its caller asks only when the
    bytes fail as UTF-8. A legacy double-byte encoding (GBK, Big5, Shift_JIS, EUC) read in such units can give
    ideographs or Hangul of one script (Shift_JIS's lead bytes 0x81-0x9F are the high bytes of ideographs) but
    not that punctuation: a byte pair 0x30 0x0n or 0xFF 0x0n is none of theirs (round 10)."""
    head = payload[:1024]
    head = head[:len(head) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
        except UnicodeDecodeError:
            continue
        marks = len(_WIDE_PUNCTUATION.findall(text))
        if marks >= 2 and 100 * marks >= len(text) and not _NOT_TEXT.search(text) and one_script_text(text):
            return encoding
    return None


# ideographic and full-width punctuation (、。「」，！？：；): units no legacy CJK encoding's byte pairs make
_WIDE_PUNCTUATION = re.compile("[\u3000-\u303f\uff01-\uff20]")


# the first word of a letter's Unicode name that names its script, where it is not that word
_SCRIPT_NAMES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK", "IDEOGRAPHIC": "CJK"}
_UNTEXT_CATEGORIES = frozenset(("Cc", "Cs", "Co", "Cn"))   # controls, surrogates, private use, unassigned


def one_script_text(text: str) -> bool:
    """True when `text` (a decoded head, from wide units) is running text: at least 16 letters, half of its
    characters letters or marks, two thirds of the letters of one script (by the first word of their Unicode
    name; Han, kana together) and nine tenths of that script or Latin, and no control (but tab and line ends),
    surrogate, private-use or unassigned character. Text of a legacy encoding read in the wrong units mixes
    scripts, private-use and unassigned characters."""
    scripts: dict[str, int] = {}
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LM":
            word = unicodedata.name(ch, "?").split(" ", 1)[0]
            word = _SCRIPT_NAMES.get(word, word)
            scripts[word] = scripts.get(word, 0) + 1
        elif category in _UNTEXT_CATEGORIES and ch not in "\t\n\r":
            return False
    letters = sum(scripts.values())
    if letters < 16 or 2 * letters < len(text):
        return False
    top, most = max(scripts.items(), key=lambda item: item[1])
    return 3 * most >= 2 * letters and 10 * (most + (scripts.get("LATIN", 0) if top != "LATIN" else 0)) >= 9 * letters


# the range written as re escapes, not as characters: a str literal holding a lone surrogate does not compile with mypyc
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """`text` with each lone surrogate (U+D800..U+DFFF alone in a str) as U+FFFD: what UTF-8, and so
    Arrow and Parquet, can store. Python makes them from JSON escapes (`"\\ud800"`) and from the
    codecs `utf-7`, `unicode_escape` and `raw_unicode_escape`; one left in a value fails the whole
    batch's conversion to Arrow."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # in C, faster than the regex search on the common text that has none
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def escaped_surrogates(text: str) -> str:
    """`text` with each lone surrogate written out: U+DC80..U+DCFF (a byte no UTF-8 holds, as
    `errors="surrogateescape"` decodes it) as `\\xNN`, any other (a JSON escape of half a pair) as `\\uXXXX`.
    For ids, whose identity U+FFFD would merge (`without_lone_surrogates` is for text)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(
            lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if 0xDC80 <= ord(m.group()) <= 0xDCFF
            else f"\\u{ord(m.group()):04x}", text)
    return text


def storable(value: object) -> object:
    """`value` (a str, or lists and dicts of them at any depth: parsed JSON, a row's values) with every
    lone surrogate in its strings, dict keys included, as U+FFFD. Containers are fixed in place, walked
    without recursion (json.loads nests as deep as the interpreter's recursion limit)."""
    def fixed(item: object) -> object:
        return without_lone_surrogates(item) if isinstance(item, str) else item

    root = [fixed(value)]
    stack: list[list | dict] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            entries = [(fixed(k), fixed(v)) for k, v in item.items()]
            item.clear()
            item.update(entries)
            stack.extend(v for _, v in entries if isinstance(v, (dict, list)))
        else:
            item[:] = [fixed(v) for v in item]
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return root[0]




def tidy_spaces(text: str) -> str:
    """`" ".join(text.split())`, faster for the common line that has no white space but single spaces (a
    printable text holds no white space but ' ') and needs only its ends stripped."""
    return text.strip(" ") if text.isprintable() and "  " not in text else " ".join(text.split())


def split_blocks(text: str) -> list[str]:
    """Plain text -> blocks: one block per non-empty line, whitespace tidied.

    Lines, not blank-line paragraphs: the extractor puts one paragraph-level element per line, and a
    menu or a "most read" list is one line per item, so each item is counted (and removed) alone.
    """
    blocks = []
    for line in text.split("\n"):
        line = tidy_spaces(line)  # str.split() knows every Unicode space, and is faster than a regex
        if line:
            blocks.append(line)
    return blocks


_ASCII_BYTES = bytes(range(128))  # bytes.translate(None, _ASCII_BYTES) leaves the non-ASCII bytes


_ASCII_FOLD = bytes(ord(chr(c).lower()) if chr(c).isalnum() else ord(" ") for c in range(128)) + bytes(range(128, 256))


def normalise_text(text: str) -> str:
    """The exact-duplicate key text: NFKC, lower-case, every run of punctuation/space -> one space."""
    if text.isascii():  # the common case, ~10x faster than the regex
        return " ".join(text.encode("ascii").translate(_ASCII_FOLD).decode("ascii").split())
    return word_runs(unicodedata.normalize("NFKC", text).lower())


def word_runs(text: str, keep_marks: bool = False) -> str:
    """`_NOT_ALNUM.sub(" ", text).strip()`: every run of characters other than letters and digits one space.
    `keep_marks`: combining marks (Unicode category M: Indic and Thai vowel signs, Arabic harakat) stay, inside
    their word (right after a letter, a digit or a kept mark), as `fold_line` wants them.

    A regex sub pays for every space between words (~150 us for a 2,300-character story). Same result
    at ~40 %: the ASCII bytes of the UTF-8 folded in C (a multi-byte character's bytes are all >= 128,
    so they stay), then the few distinct non-ASCII characters that are not letters or digits (quotes,
    dashes) replaced one by one. Upper-case ASCII letters are lower-cased on the way: callers pass
    lower-cased text. The non-ASCII characters are found as the UTF-8 bytes left when the ASCII ones are
    deleted (in C; a regex class tests every character in Python's engine, half the time of this)."""
    data = text.encode("utf-8", "surrogatepass")
    text = data.translate(_ASCII_FOLD).decode("utf-8", "surrogatepass")
    marks = []
    for char in non_word_chars(data):
        if keep_marks and is_word_mark(char):
            marks.append(char)
        else:
            text = text.replace(char, " ")
    if marks:  # a mark left after a space (its symbol or punctuation gone) or at the start belongs to no word
        text = re.sub(f"(?:^| )[{re.escape(''.join(sorted(marks)))}]+", " ", text)
    return " ".join(text.split())


def is_word_mark(char: str) -> bool:
    """A combining mark (Unicode category M) that may belong to a word: not a variation selector (U+FE00-FE0F,
    U+E0100-E01EF: the emoji presentation of '❤️') nor a mark for symbols (U+20D0-20FF: the keycap of '1️⃣'), which
    only ever dress a symbol or an emoji (review 24: 'Teilen ❤️' folded 'teilen \ufe0f')."""
    code = ord(char)
    return unicodedata.category(char).startswith("M") and not (
        0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x20D0 <= code <= 0x20FF)


def non_word_chars(data: bytes, high: set[str] | None = None) -> set[str]:
    """The distinct non-ASCII characters of UTF-8 `data` that are not letters or digits (quotes, dashes):
    found as the bytes left when the ASCII ones are deleted (in C; a multi-byte character's bytes are all
    >= 128). [\\W_] is exactly "not str.isalnum()" for a non-ASCII character. `high`: `high_chars(data)`, when
    the caller has it."""
    return {char for char in (high_chars(data) if high is None else high) if not char.isalnum()}


def high_chars(data: bytes) -> set[str]:
    """The distinct non-ASCII characters of UTF-8 `data`."""
    high = data.translate(None, _ASCII_BYTES)
    return set(high.decode("utf-8", "surrogatepass")) if high else set()


def caseless_search(text: str, caseless: re.Pattern[str]) -> bool:
    """`caseless.search(text)` (a re.IGNORECASE pattern written in lower case) found anything. An ASCII text
    is lowered and searched by the same pattern without the flag: the same answer (no ASCII character folds
    to another outside A-Z), 2-4x faster, since a case-sensitive alternation of literals is tried only where
    one of them starts, where re.I tests every position."""
    if text.isascii():
        return _without_ignorecase(caseless).search(text.lower()) is not None
    return caseless.search(text) is not None


# The characters beyond ASCII that re.IGNORECASE matches to an ASCII letter ('İ' and 'ı' to i, 'ſ' to s, the Kelvin
# sign to k), the only ones whose `str.lower()` holds an ASCII letter among them ('İ' -> 'i̇', 'K' -> 'k'). A text
# without them is searched for lower-case ASCII words caselessly by finding them in its `str.lower()`.
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


@functools.cache
def _without_ignorecase(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def text_hash(text: str) -> str:
    """sha256 of the normalised text: equal for texts that differ only in case, spacing or punctuation."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def norms_hash(norms: list[str]) -> str:
    """`text_hash(join_blocks(blocks))` from the blocks' `normalise_text`: every step of normalise_text
    works within a block (NFKC, lower-casing and punctuation folding stop at the blank line between
    two), so the text's is its blocks' joined by one space, empty ones left out."""
    return hashlib.sha256(" ".join(n for n in norms if n).encode("utf-8")).hexdigest()


# the authority part of a hierarchical URL: `scheme://` then up to the first /, ? or #; its userinfo
# ends at the authority's last `@` (RFC 3986 3.2)
_USERINFO = re.compile(r"(\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//)[^/?#@]*(?:@[^/?#@]*)*@")
# a URL of a special scheme as the WHATWG URL parser (browsers) reads it: any run of `/` and `\` after the scheme, none
# too, opens its authority (`http:\\host`, `http:host`, `http:///host` are all http://host), and `\` ends it as `/`
# does (`http://x.test\@y.test/` is the host x.test); round 17 of the hostile inputs (until then such credentials
# were published, and that URL's host was y.test)
_SPECIAL_START = re.compile(r"\s*(?:https?|wss?|ftp):[/\\]*", re.IGNORECASE)
_SPECIAL_USERINFO = re.compile(r"(\s*(?:https?|wss?|ftp):[/\\]*)[^/\\?#@]*(?:@[^/\\?#@]*)*@", re.IGNORECASE)


def without_userinfo(url: str) -> str:
    """`url` without the credentials of its authority (`https://user:password@host/path` ->
    `https://host/path`; `_SPECIAL_USERINFO`: as a browser reads the authority of `http:\\user:password@host`): a
    published URL must not give away a password a crawler was given. A URL without `@` in its authority is returned
    as it is (the same object)."""
    if "@" not in url:
        return url
    # a special scheme's authority is read the browser's way only: the generic pattern takes a backslash for an
    # ordinary character and would cut `https://example.com\@evil.test/` to another host (review of round 17)
    m = (_SPECIAL_USERINFO if _SPECIAL_START.match(url) else _USERINFO).match(url)
    return url if m is None else m.group(1) + url[m.end():]


def registered_domain(url: str | None) -> str | None:
    """Host of the URL, lower-case, without port and a leading 'www.'; None for a host the WHATWG host parser
    refuses (`refused_host`): no browser reaches a site there, and no site is to be named after it."""
    host = _url_hostname(url)
    return _site_of(host) if host else None


def _site_of(host: str) -> str | None:
    """`site_host(host)`, None for a host the WHATWG host parser refuses: as written, or once mapped (`ａ／ｂ.test`:
    NFKC makes the full-width solidus a `/`)."""
    if _refused(host):
        return None
    key = site_host(host)
    if key == "":   # ends in a number but is no IPv4 address (`1.2.3.4.5`, `a.0x1`): browsers refuse it (round 18)
        return None
    mapped = not host.isascii() or "xn--" in host or "%" in host   # (what `_unicode_host`'s NFKC made is checked)
    return None if mapped and ":" not in host and _REFUSED_IN_HOST.search(key) else key


def _url_hostname(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if not url.startswith(_PLAIN_STARTS) or url.startswith(_PLAIN_STARTS_3) or "\\" in url:
        special = _SPECIAL_START.match(url)
        if special is not None:   # its host as a browser reads it (`_SPECIAL_START`)
            url = "//" + url[special.end():].replace("\\", "/")
    try:
        return urlsplit(url).hostname
    except ValueError:   # `http://[::1`, a host NFKC gives a `/`: the WHATWG parser refuses them too (round 17)
        return _UNPARSED


_PLAIN_STARTS, _PLAIN_STARTS_3 = ("https://", "http://"), ("https:///", "http:///")   # urlsplit reads the first
_UNPARSED = "\x00"   # the host of a URL urlsplit cannot read: one `_refused` refuses, `refused_host` counts


# the WHATWG host parser (what browsers do) percent-decodes a host, reads the bytes as UTF-8, and fails on a "forbidden
# domain code point": C0 controls, space, DEL and `# % / : < > ? @ [ \ ] ^ |` (a `%` that is no escape, or one an
# escape decoded to), or on a character IDNA disallows (U+FFFD, what bytes no UTF-8 decode to). Round 14 of the
# hostile inputs refused controls and space only (`a%07b.test`, the `domain` until then); round 15 the rest
# (`<script>x.test`, `a|b.test`, `a%.test`, `a%FF.test`), and reads escapes of allowed characters (`a%41.test` is
# the site aa.test, `site_host`). A host that holds `:` was an IPv6 address in brackets: refused for controls only
_REFUSED_IN_HOST = re.compile("[\x00-\x20#%/:<>?@\\[\\\\\\]^|\x7f\ufffd]")
_CONTROL_IN_HOST = re.compile("[\x00-\x20\x7f]")   # what an IPv6 address's host is refused for here


def _refused(host: str) -> bool:
    if ":" in host:
        return _CONTROL_IN_HOST.search(host) is not None
    return _REFUSED_IN_HOST.search(unquote(host, errors="replace") if "%" in host else host) is not None


def refused_host(url: str | None) -> bool:
    """Does `url` have a host the WHATWG host parser refuses (`_REFUSED_IN_HOST`, after percent-decoding)?"""
    host = _url_hostname(url)
    return host is not None and host != "" and _site_of(host) is None


def site_host(host: str) -> str:
    """A host as the site key every rule compares: lower case, without a trailing dot, its punycode labels
    decoded (`_unicode_host`), percent-decoded (`a%41.test`: aa.test), without a leading 'www.'
    ('WWW.xn--mnchen-3ya.de.' -> 'münchen.de'); a host that ends in a number as its IPv4 address in dotted decimal
    (`0x7f.1` -> '127.0.0.1'), '' when it is none (`ipv4host.ipv4_address`); an IPv6 literal (a host holding
    ':', `::ffff:1.2.3.4`) is never read as IPv4.
    The one place a host loses its 'www.': the release's `domain`, the site's own links (`markup.SiteLinks`),
    the host a site name is matched against (`metadata`) and an agency's own site (`rights.attribution`)."""
    if "%" in host:   # percent-decoded, as the WHATWG host parser does (`a%41.test` is aa.test)
        host = unquote(host, errors="replace")
    host = host.lower()
    if not host.isascii() or "xn--" in host:
        host = _unicode_host(host)
    host = host.rstrip(".")
    if ":" not in host and might_be_number(host) and (address := ipv4_address(host)) is not None:
        return address   # one spelling of an IPv4 address ('' for a host no browser reaches: `ipv4host`);
        # never an IPv6 literal's IPv4 tail (`::ffff:1.2.3.4` is an IPv6 address, kept as it is)
    return host[4:] if host.startswith("www.") else host


def _unicode_host(host: str) -> str:
    """An internationalised host in one spelling: its `xn--` (punycode) labels decoded, NFKC, lower-case, the
    ideographic full stops (`。`, `．`, `｡`) dots. A crawl holds both `xn--bcher-kva.example` (what crawlers write)
    and `bücher.example` (what JSONL exports often hold): one site, which must be one domain for its statistics.
    Decoding is lossless (encoding to punycode by Python's IDNA 2003 codec would map `ß` to `ss`); a label that is
    no valid punycode stays as it is. NFKC and the full stops are UTS 46's mapping, which browsers apply to a host
    (`ｅｘａｍｐｌｅ。com` is example.com; NFC until round 17 of the hostile inputs)."""
    labels = []
    for label in _ideographic_stops(host).split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode") or label
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    return unicodedata.normalize("NFKC", ".".join(labels)).lower()


def _ideographic_stops(host: str) -> str:
    """`host` NFKC, its ideographic full stops (`。`, and `．` `｡`, which NFKC makes `.` and `。`) read as dots."""
    return unicodedata.normalize("NFKC", host).replace("\u3002", ".") if not host.isascii() else host


# --------------------------------------------------------------------------------------------------
# comparison keys and quick tests for page metadata (dedup.text.pagescan, metadata, byline ...)

# a tag, as the page-text rules cut markup (`clean_text`; `pagescan`, `quotedposts`)
MARKUP_TAG = re.compile(r"<[^>]*>")


def clean_text(text: str) -> str:
    """Markup fragment -> one line of text (tags dropped, entities decoded, spaces collapsed)."""
    if "<" in text:
        text = MARKUP_TAG.sub(" ", text)
    if "&" in text:
        text = html_lib.unescape(text)
    return " ".join(text.split())


_NOT_ALNUM = re.compile(r"[\W_]+")
_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())  # `_NOT_ALNUM`'s ASCII characters


@functools.lru_cache(maxsize=4096)
def fold_text(text: str | None) -> str:
    """Comparison key: accents stripped, case folded, only letters and digits."""
    if not text:
        return ""
    if text.isascii():
        # NFKD leaves ASCII alone, its letters and digits are its word characters but '_', and casefold is lower:
        # the same key with the other bytes deleted in C, ~5x the regex on a paragraph (speed round 22)
        return text.encode("ascii").translate(None, _ASCII_NOT_ALNUM).decode("ascii").lower()
    # NFKD splits accents off as combining marks, which are not word characters: one substitution drops both
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text)).casefold()


WORD_RE = re.compile(r"\w+")


def caseless_finder(pattern: str, ascii_pattern: str | None = None) -> Callable[[str], bool]:
    """`re.compile(pattern, re.I).search(text) is not None`, quicker. `re` tries every word of a long
    alternation at every position, folding case each time (~5x slower than case-sensitive); ASCII text
    is lower-cased and searched case-sensitively instead, the same for a lower-case pattern, since only
    four non-ASCII characters fold to ASCII letters ('İ', 'ı', 'ſ', the Kelvin sign). `ascii_pattern`: the
    pattern without its alternatives that only non-ASCII text can match (words of other scripts), tried on
    ASCII text (fewer alternatives to try at each position)."""
    caseless, folded = re.compile(pattern, re.I), re.compile(ascii_pattern or pattern)

    def found(text: str) -> bool:
        if text.isascii():
            return folded.search(text.lower()) is not None
        return caseless.search(text) is not None
    return found


def caseless_prefix(pattern: str, ascii_pattern: str | None = None) -> Callable[[str], int]:
    """Where `re.compile(pattern, re.I).match(text)` ends, -1 when it does not match; ASCII text lower-cased
    and matched case-sensitively, as in `caseless_finder` (lower-casing ASCII keeps every position), by
    `ascii_pattern` when given (as there)."""
    caseless, folded = re.compile(pattern, re.I), re.compile(ascii_pattern or pattern)

    def end(text: str) -> int:
        m = folded.match(text.lower()) if text.isascii() else caseless.match(text)
        return -1 if m is None else m.end()
    return end


def word_list(text: str | None) -> list[str]:
    """The words of a text, NFKC and case-folded, for comparing titles and names."""
    return WORD_RE.findall(unicodedata.normalize("NFKC", text or "").casefold())


def fold_line(text: str) -> str:
    """Lower case, every run of punctuation or space one space, combining marks kept in their words: the form
    labels are compared in."""
    # re.sub(r"[\W_]+", " ", text.lower()).strip() but for the marks, by the faster word_runs (for ASCII text
    # normalise_text's path: NFKC leaves ASCII alone)
    # Turkish 'İ' lower-cases to 'i' and a combining dot: folded to a plain 'i', as 'I' is (round 33). A combining
    # mark is no letter, but it belongs to its word: Hindi "हिन्दी", Thai "ที่" are one word each (round 34; the
    # exact-duplicate key text, `normalise_text`, still breaks words there: its keys stay as they were)
    if text.isascii():
        return normalise_text(text)
    return word_runs(text.replace("İ", "i").lower(), keep_marks=True)
