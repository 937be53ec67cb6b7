"""Readers: JSONL / Parquet / WARC into the `raw` schema; bad records become reject rows."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from dedup.errors import InputError
from dedup.sources.inputs import expand_inputs
from dedup.sources.fetchtime import parse_timestamp
from dedup.sources.read import read_input, read_jsonl, read_parquet, read_warc
from dedup.schema import schema


def rows(batches) -> list[dict]:
    out = []
    for b in batches:
        assert b.schema.equals(schema("raw"), check_metadata=False)
        out.extend(b.to_pylist())
    return out


def write_jsonl(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data, mtime=0))
    elif path.name.endswith(".zst"):
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        path.write_bytes(data)
    return path


GOOD = [
    json.dumps({"id": "a", "url": "https://x.example/a", "html": "<p>hello</p>", "fetched_at": "2024-01-02T03:04:05Z"}),
    json.dumps({"id": 7, "url": "https://x.example/b", "text": "plain text body"}),
]


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz", "in.jsonl.zst"])
def test_jsonl_good_and_bad_lines(tmp_path, name):
    lines = GOOD + ["{not json", json.dumps({"id": None, "url": "https://x.example/noid", "html": "<p>x</p>"}),
                    "", json.dumps({"id": "empty", "html": "   "}), json.dumps(["a list"])]
    got = rows(read_jsonl(write_jsonl(tmp_path / name, lines), name))
    by_reason = Counter(r["reject_reason"] for r in got)
    # a null id is missing (without the field, an id is derived: tests/test_dataset_layouts.py)
    assert by_reason == {None: 2, "bad_json": 2, "missing_id": 1, "empty_payload": 1}
    a = next(r for r in got if r["doc_id"] == "a")
    assert a["html"] == b"<p>hello</p>" and a["fetched_at"].isoformat() == "2024-01-02T03:04:05+00:00"
    assert next(r for r in got if r["doc_id"] == "7")["text"] == "plain text body"
    positional = [r["doc_id"] for r in got if r["reject_reason"] in ("bad_json", "missing_id")]
    assert all(d.startswith("nodocid:") for d in positional) and len(set(positional)) == 3
    assert [r["source_offset"] for r in got] == [0, 1, 2, 3, 5, 6]


def test_jsonl_truncated_gzip_keeps_complete_lines_and_rejects_the_rest(tmp_path):
    lines = [json.dumps({"id": f"d{i}", "html": f"<p>doc {i} " + "word " * 50 + "</p>"}) for i in range(200)]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    got = rows(read_jsonl(path, path.name))
    good = [r for r in got if r["reject_reason"] is None]
    assert 0 < len(good) < 200
    assert [r["doc_id"] for r in good] == [f"d{i}" for i in range(len(good))]
    assert got[-1]["reject_reason"] == "truncated_file"


def test_jsonl_lone_surrogates_and_broken_utf8_do_not_crash(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"id": "s1", "text": "bad \\ud800 surrogate"}\n{"id": "s2", "html": "<p>caf\xff</p>"}\n')
    got = rows(read_jsonl(path, path.name))
    assert got[0]["text"] == "bad \ufffd surrogate"
    assert got[1]["reject_reason"] is None and got[1]["html"] == "<p>caf\ufffd</p>".encode()


def test_parquet_input(tmp_path):
    table = pa.table({"id": ["p1", None, "p3"], "url": ["u1", "u2", "u3"],
                      "html": ["<p>one</p>", "<p>two</p>", None], "text": [None, None, "three"]})
    pq.write_table(table, tmp_path / "in.parquet")
    got = rows(read_parquet(tmp_path / "in.parquet", "in.parquet"))
    assert [r["doc_id"][:8] for r in got] == ["p1", "nodocid:", "p3"]
    assert got[1]["reject_reason"] == "missing_id"
    assert got[2]["text"] == "three"


def test_parquet_without_id_column_derives_each_row_s_id(tmp_path):
    # every row was a `missing_id` reject (C4's files: an empty dataset); ids are derived from the rows' data
    pq.write_table(pa.table({"url": ["u", "v"]}), tmp_path / "bad.parquet")
    got = rows(read_parquet(tmp_path / "bad.parquet", "bad.parquet"))
    assert [r["reject_reason"] for r in got] == ["empty_payload", "empty_payload"]
    assert all(r["doc_id"].startswith("urn:dedup:sha1:") for r in got) and got[0]["doc_id"] != got[1]["doc_id"]


def test_expand_inputs_dirs_globs_and_errors(tmp_path):
    (tmp_path / "sub").mkdir()
    write_jsonl(tmp_path / "b.jsonl", GOOD)
    write_jsonl(tmp_path / "sub" / "a.jsonl.gz", GOOD)
    (tmp_path / "README.md").write_text("not a crawl")
    found = expand_inputs([str(tmp_path)])
    assert [f.name for f in found] == ["b.jsonl", "sub/a.jsonl.gz"]
    assert [f.name for f in expand_inputs([str(tmp_path / "*.jsonl")])] == ["b.jsonl"]
    with pytest.raises(InputError, match="not found"):
        expand_inputs([str(tmp_path / "missing.warc.gz")])
    with pytest.raises(InputError, match="not a WARC"):
        expand_inputs([str(tmp_path / "README.md")])


def test_parse_timestamp():
    assert parse_timestamp("20240102030405").isoformat() == "2024-01-02T03:04:05+00:00"
    assert parse_timestamp("2024-01-02T03:04:05.123Z").microsecond == 123000
    assert parse_timestamp("garbage") is None and parse_timestamp("") is None


def test_every_warc_sample_reads_without_raising(warc_samples):
    files = [p for p in sorted(warc_samples.rglob("*")) if p.is_file()
             and not p.name.endswith((".md", ".json", ".txt"))]
    assert len(files) >= 20
    total = Counter()
    for path in files:
        stats: Counter = Counter()
        got = rows(read_warc(path, path.name, stats))
        total.update(r["reject_reason"] or "ok" for r in got)
        for r in got:
            assert r["doc_id"] and r["source_file"] == path.name
            if r["reject_reason"] is None:
                assert r["html"] is not None or r["text"] is not None
    assert total["ok"] >= 30
    assert sum(v for k, v in total.items() if k != "ok") >= 5  # the broken files give rejects


def test_wet_and_warc_of_the_same_page_agree(warc_samples):
    warc_rows = rows(read_warc(warc_samples / "whirlwind" / "whirlwind.warc.gz", "w.warc.gz"))
    wet_rows = rows(read_warc(warc_samples / "whirlwind" / "whirlwind.warc.wet.gz", "w.wet.gz"))
    page = [r for r in warc_rows if r["html"]]
    text = [r for r in wet_rows if r["text"]]
    assert len(page) == 1 and len(text) == 1
    assert page[0]["url"] == text[0]["url"]


def test_arc_pages_of_one_site(warc_samples):
    stats: Counter = Counter()
    got = rows(read_input(expand_inputs([str(warc_samples / "copycat")])[0], stats))
    pages = [r for r in got if r["reject_reason"] is None]
    assert len(pages) == 8
    assert all(r["doc_id"].startswith("urn:arc:") for r in pages)
    assert len({r["doc_id"] for r in pages}) == 8
