"""Round 24 of the metadata rules (docs/metadata.md, issue 17): the kinds round 23's audit of unseen pages left. A
serial comma before the last author; a trade after the name ('Engineer Google Photos'); a paper named with a word its
title closes with ('Argus Leader') or with 'The' before it. Short fixtures in the shape of the pages where the audit's
samples showed them (nysscpa.org's journal, Google's blogs, usatoday.com, abs-cbnnews.com, nolo.com)."""

from __future__ import annotations

from dedup.text.byline import parse_byline
from dedup.text.metadata import page_metadata

ARTICLE = ("The auditors found that most of the companies in the sample had changed the way they report revenue "
           "after the new standard came into force, and that the change was larger for the smaller firms.")


def test_a_serial_comma_keeps_the_last_author():
    assert parse_byline("By David Joy, Jo Koehn, and Janice Klimek").people == ["David Joy", "Jo Koehn",
                                                                                 "Janice Klimek"]
    assert parse_byline("By Jane Anderson, Bob Andrews, and Carl Sandburg").people == ["Jane Anderson", "Bob Andrews",
                                                                                       "Carl Sandburg"]
    # without the serial comma, as before
    assert parse_byline("By David Joy, Jo Koehn and Janice Klimek").people == ["David Joy", "Jo Koehn",
                                                                               "Janice Klimek"]
    html = ("<html><head><title>Revenue Recognition</title></head><body><h1>Revenue Recognition</h1>"
            "<p class='byline'>By David Joy, Jo Koehn, and Janice Klimek</p>"
            f"<p>{ARTICLE}</p></body></html>")
    md = page_metadata(html, "http://www.cpajournal.example/2004/604/essentials/p36.htm", [ARTICLE])
    assert md.authors == ["David Joy", "Jo Koehn", "Janice Klimek"]


def test_a_trade_after_the_name_is_no_person():
    # Google's blogs sign a post with the writer's trade and team
    assert parse_byline("Posted by Dave Cohen, Engineer Google Photos").people == ["Dave Cohen"]
    assert parse_byline("Posted by Jane Doe, Software Engineer").people == ["Jane Doe"]
    assert parse_byline("Posted by Jane Doe, Designer, Google Maps").people == ["Jane Doe"]
    # the trade before a name on a line of its own, or after '&', still opens a person's name (nolo.com)
    assert parse_byline("by\nAttorney Ilona Bray &\nAttorney Richard A. Boswell").people == ["Ilona Bray",
                                                                                             "Richard A. Boswell"]
    assert parse_byline("By Jane Doe and Senior Editor John Roe").people == ["Jane Doe", "John Roe"]


def test_a_papers_name_is_no_person():
    byline = parse_byline("By Lisa Kaczke, Trevor J. Mitchell, Sioux Falls Argus Leader")
    assert byline.people == ["Lisa Kaczke", "Trevor J. Mitchell"]
    assert byline.organisations == ["Sioux Falls Argus Leader"]
    byline = parse_byline("Evelyn Macairan, The Philippine Star")
    assert byline.people == ["Evelyn Macairan"]
    assert byline.organisations == ["The Philippine Star"]
    # a name that only opens with the letters of 'The', or holds an article further in, is still a person's
    assert parse_byline("By Jane Doe, Theo The Roe").people == ["Jane Doe", "Theo The Roe"]
    assert parse_byline("By Jane Doe and Jean-Marie Le Pen").people == ["Jane Doe", "Jean-Marie Le Pen"]
