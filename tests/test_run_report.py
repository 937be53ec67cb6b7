"""dedup.run_report: run.json written and loaded as typed records; damage is named, never a traceback."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from dedup.errors import ReleaseError
from dedup.run_report import Counts, InputRecord, OutputFile, RunReport


def _report() -> RunReport:
    return RunReport(counts=Counts(input_records=5, canonical=2, duplicates=2, rejects=1, clusters=2,
                                   clusters_with_copies=1, skipped_records=3),
                     rejects_by_reason={"no_text": 1}, outputs={"data": [OutputFile("data/a.parquet", 2)]},
                     inputs=[InputRecord("a.warc.gz", "warc", 100)], config={"num_perm": 128},
                     versions={"dedup": "0.1.0"}, finished_at="2026-12-05T00:00:00Z")


def test_round_trip(tmp_path):
    report = _report()
    report.write(tmp_path)
    loaded = RunReport.load(tmp_path)
    assert loaded == replace(report, finished_at="")  # a measurement: in timings.json, not run.json
    assert json.loads((tmp_path / "run.json").read_text())["counts"]["accounting_ok"] is True
    assert RunReport.measured(tmp_path) == {"timings_s": {}, "finished_at": "2026-12-05T00:00:00Z"}


def test_measurements_go_to_timings_json_and_older_run_json_still_hold_them(tmp_path):
    report = replace(_report(), timings_s={"total": 2.5, "workers": 2})
    report.write(tmp_path)
    run = json.loads((tmp_path / "run.json").read_text())
    assert not set(RunReport.MEASURED) & set(run)
    assert json.loads((tmp_path / "timings.json").read_text()) == {"timings_s": {"total": 2.5, "workers": 2},
                                                                   "finished_at": "2026-12-05T00:00:00Z"}
    # two runs that differ only in how they ran write the same run.json
    (tmp_path / "b").mkdir()
    replace(report, timings_s={"total": 9.0}, finished_at="2027-01-01T00:00:00Z").write(tmp_path / "b")
    assert (tmp_path / "b" / "run.json").read_bytes() == (tmp_path / "run.json").read_bytes()
    # an older run.json (measurements inside, no timings.json) still gives them
    (tmp_path / "timings.json").unlink()
    (tmp_path / "run.json").write_text(json.dumps(run | {"timings_s": {"total": 7.0}, "finished_at": "2026-01-02"}))
    old = RunReport.load(tmp_path)
    assert old.timings_s == {"total": 7.0} and old.finished_at == "2026-01-02"
    assert RunReport.measured(tmp_path) == {"timings_s": {"total": 7.0}, "finished_at": "2026-01-02"}
    # timings.json wins; a damaged one is read as absent (not data: nothing is decided on it)
    (tmp_path / "timings.json").write_text('{"timings_s": {"total": 1.0}}')
    assert RunReport.measured(tmp_path)["timings_s"] == {"total": 1.0}
    (tmp_path / "timings.json").write_text("[")
    assert RunReport.measured(tmp_path)["timings_s"] == {"total": 7.0}


def test_accounting_is_derived_from_the_counts():
    assert not Counts(input_records=5, canonical=2, duplicates=2, rejects=0, clusters=2,
                      clusters_with_copies=1).accounting_ok


@pytest.mark.parametrize("damage, message", [
    (lambda d: d.pop("counts"), "no 'counts'"),
    (lambda d: d["counts"].pop("rejects"), "counts.rejects"),
    (lambda d: d["counts"].update(canonical="2"), "counts.canonical"),
    (lambda d: d["counts"].update(accounting_ok=False), "accounting_ok does not match"),
    (lambda d: d.update(outputs={"data": [{"file": 3}]}), "outputs.data"),
    (lambda d: d.update(rejects_by_reason={"x": -1}), "rejects_by_reason"),
    (lambda d: d.update(config=[1]), "'config' is not an object"),
])
def test_damage_is_named(tmp_path, damage, message):
    raw = _report().to_dict()
    damage(raw)
    (tmp_path / "run.json").write_text(json.dumps(raw))
    with pytest.raises(ReleaseError, match=message):
        RunReport.load(tmp_path)


@pytest.mark.parametrize("content", [b"{", b"\xff\xfe\x00", b"[]"])
def test_malformed_file_is_a_release_error(tmp_path, content):
    (tmp_path / "run.json").write_bytes(content)
    with pytest.raises(ReleaseError, match="run.json"):
        RunReport.load(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(ReleaseError, match="no run.json"):
        RunReport.load(tmp_path)
