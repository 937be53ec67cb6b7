"""Near-duplicates: MinHash signatures -> LSH candidates -> verified edges -> components.

Candidates come from band buckets: per band, documents with the same band key form a bucket; each
bucket contributes a star (first member to every other) plus a path (each member to the next), so a
hot bucket of k documents costs 2(k-1) edges, never k². Every candidate edge is then verified on the
signatures: estimated Jaccard, and the containment of the smaller document in the larger derived from
it and the two shingle counts. Wire copies are often truncated or extended, so containment sees them
where Jaccard does not; the guards keep pages that share only a little text apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dedup.jit import jit
from dedup.neardup.minhash import band_keys
from dedup.neardup.passages import SITE_MIN_SHARED_WORDS, copies_by_passages, standing_text_only
from dedup.text.sentences import Passages

if TYPE_CHECKING:
    from dedup.config import BuildConfig


@dataclass(frozen=True, slots=True)
class VerifyParams:
    """When a candidate edge is accepted: by Jaccard, or by containment with guards."""
    jaccard: float = 0.5  # accept on estimated Jaccard alone at or above this
    containment: float = 0.75  # or on containment of the smaller doc in the larger...
    containment_min_jaccard: float = 0.1  # ...when Jaccard is at least this (guards tiny overlaps)
    min_shingles: int = 20  # containment only counts when the smaller doc has this many shingles
    # or on shared passages (neardup/passages.py): this share of the smaller doc's passage words...
    passage_coverage: float = 0.5  # (above 1: never)
    passage_paragraphs: int = 3  # ...from at least this many paragraphs of each (two sites' pages)...
    passage_site_paragraphs: int = 4  # ...or of each of two pages of one site (0: never within a site)

    @classmethod
    def for_clusters(cls, config: BuildConfig) -> VerifyParams:
        """The final clustering's acceptance rule."""
        return cls(config.verify_jaccard, config.verify_containment, config.verify_containment_min_jaccard,
                   config.verify_min_shingles, config.verify_passage_coverage, config.verify_passage_paragraphs,
                   config.verify_passage_site_paragraphs)

    @classmethod
    def for_stories(cls, config: BuildConfig) -> VerifyParams:
        """Stricter, for counting blocks per story: only versions of one page (re-crawls, URL variants,
        updates) count as one story. Pages that share a long template are not yet cleaned of it and look
        alike; merging them would hide the very repetition that marks the template."""
        return cls(config.story_jaccard, config.story_containment, config.story_containment_min_jaccard,
                   config.verify_min_shingles, passage_coverage=2.0)


@dataclass(slots=True)
class CandidateStats:
    """What the LSH buckets looked like, for run.json."""
    bands: int = 0
    buckets_multi: int = 0
    largest_bucket: int = 0
    hot_buckets: list = field(default_factory=list)  # (band, size) of buckets above the cap
    edges: int = 0


def bucket_edges(key: np.ndarray, doc: np.ndarray, hot_cap: int) -> tuple[np.ndarray, np.ndarray, BandFigures]:
    """One band's rows (band key, doc) -> the candidate pairs (lo, hi) of its buckets, and its figures.

    The rule both engines use: a bucket's members in doc order; a star from the first member to every
    other, plus a path through the members that skips the (first, second) pair the star already has."""
    order = np.lexsort((doc, key))
    return _sorted_bucket_edges(key[order], doc[order].astype(np.int64, copy=False), hot_cap)


def _sorted_bucket_edges(key: np.ndarray, doc: np.ndarray, hot_cap: int) -> tuple[np.ndarray, np.ndarray, BandFigures]:
    """`bucket_edges` of rows already sorted by (key, doc), doc as int64."""
    if len(doc) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), BandFigures()
    is_first = np.r_[True, key[1:] != key[:-1]]
    starts = np.flatnonzero(is_first)
    sizes = np.diff(np.r_[starts, len(doc)])
    multi = sizes > 1
    hot = np.flatnonzero(sizes > hot_cap)
    figures = BandFigures(int(multi.sum()), int(sizes.max()), list(zip(key[starts[hot]].tolist(), sizes[hot].tolist())))
    if not multi.any():
        return np.empty(0, np.int64), np.empty(0, np.int64), figures
    member = np.repeat(multi, sizes) & ~is_first
    first_of = np.repeat(doc[starts], sizes)
    prev = np.r_[doc[0], doc[:-1]]
    path = member & ~np.r_[False, is_first[:-1]]
    src = np.concatenate([first_of[member], prev[path]])
    dst = np.concatenate([doc[member], doc[path]])
    return src, dst, figures


@dataclass(frozen=True, slots=True)
class BandFigures:
    """What one band's buckets looked like: buckets of 2+, the largest, (key, size) of those above the cap."""

    buckets_multi: int = 0
    largest: int = 0
    hot: list = field(default_factory=list)

    def merge(self, other: BandFigures) -> BandFigures:
        """The figures of one band whose buckets were counted in two places (the Dask shuffle)."""
        return BandFigures(self.buckets_multi + other.buckets_multi, max(self.largest, other.largest),
                           sorted(self.hot + other.hot))


def add_band(stats: CandidateStats, band: int, figures: BandFigures) -> None:
    """Fold one band's figures into the stats (bands in order, buckets by key); a band without a bucket
    of 2+ counts for nothing (with a cap below 2 its single documents would be 'hot')."""
    if figures.buckets_multi:
        stats.buckets_multi += figures.buckets_multi
        stats.largest_bucket = max(stats.largest_bucket, figures.largest)
        stats.hot_buckets.extend((band, size) for _, size in figures.hot)


def pack_edges(src: list[np.ndarray], dst: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs from many buckets -> unique (src, dst) with src < dst, sorted."""
    if not src:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    a, b = np.concatenate(src).astype(np.int64), np.concatenate(dst).astype(np.int64)
    packed = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    return packed // n, packed % n


def candidate_edges(keys: np.ndarray, hot_cap: int = 1000) -> tuple[np.ndarray, np.ndarray, CandidateStats]:
    """keys: (n_docs, bands) band keys. Returns unique (src, dst) pairs with src < dst, and stats."""
    n, bands = keys.shape
    stats = CandidateStats(bands=bands)
    docs = np.arange(n, dtype=np.int64)
    srcs, dsts = [], []
    for b in range(bands):
        src, dst, figures = bucket_edges(keys[:, b], docs, hot_cap)
        add_band(stats, b, figures)
        srcs.append(src)
        dsts.append(dst)
    src, dst = pack_edges(srcs, dsts, n)
    stats.edges = len(src)
    return src, dst, stats


def passage_edges(key: np.ndarray, doc: np.ndarray, max_pages: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows (passage key, doc) -> the candidate pairs (lo, hi) of the documents that share a long passage
    (`passages.candidate_keys`), the star + path of each key's documents as `bucket_edges` makes them; a key
    of more than `max_pages` documents (a standard wire line, a template sentence) proposes none."""
    if len(doc) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.lexsort((doc, key))  # sorted once: the rows kept stay in `bucket_edges`' order
    key, doc = key[order], doc[order].astype(np.int64, copy=False)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    keep = np.repeat(sizes <= max_pages, sizes)
    src, dst, _ = _sorted_bucket_edges(key[keep], doc[keep], max_pages)
    return np.minimum(src, dst), np.maximum(src, dst)


def with_proposed(src: np.ndarray, dst: np.ndarray, psrc: np.ndarray, pdst: np.ndarray,
                  n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LSH's candidate pairs (unique, sorted, src < dst) and the pairs long passages propose ->
    their union in the same order, and which of its pairs the passages proposed."""
    if not len(psrc):
        return src, dst, np.zeros(len(src), dtype=bool)
    proposed = np.unique(psrc.astype(np.int64) * n + pdst.astype(np.int64))
    packed = np.union1d(src.astype(np.int64) * n + dst.astype(np.int64), proposed)
    return packed // n, packed % n, np.isin(packed, proposed, assume_unique=True)


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


# only candidates whose estimated containment reaches this are checked on their passages: it bounds the
# cost (a copy's shared sentences also share their 5-grams: 0.45 was the lowest among the bench copies)
PASSAGE_MIN_CONTAINMENT = 0.2


def passage_checks(ok: np.ndarray, contain: np.ndarray, p: VerifyParams,
                   proposed: np.ndarray | None = None) -> np.ndarray:
    """Positions of the candidate pairs the passage rule is asked about: not yet accepted, with some
    estimated containment or `proposed` by a long passage they share (none when the rule is off)."""
    if p.passage_coverage > 1.0:
        return np.empty(0, np.int64)
    asked = contain >= PASSAGE_MIN_CONTAINMENT
    if proposed is not None:
        asked |= proposed
    return np.flatnonzero(~ok & asked)


def verify_passages(ok: np.ndarray, checks: np.ndarray, src: np.ndarray, dst: np.ndarray,
                    passages: Sequence[Passages], status: np.ndarray | None, sites: np.ndarray | None,
                    p: VerifyParams, site_pages: Sequence[np.ndarray | None] | None = None) -> np.ndarray:
    """The accepted mask after the passage rule (the pairs at `checks` that share passages enough,
    `passages.copies_by_passages`: from `p.passage_paragraphs` paragraphs of each on two different sites, or from
    two that are the longer page's lead (`passages.lead_cut`),
    from `p.passage_site_paragraphs` and of SITE_MIN_SHARED_WORDS words on one site or where neither site is
    known) and the server-page rule (no edge touches a server-generated page). `passages`, `status`,
    `sites` and `site_pages` (`passages.site_pages` of the checked documents: their sites' template is then set
    aside too) are indexed like `src` and `dst` (`sites` None: every pair is of two different sites)."""
    ok = ok.copy()
    one_site = np.zeros(len(checks), dtype=bool)
    if sites is not None and len(checks):
        one_site = sites[src[checks]] == sites[dst[checks]]
    for i, same in zip(checks.tolist(), one_site.tolist()):
        paragraphs, words = (p.passage_site_paragraphs, SITE_MIN_SHARED_WORDS) if same else (p.passage_paragraphs, 0)
        a, b = (site_pages[src[i]], site_pages[dst[i]]) if site_pages is not None else (None, None)
        if paragraphs and copies_by_passages(passages[src[i]], passages[dst[i]], p.passage_coverage, paragraphs,
                                             words, None if a is None or b is None else (a, b), same):
            ok[i] = True
    if status is not None and len(src):
        ok &= ~(status[src] | status[dst])
    return ok


def standing_rule_on(p: VerifyParams) -> bool:
    """Whether the standing-text rule runs: the passage rule is on, with its one-site paragraphs."""
    return p.passage_coverage <= 1.0 and bool(p.passage_site_paragraphs)


def standing_checks(ok: np.ndarray, jac: np.ndarray, src: np.ndarray, dst: np.ndarray, sites: np.ndarray | None,
                    p: VerifyParams) -> np.ndarray:
    """Positions of the accepted edges `drop_standing_text` asks about: by containment alone (Jaccard under
    `p.jaccard`), between two pages of one known site (none when the passage rule is off or sites are unknown)."""
    if sites is None or not standing_rule_on(p) or not len(src):
        return np.empty(0, np.int64)
    return np.flatnonzero(ok & (jac < p.jaccard) & (sites[src] == sites[dst]) & (sites[src] != 0))


def drop_standing_text(ok: np.ndarray, asked: np.ndarray, src: np.ndarray, dst: np.ndarray,
                       passages: Sequence[Passages], p: VerifyParams) -> np.ndarray:
    """The accepted mask without the edges at `asked` (`standing_checks`) whose pages share only standing text of
    their site (`passages.standing_text_only`): two short stories carrying the same bio or disclaimer."""
    if not len(asked):
        return ok
    ok = ok.copy()
    for i in asked.tolist():
        if standing_text_only(passages[src[i]], passages[dst[i]], p.passage_site_paragraphs):
            ok[i] = False
    return ok


def lsh_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Band keys of each signature: (n, bands) uint64."""
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
    weak_edge = jac < p.jaccard
    for hub, other in ((larger, smaller), (smaller, larger)):
        order = np.argsort(hub, kind="stable")
        hubs, others, edges = hub[order], other[order], idx[order]
        starts = np.flatnonzero(np.r_[True, hubs[1:] != hubs[:-1]])
        ends = np.r_[starts[1:], len(hubs)]
        weak = weak_edge[edges]
        has_weak = np.add.reduceat(weak, starts) > 0
        flagged = _unrelated_groups(sigs, sizes, others, starts, ends, has_weak, COMPOSITE_MAX_NEIGHBOURS,
                                    UNRELATED_CONTAINMENT)
        keep[edges[np.repeat(flagged, ends - starts) & weak]] = False
        found += int(flagged.sum())
    return keep, found


UNRELATED_CONTAINMENT = 0.3


@jit
def _unrelated_groups(sigs: np.ndarray, sizes: np.ndarray, others: np.ndarray, starts: np.ndarray,
                      ends: np.ndarray, has_weak: np.ndarray, max_neighbours: int, threshold: float) -> np.ndarray:
    """For each hub (its neighbours `others[starts[g]:ends[g]]`), whether it has a containment-only
    edge, two neighbours or more, and two of its first `max_neighbours` neighbours with little in common:
    under `threshold` of the smaller one's shingles in the other (estimated as `estimate` does). Any
    two copies of one story share far more (at least the lead), whatever their edits. One compiled loop
    over all hubs, stopping at a hub's first unrelated pair: a Python loop cost a call per hub."""
    flagged = np.zeros(len(starts), dtype=np.bool_)
    perm = sigs.shape[1]
    for g in range(len(starts)):
        s, e = starts[g], ends[g]
        if e - s < 2 or not has_weak[g]:
            continue
        k = min(e - s, max_neighbours)
        for i in range(k - 1):
            a = others[s + i]
            for j in range(i + 1, k):
                b = others[s + j]
                same = 0
                for t in range(perm):
                    if sigs[a, t] == sigs[b, t]:
                        same += 1
                jac = same / perm
                size_a, size_b = float(sizes[a]), float(sizes[b])
                small = max(min(size_a, size_b), 1.0)
                if min(1.0, jac * (size_a + size_b) / ((1.0 + jac) * small)) < threshold:
                    flagged[g] = True
                    break
            if flagged[g]:
                break
    return flagged
