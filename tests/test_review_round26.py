"""Review round 26 (docs/architecture.md, docs/release.md, docs/extraction.md "Review round 26"): an IPv6 host with
an IPv4 tail, a JSONL `url` that depended on its line's shape, `dedup release` options that are not UTF-8, BibTeX
braces and LaTeX's special characters, and credits whose names start with a capital outside `[A-ZÀ-ÞА-ЯЁ]`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_of
from dedup.cli import app
from dedup.release.creator import Creator
from dedup.release.package import package
from dedup.sources.read import read_jsonl
from dedup.text.asidecredits import parenthesised_credit
from dedup.text.lineguards import CREDIT_LINE, credit_reason
from dedup.text.normalise import refused_host, registered_domain, site_host


def test_an_ipv6_host_with_an_ipv4_tail_is_its_own_site():
    """`[::ffff:1.2.3.4]` was sent to the IPv4 parser (its host ends in a number) and refused: the domain lost and
    counted `url_host_refused`; before round 18 of the hostile inputs it was `::ffff:1.2.3.4`."""
    for url, host in (("http://[::ffff:1.2.3.4]/a", "::ffff:1.2.3.4"), ("http://[::1]/", "::1"),
                      ("http://[64:ff9b::192.0.2.33]/", "64:ff9b::192.0.2.33")):
        assert registered_domain(url) == host and not refused_host(url), url
    assert site_host("::FFFF:1.2.3.4") == "::ffff:1.2.3.4"
    # a host spelled as a number is still read as IPv4, and one that is no address refused
    assert registered_domain("http://0x7f.1/") == "127.0.0.1" and refused_host("http://1.2.3.4.5/")


def _urls(path: Path, line: bytes) -> tuple[list[str], int]:
    path.write_bytes(line + b"\n")
    stats: Counter = Counter()
    urls = [row["url"] for batch in read_jsonl(path, "f", stats) for row in batch.to_pylist()]
    return urls, stats.get("tolerated.url_not_utf8", 0)


def _record(doc_id: bytes, url: bytes) -> bytes:
    return b'{"id":"%s","url":"http://x.test/%s","html":"<p>x</p>"}' % (doc_id, url)


@pytest.mark.parametrize("url, published, counted", [
    (b"caf\\udce9", "http://x.test/caf\ufffd", 0),              # an escaped half surrogate: no byte of the file
    (b"a\xe9b\\udce9", "http://x.test/a%E9b\ufffd", 1),         # a raw byte beside one
    (b"\xe2\x82z", "http://x.test/%E2%82z", 1),                 # a cut sequence: one U+FFFD for two bytes
    (b"\xef\xbf\xbd\xff", "http://x.test/\ufffd%FF", 1),        # a U+FFFD of the file beside a raw byte
    (b"\xff\\udce9", "http://x.test/%FF\ufffd", 1),             # the byte, then the escape
])
def test_a_jsonl_url_is_the_same_whatever_the_line_holds_elsewhere(tmp_path, url, published, counted):
    """A JSON escape of half a surrogate pair in `url` was U+FFFD on a line of its own, but `%E9` (counted
    url_not_utf8) on a `{...}{...}` line or on a line with a byte no UTF-8 holds in another field (the `id`)."""
    one = _urls(tmp_path / "one.jsonl", _record(b"a", url))
    assert one == ([published], counted)
    assert _urls(tmp_path / "two.jsonl", _record(b"a", url) + _record(b"b", url)) == ([published] * 2, 2 * counted)
    assert _urls(tmp_path / "badid.jsonl", _record(b"a\xff", url)) == one


@pytest.mark.parametrize("given", [["--creator", "Jane \udcff Doe", "--creator-type", "person"], ["--name", "n\udce9"],
                                   ["--url", "https://x.test/caf\udce9"],
                                   ["--creator", "Jane", "--creator-type", "person",
                                    "--creator-url", "https://x.test/\udcff"]])
def test_release_options_that_are_not_utf8_are_refused_without_a_trace(sample_build, tmp_path, given):
    """Bytes no UTF-8 holds in argv (lone surrogates in Python) crashed `dedup release` with a traceback (exit code 1)
    while writing croissant.json or report.html, and left its `.tmp` behind."""
    out = copy_of(sample_build, tmp_path / "rel")
    args = ["release", str(out), *given]
    result = CliRunner().invoke(app, args)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "is not UTF-8 text: give it in UTF-8" in said, (result.exit_code, result.output)
    assert not list(out.glob("*.tmp")) and not (out / "croissant.json").exists()


def _bibtex_fields(entry: str) -> dict[str, str]:
    """The fields of one BibTeX entry read as BibTeX reads a braced value: every brace counts, escaped or not."""
    assert entry.startswith("@misc{") and entry.endswith("}"), entry
    body, fields = entry[len("@misc{"):-1], {}
    pos = body.index(",") + 1
    while pos < len(body):
        eq = body.index("=", pos)
        name = body[pos:eq].strip()
        start = body.index("{", eq)
        depth, end = 0, start
        for end in range(start, len(body)):
            depth += {"{": 1, "}": -1}.get(body[end], 0)
            if depth == 0:
                break
        assert depth == 0, (name, body[start:])
        fields[name] = body[start + 1:end]
        pos = end + 1
        rest = body[pos:].lstrip()
        assert rest == "" or rest.startswith(","), (name, rest[:40])
        pos = len(body) - len(rest) + 1
    return fields


def test_the_citation_survives_braces_and_latex_specials(sample_build, tmp_path):
    """`\\{` and `\\}` kept the braces balanced for LaTeX, not for BibTeX, which counts every brace (`{Lab \\}}`
    ended the author early); `& % # _ $` went through as they are ("Texas A&M University": an error in LaTeX)."""
    out = copy_of(sample_build, tmp_path / "rel")
    name = "news {draft} 50% #1 A_B $x ~y ^z \\w"
    package(out, name=name, url="https://data.example/r{1}?a=1&b=2%20",
            creator=Creator(name="Texas A&M University Lab }", kind="Organization"))
    entry = json.loads((out / "croissant.json").read_text("utf-8"))["citeAs"]
    fields = _bibtex_fields(entry)
    assert set(fields) == {"author", "title", "version", "year", "url", "note"}, entry
    assert fields["author"] == "{Texas A\\&M University Lab \\textbraceright{}}"
    assert fields["title"] == ("news \\textbraceleft{}draft\\textbraceright{} 50\\% \\#1 A\\_B \\$x "
                               "\\textasciitilde{}y \\textasciicircum{}z \\textbackslash{}w")
    assert fields["url"] == "https://data.example/r%7B1%7D?a=1&b=2%20"
    try:
        from pybtex.database import parse_string  # not a dependency: a second reader where it is installed
    except ImportError:
        return
    (parsed,) = parse_string(entry, "bibtex").entries.values()
    assert set(parsed.fields) | {"author"} == {"author", "title", "version", "year", "url", "note"}


@pytest.mark.parametrize("credit", ["(Foto: Jan Novák / ČTK)", "(Foto: Łukasz Gągulski / PAP)",
                                    "(Fotoğraf: Şükrü İnce / AA)", "(Foto: Ödön Őri / MTI)",
                                    "(Φωτογραφία: Γιάννης Παπαδόπουλος / ΑΠΕ)"])
def test_a_parenthesised_credit_in_any_cased_script(credit):
    """`asidecredits` claims any language written with capitals, but the names' capital class was
    `[A-ZÀ-ÞА-ЯЁ]`: Latin Extended (Č, Ł, Ş, Ő) and Greek capitals did not start a name."""
    assert parenthesised_credit(credit)


def test_the_wider_capitals_keep_a_source_line_and_a_sentence():
    assert credit_reason("Foto: Łukasz Gągulski / PAP") == CREDIT_LINE
    for line in ("(Źródło: PAP)", "(Sources: Reuters and AFP)", "(Zdjęcie: zobacz więcej / tutaj)"):
        assert not parenthesised_credit(line), line
