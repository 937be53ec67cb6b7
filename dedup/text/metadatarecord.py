"""metadatarecord: the record a page's metadata fills (`PageMetadata`), read and written by every decision of it
(metadata.py assembles it; sitename.py, pagetitle.py and pageauthors.py decide its fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class PageMetadata:
    """What one page says about itself; every `*_source` names the evidence the value came from."""

    title: str | None = None
    title_source: str | None = None
    html_title: str | None = None
    # the page's visible headlines: its <h1>s' text (site names and generic words like "Home" left out)
    headlines: list[str] = field(default_factory=list)
    site_name: str | None = None
    site_name_source: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_source: str | None = None
    # organisations seen in author positions (a newsroom, the site itself): credited as publisher
    author_organisations: list[str] = field(default_factory=list)
    # (text, agency) for a wire agency named in an author position ("David Hutzler | dpa")
    author_agencies: list[tuple[str, str]] = field(default_factory=list)
    publisher: str | None = None
    published_at: datetime | None = None
    published_at_raw: str | None = None
    published_at_source: str | None = None
    modified_at: datetime | None = None
    modified_at_raw: str | None = None
    modified_at_source: str | None = None
    canonical_url: str | None = None
    url_host: str = ""
    publisher_is_person: bool = False
    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict] = field(default_factory=list)
