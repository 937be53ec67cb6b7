"""A quick subset of scripts/fuzz_inputs.py: damaged variants of small real files through read +
extract, checked against an independent record count (the long run and its figures: the script)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("fuzz_inputs", REPO / "scripts" / "fuzz_inputs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_inputs"] = module
    spec.loader.exec_module(module)
    return module


fuzz_inputs = _fuzz_module()


def test_seeds_are_cut_independently_and_join_back() -> None:
    pytest.importorskip("warcio", reason="the WARC seeds are cut by warcio (pip install -e '.[test]')")
    seeds = fuzz_inputs.seeds()
    assert {s.kind for s in seeds} >= {"warc", "jsonl"}
    sample = REPO / "samples" / "crawl" / "sample-00000.warc.gz"
    warc = next(s for s in seeds if s.name == "sample-00000")
    # the records join back to the start of the (gunzipped) sample, byte for byte
    plain = fuzz_inputs._decodable(sample.read_bytes()[:60_000], "gz")
    assert plain.startswith(b"".join(warc.records)) and len(warc.records) == 8
    assert all(r.startswith(b"WARC/1.") for r in warc.records)


@pytest.mark.slow  # 80+ damaged files read (399 with ../shared since round 7; 363 took 24 s loaded); CI: slow set
def test_quick_fuzz_loses_nothing_and_never_crashes() -> None:
    pytest.importorskip("warcio", reason="the WARC seeds are cut by warcio (pip install -e '.[test]')")
    report = fuzz_inputs.fuzz(1, seed=13, isolate=False)
    totals = report["totals"]
    assert totals["variants"] >= 80
    assert {k: totals[k] for k in ("crash", "hang", "mismatch", "lost")} == {
        "crash": 0, "hang": 0, "mismatch": 0, "lost": 0}, report["failures"][:5]


def test_the_oracle_sees_a_lost_record(monkeypatch) -> None:
    # the check itself can fail: a reader that drops the second record is caught
    pytest.importorskip("warcio", reason="the WARC seeds are cut by warcio (pip install -e '.[test]')")
    seed = next(s for s in fuzz_inputs.seeds() if s.name == "sample-00000")
    name, data = fuzz_inputs.baseline_file(seed)
    base = fuzz_inputs.run_file(name, data, 50 * 1024 * 1024)
    ids = fuzz_inputs.record_ids(seed, base["rows"])
    baseline = {fuzz_inputs.row_key("warc", r): (r["reject_reason"], tuple(r["blocks"] or ()))
                for r in base["rows"]}
    variant = fuzz_inputs.Variant("x", name, data, seed.name, list(range(len(seed.records))))
    dropped = {"rows": base["rows"][:1] + base["rows"][2:], "elapsed": 0.1}
    verdict = fuzz_inputs.check(variant, dropped, baseline, ids, "warc")["verdict"]
    assert verdict["lost"] == 1


@pytest.mark.slow
def test_fuzzed_builds_keep_their_accounting(tmp_path: Path) -> None:
    pytest.importorskip("warcio", reason="the WARC seeds are cut by warcio (pip install -e '.[test]')")
    got = fuzz_inputs.fuzz_builds(3, seed=13, workdir=tmp_path)
    assert got.get("builds") == 3 and not {k: v for k, v in got.items() if k != "builds" and v}
