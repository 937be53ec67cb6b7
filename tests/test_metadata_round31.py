"""Round 31 of the metadata rules (docs/metadata.md, issue 17): a JSON-LD template that names only a story's first
writer, where the author meta tags list them all (standard.co.uk's `"author": {"name": "April Roach"}` against
`<meta name="author" content="April Roach, Daniel O'Mahony">`, both linked under the headline): the meta tags' fuller
list wins, each extra name shown in the page's body."""

from __future__ import annotations

import gzip

from conftest import shared_path

from dedup.text.extract import extract_html
from dedup.text.metadata import page_metadata
from dedup.text.pagechecks import decode_html

STORY = ("Travellers arriving in the country from the three islands after four o'clock on Saturday will have to "
         "isolate for two weeks, the transport secretary said, as infection rates there rose above the threshold.")
URL = "https://www.paper.example/news/uk/islands-added-to-quarantine-list-a4561256.html"


def _authors(html: str, url: str = URL) -> tuple:
    md = page_metadata(html, url, extract_html(html, url).evidence_blocks or [])
    return md.authors, md.authors_source


def _page(ld_names: list[str], meta: str, shown: list[str]) -> str:
    ld_authors = ", ".join(f'{{"@type": "Person", "name": "{n}"}}' for n in ld_names)
    links = "".join(f'<div class="author"><a href="/author/{n.lower().replace(" ", "-")}">{n}</a></div>'
                    for n in shown)
    return ('<!DOCTYPE html><html lang="en-GB"><head><title>Islands added to quarantine list | The Paper</title>'
            f'<meta name="author" content="{meta}">'
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
            f'"headline": "Islands added to quarantine list", "author": [{ld_authors}]}}</script></head><body><main>'
            f'<h1>Islands added to quarantine list</h1>{links}<p>{STORY}</p><p>{STORY}</p></main></body></html>')


def test_the_meta_tags_fuller_list_of_writers_wins_over_the_jsonlds_first_writer():
    # before: ['April Roach'] from the JSON-LD, the second writer lost
    html = _page(["April Roach"], "April Roach, Daniel O&#x27;Mahony", ["April Roach", "Daniel O&#x27;Mahony"])
    assert _authors(html) == (["April Roach", "Daniel O'Mahony"], "meta")
    three = _page(["Jane Doe", "John Roe"], "Jane Doe, John Roe, Mary Major", ["Jane Doe", "John Roe", "Mary Major"])
    assert _authors(three) == (["Jane Doe", "John Roe", "Mary Major"], "meta")


def test_the_fuller_list_only_where_the_jsonlds_writers_open_it_and_the_body_shows_the_others():
    html = _page(["April Roach"], "April Roach, Daniel O&#x27;Mahony", ["April Roach", "Daniel O&#x27;Mahony"])
    assert _authors(html)[0] == ["April Roach", "Daniel O'Mahony"]  # (before: the JSON-LD's one writer)
    # a group opening the list is no writer the JSON-LD left out (a magazine's 'Condé Nast, Fiona ..., Mariam ...')
    group = _page(["Fiona Bornhöft"], "Condé Nast, Fiona Bornhöft", ["Fiona Bornhöft", "Condé Nast"])
    assert _authors(group) == (["Fiona Bornhöft"], "jsonld")
    # an extra name the body never shows: the JSON-LD's writer stays
    unseen = _page(["April Roach"], "April Roach, Daniel Fairweather", ["April Roach"])
    assert _authors(unseen) == (["April Roach"], "jsonld")
    # the meta tags naming another writer: the JSON-LD's stays (round 27's agreement decides those)
    other = _page(["April Roach"], "Daniel Fairweather", ["April Roach", "Daniel Fairweather"])
    assert _authors(other) == (["April Roach"], "jsonld")


def test_both_writers_on_the_real_page():
    # trafilatura-eval's standard.co.uk page (the gold names only Daniel O'Mahony; the page names both, twice)
    html = decode_html(gzip.decompress(shared_path("corpora", "trafilatura-eval", "html",
                                                   "7680a47b193e24ef.html.gz").read_bytes()))
    url = "https://www.standard.co.uk/news/uk/turkey-poland-caribbean-islands-added-to-uk-quarantine-list-a4561256.html"
    assert _authors(html, url) == (["April Roach", "Daniel O'Mahony"], "meta")
