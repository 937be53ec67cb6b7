"""The write stage's shard writer (`shards.write_sorted`) at the size of a real build, without the build:
peak resident memory and CPU time of writing one bucket, in a process of its own.

    python scripts/bench_write.py spill SHARD.parquet --table documents --pieces 300 --spill DIR
    python scripts/bench_write.py write --spill DIR --table documents --out OUT.parquet

`spill` reads the rows of output shards of a build (any table: data, duplicates, signatures), puts
them in a seeded random order (a crawl's input order has nothing to do with doc_id, which is a hash)
and adds them to a one-bucket `BucketSpill` in `--pieces` pieces of consecutive rows, as `apply_part`
does: one piece per 4,096-record batch of each docs part (a 10,000-record part gives 3), so a
1,000,000-page crawl spills 300 pieces into each data and duplicates bucket (100 into each signatures
bucket: one `add` a part). `write` then runs `write_sorted` on that bucket in a fresh process and prints
one JSON line: rows, the process's resident size before the write and its peak (VmHWM, mapped pages of
the spill included), CPU seconds and the sha256 of the file written (the same input rows must give the
same bytes whatever the writer's code). Run each with `PYTHONPATH` set to the code under test: the spill
format belongs to that code.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.schema import schema
from dedup.shards import BucketSpill, write_sorted

ROW_GROUP_BYTES = 96 * 1024 * 1024


def _vm(field: str) -> float:
    """A /proc/self/status size field in MiB (VmRSS, VmHWM)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split(f"{field}:")[1].split()[0]) / 1024


def spill(shards: list[Path], table: str, pieces: int, folder: Path, seed: int) -> dict:
    rows = pa.concat_tables([pq.read_table(f) for f in shards], promote_options="permissive")
    # the file's own key-value metadata, so the file written can be compared with the build's
    own = schema(table).metadata or {}
    kv = {k.decode(): v.decode() for k, v in (rows.schema.metadata or {}).items() if k not in own and b"ARROW" not in k}
    rows = rows.cast(schema(table))  # as `to_schema` hands them to `add`
    order = np.random.default_rng(seed).permutation(rows.num_rows)
    bucket = BucketSpill(folder, 1, table)
    for chunk in np.array_split(order, pieces):
        bucket.add(rows.take(pa.array(chunk)))
    (folder / "kv.json").write_text(json.dumps(kv))
    return {"rows": rows.num_rows, "pieces": pieces, "spill_mib": sum(
        f.stat().st_size for f in bucket.pieces_of(0)) / 2**20}


def write(folder: Path, table: str, out: Path) -> dict:
    bucket = BucketSpill(folder, 1, table)
    before = _vm("VmRSS")
    cpu, wall = time.process_time(), time.perf_counter()
    n = write_sorted(bucket, 0, out, json.loads((folder / "kv.json").read_text()), ROW_GROUP_BYTES)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    usage, peak = resource.getrusage(resource.RUSAGE_SELF), _vm("VmHWM")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    return {"rows": n, "rss_before_mib": round(before, 1), "peak_mib": round(peak, 1),
            "ru_maxrss_mib": round(usage.ru_maxrss / 1024, 1),
            "arrow_pool_peak_mib": round(pa.default_memory_pool().max_memory() / 2**20, 1),
            "arrow_pool": pa.default_memory_pool().backend_name, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
            "row_groups": pq.ParquetFile(out).metadata.num_row_groups, "sha256": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["spill", "write"])
    parser.add_argument("shards", nargs="*", type=Path,
                        help="spill: output Parquet files of a build (several: one bigger bucket)")
    parser.add_argument("--table", default="documents", help="the schema: documents, duplicates, signatures...")
    parser.add_argument("--pieces", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--spill", type=Path, required=True, help="the spill folder")
    parser.add_argument("--out", type=Path, help="write: the Parquet file to write")
    args = parser.parse_args()
    if args.mode == "spill":
        result = spill(args.shards, args.table, args.pieces, args.spill, args.seed)
    else:
        result = write(args.spill, args.table, args.out)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
