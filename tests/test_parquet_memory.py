"""A Parquet file of one large row group is read a page at a time, not a column chunk at a time.

pyarrow reads a row group's whole column chunk into memory before it decodes the chunk's first page unless the
file is opened with a `buffer_size` (`parquetrows.PARQUET_BUFFER`): a file written as one row group of 286 MiB
peaked at 793 MiB RSS (docs/architecture.md, "Parquet memory").
"""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq

from dedup.sources.read import read_parquet

ROWS = 6000
PAGE = 4096   # 6,000 pages of 4 KB: a 23 MiB `html` column chunk (hex digits, stored uncompressed)


def _page(i: int) -> str:
    seed = hashlib.sha256(str(i).encode()).hexdigest()
    return (seed * (PAGE // len(seed) + 1))[:PAGE - 40] + f"<p>{i:08d}</p>" + seed[:27]


def test_one_big_row_group_is_read_in_pages(tmp_path):
    path = tmp_path / "one-group.parquet"
    table = pa.table({"id": [f"d{i}" for i in range(ROWS)], "url": [f"https://a.example/{i}" for i in range(ROWS)],
                      "html": [_page(i) for i in range(ROWS)]})
    pq.write_table(table, path, row_group_size=ROWS, compression="none")
    assert pq.ParquetFile(path).metadata.num_row_groups == 1
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(2).total_compressed_size
    del table
    start = pa.total_allocated_bytes()
    peak = 0
    rows = 0
    for batch in read_parquet(path, "one-group.parquet"):
        peak = max(peak, pa.total_allocated_bytes() - start)
        rows += batch.num_rows
        del batch
    assert rows == ROWS
    # measured 12 MiB (the reader's batches of 512 rows, pyarrow's pages), 32 MiB when the chunk was read whole
    assert chunk > 20 * 2**20
    assert peak < 16 * 2**20, (peak, chunk)
