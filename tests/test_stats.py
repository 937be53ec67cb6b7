"""`dedup stats`: a summary of a real build that reads at 80 columns, the same figures as JSON, and a
closed pipe that is not an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.release.report import stories_table
from dedup.stats import render, summarise

from conftest import REPO


@pytest.fixture(scope="module")
def sample_out(sample_build) -> Path:
    return sample_build


def test_figures_agree_with_the_tables(sample_out):
    s = summarise(sample_out)
    data = pl.read_parquet(sorted((sample_out / "data").rglob("*.parquet")))
    dups = pl.read_parquet(sorted((sample_out / "duplicates").rglob("*.parquet")))
    run = json.loads((sample_out / "run.json").read_text())
    assert s["kind"] == "build"
    assert s["records"]["canonical"] == data.height and s["records"]["duplicates"] == dups.height
    assert s["records"]["input"] == run["counts"]["input_records"] and s["records"]["accounting_ok"]
    assert s["rejects_by_reason"] == run["rejects_by_reason"]
    assert sum(s["clusters"]["sizes"].values()) == s["clusters"]["clusters"] == data.height
    assert s["clusters"]["largest"] == data["cluster_size"].max()
    biggest = s["top_stories"][0]
    assert biggest["pages"] == data["cluster_size"].max() and biggest["copies"] == biggest["pages"] - 1
    assert sum(s["licence_classes"].values()) == data.height
    assert s["languages"] == {"en": data.height}
    assert s["top_republishing_sites"] == dict(list(dups["domain"].value_counts(sort=True).sort(
        ["count", "domain"], descending=[True, False]).head(5).iter_rows()))
    # boilerplate: the site passes' rows; '*' (blocks repeated across the stories of many sites) is no site
    boiler = pl.read_parquet(sorted((sample_out / "boilerplate").rglob("*.parquet")))
    site = boiler.filter(pl.col("action").is_in(["removed_site_chrome", "cross_story_repeat"]))
    assert "*" in site["domain"].to_list()
    assert s["boilerplate"]["blocks"] == site.height and s["boilerplate"]["page_rows"] == boiler.height - site.height
    assert s["boilerplate"]["sites"] == site.filter(pl.col("domain") != "*")["domain"].n_unique()


def test_terminal_view_fits_80_columns(sample_out):
    text = render(summarise(sample_out), width=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    for heading in ("records", "clusters:", "most syndicated stories", "boilerplate:", "licence classes",
                    "wire agencies", "languages"):
        assert heading in text
    assert "…" not in text


def test_json_for_scripts(sample_out):
    result = CliRunner().invoke(app, ["stats", str(sample_out), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(json.dumps(summarise(sample_out)))


def test_a_closed_pipe_is_not_an_error(sample_out):
    """`dedup stats OUT | head -1`: the reader leaves after one line; dedup exits 0, quietly."""
    code = "import sys; sys.argv = ['dedup', 'stats', sys.argv[1]]; from dedup.cli import app; app()"
    proc = subprocess.Popen([sys.executable, "-c", code, str(sample_out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO)
    proc.stdout.close()  # the reader is gone before dedup writes: its first write meets a closed pipe
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_not_a_build_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["stats", str(tmp_path)])
    assert result.exit_code != 0 and "run.json" in result.output



def test_a_top_story_counts_its_pages_not_copies(sample_out):
    # the card's "copies" are a cluster's duplicates; stats' figure is the cluster's size, the canonical included
    s = summarise(sample_out)
    top = s["top_stories"][0]
    text = render(s, width=80)
    assert f"{top['pages']:>4} pages on {top['sites']:>3} sites" in text and "copies on" not in text


def test_top_stories_in_the_reports_order(sample_out):
    # `dedup stats` and report.html list the biggest stories; stories of one size came in another order in each
    data = pl.read_parquet(sorted((sample_out / "data").rglob("*.parquet")))
    report_order = (data.filter(pl.col("cluster_size") > 1)
                    .sort(["cluster_size", "cluster_id"], descending=[True, False])["cluster_id"].to_list())
    top = [story["cluster_id"] for story in summarise(sample_out)["top_stories"]]
    assert len(top) > 1 and top == report_order[:len(top)]
    # report.html's table of stories names the same canonicals (by URL) in the same order
    table = stories_table(data)
    urls = dict(data.select("cluster_id", pl.coalesce("canonical_url", "url")).iter_rows())
    places = [table.find(f'href="{urls[cid]}"') for cid in top]
    assert -1 not in places and places == sorted(places)
