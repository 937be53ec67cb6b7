"""explain: why two documents of a build were or were not clustered.

Reads the build's signatures/, data/, duplicates/ and run.json; recomputes the estimates and the
verification verdict with the run's own parameters, and for two documents of one cluster that were not
an edge themselves, the chain of accepted edges through other documents that joins them. Exact measures need both texts: they are shown
when both documents are canonical records (duplicate rows do not carry text). So do the shared
passages (`neardup/passages.py`): an edge the passage rule accepted is only recognised with both texts;
the chain shows MinHash edges only.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import numpy as np
import polars as pl

from dedup.errors import InputError
from dedup.neardup.minhash import shingles
from dedup.text.language import shingle_unit
from dedup.neardup.lsh import (PASSAGE_MIN_CONTAINMENT, VerifyParams, drop_standing_text, estimate, lsh_keys,
                               standing_checks, verify)
from dedup.neardup.passages import (CANDIDATE_MAX_PAGES, SITE_MIN_SHARED_WORDS, Passages, candidate_keys,
                                   copies_by_passages, shared_figures, site_key, stories_above_shared)
from dedup.text.sentences import passages
from dedup.text.normalise import split_blocks


def _scan(out: Path, table: str) -> pl.LazyFrame:
    files = sorted((out / table).rglob("*.parquet"))
    if not files:
        raise InputError(f"{out}/{table}/ has no Parquet files: is {out} the --out folder of a dedup build?")
    return pl.scan_parquet(files)


def lookup(out: Path, doc_id: str) -> dict:
    """Where a document ended: data, duplicates or rejects, with its row."""
    for table in ("data", "duplicates", "rejects"):
        rows = _scan(out, table).filter(pl.col("doc_id") == doc_id).collect()
        if rows.height:
            return {"table": table, **rows.row(0, named=True)}
    raise InputError(f"doc_id {doc_id!r} is not in {out} (data, duplicates or rejects)")


def explain_pair(out: Path, a: str, b: str) -> dict:
    """Estimated and (where the texts are kept) exact Jaccard and containment, shared band buckets,
    and the verification verdict under the run's parameters."""
    config = json.loads((out / "run.json").read_text("utf-8"))["config"]
    sig_rows = _scan(out, "signatures").filter(pl.col("doc_id").is_in([a, b])).collect()
    found = {r["doc_id"]: r for r in sig_rows.iter_rows(named=True)}
    for d in found:
        row = lookup(out, d)
        found[d]["cluster_id"], found[d]["domain"] = row.get("cluster_id"), row.get("domain")
    for d in (a, b):
        if d not in found:
            where = lookup(out, d)["table"]
            raise InputError(f"{d!r} has no signature (it is in {where}/: rejects are never signed)")
    sigs = np.asarray([found[a]["signature"], found[b]["signature"]], dtype=np.uint32)
    sizes = np.asarray([found[a]["n_shingles"], found[b]["n_shingles"]], dtype=np.int64)
    src, dst = np.asarray([0]), np.asarray([1])
    jac, contain = estimate(sigs, sizes, src, dst)
    keys = lsh_keys(sigs, config["bands"], config["rows"])
    shared = [int(i) for i in np.flatnonzero(keys[0] == keys[1])]
    params = VerifyParams(config["verify_jaccard"], config["verify_containment"],
                          config["verify_containment_min_jaccard"], config["verify_min_shingles"],
                          config.get("verify_passage_coverage", 2.0), config.get("verify_passage_paragraphs", 3),
                          config.get("verify_passage_site_paragraphs", 0))
    accepted = bool(verify(jac, contain, sizes, src, dst, params)[0])
    texts, languages = _texts(out, [a, b])
    standing = accepted and len(texts) == 2 and _standing(
        float(jac[0]), found[a]["domain"], found[b]["domain"], texts[a], texts[b], params)
    accepted = accepted and not standing
    result = {
        "a": a, "b": b,
        "cluster_a": found[a]["cluster_id"], "cluster_b": found[b]["cluster_id"],
        "same_cluster": found[a]["cluster_id"] == found[b]["cluster_id"],
        "estimated_jaccard": round(float(jac[0]), 4),
        "estimated_containment": round(float(contain[0]), 4),
        "n_shingles": [int(sizes[0]), int(sizes[1])],
        "shared_bands": shared, "bands": config["bands"], "rows": config["rows"],
        "candidate": bool(shared),
        "verdict": STANDING_VERDICT if standing else _verdict(bool(shared), accepted, float(jac[0]),
                                                              float(contain[0]), params),
    }
    if result["same_cluster"] and not (shared and accepted):
        result["chain"] = chain(out, a, b, found[a]["cluster_id"], config, params)
    if len(texts) == 2:
        sa = set(shingles(texts[a], config["ngram"], shingle_unit(languages[a], config["shingle_unit"])))
        sb = set(shingles(texts[b], config["ngram"], shingle_unit(languages[b], config["shingle_unit"])))
        inter = len(sa & sb)
        result["exact_jaccard"] = round(inter / max(1, len(sa | sb)), 4)
        result["exact_containment"] = round(inter / max(1, min(len(sa), len(sb))), 4)
        pa_, pb_ = passages(split_blocks(texts[a])), passages(split_blocks(texts[b]))
        coverage, paragraphs, words = shared_figures(pa_, pb_)
        result["shared_passages"] = {"coverage": round(coverage, 4), "paragraphs": paragraphs}
        # a long passage both share proposes the pair too (unless more than CANDIDATE_MAX_PAGES pages share it)
        proposed = params.passage_coverage <= 1.0 and \
            bool(len(np.intersect1d(candidate_keys(pa_), candidate_keys(pb_))))
        if not shared and proposed:
            result["candidate"] = True
            result["verdict"] = (f"proposed by a long passage both share (if at most {CANDIDATE_MAX_PAGES} pages "
                                 "share it), not by LSH; " + _verdict(True, accepted, float(jac[0]), float(contain[0]),
                                                                       params))
        # (a pair dropped as standing text shares too little to pass the one-site passage rule: its verdict stays)
        # (two pages of one site whose own texts both sit above what they share are two stories, whatever the
        # figures: the build's own rule, `stories_above_shared`, real copies round 12); one site as the build reads it,
        # by `site_key`: two pages of no known site are one (review round 29)
        one_domain = site_key(found[a]["domain"]) == site_key(found[b]["domain"])
        if ((shared and float(contain[0]) >= PASSAGE_MIN_CONTAINMENT) or proposed) and not accepted and \
                not standing and copies_by_passages(pa_, pb_, params.passage_coverage, params.passage_paragraphs) and \
                not (one_domain and stories_above_shared(pa_, pb_)):
            site_rule = params.passage_site_paragraphs
            one_site = site_rule and paragraphs >= site_rule and words >= SITE_MIN_SHARED_WORDS
            where = "" if one_site else ", if the two pages are on different sites"
            result["verdict"] = (f"edge accepted by shared passages (coverage {coverage:.2f} from {paragraphs} "
                                 f"paragraphs){where}")
    else:
        result["exact"] = "not computed: duplicate rows do not keep their text"
    return result


STANDING_VERDICT = ("edge accepted by containment, then dropped as standing text: the two pages of one site share "
                    "only a bio, disclaimer or notice, and the shorter keeps a story of its own (docs/extraction.md, "
                    "Real copies round 9)")


def _standing(jac: float, domain_a: str | None, domain_b: str | None, text_a: str, text_b: str,
              p: VerifyParams) -> bool:
    """Whether the build dropped this accepted edge as its site's standing text: the build's own two steps on the one
    edge (`lsh.standing_checks` picks it, `lsh.drop_standing_text` answers), with the sites `passages.site_key` gives
    the signing pass."""
    sites = np.asarray([site_key(domain_a), site_key(domain_b)], dtype=np.uint64)
    src, dst, ok = np.asarray([0]), np.asarray([1]), np.asarray([True])
    asked = standing_checks(ok, np.asarray([jac]), src, dst, sites, p)
    return bool(len(asked)) and not drop_standing_text(ok, asked, src, dst, [_passages(text_a), _passages(text_b)],
                                                       p)[0]


def _passages(text: str) -> Passages:
    return passages(split_blocks(text))


def _verdict(candidate: bool, accepted: bool, jac: float, contain: float, p: VerifyParams) -> str:
    if not candidate:
        return "never compared: no LSH band bucket in common (they may still share a cluster through other documents)"
    if not accepted:
        return (f"candidate rejected: Jaccard {jac:.2f} < {p.jaccard} and containment {contain:.2f} "
                f"does not pass (needs >= {p.containment} with Jaccard >= {p.containment_min_jaccard})")
    how = "Jaccard" if jac >= p.jaccard else "containment"
    return f"edge accepted by {how}"


def _texts(out: Path, ids: list[str]) -> tuple[dict[str, str], dict[str, str | None]]:
    """The kept texts of these documents (canonical records only) and their languages."""
    frame = _scan(out, "data")
    cols = ["doc_id", "text"] + (["language"] if "language" in frame.collect_schema().names() else [])
    rows = frame.filter(pl.col("doc_id").is_in(ids)).select(cols).collect()
    texts = {r["doc_id"]: r["text"] for r in rows.iter_rows(named=True) if r["text"] is not None}
    return texts, {r["doc_id"]: r.get("language") for r in rows.iter_rows(named=True)}


def chain(out: Path, a: str, b: str, cluster_id: str, config: dict, params: VerifyParams) -> list[str]:
    """How two documents of one cluster are joined through others: the shortest chain of accepted
    edges (pairs of the cluster that share an LSH band bucket and pass verification, recomputed from
    signatures/; an edge the build dropped as its site's standing text is left out where both texts are kept),
    one line per edge."""
    member_rows = pl.concat([_scan(out, t).filter(pl.col("cluster_id") == cluster_id).select("doc_id", "domain")
                             .collect() for t in ("data", "duplicates")])
    members = member_rows["doc_id"].to_list()
    domains = dict(member_rows.iter_rows())
    rows = _scan(out, "signatures").filter(pl.col("doc_id").is_in(members)).select(
        "doc_id", "n_shingles", "signature").collect().sort("doc_id")
    ids = rows["doc_id"].to_list()
    if a not in ids or b not in ids:
        return ["no chain: a member of the cluster has no signature"]
    sigs = np.asarray(rows["signature"].to_list(), dtype=np.uint32)
    sizes = rows["n_shingles"].to_numpy().astype(np.int64)
    keys = lsh_keys(sigs, config["bands"], config["rows"])
    src, dst = np.triu_indices(len(ids), k=1)
    shared = (keys[src] == keys[dst]).any(axis=1)
    src, dst = src[shared], dst[shared]
    jac, contain = estimate(sigs, sizes, src, dst)
    ok = verify(jac, contain, sizes, src, dst, params)
    texts, _ = _texts(out, members)
    for i in np.flatnonzero(ok).tolist():
        x, y = ids[src[i]], ids[dst[i]]
        if x in texts and y in texts and _standing(float(jac[i]), domains.get(x), domains.get(y), texts[x], texts[y],
                                                   params):
            ok[i] = False
    graph: dict[int, list[tuple[int, float, float]]] = {}
    for s, d, j, c in zip(src[ok].tolist(), dst[ok].tolist(), jac[ok].tolist(), contain[ok].tolist()):
        graph.setdefault(s, []).append((d, j, c))
        graph.setdefault(d, []).append((s, j, c))
    start, goal = ids.index(a), ids.index(b)
    came: dict[int, tuple[int, float, float] | None] = {start: None}
    queue = deque([start])
    while queue and goal not in came:
        node = queue.popleft()
        for nxt, j, c in sorted(graph.get(node, [])):
            if nxt not in came:
                came[nxt] = (node, j, c)
                queue.append(nxt)
    if goal not in came:
        # the signatures hold only the MinHash evidence: pairs proposed and accepted by shared passages (long
        # sentences, not published) and a previous release's clusters cannot be replayed from the release
        previous = json.loads((out / "run.json").read_text("utf-8")).get("previous") or {}
        how = ("shared passages (long sentences both pages hold; the release does not publish them) or a previous "
               "release's membership" if previous else
               "shared passages (long sentences both pages hold; the release does not publish them)")
        return [f"no chain of accepted MinHash edges among the {len(ids)} members' signatures: the cluster was "
                f"joined through {how}"]
    steps, node = [], goal
    while came[node] is not None:
        prev, j, c = came[node]  # type: ignore[misc]
        how = "Jaccard" if j >= params.jaccard else "containment"
        steps.append(f"{ids[prev]} -> {ids[node]}: estimated Jaccard {j:.2f}, containment {c:.2f} ({how})")
        node = prev
    return steps[::-1]
