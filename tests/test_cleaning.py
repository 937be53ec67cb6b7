"""Single-page cleaning: each kind of chrome seen on real long-tail pages, on a short real-looking page.

Every fixture is one news page as such sites write them (header, navigation, the story, the chrome
under test, a footer); the page is extracted alone, as the only page of its site, so only the page's
own evidence (the block model, the leak guards) can remove the chrome. Also: the layout reader, the
leak guards, text-only input, and properties (never invents text, idempotent).
"""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from resiliparse.parse.html import HTMLTree

from conftest import shared_path

from dedup.evaluate import token_prf
from dedup.text.blockmodel import main_content_lines, shipped_model
from dedup.text.cleaning import HEADLINE as HEADLINE_REASON
from dedup.text.cleaning import (BLOCK_MODEL, CONFIDENT_THRESHOLD, CONFIDENT_WORDS, KEEP_THRESHOLD, choose_lines,
                                 plain_lines, sure_story)
from dedup.text.lineguards import (_CONSENT_PHRASE, _CONSENT_VOICE, _NEWSLETTER_SIGNUP, _SCRIPT_CALL, _SIGNUP_PROMO,
                                   CAPTION, CHROME_LABEL, CREDIT_LINE, CONSENT_NOTICE, FILE_LINK, TEASER, is_file_link,
                                   teaser_reason, ERROR_LEAK, MARKUP_LEAK, SCRIPT_LEAK, SIGNUP_PROMO,
                                   credit_reason, guard_reason, is_chrome_label, is_consent_notice, is_error_leak,
                                   is_link_bar, is_markup_leak, is_script_leak, is_signup_promo)
from dedup.text.extract import Extracted, extract_html, extract_plain
from dedup.text.layout import Line, read_minimal_html
from dedup.text.normalise import fold_line
from dedup.text.uilabels import is_follow_prompt
from dedup.text.titles import site_names

HEADLINE = "County approves new flood barrier after three years of delays"
STORY = [
    "The county board voted 6-1 on Tuesday night to fund a two-mile flood barrier along the east bank of "
    "the Millbrook River, ending a dispute that had stalled the project since the spring floods of 2021.",
    "The barrier, an earthen levee topped with a concrete wall, will cost about $48 million. Roughly half "
    "of the money comes from a state resilience grant; the rest will be borrowed against future property "
    "tax revenue, officials said.",
    "\u201cWe have asked residents of the east side to wait long enough,\u201d board chair Linda Okafor said "
    "before the vote. \u201cEvery season we delay, we are betting their homes on the weather.\u201d",
    "The lone vote against came from supervisor Dale Reyes, who argued that the county should first finish "
    "a study of upstream wetlands that could hold back some of the water at a lower cost.",
    "Construction is expected to begin next summer and take about two years. The county will hold public "
    "meetings in October on the route of the wall and on which properties it will cross.",
]


def page(chrome_after: str = "", chrome_before: str = "", head: str = "") -> str:
    paragraphs = "\n".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in STORY)
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE} | Millbrook Ledger</title>{head}</head>
<body>
<div class="top"><a href="/">Millbrook Ledger</a></div>
<ul class="menu"><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li>
<li><a href="/opinion">Opinion</a></li><li><a href="/obituaries">Obituaries</a></li></ul>
{chrome_before}
<div class="story">
<h1>{HEADLINE}</h1>
{paragraphs}
{chrome_after}
</div>
<div class="bottom"><p>&copy; 2024 Millbrook Ledger. <a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></div>
</body></html>"""


def kept(html: str) -> list[str]:
    return extract_html(html, "https://www.millbrook-ledger.example/news/2024/flood-barrier").blocks


def assert_story_kept(blocks: list[str]) -> None:
    for paragraph in STORY:
        assert paragraph in blocks, paragraph[:40]


CHROME_CASES = {
    "advertisement": ('<div class="ad-slot"><p>Advertisement</p></div>', ["Advertisement"]),
    "weather": ('<div class="widget"><p>Weather</p><p>72\u00b0F Sunny</p></div>', ["Weather"]),
    "article tools": ('<p><a href="#top">Top</a> | <a href="javascript:history.back()">Back</a> | '
                      '<a href="/mail">E-mail this article to a friend</a> | <a href="/print">Printable version</a></p>',
                      ["Top | Back | E-mail this article to a friend | Printable version"]),
    "more stories": ('<h3>More Business stories</h3><ul><li><a href="/b/1">Mill to close its second shift</a></li>'
                     '<li><a href="/b/2">Farmers market moves to Saturdays</a></li>'
                     '<li><a href="/b/3">Credit union opens branch downtown</a></li></ul>',
                     ["More Business stories", "Mill to close its second shift", "Farmers market moves to Saturdays"]),
    "also interested": ('<p>You may also be interested in:</p><ul><li><a href="/n/9">School board race draws '
                        'five candidates</a></li><li><a href="/n/8">Bridge repairs to close Route 9</a></li></ul>',
                        ["You may also be interested in:", "School board race draws five candidates"]),
    "gallery caption": ('<div class="gallery"><p>HIDE CAPTION</p><p>1 of 12</p>'
                        '<p><a href="/g/next">Next photo</a></p></div>',
                        ["HIDE CAPTION", "Next photo"]),
    "cookie notice": ('<div class="notice"><p>A cookie is a small text file that a website saves on your computer '
                      'or mobile device when you visit the site. <a href="/cookies">Learn more</a></p>'
                      '<p><a href="#">Accept all cookies</a></p></div>',
                      ["A cookie is a small text file that a website saves on your computer or mobile device when you "
                       "visit the site. Learn more", "Accept all cookies"]),
    "admin toolbar": ('<div id="toolbar"><a href="#content">Skip to toolbar</a> <a href="/wp-login.php?action=logout">'
                      'Log Out</a></div>', ["Skip to toolbar Log Out"]),
    "share bar": ('<div class="tools"><a href="/share/fb">Facebook</a> <a href="/share/tw">Twitter</a> '
                  '<a href="/share/mail">Email</a> <a href="/print">Print</a></div>', ["Facebook Twitter Email Print"]),
}


@pytest.mark.parametrize("case", sorted(CHROME_CASES))
def test_chrome_after_the_story_goes_and_the_story_stays(case):
    markup, lines = CHROME_CASES[case]
    blocks = kept(page(chrome_after=markup))
    assert_story_kept(blocks)
    for line in lines:
        assert line not in blocks, (case, line)


def test_navigation_list_and_masthead_go():
    blocks = kept(page())
    assert_story_kept(blocks)
    for chrome in ("News", "Sports", "Opinion", "Obituaries", "Millbrook Ledger"):
        assert chrome not in blocks


def test_leaked_noscript_markup_goes_at_its_source():
    # a <noscript> whose markup the page escaped: the extractor emits it as text
    leaked = '&lt;img src="https://pixel.example/t.gif?id=42" width="1" height="1" style="display:none" alt=""&gt;'
    blocks = kept(page(chrome_after=f"<p>{leaked}</p>"))
    assert_story_kept(blocks)
    assert not any("pixel.example" in b for b in blocks)


def test_leaked_javascript_goes_at_its_source():
    leaked = ('<p>document.write(\'&lt;script src="https://ads.example/show.js?zone=12"&gt;&lt;/script&gt;\'); '
              'googletag.cmd.push(function() { googletag.display("div-gpt-ad-1"); });</p>')
    blocks = kept(page(chrome_after=leaked))
    assert_story_kept(blocks)
    assert not any("document.write" in b or "googletag" in b for b in blocks)


def test_code_in_pre_is_story_text_not_a_leak():
    lines = [Line('document.write("<p>hello</p>");', "pre", 0, 0), Line("<div id=\"app\"></div>", "pre", 0, 0)]
    choice = choose_lines(lines, [0.9, 0.9])
    assert choice.kept == [line.text for line in lines]


def test_chrome_labels_are_whole_lines_only():
    for label in ("Advertisement", "HIDE CAPTION", "More Business stories", "You may also be interested in:",
                  "Skip to toolbar Log Out", "1 of 12", "Anzeige", "More from the Los Angeles Times"):
        assert is_chrome_label(label), label
    for line in ("The advertisement ran for three weeks before it was pulled.", "Weather permitting, we go.",
                 "Share prices fell 4% on Monday.", "More than 40 people were hurt."):
        assert not is_chrome_label(line), line


def test_signup_promos_and_reading_times_go_whatever_the_model_says():
    for promo in ("Get our weekly California Inc. newsletter", "Subscribe to Updates", "Receive email alerts on:",
                  "GET BREAKING NEWS IN YOUR BROWSER. CLICK HERE TO TURN ON NOTIFICATIONS.",
                  "Sign up for free email updates and be entered to win our monthly giveaway!"):
        assert is_signup_promo(promo), promo
        assert guard_reason(promo) == SIGNUP_PROMO
    for line in ("Join the march on Saturday, organisers said.", "Get out of the water when lightning strikes.",
                 "Residents can get alerts by text message if they sign up, the agency said.",
                 "Subscribers to the newsletter " + "were told on Monday that the company had been sold " * 3):
        assert not is_signup_promo(line), line
    for label in ("5 Min Read", "11 min read", "PUBLISHED: | UPDATED:"):
        assert is_chrome_label(label), label
    blocks = kept(page(chrome_after="<p>Get our daily Entertainment newsletter</p><p>4 min read</p>"))
    assert_story_kept(blocks)
    assert "Get our daily Entertainment newsletter" not in blocks and "4 min read" not in blocks


def test_widget_labels_and_signups_in_other_languages():
    for label in ("Weitere Artikel", "Die meistgelesenen Artikel", "Dir hat der Artikel gefallen? Jetzt teilen...",
                  "Lade weitere Inhalte", "Über den Autor", "Lire aussi :", "Noticias relacionadas", "Leggi anche",
                  "Leia também", "Czytaj także"):
        assert is_chrome_label(label), label
    for promo in ("Kostenlos zum Newsletter anmelden", "Inscrivez-vous à notre newsletter"):
        assert is_signup_promo(promo), promo
    for line in ("Der Newsletter erschien am Montag mit neuen Zahlen zur Lage.", "Weitere Artikel folgen im Herbst, "
                 "sagte der Verlag am Dienstag in Hamburg."):
        assert not is_signup_promo(line) and not is_chrome_label(line), line


def test_labels_the_list_lacked_in_other_languages():
    """Widget labels seen kept on unseen sites (trafilatura-eval), and their kin in the same languages."""
    for label in ("Vous aimerez aussi", "Zusatzinformationen:", "Lesen Sie auch die folgenden Beiträge:",
                  "Weitere Artikel zum Thema", "PUEDES VER:", "Читайте также", "Veja também", "Enlarge this image"):
        assert is_chrome_label(label), label
        assert guard_reason(label) == CHROME_LABEL
    for line in ("Vous aimerez aussi la suite de cette histoire, promet l'auteur.",
                 "Weitere Artikel des Gesetzes regeln die Frage der Haftung.",
                 "Zusatzinformationen finden Sie im Anhang."):
        assert not is_chrome_label(line), line


def _linked(before: str, link: str, after: str = "", tag: str = "p") -> Line:
    """A line of `before`, one link holding `link`, then `after` (the link figures `read_minimal_html` gives)."""
    return Line(before + link + after, tag, len(link), 1)


TEASERS = (  # a widget's label and one link at the line's end (round 17: trafilatura-eval pages, half A)
    _linked("PUEDES VER: ", "¿Qué es la Sunedu, cómo está conformada y para qué sirve?"),
    _linked("Vorheriger Artikel", "++ Wetter in der Region: Aussichten bis Freitag mild, aber ungemütlich ++", tag=""),
    _linked("Nächster Artikel", "FDP-Landes- und Kommunalpolitiker stellen Bundes-Ampel infrage – sieben aus RLP"),
    _linked("Related: ", "7 Strange Signs You're Having an Allergic Reaction"),
    _linked("READ MORE: ", "China plague outbreak confirmed: Two diagnosed with disease in Beijing"),
    _linked("← Previous: ", "The Eater Cleveland Heatmap: Where to Eat Right Now"),
)
READ_MORE_TEASER = _linked("Sommerzeit ist Urlaubszeit, das lässt sich Bella Hadid nicht zwei mal sagen und verschönert "
                           "aktuell die griechische Insel mit ihrer Anwesenheit. Seht selbst! ", "Weiterlesen", tag="")
NO_TEASERS = (  # a label that names its link (an address, a credit), a link inside prose, a line that is one link
    _linked("Email: ", "news@millbrook-ledger.example"),
    _linked("Photo: ", "blogs.telegraph.co.uk"),
    _linked("The county's ", "flood study", " found the east bank at risk in two of every five springs."),
    _linked("", "Related stories about the flood barrier"),
    _linked("Kernel: ", "LSFMM coverage: NFS, defragmentation, epoll(), copy offload, and more."),
    _linked("Tucked behind a high chocolate wall, on the corner of the first lane ... ", "more"),
)


def test_teasers_go_by_label_and_link():
    """A widget label glued to one link is a teaser of another story whatever the model says; a teaser ending in
    its one "Read more" link goes beside a sure story only (a list page's items end so: CleanEval keeps them)."""
    for line in TEASERS:
        assert teaser_reason(line) == TEASER, line.text
    for line in NO_TEASERS:
        assert teaser_reason(line) is None and teaser_reason(line, beside_story=True) is None, line.text
    assert teaser_reason(READ_MORE_TEASER) is None and teaser_reason(READ_MORE_TEASER, beside_story=True) == TEASER
    story = [Line(p, "p", 0, 0) for p in STORY * 2]  # (twice: over CONFIDENT_WORDS sure words)
    lines = [*story[:5], TEASERS[0], *story[5:], READ_MORE_TEASER, NO_TEASERS[0]]
    # (the model doubts the lines after the story: they are beside it, not among its sure lines)
    choice = choose_lines(lines, [0.99] * (len(lines) - 2) + [0.6, 0.6])
    assert choice.kept == [*STORY * 2, NO_TEASERS[0].text]
    assert choice.reasons == [TEASER, TEASER]
    # no sure story (a short page, a list page): the read-more teaser stays, the labelled one goes
    lines = [*story[:2], TEASERS[0], READ_MORE_TEASER]
    assert choose_lines(lines, [0.99] * len(lines)).kept == [*STORY[:2], READ_MORE_TEASER.text]
    markup = ('<p>PUEDES VER: <a href="/datos/sunedu">¿Qué es la Sunedu, cómo está conformada y para qué sirve?</a></p>'
              '<p>Email: <a href="mailto:news@millbrook-ledger.example">news@millbrook-ledger.example</a></p>')
    ex = extract_html(page(chrome_after=markup), "https://www.millbrook-ledger.example/news/2024/flood-barrier")
    assert_story_kept(ex.blocks)
    assert not any("Sunedu" in b for b in ex.blocks) and TEASER in ex.removed_reasons
    assert "Email: news@millbrook-ledger.example" in ex.blocks


FILE_LINKS = (
    "Bundesratspräsident Bodo Ramelow beteiligt sich an der Gedenkkampagne #WeRemember © Bundesrat | Frank Bräuer "
    "Hochauflösendes Bild (jpeg, 1MB)",
    "Hochauflösendes Bild (jpeg, 5MB)",
    "Jahresbericht 2021 (PDF, 2,3 MB)",
    "Download the full report (pdf, 845 KB)",
)
NO_FILE_LINKS = (
    "The report (PDF) is on the county's website.",
    "The county posted a 2 MB file of the barrier's route (PDF, 2 MB) on Tuesday, and residents can comment on it.",
)
PUSH_PROMPTS = (
    "Benachrichtigung aktivieren Dürfen wir Sie in Ihrem Browser über die wichtigsten Nachrichten des Handelsblatts "
    "informieren? Sie erhalten 2-5 Meldungen pro Tag.",
    "Push-Benachrichtigungen aktivieren",
    "Activer les notifications",
    "Activar notificaciones",
)


def test_download_links_and_push_prompts_go_by_their_shape():
    for line in FILE_LINKS:
        assert is_file_link(line) and guard_reason(line) == FILE_LINK, line
    for line in NO_FILE_LINKS:
        assert not is_file_link(line) and guard_reason(line) is None, line
    for line in PUSH_PROMPTS:
        assert is_signup_promo(line) and guard_reason(line) == SIGNUP_PROMO, line
    for line in ("Die Stadt will Benachrichtigungen bei Hochwasser künftig früher aktivieren.",
                 "Nachrichten einschalten, sagt sie, ist für viele ältere Menschen der Start in den Tag."):
        assert guard_reason(line) is None, line
    markup = (f"<p>{FILE_LINKS[0][:-32]}<a href=\"/bild.jpg\">Hochauflösendes Bild (jpeg, 1MB)</a></p>"
              f"<p>{PUSH_PROMPTS[0]}</p>")
    ex = extract_html(page(chrome_after=markup), "https://www.millbrook-ledger.example/news/2024/flood-barrier")
    assert_story_kept(ex.blocks)
    assert not any("Bild (jpeg" in b or "Benachrichtigung" in b for b in ex.blocks)
    assert FILE_LINK in ex.removed_reasons and SIGNUP_PROMO in ex.removed_reasons
    plain = extract_plain("\n\n".join([*STORY[:2], FILE_LINKS[2], *STORY[2:]]))
    assert FILE_LINKS[2] not in plain.blocks and FILE_LINK in plain.removed_reasons


def test_teasers_download_links_and_push_prompts_on_real_unseen_pages():
    """trafilatura-eval pages (half A of the text8 split) that kept a teaser, a download link or a push prompt: the
    chrome goes, the story's snippets stay."""
    cases = {  # URL start -> the chrome the page kept before, its reason
        "https://larepublica.pe/datos-lr/respuestas/2022/05/02/": ("PUEDES VER: ¿Qué es la Sunedu", TEASER),
        "https://lokalo.de/artikel/310144/": ("Nächster ArtikelFDP-Landes-", TEASER),
        "https://www.jolie.de/stars/adele-10-kilo": ("Sommerzeit ist Urlaubszeit", TEASER),
        "https://www.bundesrat.de/SharedDocs/texte/22/20220127-weremember": ("Bundesrat | Frank Bräuer", FILE_LINK),
        "https://www.handelsblatt.com/politik/international/grenzschliessungen": ("Benachrichtigung aktivieren",
                                                                                   SIGNUP_PROMO),
    }
    for prefix, note, ex, text in unseen_pages(cases):
        chrome, reason = cases[prefix]
        assert chrome not in text and reason in ex.removed_reasons, prefix
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)


def unseen_pages(prefixes: Iterable[str]) -> Iterator[tuple[str, dict, Extracted, str]]:
    """trafilatura-eval's annotated pages whose URL starts with each of `prefixes`, extracted alone: (prefix, the
    page's annotation, its extraction, its text with whitespace folded). Skips without ../shared."""
    root = shared_path("corpora", "trafilatura-eval")
    notes = json.loads((root / "evaldata.json").read_text("utf-8"))
    for prefix in prefixes:
        url = next(u for u in notes if u.startswith(prefix))
        ex = extract_html(gzip.decompress((root / notes[url]["file"]).read_bytes()), url)
        yield prefix, notes[url], ex, " ".join(ex.text.split())


PHOTO_CREDITS = (  # a credit marker and names only: the credit of a picture, or a copyright line
    "© Bundesrat | Frank Bräuer",
    "© Presse- und Informationsamt der Bundesregierung | Jesco Denzel",
    "(C) Kab Niang",
    "Foto: dpa",
    "Bild: picture alliance / dpa",
    "Photo: Getty Images / AFP",
    "Bildnachweis: Stadt Trier",
    "(Foto: Andina)",
    "Copyright © Quiller Media, Inc.",
)
CAPTIONS = (  # a description closed by its picture's credit, or led by an enlarge button's label
    "Le piquet de grève dans le hall de l’université / (C) Kab Niang",
    "Son tres los periodos de vacaciones durante el año escolar. Foto: Andina",
    "Rescue workers search the rubble of the collapsed school (Photo: Reuters)",
    "Vergrößern Eine kleine runde Aussparung für die Facetime-Kamera im Display des iPhones 14.",
)
CREDIT_STORY_LINES = (  # credits and markers inside the story's sentences stay
    "Foto: Der Bürgermeister eröffnet die neue Brücke am Montag.",
    "Copyright law in the EU changed in 2019 and publishers gained new rights over their headlines.",
    "Photos of the event show a large crowd gathering in the square before the speech.",
    "The contract names three parties: (a) the county, (b) the state and (c) Millbrook.",
    "(c) Definitions",
    # a copyright notice with its year: the licence reader's evidence, and a wire story's closing line
    "©2023 Bloomberg L.P.",
    "© 2019 Hearst Communications, Inc.",
    "The photographer, who asked that her picture be credited to Bild: Keystone, said she had waited "
    "for hours in the rain before the motorcade arrived at the square and the crowd finally moved.",
    "Enlarge the image by pinching it with two fingers, the manual says.",
    # English credit words and 'Photograph:' are left out: dragnet's gold keeps such lines
    "Photo credit: Larry Weinberg",
    "The London Array will be the world's largest offshore windfarm. Photograph: Mark Turner/London Array Limited",
    # a short post of several sentences that credits its pictures at its end (dragnet's gold keeps it)
    "No matter how long I stare at this, I still can't believe this is a pencil drawing. Mind...blown. Artwork and "
    "photos © DiegoKoi",
)


def test_photo_credits_and_captions_go_by_their_shape():
    for line in PHOTO_CREDITS:
        assert credit_reason(line) == CREDIT_LINE, line
        assert guard_reason(line) == CREDIT_LINE, line
    for line in CAPTIONS:
        assert credit_reason(line) == CAPTION, line
        assert guard_reason(line) == CAPTION, line
    for line in CREDIT_STORY_LINES:
        assert credit_reason(line) is None and guard_reason(line) is None, line
    # a long capitalised word before a failing end: each name ends where its word ends (split into names every way,
    # this line took minutes)
    assert credit_reason("© " + "A" * 40 + " abc") is None
    markup = ('<figure><img src="/img/barrier.jpg" alt=""><figcaption>Workers test a section of the new flood '
              'barrier on the east bank / (C) Kab Niang</figcaption></figure><p>© Millbrook County | Dana Ortiz</p>')
    ex = extract_html(page(chrome_after=markup), "https://www.millbrook-ledger.example/news/2024/flood-barrier")
    assert_story_kept(ex.blocks)
    assert not any("Kab Niang" in b or "Dana Ortiz" in b for b in ex.blocks)
    assert CREDIT_LINE in ex.removed_reasons
    # text-only input: the same guards
    plain = extract_plain("\n\n".join([*STORY[:2], "Foto: dpa", *STORY[2:]]))
    assert "Foto: dpa" not in plain.blocks and CREDIT_LINE in plain.removed_reasons


def test_photo_credits_and_captions_on_real_unseen_pages():
    """trafilatura-eval pages whose credit lines and captions the main-content pass kept as story text: they go with
    their reason, the story's own snippets stay."""
    cases = {  # URL start -> chrome the page kept before (a credit line twice, a caption under its credit, a caption
        # after the enlarge button's label twice)
        "https://www.bundesrat.de/SharedDocs/texte/22/20220127-weremember": "Bundesregierung | Jesco Denzel",
        "https://www.bondyblog.fr/societe/a-paris-8": "Le piquet de grève dans le hall",
        "https://www.macwelt.de/ratgeber/iPhone-14": "Eine kleine runde Aussparung",
    }
    for prefix, note, ex, text in unseen_pages(cases):
        assert cases[prefix] not in text, prefix
        assert {CREDIT_LINE, CAPTION} & set(ex.removed_reasons), prefix
        for snippet in note["with"][:2]:  # (the bondyblog page misses its third with or without the guards)
            assert " ".join(snippet.split()) in text, (prefix, snippet)


UNMARKED_CREDITS = (  # round 20: names only, naming a picture agency, or a news agency beside a photographer
    "Getty Images",
    "Chip Somodevilla/Getty Images",
    "Saul Loeb / AFP - Getty Images",
    "Natalie Naccache | Bloomberg | Getty Images",
    "KIMIHIRO HOSHINO/AFP/GettyImages",
    "REUTERS/Kevin Lamarque",
    "(AP Photo/Evan Vucci)",
    "Jupiterimages, Getty Images/Creatas RF",
)
GLUED_CAPTIONS = (  # a one-sentence caption and, without a space after its full stop, a credit of names joined by '/'
    "Eva M. Welskop-Deffaa nach der Wahl zur Caritas-Präsidentin zusammen mit Wahlleiter Matthias "
    "Mitzscherlich.DCV / Oppitz",
    "Die neue Brücke über die Saale am Tag ihrer Eröffnung.Stadt Halle / Schmidt",
)
AGENCY_STORY_LINES = (  # an agency alone is a story's source line; an agency inside a sentence, story text
    "Reuters",
    "AFP",
    "dpa /",  # an agency alone before a separator (a hypothesis find: it raised on the missing marker group)
    "Susan Walsh / AP",
    "By Claire Brennan | Reuters",  # a byline, not a picture's credit
    "Getty Images has licensed the photographs to more than forty newspapers this year.",
    "Berlin / Hamburg",
    "Sie kam aus Köln. Danach ging sie nach Hause.DCV / Oppitz",  # two sentences: a post, not a caption
    "Die Stadt hat gewählt. Berlin / Hamburg",  # a space after the full stop: no glue
)


def test_unmarked_agency_credits_and_glued_captions_go_by_their_shape():
    for line in UNMARKED_CREDITS:
        assert credit_reason(line) == CREDIT_LINE and guard_reason(line) == CREDIT_LINE, line
    for line in GLUED_CAPTIONS:
        assert credit_reason(line) == CAPTION and guard_reason(line) == CAPTION, line
    for line in AGENCY_STORY_LINES:
        assert credit_reason(line) is None, line
    # whatever the model says (text-only input: the guards alone)
    plain = extract_plain("\n\n".join([STORY[0], "Chip Somodevilla/Getty Images", *STORY[1:3], GLUED_CAPTIONS[1],
                                        *STORY[3:]]))
    assert plain.blocks == STORY and plain.removed_reasons == [CREDIT_LINE, CAPTION]


def test_glued_caption_on_a_real_unseen_page():
    """trafilatura-eval's caritas.de press release (half A of `--split text8`): its picture's caption and credit
    were one kept line ("... Matthias Mitzscherlich.DCV / Oppitz"); it goes as a caption, the story stays."""
    root = shared_path("corpora", "trafilatura-eval")
    notes = json.loads((root / "evaldata.json").read_text("utf-8"))
    url = next(u for u in notes if u.startswith("https://www.caritas.de/presse/pressemeldungen-dcv/eva-welskop"))
    ex = extract_html(gzip.decompress((root / notes[url]["file"]).read_bytes()), url)
    text = " ".join(ex.text.split())
    assert "DCV / Oppitz" not in text and CAPTION in ex.removed_reasons
    for snippet in notes[url]["with"]:
        assert " ".join(snippet.split()) in text, snippet


OTHER_LANGUAGE_LABELS = (  # round 20: reading time, comment counters, share buttons, relative time stamps
    "Lesezeit: 3 Minuten", "3 Min. Lesezeit", "Temps de lecture : 4 min", "Tiempo de lectura: 5 minutos",
    "Tempo de leitura: 2 minutos", "Время чтения: 5 минут", "Reading time: 6 minutes",
    "12 Kommentare", "3 commentaires", "Comentarios 4", "Keine Kommentare", "No comments yet.",
    "Auf Facebook teilen", "Partager sur Facebook", "Compartir en WhatsApp", "Condividi su Twitter",
    "vor 3 Stunden", "il y a 2 heures", "hace 5 horas", "5 минут назад", "2 ore fa", "posted 35 mins ago",
    "Published 4 hours ago",
)
OTHER_LANGUAGE_STORY_LINES = (  # the same words in a sentence stay
    "Vor 3 Stunden kam es auf der A9 zu einem Unfall mit drei Fahrzeugen.",
    "3 Kommentare zu diesem Artikel hat die Redaktion gelöscht.",
    "Il y a 2 heures de route entre Lyon et Genève.",
    "Hace 5 horas que el equipo de rescate trabaja en la zona.",
    "Lesezeit spielt bei Kindern eine große Rolle, sagt die Studie.",
)


def test_reading_time_comment_counts_share_buttons_and_time_stamps_in_other_languages():
    for line in OTHER_LANGUAGE_LABELS:
        assert is_chrome_label(line) and guard_reason(line) == CHROME_LABEL, line
    for line in OTHER_LANGUAGE_STORY_LINES:
        assert guard_reason(line) is None, line
    plain = extract_plain("\n\n".join([STORY[0], "Lesezeit: 3 Minuten", *STORY[1:], "12 Kommentare"]))
    assert "Lesezeit: 3 Minuten" not in plain.blocks and "12 Kommentare" not in plain.blocks
    assert plain.removed_reasons.count(CHROME_LABEL) == 2


CONSENT_NOTICES = (
    "We use cookies and other tracking technologies to improve your browsing experience on our site.",
    "By choosing I Accept, you consent to our use of cookies and other tracking technologies.",
    "This website uses cookies. Read our privacy policy to find out more.",
    "If you disable this cookie, we will not be able to save your preferences.",
    "A cookie is a small text file that a website saves on your computer when you visit the site.",
    "Diese Website verwendet Cookies. Wenn Sie die Seite weiter nutzen, stimmen Sie dem zu.",
    "Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.",
    "Ce site utilise des cookies pour améliorer votre expérience.",
    "Este sitio web utiliza cookies para que usted tenga la mejor experiencia.",
    "Deze site gebruikt cookies om uw ervaring te verbeteren.",
)
COOKIE_STORY_LINES = (  # cookies in story text: a recipe, a web standard, a browser's plans, a quote
    "Put the pie on a cookie sheet and use tinfoil to cover the edges so that they don't burn.",
    "Use a spatula to move the cookies to a rack, then let them cool before you serve them.",
    "Supporting CORS rules and ensuring cookies aren't readable by third parties.",
    "Google said it would phase out third-party cookies in its Chrome browser, a change advertisers fear.",
    "\"I've put my cookies in the oven, they've come out fine, and now I'm going to crawl in,\" he said.",
    "Sie backte am Sonntag Cookies für das Fest, die nach dem Rezept ihrer Großmutter gemacht waren.",
)


def test_cookie_consent_notices_go_whatever_the_model_says():
    for notice in CONSENT_NOTICES:
        assert is_consent_notice(notice), notice
        assert guard_reason(notice) == CONSENT_NOTICE
    for line in COOKIE_STORY_LINES:
        assert not is_consent_notice(line), line
    assert not is_consent_notice("We use cookies " + "and many other things on our site every day " * 10)  # 80+ words
    # text-only input: the guard needs no markup
    ex = extract_plain("\n\n".join([HEADLINE, CONSENT_NOTICES[0], *STORY]))
    assert ex.blocks == STORY and ex.removed_reasons == [HEADLINE_REASON, CONSENT_NOTICE]  # the headline: the title


def test_cookie_consent_notices_on_real_pages():
    """article-extraction-benchmark pages whose consent banner the main-content pass keeps as paragraphs (p 0.6-0.9
    from the block model, above the page's story): the banner goes, the story stays."""
    root = shared_path("corpora", "article-extraction-benchmark")
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    for prefix in ("16c30add7e96", "6a72de37e8f9", "785affa2c34e"):
        page_id = next(k for k in truth if k.startswith(prefix))
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        ex = extract_html(html, truth[page_id].get("url"), "utf-8")
        assert not any("use of cookies" in block or "We use cookies" in block for block in ex.blocks), prefix
        assert CONSENT_NOTICE in ex.removed_reasons
        precision, recall, _ = token_prf(ex.text, truth[page_id]["articleBody"])
        # measured: precision 0.985 / 0.979 / 0.946 (0.958 / 0.963 / 0.911 with the banner), recall 0.96 / 0.84 /
        # 0.98 as before (the second page's story misses a lede the model doubts, not the banner's doing)
        assert precision >= 0.94 and recall >= 0.8, (prefix, precision, recall)


def test_link_bar_is_links_and_separators_only():
    bar = read_minimal_html('<p><a href="/">Home</a> | <a href="/n">News</a> | <a href="/s">Sports</a></p>')[0]
    prose = read_minimal_html('<p>The <a href="/a">mayor</a> met <a href="/b">the council</a> and '
                              '<a href="/c">residents</a> on Tuesday.</p>')[0]
    assert is_link_bar(bar) and not is_link_bar(prose)


def test_site_name_from_the_title():
    assert site_names(f"{HEADLINE} | Millbrook Ledger") == {"millbrook ledger"}
    assert site_names("Millbrook Ledger - " + HEADLINE) == {"millbrook ledger"}
    assert site_names(HEADLINE) == set()
    # a script written without spaces glues the site on without them, after the headline, which may be the shorter
    # part ('蔡健雅_百度百科'), or puts it first in brackets
    assert site_names("头条新闻_新华网") == {"新华网"}
    assert site_names("蔡健雅_百度百科") == {"百度百科"}
    assert site_names("東証大引け 続伸、半導体株に買い｜日本経済新聞") == {"日本経済新聞"}
    assert site_names("【新华网】国务院部署进一步稳就业工作") == {"新华网"}
    # not at a hyphen ('엘제이-류화영' joins two names) nor between Latin letters
    assert site_names("엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유 - Entermedia") == {"entermedia"}
    assert site_names("snake_case_名前 und Wi-Fi") == set()


def test_leak_guards():
    assert is_markup_leak('<img src="x.gif" width="1" height="1" />')
    assert is_markup_leak('<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-XXXX" height="0"></iframe>')
    assert not is_markup_leak("The court held that 5 < 6 and that the <b> tag is not at issue.")
    assert is_script_leak('document.write(\'<script src="//ads.example/a.js"></script>\');')
    assert is_script_leak("var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-1234-1']);")
    assert not is_script_leak("The window.open call was mentioned by the witness, who said var is a word.")
    assert not is_script_leak("She said the function (a fundraiser) would be held on Friday.")
    assert is_error_leak("Warning: Creating default object from empty value in /www/htdocs/wp-includes/classes.php "
                         "on line 407")
    assert is_error_leak("Strict Standards: Only variables should be passed by reference in /var/www/wp-db.php on "
                         "line 785 Deprecated: preg_replace(): The /e modifier is deprecated in /var/www/format.php "
                         "on line 82")
    assert guard_reason("Notice: Undefined index: id in C:\\inetpub\\site\\index.php on line 12") == ERROR_LEAK
    assert not is_error_leak("Warning: the story turns dark on line 3 of the poem, the editors said in a note.")
    assert not is_error_leak("The clerk read the notice on line 4 of the agenda. " * 3
                             + "Warning: x in /a.php on line 1")  # mostly story text: left to the model


def test_leaked_server_errors_go_on_a_real_page():
    """trafilatura-eval (never training data): a travel blog whose server prints PHP warnings into the page."""
    root = shared_path("corpora", "trafilatura-eval")
    annotations = json.loads((root / "evaldata.json").read_text("utf-8"))
    url = "http://www.einfachspanien.de/malaga-die-quirlige-metropole-in-andalusien.html"
    ex = extract_html(gzip.decompress((root / annotations[url]["file"]).read_bytes()), url)
    assert "Warning: Creating default object" not in ex.text and ERROR_LEAK in ex.removed_reasons
    text = " ".join(ex.text.split())
    for snippet in annotations[url]["with"]:
        assert " ".join(snippet.split()) in text, snippet


def test_removed_lines_carry_their_reason():
    lines = [Line("A paragraph of the story that is long enough to count as text here.", "p", 0, 0),
             Line("document.write('<b>x</b>'); var a = 1;", "p", 0, 0),
             Line("<img src=\"a.gif\">", "", 0, 0), Line("Share", "", 5, 1),
             Line("Posted in News | 3 responses so far", "", 4, 1)]
    choice = choose_lines(lines, [0.9, 0.9, 0.9, 0.9, 0.1])
    assert choice.kept == [lines[0].text]
    assert choice.reasons == [SCRIPT_LEAK, MARKUP_LEAK, CHROME_LABEL, BLOCK_MODEL]
    assert choice.removed_chars == sum(len(ln.text) for ln in lines[1:])


def test_a_doubted_line_goes_only_beside_a_story_the_model_is_sure_of():
    story = [Line(text, "p", 0, 0) for text in STORY]
    words = sum(len(ln.text.split()) for ln in story)
    teaser = Line("Our weekly round-up of the best reads from the region, every Friday", "p", 0, 0)
    # sure of a story (CONFIDENT_WORDS words at CONFIDENT_P or more): a line at 0.4 is chrome beside it
    sure = story * (CONFIDENT_WORDS // words + 1)
    assert sure_story(sure, [0.95] * len(sure))
    choice = choose_lines([*sure, teaser], [0.95] * len(sure) + [0.4])
    assert choice.kept == [ln.text for ln in sure] and choice.reasons == [BLOCK_MODEL]
    # the same line at the same probability stays on a page with no sure story (a short post, an odd layout)
    for probs in ([0.95] * len(story), [0.6] * len(sure)):
        lines = story if len(probs) == len(story) else sure
        assert not sure_story(lines, probs)
        assert choose_lines([*lines, teaser], [*probs, 0.4]).kept[-1] == teaser.text
    # between two sure lines it is inside the story, and stays
    inside = [*sure[:2], teaser, *sure[2:]]
    assert sure_story(inside, [0.95, 0.95, 0.4] + [0.95] * (len(sure) - 2)) == (0, len(sure))
    assert choose_lines(inside, [0.95, 0.95, 0.4] + [0.95] * (len(sure) - 2)).kept == [ln.text for ln in inside]
    # the threshold only rises: a caller's higher threshold (the whole-page pass) stands
    assert choose_lines([*sure, teaser], [0.95] * len(sure) + [0.55], threshold=0.6).reasons == [BLOCK_MODEL]
    assert CONFIDENT_THRESHOLD > KEEP_THRESHOLD


def test_a_page_the_model_would_empty_keeps_every_line_but_the_guarded_ones():
    lines = [Line("Only line of a very short page, kept by main content.", "p", 0, 0), Line("Menu", "", 4, 1),
             Line("Advertisement", "p", 0, 0)]
    choice = choose_lines(lines, [0.01, 0.01, 0.01])
    assert choice.kept == [ln.text for ln in lines[:2]]
    assert choice.reasons == [CHROME_LABEL]
    assert choice.evidence == [ln.text for ln in lines]


def test_read_minimal_html_tags_links_and_entities():
    got = read_minimal_html('<h1>A &amp; B</h1>\n\n<p>Some <a href="/x">linked words</a> here.<br>\nNext line</p>\n\n'
                            'bare text\n<a href="/y">all link</a>\n\n<a href="/z">\n\n<p>after an unclosed link</p>')
    assert [(ln.text, ln.tag) for ln in got] == [("A & B", "h1"), ("Some linked words here.", "p"),
                                                 ("Next line", "p"), ("bare text", ""), ("all link", ""),
                                                 ("after an unclosed link", "p")]
    assert got[1].link_chars == len("linked words") and got[1].links == 1
    assert got[4].link_chars == len("all link")
    assert got[5].link_chars == 0


# the markup of O'Reilly's SRE book (readability-test-pages' google-sre-book-1): index terms are empty anchors
_INDEX_TERMS = ('<a data-type="indexterm" data-primary="monitoring distributed systems" id="id-9nCjSvFVuj"></a>'
                '<a data-type="indexterm" data-primary="white-box monitoring" id="id-ZbC1FMFEu7"></a>'
                '<a data-type="indexterm" data-primary="black-box monitoring" id="id-zdCXIGFvuy"></a>')
_SRE_PARAGRAPH = ("We combine heavy use of white-box monitoring with modest but critical uses of black-box "
                  "monitoring. The simplest way to think about black-box monitoring versus white-box monitoring "
                  "is that black-box monitoring is symptom-oriented, as in tickets, email alerts,")


def test_empty_anchor_holds_no_link_text():
    """resiliparse writes an anchor with no content as a start tag it never closes: the rest of the paragraph
    is not its text (the SRE book page lost two paragraphs of prose as link bars: three empty anchors read as
    three links around all of its words). Other empty inline elements leave no trace either. The models' own
    figures stay as they learnt them (round 16 of docs/extraction.md)."""
    html = (f'<html><head><title>Monitoring</title></head><body><nav><a href="/">Home</a></nav><article>'
            f'<h1>Monitoring Distributed Systems</h1><p>{_INDEX_TERMS}{_SRE_PARAGRAPH}<sup>'
            f'<a data-type="noteref" href="#id-LvQuvtYS7UvI8h4">22</a></sup> and pages.</p>'
            f'<p>Para with <span></span>empty <b></b>inline <img src="x.png"> elements, '
            f'<a href="/w"><img src="w.png"></a> an image link, <a href="/e"></a>an empty link and '
            f'<a name="n"/>a named anchor written self-closed, which an HTML parser leaves open.</p>'
            f'<p>{" ".join(["Another paragraph of the story so that the page has a main content."] * 3)}</p>'
            f'</article></body></html>')
    lines = main_content_lines(HTMLTree.parse(html))
    para = next(ln for ln in lines if ln.text.startswith("We combine"))
    assert para.text == _SRE_PARAGRAPH + "22 and pages."
    assert (para.exact_link_chars, para.exact_links) == (2, 1)
    assert not is_link_bar(para)
    assert para.links == 4 and para.link_chars > 0.9 * len(para.text)  # as block-trees-3 learnt them
    inline = next(ln for ln in lines if ln.text.startswith("Para with"))
    # the image link and the empty link count as links, with no text; the named anchor holds its words (the
    # parser put them inside it) but has no target
    named = "a named anchor written self-closed, which an HTML parser leaves open."
    assert (inline.exact_links, inline.exact_link_chars) == (3, len(named))
    # a link over two lines and a link at the end of its paragraph still hold their text
    got = read_minimal_html('<p>A <a href="/m">long<br>\nlink</a> here <a href="">, <a href="/e">end</a></p>')
    assert [(ln.exact_link_chars, ln.exact_links) for ln in got] == [(4, 1), (len("link") + len("end"), 1)]
    # a line built by hand has the same figures both ways
    assert Line("Home", "", 4, 1).exact_link_chars == 4 and Line("Home", "", 4, 1).exact_links == 1


def test_sre_book_prose_is_no_link_bar():
    """On the real page, no paragraph of 20+ words of the main content is a link bar, and the two that were
    (174 gold words) are in the extracted text."""
    html = gzip.decompress((shared_path("corpora", "readability-test-pages", "google-sre-book-1")
                            / "source.html.gz").read_bytes()).decode("utf-8")
    prose = [ln for ln in main_content_lines(HTMLTree.parse(html)) if len(ln.text.split()) >= 20]
    assert len(prose) > 30
    assert [ln.text[:40] for ln in prose if ln.exact_link_chars > 0.5 * len(ln.text) or is_link_bar(ln)] == []
    text = extract_html(html.encode("utf-8")).text
    assert "We combine heavy use of white-box monitoring" in text
    assert "The time it takes to service a request." in text


def test_text_only_input_drops_leaks_and_widget_labels():
    ex = extract_plain(f"{HEADLINE}\n\n{STORY[0]}\n\ndocument.write('<img src=\"p.gif\">'); var x = 1;\nAdvertisement\n"
                       f"{STORY[1]}\n")
    assert ex.blocks == [STORY[0], STORY[1]]
    assert ex.removed_reasons == [HEADLINE_REASON, SCRIPT_LEAK, CHROME_LABEL]  # the headline: the title
    assert plain_lines(["<br>"]).kept == ["<br>"]  # never empties a text on the guards alone


def test_model_file_matches_the_features():
    model = shipped_model()
    assert model.version.startswith("block-trees-")
    assert len(model.roots) > 10


TOKENS = ["flood", "barrier", "county", "said", "on", "Tuesday", "<b>", "</p>", "();", "=", "|", "&amp;",
          "document.write(", "Advertisement", "var", "x", "{", "}", "Share", ".", ","]
line_texts = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=14).map(" ".join)


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(s == b for b in it) for s in small)


@settings(max_examples=60, deadline=None)
@given(st.lists(line_texts, min_size=0, max_size=12))
@example(["flood flood", "flood " * 11 + "flood", "flood " * 11 + "flood", "flood " * 8 + "flood"])  # a headline twice
def test_cleaning_never_invents_text_and_is_idempotent(texts):
    from resiliparse.extract.html2text import extract_plain_text

    from dedup.text.normalise import split_blocks

    body = "".join(f"<p>{html_lib.escape(t, quote=False)}</p>" for t in texts)
    html = f"<html><head><title>T</title></head><body><div>{body}</div></body></html>"
    kept_blocks = extract_html(html).blocks
    # every kept block is a line of the page as the extractor reads it, in the page's order
    whole = split_blocks(extract_plain_text(html, main_content=False, alt_texts=False, list_bullets=False))
    assert is_subsequence(kept_blocks, whole)
    # the line choice is idempotent: choosing again among the kept lines keeps them all
    lines = [Line(t, "p", 0, 0) for t in whole]
    probs = [0.9 if i % 3 else 0.1 for i in range(len(lines))]
    first = choose_lines(lines, probs)
    again_lines = [ln for ln in lines if ln.text in first.kept]
    again_probs = [p for ln, p in zip(lines, probs) if ln.text in first.kept]
    assert choose_lines(again_lines, again_probs).kept == first.kept
    # text-only input: a subset of the lines, and idempotent but for the headline rule: a second reading may take
    # the new first line as the title (it reads as a headline) and remove it, with its copies, and nothing else
    plain_once = extract_plain("\n".join(texts)).blocks
    assert is_subsequence(plain_once, split_blocks("\n".join(texts)))
    again = extract_plain("\n".join(plain_once))
    assert plain_once[len(plain_once) - len(again.blocks):] == again.blocks
    assert set(again.removed_reasons) <= {HEADLINE_REASON}
    assert len(set(plain_once[:len(plain_once) - len(again.blocks)])) <= 1


def test_section_headings_are_headings_followed_by_article_text():
    from dedup.text.cleaning import section_headings

    para = Line(STORY[0], "p", 0, 0)
    links = Line("Flood barrier vote | Library hours | Bus routes change next month for the east side", "", 70, 3)
    lines = [Line("Introduction", "h2", 0, 0), para, Line("More Local stories", "h3", 0, 0), links,
             Line("Advertisement", "p", 0, 0), para, Line("Conclusion", "h2", 0, 0), para,
             Line("References", "h2", 0, 0)]
    assert section_headings(lines) == ["Introduction", "Conclusion"]
    assert section_headings([]) == []


def headline_page(body: str, title: str = f"<title>{HEADLINE} | Millbrook Ledger</title>") -> str:
    """A Millbrook Ledger page with `body` in its story container."""
    return f"""<!DOCTYPE html><html><head>{title}</head><body>
<div class="top"><a href="/">Millbrook Ledger</a></div>
<ul class="menu"><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li>
<li><a href="/opinion">Opinion</a></li></ul>
<div class="story">{body}</div>
<div class="bottom"><p>&copy; 2024 Millbrook Ledger. <a href="/privacy">Privacy</a></p></div></body></html>"""


def story_markup(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs)


def test_the_headline_leaves_the_text_for_the_title_column():
    ex = extract_html(page(), "https://www.millbrook-ledger.example/news/2024/flood-barrier")
    assert ex.metadata.title == HEADLINE
    assert ex.blocks == STORY  # the article and nothing else
    assert ex.removed_reasons.count(HEADLINE_REASON) == 1  # counted like every removed line, with its reason
    assert ex.removed_chars >= len(HEADLINE)
    assert HEADLINE in ex.evidence_blocks  # the rights and date readers still see it
    # the headline's line as the page writes it (case, punctuation) and its og:title wording
    og = '<meta property="og:title" content="Flood barrier approved: three years late">'
    body = f"<h1>{HEADLINE.upper()}.</h1><h2>Flood barrier approved: three years late</h2>{story_markup(STORY)}"
    ex = extract_html(headline_page(body, f"<title>{HEADLINE} | Millbrook Ledger</title>{og}"))
    assert ex.blocks == STORY and ex.removed_reasons.count(HEADLINE_REASON) == 2


def test_a_headline_only_page_keeps_its_headline():
    for body in (f"<h1>{HEADLINE}</h1>", f"<h1>{HEADLINE}</h1><p>Tuesday, 4 June 2024</p>",
                 f"<h1>{HEADLINE}</h1><p>Photos: the river</p>"):
        ex = extract_html(headline_page(body))
        assert ex.metadata.title == HEADLINE
        assert HEADLINE in ex.blocks and HEADLINE_REASON not in ex.removed_reasons, body


def test_a_page_without_a_title_keeps_its_headline():
    # no <title>, no <h1>, no og:title: no title column to hold the headline, so the text keeps it
    ex = extract_html(headline_page(f"<h2>{HEADLINE}</h2>{story_markup(STORY)}", title=""))
    assert ex.metadata.title is None
    assert ex.blocks[0] == HEADLINE and HEADLINE_REASON not in ex.removed_reasons


def test_the_title_repeated_inside_the_story_stays():
    # a quoted headline deeper in the story (after its first paragraph of article text) is story text
    story = [STORY[0], STORY[1], HEADLINE, *STORY[2:]]
    ex = extract_html(headline_page(f"<h1>{HEADLINE}</h1>{story_markup(story)}"))
    assert ex.blocks[:len(story)] == story  # the top copy went, the one inside the story stays
    assert ex.removed_reasons.count(HEADLINE_REASON) == 1


def test_headline_lines_rule():
    from dedup.text.cleaning import headline_lines

    kicker = "Local news"
    assert headline_lines([kicker, HEADLINE, *STORY], [HEADLINE]) == [1]
    assert headline_lines([HEADLINE, HEADLINE + "!", *STORY], [HEADLINE, None]) == [0, 1]  # folded: same words
    assert headline_lines([STORY[0], HEADLINE, *STORY[1:]], [HEADLINE]) == []  # after the first line of article text
    assert headline_lines([HEADLINE, *STORY], []) == [] == headline_lines([HEADLINE, *STORY], ["", None])
    assert headline_lines([HEADLINE, "Posted June 4, 2024", "Photos"], [HEADLINE]) == []  # too little left
    assert headline_lines([HEADLINE], [HEADLINE]) == []


def test_text_only_input_takes_its_first_line_as_title_when_it_reads_as_a_headline():
    text = "\n".join([HEADLINE, *STORY])
    ex = extract_plain(text, "https://www.millbrookledger.example/news/flood-barrier")
    assert ex.metadata.title == HEADLINE and ex.metadata.title_source == "first_line"
    # the line leaves the text, as an HTML page's headline does
    assert ex.blocks == STORY and ex.removed_reasons == [HEADLINE_REASON]
    for first in (STORY[0],  # a sentence, not a headline
                  "Posted on March 3, 2021.",  # ends as a sentence
                  "www.millbrookledger.example",  # an address
                  "Advertisement"):  # one word, and a widget label
        assert extract_plain("\n".join([first, *STORY])).metadata.title is None, first
    assert extract_plain(HEADLINE).metadata.title is None  # nothing follows: not a heading of anything


_LINE_TEXT = st.text(st.characters(codec=None), max_size=40) | st.text(  # (Thai and Devanagari marks: round 34)
    st.sampled_from("aA Zz09,.-_'İıſΣé\u00a0\tNewsletter anmelden Get our alerts\u0e17\u0e48\u0939\u093f"),
    max_size=60) | st.text(  # (marks after a symbol, a space or a letter; emoji variation selectors: review 24)
    st.sampled_from("a1 .\u0939\u093f\u0301\u0e48\u2764\u2b50\ufe0f\ufe0e\u20e3\U000e0100\U0001f44d"),
    max_size=20) | st.lists(
    st.sampled_from(["document.write(", "var x = ", "});", "()", "{", "'", "+", " a", "é", "中"]), max_size=12
).map("".join) | st.lists(
    st.sampled_from(["We use", " cookies", " COOKIE", " Cookie", " coo", "kie", " your", " consent", " our use of",
                     " Sie", " verwendet", " is a small text", " file", ".", " browser", "\u212a", " x"]), max_size=14
).map("".join)


def _plain_fold_line(text: str) -> str:
    """fold_line's plain rule: lower case, letters and digits kept, and a combining mark right after a kept
    character (not an emoji's variation selector U+FE00-FE0F / U+E0100-E01EF nor a symbol's mark U+20D0-20FF)."""
    folded, kept = [], False
    for c in text.replace("İ", "i").lower():
        code = ord(c)
        kept = c.isalnum() or (kept and unicodedata.category(c).startswith("M") and not (
            0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x20D0 <= code <= 0x20FF))
        folded.append(c if kept else " ")
    return " ".join("".join(folded).split())


@settings(max_examples=400, deadline=None)
@given(_LINE_TEXT)
@example("Teilen \u2764\ufe0f")
@example("1\ufe0f\u20e3 Read more")
@example("\u0301a \u0e48")
def test_line_guards_are_the_plain_rules(text):
    # the fast forms of the guards give what the plain rules give
    # (Turkish 'İ' folds to 'i', not to 'i' and a combining dot: round 33; combining marks stay in their word: round 34,
    # but only there: a variation selector or a mark after a space or a symbol is no word's, review 24)
    assert fold_line(text) == _plain_fold_line(text)
    plain = len(text.split()) <= 25 and (_SIGNUP_PROMO.search(text) is not None
                                          or _NEWSLETTER_SIGNUP.search(text) is not None or is_follow_prompt(text))
    assert is_signup_promo(text) == plain
    consent = len(text.split()) <= 80 and _CONSENT_PHRASE.search(text) is not None \
        and _CONSENT_VOICE.search(text) is not None
    assert is_consent_notice(text) == consent
    code = sum(map(text.count, ";{}()=<>[]\"'+"))
    assert is_script_leak(text) == (("(" in text or "=" in text) and code >= 0.06 * len(text)
                                    and _SCRIPT_CALL.search(text) is not None)


_CREDIT_TEXT = st.lists(st.sampled_from(
    ["©", "(c)", "(C)", "Copyright", "Foto:", "Photo", ":", " ", "Bild", "Credit", "Kab", "Niang", "dpa", " /", " |",
     "the", "hall", "2019", ".", "Vergrößern", " Eine", "Enlarge", "(", ")", "and", "Getty Images", "é", "中",
     "REUTERS", "AFP", "Oppitz", "wahl.", "DCV"]),
    max_size=16).map("".join) | st.text(st.sampled_from("©()cC:/| .aAzZ09éПфото"), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_CREDIT_TEXT)
def test_credit_guard_is_its_plain_rule(text):
    """`credit_reason`'s substring test only skips lines its patterns cannot match, and a line it removes holds a
    credit marker, an enlarge label, an agency's name or a credit glued to a sentence's end (round 20)."""
    from dedup.text.byline import PICTURE_AGENCY as _PICTURE_AGENCY
    from dedup.text.lineguards import (_CREDIT_AT_END, _CREDIT_MARKER, _ENLARGE_LABEL, _GLUED_CREDIT, _NEWS_AGENCY,
                                       _PHOTO_CREDIT)

    reason = credit_reason(text)
    if not any(m in text for m in (":", "©", "(c)", "(C)", "opyright")):
        assert _PHOTO_CREDIT.fullmatch(text.strip()) is None and _CREDIT_AT_END.search(text.strip()) is None
    if reason is not None:
        assert reason in (CREDIT_LINE, CAPTION)
        assert (_ENLARGE_LABEL.match(text) or re.search(_CREDIT_MARKER, text) or _PICTURE_AGENCY.search(text)
                or _NEWS_AGENCY.search(text) or _GLUED_CREDIT.search(text.strip())), text
    # a guard decides a whole line: the kept lines of a page are its lines, in order, never rewritten
    lines = [Line(t, "p", 0, 0) for t in ("Intro line of the story text here.", text, "Closing line.") if t.strip()]
    kept_lines = choose_lines(lines, [0.9] * len(lines)).kept
    assert is_subsequence(kept_lines, [ln.text for ln in lines])
