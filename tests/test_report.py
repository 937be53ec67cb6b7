"""report.html: one self-contained page (inline CSS and SVG, no scripts, nothing loaded from the network)
built from the release folder; it parses, shows run.json's figures, is deterministic and renders in a
real headless browser without console errors."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dedup.errors import ReleaseError
from dedup.release.report import REPORT, write_report

from conftest import copy_of



@pytest.fixture(scope="module")
def built(sample_build, tmp_path_factory) -> Path:
    """The sample build, copied: the report is written into the folder."""
    return copy_of(sample_build, tmp_path_factory.mktemp("report") / "news-sample")


@pytest.fixture(scope="module")
def report(built) -> Path:
    return write_report(built)


class _Page(HTMLParser):
    """Collects tags, the URL-bearing attributes and the text of a page, failing on unbalanced tags."""

    VOID = {"meta", "br", "img", "link", "input", "hr", "rect", "line", "path", "circle"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in {"src", "href", "srcset", "action", "data", "poster", "xlink:href"} and v is not None:
                self.urls.append((tag, k, v))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in {"src", "href", "xlink:href"} and v is not None:
                self.urls.append((tag, k, v))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    assert not page.stack, f"unclosed tags: {page.stack}"
    return page


def test_report_parses_and_shows_the_figures_of_run_json(built, report):
    assert report == built / REPORT and report.is_file()
    page = parse(report)
    text = " ".join(page.text)
    counts = json.loads((built / "run.json").read_text("utf-8"))["counts"]
    for key in ("input_records", "canonical", "duplicates", "rejects", "clusters"):
        assert f"{counts[key]:,}" in text, key
    assert page.tags.count("svg") >= 5
    assert "script" not in page.tags and "iframe" not in page.tags
    for heading in ("syndicated", "Boilerplate", "Licence class", "Wire agency", "Rejects by reason", "S-curve"):
        assert heading in text, heading


def test_report_loads_nothing_from_outside(report):
    page = parse(report)
    raw = report.read_text("utf-8")
    for tag, attr, value in page.urls:
        if re.match(r"(?i)^\s*(https?:)?//", value):
            assert (tag, attr) == ("a", "href"), f"<{tag} {attr}={value!r}> loads an external resource"
    assert "<link" not in raw and "<script" not in raw and "@import" not in raw
    assert not re.search(r"(?i)url\(\s*['\"]?(https?:)?//", raw), "CSS url() to the network"


def test_report_lists_the_most_syndicated_stories(built, report):
    import polars as pl

    data = pl.concat([pl.read_parquet(p) for p in sorted((built / "data").rglob("*.parquet"))],
                     how="diagonal_relaxed")
    raw = report.read_text("utf-8")
    biggest = data.sort(["cluster_size", "cluster_id"], descending=[True, False]).row(0, named=True)
    assert html.escape(biggest["title"]) in raw
    assert f'href="{html.escape(biggest["canonical_url"])}"' in raw
    assert raw.count("<tr>") >= min(15, data.height)


def test_report_is_deterministic(built, report, tmp_path):
    first = report.read_bytes()
    assert write_report(built).read_bytes() == first
    copy = tmp_path / "news-sample"
    shutil.copytree(built, copy)
    (copy / REPORT).unlink()
    assert write_report(copy).read_bytes() == first


def test_report_escapes_text(built, tmp_path):
    copy = tmp_path / "evil"
    shutil.copytree(built, copy)
    run = json.loads((copy / "run.json").read_text("utf-8"))
    run["rejects_by_reason"] = {}
    run["near_duplicates"]["boilerplate_top"]["<script>alert(1)</script>.example"] = [
        {"pages": 3, "stories": 3, "text": '<img src="https://evil.example/x.png">'}]
    (copy / "run.json").write_text(json.dumps(run), "utf-8")
    raw = write_report(copy, name="<b>x</b>").read_text("utf-8")
    assert "<script" not in raw and "<img" not in raw and "<b>x</b>" not in raw
    assert "&lt;script&gt;" in raw and "&lt;b&gt;x&lt;/b&gt;" in raw


def test_report_refuses_a_folder_that_is_not_a_build(tmp_path):
    with pytest.raises(ReleaseError, match="run.json"):
        write_report(tmp_path)


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def test_report_renders_in_headless_chromium(report, tmp_path):
    browser = _chromium()
    if not browser:
        pytest.skip("chromium not found (/usr/bin/chromium or on PATH); install it (apt-get install chromium) "
                    "to render report.html in a real browser")
    shot = tmp_path / "report.png"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
           f"--screenshot={shot}", "--window-size=1280,2400", report.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    print(f"\nreport screenshot: {shot}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert shot.is_file() and shot.stat().st_size > 20_000, f"screenshot missing or blank: {shot}"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = [line for line in proc.stderr.splitlines() if "Uncaught" in line or "CONSOLE" in line]
    assert not bad, "console errors:\n" + "\n".join(bad)
