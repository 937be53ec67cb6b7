"""Hostile inputs, round 15 (docs/architecture.md, "Round 15"): a record over `max_payload_bytes` says which setting
bounds it and how to raise it, in every format; a crawl file that changes while a build reads it (a crawler still
appending, a copy cut short) is a `file_changed` reject, never a read that passes for the whole file. Short fixtures
built here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dedup.ingest
from dedup.ingest import ingest_file
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input

_PAGE = "<html><body><p>" + "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3
_LIMIT = 10_000   # max_payload of these tests: a page of 15,000 bytes is over it
_ADVICE = "raise max_payload_bytes in the build's TOML config"


def _response(name: str, body: bytes) -> bytes:
    """A WARC response record of an HTML `body`, its id `<urn:uuid:NAME>`, its URL https://a.test/NAME."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    fields = {"WARC-Type": "response", "WARC-Record-ID": f"<urn:uuid:{name}>",
              "WARC-Target-URI": f"https://a.test/{name}", "WARC-Date": "2024-01-01T00:00:00Z",
              "Content-Type": "application/http; msgtype=response", "Content-Length": str(len(http))}
    return ("WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n").encode() + http + b"\r\n\r\n"


def test_a_record_over_max_payload_names_the_setting_and_how_to_raise_it(tmp_path):
    # main said `Content-Length 15057 > max_payload 10000` (no setting of that name) or named max_payload_bytes
    # without a word of how to read the record: a user whose crawl holds long pages had no way through
    big = _PAGE + "x" * 15_000
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.warc").write_bytes(_response("small", _PAGE.encode()) + _response("big", big.encode()))
    (folder / "b.jsonl").write_text(json.dumps({"id": "j-big", "url": "https://a.test/j", "html": big}) + "\n"
                                    + json.dumps({"id": "j-line", "text": "y" * 25_000}) + "\n")   # over 2 x limit
    pq.write_table(pa.table({"id": ["p-big"], "url": ["https://a.test/p"], "html": [big]}), folder / "c.parquet")
    rows = {r["doc_id"]: r for f in expand_inputs([str(folder)], []) for b in read_input(f, Counter(), _LIMIT)
            for r in b.to_pylist()}
    refused = {k: r["reject_detail"] for k, r in rows.items() if r["reject_reason"] == "payload_too_large"}
    assert len(refused) == 4, refused
    assert rows["<urn:uuid:small>"]["reject_reason"] is None
    for detail in refused.values():
        assert f"max_payload_bytes {_LIMIT}" in detail or f"max_payload_bytes ({_LIMIT}" in detail, detail
        assert _ADVICE in detail, detail


def _one_file(tmp_path: Path, records: int) -> tuple[Path, list[bytes]]:
    folder = tmp_path / "crawl"
    folder.mkdir()
    recs = [_response(f"r{i}", f"{_PAGE}story {i}</p></body></html>".encode()) for i in range(records)]
    (folder / "a.warc").write_bytes(b"".join(recs))
    return folder, recs


def _ingest_while(folder: Path, tmp_path: Path, monkeypatch, before=None, after=None) -> list[dict]:
    """The docs rows `ingest_file` makes of the folder's one file when `before()` runs once the file's reading has
    begun (its first bytes not read yet) and `after()` once the reader is through it: what a crawler or a copy
    writing the file at the same time does, in a fixed order."""
    real = dedup.ingest.read_input

    def read_while_changed(inp, stats, max_payload, **kw):
        if before is not None:
            before()
        yield from real(inp, stats, max_payload=max_payload, **kw)
        if after is not None:
            after()

    monkeypatch.setattr(dedup.ingest, "read_input", read_while_changed)
    (inp,) = expand_inputs([str(folder)], [])
    ingest_file(inp, tmp_path / "docs.parquet", 10 << 20)
    return pq.read_table(tmp_path / "docs.parquet").to_pylist()


@pytest.mark.parametrize("change", ["cut", "appended"])
def test_a_file_that_changes_while_it_is_read_is_a_reject_not_a_whole_file(tmp_path, monkeypatch, change):
    # main: a file cut at a record's end (a copy that stopped, a crawler rewriting it) read as a whole file of fewer
    # records, and one appended to gave the records that were there when the reader reached the end; either without
    # a word, and run.json's input size was the file's size before
    folder, recs = _one_file(tmp_path, 3)
    path = folder / "a.warc"
    if change == "cut":
        rows = _ingest_while(folder, tmp_path, monkeypatch, before=lambda: path.write_bytes(recs[0]))
        assert [r["doc_id"] for r in rows if r["reject_reason"] is None] == ["<urn:uuid:r0>"]
    else:
        extra = _response("r3", f"{_PAGE}story 3</p></body></html>".encode())
        rows = _ingest_while(folder, tmp_path, monkeypatch, after=lambda: path.write_bytes(b"".join(recs) + extra))
        assert [r["doc_id"] for r in rows if r["reject_reason"] is None] == ["<urn:uuid:r0>", "<urn:uuid:r1>",
                                                                             "<urn:uuid:r2>"]
    (changed,) = [r for r in rows if r["reject_reason"] is not None]
    assert changed["reject_reason"] == "file_changed"
    size = len(b"".join(recs))
    assert f"it was {size} bytes when its reading began and is" in changed["reject_detail"]
    assert "build again once the file is complete" in changed["reject_detail"]
    offsets = [r["source_offset"] for r in rows]
    assert len(set(offsets)) == len(offsets) and changed["source_offset"] == max(offsets)


def test_a_file_left_alone_while_it_is_read_has_no_such_reject(tmp_path, monkeypatch):
    folder, _ = _one_file(tmp_path, 2)
    rows = _ingest_while(folder, tmp_path, monkeypatch)
    assert [r["reject_reason"] for r in rows] == [None, None]


def test_a_warc_record_id_of_brackets_alone_is_derived_as_a_missing_one(tmp_path):
    # main took `<>` (a writer that lost its UUIDs) as the id of every such record: each but the first became a
    # `repeated_doc_id` reject at the keys stage, though they are different pages; an empty id was derived already
    folder = tmp_path / "crawl"
    folder.mkdir()
    recs = [_response(f"r{i}", f"{_PAGE}story {i}</p></body></html>".encode()) for i in range(3)]
    given = ["<>", "< >", "<urn:uuid:r2>"]
    (folder / "a.warc").write_bytes(b"".join(r.replace(b"<urn:uuid:r%d>" % i, g.encode())
                                             for i, (r, g) in enumerate(zip(recs, given))))
    stats: Counter = Counter()
    rows = [r for f in expand_inputs([str(folder)], []) for b in read_input(f, stats) for r in b.to_pylist()]
    assert [r["reject_reason"] for r in rows] == [None, None, None]
    ids = [r["doc_id"] for r in rows]
    assert ids[0].startswith("urn:arc:") and ids[1].startswith("urn:arc:") and ids[0] != ids[1]
    assert ids[2] == "<urn:uuid:r2>"
    assert [r["warc_record_id"] for r in rows] == given   # the field as the file gives it
    assert stats["tolerated.warc_record_id_missing"] == 2
