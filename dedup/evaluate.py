"""Token-level precision / recall / F1 of extracted text against gold text (bag of words)."""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (runs of letters and digits), the unit of the text scores."""
    return _TOKEN.findall(text.lower())


def token_prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Multiset token overlap, as in the article-extraction-benchmark; empty vs empty counts as 1."""
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    if not p and not g:
        return 1.0, 1.0, 1.0
    overlap = sum((p & g).values())
    precision = overlap / sum(p.values()) if p else 0.0
    recall = overlap / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
