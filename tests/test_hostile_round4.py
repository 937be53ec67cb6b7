"""Hostile input, round 4: records that do not map one line to one record (CR-only line ends, objects
written one after another, pretty-printed objects), credentials in URLs, Parquet dates stored as
integers or dates, lenient HTTP heads, truncated payloads."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_hostile_builds import OTHER_STORY, STORY, html_page, warc_response

from dedup.sources.inputs import InputFile, detect_format
from dedup.sources.read import read_input


def rows(path: Path, stats: Counter | None = None) -> list[dict]:
    inp = InputFile(path, path.name, detect_format(path))
    out = [r for b in read_input(inp, stats if stats is not None else Counter()) for r in b.to_pylist()]
    offsets = [r["source_offset"] for r in out]
    assert len(set(offsets)) == len(offsets), f"repeated source_offset in {offsets}"
    return out


def rec(n: int) -> dict:
    return {"id": f"doc-{n}", "url": f"http://site.test/{n}", "html": f"<p>page {n}</p>"}


def line(n: int) -> str:
    return json.dumps(rec(n))


# ---------------------------------------------------------------- 1. JSONL records and lines


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"])
def test_jsonl_line_ends_cr_crlf_lf_give_one_row_per_record(tmp_path: Path, end: str) -> None:
    path = tmp_path / "ends.jsonl"
    path.write_bytes((end.join(line(n) for n in range(4)) + end).encode())
    out = rows(path)
    assert [r["doc_id"] for r in out] == [f"doc-{n}" for n in range(4)]
    assert [r["source_offset"] for r in out] == [0, 1, 2, 3]
    assert all(r["reject_reason"] is None for r in out)


def test_jsonl_cr_line_ends_across_compressed_chunks(tmp_path: Path) -> None:
    import gzip
    # large records, so that CRs fall at the ends of decompressed chunks, and a blank CR line counted
    lines = [json.dumps(rec(n) | {"text": "x" * (70_000 + n)}) for n in range(6)]
    path = tmp_path / "ends.jsonl.gz"
    path.write_bytes(gzip.compress(("\r".join(lines[:3]) + "\r\r" + "\r\n".join(lines[3:])).encode()))
    out = rows(path)
    assert [r["doc_id"] for r in out] == [f"doc-{n}" for n in range(6)]
    assert [r["source_offset"] for r in out] == [0, 1, 2, 4, 5, 6]


def test_jsonl_objects_one_after_another_are_one_row_each(tmp_path: Path) -> None:
    path = tmp_path / "glued.jsonl"
    path.write_text(line(0) + "\n" + line(1) + line(2) + " " + line(3) + "\n" + line(4) + "\n"
                    + line(5) + '{"id": "doc-6", "html": ' + "\n")
    out = rows(path)
    assert [r["doc_id"] for r in out if r["reject_reason"] is None] == [f"doc-{n}" for n in range(6)]
    # line 1 holds three records: the file reads as if each stood on its own line
    assert [r["source_offset"] for r in out] == [0, 1, 2, 3, 4, 5, 6]
    bad = [r for r in out if r["reject_reason"]]
    assert [r["reject_reason"] for r in bad] == ["bad_json"] and "line 4, value 2" in bad[0]["reject_detail"]


def test_jsonl_pretty_printed_objects_are_one_record_each(tmp_path: Path) -> None:
    path = tmp_path / "pretty.jsonl"
    pretty = [json.dumps(rec(n) | {"meta": {"tags": ["a", "{", "]"]}}, indent=2) for n in range(3)]
    # a pretty object, an ordinary line, an object cut short (ends at the next record), two more pretty
    cut = '{\n  "id": "doc-9",\n  "html": "<p>cut'
    path.write_text(pretty[0] + "\n" + line(3) + "\n" + cut + "\n" + line(4) + "\n" + pretty[1] + "\n"
                    + pretty[2] + "\n" + '{\n  "id": "doc-8",\n')
    out = rows(path)
    assert [r["doc_id"] for r in out if r["reject_reason"] is None] == ["doc-0", "doc-3", "doc-4", "doc-1", "doc-2"]
    bad = [r for r in out if r["reject_reason"]]
    assert [r["reject_reason"] for r in bad] == ["bad_json", "bad_json"]
    n_pretty = pretty[0].count("\n") + 1
    first = n_pretty + 2   # 1-based line of the cut object
    assert f"lines {first}-{first + 2}" in bad[0]["reject_detail"]
    assert f"before line {first + 3}" in bad[0]["reject_detail"]
    assert "end of the file" in bad[1]["reject_detail"]
    assert out[0]["source_offset"] == 0 and out[1]["source_offset"] == n_pretty


def build_all(crawl: Path, out: Path) -> tuple[object, dict[str, list[dict]]]:
    """Build `crawl`; the summary and every table's rows, with accounting and loading in polars checked."""
    import polars as pl

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    summary = build([str(crawl)], out, BuildConfig(), workers=1)
    assert summary.counts.accounting_ok  # type: ignore[attr-defined]
    tables = {}
    for t in ("data", "duplicates", "rejects"):
        files = sorted((out / t).rglob("*.parquet"))
        tables[t] = pq.read_table(files).to_pylist() if files else []
        for f in files:
            pl.read_parquet(f)
    return summary, tables


# ---------------------------------------------------------------- 2. credentials in URLs


def test_credentials_in_urls_are_never_published(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    head = ('<link rel="canonical" href="https://bob:hunter2@a.test/story?x=1">'
            '<link rel="license" href="https://carl:letmein@creativecommons.org/licenses/by/4.0/">')
    page = html_page("Pier repairs", 1, head)
    lines = [json.dumps({"id": "j1", "url": "https://ann:s3cret@a.test/story?x=1#top", "html": page}),
             json.dumps({"id": "j2", "url": "http://eve:topsecret@b.test/copy", "html": page}),
             json.dumps({"id": "j3", "url": "https://dan:opensesame@c.test/empty", "html": ""})]
    (crawl / "a.jsonl").write_text("\n".join(lines) + "\n")
    # another story (its own text, not only its headline: a page's headline is its title, not its text)
    other = html_page("Other story", 7).replace(STORY, OTHER_STORY)
    (crawl / "b.warc").write_bytes(warc_response("<urn:uuid:w1>", "https://fay:pa55word@w.test/1", other.encode()))
    out = tmp_path / "out"
    _, tables = build_all(crawl, out)
    by_id = {r["doc_id"]: r for rows in tables.values() for r in rows}
    assert by_id["j1"]["url"] == "https://a.test/story?x=1#top"
    assert by_id["j1"]["canonical_url"] == "https://a.test/story?x=1"
    assert by_id["j2"]["url"] == "http://b.test/copy"
    assert by_id["j3"]["url"] == "https://c.test/empty" and by_id["j3"]["reason"] == "empty_payload"
    assert by_id["<urn:uuid:w1>"]["url"] == "https://w.test/1"
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for secret in (b"s3cret", b"hunter2", b"letmein", b"topsecret", b"opensesame", b"pa55word"):
            assert secret not in data, f"{secret!r} published in {path.relative_to(out)}"


def test_urls_without_credentials_are_unchanged() -> None:
    from dedup.text.normalise import without_userinfo
    for url in ("https://host/a@b", "https://host/p?q=a@b#c@d", "mailto:a@b.test", "https://h.test", "a@b",
                "https://host?x=@y", "urn:x:a@b"):
        assert without_userinfo(url) is url
    assert without_userinfo("https://a@b@host:80/x") == "https://host:80/x"
    assert without_userinfo("HTTP://u:p@h.test") == "HTTP://h.test"


# ---------------------------------------------------------------- 3. Parquet dates stored otherwise


def test_parquet_fetched_at_as_epoch_numbers_or_dates_is_read(tmp_path: Path) -> None:
    import datetime as dt
    when = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    columns = {
        "int_seconds": pa.array([1_700_000_000], pa.int64()),
        "int_millis": pa.array([1_700_000_000_000], pa.int64()),
        "int_micros": pa.array([1_700_000_000_000_000], pa.int64()),
        "int_nanos": pa.array([1_700_000_000_000_000_000], pa.int64()),
        "uint32_seconds": pa.array([1_700_000_000], pa.uint32()),
        "float_seconds": pa.array([1_700_000_000.0], pa.float64()),
        "warc_digits": pa.array([20231114221320], pa.int64()),
        "date32": pa.array([when.date()], pa.date32()),
        "date64": pa.array([when.date()], pa.date64()),
    }
    for name, col in columns.items():
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.table({"id": ["a"], "url": ["https://a.test/"], "html": ["<p>x</p>"], "fetched_at": col}),
                       path)
        (row,) = rows(path)
        want = when.replace(hour=0, minute=0, second=0) if name.startswith("date") else when
        assert row["fetched_at"] == want, name
    # negative, not a number, beyond the nanosecond range: unknown, the record kept
    path = tmp_path / "junk.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "html": ["<p>x</p>"] * 3,
                             "fetched_at": pa.array([-1.0, float("nan"), 1e21])}), path)
    assert [(r["fetched_at"], r["reject_reason"]) for r in rows(path)] == [(None, None)] * 3


# ---------------------------------------------------------------- 4. lenient readings a browser accepts


def raw_warc(record_id: str, http: bytes, length_fields: str | None = None, extra: str = "") -> bytes:
    length_fields = length_fields or f"Content-Length: {len(http)}\r\n"
    return (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\nWARC-Target-URI: https://w.test/"
            f"{record_id[-2:-1]}\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n{extra}Content-Type: application/http;"
            f"msgtype=response\r\n{length_fields}\r\n").encode() + http + b"\r\n\r\n"


def test_lowercase_status_line_and_agreeing_repeated_content_length_are_read(tmp_path: Path) -> None:
    body = html_page("Pier", 1).encode()
    lower = b"http/1.1 200 ok\r\ncontent-type: text/html\r\n\r\n" + body
    sloppy = b"Http/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    normal = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    n = len(normal)
    path = tmp_path / "lenient.warc"
    path.write_bytes(raw_warc("<urn:uuid:a1>", lower) + raw_warc("<urn:uuid:b2>", sloppy)
                     + raw_warc("<urn:uuid:c3>", normal, f"Content-Length: {n}\r\nContent-Length: {n}\r\n")
                     + raw_warc("<urn:uuid:d4>", normal, f"Content-Length: {n}\r\nContent-Length: {n + 7}\r\n")
                     + raw_warc("<urn:uuid:e5>", normal))
    out = rows(path)
    got = {r["doc_id"]: r for r in out}
    assert [r["doc_id"] for r in out if r["reject_reason"] is None] == [
        "<urn:uuid:a1>", "<urn:uuid:b2>", "<urn:uuid:c3>", "<urn:uuid:e5>"]
    assert got["<urn:uuid:a1>"]["html"] == body and got["<urn:uuid:a1>"]["content_type"] == "text/html"
    bad = [r for r in out if r["reject_reason"]]
    assert [r["reject_reason"] for r in bad] == ["bad_warc_header"]
    assert "different values" in bad[0]["reject_detail"]


# ---------------------------------------------------------------- 5. payloads the crawler cut


def test_truncated_and_partial_payloads_are_kept_and_counted_in_run_json(tmp_path: Path) -> None:
    from dedup.run_report import RunReport
    crawl = tmp_path / "crawl"
    crawl.mkdir()

    def http(n: int, status: str = "200 OK") -> bytes:
        return f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\n\r\n".encode() + html_page(f"Story {n}", n).encode()

    (crawl / "cut.warc").write_bytes(
        raw_warc("<urn:uuid:a1>", http(1), extra="WARC-Truncated: length\r\n")
        + raw_warc("<urn:uuid:b2>", http(2, "206 Partial Content"))
        + raw_warc("<urn:uuid:c3>", http(3), extra="WARC-Truncated: somehow\r\n")
        + raw_warc("<urn:uuid:d4>", http(4)))
    out = tmp_path / "out"
    summary, tables = build_all(crawl, out)
    assert {r["doc_id"] for r in tables["data"] + tables["duplicates"]} == {
        "<urn:uuid:a1>", "<urn:uuid:b2>", "<urn:uuid:c3>", "<urn:uuid:d4>"}
    want = {"http_206": 1, "warc_truncated_length": 1, "warc_truncated_unspecified": 1}
    assert summary.cut_payloads == want  # type: ignore[attr-defined]
    assert json.loads((out / "run.json").read_text())["cut_payloads"] == want
    assert RunReport.load(out).cut_payloads == want
