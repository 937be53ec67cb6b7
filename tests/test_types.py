"""The package type-checks: `mypy dedup` (settings in pyproject.toml) reports no error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_package_type_checks(tmp_path):
    pytest.importorskip("mypy", reason="mypy is in the [test] extra: pip install -e '.[test]'")
    proc = subprocess.run([sys.executable, "-m", "mypy", "dedup", "--cache-dir", str(tmp_path / "cache")],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
