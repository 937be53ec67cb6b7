"""Scale round 4 (docs/benchmarks.md "Scale round 4: a previous shard signed in slices"): a `--previous` build
reads each signatures/ shard of the previous release a slice of rows at a time, as a docs part is signed
(`sign.sign_slices`), and writes the same bytes as when it read the shard whole."""

from __future__ import annotations

import sys

import numpy as np
import polars as pl
import pytest

from tests.conftest import REPO, parquet_hashes

pytestmark = pytest.mark.skipif(not (REPO / "samples" / "crawl").is_dir(), reason="no samples/crawl")


def test_a_previous_shard_signed_in_slices_writes_the_same_bytes(sample_grown, tmp_path, monkeypatch):
    """`sample_grown`'s next build again with `SIGN_SLICE_ROWS` at 7: the previous release's signatures/ shard
    (more than 3 slices of rows) reaches `store.sig_table` (from `sign_previous`) at most 7 rows at a time (on int27 the whole shard at once:
    `sign_previous` held it as Arrow and NumPy, ~4.4 KB a record), every record once, and the Parquet bytes are
    `sample_grown`'s."""
    import dedup.neardup.sign as sign
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    old = sample_grown["old"]
    shards = sorted((old / "signatures").glob("*.parquet"))
    published = pl.read_parquet(shards)
    slice_rows = 7
    assert len(shards) == 1 and published.height > 3 * slice_rows
    monkeypatch.setattr(sign, "SIGN_SLICE_ROWS", slice_rows)
    seen: list[np.ndarray] = []
    real = sign.sig_table

    def counting(doc, *args, **kwargs):
        if sys._getframe(1).f_code.co_name == "sign_previous":
            seen.append(np.asarray(doc).copy())
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(sign, "sig_table", counting)
    nxt = tmp_path / "next"
    build([str(REPO / "samples" / "crawl" / "sample-00000.warc.gz")], nxt, BuildConfig(), workers=1, previous=old)
    assert seen and max(len(s) for s in seen) <= slice_rows
    signed = np.concatenate(seen)
    assert len(signed) == published.height == len(np.unique(signed))  # every previous record once
    assert parquet_hashes(nxt) == parquet_hashes(sample_grown["next"])
