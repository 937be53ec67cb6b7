"""Round 19 of the metadata rules (docs/metadata.md, issue 17): attribution on pages the rules were not tuned on.
A Blogger footer's '@' that says "at"; a picture's credit that names a picture agency is no byline; US zones written
without their season ('ET', 'PT'); a numeric date that reads both ways, decided by the weekday named before it or by
a zone only North America writes. Short fixtures in the shape of the pages where the probe showed them (Blogger's
classic template, fannation.com, online.wsj.com, nhl.com, ubergizmo.com)."""

from __future__ import annotations

from datetime import datetime, timezone

from dedup.text.byline import parse_byline
from dedup.text.dates import find_dates
from dedup.text.metadata import page_metadata

STORY = "<p>The story's first paragraph, long enough to be read as the body of the page and nothing else.</p>"


def html(body: str, lang: str = "en") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!DOCTYPE html><html{lang_attr}><head><title>Wii U week</title></head><body>{body}</body></html>"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_a_blogger_footer_names_its_poster_before_an_at_sign():
    # Blogger's classic template: 'posted by NAME @ TIME' under the post; '@' alone says "at", it is no handle
    page = html('<h1 id="blog-title">Ad rants</h1><h3 class="post-title">Top 5 posts of the week.</h3>'
                + STORY + '<p class="post-footer"><em>posted by copyranter @ <a href="/p.html">2:23 PM</a></em></p>')
    md = page_metadata(page, "https://adrants.example/2012/10/top-5.html",
                       ["Top 5 posts of the week.", "The story's first paragraph, long enough to be read.",
                        "posted by copyranter @ 2:23 PM"])
    assert md.authors == ["copyranter"]
    assert parse_byline("posted by copyranter @ 2:23 PM").people == ["copyranter"]


def test_a_caption_crediting_a_picture_agency_is_no_byline():
    # fannation.com: the photo's caption, its subject and its photographer, stands first in the story's blocks
    caption = "Jay Cutler, Dennis Wierzbicki-US PRESSWIRE"
    page = html(f"<h1>Bears rally past Titans</h1><p>{caption}</p>" + STORY)
    md = page_metadata(page, "https://fannation.example/blogs/bears", [caption, "The story's first paragraph."])
    assert md.authors == []
    for credit in ("Jane Doe / Getty Images", "Chip Somodevilla/Getty Images", "Jane Doe, USA TODAY Sports"):
        assert parse_byline(credit).people == []
    assert parse_byline("By Jane Doe, Staff Writer").people == ["Jane Doe"]
    # the newspaper it credits, closing the story in italics, is no signature either
    assert parse_byline("Chicago Sun Times").people == []


def test_a_us_zone_without_its_season_is_read_by_the_date():
    # online.wsj.com: '10:49 p.m. ET' on 23 July is daylight time, 02:49 UTC on the 24th (it was read as UTC)
    page = html('<h1>Penn State sanctions</h1><p class="date">Updated July 23, 2012, 10:49 p.m. ET</p>' + STORY)
    md = page_metadata(page, "https://online.wsj.example/article/penn-state.html", [])
    assert md.published_at == utc(2012, 7, 24, 2, 49)
    assert md.published_at_raw.endswith("July 23, 2012, 10:49 p.m. ET")
    assert find_dates("Jan 5 2012, 12:50 PM PT")[0].at == utc(2012, 1, 5, 20, 50)  # standard time
    # the rule before 2007: daylight time from April's first Sunday; since 2007 from March's second Sunday
    assert find_dates("March 20, 2006, 9:00 AM ET")[0].at == utc(2006, 3, 20, 14, 0)
    assert find_dates("March 20, 2012, 9:00 AM ET")[0].at == utc(2012, 3, 20, 13, 0)
    assert find_dates("à 10:30 et le 12 mai 2020")[0].at == utc(2020, 5, 12)  # 'et' is a word, no zone


def test_the_weekday_named_before_a_numeric_date_decides_its_reading():
    # nhl.com writes month first with dots; 'Monday' is 5 November 2012, not 11 May (a Friday)
    page = html('<h1>Lockout talks resume</h1><p>Monday, 11.05.2012 / 9:44 PM /</p>' + STORY)
    md = page_metadata(page, "https://www.nhl.example/ice/news.htm?id=1", [])
    assert md.published_at == utc(2012, 11, 5, 21, 44)
    assert find_dates("Dienstag, 06.11.2012")[0].day.isoformat() == "2012-11-06"  # the language's reading agrees
    assert find_dates("12.04.2004 21:17")[0].day.isoformat() == "2004-04-12"  # nothing else says: day first


def test_a_north_american_zone_makes_a_numeric_date_month_first():
    # ubergizmo.com states no language (day first by default): 'PST' is only written in North America, where 11/12
    # is 12 November
    page = html('<h1>Tablet sales double</h1><p class="byline">by Jane Doe on 11/12/2012 15:23 PST</p>' + STORY,
                lang="")
    md = page_metadata(page, "https://www.ubergizmo.example/2012/11/tablet-sales/", [])
    assert md.published_at == utc(2012, 11, 12, 23, 23)
    assert find_dates("11/12/2012 15:23 CET")[0].day.isoformat() == "2012-12-11"


def test_links_to_the_sites_own_people_pages_name_the_authors():
    # a journal's article page (cleaneval): its authors only as links to their pages on the site, no 'author' word
    page = html('<h1>Growth of GaN crystals</h1><p><a href="/people/i-grzegory.html">I. Grzegory</a>, '
                '<a href="/people/m-bockowski.html">M. Bockowski</a></p>' + STORY)
    assert page_metadata(page, "http://journal.example/1/20/complete.html", []).authors == ["I. Grzegory",
                                                                                           "M. Bockowski"]
    # not a partner site's page, nor a page below a person's (another story of theirs)
    for href in ("http://www.partner.example/people/stylewatch", "http://www.flickr.example/people/38796531@N08/",
                 "/people/eric_mack/2012/11/07/fantasy-football.html"):
        page = html(f'<h1>Growth of GaN crystals</h1><p><a href="{href}">Eric Mack</a></p>' + STORY)
        assert page_metadata(page, "http://journal.example/1/20/complete.html", []).authors == []
