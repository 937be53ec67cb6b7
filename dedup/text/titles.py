"""titles: a page title and the site's name in it ('Headline | Site', '头条新闻_新华网', '【新华网】标题').

Two rules read a title's site name, for two questions, and both live here so that they share their marks:
- `site_names(title)`: which parts of the title MAY name the site, when nothing else is known (the text
  side's guard against a line that is only the site's name, `lineguards.guard_reason`). It guesses, so it
  cuts only where a cut is safe without knowing the site: spaced separators, and separators written
  without spaces only between two characters of a script without spaces (a hyphen never: '엘제이-류화영').
- `strip_site` / `strip_unspaced_site`: the headline without the site's name, when the page states the
  site (og:site_name, the JSON-LD publisher, the host: `metadata`'s title). A part is dropped only when
  it names that site, so the separators may be looser (a bar or dash anywhere, a hyphen beside such a
  character: '标题-新浪新闻'), and a title whose part names no known site is kept whole.
They are not one rule: with the known-site separators the guess would cut at every '_' and bar of any
title ('snake_case', 'A|B') and take its parts as site names (the text side drops a line equal to one), and
the known-site rule at the guess's separators would miss '标题-新浪新闻' and '标题（日本経済新聞）'; each
is measured as it stands (docs/metadata.md round 10). What they share: the marks below, the script
ranges (`scripts.py`) and, between the two known-site rules, `_names_any` and `_after_site`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from dedup.text.normalise import fold_line, fold_text
from dedup.text.scripts import CJK, EAST_ASIAN

# the marks that glue a site's name onto a title without spaces: full-width bars (丨, a Han stroke, set as one)
# and the joiners (underscore, full-width hyphen, en and em dash); the ASCII hyphen only where a rule says so
_BARS = "｜丨"
_JOINERS = "_－–—"

# ---------------------------------------------------------------- the guess: no site known

# a spaced mark between a headline and its site's name (`Headline | Site`, `Headline - Site`, `Site :: Headline`):
# also where `neardup.passages` looks for a server page's status in a part of its title
SEPARATOR_CHARS = "|–—:•·»«~/\\-_>【】"  # what may stand between a title's parts, alone or with spaces
TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:»·•]\s+|\s*::\s*")
# a title of a script written without spaces glues its site on without them, or by a full-width bar, after the
# headline ('头条新闻_新华网', '記事タイトル｜日本経済新聞', '标题_栏目_网站'), or puts it first in brackets
# ('【新华网】标题'): the separators without spaces count only between two characters of such a script (CJK, kana,
# Hangul, full-width forms; 'snake_case' is a word), a hyphen never ('엘제이-류화영' joins two names)
_GUESS_UNSPACED_SEPARATOR = re.compile(rf"\s*[{_BARS}]\s*|(?<=[{EAST_ASIAN}])\s*[{_JOINERS}]\s*(?=[{EAST_ASIAN}])")
_BRACKETED_NAME = re.compile(r"^\s*【([^】]{1,40})】")
_GUESS_MARKS = frozenset(_BARS + _JOINERS + "【")


def site_names(title: str | None) -> set[str]:
    """The parts of a page title that name the site ('Story headline | Millbrook Ledger' -> {'millbrook
    ledger'}): every part but the longest, folded; in a title of a script written without spaces, also every
    part after the first at a separator without spaces ('蔡健雅_百度百科' -> {'百度百科'}: the headline comes first
    there, and may be the shorter part) and a bracketed name before it ('【新华网】标题' -> {'新华网'})."""
    if not title:
        return set()
    names = set()
    parts = [fold_line(p) for p in TITLE_SEPARATOR.split(title) if p.strip()]
    if len(parts) >= 2:
        longest = max(parts, key=len)
        names = {p for p in parts if p != longest and 0 < len(p.split()) <= 5}
    if not title.isascii() and not _GUESS_MARKS.isdisjoint(title):
        later = [fold_line(p) for p in _GUESS_UNSPACED_SEPARATOR.split(title)[1:]]
        bracketed = _BRACKETED_NAME.match(title)
        if bracketed:
            later.append(fold_line(bracketed[1]))
        names.update(p for p in later if 0 < len(p.split()) <= 5)
    return names


def without_guessed_site(title: str) -> str:
    """'Headline | Site' -> 'Headline' when no site is known (a WET record's <title> line): the last part at a
    spaced separator is dropped when `site_names` may read it as the site's name (at most 5 words, not the
    longest part) and the rest holds more words than it."""
    cuts = list(TITLE_SEPARATOR.finditer(title))
    if not cuts:
        return title
    head, last = title[:cuts[-1].start()].strip(), title[cuts[-1].end():]
    if head and fold_line(last) in site_names(title) and _word_count(head) > _word_count(last):
        return head
    return title


# ---------------------------------------------------------------- the known site

def names_host(part: str, host: str) -> bool:
    """'Aktuálně.cz' names 'sport.aktualne.cz'; 'The Guardian' names 'theguardian.com'."""
    key = fold_text(part)
    if not key or not host or len(key) < 3:
        return False
    labels = [fold_text(x) for x in host.split(".")]
    joined = "".join(labels[:-1])
    return key in labels or key == joined or key == "".join(labels) or (len(key) >= 4 and any(
        len(lbl) >= 4 and (lbl.startswith(key) or key.startswith(lbl)) for lbl in labels[:-1]))


def _names_any(seg: str, keys: Collection[str], host: str = "", holding_at_most: int = 0) -> bool:
    """The segment, folded, is one of the site's keys (its name, publisher or an author), holds one or is held
    by one (both of 4+ characters), or names the `host`. `holding_at_most`: a segment that holds a key counts
    only when at most that many times the key's length (0: any)."""
    k = fold_text(seg)
    return bool(k) and (any(k == key or (len(k) >= 4 and len(key) >= 4 and (
        k in key or (key in k and (not holding_at_most or len(k) <= holding_at_most * len(key))))) for key in keys)
                        or (bool(host) and names_host(seg, host)))


# the spaced separators a title states its site at ('Headline | Site', 'Headline - Site')
SPACED_SEPARATORS = re.compile(r"(\s+[|–—:•·»«~/]\s+|\s+-\s+|\s*\|\s*)")


def strip_site(title: str, site: str | None, authors: list[str], host: str = "") -> str:
    """'Headline | Section | Site' -> 'Headline' when the page states the site name: the last (or
    first) segment is dropped when it names the site (or the page's author: 'Headline | Jane Doe'),
    then short section segments with the same separator next to it. Since round 16 a last segment of at most
    three words naming the `host` is the site's too ('… - Nintendo Official Site' on nintendo.com, '… - Health.com'
    where the site calls itself 'Health News and Views'), and a segment names an author by opening with the name (a
    blog named after its author: 'Paulo Coelho's Blog') or being it, with at most a 'By' before it, not by closing a
    longer text ('Bookreporter.com - BITTER TRUTH by William Lashner' is a headline naming its author)."""
    parts = SPACED_SEPARATORS.split(title)
    if len(parts) < 3:
        return title
    segments, seps = parts[0::2], [p.strip() for p in parts[1::2]]
    site_keys = [fold_text(site)] if fold_text(site) else []
    author_keys = [k for k in map(fold_text, authors) if k]
    if not site_keys and not author_keys and not host:
        return title

    def names_site(seg: str) -> bool:
        # (a segment that holds the name within a longer text is a headline mentioning the site: 'Schneekarten
        # auf Gipfelbuch.ch')
        k = fold_text(seg)
        return _names_any(seg, site_keys, holding_at_most=2) or any(
            k == key or (k.startswith(key) and len(k) <= 2 * len(key)) or (k.endswith(key) and len(k) <= len(key) + 2)
            for key in author_keys) or (
            bool(host) and seg is segments[-1] and len(seg.split()) <= 3 and names_host(seg, host))

    # the site's segment: the last, or the site's own name before a short tagline ('Headline » gizmeo.eu | inside the
    # machine'; not before a longer part, which may be the post's own title: 'Tagline - Site - Blog - Post title')
    site_key = fold_text(site)
    site_at = next((i for i in range(1, len(segments) - 1) if site_key and fold_text(segments[i]) == site_key), 0) \
        or (len(segments) - 1 if names_site(segments[-1]) else 0)
    if site_at and site_at < len(segments) - 1:
        tail = [_word_count(seg) for seg in segments[site_at + 1:]]
        if max(tail) > 4 or sum(tail) > _word_count(" ".join(segments[:site_at])):
            site_at = len(segments) - 1 if names_site(segments[-1]) else 0
    if site_at and not names_site(segments[0]):
        kept = segments[:site_at]
        site_sep = seps[site_at - 1]
        # a short section before the site: after the site's own separator or a breadcrumb one
        # ('Headline | News | Site', 'Headline : Section | Site'), never after a dash, which headlines use
        while len(kept) >= 2 and len(kept[-1].split()) <= 3 and (
                seps[len(kept) - 2] == site_sep or seps[len(kept) - 2] in (":", "»", "/", ">", "›", "·")):
            kept = kept[:-1]
        return _join_segments(kept, parts)
    if names_site(segments[0]) and not names_site(segments[-1]):
        return _after_site(parts, title)
    return title


def title_rest(part: str, title: str) -> str | None:
    """The rest of `title` where `part` opens or closes it at a separator as its shorter part ("Seth's Blog" of
    "Seth's Blog: The importance of going first"); None otherwise."""
    n = len(part)
    if len(title) <= n + 2:
        return None
    if title[:n].casefold() == part.casefold() and (title[n:].lstrip()[:1] or " ") in SEPARATOR_CHARS:
        rest = title[n:].lstrip(" " + SEPARATOR_CHARS)
    elif title[-n:].casefold() == part.casefold() and (title[:-n].rstrip()[-1:] or " ") in SEPARATOR_CHARS:
        rest = title[:-n].rstrip(" " + SEPARATOR_CHARS)
    else:
        return None
    return rest if _word_count(rest) > max(1, _word_count(part)) else None


_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def with_author_segment(title: str, value: str, site: str | None, authors: list[str], host: str) -> str | None:
    """`value`, a metadata title, is `title` followed by a segment naming the page's author, perhaps with the site
    after it ('Headline | Jane Doe', 'Headline - Jane Doe - Medium'): the title with that segment, as the page
    names itself ('Headline | Jane Doe'; only a site or section segment is dropped); else None."""
    if not authors or len(value) <= len(title) or not any(a in value for a in authors):
        return None
    parts = SPACED_SEPARATORS.split(value)
    if len(parts) < 3:
        return None
    segments, key = parts[0::2], fold_text(title)
    k = next((i for i in range(1, len(segments)) if fold_text("".join(parts[:2 * i - 1])) == key), 0)
    if not k:
        return None
    end = len(segments)
    site_keys = [fold_text(site)] if site else []
    while end > k and _names_any(segments[end - 1], site_keys, host, holding_at_most=2):
        end -= 1
    # the author's own name, a person's of 2+ words, the segment whole but for a bracket ('Bradley M. Kuhn ( Brad )'):
    # not a blog named after its author ('Paulo Coelho's Blog'), nor a one-word name that is as often a site's
    author_keys = {fold_text(a) for a in authors if len(a.split()) >= 2}
    if end == k or not all(fold_text(_BRACKETS.sub("", seg)) in author_keys for seg in segments[k:end]):
        return None
    return _join_segments(segments[:end], parts)


# separators written without spaces or full width, as titles of scripts without spaces have them ('头条新闻_新华网',
# '記事タイトル｜日本経済新聞', '标题丨澎湃新闻', '标题－新浪新闻'; a hyphen only beside such a script's letter:
# 'Wi-Fi' is a word), and a site's name in brackets ('【新华网】标题', '标题（日本経済新聞）'); a title is cut there
# only where the part names the page's known site (its name, publisher or host), never merely at the character
_UNSPACED_TITLE_SEPARATORS = re.compile(
    rf"(\s*[{_BARS}{_JOINERS}|]\s*|(?<=[{EAST_ASIAN}])\s*-\s*|\s*-\s*(?=[{EAST_ASIAN}]))")
_BRACKETED_SITE = re.compile(r"^\s*[【〖\[]([^】〗\]]{1,40})[】〗\]]\s*(.+?)\s*$|^\s*(.+?)\s*[【〖（]([^】〗）]{1,40})[】〗）]\s*$")
# (what a title the two patterns cut holds, tested in C first: one of these marks, or a hyphen or a bar beside a
# character of those scripts; a title without either, English or German ones with ' | ' or ' - ' that `strip_site`
# left whole, is not split again)
_UNSPACED_MARKS = frozenset(_BARS + _JOINERS + "【〖（")


def strip_unspaced_site(title: str, site: str | None, publisher: str | None, host: str) -> str:
    """'头条新闻_新华网' -> '头条新闻' when the page's site is 新华网: a segment glued on by a separator without spaces
    (or a full-width one), or in brackets, is dropped when it names the site (og:site_name, the publisher, the
    host), then short section segments with the same separator before it ('标题_教育频道_中国青年网'). A title that
    merely holds such a character ('新竹尖石_美樹營地賞楓', 'Wi-Fi') is kept."""
    if _UNSPACED_MARKS.isdisjoint(title) and (title.isascii() or _CJK.search(title) is None):
        return title
    keys = {k for k in (fold_text(site), fold_text(publisher)) if k}
    if not keys and not host:
        return title

    def names_site(seg: str) -> bool:
        return _names_any(seg, keys, host)

    bracketed = _BRACKETED_SITE.match(title)
    if bracketed:
        name, rest = (bracketed[1], bracketed[2]) if bracketed[1] is not None else (bracketed[4], bracketed[3])
        if names_site(name) and not names_site(rest) and _word_count(rest) >= 2:
            return rest
    parts = _UNSPACED_TITLE_SEPARATORS.split(title)
    if len(parts) < 3:
        return title
    segments, seps = parts[0::2], [p.strip() for p in parts[1::2]]
    if names_site(segments[-1]) and not names_site(segments[0]):
        kept = segments[:-1]
        while len(kept) >= 2 and _word_count(kept[-1]) <= 3 and seps[len(kept) - 2] == seps[-1]:
            kept = kept[:-1]  # a section before the site, after the site's own separator
        stripped = _join_segments(kept, parts)
        return stripped if _word_count(stripped) >= 2 else title
    if names_site(segments[0]) and not names_site(segments[-1]):
        return _after_site(parts, title)
    return title


# the site's name before a colon that has no space before it: Blogger's classic '<blog>: <post>' titles, 'IGN: …'
_SITE_BEFORE_COLON = re.compile(r"^([^:]{2,60}?):\s+(\S.*)$")


def strip_site_before_colon(title: str, site: str | None, host: str) -> str:
    """'The Science of Sport: Pacing strategies' -> 'Pacing strategies' when the page's site is The Science of Sport
    (or the part before the colon names the host: 'IGN: …' on ign.com): `strip_site` reads only spaced separators,
    and a part before ': ' is as often a headline's own ('Babylon 5: The Complete Fourth Season', 'Analysis: …'), so
    it is dropped only when it is the site's name whole and 2+ words follow it (round 25)."""
    match = _SITE_BEFORE_COLON.match(title)
    if match is None:
        return title
    name, rest = match[1].strip(), match[2].strip()
    if _word_count(rest) < 2 or not (fold_text(name) == fold_text(site) or names_host(name, host)):
        return title
    return rest


_CJK = re.compile(f"[{CJK}]")


def _word_count(text: str) -> int:
    """Words of a title segment; Chinese, Japanese and Korean write no spaces: two of their characters
    count as a word ('子どもへの体罰を禁止する法律ができる' is a headline, not one word)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _join_segments(kept: list[str], parts: list[str]) -> str:
    return "".join(parts[:2 * len(kept) - 1]).strip()


def _after_site(parts: list[str], title: str) -> str:
    """A title that opens with the site's name ('Site | A longer headline'): the rest, when it is a headline
    (4+ words) longer than the name; else the title."""
    rest = "".join(parts[2:]).strip()
    return rest if _word_count(rest) >= 4 and _word_count(rest) > _word_count(parts[0]) else title


# ---------------------------------------------------------------- a site's own generic title

# what a site calls its front or section pages, beside its name: 'Yahoo News - Latest News & Headlines' on an
# article of yahoo.com is the homepage's og:title left on every page, not the story's headline
_GENERIC_PHRASE_LIST = (
    "home", "homepage", "home page", "front page", "startseite", "accueil", "inicio", "news", "latest news",
    "breaking news", "top news", "top stories", "headlines", "latest headlines", "news and headlines",
    "news & headlines", "latest news and headlines", "latest news & headlines", "breaking news and headlines",
    "breaking news & headlines", "latest news, sport and opinion", "official site", "official website",
    "welcome", "nachrichten", "aktuelle nachrichten", "actualités", "noticias", "últimas noticias")
_GENERIC_PHRASES = frozenset(map(fold_text, _GENERIC_PHRASE_LIST))
# (a quick look first: such a phrase opens or closes the title, one call of str.startswith / endswith)
_GENERIC_ENDS = tuple(p.casefold() for p in _GENERIC_PHRASE_LIST)
_GENERIC_SEPARATOR = re.compile(r"\s+[|\-–—:»·•]\s+|\s*[|｜]\s*")


def is_generic_title(title: str, site: str | None, host: str) -> bool:
    """The title is the site's name with a generic phrase ('Yahoo News - Latest News & Headlines', 'Home | Site',
    'Site: Breaking News') and nothing else: a title the site gives its front page, never a story's headline.
    A part naming a site that is not this page's ('Yahoo News' on another site's page) does not count."""
    folded = title.casefold().strip()
    if not (folded.endswith(_GENERIC_ENDS) or folded.startswith(_GENERIC_ENDS)):
        return False
    parts = [p for p in _GENERIC_SEPARATOR.split(title) if p.strip()]
    if len(parts) < 2:
        return False
    site_key = fold_text(site)
    keys = [fold_text(p) for p in parts]
    generic = [k in _GENERIC_PHRASES for k in keys]
    if not any(generic):
        return False
    # a part is the site's name: its stated name, or a name of at most three words that names the host
    named = [bool(site_key) and k == site_key or names_host(p, host) and len(p.split()) <= 3
             for k, p in zip(keys, parts)]
    return any(n and not g for n, g in zip(named, generic)) and all(n or g for n, g in zip(named, generic))
