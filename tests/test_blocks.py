"""dedup.text.blocks and the cross-site pass of the pipeline: page chrome goes, story text stays.

- the seed page alone (`within_page`), verdict by verdict;
- the seed page crawled with four other pages of the same site (invented stories, the seed's chrome),
  end to end through `dedup.pipeline.build`;
- properties of the within-page and cross-site passes (hypothesis);
- the row functions on plain strings, and `site_chrome` on a hand-made frame;
- never across sites: a paragraph on six domains survives everywhere, a footer on one site goes.
"""

from __future__ import annotations

from collections import Counter

import json
import string
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import quick_and_full, shared_path
from dedup.text.blockkeys import block_key, block_norm
from dedup.text.blocks import (has_letters, DATE_LINE, LABEL_LINE, NO_LETTERS, REPEAT_IN_PAGE, apply_verdicts,
                               is_label_line, site_chrome, within_page)
from dedup.text.dates import is_date_line
from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.text.blocks import CROSS_SITE, SITE_CHROME, STORY_CHROME, final_blocks, site_rows
from dedup.text.normalise import normalise_text
from dedup.rights.attribution import is_wire_notice

# ----------------------------------------------------------------------------------------- helpers


def seed_blocks() -> list[str]:
    """The seed page as blocks: its non-empty lines, stripped."""
    text = shared_path("seed", "newsmax-reuters-page.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def build_out(inputs: list[Path], out: Path, **config) -> dict[str, pl.DataFrame]:
    build([str(p) for p in inputs], out, BuildConfig(**config), workers=1)
    return {name: pl.read_parquet(sorted((out / name).rglob("*.parquet")))
            for name in ("data", "duplicates", "rejects")}


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p]


# ----------------------------------------------------------------------------------------- 1. seed page alone

SEED_HEADLINE = "NKorea's Kim Talks Stronger Ties With Russia Defense Minister"
SEED_STORY = [
    "North Korean leader Kim Jong Un discussed practical issues in stepping up military cooperation with "
    "Russia's defense minister, state KCNA news agency said on Sunday.",
    "During his visit to Russia, Kim inspected Russian nuclear-capable strategic bombers, hypersonic missiles "
    "and warships on Saturday, accompanied by Russian defense minister Sergei Shoigu.",
    "Kim and Shoigu \"exchanged their constructive opinions on the practical issues arising in further "
    "strengthening the strategic and tactical coordination, cooperation and mutual exchange between the armed "
    "forces of the two countries and in the fields of their national defense and security,\" KCNA reported.",
    "Kim also toured Russia's Pacific Sea Fleet equipped with strategic nuclear submarines among other military "
    "vessels, KCNA said, quoting him as praising the fleet for its contribution to peace in the region.",
    "Earlier this month, North Korea launched its first operational \"tactical nuclear attack submarine.\"",
]
SEED_COPYRIGHT = "© 2023 Thomson/Reuters. All rights reserved."
SEED_EXPECTED = [SEED_HEADLINE, *SEED_STORY, SEED_COPYRIGHT]

KEEP = (True, None)
# Every block of the seed page and what `within_page` says about it (the page alone).
SEED_VERDICTS: list[tuple[str, tuple[bool, str | None]]] = [
    ("×", (False, NO_LETTERS)),
    ("Newsmax TV & Webwww.newsmax.comFREE - In Google Play", KEEP),
    ("VIEW", KEEP),
    ("×", (False, NO_LETTERS)),
    ("Newsmax TV & Webwww.newsmax.comFREE - On the App Store", KEEP),
    ("VIEW", (False, REPEAT_IN_PAGE)),
    ("WATCH TV LIVE", KEEP),
    ("Tags: sergei shoigu | kim jong un | military | russia | north korean | cooperation", (False, LABEL_LINE)),
    (SEED_HEADLINE, KEEP),
    ("Saturday, 16 September 2023 05:58 PM EDT", (False, DATE_LINE)),
    (SEED_STORY[0], KEEP),
    (SEED_STORY[1], KEEP),
    (SEED_STORY[2], KEEP),
    (SEED_STORY[3], KEEP),
    (SEED_STORY[4], KEEP),
    (SEED_COPYRIGHT, KEEP),
    ("Click Here to comment on this article", KEEP),
    ("Share", KEEP),
    ("GlobalTalk", KEEP),
    (SEED_STORY[0], (False, REPEAT_IN_PAGE)),  # the lead again, as a summary
    ("sergei shoigu, kim jong un, military, russia, north korean, cooperation", (False, REPEAT_IN_PAGE)),
    ("138", (False, NO_LETTERS)),
    ("2023-58-16", (False, DATE_LINE)),  # the garbled date of the metadata dump: a year and numbers only
    ("Saturday, 16 September 2023 05:58 PM", (False, REPEAT_IN_PAGE)),  # the date again, without timezone
    ("Newsmax Media, Inc.", KEEP),
    ("Sign up for Newsmax’s Daily Newsletter", KEEP),
    ("Receive breaking news and original analysis - sent right to your inbox.", KEEP),
    ("(Optional for Local News)", KEEP),
    ("Privacy: We never share your email address.", KEEP),
    ("Join the Newsmax Community", KEEP),
    ("Read and Post Comments", KEEP),
    ("Please review Community Guidelines before posting a comment.", KEEP),
    ("TOP", KEEP),
    ("Newsmax, Moneynews, Newsmax Health, and Independent. American. are registered trademarks of Newsmax "
     "Media, Inc. Newsmax TV, and Newsmax World are trademarks of Newsmax Media, Inc.", KEEP),
    # first footer: `© Newsmax Media, Inc.` has the words of the metadata line `Newsmax Media, Inc.`
    # above (a near repeat); the rest stays for the cross-site pass to judge
    ("NEWSMAX.COM", KEEP),
    ("© Newsmax Media, Inc.", (False, REPEAT_IN_PAGE)),
    ("All Rights Reserved", KEEP),
    # second footer
    ("NEWSMAX.COM", (False, REPEAT_IN_PAGE)),
    ("© Newsmax Media, Inc.", (False, REPEAT_IN_PAGE)),
    ("All Rights Reserved", (False, REPEAT_IN_PAGE)),
]


def test_seed_page_blocks_are_the_non_empty_lines():
    assert seed_blocks() == [b for b, _ in SEED_VERDICTS]


def test_seed_page_within_page_verdicts_exactly():
    blocks = seed_blocks()
    verdicts = within_page(blocks)
    got = [(b, (v.keep, v.reason)) for b, v in zip(blocks, verdicts)]
    assert got == SEED_VERDICTS


def test_seed_page_within_page_drops_the_repeats_and_keeps_the_story():
    blocks = seed_blocks()
    verdicts = within_page(blocks)

    def positions(text):
        return [i for i, b in enumerate(blocks) if b == text]

    def reasons(text):
        return [(verdicts[i].keep, verdicts[i].reason) for i in positions(text)]

    # the second footer: every second occurrence goes, as an in-page repeat
    for line in ("NEWSMAX.COM", "© Newsmax Media, Inc.", "All Rights Reserved"):
        assert reasons(line)[1] == (False, REPEAT_IN_PAGE), line
    # the repeated tag list, the repeated date line, the repeated lead
    assert reasons("sergei shoigu, kim jong un, military, russia, north korean, cooperation") == \
        [(False, REPEAT_IN_PAGE)]
    assert reasons("Saturday, 16 September 2023 05:58 PM") == [(False, REPEAT_IN_PAGE)]
    assert reasons(SEED_STORY[0]) == [KEEP, (False, REPEAT_IN_PAGE)]  # the first stays in place
    # the story: headline, five paragraphs, the wire's copyright line, in order
    kept, n_removed, chars = apply_verdicts(blocks, verdicts)
    assert [b for b in kept if b in SEED_EXPECTED] == SEED_EXPECTED
    assert n_removed == sum(not v.keep for v in verdicts) == 14
    assert chars == sum(len(b) for b, v in zip(blocks, verdicts) if not v.keep)


# ----------------------------------------------------------------------------------------- 2. the seed and its site

# The seed's chrome, line for line, around a story slot (checked against the seed below).
CHROME_TOP = [
    "×",
    "Newsmax TV & Webwww.newsmax.comFREE - In Google Play",
    "VIEW",
    "×",
    "Newsmax TV & Webwww.newsmax.comFREE - On the App Store",
    "VIEW",
    "",
    "WATCH TV LIVE",
    "",
]
CHROME_COMMENTS = ["", "", "Click Here to comment on this article", "Share", "GlobalTalk"]
CHROME_BOTTOM = [
    "Newsmax Media, Inc.",
    "",
    "Sign up for Newsmax’s Daily Newsletter",
    "",
    "Receive breaking news and original analysis - sent right to your inbox.",
    "",
    "(Optional for Local News)",
    "Privacy: We never share your email address.",
    "Join the Newsmax Community",
    "Read and Post Comments",
    "Please review Community Guidelines before posting a comment.",
    "\u00a0",
    "\u00a0",
    "TOP",
    "",
    "Newsmax, Moneynews, Newsmax Health, and Independent. American. are registered trademarks of Newsmax Media, "
    "Inc. Newsmax TV, and Newsmax World are trademarks of Newsmax Media, Inc.",
    "",
    "NEWSMAX.COM",
    "© Newsmax Media, Inc.",
    "All Rights Reserved",
    "NEWSMAX.COM",
    "© Newsmax Media, Inc.",
    "All Rights Reserved",
]


def newsmax_page(headline: str, tags: list[str], date: str, garbled_date: str, comments: int,
                 story: list[str]) -> str:
    """A page laid out like the seed: chrome, tags, headline, date, story, comment box, metadata dump
    (lead, tags, comment count, a garbled date, the date without timezone), newsletter, footer twice."""
    lines = [*CHROME_TOP, "Tags: " + " | ".join(tags), "", headline, "", date + " EDT", ""]
    for p in story:
        lines += [p, ""]
    lines += CHROME_COMMENTS
    lines += [story[0], ", ".join(tags), str(comments), garbled_date, date]
    lines += CHROME_BOTTOM
    return "\n".join(lines)


# Four invented stories (fictional places, people and companies).
OTHER_STORIES = [
    dict(
        headline="Ohio Town Votes to Rebuild Its Century-Old Covered Bridge",
        tags=["covered bridge", "ohio", "infrastructure", "local government"],
        date="Tuesday, 12 September 2023 03:14 PM", garbled_date="2023-14-12", comments=41,
        story=[
            "The village council of Millbrook Falls voted 5-2 on Monday night to spend $3.4 million restoring "
            "the wooden covered bridge that has carried traffic over Larkin Creek since 1911.",
            "Engineers told the council last spring that two of the bridge's oak trusses had rotted through, and "
            "the county closed the span to cars in June, sending drivers on a nine-mile detour.",
            "Mayor Ellen Strauss said the vote ended a year of argument over whether to replace the landmark "
            "with a concrete span. \"People here grew up with that bridge, and it is worth saving,\" she said.",
            "About half of the cost will come from a state historic preservation grant, with the rest drawn from "
            "a road levy that voters renewed in 2021.",
            "Work is expected to begin next April and to take about fourteen months, during which the bridge "
            "will stay closed to all traffic, including pedestrians.",
        ],
    ),
    dict(
        headline="Maker of Portable Space Heaters Recalls 40,000 Units Over Fire Risk",
        tags=["recall", "consumer safety", "space heaters", "fire"],
        date="Wednesday, 13 September 2023 11:02 AM", garbled_date="2023-02-13", comments=17,
        story=[
            "Hearthline Appliances is recalling about 40,000 portable ceramic heaters after receiving reports "
            "that the power cord can overheat where it enters the housing, the company said on Wednesday.",
            "The recall covers the HL-200 and HL-250 models sold at hardware stores and online between August "
            "2022 and July 2023 for between $45 and $70.",
            "The company said it had received eleven reports of melted cords, including two small fires that "
            "scorched carpets, but no reports of injuries.",
            "Owners should unplug the heaters immediately and contact Hearthline for a free replacement cord "
            "assembly or a full refund, the company said.",
        ],
    ),
    dict(
        headline="Storm Floods Coastal Roads as Residents Brace for a Second Surge",
        tags=["storm", "flooding", "coast", "weather", "evacuation"],
        date="Thursday, 14 September 2023 08:47 PM", garbled_date="2023-47-14", comments=86,
        story=[
            "Heavy rain and a strong onshore wind pushed seawater across low-lying roads in Pelican Bay County "
            "on Thursday, stranding dozens of cars and forcing the closure of two schools.",
            "Forecasters said the worst might still be ahead, with a second high tide expected early Friday "
            "morning that could raise water levels another foot along the harbor.",
            "County emergency managers opened three shelters and urged residents of the barrier island to leave "
            "before the causeway becomes impassable.",
            "\"We have seen water on these streets before, but not this fast,\" said fire chief Marcus Delgado, "
            "whose crews pulled four drivers from flooded vehicles during the afternoon.",
            "The local utility reported that roughly 12,000 customers were without power by evening, mostly in "
            "neighborhoods where crews could not yet reach downed lines.",
            "Officials said they would decide on Friday whether to reopen schools on Monday.",
        ],
    ),
    dict(
        headline="Museum Volunteers Uncover Rare Fossil Fish in Quarry Dig",
        tags=["fossil", "paleontology", "museum", "science"],
        date="Friday, 15 September 2023 09:30 AM", garbled_date="2023-30-15", comments=9,
        story=[
            "A team of weekend volunteers from the Harlan Natural History Museum has uncovered a nearly complete "
            "fossil of a lobe-finned fish in a limestone quarry north of the city.",
            "Curator Priya Natarajan said the specimen, about three feet long, appears to date from the late "
            "Devonian period, roughly 370 million years ago.",
            "\"Finding one this intact is extraordinary. Usually we get a jaw or a handful of scales,\" she said, "
            "adding that the volunteers spent eleven days freeing the slab from the rock face.",
            "The quarry's owner has agreed to donate the fossil to the museum, which plans to put it on display "
            "next summer after preparators clean and stabilize it.",
            "Researchers from two universities have asked to study the fish, which may shed light on how early "
            "vertebrates adapted to shallow water.",
        ],
    ),
]


def test_invented_pages_carry_exactly_the_seeds_chrome():
    seed = set(seed_blocks())
    chrome = {line.strip() for line in CHROME_TOP + CHROME_COMMENTS + CHROME_BOTTOM if line.strip()}
    assert chrome <= seed
    # and the seed is exactly: its chrome + its own story, tags, dates and counts
    own = {SEED_HEADLINE, *SEED_STORY, SEED_COPYRIGHT, "Saturday, 16 September 2023 05:58 PM EDT",
           "Saturday, 16 September 2023 05:58 PM", "2023-58-16", "138",
           "Tags: sergei shoigu | kim jong un | military | russia | north korean | cooperation",
           "sergei shoigu, kim jong un, military, russia, north korean, cooperation"}
    assert seed == chrome | own


@pytest.fixture(scope="module")
def newsmax_build(tmp_path_factory) -> dict[str, pl.DataFrame]:
    tmp = tmp_path_factory.mktemp("newsmax")
    seed_text = shared_path("seed", "newsmax-reuters-page.txt").read_text("utf-8")
    records = [{"id": "nm-seed", "url": "https://www.newsmax.com/newsfront/kim-shoigu-russia/2023/09/16/id/1134",
                "text": seed_text}]
    for i, s in enumerate(OTHER_STORIES):
        slug = "-".join(s["headline"].lower().split()[:4])
        records.append({"id": f"nm-{i}", "url": f"https://www.newsmax.com/us/{slug}/2023/09/1{2 + i}/id/{200 + i}",
                        "text": newsmax_page(**s)})
    crawl = write_jsonl(tmp / "crawl.jsonl", records)
    return build_out([crawl], tmp / "out")


def test_seed_crawled_with_its_site_keeps_exactly_the_story(newsmax_build):
    data = newsmax_build["data"]
    assert data.height == 5 and newsmax_build["duplicates"].height == 0 and newsmax_build["rejects"].height == 0
    text = data.filter(pl.col("doc_id") == "nm-seed")["text"].item()
    assert paragraphs(text) == SEED_EXPECTED


def test_other_pages_of_the_site_keep_headline_and_story(newsmax_build):
    data = newsmax_build["data"]
    for i, s in enumerate(OTHER_STORIES):
        text = data.filter(pl.col("doc_id") == f"nm-{i}")["text"].item()
        assert paragraphs(text) == [s["headline"], *s["story"]], s["headline"]


def test_wire_copyright_line_survives_when_the_site_runs_several_wire_stories(tmp_path):
    seed_text = shared_path("seed", "newsmax-reuters-page.txt").read_text("utf-8")
    records = [{"id": "nm-seed", "url": "https://www.newsmax.com/newsfront/kim-shoigu-russia/2023/09/16/id/1134",
                "text": seed_text}]
    for i, s in enumerate(OTHER_STORIES):
        s = dict(s)
        if i < 2:  # two more Reuters stories on the site, with the wire's notice at the end of the story
            s["story"] = [*s["story"], SEED_COPYRIGHT]
        url = f"https://www.newsmax.com/world/story-{i}/2023/09/1{2 + i}/id/{300 + i}"
        records.append({"id": f"nm-{i}", "url": url, "text": newsmax_page(**s)})
    crawl = write_jsonl(tmp_path / "crawl.jsonl", records)
    data = build_out([crawl], tmp_path / "out")["data"]
    text = data.filter(pl.col("doc_id") == "nm-seed")["text"].item()
    assert paragraphs(text) == SEED_EXPECTED


# ----------------------------------------------------------------------------------------- 3. properties

WORDS = ("kim russia council bridge storm fossil heater recall minister vote flood museum county engineers "
         "said on the a of and in to with for after before volunteers tide defense navy").split()
sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(
    lambda ws: " ".join(ws).capitalize() + ".")
digits_lines = st.integers(0, 10**6).map(str)
date_lines = st.builds(
    lambda wd, d, m, y, h, mi, ampm, tz: f"{wd}, {d} {m} {y} {h:02d}:{mi:02d} {ampm}{tz}",
    st.sampled_from(["Monday", "Saturday", "Sun"]), st.integers(1, 31),
    st.sampled_from(["September", "Jan", "May"]), st.integers(1990, 2030), st.integers(0, 12),
    st.integers(0, 59), st.sampled_from(["AM", "PM"]), st.sampled_from(["", " EDT", " UTC"]))
tag_lines = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(lambda ws: "Tags: " + " | ".join(ws))
noise = st.text(alphabet=string.ascii_letters + string.digits + " ,.-©|:'", min_size=1, max_size=40)
fresh_block = st.one_of(sentences, sentences, digits_lines, date_lines, tag_lines, noise).map(str.strip).filter(bool)


@st.composite
def pages(draw) -> list[str]:
    """Blocks with repeats: some draws copy an earlier block, verbatim or re-cased/re-punctuated."""
    blocks: list[str] = []
    for _ in range(draw(st.integers(0, 25))):
        if blocks and draw(st.integers(0, 3)) == 0:
            earlier = draw(st.sampled_from(blocks))
            blocks.append(draw(st.sampled_from([earlier, earlier.upper(), earlier.rstrip(".") + "!"])))
        else:
            blocks.append(draw(fresh_block))
    return blocks


def page_pass(blocks: list[str]) -> list[str]:
    return apply_verdicts(blocks, within_page(blocks))[0]


@quick_and_full(100, 300)
def test_within_page_is_idempotent_order_keeping_and_keeps_first_occurrences(examples):
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(pages())
    def check(blocks):
        verdicts = within_page(blocks)
        assert len(verdicts) == len(blocks)
        once, n_removed, chars = apply_verdicts(blocks, verdicts)
        twice = page_pass(once)
        assert twice == once  # the second pass removes nothing more
        assert n_removed == len(blocks) - len(once) and chars == sum(map(len, blocks)) - sum(map(len, once))
        assert len("\n\n".join(once)) <= len("\n\n".join(blocks))
        kept_at = [i for i, v in enumerate(verdicts) if v.keep]
        assert [blocks[i] for i in kept_at] == once  # kept blocks in their order (a subsequence)
        for v in verdicts:
            assert v.keep == (v.reason is None)
        # a block seen exactly twice (case and spacing folded) keeps at most its first occurrence;
        # one seen three times or more is the page's structure and keeps every occurrence
        local = [" ".join(b.lower().split()) for b in blocks]
        counts = Counter(local)
        first_of: dict[str, int] = {}
        for i, k in enumerate(local):
            first_of.setdefault(k, i)
        for i in kept_at:
            if counts[local[i]] == 2:
                assert first_of[local[i]] == i
            if counts[local[i]] >= 3:
                assert all(verdicts[j].keep for j, k in enumerate(local) if k == local[i] and has_letters(blocks[j]))
    check()


# blocks over a small vocabulary, some of them words of an earlier block reordered, dropped or added to:
# near repeats of every size around the 90 % containment and 1.5x size bounds
_vocabulary = st.sampled_from("the a story said on of minister reuters vote court 2023 market 这是 新闻 图片".split())


@st.composite
def near_pages(draw) -> list[str]:
    blocks: list[str] = []
    for _ in range(draw(st.integers(0, 90))):
        if blocks and draw(st.booleans()):
            words = draw(st.sampled_from(blocks)).split()
            words = draw(st.permutations(words))[:len(words) - draw(st.integers(0, 2))]
            words = words + draw(st.lists(_vocabulary, max_size=3))
        else:
            words = draw(st.lists(_vocabulary, min_size=1, max_size=20))
        blocks.append(" ".join(words) or "x")
    return blocks


@quick_and_full(100, 300)
def test_within_page_comparing_every_earlier_block_gives_the_postings_answers(examples, monkeypatch):
    """A page of few blocks compares each block with every earlier one (`_near_repeat_any`), a longer one
    through the token postings (`_near_repeat`): the same verdicts on any page (the pages drawn here reach
    90 blocks: beyond NEAR_REPEAT_EVERY_BLOCKS both ways are asked), and on the seed page."""
    import dedup.text.blocks as blocks_module

    def both(blocks: list[str]) -> None:
        every = within_page(blocks)
        with monkeypatch.context() as m:
            m.setattr(blocks_module, "NEAR_REPEAT_EVERY_BLOCKS", -1)
            postings = within_page(blocks)
        with monkeypatch.context() as m:
            m.setattr(blocks_module, "NEAR_REPEAT_EVERY_BLOCKS", 10**9)
            assert within_page(blocks) == postings == every

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(near_pages())
    def check(blocks):
        both(blocks)

    check()
    both(seed_blocks())
    assert any(v.reason == REPEAT_IN_PAGE for v in within_page(["the vote said a b c d e f g h"] * 1 + [
        "a b c d e f g h the vote said x"]))


@quick_and_full(70, 200)
def test_cross_site_pass_is_idempotent_and_never_lengthens(examples):
    @settings(max_examples=examples, deadline=None)
    @given(pages(), st.data())
    def check(blocks, data):
        once_page = page_pass(blocks)
        keys = [block_key(b) for b in once_page]
        chrome_keys = set(data.draw(st.lists(st.sampled_from(keys), unique=True))) if keys else set()
        chrome_keys |= set(data.draw(st.lists(st.integers(-2**63, 2**63 - 1), max_size=3)))
        domain = data.draw(st.sampled_from(["news.example", "", None]))
        lookup = {domain or "": chrome_keys, "other.example": {block_key(b) for b in once_page}}
        kept, reasons, chars = final_blocks(once_page, keys, domain, lookup)
        assert len(reasons) == len(once_page) - len(kept) and set(reasons) <= {SITE_CHROME}
        assert chars == sum(map(len, once_page)) - sum(map(len, kept))
        assert len("\n\n".join(kept)) <= len("\n\n".join(once_page))
        assert all(block_key(b) not in chrome_keys for b in kept)
        it = iter(once_page)
        assert all(any(b == x for x in it) for b in kept)  # a subsequence: order kept
        again, n2, c2 = final_blocks(kept, [block_key(b) for b in kept], domain, lookup)
        assert again == kept and n2 == [] and c2 == 0
        # and the within-page pass after the cross-site one removes nothing more either
        assert page_pass(kept) == kept
    check()


def _final_blocks_by_union(blocks, keys, domain, chrome, title=None, headings=None):
    """The cross-site rule as first written: the union of the site's and the cross-site keys, less the
    headings, and every block whose key is in it removed unless it is the headline or a wire notice."""
    if not blocks:
        return [], [], 0
    own = chrome.get(domain or "", set())
    drop = own | chrome.get(CROSS_SITE, set())
    drop -= set(headings or ())
    headline = normalise_text(title) if title and len(title.split()) >= 4 else None
    gone = [k in drop and not (headline and normalise_text(b) == headline) and not is_wire_notice(b)
            for b, k in zip(blocks, keys or [None] * len(blocks))]
    removed = [b for b, g in zip(blocks, gone) if g]
    reasons = [SITE_CHROME if k in own else STORY_CHROME for k, g in zip(keys or (), gone) if g]
    return [b for b, g in zip(blocks, gone) if not g], reasons, sum(map(len, removed))


_NOTICES = ["© 2023 Thomson Reuters. All rights reserved.", "Copyright 2012 The Associated Press. All rights reserved."]


@quick_and_full(70, 200)
def test_cross_site_pass_is_the_union_rule(examples):
    @settings(max_examples=examples, deadline=None)
    @given(pages(), st.data())
    def check(blocks, data):
        blocks = blocks + data.draw(st.lists(st.sampled_from(_NOTICES), max_size=2))
        keys = [block_key(b) for b in blocks]
        pick = st.lists(st.sampled_from(keys), unique=True) if keys else st.just([])
        domain = data.draw(st.sampled_from(["news.example", "", None]))
        lookup = {domain or "": set(data.draw(pick))}
        if data.draw(st.booleans()):
            lookup[CROSS_SITE] = set(data.draw(pick))
        headings = data.draw(pick) or None
        title = data.draw(st.sampled_from([None, "Short title", *blocks[:3]]))
        assert final_blocks(blocks, keys, domain, lookup, title, headings) == \
            _final_blocks_by_union(blocks, keys, domain, lookup, title, headings)
    check()


# ----------------------------------------------------------------------------------------- 4. row functions


def test_block_norm_and_key_fold_years_case_punctuation_and_spacing():
    assert block_norm("© 2023 Example Media") == block_norm("© 2024 Example Media") == "0 example media"
    assert block_key("© 2023 Example Media") == block_key("© 2024 Example Media")
    assert block_key("Sign up for our   NEWSLETTER!") == block_key("sign up, for our newsletter")
    assert block_key("  All Rights Reserved\t") == block_key("all rights reserved.")
    assert block_key("Ａｌｌ Ｒｉｇｈｔｓ Ｒｅｓｅｒｖｅｄ") == block_key("All Rights Reserved")  # NFKC (full width)
    assert block_key("All Rights Reserved") != block_key("Some Rights Reserved")
    assert block_key("© 2023 Example Media") != block_key("© 2023 Example News")
    key = block_key("anything")
    assert isinstance(key, int) and -2**63 <= key < 2**63


def _norm_reference(block: str) -> str:
    """The definition of `block_norm` (its general path): NFKC, lower, digit runs -> 0, [\\W_]+ -> space."""
    import re
    import unicodedata

    text = re.sub(r"\d+", "0", unicodedata.normalize("NFKC", block).lower())
    return re.sub(r"[\W_]+", " ", text).strip()


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=127)), st.text()))
def test_block_norm_fast_ascii_path_agrees_with_the_definition(block):
    assert block_norm(block) == _norm_reference(block)


def test_ascii_and_non_ascii_spellings_share_a_key():
    # one goes through the ASCII fast path, the other through NFKC
    assert block_key("Sign up - it's free") == block_key("Sign up \u2014 it\u2019s free")
    assert block_key("All Rights Reserved") == block_key("All\u00a0Rights Reserved\u00a0")
    assert block_key("Page 2023") == block_key("Page \u0662\u0660\u0662\u0663")  # Arabic-Indic digits


@pytest.mark.parametrize("line", [
    "Saturday, 16 September 2023 05:58 PM EDT",
    "Saturday, 16 September 2023 05:58 PM",
    "Published September 18, 2023",
    "September 01, 2023 at 01:47 AM",
    "2023-58-16",
    "Updated: 2023-09-16 17:58 UTC",
    "Sept. 18, 2023 1:47 a.m. ET".replace(" ET", " EDT"),
    "Last modified on 18/09/2023",
    # other languages and scripts (issue 12, round 14): what `find_dates` reads, with only words of dates beside it
    "23.10.2018",
    "Dienstag, 4. Juni 2019, 15:54",
    "Veröffentlicht am 04.06.2019 um 15:54 Uhr",
    "Stand: 04.06.2019",
    "Publié le 12 février 2021 à 10h30",
    "Mis à jour le 3 mars 2020",
    "martes, 4 de junio de 2019",
    "5 января 2023 г.",
    "2023年1月5日",
    "2023年1月5日（木） 10:30",
    "2022년 5월 3일",
    # round 20: scripts with vowel signs and their own digits (Bengali, Devanagari, Arabic), Ukrainian
    "শনিবার, আগস্ট ২৯, ২০২০ | ১০:৪৬ পূর্বাহ্ণ",
    "প্রকাশিত: ২৯ আগস্ট ২০২০, ১০:৪৬",
    "প্রকাশ: ০৫ জানুয়ারি ২০২৩",  # 'য়' as one character
    "प्रकाशित: 12 मार्च 2021, 10:30 AM",
    "शनिवार, १२ मार्च २०२१",
    "الخميس 5 يناير 2023",
    "نشر في ٥ يناير ٢٠٢٣ - 10:30 ص",
    "Опубліковано: 5 січня 2023",
])
def test_is_date_line_true(line):
    assert is_date_line(line)


@pytest.mark.parametrize("line", [
    "On 16 September 2023 Kim met Shoigu in Vladivostok.",
    "The council will vote on September 18, 2023 at 7 PM.",
    "Published in 2023, the report found 40 cases.",
    "Kim arrived on Saturday at 10 AM local time.",
    "September",  # no number
    "Saturday",
    "",
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",  # longer than any date line
    # a date inside a sentence, or beside words that are not words of dates, stays
    "Am 4. Juni 2019 trat er nach zwölf Jahren im Amt zurück.",
    "Berlin, 4. Juni 2019",
    "Le 5 janvier 2023, le gouvernement a annoncé",
    "2023年1月5日，北京发布了新规定",
    "Preis: 12.02.2020",
    "Juni 2019",  # no day: no date `find_dates` reads
    # English words only: the English rule decides as before ('26th' and '9:15AM' are no words of its vocabulary;
    # dragnet's gold keeps such blog stamps)
    "Posted July 26th, 2011",
    "Friday, October 19, 2012 at 9:15AM",
    # a date in a sentence of a script with vowel signs (round 20)
    "শনিবার, আগস্ট ২৯, ২০২০ সালে ঢাকায় বৈঠক হয়",  # the date in a sentence ("... a meeting was held in Dhaka")
    "१२ मार्च २०२१ को सरकार ने नई नीति की घोषणा की",
    "في 5 يناير 2023 أعلنت الحكومة",
])
def test_is_date_line_false(line):
    assert not is_date_line(line)


@pytest.mark.parametrize("line", [
    "Tags: sergei shoigu | kim jong un | military",
    "TAGS: a, b",
    "Tag | politics",
    "Topics: Elections",
    "Keywords: flood, storm",
    "Filed under: World News",
    "Category: Science",
    "Categories: Science, Nature",
    "Related Topics: Russia",
    "More on: North Korea",
    "  tags : x",
])
def test_is_label_line_true(line):
    assert is_label_line(line)


@pytest.mark.parametrize("line", [
    "Tags are small labels that readers rarely click.",
    "The tags: many of them were wrong.",
    "sergei shoigu, kim jong un, military",
    "Topics to watch this week include the storm.",
    "Tags: " + "word | " * 80,  # far too long for a label list
])
def test_is_label_line_false(line):
    assert not is_label_line(line)


def test_site_chrome_counts_stories_per_domain():
    rows = []
    # block 1: in three different stories of a.example -> chrome there
    rows += [(f"a{i}", "a.example", i, 1) for i in range(3)]
    # block 2: on five domains, once each -> never chrome
    rows += [(f"d{i}", f"site{i}.example", 100 + i, 2) for i in range(5)]
    # block 3: one story (same story id) on four pages of a.example -> not chrome
    rows += [(f"s{i}", "a.example", 50, 3) for i in range(4)]
    # block 4: two stories only -> not chrome
    rows += [("a0", "a.example", 0, 4), ("a1", "a.example", 1, 4)]
    # block 5: three stories, but on three different domains -> not chrome
    rows += [(f"e{i}", f"other{i}.example", 200 + i, 5) for i in range(3)]
    occ = pl.DataFrame(rows, schema={"doc_id": pl.String, "domain": pl.String, "story": pl.Int64,
                                     "block_key": pl.Int64}, orient="row")
    out = site_chrome(occ, min_stories=3)
    assert out.columns == ["domain", "block_key", "pages", "stories"]
    assert out.select("domain", "block_key", "pages", "stories").rows() == [("a.example", 1, 3, 3)]
    # the threshold is a count of stories, not pages
    assert site_chrome(occ, min_stories=2).filter(pl.col("block_key") == 4).height == 1
    assert site_chrome(occ, min_stories=2).filter(pl.col("block_key") == 3).height == 0


# ----------------------------------------------------------------------------------------- 5. never across sites

SHARED_PARAGRAPH = (
    "The regional water authority said on Tuesday that the Greywater Reservoir had fallen to 31 percent of "
    "capacity, its lowest level since records began, and asked households in eleven towns to limit garden "
    "watering to two evenings a week until the autumn rains arrive."
)
# (headlines that differ in words: `block_key` folds digits, so 'Headline 1' / 'Headline 2' share a key)
COURIER_HEADLINES = ["Ferry timetable changes anger commuters", "School board delays library vote",
                     "Harvest festival returns to the square", "Council approves new cycle lanes downtown"]
SITE_FOOTER = "Copyright Lakeside Daily Courier. Reproduction without written permission is prohibited."


def invented_story(seed: int, n_sentences: int = 9) -> list[str]:
    """A few paragraphs of invented, mutually different sentences (no two seeds share a 5-gram)."""
    import random

    rng = random.Random(seed)
    subjects = ["The mayor", "A spokeswoman", "Local farmers", "The committee", "Two residents", "The agency",
                "Shop owners", "The school board", "Volunteers", "The sheriff"]
    verbs = ["said", "warned", "argued", "reported", "confirmed", "denied", "suggested", "promised"]
    objects = ["the budget", "the new road", "the harvest", "the festival", "the ferry", "the clinic",
               "the hiring freeze", "the library", "the bus routes", "the wind farm", "the rent rules"]
    tails = ["would be delayed", "was on schedule", "had drawn complaints", "needed more money",
             "would open next month", "was under review", "had exceeded forecasts", "would be put to a vote"]
    sents = [f"{rng.choice(subjects)} {rng.choice(verbs)} that {rng.choice(objects)} {rng.choice(tails)} "
             f"in case {seed}-{k}, according to notes number {rng.randint(100, 999)}." for k in range(n_sentences)]
    return [" ".join(sents[i:i + 3]) for i in range(0, len(sents), 3)]


def test_a_paragraph_on_many_sites_survives_and_one_sites_footer_goes(tmp_path):
    records = []
    for i in range(6):  # the paragraph on six domains, one page each, inside different stories
        story = invented_story(i)
        body = [f"Headline number {i} about regional affairs", story[0], SHARED_PARAGRAPH, *story[1:]]
        records.append({"id": f"p{i}", "url": f"https://news{i}.example/story/{i}", "text": "\n".join(body)})
    for i in range(len(COURIER_HEADLINES)):  # four pages (>= site_min_stories) of one site with its footer
        story = invented_story(100 + i)
        body = [COURIER_HEADLINES[i], *story, SITE_FOOTER]
        records.append({"id": f"c{i}", "url": f"https://www.lakeside-courier.example/local/{i}",
                        "text": "\n".join(body)})
    crawl = write_jsonl(tmp_path / "crawl.jsonl", records)
    t = build_out([crawl], tmp_path / "out")
    data = t["data"]
    assert t["rejects"].height == 0
    texts = dict(data.select("doc_id", "text").iter_rows())
    # every page is its own story here: nothing merges, so every page is canonical
    assert sorted(texts) == sorted(r["id"] for r in records)
    for i in range(6):
        assert SHARED_PARAGRAPH in paragraphs(texts[f"p{i}"]), f"p{i}"
        assert paragraphs(texts[f"p{i}"])[1] == SHARED_PARAGRAPH  # its headline is the title, not text
    for i in range(len(COURIER_HEADLINES)):
        got = paragraphs(texts[f"c{i}"])
        assert SITE_FOOTER not in got
        assert got == invented_story(100 + i)
    boiler = pl.read_parquet(sorted((tmp_path / "out" / "boilerplate").glob("*.parquet")))
    site = site_rows(boiler).filter(pl.col("domain") != "*")
    assert site["domain"].to_list() == ["lakeside-courier.example"]
    assert site["sample_text"].to_list() == [SITE_FOOTER]
    assert site["action"].to_list() == ["removed_site_chrome"]
    # the six headlines differ only in their number (folded in the key), but each is its page's title (its first
    # line, then the article's text) and leaves the text at extraction: no headline is counted across sites
    cross = site_rows(boiler).filter(pl.col("domain") == "*")
    assert cross["action"].to_list() == ["cross_story_repeat"] * cross.height and cross.height <= 1


def test_cross_story_chrome_needs_different_stories_on_different_sites():
    from dedup.text.blocks import CROSS_SITE, cross_story_chrome

    ad, syndicated, one_site = block_key("Advertisement"), block_key("The mayor spoke"), block_key("Weather")
    rows = [(doc, doc, f"site{doc}.example", ad) for doc in range(4)]  # 4 stories on 4 sites
    rows += [(10 + doc, 99, f"site{doc}.example", syndicated) for doc in range(6)]  # one story on 6 sites
    rows += [(20 + doc, 20 + doc, "onesite.example", one_site) for doc in range(6)]  # 6 stories, one site
    short = pl.DataFrame(rows, schema={"doc": pl.Int32, "story": pl.Int64, "domain": pl.String, "block_key": pl.Int64},
                         orient="row")
    got = cross_story_chrome(short)
    assert got["domain"].to_list() == [CROSS_SITE]
    assert got["block_key"].to_list() == [ad]
    assert got["stories"].to_list() == [4] and got["pages"].to_list() == [4]


def test_a_section_heading_many_stories_share_stays_where_it_heads_the_article(tmp_path):
    """"Conclusion" heads the closing part of five different stories on five sites: counted as
    cross-story chrome (a short line in 4+ stories on 3+ sites), it stays in each page's text, where an
    <h2> followed by article text makes it a section heading."""
    from dedup.text.blocks import CROSS_SITE

    records = []
    for i in range(5):
        story = invented_story(200 + i)
        body = "".join(f"<p>{p}</p>" for p in story[:2]) + "<h2>Conclusion</h2>" + f"<p>{story[2]}</p>"
        html = (f"<html><head><title>Regional report {i}</title></head><body><h1>Regional report {i} on "
                f"county affairs</h1><article>{body}</article></body></html>")
        records.append({"id": f"s{i}", "url": f"https://news{i}.example/2020/report-{i}", "html": html})
    crawl = write_jsonl(tmp_path / "crawl.jsonl", records)
    t = build_out([crawl], tmp_path / "out")
    texts = dict(t["data"].select("doc_id", "text").iter_rows())
    assert sorted(texts) == [f"s{i}" for i in range(5)]
    boiler = pl.read_parquet(sorted((tmp_path / "out" / "boilerplate").glob("*.parquet")))
    cross = boiler.filter(pl.col("domain") == CROSS_SITE)
    assert block_key("Conclusion") in cross["block_key"].to_list()  # without the rule it would go
    for i in range(5):
        got = paragraphs(texts[f"s{i}"])
        assert "Conclusion" in got and got[got.index("Conclusion") + 1] == invented_story(200 + i)[2]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("newslterNEWSLTRboíÍnfoucwzpDS K\u212a\u017f\u0130\u0131é"), max_size=30)
       | st.sampled_from(["NEWSLETTER", "Our NewsLetter", "infolettre", "Boletín", "BOLETÍN", "nieuwsbrief"]))
def test_caseless_search_is_the_ignorecase_search(text):
    import re

    from dedup.text.lineguards import _NEWSLETTER_WORD
    from dedup.text.normalise import caseless_search
    assert caseless_search(text, _NEWSLETTER_WORD) == (_NEWSLETTER_WORD.search(text) is not None)
    word = re.compile(r"k|s|i", re.I)  # letters with non-ASCII case partners (Kelvin sign, long s, dotless i)
    assert caseless_search(text, word) == (word.search(text) is not None)


def test_near_repeats_in_a_script_without_spaces():
    # the lead repeated as a summary with a word changed and its dateline dropped, a Japanese caption again
    # with another closing mark: counted by spaces each was a few clause-long "words", one of them changed
    lead = ("新华社北京1月5日电 国务院总理今天主持召开国务院常务会议，部署进一步做好稳就业工作，"
            "会议指出，就业是最大的民生，要把稳就业摆在更加突出的位置。")
    other = "会议要求，各地区各部门要加大对中小微企业的支持力度，落实好减税降费政策，帮助企业渡过难关。"
    summary = ("国务院总理今日主持召开国务院常务会议，部署进一步做好稳就业工作，"
               "会议指出，就业是最大的民生，要把稳就业摆在更加突出的位置。")
    caption = "東京・上野公園で満開になった桜を楽しむ花見客（５日午後）"
    blocks = [lead, other, caption, summary, "東京・上野公園で満開になった桜を楽しむ花見客＝５日午後", "会议还研究了其他事項。"]
    verdicts = within_page(blocks)
    assert [v.keep for v in verdicts] == [True, True, True, False, False, True]
    assert verdicts[3].reason == REPEAT_IN_PAGE
    # two different paragraphs of one story are not repeats of each other, nor two short menu items
    assert all(v.keep for v in within_page([lead, other, "国内新闻", "国际新闻", "要闻", "要闻导读"]))
    # numbers count, as in 'Step 1', 'Step 2' (a real Common Crawl page's list, numbers and names in it)
    assert all(v.keep for v in within_page(["001期小绵羊下注一万,信心100%", "005期小绵羊下注一万,信心100%"]))
    # the same line again with a space more is a repeat (a real page's 'add us on QQ' line)
    assert [v.keep for v in within_page(["加QQ：215138693 跟上资料让你在家不用忧愁", "加QQ：215138693跟上资料让你在家不用忧愁"])] \
        == [True, False]


def test_within_page_drops_date_lines_of_other_languages_and_keeps_dates_in_sentences():
    """A German shop blog's lines (trafilatura-eval's otto.de page: its date line stood alone under the headline),
    a Russian and a Japanese date line: dropped as date lines; dates inside the story's sentences stay."""
    blocks = [
        "Dienstag, 4. Juni 2019, 15:54",
        "Die Strohtasche ist der Sommer-Klassiker schlechthin und passt zu fast jedem Look.",
        "Am 4. Juni 2019 zeigten wir die schönsten Modelle der Saison, von der Clutch bis zum Shopper.",
        "5 января 2023 г.",
        "2023年1月5日（木） 10:30",
        "Stand: 04.06.2019",
    ]
    verdicts = within_page(blocks)
    assert [v.reason for v in verdicts] == [DATE_LINE, None, None, DATE_LINE, DATE_LINE, DATE_LINE]


def test_a_bengali_date_line_on_a_real_unseen_page():
    """trafilatura-eval's ukbdnews.com story (half A of `--split text8`): its date line under the headline, Bengali
    weekday, month and digits, is dropped by the within-page pass; the story's lines stay."""
    import gzip

    from dedup.text.extract import extract_html

    root = shared_path("corpora", "trafilatura-eval")
    notes = json.loads((root / "evaldata.json").read_text("utf-8"))
    url = next(u for u in notes if u.startswith("https://ukbdnews.com/2020/08/23646"))
    blocks = extract_html(gzip.decompress((root / notes[url]["file"]).read_bytes()), url).blocks
    verdicts = within_page(blocks)
    dropped = [(b, v.reason) for b, v in zip(blocks, verdicts) if not v.keep and v.reason != NO_LETTERS]
    assert dropped == [("| শনিবার, আগস্ট ২৯, ২০২০ | ১০:৪৬ পূর্বাহ্ণ", DATE_LINE)]  # (beside a view counter: no letters)


_DATE_PIECES = st.lists(st.sampled_from(
    ["Dienstag,", "4.", "Juni", "2019", "15:54", "Uhr", "am", "23.10.2018", "5", "января", "2023", "г.", "2023年1月5日",
     "（木）", "Publié", "le", "12", "février", "à", "10h30", "|", "Stand:", "de", "junio", "Posted", "July", "26th,",
     "9:15AM", "-", ","]), min_size=1, max_size=10).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_DATE_PIECES, st.sampled_from(["flood", "Barrier", "Millbrook", "sagte", "annonce"]))
def test_a_date_beside_words_of_a_sentence_is_no_date_line(line, word):
    """A date line is a date and words of dates only: one word of a sentence before or after it, and it stays text;
    within_page drops a block only, never rewrites one."""
    assert not is_date_line(f"{word} {line}") and not is_date_line(f"{line} {word}")
    for block in (f"{word} {line}", f"{line} {word}"):
        assert within_page([block])[0].keep
    alone = within_page([line])[0]
    assert alone.keep or alone.reason in (DATE_LINE, NO_LETTERS)


def test_page_removals_count_pages_keep_the_smallest_text_and_skip_the_headline():
    from dedup.text.blocks import merge_page_removals, page_removals

    docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "domain": ["x.example", "x.example", "y.example"],
                         "removed_blocks": [["Advertisement", "ADVERTISEMENT", "The Headline"], ["Advertisement"],
                                            ["Share this"]],
                         "removed_reasons": [["chrome_label", "chrome_label", "headline"], ["chrome_label"],
                                             ["block_model"]]})
    one = page_removals(docs[:2])
    assert one.rows() == [("x.example", block_key("Advertisement"), "chrome_label", 2, "ADVERTISEMENT")]
    both = merge_page_removals([page_removals(docs[2:]), one, page_removals(docs[1:2])])
    assert both.filter(pl.col("domain") == "x.example")["pages"].to_list() == [3]  # pages add up across parts
    assert both.filter(pl.col("domain") == "y.example")["action"].to_list() == ["block_model"]
    assert page_removals(docs.clear()).height == 0
