"""Round 25 of the metadata rules (docs/metadata.md, issue 17): attribution on pages in other languages, and round
24's leftovers. A blog's name read from the titles of its feed links ('The Science of Sport - Atom', "Rand's Blog »
Feed") where nothing else states it, and Blogger's '<blog>: <post>' title cut there; an organisation named with a
German or Dutch article ('Die Grünen Bundestagsfraktion') is no person; byline labels and publication / update labels
of the major web languages the lists lacked. Short fixtures in the shape of the pages where the samples showed them."""

from __future__ import annotations

from dedup.text.byline import parse_byline
from dedup.text.feedtitles import site_name_from_feeds
from dedup.text.metadata import page_metadata

STORY = ("The runners who went out too fast in the first half of the race lost far more time in the second half "
         "than the ones who held back, and the gap grew with the distance they had to cover.")


def _blogger_page(title: str, feed_title: str) -> str:
    return (f"<html><head><title>{title}</title>"
            f'<link rel="alternate" type="application/atom+xml" title="{feed_title}" '
            'href="https://thescienceofsport.example/feeds/posts/default" />'
            f"</head><body><h3 class='post-title'>Pacing strategies in the marathon</h3><p>{STORY}</p></body></html>")


def test_the_site_name_from_a_blogs_feed_links():
    html = _blogger_page("The Science of Sport: Pacing strategies in the marathon", "The Science of Sport - Atom")
    md = page_metadata(html, "https://thescienceofsport.example/2009/07/pacing.html", [STORY])
    assert (md.site_name, md.site_name_source) == ("The Science of Sport", "feed_title")
    # the blog's name before the colon is dropped from the title once the site's name is known
    assert md.title == "Pacing strategies in the marathon"
    assert md.title_source == "html_title_without_site"
    head = ('<link rel="alternate" type="application/rss+xml" title="Rand&#039;s Blog &raquo; Feed" href="/feed/" />'
            '<link rel="alternate" type="application/rss+xml" title="Rand&#039;s Blog &raquo; A post Comments Feed" />')
    assert site_name_from_feeds(head, len(head), "A post | Rand's Blog", "randfishkin.example") == "Rand's Blog"
    # other languages' WordPress feeds, and older themes' shapes
    for feed, title in (("Mein Blog &raquo; Kommentar-Feed", "Ein Beitrag – Mein Blog"),
                        ("Le Blog &raquo; Flux des commentaires", "Un billet | Le Blog"),
                        ("RSS Feed for Tim Ferriss", "A post - Tim Ferriss")):
        head = f'<link rel="alternate" type="application/rss+xml" title="{feed}" href="/feed/" />'
        assert site_name_from_feeds(head, len(head), title, "example.org") is not None, feed


def test_a_feed_title_the_page_does_not_confirm_is_no_site_name():
    # a feed's generic name, a section's feed, a partner's headlines: not the site's name
    for feed in ("RSS 2.0", "Posts on Seth", "Recent Entries (RSS)", "Partner News - RSS"):
        head = f'<link rel="alternate" type="application/rss+xml" title="{feed}" href="/feed/" />'
        assert site_name_from_feeds(head, len(head), "Pacing strategies in the marathon",
                                    "thescienceofsport.example") is None
    # a stylesheet or an icon link is no feed
    head = '<link rel="alternate" type="text/html" title="The Science of Sport - Atom" href="/" />'
    assert site_name_from_feeds(head, len(head), "The Science of Sport: Pacing", "thescienceofsport.example") is None
    # a headline's own colon stays where the part before it is not the site's name
    html = _blogger_page("Babylon 5: The Complete Fourth Season", "The Science of Sport - Atom")
    md = page_metadata(html, "https://thescienceofsport.example/2009/07/b5.html", [STORY])
    assert md.title == "Babylon 5: The Complete Fourth Season"


def test_an_organisation_named_with_a_german_or_dutch_article_is_no_person():
    assert parse_byline("Die Grünen Bundestagsfraktion", structured=True).people == []
    assert parse_byline("Von Der Tagesspiegel").organisations == ["Der Tagesspiegel"]
    assert parse_byline("Door Het Parool").people == []
    # other languages' articles open surnames, as before
    assert parse_byline("Par Marine Le Pen").people == ["Marine Le Pen"]
    html = ('<html><head><title>COP26 in Glasgow</title>'
            '<meta name="author" content="Bündnis 90/Die Grünen Bundestagsfraktion" />'
            '<meta property="og:site_name" content="Bundestagsfraktion Bündnis 90/Die Grünen" /></head>'
            f"<body><h1>COP26 in Glasgow</h1><p>{STORY}</p></body></html>")
    md = page_metadata(html, "https://www.gruene-bundestag.example/themen/klimaschutz/cop26", [STORY])
    assert md.authors == []


def test_byline_labels_of_the_major_web_languages():
    for line, name in (("Texto: João Silva", "João Silva"), ("Tekst: Anna Kowalska", "Anna Kowalska"),
                       ("Autorka: Anna Nowak", "Anna Nowak"), ("Kirjoittaja: Matti Virtanen", "Matti Virtanen"),
                       ("Testo: Luca Bianchi", "Luca Bianchi"), ("Napsal Jan Novák", "Jan Novák"),
                       ("Skrevet af Lars Hansen", "Lars Hansen"), ("Forfatter: Ole Hansen", "Ole Hansen")):
        assert parse_byline(line).people == [name], line


def test_publication_and_update_labels_of_the_major_web_languages():
    for lang, line in (("sv", "Publicerad 3 februari 2020. Uppdaterad 7 januari 2025"),
                       ("da", "Offentliggjort 3. februar 2020, Opdateret 7. januar 2025"),
                       ("fi", "Julkaistu 3.2.2020, Päivitetty 7.1.2025"),
                       ("no", "Publisert 3. februar 2020, oppdatert 7. januar 2025")):
        html = (f'<html lang="{lang}"><head><title>Juoksijat ja vauhti</title></head><body>'
                f"<h1>Juoksijat ja vauhti</h1><p>{line}</p><p>{STORY}</p></body></html>")
        md = page_metadata(html, "https://news.example/a/juoksijat", ["Juoksijat ja vauhti", line, STORY])
        assert md.published_at is not None and md.published_at.date().isoformat() == "2020-02-03", lang
        assert md.modified_at is not None and md.modified_at.date().isoformat() == "2025-01-07", lang
        assert md.published_at_source == "date_line_published", lang


def test_a_json_ld_name_listing_one_link_per_author_names_each():
    # a CMS's schema module writes an article's authors as links in one Person's `name` (osw.waw.pl)
    ld = ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Rosyjskie zamachy w Czechach", '
          '"author": {"@type": "Person", "name": ['
          '"<a href=\\"/pl/eksperci/mateusz-gniazdowski\\" hreflang=\\"pl\\">Mateusz Gniazdowski</a>", '
          '"<a href=\\"/pl/eksperci/martyna-wasiuta\\" hreflang=\\"pl\\">Martyna Wasiuta</a>"]}}')
    html = ('<html><head><title>Rosyjskie zamachy w Czechach</title><script type="application/ld+json">'
            f"{ld}</script></head><body><h1>Rosyjskie zamachy w Czechach</h1><p>{STORY}</p></body></html>")
    md = page_metadata(html, "https://www.osw.example/pl/publikacje/analizy/2021-04-20/zamachy", [STORY])
    assert md.authors == ["Mateusz Gniazdowski", "Martyna Wasiuta"]
    # a list of one name's spellings keeps its first, as before
    ld = ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Rosyjskie zamachy w Czechach", '
          '"author": {"@type": "Person", "name": ["Jane Doe", "Джейн Доу"]}}')
    html = html.split("<script")[0] + f'<script type="application/ld+json">{ld}</script>' + html.split("</script>")[1]
    md = page_metadata(html, "https://www.osw.example/pl/publikacje/analizy/2021-04-20/zamachy", [STORY])
    assert md.authors == ["Jane Doe"]


def test_a_ticker_cut_short_is_no_byline():
    # theatermania.com: a news ticker's teaser over the headline read as a line of two names
    assert parse_byline("Newsies Stars Corey Cott and Kara Lindsa...").people == []
    assert parse_byline("Newsies Stars Corey Cott and Kara Lindsa…").people == []
    # a byline with its prefix, or from a place that states an author, is read as before
    assert parse_byline("By Jane Doe and John Roe...").people == ["Jane Doe", "John Roe"]


def _writers_page(between: str) -> str:
    return ("<html><head><title>The Weight of Hurricane Sandy</title></head><body>"
            "<h1 class='headline'>The Weight of Hurricane Sandy</h1>"
            f"<p>By <a href='/jane-doe/' rel='author'>Jane Doe</a>{between}"
            f"<a href='/john-roe/' rel='author'>John Roe</a></p><p>{STORY}</p></body></html>")


def test_a_list_of_writers_is_not_one_byline():
    # the site's columnists, each in a cell with their beat (theatlantic.com): one entry is not the next one's byline
    html = _writers_page("</p><table><tr><td><span class='blurb'>History, politics</span></td><td>")
    md = page_metadata(html, "https://www.magazine.example/national/archive/2012/11/sandy/264539/", [STORY])
    assert md.authors == ["Jane Doe"]
    # the names of one byline, joined by words and marks, are read together as before
    for between in (" and ", ", ", " &amp; ", "</p><p>"):
        md = page_metadata(_writers_page(between), "https://www.magazine.example/2012/11/sandy/", [STORY])
        assert md.authors == ["Jane Doe", "John Roe"], between


def test_writers_of_other_stories_teasers_are_not_the_storys():
    teasers = "".join(f"<div class='linkContent'><h4><a href='/politics/2012/11/{i}/'>Another story number {i}</a>"
                      f"</h4> <span class='author'><a href='/writer-{i}/' class='author' rel='author'>{name}</a>"
                      "</span></div>" for i, name in enumerate(("James Fallows", "Molly Ball", "Andrew Cohen")))
    html = ("<html><head><title>The Weight of Hurricane Sandy</title></head><body>"
            f"<div id='nav'>{teasers}</div><h1 class='headline'>The Weight of Hurricane Sandy</h1>"
            f"<p class='byline'>By <span class='author'>Ta-Nehisi Coates</span></p><p>{STORY}</p></body></html>")
    md = page_metadata(html, "https://www.magazine.example/national/archive/2012/11/sandy/264539/", [STORY])
    assert md.authors == ["Ta-Nehisi Coates"]
    # a blog's post title linked to itself over its byline is the story's own (one such mark alone)
    html = ("<html><head><title>Pacing | The Science of Sport</title></head><body><h1>The Science of Sport</h1>"
            "<h2><a href='/2009/07/pacing.html'>Pacing strategies in the marathon</a></h2>"
            f"<span class='byline'>by <a href='/author/ross/' rel='author'>Ross Tucker</a></span><p>{STORY}</p>"
            "</body></html>")
    md = page_metadata(html, "https://thescienceofsport.example/2009/07/pacing.html", [STORY])
    assert md.authors == ["Ross Tucker"]


def test_a_feed_name_inside_a_title_word_or_a_section_is_no_site_name():
    """Review 24: a feed's name was taken where it was a substring of the page's title ('Sport - RSS' named the site
    'Sport' on 'Transport minister resigns'), and a section's feed ('World - RSS') made a headline's 'World:' the
    site's name and was cut off the title. Now only a whole part of the title (2+ words before a colon), or a name
    of the host, counts; a name of 1-2 characters only where it names the host."""
    def feed_name(feed: str, title: str, host: str = "example.com") -> str | None:
        head = f'<link rel="alternate" type="application/rss+xml" title="{feed}" href="/f" />'
        return site_name_from_feeds(head, len(head), title, host)
    assert feed_name("Sport - RSS", "Transport minister resigns") is None
    assert feed_name("Sport - RSS", "Passport rules | Gov") is None
    assert feed_name("A - Atom", "Bananas are great", "blog.test") is None
    assert feed_name("World - RSS", "World: Leaders meet in Paris") is None
    assert feed_name("Sport - RSS", "Cup final tonight | Sport") == "Sport"
    assert feed_name("Science of Sport - Atom", "Science of Sport: Pacing in the marathon") == "Science of Sport"
    html = _blogger_page("World: Leaders meet in Paris to talk about the climate", "World - RSS")
    md = page_metadata(html, "https://news.example/2009/07/world.html", [STORY])
    assert md.title == "World: Leaders meet in Paris to talk about the climate"


def test_a_bylines_writers_joined_past_a_beat_or_in_other_scripts():
    # review 24: a writer's beat, agency or place before the joining word ended the byline at its first name, and
    # the joining marks and words of Chinese / Japanese, Russian and Greek bylines were missing
    for between in (", Health Reporter, and ", " (Reuters) and ", " in London and ", "、", "・", " и ", " και "):
        md = page_metadata(_writers_page(between), "https://www.magazine.example/2012/11/sandy/", [STORY])
        assert md.authors == ["Jane Doe", "John Roe"], between
    # a sentence or a longer text between two writers is no joining text
    for between in (" is a writer. And ", ", who covers health, schools and the city council for us, and "):
        md = page_metadata(_writers_page(between), "https://www.magazine.example/2012/11/sandy/", [STORY])
        assert md.authors == ["Jane Doe"], between
