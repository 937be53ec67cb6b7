"""Bylines to names: people for `authors`, wire agencies and organisations kept apart
(`parse_byline`). Pure `str -> value`; used by `dedup.text.metadata` on every place a byline appears.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import repeat

from dedup.rights.attribution import agency_from_credit, agency_name
from dedup.text.dates import MONTHS, WEEKDAY_NAMES, find_dates
from dedup.text.normalise import caseless_finder, caseless_prefix, fold_text
from dedup.text.outlets import (
    _CJK_ORG_ENDINGS,
    _NOT_A_NAME,
    _NOT_NAME_OR_ROLE,
    _ROLE_WORDS,
    _has_org_word,
    _is_domain_like,
    _newsroom_staff,
    _opens_as_desk,
    _opens_with_acronym,
    _opens_with_role,
    _site_keys,
    _site_words,
)
from dedup.text.scripts import HIRAGANA

# --------------------------------------------------------------------------------------------------
# names: bylines -> people, agencies and organisations

_BY_WORDS = (
    r"^\s*(?:(?:written|posted|published|reported|edited|compiled|story|text|words|report|analysis|opinion|"
    r"commentary|review|geschrieben|verfasst|"
    r"veröffentlicht|erstellt|eingestellt|publié|écrit|escrito|publicado|scritto|pubblicato|geplaatst|geschreven|"
    r"skr(?:evet|ive[tn])|"
    r"(?:view\s+)?(?:all\s+)?(?:posts|articles|stories|beiträge|artikel)|alles|mehr)\s+)?"
    r"(?:by|von|par|por|door|di|av|af|from|de|da|nap(?:sal|isał)a?|kirjoittanut)\b\s*:?\s*")
# (German's gender-inclusive forms too: 'Autor/in:', 'Autor*in:', 'Redakteur/innen:', round 22: NDR's itemprop=author)
# The Latin-script byline labels, one list for every reader of them (round 22: `pageauthors` had its own, shorter copy).
# These name the writer wherever they stand: a labelled byline further down the story reads them alone.
WRITER_LABEL_WORDS = (r"autor(?:a|in|en|innen|[/*]in|[/*]innen)?|author|authors|auteur|autore|text|texte|"
                      r"redakteur(?:in|innen|[/*]in|[/*]innen)?|verfasser(?:in|innen|[/*]in|[/*]innen)?|writer|byline|"
                      r"yazar|yazan|penulis|tác giả|szerző|"
                      # (round 25: the other major web languages' words, as evenly: Portuguese, Spanish, Italian,
                      # French, Polish, Czech, Dutch, the Scandinavian languages, Finnish)
                      r"texto|testo|tekst|teksti|autorka|autrice|auteure|skribent|forfatter|författare|kirjoittaja")
# These name the writer only opening the story's byline; under a long story they credit a newsroom, an interviewer,
# a host or the research ('Redaktion: Hans Meier', 'Interview: ...', 'Moderation: ...', 'Recherche: ...').
LABEL_WORDS = WRITER_LABEL_WORDS + r"|redaktion|reporter|interview|moderation|recherche|haber"
_LABEL_AND_PICTURES = r"(?:\s*(?:&|\+|/|und|and|et|y)\s*(?:fotos?|photos?|bilder?|images?|video))?"
# other scripts: a label and its colon ('：' the full-width one: Russian, Ukrainian, Chinese, Japanese, Hindi,
# Korean), or a prefix that needs none (Arabic 'بقلم' "by the pen of", Hindi 'द्वारा' "by", Chinese '记者'
# "reporter", '文/' "text /"); none of them holds a character that ASCII text can match
# (round 10: Serbian 'Аутор', Greek 'Συντάκτης' / 'Γράφει', Persian 'نویسنده', Urdu 'تحریر', Bengali 'লেখক',
# Japanese '執筆' / '取材・文', Korean '작성자' / '기자' with their colon; Hebrew 'מאת' and Thai 'โดย' "by", Persian
# 'نوشته' "written (by)" without one)
_OTHER_SCRIPT_LABEL_WORDS = (r"автор(?:ы)?|аутор|текст|作者|撰文|筆者|著者|執筆|取材・文|लेखक|लेखिका|글쓴이|작성자|기자|"
                             r"συντάκτης|γράφει|نویسنده|تحریر|লেখক")
_OTHER_SCRIPT_PREFIXES = (r"^\s*(?:(?:بقلم|كتب(?:ت|ه)?|إعداد|द्वारा|מאת|نوشته|เขียนโดย|โดย)(?:\s*:)?\s+|"
                          r"(?:本报|本報)?(?:记者|記者)\s*[:：]?\s*|(?:文|图文|圖文)\s*[/|｜:]\s*)")
BY_PREFIX = re.compile(
    rf"{_BY_WORDS}|^\s*(?:{LABEL_WORDS}|{_OTHER_SCRIPT_LABEL_WORDS}){_LABEL_AND_PICTURES}\s*[:：]\s*"
    rf"|{_OTHER_SCRIPT_PREFIXES}", re.I)
# where a byline prefix ends, -1 when there is none (BY_PREFIX.match, quicker; ASCII text by the Latin-script part)
by_prefix_end = caseless_prefix(BY_PREFIX.pattern, rf"{_BY_WORDS}|^\s*(?:{LABEL_WORDS}){_LABEL_AND_PICTURES}\s*:\s*")
# the same words of scripts other than the Latin one: what makes a line of such a script a byline by itself (a short
# line near the headline), where the capital after a Latin 'By' cannot tell a name from text
other_script_prefix_end = caseless_prefix(
    rf"^\s*(?:{_OTHER_SCRIPT_LABEL_WORDS})\s*[:：]\s*|{_OTHER_SCRIPT_PREFIXES}", r"(?!)")
# where such a word stands in a line, after its start, a space or a separator ('2023-01-05 10:30 来源：新华社 作者：张三')
_OTHER_SCRIPT_BYLINE_WORD = re.compile(
    rf"(?:^|(?<=[\s|｜/]))(?:(?:{_OTHER_SCRIPT_LABEL_WORDS})\s*[:：]|"
    r"(?:بقلم|كتب(?:ت|ه)?|द्वारा|מאת|نوشته|เขียนโดย|โดย)\s|(?:本报|本報)?(?:记者|記者)|(?:文|图文|圖文)\s*[/|｜:])", re.I)
# the next label of a meta line after a byline ('作者：张三 来源：新华社'): a short word and its colon
_NEXT_LABEL = re.compile(r"\s+[^\s:：]{1,6}\s*[:：]")
OTHER_SCRIPT_BYLINE_CHARS = 60  # a byline of a script without capitals is short
_SENTENCE_MARKS = frozenset("，。！？；،؟।")
_HIRAGANA = re.compile(f"[{HIRAGANA}]")


# a Korean news lede opens with its byline: '(서울=연합뉴스) 홍길동 기자 = 정부는 ...', '[아시아경제 홍길동 기자] ...'
_KOREAN_LEDE_BYLINE = re.compile(
    r"\s*(?:[(（][^()（）=]{1,12}[=＝][^()（）]{1,16}[)）]\s*((?:[가-힣]{2,4}\s+){0,3}[가-힣]{2,4}\s*(?:기자|특파원))\s*[=＝]"
    r"|\[[^\[\]\s]{2,16}\s+((?:[가-힣]{2,4}\s+){0,3}[가-힣]{2,4}\s*(?:기자|특파원))\s*\])")


def other_script_byline(line: str) -> str | None:
    """The byline a short line of a script without the Latin 'By' states by its own explicit words: a label or
    prefix ('作者：张三', 'بقلم محمد علي', 'Автор: Иван Петров', 'द्वारा राम शर्मा', also inside a meta line after
    a date or a source: '2023-01-05 来源：新华社 作者：张三'), or a role after a short name ('홍길동 기자',
    '山田太郎記者'), or the byline a Korean news lede opens with, however long the paragraph ('(서울=연합뉴스) 홍길동
    기자 = …'); cut before the line's next label. None for an ASCII line, a sentence, a longer line."""
    if line.isascii():
        return None
    if "기자" in line[:80] or "특파원" in line[:80]:
        lede = _KOREAN_LEDE_BYLINE.match(line, 0, 80)
        if lede is not None:
            return lede[1] or lede[2]
    if len(line) > BYLINE_LINE_CHARS:
        return None
    found = _OTHER_SCRIPT_BYLINE_WORD.search(line)
    if found is not None:
        if found.start() > 0 and found[0][-1].isspace():
            return None  # a bare 'by' word inside a line ('كتب', 'โดย' in a sentence): only a label and its colon
        text = line[found.start():]
        prefix_end = other_script_prefix_end(text)
        if prefix_end < 0:
            return None
        nxt = _NEXT_LABEL.search(text, prefix_end + 1)
        text = text[:nxt.start()] if nxt is not None else text
        first = text[prefix_end:prefix_end + 1]
        if len(text) > OTHER_SCRIPT_BYLINE_CHARS or not first.isalpha() or first.islower() \
                or not _SENTENCE_MARKS.isdisjoint(text):
            return None
        return text
    start = role_suffix_start(line)
    if start <= 0 or len(line) > OTHER_SCRIPT_BYLINE_CHARS or not _SENTENCE_MARKS.isdisjoint(line):
        return None
    names = [w for w in re.split(r"[\s·・、,]+", line[:start]) if w]
    # (short words; no hiragana, which Japanese names in kanji do not hold and its grammar does: '東京都は記者')
    return line if names and len(names) <= 4 and all(len(w) <= 6 for w in names) \
        and _HIRAGANA.search(line, 0, start) is None else None


# a role after the name, as Korean and Japanese bylines put it ('홍길동 기자', '山田太郎記者', '山田太郎 特派員'),
# and the Hindi postposition 'द्वारा' ("by", after the name); an e-mail address may follow
# (not the Chinese '记者' after a name, which Chinese bylines put first: '他告诉记者' is "he told the reporter")
_ROLE_SUFFIX_WORDS = ("기자", "특파원", "記者", "特派員", "द्वारा")
_ROLE_SUFFIX = re.compile(r"(?<=\S)\s*(?:기자|특파원|記者|特派員|द्वारा)(?:\s+\S+@\S+)?\s*$")


def role_suffix_start(line: str) -> int:
    """Where a role that closes a byline of a script without capitals starts ('홍길동 기자' -> 3), -1 when
    none does (an ASCII line never has one)."""
    if line.isascii() or not any(map(line.__contains__, _ROLE_SUFFIX_WORDS)):
        return -1  # (an `in` test of a wider character than a line holds returns at once)
    m = _ROLE_SUFFIX.search(line)
    return -1 if m is None else m.start()
# 'Foto: Jane Doe' credits a picture, not the story
_PICTURE_CREDIT = caseless_prefix(r"^\s*(?:fotos?|photos?|photographs?|bilder?|images?|pictures?|video|grafik|"
                                  r"illustration|credit)\s*(?::|by\b|von\b|©)")
# a picture agency or stock library: a line naming one credits a picture ('Chip Somodevilla/Getty Images', a caption's
# 'Jay Cutler, Dennis Wierzbicki-US PRESSWIRE'), not the story; read here for bylines and by `cleaning` for credit
# lines without a marker (round 19: US Presswire, USA TODAY Sports Images, the sports pictures' agency). Every
# alternative opens with a plain letter, so that `re` skips to the places where one of those letters stands (a
# class such as `[Pp]` first made every place a start: twice the time a line, and `lineguards.credit_reason` asks
# this of every short line, round 22)
PICTURE_AGENCY = re.compile(r"Getty\s?Images|Shutterstock|iStock|Thinkstock|Alamy|AP Photo|Picture[\s-][Aa]lliance|"
                            r"picture[\s-][Aa]lliance|IMAGO|Imago Images|US P(?:RESSWIRE|resswire)|USA TODAY Sports")
# ('、' and '،': the Chinese / Japanese and the Arabic comma; the single characters as one class, which `re` tests
# at a place at once, not one alternative after the other)
# (a serial comma and its 'and' are one separator: 'By A, B, and C' names C, round 24)
# (an interview's byline names both people: 'Richard David Precht im Gespräch mit Karin Fischer')
_NAME_SPLIT = re.compile(r"\s*(?:,\s*and\s|[;|,、،&/·•]|\s(?:and|und|et|y|e|og|och|en|i|und\s+von"
                         r"|im\s+gespräch\s+mit|in\s+conversation\s+with)\s)\s*", re.I)
# a finer split, tried on a line that names nobody otherwise: a dash between spaces, which no name holds ('Jane Doe
# - The Times', 'SPIEGEL ONLINE – Jane Doe'), and the newsroom a person writes with ('Jane Doe with Reuters',
# 'Jane Doe mit Material von dpa'); taken only when it reads every part as a person, an organisation, an agency or a
# role, and one part as something else than a person (by more than its capitals: 'IN ST. GERMAIN – PARIS' is a
# caption): a headline or a teaser split at its dash leaves a part that is none of them, or only title-cased words
# ('Extend Your Battery Life - Energy Saver')
_FINER_SPLIT = re.compile(r"\s[-–—]\s|\s(?:with|mit(?:\s+material\s+(?:von|der|des))?)\s", re.I)


def _may_split_finer(line: str) -> bool:
    """What any text `_FINER_SPLIT` finds in holds (a dash, 'wit' or 'mit' in any case): tests in C before the
    pattern's pass."""
    if "-" in line or "–" in line or "—" in line:
        return True
    low = line.lower()
    return "wit" in low or "mit" in low
_HAS_LETTER = re.compile(r"[^\W\d_]")


@dataclass(slots=True)
class Byline:
    """A byline read apart: people, wire agencies, other organisations."""

    people: list[str]
    agencies: list[tuple[str, str]]
    organisations: list[str]


# a date after a name, marked among the parts ('\ue000', a private-use character: no byline holds it, `\s` does not
# match it, so the split leaves it a part of its own)
_DATE = "\ue000"
_DATE_MARK = " | \ue000 | "
_NOT_PLAIN = re.compile(r"[\d@(\[/:]")  # anything the cleaning below would change
# (and an '@' standing alone, which says "at" before a time: Blogger's 'posted by copyranter @ 2:23 PM', round 19)
_URL_MAIL_HANDLE = re.compile(r"https?://\S+|\S+@\S+\.\S+|\[[^\]]*\]|(?<!\w)@(?:\w+|(?=\s))")
_BRACKETED = re.compile(r"\(([^)]*)\)")
_CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?|uhr|h)?", re.I)
# a numeric date that `find_dates` does not read (a two-digit year, month first: 'By Eric Yang on 10.29.12')
# (opening with the digit it consumes, the look-behind after it: `re` skips to the digits)
_NUMERIC_DATE = re.compile(r"\d(?<![\w.].)\d{0,3}([./-])\d{1,2}\1\d{2,4}(?![\w.])")
# the weekday before a removed date, with its 'on' ('Von Jane Doe am Samstag, 19. Oktober 2019 um 11:14 Uhr', 'by Jane
# Doe on Friday, March 3, 2017'; read only on a line where a date was removed)
# (German's 'Sonnabend' too; Italian's 'domenica' has never been one of them: 'Domenica' is also a name, and
# adding it would be a change to measure, not a move)
WEEKDAYS = "|".join([*(name for names in WEEKDAY_NAMES.values() for name in names if name != "domenica"), "sonnabend"])
_WEEKDAY_BEFORE_DATE = re.compile(r"\b(?:(?:on|am|le|el|il|op|em|at|um)\s+)?(?:" + WEEKDAYS + r")\s*,?\s*\|", re.I)
# a word left hanging by a removed date ('on', 'am', 'posted')
_DANGLING = r"\b(?:on|am|le|el|il|op|em|at|um|posted|published|updated|aktualisiert|veröffentlicht)\s*(?:\||$)"
_DANGLING_WORD = re.compile(_DANGLING, re.I)
_HAS_DANGLING_WORD = caseless_finder(_DANGLING)  # most lines have none: no case-folding `sub` over them
_NAME_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
# every wire agency's name holds one of these (dedup/rights/attribution.py): a cheap test before the full one;
# 'ap' / 'pa' as whole words written `ap\b(?<!\wap)` (what `\bap\b` matches): every word then opens with a
# letter, and `re` skips to the places where one of those letters stands instead of trying each word at each place
_AGENCY_HINT_PATTERN = (r"reuters|press|presse|afp|agence|bloomberg|dpa|xinhua|efe|ansa|upi|united|kyodo|yonhap|"
                        r"ap\b(?<!\wap)|pa\b(?<!\wpa)|staff|writer|correspondent")
_AGENCY_HINT = caseless_finder(_AGENCY_HINT_PATTERN)
BYLINE_LINE_CHARS = 120  # a longer line is a sentence (an author's biography), not a byline
BYLINE_LINE_WORDS = 10   # nor is a line of more words, dates and times aside
BYLINE_PARTS = 5         # nor a line of more names and labels ('CSP / International / Photovoltaik / ...')


def parse_byline(text: str, site_names: tuple[str, ...] = (), structured: bool = False,
                 han_lists: bool = False, declared_person: bool = False) -> Byline:
    """'By Jane Doe and John Roe, Reuters' -> people ['Jane Doe', 'John Roe'], agency Reuters.

    Prefixes ('By', 'Von', 'Par', 'Posted by'), dates, times, e-mail addresses, URLs, bracketed
    handles and trailing roles ('Staff Writer', 'Redakteur') are dropped; names are split on 'and' /
    ',' / '|' / ';' / '&' and their equivalents. Wire agencies and organisations (site names,
    newsrooms, companies, domains) are not people.

    A name in a script without capitals (Arabic, Hebrew, Indic, Chinese, Japanese, Korean, Thai ...) of several
    words is a person only from a place that states an author (`structured`: JSON-LD, a meta tag,
    `itemprop=author`, `rel=author`, a link to an author page) or after an explicit byline prefix on its line
    ('بقلم', '作者：', 'By'): the capital test that keeps a line of free text from passing for a name cannot tell
    there. Korean names are written whole, so Hangul words of 2-4 syllables side by side are several people ('홍길동
    김철수 기자'); Chinese ones too, but a Japanese name puts a space between family and given name ('山田 太郎'):
    Han words side by side are several people only with `han_lists` (the page is Chinese: '记者 李明 王芳').
    `declared_person`: the place types the name a person (a JSON-LD Person): initials opening it are no outlet's."""
    people: list[str] = []
    agencies: list[tuple[str, str]] = []
    organisations: list[str] = []
    site_keys = _site_keys(tuple(site_names))  # (a tuple is its own tuple: no copy)
    site_words = _site_words(tuple(site_names))
    for line in _short_lines(text or ""):
        if _NOT_PLAIN.search(line):
            line = _URL_MAIL_HANDLE.sub(" ", line)
            line = _BRACKETED.sub(lambda m: " | " + m.group(1) if _AGENCY_HINT(m.group(1))
                                  and agency_name(m.group(1)) else " ", line)
            dates = find_dates(line)
            for i, d in reversed(list(enumerate(dates))):
                # (the first date after a name is marked: what follows it is the dateline's place, round 23)
                mark = _DATE_MARK if i == 0 and _HAS_LETTER.search(line, 0, d.start) else " | "
                line = line[:d.start] + mark + line[d.end:]
            if dates:
                line = _WEEKDAY_BEFORE_DATE.sub(" | ", line)
            line = _CLOCK_TIME.sub(" | ", line)
            line = _NUMERIC_DATE.sub(" | ", line)
        if _HAS_DANGLING_WORD(line):
            line = _DANGLING_WORD.sub(" | ", line)
        long_list = len(_NAME_WORD.findall(line)) > BYLINE_LINE_WORDS
        if (long_list and not _names_list(line)) or _PICTURE_CREDIT(line) >= 0:
            continue  # a sentence or a picture credit, not a byline
        unprefixed = _without_prefixes(line)
        if not structured and len(unprefixed) == len(line) and line.rstrip().endswith(("...", "…")):
            continue  # a teaser cut short ('Newsies Stars Corey Cott and Kara Lindsa...': a ticker; round 25)
        suffix = role_suffix_start(unprefixed)
        if suffix > 0:  # '홍길동 기자', '山田太郎記者': the role states a byline as a prefix does
            unprefixed = unprefixed[:suffix]
        caseless_ok = structured or len(unprefixed) != len(line)
        line = unprefixed
        parts = [p for p in _NAME_SPLIT.split(line) if _HAS_LETTER.search(p) or p == _DATE]
        if len(parts) - (_DATE in parts) > BYLINE_PARTS:
            continue  # a list of topics or tags
        named, agencies_named, organisations_named = len(people), len(agencies), len(organisations)
        # (a part opening with a role after a name on a line that joins no names with 'and' is the job and where it
        # is done, below; 'Attorney Ilona Bray & Attorney Richard A. Boswell' names two)
        jobs_after_names = "&" not in line and " and " not in line.lower()
        every, _ = _read_parts(parts, site_keys, caseless_ok, people, agencies, organisations, jobs_after_names,
                               declared_person, site_words)
        if long_list and (not every or len(people) - named < len(parts)):
            # a line over the words' limit is read only as a list of people, each part one (round 27)
            del people[named:], agencies[agencies_named:], organisations[organisations_named:]
            continue
        if len(people) == named and _may_split_finer(line) and _FINER_SPLIT.search(line):
            # (the lists only grow: their first entries are what they held before this line)
            finer_parts = [q for p in parts for q in _FINER_SPLIT.split(p) if _HAS_LETTER.search(q)]
            before = (people[:], agencies[:agencies_named], organisations[:organisations_named])
            if len(finer_parts) <= BYLINE_PARTS and _read_parts(finer_parts, site_keys, caseless_ok, *before,
                                                                jobs_after_names, declared_person, site_words
                                                                ) == (True, True) \
                    and len(before[0]) > named:
                people, agencies, organisations = before
        if len(people) > named and PICTURE_AGENCY.search(line) is not None:  # (asked of a line naming people only)
            del people[named:], agencies[agencies_named:], organisations[organisations_named:]  # a picture's credit
    if people and not text.isascii():
        people = _spaced_names_split(people, han_lists)
    if any(" " in p for p in people) or organisations or agencies:
        # 'Ben Silverman, Games', 'hessenschau.de, Frankfurt, Germany': beside full names or an
        # organisation, a single word is a section, a role or a place
        people = [p for p in people if " " in p]
    return Byline(people, agencies, organisations)


def _names_list(line: str) -> bool:
    """A byline over `BYLINE_LINE_WORDS` that is a list of names ('By NBC's Kristen Welker, Mark Murray, Carrie Dann
    and Hannah Arnold'): 3+ parts joined by commas or 'and', each of 1-3 words opening with a capital (round 27; the
    caller keeps it only where every part then reads as a person)."""
    parts = _NAME_SPLIT.split(_without_prefixes(line).strip())
    return 3 <= len(parts) <= BYLINE_PARTS and all(
        0 < len(words := part.split()) <= 3 and all(w[:1].isupper() for w in words) for part in parts)


_HANGUL_NAME = re.compile(r"[가-힣]{2,4}")
_HAN_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,4}")


def _spaced_names_split(people: list[str], han_lists: bool) -> list[str]:
    """People whose 'name' is several Korean (or, with `han_lists`, Chinese) names side by side, one each."""
    out: list[str] = []
    for name in people:
        words = name.split()
        if len(words) >= 2 and (all(map(_HANGUL_NAME.fullmatch, words)) or (
                han_lists and all(map(_HAN_NAME.fullmatch, words)))):
            out += [w for w in words if w not in out]
        elif name not in out:
            out.append(name)
    return out


def _read_parts(parts: list[str], site_keys: frozenset[str], caseless_ok: bool, people: list[str],
                agencies: list[tuple[str, str]], organisations: list[str],
                jobs_after_names: bool = False, declared_person: bool = False,
                site_words: frozenset[str] = frozenset()) -> tuple[bool, bool]:
    """The parts of a byline line added to the people, agencies and organisations named so far. Whether each part
    was read as one of them or as a role, and whether one was read as an agency, a role or an organisation by its
    words (not only as a word in capitals)."""
    every, other = True, False
    after_role = after_outlet = False
    named = len(people) + len(agencies) + len(organisations)
    people_before = len(people)
    after_date = False
    for part in parts:
        if part == _DATE:
            # after someone named, a byline's date is followed by where the story was filed ('By Editorial Staff •
            # Nov 6, 2012 • New York City', 'By Jane Doe | May 3, 2021 | Berlin'), not by another author (round 23);
            # an agency there is still the story's ('By Jane Doe | May 3, 2021 | Reuters')
            after_date = after_date or len(people) + len(agencies) + len(organisations) > named
            continue
        # (stripping drops no letter: every part kept above holds one, and holds it still)
        part = part.strip(" \t.:-–—|,;·•\"'“”«»")
        part = _without_prefixes(part, " .:-–—")
        agency = (agency_name(part) or agency_from_credit(part)) if _AGENCY_HINT(part) else None
        if agency:
            if (part, agency) not in agencies:
                agencies.append((part, agency))
            other = True
            continue
        if after_date:
            continue
        outlet = _newsroom_staff(part, site_keys, site_words)
        if outlet:
            if outlet not in organisations:
                organisations.append(outlet)
            other = True
            continue
        owner = _OUTLET_POSSESSIVE.match(part) if "'s " in part or "’s " in part else None
        if owner is not None and " " in owner[2] and _is_person_name(owner[2]):
            # "NBC's Kristen Welker": the person, and the outlet named before her (round 26)
            if owner[1] not in organisations:
                organisations.append(owner[1])
            part, other = owner[2], True
        name = _strip_roles(part)
        if not name or _is_job_title(part, name) or (jobs_after_names and len(people) > people_before
                                                     and name != part and _opens_with_role(part)):
            # a part of roles alone ('Staff Writer'): what follows names where the person works
            # ('Cedric Dupont, Product Manager, Google Maps'); after a name on its line, a part opening with a role
            # names the job and where it is done ('Dave Cohen, Engineer Google Photos'; round 24)
            after_role = after_role or bool(people)
            other = True
            continue
        if " " in name and not after_role and _AGENCY_HINT(name):
            # 'JOANN LOVIGLIO Associated Press': a wire byline's agency after the name, without a comma (round 16)
            person, closing = _agency_after_name(name)
            if closing:
                if closing not in agencies:
                    agencies.append(closing)
                name, other = person, True
        if after_role or _is_organisation(name, site_keys, declared_person):
            if name not in organisations:
                organisations.append(name)
            other = other or " " in name or not name.isupper()
            # a part after a person's outlet is where the outlet reports from, not another author ('By Nada
            # Tawfik, BBC News, New York'; round 22)
            after_outlet = after_outlet or bool(people)
            continue
        if after_outlet:
            continue
        if name.isupper() and len(name) > 3:
            name = name.title()  # 'JOE HILDEBRAND' -> 'Joe Hildebrand'
        elif " " in name and _CAPITALS_WORD.search(name):
            name = _CAPITALS_WORD.sub(lambda m: m[0].capitalize(), name)  # 'Ian LYNAM' -> 'Ian Lynam' (round 16)
        if " in " in name and not _is_person_name(name, caseless_ok):
            # 'Posted by: Paul Horowitz in iPad', 'Posted by lasagnechef in Arsenal News': the post's category after
            # the name (round 16)
            name = name.split(" in ", 1)[0].strip()
        if _is_person_name(name, caseless_ok):
            if name not in people:
                people.append(name)
        else:
            every = False
    return every, other


# a word of 4+ capitals in a name written otherwise in capitals and small letters (not an acronym of 2-3: 'CNN')
_CAPITALS_WORD = re.compile(r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ]{4,}(?![\w'’-])")


def _agency_after_name(name: str) -> tuple[str, tuple[str, str] | None]:
    """'JOANN LOVIGLIO Associated Press' -> ('JOANN LOVIGLIO', ('Associated Press', 'Associated Press')): a name
    of 2+ words followed by a wire agency's name (its last 1-3 words); (name, None) when none closes it."""
    words = name.split()
    for k in (1, 2, 3):
        if len(words) - k < 2:
            break
        text = " ".join(words[-k:])
        agency = agency_name(text)
        if agency:
            return " ".join(words[:-k]), (text, agency)
    return name, None



def _without_prefix(text: str) -> str:
    """The text without a byline prefix ('By ', 'Autor: '). The same as `BY_PREFIX.sub("", text)`: the pattern
    matches only at the start and never empty; `match` tries that one place, `sub` every place."""
    end = by_prefix_end(text)
    return text[end:] if end >= 0 else text


def _without_prefixes(text: str, strip: str | None = None) -> str:
    """`for _ in range(2): text = _without_prefix(text).strip(strip)` (`strip` None: no strip), with the
    second round only when the first changed the text: on a text it left as it was, the second would do
    the same again (most texts hold no prefix)."""
    end = by_prefix_end(text)
    first = text[end:] if end >= 0 else text
    if strip is not None:
        first = first.strip(strip)
    if first is text or first == text:
        return first
    second = _without_prefix(first)
    return second.strip(strip) if strip is not None else second


def _short_lines(text: str, count: int = 3) -> list[str]:
    """The first `count` lines of at most BYLINE_LINE_CHARS characters, NFKC-normalised. Line by line,
    which is the same as normalising the whole text first ('\n' neither composes nor comes out of a
    decomposition) and stops early in a long author box."""
    lines: list[str] = []
    for line in text.split("\n"):
        if not line.isascii():
            line = unicodedata.normalize("NFKC", line)
            if "\xad" in line:  # soft hyphens a page sets for line breaking ('Von Mat\xadthi\xadas Lauerer')
                line = line.replace("\xad", "")
        if len(line) <= BYLINE_LINE_CHARS:
            lines.append(line)
            if len(lines) == count:
                break
    return lines


def _strip_roles(part: str) -> str:
    words = part.split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        words = words[:half]  # a name shown twice (a visible and a screen-reader copy)
    while words and words[-1].lower().strip(".,") in _ROLE_WORDS:
        words.pop()
    # a link's label after the name ('Jose Altoveros View More Articles'): two or more such words closing a name
    trailing = 0
    while trailing < len(words) and words[-1 - trailing].lower().strip(".,:") in _NOT_A_NAME:
        trailing += 1
    if trailing >= 2 and len(words) - trailing >= 2:
        del words[-trailing:]
    while words and words[0].lower().strip(".,") in _ROLE_WORDS and len(words) > 2:
        words.pop(0)
    return " ".join(words).strip(" .,:;-–—")



def _is_job_title(part: str, name: str) -> bool:
    """`part` closes with a role and what is left before it (`name`, `_strip_roles(part)`) holds one too: a job
    title ('New Business Development Director', 'Senior Vice President'), not a name with its role after it
    ('Jane Doe Staff Writer' -> 'Jane Doe'; round 23)."""
    return len(name) < len(part) and not _ROLE_WORDS.isdisjoint(w.lower().strip(".,") for w in name.split())


_ARTICLE = re.compile(r"^(?:the|die|der|das|la|le|les|el|il|lo|de|het)\s+", re.I)
_ORG_ARTICLES = ("Die ", "Der ", "Das ", "Het ")



# an outlet's possessive before a name: "NBC's Kristen Welker", "The Daily Rundown's Chuck Todd"
_OUTLET_POSSESSIVE = re.compile(r"((?:[A-Z][\w&.-]*\s){0,3}[A-Z][\w&.-]*)['’]s\s+(\S.*)")



def _is_organisation(name: str, site_keys: frozenset[str], declared_person: bool = False) -> bool:
    """Whether a byline's name is an organisation's; `declared_person`: the place types it a person (a JSON-LD
    Person), whose call letters are initials ('KVS Ramana')."""
    if " " not in name and name.isupper() and len(name) >= 3:
        return True  # 'ARD', 'NDR': an acronym alone names an organisation, not a person
    if _opens_as_desk(name) or (not declared_person and _opens_with_acronym(name, site_keys)):
        return True
    article = _ARTICLE.match(name)  # (the pattern matches only at the start: `_ARTICLE.sub("", name)`)
    bare = name[article.end():] if article else name
    if article and bare and (name.startswith("The ") and " " in bare or name.startswith(_ORG_ARTICLES)):
        # 'The Philippine Star': no person's name opens with an English article (round 24), nor with a German or
        # Dutch one ('Die Grünen Bundestagsfraktion', 'Der Tagesspiegel', 'Het Parool'; round 25); French, Spanish,
        # Italian and Portuguese ones open surnames ('Le Pen', 'La Russa', 'El Khoury'), so not those
        return True
    if fold_text(bare) in site_keys or fold_text(name) in site_keys:
        # a personal site is named after its author ('Wolfgang Michal' on wolfgangmichal.de)
        return not (bare == name and len(name.split()) >= 2 and _is_person_name(name) and not name.isupper()
                    and not _has_org_word(name) and not _is_domain_like(name))
    return _has_org_word(name) or _is_domain_like(name) or (not name.isascii() and name.endswith(_CJK_ORG_ENDINGS))



_PARTICLES = frozenset("von van der den de del della di da dos das du le la lo bin ibn al el y e zu ten ter af av "
                       "st. st".split())
_CALENDAR_WORDS = frozenset([*(name for language in ("en", "de", "fr", "es") for name in WEEKDAY_NAMES[language]),
                             "today", "heute", "gestern", "yesterday"])


# particles that cannot open a name ('St. John', 'Al Gore', 'van Gogh' can)
_OPENING_PARTICLES = _PARTICLES - {"st.", "st", "al", "el", "de", "van", "von"}
_ASCII_DIGIT = re.compile(r"[0-9]")
_BAD_NAME_CHAR = re.compile(r"[!?=<>{}\[\]#*+:;\"“”|©®@/\\]")


def _is_person_name(name: str, caseless_ok: bool = False) -> bool:
    """A plausible personal name or a user's handle: 1-5 words, letters, no sentence punctuation;
    several words all capitalised (name particles aside), or, with `caseless_ok`, words of a script
    without capitals; no calendar word or generic label."""
    if len(name) > 60 or len(name) < 2:
        return False
    words = name.split()
    if not 1 <= len(words) <= 5:
        return False
    low = name.lower()
    lows = low.split()  # the words lower-cased (lower-casing neither makes nor removes white space)
    # (set operations and `map` rather than generators over the words: the same tests, without a Python step each)
    if low in _NOT_A_NAME or _NOT_NAME_OR_ROLE.issuperset(lows):
        return False
    if _BAD_NAME_CHAR.search(name):
        return False
    if not _CALENDAR_WORDS.isdisjoint(map(str.strip, lows, repeat(".,"))):
        return False
    if not all(map(_HAS_LETTER.search, words)):
        return False
    if len(words) == 1 and len(name) > 3 and MONTHS.get(low) is not None:
        return False
    if len(words) == 1:
        return not name.isdigit() and _HAS_LETTER.search(name) is not None
    if _ASCII_DIGIT.search(name) if name.isascii() else any(map(str.isdigit, name)):
        return False  # (an ASCII character is a digit for `str.isdigit` when it is 0-9)
    if lows[-1] in _PARTICLES or lows[0] in _OPENING_PARTICLES:
        return False
    # (a letter neither upper- nor lower-case is of a script without capitals)
    return all(w[0].isupper() or not w[0].isalpha() or lw in _PARTICLES or (caseless_ok and not w[0].islower())
               for w, lw in zip(words, lows))


_LOWER_WORD = re.compile(r"(?<![\w.'’-])[a-zà-öø-ÿ][a-zà-öø-ÿ'’-]{3,}")
_HEADING_SEPARATORS = re.compile(r"\s+[|–—:-]\s+|\s*[|｜]\s*")


def is_heading_of_words(line: str, people: list[str], headings: tuple[str, ...], blocks: list[str] | tuple[str, ...]
                        ) -> bool:
    """A line that `parse_byline` reads as several full names ('Narayana Murthy Clarifies, Says Did Not Fund Kejriwal',
    'Best WordPress Themes, Plugins and Blogging Resources') is a heading of capitalised words, not a byline, when it
    is one of the page's headlines (its `<h1>`, its `<title>` or a part of it, its og:title), or when the last word
    of every name (of 4+ letters) stands in lower case in the page's text: a noun ('Themes', 'Receptors', 'Design'),
    where a family name is written with its capital (round 16)."""
    key = fold_text(line)
    for heading in headings:
        if heading and (key == fold_text(heading) or any(
                key == fold_text(part) for part in _HEADING_SEPARATORS.split(heading) if len(part) < len(heading))):
            return True
    lasts = [p.split()[-1].casefold() for p in people]
    if not all(len(w) >= 4 and w.isalpha() for w in lasts):
        return False
    lower = set()
    for block in blocks:
        if block != line:
            lower.update(_LOWER_WORD.findall(block))
    return all(w in lower for w in lasts)
