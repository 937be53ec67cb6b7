"""Inputs named by fsspec URLs (s3://, gs://, ... here memory:// and file://): listed like local folders
and globs, read by the same readers, and built into the same bytes as the local files."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

fsspec = pytest.importorskip("fsspec", reason="URL inputs need fsspec (installed with the test extra)")

from dedup.sources import storage  # noqa: E402
from dedup.config import load_config  # noqa: E402
from dedup.errors import InputError  # noqa: E402
from dedup.pipeline import DaskOptions, build  # noqa: E402
from dedup.sources.inputs import expand_inputs  # noqa: E402
from dedup.sources.read import read_input  # noqa: E402

from conftest import REPO, parquet_hashes  # noqa: E402

SAMPLE = REPO / "samples" / "crawl"


@pytest.fixture
def bucket(request) -> str:
    """A fresh in-memory 'bucket' holding the repo's sample crawl plus a stray README (memory:// is
    fsspec's process-local filesystem: what s3fs does over the network, it does in a dict)."""
    fs = fsspec.filesystem("memory")
    root = f"/bucket-{request.node.name}"[:80].replace("[", "-").replace("]", "")
    for f in sorted(SAMPLE.iterdir()):
        fs.pipe(f"{root}/crawl/{f.name}", f.read_bytes())
    fs.pipe(f"{root}/crawl/README.txt", b"not a crawl file")
    yield f"memory://{root}"
    fs.rm(root, recursive=True)


def test_is_url_and_basename():
    assert storage.is_url("s3://bucket/crawl/a.warc.gz") and storage.is_url("file:///tmp/x")
    assert not storage.is_url("crawl/a.warc.gz") and not storage.is_url(Path("s3:/x"))
    assert storage.basename("s3://bucket/crawl/a.warc.gz") == "a.warc.gz"
    assert storage.basename("s3://bucket/crawl/") == "crawl"


def test_a_url_folder_glob_or_file_expands_like_a_local_one(bucket):
    local = expand_inputs([str(SAMPLE)])
    folder = expand_inputs([f"{bucket}/crawl"])
    assert [(f.name, f.format) for f in folder] == [(f.name, f.format) for f in local]
    assert all(str(f.path).startswith("memory://") for f in folder)  # README.txt skipped, as in a folder
    globbed = expand_inputs([f"{bucket}/crawl/*.warc.gz"])
    assert [f.name for f in globbed] == ["sample-00000.warc.gz", "sample-00001.warc.gz"]
    one = expand_inputs([f"{bucket}/crawl/sample-extra.jsonl.gz"])
    assert [(f.name, f.format) for f in one] == [("sample-extra.jsonl.gz", "jsonl")]
    assert storage.size(one[0].path) == (SAMPLE / "sample-extra.jsonl.gz").stat().st_size


def test_url_errors_say_what_to_do(bucket):
    with pytest.raises(InputError, match="input not found"):
        expand_inputs([f"{bucket}/nothing/*.warc.gz"])
    with pytest.raises(InputError, match="not a WARC/ARC"):
        expand_inputs([f"{bucket}/crawl/README.txt"])
    with pytest.raises(InputError, match="fsspec URL"):
        expand_inputs(["nosuchprotocol://bucket/crawl/"])
    if importlib.util.find_spec("s3fs") is None:
        with pytest.raises(InputError, match=r"pip install s3fs"):
            expand_inputs(["s3://bucket/crawl/"])


def test_every_reader_gives_the_same_rows_from_a_url(bucket):
    for local, remote in zip(expand_inputs([str(SAMPLE)]), expand_inputs([f"{bucket}/crawl"]), strict=True):
        want = [b.to_pylist() for b in read_input(local)]
        assert [b.to_pylist() for b in read_input(remote)] == want and want


def test_parquet_input_from_a_url(bucket, tmp_path):
    import polars as pl
    rows = []
    for line in gzip.open(SAMPLE / "sample-extra.jsonl.gz", "rt", errors="replace"):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:  # the sample holds broken lines on purpose
            continue
    pl.DataFrame(rows).write_parquet(tmp_path / "extra.parquet")
    fsspec.filesystem("memory").pipe(bucket.removeprefix("memory://") + "/pq/extra.parquet",
                                     (tmp_path / "extra.parquet").read_bytes())
    local = expand_inputs([str(tmp_path / "extra.parquet")])[0]
    remote = expand_inputs([f"{bucket}/pq/extra.parquet"])[0]
    assert remote.format == "parquet"
    assert [b.to_pylist() for b in read_input(remote)] == [b.to_pylist() for b in read_input(local)]


def test_a_truncated_file_behind_a_url_loses_the_same_records(bucket, tmp_path):
    data = (SAMPLE / "sample-00000.warc.gz").read_bytes()
    cut = data[: len(data) * 2 // 3]
    (tmp_path / "cut.warc.gz").write_bytes(cut)
    fsspec.filesystem("memory").pipe(bucket.removeprefix("memory://") + "/cut/cut.warc.gz", cut)
    local = [b.to_pylist() for b in read_input(expand_inputs([str(tmp_path / "cut.warc.gz")])[0])]
    remote = [b.to_pylist() for b in read_input(expand_inputs([f"{bucket}/cut/cut.warc.gz"])[0])]
    assert remote == local
    assert any(r["reject_reason"] for batch in local for r in batch)


@pytest.fixture(scope="module")
def local_build(sample_build) -> Path:
    """The sample crawl built from local files (the default config: load_config(None))."""
    return sample_build


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "dask-threads"])
def test_a_build_from_a_url_writes_the_same_bytes(bucket, local_build, tmp_path, engine):
    if engine == "dask-threads":
        pytest.importorskip("distributed", reason="the Dask engine needs `pip install -e '.[dask]'`")
    options = DaskOptions(scheduler="threads", workers=2) if engine == "dask-threads" else None
    out = tmp_path / "from-url"
    build([f"{bucket}/crawl"], out, load_config(None), workers=1, dask=options)
    assert parquet_hashes(out) == parquet_hashes(local_build) and len(parquet_hashes(out)) >= 4
    run = json.loads((out / "run.json").read_text())
    assert run["counts"] == json.loads((local_build / "run.json").read_text())["counts"]
    assert run["inputs"] == json.loads((local_build / "run.json").read_text())["inputs"]


def test_worker_processes_read_url_inputs(local_build, sample_build_elsewhere):
    """file:// URLs through fsspec in the spawned worker processes of the embedded engine (memory://
    lives in one process only; s3:// behaves like this on a real cluster): the session's build of the sample
    with its WARC files named by file:// URLs and two workers (conftest.sample_build_elsewhere)."""
    assert parquet_hashes(sample_build_elsewhere) == parquet_hashes(local_build)


@pytest.mark.slow  # a local S3 server and a whole build: 6-7 s; CI runs it with the slow set
def test_a_build_from_s3_writes_the_same_bytes(s3_endpoint, local_build, tmp_path):
    s3 = s3_endpoint
    s3.create_bucket(Bucket="crawls")
    for f in sorted(SAMPLE.iterdir()):
        s3.put_object(Bucket="crawls", Key=f"news/2024/{f.name}", Body=f.read_bytes())
    fsspec.filesystem("s3").invalidate_cache()
    assert [f.name for f in expand_inputs(["s3://crawls/news/2024/"])] == sorted(f.name for f in SAMPLE.iterdir())
    out = tmp_path / "from-s3"
    build(["s3://crawls/news/2024/"], out, load_config(None), workers=2)  # spawned workers read s3:// too
    assert parquet_hashes(out) == parquet_hashes(local_build)
    with pytest.raises(InputError, match="input not found"):
        expand_inputs(["s3://crawls/news/2023/*.warc.gz"])
