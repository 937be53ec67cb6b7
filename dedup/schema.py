"""Arrow schemas from the JSON definitions in `schemas/` (the one schema source).

Writers take their schema from here and never let Arrow infer one.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import cast

import polars as pl
import pyarrow as pa

_SCALARS: dict[str, pa.DataType] = {
    "string": pa.string(),
    "large_string": pa.large_string(),
    "binary": pa.binary(),
    "large_binary": pa.large_binary(),
    "bool": pa.bool_(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "uint32": pa.uint32(),
    "uint64": pa.uint64(),
    "float32": pa.float32(),
    "float64": pa.float64(),
    "timestamp[us, UTC]": pa.timestamp("us", tz="UTC"),
}


def parse_type(spec: str) -> pa.DataType:
    """'list<string>', 'list<struct<kind: string, value: string>>', 'fixed_list<uint64, 128>'..."""
    spec = spec.strip()
    if spec in _SCALARS:
        return _SCALARS[spec]
    if spec.startswith("list<") and spec.endswith(">"):
        return pa.list_(parse_type(spec[5:-1]))
    if spec.startswith("struct<") and spec.endswith(">"):
        fields = []
        for part in _split_top_level(spec[7:-1]):
            name, _, sub = part.partition(":")
            fields.append(pa.field(name.strip(), parse_type(sub)))
        return pa.struct(fields)
    raise ValueError(f"unknown type {spec!r} in a schema file")


def _split_top_level(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return [p for p in parts if p.strip()]


# In a checkout (and an editable install) the files are read from the top-level schemas/ folder;
# a wheel ships the same files as the package data `dedup.schemas` (see pyproject.toml).
_CHECKOUT_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


@cache
def definition(name: str) -> dict:
    """The JSON definition of a schema in `schemas/` (columns, types, docs)."""
    path = _CHECKOUT_SCHEMAS / f"{name}.json"
    if path.is_file():
        return json.loads(path.read_text("utf-8"))
    return json.loads(resources.files("dedup.schemas").joinpath(f"{name}.json").read_text("utf-8"))


@cache
def schema(name: str) -> pa.Schema:
    """The Arrow schema named `name` (raw, docs, documents, duplicates, rejects...)."""
    spec = definition(name)
    fields = [
        pa.field(f["name"], parse_type(f["type"]), nullable=f.get("nullable", True))
        for f in spec["fields"]
    ]
    return pa.schema(fields, metadata={"dedup.schema": name, "dedup.schema_version": str(spec["version"])})


def plain_type(t: pa.DataType) -> pa.DataType:
    """The type with list element fields named 'item' (Parquet names them 'element' on the way back)."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        make = pa.list_ if pa.types.is_list(t) else pa.large_list
        vf = t.value_field
        return make(pa.field("item", plain_type(vf.type), nullable=vf.nullable))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, plain_type(f.type), nullable=f.nullable) for f in t])
    return t


def fingerprint(sch: pa.Schema) -> str:
    """A short stable hash of field names and types (metadata ignored); a schema read back from a
    Parquet file has the fingerprint of the schema it was written with."""
    text = ";".join(f"{f.name}:{plain_type(f.type)}:{f.nullable}" for f in sch)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def empty_table(name: str) -> pa.Table:
    """A table with the named schema and no rows."""
    return schema(name).empty_table()


def table_from_rows(name: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts) to a table with exactly the named schema; missing keys become nulls."""
    sch = schema(name)
    columns = {f.name: [r.get(f.name) for r in rows] for f in sch}
    return pa.Table.from_pydict(columns, schema=sch)


def frame(data: pa.RecordBatch | pa.Table) -> pl.DataFrame:
    """Arrow data -> a polars DataFrame (`pl.from_arrow` is typed DataFrame | Series)."""
    return cast(pl.DataFrame, pl.from_arrow(data))
