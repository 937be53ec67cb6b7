"""The shard writer (`shards.write_sorted`): a bucket spilled in many pieces comes out sorted by doc_id,
cut into row groups from the pieces' Arrow size, with the bytes the whole sorted table would have
written, whatever the pieces' order and size.
"""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.schema import schema
from dedup.shards import COMPRESSION, COMPRESSION_LEVEL, BucketSpill, write_sorted

KV = {"dedup.version": "test", "dedup.table": "test"}


def _signatures(n: int, seed: int, lengths: tuple[int, ...] = (16,)) -> pa.Table:
    rng = random.Random(seed)
    ids = [f"<urn:uuid:{rng.getrandbits(128):032x}>" for _ in range(n)]
    return pa.table({
        "doc_id": ids,
        "is_canonical": [rng.random() < 0.2 for _ in range(n)],
        "n_shingles": [None if rng.random() < 0.1 else rng.randrange(1, 900) for _ in range(n)],
        "signature": [[rng.getrandbits(32) for _ in range(rng.choice(lengths))] for _ in range(n)],
    }).cast(schema("signatures"))


def _duplicates(n: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    sch = schema("duplicates")
    columns = {}
    for field in sch:
        if field.name.endswith("doc_id"):
            columns[field.name] = [f"<urn:uuid:{rng.getrandbits(128):032x}>" for _ in range(n)]
        elif pa.types.is_string(field.type):
            columns[field.name] = [None if field.nullable and rng.random() < 0.3 else "x" * rng.randrange(0, 60)
                                   for _ in range(n)]
        else:
            columns[field.name] = pa.nulls(n, field.type) if field.nullable else pa.array(
                [0] * n).cast(field.type)
    return pa.table(columns).cast(sch)


def _whole(table: pa.Table, rows_per_group: int, path) -> bytes:
    """What writing the whole bucket at once, sorted, gives (the reference)."""
    meta = dict(table.schema.metadata or {}) | {k.encode(): v.encode() for k, v in KV.items()}
    ordered = table.sort_by([("doc_id", "ascending")]).replace_schema_metadata(meta)
    pq.write_table(ordered, path, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL,
                   row_group_size=rows_per_group, write_statistics=True, use_dictionary=True)
    return path.read_bytes()


def _ragged(n: int, seed: int) -> pa.Table:
    """Lists of several lengths: taken as any other column, not placed row by row."""
    return _signatures(n, seed, (1, 16, 17))


@pytest.mark.parametrize("name, make", [("signatures", _signatures), ("signatures", _ragged),
                                        ("duplicates", _duplicates)])
@pytest.mark.parametrize("pieces, group_bytes", [(1, 1 << 30), (7, 20_000), (23, 3_000)])
def test_write_sorted_gives_the_bytes_of_the_whole_sorted_table(tmp_path, name, make, pieces, group_bytes):
    rows = make(700, seed=pieces)
    spill = BucketSpill(tmp_path / "spill", 1, name)
    cuts = sorted(random.Random(pieces).sample(range(1, rows.num_rows), pieces - 1))
    for start, end in zip([0, *cuts], [*cuts, rows.num_rows]):
        spill.add(rows.slice(start, end - start))
    out = tmp_path / "out.parquet"
    assert write_sorted(spill, 0, out, KV, group_bytes) == rows.num_rows
    written = pq.ParquetFile(out)
    sizes = [written.metadata.row_group(i).num_rows for i in range(written.metadata.num_row_groups)]
    assert len(set(sizes[:-1])) <= 1 and sizes[-1] <= sizes[0]
    assert (len(sizes) > 1) == (group_bytes < 1 << 30)
    assert out.read_bytes() == _whole(rows, sizes[0], tmp_path / "whole.parquet")


def test_an_empty_bucket_is_a_file_with_no_rows(tmp_path):
    spill = BucketSpill(tmp_path / "spill", 2, "signatures")
    out = tmp_path / "out.parquet"
    assert write_sorted(spill, 1, out, KV, 1 << 20) == 0
    assert pq.read_table(out).num_rows == 0


def test_lists_of_one_length_per_piece_but_not_per_bucket_are_taken_like_the_others(tmp_path):
    rows = pa.concat_tables([_signatures(300, seed=1, lengths=(8,)), _signatures(300, seed=2, lengths=(9,))])
    spill = BucketSpill(tmp_path / "spill", 1, "signatures")
    spill.add(rows.slice(0, 300))
    spill.add(rows.slice(300))
    out = tmp_path / "out.parquet"
    write_sorted(spill, 0, out, KV, 10_000)
    sizes = pq.ParquetFile(out).metadata
    assert out.read_bytes() == _whole(rows, sizes.row_group(0).num_rows, tmp_path / "whole.parquet")
