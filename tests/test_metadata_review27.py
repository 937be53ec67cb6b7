"""Review round 27 of the metadata rules (docs/metadata.md "Review round 27"): round 29's half-day word after a clock
was read only after a clock `find_dates` had read (not after '(목) 03:10', '3시 10분', '(木) 3:30') and twice after an
AM / PM ('3:10 PM 오후' the next day's 03:10); round 29's desk rule made any one capitalised word before 'Staff' an
outlet ('By Jane Staff' the organisation 'Jane'), now only where the page says the word is an outlet's."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dedup.text.byline import parse_byline
from dedup.text.dateevidence import find_page_dates
from dedup.text.extract import extract_html
from dedup.text.metadata import page_metadata


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "at"), [
    # before (int28): 03:10, 03:10, 03:30, 00:10 (the word after a clock that the East Asian forms read was not read)
    ("2022.05.12(목) 03:10 오후", _utc(2022, 5, 12, 15, 10)),
    ("2022년 5월 12일 3시 10분 오후", _utc(2022, 5, 12, 15, 10)),
    ("2023年1月5日(木) 3:30 午後", _utc(2023, 1, 5, 15, 30)),
    ("2022.05.12(목) 12:10 오전", _utc(2022, 5, 12, 0, 10)),
    # before: 2022-05-13 03:10 (PM read by `find_dates`, then 12 hours more for 오후)
    ("2022-05-12 3:10 PM 오후", _utc(2022, 5, 12, 15, 10)),
    # the clocks read right before, which stay
    ("2022.05.12 03:10 오후", _utc(2022, 5, 12, 15, 10)),
    ("2022년 5월 12일 오후 3시 10분", _utc(2022, 5, 12, 15, 10)),
    ("2023年1月5日 午後3時", _utc(2023, 1, 5, 15, 0)),
    ("2022-05-12 13:10 오후", _utc(2022, 5, 12, 13, 10)),
    ("2023年1月5日(木) 10:30", _utc(2023, 1, 5, 10, 30)),
    ("2022-05-12 3:10 AM", _utc(2022, 5, 12, 3, 10)),
])
def test_a_half_day_word_after_any_clock_is_read_once(text: str, at: datetime):
    assert [d.at for d in find_page_dates(text, True, 8)] == [at]


@pytest.mark.parametrize("text", ["By Jane Staff", "Jenny Staff", "By Matthew Staff", "By Patch Staff"])
def test_a_given_name_before_staff_stays_a_person_without_an_outlets_evidence(text: str):
    # before (int28): the organisations 'Jane', 'Jenny', 'Matthew', 'Patch'; the reading before round 29 is back
    byline = parse_byline(text)
    assert (len(byline.people), byline.organisations) == (1, []), text


@pytest.mark.parametrize(("text", "site_names", "desk"), [
    ("By Globe Staff", ("The Boston Globe", "bostonglobe", "www.bostonglobe.com"), "Globe"),  # the site's name ends so
    ("Patch Staff", ("Patch", "tapinto", "www.tapinto.net"), "Patch"),  # the publisher's name
    ("By Herald Staff", (), "Herald"),  # an organisation's word (`_ORG_WORDS`)
    ("By The Patch Staff", (), "The Patch"),  # no person's name opens with 'The'
])
def test_a_word_before_staff_is_a_desk_where_the_page_says_it_is_an_outlet(text: str, site_names: tuple[str, ...],
                                                                            desk: str):
    byline = parse_byline(text, site_names)
    assert (byline.people, byline.organisations) == ([], [desk]), text


def test_a_meta_author_with_a_given_name_before_staff_is_the_pages_author():
    # before (int28): no author (the organisation 'Jane'); before round 29 the person 'Jane'
    html = ("<html><head><title>Council passes budget</title><meta name='author' content='Jane Staff'></head><body>"
            "<article><h1>Council passes budget</h1>"
            + "<p>The town council approved the new budget after a long debate about roads and schools.</p>" * 6
            + "</article></body></html>")
    md = page_metadata(html, "https://www.examplenews.com/a", extract_html(html, None).evidence_blocks or [])
    assert md.authors == ["Jane"]
