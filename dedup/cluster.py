"""cluster: matching documents -> connected components with deterministic cluster ids."""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl


def connected_components(n_nodes: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Label of each node = smallest node index in its component (min-label propagation + jumping)."""
    labels = np.arange(n_nodes, dtype=np.int64)
    if len(src) == 0:
        return labels
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    while True:
        before = labels.copy()
        low = np.minimum(labels[src], labels[dst])
        np.minimum.at(labels, src, low)
        np.minimum.at(labels, dst, low)
        # pointer jumping: follow labels to their root so long chains converge in log rounds
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


def cluster_id_for(first_doc_id: str) -> str:
    """A cluster's id from its smallest member doc_id: stable under input order and sharding."""
    return "c" + hashlib.sha1(first_doc_id.encode("utf-8")).hexdigest()[:16]


def exact_clusters(docs: pl.DataFrame) -> pl.DataFrame:
    """Group documents whose normalised text is identical.

    `docs` needs doc_id and text_hash; returns doc_id, cluster_id, cluster_size, match.
    """
    if docs.height == 0:
        return pl.DataFrame(schema={"doc_id": pl.String, "cluster_id": pl.String,
                                    "cluster_size": pl.Int64, "match": pl.String})
    groups = docs.select("doc_id", "text_hash").with_columns(
        pl.col("doc_id").min().over("text_hash").alias("first_doc_id"),
        pl.len().over("text_hash").cast(pl.Int64).alias("cluster_size"),
    )
    firsts = groups.select("first_doc_id").unique()
    ids = firsts.with_columns(
        pl.col("first_doc_id").map_elements(cluster_id_for, return_dtype=pl.String).alias("cluster_id")
    )
    out = groups.join(ids, on="first_doc_id", how="left")
    return out.select(
        "doc_id", "cluster_id", "cluster_size",
        pl.when(pl.col("cluster_size") > 1).then(pl.lit("exact")).otherwise(None).alias("match"),
    )
