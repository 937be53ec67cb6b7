"""Scale round 6 (docs/benchmarks.md "Scale round 6: a previous release's rows read where they are used"): a
`--previous` build holds no table of the previous release's records for its whole length (`load_previous` kept every
canonical's and duplicate's key columns, ~0.2 KB a record), the select stage places them in partitions one release
file at a time, and the build writes the same bytes."""

from __future__ import annotations

import dataclasses

import polars as pl
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, parquet_hashes

pytestmark = pytest.mark.skipif(not (REPO / "samples" / "crawl").is_dir(), reason="no samples/crawl")


def _load(old):
    from dedup.config import BuildConfig
    from dedup.neardup.sign import hasher, hasher_params
    from dedup.previous import load_previous

    config = BuildConfig()
    return load_previous(old, hasher(hasher_params(config)).params, config.bands, config.rows)


def test_the_previous_release_holds_no_table_of_its_records(sample_grown):
    """`load_previous` keeps no frame with a row per previous record (int28: `Previous.canon` and `.dups`, held from
    the build's start to its end); its canonicals' and duplicates' rows are read from the release when asked, every
    one once in doc_id order, and `documents` still counts data/, duplicates/ and rejects/."""
    old = sample_grown["old"]
    prev = _load(old)
    held = [f.name for f in dataclasses.fields(prev)
            if isinstance(getattr(prev, f.name), pl.DataFrame) and "doc_id" in getattr(prev, f.name).columns]
    assert held == []
    data = pl.concat([pl.read_parquet(f, columns=["doc_id", "n_chars"])
                      for f in sorted((old / "data").rglob("*.parquet"))])
    canon = prev.canonical_rows()
    assert canon["doc_id"].to_list() == sorted(data["doc_id"].to_list()) and canon.height > 5
    assert canon.select(pl.col("n_chars").sum()).item() == data["n_chars"].sum()
    assert prev.canonical_rows(["doc_id", "publish_class"])["publish_class"].null_count() == 0
    dups = pl.read_parquet(old / "duplicates" / "*.parquet", columns=["doc_id", "canonical_doc_id"])
    assert prev.duplicate_rows(["doc_id", "canonical_doc_id"]).equals(dups.sort("doc_id")) and dups.height > 5
    rejects = sum(pq.read_metadata(f).num_rows for f in (old / "rejects").glob("*.parquet"))
    assert prev.documents == data.height + dups.height + rejects


def test_the_select_stage_places_previous_rows_one_release_file_at_a_time(sample_grown, tmp_path, monkeypatch):
    """`sample_grown`'s next build again: the select stage's previous rows reach `scatter_previous_rows` one data/ or
    duplicates/ file at a time (int28: every canonical and every duplicate in one table each, from `Previous`), every
    row once, and the Parquet bytes are `sample_grown`'s."""
    import dedup.globalstages as globalstages
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    old = sample_grown["old"]
    data_files = sorted((old / "data").rglob("*.parquet"))
    dup_files = sorted((old / "duplicates").rglob("*.parquet"))
    assert len(data_files) > 1
    handed: dict[str, list[list[str]]] = {}
    real = globalstages.scatter_previous_rows

    def counting(files, where, partitions, stem):
        frames = list(files)
        handed[stem.name] = [f["doc_id"].to_list() for f in frames]
        return real(frames, where, partitions, stem)

    monkeypatch.setattr(globalstages, "scatter_previous_rows", counting)
    nxt = tmp_path / "next"
    build([str(REPO / "samples" / "crawl" / "sample-00000.warc.gz")], nxt, BuildConfig(), workers=1, previous=old)
    for stem, files in (("previous-canon", data_files), ("previous-dups", dup_files)):
        assert handed[stem] == [pl.read_parquet(f, columns=["doc_id"])["doc_id"].to_list() for f in files]
    assert parquet_hashes(nxt) == parquet_hashes(sample_grown["next"])
