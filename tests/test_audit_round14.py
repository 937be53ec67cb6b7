"""Audit round 14 (docs/release.md "Round 14"): citing, reproducing and re-releasing a release."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from conftest import copy_of, file_hashes, wire_merge_crawls
from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.release.creator import Creator
from dedup.release.package import package
from dedup.release.verify import verify
from dedup.schema import definition

CFF = "CITATION.cff"
PUBLISHER_SOURCES = {"jsonld_publisher", "site_name", "author_organisation", "url_host"}


def _json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _cff(out: Path) -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((out / CFF).read_text("utf-8"))


def test_a_release_with_a_creator_ships_a_citation_cff_from_the_citation_facts(sample_build, tmp_path):
    """GitHub and Zenodo read CITATION.cff; a release had none. It holds what the BibTeX `citeAs` holds (title,
    version, date, the creator as the author, the URL), CFF 1.2.0's required keys all there, listed in the manifest and
    SHA256SUMS, and checked by verify like the other release files."""
    out = copy_of(sample_build, tmp_path / "rel")
    package(out, name="news-sample", version="1.2.0", url="https://example.org/news-sample",
            creator=Creator(name="Doe, Jane", kind="Person", url="https://orcid.org/0000-0002-1825-0097"))
    cff, croissant = _cff(out), _json(out / "croissant.json")
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert (cff["title"], cff["version"], cff["url"]) == ("news-sample", "1.2.0", "https://example.org/news-sample")
    assert cff["date-released"] == croissant["datePublished"] and f"year = {{{cff['date-released'][:4]}}}" in \
        croissant["citeAs"]
    assert cff["authors"] == [{"family-names": "Doe", "given-names": "Jane",
                               "website": "https://orcid.org/0000-0002-1825-0097"}]
    assert "license" not in cff and "LICENSES.md" in cff["message"]  # a mix of licences is no SPDX id
    assert CFF in {f["path"] for f in _json(out / "manifest.json")["files"]}
    assert f"  {CFF}\n" in (out / "SHA256SUMS").read_text("utf-8")
    assert "`CITATION.cff` holds the same citation" in (out / "README.md").read_text("utf-8")
    assert verify(out) == []
    (out / CFF).write_text((out / CFF).read_text("utf-8").replace("Jane", "John"), "utf-8")
    assert any(p.startswith(f"{CFF}: sha256") for p in verify(out))
    (out / CFF).unlink()
    assert any(p.startswith(f"{CFF}: listed in") for p in verify(out))
    # an organisation is one name (a CFF entity), never split into given and family names
    package(out, creator=Creator(name='Example "News" Lab: #1', kind="Organization"))
    assert _cff(out)["authors"] == [{"name": 'Example "News" Lab: #1'}] and verify(out) == []


def test_a_release_without_a_creator_writes_no_cff_and_says_why(sample_release):
    """CFF requires `authors`: without a creator no file is written (none is made up) and the card says why."""
    out, manifest = sample_release
    assert not (out / CFF).exists() and CFF not in {f["path"] for f in manifest["files"]}
    card = (out / "README.md").read_text("utf-8")
    assert f"No `{CFF}` is written: the Citation File Format requires `authors`" in card


def test_packaging_a_release_again_keeps_what_it_was_given(sample_build, tmp_path):
    """`dedup release OUT` on a release (to refresh its files) dropped its creator, and its name, version and URL
    with it: the card, Croissant, the citation and the manifest changed to a made-up name, 1.0.0 and no creator. The
    options given before are kept, and packaging again changes no byte."""
    out = copy_of(sample_build, tmp_path / "rel")
    package(out, name="news-sample", version="1.2.0", url="https://example.org/ds",
            creator=Creator(name="Example News Lab", kind="Organization"))
    before = file_hashes(out)
    package(out)
    assert file_hashes(out) == before
    manifest = _json(out / "manifest.json")
    assert (manifest["name"], manifest["version"]) == ("news-sample", "1.2.0")
    assert manifest["creator"] == {"@type": "Organization", "name": "Example News Lab"}
    # a folder built again (another run.json) is a new build: nothing of the release before is carried
    run = _json(out / "run.json")
    run["config"] = {**run["config"], "note": "another build"}
    (out / "run.json").write_text(json.dumps(run), "utf-8")
    from dedup.release.package import packaged_before

    assert packaged_before(out) == {}


def test_a_changed_creator_is_logged_in_the_changelog_and_manifest(sample_build, tmp_path):
    """A next release given another `--creator` replaced the previous one without a word; without `--creator` it keeps
    the previous one (round 13), and only a change is logged."""
    first, second = wire_merge_crawls(sample_build, tmp_path)
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    build([str(first)], v1, BuildConfig(), workers=1)
    package(v1, name="wire", creator=Creator(name="Jane Doe", kind="Person"))
    build([str(second)], v2, BuildConfig(), workers=1, previous=v1)
    package(v2)
    assert "creator_changed" not in _json(v2 / "manifest.json")["previous"]
    assert "- Creator:" not in (v2 / "CHANGELOG.md").read_text("utf-8")
    package(v2, creator=Creator(name="Example News Lab", kind="Organization", url="https://lab.example"))
    manifest = _json(v2 / "manifest.json")
    assert manifest["previous"]["creator_changed"] == {
        "from": {"@type": "Person", "name": "Jane Doe"},
        "to": {"@type": "Organization", "name": "Example News Lab", "url": "https://lab.example"}}
    assert ("- Creator: Example News Lab (organization, https://lab.example), where wire 1.0.0 named Jane Doe "
            "(person)") in (v2 / "CHANGELOG.md").read_text("utf-8")
    assert verify(v2) == []


@pytest.mark.parametrize("release", [pytest.param("synd_file_release", id="quick"),
                                     pytest.param("synd_release", id="full", marks=pytest.mark.slow)])
def test_publisher_source_records_the_evidence_of_publisher(release, request):
    """Every attribution field but `publisher` had its `*_source` column; `dedup explain` told the publisher's source
    from the values and could not tell the JSON-LD publisher from a site name of the same words. Now data/ records it
    (documents schema 8), Croissant lists it, and each value agrees with the columns it names. [quick]: a release of
    one of the bench crawl's five files (both sources of its publishers); [full], in the slow set: the whole crawl."""
    out, _ = request.getfixturevalue(release)
    spec = definition("documents")
    assert spec["version"] == 8 and "publisher_source" in [f["name"] for f in spec["fields"]]
    data = pl.read_parquet(out / "data" / "**" / "*.parquet")
    assert data.filter(pl.col("publisher").is_not_null() & pl.col("publisher_source").is_null()).height == 0
    assert set(data["publisher_source"].drop_nulls()) <= PUBLISHER_SOURCES
    site = data.filter(pl.col("publisher_source") == "site_name")
    assert site.height and (site["publisher"] == site["site_name"]).all()
    host = data.filter(pl.col("publisher_source") == "url_host")
    assert (host["publisher"] == host["domain"]).all()
    fields = [f["@id"] for rs in _json(out / "croissant.json")["recordSet"] if rs["name"] == "documents"
              for f in rs["field"]]
    assert "documents/publisher_source" in fields
    assert "`publisher_source`" in (out / "README.md").read_text("utf-8")


def test_the_publisher_falls_back_in_a_stated_order_and_says_which():
    from dedup.rights.attribution import publisher_with_source
    from dedup.rights.credit_sources import publisher_source

    assert publisher_with_source("Reuters", "Site", ["Desk"], "a.example") == ("Reuters", "jsonld_publisher")
    assert publisher_with_source(None, "Site", ["Desk"], "a.example") == ("Site", "site_name")
    assert publisher_with_source(None, None, ["Desk"], "a.example") == ("Desk", "author_organisation")
    assert publisher_with_source(None, None, [], "a.example") == ("a.example", "url_host")
    assert publisher_with_source(None, None, [], None) == (None, None)
    # explain reads the column: the same name as site_name, yet the JSON-LD publisher (no longer "either")
    row = {"publisher": "Site", "site_name": "Site", "domain": "a.example", "publisher_source": "jsonld_publisher"}
    assert "JSON-LD publisher" in publisher_source(row) and "or its site_name" not in publisher_source(row)
