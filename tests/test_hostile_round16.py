"""Hostile inputs, round 16 (docs/architecture.md, "Round 16"): hostile environments and volumes of rejects. Two
files of one folder whose names meet only through the `\\xNN` escapes of `source_file` are told to rename one (the
advice to pass their common folder could not help); the reject tallies of a part hold no Python string per row; a
build run under another time zone, locale, hash seed, thread count, working folder and a linked input writes the
same bytes. Short fixtures built here, and the sample crawl's small file.
"""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import REPO, SAMPLE_SMALL
from dedup.errors import InputError
from dedup.keys import NEW, Source, bucket_bounds, gather_source, resolve_bucket, sample_source, scatter_source
from dedup.sources.inputs import expand_inputs

_LINE = {"id": "1", "url": "https://a.test/1", "text": "The harbour board met on Tuesday to decide on the new pier."}


def test_two_files_of_one_folder_named_alike_by_the_escapes_are_told_to_rename_one(tmp_path: Path) -> None:
    # main: "rename one or pass their common parent folder instead", though their folder was the argument, and the
    # second path shown with a lone surrogate ('bad\udcff.jsonl') where the file has the byte 0xFF
    folder = tmp_path / "crawl"
    folder.mkdir()
    try:
        (Path(os.fsdecode(os.fsencode(folder) + b"/bad\xff.jsonl"))).write_text(json.dumps(_LINE) + "\n")
    except OSError as exc:  # a file system that only stores UTF-8 names (no such name can exist there)
        pytest.skip(f"this file system refuses a name that is no UTF-8: {exc}")
    (folder / "bad\\xff.jsonl").write_text(json.dumps({**_LINE, "id": "2"}) + "\n")
    with pytest.raises(InputError) as caught:
        expand_inputs([str(folder)])
    said = str(caught.value)
    assert "common parent folder" not in said, said
    assert "rename one of them" in said and "\\xNN escape in source_file" in said
    assert "b'bad\\xff.jsonl'" in said and "b'bad\\\\xff.jsonl'" in said  # each name's bytes, told apart
    assert "\udcff" not in said
    # files of two folders keep the advice that helps them: their common folder names them apart
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.jsonl").write_text(json.dumps(_LINE) + "\n")
    with pytest.raises(InputError, match="pass their common parent folder"):
        expand_inputs([str(tmp_path / "a"), str(tmp_path / "b")])


def test_the_keys_stage_counts_a_part_s_rejects_without_a_python_string_per_row(tmp_path: Path) -> None:
    # main: `Counter(column.to_list())` made one Python string per reject (76 MiB at 10^6 rejects of one file; 10^6
    # lines of bad JSON peaked at 1,021 MiB in this stage); the normal path has no such list
    rows = 200_000
    part = tmp_path / "part-00000.parquet"
    pq.write_table(pa.table({
        "doc_id": [f"nodocid:{i:024x}" for i in range(rows)],
        "source_file": pa.array(["bad.jsonl"] * rows),
        "source_offset": pa.array(range(rows), pa.int64()),
        "reject_reason": ["bad_json" if i % 3 else "no_text" for i in range(rows)],
        "reject_detail": [f"line {i + 1}: Expecting value" for i in range(rows)]}), part)
    source = Source(NEW, part)
    n, ids = sample_source(source)
    bounds = bucket_bounds([ids], 1)
    scatter_source(0, source, bounds, tmp_path / "scatter.arrow")
    resolve_bucket(0, [tmp_path / "scatter.arrow"], tmp_path / "bucket.arrow")
    tracemalloc.start()
    try:
        figures = gather_source(0, [tmp_path / "bucket.arrow"], [0], n, tmp_path / "keys.arrow")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert figures == {"rows": rows, "signed": 0, "rejects": {"bad_json": 133_333, "no_text": 66_667}}
    # what is left is the spill's numpy arrays (~26 bytes a row: group numbers, their order); main: 65 bytes a row
    assert peak < 40 * rows, f"{peak / rows:.0f} bytes of Python allocations a reject"


def _files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != "timings.json")


@pytest.mark.slow
def test_a_build_in_a_hostile_environment_writes_the_same_bytes(tmp_path: Path, small_build: Path) -> None:
    # held on main (round 16 probed it): another zone, an ASCII locale without UTF-8 mode, a fixed hash seed, one
    # polars thread, another working folder and the crawl reached through a link, given relative to it
    (tmp_path / "linked").symlink_to(SAMPLE_SMALL.parent)
    env = {**os.environ, "TZ": "Asia/Kolkata", "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
           "PYTHONHASHSEED": "12345", "POLARS_MAX_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run([sys.executable, "-m", "dedup.cli", "build", f"linked/{SAMPLE_SMALL.name}", "--out", "out",
                           "--workers", "1", "--no-progress"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / "out"
    assert _files(out) == _files(small_build)
    same, differ, failed = filecmp.cmpfiles(small_build, out, _files(small_build), shallow=False)
    assert not differ and not failed
