"""cluster: verified candidate edges -> connected components (their ids: `select.cluster_id_for`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dedup.jit import jit
from collections.abc import Sequence

from dedup.neardup.lsh import (CandidateStats, VerifyParams, candidate_edges, drop_composite_edges, estimate, lsh_keys,
                               passage_checks, passage_edges, verify, verify_passages, with_proposed,
                               drop_standing_text, standing_checks)
from dedup.neardup.passages import CANDIDATE_MAX_PAGES, candidate_rows, site_pages, site_repeats, site_rows
from dedup.text.sentences import Passages


def connected_components(n_nodes: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Label of each node = smallest node index in its component (union-find: memory of one label
    per node, whatever the number of edges)."""
    labels = np.arange(n_nodes, dtype=np.int64)
    if len(src) == 0:
        return labels
    union_edges(labels, np.asarray(src), np.asarray(dst))
    flatten(labels)
    return labels


@jit
def _find(parent: np.ndarray, x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        parent[x], x = root, parent[x]
    return root


@jit
def union_edges(parent: np.ndarray, src: np.ndarray, dst: np.ndarray) -> None:
    """Join the two ends of every edge in a union-find forest (`parent`, from np.arange); a root is
    always its tree's smallest node. Edges may come in several calls; `flatten` at the end."""
    for i in range(len(src)):
        a, b = _find(parent, src[i]), _find(parent, dst[i])
        if a < b:
            parent[b] = a
        elif b < a:
            parent[a] = b


@jit
def flatten(parent: np.ndarray) -> None:
    """Every node points at its root, the smallest node of its component (one pass: a node's parent
    is never larger than the node, so it is final when the node is reached)."""
    for x in range(len(parent)):
        parent[x] = parent[parent[x]]


CandidateEdges = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray, CandidateStats]]
Components = Callable[[int, np.ndarray, np.ndarray], np.ndarray]


def near_dup_labels(sigs: np.ndarray, sizes: np.ndarray, bands: int, rows: int, hot_cap: int, params: VerifyParams,
                    *, previous: np.ndarray | None = None, membership: tuple[np.ndarray, np.ndarray] | None = None,
                    candidate_edges: CandidateEdges = candidate_edges,
                    components: Components = connected_components, passages: Sequence[Passages] | None = None,
                    status: np.ndarray | None = None, sites: np.ndarray | None = None,
                    stories: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Components of the verified candidate graph, and its figures for run.json.

    With a previous release: `previous` marks its documents, whose relations stay as published (edges
    between two of them are ignored once the chain guard has seen them, and `membership` edges, each previous
    duplicate to its canonical, keep its clusters whole). The engine supplies `candidate_edges` and `components`.
    `passages`, `status` and `sites` (per document, from the final signing pass) add the passage and server-page rules;
    `stories` (the pass-1 story of each document; None: each its own) is what a site's template is counted in."""
    keys = lsh_keys(sigs, bands, rows)
    src, dst, stats = candidate_edges(keys, hot_cap)
    proposed = None
    repeats = None  # the long passages other pages of their site hold (`passages.site_repeats`)
    if passages is not None and params.passage_coverage <= 1.0:
        pkey, pdoc = candidate_rows(passages, status)
        src, dst, proposed = with_proposed(src, dst, *passage_edges(pkey, pdoc, CANDIDATE_MAX_PAGES), len(sigs))
        if sites is not None:
            repeats = site_repeats(*site_rows(pkey, pdoc, sites, stories))
    jac, contain = estimate(sigs, sizes, src, dst)
    ok = verify(jac, contain, sizes, src, dst, params) & (sizes[src] > 0) & (sizes[dst] > 0)
    if passages is not None:
        ok = drop_standing_text(ok, standing_checks(ok, jac, src, dst, sites, params), src, dst, passages, params)
        checks = passage_checks(ok, contain, params, proposed)
        checks = checks[(sizes[src[checks]] > 0) & (sizes[dst[checks]] > 0)]
        pages: list[np.ndarray | None] | None = None
        if repeats is not None and sites is not None:
            pages = [None] * len(sigs)
            for doc in np.unique(np.r_[src[checks], dst[checks]]).tolist():
                pages[doc] = site_pages(passages[doc], int(sites[doc]), repeats)
        ok = verify_passages(ok, checks, src, dst, passages, status, sites, params, pages)
    # the chain guard sees the edges among a previous release's pages too (a hub among them is still a hub:
    # docs/extraction.md, "Real copies round 8"); they are ignored after it, its clusters staying as published
    ok, composites = drop_composite_edges(sigs, sizes, src, dst, jac, ok, params)
    if previous is not None:
        ok &= ~(previous[src] & previous[dst])
    n_candidates = len(src)
    src, dst = src[ok], dst[ok]
    if membership is not None:
        src, dst = np.r_[src, membership[0]], np.r_[dst, membership[1]]
    labels = components(len(sigs), src, dst)
    report = {"candidate_edges": int(n_candidates), "verified_edges": int(ok.sum()),
              "buckets_with_copies": stats.buckets_multi, "largest_bucket": stats.largest_bucket,
              "hot_buckets": stats.hot_buckets[:20], "hot_bucket_count": len(stats.hot_buckets),
              "composite_pages": composites}
    return labels, report
