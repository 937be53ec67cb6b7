"""package: turn a `dedup build` output folder into a verifiable, self-describing release.

`package(out)` writes, next to the build's own files, report.html, a Hugging Face dataset card
(README.md), a Croissant 1.1 description (croissant.json), LICENSES.md, CHANGELOG.md, a manifest
(manifest.json: every file but itself and SHA256SUMS) and, last, SHA256SUMS over every other file.
Everything is computed from the folder itself (run.json and the Parquet files, read once into
`ReleaseFacts`); the same folder gives the same bytes, so packaging twice changes nothing. `verify`
(dedup/release/verify.py) checks the result.

Layouts: data files are found recursively, so both `data/train-NNNNN-of-MMMMM.parquet` and
`data/<licence-class>/train-NNNNN-of-MMMMM.parquet` work. See docs/release.md.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

from dedup.errors import OutputError, ReleaseError
from dedup.release.card import render_card
from dedup.release.changelog import SEMVER, next_version, render_changelog
from dedup.release.cff import render_cff
from dedup.release.creator import Creator, refuse_undecodable, stored_creator
from dedup.release.croissant import render_croissant
from dedup.release.describe import NEWS_COLUMNS, default_name
from dedup.release.facts import collect_facts, release_inputs
from dedup.release.files import (CARD, CHANGELOG, CITATION_CFF, CROISSANT, LICENSES, LISTED_RELEASE_FILES, MANIFEST,
                                 OPTIONAL_RELEASE_FILES, RELEASE_FILES, inspect_file, read_columns, readable,
                                 sha256_file)
from dedup.release.licences import render_licenses
from dedup.release.manifest import TMP, build_manifest, write_sums, write_text
from dedup.release.report import write_report
from dedup.run_report import RUN_JSON, RunReport


def dumps(obj: Any) -> str:
    """JSON as the release writes it: indented, UTF-8 kept, one final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def refuse_empty(out: Path, run: RunReport) -> None:
    """A build that kept no document has nothing to release: say why, with its counts (ReleaseError)."""
    counts = run.counts
    if counts.canonical:
        return
    fix = "check the inputs and the settings (--licence, --config) and build again"
    if not counts.input_records:
        raise ReleaseError(f"{out}: the build read no page records ({counts.skipped_records} records without a "
                           f"page were skipped), so there is nothing to release; {fix}")
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(run.rejects_by_reason.items(), key=lambda kv: (-kv[1], kv[0])))
    raise ReleaseError(f"{out}: the build kept no documents: all {counts.input_records} input records were "
                       f"rejected ({reasons}; see rejects/), so there is nothing to release; {fix}")


def default_name_of(out: Path) -> str:
    """The name dedup gives a release when none is given: what its records are (`describe.default_name`),
    or the folder's name when data/ holds no file."""
    data = [inspect_file(out, p.relative_to(out).as_posix(), sha256="") for p in sorted((out / "data").rglob("*.parquet"))]
    return default_name(read_columns(out, readable(data), NEWS_COLUMNS)) if data else out.resolve().name


def package(out: Path, *, name: str | None = None, version: str | None = None,
            url: str | None = None, creator: Creator | None = None) -> dict[str, Any]:
    """Write the release files into `out` (a `dedup build` output) and return the manifest.

    Writes README.md (dataset card), croissant.json, LICENSES.md, CHANGELOG.md, then manifest.json (every
    file but itself and SHA256SUMS) and, last, SHA256SUMS over every other file. Idempotent: the same
    folder gives the same bytes. `url` is where the release will be published (Croissant `url`); without
    it the Croissant file says "./" (this folder). `creator` (release/creator.py) defaults to the previous
    release's; without one the card says how to add it, and no CITATION.cff is written. A release packaged again keeps
    the name, version, URL and creator it was given (`packaged_before`).
    Raises ReleaseError when `out` is not a build output or `version` is not semantic (x.y.z).
    """
    out = Path(out)
    if not out.is_dir():
        raise ReleaseError(f"{out}: not a folder; give the output folder of `dedup build`")
    for option, value in (("--name", name), ("--url", url), ("--version", version)):
        refuse_undecodable(option, value)
    if version is not None and not SEMVER.match(version):
        raise ReleaseError(f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)")
    run = RunReport.load(out)
    refuse_empty(out, run)
    try:
        _drop_half_written(out)
        return _package(out, run, name, version, url, creator)
    except OSError as exc:
        _drop_half_written(out, quietly=True)
        error = unwritable(exc, out)
        if error is exc:
            raise
        raise error from exc


def _drop_half_written(out: Path, quietly: bool = False) -> None:
    """The temporary files of a release killed before a rename (round 12: the file, half written, was listed in
    the manifest, then renamed away: unverifiable), or of one a full disk stopped (round 17)."""
    for leftover in (*RELEASE_FILES, *OPTIONAL_RELEASE_FILES):
        try:
            (out / (leftover + TMP)).unlink(missing_ok=True)
        except OSError:
            if not quietly:
                raise


def unwritable(exc: OSError, out: Path) -> Exception:
    """A release file that could not be written -> OutputError (exit code 2) saying what to do; until round 17 of
    the hostile inputs a full disk ended `dedup release` in a traceback (exit code 1, "a bug"). The build's own
    files are left as they were, and the folder does not verify until it is packaged again (SHA256SUMS is written
    last: a release from before no longer matches the files rewritten). Other errors are returned as they are."""
    where = exc.filename or out
    again = f"run `dedup release {out}` again: the build's files are untouched, and {out} does not verify until then"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"no space left on the device while writing {where}; free some space and {again}")
    if exc.errno == errno.EROFS:
        return OutputError(f"cannot write {where}: {exc.strerror}; make the folder writable and {again}")
    if exc.errno in (errno.EIO, errno.EACCES, errno.EPERM):
        return OutputError(f"cannot read or write {where}: {exc.strerror}; check the storage or the folder's "
                           f"permissions and {again}")
    return exc


def packaged_before(out: Path) -> dict[str, Any]:
    """What `dedup release` was given when this same build was packaged before (its manifest.json lists the run.json
    of these bytes): name, version, creator, and the URL croissant.json states. Packaging a release again without
    the options keeps them; until audit round 14 it fell back to a made-up name, 1.0.0 and no creator, so
    `dedup release OUT` on a release changed its name and dropped who made it. {} for a first packaging, or for a
    folder built again since (another run.json)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text("utf-8"))
        listed = {f.get("path"): f.get("sha256") for f in manifest.get("files", []) if isinstance(f, dict)}
        if listed.get(RUN_JSON) != sha256_file(out / RUN_JSON):
            return {}
        url = json.loads((out / CROISSANT).read_text("utf-8")).get("url")
    except (OSError, ValueError, AttributeError):
        return {}
    named = {k: manifest.get(k) for k in ("name", "version") if isinstance(manifest.get(k), str)}
    return {**named, "url": url if isinstance(url, str) and url != "./" else None,
            "creator": stored_creator(manifest.get("creator"))}


def _package(out: Path, run: RunReport, name: str | None, version: str | None, url: str | None,
             creator: Creator | None = None) -> dict[str, Any]:
    """`package`'s writing, every file but SHA256SUMS first."""
    before = packaged_before(out)
    version = next_version(run, version or before.get("version"))
    made_up = default_name_of(out) if not (name or run.previous.get("name")) else None
    carried = before.get("name") if before.get("name") != made_up else None  # a name given then, not made up
    name_given = bool(name or carried or run.previous.get("name"))
    name = str(name or carried or run.previous.get("name") or made_up)
    url = url or before.get("url")
    write_report(out, name=name, run=run)  # report.html, before the manifest and SHA256SUMS so both cover it
    # carried like the name: from this release packaged before (audit round 14), else the previous one (round 13)
    creator = creator or before.get("creator") or stored_creator(run.previous.get("creator"))
    facts = collect_facts(out, name, version, url, run, release_inputs(out), name_given=name_given, creator=creator)
    write_text(out / CROISSANT, dumps(render_croissant(facts)))
    write_text(out / CARD, render_card(facts))
    write_text(out / LICENSES, render_licenses(facts))
    write_text(out / CHANGELOG, render_changelog(facts))
    cff = render_cff(facts)
    if cff is None:
        (out / CITATION_CFF).unlink(missing_ok=True)  # no creator, no CFF (it requires authors): none is made up
    else:
        write_text(out / CITATION_CFF, cff)
    # listed in the manifest too
    described = [inspect_file(out, rel) for rel in (*LISTED_RELEASE_FILES, *([CITATION_CFF] if cff else []))]
    manifest = build_manifest(facts, described)
    write_text(out / MANIFEST, dumps(manifest))
    write_sums(out, {f.path: f.sha256 for f in [*facts.files, *described]})
    return manifest

