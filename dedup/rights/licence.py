"""licence: the licence of a page's TEXT, from the evidence the page shows, with the evidence kept.

Pure row logic (strings, lists and dicts in, plain values out). Three collectors feed one decision:

* `html_licence_evidence(html)` (in `licence_html.py`): a scan of the raw HTML string (no DOM, no
  regex over the whole page):
  `<link rel=license>` / `<meta name=license|dc.rights|dcterms.license|copyright>` in the head,
  `<a rel=license>` and bare links to creativecommons.org anywhere, and copyright / all-rights-reserved
  / CC notices in the footer (main-content extraction drops most footers: this scan is where the
  site's own notice is found). Each item gets a location: head / footer / media / article / page.
* `jsonld_licence_evidence(objects)`: JSON-LD `license`, `copyrightHolder`, `copyrightYear`,
  `copyrightNotice`.
* `text_licence_evidence(blocks, site_blocks)`: notices in the extracted text blocks, the wire
  agency's copyright line in the story above all.

`decide_licence(evidence)` applies the precedence documented on it; `copyright_fields` picks the holder,
year and notice line. `licence_spdx` is never None: 'NOASSERTION' when nothing is known (openness is
never inferred from silence).

Evidence kinds and their confidence (how sure we are that the item is what its kind says, for its
location; the decision picks the most confident item within a precedence level):

| kind                  | what                                                          | confidence |
| --------------------- | ------------------------------------------------------------- | ---------- |
| `link_rel_license`    | `<link rel="license" href>` (head; elsewhere by location)    | 0.95       |
| `a_rel_license`       | `<a rel="license" href>`: footer 0.9, page 0.8, media 0.9    | 0.8-0.9    |
| `meta_license`        | `<meta name="license"/"dcterms.license" content=CC URL/name>` | 0.85       |
| `jsonld_license`      | JSON-LD `license` of an article (media objects: location media) | 0.9      |
| `cc_link`             | an `<a href>` to creativecommons.org without rel=license: footer 0.7, media 0.6, page/article 0.4 | 0.4-0.7 |
| `cc_text`             | 'licensed under a Creative Commons Attribution 4.0 International License' | 0.75 (media 0.6) |
| `cc_mention`          | a CC licence named in the story's prose, not about this page: recorded, decides nothing | 0.3 |
| `licence_terms`       | a non-CC licence URL (a site's terms page): recorded, decides nothing | 0.3 |
| `wire_copyright`      | a copyright line whose holder is a wire agency (AP, Reuters, ...), or a wire agency as JSON-LD copyrightHolder | 0.95 article, 0.9 page, 0.8 jsonld, 0.7 footer |
| `all_rights_reserved` | a line with 'All rights reserved' (not a wire's)             | 0.85 footer, 0.8 other |
| `copyright_notice`    | '© Holder' / 'Copyright 2023 Holder' / `<meta name=copyright>` / JSON-LD copyrightHolder | 0.6 |
| `copyright_year`      | JSON-LD copyrightYear (for `copyright_fields` only)           | 0.5        |
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from dedup.rights.attribution import COPY_MARKS, DPA_STORY_ID, RESERVED_TAIL, agency_from_credit
from dedup.text.jsonld import ARTICLE_TYPES, ld_types
from dedup.text.normalise import without_userinfo, word_runs
from dedup.memory import memo

ARR = "LicenseRef-all-rights-reserved"
NOASSERTION = "NOASSERTION"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of licence evidence: what the page states, where, and how sure we are of it."""
    kind: str          # see the module docstring table
    value: str         # the URL or the notice text
    location: str      # 'head' | 'jsonld' | 'article' | 'footer' | 'media' | 'page'
    confidence: float  # 0..1, per kind and location (module docstring)
    spdx: str | None = None  # the SPDX id this item states (CC items), else None

    def as_dict(self) -> dict:
        """`dataclasses.asdict(self)`: its fields in order (strings, a float, None: nothing to copy deeply);
        asdict's recursive copy cost ~2 % of the ingest."""
        return {"kind": self.kind, "value": self.value, "location": self.location, "confidence": self.confidence,
                "spdx": self.spdx}


# --------------------------------------------------------------------------------------------------
# Creative Commons URLs and names -> SPDX

_CC_TYPES = {"by": "BY", "by-sa": "BY-SA", "by-nd": "BY-ND", "by-nc": "BY-NC", "by-nc-sa": "BY-NC-SA",
             "by-nc-nd": "BY-NC-ND", "by-nd-nc": "BY-NC-ND", "sa": "SA"}
_CC_VERSIONS = {"1.0", "2.0", "2.1", "2.5", "3.0", "4.0"}
# Generic (unported / international) ids that exist in the SPDX list.
_SPDX_GENERIC = ({f"CC-{t}-{v}" for t in ("BY", "BY-SA", "BY-ND", "BY-NC", "BY-NC-SA", "BY-NC-ND")
                  for v in ("1.0", "2.0", "2.5", "3.0", "4.0")} | {"CC-SA-1.0"})
# Jurisdiction ports that the SPDX list has (SPDX licence list 3.2x).
_SPDX_PORTS = {
    "CC-BY-2.5-AU", "CC-BY-3.0-AT", "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL",
    "CC-BY-3.0-US", "CC-BY-NC-3.0-DE", "CC-BY-NC-3.0-IGO", "CC-BY-NC-ND-3.0-DE", "CC-BY-NC-ND-3.0-IGO",
    "CC-BY-NC-SA-2.0-DE", "CC-BY-NC-SA-2.0-FR", "CC-BY-NC-SA-2.0-UK", "CC-BY-NC-SA-3.0-DE",
    "CC-BY-NC-SA-3.0-IGO", "CC-BY-ND-3.0-DE", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-3.0-AT",
    "CC-BY-SA-3.0-DE", "CC-BY-SA-3.0-IGO",
}
_CC_URL = re.compile(
    r"^(?:https?:)?//(?:www\.)?creativecommons\.org/"
    r"(?:licenses/(?P<type>[a-z-]+)/(?P<version>\d\.\d)(?:/(?P<port>[a-z][a-z-]{1,11}))?"
    r"|publicdomain/(?P<pd>zero|mark)/1\.0"
    r"|licenses/(?P<pddc>publicdomain))"
    r"(?:/(?:(?:deed|legalcode)(?:\.[a-z]{2,3}(?:[-_][a-z0-9]{2,4})?)?(?:\.txt|\.html?)?|rdf)?)?/?$"
)
_PORT_WORDS = {"deed", "legalcode", "rdf"}


def _published(evidence: dict) -> dict:
    """An evidence item as published: a URL without the credentials it may hold."""
    value = evidence.get("value")
    if isinstance(value, str) and "@" in value:
        evidence["value"] = without_userinfo(value)
    return evidence

def cc_url_to_spdx(url: str) -> str | None:
    """A creativecommons.org licence / public-domain URL -> its SPDX id, else None.

    'https://creativecommons.org/licenses/by-sa/4.0/deed.de' -> 'CC-BY-SA-4.0';
    '.../licenses/by/3.0/de/' -> 'CC-BY-3.0-DE'; a port that SPDX does not list ->
    'LicenseRef-CC-BY-3.0-XX'; publicdomain/zero/1.0 -> 'CC0-1.0'; publicdomain/mark/1.0 -> 'CC-PDM-1.0';
    licenses/publicdomain -> 'CC-PDDC'. Versionless or unknown paths -> None.
    """
    if not url or "creativecommons" not in url.lower():
        return None
    u = html_lib.unescape(url).strip().lower()
    u = re.split(r"[?#\s]", u, maxsplit=1)[0]
    if not u.startswith(("http:", "https:", "//")):
        u = "//" + u
    m = _CC_URL.match(u)
    if m is None:
        return None
    if m.group("pd"):
        return "CC0-1.0" if m.group("pd") == "zero" else "CC-PDM-1.0"
    if m.group("pddc"):
        return "CC-PDDC"
    ctype = _CC_TYPES.get(m.group("type"))
    version = m.group("version")
    if ctype is None or version not in _CC_VERSIONS:
        return None
    port = m.group("port")
    if port in _PORT_WORDS:
        port = None
    base = f"CC-{ctype}-{version}"
    if port:
        spdx = f"{base}-{port.upper()}"
        return spdx if spdx in _SPDX_PORTS else f"LicenseRef-{spdx}"
    return base if base in _SPDX_GENERIC else f"LicenseRef-{base}"


_COUNTRY_PORTS = {"germany": "de", "austria": "at", "netherlands": "nl", "united states": "us",
                  "australia": "au", "england and wales": "uk", "uk": "uk", "france": "fr", "japan": "jp",
                  "igo": "igo", "spain": "es", "italy": "it", "switzerland": "ch", "brazil": "br",
                  "new zealand": "nz", "canada": "ca", "ireland": "ie", "poland": "pl"}
_CC_NAME = re.compile(
    r"\bCreative\s+Commons\s+(?:\(CC\)\s+)?(?:license\s*[:\-]?\s*)?"
    r"(?P<elems>Attribution(?:[\s\-–]*(?:Non-?Commercial|Share-?Alike|No-?Deriv(?:ative)?s?|No\s+Derivatives))*)"
    r"(?:\s*\(CC[\s\-]BY[\w\s\-]*\))?"
    r"\s*(?:licen[sc]e\s*)?(?P<version>\d\.\d)?"
    r"(?:\s+(?P<scope>International|Unported|Generic|England and Wales|United States|New Zealand|IGO|[A-Z][a-z]+))?",
    re.I,
)
_CC_ABBR = re.compile(
    r"(?<![\w/])CC[\s\-]?(?P<elems>BY(?:[\s\-](?:NC|SA|ND))*)"
    r"(?:[\s\-]+(?P<version>\d\.\d))?(?:[\s\-]+(?P<port>[A-Z]{2,3}))?\b"
)
_CC0 = re.compile(r"(?<![\w/])(?:CC0|CC[\s\-]Zero)(?:[\s\-]*1\.0)?\b|\bCreative\s+Commons\s+Zero\b", re.I)
_PDM = re.compile(r"\bPublic\s+Domain\s+Mark\b", re.I)
_CC_URL_IN_TEXT = re.compile(r"(?:https?:)?//(?:www\.)?creativecommons\.org/[\w./\-]+|creativecommons\.org/[\w./\-]+",
                             re.I)


def _elems_to_type(elems: str) -> str | None:
    e = elems.lower()
    nc = "noncommercial" in e.replace("-", "").replace(" ", "") or re.search(r"\bnc\b", e) is not None
    sa = "sharealike" in e.replace("-", "").replace(" ", "") or re.search(r"\bsa\b", e) is not None
    nd = "noderiv" in e.replace("-", "").replace(" ", "") or re.search(r"\bnd\b", e) is not None
    if sa and nd:
        return None
    t = "by" + ("-nc" if nc else "") + ("-sa" if sa else "") + ("-nd" if nd else "")
    return t


def cc_text_to_spdx(text: str) -> str | None:
    """A CC licence named in text -> SPDX: 'Creative Commons Attribution-ShareAlike 4.0 International
    License' -> 'CC-BY-SA-4.0', 'CC BY-NC 2.0' -> 'CC-BY-NC-2.0', 'CC0' -> 'CC0-1.0', a creativecommons.org
    URL written out -> as cc_url_to_spdx. A name without a version -> None (which version is unknown)."""
    if not text:
        return None
    m = _CC_URL_IN_TEXT.search(text)
    if m:
        spdx = cc_url_to_spdx(m.group(0))
        if spdx:
            return spdx
    if _CC0.search(text):
        return "CC0-1.0"
    if _PDM.search(text):
        return "CC-PDM-1.0"
    for rx in (_CC_NAME, _CC_ABBR):
        for m in rx.finditer(text):
            ctype = _elems_to_type(m.group("elems"))
            version = m.group("version")
            if not ctype or not version:
                continue
            port = None
            if rx is _CC_NAME:
                scope = (m.group("scope") or "").lower()
                if scope and scope not in ("international", "unported", "generic"):
                    port = _COUNTRY_PORTS.get(scope)  # unknown word ('4.0 License'): generic
            else:
                port = (m.group("port") or "").lower() or None
                if port and port not in _COUNTRY_PORTS.values():
                    port = None
            url = f"https://creativecommons.org/licenses/{ctype}/{version}/" + (f"{port}/" if port else "")
            spdx = cc_url_to_spdx(url)
            if spdx:
                return spdx
    return None


def licence_class(spdx: str) -> str:
    """'open' (CC BY, BY-SA, CC0, PDM, PDDC), 'nc' (any NonCommercial), 'nd' (NoDerivatives without NC),
    'all-rights-reserved', or 'noassertion' (NOASSERTION and anything unknown)."""
    if not spdx:
        return "noassertion"
    s = spdx.upper()
    if s == ARR.upper():
        return "all-rights-reserved"
    if s.startswith("LICENSEREF-"):
        s = s[len("LICENSEREF-"):]
    if s in ("CC0-1.0", "CC-PDM-1.0", "CC-PDDC"):
        return "open"
    if s.startswith("CC-"):
        parts = s.split("-")
        if "NC" in parts:
            return "nc"
        if "ND" in parts:
            return "nd"
        if len(parts) >= 2 and parts[1] in ("BY", "SA"):
            return "open"
    return "noassertion"


# --------------------------------------------------------------------------------------------------
# notices in text (shared by the HTML scan, JSON-LD copyrightNotice and the text blocks)

ARR_RE = re.compile(r"\ball\s+rights\s+reserved\b", re.I)
# A copyright notice: starts with ©/(c)/&copy;, or 'Copyright' followed by ©, a year, 'by' or a
# capitalised holder ('Copyright Newsmax Media'), never 'Copyright law in the EU ...'; or a short line with ©.
# (Stricter than `attribution._COPYRIGHT_HEAD` on purpose: that one only weighs a text already crediting an
# agency.)
_MARK_START = re.compile(r"^\W{0,3}(?:©|\(c\)|&copy;)", re.I)
_WORD_START = re.compile(r"^\W{0,3}(?i:copyright)\s*(?:©|\((?i:c)\)|&copy;|(?:19|20)\d{2}\b|(?i:by)\b|[A-Z0-9])")
_CC_SENTENCE = re.compile(
    r"creative\s*commons|creativecommons\.org|(?<![\w/])CC[\s\-]?(?:BY|0\b|Zero)|public\s+domain\s+mark", re.I)
# a CC sentence that licenses THIS page / site / work (in the body, a CC sentence may be about anything)
_CC_SELF = re.compile(
    r"\bthis\s+(?:work|article|story|content|post|page|site|website|text|piece|report|material)\b"
    r"|\bcontent\s+(?:on|of)\s+this\b|\botherwise\s+noted\b|\brepublish|\breproduced?\s+under\b"
    r"|\b(?:is|are)\s+(?:licen[sc]ed|available|published|distributed|released)\s+under\b|^\s*licen[sc]e\s*:",
    re.I,
)
_MEDIA_TEXT = re.compile(
    r"\b(?:photo|photos|photograph|image|images|picture|foto|video|illustration|graphic|map|chart)s?\b"
    r"\s*(?::|/|by\b|credit|courtesy)"
    r"|\bWikimedia\b|\bGetty Images\b|\bAP Photo\b|\bFlickr\b|\bShutterstock\b",
    re.I,
)
BLOCK_MEMO = 16384  # text blocks whose notices are remembered (`_block_notices`)
MAX_NOTICE_CHARS = 300
MEDIA_PREFIX_CHARS = 80  # a photo credit names itself early: 'Photo: ...', '... file photo. Photo: X / Wikimedia'


def is_copyright_line(text: str) -> bool:
    """A line that states a copyright: starts with ©/(c)/Copyright, or a short line carrying ©."""
    text = text.lstrip()
    return bool(_MARK_START.match(text) or _WORD_START.match(text)) or ("©" in text and len(text) <= 200)


def notice_evidence(text: str, location: str, wire_location: str | None = None) -> list[Evidence]:
    """Classify one short text (a block, a footer paragraph, a meta/JSON-LD value) into evidence;
    `wire_location` (default: `location`) is the location given to a wire agency's copyright line."""
    text = " ".join(text.split())
    if not text or len(text) > 1000:
        return []
    out: list[Evidence] = []
    media = location == "media" or bool(_MEDIA_TEXT.search(text[:MEDIA_PREFIX_CHARS]))
    loc = "media" if media else location
    if _CC_SENTENCE.search(text):
        spdx = cc_text_to_spdx(text)
        if spdx:
            if media:
                out.append(Evidence("cc_text", text[:MAX_NOTICE_CHARS], loc, 0.6, spdx))
            elif loc in ("footer", "head", "jsonld") or _CC_SELF.search(text):
                out.append(Evidence("cc_text", text[:MAX_NOTICE_CHARS], loc, 0.75, spdx))
            else:  # a CC licence named in the story's prose: recorded, decides nothing
                out.append(Evidence("cc_mention", text[:MAX_NOTICE_CHARS], loc, 0.3, spdx))
    if len(text) > MAX_NOTICE_CHARS:
        return out
    copyright_line = is_copyright_line(text)
    arr = bool(ARR_RE.search(text))
    if not (copyright_line or arr):
        return out
    agency = agency_from_credit(text) if copyright_line else None
    if agency and not media:
        wloc = wire_location or loc
        conf = {"article": 0.95, "page": 0.9, "jsonld": 0.8}.get(wloc, 0.7)
        out.append(Evidence("wire_copyright", text, wloc, conf))
    elif arr:
        out.append(Evidence("all_rights_reserved", text, loc, 0.85 if loc == "footer" else 0.8))
    elif copyright_line:
        out.append(Evidence("copyright_notice", text, loc, 0.6))
    return out


def text_licence_evidence(blocks: list[str], site_blocks: set[int] | None = None) -> list[Evidence]:
    """Notices in the page's text blocks.

    A copyright line whose holder is a wire agency ('© 2023 Thomson/Reuters. All rights reserved.',
    'Copyright 2023 The Associated Press. All rights reserved.', '© Agence France-Presse') ->
    'wire_copyright', location 'article', also when the block repeats across the site (a site that
    runs several stories of one agency repeats the agency's line: it is still each story's notice).
    Other '©' / 'Copyright' lines -> 'copyright_notice', lines with 'All rights reserved' ->
    'all_rights_reserved', CC licence sentences -> 'cc_text' (with the SPDX id); location 'footer' when
    the block's index is in `site_blocks` (blocks known to repeat across the site: the site's notice,
    not the story's), 'media' for photo credits, else 'article'. Run it on the blocks BEFORE repeated-
    block removal (which drops the site's notice and may drop a repeated wire line).
    """
    out: list[Evidence] = []
    site_blocks = site_blocks or set()
    for i, block in enumerate(blocks or []):
        if block and _may_hold_notice(block):
            out.extend(_block_notices(block, "footer" if i in site_blocks else "article"))
    return out


@memo(BLOCK_MEMO)
def _may_hold_notice(block: str) -> bool:
    """Could the block hold a notice (a quick test that rules most blocks out; remembered per block like
    `_block_notices`: a site's lines stand on each of its pages)?"""
    return ("©" in block or "opyright" in block or "OPYRIGHT" in block or "eserved" in block
            or "ESERVED" in block or "ommons" in block or "OMMONS" in block or "CC" in block
            or "(c)" in block or "(C)" in block or "omain" in block)


@memo(BLOCK_MEMO)
def _block_notices(block: str, location: str) -> tuple[Evidence, ...]:
    """`notice_evidence` of a text block, remembered for the blocks seen last (a site's footer lines and a
    wire's credit stand on many pages; the evidence is immutable)."""
    return tuple(notice_evidence(block, location, "article"))


# --------------------------------------------------------------------------------------------------
# JSON-LD

_MEDIA_TYPES = {"imageobject", "videoobject", "mediaobject", "audioobject", "photograph"}
# the story's object and the page's and site's, whose `license` / `copyrightHolder` cover it (`ARTICLE_TYPES`)
_JSONLD_ARTICLE_TYPES = ARTICLE_TYPES | {"webpage", "creativework", "website", "itempage"}


def _licence_values(value: object) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            out.append(item.strip())
        elif isinstance(item, dict):
            for key in ("url", "@id", "name"):
                if isinstance(item.get(key), str) and item[key].strip():
                    out.append(item[key].strip())
                    break
    return out


def _holder_names(value: object) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            out.append(" ".join(item.split()))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            out.append(" ".join(item["name"].split()))
    return out


def jsonld_licence_evidence(objects: list[dict]) -> list[Evidence]:
    """JSON-LD `license` (URL string, {"url": ...} or a list) -> 'jsonld_license' (location 'jsonld' on
    article/page objects, 'media' on ImageObject/VideoObject and the media nested in an article);
    a non-CC licence URL -> 'licence_terms'; `copyrightHolder` -> 'wire_copyright' when the holder is a
    wire agency, else 'copyright_notice'; `copyrightNotice` -> classified like a text notice;
    `copyrightYear` -> 'copyright_year'. All located 'jsonld' (or 'media')."""
    out: list[Evidence] = []
    work: list[tuple[dict, bool]] = []
    for obj in objects or []:
        if not isinstance(obj, dict):
            continue
        t = ld_types(obj)
        media = bool(t & _MEDIA_TYPES)
        if not media and not (t & _JSONLD_ARTICLE_TYPES):
            continue
        work.append((obj, media))
        if not media:
            for key in ("image", "video", "associatedMedia", "thumbnail"):
                value = obj.get(key)
                for sub in value if isinstance(value, list) else [value]:
                    if isinstance(sub, dict):
                        work.append((sub, True))
    for obj, media in work:
        loc = "media" if media else "jsonld"
        for value in _licence_values(obj.get("license")):
            spdx = cc_url_to_spdx(value) or (None if value.startswith(("http", "/")) else cc_text_to_spdx(value))
            if spdx:
                out.append(Evidence("jsonld_license", value, loc, 0.9, spdx))
            else:
                out.append(Evidence("licence_terms", value, loc, 0.3))
        if media:
            continue
        for name in _holder_names(obj.get("copyrightHolder")):
            agency = agency_from_credit(f"© {name}")
            if agency:
                out.append(Evidence("wire_copyright", name, loc, 0.8))
            else:
                out.append(Evidence("copyright_notice", name, loc, 0.6))
        year = obj.get("copyrightYear")
        if isinstance(year, (int, str)) and re.fullmatch(r"\s*(?:19|20)\d{2}\s*", str(year)):
            out.append(Evidence("copyright_year", str(year).strip(), loc, 0.5))
        notice = obj.get("copyrightNotice")
        if isinstance(notice, str) and notice.strip():
            text = notice if is_copyright_line(notice) or ARR_RE.search(notice) else f"© {notice}"
            out.extend(notice_evidence(text, loc))
    return out


# --------------------------------------------------------------------------------------------------
# decision

_TEXT_CC_KINDS = {"link_rel_license", "a_rel_license", "meta_license", "jsonld_license", "cc_text"}
_RULE1_LOCATIONS = {"article", "page"}  # the article text (HTML 'page' = in the body, outside any container)


@memo(BLOCK_MEMO)  # the same notices are normalised for the licence and the copyright fields, on many pages
def _norm(text: str) -> str:
    return word_runs(text.lower())  # " ".join(re.sub(r"[\W_]+", " ", text.lower()).split()), faster


def decide_licence(evidence: list[Evidence]) -> dict:
    """The licence of the page's text from all its evidence; most specific wins.

    | rule | evidence                                                           | licence_spdx      | scope          |
    | ---- | ------------------------------------------------------------------ | ----------------- | -------------- |
    | 1    | `wire_copyright` in the article text (location article/page): a    | LicenseRef-all-   | article_text   |
    |      | wire story on a CC site is still the agency's                      | rights-reserved   |                |
    | 2    | a CC licence for the page's text: `link_rel_license` (head, or     | that SPDX id      | page           |
    |      | anywhere not media), `a_rel_license` not in media, `meta_license`, |                   |                |
    |      | `jsonld_license` of the article, a `cc_text` sentence not on a     |                   |                |
    |      | photo credit, a bare `cc_link` in the footer; several -> the most  |                   |                |
    |      | confident                                                          |                   |                |
    | 3    | `all_rights_reserved` / `copyright_notice` (footer, article, head, | LicenseRef-all-   | page           |
    |      | JSON-LD copyrightHolder), a wire notice in the site's footer, a    | rights-reserved   |                |
    |      | wire agency as JSON-LD copyrightHolder (not in the text: rule 3)   |                   |                |
    | 4    | only media-scoped CC evidence, or nothing                          | NOASSERTION       | media_only if  |
    |      |                                                                    |                   | CC on media,   |
    |      |                                                                    |                   | else None      |

    Never openness from silence: a CC link on a photo credit never makes the text open, and a bare CC
    link in the body (not footer) is recorded but decides nothing. `licence_conflict` is True when
    evidence disagrees: a text-level CC licence together with a wire copyright or an explicit 'All
    rights reserved' (a bare '©' line is not a conflict: CC works carry copyright notices), or two
    text-level CC licences with different ids. All evidence is returned (`licence_evidence`).

    A notice seen by the HTML scan in the site footer and again as a text block (extraction kept the
    footer) is the footer's: the block copy is not taken for an in-story wire notice.
    """
    evidence = [e for e in (evidence or []) if isinstance(e, Evidence)]
    footer_texts = {_norm(e.value) for e in evidence if e.location == "footer"}

    wire = [e for e in evidence if e.kind == "wire_copyright" and e.location in _RULE1_LOCATIONS
            and not (e.location != "jsonld" and _norm(e.value) in footer_texts)]
    text_cc = [e for e in evidence if e.spdx and (
        (e.kind in _TEXT_CC_KINDS and e.location != "media")
        or (e.kind == "cc_link" and e.location == "footer"))]
    media_cc = [e for e in evidence if e.spdx and e.location == "media"]
    arr = [e for e in evidence if e.kind in ("all_rights_reserved", "copyright_notice")
           or (e.kind == "wire_copyright" and e not in wire and e.location != "media")]
    explicit_arr = [e for e in arr if e.kind == "all_rights_reserved" or e.kind == "wire_copyright"]

    conflict = bool(text_cc and (wire or explicit_arr)) or len({e.spdx for e in text_cc}) > 1

    url = None
    spdx: str
    scope: str | None
    if wire:
        spdx, scope = ARR, "article_text"
    elif text_cc:
        best = max(text_cc, key=lambda e: e.confidence)
        spdx, scope = best.spdx or NOASSERTION, "page"  # text_cc items all state an spdx
        url = best.value if best.value.startswith(("http", "//")) else None
    elif arr:
        spdx, scope = ARR, "page"
    else:
        spdx, scope = NOASSERTION, ("media_only" if media_cc else None)
    return {
        "licence_spdx": spdx,
        "licence_class": licence_class(spdx),
        "licence_scope": scope,
        "licence_url": without_userinfo(url) if url else url,
        "licence_evidence": [_published(e.as_dict()) for e in evidence],
        "licence_conflict": conflict,
    }


# --------------------------------------------------------------------------------------------------
# copyright holder / year / notice

_YEAR = re.compile(r"\b(19[5-9]\d|20\d{2})\b")
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d{2}\b(?:\s*[-–]\s*(?:(?:19|20)\d{2}|\d{2}))?")


_NEXT_SENTENCE = re.compile(r"(?<!\b[A-Z])\.\s+(?=[A-Z])")  # not after an initial: 'John C. Beck'
_SLASH_BETWEEN_WORDS = re.compile(r"(?<=\w)/(?=\w)")
# footer links after the name: 'Los Angeles Times | Terms of Service | Privacy Policy'
_LINK_SEPARATOR = re.compile(r"\s(?:\||·|•|//|—)\s")
_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}|\{%[^{}]*%\}|\[(?:year|date)\]|%(?:year|date)%", re.I)  # templates
_SPACE_BEFORE_COMMA = re.compile(r"\s+([,.])")  # 'Vox Media , LLC' (a link's end tag stripped)
_LETTER = re.compile(r"[^\W\d_]")
_CODE = re.compile(r"[<>{}=]|\(\)|\bdocument\.write\b|\bfunction\b")
_NOT_NAMES = {"reserved", "rights reserved", "all rights reserved"}  # 'Copyright Reserved'
HOLDER_MAX = 80  # characters: longer is a sentence or a run of links, not a name


@memo(BLOCK_MEMO)  # asked for each notice while ranking, then for the chosen one again; a site's notice repeats
def _holder(notice: str) -> str | None:
    """The holder named by NOTICE, or None: after the first ©/Copyright mark when a name follows it
    ('Advertise with us Jobs © 2019 Vox Media, LLC' -> 'Vox Media, LLC'), else the whole notice; then
    the first of footer links ('X | Terms | Privacy' -> 'X'); only a name-like value (`_name_like`)."""
    mark = COPY_MARKS.search(notice)
    if mark and mark.start() > 0 and _name_follows(notice[mark.end():]):
        after = _holder_of(notice[mark.start():])
        if after:
            return after
    return _holder_of(notice)


def _name_follows(rest: str) -> bool:
    """Does anything follow a mark but years and punctuation ('Acme Corp © 2020' names no one after)?"""
    rest = _YEAR_RANGE.sub(" ", COPY_MARKS.sub(" ", rest)).lstrip(" ,;:-–")
    return rest[:1].isalnum()


def _holder_of(notice: str) -> str | None:
    s = RESERVED_TAIL.sub("", notice)
    s = _NEXT_SENTENCE.split(s, maxsplit=1)[0]
    s = COPY_MARKS.sub(" ", s)
    s = _PLACEHOLDER.sub(" ", s)
    s = _YEAR_RANGE.sub(" ", s)
    s = DPA_STORY_ID.sub(" ", s)
    s = _SLASH_BETWEEN_WORDS.sub(" ", s)  # 'Thomson/Reuters' -> 'Thomson Reuters'
    s = _SPACE_BEFORE_COMMA.sub(r"\1", " ".join(s.split())).strip(" .,;:|-–—")
    if s.lower().startswith("by ") and len(s) > 3:  # 'Copyright by Jane Doe'
        s = s[3:]
    s = next((part for part in _LINK_SEPARATOR.split(f" {s} ") if part.strip(" .,;:|-–—·•")), "")
    s = s.strip(" .,;:|-–—·•")
    return s if _name_like(s) else None


def _name_like(s: str) -> bool:
    """A holder looks like a name: mostly letters (not a run of numbers), no code or markup, short."""
    letters = len(_LETTER.findall(s))
    digits = sum(c.isdigit() for c in s)
    return (letters >= 1 and len(s) >= 2 and digits <= letters and len(s) <= HOLDER_MAX
            and s.lower() not in _NOT_NAMES and not _CODE.search(s))


def _year(notice: str) -> int | None:
    years = [int(y) for y in _YEAR.findall(notice)]
    return max(years) if years else None


def copyright_fields(blocks: list[str], evidence: list[Evidence]) -> dict:
    """{'copyright_holder', 'copyright_year', 'copyright_notice'} of the TEXT.

    The notice is chosen like the licence: an in-story wire notice first ('© 2023 Thomson/Reuters. All
    rights reserved.' -> holder 'Thomson Reuters', year 2023), then any other wire agency notice (a
    JSON-LD copyrightHolder, with its copyrightYear), then notices naming a holder: in the article,
    JSON-LD, the site's footer, the head. When `evidence`
    holds no notice the blocks are scanned. The holder is the notice without the ©/Copyright marks,
    years and 'All rights reserved'; '/' between words becomes a space.
    """
    evidence = [e for e in (evidence or []) if isinstance(e, Evidence)]
    notices = [e for e in evidence if e.kind in ("wire_copyright", "all_rights_reserved", "copyright_notice")
               and e.location != "media"]
    if not notices:
        notices = [e for e in text_licence_evidence(blocks or [])
                   if e.kind in ("wire_copyright", "all_rights_reserved", "copyright_notice")
                   and e.location != "media"]
    footer_texts = {_norm(e.value) for e in evidence if e.location == "footer"}

    def rank(e: Evidence) -> tuple:
        demoted = e.location != "jsonld" and _norm(e.value) in footer_texts
        wire_story = e.kind == "wire_copyright" and e.location in _RULE1_LOCATIONS and not demoted
        loc_rank = {"article": 0, "page": 1, "jsonld": 2, "footer": 3, "head": 4}.get(e.location, 5)
        if e.location in ("article", "page") and demoted:
            loc_rank = 3
        has_holder = _holder(e.value) is not None
        return (0 if wire_story else 1, 0 if e.kind == "wire_copyright" else 1, 0 if has_holder else 1, loc_rank)

    chosen = min(notices, key=rank) if notices else None
    if chosen is None:
        return {"copyright_holder": None, "copyright_year": None, "copyright_notice": None}
    if chosen.location == "jsonld" and chosen.kind in ("wire_copyright", "copyright_notice") \
            and not is_copyright_line(chosen.value):
        holder: str | None = chosen.value
        year_ev = next((e for e in evidence if e.kind == "copyright_year"), None)
        year = int(year_ev.value) if year_ev else None
    else:
        holder = _holder(chosen.value)
        year = _year(chosen.value)
    return {"copyright_holder": holder, "copyright_year": year, "copyright_notice": chosen.value}
