"""Dates: ISO timestamps from markup, visible date lines ('Saturday, 16 September 2023 05:58 PM EDT')."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

from dedup.sources.fetchtime import without_leap_second
from dedup.text.normalise import normalise_text


_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_published(raw: str | None) -> datetime | None:
    """An ISO 8601 date/time from markup -> aware UTC datetime; impossible values -> None."""
    if not raw or not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # '2022-05-11T4:10:00' (a one-digit hour, as some sites' JSON-LD writes it) -> 'T04:10:00'
    if text[12:13] == ":" and text[10:11] in ("T", "t", " ") and text[11:12].isdigit():
        text = f"{text[:11]}0{text[11:]}"
    # '2024-05-02T09:15:00+0200' -> '+02:00'
    if text[-5:-4] in ("+", "-"):
        text = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", text)
    text, leap = without_leap_second(text)
    try:
        dt = datetime.fromisoformat(text) + leap
    except (ValueError, OverflowError):
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


_SECONDS = re.compile(r"\d:\d\d:\d\d([.,]\d)?")


def _precision_seconds(raw: str) -> int:
    """How finely a time of day is written: 60 to the minute ('16:17'), 1 to the second, 0 finer ('16:17:54.3')."""
    m = _SECONDS.search(raw)
    return 60 if m is None else 0 if m[1] else 1


def same_time_at_coarser_precision(a_raw: str, a_at: datetime, b_raw: str, b_at: datetime) -> bool:
    """Do two stated times of day (as written, and in UTC) name the same time at the coarser of their precisions?
    'Updated: 04 Sep 2023 16:17 UTC' and '2023-09-04T16:17:54Z' do: the first names that whole minute."""
    unit = max(_precision_seconds(a_raw), _precision_seconds(b_raw))
    return unit > 0 and a_at.timestamp() // unit == b_at.timestamp() // unit


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
        if month is None:
            return None
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
_ENGLISH_MONTHS = frozenset(_MONTHS.split())
# the weekday names, Monday first, of the languages whose dates are read with the weekday before them: the one
# list of them (`_WEEKDAY_INDEX`, the words of a date line, and `text/byline.py`'s weekday before a removed date)
WEEKDAY_NAMES = {
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "de": ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
}
_ENGLISH_SHORT_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS = " ".join(WEEKDAY_NAMES["en"] + _ENGLISH_SHORT_WEEKDAYS) + " tues thur thurs"
_OTHER_WEEKDAY_NAMES = [name for language, names in WEEKDAY_NAMES.items() if language != "en" for name in names]
_TIME_WORDS = ("am pm a m p m utc gmt est edt cst cdt mst mdt pst pdt bst cet cest ist jst aest aedt z t "
               "published updated posted last modified on at by date time first am pm hrs h st nd rd th of "
               "le la el de del am um uhr")
_DATE_VOCAB = frozenset((_MONTHS + " " + _WEEKDAYS + " " + _TIME_WORDS).split())

_YEAR = re.compile(r"^(19|20)\d\d$")
_DATE_ANCHORS = frozenset((_MONTHS + " " + _WEEKDAYS + " am pm").split())


DATE_LINE_MAX_CHARS = 100
# decimal digits of other scripts, one character for one (a date's place in its line is kept): Arabic-Indic,
# Persian, Devanagari, Bengali, Thai and full-width ('٣ أبريل ٢٠٢٢', '१२ जनवरी २०२२', '２０２３年１月５日'); read by
# `pagedates` for the metadata's dates and by `is_date_line`
DIGIT_TABLE = str.maketrans({chr(zero + i): str(i) for zero in (0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10)
                             for i in range(10)})
OTHER_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef\u0e50-\u0e59\uff10-\uff19]")
# scripts whose words hold vowel signs, viramas or vowel marks, where `normalise_text` (letters and digits only) cuts
# a word in pieces ('শনিবার' -> 'শন ব র'): the Indic scripts, and Arabic's harakat ('صباحاً')
_MARKED_SCRIPT = re.compile("[\u0900-\u0dff\u0610-\u061a\u064b-\u065f\u0670]")
_SCRIPT_WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0dff\u0610-\u061a\u064b-\u065f\u0670\u200c\u200d])+")


def _written_forms(word: str) -> tuple[str, str, str]:
    """A word as pages write it: as typed, its NFC form, and with Bengali 'য়' as one character (U+09DF, a
    composition exclusion that NFC writes as two, 'য' and the nukta; pages use either)."""
    nfc = unicodedata.normalize("NFC", word)
    return word, nfc, nfc.replace("\u09af\u09bc", "\u09df")


def _script_words(text: str) -> list[str]:
    """The words of a text of such a script, whole, in lower case."""
    return _SCRIPT_WORD.findall(text.lower())


def is_date_line(block: str, norm: str | None = None) -> bool:
    """A block that is only a date and/or time ('Saturday, 16 September 2023 05:58 PM EDT',
    'Published September 18, 2023', '2023-58-16'): page metadata, not story text. It needs a year,
    a month or weekday name, or am/pm, so a line of plain numbers (table data) is not one.
    In the other languages and scripts `find_dates` reads ('Dienstag, 4. Juni 2019, 15:54', '5 января 2023 г.',
    '2023年1月5日', 'Publié le 12 février 2021 à 10h30'), a line is one when a full date (day, month, year) stands
    in it and every word beside the dates and their clock times is a word of dates (`_WORLD_DATE_VOCAB`: weekdays,
    'veröffentlicht am', 'mis à jour le', 'Uhr'...) or a number."""
    if len(block) > DATE_LINE_MAX_CHARS or not any(map(str.isdigit, block)):  # (map: no generator frame)
        return False
    if not block.isascii() and OTHER_DIGIT.search(block) is not None:
        block, norm = block.translate(DIGIT_TABLE), None  # '২৯ আগস্ট ২০২০' read as '29 আগস্ট 2020'
    words = (norm if norm is not None else normalise_text(block)).split()
    if not words:
        return False
    if len(words) > 14 and (block.isascii() or _MARKED_SCRIPT.search(block) is None or len(_script_words(block)) > 14):
        return False
    if all(w.isdigit() or w in _DATE_VOCAB for w in words):
        has_number = any(w.isdigit() for w in words)
        return has_number and any(_YEAR.match(w) or w in _DATE_ANCHORS for w in words)
    if "20" not in block and "19" not in block:  # every date `find_dates` reads has a year
        return False
    # English words only (with '26th', '9:15AM' read as one word each): the rule above decides, as before; the
    # English date lines it leaves ('Posted July 26th, 2011', blog and comment stamps) are story text in
    # dragnet's gold (docs/extraction.md, round 14)
    if all(w in _DATE_VOCAB or _ENGLISH_NUMBER.fullmatch(w) for w in words):
        return False
    return _dated_line(block)


_ENGLISH_NUMBER = re.compile(r"\d+(?:st|nd|rd|th|am|pm|h|hrs)?")


# Words that stand beside a date on a line of its own, in the languages `find_dates` reads: weekdays (and their
# short forms; the full names of `WEEKDAY_NAMES` are added below), publication and update labels, 'at' / 'o'clock'
# words, the Russian year mark 'г' / 'года', Chinese and Japanese weekday and clock marks. Lower case, as
# `normalise_text` leaves them.
_WORLD_DATE_WORDS = """
sonnabend mo di mi do fr sa so
lun mar mer jeu ven sam dim
miercoles sabado
lunedi martedi mercoledi giovedi venerdi
segunda terça terca quarta quinta sexta feira
ma wo vr za zo
poniedziałek wtorek środa czwartek piątek sobota niedziela
понедельник вторник среда четверг пятница суббота воскресенье пн вт ср чт пт сб вс
pazartesi salı sali çarşamba carsamba perşembe persembe cuma cumartesi pazar
veröffentlicht veroeffentlicht aktualisiert erschienen erstellt geändert zuletzt stand datum zeit uhr um am vom
publié publie mis à jour le du dernière derniere mise modifié modifie h
publicado actualizado actualización actualizacion el a las del hs
pubblicato aggiornato aggiornamento alle il ore
atualizado atualização atualizacao em às as
gepubliceerd bijgewerkt geplaatst op om uur
opublikowano aktualizacja zaktualizowano dnia godz
опубликовано обновлено дата в г года
yayınlanma yayinlanma güncelleme guncelleme tarihi
понеділок вівторок середа четвер пʼятниця п'ятниця субота неділя опубліковано оновлено
सोमवार मंगलवार बुधवार गुरुवार बृहस्पतिवार शुक्रवार शनिवार रविवार प्रकाशित अपडेट अपडेटेड अद्यतन तारीख दिनांक
समय बजे पूर्वाह्न अपराह्न को
সোমবার মঙ্গলবার বুধবার বৃহস্পতিবার শুক্রবার শনিবার রবিবার প্রকাশিত প্রকাশ আপডেট সময় তারিখ পূর্বাহ্ণ
অপরাহ্ণ পূর্বাহ্ন অপরাহ্ন সকাল দুপুর বিকাল সন্ধ্যা রাত
الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت الأحد الاحد نشر في بتاريخ تاريخ النشر آخر تحديث
الساعة ص م صباحا صباحاً مساء مساءً يوم
"""
_WORLD_DATE_VOCAB = frozenset(form for word in _WORLD_DATE_WORDS.split() + _OTHER_WEEKDAY_NAMES
                              for form in _written_forms(word))
# the characters that may stand beside a Chinese, Japanese or Korean date: weekday, clock and label marks
_CJK_DATE_MARKS = frozenset("年月日时時分秒星期周週曜火水木金土午前后後更新发布發佈公開公开日期년월일시분요")


def _dated_line(block: str) -> bool:
    """A line holding a full date (`find_dates`) and, beside the dates and their clock times, only numbers,
    words of `_WORLD_DATE_VOCAB` or `_DATE_VOCAB`, and the marks of `_CJK_DATE_MARKS`."""
    found = find_dates(block, limit=3)
    if not found:
        return False
    rest, at = [], 0
    for d in found:
        rest.append(block[at:d.start])
        at = d.end
    rest.append(block[at:])
    rest_text = " ".join(rest)
    if all(map(_date_word, normalise_text(rest_text).split())):
        return True
    # the words of scripts with vowel signs read whole ('শনিবার', 'প্রকাশিত', 'صباحاً')
    return _MARKED_SCRIPT.search(rest_text) is not None and all(map(_date_word, _script_words(rest_text)))


def _date_word(word: str) -> bool:
    return (word.isdigit() or word in _WORLD_DATE_VOCAB or word in _DATE_VOCAB
            or all(c.isdigit() or c in _CJK_DATE_MARKS for c in word))


# --------------------------------------------------------------------------------------------------
# Dates in running text, in the languages of the web's larger news sites: 'November 22, 2011',
# 'Dienstag, 2. November 2021', '30 septembre 2018', '20.06.2019 11:43', '2022-01-21', '2016年5月3日'.

_LATIN_MONTHS = (
        "january jan januar jänner janvier janv enero ene gennaio gen januari janeiro jan",
        "february feb febr februar février fevrier févr fevr febrero febbraio februari fevereiro fev",
        "march mar mär märz maerz mrz mars marzo maart março marco",
        "april apr avril avr abril abr aprile",
        "may mai mayo maggio mag mei maio",
        "june jun juni juin junio giugno giu junho",
        "july jul juli juillet juil julio luglio lug julho",
        "august aug août aout agosto ago augustus",
        "september sep sept septembre septiembre set settembre setembro",
        "october oct okt oktober octobre octubre ottobre ott outubro out",
        "november nov novembre noviembre novembro",
        "december dec dez dezember décembre decembre déc diciembre dic dicembre dicembre december dezembro")
# beyond the Latin-script languages above: Russian, Ukrainian, Polish and Czech (the genitive a date uses, and
# Russian's abbreviations), Turkish (with 'ı' written 'i', what lower-casing 'I' gives), Arabic (Egyptian and
# Gulf forms, with and without hamza) and Hindi (with and without the nukta, as one character or two)
_OTHER_MONTHS = (
        "января янв січня stycznia ledna ocak يناير जनवरी",
        "февраля фев февр лютого lutego února unora şubat subat فبراير फरवरी \u095eरवरी फ\u093cरवरी",
        "марта мар березня marca března brezna mart مارس मार्च",
        "апреля апр квітня kwietnia dubna nisan أبريل ابريل إبريل अप्रैल",
        "мая травня maja května kvetna mayıs mayis مايو ماي मई",
        "июня июн червня czerwca června cervna haziran يونيو يونيه जून",
        "июля июл липня lipca července cervence temmuz يوليو يوليه जुलाई",
        "августа авг серпня sierpnia srpna ağustos agustos أغسطس اغسطس अगस्त",
        "сентября сен сент вересня września wrzesnia září zari eylül eylul سبتمبر सितंबर सितम्बर",
        "октября окт жовтня października pazdziernika října rijna ekim أكتوبر اكتوبر अक्टूबर अक्तूबर",
        "ноября ноя нояб листопада listopada listopadu kasım kasim نوفمبر नवंबर नवम्बर",
        "декабря дек грудня grudnia prosince aralık aralik ديسمبر दिसंबर दिसम्बर",
        # round 10 of docs/metadata.md: Greek (the genitive, with and without its accents, as capitals drop them),
        # Hebrew (with and without the 'ב' "in" a date writes), Romanian, and the Indonesian and Scandinavian
        # forms the Latin lists above lack
        "ιανουαρίου ιανουαριου בינואר ינואר ianuarie",
        "φεβρουαρίου φεβρουαριου בפברואר פברואר februarie",
        "μαρτίου μαρτιου במרץ מרץ martie maret",
        "απριλίου απριλιου באפריל אפריל aprilie",
        "μαΐου μαιου μαϊου במאי מאי maj",
        "ιουνίου ιουνιου ביוני יוני iunie",
        "ιουλίου ιουλιου ביולי יולי iulie",
        "αυγούστου αυγουστου באוגוסט אוגוסט augusti",
        "σεπτεμβρίου σεπτεμβριου בספטמבר ספטמבר septembrie",
        "οκτωβρίου οκτωβριου באוקטובר אוקטובר octombrie",
        "νοεμβρίου νοεμβριου בנובמבר נובמבר noiembrie",
        "δεκεμβρίου δεκεμβριου בדצמבר דצמבר decembrie desember",
        # round 20 of docs/extraction.md: Bengali (as Bangladeshi and West Bengal sites write them, with the
        # spellings 'আগষ্ট' / 'আগস্ট'; 'য়' in either of its Unicode forms, below)
        "জানুয়ারি জানুয়ারী", "ফেব্রুয়ারি ফেব্রুয়ারী", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই", "আগস্ট আগষ্ট",
        "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
        # round 28 of docs/metadata.md: Hungarian (with its abbreviations), Lithuanian (the genitive) and Latvian
        # (nominative and the locative 'maijā'), the languages that write the year first (`_WORD_DATE_YEAR_FIRST`)
        "január sausio janvāris janvārī", "február vasario februāris februārī", "március márc kovo marts martā",
        "április ápr balandžio aprīlis aprīlī", "május máj gegužės maijs maijā", "június jún birželio jūnijs jūnijā",
        "július júl liepos jūlijs jūlijā", "augusztus rugpjūčio augusts augustā",
        "szeptember szept rugsėjo septembris septembrī", "október spalio oktobris oktobrī",
        "lapkričio novembris novembrī", "gruodžio decembris decembrī")
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(_LATIN_MONTHS + _OTHER_MONTHS):
    for _name in _names.split():
        for _form in _written_forms(_name):
            MONTHS.setdefault(_form, _number % 12 + 1)

_ZONE = r"(?P<tz>(?:UTC|GMT)(?:\s?[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{2,4}T|[+-]\d{2}:?\d{2}|MEZ|MESZ|Z)"
# a US zone written without its season after a clock ('7:10 p.m. ET', '9:04 AM PT'): standard or daylight time by the
# date (`_us_daylight`); before round 19 it was not read and the time taken as UTC. The raw keeps it; the date's span
# (`TextDate.end`) leaves it out as before, so a line holding it stays no date line for the text side (dragnet's gold
# text keeps such lines: 6 lines, text F1 91.58 -> 91.55 when they left it)
_US_ZONE_HOURS = {"ET": -5, "CT": -6, "MT": -7, "PT": -8}
_SEASONLESS_NAMES = "|".join(_US_ZONE_HOURS)
_SEASONLESS_ZONE = re.compile(rf"\s*({_SEASONLESS_NAMES})(?![\w'’])")
# zones only the United States and Canada write: a numeric date beside one is month first ('on 11/12/2012 15:23 PST'
# is 12 November)
_US_ZONES = frozenset(("EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"))  # (and `_SEASONLESS_ZONE`)
# a clock after a date: ', 10:43', ' at 1:47 AM', ' um 11:43 Uhr', ' à 12h00', ' - 09:15 EDT'
# (one run of spaces, then an optional separator and an optional word each with its own spaces: no two
# space runs can trade characters, so a failing match stays linear)
_CLOCK_AFTER = re.compile(
    r"\s*(?:[,|/·•–—-]\s*)?(?:(?:at|um|à|a\s+las|alle|om|às|kl\.?)\s*)?"
    r"(?P<h>[012]?\d)[:.hH](?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d|60))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
    rf"(?:\s*(?:Uhr|h|hrs|Hrs)\b)?(?:\s*{_ZONE})?")
# The patterns open with the first character they consume ('[0-3]?\d' written '\d(?:(?<=[0-3])\d)?', the
# lookbehind on the character before moved after it: '(?<![\w.])\d' is '\d(?<![\w.].)'): `re` then skips
# to the next digit (or '1' / '2' of a year) instead of trying the whole pattern at every character (not
# _WORD_DATE_MDY, which opens with any letter).
_WORD_DATE_DMY = re.compile(
    r"(?P<d>\d(?<![\w.].)(?:(?<=[0-3])\d)?)(?:\.|st|nd|rd|th|er|º|°)?\s*(?:de\s+)?"
    r"(?P<mon>[^\W\d_][\w\u0900-\u0dff]{1,11})\.?,?\s+"
    r"(?:de\s+)?(?P<y>(?:19|20)\d\d)(?!\d)")
_WORD_DATE_MDY = re.compile(
    r"(?<![\w])(?P<mon>[^\W\d_](?:[^\W\d_]|[\u0900-\u0dff]){2,10})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>(?:19|20)\d\d)(?!\d)")
_NUM_DATE_DMY = re.compile(r"(?P<d>\d(?<![\d.].)(?:(?<=[0-3])\d)?)\.\s?(?P<m>[01]?\d)\.\s?(?P<y>(?:19|20)\d\d)(?![\d])")
_NUM_DATE_DMY_SHORT = re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d\d)(?![\d.])")
_NUM_DATE_SLASH = re.compile(r"(?P<a>\d(?<![\d/].)(?:(?<=[0-3])\d)?)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)\d\d)(?![\d/])")
_ISO_DATE = re.compile(
    r"(?P<y>(?:19|20)(?<![\dvV]..)\d\d)(?P<sep>[-/.])(?P<m>[01]\d)(?P=sep)(?P<d>[0-3]\d)"
    r"(?:[T ](?P<h>[012]\d):(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d|60)(?:\.\d+)?)?\s*(?P<tz>Z|[+-]\d\d:?\d\d)?)?(?![\d])")
# the year first, marked so no bare year before a month reads as one: Hungarian '2022. május 12.' / '2022. máj.
# 12-én', Lithuanian '2022 m. gegužės 12 d.', Latvian '2022. gada 12. maijā', and Hungarian and Korean numbers
# '2022. 05. 12.' (a space after each dot: a version '2022.12.1' has none; '2022.05.12' is `_ISO_DATE`'s)
_WORD_DATE_YEAR_FIRST = re.compile(
    r"(?P<y>(?:19|20)(?<![\w.]..)\d\d)(?:"
    r"\.\s+gada\s+(?P<gd>[0-3]?\d)\.\s+(?P<gmon>[^\W\d_]{3,11})"
    r"|(?:\.|\s+m\.)\s+(?P<mon>[^\W\d_]{3,11})\.?\s+(?P<d>[0-3]?\d)(?:\.|-[^\W\d_]{1,4}|\s+d\.)"
    r"|\.\s(?P<m>[01]?\d)\.\s(?P<md>[0-3]?\d)\.)(?![\w])")
# Chinese and Japanese '2016年5月3日', Korean '2022년 5월 3일'
_CJK_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*[年년]\s*(?P<m>[01]?\d)\s*[月월]\s*(?P<d>[0-3]?\d)\s*[日일]")


_YEAR_ANYWHERE = re.compile(r"(?:19|20)\d\d")


class TextDate(NamedTuple):
    """A date stated in text: the UTC time, the page's own wording, whether it had a time of day.
    (A named tuple, as immutable as the frozen dataclass it was and made in a third of its time: a frozen
    dataclass sets each field through `object.__setattr__`.)"""

    at: datetime
    raw: str
    has_time: bool
    start: int
    end: int
    day: date  # the day as stated (before conversion to UTC)


_NUMERIC_ZONE = re.compile(r"(?:UTC|GMT)?\s?([+-])(\d{1,2}):?(\d{2})?")


def _zone_offset(tz: str | None) -> float | None:
    """'EDT' -> -4, '+02:00' -> 2, 'UTC+1' -> 1, 'MESZ' -> 2; unknown -> None (read as UTC)."""
    if not tz:
        return None
    tz = tz.strip()
    if tz in ("Z", "MEZ"):
        return 0.0 if tz == "Z" else 1.0
    if tz == "MESZ":
        return 2.0
    m = _NUMERIC_ZONE.fullmatch(tz)
    if m:
        return (1 if m[1] == "+" else -1) * (int(m[2]) + int(m[3] or 0) / 60)
    return _TZ_OFFSETS.get(tz.upper())


def _sunday(y: int, month: int, nth: int) -> date:
    """The month's nth Sunday (nth -1: its last)."""
    if nth < 0:
        last = date(y, month + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() + 1) % 7)
    first = date(y, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def _us_daylight(day: date) -> bool:
    """Whether US daylight time holds on the day: since 2007 from the second Sunday of March to the first Sunday of
    November, before from the first Sunday of April to the last Sunday of October (the switch's hour not told)."""
    if day.year >= 2007:
        return _sunday(day.year, 3, 2) <= day < _sunday(day.year, 11, 1)
    return _sunday(day.year, 4, 1) <= day < _sunday(day.year, 10, -1)


def _us_offset_hours(zone: str, day: date) -> int:
    """The hours from UTC of a US zone named without its season (`_US_ZONE_HOURS`) on the day."""
    return _US_ZONE_HOURS[zone] + _us_daylight(day)


@lru_cache(maxsize=256)
def _zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def _make_date(y: int, m: int, d: int, clock: re.Match | None, us_zone: str | None = None
               ) -> tuple[datetime, bool] | None:
    hour = minute = second = 0
    offset, leap = None, False
    if clock is not None:
        parts = clock.groupdict()
        hour, minute, second = int(parts["h"]), int(parts["mi"]), int(parts["s"] or 0)
        leap, second = second == 60, min(second, 59)   # a leap second: the next minute's :00 (`parse_published`)
        if parts.get("ampm"):
            if hour > 12:
                return None
            hour = hour % 12 + (12 if parts["ampm"].lower().startswith("p") else 0)
        offset = _zone_offset(parts.get("tz"))
    try:
        if offset is None and us_zone is not None:
            offset = _us_offset_hours(us_zone, date(y, m, d))
        local = datetime(y, m, d, hour, minute, second, tzinfo=_zone(offset or 0)) + timedelta(seconds=leap)
    except (ValueError, OverflowError):
        return None
    if not 1990 <= local.year <= 2100:
        return None
    return local.astimezone(timezone.utc), clock is not None


def _year_contexts(text: str) -> tuple[bool, bool, bool, bool, bool]:
    """Which date patterns can match, from what stands around the text's four-digit years (19xx, 20xx):
    (ISO: a year followed by '-', '/' or '.'; d Month yyyy: a year after white space after a letter, a
    '.' or ','; Month d, yyyy: a year after white space after a digit, a day suffix or ','; d.m.yyyy: a year
    after '.' or '. '; d/m/yyyy: a year after '/'). The year of each of these patterns stands where
    `_YEAR_ANYWHERE` finds one: it is not preceded by a digit, so it cannot start inside an earlier match
    (all digits). A pattern whose context no year has cannot match, and its scan is skipped (most texts
    have one year, or none; the word patterns try every letter)."""
    iso = word_dmy = word_mdy = dotted = slashed = False
    for m in _YEAR_ANYWHERE.finditer(text):
        y = m.start()
        if text[y + 4:y + 5] in ("-", "/", "."):
            iso = True
        if not y:
            continue
        before = text[y - 1]
        if before == ".":
            dotted = True
        elif before == "/":
            slashed = True
        elif before.isspace():
            k = y - 2  # the character before the run of white space (`\s+`, which the patterns take whole)
            while k >= 0 and text[k].isspace():
                k -= 1
            if k < 0:
                continue
            if text[k] == "." and k == y - 2:
                dotted = True  # '. 2020' (d.m. yyyy)
            if text[k] == ",":
                k -= 1
            # 'Nov 5th, 2020', 'Nov 5, 2020': a digit, or a day suffix after one; '5 Nov. 2020', '5 Nov, 2020',
            # '5 de nov de 2020': a letter (a character `[^\W\d_]` matches)
            c = text[k] if k >= 0 else ""
            if c.isdecimal() or (text[k - 1:k + 1] in ("st", "nd", "rd", "th") and k >= 2 and text[k - 2].isdecimal()):
                word_mdy = True
            if c == "." and k >= 1:
                c = text[k - 1]
            if (c.isalnum() and not c.isdecimal()) or "\u0900" <= c <= "\u0dff":
                word_dmy = True  # (a month of an Indic script may end in a vowel sign, which is not alphanumeric)
    return iso, word_dmy, word_mdy, dotted, slashed


def find_dates(text: str, day_first: bool = True, limit: int = 8, short_years: bool = False) -> list[TextDate]:
    """Every date the text states (at most `limit`, in text order), each with its clock time and zone
    when one follows it. Numeric d/m/y vs m/d/y: unambiguous values decide, else `day_first`.
    `short_years`: also 'dd.mm.yy' (only where markup says the text is a date: in running text
    '12.10.20' is as often a version number)."""
    if not text or (not short_years and "20" not in text and "19" not in text):
        return []  # (no year: nothing to find)
    iso, word_dmy, word_mdy, dotted, slashed = _year_contexts(text)
    cjk = "年" in text or "년" in text
    year_first = iso or " m." in text  # ('2022. május 12.', '2022 m. gegužės 12 d.')
    if not (iso or word_dmy or word_mdy or dotted or slashed or short_years or cjk or year_first):
        return []
    found: list[tuple[int, int, int, int, int, re.Match | None, tuple[int, int] | None]] = []
    if iso:
        for m in _ISO_DATE.finditer(text):
            found.append((m.start(), m.end(), int(m["y"]), int(m["m"]), int(m["d"]), m if m["h"] else None, None))
    for rx, possible in ((_WORD_DATE_DMY, word_dmy), (_WORD_DATE_MDY, word_mdy)):
        if possible:
            for m in rx.finditer(text):
                month = MONTHS.get(m["mon"].lower().rstrip("."))
                if month:
                    found.append((m.start(), m.end(), int(m["y"]), month, int(m["d"]), None, None))
    # each numeric pattern needs its separator: a missing one skips a scan of the text
    # (a numeric date that reads both ways keeps its two numbers in written order, for `_numeric_reading`)
    if dotted:
        for m in _NUM_DATE_DMY.finditer(text):
            found.append((m.start(), m.end(), int(m["y"]), int(m["m"]), int(m["d"]), None,
                          _both_ways(int(m["d"]), int(m["m"]))))
    if short_years and "." in text:
        for m in _NUM_DATE_DMY_SHORT.finditer(text):
            found.append((m.start(), m.end(), 2000 + int(m["y"]), int(m["m"]), int(m["d"]), None,
                          _both_ways(int(m["d"]), int(m["m"]))))
    if slashed:
        for m in _NUM_DATE_SLASH.finditer(text):
            a, b = int(m["a"]), int(m["b"])
            day, month = (a, b) if (a > 12 or (day_first and b <= 12)) else (b, a)
            found.append((m.start(), m.end(), int(m["y"]), month, day, None, _both_ways(a, b)))
    if year_first:
        _year_first_dates(text, found)
    if cjk:
        for m in _CJK_DATE.finditer(text):
            found.append((m.start(), m.end(), int(m["y"]), int(m["m"]), int(m["d"]), None, None))
    found.sort(key=lambda f: (f[0], -f[1]))
    out: list[TextDate] = []
    last_end = -1
    for start, end, y, mo, d, iso_clock, written in found:
        if start < last_end:  # overlaps an earlier, longer reading of the same words
            continue
        clock = iso_clock
        if clock is None:
            clock = _CLOCK_AFTER.match(text, end)
            if clock is not None and int(clock["h"]) > 23:
                clock = None
        us_zone = _SEASONLESS_ZONE.match(text, clock.end()) if clock is not None and clock is not iso_clock \
            and not clock["tz"] else None
        if written is not None:
            mo, d = _numeric_reading(text, start, y, (mo, d), written, clock, us_zone is not None)
        made = _make_date(y, mo, d, clock, us_zone[1] if us_zone is not None else None)
        if made is None:
            continue
        stop = clock.end() if clock is not None and clock is not iso_clock else end
        raw = text[start:us_zone.end() if us_zone is not None else stop].strip()
        out.append(TextDate(made[0], raw, made[1], start, stop, date(y, mo, d)))
        last_end = stop
        if len(out) >= limit:
            break
    return out


def _year_first_dates(text: str, found: list) -> None:
    """The dates `_WORD_DATE_YEAR_FIRST` reads, added to `found` as `find_dates` keeps them."""
    for m in _WORD_DATE_YEAR_FIRST.finditer(text):
        if m["m"]:
            month, day = int(m["m"]), int(m["md"])
        elif (m["mon"] or "")[:1].isupper() and m["mon"].lower() in _ENGLISH_MONTHS:
            continue  # 'in 2019. March 3. saw ...': a sentence's end, an English one's next (those months are lowercase)
        else:
            month, day = MONTHS.get((m["mon"] or m["gmon"]).lower(), 0), int(m["d"] or m["gd"])
        if month:
            found.append((m.start(), m.end(), int(m["y"]), month, day, None, None))


def _both_ways(first: int, second: int) -> tuple[int, int] | None:
    """The two numbers of a numeric date as written when either may be the month ('11/05/2012'), else None."""
    return (first, second) if first != second and 1 <= first <= 12 and 1 <= second <= 12 else None


# weekday names (Monday first), as they stand before a date: 'Monday, 11.05.2012', 'Di., 06.11.2012'
_WEEKDAY_INDEX = {name: i for names in (*WEEKDAY_NAMES.values(), _ENGLISH_SHORT_WEEKDAYS)
                  for i, name in enumerate(names)}
_WORD_BEFORE = re.compile(r"([^\W\d_]{3,10})\.?,?\s*$")


def _numeric_reading(text: str, start: int, y: int, reading: tuple[int, int], written: tuple[int, int],
                     clock: re.Match | None, us_zone: bool = False) -> tuple[int, int]:
    """(month, day) of a numeric date that reads both ways, `reading` being the page language's: the reading whose
    weekday is the one named before it ('Monday, 11.05.2012' is 5 November 2012, a Monday), else month first beside a
    zone only North America writes ('on 11/12/2012 15:23 PST'), else `reading` (round 19)."""
    other = (reading[1], reading[0])
    m = _WORD_BEFORE.search(text, max(0, start - 14), start)
    weekday = _WEEKDAY_INDEX.get(m[1].lower()) if m is not None else None
    if weekday is not None:
        try:
            if date(y, *reading).weekday() != weekday and date(y, *other).weekday() == weekday:
                return other
        except ValueError:
            return reading
        return reading
    if us_zone or (clock is not None and clock["tz"] in _US_ZONES):
        return written
    return reading


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?([01]\d)[/-]?([0-3]\d)(?:/|-|_|\.|$)")
_URL_DATE_DMY = re.compile(r"/([0-3]\d)[-.]([01]\d)[-.]((?:19|20)\d\d)(?:/|-|_|\.|$)")


def url_date(url: str | None) -> datetime | None:
    """The publication day a URL path states ('/2014/05/18/slug', '/2014-05-18-slug', '/20140518/'),
    as midnight UTC; None when the path has no full date."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    scheme_end = path.find("//")
    path = path[path.find("/", scheme_end + 2 if scheme_end >= 0 else 0):]
    m = _URL_DATE.search(path)
    if m:
        made = _make_date(int(m[1]), int(m[2]), int(m[3]), None)
    else:
        m = _URL_DATE_DMY.search(path)
        if not m:
            return None
        made = _make_date(int(m[3]), int(m[2]), int(m[1]), None)
    return made[0] if made else None


# a clock followed by the zone it names ('16:17 UTC', '9:04 AM PT', '11:43 Uhr MESZ', '10:30 -07:00')
_CLOCK_WITH_ZONE = re.compile(r"\d[:.hH][0-5]\d(?::[0-5]\d)?\s*(?:[AaPp]\.?\s?[Mm]\.?)?(?:\s*(?:Uhr|h|hrs|Hrs)\b)?\s*"
                              rf"(?:{_ZONE}|(?P<us>{_SEASONLESS_NAMES}))(?![\w'’])")
# a machine-readable time without a zone ('2022-05-10T23:35:55'), and one with it ('2012-10-29T10:25:32-07:00',
# '2023-09-04T16:17:54Z': the offset's sign, hours and minutes, none for 'Z')
ZONELESS_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d?:\d\d(?::\d\d(?:[.,]\d+)?)?")
ZONED_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d?:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:([+-])(\d\d):?(\d\d)|Z|z)")


def offset_minutes(zoned: re.Match) -> int:
    """The offset east of UTC, in minutes, of a `ZONED_TIME` match (0 for 'Z')."""
    return 0 if zoned[1] is None else (1 if zoned[1] == "+" else -1) * (int(zoned[2]) * 60 + int(zoned[3]))


def _stated_offset(raw: str, day: date) -> int | None:
    """The offset east of UTC, in minutes, that a time as written states: an ISO offset ('2012-10-29T10:25:32-07:00'),
    or a zone named after its clock ('Thu, 09 Aug 2012 10:08:00 EST', '9:04 AM ET' in its season on `day`)."""
    m = ZONED_TIME.fullmatch(raw.strip())
    if m is not None:
        return offset_minutes(m)
    m = _CLOCK_WITH_ZONE.search(raw)
    if m is None:
        return None
    hours = _zone_offset(m["tz"]) if m["us"] is None else _us_offset_hours(m["us"], day)
    return None if hours is None else round(hours * 60)


def shows_time_without_zone(text: str) -> bool:
    """Whether a time of day stated in `text` is shown for a reader (not an ISO value, '2023-11-06T15:25') and no
    clock in it names a zone ('15:25 Uhr', not '16:17 UTC' nor '9:04 AM ET')."""
    return ZONELESS_TIME.match(text) is None and _CLOCK_WITH_ZONE.search(text) is None


def shown_time_in_stated_zone(at: datetime, day: date, stated: list[str], published: str | None) -> datetime | None:
    """The UTC time of a time of day the page shows without a zone (`shows_time_without_zone`: '15:25 Uhr', 'Oct 29
    2012 - 10:30am'; `at` is it read as UTC, `day` its day), read in the offset the page's own machine-readable times
    (`stated`: meta tags, JSON-LD, `<time datetime>`) state (round 21): the site shows its local time and writes it
    with its offset in its metadata. The offset of a stated time that is the shown one (the same day and clock time,
    '2023-11-06T15:25:00+01:00' beside '15:25 Uhr'), else the one offset the times stated for that day have, else the
    one the page's published time (`published`, as written) has. None, read as UTC as before: where a stated time is
    the shown one in UTC, where no offset is stated or the stated ones disagree ('Z' and '+00:00' state UTC, which a
    site's software writes whatever its zone)."""
    minute = at.replace(second=0, microsecond=0)
    iso_day = day.isoformat()
    same_clock, same_day = set(), set()
    for value in stated:
        value = value.strip()
        m = ZONED_TIME.fullmatch(value)
        instant = parse_published(value) if m is not None and value.startswith(iso_day) else None
        if m is None or instant is None:
            continue
        instant = instant.replace(second=0, microsecond=0)
        offset = offset_minutes(m)
        if instant == minute and offset:  # (with offset 0, the shown time is the stated one and UTC: as before)
            return None
        if instant + timedelta(minutes=offset) == minute:
            same_clock.add(offset)
        elif offset:
            same_day.add(offset)
    if not same_clock and not same_day and published:
        stated_offset = _stated_offset(published, day)
        if stated_offset:
            same_day.add(stated_offset)
    offsets = same_clock or same_day
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return at - timedelta(minutes=offset) if offset else None
