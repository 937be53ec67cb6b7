"""The shipped sample crawl (samples/crawl/) is what scripts/make_sample.py generates, and is sound.

The WARC files are read here with a tiny independent reader (gzip members via zlib, resync on the
next gzip magic after a bad member), not with dedup's own reader, so a reader bug cannot hide a
sample bug or the other way round.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "make_sample.py"
CRAWL = REPO / "samples" / "crawl"
LABELS = REPO / "samples" / "labels" / "labels.jsonl"
STORIES = REPO / "samples" / "labels" / "stories.jsonl"
WARCS = ("sample-00000.warc.gz", "sample-00001.warc.gz")
JSONL = "sample-extra.jsonl.gz"
GZIP_MAGIC = b"\x1f\x8b\x08"


# --- tiny reader ---------------------------------------------------------------------------------

def gzip_members(data: bytes) -> list[tuple[int, bytes | None]]:
    """(offset, decompressed bytes) per gzip member; None for a member that does not inflate."""
    members: list[tuple[int, bytes | None]] = []
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        z = zlib.decompressobj(wbits=31)
        try:
            out = z.decompress(view[pos:])
            if not z.eof:
                raise zlib.error("member cut short")
        except zlib.error:
            members.append((pos, None))
            pos = _next_good_member(data, pos + 1)
            continue
        members.append((pos, out))
        pos = len(data) - len(z.unused_data)
    return members


def _next_good_member(data: bytes, start: int) -> int:
    at = start - 1
    while True:
        at = data.find(GZIP_MAGIC, at + 1)
        if at < 0:
            return len(data)
        z = zlib.decompressobj(wbits=31)
        try:
            z.decompress(data[at:])
        except zlib.error:
            continue
        if z.eof:
            return at


def parse_record(raw: bytes) -> tuple[dict[str, str], bytes]:
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep, "WARC header block not terminated by a blank line"
    lines = head.decode("utf-8").split("\r\n")
    assert lines[0] == "WARC/1.1", lines[0]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    assert rest[length:] == b"\r\n\r\n", "a record must end right after Content-Length bytes + CRLFCRLF"
    return headers, rest[:length]


def read_warc(path: Path) -> list[tuple[int, dict[str, str] | None, bytes]]:
    records = []
    for offset, content in gzip_members(path.read_bytes()):
        if content is None:
            records.append((offset, None, b""))
        else:
            headers, block = parse_record(content)
            records.append((offset, headers, block))
    return records


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def positional_id(source_name: str, offset: int) -> str:
    return "nodocid:" + hashlib.sha1(f"{source_name}\0{offset}".encode()).hexdigest()[:24]


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def by_position(labels) -> dict[tuple[str, int], dict]:
    return {(r["source_file"], r["source_offset"]): r for r in labels}


# --- tests ---------------------------------------------------------------------------------------

def test_committed_sample_is_what_the_script_generates():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_fails_on_a_changed_sample(tmp_path):
    for sub in ("crawl", "labels"):
        shutil.copytree(REPO / "samples" / sub, tmp_path / sub)
    labels = tmp_path / "labels" / "labels.jsonl"
    labels.write_text(labels.read_text(encoding="utf-8").replace('"wire_copy"', '"original"', 1),
                      encoding="utf-8")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check", "--out", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "labels.jsonl" in proc.stderr


def test_sample_is_small():
    sizes = {p.name: p.stat().st_size for p in CRAWL.iterdir()}
    assert set(sizes) == {*WARCS, JSONL}
    assert sum(sizes.values()) < 1_500_000, sizes


def test_warc_files_are_well_formed(by_position):
    counts: Counter = Counter()
    bad_members = []
    for name in WARCS:
        records = read_warc(CRAWL / name)
        first = records[0][1]
        assert first is not None and first["warc-type"] == "warcinfo"
        assert first["warc-filename"] == name
        response_ids = {h["warc-record-id"] for _, h, _ in records if h and h["warc-type"] == "response"}
        for offset, headers, block in records:
            if headers is None:
                bad_members.append((name, offset))
                continue
            rtype = headers["warc-type"]
            counts[rtype] += 1
            assert headers["warc-record-id"].startswith("<urn:uuid:")
            assert headers["warc-date"].endswith("Z")
            if rtype == "request":
                assert headers["content-type"] == "application/http;msgtype=request"
                assert headers["warc-concurrent-to"] in response_ids
            if rtype != "response":
                continue
            assert headers["content-type"] == "application/http;msgtype=response"
            assert headers["warc-block-digest"] == sha1_b32(block)
            http_head, _, payload = block.partition(b"\r\n\r\n")
            http_lines = http_head.decode("ascii").split("\r\n")
            assert http_lines[0] == "HTTP/1.1 200 OK"
            http = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in http_lines[1:])}
            assert int(http["content-length"]) == len(payload)
            assert headers["warc-payload-digest"] == sha1_b32(payload)
            label = by_position[(name, offset)]
            assert label["doc_id"] == headers["warc-record-id"]
            assert label["url"] == headers["warc-target-uri"]
            if http["content-type"] != "text/html; charset=utf-8":
                assert http["content-type"] == "application/pdf" and payload.startswith(b"%PDF-1.4")
                assert label["reason"] == "non_html_payload"
    assert counts["warcinfo"] == 2
    assert counts["request"] >= 50
    assert 200 <= counts["response"] <= 300
    # exactly one damaged member, labelled with the id dedup gives a record it cannot read
    assert len(bad_members) == 1
    name, offset = bad_members[0]
    label = by_position[(name, offset)]
    assert label["relation"] == "reject_expected" and label["reason"] == "gzip_error"
    assert label["doc_id"] == positional_id(name, offset)


def test_every_record_has_exactly_one_label(labels, by_position):
    seen = set()
    for name in WARCS:
        for offset, headers, _ in read_warc(CRAWL / name):
            if headers is None or headers["warc-type"] == "response":
                seen.add((name, offset))
    lines = gzip.decompress((CRAWL / JSONL).read_bytes()).decode("utf-8").splitlines()
    seen |= {(JSONL, i) for i in range(len(lines))}
    assert seen == set(by_position)
    assert len(labels) == len(by_position) == len({r["doc_id"] for r in labels})


def test_jsonl_lines(by_position):
    lines = gzip.decompress((CRAWL / JSONL).read_bytes()).decode("utf-8").splitlines()
    assert 35 <= len(lines) <= 45
    problems = Counter()
    for i, line in enumerate(lines):
        label = by_position[(JSONL, i)]
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            problems["bad_json"] += 1
            assert label["reason"] == "bad_json" and label["doc_id"] == positional_id(JSONL, i)
            continue
        assert set(obj) <= {"id", "url", "fetched_at", "html"}
        if obj.get("id") is None:   # a null id (without the field, an id would be derived)
            problems["missing_id"] += 1
            assert label["reason"] == "missing_id" and label["doc_id"] == positional_id(JSONL, i)
            continue
        assert obj["id"] == label["doc_id"] == f"sample-jsonl-{i + 1:04d}"
        assert label["url"] == obj["url"]
    assert problems == {"bad_json": 1, "missing_id": 1}


def test_labels_describe_every_outcome(labels):
    rel = Counter(r["relation"] for r in labels)
    assert set(rel) == {"original", "wire_copy", "exact_dup", "url_variant", "reject_expected"}
    assert 250 <= len(labels) <= 350
    variants = Counter(r["variant"] for r in labels if r["variant"])
    assert variants["recrawl"] >= 10 and variants["rerender"] == 1 and variants["cross_format"] >= 5
    assert variants["http"] + variants["utm"] >= 8
    assert Counter(r["reason"] for r in labels if r["reason"]) == {
        "gzip_error": 1, "non_html_payload": 1, "no_text": 1, "bad_json": 1, "missing_id": 1}
    assert {r["licence_expected"] for r in labels} == {
        "CC-BY-4.0", "LicenseRef-all-rights-reserved", "NOASSERTION", None}
    assert sum(1 for r in labels if r["quirk"] == "invalid_utf8") == 1
    hard = Counter(r["hard_negative"].split(":")[0] for r in labels if r["hard_negative"])
    assert hard["shared_template"] >= 3 and hard["same_people"] >= 2
    by_id = {r["doc_id"]: r for r in labels}
    for r in labels:
        if r["relation"] in ("exact_dup", "url_variant"):
            target = by_id[r["duplicate_of"]]
            assert target["relation"] in ("original", "wire_copy")
            assert target["story_id"] == r["story_id"]
        else:
            assert r["duplicate_of"] is None
        if r["relation"] == "wire_copy":
            assert r["wire_agency"] and r["licence_expected"] == "LicenseRef-all-rights-reserved"


def test_wire_stories_are_syndicated(labels):
    stories = [json.loads(line) for line in STORIES.read_text(encoding="utf-8").splitlines()]
    assert 55 <= len(stories) <= 75
    # copies = distinct pages of the story (the corrupt record is one of them, a re-crawl is not)
    urls: dict[str, set] = {}
    for r in labels:
        if r["relation"] in ("wire_copy", "reject_expected") and r["story_id"]:
            urls.setdefault(r["story_id"], set()).add(r["url"])
    copies = {sid: len(u) for sid, u in urls.items()}
    wire = [s for s in stories if s["kind"] == "wire"]
    assert len(wire) >= 25
    for s in wire:
        assert 2 <= copies.get(s["story_id"], 0) <= 8, s["story_id"]
    agencies = {s["wire_agency"] for s in wire}
    assert {"Reuters", "AP", "AFP"} <= agencies and len(agencies) >= 4


def test_positional_id_matches_the_package():
    rawrows = pytest.importorskip("dedup.sources.rawrows")
    assert rawrows.positional_id(JSONL, 11) == positional_id(JSONL, 11)
