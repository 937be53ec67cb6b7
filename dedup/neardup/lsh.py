"""Near-duplicates: MinHash signatures -> LSH candidates -> verified edges -> components.

Candidates come from band buckets: per band, documents with the same band key form a bucket; each
bucket contributes a star (first member to every other) plus a path (each member to the next), so a
hot bucket of k documents costs 2(k-1) edges, never k². Every candidate edge is then verified on the
signatures: estimated Jaccard, and the containment of the smaller document in the larger derived from
it and the two shingle counts. Wire copies are often truncated or extended, so containment sees them
where Jaccard does not; the guards keep pages that share only a little text apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dedup.neardup.minhash import band_keys


@dataclass(frozen=True, slots=True)
class VerifyParams:
    jaccard: float = 0.5  # accept on estimated Jaccard alone at or above this
    containment: float = 0.75  # or on containment of the smaller doc in the larger...
    containment_min_jaccard: float = 0.1  # ...when Jaccard is at least this (guards tiny overlaps)
    min_shingles: int = 20  # containment only counts when the smaller doc has this many shingles


@dataclass(slots=True)
class CandidateStats:
    bands: int = 0
    buckets_multi: int = 0
    largest_bucket: int = 0
    hot_buckets: list = field(default_factory=list)  # (band, size) of buckets above the cap
    edges: int = 0


def candidate_edges(keys: np.ndarray, hot_cap: int = 1000) -> tuple[np.ndarray, np.ndarray, CandidateStats]:
    """keys: (n_docs, bands) band keys. Returns unique (src, dst) pairs with src < dst, and stats."""
    n, bands = keys.shape
    stats = CandidateStats(bands=bands)
    pairs: list[np.ndarray] = []
    for b in range(bands):
        col = keys[:, b]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, n])
        multi = sizes > 1
        if not multi.any():
            continue
        stats.buckets_multi += int(multi.sum())
        stats.largest_bucket = max(stats.largest_bucket, int(sizes.max()))
        for s in np.flatnonzero(sizes > hot_cap):
            stats.hot_buckets.append((b, int(sizes[s])))
        # members that are not the first of their bucket
        in_multi = np.repeat(multi, sizes)
        is_first = np.zeros(n, dtype=bool)
        is_first[starts] = True
        member = in_multi & ~is_first
        first_of = np.repeat(order[starts], sizes)  # the bucket's first doc, for each sorted position
        star = np.stack([first_of[member], order[member]])
        prev = np.r_[order[0], order[:-1]]
        path_mask = member & ~np.r_[False, is_first[:-1]]  # skip the pair (first, second): already a star edge
        path = np.stack([prev[path_mask], order[path_mask]])
        pairs.extend([star, path])
    if not pairs:
        return np.empty(0, np.int64), np.empty(0, np.int64), stats
    both = np.concatenate(pairs, axis=1).astype(np.int64)
    lo, hi = np.minimum(both[0], both[1]), np.maximum(both[0], both[1])
    packed = np.unique(lo * n + hi)
    src, dst = packed // n, packed % n
    stats.edges = len(src)
    return src, dst, stats


def estimate(sigs: np.ndarray, sizes: np.ndarray, src: np.ndarray, dst: np.ndarray,
             chunk: int = 32_768) -> tuple[np.ndarray, np.ndarray]:
    """Estimated Jaccard and containment (of the smaller doc in the larger) for each pair."""
    jac = np.empty(len(src), dtype=np.float64)
    for i in range(0, len(src), chunk):
        s, d = src[i:i + chunk], dst[i:i + chunk]
        jac[i:i + chunk] = (sigs[s] == sigs[d]).mean(axis=1)
    a = sizes[src].astype(np.float64)
    b = sizes[dst].astype(np.float64)
    small = np.maximum(np.minimum(a, b), 1.0)
    # |A∩B| = J(|A|+|B|)/(1+J); containment = |A∩B| / min(|A|,|B|)
    contain = np.minimum(1.0, jac * (a + b) / ((1.0 + jac) * small))
    return jac, contain


def verify(jac: np.ndarray, contain: np.ndarray, sizes: np.ndarray, src: np.ndarray, dst: np.ndarray,
           p: VerifyParams) -> np.ndarray:
    """Mask of accepted edges."""
    small = np.minimum(sizes[src], sizes[dst])
    by_jaccard = jac >= p.jaccard
    by_containment = (contain >= p.containment) & (jac >= p.containment_min_jaccard) & (small >= p.min_shingles)
    return by_jaccard | by_containment


def lsh_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    return band_keys(sigs, bands, rows)


COMPOSITE_MAX_NEIGHBOURS = 50


def drop_composite_edges(sigs: np.ndarray, sizes: np.ndarray, src: np.ndarray, dst: np.ndarray,
                         jac: np.ndarray, ok: np.ndarray, p: VerifyParams) -> tuple[np.ndarray, int]:
    """Chain guard: one page must not join two unrelated stories through containment.

    - a page that *contains* two unrelated documents (a round-up holding story A and story B);
    - a short page *contained in* two unrelated documents (a near-empty page that is mostly the
      footer both share).
    For such a hub, whose neighbours on the other side (by any accepted edge) include two that have
    little in common (containment < 0.3), its containment-only edges are dropped; it keeps its
    Jaccard edges, so it still joins the story it is most like. Truncated and trimmed copies of one
    story match each other (they share the lead), so a real story is never mistaken for a hub.
    Returns (new mask, hubs found).
    """
    if not (ok & (jac < p.jaccard)).any():
        return ok, 0
    idx = np.flatnonzero(ok)
    small_is_src = sizes[src[idx]] <= sizes[dst[idx]]
    larger = np.where(small_is_src, dst[idx], src[idx])
    smaller = np.where(small_is_src, src[idx], dst[idx])
    keep = ok.copy()
    found = 0
    for hub, other in ((larger, smaller), (smaller, larger)):
        order = np.argsort(hub, kind="stable")
        hubs, others, edges = hub[order], other[order], idx[order]
        starts = np.flatnonzero(np.r_[True, hubs[1:] != hubs[:-1]])
        ends = np.r_[starts[1:], len(hubs)]
        for s, e in zip(starts, ends):
            weak = edges[s:e][jac[edges[s:e]] < p.jaccard]
            if e - s < 2 or not len(weak):
                continue
            if _has_unrelated_pair(sigs, sizes, others[s:e][:COMPOSITE_MAX_NEIGHBOURS], p):
                keep[weak] = False
                found += 1
    return keep, found


UNRELATED_CONTAINMENT = 0.3


def _has_unrelated_pair(sigs: np.ndarray, sizes: np.ndarray, nodes: np.ndarray, p: VerifyParams) -> bool:
    """True when two of `nodes` have little in common: under 30 % of the smaller one's shingles in the
    other. Any two copies of one story share far more (at least the lead), whatever their edits."""
    if len(nodes) < 2:
        return False
    a, b = np.triu_indices(len(nodes), k=1)
    _, contain = estimate(sigs, sizes, nodes[a], nodes[b])
    return bool((contain < UNRELATED_CONTAINMENT).any())
