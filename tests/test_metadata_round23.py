"""Round 23 of the metadata rules (docs/metadata.md, issue 17): a precision audit on pages nobody tuned on. A blog's or
a site's name in the only `<h1>` (a banner linking home) is no title, and the post's heading below it, which the
`<title>` states beside that name, is; a byline's date is followed by where the story was filed, not by another author;
a job title after a name is no second person; an author box's link labels are no names. Short fixtures in the shape
of the pages where the audit's sample showed them (typepad and Blogger blogs, whitehouse.gov's blog, theatermania.com,
Google's blogs, freelanceswitch.com)."""

from __future__ import annotations

import pytest

from dedup.text.byline import parse_byline
from dedup.text.metadata import page_metadata

POST = ("Newsjacking is the art of injecting your ideas into a breaking news story, and most of the time it works "
        "because the people covering the story are looking for a fresh angle on it.")


def blog_page(title: str, banner: str, heading: str, head: str = "") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body><div id='banner'>{banner}</div>"
            f"<div class='entry'><h3 class='entry-header'>{heading}</h3><p>Posted by Jane Doe on September 24, 2012"
            f"</p><p>{POST}</p></div></body></html>")


def test_the_blogs_name_over_the_post_is_no_title_the_post_heading_is():
    # typepad: the blog's name in the only <h1>, a link to its front page; the post's heading in an <h3>
    html = blog_page("Web Ink Now: When newsjacking is in poor form",
                     '<h1 id="banner-header"><a href="http://www.webinknow.example/">Web Ink Now</a></h1>',
                     "When newsjacking is in poor form")
    md = page_metadata(html, "http://www.webinknow.example/2012/09/newsjacking.html", [POST])
    assert md.title == "When newsjacking is in poor form"
    assert md.title_source == "subheading_in_html_title"
    # the blog's name in the <h1> without a link, the <title> 'Blog: Post' (Blogger's classic titles)
    html = blog_page("Seth's Blog: The importance of going first", "<h1>Seth's Blog</h1>",
                     "The importance of going first")
    md = page_metadata(html, "http://sethgodin.example/2012/07/the-importance.html", [POST])
    assert md.title == "The importance of going first"
    # with no such heading below it, the title is the <title>'s as before (a topic in the <h1>: its rest is no
    # heading the page shows)
    html = blog_page("Babylon 5: The Complete Fourth Season Review", "<h1>Babylon 5</h1>", "Season four")
    md = page_metadata(html, "http://dvd.reviews.example/articles/491629.html", [POST])
    assert md.title == "Babylon 5: The Complete Fourth Season Review"


def test_an_h1_that_only_links_home_or_up_is_the_sites_banner_not_the_title():
    # whitehouse.gov's blog: the section's name in the only <h1>, a link to the section the post sits in
    html = ('<html><head><title>President Obama Offers Comfort to Aurora | The White House</title></head><body>'
            '<div class="blog-header"><h1 class="blog-header-text"><a href="/blog">The White House Blog</a></h1></div>'
            f'<div class="post"><p>{POST}</p></div></body></html>')
    url = "http://www.whitehouse.example/blog/2012/07/23/president-obama-offers-comfort-aurora"
    md = page_metadata(html, url, [POST])
    assert md.title is not None and md.title.startswith("President Obama Offers Comfort to Aurora")
    # a headline that links to the page itself, or to nothing, is the headline
    for h1 in ('<h1><a href="/blog/2012/07/23/president-obama-offers-comfort-aurora">Obama Offers Comfort to the '
               'People of Aurora</a></h1>', "<h1>Obama Offers Comfort to the People of Aurora</h1>"):
        page = html.replace('<a href="/blog">The White House Blog</a>', h1.removeprefix("<h1>").removesuffix("</h1>"))
        assert page_metadata(page, url, [POST]).title == "Obama Offers Comfort to the People of Aurora", h1
    # on the front page itself, the <h1> that links to it names the page
    front = ("<html><head><title>Colours of the Soul - Photography by Gaby</title></head><body>"
             '<h1><a href="/">Colours of the Soul - Photography by Gaby</a></h1>'
             f"<p>{POST}</p></body></html>")
    md = page_metadata(front, "http://www.colours.example/", [POST])
    assert md.title == "Colours of the Soul - Photography by Gaby" and md.title_source == "h1_in_html_title"


def test_a_byline_dates_place_is_no_author():
    # theatermania.com: a desk, the date, then the city the story was filed from
    assert parse_byline("By Editorial Staff • Nov 6, 2012 • New York City").people == []
    assert parse_byline("By Jane Doe | May 3, 2021 | Berlin Bureau Chief Office").people == ["Jane Doe"]
    assert parse_byline("By Jane Doe • Nov 6, 2012 • San Francisco").people == ["Jane Doe"]
    # a date before the names, or a date line's label before it, leaves the names after it as they were
    assert parse_byline("Nov 6, 2012 - By Jane Doe and John Roe").people == ["Jane Doe", "John Roe"]
    assert parse_byline("Posted on November 6, 2012 by Jane Doe").people == ["Jane Doe"]


def test_a_job_title_after_the_name_is_no_second_person():
    # Google's blogs: 'Posted by <name>, <title>, <region>'
    byline = parse_byline("Posted by Debbie Jaffe, New Business Development Director, Latin America")
    assert byline.people == ["Debbie Jaffe"]
    assert parse_byline("By Jane Doe, Senior Vice President, Acme Corp").people == ["Jane Doe"]
    # a name with its role after it keeps the name; two names stay two people
    assert parse_byline("By Jane Doe Staff Writer").people == ["Jane Doe"]
    assert parse_byline("By Jane Doe and John Roe, Staff Writers").people == ["Jane Doe", "John Roe"]


def test_an_author_boxs_link_labels_are_no_names():
    # freelanceswitch.com: the author box's links under the post ('Website | Other Articles')
    html = ('<html><head><title>Keeping Your Files Secure</title></head><body><h1>Keeping Your Files Secure</h1>'
            f'<p>{POST}</p><div class="author-box"><ul><li><a href="http://bram.example/">Website</a> <span>|</span>'
            '</li><li><a href="http://freelance.example/author/thursday-bram">Other Articles</a></li></ul></div>'
            '</body></html>')
    md = page_metadata(html, "http://freelance.example/industry-tips/keeping-your-files-secure/", [POST])
    assert md.authors == []
    assert parse_byline("Other Articles").people == [] and parse_byline("Website").people == []


@pytest.mark.parametrize("line, agency", [("By Jane Doe | May 3, 2021 | Reuters", "Reuters"),
                                          ("By Jane Doe • May 3, 2021 • Associated Press", "Associated Press"),
                                          ("Von Jana Müller, 3. Mai 2021, dpa", "dpa")])
def test_an_agency_after_the_byline_date_is_still_read(line: str, agency: str) -> None:
    # the place after a byline's date is no author, but an agency there is the story's (found by the review of
    # round 23: the date ended the line's reading, and the agency went with the place)
    from dedup.text.byline import parse_byline

    found = parse_byline(line)
    assert [name for _, name in found.agencies] == [agency]
    assert len(found.people) == 1
