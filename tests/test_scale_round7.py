"""Scale round 7 (docs/benchmarks.md "Scale round 7: thousands of small input files"): the ingest gathers
consecutive small input files into one docs part (`ingest.part_groups`), so a crawl of many tiny files runs a few
tasks per global stage, not one per file, and writes the same bytes as a part per file."""

from __future__ import annotations

import gzip
import json
import random

import polars as pl
import pytest

from tests.conftest import SAMPLE_SMALL, parquet_hashes

pytestmark = pytest.mark.skipif(not SAMPLE_SMALL.is_file(), reason="no samples/crawl/sample-extra.jsonl.gz")

FILES = 200


def _records() -> list[str]:
    """200 JSON lines from the sample's 40: each line five times, under ids and URLs of its own where it parses
    (copies of a page across sites and fetches, so the build has clusters across files), as it is where it does
    not (the sample's broken lines: rejects)."""
    with gzip.open(SAMPLE_SMALL, "rt", encoding="utf-8") as f:
        lines = [x.rstrip("\n") for x in f if x.strip()]
    out = []
    for j in range(FILES):
        line = lines[j % len(lines)]
        try:
            rec = json.loads(line)
        except ValueError:
            rec = None
        if isinstance(rec, dict) and isinstance(rec.get("id"), str) and isinstance(rec.get("url"), str):
            rec["id"] = f"{rec['id']}-{j}"
            rec["url"] = f"{rec['url']}?copy={j}" if j >= len(lines) else rec["url"]
            line = json.dumps(rec)
        out.append(line)
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The 200 records as 200 one-record JSONL files, and as one file in another order."""
    root = tmp_path_factory.mktemp("tiny")
    records = _records()
    many = root / "many"
    many.mkdir()
    for j, rec in enumerate(records):
        (many / f"site-{j:04d}.jsonl").write_text(rec + "\n", "utf-8")
    one = root / "one"
    one.mkdir()
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    (one / "all.jsonl").write_text("".join(r + "\n" for r in shuffled), "utf-8")
    return root


def _build(crawl, out, monkeypatch=None, per_file: bool = False) -> int:
    """Build `crawl` in this process; the number of docs parts the write stage applied."""
    from dedup import filestages
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    calls = []
    real = filestages.apply_part

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(filestages, "apply_part", counted)
        if per_file:  # the layout before round 7: a part per input file
            mp.setattr(filestages, "part_groups", lambda rows, sizes: [[i] for i in range(len(rows))])
        build([str(crawl)], out, BuildConfig(), workers=1)
    return len(calls)


@pytest.fixture(scope="module")
def gathered(tiny):
    out = tiny / "out-gathered"
    parts = _build(tiny / "many", out)
    return out, parts


def test_many_tiny_files_are_one_part(gathered):
    """200 one-record files are one docs part: one task per global step, not 200 (main: 200 parts, ~0.2 CPU s
    each per build). Every record is accounted for, each reject naming its own file."""
    out, parts = gathered
    assert parts == 1
    counts = json.loads((out / "run.json").read_text("utf-8"))["counts"]
    assert counts["accounting_ok"] and counts["input_records"] == FILES
    assert counts["duplicates"] > 0 and counts["rejects"] > 0
    rejects = pl.read_parquet(out / "rejects" / "*.parquet")
    assert rejects["source_file"].str.starts_with("site-").all()
    # the rejects are the sample's broken lines (bad JSON, no id), each under its own file's name: the 5 files of
    # a line rejected, and no file whose line is a record rewritten above
    named = rejects["source_file"].to_list()
    rewritten = {f"site-{j:04d}.jsonl" for j, line in enumerate(_records()) if f'-{j}", "url"' in line}
    assert len(named) == len(set(named)) and not set(named) & rewritten
    lines = {int(f[5:9]) % 40 for f in named}
    assert {f"site-{j:04d}.jsonl" for j in range(FILES) if j % 40 in lines} == set(named)


def test_gathered_parts_write_the_bytes_of_a_part_per_file(gathered, tiny):
    """The same crawl with a part per file (the layout before this round) writes the same Parquet bytes: a
    record's identity and place come from its data, never from the part it was gathered into."""
    out, _ = gathered
    ref = tiny / "out-per-file"
    assert _build(tiny / "many", ref, per_file=True) == FILES
    assert parquet_hashes(out) == parquet_hashes(ref)


def test_one_file_reordered_publishes_the_same_records(gathered, tiny):
    """The same records in one file, in another order: the same data/ rows but for where each was read, from as
    many parts (main: 200 against 1)."""
    out, parts = gathered
    one = tiny / "out-one"
    assert _build(tiny / "one", one) == parts == 1
    where = ["source_file", "source_offset"]

    def data(o):
        return pl.read_parquet(o / "data" / "**" / "*.parquet").drop(where).sort("doc_id")

    assert data(out).equals(data(one))
    assert data(out).height > 10


def test_part_groups_bound_rows_and_keep_big_files_alone():
    from dedup.ingest import part_groups

    assert part_groups([5] * 7, [10] * 7, max_rows=10, max_bytes=100) == [[0, 1], [2, 3], [4, 5], [6]]
    assert part_groups([3, 50, 3, 3], [1, 1, 1, 1], max_rows=10, max_bytes=100) == [[0], [1], [2, 3]]
    assert part_groups([1, 1, 1], [60, 60, 30], max_rows=10, max_bytes=100) == [[0], [1, 2]]
    assert part_groups([], [], max_rows=10, max_bytes=100) == []
