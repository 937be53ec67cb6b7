"""rawrows: the rows of the `raw` schema that every reader emits, cut into batches, and the ids a row takes
when its record gives none it can keep (`positional_id`) or gives one dedup reserves (`reserved_id`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pyarrow as pa

from dedup.config import raise_setting
from dedup.schema import schema
from dedup.sources import layouts

BATCH_ROWS = 512
BATCH_BYTES = 64 * 1024 * 1024


# the ids the keys stage gives a record read twice hold this mark (`ingest.resolve_repeated_ids`); an input id
# that holds it is not taken as one, so a derived id can never be an input's id too
REPEAT_MARK = "#repeat"


def reserved_id(doc_id: str) -> str | None:
    """Why an input's id cannot be its doc_id (None when it can): it holds the mark of derived ids."""
    if doc_id.startswith(layouts.DERIVED_PREFIX):
        return (f"the id {doc_id[:200]!r} starts with {layouts.DERIVED_PREFIX!r}, which dedup reserves for the ids "
                "it derives for records without one (one of them could be this id)")
    if REPEAT_MARK in doc_id:
        return (f"the id {doc_id[:200]!r} holds {REPEAT_MARK!r}, which dedup reserves for the ids it gives "
                "records read twice (one of them could be this id)")
    return None


# how a `payload_too_large` reject's detail ends (round 15 of the hostile inputs: the details named `max_payload` or
# a number, and no way through)
RAISE_MAX_PAYLOAD = raise_setting("max_payload_bytes") + " to read such a record"


def over_payload_limit(what: str, max_payload: int, after: str = "") -> str:
    """The detail of a `payload_too_large` reject: what is too large, the setting that bounds it and how to raise it."""
    return f"{what} > max_payload_bytes {max_payload}{after}; not read: {RAISE_MAX_PAYLOAD}"


def positional_id(source_name: str, offset: int) -> str:
    """Last-resort id for a record that carries none of its own (a corrupt record)."""
    digest = hashlib.sha1(f"{source_name}\0{offset}".encode()).hexdigest()[:24]
    return f"nodocid:{digest}"


class BatchBuilder:
    """Accumulates raw rows column-wise and cuts batches by count or payload size."""

    def __init__(self) -> None:
        self.schema = schema("raw")
        self._reset()

    def _reset(self) -> None:
        self.cols: dict[str, list] = {f.name: [] for f in self.schema}
        self.nbytes = 0

    def add(self, **row: object) -> pa.RecordBatch | None:
        """Add one row; returns a full batch when the row or byte limit is reached."""
        for name, values in self.cols.items():
            values.append(row.get(name))
        html, text = row.get("html"), row.get("text")
        self.nbytes += len(html) if html else 0  # type: ignore[arg-type]
        self.nbytes += len(text) if text else 0  # type: ignore[arg-type]
        if len(self.cols["doc_id"]) >= BATCH_ROWS or self.nbytes >= BATCH_BYTES:
            return self.flush()
        return None

    def flush(self) -> pa.RecordBatch | None:
        """The rows added since the last batch, as a batch of the raw schema (None when empty)."""
        if not self.cols["doc_id"]:
            return None
        try:
            batch = pa.RecordBatch.from_pydict(self.cols, schema=self.schema)
        except (pa.ArrowException, ValueError, TypeError, OverflowError):
            batch = self._row_by_row()
        self._reset()
        return batch

    def _row_by_row(self) -> pa.RecordBatch:
        """A value Arrow refuses must cost its own row, not the batch: such a row becomes an
        `internal_error` reject (a reader bug: the readers only emit storable values)."""
        rows = [dict(zip(self.cols, values)) for values in zip(*self.cols.values())]
        good: list[dict] = []
        for row in rows:
            try:
                pa.RecordBatch.from_pylist([row], schema=self.schema)
            except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
                row = {k: row.get(k) for k in ("doc_id", "source_file", "source_offset")} | {
                    "reject_reason": "internal_error",
                    "reject_detail": f"a value of this record cannot be stored ({type(exc).__name__}: "
                                     f"{str(exc)[:200]}); this is a dedup bug: please report it"}
                if not isinstance(row["doc_id"], str):
                    row["doc_id"] = positional_id(str(row["source_file"]), int(row["source_offset"] or 0))
            good.append(row)
        return pa.RecordBatch.from_pylist(good, schema=self.schema)


def flushed(builder: BatchBuilder) -> Iterator[pa.RecordBatch]:
    """The rows `builder` still holds, as a last batch (nothing when it holds none)."""
    out = builder.flush()
    if out is not None:
        yield out
