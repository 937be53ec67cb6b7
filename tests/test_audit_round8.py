"""A researcher's audit, round 8: a next release (`--previous OLD`) built with other `--licence` / `--withhold-text`
settings than OLD.

A next build carries OLD's rows as they were published (`previous.carry_previous`): on main, built on the sample's
small file released with every class, a next build with `--withhold-text all-rights-reserved,noassertion` published
the carried texts of those classes (its card: "text withheld for all-rights-reserved, noassertion"), and one with
`--licence open` kept their rows in data/ (its card: "records of the other licence classes are in rejects/");
the reverse kept texts withheld and records rejected that the new settings publish. The build now refuses the
combination with a ConfigError that says how to proceed (docs/release.md, "Round 8").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, copy_of

SMALL = REPO / "samples" / "crawl" / "sample-extra.jsonl.gz"
NEW = REPO / "samples" / "crawl" / "sample-00000.warc.gz"
EVERY_CLASS: dict = {}
WITHHELD = {"withhold_text": ("all-rights-reserved", "noassertion")}
OPEN = {"licence_classes": ("open",)}


@pytest.fixture(scope="module")
def released(small_build, tmp_path_factory):
    """The sample's small file released three ways: every class (`small_build`), its all-rights-reserved and
    noassertion texts withheld, only its open class. Read-only."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    folder = tmp_path_factory.mktemp("round8")
    out = {"every class": copy_of(small_build, folder / "every")}
    for name, settings in (("withheld", WITHHELD), ("open", OPEN)):
        out[name] = folder / name
        build([str(SMALL)], out[name], BuildConfig(**settings), workers=1)
    for path in out.values():
        package(path, name="s", version="1.0.0")
    return out


@pytest.mark.parametrize("old, new, said", [
    ("every class", WITHHELD, "no --withhold-text there, --withhold-text all-rights-reserved,noassertion here"),
    ("withheld", EVERY_CLASS, "--withhold-text all-rights-reserved,noassertion there, no --withhold-text here"),
    ("every class", OPEN, "every class (no --licence) there, --licence open here"),
    ("open", EVERY_CLASS, "--licence open there, every class (no --licence) here"),
])
def test_a_next_build_with_other_licence_settings_is_refused(released, tmp_path, old, new, said):
    """On main each of these built: the next release carried OLD's rows as published, so it held texts its
    --withhold-text forbids (23 rows on the sample split), rows of classes its --licence drops (23), texts withheld
    that it publishes (23) or records rejected as `licence_not_selected` that it selects, while its card stated the
    new settings. Now a ConfigError names both settings and the two ways on, before anything is read or written."""
    from dedup.config import BuildConfig
    from dedup.errors import ConfigError
    from dedup.pipeline import build

    nxt = tmp_path / "next"
    with pytest.raises(ConfigError) as caught:
        build([str(NEW)], nxt, BuildConfig(**new), workers=1, previous=released[old])
    message = " ".join(str(caught.value).split())
    assert said in message, message
    assert f"--config {released[old]}/run.json" in message and "without --previous" in message, message
    assert not (nxt / "data").exists()


def test_the_previous_releases_settings_build_on_it(released, tmp_path):
    """The way the refusal points to works: `--config OLD/run.json` builds on the withheld release, and its carried
    and new rows follow one rule. A class withheld that --licence does not select is no difference (open only,
    `--withhold-text nc`: nothing of nc is published either way). Fails on main only through the refusal not being
    there: this test guards that the check refuses no equivalent settings."""
    import polars as pl

    from dedup.config import BuildConfig, load_config
    from dedup.errors import ConfigError
    from dedup.pipeline import build

    with pytest.raises(ConfigError):  # main built this one
        build([str(NEW)], tmp_path / "refused", BuildConfig(), workers=1, previous=released["withheld"])
    nxt = tmp_path / "next"
    build([str(NEW)], nxt, load_config(Path(released["withheld"]) / "run.json"), workers=1,
          previous=released["withheld"])
    data = pl.read_parquet(sorted((nxt / "data").rglob("*.parquet")))
    withheld = data.filter(pl.col("licence_class").is_in(list(WITHHELD["withhold_text"])))
    assert withheld.height > 0 and withheld["text"].null_count() == withheld.height
    assert data.filter(pl.col("licence_class") == "open")["text"].null_count() == 0
    build([str(NEW)], tmp_path / "open", BuildConfig(licence_classes=("open",), withhold_text=("nc",)), workers=1,
          previous=released["open"])
