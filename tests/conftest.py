from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is absent (a user's checkout)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared corpora and bench, present in the dev setup only)")
    return path


@pytest.fixture(scope="session")
def bench_crawl() -> Path:
    return shared_path("bench", "syndication-dev")


@pytest.fixture(scope="session")
def warc_samples() -> Path:
    return shared_path("corpora", "warc-samples")


@pytest.fixture(scope="session")
def synd_build(bench_crawl, tmp_path_factory) -> Path:
    """The syndication crawl (WARC) built with the default config, once per test session."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    out = tmp_path_factory.mktemp("synd") / "warc"
    build([str(bench_crawl / "crawl")], out, BuildConfig(), workers=2)
    return out


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The repository's sample crawl built with the default config, once per test session."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    out = tmp_path_factory.mktemp("sample") / "out"
    build([str(REPO / "samples" / "crawl")], out, BuildConfig(), workers=1)
    return out


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
