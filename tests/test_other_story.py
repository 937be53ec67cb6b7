"""Other stories' headlines inside a story (issue 12, round 19): a "Related" card's headline set between two
paragraphs, the next story of an endless-scroll page. The evidence is the page's own markup: the same headline is
the whole text of a link to another page of the site (`markup.SiteLinks`), or the start of one cut off by "...".
Tables of contents, links to the page itself, links to other sites and list pages keep their lines.
"""

from __future__ import annotations

import html as html_lib

from test_cleaning import HEADLINE, STORY, assert_story_kept, unseen_pages

from dedup.text.cleaning import OTHER_STORY, choose_lines, other_story_lines
from dedup.text.extract import extract_html
from dedup.text.layout import Line
from dedup.text.markup import SiteLinks
from dedup.text.normalise import registered_domain

URL = "https://www.millbrook-ledger.example/news/2024/flood-barrier"
RELATED = "Inside the county budget, doubts about the bridge plan begin to creep in"
NEXT_STORY = "Toddler dies after touching a live utility pole in his family's yard"


MORE = [  # the story goes on: a story the model is sure of holds CONFIDENT_WORDS words
    "Residents of the east side have filed more than 300 flood claims since 2021, according to county records, and "
    "several streets near the river still flood after heavy rain.",
    "The state grant requires the county to start work within 18 months, a deadline that pushed the board to vote "
    "before the wetlands study is finished, Okafor said.",
    "Reyes said he would keep pressing for the study. \u201cWe may be building a wall we do not need at its full "
    "height,\u201d he said, adding that the county could still change the design.",
]


def page(inline: str = "", after: str = "", cards: str = "") -> str:
    """The test page: the story with `inline` set after its third paragraph, `after` after its last, and `cards`
    (teaser cards, a sidebar) outside the story's container."""
    paragraphs = [f"<p>{html_lib.escape(p, quote=False)}</p>" for p in STORY + MORE]
    body = "\n".join([*paragraphs[:3], inline, *paragraphs[3:], after])
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE} | Millbrook Ledger</title></head>
<body>
<div class="top"><a href="/">Millbrook Ledger</a></div>
<ul class="menu"><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li></ul>
<article class="story"><h1>{HEADLINE}</h1>
{body}
</article>
<div class="more">{cards}</div>
<div class="bottom"><p>&copy; 2024 Millbrook Ledger. <a href="/privacy">Privacy</a></p></div>
</body></html>"""


def card(href: str, text: str) -> str:
    return (f'<article class="content-card"><a href="{href}"><img src="/i/1.jpg" alt="">'
            f'<div class="content-card__content"><h3 class="content-card__title">\n  {text}  </h3></div></a></article>')


RELATED_BOX = f'<div class="promo-related-post"><h2>Related</h2><h3>{RELATED}</h3></div>'


def test_site_links_count_links_to_the_sites_other_pages_only():
    html = page(cards=card("/news/2024/county-budget", RELATED) + card("https://other.example/x", NEXT_STORY)
                + f'<a href="#budget">{RELATED}</a> <a href="{URL}#top">{NEXT_STORY}</a>')
    links = SiteLinks(html, URL)
    assert links.copies(RELATED) == 1  # the card; the table-of-contents link (#budget) is not another page
    assert links.copies(NEXT_STORY) == 0  # another site's page, and the page itself
    assert links.copies("Inside the county budget") == 0  # a link's whole text, not a part of it
    cut = f'<p><a href="/news/2024/toddler">{NEXT_STORY[:40]}...</a></p>'
    assert SiteLinks(page(cards=cut), URL).copies(NEXT_STORY) == 1
    assert SiteLinks(page(cards=f'<p><a href="/n/1">{NEXT_STORY[:12]}...</a></p>'), URL).copies(NEXT_STORY) == 0
    # a page whose address is unknown counts its relative links only
    assert SiteLinks(html, None).copies(RELATED) == 1 and SiteLinks(html, None).copies(NEXT_STORY) == 0
    # upper-case tags; an <abbr> or <article> is no anchor
    assert SiteLinks(f'<A HREF="/n/2"><B>{RELATED}</B></A>', URL).copies(RELATED) == 1
    assert SiteLinks(f'<article class="x"><abbr>{RELATED}</abbr></article>', URL).copies(RELATED) == 0
    # the row's domain, when given, is the site (speed round 14); a page without an address has none either way
    for url in (URL, None, "millbrook-ledger.example/news"):
        given = SiteLinks(html, url, registered_domain(url))
        assert (given.site, given.copies(RELATED), given.copies(NEXT_STORY)) == \
            (SiteLinks(html, url).site, SiteLinks(html, url).copies(RELATED), SiteLinks(html, url).copies(NEXT_STORY))
    assert SiteLinks(html, None, "millbrook-ledger.example").site is None


def test_site_links_on_an_internationalised_host():
    # a page of 'www.xn--mnchen-3ya.de' (punycode, as crawlers write it): its relative links and links to the
    # decoded spelling are the site's own; so are they on a host written with a trailing dot. (The link hosts
    # lost only their 'www.' before, and never matched the page's decoded site key 'münchen.de'.)
    html = f'<p><a href="/n/1">{NEXT_STORY}</a></p><p><a href="https://münchen.de/n/2">{NEXT_STORY}</a></p>' \
           f'<p><a href="https://www.xn--mnchen-3ya.de./n/3">{NEXT_STORY}</a></p>' \
           f'<p><a href="https://example.de/n/4">{NEXT_STORY}</a></p>'
    for url in ("https://www.xn--mnchen-3ya.de/x", "https://www.münchen.de/x", "https://www.xn--mnchen-3ya.de./x"):
        assert SiteLinks(html, url).copies(NEXT_STORY) == 3, url


def test_other_story_lines_beside_a_sure_story():
    story = [Line(p, "p", 0, 0) for p in STORY * 2]  # (twice: a sure story of over 200 words)
    lines = [Line(HEADLINE, "h1", 0, 0), *story[:3], Line(RELATED, "h3", 0, 0), *story[3:]]
    probs = [0.6] + [0.99] * (len(lines) - 1)

    def copies(text: str) -> int:
        return 1 if text == RELATED else 0

    choice = choose_lines(lines, probs, title=f"{HEADLINE} | Millbrook Ledger", copies=copies)
    assert RELATED not in choice.kept and choice.reasons == [OTHER_STORY]
    assert choose_lines(lines, probs).kept == [ln.text for ln in lines]  # no links given: nothing to go on
    # no sure story (a short page): nothing goes
    assert other_story_lines(lines[:3], [None] * 3, None, None, copies) == []
    # the page's own headline (part of its <title>) and the lines before the story's first sure line stay
    title = f"{HEADLINE} | Millbrook Ledger"
    assert other_story_lines([story[0], Line(HEADLINE, "h2", 0, 0), story[1]], [None] * 3, (0, 2), title,
                             lambda text: 1) == []
    assert other_story_lines([Line(RELATED, "h3", 0, 0), story[0], story[1]], [None] * 3, (1, 2), title,
                             lambda text: 1) == []
    # a list of stories (more than OTHER_STORY_MAX_LINES linked headlines) keeps them all
    many = [*story[:3], *(Line(f"Story number {n} of the county's week in review", "h2", 0, 0) for n in range(4)),
            *story[3:]]
    assert other_story_lines(many, [None] * len(many), (0, len(many) - 1), None, lambda text: 1) == []
    # a line that is itself the link needs a second copy elsewhere
    linked = Line(RELATED, "h3", len(RELATED), 1)
    assert other_story_lines([story[0], linked, story[1]], [None] * 3, (0, 2), None, copies) == []
    assert other_story_lines([story[0], linked, story[1]], [None] * 3, (0, 2), None, lambda text: 2) == [1]


def test_related_card_and_next_story_leave_a_page():
    """A "Related" box's headline between paragraphs, linked by a card below the story; the next story's headline
    on an endless-scroll page, linked by a teaser cut off by "...": both go, the story stays."""
    html = page(inline=RELATED_BOX, after=f"<h1>{NEXT_STORY}</h1>",
                cards=card("/news/2024/county-budget", RELATED)
                + f'<p><a href="/news/2024/toddler-dies">{NEXT_STORY[:44]}...</a></p>')
    ex = extract_html(html, URL)
    assert_story_kept(ex.blocks)
    assert RELATED not in ex.blocks and NEXT_STORY not in ex.blocks
    assert ex.removed_reasons.count(OTHER_STORY) >= 1


def test_linked_lines_that_are_story_text_stay():
    """A section heading linked from the page's table of contents, a product the story links to on a shop's site,
    and the headline of the page itself linked from the masthead stay."""
    heading = "What the barrier will cost the county's taxpayers"
    product = "Sandbag kit with forty polypropylene bags and a fill tube"
    toc = f'<ul class="toc"><li><a href="#cost">{heading}</a></li></ul>'
    for inline, line, cards in ((f'<h2 id="cost">{heading}</h2>', heading, toc),
                                (f"<h3>{product}</h3>", product, card("https://shop.example/sandbags", product)),
                                (f"<h3>{product}</h3>", product, card(URL, product))):
        ex = extract_html(page(inline=inline, cards=cards + card(URL, HEADLINE)), URL)
        assert_story_kept(ex.blocks)
        assert line in ex.blocks and OTHER_STORY not in ex.removed_reasons, line
        # the same line linked from a card to another page of the site goes
        ex = extract_html(page(inline=inline, cards=card("/news/2024/other", line)), URL)
        assert line not in ex.blocks and OTHER_STORY in ex.removed_reasons, line


def test_other_stories_on_real_unseen_pages():
    """trafilatura-eval pages (half A of the text8 split) that kept another story's headline: it goes, the story's
    snippets stay."""
    cases = {  # URL start -> the other story's headline the page kept before
        "https://theintercept.com/2023/11/08/gaza-hospitals": "Inside the Biden White House, Doubts About Gaza War",
        "https://www.hoy.com.py/nacionales/daran-bendicion": "Bebé muere electrocutado al",
    }
    for prefix, note, ex, text in unseen_pages(cases):
        assert cases[prefix] not in text and OTHER_STORY in ex.removed_reasons, prefix
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)
