"""The story a page states in its own structured data (JSON-LD `articleBody`) as evidence about its lines.

Many news pages write their whole story into the JSON-LD of their article (`"articleBody"` of a NewsArticle,
an Article, a BlogPosting...), as text, HTML or Markdown. It names no site and needs no training: a line the
block model dropped that the body holds is story text (`body_lines`), and where the body holds the whole
story (long, and holding the lines the model kept as prose) a kept line it does not hold is not
(`outside_body_lines`). Pure functions over lines and the page's JSON-LD objects
(`dedup.text.markup.jsonld_from_bodies`); a page whose JSON-LD states no body may mark its story's element
(microdata, `itemprop="articleBody"`), whose text then judges the kept lines only (`microdata_body`). An article
object of another page (a related story, a listing's teaser: `another_pages_article`) states no body of this one.
Measured in docs/extraction.md, rounds 24, 24b and 25.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dedup.text.cleaning import BLOCK_MODEL, LineChoice
from dedup.text.hiddenstory import as_shown
from dedup.text.jsonld import ARTICLE_TYPES, ld_types
from dedup.text.normalise import MARKUP_TAG, normalise_text, site_host
from dedup.text.pagescan import itemprop_elements

OUTSIDE_BODY = "outside_article_body"  # a kept line the page's articleBody, which holds the whole story, does not hold

# A body this long (words) can hold a whole story; a shorter one is a teaser or a summary (paywalls, feeds).
BODY_MIN_WORDS = 150
# A line is held by the body when this share of its word 3-grams is in it (a line of 1-2 words: the whole line);
# not held when at most NOT_HELD_SHARE is.
HELD_SHARE = 0.8
NOT_HELD_SHARE = 0.2
# A line the block model dropped comes back when the body holds it, it has this many words at least (a widget label
# or a caption of two words is in many stories' text by chance) and it ends as a sentence does: some sites write the
# headlines of the stories they link to into the body too (eltiempo.com's "-La historia de la mujer de 77 años...").
RESCUE_MIN_WORDS = 5
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
# The body holds the whole story when it holds (HELD_SHARE) lines of prose (PROSE_WORDS+ words) with this
# share of the kept prose's words, and has at least this share of their words itself (a prefix is a teaser).
PROSE_WORDS = 12
WHOLE_STORY_SHARE = 0.9
BODY_COVER_SHARE = 0.8
# A body is read up to this many characters (a long story has 50,000): a page stating megabytes of it would cost
# a set of millions of 3-grams. A longer body holds less than the whole story the page keeps, and decides nothing.
MAX_BODY_CHARS = 200_000
# A page whose JSON-LD states no body may mark its story's element (`itemprop="articleBody"`): the element's text is
# the body. An element holds the story's own widgets too ("Advertising disclosure: ...", an app's box), so a line in
# it is weak evidence for story text: only "not in it" is used unless MICRODATA_RESCUES.
MICRODATA = True
MICRODATA_RESCUES = False
# ...and the page's headlines count as summaries of an element's body (round 25)
MICRODATA_TITLES = True
# Links of a Markdown body ('[text](https://...)') and bare addresses: their words are no story's.
_MARKDOWN_LINK = re.compile(r"\]\([^)\s]*\)")
_ADDRESS = re.compile(r"https?://\S+|www\.\S+")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+\d*);")


@dataclass(slots=True)
class Body:
    """A page's articleBody read for comparison: its words, and its word 3-grams (and padded text) to look lines up."""
    words: int
    grams: set[tuple[str, str, str]]
    padded: str  # ' w1 w2 ... ' for lines of under 3 words
    # the word 3-grams of each of the article's own summaries and headlines (its `description`, `headline`,
    # `alternativeHeadline`, and the page's description `<meta>`s): a standfirst the body leaves out is still
    # the story's
    summaries: list[set[tuple[str, str, str]]]
    shares: dict[str, float] = field(default_factory=dict)  # `held_share` of the lines read so far
    rescues: bool = True  # whether the lines it holds come back (`body_lines`); MICRODATA_RESCUES for an element's


def article_body(objects: Sequence[dict], summaries: Sequence[str] = (), addresses: Sequence[str] = (),
                 titles: Sequence[str] = ()) -> Body | None:
    """The one story body the page's JSON-LD states: the `articleBody` text of its article objects (several copies of
    one text count once); None when there is none, or when several differ (a listing's articles, a live blog's
    posts: none of them is the page's whole story). An article of another page (`another_pages_article`: judged by
    the page's `addresses`, its URL and canonical link, and its `titles`) states no body of this page.
    `summaries`: the page's other statements of what the story says (its description `<meta>`s)."""
    articles = [o for o in objects
                if isinstance(o.get("articleBody"), str) and o["articleBody"].strip() and ld_types(o) & ARTICLE_TYPES
                and not another_pages_article(o, addresses, titles)]
    if len({o["articleBody"] for o in articles}) != 1:
        return None
    stated = [o[key] for o in articles for key in _SUMMARY_KEYS if isinstance(o.get(key), str)] + list(summaries)
    return _read_body(articles[0]["articleBody"], stated)


# the keys where an article object states its own address
_ADDRESS_KEYS = ("url", "@id", "mainEntityOfPage")
# an article's headline is the page's when this share of the shorter's words is in the other (a title adds the site's
# name, an <h1> may drop a kicker)
TITLE_WORDS_SHARE = 0.6


def another_pages_article(article: dict, addresses: Sequence[str], titles: Sequence[str]) -> bool:
    """Whether the article object is another page's (a related story in `@graph`, a listing page's one teaser): it
    states addresses (`url`, `@id`, `mainEntityOfPage`) none of which is the page's (`addresses`: its URL, its
    canonical link; compared without scheme, 'www.', query, fragment and final '/'), and its headline (`headline`,
    `name`) is none of the page's `titles`. Either alone is weak (a copy keeps its original's address; a headline
    may be rewritten for search), so both must say so; an article stating no address is the page's."""
    page = {_address_key(a) for a in addresses if a} - {None}
    own = set()
    for key in _ADDRESS_KEYS:
        value = article.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and (found := _address_key(value)) is not None:
            own.add(found)
    if not page or not own or own & page:
        return False
    headline = next((article[k] for k in ("headline", "name") if isinstance(article.get(k), str)), "")
    return not _same_title(headline, titles)


def _address_key(address: str) -> str | None:
    """An absolute address as compared with the page's ('host/path'); None for any other (a bare '#article' @id)."""
    if not address.startswith(("http://", "https://", "//")):
        return None
    try:
        parts = urlsplit(address.strip())
    except ValueError:
        return None
    host = site_host(parts.hostname) if parts.hostname else ""   # (lower case, no 'www.', punycode decoded)
    return f"{host}{parts.path.rstrip('/')}" if host else None


def _same_title(headline: str, titles: Sequence[str]) -> bool:
    words = set(normalise_text(headline).split())
    for title in titles:
        other = set(normalise_text(title).split()) if title else set()
        if words and other and len(words & other) >= TITLE_WORDS_SHARE * min(len(words), len(other)):
            return True
    return False


def microdata_body(html: str, summaries: Sequence[str] = ()) -> Body | None:
    """The story body the page marks in its HTML (microdata: the text of its element `itemprop="articleBody"`), for a
    page whose JSON-LD states none; None when no element is marked, or several with different texts. Read by a
    linear scan (`pagescan.itemprop_elements`), at most MAX_BODY_CHARS characters of the element's HTML."""
    texts = itemprop_elements(html, "articleBody", MAX_BODY_CHARS)
    if not texts or len(set(texts)) > 1:
        return None
    body = _read_body(texts[0], summaries)
    if body is not None:
        body.rescues = MICRODATA_RESCUES
    return body


def _read_body(text: str, summaries: Sequence[str]) -> Body | None:
    words = body_words(text[:MAX_BODY_CHARS])
    if not words:
        return None
    grams = [found for stated in summaries if (found := set(_grams(body_words(stated[:MAX_BODY_CHARS]))))]
    return Body(len(words), set(_grams(words)), f" {' '.join(words)} ", grams)


_SUMMARY_KEYS = ("description", "headline", "alternativeHeadline")
# the `<meta>` keys whose value is the page's own summary of its story
DESCRIPTION_META = ("og:description", "description", "twitter:description")


def body_words(text: str) -> list[str]:
    """An articleBody's words as `normalise_text` reads a line's: its entities decoded (a body escaped twice, as
    '&amp;quot;', twice), its markup and Markdown links and addresses dropped."""
    for _ in range(2):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html_lib.unescape(text)
    if "<" in text:
        text = MARKUP_TAG.sub(" ", text)
    if "](" in text:
        text = _MARKDOWN_LINK.sub("] ", text)
    if "://" in text or "www." in text:
        text = _ADDRESS.sub(" ", text)
    return normalise_text(as_shown(text)).split()  # soft hyphens out, as the lines read (`hiddenstory`, round 30)


def _grams(words: Sequence[str]) -> list[tuple[str, str, str]]:
    return list(zip(words, words[1:], words[2:]))


@functools.lru_cache(maxsize=4096)
def _line_words(line: str) -> tuple[str, ...]:
    # (a line is read up to three times by one page's rules)
    return tuple(normalise_text(line).split())


def held_share(line: str, body: Body) -> float:
    """The share of the line's word 3-grams the body holds (a line of 1-2 words: 1.0 when the body holds it whole)."""
    if (share := body.shares.get(line)) is not None:
        return share
    words = _line_words(line)
    if len(words) < 3:
        share = float(bool(words) and f" {' '.join(words)} " in body.padded)
    else:
        grams = body.grams
        share = sum(g in grams for g in zip(words, words[1:], words[2:])) / (len(words) - 2)
    body.shares[line] = share
    return share


def _in_summary(line: str, body: Body) -> bool:
    """Whether the line and one of the article's summaries (`Body.summaries`) share HELD_SHARE of the shorter's word
    3-grams: the line holds the summary (a description cut off by '...') or the summary holds the line."""
    grams = set(_grams(_line_words(line)))
    return bool(grams) and any(len(grams & s) >= HELD_SHARE * min(len(grams), len(s)) for s in body.summaries)


def body_lines(lines: Sequence[str], dropped: Sequence[bool], body: Body) -> list[int]:
    """The dropped lines (`dropped`: the block model's verdict) of RESCUE_MIN_WORDS words or more that the body holds
    (HELD_SHARE): story text the model doubted."""
    return [i for i, (line, gone) in enumerate(zip(lines, dropped))
            if gone and _SENTENCE_END.search(line) and len(_line_words(line)) >= RESCUE_MIN_WORDS
            and held_share(line, body) >= HELD_SHARE]


def whole_story(kept: Sequence[str], body: Body) -> bool:
    """Whether the body holds the whole story the page keeps: it has BODY_MIN_WORDS words or more, holds the kept
    lines of prose (WHOLE_STORY_SHARE of their words; the story's summary, which bodies leave out, aside), and is
    not a prefix of them (BODY_COVER_SHARE of their words)."""
    if body.words < BODY_MIN_WORDS:
        return False
    held = words = 0
    for line in kept:
        if (n := len(_line_words(line))) >= PROSE_WORDS:
            if held_share(line, body) >= HELD_SHARE:
                held += n
            elif _in_summary(line, body):
                continue
            words += n
    return bool(words) and body.words >= BODY_COVER_SHARE * words and held >= WHOLE_STORY_SHARE * words


def outside_body_lines(kept: Sequence[str], body: Body) -> list[int]:
    """The kept lines the body does not hold (NOT_HELD_SHARE or less), when it holds the whole story (`whole_story`);
    else none."""
    if not whole_story(kept, body):
        return []
    return [i for i, line in enumerate(kept)
            if held_share(line, body) <= NOT_HELD_SHARE and not _in_summary(line, body)]


def apply_article_body(choice: LineChoice, objects: Sequence[dict], summaries: Sequence[str] = (),
                       html: str = "", addresses: Sequence[str] = (), titles: Sequence[str] = (),
                       headlines: Sequence[str] = ()) -> None:
    """Let the page's articleBody (`article_body`) judge its lines: the block model's dropped lines it holds come back
    (`body_lines`), and, where it holds the whole story, the kept lines it does not hold go (`outside_body_lines`,
    reason OUTSIDE_BODY) unless they state the story's summary (`summaries`: the page's description `<meta>`s, as
    `article_body` reads them). Lines a guard removed stay removed: a widget's label is no story text wherever it
    stands. A page (`html`) whose JSON-LD states no body is judged by the element it marks as the body
    (`microdata_body`), for the kept lines only unless MICRODATA_RESCUES; the page's `headlines` (its title, og:title,
    its only <h1>) are summaries too there (MICRODATA_TITLES), as an article's `headline` is for a JSON-LD body: an
    element holds the story, rarely its headline. `addresses` (the page's URL and canonical link) and `titles` (its
    `<title>`, og:title and <h1>s: what the page shows, not what its JSON-LD states) tell the page's own article
    object from another page's (`another_pages_article`)."""
    body = article_body(objects, summaries, addresses, titles)
    if body is None and MICRODATA and "articleBody" in html:
        body = microdata_body(html, [*summaries, *headlines] if MICRODATA_TITLES else summaries)
    if body is None:
        return
    if choice.verdicts and body.rescues:
        choice.restore(body_lines(choice.evidence, [v == BLOCK_MODEL for v in choice.verdicts], body))
    choice.remove(outside_body_lines(choice.kept, body), OUTSIDE_BODY)
