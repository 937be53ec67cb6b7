"""Configuration: presets, TOML overrides, validation with clear errors."""

from __future__ import annotations

import pytest

from dedup.config import BuildConfig, PRESETS, load_config
from dedup.errors import ConfigError


def test_defaults_are_the_news_preset():
    cfg = load_config(None)
    assert cfg.preset == "news" and (cfg.bands, cfg.rows, cfg.num_perm) == (64, 2, 128)


def test_fineweb_preset_is_the_reference_setting():
    cfg = load_config(None, preset="fineweb")
    assert (cfg.ngram, cfg.shingle_unit, cfg.bands, cfg.rows, cfg.num_perm) == (5, "word", 14, 8, 112)


def test_toml_overrides_preset_and_cli_overrides_toml(tmp_path):
    path = tmp_path / "build.toml"
    path.write_text('[build]\npreset = "fineweb"\nrows = 7\nshard_bytes = 4096\n')
    cfg = load_config(path)
    assert cfg.preset == "fineweb" and cfg.rows == 7 and cfg.bands == 14 and cfg.shard_bytes == 4096
    assert load_config(path, shard_bytes=8192).shard_bytes == 8192


def test_config_hash_changes_with_any_value():
    assert load_config(None).sha256() != load_config(None, preset="fineweb").sha256()
    assert load_config(None).sha256() == load_config(None).sha256()


def test_a_setting_added_later_changes_the_hash_only_when_set():
    """`max_html_bytes` came after outputs existed: at its default it is left out of run.json's config and of
    the hash, so a build that does not set it resumes and compares with an earlier one as before."""
    default = load_config(None)
    assert "max_html_bytes" not in default.to_dict() and default.max_html_bytes == 8 * 1024 * 1024
    assert load_config(None, max_html_bytes=8 * 1024 * 1024).sha256() == default.sha256()
    larger = load_config(None, max_html_bytes=16 * 1024 * 1024)
    assert larger.sha256() != default.sha256() and larger.to_dict()["max_html_bytes"] == 16 * 1024 * 1024


@pytest.mark.parametrize("text, message", [
    ("nope = 1\n", "unknown config key"),
    ('preset = "other"\n', "unknown preset"),
    ("bands = 100\nrows = 2\n", "exceeds num_perm"),
    ('canonical_policy = ["coin_toss"]\n', "unknown canonical rule"),
    ("bands = [\n", "invalid TOML"),
    # wrong types name the key, never a traceback (issue 13 case 9)
    ('num_perm = "128"\n', r"num_perm = '128': expected a whole number"),
    ('verify_jaccard = "high"\n', "verify_jaccard = 'high': expected a number"),
    ("canonical_policy = 5\n", "canonical_policy = 5: expected a list"),
    ('site_chrome = "no"\n', "site_chrome = 'no': expected true or false"),
    ('site_min_stories = "four"\n', "site_min_stories = 'four': expected a whole number"),
    ("shingle_unit = 3\n", "shingle_unit = 3: expected a string"),
    ('licence_classes = [1]\n', "licence_classes"),
    # nonsense values are refused with the allowed range
    ("max_payload_bytes = -1\n", "max_payload_bytes = -1 is out of range: it must be at least 1024"),
    ("max_html_bytes = 100\n", "max_html_bytes = 100 is out of range: it must be between 1024 and 1073741824"),
    ('max_html_bytes = "16 MiB"\n', "max_html_bytes = '16 MiB': expected a whole number"),
    ("verify_jaccard = 5.0\n", "verify_jaccard = 5.0 is out of range: it must be between 0.0 and 1.0"),
    ("site_min_stories = 0\n", "site_min_stories = 0 is out of range"),
    ("num_perm = 0\n", "num_perm = 0 is out of range"),
    ('hash = "md5"\n', "hash = 'md5': choose from sha1, murmur3_32"),
    ("[build]\nseed = -3\n", "seed = -3 is out of range"),
    ("build = 3\n", r"\[build\] must be a table"),
    # a key beside the [build] table, or a second table, was silently dropped: the build ran on the default
    ("bands = 32\n[build]\nrows = 2\n", r"outside the \[build\] table: \['bands'\]"),
    ("[build]\nrows = 2\n[biuld]\nbands = 32\n", r"outside the \[build\] table: \['biuld'\]"),
    # NaN passed every range check (each comparison with it is false)
    ("verify_jaccard = nan\n", "verify_jaccard = nan is out of range: it must be between 0.0 and 1.0"),
    ("verify_containment = -nan\n", "verify_containment = nan is out of range"),
    # a typo names the key meant; a command-line-only option says where it goes
    ("bandz = 3\n", r"unknown config key\(s\) \['bandz'\] \(bandz: did you mean bands\?\)"),
    ("workers = 4\n", r"workers: not a build setting, it never changes the output: pass --workers to dedup build"),
    ("[build]\nmemory = \"4G\"\n", r"memory: not a build setting.*--memory"),
    # an empty preset name fell back to news
    ('preset = ""\n', "unknown preset ''"),
])
def test_bad_config_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_every_preset_validates():
    for name in PRESETS:
        load_config(None, preset=name)


def test_toml_error_gives_line_and_column(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("num_perm = 128\nbands = = 3\n")
    with pytest.raises(ConfigError, match=r"line 2, column"):
        load_config(path)


def test_non_utf8_toml_and_a_folder_are_config_errors(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('preset = "news" # caf\xe9\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)


def test_config_is_frozen_and_checked_when_made():
    config = BuildConfig()
    with pytest.raises(AttributeError):
        config.num_perm = 64  # type: ignore[misc]
    with pytest.raises(ConfigError, match="num_perm"):
        BuildConfig(num_perm="128")  # type: ignore[arg-type]
    assert BuildConfig(verify_jaccard=1).verify_jaccard == 1  # an integer is a number


def test_cli_config_errors_exit_2_with_the_key(tmp_path):
    from typer.testing import CliRunner

    from dedup.cli import app

    path = tmp_path / "bad.toml"
    path.write_text('num_perm = "128"\n')
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "out"), "--config", str(path)])
    assert result.exit_code == 2
    assert "num_perm" in result.output


def test_configuration_doc_lists_every_key_and_its_example_loads(tmp_path):
    """docs/configuration.md's table left out story_*, licence_classes and withhold_text, all valid keys."""
    import re
    from dataclasses import fields
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text("utf-8")
    rows = re.findall(r"^\| ((?:`[a-z_]+`(?:, )?)+) \|", doc, re.M)
    documented = {key for row in rows for key in re.findall(r"`([a-z_]+)`", row)}
    assert documented == {f.name for f in fields(BuildConfig)}
    example = tmp_path / "build.toml"
    example.write_text(re.search(r"```toml\n(.*?)```", doc, re.S).group(1))
    assert load_config(example).site_min_stories == 4
