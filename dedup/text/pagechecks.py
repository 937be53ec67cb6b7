"""pagechecks: a page's bytes decoded as a browser would, and the estimates of what parsing it would cost that
`text/extract.py` refuses a page by before parsing it (`too_many_tags`, `too_many_attributes`) or reads it whole by
(the main-content pass past `MAX_NESTING_COST`). Linear scans of the page's text, no parsing.
"""

from __future__ import annotations

import re

from resiliparse.parse.encoding import bytes_to_str, detect_encoding

from dedup.text.normalise import bom_encoding, browser_encoding, unmarked_wide, without_lone_surrogates

# Main-content extraction (resiliparse, C code that no signal interrupts) costs about 1e-7 s per
# <div>/<article> element times its nesting depth: 10,000 nested <div>s take minutes. A page whose
# estimate (`nesting_cost`) is above this is extracted whole instead (main_content=False, linear):
# ~0.5 s of main-content work at most; real pages stay below 1% of it (docs/extraction.md).
MAX_NESTING_COST = 5_000_000
# A page of more '<' than this is rejected (`too_many_tags`): parsing and both text passes (resiliparse, C
# code that no exception interrupts) cost up to ~2.6 us a tag (8 MiB of '<div>a</div>' took 3.7 s of CPU, of
# '<p>' 6 s), so a page at the cap costs ~1.3 s at most; the real pages measured hold at most 19,629.
MAX_MARKUP_TAGS = 500_000
# A page whose elements hold more distinct attributes than this, summed as each element's count squared, is rejected
# (`too_many_attributes`): the HTML parser (resiliparse's lexbor, C code) checks each attribute of an element against
# the element's earlier ones, ~2.3e-9 s per pair: one element of 200,000 attributes took 248 s of CPU (three parses),
# and no budget stops it. At the cap a parse costs ~0.25 s; real pages reach 0.23 % of it (`attribute_cost`).
MAX_ATTRIBUTE_COST = 100_000_000


_ASCII_MARKUP = re.compile(rb"<[A-Za-z!?/]")


def decode_html(payload: bytes, declared_charset: str | None = None) -> str:
    """Bytes -> str: a byte order mark, else the HTTP charset, else <meta charset>, else detection; never
    raises."""
    marked = bom_encoding(payload)
    if marked is not None:
        return without_lone_surrogates(payload[marked[1]:].decode(marked[0], errors="replace"))
    encoding = unmarked_wide(payload) if b"\0" in payload[:8] else None
    if encoding is not None:
        return without_lone_surrogates(payload.decode(encoding, errors="replace"))
    if declared_charset:
        try:
            encoding = browser_encoding(declared_charset)
            lt = "<".encode(encoding)
        except (LookupError, UnicodeError):
            encoding = None
        else:
            # a charset in which markup is not ASCII (UTF-16 and UTF-32: NULs; EBCDIC: another byte) declared
            # on bytes that are ASCII markup is wrong: a UTF-8 page served as `charset=utf-16` was published as
            # CJK mojibake ('格浴㹬...'). Detection decides instead.
            if (b"\0" in lt or (len(lt) == 1 and lt != b"<")) and _ASCII_MARKUP.match(payload[:1024].lstrip()):
                encoding = None
    if encoding is None:
        encoding = _meta_or_detected(payload)
    try:
        # A page that says UTF-8 but holds a few bad bytes is UTF-8 with damage, not Windows-1252:
        # no fallback there, replacement characters instead of mojibake.
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            return bytes_to_str(payload, "utf-8", errors="replace", fallback_encodings=[])
        # utf-7 and Python's unicode_escape codecs (a declared charset is honoured if Python knows it)
        # decode some bytes to lone surrogates, which no output column can store
        return without_lone_surrogates(bytes_to_str(payload, encoding, errors="replace"))
    except (LookupError, UnicodeError):
        return payload.decode("utf-8", errors="replace")


def _meta_or_detected(payload: bytes) -> str:
    """The encoding `<meta charset>` declares, else detection's. A `<meta>` that names UTF-16 or UTF-32 is read
    in the bytes it is written in, so it cannot be true of ASCII markup: a browser reads UTF-8 there (the WHATWG
    prescan's rule); such a page was published as CJK mojibake ('㹬格慥㹤...') until round 18 of the hostile inputs."""
    encoding = detect_encoding(payload[:65536], from_html_meta=True) or "utf-8"
    name = encoding.lower().replace("_", "-")
    if name.startswith(("utf-16", "utf-32")) and (
            b"\0" not in payload[:1024] and _ASCII_MARKUP.match(payload[:1024].lstrip())):
        return "utf-8"
    if name not in ("utf-8", "utf8") and _undeclared_utf8(payload[:65536]):
        return "utf-8"
    return encoding


_CHARSET_WORD = re.compile(rb"charset", re.I)


def _undeclared_utf8(head: bytes) -> bool:
    """Is `head` (a page's first bytes) UTF-8 holding non-ASCII characters, with no `charset` anywhere in it (no
    `<meta>` that declares another encoding)? Detection guesses from letter frequencies, and on an English page with
    one accented word it guessed windows-1250 ('cafĂ©' published for 'café'; round 20 of the hostile inputs); bytes
    of a legacy 8-bit encoding are almost never valid UTF-8 once they hold a character beyond ASCII, and a browser
    (Chrome's detector) reads them as UTF-8."""
    if head.isascii() or _CHARSET_WORD.search(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:   # valid up to a character cut at the end of `head`
        return exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


_NESTING_TAG = re.compile(r"<(/?)(?:div|article)\b", re.I)


def nesting_cost(html: str, limit: int = MAX_NESTING_COST) -> int:
    """Sum over <div>/<article> start tags of their nesting depth (a linear scan; stops past `limit`):
    what main-content extraction's time grows with."""
    depth = cost = 0
    for m in _NESTING_TAG.finditer(html):
        if m.group(1):
            depth = depth - 1 if depth else 0
        else:
            depth += 1
            cost += depth
            if cost > limit:
                break
    return cost


def nesting_within(html: str, limit: int = MAX_NESTING_COST) -> bool:
    """nesting_cost(html) <= limit, without the scan for most pages: the k-th start tag is at most k deep,
    so n tags cost at most n(n+1)/2, and a page of n '<' holds at most n of them (the scan cost ~0.6 %
    of a build)."""
    n = html.count("<")
    return n * (n + 1) // 2 <= limit or nesting_cost(html, limit) <= limit


# a start tag whose first 128 characters hold no quote or '=' (boolean or unquoted attributes); a start tag of 256 units
# or more, a quoted value one unit; one attribute of a tag (its name, lower-cased by the parser, and its value)
_BARE_RUN = re.compile(r"<[A-Za-z][^<>\"'=]{128}+")
_LONG_TAG = re.compile(r"<[A-Za-z](?:[^<>\"']|\"[^\"]*\"|'[^']*'){256}")
_TAG_NAME = re.compile(r"[^\s/>]*")
_ATTRIBUTE = re.compile(r"""[\s/]*([^\s/>][^\s/>=]*)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
_ATTRIBUTE_GATE = 5_000   # '=' in a page below which only a run of bare attributes is looked for


def attribute_cost(html: str) -> int:
    """Sum over the long start tags of `html` of the square of their distinct attribute names: what parsing costs
    beyond its linear part (see MAX_ATTRIBUTE_COST). Looked for only where a page has many '=' or a tag starts with
    a run of bare attributes (two scans of the page, ~0.02 ms for a bench page). An estimate: script text may count
    as tags, and on a page of few '=' a tag whose first 128 characters hold a quote or '=' is not looked at."""
    if html.count("=") < _ATTRIBUTE_GATE and _BARE_RUN.search(html) is None:
        return 0
    cost = 0
    for m in _LONG_TAG.finditer(html):
        names = set()
        pos = _TAG_NAME.match(html, m.start() + 1).end()   # type: ignore[union-attr]   # matches the empty string
        while (a := _ATTRIBUTE.match(html, pos)) is not None and a.end() > pos:
            names.add(a.group(1).lower())
            pos = a.end()
        cost += len(names) ** 2
    return cost
