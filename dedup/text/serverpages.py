"""serverpages: the lines that name a page as server-generated, not a story.

A crawl answered with HTTP 200 still holds pages no one wrote as a story: a server's or CMS's redirect or
"page not found" page (in the site's language), a bot challenge or browser check ("Just a moment...",
"Attention Required! | Cloudflare"), a JavaScript-required shell ("You need to enable JavaScript to run this
app."), a consent wall or a paywall stub. Many different sites serve the same text word for word, so two of
them would be exact copies of each other. What names such a page is its title (or a part of it, the site's
name aside) or its first line being one of the phrases below, as a whole once folded (`normalise.fold_line`).

The phrases are general, never fitted to a corpus: HTTP reason phrases (RFC 9110, section 15) with or
without their code; the usual "page not found" and "error" wording of CMSs' default 404 pages and titles
in other languages (written after WordPress, Drupal and Joomla themes' translations); the titles and first
lines of the bot-challenge pages of the common CDNs and bot filters (Cloudflare, PerimeterX/Distil); the
default no-JavaScript notice of create-react-app. A banner line that a story page may also carry above its
text (a JavaScript, consent or subscription prompt) names the page only as its title, or as its first line
when the page holds almost nothing else (WALL_MAX_OTHER_WORDS). `is_status_page` adds the other half of the
evidence: little text besides (its passage words, `sentences.passages`).

This module owns the decision: the within-page pass (`blocks.page_batch`) makes such a page a `not_a_story`
reject (`status_page_head`), and signing asks again (`is_status_page`) only of a page whose text the site pass
changed (`neardup/sign.py`): any other page signed was decided here already.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dedup.text.normalise import fold_line
from dedup.text.sentences import passages
from dedup.text.titles import TITLE_SEPARATOR
from dedup.text.wordcount import word_count

# HTTP reason phrases (RFC 9110) and what servers and CMSs put on their redirect and error pages
_STATUS_PHRASES = (
    r"moved permanently|moved temporarily|found|see other|temporary redirect|permanent redirect|"
    r"object moved|document moved|redirecting|bad request|unauthorized|forbidden|access denied|not found|"
    r"page not found|file not found|(?:this )?page (?:can ?not|can ?t|could not) be found|method not allowed|"
    r"not acceptable|gone|too many requests|internal server error|server error|not implemented|bad gateway|"
    r"service unavailable|service temporarily unavailable|gateway timeout|error"
)
# "page not found" as the default 404 titles of CMSs and servers write it in other languages (German, French,
# Spanish, Italian, Dutch, Polish, Portuguese, Russian, Ukrainian, Turkish, Swedish, Danish, Czech, Japanese,
# Chinese, Korean): each a whole title or first line, which no headline is
_NOT_FOUND_PHRASES = (
    r"seite nicht gefunden|die seite wurde nicht gefunden|seite existiert nicht|"
    r"page introuvable|page non trouv[ée]e|"
    r"p[áa]gina no encontrada|p[áa]gina n[ãa]o encontrada|"
    r"pagina non trovata|pagina niet gevonden|"
    r"strona nie istnieje|nie znaleziono strony|strona nie zosta[łl]a znaleziona|"
    r"страница не найдена|сторінку не знайдено|sayfa bulunamad[ıi]|"
    r"sidan kunde inte hittas|sidan hittades inte|siden blev ikke fundet|siden findes ikke|"
    r"str[áa]nka nenalezena|str[áa]nka nebyla nalezena|"
    r"ページが見つかりません(?:でした)?|お探しのページは見つかりませんでした|"
    r"页面不存在|页面未找到|找不到页面|您访问的页面不存在|頁面不存在|找不到網頁|"
    r"페이지를 찾을 수 없습니다"
)
# "error" in those languages, before or after a status code ('Fehler 404', 'Erreur 404', 'Błąd 404')
_ERROR_WORDS = (r"http|error|fehler|erreur|errore|fout|b[łl][ąa]d|erro|ошибка|помилка|hata|chyba|fel|fejl|feil|"
                r"エラー|错误|錯誤|오류")
# '301 Moved Permanently', '404 - Page Not Found', 'Error 404: not found', 'HTTP 503', 'Fehler 404 - Seite nicht
# gefunden', 'Page introuvable (404)'
_WITH_CODE = re.compile(
    rf"^(?:(?:{_ERROR_WORDS}) )?[345]\d\d(?: (?:{_ERROR_WORDS}))?(?: (?:{_STATUS_PHRASES}|{_NOT_FOUND_PHRASES}))?"
    rf"(?: (?:{_ERROR_WORDS}))?$|^(?:{_STATUS_PHRASES}|{_NOT_FOUND_PHRASES}) (?:(?:{_ERROR_WORDS}) )?[345]\d\d$")
# bot challenges and browser checks, as their title or first line ('Checking your browser before accessing
# example.com.', 'example.com needs to review the security of your connection before proceeding.')
_CHALLENGE = (
    r"attention required cloudflare|checking if the site connection is secure|"
    r"checking your browser before accessing(?: .*)?|verifying you are human(?: .*)?|"
    r"(?:.* )?needs to review the security of your connection before proceeding|please verify you are a human|"
    r"verify you are human|pardon our interruption|(?:please )?enable javascript and cookies to continue"
)
# without a code, only the phrases no headline is made of
_WITHOUT_CODE = re.compile(
    r"^(?:moved permanently|object moved|document moved|page not found|file not found|"
    r"(?:this )?page (?:can ?not|can ?t|could not) be found|internal server error|service unavailable|"
    rf"service temporarily unavailable|bad gateway|gateway timeout|method not allowed|access denied|"
    rf"{_NOT_FOUND_PHRASES}|{_CHALLENGE})$")
# prompts a story page may carry above its text too: a JavaScript notice, a consent wall, a paywall
_BANNER = re.compile(
    r"^(?:you need to enable javascript to run this app|(?:please )?enable javascript to (?:continue|view this page)|"
    r"javascript is (?:disabled|required)|this (?:site|page|website) requires javascript|"
    r"before you continue(?: to \w+)?|we value your privacy|"
    r"subscribe to (?:continue reading|read (?:this|the full) (?:article|story))|"
    r"this (?:content|article|story) is (?:for|only available to) subscribers(?: only)?|"
    r"you have reached your (?:free )?article limit)$")
STATUS_LINE_MAX_CHARS = 120  # a longer line is no status, challenge or banner line (and is not folded)
# a banner as a page's first line names it only when the rest holds fewer words than this: a story of
# one sentence has more
WALL_MAX_OTHER_WORDS = 25


def _folded(text: str) -> str:
    return fold_line(text) if len(text) <= STATUS_LINE_MAX_CHARS else ""


_DIGIT = re.compile(r"\d")


# Cloudflare's challenge title with its ellipsis, as written: 'Just a moment' alone may head a story
_JUST_A_MOMENT = frozenset({"just a moment...", "just a moment…"})


def _names_page(folded: str, head: str) -> bool:
    # a status code has digits: most heads have none, and the long pattern with them is not tried
    return bool(folded) and bool(_WITHOUT_CODE.match(folded) or (_DIGIT.search(folded) and _WITH_CODE.match(folded))
                                 or (folded == "just a moment" and head.strip().lower() in _JUST_A_MOMENT))


def server_page_head(title: str | None, blocks: Sequence[str], html_title: str | None = None) -> str | None:
    """The title, `<title>` (or a part of either, the site name aside) or first line that names a page as
    server-generated: an HTTP status ('301 Moved Permanently', 'Fehler 404', 'Seite nicht gefunden'), a bot
    challenge ('Just a moment...'), or a JavaScript, consent or subscription prompt (as the title, or as the
    first line of a page that holds almost nothing else); None for any other page."""
    heads: dict[str, None] = {}  # in order, each once (the title is often the `<title>`, or one part of it)
    for t in (title, html_title):
        if t:
            heads[t] = None
            heads.update((p, None) for p in TITLE_SEPARATOR.split(t) if p.strip())
    for head in heads:
        folded = _folded(head)
        if folded:
            if _names_page(folded, head) or _BANNER.match(folded):
                return head
    if blocks:
        folded = _folded(blocks[0])
        if _names_page(folded, blocks[0]):
            return blocks[0]
        if folded and _BANNER.match(folded) and sum(word_count(b) for b in blocks[1:]) < WALL_MAX_OTHER_WORDS:
            return blocks[0]
    return None


STATUS_MAX_PASSAGE_WORDS = 150  # a page with more story-like text than this is not a bare status page


def is_status_page(title: str | None, blocks: Sequence[str], passage_words: int,
                   html_title: str | None = None) -> bool:
    """A server-generated page: its title or `<title>` (or a part of one, the site name aside) or its
    first line names it so (`server_page_head`: an HTTP status such as '301 Moved Permanently',
    'Object moved', '404 - Page Not Found', 'Seite nicht gefunden', a bot challenge, a JavaScript, consent or
    subscription wall), and it holds little text besides (under STATUS_MAX_PASSAGE_WORDS passage words)."""
    return passage_words < STATUS_MAX_PASSAGE_WORDS and server_page_head(title, blocks, html_title) is not None


def status_page_head(title: str | None, blocks: Sequence[str], html_title: str | None = None) -> str | None:
    """`is_status_page` of a page whose passages are not counted yet (they are only where its head names it):
    the line that names it, or None."""
    head = server_page_head(title, blocks, html_title)
    return head if head is not None and passages(blocks).total_words < STATUS_MAX_PASSAGE_WORDS else None
