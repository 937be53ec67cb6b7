"""Hostile inputs, round 12 (docs/architecture.md, "Round 12"): a page whose JSON-LD names thousands of
authors, `--overwrite` given a folder that is not dedup's output, a 204 response with bytes after its head.
Short fixtures built here; the builds are the session's (`sample_build`, `sample_release`).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from conftest import copy_of

from dedup.config import BuildConfig
from dedup.errors import OutputError
from dedup.pipeline import build
from dedup.rehydrate import rehydrate
from dedup.release.package import package
from dedup.release.publish import publish_to_dir
from dedup.release.verify import verify
from dedup.rights.attribution import jsonld_attribution
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input
from dedup.text.extract import _extract_row
from dedup.text.jsonld import MAX_LD_NAMES, ld_entities
from dedup.workdir import OUTPUT_NAMES, check_output, refuse_foreign

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "crawl"
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "do", "fe", "gu", "ha", "ji", "ku", "la")


def _names(n: int) -> list[str]:
    """n distinct names a byline reads as people ('Kaka Kakaka', 'Kaka Kaloka', ...)."""
    pairs = ("".join(p) for p in itertools.product(_SYLLABLES, repeat=2))
    return [f"{a.capitalize()} {b.capitalize()}a" for a, b in itertools.islice(itertools.product(pairs, repeat=2), n)]


def _page(jsonld: object) -> bytes:
    prose = "<p>" + "The council voted on the new budget for the harbour after a long debate. " * 12 + "</p>"
    return (f'<html><head><title>Harbour budget</title><script type="application/ld+json">{json.dumps(jsonld)}'
            f'</script></head><body><h1>Harbour budget</h1>{prose * 4}</body></html>').encode()


def test_a_page_whose_json_ld_names_20000_authors_is_kept_with_its_first_ten():
    # 300 KB of JSON: each name was parsed as a byline and merged into a list (quadratic): the page used its whole
    # extraction budget and was an `extract_timeout` reject, its story lost
    names = _names(20_000)
    row = _extract_row(_page({"@type": "NewsArticle", "headline": "Harbour budget", "author": names}), None,
                       "https://news.test/harbour", None, "news.test")
    assert row.get("reject_reason") is None, row.get("reject_detail")
    assert row["authors"] == names[:10]
    assert any("harbour" in b for b in row["blocks"])


def test_json_ld_name_lists_are_read_to_their_cap():
    names = _names(MAX_LD_NAMES + 50)
    assert [n for n, _ in ld_entities(names, {})] == names[:MAX_LD_NAMES]
    people = [{"@type": "Person", "name": n} for n in names]
    assert len(ld_entities(people, {})) == MAX_LD_NAMES
    assert jsonld_attribution([{"@type": "NewsArticle", "author": people}])["authors"] == names[:MAX_LD_NAMES]
    # one author in each of many article objects: every one kept once, in order
    articles = [{"@type": "NewsArticle", "author": n} for n in names + names[:5]]
    assert jsonld_attribution(articles)["authors"] == names


@pytest.mark.parametrize("stray", ["notes.txt", ".git", "crawl"])
def test_overwrite_never_deletes_a_folder_that_is_not_a_build_output(tmp_path, stray):
    out = tmp_path / "home"
    out.mkdir()
    (out / "run.json").write_text("{}")  # even beside a run.json (a build's files and the user's)
    (out / "data").mkdir()
    (out / stray).mkdir() if stray != "notes.txt" else (out / stray).write_text("keep me")
    with pytest.raises(OutputError, match=f"not dedup's output.*{stray}|{stray}.*not dedup's output"):
        build([str(SAMPLE)], out, BuildConfig(), overwrite=True)
    assert (out / stray).exists()


def test_overwrite_of_a_folder_without_run_json_is_refused(tmp_path):
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    (out / "data" / "mine.parquet").write_bytes(b"PAR1")
    with pytest.raises(OutputError, match="holds no run.json"):
        build([str(SAMPLE)], out, BuildConfig(), overwrite=True)
    assert (out / "data" / "mine.parquet").exists()


def test_overwrite_replaces_an_earlier_build_or_release(sample_release):
    release, _ = sample_release
    assert {p.name for p in release.iterdir()} <= OUTPUT_NAMES
    refuse_foreign(release)  # a release's own files: replaceable
    check_output(release, True, [], None)


def test_rehydrate_overwrite_refuses_a_foreign_folder_and_one_holding_the_crawl(sample_build, tmp_path):
    to = tmp_path / "to"
    to.mkdir()
    (to / "thesis.tex").write_text("keep me")
    with pytest.raises(OutputError, match="not dedup's output"):
        rehydrate(sample_build, [str(SAMPLE)], to, overwrite=True)
    assert (to / "thesis.tex").read_text() == "keep me"
    crawl = tmp_path / "ws" / "data" / "crawl"  # a crawl under a folder that looks like a rehydrated one
    crawl.mkdir(parents=True)
    (crawl / "x.warc.gz").write_bytes((SAMPLE / next(p.name for p in SAMPLE.iterdir())).read_bytes())
    (tmp_path / "ws" / "rehydrate.json").write_text("{}")
    with pytest.raises(OutputError, match="contains the crawl"):
        rehydrate(sample_build, [str(crawl)], tmp_path / "ws", overwrite=True)
    assert (crawl / "x.warc.gz").exists()


def test_publish_overwrite_refuses_a_foreign_folder(sample_release, tmp_path):
    release, _ = sample_release
    dest = tmp_path / "site"
    dest.mkdir()
    (dest / "index.html").write_text("keep me")
    with pytest.raises(OutputError, match="not dedup's output"):
        publish_to_dir(release, dest, overwrite=True)
    assert (dest / "index.html").read_text() == "keep me"


def _warc_response(i: int, status: str, body: bytes) -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\n\r\n".encode() + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{i}>\r\nWARC-Target-URI: https://a.test/{i}"
            f"\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def test_a_204_or_205_response_with_bytes_after_its_head_is_no_page(tmp_path):
    page = b"<html><body><p>" + b"Text no browser shows at this address. " * 20 + b"</p></body></html>"
    crawl = tmp_path / "x.warc"
    crawl.write_bytes(_warc_response(1, "204 No Content", page) + _warc_response(2, "204 No Content", b"")
                      + _warc_response(3, "200 OK", page) + _warc_response(4, "205 Reset Content", page))
    rows = [r for b in read_input(expand_inputs([str(crawl)], [])[0]) for r in b.to_pylist()]
    got = {r["doc_id"]: (r["reject_reason"], r["reject_detail"]) for r in rows}
    assert got["<urn:uuid:1>"][0] == "http_status" and "HTTP status 204" in got["<urn:uuid:1>"][1]
    assert got["<urn:uuid:2>"][0] == "empty_payload"  # no bytes there: as before
    assert got["<urn:uuid:3>"][0] is None
    assert got["<urn:uuid:4>"][0] == "http_status" and "HTTP status 205" in got["<urn:uuid:4>"][1]


def test_a_release_killed_before_a_rename_is_packaged_again(sample_build, tmp_path):
    # `dedup release` writes each file through `<name>.tmp`; killed between the write and the rename, the next run
    # listed the half file in manifest.json, then renamed it away: that release never verified ("listed in
    # manifest.json but missing")
    out = copy_of(sample_build, tmp_path / "out")
    package(out, name="news-sample", version="1.0.0")
    (out / "README.md.tmp").write_text((out / "README.md").read_text()[:100])
    (out / "SHA256SUMS.tmp").write_text("")
    package(out, name="news-sample", version="1.0.0")
    assert verify(out) == []
    assert not list(out.glob("*.tmp")) and ".tmp" not in (out / "manifest.json").read_text()
    refuse_foreign(out)  # and such leftovers are a release's own, replaceable by --overwrite
