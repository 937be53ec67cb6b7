"""blockfeatures: site-independent evidence about each line of a page, as a numeric matrix.

The boilerpipe / Web2Text family of features, computed from the page alone for each line that
resiliparse's main-content pass keeps: the line's size, link share, block tag, sentence shape, where
it sits relative to the page's headline and its run of long paragraphs (the story's body), and the
same figures for its neighbours. `FEATURE_NAMES` documents the columns; the block model
(`dedup/text/blockmodel.py`) is trained on exactly these columns, so any change here needs a new model
version (`scripts/train_block_model.py`). Lines in scripts written without spaces count in word-equivalents
(`wordcount`, round 9 of docs/extraction.md); lines in scripts without letter case get their sentence ends,
commas and an estimated capitalised share (round 10). A line without such characters gets exactly the
features it always had, so the shipped models stayed valid.
"""

from __future__ import annotations

import math
import re

import numpy as np

from dedup.jit import jit
from dedup.text.layout import Line
from dedup.text.wordcount import (CASELESS_END_PUNCT, LINE_MEMO, SPACELESS_END_PUNCT, caseless_commas,
                                  caseless_sentence_starts, caseless_words, spaceless_commas, spaceless_words)
from dedup.memory import memo
from dedup.text.uilabels import CHROME_WORDS

_END_PUNCT = tuple('.!?"”’\'»:;)')
_WORD = re.compile(r"\w+")
# a capital letter at the start of a word (Latin, Greek, Cyrillic): a C-speed count, not a loop per word.
# Line texts are whitespace-tidied (one space between words), so a word starts the line or follows a
# space: the regex skips from space to space instead of testing a look-behind at every character.
_CAPITAL = "A-ZÀ-ÖØ-ÞΑ-ΩА-Я"
_CAPITAL_FIRST = re.compile(f"[{_CAPITAL}]")
_CAPITAL_AFTER_SPACE = re.compile(f" [{_CAPITAL}]")
# Scripts without letter case (Arabic, Hebrew, Devanagari, Bengali, Tamil, Georgian, Hangul...): their lines
# would have a capitalised share of 0, which English prose never has. A word of theirs counts as capitalised
# where a cased script writes a capital for sure (the line's first word, a sentence's first word) and, for
# the rest, at the rate of English prose's other capitals (names): long gold lines of the four gold corpora
# have a capitalised share of 0.126 and 0.055 sentence starts per word, (0.126 - 0.055) / (1 - 0.055) = 0.075
CASELESS_CAPITAL_RATE = 0.075
LONG_PARAGRAPH_WORDS = 25
LINK_HEAVY = 0.3
PROSE_WORDS = 10  # a line of this many words, mostly not link text, counts as prose for the story's span
SPAN_COSTS = (6, 20)  # words of prose a line must bring to be worth including in the span

# Words that make a short line page chrome on most sites (several languages). A feature, not a rule:
# the model weighs it with the line's shape and place, so "Share" inside a sentence costs nothing.
_CHROME_WORDS = frozenset("""
advertisement advertisements advertising anzeige werbung publicité publicidad pubblicità reklama iklan
sponsored promoted share shares tweet pin print email e-mail mail comments comment reply replies
subscribe newsletter sign log login logout register cookie cookies privacy terms copyright rights
reserved related recommended popular trending read more next previous prev back top skip menu search
home navigation caption photo photos gallery video videos follow like likes posted tags tagged filed
trackback rss feed permalink weather hide show close toggle loading click here contact about
author authors partners imprint sitemap faq subscribers subscription account cart basket
teilen geteilt kommentare kommentar kommentieren drucken empfehlen weiterlesen lesen weitere zurück
startseite suche menü anmelden abmelden abonnieren registrieren einloggen impressum datenschutz kontakt
meistgelesen meistgelesene meistgelesenen beliebteste beliebt neueste ähnliche verwandte themen
schlagworte folgen bildergalerie galerie bild bilder foto fotos quelle bewerten merken inhalte laden
lade autor autorin redaktion
partager commentaires commentaire réagir lire abonnez abonner inscrire inscrivez connexion recherche
accueil mentions légales confidentialité imprimer envoyer suivez suivre populaires voir auteur
compartir comentarios comentario leer suscríbete suscribirse iniciar sesión buscar inicio contacto
imprimir enviar síguenos relacionados relacionadas noticias populares autor
condividi commenti commento leggi iscriviti accedi cerca contatti stampa seguici correlati articoli
compartilhar partilhar comentários leia assine entrar pesquisar contato siga notícias
delen reacties lees abonneer inloggen zoeken advertentie deel volg gerelateerd
udostępnij komentarze komentarz czytaj zaloguj szukaj drukuj obserwuj powiązane polecane najnowsze popularne
""".split()) | CHROME_WORDS  # and the other languages' (round 33)

BASE_FEATURE_NAMES = (
    # the line itself
    "log_words", "log_chars", "link_share", "all_link", "links",
    "tag_p", "tag_h1", "tag_h2_6", "tag_pre", "tag_none",
    "ends_sentence", "commas_per_word", "digit_share", "capitalised_share", "has_separator",
    "is_title", "chrome_words_share", "mean_word_len",
    # its place on the page
    "position", "before_body", "after_body", "log_dist_to_body", "before_title", "has_title",
    "log_page_words", "share_of_page_words",
    # neighbours: previous, next, two before, two after (each: log_words, link_share, tag_p, tag_none,
    # ends_sentence)
    *(f"{side}_{name}" for side in ("prev", "next", "prev2", "next2")
      for name in ("log_words", "link_share", "tag_p", "tag_none", "ends_sentence")),
    # a window of 3 lines either side
    "win_link_share", "win_log_words", "win_long_paragraphs",
)
# the main-content model's columns: the base ones and where the line stands against the story's end (the
# whole-page model, trained on pages of mostly chrome, reads the base columns only)
FEATURE_NAMES = (
    *BASE_FEATURE_NAMES,
    # the story's span: the run of lines with the most prose net of a cost per line (max-sum segment, the
    # BTE idea), at a low and a high cost per line: inside it, lines after its end, lines before its start
    *(f"span{cost}_{name}" for cost in SPAN_COSTS for name in ("inside", "log_after", "log_before")),
    # share of the page's prose words after and before the line (a word-weighted position)
    "prose_after_share", "prose_before_share",
    # the line's section (from one heading to the next): link share, long-paragraph share, lines, words
    "section_link_share", "section_long_share", "section_log_lines", "section_log_words",
)
_NEIGHBOUR_COLUMNS = (0, 2, 5, 9, 10)
_IS_TITLE = FEATURE_NAMES.index("is_title")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


_DIGIT_BYTES = b"0123456789"


def _has_separator(text: str) -> bool:
    """Does the line hold one of | • · » › (a separator of menu items or breadcrumbs)?"""
    # five `in` tests (memchr; a character the string's width cannot hold is ruled out at once): ~5x a
    # regex character class, which tests every position in Python's engine
    return "|" in text or "•" in text or "·" in text or "»" in text or "›" in text


# The columns of a line that depend on its text alone, remembered for the lines seen last: a site's chrome
# lines stand on each of its pages and a story's paragraphs on each copy (pure: the same values); as many lines as
# `wordcount` remembers (`LINE_MEMO`)


@memo(LINE_MEMO)
def _text_columns(text: str) -> tuple:
    """(words, characters, digits, commas, ends a sentence, capitals, word-equivalents of a script without
    spaces or None, holds a separator, chrome-word share) of a line's text, for `_line_row`."""
    n_chars = len(text)
    data = text.encode("utf-8", "surrogatepass")  # an ASCII digit is one byte, never part of another character
    digits = len(data) - len(data.translate(None, _DIGIT_BYTES))
    n_words: float = text.count(" ") + 1  # lines are whitespace-tidied: one space between words
    # Chinese, Japanese, Thai... write no spaces: their lines count in word-equivalents, their 。 ends a sentence
    # and their ，、 are commas (None for a line without such characters: counted as above)
    spaceless = None if text.isascii() else spaceless_words(text)
    commas = text.count(",")
    ends = text.endswith(_END_PUNCT)
    if spaceless is not None:
        n_words = max(1.0, spaceless)
        commas += spaceless_commas(text)
        ends = ends or text.endswith(SPACELESS_END_PUNCT)
    capitals: float = len(_CAPITAL_AFTER_SPACE.findall(text)) + (_CAPITAL_FIRST.match(text) is not None)
    # words of scripts without letter case: their sentence ends (danda, Arabic question mark...), the Arabic
    # comma, and capitals where a cased script would write them (0 for a line without such words: a line of
    # cased scripts only keeps exactly its features)
    caseless = 0 if text.isascii() else caseless_words(text)
    if caseless:
        commas += caseless_commas(text)
        ends = ends or text.endswith(CASELESS_END_PUNCT)
        starts = caseless_sentence_starts(text)
        capitals += starts + CASELESS_CAPITAL_RATE * (caseless - starts)
    chrome = 0.0
    if n_words <= 8:
        lowered = _WORD.findall(text.lower())
        if lowered:
            chrome = sum(w in _CHROME_WORDS for w in lowered) / len(lowered)
    return n_words, n_chars, digits, commas, ends, capitals, spaceless, _has_separator(text), chrome


def _line_row(line: Line, title_norm: str, title_words: frozenset[str]) -> tuple:
    row, n_words, spaceless = _line_columns(line.text, line.tag, line.link_chars, line.links)
    if title_words and n_words <= 40:
        text = line.text
        # a line that equals or holds the title starts with a title word: test that before folding it all
        first = _WORD.search(text)
        if first is not None and first.group(0).lower() in title_words:
            lowered = _WORD.findall(text.lower())
            if lowered and lowered[0] in title_words:
                norm = " ".join(lowered)
                # (15 characters: about 3 words; as many words of a script without spaces are fewer characters)
                if norm == title_norm or ((len(norm) > 15 or (spaceless is not None and n_words > 3))
                                          and (norm in title_norm or title_norm in norm)):
                    return row[:_IS_TITLE] + (1.0,) + row[_IS_TITLE + 1:]
    return row


@memo(LINE_MEMO)
def _line_columns(text: str, tag: str, link_chars: int, links: int) -> tuple[tuple, float, float | None]:
    """(`_line_row` of a line that is not the title, its words, its word-equivalents of a script without spaces or
    None): every column but `is_title` depends on the line alone, and a site's chrome lines and a story's
    paragraphs come back with the same tag and links on page after page (speed round 22)."""
    n_words, n_chars, digits, commas, ends, capitals, spaceless, separator, chrome = _text_columns(text)
    link_share = min(1.0, link_chars / n_chars) if n_chars else 0.0
    return (
        math.log1p(n_words), math.log1p(n_chars), link_share, 1.0 if link_share > 0.9 else 0.0,
        min(links, 5) / 5,
        1.0 if tag == "p" else 0.0, 1.0 if tag == "h1" else 0.0,
        1.0 if tag in ("h2", "h3", "h4", "h5", "h6") else 0.0, 1.0 if tag == "pre" else 0.0,
        1.0 if tag == "" else 0.0,
        1.0 if ends else 0.0,
        commas / n_words, digits / max(1, n_chars),
        capitals / n_words,
        1.0 if separator else 0.0,
        0.0, chrome, (n_chars - n_words + 1) / n_words,
    ), n_words, spaceless


_N_BASE_LINE = 18  # the line's own columns (`_line_row`)
_N_BASE = len(BASE_FEATURE_NAMES)
# columns that hold log1p of a count or a distance: the kernel writes the argument, numpy takes the logarithm
# (as it did when these columns were numpy expressions: the same function on the same values)
_LOG_COLUMNS = np.array([BASE_FEATURE_NAMES.index("log_dist_to_body"),
                         *(FEATURE_NAMES.index(f"span{cost}_{name}") for cost in SPAN_COSTS
                           for name in ("log_after", "log_before")),
                         FEATURE_NAMES.index("section_log_lines"), FEATURE_NAMES.index("section_log_words")])
_LOG_BASE = _LOG_COLUMNS[_LOG_COLUMNS < _N_BASE]


def block_features(lines: list[Line], title: str | None, story_end: bool = True) -> np.ndarray:
    """(n lines, len(FEATURE_NAMES)) float64 matrix for one page; `story_end=False`: the
    BASE_FEATURE_NAMES columns only."""
    n = len(lines)
    width = len(FEATURE_NAMES if story_end else BASE_FEATURE_NAMES)
    if n == 0:
        return np.zeros((0, width))
    title_norm = _norm(title) if title else ""
    title_words = frozenset(title_norm.split())
    X = np.array([_line_row(line, title_norm, title_words) for line in lines], dtype=np.float64)
    words = np.expm1(X[:, 0])
    total_words = max(1.0, words.sum())
    # the page's columns from the line columns, in one compiled pass: the ~40 numpy operations on arrays of a
    # few dozen lines they took cost more in calls than in arithmetic (~0.3 ms a page); the same operations
    # on the same values in the same order, so the same bits (tests/test_blockfeatures.py holds them equal)
    out = _page_columns(X, words, total_words, math.log1p(total_words), width)
    logs = _LOG_COLUMNS if story_end else _LOG_BASE
    out[:, logs] = np.log1p(out[:, logs])
    return out


@jit
def _page_columns(X: np.ndarray, words: np.ndarray, total_words: float, log_total: float,
                  width: int) -> np.ndarray:
    """The feature matrix with its page columns (place, neighbours, window and, when `width` has room, the
    story's end) computed from the line columns `X`; a column of `_LOG_COLUMNS` holds its log1p's argument."""
    n = X.shape[0]
    out = np.zeros((n, width))
    for i in range(n):
        for j in range(_N_BASE_LINE):
            out[i, j] = X[i, j]
    long_par = np.zeros(n, np.bool_)
    first, last, title_at = n, -1, -1
    for i in range(n):
        long_par[i] = words[i] >= LONG_PARAGRAPH_WORDS and X[i, 2] < LINK_HEAVY
        if long_par[i]:
            if last < 0:
                first = i
            last = i
        if title_at < 0 and X[i, _IS_TITLE] > 0:
            title_at = i
    # distance to the nearest long paragraph (n where there is none on that side)
    left = np.full(n, n, np.int64)
    right = np.full(n, n, np.int64)
    prev = -1
    for i in range(n):
        if prev >= 0:
            left[i] = i - prev
        if long_par[i]:
            prev = i
    nxt = -1
    for i in range(n - 1, -1, -1):
        if long_par[i]:
            nxt = i
        if nxt >= 0:
            right[i] = nxt - i
    c = _N_BASE_LINE
    for i in range(n):
        out[i, c] = i / n
        out[i, c + 1] = 1.0 if i < first else 0.0
        out[i, c + 2] = 1.0 if i > last else 0.0
        out[i, c + 3] = min(min(left[i], right[i]), 50)
        out[i, c + 4] = 1.0 if title_at >= 0 and i < title_at else 0.0
        out[i, c + 5] = 1.0 if title_at >= 0 else 0.0
        out[i, c + 6] = log_total
        out[i, c + 7] = words[i] / total_words
    # neighbours: previous, next, two before, two after (zeros past either end of the page)
    c += 8
    for k, shift in enumerate((-1, 1, -2, 2)):
        for i in range(n):
            at = i + shift
            if 0 <= at < n:
                for m in range(5):
                    out[i, c + 5 * k + m] = X[at, _NEIGHBOUR_COLUMNS[m]]
    # a window of 3 lines either side: the mean of (link share, log words, long paragraph)
    c += 20
    csum = np.zeros((n + 1, 3))
    for i in range(n):
        csum[i + 1, 0] = csum[i, 0] + X[i, 2]
        csum[i + 1, 1] = csum[i, 1] + X[i, 0]
        csum[i + 1, 2] = csum[i, 2] + (1.0 if long_par[i] else 0.0)
    for i in range(n):
        lo = max(i - 3, 0)
        hi = min(i + 4, n)
        for m in range(3):
            out[i, c + m] = (csum[hi, m] - csum[lo, m]) / (hi - lo)
    c += 3
    if width > c:
        _story_end(X, words, out, c)
    return out


@jit(inline="always")
def _span(score: np.ndarray) -> tuple[int, int]:
    """(first, last) line of the contiguous run with the largest sum of `score`; (-1, -2) if none is positive."""
    n = score.shape[0]
    cum = np.zeros(n + 1)
    for i in range(n):
        cum[i + 1] = cum[i] + score[i]
    # gain[i] = cum[i + 1] - min(cum[:i + 1]); the first largest gain ends the run
    low = cum[0]
    last, best = 0, cum[1] - low
    for i in range(1, n):
        low = min(low, cum[i])
        gain = cum[i + 1] - low
        if gain > best:
            last, best = i, gain
    if best <= 0:
        return -1, -2
    # its start: the last of the smallest sums before it
    first, low = last, cum[last]
    for j in range(last - 1, -1, -1):
        if cum[j] < low:
            first, low = j, cum[j]
    return first, last


@jit(inline="always")
def _story_end(X: np.ndarray, words: np.ndarray, out: np.ndarray, c: int) -> None:
    """Where the story's prose starts and ends, and what a line's section says: chrome after the story
    (author boxes, teaser lists under a heading, credits, comment threads) sits outside the span of prose,
    or in a section of short linked lines. Written into `out` from column `c`."""
    n = X.shape[0]
    prose = np.zeros(n)
    for i in range(n):
        if words[i] >= PROSE_WORDS and X[i, 2] < LINK_HEAVY:
            prose[i] = words[i] * (1 - X[i, 2])
    for k in range(2):
        cost = SPAN_COSTS[k]
        first, last = _span(prose - cost)
        for i in range(n):
            out[i, c] = 1.0 if first <= i <= last else 0.0
            out[i, c + 1] = max(i - last, 0) if last >= 0 else 0
            out[i, c + 2] = max(first - i, 0) if first >= 0 else 0
        c += 3
    cum = np.zeros(n)
    acc = 0.0
    for i in range(n):
        acc += prose[i]
        cum[i] = acc
    total = max(1.0, cum[n - 1])
    for i in range(n):
        out[i, c] = (total - cum[i]) / total
        out[i, c + 1] = (cum[i] - prose[i]) / total
    c += 2
    # a heading (h1-h6) opens a section
    section = np.zeros(n, np.int64)
    s = 0
    for i in range(n):
        if X[i, 6] + X[i, 7] > 0:
            s += 1
        section[i] = s
    m = s + 1
    sec_words = np.zeros(m)
    sec_link = np.zeros(m)
    sec_long = np.zeros(m)
    sec_lines = np.zeros(m, np.int64)
    for i in range(n):
        b = section[i]
        sec_words[b] += words[i]
        sec_link[b] += words[i] * X[i, 2]
        sec_long[b] += words[i] if words[i] >= LONG_PARAGRAPH_WORDS else 0.0
        sec_lines[b] += 1
    for b in range(m):
        sec_words[b] = max(1.0, sec_words[b])
    for i in range(n):
        b = section[i]
        out[i, c] = sec_link[b] / sec_words[b]
        out[i, c + 1] = sec_long[b] / sec_words[b]
        out[i, c + 2] = sec_lines[b]
        out[i, c + 3] = sec_words[b]
