"""A declared charset is read as a browser reads it (the WHATWG Encoding Standard's labels): a server's default
`charset=iso-8859-1` on a Windows-1252 page gave C1 control characters where the page has curly quotes."""

from __future__ import annotations

import pytest

from dedup.sources.textbytes import decode_text
from dedup.text.extract import extract_html
from dedup.text.pagechecks import decode_html
from dedup.text.normalise import browser_encoding

STORY = ("The council voted on Tuesday to build a flood wall along the east bank of the river, ending a dispute "
         "that had stalled the project since the spring floods. ")


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO-8859-1", "latin1", "us-ascii", " Latin-1 "])
def test_a_latin1_label_on_windows_1252_bytes_gives_the_quotes_a_browser_shows(label):
    page = b"<html><body><p>It\x92s \x93the wall\x94, \x96 \x80 5 million</p></body></html>"
    text = decode_html(page, label)
    assert "It\u2019s \u201cthe wall\u201d, \u2013 \u20ac 5 million" in text
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_a_pages_text_holds_no_c1_control_from_a_latin1_label():
    body = ("<p>" + STORY * 3 + "\u201cWe have waited long enough,\u201d the chair said.</p>").encode("cp1252")
    page = b"<html><head><title>Flood wall</title></head><body><article>" + body + b"</article></body></html>"
    text = "\n".join(extract_html(page, "https://news.example/wall", "ISO-8859-1").blocks)
    assert "\u201cWe have waited long enough,\u201d" in text
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_a_text_record_is_read_by_the_same_labels():
    assert decode_text(b"It\x92s done", "iso-8859-1") == "It\u2019s done"
    assert decode_text("caf\u00e9".encode("latin-1"), "latin-1") == "caf\u00e9"   # Latin-1's own letters stay


def test_east_asian_labels_read_the_supersets_their_pages_hold():
    # GBK's 镕 is not GB2312's; Microsoft's ① is not JIS X 0208's; UHC's 똠 is not EUC-KR's
    assert decode_html("<p>\u9555</p>".encode("gbk"), "gb2312") == "<p>\u9555</p>"
    assert decode_html("<p>\u2460</p>".encode("cp932"), "Shift_JIS") == "<p>\u2460</p>"
    assert decode_html("<p>\ub620</p>".encode("cp949"), "euc-kr") == "<p>\ub620</p>"


def test_other_labels_and_utf8_are_read_as_before():
    assert browser_encoding("koi8-r") == "koi8-r"
    assert browser_encoding("utf-8") == "utf-8"
    assert decode_html("<p>\u0436</p>".encode("koi8-r"), "koi8-r") == "<p>\u0436</p>"
    assert decode_html("<p>caf\u00e9</p>".encode("utf-8"), "utf-8") == "<p>caf\u00e9</p>"
