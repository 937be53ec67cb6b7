"""The CLI through typer's CliRunner: help, errors with exit code 2, a real build."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dedup.cli import app

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
    result = runner.invoke(app, ["build", str(crawl), "--out", str(out), "--overwrite", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert not (out / "keep.txt").exists() and (out / "run.json").exists()
    assert "canonical" in result.output


def test_unwritable_output_is_exit_2(tmp_path):
    crawl = tmp_path / "c.jsonl"
    crawl.write_text(json.dumps({"id": "1", "html": "<p>text</p>"}) + "\n")
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    result = runner.invoke(app, ["build", str(crawl), "--out", str(blocker / "out")])
    assert result.exit_code == 2
    assert "cannot write" in result.output


def test_bad_config_is_exit_2(tmp_path):
    crawl = tmp_path / "c.jsonl"
    crawl.write_text(json.dumps({"id": "1", "html": "<p>text</p>"}) + "\n")
    cfg = tmp_path / "c.toml"
    cfg.write_text("no_such_key = 1\n")
    result = runner.invoke(app, ["build", str(crawl), "--out", str(tmp_path / "o"), "--config", str(cfg)])
    assert result.exit_code == 2 and "unknown config key" in result.output
