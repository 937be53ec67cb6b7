"""Scale round 5 (docs/benchmarks.md "Scale round 5: a previous shard written slice by slice"): `sign.sign_previous`
writes each slice of a previous signatures/ shard to the signing task's two files as it is read (a store block or
band in several batches), with the passages of the published texts held flat, and the build writes the same bytes."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, parquet_hashes

pytestmark = pytest.mark.skipif(not (REPO / "samples" / "crawl").is_dir(), reason="no samples/crawl")


def test_a_previous_shard_reaches_the_spill_a_slice_at_a_time(sample_grown, tmp_path, monkeypatch):
    """`sample_grown`'s next build again with `SIGN_SLICE_ROWS` at 7: every table `sign_previous` hands to the spill
    (its signatures by store block, its band keys by band, its documents' indices) has at most 7 rows, those of
    every previous record together (main: the whole shard sorted at once, each band's keys of the whole shard held
    at once), and the Parquet
    bytes are `sample_grown`'s."""
    import dedup.globalstages as globalstages
    import dedup.neardup.sign as sign
    from dedup import spill
    from dedup.config import BuildConfig
    from dedup.neardup.sign import DOCS_GROUP
    from dedup.pipeline import build

    old = sample_grown["old"]
    published = pq.read_metadata(sorted((old / "signatures").glob("*.parquet"))[0]).num_rows
    slice_rows = 7
    assert published > 3 * slice_rows
    monkeypatch.setattr(sign, "SIGN_SLICE_ROWS", slice_rows)
    inside = [False]
    # (file, group, rows) of each table written while a previous shard is signed (the sig file: group 0)
    handed: list[tuple[str, int, int]] = []

    def flagged(*args, **kwargs):
        inside[0] = True
        try:
            return real_sign_previous(*args, **kwargs)
        finally:
            inside[0] = False

    real_sign_previous = globalstages.sign_previous
    monkeypatch.setattr(globalstages, "sign_previous", flagged)
    real_grouped, real_groups = spill.write_grouped, spill.write_groups

    def grouped(table, group, path, *args, **kwargs):
        if inside[0]:
            handed.append((path.name[:4], 0, table.num_rows))
        return real_grouped(table, group, path, *args, **kwargs)

    def groups(schema, names, tables, path):
        tables = list(tables)
        if inside[0]:
            handed.extend((path.name[:4], g, t.num_rows) for g, t in zip(names, tables))
        return real_groups(schema, names, tables, path)

    monkeypatch.setattr(spill, "write_grouped", grouped)
    monkeypatch.setattr(spill, "write_groups", groups)
    writer = getattr(spill, "GroupWriter", None)
    if writer is not None:
        real_write = writer.write

        def write(self, table):
            if inside[0]:
                handed.append((self.path.name[:4], self.groups[self.written], table.num_rows))
            return real_write(self, table)

        monkeypatch.setattr(writer, "write", write)
    nxt = tmp_path / "next"
    build([str(REPO / "samples" / "crawl" / "sample-00000.warc.gz")], nxt, BuildConfig(), workers=1, previous=old)
    assert {name for name, _, _ in handed} == {"part", "band"}
    # a band's keys and the documents' indices (the long passages' rows: those of a slice's documents)
    assert max(rows for name, group, rows in handed if name == "part" or group >= DOCS_GROUP) <= slice_rows
    assert sum(rows for name, _, rows in handed if name == "part") == published  # every previous record once
    assert sum(rows for _, group, rows in handed if group == DOCS_GROUP) == published
    assert parquet_hashes(nxt) == parquet_hashes(sample_grown["next"])


def _groups(path) -> dict[int, pa.Table]:
    from dedup import spill

    with pa.OSFile(str(path), "rb") as source:
        names = json.loads(ipc.open_file(source).schema.metadata[spill.GROUPS_KEY])
    return {g: spill.read_group(path, g).combine_chunks() for g in sorted(set(names))}


def test_slices_across_row_groups_hand_on_the_rows_of_the_whole_shard(sample_grown, tmp_path):
    """A previous shard rewritten in row groups of 3 rows, signed 7 records a slice (slices that cross row groups,
    with the passages of the published texts): every store block and band of the task's two files holds the rows,
    in order, of the original shard signed in one slice."""
    from dedup import spill
    from dedup.neardup.sign import sign_previous

    old = sample_grown["old"]
    shard = sorted((old / "signatures").glob("*.parquet"))[0]
    table = pq.read_table(shard)
    n = table.num_rows
    cut = tmp_path / "cut.parquet"
    pq.write_table(table, cut, row_group_size=3)
    assert pq.ParquetFile(cut).num_row_groups > 3
    keys = tmp_path / "keys.arrow"
    spill.write_grouped(pa.table({"doc": pa.array(np.arange(n) * 3, pa.int64())}), np.zeros(n, np.int64), keys)
    data = tuple(sorted((old / "data").rglob("*.parquet")))
    num_perm = len(table.column("signature")[0])
    whole, sliced = tmp_path / "whole", tmp_path / "sliced"
    assert sign_previous(shard, keys, num_perm, 10, 16, 8, whole / "sig.arrow", whole / "bands.arrow", data,
                         slice_rows=n) == n
    assert sign_previous(cut, keys, num_perm, 10, 16, 8, sliced / "sig.arrow", sliced / "bands.arrow", data,
                         slice_rows=7) == n
    for name in ("sig.arrow", "bands.arrow"):
        expected, got = _groups(whole / name), _groups(sliced / name)
        assert list(got) == list(expected) and len(got) > 3
        assert all(got[g].equals(expected[g]) for g in expected)
    passages = _groups(whole / "sig.arrow")
    assert sum(pa.concat_arrays([t.column("passage_keys").combine_chunks() for t in passages.values()])
               .value_lengths().to_numpy() > 0) >= 5  # the published texts' passages came along
