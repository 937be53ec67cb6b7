"""What a build on a previous release says it read: its own crawl's records, apart from the release's carried ones.

Seen 2026-12-07: a release of 1,000 records (2 warcinfo skipped) and a next crawl of 2 files of 500 records each,
built with --previous: the build printed `read 2,000 records from 2 file(s)` and the card's Collection process said
`The build read 2 input file(s) (...): 2,000 records could be documents; 4 records carried no page and were
skipped (warcinfo: 2)`: the two files held 1,000 records and 2 warcinfo records; the other 1,000 were carried."""

from __future__ import annotations

from types import SimpleNamespace

from dedup.cli import read_line
from dedup.release.card import _collection
from dedup.run_report import Counts, InputRecord, RunReport

PREVIOUS = {"name": "audit-news", "version": "1.0.0",
            "counts": {"input_records": 1000, "skipped_records": 2, "canonical": 201, "duplicates": 799,
                       "rejects": 0, "clusters": 201, "clusters_with_copies": 117, "accounting_ok": True}}


def _next_run(previous: dict) -> RunReport:
    carried = previous.get("counts", {})
    counts = Counts(input_records=1000 + carried.get("input_records", 0), canonical=295, duplicates=1205 - 1000
                    + carried.get("input_records", 0), rejects=500, clusters=295, clusters_with_copies=169,
                    skipped_records=2 + carried.get("skipped_records", 0))
    return RunReport(counts=counts, previous=previous, skipped_by_type={"warcinfo": 2},
                     inputs=[InputRecord("synd-crawl-00001.warc.gz", "warc", 2_000_000, 500, 1),
                             InputRecord("synd-crawl-00002.warc.gz", "warc", 2_140_537, 500, 1)],
                     timings_s={"total": 18.1, "docs_per_s": 55.2})


def test_the_card_counts_the_records_of_the_files_read_and_names_the_carried_ones_apart():
    text = "\n".join(_collection(SimpleNamespace(run=_next_run(PREVIOUS))))
    assert "1,000 records could be documents; 2 records carried no page and were skipped (warcinfo: 2)" in text
    assert "2,000 records could be documents" not in text
    assert "1,000 records of audit-news 1.0.0" in text


def test_the_build_summary_counts_the_records_of_the_files_read_and_the_carried_ones_apart():
    line = read_line(_next_run(PREVIOUS))
    assert line.startswith("read 1,000 records from 2 files") and "1,000 carried from audit-news 1.0.0" in line


def test_a_build_without_a_previous_release_reads_as_before():
    run = _next_run({})
    assert "1,000 records could be documents; 2 records carried no page" in "\n".join(
        _collection(SimpleNamespace(run=run)))
    assert read_line(run) == "read 1,000 records from 2 files in 18.1 s (55 docs/s)"
