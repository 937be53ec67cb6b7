"""layouts: the fields of published text datasets (C4, FineWeb, OSCAR, Dolma) read as dedup's own.

dedup reads `id`, `url`, `html` or `text` and `fetched_at` from JSONL objects and Parquet rows. Some datasets
spell those fields otherwise; where a record's fields are those of one dataset's layout (a name alone is not
enough: `date` and `timestamp` are read as the fetch time only beside the other fields of the layout that
documents them so), they are read as dedup's:

- OSCAR 22.01 / 23.01 (`content`, `warc_headers`): `content` is the text; `warc_headers`' `warc-record-id`,
  `warc-target-uri` and `warc-date` are the id, URL and fetch time, as in the WARC files they come from.
- C4 / mC4 (`text`, `url`, `timestamp`; TFDS adds `content-length`, `content-type`): `timestamp` is the
  crawl time (the WET record's WARC-Date).
- FineWeb / FineWeb-Edu (`text`, `id`, `url`, `date`, `dump`, `file_path`...): `date` is the crawl time (the
  WARC-Date); `id` is the WARC-Record-ID, read as any `id`.
- Dolma (`id`, `text`, `source`, `added`, `created`, `metadata`): `metadata.url` is the URL. `created` is a
  best guess of when the document was made, `added` when it joined Dolma: neither is a fetch time, neither
  is read.

A field dedup's own name gives wins over the layout's. A record with no `id` field at all (C4) gets one
derived from its data (`derived_id`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.compute as pc

# derived ids start with this; an input id that does is refused (`rawrows.reserved_id`), so none can be one
DERIVED_PREFIX = "urn:dedup:"
_C4_EXTRA = frozenset({"content-length", "content-type"})
_DOLMA = frozenset({"id", "text", "source", "added", "created", "metadata"})
_OSCAR_HEADERS = (("id", "warc-record-id"), ("url", "warc-target-uri"), ("fetched_at", "warc-date"))

# where each of dedup's fields is read from: (column or member, member of it or None)
Plan = dict[str, tuple[str, str | None]]


def plan(names: set[str] | frozenset[str], subfields: Callable[[str], set[str]]) -> Plan:
    """The layout's sources of dedup's fields that the record does not give under their own names ({} when
    its fields are no known layout). `names`: the record's fields; `subfields(name)`: the members of a
    nested field (an object's keys, a struct column's fields)."""
    out: Plan = {}
    if "content" in names and "warc_headers" in names and not names & {"text", "html"}:   # OSCAR
        out["text"] = ("content", None)
        members = subfields("warc_headers")
        out |= {field: ("warc_headers", key) for field, key in _OSCAR_HEADERS if key in members}
    elif {"text", "url", "timestamp"} <= names and not (names - {"text", "url", "timestamp"} - _C4_EXTRA):   # C4
        out["fetched_at"] = ("timestamp", None)
    elif {"text", "id", "url", "date", "dump", "file_path"} <= names:   # FineWeb
        out["fetched_at"] = ("date", None)
    elif _DOLMA <= names and "url" not in names and "url" in subfields("metadata"):   # Dolma
        out["url"] = ("metadata", "url")
    return {field: source for field, source in out.items() if field not in names}


def object_fields(obj: dict) -> dict:
    """A JSONL object with the fields of its layout under dedup's names (the object itself when none)."""
    found = plan(frozenset(obj), lambda name: set(obj[name]) if isinstance(obj.get(name), dict) else set())
    if not found:
        return obj
    out = dict(obj)
    for field, (name, member) in found.items():
        out[field] = obj[name] if member is None else obj[name].get(member)
    return out


def parquet_plan(names: list[str], schema: pa.Schema,
                 aliases: dict[str, str] | None = None) -> tuple[list[str], Plan]:
    """The columns of a Parquet file to read (`names`, the file's columns; `schema`, its Arrow schema, whose
    struct columns' members are known: OSCAR's `warc_headers`; `aliases`, the fields it gives in another case,
    `fieldnames.case_aliases`), and its layout's plan (over the columns as `aliases` renames them)."""
    aliases = aliases or {}
    named = [aliases.get(n, n) for n in names]
    members = {f.name: {sub.name for sub in f.type} for f in schema if pa.types.is_struct(f.type)}
    found = plan(frozenset(named), lambda name: members.get(name, set()))
    given = {field: name for name, field in aliases.items()}
    columns = [given.get(c, c) for c in ("id", "url", "html", "text", "fetched_at") if c in named]
    return columns + sorted({name for name, _ in found.values()} - set(columns)), found


def renamed(batch: pa.RecordBatch, found: Plan) -> pa.RecordBatch:
    """A batch of a Parquet file's columns with its layout's fields under dedup's names (only those)."""
    if not found:
        return batch
    names, arrays = [], []
    for name, col in zip(batch.schema.names, batch.columns):   # a column given twice stays twice
        if name in ("id", "url", "html", "text", "fetched_at"):
            names.append(name)
            arrays.append(col)
    for field, (name, member) in found.items():
        col = batch.column(batch.schema.names.index(name))   # its first copy
        names.append(field)
        arrays.append(col if member is None else pc.struct_field(col, member))
    return pa.RecordBatch.from_arrays(arrays, names=names)


def derived_id(obj: dict, fetched_at: object) -> str:
    """The id of a record that has no `id` field: `urn:dedup:sha1:` and the SHA-1 (hex) of its `url`, fetch time,
    `html` and `text`, each with its name and length, so that two records differing in any of them differ in id,
    and the same record gets the same id whatever file, order or worker read it. The fetch time is the instant
    read (`fetched_at`, UTC, as `fetch_time` reads the record's value; None when it has none or it is unknown),
    written `2019-04-25T12:57:54Z`: C4's `timestamp` as a JSON string and as a Parquet timestamp is one record
    (round 5 of the audit: the string and the `datetime` gave two ids)."""
    digest = hashlib.sha1()
    for name in ("url", "fetched_at", "html", "text"):
        value = obj.get(name) if name != "fetched_at" else \
            fetch_text(fetched_at) if isinstance(fetched_at, datetime) else None
        if value is None:
            data = b"-"
        else:
            data = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
            data = b"%d:" % len(data) + data
        digest.update(name.encode() + b"=" + data + b";")
    return f"{DERIVED_PREFIX}sha1:{digest.hexdigest()}"


def fetch_text(when: datetime | None) -> str | None:
    """A fetch time as a derived id holds it: UTC, `Z`, microseconds only when it has some."""
    if when is None:
        return None
    when = when.astimezone(timezone.utc) if when.tzinfo is not None else when
    return when.strftime("%Y-%m-%dT%H:%M:%S") + (f".{when.microsecond:06d}" if when.microsecond else "") + "Z"
