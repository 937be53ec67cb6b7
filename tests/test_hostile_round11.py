"""Hostile input, round 11: HTTP codings inside WARC responses, elements of thousands of attributes, a byte order
mark inside a JSONL file, revisit records (docs/architecture.md)."""
from __future__ import annotations

import gzip
import json
import random
from collections import Counter

import zstandard
from test_hostile_builds import html_page
from test_hostile_round4 import rows

import dedup.text.extract as extract
import dedup.text.pagechecks as pagechecks

PAGE = (html_page("Coded", 1) + "<p>" + "The pier will reopen in May, the board said. " * 400 + "</p>").encode()

BIG = PAGE.replace(b"</p>", random.Random(11).randbytes(150_000).hex().encode() + b"</p>", 1)   # 2+ zstd blocks


def _response(name: str, head: str, body: bytes, extra: str = "") -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{head}\r\n\r\n".encode() + body
    return (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{name}>\r\n"
            f"WARC-Target-URI: https://coded.test/{name}\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n{extra}"
            f"Content-Type: application/http;msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode() + http \
        + b"\r\n\r\n"


def _chunked(data: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 700]), data[i:i + 700]) for i in range(0, len(data), 700)) \
        + b"0\r\n\r\n"


def test_every_gzip_member_and_zstd_frame_of_a_body_is_read_and_a_body_cut_short_is_a_reject(tmp_path) -> None:
    """A body in two gzip members (RFC 1952: a gzip file is a series of members) was read to the end of the first:
    the page was published cut, without a word (two zstd frames were read, and still are). A zstd body cut short was published as far as it
    decoded (or, cut before its first block, was an `empty_payload` reject, "no body"): it is `bad_content_encoding`
    as a gzip body cut short is, unless the crawler said it cut the payload (`WARC-Truncated`). A transfer coding
    besides chunked (`gzip, chunked`) was left on: the compressed bytes were a `non_html_payload` reject."""
    half = len(PAGE) // 2
    z = zstandard.ZstdCompressor()
    whole_z = z.compress(PAGE)
    records = {
        "plain": _response("plain", "", PAGE),
        "gzip2": _response("gzip2", "Content-Encoding: gzip", gzip.compress(PAGE[:half]) + gzip.compress(PAGE[half:])),
        "zstd2": _response("zstd2", "Content-Encoding: zstd", z.compress(PAGE[:half]) + z.compress(PAGE[half:])),
        "te-gzip": _response("te-gzip", "Transfer-Encoding: gzip, chunked", _chunked(gzip.compress(PAGE))),
        "gzip-junk": _response("gzip-junk", "Content-Encoding: gzip", gzip.compress(PAGE) + b"\0\0junk"),
        "zstd-cut": _response("zstd-cut", "Content-Encoding: zstd", whole_z[:-40]),
        "zstd-cut-early": _response("zstd-cut-early", "Content-Encoding: zstd", whole_z[:12]),
        "zstd-cut-crawler": _response("zstd-cut-crawler", "Content-Encoding: zstd", z.compress(BIG)[:-40],
                                      "WARC-Truncated: length\r\n"),
    }
    path = tmp_path / "coded.warc"
    path.write_bytes(b"".join(records.values()))
    out = {r["doc_id"][10:-1]: r for r in rows(path, Counter())}
    for name in ("gzip2", "zstd2", "te-gzip", "gzip-junk"):
        assert (out[name]["reject_reason"], out[name]["html"]) == (None, PAGE), name
    for name in ("zstd-cut", "zstd-cut-early"):
        assert out[name]["reject_reason"] == "bad_content_encoding", name
        assert "zstd: compressed body ends early" in out[name]["reject_detail"], name
    kept = out["zstd-cut-crawler"]
    assert kept["reject_reason"] is None and BIG.startswith(kept["html"]) and 0 < len(kept["html"]) < len(BIG)


def test_an_element_of_thousands_of_distinct_attributes_is_rejected_before_it_is_parsed() -> None:
    """The HTML parser checks each attribute of an element against the element's earlier ones (C code no budget
    stops): one element of 200,000 attributes took 248 s of CPU. A page whose elements' distinct attributes, each
    element's count squared, sum past MAX_ATTRIBUTE_COST is a `too_many_attributes` reject, decided by counting."""
    story = "<h1>Pier</h1><p>" + "The harbour board met on Tuesday and agreed to repair the north pier. " * 5 + "</p>"
    n = 10_100   # 10,100 squared is just over the cap

    def row(attributes: str) -> dict:
        page = f"<html><head><title>Pier</title></head><body><article {attributes}>{story}</article></body></html>"
        return extract._extract_row(page.encode(), None, "http://site.test/x", None, "site.test")

    for form in ("a{i}=1", 'a{i}="1"', "a{i}", "a{i}/"):
        got = row(" ".join(form.format(i=i) for i in range(n)))
        assert got["reject_reason"] == "too_many_attributes" and str(n * n) in got["reject_detail"], form
    # the same attribute repeated (the parser keeps the first: no pairs to compare), a long value with spaces
    # (one attribute), and elements of a hundred attributes each are pages as any other
    assert row(" ".join("a=1" for _ in range(n))).get("reject_reason") is None
    assert row('data-props="' + " ".join(f"k{i}" for i in range(3 * n)) + '"').get("reject_reason") is None
    many = "".join("<span " + " ".join(f"s{j}=1" for j in range(100)) + ">x</span>" for _ in range(200))
    assert row(f'class="x">{many}<b').get("reject_reason") is None
    assert pagechecks.attribute_cost(f"<p {' '.join(f'a{i}' for i in range(300))}>") == 300 ** 2


def test_a_byte_order_mark_before_a_later_jsonl_line_is_no_part_of_its_record(tmp_path) -> None:
    """`cat a.jsonl b.jsonl` of files written by Windows tools puts b's byte order mark at the start of a line in
    the middle: that record was a `bad_json` reject ("Unexpected UTF-8 BOM"). The mark was skipped on line 1 only."""
    first, second = ([json.dumps({"id": f"{part}{n}", "url": f"https://cat.test/{part}{n}",
                                  "html": html_page(f"Cat {part}{n}", n)}).encode() for n in range(2)]
                     for part in "ab")
    path = tmp_path / "joined.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(first) + b"\n" + b"\xef\xbb\xbf" + b"\n".join(second) + b"\n")
    out = rows(path, Counter())
    assert [(r["doc_id"], r["reject_reason"], r["source_offset"]) for r in out] == [
        ("a0", None, 0), ("a1", None, 1), ("b0", None, 2), ("b1", None, 3)]


def test_a_revisit_record_is_a_reject_that_names_the_capture_it_points_to(tmp_path) -> None:
    """Decided (round 11): a revisit record stays a `revisit_record` reject: it holds no page of its own (the
    identical-payload-digest profile keeps the HTTP head only; server-not-modified a 304), and the capture it repeats
    is read from its own record when the crawl holds it. The detail names that capture (WARC-Refers-To, else the
    URI and date it refers to) and the profile, so the record can be followed."""
    head = ("WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
            "WARC-Refers-To: <urn:uuid:first>\r\nWARC-Refers-To-Target-URI: https://coded.test/first\r\n"
            "WARC-Refers-To-Date: 2024-01-01T00:00:00Z\r\n")
    rec = _response("again", "", b"", head).replace(b"WARC-Type: response", b"WARC-Type: revisit")
    bare = _response("bare", "", b"").replace(b"WARC-Type: response", b"WARC-Type: revisit")
    path = tmp_path / "revisit.warc"
    path.write_bytes(_response("first", "", PAGE) + rec + bare)
    out = rows(path, Counter())
    assert [(r["doc_id"], r["reject_reason"]) for r in out] == [
        ("<urn:uuid:first>", None), ("<urn:uuid:again>", "revisit_record"), ("<urn:uuid:bare>", "revisit_record")]
    assert "<urn:uuid:first>" in out[1]["reject_detail"] and "identical-payload-digest" in out[1]["reject_detail"]
    assert out[2]["reject_detail"].startswith("a revisit record points to an earlier capture")


def test_fields_named_in_another_case_are_read_and_counted(tmp_path) -> None:
    """A JSONL member or Parquet column `URL`, `Text`, `Id`, `Fetched_At` was not read: the record was published
    without its URL and fetch time, or was a `missing_id` / `empty_payload` reject, without a word. Such a name is
    the field when the file has none of the lower-case name and no second name of it in another case; counted in
    `tolerated.field_name_case` (per record in JSONL, per column in Parquet). The lower-case name wins."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "cased.jsonl"
    path.write_text("\n".join(json.dumps(obj) for obj in (
        {"ID": "j1", "URL": "https://cased.test/1", "Text": "The pier reopens in May.", "Fetched_At": "2024-01-02"},
        {"id": "j2", "url": "https://cased.test/2", "URL": "https://other.test/2", "text": "The ferry sails at six."},
        {"id": "j3", "Url": "https://cased.test/3", "URL": "https://other.test/3", "text": "Two names of one field."},
    )) + "\n")
    stats: Counter = Counter()
    out = rows(path, stats)
    assert [(r["doc_id"], r["url"], r["text"], r["reject_reason"]) for r in out] == [
        ("j1", "https://cased.test/1", "The pier reopens in May.", None),
        ("j2", "https://cased.test/2", "The ferry sails at six.", None),
        ("j3", None, "Two names of one field.", None)]
    assert out[0]["fetched_at"] is not None and stats["tolerated.field_name_case"] == 4
    table = tmp_path / "cased.parquet"
    pq.write_table(pa.table({"Id": ["p1", "p2"], "URL": ["https://cased.test/p1", "https://cased.test/p2"],
                             "HTML": [html_page("Cased", 1), html_page("Cased", 2)]}), table)
    stats = Counter()
    out = rows(table, stats)
    assert [(r["doc_id"], r["url"], r["html"] is not None, r["reject_reason"]) for r in out] == [
        ("p1", "https://cased.test/p1", True, None), ("p2", "https://cased.test/p2", True, None)]
    assert stats["tolerated.field_name_case"] == 3
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"id": "x", "url": "https://cased.test/x", "text": "Nothing to rename."}) + "\n")
    stats = Counter()
    rows(plain, stats)
    assert "tolerated.field_name_case" not in stats
