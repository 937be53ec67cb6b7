"""croissant.json: the release described in Croissant 1.1 JSON-LD (mlcommons.org/croissant).

One `cr:FileObject` per Parquet file (with its sha256), one `cr:FileSet` per table, and the record sets
`documents`, `duplicates` and `rejects` with a `cr:Field` per scalar column. `mlcroissant` validates the
file without warnings and reads the rows offline (tests/test_release.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Any

import pyarrow as pa

from dedup.release.card import COLUMN_DOCS
from dedup.release.facts import ReleaseFacts
from dedup.release.files import LICENSES, PARQUET_MEDIA_TYPE, TABLES
from dedup.schema import definition, schema as table_schema
from dedup.words import counted

CROISSANT_SPEC = "http://mlcommons.org/croissant/1.1"
KEYWORDS = ["deduplication", "web crawl", "text"]  # and "news" for news articles (release/describe.genre)
EPOCH_DATE = "1970-01-01"
EPOCH_LIMIT = 253402300800  # 10000-01-01: a SOURCE_DATE_EPOCH from there on is no date (ignored)
BIBTEX_ESCAPES = {"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}"}

CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "annotation": "cr:annotation",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "excludes": "cr:excludes",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "readLines": "cr:readLines",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "unArchive": "cr:unArchive",
    "value": "cr:value",
}

# The record sets and the table each describes: a cr:Field per scalar column of the table's schema, in the
# schema's order, a list of scalars as an array field (lists of structs are left to the Parquet schema). The columns
# come from the schema so that a column added to schemas/*.json is described without another list to keep up (one
# such list had fallen 14 columns behind documents.json).
RECORD_SETS = {"documents": "data", "duplicates": "duplicates", "rejects": "rejects"}


def croissant_type(t: pa.DataType) -> str:
    """The Croissant (schema.org) data type of an Arrow scalar type."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "sc:Text"
    if pa.types.is_integer(t):
        return "sc:Integer"
    if pa.types.is_floating(t):
        return "sc:Float"
    if pa.types.is_boolean(t):
        return "sc:Boolean"
    if pa.types.is_timestamp(t):
        return "sc:DateTime"
    raise ValueError(f"no Croissant data type for {t}")


def croissant_license(spdx_counts: Mapping[str, int]) -> list[Any]:
    """SPDX URLs of the licences present; a CreativeWork pointing at LICENSES.md for the others."""
    out: list[Any] = []
    for spdx in spdx_counts:
        if spdx.startswith("LicenseRef-") or spdx == "NOASSERTION":
            out.append({"@type": "sc:CreativeWork", "name": spdx, "url": LICENSES})
        else:
            out.append(f"https://spdx.org/licenses/{spdx}.html")
    return out


def date_published(facts: ReleaseFacts) -> str:
    """SOURCE_DATE_EPOCH when set (the reproducible-builds.org convention), else the day an older build's
    run.json says it finished (`finished_at`, in run.json until 2026-12-06: its releases keep their date),
    else the newest fetch time in data/ (the release can be no older than its newest record); a date from
    the environment or the data, never from a clock, so two builds of the same input give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and int(epoch) < EPOCH_LIMIT:
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d")
    finished = facts.run.finished_at
    if finished[:10]:
        return finished[:10]
    newest = facts.fetched[1] or facts.published[1]
    return newest[:10] if newest else EPOCH_DATE


def _distribution(facts: ReleaseFacts) -> list[dict[str, Any]]:
    files = sorted((f for fs in facts.by_table.values() for f in fs), key=lambda f: f.path)
    return [{"@type": "cr:FileObject", "@id": f.path, "name": f.path,
             "description": f"{f.table}/ file: {counted(f.rows, 'row')}, schema {f.schema}",
             "contentUrl": f.path, "contentSize": f"{f.bytes} B",
             "encodingFormat": PARQUET_MEDIA_TYPE, "sha256": f.sha256} for f in files]


def _file_set(facts: ReleaseFacts, table: str) -> dict[str, Any]:
    globs = sorted({f"{PurePosixPath(f.path).parent.as_posix()}/*.parquet" for f in facts.by_table[table]})
    set_id = f"{table}-parquet-files"
    return {"@type": "cr:FileSet", "@id": set_id, "name": set_id, "description": f"every Parquet file of {table}/",
            "encodingFormat": PARQUET_MEDIA_TYPE, "includes": globs}


def _list_of_scalars(t: pa.DataType) -> bool:
    """A list column whose items are scalars (described as a Croissant 1.1 array field; lists of structs, the
    evidence columns, are left to the Parquet schema)."""
    return pa.types.is_list(t) and not pa.types.is_nested(t.value_type)


def _item_type(t: pa.DataType) -> pa.DataType:
    return t.value_type if pa.types.is_list(t) else t


def _record_set(rs_name: str, table: str) -> dict[str, Any]:
    sch = table_schema(TABLES[table])
    columns = [f.name for f in sch if not pa.types.is_nested(f.type) or _list_of_scalars(f.type)]
    docs = {f["name"]: f.get("doc") for f in definition(TABLES[table])["fields"]}
    set_id = f"{table}-parquet-files"
    fields = [{"@type": "cr:Field", "@id": f"{rs_name}/{col}", "name": col,
               "description": docs.get(col) or COLUMN_DOCS.get(col) or col.replace("_", " "),
               "dataType": croissant_type(_item_type(sch.field(col).type)),
               # a list of strings (the copies' doc_ids, URLs and domains, authors): an array of its items
               **({"isArray": True, "arrayShape": "-1"} if _list_of_scalars(sch.field(col).type) else {}),
               "source": {"fileSet": {"@id": set_id}, "extract": {"column": col}}}
              for col in columns]
    return {"@type": "cr:RecordSet", "@id": rs_name, "name": rs_name,
            "description": definition(TABLES[table])["description"],
            "key": {"@id": f"{rs_name}/doc_id"}, "field": fields}


def bibtex(value: str) -> str:
    """Text inside a BibTeX braced field: backslashes and braces escaped, so the braces stay balanced."""
    return "".join(BIBTEX_ESCAPES.get(c, c) for c in value)


def cite_as(facts: ReleaseFacts) -> str:
    """A BibTeX entry for the release."""
    name, version = facts.name, facts.version
    return (f"@misc{{{re.sub(r'[^A-Za-z0-9]+', '_', name)}_{version.replace('.', '_')}, "
            f"title = {{{bibtex(name)}}}, version = {{{version}}}, "
            f"note = {{Deduplicated {facts.genre[0]} built with dedup, config sha256 {facts.config_sha256}}}}}")


def render_croissant(facts: ReleaseFacts) -> dict[str, Any]:
    """croissant.json of the release, as a JSON-LD document."""
    distribution = _distribution(facts)
    record_sets = []
    for rs_name, table in RECORD_SETS.items():
        if facts.by_table.get(table):
            distribution.append(_file_set(facts, table))
            record_sets.append(_record_set(rs_name, table))
    rows = facts.rows
    pub0, pub1 = facts.published
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_SPEC,
        "name": facts.name,
        "description": (f"Deduplicated {facts.genre[0]} from web-crawl dumps, built by dedup: {rows['data']} canonical "
                        f"documents (one per story, with the provenance of every copy), {rows['duplicates']} "
                        f"duplicate rows and {rows['rejects']} rejected input records. Licence per record in "
                        f"licence_spdx; see {LICENSES}."),
        "version": facts.version,
        "url": facts.url or "./",
        "license": croissant_license(facts.spdx_data),
        "datePublished": date_published(facts),
        "citeAs": cite_as(facts),
        "keywords": (["news"] if facts.genre[0] == "news articles" else []) + KEYWORDS,
        "isAccessibleForFree": True,
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if pub0:
        doc["temporalCoverage"] = f"{pub0}/{pub1}"
    return doc
