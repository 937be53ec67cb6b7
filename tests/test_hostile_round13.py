"""Hostile inputs and interruptions, round 13 (docs/architecture.md, "Round 13"): `--overwrite`, `publish --to`
and `rehydrate --to` killed while they replace the earlier output. Short fixtures built here; the builds are the
session's (`sample_build`, `sample_release`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import copy_of, file_hashes

from dedup.config import BuildConfig
from dedup.errors import OutputError
from dedup.pipeline import build
from dedup.rehydrate import rehydrate
from dedup.release.publish import publish_to_dir
from dedup.release.verify import verify

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "crawl"
KILLED = 9

# Runs `code` in a fresh process that dies (os._exit: no `finally`, no handler, as under SIGKILL) the moment anything
# is renamed onto `target` (argv[1]), or, with `die_writing` (argv[2]), at the first Parquet file it writes
_CHILD = """
import os, sys
import pyarrow.parquet as pq
target, die_writing = os.path.realpath(sys.argv[1]), sys.argv[2] == "1"

def dying(real):
    def rename(src, dst, *args, **kwargs):
        if os.path.realpath(dst) == target:
            os._exit({killed})
        return real(src, dst, *args, **kwargs)
    return rename

os.replace, os.rename = dying(os.replace), dying(os.rename)
if die_writing:
    pq.write_table = lambda *args, **kwargs: os._exit({killed})
"""


def _killed_while(target: Path, code: str, die_writing: bool = False) -> None:
    script = _CHILD.format(killed=KILLED) + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run([sys.executable, "-c", script, str(target), "1" if die_writing else "0"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == KILLED, f"the run was not stopped where the test meant: {done.stderr[-2000:]}"


def _leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")
                  and not p.name.endswith(".partial"))


@pytest.fixture(scope="module")
def tiny_crawl(tmp_path_factory) -> Path:
    """Two JSONL pages: a build of its own, quicker than the sample's, to replace the sample's build with."""
    crawl = tmp_path_factory.mktemp("tiny") / "tiny.jsonl"
    prose = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 8
    crawl.write_text("".join(f'{{"id": "{i}", "url": "https://tiny.test/{i}", "text": "{prose} Page {i}."}}\n'
                             for i in range(2)), "utf-8")
    return crawl


def test_a_build_killed_while_replacing_its_output_keeps_the_old_one(sample_build, tiny_crawl, tmp_path):
    # main deleted OUT, then renamed the new build in: killed in between, the old output was gone and the new one
    # (a staging folder without its work) was deleted by the next build
    out = copy_of(sample_build, tmp_path / "out")
    before = file_hashes(out)
    _killed_while(out, f"""
        from dedup.config import BuildConfig
        from dedup.pipeline import build
        build([{str(tiny_crawl)!r}], {str(out)!r}, BuildConfig(), overwrite=True)
    """)
    with pytest.raises(OutputError, match="not empty"):  # the next run puts the old output back first
        build([str(tiny_crawl)], out, BuildConfig())
    assert file_hashes(out) == before
    assert _leftovers(out) == []


def test_a_publish_killed_while_replacing_its_folder_keeps_the_old_one(sample_release, tmp_path):
    # main renamed the old folder aside, then the copy in: killed in between, `--to` was gone and the old folder
    # stayed hidden as `.<to>.old-<pid>` for good; the next publish never looked for it
    release, _ = sample_release
    dest = publish_to_dir(release, tmp_path / "site")
    before = file_hashes(dest)
    _killed_while(dest, f"""
        from pathlib import Path
        from dedup.release.publish import publish_to_dir
        publish_to_dir(Path({str(release)!r}), Path({str(dest)!r}), overwrite=True)
    """)
    with pytest.raises(OutputError, match="not empty"):
        publish_to_dir(release, dest)
    assert file_hashes(dest) == before and verify(dest) == []
    assert _leftovers(dest) == []


@pytest.mark.parametrize("die_writing", [True, False], ids=["writing", "swapping"])
def test_a_rehydrate_killed_while_writing_its_folder_keeps_the_old_one(sample_build, tmp_path, die_writing):
    # main deleted `--to` first, then wrote the new dataset into it: killed while writing, both were lost
    to = tmp_path / "to"
    rehydrate(sample_build, [str(SAMPLE)], to)
    before = file_hashes(to)
    _killed_while(to, f"""
        from pathlib import Path
        from dedup.rehydrate import rehydrate
        rehydrate(Path({str(sample_build)!r}), [{str(SAMPLE)!r}], Path({str(to)!r}), overwrite=True)
    """, die_writing)
    with pytest.raises(OutputError, match="not empty"):
        rehydrate(sample_build, [str(SAMPLE)], to)
    assert file_hashes(to) == before
    assert _leftovers(to) == []


# ---------------------------------------------------------------- control characters in text records

_PROSE = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3
_CONTROLLED = f"{_PROSE}\x00\x00Pier\x01 works\x1b[1m begin\x7f soon:\tat dawn.\x0cNext page.\n\n{_PROSE}"
_CLEAN = f"{_PROSE}Pier works[1m begin soon:\tat dawn.\x0cNext page.\n\n{_PROSE}"


def _text_records(folder: Path) -> Path:
    """The same text, NULs and escape codes in it, as a JSONL record (a JSON escape), a Parquet row and a WARC
    text/plain response."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"id": "j", "url": "https://a.test/j", "text": _CONTROLLED}) + "\n")
    pq.write_table(pa.table({"id": ["p"], "url": ["https://a.test/p"], "text": [_CONTROLLED]}), folder / "b.parquet")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + _CONTROLLED.encode()
    (folder / "c.warc").write_bytes(
        (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:w>\r\nWARC-Target-URI: https://a.test/w\r\n"
         f"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
         f"Content-Length: {len(http)}\r\n\r\n").encode() + http + b"\r\n\r\n")
    return folder


def _read_all(folder: Path) -> tuple[dict[str, dict], dict[str, int]]:
    from collections import Counter

    from dedup.sources.inputs import expand_inputs
    from dedup.sources.read import read_input

    stats: Counter = Counter()
    rows = {r["doc_id"]: r for f in expand_inputs([str(folder)], []) for b in read_input(f, stats)
            for r in b.to_pylist()}
    return rows, {k: v for k, v in stats.items() if k.startswith("tolerated.")}


def test_control_characters_leave_the_text_of_every_format_and_are_counted(tmp_path):
    # main published them: a NUL that PostgreSQL refuses in text, a terminal's escape codes, DEL
    rows, tolerated = _read_all(_text_records(tmp_path / "crawl"))
    assert {d: (r["reject_reason"], r["text"]) for d, r in rows.items()} == {
        "j": (None, _CLEAN), "p": (None, _CLEAN), "<urn:uuid:w>": (None, _CLEAN)}
    assert tolerated == {"tolerated.control_characters": 3}


def test_a_text_record_of_binary_data_keeps_its_bytes_and_stays_a_reject(tmp_path):
    # removing the control characters first would hide what tells binary data from text
    import random

    from dedup.text.extract import _extract_row
    from dedup.text.normalise import without_controls

    rng = random.Random(13)
    junk = "".join(chr(rng.randrange(0, 128)) for _ in range(6000))
    assert without_controls(junk) is junk
    assert _extract_row(None, junk, "https://a.test/b", None, "a.test")["reject_reason"] == "non_html_payload"
    assert without_controls(_PROSE) is _PROSE   # no control character: the same string


# ---------------------------------------------------------------- control characters in pages and URLs

_LD = '{"@context": "https://schema.org", "@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane\\u0007 Doe"}}'
# raw (BEL, ESC, DEL) and as character references, which HTML5 parsers decode to the control (`&#0;` is U+FFFD)
_CONTROLLED_PAGE = (
    '<html><head><title>Harbour board\x1b[1m agrees&#7; pier repairs</title>'
    '<meta property="og:title" content="Harbour board agrees&#x1b; pier repairs">'
    f'<script type="application/ld+json">{_LD}</script></head><body><article><h1>Harbour board agrees pier repairs</h1>'
    f'<p>{_PROSE}</p><p>Pier\x07 works&#7; begin&#x7f; soon\x7f at&#x1b;[0m dawn&#0;.</p><p>{_PROSE}</p></article></body></html>')


def _page_records(folder: Path, pages: dict[str, str], url: str = "https://a.test/{}") -> Path:
    import json

    folder.mkdir()
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": i, "url": url.format(i), "html": page}) + "\n"
                                            for i, page in pages.items()))
    return folder


def _ingested(folder: Path, tmp_path: Path) -> tuple[dict[str, dict], dict[str, int]]:
    """The docs rows and the run.json `tolerated` counters `ingest_file` (what a build runs) makes of `folder`."""
    import pyarrow.parquet as pq

    from dedup.ingest import ingest_file
    from dedup.sources.inputs import expand_inputs

    (inp,) = expand_inputs([str(folder)], [])
    done = ingest_file(inp, tmp_path / "docs.parquet", 10 << 20)
    rows = {r["doc_id"]: r for r in pq.read_table(tmp_path / "docs.parquet").to_pylist()}
    return rows, {k: v for k, v in done["stats"].items() if k.startswith("tolerated.")}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [s for v in value.values() for s in _strings(v)] if isinstance(value, dict) else []


def test_control_characters_leave_every_string_extracted_from_a_page_and_are_counted(tmp_path):
    # hostile14 published them in the text, the title (a terminal's ESC [1m), html_title and authors (a JSON-LD
    # escape): an HTML parser drops only NUL, and decodes `&#7;` to U+0007
    import re

    clean = _CONTROLLED_PAGE.replace("\x07", "").replace("\x1b", "").replace("\x7f", "")
    clean = re.sub("&#(?:7|x1b|x7f);", "", clean).replace("\\u0007", "")
    rows, tolerated = _ingested(_page_records(tmp_path / "crawl", {"c": _CONTROLLED_PAGE, "k": clean}), tmp_path)
    controlled, kept = rows["c"], rows["k"]
    assert controlled["reject_reason"] is None
    assert [s for s in _strings(controlled) if re.search("[\x00-\x08\x0e-\x1f\x7f]", s)] == []
    assert controlled["title"] == "Harbour board agrees pier repairs"
    assert controlled["html_title"] == "Harbour board[1m agrees pier repairs"
    assert controlled["authors"] == ["Jane Doe"]
    assert "Pier works begin soon at[0m dawn\ufffd." in controlled["blocks"]   # &#0; is U+FFFD (HTML5)
    # the same page written without them gives the same row, and is not counted
    own = ("doc_id", "url", "source_offset")
    assert {k: v for k, v in controlled.items() if k not in own} == {k: v for k, v in kept.items() if k not in own}
    assert tolerated == {"tolerated.control_characters": 1}


def test_a_url_holding_control_characters_is_read_as_the_whatwg_url_parser_reads_it(tmp_path):
    # hostile14 published the URL as it came (BEL, tab, new line in `url`): a browser strips C0 controls and spaces
    # at either end, removes tab / LF / CR anywhere, percent-encodes the other controls (DEL too)
    pages = {"u": _CONTROLLED_PAGE.replace("\x07", ""), "v": _CONTROLLED_PAGE}
    rows, tolerated = _ingested(_page_records(tmp_path / "crawl", pages, " \x1bhttps://News.a.test/p\x07{}?q=1\t2\n "),
                                tmp_path)
    assert {d: (r["url"], r["domain"]) for d, r in rows.items()} == {
        "u": ("https://News.a.test/p%07u?q=12", "news.a.test"), "v": ("https://News.a.test/p%07v?q=12", "news.a.test")}
    assert tolerated == {"tolerated.url_control_characters": 2, "tolerated.control_characters": 2}

    from dedup.text.normalise import url_without_controls

    assert url_without_controls("\x00\x1f https://a.test/\x7fx\ty\n?q=\x07#f\x1bg \t\x01") == \
        "https://a.test/%7Fxy?q=%07#f%1Bg"
    plain = "https://a.test/a b"   # no control character: the same string (a space inside stays)
    assert url_without_controls(plain) is plain


# ---------------------------------------------------------------- an HTTP body past its Content-Length

def test_an_http_body_past_its_content_length_is_kept_whole_and_counted(tmp_path):
    # a browser stops at the length; warcio reads the whole block, and a crawler that stored the body it decoded
    # under the length it was sent writes such records: kept whole, as before, but no longer unsaid
    page = b"<html><body><p>" + b"The pier repairs start in May. " * 6 + b"</p></body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 40\r\n\r\n" + page
    (tmp_path / "c.warc").write_bytes(
        (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:w>\r\nWARC-Target-URI: https://a.test/w\r\n"
         f"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
         f"Content-Length: {len(http)}\r\n\r\n").encode() + http + b"\r\n\r\n")
    rows, tolerated = _read_all(tmp_path)
    assert rows["<urn:uuid:w>"]["html"] == page
    assert tolerated == {"tolerated.http_body_past_content_length": 1}


# ---------------------------------------------------------------- Dask: the only worker dies

def _dies_once(flag: str, i: int, shared: list) -> int:
    if i == 1 and not os.path.exists(flag):
        Path(flag).write_text("died")
        os._exit(1)
    return i + len(shared)


def _dies_always(i: int) -> int:
    if i == 1:
        os._exit(1)
    return i


@pytest.fixture(scope="module")
def one_worker():
    pytest.importorskip("distributed", reason="the Dask engine needs `pip install -e '.[dask]'`")
    import cloudpickle

    from dedup.engine.dask_engine import open_client

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with open_client(workers=1, processes=True) as client:
            yield client
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.mark.slow
def test_a_step_whose_only_worker_dies_runs_again_from_a_fresh_scatter(one_worker, tmp_path):
    # `--workers 1`: the shared argument was scattered to the one worker and died with it; every task still to run
    # was cancelled ("already forgotten") and the build died with dask's traceback (exit 1)
    from dedup.engine.dask_engine import map_parts

    shared = list(range(100))
    flag = str(tmp_path / "died")
    assert map_parts(one_worker, _dies_once, [(flag, i, shared) for i in range(4)]) == [100, 101, 102, 103]
    assert os.path.exists(flag)


@pytest.mark.slow
def test_a_task_that_kills_its_worker_each_time_ends_in_worker_lost(one_worker):
    # dask's KilledWorker reached the command line as a traceback, exit code 1 ("a bug"); it is exit 2 now. Which of
    # the two WorkerLost messages comes depends on the machine's load: dask gives the task up ("died each time"), or,
    # on a loaded machine (load 14 seen), the nanny gives up restarting the worker first ("none could be started")
    from dedup.engine.dask_engine import map_files
    from dedup.errors import WorkerLost

    with pytest.raises(WorkerLost, match="died each time|died and none could be started again"):
        map_files(one_worker, _dies_always, [0, 1, 2])
