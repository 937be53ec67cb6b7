"""Round 26 of the metadata rules (docs/metadata.md, issue 17): an update's date after the published one on the same
line ('Publié le 3 février 2020 à 10h00 Mis à jour le 5 février 2020 à 12h00', no comma between), and a <time> after
an update label, are the page's update, not lost or taken as its publication; an og:site_name that is the page's
section ('Politics', Wired's 'Danger Room') is not the site's name; a desk's, a column's or an outlet's name in a
byline ('Business Insider', 'First Read', 'Fox News Staff', "NBC's Kristen Welker") is no person. Short fixtures in
the shape of the pages where they were found, and the real pages of ../shared where they are."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

from conftest import shared_path

from dedup.text.byline import parse_byline
from dedup.text.extract import extract_html
from dedup.text.metadata import page_metadata
from dedup.text.pagechecks import decode_html

STORY = ("<p>Le conseil municipal a voté lundi la fermeture du vieux pont pour travaux, une décision que les habitants "
         "réclamaient depuis que les crues du printemps ont endommagé sa pile est.</p>"
         "<p>Les travaux doivent commencer le mois prochain et durer jusqu'à la fin de l'année, a dit le maire.</p>")
URL = "https://www.courrier-vallee.example/ville/le-vieux-pont-ferme"


def page(line: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="fr"><head><title>Le vieux pont ferme pour travaux</title>{head}</head>'
            f'<body><main><h1>Le vieux pont ferme pour travaux</h1>{line}{STORY}</main></body></html>')


def dates(html: str, url: str = URL) -> tuple:
    blocks = extract_html(html, url).evidence_blocks or []
    md = page_metadata(html, url, blocks)
    return md.published_at, md.published_at_source, md.modified_at, md.modified_at_source


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_an_update_after_the_published_date_on_its_line_is_the_update():
    # Le Monde's and many French sites' line: before, the second date's words counted from the line's opening made
    # it a sentence and the page's update was lost
    for line in ("<p>Publié le 3 février 2020 à 10h00 Mis à jour le 5 février 2020 à 12h00</p>",
                 "<p>Publié le 3 février 2020 à 10h00, mis à jour le 5 février 2020 à 12h00</p>",
                 "<p>Le 3 février 2020 à 10h00 - Mis à jour le 5 février 2020 à 12h00</p>"):
        published, published_source, modified, modified_source = dates(page(line))
        assert published == utc(2020, 2, 3, 10), line
        assert (modified, modified_source) == (utc(2020, 2, 5, 12), "date_line_updated"), line
    # two dates that no update label joins stay as they were: the second is no update
    published, _, modified, _ = dates(page("<p>Publié le 3 février 2020 à 10h00 et le 5 février 2020 à 12h00</p>"))
    assert (published, modified) == (utc(2020, 2, 3, 10), None)


def test_a_time_element_after_an_update_label_is_no_publication():
    # 'Mis à jour le <time>' beside the headline: before, a <time> with no role in its attributes was the published
    # time (kind time_element) and outranked the page's own date line
    html = page('<p>3 février 2020</p><p class="meta">Mis à jour le '
                '<time datetime="2025-01-07T12:00:00+01:00">7 janvier 2025</time></p>')
    published, published_source, modified, modified_source = dates(html)
    assert (published, published_source) == (utc(2020, 2, 3), "date_line")
    assert (modified, modified_source) == (utc(2025, 1, 7, 11), "markup_modified")
    # the label in its own element before the <time>, in English
    html = page('<p>3 février 2020</p><div><span>Updated</span> <time datetime="2025-01-07T12:00:00Z">Jan 7, 2025'
                '</time></div>')
    assert dates(html)[:2] == (utc(2020, 2, 3), "date_line")
    # a <time> after a published label, or after the update's own date, is read as before
    html = page('<div><span>Updated</span><time datetime="2020-02-05T12:00:00Z">Feb 5, 2020</time></div>'
                '<div><span>Published</span><time datetime="2020-02-03T10:00:00Z">Feb 3, 2020</time></div>')
    assert dates(html)[0] == utc(2020, 2, 3, 10)


def _site(head: str, title: str, url: str = "https://www.thedailypaper.example/politics/budget") -> tuple:
    html = (f"<html><head><title>{title}</title>{head}</head><body><h1>Senate passes the budget bill</h1>"
            f"<p>{'The senate passed the budget bill late on Tuesday after a long debate over spending. ' * 3}</p>"
            "</body></html>")
    md = page_metadata(html, url, [])
    return md.site_name, md.site_name_source, md.publisher


def test_an_og_site_name_that_is_the_pages_section_is_not_the_site():
    title = "Senate passes the budget bill | Politics | The Daily Paper"
    # the section the page states as article:section
    assert _site('<meta property="og:site_name" content="Politics"><meta property="article:section" '
                 'content="Politics">', title) == ("The Daily Paper", "html_title", "The Daily Paper")
    # a part of the <title> before the part naming the host
    assert _site('<meta property="og:site_name" content="Politics">', title)[0] == "The Daily Paper"
    # the JSON-LD article's section, and its publisher then names the site
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
          '"headline": "Senate passes the budget bill", "articleSection": ["Politics"], '
          '"publisher": {"@type": "Organization", "name": "The Daily Paper"}}</script>')
    assert _site('<meta property="og:site_name" content="Politics">' + ld, "Senate passes the budget bill")[:2] == (
        "The Daily Paper", "jsonld_publisher")
    # a name holding the host's word is the site's, whatever follows it in the <title> (yle.fi: '… | Yle Uutiset |
    # yle.fi')
    assert _site('<meta property="og:site_name" content="Yle Uutiset">', "Talvi | Yle Uutiset | yle.fi",
                 "https://yle.fi/uutiset/3-11212601")[:2] == ("Yle Uutiset", "og_site_name")
    # the site's own name, whatever the section, is kept
    assert _site('<meta property="og:site_name" content="The Daily Paper"><meta property="article:section" '
                 'content="Politics">', title)[:2] == ("The Daily Paper", "og_site_name")


def test_a_wired_blogs_name_in_og_site_name_is_its_section_on_a_real_page():
    # dragnet R321: og:site_name 'Danger Room', one of Wired's blogs, under the <title> '… | Danger Room | Wired.com'
    html = decode_html(gzip.decompress(shared_path("corpora", "dragnet", "input", "R321.html.gz").read_bytes()))
    md = page_metadata(html, "http://www.wired.com/dangerroom/2012/11/elect-someone/", [])
    assert (md.site_name, md.site_name_source) == ("Wired.com", "html_title")


def test_a_desk_a_column_or_an_outlet_is_no_person():
    # a name opening with a beat or a job, or with a column's word, names no person (no given name is one of them)
    for name in ("Business Insider", "By Business Insider", "Tech Insider", "First Read", "By First Read",
                 "Morning Brew"):
        byline = parse_byline(name, ("businessinsider", "firstread"), structured=True)
        assert byline.people == [], name
        assert byline.organisations, name
    assert parse_byline("Jane Doe, Business Insider").people == ["Jane Doe"]
    # 'X Staff' after an outlet's name is its newsroom (before: the roles stripped from its end left 'Fox')
    assert parse_byline("Fox News Staff", structured=True) == parse_byline("By Fox News Staff")
    assert parse_byline("Fox News Staff", structured=True).organisations == ["Fox News"]
    assert parse_byline("BI Staff", structured=True).people == []
    for kept in ("Jane Doe Staff Writer", "By Our Foreign Staff", "Staff Writer"):
        assert parse_byline(kept).organisations == [], kept
    # an outlet's possessive before a person names both
    byline = parse_byline("By NBC's Kristen Welker and Ali Weinberg")
    assert (byline.people, byline.organisations) == (["Kristen Welker", "Ali Weinberg"], ["NBC"])
    assert parse_byline("By Jane O'Brien").people == ["Jane O'Brien"]
    assert parse_byline("Blogroll", structured=True).people == []


def test_business_insider_is_no_author_on_a_real_page():
    # article-extraction-benchmark: 'Tanza Loudenback' and the site's name in the author tags
    name = "f81c6c05d9cbc93316992fa23ef74ec405194e292611f2e94f6a814868903665.html.gz"
    raw = shared_path("corpora", "article-extraction-benchmark", "html", name).read_bytes()
    url = "https://www.businessinsider.com/how-to-retire-early-steps-for-early-retirement"
    md = page_metadata(decode_html(gzip.decompress(raw)), url, [])
    assert md.authors == ["Tanza Loudenback"]
    assert "Business Insider" in md.author_organisations


def test_a_headline_ending_in_update_is_no_update_label_of_the_time_below_it():
    # review of round 26: the text before a <time> was read across the headline's end tag, so '… Weekly Update</h1>'
    # made the page's publication time an update time (and a date line the published one, its clock lost)
    prose = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 4
    for h1 in ("Harbour Works: Weekly Update", "Covid-19 update", "Mise à jour"):
        html = (f'<html><head><title>{h1}</title></head><body><article><h1>{h1}</h1><time '
                f'datetime="2020-02-03T10:00:00Z">3 Feb 2020</time><p>{prose}</p></article></body></html>')
        md = page_metadata(html, "https://news.example/a/x")
        assert (md.published_at, md.published_at_source) == (
            datetime(2020, 2, 3, 10, tzinfo=timezone.utc), "time_element"), h1
        assert md.modified_at is None, h1
    # the label in the <time>'s own line still makes it the update
    html = ('<html><head><title>Pier</title></head><body><article><h1>Pier</h1><p>Published 1 Feb 2020</p>'
            '<p><span>Updated</span> <time datetime="2020-02-03T10:00:00Z">3 Feb 2020</time></p>'
            f'<p>{prose}</p></article></body></html>')
    md = page_metadata(html, "https://news.example/a/x")
    assert md.modified_at == datetime(2020, 2, 3, 10, tzinfo=timezone.utc)


def test_a_papers_name_the_host_spells_otherwise_is_no_section():
    # review of round 26: '| Süddeutsche Zeitung | sueddeutsche.de' made the paper's og:site_name a section (its
    # name does not fold to the host); a <title> part is a section only where it is a folder of the URL too
    prose = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 4
    for site, title, url in (
            ("Süddeutsche Zeitung", "Klimagipfel | Süddeutsche Zeitung | sueddeutsche.de",
             "https://www.sueddeutsche.de/politik/klimagipfel-1.123"),
            ("Neue Zürcher Zeitung", "Klimagipfel | Neue Zürcher Zeitung | NZZ", "https://www.nzz.ch/klimagipfel")):
        html = (f'<html><head><meta property="og:site_name" content="{site}"><title>{title}</title></head><body>'
                f'<article><h1>Klimagipfel</h1><p>{prose}</p></article></body></html>')
        md = page_metadata(html, url)
        assert (md.site_name, md.site_name_source) == (site, "og_site_name")
    html = ('<html><head><meta property="og:site_name" content="Danger Room"><title>Drones | Danger Room | Wired.com'
            f'</title></head><body><article><h1>Drones</h1><p>{prose}</p></article></body></html>')
    assert page_metadata(html, "https://www.wired.com/dangerroom/2012/11/drones/").site_name == "Wired.com"
