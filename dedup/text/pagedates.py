"""pagedates: when a page was published and modified, decided from every place it states a date.

Pure row logic over what `dedup.text.pagescan` and `dedup.text.headlineregion` read (the head's meta tags,
JSON-LD, `<time>` tags and date marks near the headline, the visible lines there), the main-content blocks and
the URL; the order of evidence and the stated reasons that overrule it are in docs/metadata.md. Each stated date
is read into evidence by `dedup.text.dateevidence`, which line is a date line is `dedup.text.pagedatelines`'s
rule; this module owns the decision. Called by `dedup.text.metadata.page_metadata`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Iterator, NamedTuple

from dedup.text.dateevidence import OTHER_YEARS, DateEvidence, date_evidence, find_page_dates
from dedup.text.dates import (ZONED_TIME, ZONELESS_TIME, offset_minutes, parse_published,
                              same_time_at_coarser_precision, shown_time_in_stated_zone, shows_time_without_zone,
                              url_date)
from dedup.text.headlineregion import (MODIFIED_ROLE, PUBLISHED_TIME_ROLE, WINDOW_AFTER, WINDOW_BEFORE, date_mark,
                                       read_headline_region, region_lines_below_story,
                                       region_marks_below_story)
from dedup.text.jsonld import JsonLd
from dedup.text.markup import first_str
from dedup.text.normalise import fold_text
from dedup.text.pagedatelines import (BELOW_WINDOW_AFTER, BLOCK_LINE_POS, DATE_BLOCKS, DATE_LINE_CHARS, MODIFIED_LABEL,
                                      MODIFIED_LINE, POST_HEADER_OPENINGS, PUBLISHED_LABEL, PUBLISHED_LINE,
                                      date_line_below, in_sentence, labelled_lines, post_header_date,
                                      update_label_after_date, update_label_before, year_lines)
from dedup.text.pagehead import Head
from dedup.text.pagescan import Body, DateMark
from dedup.text.quotedposts import is_post_header
from dedup.text.scripts import CJK


_META_PUBLISHED_KEYS = ("article:published_time", "og:article:published_time", "og:published_time",
                        "datepublished", "article.published", "published_time", "publish-date", "publishdate",
                        "publish_date", "pubdate", "dc.date.issued", "dcterms.issued", "dc.date.created",
                        "dcterms.created", "citation_publication_date", "citation_date", "sailthru.date",
                        "parsely-pub-date", "date", "dc.date", "dcterms.date", "datecreated", "created",
                        "date.created", "article:published", "release_date", "originalpublicationdate")
_META_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                       "dc.date.modified", "dcterms.modified", "article.updated", "last-modified", "lastmod",
                       "modified_time", "article:modified", "dateupdate", "updated_time")


# published-time evidence, strongest first (docs/metadata.md)
_PUBLISHED_ORDER = ("jsonld", "meta", "markup_published", "date_line_published", "meta_date", "url", "markup_date",
                    "time_element", "date_line", "labelled_line", "date_line_below")
_PUBLISHED_RANK = {kind: i for i, kind in enumerate(_PUBLISHED_ORDER)}  # a kind's place, by one lookup
_GENERIC_DATE_KEYS = frozenset(("date", "dc.date", "dcterms.date", "created", "date.created", "datecreated"))
AGREEMENT_KINDS = 2  # a day stated by this many kinds of evidence outvotes a day stated by one
# the pages whose lines are looked at for the digits and calendars of other scripts (`dateevidence.OTHER_YEARS`; a
# search costs ~2 µs a line; a page of another script never holds them): their language writes them, or their title
# is of such a script
_OTHER_DIGIT_LANGUAGES = frozenset(("ar", "fa", "ur", "ps", "ckb", "hi", "mr", "ne", "bn", "as", "th", "zh", "ja", "ko"))
_OTHER_DIGIT_SCRIPT = re.compile(f"[\u0600-\u06ff\u0900-\u09ff\u0e00-\u0e7f{CJK}]")


LABELLED_TIME_CHARS = 160
_LABELLED_TIME = re.compile(
    r"(?:(?:title|aria-label)\s*=\s*[\"']|>\s*)(?:published|veröffentlicht|publié|publicado|pubblicato|gepubliceerd)"
    r"(?:\s+(?:on|am|le|el|il|em|op))?\s*:?\s*[\"']?\s*(?:/?>\s*)?(?:<[^<>]*>\s*)*$", re.I)
LABELLED_LINE_BLOCKS = 200  # the blocks after the first DATE_BLOCKS read for a labelled one


class StatedTime(NamedTuple):
    """A time the page states: in UTC, as the page wrote it, and the evidence it came from."""
    at: datetime
    raw: str
    source: str


def decide_dates(html: str | None, head: Head, ld: JsonLd, body: Body, blocks: list[str], url: str | None,
                 title: str | None) -> tuple[StatedTime | None, StatedTime | None]:
    """(published, modified) time by the order of evidence (docs/metadata.md), each with its source."""
    lang = (head.lang or "").replace("_", "-")
    day_first = not lang.startswith("en") or lang in ("en-gb", "en-au", "en-in", "en-ie", "en-nz", "en-za")
    other_digits = lang.split("-")[0] in _OTHER_DIGIT_LANGUAGES or (
        title is not None and not title.isascii() and _OTHER_DIGIT_SCRIPT.search(title) is not None)
    published: list[DateEvidence] = []
    modified: list[DateEvidence] = []

    def add(target: list, kind: str, raw: object, pos: int = -1) -> None:
        ev = date_evidence(kind, raw, day_first, pos, other_digits)
        if ev is not None:
            target.append(ev)

    for obj in (ld.article, ld.page):
        if obj is not None:
            add(published, "jsonld", first_str(obj.get("datePublished")) or first_str(obj.get("dateCreated")))
            add(modified, "jsonld", first_str(obj.get("dateModified")))
    meta = head.meta
    for key in _META_PUBLISHED_KEYS:  # in this order: the first key's value leads among meta tags
        if key in meta:
            add(published, "meta_date" if key in _GENERIC_DATE_KEYS else "meta", meta[key][0])
    for key in _META_MODIFIED_KEYS:
        if key in meta:
            add(modified, "meta", meta[key][0])
    anchor = body.anchor
    # whether the metadata decides alone, from the metadata only: then the headline's region is neither read nor
    # used, whether or not the authors have read it (they read it where no metadata names the author)
    settled = _settled(published, modified)
    if html and not settled:
        read_headline_region(html, head.end, body, blocks)
    # <time> anywhere: its role from its attributes (pubdate, itemprop, class), else where it stands
    for pos, attrs, raw in body.times:
        role = " ".join((attrs.get("class", ""), attrs.get("itemprop", ""), attrs.get("id", ""))).lower()
        if "pubdate" in attrs or PUBLISHED_TIME_ROLE.search(role):
            add(published, "markup_published", raw, pos)
        elif MODIFIED_ROLE.search(role):
            add(modified, "markup_modified", raw, pos)
        elif anchor is not None and anchor[0] - WINDOW_BEFORE <= pos <= anchor[1] + WINDOW_AFTER:
            if update_label_before(html or "", pos):
                add(modified, "markup_modified", raw, pos)  # ('Mis à jour le <time …>': round 26)
            else:
                add(published, "time_element", raw, pos)
    time_positions = {pos for pos, _attrs, _raw in body.times}
    for mark in () if settled else _marks_then_below_story(html or "", body, published):
        if mark.pos in time_positions:
            continue  # the <time> element itself, read above
        if mark.role == "published":
            add(published, "markup_published", mark.raw, mark.pos)
        elif mark.role == "modified":
            add(modified, "markup_modified", mark.raw, mark.pos)
        else:
            add(published, "markup_date", mark.raw, mark.pos)
    if html and not published:
        # no date in the metadata or around the headline: microdata anywhere in the page (the first
        # datePublished, else the first dateCreated; str.find skips along a long word faster than `re`
        # scans for its first four letters, and dateCreated is looked for only when needed)
        for needle in ("datePublished", "dateCreated"):
            hit = html.find(needle, head.end)
            lt = html.rfind("<", max(0, hit - 300), hit) if hit >= 0 else -1
            if lt >= 0 and html.rfind(">", lt, hit) < 0:
                found_mark = date_mark(html, lt)
                if found_mark is not None and found_mark.role == "published":
                    add(published, "markup_published", found_mark.raw, found_mark.pos)
                    break
    if html and not published:
        # still none: a <time> anywhere that a publication label stands just before, in its text or as the title of
        # an icon ('<i class="fa fa-calendar" title="Published"></i> <time datetime=...>' under a long chapter)
        for pos, _attrs, raw in body.times:
            if _LABELLED_TIME.search(html, max(0, pos - LABELLED_TIME_CHARS), pos):
                add(published, "markup_published", raw, pos)
                break
    # visible date lines near the headline, then in the first blocks
    lines = [] if settled else list(body.window)
    if not settled:
        # the blocks' place in the page is not known: after every line of the headline's region, nearest
        # the headline's block first (a site's 'today' date line tops the page, above the story's own)
        title_key = fold_text(title)
        headline = next((i for i, b in enumerate(blocks[:DATE_BLOCKS]) if title_key and _folds_to(b, title_key)), 0)
        lines += [(-1, "")] + [(BLOCK_LINE_POS + abs(i - headline), b) for i, b in enumerate(blocks[:DATE_BLOCKS])]
    previous = ""
    # (the region's lines below the story's start only where nothing read before them states a day: round 25)
    for pos, line in _then_below_story(lines, html or "", body, published, modified):
        if not line:
            previous = ""
            continue
        # only the line's opening is read for dates (a block may be a long paragraph: not scanned whole)
        opening = line[:DATE_LINE_CHARS]
        found = find_page_dates(opening, day_first, limit=2, other_digits=other_digits) if (
            "20" in opening or "19" in opening or (other_digits and OTHER_YEARS.search(opening))) else []
        if not found and opening[:1] in POST_HEADER_OPENINGS:
            found = post_header_date(opening, day_first)
        if found and is_post_header(opening):
            found = []  # an embedded post's 'A post shared by Jane Doe (@jdoe) on Feb 20, 2017' without its markup
        date_line_end = -1  # where the line's last date read as a date line ends
        for d in found:
            before = line[:d.start]
            if date_line_end >= 0:
                # ('Publié le 3 février 2020 à 10h00 Mis à jour le 5 février 2020': the update's own label)
                before = update_label_after_date(line, date_line_end, d.start) or before
            # (the words before the date counted first: the words of the whole line only when there are several)
            if in_sentence(before, line[d.end:]):
                continue  # a date inside a sentence or a headline, not a date line (one may open a paragraph)
            date_line_end = d.end
            ev = DateEvidence("date_line", opening, d.at, d.day, pos, d.has_time)
            if MODIFIED_LABEL(before) if before.strip() else MODIFIED_LINE(previous):
                ev.kind = "date_line_updated"
                modified.append(ev)
                continue
            if PUBLISHED_LABEL(before) if before.strip() else PUBLISHED_LINE(previous):
                ev.kind = "date_line_published"
            published.append(ev)
        previous = line
    from_url = url_date(url)
    if from_url is not None:
        published.append(DateEvidence("url", url or "", from_url, from_url.date()))
    if not published:
        # nothing states the publication near the headline: a labelled line further down the main content
        # ('Erschienen am: 01.11.2023' and 'Aktualisiert am 17.01.2021.' under the text)
        labelled_lines(blocks[DATE_BLOCKS:DATE_BLOCKS + LABELLED_LINE_BLOCKS], day_first, published, modified,
                        other_digits)
    if html and anchor is not None and not published and not modified:
        # nothing states a day anywhere read so far: the first date line further below the headline ('von
        # Marianne1 / am 20.09.2020' in a profile box 4,500 characters down, a 'Letzte Änderung:' field)
        start, stop = anchor[1] + WINDOW_AFTER, min(len(html), anchor[1] + BELOW_WINDOW_AFTER)
        date_line_below(year_lines(html, start, stop, other_digits), day_first, published, modified, other_digits)
    chosen, reason = _choose_published(published, modified, anchor)
    if chosen is not None and not chosen.has_time:
        # the same day stated with its time of day elsewhere (a URL or a date-only tag gives none)
        timed = sorted((e for e in published if e.day == chosen.day and e.has_time),
                       key=lambda e: _PUBLISHED_RANK[e.kind])
        if timed:
            chosen = timed[0]
    if chosen is None and modified:
        # the page states only when it was updated: that is its date (a citation gives the last update
        # when no publication date is stated), said so in the source
        chosen, reason = min(modified, key=lambda e: _MODIFIED_RANK[e.kind]), "only_date_stated_is_update"
    if chosen is None:
        return None, None
    times = _PageTimes(head, ld, body)
    published_at = _in_page_zone(chosen, times)
    note = _SHOWN_IN_ZONE if published_at != chosen.at and chosen.kind not in _STATED_KINDS else ""
    return StatedTime(published_at, chosen.raw, chosen.kind + (f":{reason}" if reason else "") + note), \
        _update_time(chosen, published_at, modified, times)


def _marks_then_below_story(html: str, body: Body, published: list[DateEvidence]) -> Iterator[DateMark]:
    """The region's date marks, then, where it was read only down to the story's start (`storystart`) and no
    published evidence read so far states a time of day, its marks below it (a dated aside under the lede)."""
    yield from body.date_marks
    if body.lines_stop >= 0 and not any(e.has_time for e in published):
        yield from region_marks_below_story(html, body)


def _then_below_story(lines: list[tuple[int, str]], html: str, body: Body, published: list[DateEvidence],
                      modified: list[DateEvidence]) -> Iterator[tuple[int, str]]:
    """`lines`, then, where the headline's region was read only down to the story's start (`storystart`) and none of
    them (nor the page's markup) states a published or modified day, the region's lines below it (a post's date line
    under a one-paragraph story), after an empty line."""
    yield from lines
    if lines and body.lines_stop >= 0 and not published and not modified:
        yield -1, ""
        yield from region_lines_below_story(html, body)


def _update_time(published: DateEvidence, published_at: datetime, modified: list[DateEvidence],
                 times: _PageTimes) -> StatedTime | None:
    """The strongest update evidence not before the published time at the coarser of their precisions (round 20):
    'Updated: 04 Sep 2023 16:17 UTC' names the minute of a 16:17:54 publication, so it is that time, its raw kept; one
    truly before (a footer's 'Privacy Policy - UPDATED 10/18/2011') updates no version of this page: the next."""
    for e in sorted(modified, key=lambda e: _MODIFIED_RANK[e.kind]):
        at = _in_page_zone(e, times, published.raw)
        if at >= published_at:
            return StatedTime(at, e.raw, e.kind + _SHOWN_IN_ZONE * (at != e.at and e.kind not in _STATED_KINDS))
        if same_time_at_coarser_precision(e.raw, at, published.raw, published_at) if e.has_time and published.has_time \
                else e.day == published.day:
            return StatedTime(published_at, e.raw, e.kind + ":published_within_its_precision")
    return None


_SHOWN_IN_ZONE = ":shown_time_in_page_zone"  # a shown time read in the page's stated offset (its raw as shown)


class _PageTimes:
    """The times a page states, gathered once for every evidence `_in_page_zone` reads (the published one, then
    each update): its metadata's (the meta tags, the JSON-LD article and page), and with them the body's."""

    def __init__(self, head: Head, ld: JsonLd, body: Body) -> None:
        self._head, self._ld, self._body = head, ld, body

    @cached_property
    def metadata(self) -> list[str]:
        """The meta tags' values, then the JSON-LD article's and page's times."""
        values = [v for vs in self._head.meta.values() for v in vs]
        for obj in (self._ld.article, self._ld.page):
            if obj is not None:
                values += [v for v in map(first_str, (obj.get(k) for k in _JSONLD_TIME_KEYS)) if v]
        return values

    @cached_property
    def with_body(self) -> list[str]:
        """The metadata's times, then the body's `<time>`s and date marks."""
        body = self._body
        return self.metadata + [raw for _pos, _attrs, raw in body.times] + [mark.raw for mark in body.date_marks]


def _in_page_zone(e: DateEvidence, times: _PageTimes, published: str | None = None) -> datetime:
    """The UTC time of evidence whose metadata value states a time of day without a zone: read in the zone that every
    other time the page's metadata (its meta tags, the JSON-LD article and page) states with a zone is written in,
    when that is one zone (the site's software writes its local time: '2022-05-10T23:35:55' beside
    'publishtime' '2022-05-11T04:10:00-03:00' is 02:35 UTC on 11 May); else, or where another value states the same
    minute in UTC ('2022-05-10T23:35:55' beside '2022-05-10T20:35:55-03:00'), as UTC, as before. A time the page
    shows without a zone: in the offset its metadata states that day (`dates.shown_time_in_stated_zone`, round 21)."""
    shown = e.kind not in ("jsonld", "meta", "meta_date", "url") and shows_time_without_zone(e.raw)
    if not e.has_time or not shown and (e.kind not in _STATED_KINDS or ZONELESS_TIME.fullmatch(e.raw) is None):
        return e.at
    if shown:
        return shown_time_in_stated_zone(e.at, e.day, times.with_body, published) or e.at
    offsets = set()
    minute = e.at.replace(second=0, microsecond=0)
    for value in times.metadata:
        m = ZONED_TIME.fullmatch(value.strip())
        if m is not None:
            offsets.add(offset_minutes(m))
            at = parse_published(value)
            if at is not None and at.replace(second=0, microsecond=0) == minute:
                return e.at  # the same time stated in UTC elsewhere: the zoneless value is UTC
    if len(offsets) != 1:
        return e.at
    return e.at - timedelta(minutes=offsets.pop())


_JSONLD_TIME_KEYS = ("datePublished", "dateCreated", "dateModified", "uploadDate")


_MODIFIED_ORDER = ("jsonld", "meta", "markup_modified", "date_line_updated", "labelled_line_updated",
                   "date_line_below_updated")
_MODIFIED_RANK = {kind: i for i, kind in enumerate(_MODIFIED_ORDER)}


def _folds_to(text: str, key: str) -> bool:
    """fold_text(text) == key, without folding a whole paragraph: folding works character by
    character (NFKD's reordering moves only combining marks, which it drops), so the fold of a prefix
    must open the key, and a folded prefix longer than the key already decides. An ASCII letter or digit
    opening the text opens its fold, lower-cased: most blocks fail on it before any folding (a fold of
    a new text each time, which the cache does not hold)."""
    first = text[:1]
    if first.isascii() and first.isalnum() and first.lower() != key[:1]:
        return False
    head = fold_text(text[:8])
    if not key.startswith(head):
        return False
    prefix = text[:2 * len(key) + 16]
    if len(prefix) < len(text) and len(fold_text(prefix)) > len(key):
        return False
    return fold_text(text) == key


def _settled(published: list[DateEvidence], modified: list[DateEvidence]) -> bool:
    """The metadata (JSON-LD, meta tags or both) states the published time of day and a later modified time on that
    same day and no other day (round 14): it keeps the two apart, so its published time is no update's stamp, and
    the page's text (the headline's region, the first blocks) is neither read nor used for dates. Decided from the
    metadata alone, so the dates do not depend on whether the authors read that region (round 14b; round 11's rule,
    JSON-LD and meta agreeing on a day with no modified time that day, skipped the reading only: a stated update or
    a shown current version there was seen or not as the authors had read the region or not)."""
    modified_days = {e.day for e in modified}
    stated = [e for e in published if e.kind in _STATED_KINDS]
    if not stated or modified_days != {e.day for e in stated} or len(modified_days) != 1 or \
            not all(e.has_time for e in stated):
        return False
    latest = max(e.at for e in stated)
    return any(e.at > latest for e in modified if e.kind in _STATED_KINDS)


_STATED_KINDS = ("jsonld", "meta")


def _choose_published(published: list[DateEvidence], modified: list[DateEvidence],
                      anchor: tuple[int, int] | None) -> tuple[DateEvidence | None, str | None]:
    """The published time by the order of evidence, overruled only with a reason: several kinds of
    evidence agreeing on another day ('agreement'), or the chosen day being the page's stated update
    while it states another published day ('metadata_is_update')."""
    if not published:
        return None, None

    def rank(e: DateEvidence) -> tuple[int, int]:
        distance = 0
        if e.pos >= BLOCK_LINE_POS:
            distance = e.pos  # a line of the blocks: after the lines read around the headline, in block order
        elif e.pos >= 0 and anchor is not None:
            distance = anchor[0] - e.pos if e.pos < anchor[0] else max(0, e.pos - anchor[1])
        return _PUBLISHED_RANK[e.kind], distance

    ordered = sorted(published, key=rank)
    chosen = ordered[0]
    kinds_by_day: dict[date, set[str]] = {}
    for e in published:
        kinds_by_day.setdefault(e.day, set()).add(e.kind.replace("meta_date", "meta"))
    modified_days = {e.day for e in modified}
    if chosen.day in modified_days and chosen.kind not in ("date_line_published",):
        other = next((e for e in ordered if e.kind == "date_line_published" and e.day != chosen.day), None)
        if other is not None:
            return other, "metadata_is_update"
    # the page shows, nearest its headline, a day its metadata calls an update, and not the chosen one: its current
    # version's date (not a day that is the chosen one with day and month swapped: '08/09/2012' read in the other
    # order); looked for only where the metadata states an update on another day
    if chosen.kind in _METADATA_KINDS and len(modified_days) > (chosen.day in modified_days) \
            and len(kinds_by_day) > 1:
        seen = _shown_date(ordered, modified, anchor)
        if seen is not None and seen.day != chosen.day and seen.day in modified_days \
                and not any(e.day == chosen.day for e in ordered if _is_shown(e)) \
                and (seen.day.day, seen.day.month) != (chosen.day.month, chosen.day.day):
            return seen, "shown_date_is_current"
    best_day = max(kinds_by_day, key=lambda d: (len(kinds_by_day[d]) if d not in modified_days else 0,
                                                d == chosen.day))
    if best_day != chosen.day and best_day not in modified_days and len(kinds_by_day[best_day]) >= AGREEMENT_KINDS \
            and len(kinds_by_day[best_day]) > len(kinds_by_day[chosen.day]) \
            and best_day != _local_day(chosen, published):
        return next(e for e in ordered if e.day == best_day), "agreement"
    return chosen, None


ZONE_HOURS = 14  # the widest offset from UTC a zone has (Kiribati's +14:00)


def _local_day(chosen: DateEvidence, published: list[DateEvidence]) -> date | None:
    """The day an exact instant of the metadata (a time with its zone, '2019-11-20T01:50:59.403Z') falls on in the
    page's own zone, as a time the page shows without a zone gives it: the same minute a whole or half number of
    hours away, within ZONE_HOURS ('Nov. 19, 2019 5:50 PM' beside it: Pacific time, 19 November), that shown time's
    day. The days the page shows then name that instant in its zone and agree with it rather than outvote it (round
    14b). None when no shown time does."""
    if chosen.kind not in _STATED_KINDS or not chosen.has_time or ZONED_TIME.fullmatch(chosen.raw) is None:
        return None
    minute = chosen.at.replace(second=0, microsecond=0)
    for e in published:
        # (a time shown without a zone is read as UTC: its UTC day is the day it shows)
        if e.pos < 0 or not e.has_time or e.day == chosen.day or e.at.date() != e.day:
            continue
        offset = (e.at.replace(second=0, microsecond=0) - minute).total_seconds()
        if offset % 1800 == 0 and abs(offset) <= ZONE_HOURS * 3600:
            return e.day
    return None


_METADATA_KINDS = frozenset(("jsonld", "meta", "meta_date", "markup_published"))
_SHOWN_KINDS = frozenset(("date_line", "date_line_published", "markup_published", "markup_date", "time_element"))
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _is_shown(e: DateEvidence) -> bool:
    """Evidence the reader sees beside the headline: a date line, or a dated element's own text (not a
    machine-readable attribute value such as '2023-11-06T18:19+01:00', nor JSON text shown as a line)."""
    return e.kind in _SHOWN_KINDS and e.pos >= 0 and _ISO_DATE.match(e.raw) is None and '"' not in e.raw


def _shown_date(ordered: list[DateEvidence], modified: list[DateEvidence],
                anchor: tuple[int, int] | None) -> DateEvidence | None:
    """The date the page shows nearest its headline, unless the page labels that day as an update."""
    updated_days = {e.day for e in modified if e.kind in ("date_line_updated", "labelled_line_updated")}

    def distance(e: DateEvidence) -> int:
        if e.pos >= BLOCK_LINE_POS or anchor is None:
            return e.pos
        return anchor[0] - e.pos if e.pos < anchor[0] else max(0, e.pos - anchor[1])

    shown = [e for e in ordered if _is_shown(e) and e.day not in updated_days and not MODIFIED_LABEL(e.raw[:40])]
    return min(shown, key=distance) if shown else None
