"""blockmodel: which lines of a page are the story, decided per line by a small tree ensemble.

resiliparse's main-content pass (`minimal_html`, so tags and links come along) gives the candidate
lines; each gets the features of `blockfeatures` and a probability of being story text from
gradient-boosted trees trained on the gold-text corpora (`scripts/train_block_model.py`, measurements
in docs/extraction.md). When that pass may have missed the article (it kept nearly nothing, or little
prose: a sidebar of other stories, a teaser box), every line of the page is judged too by a second
ensemble trained on such pages (`pagemodel.json`), which also knows which lines the main-content pass
kept. The trees ship beside this module and are evaluated with numpy, all trees at once: no learning
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

from dedup.jit import jit
from dedup.text.blockfeatures import BASE_FEATURE_NAMES, FEATURE_NAMES, block_features
from dedup.text.layout import Line, read_minimal_html
from dedup.text.wordcount import line_words

MODEL_VERSION = "block-trees-3"  # bump with any change of blockfeatures or the training labels
MODEL_PATH = Path(__file__).with_name("blockmodel.json")
WHOLE_PAGE_VERSION = "whole-page-trees-2"
WHOLE_PAGE_PATH = Path(__file__).with_name("pagemodel.json")
# the whole-page model's columns: the base block features, and whether the main-content pass kept the line
# (the story-end columns of block-trees-3 cost the whole-page model recall on pages whose main-content pass
# kept a sidebar: docs/extraction.md)
WHOLE_PAGE_FEATURES = (*BASE_FEATURE_NAMES, "in_main")

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
        node = _leaves(np.ascontiguousarray(X, dtype=np.float64), self.roots, self.feature, self.threshold,
                       self.children, self.depth)
        # summed by numpy as before: the same additions in the same order, the same probabilities to the bit
        raw = self.baseline + self.value.take(node).sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


@jit
def _leaves(X: np.ndarray, roots: np.ndarray, feature: np.ndarray, threshold: np.ndarray, children: np.ndarray,
            depth: int) -> np.ndarray:
    """The leaf each row reaches in each tree. Compiled: the numpy walk (7 array operations per level on
    (rows, trees) arrays) cost ~3 % of a build; level by level over all (row, tree) pairs, so the lookups of
    one level do not wait on each other, and without a branch on the comparison (half mispredicted)."""
    n, trees = X.shape[0], roots.shape[0]
    node = np.empty((n, trees), np.int64)
    for i in range(n):
        for t in range(trees):
            node[i, t] = roots[t]
    for _ in range(depth):
        for i in range(n):
            for t in range(trees):
                at = node[i, t]
                # sklearn goes left when `x <= threshold` (and for NaN, which the features never are);
                # a leaf's children are itself, so every walk takes `depth` steps
                node[i, t] = children[2 * at + np.int64(X[i, feature[at]] > threshold[at])]
    return node


def _load(path: Path, version: str, features: tuple[str, ...]) -> TreeModel:
    model = TreeModel(json.loads(path.read_text("utf-8")))
    if model.features != features or model.version != version:
        raise RuntimeError(f"{path.name} ({model.version}) does not match dedup's block features "
                           f"({version}): retrain with scripts/train_block_model.py")
    return model


@lru_cache(maxsize=1)
def shipped_model() -> TreeModel:
    """The main-content model of this package version (checked against the features it was trained on)."""
    return _load(MODEL_PATH, MODEL_VERSION, FEATURE_NAMES)


@lru_cache(maxsize=1)
def whole_page_model() -> TreeModel:
    """The whole-page model of this package version, for pages whose main-content pass missed the story."""
    return _load(WHOLE_PAGE_PATH, WHOLE_PAGE_VERSION, WHOLE_PAGE_FEATURES)


def load_models() -> None:
    """Load both models and their compiled walk (numba's cache read, or a compile on a cold one) now: done
    lazily by a process's first page, ~0.6 s, it counted against that page's time budget, and on a busy
    machine the first page of each worker became an `extract_timeout` reject (the bench crawl lost two). The
    compiled page columns of `block_features` too."""
    for model in (shipped_model(), whole_page_model()):
        model.predict(np.zeros((1, len(model.features))))
    block_features([Line("A line", "p", 0, 0)], None)


MIN_MAIN_CHARS = 50  # a main-content pass that keeps less than this falls back to the whole page
# A main-content pass that kept under MISSED_PROSE_WORDS words of prose (lines of PROSE_LINE_WORDS+ words,
# mostly not link text) may have missed the article, whatever its share of link text: a "newer stories"
# sidebar of links, but also a "More in Gear" teaser box, a comment form or a calendar beside a post that
# it left out. The whole page is then read and judged; its reading replaces the main-content one only when it
# holds clearly more prose and disagrees about what the story is (extract.story_choice), so a short post
# keeps its own reading. Until round 18 the trigger also asked 40 % link text (MISSED_LINK_SHARE), which
# left pages whose wrong region was not a list of links (docs/extraction.md, round 18). 60-100 words gave
# the same held-out result in round 3; the trigger is what keeps the second pass to the pages that need it.
MISSED_PROSE_WORDS = 60
PROSE_LINE_WORDS = 15


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
    pass (a page nested too deeply for it: pagechecks.nesting_cost); past `max_lines` lines: TooManyLines."""
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


def main_content_lines(tree: HTMLTree, max_lines: int | None = None) -> list[Line]:
    """The lines resiliparse's main-content pass keeps (reader comments excluded), with tags and link text."""
    lines = read_minimal_html(extract_plain_text(tree, main_content=True, comments=False, **_OPTIONS))
    if max_lines is not None and len(lines) > max_lines:
        raise TooManyLines(len(lines))
    return lines


def story_probabilities(X: np.ndarray) -> np.ndarray:
    """Probability that each line is story text, from the shipped model."""
    return shipped_model().predict(X)


def prose_words(lines: list[Line]) -> float:
    """Words in the lines that read as prose: PROSE_LINE_WORDS or more words, at most a fifth link text
    (text written without spaces in word-equivalents: `wordcount`)."""
    total: float = 0
    for line in lines:
        n = line_words(line.text)  # a line's text is whitespace-tidied (`Line`)
        if n >= PROSE_LINE_WORDS and line.link_chars <= 0.2 * len(line.text):
            total += n
    return total


def main_pass_missed(main: list[Line]) -> bool:
    """May the main-content pass have missed the article? It kept (nearly) nothing, or under
    MISSED_PROSE_WORDS words of prose (`prose_words`): a list of links, a teaser box, a form."""
    if sum(len(line.text) for line in main) < MIN_MAIN_CHARS:
        return True
    return prose_words(main) < MISSED_PROSE_WORDS


def comment_lines(tree: HTMLTree, main: list[Line]) -> set[str]:
    """The text of the lines resiliparse reads as reader comments: those its main-content pass keeps with
    `comments=True` and not without (`main`, `main_content_lines`). The product leaves comments out; a
    whole-page reading must too (one more main-content pass: only where that reading would replace the main
    one: `extract.story_choice`)."""
    kept = {line.text for line in main}
    return {line.text for line in read_minimal_html(extract_plain_text(tree, main_content=True, comments=True,
                                                                       **_OPTIONS))
            if line.text not in kept}


def whole_page_lines(tree: HTMLTree, max_lines: int | None = None) -> list[Line]:
    """Every text line of the page (no main-content judgement), with tags and link text."""
    lines = read_minimal_html(extract_plain_text(tree, main_content=False, **_OPTIONS))
    if max_lines is not None and len(lines) > max_lines:
        raise TooManyLines(len(lines))
    return lines


def whole_page_features(whole: list[Line], main: list[Line], title: str | None) -> np.ndarray:
    """The whole-page model's matrix: block features plus whether the main-content pass kept the line."""
    kept = {line.text for line in main}
    in_main = np.fromiter((line.text in kept for line in whole), dtype=np.float64, count=len(whole))
    return np.concatenate([block_features(whole, title, story_end=False), in_main[:, None]], axis=1)


def whole_page_probabilities(X: np.ndarray, model: TreeModel | None = None) -> np.ndarray:
    """Probability that each line of a whole page is story text (`whole_page_features` rows); `model`:
    another whole-page model than the shipped one (held-out checks while training)."""
    return (model or whole_page_model()).predict(X)
