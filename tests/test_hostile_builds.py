"""Hostile input at the level of whole builds: identity, input naming and what lands in the output.

The readers' byte-level damage is covered by test_hostile_input.py and the fuzzer; these tests give
well-formed files whose *content* is hostile (ids that collide, the same file reached twice, text that
Python decodes to values Parquet cannot hold) and check the promise end to end: every input record in
exactly one of data / duplicates / rejects, no doc_id twice, the same bytes whatever the naming.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dedup.ingest import ingest_file
from dedup.sources.inputs import InputFile

STORY = ("The harbour board met on Tuesday and agreed to repair the north pier before the winter storms, "
         "after engineers found cracks in three of its supporting columns. ")
OTHER_STORY = ("A ferry operator said on Friday that it would add a late sailing to the island through the summer, "
               "citing record bookings and a new crew agreement. ")


def html_page(title: str, n: int, head: str = "") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"<p>{STORY * 3} Report number {n}.</p></article></body></html>")


def warc_response(record_id: str, url: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Date: 2024-01-02T03:04:05Z\r\nContent-Type: application/http;msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def ingested(path: Path, fmt: str, tmp_path: Path) -> list[dict]:
    part = tmp_path / f"docs-{len(list(tmp_path.glob('docs-*')))}.parquet"
    ingest_file(InputFile(path, "input", fmt), part, 50 * 2 ** 20)
    return pq.read_table(part).to_pylist()


# ---------------------------------------------------------------- values Parquet cannot hold

# a JSON-LD escape of half a surrogate pair: json.loads makes a lone surrogate of it
LONE_SURROGATE_JSONLD = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Pier \\ud800 '
                         'repairs", "author": {"@type": "Person", "name": "Ann \\udc00 Lee"}, "publisher": '
                         '{"@type": "Organization", "name": "Harbour \\ud83d News"}}</script>')


def test_lone_surrogates_from_a_page_cost_one_character_not_the_file(tmp_path: Path) -> None:
    """A lone surrogate in a page's JSON-LD, or a page in utf-7 (`+2AA-` decodes to one), used to fail the
    whole batch's conversion to Arrow: the batch's records and the rest of the file became a single
    `read_failed` row. Each record is kept, with U+FFFD where the surrogate was."""
    records = [warc_response("<urn:uuid:good-1>", "https://harbour.test/1", html_page("Pier one", 1).encode()),
               warc_response("<urn:uuid:jsonld>", "https://harbour.test/2",
                             html_page("Pier two", 2, LONE_SURROGATE_JSONLD).encode()),
               warc_response("<urn:uuid:utf7>", "https://harbour.test/3",
                             html_page("Pier +2AA- three", 3).encode(), "text/html; charset=utf-7"),
               warc_response("<urn:uuid:escape>", "https://harbour.test/4",
                             html_page("Pier \\ud800 four", 4).encode(), "text/html; charset=unicode_escape"),
               warc_response("<urn:uuid:good-5>", "https://harbour.test/5", html_page("Pier five", 5).encode())]
    crawl = tmp_path / "crawl.warc"
    crawl.write_bytes(b"".join(records))
    lines = [json.dumps({"id": "j1", "url": "https://harbour.test/j1", "html": html_page("Pier", 6, LONE_SURROGATE_JSONLD)}),
             json.dumps({"id": "j2", "url": "https://harbour.test/j2", "html": html_page("Pier", 7)})]
    jsonl = tmp_path / "crawl.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    for path, fmt, ids in ((crawl, "warc", ["<urn:uuid:good-1>", "<urn:uuid:jsonld>", "<urn:uuid:utf7>",
                                            "<urn:uuid:escape>", "<urn:uuid:good-5>"]),
                           (jsonl, "jsonl", ["j1", "j2"])):
        out = ingested(path, fmt, tmp_path)
        assert [r["doc_id"] for r in out] == ids
        assert [r["reject_reason"] for r in out] == [None] * len(ids), [r["reject_detail"] for r in out]
    assert "\ufffd" in ingested(crawl, "warc", tmp_path)[2]["title"]


def test_page_decoding_and_jsonld_give_storable_strings() -> None:
    """Where the surrogates come from, each replaced at its source (the batch guard is the last resort)."""
    from dedup.text.pagechecks import decode_html
    from dedup.text.markup import jsonld_from_bodies

    assert decode_html(b"<p>a +2AA- b</p>", "utf-7") == "<p>a \ufffd b</p>"
    assert decode_html(b"<p>a \\udc00 b</p>", "raw_unicode_escape") == "<p>a \ufffd b</p>"
    objects = jsonld_from_bodies(['{"@graph": [{"name": "x\\ud800", "k\\udfff": ["\\ud83d\\ude00", [["\\udc00"]]]}]}'])
    assert objects[-1] == {"name": "x\ufffd", "k\ufffd": ["\U0001f600", [["\ufffd"]]]}
    # the last resort, where an extracted batch becomes Arrow columns
    import pyarrow as pa

    from dedup.text.extract import _arrow_column
    assert _arrow_column([["a\ud800", None], None], pa.list_(pa.string())).to_pylist() == [["a\ufffd", None], None]


# ---------------------------------------------------------------- one file reached twice

def test_a_file_reached_through_two_arguments_is_read_once_under_one_name(tmp_path: Path) -> None:
    """A folder and a file inside it, a folder and its sub-folder, a link to a file: each file used to be
    read once per argument under another name, so every record of it became a repeated_doc_id reject and
    was counted twice. Now it is read once, under the same name whatever the order of the arguments."""
    from dedup.sources.inputs import expand_inputs

    crawl = tmp_path / "crawl"
    (crawl / "sub").mkdir(parents=True)
    for name in ("sub/x.jsonl", "sub/y.jsonl", "z.jsonl"):
        (crawl / name).write_text(json.dumps({"id": name, "url": "https://a.test/", "html": html_page("t", 1)}) + "\n")
    (tmp_path / "alias.jsonl").symlink_to(crawl / "sub" / "x.jsonl")
    (crawl / "hard.jsonl").hardlink_to(crawl / "z.jsonl")
    alone = [(f.name, f.format) for f in expand_inputs([str(crawl)])]
    assert alone == [("hard.jsonl", "jsonl"), ("sub/x.jsonl", "jsonl"), ("sub/y.jsonl", "jsonl")]
    for args in ([crawl, crawl / "sub" / "x.jsonl"], [crawl / "sub" / "x.jsonl", crawl], [crawl / "sub", crawl],
                 [crawl, crawl / "sub"], [tmp_path / "alias.jsonl", crawl], [crawl, crawl, crawl / "z.jsonl"]):
        assert [(f.name, f.format) for f in expand_inputs([str(a) for a in args])] == alone, args
    assert [f.name for f in expand_inputs([str(tmp_path / "alias.jsonl"), str(crawl / "sub")])] == ["alias.jsonl", "y.jsonl"]


def test_a_byte_order_mark_decides_the_encoding_before_the_declared_charset(tmp_path: Path) -> None:
    """A BOM wins over the HTTP charset, as in browsers: a UTF-16 page served as iso-8859-1 used to be kept
    as its own markup (`ÿþ<html><head>...`), a UTF-8 one served as windows-1252 as mojibake."""
    from dedup.text.pagechecks import decode_html

    text = html_page("Ünïcödé café", 1)
    for payload, declared in ((b"\xef\xbb\xbf" + text.encode(), "windows-1252"), (text.encode("utf-16"), "iso-8859-1"),
                              (text.encode("utf-16"), "utf-8"), (b"\xfe\xff" + text.encode("utf-16-be"), None),
                              (text.encode("utf-32"), "utf-32"), (text.encode("utf-32"), "latin-1")):
        assert decode_html(payload, declared) == text, (payload[:4], declared)
    crawl = tmp_path / "bom.warc"
    crawl.write_bytes(warc_response("<urn:uuid:u16>", "https://u.test/1", text.encode("utf-16"), "text/html; charset=iso-8859-1")
                      + warc_response("<urn:uuid:txt>", "https://u.test/2", ("Plain line. " * 20).encode("utf-16"),
                                      "text/plain; charset=iso-8859-1"))
    rows = ingested(crawl, "warc", tmp_path)
    assert rows[0]["title"] == "Ünïcödé café" and rows[0]["blocks"][-1].startswith("The harbour board")
    assert rows[1]["blocks"] == [("Plain line. " * 20).strip()]


def test_a_declared_charset_in_which_markup_is_not_ascii_does_not_override_ascii_markup(tmp_path: Path) -> None:
    """A UTF-8 page that the server labels `charset=utf-16` (or an EBCDIC code page) was decoded as such and
    published as mojibake ('格浴㹬...'): markup in those charsets is not ASCII, so ASCII markup says the label
    is wrong and detection decides. Pages really in those charsets, with or without a BOM, are read as before."""
    from dedup.text.pagechecks import decode_html

    text = html_page("Ünïcödé café", 1)
    for declared in ("utf-16", "UTF-16LE", "utf-16be", "utf-32", "cp037"):
        assert decode_html(text.encode(), declared) == text, declared
    for declared, encoding in (("utf-16", "utf-16-le"), ("utf-16be", "utf-16-be"), ("utf-16", "utf-16"),
                               ("cp037", "cp037"), ("utf-32", "utf-32-le")):
        assert decode_html(text.encode(encoding), declared) == text, (declared, encoding)
    crawl = tmp_path / "label.warc"
    crawl.write_bytes(warc_response("<urn:uuid:l>", "https://u.test/1", text.encode(), "text/html; charset=UTF-16"))
    assert ingested(crawl, "warc", tmp_path)[0]["title"] == "Ünïcödé café"


def test_a_file_name_that_is_not_utf8_is_read_under_an_escaped_name(tmp_path: Path) -> None:
    """An old archive's Latin-1 file name: Python keeps its bytes as lone surrogates, which used to crash the
    file's ingest (its positional ids and `source_file` could not be encoded) and so the build."""
    import os

    from dedup.sources.inputs import expand_inputs

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    line = json.dumps({"id": "q1", "url": "https://x.test/", "html": html_page("Pier", 1)})
    with open(os.path.join(os.fsencode(crawl), b"caf\xe9-\xff.jsonl"), "w") as fh:
        fh.write(line + "\n{not json\n")
    (inp,) = expand_inputs([str(crawl)])
    assert inp.name == "caf\\xe9-\\xff.jsonl"
    rows = ingested(Path(inp.path), "jsonl", tmp_path)
    assert [r["reject_reason"] for r in rows] == [None, "bad_json"]
    part = tmp_path / "named.parquet"
    ingest_file(inp, part, 50 * 2 ** 20)
    assert pq.read_table(part, columns=["source_file"]).column(0).to_pylist() == [inp.name] * 2


# ---------------------------------------------------------------- derived ids never collide

def test_an_input_id_holding_the_repeat_mark_is_rejected_not_taken(tmp_path: Path) -> None:
    """`dup` twice derives `dup#repeat:a.jsonl@1` for the second; an input whose own id was that string
    used to keep it, so two rows shared a doc_id and the build stopped with exit code 1 ("accounting
    failed: 42 input records but ... = 43"). The mark is reserved: such an id is a `reserved_doc_id`
    reject under a positional id."""
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "url": f"https://a.test/{n}", "html": html_page("P", n)}) + "\n"
                             for n, i in enumerate(["dup", "dup", "dup#repeat:input@1"])))
    rows = ingested(jsonl, "jsonl", tmp_path)
    assert [r["reject_reason"] for r in rows] == [None, None, "reserved_doc_id"]
    assert rows[2]["doc_id"].startswith("nodocid:") and "#repeat" in rows[2]["reject_detail"]
    warc = tmp_path / "w.warc"
    warc.write_bytes(warc_response("<urn:uuid:a#repeat:x@1>", "https://a.test/w", html_page("W", 9).encode()))
    (row,) = ingested(warc, "warc", tmp_path)
    assert row["reject_reason"] == "reserved_doc_id" and row["doc_id"].startswith("nodocid:")


def test_ids_derived_on_a_previous_release_are_not_its_own() -> None:
    """A crawl folder given again to the next release (`--previous`): each record re-read is rejected as
    already published, and its derived id was `<id>#repeat:<file>@<offset>`, the id the previous release
    had given the same record if it was a repeat there: the next release held that doc_id twice."""
    import polars as pl

    from dedup.ingest import resolve_repeated_ids

    rows = pl.DataFrame({"doc_id": ["x", "x", "y"], "source_file": ["a.jsonl"] * 3, "source_offset": [0, 1, 2],
                         "reject_reason": [None, None, None], "reject_detail": [None, None, None]},
                        schema_overrides={"reject_reason": pl.String, "reject_detail": pl.String})
    first = resolve_repeated_ids(rows)
    assert first["doc_id"].to_list() == ["x", "x#repeat:a.jsonl@1", "y"]
    published = set(first["doc_id"].to_list())
    second = resolve_repeated_ids(rows, published, previous_version="1.0.0")
    assert second["doc_id"].to_list() == ["x#repeat-after-1.0.0:a.jsonl@0", "x#repeat-after-1.0.0:a.jsonl@1",
                                          "y#repeat-after-1.0.0:a.jsonl@2"]
    assert second["reject_reason"].to_list() == ["repeated_doc_id"] * 3
    third = resolve_repeated_ids(rows, published | set(second["doc_id"].to_list()), previous_version="1.1.0")
    assert not set(third["doc_id"].to_list()) & (published | set(second["doc_id"].to_list()))


def test_a_jsonl_file_that_starts_with_a_byte_order_mark_keeps_its_first_record(tmp_path: Path) -> None:
    """Windows tools write a UTF-8 BOM before the first line: that record used to be a `bad_json` reject."""
    import gzip

    lines = "".join(json.dumps({"id": f"b{n}", "url": f"https://b.test/{n}", "html": html_page("B", n)}) + "\n"
                    for n in range(2)).encode()
    for name, data in (("bom.jsonl", b"\xef\xbb\xbf" + lines), ("bom.jsonl.gz", gzip.compress(b"\xef\xbb\xbf" + lines))):
        (tmp_path / name).write_bytes(data)
        rows = ingested(tmp_path / name, "jsonl", tmp_path)
        assert [(r["doc_id"], r["reject_reason"]) for r in rows] == [("b0", None), ("b1", None)], name


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_a_jsonl_file_in_utf16_or_utf32_is_read_line_by_line(tmp_path: Path, encoding: str) -> None:
    """Windows PowerShell's `>` writes UTF-16 (with a byte order mark): split at byte 0x0a, every line was a
    `bad_json` reject ("Expecting value"), plus one for the half character after the last line. Such a file
    (marked, or told by the NULs of its first character, RFC 4627) is re-encoded as UTF-8 first."""
    import gzip

    text = "".join(json.dumps({"id": f"w{n}", "url": f"https://w.test/{n}", "html": html_page(f"Café ☕ {n}", n)},
                              ensure_ascii=False) + "\r\n" for n in range(3))
    for name, data in ((f"{encoding}.jsonl", text.encode(encoding)),
                       (f"{encoding}.jsonl.gz", gzip.compress(text.encode(encoding), mtime=0))):
        (tmp_path / name).write_bytes(data)
        rows = ingested(tmp_path / name, "jsonl", tmp_path)
        assert [(r["doc_id"], r["reject_reason"]) for r in rows] == [(f"w{n}", None) for n in range(3)], name
        assert rows[2]["title"] == "Café ☕ 2"


# ---------------------------------------------------------------- a whole build of hostile ids

def test_a_build_of_hostile_ids_accounts_for_every_record_and_verifies(tmp_path: Path) -> None:
    """Ids that collide within a file, across files and across formats (`1` and `"1"`, a WARC-Record-ID
    equal to a JSONL id), a Parquet file with repeated ids, ids with NUL, new lines, path separators,
    200,000 characters, lone surrogates, the reserved mark; the crawl given with a redundant argument.
    Every input record is in exactly one of data / duplicates / rejects by its (file, offset), no doc_id
    twice, run.json agrees, and the packaged release verifies."""
    import unicodedata

    import polars as pl
    import pyarrow as pa

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.release.package import package
    from dedup.release.verify import verify

    crawl = tmp_path / "crawl"
    (crawl / "sub").mkdir(parents=True)
    ids = ["dup", "dup", 1, "1", unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café"), "Case",
           "case", "a\x00b", "line\nbreak", "../../etc/passwd", "x/y\\z:*?|<>", "H" * 200_000, "", 1.5, None,
           "dup#repeat:a.jsonl@1", "<script>alert(1)</script> | `md`"]
    lines = [json.dumps({"id": i, "url": f"https://a.test/{n}", "html": html_page(f"Story {n}", n)}) for n, i in enumerate(ids)]
    lines.insert(3, '{"id": "\\ud800lone", "url": "https://a.test/s", "html": "<p>' + STORY * 2 + '</p>"}')
    # a page whose title would drive the terminal that shows `dedup stats` (clear the screen, set its title), copied
    # on a second site: a story of its own (the other pages are one story), listed among the most syndicated
    esc_page = html_page("Pier \x1b[2J\x1b]0;pwned\x07", 999).replace(STORY, OTHER_STORY)
    lines.append(json.dumps({"id": "esc", "url": "https://a.test/esc", "html": esc_page}))
    lines.append(json.dumps({"id": "esc-copy", "url": "https://b.test/esc", "html": esc_page}))
    (crawl / "a.jsonl").write_text("\n".join(lines) + "\n")
    pq.write_table(pa.table({"id": ["p1", "p1", "dup"], "url": ["https://p.test/1", "https://p.test/2", "https://p.test/3"],
                             "html": [html_page("P", n) for n in (101, 102, 103)]}), crawl / "sub" / "b.parquet")
    records = [warc_response(rid, f"https://w.test/{n}", html_page("W", 200 + n).encode())
               for n, rid in enumerate(["<urn:uuid:w1>", "<urn:uuid:w1>", "1", "<urn:uuid:W1>"])]
    (crawl / "sub" / "c.warc").write_bytes(b"".join(records))
    want = ([("a.jsonl", n) for n in range(len(lines))] + [("sub/b.parquet", n) for n in range(3)]
            + [("sub/c.warc", sum(map(len, records[:n]))) for n in range(4)])
    out = tmp_path / "out"
    summary = build([str(crawl / "sub"), str(crawl)], out, BuildConfig(), workers=1)
    rows = pl.concat([pl.read_parquet(sorted((out / t).rglob("*.parquet")), columns=["doc_id", "source_file", "source_offset"])
                      .with_columns(pl.lit(t).alias("table")) for t in ("data", "duplicates", "rejects")])
    assert summary.counts.accounting_ok and summary.counts.input_records == rows.height == len(want)
    assert rows["doc_id"].n_unique() == rows.height
    assert sorted(zip(rows["source_file"].to_list(), rows["source_offset"].to_list())) == sorted(want)
    kept = set(rows.filter(pl.col("table") != "rejects")["doc_id"].to_list())
    assert {"dup", "1", "café", unicodedata.normalize("NFD", "café"), "Case", "case", "a\x00b", "line\nbreak",
            "H" * 200_000, "\\ud800lone", "p1", "<urn:uuid:w1>", "<urn:uuid:W1>"} <= kept   # escaped since round 10
    package(out)
    assert verify(out) == []
    from typer.testing import CliRunner

    from dedup.cli import app
    shown = CliRunner().invoke(app, ["stats", str(out)])
    # since round 13 of the hostile inputs extraction removes the controls from the title (`terminal_safe`, which
    # escaped them here before, is tested below)
    assert shown.exit_code == 0 and "Pier [2J]0;pwned" in shown.output
    assert not any(c in shown.output for c in "\x1b\x07\x00")
    shown = CliRunner().invoke(app, ["explain", str(out), "esc"])
    assert shown.exit_code == 0 and "\x1b" not in shown.output


def test_what_the_commands_print_from_the_data_cannot_drive_the_terminal(capsys) -> None:
    """Titles, URLs, ids and file names reach stdout (`stats`, `explain`) and stderr (errors, `verify`'s
    problems): their ESC sequences used to reach the terminal as they were (Rich keeps ESC, and reads
    `[bold]` in a doc_id as markup)."""
    from dedup.cli import echo_safe, print_error, terminal_safe

    assert terminal_safe("a\x1b[2J\tb\nc\x07\x9b\x7f") == "a\\u001b[2J\tb\nc\\u0007\\u009b\\u007f"
    assert json.loads(terminal_safe(json.dumps({"t": "x\x1b\x9by"}, ensure_ascii=False))) == {"t": "x\x1b\x9by"}
    echo_safe("title \x1b]0;pwned\x07")
    print_error("doc_id [bold]x\x1b[2J[/bold] appears 2 times", "problem")
    shown = capsys.readouterr()
    assert shown.out == "title \\u001b]0;pwned\\u0007\n"
    assert "\x1b" not in shown.err and "[bold]x\\u001b[2J[/bold]" in shown.err


def test_an_internationalised_host_is_one_domain_however_it_is_spelled() -> None:
    """`xn--bcher-kva.example` (as crawlers write it) and `BÜCHER.example` (a JSONL export) used to be two
    domains: one site counted twice in the site statistics and in the duplicates' domains."""
    from dedup.text.normalise import registered_domain

    spellings = ["http://xn--bcher-kva.example/a", "https://BÜCHER.example/b", "http://bu\u0308cher.example/",
                 "https://www.XN--BCHER-KVA.example.:8080/x"]
    assert {registered_domain(u) for u in spellings} == {"bücher.example"}
    assert registered_domain("http://xn--strae-oqa.de/") == registered_domain("http://straße.de/") == "straße.de"
    assert registered_domain("http://xn--zz!.test/") == "xn--zz!.test"  # no valid punycode: as it is
    assert registered_domain("http://xn--.test/") == "xn--.test"


def test_the_models_load_before_the_first_page_s_time_budget_starts(monkeypatch) -> None:
    """A process's first page loaded the block models and their compiled walk (~0.6 s) inside its own 5 s
    budget: on a busy machine the first page of each worker was an `extract_timeout` reject, so the output
    depended on the load (two pages of the bench crawl in one test run). The loading now happens first."""
    import pyarrow as pa

    from dedup.schema import schema
    from dedup.text import blockmodel
    from dedup.text.extract import extract_batch
    from dedup.text.timebudget import budget_running

    running: list[bool] = []
    for name in ("shipped_model", "whole_page_model"):
        loader = getattr(blockmodel, name)
        loader.cache_clear()

        def recorded(loader=loader):
            running.append(budget_running())
            return loader()
        monkeypatch.setattr(blockmodel, name, recorded)
    raw = pa.Table.from_pylist([{"doc_id": "p", "url": "https://a.test/", "source_file": "f", "source_offset": 0,
                                 "html": html_page("Pier", 1).encode(), "content_type": "text/html", "charset": "utf-8"}],
                               schema=schema("raw")).to_batches()[0]
    assert extract_batch(raw).column("reject_reason").to_pylist() == [None]
    assert running and running[:2] == [False, False]


# ---------------------------------------------------------------- files that hold no record

def test_empty_files_of_every_format_give_no_row_and_are_named(tmp_path: Path) -> None:
    """A 0-byte Parquet file used to be an `unknown_format` reject (a row that stood for no record) while
    0-byte JSONL and WARC files gave nothing, silently. Every format now behaves the same: an empty file
    (or a gzip / zstd stream of nothing) gives no row, and run.json's `inputs` counts what each file gave
    (`records`, `skipped`), so the summary can name the files that gave nothing."""
    import gzip

    import pyarrow as pa
    import zstandard
    from typer.testing import CliRunner

    from dedup.cli import app
    from dedup.run_report import RunReport

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    empty = ["a.parquet", "b.jsonl", "c.warc.gz", "d.warc", "e.jsonl.gz", "f.jsonl.zst", "g.wet.gz", "h.arc.gz"]
    for name in empty:
        (crawl / name).write_bytes(b"")
    (crawl / "i.jsonl.gz").write_bytes(gzip.compress(b"", mtime=0))
    (crawl / "j.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(b""))
    (crawl / "k.warc.gz").write_bytes(gzip.compress(b"", mtime=0))
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "html": pa.array([], pa.string())}), crawl / "l.parquet")
    empty += ["i.jsonl.gz", "j.jsonl.zst", "k.warc.gz", "l.parquet"]
    real = {"id": "r", "url": "https://a.test/r", "html": html_page("R", 1)}
    (crawl / "real.jsonl").write_text(json.dumps(real) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(crawl), "--out", str(out), "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert f"no records  {len(empty):>9,}  input {'file' if len(empty) == 1 else 'files'} gave none" in result.output
    run = RunReport.load(out)
    assert run.counts.accounting_ok and run.counts.input_records == 1 and run.counts.rejects == 0
    assert sorted(i.file for i in run.inputs if i.gave_nothing) == sorted(empty)
    assert [(i.records, i.skipped) for i in run.inputs if i.file == "real.jsonl"] == [(1, 0)]
    assert pq.read_table(sorted((out / "rejects").rglob("*.parquet"))[0]).num_rows == 0


# ---------------------------------------------------------------- payloads that are no page

def test_binary_files_served_as_html_or_text_are_rejected_not_published(tmp_path: Path) -> None:
    """A PDF or an image that a server labels text/html (or text/plain) was extracted as a page: its bytes
    became a canonical record of control characters and U+FFFD. It is a `non_html_payload` reject now, in
    every format; text in 2-byte units (UTF-16, with a byte order mark or a declared charset) is not
    mistaken for binary data."""
    import random

    import pyarrow as pa

    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 8
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    noise = random.Random(7).randbytes(6000)  # a brotli body stored without its Content-Encoding, say
    page = html_page("Pier", 1)
    cyrillic = "<html><body><p>" + "Совет гавани решил отремонтировать северный пирс до зимних штормов. " * 5
    records = [warc_response("<urn:uuid:pdf>", "https://w.test/a.pdf", pdf),
               warc_response("<urn:uuid:png>", "https://w.test/b.png", png),
               warc_response("<urn:uuid:txt>", "https://w.test/c.pdf", pdf, "text/plain"),
               warc_response("<urn:uuid:noise>", "https://w.test/d", noise),
               warc_response("<urn:uuid:page>", "https://w.test/e", page.encode()),
               warc_response("<urn:uuid:u16>", "https://w.test/f", ("\ufeff" + cyrillic).encode("utf-16-le"),
                             "text/html; charset=utf-16"),
               warc_response("<urn:uuid:u16le>", "https://w.test/g", ("Совет " * 300).encode("utf-16-le"),
                             "text/plain; charset=utf-16le")]
    (tmp_path / "c.warc").write_bytes(b"".join(records))
    rows = ingested(tmp_path / "c.warc", "warc", tmp_path)
    reasons = {r["warc_record_id"]: r["reject_reason"] for r in rows}
    assert reasons == {"<urn:uuid:pdf>": "non_html_payload", "<urn:uuid:png>": "non_html_payload",
                       "<urn:uuid:txt>": "non_html_payload", "<urn:uuid:noise>": "non_html_payload",
                       "<urn:uuid:page>": None, "<urn:uuid:u16>": None, "<urn:uuid:u16le>": None}
    assert "a PDF document" in next(r["reject_detail"] for r in rows if r["warc_record_id"] == "<urn:uuid:pdf>")
    lines = [json.dumps({"id": "j-pdf", "html": pdf.decode("latin-1")}), json.dumps({"id": "j-page", "html": page})]
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n")
    assert [r["reject_reason"] for r in ingested(tmp_path / "d.jsonl", "jsonl", tmp_path)] == ["non_html_payload", None]
    pq.write_table(pa.table({"id": ["p-png", "p-page"], "html": pa.array([png, page.encode()], pa.binary())}),
                   tmp_path / "e.parquet")
    parquet_rows = ingested(tmp_path / "e.parquet", "parquet", tmp_path)
    assert [r["reject_reason"] for r in parquet_rows] == ["non_html_payload", None]


def test_parquet_text_columns_stored_as_plain_binary_are_read_as_text(tmp_path: Path) -> None:
    """Hive, Impala and Spark (without binaryAsString) write string columns as plain BYTE_ARRAY, without
    the UTF8 annotation: Arrow reads them as binary. Such an `id` made every row a `missing_id` reject
    ("`id` is a JSON bytes"), such a `text` an `empty_payload` one, and `url` / `fetched_at` were dropped.
    They are read as UTF-8 (U+FFFD for broken bytes, as string columns are; in an `id`, since round 10, `\\xNN`:
    U+FFFD made two ids one); `html` stays bytes."""
    import pyarrow as pa

    def raw(values: list) -> pa.Array:
        return pa.array([v.encode() if isinstance(v, str) else v for v in values], pa.binary())
    story = STORY * 2
    pq.write_table(pa.table({"id": raw(["a", "b", b"c\xff"]),
                             "url": raw(["https://a.test/1", "https://a.test/2", "https://a.test/3"]),
                             "text": raw([story, None, None]),
                             "html": raw([None, html_page("B", 2), html_page("C", 3)]),
                             "fetched_at": raw(["2024-01-02T03:04:05Z", None, None])}), tmp_path / "hive.parquet")
    pq.write_table(pa.table({"id": pa.array([b"d"], pa.large_binary()),
                             "text": pa.array([story.encode()], pa.large_binary())}), tmp_path / "large.parquet")
    rows = [r for name in ("hive", "large") for r in ingested(tmp_path / f"{name}.parquet", "parquet", tmp_path)]
    assert [(r["doc_id"], r["reject_reason"]) for r in rows] == [("a", None), ("b", None), ("c\\xff", None),
                                                                 ("d", None)]
    assert [r["url"] for r in rows[:3]] == ["https://a.test/1", "https://a.test/2", "https://a.test/3"]
    assert rows[0]["fetched_at"] is not None and rows[0]["blocks"] and rows[1]["title"] == "B"


def test_an_earlier_output_inside_the_crawl_folder_is_not_read_as_input(tmp_path: Path) -> None:
    """`dedup build crawl --out crawl/release`, run again (to another folder, or the same with --overwrite):
    the first release's Parquet files were read as crawl input, each of its rows a `missing_id` reject in
    the second, or the build refused to overwrite "its own input". A folder holding a build's output is
    skipped when a crawl folder is walked; the crawl's own files (and a symlink loop) are read as before."""
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    crawl = tmp_path / "crawl"
    (crawl / "sub").mkdir(parents=True)
    (crawl / "sub" / "loop").symlink_to("..")
    lines = [json.dumps({"id": f"r{n}", "url": f"https://a.test/{n}", "html": html_page(f"Story {n}", n)})
             for n in range(3)]
    (crawl / "a.jsonl").write_text("\n".join(lines) + "\n")
    first = build([str(crawl)], crawl / "release", BuildConfig(), workers=1)
    assert [i.file for i in first.inputs] == ["a.jsonl"]
    again = build([str(crawl)], crawl / "release-2", BuildConfig(), workers=1)
    over = build([str(crawl)], crawl / "release", BuildConfig(), workers=1, overwrite=True)
    for summary in (again, over):
        assert [i.file for i in summary.inputs] == ["a.jsonl"]
        assert summary.counts.input_records == 3 and summary.counts.rejects == 0 and summary.counts.accounting_ok
    same = [sorted(p.read_bytes() for p in (crawl / name / "data").rglob("*.parquet"))
            for name in ("release", "release-2")]
    assert same[0] == same[1]


def test_a_payload_of_another_type_is_named_in_the_reject(tmp_path: Path) -> None:
    """`html` as a number, a list or a nested object (a Parquet column of another type) was rejected as
    "record has neither `html` nor `text`", which sends the user looking for a missing column."""
    import pyarrow as pa

    (tmp_path / "a.jsonl").write_text('{"id": "n", "html": 5}\n{"id": "l", "html": ["<p>x</p>"]}\n{"id": "e"}\n')
    details = [r["reject_detail"] for r in ingested(tmp_path / "a.jsonl", "jsonl", tmp_path)]
    assert details == ["record has neither `html` nor `text` (`html` is of type int, not a string)",
                       "record has neither `html` nor `text` (`html` is of type list, not a string)",
                       "record has neither `html` nor `text`"]
    pq.write_table(pa.table({"id": ["s"], "html": pa.array([{"body": "<p>x</p>"}])}), tmp_path / "b.parquet")
    assert "`html` is of type dict" in ingested(tmp_path / "b.parquet", "parquet", tmp_path)[0]["reject_detail"]


def test_a_content_type_header_sent_twice_counts_its_last_type(tmp_path: Path) -> None:
    """A server that sends Content-Type twice ('application/octet-stream' from one layer, 'text/html;
    charset=...' from another) gives one header joined by a comma: its first type made the page a
    `non_html_payload` reject. The last type counts, as in browsers, with an earlier charset of that type."""
    page = html_page("Ünïcödé café", 1)
    records = [warc_response("<urn:uuid:a>", "https://t.test/a", page.encode(),
                             "application/octet-stream\r\nContent-Type: text/html; charset=utf-8"),
               warc_response("<urn:uuid:b>", "https://t.test/b", page.encode("windows-1252"),
                             "text/html; charset=windows-1252\r\nContent-Type: text/html"),
               warc_response("<urn:uuid:c>", "https://t.test/c", b'{"a": 1}',
                             "text/html\r\nContent-Type: application/json")]
    (tmp_path / "t.warc").write_bytes(b"".join(records))
    rows = ingested(tmp_path / "t.warc", "warc", tmp_path)
    assert [(r["reject_reason"], r["title"]) for r in rows] == [(None, "Ünïcödé café"), (None, "Ünïcödé café"),
                                                                ("non_html_payload", None)]


def test_a_file_in_a_compression_dedup_does_not_read_is_one_reject_that_names_it(tmp_path: Path) -> None:
    """A .jsonl.bz2 or .warc.xz (old dumps) was an `unknown_format` reject that showed raw bytes, and a bzip2
    stream named .jsonl.gz one `bad_json` reject per 0x0a byte of the compressed data ("Expecting value").
    Each is now one `unknown_format` reject that names the compression and what to do."""
    import bz2
    import lzma

    lines = "".join(json.dumps({"id": f"c{n}", "html": html_page("C", n)}) + "\n" for n in range(40)).encode()
    files = {"a.jsonl.bz2": (bz2.compress(lines), "bzip2"), "b.jsonl.gz": (bz2.compress(lines), "bzip2"),
             "c.warc.xz": (lzma.compress(warc_response("<urn:uuid:x>", "https://x.test/", b"<p>x</p>")), "xz"),
             "d.jsonl": (lzma.compress(lines), "xz")}
    for name, (data, compression) in files.items():
        (tmp_path / name).write_bytes(data)
        rows = ingested(tmp_path / name, "jsonl" if ".jsonl" in name else "warc", tmp_path)
        assert [r["reject_reason"] for r in rows] == ["unknown_format"], name
        assert f"the file is {compression}-compressed, which dedup does not read" in rows[0]["reject_detail"], name
