"""Hostile inputs, round 23 (review round 28's left finding): a repeated WARC-Record-ID's reject says whether the
copy is a different page under the same id (a broken WARC writer) or the same record given twice."""

from __future__ import annotations

from pathlib import Path

from dedup.ingest import ingest_file, key_table
from dedup.sources.inputs import expand_inputs

_PAGE = "<html><body><p>" + "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3


def _response(record_id: str, name: str, text: str) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + f"{_PAGE}{text}</p></body></html>".encode()
    fields = {"WARC-Type": "response", "WARC-Record-ID": record_id, "WARC-Target-URI": f"https://a.test/{name}",
              "WARC-Date": "2024-01-01T00:00:00Z", "Content-Type": "application/http; msgtype=response",
              "Content-Length": str(len(http))}
    return ("WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n").encode() + http + b"\r\n\r\n"


def _details(tmp_path: Path, files: dict[str, bytes]) -> dict[tuple[str, int], tuple[str | None, str | None]]:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for name, data in files.items():
        (crawl / name).write_bytes(data)
    parts = []
    for i, inp in enumerate(expand_inputs([str(crawl)], [])):
        parts.append(tmp_path / f"docs-{i}.parquet")
        ingest_file(inp, parts[-1], 10 << 20)
    keys = key_table(parts)
    return {(r["source_file"], r["source_offset"]): (r["reject_reason"], r["reject_detail"])
            for r in keys.iter_rows(named=True)}


def test_a_repeated_record_id_says_whether_the_copy_is_another_page_or_the_same_record(tmp_path: Path) -> None:
    # before (int29): each detail was only "doc_id <urn:uuid:1> is kept by the record at a.warc@0": a broken WARC
    # writer's second page under the id read as the same record given twice
    first = _response("<urn:uuid:1>", "p1", "Pier one.")
    other_page = _response("<urn:uuid:1>", "p2", "A story about the lighthouse.")
    refetched = _response("<urn:uuid:1>", "p1", "Pier one, corrected.")
    again = _response("<urn:uuid:2>", "p3", "Pier three.")
    rows = _details(tmp_path, {"a.warc": first + other_page + refetched, "b.warc": again, "c.warc": again})
    kept = [k for k, (reason, _) in rows.items() if reason is None]
    assert sorted(kept) == [("a.warc", 0), ("b.warc", 0)]
    repeats = {k: detail for k, (reason, detail) in rows.items() if reason == "repeated_doc_id"}
    assert len(repeats) == 3
    different = repeats["a.warc", len(first)]
    assert "kept by the record at a.warc@0" in different
    assert "a different page (url https://a.test/p2) under the same id" in different
    assert "the writer repeated the id" in different
    changed = repeats["a.warc", len(first) + len(other_page)]
    assert "the same url with a different text under the same id" in changed
    twice = repeats["c.warc", 0]
    assert "kept by the record at b.warc@0" in twice and "the same page given twice" in twice
    assert "different" not in twice
