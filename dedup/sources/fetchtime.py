"""fetchtime: when a record was fetched, as its file gives it (a WARC-Date, a JSONL or Parquet `fetched_at`).

`parse_timestamp` reads ISO 8601, WARC 14-digit dates, days and epoch numbers; `fetch_time` keeps the times a page
can have been fetched at and counts the others (run.json's `unknown_fetch_times`).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

_NO_TIME = timedelta(0)


def without_leap_second(text: str) -> tuple[str, timedelta]:
    """An ISO 8601 time of a leap second ('2016-12-31T23:59:60Z', what UTC inserts; a WARC date `...235960`) as its
    :59 and the second to add: it is the next minute's first instant, which no datetime can be written as. Other
    text as it is and no time. Until round 18 of the hostile inputs such a value was refused (a fetch time unknown,
    and the date line reader took the published time's minute without its zone); `dates.parse_published` reads
    it too."""
    if text[16:19] == ":60" and text[13:14] == ":":
        return f"{text[:17]}59{text[19:]}", timedelta(seconds=1)
    if len(text) == 14 and text.endswith("60") and text.isdigit():
        return f"{text[:12]}59", timedelta(seconds=1)
    return text, _NO_TIME


def parse_timestamp(value: object) -> datetime | None:
    """ISO 8601 (with Z or an offset) or WARC 14-digit dates -> aware UTC datetime; junk -> None.

    A date without a time (a Parquet date32/date64 value) is its midnight UTC; a number is an epoch time
    whose unit its magnitude tells (`_epoch`), except an integer of 14 digits that reads as a WARC date.

    A date that cannot be a UTC time (`9999-12-31T23:59:59-01:00` is in the year 10000) is junk
    too: the record keeps its other fields, its date is unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):   # a day (a Parquet date32/date64 column): its midnight, UTC
        dt = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    elif isinstance(value, (int, float)) and not _warc_digits(value):
        return _epoch(value)
    elif isinstance(value, (str, int)):
        text = str(value).strip()
        if not text or len(text) > 64:
            return None
        read, leap = without_leap_second(text)   # (a leap second: the next minute's :00)
        try:
            if len(read) == 14 and read.isdigit():
                dt = datetime.strptime(read, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc) + leap
            else:
                dt = datetime.fromisoformat(read.replace("Z", "+00:00").replace("z", "+00:00")) + leap
        except (ValueError, OverflowError):
            # a number written as a string ("1700000000", "1700000000.5": a writer that quoted it) is the
            # epoch time that number is; 8 and 14 digits are dates (20240102, 20240102030405) when they read as one
            if _EPOCH_DIGITS.fullmatch(text):
                return _epoch(float(text) if "." in text else int(text))
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


# an epoch number's unit by its magnitude (see `_epoch`): the first bound above it
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_DIGITS = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,9})?")
# when a page can have been fetched: from before the first web server (1990) to 2100. A time outside is a
# placeholder (epoch 0, `0001-01-01`), a broken clock or a misread unit, never a fetch: it is unknown
FETCH_TIMES = (datetime(1990, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))


def fetch_time(value: object, stats: Counter) -> datetime | None:
    """A record's fetch time (`fetched_at`, a WARC-Date) -> UTC, or None when it is absent, unreadable or
    no time a page can have been fetched at (`FETCH_TIMES`). A value given that ends as None is counted in
    `stats` (`fetched_at.unreadable`, `fetched_at.out_of_range`: run.json's `unknown_fetch_times`), so that
    such dates are never dropped in silence; the record is kept either way."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    dt = parse_timestamp(value)
    if dt is None:
        # a number that is no epoch time it can read (negative, beyond nanoseconds since 1970) is out of range
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
        stats["fetched_at.out_of_range" if number else "fetched_at.unreadable"] += 1
    elif not FETCH_TIMES[0] <= dt < FETCH_TIMES[1]:
        stats["fetched_at.out_of_range"] += 1
        return None
    return dt


_EPOCH_UNITS = ((10**11, 1), (10**14, 10**3), (10**17, 10**6), (10**20, 10**9))


def _warc_digits(value: int | float) -> bool:
    """An integer of 14 digits that reads as a WARC date (YYYYMMDDhhmmss: a CDX `timestamp` column)."""
    if not isinstance(value, int) or not 10**13 <= value < 10**14:
        return False
    try:
        datetime.strptime(without_leap_second(str(value))[0], "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def _epoch(value: int | float) -> datetime | None:
    """A number of seconds, milliseconds, microseconds or nanoseconds since 1970-01-01 UTC, its unit told by its
    magnitude: below 10^11 seconds (to the year 5138), then milliseconds below 10^14, microseconds below 10^17,
    nanoseconds below 10^20 (each range starts in March 1973). Negative numbers, NaN and larger ones -> None."""
    if value != value or value < 0:
        return None
    for bound, per_second in _EPOCH_UNITS:
        if value < bound:
            try:
                return EPOCH + timedelta(seconds=value / per_second if isinstance(value, float) else 0,
                                         microseconds=0 if isinstance(value, float) else
                                         value * 10**6 // per_second)
            except OverflowError:
                return None
    return None
