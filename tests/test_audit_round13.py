"""Audit round 13 (docs/release.md "Round 13"): citing the dataset itself, and a record of it."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import copy_of, wire_merge_crawls
from dedup.cli import app
from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.release.package import package
from dedup.release.verify import verify

runner = CliRunner()


def _json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _citation(out: Path) -> str:
    card = (out / "README.md").read_text("utf-8")
    return card[card.index("## Citation"):]


def test_a_release_without_a_creator_says_so_and_how_to_add_one(sample_release):
    """Croissant 1.1 requires `creator` and the BibTeX entry had no `author`; dedup cannot know who made a release,
    so it must not make one up: the card says that the release names none, and the option that adds one."""
    out, manifest = sample_release
    croissant = _json(out / "croissant.json")
    assert "creator" not in croissant and "creator" not in manifest and "author = " not in croissant["citeAs"]
    citation = _citation(out)
    assert "names no creator" in citation and "--creator NAME --creator-type person|organization" in citation


def test_the_creator_is_typed_into_croissant_the_citation_and_the_manifest(sample_build, tmp_path):
    """`dedup release --creator NAME --creator-type organization|person [--creator-url URL]`: croissant.json's
    `creator` (sc:Organization or sc:Person), the BibTeX `author` (an organisation braced, so no style takes its last
    word for a surname), the card and manifest.json; without it `dedup release` says how to add one."""
    out = copy_of(sample_build, tmp_path / "rel")
    plain = runner.invoke(app, ["release", str(out)])
    said = " ".join(plain.output.split())
    assert plain.exit_code == 0 and "names no creator" in said and "--creator NAME" in said
    untyped = runner.invoke(app, ["release", str(out), "--creator", "Example News Lab"])
    assert untyped.exit_code == 2 and "--creator-type person or --creator-type organization" in " ".join(
        untyped.output.split())
    given = runner.invoke(app, ["release", str(out), "--creator", "Example News Lab", "--creator-type", "organization",
                                "--creator-url", "https://lab.example"])
    assert given.exit_code == 0 and "names no creator" not in given.output, given.output
    croissant = _json(out / "croissant.json")
    assert croissant["creator"] == {"@type": "sc:Organization", "name": "Example News Lab", "url": "https://lab.example"}
    assert croissant["citeAs"].startswith("@misc{") and "author = {{Example News Lab}}, " in croissant["citeAs"]
    assert _json(out / "manifest.json")["creator"] == {"@type": "Organization", "name": "Example News Lab",
                                                       "url": "https://lab.example"}
    citation = _citation(out)
    assert "Made by Example News Lab (organization)" in citation and croissant["citeAs"] in citation
    assert "names no creator" not in citation
    assert "--creator 'Example News Lab' --creator-type organization" in (out / "README.md").read_text("utf-8")
    assert verify(out) == []
    from dedup.release.creator import Creator  # here: the other tests of this file run on a tree without it

    package(out, creator=Creator(name="Jane Doe", kind="Person"))
    croissant = _json(out / "croissant.json")
    assert croissant["creator"] == {"@type": "sc:Person", "name": "Jane Doe"}
    assert "author = {Jane Doe}, " in croissant["citeAs"]


def test_explain_says_where_each_part_of_the_credit_line_came_from(sample_release):
    """A researcher citing a record: `dedup explain DOC_ID` printed every column, but not which evidence backs each
    part of `attribution_text` (publisher has no source column at all), nor how to find the page again."""
    out, _ = sample_release
    data = pl.read_parquet(out / "data" / "**" / "*.parquet")
    # every published row can be found again: its URL, its crawl file and offset (rehydration), its fetch time
    assert data.select(pl.col("url", "source_file", "source_offset", "fetched_at").null_count()).row(0) == (0, 0, 0, 0)
    row = data.filter(pl.col("original_source").is_not_null() & pl.col("warc_record_id").is_not_null()).sort(
        "doc_id").row(0, named=True)
    result = runner.invoke(app, ["explain", str(out), row["doc_id"]])
    assert result.exit_code == 0, result.output
    credit = result.output[result.output.index("credit: "):]
    assert f"title: {row['title']!r} from {row['title_source']}" in credit
    kinds = {e["kind"] for e in row["attribution_evidence"]}
    agency = next(line for line in credit.splitlines() if "agency: " in line)
    assert row["original_source"] in agency and all(k in agency for k in kinds)
    assert f"publisher: {row['publisher']!r} from " in credit
    assert f"from {row['published_at_source']} (as stated: {row['published_at_raw']!r})" in credit
    assert all(e["kind"] in credit for e in row["licence_evidence"])
    assert (f"crawl file {row['source_file']} at byte offset {row['source_offset']}, WARC-Record-ID "
            f"{row['warc_record_id']}") in " ".join(credit.split())


def test_a_licence_folder_emptied_by_moves_is_not_kept(tmp_path):
    """`write.drop_emptied_classes`: a data/<class>/ folder whose every file holds no row goes, with its files; a
    class with rows keeps all its shards (an empty shard beside a full one included)."""
    from dedup.write import drop_emptied_classes

    def task(path: Path) -> tuple:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        return (None, 0, path, {}, 0)

    data = tmp_path / "data"
    plan = [("data", task(data / "all-rights-reserved" / "train-00000-of-00001.parquet")),
            ("data", task(data / "noassertion" / "train-00000-of-00001.parquet")),
            ("data", task(data / "open" / "train-00000-of-00002.parquet")),
            ("data", task(data / "open" / "train-00001-of-00002.parquet")),
            ("duplicates", task(tmp_path / "duplicates" / "duplicates-00000-of-00001.parquet"))]
    kept, rows = drop_emptied_classes(plan, [3, 0, 2, 0, 0])
    assert rows == [3, 2, 0, 0] and not (data / "noassertion").exists()
    assert [step[1][2].parent.name for step in kept] == ["all-rights-reserved", "open", "open", "duplicates"]


@pytest.mark.slow
def test_a_next_release_keeps_the_creator_and_drops_the_folder_its_moves_emptied(sample_build, tmp_path):
    """Round 12's merge (X without a licence statement in data/noassertion/, Y with AFP's notice; Z joins them and
    restates X all-rights-reserved): the next release kept `data/noassertion/` with a Parquet file of no rows, which
    the card listed as a config, the manifest as a folder and Croissant as a glob; and it had no way to keep who made
    the release. Now the folder is gone from all three, and the creator of 1.0.0 is the creator of 2.0.0."""
    from dedup.release.creator import Creator

    first, second = wire_merge_crawls(sample_build, tmp_path)
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    build([str(first)], v1, BuildConfig(), workers=1)
    package(v1, creator=Creator(name="Jane Doe", kind="Person", url="https://orcid.org/0000-0002-1825-0097"))
    assert (v1 / "data" / "noassertion").is_dir()
    build([str(second)], v2, BuildConfig(), workers=1, previous=v1)
    package(v2)
    assert verify(v2) == []
    assert not (v2 / "data" / "noassertion").exists()
    assert [p.parent.name for p in sorted((v2 / "data").rglob("*.parquet"))] == ["all-rights-reserved"]
    manifest, croissant = _json(v2 / "manifest.json"), _json(v2 / "croissant.json")
    assert manifest["version"] == "2.0.0" and list(manifest["data_folders"]) == ["data/all-rights-reserved"]
    globs = [g for d in croissant["distribution"] if d["@type"] == "cr:FileSet" for g in d["includes"]]
    assert not any("noassertion" in g for g in globs)
    card = (v2 / "README.md").read_text("utf-8")
    assert "data/noassertion" not in card.split("---", 2)[1]  # no config of the emptied folder
    assert manifest["creator"] == {"@type": "Person", "name": "Jane Doe", "url": "https://orcid.org/0000-0002-1825-0097"}
    assert croissant["creator"]["name"] == "Jane Doe" and "author = {Jane Doe}, " in croissant["citeAs"]
    assert _json(v2 / "run.json")["previous"]["creator"] == manifest["creator"]


# ---------------------------------------------------------------- lead's review fixes

def test_the_credit_lines_of_a_copy_and_of_a_json_lines_record_say_only_what_the_row_holds(sample_release):
    """int27: every record's offset was a "byte offset" (a JSON Lines record's is its record index, a Parquet row's
    its row), a duplicates/ row (no title nor site_name columns) printed "title: None from no evidence recorded" and
    a publisher source told apart by a site_name it does not have, and "the site own reporting" was misspelt."""
    out, _ = sample_release
    data = pl.read_parquet(out / "data" / "**" / "*.parquet")
    jsonl = data.filter(pl.col("source_file").str.contains(".jsonl")).sort("doc_id").row(0, named=True)
    result = runner.invoke(app, ["explain", str(out), jsonl["doc_id"]])
    assert result.exit_code == 0, result.output
    credit = " ".join(result.output[result.output.index("credit: "):].split())
    assert f"crawl file {jsonl['source_file']} at record {jsonl['source_offset']} (0-based" in credit, credit
    assert "byte offset" not in credit
    dups = pl.read_parquet(out / "duplicates" / "**" / "*.parquet")
    dup = dups.filter(pl.col("original_source").is_null() & pl.col("publisher").is_not_null()
                      & (pl.col("publisher") != pl.col("domain"))).sort("doc_id").row(0, named=True)
    result = runner.invoke(app, ["explain", str(out), dup["doc_id"]])
    assert result.exit_code == 0, result.output
    credit = " ".join(result.output[result.output.index("credit: "):].split())
    assert "title:" not in credit and "None from no evidence" not in credit, credit
    assert "agency: none (the site's own reporting)" in credit, credit
    assert "this row keeps no site_name to tell which" in credit and "differs from site_name" not in credit, credit
    from dedup.rights.credit_sources import where_in_file
    assert where_in_file({"source_file": "part-0.parquet", "source_offset": 7}) == "row 7 (0-based)"
    assert where_in_file({"source_file": "x.warc.gz", "source_offset": 7}) == "byte offset 7"
