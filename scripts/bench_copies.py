#!/usr/bin/env python3
"""Real copies: a labelled crawl of page pairs made from real article text on real page chrome, and the
pair recall / precision `dedup build` reaches on it (issue 12).

The development corpora hold no real syndicated pair (../shared/bench/real-pairs-dev/README.md), so
this script makes them from the kinds of edits real copies show, on real pages:

* **stories**: gold article text of ../shared/corpora (article-extraction-benchmark `articleBody`,
  dragnet gold before the comments marker, CleanEval gold paragraphs), with the headline the page's own
  `<title>` gives;
* **chrome**: real pages of ../shared/corpora whose article container is found (the element holding
  the page's own gold text, or trafilatura-eval's `with` snippets), emptied, and filled with another
  story: the page keeps its real navigation, sidebars, related links, share bars and footer, and the
  in-article chrome around the paragraphs.

Positive kinds (one story, two pages): `sister` (the same story on two sites that share a template:
two pages of one real site, on two domains), `syndicated` (the same story on two unrelated sites, with
a dateline or credit line added), `trimmed` (a cut keeping the first 30-70 % of the paragraphs),
`write_thru` (a new top of one or two paragraphs, the old lead reworded, the tail cut), `outlet_edit`
(an outlet's cut: "Mr"/"Ms" added on second reference, British spelling, single quotes, a quarter of the
paragraphs dropped), `rewrite` (about 80 % of the sentences verbatim, the rest reworded, paragraphs
re-split) and `recapture` (the same URL fetched twice).
Negative kinds (two different stories): `template` (two stories on two pages of one site's template),
`shared_quote` (one story quotes a paragraph of the other), `wire_line` (both end with the same wire
copyright and contributor lines), `same_event` (two stories with the same dateline and two shared
sentences), `error_page` (two sites' "page not found" pages with the same CMS text), `redirect` and
`server_error` (server-generated "Moved Permanently" / "Not Found" pages of two sites).
Same-site kinds (pages of one real site, or one page's chrome twice, at different URLs; made after all the
others with a generator of their own, so the pairs above do not change): `same_site_write_thru` (a news
site's later version at a new URL: a new top, the first two paragraphs and a fifth of the other sentences
reworded, the tail cut), `same_site_trimmed` (a mobile or AMP cut, the first 30-50 % of the paragraphs), and
the negative `same_site_template` (two or three different short stories carrying the same 2-3 standing
paragraphs of the site: a bio, a disclaimer, a newsletter blurb, a comments note). Made after those (round 11),
`same_site_update`: a short story and its later capture on one page of its site, the site's standing text on both,
one paragraph rewritten, the headline changed, a correction appended, or a paragraph rewritten and the story grown.
Chrome-heavy kinds (round 4; `make --chrome-heavy` writes a crawl of these only, every story free for them,
since the kinds above use them all): each side on one of the split's chrome pages whose main-content pass
keeps the most other text, two sites: `short_cut` (the first 2-4 paragraphs of a story of 8+), `ap_trimmed`
(a wire story with dateline and credit line, and its trimmed copy: the first 40-60 % of the paragraphs, one
word changed), `write_thru_top` (a new top of two or three paragraphs, the old lead reworded, the tail cut).

Every story is used by one pair only (a donor story gives the new text of write-thrus and rewrites and
is used nowhere else), so any merge between pages of two different pairs is also a false positive
(`cross_pair_merges`).

Split: `tune` pairs have stories and chrome from dragnet and CleanEval; `heldout` pairs have stories
from article-extraction-benchmark and chrome from article-extraction-benchmark and trafilatura-eval
(pages the block model never saw). Choose rules on `tune`, report both.

Usage (CRAWL and OUT outside any git repository)::

    python scripts/bench_copies.py make --out CRAWL [--chrome-heavy]   # CRAWL/crawl.jsonl.gz, pairs.jsonl, pages.jsonl
    python scripts/bench_copies.py build --crawl CRAWL --out OUT   # dedup build CRAWL/crawl.jsonl.gz --out OUT
    python scripts/bench_copies.py score --crawl CRAWL --output OUT [--json] [--show N]

Needs lxml (the `bench` extra).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

_WORD = re.compile(r"\w+")


def norm(text: str) -> str:
    """Lower-case word tokens joined by one space: the comparison form of a text."""
    return " ".join(_WORD.findall(text.lower()))


# ---------------------------------------------------------------- stories

@dataclass
class Story:
    """One real article: where it comes from, its headline and paragraphs."""

    key: str
    corpus: str
    headline: str
    paragraphs: list[str]

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def _title_of(html: str) -> str:
    from lxml import html as lh
    try:
        doc = lh.fromstring(html)
    except Exception:  # noqa: BLE001 - a page lxml cannot read has no title for us
        return ""
    for xp in ('//meta[@property="og:title"]/@content', "//title/text()", "//h1//text()"):
        found = [t.strip() for t in doc.xpath(xp) if t.strip()]
        if found:
            return _strip_site(found[0])
    return ""


def _strip_site(title: str) -> str:
    """'Headline | Site' -> 'Headline' (the longest part)."""
    parts = re.split(r"\s+[|\-–—:»·]\s+", title)
    return max(parts, key=len).strip() if parts else title.strip()


def _read_gz(path: Path) -> str:
    raw = gzip.open(path).read()
    from dedup.text.pagechecks import decode_html
    return decode_html(raw)


def _dragnet_gold(path: Path) -> str:
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
    return text.split("!@#$%^&*()")[0]


def _cleaneval_gold(path: Path) -> list[str]:
    text = path.read_text("utf-8", "replace")
    text = re.sub(r"^URL:.*\n", "", text)
    blocks = re.split(r"<[phl]>", text)
    return [" ".join(b.split()) for b in blocks if b.strip()]


def _gold_files(corpus: Path):
    """(key, gold file, HTML file) of a corpus laid out as GoldStandard/<key>.txt and input/<key>.html.gz."""
    for gold in sorted((corpus / "GoldStandard").glob("*.txt")):
        html_path = corpus / "input" / f"{gold.stem}.html.gz"
        if html_path.exists():
            yield gold.stem, gold, html_path


def load_pages(shared: Path) -> list[dict]:
    """Every page with gold text: corpus, key, url, html, gold paragraphs (and trafilatura-eval's
    `with` snippets instead of gold)."""
    corpora = shared / "corpora"
    pages = []
    aeb = corpora / "article-extraction-benchmark"
    truth = json.loads((aeb / "ground-truth.json").read_text("utf-8"))
    for key, v in sorted(truth.items()):
        paras = [" ".join(p.split()) for p in v["articleBody"].split("\n") if p.strip()]
        pages.append({"corpus": "aeb", "key": key, "url": v["url"], "html": _read_gz(aeb / "html" / f"{key}.html.gz"),
                      "gold": paras})
    for key, gold, html_path in _gold_files(corpora / "dragnet"):
        html = _read_gz(html_path)
        paras = [" ".join(p.split()) for p in _dragnet_gold(gold).split("\n") if p.strip()]
        pages.append({"corpus": "dragnet", "key": key, "url": _page_url(html) or f"https://dragnet-{key}.test/{key}",
                      "html": html, "gold": paras})
    for key, gold, html_path in _gold_files(corpora / "cleaneval"):
        first = gold.read_text("utf-8", "replace").split("\n", 1)[0]
        url = first[4:].strip() if first.startswith("URL:") else ""
        pages.append({"corpus": "cleaneval", "key": key, "url": url or f"https://cleaneval-{key}.test/{key}",
                      "html": _read_gz(html_path), "gold": _cleaneval_gold(gold)})
    rd = corpora / "readability-test-pages"
    for folder in sorted(p for p in rd.iterdir() if (p / "expected.html.gz").exists()):
        from lxml import html as lh
        expected = lh.fromstring(_read_gz(folder / "expected.html.gz"))
        paras = [" ".join(el.text_content().split()) for el in expected.iter("p", "li", "h2", "h3", "blockquote")]
        html = _read_gz(folder / "source.html.gz")
        pages.append({"corpus": "readability", "key": folder.name, "html": html, "gold": [p for p in paras if p],
                      "url": _page_url(html) or f"https://{folder.name}.test/{folder.name}"})
    te = corpora / "trafilatura-eval"
    evaldata = json.loads((te / "evaldata.json").read_text("utf-8"))
    for url, v in sorted(evaldata.items()):
        path = te / v["file"]
        if not path.exists() or not v.get("with"):
            continue
        if not url.startswith("http"):  # "hard::host.tld-name.html": the host is in the key
            m = re.match(r"\w+::([\w.-]+?\.[a-z]{2,})-(.+?)(?:\.html?)?$", url)
            url = f"https://{m.group(1)}/{m.group(2)}" if m else ""
        pages.append({"corpus": "trafilatura", "key": path.name.split(".")[0], "url": url, "html": _read_gz(path),
                      "gold": None, "with": v["with"]})
    return pages


def _page_url(html: str) -> str | None:
    m = re.search(r'<link[^>]+rel=["\']canonical["\'][^>]*href=["\'](https?://[^"\']+)', html, re.I) or \
        re.search(r'<meta[^>]+property=["\']og:url["\'][^>]*content=["\'](https?://[^"\']+)', html, re.I)
    return m.group(1) if m else None


_ENGLISH = frozenset("the of and to in is that for it was on with as by at be this are from".split())


def _english(text: str) -> bool:
    words = _WORD.findall(text.lower())
    return len(words) > 0 and sum(w in _ENGLISH for w in words) / len(words) > 0.12


def stories_of(pages: list[dict]) -> list[Story]:
    """News-like gold texts in English: at least 5 paragraphs of 12+ words and 200 words in all."""
    out = []
    seen: set[str] = set()  # the corpora share a few articles: a story whose paragraph was seen is left out
    for page in pages:
        if page["gold"] is None or not _english(" ".join(page["gold"])):
            continue
        long_norms = {norm(p) for p in page["gold"] if len(p.split()) >= 20}
        if long_norms & seen:
            continue
        seen |= long_norms
        paras = [p for p in page["gold"] if len(p.split()) >= 4]
        long = [p for p in paras if len(p.split()) >= 12]
        headline = _title_of(page["html"])
        if len(long) >= 5 and sum(len(p.split()) for p in paras) >= 200 and headline:
            # the gold often starts with the headline or a byline: the story starts at its first long paragraph
            start = next(i for i, p in enumerate(paras) if len(p.split()) >= 12)
            out.append(Story(f"{page['corpus']}/{page['key']}", page["corpus"], headline, paras[start:]))
    return out


# ---------------------------------------------------------------- chrome

_SKIP = ("script", "style", "head", "title", "meta", "noscript", "template")
_SLOT_TAGS = ("p", "div", "blockquote", "h2", "h3", "h4", "li", "td", "span", "font", "section", "article")


@dataclass
class Chrome:
    """A real page whose story paragraphs (the `slots`) can be replaced by another story's, in place: the
    page keeps its navigation, sidebars and footer, and the captions, inline links, ads and share bars
    between its paragraphs."""

    key: str
    corpus: str
    url: str
    html: str
    slots: list[str]  # xpaths of the old story's paragraph elements, in page order
    title: str = ""  # the page's own headline (an h1 that repeats it is replaced by the new one)
    uses: int = 0
    chrome_words: int = 0  # words the main-content pass keeps besides the probe story: how chrome-heavy it is

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


def _marks(page: dict) -> list[str]:
    """What identifies the page's own story text: its gold paragraphs (8+ words), or trafilatura-eval's
    `with` snippets."""
    if page["gold"] is not None:
        return [n for n in (norm(p) for p in page["gold"]) if len(n.split()) >= 8]
    return [n for n in (norm(s) for s in page["with"]) if len(n.split()) >= 3]


def _slots(doc, page: dict) -> list:
    """The elements holding the page's own story paragraphs, in page order (maximal: none inside another)."""
    bodies = doc.xpath("//body")
    if not bodies:
        return []
    body = bodies[0]
    gold = norm(" ".join(page["gold"])) if page["gold"] is not None else None
    marks = _marks(page)
    if gold is None:
        # only snippets known: the story is the deepest element holding most of them, its paragraphs the
        # <p> (and text-only <div>) of 10+ words inside it
        container = None
        for el in body.iter():
            if isinstance(el.tag, str) and el.tag not in _SKIP:
                text = norm(el.text_content())
                if sum(m in text for m in marks) >= max(2, 0.7 * len(marks)):
                    container = el
        if container is None:
            return []
        found = [el for el in container.iter("p", "div", "blockquote")
                if len(norm(el.text_content()).split()) >= 10 and not any(True for _ in el.iterdescendants("p", "div"))
                and el.getparent() is not None and el.getparent().tag not in ("a", "li", "figcaption")
                and not any(a.tag in ("a", "figcaption", "aside", "nav", "footer") for a in el.iterancestors())]
        return [f for f in found if not any(f in g.iterancestors() for g in found if g is not f)]
    found = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP or el.tag not in _SLOT_TAGS:
            continue
        if any(el in f.iterancestors() or f in el.iterancestors() for f in found[-3:]):
            continue
        text = norm(el.text_content())
        if len(text.split()) >= 6 and text in gold:
            found.append(el)
    # an element whose text is all gold can still be a sidebar repeating the headline: keep the run that
    # holds most of the gold, i.e. the elements under the deepest ancestor of most of them
    return [f for f in found if not any(f in g.iterancestors() for g in found if g is not f)]


def render(chrome: Chrome, headline: str, paragraphs: list[str]) -> str:
    """The chrome page with its story paragraphs replaced by `paragraphs` (extra ones after the last
    slot, unused slots removed) and its headline by `headline`."""
    from lxml import html as lh
    doc = lh.fromstring(chrome.html)
    found = [doc.xpath(x) for x in chrome.slots]
    if not all(isinstance(f, list) and f for f in found):
        raise ValueError("a story paragraph's path does not lead back to it")
    slots = [f[0] for f in found]
    last = slots[-1]
    for i, slot in enumerate(slots):
        if i >= len(paragraphs):
            if slot.getparent() is not None:
                slot.drop_tree()
            continue
        for child in list(slot):
            slot.remove(child)
        slot.text = paragraphs[i] if i < len(slots) - 1 or len(paragraphs) <= len(slots) else paragraphs[i]
    if len(paragraphs) > len(slots):
        anchor = last
        for text in paragraphs[len(slots):]:
            el = lh.Element("p" if last.tag in ("div", "span", "font", "td", "section", "article") else last.tag)
            el.text = text
            anchor.addnext(el)
            el.tail, anchor.tail = anchor.tail, None
            anchor = el
    old_title = set(norm(chrome.title).split())
    replaced = False
    for h1 in doc.iter("h1", "h2"):
        words = set(norm(h1.text_content()).split())
        if words and old_title and len(words & old_title) >= 0.6 * len(words) and len(words) >= 3:
            for child in list(h1):
                h1.remove(child)
            h1.text = headline
            replaced = True
    for title in doc.iter("title"):
        site = re.split(r"\s+[|\-–—:»·]\s+", title.text_content() or "")
        title.text = headline + (f" | {site[-1]}" if len(site) > 1 and len(site[-1]) < 40 else "")
        for child in list(title):
            title.remove(child)
    if not replaced:
        h1 = lh.Element("h1")
        h1.text = headline
        first = doc.xpath(chrome.slots[0])
        (first[0] if first else slots[0]).addprevious(h1)
    return lh.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


MAX_RESIDUE_WORDS = 150  # long lines (12+ words) of other prose the main-content pass keeps around the story


def chromes_of(pages: list[dict], probe: Story) -> tuple[list[Chrome], Counter]:
    """Pages whose story paragraphs were found and, once replaced, leave (almost) none of the old story,
    and where the extractor's main-content pass finds a new story put in their place (a page where it
    does not is an extraction failure, which no verification rule can repair); and the count of pages
    left out for each reason."""
    from lxml import html as lh
    from resiliparse.extract.html2text import extract_plain_text
    out = []
    skipped: Counter = Counter()
    probe_paras = [p for p in probe.paragraphs if len(p.split()) >= 12][:8]
    for page in pages:
        if not urlsplit(page["url"]).hostname:
            skipped["no host"] += 1
            continue
        try:
            doc = lh.fromstring(page["html"])
        except Exception:  # noqa: BLE001 - a page lxml cannot read is no chrome
            skipped["unreadable"] += 1
            continue
        slots = _slots(doc, page)
        if len(slots) < 3:
            skipped["story paragraphs not found"] += 1
            continue
        tree = doc.getroottree()
        chrome = Chrome(f"{page['corpus']}/{page['key']}", page["corpus"], page["url"], page["html"],
                        [tree.getpath(el) for el in slots], _title_of(page["html"]))
        try:
            rendered = render(chrome, probe.headline, probe_paras)
        except (IndexError, ValueError, AssertionError):
            skipped["render failed"] += 1
            continue
        marks = _marks(page)
        rest = norm(lh.fromstring(rendered).text_content())
        if sum(m in rest for m in marks) > 0.15 * len(marks):
            skipped["old story left outside its paragraphs"] += 1
            continue
        lines = extract_plain_text(rendered, main_content=True, comments=False).split("\n")
        shown = norm(" ".join(lines))
        if sum(norm(p) in shown for p in probe_paras) < 0.8 * len(probe_paras):
            skipped["main-content pass misses the story"] += 1
            continue
        # prose the main-content pass keeps besides the new story: a page that still holds most of
        # another article (paragraphs the slots missed) is two stories, not one story in chrome
        probe_text = norm(" ".join(probe_paras))
        residue = sum(len(ln.split()) for ln in lines if len(ln.split()) >= 12 and norm(ln) not in probe_text)
        if residue > MAX_RESIDUE_WORDS:
            skipped["another story's prose left in the page"] += 1
            continue
        chrome.chrome_words = sum(len(ln.split()) for ln in lines if norm(ln) not in probe_text)
        out.append(chrome)
    return out, skipped


# ---------------------------------------------------------------- edits

_BRITISH = {"color": "colour", "colors": "colours", "favor": "favour", "favorite": "favourite",
            "behavior": "behaviour", "honor": "honour", "labor": "labour", "neighbor": "neighbour",
            "neighbors": "neighbours", "center": "centre", "centers": "centres", "theater": "theatre",
            "defense": "defence", "offense": "offence", "license": "licence", "program": "programme",
            "programs": "programmes", "percent": "per cent", "traveled": "travelled", "traveling": "travelling",
            "canceled": "cancelled", "analyze": "analyse", "catalog": "catalogue", "gray": "grey",
            "fall": "autumn", "apartment": "flat", "organization": "organisation",
            "organizations": "organisations"}
_IZE = re.compile(r"\b(\w{3,})iz(e|es|ed|ing|ation|ations)\b")
_SYNONYMS = {"said": "told reporters", "says": "said", "about": "around", "however": "but", "also": "too",
             "big": "large", "large": "big", "start": "begin", "began": "started", "help": "assist",
             "show": "reveal", "showed": "revealed", "buy": "purchase", "use": "employ", "used": "employed",
             "many": "numerous", "people": "individuals", "important": "key", "new": "fresh",
             "announced": "unveiled", "increase": "rise", "major": "significant", "after": "following",
             "before": "ahead of", "because": "since", "but": "yet", "very": "extremely", "get": "obtain"}
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’')]))\s+(?=[\"“‘(A-Z0-9])")


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences (split after . ! ? before a capital, digit or quote)."""
    return [s for s in _SENTENCE.split(paragraph) if s]


def honorifics(paragraphs: list[str], rng: random.Random) -> list[str]:
    """'Jane Smith said... Smith added' -> '... Ms Smith added': a surname seen after a first name gets a
    title when it comes back alone."""
    seen: dict[str, str] = {}
    out = []
    for p in paragraphs:
        tokens = p.split(" ")
        for i, tok in enumerate(tokens):
            core = tok.strip(".,;:'\"’”")
            alone = i == 0 or not tokens[i - 1][:1].isupper() or tokens[i - 1].endswith((".", ","))
            if core in seen and alone:
                tokens[i] = seen[core] + tok
        out.append(" ".join(tokens))
        for surname in re.findall(r"\b[A-Z][a-z]+ ([A-Z][a-z]{2,})\b", p):
            seen.setdefault(surname, "Mr " if rng.random() < 0.6 else "Ms ")
    return out


def british(paragraph: str) -> str:
    """American -> British spelling (a word list and -ize), double quotes -> single."""
    def word(m: re.Match) -> str:
        w = m.group(0)
        b = _BRITISH.get(w.lower())
        if b is None:
            return w
        return b.capitalize() if w[0].isupper() else b
    text = re.sub(r"\b[A-Za-z]+\b", word, paragraph)
    text = _IZE.sub(lambda m: m.group(1) + "is" + m.group(2), text)
    return text.replace("“", "‘").replace("”", "’").replace('"', "'")


def reword(sentence: str, rng: random.Random) -> str:
    """A sentence rewritten by an editor: synonyms, a dropped word, a clause moved."""
    words = sentence.split()
    changed = False
    for i, w in enumerate(words):
        key = w.lower().strip(",.;:")
        if key in _SYNONYMS and rng.random() < 0.7:
            words[i] = w.replace(key, _SYNONYMS[key]) if w.islower() else _SYNONYMS[key].capitalize() + w[len(key):]
            changed = True
    if len(words) > 8 and rng.random() < 0.5:
        del words[rng.randrange(2, len(words) - 2)]
        changed = True
    text = " ".join(words)
    if "," in text and rng.random() < 0.5:
        head, tail = text.split(",", 1)
        tail = tail.strip().rstrip(".")
        if tail:
            text = tail[0].upper() + tail[1:] + ", " + head[0].lower() + head[1:] + "."
            changed = True
    if not changed:
        text = "According to officials, " + sentence[0].lower() + sentence[1:]
    return text


def edit(kind: str, story: Story, donor: Story | None, rng: random.Random) -> tuple[str, list[str]]:
    """(headline, paragraphs) of the copy of `story` for a positive edit kind."""
    paras = list(story.paragraphs)
    headline = story.headline
    if kind in ("sister", "recapture"):
        return headline, paras
    if kind == "syndicated":
        if rng.random() < 0.5:
            paras[0] = rng.choice(["WASHINGTON (AP) — ", "LONDON (Reuters) - ", "NEW YORK (AP) — ",
                                   "PARIS (AFP) - "]) + paras[0]
        paras.append(rng.choice(["The Associated Press contributed to this report.",
                                 "(Reporting by staff; Editing by the desk)",
                                 "This story was distributed by a news agency.",
                                 "Copyright 2020 The Associated Press. All rights reserved."]))
        return headline.upper() if rng.random() < 0.2 else headline, paras
    if kind == "trimmed":
        keep = max(3, round(len(paras) * rng.uniform(0.3, 0.7)))
        cut = paras[:keep]
        if len(cut) > 4 and rng.random() < 0.3:
            del cut[rng.randrange(2, len(cut) - 1)]
        return headline, cut
    if kind == "write_thru":
        assert donor is not None
        top = [p for p in donor.paragraphs if len(p.split()) >= 12][:rng.choice([1, 2])]
        lead = " ".join(reword(s, rng) for s in sentences(paras[0]))
        tail_cut = rng.choice([0, 0, 1, 2])
        body = paras[1:len(paras) - tail_cut] if len(paras) - tail_cut > 3 else paras[1:]
        return "UPDATE: " + headline if rng.random() < 0.3 else headline, top + [lead] + body
    if kind == "outlet_edit":
        n = len(paras)
        drop = set(rng.sample(range(2, n), k=min(n - 3, max(1, n // 4)))) if n > 4 else set()
        kept = [p for i, p in enumerate(paras) if i not in drop]
        kept = honorifics(kept, rng)
        return british(headline), [british(p) for p in kept]
    if kind == "rewrite":
        assert donor is not None
        out = []
        for p in paras:
            out.append(" ".join(reword(s, rng) if rng.random() < 0.2 else s for s in sentences(p)))
        # paragraphs re-split: two short ones merged, a long one cut at a sentence
        resplit: list[str] = []
        for p in out:
            sents = sentences(p)
            if len(sents) >= 4 and rng.random() < 0.3:
                half = len(sents) // 2
                resplit += [" ".join(sents[:half]), " ".join(sents[half:])]
            elif resplit and len(p.split()) < 40 and len(resplit[-1].split()) < 40 and rng.random() < 0.3:
                resplit[-1] += " " + p
            else:
                resplit.append(p)
        if rng.random() < 0.5:
            extra = [p for p in donor.paragraphs if len(p.split()) >= 12][:1]
            resplit[len(resplit) // 2:len(resplit) // 2] = extra
        return headline, resplit
    raise ValueError(kind)


_WIRE_LINES = [
    "Copyright 2020 The Associated Press. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "Associated Press writers contributed to this report from Washington and New York.",
]

_NOT_FOUND_TEXTS = [
    ("Page not found", ["Oops! That page can’t be found.", "It looks like nothing was found at this location. "
                        "Maybe try one of the links below or a search?"]),
    ("Page not found", ["Page not found", "The requested page could not be found."]),
    ("404 - Page Not Found", ["Sorry, the page you were looking for could not be found.",
                              "It may have been moved or deleted, or the address may be mistyped. Please use the "
                              "search box or go back to the home page."]),
]

_SERVER_PAGES = {
    "redirect": [
        ("301 Moved Permanently", '<h1>Moved Permanently</h1>\n<p>The document has moved <a href="{to}">here</a>.</p>\n'
                                  '<hr>\n<address>Apache/2.4.41 (Ubuntu) Server at {host} Port 80</address>'),
        ("301 Moved Permanently", '<center><h1>301 Moved Permanently</h1></center>\n<hr><center>nginx</center>'),
        ("Object moved", '<h2>Object moved to <a href="{to}">here</a>.</h2>'),
        ("302 Found", '<h1>Found</h1>\n<p>The document has moved <a href="{to}">here</a>.</p>'),
    ],
    "server_error": [
        ("404 Not Found", '<h1>Not Found</h1>\n<p>The requested URL {path} was not found on this server.</p>\n<hr>\n'
                          '<address>Apache Server at {host} Port 443</address>'),
        ("404 Not Found", '<center><h1>404 Not Found</h1></center>\n<hr><center>nginx/1.18.0 (Ubuntu)</center>'),
        ("403 Forbidden", "<h1>Forbidden</h1>\n<p>You don't have permission to access this resource.</p>"),
        ("503 Service Unavailable", "<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service "
                                    "your request due to maintenance downtime or capacity problems. Please try "
                                    "again later.</p>"),
    ],
}


def server_page(title: str, body: str, host: str, path: str) -> str:
    """A bare server-generated page (no site chrome)."""
    body = body.format(to=f"https://{host}{path}/", host=host, path=path)
    return f'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>{title}</title>\n</head><body>\n{body}\n</body></html>\n'


# ---------------------------------------------------------------- the pair plan

OTHER_SITES_POSITIVE = ("sister", "syndicated", "trimmed", "write_thru", "outlet_edit", "rewrite", "recapture")
OTHER_SITES_NEGATIVE = ("template", "shared_quote", "wire_line", "same_event", "error_page", "redirect",
                        "server_error")
SAME_SITE_POSITIVE = ("same_site_write_thru", "same_site_trimmed")
SAME_SITE_NEGATIVE = ("same_site_template",)
# round 11: a short story captured twice on its site, the site's standing text on both (made last, from a generator
# of its own, so every pair above stays as it was)
SAME_SITE_UPDATE = ("same_site_update",)
# round 4: the copies MinHash never proposes (a short text inside a long, chrome-heavy page)
CHROME_HEAVY_POSITIVE = ("short_cut", "ap_trimmed", "write_thru_top")
POSITIVE = OTHER_SITES_POSITIVE + SAME_SITE_POSITIVE + CHROME_HEAVY_POSITIVE + SAME_SITE_UPDATE
NEGATIVE = OTHER_SITES_NEGATIVE + SAME_SITE_NEGATIVE


@dataclass
class Plan:
    """The pages and labelled pairs being made."""

    pages: list[dict] = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)
    slugs: Counter = field(default_factory=Counter)

    def page(self, split: str, pair: int, side: str, url: str, html: str, **info) -> str:
        doc_id = f"copies-{split}-{pair:04d}-{side}"
        self.pages.append({"id": doc_id, "url": url, "html": html, "split": split, "pair": pair, **info})
        return doc_id


def _slug(headline: str) -> str:
    return "-".join(norm(headline).split()[:8]) or "story"


def _url(host: str, headline: str, plan: Plan) -> str:
    slug = _slug(headline)
    plan.slugs[(host, slug)] += 1
    n = plan.slugs[(host, slug)]
    return f"https://{host}/news/2020/{slug}{'' if n == 1 else f'-{n}'}.html"


def _sister_host(host: str) -> str:
    parts = host.split(".")
    name = parts[-2] if len(parts) >= 2 else host
    return f"www.{name}-{hashlib.sha1(host.encode()).hexdigest()[:4]}.com"


_FIRST_NAMES = ["Jane", "Mark", "Priya", "Tom", "Elena", "David", "Grace", "Omar", "Linda", "Kevin", "Sofia", "Ray"]
_LAST_NAMES = ["Holloway", "Brennan", "Okafor", "Lindqvist", "Marsh", "Delgado", "Whitaker", "Nakamura", "Fenwick",
               "Castillo", "Pryor", "Abernathy"]
_BEATS = ["city hall and the county budget", "schools, colleges and the state education board",
          "courts, crime and public safety", "the regional economy, small business and real estate",
          "health care, hospitals and public health", "transportation, housing and development"]
# a site's standing paragraphs around its stories (each two or three sentences of 8+ words): `{site}`, `{host}`,
# `{name}`, `{first}`, `{beat}`, `{year}`, `{town}` filled per pair, so a filled template is on that pair's pages only
_TEMPLATE_PARAGRAPHS = {
    "bio": ["{name} is a staff writer for {site} who covers {beat} in {town} and the surrounding area. "
            "Before joining {site} in {year}, {first} reported for several daily newspapers across the Midwest. "
            "Reach {first} by email at {mail}@{host} or follow on social media for the latest updates.",
            "{name} has written about {beat} for {site} since {year} and previously worked as a producer for "
            "public radio in {town}. Story tips and corrections can be sent to {mail}@{host} at any time of day."],
    "disclaimer": ["Editor's note: The views expressed in this column are those of the author and do not necessarily "
                   "reflect the opinions of {site} or its owners. Readers who would like to respond can submit a "
                   "letter of no more than 250 words through the form on our opinion page.",
                   "This content is provided for general information only and should not be taken as legal, "
                   "financial or medical advice of any kind. {site} may earn a commission when readers buy "
                   "products through links in our articles, which never affects what our reporters cover."],
    "newsletter": ["Sign up for the {site} morning newsletter to get the top stories from {town} delivered to your "
                   "inbox every weekday. You can unsubscribe at any time, and we will never share your email "
                   "address with anyone else.",
                   "Local journalism in {town} depends on readers like you, and a subscription to {site} starts at "
                   "less than a dollar a week. Subscribers get unlimited access to every story, the daily e-edition "
                   "and our weekend newsletters."],
    "comments": ["We welcome comments that advance the conversation about the stories we publish on {site}. Comments "
                 "that include personal attacks, profanity or links to other websites will be removed by our "
                 "moderators without notice.",
                 "Have a news tip or a correction for the {site} newsroom in {town}? Call our news desk or write to "
                 "{mail}@{host}, and an editor will review every message we receive within one business day."],
}
_TOWNS = ["Springfield", "Riverside", "Fairview", "Georgetown", "Madison", "Clinton", "Ashland", "Dover", "Oxford"]


def site_template(host: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """A site's standing paragraphs for one pair: (before the story, after it), two or three of a bio, a
    disclaimer, a newsletter blurb and a comments or tips note, filled with names of their own."""
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    name = host.removeprefix("www.").split(".")[0]
    fill = {"site": name.replace("-", " ").title(), "host": host.removeprefix("www."), "name": f"{first} {last}",
            "first": first, "beat": rng.choice(_BEATS), "year": rng.randrange(2004, 2019), "town": rng.choice(_TOWNS),
            "mail": f"{first[0]}{last}".lower()}
    kinds = rng.sample(sorted(_TEMPLATE_PARAGRAPHS), k=rng.choice([2, 3, 3]))
    before, after = [], []
    for kind in kinds:
        text = rng.choice(_TEMPLATE_PARAGRAPHS[kind]).format(**fill)
        (before if kind == "disclaimer" and rng.random() < 0.5 else after).append(text)
    return before, after


def same_site_edit(kind: str, story: Story, donor: Story | None, rng: random.Random) -> tuple[str, list[str]]:
    """(headline, paragraphs) of a same-site version: `same_site_write_thru` is a news site's later
    version of its own story at a new URL (a new top of two or three paragraphs, the first two
    paragraphs reworded, a fifth of the other sentences reworded, one to three paragraphs cut from the
    end); `same_site_trimmed` its mobile or AMP cut (the first 30-50 % of the paragraphs)."""
    paras = list(story.paragraphs)
    if kind == "same_site_trimmed":
        return story.headline, paras[:max(3, round(len(paras) * rng.uniform(0.3, 0.5)))]
    assert donor is not None
    top = [p for p in donor.paragraphs if len(p.split()) >= 12][:rng.choice([2, 3])]
    body = []
    for i, p in enumerate(paras):
        body.append(" ".join(reword(t, rng) if i < 2 or rng.random() < 0.2 else t for t in sentences(p)))
    cut = rng.randint(1, 3)
    if len(body) - cut >= 4:
        body = body[:-cut]
    return ("UPDATE: " if rng.random() < 0.3 else "") + story.headline, top + body


def take_from(sources: tuple[list[Story], ...], min_paras: int) -> Story | None:
    """The first story of at least `min_paras` paragraphs in the first source that has one, taken out of it."""
    for source in sources:
        for i, s in enumerate(source):
            if len(s.paragraphs) >= min_paras:
                return source.pop(i)
    return None


def same_site_pairs(plan: Plan, split: str, pool: list[Story], spares: list[list[Story]], chromes: list[Chrome],
                    per: int, n_pair: int, counts: Counter, rng: random.Random) -> int:
    """The same-site kinds of one split (pages on one chrome page, so one site and template, at different
    URLs): `same_site_write_thru` (a write-thru of the story), `same_site_trimmed` (a mobile or AMP cut,
    the first 30-70 % of the paragraphs), both with the site's standing paragraphs on both pages half the
    time; and `same_site_template` (two different short stories, or three, that carry the same 2-3
    standing paragraphs of the site: a bio, a disclaimer, a newsletter blurb). Returns the last pair
    number used."""
    def take(min_paras: int) -> Story | None:
        return take_from((pool, *spares), min_paras)

    by_site: dict[str, list[Chrome]] = defaultdict(list)
    for c in chromes:
        by_site[c.host.removeprefix("www.")].append(c)

    def take_chromes(n: int) -> list[Chrome]:
        """n pages of one site, the least used first: two or three pages of one real site (one template, their
        own teasers and links) where the split has such sites, else one page n times."""
        multi = [cs for cs in by_site.values() if len(cs) >= n]
        if multi:
            site = min(multi, key=lambda cs: (sum(c.uses for c in cs), chromes.index(cs[0])))
            taken = sorted(site, key=lambda c: (c.uses, chromes.index(c)))[:n]
        else:
            taken = [min(chromes, key=lambda c: (c.uses, chromes.index(c)))] * n
        for c in taken:
            c.uses += 1
        return taken

    for kind in SAME_SITE_POSITIVE + SAME_SITE_NEGATIVE:
        for _ in range(per):
            info = {"kind": kind, "split": split}
            if kind in SAME_SITE_POSITIVE:
                story = take(5)
                donor = take(5) if kind == "same_site_write_thru" else None
                if story is None or (kind == "same_site_write_thru" and donor is None):
                    break
                n_pair += 1
                c, c2 = take_chromes(2)
                before, after = site_template(c.host, rng) if rng.random() < 0.5 else ([], [])
                headline, paras = same_site_edit(kind, story, donor, rng)
                a = plan.page(split, n_pair, "a", _url(c.host, story.headline, plan),
                              render(c, story.headline, before + story.paragraphs + after), story=story.key,
                              chrome=c.key)
                trimmed_before, trimmed_after = (before, after) if rng.random() < 0.5 else ([], [])
                if kind == "same_site_write_thru":
                    trimmed_before, trimmed_after = before, after
                b = plan.page(split, n_pair, "b", _url(c.host, headline, plan),
                              render(c2, headline, trimmed_before + paras + trimmed_after), story=story.key,
                              chrome=c2.key, donor=donor.key if donor else None)
                plan.pairs.append({"a": a, "b": b, "label": "same", **info})
                counts[(split, kind)] += 1
                continue
            sides = 3 if rng.random() < 0.5 else 2
            found = [take(2) for _ in range(sides)]
            if any(s is None for s in found):
                break
            n_pair += 1
            pages = take_chromes(sides)
            c = pages[0]
            before, after = site_template(c.host, rng)
            ids = []
            for side, s, page in zip("abc", found, pages):
                assert s is not None
                paras = s.paragraphs[:rng.randint(2, 5)]  # short stories: the template weighs more
                ids.append(plan.page(split, n_pair, side, _url(c.host, s.headline, plan),
                                     render(page, s.headline, before + paras + after), story=s.key,
                                     chrome=page.key))
            for other in ids[1:]:
                plan.pairs.append({"a": ids[0], "b": other, "label": "different", **info})
                counts[(split, kind)] += 1
            if len(ids) == 3:
                plan.pairs.append({"a": ids[1], "b": ids[2], "label": "different", **info})
                counts[(split, kind)] += 1
    return n_pair


UPDATE_EDITS = ("paragraph_rewritten", "headline_changed", "correction_appended", "rewritten_and_added")


def update_edit(edit: str, story: Story, kept: int, rng: random.Random) -> tuple[str, list[str], list[str]]:
    """(later headline, first capture's paragraphs, later capture's paragraphs) of a short story captured twice:
    one paragraph after the first rewritten, the headline changed, a correction appended, or a paragraph rewritten
    and the next one or two of the story added (the story grew between the captures)."""
    first = list(story.paragraphs[:kept])
    later = list(first)
    if edit in ("paragraph_rewritten", "rewritten_and_added"):
        at = rng.randrange(1, len(later))
        later[at] = " ".join(reword(t, rng) for t in sentences(later[at]))
    if edit == "rewritten_and_added":
        later += list(story.paragraphs[kept:kept + rng.choice([1, 2])])
    if edit == "correction_appended":
        later.append(f"Correction: An earlier version of this story misstated the day of the "
                     f"{rng.choice(['meeting', 'hearing', 'vote', 'briefing'])}. It was {rng.choice(_DAYS)}.")
    headline = reword(story.headline, rng) if edit == "headline_changed" else story.headline
    return headline, first, later


_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def same_site_update_pairs(plan: Plan, split: str, sources: tuple[list[Story], ...], chromes: list[Chrome],
                           per: int, n_pair: int, counts: Counter, rng: random.Random) -> int:
    """`same_site_update` pairs of one split (round 11): a short story (2-4 paragraphs kept) and its later capture
    on one chrome page of its site, one of UPDATE_EDITS, the site's standing text (`site_template`) on both pages:
    the copies the standing-text rule must not take for two stories. Returns the last pair number used."""
    for i in range(per):
        story = take_from(sources, 4)
        if story is None:
            break
        n_pair += 1
        c = min(chromes, key=lambda ch: (ch.uses, chromes.index(ch)))
        c.uses += 1
        edit = UPDATE_EDITS[i % len(UPDATE_EDITS)]
        before, after = site_template(c.host, rng)
        headline, first, later = update_edit(edit, story, rng.randint(2, min(4, len(story.paragraphs) - 1)), rng)
        a = plan.page(split, n_pair, "a", _url(c.host, story.headline, plan),
                      render(c, story.headline, before + first + after), story=story.key, chrome=c.key)
        b = plan.page(split, n_pair, "b", _url(c.host, headline + " update", plan),
                      render(c, headline, before + later + after), story=story.key, chrome=c.key, edit=edit)
        plan.pairs.append({"a": a, "b": b, "label": "same", "kind": "same_site_update", "split": split})
        counts[(split, "same_site_update")] += 1
    return n_pair


def chrome_heavy_edit(kind: str, story: Story, donor: Story | None, rng: random.Random) -> tuple[str, list[str],
                                                                                               list[str]]:
    """(headline, full paragraphs, copy paragraphs) of a round-4 pair: `short_cut` (the first 2-4 paragraphs
    of a long story), `ap_trimmed` (a wire story with its dateline and credit line, and a trimmed copy: the
    first 40-60 % of the paragraphs, one word of one sentence changed, so about 99 % of the trimmed text is in
    the full one), `write_thru_top` (a new top of two or three paragraphs from another story, the old lead
    reworded, one or two paragraphs cut from the end)."""
    paras = list(story.paragraphs)
    if kind == "short_cut":
        return story.headline, paras, paras[:rng.randint(2, 4)]
    if kind == "ap_trimmed":
        dateline = rng.choice(["WASHINGTON (AP) — ", "NEW YORK (AP) — ", "CHICAGO (AP) — "])
        full = [dateline + paras[0]] + paras[1:] + [_WIRE_LINES[0]]
        cut = full[:max(3, round(len(paras) * rng.uniform(0.4, 0.6)))]
        i = rng.randrange(1, len(cut))
        words = cut[i].split()
        j = rng.randrange(len(words))
        words[j] = _SYNONYMS.get(words[j].lower(), words[j] + "s")
        cut[i] = " ".join(words)
        return story.headline, full, cut
    assert donor is not None
    top = [p for p in donor.paragraphs if len(p.split()) >= 12][:rng.choice([2, 3])]
    lead = " ".join(reword(t, rng) for t in sentences(paras[0]))
    cut = rng.choice([1, 2])
    body = paras[1:len(paras) - cut] if len(paras) - cut > 4 else paras[1:]
    return story.headline, paras, top + [lead] + body


def chrome_heavy_pairs(plan: Plan, split: str, pool: list[Story], spares: list[list[Story]], chromes: list[Chrome],
                       per: int, n_pair: int, counts: Counter, rng: random.Random) -> int:
    """The round-4 kinds of one split (`chrome_heavy_edit`), each side on a chrome-heavy page (the third of
    the split's chrome pages whose main-content pass keeps the most other text, the least used first) of a
    different site: the copies whose word 5-gram Jaccard the chrome keeps under LSH's reach. Returns the last
    pair number used."""
    def take(min_paras: int) -> Story | None:
        return take_from((pool, *spares), min_paras)

    heavy = sorted(chromes, key=lambda c: (-c.chrome_words, chromes.index(c)))[:max(4, len(chromes) // 3)]

    def take_chrome(avoid: set[str]) -> Chrome:
        best = min((c for c in heavy if c.host not in avoid), key=lambda c: (c.uses, heavy.index(c)))
        best.uses += 1
        return best

    for kind in CHROME_HEAVY_POSITIVE:
        for _ in range(per):
            story = take(8 if kind == "short_cut" else 6)
            donor = take(5) if kind == "write_thru_top" else None
            if story is None or (kind == "write_thru_top" and donor is None):
                break
            n_pair += 1
            c1 = take_chrome(set())
            c2 = take_chrome({c1.host})
            headline, full, copy = chrome_heavy_edit(kind, story, donor, rng)
            a = plan.page(split, n_pair, "a", _url(c1.host, story.headline, plan), render(c1, story.headline, full),
                          story=story.key, chrome=c1.key)
            b = plan.page(split, n_pair, "b", _url(c2.host, headline, plan), render(c2, headline, copy),
                          story=story.key, chrome=c2.key, donor=donor.key if donor else None)
            plan.pairs.append({"a": a, "b": b, "label": "same", "kind": kind, "split": split})
            counts[(split, kind)] += 1
    return n_pair


def make(shared: Path, out: Path, seed: int = 12, per_kind: int = 24, chrome_heavy: bool = False) -> dict:
    """Write out/crawl.jsonl.gz (id, url, html), out/pairs.jsonl (a, b, label, kind, split) and
    out/pages.jsonl (what each page is made of). `chrome_heavy`: a crawl of round 4's kinds only
    (`chrome_heavy_pairs`), with every story free for them (the other kinds use them all)."""
    rng = random.Random(seed)
    pages = load_pages(shared)
    stories = stories_of(pages)
    # the probe: a long story of a corpus whose pages are never chrome for the other's stories
    probe = max((s for s in stories if s.corpus == "readability"), key=lambda s: (len(s.paragraphs), s.key))
    stories.remove(probe)
    chromes, skipped = chromes_of(pages, probe)
    plan = Plan()
    counts: Counter = Counter()
    # story pools: each split's own corpora first; negatives and donors may take what the other split
    # left (their chrome, not their text, is what is held out)
    own = {"tune": {"dragnet", "cleaneval"}, "heldout": {"aeb", "readability"}}
    chrome_corpora = {"tune": {"dragnet", "cleaneval"}, "heldout": {"aeb", "trafilatura"}}
    pools = {split: [s for s in stories if s.corpus in corpora] for split, corpora in own.items()}
    for pool in pools.values():
        rng.shuffle(pool)
    quotas = {"tune": per_kind, "heldout": max(4, per_kind * 5 // 12)}
    n_pair = 0
    states: dict[str, tuple[list[Story], list[list[Story]], list[Chrome], int]] = {}
    if chrome_heavy:
        for split in ("heldout", "tune"):  # held-out first: its positives take its own stories
            pool_chromes = [c for c in chromes if c.corpus in chrome_corpora[split]]
            rng.shuffle(pool_chromes)
            n_pair = chrome_heavy_pairs(plan, split, pools[split], [p for o, p in pools.items() if o != split],
                                        pool_chromes, quotas[split], n_pair, counts,
                                        random.Random(f"{seed}-{split}-chrome-heavy"))
    for split in () if chrome_heavy else ("tune", "heldout"):
        pool = pools[split]
        spares = [p for other, p in pools.items() if other != split]  # what the other split leaves
        per = quotas[split]
        pool_chromes = [c for c in chromes if c.corpus in chrome_corpora[split]]
        rng.shuffle(pool_chromes)
        by_site: dict[str, list[Chrome]] = defaultdict(list)
        for c in pool_chromes:
            by_site[c.host.removeprefix("www.")].append(c)
        multi_sites = sorted((s for s, cs in by_site.items() if len(cs) >= 2), key=lambda s: (len(by_site[s]), s))

        def take_spare(min_paras: int = 5) -> Story | None:
            # the held-out split keeps its own few stories for its positives
            for source in ((*spares, pool) if split == "heldout" else (pool, *spares)):
                for i, s in enumerate(source):
                    if len(s.paragraphs) >= min_paras:
                        return source.pop(i)
            return None

        def take_story(min_paras: int = 5) -> Story | None:
            for i, s in enumerate(pool):
                if len(s.paragraphs) >= min_paras:
                    return pool.pop(i)
            return take_spare(min_paras)

        def take_chrome(avoid: set[str]) -> Chrome:
            best = min((c for c in pool_chromes if c.host not in avoid), key=lambda c: (c.uses, pool_chromes.index(c)))
            best.uses += 1
            return best

        states[split] = (pool, spares, pool_chromes, per)
        quota = {k: per for k in OTHER_SITES_POSITIVE + OTHER_SITES_NEGATIVE}
        quota["recapture"] = per // 3
        quota["redirect"] = quota["server_error"] = quota["error_page"] = per // 2
        quota["sister"] = min(per, len(multi_sites))
        quota["template"] = min(per, len(multi_sites))
        sites_cycle = list(multi_sites)
        for kind in OTHER_SITES_POSITIVE + OTHER_SITES_NEGATIVE:
            for _ in range(quota[kind]):
                n_pair += 1
                pair = n_pair
                info = {"kind": kind, "split": split}
                if kind in ("sister", "template"):
                    if not sites_cycle:
                        sites_cycle = list(multi_sites)
                    site = sites_cycle.pop()
                    c1, c2 = by_site[site][0], by_site[site][1]
                    c1.uses += 1
                    c2.uses += 1
                else:
                    c1 = take_chrome(set())
                    c2 = take_chrome({c1.host})
                if kind in POSITIVE:
                    story = take_story()
                    donor = take_spare() if kind in ("write_thru", "rewrite") else None
                    if story is None or (kind in ("write_thru", "rewrite") and donor is None):
                        break
                    html_a = render(c1, story.headline, story.paragraphs)
                    url_a = _url(c1.host, story.headline, plan)
                    if kind == "recapture":
                        url_b, html_b = url_a, html_a.replace("</body>", "<!-- fetched again -->\n</body>", 1)
                    else:
                        headline, paras = edit(kind, story, donor, rng)
                        host_b = _sister_host(c2.host) if kind == "sister" else c2.host
                        url_b, html_b = _url(host_b, headline, plan), render(c2, headline, paras)
                    a = plan.page(split, pair, "a", url_a, html_a, story=story.key, chrome=c1.key)
                    b = plan.page(split, pair, "b", url_b, html_b, story=story.key, chrome=c2.key,
                                  donor=donor.key if donor else None)
                    plan.pairs.append({"a": a, "b": b, "label": "same", **info})
                    counts[(split, kind)] += 1
                    continue
                if kind in ("redirect", "server_error"):
                    title, body = rng.choice(_SERVER_PAGES[kind])
                    sides = []
                    for side, c in (("a", c1), ("b", c2)):
                        host = c.host
                        path = f"/news/{rng.randrange(10**6)}"
                        sides.append(plan.page(split, pair, side, f"https://{host}{path}",
                                               server_page(title, body, host, path), chrome=None))
                    plan.pairs.append({"a": sides[0], "b": sides[1], "label": "different", **info})
                    counts[(split, kind)] += 1
                    continue
                if kind == "error_page":
                    title, paras = rng.choice(_NOT_FOUND_TEXTS)
                    sides = []
                    for side, c in (("a", c1), ("b", c2)):
                        sides.append(plan.page(split, pair, side, f"https://{c.host}/news/{rng.randrange(10**6)}",
                                               render(c, title, paras), chrome=c.key))
                    plan.pairs.append({"a": sides[0], "b": sides[1], "label": "different", **info})
                    counts[(split, kind)] += 1
                    continue
                # two different stories
                short = kind in ("template", "wire_line")
                s1, s2 = take_spare(3 if short else 5), take_spare(3 if short else 5)
                if s1 is None or s2 is None:
                    break
                p1, p2 = list(s1.paragraphs), list(s2.paragraphs)
                if short:  # short stories: the shared part weighs more
                    p1, p2 = p1[:rng.randint(3, 6)], p2[:rng.randint(3, 6)]
                if kind == "shared_quote":
                    quoted = [p for p in p1 if re.search("[\"“”]", p) and len(p.split()) >= 15] or \
                        [p for p in p1 if len(p.split()) >= 15] or p1
                    p2.insert(min(3, len(p2)), rng.choice(quoted))
                elif kind == "wire_line":
                    p1, p2 = p1 + _WIRE_LINES, p2 + _WIRE_LINES
                elif kind == "same_event":
                    sents = [s for p in p1 for s in sentences(p) if len(s.split()) >= 10]
                    shared = sents[1:3] if len(sents) >= 3 else sents[:2]
                    dateline = rng.choice(["WASHINGTON (AP) — ", "BEIRUT (Reuters) - ", "SYDNEY (AFP) - "])
                    p1[0] = dateline + p1[0]
                    p2[0] = dateline + p2[0]
                    p2.insert(2, " ".join(shared))
                host_b = c2.host if kind != "template" else c1.host
                a = plan.page(split, pair, "a", _url(c1.host, s1.headline, plan), render(c1, s1.headline, p1),
                              story=s1.key, chrome=c1.key)
                b = plan.page(split, pair, "b", _url(host_b, s2.headline, plan), render(c2, s2.headline, p2),
                              story=s2.key, chrome=c2.key)
                plan.pairs.append({"a": a, "b": b, "label": "different", **info})
                counts[(split, kind)] += 1
    # the same-site kinds come after every other pair of both splits, from a generator of their own: the
    # pairs above stay those of earlier versions of this script (same seed, same pages)
    # (held-out first: its positives take its own stories; each split takes its own pool's stories first)
    for split in () if chrome_heavy else ("heldout", "tune"):
        pool, spares, pool_chromes, per = states[split]
        n_pair = same_site_pairs(plan, split, pool, spares, pool_chromes, max(4, per // 2), n_pair, counts,
                                 random.Random(f"{seed}-{split}-same-site"))
    for split in () if chrome_heavy else ("heldout", "tune"):
        pool, spares, pool_chromes, per = states[split]
        n_pair = same_site_update_pairs(plan, split, (pool, *spares), pool_chromes, max(4, per // 2), n_pair, counts,
                                        random.Random(f"{seed}-{split}-same-site-update"))
    out.mkdir(parents=True, exist_ok=True)
    with gzip.open(out / "crawl.jsonl.gz", "wt", encoding="utf-8") as f:
        for p in plan.pages:
            f.write(json.dumps({"id": p["id"], "url": p["url"], "html": p["html"]}, ensure_ascii=False) + "\n")
    with (out / "pages.jsonl").open("w", encoding="utf-8") as f:
        for p in plan.pages:
            f.write(json.dumps({k: v for k, v in p.items() if k != "html"}, ensure_ascii=False) + "\n")
    with (out / "pairs.jsonl").open("w", encoding="utf-8") as f:
        for p in plan.pairs:
            f.write(json.dumps(p) + "\n")
    return {"pages": len(plan.pages), "pairs": len(plan.pairs), "stories": len(stories), "chromes": len(chromes),
            "chromes_left_out": dict(skipped),
            "by_kind": {f"{s}/{k}": n for (s, k), n in sorted(counts.items())}}


# ---------------------------------------------------------------- scoring

def clusters_of(output: Path) -> tuple[dict[str, str], set[str]]:
    """doc_id -> cluster_id of every row in data/ and duplicates/, and the rejected doc_ids."""
    import pyarrow.parquet as pq
    cluster: dict[str, str] = {}
    for folder in ("data", "duplicates"):
        for path in sorted((output / folder).rglob("*.parquet")):
            t = pq.read_table(path, columns=["doc_id", "cluster_id"])
            cluster.update(zip(t.column("doc_id").to_pylist(), t.column("cluster_id").to_pylist()))
    rejected: set[str] = set()
    for path in sorted((output / "rejects").rglob("*.parquet")):
        rejected.update(pq.read_table(path, columns=["doc_id"]).column("doc_id").to_pylist())
    return cluster, rejected


def score(crawl: Path, output: Path) -> dict:
    """Pair recall and precision, overall, per split and per kind."""
    pairs = [json.loads(line) for line in (crawl / "pairs.jsonl").read_text("utf-8").splitlines()]
    pages = {p["id"]: p for p in map(json.loads, (crawl / "pages.jsonl").read_text("utf-8").splitlines())}
    cluster, rejected = clusters_of(output)
    for p in pairs:
        ca, cb = cluster.get(p["a"]), cluster.get(p["b"])
        p["merged"] = ca is not None and ca == cb
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id in pages:
        if doc_id in cluster:
            members[cluster[doc_id]].append(doc_id)
    cross = [sorted(m) for m in members.values() if len({pages[d]["pair"] for d in m}) > 1]

    def figures(rows: list[dict]) -> dict:
        pos = [r for r in rows if r["label"] == "same"]
        neg = [r for r in rows if r["label"] == "different"]
        tp = sum(r["merged"] for r in pos)
        fp = sum(r["merged"] for r in neg)
        return {"positives": len(pos), "negatives": len(neg), "recall": round(tp / len(pos), 4) if pos else None,
                "precision": round(tp / (tp + fp), 4) if tp + fp else None, "negatives_merged": fp}

    # every page pair a cluster makes: true only for the two pages of one positive pair (each story is
    # used by one pair), so a page merged with a page of another pair counts against precision too
    positive = {frozenset((p["a"], p["b"])) for p in pairs if p["label"] == "same"}
    merged_pairs: list[tuple[str, str]] = [(a, b) for m in members.values() for i, a in enumerate(sorted(m))
                                           for b in sorted(m)[i + 1:]]

    def page_pair_precision(split: str | None) -> dict:
        rows = [(a, b) for a, b in merged_pairs if split is None or pages[a]["split"] == pages[b]["split"] == split]
        true = sum(frozenset(r) in positive for r in rows)
        return {"merged_page_pairs": len(rows), "false": len(rows) - true,
                "page_pair_precision": round(true / len(rows), 4) if rows else None}

    result = {"all": figures(pairs) | page_pair_precision(None), "rejected": sorted(rejected & set(pages)),
              "lost": sorted(set(pages) - set(cluster) - rejected),
              "cross_pair_clusters": cross}
    for split in sorted({p["split"] for p in pairs}):
        result[split] = figures([p for p in pairs if p["split"] == split]) | page_pair_precision(split)
    result["by_kind"] = {}
    for kind in POSITIVE + NEGATIVE:
        for split in ("tune", "heldout"):
            rows = [p for p in pairs if p["kind"] == kind and p["split"] == split]
            if rows:
                merged = sum(r["merged"] for r in rows)
                result["by_kind"][f"{split}/{kind}"] = f"{merged}/{len(rows)}"
    result["missed"] = [f"{p['kind']} {p['a']} {p['b']}" for p in pairs if p["label"] == "same" and not p["merged"]]
    result["false_merges"] = [f"{p['kind']} {p['a']} {p['b']}" for p in pairs if p["label"] == "different" and p["merged"]]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    mk = sub.add_parser("make", help="write the labelled crawl")
    mk.add_argument("--out", type=Path, required=True)
    mk.add_argument("--shared", type=Path, default=SHARED)
    mk.add_argument("--seed", type=int, default=12)
    mk.add_argument("--per-kind", type=int, default=24, help="pairs per kind and split")
    mk.add_argument("--chrome-heavy", action="store_true",
                    help="only round 4's kinds (short_cut, ap_trimmed, write_thru_top), every story free for them")
    bd = sub.add_parser("build", help="dedup build the crawl")
    bd.add_argument("--crawl", type=Path, required=True)
    bd.add_argument("--out", type=Path, required=True)
    bd.add_argument("--config", type=Path)
    sc = sub.add_parser("score", help="pair recall and precision of a build")
    sc.add_argument("--crawl", type=Path, required=True)
    sc.add_argument("--output", type=Path, required=True)
    sc.add_argument("--json", action="store_true", help="only the JSON line")
    sc.add_argument("--show", type=int, default=10, help="missed and falsely merged pairs listed")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.command == "make":
        print(json.dumps(make(args.shared, args.out, args.seed, args.per_kind, args.chrome_heavy)))
        return 0
    if args.command == "build":
        cmd = [sys.executable, "-m", "dedup.cli", "build", str(args.crawl / "crawl.jsonl.gz"), "--out", str(args.out),
               "--workers", "1", "--overwrite", "--no-progress"]
        if args.config:
            cmd += ["--config", str(args.config)]
        return subprocess.call(cmd)
    result = score(args.crawl, args.output)
    if not args.json:
        for name in ("all", "tune", "heldout"):
            if name in result:
                print(f"{name:8} {result[name]}")
        for k, v in result["by_kind"].items():
            print(f"  {k:24} {v}")
        print(f"rejected {len(result['rejected'])}, lost {len(result['lost'])}, "
              f"clusters across pairs {len(result['cross_pair_clusters'])}")
        for line in result["missed"][:args.show]:
            print("  missed", line)
        for line in result["false_merges"][:args.show]:
            print("  merged", line)
        for c in result["cross_pair_clusters"][:args.show]:
            print("  across", c)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
