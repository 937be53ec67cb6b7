"""Hostile input, round 8: a WARC whose records continue from one gzip member or zstd frame into the next (a
writer that cuts the stream into blocks of a size, as bgzip and pzstd do) is read, not rejected."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import zstandard
from test_hostile_builds import html_page, warc_response
from test_hostile_round4 import rows

from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.sources import warc

RECORDS = [warc_response(f"<urn:uuid:s{n}>", f"https://spans.test/{n}", html_page(f"Spans {n}", n).encode())
           for n in range(6)]


def blocks(data: bytes, size: int) -> list[bytes]:
    return [data[at:at + size] for at in range(0, len(data), size)]


def test_records_cut_across_gzip_members_or_zstd_frames_are_read(tmp_path: Path) -> None:
    """Every record used to be a `record_spans_gzip_members` reject (the name said gzip for a zstd file too)
    although its bytes were complete; it is kept now, with a note, and counted as tolerated under a name that
    says which: `record_spans_gzip_members` / `record_spans_zstd_frames`."""
    plain = b"".join(RECORDS)
    (tmp_path / "plain.warc").write_bytes(plain)
    expected = [(r.headers["warc-record-id"], r.payload) for r in warc.iter_records(tmp_path / "plain.warc")]
    size = len(plain) // 5 + 7   # cuts fall inside records
    cctx = zstandard.ZstdCompressor(write_checksum=True)
    for name, data, unit in (("b.warc.gz", b"".join(gzip.compress(b) for b in blocks(plain, size)), "gzip_members"),
                             ("b.warc.zst", b"".join(cctx.compress(b) for b in blocks(plain, size)), "zstd_frames")):
        path = tmp_path / name
        path.write_bytes(data)
        recs = list(warc.iter_records(path))
        assert [(r.headers["warc-record-id"], r.payload) for r in recs] == expected
        assert all(r.error is None for r in recs)
        spanning = [r for r in recs if r.detail]
        assert spanning and all(r.detail.startswith(f"record_spans_{unit}: ") for r in spanning)
        stats: Counter = Counter()
        out = rows(path, stats)
        assert [r["reject_reason"] for r in out] == [None] * len(RECORDS)
        assert [r["doc_id"] for r in out] == [f"<urn:uuid:s{n}>" for n in range(6)]
        assert stats[f"tolerated.record_spans_{unit}"] == len(spanning)


def test_a_build_over_a_bgzip_like_warc_keeps_every_record_and_counts_the_spans(tmp_path: Path) -> None:
    plain = b"".join(RECORDS)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.warc.gz").write_bytes(b"".join(gzip.compress(b) for b in blocks(plain, 1000)))
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["accounting_ok"] is True
    assert run["rejects_by_reason"] == {}
    assert run["tolerated"]["record_spans_gzip_members"] >= 1
