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


def parquet_hashes(out: Path) -> dict[str, str]:
    """sha256 of every Parquet file under `out`, by relative path: 'same bytes out' in one value."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.parquet"))}
