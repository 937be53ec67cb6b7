"""A researcher's audit, round 5: valid inputs used in ways a user would, and what a release says about itself.

- A build's or release's own Parquet tables given back as the crawl (re-deduplicating two releases, adding a crawl
  to an old release's text) were read as crawl records: every row of data/, duplicates/, rejects/, boilerplate/ and
  signatures/ a record under a derived id (the sample release: 712 records, 67 "documents", boilerplate blocks among
  them). They are named in run.json's `files_not_read` now, with the way to build on a release (`--previous`).
- C4's `timestamp` as a JSON string and as a Parquet timestamp gave one record two derived ids.
- run.json's `previous` named the previous release's folder: the same release in two folders gave two run.json.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import copy_of
from test_dataset_layouts import C4, _c4_files
from test_hostile_round4 import rows

from dedup.run_report import FileNotRead
from dedup.sources.inputs import expand_inputs


def _expanded(args: list[str]) -> tuple[list[str], dict[str, str]]:
    not_read: list[FileNotRead] = []
    files = expand_inputs(args, not_read)
    return [f.name for f in files], {n.file: n.why for n in not_read}


def test_a_warc_builds_tables_given_back_as_the_crawl_are_named_not_read(sample_build, tmp_path):
    import pytest

    from dedup.errors import InputError

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "new.jsonl").write_text(json.dumps({"id": "n1", "url": "https://a.test/1", "text": "A story."}) + "\n")
    # the build's folder as the crawl, beside a crawl: only the crawl is read, the build named with the way to use it
    names, why = _expanded([str(crawl), str(sample_build)])
    assert names == ["new.jsonl"]
    assert "--previous" in why[sample_build.name + "/"]
    # its data/ folder, or a table copied out of it (no run.json beside it): told by the Parquet footer
    loose = tmp_path / "loose"
    loose.mkdir()
    for table in ("data", "duplicates", "rejects", "boilerplate", "signatures"):
        src = sorted((sample_build / table).rglob("*.parquet"))[0]
        shutil.copy(src, loose / f"{table}-{src.name}")
    names, why = _expanded([str(crawl), str(loose), str(sample_build / "data")])
    assert names == ["new.jsonl"]
    assert len(why) == 5 + len(list((sample_build / "data").rglob("*.parquet"))), why
    assert all("dedup build's" in w and "--previous" in w for w in why.values()), why
    assert "a dedup build's data/ table" in why["data-train-00000-of-00001.parquet"]
    # alone, they are no crawl: the message names the build's files first, not its README
    with pytest.raises(InputError, match=r"not read: .*dedup build's output"):
        expand_inputs([str(sample_build)])
    with pytest.raises(InputError, match=r"not read: .*dedup build's (data|duplicates)"):
        expand_inputs([str(loose)])
    # its rows written again by another tool, which keeps no footer: a filtered release saved by polars or pandas
    import polars as pl

    again = tmp_path / "again"
    again.mkdir()
    rows = pl.read_parquet(sorted((sample_build / "data").rglob("*.parquet"))).head(5)
    rows.write_parquet(again / "mine.parquet")
    rows.write_ndjson(again / "mine.jsonl")
    rows.select("doc_id", "cluster_id", "cluster_size", "url", "text").to_pandas().to_json(
        again / "mine.json", orient="records", lines=True)
    pl.read_parquet(sorted((sample_build / "duplicates").rglob("*.parquet"))).write_parquet(again / "dups.parquet")
    names, why = _expanded([str(crawl), str(again)])
    assert names == ["new.jsonl"] and sorted(why) == ["dups.parquet", "mine.json", "mine.jsonl", "mine.parquet"], why
    assert all("written again" in w and "--previous" in w for w in why.values()), why
    # a file of the rows' text under another layout is records (a user's own selection: ids derived, as before)
    rows.select("url", "text").write_ndjson(again / "texts.jsonl")
    assert "texts.jsonl" in _expanded([str(again)])[0]
    # a Parquet crawl file that is no dedup table is read as before
    pq.write_table(pa.table({"id": ["p1"], "text": ["Another story."]}), loose / "mine.parquet")
    assert _expanded([str(loose)])[0] == ["mine.parquet"]


def test_a_c4_release_given_back_with_a_new_crawl_reads_the_new_crawl_only(tmp_path):
    import polars as pl

    from dedup.config import BuildConfig
    from dedup.pipeline import build

    old = tmp_path / "c4-old"
    js, pqf = _c4_files(old)
    pqf.unlink()
    release = tmp_path / "release"
    build([str(js)], release, BuildConfig(), workers=1)
    ids = pl.read_parquet(sorted((release / "data").rglob("*.parquet")))["doc_id"].to_list()
    assert ids and all(i.startswith("urn:dedup:sha1:") for i in ids)
    new = tmp_path / "c4-new"
    new.mkdir()
    (new / "more.json.gz").write_bytes(gzip.compress((json.dumps(
        {"text": "Story 9: a new ferry timetable was printed for the island.", "timestamp": "2019-05-01T00:00:00Z",
         "url": "https://news9.test/ferry"}) + "\n").encode()))
    out = tmp_path / "next"
    summary = build([str(new), str(release / "data")], out, BuildConfig(), workers=1)
    run = json.loads((out / "run.json").read_text())
    # the release's C4 ids are never read as input ids (no `reserved_doc_id` rejects), its text not read again
    assert summary.counts.input_records == 1 and summary.counts.rejects == 0
    assert [i["file"] for i in run["inputs"]] == ["more.json.gz"]
    assert [n["file"] for n in run["files_not_read"]] == [
        p.relative_to(release / "data").as_posix() for p in sorted((release / "data").rglob("*.parquet"))]


def test_c4s_timestamp_as_a_string_or_a_parquet_timestamp_is_one_record_with_one_id(tmp_path):
    row = C4[0]
    as_string = tmp_path / "c4-string.parquet"
    pq.write_table(pa.table({"text": [row["text"]], "timestamp": [row["timestamp"]], "url": [row["url"]]}), as_string)
    stamp = datetime(2019, 4, 25, 12, 57, 54)
    ids = {}
    for name, col in (("naive", pa.array([stamp], pa.timestamp("us"))),
                      ("utc", pa.array([stamp.replace(tzinfo=timezone.utc)], pa.timestamp("us", tz="UTC"))),
                      ("ms", pa.array([stamp], pa.timestamp("ms")))):
        typed = tmp_path / f"c4-{name}.parquet"
        pq.write_table(pa.table({"text": [row["text"]], "timestamp": col, "url": [row["url"]]}), typed)
        (got,) = rows(typed)
        ids[name] = got["doc_id"]
    js = tmp_path / "c4.jsonl"
    offset = dict(row, timestamp="2019-04-25T14:57:54+02:00")   # the same instant, written in another zone
    js.write_text(json.dumps(row) + "\n" + json.dumps(offset) + "\n")
    (string,) = rows(as_string)
    from_json = [r["doc_id"] for r in rows(js)]
    assert set(ids.values()) == {string["doc_id"]} == set(from_json), (ids, string["doc_id"], from_json)
    # and the id of the string form is the one it had (C4's `...Z` strings: ids of earlier builds kept)
    text = b"%d:" % len(row["text"].encode()) + row["text"].encode()
    data = (b"url=%d:%s;fetched_at=20:2019-04-25T12:57:54Z;html=-;text=%s;"
            % (len(row["url"]), row["url"].encode(), text))
    assert string["doc_id"] == "urn:dedup:sha1:" + hashlib.sha1(data).hexdigest()


def test_run_json_names_the_previous_release_by_its_digest_not_its_folder(sample_release, tmp_path):
    from dedup.config import BuildConfig
    from dedup.neardup.sign import hasher, hasher_params
    from dedup.previous import load_previous, previous_report

    release, _ = sample_release
    config = BuildConfig()
    params = hasher(hasher_params(config)).params
    reports = []
    for folder in ("news-sample", "copy-of-it"):
        prev = load_previous(copy_of(release, tmp_path / folder / folder), params, config.bands, config.rows,
                             check=False)
        reports.append(previous_report(prev, []))
    assert reports[0] == reports[1]
    assert "path" not in reports[0]
    assert reports[0]["digest"] == hashlib.sha256((release / "SHA256SUMS").read_bytes()).hexdigest()


def test_the_cards_column_types_are_the_files(sample_release):
    """The card's column table gave Arrow's `list<item: string>`, a field no file has (pyarrow reads the files'
    lists back as `list<element: string>`): it gives each type as the files hold it."""
    import re

    out, _ = sample_release
    card = dict(re.findall(r"^\| `([a-z_]+)` \| `([^`]+)` \|", (out / "README.md").read_text("utf-8"), re.M))
    files = sorted((out / "data").rglob("*.parquet"))
    assert card and files
    for f in files:
        schema = pq.read_schema(f)
        assert {c: str(schema.field(c).type) for c in card} == card, f
    assert card["duplicate_doc_ids"] == "list<element: string>"


def test_a_grown_cluster_keeps_its_id_and_the_card_says_so(sample_release, tmp_path):
    """The card said `cluster_id` "is derived from the smallest member doc_id"; a next release keeps a cluster's id
    when a copy whose doc_id sorts first joins it (as docs/release.md says), so the sentence was false there."""
    import polars as pl

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package
    from dedup.select import cluster_id_for

    release, _ = sample_release
    story = pl.read_parquet(sorted((release / "data").rglob("*.parquet"))).sort("doc_id").filter(
        pl.col("cluster_size") > 1).row(0, named=True)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "new.jsonl").write_text(json.dumps({"id": "!first", "url": "https://copy.test/a", "text": story["text"],
                                                 "fetched_at": "2024-06-01T00:00:00Z"}) + "\n")
    out = tmp_path / "next"
    build([str(crawl)], out, BuildConfig(), workers=1, previous=release)
    package(out)
    grown = pl.read_parquet(sorted((out / "data").rglob("*.parquet"))).filter(pl.col("doc_id") == story["doc_id"])
    assert grown["cluster_id"].to_list() == [story["cluster_id"]] != [cluster_id_for("!first")]
    assert "!first" in grown["duplicate_doc_ids"][0]
    card = (out / "README.md").read_text("utf-8")
    assert "kept by the releases that add copies to it" in card


def test_licenses_md_says_the_cc_by_texts_were_changed(sample_release):
    """CC BY asks whoever shares a text to say whether it was changed; LICENSES.md told users so, but not that this
    release's texts are changed (extracted, headline moved to `title`, boilerplate removed): a publisher who
    followed it credited the pages as if their texts were as published."""
    import polars as pl

    out, _ = sample_release
    cc_by = pl.read_parquet(sorted((out / "data").rglob("*.parquet"))).filter(
        pl.col("licence_spdx").str.starts_with("CC-BY"))
    assert cc_by.height and (cc_by["blocks_removed"] > 0).any()
    text = (out / "LICENSES.md").read_text("utf-8")
    assert "The texts of this release are changed from the pages they credit" in text
