#!/usr/bin/env python3
"""Measure what repeated-block removal does to the kept text, on real pages with gold text.

For each corpus (from ``../shared/corpora`` beside the repo root; loaded, and the gold defined, exactly
as in ``scripts/bench_extractors.py``):

* ``article-extraction-benchmark`` (91 pages; the ground truth gives each page's real URL);
* ``dragnet`` (466 pages; no URL in the corpus: the page's own ``rel=canonical`` / ``og:url`` is used,
  else ``https://dragnet-<id>.test/<id>``; gold = text before the ``COMMENTS`` marker line);
* ``readability-test-pages`` (65 pages; the page's canonical / og:url when it has one, else
  ``https://<folder>.test/<folder>``; the site groups ``yahoo-1..4``, ``medium-1..3``, ``wapo-1..2``,
  ``ehow-1..2``, ``videos-1..2`` keep their real URLs when all pages of the group share one host, else
  all get ``https://<group>.test/<folder>`` so that they share a domain),

the script writes a JSONL crawl (``{"id", "url", "html"}``; html decoded with ``dedup.text.pagechecks.decode_html``)
into a temporary folder, runs the real ``dedup build`` (``python -m dedup.cli build CRAWL --out OUT
--no-progress --workers 1 [--config FILE]``) three ways and scores each page's kept text (the ``text`` of
its canonical record in ``OUT/data``) against the gold with ``dedup.evaluate.token_prf``:

====================  ===========================================================================
variant               what
====================  ===========================================================================
extract               ``dedup.text.extract.extract_html(html, url).text``: no block removal (no build)
within                ``site_chrome = false``: the within-page pass only
default               the defaults: within-page + cross-site (``site_min_stories = 4``)
cross3                within-page + cross-site with ``site_min_stories = 3``
cross2                within-page + cross-site with ``site_min_stories = 2``
====================  ===========================================================================

P / R / F1 are means over pages, for all pages and for the pages of multi-page sites (a site is the
domain the pipeline uses, ``dedup.text.normalise.registered_domain(url)``; multi-page = >= 2 pages in the
corpus). A page that ends as a reject (``no_text`` ...) scores as empty text (P = R = F1 = 0 unless the
gold is empty too). A page merged into another page's cluster (a row in ``OUT/duplicates``) has no text
of its own in the dataset: it is scored with the text block removal leaves on it (``within_page`` and the
build's cross-site table from ``OUT/boilerplate``; this reconstruction is checked to reproduce every
canonical ``text`` exactly, see ``reconstruction`` in the JSON), listed under ``merges`` (the corpora hold
distinct articles, so a merge is suspicious), and the all-page F1 with the canonical's text instead is
printed under the table. Readability's hand-made lorem-ipsum fixtures (gold contains "lorem ipsum") are
also summarised separately, since they repeat paragraphs on purpose.

``--syndication`` instead runs ``dedup build ../shared/bench/syndication-dev/crawl`` with the defaults
and with ``site_chrome = false`` (and ``site_min_stories = 2``), reports the text P / R / F1 that
``../shared/bench/score.py --json`` prints for each, and the extractor alone on the JSONL copy of the
crawl (``crawl-jsonl/*.jsonl.gz``) against ``labels/gold_text.jsonl``, averaged over the same docs that
score.py scored (and over all labelled docs).

``--worst N`` prints, per corpus, the N pages whose recall drops most from ``extract`` to ``cross3`` and to
``cross2`` (the recall each rule alone costs, and each removed block with the rule that removed it: the
within-page reason from ``dedup.text.blocks.within_page``, or ``removed_site_chrome`` for the cross-site pass)
and the N pages with the lowest ``cross3`` precision (the kept blocks that are not in the gold, and how
many of those also occur on another page of the same site). Hand-made lorem-ipsum fixtures are left out
of these lists. A block is "in gold" when its normalised tokens occur as a contiguous run in the
normalised gold. Every corpus table is followed by each rule's effect applied alone (blocks removed,
mean change of P and R).

Usage::

    python scripts/bench_blocks.py                         # all three corpora, markdown tables
    python scripts/bench_blocks.py --corpus aeb --worst 5  # one corpus, with the diagnosis
    python scripts/bench_blocks.py --json results.json     # also write JSON (``--json`` alone: stdout)
    python scripts/bench_blocks.py --syndication           # the syndication benchmark only
    python scripts/bench_blocks.py --syndication --corpus aeb --corpus dragnet --corpus readability  # both

The builds and the in-process extraction run on a frozen copy of ``dedup/`` and ``schemas/`` taken at
start (the package is edited while benchmarks run); ``--no-snapshot`` measures the working tree. The
code measured (HEAD, uncommitted changes, a hash of ``dedup/*.py``) is printed and kept in the JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
BENCH = SHARED / "bench"
# The code measured: a frozen copy of dedup/ + schemas/ (made by main(); other people edit the package
# while the benchmark runs), or the working tree with --no-snapshot.
CODE = Path(os.environ.get("BENCH_BLOCKS_CODE") or REPO)
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(CODE))

from dedup.text.blockkeys import block_key  # noqa: E402
from dedup.text.blocks import SITE_CHROME, within_page  # noqa: E402
from dedup.evaluate import token_prf, tokens  # noqa: E402
from dedup.text.extract import extract_html  # noqa: E402
from dedup.text.pagechecks import decode_html  # noqa: E402
from dedup.text.normalise import registered_domain  # noqa: E402

# name -> (folder, loader name in bench_extractors)
CORPUS_FOLDERS = {
    "aeb": "article-extraction-benchmark",
    "dragnet": "dragnet",
    "readability": "readability-test-pages",
}
VARIANTS = {
    # name: (label, TOML text or None for "no build")
    "extract": ("extractor alone", None),
    "within": ("within-page", "site_chrome = false\n"),
    "default": ("within + cross-site (default: min 4)", ""),
    "cross3": ("within + cross-site (min 3)", "site_min_stories = 3\n"),
    "cross2": ("within + cross-site (min 2)", "site_min_stories = 2\n"),
}
BUILD_VARIANTS = [v for v, (_, toml) in VARIANTS.items() if toml is not None]
READABILITY_GROUPS = ("yahoo", "medium", "wapo", "ehow", "videos")
MAX_BLOCKS_SHOWN = 12


@dataclass
class Page:
    id: str
    url: str
    html: str
    gold: str
    domain: str = ""
    multi: bool = False
    text: dict[str, str] = field(default_factory=dict)  # variant -> kept text
    status: dict[str, str] = field(default_factory=dict)  # variant -> canonical | duplicate:<id> | reject:<reason>
    prf: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    canon_text: dict[str, str] = field(default_factory=dict)  # variant -> canonical's text, merged pages

    @property
    def synthetic(self) -> bool:
        """A hand-made test page (readability's lorem-ipsum fixtures), not a real article."""
        return "lorem ipsum" in self.gold.lower()


# --------------------------------------------------------------------------------------------------
# Corpora -> pages with URLs


def _absolute(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    return url if re.match(r"https?://[^/\s]+", url) else None


def _page_url(html: str) -> str | None:
    return _absolute(extract_html(html).metadata.canonical_url)


def load_pages(corpus: str) -> list[Page]:
    import bench_extractors as be  # the project's extractor bench: same corpora, same gold

    root = CORPORA / CORPUS_FOLDERS[corpus]
    loader = {"aeb": be.load_aeb, "dragnet": be.load_dragnet, "readability": be.load_readability}[corpus]
    pages = []
    raw_pages = loader(root)
    if corpus == "readability":
        group_urls: dict[str, list[str | None]] = {}
        for p in raw_pages:
            group = re.sub(r"-\d+$", "", p.id)
            if group in READABILITY_GROUPS:
                group_urls.setdefault(group, []).append(_page_url(decode_html(p.raw)))
    for p in raw_pages:
        html = decode_html(p.raw)  # as the pipeline decodes page bytes
        if corpus == "aeb":
            url = p.url
        elif corpus == "dragnet":
            url = _page_url(html) or f"https://dragnet-{p.id}.test/{p.id}"
        else:
            group = re.sub(r"-\d+$", "", p.id)
            if group in READABILITY_GROUPS:
                urls = group_urls[group]
                hosts = {registered_domain(u) for u in urls}
                same = None not in urls and len(hosts) == 1
                url = _page_url(html) if same else f"https://{group}.test/{p.id}"
            else:
                url = _page_url(html) or f"https://{p.id}.test/{p.id}"
        pages.append(Page(id=p.id, url=url, html=html, gold=p.gold))
    per_domain = Counter(registered_domain(p.url) or "" for p in pages)
    for p in pages:
        p.domain = registered_domain(p.url) or ""
        p.multi = per_domain[p.domain] >= 2
    return pages


# --------------------------------------------------------------------------------------------------
# Building and reading the output


def run_build(crawl: Path, out: Path, toml: str | None) -> float:
    cmd = [sys.executable, "-m", "dedup.cli", "build", str(crawl), "--out", str(out), "--no-progress",
           "--workers", "1", "--overwrite"]
    if toml:
        cfg = out.parent / f"{out.name}.toml"
        cfg.write_text(toml, "utf-8")
        cmd += ["--config", str(cfg)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(CODE), os.environ.get("PYTHONPATH")])))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=CODE, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"dedup build failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def _read_table(folder: Path, columns: list[str]) -> list[dict]:
    import pyarrow.parquet as pq

    rows: list[dict] = []
    for path in sorted(folder.rglob("*.parquet")):
        rows.extend(pq.read_table(path, columns=columns).to_pylist())
    return rows


def read_output(out: Path) -> dict:
    data = {r["doc_id"]: r for r in _read_table(out / "data", ["doc_id", "text", "cluster_id"])}
    dups = {r["doc_id"]: r for r in _read_table(out / "duplicates",
                                                 ["doc_id", "canonical_doc_id", "similarity_to_canonical",
                                                  "match"])}
    rejects = {r["doc_id"]: r for r in _read_table(out / "rejects", ["doc_id", "reason", "detail"])}
    chrome: dict[str, set[int]] = {}
    for r in _read_table(out / "boilerplate", ["domain", "block_key"]):
        chrome.setdefault(r["domain"], set()).add(r["block_key"])
    return {"data": data, "dups": dups, "rejects": rejects, "chrome": chrome}


# --------------------------------------------------------------------------------------------------
# Scoring


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(pages: list[Page], variant: str) -> dict:
    def avg(sel: list[Page]) -> dict:
        return {k: _mean([p.prf[variant][i] for p in sel]) for i, k in enumerate(("P", "R", "F1"))}

    multi = [p for p in pages if p.multi]
    real = [p for p in pages if not p.synthetic]
    as_dataset = [token_prf(p.canon_text[variant], p.gold) if variant in p.canon_text else p.prf[variant]
                  for p in pages]
    rejects = Counter(p.status[variant].split(":", 1)[1] for p in pages
                      if p.status.get(variant, "").startswith("reject:"))
    merged = sum(1 for p in pages if p.status.get(variant, "").startswith("duplicate:"))
    return {"all": avg(pages), "multi": avg(multi), "real": avg(real) if len(real) < len(pages) else None,
            "as_dataset": {k: _mean([x[i] for x in as_dataset]) for i, k in enumerate(("P", "R", "F1"))},
            "pages": len(pages), "multi_pages": len(multi),
            "rejects": sum(rejects.values()), "rejects_by_reason": dict(rejects), "merged": merged}


def bench_corpus(corpus: str, work: Path, log) -> tuple[dict, list[Page], dict]:
    pages = load_pages(corpus)
    crawl = work / corpus / "crawl"
    crawl.mkdir(parents=True, exist_ok=True)
    with gzip.open(crawl / "pages.jsonl.gz", "wt", encoding="utf-8") as fh:
        for p in pages:
            fh.write(json.dumps({"id": p.id, "url": p.url, "html": p.html}, ensure_ascii=False) + "\n")
    for p in pages:
        p.text["extract"] = extract_html(p.html, p.url).text
        p.status["extract"] = "canonical"
    outputs: dict[str, dict] = {}
    timings: dict[str, float] = {}
    for variant in BUILD_VARIANTS:
        out = work / corpus / f"out-{variant}"
        timings[variant] = run_build(crawl, out, VARIANTS[variant][1])
        log(f"  {corpus}: build {variant} {timings[variant]:.1f} s")
        res = outputs[variant] = read_output(out)
        for p in pages:
            if p.id in res["data"]:
                p.text[variant], p.status[variant] = res["data"][p.id]["text"] or "", "canonical"
            elif p.id in res["dups"]:
                # merged into another page's cluster: the dataset keeps no text of its own; score the
                # text block removal leaves on this page (same rules, same cross-site table), and keep
                # the canonical's text for the "as the dataset holds it" figure
                canon = res["dups"][p.id]["canonical_doc_id"]
                p.text[variant] = "\n\n".join(b for b, r in block_trace(p, res["chrome"]) if r is None)
                p.canon_text[variant] = (res["data"].get(canon) or {}).get("text") or ""
                p.status[variant] = f"duplicate:{canon}"
            elif p.id in res["rejects"]:
                p.text[variant], p.status[variant] = "", f"reject:{res['rejects'][p.id]['reason']}"
            else:
                p.text[variant], p.status[variant] = "", "reject:missing_from_output"
    for p in pages:
        for variant in VARIANTS:
            p.prf[variant] = token_prf(p.text[variant], p.gold)
    merges: dict[tuple[str, str], dict] = {}
    url = {p.id: p.url for p in pages}
    for variant in BUILD_VARIANTS:
        for doc_id, d in sorted(outputs[variant]["dups"].items()):
            m = merges.setdefault((doc_id, d["canonical_doc_id"]), {
                "doc_id": doc_id, "canonical_doc_id": d["canonical_doc_id"], "url": url.get(doc_id),
                "canonical_url": url.get(d["canonical_doc_id"]), "variants": [], "similarity": {}})
            m["variants"].append(variant)
            m["similarity"][variant] = round(d["similarity_to_canonical"], 3)
    multi_domains = Counter(p.domain for p in pages if p.multi)
    result = {
        "corpus": CORPUS_FOLDERS[corpus],
        "variants": {v: summarise(pages, v) for v in VARIANTS},
        "multi_page_sites": dict(sorted(multi_domains.items())),
        "cross_site_blocks": {v: sum(len(s) for s in outputs[v]["chrome"].values()) for v in BUILD_VARIANTS},
        "merges": list(merges.values()),
        "synthetic_pages": sum(1 for p in pages if p.synthetic),
        "build_seconds": {k: round(t, 1) for k, t in timings.items()},
    }
    return result, pages, outputs


# --------------------------------------------------------------------------------------------------
# Diagnosis: which rule removed what, what chrome survives


def _norm_tokens(text: str) -> str:
    return " " + " ".join(tokens(text)) + " "


def _in_gold(block: str, gold_norm: str) -> bool:
    t = _norm_tokens(block)
    return t.strip() != "" and t in gold_norm


def block_trace(p: Page, chrome: dict[str, set[int]]) -> list[tuple[str, str | None]]:
    """(block, removal reason or None) for every extracted block: within-page verdicts, then the
    cross-site table of one build (reconstructs the pipeline's kept text)."""
    blocks = extract_html(p.html, p.url).blocks
    drop = chrome.get(p.domain, set())
    trace = []
    for b, v in zip(blocks, within_page(blocks)):
        if not v.keep:
            trace.append((b, v.reason))
        elif block_key(b) in drop:
            trace.append((b, SITE_CHROME))
        else:
            trace.append((b, None))
    return trace


def _short(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def diagnose(corpus: str, pages: list[Page], outputs: dict, n: int) -> dict:
    out: dict = {"recall_loss": {}, "low_precision": []}
    for variant in ("cross3", "cross2"):
        out["recall_loss"][variant] = _recall_losses(pages, outputs, variant, n)
    chrome3 = outputs["cross3"]["chrome"]
    # block keys per domain -> pages, to tell surviving chrome that other pages of the site repeat
    site_keys: dict[str, Counter] = {}
    for p in pages:
        if p.multi:
            site_keys.setdefault(p.domain, Counter()).update(
                {block_key(b) for b in extract_html(p.html, p.url).blocks})
    by_p = sorted((p for p in pages if not p.synthetic), key=lambda p: p.prf["cross3"][0])
    for p in by_p[:n]:
        gold_norm = _norm_tokens(p.gold)
        kept = [(b, _in_gold(b, gold_norm)) for b, r in block_trace(p, chrome3) if r is None]
        not_gold = [b for b, g in kept if not g]
        shared = [b for b in not_gold if site_keys.get(p.domain, Counter())[block_key(b)] >= 2]
        out["low_precision"].append({
            "id": p.id, "url": p.url, "multi": p.multi, "status_cross3": p.status["cross3"],
            "P": {v: round(p.prf[v][0], 3) for v in VARIANTS},
            "kept_blocks": len(kept), "kept_not_in_gold": len(not_gold),
            "not_in_gold_tokens": sum(len(tokens(b)) for b in not_gold),
            "not_in_gold_on_other_site_pages": len(shared),
            "gold_tokens": len(tokens(p.gold)),
            "examples": [_short(b, 120) for b in not_gold[:12]],
        })
    return out


def _recall_losses(pages: list[Page], outputs: dict, variant: str, n: int) -> list[dict]:
    res = []
    real = [p for p in pages if not p.synthetic]  # lorem-ipsum fixtures repeat paragraphs on purpose
    for p in sorted(real, key=lambda p: p.prf[variant][1] - p.prf["extract"][1])[:n]:
        loss = p.prf["extract"][1] - p.prf[variant][1]
        if loss <= 0:
            break
        gold_norm = _norm_tokens(p.gold)
        trace = block_trace(p, outputs[variant]["chrome"])
        removed = [{"reason": r, "in_gold": _in_gold(b, gold_norm), "tokens": len(tokens(b)), "text": _short(b)}
                   for b, r in trace if r is not None]
        # recall lost to each rule alone: drop only the blocks that rule removed
        base = p.prf["extract"][1]
        by_reason = {}
        for reason in sorted({r for _, r in trace if r is not None}):
            kept = "\n\n".join(b for b, r in trace if r != reason)
            by_reason[reason] = {"blocks": sum(1 for _, r in trace if r == reason),
                                 "recall_loss": round(base - token_prf(kept, p.gold)[1], 4)}
        res.append({"id": p.id, "url": p.url, "multi": p.multi, "status": p.status[variant],
                    "R": {v: round(p.prf[v][1], 3) for v in VARIANTS},
                    "loss_by_reason": by_reason,
                    "removed": sorted(removed, key=lambda b: not b["in_gold"])})
    return res


def rule_effects(pages: list[Page], outputs: dict) -> dict:
    """Each rule applied alone to the extractor's blocks: blocks it removes and the mean change of P and R
    (all pages / multi-page sites), in the build's own verdicts (within_page + the cross-site tables)."""
    acc: dict[str, dict] = {}
    for p in pages:
        base = p.prf["extract"]
        traces = {v: block_trace(p, outputs[v]["chrome"]) for v in ("cross3", "cross2")}
        rules: dict[str, list[str | None]] = {}
        for b, r in traces["cross3"]:
            for name in ("no_letters", "repeat_in_page", "date_line", "label_line"):
                rules.setdefault(name, []).append(name if r == name else None)
        for v in ("cross3", "cross2"):
            name = f"{SITE_CHROME} ({'min 3' if v == 'cross3' else 'min 2'})"
            rules[name] = [SITE_CHROME if r == SITE_CHROME else None for _, r in traces[v]]
        blocks = [b for b, _ in traces["cross3"]]
        for name, verdicts in rules.items():
            a = acc.setdefault(name, {"blocks": 0, "pages_hit": 0, "dP": [], "dR": [], "dP_multi": [], "dR_multi": []})
            n = sum(1 for r in verdicts if r)
            if n:
                kept = "\n\n".join(b for b, r in zip(blocks, verdicts) if not r)
                pp, rr, _ = token_prf(kept, p.gold)
            else:
                pp, rr = base[0], base[1]
            a["blocks"] += n
            a["pages_hit"] += bool(n)
            a["dP"].append(pp - base[0])
            a["dR"].append(rr - base[1])
            if p.multi:
                a["dP_multi"].append(pp - base[0])
                a["dR_multi"].append(rr - base[1])
    return {name: {"blocks": a["blocks"], "pages_hit": a["pages_hit"],
                   **{k: _mean(a[k]) for k in ("dP", "dR", "dP_multi", "dR_multi")}} for name, a in acc.items()}


def check_reconstruction(pages: list[Page], outputs: dict) -> dict:
    """How many canonical texts the block trace reproduces exactly (sanity check of the diagnosis)."""
    res = {}
    for variant in ("cross3", "cross2"):
        ok = bad = 0
        for p in pages:
            if p.status[variant] != "canonical":
                continue
            kept = [b for b, r in block_trace(p, outputs[variant]["chrome"]) if r is None]
            if "\n\n".join(kept) == p.text[variant]:
                ok += 1
            else:
                bad += 1
        res[variant] = {"same": ok, "different": bad}
    return res


# --------------------------------------------------------------------------------------------------
# Reporting


def _f(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _d(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:+.2f}"


def table(result: dict) -> str:
    lines = [f"### {result['corpus']}", "",
             f"{result['variants']['extract']['pages']} pages; multi-page sites: "
             f"{len(result['multi_page_sites'])} with {result['variants']['extract']['multi_pages']} pages. "
             f"Cross-site blocks removed: min 3 = {result['cross_site_blocks']['cross3']}, "
             f"min 2 = {result['cross_site_blocks']['cross2']}.", "",
             "| variant | P all | R all | F1 all | P multi | R multi | F1 multi | pages | rejects |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for v, (label, _) in VARIANTS.items():
        s = result["variants"][v]
        rej = str(s["rejects"]) + (f" ({', '.join(f'{k} {n}' for k, n in s['rejects_by_reason'].items())})"
                                   if s["rejects"] else "")
        lines.append(f"| {label} | {_f(s['all']['P'])} | {_f(s['all']['R'])} | {_f(s['all']['F1'])} | "
                     f"{_f(s['multi']['P'])} | {_f(s['multi']['R'])} | {_f(s['multi']['F1'])} | "
                     f"{s['pages']} | {rej} |")
    lines.append("")
    synth = result["variants"]["extract"]["real"]
    if synth is not None:
        lines.append(f"Without the {result['synthetic_pages']} hand-made lorem-ipsum test pages (all-page P / R / F1): "
                     + "; ".join(f"{VARIANTS[v][0]} {_f(s['real']['P'])} / {_f(s['real']['R'])} / "
                                 f"{_f(s['real']['F1'])}" for v, s in result["variants"].items()) + ".")
        lines.append("")
    if "rules" in result:
        lines += ["Each rule alone on the extractor's blocks (mean change in points; "
                  "pages = pages it removes a block from):", "", "| rule | blocks | pages | ΔP all | ΔR all | ΔP multi | ΔR multi |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name, r in result["rules"].items():
            lines.append(f"| {name} | {r['blocks']} | {r['pages_hit']} | {_d(r['dP'])} | {_d(r['dR'])} | "
                         f"{_d(r['dP_multi'])} | {_d(r['dR_multi'])} |")
        lines.append("")
    merges = result["merges"]
    if merges:
        lines.append("Merged pages are scored above with their own text after block removal; scored with their "
                     "canonical's text (what the dataset holds), all-page F1 is: "
                     + "; ".join(f"{VARIANTS[v][0]} {_f(result['variants'][v]['as_dataset']['F1'])}"
                                 for v in BUILD_VARIANTS) + ".")
        lines.append("")
    lines.append(f"Merges (rows in OUT/duplicates): {len(merges)}" + (":" if merges else "."))
    for m in merges:
        sims = ", ".join(f"{v} {x:.2f}" for v, x in m["similarity"].items())
        lines.append(f"- {m['doc_id']} -> {m['canonical_doc_id']} ({m['url']} -> {m['canonical_url']}; "
                     f"similarity {sims})")
    return "\n".join(lines)


def diagnosis_text(corpus: str, diag: dict) -> str:
    lines = []
    for variant, losses in diag["recall_loss"].items():
        lines += _loss_lines(corpus, variant, losses)
    lines.append(f"#### {corpus}: lowest precision, within + cross-site (min 3)")
    for d in diag["low_precision"]:
        pr = d["P"]
        lines.append(f"- {d['id']} ({d['url']}, {'multi' if d['multi'] else 'single'}, {d['status_cross3']}): "
                     f"P extract {pr['extract']:.3f}, within {pr['within']:.3f}, min3 {pr['cross3']:.3f}; "
                     f"{d['kept_not_in_gold']}/{d['kept_blocks']} kept blocks not in gold "
                     f"({d['not_in_gold_tokens']} tokens; gold {d['gold_tokens']} tokens; "
                     f"{d['not_in_gold_on_other_site_pages']} of them also on another page of the site)")
        for e in d["examples"]:
            lines.append(f"    - {e!r}")
    return "\n".join(lines)


def _loss_lines(corpus: str, variant: str, losses: list[dict]) -> list[str]:
    lines = [f"#### {corpus}: largest recall loss, extractor alone -> {VARIANTS[variant][0]}"]
    for d in losses:
        r = d["R"]
        lines.append(f"- {d['id']} ({d['url']}, {'multi' if d['multi'] else 'single'}, {d['status']}): "
                     f"R extract {r['extract']:.3f}, within {r['within']:.3f}, min3 {r['cross3']:.3f}, "
                     f"min2 {r['cross2']:.3f}")
        lines.append("    - recall lost per rule: " + ", ".join(
            f"{k} {v['blocks']} blocks -{100 * v['recall_loss']:.1f} pt" for k, v in d["loss_by_reason"].items()))
        for b in d["removed"][:MAX_BLOCKS_SHOWN]:
            lines.append(f"    - [{b['reason']}{', IN GOLD' if b['in_gold'] else ''}, {b['tokens']} tok] "
                         f"{b['text']!r}")
        if len(d["removed"]) > MAX_BLOCKS_SHOWN:
            lines.append(f"    - … {len(d['removed']) - MAX_BLOCKS_SHOWN} more removed blocks (see --json)")
    return lines


# --------------------------------------------------------------------------------------------------
# Syndication benchmark


def bench_syndication(work: Path, log) -> dict:
    root = BENCH / "syndication-dev"
    labels = root / "labels"
    gold = {}
    with (labels / "gold_text.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                g = json.loads(line)
                gold[g["doc_id"]] = g["text"]
    res: dict = {"variants": {}}
    scored_ids: dict[str, set[str]] = {}
    variants = {"within": VARIANTS["within"], "cross3": VARIANTS["cross3"], "cross2": VARIANTS["cross2"]}
    for v, (label, toml) in variants.items():
        out = work / "syndication" / f"out-{v}"
        out.parent.mkdir(parents=True, exist_ok=True)
        secs = run_build(root / "crawl", out, toml)
        log(f"  syndication: build {v} {secs:.1f} s")
        proc = subprocess.run([sys.executable, str(BENCH / "score.py"), "--labels", str(labels),
                               "--output", str(out), "--json"], capture_output=True, text=True, check=True)
        score = json.loads(proc.stdout.strip().splitlines()[-1])
        data = read_output(out)
        scored_ids[v] = {d for d, r in data["data"].items() if r["text"] is not None and d in gold}
        rejects = Counter(r["reason"] for r in data["rejects"].values())
        res["variants"][v] = {
            "label": label, "P": score["text_precision"], "R": score["text_recall"], "F1": score["text_f1"],
            "docs_scored": score["text_docs_scored"], "rejects": dict(rejects),
            "cross_site_blocks": sum(len(s) for s in data["chrome"].values()),
            "ari": score.get("ari") or score.get("adjusted_rand_index"), "build_seconds": round(secs, 1),
        }
    ext: dict[str, tuple[float, float, float]] = {}
    for part in sorted((root / "crawl-jsonl").glob("*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                obj = json.loads(line)
                if obj["id"] in gold:
                    ext[obj["id"]] = token_prf(extract_html(obj["html"], obj.get("url")).text, gold[obj["id"]])

    def avg(ids) -> dict:
        vals = [ext[i] for i in ids if i in ext]
        return {"P": _mean([x[0] for x in vals]), "R": _mean([x[1] for x in vals]),
                "F1": _mean([x[2] for x in vals]), "docs": len(vals)}

    res["extract"] = {"same_docs_as_" + v: avg(ids) for v, ids in scored_ids.items()}
    res["extract"]["all_labelled"] = avg(gold)
    return res


def syndication_table(res: dict) -> str:
    lines = ["### syndication-dev (score.py text P/R/F1; extractor alone computed here)", "",
             "| variant | P | R | F1 | docs scored | rejects | cross-site blocks |",
             "| --- | ---: | ---: | ---: | ---: | --- | ---: |"]
    for key, e in res["extract"].items():
        lines.append(f"| extractor alone ({key.replace('_', ' ')}) | {_f(e['P'])} | {_f(e['R'])} | {_f(e['F1'])} "
                     f"| {e['docs']} | – | – |")
    for v, s in res["variants"].items():
        rej = ", ".join(f"{k} {n}" for k, n in s["rejects"].items()) or "0"
        lines.append(f"| {s['label']} | {_f(s['P'])} | {_f(s['R'])} | {_f(s['F1'])} | {s['docs_scored']} | "
                     f"{rej} | {s['cross_site_blocks']} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------


def code_state() -> dict:
    """Which code was measured: HEAD, whether dedup/ differs from it, and a hash of dedup/*.py."""
    import hashlib

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    digest = hashlib.sha256()
    for path in sorted((CODE / "dedup").rglob("*.py")):
        digest.update(path.relative_to(CODE).as_posix().encode() + b"\0" + path.read_bytes())
    return {"head": os.environ.get("BENCH_BLOCKS_HEAD") or git("rev-parse", "--short", "HEAD"),
            "dedup_uncommitted": (os.environ.get("BENCH_BLOCKS_DIRTY") == "1" if "BENCH_BLOCKS_DIRTY" in os.environ
                                  else bool(git("status", "--porcelain", "--", "dedup"))),
            "dedup_sha256": digest.hexdigest()[:16], "snapshot": CODE != REPO}


def run_on_snapshot(argv: list[str]) -> int:
    """Copy dedup/ and schemas/ to a temporary folder and run this script again on that copy."""
    state = code_state()
    snap = Path(tempfile.mkdtemp(prefix="bench_blocks-code-"))
    try:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(REPO / "dedup", snap / "dedup", ignore=ignore)
        shutil.copytree(REPO / "schemas", snap / "schemas", ignore=ignore)
        env = dict(os.environ, BENCH_BLOCKS_CODE=str(snap), BENCH_BLOCKS_HEAD=state["head"],
                   BENCH_BLOCKS_DIRTY="1" if state["dedup_uncommitted"] else "0")
        return subprocess.run([sys.executable, str(Path(__file__).resolve()), *argv], env=env).returncode
    finally:
        shutil.rmtree(snap, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", action="append", choices=sorted(CORPUS_FOLDERS),
                    help="corpus to run (repeatable; default: all three)")
    ap.add_argument("--syndication", action="store_true",
                    help="run the syndication-dev benchmark (instead of the corpora, unless --corpus is given)")
    ap.add_argument("--worst", type=int, default=0, metavar="N",
                    help="print the N pages with the largest recall loss and the lowest precision")
    ap.add_argument("--json", nargs="?", const="-", metavar="FILE",
                    help="write the results as JSON to FILE (or stdout, and no tables, without FILE)")
    ap.add_argument("--work", type=Path, help="keep crawls and outputs in this folder (default: a temp dir)")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="measure the working tree as it is (default: a frozen copy of dedup/ and schemas/)")
    a = ap.parse_args(argv)
    if not a.no_snapshot and "BENCH_BLOCKS_CODE" not in os.environ:
        return run_on_snapshot(sys.argv[1:] if argv is None else argv)
    quiet = a.json == "-"

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    def say(msg: str) -> None:
        if not quiet:
            print(msg, flush=True)

    state = code_state()
    say(f"Code measured: HEAD {state['head']}"
        + (" + uncommitted changes in dedup/" if state["dedup_uncommitted"] else "")
        + f" (dedup/*.py sha256 {state['dedup_sha256']}{', frozen copy' if state['snapshot'] else ''}).\n")
    with tempfile.TemporaryDirectory(prefix="bench_blocks-") as tmp:
        work = a.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results: dict = {"code": state}
        corpora = a.corpus or ([] if a.syndication else list(CORPUS_FOLDERS))
        if a.syndication:
            results["syndication"] = bench_syndication(work, log)
            say(syndication_table(results["syndication"]))
            say("")
        if corpora:
            for corpus in corpora:
                result, pages, outputs = bench_corpus(corpus, work, log)
                result["reconstruction"] = check_reconstruction(pages, outputs)
                result["rules"] = rule_effects(pages, outputs)
                if a.worst:
                    result["diagnosis"] = diagnose(corpus, pages, outputs, a.worst)
                results[corpus] = result
                say(table(result))
                say("")
                if a.worst:
                    say(diagnosis_text(corpus, result["diagnosis"]))
                    say("")
    after = code_state()
    if after["dedup_sha256"] != state["dedup_sha256"]:
        results["code_changed_during_run"] = after
        log(f"WARNING: dedup/ changed while the benchmark ran ({state['dedup_sha256']} -> "
            f"{after['dedup_sha256']}); rerun for consistent figures")
    if a.json:
        text = json.dumps(results, indent=2, ensure_ascii=False, default=str)
        if a.json == "-":
            print(text)
        else:
            Path(a.json).write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
