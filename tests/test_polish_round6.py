"""Polish of audit round 6 (docs/release.md, "Researcher's audits of the outputs"): a release's card, report and
changelog say which pages each figure counts.

- A `--licence open` card said "59 (domain, block) pairs removed as site chrome on 8 domains" beside a data/ of 2
  domains: the site passes run over every page of the crawl (copies and the records the licence filter drops), so
  the figure is the crawl's, not the published pages'. Its "blocks removed in the published documents" counted the
  cuts of the records published without their text too, and report.html's "detected and stripped per site" said
  neither.
- A next version's CHANGELOG.md (`--previous`) gave its added canonical rows without the licence classes (data/
  folders) the first version's section gives.
"""

from __future__ import annotations

import json

import polars as pl
from conftest import REPO, copy_of

SAMPLE = REPO / "samples" / "crawl"
SITE_ACTIONS = ["removed_site_chrome", "cross_story_repeat"]


def _site_figures(out):
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")))
    boiler = pl.read_parquet(sorted((out / "boilerplate").glob("*.parquet")))
    site = boiler.filter(pl.col("action").is_in(SITE_ACTIONS))
    data_domains = data["domain"].unique().to_list()
    return data, site, data_domains


def test_a_licence_open_card_counts_the_crawls_chrome_apart_from_its_published_domains(tmp_path):
    """The sample's first WARC file built with `--licence open` (3 records of 1 domain in data/, chrome found on 8):
    the site rows are counted as the crawl's, with the part on data/'s domains apart, and report.html says its
    distinct blocks are the whole crawl's. On int21 the card said "26 (domain, block) pairs removed as site chrome
    on 8 domains" (the whole sample: 59 on 8, beside a data/ of 2) and the report "detected and stripped per site"."""
    import html
    import re

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    out = tmp_path / "open"
    build([str(SAMPLE / "sample-00000.warc.gz")], out, BuildConfig(licence_classes=("open",)), workers=1)
    package(out, name="news-open", version="1.0.0")
    card = (out / "README.md").read_text("utf-8")
    data, site, data_domains = _site_figures(out)
    crawl_domains = site.filter(pl.col("domain") != "*")["domain"].n_unique()
    on_data = site.filter(pl.col("domain").is_in(data_domains)).height
    assert crawl_domains > len(data_domains) and on_data < site.height  # the case: chrome of unpublished sites
    assert f"{site.height:,} (domain, block) pairs found as site chrome in the crawl, on {crawl_domains:,} domains" \
        in card
    domains = f"{len(data_domains):,} domain{'' if len(data_domains) == 1 else 's'}"
    cross = site.filter(pl.col("domain") == "*").height
    assert f"{cross:,} on every site (`*`) and {on_data:,} on the {domains} of `data/`" in card
    assert (f"From the {data.height:,} documents of `data/`, {data['blocks_removed'].sum():,} blocks") in card
    assert "removed as site chrome on" not in card and "in the published documents" not in card
    # the rows without a sample: copies and the records --licence dropped, no text is withheld here
    assert "does not publish (copies listed in `duplicates/`, records not selected by `--licence`)." in card
    report = re.sub(r"\s+", " ", html.unescape((out / "report.html").read_text("utf-8")))
    assert "found per site on every page of the crawl (copies and records this release does not publish" in report
    assert "detected and stripped per site" not in report


def test_a_withheld_card_counts_the_cuts_of_the_records_without_text_by_name(sample_open_withheld_release):
    """`--licence open,all-rights-reserved --withhold-text all-rights-reserved`: the blocks removed are those of every
    document of data/, and the card says how many of those are published without their text (on int21: "in the
    published documents 241 blocks", 46 of those 56 documents published without their text)."""
    out = sample_open_withheld_release
    card = (out / "README.md").read_text("utf-8")
    data, site, data_domains = _site_figures(out)
    withheld = data["text"].null_count()
    assert 0 < withheld < data.height
    assert (f"From the {data.height:,} documents of `data/` ({withheld:,} of them published without their text, their "
            f"cuts counted all the same), {data['blocks_removed'].sum():,} blocks") in card
    on_data = site.filter(pl.col("domain").is_in(data_domains)).height
    assert f"and {on_data:,} on the {len(data_domains):,} domains of `data/`" in card
    assert ("pages whose text this release does not publish (copies listed in `duplicates/`, records published "
            "without their text, records not selected by `--licence`).") in card


def test_a_card_names_only_the_unpublished_pages_its_build_has(sample_release):
    """A build of every class, no text withheld: the rows without a sample were seen only on copies, and the card
    says so (on int21 it listed records published without their text and records not selected by `--licence` too)."""
    out, _ = sample_release
    card = (out / "README.md").read_text("utf-8")
    assert "pages whose text this release does not publish (copies listed in `duplicates/`)." in card
    assert " of them published without their text" not in card


def test_a_next_versions_changelog_gives_the_added_rows_by_licence_class(small_build, tmp_path):
    """The sample's small file released, then its first WARC file built on it (`--previous`): the next section's
    added canonical rows come with their data/ folders, as the first section's do, each count the rows of that
    folder that the previous release did not hold (on int21: "- Added: N canonical documents in `data/`.")."""
    import re

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    first = copy_of(small_build, tmp_path / "v1")
    package(first, name="news-sample", version="1.0.0")
    before = set(pl.read_parquet(sorted((first / "data").rglob("*.parquet")))["doc_id"].to_list())
    nxt = tmp_path / "v2"
    build([str(SAMPLE / "sample-00000.warc.gz")], nxt, BuildConfig(), workers=1, previous=first)
    package(nxt, name="news-sample")
    added: dict[str, int] = {}
    for path in sorted((nxt / "data").rglob("*.parquet")):
        ids = pl.read_parquet(path, columns=["doc_id"])["doc_id"].to_list()
        if n := sum(1 for d in ids if d not in before):
            added[path.parent.name] = added.get(path.parent.name, 0) + n
    assert len(added) > 1, added  # more than one class added: a breakdown to give
    run = json.loads((nxt / "run.json").read_text("utf-8"))
    assert run["previous"]["new_canonical_classes"] == dict(sorted(added.items()))
    assert sum(added.values()) == run["previous"]["new_canonical"]
    changelog = (nxt / "CHANGELOG.md").read_text("utf-8")
    breakdown = ", ".join(f"{k} {v:,}" for k, v in sorted(added.items()))
    assert f"- Added: {sum(added.values()):,} canonical documents in `data/` ({breakdown})" in changelog
    # the first version's section, kept below, gives its own the same way
    first_added = changelog.split("## 1.0.0", 1)[1]
    assert re.search(r"- Added: [\d,]+ canonical documents? in `data/` \(all-rights-reserved \d+,", first_added)
