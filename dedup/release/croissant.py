"""croissant.json: the release described in Croissant 1.1 JSON-LD (mlcommons.org/croissant).

One `cr:FileObject` per Parquet file (with its sha256), one `cr:FileSet` per table, and the record sets
`documents`, `duplicates` and `rejects` with a `cr:Field` per scalar column. `mlcroissant` validates the
file without warnings and reads the rows offline (tests/test_release.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import pyarrow as pa

from dedup.release.citation import cite_as, date_published
from dedup.release.facts import ReleaseFacts
from dedup.release.files import LICENSES, PARQUET_MEDIA_TYPE, TABLES
from dedup.schema import definition, schema as table_schema
from dedup.words import counted

CROISSANT_SPEC = "http://mlcommons.org/croissant/1.1"
KEYWORDS = ["deduplication", "web crawl", "text"]  # and "news" for news articles (release/describe.genre)

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
# schema's order, a list of scalars as an array field, a list of structs (the evidence columns) as an array field of
# sub-fields, one per struct field (until audit round 6 they were left out: no Croissant reader saw them). The columns
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
    """A list column whose items are scalars (described as a Croissant 1.1 array field)."""
    return pa.types.is_list(t) and not pa.types.is_nested(t.value_type)


def _list_of_structs(t: pa.DataType) -> bool:
    """A list column whose items are structs of scalars (the evidence columns: an array field of sub-fields)."""
    return (pa.types.is_list(t) and pa.types.is_struct(t.value_type)
            and not any(pa.types.is_nested(f.type) for f in t.value_type))


def _item_type(t: pa.DataType) -> pa.DataType:
    return t.value_type if pa.types.is_list(t) else t


def _record_set(rs_name: str, table: str) -> dict[str, Any]:
    sch = table_schema(TABLES[table])
    columns = [f.name for f in sch if not pa.types.is_nested(f.type) or _list_of_scalars(f.type)
               or _list_of_structs(f.type)]
    docs = {f["name"]: f.get("doc") for f in definition(TABLES[table])["fields"]}
    set_id = f"{table}-parquet-files"
    fields = []
    for col in columns:
        t = sch.field(col).type
        source = {"fileSet": {"@id": set_id}, "extract": {"column": col}}
        field: dict[str, Any] = {"@type": "cr:Field", "@id": f"{rs_name}/{col}", "name": col,
                                 "description": docs.get(col) or col.replace("_", " ")}
        if _list_of_structs(t):
            # each item's fields, read from the column by JSON path (mlcroissant gives a row's list of dicts)
            field.update(isArray=True, arrayShape="-1", subField=[
                {"@type": "cr:Field", "@id": f"{rs_name}/{col}/{item.name}", "name": item.name,
                 "description": f"{item.name} of each item of {col}", "dataType": croissant_type(item.type),
                 "source": {**source, "transform": {"jsonPath": item.name}}} for item in t.value_type])
        else:
            # a list of strings (the copies' doc_ids, URLs and domains, authors): an array of its items
            field.update(dataType=croissant_type(_item_type(t)),
                         **({"isArray": True, "arrayShape": "-1"} if _list_of_scalars(t) else {}), source=source)
        fields.append(field)
    return {"@type": "cr:RecordSet", "@id": rs_name, "name": rs_name,
            "description": definition(TABLES[table])["description"],
            "key": {"@id": f"{rs_name}/doc_id"}, "field": fields}


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
        "description": (f"Deduplicated {facts.genre[0]} from web-crawl dumps, built by dedup: "
                        f"{counted(rows['data'], 'canonical document')} (one per story, with the provenance of every "
                        f"copy), {counted(rows['duplicates'], 'duplicate row')} and "
                        f"{counted(rows['rejects'], 'rejected input record')}. Licence per record in "
                        f"licence_spdx; see {LICENSES}."),
        "version": facts.version,
        "url": facts.url or "./",
        "license": croissant_license(facts.spdx_data),
        "datePublished": date_published(facts),
        "citeAs": cite_as(facts),
        **({"creator": facts.creator.croissant()} if facts.creator else {}),  # required by 1.1
        "keywords": (["news"] if facts.genre[0] == "news articles" else []) + KEYWORDS,
        "isAccessibleForFree": True,
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if pub0:
        doc["temporalCoverage"] = f"{pub0}/{pub1}"
    return doc
