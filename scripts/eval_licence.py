#!/usr/bin/env python3
"""Evaluate dedup.rights.licence and dedup.rights.attribution on a labelled crawl (the syndication-dev bench layout).

For every document of ``crawl-jsonl/*.jsonl.gz`` (fields id, url, html): ``extract_html`` gives blocks,
JSON-LD and head meta; licence evidence = ``html_licence_evidence(html)`` + ``jsonld_licence_evidence``
+ ``text_licence_evidence(blocks)``; ``decide_licence`` gives the SPDX id, compared with
``labels/licence.jsonl`` (``licence``). ``attribution_evidence`` gives ``original_source``, compared
with ``labels/attribution.jsonl`` (``wire``):

* wire accuracy on docs whose ``signals`` is non-empty (the agency is visible on the page), and on docs
  of the site's own reporting (``wire`` null: must stay null);
* licence scope against the scope implied by the label's free-text ``evidence`` (a wire notice ->
  article_text, CC only on an image credit -> media_only, no statement -> None, else page);
* wire accuracy on ALL docs after ``merge_cluster`` over the gold clusters (``labels/clusters.jsonl``
  ``story_id``): an upper bound for the cluster step, which the pipeline runs on its own clusters.

Prints accuracies, confusion tables and a few examples per confusion; ``--json`` writes the figures.
Also times ``html_licence_evidence`` (per page, and on the largest page).

Usage::

    python scripts/eval_licence.py                         # ../shared/bench/syndication-dev
    python scripts/eval_licence.py --bench PATH --examples 3 --json out.json
"""

from __future__ import annotations

import argparse
import collections
import glob
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedup.rights.attribution import attribution_evidence, merge_cluster  # noqa: E402
from dedup.rights.licence import decide_licence, jsonld_licence_evidence, text_licence_evidence  # noqa: E402
from dedup.rights.licence_html import html_licence_evidence  # noqa: E402
from dedup.text.extract import extract_html  # noqa: E402
from dedup.text.normalise import registered_domain  # noqa: E402

DEFAULT_BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "syndication-dev"


def load_labels(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {row["doc_id"]: row for row in map(json.loads, f)}


def iter_docs(bench: Path):
    for name in sorted(glob.glob(str(bench / "crawl-jsonl" / "*.jsonl.gz"))):
        with gzip.open(name, "rt", encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def expected_scope(evidence: str | None) -> str | None:
    """The licence_scope that the bench's free-text `evidence` label implies ('?' when unknown)."""
    if not evidence:
        return "?"
    if evidence.startswith("wire copyright notice"):
        return "article_text"
    if evidence.startswith("no statement for the text"):
        return "media_only"
    if evidence.startswith("no statement"):
        return None
    if evidence.startswith(("site footer", "page-level", "JSON-LD")):
        return "page"
    return "?"


def table(counter: collections.Counter, title: str) -> str:
    rows = [f"{title}", "| gold | predicted | docs |", "| --- | --- | --- |"]
    for (gold, pred), n in sorted(counter.items(), key=lambda kv: -kv[1]):
        rows.append(f"| {gold} | {pred} | {n} |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--examples", type=int, default=2, help="examples printed per confusion")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    bench = args.bench
    if not (bench / "crawl-jsonl").is_dir():
        print(f"no crawl-jsonl under {bench}", file=sys.stderr)
        return 2
    lic_labels = load_labels(bench / "labels" / "licence.jsonl")
    att_labels = load_labels(bench / "labels" / "attribution.jsonl")
    clusters_path = bench / "labels" / "clusters.jsonl"
    clusters = load_labels(clusters_path) if clusters_path.exists() else {}

    lic_conf: collections.Counter = collections.Counter()
    lic_examples: dict[tuple, list] = collections.defaultdict(list)
    wire_conf: collections.Counter = collections.Counter()
    wire_examples: dict[tuple, list] = collections.defaultdict(list)
    own_conf: collections.Counter = collections.Counter()
    votes: dict[str, list] = collections.defaultdict(list)
    predicted_source: dict[str, str | None] = {}
    html_times: list[tuple[float, int]] = []
    n_docs = 0
    conflicts = 0
    scopes: collections.Counter = collections.Counter()
    scope_conf: collections.Counter = collections.Counter()
    conflict_by_gold: collections.Counter = collections.Counter()

    for doc in iter_docs(bench):
        doc_id, html, url = doc["id"], doc["html"], doc.get("url")
        n_docs += 1
        t0 = time.perf_counter()
        html_ev = html_licence_evidence(html)
        html_times.append((time.perf_counter() - t0, len(html)))
        ex = extract_html(html, url)
        evidence = html_ev + jsonld_licence_evidence(ex.metadata.jsonld) + text_licence_evidence(ex.blocks)
        decision = decide_licence(evidence)
        conflicts += decision["licence_conflict"]
        scopes[decision["licence_scope"]] += 1
        att = attribution_evidence(ex.blocks, ex.metadata.jsonld, ex.metadata.meta, registered_domain(url))
        source = att["original_source"]
        predicted_source[doc_id] = source
        if doc_id in clusters:
            votes[clusters[doc_id]["story_id"]].append(source)

        gold_lic = lic_labels.get(doc_id)
        if gold_lic is not None:
            key = (gold_lic["licence"], decision["licence_spdx"])
            lic_conf[key] += 1
            gold_scope = expected_scope(gold_lic.get("evidence"))
            if gold_scope != "?":
                scope_conf[(gold_scope, decision["licence_scope"])] += 1
            if decision["licence_conflict"]:
                conflict_by_gold[gold_lic.get("evidence")] += 1
            if key[0] != key[1] and len(lic_examples[key]) < args.examples:
                lic_examples[key].append({"url": url, "gold_evidence": gold_lic.get("evidence"),
                                          "evidence": [(e.kind, e.location, e.value[:90]) for e in evidence]})
        gold_att = att_labels.get(doc_id)
        if gold_att is not None:
            key = (gold_att["wire"], source)
            if gold_att["signals"]:
                wire_conf[key] += 1
                if key[0] != key[1] and len(wire_examples[key]) < args.examples:
                    wire_examples[key].append({"url": url, "signals": gold_att["signals"],
                                               "evidence": att["attribution_evidence"][:4],
                                               "first_blocks": [b[:100] for b in ex.blocks[:6]]})
            elif gold_att["wire"] is None:
                own_conf[key] += 1

    cluster_conf: collections.Counter = collections.Counter()
    if clusters:
        merged = {story: merge_cluster(v) for story, v in votes.items()}
        for doc_id, gold_att in att_labels.items():
            if doc_id in clusters and doc_id in predicted_source:
                cluster_conf[(gold_att["wire"], merged[clusters[doc_id]["story_id"]])] += 1

    def acc(c: collections.Counter) -> float:
        total = sum(c.values())
        return sum(n for (g, p), n in c.items() if g == p) / total if total else float("nan")

    times = sorted(t for t, _ in html_times)
    largest = max(html_times, key=lambda x: x[1])
    figures = {
        "docs": n_docs,
        "licence_accuracy": acc(lic_conf),
        "licence_docs": sum(lic_conf.values()),
        "wire_accuracy_with_signals": acc(wire_conf),
        "wire_docs_with_signals": sum(wire_conf.values()),
        "own_reporting_accuracy": acc(own_conf),
        "own_reporting_docs": sum(own_conf.values()),
        "wire_accuracy_all_after_gold_cluster_merge": acc(cluster_conf),
        "licence_scope_accuracy": acc(scope_conf),
        "licence_conflicts": conflicts,
        "licence_conflicts_by_gold_evidence": dict(conflict_by_gold),
        "licence_scopes": {str(k): v for k, v in scopes.items()},
        "html_scan_ms_median": 1000 * times[len(times) // 2],
        "html_scan_ms_p99": 1000 * times[int(len(times) * 0.99)],
        "html_scan_ms_largest_page": 1000 * largest[0],
        "largest_page_chars": largest[1],
    }
    print(f"# licence / attribution evaluation: {bench}\n")
    for k, v in figures.items():
        print(f"- {k}: {v:.4f}" if isinstance(v, float) else f"- {k}: {v}")
    print()
    print(table(lic_conf, "## licence (gold SPDX vs predicted)"))
    print()
    print(table(scope_conf, "## licence scope (implied by the gold evidence vs predicted)"))
    print()
    print(table(wire_conf, "## wire agency, docs with visible signals (gold vs predicted)"))
    print()
    print(table(own_conf, "## wire agency, the site's own reporting (gold null)"))
    print()
    if cluster_conf:
        print(table(cluster_conf, "## wire agency, all docs after merge_cluster over the gold clusters"))
        print()
    if lic_examples or wire_examples:
        print("## examples of confusions")
        for key, rows in list(lic_examples.items()) + list(wire_examples.items()):
            for row in rows:
                print(f"- {key}: {json.dumps(row, ensure_ascii=False)[:1200]}")
    if args.json:
        figures["licence_confusion"] = [[g, p, n] for (g, p), n in lic_conf.items()]
        figures["wire_confusion"] = [[g, p, n] for (g, p), n in wire_conf.items()]
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
