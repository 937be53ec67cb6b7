"""extract: HTML (or plain text) -> ordered text blocks + page metadata.

resiliparse (lexbor) does the parsing and the main-content judgement; we keep its block structure
(one block per paragraph-level element) because repeated-block removal and licence evidence need it.
Choice and measurements: docs/extraction.md.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

import pyarrow as pa
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

from dedup.rights.attribution import attribution_evidence, byline_authors
from dedup.rights.licence import (copyright_fields, decide_licence, html_licence_evidence, jsonld_licence_evidence,
                                  text_licence_evidence)
from dedup.schema import schema
from dedup.text.blockmodel import page_lines, story_probabilities
from dedup.text.cleaning import choose_lines, heading_title, plain_lines
from dedup.text.dates import is_date_line, parse_date_line, parse_published
from dedup.text.markup import TIME_DATETIME, first_str, head_tags, is_article, jsonld_objects
from dedup.text.normalise import join_blocks, registered_domain, split_blocks

# A page whose main-content pass keeps less than this is re-extracted whole: short pages (a single
# paragraph of news, a WET-like page) are often judged "no main content" by the heuristics.
MIN_MAIN_CHARS = 50
MAX_HTML_BYTES = 8 * 1024 * 1024  # larger payloads are truncated before parsing (logged as detail)


@dataclass(slots=True)
class Extracted:
    blocks: list[str]
    title: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    published_at: datetime | None = None
    published_at_raw: str | None = None
    published_at_source: str | None = None
    jsonld: list[dict] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    # lines the licence, attribution and date readers see: the kept blocks plus what the main-content
    # pass had (a wire credit or a licence line in a footer is evidence even when it is not story text)
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
    """The main text of an HTML page as blocks, plus metadata from <head> and JSON-LD."""
    if isinstance(html, bytes):
        html = decode_html(html[:MAX_HTML_BYTES], charset)
    tree = HTMLTree.parse(html)
    try:
        # one parse, two extracts (whole page and resiliparse's main content), a verdict per line
        lines, features, from_main = page_lines(tree)
        fallback_title = _tree_title(tree)
    finally:
        # resiliparse trees must be freed by the thread that made them (a PyO3 'unsendable' object):
        # never leave one to a traceback or a garbage-collector pass on another thread (Dask workers)
        del tree
    # a page whose main content was (nearly) empty is taken whole, as it stands: only the guards apply
    probs = story_probabilities(features) if from_main else [1.0] * len(lines)
    choice = choose_lines(lines, probs, title=fallback_title)
    blocks = choice.kept
    out = Extracted(blocks=blocks, evidence_blocks=choice.evidence, removed_reasons=choice.reasons,
                    removed_chars=choice.removed_chars)
    _read_head(html, fallback_title, url, out)
    return out


def _tree_title(tree: HTMLTree) -> str | None:
    """<title>, else the first <h1>: the title when the head's metadata has none."""
    if tree.title:
        return tree.title
    h1 = tree.document.query_selector("h1")
    try:
        return h1.text if h1 is not None else None
    finally:
        del h1


def extract_plain(text: str) -> Extracted:
    """Plain text (WET conversion records, JSONL `text`) -> blocks: leaked markup and script lines
    dropped, and the first line as the title when it reads as a heading."""
    blocks = split_blocks(text.replace("\r\n", "\n"))
    choice = plain_lines(blocks)
    return Extracted(blocks=choice.kept, title=heading_title(choice.kept), evidence_blocks=choice.evidence,
                     removed_reasons=choice.reasons, removed_chars=choice.removed_chars)


def _read_head(html: str, fallback_title: str | None, url: str | None, out: Extracted) -> None:
    meta: dict[str, str] = {}
    canonical = None
    for tag, attrs in head_tags(html):
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
            content = attrs.get("content", "").strip()
            if key and content and key not in meta:
                meta[key] = content
        elif canonical is None and "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
            canonical = attrs["href"].strip()
    out.meta = meta
    canonical = canonical or meta.get("og:url")
    if canonical:
        out.canonical_url = urljoin(url, canonical) if url else canonical
    out.jsonld = jsonld_objects(html)
    article = next((o for o in out.jsonld if is_article(o)), None)
    title = meta.get("og:title") or (first_str(article.get("headline")) if article else None)
    if not title:
        title = fallback_title
    out.title = " ".join(title.split()) if title else None
    site = meta.get("og:site_name")
    if not site and article:
        publisher = article.get("publisher")
        if isinstance(publisher, dict):
            site = first_str(publisher.get("name"))
    out.site_name = site
    candidates = []
    if article:
        candidates.append(("jsonld", first_str(article.get("datePublished"))))
    for key in ("article:published_time", "og:published_time", "datepublished", "pubdate",
                "publishdate", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date"):
        candidates.append(("meta", meta.get(key)))
    time_match = TIME_DATETIME.search(html)
    if time_match:
        candidates.append(("time_element", html_lib.unescape(time_match.group(1))))
    for source, raw in candidates:
        parsed = parse_published(raw)
        if parsed is not None:
            out.published_at, out.published_at_raw, out.published_at_source = parsed, raw.strip(), source
            break


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
        ex = extract_html(page, url) if page is not None else extract_plain(text or "")
    except Exception as exc:  # a parser failure on one page must not stop the run
        return {"reject_reason": "extraction_failed", "reject_detail": f"{type(exc).__name__}: {exc}"}
    if not ex.blocks:
        return {"reject_reason": "no_text", "reject_detail": "extraction found no text on the page"}
    row = {
        "canonical_url": ex.canonical_url,
        "title": ex.title,
        "site_name": ex.site_name,
        "published_at": ex.published_at,
        "published_at_raw": ex.published_at_raw,
        "published_at_source": ex.published_at_source,
        "blocks": ex.blocks,
        "blocks_removed": len(ex.removed_reasons),
        "boilerplate_chars_removed": ex.removed_chars,
        "removed_reasons": ex.removed_reasons,
    }
    if ex.published_at is None:
        _date_from_lines(ex, row)
    row.update(page_rights(page, ex, domain))
    return row


def _date_from_lines(ex: Extracted, row: dict) -> None:
    """No date in the markup: the first visible date line of the page (markup always wins)."""
    for block in (ex.evidence_blocks or ex.blocks)[:25]:
        if is_date_line(block):
            parsed = parse_date_line(block)
            if parsed is not None:
                row.update(published_at=parsed, published_at_raw=block, published_at_source="date_line")
                return


def page_rights(page: str | None, ex: Extracted, domain: str | None) -> dict:
    """Licence and attribution from the page's own evidence: markup, JSON-LD and every extracted
    block (before repeated-block removal, which may drop a wire credit line the licence needs)."""
    blocks = ex.evidence_blocks or ex.blocks
    evidence = (html_licence_evidence(page) if page else []) + jsonld_licence_evidence(ex.jsonld) \
        + text_licence_evidence(blocks)
    row = decide_licence(evidence)
    row.update(copyright_fields(blocks, evidence))
    attribution = attribution_evidence(blocks, ex.jsonld, ex.meta, domain)
    row["agency"] = attribution["original_source"]
    row["attribution_evidence"] = attribution["attribution_evidence"]
    row["dateline"] = attribution["dateline"]
    row["authors"] = attribution["authors"] or byline_authors(blocks)
    row["publisher"] = attribution["publisher"] or ex.site_name or domain
    return row
