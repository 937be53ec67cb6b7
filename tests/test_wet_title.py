"""A WET conversion record's first line is the page's <title> (Common Crawl writes it there, and navigation lines,
not article text, follow it): it is the record's title (`wet_first_line`), without the site's part, and leaves the
text. JSONL `text` keeps the headline rule (`first_line`)."""

from __future__ import annotations

import pyarrow as pa

from dedup.schema import schema
from dedup.sources.read import read_warc
from dedup.text.cleaning import wet_title_line
from dedup.text.extract import extract_batch, extract_plain
from dedup.text.titles import without_guessed_site

URL = "https://www.washingtonpost.com/world/gunmen-storm-museum-in-tunis/2015/03/18/story.html"
HEADLINE = "Attack stokes instability fears in North Africa"
STORY = [
    "Gunmen stormed a museum in the heart of the Tunisian capital on Wednesday, killing at least 19 people in "
    "an attack that raised fears about the stability of the country.",
    "The assault on the Bardo National Museum was the deadliest in Tunisia in more than a decade, officials said, "
    "and it came as the country struggles to contain militants along its borders.",
]
# the shape of a real WET record's text: the <title>, then the menus, the headline, the story
RECORD = "\n".join([f"{HEADLINE} - The Washington Post", "Sign In", "Sections", "World", "Politics", "Opinions",
                    "Africa", HEADLINE, "By Erin Cunningham March 18, 2015", *STORY, "Share", "Comments"])


def test_a_wet_records_title_line_is_its_title_and_leaves_the_text():
    ex = extract_plain(RECORD, URL, wet=True)
    assert ex.metadata.title == HEADLINE and ex.metadata.title_source == "wet_first_line_without_site"
    assert ex.metadata.html_title == f"{HEADLINE} - The Washington Post"
    # neither the title line nor the headline repeated under the menus is counted as story text
    assert not any(HEADLINE in block for block in ex.blocks)
    assert STORY[0] in ex.blocks
    # the same text as JSONL `text`: today's headline rule, which needs article text right after the first line
    plain = extract_plain(RECORD, URL)
    assert plain.metadata.title is None and plain.blocks[0] == f"{HEADLINE} - The Washington Post"


def test_the_site_part_is_dropped_when_no_site_is_known():
    ex = extract_plain("\n".join(["Masse des Quaders | PRISMEN", "Startseite", "Masse", *STORY]),
                       "https://lernpfad.example.org/masse/", wet=True)
    assert ex.metadata.title == "Masse des Quaders" and ex.metadata.title_source == "wet_first_line_without_site"
    ex = extract_plain("\n".join(["Escopete", "Ir al contenido", *STORY]), "https://an.wikipedia.org/wiki/Escopete",
                       wet=True)
    assert ex.metadata.title == "Escopete" and ex.metadata.title_source == "wet_first_line"
    assert without_guessed_site("Chapter 1: Prologue - Murdered - Melas") == "Chapter 1: Prologue - Murdered"
    assert without_guessed_site("Rome - Paris") == "Rome - Paris"  # no longer part: nothing reads as the site
    assert without_guessed_site("Escopete - Biquipedia, a enciclopedia libre") == \
        "Escopete - Biquipedia, a enciclopedia libre"  # the part left would be shorter than the site's


def test_a_first_line_that_is_no_title():
    assert wet_title_line(HEADLINE) and wet_title_line("Escopete")
    for first in (STORY[0],  # a sentence
                  "www.washingtonpost.com",  # an address
                  "2015-03-18 12:00",  # no letters
                  "Breaking " * 30):  # too long for a title
        assert not wet_title_line(first.strip()), first
        ex = extract_plain("\n".join([first, "Sections", *STORY]), URL, wet=True)
        assert ex.metadata.title_source is None or not ex.metadata.title_source.startswith("wet"), first


def test_a_real_wet_record_through_the_reader(warc_samples):
    batches = list(read_warc(warc_samples / "whirlwind" / "whirlwind.warc.wet.gz", "w.wet.gz"))
    raw = pa.Table.from_batches(batches, schema=schema("raw")).combine_chunks().to_batches()[0]
    docs = [r for r in extract_batch(raw).to_pylist() if r["reject_reason"] is None]
    assert len(docs) == 1
    doc = docs[0]
    assert doc["title"] == "Escopete - Biquipedia, a enciclopedia libre" and doc["title_source"] == "wet_first_line"
    assert not any(block.startswith("Escopete - Biquipedia") for block in doc["blocks"])
    # the same text read as a JSONL row (no WARC record): no title, the line stays in the text
    row = {**raw.to_pylist()[[r["text"] is not None for r in raw.to_pylist()].index(True)], "warc_record_id": None,
           "warc_type": None}
    jsonl = extract_batch(pa.RecordBatch.from_pylist([row], schema=schema("raw"))).to_pylist()[0]
    assert jsonl["title"] is None and jsonl["blocks"][0] == "Escopete - Biquipedia, a enciclopedia libre"


def _warc_record(headers: dict[str, str], block: bytes) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": str(len(block))}.items())
    return b"WARC/1.0\r\n" + head.encode() + b"\r\n" + block + b"\r\n\r\n"


def test_a_plain_text_response_is_no_wet_record(tmp_path):
    # a text/plain HTTP response without a charset reads like a conversion's text, but its first line is not a
    # <title> Common Crawl wrote: it stays in the text (only WARC-Type conversion is WET)
    text = "\n".join([HEADLINE, "Sections", *STORY]).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + text
    common = {"WARC-Date": "2015-03-18T12:00:00Z", "WARC-Target-URI": URL}
    path = tmp_path / "plain.warc"
    path.write_bytes(
        _warc_record({"WARC-Type": "response", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000001>",
                      **common, "Content-Type": "application/http; msgtype=response"}, http)
        + _warc_record({"WARC-Type": "conversion", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000002>",
                        **common, "Content-Type": "text/plain"}, text))
    raw = pa.Table.from_batches(list(read_warc(path, "plain.warc")), schema=schema("raw")).combine_chunks()
    docs = {r["warc_record_id"][-3:-1]: r for r in extract_batch(raw.to_batches()[0]).to_pylist()}
    assert docs["01"]["reject_reason"] is None and docs["02"]["reject_reason"] is None
    assert not (docs["01"]["title_source"] or "").startswith("wet") and docs["01"]["blocks"][0] == HEADLINE
    assert docs["02"]["title"] == HEADLINE and docs["02"]["title_source"].startswith("wet_first_line")
