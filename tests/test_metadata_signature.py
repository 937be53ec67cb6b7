"""The writer's name alone in an italic paragraph closing the story (`dedup.text.signature`, kind `signature`):
read where nothing else names anybody; a bold subheading, a name the story talks about, a name before more of the
story are no signature (docs/metadata.md, round 15)."""

from __future__ import annotations

from conftest import shared_path

from dedup.text.metadata import page_metadata

STORY = ["Der EHC Red Bull München hat das Endspiel der Champions-Hockey-League-Saison verpasst. Das Team von Head "
         "Coach Don Jackson verlor in Tampere nach einer starken Leistung im letzten Drittel mit 1:2 und schied aus.",
         "Tappara ging dabei bereits nach rund vier Minuten in Führung, als Kristian Kuusela nach einem exzellent "
         "getimten Querpass am langen Pfosten zur Stelle war und den Puck aus kurzer Distanz unhaltbar im Tor "
         "unterbrachte."]


def page(signature_markup: str, after: str = "<p>Kurznachrichtenticker</p>") -> str:
    body = "<h1>Zweimal Kuusela im Powerplay</h1>" + "".join(f"<p>{b}</p>" for b in STORY) + signature_markup + after
    return f"<!DOCTYPE html><html lang=\"de\"><head><title>Zweimal Kuusela</title></head><body>{body}</body></html>"


def blocks(name: str, after: str = "Kurznachrichtenticker") -> list[str]:
    return ["Zweimal Kuusela im Powerplay", *STORY, name, after]


URL = "https://eishockey.example/artikel/kuusela"


def test_italic_name_closing_the_story_is_its_writer():
    for markup in ("<p><b><i>Stefan Wasmer</i></b></p>", '<p align="right"><em><font size="2">Stefan Wasmer</font>'
                   "</em></p>", "<p>\n  <i>Stefan Wasmer</i>\n</p>"):
        md = page_metadata(page(markup), URL, blocks("Stefan Wasmer"))
        assert md.authors == ["Stefan Wasmer"] and md.authors_source == "signature", markup


def test_no_signature_where_the_name_is_not_one():
    # a subheading in bold alone; a name with other text in its paragraph; not set apart at all
    for markup in ("<p><strong>Stefan Wasmer</strong></p>", "<p>Bericht: <i>Stefan Wasmer</i></p>",
                   "<p>Stefan Wasmer</p>", "<div><i>Stefan Wasmer</i></div>"):
        assert page_metadata(page(markup), URL, blocks("Stefan Wasmer")).authors == [], markup
    # the story goes on below it: a subheading, even in italics
    more = STORY[1].replace("Tappara", "Danach")
    assert page_metadata(page("<p><i>Stefan Wasmer</i></p>", f"<p>{more}</p>"), URL,
                         blocks("Stefan Wasmer", more)).authors == []
    # a person the story talks about; a place; a name of one word
    assert page_metadata(page("<p><i>Kristian Kuusela</i></p>"), URL, blocks("Kristian Kuusela")).authors == []
    assert page_metadata(page("<p><i>Tampere</i></p>"), URL, blocks("Tampere")).authors == []


def test_signature_ranks_below_every_other_reader():
    markup = "<p><i>Stefan Wasmer</i></p>"
    html = page(markup).replace("<head>", '<head><meta name="author" content="Anna Schmidt">')
    md = page_metadata(html, URL, blocks("Stefan Wasmer"))
    assert md.authors == ["Anna Schmidt"] and md.authors_source == "meta"


def test_signature_on_the_real_page():
    """eishockeynews.de (trafilatura-eval): `<p><b><i>Stefan Wasmer</i></b></p>` after the report's last
    paragraph, the gold author; the page names nobody else."""
    import gzip
    import json

    from dedup.text.extract import extract_html
    from dedup.text.pagechecks import decode_html

    root = shared_path("corpora", "trafilatura-eval")
    url = ("https://www.eishockeynews.de/aktuell/artikel/2022/02/01/"
           "zweimal-kuusela-im-powerplay-und-ein-shutout-tappara-tampere-beendet-muenchens-chl-traum.html")
    evaldata = json.loads((root / "evaldata.json").read_text("utf-8"))
    item = evaldata.get(url) or next(v for k, v in evaldata.items() if k.startswith(url[:70]))
    md = extract_html(decode_html(gzip.decompress((root / item["file"]).read_bytes())), url).metadata
    assert md.authors == ["Stefan Wasmer"] and md.authors_source == "signature", (md.authors, md.authors_source)
