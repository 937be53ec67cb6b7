"""Round 40 (issue 12): the story's lead under the headline when markup without text stands between them: a wrapper's
`<div>`, the header's end, an icon's empty link, a picture without a caption (dedup/text/headlinelead.py,
docs/extraction.md "Round 40"). Each page is extracted alone; int28 read only a `<p>` right after the `<h1>` and lost
these leads.
"""

from __future__ import annotations

from dedup.text.extract import extract_html
from dedup.text.headlinelead import headline_lead

URL = "https://www.tecnologia.example/smartphones/marcas-apps-segundo-plano"
BODY = [
    "Hace un tiempo mencionamos que uno de los grandes problemas para tu batería era cerrar las aplicaciones y "
    "procesos en segundo plano, pues al hacerlo se gastaba mucha más energía al volver a abrirlas.",
    "Con Android Pie llegó una función llamada Batería Adaptativa, que aprende qué aplicaciones usas más y limita "
    "a las demás para que no consuman energía mientras no las necesitas.",
    "El problema es que los fabricantes añaden sus propias capas de ahorro de energía, que cierran procesos sin "
    "avisar y hacen que las alarmas y las notificaciones lleguen tarde o no lleguen.",
    "Por esta razón un sitio especializado publica una lista de los fabricantes que peor tratan a las aplicaciones "
    "en segundo plano, con consejos para cada marca y cada versión de su sistema.",
]
LEAD = ("Aunque muchas veces crees que el problema de tus aplicaciones es culpa del desarrollador, en realidad "
        "podría ser culpa del fabricante.")


def page(under_headline: str) -> str:
    """unocero.com's layout (trafilatura-eval, half A of the text40 split): the headline, `under_headline`, a
    picture, a share box, then the body in an element of its own (its class as round 39's: resiliparse's main-content
    pass takes it alone)."""
    paragraphs = "".join(f"<p>{t}</p>" for t in BODY)
    return f"""<html><head><title>Las marcas que dificultan tus aplicaciones</title></head><body>
<nav><ul><li><a href="/a">Smartphones</a></li><li><a href="/b">Apps</a></li><li><a href="/c">Ciencia</a></li></ul></nav>
<div class="Content"><section class="section row"><article class="Post-Main">
<h1 class="Tech-Title">Estas son las marcas que más dificultan el trabajo de tus aplicaciones en Android</h1>
{under_headline}
<div class="img_ppal"><img src="/foto.jpg" alt="marcas"></div>
<div class="Tech-Share">Compartir: <a href="/fb">Facebook</a> <a href="/tw">Twitter</a></div>
<div class="Tech-Content article-body">{paragraphs}</div>
</article></section></div>
<footer><p>Derechos reservados.</p><a href="/aviso">Aviso de privacidad</a></footer></body></html>"""


def test_a_lead_after_an_icons_empty_link_is_kept_first():
    """unocero's `<a class="Tech-SpeakTop"><i class="fas fa-volume-up"></i></a>` between the headline and its
    `<p class="Tech-Description">`: int28 lost the lead."""
    under = ('<a class="Tech-SpeakTop" href="javascript:void(0)">\n<i class="fas fa-volume-up"></i>\n</a>\n'
             f'<p class="Tech-Description">{LEAD} </p>')
    ex = extract_html(page(under), URL)
    assert ex.blocks[0] == LEAD
    assert all(t in ex.blocks for t in BODY)
    assert ex.blocks.count(LEAD) == 1


def test_a_lead_in_a_wrapper_under_the_headline():
    """The lead in a standfirst's `<div>` (or two), or after an empty icon's element, inside the headline's container."""
    for under in (f'<div class="entry-summary">\n  <p>{LEAD}</p>\n</div>',
                  f'<div class="intro"><div class="article-lead-text"><p class="lead">{LEAD}</p></div></div>',
                  f'<span class="kicker-icon"></span><!-- lead --><div><p>{LEAD}</p></div>'):
        assert headline_lead(page(under)) == LEAD, under
        assert extract_html(page(under), URL).blocks[0] == LEAD, under


def test_text_a_link_a_picture_a_closed_container_or_a_hidden_box_stops_the_rule():
    """Only markup without text that opens elements may stand between: a date line, a teaser's link around the
    paragraph, a list of teasers, a script, a picture (the paragraph after it is its caption), the headline's container
    closed first (a blog's name as its `<h1>`, the blog's description after it) and a hidden box stop the rule (and a
    wrapper's lead is still read, the case int28 missed)."""
    lead = f"<p>{LEAD}</p>"
    assert headline_lead(page(f'<div class="lead">{lead}</div>')) == LEAD
    for gap in ('<div class="meta"><time>2 de mayo de 2022</time></div>', '<div class="teaser"><a href="/otra-nota">',
                "<ul><li>", "<script>var ad = 1;</script>", '<div class="image top"><img src="/foto.jpg" alt="Foto">',
                "</div><div class='descriptionwrapper'>", '<div style="visibility: hidden;">'):
        assert headline_lead(page(gap + lead)) is None, gap
