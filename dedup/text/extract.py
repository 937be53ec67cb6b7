"""extract: HTML (or plain text) -> ordered text blocks + page metadata.

resiliparse (lexbor) does the parsing and the main-content judgement; we keep its block structure
(one block per paragraph-level element) because repeated-block removal and licence evidence need it.
Choice and measurements: docs/extraction.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from resiliparse.parse.html import HTMLTree

# larger HTML is not extracted (the setting `max_html_bytes`), a page of more blocks neither (`max_blocks`)
from dedup.config import FIXED_LIMIT, MAX_BLOCKS, MAX_HTML_BYTES, MAX_TEXT_BYTES, raise_setting
from dedup.rights.attribution import attribution_evidence, publisher_with_source
from dedup.rights.licence import copyright_fields, decide_licence, jsonld_licence_evidence, text_licence_evidence
from dedup.rights.licence_html import html_licence_evidence
from dedup.schema import schema
from dedup.sources.textbytes import C1_CONTROLS, CONTROLS, REFUSED_HOST
from dedup.text.asidecredits import parenthesised_credit_lines
from dedup.text.lineguards import CREDIT_LINE
from dedup.text.blockfeatures import block_features
from dedup.text.blockmodel import (MIN_MAIN_CHARS, PROSE_LINE_WORDS, TooManyLines, TreeModel, comment_lines,
                                   load_models, main_content_lines, main_pass_missed, story_probabilities,
                                   whole_page_features, whole_page_lines, whole_page_probabilities)
from dedup.text.blockkeys import block_key
from dedup.text.cleaning import (HEADLINE, MIN_KEPT_CHARS, LineChoice, choose_lines, heading_line, headline_lines,
                                 plain_lines, wet_title_line)
from dedup.text.commentwidgets import OTHER_PAGE_COMMENT, other_page_comment_lines
from dedup.text.dates import is_date_line
from dedup.text.titles import without_guessed_site
from dedup.text.embeds import embedded_posts, put_back
from dedup.text.headlinelead import put_back_lead
from dedup.text.hiddenstory import (as_shown, noscript_unwrapped, text_figures_as_boxes, without_lone_glyphs,
                                    without_ruby_readings, without_soft_hyphens)
from dedup.text.storybody import DESCRIPTION_META, apply_article_body
from dedup.text.layout import Line
from dedup.text.markup import SiteLinks, page_type
from dedup.text.metadata import page_metadata, url_host
from dedup.text.metadatarecord import PageMetadata
from dedup.text.normalise import (binary_payload, binary_text, clean_text, controls_read, holds_c1_controls,
                                  holds_controls, join_blocks, refused_host, registered_domain, split_blocks, storable,
                                  url_without_controls)
from dedup.text.pagechecks import MAX_ATTRIBUTE_COST, MAX_MARKUP_TAGS, attribute_cost, decode_html, nesting_within
from dedup.text.pageframe import PAGE_FRAME, beside_story, frame_lines
from dedup.text.sectionlabels import SECTION_LABEL, section_label_lines, stated_sections
from dedup.text.timebudget import ExtractTimeout, time_budget
from dedup.text.wordcount import word_count

# Budget of one record's extraction and evidence scans in CPU time of the thread doing them (`text/timebudget.py`;
# Python code, which an asynchronous exception can interrupt): a page that takes longer is rejected as
# `extract_timeout`, in every engine. A last resort: the caps of `text/pagechecks.py` and below bound what a page
# costs, and no real page measured comes near (scripts/bench_extract_budget.py, docs/extraction.md).
EXTRACT_BUDGET_S = 5.0


@dataclass(slots=True)
class Extracted:
    """One page: its main-content blocks and what it says about itself (dedup/text/metadata.py)."""

    blocks: list[str]
    metadata: PageMetadata = field(default_factory=PageMetadata)
    # lines the licence, attribution and date readers see: every main-content line, kept or not (a wire
    # credit or a licence line in a footer is evidence even when it is not story text)
    evidence_blocks: list[str] | None = None
    removed_reasons: list[str] = field(default_factory=list)  # one per line the cleaning removed
    removed_blocks: list[str] = field(default_factory=list)  # those lines' texts (boilerplate/'s page rows)
    removed_chars: int = 0
    headings: list[str] = field(default_factory=list)  # section headings among blocks (`cleaning.section_headings`)

    @property
    def text(self) -> str:
        return join_blocks(self.blocks)


def extract_html(html: str | bytes, url: str | None = None, charset: str | None = None, *,
                 domain: str | None = None, max_blocks: int = MAX_BLOCKS) -> Extracted:
    """The main text of an HTML page as blocks, plus its metadata (title, authors, site name, dates). `domain`:
    `registered_domain(url)` when the caller has it already (the row's `domain`; None: worked out here). A page of
    more than `max_blocks` lines: TooManyLines."""
    if isinstance(html, bytes):
        html = decode_html(html[:MAX_HTML_BYTES], charset)
    html = without_soft_hyphens(html)  # every reader of the page finds the words its lines hold (round 30)
    html = without_ruby_readings(html)  # the base text of ruby, not its readings (`hiddenstory`, round 34)
    html = without_lone_glyphs(html)  # a letter alone in its element joins its text (`hiddenstory`, round 36)
    html = text_figures_as_boxes(html)  # a table or a code listing in a `<figure>` is read (`hiddenstory`, round 42)
    if domain is None:
        domain = registered_domain(url)
    tree = HTMLTree.parse(html)
    try:
        # resiliparse's main content (comments=False: reader comments are not the article) with each
        # line's tag and link text; a page whose main content is (nearly) empty is taken whole
        # (a page nested too deeply for the main-content pass in reasonable time is taken whole)
        title = tree.title
        links = SiteLinks(html, url, domain)
        choice = story_choice(tree, title, main_content=nesting_within(html), links=links, max_blocks=max_blocks)
        # nothing kept: a `<noscript>` that never closes may hold the whole page; read as a browser shows it (round 30)
        unwrapped = noscript_unwrapped(html) if sum(map(len, choice.kept)) < MIN_KEPT_CHARS else None
        if unwrapped is not None:
            del tree
            html, tree = unwrapped, HTMLTree.parse(unwrapped)
            links = SiteLinks(html, url, domain)
            choice = story_choice(tree, title, main_content=nesting_within(html), links=links, max_blocks=max_blocks)
        # lines beside the story that the page writes only inside its footer, navigation or side boxes (round 26)
        choice.remove(frame_lines(tree, choice.kept, html, beside_story(choice)), PAGE_FRAME)
        # lines of a box quoting the reader comments of the site's other pages (round 31)
        choice.remove(other_page_comment_lines(choice.kept, html, links, beside_story(choice)), OTHER_PAGE_COMMENT)
        # a picture's credit set in parentheses on a line of its own, whatever its label's word (round 35)
        choice.remove(parenthesised_credit_lines(choice.kept), CREDIT_LINE)
        put_back_lead(choice, html)  # the lead paragraph the page sets under its headline, outside the region (round 39)
        posts = embedded_posts(html, tree, choice, max_blocks)  # the social posts the story quotes (round 21)
    finally:
        # resiliparse trees must be freed by the thread that made them (a PyO3 'unsendable' object):
        # never leave one to a traceback or a garbage-collector pass on another thread (Dask workers)
        del tree
    md = page_metadata(html, url, choice.evidence, host=url_host(url, domain))
    if md.title:  # the page's headline leaves its text: the title column holds it
        choice.remove(headline_lines(choice.kept, page_headlines(md)), HEADLINE)
    # a label at the story's edge naming the section the page states it belongs to, or its URL's folder (round 41)
    choice.remove(section_label_lines(choice.kept, stated_sections(md.meta, md.jsonld), url), SECTION_LABEL)
    # the story the page's JSON-LD states, as evidence per line (round 24)
    apply_article_body(choice, md.jsonld, [md.meta[k] for k in DESCRIPTION_META if isinstance(md.meta.get(k), str)],
                       html, [a for a in (url, md.canonical_url) if a],
                       [md.html_title or "", md.meta.get("og:title") or "", *md.headlines], page_headlines(md))
    put_back(choice, posts)  # (after the metadata: a post's date line is not the page's date)
    return Extracted(blocks=choice.kept, metadata=md, evidence_blocks=choice.evidence,
                     removed_reasons=choice.reasons, removed_blocks=choice.removed, removed_chars=choice.removed_chars,
                     headings=choice.headings)


def page_headlines(md: PageMetadata) -> list[str]:
    """What the page's headline line may read: its chosen title, its og:title, and its <h1> when it has one
    only (a page of several <h1>s gives its sections or its teasers one: "Künstlerischer Lebenslauf", a
    news ticker)."""
    found = [md.title or "", clean_text(md.meta.get("og:title") or "")]
    return found + md.headlines if len(md.headlines) == 1 else found


WHOLE_PAGE_THRESHOLD = 0.5  # the whole-page model's own boundary (0.4-0.5 held out: docs/extraction.md)
# a judged whole page replaces a main-content pass that kept little prose (a list of links, a teaser box) only
# when it holds at least this many more words of prose: a short post beside a long thread keeps its post
WHOLE_PAGE_GAIN_WORDS = 50


# ...and only when it disagrees with the main-content pass about what the story is: a whole-page reading
# that keeps nearly all the main pass kept, plus more, is the same story with extras (a summary box, a
# comment thread), not a missed article
WHOLE_PAGE_MAX_AGREEMENT = 0.8
# ...and only when it holds at least this many lines of prose the main reading did not keep: a missed article is
# more than one paragraph, while a single long line is a teaser or a quote box beside the story (the syndication
# bench's pages whose main reading kept a two-paragraph copy and a footer: round 18)
WHOLE_PAGE_GAIN_LINES = 2


def _share_kept(first: Sequence[str], second: Sequence[str]) -> float:
    """The share of `first`'s words that sit in lines `second` keeps too."""
    again = set(second)
    words = sum(word_count(t) for t in first)
    return sum(word_count(t) for t in first if t in again) / words if words else 0.0


def _new_prose_lines(first: Sequence[str], second: Sequence[str]) -> int:
    """How many lines of prose (PROSE_LINE_WORDS+ words) `second` keeps that `first` does not."""
    again = set(first)
    return sum(1 for t in second if t not in again and word_count(t) >= PROSE_LINE_WORDS)


def _prose_words(texts: Sequence[str]) -> float:
    # words written without spaces in word-equivalents (`wordcount`)
    return sum(n for n in (word_count(t) for t in texts) if n >= PROSE_LINE_WORDS)


def story_choice(tree: HTMLTree, title: str | None, main_content: bool = True,
                 whole_model: TreeModel | None = None, links: SiteLinks | None = None,
                 max_blocks: int = MAX_BLOCKS) -> LineChoice:
    """The page's story lines. resiliparse's main content judged line by line by the block model; where
    that pass may have missed the article (`main_pass_missed`: it kept nearly nothing, or little prose: a
    list of links, a teaser box) every line of the page is judged by the whole-page model too. That reading
    is taken when the main one kept nearly nothing, or when, reader comments left out of it as they are out
    of the main one (`comment_lines`), it holds clearly more prose in more than one new line and disagrees
    about what the story is (`_replaces`); a page neither model can read (under MIN_KEPT_CHARS kept) is taken
    whole, guards aside. `main_content=False` skips the first pass (a page nested too deeply for it:
    `nesting_cost`). Pages over `max_blocks` lines: TooManyLines. `whole_model` replaces the shipped whole-page
    model (training's held-out checks). `links`, the page's links to its site's other pages, lets the choice
    drop other stories' headlines (`cleaning.other_story_lines`)."""
    copies = links.copies if links is not None else None
    main = main_content_lines(tree, max_blocks) if main_content else []
    judged = None
    if sum(len(line.text) for line in main) >= MIN_MAIN_CHARS:
        judged = choose_lines(main, story_probabilities(block_features(main, title)).tolist(), title=title,
                              copies=copies)
        if not main_pass_missed(main):
            return judged
    try:
        whole = whole_page_lines(tree, max_blocks)
    except TooManyLines:
        if judged is not None:
            return judged
        raise
    if judged is not None and not _gains(judged.kept, [line.text for line in whole]):
        return judged  # not even every line of the page would be enough: the model need not run
    probs = whole_page_probabilities(whole_page_features(whole, main, title), whole_model)
    rescued = _whole_reading(whole, probs, title, copies)
    if rescued is not None and judged is not None and _gains(judged.kept, rescued.kept):
        # the main-content pass leaves reader comments out, and so must a reading that is to replace it: a short
        # post beside a long thread keeps its post (one more main-content pass, on these pages only: round 18)
        comments = comment_lines(tree, main)
        if any(text in comments for text in rescued.kept):
            rescued = _whole_reading(whole, np.where([line.text in comments for line in whole], 0.0, probs), title,
                                     copies)
    if rescued is not None and (judged is None or _replaces(judged.kept, rescued.kept)):
        return rescued
    if judged is not None:
        return judged
    # neither pass can be judged: the longer text taken as it stands, only the guards apply
    lines = whole if sum(len(line.text) for line in whole) > sum(len(line.text) for line in main) else main
    return choose_lines(lines, [1.0] * len(lines), title=title)


def _whole_reading(whole: list[Line], probs: np.ndarray, title: str | None,
                   copies: Callable[[str], int] | None = None) -> LineChoice | None:
    """The whole page's lines at WHOLE_PAGE_THRESHOLD or more, chosen as the main ones are; None when they hold
    under MIN_KEPT_CHARS."""
    if sum(len(line.text) for line, p in zip(whole, probs) if p >= WHOLE_PAGE_THRESHOLD) < MIN_KEPT_CHARS:
        return None
    return choose_lines(whole, probs.tolist(), threshold=WHOLE_PAGE_THRESHOLD, title=title, copies=copies)


def _gains(main: Sequence[str], whole: Sequence[str]) -> bool:
    """Does a whole-page reading keep clearly more prose than the main one: WHOLE_PAGE_GAIN_WORDS more words, in
    at least WHOLE_PAGE_GAIN_LINES lines the main reading does not keep?"""
    return _prose_words(whole) >= _prose_words(main) + WHOLE_PAGE_GAIN_WORDS \
        and _new_prose_lines(main, whole) >= WHOLE_PAGE_GAIN_LINES


def _replaces(main: Sequence[str], whole: Sequence[str]) -> bool:
    """A whole-page reading replaces the main one when it gains (`_gains`) and disagrees about the story."""
    return _gains(main, whole) and _share_kept(main, whole) < WHOLE_PAGE_MAX_AGREEMENT


def extract_plain(text: str, url: str | None = None, wet: bool = False, max_blocks: int = MAX_BLOCKS) -> Extracted:
    """Plain text (WET conversion records, JSONL `text`) -> blocks (leaked markup and script lines and
    widget labels dropped), with the byline and date lines they show. `wet`: the text is a WET conversion
    record's, whose first line Common Crawl writes from the page's <title> (`wet_title_line`)."""
    # read as an HTML page's lines are (`layout.read_minimal_html`): no soft hyphens, composed letters (round 30)
    blocks = split_blocks(as_shown(text).replace("\r\n", "\n"))
    if len(blocks) > max_blocks:
        raise TooManyLines(len(blocks))
    choice = plain_lines(blocks)
    first = blocks[0] if wet and blocks and wet_title_line(blocks[0]) else None
    md = page_metadata(None, url, choice.evidence, text_title=first)
    kept = choice.kept
    if first is not None and md.title is not None:
        # the WET record's <title> line is the title, read as an HTML page's <title> is (its site's part dropped when
        # it names the host: 'Headline | Site'); it leaves the text, and so does the headline it states at the top
        md.title_source = (md.title_source or "").replace("html_title", "wet_first_line", 1)
        if md.title_source == "wet_first_line" and (guessed := without_guessed_site(md.title)) != md.title:
            md.title, md.title_source = guessed, "wet_first_line_without_site"
        choice.remove(headline_lines(kept, [md.title, first]), HEADLINE)
        kept = choice.kept
    # no markup, no title: the first line is the title when it reads as a headline (a JSONL text often starts
    # with its headline); it then leaves the text, as an HTML page's headline does (the article text follows it:
    # `heading_line`)
    if md.title is None and kept and heading_line(kept[0], kept[1] if len(kept) > 1 else None) \
            and not is_date_line(kept[0]):
        md.title, md.title_source = kept[0], "first_line"
        choice.remove(headline_lines(kept, [md.title]), HEADLINE)
        kept = choice.kept
    return Extracted(blocks=kept, metadata=md, evidence_blocks=choice.evidence, removed_reasons=choice.reasons,
                     removed_blocks=choice.removed, removed_chars=choice.removed_chars)


def extract_batch(batch: pa.RecordBatch, max_html: int = MAX_HTML_BYTES,
                  stats: Counter | None = None, max_blocks: int = MAX_BLOCKS,
                  max_text: int = MAX_TEXT_BYTES) -> pa.RecordBatch:
    """Stage function: a `raw` batch -> a `docs` batch with `blocks`, metadata and the page's own
    licence and attribution evidence (text columns are filled by the blocks stage); rejects carried
    along, new ones added (HTML over `max_html` bytes: `html_too_large`; plain text over `max_text` bytes:
    `text_too_large`; more than `max_blocks` text blocks: `too_many_blocks`). Pages whose extracted strings held
    control characters (removed: `without_found_controls`) are counted in `stats` (run.json's `tolerated`)."""
    sch = schema("docs")
    # the raw columns a docs row keeps as they are pass through as Arrow arrays; only those read here
    # become Python objects (a timestamp's conversion and back costs more than the row's bookkeeping)
    passed = [name for name in _PASSED_THROUGH if name in batch.schema.names]
    raw = {name: batch.column(name).to_pylist() for name in ("url", "reject_reason", "reject_detail", "html", "text",
                                                              "charset")}
    # (a batch made without them, as a test's or a script's, is read as having none: no row is WET)
    raw |= {name: batch.column(name).to_pylist() if name in batch.schema.names else [None] * batch.num_rows
            for name in ("warc_type",)}
    cols: dict[str, list] = {f.name: [] for f in sch if f.name not in passed}
    load_models()  # outside every page's time budget (microseconds after a process's first batch)
    for i in range(batch.num_rows):
        row = {"url": raw["url"][i], "reject_reason": raw["reject_reason"][i],
               "reject_detail": raw["reject_detail"][i]}
        row["domain"] = registered_domain(row["url"])
        if row["domain"] is None and stats is not None and refused_host(row["url"]):
            stats[REFUSED_HOST] += 1
        if row["reject_reason"] is None:
            # a WARC conversion record's text is a WET record's (`sources.read`), not a text/plain response's
            wet = raw["text"][i] is not None and raw["warc_type"][i] == "conversion"
            extracted = _extract_row(raw["html"][i], raw["text"][i], row["url"], raw["charset"][i], row["domain"],
                                     max_html, wet, max_blocks, max_text)
            if extracted.get("reject_reason") is None and (found := without_found_controls(extracted)):
                if stats is not None:
                    stats.update(found)
                if not extracted["blocks"]:
                    extracted = dict(_NO_TEXT)
            row.update(extracted)
        for name, values in cols.items():
            values.append(row.get(name))
    arrays = [batch.column(name) if name in passed else _arrow_column(cols[name], sch.field(name).type)
              for name in sch.names]
    return pa.RecordBatch.from_arrays(arrays, schema=sch)


def _dropped(value: object, url: bool = False) -> object:
    """`value` (a str, or a list of str or of dicts of str: the docs columns) without control characters, URLs by
    the WHATWG rule; the same object when it holds none."""
    if isinstance(value, str):
        return url_without_controls(value) if url else controls_read(value)
    if isinstance(value, list):
        kept = [_dropped(v) for v in value]
        return value if all(k is v for k, v in zip(kept, value)) else kept
    if isinstance(value, dict):
        entries = {k: _dropped(v) for k, v in value.items()}
        return value if all(entries[k] is v for k, v in value.items()) else entries
    return value


def _strings_of(values: list) -> list[str]:
    """The strings of a list of dicts (evidence structs) or of strings."""
    return [v for item in values for v in (item.values() if isinstance(item, dict) else (item,)) if isinstance(v, str)]


def without_found_controls(row: dict) -> tuple[str, ...]:
    """Remove the control characters (NUL, C0 but white space, DEL: `normalise.controls_dropped`, the reader's rule)
    from every string extraction put in `row`: HTML parsers keep them (lexbor decodes `&#7;` to U+0007, keeps a raw
    ESC), and so do JSON-LD escapes. `canonical_url` as the WHATWG URL parser reads them (C0 only, as the page's
    `url`: its C1 controls stay and are not counted); blocks, authors and strings left empty go. C1 controls
    (U+0080-U+009F, raw in a UTF-8 page or as JSON escapes: lexbor reads `&#147;` as Windows-1252 already) are read
    as the bytes they were (`normalise.c1_controls_read`). The run.json counters of what was found (none: empty).
    Until round 13 of the hostile inputs C0 controls were published in text, title, authors; C1 controls until
    round 14."""
    strings = []   # one search over all of them first: the walk below cost ~4 % of extraction on every page
    for name, value in row.items():
        if isinstance(value, str):
            if name != "canonical_url":
                strings.append(value)
        elif isinstance(value, list) and value:
            strings.extend(value if isinstance(value[0], str) else _strings_of(value))
    joined = "\n".join(strings)
    # the URL is asked what the WHATWG rule changes in it (C0 controls, none of C1: the page's `url` keeps them too,
    # `textbytes.controls_removed`): a count says what changed (round 14 counted a C1 control left in it)
    canonical = row.get("canonical_url")
    url_changed = isinstance(canonical, str) and url_without_controls(canonical) is not canonical
    found = tuple(counter for counter, held in ((CONTROLS, url_changed or holds_controls(joined)),
                                                 (C1_CONTROLS, holds_c1_controls(joined))) if held)
    if not found:
        return found
    for name, value in row.items():
        kept = _dropped(value, url=name == "canonical_url")
        if kept is not value:
            if isinstance(kept, list) and name in ("blocks", "authors"):
                kept = [b for b in kept if b.strip()]
            row[name] = kept if not isinstance(kept, str) or kept.strip() else None
    return found


def _arrow_column(values: list, type_: pa.DataType) -> pa.Array:
    """`pa.array(values, type_)`; a lone surrogate that reached a value (every known source replaces them
    where the text is decoded) is replaced here, so that it costs one character, not the batch's rows and
    the rest of the input file."""
    try:
        return pa.array(values, type_)
    except UnicodeEncodeError:
        return pa.array([storable(v) for v in values], type_)


# raw columns copied into the docs row unchanged (same names and types in both schemas)
_PASSED_THROUGH = ("doc_id", "url", "fetched_at", "source_file", "source_offset", "warc_record_id")


def _extract_row(html: bytes | None, text: str | None, url: str | None, charset: str | None,
                 domain: str | None, max_html: int = MAX_HTML_BYTES, wet: bool = False,
                 max_blocks: int = MAX_BLOCKS, max_text: int = MAX_TEXT_BYTES) -> dict:
    if html is None and text is not None and (size := _utf8_size_over(text, max_text)):
        # not extracted: the extraction holds several copies of a text (lines, blocks, their keys) at once
        return {"reject_reason": "text_too_large",
                "reject_detail": f"plain text of {size} bytes (UTF-8): extraction reads at most max_text_bytes = "
                                 f"{max_text} (a page's text is no larger than the HTML a page may have); "
                                 f"{raise_setting('max_text_bytes')} to extract it"}
    if html is not None and len(html) > max_html:
        return {"reject_reason": "html_too_large",
                "reject_detail": f"HTML of {len(html)} bytes: extraction reads at most max_html_bytes = {max_html} "
                                 f"(the page's text would be cut short); {raise_setting('max_html_bytes')} to "
                                 "extract it"}
    try:
        with time_budget(EXTRACT_BUDGET_S):
            return _extracted_row(html, text, url, charset, domain, wet, max_blocks)
    except ExtractTimeout:
        return {"reject_reason": "extract_timeout",
                "reject_detail": f"extracting this page took over {EXTRACT_BUDGET_S:g} s of CPU time (pathological "
                                 f"markup or size); it was stopped: the budget is {FIXED_LIMIT}"}
    except Exception as exc:  # a parser failure on one page must not stop the run
        return {"reject_reason": "extraction_failed", "reject_detail": f"{type(exc).__name__}: {exc}"[:500]}


def _utf8_size_over(text: str, limit: int) -> int:
    """The size of `text` in UTF-8 when it is over `limit` bytes, else 0 (a text of up to a quarter of `limit`
    characters is not encoded to know)."""
    if len(text) * 4 <= limit:
        return 0
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else 0


def _extracted_row(html: bytes | None, text: str | None, url: str | None, charset: str | None,
                   domain: str | None, wet: bool = False, max_blocks: int = MAX_BLOCKS) -> dict:
    if html is None and text and text.count("\n") > 4 * max_blocks:
        return _too_many_blocks(f"over {4 * max_blocks} lines", max_blocks)   # not worth splitting
    binary = binary_payload(html, charset) if html is not None else binary_text(text) if text else None
    if binary is not None:
        return {"reject_reason": "non_html_payload",
                "reject_detail": f"the payload is {binary}, not a page (though labelled or stored as text)"}
    page = decode_html(html, charset) if html is not None else None
    if page is not None and page.count("<") > MAX_MARKUP_TAGS:
        return {"reject_reason": "too_many_tags",
                "reject_detail": f"the page has {page.count('<')} '<' (tags), more than the {MAX_MARKUP_TAGS} "
                                 f"processed per page: markup rather than an article; the limit is {FIXED_LIMIT}"}
    if page is not None and (cost := attribute_cost(page)) > MAX_ATTRIBUTE_COST:
        return {"reject_reason": "too_many_attributes",
                "reject_detail": f"the squares of its elements' numbers of distinct attributes sum to {cost}, more "
                                 f"than the {MAX_ATTRIBUTE_COST} parsed per page (parsing costs their square): "
                                 f"pathological markup; the limit is {FIXED_LIMIT}"}
    try:
        ex = (extract_html(page, url, domain=domain, max_blocks=max_blocks) if page is not None
              else extract_plain(text or "", url, wet, max_blocks))
    except TooManyLines as exc:
        return _too_many_blocks(f"{exc.n} text lines", max_blocks)
    if not ex.blocks:
        return dict(_NO_TEXT)
    if len(ex.blocks) > max_blocks:
        return _too_many_blocks(f"{len(ex.blocks)} text blocks", max_blocks)
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
        "heading_keys": sorted({block_key(h) for h in ex.headings}),
        "blocks_removed": len(ex.removed_reasons),
        "boilerplate_chars_removed": ex.removed_chars,
        "removed_reasons": ex.removed_reasons,
        "removed_blocks": ex.removed_blocks,
    }
    row.update(page_rights(page, ex, domain))
    return row


# (copied where returned: the caller updates its row from it)
_NO_TEXT = {"reject_reason": "no_text", "reject_detail": "extraction found no text on the page"}


def _too_many_blocks(what: str, max_blocks: int) -> dict:
    # the setting, its value and how to raise it (hostile round 15b: the limit was a constant, the detail named none)
    return {"reject_reason": "too_many_blocks",
            "reject_detail": f"the page has {what}, more than max_blocks {max_blocks} processed per page: a "
                             f"listing or a dump rather than an article; {raise_setting('max_blocks')} to extract "
                             "such a page"}


# Licence and attribution evidence is read from every block of a page, at ~0.15 ms a block: a
# document of more blocks than these (a book, a 20,000-line listing) has its first and last blocks
# scanned, where credits and notices sit, so that its size does not decide whether it is read at
# all. No page of the shared corpora or the bench crawl comes near (the largest: a few hundred).
RIGHTS_HEAD_BLOCKS = 2000
RIGHTS_TAIL_BLOCKS = 500


def rights_blocks(blocks: list[str]) -> list[str]:
    """The blocks scanned for licence and attribution evidence (all but the middle of a huge page)."""
    if len(blocks) <= RIGHTS_HEAD_BLOCKS + RIGHTS_TAIL_BLOCKS:
        return blocks
    return blocks[:RIGHTS_HEAD_BLOCKS] + blocks[-RIGHTS_TAIL_BLOCKS:]


def page_rights(page: str | None, ex: Extracted, domain: str | None) -> dict:
    """Licence and attribution from the page's own evidence: markup, JSON-LD and every extracted
    block (before repeated-block removal, which may drop a wire credit line the licence needs)."""
    blocks = rights_blocks(ex.evidence_blocks or ex.blocks)
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
    row["publisher"], row["publisher_source"] = publisher_with_source(attribution["publisher"], md.site_name,
                                                                      md.author_organisations, domain)
    return row
