"""Configuration: presets, TOML overrides, validation with clear errors."""

from __future__ import annotations

import pytest

from dedup.config import PRESETS, load_config
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


@pytest.mark.parametrize("text, message", [
    ("nope = 1\n", "unknown config key"),
    ('preset = "other"\n', "unknown preset"),
    ("bands = 100\nrows = 2\n", "exceeds num_perm"),
    ('canonical_policy = ["coin_toss"]\n', "unknown canonical rule"),
    ("bands = [\n", "invalid TOML"),
])
def test_bad_config_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_every_preset_validates():
    for name in PRESETS:
        load_config(None, preset=name)
