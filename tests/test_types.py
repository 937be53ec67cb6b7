"""The package type-checks: `mypy dedup` (settings in pyproject.toml) reports no error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


# slow: a cold mypy run is 15-20 s, the largest single test; CI runs it with the slow set
@pytest.mark.slow
def test_the_package_type_checks(tmp_path, request):
    pytest.importorskip("mypy", reason="mypy is in the [test] extra: pip install -e '.[test]'")
    # mypy's own incremental cache, kept in pytest's cache folder: a fresh checkout (CI) checks
    # everything, a developer's next run only what changed (10-20 s less)
    store = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    cache = store.mkdir("mypy") if store is not None else tmp_path / "cache"
    proc = subprocess.run([sys.executable, "-m", "mypy", "dedup", "--cache-dir", str(cache)],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
