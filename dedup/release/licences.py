"""LICENSES.md: the licence of every record, what each class allows, attribution and removal requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dedup.config import LICENCE_CLASSES
from dedup.partitions import LICENCE_NOT_SELECTED
from dedup.release.facts import ReleaseFacts
from dedup.release.markdown import code, fmt, inline, table
from dedup.rights.licence import licence_class

CLASS_MEANING = {
    "open": "a Creative Commons licence that allows redistribution and derivatives, commercial use "
            "included (CC BY, CC BY-SA), or a public-domain tool (CC0, Public Domain Mark)",
    "nc": "a Creative Commons NonCommercial licence: no commercial use",
    "nd": "a Creative Commons NoDerivatives licence: redistribution of the unchanged text only",
    "all-rights-reserved": "the page or the wire agency reserves all rights; no licence is granted",
    "noassertion": "no licence statement was found for the text; treat it as all rights reserved",
}
NOT_LICENSED = ("all-rights-reserved", "noassertion")

INTRO = ("Each record carries the licence of its text in `licence_spdx` (an SPDX id, "
         "`LicenseRef-all-rights-reserved`, or `NOASSERTION`), with `licence_class`, `licence_url` and the "
         "evidence found on the page (`licence_evidence`). Rows of `duplicates/` carry the licence of their own "
         "page and no text (only their URL, domain and publisher). "
         "This release grants no licence beyond the one each record states.")
CC_BY_DUTIES = ("documents are under a CC BY licence (every `licence_spdx` that "
                "starts with `CC-BY`). Whoever reuses or redistributes their text must credit the author and "
                "publisher, name the licence with a link to it, link the source and say whether the text "
                "was changed. The ready credit line of each record is in its `attribution_text` column; "
                "keep it with the text. The texts of this release are changed from the pages they credit: "
                "extracted from the HTML, the headline moved to `title`, and blocks removed as boilerplate (which "
                "ones: `blocks_removed`, `removed_reasons` and `boilerplate/`); say so with the credit line, for "
                "example \"text extracted from the page, boilerplate removed\".")
MISSING_CREDIT = ("of them have no `attribution_text`: credit them "
                  "from `title`, `authors`, `publisher`, `url` and `licence_url`.")
ALL_CREDITS = ("All credit lines: `pl.read_parquet(\"data/**/*.parquet\").filter(pl.col(\"licence_spdx\")"
               ".str.starts_with(\"CC-BY\")).select(\"doc_id\", \"attribution_text\")`.")
NO_CC_BY = ("No document in `data/` is under a CC BY licence. Every record still has an `attribution_text` "
            "credit line (title, author or agency, publisher, day of publication, URL, day fetched, licence) for "
            "citing it.")
UNLICENSED = ("documents in `data/` are `all-rights-reserved` or `noassertion`. Their copyright "
              "stays with the publisher or wire agency (`copyright_holder`, `original_source`); check that "
              "your use is allowed where you are before using their text.")
REMOVAL = ("To have a record removed or corrected (as its author, publisher or rights holder), open an issue "
           "in the repository that published this release, with the record's `doc_id` or `url` and the reason. "
           "A record's copies are listed in its `duplicate_doc_ids` and `duplicate_urls` columns.")


def build_options(config: Mapping[str, Any]) -> str:
    """What the release's `--licence` and `--withhold-text` did, or (when it was built without them) what
    they would do: a release built with `--licence open` is not told to build with `--licence open`."""
    kept = list(config.get("licence_classes") or [])
    withheld = list(config.get("withhold_text") or [])
    said = [f"This release was built with {code('--licence ' + ','.join(kept))}: records of the other licence "
            f"classes are in `rejects/` (reason `{LICENCE_NOT_SELECTED}`), not `data/`." if kept else
            "`dedup build --licence open` keeps only openly licensed records."]
    if withheld:
        said.append(f"It was built with {code('--withhold-text ' + ','.join(withheld))}: records of those classes "
                    "are published without their text (metadata, URL and provenance kept).")
    elif set(kept) != {"open"}:
        said.append("`--withhold-text` publishes a class without its text.")
    return " ".join(said)


def cc_terms(spdx_counts: Mapping[str, int]) -> str:
    """The extra CC terms that the licences present carry, as a sentence ('' when none)."""
    ids = [k.upper() for k in spdx_counts]
    terms = []
    if any("-SA" in k for k in ids):
        terms.append("ShareAlike (`-SA`) records must be shared under the same licence")
    if any("-NC" in k for k in ids):
        terms.append("NonCommercial (`-NC`) records must not be used commercially")
    if any("-ND" in k for k in ids):
        terms.append("NoDerivatives (`-ND`) records must not be changed")
    return (" " + "; ".join(terms) + ".") if terms else ""


def _class_rank(spdx: str) -> tuple[int, str]:
    cls = licence_class(spdx)
    return (LICENCE_CLASSES.index(cls) if cls in LICENCE_CLASSES else len(LICENCE_CLASSES), spdx)


def _attribution(facts: ReleaseFacts) -> list[str]:
    s = ["## Attribution", ""]
    if not facts.cc_by_rows:
        return s + [NO_CC_BY, ""]
    s.append(f"{fmt(facts.cc_by_rows)} {CC_BY_DUTIES}{cc_terms(facts.spdx_data)}")
    if facts.cc_by_missing_credit:
        s += ["", f"{fmt(facts.cc_by_missing_credit)} {MISSING_CREDIT}"]
    s += ["", "Examples of credit lines:", ""]
    s += [f"- {inline(t, starts_line=True)}" for t in facts.cc_by_examples]
    return s + ["", ALL_CREDITS, ""]


def render_licenses(facts: ReleaseFacts) -> str:
    """LICENSES.md of the release."""
    keys = sorted(set(facts.spdx_data) | set(facts.spdx_dups), key=_class_rank)
    s = [f"# Licences of {inline(facts.name)} {facts.version}", "", INTRO, "",
         table(["licence_spdx", "class", "documents (data/)", "copies (duplicates/)"],
               [[code(k), licence_class(k), facts.spdx_data.get(k, 0), facts.spdx_dups.get(k, 0)] for k in keys]),
         "", "## Licence classes", ""]
    present = {licence_class(k) for k in keys}
    s += [f"- `{cls}`: {CLASS_MEANING[cls]}." for cls in LICENCE_CLASSES if cls in present]
    s.append("")
    s += _attribution(facts)
    unlicensed = sum(v for k, v in facts.spdx_data.items() if licence_class(k) in NOT_LICENSED)
    if any(licence_class(k) in NOT_LICENSED for k in facts.spdx_data):
        s += ["## Records without an open licence", "",
              f"{fmt(unlicensed)} {UNLICENSED} {build_options(facts.run.config or {})}", ""]
    s += ["## Removal requests", "", REMOVAL, ""]
    return "\n".join(s)
