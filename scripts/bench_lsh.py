"""LSH candidate generation on N signatures: dedup's band table vs datasketch's MinHashLSH.

Signatures are synthetic but shaped like a crawl: N/5 stories, each with a few copies whose
signatures agree with the story's on a random share of positions (Jaccard 0.2-1.0). Each contender
runs in its own child process, so its peak RSS is its own; both report wall time and the share of
true copy pairs (Jaccard >= 0.5) they return as candidates.

    python scripts/bench_lsh.py [--n 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def make_signatures(n: int, num_perm: int = 128, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    stories = n // 5
    base = rng.integers(0, 2**32 - 1, size=(stories, num_perm), dtype=np.uint32)
    story_of = rng.integers(0, stories, size=n)
    story_of[:stories] = np.arange(stories)
    jaccard = rng.uniform(0.2, 1.0, size=n)
    keep = rng.random((n, num_perm)) < jaccard[:, None]
    sigs = np.where(keep, base[story_of], rng.integers(0, 2**32 - 1, size=(n, num_perm), dtype=np.uint32))
    return sigs.astype(np.uint32), story_of, jaccard


def run_dedup(sigs: np.ndarray) -> set[tuple[int, int]]:
    from dedup.neardup.minhash import band_keys
    from dedup.neardup.lsh import candidate_edges

    src, dst, _ = candidate_edges(band_keys(sigs, 64, 2))
    return set(zip(src.tolist(), dst.tolist()))


def run_datasketch(sigs: np.ndarray) -> set[tuple[int, int]]:
    from datasketch import MinHashLSH

    from dedup.neardup.minhash import signatures_to_datasketch

    lsh = MinHashLSH(threshold=0.5, num_perm=sigs.shape[1])
    hashes = [signatures_to_datasketch(row) for row in sigs]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def child(which: str, n: int) -> None:
    sigs, story_of, jaccard = make_signatures(n)
    t0 = time.perf_counter()
    pairs = run_dedup(sigs) if which == "dedup" else run_datasketch(sigs)
    wall = time.perf_counter() - t0
    # true pairs: copies of one story whose estimated Jaccard with each other is >= 0.5 (sampled)
    rng = np.random.default_rng(1)
    order = np.argsort(story_of, kind="stable")
    truth, found = 0, 0
    for a, b in zip(order[:-1], order[1:]):
        if story_of[a] == story_of[b] and (sigs[a] == sigs[b]).mean() >= 0.5:
            truth += 1
            found += (min(a, b), max(a, b)) in pairs
    print(json.dumps({"contender": which, "n": n, "wall_s": round(wall, 2), "candidate_pairs": len(pairs),
                      "recall_j_ge_0.5": round(found / max(truth, 1), 4),
                      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
    del rng


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--child", choices=["dedup", "datasketch"])
    args = ap.parse_args()
    if args.child:
        child(args.child, args.n)
        return
    print("| contender | n | wall s | candidate pairs | recall at J >= 0.5 | peak RSS MiB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for which in ("dedup", "datasketch"):
        out = subprocess.run([sys.executable, __file__, "--child", which, "--n", str(args.n)],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        label = "dedup band table (64 x 2, star+path)" if which == "dedup" else "datasketch MinHashLSH(0.5)"
        print(f"| {label} | {r['n']:,} | {r['wall_s']} | {r['candidate_pairs']:,} | {r['recall_j_ge_0.5']} | "
              f"{r['peak_rss_mib']} |")


if __name__ == "__main__":
    main()
