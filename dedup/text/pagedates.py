"""pagedates: when a page was published and modified, decided from every place it states a date.

Pure row logic over what `dedup.text.pagescan` read (the head's meta tags, JSON-LD, `<time>` tags and
date marks near the headline, the visible lines there), the main-content blocks and the URL; the order
of evidence and the stated reasons that overrule it are in docs/metadata.md. Called by
`dedup.text.metadata.page_metadata`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator, NamedTuple

from dedup.text.dates import (DIGIT_TABLE, OTHER_DIGIT, TextDate, find_dates, parse_published,
                              same_time_at_coarser_precision, url_date)
from dedup.text.jsonld import JsonLd
from dedup.text.markup import first_str
from dedup.text.normalise import caseless_finder, fold_text
from dedup.text.pagehead import Head
from dedup.text.pagescan import (MODIFIED_ROLE, PUBLISHED_TIME_ROLE, WINDOW_AFTER, WINDOW_BEFORE, Body, date_mark,
                                 lines_below, read_headline_region)
from dedup.text.quotedposts import is_post_header
from dedup.text.scripts import CJK
from dedup.text.wordcount import SPACELESS_COMMAS, spaceless_words, word_count

# words that name a publication date; 'Stand' ('Stand: 28.04.2020 18:00 Uhr', German news' "as of") names the
# version the page shows, which is what a citation gives
_EXPLICIT_PUBLISHED_WORDS = (r"published|posted|publiziert|veröffentlicht|erschienen|erstellt|publié|publicado|"
                             r"pubblicato|gepubliceerd|stand|opublikowano|yay[ıi]nlanma(?:\s+tarihi)?|"
                             r"yay[ıi]n\s+tarihi")
_PUBLISHED_WORDS = _EXPLICIT_PUBLISHED_WORDS + r"|date|datum|fecha|data"
_MODIFIED_WORDS = (r"update|updated|last\s+updated|modified|last\s+modified|aktualisiert|geändert|zuletzt\s+geändert|"
                   r"letzte\s+änderung|mis\s+à\s+jour|actualizado|actualización|aggiornato|bijgewerkt|atualizado|"
                   r"edited|revised|zaktualizowano|aktualizacja|güncelleme|güncellendi")
# the same labels in Russian, Ukrainian, Czech, Arabic, Chinese, Japanese, Hindi and Korean: none holds a character
# that ASCII text can match, so ASCII text is searched without them (`caseless_finder`'s `ascii_pattern`)
_OTHER_PUBLISHED_WORDS = (r"опубликовано|дата\s+публикации|опубліковано|publikováno|zveřejněno|نشر\s+في|تاريخ\s+النشر|"
                          r"نشر|发布时间|发布日期|发表于|發布時間|發佈時間|發表於|公開日|投稿日|प्रकाशित|게시일|입력|"
                          r"δημοσίευση|δημοσιεύθηκε|פורסם|تاریخ\s+انتشار|配信|掲載|发布于|เผยแพร่|วันที่เผยแพร่|"
                          r"منتشر\s+شده|انتشار")
_OTHER_MODIFIED_WORDS = (r"обновлено|оновлено|aktualizováno|آخر\s+تحديث|تحديث|更新时间|更新時間|更新於|更新日|अपडेट|"
                         r"अद्यतन|수정|ενημέρωση|ενημερώθηκε|עודכן|最終更新|最后更新|อัปเดต|อัพเดท|แก้ไขล่าสุด|"
                         r"ปรับปรุงล่าสุด|به‌روزرسانی|بروزرسانی|به\s+روز\s+رسانی")
_AFTER_LABEL = r"(?:\s+(?:am|on|le|el|il|em|at|op))?\W*$"


def _label_finder(opening: str, words: str, other_words: str) -> Callable[[str], bool]:
    """Whether a text holds one of the label words (`opening` before them, `_AFTER_LABEL` after), in any case."""
    return caseless_finder(rf"{opening}(?:{words}|{other_words}){_AFTER_LABEL}", rf"{opening}(?:{words}){_AFTER_LABEL}")


# a label just before the date on its line ('Published: March 3, 2020', 'Updated Jul 24, 2018'), not a
# word of a compound ('Corona-Update 31.01.2022')
_PUBLISHED_LABEL = _label_finder(r"(?<![\w-])", _PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)
_MODIFIED_LABEL = _label_finder(r"(?<![\w-])", _MODIFIED_WORDS, _OTHER_MODIFIED_WORDS)
# ... or a line of its own before the date's line ('Veröffentlicht am' / '28.01.2022 06:00')
_PUBLISHED_LINE = _label_finder(r"^\W*", _PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)
_MODIFIED_LINE = _label_finder(r"^\W*", _MODIFIED_WORDS, _OTHER_MODIFIED_WORDS)
# further down the page only an explicit label counts ('Erschienen am: 01.11.2023' under the text; a bare
# 'Datum:' there is as often an event's date)
_EXPLICIT_PUBLISHED_LABEL = _label_finder(r"(?<![\w-])", _EXPLICIT_PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)
_EXPLICIT_PUBLISHED_LINE = _label_finder(r"^\W*", _EXPLICIT_PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)


_META_PUBLISHED_KEYS = ("article:published_time", "og:article:published_time", "og:published_time",
                        "datepublished", "article.published", "published_time", "publish-date", "publishdate",
                        "publish_date", "pubdate", "dc.date.issued", "dcterms.issued", "dc.date.created",
                        "dcterms.created", "citation_publication_date", "citation_date", "sailthru.date",
                        "parsely-pub-date", "date", "dc.date", "dcterms.date", "datecreated", "created",
                        "date.created", "article:published", "release_date", "originalpublicationdate")
_META_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                       "dc.date.modified", "dcterms.modified", "article.updated", "last-modified", "lastmod",
                       "modified_time", "article:modified", "dateupdate", "updated_time")

@dataclass(slots=True)
class _DateEvidence:
    kind: str
    raw: str
    at: datetime          # UTC
    day: date             # the day as the page states it (its own time zone)
    pos: int = -1         # where it stands in the page (visible evidence), else -1
    has_time: bool = False


# published-time evidence, strongest first (docs/metadata.md)
_PUBLISHED_ORDER = ("jsonld", "meta", "markup_published", "date_line_published", "meta_date", "url", "markup_date",
                    "time_element", "date_line", "labelled_line", "date_line_below")
_PUBLISHED_RANK = {kind: i for i, kind in enumerate(_PUBLISHED_ORDER)}  # a kind's place, by one lookup
_GENERIC_DATE_KEYS = frozenset(("date", "dc.date", "dcterms.date", "created", "date.created", "datecreated"))
_CLOCK = re.compile(r"\d:\d\d")
_LOCAL_MIDNIGHT = re.compile(r"\d{4}-\d\d-\d\d[T ]00:00(?::00(?:\.0+)?)?\s*[+-](?!00:?00)\d\d:?\d\d$")
DATE_LINE_CHARS = 140        # a date line: short ...
DATE_LINE_OTHER_WORDS = 9    # ... and little else than the date ('Published by Jane Doe on ...')
BLOCK_LINE_POS = 1 << 40  # the place given to the n-th block's date line: beyond any page position
AGREEMENT_KINDS = 2  # a day stated by this many kinds of evidence outvotes a day stated by one
# decimal digits of other scripts: `dates.OTHER_DIGIT` / `DIGIT_TABLE`, read there by the date-line rule too
# what may hold a year on such a page: those digits, or a Buddhist-era or Jalali year ('2566', '1401')
_OTHER_YEARS = re.compile(OTHER_DIGIT.pattern + r"|25\d\d|1[34]\d\d|[\u0e01-\u0e2e]\.\s?[\u0e01-\u0e2e]\.\s*\d\d")
# the pages whose lines are looked at for those digits (a search costs ~2 µs a line; a page of another script
# never holds them): their language writes them, or their title is of such a script
_OTHER_DIGIT_LANGUAGES = frozenset(("ar", "fa", "ur", "ps", "ckb", "hi", "mr", "ne", "bn", "as", "th", "zh", "ja", "ko"))
_OTHER_DIGIT_SCRIPT = re.compile(f"[\u0600-\u06ff\u0900-\u09ff\u0e00-\u0e7f{CJK}]")
# a clock after a Chinese, Japanese or Korean date, which `find_dates` reads only as '10:30' right after it: a
# weekday in brackets before it ('2023年1月5日(木) 10:30'), the hour and minute words ('10時30分', '3시 20분'),
# the morning / afternoon words before it ('오후 3:20', '午後3時', '下午3:20')
_EAST_ASIAN_CLOCK = re.compile(
    r"\.?\s*(?:[(（][^)）]{1,4}[)）]\s*)?(?:(?P<ap>오전|오후|午前|午後|上午|下午)\s*)?"
    r"(?P<h>[012]?\d)\s*(?:[:時时시])\s*(?:(?P<mi>[0-5]\d)\s*[分분]?)?")
_AFTERNOON = frozenset(("오후", "午後", "下午"))


def _find_dates(text: str, day_first: bool, limit: int, short_years: bool = False,
                other_digits: bool = False) -> list[TextDate]:
    """`find_dates` for the metadata's date lines and values, which also reads the clock forms of Chinese,
    Japanese and Korean date lines and, with `other_digits` (the page's language or script writes them), the
    digits of other scripts (the page's own wording kept as `raw`)."""
    if text.isascii():
        return find_dates(text, day_first, limit=limit, short_years=short_years)
    scan = text.translate(DIGIT_TABLE) if other_digits and OTHER_DIGIT.search(text) else text
    found = find_dates(scan, day_first, limit=limit, short_years=short_years)
    if other_digits and _OTHER_CALENDAR_HINT.search(scan):
        found = _with_other_calendars(scan, found, limit)
    if scan is not text:
        found = [d._replace(raw=text[d.start:d.end].strip()) for d in found]
    return [d if d.has_time else _with_east_asian_clock(text, scan, d) for d in found]


# Thai dates count years in the Buddhist era (543 years ahead: '5 มกราคม 2566', '5 ม.ค. 66' are 5 January 2023),
# Iranian and Afghan sites in the solar hijri (Jalali) calendar ('15 دی 1401' is 5 January 2023): read on the pages
# whose language or title is of such a script (`other_digits`), where the months name their calendar
_THAI_MONTHS = (("มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม "
                 "กันยายน ตุลาคม พฤศจิกายน ธันวาคม").split(),
                "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split())
_JALALI_MONTHS = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
_OTHER_CALENDAR_MONTH = {name: i % 12 + 1 for i, name in enumerate(_THAI_MONTHS[0] + _THAI_MONTHS[1])}
_OTHER_CALENDAR_MONTH.update({name: i + 1 for i, name in enumerate(_JALALI_MONTHS)})
_THAI_DATE = re.compile(
    r"(?P<d>[0-3]?\d)\s*(?P<mon>" + "|".join(re.escape(m) for m in _THAI_MONTHS[0] + _THAI_MONTHS[1]) +
    r")\s*(?:(?:พ\.\s?ศ\.|ค\.\s?ศ\.)\s*)?(?P<y>\d{4}|\d\d)(?!\d)"
    r"(?:\s*(?:เวลา\s*)?(?P<h>[012]?\d)[:.](?P<mi>[0-5]\d)(?:\s*น\.)?)?")
_JALALI_DATE = re.compile(r"(?<!\d)(?P<d>[0-3]?\d)\s+(?P<mon>" + "|".join(_JALALI_MONTHS) +
                          r")(?:\s*ماه)?\s+(?P<y>1[34]\d\d)(?!\d)")
_OTHER_CALENDAR_HINT = re.compile("[\u0e01-\u0e2e]|" + "|".join(_JALALI_MONTHS))
_JALALI_EPOCH = (1403, date(2024, 3, 20))  # 1 Farvardin 1403 (Nowruz)
_JALALI_LEAP = frozenset((1, 5, 9, 13, 17, 22, 26, 30))  # a year's place in the 33-year cycle


def jalali_to_gregorian(year: int, month: int, day: int) -> date | None:
    """The Gregorian day of a solar hijri one (months 1-6 of 31 days, 7-11 of 30, Esfand 29, 30 in a leap year,
    leap years by the 33-year cycle, counted from a known Nowruz); None when no such day is."""
    if not (1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)) or (
            month == 12 and day == 30 and year % 33 not in _JALALI_LEAP):
        return None
    epoch_year, epoch = _JALALI_EPOCH
    step = 1 if year >= epoch_year else -1
    days = sum(step * (366 if y % 33 in _JALALI_LEAP else 365)
               for y in (range(epoch_year, year) if step == 1 else range(year, epoch_year)))
    days += (month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30
    return date.fromordinal(epoch.toordinal() + days + day - 1)


def _with_other_calendars(text: str, found: list[TextDate], limit: int) -> list[TextDate]:
    """`found` with the Thai Buddhist-era and Jalali dates of the text (in text order, none overlapping one)."""
    extra: list[TextDate] = []
    for rx in (_THAI_DATE, _JALALI_DATE):
        for m in rx.finditer(text):
            month, year, day_n = _OTHER_CALENDAR_MONTH[m["mon"]], int(m["y"]), int(m["d"])
            if rx is _JALALI_DATE:
                day = jalali_to_gregorian(year, month, day_n)
            else:
                year = year + 2500 - 543 if year < 100 else year - 543 if year > 2400 else year
                try:
                    day = date(year, month, day_n)
                except ValueError:
                    day = None
            if day is None or not 1990 <= day.year <= 2100:
                continue
            timed = rx is _THAI_DATE and m["h"] is not None and int(m["h"]) <= 23
            at = datetime(day.year, day.month, day.day, int(m["h"]) if timed else 0, int(m["mi"]) if timed else 0,
                          tzinfo=timezone.utc)
            if not any(d.start < m.end() and m.start() < d.end for d in found + extra):
                extra.append(TextDate(at, m[0].strip(), timed, m.start(), m.end(), day))
    return sorted(found + extra, key=lambda d: d.start)[:limit] if extra else found


def _with_east_asian_clock(text: str, scan: str, d: TextDate) -> TextDate:
    clock = _EAST_ASIAN_CLOCK.match(scan, d.end)
    # (a bare number after a date is no clock: an hour needs its word, a colon or a morning / afternoon word)
    if clock is None or (clock["mi"] is None and clock["ap"] is None and "時" not in clock[0]
                         and "时" not in clock[0] and "시" not in clock[0]):
        return d
    hour, minute = int(clock["h"]), int(clock["mi"] or 0)
    if clock["ap"] is not None and hour <= 12:
        hour = hour % 12 + (12 if clock["ap"] in _AFTERNOON else 0)
    if hour > 23:
        return d
    at = d.at.replace(hour=hour, minute=minute)
    return TextDate(at, text[d.start:clock.end()].strip(), True, d.start, clock.end(), d.day)


LABELLED_TIME_CHARS = 160
_LABELLED_TIME = re.compile(
    r"(?:(?:title|aria-label)\s*=\s*[\"']|>\s*)(?:published|veröffentlicht|publié|publicado|pubblicato|gepubliceerd)"
    r"(?:\s+(?:on|am|le|el|il|em|op))?\s*:?\s*[\"']?\s*(?:/?>\s*)?(?:<[^<>]*>\s*)*$", re.I)
DATE_BLOCKS = 12  # the first main-content blocks read for any date line
LABELLED_LINE_BLOCKS = 200  # the blocks after them read for a labelled one


def _evidence(kind: str, raw: object, day_first: bool, pos: int = -1, other_digits: bool = False
              ) -> _DateEvidence | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    raw = raw.strip()
    at = parse_published(raw)
    if at is not None:
        try:
            day = date.fromisoformat(raw[:10])
        except ValueError:
            day = at.date()
        if "00:00" in raw and _LOCAL_MIDNIGHT.match(raw):
            # a date-only value that the site's software wrote at its zone's midnight ('2022-01-28T00:00:00+01:00'):
            # the day it names, with no time of day (in UTC it would be the evening before, a day the page never
            # states); a time stated elsewhere for that day is still taken (below)
            return _DateEvidence(kind, raw, datetime(day.year, day.month, day.day, tzinfo=timezone.utc), day, pos,
                                 False)
        return _DateEvidence(kind, raw, at, day, pos, _CLOCK.search(raw) is not None)
    # an element that its markup calls a date may write the year short ('28.01.22')
    found = _find_dates(raw, day_first, limit=1, short_years=kind.startswith("markup"), other_digits=other_digits)
    if not found:
        return None
    return _DateEvidence(kind, raw, found[0].at, found[0].day, pos, found[0].has_time)


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
    published: list[_DateEvidence] = []
    modified: list[_DateEvidence] = []

    def add(target: list, kind: str, raw: object, pos: int = -1) -> None:
        ev = _evidence(kind, raw, day_first, pos, other_digits)
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
        read_headline_region(html, head.end, body)
    # <time> anywhere: its role from its attributes (pubdate, itemprop, class), else where it stands
    for pos, attrs, raw in body.times:
        role = " ".join((attrs.get("class", ""), attrs.get("itemprop", ""), attrs.get("id", ""))).lower()
        if "pubdate" in attrs or PUBLISHED_TIME_ROLE.search(role):
            add(published, "markup_published", raw, pos)
        elif MODIFIED_ROLE.search(role):
            add(modified, "markup_modified", raw, pos)
        elif anchor is not None and anchor[0] - WINDOW_BEFORE <= pos <= anchor[1] + WINDOW_AFTER:
            add(published, "time_element", raw, pos)
    time_positions = {pos for pos, _attrs, _raw in body.times}
    for mark in () if settled else body.date_marks:
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
    for pos, line in lines:
        if not line:
            previous = ""
            continue
        # only the line's opening is read for dates (a block may be a long paragraph: not scanned whole)
        opening = line[:DATE_LINE_CHARS]
        found = _find_dates(opening, day_first, limit=2, other_digits=other_digits) if (
            "20" in opening or "19" in opening or (other_digits and _OTHER_YEARS.search(opening))) else []
        if not found and opening[:1] in _POST_HEADER_OPENINGS:
            found = _post_header_date(opening, day_first)
        if found and is_post_header(opening):
            found = []  # an embedded post's 'A post shared by Jane Doe (@jdoe) on Feb 20, 2017' without its markup
        for d in found:
            before = line[:d.start]
            # (the words before the date counted first: the words of the whole line only when there are several)
            if in_sentence(before, line[d.end:]):
                continue  # a date inside a sentence or a headline, not a date line (one may open a paragraph)
            ev = _DateEvidence("date_line", opening, d.at, d.day, pos, d.has_time)
            if _MODIFIED_LABEL(before) if before.strip() else _MODIFIED_LINE(previous):
                ev.kind = "date_line_updated"
                modified.append(ev)
                continue
            if _PUBLISHED_LABEL(before) if before.strip() else _PUBLISHED_LINE(previous):
                ev.kind = "date_line_published"
            published.append(ev)
        previous = line
    from_url = url_date(url)
    if from_url is not None:
        published.append(_DateEvidence("url", url or "", from_url, from_url.date()))
    if not published:
        # nothing states the publication near the headline: a labelled line further down the main content
        # ('Erschienen am: 01.11.2023' and 'Aktualisiert am 17.01.2021.' under the text)
        _labelled_lines(blocks[DATE_BLOCKS:DATE_BLOCKS + LABELLED_LINE_BLOCKS], day_first, published, modified,
                        other_digits)
    if html and anchor is not None and not published and not modified:
        # nothing states a day anywhere read so far: the first date line further below the headline ('von
        # Marianne1 / am 20.09.2020' in a profile box 4,500 characters down, a 'Letzte Änderung:' field)
        start, stop = anchor[1] + WINDOW_AFTER, min(len(html), anchor[1] + BELOW_WINDOW_AFTER)
        _date_line_below(_year_lines(html, start, stop, other_digits), day_first, published, modified, other_digits)
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
    published_at = _in_page_zone(chosen, head, ld)
    return StatedTime(published_at, chosen.raw, chosen.kind + (f":{reason}" if reason else "")), \
        _update_time(chosen, published_at, modified, head, ld)


def _update_time(published: _DateEvidence, published_at: datetime, modified: list[_DateEvidence], head: Head,
                 ld: JsonLd) -> StatedTime | None:
    """The strongest update evidence not before the published time at the coarser of their precisions (round 20):
    'Updated: 04 Sep 2023 16:17 UTC' names the minute of a 16:17:54 publication, so it is that time, its raw kept; one
    truly before (a footer's 'Privacy Policy - UPDATED 10/18/2011') updates no version of this page: the next."""
    for e in sorted(modified, key=lambda e: _MODIFIED_RANK[e.kind]):
        at = _in_page_zone(e, head, ld)
        if at >= published_at:
            return StatedTime(at, e.raw, e.kind)
        if same_time_at_coarser_precision(e.raw, at, published.raw, published_at) if e.has_time and published.has_time \
                else e.day == published.day:
            return StatedTime(published_at, e.raw, e.kind + ":published_within_its_precision")
    return None


# a time of day written without a zone ('2022-05-10T23:35:55'), and one written with it ('2022-05-11T04:10:00-03:00')
_ZONELESS_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d?:\d\d(?::\d\d(?:[.,]\d+)?)?")
_ZONED_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d?:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:([+-])(\d\d):?(\d\d)|Z|z)")


def _in_page_zone(e: _DateEvidence, head: Head, ld: JsonLd) -> datetime:
    """The UTC time of evidence whose metadata value states a time of day without a zone: read in the zone that every
    other time the page's metadata (its meta tags, the JSON-LD article and page) states with a zone is written in,
    when that is one zone (the site's software writes its local time: '2022-05-10T23:35:55' beside
    'publishtime' '2022-05-11T04:10:00-03:00' is 02:35 UTC on 11 May); else, or where another value states the same
    minute in UTC ('2022-05-10T23:35:55' beside '2022-05-10T20:35:55-03:00'), as UTC, as before."""
    if e.kind not in _STATED_KINDS or not e.has_time or _ZONELESS_TIME.fullmatch(e.raw) is None:
        return e.at
    values = [v for vs in head.meta.values() for v in vs]
    for obj in (ld.article, ld.page):
        if obj is not None:
            values += [v for v in map(first_str, (obj.get(k) for k in _JSONLD_TIME_KEYS)) if v]
    offsets = set()
    minute = e.at.replace(second=0, microsecond=0)
    for value in values:
        m = _ZONED_TIME.fullmatch(value.strip())
        if m is not None:
            offsets.add(0 if m[1] is None else (1 if m[1] == "+" else -1) * (int(m[2]) * 60 + int(m[3])))
            at = parse_published(value)
            if at is not None and at.replace(second=0, microsecond=0) == minute:
                return e.at  # the same time stated in UTC elsewhere: the zoneless value is UTC
    if len(offsets) != 1:
        return e.at
    return e.at - timedelta(minutes=offsets.pop())


_JSONLD_TIME_KEYS = ("datePublished", "dateCreated", "dateModified", "uploadDate")


# a forum post's header, the poster and the post's date with its year short ('von lupa am 26/10/13, 03:48 pm', 'by
# jdoe on 10/26/13'): the byline's frame says the number is a date (elsewhere '12.10.20' is as often a version)
_POST_HEADER = re.compile(r"(?:von|by|par|por|door|av)\s+\S[^\n]{0,40}?\s(?:am|on|le|el|op|em)\s+"
                          r"(\d{1,2})([./])(\d{1,2})\2(\d\d)(?![\d./])", re.I)
_POST_HEADER_OPENINGS = frozenset("vVbBpPdDaA")


def _post_header_date(line: str, day_first: bool) -> list[TextDate]:
    m = _POST_HEADER.match(line)
    if m is None:
        return []
    a, b = int(m[1]), int(m[3])
    day, month = (a, b) if (a > 12 or (day_first and b <= 12)) else (b, a)
    # (read as 'dd.mm.yy', with the clock after it: 'dd.mm.yy, 03:48 pm')
    found = find_dates(f"{day:02d}.{month:02d}.{m[4]}{line[m.end():]}", True, limit=1, short_years=True)
    if not found or found[0].start != 0:
        return []
    d = found[0]
    shift = m.start(1)
    return [d._replace(start=d.start + shift, end=d.end + shift, raw=line[m.start(1):d.end + shift])]


_MODIFIED_ORDER = ("jsonld", "meta", "markup_modified", "date_line_updated", "labelled_line_updated",
                   "date_line_below_updated")
_MODIFIED_RANK = {kind: i for i, kind in enumerate(_MODIFIED_ORDER)}


_SPACELESS_SENTENCE_MARKS = SPACELESS_COMMAS + ("。", "！", "？", "；")


def in_sentence(before: str, after: str) -> bool:
    """Is a date with these words before and after it on its line part of a sentence or a headline, not a date
    line? Over two words before it and over DATE_LINE_OTHER_WORDS around it, counted in word-equivalents where the
    line is written without spaces ('据新华社报道，2023年1月5日，国务院总理...' is a sentence, not one word); such
    a line is a sentence only with a comma or a full stop of its script (a line of labelled fields,
    '发稿时间：2017-03-10 08:42:00 来源： 人民日报海外版 中国青年网', has none)."""
    if word_count(before) <= 2:
        return False
    around = before + after
    found = spaceless_words(around)
    if found is None:
        return len(around.split()) > DATE_LINE_OTHER_WORDS
    return found > DATE_LINE_OTHER_WORDS and any(c in around for c in _SPACELESS_SENTENCE_MARKS)


# (the word 'comment' stands in the value of a tag's id or class attribute, which this reaches up to its end)
_IN_ID_OR_CLASS = re.compile(rb"""\s(?:id|class)\s*=\s*["']?[^"'<>=]*\Z""")


# a count of the comments or a link to them, by the headline ('kb-tip-performance-comment-icon', 'comments-link',
# 'comment-count'), is no comment section (round 16)
_COMMENT_COUNTER = re.compile(rb"[-_](?:icon|count|counter|number|num|link|links|button|btn|bubble)\b")


def _is_word_byte(b: bytes) -> bool:
    return b.isalnum() or b == b"_"


def comments_start(html: str, begin: int, stop: int) -> int:
    """Where a comment section opens in html[begin:stop]: the first tag whose id or class holds the word
    'comment(s)' ('comment-47467', 'comments', 'commentlist', 'comment-list'); `stop` when none does. The word is
    found in a latin-1 lower-cased copy ('?' for any other character: positions kept, as `_date_marks` does), not by
    a pattern that tries every tag (~18 µs for 1,000 characters)."""
    low = html[begin:stop].encode("latin-1", "replace").lower()
    hit = low.find(b"comment")
    while hit >= 0:
        lt = low.rfind(b"<", 0, hit)
        after = hit + 7
        if low.startswith(b"s", after):
            after += 1
        elif low.startswith(b"list", after):
            after += 4
        word = not _is_word_byte(low[hit - 1:hit]) and not _is_word_byte(low[after:after + 1])
        if word and lt >= 0 and low.find(b">", lt, hit) < 0 and _IN_ID_OR_CLASS.search(low, lt, hit) is not None \
                and _COMMENT_COUNTER.match(low, after) is None:
            return begin + lt
        hit = low.find(b"comment", hit + 7)
    return stop


BELOW_WINDOW_AFTER = 15000  # how far below the headline a date line is looked for when nothing nearer states one
# a year not inside a URL's path ('/2012/10/'): a piece of markup without one holds no date line to read
# (opening with the digits it consumes, the look-behind after them: `re` skips to a '1' or '2' instead of trying the
# look-behind at every character, 7x faster)
_YEAR_LIKE = re.compile(r"(?:19|20)(?<![/\d]\d\d)\d\d(?![/\d])")


def _year_lines(html: str, start: int, stop: int, other_digits: bool) -> Iterator[tuple[str, str]]:
    """(the line before, the line) for each visible line of html[start:stop] that holds a year, in page order, up
    to a comment section (their dates are the comments'). Read around each year found outside a tag and a script
    (a few tags back, for the line before), not line by line over the whole region: most of it holds no date.
    With `other_digits` (years in other digits or calendars) every visible line is read."""
    stop = comments_start(html, start, stop)
    if other_digits:
        previous = ""
        for line in lines_below(html, start, stop):
            yield previous, line
            previous = line
        return
    done = start
    for pos in _year_starts(html, start, stop):
        if pos < done:
            continue  # in the line just read
        gt = html.rfind(">", start, pos)
        if gt < 0 or html.rfind("<", gt, pos) >= 0:  # inside a tag: on after it
            close = html.find(">", pos, stop)
            done = stop if close < 0 else close + 1
            continue
        if html.startswith(("<script", "<style", "<SCRIPT", "<STYLE"), html.rfind("<", start, gt)):
            close = html.find("</", pos, stop)  # on after the script (each year in it would look back to its start)
            done = stop if close < 0 else close
            continue
        end = html.find("<", pos, stop)
        end = stop if end < 0 else end
        newline = html.find("\n", pos, end)  # (a text node's lines are lines: up to the end of the year's one)
        done = end if newline < 0 else newline
        back = gt
        for _ in range(LINE_BEFORE_TAGS):
            found = html.rfind(">", start, back)
            if found < 0:
                break
            back = found
        lines = lines_below(html, back + 1, done)
        if lines:
            yield (lines[-2] if len(lines) > 1 else ""), lines[-1]


LINE_BEFORE_TAGS = 6  # how many tags back from a year's line the line before it is looked for


def _year_starts(html: str, start: int, stop: int) -> Iterator[int]:
    """Where `_YEAR_LIKE.finditer(html, start, stop)` finds a year, in order, at half its cost: each '19' and '20'
    found by `str.find` (the pattern has no literal to skip to: `re` tries it at every '1' and '2') and the pattern
    tried there. Its matches cannot overlap (a year is four digits and follows no digit), so every place where it
    matches is one `finditer` yields."""
    match, find = _YEAR_LIKE.match, html.find
    nineteen, twenty = find("19", start, stop), find("20", start, stop)
    while nineteen >= 0 or twenty >= 0:
        if twenty < 0 or 0 <= nineteen < twenty:
            pos, nineteen = nineteen, find("19", nineteen + 1, stop)
        else:
            pos, twenty = twenty, find("20", twenty + 1, stop)
        if match(html, pos, stop) is not None:
            yield pos


def _date_line_below(lines: Iterable[tuple[str, str]], day_first: bool, published: list[_DateEvidence],
                     modified: list[_DateEvidence], other_digits: bool = False) -> None:
    """The first date line of `lines` ((the line before, the line)), not inside a sentence, an update when labelled
    so on its line or the line before (kinds `date_line_below`, `date_line_below_updated`)."""
    for i, (previous, line) in enumerate(lines):
        if previous.endswith(("says:", "Says:", "sagt:", "dit :")):
            return  # 'Jane Doe / says: / October 10, 2012 at 2:28 am': the comments have begun
        if len(line) <= DATE_LINE_CHARS and ("20" in line or "19" in line or (
                other_digits and _OTHER_YEARS.search(line))):
            for d in _find_dates(line, day_first, limit=1, other_digits=other_digits):
                before = line[:d.start]
                if in_sentence(before, line[d.end:]) or is_post_header(before):
                    continue
                ev = _DateEvidence("date_line_below", line, d.at, d.day, BLOCK_LINE_POS + i, d.has_time)
                if _MODIFIED_LABEL(before) if before.strip() else _MODIFIED_LINE(previous):
                    ev.kind = "date_line_below_updated"
                    modified.append(ev)
                else:
                    published.append(ev)
                return


def _labelled_lines(blocks: list[str], day_first: bool, published: list[_DateEvidence],
                    modified: list[_DateEvidence], other_digits: bool = False) -> None:
    """Date lines with an explicit publication or update label on their line or the line before, among
    `blocks` (kinds `labelled_line`, `labelled_line_updated`; placed after every other line)."""
    previous = ""
    for i, line in enumerate(blocks):
        if len(line) <= DATE_LINE_CHARS and ("20" in line or "19" in line or (
                other_digits and _OTHER_YEARS.search(line))):
            for d in _find_dates(line, day_first, limit=1, other_digits=other_digits):
                before = line[:d.start]
                if word_count(before + line[d.end:]) > DATE_LINE_OTHER_WORDS:
                    continue
                ev = _DateEvidence("labelled_line", line, d.at, d.day, BLOCK_LINE_POS + DATE_BLOCKS + i, d.has_time)
                if _MODIFIED_LABEL(before) if before.strip() else _MODIFIED_LINE(previous):
                    ev.kind = "labelled_line_updated"
                    modified.append(ev)
                elif _EXPLICIT_PUBLISHED_LABEL(before) if before.strip() else \
                        _EXPLICIT_PUBLISHED_LINE(previous):
                    published.append(ev)
        previous = line


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


def _settled(published: list[_DateEvidence], modified: list[_DateEvidence]) -> bool:
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


def _choose_published(published: list[_DateEvidence], modified: list[_DateEvidence],
                      anchor: tuple[int, int] | None) -> tuple[_DateEvidence | None, str | None]:
    """The published time by the order of evidence, overruled only with a reason: several kinds of
    evidence agreeing on another day ('agreement'), or the chosen day being the page's stated update
    while it states another published day ('metadata_is_update')."""
    if not published:
        return None, None

    def rank(e: _DateEvidence) -> tuple[int, int]:
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


def _local_day(chosen: _DateEvidence, published: list[_DateEvidence]) -> date | None:
    """The day an exact instant of the metadata (a time with its zone, '2019-11-20T01:50:59.403Z') falls on in the
    page's own zone, as a time the page shows without a zone gives it: the same minute a whole or half number of
    hours away, within ZONE_HOURS ('Nov. 19, 2019 5:50 PM' beside it: Pacific time, 19 November), that shown time's
    day. The days the page shows then name that instant in its zone and agree with it rather than outvote it (round
    14b). None when no shown time does."""
    if chosen.kind not in _STATED_KINDS or not chosen.has_time or _ZONED_TIME.fullmatch(chosen.raw) is None:
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


def _is_shown(e: _DateEvidence) -> bool:
    """Evidence the reader sees beside the headline: a date line, or a dated element's own text (not a
    machine-readable attribute value such as '2023-11-06T18:19+01:00', nor JSON text shown as a line)."""
    return e.kind in _SHOWN_KINDS and e.pos >= 0 and _ISO_DATE.match(e.raw) is None and '"' not in e.raw


def _shown_date(ordered: list[_DateEvidence], modified: list[_DateEvidence],
                anchor: tuple[int, int] | None) -> _DateEvidence | None:
    """The date the page shows nearest its headline, unless the page labels that day as an update."""
    updated_days = {e.day for e in modified if e.kind in ("date_line_updated", "labelled_line_updated")}

    def distance(e: _DateEvidence) -> int:
        if e.pos >= BLOCK_LINE_POS or anchor is None:
            return e.pos
        return anchor[0] - e.pos if e.pos < anchor[0] else max(0, e.pos - anchor[1])

    shown = [e for e in ordered if _is_shown(e) and e.day not in updated_days and not _MODIFIED_LABEL(e.raw[:40])]
    return min(shown, key=distance) if shown else None
