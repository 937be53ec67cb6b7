"""HTTP inside a WARC/ARC record: header fields, the response head, and the payload after transfer
and content codings (chunked, gzip, deflate, br, zstd), bounded by ``max_payload``.

Shared by the WARC and ARC parsers of `dedup.sources.warc`; everything here works on bytes already
read, so it never touches the file.
"""

from __future__ import annotations

import re
import zlib

import zstandard

from dedup.sources.rawrows import over_payload_limit
from dedup.sources.zstdframes import ZSTD_IN, ZSTD_MAGIC, is_skippable

MAX_HEADER = 1024 * 1024      # a WARC or HTTP header block larger than this is garbage
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK_LINE = re.compile(rb"[ \t]*([0-9A-Fa-f]{1,15})[ \t]*(?:;[^\n]*)?\r?\n")


def header_text(b: bytes) -> str:
    """Header bytes as text: UTF-8 when valid, else Latin-1 (every byte kept)."""
    # Headers are ASCII nearly always; UTF-8 covers WARC 1.1, latin-1 keeps any other byte.
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


# the key under which `parse_fields(..., keep_unparsed=True)` keeps the lines without a colon (LF-joined): no
# field name can be it (names are stripped, so none starts with a space)
UNPARSED = " unparsed"
# the WARC fields given more than once with different values (LF-joined names; their values joined by ', ')
REPEATED = " repeated"
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+")   # a field name (RFC 9110 token), lower-case


def parse_fields(text: str, keep_unparsed: bool = False) -> dict[str, str]:
    """Header lines after the first line of `text` -> dict with lower-case keys.

    Duplicated names are joined with ', ' (as HTTP allows), folded lines are unfolded and lines
    without a colon are ignored; with `keep_unparsed` they are kept, LF-joined, under `UNPARSED`, and so
    are lines whose text before the first colon is no field name (`WARC-Record-ID <urn:uuid:...>`): the
    WARC reader counts them, or rejects the record when one held a field it needs. This runs twice
    per record, so the common shape (CRLF lines, 'Name: value', no duplicates) takes a lean path and
    anything else the careful one.
    """
    lines = text.split("\r\n")
    if (text.count("\n") != len(lines) - 1      # LF-only or mixed line ends
            or ":  " in text or " \r\n" in text or "\t" in text or text.endswith(" ")):
        return _parse_fields_slow(text, keep_unparsed)   # values to strip: cheaper to test than to do
    del lines[0]
    d = {}
    for line in lines:
        k, sep, v = line.partition(": ")
        if not sep:
            return _parse_fields_slow(text, keep_unparsed)
        d[k.lower()] = v
    if len(d) != len(lines) or ":" in (keys := "".join(d)) or " " in keys or "\t" in keys:
        # a duplicate, a line without ': ', a continuation line or a name with blanks
        return _parse_fields_slow(text, keep_unparsed)
    return d


def agreed_length(value: str | None) -> str | None:
    """A Content-Length field sent more than once arrives joined by commas (`123, 123`): its value when
    all copies agree (RFC 9110 section 8.6 lets a recipient take it), else `value` as it is."""
    if value is None or "," not in value:
        return value
    values = {v.strip() for v in value.split(",")}
    return values.pop() if len(values) == 1 else value


def _parse_fields_slow(text: str, keep_unparsed: bool = False) -> dict[str, str]:
    copies: dict[str, list[str]] = {}
    unparsed: list[str] = []
    last = None
    lines = text.split("\n")
    del lines[0]
    for line in lines:
        line = line.rstrip("\r")
        if not line:
            continue
        if line[0] in " \t":
            if last is not None:   # a URI holds no whitespace: its fold is a line wrap (round 10b: it was `%20`)
                fold = "" if keep_unparsed and last == "warc-target-uri" else " "
                copies[last][-1] = (copies[last][-1] + fold + line.strip()).strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            last = None
            unparsed.append(line)
            continue
        key = name.strip().lower()
        if keep_unparsed and not _TOKEN.fullmatch(key):
            # no field name before the colon (`WARC-Record-ID <urn:uuid:...>`: the colon is the value's)
            last = None
            unparsed.append(line)
            continue
        copies.setdefault(key, []).append(value.strip())
        last = key
    d: dict[str, str] = {}
    repeated = []
    for key, values in copies.items():
        if keep_unparsed and len(values) > 1:
            # a WARC field given twice: one value when the copies agree (round 10: `a, a` was a URL, no date)
            values = list(dict.fromkeys(values))
            if len(values) > 1:
                repeated.append(key)
        d[key] = ", ".join(values)
    if keep_unparsed and unparsed:
        d[UNPARSED] = "\n".join(unparsed)
    if repeated:
        d[REPEATED] = "\n".join(repeated)
    return d


def find_blank_line(buf: bytes, start: int, end: int) -> tuple[int, int]:
    """Where the head in buf[start:end] ends: (end of its last line, bytes up to the body).

    The head ends at the first blank line, with CRLF, LF-only or mixed line ends; the returned
    end excludes the last line's terminator. (-1, 0) when there is no blank line.
    """
    k = buf.find(b"\n\r\n", start, end)
    # bounded: an unbounded find of a pattern starting with a frequent byte is slow
    j = buf.find(b"\n\n", start, k + 2 if k >= 0 else end)
    if j >= 0:
        if j > start and buf[j - 1] == 13:
            return j - 1, 3
        return j, 2
    if k >= 0:
        if k > start and buf[k - 1] == 13:
            return k - 1, 4
        return k, 3
    return -1, 0


def clean_uri(v: str) -> str:
    """A target URI without surrounding `<...>`, spaces as %20 (as browsers and warcio do)."""
    v = v.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1].strip()
    if " " in v:
        v = v.replace(" ", "%20")
    return v


def preview(b: bytes, n: int = 40) -> str:
    """The first bytes of `b`, printable, for an error detail."""
    return repr(bytes(b[:n]))


# --- HTTP ---------------------------------------------------------------------------------------

def _parse_http(buf: bytes, start: int, end: int) -> tuple[int, dict[str, str], int] | str:
    """HTTP response head in buf[start:end] -> (status, headers, body start), or an error detail.

    Works on the read buffer in place, so a record's block is copied once, as its body.
    """
    nl = buf.find(b"\n", start, min(end, start + 8192))
    if (buf[start + 8:start + 9] == b" " and buf[start + 9:start + 12].isdigit()
            and buf.startswith(b"HTTP/", start) and nl > start + 11):
        status = int(buf[start + 9:start + 12])     # the usual 'HTTP/1.1 200 OK'
    else:
        line = buf[start:nl] if nl >= 0 else buf[start:min(end, start + 200)]
        if line[:5].upper() != b"HTTP/":   # `http/1.1 200 ok`: browsers read it
            return f"no HTTP status line: {preview(line)}"
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[1][:3].isdigit():
            return f"bad HTTP status line: {preview(line, 80)}"
        status = int(parts[1][:3])
        if nl < 0:
            return status, {}, end
    he, seplen = find_blank_line(buf, nl, min(end, nl + MAX_HEADER))
    if he < 0:
        if end - nl > MAX_HEADER:   # the body is there: it was an `empty_payload` ("no body") until round 8
            return f"no end of the HTTP header block within {MAX_HEADER} bytes (a header line of megabytes?)"
        # Head without the closing blank line (seen in revisit records): all of it is headers.
        he, seplen = end, 0
    return status, parse_fields(header_text(buf[start:he])), he + seplen


def _looks_chunked(body: bytes) -> bool:
    return _CHUNK_LINE.match(body) is not None


# A body in more chunks than this, averaging under _TINY_CHUNK bytes, is refused: each chunk costs
# a Python step (7 million 1-byte chunks took 24 s and 800 MB); real servers send KB-sized chunks.
_MAX_TINY_CHUNKS = 100_000
_TINY_CHUNK = 64


def _dechunk(body: bytes) -> tuple[bytes, str | None]:
    out = bytearray()
    pos = 0
    n = len(body)
    chunks = 0
    while True:
        if pos >= n:
            # Data ends at a chunk boundary without the last-chunk: accept what we have.
            return bytes(out), None
        m = _CHUNK_LINE.match(body, pos)
        if m is None:
            return body, f"bad chunk-size line at body offset {pos}: {preview(body[pos:pos + 20])}"
        size = int(m.group(1), 16)
        if size == 0:
            return bytes(out), None
        start = m.end()
        end = start + size
        if end > n:
            return body, (f"chunk of {size} bytes at body offset {pos} runs past the end "
                          f"of the body ({n - start} bytes left)")
        chunks += 1
        if chunks > _MAX_TINY_CHUNKS and len(out) < chunks * _TINY_CHUNK:
            return body, (f"more than {_MAX_TINY_CHUNKS} chunks of {len(out) / chunks:.1f} bytes on "
                          "average: not decoded")
        out += body[start:end]
        if body.startswith(b"\r\n", end):
            pos = end + 2
        elif body.startswith(b"\n", end):
            pos = end + 1
        elif end == n:
            pos = end
        else:
            return body, f"chunk at body offset {pos} not followed by CRLF"


def _inflate_body(body: bytes, wbits: int, limit: int) -> bytes | str:
    d = zlib.decompressobj(wbits)
    try:
        out = d.decompress(body, limit + 1)
    except zlib.error as exc:
        return str(exc)
    if len(out) > limit:
        raise _TooLarge()
    if not d.eof:
        return "compressed body ends early"
    return out


class _TooLarge(Exception):
    pass


_CODINGS = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd"})   # the codings `_decode_coding` undoes


def _decode_coding(body: bytes, coding: str, limit: int, truncated_ok: bool) -> bytes | str:
    """Undo one content coding; returns the decoded bytes or an error detail string."""
    if coding in ("gzip", "x-gzip"):
        if not body.startswith(GZIP_MAGIC):
            return body   # stored decoded by the crawler, header left as received
        return _gunzip_members(body, limit, truncated_ok)
    if coding in ("deflate", "br", "zstd") and body.lstrip()[:1] == b"<":
        return body   # stored decoded by the crawler (these codings have no reliable magic)
    if coding == "deflate":
        if len(body) >= 2 and (body[0] & 0x0F) == 8 and ((body[0] << 8) | body[1]) % 31 == 0:
            r = _inflate_body(body, 15, limit)      # zlib-wrapped, as the RFC says
            if isinstance(r, bytes):
                return r
        r = _inflate_body(body, -15, limit)         # raw deflate, as many servers send
        return r if isinstance(r, bytes) else f"deflate: {r}"
    if coding == "br":
        try:
            import brotli  # type: ignore[import-not-found]   # optional
        except ImportError:
            return "Content-Encoding br: no brotli module installed"
        try:
            d = brotli.Decompressor()
            out = d.process(body, output_buffer_limit=limit + 1)
        except Exception as exc:   # brotli.error: its import path differs between bindings
            return f"br: {exc}"
        if len(out) > limit:
            raise _TooLarge()
        return out if d.is_finished() or truncated_ok else "br: compressed body ends early"
    if coding == "zstd":
        return _unzstd_frames(body, limit, truncated_ok)
    return f"unsupported Content-Encoding {coding!r}"


def _gunzip_members(body: bytes, limit: int, truncated_ok: bool) -> bytes | str:
    """A gzip body -> its bytes: every member, as gunzip reads them (RFC 1952: a gzip file is a series of
    members; only the first was read until round 11, so a page sent as two members was published cut at the
    first's end, without a word). Bytes after a member that start no other member are ignored, as gunzip and
    browsers do; a member cut short is an error unless the crawler said it cut the payload (`truncated_ok`)."""
    out = bytearray()
    rest = body
    while True:
        d = zlib.decompressobj(31)
        try:
            out += d.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            return f"gzip: {exc}"
        if len(out) > limit:
            raise _TooLarge()
        if not d.eof:
            if d.unconsumed_tail:   # output stopped at the limit: more to come
                raise _TooLarge()
            return bytes(out) if truncated_ok else "gzip: compressed body ends early"
        rest = d.unused_data
        if not rest.startswith(GZIP_MAGIC):
            return bytes(out)


def _unzstd_frames(body: bytes, limit: int, truncated_ok: bool) -> bytes | str:
    """A zstd body -> its bytes: every frame (skippable ones skipped), fed a slice at a time so that a bomb stops at
    `limit`. A frame cut short is an error unless the crawler said it cut the payload (`truncated_ok`): until round 11
    the decoder gave what it had and the page was published cut, or, cut before its first block, an `empty_payload`
    reject ("no body"). Bytes after a frame that start no other are ignored."""
    dctx = zstandard.ZstdDecompressor()
    parts: list[bytes] = []
    got = pos = 0
    n = len(body)
    obj = None
    while pos < n:
        if obj is None:
            head = body[pos:pos + 4]
            if is_skippable(head):
                pos += 8 + int.from_bytes(body[pos + 4:pos + 8], "little")
                continue
            if head != ZSTD_MAGIC:
                if pos == 0:
                    return "zstd: no zstd frame at the start of the body"
                break
            obj = dctx.decompressobj()
        inp = body[pos:pos + ZSTD_IN]
        try:
            out = obj.decompress(inp)
        except zstandard.ZstdError as exc:
            return f"zstd: {exc}"
        got += len(out)
        if got > limit:
            raise _TooLarge()
        parts.append(out)
        if obj.eof:
            pos += len(inp) - len(obj.unused_data)
            obj = None
        else:
            pos += len(inp)
    if obj is not None and not truncated_ok:
        return "zstd: compressed body ends early"
    return b"".join(parts)


# the note (`detail`, no error) of a record the end of its file cut whose HTTP body is whole by its own
# Content-Length: kept, and counted in run.json's `tolerated` under this name (`read`; without a word until round 10)
LENGTH_PAST_END = "record_length_past_end"


# the start of the note (`detail`, no error) of a response whose head has no end (no blank line): all of its block is
# head and it has no body, an `empty_payload` reject whose detail is this note (round 15 of the hostile inputs: it
# said "the record has no body", not why nor what to do); a revisit record's head often ends so, and stays one
HEAD_UNENDED = "the HTTP head never ends"


def unended_head(buf: bytes, head: int, end: int) -> str:
    """The note on the response head in buf[head:end] when it has no blank line to end it ('' when it has one)."""
    if find_blank_line(buf, head, end)[0] >= 0:
        return ""
    lines = buf[head:end].rstrip(b"\r\n").split(b"\n")
    stray = next((i for i, line in enumerate(lines[1:], 2) if line.strip() and b":" not in line), None)
    cause = ("the crawler stored the head alone or cut the record after it: re-fetch the page" if stray is None else
             f"its line {stray} is no header field ({preview(lines[stray - 1], 60)}): if the body starts there, the "
             "blank line before it is missing: write the record again with one (CRLF CRLF) after the head")
    return (f"{HEAD_UNENDED}: no blank line ends its {end - head} bytes ({len(lines)} line{'s' if len(lines) > 1 else ''}), so all of it was read "
            f"as head and the record has no body; {cause}")


# 204 No Content, 205 Reset Content: a response that cannot hold content; bytes after its head are no page (round 12:
# they were kept as one, text no browser shows at the URL). Without bytes there it stays an `empty_payload`.
NO_CONTENT = (204, 205)


def http_payload(buf: bytes, start: int, end: int, headers: dict[str, str], max_payload: int,
                  cut: str | None = None
                  ) -> tuple[int | None, dict[str, str] | None, bytes, str | None, str]:
    """(http_status, http_headers, payload, error, detail) of the HTTP response in buf[start:end].

    `cut` describes a block that the end of the file cut short. If the HTTP body is still complete
    by its own Content-Length, the record is accepted (its length field was wrong, a known ARC
    quirk after line-end conversion); otherwise the result is 'truncated_record'.
    """
    parsed = _parse_http(buf, start, end)
    head = start
    # interim responses before the final one (100 Continue, 103 Early Hints): read on to it, as a browser
    # does (the page was an `http_status` reject, "HTTP status 100", until round 8); 101 is final
    while not isinstance(parsed, str) and 100 <= parsed[0] < 200 and parsed[0] != 101 \
            and buf[parsed[2]:parsed[2] + 5].upper() == b"HTTP/":
        head = parsed[2]
        parsed = _parse_http(buf, head, end)
    if isinstance(parsed, str):
        block = buf[start:end]
        if cut is not None:
            return None, None, block, "truncated_record", f"{cut}; {parsed}"
        return None, None, block, "bad_http_header", parsed
    status, hh, body_start = parsed
    body = buf[body_start:end]
    if status in NO_CONTENT and body.strip():
        return status, hh, body, "http_status", (
            f"HTTP status {status}: the response has no content by definition (RFC 9110 15.3.5-6), so a browser shows "
            f"no page and ignores the {len(body)} bytes after its head")
    if cut is None and "transfer-encoding" not in hh and "content-encoding" not in hh:
        return status, hh, body, None, unended_head(buf, head, end) if body_start == end else ""
    err: str | None = None
    detail = ""
    te = hh.get("transfer-encoding")
    chunked = te is not None and "chunked" in te.lower() and _looks_chunked(body)
    if cut is not None:
        cl = agreed_length(hh.get("content-length"))
        if not chunked and cl and cl.isascii() and cl.isdigit() and len(body) >= int(cl):
            body = body[:int(cl)]
            detail = (f"{LENGTH_PAST_END}: {cut}, but the HTTP body is complete (Content-Length {cl}): the record "
                      "length field is wrong")
        else:
            err, detail = "truncated_record", cut
    if chunked:
        body, cerr = _dechunk(body)
        if cerr:
            return status, hh, body, err or "bad_chunked_encoding", (
                f"{detail}; {cerr}" if err else cerr)
    ce = hh.get("content-encoding")
    if te is not None:
        # a transfer coding besides chunked (`gzip, chunked`, RFC 9112 6.1) is undone after the chunks, before the
        # content codings (round 11: the compressed bytes were the payload, a `non_html_payload` reject)
        ce = ", ".join(x for x in (ce, *(c for c in (x.strip().lower() for x in te.split(",")) if c in _CODINGS))
                       if x) or None
    if ce and body:
        codings = [c for c in (x.strip().lower() for x in ce.split(",")) if c and c != "identity"]
        # A crawler-truncated capture cannot end its gzip stream; it is a known state, not damage.
        truncated_ok = "warc-truncated" in headers or err is not None
        raw = body
        try:
            for coding in reversed(codings):
                r = _decode_coding(body, coding, max_payload, truncated_ok)
                if isinstance(r, str):
                    return status, hh, raw, err or "bad_content_encoding", (
                        f"{detail}; {r}" if err else r)
                body = r
        except _TooLarge:
            return (status, hh, b"", "payload_too_large",
                    over_payload_limit(f"decoded body (Content-Encoding {', '.join(codings)})", max_payload))
    if not detail and body_start == end:
        detail = unended_head(buf, head, end)
    return status, hh, body, err, detail


_HTTP_CT: dict[tuple[str, str | None], bool | None] = {}


def http_body_end(buf: bytes, start: int, end: int) -> int | None:
    """Where the HTTP response in buf[start:end] ends by its own Content-Length (its head's end plus the length),
    None when that is not known or not within `end` (no HTTP head, no length, a chunked body, a length past `end`)."""
    parsed = _parse_http(buf, start, end)
    if isinstance(parsed, str) or "transfer-encoding" in parsed[1]:
        return None
    cl = agreed_length(parsed[1].get("content-length"))
    if not (cl and cl.isascii() and cl.isdigit()) or parsed[2] + int(cl) > end:
        return None
    return parsed[2] + int(cl)


def is_http_response(record_type: str, headers: dict[str, str], buf: bytes, pos: int) -> bool:
    """Is the block at buf[pos:] an HTTP response? Decided by the Content-Type (memoised: a crawl
    has a handful of distinct values), and by the block itself when the type does not say."""
    ct = headers.get("content-type")
    key = (record_type, ct)
    if key in _HTTP_CT:
        verdict = _HTTP_CT[key]
    else:
        if ct is None:
            verdict = None if record_type in ("response", "revisit") else False
        else:
            low = ct.lower()
            if "application/http" not in low:
                verdict = False
            elif "msgtype" in low:
                verdict = "msgtype=response" in low.replace(" ", "").replace('"', "")
            else:
                verdict = None
        if len(_HTTP_CT) < 1024:
            _HTTP_CT[key] = verdict
    if verdict is None:
        return buf[pos:pos + 5].upper() == b"HTTP/"
    return verdict


def media_type(value: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type value. A header sent twice arrives joined by commas
    ('application/octet-stream, text/html'): the last value that names a type counts, keeping an earlier
    charset of the same type, as in browsers (the Fetch standard's "extract a MIME type"); the first value
    alone made such a page a `non_html_payload` reject."""
    media: str | None = None
    charset: str | None = None
    for part in (value or "").split(","):
        m, c = _one_media_type(part)
        if m is None or "/" not in m:
            continue
        if m != media:
            media, charset = m, c
        elif c is not None:
            charset = c
    if media is None:  # no value names a type: the first one's text, as it stands
        return _one_media_type((value or "").split(",")[0])
    return media, charset


def _one_media_type(value: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in value.split(";")]
    media = parts[0].lower() or None
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("'\"").lower()
    return media, charset


def looks_like_html(payload: bytes) -> bool:
    """Does a payload of unknown type start like an HTML document?"""
    head = payload[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<html" in payload[:4096].lower() or b"<!doctype" in head
                                      or b"<body" in payload[:8192].lower() or b"<p" in head)


def unparsed_note(headers: dict[str, str]) -> str:
    """' (header line(s) without a colon: ...)' naming the WARC header lines the parser could not read
    (`headers[UNPARSED]`), for the detail of a reject they may have caused; '' when there are none."""
    lines = headers.get(UNPARSED)
    if not lines:
        return ""
    shown = [repr(line[:120]) for line in lines.split("\n")[:3]]
    return f" (header line{'s' if len(shown) > 1 else ''} without a colon: {', '.join(shown)})"
