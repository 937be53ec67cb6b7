"""hiddenstory: story text the page's markup hides from the line reader (issue 12, round 30).

Quirks of real markup, found by comparing dedup's kept text with trafilatura's on unseen pages
(docs/extraction.md, rounds 30, 34 and 36); none depends on a site or a language:

- **Soft hyphens.** A page sets U+00AD (`&shy;`) inside long words as a hint where a line may break; a browser
  shows nothing there unless it breaks. Kept in the text they cut the word in two for every reader after
  extraction (token matching, word counts, copies of the story set without them), so each line drops them.
- **Decomposed letters.** A page may write a letter as its base and a combining mark ('a' + U+0308 for 'ä', as
  text written on some systems comes) or as a form Unicode decomposes (Bengali U+09DC): the same text to a reader,
  not to a token matcher (a combining mark is no word character). Each line is put in Unicode's composed form
  (NFC), as trafilatura and most text pipelines give it.
- **A `<noscript>` that never closes.** Old pages write `<noscript><div id="x"></noscript>` as the fallback of a
  `document.write("<div ...>")`. An HTML5 parser reading without scripting (lexbor, as resiliparse runs it) parses
  the `<div>` as an element, then ignores the `</noscript>` (an end tag with another element open), so the
  `<noscript>` holds the rest of the page, and the extractor, which skips `<noscript>`, reads nothing at all.
  Such a page, when every reading keeps (nearly) nothing, is read again with its `<noscript>` tags (not their
  contents) taken out, as a browser with scripting off shows it.
- **Ruby readings** (round 34). Japanese and Chinese pages print a reading over hard characters as ruby:
  `<ruby>漢字<rt>かんじ</rt></ruby>` (furigana; `<rp>` holds the parentheses a browser without ruby shows). A
  reader sees the base text on the line and the reading above it; the line reader put the reading inside the
  words ("漢字かんじ"), so no sentence of the story matched a copy or a reference. Each `<rt>`, `<rtc>` and `<rp>`
  inside a `<ruby>` is taken out of the page before it is parsed, and the ruby's base joins the text around it
  (with the soft hyphens: every reader sees the same page).
- **One letter alone in its element** (round 36). resiliparse's main-content pass drops an element or a text node
  holding a single character of three UTF-8 bytes (an icon font's glyph, to it), and with it a Chinese, Japanese,
  Korean or Thai word or particle written alone in a link or a bold, or between two links. Such a letter joins the
  text beside it before the page is parsed.
- **A table or a code listing set in a `<figure>`** (round 42). resiliparse reading with `alt_texts=False` (as every
  reading of `blockmodel` does) leaves out each `<figure>` with all it holds, as it leaves out pictures. HTML's
  `<figure>` also frames a table (a fee table, a comparison) or a code listing (`<figure class="highlight"><pre>`,
  as static-site generators write every listing), which are the story's own text. A `<figure>` whose markup holds
  a `<table>` or a `<pre>` is read as a `<div>`; its `<figcaption>` stays out, as every caption does (a caption is
  chrome on as many sites as it is story: docs/extraction.md, rounds 32, 40 and 42).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

SOFT_HYPHEN = "\xad"
_NOSCRIPT_TAG = re.compile(r"</?noscript\b[^<>]*>", re.IGNORECASE)
# a tag runs to its first '>' but never past a '<': `[^>]*?` alone read to the end of the markup from every
# '<' of a `<noscript>` holding no '>' (quadratic: 19 s for 20,000 "<a ", in one C call no time budget stops)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
# a `<ruby>` element: its markup runs to its `</ruby>` and holds no other `<ruby>` (an unrolled loop: one way to match
# each character, so a `<ruby>` with no end tag fails at the next one or the page's end, linear over the page), with
# the inline element it is alone in when it has one (`without_ruby_readings`)
_RUBY = re.compile(r"(?:(<(a|span|b|strong|em|i|u)\b[^<>]*>)\s*)?(<ruby\b[^<>]*>[^<]*(?:<(?!/?ruby\b)[^<]*)*</ruby\s*>)"
                   r"(\s*</\2\s*>)?", re.IGNORECASE)
# a reading inside it: to its end tag, or to the next reading or the ruby's end (HTML lets `</rt>` be left out)
_READING = re.compile(r"<(?:rtc|rt|rp)\b[^<>]*>[^<]*(?:<(?!/?(?:rtc|rt|rp|ruby)\b)[^<]*)*(?:</(?:rtc|rt|rp)\s*>)?",
                      re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")
_RUBY_START = re.compile(r"<ruby\b", re.IGNORECASE)
# elements that never take an end tag (HTML's void elements)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


def as_shown(text: str) -> str:
    """`text` without the soft hyphens a page sets for line breaking ('Ita\\xadli\\xadens' -> 'Italiens'), in
    Unicode's composed form (NFC: 'a' + U+0308 -> 'ä'), as a browser shows it and readers of the text match it."""
    text = without_soft_hyphens(text)
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def without_soft_hyphens(html: str) -> str:
    """The page without its soft hyphens, so that the tree, the site's links, the frames and the metadata read the
    words its lines hold (`as_shown`), e.g. `SiteLinks.copies` finding a line's text in the page. Composition (NFC)
    is left to the lines: checking a whole page costs ~3 ns a character (~0.5 ms for the corpora's pages)."""
    return html.replace(SOFT_HYPHEN, "") if SOFT_HYPHEN in html else html


def without_ruby_readings(html: str) -> str:
    """The page with each ruby element replaced by its base text (`<ruby>漢字<rt>かんじ</rt></ruby>` -> `漢字`),
    as a reader reads the line (module doc). The base's own tags go too: resiliparse's main-content pass drops an element
    or a text node holding one character of three UTF-8 bytes (its test for an icon font's glyph), which a ruby's base
    often is ('子' in `<ruby>子<rt>こ</rt></ruby>ども`); as part of the text around it, it stays (and so does one
    alone in an inline element: that element's tags go). A page with no `<ruby>` is returned as it is."""
    if _RUBY_START.search(html) is None:
        return html
    return _RUBY.sub(_ruby_base, html)


def _ruby_base(ruby: re.Match[str]) -> str:
    base = _ANY_TAG.sub("", _READING.sub("", ruby.group(3)))
    wrapper, end = ruby.group(1) or "", ruby.group(4) or ""
    # a base of one character alone in an inline element (a word's gloss link `<a><ruby>親<rt>おや</rt></ruby></a>`)
    # would still be that element's only text, which the main-content pass drops: the element's tags go too
    return base if wrapper and end and len(base.strip()) == 1 else wrapper + base + end


def opens_element(markup: str) -> bool:
    """Does `markup` start an element it does not end (`<div id="x">` alone)? Void elements and `<x/>` aside."""
    depth: dict[str, int] = {}
    for m in _TAG.finditer(markup):
        name = m.group(2).lower()
        if name in _VOID or m.group(3):
            continue
        depth[name] = depth.get(name, 0) + (-1 if m.group(1) else 1)
    return any(n > 0 for n in depth.values())


def noscript_unwrapped(html: str) -> str | None:
    """The page with its `<noscript>` start and end tags removed (their contents stay) when one of them starts an
    element it does not end, the fallback that swallows the rest of the page (module doc), or has no end tag at all;
    otherwise None. Called only for a page whose readings kept (nearly) nothing. One pass over the tags: each
    `<noscript>`'s markup runs to the next `</noscript>` (a start tag inside it opens nothing new)."""
    opened = -1
    for m in _NOSCRIPT_TAG.finditer(html):
        if not m.group(0).startswith("</"):
            if opened < 0:
                opened = m.end()
        elif opened >= 0:
            if opens_element(html[opened:m.start()]):
                return _NOSCRIPT_TAG.sub("", html)
            opened = -1
    # a `<noscript>` with no end tag at all holds the rest of the page whatever it opens
    return _NOSCRIPT_TAG.sub("", html) if opened >= 0 else None


# A character of three UTF-8 bytes that is a letter or a digit (Han, kana, Hangul, Thai, Devanagari, full-width
# digits...; the callbacks test `isalnum`): the Private Use Area, where icon fonts put their glyphs, and the surrogates
# are left out
_GLYPH = "[\u0800-\ud7ff\uf900-\uffef]"
_SPACE = "[ \t\r\n]*"
# inline elements a page wraps a word or a character in (links, emphasis, a style's span, a term)
_INLINE = ("a|abbr|b|bdi|bdo|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup"
           "|time|tt|u|var")
# a text node between two tags that is one such character, written right after the '>' (spaces may follow it): the
# candidates, found in one scan of the page that costs about what counting its '>' does (a space allowed before the
# character too made the scan three times as dear: ~0.24 ms for a page of 145,000 characters, 3 % of an extraction)
_LONE_GLYPH = re.compile(f">({_GLYPH}){_SPACE}<")
# ... alone in an inline element: `<a href="/w/約">約</a>`
_GLYPH_ELEMENT = re.compile(f"<({_INLINE})\\b[^<>]*>({_GLYPH}{_SPACE})</\\1{_SPACE}>", re.IGNORECASE)
# ... right after an inline element's end tag and before another tag: `<a>日本</a>の<a>首都</a>`
_GLYPH_AFTER_END = re.compile(f"(</(?:{_INLINE}){_SPACE}>)({_GLYPH}{_SPACE})(?=<)", re.IGNORECASE)
# ... right before an inline element's start tag, after another tag: `<p>が<b>東京</b>`
_GLYPH_BEFORE_START = re.compile(f"(?<=>)({_GLYPH}{_SPACE})(<(?:{_INLINE})\\b[^<>]*>)", re.IGNORECASE)


def without_lone_glyphs(html: str) -> str:
    """The page with each letter that stands alone in its text node joined to the text beside it. resiliparse's
    main-content pass drops an element or a text node that holds one character of three UTF-8 bytes (and nothing else
    but spaces): its test for an icon font's glyph. In Chinese, Japanese, Korean or Thai, one character is a word or
    a particle: a link or a bold on one ideograph (`<a>約</a>1万`, `<b>新</b>型`), or the particle between two
    links (`<a>日本</a>の<a>首都</a>`), went from the story. Such an inline element's tags go (its letter joins the
    text around it); a letter left alone between tags moves into the inline element before it (or after it), as a
    browser shows the line. Only letters and digits: a symbol alone in a span ('★', '→', an icon) is left to the
    pass. A page with no such text node is returned as it is."""
    if not any(m.group(1).isalnum() for m in _LONE_GLYPH.finditer(html)):
        return html
    for _ in range(3):  # an element in an element (`<span><b>約</b></span>`): each round takes one level
        unwrapped = _GLYPH_ELEMENT.sub(_unwrapped_glyph, html)
        if unwrapped == html:
            break
        html = unwrapped
    html = _GLYPH_AFTER_END.sub(_glyph_before_end, html)
    return _GLYPH_BEFORE_START.sub(_glyph_after_start, html)


def _is_letter(text: str) -> bool:
    return text.strip().isalnum()


def _unwrapped_glyph(m: re.Match[str]) -> str:
    return m.group(2) if _is_letter(m.group(2)) else m.group(0)


def _glyph_before_end(m: re.Match[str]) -> str:
    return m.group(2) + m.group(1) if _is_letter(m.group(2)) else m.group(0)


def _glyph_after_start(m: re.Match[str]) -> str:
    return m.group(2) + m.group(1) if _is_letter(m.group(1)) else m.group(0)


# a `<figure>`'s start or end tag (a tag runs to its first '>' and never past a '<': linear over any page)
_FIGURE_TAG = re.compile(r"<(/?)figure\b[^<>]*>", re.IGNORECASE)
# what makes a figure the story's text rather than a picture: a table or a preformatted listing inside it
_FIGURE_TEXT = re.compile(r"<(?:table|pre)\b", re.IGNORECASE)
# where the parser reads no markup: a comment, and the text of a script, style or textarea (to its end tag)
_NO_MARKUP = re.compile(r"<!--|<(script|style|textarea)(?=[\s/>])", re.IGNORECASE)
_NO_MARKUP_END = {name: re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE) for name in ("script", "style", "textarea")}


def _markup_only(html: str) -> str:
    """`html` with its comments and the text of its scripts, styles and textareas blanked (spaces, the same length):
    a `<figure>`, `</figure>`, `<table>` or `<pre>` there is none to the parser (review round 29: a picture's figure
    holding a script's `'<figure><pre>'` had its own `</figure>` paired with the script's and renamed, and stayed open
    over the story, which went with it). Linear: each such part is passed once, an unclosed one runs to the end."""
    pieces, at = [], 0
    while (m := _NO_MARKUP.search(html, at)) is not None:
        if m.group(1) is None:
            end = html.find("-->", m.end())
            end = len(html) if end < 0 else end + 3
        else:
            close = _NO_MARKUP_END[m.group(1).lower()].search(html, m.end())
            end = len(html) if close is None else close.start()
        pieces += [html[at:m.start()], " " * (end - m.start())]
        at = end
    if not pieces:
        return html
    pieces.append(html[at:])
    return "".join(pieces)


def text_figures_as_boxes(html: str) -> str:
    """The page with each `<figure>` whose markup holds a `<table>` or a `<pre>` read as a `<div>` (module doc): its
    start and end tags renamed, its attributes and contents (a `<figcaption>` too) as they are. Figures pair by
    nesting (a `</figure>` closes the latest open one); a start tag with no end tag, or an end tag with none open,
    is left alone, as is a figure of pictures only. A page with no such figure is returned as it is. Only the
    outermost figures' markup is searched for tables and listings, once (a nested figure costs no rescan)."""
    if _FIGURE_TAG.search(html) is None:
        return html
    markup = _markup_only(html)  # the tags and their places as the parser reads them; renamed in `html`
    open_tags: list[re.Match[str]] = []
    pairs: list[tuple[re.Match[str], re.Match[str]]] = []
    for tag in _FIGURE_TAG.finditer(markup):
        if not tag.group(1):
            open_tags.append(tag)
        elif open_tags:
            pairs.append((open_tags.pop(), tag))
    # the outermost pairs end after every pair they hold, so their spans are disjoint: each is searched once
    inside: list[int] = []
    reach = -1
    for start, end in sorted(pairs, key=lambda pair: pair[0].start()):
        if end.start() > reach:
            inside += [m.start() for m in _FIGURE_TEXT.finditer(markup, start.end(), end.start())]
            reach = end.start()
    renamed: list[tuple[int, int]] = []  # the spans of the tag names to rename ('figure' in `<figure` and `</figure`)
    for start, end in pairs:
        # the first table or listing after the start tag lies before the end tag
        first = bisect_right(inside, start.end() - 1)
        if first < len(inside) and inside[first] < end.start():
            renamed += [(start.start() + 1, start.start() + 7), (end.start() + 2, end.start() + 8)]
    if not renamed:
        return html
    renamed.sort()
    pieces, last = [], 0
    for begin, stop in renamed:
        pieces += [html[last:begin], "div"]
        last = stop
    pieces.append(html[last:])
    return "".join(pieces)
