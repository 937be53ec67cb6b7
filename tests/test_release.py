"""Release packaging: package() writes a verifiable, self-describing release; verify() finds tampering;
the card, Croissant file and loaders (polars, pandas, DuckDB, datasets, mlcroissant) agree on the rows."""

from __future__ import annotations

import fnmatch
import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from typer.testing import CliRunner

from dedup.cli import app
from dedup.config import BuildConfig
from dedup.errors import InputError, ReleaseError
from dedup.pipeline import build
from dedup.release.card import licence_choice, size_category
from dedup.release.files import CARD, CHANGELOG, CROISSANT, LICENSES, MANIFEST, RELEASE_FILES, SUMS
from dedup.release.package import package
from dedup.release.verify import verify
from dedup.schema import fingerprint, schema

from conftest import file_hashes

REPO = Path(__file__).resolve().parents[1]


def data_files(folder: Path) -> list[Path]:
    return sorted((folder / "data").rglob("*.parquet"))


def data_ids(folder: Path) -> set[str]:
    return set(pl.read_parquet(data_files(folder), columns=["doc_id"])["doc_id"].to_list())


def front_matter(card: str) -> dict:
    yaml = pytest.importorskip("yaml", reason="pyyaml is needed to parse the card's front matter")
    m = re.match(r"^---\n(.*?)\n---\n", card, re.S)
    assert m, "the card starts with YAML front matter between --- lines"
    return yaml.safe_load(m.group(1))


@pytest.fixture(scope="module")
def built(sample_build) -> Path:
    """The sample crawl built (not packaged)."""
    return sample_build


@pytest.fixture(scope="module")
def release(sample_release) -> tuple[Path, dict]:
    """The sample build packaged as news-sample 1.0.0, and its manifest."""
    return sample_release


@pytest.fixture(scope="module")
def bench_release(synd_release) -> tuple[Path, dict]:
    """The release of the whole syndication crawl (issue 6's target), packaged."""
    return synd_release


@pytest.fixture(params=["sample", pytest.param("syndication-dev", marks=pytest.mark.slow)])
def any_release(request) -> tuple[Path, dict]:
    """The checks every release must pass, on the shipped sample and on the bench crawl (slow set: a whole
    build of the bench crawl is not in the quick set)."""
    return request.getfixturevalue("release" if request.param == "sample" else "bench_release")


@pytest.fixture()
def copy(release, tmp_path) -> Path:
    """A fresh copy of the packaged release to tamper with."""
    target = tmp_path / "copy"
    shutil.copytree(release[0], target)
    return target


# --- package -------------------------------------------------------------------------------------


def test_package_writes_every_release_file_and_sums_cover_all_others(release):
    out, _ = release
    for name in RELEASE_FILES:
        assert (out / name).is_file(), name
    lines = (out / SUMS).read_text("utf-8").splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S.*", line) for line in lines)
    assert paths == sorted(paths)
    every = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert paths == [p for p in every if p != SUMS and p != "timings.json"]  # the measurements: unchecked
    assert "timings.json" in every
    assert {CARD, MANIFEST, CROISSANT, LICENSES, CHANGELOG, "run.json"} <= set(paths)


def test_sha256sum_check_passes_inside_the_folder(any_release):
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (GNU coreutils) is not installed")
    done = subprocess.run(["sha256sum", "-c", "--strict", SUMS], cwd=any_release[0], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_verify_accepts_the_fresh_release(any_release):
    assert verify(any_release[0]) == []


def test_package_is_idempotent(copy):
    before = file_hashes(copy)
    again = package(copy, name="news-sample", version="1.0.0")
    assert file_hashes(copy) == before
    assert json.loads((copy / MANIFEST).read_text("utf-8")) == again


def test_package_refuses_a_folder_that_is_not_a_build(tmp_path, built):
    with pytest.raises(ReleaseError, match="run.json"):
        package(tmp_path)
    with pytest.raises(ReleaseError, match="semantic version"):
        package(built, version="v1")


def test_manifest_lists_every_file_with_rows_schema_and_build_settings(release, built):
    out, manifest = release
    run = json.loads((out / "run.json").read_text("utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    parquet = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert sorted(p for p in listed if p.endswith(".parquet")) == parquet
    assert "run.json" in listed and set(RELEASE_FILES) & set(listed) == {CARD, CROISSANT, LICENSES, CHANGELOG}
    tables = {"data": "documents", "duplicates": "duplicates", "rejects": "rejects",
              "boilerplate": "boilerplate", "signatures": "signatures"}
    for rel in parquet:
        entry, pf = listed[rel], pq.ParquetFile(out / rel)
        assert entry["rows"] == pf.metadata.num_rows and entry["row_groups"] == pf.metadata.num_row_groups
        assert entry["schema"] == tables[rel.split("/")[0]]
        assert entry["fingerprint"] == fingerprint(schema(entry["schema"]))
        assert entry["sha256"] == hashlib.sha256((out / rel).read_bytes()).hexdigest()
    kv = pq.read_schema(out / parquet[0]).metadata[b"dedup.config_sha256"].decode()
    assert manifest["config_sha256"] == kv == BuildConfig().sha256()
    assert manifest["minhash"]["num_perm"] == run["config"]["num_perm"] == 128
    assert (manifest["minhash"]["lsh_bands"], manifest["minhash"]["lsh_rows"]) == (64, 2)
    assert manifest["counts"]["canonical"] == run["counts"]["canonical"] == manifest["tables"]["data"]["rows"]
    assert manifest["rejects_by_reason"] == run["rejects_by_reason"]
    assert manifest["versions"]["build"] == run["versions"]
    assert {"datasketch", "numba", "resiliparse"} <= set(manifest["versions"]["packaging"])


# --- verify finds tampering ------------------------------------------------------------------------


def test_verify_names_a_changed_data_file(copy):
    target = data_files(copy)[0]
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    target.write_bytes(bytes(raw))
    rel = target.relative_to(copy).as_posix()
    problems = verify(copy)
    assert any(p.startswith(f"{rel}: sha256") and "restore" in p for p in problems), problems


def test_verify_names_a_deleted_row(copy):
    target = max(data_files(copy), key=lambda p: pq.ParquetFile(p).metadata.num_rows)
    table = pq.read_table(target)
    lost = table.column("doc_id")[0].as_py()
    pq.write_table(table.slice(1), target, compression="zstd")
    rel = target.relative_to(copy).as_posix()
    problems = verify(copy)
    text = "\n".join(problems)
    assert f"{rel}: has {table.num_rows - 1} rows but {MANIFEST} says {table.num_rows}" in text
    assert "run.json counts" in text and lost in text, problems


def test_verify_names_a_stray_file(copy):
    (copy / "data" / "notes.txt").write_text("not part of the release\n")
    problems = verify(copy)
    assert problems == ["data/notes.txt: unlisted file (not in SHA256SUMS); remove it, or package again to "
                        "include it"]


def test_verify_names_a_missing_file(copy):
    (copy / "rejects" / "rejects-00000-of-00001.parquet").unlink()
    text = "\n".join(verify(copy))
    assert "rejects/rejects-00000-of-00001.parquet: listed in SHA256SUMS but missing" in text
    assert "rejects/: 0 rows but run.json counts" in text


def test_verify_names_a_schema_change(copy):
    target = next((copy / "duplicates").glob("*.parquet"))
    table = pq.read_table(target)
    pq.write_table(table.drop_columns(["publisher"]).replace_schema_metadata(table.schema.metadata), target)
    problems = [p for p in verify(copy) if "schema fingerprint" in p]
    assert len(problems) == 1 and problems[0].startswith("duplicates/") and "missing columns publisher" in problems[0]


def test_verify_names_duplicates_pointing_at_a_missing_canonical_and_repeated_ids(copy):
    dup_file = next((copy / "duplicates").glob("*.parquet"))
    dups = pq.read_table(dup_file)
    canon = dups.column("canonical_doc_id")[0].as_py()
    for path in data_files(copy):
        table = pq.read_table(path)
        keep = pa.compute.not_equal(table.column("doc_id"), canon)
        pq.write_table(table.filter(keep), path)
    pq.write_table(pa.concat_tables([dups, dups.slice(0, 1)]), dup_file)
    text = "\n".join(verify(copy))
    assert "duplicate rows point at canonical_doc_id(s) not in data/" in text and canon in text
    assert f"doc_id {dups.column('doc_id')[0].as_py()} appears 2 times" in text


# --- verify: tampering past the checksums, damaged metadata, foreign files ------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reseal(folder: Path, *, manifest: bool = False, croissant: bool = False) -> None:
    """What a careful tamperer does after editing files: update the per-file hashes and sizes of
    manifest.json and/or croissant.json, then rewrite SHA256SUMS over every file (written here with
    hashlib, independently of dedup)."""
    if manifest:
        doc = json.loads((folder / MANIFEST).read_text("utf-8"))
        for entry in doc["files"]:
            path = folder / entry["path"]
            entry.update(sha256=_sha256(path), bytes=path.stat().st_size)
            if entry["path"].endswith(".parquet"):
                entry.update(rows=pq.ParquetFile(path).metadata.num_rows)
        (folder / MANIFEST).write_text(json.dumps(doc, indent=2), "utf-8")
    if croissant:
        doc = json.loads((folder / CROISSANT).read_text("utf-8"))
        for item in doc["distribution"]:
            if item["@type"] == "cr:FileObject":
                path = folder / item["contentUrl"]
                item.update(sha256=_sha256(path), contentSize=f"{path.stat().st_size} B")
        (folder / CROISSANT).write_text(json.dumps(doc, indent=2), "utf-8")
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != SUMS)
    (folder / SUMS).write_text("".join(f"{_sha256(folder / rel)}  {rel}\n" for rel in files))


def edit_data(folder: Path, change) -> tuple[str, str]:
    """Rewrite the first row of the largest data file with `change(row) -> row` (same rows, same schema
    and metadata); returns (relative path, doc_id)."""
    target = max(data_files(folder), key=lambda p: pq.ParquetFile(p).metadata.num_rows)
    table = pq.read_table(target)
    rows = table.to_pylist()
    rows[0] = change(dict(rows[0]))
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), target, compression="zstd")
    return target.relative_to(folder).as_posix(), rows[0]["doc_id"]


def retitle(row: dict) -> dict:
    return row | {"title": (row["title"] or "") + " (edited)"}


def test_verify_checks_the_manifest_hash_of_every_file(copy):
    rel, _ = edit_data(copy, retitle)
    reseal(copy)  # SHA256SUMS re-summed over the edited file: it agrees, the manifest does not
    problems = verify(copy)
    assert any(p.startswith(f"{rel}: sha256") and MANIFEST in p for p in problems), problems


def test_verify_checks_the_croissant_hashes(copy):
    rel, _ = edit_data(copy, retitle)
    reseal(copy, manifest=True)
    problems = verify(copy)
    assert any(p.startswith(f"{rel}: sha256") and CROISSANT in p for p in problems), problems


def test_verify_names_an_edited_text_at_the_first_record_it_contradicts(copy):
    """A text edited, SHA256SUMS and the manifest rewritten: croissant.json still holds the old hash."""
    rel, _ = edit_data(copy, lambda row: row | {"text": row["text"] + " An added sentence."})
    reseal(copy, manifest=True)
    problems = verify(copy)
    assert [p for p in problems if p.startswith(f"{rel}:")] == [p for p in problems if CROISSANT in p], problems
    assert len(problems) == 1, problems


def test_verify_names_a_licence_that_does_not_match_its_class(copy):
    def relicense(row: dict) -> dict:
        return row | {"licence_spdx": "CC-BY-4.0" if row["licence_class"] != "open" else "LicenseRef-all-rights-reserved"}
    rel, doc_id = edit_data(copy, relicense)
    reseal(copy, manifest=True, croissant=True)
    problems = verify(copy)
    assert any(p.startswith(f"{rel}:") and "licence_class" in p and doc_id in p for p in problems), problems


def _swap_in_a_foreign_data_file(copy: Path, other: Path) -> str:
    """The largest data file of `copy` replaced by the first rows of `other` (same row count, this file's
    schema metadata), every checksum resealed; what verify says."""
    target = max(data_files(copy), key=lambda p: pq.ParquetFile(p).metadata.num_rows)
    n = pq.ParquetFile(target).metadata.num_rows
    table = pq.read_table(other).slice(0, n)
    assert table.num_rows == n
    pq.write_table(table.replace_schema_metadata(pq.read_schema(target).metadata), target, compression="zstd")
    reseal(copy, manifest=True, croissant=True)
    return "\n".join(verify(copy))


@pytest.mark.slow  # the bench build; quick: test_verify_names_a_data_file_with_another_builds_doc_ids
def test_verify_names_a_data_file_swapped_for_another_builds(copy, bench_release):
    """Another release's data file with the same row count, every checksum resealed: its doc_ids are not
    the ones the signatures, duplicates and counts of this release account for."""
    n = max(pq.ParquetFile(p).metadata.num_rows for p in data_files(copy))
    other = next(p for p in data_files(bench_release[0]) if pq.ParquetFile(p).metadata.num_rows >= n)
    text = _swap_in_a_foreign_data_file(copy, other)
    assert "have no row in data/" in text and "duplicate rows point at canonical_doc_id(s) not in data/" in text


def test_verify_names_a_data_file_with_another_builds_doc_ids(copy, tmp_path):
    """As above without a second build: the largest data file again with every doc_id changed (as another
    crawl's records would have), every checksum resealed."""
    target = max(data_files(copy), key=lambda p: pq.ParquetFile(p).metadata.num_rows)
    table = pq.read_table(target)
    ids = pa.array([f"other-crawl:{d}" for d in table.column("doc_id").to_pylist()])
    other = tmp_path / "other.parquet"
    pq.write_table(table.set_column(table.schema.get_field_index("doc_id"), "doc_id", ids), other)
    text = _swap_in_a_foreign_data_file(copy, other)
    assert "have no row in data/" in text and "duplicate rows point at canonical_doc_id(s) not in data/" in text


def _edit_run(folder: Path, change) -> None:
    run = json.loads((folder / "run.json").read_text("utf-8"))
    change(run)
    (folder / "run.json").write_text(json.dumps(run, indent=2), "utf-8")
    reseal(folder, manifest=True)


def test_verify_without_counts_in_run_json_is_a_problem(copy):
    _edit_run(copy, lambda run: run.pop("counts"))
    problems = verify(copy)
    assert any(p.startswith("run.json:") and "counts" in p for p in problems), problems


def test_verify_compares_the_manifest_counts_with_run_json(copy):
    def grow(run: dict) -> None:  # consistent with itself (accounting_ok holds), not with the files
        run["counts"].update(canonical=run["counts"]["canonical"] + 1,
                             input_records=run["counts"]["input_records"] + 1)
    _edit_run(copy, grow)
    text = "\n".join(verify(copy))
    assert "data/: " in text and "run.json counts" in text
    assert f"{MANIFEST}: counts" in text


def test_verify_accepts_uppercase_checksums_as_sha256sum_does(copy):
    sums = copy / SUMS
    sums.write_text("".join(f"{h.upper()}  {rel}\n" for h, rel in
                            (line.split("  ", 1) for line in sums.read_text("utf-8").splitlines())))
    if shutil.which("sha256sum"):
        assert subprocess.run(["sha256sum", "-c", "--quiet", SUMS], cwd=copy).returncode == 0
    assert verify(copy) == []


MANIFEST_DAMAGE = {
    "a list": lambda m: [m],
    "files not a list": lambda m: m | {"files": 5},
    "a file entry not an object": lambda m: m | {"files": [1, *m["files"]]},
    "a file entry without a hash": lambda m: m | {"files": [{"path": "run.json"}, *m["files"][1:]]},
    "version banana": lambda m: m | {"version": "banana"},
    "manifest_version 2": lambda m: m | {"manifest_version": 2},
    "manifest_version banana": lambda m: m | {"manifest_version": "banana"},
}


@pytest.mark.parametrize("damage", MANIFEST_DAMAGE)
def test_verify_names_a_malformed_manifest(copy, damage):
    doc = json.loads((copy / MANIFEST).read_text("utf-8"))
    (copy / MANIFEST).write_text(json.dumps(MANIFEST_DAMAGE[damage](doc)), "utf-8")
    reseal(copy)
    problems = verify(copy)
    assert problems and any(p.startswith(f"{MANIFEST}:") for p in problems), problems


@pytest.mark.parametrize("content", [b"[]", b'{"counts": "many"}', b"\xff\xfe not utf-8", b"{"])
def test_verify_names_a_malformed_run_json(copy, content):
    (copy / "run.json").write_bytes(content)
    reseal(copy, manifest=True)
    problems = verify(copy)
    assert problems and any(p.startswith("run.json:") for p in problems), problems


def test_verify_names_an_extra_file_added_to_the_checksums(copy):
    (copy / "data" / "notes.txt").write_text("added after packaging\n")
    reseal(copy)
    assert any(p.startswith("data/notes.txt: not listed in manifest.json") for p in verify(copy))


def test_verify_refuses_symbolic_links_and_special_files(copy, tmp_path):
    target = data_files(copy)[0]
    outside = tmp_path / "outside.parquet"
    shutil.copy(target, outside)
    target.unlink()
    target.symlink_to(outside)  # same bytes: SHA256SUMS and the manifest still agree
    rel = target.relative_to(copy).as_posix()
    problems = verify(copy)
    assert any(p.startswith(f"{rel}: a symbolic link") and "outside the release" in p for p in problems), problems

    shutil.move(copy / "duplicates", tmp_path / "duplicates")
    (copy / "duplicates").symlink_to(tmp_path / "duplicates", target_is_directory=True)
    assert any(p.startswith("duplicates: a symbolic link") for p in verify(copy))

    os.mkfifo(copy / "rejects" / "pipe")  # never opened: reading a FIFO would hang
    assert any(p.startswith("rejects/pipe: not a regular file") for p in verify(copy))


def test_verify_of_an_unreleased_build_says_to_run_dedup_release(built, copy):
    assert verify(built) == [f"{built}: not a packaged release (no {SUMS}, {MANIFEST}, {CARD}...); "
                             f"run `dedup release {built}` to package it"]
    (copy / CARD).unlink()
    problems = verify(copy)
    assert problems == [f"{CARD}: missing; run `dedup release {copy}` to package the folder again "
                        "(the build's files are unchanged)"]
    assert not any("dedup.release" in p for p in verify(copy / "data"))


def test_cli_verify_exit_codes_and_the_digest_it_prints(release, built, tmp_path):
    out = release[0]
    result = CliRunner().invoke(app, ["verify", str(out)])
    assert result.exit_code == 0 and f"{SUMS} sha256 {_sha256(out / SUMS)}" in result.output
    assert CliRunner().invoke(app, ["verify", str(tmp_path / "absent")]).exit_code == 2
    result = CliRunner().invoke(app, ["verify", str(built)])
    assert result.exit_code == 3 and "dedup release" in result.output and "dedup.release" not in result.output


def test_a_tampered_release_is_refused_as_previous(copy, tmp_path):
    edit_data(copy, retitle)
    reseal(copy)
    with pytest.raises(InputError, match="does not verify"):
        build([str(REPO / "samples" / "crawl")], tmp_path / "next", BuildConfig(), workers=1, previous=copy)


def test_a_build_without_documents_is_refused_with_the_reason(tmp_path):
    """Every record rejected: `dedup release` says so, with the counts, instead of blaming the folder."""
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "pages.jsonl").write_text('{"id": "a", "url": "https://x.example/a", "html": "<html></html>"}\n'
                                       '{"id": "b", "url": "https://x.example/b", "html": ""}\nnot json\n')
    out = tmp_path / "out"
    build([str(crawl)], out, BuildConfig(), workers=1)
    message = ("the build kept no documents: all 3 input records were rejected (bad_json 1, empty_payload 1, "
               "no_text 1; see rejects/), so there is nothing to release")
    with pytest.raises(ReleaseError, match=re.escape(message)):
        package(out)
    result = CliRunner().invoke(app, ["release", str(out)])
    assert result.exit_code == 2 and "nothing to release" in result.output


# --- dataset card, licences, changelog -------------------------------------------------------------


def test_card_front_matter_parses_and_has_the_hub_keys(release):
    out, _ = release
    card = (out / CARD).read_text("utf-8")
    meta = front_matter(card)
    for key in ("license", "pretty_name", "task_categories", "size_categories", "source_datasets", "configs"):
        assert key in meta, key
    assert meta["pretty_name"] == "news-sample"
    assert meta["task_categories"] == ["text-generation"] and meta["size_categories"] == ["n<1K"]
    # the sample mixes CC-BY-4.0, all-rights-reserved and NOASSERTION rows
    assert meta["license"] == "other" and meta["license_link"] == LICENSES and meta["license_name"]
    assert meta["language"] == ["en"] and "Languages (the `language` column" in card
    assert "news" in meta["tags"] and "dataset of news articles" in card
    configs = {c["config_name"]: c for c in meta["configs"]}
    files = [p.relative_to(out).as_posix() for p in data_files(out)]
    default = configs["default"]["data_files"][0]["path"]
    assert sorted(f for f in files if any(fnmatch.fnmatch(f, g) for g in default)) == files
    for name, cfg in configs.items():
        if name != "default":
            assert cfg["data_files"][0]["path"] == f"data/{name}/*.parquet"
            assert (out / "data" / name).is_dir()


def test_card_sections_carry_the_runs_real_figures(release):
    out, _ = release
    run = json.loads((out / "run.json").read_text("utf-8"))
    card = (out / CARD).read_text("utf-8")
    for section in ("Motivation", "Composition", "Collection process", "Preprocessing", "Uses", "Distribution",
                    "Maintenance"):
        assert f"\n## {section}\n" in card
    c, counts = run["config"], run["counts"]
    assert f"{c['bands']} bands x {c['rows']} rows" in card and f"{c['num_perm']} permutations" in card
    assert f"Jaccard >= {c['verify_jaccard']}, or containment >= {c['verify_containment']}" in card
    assert f"Canonical documents: {counts['canonical']}; duplicates: {counts['duplicates']}" in card
    for reason, n in run["rejects_by_reason"].items():
        assert f"| `{reason}` | {n} |" in card
    chrome = run["near_duplicates"]["site_chrome_blocks_in_crawl"]
    assert f"{chrome} (domain, block) pairs found as site chrome in the crawl" in card
    # no bucket is capped: every one is joined (a star and a path, `lsh.bucket_edges`); the larger are only listed
    assert "capped" not in card
    assert f"buckets larger than {c['hot_bucket_cap']} are listed in `run.json`" in card
    for placeholder in ("TODO", "TBD", "More Information Needed", "None", "?"):
        assert placeholder not in card.split("\n---\n", 1)[1], placeholder


def test_card_names_every_file_of_the_release(release):
    """The card's Files paragraph left out report.html (written by `dedup release`, listed in SHA256SUMS)."""
    out, _ = release
    card = (out / CARD).read_text("utf-8")
    files = next(line for line in card.splitlines() if line.startswith("Files: "))
    for entry in sorted(out.iterdir()):
        if entry.name != CARD:
            assert f"`{entry.name}{'/' if entry.is_dir() else ''}`" in files, entry.name


def test_card_figures_are_the_datas(any_release):
    """The card's Composition and Preprocessing figures, computed again from the Parquet rows (not from
    run.json): sizes, domains, clusters, dates, boilerplate. `*` (blocks repeated across the stories of many
    sites) is not a domain: the card said 41 domains of site chrome for a crawl of 40."""
    out, _ = any_release
    card = (out / CARD).read_text("utf-8")
    data = pl.read_parquet(data_files(out))
    dups = pl.read_parquet(sorted((out / "duplicates").glob("*.parquet")))
    boiler = pl.read_parquet(sorted((out / "boilerplate").glob("*.parquet")))
    n = data["n_chars"]
    assert (f"{data.height:,} documents in `data/` ({n.sum():,} characters of text; median {int(n.median()):,}, "
            f"shortest {n.min():,}, longest {n.max():,} characters per document), from "
            f"{data['domain'].n_unique():,} domains.") in card
    assert (f"{data.filter(pl.col('cluster_size') > 1).height:,} of the {data.height:,} clusters have copies; "
            f"the largest cluster has {data['cluster_size'].max():,} documents.") in card
    assert f"each with the provenance of its {dups.height:,} copies in total" in card
    site = boiler.filter(pl.col("action").is_in(["removed_site_chrome", "cross_story_repeat"]))
    domains = site.filter(pl.col("domain") != "*")["domain"].n_unique()
    assert f"{site.height:,} (domain, block) pairs found as site chrome in the crawl, on {domains:,} domains" in card
    on_data = site.filter(pl.col("domain").is_in(data["domain"].unique().to_list())).height
    assert (f"{site.filter(pl.col('domain') == '*').height:,} on every site (`*`) and {on_data:,} on the "
            f"{data['domain'].n_unique():,} domains of `data/`") in card
    assert f"{boiler.height - site.height:,} (domain, block, reason) rows" in card
    assert (f"From the {data.height:,} documents of `data/`, {data['blocks_removed'].sum():,} blocks "
            f"({data['boilerplate_chars_removed'].sum():,} characters) were removed") in card
    # ...which the card called "page chrome" while a part is site chrome and the headline (moved to `title`)
    reasons = data["removed_reasons"].explode().drop_nulls()
    site_n = int(reasons.is_in(["removed_site_chrome", "cross_story_repeat"]).sum())
    headline_n = int((reasons == "headline").sum())
    assert site_n and headline_n
    assert (f"were removed: {site_n:,} as site chrome, {len(reasons) - site_n - headline_n:,} as page chrome "
            f"and {headline_n:,} headlines, which the `title` column holds.") in card
    for spdx, rows in data.group_by("licence_spdx").len().iter_rows():
        assert f"| `{spdx}` | {rows:,} |" in card


def test_licenses_and_changelog(release):
    out, _ = release
    data = pl.read_parquet(data_files(out), columns=["licence_spdx", "attribution_text"])
    text = (out / LICENSES).read_text("utf-8")
    for spdx, n in data.group_by("licence_spdx").len().iter_rows():
        assert re.search(rf"\| `{re.escape(spdx)}` \| [a-z-]+ \| {n} \|", text), spdx
    cc_by = data.filter(pl.col("licence_spdx").str.starts_with("CC-BY"))
    assert cc_by.height and f"{cc_by.height} documents are under a CC BY licence" in text
    assert cc_by["attribution_text"].sort()[0] in text or any(t in text for t in cc_by["attribution_text"])
    assert "open an issue in the repository that published this release" in text
    changelog = (out / CHANGELOG).read_text("utf-8")
    assert "## 1.0.0" in changelog and f"Added: {data.height} canonical documents" in changelog


def test_licence_choice_and_size_buckets():
    assert licence_choice({"CC-BY-4.0": 10}) == ("cc-by-4.0", None)
    assert licence_choice({"CC-BY-SA-4.0": 3}) == ("cc-by-sa-4.0", None)
    assert licence_choice({"CC-BY-4.0": 10, "NOASSERTION": 2})[0] == "other"
    assert licence_choice({"LicenseRef-all-rights-reserved": 5}) == ("other", "licenseref-all-rights-reserved")
    assert [size_category(n) for n in (0, 999, 1000, 9999, 10_000, 2_000_000)] == [
        "n<1K", "n<1K", "1K<n<10K", "1K<n<10K", "10K<n<100K", "1M<n<10M"]


def test_flat_data_layout(copy):
    """data/train-*.parquet without licence-class folders (the layout before the split) works too."""
    tables = [pq.read_table(p) for p in data_files(copy)]
    meta = {k: v for k, v in tables[0].schema.metadata.items() if k != b"dedup.licence_class"}
    shutil.rmtree(copy / "data")
    (copy / "data").mkdir()
    merged = pa.concat_tables(tables).sort_by("doc_id").replace_schema_metadata(meta)
    pq.write_table(merged, copy / "data" / "train-00000-of-00001.parquet", compression="zstd")
    run = json.loads((copy / "run.json").read_text("utf-8"))
    run["outputs"]["data"] = [{"file": "data/train-00000-of-00001.parquet", "rows": merged.num_rows}]
    (copy / "run.json").write_text(json.dumps(run, indent=2))
    package(copy, name="news-sample")
    assert verify(copy) == []
    meta = front_matter((copy / CARD).read_text("utf-8"))
    assert [c["config_name"] for c in meta["configs"]] == ["default"]
    assert meta["configs"][0]["data_files"][0]["path"] == ["data/*.parquet"]
    croissant = json.loads((copy / CROISSANT).read_text("utf-8"))
    sets = {d["@id"]: d for d in croissant["distribution"] if d["@type"] == "cr:FileSet"}
    assert sets["data-parquet-files"]["includes"] == ["data/*.parquet"]


# --- page data in the documents: escaped for Markdown and HTML -------------------------------------

HOSTILE_TITLES = ["Evil <script>alert(1)</script> | `tick` [x](javascript:alert(2)) **b** _u_ $1 and $2",
                  "# Heading\nsecond line <img src=x onerror=alert(3)> ~~gone~~",
                  "- list ``` fence &amp; entity \\ backslash",
                  "1. ordered | pipe ](javascript:alert(4)) <http://x.test> ![i](x.png)"]
# hosts the WHATWG host parser accepts, so each is a `domain` the card lists: `<script>x.test` and `a|b.test` name
# none since round 15 of the hostile inputs (forbidden code points, `normalise.refused_host`); entities and
# Markdown's emphasis marks remain, which the card must escape as well
HOSTILE_HOSTS = ["&lt;script&gt;x.test", "a~~b~~.test", "`t`.test", "*b*.test"]
HOSTILE_FILE = "`x|<b>.jsonl"
HOSTILE_NAME = "News <script>alert(9)</script> `n` | [x](javascript:alert(5)) }}{"


class _Html(HTMLParser):
    """Elements, link targets, table rows (cells per row) and the text of rendered Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.rows: list[int] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src")]
        if tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th"):
            self.rows[-1] += 1

    def handle_data(self, data):
        self.text.append(data)


def render_markdown(text: str) -> _Html:
    """Markdown as GitHub and the Hub render it: CommonMark with raw HTML allowed, GFM tables and
    strikethrough (markdown-it-py, installed with rich)."""
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py renders the Markdown")
    md = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    page = _Html()
    page.feed(md.render(text))
    return page


@pytest.fixture(scope="module")
def hostile_release(release, tmp_path_factory) -> Path:
    """A crawl of real article texts (the sample's) whose titles, hosts and file name carry Markdown and
    HTML: every page is CC BY, so each title reaches the credit lines of LICENSES.md."""
    texts = (pl.read_parquet(data_files(release[0]), columns=["doc_id", "text", "n_chars"])
             .filter(pl.col("n_chars") > 1500).sort("doc_id")["text"].to_list())
    root = tmp_path_factory.mktemp("hostile")
    (root / "crawl").mkdir()
    rows = []
    for i, (text, title, host) in enumerate(zip(texts, HOSTILE_TITLES, HOSTILE_HOSTS)):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
        page = (f'<html><head><title>{html.escape(title)}</title><link rel="license" '
                f'href="https://creativecommons.org/licenses/by/4.0/"></head>'
                f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>")
        rows.append({"id": f"hostile-{i}", "url": f"http://{host}/story/{i}", "html": page,
                     "fetched_at": "2024-05-01T00:00:00Z"})
    (root / "crawl" / HOSTILE_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = root / "release"
    build([str(root / "crawl")], out, BuildConfig(), workers=1)
    package(out, name=HOSTILE_NAME)
    return out


@pytest.mark.parametrize("document", [CARD, LICENSES, CHANGELOG])
def test_page_data_is_escaped_in_the_documents(hostile_release, document):
    raw = (hostile_release / document).read_text("utf-8")
    body = raw.split("\n---\n", 1)[1] if document == CARD else raw
    page = render_markdown(body)
    assert not {"script", "img"} & set(page.tags), page.tags
    assert not [h for h in page.hrefs if not h.startswith(("http://", "https://"))], page.hrefs
    if document != CHANGELOG:  # the tables are there, their header and first row agree
        assert page.rows and page.rows[0] == page.rows[1], page.rows
    text = " ".join(page.text)
    assert HOSTILE_NAME in text
    if document == LICENSES:  # the credit lines show every CC BY title as the page gave it
        data = pl.read_parquet(data_files(hostile_release), columns=["licence_spdx", "attribution_text"])
        credits = data.filter(pl.col("licence_spdx").str.starts_with("CC-BY"))["attribution_text"]
        # every page links CC BY; a sample text that carries its own "All rights reserved" line is reserved
        assert len(credits) >= 3
        for credit in credits:
            assert " ".join(credit.split()) in " ".join(text.split()), credit
    if document == CARD:
        assert HOSTILE_FILE in text
        for host in HOSTILE_HOSTS:
            assert host in text


def test_the_citation_keeps_its_braces_balanced(hostile_release):
    cite = json.loads((hostile_release / CROISSANT).read_text("utf-8"))["citeAs"]
    depth = 0
    for i, c in enumerate(cite):
        if c in "{}" and (i == 0 or cite[i - 1] != "\\"):
            depth += 1 if c == "{" else -1
            assert depth >= 0 and (depth > 0 or i == len(cite) - 1), cite
    assert depth == 0, cite


def test_tables_keep_their_shape_with_hostile_cells(hostile_release):
    """Each table of the card has as many cells in every row as in its header."""
    card = (hostile_release / CARD).read_text("utf-8").split("\n---\n", 1)[1]
    for block in re.findall(r"(?:^\|.*\|\n)+", card, re.M):
        page = render_markdown(block)
        assert len(set(page.rows)) == 1, block


# --- Croissant ------------------------------------------------------------------------------------


def test_croissant_has_the_required_properties(release):
    out, _ = release
    doc = json.loads((out / CROISSANT).read_text("utf-8"))
    assert doc["@type"] == "sc:Dataset" and doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    for key in ("name", "description", "license", "url", "version", "distribution", "recordSet"):
        assert doc.get(key), key
    objects = {d["contentUrl"]: d for d in doc["distribution"] if d["@type"] == "cr:FileObject"}
    for path in data_files(out):
        rel = path.relative_to(out).as_posix()
        assert objects[rel]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert objects[rel]["encodingFormat"] == "application/x-parquet"
    documents = next(r for r in doc["recordSet"] if r["@id"] == "documents")
    columns = {f["source"]["extract"]["column"] for f in documents["field"] if "source" in f}
    assert {"doc_id", "cluster_id", "url", "domain", "title", "text", "published_at", "licence_spdx",
            "original_source"} <= columns


def test_croissant_fields_are_every_scalar_column_of_the_schemas(release):
    """Each record set has one cr:Field per scalar column of its table's schema (schemas/*.json), in the
    schema's order and with its type, a list column as an array field (of sub-fields for a list of structs). A hand-kept
    column list fell behind the schema (title_source, language, modified_at... were missing)."""
    out, _ = release
    doc = json.loads((out / CROISSANT).read_text("utf-8"))
    kinds = {"string": "sc:Text", "int64": "sc:Integer", "double": "sc:Float", "bool": "sc:Boolean"}
    for record_set, table in (("documents", "documents"), ("duplicates", "duplicates"), ("rejects", "rejects")):
        fields = next(r for r in doc["recordSet"] if r["@id"] == record_set)["field"]
        got = [(f["name"], f.get("dataType"), f.get("isArray", False)) for f in fields]
        expected = [(f.name, "sc:DateTime" if pa.types.is_timestamp(f.type) else kinds[str(f.type)], False)
                    for f in schema(table) if not pa.types.is_nested(f.type)]
        # a list of strings is an array of sc:Text (audit round 5: list columns were left out), of int64 (the removed
        # blocks' keys, audit round 9) an array of sc:Integer
        lists = [(f.name, kinds[str(f.type.value_type)], True) for f in schema(table)
                 if pa.types.is_list(f.type) and not pa.types.is_nested(f.type.value_type)]
        # a list of structs (the evidence columns) is an array of sub-fields (audit round 6: they were left out)
        structs = [(f.name, None, True) for f in schema(table)
                   if pa.types.is_list(f.type) and pa.types.is_struct(f.type.value_type)]
        expected = [c for f in schema(table) for c in expected + lists + structs if c[0] == f.name]
        assert got == expected, record_set


def test_croissant_validates_without_warnings_and_loads_the_rows(any_release, caplog):
    mlc = pytest.importorskip("mlcroissant", reason="mlcroissant is not installed (pip install mlcroissant)")
    out, manifest = any_release
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        ds = mlc.Dataset(jsonld=str(out / CROISSANT))
        issues = ds.metadata.ctx.issues  # mlcroissant's own validation findings
        assert not issues.errors and not issues.warnings, issues.report()
        rows = {r["documents/doc_id"].decode(): r for r in ds.records(record_set="documents")}
        ids = set(rows)
        n_dups = sum(1 for _ in ds.records(record_set="duplicates"))
    # mlcroissant also logs warnings (e.g. a non-standard @context) instead of recording them as issues
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert logged == []
    # Python warnings count too, except the libraries' deprecation notices about their own code
    # (rdflib's ConjunctiveGraph, mlcroissant calling pandas' reset_index(inplace=True)): not about this file
    ours = [f"{w.category.__name__}: {w.message} ({w.filename})" for w in raised
            if not (issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning))
                    and re.search(r"(site|dist)-packages/(rdflib|mlcroissant|pandas)/", w.filename.replace("\\", "/")))]
    assert ours == []
    assert ids == data_ids(out)
    assert n_dups == manifest["tables"]["duplicates"]["rows"]
    # the list columns as arrays: each record's copies as data/ has them
    data = pl.read_parquet(str(out / "data" / "**" / "*.parquet"), columns=["doc_id", "duplicate_doc_ids"])
    copies = {d: sorted(c or []) for d, c in data.iter_rows()}
    assert {d: sorted(v.decode() for v in (r["documents/duplicate_doc_ids"] or [])) for d, r in rows.items()} == copies


# --- loaders -------------------------------------------------------------------------------------


def test_polars_reads_the_data(any_release):
    out, _ = any_release
    ids = pl.scan_parquet(str(out / "data" / "**" / "*.parquet")).select("doc_id").collect()["doc_id"]
    assert ids.len() == len(set(ids.to_list())) and set(ids.to_list()) == data_ids(out)


def test_pandas_reads_the_data(any_release):
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    out, _ = any_release
    frame = pd.read_parquet(out / "data", engine="pyarrow", columns=["doc_id"])
    assert len(frame) == len(data_ids(out)) and set(frame["doc_id"]) == data_ids(out)


def test_duckdb_reads_the_data(any_release):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    out, _ = any_release
    glob = (out / "data" / "**" / "*.parquet").as_posix()
    count = duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchall()[0][0]
    ids = {row[0] for row in duckdb.sql(f"select doc_id from read_parquet('{glob}')").fetchall()}
    assert count == len(ids) and ids == data_ids(out)


def test_pyarrow_dataset_and_polars_read_every_table_with_the_declared_schema(any_release):
    """Every table loads through pyarrow.dataset given the schema of schemas/ (nothing inferred), each file's
    own schema is that schema (types and nullability), a non-nullable column holds no null, and polars
    reads the same types."""
    import pyarrow.dataset as pads

    out, manifest = any_release
    for folder, name in (("data", "documents"), ("duplicates", "duplicates"), ("rejects", "rejects"),
                         ("boilerplate", "boilerplate"), ("signatures", "signatures")):
        files = sorted((out / folder).rglob("*.parquet"))
        declared = schema(name)
        for f in files:
            assert pq.read_schema(f).remove_metadata().equals(declared.remove_metadata()), f
        table = pads.dataset([str(f) for f in files], schema=declared, format="parquet").to_table()
        assert table.num_rows == manifest["tables"][folder]["rows"]
        for field in declared:
            assert field.nullable or table.column(field.name).null_count == 0, (folder, field.name)
        assert pl.read_parquet(files).schema == pl.from_arrow(declared.empty_table()).schema, folder


@pytest.fixture()
def hf_datasets(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets", reason="datasets (Hugging Face) is not installed")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    return datasets


def test_hf_datasets_reads_the_data_dir_and_the_card_configs(any_release, hf_datasets, tmp_path):
    out, _ = any_release
    expected = data_ids(out)
    parquet = hf_datasets.load_dataset("parquet", data_dir=str(out / "data"), split="train",
                                       cache_dir=str(tmp_path / "cache"))
    assert len(parquet) == len(expected) and set(parquet["doc_id"]) == expected
    # the folder itself, through the configs of the card's front matter
    default = hf_datasets.load_dataset(str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert set(default["doc_id"]) == expected
    open_rows = hf_datasets.load_dataset(str(out), "open", split="train", cache_dir=str(tmp_path / "cache"))
    assert set(open_rows["licence_class"]) == {"open"}
