"""CHANGELOG.md and the version rules: what changed since the previous release, and its semver bump."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from dedup.errors import ReleaseError
from dedup.release.creator import Creator
from dedup.release.facts import ReleaseFacts
from dedup.release.markdown import code, fmt, inline
from dedup.run_report import RunReport
from dedup.words import counted

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
FIRST_VERSION = "1.0.0"
MAX_DEMOTED_NAMED = 20
BUMP_REASONS = {"minor": "records were added", "patch": "it follows a previous release"}


def semver_tuple(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a semantic version; ReleaseError for anything else."""
    m = SEMVER.match(version)
    if not m:
        raise ReleaseError(f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def moved_folders(prev: dict) -> int:
    """Previous canonicals whose licence a new copy's wire notice restated out of their data/ folder (run.json
    `previous.licence_restated_from`: the folders they were published in; all-rights-reserved ones stay put)."""
    return sum(v for k, v in (prev.get("licence_restated_from") or {}).items() if k != "all-rights-reserved")


def required_bump(run: RunReport) -> str | None:
    """The semver part a release following `run.previous` must bump (Croissant's rules): major when
    records left data/ (a previous canonical became a duplicate) or moved to another data/ folder (its licence
    restated: it leaves the config of the folder a user loaded, since audit round 12), minor when records were
    added, patch otherwise; None for a first release."""
    prev = run.previous
    if not prev:
        return None
    if prev.get("demoted_canonical", 0) or moved_folders(prev):
        return "major"
    added = run.counts.input_records - prev.get("counts", {}).get("input_records", 0)
    return "minor" if added > 0 else "patch"


def bump_reason(run: RunReport) -> str:
    """Why `required_bump` asks for its part, in words (the CHANGELOG's first line and a too-low version's error)."""
    bump, prev = required_bump(run), run.previous or {}
    if bump != "major":
        return BUMP_REASONS.get(bump or "", "it is a first release")
    why = []
    if prev.get("demoted_canonical", 0):
        why.append(f"{counted(prev['demoted_canonical'], 'record')} left data/, previous canonicals that became "
                   "duplicates when clusters merged")
    if moved_folders(prev):
        why.append(f"{counted(moved_folders(prev), 'record')} moved to another data/ folder, previous canonicals "
                   "whose licence a new copy's wire notice restated (the config of the folder they were in no longer "
                   "holds them)")
    return "; ".join(why)


def creator_change(run: RunReport, creator: Creator | None) -> dict | None:
    """{'from': ..., 'to': ...} when this release names another creator than the release it follows (run.json
    `previous.creator`), else None: a changed credit is said in the CHANGELOG and manifest.json `previous` (until
    audit round 14 a new `--creator` replaced the previous one without a word)."""
    was, now = run.previous.get("creator"), creator.to_dict() if creator else None
    return {"from": was, "to": now} if run.previous and was and now and was != now else None


def previous_entry(run: RunReport, creator: Creator | None = None) -> dict | None:
    """manifest.json `previous`: the release this one follows (by name, version and digest) and the bump it took, with
    the reason the CHANGELOG gives (since audit round 12); None for a first release."""
    prev = run.previous
    if not prev:
        return None
    return {"name": prev.get("name"), "version": prev.get("version"), "digest": prev.get("digest"),
            "bump": required_bump(run), "why": bump_reason(run),
            "left_data": int(prev.get("demoted_canonical", 0)), "moved_folder": moved_folders(prev),
            **({"creator_changed": changed} if (changed := creator_change(run, creator)) else {})}


def next_version(run: RunReport, version: str | None) -> str:
    """The version to package: the one asked for (checked against the previous release), or the
    previous version bumped as `required_bump` says, or 1.0.0 for a first release."""
    bump = required_bump(run)
    if bump is None:
        version = version or FIRST_VERSION
        semver_tuple(version)
        return version
    prev = run.previous.get("version") or FIRST_VERSION
    major, minor, patch = semver_tuple(prev)
    want = {"major": (major + 1, 0, 0), "minor": (major, minor + 1, 0), "patch": (major, minor, patch + 1)}[bump]
    if version is None:
        return ".".join(map(str, want))
    if semver_tuple(version) < want:
        raise ReleaseError(f"version {version} is too low: this release follows {prev} and {bump_reason(run)}, so it "
                           f"needs a "
                           f"{bump} bump (at least {'.'.join(map(str, want))}); omit --version to get it")
    return version


def licence_lines(prev: dict) -> list[str]:
    """The carried canonicals whose licence a new copy's wire notice restated (run.json `previous`, since audit round
    11), and those the build's --licence kept as published; none for a run.json written before."""
    lines = []
    restated = prev.get("licence_restated") or {}
    if restated.get("records"):
        was = prev.get("licence_restated_from") or {}
        moved = ", ".join(f"{fmt(v)} from {code('data/' + k + '/')}" for k, v in sorted(was.items())
                          if k != "all-rights-reserved")
        already = was.get("all-rights-reserved", 0)
        lines.append(f"- Licence: the text of {counted(restated['records'], 'previous canonical record')} is the wire "
                     "agency's (`LicenseRef-all-rights-reserved`, scope `article_text`, the copy named in "
                     "`licence_evidence` as `cluster_wire_copyright`, its notice in `copyright_*`): a new copy "
                     "carries the agency's notice in the story, as one build of both crawls reads it"
                     + (f"; {moved} moved to `data/all-rights-reserved/`" if moved else "")
                     + (f"; {fmt(already)} all-rights-reserved already, by their site's notice" if already else "")
                     + ".")
    kept = prev.get("licence_kept") or {}
    if kept.get("records"):
        lines.append(f"- Licence kept as published: {counted(kept['records'], 'previous canonical record')} whose new "
                     "copies carry the wire agency's notice (all-rights-reserved in one build of both crawls), left in "
                     "their class because `--licence` does not select all-rights-reserved: "
                     + ", ".join(code(d) for d in kept.get("doc_ids", [])[:MAX_DEMOTED_NAMED]) + ".")
    return lines


def creator_words(stored: dict) -> str:
    """A stored creator (`@type`, `name`, `url`) in the CHANGELOG's words: 'Example Lab (organization, URL)'."""
    url = f", {inline(stored['url'])}" if stored.get("url") else ""
    return f"{inline(stored.get('name'))} ({str(stored.get('@type', '')).lower()}{url})"


def _built(facts: ReleaseFacts) -> str:
    return f"built by dedup {inline(facts.run.dedup_version)} (config sha256 `{facts.config_sha256}`)"


def _next_section(facts: ReleaseFacts) -> list[str]:
    """The section of a release that follows a previous one (run.json `previous`), then the older history."""
    run, rows, prev = facts.run, facts.rows, facts.run.previous
    s = [f"Next version of {inline(prev.get('name'))} {inline(prev.get('version'))}, {_built(facts)}: a {required_bump(run)} "
         f"version: {inline(bump_reason(run))}. Every record of the previous version is still here under the same "
         "`doc_id`; the new crawl was deduplicated against it and within itself.", ""]
    withheld = f" ({fmt(prev.get('new_withheld', 0))} with their text withheld)" if prev.get("new_withheld") else ""
    classes = prev.get("new_canonical_classes") or {}  # absent from a run.json written before 2026-12-07
    folders = "" if facts.flat_data or not classes else " (" + ", ".join(
        f"{inline(k)} {fmt(v)}" for k, v in sorted(classes.items()) if v) + ")"
    s.append(f"- Added: {counted(prev.get('new_canonical', 0), 'canonical document')} in `data/`{folders}{withheld}.")
    s.append(f"- Duplicates: {counted(prev.get('new_duplicates', 0), 'new row')} in `duplicates/`, "
             f"{fmt(prev.get('new_duplicates_of_previous', 0))} of them copies of a story already published "
             "(they point at its canonical record); "
             f"{counted(prev.get('previous_clusters_grown', 0), 'previous cluster')} "
             "gained copies (their `cluster_size` and `duplicate_*` columns changed).")
    new_rejects = run.counts.rejects - prev.get('counts', {}).get('rejects', 0)
    s.append(f"- Rejects: {counted(new_rejects, 'new row')} in `rejects/`.")
    demoted = prev.get("demoted_canonical", 0)
    if demoted:
        named = ", ".join(code(d) for d in prev.get("demoted_doc_ids", [])[:MAX_DEMOTED_NAMED])
        # each merged cluster keeps one previous canonical and demotes the others: merged + demoted clusters joined
        merged = prev.get("previous_clusters_merged", 0)
        into = "one" if merged == 1 else fmt(merged)
        s.append(f"- Removed from `data/`: {counted(demoted, 'previous canonical record')}, now rows of `duplicates/` "
                 f"(new copies joined {counted(merged + demoted, 'previous cluster')} into {into}): "
                 + named + (" and more" if demoted > MAX_DEMOTED_NAMED else "") + ".")
    else:
        s.append("- Removed: none.")
    s += licence_lines(prev)
    changed = creator_change(run, facts.creator)
    if changed:
        s.append(f"- Creator: {creator_words(changed['to'])}, where {inline(prev.get('name'))} "
                 f"{inline(prev.get('version'))} named {creator_words(changed['from'])} (`dedup release --creator`).")
    s.append(f"- Totals: {fmt(rows['data'])} canonical, {counted(rows['duplicates'], 'duplicate')}, "
             f"{counted(rows['rejects'], 'reject')} from {counted(run.counts.input_records, 'input record')}.")
    s.append("")
    older = re.sub(r"^# Changelog\s*\n", "", prev.get("changelog") or "").strip()
    return s + ([older, ""] if older else [])


def _first_section(facts: ReleaseFacts) -> list[str]:
    """The section of a first release: everything is added."""
    run, rows = facts.run, facts.rows
    folders = "" if facts.flat_data else " (" + ", ".join(
        f"{inline(PurePosixPath(k).name)} {fmt(v.rows)}" for k, v in facts.data_folders.items()) + ")"
    matches = (" (" + ", ".join(f"{inline(k)} {fmt(v)}" for k, v in facts.match.items()) + ")") if facts.match else ""
    reasons = (" (" + ", ".join(f"{inline(k)} {fmt(v)}" for k, v in facts.reasons.items()) + ")") if facts.reasons else ""
    return [f"Release of {inline(facts.name)} {_built(facts)}. Counts are those of this build; no earlier release "
            "was compared, so every canonical row is listed as added.", "",
            f"- Added: {counted(rows['data'], 'canonical document')} in `data/`{folders}.",
            f"- Duplicates: {counted(rows['duplicates'], 'row')} in `duplicates/`{matches}.",
            f"- Rejects: {counted(rows['rejects'], 'row')} in `rejects/`{reasons}.",
            f"- Input records: {fmt(run.counts.input_records)}; skipped (no page): "
            f"{fmt(run.counts.skipped_records)}.", ""]


def render_changelog(facts: ReleaseFacts) -> str:
    """CHANGELOG.md: this version's section above the previous release's history."""
    body = _next_section(facts) if facts.run.previous else _first_section(facts)
    return "\n".join(["# Changelog", "", f"## {facts.version}", "", *body])
