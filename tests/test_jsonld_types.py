"""One reading of a JSON-LD object's `@type` (`dedup.text.jsonld.ld_types`) for the metadata, the licence, the
attribution and `page_type`: a type written as its schema.org URL ('https://schema.org/NewsArticle', as real pages
do) or compact IRI ('schema:NewsArticle') is the type."""

from __future__ import annotations

import json

import pytest

from dedup.rights.attribution import jsonld_attribution
from dedup.rights.licence import jsonld_licence_evidence
from dedup.text.extract import _extract_row
from dedup.text.jsonld import ld_types, read_jsonld, type_name
from dedup.text.markup import is_article, page_type

FORMS = ["NewsArticle", "http://schema.org/NewsArticle", "https://schema.org/NewsArticle",
         "https://www.schema.org/NewsArticle", "HTTP://Schema.org/NewsArticle", "schema:NewsArticle",
         ["http://schema.org/NewsArticle"], ["https://schema.org/NewsArticle", "https://schema.org/CreativeWork"]]

_STORY = " ".join(["The harbour authority said on Tuesday that the new breakwater would be finished before the winter "
                   "storms, two years later than first planned and at nearly twice the original cost."] * 3)


def _page(type_: object) -> bytes:
    ld = {"@context": "https://schema.org", "@type": type_, "headline": "Harbour breakwater delayed again",
          "license": "https://creativecommons.org/licenses/by/4.0/",
          "author": {"@type": "https://schema.org/Organization", "name": "Reuters"}}
    paras = "".join(f"<p>{_STORY} ({i})</p>" for i in range(4))
    return (f'<html><head><title>Harbour breakwater delayed again</title><script type="application/ld+json">'
            f'{json.dumps(ld)}</script></head><body><article><h1>Harbour breakwater delayed again</h1>{paras}'
            '</article></body></html>').encode()


@pytest.fixture(scope="module")
def bare_row() -> dict:
    return _extract_row(_page("NewsArticle"), None, "https://news.example/harbour", "utf-8", "news.example")


@pytest.mark.parametrize("type_", FORMS[1:], ids=lambda t: json.dumps(t))
def test_a_schema_org_url_type_keeps_the_licence_and_page_type(type_, bare_row):
    row = _extract_row(_page(type_), None, "https://news.example/harbour", "utf-8", "news.example")
    assert bare_row["licence_spdx"] == "CC-BY-4.0" and bare_row["page_type"] == "NewsArticle"
    assert row["licence_spdx"] == "CC-BY-4.0"
    assert row["page_type"].split(",")[0] == "NewsArticle"
    for key in ("licence_spdx", "licence_scope", "licence_evidence", "agency", "attribution_evidence", "title",
                "authors", "publisher"):
        assert row[key] == bare_row[key], key


@pytest.mark.parametrize("type_", FORMS, ids=lambda t: json.dumps(t))
def test_every_reader_sees_the_same_type(type_):
    obj = {"@type": type_, "license": "https://creativecommons.org/licenses/by-sa/4.0/",
           "author": {"@type": "Organization", "name": "Associated Press"}, "publisher": {"name": "Harbour Times"}}
    page = {"@type": "WebPage", "author": "Site Team", "publisher": {"name": "Example Portal"}}
    assert "newsarticle" in ld_types(obj)
    assert is_article(obj)
    assert read_jsonld([obj]).article is obj
    assert [e.spdx for e in jsonld_licence_evidence([obj])] == ["CC-BY-SA-4.0"]
    found = jsonld_attribution([page, obj])  # the article's credits, not the web page's
    assert (found["authors"], found["publisher"], found["agency"]) == (["Associated Press"], "Harbour Times",
                                                                      "Associated Press")


def test_type_name_and_ld_types():
    assert type_name("https://schema.org/NewsArticle") == "NewsArticle"
    assert type_name("schema:BlogPosting") == "BlogPosting"
    # other vocabularies and odd strings are left as they are
    assert type_name("http://ogp.me/ns#article") == "http://ogp.me/ns#article"
    assert type_name("https://schema.org.evil.test/Article") == "https://schema.org.evil.test/Article"
    assert ld_types({"@type": ["https://schema.org/Article", 3, None, "WebPage"]}) == {"article", "webpage"}
    assert ld_types({"@type": {"x": 1}}) == set() and ld_types({}) == set()
    assert page_type([{"@type": ["https://schema.org/BlogPosting", "schema:WebPage"]}]) == "BlogPosting,WebPage"
