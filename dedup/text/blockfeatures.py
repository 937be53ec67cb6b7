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

from dedup.text.layout import Line
from dedup.text.wordcount import (CASELESS_END_PUNCT, SPACELESS_END_PUNCT, caseless_commas, caseless_sentence_starts,
                                  caseless_words, spaceless_commas, spaceless_words)

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
""".split())

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
_NEIGHBOUR_COLUMNS = [0, 2, 5, 9, 10]
_IS_TITLE = FEATURE_NAMES.index("is_title")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


_DIGIT_BYTES = b"0123456789"


def _has_separator(text: str) -> bool:
    """Does the line hold one of | • · » › (a separator of menu items or breadcrumbs)?"""
    # five `in` tests (memchr; a character the string's width cannot hold is ruled out at once): ~5x a
    # regex character class, which tests every position in Python's engine
    return "|" in text or "•" in text or "·" in text or "»" in text or "›" in text


def _line_row(line: Line, title_norm: str, title_words: frozenset[str]) -> tuple:
    text = line.text
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
    link_share = min(1.0, line.link_chars / n_chars) if n_chars else 0.0
    tag = line.tag
    is_title = chrome = 0.0
    title_like = False
    if title_words and n_words <= 40:
        # a line that equals or holds the title starts with a title word: test that before folding it all
        first = _WORD.search(text)
        title_like = first is not None and first.group(0).lower() in title_words
    if n_words <= 8 or title_like:
        lowered = _WORD.findall(text.lower())
        if title_like and lowered and lowered[0] in title_words:
            norm = " ".join(lowered)
            # (15 characters: about 3 words; as many words of a script without spaces are fewer characters)
            if norm == title_norm or ((len(norm) > 15 or (spaceless is not None and n_words > 3))
                                      and (norm in title_norm or title_norm in norm)):
                is_title = 1.0
        if lowered and n_words <= 8:
            chrome = sum(w in _CHROME_WORDS for w in lowered) / len(lowered)
    return (
        math.log1p(n_words), math.log1p(n_chars), link_share, 1.0 if link_share > 0.9 else 0.0,
        min(line.links, 5) / 5,
        1.0 if tag == "p" else 0.0, 1.0 if tag == "h1" else 0.0,
        1.0 if tag in ("h2", "h3", "h4", "h5", "h6") else 0.0, 1.0 if tag == "pre" else 0.0,
        1.0 if tag == "" else 0.0,
        1.0 if ends else 0.0,
        commas / n_words, digits / max(1, n_chars),
        capitals / n_words,
        1.0 if _has_separator(text) else 0.0,
        is_title, chrome, (n_chars - n_words + 1) / n_words,
    )


def _window_means(cols: np.ndarray, k: int = 3) -> np.ndarray:
    """Mean of each column over the line and k lines either side (fewer at the page's ends)."""
    n = len(cols)
    idx = np.arange(n)
    csum = np.concatenate([np.zeros((1, cols.shape[1])), np.cumsum(cols, axis=0)])
    lo = np.maximum(idx - k, 0)
    hi = np.minimum(idx + k + 1, n)
    return (csum[hi] - csum[lo]) / (hi - lo)[:, None]


def block_features(lines: list[Line], title: str | None, story_end: bool = True) -> np.ndarray:
    """(n lines, len(FEATURE_NAMES)) float64 matrix for one page; `story_end=False`: the
    BASE_FEATURE_NAMES columns only."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES if story_end else BASE_FEATURE_NAMES)))
    title_norm = _norm(title) if title else ""
    title_words = frozenset(title_norm.split())
    X = np.array([_line_row(line, title_norm, title_words) for line in lines], dtype=np.float64)
    idx = np.arange(n)
    words = np.expm1(X[:, 0])
    long_par = (words >= LONG_PARAGRAPH_WORDS) & (X[:, 2] < LINK_HEAVY)
    body = np.flatnonzero(long_par)
    if len(body):
        first, last = body[0], body[-1]
        pos = np.searchsorted(body, idx)
        left = np.where(pos > 0, idx - body[np.maximum(pos - 1, 0)], n)
        right = np.where(pos < len(body), body[np.minimum(pos, len(body) - 1)] - idx, n)
        dist = np.minimum(left, right)
    else:
        first, last = n, -1
        dist = np.full(n, n)
    titles = np.flatnonzero(X[:, _IS_TITLE] > 0)
    title_at = titles[0] if len(titles) else -1
    total_words = max(1.0, words.sum())
    place = np.stack([
        idx / n, (idx < first).astype(float), (idx > last).astype(float), np.log1p(np.minimum(dist, 50)),
        (idx < title_at).astype(float) if title_at >= 0 else np.zeros(n),
        np.full(n, 1.0 if title_at >= 0 else 0.0), np.full(n, math.log1p(total_words)),
        words / total_words,
    ], axis=1)
    nb = X[:, _NEIGHBOUR_COLUMNS]
    padded = np.zeros((n + 4, nb.shape[1]))
    padded[2:-2] = nb
    # previous, next, two before, two after (zeros past either end of the page)
    neighbours = np.concatenate([padded[1:-3], padded[3:-1], padded[0:-4], padded[4:]], axis=1)
    window = _window_means(np.stack([X[:, 2], X[:, 0], long_par], axis=1))
    if not story_end:
        return np.concatenate([X, place, neighbours, window], axis=1)
    return np.concatenate([X, place, neighbours, window, _story_end(lines, X, words)], axis=1)


def _span(score: np.ndarray) -> tuple[int, int]:
    """(first, last) line of the contiguous run with the largest sum of `score`; (-1, -2) if none is positive."""
    cum = np.concatenate([[0.0], np.cumsum(score)])
    gain = cum[1:] - np.minimum.accumulate(cum[:-1])
    last = int(np.argmax(gain))
    if gain[last] <= 0:
        return -1, -2
    return last - int(np.argmin(cum[last::-1])), last


def _story_end(lines: list[Line], X: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Where the story's prose starts and ends, and what a line's section says: chrome after the story
    (author boxes, teaser lists under a heading, credits, comment threads) sits outside the span of prose,
    or in a section of short linked lines."""
    n = len(lines)
    idx = np.arange(n)
    link = X[:, 2]
    prose = np.where((words >= PROSE_WORDS) & (link < LINK_HEAVY), words * (1 - link), 0.0)
    cols = []
    for cost in SPAN_COSTS:
        first, last = _span(prose - cost)
        cols += [((idx >= first) & (idx <= last)).astype(float),
                 np.log1p(np.maximum(idx - last, 0)) if last >= 0 else np.zeros(n),
                 np.log1p(np.maximum(first - idx, 0)) if first >= 0 else np.zeros(n)]
    cum = np.cumsum(prose)
    total = max(1.0, float(cum[-1]))
    cols += [(total - cum) / total, (cum - prose) / total]
    section = np.cumsum((X[:, 6] + X[:, 7]) > 0)  # a heading (h1-h6) opens a section
    m = int(section[-1]) + 1
    sec_words = np.maximum(1.0, np.bincount(section, weights=words, minlength=m))
    sec_link = np.bincount(section, weights=words * link, minlength=m)
    sec_long = np.bincount(section, weights=np.where(words >= LONG_PARAGRAPH_WORDS, words, 0.0), minlength=m)
    cols += [(sec_link / sec_words)[section], (sec_long / sec_words)[section],
             np.log1p(np.bincount(section, minlength=m))[section], np.log1p(sec_words)[section]]
    return np.stack(cols, axis=1)
