"""Hostile input, round 5: which copy keeps a repeated id, files a folder holds that are not read,
impossible fetch times, and damaged files of each format."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from test_hostile_builds import html_page, warc_response

from dedup.ingest import ingest_file, key_table
from dedup.sources.inputs import InputFile, detect_format

# ---------------------------------------------------------------- 1. repeated ids: a sound copy keeps the id


def keys_of(files: list[Path], tmp_path: Path) -> list[dict]:
    parts = []
    for n, path in enumerate(sorted(files)):
        parts.append(tmp_path / f"part-{n}.parquet")
        ingest_file(InputFile(path, path.name, detect_format(path)), parts[-1], 50 * 2 ** 20)
    return key_table(parts).select("doc_id", "source_file", "source_offset", "reject_reason",
                                   "reject_detail").to_dicts()


def test_a_sound_copy_keeps_its_id_over_an_earlier_copy_that_was_rejected(tmp_path: Path) -> None:
    """The same record twice, the copy first by (file, offset) unusable (cut by the end of its file, an
    empty payload): the first copy kept the id, so the sound copy became a `repeated_doc_id` reject and the
    page was in no table but rejects, twice. A crawl job that died and wrote its file again gives exactly
    this. The first *usable* copy keeps the id now; the cut copy is the repeat, and says why it was unusable."""
    full = warc_response("<urn:uuid:x>", "https://a.test/x", html_page("X story", 1).encode())
    (tmp_path / "a-cut.warc").write_bytes(full[: len(full) // 2])
    (tmp_path / "b-full.warc").write_bytes(full)
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(o) + "\n" for o in (
        {"id": "j", "url": "https://j.test/", "html": ""},
        {"id": "j", "url": "https://j.test/", "html": html_page("J", 2)},
        {"id": "k", "url": "https://k.test/", "html": " "}, {"id": "k", "url": "https://k.test/", "text": ""})))
    pq.write_table(pa.table({"id": ["p", "p"], "url": ["https://p.test/", "https://p.test/"],
                             "html": [None, html_page("P", 3)]}), tmp_path / "d.parquet")
    got = {(r["source_file"], r["source_offset"]): r for r in keys_of(list(tmp_path.glob("[a-d]*")), tmp_path)}
    kept = {k: r["doc_id"] for k, r in got.items() if r["reject_reason"] is None}
    assert kept == {("b-full.warc", 0): "<urn:uuid:x>", ("c.jsonl", 1): "j", ("d.parquet", 1): "p"}
    cut = got[("a-cut.warc", 0)]
    assert cut["doc_id"] == "<urn:uuid:x>#repeat:a-cut.warc@0" and cut["reject_reason"] == "repeated_doc_id"
    assert "kept by the record at b-full.warc@0" in cut["reject_detail"]
    assert "also unusable (truncated_record" in cut["reject_detail"]
    assert got[("d.parquet", 0)]["doc_id"] == "p#repeat:d.parquet@0"
    # no copy usable: the first keeps the id and its own reason, the other is the repeat
    assert (got[("c.jsonl", 2)]["doc_id"], got[("c.jsonl", 2)]["reject_reason"]) == ("k", "empty_payload")
    assert (got[("c.jsonl", 3)]["doc_id"], got[("c.jsonl", 3)]["reject_reason"]) == ("k#repeat:c.jsonl@3",
                                                                                      "repeated_doc_id")
    assert len({r["doc_id"] for r in got.values()}) == len(got)


# ---------------------------------------------------------------- 2. fetch times no page can have


def test_fetch_times_written_as_digits_are_read_and_impossible_ones_are_unknown_and_counted(tmp_path: Path) -> None:
    """`"1700000000"` (an epoch a writer quoted) was unknown while the number 1700000000 was read; epoch 0
    was read as 1970-01-01, and `0001-01-01`, `9999-12-31` (placeholders, a broken clock) as themselves: the
    canonical policy's earliest fetch and a release dated by its newest fetch read them as times. A time
    outside 1990-2100 is unknown now, and every fetch time given that ends unknown is counted."""
    from collections import Counter

    from dedup.sources.read import read_input
    from test_hostile_round4 import raw_warc

    values = ["1700000000", "1700000000000", "1700000000.5", 1700000000, "20240102", "0", 0, "1970-01-01T00:00:00Z",
              "0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z", -5, "garbage", {"a": 1}, "", None]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"id": f"t{n}", "url": "https://t.test/", "html": "<p>x</p>", "fetched_at": v})
                            + "\n" for n, v in enumerate(values)))
    stats: Counter = Counter()
    got = [r for b in read_input(InputFile(path, path.name, "jsonl"), stats) for r in b.to_pylist()]
    assert [r["reject_reason"] for r in got] == [None] * len(values)
    when = [r["fetched_at"] and r["fetched_at"].isoformat() for r in got]
    assert when[:5] == ["2023-11-14T22:13:20+00:00"] * 2 + ["2023-11-14T22:13:20.500000+00:00",
                                                            "2023-11-14T22:13:20+00:00", "2024-01-02T00:00:00+00:00"]
    assert when[5:] == [None] * 10
    assert (stats["fetched_at.out_of_range"], stats["fetched_at.unreadable"]) == (6, 2)  # -5: out of range
    warc = tmp_path / "t.warc"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    warc.write_bytes(raw_warc("<urn:uuid:a1>", http).replace(b"2024-01-02T03:04:05Z", b"1970-01-01T00:00:00Z"))
    stats = Counter()
    (row,) = [r for b in read_input(InputFile(warc, warc.name, "warc"), stats) for r in b.to_pylist()]
    assert row["fetched_at"] is None and row["reject_reason"] is None and stats["fetched_at.out_of_range"] == 1


# ---------------------------------------------------------------- 3. files of a crawl folder that are not read


def test_json_lines_named_json_are_read_and_other_files_not_read_are_named(tmp_path: Path, monkeypatch) -> None:
    """`x.json.gz` was read as JSON Lines and `x.json` skipped in silence, though Hugging Face `datasets`'
    `to_json` writes JSON Lines under that name; READMEs, manifests, dangling or looping links and files that
    cannot be opened vanished from a folder without a word (one that cannot be opened and is named as crawl
    data stopped the build with a traceback). A `.json` whose first line is a record is read now; every other
    file of a folder that is not read is named, with why, in run.json's `files_not_read` and the summary."""
    import os

    from typer.testing import CliRunner

    from dedup.cli import app
    from dedup.run_report import RunReport
    from dedup.sources import inputs, warc

    crawl = tmp_path / "crawl"
    (crawl / "sub").mkdir(parents=True)
    records = [{"id": f"h{n}", "url": f"https://h.test/{n}", "html": html_page(f"Harbour {n}", n),
                "fetched_at": when} for n, when in enumerate(["1700000000", "1970-01-01T00:00:00Z", "soon"])]
    (crawl / "hf.json").write_text("".join(json.dumps(r) + "\n" for r in records))
    (crawl / "manifest.json").write_text(json.dumps({"id": "crawl-7", "files": ["hf.json"]}, indent=2))
    (crawl / "array.json").write_text(json.dumps(records))
    (crawl / "README.md").write_text("a crawl\n")
    (crawl / ".hidden.json").write_text("{}\n")
    os.symlink("nowhere.warc.gz", crawl / "sub" / "dangling.warc.gz")
    os.symlink("loop.warc", crawl / "sub" / "loop.warc")
    (crawl / "sub" / "locked.warc.gz").write_bytes(warc_response("<urn:uuid:l>", "https://l.test/", b"<p>x</p>"))
    (crawl / "sub" / "locked.txt").write_text("x")
    # no permission (a root test run reads every file): opening fails as it would for another user
    real_detect, real_records = inputs.detect_format, warc.iter_records

    def locked(path: object) -> None:
        if "locked" in str(path):
            raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(inputs, "detect_format", lambda path: locked(path) or real_detect(path))
    monkeypatch.setattr(warc, "iter_records", lambda path, **kw: locked(path) or real_records(path, **kw))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(crawl), "--out", str(out), "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    run = RunReport.load(out)
    assert run.counts.accounting_ok and run.counts.input_records == 4
    assert [i.file for i in run.inputs] == ["hf.json", "sub/locked.warc.gz"]
    assert run.rejects_by_reason == {"read_failed": 1}
    (failed,) = pq.read_table(sorted((out / "rejects").rglob("*.parquet"))).to_pylist()
    assert failed["source_file"] == "sub/locked.warc.gz" and failed["detail"] == (
        "PermissionError: [Errno 13] Permission denied; no record of this file was read (an I/O error: check "
        "the storage and build again)")   # without the path: where the crawl sits must not change the output
    not_read = {f.file: f.why for f in run.files_not_read}
    assert sorted(not_read) == ["README.md", "array.json", "manifest.json", "sub/dangling.warc.gz", "sub/locked.txt",
                                "sub/loop.warc"]
    assert "JSON Lines of records are read" in not_read["manifest.json"]
    assert "Permission denied" in not_read["sub/locked.txt"] and "leads nowhere" in not_read["sub/loop.warc"]
    assert "not read            6  files given" in result.output and "README.md, array.json" in result.output
    assert run.unknown_fetch_times == {"out_of_range": 1, "unreadable": 1}
    assert "fetch time          2  records whose" in result.output
    assert json.loads((out / "run.json").read_text())["files_not_read"][0] == {
        "file": "README.md", "why": not_read["README.md"]}
    # a .json file given by name that holds no records is a clear error, as before
    result = CliRunner().invoke(app, ["build", str(crawl / "manifest.json"), "--out", str(tmp_path / "o2")])
    assert result.exit_code == 2 and "firstlineisnorecord" in "".join(result.output.split())


# ---------------------------------------------------------------- 4. an id given twice in one record


def test_an_id_given_twice_in_one_record_is_one_id_or_none(tmp_path: Path) -> None:
    """A WARC-Record-ID field sent twice was joined (`<urn:a>, <urn:b>`) into an id of no record; sent twice
    with one value, the joined id hid the record's repeats in other files. A JSON object with two `id`
    members, or a Parquet file with two `id` columns, was read under the last one in silence. The copies
    agree: that id; they differ: no id to take, a reject that names them."""
    from collections import Counter

    from dedup.sources.read import read_input
    from test_hostile_round4 import raw_warc

    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html_page("Twice", 1).encode()
    warc = tmp_path / "twice.warc"
    warc.write_bytes(raw_warc("<urn:uuid:a1>", http, extra="WARC-Record-ID: <urn:uuid:a1>\r\n")
                     + raw_warc("<urn:uuid:b2>", http, extra="WARC-Record-ID: <urn:uuid:zz>\r\n"))
    jsonl = tmp_path / "twice.jsonl"
    jsonl.write_text('{"id": "j", "url": "https://j.test/", "html": "<p>x</p>", "id": "j"}\n'
                     '{"id": "k", "url": "https://j.test/", "html": "<p>\\"id\\"</p>", "id": "l"}\n'
                     '{"id": "m", "meta": {"id": 5}, "html": "<p>x</p>"}\n')
    parquet = tmp_path / "twice.parquet"
    pq.write_table(pa.table([pa.array(["a"]), pa.array(["b"]), pa.array(["<p>x</p>"])], names=["id", "id", "html"]),
                   parquet)

    def rows(path: Path) -> list[tuple]:
        got = [r for b in read_input(InputFile(path, path.name, detect_format(path)), Counter()) for r in b.to_pylist()]
        return [(r["doc_id"] if not r["doc_id"].startswith("nodocid:") else "nodocid", r["reject_reason"],
                 (r["reject_detail"] or "")[:60]) for r in got]

    clash = "WARC-Record-ID given more than once, with different values ("
    assert rows(warc) == [("<urn:uuid:a1>", None, ""), ("nodocid", "bad_warc_header", clash)]
    assert rows(jsonl) == [("j", None, ""), ("nodocid", "missing_id", "line 2: `id` given 2 times, with different "
                                                                      "values ('k', 'l')"), ("m", None, "")]
    # row by row since round 6 (tests/test_hostile_round6.py): these two copies differ
    assert rows(parquet) == [("nodocid", "missing_id", "the Parquet file has 2 columns named `id`, and in this row t")]
