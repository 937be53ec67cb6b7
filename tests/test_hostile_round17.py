"""Hostile inputs and interruptions, round 17 (docs/architecture.md, "Round 17"): a build killed while it deletes a
work folder (its own at the end, an earlier build's under `--fresh`) leaves no half of that work for the next run to
resume; URLs as a browser reads them (credentials after `http:` and backslashes, a backslash that ends the
authority, full-width and ideographic spellings of a host); a JSONL `url` of another type than a string is counted.
Short fixtures built here, the sample crawl's small file and its session build (`small_build`).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import SAMPLE_SMALL, copy_of, parquet_hashes
from typer.testing import CliRunner

from dedup.cli import app
from dedup.config import BuildConfig
from dedup.errors import OutputError
from dedup.pipeline import build
from dedup.release import package as packaging
from dedup.release.files import CARD
from dedup.release.manifest import TMP
from dedup.release.verify import verify
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input
from dedup.text.normalise import refused_host, registered_domain, without_userinfo
from dedup.workdir import WORK, staging_folder
from test_resume import Stop, StopAt


class Killed(BaseException):
    """The process dying where the test means (nothing after it runs: the folder is left as it is)."""


def _dying_rmtree(monkeypatch, when: str, gone: tuple[str, ...]) -> None:
    """`shutil.rmtree` of a folder that holds the file `when` deletes `gone` of it (what ext4's hash order may reach
    first), then the process dies."""
    real = shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if (Path(path) / when).is_file():
            for name in gone:
                real(Path(path) / name) if (Path(path) / name).is_dir() else (Path(path) / name).unlink()
            raise Killed(str(path))
        return real(path, *args, **kwargs)
    monkeypatch.setattr(shutil, "rmtree", rmtree)


def test_a_build_killed_while_deleting_its_work_folder_builds_again_to_the_same_bytes(small_build, tmp_path,
                                                                                       monkeypatch):
    # main deleted `_work` in place once the output was written: killed there, stage markers stayed whose files were
    # gone, and every later run of the command (with --overwrite too) stopped with a FileNotFoundError traceback
    # until --fresh
    out = tmp_path / "out"
    _dying_rmtree(monkeypatch, "write.done", ("rights", "write.done"))
    with pytest.raises(Killed):
        build([str(SAMPLE_SMALL)], out, BuildConfig(), workers=1)
    monkeypatch.undo()
    assert not out.exists()
    report = build([str(SAMPLE_SMALL)], out, BuildConfig(), workers=1)
    assert parquet_hashes(out) == parquet_hashes(small_build) and report.counts.accounting_ok
    assert not staging_folder(out).exists()


def test_a_fresh_build_killed_while_deleting_the_old_work_leaves_none_to_resume(small_build, tmp_path, monkeypatch):
    # main deleted the staging folder in place: `--fresh` killed there left the interrupted build's markers without
    # their files, which the next run (resuming, the default) trusted
    out = tmp_path / "out"
    with pytest.raises(Stop):
        build([str(SAMPLE_SMALL)], out, BuildConfig(), workers=1, progress=StopAt("write"))
    _dying_rmtree(monkeypatch, f"{WORK}/rights.done", (f"{WORK}/rights",))
    with pytest.raises(Killed):
        build([str(SAMPLE_SMALL)], out, BuildConfig(), workers=1, resume=False)
    monkeypatch.undo()
    report = build([str(SAMPLE_SMALL)], out, BuildConfig(), workers=1)
    assert parquet_hashes(out) == parquet_hashes(small_build) and report.counts.accounting_ok


def test_a_release_on_a_full_disk_is_exit_code_2_and_packages_again(small_build, tmp_path, monkeypatch):
    # main: an OSError traceback, exit code 1 ("internal error: a bug"), and the card's temporary file left behind
    out = copy_of(small_build, tmp_path / "out")
    real = packaging.write_text

    def full_disk(path: Path, text: str) -> None:
        if path.name == CARD:   # the disk fills while the card is written
            path.with_name(path.name + TMP).write_text(text[:100], "utf-8")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, text)
    monkeypatch.setattr(packaging, "write_text", full_disk)
    result = CliRunner().invoke(app, ["release", str(out)])
    assert result.exit_code == 2, result.output
    said = "".join(result.output.split())   # (the message as one word: wherever the terminal width wrapped it)
    assert "nospaceleftonthedevice" in said and f"`deduprelease{out}`again" in said
    assert not list(out.glob(f"*{TMP}")) and verify(out)   # nothing half written; no release that verifies
    monkeypatch.undo()
    packaging.package(out)
    assert verify(out) == []


def test_a_publish_the_disk_stops_says_why_in_one_line(sample_release, tmp_path, monkeypatch):
    # main printed `shutil.Error`'s list of every file pair it could not copy (a screenful on a full disk)
    from dedup.release import publish
    copied = [(f"/r/f{i}", f"/to/f{i}", "[Errno 28] No space left on device") for i in range(3)]

    def full_disk(src, dst, *args, **kwargs):
        raise shutil.Error(copied)
    monkeypatch.setattr(publish.shutil, "copytree", full_disk)
    with pytest.raises(OutputError) as caught:
        publish.publish_to_dir(sample_release[0], tmp_path / "site")
    said = str(caught.value)
    assert "[Errno 28] No space left on device (and 2 other files); nothing was published" in said, said
    assert "/to/f1" not in said and not (tmp_path / "site").exists()


def test_explain_prints_a_doc_id_of_several_lines_on_one(monkeypatch):
    # main printed the id's new line as one: `a` then a line of its own that read as the record's licence
    from dedup import cli
    forged = "a\n           licence_class: open"
    monkeypatch.setattr(cli, "lookup", lambda out, doc_id: {"table": "data", "doc_id": forged,
                                                            "licence_class": "all-rights-reserved"})
    monkeypatch.setattr(cli, "describe_removals", lambda out, row: ["nothing"])
    result = CliRunner().invoke(app, ["explain", "OUT", forged])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0].strip() for line in lines] == ["table", "doc_id", "licence_class", "removed"], lines
    assert "a\\n           licence_class: open" in lines[1]


# ---------------------------------------------------------------- URLs as a browser reads them

_PROSE = "The harbour board met on Tuesday and agreed the repairs to the north pier. " * 3


def _read_all(folder: Path) -> tuple[dict[str, dict], dict[str, int]]:
    stats: Counter = Counter()
    rows = {r["doc_id"]: r for f in expand_inputs([str(folder)], []) for b in read_input(f, stats)
            for r in b.to_pylist()}
    return rows, {k: v for k, v in stats.items() if k.startswith("tolerated.")}


def _jsonl(tmp_path: Path, urls: dict[str, object]) -> Path:
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": i, "url": u, "text": f"{_PROSE} {i}"}) + "\n"
                                            for i, u in urls.items()), "utf-8")
    return folder


def test_credentials_a_browser_would_send_are_never_published(tmp_path):
    # main kept `http:\\user:pw@a.test/` whole (its pattern wanted `//` after the scheme), and published
    # `http://u:p@x.test\@y.test/` as `http://y.test/`: it cut to the last `@`, past the `\` that ends the authority
    rows, _ = _read_all(_jsonl(tmp_path, {
        "bs": "http:\\\\user:pw@a.test/1", "mixed": "https:/\\user:pw@a.test/2", "none": "http:user:pw@a.test/3",
        "three": "https:///user:pw@a.test/4", "at": "http://u:p@x.test\\@y.test/5", "plain": "https://u:p@a.test/6",
        "other": "foo://u:p@x.test\\@y.test/7"}))
    assert {d: r["url"] for d, r in rows.items()} == {
        "bs": "http:\\\\a.test/1", "mixed": "https:/\\a.test/2", "none": "http:a.test/3", "three": "https:///a.test/4",
        "at": "http://x.test\\@y.test/5", "plain": "https://a.test/6",
        "other": "foo://y.test/7"}   # (no special scheme: `\` is no delimiter there, browsers agree)



def test_a_url_without_credentials_keeps_its_host_and_a_second_pass_changes_nothing():
    # review of round 17: where the browser's reading found no credentials the generic pattern still ran and cut
    # `https://example.com\@evil.test/` to `https://evil.test/`, and a second pass of a cleaned URL cut it again
    for url in ("https://example.com\\@evil.test/", "http://x.test\\@y.test/5", "http://u:p@x.test\\@y.test/5",
                "https://u:p@a.test/6", "foo://u:p@x.test\\@y.test/7", "mailto:a@b.test"):
        once = without_userinfo(url)
        assert without_userinfo(once) == once, url
        assert registered_domain(once) == registered_domain(url), url
    assert without_userinfo("https://example.com\\@evil.test/") == "https://example.com\\@evil.test/"

def test_one_host_spelled_as_a_browser_reads_it_is_one_domain():
    # main: the full-width and ideographic spellings were sites of their own, the host after backslashes or without
    # slashes none, and `http://example.com\@evil.test/` the site evil.test
    same = ["https://example.com/", "HTTPS://WWW.EXAMPLE.COM.:8443/", "https://u:p@example.com/",
            "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d/", "https://example\u3002com/",
            "https://example\uff61com\u3002/", "https:\\\\example.com\\a", "https:example.com/a", "https:///example.com/a",
            "https://example.com\\@evil.test/"]
    assert {u: registered_domain(u) for u in same} == {u: "example.com" for u in same}
    assert registered_domain("https://\uff42\u00fccher\u3002example/") == registered_domain(
        "https://xn--bcher-kva.example/") == "b\u00fccher.example"
    # a character NFKC maps to a forbidden one is refused as that one (a full-width solidus is a `/`)
    for refused in ("https://a\uff0fb.test/", "https://a%EF%BC%8Fb.test/", "https://xn--ab-1u3n.test/"):
        assert registered_domain(refused) is None and refused_host(refused), refused
    # a URL urllib cannot split (`http://[::1`, which the WHATWG parser refuses too) is counted as refused (main: not)
    assert registered_domain("http://[::1") is None and refused_host("http://[::1")
    assert not refused_host("https://example\u3002com/") and not refused_host("mailto:a@b.test")


def test_a_url_of_another_type_than_a_string_is_counted(tmp_path):
    # main dropped it in silence: the record was kept without a URL and run.json said nothing
    rows, tolerated = _read_all(_jsonl(tmp_path, {"n": 12345, "l": ["https://a.test/"], "o": {"href": "x"},
                                                  "b": True, "null": None, "s": "https://a.test/s"}))
    assert {d: (r["url"], r["reject_reason"]) for d, r in rows.items()} == {
        "n": (None, None), "l": (None, None), "o": (None, None), "b": (None, None), "null": (None, None),
        "s": ("https://a.test/s", None)}
    assert tolerated == {"tolerated.url_not_a_string": 4}
