"""Hostile inputs, round 14 (docs/architecture.md, "Round 14"): C1 control characters in text and pages, a URL whose
host the WHATWG host parser refuses, a Parquet file cut before its footer, a file compressed twice, a compressed JSONL
damaged in the middle. Short fixtures built here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dedup.ingest import ingest_file
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input

_PROSE = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3
# Windows-1252 read as Latin-1 (U+0093 was the byte of a left double quote, U+0081 is no character of it) and UTF-8
# read as Latin-1 (U+00E2 U+0080 U+0099 were the three bytes of a right single quote)
_C1 = (f"{_PROSE}He said \x93yes\x94 \x96 it\x92s done\x81. Caf\u00e9 is \u00e2\x80\x99open\u00e2\x80\x99 at 8."
       f"\n\n{_PROSE}")
_READ = f"{_PROSE}He said \u201cyes\u201d \u2013 it\u2019s done. Caf\u00e9 is \u2019open\u2019 at 8.\n\n{_PROSE}"


def _response(name: str, content_type: str, body: bytes) -> bytes:
    """A WARC response record of `body`, its id `<urn:uuid:NAME>`, its URL https://a.test/NAME."""
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body
    fields = {"WARC-Type": "response", "WARC-Record-ID": f"<urn:uuid:{name}>",
              "WARC-Target-URI": f"https://a.test/{name}", "WARC-Date": "2024-01-01T00:00:00Z",
              "Content-Type": "application/http; msgtype=response", "Content-Length": str(len(http))}
    return ("WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n").encode() + http + b"\r\n\r\n"


def _read_all(folder: Path) -> tuple[dict[str, dict], dict[str, int]]:
    stats: Counter = Counter()
    rows = {r["doc_id"]: r for f in expand_inputs([str(folder)], []) for b in read_input(f, stats)
            for r in b.to_pylist()}
    return rows, {k: v for k, v in stats.items() if k.startswith("tolerated.")}


def _ingested(folder: Path, tmp_path: Path) -> tuple[dict[str, dict], dict[str, int]]:
    """The docs rows and the run.json `tolerated` counters `ingest_file` (what a build runs) makes of `folder`."""
    (inp,) = expand_inputs([str(folder)], [])
    done = ingest_file(inp, tmp_path / "docs.parquet", 10 << 20)
    rows = {r["doc_id"]: r for r in pq.read_table(tmp_path / "docs.parquet").to_pylist()}
    return rows, {k: v for k, v in done["stats"].items() if k.startswith("tolerated.")}


# ---------------------------------------------------------------- C1 control characters

def test_c1_controls_in_text_records_are_read_as_the_bytes_they_were_and_counted(tmp_path):
    # main published U+0093 where the writer's curly quote was, in JSONL, Parquet and WARC text records alike
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"id": "j", "url": "https://a.test/j", "text": _C1}) + "\n")
    pq.write_table(pa.table({"id": ["p"], "url": ["https://a.test/p"], "text": [_C1]}), folder / "b.parquet")
    (folder / "c.warc").write_bytes(_response("w", "text/plain; charset=utf-8", _C1.encode()))
    rows, tolerated = _read_all(folder)
    assert {d: (r["reject_reason"], r["text"]) for d, r in rows.items()} == {
        "j": (None, _READ), "p": (None, _READ), "<urn:uuid:w>": (None, _READ)}
    assert tolerated == {"tolerated.c1_control_characters": 3}


def test_how_a_run_of_c1_controls_is_read():
    from dedup.text.normalise import c1_controls_read, without_c1_controls

    assert c1_controls_read("\x80 5, \x85 and \x8a") == "\u20ac 5, \u2026 and \u0160"          # Windows-1252
    assert c1_controls_read("to \u00e2\x80\x94 na\u00c3\u00afve") == "to \u2014 na\u00c3\u00afve"   # UTF-8, where C1 is
    assert c1_controls_read("\u00c2\x80") == "\u00c2\u20ac"   # UTF-8 of a C1 control again: read as Windows-1252
    assert c1_controls_read("a\x8d\x8f\x90\x9db") == "ab"     # bytes Windows-1252 leaves unassigned
    plain = "Caf\u00e9 \u00c3\u00a9 \u201cquoted\u201d"          # no C1 control: the same string, mojibake and all
    assert c1_controls_read(plain) is plain
    junk = "".join(map(chr, range(1, 32))) * 40 + "\x93"       # binary data keeps what tells it (round 13)
    assert without_c1_controls(junk) is junk


_LD = ('{"@context": "https://schema.org", "@type": "NewsArticle", '
       '"author": {"@type": "Person", "name": "Ale\\u009a \\u008eupan"}}')
_C1_PAGE = (
    '<html><head><title>Harbour board\x92s pier repairs</title>'
    f'<script type="application/ld+json">{_LD}</script></head><body><article><h1>Harbour board\x92s pier repairs</h1>'
    f'<p>{_PROSE}</p><p>Work \x96 on the \x93north\x94 pier &#147;begins&#148; soon.</p><p>{_PROSE}</p></article>'
    '</body></html>')


def test_c1_controls_leave_every_string_extracted_from_a_page_and_are_counted(tmp_path):
    # main published them in text, title, html_title and authors (a JSON-LD escape); `&#147;` was read as
    # Windows-1252 already (HTML5), the raw U+0093 of a UTF-8 page was not
    read = _C1_PAGE.replace("\x92", "\u2019").replace("\x96", "\u2013").replace("\x93", "\u201c")
    read = read.replace("\x94", "\u201d").replace("\\u009a \\u008e", "\u0161 \u017d")
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": i, "url": f"https://a.test/{i}", "html": page}) + "\n"
                                            for i, page in (("c", _C1_PAGE), ("k", read))))
    rows, tolerated = _ingested(folder, tmp_path)
    c1, kept = rows["c"], rows["k"]
    assert c1["reject_reason"] is None
    assert c1["title"] == "Harbour board\u2019s pier repairs" and c1["authors"] == ["Ale\u0161 \u017dupan"]
    assert "Work \u2013 on the \u201cnorth\u201d pier \u201cbegins\u201d soon." in c1["blocks"]
    own = ("doc_id", "url", "source_offset")
    assert {k: v for k, v in c1.items() if k not in own} == {k: v for k, v in kept.items() if k not in own}
    assert tolerated == {"tolerated.c1_control_characters": 1}


# ---------------------------------------------------------------- a URL whose host the WHATWG parser refuses

def test_a_url_whose_host_holds_a_control_character_is_kept_without_a_domain_and_counted(tmp_path):
    # main published `domain` a%07b.test, a site no browser reaches (the WHATWG host parser percent-decodes the host
    # and fails on a forbidden domain code point): the record stays, its URL as read, with no site named
    folder = tmp_path / "crawl"
    folder.mkdir()
    page = f"<html><body><article><p>{_PROSE}</p></article></body></html>"
    urls = {"c": "https://a\x07b.test/c", "s": "https://a b.test/s", "p": "https://a%41.test/p",
            "k": "https://ab.test/k"}
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": i, "url": u, "html": page}) + "\n"
                                            for i, u in urls.items()))
    rows, tolerated = _ingested(folder, tmp_path)
    assert {d: (r["reject_reason"], r["url"], r["domain"]) for d, r in rows.items()} == {
        "c": (None, "https://a%07b.test/c", None), "s": (None, "https://a b.test/s", None),
        "p": (None, "https://a%41.test/p", "aa.test"), "k": (None, "https://ab.test/k", "ab.test")}
    assert tolerated == {"tolerated.url_control_characters": 1, "tolerated.url_host_refused": 2}

    from dedup.text.normalise import refused_host

    hosts = ("https://[::1]:8/", "https://xn--bcher-kva.example/", "https://a%20b.test/", "https://a%7fb.test/",
             "https://a|b.test/", None, "no url")
    assert [refused_host(u) for u in hosts] == [False, False, True, True, True, False, False]


# ---------------------------------------------------------------- a Parquet file cut before its footer

def test_a_parquet_file_cut_before_its_footer_is_one_reject_that_says_so(tmp_path):
    # its row groups' pages are whole, but without the footer nothing says their columns' names and types: no row can
    # be decoded soundly, and the row count is gone with it; main's detail said only "may be cut short or damaged"
    whole = tmp_path / "whole.parquet"
    pq.write_table(pa.table({"id": [str(i) for i in range(300)], "text": [_PROSE] * 300}), whole, row_group_size=100)
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "cut.parquet").write_bytes(whole.read_bytes()[:-300])
    rows, _ = _read_all(tmp_path / "crawl")
    (row,) = rows.values()
    assert row["reject_reason"] == "corrupt_file"
    assert "cut short" in row["reject_detail"] and "how many it held is not known" in row["reject_detail"]
    assert "re-fetch" in row["reject_detail"]


# ---------------------------------------------------------------- a file compressed twice

def test_a_file_compressed_twice_is_one_reject_that_says_how_to_undo_it(tmp_path):
    # main read a .jsonl.gz of zstd data as text: a `bad_json` reject per 0x0A byte of the zstd data, and the records
    # vanished; a .warc.gz of zstd data was an `unknown_format` that showed bytes, not the cause
    import gzip

    import zstandard

    lines = "".join(json.dumps({"id": f"r{i}", "url": f"https://a.test/{i}", "text": f"{_PROSE} {i}"}) + "\n"
                    for i in range(200)).encode()
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.jsonl.gz").write_bytes(gzip.compress(zstandard.ZstdCompressor().compress(lines), mtime=0))
    (folder / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(gzip.compress(lines, mtime=0)))
    warc = b"".join(_response(str(i), "text/html", f"<html><body><p>{_PROSE} {i}.</p></body></html>".encode())
                    for i in range(50))
    (folder / "c.warc.gz").write_bytes(gzip.compress(zstandard.ZstdCompressor().compress(warc), mtime=0))
    rows, _ = _read_all(folder)
    assert sorted((r["source_file"], r["reject_reason"]) for r in rows.values()) == [
        ("a.jsonl.gz", "unknown_format"), ("b.jsonl.zst", "unknown_format"), ("c.warc.gz", "unknown_format")]
    for row in rows.values():
        inner = "gzip" if row["source_file"] == "b.jsonl.zst" else "zstd"
        assert f"compressed twice: its {'zstd' if inner == 'gzip' else 'gzip'} data is {inner}-compressed" \
            in row["reject_detail"], row["reject_detail"]


# ---------------------------------------------------------------- JSONL streams go on past damage

def test_a_compressed_jsonl_reads_on_past_garbage_and_a_damaged_member(tmp_path):
    # two downloads joined by an error page, a member damaged in the middle: main read the lines before the first
    # damage and made the rest one `corrupt_file` reject, though the members and frames after it decode
    import gzip
    import os

    import zstandard

    def lines(first: int, n: int) -> bytes:
        return "".join(json.dumps({"id": f"r{i}", "url": f"https://a.test/{i}", "text": f"{_PROSE} {i}"}) + "\n"
                       for i in range(first, first + n)).encode()

    zstd = zstandard.ZstdCompressor(write_checksum=True)
    damaged = bytearray(gzip.compress(lines(3, 2), mtime=0))
    damaged[len(damaged) // 2] ^= 0xFF
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.jsonl.gz").write_bytes(gzip.compress(lines(0, 3), mtime=0) + b"<html>502 Bad Gateway</html>"
                                        + bytes(damaged) + gzip.compress(lines(5, 3), mtime=0))
    (folder / "b.jsonl.zst").write_bytes(zstd.compress(lines(0, 3)) + os.urandom(64) + zstd.compress(lines(3, 3)))
    stats: Counter = Counter()
    rows = [r for f in expand_inputs([str(folder)], []) for b in read_input(f, stats) for r in b.to_pylist()]
    by_file: dict[str, list] = {}
    for row in sorted(rows, key=lambda r: r["source_offset"]):
        by_file.setdefault(row["source_file"], []).append(row["doc_id"] if row["reject_reason"] is None else
                                                          row["reject_reason"])
    # the garbage; the line of r3 the damaged member decoded in part (salvaged up to the damage); the rest of it
    assert by_file == {"a.jsonl.gz": ["r0", "r1", "r2", "corrupt_file", "bad_json", "corrupt_file", "r5", "r6", "r7"],
                       "b.jsonl.zst": ["r0", "r1", "r2", "corrupt_file", "r3", "r4", "r5"]}
    gap = next(r for r in rows if r["reject_reason"] and r["source_file"] == "a.jsonl.gz")
    assert "non-gzip bytes at offset" in gap["reject_detail"] and "skipped to the gzip member" in gap["reject_detail"]


# ---------------------------------------------------------------- round 14's loose ends (hostile15b)

def test_a_c1_control_in_canonical_url_is_read_as_in_the_url_and_counted_only_where_something_changed(tmp_path):
    # hostile15 counted the page in `tolerated.c1_control_characters` though its canonical_url kept the U+0093 (the
    # WHATWG rule, as the page's `url` keeps it): the count overstated; a C0 control there is changed and counted
    folder = tmp_path / "crawl"
    folder.mkdir()

    def page(href: str) -> str:
        return (f'<html><head><link rel="canonical" href="{href}"></head><body><article><p>{_PROSE}</p></article>'
                '</body></html>')

    pages = {"c1": page("https://a.test/caf\x93"), "c0": page("https://a.test/b\x07c"), "k": page("https://a.test/k")}
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": i, "url": f"https://a.test/{i}\x93", "html": html})
                                            + "\n" for i, html in pages.items()))
    rows, tolerated = _ingested(folder, tmp_path)
    assert {d: (r["reject_reason"], r["url"], r["canonical_url"]) for d, r in rows.items()} == {
        "c1": (None, "https://a.test/c1\x93", "https://a.test/caf\x93"),
        "c0": (None, "https://a.test/c0\x93", "https://a.test/b%07c"),
        "k": (None, "https://a.test/k\x93", "https://a.test/k")}
    assert tolerated == {"tolerated.control_characters": 1}


def test_a_host_of_any_forbidden_code_point_names_no_domain_and_escapes_are_read(tmp_path):
    # hostile15 named a domain after `<`, `|`, `^`, a `%` of no escape and bytes no UTF-8 decodes (the WHATWG host
    # parser refuses all of them after percent-decoding), and kept `a%41.test` as a site of its own (it is aa.test)
    folder = tmp_path / "crawl"
    folder.mkdir()
    page = f"<html><body><article><p>{_PROSE}</p></article></body></html>"
    hosts = {"tag": "<script>x.test", "bar": "a|b.test", "hat": "a^b.test", "pct": "a%.test", "esc": "a%2541.test",
             "ff": "a%FF.test", "bs": "a\\b.test", "dec": "a%41.test", "utf": "b%C3%BCcher.example",
             "tick": "`t`.test", "v6": "[::1]:8080"}
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": i, "url": f"https://{h}/{i}", "html": page}) + "\n"
                                            for i, h in hosts.items()))
    rows, tolerated = _ingested(folder, tmp_path)
    assert {d: (r["reject_reason"], r["url"]) for d, r in rows.items()} == {
        i: (None, f"https://{h}/{i}") for i, h in hosts.items()}          # every record kept, its URL as read
    assert {d: r["domain"] for d, r in rows.items()} == {
        "tag": None, "bar": None, "hat": None, "pct": None, "esc": None, "ff": None, "bs": "a", "dec": "aa.test",
        "utf": "b\u00fccher.example", "tick": "`t`.test", "v6": "::1"}
    # (`bs`: a `\` ends an http(s) URL's authority as `/` does, so the host a browser asks is `a`: round 17)
    assert tolerated == {"tolerated.url_host_refused": 6}


def test_an_http_head_that_never_ends_is_a_reject_that_says_so_and_how_to_fix_it(tmp_path):
    # hostile15 said "the record has no body" of a response whose head has no blank line (all of it read as head),
    # which names neither the cause nor a fix; a sound response with an empty body, and a revisit, are as before
    def record(name: str, kind: str, http: bytes) -> bytes:
        fields = {"WARC-Type": kind, "WARC-Record-ID": f"<urn:uuid:{name}>",
                  "WARC-Target-URI": f"https://a.test/{name}", "WARC-Date": "2024-01-01T00:00:00Z",
                  "Content-Type": "application/http; msgtype=response", "Content-Length": str(len(http))}
        head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        return head.encode() + http + b"\r\n\r\n"

    ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.warc").write_bytes(
        record("head", "response", ok + b"Server: x\r\n")                                 # the head alone
        + record("body", "response", ok + b"<html><body><p>" + _PROSE.encode() + b"</p></body></html>\n")
        + record("empty", "response", ok + b"\r\n")                                         # sound: no body
        + record("gz", "response", ok + b"Content-Encoding: gzip\r\n")
        + record("revisit", "revisit", ok))
    rows, _ = _read_all(folder)
    got = {d[10:-1]: (r["reject_reason"], r["reject_detail"]) for d, r in rows.items()}
    assert {d: reason for d, (reason, _) in got.items()} == {
        "head": "empty_payload", "body": "empty_payload", "empty": "empty_payload", "gz": "empty_payload",
        "revisit": "revisit_record"}
    assert got["empty"][1] == "the record has no body"
    for name in ("head", "body", "gz"):
        assert got[name][1].startswith("the HTTP head never ends: no blank line ends its"), got[name]
    assert "re-fetch the page" in got["head"][1] and "re-fetch the page" in got["gz"][1]
    assert "its line 3 is no header field (b'<html><body><p>The harbour" in got["body"][1]
    assert "write the record again with one (CRLF CRLF) after the head" in got["body"][1]
