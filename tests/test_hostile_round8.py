"""Hostile input, round 8: a WARC whose records continue from one gzip member or zstd frame into the next (a
writer that cuts the stream into blocks of a size, as bgzip and pzstd do) is read, not rejected."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import zstandard
from test_hostile_builds import html_page, ingested, warc_response
from test_hostile_round4 import rows

from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.sources import warc
from dedup.sources.inputs import detect_format

RECORDS = [warc_response(f"<urn:uuid:s{n}>", f"https://spans.test/{n}", html_page(f"Spans {n}", n).encode())
           for n in range(6)]


def blocks(data: bytes, size: int) -> list[bytes]:
    return [data[at:at + size] for at in range(0, len(data), size)]


def test_records_cut_across_gzip_members_or_zstd_frames_are_read(tmp_path: Path) -> None:
    """Every record used to be a `record_spans_gzip_members` reject (the name said gzip for a zstd file too)
    although its bytes were complete; it is kept now, with a note, and counted as tolerated under a name that
    says which: `record_spans_gzip_members` / `record_spans_zstd_frames`."""
    plain = b"".join(RECORDS)
    (tmp_path / "plain.warc").write_bytes(plain)
    expected = [(r.headers["warc-record-id"], r.payload) for r in warc.iter_records(tmp_path / "plain.warc")]
    size = len(plain) // 5 + 7   # cuts fall inside records
    cctx = zstandard.ZstdCompressor(write_checksum=True)
    for name, data, unit in (("b.warc.gz", b"".join(gzip.compress(b) for b in blocks(plain, size)), "gzip_members"),
                             ("b.warc.zst", b"".join(cctx.compress(b) for b in blocks(plain, size)), "zstd_frames")):
        path = tmp_path / name
        path.write_bytes(data)
        recs = list(warc.iter_records(path))
        assert [(r.headers["warc-record-id"], r.payload) for r in recs] == expected
        assert all(r.error is None for r in recs)
        spanning = [r for r in recs if r.detail]
        assert spanning and all(r.detail.startswith(f"record_spans_{unit}: ") for r in spanning)
        stats: Counter = Counter()
        out = rows(path, stats)
        assert [r["reject_reason"] for r in out] == [None] * len(RECORDS)
        assert [r["doc_id"] for r in out] == [f"<urn:uuid:s{n}>" for n in range(6)]
        assert stats[f"tolerated.record_spans_{unit}"] == len(spanning)


def test_a_build_over_a_bgzip_like_warc_keeps_every_record_and_counts_the_spans(tmp_path: Path) -> None:
    plain = b"".join(RECORDS)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.warc.gz").write_bytes(b"".join(gzip.compress(b) for b in blocks(plain, 1000)))
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["accounting_ok"] is True
    assert run["rejects_by_reason"] == {}
    assert run["tolerated"]["record_spans_gzip_members"] >= 1


# ---------------------------------------------------------------- segmented records (WARC 1.1, 6.7)


def segmented(n: int, pieces: int, *, total: int | None = None, keep: set[int] | None = None,
              scale: int = 1) -> bytes:
    """Record n of the `warc_response` kind written as `pieces` segments (a first segment, then continuations)."""
    whole = warc_response(f"<urn:uuid:seg{n}>", f"https://seg.test/{n}",
                          html_page(f"Segmented {n}", n).encode() * scale)
    head, _, block = whole.partition(b"\r\n\r\n")
    block = block[:-4]
    size = -(-len(block) // pieces)
    out = []
    for i, at in enumerate(range(0, len(block), size), start=1):
        part = block[at:at + size]
        if i == 1:
            fields = head.split(b"\r\nContent-Length:")[0] + b"\r\nWARC-Segment-Number: 1"
        else:
            fields = (f"WARC/1.1\r\nWARC-Type: continuation\r\nWARC-Record-ID: <urn:uuid:seg{n}-{i}>\r\n"
                      f"WARC-Target-URI: https://seg.test/{n}\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n"
                      f"WARC-Segment-Origin-ID: <urn:uuid:seg{n}>\r\nWARC-Segment-Number: {i}").encode()
            if at + size >= len(block):
                fields += f"\r\nWARC-Segment-Total-Length: {total or len(block)}".encode()
        if keep is None or i in keep:
            out.append(fields + f"\r\nContent-Length: {len(part)}\r\n\r\n".encode() + part + b"\r\n\r\n")
    return b"".join(out)


def test_a_segmented_record_is_joined_and_read_as_the_whole_record(tmp_path: Path) -> None:
    """Its first segment used to be kept as a page cut short (counted as `http_body_short` at best: a chunked
    body was a `bad_chunked_encoding` reject) and each continuation was an `unsupported_record_type` reject."""
    plain = tmp_path / "whole.warc"
    plain.write_bytes(RECORDS[0] + warc_response("<urn:uuid:seg7>", "https://seg.test/7",
                                                 html_page("Segmented 7", 7).encode()) + RECORDS[1])
    expected = rows(plain)
    for name, data in (("seg.warc", RECORDS[0] + segmented(7, 3) + RECORDS[1]),
                       ("seg.warc.gz", b"".join(gzip.compress(r) for r in (RECORDS[0], segmented(7, 3), RECORDS[1])))):
        path = tmp_path / name
        path.write_bytes(data)
        stats: Counter = Counter()
        out = rows(path, stats)
        assert [(r["doc_id"], r["reject_reason"], r["html"]) for r in out] == [
            (r["doc_id"], r["reject_reason"], r["html"]) for r in expected]
        assert stats["records.continuation_joined"] == 2 and stats["skipped"] == 2
        assert not [k for k in stats if k.startswith("cut.")]


def test_segments_that_break_off_or_lie_are_rejects_that_say_so(tmp_path: Path) -> None:
    cases = {
        "missing": (RECORDS[0] + segmented(7, 3, keep={1, 2}) + RECORDS[1], "truncated_record", "segment 3 is not"),
        "cut": (RECORDS[0] + segmented(7, 3, keep={1, 2}), "truncated_record", "the file ends before segment 3"),
        "total": (RECORDS[0] + segmented(7, 3, total=5) + RECORDS[1], "content_length_mismatch",
                  "WARC-Segment-Total-Length 5"),
        "orphan": (RECORDS[0] + segmented(7, 3, keep={2, 3}) + RECORDS[1], "orphan_segment", "segment 2 of the record"),
    }
    for name, (data, reason, words) in cases.items():
        path = tmp_path / f"{name}.warc"
        path.write_bytes(data)
        out = rows(path)
        assert out[0]["doc_id"] == "<urn:uuid:s0>" and out[0]["reject_reason"] is None, name
        if name != "cut":
            assert out[-1]["doc_id"] == "<urn:uuid:s1>" and out[-1]["reject_reason"] is None, name
        bad = [r for r in out if r["reject_reason"]]
        assert bad and bad[0]["reject_reason"] == reason and words in bad[0]["reject_detail"], (name, bad)


def test_a_record_marked_as_a_first_segment_with_no_continuation_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "one.warc"
    path.write_bytes(RECORDS[0] + segmented(7, 1) + RECORDS[1])
    assert [r["reject_reason"] for r in rows(path)] == [None, None, None]


def test_an_http_head_of_megabytes_is_a_bad_http_header_not_a_page_without_body(tmp_path: Path) -> None:
    """A 3 MB header line: the head was read as all of the block, and the page was an `empty_payload` reject
    ("the record has no body") that sent one looking for the wrong fault."""
    body = html_page("Big head", 1).encode()
    http = (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 3_000_000 + b"\r\nContent-Type: text/html\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    head = (b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bighead>\r\nWARC-Target-URI: https://b.test/"
            b"\r\nContent-Type: application/http;msgtype=response\r\n"
            + f"Content-Length: {len(http)}\r\n\r\n".encode())
    path = tmp_path / "big.warc"
    path.write_bytes(RECORDS[0] + head + http + b"\r\n\r\n" + RECORDS[1])
    out = rows(path)
    assert [r["reject_reason"] for r in out] == [None, "bad_http_header", None]
    assert "no end of the HTTP header block" in out[1]["reject_detail"]


# ---------------------------------------------------------------- JSONL cut right after a whole object


def test_a_compressed_jsonl_cut_right_after_a_whole_object_keeps_that_record(tmp_path: Path) -> None:
    """Fuzz seed 131 (`stream.gz/truncated`): the gzip stream cut where its last whole line ends, before the LF.
    The line was taken into the `truncated_file` reject although all of its object was there. An object that
    is not whole (or is followed by part of another) stays in the reject."""
    lines = [json.dumps({"id": f"cut-{n}", "url": f"https://cut.test/{n}", "html": html_page("Cut", n)})
             for n in range(3)]
    plain = ("\n".join(lines) + "\n").encode()
    whole_two = len(lines[0]) + 1 + len(lines[1])   # up to the end of the second object, its LF not included
    cases = {"whole": (plain[:whole_two], ["cut-0", "cut-1"]),
             "half": (plain[:whole_two - 5], ["cut-0"]),
             "glued": (plain[:whole_two] + b'{"id": "x", "a": {}', ["cut-0"])}
    for name, (data, kept) in cases.items():
        for ext, packed in ((".gz", gzip.compress(data)[:-8]),    # the member's trailer cut: no end of stream
                            (".zst", zstandard.ZstdCompressor(write_checksum=True).compress(data)[:-4])):
            path = tmp_path / f"{name}.jsonl{ext}"
            path.write_bytes(packed)
            out = rows(path)
            assert [r["doc_id"] for r in out if r["reject_reason"] is None] == kept, (name, ext)
            assert [r["reject_reason"] for r in out if r["reject_reason"]] == ["truncated_file"], (name, ext)


# ---------------------------------------------------------------- UTF-16 / UTF-32 pages without a byte order mark


def test_utf16_and_utf32_pages_without_a_byte_order_mark_are_read_as_text_not_published_as_markup(
        tmp_path: Path) -> None:
    """Without a mark or with a wrong single-byte charset, detection took them for a single-byte charset: the
    NULs went and the page's own markup was published as its text ('<html><head><title>...')."""
    page = html_page("Wide café", 1)
    records = [RECORDS[0]]
    for n, (encoding, declared) in enumerate([("utf-16-le", ""), ("utf-16-be", ""), ("utf-32-le", ""),
                                              ("utf-32-be", ""), ("utf-16-le", "; charset=iso-8859-1")]):
        records.append(warc_response(f"<urn:uuid:wide{n}>", f"https://wide.test/{n}", ("\n" + page).encode(encoding),
                                     "text/html" + declared))
    path = tmp_path / "wide.warc"
    path.write_bytes(b"".join(records))
    out = ingested(path, detect_format(path), tmp_path)
    expected = out[0]["text"].replace("Spans 0", "Wide café").replace("number 0", "number 1")
    assert [r["reject_reason"] for r in out] == [None] * 6
    for row in out[1:]:
        assert "<html>" not in row["text"] and row["text"] == expected, row["doc_id"]


def test_segments_past_max_payload_are_one_reject_and_are_not_kept(tmp_path: Path) -> None:
    from dedup.sources.read import read_warc
    from dedup.sources.segments import join_segments

    path = tmp_path / "long.warc"
    path.write_bytes(RECORDS[0] + segmented(7, 6, scale=3) + RECORDS[1])
    limit = len(RECORDS[0]) + 10   # the whole records fit, the six segments together do not
    recs = list(join_segments(warc.iter_records(path, max_payload=limit), limit))
    assert [r.error for r in recs if r.record_type != "continuation"] == [None, "payload_too_large", None]
    assert all(r.payload == b"" for r in recs if r.record_type == "continuation")
    stats: Counter = Counter()
    out = [r for b in read_warc(path, "long.warc", stats, max_payload=limit) for r in b.to_pylist()]
    assert [r["reject_reason"] for r in out] == [None, "payload_too_large", None]
    assert stats["records.continuation_joined"] == 5


def test_interim_http_responses_before_the_final_one_are_read_past(tmp_path: Path) -> None:
    """`HTTP/1.1 100 Continue` or `103 Early Hints` stored before the `200 OK`: the page was an `http_status`
    reject ("HTTP status 100"). A 1xx alone, or 101 Switching Protocols, is still what it says."""
    page = html_page("Interim", 3).encode()

    def response(rid: str, http: bytes) -> bytes:
        return (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\nWARC-Target-URI: "
                f"https://interim.test/{rid}\r\nContent-Type: application/http;msgtype=response\r\n"
                f"Content-Length: {len(http)}\r\n\r\n").encode() + http + b"\r\n\r\n"

    final = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    path = tmp_path / "interim.warc"
    path.write_bytes(response("c100", b"HTTP/1.1 100 Continue\r\n\r\n" + final)
                     + response("c103", b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                                b"HTTP/1.1 100 Continue\r\n\r\n" + final)
                     + response("alone", b"HTTP/1.1 100 Continue\r\n\r\n")
                     + response("c101", b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n" + final))
    out = rows(path)
    assert [(r["reject_reason"], r["reject_detail"]) for r in out] == [
        (None, None), (None, None), ("http_status", "HTTP status 100"), ("http_status", "HTTP status 101")]
    assert out[0]["html"] == out[1]["html"] == page


def test_continuations_are_given_back_as_they_come_not_held_until_the_last(tmp_path: Path) -> None:
    """A record of 400 small segments must not hold 400 records (a file of a million tiny continuations
    would have held them all): each continuation comes out as soon as it is joined."""
    from dedup.sources.segments import JOINED, join_segments

    path = tmp_path / "many.warc"
    path.write_bytes(RECORDS[0] + segmented(7, 400) + RECORDS[1])
    pulled = []

    def source():
        for rec in warc.iter_records(path):
            pulled.append(rec.record_type)
            yield rec

    out = []
    for rec in join_segments(source(), 1 << 20):
        out.append(rec.record_type)
        if rec.detail == JOINED:
            assert pulled.count("continuation") == out.count("continuation"), "a continuation was held back"
    assert out.count("continuation") == len([n for n in pulled if n == "continuation"]) > 300
    assert [r["reject_reason"] for r in rows(path)] == [None, None, None]


def _conversion(record_id: str, url: str, body: bytes) -> bytes:
    head = (f"WARC/1.1\r\nWARC-Type: conversion\r\nWARC-Record-ID: {record_id}\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Date: 2024-01-02T03:04:05Z\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body + b"\r\n\r\n"


def test_utf16_and_utf32_text_records_without_a_byte_order_mark_are_read_as_text(tmp_path: Path) -> None:
    """A text/plain record (WARC, WET, a JSONL or Parquet `text`) in UTF-16 or UTF-32 without a byte order mark
    was read as UTF-8 and published with a NUL between its letters; it is read as what it is now (the same
    detector as pages: `unmarked_wide`). Real UTF-8 with a few NULs and binary data stay as they were."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    text = ("The harbour board met on Tuesday and agreed to repair the north pier before the winter storms.\n\n"
            "Café owners on the quay asked for a decision before the summer season starts. ") * 3
    records = [warc_response("<urn:uuid:t0>", "https://t.test/0", text.encode(), "text/plain")]
    for n, (encoding, declared) in enumerate([("utf-16-le", ""), ("utf-16-be", "; charset=utf-8"), ("utf-32-le", ""),
                                              ("utf-32-be", "; charset=iso-8859-1")], 1):
        records.append(warc_response(f"<urn:uuid:t{n}>", f"https://t.test/{n}", text.encode(encoding),
                                     "text/plain" + declared))
    records.append(_conversion("<urn:uuid:t5>", "https://t.test/5", text.encode("utf-16-le")))
    nuls = text.encode().replace(b"pier", b"p\0ier").replace(b"quay", b"qu\0\0ay")  # real UTF-8, a few NULs
    records.append(warc_response("<urn:uuid:t6>", "https://t.test/6", nuls, "text/plain"))
    # binary in 2-byte units that hold NULs (16-bit samples): still no text
    samples = bytes(b for n in range(600) for b in ((n * 37 + 11) % 128, 0))
    records.append(warc_response("<urn:uuid:t7>", "https://t.test/7", samples, "text/plain"))
    (tmp_path / "t.warc").write_bytes(b"".join(records))
    (tmp_path / "t.jsonl").write_text(json.dumps({"id": "j", "url": "https://t.test/j",
                                                  "text": text.encode("utf-16-le").decode("latin-1")}) + "\n")
    pq.write_table(pa.table({"id": ["p"], "url": ["https://t.test/p"],
                             "text": pa.array([text.encode("utf-16-le")], pa.binary())}), tmp_path / "t.parquet")
    out = [r for name in ("t.warc", "t.jsonl", "t.parquet")
           for r in ingested(tmp_path / name, detect_format(tmp_path / name), tmp_path)]
    assert [r["reject_reason"] for r in out] == [None] * 7 + ["non_html_payload", None, None]
    expected = out[0]["blocks"]
    assert expected and "Café owners" in expected[1]
    for row in out[1:6] + out[8:]:
        assert row["blocks"] == expected, row["doc_id"]
    # UTF-8, read as before, its NULs removed since round 13 (`normalise.without_controls`; they were kept)
    assert "\0" not in out[6]["text"] and out[6]["blocks"] == expected
    assert out[7]["reject_detail"].startswith("the payload is binary data")


def test_the_html_size_limit_is_a_setting_that_the_reject_names(tmp_path: Path) -> None:
    """`html_too_large` said the page was over 8 MiB with no way to extract it: the limit is `max_html_bytes`
    now (default 8 MiB, unchanged), and the reject names it."""
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    pages = [html_page(f"Large {n}", n, "<!-- " + "padding " * 250 + "-->").encode() for n in range(3)]
    (crawl / "a.warc").write_bytes(b"".join(warc_response(f"<urn:uuid:large{n}>", f"https://large.test/{n}", page)
                                            for n, page in enumerate(pages)))
    size = len(pages[0])
    for limit, out in ((None, "default"), (size - 1, "small")):
        config = BuildConfig() if limit is None else BuildConfig(max_html_bytes=limit)
        build([str(crawl)], tmp_path / out, config, workers=1)
        run = json.loads((tmp_path / out / "run.json").read_text())
        assert run["counts"]["accounting_ok"] is True
        assert run["rejects_by_reason"] == ({} if limit is None else {"html_too_large": 3})
        assert ("max_html_bytes" in run["config"]) is (limit is not None)
    detail = pq.read_table(tmp_path / "small" / "rejects").to_pylist()[0]["detail"]
    assert detail.startswith(f"HTML of {size} bytes: extraction reads at most max_html_bytes = {size - 1}")
    assert "raise max_html_bytes" in detail
