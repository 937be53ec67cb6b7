"""The headline's region read down to the story's start (docs/metadata.md "## Cost" round 25): the lines and date
marks below the headline end at the story's first paragraph, which are the story's (read as its blocks); a teaser's
byline below the paragraph is no byline of the page, and the dates read on below it where nothing above states a day
(a post's date line under a one-paragraph story) or a time (a dated aside under the lede)."""

from __future__ import annotations

from dedup.text.headlineregion import read_headline_region
from dedup.text.metadata import page_metadata
from dedup.text.pagehead import read_head
from dedup.text.pagescan import scan_page
from dedup.text.storystart import story_start

STORY = ("The storm reached the coast late on Tuesday, flooding the harbour road and cutting power to some four "
         "thousand homes, the county's emergency office said, as crews worked through the night to clear the lines.")
URL = "https://coast-news.example/news/storm-hits-coast"


def page(below_headline: str, below_story: str) -> str:
    return (f"<html><head><title>Storm hits coast</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Storm hits coast</h1>{below_headline}<p>{STORY}</p>{below_story}</article></body></html>")


def test_story_start_is_the_first_long_block_as_a_text_node_after_the_headline():
    html = page("<p class='meta'>Posted by the desk</p>", "")
    after = html.index("</h1>")
    assert story_start(html, after, len(html), ["Storm hits coast", STORY]) == html.index(STORY)
    # short blocks only, or the paragraph not shown as a text node there (its words in an attribute, an inline
    # tag in its opening): nothing is cut
    assert story_start(html, after, len(html), ["Storm hits coast"]) == -1
    quoted = f"<html><body><h1>Storm</h1><img alt='{STORY}'></body></html>"
    assert story_start(quoted, quoted.index("</h1>"), len(quoted), [STORY]) == -1
    tagged = html.replace("The storm reached", "The <b>storm</b> reached")
    assert story_start(tagged, after, len(tagged), [STORY]) == -1
    assert story_start(html, html.index(STORY) + 1, len(html), [STORY]) == -1  # not after where it was looked for


def test_the_regions_lines_end_at_the_story():
    html = page("<p class='meta'>March 3, 2021</p>", "<ul class='related'><li>By Jane Roe</li></ul>")
    head = read_head(html)
    body, _scripts = scan_page(html, head.end, [STORY])
    read_headline_region(html, head.end, body, ["Storm hits coast", STORY])
    lines = [line for _pos, line in body.window]
    assert "March 3, 2021" in lines and "Home" in lines
    assert STORY not in lines and "By Jane Roe" not in lines


def test_a_teasers_byline_below_the_story_is_no_author():
    # main read every line within 3,000 characters of the headline: the related list's 'By Jane Roe' was the author
    html = page("", "<div class='related'><h3>More stories</h3><ul><li><a href='/x'>Harbour reopens</a></li>"
                    "<li>By Jane Roe</li></ul></div>")
    md = page_metadata(html, URL, ["Storm hits coast", STORY])
    assert md.authors == []
    # a byline above the story is read as before
    md = page_metadata(page("<p>By John Doe</p>", ""), URL, ["Storm hits coast", STORY])
    assert md.authors == ["John Doe"] and md.authors_source == "byline_text"


def test_the_dates_read_below_the_story_where_nothing_above_states_one():
    # a one-paragraph post's date line under it: read, as nothing above states a day
    html = page("", "<h2>Seen by Jason on November 7 2012.</h2>")
    md = page_metadata(html, URL, ["Storm hits coast", STORY])
    assert md.published_at is not None and md.published_at.date().isoformat() == "2012-11-07"
    assert md.published_at_source == "date_line"
    # a dated aside under the lede, with its time of day, where the <time> above states the day only
    html = page("<time datetime='2022-01-21'>21.01.2022</time>",
                "<aside><p class='meta__row'><span class='posted'>21.01.2022 - 13:30</span></p></aside>")
    md = page_metadata(html, URL, ["Storm hits coast", STORY])
    assert md.published_at is not None and md.published_at.isoformat().startswith("2022-01-21T13:30")


def test_a_byline_under_a_standfirst_is_read():
    # review 24: the standfirst (the summary right under the headline, as long as a paragraph) counted as the story's
    # start, so the byline under it was cut from the lines read: the byline lines end at the next long block
    stand = ("The county will rebuild the harbour road before winter after the storm washed out its eastern half, "
             "a decision that pleased the fishermen who had campaigned for it and who now expect work within weeks.")
    html = page(f"<p class='standfirst'>{stand}</p><div class='meta'><span>By Jane Doe</span></div>", "")
    md = page_metadata(html, URL, ["Storm hits coast", stand, STORY])
    assert md.authors == ["Jane Doe"]
    # a block with text between it and the headline is no standfirst: the lines end at it, as before
    html = page(f"<p>Coast desk</p><p>{stand}</p><div><span>By Jane Doe</span></div>", "")
    assert page_metadata(html, URL, ["Storm hits coast", stand, STORY]).authors == []
