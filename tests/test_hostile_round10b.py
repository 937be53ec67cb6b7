"""Hostile input, round 10b: the leftovers round 10 noticed and left alone (docs/architecture.md)."""
from __future__ import annotations

import json
from collections import Counter

from test_hostile_builds import html_page, warc_response
from test_hostile_round10 import read_lying_lengths
from test_hostile_round4 import rows


def _arc(url: str, body: bytes, length: int | None = None) -> bytes:
    block = (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + str(len(body)).encode()
             + b"\r\n\r\n" + body)
    return (f"{url} 10.0.0.1 20100102030405 text/html {len(block) if length is None else length}\n"
            ).encode() + block + b"\n"


def test_an_arc_length_past_max_payload_and_past_the_end_of_the_file_is_read_as_a_smaller_one_is(tmp_path) -> None:
    """Round 10 read a WARC Content-Length over max_payload that runs past the end of its file as a smaller wrong
    length (the file ends first: what is there is the record); an ARC length did not and stayed a
    `payload_too_large` reject of a whole record. Bytes there over max_payload stay `payload_too_large`."""
    pages = [html_page(f"Arc max {n}", n).encode() for n in range(2)]

    def file_bytes(claimed: int, cut: int) -> bytes:
        last = _arc("http://arc-max.test/1", pages[1], claimed)
        return _arc("http://arc-max.test/0", pages[0]) + (last[:-cut] if cut else last)

    out = read_lying_lengths(tmp_path, ".arc", file_bytes, 200, "url")
    assert out["huge"] == ([("http://arc-max.test/0", None), ("http://arc-max.test/1", None)], 1)
    assert out["over"] == ([("http://arc-max.test/0", None), ("http://arc-max.test/1", None)], 1)
    assert out["over-cut"] == ([("http://arc-max.test/0", None), ("http://arc-max.test/1", "truncated_record")], 0)
    assert [reason for _, reason in out["small"][0]] == ["payload_too_large", "payload_too_large"]


def test_jsonl_ids_with_broken_utf8_keep_their_identity_on_a_line_of_several_objects(tmp_path) -> None:
    """Round 10 kept the bytes no UTF-8 holds in a JSONL id as `\\xNN` for a line of one object; the objects of a
    line holding several (`{...}{...}`) still had U+FFFD there, so `\\xff1` and `\\xfe1` were one id and the
    second a `repeated_doc_id` reject."""
    path = tmp_path / "glued.jsonl"
    objs = [b'{"id": "' + raw + b'", "html": ' + json.dumps(html_page(f"Glued {n}", n)).encode() + b"}"
            for n, raw in enumerate([b"\xff1", b"\xfe1", b"\xe2\x821", b"ok\xef\xbf\xbd"])]
    path.write_bytes(objs[0] + objs[1] + b"\n" + objs[2] + b" " + objs[3] + b"\n")
    stats: Counter = Counter()
    out = rows(path, stats)
    assert [(r["doc_id"], r["reject_reason"]) for r in out] == [
        ("\\xff1", None), ("\\xfe1", None), ("\\xe2\\x821", None), ("ok\ufffd", None)]
    assert stats["tolerated.id_not_utf8"] == 3


def test_a_folded_warc_target_uri_is_joined_without_the_folds_whitespace(tmp_path) -> None:
    """A WARC-Target-URI folded over two header lines kept the fold's whitespace as `%20`
    (`https://a.test/long%20path`): a URI holds no whitespace (RFC 3986), the fold is the writer's line wrap."""
    rec = warc_response("<urn:uuid:fold>", "https://a.test/longpath", html_page("Folded", 0).encode())
    path = tmp_path / "fold.warc"
    path.write_bytes(rec.replace(b"https://a.test/long", b"https://a.test/long\r\n   \t", 1))
    assert b"long\r\n   \tpath" in path.read_bytes()
    out = rows(path, Counter())
    assert [(r["url"], r["reject_reason"]) for r in out] == [("https://a.test/longpath", None)]


def test_a_json_escape_of_a_byte_as_python_writes_it_is_the_id_of_that_byte(tmp_path) -> None:
    """Decided (round 10b), kept as it is: the JSON escape `\\udcff` and the raw byte 0xff give one id, `\\xff`.
    Python writes a byte no UTF-8 holds, read with `surrogateescape`, as that escape (`json.dumps`): both spell
    the same id. Other lone surrogates keep their `\\uXXXX`; the raw bytes and escapes of real files are not two
    records' ids in one crawl (a crafted pair is a `repeated_doc_id` reject, never a merge in silence)."""
    raw = b"\xff1"
    assert json.dumps(raw.decode("utf-8", errors="surrogateescape")) == '"\\udcff1"'
    path = tmp_path / "spellings.jsonl"
    path.write_bytes(b"".join(b'{"id": "' + given + b'", "html": ' + json.dumps(html_page(f"Spelt {n}", n)).encode()
                              + b"}\n" for n, given in enumerate([raw, b"\\udcff1", b"\\udc7f1"])))
    out = rows(path, Counter())
    assert [r["doc_id"] for r in out] == ["\\xff1", "\\xff1", "\\udc7f1"]
