"""Attribution: datelines, credit lines, JSON-LD authors, per-document evidence, cluster merge, credit text."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import quick_and_full, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.rights.attribution import (AGENCIES, AGENCY_DOMAINS, agency_from_credit, attribution_evidence, attribution_text, dateline, jsonld_attribution, merge_cluster)
from dedup.text.extract import extract_html
from dedup.text.normalise import registered_domain, split_blocks


def test_tables():
    for name in ("Reuters", "Associated Press", "AFP", "Bloomberg", "dpa", "Xinhua", "EFE", "ANSA", "PA Media",
                 "UPI", "Kyodo", "Yonhap"):
        assert name in AGENCIES
    assert set(AGENCY_DOMAINS.values()) <= set(AGENCIES)
    assert AGENCY_DOMAINS["news.cn"] == AGENCY_DOMAINS["xinhuanet.com"] == "Xinhua"
    assert AGENCY_DOMAINS["en.yna.co.kr"] == "Yonhap"


@pytest.mark.parametrize("block, expected", [
    ("WASHINGTON (Reuters) - The U.S. Senate on Tuesday ...", ("WASHINGTON (Reuters)", "Reuters")),
    ("NEW YORK (AP) — Stocks fell ...", ("NEW YORK (AP)", "Associated Press")),
    ("PARIS (AFP) - France said ...", ("PARIS (AFP)", "AFP")),
    ("BERLIN (dpa) - Germany's ...", ("BERLIN (dpa)", "dpa")),
    ("Berlin (dpa) - Germany's ...", ("Berlin (dpa)", "dpa")),  # dpa house style: title-case place
    ("BEIJING, Sept. 16 (Xinhua) -- China ...", ("BEIJING, Sept. 16 (Xinhua)", "Xinhua")),
    ("NEW DELHI, Sept 1 (Reuters) - New Delhi: The Army ...", ("NEW DELHI, Sept 1 (Reuters)", "Reuters")),
    ("LONDON (PA) - Police said ...", ("LONDON (PA)", "PA Media")),
    ("SPRINGFIELD, Ill. (AP) — A man ...", ("SPRINGFIELD, Ill. (AP)", "Associated Press")),
    ("ST. JOSEPH, Mich. (AP) — Michigan health ...", ("ST. JOSEPH, Mich. (AP)", "Associated Press")),
    ("SÃO PAULO (Reuters) – Brazil's ...", ("SÃO PAULO (Reuters)", "Reuters")),
    ("COEUR D'ALENE, Idaho (AP) — ...", ("COEUR D'ALENE, Idaho (AP)", "Associated Press")),
    ("WINSTON-SALEM, N.C. (AP) —", ("WINSTON-SALEM, N.C. (AP)", "Associated Press")),
    ("Rio de Janeiro (dpa) - ...", ("Rio de Janeiro (dpa)", "dpa")),
    ("(Bloomberg) -- Treasuries rose ...", ("(Bloomberg)", "Bloomberg")),
    ("WASHINGTON, Jan. 3 (UPI) -- ...", ("WASHINGTON, Jan. 3 (UPI)", "UPI")),
    ("SEOUL, Sept. 16 (Yonhap) -- ...", ("SEOUL, Sept. 16 (Yonhap)", "Yonhap")),
    ("TOKYO (Kyodo) -- ...", ("TOKYO (Kyodo)", "Kyodo")),
    ("MADRID (EFE) - ...", ("MADRID (EFE)", "EFE")),
    ("ROME (ANSA) - ...", ("ROME (ANSA)", "ANSA")),
    # in the agencies' own languages (round 12 of docs/metadata.md)
    ("(서울=연합뉴스) 홍길동 기자 = 정부는 5일 국무회의를 열고", ("(서울=연합뉴스)", "Yonhap")),
    ("[워싱턴=연합뉴스] 김철수 특파원 = 미국 정부는", ("[워싱턴=연합뉴스]", "Yonhap")),
    ("新华社北京1月5日电（记者 李明）国务院总理主持召开", ("新华社北京1月5日电", "Xinhua")),
    ("新华网北京１月５日电 国务院", ("新华网北京１月５日电", "Xinhua")),
    ("新华社北京电（记者 李明）国务院", ("新华社北京电", "Xinhua")),
    ("据新华社电 国务院总理", ("据新华社电", "Xinhua")),
    ("【ワシントン共同】米政府は５日", ("【ワシントン共同】", "Kyodo")),
    ("Madrid, 5 ene (EFE).- El Gobierno español", ("Madrid, 5 ene (EFE)", "EFE")),
    ("Bogotá (EFE).- El presidente", ("Bogotá (EFE)", "EFE")),
    ("Paris, 5 janv. 2023 (AFP) - La France", ("Paris, 5 janv. 2023 (AFP)", "AFP")),
    ("Düsseldorf (dpa/lnw) - Die Polizei", ("Düsseldorf (dpa/lnw)", "dpa")),
    ("Frankfurt (dpa-AFX) - Der Dax", ("Frankfurt (dpa-AFX)", "dpa")),
    ("(ANSA-AFP) - ROMA, 05 GEN - Il governo", ("(ANSA-AFP)", "ANSA")),
])
def test_dateline(block, expected):
    assert dateline(block) == expected


@pytest.mark.parametrize("block", [
    "To set it up, connect to the wireless (AP) access point and open the settings.",
    "Wireless (AP) - the access point mode of the router",   # title-case word + AP: not a place
    "(AP) access point mode",
    "The company (Reuters) - said nothing.",
    "washington (reuters) - lower-case",
    "WASHINGTON (REUTERS PHOTO) - no",
    "WASHINGTON (Reuters)",            # no dash
    "Editor's note: This story was updated.",
    "(Adds comment from Jane Doe in paragraph 5)",
    "He told (AP) — the network",
    "(연합뉴스) 정부는 5일",                  # the agency alone, no place: a mention or a caption credit
    "정부는 연합뉴스 취재 결과 (서울=연합뉴스) 밝혔다",  # not at the start
    "新华社记者李明摄",                        # a photo credit
    "新华社报道称电动车销量增长",              # a sentence about Xinhua
    "新华社是中国的国家通讯社。",
    "【北京＝山田太郎】中国政府は",            # a paper's own correspondent, not Kyodo
    "He said, 5 ene (EFE) - no place",
    "Berlin (dpa/Foto) - a picture service",
    "",
])
def test_dateline_false_friends(block):
    assert dateline(block) is None


@pytest.mark.parametrize("text, agency", [
    ("© 2023 Thomson/Reuters", "Reuters"),
    ("© 2023 Thomson/Reuters. All rights reserved.", "Reuters"),
    ("© Copyright Thomson Reuters 2023. All rights reserved.", "Reuters"),
    ("Copyright 2023 The Associated Press", "Associated Press"),
    ("Copyright 2023 The Associated Press. All rights reserved. This material may not be published, "
     "broadcast, rewritten or redistributed without permission.", "Associated Press"),
    ("© 2023 AP", "Associated Press"),
    ("© Agence France-Presse", "AFP"),
    ("Copyright © 2023 AFP. All rights reserved.", "AFP"),
    ("© 2023 Bloomberg L.P.", "Bloomberg"),
    ("© dpa-infocom, dpa:230902-99-123404/2", "dpa"),
    ("By Jane Doe, Associated Press", "Associated Press"),
    ("By JANE DOE AP Science Writer", "Associated Press"),
    ("By Jane Doe, AP Business Writer", "Associated Press"),
    ("By ASSOCIATED PRESS", "Associated Press"),
    ("The Associated Press", "Associated Press"),
    ("By Reuters", "Reuters"),
    ("Reuters Staff", "Reuters"),
    ("Jane Doe | Reuters", "Reuters"),
    ("Jane Doe and John Roe | Reuters", "Reuters"),
    ("Reporting by Jane Doe; Editing by John Roe", "Reuters"),
    ("(Reporting by Jane Doe in London; Editing by John Roe)", "Reuters"),
    ("AFP", "AFP"),
    ("By AFP", "AFP"),
    ("Jane Doe, AFP", "AFP"),
    ("Agence France-Presse", "AFP"),
    ("Bloomberg News", "Bloomberg"),
    ("Jane Doe, Bloomberg", "Bloomberg"),
    ("dpa", "dpa"),
    ("By dpa", "dpa"),
    ("Deutsche Presse-Agentur", "dpa"),
    ("Xinhua", "Xinhua"),
])
def test_agency_from_credit(text, agency):
    assert agency_from_credit(text) == agency


@pytest.mark.parametrize("text", [
    "Reuters reported on Monday that the talks had stalled.",
    "According to the Associated Press, the vote was close.",
    "(AP Photo/Evan Vucci)",
    "Photo: Jane Doe / AFP",
    "Jane Doe/AFP via Getty Images",
    "© Newsmax Media, Inc.",
    "By Jane Doe",
    "Oil prices rise | Reuters",               # a headline with a source suffix, not a byline
    "Tags: sergei shoigu | kim jong un | military | russia",
    "AP",                                       # too ambiguous alone
    "Michael Bloomberg said on Tuesday he would run.",
    "",
])
def test_agency_from_credit_is_conservative(text):
    assert agency_from_credit(text) is None


def test_jsonld_attribution_keeps_organisation_authors():
    objs = [{"@type": "NewsArticle", "headline": "x",
             "author": [{"@type": "Organization", "name": "Reuters"}, {"@type": "Person", "name": "Jane Doe"}],
             "publisher": {"@type": "Organization", "name": "Newsmax"}}]
    out = jsonld_attribution(objs)
    assert out["authors"] == ["Reuters", "Jane Doe"]
    assert out["publisher"] == "Newsmax"
    assert out["agency"] == "Reuters"
    assert out["evidence"] == [{"kind": "jsonld_author", "value": "Reuters", "agency": "Reuters"}]


@pytest.mark.parametrize("key, value, agency", [
    ("sourceOrganization", {"@type": "Organization", "name": "Associated Press"}, "Associated Press"),
    ("copyrightHolder", {"@type": "Organization", "name": "dpa"}, "dpa"),
    ("isBasedOn", "https://www.reuters.com/world/asia-pacific/some-story-2023-09-16/", "Reuters"),
    ("isBasedOn", {"@type": "NewsArticle", "url": "https://apnews.com/article/abc"}, "Associated Press"),
    ("provider", {"@type": "Organization", "name": "Agence France-Presse"}, "AFP"),
])
def test_jsonld_attribution_agency_fields(key, value, agency):
    out = jsonld_attribution([{"@type": "NewsArticle", "author": "Jane Doe", key: value}])
    assert out["agency"] == agency
    assert out["authors"] == ["Jane Doe"]


def test_jsonld_attribution_empty_and_odd():
    assert jsonld_attribution([]) == {"authors": [], "publisher": None, "agency": None, "evidence": []}
    out = jsonld_attribution([{"@type": "WebSite", "name": "x"}, "not a dict", {"@type": "NewsArticle",
                              "author": [{"name": ["Jane Doe"]}, 42, None]}])
    assert out["authors"] == ["Jane Doe"] and out["agency"] is None


def test_attribution_evidence_dateline_after_headline_and_byline():
    blocks = ["Headline here", "By Jane Doe", "Updated 5:58 PM EDT",
              "WASHINGTON (Reuters) - The Senate voted ...", "Second paragraph."]
    out = attribution_evidence(blocks, [], {}, "example.com")
    assert out["original_source"] == "Reuters"
    assert out["dateline"] == "WASHINGTON (Reuters)"
    assert out["attribution_evidence"] == [{"kind": "dateline", "value": "WASHINGTON (Reuters)", "agency": "Reuters"}]
    assert out["authors"] == [] and out["publisher"] is None


def test_attribution_evidence_dateline_deep_in_page_is_ignored():
    blocks = ["Headline"] + [f"Paragraph {i}." for i in range(10)] + ["NEW YORK (AP) — a related story teaser"]
    assert attribution_evidence(blocks, [], {}, None)["original_source"] is None


def test_attribution_evidence_sources():
    out = attribution_evidence(["Text."], [], {"author": "Reuters"}, None)
    assert out["original_source"] == "Reuters" and out["attribution_evidence"][0]["kind"] == "meta_author"
    # every <meta> name the metadata reads a writer from (`pagehead.AUTHOR_META_NAMES`), and the site's account
    for key, value in (("dc:creator", "Reuters"), ("citation_author", "Reuters"), ("twitter:creator", "Reuters")):
        out = attribution_evidence(["Text."], [], {key: value}, None)
        assert out["attribution_evidence"] == [{"kind": "meta_author", "value": value, "agency": "Reuters"}], key
    out = attribution_evidence(["Text."], [], {}, "www.reuters.com")
    assert out["original_source"] == "Reuters" and out["attribution_evidence"][0]["kind"] == "domain"
    assert attribution_evidence(["Text."], [], {}, "WWW.Reuters.com.")["original_source"] == "Reuters"
    out = attribution_evidence(["Text."], [], {}, "en.yna.co.kr")
    assert out["original_source"] == "Yonhap"
    out = attribution_evidence(["Our own reporting.", "By Jane Doe"], [], {"author": "Jane Doe"}, "gazette.example")
    assert out["original_source"] is None and out["attribution_evidence"] == []


def test_attribution_false_friends_on_a_page():
    blocks = ["How to set up a hotspot", "By Jane Doe",
              "Connect to the wireless (AP) access point, then open the router settings.",
              "Reuters reported last year that the chip shortage would ease.",
              "(AP Photo/Evan Vucci)", "Photo: John Roe / AFP", "© 2024 Gadget Weekly Media LLC. All rights reserved."]
    out = attribution_evidence(blocks, [], {"author": "Jane Doe"}, "gadget-weekly.example")
    assert out["original_source"] is None and out["attribution_evidence"] == [] and out["dateline"] is None


def test_attribution_copyright_line_outweighs_a_dateline():
    blocks = ["MOSCOW (AP) — A cargo ship ...", "More text.", "© 2023 dpa GmbH. All rights reserved."]
    out = attribution_evidence(blocks, [], {}, None)
    assert out["original_source"] == "dpa"
    assert {e["kind"] for e in out["attribution_evidence"]} == {"dateline", "copyright_line"}


def test_attribution_evidence_jsonld_publisher():
    objs = [{"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Associated Press"},
             "publisher": {"@type": "Organization", "name": "Ashford Sentinel"}}]
    out = attribution_evidence(["By ASSOCIATED PRESS", "LONDON (AP) — text"], objs, {}, "ashford-sentinel.example")
    assert out["original_source"] == "Associated Press"
    assert out["publisher"] == "Ashford Sentinel"
    assert out["authors"] == ["Associated Press"]
    assert {e["kind"] for e in out["attribution_evidence"]} == {"dateline", "byline", "jsonld_author"}


@quick_and_full(100, 300)
def test_attribution_never_raises(examples):
    @settings(max_examples=examples, deadline=None)
    @given(st.lists(st.one_of(st.text(max_size=60), st.sampled_from(
        ["WASHINGTON (AP) —", "(Reuters) -", "© 2023 AFP", "By ", "Jane Doe", " | Reuters", ", AP", "(AP)"])),
        max_size=8))
    def check(parts):
        text = "".join(parts)
        dateline(text)
        agency_from_credit(text)
        out = attribution_evidence(parts, [{"@type": "NewsArticle", "author": text}], {"author": text}, text)
        assert out["original_source"] is None or out["original_source"] in AGENCIES
        attribution_text(text, parts, out["original_source"], text or None, text or None, None)
    check()


def test_merge_cluster():
    assert merge_cluster([None, "Reuters", "Reuters", "AFP", None]) == "Reuters"
    assert merge_cluster(["Reuters", "AFP"]) == "AFP"  # tie -> alphabetical
    assert merge_cluster([None, None]) is None
    assert merge_cluster([]) is None


def test_attribution_text():
    url = "https://www.newsmax.com/newsfront/kim-russia/2023/09/16/id/1134"
    assert attribution_text("Kim talks stronger ties with Russia", ["Reuters"], "Reuters", "Newsmax", url,
                            "LicenseRef-all-rights-reserved") == (
        f'"Kim talks stronger ties with Russia" by Reuters, published by Newsmax ({url}), '
        "LicenseRef-all-rights-reserved")
    assert attribution_text("T", ["Jane Doe"], "AFP", "Gazette", "https://g.example/a", "CC-BY-4.0") == (
        '"T" by Jane Doe (AFP), published by Gazette (https://g.example/a), CC-BY-4.0')
    assert attribution_text("T", ["Jane Doe"], None, None, "https://g.example/a", "NOASSERTION") == (
        '"T" by Jane Doe (https://g.example/a), NOASSERTION')
    assert attribution_text(None, [], None, None, None, None) == '"Untitled"'


def test_dateline_of_another_language_on_a_page_credits_the_agency():
    """A Korean paper's copy of a Yonhap story: the lede's dateline names the agency (evidence kind dateline)."""
    lede = ("(서울=연합뉴스) 홍길동 기자 = 정부는 5일 국무회의를 열고 내년도 예산안을 심의·의결했다고 밝혔다. "
            "이번 예산안은 지난해보다 크게 늘어난 규모로, 복지와 일자리 분야에 중점을 뒀다.")
    html = (f"<html lang=\"ko\"><head><title>정부, 내년도 예산안 의결 | 한국일보</title></head><body><article>"
            f"<h1>정부, 내년도 예산안 의결</h1><p>{lede}</p><p>{lede[20:]}</p></article></body></html>")
    ex = extract_html(html, "https://www.hankookilbo.example/News/Read/A2023010510000001")
    out = attribution_evidence(ex.evidence_blocks, ex.metadata.jsonld, ex.metadata.meta, "hankookilbo.example")
    assert out["original_source"] == "Yonhap" and out["dateline"] == "(서울=연합뉴스)"
    assert out["attribution_evidence"] == [{"kind": "dateline", "value": "(서울=연합뉴스)", "agency": "Yonhap"}]
    assert ex.metadata.authors == ["홍길동"]


def test_seed_page_attribution():
    blocks = split_blocks(shared_path("seed", "newsmax-reuters-page.txt").read_text(encoding="utf-8"))
    out = attribution_evidence(blocks, [], {}, "newsmax.com")
    assert out["original_source"] == "Reuters"
    assert out["dateline"] is None  # the seed has no dateline: the agency comes from its copyright line
    assert out["attribution_evidence"] == [
        {"kind": "copyright_line", "value": "© 2023 Thomson/Reuters. All rights reserved.", "agency": "Reuters"}]
    title = next(b for b in blocks if b.startswith("NKorea"))
    text = attribution_text(title, out["authors"], out["original_source"], "Newsmax", "https://www.newsmax.com/x",
                            "LicenseRef-all-rights-reserved")
    assert text.startswith("\"NKorea's Kim Talks Stronger Ties With Russia Defense Minister\" by Reuters, published by Newsmax")


def test_bench_wire_accuracy_on_docs_with_signals(bench_crawl):
    labels = {}
    with open(bench_crawl / "labels" / "attribution.jsonl", encoding="utf-8") as f:
        for row in map(json.loads, f):
            labels[row["doc_id"]] = row
    hits = total = own_hits = own_total = 0
    with gzip.open(bench_crawl / "crawl-jsonl" / "part-00001.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            ex = extract_html(doc["html"], doc["url"])
            source = attribution_evidence(ex.blocks, ex.metadata.jsonld, ex.metadata.meta, registered_domain(doc["url"]))["original_source"]
            gold = labels[doc["id"]]
            if gold["signals"]:
                total += 1
                hits += source == gold["wire"]
            elif gold["wire"] is None:
                own_total += 1
                own_hits += source is None
    assert total >= 400 and own_total >= 10
    assert hits / total >= 0.97, (hits, total)
    assert own_hits == own_total  # the site's own reporting is never given an agency


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("reutrsRUTESpi.comPIOCMwgWGndAPaf K\u212a\u017f\u0130\u0131é"), max_size=30)
       | st.sampled_from(["REUTERS staff", "Compiled by x", "ReUtErS", "UPI.COM", "upi.com", "Reporting by J"]))
def test_credit_prefilter_is_the_regex_rule(text):
    from dedup.rights.attribution import _MAY_CREDIT, _MAY_CREDIT_ANY_CASE, _may_credit
    assert _may_credit(text) == bool(_MAY_CREDIT.search(text) or _MAY_CREDIT_ANY_CASE.search(text))


def test_folds_to_ascii_names_every_character_a_caseless_ascii_search_can_meet():
    # `_may_credit` finds its words in a text's str.lower() unless FOLDS_TO_ASCII finds a character there: exact
    # only while no other character beyond ASCII matches an ASCII letter under re.I or lowers to one (all checked)
    import re

    from dedup.text.normalise import FOLDS_TO_ASCII
    beyond_ascii = "".join(chr(i) for i in range(0x80, 0x110000) if not 0xD800 <= i < 0xE000)
    rest = FOLDS_TO_ASCII.sub("", beyond_ascii)
    assert re.search("[a-z]", rest, re.I) is None
    assert re.search("[a-z]", rest.lower()) is None
    assert len(beyond_ascii) - len(rest) == 4
    assert all(re.fullmatch("[a-z]", c, re.I) for c in "\u0130\u0131\u017f\u212a")
