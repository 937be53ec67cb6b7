"""Review round 27: reader defects found on the first wave's merge (int28). A record lost from a gzip member of
several records; cubic time on bad bytes in a JSONL id; JSONL pages under the caps rejected at read time; the rules
of a long line's first members differing from a whole line's. Short fixtures built here."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
import zstandard

import dedup.sources.jsonl as jsonl
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input, read_jsonl
from tests.test_hostile_round20 import _record


def _warc_rows(path: Path) -> list[tuple[str, str | None]]:
    return [(r["doc_id"], r["reject_reason"]) for f in expand_inputs([str(path)], [])
            for b in read_input(f, Counter()) for r in b.to_pylist()]


def _jsonl_rows(path: Path, caps: tuple[int, int] | None = (1024, 1024)) -> list[dict]:
    return [r for b in read_jsonl(path, path.name, Counter(), page_caps=caps) for r in b.to_pylist()]


# ---------------------------------------------------------------- a member of several records, the first too long

@pytest.mark.parametrize("codec", ["gzip", "zstd"])
def test_the_records_after_a_long_one_in_a_member_of_several_are_not_lost(tmp_path, codec):
    # int28 ended record 1 at its member's end (the one-record-a-member rule of hostile round 20): record 2, in the
    # same member after it, had no row and no reject (a fuzz of such files lost records in 2-4 % of them)
    pack = (lambda b: gzip.compress(b, mtime=0)) if codec == "gzip" else zstandard.ZstdCompressor().compress
    path = tmp_path / ("x.warc.gz" if codec == "gzip" else "x.warc.zst")
    path.write_bytes(pack(_record(1, 1000) + _record(2)) + pack(_record(3)) + pack(_record(4)))
    rows = _warc_rows(path)
    assert [doc for doc, _ in rows] == [f"<urn:uuid:rec-{n}>" for n in range(1, 5)], rows
    assert rows[0][1] == "content_length_mismatch" and all(reason is None for _, reason in rows[1:]), rows


# ---------------------------------------------------------------- bad bytes and escapes in a JSONL id or URL

def test_bytes_and_escapes_in_an_id_are_matched_in_bounded_work(tmp_path, monkeypatch):
    # int28 tried every end of every run of bytes, each decoded whole: 2,000 times `\xff\udc80` in an id took 42 s
    calls: Counter = Counter()
    real = jsonl._decoded

    def counted(given: str, start: int, end: int) -> str:
        calls["calls"] += 1
        calls["chars"] += end - start
        return real(given, start, end)

    monkeypatch.setattr(jsonl, "_decoded", counted)
    n = 2000
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": "a' + b'\xff\\udc80' * n + b'", "url": "http://a.test/' + b'\xff\\udc80' * n
                     + b'", "text": "hello"}\n')
    (row,) = _jsonl_rows(path, None)
    assert row["doc_id"] == "a" + "\\xff\\x80" * n   # the byte as given, the escape a byte's lone surrogate
    assert row["url"] == "http://a.test/" + "%FF\ufffd" * n   # a URL's escaped half surrogate is U+FFFD
    assert calls["calls"] < 20 * 2 * n and calls["chars"] < 100 * 2 * n, calls   # quadratic: millions


def test_an_escape_after_a_cut_sequence_is_no_byte_of_it():
    # `\xe2\x82` then the escape `\udc80` then the byte `\x80`: int28 took `\xe2\x82` + escape for one U+FFFD (it
    # counted U+FFFD, and the three decode to one `€`) and, by a second luck, gave the escape's place to the byte
    read = json.loads(b'"\xe2\x82\\udc80\x80x"'.decode("utf-8", "replace"))
    given = json.loads(b'"\xe2\x82\\udc80\x80x"'.decode("utf-8", "surrogateescape"))
    assert jsonl._bytes_as_given(read, given, True) == "\udce2\udc82\ufffd\udc80x"


# ---------------------------------------------------------------- JSONL pages under the caps are read

def test_a_page_under_the_cap_in_escaped_json_is_read(tmp_path):
    # ensure_ascii JSON writes Cyrillic 3 times its UTF-8 bytes: int28 skipped the line of a page under
    # max_html_bytes as longer than twice the cap plus 1 MiB (`html_too_large` at read time; a 7.0 MB page, cap 8 MiB)
    cap = 3 << 19   # 1.5 MiB
    html = "<p>" + "Привет" * (int(cap * 0.95) // len("Привет".encode())) + "</p>"
    assert len(html.encode()) < cap and len(json.dumps(html)) > 2 * cap + (1 << 20)
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "ru", "url": "https://a.test/ru", "html": html}) + "\n")
    (row,) = _jsonl_rows(path, (cap, cap))
    assert (row["doc_id"], row["reject_reason"], row["html"]) == ("ru", None, html.encode())


def test_a_big_field_beside_a_small_page_does_not_reject_it(tmp_path):
    # an 1.2 MB base64 `screenshot` beside a 1.5 KB page: int28 skipped the line as `text_too_large`
    path = tmp_path / "a.jsonl"
    page = "<p>" + "The harbour board met. " * 60 + "</p>"
    path.write_text(json.dumps({"id": "shot", "url": "https://a.test/1", "html": page, "screenshot": "QUJD" * 300_000})
                    + "\n")
    (row,) = _jsonl_rows(path)
    assert (row["doc_id"], row["reject_reason"], row["html"]) == ("shot", None, page.encode())


def test_a_small_record_before_a_huge_one_on_a_line_is_read_at_its_offset(tmp_path):
    # `{small}{huge}`: int28 skipped the line as one `text_too_large` record under the small one's id, and the
    # records of later lines moved up one offset
    small = {"id": "small", "url": "https://a.test/s", "html": "<p>" + "The harbour board met. " * 20 + "</p>"}
    huge = {"id": "huge", "url": "https://a.test/h", "text": "x" * 1_200_000}
    after = {"id": "after", "url": "https://a.test/a", "html": "<p>after</p>"}
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(small) + json.dumps(huge) + "\n" + json.dumps(after) + "\n")
    rows = _jsonl_rows(path)
    assert [(r["source_offset"], r["doc_id"], r["reject_reason"]) for r in rows] == [
        (0, "small", None), (1, "huge", None), (2, "after", None)]


def test_a_page_too_long_for_its_cap_even_escaped_is_still_skipped_unread(tmp_path, monkeypatch):
    decoded: list[int] = []
    real = jsonl._safe_decode
    monkeypatch.setattr(jsonl, "_safe_decode", lambda data, *a: decoded.append(len(data)) or real(data, *a))
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "big", "url": "https://a.test/b", "html": "y" * 1_200_000}) + "\n")
    (row,) = _jsonl_rows(path)
    assert (row["doc_id"], row["reject_reason"]) == ("big", "html_too_large") and not decoded
    assert "six times max_html_bytes = 1024" in row["reject_detail"], row["reject_detail"]


# ---------------------------------------------------------------- a long line's first members, read as a line's

@pytest.mark.parametrize("size", [10, 1_200_000])   # read whole; skipped unread, its members read from its head
def test_a_long_lines_members_follow_a_whole_lines_rules(tmp_path, size):
    # int28's head reader dropped an id given twice with a null copy (a whole line takes the non-null one) and kept
    # a URL's escaped half surrogate as the byte %80 (a whole line makes it U+FFFD: review round 26)
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "a", "id": null, "url": "http://a.test/\\udc80", "text": "' + "x" * size + '"}\n')
    (row,) = _jsonl_rows(path)
    assert (row["doc_id"], row["url"]) == ("a", "http://a.test/\ufffd"), row["reject_detail"]
    assert row["reject_reason"] == (None if size == 10 else "text_too_large")
