"""Round 42 (issue 12): a table or a code listing the page sets in a `<figure>` is the story's text
(dedup/text/hiddenstory.py `text_figures_as_boxes`, docs/extraction.md "Round 42"). resiliparse reading with
`alt_texts=False` leaves out every `<figure>` with all it holds; main lost thebalance's fee table this way
(trafilatura-eval) and every listing a static-site generator writes as `<figure class="highlight"><pre>`. A figure of
pictures, its caption, and a pull quote in a figure stay out, as on main.
"""

from __future__ import annotations

from dedup.text.extract import extract_html
from dedup.text.hiddenstory import text_figures_as_boxes

URL = "https://www.money.example/exchange-a-vs-exchange-b-5116733"
STORY = [
    ("Exchange A and Exchange B are two of the most popular places to buy cryptocurrency, with hundreds of billions "
    "of dollars traded on them every quarter."),
    ("One company owns both, but they offer very different platforms for different kinds of traders, and their fees "
    "differ more than their names suggest."),
    ("Exchange A charges a spread and a flat fee on small purchases, which makes it the dearer of the two for anyone "
    "who buys often or in small amounts."),
    "Here is a breakdown of how Exchange A charges fees based on how you pay:",
]
AFTER = [
    ("Exchange A may be best for buy-and-hold investors who want to purchase a currency once and keep it for the "
    "long term, where the fee matters less."),
    ("Exchange B uses a maker-taker schedule instead: makers pay less than takers, and both pay less as their "
    "monthly volume grows past each tier."),
]
ROWS = [("Card Buy", "A fee will apply"), ("ACH Transfer", "Free"), ("Wire Transfer", "$10 ($25 outgoing)"),
        ("SWIFT (GBP)", "Free deposit, 1 GBP withdrawal")]


def page(figure: str) -> str:
    """thebalance.com's layout (trafilatura-eval, half A of the s42k split): the story in its own element, `figure`
    between its paragraphs, a menu before it and a footer after."""
    before = "".join(f"<p>{t}</p>" for t in STORY)
    after = "".join(f"<p>{t}</p>" for t in AFTER)
    return f"""<html><head><title>Exchange A vs. Exchange B</title></head><body>
<nav><ul><li><a href="/invest">Investing</a></li><li><a href="/banking">Banking</a></li><li><a href="/tax">Taxes</a></li>
</ul></nav><main><article class="article"><h1>Exchange A vs. Exchange B</h1>
<div class="article-body">{before}
{figure}
{after}</div></article></main>
<footer><p>About us</p><a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer></body></html>"""


FEE_TABLE = ('<figure id="sc-block_4-0-38" class="comp js-table-scroll comparison-table--base sc-block-table" '
             'data-tracking-id="table-block"><div class="sc-block-table__table-wrapper"><table class="sc-block-table">'
             '<thead><tr><th><b>Account</b></th><th><b>Fees</b></th></tr></thead><tbody>'
             + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in ROWS)
             + '</tbody></table></div><figcaption>Source: the exchange\'s fee page, March 2022</figcaption></figure>')


def test_a_fee_table_in_a_figure_is_kept_with_the_story():
    """thebalance's `figure.comparison-table > div > table`: main kept the paragraphs around it and no row."""
    ex = extract_html(page(FEE_TABLE), URL)
    assert all(t in ex.blocks for t in STORY + AFTER)
    for label, fee in ROWS:
        assert f"{label} {fee}" in ex.blocks, label
    # in place: after the paragraph announcing it, before the next one
    assert ex.blocks.index(STORY[-1]) < ex.blocks.index("Card Buy A fee will apply") < ex.blocks.index(AFTER[0])
    # the figure's caption stays out, as every caption does
    assert not any("Source:" in b for b in ex.blocks)


LISTING = ('<figure class="highlight"><pre><code class="language-ruby" data-lang="ruby">'
           '<span class="k">def</span> <span class="nf">fee_for</span><span class="p">(</span>amount<span class="p">)'
           '</span>\n  amount <span class="o">*</span> <span class="no">RATE</span> <span class="o">+</span> '
           '<span class="no">FLAT_FEE</span>\n<span class="k">end</span></code></pre></figure>')


def test_a_code_listing_in_a_figure_is_kept():
    """A static-site generator's listing (`<figure class="highlight"><pre><code>`): main read no line of it."""
    ex = extract_html(page(LISTING), URL)
    assert "def fee_for(amount)" in ex.blocks
    assert "amount * RATE + FLAT_FEE" in ex.blocks
    assert all(t in ex.blocks for t in STORY + AFTER)


def test_figures_of_pictures_and_quotes_stay_out():
    """A picture with its caption, and a pull quote in a figure (chrome on the pages that write them: round 42's
    measure), read as on main: the page is not rewritten and no line of the figure is kept."""
    picture = ('<figure class="wp-caption aligncenter"><img src="/chart.png" alt="Fees over time">'
               '<figcaption class="wp-caption-text">The fees both exchanges charged in 2021. Photo: Getty Images'
               '</figcaption></figure>')
    quote = ('<figure class="pull-quote"><blockquote><p>The cheapest exchange is the one whose fees you read before '
             'you trade.</p></blockquote><figcaption>A trader we spoke to</figcaption></figure>')
    for figure in (picture, quote):
        html = page(figure)
        assert text_figures_as_boxes(html) == html
        ex = extract_html(html, URL)
        assert all(t in ex.blocks for t in STORY + AFTER)
        assert not any("Getty" in b or "cheapest exchange" in b or "trader we spoke" in b for b in ex.blocks)


def test_which_figures_are_renamed():
    """Only the start and end tags of a figure holding a table or a listing change, whatever their case and
    nesting; a figure without an end tag, an end tag with none open, and a table outside every figure change
    nothing."""
    assert text_figures_as_boxes("<FIGURE class=t><TABLE><tr><td>1</td></tr></TABLE></FIGURE>") == \
        "<div class=t><TABLE><tr><td>1</td></tr></TABLE></div>"
    # nested: both hold the listing; a sibling figure of a picture is left alone
    assert text_figures_as_boxes("<figure><figure><pre>x</pre></figure></figure><figure><img></figure>") == \
        "<div><div><pre>x</pre></div></div><figure><img></figure>"
    for html in ("<figure><table><tr><td>1</td></tr></table>", "</figure><table></table>",
                 "<table><tr><td><figure><img></figure></td></tr></table>", "<figure><img></figure><pre>x</pre>",
                 "<p>no figure at all</p>"):
        assert text_figures_as_boxes(html) == html, html


def test_a_wordpress_table_block_is_kept():
    """WordPress's block editor writes every table as `<figure class="wp-block-table"><table>...` with an optional
    `<figcaption>`: main read no cell of it."""
    table = ('<figure class="wp-block-table is-style-stripes"><table><tbody>'
             + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in ROWS)
             + '</tbody></table><figcaption class="wp-element-caption">Fees as of March 2022</figcaption></figure>')
    ex = extract_html(page(table), URL)
    assert "ACH Transfer Free" in ex.blocks
    assert "SWIFT (GBP) Free deposit, 1 GBP withdrawal" in ex.blocks
    assert "Fees as of March 2022" not in ex.blocks
