"""dateevidence: one date the page states, read into evidence for `dedup.text.pagedates`.

Pure row logic: a metadata value or a visible line becomes a `DateEvidence` (its kind, its UTC time, the day as the
page states it, where it stands). `find_page_dates` is the metadata's own wrapper of `dedup.text.dates.find_dates`:
it also reads the digits of other scripts, the Thai Buddhist-era and the Jalali calendars and the clock forms of
Chinese, Japanese and Korean date lines (docs/metadata.md). Which evidence wins is `dedup.text.pagedates`'s rule;
which line is a date line, `dedup.text.pagedatelines`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from dedup.text.dates import DIGIT_TABLE, OTHER_DIGIT, TextDate, find_dates, parse_published


@dataclass(slots=True)
class DateEvidence:
    """One place the page states a date: its kind (`pagedates`' orders of evidence), the text as stated, the time
    in UTC, the day as the page states it and, for visible evidence, where it stands."""
    kind: str
    raw: str
    at: datetime          # UTC
    day: date             # the day as the page states it (its own time zone)
    pos: int = -1         # where it stands in the page (visible evidence), else -1
    has_time: bool = False


_CLOCK = re.compile(r"\d:\d\d")
_LOCAL_MIDNIGHT = re.compile(r"\d{4}-\d\d-\d\d[T ]00:00(?::00(?:\.0+)?)?\s*[+-](?!00:?00)\d\d:?\d\d$")


# decimal digits of other scripts: `dates.OTHER_DIGIT` / `DIGIT_TABLE`, read there by the date-line rule too
# what may hold a year on such a page: those digits, or a Buddhist-era or Jalali year ('2566', '1401')
OTHER_YEARS = re.compile(OTHER_DIGIT.pattern + r"|25\d\d|1[34]\d\d|[\u0e01-\u0e2e]\.\s?[\u0e01-\u0e2e]\.\s*\d\d")


# a clock after a Chinese, Japanese or Korean date, which `find_dates` reads only as '10:30' right after it: a
# weekday in brackets before it ('2023年1月5日(木) 10:30'), the hour and minute words ('10時30分', '3시 20분'),
# the morning / afternoon words before it ('오후 3:20', '午後3時', '下午3:20')
_EAST_ASIAN_CLOCK = re.compile(
    r"\.?\s*(?:[(（][^)）]{1,4}[)）]\s*)?(?:(?P<ap>오전|오후|午前|午後|上午|下午)\s*)?"
    r"(?P<h>[012]?\d)\s*(?:[:時时시])\s*(?:(?P<mi>[0-5]\d)\s*[分분]?)?")
_AFTERNOON = frozenset(("오후", "午後", "下午"))


def find_page_dates(text: str, day_first: bool, limit: int, short_years: bool = False,
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
    return [_with_half_day_after(text, scan, d) if d.has_time else _with_east_asian_clock(text, scan, d)
            for d in found]


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
    half_day, end = clock["ap"], clock.end()
    if half_day is None and (after := _HALF_DAY_AFTER.match(scan, end)) is not None:
        half_day, end = after["ap"], after.end()  # '(목) 03:10 오후', '3시 10분 오후' (review round 27)
    hour, minute = _in_half_day(int(clock["h"]), half_day), int(clock["mi"] or 0)
    if hour > 23:
        return d
    return TextDate(d.at.replace(hour=hour, minute=minute), text[d.start:end].strip(), True, d.start, end, d.day)


# the morning / afternoon word after a 12-hour clock ('2022.05.12 03:10 오후'), the clock's hour before it (and what
# follows that hour, where `find_dates` may have read an AM / PM already: '3:10 PM 오후' is no 03:10 PM + 12 h)
_HALF_DAY_AFTER = re.compile(r"\s*(?P<ap>오전|오후|午前|午後|上午|下午)")
_LAST_HOUR = re.compile(r"(?P<h>[012]?\d)(?::|\s*[時时시]\s*)[0-5]\d(?::[0-5]\d)?(?P<tail>\D*)$")
_MERIDIEM = re.compile(r"(?<![A-Za-z])[AaPp]\.?\s?[Mm](?![A-Za-z])")


def _in_half_day(hour: int, half_day: str | None) -> int:
    """The hour of the day of a 12-hour clock's `hour` in the half of the day a morning / afternoon word names ('3'
    오후 is 15, '12' 오전 0, '12' 오후 12, and '0' 오후 12: Japanese and Korean write noon 午後0時 / 오후 0시, as the
    rule before review round 27 read it; review round 28): the one place of that arithmetic; a 24-hour clock's hour
    (13-23) and an hour without such a word stay."""
    if half_day is None or not 0 <= hour <= 12:
        return hour
    return hour % 12 + (12 if half_day in _AFTERNOON else 0)


def _with_half_day_after(text: str, scan: str, d: TextDate) -> TextDate:
    """A date whose clock `find_dates` read and a morning / afternoon word follows: '03:10 오후' is 15:10 (round 29:
    read as 03:10), '12:30 오전' 00:30; a 24-hour clock (13:10) and one whose AM / PM was read keep their hour."""
    half = _HALF_DAY_AFTER.match(scan, d.end)
    if half is None:
        return d
    hour = _LAST_HOUR.search(scan, d.start, d.end)
    if hour is None or not 0 <= int(hour["h"]) <= 12 or _MERIDIEM.search(hour["tail"]):   # as `_in_half_day`
        return d
    shift = _in_half_day(int(hour["h"]), half["ap"]) - int(hour["h"])
    return TextDate(d.at + timedelta(hours=shift), text[d.start:half.end()].strip(), True, d.start, half.end(), d.day)


def date_evidence(kind: str, raw: object, day_first: bool, pos: int = -1, other_digits: bool = False
                  ) -> DateEvidence | None:
    """The evidence of kind `kind` a stated value holds: an ISO timestamp, else the first date `find_page_dates`
    reads in it; None when it states none."""
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
            return DateEvidence(kind, raw, datetime(day.year, day.month, day.day, tzinfo=timezone.utc), day, pos,
                                 False)
        return DateEvidence(kind, raw, at, day, pos, _CLOCK.search(raw) is not None)
    # an element that its markup calls a date may write the year short ('28.01.22')
    found = find_page_dates(raw, day_first, limit=1, short_years=kind.startswith("markup"), other_digits=other_digits)
    if not found:
        return None
    return DateEvidence(kind, raw, found[0].at, found[0].day, pos, found[0].has_time)
