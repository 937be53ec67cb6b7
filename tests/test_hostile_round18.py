"""Hostile inputs, round 18 (docs/architecture.md, "Round 18"): a leap second in a date, a host spelled as a number
(`0x7f.1`, `2130706433`, `0177.0.0.1`, `127.1`: browsers read 127.0.0.1), a URL holding bytes no UTF-8 holds in a
JSONL or Parquet file, a `<meta charset>` naming UTF-16 on an ASCII page, and a zstd ARC whose damaged first frame
runs on into the next ones. Short fixtures built here.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from dedup.sources.fetchtime import fetch_time
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input
from dedup.text.dates import find_dates, parse_published
from dedup.text.metadata import page_metadata
from dedup.text.normalise import refused_host, registered_domain
from dedup.text.pagechecks import decode_html

_PROSE = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3
_UTC = timezone.utc


def _read_all(folder: Path) -> tuple[dict[str, dict], Counter]:
    stats: Counter = Counter()
    rows = {r["doc_id"]: r for f in expand_inputs([str(folder)], []) for b in read_input(f, stats)
            for r in b.to_pylist()}
    return rows, stats


# ---------------------------------------------------------------- a leap second

def test_a_leap_second_is_the_next_minutes_first_instant_in_its_own_zone():
    # main refused the value, and the date line reader then took `2016-12-31T23:59` without its zone: a time five
    # hours off for `+05:00`, a minute early for `Z`
    assert parse_published("2016-12-31T23:59:60Z") == datetime(2017, 1, 1, tzinfo=_UTC)
    assert parse_published("2016-12-31T23:59:60.5+05:00") == datetime(2016, 12, 31, 19, 0, 0, 500000, tzinfo=_UTC)
    assert parse_published("2100-12-31T23:59:60Z") is None   # (the next instant is past the years a page can have)
    [found] = find_dates("Posted 2016-12-31T23:59:60+05:00 by the desk")
    assert found.at == datetime(2016, 12, 31, 19, 0, tzinfo=_UTC) and found.raw == "2016-12-31T23:59:60+05:00"
    html = ('<html><head><meta property="article:published_time" content="2016-12-31T23:59:60+05:00">'
            f"<title>Pier</title></head><body><p>{_PROSE}</p></body></html>")
    md = page_metadata(html, "https://a.test/x")
    assert md.published_at == datetime(2016, 12, 31, 19, 0, tzinfo=_UTC)
    assert md.published_at_raw == "2016-12-31T23:59:60+05:00"


def test_a_fetch_time_of_a_leap_second_is_read_not_unknown():
    # main: unknown, counted as `fetched_at.unreadable` (a WARC-Date of a crawl that ran over 2016's last second)
    stats: Counter = Counter()
    midnight = datetime(2017, 1, 1, tzinfo=_UTC)
    assert fetch_time("2016-12-31T23:59:60Z", stats) == fetch_time("20161231235960", stats) == midnight
    assert fetch_time(20161231235960, stats) == midnight and not stats
    assert fetch_time("9999-12-31T23:59:60Z", stats) is None and stats["fetched_at.unreadable"] == 1


# ---------------------------------------------------------------- a host spelled as a number

def test_every_spelling_of_one_ipv4_address_is_one_site():
    # main: `0x7f.1`, `2130706433`, `0177.0.0.1` and `127.1` were four sites, none of them 127.0.0.1
    same = ["http://127.0.0.1/", "http://0x7f.1/", "http://2130706433/", "http://0177.0.0.1/", "http://127.1/",
            "http://0x7F.0.0.1:8080/a", "http://127.0.0.1./", "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",
            "http://127%2E1/", "https:\\\\0x7f000001\\x", "http://0x7f.0x0.0.01/"]
    assert {u: registered_domain(u) for u in same} == {u: "127.0.0.1" for u in same}
    assert registered_domain("http://4294967295/") == "255.255.255.255"
    # a host that ends in a number but is no address: browsers refuse it (main named sites after them)
    for refused in ("http://1.2.3.4.5/", "http://256.1.1.1/", "http://a.0x1/", "http://www.1.2.3.4/",
                    "http://4294967296/", "http://09.1/", "http://example.08/", "http://1" + "0" * 5000 + "/"):
        assert registered_domain(refused) is None and refused_host(refused), refused[:40]
    # hosts that end in a letter, or in a label that is no number, stay domains
    for domain, site in (("http://v1.example/", "v1.example"), ("http://1e5.test/", "1e5.test"),
                         ("http://0x7g.test/", "0x7g.test"), ("http://www.example.com/", "example.com")):
        assert registered_domain(domain) == site and not refused_host(domain)


# ---------------------------------------------------------------- a URL of bytes no UTF-8 holds

def test_a_url_of_bytes_no_utf8_holds_keeps_them_as_percent_escapes_and_is_counted(tmp_path):
    # main: U+FFFD in their place, in silence; `caf\xe9` and `caf\xe8` were one URL
    folder = tmp_path / "crawl"
    folder.mkdir()
    text = _PROSE.encode()
    pq.write_table(pa.table({
        "id": ["b1", "b2", "b3"],
        "url": pa.array([b"https://a.test/caf\xe9", b"https://a.test/caf\xe8", b"https://a.test/ok"], pa.binary()),
        "text": [_PROSE + "1", _PROSE + "2", _PROSE + "3"]}), folder / "binary.parquet")
    # a STRING column holding such bytes (a writer that did not check them)
    broken = pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer((0).to_bytes(4, "little") + (18).to_bytes(
        4, "little")), pa.py_buffer(b"https://s.test/\xff\xfe\xfd")])
    pq.write_table(pa.table({"id": ["s1"], "url": broken, "text": [_PROSE]}), folder / "string.parquet")
    lines = [b'{"id": "j1", "url": "https://j.test/caf\xe9", "text": "' + text + b'"}',
             b'{"id": "j2", "url": "https://j.test/caf\xe8", "text": "' + text + b'"}'
             b'{"id": "j3", "url": "https://j.test/\xff", "text": "' + text + b'"}',   # (two objects on one line)
             b'{"id": "j4", "url": "https://j.test/\\ud800", "text": "' + text + b'"}',
             b'{"id": "j5", "url": "https://j.test/\xef\xbf\xbd", "text": "' + text + b'"}',
             # a JSON escape of half a pair in the range `surrogateescape` uses for bytes: no byte of the file
             # (int27: read as the byte 0xE9, `caf%E9`, and counted; the lead's review fix)
             b'{"id": "j6", "url": "https://j.test/caf\\udce9", "text": "' + text + b'"}']
    (folder / "a.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    rows, stats = _read_all(folder)
    assert {d: (r["url"], r["reject_reason"]) for d, r in rows.items()} == {
        "b1": ("https://a.test/caf%E9", None), "b2": ("https://a.test/caf%E8", None), "b3": ("https://a.test/ok", None),
        "s1": ("https://s.test/%FF%FE%FD", None), "j1": ("https://j.test/caf%E9", None),
        "j2": ("https://j.test/caf%E8", None), "j3": ("https://j.test/%FF", None),
        "j4": ("https://j.test/\ufffd", None), "j5": ("https://j.test/\ufffd", None),   # (j5: U+FFFD as written)
        "j6": ("https://j.test/caf\ufffd", None)}
    assert stats["tolerated.url_not_utf8"] == 6   # the bytes; JSON escapes of half a pair are U+FFFD as in every field


# ---------------------------------------------------------------- charsets

def test_a_meta_charset_of_utf16_on_an_ascii_page_is_read_as_utf8():
    # main decoded the page as UTF-16: its text came out CJK mojibake ('㹬格慥㹤...'); a browser reads UTF-8 there
    body = "Caf\u00e9 na\u00efve \u2014 \u201cquoted\u201d fa\u00e7ade"
    for label in ("utf-16", "UTF-16LE", "utf-16be", "utf-32"):
        page = (f'<html><head><meta charset="{label}"><title>T</title></head><body><p>{body}</p></body></html>'
                ).encode("utf-8")
        assert f"<p>{body}</p>" in decode_html(page), label
    # UTF-16 it is where the bytes are (no mark, a meta that says so): as before
    wide = '<html><head><meta charset="utf-16"><title>T</title></head><body><p>Caf\u00e9</p></body></html>'
    assert "<p>Caf\u00e9</p>" in decode_html(wide.encode("utf-16-le"))


# ---------------------------------------------------------------- a zstd frame that runs on

def _arc_record(head: bytes, body: bytes) -> bytes:
    return head + b" " + str(len(body)).encode() + b"\n" + body + b"\n"


def test_an_arc_whose_first_zstd_frame_runs_on_into_the_next_keeps_its_intact_record(tmp_path):
    # the fuzzer's seed 813 (`warcio_example.arc/zstd-frames/frame0/flip`): a damaged first frame whose block size
    # claims the next frames' bytes; main's sniffing stopped inside it, read no ARC, and the intact record was lost
    # into an `unknown_format` / `bad_warc_header` reject
    page = f"<html><head><title>Pier</title></head><body><p>{_PROSE}</p></body></html>".encode()
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + str(len(page)).encode() + b"\r\n\r\n" + page)
    records = [_arc_record(b"filedesc://t.arc 0.0.0.0 20140216050221 text/plain",
                           b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"),
               _arc_record(b"http://example.com/ 93.184.216.119 20140216050221 text/html", http)]
    frames = [zstandard.ZstdCompressor(write_checksum=True, write_content_size=False).compress(r) for r in records]
    first = frames[0]
    assert first[4] & 0xE3 == 0   # no content size, not single segment, no dictionary: the window byte is first[5]
    runs_on = first[:5] + bytes([0x38]) + (100_000 << 3).to_bytes(3, "little") + first[9:]   # a raw block of 100 kB
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "t.arc.zst").write_bytes(runs_on + frames[1])
    rows, _ = _read_all(folder)
    kept = [r for r in rows.values() if r["reject_reason"] is None]
    assert [r["url"] for r in kept] == ["http://example.com/"], rows
    assert _PROSE.strip()[:40] in kept[0]["html"].decode()
    assert {r["reject_reason"] for r in rows.values() if r["reject_reason"]} <= {"bad_arc_header", "zstd_error"}


def test_the_jsonl_oddities_of_round_18_keep_every_record(tmp_path):
    # probes that found nothing (kept here so that they stay so): a UTF-8 mark at the start and between lines, CRLF,
    # a raw U+2028 inside a string, no new line at the end, NaN and Infinity in fields dedup does not read
    folder = tmp_path / "crawl"
    folder.mkdir()
    rec = [json.dumps({"id": f"r{i}", "url": f"https://a.test/{i}", "text": f"{_PROSE} {i}"}).encode()
           for i in range(6)]
    odd = json.dumps({"id": "u", "url": "https://a.test/u", "text": _PROSE + "\u2028 after"}, ensure_ascii=False)
    nan = b'{"id": "n", "url": "https://a.test/n", "text": "' + _PROSE.encode() + b'", "score": NaN, "x": -Infinity}'
    (folder / "a.jsonl").write_bytes(b"\xef\xbb\xbf" + rec[0] + b"\r\n" + rec[1] + b"\n\xef\xbb\xbf" + rec[2] + b"\n"
                                     + odd.encode() + b"\n" + nan + b"\n" + rec[3])
    rows, _ = _read_all(folder)
    assert sorted(d for d, r in rows.items() if r["reject_reason"] is None) == ["n", "r0", "r1", "r2", "r3", "u"]
    assert len(rows) == 6 and "\u2028 after" in rows["u"]["text"]
