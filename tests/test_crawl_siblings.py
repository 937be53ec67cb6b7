"""The files a crawl's folder holds beside its WARC files, as Common Crawl and the WARC tools lay them out: CDX and
CDXJ indexes (`X.warc.gz.cdxj`, `cdx-00000.gz`, a classic `.cdx`), lists of the crawl's files (`warc.paths.gz`).

They are no crawl data: named in run.json's `files_not_read` with why, never a reject row that stands for no
record (each was an `unknown_format` reject, named as crawl data by `.warc.` or `.gz` in its name)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from dedup.sources.inputs import FileNotRead, expand_inputs

from conftest import REPO

WARC = REPO / "samples" / "crawl" / "sample-00000.warc.gz"
CDXJ = ('org,example)/news/a 20230901031400 {"url": "https://example.org/news/a", "mime": "text/html", '
        '"status": "200", "digest": "sha1:AAAA", "length": "5402", "offset": "634", '
        '"filename": "crawl-data/CC-MAIN-2023-40/segments/1/warc/CC-MAIN-20230901-00000.warc.gz"}\n')
CDX11 = (" CDX N b a m s k r M S V g\n"
         "org,example)/news/a 20230901031400 https://example.org/news/a text/html 200 AAAA - - 5402 634 "
         "CC-MAIN-20230901-00000.warc.gz\n")
PATHS = ("crawl-data/CC-MAIN-2023-40/segments/1/warc/CC-MAIN-20230901-00000.warc.gz\n"
         "crawl-data/CC-MAIN-2023-40/segments/1/warc/CC-MAIN-20230901-00001.warc.gz\n")


def _crawl_folder(root: Path) -> Path:
    warc = root / "crawl" / "warc"
    warc.mkdir(parents=True)
    shutil.copy(WARC, warc / "CC-MAIN-20230901-00000.warc.gz")
    (warc / "CC-MAIN-20230901-00000.warc.gz.cdxj").write_text(CDXJ)
    (warc / "CC-MAIN-20230901-00000.warc.cdx").write_text(CDX11)
    (warc / "cdx-00000.gz").write_bytes(gzip.compress(CDXJ.encode()))
    (root / "crawl" / "warc.paths.gz").write_bytes(gzip.compress(PATHS.encode()))
    return root / "crawl"


def test_indexes_and_path_lists_beside_the_warc_files_are_named_not_read(tmp_path):
    crawl = _crawl_folder(tmp_path)
    not_read: list[FileNotRead] = []
    found = expand_inputs([str(crawl)], not_read)
    assert [f.name for f in found] == ["warc/CC-MAIN-20230901-00000.warc.gz"]
    why = {n.file: n.why for n in not_read}
    assert sorted(why) == ["warc.paths.gz", "warc/CC-MAIN-20230901-00000.warc.cdx",
                           "warc/CC-MAIN-20230901-00000.warc.gz.cdxj", "warc/cdx-00000.gz"]
    assert all("index" in w or "list of" in w for w in why.values()), why


def test_a_glob_that_matches_an_index_reads_the_crawl_files_and_names_the_index(tmp_path):
    crawl = _crawl_folder(tmp_path)
    not_read: list[FileNotRead] = []
    found = expand_inputs([str(crawl / "warc" / "*.gz*")], not_read)
    assert [f.name for f in found] == ["CC-MAIN-20230901-00000.warc.gz"]
    assert sorted(n.file for n in not_read) == ["CC-MAIN-20230901-00000.warc.gz.cdxj", "cdx-00000.gz"]


def test_a_file_that_looks_like_an_index_but_holds_records_is_still_read(tmp_path):
    # JSON Lines records whose name says `.cdx`-like things are read by content, as before
    f = tmp_path / "cdx-00000.jsonl.gz"
    f.write_bytes(gzip.compress(b'{"id": "1", "url": "https://example.org/a", "text": "A story."}\n'))
    assert [i.format for i in expand_inputs([str(f)])] == ["jsonl"]
