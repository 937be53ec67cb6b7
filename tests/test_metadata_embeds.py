"""Embedded social posts (a Facebook post, an Instagram post, a tweet) quote someone else: their names and dates
never become the page's authors or published date (docs/metadata.md, round 13's loose end)."""

from __future__ import annotations

from datetime import datetime, timezone

from conftest import shared_path

from dedup.text.metadata import page_metadata

URL = "https://example.org/2022/02/housing/rents"
HEADLINE = "The council will freeze the rents of its flats"
STORY = ["The council voted on Monday to freeze the rents of the flats it owns for another two years.",
         "Tenants had asked for the freeze since the autumn, when heating costs began to climb.",
         "The opposition said the money would be missing from the repair budget next year."]

FB_POST = ('<div class="fb-post" data-href="https://www.facebook.com/jane.roe.42/posts/4888272" data-width="600">'
           '<blockquote cite="https://graph.facebook.com/100044264924472/posts/4888272/">'
           '<p>Prices for everyday life are exploding, everything is getting more expensive.</p>'
           '<p>Posted by <a href="https://www.facebook.com/jane.roe.42">Jane Roe</a> on&nbsp;'
           '<a href="https://graph.facebook.com/100044264924472/posts/4888272/">Sunday, February 6, 2022</a></p>'
           '</blockquote></div>')
FB_LINES = ["Prices for everyday life are exploding, everything is getting more expensive.",
            "Posted by Jane Roe on Sunday, February 6, 2022"]
INSTAGRAM = ('<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/BQ3xY/" '
             'data-instgrm-version="7"><div><p><a href="https://www.instagram.com/p/BQ3xY/">Back on stage tonight!'
             '</a></p><p>A post shared by Jane Roe (@janeroe) on <time datetime="2017-02-20T19:01:15+00:00">'
             'Feb 20, 2017 at 11:01am PST</time></p></div></blockquote>')
INSTAGRAM_LINES = ["Back on stage tonight!", "A post shared by Jane Roe (@janeroe) on Feb 20, 2017 at 11:01am PST"]
TWEET = ('<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">We will keep the rents where they '
         'are. <a href="https://t.co/x1">pic.twitter.com/x1</a></p>&mdash; Jane Roe (@janeroe) '
         '<a href="https://twitter.com/janeroe/status/1490">February 6, 2022</a></blockquote>')
TWEET_LINES = ["We will keep the rents where they are. pic.twitter.com/x1",
               "— Jane Roe (@janeroe) February 6, 2022"]


def page(embed: str, embed_lines: list[str], before: int = 1, byline: str = "") -> tuple[str, list[str]]:
    """A story whose `before` first paragraphs precede the embed; `byline` (a line under the headline) if any."""
    paragraphs = [f"<p>{t}</p>" for t in STORY]
    body = (f"<article><h1>{HEADLINE}</h1>" + (f"<p>{byline}</p>" if byline else "") + "".join(paragraphs[:before])
            + embed + "".join(paragraphs[before:]) + "</article>")
    html = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{HEADLINE}</title></head>"
            f"<body>{body}</body></html>")
    return html, [HEADLINE, *([byline] if byline else []), *STORY[:before], *embed_lines, *STORY[before:]]


def padding(count: int) -> list[str]:
    return [f"Paragraph {i} of a long story about the rents and what tenants pay for them." for i in range(count)]


def test_a_facebook_posts_header_is_not_the_pages_byline_nor_its_date():
    # spoe.at's shape: the embed's 'Posted by … on Sunday, …' among the first blocks, and further down
    for before, filler in ((0, 0), (3, 12)):
        html, blocks = page(FB_POST, FB_LINES, before)
        if filler:
            pad = padding(filler)
            blocks = blocks[:1] + pad + blocks[1:]
            html = html.replace("</h1>", "</h1>" + "".join(f"<p>{t}</p>" for t in pad))
        md = page_metadata(html, URL, blocks)
        assert md.authors == [], (before, md.authors, md.authors_source)
        assert md.published_at is None or md.published_at.date().isoformat() != "2022-02-06", md.published_at


def test_an_instagram_post_and_a_tweet_name_nobody_and_date_nothing():
    for embed, lines in ((INSTAGRAM, INSTAGRAM_LINES), (TWEET, TWEET_LINES)):
        html, blocks = page(embed, lines, 0)
        md = page_metadata(html, URL, blocks)
        assert md.authors == [], (lines[-1], md.authors, md.authors_source)
        assert md.published_at is None, (lines[-1], md.published_at, md.published_at_source)


def test_the_pages_own_byline_and_date_stay_beside_an_embed():
    html, blocks = page(FB_POST + INSTAGRAM, FB_LINES + INSTAGRAM_LINES, 0,
                        byline="By John Smith on Friday, February 4, 2022")
    md = page_metadata(html, URL, blocks)
    assert md.authors == ["John Smith"]
    assert md.published_at == datetime(2022, 2, 4, tzinfo=timezone.utc)


def test_an_embeds_fixed_phrases_without_its_markup():
    # the network's class gone (a privacy plugin's copy, a feed's): Instagram's own phrase still quotes a post,
    # and a plain blockquote closing on Facebook's 'Posted by … on <weekday>, …' is that post
    bare = INSTAGRAM.replace('class="instagram-media" ', "")
    html, blocks = page(bare, INSTAGRAM_LINES, 0)
    md = page_metadata(html, URL, blocks)
    assert md.authors == [] and md.published_at is None, (md.authors, md.published_at)
    html, blocks = page("", INSTAGRAM_LINES, 0)  # the lines alone, no markup at all
    md = page_metadata(html, URL, blocks)
    assert md.authors == [] and md.published_at is None, (md.authors, md.published_at)
    # ... further down too, where a date line is looked for below the headline when none stands near it
    pad = padding(60)
    html, blocks = page("".join(f"<p>{t}</p>" for t in pad) + "<p>" + "</p><p>".join(INSTAGRAM_LINES) + "</p>",
                        pad + INSTAGRAM_LINES, 0)
    md = page_metadata(html, URL, blocks)
    assert md.authors == [] and md.published_at is None, (md.authors, md.published_at, md.published_at_source)
    quote = FB_POST.replace('<div class="fb-post" data-href="https://www.facebook.com/jane.roe.42/posts/4888272" '
                            'data-width="600">', "<div>").replace(' cite="https://graph.facebook.com/100044264924472/'
                                                                  'posts/4888272/"', "")
    html, blocks = page(quote, FB_LINES, 0)
    md = page_metadata(html, URL, blocks)
    assert md.authors == [] and md.published_at is None, (md.authors, md.published_at)


def test_a_posted_by_line_outside_any_embed_is_still_a_byline():
    # round 13's weekday rule stands where no embed is: a blog's own 'Posted by … on <weekday>, …'
    html, blocks = page("", [], 0, byline="Posted by Jane Roe on Sunday, February 6, 2022")
    md = page_metadata(html, URL, blocks)
    assert md.authors == ["Jane Roe"]
    assert md.published_at == datetime(2022, 2, 6, tzinfo=timezone.utc)


def test_spoe_at_embedded_facebook_posts():
    """spoe.at (trafilatura-eval, no author gold): two embedded Facebook posts, 'Posted by SPÖ on Monday, February 7,
    2022' and 'Posted by Pamela Rendi-Wagner on Sunday, February 6, 2022'; the page names no writer."""
    import gzip
    import json

    from dedup.text.extract import extract_html
    from dedup.text.pagechecks import decode_html

    root = shared_path("corpora", "trafilatura-eval")
    url = "https://www.spoe.at/2022/02/04/automatische-mieterhoehung-verhindern/"
    item = json.loads((root / "evaldata.json").read_text("utf-8"))[url]
    md = extract_html(decode_html(gzip.decompress((root / item["file"]).read_bytes())), url).metadata
    assert md.authors == [], (md.authors, md.authors_source)
    assert md.published_at is not None and md.published_at.date().isoformat() == item["date"]
