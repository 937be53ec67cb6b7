"""report.html: one self-contained page that shows a release at a glance.

`write_report(out)` reads the release folder itself (run.json and the Parquet files under data/,
duplicates/, rejects/ and boilerplate/, found recursively) and writes `out/report.html`: headline
figures, the cluster-size distribution, the most syndicated stories, boilerplate removed per site,
the licence class and wire agency mix, rejects by reason and the LSH S-curve.

The page has no scripts and loads nothing: the CSS is inline and the charts are inline SVG drawn
here. All text is escaped. The same folder gives the same bytes (no clock, sorted inputs, ties broken
by name).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from dedup.config import LICENCE_CLASSES
from dedup.errors import ReleaseError
from dedup.release.describe import genre
from dedup.release.files import read_columns
from dedup.run_report import RunReport
from dedup.stats import biggest_stories, chrome_site_order
from dedup.text.blocks import CROSS_SITE, CROSS_SITE_LABEL, site_rows
from dedup.text.cleaning import HEADLINE
from dedup.words import plural

REPORT = "report.html"
TOP_STORIES = 15
TOP_SITES = 15
TOP_BARS = 12
COLOURS = {"blue": "#2f6db5", "teal": "#1f8a7a", "amber": "#c9821b", "red": "#b8463b",
           "violet": "#6a4fb0", "grey": "#6b7280"}
CLASS_COLOURS = {"open": "#1f8a7a", "nc": "#2f6db5", "nd": "#6a4fb0", "all-rights-reserved": "#b8463b",
                 "noassertion": "#9ca3af"}
NO_AGENCY = "(no wire agency)"


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _n(value) -> str:
    return f"{int(value):,}" if value is not None else "n/a"


# --------------------------------------------------------------------------------------------------
# reading


def _read(out: Path, folder: str, columns: list[str]) -> pl.DataFrame:
    """The given columns of every Parquet file under out/folder (recursive, sorted); missing columns null."""
    root = out / folder
    frames = []
    for path in sorted(root.rglob("*.parquet")) if root.is_dir() else []:
        try:
            frames.append(read_columns(out, [path.relative_to(out).as_posix()], columns))
        except Exception as exc:  # noqa: BLE001 - reported as the release's own error
            raise ReleaseError(f"{path}: cannot be read as Parquet ({type(exc).__name__}: {exc}); "
                               "rebuild the dataset") from exc
    if not frames:
        return pl.DataFrame({c: [] for c in columns})
    return pl.concat(frames, how="vertical_relaxed").select(columns)


def _counts(values, missing: str = "(none)") -> list[tuple[str, int]]:
    c: dict[str, int] = {}
    for v in values:
        k = missing if v is None or v == "" else str(v)
        c[k] = c.get(k, 0) + 1
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))


# --------------------------------------------------------------------------------------------------
# charts (inline SVG)


def _hbar(items: Sequence[tuple[str, float]], *, colour: str = COLOURS["blue"], colours: dict | None = None,
          unit: str = "", label_width: int = 230, width: int = 720) -> str:
    """Horizontal bar chart: one row per (label, value)."""
    if not items:
        return '<p class="empty">Nothing to show.</p>'
    row, pad = 26, 8
    height = len(items) * row + 2 * pad
    top = max(v for _, v in items) or 1
    plot = width - label_width - 90
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for i, (label, value) in enumerate(items):
        y = pad + i * row
        w = max(1.0, plot * value / top) if value else 0.0
        fill = (colours or {}).get(label, colour)
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<g><title>{_e(label)}: {_e(_n(value))}{_e(unit)}</title>'
            f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" class="lbl">{_e(short)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" rx="3" fill="{fill}"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" class="val">{_e(_n(value))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _vbar(items: Sequence[tuple[str, int]], *, colour: str = COLOURS["teal"], width: int = 720,
          height: int = 260, x_title: str = "", y_title: str = "") -> str:
    """Vertical bar chart with labelled bins."""
    if not items:
        return '<p class="empty">Nothing to show.</p>'
    left, right, top_pad, bottom = 56, 16, 24, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max(v for _, v in items) or 1
    slot = plot_w / len(items)
    bar = min(70.0, slot * 0.7)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for k in range(5):  # gridlines
        v = top * k / 4
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{v:,.0f}</text>')
    for i, (label, value) in enumerate(items):
        h = plot_h * value / top
        x = left + i * slot + (slot - bar) / 2
        y = top_pad + plot_h - h
        parts.append(f'<g><title>{_e(label)}: {_e(_n(value))}</title>'
                     f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" rx="3" fill="{colour}"/>'
                     f'<text x="{x + bar / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" class="val">{_e(_n(value))}</text>'
                     f'<text x="{x + bar / 2:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" class="tick">'
                     f'{_e(label)}</text></g>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" class="axis">{_e(x_title)}</text>'
                 f'<text x="14" y="{top_pad + plot_h / 2:.1f}" text-anchor="middle" class="axis" '
                 f'transform="rotate(-90 14 {top_pad + plot_h / 2:.1f})">{_e(y_title)}</text></svg>')
    return "".join(parts)


def _line(points: list[tuple[float, float]], *, marker: float | None = None, width: int = 720,
          height: int = 300) -> str:
    """Line chart on [0,1] x [0,1] (the LSH S-curve), with an optional vertical marker."""
    if len(points) < 2:
        return '<p class="empty">No S-curve in run.json.</p>'
    left, right, top_pad, bottom = 56, 20, 16, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def xy(x: float, y: float) -> tuple[float, float]:
        return left + plot_w * x, top_pad + plot_h * (1 - y)

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for k in range(6):
        v = k / 5
        x, _ = xy(v, 0)
        _, y = xy(0, v)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{v:.1f}</text>'
                     f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{top_pad + plot_h}" class="grid"/>'
                     f'<text x="{x:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" class="tick">{v:.1f}</text>')
    if marker is not None and 0 <= marker <= 1:
        x, _ = xy(marker, 0)
        parts.append(f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{top_pad + plot_h}" class="marker"/>'
                     f'<text x="{x + 5:.1f}" y="{top_pad + 14}" class="tick">threshold ≈ {marker:.2f}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}"
                    for i, (px, py) in enumerate(xy(max(0.0, min(1.0, a)), max(0.0, min(1.0, b))) for a, b in points))
    parts.append(f'<path d="{path}" fill="none" stroke="{COLOURS["violet"]}" stroke-width="2.5"/>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" class="axis">'
                 'Jaccard similarity of two documents</text>'
                 f'<text x="14" y="{top_pad + plot_h / 2:.1f}" text-anchor="middle" class="axis" '
                 f'transform="rotate(-90 14 {top_pad + plot_h / 2:.1f})">P(candidate pair)</text></svg>')
    return "".join(parts)


def _size_bins(sizes: list[int]) -> list[tuple[str, int]]:
    """Log2 bins of cluster sizes: 1, 2, 3–4, 5–8, 9–16, ... up to the largest."""
    if not sizes:
        return []
    biggest = max(sizes)
    bins: list[tuple[int, int]] = [(1, 1)]
    lo = 2
    while lo <= biggest:
        hi = 2 if lo == 2 else lo * 2 - 2
        bins.append((lo, hi))
        lo = hi + 1
    result = []
    for lo, hi in bins:
        n = sum(1 for s in sizes if lo <= s <= hi)
        result.append((str(lo) if lo == hi else f"{lo}–{hi}", n))
    return result


# --------------------------------------------------------------------------------------------------
# page

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:#1f2933;background:#f4f5f7}
header{background:linear-gradient(120deg,#1e3a5f,#2f6db5);color:#fff;padding:28px 40px 24px}
header h1{margin:0 0 4px;font-size:26px}
header p{margin:0;opacity:.85}
main{max-width:1200px;margin:0 auto;padding:24px 40px 48px}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:14px;margin:-44px 0 24px}
.card{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.card .num{font-size:28px;font-weight:700;color:#1e3a5f}
.card .what{font-size:13px;color:#52606d;text-transform:uppercase;letter-spacing:.04em}
.card .sub{font-size:12px;color:#7b8794}
section{background:#fff;border-radius:10px;padding:18px 22px;margin:0 0 20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
section h2{margin:0 0 4px;font-size:19px;color:#1e3a5f}
section p.note{margin:0 0 12px;color:#52606d;font-size:13px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:20px}
.grid2 section{margin:0}
.row{margin-bottom:20px}
svg.chart{max-width:100%;height:auto;display:block}
svg .lbl{font-size:12px;fill:#323f4b}
svg .val{font-size:11px;fill:#52606d}
svg .tick{font-size:11px;fill:#7b8794}
svg .axis{font-size:12px;fill:#52606d}
svg .grid{stroke:#e4e7eb;stroke-width:1}
svg .marker{stroke:#c9821b;stroke-width:1.5;stroke-dasharray:5 4}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;color:#52606d;font-weight:600;border-bottom:2px solid #e4e7eb;padding:6px 8px}
td{border-bottom:1px solid #eef0f2;padding:6px 8px;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td a{color:#2f6db5;text-decoration:none;word-break:break-all;font-size:12px}
.sites span{display:inline-block;background:#eef2f7;border-radius:10px;padding:1px 8px;margin:1px 2px;
font-size:11px;color:#334e68}
.pill{display:inline-block;border-radius:10px;padding:0 7px;font-size:11px;color:#fff}
.empty{color:#7b8794;font-style:italic}
footer{color:#7b8794;font-size:12px;text-align:center;padding:0 0 24px}
"""


def _section(title: str, note: str, body: str) -> str:
    return (f"<section><h2>{_e(title)}</h2>"
            + (f'<p class="note">{_e(note)}</p>' if note else "") + body + "</section>")


def stories_table(data: pl.DataFrame) -> str:
    """The table of the biggest stories (`stats.biggest_stories`), from the canonical rows of data/."""
    if data.is_empty():
        return '<p class="empty">No documents.</p>'
    top = biggest_stories(data.with_columns(pl.col("cluster_size").fill_null(1))).head(TOP_STORIES)
    rows = []
    for i, r in enumerate(top.iter_rows(named=True), 1):
        sites = sorted({d for d in [r["domain"], *(r["duplicate_domains"] or [])] if d})
        url = r["canonical_url"] or r["url"] or ""
        link = (f'<a href="{_e(url)}">{_e(url)}</a>' if url.startswith(("http://", "https://")) else _e(url))
        cls = r["licence_class"] or "noassertion"
        pill = f'<span class="pill" style="background:{CLASS_COLOURS.get(cls, "#9ca3af")}">{_e(cls)}</span>'
        agency = f" · {_e(r['original_source'])}" if r["original_source"] else ""
        rows.append(f'<tr><td class="n">{i}</td><td><b>{_e(r["title"] or "(untitled)")}</b><br>{link}'
                    f'<br>{pill}{agency}</td><td class="n">{_n(r["cluster_size"])}</td>'
                    f'<td class="sites">{"".join(f"<span>{_e(s)}</span>" for s in sites)}</td></tr>')
    return ('<table><thead><tr><th>#</th><th>Story (canonical copy)</th><th>Pages</th><th>Sites that ran it</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def boilerplate_tables(run: RunReport, boiler: pl.DataFrame, data: pl.DataFrame) -> tuple[str, str]:
    """(chart of distinct blocks per site, table of each site's most repeated blocks)."""
    per_site = dict(_counts(boiler["domain"].to_list())) if not boiler.is_empty() else {}
    removed: dict[str, int] = {}
    if not data.is_empty():
        reasons_col = pl.col("removed_reasons") if "removed_reasons" in data.columns else pl.lit(None)
        for dom, n, reasons in data.select("domain", "blocks_removed", reasons_col).iter_rows():
            # the headline is not cut: the title column holds it (the card counts it apart; until audit round 9
            # this column counted it as cut); a release made before removed_reasons gives blocks_removed only
            n_cut = int(n or 0) if reasons is None else sum(1 for r in reasons if r != HEADLINE)
            if dom:
                removed[dom] = removed.get(dom, 0) + n_cut
    top_blocks = run.near_duplicates.get("boilerplate_top") or {}
    sites = set(per_site) | set(top_blocks)
    order = chrome_site_order({s: per_site.get(s, 0) for s in sites})[:TOP_SITES]
    chart = _hbar([(_site_label(s), per_site.get(s, 0)) for s in order], colour=COLOURS["amber"], unit=" blocks")
    rows = []
    for s in order:
        blocks = sorted(top_blocks.get(s) or [], key=lambda b: (-(b.get("pages") or 0), str(b.get("text"))))[:3]
        # a block seen only on pages whose text the release does not publish has no sample (`write.apply_part`)
        items = "".join(f'<li>{_quoted(b.get("text"))} <span class="sub">on {_n(b.get("pages"))} '
                        f'{plural(b.get("pages"), "page")}</span></li>'
                        for b in blocks)
        # the cross-site row has no pages of its own: its cuts are counted in each site's row (it showed 0)
        cut = "—" if s == CROSS_SITE else _n(removed.get(s, 0))
        rows.append(f'<tr><td>{_e(_site_label(s))}</td><td class="n">{_n(per_site.get(s, 0))}</td>'
                    f'<td class="n">{cut}</td><td><ul style="margin:0;padding-left:18px">{items}</ul></td></tr>')
    table = ('<table><thead><tr><th>Site</th><th>Distinct blocks</th><th>Blocks cut from kept pages</th>'
             f'<th>Most repeated</th></tr></thead><tbody>{"".join(rows)}</tbody></table>') if rows else ""
    return chart, table


def _quoted(text: str | None) -> str:
    return '<span class="sub">(text not published)</span>' if text is None else f"“{_e(text)}”"


def _site_label(domain: str) -> str:
    return CROSS_SITE_LABEL if domain == CROSS_SITE else domain


def render(out: Path, *, name: str | None = None, run: RunReport | None = None) -> str:
    """The HTML of the report for the release folder `out` (titled `name`, default: the folder's name);
    `run` is the folder's run.json when the caller has loaded it already."""
    out = Path(out)
    name = name or out.resolve().name
    run = run or RunReport.load(out)
    if not (out / "data").is_dir() or not any((out / "data").rglob("*.parquet")):
        raise ReleaseError(f"{out}: no Parquet files under data/; package a folder written by `dedup build`")
    counts = run.counts
    data = _read(out, "data", ["doc_id", "cluster_id", "cluster_size", "url", "canonical_url", "domain", "title",
                               "licence_class", "original_source", "blocks_removed", "removed_reasons",
                               "duplicate_domains", "language", "dateline", "attribution_evidence", "page_type"])
    rejects = _read(out, "rejects", ["doc_id", "reason"])
    boiler = site_rows(_read(out, "boilerplate", ["domain", "action"]))

    canonical, n_dups, n_rej = counts.canonical, counts.duplicates, counts.rejects
    clusters, inputs, with_copies = counts.clusters, counts.input_records, counts.clusters_with_copies

    def card(num, what, sub=""):
        return (f'<div class="card"><div class="num">{_e(_n(num))}</div><div class="what">{_e(what)}</div>'
                f'<div class="sub">{_e(sub)}</div></div>')

    pct = (lambda n: f"{100 * n / inputs:.1f}% of input") if inputs else (lambda n: "")
    cards = ('<div class="cards">'
             + card(inputs, "input records", f"{_n(counts.skipped_records)} non-page records skipped")
             + card(canonical, "canonical documents", pct(canonical))
             + card(n_dups, "duplicates", pct(n_dups))
             + card(n_rej, "rejects", pct(n_rej))
             + card(clusters, "clusters", f"{_n(with_copies)} with copies")
             + "</div>")

    sizes = [int(s) for s in data["cluster_size"].fill_null(1).to_list()] if not data.is_empty() else []
    size_chart = _vbar(_size_bins(sizes), x_title="stories with N pages (cluster size, log₂ bins)",
                       y_title="clusters")

    boiler_chart, boiler_table = boilerplate_tables(run, boiler, data)

    classes = dict(_counts(data["licence_class"].to_list(), "noassertion")) if not data.is_empty() else {}
    class_items = [(c, classes.pop(c)) for c in LICENCE_CLASSES if c in classes] + sorted(classes.items())
    licence_chart = _hbar(class_items, colours=CLASS_COLOURS, label_width=170, width=540)

    agencies = _counts(data["original_source"].to_list(), NO_AGENCY) if not data.is_empty() else []
    agency_chart = _hbar(agencies[:TOP_BARS], colour=COLOURS["blue"], label_width=170, width=540)
    langs = _counts(data["language"].to_list(), "und (no letters)") if not data.is_empty() else []
    language_chart = _hbar(langs[:TOP_BARS], colour=COLOURS["blue"], label_width=170, width=540)

    if not rejects.is_empty():
        reasons = _counts(rejects["reason"].to_list(), "(unknown)")
    else:
        reasons = sorted(((str(k), int(v)) for k, v in run.rejects_by_reason.items()),
                         key=lambda kv: (-kv[1], kv[0]))
    reject_chart = _hbar(reasons[:TOP_BARS], colour=COLOURS["red"], label_width=170, width=540)

    lsh = run.near_duplicates.get("lsh") or {}
    curve = [(float(p[0]), float(p[1])) for p in lsh.get("s_curve") or [] if len(p) >= 2]
    bands, rows_ = lsh.get("bands"), lsh.get("rows")
    threshold = (1 / bands) ** (1 / rows_) if bands and rows_ else None
    s_note = (f"{bands} bands × {rows_} rows: the chance that two documents with a given Jaccard similarity "
              "become a candidate pair (every candidate is then verified)." if bands and rows_ else
              "The chance that two documents with a given Jaccard similarity become a candidate pair.")

    footer = (f"Built by dedup {run.versions.get('dedup', '')} from run.json and the Parquet files of this folder. "
              "Self-contained: no scripts, no external resources.")
    body = (
        f"<header><h1>{_e(name)} — release report</h1>"
        # the genre the card states (`describe.genre`): the header said "news documents" of any crawl
        f"<p>{_n(inputs)} crawled records → {_n(canonical)} deduplicated {genre(data)[0]} "
        f"in {_n(clusters)} {plural(clusters, 'cluster')} (one per story)</p></header><main>{cards}"
        + '<div class="row">' + _section(
            "How widely stories were syndicated",
            "Number of story clusters by how many pages of the story were crawled, the canonical one included "
            "(1: a story with no copy; the card's copies are the others).",
            size_chart) + "</div>"
        + '<div class="row">' + _section(
            f"The {TOP_STORIES} most syndicated stories",
            "The canonical copy kept for each cluster, its pages (the canonical included), and every site that ran the "
            "story.", stories_table(data))
        + "</div>"
        + '<div class="row">' + _section(
            "Boilerplate removed per site",
            # the distinct blocks are the whole crawl's, the cuts data/'s: a `--licence open` report listed the
            # chrome of 8 sites beside a data/ of 2 with nothing saying which pages either counts
            "Distinct repeated blocks (site chrome) found per site on every page of the crawl (copies and "
            "records this release does not publish included, so a site may have none of its pages in data/), "
            "from boilerplate/ and run.json; blocks cut from kept pages: every block removed from the site's "
            "documents in data/ (data/ removed_reasons, those published without their text included), chrome on "
            "every site (*) included, the headline not (the title column holds it).",
            boiler_chart + boiler_table) + "</div>"
        + '<div class="grid2 row">'
        + _section("Licence class mix", "Canonical documents by licence class (data/ licence_class).", licence_chart)
        + _section("Wire agency mix", "Canonical documents by wire agency credited (data/ original_source).",
                   agency_chart)
        + "</div>"
        + '<div class="row">' + _section(
            "Language mix", "Canonical documents by language (data/ language: fastText lid.176 on each "
            "record's text; ISO 639-1, else 639-3).", language_chart) + "</div>"
        + '<div class="grid2 row">'
        + _section("Rejects by reason", "Records that could not be turned into a document.", reject_chart)
        + _section("LSH S-curve", s_note, _line(curve, marker=threshold, width=540, height=280))
        + "</div>"
        + f"</main><footer>{_e(footer)}</footer>")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(name)} — release report</title><style>{CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def write_report(out: Path, *, name: str | None = None, run: RunReport | None = None) -> Path:
    """Write `out/report.html` for the release folder `out` and return its path. `name` titles the page
    (default: the folder's name, as `dedup release` does); `run` is the folder's run.json if loaded."""
    out = Path(out)
    path = out / REPORT
    text = render(out, name=name, run=run)
    if not path.is_file() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8", newline="\n")
    return path


__all__ = ["REPORT", "render", "write_report"]
