"""The whole-page pass: pages whose main-content pass missed the article (kept nearly nothing, or a
"newer stories" list of links) are judged line by line over the whole page by the second model.

Real pages where the main-content pass keeps the sidebar (dragnet's Gawker-family `permalink` pages and
others), a page where it keeps nearly nothing (a hand-made fixture), and the limits: a page whose main
content is a linked list that is the article (a newsletter page) keeps the main-content reading.
"""

from __future__ import annotations

import gzip
import html as html_lib
import json

import pytest
from conftest import shared_path
from resiliparse.parse.html import HTMLTree
from test_cleaning import HEADLINE, STORY

from dedup.evaluate import token_prf
from dedup.text.blockmodel import (WHOLE_PAGE_FEATURES, main_content_lines, main_pass_missed, prose_words,
                                   whole_page_model)
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


def test_main_pass_missed_means_nearly_nothing_or_a_list_of_links():
    prose = "The county board voted on Tuesday night to fund a two-mile flood barrier along the east bank."
    assert prose_words([line(prose)]) == len(prose.split())
    assert prose_words([line(prose, link_chars=len(prose))]) == 0  # a linked teaser is not prose
    assert main_pass_missed([])
    assert main_pass_missed([line("Newer Stories"), line("© 2024 Millbrook Ledger.")])  # under 50 characters
    links = [line(t, link_chars=len(t)) for t in SIDEBAR]
    assert main_pass_missed(links)
    # a short post without links is what the main-content pass should find: not missed
    assert not main_pass_missed([line(prose), line("Posted by the editors at noon")])
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
