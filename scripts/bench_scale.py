"""The global steps of `dedup build` at sizes this machine cannot hold in memory: time and peak memory
per stage, from synthetic signatures and key columns.

    python scripts/bench_scale.py --signatures-only 1000000
    python scripts/bench_scale.py --signatures-only 10000000 --engine dask --workers 2 --json
    python scripts/bench_scale.py --signatures-only 3000000 --memory 4G --keep DIR

`--signatures-only N` writes N synthetic documents' key columns as docs parts (10,000 a part, as a
crawl of 10,000-record WARC files gives), then runs the build's own stages on them: keys (repeated ids,
the global index), signing (each part's signatures written by a task, as `sign_part` writes them, then
assembled in doc order), cluster (LSH band groups, verification per edge partition, chain guard,
components), select and rights (per cluster partition). The text stages (stories, site chrome, the
write) need pages and are not run. Peak memory is sampled from /proc for the bench process and all its
children (the embedded engine's workers, a LocalCluster's processes), stage by stage.

The documents are shaped like a news crawl (the proportions of `../shared/bench/scale_crawl.py`):
- stories: 8 % originals alone, wire stories copied by a geometric number of sites (mean 8, at most 35),
  4 % second fetches of a page (the same text again);
- copies: each MinHash value of the story kept with probability 0.55-1.0 (the copy's Jaccard to
  the story), a length of 0.3-1.1 times the story's (truncated and extended copies: containment);
- hot buckets: 0.3 % of the pages are short template pages, 3 templates per million pages sharing 20
  of 64 bands (buckets of about 1,000 pages that verification rejects);
- 1,000 sites per million pages; dates, licences, agencies, datelines and bylines (on 60 % of the copies)
  drawn per site and story.
Everything is a function of (seed, document number): the same N gives the same documents.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dedup.config import BuildConfig  # noqa: E402
from dedup.ingest import KEY_COLUMNS  # noqa: E402
from dedup.memory import TASK_PEAKS_ENV, Budget, RssSampler, task_peaks  # noqa: E402
from dedup.neardup.sign import write_signed_part  # noqa: E402
from dedup.neardup.store import assemble_block, n_blocks, write_meta  # noqa: E402
from dedup.schema import schema  # noqa: E402

PART_ROWS = 10_000
NUM_PERM = 128
MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def mix(*keys: np.ndarray | int) -> np.ndarray:
    """splitmix64 of the keys combined: a deterministic pseudo-random uint64 per element."""
    h = np.asarray(0x9E3779B97F4A7C15, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in keys:
            x = (np.asarray(k).astype(np.uint64) + h) * np.uint64(0xBF58476D1CE4E5B9)
            x ^= x >> np.uint64(31)
            x *= np.uint64(0x94D049BB133111EB)
            h = x ^ (x >> np.uint64(29))
    return h


def unit(*keys: np.ndarray | int) -> np.ndarray:
    """Uniform floats in [0, 1) from the keys."""
    return (mix(*keys) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def plan(n: int, seed: int) -> dict[str, np.ndarray]:
    """Which story each document copies, and how: arrays of n (saved for the tasks)."""
    rng = np.random.default_rng(seed)
    story = np.empty(n, dtype=np.int64)
    kind = np.zeros(n, dtype=np.int8)  # 0 copy, 1 original alone, 2 second fetch, 3 template page
    i, s = 0, 0
    while i < n:
        r = rng.random()
        if r < 0.08:
            size, k = 1, 1
        else:
            size, k = min(35, int(rng.geometric(1 / 8))), 0
        size = min(size, n - i)
        story[i:i + size], kind[i:i + size] = s, k
        i, s = i + size, s + 1
    order = rng.permutation(n)  # the copies of a story are spread over the crawl
    story, kind = story[order], kind[order]
    refetch = rng.random(n) < 0.04  # the same page fetched again: a copy of another document
    source = np.where(refetch, rng.integers(0, n, n), np.arange(n))
    templates = max(1, round(3 * n / 1_000_000))
    template = np.where(rng.random(n) < 0.003, rng.integers(0, templates, n), -1)
    kind[refetch] = 2
    kind[template >= 0] = 3
    return {"story": story, "kind": kind, "source": source, "template": template}


def signatures(g: np.ndarray, p: dict[str, np.ndarray], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures and shingle counts of documents g (global numbers)."""
    src = p["source"][g]  # a second fetch is its source's copy
    story = p["story"][src]
    j = np.arange(NUM_PERM, dtype=np.uint64)[None, :]
    base = (mix(seed, story[:, None], j) >> np.uint64(32)).astype(np.uint32)
    keep = unit(seed, src[:, None], j, 1) < (0.55 + 0.45 * unit(seed, src, 2))[:, None]
    alone = p["kind"][src] == 1
    keep[alone] = True
    own = (mix(seed, src[:, None], j, 3) >> np.uint64(32)).astype(np.uint32)
    sigs = np.where(keep, base, own)
    template = p["template"][g]
    t = template >= 0
    if t.any():  # 40 values (20 bands of 2 rows) of the template, the rest the page's own
        tj = np.arange(40, dtype=np.uint64)[None, :]
        sigs[t, :40] = (mix(seed, 7, template[t][:, None], tj) >> np.uint64(32)).astype(np.uint32)
    return sigs.astype(np.uint32), shingles(g, p, seed)


def shingles(g: np.ndarray, p: dict[str, np.ndarray], seed: int) -> np.ndarray:
    """Shingle counts of documents g: the story's length times the copy's share; template pages short."""
    src = p["source"][g]
    sizes = (50 + 1950 * unit(seed, p["story"][src], 4)) * (0.3 + 0.8 * unit(seed, src, 5))
    t = p["template"][g] >= 0
    sizes[t] = 20 + 40 * unit(seed, g[t], 6)
    return sizes.astype(np.int64)


def key_columns(part: int, g: np.ndarray, p: dict[str, np.ndarray], seed: int) -> pa.Table:
    """The docs part of documents g: the key columns the global steps read (no text)."""
    n = len(g)
    src = p["source"][g]
    story = p["story"][src]
    site = (mix(seed, g, 10) % np.uint64(max(40, len(p["story"]) // 1000))).astype(np.int64)
    uid = mix(seed, g, 11)
    uid2 = mix(seed, g, 12)
    doc_id = [f"<urn:uuid:{a:016x}{b:016x}>" for a, b in zip(uid.tolist(), uid2.tolist())]
    published = (1_700_000_000 + (mix(seed, story, 13) % np.uint64(30_000_000)).astype(np.int64)
                 + (unit(seed, g, 14) * 86_400 * 3).astype(np.int64)) * 1_000_000
    agencies = np.array([None, None, "Associated Press", "Reuters", "Agence France-Presse"], dtype=object)
    agency = agencies[(mix(seed, story, 15) % np.uint64(5)).astype(np.int64)]
    agency = np.where(unit(seed, g, 16) < 0.7, agency, None)
    licences = [("CC-BY-4.0", "open", "page"), (None, "noassertion", None), ("LicenseRef-All-Rights-Reserved",
                                                                             "all-rights-reserved", "page")]
    lic = (mix(seed, site, 17) % np.uint64(3)).astype(np.int64)
    text_hash = [f"{h:016x}" for h in mix(seed, src, 18).tolist()]
    # a byline on 60 % of the copies (a copy that drops it does not vote), from one of two page formats
    bylined = unit(seed, g, 19) < 0.6
    writer = (mix(seed, story, 20) % np.uint64(5_000)).astype(np.int64)
    authors = [[f"Writer {w}"] if b else [] for w, b in zip(writer.tolist(), bylined.tolist())]
    author_source = np.where(bylined, np.where(unit(seed, site, 21) < 0.5, "jsonld", "byline_class"), None)
    columns = {
        "doc_id": doc_id, "url": [f"https://site{s}.example/news/{u:x}" for s, u in zip(site.tolist(), uid.tolist())],
        "domain": [f"site{s}.example" for s in site.tolist()], "text_hash": text_hash,
        "n_chars": (6 * shingles(g, p, seed)).tolist(),
        "published_at": pa.array(published, pa.timestamp("us", "UTC")),
        "fetched_at": pa.array(published + 86_400_000_000, pa.timestamp("us", "UTC")),
        "source_file": [f"synthetic-{part:05d}.warc.gz"] * n, "source_offset": (np.arange(n) * 4096).tolist(),
        "reject_reason": [None] * n, "reject_detail": [None] * n, "agency": agency.tolist(),
        "dateline": np.where(agency != None, "WASHINGTON", None).tolist(),  # noqa: E711
        "licence_spdx": [licences[i][0] for i in lic.tolist()], "licence_class": [licences[i][1] for i in lic.tolist()],
        "licence_scope": [licences[i][2] for i in lic.tolist()], "copyright_holder": [None] * n,
        "copyright_year": [None] * n, "copyright_notice": [None] * n,
        "authors": authors, "authors_source": author_source.tolist(),
    }
    docs = schema("docs")
    return pa.table({c: pa.array(columns[c], docs.field(c).type) for c in KEY_COLUMNS},
                    schema=pa.schema([docs.field(c) for c in KEY_COLUMNS]))


def load_plan(folder: Path) -> dict[str, np.ndarray]:
    return {k: np.load(folder / f"plan-{k}.npy", mmap_mode="r") for k in ("story", "kind", "source", "template")}


def write_part(folder: Path, part: int, n: int, seed: int, target: Path) -> int:
    """A task: the docs part `part` (its documents' key columns)."""
    p = load_plan(folder)
    g = np.arange(part * PART_ROWS, min(n, (part + 1) * PART_ROWS), dtype=np.int64)
    pq.write_table(key_columns(part, g, p, seed), target, compression="zstd", compression_level=1)
    return len(g)


def sign_synthetic(folder: Path, part: int, n: int, seed: int, keys_file: Path, block_rows: int, bands: int,
                   rows: int, sig_file: Path, band_file: Path) -> int:
    """A task standing for `sign_part`: the part's synthetic signatures at the keys stage's indices."""
    from dedup.keys import read_keys

    p = load_plan(folder)
    g = np.arange(part * PART_ROWS, min(n, (part + 1) * PART_ROWS), dtype=np.int64)
    doc = read_keys(keys_file, ["doc"])["doc"].to_numpy()
    signed = doc >= 0
    sigs, sizes = signatures(g[signed], p, seed)
    hashes = [f"{h:016x}" for h in mix(seed, p["source"][g[signed]], 18).tolist()]
    return write_signed_part(doc[signed], sigs, sizes, hashes, block_rows, bands, rows, sig_file, band_file)


def run(n: int, engine: str, workers: int, memory: str | None, keep: Path | None, seed: int) -> dict:
    from dedup import buildstate, pipeline
    from dedup.engine.steps import DaskOptions
    from dedup.workdir import WorkDir

    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="dedup-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    work = WorkDir(root / "build")
    shutil.rmtree(work.stage_dir, ignore_errors=True)
    work.prepare("bench")
    config = BuildConfig(site_chrome=False)
    dask = DaskOptions(workers=workers) if engine == "dask" else None
    budget = Budget.of(memory, workers)
    timings: dict[str, float] = {}
    # every task's own peak (reset as it starts), in every process: the sampler's figures are per process
    os.environ[TASK_PEAKS_ENV] = str(root / "task-peaks")
    try:
        with pipeline._engine(dask, workers) as steps, RssSampler() as sampler, RssSampler() as by_step:
            b = buildstate.Build([], [], work, config, None, steps, buildstate.Progress(), "bench", budget)
            stage_phase = b.phase

            def phase(name: str | None) -> None:  # each step of a stage sampled on its own as well
                stage_phase(name)
                by_step.stage(f"{b._stage}/{name}" if name else b._stage)
            b.phase = phase  # type: ignore[method-assign]
            sampler.stage("generate")
            t = time.perf_counter()
            p = plan(n, seed)
            for k, v in p.items():
                np.save(root / f"plan-{k}.npy", v)
            del p
            parts = -(-n // PART_ROWS)
            work.file_part(0).parent.mkdir(parents=True, exist_ok=True)
            steps.map(write_part, [(root, i, n, seed, work.file_part(i)) for i in range(parts)])
            work.mark_finished("ingest", "bench", {"parts": [[i] for i in range(parts)]})  # a part a file
            timings["generate"] = round(time.perf_counter() - t, 1)
            for name in ("keys", "sign", "cluster", "select", "rights"):
                sampler.stage(name)
                by_step.stage(name)
                t = time.perf_counter()
                if name == "sign":
                    folder = buildstate.fresh(work.folder("sig2"))
                    block_rows = budget.rows(config.num_perm * 8, cap=4_000_000)
                    write_meta(folder, b.n, config.num_perm, block_rows)
                    b.map(sign_synthetic, [(root, i, n, seed, b.keys_file(i), block_rows, config.bands, config.rows,
                                            folder / f"part-{i:05d}.arrow", folder / f"bands-{i:05d}.arrow")
                                           for i in range(parts)])
                    files = sorted(folder.glob("part-*.arrow"))
                    b.map(assemble_block, [(folder, k, files) for k in range(n_blocks(b.n, block_rows))])
                    work.mark_finished("sign", "bench", {})
                else:
                    pipeline._run_stage(b, name)
                timings[name] = round(time.perf_counter() - t, 1)
            peaks, step_peaks = sampler.report(), by_step.report()
            figures = b.figures("cluster")["pass2"]
        by_task = task_peaks(root / "task-peaks")
    finally:
        os.environ.pop(TASK_PEAKS_ENV, None)
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return {"n": n, "engine": engine, "workers": workers, "budget": budget.to_dict(), "stage_s": timings,
            "steps_s": b.step_timings, "partitions": b.layout, "peak_mib": peaks,
            "peak_mib_by_step": step_peaks, "task_peak_mib": by_task, "near_duplicates": figures}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--signatures-only", type=int, required=True, metavar="N", help="synthetic documents")
    ap.add_argument("--engine", choices=["embedded", "dask"], default="embedded")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory", help="the build's --memory budget [default: 1/8 of RAM]")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="keep the work folder here")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args.signatures_only, args.engine, args.workers, args.memory, args.keep, args.seed)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['n']:,} documents, {result['engine']} engine, {result['workers']} workers, budget "
          f"{result['budget']['total_mib']:,} MiB; partitions {result['partitions']}")
    print("| stage | wall s | peak MiB, bench process | peak MiB, all processes |")
    print("| --- | --- | --- | --- |")
    for stage, s in result["stage_s"].items():
        peak = result["peak_mib"].get(stage, {})
        print(f"| {stage} | {s} | {peak.get('main', '-')} | {peak.get('tree', '-')} |")
    print("| step | peak MiB, bench process | all processes | largest process |")
    print("| --- | --- | --- | --- |")
    for step, peak in result["peak_mib_by_step"].items():
        print(f"| {step} | {peak['main']} | {peak['tree']} | {peak['largest']} |")
    print("| task | tasks run | largest peak MiB | median peak MiB |")
    print("| --- | --- | --- | --- |")
    for task, peak in result["task_peak_mib"].items():
        print(f"| {task} | {peak['tasks']} | {peak['largest']} | {peak['median']} |")
    print("near-duplicates:", json.dumps(result["near_duplicates"]))


if __name__ == "__main__":
    main()
