"""explain: why two documents of a build were or were not clustered.

Reads the build's signatures/, data/, duplicates/ and run.json; recomputes the estimates and the
verification verdict with the run's own parameters. Exact measures need both texts: they are shown
when both documents are canonical records (duplicate rows do not carry text).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from dedup.errors import InputError
from dedup.neardup.minhash import shingles
from dedup.neardup.lsh import VerifyParams, estimate, lsh_keys, verify


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
        found[d]["cluster_id"] = lookup(out, d).get("cluster_id")
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
                          config["verify_containment_min_jaccard"], config["verify_min_shingles"])
    accepted = bool(verify(jac, contain, sizes, src, dst, params)[0])
    result = {
        "a": a, "b": b,
        "cluster_a": found[a]["cluster_id"], "cluster_b": found[b]["cluster_id"],
        "same_cluster": found[a]["cluster_id"] == found[b]["cluster_id"],
        "estimated_jaccard": round(float(jac[0]), 4),
        "estimated_containment": round(float(contain[0]), 4),
        "n_shingles": [int(sizes[0]), int(sizes[1])],
        "shared_bands": shared, "bands": config["bands"], "rows": config["rows"],
        "candidate": bool(shared),
        "verdict": _verdict(bool(shared), accepted, float(jac[0]), float(contain[0]), params),
    }
    texts = _texts(out, [a, b])
    if len(texts) == 2:
        sa = set(shingles(texts[a], config["ngram"], config["shingle_unit"]))
        sb = set(shingles(texts[b], config["ngram"], config["shingle_unit"]))
        inter = len(sa & sb)
        result["exact_jaccard"] = round(inter / max(1, len(sa | sb)), 4)
        result["exact_containment"] = round(inter / max(1, min(len(sa), len(sb))), 4)
    else:
        result["exact"] = "not computed: duplicate rows do not keep their text"
    return result


def _verdict(candidate: bool, accepted: bool, jac: float, contain: float, p: VerifyParams) -> str:
    if not candidate:
        return "never compared: no LSH band bucket in common (they may still share a cluster through other documents)"
    if not accepted:
        return (f"candidate rejected: Jaccard {jac:.2f} < {p.jaccard} and containment {contain:.2f} "
                f"does not pass (needs >= {p.containment} with Jaccard >= {p.containment_min_jaccard})")
    how = "Jaccard" if jac >= p.jaccard else "containment"
    return f"edge accepted by {how}"


def _texts(out: Path, ids: list[str]) -> dict[str, str]:
    rows = _scan(out, "data").filter(pl.col("doc_id").is_in(ids)).select("doc_id", "text").collect()
    return {d: t for d, t in rows.iter_rows() if t is not None}
