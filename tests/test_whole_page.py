"""The whole-page pass: pages whose main-content pass may have missed the article (kept nearly nothing, or
little prose: a "newer stories" list of links, a teaser box) are judged line by line over the whole page by
the second model, reader comments aside.

Real pages where the main-content pass keeps the sidebar (dragnet's Gawker-family `permalink` pages and
others) or a region of little prose (round 18: a teaser box, a comment form, a booking form), fixtures of a
post the pass leaves out (a header left open), and the limits: a page whose main content is a linked list
that is the article (a newsletter page), a picture post beside a long comment thread, and a short copy beside
one long quote box keep the main-content reading.
"""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re

import pytest
from conftest import shared_path
from resiliparse.parse.html import HTMLTree
from test_cleaning import HEADLINE, STORY

from dedup.evaluate import token_prf
from dedup.text.blockmodel import (WHOLE_PAGE_FEATURES, comment_lines, main_content_lines, main_pass_missed,
                                   prose_words, whole_page_model)
from dedup.text.extract import extract_html
from dedup.text.layout import Line

SIDEBAR = ["Mill to close its second shift after forty years", "Farmers market moves to Saturdays this summer",
           "Credit union opens branch downtown near the courthouse", "School board race draws five candidates",
           "Bridge repairs to close Route 9 for a month", "Library extends weekend hours for students",
           "High school band heads to state finals", "Fire department adds two engines to its fleet"]


def permalink_page() -> str:
    """A blog template of the kind the main-content pass misreads: the post in `div.post.permalink`,
    a list of newer stories beside it."""
    paragraphs = "\n".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in STORY)
    items = "\n".join(f'<li><a href="/2012/06/{i}/story-{i}">{t}</a></li>' for i, t in enumerate(SIDEBAR))
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE} | Millbrook Ledger</title></head><body>
<div id="header"><a href="/">Millbrook Ledger</a></div>
<div class="post permalink"><h1>{HEADLINE}</h1>{paragraphs}</div>
<div id="content"><h3>Newer Stories</h3><ul>{items}</ul></div>
<div class="bottom"><p>&copy; 2024 Millbrook Ledger.</p></div></body></html>"""


def test_a_missed_article_is_found_on_the_whole_page_and_the_sidebar_stays_out():
    page = permalink_page()
    # the premise: resiliparse's main-content pass misses this post (before, the whole page was kept)
    assert main_pass_missed(main_content_lines(HTMLTree.parse(page)))
    blocks = extract_html(page, "https://www.millbrook-ledger.example/2012/06/flood-barrier").blocks
    for paragraph in STORY:
        assert paragraph in blocks, paragraph[:40]
    for title in SIDEBAR:
        assert title not in blocks


def line(text: str, link_chars: int = 0) -> Line:
    return Line(text, "p" if not link_chars else "", link_chars, 1 if link_chars else 0)


def test_main_pass_missed_means_nearly_nothing_or_little_prose():
    prose = "The county board voted on Tuesday night to fund a two-mile flood barrier along the east bank."
    assert prose_words([line(prose)]) == len(prose.split())
    assert prose_words([line(prose, link_chars=len(prose))]) == 0  # a linked teaser is not prose
    assert main_pass_missed([])
    assert main_pass_missed([line("Newer Stories"), line("© 2024 Millbrook Ledger.")])  # under 50 characters
    links = [line(t, link_chars=len(t)) for t in SIDEBAR]
    assert main_pass_missed(links)
    # under 60 words of prose, whatever the link share (round 18): the whole page is read too, and a short post
    # keeps its own reading unless the whole page holds clearly more prose elsewhere (the tests below)
    assert main_pass_missed([line(prose), line("Posted by the editors at noon")])
    assert not main_pass_missed([line(prose), line(prose + " Officials said so."), line(prose), line(prose)])
    # a linked list beside 60+ words of prose is an article that links a lot: not missed
    assert not main_pass_missed([line(prose), line(prose + " Officials said so."), line(prose), line(prose), *links])


def test_the_whole_page_model_ships_with_its_feature_list():
    model = whole_page_model()
    assert model.features == WHOLE_PAGE_FEATURES and model.features[-1] == "in_main"
    assert int(max(model.feature)) < len(WHOLE_PAGE_FEATURES)


def _dragnet(page_id: str) -> tuple[bytes, str]:
    root = shared_path("corpora", "dragnet")
    html = gzip.decompress((root / "input" / f"{page_id}.html.gz").read_bytes())
    gold = (root / "GoldStandard" / f"{page_id}.txt").read_bytes().decode("utf-8", "replace")
    return html, gold.split("!@#$%^&*()  COMMENTS")[0]


# dragnet pages where the main-content pass keeps a sidebar list: 2012 Gawker/Jezebel/Lifehacker posts in
# `div.post.permalink` and a page whose article sits where the pass does not look. Before: recall 0.01-0.05.
MISSED_PAGES = ["R744", "R742", "R747", "R806", "R807", "R809", "R92", "R94", "R96", "R33", "R222"]


@pytest.mark.parametrize("page_id", MISSED_PAGES)
def test_real_pages_whose_main_content_is_a_sidebar_get_their_article(page_id):
    html, gold = _dragnet(page_id)
    assert main_pass_missed(main_content_lines(HTMLTree.parse(html.decode("utf-8", "replace"))))
    ex = extract_html(html, None)
    precision, recall, _ = token_prf(ex.text, gold)
    # measured 0.84-1.00 recall at 0.90-1.00 precision (the model saw these pages in training; held out by
    # site the same pages score 0.81-0.99: docs/extraction.md)
    assert recall >= 0.75 and precision >= 0.75, (precision, recall)


def test_a_linked_list_that_is_the_article_keeps_the_main_content_reading():
    """A newsletter page ("10 things in tech"): every item is a link, so the main-content text is mostly link
    text; the whole page holds the same items again plus summaries. The whole-page reading keeps all the
    main pass kept and more, so it is the same story with extras: the main reading stays."""
    root = shared_path("corpora", "article-extraction-benchmark")
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    page_id = next(k for k in truth if k.startswith("fde930b01859"))
    html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
    assert main_pass_missed(main_content_lines(HTMLTree.parse(html.decode("utf-8"))))
    ex = extract_html(html, truth[page_id].get("url"), "utf-8")
    precision, recall, _ = token_prf(ex.text, truth[page_id]["articleBody"])
    assert recall >= 0.95 and precision >= 0.9, (precision, recall)  # 0.98 / 0.96; the whole page: 0.45 P


def header_left_open_page() -> str:
    """A blog template whose header `div` is left open (its menu's closing tag sits inside an HTML comment), so
    the post is inside the header for the parser and the main-content pass leaves it out; it keeps instead a
    "More in County" box that slides in at the page's end: a teaser, little prose and little link text."""
    paragraphs = "\n".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in STORY)
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE} | Millbrook Ledger</title></head><body>
<div id="wrap">
<div id="header">
<div id="upperNav"><!--<ul><li><a href="/about">About</a></li></ul></div>-->
<div id="logo"><a href="/"><img alt="HOME" src="/logo.png"></a></div>
<!-- header ends --></div>
<div id="content-wrap"><div id="main">
<p class="post-info"><a href="/category/county/">County</a></p>
<h1>{HEADLINE}</h1>
<p class="post-author">by Jane Whitfield</p>
{paragraphs}
</div></div>
</div>
<div id="upprev_box"><h6>More in <a href="/category/county/">County</a> (1 of 12 articles)</h6>
<div class="upprev_excerpt"><p><a href="/county/school-board-race">School board race draws five candidates</a><br>
Five candidates have filed to run for the two open seats on the school board this fall ...</p></div></div>
</body></html>"""


def test_a_post_the_main_content_pass_left_out_is_found_beside_a_teaser_box():
    page = header_left_open_page()
    main = main_content_lines(HTMLTree.parse(page))
    # the premise: the main-content pass kept the teaser box only, and it is no list of links (under 40 % link
    # text: the trigger before round 18 let it stand)
    assert not any(paragraph in (m.text for m in main) for paragraph in STORY)
    assert sum(m.link_chars for m in main) < 0.4 * sum(len(m.text) for m in main)
    assert main_pass_missed(main)
    blocks = extract_html(page, "https://www.millbrook-ledger.example/county/flood-barrier").blocks
    for paragraph in STORY:
        assert paragraph in blocks, paragraph[:40]


COMMENTS = [
    ("Marta Feld", "So true! After the flood in 2021 half the street waited months for the insurance money, and nobody "
     "from the county ever came to explain where the wall would go or who would pay for it."),
    ("Dan Osei", "I was at the meeting on Tuesday and the room was packed. People clapped when the vote was read out, "
     "but the questions about the route were still not answered by anyone on the board."),
    ("R. Keane", "Forty-eight million is a lot of money for a wall that will not help the families on the west bank "
     "at all. The wetlands study should have come first, just as the supervisor said."),
    ("Lena", "Thanks for covering this. The paper is the only place that has followed the story since the spring "
     "floods, and it matters to everyone who lives below the old mill on the east side."),
    ("Tom Brandt", "Does anyone know whether the wall will cross the ball fields behind the middle school? My kids "
     "play there every weekend and the map in the paper last week was too small to tell."),
    ("Ana P.", "The route meetings in October are on a weeknight at four in the afternoon, which means most people "
     "who work will not be able to come and say anything about their own street."),
    ("Gus", "My grandfather helped build the first levee in 1958 and it held for sixty years. A concrete wall on top "
     "of an earthen bank is the same idea, only taller, and it will work if they keep it up."),
    ("Priya N.", "I hope they publish the list of properties before the meetings, not after. Last time the county "
     "told us about the easements only when the surveyors were already in our back yards."),
]


def picture_post_page() -> str:
    """A post that is a picture (a map) with a headline, a byline and a share label, and a long thread of
    reader comments below it: the main-content pass keeps the post and leaves the thread out."""
    items = "\n".join(
        f'<li class="comment" id="comment-{i}"><div class="comment-author"><a href="https://example.org/u{i}">'
        f'{html_lib.escape(name)}</a> <span>May 3, 2012 at 4:{10 + i} pm</span></div>'
        f'<div class="comment-body"><p>{html_lib.escape(text)}</p></div><a class="reply" href="#respond">Reply</a></li>'
        for i, (name, text) in enumerate(COMMENTS))
    return f"""<!DOCTYPE html><html><head><title>The flood barrier route, in one map | Millbrook Ledger</title></head>
<body><div id="header"><a href="/">Millbrook Ledger</a></div>
<div id="content"><div class="post">
<h1>The flood barrier route, in one map</h1>
<p class="byline">by Jennifer Dancy on May 3, 2012</p>
<p><img src="/uploads/barrier-route-map.png" alt="Barrier route map"></p>
<p>Share this post</p>
</div>
<div id="comments"><h3>{len(COMMENTS)} Comments</h3><ol class="commentlist">
{items}
</ol></div></div>
<div id="footer"><p>&copy; 2012 Millbrook Ledger</p></div>
</body></html>"""


def test_a_picture_post_keeps_its_reading_not_its_comment_thread():
    """The post has no prose, so the whole page is read too; there the thread is the only prose. Reader comments
    are left out of the whole-page reading as they are out of the main-content one, so the thread cannot
    replace the post."""
    page = picture_post_page()
    tree = HTMLTree.parse(page)
    main = main_content_lines(tree)
    assert main_pass_missed(main) and not any("insurance money" in m.text for m in main)
    comments = comment_lines(tree, main)
    assert all(any(text in c for c in comments) for _, text in COMMENTS)
    assert not any("Jennifer Dancy" in c for c in comments)
    blocks = extract_html(page, "https://www.millbrook-ledger.example/2012/05/barrier-map").blocks
    assert "by Jennifer Dancy on May 3, 2012" in blocks
    assert not any(text[:40] in block for _, text in COMMENTS for block in blocks), blocks


# pages of dragnet and CleanEval where the main-content pass keeps a region of little prose that is no list of
# links (a "More in Gear" teaser box, a comment form, a booking form, a calendar): before round 18, recall 0.02-0.10
THIN_MAIN_PAGES = [("dragnet", "R291"), ("dragnet", "T18"), ("cleaneval", "final-760")]


@pytest.mark.parametrize("corpus,page_id", THIN_MAIN_PAGES)
def test_real_pages_whose_main_content_is_thin_get_their_article(corpus, page_id):
    if corpus == "dragnet":
        html, gold = _dragnet(page_id)
    else:
        root = shared_path("corpora", "cleaneval")
        raw = gzip.decompress((root / "input" / f"{page_id}.html.gz").read_bytes()).decode("latin-1")
        html = re.sub(r"^\s*<text\b[^>]*>|</text>\s*$", "", raw).encode("latin-1")  # CleanEval's wrapper
        gold = (root / "GoldStandard" / f"{page_id}.txt").read_text("utf-8-sig")
        gold = re.sub(r"<[hpl]>", " ", gold.split("\n", 1)[1])  # its URL line and block marks are no text
    ex = extract_html(html, None)
    precision, recall, _ = token_prf(ex.text, gold)
    assert recall >= 0.75 and precision >= 0.75, (precision, recall)


QUOTE = ("\u201cWe walked the whole east bank twice a week for a year,\u201d said an engineer on the project, "
         "describing the surveys that decided where the wall could stand. \u201cEvery culvert, every yard, every old "
         "foundation. That is how we drew the line you see on the map, and why it bends twice near the old mill.\u201d")
PRODUCTS = ["Ledger Products", "Ledger Daily", "Ledger Weekend", "Ledger Farm Report", "Ledger Jobs", "Ledger Homes",
            "Ledger Obituaries", "Ledger Events", "Ledger Archive", "Privacy Policy", "Cookie Policy", "Terms of Use"]


def teaser_copy_page() -> str:
    """A wire story's truncated copy (its lead and "Read more"), a sidebar of links and one long quote box, and a
    banner of the group's products that the main-content pass keeps: under 60 words of prose there, so the
    whole page is read too, where the quote box is the only other prose."""
    related = "".join(f'<li><a href="/r/{i}">{t}</a></li>' for i, t in enumerate(SIDEBAR[:4]))
    products = "".join(f"<p>{p}</p>" for p in PRODUCTS)
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE}</title></head><body class="lg-article-page">
<header class="lg-header"><div class="lg-logo"><a href="/">Millbrook Ledger</a></div></header>
<div class="lg-tags">Tags: county | flood | barrier | river</div>
<main class="lg-main">
<div class="lg-article">
<h1 class="lg-headline">{HEADLINE}</h1>
<div class="lg-byline">Associated Press</div>
<time datetime="2023-09-28T17:32:57Z">September 28, 2023 at 05:32 PM</time>
<div class="lg-article-text">
<p>MILLBROOK (AP) - {STORY[0]}</p>
<p class="lg-read-more"><a href="/go/4471">Read more</a></p>
</div>
</div>
<aside class="lg-sidebar"><div class="lg-related"><h3>Recommended for you</h3><ul>{related}</ul></div>
<div class="lg-widget"><p>{QUOTE}</p></div>
</aside>
</main>
<footer class="lg-footer"><p class="lg-copyright">Copyright © 2023 Millbrook Ledger. All rights reserved.</p></footer>
<div id="lg-cookie-banner" class="lg-cookie">{products}</div>
</body></html>"""


def test_a_single_quote_box_does_not_replace_a_short_copy():
    """The whole-page reading keeps the lead and the quote box (50+ more words of prose, and it drops the banner,
    so it disagrees with the main reading), but one long line is a teaser or a quote, not a missed article: the
    whole-page reading must bring at least two new lines of prose (the syndication bench's truncated copies)."""
    page = teaser_copy_page()
    assert main_pass_missed(main_content_lines(HTMLTree.parse(page)))
    blocks = extract_html(page, "https://www.millbrook-ledger.example/go/4471").blocks
    assert f"MILLBROOK (AP) - {STORY[0]}" in blocks
    assert QUOTE not in blocks
