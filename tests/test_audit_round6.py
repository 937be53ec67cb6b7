"""A researcher's audit, round 6: a release built, packaged, loaded and cited as a user would.

- A release's rows written again with `doc_id` renamed `id` (the crawl field: what a user does to make them read as
  records) were read as crawl records: every row of data/ a "page" under its release doc_id (round 5 caught the
  rows written again with `doc_id`, not with it renamed).
- The build summary's aligned rows and `dedup publish` wrote `1  file(s)`, `(1 problem(s))`.
- croissant.json left the evidence columns (lists of structs) out: no Croissant reader could reach them.
- The release could not be cited from its card (croissant.json's `citeAs` only), and that entry had no year (BibTeX
  styles print "n.d.") nor the URL given to `dedup release --url`.
- boilerplate/'s `sample_text` came from any page that carried the block: a `--licence open` release listed bylines and
  notices of all-rights-reserved pages it dropped, a `--withhold-text` release the removed lines of the pages whose
  text it withheld (and run.json's and report.html's most repeated blocks with them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, copy_of

from dedup.run_report import FileNotRead
from dedup.sources.inputs import expand_inputs

SAMPLE = REPO / "samples" / "crawl"


def test_a_releases_rows_with_doc_id_renamed_id_are_named_not_read(sample_release, tmp_path):
    import polars as pl

    out, _ = sample_release
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet"))).rename({"doc_id": "id"})
    dups = pl.read_parquet(sorted((out / "duplicates").rglob("*.parquet"))).rename({"doc_id": "id"})
    data.write_parquet(crawl / "data.parquet")
    dups.write_parquet(crawl / "dups.parquet")
    data.head(3).write_ndjson(crawl / "data.jsonl")
    dups.head(3).write_ndjson(crawl / "dups.jsonl")
    data.head(3).select("id", "cluster_id", "cluster_size", "url", "text").to_pandas().to_json(
        crawl / "pandas.json", orient="records", lines=True)
    # a crawl of the same layout, but no release's rows, beside them: read
    data.head(2).select("id", "url", "text").write_ndjson(crawl / "texts.jsonl")
    not_read: list[FileNotRead] = []
    files = expand_inputs([str(crawl)], not_read)
    assert [f.name for f in files] == ["texts.jsonl"]
    why = {n.file: n.why for n in not_read}
    assert sorted(why) == ["data.jsonl", "data.parquet", "dups.jsonl", "dups.parquet", "pandas.json"], why
    assert all("written again" in w and "--previous" in w for w in why.values()), why


def test_the_build_summary_and_publish_say_one_file_one_problem_not_file_s(sample_release, tmp_path):
    """The build summary's aligned rows and `dedup publish` wrote `1  file(s)`, `(1 problem(s))`, `holds 1 object(s)`:
    every count goes through `words.counted` / `words.plural`, as the summary's other rows do."""
    import json

    from typer.testing import CliRunner

    from dedup.cli import app

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "README.md").write_text("A crawl.\n")
    (crawl / "a.jsonl").write_text(json.dumps({"id": "a", "url": "https://a.test/1", "text": "A story on a ferry.",
                                               "fetched_at": "not a time"}) + "\n")
    result = CliRunner().invoke(app, ["build", str(crawl), "--out", str(tmp_path / "out"), "--workers", "1",
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "not read            1  file given or in the crawl folders" in result.output, result.output
    assert "fetch time          1  record whose fetched_at" in result.output, result.output
    assert "(s)" not in result.output, result.output
    # a release with one problem (a file outside SHA256SUMS), published to a folder and to an object store
    out, _ = sample_release
    release = copy_of(out, tmp_path / "release")
    (release / "notes.txt").write_text("mine\n")
    for to in (str(tmp_path / "copy"), "memory://audit6/one"):
        result = CliRunner().invoke(app, ["publish", str(release), "--to", to])
        assert result.exit_code == 3, result.output
        assert "does not verify (1 problem)" in result.output and "(s)" not in result.output, result.output
    (release / "notes.txt").unlink()
    import fsspec

    fsspec.filesystem("memory").pipe("/audit6/used/x", b"x")
    result = CliRunner().invoke(app, ["publish", str(release), "--to", "memory://audit6/used"])
    assert result.exit_code != 0 and "already holds 1 object;" in result.output, result.output


def test_croissant_describes_the_evidence_columns_and_mlcroissant_reads_them(sample_release):
    """croissant.json left the lists of structs (`licence_evidence`, `attribution_evidence`) out: no Croissant reader
    (mlcroissant, the Hub's Croissant tooling) could reach the evidence a record's licence rests on. They are array
    fields of sub-fields now, and mlcroissant gives each row's list as data/ holds it."""
    import pytest

    mlc = pytest.importorskip("mlcroissant", reason="mlcroissant is not installed (pip install mlcroissant)")
    import polars as pl

    out, _ = sample_release
    doc = json.loads((out / "croissant.json").read_text("utf-8"))
    fields = {f["name"]: f for f in next(r for r in doc["recordSet"] if r["@id"] == "documents")["field"]}
    assert [s["name"] for s in fields["licence_evidence"]["subField"]] == [
        "kind", "value", "location", "confidence", "spdx"]
    assert fields["attribution_evidence"]["isArray"] is True
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")),
                           columns=["doc_id", "licence_evidence", "attribution_evidence"])
    want = {d: (lic or [], att or []) for d, lic, att in data.iter_rows()}
    assert any(lic for lic, _ in want.values()) and any(att for _, att in want.values())

    def plain(items):
        return [{k.rsplit("/", 1)[1]: v.decode() if isinstance(v, bytes) else v for k, v in item.items()}
                for item in items or []]

    got = {r["documents/doc_id"].decode(): (plain(r["documents/licence_evidence"]),
                                            plain(r["documents/attribution_evidence"]))
           for r in mlc.Dataset(jsonld=str(out / "croissant.json")).records(record_set="documents")}
    assert got == want


def test_the_card_says_how_to_cite_the_release_with_its_year_and_url(sample_build, tmp_path):
    import re

    from dedup.release.package import package

    out = copy_of(sample_build, tmp_path / "news-sample")
    package(out, name="news-sample", version="1.0.0", url="https://example.org/news-sample")
    cite = json.loads((out / "croissant.json").read_text("utf-8"))
    card = (out / "README.md").read_text("utf-8")
    section = card.split("\n## Citation\n", 1)[1]
    (entry,) = re.findall(r"^```bibtex\n(.*)\n```$", section, re.M)
    assert entry == cite["citeAs"]
    assert f"year = {{{cite['datePublished'][:4]}}}" in entry and cite["datePublished"][:4] == "2024"
    assert "url = {https://example.org/news-sample}" in entry
    assert "SHA256SUMS" in section and "dedup verify" in section


def test_stats_and_the_report_name_the_cross_site_chrome_row_as_no_site(sample_release):
    """`dedup stats` listed `* 14 blocks` among the sites with the most chrome, and report.html a site `*`: the
    boilerplate table's `*` is the blocks that are chrome on every site (docs/blocks.md), not a site."""
    import re

    from typer.testing import CliRunner

    from dedup.cli import app

    out, _ = sample_release
    result = CliRunner().invoke(app, ["stats", str(out)])
    assert result.exit_code == 0, result.output
    chrome = result.output.split("boilerplate:", 1)[1].split("licence classes", 1)[0]
    # (13 since round 41: a sample page's "News" label at its story's edge goes as `section_label` before the
    # cross-site pass sees it)
    assert "* (every site) 13 blocks" in chrome and not re.search(r"\* \d", chrome), chrome
    report = (out / "report.html").read_text("utf-8")
    assert "<td>* (every site)</td>" in report and "<td>*</td>" not in report


@pytest.fixture(scope="module")
def open_and_withheld(sample_open_withheld_release) -> tuple[Path, dict[tuple[str, int], dict]]:
    """The sample crawl released with `--licence open,all-rights-reserved --withhold-text all-rights-reserved` (its
    noassertion clusters dropped, its all-rights-reserved records published without their text: conftest's
    `sample_open_withheld_release`), and every crawl record's extracted blocks (`blocks`, `removed_blocks`) by
    (file, offset)."""
    from collections import Counter

    from dedup.config import BuildConfig
    from dedup.schema import frame
    from dedup.sources.read import read_input
    from dedup.text.blocks import page_batch
    from dedup.text.extract import MAX_HTML_BYTES, extract_batch

    out = sample_open_withheld_release
    config = BuildConfig()
    pages: dict[tuple[str, int], dict] = {}
    for inp in expand_inputs([str(SAMPLE)], []):
        for raw in read_input(inp, Counter(), max_payload=config.max_payload_bytes):
            docs = frame(page_batch(extract_batch(raw, MAX_HTML_BYTES)))
            for row in docs.select("source_offset", "domain", "blocks", "removed_blocks").iter_rows(named=True):
                pages[(inp.name, row["source_offset"])] = row
    assert pages
    return out, pages


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_a_release_publishes_no_text_of_a_page_it_drops_or_withholds(open_and_withheld, sample_build):
    """Every boilerplate/ `sample_text` is a block of a page whose text data/ publishes, on the row's domain (any
    for '*'); a row seen only on other pages keeps its hash and counts (those of the build of every class) and has
    no text; no text only an unpublished page carried is in run.json, report.html, the card, LICENSES.md,
    CHANGELOG.md, croissant.json, `dedup stats`, duplicates/ or rejects/. On audit6 93 of the 116 rows carried a text of a page the release drops
    or withholds (bylines, notices, the lines a withheld page lost by itself)."""
    import html

    import polars as pl

    from dedup.stats import render, summarise
    from dedup.text.blocks import site_rows

    out, pages = open_and_withheld
    data = pl.read_parquet(sorted((out / "data").rglob("*.parquet")))
    shown = data.filter(pl.col("text").is_not_null())
    assert 0 < shown.height < data.height and data["text"].null_count() > 0  # some published without text
    assert set(shown["licence_class"]) == {"open"}
    published = [pages[(f, o)] for f, o in shown.select("source_file", "source_offset").iter_rows()]
    allowed: dict[str, set[str]] = {}
    for page in published:
        for text in [*(page["blocks"] or []), *(page["removed_blocks"] or [])]:
            allowed.setdefault(page["domain"], set()).add(text)
            allowed.setdefault("*", set()).add(text)
    boiler = pl.read_parquet(sorted((out / "boilerplate").glob("*.parquet")))
    sampled = boiler.filter(pl.col("sample_text").is_not_null())
    leaks = [(d, t) for d, t in sampled.select("domain", "sample_text").iter_rows() if t not in allowed.get(d, set())]
    assert leaks == [], leaks[:5]
    # the site rows are the whole crawl's chrome, counts as the build of every class gives them; some without text
    every = site_rows(pl.read_parquet(sorted((sample_build / "boilerplate").glob("*.parquet"))))
    keys = ["domain", "block_key", "action", "pages", "stories"]
    assert site_rows(boiler).select(keys).sort(keys).equals(every.select(keys).sort(keys))
    unsampled = boiler["sample_text"].null_count()
    assert 0 < unsampled < boiler.height and sampled.height > 0
    # no other file of the release shows a block only an unpublished page carried (long enough not to be a word
    # the card or the page say anyway; not a value data/ holds: a withheld record keeps its title and notice)
    everywhere = {t for page in published for t in [*(page["blocks"] or []), *(page["removed_blocks"] or [])]}
    everywhere |= {v for c in data.columns if data.schema[c] == pl.String for v in data[c].drop_nulls().to_list()}
    hidden = {t for page in pages.values() for t in [*(page["blocks"] or []), *(page["removed_blocks"] or [])]
              if len(t) >= 24} - everywhere
    assert hidden
    texts = {name: (out / name).read_text("utf-8") for name in ("README.md", "LICENSES.md", "CHANGELOG.md")}
    texts |= {"report.html": html.unescape((out / "report.html").read_text("utf-8")), "stats": render(summarise(out))}
    for name in ("run.json", "croissant.json"):
        texts[name] = "\n".join(_strings(json.loads((out / name).read_text("utf-8"))))
    for table in ("duplicates", "rejects"):
        rows = pl.read_parquet(sorted((out / table).rglob("*.parquet")))
        texts[table] = "\n".join(v for c in rows.columns if rows.schema[c] == pl.String
                                 for v in rows[c].drop_nulls().to_list())
    found = {name: [t for t in hidden if t in text] for name, text in texts.items()}
    assert all(not f for f in found.values()), {k: v[:3] for k, v in found.items() if v}
    # the card says why some rows have no sample, with the count; report.html shows them as not published
    assert f"{unsampled} of the `boilerplate/` rows have no `sample_text`" in texts["README.md"]
    assert "(text not published)" in texts["report.html"]


def test_a_next_release_keeps_the_rows_without_text_and_adds_no_text(open_and_withheld, tmp_path):
    """A release built on that one (`--previous`, the same settings, the sample's small file: records it already
    has) carries its site rows as they were: the rows without a sample stay without one and still count as chrome."""
    import polars as pl

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.text.blocks import site_rows

    first, _ = open_and_withheld
    config = BuildConfig(licence_classes=("open", "all-rights-reserved"), withhold_text=("all-rights-reserved",))
    build([str(SAMPLE / "sample-extra.jsonl.gz")], tmp_path / "next", config, workers=1, previous=first)
    keys = ["domain", "block_key"]
    before = site_rows(pl.read_parquet(sorted((first / "boilerplate").glob("*.parquet")))).select(*keys, "sample_text")
    after = site_rows(pl.read_parquet(sorted((tmp_path / "next" / "boilerplate").glob("*.parquet"))))
    both = before.join(after.select(*keys, "sample_text", "chrome_since"), on=keys, how="left")
    assert both["chrome_since"].null_count() == 0  # every row carried (labelled with the release it came from)
    assert both.filter(pl.col("sample_text").ne_missing(pl.col("sample_text_right"))).height == 0
    assert both["sample_text"].null_count() > 0
