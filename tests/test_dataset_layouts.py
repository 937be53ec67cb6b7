"""Published text datasets as they are laid out (`dedup.sources.layouts`): C4 rows, which carry no id (each was a
`missing_id` reject: a user with C4 got an empty dataset), OSCAR's `content` and `warc_headers`, C4's `timestamp`
and FineWeb's `date` (the crawl time, beside the other fields of their layouts), Dolma's `metadata.url`."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from test_hostile_round4 import rows

from dedup.sources.layouts import DERIVED_PREFIX

STAMPS = ["2019-04-25T12:57:54Z", "2019-04-21T10:07:13Z", "2019-04-26T04:36:56Z"]
C4 = [{"text": f"Story {n}: the harbour opened a new pier for the ferries of the island.\nIt took {n} years.",
       "timestamp": STAMPS[n], "url": f"https://news{n}.test/pier"} for n in range(3)]


def _c4_files(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    js = folder / "c4-validation.00000-of-00008.json.gz"
    js.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in C4).encode()))
    pqf = folder / "c4-train.00000-of-01024.parquet"
    pq.write_table(pa.table({k: [r[k] for r in C4] for k in ("text", "timestamp", "url")}), pqf)
    return js, pqf


def test_c4_rows_get_ids_derived_from_their_data_and_their_timestamp_as_fetch_time(tmp_path):
    for path in _c4_files(tmp_path):
        stats: Counter = Counter()
        got = rows(path, stats)
        assert [r["reject_reason"] for r in got] == [None] * 3, got
        assert all(r["doc_id"].startswith(DERIVED_PREFIX + "sha1:") for r in got)
        assert len({r["doc_id"] for r in got}) == 3
        assert [r["fetched_at"] for r in got] == [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in STAMPS]
        assert [r["url"] for r in got] == [r["url"] for r in C4]
        assert stats["tolerated.id_derived"] == 3
    # some copies of C4 on the Hub store `timestamp` as a timestamp[us] column (no zone: UTC)
    typed = tmp_path / "c4-10k.parquet"
    pq.write_table(pa.table({"text": [C4[0]["text"]], "timestamp": pa.array([datetime(2019, 4, 25, 12, 57, 54)],
                                                                             pa.timestamp("us")),
                             "url": [C4[0]["url"]]}), typed)
    (got,) = rows(typed)
    assert got["fetched_at"] == datetime(2019, 4, 25, 12, 57, 54, tzinfo=timezone.utc) and got["reject_reason"] is None
    # the same row gives the same id in either form, whatever the file (it is the same record)
    assert [r["doc_id"] for r in rows(tmp_path / "c4-validation.00000-of-00008.json.gz")] == \
        [r["doc_id"] for r in rows(tmp_path / "c4-train.00000-of-01024.parquet")]


def test_an_id_field_given_but_null_or_empty_stays_a_missing_id_reject(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text("".join(json.dumps({"id": i, "url": "https://a.test/", "text": "A story."}) + "\n"
                         for i in (None, "", " ")))
    assert [r["reject_reason"] for r in rows(f)] == ["missing_id"] * 3
    p = tmp_path / "b.parquet"
    pq.write_table(pa.table({"id": pa.array([None, "x"], pa.string()), "text": ["A story.", "B story."]}), p)
    assert [r["reject_reason"] for r in rows(p)] == ["missing_id", None]


def test_an_input_id_in_the_derived_form_is_refused(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"id": DERIVED_PREFIX + "sha1:0", "text": "A story."}) + "\n")
    assert [r["reject_reason"] for r in rows(f)] == ["reserved_doc_id"]


def test_a_c4_build_keeps_every_row_and_a_row_given_twice_is_a_repeat_of_the_first(tmp_path):
    import polars as pl

    from dedup.config import BuildConfig
    from dedup.pipeline import build

    crawl = tmp_path / "c4" / "en"
    js, pqf = _c4_files(crawl)
    js.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in C4 + C4[:1]).encode()))
    pqf.unlink()
    outs = []
    for workers, order in ((1, [str(js)]), (2, [str(js), str(tmp_path / "c4")])):
        out = tmp_path / f"out{workers}"
        summary = build(order, out, BuildConfig(), workers=workers)
        assert summary.counts.accounting_ok and summary.counts.input_records == 4
        outs.append(out)
    rejects = pl.read_parquet(sorted((outs[0] / "rejects").rglob("*.parquet")))
    (last,) = rejects.filter(pl.col("reason") == "repeated_doc_id").iter_rows(named=True)
    # the json.gz's row 3 is its row 0 again: a repeat that names it
    assert (last["source_offset"], last["doc_id"].split("#repeat:")[0]) == (3, _derived(C4[0]))
    assert "kept by the record at c4-validation.00000-of-00008.json.gz@0" in last["detail"], last
    assert rejects.filter(pl.col("reason") == "missing_id").height == 0
    assert json.loads((outs[0] / "run.json").read_text())["tolerated"]["id_derived"] == 4
    # whatever the worker count and the arguments (the file's name, and so a repeat's, follows them), the same ids
    ids = [[sorted(i.split("#repeat:")[0] for i in pl.read_parquet(sorted((o / t).rglob("*.parquet")))["doc_id"])
            for t in ("data", "duplicates", "rejects")] for o in outs]
    assert ids[0] == ids[1]


def _derived(row: dict) -> str:
    from dedup.sources.layouts import derived_id
    return derived_id({"url": row["url"], "text": row["text"]},
                      datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00")))


def _oscar_row(n: int) -> dict:
    return {"content": f"Story {n} of the pier.", "warc_headers": {
        "warc-record-id": f"<urn:uuid:0000000{n}-aaaa-bbbb-cccc-dddddddddddd>", "warc-date": STAMPS[n],
        "warc-target-uri": f"https://o{n}.test/pier", "warc-type": "conversion", "content-type": "text/plain"},
        "metadata": {"identification": {"label": "en", "prob": 0.9}, "categories": None}}


def test_oscar_content_and_warc_headers_are_read_as_the_warc_fields_they_are(tmp_path):
    f = tmp_path / "en_meta_part_1.jsonl.zst"
    f.write_bytes(zstandard.ZstdCompressor().compress("".join(json.dumps(_oscar_row(n)) + "\n"
                                                              for n in range(3)).encode()))
    p = tmp_path / "en_meta_part_1.parquet"
    pq.write_table(pa.Table.from_pylist([_oscar_row(n) for n in range(3)]), p)
    for path in (f, p):
        got = rows(path)
        assert [r["reject_reason"] for r in got] == [None] * 3, got
        assert [r["doc_id"] for r in got] == [_oscar_row(n)["warc_headers"]["warc-record-id"] for n in range(3)]
        assert [r["url"] for r in got] == [f"https://o{n}.test/pier" for n in range(3)]
        assert got[0]["fetched_at"] == datetime(2019, 4, 25, 12, 57, 54, tzinfo=timezone.utc)
        assert got[2]["text"] == "Story 2 of the pier."


def test_fineweb_date_is_the_fetch_time_and_dolma_metadata_url_the_url(tmp_path):
    fw = tmp_path / "000_00000.parquet"
    pq.write_table(pa.table({"text": ["A story."], "id": ["<urn:uuid:f1>"], "dump": ["CC-MAIN-2019-18"],
                             "url": ["https://f.test/"], "date": [STAMPS[0]], "file_path": ["s3://x/y.warc.gz"],
                             "language": ["en"], "language_score": [0.9], "token_count": [3]}), fw)
    (got,) = rows(fw)
    assert (got["doc_id"], got["fetched_at"]) == ("<urn:uuid:f1>",
                                                  datetime(2019, 4, 25, 12, 57, 54, tzinfo=timezone.utc))
    dolma = tmp_path / "cc_en_head-0000.json.gz"
    dolma.write_bytes(gzip.compress((json.dumps({
        "id": "d1", "text": "A story.", "source": "common-crawl", "added": "2023-10-05T00:00:00.000Z",
        "created": STAMPS[1], "metadata": {"url": "https://d.test/a", "language": "en"}}) + "\n").encode()))
    (got,) = rows(dolma)
    # `created` is Dolma's best guess of when the document was made, no fetch time: not read
    assert (got["doc_id"], got["url"], got["fetched_at"]) == ("d1", "https://d.test/a", None)


def test_a_date_or_timestamp_outside_those_layouts_is_no_fetch_time(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"id": "1", "url": "https://a.test/", "text": "A story.", "date": STAMPS[0]}) + "\n"
                 + json.dumps({"id": "2", "text": "A story.", "timestamp": STAMPS[0], "author": "X"}) + "\n"
                 + json.dumps({"id": "3", "text": "A story.", "url": "https://a.test/3", "timestamp": STAMPS[0],
                               "fetched_at": STAMPS[1]}) + "\n")
    got = rows(f)
    assert [r["fetched_at"] for r in got] == [None, None, datetime(2019, 4, 21, 10, 7, 13, tzinfo=timezone.utc)]


def test_a_glob_over_files_of_one_name_in_several_folders_names_them_by_their_folder(tmp_path):
    from dedup.sources.inputs import expand_inputs

    for dump in ("CC-MAIN-2023-40", "CC-MAIN-2024-10"):
        (tmp_path / "data" / dump).mkdir(parents=True)
        pq.write_table(pa.table({"id": [dump], "text": ["A story."]}), tmp_path / "data" / dump / "000_00000.parquet")
    want = ["CC-MAIN-2023-40/000_00000.parquet", "CC-MAIN-2024-10/000_00000.parquet"]
    # FineWeb's layout: the glob names each file as the folder `data` does (it stopped: "two inputs share the name")
    assert [f.name for f in expand_inputs([str(tmp_path / "data" / "*" / "000_00000.parquet")])] == want
    assert [f.name for f in expand_inputs([str(tmp_path / "data")])] == want
    assert [f.name for f in expand_inputs([str(tmp_path / "data" / "CC-MAIN-2023-40" / "*.parquet")])] == \
        ["000_00000.parquet"]


def test_c4_and_oscar_rows_in_a_plain_json_file_are_read_as_json_lines(tmp_path):
    from dedup.sources.inputs import FileNotRead, expand_inputs

    (tmp_path / "c4.json").write_text("".join(json.dumps(r) + "\n" for r in C4))
    (tmp_path / "oscar.json").write_text(json.dumps(_oscar_row(0)) + "\n")
    (tmp_path / "manifest.json").write_text(json.dumps({"url": "https://x.test/", "files": 3}) + "\n")
    not_read: list[FileNotRead] = []
    assert [(f.name, f.format) for f in expand_inputs([str(tmp_path)], not_read)] == [
        ("c4.json", "jsonl"), ("oscar.json", "jsonl")]
    assert [n.file for n in not_read] == ["manifest.json"]


def test_a_layout_is_found_under_fields_given_in_another_case(tmp_path):
    # `Text`, `URL` (round 11's case aliases) with C4's `timestamp`: still C4's layout, in Parquet and JSONL
    p = tmp_path / "c4.parquet"
    pq.write_table(pa.table({"Text": [C4[0]["text"]], "URL": [C4[0]["url"]], "timestamp": [STAMPS[0]]}), p)
    f = tmp_path / "c4.jsonl"
    f.write_text(json.dumps({"Text": C4[0]["text"], "URL": C4[0]["url"], "timestamp": STAMPS[0]}) + "\n")
    for path in (p, f):
        (got,) = rows(path)
        assert (got["reject_reason"], got["url"]) == (None, C4[0]["url"]), got
        assert got["fetched_at"] == datetime(2019, 4, 25, 12, 57, 54, tzinfo=timezone.utc)
        assert got["doc_id"] == _derived(C4[0])   # the same record as its lower-case form
