"""Who made a release: `dedup release --creator NAME --creator-type person|organization [--creator-url URL]`.

Croissant 1.1 lists `creator` as a required property of a dataset (a schema.org Person or Organization), and a
BibTeX entry without an `author` is cited by its title alone. dedup cannot know who made a release, so it is
given, typed by an explicit option (a name alone does not tell a person from an organisation, which schema.org
and BibTeX write differently), kept in manifest.json `creator` and carried to the next releases like `--name`
(run.json `previous.creator`). Without one the card and `dedup release` say so and how to add one: no creator is
made up (docs/release.md, audit round 13).
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from dedup.errors import ReleaseError
from dedup.release.files import MANIFEST
from dedup.sources.objectrows import valid_str

CREATOR_TYPES = {"person": "Person", "organization": "Organization"}  # option value -> schema.org type
NO_CREATOR = ("names no creator: add one with `dedup release OUT --creator NAME --creator-type person|organization` "
              "(Croissant 1.1 requires a `creator`; the BibTeX entry then gains its `author`)")


@dataclass(frozen=True)
class Creator:
    """The person or organisation a release is credited to."""

    name: str
    kind: str  # a value of CREATOR_TYPES: Person or Organization
    url: str | None = None

    def to_dict(self) -> dict[str, str]:
        """As manifest.json and run.json `previous` keep it (schema.org's words: `@type`, `name`, `url`)."""
        return {"@type": self.kind, "name": self.name, **({"url": self.url} if self.url else {})}

    def croissant(self) -> dict[str, str]:
        """croissant.json `creator`: an `sc:Person` or `sc:Organization`."""
        return {**self.to_dict(), "@type": f"sc:{self.kind}"}

    def bibtex_author(self, escape: Any) -> str:
        """The BibTeX `author` value: an organisation braced once more, so that styles do not read its last word as
        a surname ("{Example News Lab}"); a person's name as given ("Jane Doe" or "Doe, Jane")."""
        name = escape(self.name)
        return f"{{{name}}}" if self.kind == "Organization" else name

    def option_text(self) -> str:
        """The `dedup release` options that give this creator (the card's rebuild command)."""
        kind = next(k for k, v in CREATOR_TYPES.items() if v == self.kind)
        return (f" --creator {shlex.quote(self.name)} --creator-type {kind}"
                + (f" --creator-url {shlex.quote(self.url)}" if self.url else ""))


def given_creator(name: str | None, kind: str | None, url: str | None) -> Creator | None:
    """The creator `dedup release`'s options give, None without `--creator`. Raises ReleaseError for a type or URL
    without a name, an empty name, a type that is not `person` or `organization`, or text that is not UTF-8."""
    for option, value in (("--creator", name), ("--creator-type", kind), ("--creator-url", url)):
        refuse_undecodable(option, value)
    if name is None:
        if kind is not None or url is not None:
            raise ReleaseError("--creator-type and --creator-url describe a creator: give its name with --creator NAME")
        return None
    name = " ".join(name.split())
    if not name:
        raise ReleaseError("--creator is empty: give the name of the person or organisation that made the release")
    if kind is None or kind.lower() not in CREATOR_TYPES:
        raise ReleaseError(f"--creator {name!r}: say what it is with --creator-type person or --creator-type "
                           "organization (schema.org and BibTeX write the two differently)")
    if url is not None and not url.startswith(("https://", "http://")):
        raise ReleaseError(f"--creator-url {url!r}: give an http(s) URL (the creator's page or ORCID/ROR id)")
    return Creator(name=name, kind=CREATOR_TYPES[kind.lower()], url=url)


def refuse_undecodable(option: str, value: str | None) -> None:
    """ReleaseError for an option's text holding bytes that are not UTF-8 (from argv in another encoding, read as
    lone surrogates): every release file is UTF-8, and writing one crashed with a traceback and left its `.tmp`
    (review round 26). `--creator`, `--creator-type`, `--creator-url`, `--name`, `--url`."""
    if value is not None and valid_str(value) != value:
        shown = value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
        raise ReleaseError(f"{option} '{shown}' is not UTF-8 text: give it in UTF-8 (a terminal or script in another "
                           "encoding passes its bytes as they are; e.g. `iconv -f latin1 -t utf-8`, or a UTF-8 locale)")


def stored_creator(value: Mapping[str, Any] | None) -> Creator | None:
    """A creator as manifest.json or run.json `previous` keep it; None for none (or one not well formed)."""
    if not isinstance(value, Mapping) or value.get("@type") not in CREATOR_TYPES.values():
        return None
    name, url = value.get("name"), value.get("url")
    if not isinstance(name, str) or not name.strip():
        return None
    return Creator(name=name, kind=value["@type"], url=url if isinstance(url, str) else None)


def manifest_creator(release: Path) -> dict[str, str] | None:
    """The creator a packaged release's manifest.json names (as stored), None when it names none."""
    try:
        found = stored_creator(json.loads((release / MANIFEST).read_text("utf-8")).get("creator"))
    except (OSError, ValueError, AttributeError):
        return None
    return found.to_dict() if found else None
