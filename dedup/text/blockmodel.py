"""blockmodel: which lines of a page are the story, decided per line by a small tree ensemble.

resiliparse's main-content pass (`minimal_html`, so tags and links come along) gives the candidate
lines; each gets the features of `blockfeatures` and a probability of being story text from
gradient-boosted trees trained on the gold-text corpora (`scripts/train_block_model.py`, measurements in docs/extraction.md). The trees ship
as `blockmodel.json` beside this module and are evaluated with numpy, all trees at once: no learning
library at run time, and the same bytes in give the same decisions everywhere.
"""

from __future__ import annotations

import json
from typing import Any
from functools import lru_cache
from pathlib import Path

import numpy as np
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from dedup.text.blockfeatures import FEATURE_NAMES, block_features
from dedup.text.layout import Line, read_minimal_html

MODEL_VERSION = "block-trees-1"  # bump with any change of blockfeatures or the training labels
MODEL_PATH = Path(__file__).with_name("blockmodel.json")

_OPTIONS: dict[str, Any] = dict(preserve_formatting="minimal_html", links=True, alt_texts=False, list_bullets=False)


class TreeModel:
    """Gradient-boosted binary trees as flat arrays; `predict` walks every tree for every row at once."""

    def __init__(self, spec: dict) -> None:
        self.version = spec["version"]
        self.features = tuple(spec["features"])
        self.baseline = float(spec["baseline"])
        self.depth = int(spec["depth"])
        self.roots = np.asarray(spec["roots"], dtype=np.int64)
        self.feature = np.asarray(spec["feature"], dtype=np.int64)
        self.threshold = np.asarray(spec["threshold"], dtype=np.float64)
        self.left = np.asarray(spec["left"], dtype=np.int64)
        self.right = np.asarray(spec["right"], dtype=np.int64)
        self.value = np.asarray(spec["value"], dtype=np.float64)
        # children[2 * node] = left, children[2 * node + 1] = right: one lookup per step
        self.children = np.stack([self.left, self.right], axis=1).reshape(-1)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of X."""
        if len(X) == 0:
            return np.zeros(0)
        flat = np.ascontiguousarray(X, dtype=np.float64).reshape(-1)
        row_start = (np.arange(len(X)) * X.shape[1])[:, None]
        node = np.broadcast_to(self.roots, (len(X), len(self.roots)))
        for _ in range(self.depth):
            x = flat.take(row_start + self.feature.take(node))
            # sklearn goes left when `x <= threshold` (and for NaN, which the features never are)
            node = self.children.take(2 * node + (x > self.threshold.take(node)))
        raw = self.baseline + self.value.take(node).sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


@lru_cache(maxsize=1)
def shipped_model() -> TreeModel:
    """The model file of this package version (checked against the feature list it was trained on)."""
    model = TreeModel(json.loads(MODEL_PATH.read_text("utf-8")))
    if model.features != FEATURE_NAMES or model.version != MODEL_VERSION:
        raise RuntimeError(f"{MODEL_PATH.name} ({model.version}) does not match dedup's block features "
                           f"({MODEL_VERSION}): retrain with scripts/train_block_model.py")
    return model


MIN_MAIN_CHARS = 50  # a main-content pass that keeps less than this falls back to the whole page


class TooManyLines(ValueError):
    """A page of more candidate lines than the caller's `max_lines`: not featurised (each line costs
    ~30 us in the features and the trees; a listing of 100,000 lines would hold a worker for seconds)."""

    def __init__(self, n: int) -> None:
        super().__init__(f"{n} lines")
        self.n = n


def page_lines(html: str | HTMLTree, title: str | None = None, main_content: bool = True,
               max_lines: int | None = None) -> tuple[list[Line], np.ndarray, bool]:
    """The page's candidate lines, their feature matrix, and whether they are the main-content pass's
    (False: it kept under MIN_MAIN_CHARS, so the whole page is returned: short pages, a single
    paragraph of news, are often judged to have no main content). `main_content=False` skips that
    pass (a page nested too deeply for it: extract.nesting_cost); past `max_lines` lines: TooManyLines."""
    tree = html if isinstance(html, HTMLTree) else HTMLTree.parse(html)
    if title is None:
        title = tree.title
    lines = read_minimal_html(extract_plain_text(tree, main_content=True, comments=False, **_OPTIONS)) \
        if main_content else []
    if sum(len(line.text) for line in lines) >= MIN_MAIN_CHARS:
        if max_lines is not None and len(lines) > max_lines:
            raise TooManyLines(len(lines))
        return lines, block_features(lines, title), True
    whole = read_minimal_html(extract_plain_text(tree, main_content=False, **_OPTIONS))
    if sum(len(line.text) for line in whole) > sum(len(line.text) for line in lines):
        lines = whole
    if max_lines is not None and len(lines) > max_lines:
        raise TooManyLines(len(lines))
    return lines, block_features(lines, title), False


def story_probabilities(X: np.ndarray) -> np.ndarray:
    """Probability that each line is story text, from the shipped model."""
    return shipped_model().predict(X)
