"""objectrows: one JSONL object or Parquet row (a dict of its fields, named as dedup's) -> a `raw` row: its id
(given, derived or refused), URL and fetch time, and its `html` or `text`, or the reject that says why it has none.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from dedup.sources import layouts
from dedup.sources.fetchtime import fetch_time
from dedup.sources.rawrows import over_payload_limit, positional_id, reserved_id
from dedup.sources.textbytes import wide_str
from dedup.text.normalise import escaped_surrogates, without_lone_surrogates, without_userinfo


def valid_str(value: object) -> str | None:
    """str(value) that Arrow can store: lone surrogates (from JSON escapes) become U+FFFD."""
    if value is None:
        return None
    return without_lone_surrogates(value if isinstance(value, str) else str(value))


def _storable_url(url: str, stats: Counter) -> str:
    """A `url` as Arrow can store it: each byte no UTF-8 holds (read as a lone surrogate, `surrogateescape`) written
    as its percent escape (`caf\\xe9` -> `caf%E9`, the byte a URL means there), a JSON escape of half a surrogate pair
    as U+FFFD; counted in run.json's `tolerated.url_not_utf8`. Until round 18 of the hostile inputs such bytes were
    U+FFFD, in silence (URLs that differ there were one)."""
    if url.isascii() or valid_str(url) == url:
        return url
    stats["tolerated.url_not_utf8"] += 1
    return without_lone_surrogates(_BYTE_ESCAPE.sub(lambda m: f"%{ord(m.group()) - 0xDC00:02X}", url))


_BYTE_ESCAPE = re.compile("[\udc80-\udcff]")   # a byte no UTF-8 holds, as `errors="surrogateescape"` reads it


def object_row(obj: dict, source_name: str, position: int, max_payload: int, stats: Counter,
               refused: tuple[str, str] | None = None) -> dict:
    """A JSONL object or Parquet row -> a `raw` row. `id` must be a string or an integer (without the field,
    one is derived from the record's data: `layouts.derived_id`); `url` and `fetched_at` that are unusable
    become null (the record is kept; a `url` of another type than a string is counted in run.json's
    `tolerated.url_not_a_string`, an unusable `fetched_at` in `unknown_fetch_times`), an `html` / `text` larger than
    `max_payload` bytes is rejected as `payload_too_large`. `refused` (reason, detail): the reader already
    knows the record cannot be used (a Parquet value too large to load, a field given twice with two
    values): a reject under the record's own id."""
    row: dict[str, object] = {"source_file": source_name, "source_offset": position}
    raw_id = obj.get("id")
    url = obj.get("url")
    row["url"] = without_userinfo(_storable_url(url, stats)) if isinstance(url, str) else None
    if url is not None and not isinstance(url, str):   # a number, list or object: no URL, said (round 17)
        stats["tolerated.url_not_a_string"] += 1
    row["fetched_at"] = fetch_time(obj.get("fetched_at"), stats)
    if "id" not in obj:   # no id field at all (C4): one derived from the record's data; none for a refused one
        if refused is not None:
            return row | {"doc_id": positional_id(source_name, position), "reject_reason": refused[0],
                          "reject_detail": refused[1]}
        stats["tolerated.id_derived"] += 1
        return _payload_row(obj, row | {"doc_id": layouts.derived_id(obj, row["fetched_at"])}, max_payload)
    if isinstance(raw_id, float) and (whole := _whole_float(raw_id)) is not None:
        stats["tolerated.id_float_whole"] += 1   # pandas' integers beside a null: `1.0` is the id `1` (round 22)
        raw_id = whole
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        what = "record's `id` is null (a file that gives ids broke this one)" if raw_id is None else \
            "`id` is NaN (pandas writes a missing integer so: a file that gives ids broke this one)" \
            if isinstance(raw_id, float) and math.isnan(raw_id) else _float_id_detail(raw_id) if isinstance(raw_id, float) else \
            f"`id` is a {type(raw_id).__name__} value, not a string or an integer (JSONL and Parquet ids must be one)"
        return row | {"doc_id": positional_id(source_name, position), "reject_reason": "missing_id",
                      "reject_detail": what}
    doc_id = str(raw_id)
    if not doc_id.isascii() and doc_id != (doc_id := escaped_surrogates(doc_id)):
        stats["tolerated.id_not_utf8"] += 1   # bytes no UTF-8 holds, lone surrogate escapes: kept as `\xNN`
    if not doc_id or not doc_id.strip():
        return row | {"doc_id": positional_id(source_name, position), "reject_reason": "missing_id",
                      "reject_detail": "record has an empty `id`"}
    if (reserved := reserved_id(doc_id)) is not None:
        return row | {"doc_id": positional_id(source_name, position), "reject_reason": "reserved_doc_id",
                      "reject_detail": reserved}
    row["doc_id"] = doc_id
    if refused is not None:
        return row | {"reject_reason": refused[0], "reject_detail": refused[1]}
    return _payload_row(obj, row, max_payload)


# the largest integer every float below it stands for exactly: a float id beyond it may be another integer rounded
_EXACT_FLOAT = 2 ** 53


def _whole_float(value: float) -> int | None:
    """The integer a float id stands for: a whole number within +-2**53 (pandas writes an integer column holding a
    null as float64, `1.0`, `NaN`; the same ids must not change with the writer: hostile round 22), else None."""
    return int(value) if math.isfinite(value) and abs(value) <= _EXACT_FLOAT and value.is_integer() else None


def _float_id_detail(value: float) -> str:
    """The reject detail of a float id that is no whole number `_whole_float` reads."""
    why = "beyond 2**53, where a float no longer tells integers apart" if math.isfinite(value) and \
        abs(value) > _EXACT_FLOAT else "not a whole number"
    return (f"`id` is the float {value!r}, {why} (JSONL and Parquet ids must be a string or an integer; a whole float "
            "such as pandas' `1.0` is read as that integer)")


def _payload_row(obj: dict, row: dict, max_payload: int) -> dict:
    """`row` with the record's `html` or `text` (`object_row`), or the reject that says why it has none."""
    html, text = obj.get("html"), obj.get("text")
    if isinstance(html, str) and html.strip():
        row["html"] = html.encode("utf-8", errors="surrogatepass")
        row["content_type"], row["charset"] = "text/html", "utf-8"
    elif isinstance(html, bytes) and html.strip():
        row["html"] = html
        row["content_type"] = "text/html"
    elif isinstance(text, str) and text.strip():
        row["text"] = valid_str(wide_str(text))
        row["content_type"] = "text/plain"
    else:
        # a value of another type (a number, a list, a nested object: a Parquet column of another type) is named
        wrong = [f"`{k}` is of type {type(v).__name__}" for k, v in (("html", html), ("text", text))
                 if v is not None and not isinstance(v, (str, bytes))]
        row["reject_reason"], row["reject_detail"] = "empty_payload", "record has neither `html` nor `text`" + (
            f" ({'; '.join(wrong)}, not a string)" if wrong else "")
        return row
    kept = row.get("html")
    size = len(kept) if isinstance(kept, bytes) else len(str(row.get("text") or "").encode("utf-8"))
    if size > max_payload:
        row.pop("html", None)
        row.pop("text", None)
        row["reject_reason"], row["reject_detail"] = "payload_too_large", over_payload_limit(
            f"{'html' if 'html' in obj and isinstance(html, (str, bytes)) and html.strip() else 'text'} "
            f"of {size} bytes", max_payload)
    return row
