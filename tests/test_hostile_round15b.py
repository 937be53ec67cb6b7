"""Hostile inputs, round 15b (docs/architecture.md, "Round 15b"): the leftovers of round 15. `too_many_blocks` is
bounded by a setting (`max_blocks`) its detail names with the way to raise it, and every other refusal limit's detail
says it is fixed; a WARC-Record-ID given without its angle brackets is the same id as with them; `dedup stats` and
report.html list the sites of one chrome count in one order. Short fixtures built here, and the sample crawl's build.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import polars as pl
import pyarrow.parquet as pq

import dedup.text.extract as extract
from dedup.config import BuildConfig, load_config
from dedup.ingest import ingest_file, key_table
from dedup.pipeline import build
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input
from dedup.text.pagechecks import MAX_ATTRIBUTE_COST, MAX_MARKUP_TAGS
from dedup.text.timebudget import ExtractTimeout

_FIXED = "a fixed safety limit of dedup, not a setting"
_LINES = "\n".join(f"Line {i} of a listing that names the harbour board's meeting number {i}." for i in range(150))


def _reject(**kw) -> dict:
    row = extract._extract_row(kw.pop("html", None), kw.pop("text", None), "https://a.test/x", None, "a.test", **kw)
    return {"reason": row.get("reject_reason"), "detail": row.get("reject_detail") or ""}


def test_too_many_blocks_is_the_setting_max_blocks_and_its_detail_says_how_to_raise_it(tmp_path):
    # main: the limit was the constant extract.MAX_BLOCKS, and the detail named no way to read such a page
    cfg = tmp_path / "dedup.toml"
    cfg.write_text("max_blocks = 100\n")
    config = load_config(cfg)
    assert config.max_blocks == 100 and config.to_dict()["max_blocks"] == 100
    default = BuildConfig()
    assert default.max_blocks == 50_000 and "max_blocks" not in default.to_dict()   # the hash of every build before
    assert load_config(None, max_blocks=50_000).sha256() == default.sha256() != config.sha256()
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.jsonl").write_text(json.dumps({"id": "listing", "url": "https://a.test/l", "text": _LINES}) + "\n")
    out = tmp_path / "out"
    build([str(crawl)], out, config, workers=1)
    (row,) = pq.read_table(out / "rejects").to_pylist()
    assert row["reason"] == "too_many_blocks", row
    assert "more than max_blocks 100 processed per page" in row["detail"], row["detail"]
    assert "raise max_blocks in the build's TOML config (`--config`)" in row["detail"], row["detail"]
    assert json.loads((out / "run.json").read_text())["config"]["max_blocks"] == 100
    # raised, the page is read (the WET and plain-text path, and an HTML page of as many paragraphs)
    assert _reject(text=_LINES, max_blocks=200)["reason"] is None
    html = ("<html><body>" + "".join(f"<p>{line}</p>" for line in _LINES.split("\n")) + "</body></html>").encode()
    assert _reject(html=html, max_blocks=100)["reason"] == "too_many_blocks"
    assert _reject(html=html, max_blocks=200)["reason"] is None


def test_each_fixed_refusal_limit_says_it_is_fixed(monkeypatch):
    # main: too_many_tags, too_many_attributes, extract_timeout and JSON nesting named a limit, and neither a setting
    # nor that there is none: a user could not tell whether a build could read such a record
    tags = _reject(html=b"<b>" * (MAX_MARKUP_TAGS + 1))
    attrs = int(MAX_ATTRIBUTE_COST ** 0.5) + 1
    attributes = _reject(html=("<p " + " ".join(f"a{i}" for i in range(attrs)) + ">x</p>").encode())

    def too_slow(*_args, **_kw):
        raise ExtractTimeout()
    monkeypatch.setattr(extract, "_extracted_row", too_slow)
    timeout = _reject(text="A page.")
    for got, reason in ((tags, "too_many_tags"), (attributes, "too_many_attributes"), (timeout, "extract_timeout")):
        assert got["reason"] == reason and _FIXED in got["detail"], got


def test_json_nested_past_the_parser_says_its_limit_is_fixed(tmp_path):
    deep = "[" * (sys.getrecursionlimit() * 4) + "]" * (sys.getrecursionlimit() * 4)
    (tmp_path / "a.jsonl").write_text('{"id": "n", "text": ' + deep + "}\n" + '{"id": "m", "text": ' + deep + "}"
                                      + '{"id": "k", "text": ' + deep + "}\n")
    rows = [r for f in expand_inputs([str(tmp_path / "a.jsonl")], []) for b in read_input(f, Counter())
            for r in b.to_pylist()]
    assert rows and all(r["reject_reason"] == "bad_json" for r in rows)
    assert all("nested deeper than the parser allows" in r["reject_detail"] and _FIXED in r["reject_detail"]
               for r in rows), rows


_PAGE = "<html><body><p>" + "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3


def _response(record_id: str, name: str) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + f"{_PAGE}{name}</p></body></html>".encode()
    fields = {"WARC-Type": "response", "WARC-Record-ID": record_id, "WARC-Target-URI": f"https://a.test/{name}",
              "WARC-Date": "2024-01-01T00:00:00Z", "Content-Type": "application/http; msgtype=response",
              "Content-Length": str(len(http))}
    return ("WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n").encode() + http + b"\r\n\r\n"


def test_a_warc_record_id_without_its_brackets_is_the_same_id(tmp_path):
    # WARC 1.1: WARC-Record-ID = "<" uri ">": `urn:uuid:1` names the URI `<urn:uuid:1>` does. main took them as two
    # ids, so the same record with and without the brackets was kept twice (a copy, not a `repeated_doc_id`)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    given = ["<urn:uuid:1>", "urn:uuid:1", "urn:uuid:2", "<urn:uuid:3", "<urn:uuid:4>"]
    (crawl / "a.warc").write_bytes(b"".join(_response(g, f"p{i}") for i, g in enumerate(given)))
    (inp,) = expand_inputs([str(crawl)], [])
    rows = [r for b in read_input(inp, Counter()) for r in b.to_pylist()]
    assert [r["doc_id"] for r in rows] == ["<urn:uuid:1>", "<urn:uuid:1>", "<urn:uuid:2>", "<urn:uuid:3>",
                                           "<urn:uuid:4>"]
    assert [r["warc_record_id"] for r in rows] == given   # the field as the file gives it
    assert [r["reject_reason"] for r in rows] == [None] * 5
    ingest_file(inp, tmp_path / "docs.parquet", 10 << 20)
    keys = key_table([tmp_path / "docs.parquet"]).sort("source_offset")
    assert keys["reject_reason"].to_list() == [None, "repeated_doc_id", None, None, None]
    assert "doc_id <urn:uuid:1> is kept by the record at a.warc@0" in keys["reject_detail"][1]


def test_stats_and_the_report_list_sites_of_one_chrome_count_in_one_order(sample_release):
    # audit9: report.html broke a tie of distinct chrome blocks by the blocks cut from data/'s pages, `dedup stats` by
    # the site's name: the two listed the sample's tied sites in different orders. One rule now: most blocks first,
    # then the name (`stats.chrome_site_order`)
    from dedup.release.report import boilerplate_tables
    from dedup.run_report import RunReport
    from dedup.stats import TOP, summarise
    from dedup.text.blocks import CROSS_SITE_LABEL, site_rows

    out, _ = sample_release
    boiler = site_rows(pl.read_parquet(out / "boilerplate"))
    data = pl.read_parquet(out / "data")
    counts = boiler.group_by("domain").len()
    expected = counts.sort(["len", "domain"], descending=[True, False])["domain"].to_list()
    assert counts["len"].n_unique() < counts.height   # the sample has ties to break
    chart, _ = boilerplate_tables(RunReport.load(out), boiler, data)
    shown = [s for s in expected if f">{CROSS_SITE_LABEL if s == '*' else s}<" in chart]
    positions = [chart.index(f">{CROSS_SITE_LABEL if s == '*' else s}<") for s in shown]
    assert positions == sorted(positions) and len(shown) >= TOP, (shown, positions)
    assert list(summarise(out)["boilerplate"]["top_sites"]) == expected[:TOP]
    # a tie the cut blocks decided apart on main
    tied = {"a.test": 3, "b.test": 3, "c.test": 5}
    frame = pl.DataFrame({"domain": [d for d, n in tied.items() for _ in range(n)]})
    cuts = pl.DataFrame({"domain": ["a.test", "b.test"], "blocks_removed": [1, 9],
                         "removed_reasons": [None, None]}, schema_overrides={"removed_reasons": pl.List(pl.String)})
    chart, _ = boilerplate_tables(RunReport.load(out), frame, cuts)
    assert chart.index(">c.test<") < chart.index(">a.test<") < chart.index(">b.test<")


def test_a_release_from_before_keeps_its_unbracketed_ids_rehydratable(tmp_path):
    # a release built before this round has doc_id `urn:uuid:2` for that field: its record must still be found
    from dedup.rehydrate import NOT_FOUND, Reading, restore_file

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.warc").write_bytes(_response("<urn:uuid:1>", "p0") + _response("urn:uuid:2", "p1"))
    (inp,) = expand_inputs([str(crawl)], [])
    offsets = [r["source_offset"] for b in read_input(inp, Counter()) for r in b.to_pylist()]
    done = restore_file(inp, {o: "0" * 64 for o in offsets}, dict(zip(offsets, ["<urn:uuid:1>", "urn:uuid:2"])),
                        [{}], Reading(10 << 20, None))
    assert [done[o][1] != NOT_FOUND for o in offsets] == [True, True], done
    assert [done[o][1] for o in offsets] == [done[offsets[0]][1]] * 2
