"""parquetrows: a record batch of a Parquet file -> its rows as dicts (`parquet_rows`: strings decoded, values
too large never loaded, columns given twice compared) -> `raw` rows (`parquet_row`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from dedup.sources.objectrows import object_row
from dedup.sources.rawrows import over_payload_limit, positional_id
from dedup.sources.textbytes import decode_text


def parquet_row(obj: dict, source_name: str, position: int, max_payload: int, stats: Counter,
                agreed: set[str]) -> dict:
    """A row of `parquet_rows` -> a `raw` row: `object_row`, unless a column given twice holds two values in
    this row (which is the record's is not known: `missing_id` for `id`, else `duplicate_field` under the
    row's id); copies that agree are that value, the column added to `agreed` (the file's columns given twice).
    A fetch time no Python datetime holds (beyond the year 9999) is unknown and counted
    (`fetched_at.out_of_range`)."""
    refused = None
    if (too_large := obj.pop("_too_large", None)) is not None:   # a value that was never loaded
        refused = ("payload_too_large", over_payload_limit(f"{too_large[0]} of {too_large[1]} bytes", max_payload))
    if (clash := obj.pop("_clash", None)) is not None:
        name, count, values = clash
        shown = ", ".join(repr(v[:80] if isinstance(v, (str, bytes)) else v) for v in values[:3])
        detail = (f"the Parquet file has {count} columns named `{name}`, and in this row they differ ({shown}): which "
                  "one is the record's is not known; keep one column")
        if name == "id":
            return {"doc_id": positional_id(source_name, position), "source_file": source_name,
                    "source_offset": position, "reject_reason": "missing_id", "reject_detail": detail}
        refused = ("duplicate_field", detail)
    if (names := obj.pop("_agreed", ())) and clash is None:
        agreed.update(names)
    if obj.get("fetched_at") is _UNHELD:
        obj["fetched_at"] = None
        stats["fetched_at.out_of_range"] += 1
    return object_row(obj, source_name, position, max_payload, stats, refused)


# bytes `read_parquet` reads of a column chunk at a time: without it (buffer_size 0) pyarrow reads a row group's
# whole column chunk into memory before decoding its first page (a 252 MiB `html` chunk: 277 MiB allocated at once)
PARQUET_BUFFER = 1 << 20

_PARQUET_TEXT_COLUMNS = ("id", "url", "text", "fetched_at")


# a value Python cannot hold (a timestamp beyond the year 9999) in a `fetched_at` column: unknown, and counted
_UNHELD = object()


def parquet_rows(batch: pa.RecordBatch, max_payload: int) -> Iterator[dict]:
    """Rows of a batch as dicts. String columns are decoded here, with U+FFFD for broken UTF-8
    (Arrow would raise for the whole batch); `html` / `text` values larger than `max_payload`
    bytes are never turned into Python objects: the row gets `_too_large` (column, size). A column
    given twice: a row whose copies hold two values gets `_clash` (name, copies, values), one whose
    copies agree (nulls aside) `_agreed` (their names). A `fetched_at` Python cannot hold is `_UNHELD`."""
    columns: dict[str, list] = {}
    copies: dict[str, list[list]] = {}
    too_large: dict[int, tuple[str, int]] = {}
    for name, col in zip(batch.schema.names, batch.columns):
        if name in columns:   # a column given twice: its copies are compared row by row below
            copies.setdefault(name, [columns[name]])
        if pa.types.is_dictionary(col.type):
            col = col.dictionary_decode()
        if pa.types.is_timestamp(col.type) and col.type.tz is not None:
            # the values are instants (UTC); the zone only says how to show them, and one Arrow does not know
            # (`Mars/Olympus`) made every value of the column unreadable
            col = col.cast(pa.timestamp(col.type.unit, tz="UTC"))
        if name in ("html", "text") and (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
                                         or pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type)):
            sizes = pc.binary_length(col).to_pylist()
            big = [i for i, n in enumerate(sizes) if n is not None and n > max_payload]
            for i in big:
                too_large.setdefault(i, (name, sizes[i]))
            if big:
                mask = pa.array([i in too_large for i in range(len(col))])
                col = pc.if_else(mask, pa.scalar(None, col.type), col)
        # text columns stored as plain BYTE_ARRAY, without the UTF8/STRING annotation (Hive, Impala, Spark
        # without binaryAsString write them so), or as fixed-size bytes: read as UTF-8 too; `html` stays bytes
        stored = (pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type)  # `text` bytes: as a WARC's
                  or pa.types.is_fixed_size_binary(col.type))
        if name == "id" and getattr(col.type, "extension_name", None) == "arrow.uuid":   # the Parquet UUID type
            columns[name] = [None if v is None else str(v) for v in col.to_pylist()]
        elif name in ("id", "url") and (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
                                        or stored):
            # bytes that are no UTF-8 as lone surrogates, for `object_row` to keep as `\xNN` (U+FFFD made ids one),
            # a URL's as its `%XX` (round 18)
            columns[name] = [None if v is None else v.decode("utf-8", errors="surrogateescape")
                             for v in col.cast(pa.large_binary()).to_pylist()]
        elif pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or (
                name in _PARQUET_TEXT_COLUMNS and stored):
            raw = col.cast(pa.large_binary()).to_pylist()
            columns[name] = [None if v is None else decode_text(v, None) if name == "text" and stored else
                             v.decode("utf-8", errors="replace") for v in raw]
        else:
            columns[name] = _safe_pylist(col, _UNHELD if name == "fetched_at" else None)
        if name in copies:
            copies[name].append(columns[name])
    for i in range(batch.num_rows):
        row = {name: values[i] for name, values in columns.items()}
        for name, lists in copies.items():
            given = []
            for values in lists:
                if values[i] is not None and values[i] not in given:
                    given.append(values[i])
            if len(given) > 1:
                row["_clash"] = (name, len(lists), given)
                break
            row[name] = given[0] if given else None
            row["_agreed"] = row.get("_agreed", ()) + (name,)
        if i in too_large:
            row["_too_large"] = too_large[i]
        yield row


def _safe_pylist(col: pa.Array, unheld: object = None) -> list:
    """col.to_pylist(), with `unheld` for each value Python cannot hold (a timestamp beyond the year 9999)."""
    try:
        return col.to_pylist()
    except (pa.ArrowException, ValueError, OverflowError, TypeError):
        out = []
        for i in range(len(col)):
            try:
                out.append(col[i].as_py())
            except (pa.ArrowException, ValueError, OverflowError, TypeError):
                out.append(unheld)
        return out
