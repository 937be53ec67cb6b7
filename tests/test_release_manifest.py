"""manifest.json lists every file of a release (the card, Croissant, licences and changelog too; not itself
nor SHA256SUMS), verify checks them and still accepts a release whose manifest lists only the build's
files; the card's and README's pandas hint reads the nullable integers as integers."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from dedup.release.files import CARD, LISTED_RELEASE_FILES, MANIFEST, SUMS
from dedup.release.verify import verify

from conftest import copy_of

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def copy(sample_release, tmp_path) -> Path:
    """A fresh, writable copy of the packaged sample release."""
    return copy_of(sample_release[0], tmp_path / "copy")


def every_file(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def resum(folder: Path) -> None:
    """Rewrite SHA256SUMS over every other file (hashlib, independently of dedup)."""
    lines = [f"{hashlib.sha256((folder / rel).read_bytes()).hexdigest()}  {rel}\n"
             for rel in every_file(folder) if rel != SUMS]
    (folder / SUMS).write_text("".join(lines), "utf-8")


def test_the_manifest_lists_every_file_but_itself_and_the_checksums(sample_release):
    out, manifest = sample_release
    paths = [f["path"] for f in manifest["files"]]
    assert paths == sorted(paths)
    assert paths == [rel for rel in every_file(out) if rel not in (MANIFEST, SUMS, "timings.json")]
    assert set(LISTED_RELEASE_FILES) | {"run.json", "report.html"} <= set(paths)
    for entry in manifest["files"]:
        raw = (out / entry["path"]).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (len(raw), hashlib.sha256(raw).hexdigest()), entry["path"]
    assert json.loads((out / MANIFEST).read_text("utf-8")) == manifest


@pytest.mark.parametrize("rel", LISTED_RELEASE_FILES)
def test_verify_checks_the_release_files_against_the_manifest(copy, rel):
    with open(copy / rel, "a", encoding="utf-8") as f:
        f.write("\n")  # still valid JSON or Markdown, another hash
    resum(copy)  # SHA256SUMS agrees with the edited file; the manifest does not
    problems = verify(copy)
    assert [p for p in problems if p.startswith(f"{rel}: sha256") and MANIFEST in p] == problems, problems
    assert len(problems) == 1


def test_verify_accepts_a_manifest_that_lists_only_the_builds_files(copy):
    """A release packaged before the manifest listed the card, Croissant, licences and changelog."""
    doc = json.loads((copy / MANIFEST).read_text("utf-8"))
    doc["files"] = [f for f in doc["files"] if f["path"] not in LISTED_RELEASE_FILES]
    (copy / MANIFEST).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    resum(copy)
    assert verify(copy) == []


def test_verify_names_a_release_file_left_out_of_a_manifest_that_lists_the_others(copy):
    doc = json.loads((copy / MANIFEST).read_text("utf-8"))
    doc["files"] = [f for f in doc["files"] if f["path"] != CARD]
    (copy / MANIFEST).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    resum(copy)
    problems = verify(copy)
    assert len(problems) == 1 and problems[0].startswith(f"{CARD}: not listed in {MANIFEST}; run `dedup release")


def test_the_pandas_hint_of_the_card_and_readme_reads_integers_as_integers(sample_release):
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    out, _ = sample_release
    hint = re.compile(r'pd\.read_parquet\("[^"]*data/", dtype_backend="(\w+)"\)')
    card = hint.search((out / CARD).read_text("utf-8"))
    readme = hint.search((REPO / "README.md").read_text("utf-8"))
    assert card and readme and card.group(1) == readme.group(1)
    plain = pd.read_parquet(out / "data")["copyright_year"]
    assert plain.isna().any() and plain.notna().any(), "the sample needs nulls and years in copyright_year"
    assert str(plain.dtype) == "float64"  # what the hint is for
    frame = pd.read_parquet(out / "data", dtype_backend=card.group(1))
    assert pd.api.types.is_integer_dtype(frame["copyright_year"])
    assert frame["copyright_year"].dropna().tolist() == plain.dropna().astype(int).tolist()
    assert all(pd.api.types.is_integer_dtype(frame[c]) for c in ("cluster_size", "n_chars"))
