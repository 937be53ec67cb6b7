"""Hostile inputs, round 19 (docs/benchmarks.md, "Hostile input", round 19): a plain text larger than any page's
(the setting `max_text_bytes`, reject `text_too_large`), JSON Lines whose records are parted by a form feed or a
vertical tab, and a byte order mark after spaces mid-file. Short fixtures built here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

import dedup.text.extract as extract
from dedup.config import MAX_TEXT_BYTES, BuildConfig, load_config
from dedup.pipeline import build
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input

_PROSE = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3


def _record(n: int) -> bytes:
    return json.dumps({"id": f"r{n}", "url": f"https://a.test/{n}", "text": _PROSE}).encode()


def _read(path: Path) -> list[dict]:
    stats: Counter = Counter()
    return [r for f in expand_inputs([str(path)], []) for b in read_input(f, stats) for r in b.to_pylist()]


def test_records_parted_by_a_form_feed_or_a_vertical_tab_are_all_read(tmp_path):
    # int27: `{...}\f` then `\v{...}` were two `bad_json` rejects (the second held record 2), and `{...}\f{...}` a
    # `bad_json` reject for record 4; a raw control character stands in no JSON string, so it parts records
    path = tmp_path / "pages.jsonl"
    path.write_bytes(_record(1) + b"\f\n\v" + _record(2) + b"\n" + _record(3) + b"\f" + _record(4) + b"\x0b\n"
                     + b" \f " + _record(5) + b" \v\r\n\f\n" + _record(6) + b"\n")
    rows = _read(path)
    assert [(r["doc_id"], r["source_offset"], r["reject_reason"]) for r in rows] == [
        ("r1", 0, None), ("r2", 1, None), ("r3", 2, None), ("r4", 3, None), ("r5", 4, None), ("r6", 6, None)]
    assert all(r["text"] == _PROSE for r in rows)


def test_a_byte_order_mark_after_spaces_or_between_records_is_no_reject(tmp_path):
    # int27: `  \ufeff{...}` (a BOM after spaces where `cat` put a Windows tool's file) was a `bad_json` reject, as was
    # `{...}\ufeff{...}` (a file without a last LF joined to one with a BOM)
    path = tmp_path / "pages.jsonl"
    path.write_bytes(_record(1) + b"\n  \xef\xbb\xbf" + _record(2) + b"\n\t\xef\xbb\xbf \xef\xbb\xbf" + _record(3)
                     + b"\xef\xbb\xbf" + _record(4) + b"\n")
    rows = _read(path)
    assert [(r["doc_id"], r["source_offset"], r["reject_reason"]) for r in rows] == [
        ("r1", 0, None), ("r2", 1, None), ("r3", 2, None), ("r4", 3, None)]


def test_other_bytes_between_records_stay_a_precise_reject(tmp_path):
    # a no-break space or a stray letter between records is no whitespace of any JSON reader: the record after it is
    # not guessed at, it stays a `bad_json` reject that says where reading stopped; a pretty-printed object whose
    # inner lines start with spaces is still one record
    path = tmp_path / "pages.jsonl"
    pretty = json.dumps({"id": "r9", "url": "https://a.test/9", "text": _PROSE, "meta": {"a": 1}}, indent=2).encode()
    path.write_bytes(_record(1) + "\u00a0".encode() + _record(2) + b"\n" + pretty + b"\f\n" + _record(3) + b"\n")
    rows = _read(path)
    assert [(r["doc_id"], r["reject_reason"]) for r in rows][0] == ("r1", None)
    assert rows[1]["reject_reason"] == "bad_json" and "value 2" in rows[1]["reject_detail"]
    assert [(r["doc_id"], r["reject_reason"]) for r in rows[2:]] == [("r9", None), ("r3", None)]


# ---------------------------------------------------------------- a plain text larger than any page's

def _text_reject(text: str, **kw) -> tuple[str | None, str]:
    row = extract._extract_row(None, text, "https://a.test/x", None, "a.test", **kw)
    return row.get("reject_reason"), row.get("reject_detail") or ""


def test_a_plain_text_over_max_text_bytes_is_a_text_too_large_reject(tmp_path):
    # int27: a plain text was bounded only by max_payload_bytes (50 MiB); a 50 MB `text` cost a build 1.3 GiB of
    # memory (an HTML page is cut off at max_html_bytes, 8 MiB); now the same cap, a setting of its own
    assert MAX_TEXT_BYTES == 8 * 1024 * 1024
    reason, detail = _text_reject(_PROSE * (MAX_TEXT_BYTES // len(_PROSE) + 1))
    assert reason == "text_too_large" and "max_text_bytes = 8388608" in detail, detail
    assert "raise max_text_bytes in the build's TOML config (`--config`)" in detail, detail
    assert _text_reject("\u00e9" * 1500, max_text=2048)[0] == "text_too_large"   # bytes in UTF-8, not characters
    assert _text_reject("\u00e9" * 1000 + "\n\n" + _PROSE, max_text=4096)[0] is None
    default = BuildConfig()
    assert "max_text_bytes" not in default.to_dict()   # the hash of every build before
    cfg = tmp_path / "dedup.toml"
    cfg.write_text("max_text_bytes = 2048\n")
    config = load_config(cfg)
    assert config.to_dict()["max_text_bytes"] == 2048 and config.sha256() != default.sha256()
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.jsonl").write_bytes(_record(1) + b"\n" + json.dumps(
        {"id": "long", "url": "https://a.test/long", "text": _PROSE * 12}).encode() + b"\n")
    out = tmp_path / "out"
    build([str(crawl)], out, config, workers=1)
    (row,) = pq.read_table(out / "rejects").to_pylist()
    assert (row["doc_id"], row["reason"]) == ("long", "text_too_large"), row
    assert "max_text_bytes = 2048" in row["detail"], row["detail"]
    assert pq.read_table(out / "data").column("doc_id").to_pylist() == ["r1"]


# ---------------------------------------------------------------- lead's review fixes

def test_a_release_built_before_max_text_bytes_restores_its_withheld_texts(tmp_path, monkeypatch):
    # int27: rehydrate read a run.json without `max_text_bytes` (every release built before round 19) as today's
    # default cap, so a withheld text that build took (it capped plain text only at max_payload_bytes) became
    # `record_unusable`, with advice to change a TOML rehydrate is not given; now such a release's own cap holds.
    # (Today's default is set small here so that short texts stand for a 9 MB one.)
    import dedup.rehydrate as rehydrate_module
    from dedup.config import LICENCE_CLASSES
    crawl = tmp_path / "crawl.jsonl"
    long = " ".join(f"The council heard item {n} of the budget, on roads and schools, and agreed it." for n in range(60))
    crawl.write_bytes(_record(1) + b"\n" + json.dumps(
        {"id": "long", "url": "https://a.test/long", "text": long}).encode() + b"\n")
    out = tmp_path / "out"
    build([str(crawl)], out, BuildConfig(withhold_text=LICENCE_CLASSES), workers=1)
    assert len(long) > 4096
    assert "max_text_bytes" not in json.loads((out / "run.json").read_text("utf-8"))["config"]
    monkeypatch.setattr(rehydrate_module, "MAX_TEXT_BYTES", 4096)
    report = rehydrate_module.rehydrate(out, [str(crawl)], tmp_path / "r")
    assert (report.withheld, report.restored, report.not_restored) == (2, 2, {}), report


def test_a_cut_gzip_keeps_its_last_line_after_a_form_feed_or_a_spaced_byte_order_mark(tmp_path):
    # int27: the last line of a gzip cut in its trailer lost only a leading BOM, so `\f {...}`, `\v{...}` and
    # `  \ufeff{...}` there were dropped behind the `truncated_input` reject; now the same edges as any line
    import gzip
    for edge in (b"\f ", b"\v", b"  \xef\xbb\xbf", b"\xef\xbb\xbf"):
        path = tmp_path / "cut.jsonl.gz"
        path.write_bytes(gzip.compress(_record(1) + b"\n" + edge + _record(2) + b" \f")[:-4])
        rows = _read(path)
        assert [(r["doc_id"], r["reject_reason"]) for r in rows][:2] == [("r1", None), ("r2", None)], (edge, rows)
        assert rows[-1]["reject_reason"] is not None and len(rows) == 3, (edge, rows)
