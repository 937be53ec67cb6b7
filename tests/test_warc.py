"""dedup.sources.warc: the streaming WARC / ARC reader, on real sample files and on damage made here."""

from __future__ import annotations

import gzip
import io
import os
import random
import zlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.sources.warc import RawRecord, iter_records, sniff_container

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLES = SHARED / "corpora" / "warc-samples"
BENCH_CRAWL = SHARED / "bench" / "syndication-dev" / "crawl"

if not SAMPLES.is_dir():
    pytest.skip(f"needs {SAMPLES} (the shared WARC samples, present in the dev setup only)",
                allow_module_level=True)

ALL_SAMPLES = sorted(p for p in SAMPLES.rglob("*")
                     if p.is_file() and p.suffix not in (".md", ".json", ".txt"))


def sample(rel: str) -> Path:
    return SAMPLES / rel


def rel(p: Path) -> str:
    return p.relative_to(SAMPLES).as_posix()


# Files that warcio 1.8 reads cleanly and whose records we must reproduce exactly.
GOOD = [
    "warcio/example.warc", "warcio/example.warc.gz", "warcio/example-digest.warc",
    "warcio/example-iana.org-chunked.warc", "warcio/example-resource.warc.gz",
    "warcio/example-space-in-target-uri.warc.gz", "warcio/example-wget-bad-target-uri.warc.gz",
    "warcio/post-test.warc.gz", "warcio/example.arc", "warcio/example.arc.gz",
    "warcio/example-space-in-url.arc",
    "resiliparse/warcfile.warc.gz", "resiliparse/block-sized-records.warc.gz",
    "whirlwind/whirlwind.warc.gz", "whirlwind/whirlwind.warc.wet.gz",
    "whirlwind/whirlwind.warc.wat.gz",
]
# Whole-file gzip (one member, many records): warcio refuses them ("non-chunked gzip"), we read
# them; they are compared with warcio reading the gunzipped bytes.
WHOLE_FILE_GZIP = ["warcio/example-bad.warc.gz.bad", "warcio/example-bad-non-chunked.warc.gz"]


def records(path: Path | str, **kw) -> list[RawRecord]:
    return list(iter_records(path, **kw))


def _key(r: RawRecord) -> tuple[str, str]:
    """(type, id) for WARC; ARC records have no id, so (type, target URI), typed as warcio maps."""
    if r.record_type == "arc_header":
        return "warcinfo", ""    # warcio turns the ARC file header into a warcinfo without URI
    rtype = r.record_type
    rid = r.headers.get("warc-record-id")
    return rtype, rid if rid else r.headers.get("warc-target-uri", "")


def _warcio_view(stream, is_arc: bool) -> list[tuple[tuple[str, str], bytes | None]]:
    warcio_ai = pytest.importorskip("warcio.archiveiterator")
    out = []
    for rec in warcio_ai.ArchiveIterator(stream, arc2warc=True):
        if is_arc:
            key = (rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI") or "")
        else:
            key = (rec.rec_type, rec.rec_headers.get_header("WARC-Record-ID"))
        payload = None
        if rec.rec_type == "response" and rec.http_headers is not None:
            payload = rec.content_stream().read()
        out.append((key, payload))
    return out


# --- every sample --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ALL_SAMPLES, ids=rel)
def test_every_sample_iterates_to_the_end_without_raising(path: Path) -> None:
    recs = records(path)
    assert recs, "every sample holds at least one record"
    for r in recs:
        assert isinstance(r, RawRecord)
        assert isinstance(r.offset, int) and 0 <= r.offset
        if not path.read_bytes().startswith(b"\x1f\x8b"):
            assert r.offset < path.stat().st_size   # gzip: may be a decompressed-stream position
        assert r.record_type == r.record_type.lower() and r.record_type
        assert all(k == k.lower() for k in r.headers)
        assert isinstance(r.payload, bytes)
        if r.error is not None:
            assert r.detail, "every error says what went wrong"
        if r.http_headers is not None:
            assert all(k == k.lower() for k in r.http_headers)
    # offsets never go backwards
    offsets = [r.offset for r in recs]
    assert offsets == sorted(offsets)


@pytest.mark.parametrize("name", GOOD)
def test_good_samples_match_warcio(name: str) -> None:
    path = sample(name)
    is_arc = ".arc" in name
    ours = records(path)
    assert [r for r in ours if r.error] == []
    with open(path, "rb") as f:
        theirs = _warcio_view(f, is_arc)
    assert sorted(_key(r) for r in ours) == sorted(k for k, _ in theirs)

    their_payloads = [p for (k, p) in theirs if p is not None]
    our_payloads = [r.payload for r in ours if r.record_type == "response" and r.http_status]
    assert len(our_payloads) == len(their_payloads)
    for mine, warcio_payload in zip(our_payloads, their_payloads):
        if name == "warcio/example-space-in-url.arc":
            # Its ARC length is 13 bytes too long (the HTTP head lost its CRs after the length was
            # written). warcio reads to EOF and keeps the separator newline; we cut the body at
            # its HTTP Content-Length.
            assert warcio_payload == mine + b"\n"
        else:
            assert mine == warcio_payload


@pytest.mark.parametrize("name", WHOLE_FILE_GZIP)
def test_whole_file_gzip_samples_are_read_completely(name: str) -> None:
    path = sample(name)
    ours = records(path)
    assert [r.error for r in ours] == [None] * len(ours)
    # all records live in the one member: the first gets its offset, 0; the others their position
    # in the decompressed stream, where their WARC line starts
    plain = gzip.decompress(path.read_bytes())
    assert ours[0].offset == 0
    assert all(plain.startswith(b"WARC/", r.offset) for r in ours)
    assert len({r.offset for r in ours}) == len(ours)
    theirs = _warcio_view(io.BytesIO(plain), False)
    assert [_key(r) for r in ours] == [k for k, _ in theirs]
    assert ([r.payload for r in ours if r.record_type == "response"]
            == [p for (k, p) in theirs if k[0] == "response"])


def test_target_uri_wrappers_and_spaces() -> None:
    wget = records(sample("warcio/example-wget-bad-target-uri.warc.gz"))
    assert {r.headers.get("warc-target-uri") for r in wget if r.record_type == "response"} \
        == {"http://example.com/"}
    spaced = records(sample("warcio/example-space-in-target-uri.warc.gz"))
    assert spaced[1].headers["warc-target-uri"] == "file:///example%20with%20spaces.png"
    arc = records(sample("warcio/example-space-in-url.arc"))
    assert arc[1].headers["warc-target-uri"] == (
        "http://example.com/index.cfm?FuseAction=Email&EmailTitle=Examples%20From%20The%20Live"
        "%20Web&IsPopUp=False")
    assert arc[1].headers["warc-ip-address"] == "93.184.216.119"
    assert arc[1].headers["warc-date"] == "2014-02-16T05:02:21Z"
    assert arc[1].headers["content-type"] == "text/html"
    assert arc[1].http_status == 200


# --- the broken samples --------------------------------------------------------------------------

def test_truncated_sample_keeps_the_records_around_the_damage() -> None:
    good = records(sample("warcio/example.warc"))
    trunc = records(sample("warcio/example-trunc.warc"))
    # the two warcinfo records before the damage are intact
    assert trunc[:2] == good[:2]
    # the response has a wrong Content-Length (973 for 975 bytes): flagged, id kept
    bad = trunc[2]
    assert bad.error == "content_length_mismatch"
    assert bad.headers["warc-record-id"] == good[2].headers["warc-record-id"]
    # and the reader resynchronised on the request record after it
    assert trunc[3] == good[3]
    assert len(trunc) == 4


def test_clipped_gzip_sample() -> None:
    recs = records(sample("resiliparse/clipped.warc.gz"))
    assert len(recs) == 1
    r = recs[0]
    assert r.error == "truncated_record"
    assert r.headers["warc-record-id"] == "<urn:uuid:f3dfa8fa-f031-4a38-90cc-1dcee3d07bb5>"
    assert r.http_status == 200 and r.payload.startswith(b"<!DOCTYPE")


def test_bad_arc_sample() -> None:
    recs = records(sample("warcio/bad.arc"))
    assert [(r.record_type, r.error) for r in recs] == [
        ("arc_header", "bad_arc_header"),       # length -1
        ("response", "bad_arc_header"),         # length -1
        ("response", None),                     # a valid 1-byte record
        ("response", "bad_arc_header"),         # length 'abc'
    ]
    assert recs[2].payload == b"\n"
    assert all("warc-record-id" not in r.headers for r in recs)


def test_wrong_chunks_sample_reads_the_record_spanning_gzip_members() -> None:
    recs = records(sample("warcio/example-wrong-chunks.warc.gz"))
    assert [(r.record_type, r.error) for r in recs] == [("response", None), ("request", None)]
    resp = recs[0]
    assert resp.detail.startswith("record_spans_gzip_members: ")
    assert resp.headers["warc-record-id"] == "<urn:uuid:80d63307-60af-43e0-903f-574b2f432b7e>"
    assert resp.http_status == 200 and resp.payload.startswith(b"<!doctype html>")
    assert resp.payload.rstrip().endswith(b"</html>")


@pytest.mark.parametrize("name", ["warcio/bad.arc", "warcio/example-trunc.warc",
                                  "resiliparse/clipped.warc.gz"])
def test_broken_samples_yield_an_error(name: str) -> None:
    assert any(r.error for r in records(sample(name)))


# --- whirlwind, copycat --------------------------------------------------------------------------

def test_whirlwind_warc_and_wet_agree() -> None:
    warc = records(sample("whirlwind/whirlwind.warc.gz"))
    wet = records(sample("whirlwind/whirlwind.warc.wet.gz"))
    [resp] = [r for r in warc if r.record_type == "response"]
    [conv] = [r for r in wet if r.record_type == "conversion"]
    assert resp.headers["warc-target-uri"] == conv.headers["warc-target-uri"] \
        == "https://an.wikipedia.org/wiki/Escopete"
    assert conv.headers["warc-refers-to"] == resp.headers["warc-record-id"]
    assert resp.http_status == 200 and b"<html" in resp.payload[:2000]
    assert conv.http_status is None and conv.http_headers is None
    assert b"Escopete" in conv.payload


def test_copycat_arc() -> None:
    recs = records(sample("copycat/small-sample-1262850551027_8.arc"))
    assert recs[0].record_type == "arc_header" and recs[0].error is None
    responses = [r for r in recs if r.record_type == "response"]
    assert len(responses) == 8 and len(recs) == 9
    for r in responses:
        assert r.error is None, r.detail
        assert r.http_status == 200
        assert b"<html" in r.payload[:1000].lower()
        assert r.payload.rstrip().endswith(b"</html>")
        assert r.headers["warc-target-uri"].startswith("http://www.coursehero.com/")
        assert r.headers["warc-date"].startswith("2009-11-2")
        assert "warc-record-id" not in r.headers
        # stored decoded although the headers still say chunked + gzip
        assert r.http_headers["content-encoding"] == "gzip"


# --- offsets: re-reading one gzip member gives the record ---------------------------------------

def _one_member(path: Path, offset: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(offset)
        d = zlib.decompressobj(31)
        out = []
        while not d.eof:
            chunk = f.read(65536)
            if not chunk:
                break
            out.append(d.decompress(chunk))
        return b"".join(out)


@pytest.mark.parametrize("path", [
    sample("warcio/example.warc.gz"), sample("whirlwind/whirlwind.warc.gz"),
    sample("resiliparse/warcfile.warc.gz"), sample("warcio/example.arc.gz"),
    *sorted(BENCH_CRAWL.glob("*.warc.gz"))[:1]], ids=lambda p: p.name)
def test_per_record_gzip_offsets_rehydrate(path: Path, tmp_path: Path) -> None:
    """Seek to `offset`, inflate one gzip member: that is the record, and it reads back the same."""
    recs = records(path)
    assert len({r.offset for r in recs}) == len(recs)
    one = tmp_path / "one"
    for r in recs:
        member = _one_member(path, r.offset)
        one.write_bytes(member)
        [again] = records(one)
        assert again.error is None and r.error is None
        assert again.record_type == r.record_type
        assert again.headers == r.headers and again.payload == r.payload
        assert again.http_status == r.http_status and again.offset == 0


def test_plain_file_offsets_point_at_the_warc_line() -> None:
    path = sample("warcio/example.warc")
    data = path.read_bytes()
    for r in records(path):
        assert data[r.offset:r.offset + 8] == b"WARC/1.0"


# --- synthetic damage ----------------------------------------------------------------------------

def http_response(body: bytes, headers: bytes = b"Content-Type: text/html\r\n") -> bytes:
    return b"HTTP/1.1 200 OK\r\n" + headers + b"\r\n" + body


def warc_record(n: int, block: bytes | None = None, *, cl_delta: int = 0,
                rtype: str = "response") -> bytes:
    if block is None:
        block = http_response(b"<html><body><p>page %d %s</p></body></html>" % (n, b"x" * (40 * n)))
    ctype = "application/http;msgtype=response" if rtype in ("response", "revisit") else "text/plain"
    head = (f"WARC/1.1\r\nWARC-Type: {rtype}\r\nWARC-Record-ID: <urn:uuid:rec-{n}>\r\n"
            f"WARC-Target-URI: http://site.test/{n}\r\nWARC-Date: 2024-01-0{n % 9 + 1}T00:00:00Z\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(block) + cl_delta}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def rid(n: int) -> str:
    return f"<urn:uuid:rec-{n}>"


def write(tmp_path: Path, data: bytes, name: str = "x.warc") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def summary(recs: list[RawRecord]) -> list[tuple[str | None, str | None]]:
    return [(r.headers.get("warc-record-id"), r.error) for r in recs]


def members(*recs: bytes) -> list[bytes]:
    return [gzip.compress(r, mtime=0) for r in recs]


def test_three_layouts_give_the_same_records(tmp_path: Path) -> None:
    recs = [warc_record(i) for i in (1, 2, 3)]
    plain = records(write(tmp_path, b"".join(recs)))
    mems = members(*recs)
    per_record = records(write(tmp_path, b"".join(mems), "p.warc.gz"))
    whole = records(write(tmp_path, gzip.compress(b"".join(recs)), "w.bin"))
    for got in (plain, per_record, whole):
        assert summary(got) == [(rid(1), None), (rid(2), None), (rid(3), None)]
        assert [r.payload for r in got] == [r.payload for r in plain]
        assert all(r.http_status == 200 for r in got)
    assert [r.offset for r in plain] == [0, len(recs[0]), len(recs[0]) + len(recs[1])]
    assert [r.offset for r in per_record] == [0, len(mems[0]), len(mems[0]) + len(mems[1])]
    assert [r.offset for r in whole] == [r.offset for r in plain]   # decompressed positions
    assert plain[0].payload.startswith(b"<html>") and plain[0].headers["warc-date"]


@pytest.mark.parametrize("damage", ["flip", "cut", "magic", "crc"])
def test_corrupt_middle_gzip_member(tmp_path: Path, damage: str) -> None:
    m1, m2, m3 = members(*(warc_record(i) for i in (1, 2, 3)))
    if damage == "flip":
        mid = len(m2) // 2
        m2 = m2[:mid] + bytes(b ^ 0xA5 for b in m2[mid:mid + 8]) + m2[mid + 8:]
    elif damage == "cut":
        m2 = m2[:len(m2) // 2]
    elif damage == "magic":
        m2 = b"\x00\x00" + m2[2:]
    else:
        m2 = m2[:-8] + bytes(b ^ 0xFF for b in m2[-8:-4]) + m2[-4:]
    recs = records(write(tmp_path, m1 + m2 + m3, "d.warc.gz"))
    assert summary(recs)[0] == (rid(1), None)
    assert summary(recs)[-1] == (rid(3), None)
    if damage == "crc":
        # only the checksum is wrong: the record inflated fine and is kept, the damage reported
        assert summary(recs)[1:-1] == [(rid(2), None), (None, "gzip_error")]
        recs = recs[:1] + recs[2:]
    assert [r.error for r in recs[1:-1]] == ["gzip_error"]
    assert recs[1].offset == len(m1)
    assert recs[-1].offset == len(m1) + len(m2)
    good = records(write(tmp_path, m1 + m3, "g.warc.gz"))
    assert recs[-1].payload == good[-1].payload


def test_plain_file_truncated_mid_record(tmp_path: Path) -> None:
    data = b"".join(warc_record(i) for i in (1, 2, 3))
    cut = data[:len(data) - 60]
    recs = records(write(tmp_path, cut))
    assert summary(recs) == [(rid(1), None), (rid(2), None), (rid(3), "truncated_record")]
    assert recs[2].headers["warc-target-uri"] == "http://site.test/3"
    # cut inside the header block
    head_cut = data[:len(warc_record(1)) + 40]
    assert summary(records(write(tmp_path, head_cut, "h.warc"))) == [
        (rid(1), None), (None, "truncated_record")]


def test_gzip_truncated(tmp_path: Path) -> None:
    m1, m2, m3 = members(*(warc_record(i) for i in (1, 2, 3)))
    mid = records(write(tmp_path, m1 + m2 + m3[:len(m3) // 2], "a.warc.gz"))
    assert summary(mid)[:2] == [(rid(1), None), (rid(2), None)]
    assert [r.error for r in mid[2:]] in (["truncated_record"], ["truncated_gzip"])
    # only the gzip trailer is missing: every record is complete, the cut is still reported
    tail = records(write(tmp_path, m1 + m2 + m3[:-4], "b.warc.gz"))
    assert summary(tail) == [(rid(1), None), (rid(2), None), (rid(3), None),
                             (None, "truncated_gzip")]
    assert tail[3].offset == len(m1) + len(m2)


def test_garbage_between_records(tmp_path: Path) -> None:
    r1, r2, r3 = (warc_record(i) for i in (1, 2, 3))
    junk = b"this is not a record\r\nWARCish junk \x00\x01\x02\r\n" * 3
    plain = records(write(tmp_path, r1 + junk + r2 + r3))
    assert summary(plain) == [(rid(1), None), (None, "bad_warc_header"), (rid(2), None),
                              (rid(3), None)]
    assert plain[1].offset == len(r1)
    m1, m2, m3 = members(r1, r2, r3)
    gz = records(write(tmp_path, m1 + junk + m2 + m3, "g.warc.gz"))
    assert summary(gz) == [(rid(1), None), (None, "gzip_error"), (rid(2), None), (rid(3), None)]
    # padding (NULs, spaces, newlines) between records or gzip members is harmless
    padded_plain = records(write(tmp_path, b"\x00\x00 \n" + r1 + b"\x00" * 64 + r2 + r3 + b"\0" * 99))
    assert summary(padded_plain) == [(rid(1), None), (rid(2), None), (rid(3), None)]
    padded = records(write(tmp_path, m1 + b"\x00" * 100 + m2 + b"\n" + m3 + b"\x00" * 512, "p.gz"))
    assert summary(padded) == [(rid(1), None), (rid(2), None), (rid(3), None)]


def test_content_length_beyond_the_data(tmp_path: Path) -> None:
    r1 = warc_record(1)
    last = warc_record(2, cl_delta=5000)
    recs = records(write(tmp_path, r1 + last))
    assert summary(recs) == [(rid(1), None), (rid(2), "truncated_record")]
    gz = records(write(tmp_path, b"".join(members(r1, last)), "g.warc.gz"))
    assert summary(gz) == [(rid(1), None), (rid(2), "truncated_record")]


@pytest.mark.parametrize("delta", [7, 40, -9])
@pytest.mark.parametrize("layout", ["plain", "gzip"])
def test_wrong_content_length_in_the_middle_loses_no_neighbour(tmp_path: Path, delta: int,
                                                               layout: str) -> None:
    recs_in = [warc_record(1), warc_record(2, cl_delta=delta), warc_record(3)]
    data = b"".join(recs_in) if layout == "plain" else b"".join(members(*recs_in))
    recs = records(write(tmp_path, data, "m.warc.gz" if layout == "gzip" else "m.warc"))
    assert summary(recs) == [(rid(1), None), (rid(2), "content_length_mismatch"),
                             (rid(3), None)]


def test_chunked_and_content_encodings(tmp_path: Path) -> None:
    body = b"<html><body>" + b"hello chunks " * 50 + b"</body></html>"
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (body[:100], body[100:])) + b"0\r\n\r\n"
    gz_body = gzip.compress(body)
    gz_chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(gz_body), gz_body)
    bad_chunks = b"%x\r\n%s\r\nzz\r\n%s\r\n0\r\n\r\n" % (100, body[:100], body[100:])
    bad_gzip = gz_body[:20] + b"\xff" * 30 + gz_body[50:]
    blocks = [
        http_response(chunked, b"Transfer-Encoding: chunked\r\n"),
        http_response(gz_chunked, b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"),
        http_response(bad_chunks, b"Transfer-Encoding: chunked\r\n"),
        http_response(bad_gzip, b"Content-Encoding: gzip\r\n"),
        http_response(body, b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"),
        http_response(zlib.compress(body), b"Content-Encoding: deflate\r\n"),
        http_response(b"%x\r\n%s\r\n" % (len(body) + 50, body), b"Transfer-Encoding: chunked\r\n"),
    ]
    recs = records(write(tmp_path, b"".join(warc_record(i, b) for i, b in enumerate(blocks, 1))))
    assert [r.error for r in recs] == [None, None, "bad_chunked_encoding", "bad_content_encoding",
                                       None, None, "bad_chunked_encoding"]
    assert recs[0].payload == recs[1].payload == body
    assert recs[2].payload == bad_chunks and recs[2].headers["warc-record-id"] == rid(3)
    assert recs[2].http_status == 200 and recs[2].http_headers["transfer-encoding"] == "chunked"
    assert recs[3].payload == bad_gzip and recs[3].headers["warc-record-id"] == rid(4)
    assert recs[4].payload == body      # stored decoded, headers left as received
    assert recs[5].payload == body


def test_oversized_record_is_skipped_not_loaded(tmp_path: Path) -> None:
    big = warc_record(2, http_response(os.urandom(300_000)))
    recs_in = [warc_record(1), big, warc_record(3)]
    for data, name in ((b"".join(recs_in), "p.warc"), (b"".join(members(*recs_in)), "g.warc.gz")):
        recs = records(write(tmp_path, data, name), max_payload=100_000)
        assert summary(recs) == [(rid(1), None), (rid(2), "payload_too_large"), (rid(3), None)]
        assert recs[1].payload == b"" and "300" in recs[1].detail
    # a gzip bomb in Content-Encoding is bounded by max_payload too
    bomb = gzip.compress(b"\0" * 2_000_000)
    rec = records(write(tmp_path, warc_record(1, http_response(bomb, b"Content-Encoding: gzip\r\n")),
                        "b.warc"), max_payload=1_000_000)
    assert [(r.error, r.payload) for r in rec] == [("payload_too_large", b"")]


def test_header_quirks(tmp_path: Path) -> None:
    rec = (b"WARC/1.0\nWARC-Type: resource\nWARC-Record-ID: <urn:x:1>\n"
           b"WARC-Target-URI:  <http://a.test/x y> \nX-Long: first\n  second\n"
           b"content-length: 5\n\nhello\n\n"
           b"WARC/1.0\r\nwarc-type: Metadata\r\nWARC-Record-ID: <urn:x:2>\r\n"
           b"Content-Length:3\r\n\r\nabc\r\n\r\n")
    recs = records(write(tmp_path, rec))
    assert summary(recs) == [("<urn:x:1>", None), ("<urn:x:2>", None)]
    assert recs[0].headers["warc-target-uri"] == "http://a.test/x%20y"
    assert recs[0].headers["x-long"] == "first second"
    assert recs[0].payload == b"hello" and recs[1].payload == b"abc"
    assert recs[1].record_type == "metadata"


def test_revisit_and_bad_http(tmp_path: Path) -> None:
    revisit = warc_record(1, b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", rtype="revisit")
    bad = warc_record(2, b"garbage instead of an HTTP head\r\n\r\nbody")
    recs = records(write(tmp_path, revisit + bad))
    assert [(r.record_type, r.http_status, r.payload, r.error) for r in recs] == [
        ("revisit", 304, b"", None),
        ("response", None, b"garbage instead of an HTTP head\r\n\r\nbody", "bad_http_header")]
    assert recs[1].headers["warc-record-id"] == rid(2)


def test_synthetic_arc(tmp_path: Path) -> None:
    def arc_rec(url: str, body: bytes, length_delta: int = 0) -> bytes:
        block = http_response(body)
        return (f"{url} 10.0.0.1 20100102030405 text/html {len(block) + length_delta}\n"
                .encode() + block)
    head_block = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    filedesc = b"filedesc://t.arc 0.0.0.0 20100101000000 text/plain %d\n%s" % (
        len(head_block), head_block)
    a = arc_rec("http://a.test/one two", b"<html>one</html>")
    b = arc_rec("http://b.test/", b"<html>two</html>", length_delta=12)   # eats c's header start
    c = arc_rec("http://c.test/", b"<html>three</html>")
    d = arc_rec("http://d.test/", b"<html>four</html>")
    # no blank line after the filedesc, extra ones after a, none between c and d
    data = filedesc + a + b"\n\n\n" + b + b"\n" + c + d
    recs = records(write(tmp_path, data, "t.arc"))
    got = [(r.record_type, r.headers.get("warc-target-uri"), r.error) for r in recs]
    assert got == [("arc_header", "filedesc://t.arc", None),
                   ("response", "http://a.test/one%20two", None),
                   ("response", "http://b.test/", "content_length_mismatch"),
                   ("response", "http://c.test/", None),      # found again inside b's block
                   ("response", "http://d.test/", None)]      # header right after c's block
    assert recs[1].payload == b"<html>one</html>"
    assert recs[1].headers["warc-date"] == "2010-01-02T03:04:05Z"
    gz = b"".join(gzip.compress(x) for x in (filedesc, a, d))
    assert [r.payload for r in records(write(tmp_path, gz, "t.arc.gz"))][1:] == [
        b"<html>one</html>", b"<html>four</html>"]


def test_unknown_and_empty_files(tmp_path: Path) -> None:
    text = write(tmp_path, b"just some text\nwith lines\n" * 20, "notes.txt")
    recs = records(text)
    assert [r.error for r in recs] == ["unknown_format"]
    assert records(write(tmp_path, b"", "empty.warc")) == []
    assert records(write(tmp_path, gzip.compress(b""), "empty.warc.gz")) == []


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        iter_records(tmp_path / "nope.warc.gz")
    with pytest.raises(OSError):
        sniff_container(tmp_path / "nope.warc.gz")


def test_sniff_container(tmp_path: Path) -> None:
    assert sniff_container(sample("warcio/example.warc")) == "warc"
    assert sniff_container(sample("warcio/example.warc.gz")) == "warc"
    assert sniff_container(sample("warcio/example-bad.warc.gz.bad")) == "warc"   # name lies
    assert sniff_container(sample("warcio/example.arc")) == "arc"
    assert sniff_container(sample("warcio/example.arc.gz")) == "arc"
    assert sniff_container(sample("copycat/small-sample-1262850551027_8.arc")) == "arc"
    assert sniff_container(sample("whirlwind/whirlwind.warc.wet.gz")) == "warc"
    rnd = random.Random(7)
    text = "".join(rnd.choice("abcdefgh ijk\n") for _ in range(5000))
    assert sniff_container(write(tmp_path, text.encode(), "random.warc")) == "unknown"
    assert sniff_container(write(tmp_path, gzip.compress(text.encode()), "r.gz")) == "unknown"
    assert sniff_container(write(tmp_path, b"", "e")) == "unknown"
    assert sniff_container(write(tmp_path, b"\x1f\x8b\x08junk", "j")) == "unknown"


# --- the bench crawl -----------------------------------------------------------------------------

def test_bench_crawl_file_reads_clean() -> None:
    files = sorted(BENCH_CRAWL.glob("*.warc.gz"))
    if not files:
        pytest.skip(f"needs {BENCH_CRAWL}")
    recs = records(files[0])
    assert Counter(r.record_type for r in recs) == Counter({"response": 500, "warcinfo": 1})
    assert all(r.error is None for r in recs)
    assert all(r.http_status == 200 and r.payload.startswith(b"<!DOCTYPE html>")
               for r in recs if r.record_type == "response")


# --- fuzz: arbitrary damage never raises ---------------------------------------------------------

_BASE = [warc_record(i) for i in (1, 2, 3, 4)]
_BASE_PLAIN = b"".join(_BASE)
_BASE_GZ = b"".join(members(*_BASE))
_BASE_ARC = (b"filedesc://f.arc 0.0.0.0 20100101000000 text/plain 4\n1 0\n\n"
             + b"".join(b"http://x.test/%d 1.2.3.4 20100101000000 text/html %d\n%s\n"
                        % (i, len(http_response(b"<p>%d</p>" % i)), http_response(b"<p>%d</p>" % i))
                        for i in range(3)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from([_BASE_PLAIN, _BASE_GZ, _BASE_ARC]),
       edits=st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "delete"]),
                                st.floats(0, 1), st.binary(min_size=1, max_size=40)),
                      min_size=1, max_size=4))
def test_fuzzed_damage_never_raises(tmp_path: Path, base: bytes, edits) -> None:
    data = bytearray(base)
    for op, where, blob in edits:
        i = int(where * len(data))
        if op == "flip" and data:
            i = min(i, len(data) - 1)
            data[i] ^= blob[0] or 1
        elif op == "cut":
            del data[i:]
        elif op == "insert":
            data[i:i] = blob
        elif op == "delete":
            del data[i:i + len(blob)]
    path = tmp_path / "fuzz.bin"
    path.write_bytes(bytes(data))
    recs = records(path)
    assert all(isinstance(r, RawRecord) for r in recs)
    assert all(r.error != "internal_error" for r in recs), [r.detail for r in recs]
    assert len(recs) <= 4 + 2 * len(edits) + 2
    sniff_container(path)
