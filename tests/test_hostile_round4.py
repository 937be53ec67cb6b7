"""Hostile input, round 4: records that do not map one line to one record (CR-only line ends, objects
written one after another, pretty-printed objects), credentials in URLs, Parquet dates stored as
integers or dates, lenient HTTP heads, truncated payloads."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from dedup.sources.read import InputFile, detect_format, read_input


def rows(path: Path, stats: Counter | None = None) -> list[dict]:
    inp = InputFile(path, path.name, detect_format(path))
    out = [r for b in read_input(inp, stats if stats is not None else Counter()) for r in b.to_pylist()]
    offsets = [r["source_offset"] for r in out]
    assert len(set(offsets)) == len(offsets), f"repeated source_offset in {offsets}"
    return out


def rec(n: int) -> dict:
    return {"id": f"doc-{n}", "url": f"http://site.test/{n}", "html": f"<p>page {n}</p>"}


def line(n: int) -> str:
    return json.dumps(rec(n))


# ---------------------------------------------------------------- 1. JSONL records and lines


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"])
def test_jsonl_line_ends_cr_crlf_lf_give_one_row_per_record(tmp_path: Path, end: str) -> None:
    path = tmp_path / "ends.jsonl"
    path.write_bytes((end.join(line(n) for n in range(4)) + end).encode())
    out = rows(path)
    assert [r["doc_id"] for r in out] == [f"doc-{n}" for n in range(4)]
    assert [r["source_offset"] for r in out] == [0, 1, 2, 3]
    assert all(r["reject_reason"] is None for r in out)


def test_jsonl_cr_line_ends_across_compressed_chunks(tmp_path: Path) -> None:
    import gzip
    # large records, so that CRs fall at the ends of decompressed chunks, and a blank CR line counted
    lines = [json.dumps(rec(n) | {"text": "x" * (70_000 + n)}) for n in range(6)]
    path = tmp_path / "ends.jsonl.gz"
    path.write_bytes(gzip.compress(("\r".join(lines[:3]) + "\r\r" + "\r\n".join(lines[3:])).encode()))
    out = rows(path)
    assert [r["doc_id"] for r in out] == [f"doc-{n}" for n in range(6)]
    assert [r["source_offset"] for r in out] == [0, 1, 2, 4, 5, 6]


def test_jsonl_objects_one_after_another_are_one_row_each(tmp_path: Path) -> None:
    path = tmp_path / "glued.jsonl"
    path.write_text(line(0) + "\n" + line(1) + line(2) + " " + line(3) + "\n" + line(4) + "\n"
                    + line(5) + '{"id": "doc-6", "html": ' + "\n")
    out = rows(path)
    assert [r["doc_id"] for r in out if r["reject_reason"] is None] == [f"doc-{n}" for n in range(6)]
    # line 1 holds three records: the file reads as if each stood on its own line
    assert [r["source_offset"] for r in out] == [0, 1, 2, 3, 4, 5, 6]
    bad = [r for r in out if r["reject_reason"]]
    assert [r["reject_reason"] for r in bad] == ["bad_json"] and "line 4, value 2" in bad[0]["reject_detail"]


def test_jsonl_pretty_printed_objects_are_one_record_each(tmp_path: Path) -> None:
    path = tmp_path / "pretty.jsonl"
    pretty = [json.dumps(rec(n) | {"meta": {"tags": ["a", "{", "]"]}}, indent=2) for n in range(3)]
    # a pretty object, an ordinary line, an object cut short (ends at the next record), two more pretty
    cut = '{\n  "id": "doc-9",\n  "html": "<p>cut'
    path.write_text(pretty[0] + "\n" + line(3) + "\n" + cut + "\n" + line(4) + "\n" + pretty[1] + "\n"
                    + pretty[2] + "\n" + '{\n  "id": "doc-8",\n')
    out = rows(path)
    assert [r["doc_id"] for r in out if r["reject_reason"] is None] == ["doc-0", "doc-3", "doc-4", "doc-1", "doc-2"]
    bad = [r for r in out if r["reject_reason"]]
    assert [r["reject_reason"] for r in bad] == ["bad_json", "bad_json"]
    n_pretty = pretty[0].count("\n") + 1
    first = n_pretty + 2   # 1-based line of the cut object
    assert f"lines {first}-{first + 2}" in bad[0]["reject_detail"]
    assert f"before line {first + 3}" in bad[0]["reject_detail"]
    assert "end of the file" in bad[1]["reject_detail"]
    assert out[0]["source_offset"] == 0 and out[1]["source_offset"] == n_pretty
