"""The output folder and the build's end (issue 13): a build never deletes its own input, never
finishes silently with lost records, and turns a full disk or an empty crawl into a message.
"""

from __future__ import annotations

import errno
import gzip
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedup import shards, write
from dedup.cli import app
from dedup.config import BuildConfig
from dedup.errors import InternalError, OutputError
from dedup.pipeline import build
from dedup.workdir import staging_folder

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "crawl"


def _crawl(tmp_path: Path) -> Path:
    crawl = tmp_path / "crawl"
    shutil.copytree(SAMPLE, crawl)
    return crawl


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("where", ["crawl", "parent", "grandparent"])
def test_out_equal_to_or_above_an_input_is_refused_before_anything_is_touched(tmp_path, where):
    crawl = _crawl(tmp_path / "a" / "b")
    (tmp_path / "a" / "b" / "notes.txt").write_text("keep me")
    before = _tree(tmp_path)
    out = {"crawl": crawl, "parent": crawl.parent, "grandparent": crawl.parent.parent}[where]
    result = CliRunner().invoke(app, ["build", str(crawl), "--out", str(out), "--overwrite"])
    assert result.exit_code == 2, result.output
    assert "would delete its own crawl" in result.output
    assert _tree(tmp_path) == before


def test_an_input_file_inside_out_is_refused(tmp_path):
    crawl = _crawl(tmp_path)
    one = next(crawl.glob("*.warc.gz"))
    with pytest.raises(OutputError, match="contains the input"):
        build([str(one)], crawl, BuildConfig(), overwrite=True)
    assert one.is_file()


def test_out_inside_or_around_the_previous_release_is_refused(tmp_path):
    previous = tmp_path / "release"
    previous.mkdir()
    (previous / "keep").write_text("x")
    for out in (previous / "next", previous, tmp_path):
        with pytest.raises(OutputError, match="overlap"):
            build([str(SAMPLE)], out, BuildConfig(), previous=previous, overwrite=True)
    assert (previous / "keep").read_text() == "x"


def test_out_that_is_a_symlink_is_refused_before_the_build(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(OutputError, match="symbolic link"):
        build([str(SAMPLE)], link, BuildConfig())
    assert not any(real.iterdir())


def _warcinfo_only(path: Path) -> None:
    body = b"software: test\r\n"
    record = (b"WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
              b"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/warc-fields\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body + b"\r\n\r\n")
    path.write_bytes(gzip.compress(record))


@pytest.mark.parametrize("make", ["empty_jsonl", "warcinfo_only", "empty_parquet"])
def test_inputs_without_any_page_give_an_empty_build_not_a_traceback(tmp_path, make):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    if make == "empty_jsonl":
        (crawl / "empty.jsonl").write_bytes(b"")
    elif make == "warcinfo_only":
        _warcinfo_only(crawl / "info.warc.gz")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"id": pa.array([], pa.string()), "url": pa.array([], pa.string()),
                                 "html": pa.array([], pa.string())}), crawl / "empty.parquet")
    out = tmp_path / "out"
    report = build([str(crawl)], out, BuildConfig())
    assert report.counts.accounting_ok
    assert report.counts.input_records == 0 and report.counts.canonical == 0
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["input_records"] == 0


def test_a_full_disk_is_a_message_and_the_work_is_kept_for_a_resume(tmp_path, monkeypatch):
    out = tmp_path / "out"
    real = shards.write_parquet

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(args[1]))

    crawl = [str(SAMPLE / "sample-extra.jsonl.gz")]  # the sample's small file (40 records) does: 0.3 of the time
    monkeypatch.setattr(shards, "write_parquet", full)
    monkeypatch.setattr(write, "write_parquet", full)
    with pytest.raises(OutputError, match="no space left"):
        build(crawl, out, BuildConfig())
    assert not out.exists() and (staging_folder(out) / "_work" / "rights.done").is_file()
    monkeypatch.setattr(shards, "write_parquet", real)
    monkeypatch.setattr(write, "write_parquet", real)
    report = build(crawl, out, BuildConfig())
    assert report.timings_s["resumed"][-1] == "rights" and report.counts.accounting_ok


def test_a_full_disk_while_ingesting_is_not_blamed_on_the_input(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", full)
    with pytest.raises(OutputError, match="no space left"):
        build([str(SAMPLE)], tmp_path / "out", BuildConfig())


@pytest.mark.slow
def test_a_build_whose_accounting_fails_exits_1_and_is_not_moved_into_place(tmp_path, monkeypatch):
    real = write.to_schema

    def lossy(frame, name):  # a bug that loses the reject rows
        return real(frame.clear() if name == "rejects" else frame, name)

    monkeypatch.setattr(write, "to_schema", lossy)
    out = tmp_path / "out"
    with pytest.raises(InternalError, match="accounting failed") as caught:
        build([str(SAMPLE)], out, BuildConfig())
    assert caught.value.exit_code == 1
    assert not out.exists()
    result = CliRunner().invoke(app, ["build", str(SAMPLE), "--out", str(out), "--fresh", "--workers", "1"])
    assert result.exit_code == 1 and "accounting failed" in result.output
