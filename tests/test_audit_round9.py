"""A researcher's audit, round 9: what was removed from a record and why, and where a build's time went.

On main a researcher who found a sentence missing from a record's `text` could read its `removed_reasons` (one reason
per removed block) but not which block: data/ did not say which of boilerplate/'s (domain, block, reason) rows were
the record's, so `dedup explain OUT DOC_ID` could not list them. data/ now carries `removed_block_keys` (schema
version 7) and explain lists every removed block with its reason, its text where the release publishes it, and the
evidence's counts (docs/release.md, "Round 9"). timings.json had wall seconds per stage and no CPU seconds: now it
has them per stage, with the stage's peak memory and pages per CPU second (`dedup/cputime.py`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.text.blocks import CROSS_SITE, SITE_ACTIONS, STORY_CHROME
from dedup.text.cleaning import HEADLINE


def _removals_match_boilerplate(out: Path) -> pl.DataFrame:
    """Every removed block of data/ against boilerplate/: a page's own removals (domain, key, reason) counted over
    data/'s records equal their row's `pages` (the keys are the rows' keys, in the reasons' order), and every site
    removal has its row. Returns the exploded removals."""
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")))
    assert (data["removed_block_keys"].list.len() == data["removed_reasons"].list.len()).all()
    assert (data["removed_reasons"].list.len() == data["blocks_removed"]).all()
    removed = data.select("doc_id", pl.col("domain").fill_null(""), "removed_reasons", "removed_block_keys").explode(
        "removed_reasons", "removed_block_keys").drop_nulls("removed_reasons").rename(
        {"removed_reasons": "action", "removed_block_keys": "block_key"})
    rows = pl.read_parquet(sorted((out / "boilerplate").rglob("*.parquet")))
    own = removed.filter(~pl.col("action").is_in([*SITE_ACTIONS, HEADLINE])).group_by("domain", "block_key", "action").agg(
        pl.col("doc_id").n_unique().alias("counted"))
    page_rows = rows.filter(~pl.col("action").is_in(list(SITE_ACTIONS)))
    joined = own.join(page_rows, on=["domain", "block_key", "action"], how="left")
    assert joined.height and joined["pages"].null_count() == 0
    assert (joined["pages"].cast(pl.Int64) == joined["counted"]).all()
    site = removed.filter(pl.col("action").is_in(list(SITE_ACTIONS))).with_columns(
        pl.when(pl.col("action") == STORY_CHROME).then(pl.lit(CROSS_SITE)).otherwise("domain").alias("domain"))
    assert site.height and site.join(rows, on=["domain", "block_key", "action"], how="anti").height == 0
    return removed


def test_explain_lists_every_removed_block_with_its_reason_and_evidence(sample_build):
    """On main data/ had no `removed_block_keys` and explain printed a record's row only. Now each removed block of
    every record matches its boilerplate/ row, and explain prints it: the sample text and the row's counts."""
    from dedup.neardup.explain import lookup
    from dedup.removals import removed_blocks

    removed = _removals_match_boilerplate(sample_build)
    assert set(removed["action"]) >= {"block_model", HEADLINE, "removed_site_chrome", STORY_CHROME}
    rows = pl.read_parquet(sorted((sample_build / "boilerplate").rglob("*.parquet")))
    for doc_id in removed["doc_id"].unique().sort().to_list():
        row = lookup(sample_build, doc_id)
        entries = removed_blocks(sample_build, row)
        assert [e["reason"] for e in entries] == row["removed_reasons"]
        for e in entries:
            assert "no row" not in e["evidence"] and "records no block keys" not in e["evidence"]
            if e["reason"] == HEADLINE:
                assert e["sample_text"] == row["title"]
            else:
                domain = CROSS_SITE if e["reason"] == STORY_CHROME else row["domain"]
                want = rows.filter((pl.col("domain") == domain) & (pl.col("block_key") == e["block_key"])
                                   & (pl.col("action") == e["reason"]))
                assert e["sample_text"] == want["sample_text"][0]
    chrome = removed.filter(pl.col("action") == "removed_site_chrome")["doc_id"].sort()[0]
    shown = CliRunner().invoke(app, ["explain", str(sample_build), chrome])
    assert shown.exit_code == 0, shown.output
    assert "removed from the page's text" in shown.output and "site chrome: in " in shown.output
    assert "stories (" in shown.output and "or more stories of one site" in shown.output
    for e in removed_blocks(sample_build, lookup(sample_build, chrome)):
        if e["sample_text"]:
            assert repr(e["sample_text"]) in shown.output


def test_explain_says_what_the_release_does_not_hold(sample_open_withheld_release):
    """A record published without its text: each of its blocks (the headline aside) says its text is withheld or
    not published; a duplicate row and a reject say that no removal of theirs is recorded."""
    from dedup.neardup.explain import lookup
    from dedup.removals import describe, removed_blocks

    out = sample_open_withheld_release
    _removals_match_boilerplate(out)
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")), columns=["doc_id", "text", "blocks_removed"])
    withheld = data.filter(pl.col("text").is_null() & (pl.col("blocks_removed") > 1))["doc_id"].sort()
    assert withheld.len()
    for doc_id in withheld.head(10).to_list():
        for e in removed_blocks(out, lookup(out, doc_id)):
            assert e["reason"] == HEADLINE or "withheld" in e["evidence"] or "not published" in e["evidence"]
    dup = pl.read_parquet(sorted((out / "duplicates").rglob("*.parquet")))["doc_id"][0]
    assert "its canonical's are" in describe(out, lookup(out, dup))[0]
    reject = pl.read_parquet(sorted((out / "rejects").rglob("*.parquet")))["doc_id"][0]
    assert "records no removals" in describe(out, lookup(out, reject))[0]


@pytest.mark.slow
def test_explain_on_a_syndication_dev_build(synd_build):
    """The same on syndication-dev (skips without ../shared): every removal of its records matches its row."""
    from dedup.neardup.explain import lookup
    from dedup.removals import removed_blocks

    removed = _removals_match_boilerplate(synd_build)
    for doc_id in removed["doc_id"].unique().sort().head(50).to_list():
        for e in removed_blocks(synd_build, lookup(synd_build, doc_id)):
            assert "no row" not in e["evidence"]


def test_timings_give_cpu_seconds_and_peak_memory_per_stage(sample_release):
    """On main timings.json had no CPU figure. Now `cpu` gives each stage's CPU seconds and peak memory of the
    process tree, the run's CPU seconds and pages per CPU second; `dedup stats` shows them; the release's
    checksums leave timings.json out as before."""
    from dedup.pipeline import STAGES
    from dedup.run_report import RunReport
    from dedup.stats import render, summarise

    out = sample_release[0]
    timings = json.loads((out / "timings.json").read_text())["timings_s"]
    cpu = timings["cpu"]
    assert set(cpu["stages"]) == set(STAGES)
    assert all(s["cpu_s"] >= 0 for s in cpu["stages"].values())
    assert cpu["total_s"] > 0 and sum(s["cpu_s"] for s in cpu["stages"].values()) <= cpu["total_s"] + 0.05
    assert {k: s["peak_rss_mib"] for k, s in cpu["stages"].items()} == {
        k: v["tree"] for k, v in timings["peak_rss_mib"]["tree"].items()}
    records = RunReport.load(out).counts.input_records
    assert cpu["pages_per_cpu_s"] == round(records / cpu["total_s"], 1)
    assert "timings.json" not in (out / "SHA256SUMS").read_text()
    assert f"  {cpu['total_s']:,.1f} CPU s, " in render(summarise(out)).splitlines()[1]


def test_tree_cpu_counts_worker_processes():
    """The CPU of a child process counts while it runs (from /proc) and once it has ended (getrusage)."""
    from dedup.cputime import tree_cpu_seconds

    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc (Linux)")
    spin = "import sys\nx = 0\nfor i in range(10_000_000): x += i\nprint('done', flush=True)\nsys.stdin.read()"
    before = tree_cpu_seconds()
    child = subprocess.Popen([sys.executable, "-c", spin], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "done"  # it spun; it waits, alive
    running = tree_cpu_seconds()
    child.communicate("")
    ended = tree_cpu_seconds()
    assert before is not None and running is not None and ended is not None
    assert running - before > 0.3 and ended >= running - 0.05


def test_report_blocks_cut_per_site_leave_the_headline_out_as_the_card_does(sample_release):
    """report.html's "Blocks cut from kept pages" summed `blocks_removed`, the headline included (northfieldcourier:
    63, of which 12 headlines), while the card says the headlines are not cut ("... and 69 headlines, which the
    `title` column holds"): the two disagreed by 69 on the sample. Now each site's cut is its documents' removed
    blocks but the headline, and the sites' cuts add up to the card's site and page chrome."""
    import re

    out = sample_release[0]
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")), columns=["domain", "removed_reasons"])
    want = dict(data.group_by("domain").agg(
        (pl.col("removed_reasons").list.eval(pl.element() != HEADLINE).list.sum()).sum()).iter_rows())
    report = (out / "report.html").read_text("utf-8")
    shown = {}
    for site in want:
        row = re.search(rf"<tr><td>{re.escape(site)}</td>(.*?)</tr>", report)
        assert row, site
        shown[site] = int(re.findall(r'<td class="n">(.*?)</td>', row.group(1))[1].replace(",", ""))
    assert shown == want
    card = (out / "README.md").read_text("utf-8")
    kinds = re.search(r"were removed: ([\d,]+) as site chrome, ([\d,]+) as page chrome", card)
    assert kinds and sum(shown.values()) == sum(int(k.replace(",", "")) for k in kinds.groups())
