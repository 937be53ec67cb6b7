from __future__ import annotations

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
