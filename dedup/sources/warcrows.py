"""warcrows: one WARC/ARC record (`warc.RawRecord`) -> a `raw` row: its id, URL and fetch time, its page (HTML or
text) by its content type, or the reject that says why it has none; `payload_cut` names a payload the crawler cut.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from dedup.sources import bytesource, warc
from dedup.sources.fetchtime import fetch_time
from dedup.sources.http import HEAD_UNENDED, LENGTH_PAST_END, REPEATED, agreed_length, looks_like_html, media_type
from dedup.sources.rawrows import positional_id, reserved_id
from dedup.sources.textbytes import decode_text
from dedup.text.normalise import without_userinfo

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
TEXT_TYPES = frozenset({"text/plain"})


def payload_counter(rec: warc.RawRecord) -> str | None:
    """The run.json counter of a record read whose payload is not the page as its response sent it: `cut.*`
    (`payload_cut`), else `BODY_PAST_LENGTH`; None for a whole payload. Its HTTP Content-Length is read once."""
    length = _declared_length(rec)
    cut = payload_cut(rec, length)
    if cut is not None:
        return f"cut.{cut}"
    return BODY_PAST_LENGTH if length is not None and len(rec.payload) > length else None


def payload_cut(rec: warc.RawRecord, length: int | None) -> str | None:
    """Why the payload of a record read is not the whole page, when its headers say so: `WARC-Truncated`
    (the crawler stopped: `length`, Common Crawl's cut at 1 MiB, `time`, `disconnect`, `unspecified`)
    or an HTTP 206 (a range of the page), or a body shorter than the HTTP Content-Length of a response sent
    without transfer or content coding (`http_body_short`: the crawler kept part of it and did not say so;
    `length`, the record's `_declared_length`). None for a whole payload."""
    truncated = rec.headers.get("warc-truncated")
    if truncated is not None:
        reason = truncated.strip().lower()
        return f"warc_truncated_{reason if reason in ('length', 'time', 'disconnect') else 'unspecified'}"
    if rec.http_status == 206:
        return "http_206"
    if length is not None and len(rec.payload) < length:
        return "http_body_short"
    return None


def _declared_length(rec: warc.RawRecord) -> int | None:
    """The HTTP Content-Length of a response sent without transfer or content coding (where it measures the body as
    stored), else None."""
    hh = rec.http_headers
    if hh and "content-length" in hh and "transfer-encoding" not in hh and "content-encoding" not in hh:
        length = agreed_length(hh["content-length"]) or ""
        if length.isascii() and length.isdigit() and len(length) < 19:
            return int(length)
    return None


# run.json `tolerated`: responses whose stored HTTP body runs past their Content-Length, kept whole (round 13). A
# browser stops at the length, but warcio reads the whole block, and a crawler that stores the body it decoded with
# the headers it was sent (a compressed length) writes such records: cut there, their text is lost
BODY_PAST_LENGTH = "tolerated.http_body_past_content_length"


# a WARC-Record-ID field sent more than once, as the header parser joins it: `<urn:a>, <urn:b>` (a URI holds no
# space, so the join cannot be one id)
_REPEATED_RECORD_ID = re.compile(r"<[^<>\s]*>(?:\s*,\s*<[^<>\s]*>)+")


# the WARC fields a record cannot be used without: a header line without a colon that names one of them (and the
# record lacks it) costs the record; any other such line is tolerated and counted (`_unparsed_lines`)
_ID_BRACKETS = "<> \t"   # what stands around a WARC-Record-ID's URI
_NEEDED_FIELDS = {"warc-record-id": "WARC-Record-ID", "warc-type": "WARC-Type", "warc-target-uri": "WARC-Target-URI"}
_FIELD_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def record_id_uri(record_id: str) -> str:
    """The doc_id of a WARC-Record-ID: the field as WARC 1.0/1.1 write it, `"<" uri ">"`; one given without its
    angle brackets (`urn:uuid:1`, a writer that left them out, or half of them) names the same URI, so it gets them
    (hostile round 15b: `urn:uuid:1` and `<urn:uuid:1>` were two records' ids, the second copy of a record kept
    as another). An id written in full is its own doc_id, unchanged."""
    if record_id.startswith("<") and record_id.endswith(">"):
        return record_id
    return "<" + record_id.strip(_ID_BRACKETS) + ">"


def _unparsed_lines(rec: warc.RawRecord, stats: Counter) -> str | None:
    """The WARC header lines of `rec` without a colon (taken out of its headers): why the record cannot be
    used when one held a field it needs (`_NEEDED_FIELDS`: its id, type or URL would be lost, or another
    taken in its place: a URL-derived id), '' when the lines held none of them (tolerated: a record kept
    despite them is counted in `tolerated.warc_header_line_without_colon` by the caller), None when there
    are no such lines. A line that held the WARC-Date makes the fetch time unknown (`fetched_at.unreadable`)."""
    lines = rec.headers.pop(warc.UNPARSED, None)
    if not lines:
        return None
    named: dict[str, str] = {}
    for line in lines.split("\n"):
        if m := _FIELD_NAME.match(line.strip()):
            named.setdefault(m.group().lower(), line)
    if "warc-date" in named and "warc-date" not in rec.headers:
        stats["fetched_at.unreadable"] += 1
    for key, field in _NEEDED_FIELDS.items():
        if key in named and key not in rec.headers:
            return (f"header line without a colon: {named[key][:200]!r}: the record's {field} cannot be read "
                    "(a WARC header line is `Name: value`)")
    return ""


def warc_row(rec: warc.RawRecord, source_name: str, stats: Counter) -> dict[str, object]:
    """One WARC/ARC record -> a `raw` row (a reject row when the record cannot be used)."""
    rtype = rec.record_type
    headers = rec.headers
    unparsed = _unparsed_lines(rec, stats)
    record_id = headers.get("warc-record-id")
    url = headers.get("warc-target-uri")
    garbled = rec.error in bytesource.DAMAGE
    clash = None
    if record_id and _REPEATED_RECORD_ID.fullmatch(record_id.strip()):
        # the field twice: one id when the copies agree; two ids for one record is no identity to take
        ids = sorted({v.strip() for v in record_id.split(",")})
        record_id = ids[0] if len(ids) == 1 else None
        if record_id is None:
            clash = f"WARC-Record-ID given more than once, with different values ({', '.join(ids)[:300]})"
    for key in headers.pop(REPEATED, "").split("\n"):   # a type or URL given twice, two values: no record to read
        if clash is None and key in ("warc-type", "warc-target-uri"):
            clash = f"{_NEEDED_FIELDS[key]} given more than once, with different values ({headers[key][:300]})"
    # `<>` names no record (round 15 of the hostile inputs: a writer that wrote it for every record had every record
    # but its first rejected as a `repeated_doc_id`): derived, as an empty WARC-Record-ID is
    given_id = record_id if record_id and record_id.strip(_ID_BRACKETS) else None
    reserved = reserved_id(given_id) if given_id and not garbled else None
    if given_id and not garbled and reserved is None:
        doc_id = record_id_uri(given_id)
    elif clash is None and reserved is None and not unparsed and rtype == "response" and url and rec.error is None:
        # ARC records carry no id: derive one from what identifies the capture.
        key = f"{url}\0{headers.get('warc-date', '')}\0{len(rec.payload)}"
        doc_id = "urn:arc:" + hashlib.sha1(key.encode()).hexdigest()
        if "warc-type" in headers:   # a WARC record without its (mandatory) id, an empty one or `<>`: derived, counted
            stats["tolerated.warc_record_id_missing"] += 1
    else:
        doc_id = positional_id(source_name, rec.offset)
    row: dict[str, object] = {
        "doc_id": doc_id,
        "url": without_userinfo(url) if url else url,   # the id above is derived from the URL as given
        "fetched_at": fetch_time(headers.get("warc-date"), stats),
        "source_file": source_name,
        "source_offset": rec.offset,
        "warc_record_id": record_id,
    }
    if garbled and record_id:
        # read from bytes next to gzip damage: the header may be garbled (a flipped back-reference
        # copies an earlier record's id), so the id stays in the detail and the row takes a
        # positional one: it must not claim the id of a sound copy of the record elsewhere
        row["warc_record_id"] = None
        rec.detail = f"{rec.detail} (its header, as read: WARC-Record-ID {record_id[:200]})"
    reason, detail = _classify_warc_record(rec, row)
    if reason is None and reserved is not None:
        reason, detail = "reserved_doc_id", reserved
    if reason is None and clash is not None:
        reason, detail = "bad_warc_header", clash
    if reason is None and unparsed:
        reason, detail = "bad_warc_header", unparsed
    elif reason is None and unparsed is not None:
        stats["tolerated.warc_header_line_without_colon"] += 1
    if reason is None and rec.detail.startswith((bytesource.SPANS, LENGTH_PAST_END)):  # across members; length past end
        stats["tolerated." + rec.detail.split(":", 1)[0]] += 1
    if reason:
        row["reject_reason"], row["reject_detail"] = reason, detail
        row.pop("html", None)
        row.pop("text", None)
    return row


class Offsets:
    """The offsets given out in one file: (source_file, source_offset) identifies a row in the build
    (the stages join on it), so it must be unique per file. The WARC reader gives distinct offsets to
    distinct records; a reject for damage reports where the damage is, which may be the offset of the
    record read just before it from the same gzip member: such a row takes the next free offset."""

    __slots__ = ("_seen", "_high")

    def __init__(self) -> None:
        self._seen: set[int] = set()
        self._high = -1

    def claim(self, offset: int) -> int:
        """`offset`, or the first free one after it."""
        if offset > self._high:
            self._high = offset
        elif offset in self._seen:
            while offset in self._seen:
                offset += 1
            self._high = max(self._high, offset)
        self._seen.add(offset)
        return offset


def _classify_warc_record(rec: warc.RawRecord, row: dict) -> tuple[str | None, str]:
    """Fill content fields of `row`; return (reject reason, detail) or (None, '')."""
    if rec.error:
        return rec.error, rec.detail
    rtype = rec.record_type
    if rtype == "revisit":   # decided in round 11: no page of its own; the capture it repeats is read from its record
        h = rec.headers
        to = h.get("warc-refers-to") or " ".join(x for x in (h.get("warc-refers-to-target-uri"),
                                                              h.get("warc-refers-to-date")) if x)
        return "revisit_record", ("a revisit record points to an earlier capture and holds no page"
                                  + (f" (it refers to {to[:300]})" if to else "")
                                  + (f" (profile {h['warc-profile'][:200]})" if h.get("warc-profile") else ""))
    if rtype == "continuation":
        return "orphan_segment", (
            f"segment {rec.headers.get('warc-segment-number', '?')[:20]} of the record "
            f"{rec.headers.get('warc-segment-origin-id', '?')[:200]}, whose earlier segments are not before it in this "
            "file: lost, or in an earlier file of the crawl (dedup joins a record's segments within one file: join "
            "the files with `cat a.warc.gz b.warc.gz > ab.warc.gz` and read them as one)")
    media: str | None
    charset: str | None
    if rtype == "conversion":
        media, charset = "text/plain", None
    elif rec.http_headers is not None:
        if rec.http_status is not None and not 200 <= rec.http_status < 300:
            return "http_status", f"HTTP status {rec.http_status}"
        media, charset = media_type(rec.http_headers.get("content-type"))
    elif rtype in ("response", "resource"):
        media, charset = media_type(rec.headers.get("content-type"))
    else:
        return "unsupported_record_type", f"WARC-Type {rtype!r}"
    row["content_type"], row["charset"], row["warc_type"] = media, charset, rtype
    payload = rec.payload
    if not payload or not payload.strip():
        return "empty_payload", rec.detail if rec.detail.startswith(HEAD_UNENDED) else "the record has no body"
    if media in TEXT_TYPES and rtype == "conversion":
        row["text"] = decode_text(payload, None)
        return None, ""
    if media in HTML_TYPES or ((media is None or media in TEXT_TYPES) and looks_like_html(payload)):
        row["html"] = payload
        return None, ""
    if media in TEXT_TYPES:
        row["text"] = decode_text(payload, charset)
        return None, ""
    return "non_html_payload", f"content type {media or 'unknown'}"
