"""The story a page states in its JSON-LD (`articleBody`) as evidence about its lines (issue 12, round 24): a line the
block model dropped that the body holds comes back; where the body holds the whole story, a kept line it does not hold
goes (reason `outside_article_body`). Teaser bodies, bodies of several articles, bodies that hold none of the kept
prose, the page's own summary (a standfirst) and lines a guard removed are left alone.
"""

from __future__ import annotations

import html as html_lib
import json

from test_cleaning import HEADLINE, STORY, assert_story_kept, unseen_pages
from test_other_story import MORE

from dedup.text.cleaning import BLOCK_MODEL, LineChoice
from dedup.text.lineguards import CHROME_LABEL
from dedup.text.extract import extract_html
from dedup.text.pagescan import itemprop_elements
from dedup.text.storybody import (MAX_BODY_CHARS, OUTSIDE_BODY, another_pages_article, apply_article_body,
                                  article_body, body_lines, body_words, held_share, microdata_body,
                                  outside_body_lines)

URL = "https://www.millbrook-ledger.example/news/2024/flood-barrier"
PARAGRAPHS = STORY + MORE  # 270 words: a body that can hold a whole story
STANDFIRST = "Okafor: the east side has waited long enough. What the two-mile wall will cost, and who pays for it"
# in-story chrome the block model keeps on the test page (checked with the rule off: `test_the_page_keeps_its_chrome`)
PRICE_BOX = ["Sandbag kit with forty polypropylene bags", "Price may be higher now. Price as of 02.01.2024 12:53"]
TRUST = "Why you can trust the Millbrook Ledger"
# the story in another language (a site's translation in its JSON-LD): it holds none of the page's lines
GERMAN = (
    "Der Kreisrat hat am Dienstagabend mit sechs zu einer Stimme beschlossen, einen drei Kilometer langen "
    "Hochwasserdamm am Ostufer des Millbrook zu bauen. Damit endet ein Streit, der das Vorhaben seit den Frühjahrsfluten von 2021 "
    "aufgehalten hatte. Der Damm, ein Erdwall mit einer Betonmauer obendrauf, soll rund 48 Millionen Dollar kosten. "
    "Etwa die Hälfte des Geldes stammt aus einem Förderprogramm des Landes; den Rest will der Kreis gegen künftige "
    "Grundsteuereinnahmen leihen, teilten Vertreter mit. „Wir haben die Bewohner der Ostseite lange genug warten "
    "lassen“, sagte die Vorsitzende Linda Okafor vor der Abstimmung. „Mit jeder Saison, die wir zögern, wetten wir "
    "ihre Häuser gegen das Wetter.“ Die einzige Gegenstimme kam von Dale Reyes, der forderte, zuerst eine Studie über "
    "die Feuchtgebiete flussaufwärts abzuschließen, die einen Teil des Wassers günstiger zurückhalten könnten. Der Bau "
    "soll im nächsten Sommer beginnen und etwa zwei Jahre dauern. Im Oktober lädt der Kreis zu öffentlichen Sitzungen "
    "über den Verlauf der Mauer und über die Grundstücke, die sie quert. Bewohner der Ostseite haben seit 2021 mehr "
    "als 300 Schadensmeldungen eingereicht, und mehrere Straßen am Fluss stehen nach starkem Regen noch immer unter "
    "Wasser. Das Förderprogramm verlangt, dass der Kreis innerhalb von 18 Monaten mit den Arbeiten beginnt; diese "
    "Frist hat den Rat zur Abstimmung gedrängt, bevor die Studie fertig ist, sagte Okafor. Reyes will weiter auf die "
    "Studie drängen. „Vielleicht bauen wir eine Mauer in voller Höhe, die wir nicht brauchen“, sagte er, und der Kreis "
    "könne den Entwurf noch ändern.")


def ld(body: str, kind: str = "NewsArticle", **more: str) -> dict:
    return {"@context": "https://schema.org", "@type": kind, "headline": HEADLINE, "articleBody": body, **more}


def as_html(paragraphs: list[str]) -> str:
    """A body as many sites write it: HTML paragraphs, characters as entity references."""
    return "\n".join(f"<p>{html_lib.escape(p).replace('$', '&#36;')}</p>" for p in paragraphs)


def page(objects: list[dict], inline: str = "", head: str = "") -> str:
    """The story's page: its paragraphs, `inline` after the third, and `objects` as its JSON-LD."""
    paragraphs = [f"<p>{html_lib.escape(p, quote=False)}</p>" for p in PARAGRAPHS]
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE} | Millbrook Ledger</title>{head}{scripts}</head>
<body>
<div class="top"><a href="/">Millbrook Ledger</a></div>
<ul class="menu"><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li></ul>
<article class="story"><h1>{HEADLINE}</h1>
{"".join(paragraphs[:3])}
{inline}
{"".join(paragraphs[3:])}
</article>
<div class="bottom"><p>&copy; 2024 Millbrook Ledger. <a href="/privacy">Privacy</a></p></div>
</body></html>"""


CHROME = (f'<div class="product"><h4>{PRICE_BOX[0]}</h4><p>{PRICE_BOX[1]}</p></div>'
          f'<p class="trust"><a href="/trust">{TRUST}</a></p>')


def test_body_words_read_html_entities_and_markdown():
    assert body_words("<p>The county&#8217;s board</p><p>voted&nbsp;6-1.</p>") == \
        ["the", "county", "s", "board", "voted", "6", "1"]
    # escaped twice, as some pages write it
    assert body_words("&lt;p class=&quot;text&quot;&gt;Empresa anunci&amp;oacute; 150 despidos&lt;/p&gt;") == \
        ["empresa", "anunció", "150", "despidos"]
    # a Markdown link's address and a bare address are no story's words
    assert body_words("See the [county's plan](https://county.example/plan) at www.county.example today") == \
        ["see", "the", "county", "s", "plan", "at", "today"]


def test_one_body_or_none():
    one = ld(" ".join(PARAGRAPHS))
    assert article_body([one, dict(one)]) is not None  # the same body stated twice (two scripts) is one
    assert article_body([one, ld(" ".join(STORY))]) is None  # two stories' bodies (a listing): neither is the page's
    assert article_body([{"@type": "WebPage", "articleBody": " ".join(PARAGRAPHS)}]) is None  # no article
    assert article_body([ld("  ")]) is None and article_body([ld(None)]) is None  # type: ignore[arg-type]
    # a hostile page's megabytes of body are read up to MAX_BODY_CHARS
    huge = article_body([ld("barrier " * 1_000_000)])
    assert huge is not None and huge.words == MAX_BODY_CHARS // len("barrier ") and len(huge.grams) == 1


def test_lines_held_and_not_held():
    body = article_body([ld(as_html(PARAGRAPHS))])
    assert body is not None and body.words > 250
    assert all(held_share(p, body) == 1.0 for p in PARAGRAPHS)
    assert held_share(PRICE_BOX[1], body) == 0.0 and held_share("Okafor said", body) == 1.0
    # glued paragraphs ('...2021.The barrier'), as some bodies are written, still hold each line
    glued = article_body([ld("".join(PARAGRAPHS))])
    assert glued is not None and all(held_share(p, glued) >= 0.8 for p in PARAGRAPHS)


def test_dropped_story_lines_come_back_and_chrome_goes():
    lines = [PARAGRAPHS[0], PRICE_BOX[0], PRICE_BOX[1], *PARAGRAPHS[1:], TRUST]
    verdicts: list[str | None] = [None] * len(lines)
    verdicts[3] = BLOCK_MODEL  # the model doubted a story paragraph (PARAGRAPHS[1])
    verdicts[4] = CHROME_LABEL  # a guard removed a story line: it stays removed
    choice = LineChoice([t for t, v in zip(lines, verdicts) if v is None], list(lines), [v for v in verdicts if v],
                        len(lines[3]) + len(lines[4]), verdicts=verdicts)
    apply_article_body(choice, [ld(as_html(PARAGRAPHS))])
    assert choice.kept == [PARAGRAPHS[0], PARAGRAPHS[1], *PARAGRAPHS[3:]]
    assert choice.reasons == [OUTSIDE_BODY, OUTSIDE_BODY, CHROME_LABEL, OUTSIDE_BODY]
    assert choice.removed == [PRICE_BOX[0], PRICE_BOX[1], PARAGRAPHS[2], TRUST]
    assert choice.removed_chars == sum(map(len, choice.removed))


def test_rescue_needs_a_sentence_of_five_words():
    """Some bodies also hold the headlines of the stories the site links to: a line held by the body comes back only
    when it is a sentence of RESCUE_MIN_WORDS words or more."""
    related = "Inside the county budget, doubts about the bridge plan begin to creep in"
    body = article_body([ld(" ".join(PARAGRAPHS) + " -" + related)])
    assert body is not None
    lines = [PARAGRAPHS[0], related, "Okafor said.", PARAGRAPHS[1]]
    assert body_lines(lines, [False, True, True, True], body) == [3]


def test_no_drop_without_the_whole_story():
    chrome = [PARAGRAPHS[0], PRICE_BOX[1], *PARAGRAPHS[1:]]
    teaser = article_body([ld(PARAGRAPHS[0])])  # a paywall's teaser: the first paragraph
    assert teaser is not None and outside_body_lines(chrome, teaser) == []
    prefix = article_body([ld(" ".join(PARAGRAPHS[:5]))])  # over BODY_MIN_WORDS, but most of the story is not in it
    assert prefix is not None and outside_body_lines(chrome, prefix) == []
    other = article_body([ld(GERMAN)])  # long enough, but it holds none of the kept lines
    assert other is not None and other.words > 216 and outside_body_lines(chrome, other) == []
    whole = article_body([ld(" ".join(PARAGRAPHS))])
    assert whole is not None and outside_body_lines(chrome, whole) == [1]


def test_the_page_keeps_its_chrome_without_a_body():
    """The test page's in-story chrome is kept by the block model (what the rule is for): without a body, it stays."""
    ex = extract_html(page([ld("")], inline=CHROME), URL)
    assert_story_kept(ex.blocks)
    assert all(line in ex.blocks for line in [*PRICE_BOX, TRUST]) and OUTSIDE_BODY not in ex.removed_reasons


def test_a_page_whose_body_holds_the_whole_story():
    """JSON-LD stating the whole story (as HTML with entity references): the in-story product box and the "Why you
    can trust" link go with the new reason; the story, and a standfirst the page's description states, stay."""
    head = f'<meta property="og:description" content="{STANDFIRST[:60]}...">'
    ex = extract_html(page([ld(as_html(PARAGRAPHS))], inline=CHROME + f"<p><b>{STANDFIRST}</b></p>", head=head), URL)
    assert_story_kept(ex.blocks)
    assert all(p in ex.blocks for p in MORE) and STANDFIRST in ex.blocks
    assert not any(line in ex.blocks for line in [*PRICE_BOX, TRUST])
    assert ex.removed_reasons.count(OUTSIDE_BODY) == 3
    assert ex.metadata.title == HEADLINE and HEADLINE not in ex.blocks  # the headline still leaves as the title


def test_pages_whose_body_cannot_judge():
    """A teaser body, several articles' bodies, a body of another story: the page keeps what the model kept."""
    for objects in ([ld(PARAGRAPHS[0])], [ld(" ".join(PARAGRAPHS)), ld(" ".join(STORY), url="/other")],
                    [ld(GERMAN)]):
        ex = extract_html(page(objects, inline=CHROME), URL)
        assert all(line in ex.blocks for line in [*PRICE_BOX, TRUST]) and OUTSIDE_BODY not in ex.removed_reasons


def test_real_unseen_pages():
    """trafilatura-eval pages (half A of the text24 split) whose JSON-LD states the story: the in-story chrome goes,
    every story snippet stays; the story paragraph the block model dropped comes back."""
    cases = {  # URL start -> lines that go (chrome), lines that come back (story)
        "https://www.outdoor-magazin.com/outdoor-szene/vanlife-in": (
            ["Moa Karlberg/imagebank.sweden.se",
             "Die Alstadt Stockholms sollte man sich auf seinem Roadtrip auf keinen Fall entgehen lassen!"], []),
        "https://www.eltiempo.com/colombia/medellin/elecciones-2022": (
            ["El artículo no pudo ser guardado, intente nuevamente"],
            ["El encuentro estuvo enmarcado en 6 ejes temáticos"]),
    }
    for prefix, note, ex, text in unseen_pages(cases):
        gone, back = cases[prefix]
        assert all(line not in text for line in gone) and OUTSIDE_BODY in ex.removed_reasons, prefix
        assert all(line in text for line in back), prefix
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)


# Microdata (round 24b): a page that marks its story's element `itemprop="articleBody"` and states no JSON-LD body.
# in-story chrome outside the element that the block model keeps (checked with the rule off)
OUTSIDE = [UPDATED := "Updated: March 3, 2024", *PRICE_BOX, TRUST]


def marked_page(elements: str, objects: list[dict] = ()) -> str:  # type: ignore[assignment]
    """The story's page with its paragraphs in an element marked as the article's body (`elements`: a format string
    for them); a date line, a product box and a link before it, inside the article."""
    paragraphs = "".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in PARAGRAPHS)
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE} | Millbrook Ledger</title>{scripts}
<script>var schema = {{"articleBody": "see the element"}};</script></head>
<body><div class="top"><a href="/">Millbrook Ledger</a></div>
<article class="story"><h1>{HEADLINE}</h1><p class="meta">{UPDATED}</p>
{CHROME}
{elements.format(paragraphs)}
</article>
<div class="bottom"><p>&copy; 2024 Millbrook Ledger. <a href="/privacy">Privacy</a></p></div>
</body></html>"""


MARKED = '<div class="body" itemprop="articleBody"><div class="inner">{}</div></div>'


def test_itemprop_elements_read_by_a_scan():
    """The marked element's visible text (nested elements of its name counted, scripts skipped); the property's name
    in a script, in text or in another attribute is no element; the first `most` elements in page order."""
    html = ('<p>The articleBody of this page</p><script>x = {"articleBody": "<p>no</p>"}</script>'
            '<div data-x="articleBody"><p>not marked</p></div>'
            '<section itemscope itemprop="text articleBody"><section><p>One.</p><script>no()</script></section>'
            '<p>Two &amp; three.</p></section><p>After.</p><div itemprop=articleBody>Second</div>')
    assert itemprop_elements(html, "articleBody", 10_000) == ["One.\nTwo & three.", "Second"]
    assert itemprop_elements(html, "articleBody", 10_000, most=1) == ["One.\nTwo & three."]
    assert itemprop_elements("<p>no articleBody here</p>", "articleBody", 10_000) == []


def test_microdata_body_one_element_or_none():
    assert microdata_body(marked_page(MARKED)) is not None
    # two marked elements with different texts (a listing's teasers): neither is the page's story
    assert microdata_body(marked_page(MARKED + '<div itemprop="articleBody"><p>Another story.</p></div>')) is None
    assert microdata_body(marked_page("<div>{}</div>")) is None


def test_a_page_whose_marked_element_holds_the_whole_story(monkeypatch):
    """The date line, the product box and the link outside the marked element go with the JSON-LD rule's reason; the story
    stays. Without the microdata rule the block model keeps them (what the rule is for)."""
    import dedup.text.storybody as storybody
    html = marked_page(MARKED)
    ex = extract_html(html, URL)
    assert_story_kept(ex.blocks)
    assert all(p in ex.blocks for p in MORE)
    assert not any(line in ex.blocks for line in OUTSIDE) and OUTSIDE_BODY in ex.removed_reasons
    monkeypatch.setattr(storybody, "MICRODATA", False)
    assert all(line in extract_html(html, URL).blocks for line in OUTSIDE)


def test_marked_element_judges_only_what_it_leaves_out():
    """An element holds the story's own widgets too: a line the model dropped that the element holds stays dropped
    (MICRODATA_RESCUES off), while a kept line outside it goes. A page's JSON-LD body, where stated, is the body."""
    html = marked_page(MARKED)
    lines = [UPDATED, PARAGRAPHS[0], *PARAGRAPHS[1:], TRUST]
    verdicts: list[str | None] = [None] * len(lines)
    verdicts[2] = BLOCK_MODEL
    choice = LineChoice([t for t, v in zip(lines, verdicts) if v is None], list(lines), [BLOCK_MODEL],
                        len(lines[2]), verdicts=verdicts)
    apply_article_body(choice, [], (), html)
    assert choice.kept == [PARAGRAPHS[0], *PARAGRAPHS[2:]]
    assert choice.removed == [UPDATED, PARAGRAPHS[1], TRUST]
    # a JSON-LD body holding the date line too decides instead of the element
    stated = LineChoice(list(lines), list(lines), [], 0)
    apply_article_body(stated, [ld(UPDATED + ". " + " ".join(PARAGRAPHS))], (), html)
    assert stated.kept == lines[:-1] and stated.removed == [TRUST]


def test_real_unseen_pages_marked_element():
    """trafilatura-eval pages (half A of the text24 split) that mark their story's element and state no JSON-LD body:
    the newsletter box and link headings outside it go, every story snippet stays."""
    cases = {  # URL start -> lines that go
        "https://www.computerbild.de/artikel/cb-News-Freizeit-Bundesliga-Dortmund": [
            "Weiterführende Links", "Gutscheine und Rabatte", "Bitte geben Sie Ihre E-Mail-Adresse ein."],
        "https://vancouversun.com/technology/microsoft-moves-to-erase": ["Updated: January 16, 2020"],
    }
    for prefix, note, ex, text in unseen_pages(cases):
        assert all(line not in ex.blocks for line in cases[prefix]) and OUTSIDE_BODY in ex.removed_reasons, prefix
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)


# Round 25: an article object of another page states no body of this one; a microdata body's page headlines stay.
LISTING_URL = "https://www.millbrook-ledger.example/news/county"
LISTING_TITLES = ["County news | Millbrook Ledger", "County news", "County news"]  # <title>, og:title, <h1>
RELATED = ld(as_html(PARAGRAPHS), url=URL, mainEntityOfPage={"@id": URL + "#main"})


def test_another_pages_article():
    """An article object is another page's when both its address and its headline say so; an object stating no
    address, or the page's own address in any form, or the page's headline (a copy keeps its original's address),
    is the page's; so is any object of a page whose address is unknown."""
    assert another_pages_article(RELATED, [LISTING_URL], LISTING_TITLES)
    own = [URL, "http://millbrook-ledger.example/news/2024/flood-barrier/?utm_source=feed", URL + "#article"]
    assert not any(another_pages_article(RELATED, [page_url], LISTING_TITLES) for page_url in own)
    assert not another_pages_article(RELATED, ["https://elsewhere.example/x", URL + "/"], LISTING_TITLES)  # canonical
    assert not another_pages_article(ld("story"), [LISTING_URL], LISTING_TITLES)  # no address stated
    assert not another_pages_article(ld("story", **{"@id": "#article"}), [LISTING_URL], LISTING_TITLES)
    assert not another_pages_article(RELATED, [LISTING_URL], [f"{HEADLINE} - Valley Wire"])  # a copy, its headline
    assert not another_pages_article(RELATED, [], LISTING_TITLES)


def test_a_listing_pages_one_related_article_brings_nothing_back():
    """A listing page whose JSON-LD states one article, a related story's, with its whole body: a line the block model
    dropped that this body holds (the related story's teaser) is not brought back, nor does the body judge the kept
    lines; the same body on the story's own page (its object naming no address at all) still does."""
    teaser, listing = PARAGRAPHS[0], ["Council agenda for March", "Read more county news", "Sign up for alerts."]
    lines = [*listing, teaser]
    verdicts: list[str | None] = [None, None, None, BLOCK_MODEL]

    def judged(objects: list[dict], addresses: list[str], titles: list[str]) -> LineChoice:
        choice = LineChoice(listing[:], lines[:], [BLOCK_MODEL], len(teaser), verdicts=verdicts[:])
        apply_article_body(choice, objects, (), "", addresses, titles)
        return choice

    assert article_body([RELATED], (), [LISTING_URL], LISTING_TITLES) is None
    assert judged([RELATED], [LISTING_URL], LISTING_TITLES).kept == listing
    assert teaser in judged([RELATED], [], []).kept  # without the page's address: what the rule did before
    story = LineChoice(PARAGRAPHS[1:], list(PARAGRAPHS), [BLOCK_MODEL], len(teaser),
                       verdicts=[BLOCK_MODEL] + [None] * (len(PARAGRAPHS) - 1))
    apply_article_body(story, [ld(as_html(PARAGRAPHS))], (), "", [URL], [HEADLINE])
    assert story.kept == list(PARAGRAPHS)
    ex = extract_html(page([ld(as_html(PARAGRAPHS))], inline=CHROME), URL)
    assert not any(line in ex.blocks for line in [*PRICE_BOX, TRUST]) and OUTSIDE_BODY in ex.removed_reasons


SHORT_HEADLINE = "New flood barrier after three years of delays"


def test_a_marked_elements_page_keeps_its_headline_lines(monkeypatch):
    """A headline line outside the marked element that the title rule leaves (another wording of the title, tmz.com's
    '$150K Pearl Oscar Dress ... STOLEN!!!!') is the story's, as an article's `headline` is for a JSON-LD body: it
    stays while the chrome outside the element goes. Without MICRODATA_TITLES it went as outside the body."""
    import dedup.text.storybody as storybody
    html = marked_page(f"<h2>{SHORT_HEADLINE}</h2>" + MARKED)
    ex = extract_html(html, URL)
    assert SHORT_HEADLINE in ex.blocks and not any(line in ex.blocks for line in OUTSIDE)
    monkeypatch.setattr(storybody, "MICRODATA_TITLES", False)
    off = extract_html(html, URL)
    assert SHORT_HEADLINE not in off.blocks and SHORT_HEADLINE in off.removed_blocks
