"""Hostile input at the readers and extraction (issue 13): never lose a record, never corrupt, never hang.

Each test builds its damaged input in tmp_path (real samples from ../shared where they exist) and
checks the rows the readers emit: every input record in exactly one row, (source_file, source_offset)
unique per file, a reject with a reason where a record cannot be used, the records after the damage
still read.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.sources import warc
from dedup.sources.inputs import InputFile, detect_format, expand_inputs
from dedup.sources.rawrows import over_payload_limit
from dedup.sources.read import read_input

# ---------------------------------------------------------------- helpers

def http_response(body: bytes, extra: bytes = b"") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + extra
            + b"Content-Length: %d\r\n\r\n" % len(body) + body)


def page(n: int) -> bytes:
    return b"<html><body><p>Page number %d has a paragraph of plain text %s.</p></body></html>" % (
        n, b"word " * (10 + n))


def warc_record(n: int, block: bytes | None = None, *, content_length: int | None = None,
                date: str = "2024-01-02T03:04:05Z") -> bytes:
    block = http_response(page(n)) if block is None else block
    length = len(block) if content_length is None else content_length
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:rec-{n}>\r\n"
            f"WARC-Target-URI: http://site.test/{n}\r\nWARC-Date: {date}\r\n"
            f"Content-Type: application/http;msgtype=response\r\nContent-Length: {length}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def rid(n: int) -> str:
    return f"<urn:uuid:rec-{n}>"


def rows(path: Path, fmt: str | None = None, max_payload: int = 50 * 1024 * 1024,
         stats: Counter | None = None) -> list[dict]:
    """Every row the reader emits for `path`, checked for the per-file identity invariant."""
    inp = InputFile(path, path.name, fmt or detect_format(path))
    out = [r for b in read_input(inp, stats if stats is not None else Counter(), max_payload=max_payload)
           for r in b.to_pylist()]
    offsets = [r["source_offset"] for r in out]
    assert len(set(offsets)) == len(offsets), f"repeated source_offset in {offsets}"
    assert len({r["doc_id"] for r in out}) == len(out) or _same_record_id_twice(out)
    return out


def _same_record_id_twice(out: list[dict]) -> bool:
    # the same WARC-Record-ID on two records of one file is the input's doing (repeated_doc_id later)
    ids = Counter(r["doc_id"] for r in out)
    return all(not d.startswith("nodocid:") for d, n in ids.items() if n > 1)


def kept(out: list[dict]) -> list[str]:
    return [r["doc_id"] for r in out if r["reject_reason"] is None]


def reasons(out: list[dict]) -> list[str]:
    return [r["reject_reason"] for r in out if r["reject_reason"] is not None]


def jsonl_line(n: int, **extra: object) -> str:
    return json.dumps({"id": f"doc-{n}", "url": f"http://site.test/{n}",
                       "html": page(n).decode()} | extra)


# ---------------------------------------------------------------- 1. whole-file gzip WARC

def test_whole_file_gzip_records_get_distinct_offsets(tmp_path: Path) -> None:
    recs = [warc_record(i) for i in (1, 2, 3)]
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(b"".join(recs), mtime=0))
    out = rows(path)
    assert kept(out) == [rid(1), rid(2), rid(3)]
    # the first record at 0 (its member); the others at their position in the decompressed stream
    assert [r["source_offset"] for r in out] == [0, len(recs[0]), len(recs[0]) + len(recs[1])]
    # per-record gzip keeps the member offsets (random access into Common Crawl files)
    members = [gzip.compress(r, mtime=0) for r in recs]
    per_record = tmp_path / "per-record.warc.gz"
    per_record.write_bytes(b"".join(members))
    assert [r["source_offset"] for r in rows(per_record)] == [0, len(members[0]),
                                                              len(members[0]) + len(members[1])]


def test_whole_file_gzip_sample_offsets_are_unique(warc_samples: Path) -> None:
    out = rows(warc_samples / "warcio" / "example-bad-non-chunked.warc.gz")
    assert len(out) == 2 and len({r["source_offset"] for r in out}) == 2


def test_every_sample_has_unique_offsets(warc_samples: Path) -> None:
    for path in sorted(p for p in warc_samples.rglob("*") if p.is_file()
                       and p.suffix not in (".md", ".json", ".txt")):
        rows(path, "warc")   # asserts the invariant


def test_damage_after_a_record_in_the_same_member_gets_its_own_offset(tmp_path: Path) -> None:
    # one gzip member holding two records, its CRC broken: the records are read, the damage is a
    # reject at the member's offset, which the first record already has
    data = bytearray(gzip.compress(warc_record(1) + warc_record(2), mtime=0))
    data[-8] ^= 0xFF
    path = tmp_path / "crc.warc.gz"
    path.write_bytes(bytes(data) + gzip.compress(warc_record(3), mtime=0))
    out = rows(path)
    assert kept(out) == [rid(1), rid(2), rid(3)]
    assert reasons(out) == ["gzip_error"]


def test_build_of_a_folder_with_whole_file_gzip(tmp_path: Path, warc_samples: Path) -> None:
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "bad-non-chunked.warc.gz").write_bytes(
        (warc_samples / "warcio" / "example-bad-non-chunked.warc.gz").read_bytes())
    (crawl / "whole.warc.gz").write_bytes(
        gzip.compress((warc_samples / "warcio" / "example.warc").read_bytes(), mtime=0))
    (crawl / "pages.warc.gz").write_bytes(gzip.compress(b"".join(warc_record(i) for i in range(1, 6))))
    counts = build([str(crawl)], tmp_path / "out", BuildConfig()).counts
    assert counts.accounting_ok, counts
    data = pq.read_table(tmp_path / "out" / "data").to_pylist() if any(
        (tmp_path / "out" / "data").rglob("*.parquet")) else []
    dups = pq.read_table(tmp_path / "out" / "duplicates").to_pylist()
    rejects = pq.read_table(tmp_path / "out" / "rejects").to_pylist()
    ids = [r["doc_id"] for r in data + dups + rejects]
    assert len(ids) == len(set(ids)) == counts.input_records
    assert {rid(i) for i in range(1, 6)} <= {r["doc_id"] for r in data + dups}


# ---------------------------------------------------------------- 10. highly compressible gzip members

def test_highly_compressible_member_is_not_cut_short(tmp_path: Path) -> None:
    body = b"<html><body><p>" + b"a" * 5_000_000 + b"</p></body></html>"
    recs = [warc_record(1), warc_record(2, http_response(body)), warc_record(3)]
    path = tmp_path / "zeros.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in recs))
    got = list(warc.iter_records(path))
    assert [(r.headers.get("warc-record-id"), r.error) for r in got] == [
        (rid(1), None), (rid(2), None), (rid(3), None)]
    assert len(got[1].payload) == len(body)


# ---------------------------------------------------------------- 3. Content-Length beyond max_payload

def arc_record(n: int, length: int | None = None) -> bytes:
    block = http_response(page(n))
    return (f"http://arc.test/{n} 10.0.0.1 20100102030405 text/html "
            f"{len(block) if length is None else length}\n").encode() + block + b"\n"


@pytest.mark.parametrize("layout", ["plain", "per-record", "whole"])
def test_oversized_content_length_does_not_swallow_the_file(tmp_path: Path, layout: str) -> None:
    recs = [warc_record(1), warc_record(2, content_length=10**9), warc_record(3), warc_record(4)]
    data = {"plain": b"".join(recs), "whole": gzip.compress(b"".join(recs), mtime=0),
            "per-record": b"".join(gzip.compress(r, mtime=0) for r in recs)}[layout]
    path = tmp_path / ("x.warc" if layout == "plain" else "x.warc.gz")
    path.write_bytes(data)
    out = rows(path, max_payload=100_000)
    if layout == "per-record":
        # its gzip member ends the record, the next member starts one, and its HTTP body is whole by its own
        # Content-Length: read, as warcio reads it (round 20; a `content_length_mismatch` reject until then)
        assert kept(out) == [rid(1), rid(2), rid(3), rid(4)]
        assert not [r for r in out if r["reject_reason"]]
        return
    assert kept(out) == [rid(1), rid(3), rid(4)]
    # the file ends before the claimed length, within max_payload: a length that is wrong (round 10; it was
    # payload_too_large, which a record whose bytes there are whole, the last one, also was)
    assert [(r["doc_id"], r["reject_reason"]) for r in out if r["reject_reason"]] == [
        (rid(2), "content_length_mismatch")]


def test_oversized_arc_length_does_not_swallow_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.arc"
    path.write_bytes(arc_record(1) + arc_record(2, length=10**9) + arc_record(3) + arc_record(4))
    out = rows(path, max_payload=100_000)
    assert [r["url"] for r in out if r["reject_reason"] is None] == [
        "http://arc.test/1", "http://arc.test/3", "http://arc.test/4"]
    # the file ends first, within max_payload: a wrong length, read as WARC's is (round 10b; payload_too_large)
    assert reasons(out) == ["content_length_mismatch"]


def test_a_real_oversized_record_is_still_skipped_unread(tmp_path: Path) -> None:
    big = warc_record(2, http_response(b"<p>" + b"x" * 300_000 + b"</p>"))
    for layout in ("plain", "gz"):
        recs = [warc_record(1), big, warc_record(3)]
        path = tmp_path / f"big-{layout}.warc"
        path.write_bytes(b"".join(recs) if layout == "plain" else
                         b"".join(gzip.compress(r, mtime=0) for r in recs))
        out = rows(path, max_payload=100_000)
        assert kept(out) == [rid(1), rid(3)]
        assert [r["reject_detail"] for r in out if r["reject_reason"]] == [
            over_payload_limit(f"Content-Length {len(http_response(b'<p>' + b'x' * 300_000 + b'</p>'))}", 100_000)]


@pytest.mark.parametrize("layout", ["plain", "per-record"])
def test_too_large_content_length_cut_by_the_end_of_file_keeps_the_records_inside(
        tmp_path: Path, layout: str) -> None:
    # under max_payload, but running past the end of the file: records 3 and 4 sit inside it
    recs = [warc_record(1), warc_record(2, content_length=100_000), warc_record(3), warc_record(4)]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(b"".join(recs) if layout == "plain" else
                     b"".join(gzip.compress(r, mtime=0) for r in recs))
    out = rows(path)
    if layout == "per-record":   # its own gzip member ends it, its HTTP body is whole: read (round 20)
        assert kept(out) == [rid(1), rid(2), rid(3), rid(4)]
        return
    assert kept(out) == [rid(1), rid(3), rid(4)]
    assert [(r["doc_id"], r["reject_reason"]) for r in out if r["reject_reason"]] == [
        (rid(2), "content_length_mismatch")]


# ---------------------------------------------------------------- 4. one bad value costs one record at most

def test_warc_date_beyond_utc_keeps_the_record_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dates.warc"
    path.write_bytes(warc_record(1) + warc_record(2, date="9999-12-31T23:59:59-01:00")
                     + warc_record(3, date="0001-01-01T00:00:00+01:00") + warc_record(4))
    out = rows(path)
    assert kept(out) == [rid(1), rid(2), rid(3), rid(4)]
    assert [r["fetched_at"] is None for r in out] == [False, True, True, False]


def test_jsonl_bad_values_cost_at_most_their_own_line(tmp_path: Path) -> None:
    lines = [
        jsonl_line(1),
        jsonl_line(2, fetched_at="0001-01-01T00:00:00+01:00"),   # kept, date unknown
        "[" * 100_000 + "]" * 100_000,                            # bad_json: nested too deep
        '{"id": "doc-4", "views": ' + "7" * 5000 + ', "text": "four thousand digits"}',  # kept
        json.dumps({"id": ["a", "list"], "text": "x"}),           # missing_id: not a string
        jsonl_line(6, fetched_at={"nested": "object"}),          # kept, date unknown
        jsonl_line(7),
    ]
    path = tmp_path / "bad-values.jsonl"
    path.write_text("\n".join(lines) + "\n")
    out = rows(path)
    assert kept(out) == ["doc-1", "doc-2", "doc-4", "doc-6", "doc-7"]
    assert reasons(out) == ["bad_json", "missing_id"]
    assert "nested deeper" in out[2]["reject_detail"]
    assert [r["source_offset"] for r in out] == list(range(7))


def test_bad_charset_names_do_not_stop_the_file(tmp_path: Path) -> None:
    def text_record(n: int, charset: str) -> bytes:
        block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=" + charset.encode()
                 + b"\r\n\r\nplain text body %d" % n)
        return warc_record(n, block)
    path = tmp_path / "charsets.warc"
    path.write_bytes(text_record(1, "rot13") + text_record(2, "base64") + text_record(3, "zlib")
                     + text_record(4, "utf-8"))
    out = rows(path)
    assert kept(out) == [rid(1), rid(2), rid(3), rid(4)]
    assert all(r["text"].startswith("plain text body") for r in out)


# ---------------------------------------------------------------- 5. damaged .jsonl.gz / .jsonl.zst

def _five_lines() -> bytes:
    return "".join(jsonl_line(i) + "\n" for i in range(5)).encode()


def test_jsonl_gz_with_only_the_crc_wrong_keeps_every_line(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(_five_lines(), mtime=0))
    data[-8] ^= 0xFF
    path = tmp_path / "crc.jsonl.gz"
    path.write_bytes(bytes(data))
    out = rows(path)
    assert kept(out) == [f"doc-{i}" for i in range(5)]
    assert reasons(out) == ["corrupt_file"]


def test_jsonl_zst_with_only_the_checksum_wrong_keeps_every_line(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    data = bytearray(zstandard.ZstdCompressor(write_checksum=True).compress(_five_lines()))
    data[-2] ^= 0xFF
    path = tmp_path / "crc.jsonl.zst"
    path.write_bytes(bytes(data))
    out = rows(path)
    assert kept(out) == [f"doc-{i}" for i in range(5)]
    assert reasons(out) == ["corrupt_file"]


@pytest.mark.parametrize("codec", ["gz", "zst"])
def test_jsonl_cut_short_keeps_the_complete_lines(tmp_path: Path, codec: str) -> None:
    zstandard = pytest.importorskip("zstandard")
    body = "".join(jsonl_line(i) + "\n" for i in range(2000)).encode()   # zstd: many 128 KiB blocks
    data = gzip.compress(body, mtime=0) if codec == "gz" else \
        zstandard.ZstdCompressor(level=1).compress(body)
    path = tmp_path / f"cut.jsonl.{codec}"
    path.write_bytes(data[:len(data) * 3 // 4])
    out = rows(path)
    assert reasons(out) == ["truncated_file"]
    good = kept(out)
    assert good == [f"doc-{i}" for i in range(len(good))] and len(good) >= 1000
    # every complete line in what decompresses from the cut file is kept (none is lost with the
    # failing call), the partial last line is what the reject stands for
    d = zlib_or_zstd_prefix(data[:len(data) * 3 // 4], codec)
    assert len(good) == d.count(b"\n")


def zlib_or_zstd_prefix(data: bytes, codec: str) -> bytes:
    """Everything that decompresses from a cut-off stream (an independent count)."""
    import zlib

    if codec == "gz":
        return zlib.decompressobj(31).decompress(data)
    import zstandard

    out = b""
    obj = zstandard.ZstdDecompressor().decompressobj()
    for i in range(len(data)):
        out += obj.decompress(data[i:i + 1])
    return out


# ---------------------------------------------------------------- 6. damaged start of a WARC

def _three_members() -> list[bytes]:
    return [gzip.compress(warc_record(i), mtime=0) for i in (1, 2, 3)]


@pytest.mark.parametrize("damage", ["first-member", "junk-byte"])
def test_damaged_start_is_read_named_or_in_a_folder(tmp_path: Path, damage: str) -> None:
    m1, m2, m3 = _three_members()
    if damage == "first-member":
        m1 = m1[:len(m1) // 2] + bytes(b ^ 0x5A for b in m1[len(m1) // 2:len(m1) // 2 + 6]) + m1[len(m1) // 2 + 6:]
        data = m1 + m2 + m3
        expect = [rid(2), rid(3)]
    else:
        data = b"x" + m1 + m2 + m3
        expect = [rid(1), rid(2), rid(3)]
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    path = crawl / "damaged.warc.gz"
    path.write_bytes(data)
    (crawl / "README.md").write_text("notes, not crawl data")
    assert [f.name for f in expand_inputs([str(path)])] == ["damaged.warc.gz"]     # no abort
    assert [f.name for f in expand_inputs([str(crawl)])] == ["damaged.warc.gz"]    # not skipped
    out = rows(path)
    assert kept(out) == expect
    # one reject for the damage (the garbled start of the member may read as a bad header first)
    assert len(reasons(out)) == 1 and reasons(out)[0] in ("gzip_error", "bad_warc_header")


def test_junk_before_a_plain_warc(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"\x00junk!" + warc_record(1) + warc_record(2))
    assert detect_format(path) == "warc"
    out = rows(path)
    assert kept(out) == [rid(1), rid(2)]
    assert reasons(out) == ["bad_warc_header"]


def test_unreadable_crawl_file_is_an_unknown_format_reject(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "noise.warc.gz").write_bytes(bytes(range(256)) * 50)
    (crawl / "SHA256SUMS").write_text("0" * 64 + "  noise.warc.gz\n")
    found = expand_inputs([str(crawl)])
    assert [f.name for f in found] == ["noise.warc.gz"]
    out = rows(found[0].path, found[0].format)
    assert reasons(out) == ["unknown_format"] and "WARC" in out[0]["reject_detail"]


def test_damaged_sample_in_a_folder(tmp_path: Path, warc_samples: Path) -> None:
    # the first member of a real sample damaged: its intact records are still read
    data = bytearray((warc_samples / "warcio" / "example.warc.gz").read_bytes())
    data[30:40] = b"\xff" * 10
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "example.warc.gz").write_bytes(bytes(data))
    found = expand_inputs([str(crawl)])
    assert [f.format for f in found] == ["warc"]
    out = rows(found[0].path, found[0].format)
    assert len(kept(out)) >= 1 and reasons(out)[0] == "gzip_error"


# ---------------------------------------------------------------- 7. bounded JSONL / Parquet payloads

def test_jsonl_line_longer_than_the_limit_is_skipped_and_the_next_read(tmp_path: Path) -> None:
    huge = json.dumps({"id": "huge", "html": "<p>" + "x" * 300_000 + "</p>"})
    big_field = json.dumps({"id": "big", "text": "y" * 120_000})
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join([jsonl_line(1), huge, big_field, jsonl_line(4)]) + "\n")
    out = rows(path, max_payload=100_000)
    assert kept(out) == ["doc-1", "doc-4"]
    assert reasons(out) == ["payload_too_large", "payload_too_large"]
    assert "skipped unread" in out[1]["reject_detail"]
    assert out[2]["doc_id"] == "big" and out[2]["text"] is None


@pytest.mark.parametrize("codec", ["gz", "zst"])
def test_jsonl_bomb_is_one_reject_not_a_memory_blowup(tmp_path: Path, codec: str) -> None:
    zstandard = pytest.importorskip("zstandard")
    # 64 MiB of zeros without a newline, then a good line: the reader keeps at most ~2x the limit
    path = tmp_path / f"bomb.jsonl.{codec}"
    if codec == "gz":
        import zlib

        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        data = b"".join(c.compress(b"\0" * (1 << 20)) for _ in range(64))
        data += c.compress(b"\n" + jsonl_line(2).encode() + b"\n") + c.flush()
    else:
        c = zstandard.ZstdCompressor(level=3).compressobj()
        data = b"".join(c.compress(b"\0" * (1 << 20)) for _ in range(64))
        data += c.compress(b"\n" + jsonl_line(2).encode() + b"\n") + c.flush()
    path.write_bytes(data)
    from dedup.sources import streams

    seen = []
    for item in streams.iter_lines(path, 200_000):
        seen.append(item if isinstance(item, int) else len(item))
    assert seen[0] == 64 << 20 and len(seen) == 2
    out = rows(path, max_payload=100_000)
    assert reasons(out) == ["payload_too_large"] and kept(out) == ["doc-2"]


def test_parquet_payload_cap_bad_utf8_and_bad_timestamps(tmp_path: Path) -> None:
    ids = pa.array([b"p1", b"p\xff2", b"p3", b"p4"], pa.binary())
    html = pa.array([b"<p>one</p>", b"<p>tw\xffo</p>", b"<p>" + b"x" * 200_000 + b"</p>", b"<p>four</p>"],
                    pa.binary())
    as_string = [pa.StringArray.from_buffers(len(a), a.buffers()[1], a.buffers()[2], a.buffers()[0])
                 for a in (ids, html)]   # string columns holding invalid UTF-8, as some writers make
    table = pa.table({"id": as_string[0], "html": as_string[1],
                      "fetched_at": pa.array([0, 2**62, None, 10**12], pa.timestamp("ms"))})
    path = tmp_path / "odd.parquet"
    pq.write_table(table, path)
    out = rows(path, max_payload=100_000)
    assert kept(out) == ["p1", "p\\xff2", "p4"]   # an id's broken bytes as \xNN since round 10 (U+FFFD merged ids)
    assert reasons(out) == ["payload_too_large"] and out[2]["html"] is None
    assert out[1]["fetched_at"] is None and out[3]["fetched_at"] is not None   # year 146 million
    assert out[0]["fetched_at"] is None   # epoch 0: a placeholder, no fetch time (FETCH_TIMES)


# ---------------------------------------------------------------- 14. Parquet that cannot be read, symlinks

def test_unreadable_parquet_is_a_reject_with_advice(tmp_path: Path) -> None:
    table = pa.table({"id": [f"r{i}" for i in range(50)], "text": ["some text"] * 50})
    good = tmp_path / "good.parquet"
    pq.write_table(table, good)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    out = rows(cut)
    assert reasons(out) == ["corrupt_file"] and "re-fetch" in out[0]["reject_detail"]
    notparquet = tmp_path / "text.parquet"
    notparquet.write_text("id,text\n1,hello\n")
    out = rows(notparquet)
    assert reasons(out) == ["unknown_format"] and "not a Parquet file" in out[0]["reject_detail"]


def test_a_row_group_that_decodes_short_without_an_error_still_accounts_for_its_rows(tmp_path, monkeypatch) -> None:
    # found by scripts/fuzz_inputs.py (seed 20261205): a bit flip made a row group decode to no rows and
    # no error; the next group's rows then took its positions and 3 rows vanished
    table = pa.table({"id": [f"r{i}" for i in range(10)], "text": [f"text number {i}" for i in range(10)]})
    path = tmp_path / "groups.parquet"
    pq.write_table(table, path, row_group_size=3)
    real = pq.ParquetFile.iter_batches

    def short_second_group(self, *args, row_groups=None, **kwargs):
        for batch in real(self, *args, row_groups=row_groups, **kwargs):
            if row_groups == [1]:
                yield batch.slice(0, 1)  # one row of three, no error
            else:
                yield batch
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", short_second_group)
    out = rows(path)
    assert len(out) == 10 and [r["source_offset"] for r in out] == list(range(10))
    assert kept(out) == ["r0", "r1", "r2", "r3", "r6", "r7", "r8", "r9"]
    assert reasons(out) == ["corrupt_file", "corrupt_file"]
    assert all("gave 1 of the 3 rows" in r["reject_detail"] for r in out if r["reject_reason"])


def test_symlinked_sub_folders_are_followed_once(tmp_path: Path) -> None:
    store = tmp_path / "store" / "part"
    store.mkdir(parents=True)
    (store / "a.jsonl").write_text(jsonl_line(1) + "\n")
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "b.jsonl").write_text(jsonl_line(2) + "\n")
    (crawl / "linked").symlink_to(store, target_is_directory=True)
    (crawl / "again").symlink_to(store, target_is_directory=True)     # the same folder twice
    (store / "loop").symlink_to(crawl, target_is_directory=True)      # and a loop back up
    names = [f.name for f in expand_inputs([str(crawl)])]
    assert names == ["again/a.jsonl", "b.jsonl"]


# ---------------------------------------------------------------- 8. no page stalls a worker

def _growth(fn, small: str, large: str) -> float:
    """time(large) / time(small), each the best of five timings of enough calls to take 50 ms: a
    ratio measured in the same run (linear work on 4x the input: ~4; quadratic: ~16). CPU time of this
    process, not wall time: on a loaded machine a wall-clock timing counts the turns other jobs took."""
    import time
    import timeit

    def per_call(arg: str) -> float:
        timer = timeit.Timer(lambda: fn(arg), timer=time.process_time)
        number = 1
        while True:
            took = timer.timeit(number)
            if took >= 0.05:
                break
            number *= 2
        return min([took] + timer.repeat(repeat=4, number=number)) / number
    return per_call(large) / max(per_call(small), 1e-9)


# each timing test takes ~0.5 s of CPU: the quick set times two tags of each scan, the slow set the others
@pytest.mark.parametrize("unit", ["<meta ", '<script type="application/ld+json">{'] + [
    pytest.param(u, marks=pytest.mark.slow) for u in ["<link ", "<title ", "<time ", "<script ", "<h1 ", "<!-- "]])
def test_markup_scans_are_linear_without_closing_brackets(unit: str) -> None:
    from dedup.text.markup import head_tags, jsonld_objects
    from dedup.text.metadata import page_metadata

    def scan(html: str) -> None:
        head_tags(html)
        jsonld_objects(html)
        page_metadata(html, "http://site.test/x", ["a block"])
    small, large = ("<html><head>" + unit * (k // len(unit)) for k in (60_000, 240_000))
    assert _growth(scan, small, large) < 10


@pytest.mark.parametrize("unit", ["<script ", "<Script\n"] + [
    pytest.param(u, marks=pytest.mark.slow) for u in ["<h1 ", "<time "]])
def test_body_tag_scan_reads_each_unclosed_tag_once(unit: str) -> None:
    """The <script>/<h1>/<time> pattern read up to 2,000 characters after every such tag without a '>', so
    a page of them cost 2,000 times a normal one (8 MiB of '<script ' took 24 s). Linear in the page
    either way, so the test compares with a page of other tags of the same size (CPU time ratio)."""
    from dedup.text.pagescan import scan_page

    def scan(html: str) -> None:
        scan_page(html, 0, [])
    n = 240_000
    assert _growth(scan, "<html><body>" + "<p>x</p> " * (n // 9), "<html><body>" + unit * (n // len(unit))) < 40


def test_a_page_of_too_many_tags_is_rejected_before_it_is_parsed() -> None:
    """8 MiB of '<p>' took 6 s of resiliparse's C code (which no budget can stop), of '<div>a</div>' 3.7 s:
    a page of more than MAX_MARKUP_TAGS '<' is a `too_many_tags` reject, decided by the count, not by time."""
    import dedup.text.extract as extract
    from dedup.text.pagechecks import MAX_MARKUP_TAGS

    over = ("<html><body>" + "<p>" * MAX_MARKUP_TAGS).encode()
    row = extract._extract_row(over, None, "http://site.test/x", None, "site.test")
    assert row["reject_reason"] == "too_many_tags" and "500000" in row["reject_detail"]
    under = ("<html><body><p>" + "A short story about nothing much at all. " * 5 + "</p>" + "<br>" * 1000).encode()
    assert extract._extract_row(under, None, "http://site.test/x", None, "site.test").get("reject_reason") is None


def test_markup_scans_find_what_the_patterns_found() -> None:
    from dedup.text.markup import head_tags, jsonld_objects
    from dedup.text.metadata import page_metadata

    html = ('<html><head><META name="a" content="1"><link rel="canonical" href="/x"><meta name=b>'
            '<meta property="og:site_name" content="Site"><title>The title</title>'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H"}</script>'
            '<script>var s = "<script type=\\"application/ld+json\\">";</script></head>'
            '<body><script type="Application/LD+JSON">[{"@type": "Person"}]</script  ></body></html>')
    assert head_tags(html)[:3] == [("meta", {"name": "a", "content": "1"}),
                                   ("link", {"rel": "canonical", "href": "/x"}), ("meta", {"name": "b"})]
    assert [o["@type"] for o in jsonld_objects(html)] == ["NewsArticle", "Person"]
    md = page_metadata(html, "http://site.test/y", ["a block"])
    assert md.html_title == "The title" and md.meta["a"] == "1" and md.site_name == "Site"
    assert page_metadata("<html><head><title a", None, []).html_title is None


def test_deep_nesting_skips_main_content_extraction_and_stays_linear() -> None:
    from dedup.text.extract import extract_html
    from dedup.text.pagechecks import MAX_NESTING_COST, nesting_cost

    def nested(n: int) -> str:
        return "<html><body>" + "<div>" * n + "<p>the only text</p>" + "</div>" * n + "</body></html>"
    assert nesting_cost(nested(10_000)) > MAX_NESTING_COST
    assert extract_html(nested(10_000)).blocks == ["the only text"]
    assert _growth(extract_html, nested(16_000), nested(64_000)) < 10
    # real pages are far below the limit (the largest of the shared corpora: ~21,600)
    assert nesting_cost(nested(30)) == 465


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<DIV class=x>", "<article>", "</Article>", "<p>", "<", "x"]),
                max_size=120), st.integers(0, 600))
def test_nesting_bound_is_the_scan(parts, limit) -> None:
    from dedup.text.pagechecks import nesting_cost, nesting_within
    html = "".join(parts)
    assert nesting_within(html, limit) == (nesting_cost(html, limit) <= limit)


def test_extraction_budget_rejects_a_page_that_runs_too_long(monkeypatch) -> None:
    import dedup.text.extract as extract

    html = ("<html><body>" + "<p>© 2024 Someone. All rights reserved.</p>\n" * 30_000
            + "</body></html>").encode()
    monkeypatch.setattr(extract, "EXTRACT_BUDGET_S", 0.05)
    row = extract._extract_row(html, None, "http://site.test/x", None, "site.test")
    assert row["reject_reason"] == "extract_timeout"
    monkeypatch.setattr(extract, "EXTRACT_BUDGET_S", 0)   # no budget: the page is extracted
    assert extract._extract_row(html, None, "http://site.test/x", None, "site.test").get("reject_reason") is None


@pytest.mark.parametrize("thread", ["main", "worker"])
def test_extraction_budget_holds_within_a_batch_in_any_thread(monkeypatch, thread: str) -> None:
    """A page after a stopped one is extracted as usual, and no signal handler or timer is left behind.
    Dask runs tasks in worker threads, where the old SIGALRM budget was not set at all: a slow page was an
    `extract_timeout` reject in the embedded engine and extracted in the Dask one. It holds in any thread now."""
    import signal
    import threading

    import pyarrow as pa

    import dedup.text.extract as extract
    from dedup.text.timebudget import budget_running

    slow = ("<html><body>" + "<p>© 2024 Someone. All rights reserved.</p>\n" * 30_000 + "</body></html>").encode()
    quick = b"<html><body><p>" + b"A short story about nothing much at all. " * 5 + b"</p></body></html>"
    monkeypatch.setattr(extract, "EXTRACT_BUDGET_S", 0.05)
    n = 3
    batch = pa.RecordBatch.from_pydict({
        "url": [f"http://site.test/{i}" for i in range(n)], "reject_reason": [None] * n, "reject_detail": [None] * n,
        "html": [quick, slow, quick], "text": [None] * n, "charset": [None] * n})
    before = signal.getsignal(signal.SIGALRM)
    out: list = []
    if thread == "main":
        out.append(extract.extract_batch(batch).column("reject_reason"))
    else:
        worker = threading.Thread(target=lambda: out.append(extract.extract_batch(batch).column("reject_reason")))
        worker.start()
        worker.join()
    assert out and out[0].to_pylist() == [None, "extract_timeout", None]
    assert signal.getsignal(signal.SIGALRM) == before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert not budget_running()


def test_extraction_budget_counts_the_thread_s_own_cpu_time_not_the_machine_s_load() -> None:
    """The budget was wall-clock time, so a page's fate depended on the machine's load: time spent waiting
    for a core (here: sleeping, and another thread's busy loop) counted against it. Only the guarded
    thread's own CPU time counts now; its own work still does."""
    import threading
    import time

    from dedup.text.timebudget import ExtractTimeout, time_budget

    with time_budget(0.05):
        time.sleep(0.2)                       # waiting: no CPU time of this thread
    done = threading.Event()

    def busy() -> None:                       # another thread's work while this one waits
        t0 = time.thread_time()
        while time.thread_time() - t0 < 0.2:
            pass
        done.set()
    other = threading.Thread(target=busy)
    with time_budget(0.05):
        other.start()
        done.wait()
    other.join()
    with time_budget(5.0):                    # the watchdog now sleeps until this one could be due...
        time.sleep(0.01)
    with pytest.raises(ExtractTimeout):       # ...and a shorter budget wakes it: its own work counts
        with time_budget(0.05):
            t0 = time.thread_time()
            while time.thread_time() - t0 < 1.0:
                pass


def test_html_larger_than_extraction_reads_is_rejected_not_cut() -> None:
    import dedup.text.extract as extract

    row = extract._extract_row(page(1) * 20, None, "http://site.test/x", None, "site.test", 1000)
    assert row["reject_reason"] == "html_too_large" and "cut short" in row["reject_detail"]
    assert "max_html_bytes = 1000" in row["reject_detail"]   # the setting that lets it through


def test_jsonl_line_of_millions_of_tiny_values_is_not_parsed(tmp_path: Path) -> None:
    # 12 MB of '{},' would parse into ~300 MB of Python objects (90 MB: 2.2 GB): rejected unparsed
    bomb = '{"id": "bomb", "junk": [' + "{}," * 4_000_000 + '{}], "text": "x"}'
    big_page = json.dumps({"id": "page", "html": "<p>" + "A sentence, with {braces} and commas. " * 50_000
                           + "</p>"})
    path = tmp_path / "values.jsonl"
    path.write_text("\n".join([bomb, big_page, jsonl_line(3)]) + "\n")
    out = rows(path)
    assert kept(out) == ["page", "doc-3"]
    assert reasons(out) == ["bad_json"] and "JSON values" in out[0]["reject_detail"]


def test_a_file_of_lying_content_lengths_reads_in_linear_time(tmp_path: Path) -> None:
    # every record claims 40 MB (under max_payload) or 10^12 bytes: reading each claimed length
    # in full, then again from the next record, would be quadratic in the file size
    def lying(count: int, claim: int) -> bytes:   # records of one size: the file grows with count
        return b"".join(warc_record(i, http_response(page(7)), content_length=claim) for i in range(count))

    for claim in (40_000_000, 10**12):
        small, large = tmp_path / f"lying-{claim}.warc", tmp_path / f"lying-{claim}-x4.warc"
        small.write_bytes(lying(1000, claim))
        large.write_bytes(lying(4000, claim))
        out = rows(small)
        assert len(out) == 1000 and {r["doc_id"] for r in out} == {rid(i) for i in range(1000)}
        assert set(reasons(out)) <= {"content_length_mismatch", "payload_too_large"}
        assert _growth(lambda p: rows(Path(p)), str(small), str(large)) < 10


def test_a_body_of_millions_of_tiny_chunks_is_refused_quickly(tmp_path: Path) -> None:
    body = b"1\r\nx\r\n" * 300_000 + b"0\r\n\r\n"
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    path = tmp_path / "chunks.warc"
    path.write_bytes(warc_record(1, block) + warc_record(2))
    out = rows(path)
    assert kept(out) == [rid(2)] and reasons(out) == ["bad_chunked_encoding"]
    assert "chunks" in out[0]["reject_detail"]


def _random_lines(n: int, vocab: int, seed: int = 1) -> list[str]:
    import random

    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    return [" ".join(rng.choice(words) for _ in range(12)) for _ in range(n)]


def test_within_page_near_repeats_are_not_quadratic() -> None:
    from dedup.text.blocks import within_page

    # 8,000 distinct short lines took 87 s when each was compared with every earlier one
    assert _growth(within_page, _random_lines(2000, 200), _random_lines(8000, 200)) < 10


def test_near_repeat_index_gives_the_all_pairs_answer() -> None:
    import random

    from dedup.text.blocks import (
        NEAR_REPEAT_MAX_TOKENS,
        NEAR_REPEAT_MIN_TOKENS,
        _near_repeat,
    )
    from dedup.text.normalise import normalise_text

    def all_pairs(tokens: list[str], earlier: list[set[str]]) -> bool:
        mine = set(tokens)
        return any(len(o) <= 1.5 * len(mine) + 1 and len(mine & o) >= 0.9 * len(mine) for o in earlier)
    rng = random.Random(7)
    vocab = [f"t{i}" for i in range(14)]
    found = 0
    for _ in range(300):
        earlier: list[set[str]] = []
        postings: dict[str, list[int]] = {}
        for _ in range(rng.randint(1, 50)):
            tokens = normalise_text(" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 30)))).split()
            if not NEAR_REPEAT_MIN_TOKENS <= len(tokens) <= NEAR_REPEAT_MAX_TOKENS:
                continue
            expect = all_pairs(tokens, earlier)
            assert _near_repeat(tokens, earlier, postings) == expect
            found += expect
            earlier.append(set(tokens))
            for token in earlier[-1]:
                postings.setdefault(token, []).append(len(earlier) - 1)
    assert found > 100   # the cases include near repeats, not only misses


def test_a_page_of_too_many_blocks_is_rejected() -> None:
    from dedup.text.extract import MAX_BLOCKS, _extract_row

    text = "\n".join(_random_lines(MAX_BLOCKS + 10, 5000))
    row = _extract_row(None, text, "http://site.test/x", None, "site.test")
    assert row["reject_reason"] == "too_many_blocks"
    dump = "x\n" * (4 * MAX_BLOCKS + 1)   # not even split into lines
    assert _extract_row(None, dump, "http://site.test/y", None, "site.test")["reject_reason"] == "too_many_blocks"


def test_a_file_of_lying_arc_lengths_reads_in_linear_time(tmp_path: Path) -> None:
    def lying(count: int, claim: int) -> bytes:
        block = http_response(page(7))
        return b"".join(f"http://arc.test/{i} 10.0.0.1 20100102030405 text/html {claim}\n".encode()
                        + block + b"\n" for i in range(count))

    for claim in (40_000_000, 10**12):
        small, large = tmp_path / f"lying-{claim}.arc", tmp_path / f"lying-{claim}-x4.arc"
        small.write_bytes(lying(1000, claim))
        large.write_bytes(lying(4000, claim))
        out = rows(small)
        assert sorted(r["url"] for r in out) == sorted(f"http://arc.test/{i}" for i in range(1000))
        assert _growth(lambda p: rows(Path(p)), str(small), str(large)) < 10
