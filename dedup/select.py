"""select: one canonical record per cluster, by a stated, deterministic policy (decide, not apply).

The policy is an ordered list of rules (`policy.RULES`); the first rule on which the winner beats the runner-up is
recorded as `canonical_reason`. `smallest_doc_id` always closes the list, so ties cannot depend on
input order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import polars as pl

from dedup.policy import DEFAULT_POLICY, RULES, check_policy
from dedup.rights.attribution import agency_of_domain

def choose_canonical(members: pl.DataFrame, policy: tuple[str, ...] = DEFAULT_POLICY) -> pl.DataFrame:
    """members: doc_id, cluster_id, cluster_size + the policy's columns.

    Returns one row per doc_id: cluster_id, cluster_size, is_canonical, canonical_doc_id,
    canonical_reason.
    """
    policy = check_policy(policy)
    keys = [RULES[r][0] for r in policy]
    desc = [RULES[r][1] for r in policy]
    ranked = members.sort(["cluster_id", *keys], descending=[False, *desc], nulls_last=True).with_columns(
        pl.int_range(pl.len()).over("cluster_id").alias("_rank")
    )
    top2 = ranked.filter(pl.col("_rank") < 2)
    reasons = _reasons(top2, policy)
    canon = ranked.filter(pl.col("_rank") == 0).select(
        "cluster_id", pl.col("doc_id").alias("canonical_doc_id")
    ).join(reasons, on="cluster_id", how="left")
    out = ranked.join(canon, on="cluster_id", how="left").with_columns(
        (pl.col("_rank") == 0).alias("is_canonical"))
    return out.select("doc_id", "cluster_id", "cluster_size", "is_canonical", "canonical_doc_id",
                      "canonical_reason")


def _reasons(top2: pl.DataFrame, policy: tuple[str, ...]) -> pl.DataFrame:
    """The first rule on which each cluster's winner differs from its runner-up."""
    cols = [RULES[r][0] for r in policy]
    rows = top2.select("cluster_id", "_rank", *cols).rows(named=True)
    reasons: dict[str, str] = {}
    i = 0
    while i < len(rows):
        cid = rows[i]["cluster_id"]
        if i + 1 < len(rows) and rows[i + 1]["cluster_id"] == cid:
            first, second = rows[i], rows[i + 1]
            reason = next((r for r, c in zip(policy, cols) if first[c] != second[c]), "smallest_doc_id")
            reasons[cid] = reason
            i += 2
        else:
            reasons[cid] = "singleton"
            i += 1
    return pl.DataFrame({"cluster_id": list(reasons), "canonical_reason": list(reasons.values())},
                        schema={"cluster_id": pl.String, "canonical_reason": pl.String})


def provenance(decisions: pl.DataFrame, docs: pl.DataFrame) -> pl.DataFrame:
    """Per canonical doc: sorted doc_ids, urls and distinct domains of the other copies."""
    dups = decisions.filter(~pl.col("is_canonical")).select("doc_id", "cluster_id").join(
        docs.select("doc_id", "url", "domain"), on="doc_id", how="left"
    ).sort("doc_id")
    agg = dups.group_by("cluster_id").agg(
        pl.col("doc_id").alias("duplicate_doc_ids"),
        pl.col("url").alias("duplicate_urls"),
        pl.col("domain").drop_nulls().unique().sort().alias("duplicate_domains"),
    )
    return decisions.filter(pl.col("is_canonical")).select("doc_id", "cluster_id").join(
        agg, on="cluster_id", how="left"
    ).select("doc_id", "duplicate_doc_ids", "duplicate_urls", "duplicate_domains")


def on_agency_domain() -> pl.Expr:
    """`domain` is a wire agency's own site (the `agency_domain` rule's column)."""
    return pl.col("domain").map_elements(lambda d: agency_of_domain(d) is not None,
                                         return_dtype=pl.Boolean).alias("on_agency_domain")


def cluster_id_for(first_doc_id: str) -> str:
    """A cluster's id from its smallest member doc_id: stable under input order and sharding."""
    return "c" + hashlib.sha1(first_doc_id.encode("utf-8")).hexdigest()[:16]


def with_cluster_ids(members: pl.DataFrame) -> pl.DataFrame:
    """members: doc_id, _label (component) -> + cluster_size and cluster_id (from the smallest doc_id)."""
    members = members.with_columns(
        pl.col("doc_id").min().over("_label").alias("_first"),
        pl.len().over("_label").cast(pl.Int64).alias("cluster_size"),
    )
    firsts = members.select("_first").unique().with_columns(
        pl.col("_first").map_elements(cluster_id_for, return_dtype=pl.String).alias("cluster_id"))
    return members.join(firsts, on="_first", how="left")


def decide_canonical(members: pl.DataFrame, good: pl.DataFrame, policy: tuple[str, ...]) -> pl.DataFrame:
    """Components of this build's documents -> one decision row per document (`choose_canonical`), with
    the columns a decision about a previous release's document also has (all false / null here)."""
    members = with_cluster_ids(members).join(
        good.select("doc_id", "published_at", "fetched_at", "n_chars", on_agency_domain()), on="doc_id", how="left")
    return choose_canonical(members, policy).with_columns(
        pl.lit(False).alias("is_previous"), pl.lit(False).alias("was_canonical"),
        pl.lit(None, pl.String).alias("previous_class"), pl.lit(None, pl.String).alias("previous_agency"),
        pl.lit(False).alias("merged"))


def similarity(decisions: pl.DataFrame, hashes: pl.DataFrame, docs: pl.DataFrame,
               signatures: Callable[[np.ndarray], np.ndarray]) -> pl.DataFrame:
    """similarity_to_canonical and match on duplicate rows: exact (normalised texts equal, 1.0) or
    near (the MinHash estimate of their Jaccard). Canonical rows get nulls. `docs` gives each doc_id's
    signature index (`doc`); `signatures` reads those indexes' signatures, asked only for the near
    copies and their canonicals: an exact copy needs none (a cluster of 10^6 identical texts read 512 MB)."""
    dups = decisions.filter(~pl.col("is_canonical")).select("doc_id", "canonical_doc_id").join(
        hashes, on="doc_id", how="left").join(
        hashes.rename({"doc_id": "canonical_doc_id", "text_hash": "_canon_hash"}), on="canonical_doc_id", how="left")
    exact = (dups["text_hash"] == dups["_canon_hash"]).fill_null(False).to_numpy()
    # the scores go back by position (`sim[~exact]`): the joins must keep the near rows in `dups`' order
    near = dups.filter(~pl.Series(exact)).select("doc_id", "canonical_doc_id").join(
        docs, on="doc_id", how="left", maintain_order="left").join(
        docs.rename({"doc_id": "canonical_doc_id", "doc": "_canon_doc"}), on="canonical_doc_id", how="left",
        maintain_order="left")
    a, b = near["doc"].to_numpy(), near["_canon_doc"].to_numpy()
    sim = np.full(len(exact), 1.0)
    if len(a):
        wanted, at = np.unique(np.concatenate([a, b]), return_inverse=True)
        sigs = signatures(wanted)
        sim[~exact] = (sigs[at[:len(a)]] == sigs[at[len(a):]]).mean(axis=1)
    dups = dups.select(
        "doc_id",
        pl.Series("similarity_to_canonical", sim, pl.Float64),
        pl.when(pl.Series(exact)).then(pl.lit("exact")).otherwise(pl.lit("near")).alias("match"),
    )
    return decisions.join(dups, on="doc_id", how="left")
