#!/usr/bin/env python3
"""Measure what reading a page's metadata costs: `dedup.text.metadata.page_metadata` per page, against
the main-text extraction of the same page measured in the same run (the baseline).

Pages: the real HTML pages of ``../shared/corpora`` beside the repo root (article-extraction-benchmark,
dragnet and readability-test-pages loaded as in ``scripts/bench_extractors.py``; trafilatura-eval from
its ``evaldata.json``, with its URL), or JSONL crawls (``{"id", "url", "html"}``, e.g. the ones
``../shared/bench/metadata_quality.py make-crawls`` writes) given with ``--crawl``.

For every page the main-content blocks are extracted once (``extract_html``, untimed), then

* ``metadata``: ``page_metadata(html, url, blocks, host=...)`` (the host as ``extract_html`` passes it);
* ``extraction`` (baseline): what ``extract_html`` does besides metadata: ``HTMLTree.parse`` and
  resiliparse's ``extract_plain_text(main_content=True)`` (plus ``split_blocks``),

each timed ``--repeat`` times (default 5) in CPU time of this process (``time.process_time``: another
process on a busy machine does not count) and a page's time is its fastest run. Printed per corpus and over all pages:
pages, mean HTML size, metadata mean / median / p90 / p99 / max in µs, the mean of each page's first run (``first``:
what a build pays, reading each page once, right after its extraction; the fastest run finds the page in the CPU's
caches and its texts in ``fold_text``'s: ~0.75-0.8 of the first, docs/metadata.md "## Cost" round 22; not with
``--against``, whose runs of the other tree warm the page for this one's), extraction mean in ms, and the
metadata-to-extraction ratio. ``--json`` prints one JSON object instead.

``--against CHECKOUT`` also times another working tree's ``page_metadata`` (e.g. main's, before a change),
interleaved with this one page by page in this process, so both see the same load on a busy machine; it
adds that tree's mean, the ratio of the two and how many pages' outputs differ in any field.

Usage::

    python scripts/bench_metadata.py                       # the four corpora
    python scripts/bench_metadata.py --corpus trafilatura-eval readability --repeat 3
    python scripts/bench_metadata.py --crawl CRAWLS/readability/crawl.jsonl.gz --json
    python scripts/bench_metadata.py --repeat 3 --against ../main     # this tree against main's
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import importlib
import inspect
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extractors import CORPUS_LOADERS, _read_maybe_gz, decode_html  # noqa: E402
from resiliparse.extract.html2text import extract_plain_text  # noqa: E402
from resiliparse.parse.html import HTMLTree  # noqa: E402

from dedup.text.extract import extract_html  # noqa: E402
from dedup.text.metadata import page_metadata, url_host  # noqa: E402
from dedup.text.normalise import registered_domain, split_blocks  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def load_trafilatura_eval(root: Path) -> list[tuple[str, str, str]]:
    """(id, url, html) of trafilatura's evaluation pages (evaldata.json: URL -> file)."""
    evaldata = json.loads((root / "evaldata.json").read_text("utf-8"))
    pages = []
    for url in sorted(evaldata):
        path = root / evaldata[url]["file"]
        if not path.exists():
            continue
        pages.append((path.name.split(".")[0], url, decode_html(_read_maybe_gz(path))))
    return pages


def load_corpus(name: str) -> list[tuple[str, str | None, str]]:
    if name == "trafilatura-eval":
        return load_trafilatura_eval(SHARED / "trafilatura-eval")
    folder, loader = CORPUS_LOADERS[name]
    return [(p.id, p.url, p.html) for p in loader(SHARED / folder)]


def load_crawl(path: Path) -> list[tuple[str, str | None, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [(r["id"], r.get("url"), r["html"]) for r in map(json.loads, f) if r.get("html")]


def load_other(checkout: Path):
    """`page_metadata` of another working tree: its `dedup` imported beside this one (this one's modules
    set aside and put back; the other's functions keep their own module globals)."""
    ours = {k: v for k, v in sys.modules.items() if k == "dedup" or k.startswith("dedup.")}
    for k in ours:
        del sys.modules[k]
    sys.path.insert(0, str(checkout.resolve()))
    try:
        other = importlib.import_module("dedup.text.metadata").page_metadata
    finally:
        sys.path.pop(0)
        for k in [k for k in sys.modules if k == "dedup" or k.startswith("dedup.")]:
            del sys.modules[k]
        sys.modules.update(ours)
    if other.__code__.co_filename == page_metadata.__code__.co_filename:
        raise SystemExit(f"{checkout} is this working tree")
    return other


def fastest(fn, repeat: int) -> float:
    return runs(fn, repeat)[1]


def runs(fn, repeat: int) -> tuple[float, float]:
    """(the first run's CPU time, the fastest of `repeat` runs)."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return times[0], min(times)


def extraction(html: str) -> list[str]:
    tree = HTMLTree.parse(html)
    try:
        return split_blocks(extract_plain_text(tree, main_content=True, alt_texts=False, list_bullets=False,
                                               comments=False))
    finally:
        del tree


def measure(pages: list[tuple[str, str | None, str]], repeat: int, other=None) -> dict:
    meta_s, extract_s, sizes, other_s, first_s = [], [], [], [], []
    differ = 0
    # a tree whose page_metadata takes the URL's host is given it, as extract_html does (from the row's domain,
    # which the ingest works out once a page: speed round 14); an older tree's works it out itself
    other_takes_host = other is not None and "host" in inspect.signature(other).parameters
    for _pid, url, html in pages:
        blocks = extract_html(html, url).evidence_blocks or []  # what extract_html passes to page_metadata
        host = url_host(url, registered_domain(url))
        if other is None:
            first, best = runs(lambda: page_metadata(html, url, blocks, host=host), repeat)
            meta_s.append(best)
            first_s.append(first)
        else:  # run by run, one then the other: both see the same moments of a busy machine
            theirs_kw = {"host": host} if other_takes_host else {}
            ours = theirs = float("inf")
            for _ in range(repeat):
                ours = min(ours, fastest(lambda: page_metadata(html, url, blocks, host=host), 1))
                theirs = min(theirs, fastest(lambda: other(html, url, blocks, **theirs_kw), 1))
            meta_s.append(ours)
            other_s.append(theirs)
            differ += dataclasses.asdict(page_metadata(html, url, blocks, host=host)) != \
                dataclasses.asdict(other(html, url, blocks, **theirs_kw))
        extract_s.append(fastest(lambda: extraction(html), repeat))
        sizes.append(len(html))
    ordered = sorted(meta_s)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6, 1)

    return {
        "pages": len(pages),
        "mean_html_chars": round(statistics.mean(sizes)),
        "metadata_us_mean": round(statistics.mean(meta_s) * 1e6, 1),
        "metadata_us_first_mean": round(statistics.mean(first_s) * 1e6, 1) if first_s else None,
        "metadata_us_median": round(statistics.median(meta_s) * 1e6, 1),
        "metadata_us_p90": pct(0.90),
        "metadata_us_p99": pct(0.99),
        "metadata_us_max": round(ordered[-1] * 1e6, 1),
        "extraction_ms_mean": round(statistics.mean(extract_s) * 1e3, 2),
        "metadata_to_extraction": round(sum(meta_s) / sum(extract_s), 4),
        **({"against_us_mean": round(statistics.mean(other_s) * 1e6, 1),
            "ratio_to_against": round(sum(meta_s) / sum(other_s), 4), "pages_differing": differ} if other_s else {}),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", choices=["aeb", "dragnet", "readability", "trafilatura-eval"],
                    help="corpora of ../shared/corpora (default: all four, unless --crawl is given)")
    ap.add_argument("--crawl", nargs="+", type=Path, help="JSONL(.gz) crawls with id, url, html")
    ap.add_argument("--repeat", type=int, default=5, help="runs per page; its fastest counts (default 5)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--against", type=Path, help="another working tree whose page_metadata is timed beside this one")
    a = ap.parse_args(argv)
    other = load_other(a.against) if a.against else None
    sets: dict[str, list] = {}
    for path in a.crawl or []:
        sets[str(path)] = load_crawl(path)
    corpora = a.corpus or ([] if a.crawl else ["aeb", "dragnet", "readability", "trafilatura-eval"])
    if corpora and not SHARED.is_dir():
        print(f"{SHARED} is missing: give --crawl files instead", file=sys.stderr)
        return 2
    for name in corpora:
        sets[name] = load_corpus(name)
    results = {name: measure(pages, a.repeat, other) for name, pages in sets.items()}
    if len(sets) > 1:
        results["all"] = _pool(results)
    if a.json:
        print(json.dumps(results, sort_keys=True))
        return 0
    against = f" {'against µs':>10s} {'/against':>8s} {'differ':>6s}" if other else ""
    print(f"{'set':20s} {'pages':>6s} {'chars':>8s} {'meta µs':>8s} {'first':>7s} {'median':>7s} {'p90':>7s} "
          f"{'p99':>7s} {'max':>8s} {'extract ms':>10s} {'ratio':>7s}{against}")
    for name, r in results.items():
        cells = [f"{r[k]:.0f}" if r.get(k) is not None else "-" for k in
                 ("metadata_us_median", "metadata_us_p90", "metadata_us_p99", "metadata_us_max")]
        against = f" {r['against_us_mean']:10.0f} {r['ratio_to_against']:8.3f} {r['pages_differing']:6d}" \
            if other else ""
        print(f"{name[-20:]:20s} {r['pages']:6d} {r['mean_html_chars']:8d} {r['metadata_us_mean']:8.0f} "
              f"{first_cell(r):>7s} {cells[0]:>7s} {cells[1]:>7s} {cells[2]:>7s} {cells[3]:>8s} "
              f"{r['extraction_ms_mean']:10.2f} {r['metadata_to_extraction']:7.3f}{against}")
    return 0


def first_cell(r: dict) -> str:
    """The first runs' mean (timed without --against only: there the other tree's runs share the page's caches)."""
    return "-" if r.get("metadata_us_first_mean") is None else f"{r['metadata_us_first_mean']:.0f}"


def _pool(results: dict) -> dict:
    """Page-weighted means over the sets (percentiles are per set only)."""
    n = sum(r["pages"] for r in results.values())
    meta = sum(r["metadata_us_mean"] * r["pages"] for r in results.values()) / n
    firsts = [r["metadata_us_first_mean"] * r["pages"] for r in results.values() if r["metadata_us_first_mean"]]
    first = sum(firsts) / n if len(firsts) == len(results) else None
    extract = sum(r["extraction_ms_mean"] * r["pages"] for r in results.values()) / n
    pooled = {"pages": n,
              "mean_html_chars": round(sum(r["mean_html_chars"] * r["pages"] for r in results.values()) / n),
              "metadata_us_mean": round(meta, 1), "metadata_us_first_mean": None if first is None else round(first, 1),
              "extraction_ms_mean": round(extract, 2),
              "metadata_to_extraction": round(meta / (extract * 1e3), 4)}
    if all("against_us_mean" in r for r in results.values()):
        against = sum(r["against_us_mean"] * r["pages"] for r in results.values()) / n
        pooled.update(against_us_mean=round(against, 1), ratio_to_against=round(meta / against, 4),
                      pages_differing=sum(r["pages_differing"] for r in results.values()))
    return pooled


if __name__ == "__main__":
    sys.exit(main())
