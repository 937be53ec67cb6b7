"""Where the first JSON object of a line too long to keep ends, read a piece at a time (`ObjectScan`).

`streams.iter_lines` skips a JSONL line too long to keep without keeping it; scanning the bytes it skips tells where
the line's first object closes (`{huge}{small}`: the objects after it are read, hostile round 22: they had no row)
and how many brackets a line that ends inside its object leaves open (the first line of a pretty-printed object,
whose later lines go on with it: one reject, under its id). Only brackets and strings are followed: no value is built.
"""

from __future__ import annotations

import re

# a line's lead that is no part of its record (`jsonl._trimmed`, `json`'s white space)
_LEAD = re.compile(rb"[ \t\r\f\v]*+(?:\xef\xbb\xbf[ \t\r\f\v]*+)*+")
# the rest of a string's body: bytes up to its closing quote, escapes taken whole; it stops before a backslash at the
# end of the data (its escaped byte comes in the next piece). Possessive: no state kept per escape of a 50 MB value
_STRING_BODY = re.compile(rb'[^"\\]*+(?:\\[\s\S][^"\\]*+)*+')
_STRUCTURE = re.compile(rb'[^"{}\[\]]*+')
_OPENS = frozenset(b"{[")
TAIL = 64 * 1024
_FEW_QUOTES = 10_000   # escaped quotes found one by one in a piece before the regular expression reads on
# brackets and strings followed in one line's objects (~3 CPU s at most): a line of more holds no page records
_STEPS = 3_000_000


def _string_end(data: bytes, at: int) -> int:
    """Where the string whose body goes on at `at` closes in `data` (its quote), else -1 (-2: `data` ends in the
    middle of an escape). A quote is found with `bytes.find` (on a long value several times faster than the regular
    expression), told escaped by the backslashes before it; after `_FEW_QUOTES` escaped quotes the expression reads
    on (a value of nothing but `\\"` costs no more than it did)."""
    start = at
    for _ in range(_FEW_QUOTES):
        quote = data.find(b'"', at)
        if quote < 0:
            return -2 if _odd_run(data, start, len(data)) else -1
        if not _odd_run(data, start, quote):
            return quote
        at = quote + 1
    at = _STRING_BODY.match(data, at).end()  # type: ignore[union-attr]
    if at == len(data):
        return -1
    return -2 if data[at] == ord("\\") else at


def _odd_run(data: bytes, start: int, end: int) -> bool:
    """Whether an odd number of backslashes ends `data[start:end]` (the byte after them is escaped); the bytes looked
    at grow with the run, not with `end - start`."""
    size = 64
    while True:
        low = max(start, end - size)
        tail = data[low:end]
        run = len(tail) - len(tail.rstrip(b"\\"))
        if run < len(tail) or low == start:
            return run % 2 == 1
        size *= 4


class ObjectScan:
    """The bytes of a line, fed in order (`feed`), followed until its first JSON object closes. A line that does not
    start with an object (white space aside) is no object: `feed` finds no end, and `open_brackets` is None.

    `tail` keeps the bytes after the object's last member value that the line's head (its first `kept` bytes, read
    apart) cuts, or that is longer than `TAIL` bytes (the long value the line is skipped for), `TAIL` bytes at most:
    the members written after a long `text` (C4 and others write `{"text": ..., "url": ...}`), where the record's id
    and URL are read from (hostile round 22).

    `many`: the objects that follow the first one on the line are followed too, `last_end` the end of the last that
    closed (nothing is returned). The work is bounded (`_STEPS` brackets and strings): a line of more is no line of
    page records (`jsonl._json_values` says so of a line read whole), and is read as no object.
    """

    __slots__ = ("depth", "escaped", "fed", "in_string", "kept", "last_end", "many", "refused", "started", "steps",
                 "string_at", "tail", "tail_from")

    def __init__(self, kept: int = 0, many: bool = False) -> None:
        self.depth = 0
        self.in_string = self.escaped = self.started = self.refused = False
        self.fed = 0              # the bytes fed before the current piece
        self.string_at = 0        # where the string being read began (its quote), from the start of the line
        self.tail: bytearray | None = None   # None: no long value has ended, or more than TAIL bytes followed it
        self.tail_from = 0        # where the tail goes on in the current piece
        self.kept = kept
        self.many, self.last_end, self.steps = many, -1, _STEPS

    def feed(self, data: bytes) -> int:
        """The position in `data` just after the line's first object closes, or -1 while it has not (or never will)."""
        if self.refused:
            return -1
        self.tail_from = 0
        end = self._feed(data)
        stop = len(data) if end < 0 else end
        if self.tail is not None:
            if len(self.tail) + stop - self.tail_from > TAIL:
                self.tail = None
            else:
                self.tail += data[self.tail_from:stop]
        self.fed += len(data)
        return end

    def _feed(self, data: bytes) -> int:
        at, end = 0, len(data)
        while at < end:
            if not self.started:
                at = _LEAD.match(data, at).end()  # type: ignore[union-attr]
                if at == end:
                    return -1
                if data[at] != ord("{"):
                    self.refused = True
                    return -1
                self.started, self.depth, at = True, 1, at + 1
                continue
            self.steps -= 1
            if self.steps < 0:
                self.refused = True
                return -1
            if self.in_string:
                if self.escaped:
                    self.escaped, at = False, at + 1
                    continue
                at = _string_end(data, at)
                if at < 0:   # the string goes on in the next piece, its escape too if it ends in one
                    self.escaped = at == -2
                    return -1
                self.in_string, at = False, at + 1
                if self.depth == 1 and (self.fed + at - self.string_at > TAIL or
                                        self.string_at < self.kept < self.fed + at):
                    self.tail, self.tail_from = bytearray(), at   # a long value ended: its later members follow
                continue
            at = _STRUCTURE.match(data, at).end()  # type: ignore[union-attr]
            if at == end:
                return -1
            byte = data[at]
            at += 1
            if byte == ord('"'):
                self.in_string, self.string_at = True, self.fed + at - 1
            elif byte in _OPENS:
                self.depth += 1
            else:
                self.depth -= 1
                if self.depth == 0:
                    if not self.many:
                        return at
                    self.last_end, self.started = self.fed + at, False
        return -1

    @property
    def exhausted(self) -> bool:
        """The work bound was reached: the line holds more brackets and strings than page records do."""
        return self.steps < 0

    def open_brackets(self) -> int | None:
        """The brackets left open where the bytes fed so far end, outside any string; None when that is not known to
        be an object going on (no object, or inside a string: a line end is in no JSON string)."""
        if self.refused or not self.started or self.in_string:
            return None
        return self.depth
