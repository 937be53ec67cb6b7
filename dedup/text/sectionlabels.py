"""sectionlabels: a kept line that only names the section of the site the page belongs to (round 41).

Templates print the page's section ("Promis", "Unternehmen & Märkte") above the headline as a label, or below
the story as a "back to the section" link, and the main-content pass keeps it as a line of its own. It is no part
of the story, and the page says which section it belongs to: its JSON-LD article's `articleSection`, its
`article:section` meta, and its URL's folders (a site files a story under the section's slug:
`/nachrichten/unternehmen-maerkte/detail/...`, `/unterhaltung/promis/...`). A short kept line (at most
MAX_LABEL_WORDS words, not ended as a sentence) whose text is one of those names goes (reason `section_label`; it
still reaches `boilerplate/`). The evidence names no site and reads no word of any language: only the page's own
statements and address. Only the lines at the page's edges are judged (the first and the last kept line, and the
labels next to them): a label stands at the story's edge, while a subheading inside the story may share a section's
name ("Politik" under `/politik/`). A page the rule would leave
under `MIN_KEPT_CHARS` loses nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import unquote

from dedup.text.cleaning import MIN_KEPT_CHARS
from dedup.text.normalise import fold_text

SECTION_LABEL = "section_label"  # a kept line at the story's edge that only names the page's section

MAX_LABEL_WORDS = 4  # a section's name is a word or a few ("Sport", "Unternehmen & Märkte"), never a sentence
_SENTENCE_END = re.compile(r"[.!?…:;。！？]\s*$")
# slugs write a letter with a diacritic either without its mark or spelt out (German ä -> ae, ß -> ss); both are
# tried, as a site's slug may use either
_SPELT_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def stated_sections(meta: dict[str, str], jsonld: Sequence[dict]) -> list[str]:
    """The sections the page states it belongs to: `article:section` and every JSON-LD object's `articleSection`
    (a name or a list of names)."""
    found: list[str] = []
    value = meta.get("article:section")
    if isinstance(value, str):
        found.append(value)
    for obj in jsonld:
        stated = obj.get("articleSection") if isinstance(obj, dict) else None
        for name in [stated] if isinstance(stated, str) else stated if isinstance(stated, list) else ():
            if isinstance(name, str):
                found.append(name)
    return found


def _slug_keys(text: str) -> set[str]:
    """The ways a slug may spell `text`: letters and digits only, diacritics dropped or spelt out."""
    return {key for key in (fold_text(text), fold_text(text.translate(_SPELT_OUT))) if key}


def _url_folder_keys(url: str | None) -> set[str]:
    """The folders of the URL's path (not its last part, the page itself, written with or without a closing '/'),
    each as letters and digits only. (The path is cut out by hand: `urlsplit` costs more than the rest of the rule.)"""
    if not url:
        return set()
    scheme = url.find("//")
    start = url.find("/", scheme + 2 if scheme >= 0 else 0)
    if start < 0:
        return set()
    path = url[start:].split("?", 1)[0].split("#", 1)[0]
    return {key for folder in [part for part in path.split("/") if part][:-1] if (key := fold_text(unquote(folder)))}


def section_label(text: str, sections: Sequence[str], url: str | None) -> bool:
    """Whether a line only names the page's section: a few words, no sentence end, and its text one of the sections
    the page states or a folder of its URL (whatever the case, marks and separators)."""
    return _names_section(text, {fold_text(name) for name in sections} | _url_folder_keys(url))


def _label_shape(text: str) -> bool:
    """A label's shape: one to MAX_LABEL_WORDS words, not ended as a sentence."""
    words = text.split(maxsplit=MAX_LABEL_WORDS)
    return 0 < len(words) <= MAX_LABEL_WORDS and not _SENTENCE_END.search(text)


def _names_section(text: str, names: set[str]) -> bool:
    """`section_label` against the sections' keys (`names`: read once a page)."""
    if not _label_shape(text):
        return False
    keys = _slug_keys(unicodedata.normalize("NFC", text))
    return any(not key.isdigit() and key in names for key in keys)  # (a year in a URL's folder is no section)


def section_label_lines(kept: Sequence[str], sections: Sequence[str], url: str | None) -> list[int]:
    """The kept lines at either edge of the page that each only name the page's section (a run of them: a
    breadcrumb's two sections on two lines), so the rule finds nothing more in its own output; none when the page
    would be left with under MIN_KEPT_CHARS."""
    if not kept or not (_label_shape(kept[0]) or _label_shape(kept[-1])):
        return []  # (most pages: no edge line has a label's shape, and the page's sections need not be read)
    names = {key for name in sections if (key := fold_text(name))} | _url_folder_keys(url)
    if not names:
        return []
    first = 0
    while first < len(kept) and _names_section(kept[first], names):
        first += 1
    last = len(kept)  # one past the last line that is no label
    while last > first and _names_section(kept[last - 1], names):
        last -= 1
    found = [*range(first), *range(last, len(kept))]
    if not found or first == len(kept):
        return []
    left = sum(len(kept[k]) for k in range(first, last))
    return found if left >= MIN_KEPT_CHARS else []
