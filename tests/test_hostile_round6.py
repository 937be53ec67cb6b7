"""Hostile input, round 6: WARC header lines without a colon, Parquet columns given twice, JSON Lines in
UTF-16 named `.json`, Parquet fetch times no Python datetime holds, and what a cut payload becomes."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from test_hostile_builds import html_page, warc_response
from test_hostile_round4 import raw_warc, rows

from dedup.sources.inputs import expand_inputs

HTTP = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html_page("Colon", 1).encode()


def short(row: dict) -> tuple:
    doc_id = row["doc_id"]
    return ("nodocid" if doc_id.startswith("nodocid:") else doc_id, row["reject_reason"])


# ---------------------------------------------------------------- 1. a WARC header line without a colon


def test_a_warc_header_line_without_a_colon_is_counted_or_costs_its_record_with_a_reason(tmp_path: Path) -> None:
    """A WARC header line without a colon was dropped in silence: `WARC-Record-ID <urn:...>` gave the record an id
    derived from its URL (another id than its own), `WARC-Date 2024-...` an unknown fetch time no count named.
    Now a line that held the record's id, type or URL costs the record (`bad_warc_header`, naming the line); a
    line that held the length was already such a reject and names the line now; any other such line is tolerated
    (the record is kept) and counted in run.json's `tolerated`; a lost WARC-Date is an unreadable fetch time."""
    records = [
        raw_warc("<urn:uuid:a1>", HTTP),                                                      # sound
        raw_warc("<urn:uuid:b2>", HTTP).replace(b"WARC-Record-ID: ", b"WARC-Record-ID "),     # id line broken
        raw_warc("<urn:uuid:c3>", HTTP, extra="X-Crawler-Note fetched twice\r\n"),            # an extra line
        raw_warc("<urn:uuid:d4>", HTTP).replace(b"WARC-Date: ", b"WARC-Date "),               # date line broken
        raw_warc("<urn:uuid:e5>", HTTP).replace(b"WARC-Type: ", b"WARC-Type "),               # type line broken
        raw_warc("<urn:uuid:f6>", HTTP).replace(b"WARC-Target-URI: ", b"WARC-Target-URI\t"),  # URL line broken
        raw_warc("<urn:uuid:g7>", HTTP).replace(b"Content-Length: ", b"Content-Length "),     # length line broken
        raw_warc("<urn:uuid:h8>", HTTP),                                                      # sound after it
    ]
    path = tmp_path / "colon.warc"
    path.write_bytes(b"".join(records))
    stats: Counter = Counter()
    got = rows(path, stats)
    assert [short(r) for r in got] == [
        ("<urn:uuid:a1>", None), ("nodocid", "bad_warc_header"), ("<urn:uuid:c3>", None), ("<urn:uuid:d4>", None),
        ("<urn:uuid:e5>", "bad_warc_header"), ("<urn:uuid:f6>", "bad_warc_header"),
        ("<urn:uuid:g7>", "bad_warc_header"), ("<urn:uuid:h8>", None)]
    details = [r["reject_detail"] or "" for r in got]
    assert "header line without a colon: 'WARC-Record-ID <urn:uuid:b2>'" in details[1]
    assert "WARC-Record-ID" in details[1].split("cannot be read")[0]
    assert "'WARC-Type response'" in details[4] and "'WARC-Target-URI\\thttps://w.test/6'" in details[5]
    assert details[6].startswith("missing Content-Length") and "'Content-Length " in details[6]
    assert got[3]["fetched_at"] is None and got[2]["fetched_at"] is not None
    assert stats["tolerated.warc_header_line_without_colon"] == 2          # c3 and d4, kept
    assert stats["fetched_at.unreadable"] == 1                             # d4's date
    # sound records: nothing counted
    sound = tmp_path / "sound.warc"
    sound.write_bytes(records[0] + records[-1])
    stats = Counter()
    assert [short(r) for r in rows(sound, stats)] == [("<urn:uuid:a1>", None), ("<urn:uuid:h8>", None)]
    assert not [k for k in stats if k.startswith(("tolerated.", "fetched_at."))]


def test_tolerated_header_lines_reach_run_json_and_the_summary(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dedup.cli import app
    from dedup.run_report import RunReport

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.warc").write_bytes(raw_warc("<urn:uuid:c3>", HTTP, extra="X-Crawler-Note fetched twice\r\n"))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(crawl), "--out", str(out), "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    run = RunReport.load(out)
    assert run.tolerated == {"warc_header_line_without_colon": 1} and run.counts.canonical == 1
    assert json.loads((out / "run.json").read_text())["tolerated"] == run.tolerated
    assert "tolerated           1  flaw read past" in result.output
    # a run.json written before the field existed loads, with nothing tolerated
    raw = json.loads((out / "run.json").read_text())
    del raw["tolerated"]
    assert RunReport.from_dict(raw).tolerated == {}


# ---------------------------------------------------------------- 2. a Parquet column given twice


def test_a_parquet_column_given_twice_is_read_when_the_copies_agree_and_costs_the_row_when_not(
        tmp_path: Path) -> None:
    """Two `text` (or `html`, `url`, `fetched_at`) columns: the last was read in silence, and two `id` columns
    cost every row of the file. Row by row now: the copies that hold a value agree, that value (counted as
    tolerated); they differ, the row is a reject that names the column and the values (`missing_id` for
    `id`, `duplicate_field` for the others)."""
    page = html_page("Twice", 1)
    cols = [pa.array(["a", "b", "c", "d"]), pa.array(["a", "b", "c", "x"]),
            pa.array([page, page, None, page]), pa.array([page, "<p>other</p>", page, page]),
            pa.array(["https://t.test/a"] * 4)]
    path = tmp_path / "twice.parquet"
    pq.write_table(pa.table(cols, names=["id", "id", "html", "html", "url"]), path)
    stats: Counter = Counter()
    got = rows(path, stats)
    # a row whose `html` copies differ is rejected under its own id; one whose `id` copies differ has none
    assert [short(r) for r in got] == [("a", None), ("b", "duplicate_field"), ("c", None),
                                       ("nodocid", "missing_id")]
    assert got[0]["html"] == page.encode() and got[2]["html"] == page.encode()
    assert "2 columns named `html`" in got[1]["reject_detail"] and "<p>other</p>" in got[1]["reject_detail"]
    assert "2 columns named `id`" in got[3]["reject_detail"] and "'d', 'x'" in got[3]["reject_detail"]
    assert stats["tolerated.parquet_column_given_twice"] == 2     # columns id and html, agreeing in rows (round 7)
    # a file whose copies always agree loses nothing
    same = tmp_path / "same.parquet"
    pq.write_table(pa.table([pa.array(["p", "q"]), pa.array(["<p>p</p>", "<p>q</p>"]),
                             pa.array(["<p>p</p>", "<p>q</p>"])], names=["id", "text", "text"]), same)
    assert [short(r) for r in rows(same)] == [("p", None), ("q", None)]


def test_a_json_member_given_twice_is_read_when_the_copies_agree_and_costs_the_record_when_not(
        tmp_path: Path) -> None:
    """JSON Lines: the same rule as Parquet columns. A second `html` (`text`, `url`, `fetched_at`) member was
    read in silence, the first lost (a null second copy lost the page: an `empty_payload` reject)."""
    page = html_page("Twice", 1)
    lines = [{"id": "a", "html": page, "url": "https://t.test/a"},
             {"id": "b", "html": page, "url": "https://t.test/b"},
             {"id": "c", "html": page, "url": "https://t.test/c"},
             {"id": "d", "html": page, "meta": {"html": "<p>its own</p>", "url": "x"}, "url": "https://t.test/d"}]
    text = [json.dumps(o) for o in lines]
    text[0] = text[0][:-1] + ', "html": ' + json.dumps(page) + "}"            # the same twice: read
    text[1] = text[1][:-1] + ', "html": "<p>other</p>"}'                      # differ: a reject
    text[2] = text[2][:-1] + ', "html": null, "url": null}'                   # a null second copy: the first
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join(text) + "\n")
    got = rows(path)
    assert [short(r) for r in got] == [("a", None), ("b", "duplicate_field"), ("c", None), ("d", None)]
    assert "`html` given 2 times, with different values" in got[1]["reject_detail"]
    assert got[2]["html"] == page.encode() and got[2]["url"] == "https://t.test/c"
    assert got[3]["url"] == "https://t.test/d"


# ---------------------------------------------------------------- 3. JSON Lines in UTF-16 named .json


def test_json_lines_in_utf16_or_utf32_named_json_are_read(tmp_path: Path) -> None:
    """A `.json` file of JSON Lines in UTF-16 (PowerShell's `>`) or UTF-32 was named in `files_not_read` as
    no record (its first line did not decode as UTF-8), though a `.jsonl` file in UTF-16 was read. The
    sniffing decodes the encoding the reader does (a byte order mark, or the NULs of the first character)."""
    line = json.dumps({"id": "u1", "url": "https://u.test/", "text": "h\u00e9llo w\u00f6rld"}) + "\r\n"
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for name, encoding in (("bom16.json", "utf-16"), ("le16.json", "utf-16-le"), ("be16.json", "utf-16-be"),
                           ("bom32.json", "utf-32")):
        (crawl / name).write_bytes(line.replace("u1", name).encode(encoding))
    (crawl / "gz16.json.gz").write_bytes(gzip.compress(line.replace("u1", "gz16").encode("utf-16")))
    (crawl / "manifest16.json").write_bytes(json.dumps({"files": ["x"]}, indent=1).encode("utf-16"))
    # the same sniffing missed two shapes the reader reads: old-Mac CR-only line ends, objects without a new line
    (crawl / "mac.json").write_bytes(line.replace("u1", "mac").replace("\r\n", "\r").encode() * 2)
    (crawl / "glued.json").write_text(line.replace("u1", "glued").strip() + line.replace("u1", "glued2").strip())
    not_read: list = []
    files = expand_inputs([str(crawl)], not_read)
    assert [(f.name, f.format) for f in files] == [(n, "jsonl") for n in (
        "be16.json", "bom16.json", "bom32.json", "glued.json", "gz16.json.gz", "le16.json", "mac.json")]
    assert [f.file for f in not_read] == ["manifest16.json"]
    for f in files:
        got = rows(f.path)
        assert len(got) == (2 if f.name in ("mac.json", "glued.json") else 1)
        row = got[0]
        assert row["reject_reason"] is None and row["text"] == "h\u00e9llo w\u00f6rld", (f.name, row)


# ---------------------------------------------------------------- 4. Parquet fetch times Python cannot hold


def test_parquet_fetch_times_python_cannot_hold_are_counted_and_the_records_kept(tmp_path: Path) -> None:
    """A Parquet timestamp beyond the year 9999 (or a date32 there) became null in silence: run.json's
    `unknown_fetch_times` did not count it. A timestamp column whose time zone Arrow does not know (the
    zone is only how the instant is shown) lost every fetch time of the file, uncounted."""
    year_10000 = 253402300800 * 10**6
    path = tmp_path / "far.parquet"
    pq.write_table(pa.table({
        "id": ["a", "b", "c"], "text": ["one", "two", "three"],
        "fetched_at": pa.array([1700000000 * 10**6, year_10000 + 5, 10**18], type=pa.timestamp("us", tz="UTC"))}),
        path)
    stats: Counter = Counter()
    got = rows(path, stats)
    assert [r["reject_reason"] for r in got] == [None] * 3
    assert [r["fetched_at"] is None for r in got] == [False, True, True]
    assert stats["fetched_at.out_of_range"] == 2
    days = tmp_path / "days.parquet"
    pq.write_table(pa.table({"id": ["d", "e"], "text": ["one", "two"],
                             "fetched_at": pa.array([19000, 3_000_000], type=pa.date32())}), days)
    stats = Counter()
    assert [r["fetched_at"] is None for r in rows(days, stats)] == [False, True]
    assert stats["fetched_at.out_of_range"] == 1
    zoned = tmp_path / "zoned.parquet"
    pq.write_table(pa.table({"id": ["z"], "text": ["one"],
                             "fetched_at": pa.array([1700000000 * 10**6], type=pa.timestamp("us", tz="Mars/Olympus"))}),
                   zoned)
    stats = Counter()
    (row,) = rows(zoned, stats)
    assert row["fetched_at"] is not None and row["fetched_at"].isoformat() == "2023-11-14T22:13:20+00:00"
    assert not stats["fetched_at.out_of_range"] and not stats["fetched_at.unreadable"]


# ---------------------------------------------------------------- 5. a payload cut by the end of its file


def test_a_warc_record_cut_by_the_end_of_its_file_is_a_reject_never_kept_as_it_is(tmp_path: Path) -> None:
    """The record a crawler cut (WARC-Truncated, HTTP 206) is kept and counted in run.json's `cut_payloads`
    (round 4); a record the *file* cut (a Content-Length running past the end, the last gzip member cut
    short) is a `truncated_record` reject: no record is published with a payload it lost without a word,
    so no per-record flag is needed for it (docs/architecture.md)."""
    whole = warc_response("<urn:uuid:w1>", "https://w.test/1", html_page("Whole", 1).encode())
    cut = warc_response("<urn:uuid:w2>", "https://w.test/2", html_page("Cut", 2).encode())
    plain = tmp_path / "cut.warc"
    plain.write_bytes(whole + cut[: len(cut) - 200])
    member = tmp_path / "cut.warc.gz"
    member.write_bytes(gzip.compress(whole) + gzip.compress(cut)[:-40])
    for path in (plain, member):
        got = rows(path)
        assert [short(r) for r in got] == [("<urn:uuid:w1>", None), ("<urn:uuid:w2>", "truncated_record")], path
        assert got[1]["html"] is None and got[1]["text"] is None


def test_a_body_shorter_than_its_http_content_length_is_kept_and_counted_as_cut(tmp_path: Path) -> None:
    """A response whose body is shorter than its HTTP Content-Length (no transfer or content coding: the
    crawler stored part of the page without `WARC-Truncated`) was kept and nothing said it was cut. It is
    counted in run.json's `cut_payloads` (`http_body_short`) with the records the crawler marked."""
    body = html_page("Short", 1).encode()
    short_http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % (len(body) + 5000)
    whole_http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)
    coded = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 99999\r\nContent-Encoding: identity\r\n\r\n"
    path = tmp_path / "short.warc"
    path.write_bytes(raw_warc("<urn:uuid:s1>", short_http + body) + raw_warc("<urn:uuid:w2>", whole_http + body)
                     + raw_warc("<urn:uuid:c3>", coded + body))
    stats: Counter = Counter()
    got = rows(path, stats)
    assert [short(r) for r in got] == [("<urn:uuid:s1>", None), ("<urn:uuid:w2>", None), ("<urn:uuid:c3>", None)]
    assert got[0]["html"] == body
    assert {k: v for k, v in stats.items() if k.startswith("cut.")} == {"cut.http_body_short": 1}


def test_records_after_a_line_cut_short_are_read_when_they_hold_long_integers_or_several_objects(
        tmp_path: Path) -> None:
    """A line cut short opens an object that the next lines may close (pretty-printed JSON); a line that is a
    record on its own ends it. A record with an integer of 5,000 digits, or two objects on one line, was not
    taken for one (`json.loads` refuses both; the reader reads both), so they went into the cut line's
    `bad_json` reject with their records (found by scripts/fuzz_inputs.py, round 6)."""
    def rec(i: int, extra: str = "") -> str:
        return json.dumps({"id": f"r{i}", "url": f"https://x.test/{i}", "html": f"<p>page {i}</p>"})[:-1] + extra + "}"

    lines = [rec(0), rec(1)[:30], rec(2, ', "n": ' + "9" * 5000), rec(3)[:30], rec(4) + rec(5), rec(6)]
    path = tmp_path / "after-cut.jsonl"
    path.write_text("\n".join(lines) + "\n")
    got = rows(path)
    assert [short(r) for r in got] == [("r0", None), ("nodocid", "bad_json"), ("r2", None), ("nodocid", "bad_json"),
                                       ("r4", None), ("r5", None), ("r6", None)]


def test_a_zstd_compressed_warc_is_read(tmp_path: Path) -> None:
    """A `.warc.zst` (the IIPC zstd WARC, Archive Team's crawls) was an `unknown_format` reject that said no
    WARC record was found and showed compressed bytes; round 6 named zstd and said what to do; round 7 reads it
    (`tests/test_hostile_round7.py`)."""
    import zstandard

    warc = warc_response("<urn:uuid:z1>", "https://z.test/", html_page("Zstd", 1).encode())
    plain = tmp_path / "a.warc.zst"
    plain.write_bytes(zstandard.ZstdCompressor().compress(warc))
    dictionary = tmp_path / "b.warc.zst"   # a skippable frame first (the dictionary of Archive Team's files)
    dictionary.write_bytes(b"\x5d\x2a\x4d\x18" + (8).to_bytes(4, "little") + b"\0" * 8
                           + zstandard.ZstdCompressor().compress(warc))
    for path in (plain, dictionary):
        (row,) = rows(path)
        assert row["doc_id"] == "<urn:uuid:z1>" and row["reject_reason"] is None, path
