"""Release packaging: package() writes a verifiable, self-describing release; verify() finds tampering;
the card, Croissant file and loaders (polars, pandas, DuckDB, datasets, mlcroissant) agree on the rows."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.config import BuildConfig
from dedup.errors import ReleaseError
from dedup.pipeline import build
from dedup.release.package import (CARD, CHANGELOG, CROISSANT, LICENSES, MANIFEST, RELEASE_FILES, SUMS, licence_choice, package, size_category, verify)
from dedup.schema import fingerprint, schema

REPO = Path(__file__).resolve().parents[1]


def file_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


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
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "sample-build"
    build([str(REPO / "samples" / "crawl")], out, BuildConfig(), workers=1)
    return out


@pytest.fixture(scope="module")
def release(built, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("release") / "news-sample"
    shutil.copytree(built, out)
    manifest = package(out, name="news-sample", version="1.0.0")
    return out, manifest


@pytest.fixture(scope="module")
def bench_release(bench_crawl, tmp_path_factory) -> tuple[Path, dict]:
    """The release of the whole syndication crawl (issue 6's target), packaged."""
    out = tmp_path_factory.mktemp("release") / "syndication-dev"
    build([str(bench_crawl / "crawl")], out, BuildConfig(), workers=2)
    return out, package(out, name="syndication-dev")


@pytest.fixture(params=["sample", "syndication-dev"])
def any_release(request) -> tuple[Path, dict]:
    """The checks every release must pass, on the shipped sample and on the bench crawl."""
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
    assert paths == [p for p in every if p != SUMS]
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
    assert "run.json" in listed and not set(RELEASE_FILES) & set(listed)
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
    assert f"{run['near_duplicates']['site_chrome_blocks']} (domain, block) pairs removed" in card
    for placeholder in ("TODO", "TBD", "More Information Needed", "None", "?"):
        assert placeholder not in card.split("\n---\n", 1)[1], placeholder


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
    columns = {f["source"]["extract"]["column"] for f in documents["field"]}
    assert {"doc_id", "cluster_id", "url", "domain", "title", "text", "published_at", "licence_spdx",
            "original_source"} <= columns


def test_croissant_validates_without_warnings_and_loads_the_rows(any_release, caplog):
    mlc = pytest.importorskip("mlcroissant", reason="mlcroissant is not installed (pip install mlcroissant)")
    out, manifest = any_release
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        ds = mlc.Dataset(jsonld=str(out / CROISSANT))
        issues = ds.metadata.ctx.issues  # mlcroissant's own validation findings
        assert not issues.errors and not issues.warnings, issues.report()
        ids = {r["documents/doc_id"].decode() for r in ds.records(record_set="documents")}
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
