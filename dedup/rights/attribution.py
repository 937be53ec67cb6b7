"""attribution: who wrote a story (the wire agency behind a syndicated copy), who published the page.

Pure row logic: strings, lists and dicts in, plain values out. The pipeline calls
`attribution_evidence` per document and `merge_cluster` per near-duplicate cluster (a copy that
dropped the dateline and the credit line still belongs to the agency that its siblings name).

Signals, strongest first (weights used by `attribution_evidence` to pick one agency per document):

| kind              | where                                                  | weight |
| ----------------- | ------------------------------------------------------ | ------ |
| `copyright_line`  | `© 2023 Thomson/Reuters. All rights reserved.` (who owns the text) | 4 |
| `dateline`        | `WASHINGTON (Reuters) -`, `(서울=연합뉴스)`, `新华社北京1月5日电` opening an early block | 3 |
| `domain`          | the page is on the agency's own domain                 | 3      |
| `jsonld_*`        | JSON-LD author / sourceOrganization / copyrightHolder / isBasedOn / provider / publisher | 2 |
| `byline`          | `By Jane Doe, Associated Press`, `Reuters Staff`, `AFP` | 2      |
| `byline_markup`   | an agency in the page's author markup (`<span class="byline">David Hutzler, dpa</span>`) | 2 |
| `meta_author`     | `<meta name="author" content="Reuters">`               | 1      |
| `reporting_line`  | `(Reporting by X; Editing by Y)` (Reuters house style) | 1      |

Recognition is deliberately conservative: an agency *mentioned* in a sentence ("Reuters reported on
Monday") is not evidence; only structural positions (dateline, credit/copyright line, byline, metadata)
count, and the short, ambiguous acronyms (AP, PA) are matched case-sensitively and only where a wire
credit stands (`(AP)` in a dateline, `AP Science Writer` in a byline, `© 2023 AP`). Photo credits
(`AP Photo/Evan Vucci`, `Photo: Jane Doe/AFP`) license and credit the picture, not the story: skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from urllib.parse import urlsplit

from dedup.text.dates import find_dates
from dedup.text.jsonld import ARTICLE_TYPES, MAX_LD_NAMES, ld_types
from dedup.text.normalise import FOLDS_TO_ASCII, site_host
from dedup.text.pagehead import AUTHOR_META_NAMES
from dedup.memory import memo

# canonical name -> the agency's full name
AGENCIES: dict[str, str] = {
    "Reuters": "Reuters",
    "Associated Press": "The Associated Press",
    "AFP": "Agence France-Presse",
    "Bloomberg": "Bloomberg News",
    "dpa": "Deutsche Presse-Agentur",
    "Xinhua": "Xinhua News Agency",
    "EFE": "Agencia EFE",
    "ANSA": "Agenzia Nazionale Stampa Associata",
    "PA Media": "PA Media",
    "UPI": "United Press International",
    "Kyodo": "Kyodo News",
    "Yonhap": "Yonhap News Agency",
}

# registered domain (or a parent of it) -> canonical name
AGENCY_DOMAINS: dict[str, str] = {
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "ap.org": "Associated Press",
    "afp.com": "AFP",
    "bloomberg.com": "Bloomberg",
    "dpa.com": "dpa",
    "xinhuanet.com": "Xinhua",
    "news.cn": "Xinhua",
    "efe.com": "EFE",
    "ansa.it": "ANSA",
    "pamediagroup.com": "PA Media",
    "upi.com": "UPI",
    "kyodonews.net": "Kyodo",
    "yna.co.kr": "Yonhap",
    "en.yna.co.kr": "Yonhap",
}

# The agency inside a dateline's parentheses: case-sensitive aliases.
DATELINE_ALIASES: dict[str, str] = {
    "AP": "Associated Press",
    "Reuters": "Reuters",
    "REUTERS": "Reuters",
    "AFP": "AFP",
    "dpa": "dpa",
    "Xinhua": "Xinhua",
    "EFE": "EFE",
    "ANSA": "ANSA",
    "PA": "PA Media",
    "UPI": "UPI",
    "Kyodo": "Kyodo",
    "Yonhap": "Yonhap",
    "Bloomberg": "Bloomberg",
}
# aliases that are also ordinary abbreviations ("AP" = access point, "PA" = Pennsylvania, public address):
# in a dateline they need an upper-case place before them ("NEW YORK (AP) —").
_AMBIGUOUS_DATELINE = {"AP", "PA"}

# Names of the agencies as they stand in credit lines, bylines and metadata. Each pattern is matched
# as a whole "holder" token sequence, case-sensitively unless marked (?i).
_NAME_PATTERNS: list[tuple[str, str]] = [
    (r"Thomson[ /]?Reuters|(?i:reuters)", "Reuters"),
    (r"(?:The )?Associated Press|(?:THE )?ASSOCIATED PRESS", "Associated Press"),
    (r"AFP|Agence France[- ]Presse|AGENCE FRANCE[- ]PRESSE", "AFP"),
    (r"Bloomberg(?: (?:L\.?P\.?|News|Finance L\.?P\.?))?|BLOOMBERG", "Bloomberg"),
    (r"dpa(?:[- ]infocom)?(?: GmbH)?|DPA|Deutsche Presse-Agentur", "dpa"),
    (r"Xinhua(?: News Agency)?|XINHUA", "Xinhua"),
    (r"(?:Agencia )?EFE", "EFE"),
    (r"ANSA", "ANSA"),
    (r"PA Media|(?:The )?Press Association|PA Wire", "PA Media"),
    (r"UPI|United Press International|(?i:upi\.com)", "UPI"),
    (r"Kyodo(?: News)?|KYODO", "Kyodo"),
    (r"Yonhap(?: News Agency)?|YONHAP", "Yonhap"),
]
# "AP" alone only in credit positions (copyright holder, end of a byline)
_AP_STRICT = re.compile(r"^(?:the )?AP$")
_NAME_RES = [(re.compile(rf"(?:{p})"), a) for p, a in _NAME_PATTERNS]
_NAME_FULL = [(re.compile(rf"^(?:{p})$"), a) for p, a in _NAME_PATTERNS]


def _agency_name(text: str, allow_ap: bool = False) -> str | None:
    """The agency when `text` (stripped) IS an agency's name (not merely contains one)."""
    text = text.strip(" \t.,;:|-–—()[]\"'")
    if not text:
        return None
    for rx, agency in _NAME_FULL:
        if rx.match(text):
            return agency
    if allow_ap:
        if _AP_STRICT.match(text):
            return "Associated Press"
        if text == "PA":
            return "PA Media"
    return None


def agency_name(text: str) -> str | None:
    """The agency when `text` IS an agency's name ('Reuters', 'The Associated Press', 'AP', 'dpa'), else None."""
    return _agency_name(text, allow_ap=True)


def agency_of_domain(host: str | None) -> str | None:
    """The agency whose own site this is ('www.reuters.com' -> 'Reuters'), else None."""
    return _domain_agency(host)


def _domain_agency(host: str | None) -> str | None:
    if not host:
        return None
    host = host.lower().rstrip(".")
    if "/" in host or ":" in host:
        try:
            host = urlsplit(host if "//" in host else "//" + host).hostname or ""
        except ValueError:
            return None
    host = site_host(host)
    while host:
        if host in AGENCY_DOMAINS:
            return AGENCY_DOMAINS[host]
        _, _, host = host.partition(".")
    return None


# --------------------------------------------------------------------------------------------------
# dateline

_UP = "A-ZÀ-ÖØ-Þ"              # upper-case letters, Latin-1 range (diacritics: SÃO PAULO, ZÜRICH)
_WORD_CHARS = r"\w.'’\-"
# one word of a place: starts upper-case (WASHINGTON, Berlin, St., U.S., D'ALENE), or a lower-case
# particle of a place name (Rio de Janeiro, Port of Spain)
_PLACE_WORD = rf"(?:[{_UP}][{_WORD_CHARS}]*|de|da|do|dos|del|der|di|du|la|le|el|al|of|am|an|upon|on|sur|en)"
_PLACE = rf"{_PLACE_WORD}(?:(?:,\s*|\s+){_PLACE_WORD}){{0,7}}"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf",?\s*{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?"
# a day before a lower-case month of another language: 'Madrid, 5 ene (EFE).-', 'Paris, 5 janv. 2023 (AFP) -'
_DAY_MONTH = r",\s*\d{1,2}\.?\s+[a-zà-ÿ]{3,10}\.?(?:\s+\d{4})?"
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE}(?=[\s,]))?(?P<date>{_DATE}|{_DAY_MONTH})?\s*"
    rf"\((?P<agency>{'|'.join(sorted(map(re.escape, DATELINE_ALIASES), key=len, reverse=True))})"
    r"(?P<service>(?<=dpa)/[a-z]{2,4}|(?<=dpa)-AFX|(?<=ANSA)-(?:AFP|AP|EFE|dpa|Reuters|Xinhua))?\)"
    r"\s*\.?\s*(?:--|-|–|—)(?=\s|$|[^\-–—])"
)
_ALLCAPS_WORD = re.compile(rf"\b[{_UP}]{{2,}}\b")
# Datelines in the agencies' own languages, anchored at the start of a block as above (the agency's name in
# its script; a place and a date may stand with it): Yonhap's Korean lede '(서울=연합뉴스) 홍길동 기자 = ...',
# Xinhua's '新华社北京1月5日电（记者 李明）...' (its site's '新华网北京1月5日电' too, as its domain counts),
# Kyodo's Japanese '【ワシントン共同】...'; EFE's Spanish 'Madrid, 5 ene (EFE).- ...' and a dpa or ANSA service
# ('Düsseldorf (dpa/lnw) - ...', '(ANSA-AFP) - ROMA') are the Latin form above with a date in a lower-case month
# and '.-' after the agency.
_CJK_DATELINES = [
    (re.compile(r"^[(\[（]\s*[가-힣A-Za-z·ㆍ ]{1,20}=\s*연합뉴스\s*[)\]）]"), "Yonhap"),
    (re.compile(r"^[(\[（【]?\s*(?:据)?新华(?:社|网)(?:[\u4e00-\u9fff]{0,8}[0-9０-９]{1,2}月[0-9０-９]{1,2}日电"
                r"|电|[\u4e00-\u9fff]{2,4}电(?=[(（【\s]))[)\]）】]?"), "Xinhua"),
    (re.compile(r"^【[^】\s]{1,15}共同】"), "Kyodo"),
]
_CJK_DATELINE_OPEN = frozenset("([（【据新")


def dateline(block: str) -> tuple[str, str] | None:
    """('WASHINGTON (Reuters)', 'Reuters') when the block starts with a wire dateline, else None.

    Anchored at the start, case-sensitive: place words start upper-case (WASHINGTON, NEW YORK, Berlin
    for dpa style, SPRINGFIELD, Ill.), an optional date (BEIJING, Sept. 16 (Xinhua) --), the agency in
    parentheses from a case-sensitive alias table, then a dash (-, –, —, --). For the ambiguous aliases
    AP and PA the place must contain an all-capitals word; Bloomberg's '(Bloomberg) --' needs no place.
    """
    if not block:
        return None
    if block[0] in _CJK_DATELINE_OPEN:
        for rx, agency in _CJK_DATELINES:
            mc = rx.match(block)
            if mc:
                return mc.group(0).strip(), agency
    if "(" not in block[:120]:
        return None
    m = _DATELINE.match(block)
    if m is None:
        return None
    alias = m.group("agency")
    place = (m.group("place") or "").strip()
    if alias in _AMBIGUOUS_DATELINE and not _ALLCAPS_WORD.search(place):
        return None
    text = block[: (m.end("service") if m.group("service") else m.end("agency")) + 1].strip()
    return text, DATELINE_ALIASES[alias]


# --------------------------------------------------------------------------------------------------
# credit lines and bylines

# A credit that opens with a copyright mark or the word. Looser than `licence.is_copyright_line` on purpose
# ('Copyright:' / 'copyright the Associated Press' count): it is asked only of a text that already credits an
# agency, to weigh it as a copyright line rather than a byline; the licence rule decides whether a text is a
# notice at all, so it wants 'Copyright' followed by a mark, a year, 'by' or a capitalised holder.
_COPYRIGHT_HEAD = re.compile(r"^\s*(?:©|\(c\)|&copy;|copyright\b|\(C\))", re.I)
# a copyright mark anywhere in a text (cut out of a notice to leave its holder: here and `licence._holder`)
COPY_MARKS = re.compile(r"©|\(c\)|&copy;|\bcopyright\b", re.I)
# a dpa-infocom story id after the credit ('© dpa-infocom, dpa:230902-99-...'): not part of the holder's name
DPA_STORY_ID = re.compile(r"[,:]\s*dpa:\S+")
_YEARS = re.compile(r"\b(?:19|20)\d{2}\b(?:\s*[-–]\s*(?:19|20)?\d{2,4})?")
# "All rights reserved" and what follows it, cut from a notice to leave its holder (here and `licence._holder`)
RESERVED_TAIL = re.compile(r"\b(?:all|some) rights reserved\b.*$", re.I | re.S)
_PHOTO_CREDIT = re.compile(
    r"\b(?:photo|photos|photograph|image|picture|pictures|foto|video|illustration|graphic)s?\b\s*(?::|/|by\b|credit)"
    r"|\bAP Photo\b|\bGetty\b|\bvia Getty\b|\bWikimedia\b|\bShutterstock\b|\bFile photo\b",
    re.I,
)
_BY = re.compile(r"^\s*(?:by|von|par|por)\s+(?P<rest>.+)$", re.I)
# "By JANE DOE AP Science Writer", "By Jane Doe, AP Business Writer"
_AP_WRITER = re.compile(r"(?:^|[\s,])(?:AP|PA)\s+(?:[A-Z][a-z]+\s+){0,2}(?:Writer|Correspondent|Reporter|Editor)s?\b")
_AP_TAIL = re.compile(r"(?:,|\||\s[-–—]|/)\s*(?:The\s+)?(AP|PA)\s*$")
_REPORTING = re.compile(
    r"^\s*\(?\s*(?:(?:Additional )?[Rr]eporting|Writing|Compiled) by\b.+?(?:;|\bEditing by\b|\bWriting by\b|\)\s*$)",
    re.S,
)
_PERSON = re.compile(rf"^(?:[{_UP}][\w.'’\-]+\s+){{1,3}}[{_UP}][\w.'’\-]+$")
_SPLIT_TAIL = re.compile(r"\s*(?:,|\||/|\s[-–—]\s)\s*")
# A word every credit `agency_from_credit` accepts holds (a word of an agency's name, "AP"/"PA", or a
# Reuters reporting line): most blocks hold none and skip the shape tests (~0.4 ms a page). Safe as a
# gate because the holder of a copyright line is the line with pieces cut out, never words joined.
# Two patterns, not one with a case-insensitive group: a pattern of literals only is searched from its
# possible first characters, about twice as fast, and a block holds one of the words iff either finds it.
_MAY_CREDIT = re.compile(r"Associated|ASSOCIATED|AFP|Agence|AGENCE|Bloomberg|BLOOMBERG|dpa|DPA|Deutsche|Xinhua"
                         r"|XINHUA|EFE|ANSA|PA|Press|UPI|United|Kyodo|KYODO|Yonhap|YONHAP|AP")
_MAY_CREDIT_WORDS = ("reuters", "upi.com", "reporting", "writing", "compiled")
_MAY_CREDIT_ANY_CASE = re.compile("|".join(map(re.escape, _MAY_CREDIT_WORDS)), re.I)


def _may_credit(text: str) -> bool:
    """Could the text name an agency (a quick test that rules most blocks out)?"""
    if _MAY_CREDIT.search(text) is not None:
        return True
    if not text.isascii() and FOLDS_TO_ASCII.search(text):
        return _MAY_CREDIT_ANY_CASE.search(text) is not None
    # the words found in the lowered text, as the caseless pattern would find them (`FOLDS_TO_ASCII`): five finds
    # beat the pattern's search, whose first letters r, u, w, c stand at ~1 position in 6 of an English text, and
    # much more where re.I compares every position: a text beyond ASCII (a sixth of a crawl's short blocks hold a
    # curly quote or a dash). A unique block's test: 2.3 -> 1.7 µs (ASCII), 7.7 -> 3.6 (the others); speed round 19
    lowered = text.lower()
    for word in _MAY_CREDIT_WORDS:
        if word in lowered:
            return True
    return False


def _copyright_holder_text(text: str) -> str:
    """'© 2023 Thomson/Reuters. All rights reserved.' -> 'Thomson/Reuters'."""
    s = RESERVED_TAIL.sub("", text)
    s = re.split(r"\.\s+(?=[A-Z])", s, maxsplit=1)[0]  # drop following sentences ("This material may not...")
    s = COPY_MARKS.sub(" ", s)
    s = _YEARS.sub(" ", s)
    s = DPA_STORY_ID.sub(" ", s)
    return " ".join(s.split()).strip(" .,;:|-–—")


def agency_from_credit(text: str) -> str | None:
    """The agency named by a credit line, a copyright line or a byline; None when unsure.

    Accepted shapes (short lines only): '© 2023 Thomson/Reuters', 'Copyright 2023 The Associated Press.
    All rights reserved.', '© dpa-infocom, dpa:...', 'By Jane Doe, Associated Press', 'By JANE DOE AP
    Science Writer', 'By Reuters', 'Reuters Staff', 'Jane Doe | Reuters', 'AFP' or 'Bloomberg News' as a
    whole block, '(Reporting by X; Editing by Y)' (Reuters house style). Photo credits are not story
    credits and give None.
    """
    if not text or not _may_credit(text):
        return None
    text = " ".join(text.split())
    if len(text) > 300 or _PHOTO_CREDIT.search(text):
        return None
    if _COPYRIGHT_HEAD.match(text) or (len(text) <= 200 and "©" in text):
        holder = _copyright_holder_text(text)
        if holder:
            agency = _agency_name(holder, allow_ap=True)
            if agency:
                return agency
            # '© 2023 Bloomberg L.P. and partners' / 'Copyright 2023 Reuters Limited'
            first = re.split(r"\s+(?:and|&|Limited|Ltd\.?|Inc\.?|GmbH|S\.A\.|plc)\b", holder, maxsplit=1)[0]
            if first != holder:
                return _agency_name(first, allow_ap=True)
        return None
    if len(text) > 150:
        return None
    if _REPORTING.match(text):
        return "Reuters"
    m = _BY.match(text)
    rest = m.group("rest") if m else text
    agency = _agency_name(rest, allow_ap=bool(m))
    if agency:
        return agency
    if re.fullmatch(r"(?i:reuters\s+staff)", rest.strip(" .")):
        return "Reuters"
    if _AP_WRITER.search(rest) and (m or _PERSON.match(rest.split(",")[0].strip()) or rest.isupper()):
        return "PA Media" if re.search(r"(?:^|[\s,])PA\s", rest) else "Associated Press"
    # 'Jane Doe, Associated Press' / 'Jane Doe | Reuters' / 'Jane Doe and John Roe, AFP'
    parts = _SPLIT_TAIL.split(rest.strip())
    if len(parts) >= 2:
        tail = parts[-1]
        agency = _agency_name(tail, allow_ap=True)
        if agency and all(_is_person_list(p) for p in parts[:-1]):
            return agency
        if agency is None and tail.endswith(("Writer", "Correspondent")):
            agency = _agency_name(re.sub(r"\s+(?:[A-Z][a-z]+\s+)?(?:Writer|Correspondent)$", "", tail), True)
            if agency:
                return agency
    return None


# the credits of the text blocks seen last: a site's lines and a wire's credit stand on many pages
_block_credit = memo(16384)(agency_from_credit)


def _is_person_list(text: str) -> bool:
    names = re.split(r"\s+(?:and|&|und|et|y)\s+|\s*,\s*", text.strip())
    return bool(names) and all(_PERSON.match(n) or (n.isupper() and 1 <= len(n.split()) <= 4) for n in names if n)


# --------------------------------------------------------------------------------------------------
# JSON-LD


def _names(value: object) -> list[tuple[str, str | None]]:
    """JSON-LD person/organisation value(s) -> [(name, type or None)]; strings are names. A list is read to its
    `MAX_LD_NAMES`th item (as the metadata reads it: `dedup.text.jsonld.ld_entities`)."""
    out: list[tuple[str, str | None]] = []
    items = value[:MAX_LD_NAMES] if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            if item.strip():
                out.append((" ".join(item.split()), None))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            t = ld_types(item)
            kind = "organization" if t & {"organization", "newsmediaorganization", "corporation"} else \
                "person" if "person" in t else None
            if isinstance(name, str) and name.strip():
                out.append((" ".join(name.split()), kind))
            elif isinstance(item.get("url"), str):
                out.append((item["url"].strip(), kind))
    return out


def _value_agency(name: str) -> str | None:
    if name.startswith(("http://", "https://", "//")) or re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", name):
        return _domain_agency(name)
    return _agency_name(name, allow_ap=True) or agency_from_credit(name)


def jsonld_attribution(objects: list[dict]) -> dict:
    """{'authors': [...], 'publisher': str|None, 'agency': str|None, 'evidence': [{kind, value, agency}]}.

    Authors are kept whatever their type: persons AND organisations ('Reuters' as an Organization
    author is exactly the wire signal that generic extractors drop). Only article-type objects are
    read (the first one's publisher is the publisher); when the page has none, every object is read.
    """
    objects = [o for o in (objects or []) if isinstance(o, dict)]
    articles = [o for o in objects if ld_types(o) & ARTICLE_TYPES] or objects
    authors: list[str] = []
    seen: set[str] = set()  # (a list's `in` made 100,000 article objects of one author each quadratic)
    publisher = None
    evidence: list[dict] = []
    for obj in articles:
        for name, _kind in _names(obj.get("author")) + _names(obj.get("creator")):
            if name not in seen and not name.startswith(("http://", "https://")):
                seen.add(name)
                authors.append(name)
            agency = _value_agency(name)
            if agency:
                evidence.append({"kind": "jsonld_author", "value": name, "agency": agency})
        if publisher is None:
            pubs = _names(obj.get("publisher"))
            if pubs and not pubs[0][0].startswith(("http://", "https://")):
                publisher = pubs[0][0]
        for key, kind in (("sourceOrganization", "jsonld_source_organization"),
                          ("copyrightHolder", "jsonld_copyright_holder"),
                          ("provider", "jsonld_provider"),
                          ("publisher", "jsonld_publisher")):
            for name, _kind in _names(obj.get(key)):
                agency = _value_agency(name)
                if agency:
                    evidence.append({"kind": kind, "value": name, "agency": agency})
        based = obj.get("isBasedOn") or obj.get("isBasedOnUrl")
        for item in based if isinstance(based, list) else [based]:
            if isinstance(item, str):
                agency = _value_agency(item)
                if agency:
                    evidence.append({"kind": "jsonld_is_based_on", "value": item, "agency": agency})
            elif isinstance(item, dict):
                for sub in ("url", "@id"):
                    if isinstance(item.get(sub), str) and _domain_agency(item[sub]):
                        evidence.append({"kind": "jsonld_is_based_on", "value": item[sub],
                                         "agency": _domain_agency(item[sub])})
                        break
                else:
                    for name, _kind in _names(item.get("publisher")) + _names(item.get("author")):
                        agency = _value_agency(name)
                        if agency:
                            evidence.append({"kind": "jsonld_is_based_on", "value": name, "agency": agency})
    agency = _vote(evidence)
    return {"authors": authors, "publisher": publisher, "agency": agency, "evidence": evidence}


# --------------------------------------------------------------------------------------------------
# per document

DATELINE_BLOCKS = 6  # a dateline opens the first story paragraph: after headline / byline / time / note lines
_WEIGHTS = {"dateline": 3, "copyright_line": 4, "domain": 3, "byline": 2, "byline_markup": 2, "meta_author": 1,
            "reporting_line": 1}
# The <meta> names whose value may credit an agency (their `meta_author` evidence in this order): the author names,
# and the site's account ('twitter:creator': '@Reuters'), which the metadata does not take for a writer's name.
_META_AUTHOR_KEYS = AUTHOR_META_NAMES + ("twitter:creator",)


def _vote(evidence: list[dict]) -> str | None:
    score: Counter[str] = Counter()
    for e in evidence:
        if e.get("agency"):
            score[e["agency"]] += _WEIGHTS.get(e["kind"], 2)
    if not score:
        return None
    best = max(score.values())
    return sorted(a for a, s in score.items() if s == best)[0]


def attribution_evidence(blocks: list[str], jsonld: list[dict], meta: dict[str, str],
                         domain: str | None, byline_agencies: list[tuple[str, str]] | None = None) -> dict:
    """The agency behind one document, from its own visible and machine-readable evidence.

    Returns {'original_source', 'attribution_evidence': [{'kind', 'value', 'agency'}], 'dateline',
    'authors', 'publisher'}. original_source is the agency with the highest summed weight (table in
    the module docstring; ties -> alphabetical); None when the page names no agency (its own
    reporting, or a copy that dropped every credit: the cluster step decides those).
    `byline_agencies`: (text, agency) named in the page's author markup ('David Hutzler | dpa' in a
    byline element), counted as a byline unless a visible byline already names that agency.
    """
    evidence: list[dict] = []
    found_dateline = None
    blocks = blocks or []
    for block in blocks[:DATELINE_BLOCKS]:
        d = dateline(block)
        if d:
            found_dateline = d[0]
            evidence.append({"kind": "dateline", "value": d[0], "agency": d[1]})
            break
    for block in blocks:
        if len(block) > 300:
            continue
        agency = _block_credit(block)
        if agency:
            kind = ("copyright_line" if _COPYRIGHT_HEAD.match(block) or "©" in block
                    else "reporting_line" if _REPORTING.match(block) else "byline")
            evidence.append({"kind": kind, "value": block, "agency": agency})
    for key in _META_AUTHOR_KEYS:
        value = (meta or {}).get(key)
        if value:
            agency = _agency_name(value, allow_ap=True) or agency_from_credit(value)
            if agency:
                evidence.append({"kind": "meta_author", "value": value, "agency": agency})
    for value, agency in byline_agencies or []:
        if not any(e["kind"] in ("byline", "byline_markup") and e["agency"] == agency for e in evidence):
            evidence.append({"kind": "byline_markup", "value": value, "agency": agency})
    ld = jsonld_attribution(jsonld or [])
    evidence.extend(ld["evidence"])
    agency = _domain_agency(domain)
    if agency:
        evidence.append({"kind": "domain", "value": domain, "agency": agency})
    return {
        "original_source": _vote(evidence),
        "attribution_evidence": evidence,
        "dateline": found_dateline,
        "authors": ld["authors"],
        "publisher": ld["publisher"],
    }


def publisher_with_source(jsonld_publisher: str | None, site_name: str | None, author_organisations: list[str],
                          domain: str | None) -> tuple[str | None, str | None]:
    """(`publisher`, `publisher_source`): the article's JSON-LD publisher (`jsonld_publisher`), else the site's name
    (`site_name`: its own evidence is `site_name_source`), else an organisation named where an author goes (a
    newsroom, the site itself: `author_organisation`), else the URL's host (`url_host`). Until audit round 14 the
    source was not recorded: `dedup explain` could only guess it from the values, and could not tell the first two
    apart when they were the same name."""
    for value, source in ((jsonld_publisher, "jsonld_publisher"), (site_name, "site_name"),
                          (next(iter(author_organisations), None), "author_organisation"), (domain, "url_host")):
        if value:
            return value, source
    return None, None


def merge_cluster(agency_votes: list[str | None]) -> str | None:
    """The cluster's agency: the most frequent non-null vote of its copies (ties -> alphabetical)."""
    counts = Counter(v for v in agency_votes if v)
    if not counts:
        return None
    best = max(counts.values())
    return sorted(a for a, c in counts.items() if c == best)[0]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def credit_day(stated: str | None, utc: datetime | None) -> str | None:
    """The calendar day a credit line gives (YYYY-MM-DD): the day the page states (`published_at_raw`: an ISO time
    with its offset, or the wording of a date line, 'May 2, 2024 11:30 PM EDT': a story of 23:30 -04:00 is of that
    day, not of the UTC one after), else the UTC day of the time, else None."""
    if stated and _ISO_DAY.match(stated):
        return stated[:10]
    if stated and utc is not None:
        # the stated date that gave this time (either reading of a numeric date: the page's choice is not known here)
        for day_first in (True, False):
            for found in find_dates(stated[:200], day_first=day_first):
                if found.at == utc:
                    return found.day.isoformat()
    return utc.date().isoformat() if utc is not None else None


def attribution_text(title: str | None, authors: list[str] | None, original_source: str | None,
                     publisher: str | None, url: str | None, licence_spdx: str | None, *,
                     published: str | None = None, fetched: str | None = None) -> str:
    """A ready credit line, in one stated form (schemas/documents.json, `attribution_text`):
    '"TITLE" by AUTHORS (AGENCY), published by PUBLISHER on PUBLISHED (URL, fetched FETCHED), LICENCE', e.g.
    '"Kim talks stronger ties with Russia" by Reuters, published by Newsmax on 2023-09-04 (https://..., fetched
    2023-09-05), LicenseRef-all-rights-reserved' (one line).

    Person authors come first, the agency after them in parentheses ('by Jane Doe (Reuters)'); an author
    that is the agency itself is not repeated; no author and no agency -> no 'by' part. `published` (the page's
    day of publication, `credit_day`) and `fetched` (the crawl's day: when the page was accessed) are YYYY-MM-DD; a
    part that is not known is left out (no publisher: 'published on DAY'; no URL: no fetch day). A citation
    needs the date of the work and the date the page was read: the line had neither until audit round 12.
    """
    parts = [f'"{" ".join(title.split())}"' if title and title.strip() else '"Untitled"']
    people = [a for a in (authors or []) if a and _agency_name(a, allow_ap=True) is None
              and (publisher is None or a != publisher)]
    if people and original_source:
        parts.append(f"by {', '.join(people)} ({original_source})")
    elif people:
        parts.append(f"by {', '.join(people)}")
    elif original_source:
        parts.append(f"by {original_source}")
    text = " ".join(parts)
    if publisher or published:
        text += ", published" + (f" by {publisher}" if publisher else "") + (f" on {published}" if published else "")
    if url:
        text += f" ({url}" + (f", fetched {fetched}" if fetched else "") + ")"
    if licence_spdx:
        text += f", {licence_spdx}"
    return text


def row_attribution_text(row: dict, original_source: str | None, licence_spdx: str | None) -> str:
    """`attribution_text` of a data/ row (a dict with its title, authors, publisher, url, published_at(_raw) and
    fetched_at) under the agency and licence it is published with."""
    return attribution_text(row["title"], row["authors"], original_source, row["publisher"], row["url"], licence_spdx,
                            published=credit_day(row.get("published_at_raw"), row.get("published_at")),
                            fetched=credit_day(None, row.get("fetched_at")))


def is_wire_notice(block: str) -> bool:
    """A wire agency's copyright line ('© 2023 Thomson/Reuters. All rights reserved.'): part of the
    story on every copy, so repetition across one site's stories does not make it site chrome."""
    return len(block) <= 200 and bool(_COPYRIGHT_HEAD.match(block) or "©" in block) \
        and agency_from_credit(block) is not None
