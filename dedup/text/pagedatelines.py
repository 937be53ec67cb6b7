"""pagedatelines: which visible line of a page is a date line, and what its label says of the date.

Pure row logic for `dedup.text.pagedates`: the publication and update labels ('Published:', 'Aktualisiert am',
'发布时间'), whether a date stands inside a sentence, a forum post's header date, the first date line further below
the headline (its years found by `str.find`, up to a comment section) and the labelled lines among the later
main-content blocks. Each date is read by `dedup.text.dateevidence`; the decision is `dedup.text.pagedates`'s.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator

from dedup.text.commentsections import comments_start
from dedup.text.dateevidence import OTHER_YEARS, DateEvidence, find_page_dates
from dedup.text.dates import TextDate, find_dates
from dedup.text.headlineregion import lines_below
from dedup.text.normalise import caseless_finder
from dedup.text.quotedposts import is_post_header
from dedup.text.wordcount import SPACELESS_COMMAS, spaceless_words, word_count

# words that name a publication date; 'Stand' ('Stand: 28.04.2020 18:00 Uhr', German news' "as of") names the
# version the page shows, which is what a citation gives
_EXPLICIT_PUBLISHED_WORDS = (r"published|posted|publiziert|veröffentlicht|erschienen|erstellt|publié|publicado|"
                             r"pubblicato|gepubliceerd|stand|opublikowano|yay[ıi]nlanma(?:\s+tarihi)?|"
                             r"yay[ıi]n\s+tarihi|"
                             # (round 25: the Scandinavian languages, Finnish, Romanian, Indonesian; few alternatives,
                             # each tried at every place of a line: Hungarian's in the other list below)
                             r"publi(?:cera[dt]|sert|ceret|cat)|offentliggjort|julkaistu|di(?:terbitkan|publikasikan)|"
                             # (round 27: Polish 'Dodano:', 'Data publikacji:', Czech 'Vydáno', 'Datum publikace',
                             # Hungarian 'Megjelent', Turkish 'Eklenme tarihi')
                             r"dodano|data\s+(?:publikacji|dodania)|vyd[aá]no|datum\s+publikace|megjelent|"
                             r"eklenme\s+tarihi|yay[ıi]nland[ıi]")
_PUBLISHED_WORDS = _EXPLICIT_PUBLISHED_WORDS + r"|date|datum|fecha|data"
_MODIFIED_WORDS = (r"update|updated|last\s+updated|modified|last\s+modified|aktualisiert|geändert|zuletzt\s+geändert|"
                   r"letzte\s+änderung|mis\s+à\s+jour|actualizado|actualización|aggiornato|bijgewerkt|atualizado|"
                   r"edited|revised|zaktualizowano|aktualizacja|güncelleme|güncellendi|"
                   r"uppdatera[dt]|op(?:pdatert|dateret)|actualizat|diperbarui|"
                   # (round 27: Polish 'Data aktualizacji:', Romanian 'Ultima actualizare')
                   r"data\s+aktualizacji|actualizare")
# the same labels in Russian, Ukrainian, Czech, Arabic, Chinese, Japanese, Hindi and Korean (and, round 25, the
# Finnish, Hungarian and Romanian ones with a letter outside ASCII): none can match ASCII text, so ASCII text is
# searched without them (`caseless_finder`'s `ascii_pattern`)
_OTHER_PUBLISHED_WORDS = (r"опубликовано|дата\s+публикации|опубліковано|publikováno|zveřejněno|نشر\s+في|تاريخ\s+النشر|"
                          r"نشر|发布时间|发布日期|发表于|發布時間|發佈時間|發表於|公開日|投稿日|प्रकाशित|게시일|입력|"
                          r"δημοσίευση|δημοσιεύθηκε|פורסם|تاریخ\s+انتشار|配信|掲載|发布于|เผยแพร่|วันที่เผยแพร่|"
                          r"منتشر\s+شده|انتشار|közzétéve|publicată|"
                          # (round 27: the Slovak, Hungarian, Romanian, Greek, Russian and Ukrainian forms missing)
                          r"publikované|uverejnené|zverejnené|dátum\s+publikácie|publikálva|megjelenés(?:\s+dátuma)?|"
                          r"data\s+publicării|δημοσιεύτηκε|ημερομηνία\s+δημοσίευσης|опубликован[аы]?|размещено|"
                          r"добавлено|дата\s+публікації|додано|оприлюднено")
_OTHER_MODIFIED_WORDS = (r"обновлено|оновлено|aktualizováno|آخر\s+تحديث|تحديث|更新时间|更新時間|更新於|更新日|अपडेट|"
                         r"अद्यतन|수정|ενημέρωση|ενημερώθηκε|עודכן|最終更新|最后更新|อัปเดต|อัพเดท|แก้ไขล่าสุด|"
                         r"ปรับปรุงล่าสุด|به‌روزرسانی|بروزرسانی|به\s+روز\s+رسانی|päivitetty|frissítve|"
                         # (round 27)
                         r"aktualizované|módosítva|utolsó\s+módosítás|изменено|обновлен[аы]?|змінено|"
                         r"güncellenme(?:\s+tarihi)?")
_AFTER_LABEL = r"(?:\s+(?:am|on|le|el|il|em|at|op))?\W*$"


def _label_finder(opening: str, words: str, other_words: str) -> Callable[[str], bool]:
    """Whether a text holds one of the label words (`opening` before them, `_AFTER_LABEL` after), in any case."""
    return caseless_finder(rf"{opening}(?:{words}|{other_words}){_AFTER_LABEL}", rf"{opening}(?:{words}){_AFTER_LABEL}")


# a label just before the date on its line ('Published: March 3, 2020', 'Updated Jul 24, 2018'), not a
# word of a compound ('Corona-Update 31.01.2022')
PUBLISHED_LABEL = _label_finder(r"(?<![\w-])", _PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)
MODIFIED_LABEL = _label_finder(r"(?<![\w-])", _MODIFIED_WORDS, _OTHER_MODIFIED_WORDS)
# ... or a line of its own before the date's line ('Veröffentlicht am' / '28.01.2022 06:00')
PUBLISHED_LINE = _label_finder(r"^\W*", _PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)
MODIFIED_LINE = _label_finder(r"^\W*", _MODIFIED_WORDS, _OTHER_MODIFIED_WORDS)
# further down the page only an explicit label counts ('Erschienen am: 01.11.2023' under the text; a bare
# 'Datum:' there is as often an event's date)
_EXPLICIT_PUBLISHED_LABEL = _label_finder(r"(?<![\w-])", _EXPLICIT_PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)
_EXPLICIT_PUBLISHED_LINE = _label_finder(r"^\W*", _EXPLICIT_PUBLISHED_WORDS, _OTHER_PUBLISHED_WORDS)


DATE_LINE_CHARS = 140        # a date line: short ...
DATE_LINE_OTHER_WORDS = 9    # ... and little else than the date ('Published by Jane Doe on ...')
BLOCK_LINE_POS = 1 << 40  # the place given to the n-th block's date line: beyond any page position


DATE_BLOCKS = 12  # the first main-content blocks read for any date line


# a forum post's header, the poster and the post's date with its year short ('von lupa am 26/10/13, 03:48 pm', 'by
# jdoe on 10/26/13'): the byline's frame says the number is a date (elsewhere '12.10.20' is as often a version)
_POST_HEADER = re.compile(r"(?:von|by|par|por|door|av)\s+\S[^\n]{0,40}?\s(?:am|on|le|el|op|em)\s+"
                          r"(\d{1,2})([./])(\d{1,2})\2(\d\d)(?![\d./])", re.I)
POST_HEADER_OPENINGS = frozenset("vVbBpPdDaA")


def post_header_date(line: str, day_first: bool) -> list[TextDate]:
    """The date of a forum post's header opening `line` ('von lupa am 26/10/13, 03:48 pm'), its year short; [] when
    the line opens with none."""
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


UPDATE_AFTER_DATE_CHARS = 40  # the text between a date line's date and an update's date after it on the line


def update_label_after_date(line: str, date_end: int, start: int) -> str | None:
    """The update label between a date line's date (ending at `date_end`) and the next date on the line (at `start`):
    'Publié le 3 février 2020 à 10h00 Mis à jour le 5 février 2020 à 12h00', with or without a comma or a dash
    between (round 26). The next date is read with it as if it opened its own line (counted from the line's
    opening, its words made it a sentence and the page's update was lost); None when the text between is more than a
    label or names no update ('3 février 2020 et 5 février 2020')."""
    between = line[date_end:start]
    if len(between) > UPDATE_AFTER_DATE_CHARS or not MODIFIED_LABEL(between):
        return None
    return between


_TAG = re.compile(r"<[^<>]*>")
# a tag that ends a line of the page: the label of a <time> is in the line the <time> opens or continues, never in
# the heading or paragraph closed before it ('<h1>Weekly Update</h1><time …>' is a headline, not a label)
_LINE_BREAK_TAG = re.compile(r"</?(?:h[1-6]|p|div|li|ul|ol|dl|dt|dd|br|hr|header|footer|section|article|aside|nav|"
                             r"figure|figcaption|table|tr|td|th|blockquote|main|address|form)\b[^<>]*>", re.I)


def update_label_before(html: str, pos: int) -> bool:
    """Whether the page's text just before a <time> element at `pos`, in the same line, ends with an update label
    (`MODIFIED_LABEL`): 'Mis à jour le <time …>', '<span>Updated</span> <time …>' (round 26: a <time> with no role
    in its attributes was taken as the published time whatever its label said)."""
    before = html[max(0, pos - UPDATE_AFTER_DATE_CHARS * 4):pos]
    before = before[before.find(">") + 1:] if "<" in before else before
    breaks = [m.end() for m in _LINE_BREAK_TAG.finditer(before)]
    if breaks:
        before = before[breaks[-1]:]
    return MODIFIED_LABEL(_TAG.sub(" ", before)[-UPDATE_AFTER_DATE_CHARS:])


BELOW_WINDOW_AFTER = 15000  # how far below the headline a date line is looked for when nothing nearer states one
# a year not inside a URL's path ('/2012/10/'): a piece of markup without one holds no date line to read
# (opening with the digits it consumes, the look-behind after them: `re` skips to a '1' or '2' instead of trying the
# look-behind at every character, 7x faster)
_YEAR_LIKE = re.compile(r"(?:19|20)(?<![/\d]\d\d)\d\d(?![/\d])")


def year_lines(html: str, start: int, stop: int, other_digits: bool) -> Iterator[tuple[str, str]]:
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


def date_line_below(lines: Iterable[tuple[str, str]], day_first: bool, published: list[DateEvidence],
                     modified: list[DateEvidence], other_digits: bool = False) -> None:
    """The first date line of `lines` ((the line before, the line)), not inside a sentence, an update when labelled
    so on its line or the line before (kinds `date_line_below`, `date_line_below_updated`)."""
    for i, (previous, line) in enumerate(lines):
        if previous.endswith(("says:", "Says:", "sagt:", "dit :")):
            return  # 'Jane Doe / says: / October 10, 2012 at 2:28 am': the comments have begun
        if len(line) <= DATE_LINE_CHARS and ("20" in line or "19" in line or (
                other_digits and OTHER_YEARS.search(line))):
            for d in find_page_dates(line, day_first, limit=1, other_digits=other_digits):
                before = line[:d.start]
                if in_sentence(before, line[d.end:]) or is_post_header(before):
                    continue
                ev = DateEvidence("date_line_below", line, d.at, d.day, BLOCK_LINE_POS + i, d.has_time)
                if MODIFIED_LABEL(before) if before.strip() else MODIFIED_LINE(previous):
                    ev.kind = "date_line_below_updated"
                    modified.append(ev)
                else:
                    published.append(ev)
                return


def labelled_lines(blocks: list[str], day_first: bool, published: list[DateEvidence],
                    modified: list[DateEvidence], other_digits: bool = False) -> None:
    """Date lines with an explicit publication or update label on their line or the line before, among
    `blocks` (kinds `labelled_line`, `labelled_line_updated`; placed after every other line)."""
    previous = ""
    for i, line in enumerate(blocks):
        if len(line) <= DATE_LINE_CHARS and ("20" in line or "19" in line or (
                other_digits and OTHER_YEARS.search(line))):
            for d in find_page_dates(line, day_first, limit=1, other_digits=other_digits):
                before = line[:d.start]
                if word_count(before + line[d.end:]) > DATE_LINE_OTHER_WORDS:
                    continue
                ev = DateEvidence("labelled_line", line, d.at, d.day, BLOCK_LINE_POS + DATE_BLOCKS + i, d.has_time)
                if MODIFIED_LABEL(before) if before.strip() else MODIFIED_LINE(previous):
                    ev.kind = "labelled_line_updated"
                    modified.append(ev)
                elif _EXPLICIT_PUBLISHED_LABEL(before) if before.strip() else \
                        _EXPLICIT_PUBLISHED_LINE(previous):
                    published.append(ev)
        previous = line
