"""Passages (long shared sentences) as near-duplicate evidence, and server-generated pages.

- a trimmed cut, a write-thru with a new top and an outlet's edit ("Mr", British spelling) of a story
  are copies by their passages, whatever chrome each copy carries;
- two different stories that share a quoted paragraph, a standard wire line or two same-event
  sentences are not;
- redirect and error pages are server pages; a story whose headline says "Found" or "Forbidden" is not;
- on one site, a write-thru at a new URL is a copy by its passages too (from more paragraphs than across
  sites), while two stories carrying the site's standing paragraphs (a bio, a disclaimer, a newsletter
  blurb) are not;
- on real article text (../shared/corpora), every trimmed and outlet-edited copy is found, and no two
  different articles are.
"""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import quick_and_full, shared_path
from dedup.neardup.lsh import VerifyParams, verify_passages
from dedup.neardup.passages import SITE_MIN_SHARED_WORDS, copies_by_passages, shared, shared_figures
from dedup.text.sentences import PASSAGE_MIN_WORDS, passages, sentence_ends, sentence_size, sentence_words
from dedup.text.serverpages import is_status_page

COVERAGE = VerifyParams().passage_coverage  # the default rule
SITE_PARAGRAPHS = VerifyParams().passage_site_paragraphs

STORY = [
    "WILSON, N.Y. (AP) - An early morning blast leveled a house in western New York on Tuesday, killing a girl "
    "and injuring four other members of her family, authorities said.",
    "Niagara County Undersheriff Michael Filicetti said the blast occurred around 6 a.m. Tuesday at a home in "
    "the rural town of Wilson. The cause was under investigation.",
    "Sarah Johnson's body was found in the debris at the rear of the home, Filicetti said. Authorities weren't "
    "sure whether she had been asleep when the house exploded.",
    "Filicetti said her parents and two siblings were blown clear and were found in the front yard by the first "
    "deputies to arrive. Jody Johnson and Judith Johnson were in stable condition at a Buffalo hospital.",
    "The explosion occurred on a sparsely developed stretch of rural road. Neighbor Nate Reynolds, 22, said he "
    "was awakened by the blast and saw a ball of flame rise over the house.",
    '"It sounded like a sonic boom," said Reynolds, who lives about 100 yards from the explosion scene. "It '
    'shook my whole house and I thought a plane had crashed."',
    "The force of the blast sent debris flying over a wide area. Yellow wall insulation and a soccer poster "
    "could be seen in the trees across the road from the home.",
]
OTHER = [
    "BUFFALO, N.Y. (AP) - The Buffalo school board voted late Monday to close three elementary schools at the end "
    "of the year, saying falling enrollment had left too many classrooms empty.",
    "Superintendent Kriner Cash told the board the district would save about $4 million a year. Parents who "
    "spoke at the meeting said the closures would force young children onto long bus rides.",
    "The board also approved a plan to sell two of the buildings to a developer who wants to turn them into "
    "apartments for older residents.",
    "A final vote on the third building is expected next month, after a public hearing that the board "
    "scheduled for the first week of March.",
    "Enrollment in the district has fallen by nearly a fifth over the past decade, according to state figures "
    "released in January.",
]
WIRE_LINES = ["Copyright 2012 The Associated Press. All rights reserved. This material may not be published, "
              "broadcast, rewritten or redistributed.",
              "Associated Press writers Carolyn Thompson and Michael Hill contributed to this report from Albany."]


def chrome(site: str) -> list[str]:
    """A site's lines around a story: menus, teasers, a footer."""
    return [f"{site} Home", "News | Sports | Weather | Opinion", "Most Read",
            f"Subscribe to {site} for full access to local coverage of the region and the state, starting at 99 cents.",
            f"Copyright 2012 {site} Media Group, all rights reserved. Use of this site means you accept our terms."]


def test_a_passage_is_a_long_sentence_compared_without_case_punctuation_or_courtesy_titles():
    a = passages(['Mr. Filicetti said the blast occurred around 6 a.m. Tuesday. "No comment."'])
    b = passages(["FILICETTI said the blast occurred around 6 a.m. Tuesday!"])
    assert len(a.keys) == 1 and a.keys.tolist() == b.keys.tolist()  # "No comment." is too short
    assert sentence_words("Mr. Smith told Dr Jones") == ["smith", "told", "jones"]
    assert len(passages(["One two three four five six seven."]).keys) == 0 < PASSAGE_MIN_WORDS


def _passages_sentence_by_sentence(blocks: list[str]) -> list[tuple[int, int, int]]:
    """The plain rule `passages` folds whole paragraphs for: each block split at its sentence ends, each
    sentence's `sentence_words`, a key per sentence of enough words (first paragraph kept)."""
    found: dict[int, tuple[int, int]] = {}
    for b, block in enumerate(blocks):
        for sentence in sentence_ends(block).split(block):
            words = sentence_words(sentence)
            if sentence_size(words) >= PASSAGE_MIN_WORDS:
                key = int.from_bytes(hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest(), "little")
                found.setdefault(key, (sentence_size(words), b))
    return sorted((k, w, b) for k, (w, b) in found.items())


def _as_rows(found) -> list[tuple[int, int, int]]:
    return list(zip(found.keys.tolist(), found.words.tolist(), found.blocks.tolist()))


# paragraphs with what folds in context: sentence ends before quotes, courtesy titles at sentence edges,
# curly quotes and dashes, a final sigma, a dotted capital I, the Kelvin sign, digits in other scripts
_SENTENCE_PARTS = st.sampled_from(["Mr", "mrs.", "Dr", "MX", "miss", "said", "the", "word", "ΟΔΟΣ", "ΚΑΙ", "İstanbul",
                                   "\u212a", "٣", "中文", "新华社北京电", "。", "！", "」", "é", "_x", ".", "!", "?", '."',
                                   ".’", ".”)", ")", "—", "…",
                                   "\u00a0", "\u3000", " ", " ", " ", "\t"])


@quick_and_full(100, 300)
def test_passages_are_the_sentence_by_sentence_rule(examples):
    @settings(max_examples=examples, deadline=None)
    @given(st.lists(st.lists(_SENTENCE_PARTS, min_size=8, max_size=60).map(" ".join), max_size=4))
    def check(blocks):
        assert _as_rows(passages(blocks)) == _passages_sentence_by_sentence(blocks)
    check()


def test_passages_are_the_sentence_by_sentence_rule_on_real_articles():
    truth = json.loads(shared_path("corpora", "article-extraction-benchmark", "ground-truth.json").read_text("utf-8"))
    texts = [[" ".join(p.split()) for p in v["articleBody"].split("\n") if p.strip()] for _, v in sorted(truth.items())]
    assert sum(1 for t in texts for p in t if not p.isascii()) > 100  # curly quotes, accents: the non-ASCII fold
    for blocks in texts:
        assert _as_rows(passages(blocks)) == _passages_sentence_by_sentence(blocks)
    assert np.array_equal(passages([]).keys, np.empty(0, np.uint64))


def test_trimmed_cut_in_other_chrome_is_a_copy():
    full = chrome("Lockport Journal") + STORY
    cut = chrome("Niagara Gazette")[:3] + STORY[:4] + chrome("Niagara Gazette")[3:]
    coverage, paragraphs = shared(passages(full), passages(cut))
    assert paragraphs >= 4 and coverage > 0.7
    assert copies_by_passages(passages(full), passages(cut), COVERAGE, 3)


def test_write_thru_and_outlet_edit_are_copies():
    new_top = ["Investigators said Wednesday that a propane leak caused the explosion that leveled the home "
               "and killed 12-year-old Sarah Johnson."]
    write_thru = new_top + STORY[1:6]
    british = [p.replace("Neighbor", "Neighbour").replace("Filicetti said", "Mr Filicetti said")
               .replace("leveled", "levelled") for p in STORY if p is not STORY[5]]
    for copy in (write_thru, british):
        assert copies_by_passages(passages(STORY), passages(copy), COVERAGE, 3)


def test_different_stories_sharing_a_quote_a_wire_line_or_event_sentences_are_not_copies():
    quoted = OTHER[:2] + [STORY[5]] + OTHER[2:]  # one story quotes a whole paragraph of the other
    assert not copies_by_passages(passages(STORY), passages(quoted), COVERAGE, 3)
    assert not copies_by_passages(passages(STORY[:3] + WIRE_LINES), passages(OTHER[:3] + WIRE_LINES), COVERAGE, 3)
    same_event = OTHER[:2] + [STORY[1] + " " + STORY[2]] + OTHER[2:]  # shared sentences, one paragraph
    coverage, paragraphs = shared(passages(STORY), passages(same_event))
    assert paragraphs == 1 and not copies_by_passages(passages(STORY), passages(same_event), COVERAGE, 3)
    # a short story: the shared lines are most of it, and still one place in it
    assert not copies_by_passages(passages(STORY[:1] + WIRE_LINES), passages(OTHER[:1] + WIRE_LINES), COVERAGE, 3)


# a site's standing paragraphs after its stories: an author bio, a disclaimer and a newsletter blurb
STANDING = [
    "Carolyn Marsh is a staff writer for the Lockport Journal who covers courts, crime and public safety in "
    "Niagara County. Before joining the Journal in 2009, she reported for several daily newspapers in Ohio.",
    "The views expressed in reader comments are those of their authors and do not necessarily reflect the "
    "opinions of the Lockport Journal or its owners. Comments that include personal attacks will be removed.",
    "Sign up for the Lockport Journal morning newsletter to get the top stories from Niagara County delivered "
    "to your inbox every weekday. You can unsubscribe at any time.",
]
NEW_TOP = ["Investigators said Wednesday that a propane leak caused the explosion that leveled the home and killed "
           "12-year-old Sarah Johnson, the county fire coordinator told reporters at an afternoon briefing.",
           "The coordinator said a line to the home's furnace had cracked during the cold snap, and gas had "
           "collected in the basement overnight before a spark set it off shortly before dawn."]


def _verdicts(pairs: list[tuple[list[str], list[str]]], same_site: bool, p: VerifyParams | None = None) -> list[bool]:
    """`lsh.verify_passages` on pairs of documents (blocks), on one site or on two."""
    found = [passages(blocks) for pair in pairs for blocks in pair]
    src, dst = np.arange(0, len(found), 2), np.arange(1, len(found), 2)
    sites = np.asarray([7 if same_site else 7 + i for i in range(len(found))], dtype=np.uint64)
    ok = verify_passages(np.zeros(len(src), dtype=bool), np.arange(len(src)), src, dst, found, None, sites,
                         p or VerifyParams())
    return ok.tolist()


def test_on_one_site_a_write_thru_is_a_copy_and_standing_paragraphs_are_not():
    write_thru = NEW_TOP + STORY[1:6]  # a new top, the old lead gone, the last paragraph cut
    # a site's own later version of the story at a new URL, its standing paragraphs on both pages
    versions = [(STORY, write_thru), (STORY + STANDING, write_thru + STANDING)]
    assert _verdicts(versions, same_site=True) == [True, True]
    # two different stories with the same three standing paragraphs: half of the shorter one's words and three
    # paragraphs, which joins two pages of different sites, but not two pages of one site
    standing = [(STORY[:2] + STANDING, OTHER[:2] + STANDING), (STORY[:1] + STANDING, OTHER[:1] + STANDING)]
    assert all(shared(passages(a), passages(b))[0] >= COVERAGE for a, b in standing)
    assert all(shared(passages(a), passages(b))[1] == 3 for a, b in standing)
    assert _verdicts(standing, same_site=True) == [False, False]
    # five one-sentence subheads two pages of a site keep (a listicle's, a sidebar's) under two short stories:
    # five paragraphs and most of the words, but not a story's worth of them
    subheads = ["Walk the treetop trail above the beech forest at Beelitz this weekend.",
                "Jump from the floating sauna straight into the cold waters of the lake.",
                "Climb the ropes course in the pine woods near the old railway station.",
                "Spend a slow afternoon in the thermal baths at the edge of the town.",
                "Try the vegan cupcakes and cake pops at the bakery on the market square."]
    listed = [(STORY[:1] + subheads, OTHER[:1] + subheads)]
    coverage, paragraphs, words = shared_figures(passages(listed[0][0]), passages(listed[0][1]))
    assert coverage >= COVERAGE and paragraphs == 5 and words < SITE_MIN_SHARED_WORDS
    assert _verdicts(listed, same_site=True) == [False]
    # 0: never on one site (the rule before); the default asks one paragraph more than the standing text holds
    assert _verdicts(versions, True, VerifyParams(passage_site_paragraphs=0)) == [False, False]
    assert SITE_PARAGRAPHS == 4 and shared(passages(STORY), passages(write_thru))[1] == 5


ZH_STORY = [
    "新华社北京1月5日电 国务院总理今天主持召开国务院常务会议，部署进一步做好稳就业工作。会议指出，就业是最大的民生，"
    "要把稳就业摆在更加突出的位置。",
    "会议要求，各地区各部门要加大对中小微企业的支持力度，落实好减税降费政策，帮助企业渡过难关。"
    "对吸纳高校毕业生就业的企业，要按规定给予补贴。",
    "会议强调，要拓宽就业渠道，支持灵活就业和新就业形态健康发展。要加强职业技能培训，提高劳动者的就业能力。",
    "会议还研究了其他事项。有关部门负责人表示，将尽快出台配套措施，确保各项政策落地见效。",
    "专家认为，这些措施针对性强，有利于稳定市场预期。预计今年城镇新增就业目标能够顺利完成。",
]
ZH_OTHER = [
    "新华社上海1月5日电 上海市今天发布春节期间交通出行提示，预计节前客流高峰将出现在下周末。",
    "铁路部门表示，将加开临时旅客列车，并延长部分车站的售票时间，方便旅客购票出行。",
    "交通管理部门提醒驾车出行的市民提前规划路线，避开拥堵路段，注意行车安全。",
    "气象部门预计，春节前后本市以多云天气为主，气温略高于常年同期，有利于出行。",
]


def zh_chrome(site: str) -> list[str]:
    return [f"{site}首页", "国内", "国际", "财经",
            f"本网站所刊登的{site}各种新闻、信息和各种专题专栏资料，均为{site}版权所有，未经协议授权禁止下载使用。",
            "来源：新华社", "责任编辑：王明"]


def test_chinese_sentences_are_passages_and_copies_are_found():
    # 。！？ end a sentence without a space after it; a sentence counts its word-equivalents (1.75 characters)
    found = passages(ZH_STORY[:1])
    assert sorted(found.words.tolist()) == [14, 23]  # 26 and 40 characters, a word and 2 numbers among them
    assert passages(["会议还研究了其他事项。"]).total_words == 0  # 10 characters: a short sentence
    # an edited copy (a word changed, the dateline dropped, a paragraph left out) in another site's chrome
    copy = [ZH_STORY[0].replace("新华社北京1月5日电 ", ""), ZH_STORY[1].replace("要按规定", "应按规定")] + ZH_STORY[2:4]
    assert copies_by_passages(passages(zh_chrome("甲网") + ZH_STORY), passages(copy + zh_chrome("乙网")), COVERAGE, 3)
    # another story on the same template is not one
    assert not copies_by_passages(passages(zh_chrome("甲网") + ZH_STORY), passages(zh_chrome("甲网") + ZH_OTHER),
                                  COVERAGE, 3)


def test_the_rule_is_off_above_one():
    assert not copies_by_passages(passages(STORY), passages(STORY), 2.0, 3)


@pytest.mark.parametrize("title,lines", [
    ("301 Moved Permanently", ["Moved Permanently", "The document has moved here.",
                               "Apache/2.4.41 (Ubuntu) Server at www.millbrookledger.com Port 80"]),
    ("301 Moved Permanently", ["301 Moved Permanently", "nginx"]),
    ("Object moved", ["Object moved to here."]),
    ("404 Not Found", ["Not Found", "The requested URL /news/2020/story.html was not found on this server."]),
    ("503 Service Unavailable", ["Service Unavailable", "The server is temporarily unable to service your request "
                                 "due to maintenance downtime or capacity problems. Please try again later."]),
    ("Page not found | The Millbrook Ledger", ["Oops! That page can’t be found.",
                                               "It looks like nothing was found at this location. Maybe try one of "
                                               "the links below or a search?"] + chrome("Millbrook Ledger")),
    (None, ["404 - Page Not Found", "Sorry, the page you were looking for could not be found."]),
])
def test_server_generated_pages(title, lines):
    assert is_status_page(title, lines, passages(lines).total_words)


@pytest.mark.parametrize("title,lines", [
    ("Found: the lost letters of a Civil War nurse", STORY),
    ("Forbidden", STORY),  # a story with a one-word headline that is also a reason phrase
    ("Explosion kills girl, levels home in N.Y. town | Lockport Journal", STORY),
    ("Error 404: a short history of the page that is not there", STORY),
])
def test_stories_are_not_server_pages(title, lines):
    assert not is_status_page(title, lines, passages(lines).total_words)


# ---------------------------------------------------------------- real article text

def _articles() -> list[list[str]]:
    """article-extraction-benchmark gold texts of 6+ paragraphs of 12+ words (6 with a passage), one per
    article."""
    truth = json.loads(shared_path("corpora", "article-extraction-benchmark", "ground-truth.json").read_text("utf-8"))
    out, seen = [], set()
    for _, v in sorted(truth.items()):
        paras = [" ".join(p.split()) for p in v["articleBody"].split("\n") if len(p.split()) >= 12]
        # stories told in sentences: box scores and listings have too few long sentences to compare
        if len(paras) >= 6 and paras[0] not in seen and sum(len(passages([p]).keys) > 0 for p in paras) >= 6:
            seen.add(paras[0])
            out.append(paras)
    return out


def _outlet_edit(paras: list[str]) -> list[str]:
    """Every third paragraph dropped, a courtesy title before each second mention of a surname, British -our."""
    kept = [p for i, p in enumerate(paras) if i % 3 != 2]
    seen: set[str] = set()
    out = []
    for p in kept:
        for surname in re.findall(r"\b[A-Z][a-z]+ ([A-Z][a-z]{3,})\b", p):
            seen.add(surname)
        p = re.sub(r"(?<![A-Z][a-z] )\b(" + "|".join(sorted(seen)) + r")\b", r"Mr \1", p) if seen else p
        out.append(re.sub(r"\b(col|hon|fav|behavi|neighb|lab)or", r"\1our", p))
    return out


def test_on_real_articles_cuts_and_edits_are_copies_and_different_articles_are_not():
    """A cut (the first third, at least three paragraphs with passages) and an outlet's edit of each."""
    articles = _articles()
    assert len(articles) >= 40
    for paras in articles:
        full = passages(paras)
        cut = next(paras[:n] for n in range(max(3, len(paras) // 3), len(paras) + 1)
                   if sum(len(passages([p]).keys) > 0 for p in paras[:n]) >= 3)
        assert copies_by_passages(full, passages(cut), COVERAGE, 3)
        assert copies_by_passages(full, passages(_outlet_edit(paras)), COVERAGE, 3)
    each = [passages(paras) for paras in articles]
    merged = [(i, j) for i in range(len(each)) for j in range(i + 1, len(each))
              if copies_by_passages(each[i], each[j], COVERAGE, 3)]
    assert merged == []


def test_on_real_articles_one_site_versions_are_copies_and_standing_paragraphs_join_nothing():
    """On one site: a write-thru of each article (the next article's first two paragraphs as its new top, the
    old lead and last paragraph gone: 4 paragraphs kept of a 6-paragraph article) is a copy; the first one or
    two paragraphs of two different articles, each followed by the site's three standing paragraphs, are not."""
    articles = _articles()
    versions = [(paras, articles[(i + 1) % len(articles)][:2] + paras[1:-1]) for i, paras in enumerate(articles)]
    # every one that keeps a story's worth of passage words (all but the 3 shortest of 80; MinHash has those)
    joined = _verdicts(versions, same_site=True)
    assert joined == [shared_figures(passages(a), passages(b))[2] >= SITE_MIN_SHARED_WORDS for a, b in versions]
    assert sum(joined) >= 0.95 * len(versions)
    short = [(a[:1 + i % 2] + STANDING, b[:1 + i % 2] + STANDING)
             for i, (a, b) in enumerate(zip(articles, articles[1:]))]
    assert not any(_verdicts(short, same_site=True))


# ---------------------------------------------------------------- in a build

def _page(site: str, headline: str, paragraphs: list[str]) -> str:
    lines = chrome(site)
    return (f"<html><head><title>{headline} | {site}</title></head><body><div class='nav'><a href='/'>{lines[0]}</a> "
            f"<a href='/news'>News</a> <a href='/sports'>Sports</a> <a href='/weather'>Weather</a></div>"
            f"<h1>{headline}</h1><article>" + "".join(f"<p>{p}</p>" for p in paragraphs) +
            f"</article><aside><h3>{lines[2]}</h3><p>{lines[3]}</p></aside><footer><p>{lines[4]}</p></footer>"
            "</body></html>")


def test_a_build_joins_an_edited_cut_across_sites_and_never_a_server_page(tmp_path):
    """The cut is joined by its passages only (with `verify_passage_coverage = 2` it stays apart: each
    page's teasers keep MinHash containment under 0.75); three sites' Apache redirect pages, alike but
    for the host, are three `not_a_story` rejects (tests/test_server_pages.py)."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build
    import polars as pl

    headline = "Explosion kills girl, levels home in N.Y. town"
    # an outlet's cut: five paragraphs of seven, "Mr", British spelling, and its own teasers after them
    edited = [p.replace("Filicetti said", "Mr Filicetti said").replace("Neighbor", "Neighbour")
              .replace("leveled", "levelled") for p in STORY[:6] if p is not STORY[1]]
    edited += ["Also in the Gazette: the Niagara Falls city council agreed on Monday to repave six blocks of "
               "Pine Avenue this summer, after years of complaints from the shop owners along the street.",
               "Lockport police are asking for help finding a teenager who has not been seen since she left a "
               "friend's house on Willow Street late on Saturday evening, the department said."]
    apache = ('<html><head><title>301 Moved Permanently</title></head><body><h1>Moved Permanently</h1><p>The '
              'document has moved <a href="https://{h}/news/">here</a>.</p><hr><address>Apache/2.4.41 (Ubuntu) '
              'Server at {h} Port 80</address></body></html>')
    records = [{"id": "full", "url": "https://www.lockportjournal.example/news/explosion.html",
                "html": _page("Lockport Journal", headline, STORY)},
               {"id": "cut", "url": "https://www.niagaragazette.example/local/blast.html",
                "html": _page("Niagara Gazette", headline, edited)},
               {"id": "other", "url": "https://www.buffalonews.example/schools/closures.html",
                "html": _page("Buffalo News", "Board votes to close three schools", OTHER + WIRE_LINES)}]
    records += [{"id": f"moved-{h}", "url": f"https://{h}/old/page.html", "html": apache.format(h=h)}
                for h in ("www.lockportjournal.example", "www.buffalonews.example", "radio.example")]
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    rows = pl.concat([pl.read_parquet(sorted((tmp_path / "out" / t).rglob("*.parquet")), columns=["doc_id", "cluster_id"])
                      for t in ("data", "duplicates")])
    cluster = dict(rows.iter_rows())
    assert sorted(cluster) == ["cut", "full", "other"]
    assert cluster["full"] == cluster["cut"]
    assert cluster["other"] != cluster["full"]
    rejects = pl.read_parquet(sorted((tmp_path / "out" / "rejects").rglob("*.parquet")), columns=["doc_id", "reason"])
    assert sorted(rejects.iter_rows()) == sorted((r["id"], "not_a_story") for r in records[3:])


def test_a_build_joins_a_write_thru_on_one_site_and_not_pages_sharing_standing_paragraphs(tmp_path):
    """Four pages of one site: a story, its write-thru at a new URL (a new top, the old lead and last paragraph
    gone, teasers of its own), and two other pages with the site's three standing paragraphs. The write-thru
    joins by its passages (with `verify_passage_site_paragraphs = 0`, the rule before, it stays apart); the
    standing paragraphs join nothing."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build
    import polars as pl

    site, headline = "Lockport Journal", "Explosion kills girl, levels home in N.Y. town"
    teasers = ["Also in the Journal: the Lockport city council agreed on Monday to repave six blocks of Pine "
               "Avenue this summer, after years of complaints from the shop owners along the street.",
               "Lockport police are asking for help finding a teenager who has not been seen since she left a "
               "friend's house on Willow Street late on Saturday evening, the department said."]
    pages = {"story": (headline, STORY + STANDING),
             "update": ("Propane leak caused deadly blast, investigators say",
                        NEW_TOP + STORY[1:6] + teasers + STANDING),
             "schools": ("Board votes to close three schools", OTHER[:2] + STANDING),
             "buildings": ("Board to sell two school buildings", OTHER[2:] + STANDING)}
    records = [{"id": doc, "url": f"https://www.lockportjournal.example/news/{doc}.html", "html": _page(site, *page)}
               for doc, page in pages.items()]
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")

    def clusters(config: BuildConfig, out: str) -> dict[str, str]:
        build([str(crawl)], tmp_path / out, config, workers=1)
        rows = pl.concat([pl.read_parquet(sorted((tmp_path / out / t).rglob("*.parquet")),
                                          columns=["doc_id", "cluster_id"]) for t in ("data", "duplicates")])
        return dict(rows.iter_rows())

    cluster = clusters(BuildConfig(), "out")
    assert sorted(cluster) == sorted(pages)
    assert cluster["story"] == cluster["update"]
    assert len({cluster[d] for d in ("story", "schools", "buildings")}) == 3
    before = clusters(BuildConfig(verify_passage_site_paragraphs=0), "before")
    assert len(set(before.values())) == 4
