"""What the build summary, the card and the changelog say about small counts, speeds and the build options.

Seen 2026-12-07 (audit5): a tiny build printed `(0 docs/s)`; a resumed build printed the rows of the whole
build over the seconds of the resumed run as its docs/s; the changelog of a next version said `1 new rows`
and the card `1 canonical documents`; and the card of a release built with `--licence open` still advised
building with `--licence open`."""

from __future__ import annotations

import re
from types import SimpleNamespace

from dedup.cli import read_line
from dedup.release.card import _collection, _distribution, _intro
from dedup.release.changelog import render_changelog
from dedup.release.licences import build_options
from dedup.run_report import Counts, InputRecord, RunReport
from dedup.words import counted, per_second, plural


def _run(records: int, seconds: float, resumed: list[str] | None = None, previous: dict | None = None,
         config: dict | None = None, rejects: int = 0) -> RunReport:
    counts = Counts(input_records=records, canonical=1, duplicates=records - 1 - rejects, rejects=rejects, clusters=1,
                    clusters_with_copies=1, skipped_records=0)
    return RunReport(counts=counts, previous=previous or {}, config=config or {},
                     inputs=[InputRecord("one.warc.gz", "warc", 1_000, records, 0)],
                     timings_s={"total": seconds, "docs_per_s": round(records / seconds, 1),
                                "resumed": resumed or []})


def test_counted_makes_the_noun_agree():
    assert counted(1, "new row") == "1 new row" and counted(0, "new row") == "0 new rows"
    assert counted(1_234, "copy", "copies") == "1,234 copies" and plural(1, "is", "are") == "is"


def test_a_small_rate_keeps_its_digits():
    assert per_second(3, 8.0) == "0.38" and per_second(30, 4.0) == "7.5" and per_second(1_000, 18.1) == "55"
    assert per_second(0, 3.0) is None and per_second(5, 0.0) is None


def test_a_tiny_build_is_not_printed_as_0_docs_per_second():
    line = read_line(_run(1, 2.6))
    assert line == "read 1 record from 1 file in 2.6 s (0.38 docs/s)"


def test_a_resumed_build_gives_no_rate_for_the_whole_build_from_one_run():
    line = read_line(_run(1_000, 0.5, resumed=["ingest", "keys"]))
    assert not re.search(r"\d docs/s", line) and "2,000" not in line
    assert "this run took 0.5 s, resuming an interrupted build after keys" in line


def test_a_build_resumed_within_ingest_gives_no_rate_either():
    run = _run(1_000, 0.5)
    run.timings_s.update(ingest_files_reused=1)
    line = read_line(run)
    assert not re.search(r"\d docs/s", line) and "whose run had read 1 of the 1 input file (the work" in line


def _facts(run: RunReport, rows: dict[str, int], spdx: dict[str, int] | None = None) -> SimpleNamespace:
    return SimpleNamespace(run=run, rows=rows, version="1.1.0", name="audit-news", config_sha256="0" * 64,
                           spdx_data=spdx or {"CC-BY-4.0": 1}, flat_data=True, data_folders={}, match={},
                           reasons={}, genre=("news articles", 1.0), name_given=True, creator=None)


def test_the_changelog_of_a_next_version_says_1_new_row():
    previous = {"name": "audit-news", "version": "1.0.0", "new_canonical": 1, "new_duplicates": 1,
                "new_duplicates_of_previous": 1, "previous_clusters_grown": 1, "demoted_canonical": 0,
                "counts": {"input_records": 1_000, "rejects": 0}}
    run = _run(1_003, 5.0, previous=previous, rejects=1)
    text = render_changelog(_facts(run, {"data": 1, "duplicates": 1, "rejects": 1}))
    assert "- Added: 1 canonical document in `data/`." in text
    assert "- Duplicates: 1 new row in `duplicates/`" in text and "1 previous cluster gained" in text
    assert "- Rejects: 1 new row in `rejects/`." in text
    assert "1 canonical, 1 duplicate, 1 reject from 1,003 input records" in text
    assert " 1 new rows" not in text and "1 canonical documents" not in text


def test_the_card_of_one_document_says_one_document():
    text = "\n".join(_intro(_facts(_run(2, 1.0), {"data": 1, "duplicates": 1, "rejects": 0})))
    assert "1 canonical document, one per story, each with the provenance of its 1 copy in total, from 2 input" in text


def test_the_collection_process_of_one_record_says_one_record():
    text = "\n".join(_collection(_facts(_run(1, 1.0), {"data": 1, "duplicates": 0, "rejects": 0})))
    assert "The build read 1 input file (1 warc, 1,000 bytes)" in text
    assert "1 record could be a document; 0 records carried no page and were skipped" in text


def test_the_card_advice_follows_the_options_the_release_was_built_with():
    plain = "\n".join(_distribution(_facts(_run(2, 1.0), {})))
    assert "`dedup build --licence open` keeps only openly licensed records" in plain
    built_open = "\n".join(_distribution(_facts(_run(2, 1.0, config={"licence_classes": ["open"]}), {})))
    assert "--licence open` keeps" not in built_open and "`--withhold-text` publishes" not in built_open
    assert "This release was built with `--licence open`: records of the other licence classes" in built_open
    withheld = build_options({"licence_classes": ["open", "nc"], "withhold_text": ["nc"]})
    assert "`--licence open,nc`" in withheld and "built with `--withhold-text nc`: records of those" in withheld


def test_dedup_report_points_at_dedup_release():
    from typer.testing import CliRunner

    from dedup.cli import app

    result = CliRunner().invoke(app, ["report", "some-build"])
    assert result.exit_code == 2 and "report.html" in result.output and "dedup release OUT" in result.output
    assert "report.html" in CliRunner().invoke(app, ["--help"]).output


def test_dedup_stats_says_1_site(sample_build):
    from dedup.stats import render, summarise

    s = summarise(sample_build)
    s["boilerplate"].update(blocks=1, sites=1, top_sites={"one.example": {"blocks": 1}})
    s["top_stories"] = [dict(s["top_stories"][0], sites=1)]
    text = render(s, width=80)
    assert "boilerplate: 1 site chrome block in the crawl on 1 site," in text and "one.example 1 block" in text
    assert " on   1 site  " in text and "1 sites" not in text
