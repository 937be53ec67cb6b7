"""extract: HTML (or plain text) -> ordered text blocks + page metadata.

resiliparse (lexbor) does the parsing and the main-content judgement; we keep its block structure
(one block per paragraph-level element) because repeated-block removal and licence evidence need it.
Choice and measurements: docs/extraction.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

from dedup.rights.attribution import attribution_evidence
from dedup.rights.licence import (copyright_fields, decide_licence, html_licence_evidence, jsonld_licence_evidence,
                                  text_licence_evidence)
from dedup.schema import schema
from dedup.text.blockmodel import page_lines, story_probabilities
from dedup.text.cleaning import choose_lines, plain_lines
from dedup.text.metadata import PageMetadata, page_metadata
from dedup.text.markup import page_type
from dedup.text.normalise import join_blocks, registered_domain, split_blocks

MAX_HTML_BYTES = 8 * 1024 * 1024  # larger payloads are truncated before parsing (logged as detail)


@dataclass(slots=True)
class Extracted:
    """One page: its main-content blocks and what it says about itself (dedup/text/metadata.py)."""

    blocks: list[str]
    metadata: PageMetadata = field(default_factory=PageMetadata)
    # lines the licence, attribution and date readers see: every main-content line, kept or not (a wire
    # credit or a licence line in a footer is evidence even when it is not story text)
    evidence_blocks: list[str] | None = None
    removed_reasons: list[str] = field(default_factory=list)  # one per line the cleaning removed
    removed_chars: int = 0

    @property
    def text(self) -> str:
        return join_blocks(self.blocks)


def decode_html(payload: bytes, declared_charset: str | None = None) -> str:
    """Bytes -> str: the HTTP charset, else <meta charset>, else detection; never raises."""
    encoding = None
    if declared_charset:
        try:
            "".encode(declared_charset)
            encoding = declared_charset
        except LookupError:
            encoding = None
    if encoding is None:
        encoding = detect_encoding(payload[:65536], from_html_meta=True) or "utf-8"
    try:
        # A page that says UTF-8 but holds a few bad bytes is UTF-8 with damage, not Windows-1252:
        # no fallback there, replacement characters instead of mojibake.
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            return bytes_to_str(payload, "utf-8", errors="replace", fallback_encodings=[])
        return bytes_to_str(payload, encoding, errors="replace")
    except (LookupError, UnicodeError):
        return payload.decode("utf-8", errors="replace")


def extract_html(html: str | bytes, url: str | None = None, charset: str | None = None) -> Extracted:
    """The main text of an HTML page as blocks, plus its metadata (title, authors, site name, dates)."""
    if isinstance(html, bytes):
        html = decode_html(html[:MAX_HTML_BYTES], charset)
    tree = HTMLTree.parse(html)
    try:
        # resiliparse's main content (comments=False: reader comments are not the article) with each
        # line's tag and link text; a page whose main content is (nearly) empty is taken whole
        lines, features, from_main = page_lines(tree)
        title = tree.title
    finally:
        # resiliparse trees must be freed by the thread that made them (a PyO3 'unsendable' object):
        # never leave one to a traceback or a garbage-collector pass on another thread (Dask workers)
        del tree
    # a page taken whole is kept as it stands: only the guards apply
    probs = story_probabilities(features) if from_main else [1.0] * len(lines)
    choice = choose_lines(lines, probs, title=title)
    return Extracted(blocks=choice.kept, metadata=page_metadata(html, url, choice.evidence),
                     evidence_blocks=choice.evidence, removed_reasons=choice.reasons,
                     removed_chars=choice.removed_chars)


def extract_plain(text: str, url: str | None = None) -> Extracted:
    """Plain text (WET conversion records, JSONL `text`) -> blocks (leaked markup and script lines and
    widget labels dropped), with the byline and date lines they show."""
    choice = plain_lines(split_blocks(text.replace("\r\n", "\n")))
    return Extracted(blocks=choice.kept, metadata=page_metadata(None, url, choice.evidence),
                     evidence_blocks=choice.evidence, removed_reasons=choice.reasons,
                     removed_chars=choice.removed_chars)


def extract_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Stage function: a `raw` batch -> a `docs` batch with `blocks`, metadata and the page's own
    licence and attribution evidence (text columns are filled by the blocks stage); rejects carried
    along, new ones added."""
    sch = schema("docs")
    raw = batch.to_pydict()
    cols: dict[str, list] = {f.name: [] for f in sch}
    for i in range(batch.num_rows):
        row = {k: raw[k][i] for k in ("doc_id", "url", "fetched_at", "source_file", "source_offset",
                                      "warc_record_id", "reject_reason", "reject_detail")}
        row["domain"] = registered_domain(row["url"])
        if row["reject_reason"] is None:
            row.update(_extract_row(raw["html"][i], raw["text"][i], row["url"], raw["charset"][i], row["domain"]))
        for name, values in cols.items():
            values.append(row.get(name))
    return pa.RecordBatch.from_pydict(cols, schema=sch)


def _extract_row(html: bytes | None, text: str | None, url: str | None, charset: str | None,
                 domain: str | None) -> dict:
    try:
        page = decode_html(html[:MAX_HTML_BYTES], charset) if html is not None else None
        ex = extract_html(page, url) if page is not None else extract_plain(text or "", url)
    except Exception as exc:  # a parser failure on one page must not stop the run
        return {"reject_reason": "extraction_failed", "reject_detail": f"{type(exc).__name__}: {exc}"}
    if not ex.blocks:
        return {"reject_reason": "no_text", "reject_detail": "extraction found no text on the page"}
    md = ex.metadata
    row = {
        "canonical_url": md.canonical_url,
        "title": md.title,
        "title_source": md.title_source,
        "html_title": md.html_title,
        "site_name": md.site_name,
        "site_name_source": md.site_name_source,
        "published_at": md.published_at,
        "published_at_raw": md.published_at_raw,
        "published_at_source": md.published_at_source,
        "modified_at": md.modified_at,
        "modified_at_raw": md.modified_at_raw,
        "modified_at_source": md.modified_at_source,
        "page_type": page_type(md.jsonld),
        "blocks": ex.blocks,
        "blocks_removed": len(ex.removed_reasons),
        "boilerplate_chars_removed": ex.removed_chars,
        "removed_reasons": ex.removed_reasons,
    }
    row.update(page_rights(page, ex, domain))
    return row


def page_rights(page: str | None, ex: Extracted, domain: str | None) -> dict:
    """Licence and attribution from the page's own evidence: markup, JSON-LD and every extracted
    block (before repeated-block removal, which may drop a wire credit line the licence needs)."""
    blocks = ex.evidence_blocks or ex.blocks
    evidence = (html_licence_evidence(page) if page else []) + jsonld_licence_evidence(ex.metadata.jsonld) \
        + text_licence_evidence(blocks)
    row = decide_licence(evidence)
    row.update(copyright_fields(blocks, evidence))
    md = ex.metadata
    attribution = attribution_evidence(blocks, md.jsonld, md.meta, domain, md.author_agencies)
    row["agency"] = attribution["original_source"]
    row["attribution_evidence"] = attribution["attribution_evidence"]
    row["dateline"] = attribution["dateline"]
    row["authors"] = md.authors
    row["authors_source"] = md.authors_source
    # organisations in author positions (a newsroom, the site itself) credit the publisher, not a person
    row["publisher"] = attribution["publisher"] or md.site_name or next(iter(md.author_organisations), None) or domain
    return row
