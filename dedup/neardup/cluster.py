"""cluster: matching documents -> connected components with deterministic cluster ids."""

from __future__ import annotations

import hashlib

import numpy as np


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
