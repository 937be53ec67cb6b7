"""CITATION.cff: the release in the Citation File Format 1.2.0, which GitHub ("Cite this repository") and Zenodo read.

The same facts as the BibTeX `citeAs` (release/citation.py): the name as `title`, the version, `datePublished` as
`date-released`, the creator (`dedup release --creator`) as the one author, the `--url` when given; `type: dataset`.
CFF requires `cff-version`, `message`, `title` and `authors` (at least one): a release that names no creator gets no
CITATION.cff (none is made up; its card says why and how to add one). `license` is given only when every row of
data/ has one SPDX licence of the list the Hub and CFF both take; a mix or a LicenseRef points at LICENSES.md in the
message instead (CFF's `license` takes SPDX ids only). Every string is written as a JSON string, which YAML 1.2 reads
as the same double-quoted scalar, so no page or option text can break the file (docs/release.md, audit round 14).
"""

from __future__ import annotations

import json

from dedup.release.card import HF_LICENCES
from dedup.release.citation import date_published
from dedup.release.creator import Creator
from dedup.release.facts import ReleaseFacts
from dedup.release.files import LICENSES

CFF_VERSION = "1.2.0"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def cff_author(creator: Creator) -> list[str]:
    """The `authors` item of a creator: an organisation as an entity (`name`); a person by `family-names` and
    `given-names` as BibTeX reads the same name ("Doe, Jane", else the last word is the family name, the reading
    the `citeAs` entry gets), so both files cite one person."""
    if creator.kind == "Organization":
        fields = [("name", creator.name)]
    elif "," in creator.name:
        family, given = (part.strip() for part in creator.name.split(",", 1))
        fields = [("family-names", family), *([("given-names", given)] if given else [])]
    else:
        words = creator.name.split()
        fields = [("family-names", words[-1]), *([("given-names", " ".join(words[:-1]))] if words[1:] else [])]
    if creator.url:
        fields.append(("website", creator.url))
    return [("  - " if i == 0 else "    ") + f"{key}: {_quoted(value)}" for i, (key, value) in enumerate(fields)]


def render_cff(facts: ReleaseFacts) -> str | None:
    """CITATION.cff of the release, None when it names no creator (CFF requires `authors`)."""
    if facts.creator is None:
        return None
    ids = [k for k, v in facts.spdx_data.items() if v]
    licence = ids[0] if len(ids) == 1 and ids[0] in HF_LICENCES else None
    message = ("If you use this dataset, please cite it as below; each record's licence is in its licence_spdx "
               f"column and {LICENSES}." if licence is None else "If you use this dataset, please cite it as below.")
    lines = [f"cff-version: {CFF_VERSION}", f"message: {_quoted(message)}", "type: dataset",
             f"title: {_quoted(facts.name)}", f"version: {_quoted(facts.version)}",
             f"date-released: {_quoted(date_published(facts))}", "authors:", *cff_author(facts.creator)]
    if licence:
        lines.append(f"license: {_quoted(licence)}")
    if facts.url and facts.url.startswith(("https://", "http://")):
        lines.append(f"url: {_quoted(facts.url)}")
    return "\n".join(lines) + "\n"
