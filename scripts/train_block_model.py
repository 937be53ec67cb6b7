#!/usr/bin/env python3
"""Train the block model (dedup/text/blockmodel.json) on the gold-text corpora, with held-out checks.

Needs scikit-learn (training only; the package reads the exported trees with numpy) and the crawls
that `../shared/bench/text_quality.py make-crawls --out CRAWLS` writes (real pages + human gold text of
article-extraction-benchmark, dragnet, readability-test-pages and CleanEval):

    python scripts/train_block_model.py --crawls CRAWLS --out dedup/text/blockmodel.json [--check]
    python scripts/train_block_model.py --crawls CRAWLS --whole-page dedup/text/pagemodel.json [--check]

Lines: those of resiliparse's main-content pass (the candidates the model judges at run time; pages
where that pass keeps under 50 characters are taken whole at run time and left out here). Labels: a
line is content when most of its word 3-grams (lines under 4
words: the whole line, as a phrase) are in the page's gold text. Lines are weighted by their share of
the page's words, so every page counts about the same and long lines more than short ones.

The whole-page model (`--whole-page`) is trained on every line of the pages whose main-content pass
kept under MISSED_PROSE_WORDS words of prose (the pages where it may have missed the article), with one
more column: whether the main-content pass kept the line. Its `--check` scores the whole extraction
choice (`extract.story_choice`) with held-out whole-page models against the choice without one.

`--check` first reports held-out figures (the same mean token F1 as text_quality.py, on the kept lines
before the repeat passes): each corpus scored by a model trained on the other three, and five folds by
site (host hash) over all four. The shipped model is then trained on every page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from resiliparse.parse.html import HTMLTree  # noqa: E402

from dedup.text.blockfeatures import FEATURE_NAMES  # noqa: E402
from dedup.text.blockmodel import (MISSED_PROSE_WORDS, MODEL_VERSION, WHOLE_PAGE_FEATURES,  # noqa: E402
                                   WHOLE_PAGE_VERSION, TreeModel, main_content_lines, page_lines, prose_words,
                                   story_probabilities, whole_page_features, whole_page_lines)
from dedup.text.cleaning import KEEP_THRESHOLD, choose_lines  # noqa: E402
from dedup.text.extract import story_choice  # noqa: E402

CORPORA = ("aeb", "dragnet", "readability", "cleaneval")
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def line_labels(texts: list[str], gold: str) -> np.ndarray:
    gold_tokens = tokens(gold)
    phrase = " " + " ".join(gold_tokens) + " "
    trigrams = set(zip(gold_tokens, gold_tokens[1:], gold_tokens[2:]))
    out = []
    for text in texts:
        toks = tokens(text)
        if not toks:
            out.append(0)
        elif len(toks) < 4:
            out.append(int(f" {' '.join(toks)} " in phrase))
        else:
            grams = list(zip(toks, toks[1:], toks[2:]))
            out.append(int(sum(g in trigrams for g in grams) >= 0.5 * len(grams)))
    return np.asarray(out)


def f1(kept: str, gold: str) -> tuple[float, float, float]:
    a, b = tokens(kept), tokens(gold)
    if not a or not b:
        return 0.0, 0.0, 0.0
    overlap = sum((Counter(a) & Counter(b)).values())
    p, r = overlap / len(a), overlap / len(b)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gold_pages(crawls: Path) -> Iterator[tuple[str, dict, str]]:
    """(corpus, crawled page, its gold text) for every page of the text_quality crawls that has gold."""
    for corpus in CORPORA:
        folder = crawls / "crawl" / corpus
        gold = {g["id"]: g["gold"] for g in map(json.loads, (folder / "gold.jsonl").open(encoding="utf-8"))}
        with gzip.open(folder / "crawl.jsonl.gz", "rt", encoding="utf-8") as fh:
            for raw in fh:
                page = json.loads(raw)
                if gold.get(page["id"], "").strip():
                    yield corpus, page, gold[page["id"]]


def load_pages(crawls: Path) -> list[dict]:
    pages = []
    for corpus, page, gold in gold_pages(crawls):
        lines, X, from_main = page_lines(page["html"])
        if from_main:
            pages.append({"corpus": corpus, "id": page["id"], "gold": gold, "lines": lines, "X": X,
                          "y": line_labels([ln.text for ln in lines], gold),
                          "host": urlsplit(page["url"]).hostname or ""})
    return pages


def load_whole_pages(crawls: Path) -> list[dict]:
    """Every page with gold text: its html, and, for the pages where the main-content pass kept under
    MISSED_PROSE_WORDS words of prose, the whole page's lines, their whole-page features and labels."""
    pages = []
    for corpus, page, gold in gold_pages(crawls):
        tree = HTMLTree.parse(page["html"])
        main = main_content_lines(tree)
        row = {"corpus": corpus, "id": page["id"], "gold": gold, "html": page["html"],
               "host": urlsplit(page["url"]).hostname or "", "title": tree.title,
               "weak": prose_words(main) < MISSED_PROSE_WORDS}
        if row["weak"]:
            whole = whole_page_lines(tree)
            row.update(lines=whole, X=whole_page_features(whole, main, tree.title),
                       y=line_labels([ln.text for ln in whole], gold))
        pages.append(row)
    return pages


def choice_without_whole_page_model(html: str) -> str:
    """The extraction choice before the whole-page model: main content judged, else the page unjudged."""
    tree = HTMLTree.parse(html)
    lines, X, from_main = page_lines(tree)
    probs = story_probabilities(X).tolist() if from_main else [1.0] * len(lines)
    return "\n".join(choose_lines(lines, probs, title=tree.title).kept)


def whole_page_held_out(pages: list[dict], key: str, groups, args: argparse.Namespace) -> dict:
    """Mean P/R/F1 per corpus of `story_choice` with a whole-page model that never saw the group."""
    for g in groups:
        tm = TreeModel(export(fit([p for p in pages if p["weak"] and p[key] != g], args),
                              WHOLE_PAGE_VERSION, WHOLE_PAGE_FEATURES))
        for p in pages:
            if p[key] == g:
                tree = HTMLTree.parse(p["html"])
                p["kept"] = "\n".join(story_choice(tree, tree.title, whole_model=tm).kept)
    table = {}
    for corpus in (*CORPORA, "all"):
        scores = [f1(p["kept"], p["gold"]) for p in pages if corpus in ("all", p["corpus"])]
        table[corpus] = [round(100 * sum(s[i] for s in scores) / len(scores), 1) for i in range(3)]
    return table


def fit(pages: list[dict], args: argparse.Namespace):
    from sklearn.ensemble import HistGradientBoostingClassifier

    pages = [p for p in pages if len(p["X"])]
    weights = []
    for p in pages:
        words = np.asarray([len(ln.text.split()) for ln in p["lines"]], dtype=np.float64)
        weights.append(words / max(1.0, words.sum()))
    model = HistGradientBoostingClassifier(max_iter=args.trees, max_depth=args.depth, learning_rate=args.rate,
                                           l2_regularization=1.0, early_stopping=False, random_state=0)
    model.fit(np.concatenate([p["X"] for p in pages]), np.concatenate([p["y"] for p in pages]),
              sample_weight=np.concatenate(weights))
    return model


def export(model, version: str = MODEL_VERSION, features: tuple[str, ...] = FEATURE_NAMES) -> dict:
    """sklearn trees -> the flat arrays TreeModel reads (leaves point to themselves)."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        base = len(feature)
        roots.append(base)
        for i, node in enumerate(nodes):
            if node["is_leaf"]:
                feature.append(0)
                threshold.append(0.0)
                left.append(base + i)
                right.append(base + i)
            else:
                feature.append(int(node["feature_idx"]))
                threshold.append(float(node["num_threshold"]))
                left.append(base + int(node["left"]))
                right.append(base + int(node["right"]))
            value.append(float(node["value"]) if node["is_leaf"] else 0.0)
    return {"version": version, "features": list(features), "baseline": float(model._baseline_prediction[0][0]),
            "depth": int(max(p[0].get_max_depth() for p in model._predictors)), "roots": roots, "feature": feature,
            "threshold": threshold, "left": left, "right": right, "value": [round(v, 6) for v in value]}


def held_out(pages: list[dict], key: str, groups, args: argparse.Namespace) -> dict:
    for g in groups:
        tm = TreeModel(export(fit([p for p in pages if p[key] != g], args)))
        for p in pages:
            if p[key] == g:
                p["prob"] = p[f"prob_{key}"] = tm.predict(p["X"])
    table = {}
    for corpus in (*CORPORA, "all"):
        scores = [f1("\n".join(ln.text for ln, q in zip(p["lines"], p["prob"]) if q >= args.threshold), p["gold"])
                  for p in pages if corpus in ("all", p["corpus"])]
        table[corpus] = [round(100 * sum(s[i] for s in scores) / len(scores), 1) for i in range(3)]
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crawls", type=Path, required=True, help="text_quality.py make-crawls output")
    ap.add_argument("--out", type=Path, help="write the main-content model here")
    ap.add_argument("--whole-page", type=Path, help="write the whole-page model here")
    ap.add_argument("--check", action="store_true", help="report held-out figures first")
    ap.add_argument("--trees", type=int, default=120)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--rate", type=float, default=0.1)
    ap.add_argument("--threshold", type=float, default=KEEP_THRESHOLD)
    ap.add_argument("--cache", type=Path, help="pickle of the pages' lines and features (made if absent)")
    ap.add_argument("--dump", type=Path, help="with --check: pickle the held-out probabilities per page")
    args = ap.parse_args()
    if args.whole_page:
        train_whole_page(args)
    if args.out:
        train_main(args)


def train_whole_page(args: argparse.Namespace) -> None:
    pages = load_whole_pages(args.crawls)
    weak = [p for p in pages if p["weak"]]
    print(f"{len(pages)} pages, {len(weak)} weak, {sum(len(p['lines']) for p in weak)} lines", file=sys.stderr)
    if args.check:
        before = {}
        for corpus in (*CORPORA, "all"):
            scores = [f1(choice_without_whole_page_model(p["html"]), p["gold"])
                      for p in pages if corpus in ("all", p["corpus"])]
            before[corpus] = [round(100 * sum(s[i] for s in scores) / len(scores), 1) for i in range(3)]
        print("without the whole-page model (P/R/F1):", json.dumps(before))
        print("held out by corpus (P/R/F1):", json.dumps(whole_page_held_out(pages, "corpus", CORPORA, args)))
        for p in pages:
            p["fold"] = zlib.crc32(p["host"].encode()) % 5
        print("held out by site, 5 folds (P/R/F1):", json.dumps(whole_page_held_out(pages, "fold", range(5), args)))
    model = export(fit(weak, args), WHOLE_PAGE_VERSION, WHOLE_PAGE_FEATURES)
    args.whole_page.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.whole_page}: {len(model['roots'])} trees, {len(model['feature'])} nodes", file=sys.stderr)


def train_main(args: argparse.Namespace) -> None:
    if args.cache and args.cache.exists():
        pages = pickle.loads(args.cache.read_bytes())
    else:
        pages = load_pages(args.crawls)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(pages))
    print(f"{len(pages)} pages, {sum(len(p['lines']) for p in pages)} lines", file=sys.stderr)
    if args.check:
        print("held out by corpus (P/R/F1):", json.dumps(held_out(pages, "corpus", CORPORA, args)))
        for p in pages:
            p["fold"] = zlib.crc32(p["host"].encode()) % 5
        print("held out by site, 5 folds (P/R/F1):", json.dumps(held_out(pages, "fold", range(5), args)))
        if args.dump:
            args.dump.write_bytes(pickle.dumps([{k: v for k, v in p.items() if k != "X"} for p in pages]))
    model = export(fit(pages, args))
    args.out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(model['roots'])} trees, {len(model['feature'])} nodes", file=sys.stderr)


if __name__ == "__main__":
    main()
