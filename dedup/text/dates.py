"""Dates: ISO timestamps from markup, visible date lines ('Saturday, 16 September 2023 05:58 PM EDT')."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from dedup.text.normalise import normalise_text


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


_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec")
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun"
_TIME_WORDS = ("am pm a m p m utc gmt est edt cst cdt mst mdt pst pdt bst cet cest ist jst aest aedt z t "
               "published updated posted last modified on at by date time first am pm hrs h st nd rd th of "
               "le la el de del am um uhr")
_DATE_VOCAB = frozenset((_MONTHS + " " + _WEEKDAYS + " " + _TIME_WORDS).split())

_YEAR = re.compile(r"^(19|20)\d\d$")
_DATE_ANCHORS = frozenset((_MONTHS + " " + _WEEKDAYS + " am pm").split())


DATE_LINE_MAX_CHARS = 100


def is_date_line(block: str, norm: str | None = None) -> bool:
    """A block that is only a date and/or time ('Saturday, 16 September 2023 05:58 PM EDT',
    'Published September 18, 2023', '2023-58-16'): page metadata, not story text. It needs a year,
    a month or weekday name, or am/pm, so a line of plain numbers (table data) is not one."""
    if len(block) > DATE_LINE_MAX_CHARS or not any(c.isdigit() for c in block):
        return False
    words = (norm if norm is not None else normalise_text(block)).split()
    if not words or len(words) > 14:
        return False
    if not all(w.isdigit() or w in _DATE_VOCAB for w in words):
        return False
    has_number = any(w.isdigit() for w in words)
    anchored = any(_YEAR.match(w) or w in _DATE_ANCHORS for w in words)
    return has_number and anchored
