"""stats: a summary of any build or release folder, for a terminal (80 columns) or for scripts.

`summarise(out)` reads run.json and the output tables (only the columns it needs) and returns plain
JSON values; `render(summary)` lays them out as text. The report page (`report.html`) is for releases;
this is for every build.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from dedup.errors import InputError
from dedup.reject_hints import many_rejects_line
from dedup.run_report import CRAWL_INCLUDES, CRAWL_PAGES, RunReport, chrome_scope
from dedup.text.blocks import CROSS_SITE, CROSS_SITE_LABEL, site_rows
from dedup.words import counted, plural

TOP = 5
# what `boilerplate`'s page rows count (`counted_over` in the JSON; the site rows: `run_report.chrome_scope`)
PAGE_ROWS_SCOPE = "the documents of data/ (the blocks each lost by itself)"
SIZE_BINS = ((1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, None))


def _table(out: Path, name: str, columns: list[str]) -> pl.DataFrame:
    """The columns of an output table that exist in its files (an older build may lack some)."""
    files = sorted((out / name).rglob("*.parquet"))
    frames = []
    for f in files:
        have = set(pq.read_schema(f).names)
        frames.append(pl.read_parquet(f, columns=[c for c in columns if c in have]))
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()


def _counts(frame: pl.DataFrame, column: str, null: str = "none") -> dict[str, int]:
    if column not in frame.columns:
        return {}
    values = Counter(v if v is not None else null for v in frame[column].to_list())
    return dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))


def _seconds(measured: dict[str, Any]) -> float | None:
    """The build's wall time (timings.json, or run.json of an older build), when it is a number."""
    total = measured.get("timings_s", {}).get("total")
    return float(total) if isinstance(total, (int, float)) and not isinstance(total, bool) else None


def _cpu(measured: dict[str, Any]) -> dict[str, float] | None:
    """The build's CPU seconds and pages per CPU second (timings.json, since audit round 9), those that are numbers."""
    cpu = measured.get("timings_s", {}).get("cpu")
    figures = {k: float(cpu[k]) for k in ("total_s", "pages_per_cpu_s") if isinstance(cpu, dict)
               and isinstance(cpu.get(k), (int, float)) and not isinstance(cpu.get(k), bool)}
    return figures if "total_s" in figures else None


def biggest_stories(data: pl.DataFrame) -> pl.DataFrame:
    """Canonical rows, biggest story first, stories of one size by cluster_id (then doc_id): the order of the
    stories `dedup stats` and report.html list."""
    return data.sort(["cluster_size", "cluster_id", "doc_id"], descending=[True, False, False], nulls_last=True)


def chrome_site_order(blocks_by_site: dict[str, int]) -> list[str]:
    """Sites (the cross-site '*' among them) by their distinct site chrome blocks, most first, sites of one count by
    name (code-point order): the order `dedup stats` and report.html list them in (audit9: report.html broke a tie
    by the blocks cut from data/'s pages, `dedup stats` by name, so the two listed tied sites apart)."""
    return sorted(blocks_by_site, key=lambda site: (-blocks_by_site[site], site))


def summarise(out: Path) -> dict[str, Any]:
    """Everything `dedup stats` shows, as plain JSON values."""
    out = Path(out)
    if not out.is_dir():
        raise InputError(f"{out}: not a folder; give the --out folder of a build or a release")
    run = RunReport.load(out)
    manifest = out / "manifest.json"
    release = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else None
    data = _table(out, "data", ["doc_id", "cluster_id", "cluster_size", "title", "domain", "duplicate_domains",
                                "licence_class", "licence_spdx", "original_source", "language"])
    dups = _table(out, "duplicates", ["domain"])
    every_removal = _table(out, "boilerplate", ["domain", "pages", "action"])
    chrome = site_rows(every_removal)
    c = run.counts
    summary: dict[str, Any] = {
        "folder": str(out),
        "kind": "release" if release else "build",
        "name": (release or {}).get("name"), "version": (release or {}).get("version"),
        "records": {"input": c.input_records, "canonical": c.canonical, "duplicates": c.duplicates,
                    "rejects": c.rejects, "skipped": c.skipped_records, "accounting_ok": c.accounting_ok},
        "rejects_by_reason": dict(sorted(run.rejects_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))),
        "seconds": _seconds(RunReport.measured(out, run)),
        # the CPU seconds of the build's process tree and pages per CPU second (timings.json, since audit round 9)
        "cpu": _cpu(RunReport.measured(out, run)),
    }
    sizes = data["cluster_size"].to_list() if "cluster_size" in data.columns else []
    bins = {}
    for lo, hi in SIZE_BINS:
        label = str(lo) if lo == hi else (f"{lo}-{hi}" if hi else f"{lo}+")
        bins[label] = sum(1 for s in sizes if s >= lo and (hi is None or s <= hi))
    summary["clusters"] = {"clusters": len(sizes), "with_copies": sum(1 for s in sizes if s > 1),
                           "largest": max(sizes, default=0), "sizes": bins}
    top = []
    if data.height and "cluster_size" in data.columns:
        biggest = biggest_stories(data.filter(pl.col("cluster_size") > 1))
        for row in biggest.head(TOP).iter_rows(named=True):
            sites = {row.get("domain")} | set(row.get("duplicate_domains") or [])
            # pages: the cluster, the canonical included; copies: the others (its duplicates/ rows), as the card and
            # report.html call them (audit round 11: `copies` held the cluster's size)
            top.append({"cluster_id": row["cluster_id"], "pages": row["cluster_size"],
                        "copies": row["cluster_size"] - 1,
                        "sites": len({s for s in sites if s}), "title": row.get("title"),
                        "canonical_site": row.get("domain")})
    summary["top_stories"] = top
    summary["top_republishing_sites"] = dict(list(_counts(dups, "domain").items())[:TOP])
    sources = data.filter(pl.col("cluster_size") > 1) if "cluster_size" in data.columns else data
    summary["top_source_sites"] = dict(list(_counts(sources, "domain").items())[:TOP])
    boiler = {}
    if chrome.height:
        per_site = {domain: (blocks, pages) for domain, blocks, pages in chrome.group_by("domain").agg(
            pl.len().alias("blocks"), pl.col("pages").max().alias("pages")).iter_rows()}
        for domain in chrome_site_order({d: blocks for d, (blocks, _) in per_site.items()})[:TOP]:
            boiler[domain] = {"blocks": per_site[domain][0], "most_pages": per_site[domain][1]}
    # '*' (blocks repeated across the stories of many sites) is no site
    chrome_sites = chrome.filter(pl.col("domain") != CROSS_SITE)["domain"].n_unique() if chrome.height else 0
    # what each figure counts, as the card says it (audit round 7: "59 site chrome blocks" beside the card's
    # data/ figures): the site rows are every page read (copies, records not published), the others data/'s pages
    summary["boilerplate"] = {"blocks": chrome.height, "sites": chrome_sites,
                              "top_sites": boiler, "page_rows": every_removal.height - chrome.height,
                              "with_previous": bool(run.previous),
                              "counted_over": {"blocks": chrome_scope(bool(run.previous)),
                                               "page_rows": PAGE_ROWS_SCOPE}}
    summary["licence_classes"] = _counts(data, "licence_class")
    summary["agencies"] = _counts(data, "original_source", null="(no agency)")
    summary["languages"] = _counts(data, "language", null="und")
    return summary


# ---------------------------------------------------------------- the terminal view

def _section(title: str) -> list[str]:
    return ["", title]


def _pairs(values: dict[str, Any], width: int, indent: int = 2) -> list[str]:
    """'name count' entries, as many whole entries per line as fit in `width`."""
    items = [f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in values.items()]
    lines: list[str] = []
    line = ""
    for item in items:
        candidate = f"{line}  ·  {item}" if line else item
        if line and indent + len(candidate) > width:
            lines.append(" " * indent + line)
            candidate = item
        line = candidate
    if line:
        lines.append(" " * indent + line)
    return lines or [" " * indent + "none"]


def render(s: dict[str, Any], width: int = 80) -> str:
    """The summary as text that reads at `width` columns (nothing is cut: long titles wrap)."""
    what = f"release {s['name']} {s['version']}" if s["kind"] == "release" else "build"
    cpu = s.get("cpu") or {}
    lines = [f"{s['folder']}: {what}" + (f", built in {s['seconds']:.1f} s" if s.get("seconds") else "")]
    if cpu:  # a line of its own: the header holds a folder's path, as long as it is
        lines.append(f"  {cpu['total_s']:,.1f} CPU s" + (f", {cpu['pages_per_cpu_s']:,.0f} pages per CPU second"
                                                      if cpu.get("pages_per_cpu_s") else ""))
    r = s["records"]
    lines += _section("records")
    lines.append(f"  input {r['input']:>10,}   canonical {r['canonical']:>9,}   duplicates {r['duplicates']:>9,}")
    lines.append(f"  rejects {r['rejects']:>8,}   skipped {r['skipped']:>11,}   accounting "
                 + ("holds" if r["accounting_ok"] else "FAILS"))
    if s["rejects_by_reason"]:
        lines += _pairs(s["rejects_by_reason"], width, indent=4)
        if many := many_rejects_line(r["input"], s["rejects_by_reason"]):  # the top reason and how to fix it
            lines += textwrap.wrap(many, width=width, initial_indent="    ", subsequent_indent="    ")
    cl = s["clusters"]
    lines += _section(f"clusters: {cl['clusters']:,}, {cl['with_copies']:,} with copies, largest {cl['largest']:,}")
    lines += _pairs({f"size {k}": v for k, v in cl["sizes"].items()}, width)
    if s["top_stories"]:
        lines += _section("most syndicated stories")
        for t in s["top_stories"]:
            # pages, the canonical one included (the card's "copies" are the duplicates: the others)
            head = (f"  {t['pages']:>4} {plural(t['pages'], 'page ', 'pages')} on {t['sites']:>3} "
                    f"{plural(t['sites'], 'site ', 'sites')}  ")
            lines += textwrap.wrap(t["title"] or "(no title)", width=width, initial_indent=head,
                                   subsequent_indent=" " * len(head))
    if s["top_source_sites"]:
        lines += _section("sites whose copy is canonical (clusters with copies)")
        lines += _pairs(s["top_source_sites"], width)
    if s["top_republishing_sites"]:
        lines += _section("sites that republish most (rows in duplicates/)")
        lines += _pairs(s["top_republishing_sites"], width)
    b = s["boilerplate"]
    # each figure says what it counts, as the card does (an older summary has no `counted_over`: the crawl's)
    crawl = "the crawl and the releases before it" if b.get("with_previous") else "the crawl"
    lines += [""] + textwrap.wrap(
        f"boilerplate: {counted(b['blocks'], 'site chrome block')} in {crawl} on {counted(b['sites'], 'site')}, "
        f"{b['page_rows']:,} page-level {plural(b['page_rows'], 'row')} of data/", width=width, subsequent_indent="  ")
    lines += textwrap.wrap(f"(the crawl: {CRAWL_PAGES}, {CRAWL_INCLUDES}; page-level: blocks a document of data/ "
                           "lost by itself)", width=width,
                           initial_indent="  ", subsequent_indent="   ")
    if b["top_sites"]:
        lines += _pairs({CROSS_SITE_LABEL if d == CROSS_SITE else d: counted(v['blocks'], 'block')
                         for d, v in b["top_sites"].items()}, width)
    lines += _section("licence classes")
    lines += _pairs(s["licence_classes"], width)
    lines += _section("wire agencies")
    lines += _pairs(s["agencies"], width)
    lines += _section("languages")
    lines += _pairs(s["languages"], width)
    return "\n".join(lines)
