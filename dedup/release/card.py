"""README.md: the dataset card. Hugging Face front matter, then a datasheet filled from ReleaseFacts.

The card is a list of sections (`SECTIONS`), each a function from the facts to its Markdown lines; the
fixed prose is in the module constants below, so wording changes never touch the logic. Every value
in the card comes from the facts: nothing is a placeholder.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import PurePosixPath

import polars as pl
import pyarrow as pa

from dedup.grown_clusters import PREVIOUS_RELEASE
from dedup.release.facts import ReleaseFacts, count_values
from dedup.release.licences import build_options
from dedup.release.files import CHANGELOG, CITATION_CFF, CROISSANT, LICENSES, MANIFEST, SUMS, UNCHECKED
from dedup.release.citation import cite_as, date_published
from dedup.release.creator import NO_CREATOR
from dedup.release.markdown import code, code_block, fmt, inline, table, yaml_str
from dedup.schema import definition, fingerprint, schema as table_schema
from dedup.words import counted, plural

# SPDX id -> Hugging Face Hub licence id, for the ids the Hub lists (lower-case). Anything else is
# `license: other` with `license_name` and `license_link: LICENSES.md`.
HF_LICENCES = {s: s.lower() for s in (
    "CC0-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
    "CC-BY-NC-2.0", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0")}
SIZE_BUCKETS = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
                (10_000_000_000, "1B<n<10B"), (100_000_000_000, "10B<n<100B"), (1_000_000_000_000, "100B<n<1T"))
HUB_TAGS = ["task_categories:", "- text-generation", "size_categories:"]
HUB_ORIGIN = ["source_datasets:", "- original", "language_creators:", "- found", "annotations_creators:",
              "- no-annotation", "tags:"]
NEWS = "news articles"  # the genre (release/describe.genre) that gets the `news` tag
# Columns of data/ the card describes (all columns: schemas/documents.json).
MAIN_COLUMNS = ["doc_id", "cluster_id", "cluster_size", "canonical_reason", "url", "domain", "title", "text",
                "published_at", "fetched_at", "licence_spdx", "licence_class", "original_source",
                "attribution_text", "duplicate_doc_ids", "duplicate_urls"]
MAX_INPUTS_NAMED = 20

FILES = ("Files: `data/` (the documents), `duplicates/` (one row per other copy, with its canonical), "
         "`rejects/` (one row per unusable input record, with the reason), `boilerplate/` (every block removed "
         "from the published text, with the reason: site chrome and each page's own chrome), "
         "`signatures/` (MinHash signatures), `run.json` (the build report), `report.html` (charts of the "
         "clusters, sites, boilerplate, licences and rejects; one self-contained page), "
         f"`{MANIFEST}` (every other file but {SUMS}, with its size and hash; rows and schema of the Parquet "
         f"files), `{CROISSANT}` (Croissant 1.1), "
         f"`{LICENSES}`, `{CHANGELOG}`, `{CITATION_CFF}` when the release names a creator (see Citation) and "
         f"`{SUMS}`. Check the files with `sha256sum -c {SUMS}` inside "
         f"this folder. `{UNCHECKED[0]}`, when present, is how the build ran (seconds and CPU seconds per stage, "
         f"workers, memory, when it finished): a measurement, not data, so it is outside `{MANIFEST}` and `{SUMS}`, and the only "
         "file in which two builds of the same input differ.")
QUICK_LOAD = "```python\nimport polars as pl\ndocs = pl.read_parquet(\"data/**/*.parquet\")\n```"
MOTIVATION = ("News crawls carry the same wire story republished by many sites, and every page carries "
              "navigation, newsletter boxes and footers. This dataset keeps one canonical record per story, "
              "with the text of the article only and the list of every copy (doc_id, URL, domain), so that "
              "a model or a study sees each story once and can still trace where it was published.")
NO_LANGUAGE = "- Language: not recorded (a build made before dedup identified languages)."
LANGUAGES = "- Languages (the `language` column, identified on each record's text by fastText lid.176): "
GENRE = ("of the records carry a dateline, a wire agency or news-article structured data (news when more "
         "than half do).")
EXTRACTION = ("Text is the main content of each HTML page (resiliparse), as ordered blocks; title, canonical "
              "URL, site name and publication time come from the page's metadata. The build does not fetch "
              "anything: the crawl dumps are the only source.")
USES = ("Language-model pre-training and evaluation on news text without repeated stories, studies of "
        "news syndication (which sites republish which wire stories: `duplicate_domains`, "
        "`original_source`), and deduplicating a later crawl against this one (`signatures/`, loadable "
        "into datasketch's `MinHashLSH` with `dedup.neardup.minhash.signatures_to_datasketch`).")
NOT_SUITED = ("Not suited for: facts about real events without checking the source (texts are as the sites "
              "published them), or any use that the licence of a record does not allow (see below).")
LICENCE_NOTES = (f"`{LICENSES}` explains each licence class, the attribution CC BY records need (the "
                 "`attribution_text` column) and how to ask for a record to be removed. Rows whose class is "
                 "`all-rights-reserved` or `noassertion` are not licensed by this release.")
LOADERS = ("Load with polars (`pl.read_parquet(\"data/**/*.parquet\")`), pandas "
           "(`pd.read_parquet(\"data/\", dtype_backend=\"numpy_nullable\")`: without `dtype_backend` pandas "
           "reads an integer column with nulls, such as `copyright_year`, as float64), DuckDB "
           "(`select * from read_parquet('data/**/*.parquet')`), "
           "Hugging Face `datasets` (`load_dataset(\"parquet\", data_dir=\"data\", split=\"train\")`, or this "
           f"folder's path with the configs above: a path, not `\".\"`, which `datasets` takes for no name) or any "
           f"Croissant reader (`{CROISSANT}`, record set `documents`). `duplicates/` and `rejects/` are tables of "
           "other columns: load each by itself (`load_dataset(\"parquet\", data_files=\"duplicates/*.parquet\", "
           "split=\"train\")`; one call over `data/` and `duplicates/` fails, as their columns differ) and join a "
           "copy to its canonical record on `canonical_doc_id` = `doc_id`.")
CITATION = (f"The same entry as `{CROISSANT}`'s `citeAs`. To name these exact files, add the release digest: the "
            f"sha256 of `{SUMS}`, which `dedup verify` prints (the card cannot hold it, since `{SUMS}` covers the "
            "card). To cite one record, its `attribution_text` is the credit line, in one form: `\"TITLE\" by "
            "AUTHORS (AGENCY), published by PUBLISHER on YYYY-MM-DD (URL, fetched YYYY-MM-DD), LICENCE`: the day of "
            "publication as the page states it (`published_at_raw`), the day the crawler fetched the page "
            "(`fetched_at`, UTC) as the access date; a part the page does not give is left out (a record carried from "
            "an earlier release keeps the line that release published, which may lack the two days). Each part "
            "names its evidence in a column of the row: `title_source`, `authors_source`, `attribution_evidence` "
            "(the agency), `publisher_source`, `published_at_source` and `licence_evidence`; `dedup explain OUT "
            "DOC_ID` prints them with the credit line.")
MAINTENANCE = ("`doc_id` (the WARC-Record-ID or the input `id`; for a record without one, an id derived from its "
               "data, `urn:dedup:sha1:...`) is stable across releases; `cluster_id` is derived from the smallest "
               "member doc_id when the cluster is first published and kept by the releases that add copies to it "
               "(clusters merged by a later release keep the id of the one whose canonical stays). Each release "
               "states its changes in "
               f"`{CHANGELOG}`; `{MANIFEST}` records the build settings, tool versions and the hash, rows and "
               "schema of every file, so the same crawl and settings can be rebuilt and compared byte for "
               "byte. Questions, errors and removal requests: open an issue in the repository that published "
               "this release.")


def size_category(n: int) -> str:
    """The Hugging Face size bucket of n examples."""
    for limit, label in SIZE_BUCKETS:
        if n < limit:
            return label
    return "n>1T"


def licence_choice(spdx_counts: Mapping[str, int]) -> tuple[str, str | None]:
    """(HF `license` value, `license_name` or None): the Hub id when every data row has one licence
    that the Hub lists, else ('other', a name for the mix)."""
    ids = [k for k, v in spdx_counts.items() if v]
    if len(ids) == 1 and ids[0] in HF_LICENCES:
        return HF_LICENCES[ids[0]], None
    if len(ids) == 1:
        return "other", re.sub(r"[^a-z0-9.]+", "-", ids[0].lower()).strip("-")
    return "other", "per-record-licences"


def front_matter(facts: ReleaseFacts) -> str:
    """The YAML front matter the Hugging Face Hub reads: licence, size, tags and one config per data folder."""
    lic, lic_name = licence_choice(facts.spdx_data)
    lines = ["---", f"pretty_name: {yaml_str(facts.name)}", f"license: {lic}"]
    if lic_name:
        mix = ", ".join(f"{k} ({counted(v, 'row')})" for k, v in facts.spdx_data.items())
        details = f"Licence per record in the licence_spdx column: {mix}. See {LICENSES}."
        lines += [f"license_name: {yaml_str(lic_name)}", f"license_link: {LICENSES}",
                  f"license_details: {yaml_str(details)}"]
    found = [lang for lang in facts.languages if lang != "und"]
    if found:  # Hugging Face `language`: ISO 639-1/3 codes of the records' languages
        lines += ["language:"] + [f"- {yaml_str(lang)}" for lang in found]
        if len(found) > 1:
            lines += ["multilinguality:", "- multilingual"]
    lines += [*HUB_TAGS, f"- {yaml_str(size_category(facts.rows['data']))}", *HUB_ORIGIN]
    lines += (["- news"] if facts.genre[0] == NEWS else []) + ["- deduplicated", "- web-crawl", "configs:"]
    folders = facts.data_folders
    lines += ["- config_name: default", "  default: true", "  data_files:", "  - split: train", "    path:"]
    lines += [f"    - {yaml_str(v.glob)}" for v in folders.values()]
    if not facts.flat_data:
        for folder, v in folders.items():
            if folder != "data":
                lines += [f"- config_name: {yaml_str(PurePosixPath(folder).name)}", "  data_files:",
                          "  - split: train", f"    path: {yaml_str(v.glob)}"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def _intro(facts: ReleaseFacts) -> list[str]:
    run, rows = facts.run, facts.rows
    kind, news_share = facts.genre
    summary = (f"Version {facts.version}. A deduplicated dataset of {kind} extracted from web-crawl dumps "
               f"by `dedup build` (dedup {inline(run.dedup_version)}): "
               f"{counted(rows['data'], 'canonical document')}, one per story, each with the provenance of its "
               f"{counted(rows['duplicates'], 'copy', 'copies')} in total, from "
               f"{counted(run.counts.input_records, 'input record')}. Every input record is accounted for in exactly "
               f"one of `data/`, `duplicates/` and `rejects/`. Described as {kind}: {news_share:.0%} {GENRE}")
    s = [f"# {inline(facts.name)}", "", summary]
    if not facts.name_given:
        s += ["", f"The name {code(facts.name)} was chosen by dedup from the records (genre, main language, months "
                  "fetched): no name was given to `dedup release --name`."]
    return s + ["", FILES, "", QUICK_LOAD, ""]


def _motivation(facts: ReleaseFacts) -> list[str]:
    return ["## Motivation", "", MOTIVATION, ""]


def _composition(facts: ReleaseFacts) -> list[str]:
    counts, rows, chars = facts.run.counts, facts.rows, facts.chars
    (pub0, pub1), (fet0, fet1) = facts.published, facts.fetched
    s = ["## Composition", ""]
    # `n_chars` counts a withheld text too: said so, or the published text would seem larger than it is
    withheld = " (`n_chars`, withheld texts included)" if facts.text_withheld else ""
    s.append(f"- {counted(rows['data'], 'document')} in `data/` ({chars.total:,} characters of text{withheld}; median "
             f"{chars.median:,}, shortest {chars.min:,}, longest {chars.max:,} characters per document), from "
             f"{counted(facts.domains, 'domain')}.")
    s.append(f"- {fmt(counts.clusters_with_copies)} of the {counted(counts.clusters, 'cluster')} "
             f"{plural(counts.clusters_with_copies, 'has', 'have')} "
             f"copies; the largest cluster has {counted(facts.largest_cluster, 'document')}.")
    if pub0:
        s.append(f"- Published between {pub0} and {pub1} (UTC; {counted(facts.published_missing, 'document')} "
                 f"{plural(facts.published_missing, 'states', 'state')} no publication time).")
    if fet0:
        s.append(f"- Fetched between {fet0} and {fet1} (UTC).")
    agencies = ", ".join(f"{inline(k)} {fmt(v)}" for k, v in facts.agencies.items()) or "none"
    s.append(f"- Wire agency named as the original source: {agencies}; the site's own reporting: "
             f"{fmt(facts.own_reporting)}.")
    if facts.text_withheld:
        s.append(f"- {counted(facts.text_withheld, 'document')} {plural(facts.text_withheld, 'is', 'are')} "
                 "published without their text (`text` is "
                 "null: their licence class was withheld at build time); their URL and provenance remain.")
    if facts.languages:
        s.append(LANGUAGES + ", ".join(f"{inline(k)} {fmt(v)}" for k, v in facts.languages.items()) + ".")
    else:
        s.append(NO_LANGUAGE)
    s.append("")
    if not facts.flat_data:
        s += ["Data files by licence class (one Hugging Face config per folder, `default` covers all):", "",
              table(["folder", "files", "rows"], [[code(f"{k}/"), v.files, v.rows] for k, v in facts.data_folders.items()]),
              ""]
    if facts.top_domains:
        s += ["Domains with the most documents:", "",
              table(["domain", "documents"], [[inline(k), v] for k, v in facts.top_domains.items()]), ""]
    docs_def = {f["name"]: f.get("doc", "") for f in definition("documents")["fields"]}
    documents = table_schema("documents")
    # the type as pyarrow reads the files: a list's item is `element` in Parquet (Arrow builds it as `item`: the card
    # said `list<item: string>`, a field no file has)
    types = {f.name: str(pa.list_(pa.field("element", f.type.value_type)) if pa.types.is_list(f.type) else f.type)
             for f in documents}
    s += [f"Main columns of `data/` (all columns: `schemas/documents.json` in dedup; schema fingerprint "
          f"`{fingerprint(documents)}`):", "",
          table(["column", "type", "meaning"],
                [[f"`{c}`", f"`{types[c]}`", docs_def.get(c, "")]
                 for c in MAIN_COLUMNS if c in docs_def]), ""]
    return s


def _collection(facts: ReleaseFacts) -> list[str]:
    run = facts.run
    inputs = run.inputs
    formats = count_values_of([i.format for i in inputs])
    named = ", ".join(code(i.file) for i in inputs[:MAX_INPUTS_NAMED]) + (" ..." if len(inputs) > MAX_INPUTS_NAMED else "")
    skipped = ", ".join(f"{inline(k)}: {v}" for k, v in run.skipped_by_type.items()) or "none"
    records, skipped_here = run.read_here()   # a previous release's records apart (they were counted as read)
    read = (f"The build read {counted(len(inputs), 'input file')} ("
            + (", ".join(f"{v} {inline(k)}" for k, v in formats.items()) or "none")
            + f", {sum(i.bytes for i in inputs):,} bytes): {named}. {counted(records, 'record')} "
            f"could be {plural(records, 'a document', 'documents')}; {counted(skipped_here, 'record')} carried "
            f"no page and {plural(skipped_here, 'was', 'were')} skipped "
            f"({skipped}).")
    if run.previous:
        prev = run.previous
        read += (f" With the {counted(run.counts.input_records - records, 'record')} of "
                 f"{inline(str(prev.get('name', 'the previous release')))} {inline(str(prev.get('version', '')))}, "
                 f"carried under their doc_ids, this release accounts for "
                 f"{counted(run.counts.input_records, 'input record')}.")
    return ["## Collection process", "", read, "", EXTRACTION, ""]


def count_values_of(values: list[str]) -> dict[str, int]:
    """Value -> count, most frequent first (as `facts.count_values`), of a plain list."""
    return count_values(pl.Series(values, dtype=pl.String)) if values else {}


def _preprocessing(facts: ReleaseFacts) -> list[str]:
    cfg, counts, mh = facts.run.config, facts.run.counts, facts.minhash
    nd = facts.run.near_duplicates
    settings = [
        ["preset", code(str(cfg.get("preset")))],
        ["MinHash", f"{cfg.get('num_perm')} permutations, {cfg.get('shingle_unit')} {cfg.get('ngram')}-grams, "
                    f"seed {cfg.get('seed')}, hash {cfg.get('hash')}, scheme {mh.get('scheme', '?')}, "
                    f"normaliser {mh.get('normaliser', '?')}, over each record's title above its text "
                    "(`dedup.neardup.sign.signed_text`; signatures equal to datasketch "
                    f"{mh.get('datasketch_version', '?')})"],
        ["LSH", f"{cfg.get('bands')} bands x {cfg.get('rows')} rows; buckets larger than "
                f"{cfg.get('hot_bucket_cap')} are listed in `run.json` (`hot_buckets`); every bucket, however "
                "large, is joined as a star and a path"],
        ["verification", f"a candidate pair is a near-duplicate when estimated Jaccard >= {cfg.get('verify_jaccard')}, "
                         f"or containment >= {cfg.get('verify_containment')} with Jaccard >= "
                         f"{cfg.get('verify_containment_min_jaccard')} (texts of at least "
                         f"{cfg.get('verify_min_shingles')} shingles)"],
        ["story pass (for site chrome)", f"Jaccard >= {cfg.get('story_jaccard')} or containment >= "
                                         f"{cfg.get('story_containment')} with Jaccard >= "
                                         f"{cfg.get('story_containment_min_jaccard')}"],
        ["site chrome", (f"a block seen in >= {cfg.get('site_min_stories')} different stories of one domain "
                         "is removed on that domain") if cfg.get("site_chrome") else "off"],
        ["canonical policy", " > ".join(code(p) for p in cfg.get("canonical_policy", []))],
        ["licence classes published", inline(", ".join(cfg.get("licence_classes") or [])) or "all"],
        ["text withheld for", inline(", ".join(cfg.get("withhold_text") or [])) or "none"],
    ]
    s = ["## Preprocessing", "",
         f"Settings of this build (`run.json` `config`, sha256 `{facts.config_sha256}`, the value every "
         "Parquet file carries as `dedup.config_sha256`):", "", table(["step", "setting"], settings), "",
         "Outcome:", ""]
    matches = ", ".join(f"{inline(k)} {fmt(v)}" for k, v in facts.match.items()) or "none"
    similarity = (f"; similarity to the canonical: min {facts.similarity_min}, median {facts.similarity_median}"
                  if facts.similarity_min is not None else "")
    s.append(f"- Canonical documents: {fmt(counts.canonical)}; duplicates: {fmt(counts.duplicates)} "
             f"({matches}{similarity}); rejects: {fmt(counts.rejects)}.")
    p1, p2 = nd.get("pass1", {}), nd.get("pass2", {})
    if p2:
        s.append(f"- Near-duplicate pass: {counted(p2.get('candidate_edges', 0), 'candidate pair')}, "
                 f"{fmt(p2.get('verified_edges', 0))} verified; largest LSH bucket {fmt(p2.get('largest_bucket', 0))}, "
                 f"{counted(p2.get('hot_bucket_count', 0), 'bucket')} over the listing size. Story pass: "
                 f"{counted(p1.get('candidate_edges', 0), 'candidate')}, {fmt(p1.get('verified_edges', 0))} verified.")
    kinds = facts.removed_kinds
    # the site rows are the whole crawl's (copies and records not published included), the cuts data/'s: each
    # figure names what it counts (a `--licence open` card said "site chrome on 8 domains" of a data/ of 2)
    earlier = " and those of the releases before it (`chrome_since`)" if facts.run.previous else ""
    withheld = (f" ({fmt(facts.text_withheld)} of them published without their text, their cuts counted all the same)"
                if facts.text_withheld else "")
    s.append(f"- Boilerplate: {fmt(facts.boilerplate_rows)} (domain, block) {plural(facts.boilerplate_rows, 'pair')} "
             f"found as site chrome in the crawl{earlier}, on {counted(facts.boilerplate_domains, 'domain')} "
             "(every page read, copies and records this release does not publish included): "
             f"{fmt(facts.boilerplate_rows_cross_site)} on every site (`*`) and "
             f"{fmt(facts.boilerplate_rows_data_domains)} on the {counted(facts.domains, 'domain')} of `data/`; "
             f"{fmt(facts.page_removal_rows)} (domain, block, reason) {plural(facts.page_removal_rows, 'row')} of "
             f"blocks a page of `data/` lost by itself (both listed in `boilerplate/`). From the "
             f"{counted(facts.rows['data'], 'document')} of `data/`{withheld}, "
             f"{counted(facts.blocks_removed, 'block')} ({counted(facts.boilerplate_chars_removed, 'character')}"
             f") {plural(facts.blocks_removed, 'was', 'were')} removed" + (
                 f": {fmt(kinds['site chrome'])} as site chrome, {fmt(kinds['page chrome'])} as page chrome and "
                 f"{counted(kinds['headline'], 'headline')}, which the `title` column holds." if kinds else "."))
    if facts.unsampled_rows:  # the release publishes no text of a page whose text it drops or withholds
        has = plural(facts.unsampled_rows, 'has', 'have')
        s.append(f"- {fmt(facts.unsampled_rows)} of the `boilerplate/` rows {has} "
                 "no `sample_text` (their hash and counts only): the block was seen only on pages whose text this "
                 f"release does not publish ({', '.join(_unpublished(facts))}).")
    reasons = ", ".join(f"{code(k)} {fmt(v)}" for k, v in facts.canonical_reason.items()) or "none"
    kept = ("; `previous_release`: the canonical a previous release published, kept though a new copy ranks ahead of "
            "it by the policy or ties it on every rule before `longest_text` (a release's texts are measured after "
            "site chrome, a new page's before)") if PREVIOUS_RELEASE in facts.canonical_reason else ""
    s += [f"- Canonical record chosen by: {reasons}{kept}.", ""]
    if facts.reasons:
        s += ["Rejects by reason:", "", table(["reason", "records"], [[code(k), v] for k, v in facts.reasons.items()]),
              ""]
    return s


def _unpublished(facts: ReleaseFacts) -> list[str]:
    """The pages whose text this release does not publish, as its settings make them (not a list of every case)."""
    cfg, prev = facts.run.config or {}, facts.run.previous or {}
    # a release that does not state its samples' rule (made before audit round 7) may hold a dropped page's text
    carried = ([f"rows carried from {inline(str(prev.get('name')))} {inline(str(prev.get('version')))}, whose "
                "samples are not carried: that release does not state that they come from published pages"]
               if prev.get("chrome_samples_not_carried") else [])
    return (["copies listed in `duplicates/`"]
            + (["records published without their text"] if facts.text_withheld else [])
            + (["records not selected by `--licence`"] if cfg.get("licence_classes") else []) + carried)


def _uses(facts: ReleaseFacts) -> list[str]:
    return ["## Uses", "", USES, "", NOT_SUITED, ""]


def _distribution(facts: ReleaseFacts) -> list[str]:
    lic, _ = licence_choice(facts.spdx_data)
    s = ["## Distribution", ""]
    if lic != "other":
        s.append(f"Every document in `data/` carries the licence {code(next(iter(facts.spdx_data)))} "
                 f"(Hugging Face id `{lic}`).")
    else:
        # characters per licence: what a researcher weighs a licence mix by (the card gave documents only)
        chars = "characters of text" + (" (withheld texts included)" if facts.text_withheld else "")
        s += ["The licence is per record (column `licence_spdx`); the mix in `data/`:", "",
              table(["licence_spdx", "documents", chars],
                    [[code(k), v, fmt(facts.chars_by_spdx.get(k, 0))] for k, v in facts.spdx_data.items()])]
    return s + ["", f"{LICENCE_NOTES} {build_options(facts.run.config or {})}", "", LOADERS, ""]


def _maintenance(facts: ReleaseFacts) -> list[str]:
    return ["## Maintenance", "", MAINTENANCE, "", *_rebuild(facts)]


def _rebuild(facts: ReleaseFacts) -> list[str]:
    """The commands that rebuild this release byte for byte from its crawl (the card said it could be done and
    not how until audit round 7): the release's own run.json as the settings, the same name, version, URL,
    previous release and date."""
    run, prev = facts.run, facts.run.previous or {}
    names = [i.file for i in run.inputs]
    shown = ", ".join(code(n) for n in names[:5]) + (f" and {fmt(len(names) - 5)} more" if len(names) > 5 else "")
    day = datetime.strptime(date_published(facts), "%Y-%m-%d").replace(tzinfo=timezone.utc)
    build = "dedup build CRAWL --out OUT --config RELEASE/run.json" + (" --previous PREVIOUS" if prev else "")
    release = (f"SOURCE_DATE_EPOCH={int(day.timestamp())} dedup release OUT"
               + (f" --name {shlex.quote(facts.name)}" if facts.name_given and not prev else "")
               + f" --version {facts.version}" + (f" --url {shlex.quote(facts.url)}" if facts.url else "")
               + (facts.creator.option_text() if facts.creator and facts.creator.to_dict() != prev.get("creator") else ""))
    earlier = (f", `PREVIOUS` the folder of {inline(str(prev.get('name')))} {inline(str(prev.get('version')))} "
               f"(release digest `{prev.get('digest')}`)" if prev else "")
    versions = ", ".join(f"{k} {v}" for k, v in run.versions.items() if k != "dedup")
    return ["### Rebuilding this release", "",
            f"Every file but `timings.json` can be rebuilt byte for byte from the crawl, with dedup "
            f"{inline(str(run.versions.get('dedup', '?')))} ({inline(versions)}; `{MANIFEST}` `versions` lists the "
            f"other libraries): `CRAWL` a folder holding the {counted(len(names), 'input file')} under the names "
            f"`run.json` `inputs` gives ({shown}), `RELEASE` this folder{earlier}:", "",
            code_block("\n".join([build, release, "dedup verify OUT"]), "sh"), "",
            "`dedup verify` prints the release digest, the sha256 of `SHA256SUMS`: the same as this release's. The "
            "order of the files, `--workers` and `--engine` change no byte.", ""]


def _citation(facts: ReleaseFacts) -> list[str]:
    # the card had no way to cite the release (croissant.json's citeAs only) until audit round 6
    # who made the release (audit round 13): without a creator the entry has no author, and the card says so
    who = ([f"Made by {inline(facts.creator.name)} ({facts.creator.kind.lower()})"
            + (f", {inline(facts.creator.url)}" if facts.creator.url else "") + "."] if facts.creator
           else [f"This release {NO_CREATOR}."])
    # CITATION.cff (audit round 14): the Citation File Format requires authors, so it exists only with a creator
    cff = (f"`{CITATION_CFF}` holds the same citation in the Citation File Format (GitHub's \"Cite this repository\", "
           "Zenodo)." if facts.creator else f"No `{CITATION_CFF}` is written: the Citation File Format requires "
           "`authors`, and this release names none (`--creator` adds both).")
    who = [f"{who[0]} {cff}"]
    return ["## Citation", "", *who, "", CITATION, "", code_block(cite_as(facts), "bibtex"), ""]


SECTIONS: list[Callable[[ReleaseFacts], list[str]]] = [
    _intro, _motivation, _composition, _collection, _preprocessing, _uses, _distribution, _maintenance, _citation]


def render_card(facts: ReleaseFacts) -> str:
    """README.md of the release: front matter, then the datasheet sections in order."""
    return "\n".join([front_matter(facts), *(line for section in SECTIONS for line in section(facts))])
