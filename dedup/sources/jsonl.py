"""JSON lines -> the records they hold (`jsonl_pieces`), one `Piece` per record or per undecodable run.

A line is one record in the common case. The exceptions, each still one row per record:

* line ends: LF, CRLF and a lone CR (old Mac OS) all end a line (`streams.lf_chunks`); JSON holds no raw
  CR or LF inside a string, so no record is cut by this;
* objects written one after another on a line (`{...}{...}`) are decoded one after another: record k
  (from 0) of a line takes the offset of the line plus k, and every later line's offset moves on by the
  records the line held beyond its first (the file reads as if each object stood on its own line);
* an object spread over several lines (pretty-printed) is one record at the offset of its first line,
  when its brackets close; lines that never complete it (the end of the file, a line that is a record on
  its own, more than twice `max_payload` bytes) are one `bad_json` reject for the whole run; a line of it too long
  to read (`line_limit`, `page_line_cap`) makes the object one `text_too_large` / `html_too_large` reject, under its id
  (also when the object has two such lines, or one over twice `max_payload`: review round 28);
* a line too long to read that holds several objects is read as its segments (`streams.LineRest`): an object too
  long is one reject, under the id its head or the members after its long value give (`LongLine.tail`), and the
  objects after it are read at the offsets reading the line whole gives them (hostile round 22).

`source_offset` is thus the 0-based line number for a file of one object per line (blank lines counted),
and stays deterministic for the others.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import Iterator

from dedup.config import FIXED_LIMIT
from dedup.sources.fieldnames import FIELD_ORDER
from dedup.sources.rawrows import RAISE_MAX_PAYLOAD
from dedup.sources.streams import Gap, LineCap, TruncatedInput
from dedup.text.normalise import without_lone_surrogates


@dataclass(slots=True)
class Piece:
    """One record (`obj`) or one reject (`reason`, `detail`) at `offset`, or both: a record that cannot be used,
    rejected under its own id; `cut` for the reject that stands for the unread rest of a damaged file."""
    offset: int
    obj: dict | None = None
    reason: str | None = None
    detail: str | None = None
    cut: bool = False


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
# between values on one line: JSON's four spaces, and a form feed, a vertical tab or a byte order mark, which no JSON
# string holds raw and so only stand between records (`{...}\f{...}`, files joined by `cat`; round 19)
_SPACE = re.compile("[ \t\n\r\f\v\ufeff]*")
# a line's edges that are no part of its record: spaces holding a form feed, a vertical tab or a byte order mark
_ODD_LEAD = re.compile(rb"[ \t\r\f\v]*(?:\xef\xbb\xbf[ \t\r\f\v]*)*")
_DECODER = json.JSONDecoder()


def _int_or_digits(text: str) -> int | str:
    """JSON integers beyond Python's int-from-string limit stay their digits (a value of 4,300+
    digits must not make the line unreadable)."""
    limit = sys.get_int_max_str_digits()
    return int(text) if not limit or len(text.lstrip("-")) <= limit else text


_LONG_INT_DECODER = json.JSONDecoder(parse_int=_int_or_digits)


def _json_values(line: bytes) -> int:
    """About how many JSON values a line holds (strings, containers, items), by counting bytes:
    an upper bound for a page record, whose HTML is one string (quotes in it are escaped)."""
    quotes = line.count(b'"') - line.count(b'\\"')
    return quotes // 2 + line.count(b"{") + line.count(b"[") + line.count(b",")


def _depth(line: bytes) -> int:
    """Brackets opened minus brackets closed in `line`, outside its strings."""
    bare = _STRINGS.sub(b"", line)
    return bare.count(b"{") + bare.count(b"[") - bare.count(b"}") - bare.count(b"]")


def _is_record(line: bytes) -> bool:
    """A line that starts with a JSON object on its own (it ends a run of lines), read as `_decode` reads a
    line: with integers of any length, and the first of objects written one after another (`{...}{...}`);
    such a line after a line cut short was taken into the cut line's reject with its records."""
    if not line.startswith(b"{"):
        return False
    try:
        obj, _ = _LONG_INT_DECODER.raw_decode(line.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict)


def _bad(offset: int, detail: str) -> Piece:
    return Piece(offset, reason="bad_json", detail=detail)


def _decode(data: bytes, offset: int, where: str, may_continue: bool) -> list[Piece] | None:
    """The records of `data` (a line, or the lines of a run joined by LF); None when `may_continue`
    and `data` is an object whose brackets are not closed yet (the next lines may close them)."""
    # Python objects cost ~30-60 bytes each: 90 MB of '{},' parse into 2.2 GB. A page record is a
    # few strings (real pages: one value per 170 bytes at the median, per 10 at the densest seen);
    # a long line holding more is not one, and is not parsed.
    if len(data) > 1 << 20 and (values := _json_values(data)) > max(len(data) // 10, 4_000_000):
        return [_bad(offset, f"{where}: {len(data)} bytes holding about {values} JSON values, too many "
                             "for a page record (an object with `id`, `url` and `html` or `text`); not parsed")]
    # broken UTF-8 inside a line damages a few characters, not the record
    text = data.decode("utf-8", errors="replace")
    try:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            raise
        except ValueError:   # an integer literal too long for int(): keep its digits
            obj = json.loads(text, parse_int=_int_or_digits)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":   # the ids as given read alongside (round 10b: U+FFFD made `\xff1`, `\xfe1` one)
            return _one_after_another(text, offset, where, data.decode("utf-8", errors="surrogateescape")
                                      if "\ufffd" in text else None)
        if may_continue and text.startswith("{") and _depth(data) > 0:
            return None
        if not data.strip(b"\x00 \t\r\n"):   # said as what it is, not as JSON that expected a value
            return [_bad(offset, f"{where}: {data.count(0)} NUL bytes and no JSON: padding, or a block of the file "
                                 "that was never written (a crash while it was written): its records, if it held "
                                 "any, are lost")]
        return [_bad(offset, f"{where}: {exc}")]
    except RecursionError:
        return [_bad(offset, f"{where}: JSON nested deeper than the parser allows "
                             f"({sys.getrecursionlimit()} levels: {FIXED_LIMIT})")]
    if not isinstance(obj, dict):
        return [_bad(offset, f"{where}: not a JSON object")]
    given: dict = {}
    if "\ufffd" in text and any(isinstance(v := obj.get(k), str) and "\ufffd" in v for k in ("id", "url")):
        given = _as_given(data, obj)
        obj.update(given)
    if "url" not in given and isinstance(url := obj.get("url"), str) and not url.isascii():
        # a JSON escape of half a surrogate pair ('caf\udce9' written as an escape) is no byte of the file: U+FFFD, as
        # `valid_str` makes it, not a byte's %XX (the row builder takes lone surrogates for bytes; lead's review fix)
        obj["url"] = without_lone_surrogates(url)
    # a member named twice shows its name twice (outside strings: a quote inside one is escaped); one scan of
    # the bytes finds them all (five counts cost a third of the reading time of a file of pages)
    return [_checked(obj, text, _RECORD_FIELD_NAMES.findall(data), offset, where)]


def _as_given(data: bytes, read: dict) -> dict:
    """The `id` and `url` of the line `data` (`read` as decoded with U+FFFD) that hold U+FFFD, with the bytes no
    UTF-8 holds as lone surrogates (`surrogateescape`), for the row builder to keep as `\\xNN` and `%XX`: U+FFFD in
    their place made ids that differ there one (round 10), and URLs (round 18). Only the U+FFFD of the value read
    are taken as given (`_bytes_as_given`), so a URL's JSON escape of half a surrogate pair is U+FFFD whatever the
    line holds elsewhere (review round 26)."""
    try:
        obj = json.loads(data.decode("utf-8", errors="surrogateescape"))
    except (ValueError, RecursionError):
        return {}
    return {k: _bytes_as_given(value, v, k == "url") for k in ("id", "url")
            if isinstance(obj, dict) and isinstance(v := obj.get(k), str)
            and isinstance(value := read.get(k), str) and "\ufffd" in value}


def _bytes_as_given(read: str, given: str, escapes_replaced: bool) -> str:
    """`read` (decoded with U+FFFD) with each U+FFFD that stands for bytes no UTF-8 holds as those bytes, from `given`
    (the same JSON string decoded with `surrogateescape`: one lone surrogate U+DC80..U+DCFF a byte), character by
    character; the rest as read, its lone surrogates (JSON escapes, no byte of the file) U+FFFD when
    `escapes_replaced`. A U+FFFD stands for one or more bytes (a cut sequence `\\xe2\\x82` is one), as the UTF-8
    decoder groups them (the longest run of bytes that lines up with what follows: an escape may follow them); when
    the two do not line up, `read` with U+FFFD is the answer, as it was before round 18."""
    as_read = without_lone_surrogates(read) if escapes_replaced else read
    out: list[str] = []
    i = j = run_end = 0   # run_end: the end in `given` of the run of bytes `j` is in, found once a run
    while i < len(read):
        if read[i] != "\ufffd" or (j < len(given) and given[j] == "\ufffd"):
            if j >= len(given) or given[j] != read[i]:
                return as_read
            out.append(as_read[i])
            i, j = i + 1, j + 1
            continue
        ends: range | list[int] = range(min(run_end, j + _FEW_BYTES), j, -1)
        if run_end <= j:   # a run of bytes first met: tried whole once, then a few bytes at a time
            run_end = _run_end(given, j)
            ends = range(run_end, j, -1) if run_end <= j + _FEW_BYTES + 1 else [
                run_end, *range(j + _FEW_BYTES, j, -1)]
        for end in ends:   # the longest run of bytes that lines up (an escape may follow the bytes)
            replaced = len(decoded := _decoded(given, j, end))
            # bytes that decode to U+FFFD alone (an escape `\\udc80` after `\\xe2\\x82` is no `€`), ending where the
            # decoder ended a sequence (not inside `\\xf0\\x9f\\x98`): a lucky count lined up wrong bytes (round 27)
            if decoded == "\ufffd" * replaced == read[i:i + replaced] and (
                    read[i + replaced:i + replaced + 1] == given[end:end + 1]
                    or read[i + replaced:i + replaced + 1] == "\ufffd" and "\udc80" <= given[end:end + 1] <= "\udcff"
                    and len(_decoded(given, j, end + 1)) == replaced + 1):
                break
        else:
            return as_read
        out.append(given[j:end])
        i, j = i + replaced, end
    return "".join(out) if j == len(given) else as_read


# after a run of bytes is tried whole, the most bytes one U+FFFD is tried for: every end of every run was cubic time
# (`b'\\xff\\\\udc80' * 2000` in an id: 42 CPU s; review round 27); a U+FFFD stands for 1 to 3 bytes
_FEW_BYTES = 12


def _decoded(given: str, start: int, end: int) -> str:
    """What the UTF-8 decoder makes of the bytes `given[start:end]` (each U+FFFD one or more bytes)."""
    return given[start:end].encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _run_end(given: str, j: int) -> int:
    """The end of the run of lone surrogates U+DC80..U+DCFF (bytes no UTF-8 holds) that starts at `j` in `given`."""
    end = j
    while end < len(given) and "\udc80" <= given[end] <= "\udcff":
        end += 1
    return end


def _checked(obj: dict, text: str, named: list, offset: int, where: str) -> Piece:
    """The record `obj` decoded from `text`, whose members a record is read from were found `named` (bytes or
    str, in order): a member given twice with copies that agree is that value; with copies that differ, the
    record is a reject (`missing_id` for `id`, else `duplicate_field` under its own id)."""
    if len(named) == len(set(named)):
        return Piece(offset, obj)
    twice = [n.decode() if isinstance(n, bytes) else n for n in set(named) if named.count(n) > 1]
    for name, copies in _members_given(text, twice).items():
        if _agree(copies):
            obj[name] = copies[0]   # copies that agree (a null one aside): that value, whichever came last
            continue
        shown = ", ".join(repr(v[:80] if isinstance(v, str) else v) for v in copies)[:300]
        if name == "id":
            return Piece(offset, reason="missing_id", detail=f"{where}: `id` given {len(copies)} times, with "
                                                             f"different values ({shown}): no one id")
        return Piece(offset, obj, reason="duplicate_field",   # a reject under the record's own id
                     detail=f"{where}: `{name}` given {len(copies)} times, with different values ({shown}): which "
                            "one is the record's is not known")
    return Piece(offset, obj)


# the members a record is read from: one given twice with different values is no value to take
_RECORD_FIELD_TEXT = re.compile('"(' + "|".join(map(re.escape, FIELD_ORDER)) + ')"')
_RECORD_FIELD_NAMES = re.compile(_RECORD_FIELD_TEXT.pattern.encode())


def _members_given(text: str, names: list[str]) -> dict[str, list]:
    """The values (nulls left out) of each of `names` that the object `text` holds (a JSON parser keeps the
    last of a member given twice, in silence)."""
    objects: list[list[tuple[str, object]]] = []

    def pairs(items: list[tuple[str, object]]) -> dict:
        objects.append(items)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs, parse_int=_int_or_digits)
    return _copies(objects[-1], names)   # the outermost object closes last


def _copies(pairs: list[tuple[str, object]], names: list[str]) -> dict[str, list]:
    """The values (nulls left out) of each of `names` among the members `pairs` of an object, in FIELD_ORDER."""
    return {name: values for name in sorted(names, key=FIELD_ORDER.index)
            if (values := [v for k, v in pairs if k == name and v is not None])}


def _agree(copies: list) -> bool:
    """Whether the copies of a member given twice are one value (then the record's; else no value is)."""
    return len({json.dumps(v, sort_keys=True) for v in copies}) == 1


def _one_after_another(text: str, offset: int, where: str, as_given: str | None = None) -> list[Piece]:
    """The values of a text holding several (`{...}{...}`), each its own record at offset + k; what
    follows the last decodable one is one reject. `as_given`, the same bytes with those no UTF-8 holds as lone
    surrogates, is decoded in step for the ids and URLs that hold U+FFFD (`_as_given`)."""
    out: list[Piece] = []
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    given_pos = pos if as_given is None else _SPACE.match(as_given, 0).end()  # type: ignore[union-attr]
    while pos < len(text):
        k = len(out)
        start = pos
        try:
            obj, pos = _LONG_INT_DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            out.append(_bad(offset + k, f"{where}, value {k + 1}: {exc}; the rest of the line is not read"))
            break
        except RecursionError:
            out.append(_bad(offset + k, f"{where}, value {k + 1}: JSON nested deeper than the parser allows "
                                        f"({sys.getrecursionlimit()} levels: {FIXED_LIMIT}); the rest of the line is "
                                        "not read"))
            break
        taken: set[str] = set()
        if as_given is not None:   # the same value, its strings holding lone surrogates where `text` has U+FFFD
            try:
                given, given_pos = _LONG_INT_DECODER.raw_decode(as_given, given_pos)
                given_pos = _SPACE.match(as_given, given_pos).end()  # type: ignore[union-attr]
            except (ValueError, RecursionError):
                given, as_given = None, None
            for name in ("id", "url"):
                if (isinstance(obj, dict) and isinstance(value := obj.get(name), str) and "\ufffd" in value
                        and isinstance(given, dict) and isinstance(given.get(name), str)):
                    obj[name] = _bytes_as_given(value, given[name], name == "url")
                    taken.add(name)
        if isinstance(obj, dict) and "url" not in taken and isinstance(url := obj.get("url"), str) \
                and not url.isascii():
            obj["url"] = without_lone_surrogates(url)   # an escaped half surrogate: U+FFFD, as `_decode` makes it
        # each object checked as a line's is: a member given twice in the second of `{...}{...}` was taken in silence
        out.append(_checked(obj, text[start:pos], _RECORD_FIELD_TEXT.findall(text, start, pos), offset + k,
                            f"{where}, value {k + 1}") if isinstance(obj, dict) else
                   _bad(offset + k, f"{where}, value {k + 1}: not a JSON object"))
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    return out


def line_limit(max_payload: int) -> int:
    """The longest JSONL line read (`streams.iter_lines` skips longer ones unread): twice `max_payload` (JSON escapes
    may double a page). The extraction's caps lower it only for a line whose long value is its page
    (`page_line_cap`): review round 27 found the round-20 limit of twice the larger cap plus 1 MiB for every line
    rejected pages under the caps (ensure_ascii JSON of Cyrillic is 3 times its UTF-8, an emoji 6), records with a big
    other field (a base64 `screenshot`) and the records of `{small}{huge}` lines."""
    return max(2 * max_payload, 1024)


def page_line_cap(page_caps: tuple[int, int] | None) -> LineCap | None:
    """The lower line limit the extraction's caps (max_html_bytes, max_text_bytes) allow (`streams.LineCap`): a line
    whose first object's value cut by its first 64 KiB is `html` (`text`), longer than six times max_html_bytes
    (max_text_bytes) plus 1 MiB for its other fields, holds no page the extraction reads (the worst JSON escape,
    `\\u00XX`, is six bytes a byte) and is skipped unread (hostile round 20: a 50 MB `text` line cost the reader
    ~300 MiB before extraction rejected it). A line whose first object closes in its head (`{small}{huge}`), or whose
    long value is another field, is read up to `line_limit` (review round 27)."""
    if page_caps is None:
        return None
    caps = {"html": page_caps[0], "text": page_caps[1]}

    def limit(head: bytes) -> int:
        # a member's line of a pretty-printed object (`  "text": "..."`) is read as the object it goes on with
        member = head.lstrip(b" \t\r")
        long_field = _leading_members(head if member.startswith(b"{") else b"{" + member)[1]
        cap = caps.get((long_field or "").lower())
        return sys.maxsize if cap is None else _ESCAPED * cap + _OTHER_FIELDS

    return LineCap(_ESCAPED * min(page_caps) + _OTHER_FIELDS, limit)


_OTHER_FIELDS = 1024 * 1024
_ESCAPED = 6   # the most bytes JSON writes for one byte of a value (`\u00e9` for the Latin-1 `é` of a page read so)


def _long_line(size: int, line_no: int, offset: int, max_payload: int, page_caps: tuple[int, int] | None,
               before: bytes = b"", after: bytes = b"", where: str = "") -> Piece:
    """The reject of a line `iter_lines` skipped unread, under the record's own id when the line names it before its
    long value (`_leading_members`), else under its line number. For a line inside an object spread over several
    (`where` names them), `before` is the object's lines before it and `after` the members after it, whose id counts
    too (round 21 of the hostile inputs), as do those after its long value on the line itself (`LongLine.tail`: the
    record's id written after its text, hostile round 22)."""
    head = getattr(size, "head", b"")
    members, long_field = _leading_members(before + head)
    if tail := getattr(size, "tail", b""):   # `, "id": ...}`: the members after the long value's closing quote
        after = tail.lstrip(b" \t\r").removeprefix(b",") + (b"\n" + after if after else b"")
    if after:
        later, _ = _leading_members(b"{" + after)
        twice = {k for k, v in later.items() if k in members and members[k] != v}  # two values: neither is taken
        members = {k: v for k, v in (members | later).items() if k not in twice}
    field = f" (its `{long_field}` runs past its first {len(head)} bytes)" if long_field else ""
    if size > line_limit(max_payload) or page_caps is None:
        reason, detail = "payload_too_large", (
            f"{where}line {line_no + 1} is {size} bytes long{field}, more than twice max_payload_bytes ({max_payload}; "
            f"JSON escapes may double a page): skipped unread; {RAISE_MAX_PAYLOAD}")
    else:
        max_html, max_text = page_caps
        reason = "html_too_large" if (long_field or "").lower() == "html" else "text_too_large"
        key, cap = ("max_html_bytes", max_html) if reason == "html_too_large" else ("max_text_bytes", max_text)
        detail = (f"{where}line {line_no + 1} is {size} bytes long{field}, more than a page the extraction reads can "
                  f"take (six times {key} = {cap}, JSON's `\\u00XX` escapes making a byte six, plus {_OTHER_FIELDS} "
                  f"bytes for its other fields): skipped unread; raise {key} in the build's TOML config (`--config`) "
                  "to read it")
    return Piece(offset, obj=members or None, reason=reason, detail=detail)


def _leading_members(head: bytes) -> tuple[dict, str | None]:
    """The members of the JSON object `head` starts, as far as they are whole in it (an id and a URL before a long
    text), and the name of the member whose value `head` cuts. A member given twice is taken as `_checked` takes it
    from a whole line (copies that agree, nulls aside: that value; else left out), and the `id` and `url` holding
    U+FFFD as `_as_given` takes them (review round 27: the head's rules differed)."""
    pairs, long_field = _leading_pairs(head.decode("utf-8", "replace"))
    members = dict(pairs)
    for name, copies in _copies(pairs, [k for k in members if k in FIELD_ORDER and
                                        sum(n == k for n, _ in pairs) > 1]).items():
        if _agree(copies):
            members[name] = copies[0]
        else:
            del members[name]
    as_given = dict(_leading_pairs(head.decode("utf-8", "surrogateescape"))[0]) if any(
        isinstance(v := members.get(k), str) and "\ufffd" in v for k in ("id", "url")) else {}
    for name in ("id", "url"):
        value = members.get(name)
        if isinstance(value, str) and "\ufffd" in value and isinstance(given := as_given.get(name), str):
            members[name] = _bytes_as_given(value, given, name == "url")
        elif name == "url" and isinstance(value, str) and not value.isascii():
            members[name] = without_lone_surrogates(value)   # an escaped half surrogate: U+FFFD, as `_decode` has it
    # a value holding U+FFFD other than an id's or URL's, or a name: not the value as given (or a character cut)
    return {k: v for k, v in members.items() if "\ufffd" not in k and (
        k in ("id", "url") or not (isinstance(v, str) and "\ufffd" in v))}, long_field


def _leading_pairs(text: str) -> tuple[list[tuple[str, object]], str | None]:
    """The members (name, value) of the JSON object `text` starts, as far as they are whole in it, in order, and the
    name of the member whose value `text` cuts."""
    at = _SPACE.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("{", at):
        return [], None
    pairs: list[tuple[str, object]] = []
    at += 1
    while True:
        try:
            name, at = _DECODER.raw_decode(text, _SPACE.match(text, at).end())  # type: ignore[union-attr]
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            if not isinstance(name, str) or not text.startswith(":", at):
                break
            at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
        except (ValueError, RecursionError):
            break
        try:
            value, at = _DECODER.raw_decode(text, at)
        except (ValueError, RecursionError):   # cut by the head's end (or nested deeper than Python recurses)
            return pairs, name
        pairs.append((name, value))
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        if not text.startswith(",", at):
            break
        at += 1
    return pairs, None


def jsonl_pieces(lines: Iterator[bytes | int], max_payload: int,
                 page_caps: tuple[int, int] | None = None) -> Iterator[Piece]:
    """The records and rejects of a JSONL file's lines (`streams.iter_lines`: an int is the length of a line too long
    to keep, `line_limit(max_payload)` or `page_line_cap(page_caps)`). Never raises for bad data: a TruncatedInput
    from `lines` becomes a last `cut` reject for the unread rest of the file, a `Gap` (damage skipped) a `cut` reject
    in its place."""
    max_line = line_limit(max_payload)
    line_no = -1
    shift = 0                 # records before this line beyond one per line: offset = line_no + shift
    run: list[bytes] = []     # the lines of an object spread over several, not closed yet
    run_start = run_depth = run_size = 0
    run_long: list[tuple[int, int]] = []   # (index in `run`, line) of each line of the run too long to keep

    def unfinished(why: str) -> Piece:
        skipped = "" if not run_long else f" (its line {run_start + run_long[0][0] + 1}, {run_long[0][1]} bytes, " \
                                          "too long to read)"
        return _bad(run_start + shift, f"lines {run_start + 1}-{run_start + len(run)}: a JSON object that "
                                       f"starts on line {run_start + 1}{skipped} and {why}; not read")

    while True:
        try:
            line = next(lines)
        except StopIteration:
            break
        except TruncatedInput as exc:
            if run:
                yield unfinished("is cut by the damage after it")
            elif exc.partial and exc.partial.rstrip().endswith(b"}"):
                # the damage came right after a whole object (no LF yet): it is read (a reject until round 8)
                partial = _trimmed(exc.partial)  # (the edges a whole line loses: a BOM, form feeds, vertical tabs)
                whole = _safe_decode(partial, line_no + 1 + shift, f"line {line_no + 2}", False) or []
                if whole and all(p.reason is None for p in whole):
                    yield from whole
                    line_no, shift = line_no + 1, shift + len(whole) - 1
            # the last partial line (if any) was never yielded: the reject stands for it
            yield Piece(line_no + 1 + shift, reason=exc.reason, cut=True,
                        detail=str(exc) if exc.reason == "unknown_format" else
                        f"{exc} (after line {line_no + 1}): the lines before were read, "
                        "the rest of the file cannot be; re-fetch or re-compress the file")
            return
        # the rest of a line too long to keep after an object that closed in it (`streams.LineRest`, a `LongLine`):
        # its next record, as reading the line whole makes it (hostile round 22); inside an object spread over
        # several lines, more of that object
        continued = getattr(line, "continued", False)
        if not continued:
            line_no += 1
        elif not run:
            shift += 1
        if isinstance(line, Gap):   # damaged compressed data, skipped: one reject in the place of the lines it held
            if run:
                yield unfinished("is cut by the damage after it")
                run, run_long = [], []
            yield Piece(line_no + shift, reason=line.reason, cut=True,
                        detail=f"{line.detail} (after line {line_no}): the lines it held are lost, how many is not "
                               "known; the lines after it were read; re-fetch or re-compress the file")
            continue
        if isinstance(line, bytes) and line and (line[0] in _ODD_FIRST or line[-1] in _ODD_LAST):
            line = _trimmed(line)
        if run:
            if isinstance(line, int) and (continued or not _trimmed(getattr(line, "head", b"")).startswith(b"{")):
                # a long member of a pretty-printed object (`  "text": "..."`): the object's one reject, under its id
                # (round 21 of the hostile inputs: it was three or more rejects, none under the id, and the lines
                # after it `bad_json` rejects that moved the later records' offsets); its brackets are taken as
                # balanced, as a string's are (if not, the run ends as an unfinished object: one reject still).
                # Each such line (an `html` and a `text`), and one over `max_line` too, is kept apart (review round 28:
                # a second one, or one over twice `max_payload`, made the object two or more rejects again)
                run_long.append((len(run), line))
                line = b""   # its place in the run (its bytes are not kept: `run_size` does not count them)
            # (after a line it could not read, a line opening an object at its start is the next object's: the long
            # line's brackets, taken as balanced, may have closed this one; review round 28)
            if isinstance(line, bytes) and (continued or (
                    not _is_record(line) and not (run_long and line.startswith(b"{")))):
                run.append(line)
                run_size += len(line) + 1
                run_depth += _depth(line)
                if run_depth > 0 and run_size <= max_line:
                    continue
                if run_depth > 0:
                    pieces = [unfinished(f"goes on for more than {max_line} bytes")]
                elif run_long:
                    at, long = max(run_long, key=lambda a: a[1])   # the longest says the reason (over line_limit?)
                    where = f"lines {run_start + 1}-{line_no + 1}, a JSON object spread over them: its "
                    pieces = [_long_line(long, run_start + at, run_start + shift, max_payload, page_caps,
                                         b"\n".join(run[:at]) + b"\n", b"\n".join(run[at + 1:]), where)]
                else:
                    pieces = _safe_decode(b"\n".join(run), run_start + shift,
                                          f"lines {run_start + 1}-{line_no + 1}", False) or [unfinished("is empty")]
                yield from pieces
                shift += len(pieces) - 1
                run, run_long = [], []
                continue
            yield unfinished(f"does not end before line {line_no + 1}")
            run, run_long = [], []
            shift += continued   # the rest of a line the run took: its next record
        if isinstance(line, int):
            if not continued and (still_open := getattr(line, "open_brackets", None)):
                # the first line of a pretty-printed object, too long to keep (`{"id": ..., "text": "<long>",`):
                # the object's one reject, under its id, once its brackets close (hostile round 22)
                run, run_start, run_depth, run_size, run_long = [b""], line_no, still_open, 0, [(0, line)]
                continue
            yield _long_line(line, line_no, line_no + shift, max_payload, page_caps)
            continue
        if not line.strip():
            shift -= continued   # no record: `{huge}   ` is one
            continue
        got = _safe_decode(line, line_no + shift, f"line {line_no + 1}", not continued)
        if got is None:   # an object opened and not closed: the next lines may go on with it
            run, run_start, run_depth, run_size = [line], line_no, _depth(line), len(line)
            continue
        yield from got
        shift += len(got) - 1
    if run:
        yield unfinished("does not end before the end of the file")


_ODD_FIRST = frozenset(b" \t\r\f\v\xef")
_ODD_LAST = frozenset(b"\f\v")


def _trimmed(line: bytes) -> bytes:
    """`line` without the edges no JSON reader takes and no record holds: a UTF-8 byte order mark (Windows tools write
    one) before the first line, or before a later one where `cat` of such files put it, spaces before it included
    (round 11: a BOM at a line's start was a `bad_json` reject; round 19: after spaces), and form feeds and vertical
    tabs (a page break or a `\v` a tool wrote between records) with the spaces around them. Python's `json`, polars
    and duckdb read only space, tab, CR and LF as JSON whitespace, but a raw control character or BOM is in no JSON
    string, so cutting them off the edges changes no record (round 19: `{...}\f` and `\v{...}` were `bad_json`
    rejects, the second holding a record). Leading plain spaces stay: a pretty-printed object's inner lines start so."""
    lead = _ODD_LEAD.match(line).end()  # type: ignore[union-attr]
    if lead and (b"\f" in line[:lead] or b"\v" in line[:lead] or b"\xef" in line[:lead]):
        line = line[lead:]
    bare = line.rstrip(b" \t\r\f\v")
    if b"\f" in line[len(bare):] or b"\v" in line[len(bare):]:
        line = bare
    return line


def _safe_decode(data: bytes, offset: int, where: str, may_continue: bool) -> list[Piece] | None:
    try:
        return _decode(data, offset, where, may_continue)
    except Exception as exc:  # noqa: BLE001 - a bug on one line must not cost the others
        return [Piece(offset, reason="internal_error",
                      detail=f"{where}: {type(exc).__name__}: {str(exc)[:200]} "
                             "(this is a dedup bug: please report it)")]
