"""Hostile inputs, round 21 (docs/benchmarks.md, "Hostile input", round 21): `dedup rehydrate` reading JSON Lines as
the build read them (the line limit, and so the records' positions), a pretty-printed object holding a value too long
to read, and the inputs no round had probed. Short fixtures built here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dedup.config import LICENCE_CLASSES, BuildConfig
from dedup.pipeline import build
from dedup.rehydrate import rehydrate
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input

_PROSE = "The harbour board met on Tuesday and agreed the repairs to the north pier. "


def _record(rid: str, text: str = _PROSE * 3, **kw) -> dict:
    return {"id": rid, "url": f"https://a.test/{rid}", "text": text, **kw}


def _read(path: Path, **kw) -> list[dict]:
    return [r for f in expand_inputs([str(path)], []) for b in read_input(f, Counter(), **kw) for r in b.to_pylist()]


@pytest.mark.slow
def test_rehydrate_reads_a_long_line_of_several_records_as_the_build_did(tmp_path):
    # int28: the build (max_text_bytes at its default, so left out of run.json) skipped a line over its page cap
    # unread, one `text_too_large` reject; rehydrate took the missing setting for max_payload_bytes, read lines up to
    # 100 MiB, found the line's records and so every later record several positions on: the withheld record after
    # the line was `record_not_found`, lost. (Review round 27 raised the page cap to six times max_text_bytes plus
    # 1 MiB, 49 MiB by default: eight records of 7 MB, each under max_text_bytes, make a line over it)
    crawl = tmp_path / "crawl.jsonl"
    part = _PROSE * (7_000_000 // len(_PROSE))
    line = b"".join(json.dumps(_record(f"long{k}", part)).encode() for k in range(8))
    assert len(line) > 6 * (8 << 20) + (1 << 20)
    crawl.write_bytes(json.dumps(_record("before")).encode() + b"\n" + line + b"\n"
                      + json.dumps(_record("after", "The ferry timetable changes on Monday. " * 5)).encode() + b"\n")
    out = tmp_path / "out"
    build([str(crawl)], out, BuildConfig(withhold_text=LICENCE_CLASSES), workers=1)
    assert "max_text_bytes" not in json.loads((out / "run.json").read_text("utf-8"))["config"]
    # (hostile round 22: such a line is read as its records, each under the caps, at the offsets reading it whole
    # gives them -- it was one `text_too_large` reject, its eight records unread; rehydrate must read it the same way)
    assert pq.read_table(out / "rejects").num_rows == 0
    placed = {r for t in ("data", "duplicates") for r in pq.read_table(out / t, columns=["doc_id"])["doc_id"].to_pylist()}
    assert placed == {"before", "after", *(f"long{k}" for k in range(8))}, placed
    report = rehydrate(out, [str(crawl)], tmp_path / "r")
    assert (report.withheld, report.restored, report.not_restored) == (2, 2, {}), report
    texts = dict(zip(*pq.read_table(tmp_path / "r" / "data", columns=["doc_id", "text"]).to_pydict().values()))
    assert texts["after"].startswith("The ferry timetable"), texts


def test_a_pretty_printed_object_with_a_value_too_long_to_read_is_one_reject_under_its_id(tmp_path):
    # int28: each such object was three or more rejects (its lines before the long one, the long line, its closing
    # brace...), none under the record's id, and the records after it took later offsets than their lines
    big = _PROSE * 20_000   # 1.5 MB: over six times the caps (1 KiB) plus 1 MiB
    records = [_record("r1"), _record("big", big), {"text": big, "url": "https://a.test/late", "id": "late"},
               _record("r4")]
    path = tmp_path / "pretty.jsonl"
    path.write_bytes(b"".join(json.dumps(r, indent=2).encode() + b"\n" for r in records))
    rows = _read(path, page_caps=(1024, 1024))
    assert [(r["doc_id"], r["source_offset"], r["reject_reason"]) for r in rows] == [
        ("r1", 0, None), ("big", 5, "text_too_large"), ("late", 10, "text_too_large"), ("r4", 15, None)], rows
    assert "lines 6-10, a JSON object spread over them: its line 9 is" in rows[1]["reject_detail"]
    assert "its `text` runs past" in rows[2]["reject_detail"]
    # read whole (no cap), the same records at the same offsets: the positions do not depend on the line limit
    assert [(r["doc_id"], r["source_offset"]) for r in _read(path)] == [(r["doc_id"], r["source_offset"]) for r in rows]


def test_a_pretty_printed_object_cut_after_its_long_line_stays_one_reject(tmp_path):
    # the object never closes (the next line is a record of its own): one `bad_json` naming the skipped line, and the
    # record after it read
    path = tmp_path / "cut.jsonl"
    path.write_bytes(b'{\n  "id": "big",\n  "text": "' + _PROSE.encode() * 20_000 + b'",\n'
                     + json.dumps(_record("r2")).encode() + b"\n")
    rows = _read(path, page_caps=(1024, 1024))
    assert [(r["source_offset"], r["reject_reason"]) for r in rows] == [(0, "bad_json"), (3, None)], rows
    assert "its line 3, " in rows[0]["reject_detail"] and "too long to read" in rows[0]["reject_detail"]
