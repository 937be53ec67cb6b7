#!/usr/bin/env python3
"""Generate samples/crawl/: a small synthetic news crawl that shows every outcome of `dedup build`.

Everything in it is invented by this script: eight fictional news sites on `.example` domains,
about sixty stories written from templates and word lists (sample_vocabulary.json), wire copies of those stories
republished with edits, exact re-crawls, URL variants, hard negatives and a handful of broken
records. Real news agency names appear only as dateline tokens and in the wire credit lines.

    python scripts/make_sample.py            # (re)write samples/crawl/ and samples/labels/
    python scripts/make_sample.py --check    # regenerate in a temp dir; exit 1 if it differs
    python scripts/make_sample.py --out DIR  # write DIR/crawl/ and DIR/labels/ instead

The output is deterministic: fixed seed, fixed timestamps, UUIDs drawn from the seeded generator,
gzip members with mtime=0 and no file name. Standard library only.

Layout written under the output folder (default: samples/):

    crawl/sample-00000.warc.gz     WARC/1.1, one gzip member per record (warcinfo first)
    crawl/sample-00001.warc.gz
    crawl/sample-extra.jsonl.gz    {"id", "url", "fetched_at", "html"} lines
    labels/labels.jsonl            ground truth, one line per document the tool should see
    labels/stories.jsonl           one line per invented story

`--check` first compares bytes. If a .gz file differs only in how zlib compressed it (another zlib
build, e.g. zlib-ng, makes other but equivalent deflate streams), it compares the decompressed
members instead and the byte offsets in the labels by member index; that still passes.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import html
import io
import json
import random
import re
import shutil
import sys
import tempfile
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

SEED = 20240502
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "samples"

WARC_FILES = ("sample-00000.warc.gz", "sample-00001.warc.gz")
JSONL_FILE = "sample-extra.jsonl.gz"
GENERATED = {"crawl": (*WARC_FILES, JSONL_FILE), "labels": ("labels.jsonl", "stories.jsonl")}

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
LIC_CC = "CC-BY-4.0"
LIC_ARR = "LicenseRef-all-rights-reserved"
LIC_NONE = "NOASSERTION"

N_WIRE_STORIES = 36
N_LOCAL_STORIES = 24
N_LOCAL_JSONL_ONLY = 10
N_WIRE_COPIES_JSONL = 18
N_RECRAWL_PAGES = 14          # one of them is re-crawled twice: 15 re-crawl records
N_URL_VARIANTS = 10
N_CROSS_FORMAT = 10
COPY_COUNTS = (2, 3, 5, 6, 6, 7, 7, 8, 8, 8, 8, 8)  # sites carrying one wire story, cycled

# =================================================================================================
# Invented vocabulary
# =================================================================================================

# The invented words, names, templates, sites and agencies live in sample_vocabulary.json, next to
# this script.
VOCABULARY = json.loads((Path(__file__).resolve().parent / "sample_vocabulary.json").read_text("utf-8"))
TOWNS = VOCABULARY["towns"]
COUNTRIES = VOCABULARY["countries"]
RIVERS = VOCABULARY["rivers"]
STREETS = VOCABULARY["streets"]
REAL_CITIES = VOCABULARY["real_cities"]
FIRST_NAMES = VOCABULARY["first_names"]
LAST_NAMES = VOCABULARY["last_names"]
SAME_PEOPLE = tuple(VOCABULARY["same_people"])
DAYS = VOCABULARY["days"]
MONTHS_NEXT = VOCABULARY["months_next"]
ORDINALS = VOCABULARY["ordinals"]
GROUPS = VOCABULARY["groups"]
ROLES2 = VOCABULARY["roles2"]
ORGS2 = VOCABULARY["orgs2"]
TOPICS = VOCABULARY["topics"]
WIRE_TOPICS = VOCABULARY["wire_topics"]
LOCAL_TOPICS = VOCABULARY["local_topics"]
GENERIC_DETAILS = VOCABULARY["generic_details"]
GENERIC_QUOTES = VOCABULARY["generic_quotes"]
QUOTE_FORMS = VOCABULARY["quote_forms"]
LOCAL_ANGLES = VOCABULARY["local_angles"]
SYNONYMS = VOCABULARY["synonyms"]

# =================================================================================================
# Sites and agencies
# =================================================================================================


@dataclass
class Site:
    key: str
    name: str
    host: str
    hometown: str
    licence: str                  # cc | arr | none
    footer: str
    footer_twice: bool
    tz_hours: int
    prefix: str
    url_style: str
    order: tuple[str, ...]
    nav: tuple[str, ...]
    cookie: str
    newsletter: tuple[str, str]
    most_read: str
    title_sep: str
    og_title: bool
    date_style: str
    server: str
    jsonld_licence: bool = False
    wire_weight: float = 1.0

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.tz_hours))

    @property
    def own_licence(self) -> str:
        return {"cc": LIC_CC, "arr": LIC_ARR, "none": LIC_NONE}[self.licence]


SITES = [Site(**{k: tuple(v) if isinstance(v, list) else v for k, v in s.items()}) for s in VOCABULARY["sites"]]

SITE_BY_KEY = {s.key: s for s in SITES}


@dataclass
class Agency:
    label: str                    # value of `wire_agency` in the labels
    token: str                    # the token inside the dateline
    dash: str
    credit: str
    real: bool
    reporters: tuple[str, ...] = ()


AGENCIES = [Agency(**{k: tuple(v) if isinstance(v, list) else v for k, v in a.items()})
            for a in VOCABULARY["agencies"]]

# =================================================================================================
# Stories
# =================================================================================================


@dataclass
class Story:
    sid: str
    kind: str                     # wire | local | notice | same_people
    topic: str
    section: str
    facts: dict
    headlines: list[str]          # [0] is the original headline
    paragraphs: list[str]
    published: datetime           # UTC
    author: str
    agency: Agency | None = None
    dateline: str | None = None
    home: Site | None = None
    hard_negative: str | None = None


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def fill(template: str, facts: dict) -> str:
    return cap(template.format_map(facts))


class Names:
    """Invented full names, never the same one twice, never one of SAME_PEOPLE."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set(SAME_PEOPLE)

    def __call__(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name


def make_facts(rng: random.Random, topic: str, names: Names, town: str | None = None) -> dict:
    t = TOPICS[topic]
    towns = [x for x in TOWNS if x != town]
    rng.shuffle(towns)
    town = town or towns.pop()
    c1, c2 = rng.sample(COUNTRIES, 2)
    f: dict = {
        "town": town, "town2": towns[0], "town3": towns[1], "country": c1, "country2": c2,
        "river": rng.choice(RIVERS), "street": rng.choice(STREETS),
        "person": names(), "person2": names(),
        "money": f"{rng.uniform(1.5, 95):.1f} million crowns",
        "money2": f"{rng.uniform(0.2, 9.5):.1f} million crowns",
        "money_small": f"{rng.randint(12, 95) * 100:,} crowns",
        "num": rng.randint(40, 900), "num2": f"{rng.randint(1000, 25000):,}",
        "num3": rng.randint(20, 400), "num_small": rng.randint(3, 12),
        "pct": rng.randint(8, 45), "pct2": rng.randint(2, 19), "pct_small": rng.randint(2, 9),
        "pct_dec": f"{rng.uniform(0.8, 4.5):.1f}", "rate": f"{rng.uniform(2, 6):.2f}",
        "rate2": f"{rng.uniform(2.2, 7):.1f}", "small_dec": f"{rng.uniform(0.5, 2.5):.1f}",
        "month_next": rng.choice(MONTHS_NEXT), "year_prev": rng.randint(2009, 2021),
        "year_next": rng.randint(2026, 2031), "ordinal": rng.choice(ORDINALS),
        "num_speed": rng.randint(90, 150), "num_rain": rng.randint(60, 180),
        "num_min": rng.randint(8, 45), "num_mw": rng.choice([120, 240, 360, 480, 600]),
        "num_height": rng.randint(140, 260), "decade": rng.choice(["1970s", "1980s", "1990s"]),
    }
    f["day"], f["day2"] = rng.sample(DAYS, 2)
    a = rng.randint(5, 14)
    f["votes"] = f"{a} to {rng.randint(1, a - 1)}"
    g = rng.randint(1, 4)
    f["score"] = f"{g}-{rng.randint(0, g - 1)}"
    f["fleet_then"] = rng.randint(120, 400)
    f["fleet_now"] = f["fleet_then"] // 3
    f["team2"] = f"{towns[0]} {rng.choice(['United', 'Rovers', 'Athletic', 'Harriers'])}"
    f["group"] = rng.choice(GROUPS).format_map(f)
    f["org"] = rng.choice(t["orgs"]).format_map(f)
    f["org2"] = rng.choice(ORGS2).format_map(f)
    f["thing"] = rng.choice(t["things"])
    f["catch"] = rng.choice(["herring", "cod", "mackerel", "sprat"])
    f["lead"] = rng.randrange(len(t["leads"]))  # which lead sentence (and matching headlines)
    f["person3"] = names()
    f["role"] = rng.choice(t["roles"]).format_map(f)
    f["role2"] = rng.choice(ROLES2).format_map(f)
    return f


def write_body(rng: random.Random, topic: str, facts: dict, n_paras: int) -> list[str]:
    """`n_paras` paragraphs of 2-4 sentences: a lead, then details, background and quotes."""
    t = TOPICS[topic]
    details = [fill(s, facts) for s in t["details"]] + [fill(s, facts) for s in GENERIC_DETAILS]
    rng.shuffle(details)
    quotes = t["quotes"] + rng.sample(GENERIC_QUOTES, 2)
    rng.shuffle(quotes)
    forms = QUOTE_FORMS[:]
    rng.shuffle(forms)
    quote_sents = [fill(forms[i % len(forms)], facts | {"quote": fill(q, facts)})
                   for i, q in enumerate(quotes[:3])]
    paras = []
    lead = fill(t["leads"][facts["lead"]], facts)
    paras.append(" ".join([lead] + [details.pop() for _ in range(rng.randint(1, 2))]))
    while len(paras) < n_paras and details:
        sents = []
        for _ in range(rng.randint(2, 4)):
            if quote_sents and rng.random() < 0.3:
                sents.append(quote_sents.pop())
            elif details:
                sents.append(details.pop())
        if len(sents) < 2:
            break
        paras.append(" ".join(sents))
    if quote_sents:  # at least one quote in every story, placed in its second paragraph
        paras[1 if len(paras) > 1 else 0] += " " + quote_sents.pop()
    return paras


def headlines_for(topic: str, facts: dict, rng: random.Random) -> list[str]:
    """The original headline first, then the alternatives copy desks pick from."""
    heads = [fill(h, facts) for h in TOPICS[topic]["heads"][facts["lead"]]]
    rng.shuffle(heads)
    return heads


def make_stories(rng: random.Random) -> list[Story]:
    names = Names(rng)
    stories: list[Story] = []
    base = datetime(2024, 5, 1, 5, 0, tzinfo=timezone.utc)

    def when() -> datetime:
        return base + timedelta(days=rng.randint(0, 5), hours=rng.randint(0, 14),
                                minutes=rng.choice([0, 5, 15, 20, 30, 40, 45, 50]))

    # Wire stories: every agency, topics in rotation.
    agency_cycle = [AGENCIES[i % len(AGENCIES)] for i in range(N_WIRE_STORIES)]
    rng.shuffle(agency_cycle)
    for i in range(N_WIRE_STORIES):
        topic = WIRE_TOPICS[i % len(WIRE_TOPICS)]
        agency = agency_cycle[i]
        facts = make_facts(rng, topic, names)
        city = rng.choice(REAL_CITIES) if agency.real else facts["town"].upper()
        dateline = f"{city} ({agency.token}) {agency.dash} "
        author = rng.choice(agency.reporters) if agency.reporters else ""
        stories.append(Story(
            f"w{i + 1:03d}", "wire", topic, TOPICS[topic]["section"], facts,
            headlines_for(topic, facts, rng), write_body(rng, topic, facts, rng.randint(5, 9)),
            when(), author, agency=agency, dateline=dateline))

    # Local stories: each site reports on its own town.
    for i in range(N_LOCAL_STORIES):
        site = SITES[i % len(SITES)]
        topic = LOCAL_TOPICS[(i + 3 * (i // len(SITES)) + 3) % len(LOCAL_TOPICS)]
        facts = make_facts(rng, topic, names, town=site.hometown)
        stories.append(Story(
            f"l{i + 1:03d}", "local", topic, TOPICS[topic]["section"], facts,
            headlines_for(topic, facts, rng), write_body(rng, topic, facts, rng.randint(4, 9)),
            when(), names(), home=site))

    # Hard negatives 1: short planning notices on one site sharing a long standard text.
    stories.extend(make_notices(rng, names, when))

    # Hard negatives 2: two different stories about the same two people.
    mayor, rival = SAME_PEOPLE
    for j, (topic, site_key) in enumerate((("council", "hg"), ("festival", "ct"))):
        site = SITE_BY_KEY[site_key]
        facts = make_facts(rng, topic, names, town="Kestrelmouth")
        facts.update(person=mayor, role="mayor of Kestrelmouth", person2=rival,
                     role2="leader of the opposition group on the council")
        stories.append(Story(
            f"p{j + 1:03d}", "same_people", topic, TOPICS[topic]["section"], facts,
            headlines_for(topic, facts, rng), write_body(rng, topic, facts, rng.randint(5, 7)),
            when(), names(), home=site, hard_negative="same_people:varnholt-brannick"))
    return stories


NOTICE_WORKS = VOCABULARY["notice_works"]
NOTICE_EXTRAS = VOCABULARY["notice_extras"]
NOTICE_TEMPLATE = VOCABULARY["notice_template"]


def make_notices(rng: random.Random, names: Names, when) -> list[Story]:
    site = SITE_BY_KEY["nc"]
    out = []
    for k, work in enumerate(NOTICE_WORKS):
        facts = make_facts(rng, "housing", names, town=site.hometown)
        number = rng.randint(2, 140)
        address = f"{number} {facts['street']}, {site.hometown}"
        ref = f"NB/24/{rng.randint(100, 999)}/FUL"
        first = (f"An application has been submitted to {site.hometown} Borough Council for {work} "
                 f"at {address}. The applicant is {facts['person']}, and the council's reference "
                 f"is {ref}.")
        extras = " ".join(fill(e, facts) for e in rng.sample(NOTICE_EXTRAS, 2))
        head = f"Planning notice: {work} at {address}"
        out.append(Story(
            f"n{k + 1:03d}", "notice", "notice", "notices", facts, [cap(head)],
            [first, extras] + NOTICE_TEMPLATE, when(), "Courier notices desk", home=site,
            hard_negative="shared_template:northfield-planning-notices"))
    return out


# =================================================================================================
# Pages
# =================================================================================================


@dataclass
class Page:
    pid: int
    story: Story
    site: Site
    url: str
    headline: str
    paragraphs: list[str]         # final text of the article paragraphs (dateline included)
    published: datetime           # UTC
    relation: str                 # original | wire_copy
    edits: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    credit: str | None = None
    read_more: str | None = None
    byline: str = ""
    author_ld: dict | None = None
    most_read: list[tuple[str, str]] = field(default_factory=list)
    licence: str = LIC_NONE


def slugify(text: str, words: int = 8) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower().replace("\u00e9", "e"))
    return "-".join(parts[:words])


def page_url(site: Site, story: Story, headline: str, published: datetime, rng: random.Random) -> str:
    local = published.astimezone(site.tz)
    path = site.url_style.format(
        y=f"{local.year:04d}", m=f"{local.month:02d}", d=f"{local.day:02d}", slug=slugify(headline),
        section=story.section, n5=rng.randint(10000, 99999), n6=rng.randint(100000, 999999),
        n8=rng.randint(10000000, 99999999))
    return f"https://{site.host}{path}"


def substitute_words(paras: list[str], rng: random.Random) -> tuple[list[str], int]:
    """Swap 1-3% of the words for synonyms or other spellings."""
    n_words = sum(len(p.split()) for p in paras)
    spots = [(i, m.start(), m.end()) for i, p in enumerate(paras)
             for m in re.finditer(r"\b[a-z]+\b", p) if m.group(0) in SYNONYMS]
    k = min(len(spots), max(1, round(n_words * rng.uniform(0.01, 0.03))))
    chosen = sorted(rng.sample(spots, k), key=lambda s: (s[0], -s[1]))
    out = list(paras)
    for i, start, end in chosen:  # right to left inside a paragraph: offsets stay valid
        p = out[i]
        out[i] = p[:start] + SYNONYMS[p[start:end]] + p[end:]
    return out, k


def rewrite_headline(story: Story, rng: random.Random) -> tuple[str, str]:
    original = story.headlines[0]
    r = rng.random()
    if r < 0.55:
        return rng.choice(story.headlines[1:]), "headline_rewritten"
    if r < 0.7:
        return " ".join(cap(w) for w in original.split()), "headline_title_case"
    if r < 0.85 or not (story.agency and story.agency.label == "Reuters"):
        return original + rng.choice([", officials say", " \u2013 report", ": what we know so far"]), \
            "headline_extended"
    return rng.choice(["UPDATE 1-", "UPDATE 2-"]) + original, "headline_update_prefix"


def make_pages(stories: list[Story], rng: random.Random) -> list[Page]:
    pages: list[Page] = []
    used_urls: set[str] = set()

    def add(page: Page) -> None:
        base, n = page.url, 2
        while page.url in used_urls:
            page.url = base.rstrip("/") + f"-{n}" + ("/" if base.endswith("/") else "")
            n += 1
        used_urls.add(page.url)
        pages.append(page)

    # copies per wire story: a fixed multiset (so the page count does not drift), shuffled
    n_wire = sum(1 for st in stories if st.kind == "wire")
    counts = [COPY_COUNTS[i % len(COPY_COUNTS)] for i in range(n_wire)]
    rng.shuffle(counts)
    for story in stories:
        if story.kind == "wire":
            weights = [s.wire_weight for s in SITES]
            k = counts.pop()
            chosen: list[Site] = []
            while len(chosen) < k:
                s = rng.choices(SITES, weights)[0]
                if s not in chosen:
                    chosen.append(s)
            seen: set[tuple] = set()
            for site in chosen:
                page = make_wire_copy(len(pages), story, site, rng)
                # two copies with the same visible text would be exact duplicates: keep every copy
                # distinct so that `exact_dup` in the labels means "same HTML" and nothing else
                while (sig := (page.headline, tuple(page.paragraphs), page.credit, bool(page.read_more))) in seen:
                    page.paragraphs, n = substitute_words(page.paragraphs, rng)
                    page.edits.append(f"word_substitutions:{n}")
                seen.add(sig)
                add(page)
        else:
            site = story.home
            assert site is not None
            published = story.published
            p = Page(len(pages), story, site, page_url(site, story, story.headlines[0], published, rng),
                     story.headlines[0], list(story.paragraphs), published, "original",
                     byline=f"By {story.author}", author_ld={"@type": "Person", "name": story.author},
                     licence=site.own_licence)
            p.evidence = site_evidence(site)
            add(p)
    return pages


def site_evidence(site: Site, own_story: bool = True) -> list[str]:
    """Licence hints the page chrome carries (the JSON-LD licence only on a site's own stories)."""
    if site.licence == "cc":
        return ["site_cc_by_link"] + (["jsonld_license"] if site.jsonld_licence and own_story else [])
    if site.licence == "arr":
        return ["site_footer_all_rights_reserved" + ("_x2" if site.footer_twice else "")]
    return []


def make_wire_copy(pid: int, story: Story, site: Site, rng: random.Random) -> Page:
    agency = story.agency
    assert agency is not None and story.dateline is not None
    edits: list[str] = []
    headline, how = rewrite_headline(story, rng)
    edits.append(how)
    paras = list(story.paragraphs)
    if rng.random() < 0.7:
        paras, n_subs = substitute_words(paras, rng)
        edits.append(f"word_substitutions:{n_subs}")
    read_more = None
    r = rng.random()
    if r < 0.2 and len(paras) > 3:
        keep = rng.randint(2, min(4, len(paras) - 1))
        paras = paras[:keep]
        edits.append(f"truncated_after:{keep}")
        read_more = "full"
    else:
        if rng.random() < 0.25 and len(paras) > 3:
            drop = rng.randrange(1, len(paras))
            del paras[drop]
            edits.append(f"paragraph_dropped:{drop + 1}")
        if rng.random() < 0.25:
            angle = fill(rng.choice(LOCAL_ANGLES), story.facts | {"home": site.hometown, "site": site.name})
            at = rng.randint(1, len(paras))
            paras.insert(at, angle)
            edits.append(f"local_paragraph_added:{at + 1}")
    evidence = []
    if rng.random() < 0.3:
        edits.append("dateline_dropped")
    else:
        paras[0] = story.dateline + paras[0]
        evidence.append("dateline")
    credit = None
    if rng.random() < 0.62:
        credit = agency.credit
        evidence.append("credit_line")
    else:
        edits.append("credit_line_dropped")
    published = story.published + timedelta(minutes=rng.randint(10, 600))
    if agency.real:
        byline = rng.choice(["From wire reports", "Staff and agencies", f"{site.name} wire desk"])
        author_ld = {"@type": "Organization", "name": f"{site.name} wire desk"}
    else:
        byline = f"By {story.author}, {agency.label}"
        author_ld = {"@type": "Person", "name": story.author}
        evidence.append("byline_agency")
    url = page_url(site, story, headline, published, rng)
    page = Page(pid, story, site, url, headline, paras, published, "wire_copy", edits=edits,
                evidence=evidence + site_evidence(site, own_story=False), credit=credit, byline=byline,
                author_ld=author_ld, licence=LIC_ARR)
    if read_more:
        page.read_more = url + "?page=2"
    return page


# ---- HTML ---------------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def human_date(dt: datetime, style: str) -> str:
    if style == "iso":
        return dt.strftime("%Y-%m-%d %H:%M")
    if style == "mdy":
        hour = dt.hour % 12 or 12
        return f"{dt.strftime('%B')} {dt.day}, {dt.year} {hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"
    return f"{dt.day} {dt.strftime('%B')} {dt.year}, {dt.strftime('%H:%M')}"


def render(page: Page, order: tuple[str, ...] | None = None) -> str:
    site = page.site
    p = site.prefix
    local_pub = page.published.astimezone(site.tz)
    iso = local_pub.isoformat()
    title = f"{page.headline}{site.title_sep}{site.name}"
    ld: dict = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": page.headline,
        "datePublished": iso, "author": page.author_ld,
        "publisher": {"@type": "Organization", "name": site.name}, "mainEntityOfPage": page.url,
    }
    if site.jsonld_licence and page.relation != "wire_copy":
        ld["license"] = CC_BY
    ld_text = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
    head = [
        '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta property="og:site_name" content="{attr(site.name)}">',
    ]
    if site.og_title:
        head.append(f'<meta property="og:title" content="{attr(page.headline)}">')
    head += [
        '<meta property="og:type" content="article">',
        f'<meta property="article:published_time" content="{iso}">',
        f'<link rel="canonical" href="{attr(page.url)}">',
    ]
    if site.licence == "cc":
        head.append(f'<link rel="license" href="{CC_BY}">')
    head += [
        f'<link rel="stylesheet" href="/static/{p}-main.css">',
        f'<script type="application/ld+json">{ld_text}</script>',
    ]
    paras = "\n".join(f"<p>{esc(t)}</p>" for t in page.paragraphs)
    if page.read_more:
        paras += f'\n<p class="{p}-readmore"><a href="{attr(page.read_more)}">Read more</a></p>'
    if page.credit:
        paras += f'\n<p class="{p}-credit"><small>{esc(page.credit)}</small></p>'
    blocks = {
        "cookie": (f'<div class="{p}-cookie" id="cookie-notice" role="dialog">\n<p>{esc(site.cookie)}</p>\n'
                   f'<button type="button">Accept</button> <button type="button">Manage choices</button> '
                   f'<a href="/privacy">Privacy notice</a>\n</div>'),
        "header": (f'<header class="{p}-masthead">\n<a class="{p}-logo" href="/">{esc(site.name)}</a>\n'
                   f'<nav class="{p}-nav" aria-label="Sections"><ul>'
                   + "".join(f'<li><a href="/{slugify(n)}/">{esc(n)}</a></li>' for n in site.nav)
                   + "</ul></nav>\n</header>"),
        "story": (f'<main id="content" class="{p}-main">\n<div class="{p}-storyhead">\n'
                  f'<p class="{p}-kicker">{esc(cap(page.story.section))}</p>\n<h1>{esc(page.headline)}</h1>\n'
                  f'<p class="{p}-byline"><span class="author">{esc(page.byline)}</span> \u00b7 '
                  f'<time datetime="{iso}">{human_date(local_pub, site.date_style)}</time></p>\n</div>\n'
                  f'<article class="{p}-body">\n{paras}\n</article>\n'
                  f'<div class="{p}-share">Share this story: <a href="#">Email</a> <a href="#">Copy link</a> '
                  f'<a href="#">Print</a></div>\n</main>'),
        "mostread": (f'<aside class="{p}-mostread">\n<h2>{esc(site.most_read)}</h2>\n<ol>'
                     + "".join(f'<li><a href="{attr(u)}">{esc(h)}</a></li>' for u, h in page.most_read)
                     + "</ol>\n</aside>"),
        "newsletter": (f'<aside class="{p}-newsletter">\n<h2>{esc(site.newsletter[0])}</h2>\n'
                       f'<p>{esc(site.newsletter[1])}</p>\n<form action="/newsletter" method="post">'
                       '<input type="email" name="email" placeholder="Your email address"> '
                       '<button type="submit">Sign up</button></form>\n</aside>'),
        "footer": (f'<footer class="{p}-footer">\n<ul>'
                   + "".join(f'<li><a href="/{slugify(x)}">{x}</a></li>'
                             for x in ("About us", "Contact", "Advertise", "Corrections", "Privacy"))
                   + f'</ul>\n<p class="{p}-copyright">{esc(site.footer)}</p>\n</footer>'
                   + (f'\n<div class="{p}-legal"><p>{esc(site.footer)}</p></div>' if site.footer_twice else "")),
    }
    if site.licence == "cc":
        blocks["footer"] = blocks["footer"].replace(
            f'<p class="{p}-copyright">',
            f'<p class="{p}-copyright"><a rel="license" href="{CC_BY}">CC BY 4.0</a> \u00b7 ', 1)
    body = "\n".join(blocks[k] for k in (order or site.order))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n" + "\n".join(head) + "\n</head>\n"
            f'<body class="{p}-article">\n{body}\n</body>\n</html>\n')


def assign_most_read(pages: list[Page], rng: random.Random) -> None:
    by_site: dict[str, list[Page]] = {}
    for pg in pages:
        by_site.setdefault(pg.site.key, []).append(pg)
    for pg in pages:
        others = [o for o in by_site[pg.site.key] if o is not pg]
        pg.most_read = [(o.url, o.headline) for o in rng.sample(others, min(5, len(others)))]


# =================================================================================================
# Records: what goes into which file
# =================================================================================================


@dataclass
class Rec:
    target: str                   # a WARC file name or JSONL_FILE
    url: str | None
    fetched: datetime
    payload: bytes
    label: dict
    content_type: str = "text/html; charset=utf-8"
    with_request: bool = False
    corrupt: bool = False
    json_id: bool = True           # JSONL: write an `id` (else a null one)
    key: object = None             # the Page it shows (for duplicate_of links)
    doc_id: str = ""
    offset: int = -1


def base_label(page: Page | None, relation: str) -> dict:
    story = page.story if page else None
    return {
        "story_id": story.sid if story else None,
        "relation": relation,
        "reason": None,
        "duplicate_of": None,
        "variant": None,
        "site": page.site.host.removeprefix("www.") if page else None,
        "wire_agency": story.agency.label if story and story.agency else None,
        "licence_expected": page.licence if page else None,
        "headline": page.headline if page else None,
        "edits": list(page.edits) if page else [],
        "licence_evidence": list(page.evidence) if page else [],
        "hard_negative": story.hard_negative if story else None,
        "quirk": None,
    }


def crawl_time(page: Page, rng: random.Random) -> datetime:
    return page.published + timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59),
                                      seconds=rng.randint(0, 59))


def with_utm(url: str, q: str) -> str:
    return url + ("&" if "?" in url else "?") + q


def plan_records(pages: list[Page], rng: random.Random) -> list[Rec]:
    recs: list[Rec] = []
    html_of = {pg.pid: render(pg).encode("utf-8") for pg in pages}

    # Which pages live only in the JSONL file.
    local = [pg for pg in pages if pg.story.kind == "local"]
    wire = [pg for pg in pages if pg.story.kind == "wire"]
    jsonl_only = set(pg.pid for pg in rng.sample(local, N_LOCAL_JSONL_ONLY))
    # wire copies moved to JSONL: only from stories that keep >= 2 copies in the WARC files
    per_story: dict[str, list[Page]] = {}
    for pg in wire:
        per_story.setdefault(pg.story.sid, []).append(pg)
    movable = [pg for sid, lst in per_story.items() if len(lst) >= 4 for pg in lst[1:2]]
    movable += [pg for sid, lst in per_story.items() if len(lst) >= 6 for pg in lst[2:3]]
    jsonl_only |= set(pg.pid for pg in rng.sample(movable, N_WIRE_COPIES_JSONL))

    warc_pages = [pg for pg in pages if pg.pid not in jsonl_only]
    special_pool = [pg for pg in warc_pages if pg.story.kind in ("local", "wire")]
    rng.shuffle(special_pool)
    corrupt_page = next(pg for pg in special_pool if pg.story.kind == "wire")
    broken_page = next(pg for pg in special_pool if pg.story.kind == "local"
                       and any("\u201c" in t for t in pg.paragraphs))
    specials = {corrupt_page.pid, broken_page.pid}
    dup_pool = [pg for pg in special_pool if pg.pid not in specials]

    first: dict[int, Rec] = {}
    for pg in warc_pages:
        target = rng.choice(WARC_FILES)
        payload = html_of[pg.pid]
        label = base_label(pg, pg.relation)
        rec = Rec(target, pg.url, crawl_time(pg, rng), payload, label, key=pg,
                  with_request=rng.random() < 0.4)
        if pg.pid == corrupt_page.pid:
            rec.corrupt, rec.with_request, rec.target = True, False, WARC_FILES[0]
            label.update(relation="reject_expected", reason="gzip_error", licence_expected=None)
        if pg.pid == broken_page.pid:
            rec.payload = break_utf8(payload)
            label["quirk"] = "invalid_utf8"
        recs.append(rec)
        first[pg.pid] = rec

    # Exact re-crawls: same URL, byte-identical HTML, later WARC-Date, new record id.
    recrawled = dup_pool[:N_RECRAWL_PAGES]
    for n, pg in enumerate(recrawled + recrawled[:1]):
        orig = first[pg.pid]
        label = base_label(pg, "exact_dup") | {"variant": "recrawl"}
        days = rng.randint(1, 5) + (2 if n >= N_RECRAWL_PAGES else 0)
        recs.append(Rec(rng.choice(WARC_FILES), pg.url, orig.fetched + timedelta(days=days, minutes=n),
                        orig.payload, label, key=pg, with_request=rng.random() < 0.4))
    # URL variants: http:// and tracking parameters, same HTML (the canonical link is the same).
    variants = dup_pool[N_RECRAWL_PAGES:N_RECRAWL_PAGES + N_URL_VARIANTS]
    kinds = ["http", "http", "http", "http", "http", "utm", "utm", "utm", "utm", "utm"]
    for pg, kind in zip(variants, kinds):
        orig = first[pg.pid]
        if kind == "http":
            url = "http://" + pg.url.removeprefix("https://")
        else:
            url = with_utm(pg.url, rng.choice(["utm_source=newsletter&utm_medium=email",
                                                "utm_source=social&utm_campaign=share",
                                                "utm_source=homepage&utm_content=top-stories"]))
        label = base_label(pg, "url_variant") | {"variant": kind}
        recs.append(Rec(rng.choice(WARC_FILES), url, orig.fetched + timedelta(hours=rng.randint(2, 40)),
                        orig.payload, label, key=pg))
    # Re-render: same article and URL, the page chrome in another order.
    rerender = next(pg for pg in dup_pool[N_RECRAWL_PAGES + N_URL_VARIANTS:] if pg.story.kind == "local")
    order = ("cookie", "newsletter", "header", "story", "footer", "mostread")
    assert order != rerender.site.order
    recs.append(Rec(WARC_FILES[1], rerender.url, first[rerender.pid].fetched + timedelta(days=3),
                    render(rerender, order).encode("utf-8"),
                    base_label(rerender, "exact_dup") | {"variant": "rerender"}, key=rerender,
                    with_request=True))
    used = set(p.pid for p in recrawled + variants) | {rerender.pid}

    # Rejects that are not corrupt gzip: a PDF, an empty page.
    eh, lp = SITE_BY_KEY["eh"], SITE_BY_KEY["lp"]
    recs.append(Rec(WARC_FILES[1], f"https://{eh.host}/media/annual-report-2023.pdf",
                    datetime(2024, 5, 4, 10, 12, 31, tzinfo=timezone.utc), fake_pdf(),
                    reject_label(eh, "non_html_payload"), content_type="application/pdf"))
    recs.append(Rec(WARC_FILES[0], f"https://{lp.host}/2024/05/03/live-updates-placeholder/",
                    datetime(2024, 5, 3, 21, 40, 2, tzinfo=timezone.utc), b"<html><body></body></html>",
                    reject_label(lp, "no_text"), with_request=True))

    # JSONL: pages only there, exact copies of WARC pages, and two bad lines.
    jsonl: list[Rec] = []
    for pg in pages:
        if pg.pid in jsonl_only:
            jsonl.append(Rec(JSONL_FILE, pg.url, crawl_time(pg, rng), html_of[pg.pid],
                             base_label(pg, pg.relation), key=pg))
    cross = [pg for pg in dup_pool if pg.pid not in used][:N_CROSS_FORMAT]
    for pg in cross:
        jsonl.append(Rec(JSONL_FILE, pg.url, first[pg.pid].fetched + timedelta(hours=rng.randint(1, 30)),
                         html_of[pg.pid], base_label(pg, "exact_dup") | {"variant": "cross_format"},
                         key=pg))
    rng.shuffle(jsonl)
    # a page whose `id` is null: a copy of a WARC page, so no content is lost with it
    no_id = next(pg for pg in dup_pool if pg.pid not in used and pg not in cross)
    bad = Rec(JSONL_FILE, no_id.url, datetime(2024, 5, 5, 7, 3, 9, tzinfo=timezone.utc), html_of[no_id.pid],
              base_label(no_id, "reject_expected") | {"reason": "missing_id", "licence_expected": None},
              key=no_id, json_id=False)
    jsonl.insert(23, bad)
    broken_json = Rec(JSONL_FILE, None, datetime(2024, 5, 5, 7, 4, 0, tzinfo=timezone.utc), b"",
                      reject_label(None, "bad_json"))
    jsonl.insert(11, broken_json)
    recs.extend(jsonl)
    return recs


def reject_label(site: Site | None, reason: str) -> dict:
    label = base_label(None, "reject_expected")
    label.update(reason=reason, site=site.host.removeprefix("www.") if site else None)
    return label


def break_utf8(payload: bytes) -> bytes:
    """Windows-1252 quotes and accents inside the UTF-8 article body: invalid byte sequences."""
    start = payload.index(b"<article")
    end = payload.index(b"</article>")
    body = payload[start:end]
    for good, bad in (("\u201c", b"\x93"), ("\u201d", b"\x94"), ("\u2019", b"\x92")):
        body = body.replace(good.encode("utf-8"), bad)
    body = body.replace(b"</p>", b" Caf\xe9 owners agreed.</p>", 1)
    return payload[:start] + body + payload[end:]


def fake_pdf() -> bytes:
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
            b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n"
            b"4 0 obj\n<< /Length 58 >>\nstream\nBT /F1 18 Tf 72 760 Td (Eastbank Herald annual report) Tj ET\n"
            b"endstream\nendobj\ntrailer\n<< /Root 1 0 R /Size 5 >>\n%%EOF\n")


# =================================================================================================
# Writers
# =================================================================================================


def gzip_member(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="", compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def corrupt_gzip_member(data: bytes) -> bytes:
    """A gzip member of three stored deflate blocks, with bytes flipped around the second block's
    header. Built by hand so its bytes are the same with every zlib build. Inflating it fails in
    the middle of the member (the first third of the record comes out, then a zlib error), and the
    next member starts right after it."""
    cut1, cut2 = len(data) // 3, 2 * len(data) // 3
    parts = [data[:cut1], data[cut1:cut2], data[cut2:]]
    deflate = b""
    marks = []
    for i, part in enumerate(parts):
        marks.append(len(deflate))
        final = 1 if i == len(parts) - 1 else 0
        n = len(part)
        deflate += bytes([final]) + n.to_bytes(2, "little") + (n ^ 0xFFFF).to_bytes(2, "little") + part
    damaged = bytearray(deflate)
    for j in range(marks[1] - 4, marks[1] + 8):
        damaged[j] ^= 0x5A
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"
    trailer = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(4, "little")
    member = header + bytes(damaged) + trailer
    assert member.find(b"\x1f\x8b\x08", 1) == -1
    try:
        zlib.decompressobj(31).decompress(member)
    except zlib.error:
        return member
    raise AssertionError("the damaged member still inflates")


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_date(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def warc_record(fields: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def positional_id(source_name: str, offset: int) -> str:
    """Same scheme as dedup.sources.rawrows.positional_id: the id of a record that carries none."""
    return "nodocid:" + hashlib.sha1(f"{source_name}\0{offset}".encode()).hexdigest()[:24]


class Ids:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def __call__(self) -> str:
        return f"<urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}>"


def write_warc(name: str, recs: list[Rec], new_id: Ids) -> bytes:
    recs.sort(key=lambda r: (r.fetched, r.url or ""))
    out = bytearray()
    info_id = new_id()
    info = ("software: dedup sample generator (scripts/make_sample.py)\r\n"
            "format: WARC File Format 1.1\r\n"
            "isPartOf: dedup-sample-crawl\r\n"
            "description: Synthetic news crawl. Every site, person and story in it is invented.\r\n"
            "operator: dedup maintainers\r\n"
            "robots: obey\r\n").encode("utf-8")
    first_date = recs[0].fetched - timedelta(minutes=1)
    out += gzip_member(warc_record([
        ("WARC-Type", "warcinfo"), ("WARC-Date", warc_date(first_date)),
        ("WARC-Record-ID", info_id), ("WARC-Filename", name),
        ("Content-Type", "application/warc-fields")], info))
    for n, rec in enumerate(recs):
        assert rec.url is not None
        rid = new_id()
        date = warc_date(rec.fetched)
        host = rec.url.split("/", 3)[2]
        path = "/" + rec.url.split("/", 3)[3] if rec.url.count("/") >= 3 else "/"
        if rec.with_request:
            req = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
                   "User-Agent: dedup-sample-crawler/1.0 (synthetic)\r\n"
                   "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\n"
                   "Accept-Language: en\r\nConnection: close\r\n\r\n").encode("ascii")
            out += gzip_member(warc_record([
                ("WARC-Type", "request"), ("WARC-Record-ID", new_id()), ("WARC-Date", date),
                ("WARC-Target-URI", rec.url), ("WARC-Concurrent-To", rid),
                ("WARC-Warcinfo-ID", info_id), ("WARC-Block-Digest", sha1_b32(req)),
                ("Content-Type", "application/http;msgtype=request")], req))
        server = next((s.server for s in SITES if s.host in rec.url), "nginx")
        http_head = (f"HTTP/1.1 200 OK\r\nDate: {format_datetime(rec.fetched, usegmt=True)}\r\n"
                     f"Server: {server}\r\nContent-Type: {rec.content_type}\r\n"
                     f"Content-Length: {len(rec.payload)}\r\nCache-Control: max-age=300\r\n"
                     "Connection: close\r\n\r\n").encode("ascii")
        block = http_head + rec.payload
        record = warc_record([
            ("WARC-Type", "response"), ("WARC-Record-ID", rid), ("WARC-Date", date),
            ("WARC-Target-URI", rec.url), ("WARC-Warcinfo-ID", info_id),
            ("WARC-IP-Address", f"192.0.2.{10 + sum(map(ord, host)) % 200}"),
            ("WARC-Payload-Digest", sha1_b32(rec.payload)), ("WARC-Block-Digest", sha1_b32(block)),
            ("Content-Type", "application/http;msgtype=response")], block)
        rec.offset = len(out)
        if rec.corrupt:
            out += corrupt_gzip_member(record)
            rec.doc_id = positional_id(name, rec.offset)
            rec.label["warc_record_id"] = rid
        else:
            out += gzip_member(record)
            rec.doc_id = rid
            rec.label["warc_record_id"] = rid
    return bytes(out)


def write_jsonl(recs: list[Rec]) -> bytes:
    lines = []
    for n, rec in enumerate(recs):
        rec.offset = n
        obj: dict = {}
        doc_id = f"sample-jsonl-{n + 1:04d}"
        # a record without an `id` field gets one derived from its data (C4's rows); a null one is missing
        obj["id"] = doc_id if rec.json_id else None
        obj |= {"url": rec.url, "fetched_at": warc_date(rec.fetched),
                "html": rec.payload.decode("utf-8")}
        line = json.dumps(obj, ensure_ascii=False)
        if rec.label["reason"] == "bad_json":
            # a line cut short by a crashed writer: not valid JSON
            line = json.dumps({"id": doc_id, "url": f"https://{SITES[0].host}/news/2024/05/05/tide-tables",
                               "fetched_at": warc_date(rec.fetched),
                               "html": "<!DOCTYPE html><html><head><title>Tide tables for the week"})[:-9]
        lines.append(line)
        rec.doc_id = doc_id if rec.json_id and rec.label["reason"] != "bad_json" else positional_id(JSONL_FILE, n)
        rec.label["warc_record_id"] = None
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return gzip_member(data)


# =================================================================================================
# Generate
# =================================================================================================


def generate(out_dir: Path, seed: int = SEED) -> dict:
    rng = random.Random(seed)
    stories = make_stories(rng)
    pages = make_pages(stories, rng)
    assign_most_read(pages, rng)
    recs = plan_records(pages, rng)

    new_id = Ids(seed * 7 + 1)
    crawl = out_dir / "crawl"
    labels_dir = out_dir / "labels"
    crawl.mkdir(parents=True, exist_ok=True)
    labels_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    for name in WARC_FILES:
        files[name] = write_warc(name, [r for r in recs if r.target == name], new_id)
    jsonl_recs = [r for r in recs if r.target == JSONL_FILE]
    files[JSONL_FILE] = write_jsonl(jsonl_recs)
    for name, data in files.items():
        (crawl / name).write_bytes(data)

    # duplicate_of: the first record (by file, offset) of the same page that is not itself a copy
    originals: dict[int, Rec] = {}
    for rec in sorted(recs, key=lambda r: (r.target, r.offset)):
        if rec.key is not None and rec.label["relation"] in ("original", "wire_copy"):
            originals.setdefault(rec.key.pid, rec)
    for rec in recs:
        if rec.label["relation"] in ("exact_dup", "url_variant"):
            rec.label["duplicate_of"] = originals[rec.key.pid].doc_id

    rows = []
    for rec in sorted(recs, key=lambda r: (r.target, r.offset)):
        rows.append({"doc_id": rec.doc_id, "source_file": rec.target, "source_offset": rec.offset,
                     "url": rec.url, "fetched_at": warc_date(rec.fetched) if rec.url else None} | rec.label)
    (labels_dir / "labels.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    story_rows = []
    for st in stories:
        docs = [r["doc_id"] for r in rows if r["story_id"] == st.sid]
        story_rows.append({
            "story_id": st.sid, "kind": st.kind, "topic": st.topic,
            "wire_agency": st.agency.label if st.agency else None,
            "home_site": st.home.host.removeprefix("www.") if st.home else None,
            "headline": st.headlines[0], "paragraphs": len(st.paragraphs),
            "hard_negative": st.hard_negative, "doc_ids": docs})
    (labels_dir / "stories.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in story_rows), encoding="utf-8")
    return {"rows": rows, "stories": story_rows}


# ---- --check ------------------------------------------------------------------------------------

def gzip_members(data: bytes) -> list[tuple[int, bool, bytes]]:
    """(offset, ok, content) per gzip member: decompressed bytes, or the raw bytes of a bad one."""
    out = []
    mv = memoryview(data)
    pos = 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        try:
            content = d.decompress(mv[pos:])
            if not d.eof:
                raise zlib.error("truncated member")
            end = len(data) - len(d.unused_data)
            out.append((pos, True, content))
            pos = end
        except zlib.error:
            nxt = pos
            while True:
                nxt = data.find(b"\x1f\x8b\x08", nxt + 1)
                if nxt < 0:
                    nxt = len(data)
                    break
                probe = zlib.decompressobj(31)
                try:
                    probe.decompress(mv[nxt:])
                    if probe.eof:
                        break
                except zlib.error:
                    continue
            out.append((pos, False, data[pos:nxt]))
            pos = nxt
    return out


def _logical_labels(text: str, offsets: dict[str, list[int]]) -> list[dict]:
    rows = [json.loads(line) for line in text.splitlines()]
    if rows and "doc_ids" in rows[0]:  # stories.jsonl: ids of corrupt records depend on offsets
        for r in rows:
            r["doc_ids"] = [d if not d.startswith("nodocid:") else "nodocid:*" for d in r["doc_ids"]]
        return rows
    by_pos = {name: {off: i for i, off in enumerate(offs)} for name, offs in offsets.items()}
    for r in rows:
        f = r["source_file"]
        if f in by_pos:
            r["source_offset"] = f"member#{by_pos[f][r['source_offset']]}"
            if r["doc_id"].startswith("nodocid:"):
                r["doc_id"] = f"nodocid:{f}#{r['source_offset']}"
    return rows


def compare(expected: Path, actual: Path) -> list[str]:
    """Differences between a fresh generation (`expected`) and the committed sample (`actual`)."""
    problems: list[str] = []
    notes: list[str] = []
    offsets: dict[str, tuple[list[int], list[int]]] = {}
    for sub, names in GENERATED.items():
        have = {p.name for p in (actual / sub).iterdir() if p.is_file()} if (actual / sub).is_dir() else set()
        if sub == "crawl":
            extra = sorted(have - set(names))
            if extra:
                problems.append(f"{sub}/: files the generator does not write: {', '.join(extra)}")
        for name in names:
            a, e = actual / sub / name, expected / sub / name
            if not a.is_file():
                problems.append(f"{sub}/{name}: missing")
                continue
            ab, eb = a.read_bytes(), e.read_bytes()
            if name.endswith(".gz"):
                am, em = gzip_members(ab), gzip_members(eb)
                offsets[name] = ([m[0] for m in em], [m[0] for m in am])
                if ab != eb:
                    if [(ok, c) for _, ok, c in am] == [(ok, c) for _, ok, c in em]:
                        notes.append(f"{sub}/{name}: same content, compressed differently (another zlib?)")
                    else:
                        problems.append(f"{sub}/{name}: content differs")
            elif ab != eb:
                if name in ("labels.jsonl", "stories.jsonl") and offsets:
                    warcs = [k for k in offsets if k in WARC_FILES]
                    exp_rows = _logical_labels(eb.decode("utf-8"), {k: offsets[k][0] for k in warcs})
                    try:
                        act_rows = _logical_labels(ab.decode("utf-8"), {k: offsets[k][1] for k in warcs})
                    except (KeyError, ValueError, TypeError, AttributeError):
                        act_rows = None
                    if exp_rows == act_rows:
                        notes.append(f"{sub}/{name}: same labels, offsets differ with the compression")
                        continue
                problems.append(f"{sub}/{name}: content differs")
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    return problems


# ---- main ---------------------------------------------------------------------------------------

def summary(result: dict, out_dir: Path) -> str:
    rows = result["rows"]
    rel = Counter(r["relation"] for r in rows)
    lines = [f"{len(rows)} documents ({len(result['stories'])} stories):"]
    lines += [f"  {k:16s} {v}" for k, v in sorted(rel.items())]
    variants = Counter(r["variant"] for r in rows if r["variant"])
    lines.append("  variants: " + ", ".join(f"{k}={v}" for k, v in sorted(variants.items())))
    reasons = Counter(r["reason"] for r in rows if r["reason"])
    lines.append("  rejects:  " + ", ".join(f"{k}={v}" for k, v in sorted(reasons.items())))
    lic = Counter(r["licence_expected"] for r in rows)
    lines.append("  licences: " + ", ".join(f"{k}={v}" for k, v in sorted(lic.items(), key=str)))
    total = 0
    for name in GENERATED["crawl"]:
        size = (out_dir / "crawl" / name).stat().st_size
        total += size
        lines.append(f"  {name:24s} {size:>9,d} bytes")
    lines.append(f"  {'total':24s} {total:>9,d} bytes")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="folder that gets crawl/ and labels/ (default: samples/)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate in a temporary folder and exit 1 if --out differs from it")
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory(prefix="dedup-sample-") as tmp:
            generate(Path(tmp))
            problems = compare(Path(tmp), args.out)
        if problems:
            print("sample is out of date (run `python scripts/make_sample.py`):", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
            return 1
        print(f"{args.out / 'crawl'} is up to date")
        return 0
    crawl = args.out / "crawl"
    if crawl.is_dir():  # the folder is generated: drop stale generated files
        for p in crawl.iterdir():
            if p.is_file() and p.name.startswith("sample-") and p.name not in GENERATED["crawl"]:
                p.unlink()
    with tempfile.TemporaryDirectory(prefix="dedup-sample-") as tmp:
        result = generate(Path(tmp))
        for sub, names in GENERATED.items():
            (args.out / sub).mkdir(parents=True, exist_ok=True)
            for name in names:
                shutil.copyfile(Path(tmp) / sub / name, args.out / sub / name)
    print(summary(result, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
