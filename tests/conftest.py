from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import accumulate
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE_SMALL = REPO / "samples" / "crawl" / "sample-extra.jsonl.gz"  # the sample crawl's small file


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is absent (a user's checkout)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared corpora and bench, present in the dev setup only)")
    return path


_modules_when_frozen = 0


@pytest.fixture(autouse=True)
def _freeze_what_imports_left():
    """Keep libraries the tests import (moto, botocore, datasets, mlcroissant: hundreds of thousands of
    objects) out of garbage collection, as dedup.memory.release() keeps its own process's startup
    objects out. A build run in this process collects after every task (34 times for the sample crawl),
    and each full collection walked them all: 60% of the suite's time went into it. Frozen after a
    collection, so no garbage is frozen; only when imports grew sys.modules, so rarely."""
    global _modules_when_frozen
    if len(sys.modules) > _modules_when_frozen + 20:
        gc.collect()
        gc.freeze()
        _modules_when_frozen = len(sys.modules)
    yield


def quick_and_full(quick: int, full: int):
    """A hypothesis test as two items: [quick] draws `quick` examples in the quick set, [full] all `full` in the
    slow set (CI runs both sets). The test takes the count as `examples` and runs a nested @given check with
    @settings(max_examples=examples)."""
    return pytest.mark.parametrize("examples", [pytest.param(quick, id="quick"),
                                                pytest.param(full, id="full", marks=pytest.mark.slow)])


def built_once(tmp_path_factory, name: str, make: Callable[[Path], object]) -> tuple[Path, object]:
    """The folder `name`, filled by `make(folder)`, once per test run, and what `make` returned. The quick set
    runs on pytest-xdist workers (pyproject addopts `-n`), each its own session: without this every worker
    would build the sample crawl again. The first worker to ask builds it in the folder the run's workers
    share, under a file lock, while the others wait for it; they get the same folder and a pickled copy of
    the value `make` returned (package()'s manifest itself, not the manifest.json the tests compare it with).
    Without xdist (`-n 0`), a session folder as before."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        return folder, make(folder)
    root = tmp_path_factory.getbasetemp().parent  # the run's basetemp: every worker's is a folder in it
    folder, done = root / name, root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if make() raises
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed half way left
            folder.mkdir()
            done.write_bytes(pickle.dumps(make(folder)))
    return folder, pickle.loads(done.read_bytes())


@pytest.fixture(scope="session")
def bench_crawl() -> Path:
    return shared_path("bench", "syndication-dev")


@pytest.fixture(scope="session")
def warc_samples() -> Path:
    return shared_path("corpora", "warc-samples")


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_of(folder: Path, to: Path) -> Path:
    """A private copy of a shared build or release, for a test that changes it (the shared one is read-only)."""
    shutil.copytree(folder, to)
    return to


def old_layout(folder: Path) -> Path:
    """`folder` (a build, not yet packaged) turned into the layout of builds before 2026-12-06: the
    measurements of timings.json (`timings_s`, `finished_at`) inside run.json, and no timings.json."""
    timings = folder / "timings.json"
    run = json.loads((folder / "run.json").read_text("utf-8")) | json.loads(timings.read_text("utf-8"))
    (folder / "run.json").write_text(json.dumps(run, indent=2, sort_keys=True) + "\n", "utf-8")
    timings.unlink()
    return folder


@contextmanager
def kept_read_only(folder: Path) -> Iterator[Path]:
    """Hands out a build shared by the whole session and checks, at the end of the session, that no test
    changed a byte of it (a test that needs to change one works on `copy_of` it)."""
    before = file_hashes(folder)
    yield folder
    assert file_hashes(folder) == before, f"a test changed the shared build {folder}: copy it first (copy_of)"


@pytest.fixture(scope="session")
def synd_build(bench_crawl, tmp_path_factory) -> Iterator[Path]:
    """The syndication crawl (WARC) built with the default config, once per test session. Read-only."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    folder, _ = built_once(tmp_path_factory, "synd",
                           lambda f: build([str(bench_crawl / "crawl")], f / "warc", BuildConfig(), workers=2))
    out = folder / "warc"
    with kept_read_only(out):
        yield out


@pytest.fixture(scope="session")
def synd_release(synd_build, tmp_path_factory) -> Iterator[tuple[Path, dict]]:
    """`synd_build` packaged as the release `syndication-dev` (a copy), and its manifest. Read-only."""
    from dedup.release.package import package

    folder, manifest = built_once(tmp_path_factory, "synd-release", lambda f: package(
        copy_of(synd_build, f / "syndication-dev"), name="syndication-dev"))
    out = folder / "syndication-dev"
    with kept_read_only(out):
        yield out, manifest


@pytest.fixture(scope="session")
def synd_file_release(bench_crawl, tmp_path_factory) -> Iterator[tuple[Path, dict]]:
    """The first of the syndication crawl's five WARC files (91 pages, publishers from JSON-LD and from the site
    name) built and packaged as `syndication-dev`, and its manifest: the quick set's release of the bench pages,
    a fifth of `synd_release`'s build, which only the slow set pays for. Read-only."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    def make(folder: Path) -> dict:
        out = folder / "syndication-dev"
        build([str(min((bench_crawl / "crawl").glob("*.warc.gz")))], out, BuildConfig(), workers=1)
        return package(out, name="syndication-dev")

    folder, manifest = built_once(tmp_path_factory, "synd-file-release", make)
    out = folder / "syndication-dev"
    with kept_read_only(out):
        yield out, manifest


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Iterator[Path]:
    """The repository's sample crawl built with the default config, once per test session. Read-only."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    folder, _ = built_once(tmp_path_factory, "sample",
                           lambda f: build([str(REPO / "samples" / "crawl")], f / "out", BuildConfig(), workers=1))
    out = folder / "out"
    with kept_read_only(out):
        yield out


@pytest.fixture(scope="session")
def small_build(tmp_path_factory) -> Iterator[Path]:
    """The sample crawl's small file (samples/crawl/sample-extra.jsonl.gz: 40 records, canonical, duplicate and
    rejected ones) built with the default config, once per session: the reference of the quick runs of the
    resume and fault tests, which build it again in a quarter of the whole sample's time. Read-only."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    folder, _ = built_once(tmp_path_factory, "small",
                           lambda f: build([str(SAMPLE_SMALL)], f / "out", BuildConfig(), workers=1))
    out = folder / "out"
    with kept_read_only(out):
        yield out


@pytest.fixture(scope="session")
def sample_grown(small_build, tmp_path_factory) -> Iterator[dict[str, Path]]:
    """An incremental release, once per session: `small_build` packaged as `s` 1.0.0 ("old"), and the sample's first
    WARC file built on it with `--previous` and packaged ("next"): previous clusters gain copies (11 singletons), two
    of them copies that carry a wire agency's notice. Read-only (audit rounds 10 and 11)."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    def make(root: Path) -> None:
        old = copy_of(small_build, root / "old")
        package(old, name="s")
        nxt = root / "next"
        build([str(REPO / "samples" / "crawl" / "sample-00000.warc.gz")], nxt, BuildConfig(), workers=1,
              previous=old)
        package(nxt)

    root, _ = built_once(tmp_path_factory, "grown", make)
    old, nxt = root / "old", root / "next"
    with kept_read_only(old), kept_read_only(nxt):
        yield {"old": old, "next": nxt}


@pytest.fixture(scope="session")
def sample_build_elsewhere(tmp_path_factory) -> Iterator[Path]:
    """The sample crawl built once more, another way, for the tests that want `sample_build`'s bytes from it:
    its files given one by one in reverse order, the two WARC files as file:// URLs (read through fsspec in
    the workers), with two workers (spawned processes), in another folder, later. Once per session. Read-only."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    files = sorted((REPO / "samples" / "crawl").iterdir())
    inputs = [f.as_uri() if f.name.endswith(".warc.gz") else str(f) for f in reversed(files)]
    folder, _ = built_once(tmp_path_factory, "sample-elsewhere",
                           lambda f: build(inputs, f / "out", BuildConfig(), workers=2))
    out = folder / "out"
    with kept_read_only(out):
        yield out


@pytest.fixture(scope="session")
def sample_release(sample_build, tmp_path_factory) -> Iterator[tuple[Path, dict]]:
    """`sample_build` packaged as the release `news-sample` 1.0.0 (a copy), and its manifest. Read-only."""
    from dedup.release.package import package

    folder, manifest = built_once(tmp_path_factory, "sample-release", lambda f: package(
        copy_of(sample_build, f / "news-sample"), name="news-sample", version="1.0.0"))
    out = folder / "news-sample"
    with kept_read_only(out):
        yield out, manifest


@pytest.fixture(scope="session")
def sample_open_withheld_release(tmp_path_factory) -> Iterator[Path]:
    """The sample crawl built with `--licence open,all-rights-reserved --withhold-text all-rights-reserved` (its
    noassertion clusters dropped, its all-rights-reserved records published without their text) and packaged as
    `news-open` 1.0.0, once per session: the release whose card, report and boilerplate/ must say which pages
    they count. Read-only."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package

    config = BuildConfig(licence_classes=("open", "all-rights-reserved"), withhold_text=("all-rights-reserved",))

    def make(folder: Path) -> None:
        build([str(REPO / "samples" / "crawl")], folder / "open-withheld", config, workers=1)
        package(folder / "open-withheld", name="news-open", version="1.0.0")

    folder, _ = built_once(tmp_path_factory, "sample-open-withheld", make)
    out = folder / "open-withheld"
    with kept_read_only(out):
        yield out


@pytest.fixture(scope="session")
def sample_prepared(tmp_path_factory):
    """The sample crawl extracted, indexed and signed in memory (on_disk.prepare), once per session:
    the reference of the on-disk and Dask step tests. Read-only."""
    from on_disk import prepare

    folder = tmp_path_factory.mktemp("sample-prepared")
    prepared = prepare([REPO / "samples" / "crawl"], folder)
    with kept_read_only(folder):
        yield prepared


@pytest.fixture(scope="session")
def bench_prepared(bench_crawl, tmp_path_factory):
    """Two of the five files of the syndication crawl, as `sample_prepared` (the whole crawl takes too
    long here). Read-only."""
    from on_disk import prepare

    folder = tmp_path_factory.mktemp("bench-prepared")
    prepared = prepare(sorted((bench_crawl / "crawl").glob("*.warc.gz"))[:2], folder)
    with kept_read_only(folder):
        yield prepared


def parquet_hashes(out: Path) -> dict[str, str]:
    """sha256 of every Parquet file under `out`, by relative path: 'same bytes out' in one value."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.parquet"))}


@pytest.fixture()
def s3_endpoint(monkeypatch):
    """A real S3 endpoint on 127.0.0.1 (moto's server; s3fs talks HTTP to it as to AWS), set up the way
    a user points s3fs at a non-AWS store (MinIO, Ceph...): fsspec's FSSPEC_S3_* variables, read by every
    process, worker processes included, and AWS credentials from the environment. Yields a boto3 client."""
    pytest.importorskip("s3fs", reason="s3:// paths need s3fs (pip install -e '.[s3]')")
    server_mod = pytest.importorskip("moto.server", reason="the S3 test server needs moto[server]")
    import boto3
    import fsspec

    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1", "FSSPEC_S3_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": endpoint})
    fsspec.filesystem("s3").invalidate_cache()
    try:
        yield boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    finally:
        fsspec.filesystem("s3").invalidate_cache()
        server.stop()


MERGE_PAGE = "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\n{body}\n</article></body></html>"


def wire_merge_crawls(sample_build: Path, folder: Path) -> tuple[Path, Path]:
    """Two JSON Lines crawls of one story (the sample's longest text), for a merge across releases (audit rounds
    12-13): first.jsonl holds X, 70 % of the story with no licence statement, and Y, its last half with AFP's
    notice in the story; second.jsonl holds Z, the whole story, which joins them in a next release."""
    import polars as pl

    text = pl.read_parquet(sample_build / "data" / "**" / "*.parquet").sort(
        [pl.col("text").str.len_chars(), "doc_id"], descending=[True, False])["text"][0]
    paragraphs = [p for p in text.split("\n") if p.strip()]
    assert len(paragraphs) >= 8
    total, ends = sum(map(len, paragraphs)), list(accumulate(map(len, paragraphs)))
    cut_a = next(i for i, e in enumerate(ends) if e >= 0.7 * total) + 1
    cut_b = next(i for i, e in enumerate(ends) if e >= 0.5 * total) + 1

    def page(parts: list[str]) -> str:
        return MERGE_PAGE.format(title="Harbour works", body="\n".join(f"<p>{p}</p>" for p in parts))

    def jsonl(path: Path, rows: list[tuple]) -> Path:
        path.write_text("".join(json.dumps({"id": i, "url": u, "html": h, "fetched_at": f}) + "\n"
                                for i, u, h, f in rows))
        return path

    first = jsonl(folder / "first.jsonl", [
        ("x", "https://one.example/a", page(paragraphs[:cut_a]), "2024-01-01T00:00:00Z"),
        ("y", "https://two.example/b", page(paragraphs[cut_b:] + ["© 2024 AFP. All rights reserved."]),
         "2024-01-02T00:00:00Z")])
    second = jsonl(folder / "second.jsonl", [("z", "https://three.example/c", page(paragraphs), "2024-01-03T00:00:00Z")])
    return first, second
