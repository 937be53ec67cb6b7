"""select: one canonical record per cluster, by a stated, deterministic policy (decide, not apply).

The policy is an ordered list of rules; the first rule on which the winner beats the runner-up is
recorded as `canonical_reason`. `smallest_doc_id` always closes the list, so ties cannot depend on
input order.
"""

from __future__ import annotations

import polars as pl

from dedup.errors import ConfigError

# rule name -> (column, descending); nulls always sort last
RULES: dict[str, tuple[str, bool]] = {
    "agency_domain": ("on_agency_domain", True),  # the copy on the wire agency's own site
    "earliest_published": ("published_at", False),
    "earliest_fetched": ("fetched_at", False),
    "longest_text": ("n_chars", True),
    "smallest_doc_id": ("doc_id", False),
}
DEFAULT_POLICY = ("agency_domain", "earliest_published", "longest_text", "earliest_fetched", "smallest_doc_id")


def check_policy(policy: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [r for r in policy if r not in RULES]
    if unknown:
        raise ConfigError(f"unknown canonical rule(s) {unknown}; choose from {sorted(RULES)}")
    rules = [r for r in policy if r != "smallest_doc_id"]
    return (*rules, "smallest_doc_id")


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
