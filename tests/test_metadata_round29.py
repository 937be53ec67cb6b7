"""Round 29 of the metadata rules (docs/metadata.md, issue 17): false readings found in round 28's review. A Korean
afternoon word after a 12-hour clock ('2022.05.12 03:10 오후') makes it 15:10; a version ('v2022.12.12') and an
English sentence's end ('in 2019. March 3. ...') are no dates; a desk ('Patch Staff' off patch.com, 'The Patch
Staff'), a newspaper's title ('NRC Handelsblad') and a Korean date's label ('입력') are no people."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dedup.text.byline import parse_byline
from dedup.text.dateevidence import find_page_dates
from dedup.text.dates import find_dates
from dedup.text.extract import extract_html
from dedup.text.metadata import page_metadata


def _metadata(html: str, url: str):
    return page_metadata(html, url, extract_html(html, None).evidence_blocks or [])


_KOREAN_BODY = "<p>서울시는 올해 새로운 교통 정책을 발표했으며 시민들의 의견을 수렴하여 내년부터 시행할 예정이라고 밝혔다.</p>" * 6


@pytest.mark.parametrize(("text", "at"), [
    ("2022.05.12 03:10 오후", datetime(2022, 5, 12, 15, 10, tzinfo=timezone.utc)),
    ("2022-05-12 12:30 오전", datetime(2022, 5, 12, 0, 30, tzinfo=timezone.utc)),
    ("2022-05-12 12:30 오후", datetime(2022, 5, 12, 12, 30, tzinfo=timezone.utc)),
    ("2022年5月12日 3:10 午後", datetime(2022, 5, 12, 15, 10, tzinfo=timezone.utc)),
    ("2022-05-12 13:10 오후", datetime(2022, 5, 12, 13, 10, tzinfo=timezone.utc)),  # a 24-hour clock keeps its hour
    ("2022. 5. 12. 오후 3:10", datetime(2022, 5, 12, 15, 10, tzinfo=timezone.utc)),  # (the word before: read already)
])
def test_a_morning_or_afternoon_word_after_a_clock_sets_its_half_of_the_day(text: str, at: datetime):
    # before: '03:10 오후' was 03:10 and '12:30 오전' 12:30 (the word was read only before the clock)
    assert [d.at for d in find_page_dates(text, True, 8)] == [at]


def test_a_korean_date_line_with_the_afternoon_after_its_clock_is_read_as_afternoon():
    html = ("<html><head><title>교통 정책 발표</title></head><body><article><h1>교통 정책 발표</h1>"
            "<div>2022.05.12 03:10 오후</div>" + _KOREAN_BODY + "</article></body></html>")
    assert _metadata(html, "https://news.example.kr/a/1").published_at == datetime(2022, 5, 12, 15, 10,
                                                                                  tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["Release v2022.12.12 is out", "upgrade to V2021-03-04 first",
                                  "It was founded in 2019. March 3. saw the first meeting", "2019. Nov. 3. was quiet"])
def test_a_version_or_an_english_sentence_end_is_no_date(text: str):
    # before: 2022-12-12, 2021-03-04, 2019-03-03 and 2019-11-03 (the ISO and the Hungarian-style patterns)
    assert find_dates(text) == []


def test_the_dates_beside_those_shapes_stay_read():
    for text, day in (("Released 2022.12.12", "2022-12-12"), ("Megjelent: 2022. március 3.", "2022-03-03"),
                      ("2022. november 3.", "2022-11-03"), ("Posted March 3, 2019", "2019-03-03")):
        assert [d.day.isoformat() for d in find_dates(text)] == [day], text


def test_a_version_in_a_release_note_gives_the_page_no_date():
    html = ("<html><head><title>Release notes</title></head><body><article><h1>Release notes</h1>"
            "<p>Version v2022.12.12 is out.</p>"
            + "<p>This release fixes the importer, speeds up the search index and updates the translations.</p>" * 6
            + "</article></body></html>")
    assert _metadata(html, "https://tool.example.org/notes").published_at is None


@pytest.mark.parametrize(("text", "site_names"), [
    ("By Patch Staff", ("Patch", "tapinto")), ("Patch Staff", ("Patch", "tapinto")),
    ("By Globe Staff", ("The Boston Globe", "bostonglobe")), ("By The Patch Staff", ())])
def test_an_outlets_staff_off_its_own_site_is_no_person(text: str, site_names: tuple[str, ...]):
    # before: the people 'Patch', 'Globe', 'The Patch' ('Staff' stripped as a role): 'Patch Staff' was a desk only on
    # patch.com (round 27, the site's own name); review round 27: off it, where its publisher or site name says so
    byline = parse_byline(text, site_names)
    assert byline.people == [] and len(byline.organisations) == 1, text


def test_a_surname_staff_and_generic_staff_words_keep_their_readings():
    assert parse_byline("By McKenzie Staff").organisations == []
    assert parse_byline("By Jörg Staff").organisations == []
    assert parse_byline("By Jane Doe, Patch Staff").people == ["Jane Doe"]
    for text in ("By The Staff", "News Staff", "Staff Writer", "By Our Foreign Staff"):
        assert parse_byline(text).organisations == [], text


def test_a_newspapers_title_is_no_person_without_the_sites_name():
    # before: the person 'NRC Handelsblad' (on nrc.nl its call letters are the site's: round 27)
    for text in ("NRC Handelsblad", "Door NRC Handelsblad"):
        byline = parse_byline(text)
        assert (byline.people, byline.organisations) == ([], ["NRC Handelsblad"]), text
    assert parse_byline("Door Jan de Vries, NRC Handelsblad").people == ["Jan de Vries"]


def test_a_korean_date_label_in_a_byline_is_no_person():
    # before: ['김철수', '입력']
    for text in ("김철수 기자 | 입력 2022. 5. 12.", "김철수 기자 | 수정 2022.05.12 15:10"):
        assert parse_byline(text).people == ["김철수"], text


@pytest.mark.parametrize(("head", "url"), [
    # (review round 27: a desk where the page names the outlet, here its publisher Patch)
    ("<meta name='author' content='Patch Staff'><meta property='og:site_name' content='Patch'>",
     "https://www.tapinto.net/towns/x/council"),
    ('<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Patch Staff"},'
     '"publisher":{"@type":"Organization","name":"Patch"}}</script>', "https://news.yahoo.com/council-passes-budget"),
    ("<meta name='author' content='NRC Handelsblad'>", "https://archief.example.nl/kabinet"),
])
def test_a_page_credited_to_a_desk_or_a_paper_names_no_author(head: str, url: str):
    html = (f"<html><head><title>Council passes budget</title>{head}</head><body><article><h1>Council passes budget"
            "</h1>" + "<p>The town council approved the new budget after a long debate about roads and schools.</p>" * 6
            + "</article></body></html>")
    assert _metadata(html, url).authors == []
