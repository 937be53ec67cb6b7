"""A researcher's audit, round 7: the figures of a release say what they count, and a next release publishes no
text its rule would not.

- `dedup stats` ("59 site chrome blocks on 8 sites, 60 page-level") and run.json (`site_chrome_blocks`) gave the
  crawl's site chrome (every page read, copies and records not published included) under a plain name, beside the
  card's figures of data/ (polish of round 6 left them).
- A release made before audit round 6 held `sample_text`s of pages it did not publish (copies, records dropped or
  withheld); a next build (`--previous`) carried them into the new release's boilerplate/ and run.json unchanged.
"""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import REPO, copy_of

SAMPLE = REPO / "samples" / "crawl"


def test_stats_and_run_json_say_the_site_chrome_is_the_crawls(sample_open_withheld_release):
    """The release of the open and all-rights-reserved classes (the latter without text): its site rows are the
    crawl's (every page read, its dropped noassertion records included). run.json, `dedup stats` (text and JSON)
    and the card give the same figure, each saying it counts every page read; the page-level rows say they are
    data/'s."""
    import polars as pl

    from dedup.stats import render, summarise
    from dedup.text.blocks import site_rows

    out = sample_open_withheld_release
    run = json.loads((out / "run.json").read_text("utf-8"))
    site = site_rows(pl.read_parquet(sorted((out / "boilerplate").glob("*.parquet"))))
    nd = run["near_duplicates"]
    assert "site_chrome_blocks" not in nd, "a plain name for the crawl's figure"
    from dedup.run_report import CHROME_SCOPE

    assert nd["site_chrome_blocks_in_crawl"] == site.height and nd["site_chrome_blocks_counted_over"] == CHROME_SCOPE
    card = (out / "README.md").read_text("utf-8")
    assert f"{site.height} (domain, block) pairs found as site chrome in the crawl" in card
    s = summarise(out)
    assert s["boilerplate"]["blocks"] == site.height
    assert s["boilerplate"]["counted_over"]["blocks"] == CHROME_SCOPE
    assert "data/" in s["boilerplate"]["counted_over"]["page_rows"]
    text = " ".join(render(s).split())
    sites = site.filter(pl.col("domain") != "*")["domain"].n_unique()
    assert (f"boilerplate: {site.height} site chrome blocks in the crawl on {sites} sites, "
            f"{s['boilerplate']['page_rows']} page-level rows of data/") in text, text
    assert "copies and records the release does not publish included" in text


def _as_made_before_round_7(release, injected: str) -> int:
    """Give every site row of `release`'s boilerplate/ a sample, as a build before audit round 6 did (from any page:
    here a text no page holds), without the sample rule in the file's metadata, and package it again. The rows."""
    from dedup.release.package import package
    from dedup.text.blocks import SITE_CHROME, STORY_CHROME

    (path,) = sorted((release / "boilerplate").glob("*.parquet"))
    table = pq.read_table(path)
    site = [a in (SITE_CHROME, STORY_CHROME) for a in table["action"].to_pylist()]
    old = table["sample_text"].to_pylist()
    samples = [f"{injected} {i:04d}" if s else t for i, (s, t) in enumerate(zip(site, old))]
    table = table.set_column(table.schema.get_field_index("sample_text"), table.schema.field("sample_text"),
                             pa.array(samples, pa.string()))
    meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != b"dedup.boilerplate.sample_text"}
    pq.write_table(table.replace_schema_metadata(meta), path)
    package(release, name="news-old", version="1.0.0")
    return sum(site)


def test_a_next_release_does_not_carry_the_samples_of_a_release_made_before_the_rule(small_build, tmp_path):
    """A release whose boilerplate/ does not state that its samples come from published pages (made before audit
    round 7; before round 6 they came from any page: bylines and notices of copies and dropped records) built on
    with `--previous`: its rows and counts are carried, its samples are not (the new crawl gives none here: it is the
    same file again), and the card and run.json say why. On main every sample was carried into boilerplate/ and
    run.json's most repeated blocks."""
    import polars as pl

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package
    from dedup.text.blocks import site_rows

    old = copy_of(small_build, tmp_path / "old")
    injected = "Continental News Service byline of a copy"
    n_rows = _as_made_before_round_7(old, injected)
    assert n_rows > 0
    nxt = tmp_path / "next"
    build([str(SAMPLE / "sample-extra.jsonl.gz")], nxt, BuildConfig(), workers=1, previous=old)
    package(nxt)
    (path,) = sorted((nxt / "boilerplate").glob("*.parquet"))
    rows = site_rows(pl.read_parquet(path))
    assert rows.height == n_rows and rows["chrome_since"].null_count() == 0  # every row carried, counts kept
    for name in ("run.json", "README.md", "report.html", "croissant.json", "CHANGELOG.md"):
        assert injected not in (nxt / name).read_text("utf-8"), name
    assert rows["sample_text"].null_count() == n_rows
    # the new release states its rule, so that a release built on it carries its samples
    assert pq.read_schema(path).metadata[b"dedup.boilerplate.sample_text"] == b"published-pages"
    run = json.loads((nxt / "run.json").read_text("utf-8"))
    assert run["previous"]["chrome_samples_not_carried"] == n_rows
    card = " ".join((nxt / "README.md").read_text("utf-8").split())
    assert re.search(rf"{n_rows} of the `boilerplate/` rows have no `sample_text`.*rows carried from news-old 1\.0\.0, "
                     "whose samples are not carried", card), card


def test_the_card_says_how_to_rebuild_the_release_and_its_commands_give_the_same_digest(small_build, tmp_path,
                                                                                         monkeypatch):
    """The card said that "the same crawl and settings can be rebuilt and compared byte for byte" and not how (the
    settings are in run.json, which `--config` did not read). Its commands, run as written (the crawl in a folder
    under run.json's names, `--config RELEASE/run.json`), give the release's SHA256SUMS."""
    import shlex
    import shutil

    from typer.testing import CliRunner

    from dedup.cli import app
    from dedup.release.package import package

    release = copy_of(small_build, tmp_path / "release")
    package(release, name="news small", version="1.2.0", url="https://example.org/news-small")
    card = (release / "README.md").read_text("utf-8")
    (block,) = re.findall(r"### Rebuilding this release\n.*?\n```sh\n(.*?)\n```", card, re.S)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for name in json.loads((release / "run.json").read_text("utf-8"))["inputs"]:
        shutil.copy(SAMPLE / name["file"], crawl / name["file"])
    places = {"CRAWL": str(crawl), "OUT": str(tmp_path / "out"), "RELEASE/run.json": str(release / "run.json")}
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    lines = block.splitlines()
    assert lines[1].startswith("SOURCE_DATE_EPOCH=") and "--name 'news small' --version 1.2.0" in lines[1]
    for line in lines:
        words = [places.get(w, w) for w in shlex.split(line)]
        env = {}
        while "=" in words[0]:
            key, value = words.pop(0).split("=", 1)
            env[key] = value
        assert words[0] == "dedup"
        result = CliRunner().invoke(app, words[1:] + (["--workers", "1"] if words[1] == "build" else []), env=env)
        assert result.exit_code == 0, (line, result.output)
    assert (tmp_path / "out" / "SHA256SUMS").read_bytes() == (release / "SHA256SUMS").read_bytes()


def test_explain_of_a_duplicate_says_why_it_is_one(sample_build):
    """`dedup explain OUT DOC_ID` promises "where it ended and why": for a duplicate it printed the row alone, whose
    similarity (0.34 for some) is under the 0.5 the card states, and no reason. It now gives the pair with the
    canonical under the build's parameters: the accepted edge, or the chain of edges through the cluster."""
    import polars as pl
    from typer.testing import CliRunner

    from dedup.cli import app

    dups = pl.read_parquet(sorted((sample_build / "duplicates").rglob("*.parquet"))).sort("doc_id")
    picks = [dups.filter(pl.col("match") == "exact").row(0, named=True),
             dups.filter(pl.col("similarity_to_canonical") < 0.5).row(0, named=True)]
    for row in picks:
        result = CliRunner().invoke(app, ["explain", str(sample_build), row["doc_id"]])
        assert result.exit_code == 0, result.output
        why = result.output.split("why: ", 1)[1]
        assert f"b: {row['canonical_doc_id']}" in why and "same_cluster: True" in why, why
        assert re.search(r"verdict: edge accepted|chain: \d+ accepted edges? through", why), why


def test_the_card_gives_the_characters_of_each_licence(sample_release):
    """"How much text of each licence?": the card's licence mix gave documents only (the characters were a total of
    every licence). Each row now gives the characters of data/'s texts under that licence, as `n_chars` adds up."""
    import polars as pl

    out, _ = sample_release
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")), columns=["licence_spdx", "n_chars", "text"])
    card = (out / "README.md").read_text("utf-8")
    assert "| licence_spdx | documents | characters of text |" in card
    for spdx, docs, chars, published in data.group_by("licence_spdx").agg(
            pl.len(), pl.col("n_chars").sum(), pl.col("text").str.len_chars().sum()).iter_rows():
        assert chars == published  # nothing withheld in this build: n_chars is the text's length
        assert f"| `{spdx}` | {docs} | {chars:,} |" in card


def test_every_published_column_is_described_in_schemas_as_the_data_holds_it(sample_open_withheld_release):
    """The column meanings of url, text, n_chars, fetched_at, source_offset... were a dict of the card's
    (`COLUMN_DOCS`), not schemas/ (the one schema source), and said "n_chars: characters in text" where a withheld
    record has a null text and its n_chars counts the text kept back. Every column of data/, duplicates/ and rejects/
    is described in schemas/, croissant.json says the same, and the descriptions hold on the rows."""
    import polars as pl

    from dedup.schema import definition

    out = sample_open_withheld_release
    docs = {t: {f["name"]: f.get("doc", "") for f in definition(t)["fields"]}
            for t in ("documents", "duplicates", "rejects")}
    assert {t: [c for c, d in cols.items() if not d] for t, cols in docs.items()} == {
        "documents": [], "duplicates": [], "rejects": []}
    croissant = json.loads((out / "croissant.json").read_text("utf-8"))
    record_sets = {"documents": "documents", "duplicates": "duplicates", "rejects": "rejects"}
    for rs in croissant["recordSet"]:
        for field in rs["field"]:
            assert field["description"] == docs[record_sets[rs["@id"]]][field["name"]], (rs["@id"], field["name"])
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")))
    withheld = data.filter(pl.col("text").is_null())
    assert withheld.height and (withheld["n_chars"] > 0).all() and "withheld" in docs["documents"]["n_chars"]
    shown = data.filter(pl.col("text").is_not_null())
    assert (shown["n_chars"] == shown["text"].str.len_chars()).all()
    assert "null when --withhold-text" in docs["documents"]["text"]
    dups = pl.read_parquet(sorted((out / "duplicates").rglob("*.parquet")))
    assert "a near copy can estimate 1.0" in docs["duplicates"]["similarity_to_canonical"]
    assert (dups.filter(pl.col("match") == "exact")["similarity_to_canonical"] == 1.0).all()


def test_the_report_names_the_genre_the_card_states(tmp_path):
    """report.html's header said "N deduplicated news documents in N story clusters" whatever the records: a crawl of
    recipes and manuals, which the card calls "web pages", was news there. It says the card's genre now."""
    import html

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    import random

    words = ["flour", "water", "salt", "yeast", "oven", "chain", "grease", "wheel", "spade", "seed", "soil", "onion",
             "stock", "pepper", "gear", "bolt", "rake", "compost", "knead", "simmer", "tighten", "plant", "water"]
    lines = []
    for i, topic in enumerate(["bread", "soup", "bicycle chains", "garden beds"]):
        rng = random.Random(i)  # four texts that share hardly a run of five words
        text = f"How to look after {topic}\n\n" + " ".join(rng.choice(words) for _ in range(300))
        lines.append(json.dumps({"id": f"page-{i}", "url": f"https://howto{i}.test/{topic.replace(' ', '-')}",
                                 "text": text}))
    (crawl / "pages.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out"
    build([str(crawl)], out, BuildConfig(), workers=1)
    package(out, name="howto", version="1.0.0")
    card = (out / "README.md").read_text("utf-8")
    assert "A deduplicated dataset of web pages" in card
    header = html.unescape((out / "report.html").read_text("utf-8")).split("</header>", 1)[0]
    assert "deduplicated web pages in 4 clusters" in header and "news" not in header, header


def test_config_takes_a_run_json_and_names_one_without_settings(tmp_path):
    """`--config RELEASE/run.json` builds with the settings run.json records (the card's rebuild command); a JSON
    file without them is a ConfigError that says what to give."""
    import pytest

    from dedup.config import BuildConfig, load_config
    from dedup.errors import ConfigError

    config = BuildConfig(licence_classes=("open",), withhold_text=("noassertion",), bands=32, rows=4)
    run = tmp_path / "run.json"
    run.write_text(json.dumps({"config": config.to_dict()}))
    assert load_config(run).sha256() == config.sha256()
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(ConfigError, match="no 'config' object"):
        load_config(tmp_path / "manifest.json")
