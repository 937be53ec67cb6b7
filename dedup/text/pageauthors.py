"""pageauthors: the authors decision of a page's metadata (`PageMetadata.authors`, `author_agencies`,
`author_organisations`): every place that names a writer, read in a fixed order of evidence
(`AUTHOR_EVIDENCE_ORDER`, docs/metadata.md), a lower place only while no higher one names a person."""

from __future__ import annotations

import re

from dedup.rights.attribution import agency_name
from dedup.text.byline import (BYLINE_LINE_CHARS, WRITER_LABEL_WORDS, Byline, by_prefix_end, is_heading_of_words,
                               other_script_byline, parse_byline)
from dedup.text.commentsections import CommentSections
from dedup.text.dates import find_dates
from dedup.text.headlineregion import HEADLINE_REGION, author_marks, byline_lines, read_headline_region
from dedup.text.jsonld import JsonLd, ld_entities
from dedup.text.metadatarecord import PageMetadata
from dedup.text.normalise import caseless_prefix
from dedup.text.pagehead import AUTHOR_META_NAMES, Head
from dedup.text.pagescan import AuthorMark, Body
from dedup.text.profilelinks import people_pages_after, profile_links
from dedup.text.quotedposts import is_post_header
from dedup.text.scripts import CJK, HANGUL, KANA
from dedup.text.signature import closing_signature
from dedup.text.sitename import site_label
from dedup.text.storybyline import EXPLICIT_BY as _EXPLICIT_BY, HAS_EXPLICIT_BY as _HAS_EXPLICIT_BY, story_byline
from dedup.text.teasermarks import continues_byline, follows_linked_heading, teaser_mark_positions


_CJK = re.compile(f"[{CJK}]")
_KANA = re.compile(f"[{KANA}]")
_HANGUL = re.compile(f"[{HANGUL}]")


# authors evidence, strongest first (docs/metadata.md); the cluster merge ranks copies by it too
AUTHOR_EVIDENCE_ORDER = ("jsonld", "itemprop_author", "meta", "rel_author", "byline_class", "author_class",
                         "byline_text", "author_link", "labelled_byline", "signature", "story_byline")
# the places that state an author by what they are, where a name in a script without capitals is read without a
# byline prefix (not a class or id naming an author or a byline: such a box may hold a section, a date line, a bio)
_AUTHOR_PLACES = frozenset(("jsonld", "itemprop_author", "meta", "rel_author", "author_link"))
BYLINE_SPAN = 400  # author marks this close after the chosen one belong to the same byline
BYLINE_BLOCKS = 8  # a visible byline stands among the first blocks of the main content
BYLINE_WINDOW_LINES = 12  # the visible lines nearest the headline tried as a byline
LABELLED_BYLINE_BLOCKS = 200  # the blocks after the first ones read for a labelled byline
# (where the label or 'By' ends, -1 when the text does not open with one)
_WRITTEN_BY_LABEL = r"(?:written|posted|geschrieben|verfasst|écrit|escrito|scritto)\s+(?:by|von|par|por|da)\s"
# (ASCII text by the Latin-script labels alone: no label of another script holds a character it can match)
_LABELLED_BYLINE = caseless_prefix(
    rf"\s*(?:(?:{WRITER_LABEL_WORDS}|автор|текст|作者|撰文|लेखक)\s*[:：]|{_WRITTEN_BY_LABEL}"
    r"|(?:بقلم|(?:本报|本報)?(?:记者|記者))\s)",
    rf"\s*(?:(?:{WRITER_LABEL_WORDS})\s*:|{_WRITTEN_BY_LABEL})")
_WRITTEN_BY = re.compile(r"written|verfasst|author|autor|auteur|escrito|scritto", re.I)
_MID_BY = re.compile(r"\s(?:by|von|par|por|door)\s+(?=\S)", re.I)
_BYLINE_DATE_SEPARATORS = "-–—|·•/"
_LAST_WORD = re.compile(r"[^\W\d_]{2,}$")  # a name's last word, after an apostrophe or a hyphen
_NAMES_JOINED = re.compile(r"\w\s*(?:,|&|\s(?:and|und|et|y|e)\s)\s*[A-ZÀ-ÖØ-Þ]")


def _byline_in_line(block: str, other_scripts: bool = False, headings: tuple[str, ...] = (),
                    blocks: list[str] | tuple[str, ...] = ()) -> str | None:
    """The byline a short visible line states: 'By Jane Doe', '05.02.2020 - Redaktion: Eberhard Fuhr',
    'Posted in News by jdoe on August 3, 2019', '25.10.2022 - Reiner Nagel', 'Clara Löw, Siddharth
    Prakash & Klaus Jacob'; None for anything else. `headings`, `blocks`: the page's headlines and main-content
    blocks, which tell a heading of capitalised words from a line of names (`byline.is_heading_of_words`)."""
    if len(block) > BYLINE_LINE_CHARS:
        return None
    if by_prefix_end(block) >= 0:
        return block
    if other_scripts and not block.isascii():
        # (a page of another script than the Latin one: `_other_scripts`)
        other = other_script_byline(block)  # '2023-01-05 来源：新华社 作者：张三', '홍길동 기자'
        if other is not None:
            return other
    dates = find_dates(block, limit=1)
    if dates:
        d = dates[0]
        if d.start <= 12:  # a date opens the line: what follows it
            rest = block[d.end:].lstrip(" ")
            separated = rest[:1] in _BYLINE_DATE_SEPARATORS
            rest = rest.lstrip(" -–—|,·•:/")
            if by_prefix_end(rest) >= 0:
                return rest
            parsed = parse_byline(rest)
            if separated and parsed.people and all(" " in p for p in parsed.people) \
                    and len(rest.split()) <= 4:
                return rest
        mid = _MID_BY.search(block)
        if mid and not is_post_header(block):  # 'Posted in News by jdoe on August 3, 2019': a meta line with a date
            # (not an embedded post's 'A post shared by Jane Doe (@jdoe) on Feb 20, 2017' without its markup)
            return block[mid.end():]
        return None
    if len(block) > 80 or not _NAMES_JOINED.search(block):
        return None
    parsed = parse_byline(block)
    if len(parsed.people) >= 2 and all(" " in p for p in parsed.people) and not parsed.organisations \
            and len(" ".join(parsed.people).split()) >= len(block.split()) - 2 \
            and not is_heading_of_words(block, parsed.people, headings, blocks):
        return block  # a line of several full names and nothing else
    return None


# letters of the scripts whose bylines `other_script_byline` reads (Greek, Cyrillic, Hebrew, Arabic, Indic, Thai,
# Chinese, Japanese, Korean)
_OTHER_SCRIPT_LETTER = re.compile(f"[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u0900-\u0dff\u0e00-\u0e7f{CJK}]")


def _other_scripts(head: Head, body: Body) -> bool:
    """Whether the page's title (or its first headline) is written in a script other than the Latin one: only
    there are lines tested for the byline words of those scripts (a search costs ~2-4 µs a line)."""
    title = head.html_title or (body.h1[0][2] if body.h1 else "")
    return bool(title) and not title.isascii() and _OTHER_SCRIPT_LETTER.search(title) is not None


def _ordered_marks(marks: list[AuthorMark], headline: tuple[int, int] | None) -> list[AuthorMark]:
    """Author marks in the order to try them: those around the headline first (nearest first), then
    the rest in page order (a page without a headline: page order)."""
    if headline is None:
        return marks
    start, end = headline

    def distance(m: AuthorMark) -> int:
        return start - m.pos if m.pos < start else max(0, m.pos - end)

    low, high = start + HEADLINE_REGION[0], end + HEADLINE_REGION[1]
    near = [m for m in marks if low <= m.pos <= high]
    # the rest by position, not `m not in near` (a dataclass comparison per pair)
    return sorted(near, key=distance) + [m for m in marks if not low <= m.pos <= high]


def _merge_byline(entry: Byline, parsed: Byline) -> None:
    entry.people.extend(p for p in parsed.people if p not in entry.people)
    entry.agencies.extend(a for a in parsed.agencies if a not in entry.agencies)
    entry.organisations.extend(o for o in parsed.organisations if o not in entry.organisations)


def _fold_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _shown_byline(found: dict[str, Byline], blocks: list[str], parse) -> Byline | None:
    """An explicit byline opening one of the first main-content blocks ('Von Matthias Lauerer', 'By Jane Doe
    and John Roe') whose people, all full names, are none of those the JSON-LD or meta tags name: the writer the
    page shows, where the metadata names the account that posted it. None when the metadata names nobody (the
    order below reads the blocks then) or names one of them."""
    if not any(found[kind].people for kind in ("jsonld", "meta") if kind in found):
        return None
    for block in blocks[:BYLINE_BLOCKS]:
        if len(block) > BYLINE_LINE_CHARS or by_prefix_end(block) < 0:
            continue
        stated = {_fold_name(p) for kind in ("jsonld", "meta") if kind in found for p in found[kind].people}
        parsed = parse(block, False)
        if parsed.people and all(" " in p for p in parsed.people) \
                and not stated & {_fold_name(p) for p in parsed.people}:
            return parsed
        return None
    return None


def _shown_markup_agrees(found: dict[str, Byline], html: str | None, start: int,
                         headline: tuple[int, int] | None, parse) -> bool:
    """The meta tags (`parsely-author`, `author`) name people none of whom the JSON-LD names, and the visible author
    markup by the headline (`itemprop=author`, `rel=author`, a byline class) names one of them: two independent
    places agree on the page's writers against one CMS field (Yoast's JSON-LD names the account that posted the
    story: wsvn.com's 'Kathleen Ditton' against 'Jessica Holly, Gail Levy'; round 27). The body's marks are read
    only on such a page (a disagreement between the JSON-LD and the meta tags)."""
    ld, meta = found.get("jsonld"), found.get("meta")
    if not html or ld is None or meta is None or not ld.people or not meta.people:
        return False
    named = {_fold_name(p) for p in meta.people}
    if named & {_fold_name(p) for p in ld.people}:
        return False
    for mark in author_marks(html, start, headline):
        if mark.kind in ("itemprop_author", "rel_author", "byline_class") and \
                named & {_fold_name(p) for p in parse(mark.text, mark.kind in _AUTHOR_PLACES).people}:
            return True
    return False


def _meta_names_more(found: dict[str, Byline], html: str | None, start: int) -> bool:
    """The JSON-LD's people open the list the meta tags (`author`, `article:author_name`, `parsely-author`) give,
    and the meta tags name more after them, each a full name the page's body shows too: a CMS whose JSON-LD template
    writes a story's first writer only (standard.co.uk's `"author": {"name": "April Roach"}` against the meta tags'
    `April Roach, Daniel O'Mahony`, both linked under the headline; round 31). In order, so that a group opening the
    list ('Condé Nast, Fiona Bornhöft, ...') is not taken for a writer the JSON-LD left out. The body is asked for
    each extra name's last word (an apostrophe in it is escaped in the markup: `O&#x27;Mahony`)."""
    ld, meta = found.get("jsonld"), found.get("meta")
    if not html or ld is None or meta is None or not ld.people or len(meta.people) <= len(ld.people):
        return False
    named = [_fold_name(p) for p in ld.people]
    if [_fold_name(p) for p in meta.people[:len(named)]] != named:
        return False
    for person in meta.people[len(named):]:
        last = _LAST_WORD.search(person)
        if " " not in person or last is None or html.find(last.group(), start) < 0:
            return False
    return True


def decide_authors(md: PageMetadata, html: str | None, head: Head, ld: JsonLd, body: Body,
                    blocks: list[str]) -> None:
    """Fill `md.authors` and `md.authors_source` from the page's places, in AUTHOR_EVIDENCE_ORDER."""
    site_names = tuple(x for x in (md.site_name, None if md.publisher_is_person else md.publisher,
                                   site_label(md.url_host), md.url_host) if x)
    found: dict[str, Byline] = {}
    # names in Han characters side by side are several people on a Chinese page, one on a Japanese one ('山田 太郎')
    lang = (head.lang or "").lower()
    title = head.html_title or ""
    han_lists = lang.startswith("zh") or (not title.isascii() and not lang.startswith("ja") and _CJK.search(title)
                                          is not None and _KANA.search(title) is None and _HANGUL.search(title) is None)
    # a text read twice (two marks, a mark and a line) is parsed once; the key says whether it came from a
    # place that states an author (`_AUTHOR_PLACES`), where a name without capitals is read, and whether the place
    # types it a person (a JSON-LD Person: its initials are no outlet's call letters, 'KVS Ramana')
    parsed_texts: dict[tuple[str, bool, bool], Byline] = {}

    def parse(text: str, structured: bool, person: bool = False) -> Byline:  # the result is only read, never changed
        parsed = parsed_texts.get((text, structured, person))
        if parsed is None:
            parsed = parsed_texts[text, structured, person] = parse_byline(text, site_names, structured, han_lists,
                                                                           person)
        return parsed

    def add(kind: str, text: str, person: bool = False) -> None:
        _merge_byline(found.setdefault(kind, Byline([], [], [])), parse(text, kind in _AUTHOR_PLACES, person))

    if ld.article is not None:
        for name, kind in ld_entities(ld.article.get("author"), ld.ids) + \
                ld_entities(ld.article.get("creator"), ld.ids):
            if kind == "organization":
                agency = agency_name(name)
                entry = found.setdefault("jsonld", Byline([], [], []))
                if agency:
                    entry.agencies.append((name, agency))
                elif name not in entry.organisations:
                    entry.organisations.append(name)
            else:
                add("jsonld", name, kind == "person")
    meta = head.meta
    for key in AUTHOR_META_NAMES:
        if key in meta:
            for value in meta[key]:
                if not value.startswith(("http://", "https://", "@")):
                    add("meta", value)
    for i, label in enumerate(("twitter:label1", "twitter:label2")):  # Yoast: 'Written by' / 'Jane Doe'
        if label in meta and any(_WRITTEN_BY.search(value) for value in meta[label]):
            for data in head.meta.get(f"twitter:data{i + 1}", ()):
                add("meta", data)
    headline = body.anchor
    fuller = _meta_names_more(found, html, head.end)
    if fuller:  # the meta tags' list of writers wins over the JSON-LD's first of them
        found["jsonld"].people.clear()
    agreement = _shown_markup_agrees(found, html, head.end, headline, parse)
    if agreement:  # the JSON-LD's people set aside, its organisations and agencies kept
        found["jsonld"].people.clear()
    shown = _shown_byline(found, blocks, parse)
    if shown is not None:  # the page shows another writer than its metadata's (a CMS account): ':shown_byline'
        md.authors, md.authors_source = shown.people[:10], "byline_text:shown_byline"
        md.author_agencies.extend(a for a in shown.agencies if a not in md.author_agencies)
        return
    # author markup in the body is read only when the metadata names no person (it ranks below them)
    if html and not any(entry.people for entry in found.values()):
        body.authors = author_marks(html, head.end, headline)
    kinds_present = {m.kind for m in body.authors}
    # once a kind names the author, a lower kind is read only at that byline (an agency beside the name in another
    # markup: '<p class="byline">By <span itemprop="author">Jane Doe</span>, Reuters</p>'), not elsewhere in the
    # 43,000 characters (another story's teaser): round 14, the cost of reading their texts
    decided = -1
    comments = CommentSections(html or "", headline[0] if headline else -1)
    teasers: set[int] | None = None  # marks signing other stories' teasers: found once a mark to read follows one
    for kind in ("itemprop_author", "rel_author", "byline_class", "author_class", "author_link"):
        if kind not in kinds_present:
            continue
        marks = _ordered_marks([m for m in body.authors if m.kind == kind and (
            decided < 0 or decided - BYLINE_SPAN <= m.pos <= decided + BYLINE_SPAN)], headline)
        for mark in marks:
            structured = kind in _AUTHOR_PLACES
            if comments.known_to_hold(mark.pos):  # (a thread's next commenter, without reading the name)
                continue
            if teasers is None and follows_linked_heading(html or "", mark, headline):
                teasers = teaser_mark_positions(html or "", body.authors, headline)  # (round 25)
            if teasers and mark.pos in teasers:
                continue  # another story's writer in a list of teasers
            parsed = parse(mark.text, structured)
            # a commenter's name in a comment section (looked for only where a mark names someone: round 17)
            if not parsed.people or comments.holds(mark.pos):
                continue
            entry = found.setdefault(kind, Byline([], [], []))
            _merge_byline(entry, parsed)
            # more names of the same byline: marks of this kind right after it ('By <a>X</a> and <a>Y</a>')
            last, previous = mark.pos, mark
            for other in body.authors:  # in page order (author_marks sorts them)
                if other.kind == kind and last < other.pos <= last + BYLINE_SPAN:
                    if not continues_byline(html or "", previous, other):
                        break  # another entry of a list of writers, not this byline's next name (round 25)
                    _merge_byline(entry, parse(other.text, structured))
                    last, previous = other.pos, other
            if decided < 0:
                decided = mark.pos
            break
    other_scripts = _other_scripts(head, body)
    if not any(entry.people for entry in found.values()):
        headings = (*(t for _s, _e, t in body.h1), head.html_title or "", *head.meta.get("og:title", ())[:1])
        for block in blocks[:BYLINE_BLOCKS]:
            line = _byline_in_line(block, other_scripts, headings, blocks)
            if line:
                add("byline_text", line)
    if html and headline is not None and not any(entry.people for entry in found.values()):
        # a byline line beside the headline that the main-content blocks left out ('06.11.2023 13:30 von
        # Olga' under a heading), the nearest first; the same region the dates read
        read_headline_region(html, head.end, body, blocks)
        for _pos, text in byline_lines(html, body, BYLINE_WINDOW_LINES):
            if len(text) > BYLINE_LINE_CHARS:
                continue
            if not _HAS_EXPLICIT_BY(text):
                # no explicit 'By' in it: none at the start of a part of it; a script without capitals states a
                # byline by its own words ('بقلم محمد علي', '作者：张三', '홍길동 기자')
                stated = other_script_byline(text) if other_scripts and not text.isascii() else None
                if stated is not None:
                    add("byline_text", stated)
                    if found["byline_text"].people:
                        break
                continue
            line = _byline_in_line(text) or ""
            # lines outside the main content are looser (teasers, captions, product names): only an
            # explicit 'By' / 'Von' / 'Par' before a capitalised name
            prefix_end = _EXPLICIT_BY(line)
            if prefix_end >= 0 and line[prefix_end:prefix_end + 1].isupper():
                add("byline_text", line)
                if found["byline_text"].people:
                    break
    if not any(entry.people for entry in found.values()):
        # a labelled byline further down the main content ('Text: Ursula Eggers', 'Autor: Klausmartin
        # Friedrich' under a long article); there only a label with its colon counts, not a bare 'Von'
        for block in blocks[BYLINE_BLOCKS:BYLINE_BLOCKS + LABELLED_BYLINE_BLOCKS]:
            if len(block) <= BYLINE_LINE_CHARS and _LABELLED_BYLINE(block) >= 0:
                add("labelled_byline", block)
                if found["labelled_byline"].people:
                    break
    if html and headline is not None and not any(entry.people for entry in found.values()):
        # nobody named yet: a link to a user's profile by the headline, the nearest first (a community site's
        # 'von <a href="/user/Marianne1.html">Marianne1</a>'), as a link to an author page
        links = profile_links(html, head.end, headline)
        for mark in _ordered_marks(links, headline):
            parsed = parse(mark.text, True)
            if parsed.people:
                _merge_byline(entry := found.setdefault("author_link", Byline([], [], [])), parsed)
                for other in people_pages_after(html, links, mark, BYLINE_SPAN):  # (a paper's authors: round 19)
                    _merge_byline(entry, parse(other.text, True))
                break
    if html and not any(entry.people for entry in found.values()):
        # still nobody: the writer's name alone in an emphasised paragraph closing the story (round 15)
        signed = closing_signature(html, blocks, parse)
        if signed is not None:
            _merge_byline(found.setdefault("signature", Byline([], [], [])), signed)
        else:  # a byline over the story's first paragraph further down than the first blocks (round 22)
            opening = story_byline(blocks, parse, BYLINE_BLOCKS + LABELLED_BYLINE_BLOCKS)
            if opening is not None:
                _merge_byline(found.setdefault("story_byline", Byline([], [], [])), opening)
    for kind in AUTHOR_EVIDENCE_ORDER:
        named = found.get(kind)
        if named and named.people:
            md.authors, md.authors_source = named.people[:10], kind + (":agreement" if agreement else "")
            break
    for kind in AUTHOR_EVIDENCE_ORDER:
        named = found.get(kind)
        if named:
            md.author_agencies.extend(a for a in named.agencies if a not in md.author_agencies)
            if kind in ("jsonld", "meta", md.authors_source):
                md.author_organisations.extend(o for o in named.organisations if o not in md.author_organisations)
