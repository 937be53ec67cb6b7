"""extract: HTML (or plain text) -> ordered text blocks + page metadata.

resiliparse (lexbor) does the parsing and the main-content judgement; we keep its block structure
(one block per paragraph-level element) because repeated-block removal and licence evidence need it.
Choice and measurements: docs/extraction.md.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

if TYPE_CHECKING:  # heavy imports only for annotations; the stage functions import them lazily
    import pyarrow as pa

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

    @property
    def text(self) -> str:
        return join_blocks(self.blocks)


def join_blocks(blocks: list[str]) -> str:
    return "\n\n".join(blocks)




def split_blocks(text: str) -> list[str]:
    """Plain text -> blocks: one block per non-empty line, whitespace tidied.

    Lines, not blank-line paragraphs: the extractor puts one paragraph-level element per line, and a
    menu or a "most read" list is one line per item, so each item is counted (and removed) alone.
    """
    blocks = []
    for line in text.split("\n"):
        line = " ".join(line.split())  # str.split() knows every Unicode space, and is faster than a regex
        if line:
            blocks.append(line)
    return blocks


_NON_WORD = re.compile(r"[\W_]+")


_ASCII_FOLD = bytes(ord(chr(c).lower()) if chr(c).isalnum() else ord(" ") for c in range(128)) + bytes(range(128, 256))


def normalise_text(text: str) -> str:
    """The exact-duplicate key text: NFKC, lower-case, every run of punctuation/space -> one space."""
    if text.isascii():  # the common case, ~10x faster than the regex
        return " ".join(text.encode("ascii").translate(_ASCII_FOLD).decode("ascii").split())
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


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
        # comments=False: reader comments are not the article (dragnet micro precision 0.53 -> 0.85)
        main = extract_plain_text(tree, main_content=True, alt_texts=False, list_bullets=False, comments=False)
        blocks = split_blocks(main)
        if sum(len(b) for b in blocks) < MIN_MAIN_CHARS:
            whole = split_blocks(extract_plain_text(tree, main_content=False, alt_texts=False, list_bullets=False))
            if sum(len(b) for b in whole) > sum(len(b) for b in blocks):
                blocks = whole
        fallback_title = _tree_title(tree)
    finally:
        # resiliparse trees must be freed by the thread that made them (a PyO3 'unsendable' object):
        # never leave one to a traceback or a garbage-collector pass on another thread (Dask workers)
        del tree
    out = Extracted(blocks=blocks)
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
    """Plain text (WET conversion records, JSONL `text`) -> blocks."""
    return Extracted(blocks=split_blocks(text.replace("\r\n", "\n")))


_TAG = re.compile(r"<(meta|link)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([^\s=/>"']+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_JSONLD = re.compile(r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S)
_TIME = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']?([^\"'>]+)", re.I)
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.I)
HEAD_SCAN_CHARS = 300_000


def tag_attributes(attr_text: str) -> dict[str, str]:
    """'name="x" content=\'y\' async' -> {'name': 'x', 'content': 'y', 'async': ''} (entities decoded)."""
    attrs: dict[str, str] = {}
    for m in _ATTR.finditer(attr_text):
        key = m.group(1).lower()
        if key not in attrs:
            value = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4)
            attrs[key] = html_lib.unescape(value) if value else ""
    return attrs


def head_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """<meta> and <link> tags of the document head, in order, as (tag, attributes).

    A regular scan rather than DOM walking: resiliparse creates a Python wrapper per visited node
    (~45 µs each), which made metadata cost more than main-text extraction.
    """
    end = _HEAD_END.search(html, 0, HEAD_SCAN_CHARS)
    head = html[: end.start() if end else HEAD_SCAN_CHARS]
    return [(m.group(1).lower(), tag_attributes(m.group(2))) for m in _TAG.finditer(head)]


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
    article = next((o for o in out.jsonld if _is_article(o)), None)
    title = meta.get("og:title") or (_str(article.get("headline")) if article else None)
    if not title:
        title = fallback_title
    out.title = " ".join(title.split()) if title else None
    site = meta.get("og:site_name")
    if not site and article:
        publisher = article.get("publisher")
        if isinstance(publisher, dict):
            site = _str(publisher.get("name"))
    out.site_name = site
    candidates = []
    if article:
        candidates.append(("jsonld", _str(article.get("datePublished"))))
    for key in ("article:published_time", "og:published_time", "datepublished", "pubdate",
                "publishdate", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date"):
        candidates.append(("meta", meta.get(key)))
    time_match = _TIME.search(html)
    if time_match:
        candidates.append(("time_element", html_lib.unescape(time_match.group(1))))
    for source, raw in candidates:
        parsed = parse_published(raw)
        if parsed is not None:
            out.published_at, out.published_at_raw, out.published_at_source = parsed, raw.strip(), source
            break


def _str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value:
        return _str(value[0])
    return None


_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "webpage", "report", "liveblogposting"}


def _is_article(obj: dict) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types)


def jsonld_objects(html: str) -> list[dict]:
    """Every JSON object in the page's ld+json scripts, @graph flattened; broken JSON is skipped."""
    found: list[dict] = []
    for m in _JSONLD.finditer(html):
        try:
            data = json.loads(m.group(1).strip())
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    # articles first, keeping document order otherwise
    return sorted(found, key=lambda o: not _is_article(o))


def parse_published(raw: str | None) -> datetime | None:
    """An ISO 8601 date/time from markup -> aware UTC datetime; impossible values -> None."""
    if not raw or not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # '2024-05-02T09:15:00+0200' -> '+02:00'
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    if not 1990 <= dt.year <= 2100:
        return None
    return dt.astimezone(timezone.utc)


_MONTH_NAMES = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_TZ_OFFSETS = {"UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
               "PST": -8, "PDT": -7, "BST": 1, "CET": 1, "CEST": 2, "IST": 5.5, "JST": 9, "AEST": 10, "AEDT": 11}
_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
       r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_CLOCK = r"(?:,?\s+(?:at\s+)?(?P<h>\d{1,2}):(?P<mi>\d{2})\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?(?:\s+(?P<tz>[A-Z]{1,4}))?"
_DATE_LINE_PATTERNS = [
    re.compile(rf"(?P<d>\d{{1,2}})\s+{_MON},?\s+(?P<y>\d{{4}}){_CLOCK}"),
    re.compile(rf"{_MON}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}}){_CLOCK}"),
]


def parse_date_line(block: str) -> datetime | None:
    """The time a visible date line states ('Saturday, 16 September 2023 05:58 PM EDT',
    'September 01, 2023 at 01:47 AM'), aware when it names a zone (else read as UTC); junk -> None."""
    for pattern in _DATE_LINE_PATTERNS:
        m = pattern.search(block)
        if not m:
            continue
        month = next((v for k, v in _MONTH_NAMES.items() if k.startswith(m["mon"].lower().rstrip("."))), None)
        hour, minute = int(m["h"] or 0), int(m["mi"] or 0)
        if m["ampm"]:
            hour = hour % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
        offset = _TZ_OFFSETS.get(m["tz"] or "UTC")
        if offset is None:
            offset = 0
        try:
            local = datetime(int(m["y"]), month, int(m["d"]), hour, minute,
                             tzinfo=timezone(timedelta(hours=offset)))
        except (ValueError, TypeError):
            return None
        if not 1990 <= local.year <= 2100:
            return None
        return local.astimezone(timezone.utc)
    return None


def registered_domain(url: str | None) -> str | None:
    """Host of the URL, lower-case, without port and a leading 'www.'."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def extract_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Stage function: a `raw` batch -> a `docs` batch with `blocks`, metadata and the page's own
    licence and attribution evidence (text columns are filled by the blocks stage); rejects carried
    along, new ones added."""
    import pyarrow as pa

    from dedup.schema import schema

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
    }
    if ex.published_at is None:
        _date_from_lines(ex, row)
    row.update(page_rights(page, ex, domain))
    return row


def _date_from_lines(ex: Extracted, row: dict) -> None:
    """No date in the markup: the first visible date line of the page (markup always wins)."""
    from dedup.blocks import is_date_line

    for block in ex.blocks[:25]:
        if is_date_line(block):
            parsed = parse_date_line(block)
            if parsed is not None:
                row.update(published_at=parsed, published_at_raw=block, published_at_source="date_line")
                return


def page_rights(page: str | None, ex: Extracted, domain: str | None) -> dict:
    """Licence and attribution from the page's own evidence: markup, JSON-LD and every extracted
    block (before repeated-block removal, which may drop a wire credit line the licence needs)."""
    from dedup.attribution import attribution_evidence, byline_authors
    from dedup.licence import (copyright_fields, decide_licence, html_licence_evidence,
                               jsonld_licence_evidence, text_licence_evidence)

    evidence = (html_licence_evidence(page) if page else []) + jsonld_licence_evidence(ex.jsonld) \
        + text_licence_evidence(ex.blocks)
    row = decide_licence(evidence)
    row.update(copyright_fields(ex.blocks, evidence))
    attribution = attribution_evidence(ex.blocks, ex.jsonld, ex.meta, domain)
    row["agency"] = attribution["original_source"]
    row["attribution_evidence"] = attribution["attribution_evidence"]
    row["dateline"] = attribution["dateline"]
    row["authors"] = attribution["authors"] or byline_authors(ex.blocks)
    row["publisher"] = attribution["publisher"] or ex.site_name or domain
    return row
