#!/usr/bin/env python3
"""Measure HTML main-text extractors against gold article text.

Corpora (from ``../shared/corpora`` beside the repo root; each folder's README.md documents the layout):

* ``article-extraction-benchmark``: ``html/<id>.html.gz`` + ``ground-truth.json`` (``articleBody``).
* ``dragnet``: ``input/<id>.html[.gz]`` + ``GoldStandard/<id>.txt``; the user comments that follow the
  ``!@#$%^&*()  COMMENTS`` marker line are cut from the gold (the article text only is the gold).
* ``readability-test-pages``: ``<name>/source.html[.gz]`` + ``<name>/expected.html[.gz]``; the gold is
  the text of ``expected.html`` (tags stripped, block elements separated by line breaks).

Quality: bag-of-words token precision / recall / F1 as in the article-extraction-benchmark: lower-case,
split on non-word characters (tokens = ``\\w+``), multiset intersection of extracted and gold tokens.
Reported as the mean over pages (an empty or failed extraction scores P = R = F1 = 0 on that page) and
as micro averages (token counts summed over the corpus). ``R<.5`` is the share of pages that lose more
than half of the gold tokens.

Speed: pages per CPU-second (``time.process_time``) on one pinned core, after a warm-up.
``pages/s`` times only the extractor call on HTML already decoded to ``str`` (each extractor parses
the string itself, so this includes its HTML parse); ``e2e/s`` starts from the raw page bytes and adds
the charset detection + decoding (resiliparse ``detect_encoding``/``bytes_to_str``) that a pipeline
must do. Reading and decompressing the files is not timed. The project's goal is >= 300 pages/s per
core END TO END for the whole build (read + extract + hash + write), i.e. 3.33 ms/page in total, so
the extractor must use well under that.

Usage::

    python scripts/bench_extractors.py                      # all extractors, all corpora, tables
    python scripts/bench_extractors.py --only resiliparse-main --worst 10
    python scripts/bench_extractors.py --json results.json  # also write JSON (``--json`` alone: stdout)
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"

BUDGET_PAGES_PER_S = 300.0  # project goal, whole build, per core, end to end

# --------------------------------------------------------------------------------------------------
# Corpus loading


@dataclass
class Page:
    corpus: str
    id: str
    raw: bytes  # page bytes as served (after gunzip of the stored file)
    html: str  # decoded HTML
    gold: str
    url: str | None = None


def _read_maybe_gz(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def _find(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        p = folder / name
        if p.exists():
            return p
    return None


def decode_html(raw: bytes) -> str:
    """Bytes -> str the way the pipeline would: charset detection + decoding with resiliparse."""
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    return bytes_to_str(raw, detect_encoding(raw))


def _decode_text_file(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def load_aeb(root: Path) -> list[Page]:
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    pages = []
    for pid in sorted(truth):
        path = _find(root / "html", f"{pid}.html")
        if path is None:
            continue
        raw = _read_maybe_gz(path)
        pages.append(Page("aeb", pid, raw, decode_html(raw), truth[pid].get("articleBody") or "",
                          truth[pid].get("url")))
    return pages


# The marker is "!@#$%^&*()  COMMENTS" but some gold files have a mangled prefix or spacing.
_DRAGNET_COMMENTS = re.compile(r"^[^\w\n]*COMMENTS[ \t\r]*$", re.M)


def load_dragnet(root: Path) -> list[Page]:
    pages = []
    for gold_path in sorted((root / "GoldStandard").glob("*.txt")):
        pid = gold_path.name[: -len(".txt")]
        path = _find(root / "input", f"{pid}.html")
        if path is None:
            continue
        gold = _decode_text_file(gold_path.read_bytes())
        m = _DRAGNET_COMMENTS.search(gold)
        if m:
            gold = gold[: m.start()]
        raw = _read_maybe_gz(path)
        pages.append(Page("dragnet", pid, raw, decode_html(raw), gold))
    return pages


_BLOCK_TAGS = frozenset(
    "address article aside blockquote body br caption dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody td "
    "tfoot th thead tr ul".split()
)
_SKIP_TAGS = frozenset("script style noscript template head".split())


def html_text(html: str) -> str:
    """Visible text of an HTML fragment, block elements on their own lines (for expected.html)."""
    import lxml.html
    from lxml import etree

    if not html.strip():
        return ""
    root = lxml.html.document_fromstring(html)
    out: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else None  # comments / PIs have non-str tags
        if event == "start":
            if tag is None or tag in _SKIP_TAGS:
                walker.skip_subtree()  # no "end" event follows; keep the tail here
                if el.tail:
                    out.append(el.tail)
                continue
            if tag in _BLOCK_TAGS:
                out.append("\n")
            if el.text:
                out.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                out.append("\n")
            if el.tail:
                out.append(el.tail)
    text = "".join(out)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def load_readability(root: Path) -> list[Page]:
    pages = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        src = _find(folder, "source.html")
        exp = _find(folder, "expected.html")
        if src is None or exp is None:
            continue
        raw = _read_maybe_gz(src)
        gold = html_text(_read_maybe_gz(exp).decode("utf-8", "replace"))
        pages.append(Page("readability", folder.name, raw, decode_html(raw), gold))
    return pages


CORPUS_LOADERS: dict[str, tuple[str, Callable[[Path], list[Page]]]] = {
    "aeb": ("article-extraction-benchmark", load_aeb),
    "dragnet": ("dragnet", load_dragnet),
    "readability": ("readability-test-pages", load_readability),
}

# --------------------------------------------------------------------------------------------------
# Extractors: each maps (html: str, url) -> str | None


def _trafilatura(**kw) -> Callable[[str, str | None], str | None]:
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)

    def run(html: str, url: str | None) -> str | None:
        return trafilatura.extract(html, **kw)

    return run


def _resiliparse(**kw) -> Callable[[str, str | None], str | None]:
    from resiliparse.extract.html2text import extract_plain_text

    def run(html: str, url: str | None) -> str | None:
        return extract_plain_text(html, **kw)

    return run


def _dedup() -> Callable[[str, str | None], str | None]:
    sys.path.insert(0, str(REPO))
    import dedup.text.extract as mod  # noqa: PLC0415 - optional, being written now

    if not hasattr(mod, "extract_html"):
        raise ImportError("dedup.text.extract has no extract_html")
    fn = mod.extract_html

    def run(html: str, url: str | None) -> str | None:
        res = fn(html, url)
        return None if res is None else res.text

    return run


EXTRACTORS: dict[str, tuple[str, Callable[[], Callable[[str, str | None], str | None]]]] = {
    "trafilatura": ("trafilatura.extract(html), defaults", lambda: _trafilatura()),
    "trafilatura-recall": ("trafilatura.extract(html, favor_recall=True)",
                           lambda: _trafilatura(favor_recall=True)),
    "trafilatura-fast": ("trafilatura.extract(html, fast=True) (no fallback extractors)",
                         lambda: _trafilatura(fast=True)),
    "resiliparse-main": ("extract_plain_text(html, main_content=True), preserve_formatting=True",
                         lambda: _resiliparse(main_content=True)),
    "resiliparse-main-nocomments": ("extract_plain_text(html, main_content=True, comments=False)",
                                    lambda: _resiliparse(main_content=True, comments=False)),
    "resiliparse-main-flat": ("extract_plain_text(html, main_content=True, preserve_formatting=False)",
                              lambda: _resiliparse(main_content=True, preserve_formatting=False)),
    "resiliparse-full": ("extract_plain_text(html, main_content=False) (floor: all visible text)",
                         lambda: _resiliparse(main_content=False)),
    "dedup": ("dedup.text.extract.extract_html(html, url).text (the project's own)", _dedup),
}

# Parsers alone, to show how much of an extractor's time is the HTML parse.
PARSERS: dict[str, Callable[[], Callable[[str], object]]] = {
    "lexbor (resiliparse HTMLTree.parse)": lambda: __import__(
        "resiliparse.parse.html", fromlist=["HTMLTree"]).HTMLTree.parse,
    "lxml.html.document_fromstring (trafilatura's parser)": lambda: __import__(
        "lxml.html", fromlist=["document_fromstring"]).document_fromstring,
}

# --------------------------------------------------------------------------------------------------
# Metrics

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


@dataclass
class PageScore:
    corpus: str
    id: str
    p: float
    r: float
    f1: float
    tp: int
    n_pred: int
    n_gold: int
    empty: bool
    error: str | None = None


def score_page(pred: str, gold_counts: Counter, n_gold: int) -> tuple[float, float, float, int, int]:
    pred_counts = Counter(tokens(pred))
    n_pred = sum(pred_counts.values())
    tp = sum((pred_counts & gold_counts).values())
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1, tp, n_pred


@dataclass
class Result:
    extractor: str
    corpus: str
    pages: int = 0
    cpu_s: float = 0.0  # extraction from str
    e2e_cpu_s: float = 0.0  # bytes -> decode -> extraction
    scores: list[PageScore] = field(default_factory=list)

    def summary(self) -> dict:
        n = len(self.scores)
        tp = sum(s.tp for s in self.scores)
        npred = sum(s.n_pred for s in self.scores)
        ngold = sum(s.n_gold for s in self.scores)
        mp = tp / npred if npred else 0.0
        mr = tp / ngold if ngold else 0.0
        return {
            "extractor": self.extractor,
            "corpus": self.corpus,
            "pages": n,
            "precision": sum(s.p for s in self.scores) / n if n else 0.0,
            "recall": sum(s.r for s in self.scores) / n if n else 0.0,
            "f1": sum(s.f1 for s in self.scores) / n if n else 0.0,
            "micro_precision": mp,
            "micro_recall": mr,
            "micro_f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
            "recall_below_0.5": sum(s.r < 0.5 for s in self.scores) / n if n else 0.0,
            "empty_or_failed": sum(s.empty for s in self.scores) / n if n else 0.0,
            "errors": sum(s.error is not None for s in self.scores),
            "cpu_seconds": self.cpu_s,
            "pages_per_cpu_s": n / self.cpu_s if self.cpu_s else None,
            "e2e_cpu_seconds": self.e2e_cpu_s,
            "e2e_pages_per_cpu_s": n / self.e2e_cpu_s if self.e2e_cpu_s else None,
        }


# --------------------------------------------------------------------------------------------------
# Running


def pin_one_core() -> int | None:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):
        return None


def _call(fn: Callable[[str, str | None], str | None], html: str, url: str | None
          ) -> tuple[str | None, str | None]:
    try:
        return fn(html, url), None
    except Exception as exc:  # noqa: BLE001 - a failure is a measured outcome
        return None, f"{type(exc).__name__}: {exc}"[:200]


def run_all(fns: dict[str, Callable[[str, str | None], str | None]], corpora: dict[str, list[Page]],
            repeat: int, warmup: int, log) -> dict[str, list[Result]]:
    """Quality from the first pass; CPU time per page = minimum over ``repeat`` passes.

    The passes are interleaved (every extractor once per pass) and the per-page minimum is kept, so
    a burst of load from other processes on a shared machine inflates one pass of one page, not an
    extractor's whole score.
    """
    pt = time.process_time
    for fn in fns.values():  # warm-up: imports, caches, lazy initialisation
        for pages in corpora.values():
            for page in pages[:warmup]:
                _call(fn, page.html, page.url)
    best: dict[tuple[str, str], list[float]] = {}
    best_e2e: dict[tuple[str, str], list[float]] = {}
    first: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    inf = float("inf")
    for rep in range(max(1, repeat)):
        for name, fn in fns.items():
            t_wall = time.perf_counter()
            for cname, pages in corpora.items():
                key = (name, cname)
                times = best.setdefault(key, [inf] * len(pages))
                e2e = best_e2e.setdefault(key, [inf] * len(pages))
                outs = first.setdefault(key, []) if rep == 0 else None
                gc.collect()
                for i, page in enumerate(pages):
                    t0 = pt()
                    res = _call(fn, page.html, page.url)
                    dt = pt() - t0
                    if dt < times[i]:
                        times[i] = dt
                    if outs is not None:
                        outs.append(res)
                gc.collect()
                for i, page in enumerate(pages):
                    t0 = pt()
                    _call(fn, decode_html(page.raw), page.url)
                    dt = pt() - t0
                    if dt < e2e[i]:
                        e2e[i] = dt
            print(f"pass {rep + 1}/{max(1, repeat)}: {name} {time.perf_counter() - t_wall:.1f}s wall",
                  file=log)
    results: dict[str, list[Result]] = {}
    for name in fns:
        for cname, pages in corpora.items():
            key = (name, cname)
            res = Result(name, cname, pages=len(pages), cpu_s=sum(best[key]),
                         e2e_cpu_s=sum(best_e2e[key]))
            for page, (out, err) in zip(pages, first[key]):
                text = out or ""
                gold_tokens = tokens(page.gold)
                p, r, f1, tp, n_pred = score_page(text, Counter(gold_tokens), len(gold_tokens))
                res.scores.append(PageScore(cname, page.id, p, r, f1, tp, n_pred, len(gold_tokens),
                                            empty=not text.strip(), error=err))
            results.setdefault(name, []).append(res)
    return results


def run_parsers(corpora: dict[str, list[Page]], repeat: int) -> dict[str, float]:
    """Parse-only pages per CPU-second (per-page minimum over ``repeat`` passes)."""
    htmls = [p.html for pages in corpora.values() for p in pages]
    pt = time.process_time
    out = {}
    for name, make in PARSERS.items():
        parse = make()
        for h in htmls[:10]:
            parse(h)
        best = [float("inf")] * len(htmls)
        for _ in range(max(1, repeat)):
            gc.collect()
            for i, h in enumerate(htmls):
                t0 = pt()
                try:
                    parse(h)
                except Exception:  # noqa: BLE001
                    pass
                dt = pt() - t0
                if dt < best[i]:
                    best[i] = dt
        total = sum(best)
        out[name] = len(htmls) / total if total else float("nan")
    return out


# --------------------------------------------------------------------------------------------------
# Reporting


def _pooled(name: str, results: list[Result]) -> Result:
    pooled = Result(name, "all")
    for r in results:
        pooled.pages += r.pages
        pooled.cpu_s += r.cpu_s
        pooled.e2e_cpu_s += r.e2e_cpu_s
        pooled.scores.extend(r.scores)
    return pooled


def _fmt_rate(x: float | None) -> str:
    return "-" if not x else f"{x:,.0f}"


TABLE_HEAD = ("| extractor | P | R | F1 | micro P | micro R | micro F1 | R<.5 | empty% | pages/s | e2e/s |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def table_row(s: dict) -> str:
    return (f"| {s['extractor']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
            f"{s['micro_precision']:.3f} | {s['micro_recall']:.3f} | {s['micro_f1']:.3f} | "
            f"{100 * s['recall_below_0.5']:.1f}% | {100 * s['empty_or_failed']:.1f}% | "
            f"{_fmt_rate(s['pages_per_cpu_s'])} | {_fmt_rate(s['e2e_pages_per_cpu_s'])} |")


def print_tables(by_corpus: dict[str, list[dict]], corpus_sizes: dict[str, int]) -> None:
    for cname, rows in by_corpus.items():
        title = CORPUS_LOADERS[cname][0] if cname in CORPUS_LOADERS else "all corpora pooled"
        print(f"\n### {title} ({corpus_sizes[cname]} pages)\n")
        print(TABLE_HEAD)
        for s in rows:
            print(table_row(s))


def print_budget(all_rows: list[dict], parsers: dict[str, float]) -> None:
    budget_ms = 1000.0 / BUDGET_PAGES_PER_S
    print(f"\n### Speed vs. the build budget ({BUDGET_PAGES_PER_S:.0f} pages/s/core end to end "
          f"= {budget_ms:.2f} ms/page for read + extract + hash + write)\n")
    print("| extractor | ms/page (str) | e2e ms/page (bytes) | e2e pages/s | share of budget |")
    print("|---|---:|---:|---:|---:|")
    for s in all_rows:
        ms = 1000.0 / s["pages_per_cpu_s"] if s["pages_per_cpu_s"] else float("nan")
        ems = 1000.0 / s["e2e_pages_per_cpu_s"] if s["e2e_pages_per_cpu_s"] else float("nan")
        print(f"| {s['extractor']} | {ms:.2f} | {ems:.2f} | {_fmt_rate(s['e2e_pages_per_cpu_s'])} | "
              f"{100 * ems / budget_ms:.0f}% |")
    if parsers:
        print("\nHTML parse alone (same pages, str input):\n")
        print("| parser | pages/s | ms/page |")
        print("|---|---:|---:|")
        for name, rate in parsers.items():
            print(f"| {name} | {rate:,.0f} | {1000.0 / rate:.2f} |")


def print_worst(results: list[Result], n: int) -> None:
    for res in results:
        worst = sorted(res.scores, key=lambda s: (s.r, s.f1))[:n]
        print(f"\n#### {n} lowest-recall pages: {res.extractor}\n")
        print("| corpus | page | P | R | gold tokens | extracted tokens | note |")
        print("|---|---|---:|---:|---:|---:|---|")
        for s in worst:
            note = s.error or ("empty" if s.empty else "")
            print(f"| {s.corpus} | {s.id} | {s.p:.2f} | {s.r:.2f} | {s.n_gold} | {s.n_pred} | {note} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME",
                    help=f"run only this extractor (repeatable): {', '.join(EXTRACTORS)}")
    ap.add_argument("--corpus", action="append", choices=list(CORPUS_LOADERS),
                    help="run only this corpus (repeatable)")
    ap.add_argument("--limit", type=int, default=0, help="at most N pages per corpus (quick runs)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="timing passes; the per-page minimum CPU time is kept (default 3)")
    ap.add_argument("--warmup", type=int, default=10, help="untimed warm-up pages per corpus")
    ap.add_argument("--worst", type=int, default=0, metavar="N",
                    help="list the N lowest-recall pages per extractor")
    ap.add_argument("--json", nargs="?", const="-", metavar="PATH",
                    help="write results as JSON to PATH ('-' or no value: stdout, tables suppressed)")
    ap.add_argument("--per-page", action="store_true", help="include per-page scores in the JSON")
    args = ap.parse_args(argv)

    if not CORPORA.is_dir():
        print(f"corpora not found at {CORPORA} (needs ../shared beside the repo)", file=sys.stderr)
        return 2
    names = args.only or list(EXTRACTORS)
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown:
        ap.error(f"unknown extractor(s) {unknown}; choose from {list(EXTRACTORS)}")
    to_stdout_json = args.json == "-"
    log = sys.stderr if to_stdout_json else sys.stdout

    cpu = pin_one_core()
    corpora: dict[str, list[Page]] = {}
    skipped_empty_gold: dict[str, list[str]] = {}
    for cname in args.corpus or list(CORPUS_LOADERS):
        folder, loader = CORPUS_LOADERS[cname]
        path = CORPORA / folder
        if not path.is_dir():
            print(f"skip corpus {cname}: {path} missing", file=log)
            continue
        pages = loader(path)
        skipped_empty_gold[cname] = [p.id for p in pages if not tokens(p.gold)]
        pages = [p for p in pages if tokens(p.gold)]
        if args.limit:
            pages = pages[: args.limit]
        corpora[cname] = pages

    print(f"pinned to CPU {cpu}; pages: " + ", ".join(f"{k}={len(v)}" for k, v in corpora.items())
          + "; pages with empty gold skipped: "
          + (", ".join(f"{k}:{v}" for k, v in skipped_empty_gold.items() if v) or "none"), file=log)

    fns: dict[str, Callable[[str, str | None], str | None]] = {}
    skipped: dict[str, str] = {}
    for name in names:
        try:
            fns[name] = EXTRACTORS[name][1]()
        except Exception as exc:  # noqa: BLE001 - e.g. dedup.text.extract not written yet
            skipped[name] = f"{type(exc).__name__}: {exc}"
            print(f"skipped {name}: {skipped[name]}", file=log)
    all_results = run_all(fns, corpora, args.repeat, args.warmup, log) if fns else {}

    parsers = run_parsers(corpora, args.repeat) if all_results else {}

    by_corpus: dict[str, list[dict]] = {c: [] for c in corpora}
    by_corpus["all"] = []
    for name, results in all_results.items():
        for r in results:
            by_corpus[r.corpus].append(r.summary())
        by_corpus["all"].append(_pooled(name, results).summary())
    sizes = {c: len(p) for c, p in corpora.items()}
    sizes["all"] = sum(sizes.values())

    if not to_stdout_json:
        print("\nP/R/F1 = mean over pages; micro = over summed token counts; R<.5 = share of pages with "
              "recall < 0.5; empty% = failed or empty output; pages/s = per CPU-second on one core, "
              "str input (parse + extract); e2e/s = from raw bytes (+ charset detection/decoding).")
        print_tables(by_corpus, sizes)
        print_budget(by_corpus["all"], parsers)
        if args.worst:
            print_worst([_pooled(n, rs) for n, rs in all_results.items()], args.worst)
        for name, why in skipped.items():
            print(f"\nskipped {name}: {why}")

    if args.json:
        doc = {
            "cpu": cpu,
            "budget_pages_per_s_per_core_end_to_end": BUDGET_PAGES_PER_S,
            "extractors": {n: EXTRACTORS[n][0] for n in all_results},
            "skipped": skipped,
            "skipped_empty_gold": skipped_empty_gold,
            "results": by_corpus,
            "parse_only_pages_per_s": parsers,
        }
        if args.per_page:
            doc["per_page"] = {n: [s.__dict__ for r in rs for s in r.scores]
                               for n, rs in all_results.items()}
        text = json.dumps(doc, indent=2, ensure_ascii=False)
        if to_stdout_json:
            print(text)
        else:
            Path(args.json).write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
