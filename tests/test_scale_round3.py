"""Scale round 3 (docs/benchmarks.md "Scale round 3: a next release over a large one"): a `--previous` build reads
the previous release piece by piece, whatever its size, and writes the same bytes as when it read it whole.

The sample's small file released with tiny shards and row groups (many data/ and signatures/ files), then the
sample's first WARC file built on it: the same Parquet bytes as on the session's `sample_grown` (the same release
in one shard of each table), while the write stage never holds more than one batch of its signatures."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, parquet_hashes

pytestmark = pytest.mark.skipif(not (REPO / "samples" / "crawl").is_dir(), reason="no samples/crawl")


def _release_in_small_pieces(folder: Path) -> Path:
    """`small_build`'s crawl built again with 1 KiB data shards and row groups, packaged as `s` 1.0.0."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    built = folder / "old-many"
    build([str(REPO / "samples" / "crawl" / "sample-extra.jsonl.gz")], built,
          BuildConfig(shard_bytes=1024, row_group_bytes=1024), workers=1)
    package(built, name="s")
    return built


def test_a_next_release_over_many_small_shards_writes_the_same_bytes_in_signature_batches(
        sample_grown, tmp_path, monkeypatch):
    """The previous release in many small files gives the next release's Parquet files byte for byte as in one
    shard each (`sample_grown`'s "next"); its signatures reach the write stage in batches of at most
    `previous._SIGNATURE_BATCH` rows (on int27 all at once: `Previous.published_signatures`, ~5 GB for 10 M
    records), every published one once."""
    import dedup.filestages as filestages
    import dedup.previous as previous

    old = _release_in_small_pieces(tmp_path)
    assert len(list((old / "data").rglob("*.parquet"))) > 3
    assert any(pq.read_metadata(f).num_row_groups > 1 for f in (old / "data").rglob("*.parquet"))
    published = pl.read_parquet(old / "signatures" / "*.parquet").filter(pl.col("n_shingles").fill_null(0) > 0)
    batch = 7
    assert published.height > 3 * batch
    monkeypatch.setattr(previous, "_SIGNATURE_BATCH", batch, raising=False)
    seen: list[int] = []
    carried: list[str] = []
    real = filestages.signature_rows

    def counting(rows: pl.DataFrame, decisions: pl.DataFrame):
        seen.append(rows.height)
        carried.extend(rows["doc_id"].to_list())
        return real(rows, decisions)

    monkeypatch.setattr(filestages, "signature_rows", counting)
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    nxt = tmp_path / "next"
    build([str(REPO / "samples" / "crawl" / "sample-00000.warc.gz")], nxt, BuildConfig(), workers=1, previous=old)
    assert max(seen) <= batch
    assert sorted(carried) == sorted(published["doc_id"].to_list())
    assert parquet_hashes(nxt) == parquet_hashes(sample_grown["next"])


def test_a_merge_reads_only_the_row_groups_that_hold_a_demoted_canonical(tmp_path, monkeypatch):
    """`absorbed_votes` reads the doc_ids of a data/ file first, then the vote columns of the row groups that hold a
    demoted canonical only (on int27 every row's `attribution_evidence` of every data/ file, at once per file):
    a file of 10 row groups, one demoted canonical, one row group read whole, and the votes as before."""
    from dedup.grown_clusters import absorbed_votes

    n = 50
    evidence = [[{"kind": "cluster", "value": f"{1 + i % 3} of 3 copies name it", "agency": "AFP"}] for i in range(n)]
    rows = pl.DataFrame({"doc_id": [f"d{i:03d}" for i in range(n)], "cluster_size": [3] * n,
                         "original_source": ["AFP"] * n, "attribution_evidence": evidence})
    path = tmp_path / "train.parquet"
    rows.write_parquet(path, row_group_size=5)
    assert pq.read_metadata(path).num_row_groups == 10
    decisions = pl.DataFrame({"doc_id": ["d000", "d031", "n"], "cluster_id": ["k"] * 3,
                              "is_previous": [True, True, False], "was_canonical": [True, True, False],
                              "is_canonical": [True, False, False], "cluster_agency": ["AFP"] * 3})
    read: list[tuple[int, tuple[str, ...]]] = []
    real = pq.ParquetFile.read_row_group

    def spy(self, i, columns=None, **kwargs):
        read.append((i, tuple(columns or ())))
        return real(self, i, columns=columns, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spy)
    absorbed = absorbed_votes([path], decisions)
    assert absorbed.rows() == [("k", 2, [])]  # d031: "2 of 3 copies name it"
    whole = [i for i, columns in read if "attribution_evidence" in columns]
    assert whole == [6]
