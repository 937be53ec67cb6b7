"""Round 22 of the metadata rules (docs/metadata.md, issue 17): a byline over the story's first paragraph further
down the page than the first blocks (pages of the early web, no `<h1>`, menus first); a place after a person's outlet
is no second author; German's gender-inclusive byline labels; and a picture agency's credit without a separator,
which the text side's pre-filter kept from the credit-line rule. Short fixtures in the shape of the pages where the
probe showed them (appliedimprov.net, offoffoff.com, bbc.com, ndr.de, fannation.com)."""

from __future__ import annotations

from dedup.text.byline import parse_byline
from dedup.text.extract import extract_html
from dedup.text.lineguards import CREDIT_LINE, credit_reason
from dedup.text.metadata import page_metadata

MENU = ["Home", "Articles", "Improvisation lab", "Workplace trends", "Teamwork through team play",
        "Structure and freedom", "My Improv Odyssey", "I love us", "Contact", "Links"]
PARAGRAPH = ("When I first walked into an improvisation class I was sure I would freeze, and for the first ten minutes "
             "I did. Then the teacher asked us to hand an imaginary parachute around the circle, and every one of us "
             "had to do something with it that nobody had done before.")


def old_page(lines: list[str]) -> str:
    body = "".join(f"<p>{line}</p>" for line in lines)
    return f"<html><head><title>Parachute</title></head><body>{body}</body></html>"


def test_a_byline_over_the_story_far_below_the_first_blocks_names_the_writer():
    # appliedimprov.net: no <h1>, no metadata, the menu's lines first; the byline opens the story proper
    blocks = MENU + ["Why are you wearing that parachute?", "By Robin McCulloch", PARAGRAPH, PARAGRAPH]
    md = page_metadata(old_page(blocks), "http://www.appliedimprov.example/articles/parachute.htm", blocks)
    assert md.authors == ["Robin McCulloch"] and md.authors_source == "story_byline"
    # a review: the reviewer's byline over it, not the play's writer credited further down
    blocks = MENU + ["CORPORATE ROCK", "By JOSHUA TANZER", "Nov. 4, 2004", PARAGRAPH,
                     "Written by: William Bennett.", PARAGRAPH]
    md = page_metadata(old_page(blocks), "http://www.offoffoff.example/theater/2004/corporaterock.php", blocks)
    assert md.authors == ["Joshua Tanzer"]
    # only over a story paragraph: a teaser's byline (a headline follows it), a comment's header (the next comment
    # follows it), a sentence opening with 'By' and a handle of one word name nobody
    for line, after in (("By Jane Doe", ["Next story: city council votes", "More news"]),
                        ("Posted by: Jane Doe at November 8, 2012 7:12 AM", [PARAGRAPH]),
                        ("By the pricking of my thumbs,", [PARAGRAPH]),
                        ("por CyberCook", [PARAGRAPH])):
        blocks = MENU + [line, *after]
        md = page_metadata(old_page(blocks), "http://old.example/page.htm", blocks)
        assert md.authors == [], line
    # what any other reader names is kept: the rule is read last
    blocks = MENU + ["By Robin McCulloch", PARAGRAPH]
    page = old_page(blocks).replace("<head>", '<head><meta name="author" content="Jane Doe">')
    assert page_metadata(page, "http://old.example/page.htm", blocks).authors == ["Jane Doe"]


def test_a_place_after_the_outlet_is_no_second_author():
    # bbc.com's byline: the writer, the outlet and where it reports from
    assert parse_byline("By Nada Tawfik, BBC News, New York").people == ["Nada Tawfik"]
    # Google's blog: the writer, the team, the product
    assert parse_byline("Posted by Karl Johann Schmidt, Software Engineer, Google Maps").people == [
        "Karl Johann Schmidt"]
    # names after an agency or before the outlet are still people
    assert parse_byline("Von Volkmar Kabisch, Jan Lukas Strozyk und Benedikt Strunz, NDR").people == [
        "Volkmar Kabisch", "Jan Lukas Strozyk", "Benedikt Strunz"]
    assert parse_byline("By Jane Doe, Reuters, John Roe").people == ["Jane Doe", "John Roe"]


def test_german_gender_inclusive_labels_open_a_byline():
    # ndr.de: '<span itemprop="author">Autor/in: Korinna Hennig </span>' beside a meta author naming the broadcaster
    page = ('<html lang="de"><head><title>Coronavirus-Update</title><meta name="author" content="NDR" /></head><body>'
            '<h1>Coronavirus-Update: Wir brauchen Geduld</h1><div><span itemprop="datePublished" content="2020-03-18">'
            '18.03.2020 13:15 Uhr</span> <span itemprop="author">Autor/in: Korinna Hennig </span></div>'
            f"<p>{PARAGRAPH}</p></body></html>")
    md = page_metadata(page, "https://www.ndr.example/nachrichten/info/coronavirus-update.html", [PARAGRAPH])
    assert md.authors == ["Korinna Hennig"]
    for label in ("Autor*in: Jane Doe", "Redakteur/in: Jane Doe", "Autorinnen: Jane Doe und Erika Muster"):
        assert parse_byline(label).people[0] == "Jane Doe", label


def test_a_picture_agencys_credit_without_a_separator_is_a_credit_line():
    # fannation.com's captions: the subject, the photographer and the agency joined by a hyphen; no '/' or '|' and
    # neither 'Getty' nor 'tock' in them, which the credit rule's pre-filter asked for
    for credit in ("Jay Cutler, Dennis Wierzbicki-US PRESSWIRE", "Kirby Lee-USA TODAY Sports", "IMAGO",
                   "Markus Scholz - picture alliance", "Evan Vucci, AP Photo"):
        assert credit_reason(credit) == CREDIT_LINE, credit
    assert credit_reason("Reuters") is None  # a news agency alone is a story's source line
    page = ("<html><head><title>Bears rally past Titans</title></head><body><h1>Bears rally past Titans</h1>"
            "<p>Tony Gonzalez, John David Mercer-US PRESSWIRE</p>" + f"<p>{PARAGRAPH}</p>" * 3 + "</body></html>")
    blocks = extract_html(page, "http://www.fannation.example/truth_and_rumors/view/348552").blocks
    assert PARAGRAPH in blocks and "Tony Gonzalez, John David Mercer-US PRESSWIRE" not in blocks


def test_a_labelled_byline_further_down_reads_the_bylines_labels():
    # one list of byline labels (byline.WRITER_LABEL_WORDS): the labelled byline under a long story had its own shorter
    # copy, without German's gender-inclusive forms, so 'Autor/in:' named nobody there
    paragraphs = ["Ein Absatz über die Zaubernuss im Winter, ihre Blüten und den richtigen Schnitt."] * 14
    html = ("<html lang='de'><head><title>Zaubernuss im Winter</title></head><body><h1>Zaubernuss im Winter</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>")
    for line, name in (("Autor/in: Korinna Hennig", "Korinna Hennig"), ("Autor*in: Korinna Hennig", "Korinna Hennig"),
                       ("Redakteurin: Jane Doe", "Jane Doe"), ("Verfasserin: Jane Doe", "Jane Doe"),
                       ("Autora: María García", "María García")):
        md = page_metadata(html, "https://garten.example/zaubernuss", ["Zaubernuss im Winter", *paragraphs, line])
        assert md.authors == [name] and md.authors_source == "labelled_byline", line
    # the labels that name a writer only opening the byline credit someone else there: a newsroom, an interviewer
    for line in ("Redaktion: Hans Meier", "Interview: Hans Meier", "Moderation: Hans Meier"):
        assert page_metadata(html, "https://garten.example/z", ["Zaubernuss im Winter", *paragraphs, line]).authors == []
    # the labels the labelled byline had, and the byline's list had not, open a byline under the headline too
    assert parse_byline("Autora: María García").people == ["María García"]
    assert parse_byline("Verfasserin: Jane Doe").people == ["Jane Doe"]
