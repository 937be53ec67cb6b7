"""Round 21 of the metadata rules (docs/metadata.md, issue 17): a time the page shows without a zone ('15:25 Uhr',
'Updated Oct 29 2012 - 10:30am') is read in the offset the page's own metadata states for a time that day (or that its
published time states), not as UTC; its raw is kept as shown and the source says so. With no offset stated anywhere
it is read as UTC, as before. Short fixtures in the shape of the pages where round 20 found it (dragnet's R116 and
T61, trafilatura-eval's utopia.de and wolfgangmichal.de)."""

from __future__ import annotations

from datetime import datetime, timezone

from dedup.text.metadata import page_metadata

STORY = ("<div class=\"story\"><p>The city council voted on Monday to close the old bridge for repairs, a decision "
         "residents had asked for since the spring floods damaged its eastern pillar.</p>"
         "<p>Work is to start next month and last until the end of the year, the mayor said.</p></div>")


def page(head: str, body: str, lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>Council Closes Old Bridge | Valley Courier</title>{head}'
            f'</head><body><main><h1 class="headline">Council Closes Old Bridge</h1>{body}</main></body></html>')


URL = "https://www.valley-courier.example/news/council-closes-old-bridge"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_a_shown_update_is_read_in_the_offset_the_published_time_element_states():
    # dragnet R116: 'Updated Oct 29 2012 - 10:30am' beside the posted time's <time datetime=...-07:00>; read as UTC it
    # was 7 hours before the publication and dropped by round 20
    posted = '<time datetime="2012-10-29T10:25:32-07:00">Oct 29 2012 - 10:25am</time>'
    md = page_metadata(page('<meta property="article:published_time" content="Mon, 29 Oct 2012 10:25:32 PDT">',
                            f'<p class="meta"><span class="updated">Updated Oct 29 2012 - 10:30am</span> · Posted '
                            f'{posted}</p>' + STORY), URL, [])
    assert md.published_at == utc(2012, 10, 29, 17, 25, 32)
    assert md.modified_at == utc(2012, 10, 29, 17, 30)
    assert md.modified_at_raw == "Updated Oct 29 2012 - 10:30am"
    assert md.modified_at_source == "markup_modified:shown_time_in_page_zone"
    # no offset stated anywhere (the same times written in UTC): the shown time is read as UTC, as before, and the
    # update it names is before the publication
    md = page_metadata(page('<meta property="article:published_time" content="2012-10-29T17:25:32Z">',
                            '<p class="meta"><span class="updated">Updated Oct 29 2012 - 10:30am</span> · Posted '
                            '<time datetime="2012-10-29T17:25:32Z">Oct 29 2012 - 10:25am</time></p>' + STORY), URL, [])
    assert md.published_at == utc(2012, 10, 29, 17, 25, 32)
    assert md.modified_at is None


def test_a_shown_update_is_read_in_the_zone_the_published_meta_value_names():
    # dragnet T61: the only offset the page states is its published time's 'EST'
    md = page_metadata(page('<meta name="pubdate" content="Thu, 09 Aug 2012 10:08:00 EST">',
                            '<p class="posted-and-updated">Posted: <span itemprop="datePublished">08/09/2012 10:08 am'
                            '</span> Updated: <span itemprop="dateModified">08/09/2012 11:02 am</span></p>' + STORY),
                       URL, [])
    assert md.published_at == utc(2012, 8, 9, 15, 8)
    assert (md.modified_at, md.modified_at_raw) == (utc(2012, 8, 9, 16, 2), "08/09/2012 11:02 am")
    assert md.modified_at_source == "markup_modified:shown_time_in_page_zone"


def test_a_shown_published_time_is_read_in_the_offset_of_its_own_time_element():
    # utopia.de: '6. November 2023, 15:25 Uhr' is <time datetime="2023-11-06T15:25:00+01:00">, and the page's meta tags
    # write UTC (+00:00): 14:25 UTC, before the 14:26:51 update (read as UTC it was 15:25, after it)
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
          '"headline": "Council Closes Old Bridge", "datePublished": "2023-11-03T10:25:56+00:00", '
          '"dateModified": "2023-11-06T14:26:51+00:00"}</script>')
    head = ('<meta property="article:published_time" content="2023-11-06T14:25:00+00:00">'
            '<meta property="article:modified_time" content="2023-11-06T14:26:51+00:00">' + ld)
    shown = ('<p class="entry-meta">Kategorien: <a href="/news/">News</a> <span class="entry-date">'
             '<time class="updated" datetime="2023-11-06T15:25:00+01:00"><nobr>6. November 2023, 15:25 Uhr'
             '</nobr></time></span></p>')
    md = page_metadata(page(head, shown + STORY, lang="de"), URL, [])
    assert md.published_at == utc(2023, 11, 6, 14, 25)
    assert md.published_at_raw.startswith("6. November 2023, 15:25 Uhr")
    assert md.published_at_source.endswith(":shown_time_in_page_zone")
    assert (md.modified_at, md.modified_at_source) == (utc(2023, 11, 6, 14, 26, 51), "jsonld")


def test_a_shown_time_that_names_its_zone_is_read_in_it_once():
    # wolfgangmichal.de: '7. Jun 2017, 11:19' under a +02:00 published time is 09:19 UTC; the same line naming its zone
    # is read in that zone and is not moved again
    head = '<meta name="shareaholic:article_published_time" content="2017-06-07T11:19:22+02:00">'
    md = page_metadata(page(head, '<p><span class="published">7. Jun 2017, 11:19</span></p>' + STORY, lang="de"),
                       URL, [])
    assert (md.published_at, md.published_at_raw) == (utc(2017, 6, 7, 9, 19), "7. Jun 2017, 11:19")
    assert md.published_at_source == "markup_published:shown_time_in_page_zone"
    md = page_metadata(page(head, '<p><span class="published">7. Jun 2017, 11:19 MESZ</span></p>' + STORY, lang="de"),
                       URL, [])
    assert (md.published_at, md.published_at_source) == (utc(2017, 6, 7, 9, 19), "markup_published")
