"""Round 16 of the metadata rules (docs/metadata.md): defects counted on pages the rules were never tuned on
(article-extraction-benchmark, dragnet, cleaneval, the syndication crawl), each fixed by a rule that reads a standard
place better. Short fixtures in the shape of those pages."""

from __future__ import annotations

from dedup.text.byline import parse_byline
from dedup.text.metadata import page_metadata
from dedup.text.commentsections import comments_start
from dedup.text.titles import title_rest


def html(body: str, head: str = "<title>Page</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


# ---------------------------------------------------------------- authors: labels, headings, bylines


def test_share_bar_and_form_labels_are_no_names():
    # a byline box holding the share bar ('Tweet', 'Email'), a comment form's labels, an archive link, a 'more' link
    assert parse_byline("Jaxon | Tweet | Email").people == ["Jaxon"]
    assert parse_byline("Name: Required").people == []
    assert parse_byline("James Johnson | Author Archive").people == ["James Johnson"]
    assert parse_byline("Jose Altoveros View More Articles").people == ["Jose Altoveros"]
    for label in ("Print", "Twitter", "About", "Update", "Originally", "publisher"):
        assert parse_byline(label, structured=True).people == [], label


def test_comment_form_label_in_an_author_box_is_not_the_writer():
    page = html('<h1>Hands on with the new phone</h1><p>By Long Zheng</p><p>The phone is here.</p>'
                '<form id="comment-form"><div id="authorinfo"><p><label for="author"><strong>Name:</strong><br />'
                "<small><em>Required</em></small></label></p></div></form>")
    md = page_metadata(page, "https://gadgets.example/2012/phone", ["Hands on with the new phone", "By Long Zheng",
                                                                     "The phone is here."])
    assert md.authors == ["Long Zheng"]


def test_a_headline_of_capitalised_words_is_no_line_of_names():
    title = "Narayana Murthy Clarifies, Says Did Not Fund Kejriwal"
    page = html(f"<h1>{title}</h1><p>Infosys co-founder Narayana Murthy said on Monday that he did not fund the "
                "party.</p>", f"<title>{title}</title>")
    md = page_metadata(page, "https://news.example/story", [title, "Infosys co-founder Narayana Murthy said on "
                                                                   "Monday that he did not fund the party."])
    assert md.authors == []


def test_a_subheading_of_nouns_is_no_line_of_names_but_names_are():
    text = "These themes are fast, and the resources below help any blogger with the themes they use."
    md = page_metadata(html("<p>x</p>"), "https://blog.example/x", ["Best WordPress Themes, Plugins and Blogging "
                                                                    "Resources", text])
    assert md.authors == []
    md = page_metadata(html("<p>x</p>"), "https://blog.example/x", ["Clara Löw, Siddharth Prakash & Klaus Jacob",
                                                                    text])
    assert md.authors == ["Clara Löw", "Siddharth Prakash", "Klaus Jacob"]


def test_wire_byline_names_the_writer_and_the_agency_without_a_comma():
    parsed = parse_byline("By JOANN LOVIGLIO Associated Press")
    assert parsed.people == ["Joann Loviglio"] and [a for _t, a in parsed.agencies] == ["Associated Press"]
    parsed = parse_byline("By Jane Doe Associated Press Writer")
    assert parsed.people == ["Jane Doe"] and parsed.organisations == []


def test_category_after_the_name_and_a_role_with_hyphens():
    assert parse_byline("Posted by: Paul Horowitz in iPad").people == ["Paul Horowitz"]
    assert parse_byline("Posted by lasagnechef in Arsenal News").people == ["lasagnechef"]
    parsed = parse_byline("Analysis by Chris Cillizza, CNN Editor-at-large", structured=True)
    assert parsed.people == ["Chris Cillizza"] and parsed.organisations == ["CNN"]


def test_a_family_name_in_capitals_is_title_cased_not_an_acronym():
    assert parse_byline("Ian LYNAM").people == ["Ian Lynam"]
    assert parse_byline("Jane Doe, CNN").people == ["Jane Doe"]


# ---------------------------------------------------------------- a profile link written in entities


KOCHBAR_BOX = ('<div class="kb-tip-infobox-middle"><div class="kb-tip-performance-comment-icon" title="Anzahl '
               'Kommentare"></div><div class="kb-tip-performance-count">0</div></div>'
               '<div class="kb-tip-user-profile-name-container">von <span class="kb-ft-rob-bol"><a href="https&#x3A;'
               '&#x2F;&#x2F;www.kochbar.example&#x2F;user&#x2F;Marianne1.html">Marianne1</a></span><br />am 20.09.2020'
               "</div>")


def test_profile_link_written_in_entities_below_a_comment_counter_names_the_writer():
    page = html(f"<h1>Tomaten richtig schneiden</h1><p>Mit einem scharfen Messer.</p>{KOCHBAR_BOX}"
                '<div id="kb-comments"><a href="/user/Rezeptsammlerin.html">Rezeptsammlerin</a></div>')
    md = page_metadata(page, "https://www.kochbar.example/tipp/1918/tomaten.html", ["Tomaten richtig schneiden",
                                                                                    "Mit einem scharfen Messer."])
    assert md.authors == ["Marianne1"] and md.authors_source == "author_link"


def test_a_comment_counter_is_no_comment_section_but_the_section_is():
    page = '<p>a</p><div class="post-comment-icon"></div><a class="comments-link" href="#c">3</a><p>b</p>' \
           '<ol class="commentlist"><li>c</li></ol>'
    assert page[comments_start(page, 0, len(page)):].startswith('<ol class="commentlist"')


# ---------------------------------------------------------------- titles and site names


def test_title_without_a_host_named_suffix_when_the_site_calls_itself_otherwise():
    head = ('<meta property="og:site_name" content="Nintendo.com"><meta property="og:title" content="Get Ready to '
            'Party When Wii U Launches - Nintendo Official Site"><title>x</title>')
    md = page_metadata(html("<p>x</p>", head), "http://www.nintendo.example/whatsnew/detail/1", [])
    assert md.title == "Get Ready to Party When Wii U Launches"
    head = '<meta name="application-name" content="Health News and Views"><title>Watermelon Quencher - Health.com'
    md = page_metadata(html("<p>x</p>", head + "</title>"), "http://news.health.com/2012/08/09/quencher/", [])
    assert md.title == "Watermelon Quencher"


def test_a_headline_naming_its_author_is_not_the_site_part():
    head = '<title>Bookreporter.com - BITTER TRUTH by William Lashner</title>'
    page = html('<p>Excerpt</p><a href="/authors/william-lashner" rel="author">William Lashner</a>', head)
    md = page_metadata(page, "http://www.bookreporter.example/reviews/bitter-truth.asp", [])
    assert md.site_name == "Bookreporter.com" and md.title == "BITTER TRUTH by William Lashner"


def test_site_name_from_the_title_is_the_name_not_the_headline_opening_with_it():
    md = page_metadata(html("<p>x</p>", "<title>Pink Sith: Abreva Conceal Patch - Review, Pictures</title>"),
                       "http://www.pinksith.example/2012/10/abreva.html", [])
    assert md.site_name == "Pink Sith"
    md = page_metadata(html("<p>x</p>", "<title>Take C.A.R.E. - comwrap auf der DMEXCO 2018</title>"),
                       "https://blog.comwrap.example/dmexco", [])
    assert md.site_name is None


# ---------------------------------------------------------------- round 16b: the headline's place among several <h1>s

_NAV = "".join(f'<li><a href="/section/{i}">Section number {i}</a></li>' for i in range(400))  # ~19,000 characters


def test_the_author_markup_is_read_around_the_h1_the_title_states_not_the_logo():
    # a blog's logo in the first <h1> and its sidebar above the post: the post's headline, the <h1> its <title> states,
    # is where its byline is looked for (3,000 characters before it to 40,000 after, so not from the logo)
    page = html(f'<h1 id="banner-header"><a href="/">Pebble Notes</a></h1><ul>{_NAV * 3}</ul>'
                '<h1>The importance of going first</h1><p>The second person to write it is forgotten.</p>'
                '<p class="posted">Posted by <a rel="author" href="/about">Ada Marsh</a></p>',
                "<title>Pebble Notes: The importance of going first</title>")
    md = page_metadata(page, "https://pebble-notes.example/2012/11/going-first.html",
                       ["The second person to write it is forgotten."])
    assert md.title == "The importance of going first"
    assert md.authors == ["Ada Marsh"]


def test_the_byline_line_is_read_beside_the_stated_h1_not_a_section_name():
    # a section's name in the first <h1> ('WorldViews'), a menu, then the story's <h1> and its byline line, which the
    # main-content blocks left out: the visible lines read are those around the story's headline
    page = html(f'<h1 class="section">WorldViews</h1><ul>{_NAV}</ul><h1>Ukraine elections and the Russia model</h1>'
                '<p>By Will Englund and Kathy Lally</p><p>Observers criticised the vote.</p>',
                '<meta property="og:title" content="Ukraine elections and the Russia model">'
                "<title>Ukraine elections and the Russia model - The Daily Ledger</title>")
    md = page_metadata(page, "https://ledger.example/world/ukraine-vote", ["Observers criticised the vote."])
    assert md.authors == ["Will Englund", "Kathy Lally"]


def test_h1s_nothing_tells_apart_keep_the_first_as_the_headline():
    # neither <h1> is stated by a title nor is the site's name: the first stays the headline's place
    page = html('<h1>Spring concert</h1><div class="byline">By Mara Quist</div><p>The choir sang.</p>'
                f'<ul>{_NAV}</ul><h1>Autumn fair</h1><div class="byline">By Olle Brandt</div>',
                "<title>Events</title>")
    md = page_metadata(page, "https://events.example/2012/season", ["The choir sang."])
    assert md.authors == ["Mara Quist"]


def test_a_blog_name_h1_leaves_the_headline_to_the_subheading_holding_the_titles_rest():
    # a blog theme: the blog's name the only <h1> (the short part of the <title>), the sidebar, then the post's title
    # in an <h3> and its byline below the post, ~20,000 characters further than the region read around the logo
    page = html(f'<h1 id="banner-header"><a href="/blog/">Pebble Notes</a></h1><h2>Free updates</h2><ul>{_NAV * 3}</ul>'
                '<h3 class="entry-header">&quot;A fire in South Buffalo!&quot;</h3><p>The station burned down.</p>'
                f'<ul>{_NAV}</ul><p class="posted">Posted by <a rel="author" href="/about">Ada Marsh</a></p>',
                '<title>Pebble Notes: "A fire in South Buffalo!"</title>')
    md = page_metadata(page, "https://p-5a2fbf8ed4.invalid/", ["The station burned down."])
    assert md.authors == ["Ada Marsh"]
    assert title_rest("Pebble Notes", 'Pebble Notes: "A fire in South Buffalo!"') == '"A fire in South Buffalo!"'
    assert title_rest("Pebble Notes", "Pebble Notes Weekly") is None  # no separator: one name
    assert title_rest("A longer headline of words", "A longer headline of words | Site") is None  # the longer part


def test_a_sign_up_link_is_no_name():
    assert parse_byline("Register", structured=True).people == []
