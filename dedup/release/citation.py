"""How a release is cited and dated: croissant.json's `citeAs` and `datePublished`, and the card's Citation.

Both come from the environment (`SOURCE_DATE_EPOCH`) or the data, never from a clock, so two builds of the same
input give the same bytes (docs/release.md, "Reproducible bytes").
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

from dedup.release.facts import ReleaseFacts

EPOCH_DATE = "1970-01-01"
EPOCH_LIMIT = 253402300800  # 10000-01-01: a SOURCE_DATE_EPOCH from there on is no date (ignored)
# LaTeX's special characters as text commands: `\{` is no escape to BibTeX, which counts its brace (an unbalanced
# `{Lab \}}` ended the field early), and `&` (Texas A&M University) is an alignment tab error in LaTeX (review 26)
BIBTEX_ESCAPES = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
                  "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
                  **{c: "\\" + c for c in "&%#_$"}}
# a URL field is read verbatim by biblatex and the url package: only what BibTeX itself reads is percent-encoded
BIBTEX_URL_ESCAPES = {"\\": "%5C", "{": "%7B", "}": "%7D"}


def date_published(facts: ReleaseFacts) -> str:
    """SOURCE_DATE_EPOCH when set (the reproducible-builds.org convention), else the day an older build's
    run.json says it finished (`finished_at`, in run.json until 2026-12-06: its releases keep their date),
    else the newest fetch time in data/ (the release can be no older than its newest record); a date from
    the environment or the data, never from a clock, so two builds of the same input give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and int(epoch) < EPOCH_LIMIT:
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d")
    finished = facts.run.finished_at
    if finished[:10]:
        return finished[:10]
    newest = facts.fetched[1] or facts.published[1]
    return newest[:10] if newest else EPOCH_DATE


def bibtex(value: str) -> str:
    """Text inside a BibTeX braced field: LaTeX's special characters as text, so the braces stay balanced."""
    return "".join(BIBTEX_ESCAPES.get(c, c) for c in value)


def bibtex_url(value: str) -> str:
    """A URL inside a BibTeX braced `url` field (verbatim to biblatex): backslashes and braces percent-encoded."""
    return "".join(BIBTEX_URL_ESCAPES.get(c, c) for c in value)


def cite_as(facts: ReleaseFacts) -> str:
    """A BibTeX entry for the release (croissant.json's `citeAs`, the card's Citation): its year is the year of
    `datePublished` and its `url` the one given to `dedup release --url` (until audit round 6 it had neither, and
    BibTeX styles print an entry without a year as "n.d.")."""
    name, version = facts.name, facts.version
    url = f"url = {{{bibtex_url(facts.url)}}}, " if facts.url else ""
    author = f"author = {{{facts.creator.bibtex_author(bibtex)}}}, " if facts.creator else ""  # audit round 13
    return (f"@misc{{{re.sub(r'[^A-Za-z0-9]+', '_', name)}_{version.replace('.', '_')}, "
            f"{author}title = {{{bibtex(name)}}}, version = {{{version}}}, year = {{{date_published(facts)[:4]}}}, {url}"
            f"note = {{Deduplicated {facts.genre[0]} built with dedup, config sha256 {facts.config_sha256}}}}}")
