"""Where each part of a record's credit line came from, and how to find its page again: `dedup explain OUT DOC_ID`.

`attribution_text` (rights/attribution.py) is assembled from columns of the row, each with its evidence in another
column: the title from `title_source`, the authors from `authors_source`, the agency from `attribution_evidence`, the
day from `published_at_source`, the licence from `licence_evidence`. `dedup explain` printed every column one per
line, so a researcher citing a record had to know which column backs which part; until audit round 13 nothing said
where `publisher` came from nor how the page is found again (URL and fetch time; the crawl file, offset and
WARC-Record-ID that `dedup rehydrate` reads); since audit round 14 a data/ row records it in `publisher_source`. Row
logic only: a dict in, lines out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dedup.rights.attribution import credit_day
from dedup.sources.inputs import JSONL_NAMES


def _kinds(evidence: Any, field: str = "kind") -> str:
    """The distinct kinds of an evidence list, in order ('dateline, copyright_line')."""
    seen: list[str] = []
    for item in evidence or []:
        kind = item.get(field) if isinstance(item, Mapping) else None
        if kind and kind not in seen:
            seen.append(str(kind))
    return ", ".join(seen)


# `publisher_source` (rights.attribution.publisher_with_source) in explain's words
RECORDED_PUBLISHER_SOURCES = {
    "jsonld_publisher": "publisher_source jsonld_publisher (the article's JSON-LD publisher)",
    "site_name": "publisher_source site_name (the page states no JSON-LD publisher; site_name from {site_source})",
    "author_organisation": "publisher_source author_organisation (an organisation named where an author goes; the page "
                           "states no publisher nor site name)",
    "url_host": "publisher_source url_host (the URL's host: the page states no publisher nor site name)"}


def publisher_source(row: Mapping[str, Any]) -> str:
    """Where `publisher` came from. It is the article's JSON-LD publisher, else the site name, else an organisation
    in an author position, else the URL's host (text/extract.py): no column records which, so it is told from the
    values, and the wording says when two of them cannot be told apart."""
    publisher, site, domain = row.get("publisher"), row.get("site_name"), row.get("domain")
    if publisher is None:
        return "none stated"
    recorded = RECORDED_PUBLISHER_SOURCES.get(row.get("publisher_source") or "")
    if recorded:  # a data/ row since audit round 14 records it; older rows and duplicates/ are told from the values
        return recorded.format(site_source=row.get("site_name_source") or "unknown evidence")
    if "site_name" not in row:   # a duplicates/ row: no site_name to tell the sources apart
        if publisher == domain:
            return "the URL's host, it seems: the copy's page named no other publisher (this row keeps no site_name)"
        return ("the page's JSON-LD publisher, its site name or an organisation named as its author (this row keeps "
                "no site_name to tell which)")
    if publisher == site:
        return (f"the page's JSON-LD publisher or its site_name (the same name; site_name from "
                f"{row.get('site_name_source') or 'unknown evidence'})")
    if publisher == domain:
        return "the URL's host: the page states no publisher nor site name"
    if site:
        return "the article's JSON-LD publisher (it differs from site_name)"
    return "the article's JSON-LD publisher, or an organisation named as its author"


def where_in_file(row: Mapping[str, Any]) -> str:
    """`source_offset` worded by the crawl file's format (schemas/documents.json): a byte offset in a WARC or ARC file,
    a record index in JSON Lines (0-based: the line, or past it where a line held several records), a row in Parquet;
    told from the file's name (a WARC-Record-ID says WARC), hedged when the name says none of them."""
    offset, name = row.get("source_offset"), str(row.get("source_file") or "").lower()
    if row.get("warc_record_id") or re.search(r"\.(?:warc|arc)(?:\.|$)", name):
        return f"byte offset {offset}"
    if name.endswith(JSONL_NAMES) or name.endswith(".json"):
        return f"record {offset} (0-based; the line, unless a line before held several records)"
    if name.endswith(".parquet"):
        return f"row {offset} (0-based)"
    return f"offset {offset} (bytes in a WARC or ARC file, a 0-based record in JSON Lines, a row in Parquet)"


def credit_sources(row: Mapping[str, Any]) -> list[str]:
    """One line per part of the credit line of a data/ or duplicates/ row: its value and the evidence it rests on;
    then where the page can be found again. A part the row does not have says so."""
    lines = [f"title: {row.get('title')!r} from {row.get('title_source') or 'no evidence recorded'}"] \
        if "title" in row else []
    if "authors" in row:
        authors = row.get("authors") or []
        lines.append(f"authors: {', '.join(authors) or 'none'}"
                     + (f" from {row.get('authors_source')}" if authors and row.get("authors_source") else ""))
    agency_kinds = _kinds(row.get("attribution_evidence"))
    own = "none (the site's own reporting)"
    lines.append(f"agency: {row.get('original_source') or own}"
                 + (f" from attribution_evidence ({agency_kinds})" if row.get("original_source") and agency_kinds
                    else " (the cluster's agency)" if row.get("original_source") else ""))
    lines.append(f"publisher: {row.get('publisher')!r} from {publisher_source(row)}")
    day = credit_day(row.get("published_at_raw"), row.get("published_at"))
    if "published_at" in row:
        lines.append(f"published: {day or 'unknown'}"
                     + (f" from {row.get('published_at_source') or 'unknown evidence'} "
                        f"(as stated: {row.get('published_at_raw')!r})" if day else ""))
    lines.append(f"licence: {row.get('licence_spdx')}"
                 + (f" from licence_evidence ({kinds})" if (kinds := _kinds(row.get("licence_evidence"))) else
                    " (no licence evidence recorded)" if "licence_evidence" in row else " (this copy's own page)"))
    fetched = row.get("fetched_at")
    lines.append(f"find the page again: {row.get('url')} fetched {fetched.isoformat() if fetched else 'at an unknown time'};"
                 f" crawl file {row.get('source_file')} at {where_in_file(row)}"
                 + (f", WARC-Record-ID {row['warc_record_id']}" if row.get("warc_record_id") else "")
                 + " (the file under a crawl argument of run.json `inputs`; `dedup rehydrate` reads it there)")
    return lines
