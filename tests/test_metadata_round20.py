"""Round 20 of the metadata rules (docs/metadata.md, issue 17): a page's modified time is never before its published
time. Times stated at different precisions are compared at the coarser one ('Updated: 04 Sep 2023 16:17 UTC' names
the minute of a 16:17:54 publication: that time, its raw kept); an update truly before the publication (a footer's
policy date, WordPress's dateModified of a post saved before its scheduled publication) is no update of the published
page, and the next update evidence is taken, if any. Short fixtures in the shape of the pages where the syndication
bench and trafilatura-eval showed it (the syndication crawl's wire pages, decohome.de, swim.de, hoy.com.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from dedup.text.metadata import page_metadata

STORY = ("<div class=\"story\"><p>Berlin (dpa) - Holiday parties are a great excuse to indulge in sweets, libations "
         "and splurgy dresses for your little sugarplums, whatever her style.</p>"
         "<p>This article has been updated to reflect new information.</p></div>")


def page(head: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><title>Holiday Dresses for Girls | Oakdale Monitor</title>{head}'
            f'</head><body><main><h1 class="headline">Holiday Dresses for Girls</h1>{body}</main></body></html>')


URL = "https://www.oakdale-monitor.example/2023/09/04/holiday-dresses-for-girls.html"
PUBLISHED = '<meta property="article:published_time" content="2023-09-04T16:17:54Z">'


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def jsonld(published: str, modified: str) -> str:
    return ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "BlogPosting", '
            f'"headline": "Holiday Dresses for Girls", "datePublished": "{published}", "dateModified": "{modified}"}}'
            '</script>')


def test_an_update_line_read_to_the_minute_names_the_publication_minute():
    # the syndication crawl's wire pages: the visible 'Updated' line states the published time to the minute
    md = page_metadata(page(PUBLISHED, '<div class="byline">Deutsche Presse-Agentur</div>'
                                       '<time datetime="2023-09-04T16:17:54Z">Updated: 04 Sep 2023 16:17 UTC</time>'
                                       + STORY), URL, [])
    assert md.published_at == utc(2023, 9, 4, 16, 17, 54)
    assert md.modified_at == md.published_at  # not 16:17:00, 54 seconds before the publication
    assert md.modified_at_raw == "Updated: 04 Sep 2023 16:17 UTC"
    assert md.modified_at_source == "date_line_updated:published_within_its_precision"


def test_a_footer_policy_date_before_the_publication_is_no_update():
    # clearwater-post in the syndication crawl: a cookie banner's link names the privacy policy's date, 12 years before
    md = page_metadata(page(PUBLISHED, STORY + '<div id="cookie-banner" class="cookie"><p>Terms of Service »</p>'
                                               '<p>Privacy Policy - UPDATED 10/18/2011 »</p></div>'), URL, [])
    assert md.published_at == utc(2023, 9, 4, 16, 17, 54)
    assert (md.modified_at, md.modified_at_raw, md.modified_at_source) == (None, None, None)


def test_a_draft_saved_before_a_scheduled_publication_gives_way_to_the_next_update():
    # decohome.de: WordPress's JSON-LD dateModified is the draft's last save, 3 days before the scheduled publication;
    # the meta tag states the update after it
    ld = jsonld("2023-01-01T07:00:55+00:00", "2022-12-29T13:25:54+00:00")
    md = page_metadata(page(ld + '<meta property="article:modified_time" content="2023-01-03T09:12:00+00:00">', STORY),
                       URL, [])
    assert md.published_at == utc(2023, 1, 1, 7, 0, 55)
    assert (md.modified_at, md.modified_at_source) == (utc(2023, 1, 3, 9, 12), "meta")
    # without the meta tag, nothing states an update after the publication
    md = page_metadata(page(ld, STORY), URL, [])
    assert md.published_at == utc(2023, 1, 1, 7, 0, 55)
    assert md.modified_at is None


def test_times_stated_to_the_second_six_seconds_apart_are_truly_before():
    # hoy.com.py: datePublished 09:30:19, dateModified 09:30:13
    md = page_metadata(page(jsonld("2022-05-06T09:30:19+00:00", "2022-05-06T09:30:13+00:00"), STORY), URL, [])
    assert md.published_at == utc(2022, 5, 6, 9, 30, 19)
    assert md.modified_at is None


def test_a_date_only_modified_day_names_the_publication_day():
    # swim.de: dateModified '2022-02-03' (midnight, 15 hours before) beside datePublished 14:54:56 the same day
    md = page_metadata(page(jsonld("2022-02-03T14:54:56+00:00", "2022-02-03"), STORY), URL, [])
    assert md.modified_at == md.published_at == utc(2022, 2, 3, 14, 54, 56)
    assert (md.modified_at_raw, md.modified_at_source) == ("2022-02-03", "jsonld:published_within_its_precision")
