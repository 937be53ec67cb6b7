"""Hostile inputs, round 22 (docs/benchmarks.md, "Hostile input", round 22): the records after a JSONL object too long
to read on the same line (`{huge}{small}`), the members written after a long value, the long first line of a
pretty-printed object, and ids pandas writes as floats. Short fixtures built here.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.sources import streams
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input, read_jsonl

_PROSE = "The harbour board met on Tuesday and agreed the repairs to the north pier. "
_BIG = _PROSE * 20_000   # 1.5 MB: over six times the caps of 1 KiB plus 1 MiB


def _record(rid: str, text: str = _PROSE * 3, field: str = "text") -> dict:
    return {"id": rid, "url": f"https://a.test/{rid}", field: text}


def _rows(path: Path, **kw) -> list[dict]:
    return [r for f in expand_inputs([str(path)], []) for b in read_input(f, Counter(), **kw) for r in b.to_pylist()]


def _seen(rows: list[dict]) -> list[tuple]:
    return [(r["doc_id"], r["source_offset"], r["reject_reason"]) for r in rows]


def test_the_objects_after_one_too_long_to_read_on_its_line_are_read(tmp_path):
    # main: the line `{huge}{small}` (over the page cap) was one `html_too_large` reject: `small` had no row, and the
    # next line's record took its offset; `{small}{huge}` over twice max_payload was one `payload_too_large` under
    # `small`'s id: `huge` had no row and `small`, a sound record, was refused
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\n".join([json.dumps(_record("r0")).encode(),
                                 json.dumps(_record("huge", f"<p>{_BIG}</p>", "html")).encode()
                                 + json.dumps(_record("small")).encode(),
                                 json.dumps(_record("r2")).encode()]) + b"\n")
    capped = _rows(path, page_caps=(1024, 1024))
    assert _seen(capped) == [("r0", 0, None), ("huge", 1, "html_too_large"), ("small", 2, None), ("r2", 3, None)]
    assert "skipped unread" in capped[1]["reject_detail"]
    assert [(r["doc_id"], r["source_offset"]) for r in _rows(path)] == [(r[0], r[1]) for r in _seen(capped)]
    path.write_bytes(b"\n".join([json.dumps(_record("small")).encode() + json.dumps(_record("huge", _BIG)).encode()
                                 + b" \f" + json.dumps(_record("after")).encode(),
                                 json.dumps(_record("r2")).encode()]) + b"\n")
    assert _seen(_rows(path, max_payload=200_000)) == [
        ("small", 0, None), ("huge", 1, "payload_too_large"), ("after", 2, None), ("r2", 3, None)]


def test_a_long_values_later_members_name_its_reject(tmp_path):
    # C4 and others write `{"text": ..., "url": ...}`: main's reject of such a line too long to read was under its line
    # number (`nodocid:`), the id written after the text unread
    path = tmp_path / "c4.jsonl"
    late = {"text": _BIG, "url": "https://a.test/late", "id": "late"}
    path.write_bytes(json.dumps(late).encode() + b"\n" + json.dumps(_record("r1")).encode() + b"\n")
    rows = _rows(path, page_caps=(1024, 1024))
    assert _seen(rows) == [("late", 0, "text_too_large"), ("r1", 1, None)]
    assert rows[0]["url"] == "https://a.test/late"


def test_the_long_first_line_of_a_pretty_printed_object_is_one_reject_under_its_id(tmp_path):
    # main: the long line's reject, then a `bad_json` for each line after it (`"url": ...`, `}`), the later records'
    # offsets moved on by them
    path = tmp_path / "pretty.jsonl"
    for first, rest in ((b'{"id": "big", "text": "' + _BIG.encode() + b'",', b'  "url": "https://a.test/big"\n}'),
                        (b'{"text": "' + _BIG.encode() + b'", "id": "big",', b'  "url": "https://a.test/big"\n}')):
        path.write_bytes(json.dumps(_record("r0")).encode() + b"\n" + first + b"\n" + rest + b"\n"
                         + json.dumps(_record("r4")).encode() + b"\n")
        rows = _rows(path, page_caps=(1024, 1024))
        assert _seen(rows) == [("r0", 0, None), ("big", 1, "text_too_large"), ("r4", 4, None)], rows
        assert rows[1]["url"] == "https://a.test/big"
        assert [(r["doc_id"], r["source_offset"]) for r in _rows(path)] == [("r0", 0), ("big", 1), ("r4", 4)]


def _objects(rnd: random.Random, first: int) -> tuple[str, int]:
    """A line of 0-3 objects (ids from `first`), some longer than the test's line limit, with JSON's awkward bytes
    (escaped quotes and backslashes, brackets in strings, non-ASCII) in their values, the id first or last."""
    out = []
    count = rnd.choice([0, 1, 2, 3])
    for k in range(count):
        body = "".join(rnd.choice('ab"\\{}[] é') for _ in range(40)) * rnd.choice([1, 50, 900, 2_000])
        obj = _record(f"r{first + k}", body, rnd.choice(["text", "html"]))
        if rnd.random() < 0.5:
            obj = dict(reversed(list(obj.items())))
        out.append(json.dumps(obj, ensure_ascii=rnd.random() < 0.5))
    return rnd.choice(["", " ", "\f"]).join(out), count


@pytest.mark.parametrize("chunk", [997, 1 << 20])
def test_every_record_of_lines_too_long_to_read_has_its_row_at_its_place(tmp_path, monkeypatch, chunk):
    # lines of several objects over the line limit (40,000 bytes here), read in pieces of `chunk` bytes: each record
    # has one row, under its id, at the offset reading the file whole gives it (main lost the objects after a long one)
    monkeypatch.setattr(streams, "_RAW_READ", chunk)
    rnd = random.Random(22)
    for trial in range(6):
        lines, count = [], 0
        for _ in range(4):
            line, n = _objects(rnd, count)
            lines.append(line)
            count += n
        path = tmp_path / f"t{trial}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        whole = [(r["doc_id"], r["source_offset"]) for b in read_jsonl(path, "t", max_payload=1 << 30)
                 for r in b.to_pylist()]
        capped = [(r["doc_id"], r["source_offset"]) for b in read_jsonl(path, "t", max_payload=20_000)
                  for r in b.to_pylist()]
        assert [d for d, _ in whole] == [f"r{i}" for i in range(count)]
        assert capped == whole, (trial, [len(line) for line in lines])


def test_pandas_float_ids_are_the_integers_they_stand_for(tmp_path):
    # pandas writes an integer column holding a null as float64: main made every row a `missing_id` reject ("`id` is a
    # float value"); `1.0` is now the id `1`, as written from an integer column, and a null or NaN a `missing_id`
    texts = ["one two three four"] * 5
    urls = [f"https://a.test/{k}" for k in range(5)]
    ids = [1.0, None, 3.0, 2.5, float("nan")]
    (tmp_path / "ids.jsonl").write_text("".join(json.dumps({"id": i, "url": u, "text": t}).replace("NaN", "null")
                                                + "\n" for i, u, t in zip(ids, urls, texts)), encoding="utf-8")
    pq.write_table(pa.table({"id": pa.array(ids, pa.float64(), from_pandas=False), "url": urls, "text": texts}),
                   tmp_path / "ids.parquet")
    for name in ("ids.jsonl", "ids.parquet"):
        rows = _rows(tmp_path / name)
        assert [(r["doc_id"] if r["reject_reason"] is None else None, r["reject_reason"]) for r in rows] == [
            ("1", None), (None, "missing_id"), ("3", None), (None, "missing_id"), (None, "missing_id")], name
        assert "not a whole number" in rows[3]["reject_detail"]
    assert "NaN" in _rows(tmp_path / "ids.parquet")[4]["reject_detail"]
    # an id beyond 2**53 as a float may be another integer rounded: refused, said
    (tmp_path / "far.jsonl").write_text(json.dumps({"id": 2.0 ** 60, "url": urls[0], "text": texts[0]}) + "\n")
    (far,) = _rows(tmp_path / "far.jsonl")
    assert far["reject_reason"] == "missing_id" and "2**53" in far["reject_detail"]
