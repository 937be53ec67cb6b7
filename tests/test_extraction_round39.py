"""Round 39 (issue 12): the story's lead paragraph the page sets right after its headline, outside the main-content
region (dedup/text/headlinelead.py, docs/extraction.md "Round 39"). Each fixture is a short article page extracted
alone, its headline and lead in the article's header and the body in an element of its own: main lost the lead.
"""

from __future__ import annotations

from dedup.text.extract import extract_html
from dedup.text.headlinelead import headline_lead

URL = "https://www.forstportal.example/de/holzhandel"
BODY = [
    "Die Stämme wurden im Winter an die Flüsse gebracht und im Frühjahr zu großen Flößen gebunden, die bis zu "
    "vierhundert Meter lang waren und von hunderten Flößern gesteuert wurden.",
    "In den Niederlanden brauchte man das Holz vor allem für den Schiffbau und für die Pfähle, auf denen ganze "
    "Städte wie Amsterdam errichtet wurden.",
    "Die Händler aus dem Schwarzwald verdienten an dem Geschäft sehr gut, und manche Familien gründeten aus den "
    "Erlösen große Handelshäuser, die über Generationen bestanden.",
    "Mit dem Aufkommen der Eisenbahn und neuer Baustoffe verlor der Holzhandel auf dem Rhein im neunzehnten "
    "Jahrhundert rasch an Bedeutung und kam schließlich ganz zum Erliegen.",
]
LEAD = ("Heute längst vergessen, war der Holzhandel mit den Niederlanden einst wichtiger Teil der deutschen "
        "Forstwirtschaft. Die Nachfrage prägte die Wälder über Jahrhunderte.")


def page(under_headline: str, headline: str = '<h1 class="article-title">Der Holländerholzhandel</h1>') -> str:
    """waldwissen.net's layout (trafilatura-eval, half A of the text39 split): the headline and `under_headline` in
    the article's container, a section menu, then the body's own element."""
    paragraphs = "".join(f"<p>{t}</p>" for t in BODY)
    return f"""<html><head><title>Der Holländerholzhandel - Waldportal</title></head><body>
<nav><ul><li><a href="/a">Wald</a></li><li><a href="/b">Forstwirtschaft</a></li><li><a href="/c">Lernen</a></li></ul></nav>
<main class="article-detail"><article><div class="container">
<div class="article-infobox"><a href="/print">Drucken</a> <a href="/rate">Bewerten</a></div>
{headline}
{under_headline}
<div class="article-section-menu">Inhalt: <a href="#s1">Holland</a> <a href="#s2">Rohstoffe</a></div>
<div class="article-body"><h2>Holland – Europas Wirtschaftsmotor</h2>{paragraphs}</div>
</div></article></main>
<footer><p>© 2021 Waldportal</p><a href="/impressum">Impressum</a></footer></body></html>"""


def test_the_lead_under_the_headline_is_kept_first():
    """waldwissen's `<p class="article-teaser">`: main kept the body and lost its first paragraph."""
    ex = extract_html(page(f'<p class="article-teaser">\n   {LEAD}\n</p>'), URL)
    assert ex.blocks[0] == LEAD
    assert all(t in ex.blocks for t in BODY)
    assert ex.blocks.count(LEAD) == 1
    assert LEAD in (ex.evidence_blocks or [])


def test_a_news_lead_in_the_header_with_a_comment_between():
    """A club's news page: headline and lead in the story's header (a comment between them), body apart."""
    lead = ("Matthias Flohr will coach the first team from next season. The club announced the move on Sunday, "
            "and he has signed a contract until 2026.")
    ex = extract_html(page(f"<!-- lead --><p>{lead}</p>", "<h1>New head coach for next season</h1>"), URL)
    assert ex.blocks[0] == lead


def test_a_byline_a_short_label_a_linked_line_stay_out():
    """Under the headline, a byline with its author's link, a short standfirst label, a line not ended as a sentence
    and a line of other stories' links are no lead: the text is main's."""
    main_blocks = extract_html(page(""), URL).blocks
    for under in ('<p class="entry-meta">By <a href="/about/">Ela</a> on 31. October, 2023 | <a href="#c">18 '
                  "Comments</a>. This post may contain affiliate links. As an Associate I earn from purchases.</p>",
                  "<p>Ein Beitrag aus unserer Reihe Waldgeschichte.</p>",
                  "<p>by Itamar Turner-Trauring Last updated 04 Jun 2020, originally created 17 Jun 2019 for the "
                  "Docker packaging guide</p>"):
        assert extract_html(page(under), URL).blocks == main_blocks, under


def test_only_the_element_right_after_the_only_headline():
    """A `<div>` with text between the headline and the paragraph (markup without text may stand there since round
    40), or a page with two `<h1>`s: the rule reads nothing."""
    lead = f"<p>{LEAD}</p>"
    assert headline_lead(page(lead)) == LEAD
    assert headline_lead(page('<div class="share">Teilen</div>' + lead)) is None
    assert headline_lead(page(lead, "<h1>Waldportal</h1><h1>Der Holländerholzhandel</h1>")) is None
    assert headline_lead(page(lead.replace("Forstwirtschaft", '<a href="/f">Forstwirtschaft</a>'))) is None
    assert headline_lead(page(lead.replace("<p>", "<P>").replace("</p>", "</P>"))) == LEAD


def test_a_lead_the_main_reading_holds_is_not_written_twice():
    """A template that sets headline, lead and body in one element: the main reading has the lead already."""
    html = page("").replace('<div class="article-body">', f'<div class="article-body"><h1>Holzhandel</h1><p>{LEAD}</p>')
    html = html.replace('<h1 class="article-title">Der Holländerholzhandel</h1>', "")
    assert headline_lead(html) == LEAD
    ex = extract_html(html, URL)
    assert ex.blocks.count(LEAD) == 1
    assert ex.evidence_blocks is not None and ex.evidence_blocks.count(LEAD) == 1
