"""Hostile input, round 7: zstd-compressed WARC/ARC files (`.warc.zst`: a frame per record, a dictionary in a
leading skippable frame, or one stream) are read, their damage costing what a gzip file's costs; a member given
twice in an object glued to another (`{...}{...}`) is checked as a line's is; an agreeing Parquet column given
twice is counted once per file, not per row."""
from __future__ import annotations

import gzip
import json
import random
import zlib
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from test_hostile_builds import html_page, warc_response
from test_hostile_round4 import rows

from dedup.sources import warc
from dedup.sources.inputs import detect_format
from dedup.sources.zstdframes import DICT_MAGIC

RECORDS = [warc_response(f"<urn:uuid:z{n}>", f"https://z.test/{n}", html_page(f"Zstd {n}", n).encode())
           for n in range(4)]


def short(row: dict) -> tuple:
    doc_id = row["doc_id"]
    return ("nodocid" if doc_id.startswith("nodocid:") else doc_id, row["reject_reason"])


def per_record(records: list[bytes], dictionary: zstandard.ZstdCompressionDict | None = None,
               compressed_dict: bool = False) -> bytes:
    """The IIPC WARC-zstd layout: one frame per record (checksummed), after the dictionary frame when given."""
    cctx = zstandard.ZstdCompressor(write_checksum=True, dict_data=dictionary)
    head = b""
    if dictionary is not None:
        body = dictionary.as_bytes()
        body = zstandard.ZstdCompressor().compress(body) if compressed_dict else body
        head = DICT_MAGIC + len(body).to_bytes(4, "little") + body
    return head + b"".join(cctx.compress(r) for r in records)


def gzip_members(data: bytes) -> list[bytes]:
    """The decompressed bytes of each gzip member of `data` (a per-record .warc.gz: one record each)."""
    out = []
    while data.strip(b"\0\r\n"):
        d = zlib.decompressobj(31)
        out.append(d.decompress(data))
        data = d.unused_data
    return out


def sig(path: Path) -> list[tuple]:
    return [(r.record_type, r.headers.get("warc-record-id"), r.headers.get("warc-target-uri"), r.error,
             r.http_status, r.payload) for r in warc.iter_records(path)]


# ---------------------------------------------------------------- 1. .warc.zst is read


def test_a_zstd_warc_is_read_in_every_layout(tmp_path: Path) -> None:
    """A `.warc.zst` was one `unknown_format` reject (round 6); its records are read now: a frame per record, a
    whole file as one frame, a leading skippable frame holding the dictionary the frames need (as it is, or
    itself zstd-compressed), other skippable frames between records skipped. Offsets: a record's frame."""
    plain = tmp_path / "plain.warc"
    plain.write_bytes(b"".join(RECORDS))
    dictionary = zstandard.ZstdCompressionDict(b"".join(RECORDS[:2]), dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    frames = per_record(RECORDS)
    layouts = {
        "frames.warc.zst": frames,
        "whole.warc.zst": zstandard.ZstdCompressor().compress(b"".join(RECORDS)),
        "dict.warc.zst": per_record(RECORDS, dictionary),
        "dict-compressed.warc.zst": per_record(RECORDS, dictionary, compressed_dict=True),
        "skippable.warc.zst": b"\x50\x2a\x4d\x18" + (3).to_bytes(4, "little") + b"abc" + frames,
    }
    expected = sig(plain)
    for name, data in layouts.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert detect_format(path) == "warc", name
        assert sig(path) == expected, name
        got = rows(path)
        assert [short(r) for r in got] == [(f"<urn:uuid:z{n}>", None) for n in range(4)], name
    # a frame per record: each record's offset is its frame's, where a reader seeks to read it again
    starts = [0]
    cctx = zstandard.ZstdCompressor(write_checksum=True)
    for r in RECORDS[:-1]:
        starts.append(starts[-1] + len(cctx.compress(r)))
    assert [r["source_offset"] for r in rows(tmp_path / "frames.warc.zst")] == starts


def test_a_zstd_warc_cut_or_damaged_keeps_what_comes_before_and_names_the_damage(tmp_path: Path) -> None:
    """As a gzip WARC: the file cut inside a frame keeps the records before the cut and ends with a reject for
    the cut record (`truncated_record`, naming the zstd frame; a zstd frame gives nothing before its first block
    is whole, so the record has no id to show); a frame whose checksum alone is wrong gives its record, then a
    `zstd_error` reject (as a gzip member's CRC), and the frames after it are read; a frame cut after its record is
    complete is `truncated_zstd`; bytes between frames that are no frame are a `zstd_error`. Nothing is silent."""
    sizes = [len(zstandard.ZstdCompressor(write_checksum=True).compress(r)) for r in RECORDS]
    data = per_record(RECORDS)
    third = sum(sizes[:2])
    cases = {
        "cut.warc.zst": (data[:third + sizes[2] // 2],
                         [("<urn:uuid:z0>", None), ("<urn:uuid:z1>", None), ("nodocid", "truncated_record")]),
        "checksum.warc.zst": (data[:third + sizes[2] - 1] + bytes([data[third + sizes[2] - 1] ^ 1])
                              + data[third + sizes[2]:],
                              [("<urn:uuid:z0>", None), ("<urn:uuid:z1>", None), ("<urn:uuid:z2>", None),
                               ("nodocid", "zstd_error"), ("<urn:uuid:z3>", None)]),
        "no-checksum-end.warc.zst": (data[:-2],
                                     [("<urn:uuid:z0>", None), ("<urn:uuid:z1>", None), ("<urn:uuid:z2>", None),
                                      ("<urn:uuid:z3>", None), ("nodocid", "truncated_zstd")]),
        "junk.warc.zst": (data[:sizes[0]] + b"JUNK" * 8 + data[sizes[0]:],
                          [("<urn:uuid:z0>", None), ("nodocid", "zstd_error"), ("<urn:uuid:z1>", None),
                           ("<urn:uuid:z2>", None), ("<urn:uuid:z3>", None)]),
    }
    for name, (damaged, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(damaged)
        got = rows(path)
        assert [short(r) for r in got] == expected, name
        assert all("zstd" in (r["reject_detail"] or "") for r in got if r["reject_reason"]), name
    # a whole-file stream cut in the middle: the records before the cut, then one reject for the cut
    whole = zstandard.ZstdCompressor().compress(b"".join(RECORDS))
    path = tmp_path / "whole-cut.warc.zst"
    path.write_bytes(whole[:len(whole) * 3 // 4])
    got = [short(r) for r in rows(path)]
    assert got[:-1] == [(f"<urn:uuid:z{n}>", None) for n in range(len(got) - 1)] and got[-1][1] == "truncated_record"
    # frames that need a dictionary the file does not hold: one reject per frame, each saying why
    trained = zstandard.train_dictionary(1024, [r[i:i + 300] for r in RECORDS * 30 for i in range(0, 3000, 300)])
    path = tmp_path / "no-dict.warc.zst"
    path.write_bytes(per_record(RECORDS, trained)[8 + len(trained.as_bytes()):])
    got = rows(path)
    assert [r["reject_reason"] for r in got] == ["zstd_error"] * 4
    assert "Dictionary mismatch" in got[0]["reject_detail"]


def test_a_zstd_warc_whose_first_frame_lost_its_magic_reads_the_frames_after_it(tmp_path: Path) -> None:
    """A fuzzer find (seed 97): a bit flip in the first frame's magic made the file no zstd file at all to the
    sniffing, so the whole file was one `unknown_format` reject and its sound records were never read. As a
    damaged first gzip member, the first frame is a `zstd_error` and the frames after it are read."""
    data = bytearray(per_record(RECORDS))
    data[2] ^= 0x02   # 28 b5 2f fd -> 28 b5 2d fd
    path = tmp_path / "magic.warc.zst"
    path.write_bytes(bytes(data))
    assert [short(r) for r in rows(path)] == [("nodocid", "zstd_error")] + [(f"<urn:uuid:z{n}>", None)
                                                                           for n in range(1, len(RECORDS))]


def _recompressed(src: Path) -> dict[str, tuple[bytes, set[int]]]:
    """Layout -> (the file, the offsets where its frames end: a file cut there is a sound file of fewer frames)."""
    members = gzip_members(src.read_bytes())
    whole = zstandard.ZstdCompressor().compress(b"".join(members))
    out = {"frames": (per_record(members), set()), "whole": (whole, {len(whole)})}
    if len(members) >= 6:
        trained = zstandard.train_dictionary(2048, members * 10)
        out["dict"] = (per_record(members, trained, compressed_dict=True), set())
    for layout in ("frames", "dict"):
        if layout in out:
            data, ends = out[layout]
            dictionary = trained if layout == "dict" else None
            at = len(data) - sum(len(zstandard.ZstdCompressor(write_checksum=True, dict_data=dictionary).compress(m))
                                 for m in members)
            for m in members:
                at += len(zstandard.ZstdCompressor(write_checksum=True, dict_data=dictionary).compress(m))
                ends.add(at)
    return out


@pytest.mark.parametrize("sample", ["whirlwind/whirlwind.warc.gz", "resiliparse/warcfile.warc.gz",
                                    "warcio/example.warc.gz", "warcio/example.arc.gz",
                                    "whirlwind/whirlwind.warc.wet.gz"])
def test_real_warcs_recompressed_with_zstd_read_as_their_gzip_originals(warc_samples: Path, tmp_path: Path,
                                                                        sample: str) -> None:
    """Real WARC/ARC/WET files of ../shared, recompressed with zstd in each layout, give the records of the gzip
    original; cut anywhere, every record wholly before the cut is read and the cut is a reject (never silent)."""
    src = warc_samples / sample
    expected = sig(src)
    n_ok = sum(1 for r in expected if r[3] is None)
    layouts = _recompressed(src)
    # the first frame cut short (its second half lost): the file is still told as WARC or ARC (the ARC seed was
    # read as a WARC: no record), every other record read
    frames, ends = layouts["frames"]
    first = min(ends)
    path = tmp_path / f"first.{src.name[:-3]}.zst"
    path.write_bytes(frames[:first // 2] + frames[first:])
    got = sig(path)
    assert [r for r in got if r[3] is None] == [r for r in expected if r[3] is None][1:]
    assert any(r[3] == "zstd_error" for r in got)
    for layout, (data, ends) in layouts.items():
        path = tmp_path / f"{layout}.{src.name[:-3]}.zst"
        path.write_bytes(data)
        assert sig(path) == expected, layout
        for cut in sorted(set(range(97, len(data), max(1, len(data) // 23))) | {e - 1 for e in ends}):
            path.write_bytes(data[:cut])
            got = sig(path)
            read = [r for r in got if r[3] is None]
            assert read == [r for r in expected if r[3] is None][:len(read)], (layout, cut)
            if layout != "whole" and n_ok == len(expected):   # every frame wholly before the cut gave its record
                assert len(read) >= sum(e <= cut for e in ends), (layout, cut)
            if cut not in ends:   # a cut inside a frame is named
                assert got[-1][3] in ("truncated_record", "truncated_zstd"), (layout, cut, got[-1])


def test_a_gzip_warc_reads_as_before(warc_samples: Path) -> None:
    """The zstd path leaves gzip files alone: the sniffed codec of a .warc.gz is gzip."""
    head = (warc_samples / "whirlwind" / "whirlwind.warc.gz").read_bytes()[:1 << 20]
    assert warc.sniff_head(head) == ("warc", "gz")
    assert warc.sniff_head(gzip.decompress(head)) == ("warc", "")


# ---------------------------------------------------------------- 2. members given twice in glued objects


def _record(n: int, doc_id: str) -> str:
    return json.dumps({"id": doc_id, "url": f"https://g.test/{n}", "html": f"<p>page {n}</p>"})


@pytest.mark.parametrize("name", ["glued.json", "glued.jsonl"])
def test_a_member_given_twice_in_a_glued_object_is_checked_as_on_its_own_line(tmp_path: Path, name: str) -> None:
    """`{"id":"a","id":"b",...}` on its own line is a `missing_id` reject that names both; the same object
    glued to another (`{...}{...}`, a `.json` file of objects written one after another) took the last `id`
    in silence. Checked alike now: two ids -> `missing_id`; two `html` that differ -> `duplicate_field` under
    the record's id; copies that agree -> that value."""
    two_ids = '{"id": "a", "id": "b", "url": "https://g.test/a", "html": "<p>a</p>"}'
    two_pages = '{"id": "p", "url": "https://g.test/p", "html": "<p>p</p>", "html": null, "html": "<p>q</p>"}'
    agreeing = '{"id": "s", "url": "https://g.test/s", "html": "<p>s</p>", "html": "<p>s</p>", "id": "s"}'
    path = tmp_path / name
    path.write_text(_record(0, "r0") + two_ids + "\n" + two_pages + _record(1, "r1") + agreeing + "\n" + two_ids + "\n")
    got = rows(path)
    assert [short(r) for r in got] == [("r0", None), ("nodocid", "missing_id"), ("p", "duplicate_field"),
                                       ("r1", None), ("s", None), ("nodocid", "missing_id")]
    assert "line 1, value 2: `id` given 2 times" in got[1]["reject_detail"] and "'a', 'b'" in got[1]["reject_detail"]
    assert "line 2, value 1: `html` given 2 times" in got[2]["reject_detail"]
    assert got[4]["html"] == b"<p>s</p>"
    # the glued object's reject reads as the lone line's
    assert got[5]["reject_detail"].replace("line 3", "line 1, value 2") == got[1]["reject_detail"]


# ---------------------------------------------------------------- 3. agreeing Parquet columns, counted once


def test_an_agreeing_parquet_column_given_twice_is_counted_once_per_file_not_per_row(tmp_path: Path) -> None:
    """run.json's `tolerated.parquet_column_given_twice` counted every row of a file with a column given twice
    (1,000 rows: 1,000, as if 1,000 flaws); it counts the columns now: one per column of a file."""
    n = 1000
    ids = pa.array([f"d{i}" for i in range(n)])
    pages = pa.array([f"<p>{i}</p>" for i in range(n)])
    path = tmp_path / "twice.parquet"
    pq.write_table(pa.table([ids, pages, pages], names=["id", "html", "html"]), path, row_group_size=300)
    stats: Counter = Counter()
    assert len(rows(path, stats)) == n
    assert stats["tolerated.parquet_column_given_twice"] == 1
    both = tmp_path / "both.parquet"
    pq.write_table(pa.table([ids, ids, pages, pages], names=["id", "id", "html", "html"]), both)
    stats = Counter()
    rows(both, stats)
    assert stats["tolerated.parquet_column_given_twice"] == 2


# ---------------------------------------------------------------- 4. new hostile cases


def test_a_pzstd_jsonl_or_one_with_a_dictionary_frame_is_read(tmp_path: Path) -> None:
    """pzstd (parallel zstd) writes a skippable frame before every frame: such a `.jsonl.zst` was read as plain
    bytes, a `bad_json` per 0x0a byte of the compressed data and no record; so was one whose dictionary leads
    (as a .warc.zst keeps it). A skippable frame that claims more bytes than the file holds is damage that does
    not swallow the frames after it."""
    lines = [_record(n, f"j{n}") + "\n" for n in range(3)]
    cctx = zstandard.ZstdCompressor()
    skippable = b"\x50\x2a\x4d\x18" + (4).to_bytes(4, "little") + b"\x00\x01\x02\x03"
    path = tmp_path / "pzstd.jsonl.zst"
    path.write_bytes(b"".join(skippable + cctx.compress(line.encode()) for line in lines))
    assert [short(r) for r in rows(path)] == [("j0", None), ("j1", None), ("j2", None)]
    content = "".join(lines).encode()
    dictionary = zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    path = tmp_path / "dict.jsonl.zst"
    path.write_bytes(DICT_MAGIC + len(content).to_bytes(4, "little") + content
                     + zstandard.ZstdCompressor(dict_data=dictionary).compress(content))
    assert [short(r) for r in rows(path)] == [("j0", None), ("j1", None), ("j2", None)]
    # a WARC: a skippable frame whose length runs past the end of the file
    path = tmp_path / "lying.warc.zst"
    path.write_bytes(per_record(RECORDS[:2]) + b"\x51\x2a\x4d\x18" + (1 << 24).to_bytes(4, "little")
                     + per_record(RECORDS[2:]))
    got = rows(path)
    assert [short(r) for r in got] == [("<urn:uuid:z0>", None), ("<urn:uuid:z1>", None), ("nodocid", "zstd_error"),
                                       ("<urn:uuid:z2>", None), ("<urn:uuid:z3>", None)]
    assert "claims 16777216 bytes, more than the file holds" in got[2]["reject_detail"]


def test_a_warc_record_without_its_id_is_kept_under_a_derived_id_and_counted(tmp_path: Path) -> None:
    """A WARC record without a WARC-Record-ID (a mandatory field), or with an empty one, took an id derived as an
    ARC record's (URL, date, length) without a word; it still does (the record is kept), counted in run.json's
    `tolerated` (`warc_record_id_missing`). ARC records, which have no id field, are not counted."""
    records = [warc_response(f"<urn:uuid:w{n}>", f"https://w.test/{n}", html_page(f"Id {n}", n).encode())
               for n in range(3)]
    records[1] = records[1].replace(b"WARC-Record-ID: <urn:uuid:w1>\r\n", b"")
    records[2] = records[2].replace(b"<urn:uuid:w2>", b"")
    path = tmp_path / "no-id.warc"
    path.write_bytes(b"".join(records))
    stats: Counter = Counter()
    got = rows(path, stats)
    assert [r["reject_reason"] for r in got] == [None] * 3
    assert got[0]["doc_id"] == "<urn:uuid:w0>" and all(r["doc_id"].startswith("urn:arc:") for r in got[1:])
    assert stats["tolerated.warc_record_id_missing"] == 2


def test_jsonl_nul_padding_is_named_as_such(tmp_path: Path) -> None:
    """A file whose end was never written (a crash while appending leaves NUL-filled blocks) ended in a `bad_json`
    reject that said `Expecting value`; the reject (the records the block held, if any, are lost) says what it is."""
    path = tmp_path / "crash.jsonl"
    path.write_bytes((_record(0, "n0") + "\n").encode() + b"\x00" * 4096)
    got = rows(path)
    assert [short(r) for r in got] == [("n0", None), ("nodocid", "bad_json")]
    assert got[1]["reject_detail"].startswith("line 2: 4096 NUL bytes and no JSON")


def test_a_plain_parquet_file_counts_nothing_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"id": ["a"], "html": ["<p>a</p>"]}), path)
    stats: Counter = Counter()
    rows(path, stats)
    assert not [k for k in stats if k.startswith("tolerated.")]


def test_a_pipe_or_dangling_link_given_is_named_and_names_cannot_forge_summary_lines(tmp_path: Path) -> None:
    """A pipe, a device or a link that leads nowhere given as an argument (or matched by a glob) vanished without a
    word (in a folder it was named in `files_not_read`); it is named there now. A file name holding a new line
    printed, in the summary's list, a line of its own that read as one of the summary's."""
    import os

    from typer.testing import CliRunner

    from dedup.cli import app, shown_name
    from dedup.run_report import RunReport

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.warc").write_bytes(RECORDS[0])
    forged = "x\n  rejects             0.warc"
    os.symlink(tmp_path / "nowhere", crawl / forged)
    pipe = tmp_path / "pipe.warc"
    os.mkfifo(pipe)   # never opened: reading a FIFO waits for a writer forever
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(crawl), str(pipe), "--out", str(out), "--workers", "1",
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    run = RunReport.load(out)
    assert sorted(f.file for f in run.files_not_read) == ["pipe.warc", forged]
    assert "  rejects             0.warc" not in result.output.splitlines()
    assert shown_name(forged) in result.output and shown_name("a\tb") == "a\\tb"


def test_a_lying_length_in_a_zstd_warc_is_read_again_as_in_a_plain_one(tmp_path: Path) -> None:
    """A Content-Length over max_payload that does not end its record makes the reader go back (a checkpoint)
    and search the bytes after the header for records. A zstd decoder cannot be copied as zlib's can: the frame
    is decoded again from its start to the checkpoint. Every layout gives the plain file's records, in a stream
    long enough (many 128 KiB blocks) that the checkpoint falls inside a block."""
    from test_hostile_round4 import raw_warc

    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html_page("Lying", 1).encode()
    recs = [warc_response(f"<urn:uuid:m{n}>", f"https://m.test/{n}", html_page(f"Many {n}", n).encode())
            for n in range(400)]
    noise = random.Random(7).randbytes(1_200_000)   # incompressible (raw blocks): the reader reads on disk
    recs[100] = raw_warc("<urn:uuid:N1>", http + noise)                             # in 1 MiB pieces
    recs[150] = raw_warc("<urn:uuid:L1>", http, "Content-Length: 40000\r\n")      # claims more than it holds
    recs[160] = raw_warc("<urn:uuid:N2>", http + noise[::-1])                       # the frame goes on after L1
    recs[300] = raw_warc("<urn:uuid:B1>", http * 30)                                # truly over max_payload
    plain = tmp_path / "plain.warc"
    plain.write_bytes(b"".join(recs))

    def got(path: Path) -> list[tuple]:
        return [(r.headers.get("warc-record-id"), r.error, r.payload)
                for r in warc.iter_records(path, max_payload=9000)]

    expected = got(plain)
    assert [e[1] for e in expected].count("payload_too_large") == 4 and len(expected) == 400
    small_window = zstandard.ZstdCompressionParameters.from_level(3, window_log=10)
    packed = per_record([recs[0]] + [b"".join(recs[k:k + 200]) for k in range(1, 400, 200)])   # 200 records a frame
    for name, data in (("frames", per_record(recs)), ("whole", zstandard.ZstdCompressor().compress(b"".join(recs))),
                       ("packed", packed),
                       ("small-window", zstandard.ZstdCompressor(compression_params=small_window).compress(
                           b"".join(recs)))):
        path = tmp_path / f"{name}.warc.zst"
        path.write_bytes(data)
        assert got(path) == expected, name


def test_zstd_frames_restored_to_a_checkpoint_give_the_same_bytes(tmp_path: Path) -> None:
    """`Frames.state` / `restore` (the checkpoint of a rescan): from any point, what is read after a restore is what
    was read after that point the first time, also where the frame is decoded again in other slices than the first
    time (its start not on a read boundary; incompressible data, whose raw blocks come out slice by slice)."""
    from dedup.sources.zstdframes import Frames

    rng = random.Random(3)
    first = zstandard.ZstdCompressor().compress(b"small first frame " * 20)
    big = zstandard.ZstdCompressor().compress(b"".join(rng.randbytes(200_000) + b"text " * 60_000 for _ in range(8)))
    path = tmp_path / "frames.zst"
    path.write_bytes(first + big)
    with path.open("rb") as f:
        frames = Frames(f)
        marks: list[tuple[int, tuple]] = []
        out = b""
        while True:
            marks.append((len(out), frames.state()))
            piece = frames.read()
            if not piece:
                break
            out += piece
        assert len(marks) > 40
        for at, state in marks[::len(marks) // 15] + marks[-3:]:
            frames.restore(state)
            rest = b""
            while piece := frames.read():
                rest += piece
            assert rest == out[at:], at
