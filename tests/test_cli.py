"""The CLI through typer's CliRunner: help, errors with exit code 2, a real build."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import copy_of
from dedup.cli import app
from dedup.engine.embedded import auto_workers

runner = CliRunner()


def test_help_lists_every_option():
    result = runner.invoke(app, ["build", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--config", "--workers", "--shard-mb", "--overwrite", "--progress"):
        assert option in result.output


def test_missing_input_is_exit_2(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope.warc.gz"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "input not found" in result.output


def test_non_empty_output_needs_overwrite(tmp_path):
    crawl = tmp_path / "c.jsonl"
    crawl.write_text(json.dumps({"id": "1", "html": "<p>some text of a page</p>"}) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    result = runner.invoke(app, ["build", str(crawl), "--out", str(out)])
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert (out / "keep.txt").exists()
    # --overwrite replaces an earlier output only, never a folder of other files (round 12)
    result = runner.invoke(app, ["build", str(crawl), "--out", str(out), "--overwrite"])
    assert result.exit_code == 2 and "keep.txt" in result.output and (out / "keep.txt").exists()
    (out / "keep.txt").unlink()
    (out / "run.json").write_text("{}")  # an earlier build's (its other files gone)
    result = runner.invoke(app, ["build", str(crawl), "--out", str(out), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "run.json").read_text())
    assert "canonical" in result.output
    # --workers 0 (the default) on a one-line crawl: no worker process is spawned for it
    assert json.loads((out / "timings.json").read_text())["timings_s"]["workers"] == 1
    assert "timings_s" not in json.loads((out / "run.json").read_text())  # a measurement: not in run.json


def test_auto_workers_one_per_core_at_most_one_per_4_mib():
    mib = 1024 * 1024
    assert [auto_workers(n * mib, cores=4) for n in (0, 1, 4, 5, 8, 9, 100)] == [1, 1, 1, 2, 2, 3, 4]
    assert auto_workers(0, size_known=False, cores=4) == 4  # an object store that gives no sizes


def test_unwritable_output_is_exit_2(tmp_path):
    crawl = tmp_path / "c.jsonl"
    crawl.write_text(json.dumps({"id": "1", "html": "<p>text</p>"}) + "\n")
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    result = runner.invoke(app, ["build", str(crawl), "--out", str(blocker / "out")])
    assert result.exit_code == 2
    assert "cannot write" in result.output


@pytest.mark.parametrize("toml, message", [("no_such_key = 1\n", "unknown config key"),
                                           ("bands = 3\nrows = \n", "line 2, column 8")])  # invalid TOML: where
def test_bad_config_is_exit_2(tmp_path, toml, message):
    crawl = tmp_path / "c.jsonl"
    crawl.write_text(json.dumps({"id": "1", "html": "<p>text</p>"}) + "\n")
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml)
    result = runner.invoke(app, ["build", str(crawl), "--out", str(tmp_path / "o"), "--config", str(cfg)])
    assert result.exit_code == 2 and message in result.output


def test_explain_one_and_two_documents(tmp_path):
    story = " ".join(f"word{i} of the long wire story about the harbour council vote" for i in range(40))
    lines = [json.dumps({"id": "a", "url": "https://one.example/a", "text": story}),
             json.dumps({"id": "b", "url": "https://two.example/b", "text": story + " An extra local line."}),
             json.dumps({"id": "c", "url": "https://three.example/c", "text": "A different short notice entirely."})]
    crawl = tmp_path / "c.jsonl"
    crawl.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(crawl), "--out", str(out), "--workers", "1"]).exit_code == 0
    result = runner.invoke(app, ["explain", str(out), "a", "b"])
    assert result.exit_code == 0, result.output
    assert "same_cluster: True" in result.output and "edge accepted" in result.output
    result = runner.invoke(app, ["explain", str(out), "b", "c"])  # both canonical: texts kept, exact measures
    assert "same_cluster: False" in result.output and "exact_jaccard: 0.0" in result.output
    result = runner.invoke(app, ["explain", str(out), "a", "c"])  # a is a duplicate row: estimates only
    assert "not computed" in result.output
    result = runner.invoke(app, ["explain", str(out), "b"])
    assert result.exit_code == 0 and "table: " in result.output
    result = runner.invoke(app, ["explain", str(out), "nope"])
    assert result.exit_code == 2 and "not in" in result.output


def test_release_and_verify_commands(sample_build, tmp_path):
    out = copy_of(sample_build, tmp_path / "rel")  # the sample built (`dedup build` runs in the tests above)
    result = runner.invoke(app, ["release", str(out), "--name", "sample-news", "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    assert (out / "croissant.json").exists() and (out / "SHA256SUMS").exists()
    assert runner.invoke(app, ["verify", str(out)]).exit_code == 0
    (out / "stray.parquet").write_bytes(b"not listed")
    result = runner.invoke(app, ["verify", str(out)])
    assert result.exit_code == 3 and "stray.parquet" in result.output


def test_explain_shows_the_chain_that_joins_two_documents(tmp_path):
    """a ⊂ b ⊃ c: a and c share a third of their words, not enough for an edge, but each is contained
    in b, so all three are one cluster; explain names the two edges through b."""
    part = [" ".join(f"p{k}w{i}" for i in range(120)) for k in range(3)]
    docs = {"a": part[0] + "\n\n" + part[1], "b": "\n\n".join(part), "c": part[1] + "\n\n" + part[2]}
    crawl = tmp_path / "c.jsonl"
    crawl.write_text("".join(json.dumps({"id": k, "url": f"https://{k}.example/x", "text": v}) + "\n"
                             for k, v in docs.items()))
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(crawl), "--out", str(out), "--workers", "1"]).exit_code == 0
    result = runner.invoke(app, ["explain", str(out), "a", "c"])
    assert result.exit_code == 0, result.output
    assert "same_cluster: True" in result.output and "candidate rejected" in result.output
    assert "chain: 2 accepted edges" in result.output
    lines = result.output.splitlines()
    steps = lines[[i for i, l in enumerate(lines) if "chain:" in l][0] + 1:][:2]
    assert steps[0].strip().startswith("a -> b:") and steps[1].strip().startswith("b -> c:")
    assert "containment" in steps[0]
    direct = runner.invoke(app, ["explain", str(out), "a", "b"])
    assert "edge accepted" in direct.output and "chain" not in direct.output


def test_help_reads_at_80_columns():
    for command in ([], ["build"], ["release"], ["verify"], ["publish"], ["explain"], ["stats"], ["rehydrate"]):
        result = runner.invoke(app, [*command, "-h"], terminal_width=80, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        text = result.output
        cut = [line for line in text.splitlines() if line.rstrip().endswith("...") and "Usage:" not in line
               and "CRAWL..." not in line]
        assert "…" not in text and not cut, cut
        assert all(len(line) <= 80 for line in text.splitlines())
        assert "<list" not in text and "<path>" not in text and "<str>" not in text
    build_help = runner.invoke(app, ["build", "--help"], terminal_width=80).output
    assert "build [OPTIONS] CRAWL...\n" in build_help
    for default in ("[default: news]", "[default: when stderr is a terminal]", "[default: 512]", "[default: all]"):
        assert default in " ".join(build_help.split()), default


def test_release_help_states_the_default_name_package_gives():
    # the help said "[default: the folder name]"; `package` names a release after its records (genre, language,
    # months fetched: `describe.default_name`, e.g. news-en-2024-05) or keeps the previous release's name
    text = " ".join(runner.invoke(app, ["release", "--help"], terminal_width=100).output.split())
    assert "the folder name" not in text
    assert "previous release's name" in text and "news-en-2024-05" in text


def test_verify_on_a_build_says_to_release_it(tmp_path):
    crawl = tmp_path / "c.jsonl"
    crawl.write_text(json.dumps({"id": "1", "html": "<p>some text of a page</p>"}) + "\n")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(crawl), "--out", str(out), "--workers", "1"]).exit_code == 0
    result = runner.invoke(app, ["verify", str(out)])
    assert result.exit_code == 3
    assert f"run `dedup release {out}`" in " ".join(result.output.split())
    assert "dedup.release" not in result.output


def test_interrupted_line_says_what_was_kept():
    from pathlib import Path

    from dedup.cli import RichProgress, interrupted_line

    bar = RichProgress(False)
    bar.start(100, 1)
    for stage in ("ingest", "keys", "stories"):
        bar.stage(stage)
    line = interrupted_line(bar, Path(".out.partial"))
    assert "\n" not in line
    assert line.startswith("interrupted during stories: the finished stages (ingest, keys) are kept in .out.partial")
    assert "run the same command again to resume" in line and "--fresh" in line
