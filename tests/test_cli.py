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


def test_release_and_verify_commands(tmp_path):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "samples" / "crawl"
    out = tmp_path / "rel"
    assert runner.invoke(app, ["build", str(sample), "--out", str(out), "--workers", "1"]).exit_code == 0
    result = runner.invoke(app, ["release", str(out), "--name", "sample-news", "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    assert (out / "croissant.json").exists() and (out / "SHA256SUMS").exists()
    assert runner.invoke(app, ["verify", str(out)]).exit_code == 0
    (out / "stray.parquet").write_bytes(b"not listed")
    result = runner.invoke(app, ["verify", str(out)])
    assert result.exit_code == 3 and "stray.parquet" in result.output
