"""Review round 28's left finding on the metadata rules (docs/architecture.md): a plain word before 'Staff' names an
outlet's desk where it is a whole word of the site's name, publisher or host label ('Globe' of The Boston Globe,
'Post' of washingtonpost.com), not where the folded name only ends with its letters ('Ian' of theguardian.com, 'Ed'
of wired.com)."""

from __future__ import annotations

import pytest

from dedup.text.byline import parse_byline
from dedup.text.extract import extract_html
from dedup.text.metadata import page_metadata

STORY = ("The council approved the new budget after a long debate about the roads, the schools and the harbour, "
         "and the mayor said the vote would let the works begin in the spring.")


def _authors_and_byline(url: str, byline: str, site_name: str | None = None) -> list[str]:
    meta = f"<meta property='og:site_name' content='{site_name}'>" if site_name else ""
    html = (f"<html><head><title>Council passes budget</title>{meta}</head><body><article>"
            f"<h1>Council passes budget</h1><p class='byline'>{byline}</p>" + f"<p>{STORY}</p>" * 5
            + "</article></body></html>")
    return page_metadata(html, url, extract_html(html, url).evidence_blocks or []).authors


@pytest.mark.parametrize(("url", "site_name", "byline", "person"), [
    ("https://www.theguardian.com/uk-news/2024/may/03/council-budget", "The Guardian", "By Ian Staff", "Ian"),
    ("https://www.theguardian.com/uk-news/2024/may/03/council-budget", None, "By Ian Staff", "Ian"),
    ("https://www.wired.com/story/council-budget/", "WIRED", "By Ed Staff", "Ed"),
    ("https://www.wired.com/story/council-budget/", None, "By Ed Staff", "Ed"),
])
def test_a_given_name_the_sites_name_only_ends_with_stays_a_person(url: str, site_name: str | None, byline: str,
                                                                   person: str):
    # before (int29): no author, the organisation 'Ian' / 'Ed' ('theguardian' and 'wired' end with those letters)
    assert _authors_and_byline(url, byline, site_name) == [person]


@pytest.mark.parametrize(("text", "site_names", "person"), [
    ("By Ian Staff", ("The Guardian", "theguardian", "www.theguardian.com"), "Ian"),
    ("By Ed Staff", ("WIRED", "wired", "www.wired.com"), "Ed"),
    ("By Ian Staff", ("theguardian", "www.theguardian.com"), "Ian"),
    ("By Mark Staff", ("The Landmark", "thelandmark", "www.thelandmark.com"), "Mark"),
])
def test_parse_byline_keeps_the_person_whose_name_only_ends_a_site_name(text: str, site_names: tuple[str, ...],
                                                                        person: str):
    byline = parse_byline(text, site_names)
    assert (byline.people, byline.organisations) == ([person], []), text


@pytest.mark.parametrize(("text", "site_names", "desk"), [
    ("By Globe Staff", ("The Boston Globe", "bostonglobe", "www.bostonglobe.com"), "Globe"),
    ("By Globe Staff", ("bostonglobe", "www.bostonglobe.com"), "Globe"),  # the host label alone: a paper's word
    ("By Globe Staff", ("BostonGlobe.com", "bostonglobe"), "Globe"),  # a name in camel case
    ("By Post Staff", ("The Washington Post", "washingtonpost", "www.washingtonpost.com"), "Post"),
    ("By Post Staff", ("washingtonpost", "www.washingtonpost.com"), "Post"),
    ("By Star Staff", ("thestar", "www.thestar.com"), "Star"),
    ("By Herald Staff", (), "Herald"),
    ("Patch Staff", ("Patch", "tapinto", "www.tapinto.net"), "Patch"),
])
def test_a_whole_word_of_the_sites_names_before_staff_is_still_a_desk(text: str, site_names: tuple[str, ...],
                                                                       desk: str):
    byline = parse_byline(text, site_names)
    assert (byline.people, byline.organisations) == ([], [desk]), text


def test_a_desk_on_its_own_papers_page_gives_no_author():
    assert _authors_and_byline("https://www.washingtonpost.com/local/2024/05/03/council-budget/",
                               "By Post Staff") == []
    assert _authors_and_byline("https://www.bostonglobe.com/2024/05/03/metro/council-budget/",
                               "By Globe Staff", "The Boston Globe") == []
