"""The work folder of a build: where each stage leaves its Parquet output and its completion marker.

A build writes into `.<OUT>.partial/` next to OUT and renames it into place only when every file is
written. Inside it, `_work/` holds what the stages hand to each other; each finished stage leaves
`_work/<stage>.done`, a JSON file with the build's fingerprint (inputs, config, previous release and
dedup's own code) and the stage's figures for run.json. A build killed at any point is resumed by
running the same command again: the stages whose marker carries the same fingerprint are not run
again, and the others start over from their inputs, so a resumed build writes the same bytes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dedup import __version__
from dedup.errors import OutputError
from dedup.release.files import OPTIONAL_RELEASE_FILES, RELEASE_FILES, TABLES
from dedup.release.manifest import TMP
from dedup.release.report import REPORT
from dedup.run_report import RUN_JSON, TIMINGS_JSON
from dedup.sources import storage
from dedup.sources.inputs import InputFile
from dedup.words import counted

WORK = "_work"
LOCK = "build.lock"


@dataclass(frozen=True)
class WorkDir:
    """Paths of the stage outputs inside a build's staging folder."""

    stage_dir: Path  # becomes OUT when the build is done

    @property
    def root(self) -> Path:
        return self.stage_dir / WORK

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def file_part(self, i: int) -> Path:
        """The rows the ingest read from input file i (kept per file: an interrupted run resumes by file)."""
        return self.root / "files" / f"file-{i:05d}.parquet"

    def doc_part(self, k: int) -> Path:
        """Docs part k: the rows of a group of consecutive small input files gathered into one
        (`ingest.part_groups`); a group of one file is that file's own part (`file_part`)."""
        return self.docs / f"part-{k:05d}.parquet"

    def doc_parts(self, groups: list[list[int]]) -> list[Path]:
        """Every docs part, in input order, from the ingest's groups of input files."""
        return [self.file_part(g[0]) if len(g) == 1 else self.doc_part(k) for k, g in enumerate(groups)]

    def table(self, name: str) -> Path:
        """A stage's single-file output: keys, stories, chrome, signatures, clusters, decisions..."""
        return self.root / f"{name}.parquet"

    def folder(self, name: str) -> Path:
        """A stage's folder output."""
        return self.root / name

    def prepare(self, fingerprint: str) -> None:
        """Keep the work an earlier run of this same build left; drop any other."""
        stamp = self.root / "fingerprint"
        try:
            same = stamp.read_text("utf-8") == fingerprint
        except OSError:
            same = False
        if not same:
            self.discard(ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint, "utf-8")

    def discard(self, ignore_errors: bool = False) -> None:
        """Delete the work folder so that a process killed while deleting it leaves nothing a resume would trust:
        it is renamed aside first (one step), then deleted. `shutil.rmtree` alone deletes entries in the
        folder's own order (a hash on ext4): until round 17 of the hostile inputs a build killed there (its
        output written, the work going) left stage markers whose files were gone, and every later run of the
        command stopped with a FileNotFoundError traceback until `--fresh`. Now that run finds no work and
        starts over."""
        aside = discarded(self.root)
        shutil.rmtree(aside, ignore_errors=True)
        if self.root.is_dir():
            try:
                os.replace(self.root, aside)
            except OSError:
                if not ignore_errors:
                    raise
                aside = self.root
        shutil.rmtree(aside, ignore_errors=ignore_errors)

    def _marker(self, stage: str) -> Path:
        return self.root / f"{stage}.done"

    def finished(self, stage: str, fingerprint: str) -> dict[str, Any] | None:
        """The figures a stage recorded when it finished under this fingerprint, else None."""
        try:
            marker = json.loads(self._marker(stage).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(marker, dict) or marker.get("fingerprint") != fingerprint:
            return None
        figures = marker.get("figures")
        return figures if isinstance(figures, dict) else {}

    def mark_finished(self, stage: str, fingerprint: str, figures: dict[str, Any]) -> None:
        """Written last, after the stage's files: a marker means every file before it is complete."""
        tmp = self._marker(stage).with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint, "figures": figures}, sort_keys=True,
                                  default=str), "utf-8")
        os.replace(tmp, self._marker(stage))

    def forget_from(self, stages: tuple[str, ...], first: str) -> None:
        """Drop the markers of `first` and every later stage: their inputs are about to change."""
        for stage in stages[stages.index(first):]:
            self._marker(stage).unlink(missing_ok=True)


@cache
def code_fingerprint() -> str:
    """A hash of dedup's own source and schemas: a resumed build never mixes outputs of two versions."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.json")]):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def build_fingerprint(inputs: list[tuple[str, int, int]], config_sha256: str, previous: str | None) -> str:
    """What a build's work depends on: every input (name, size, modification time), the config, the
    previous release (its SHA256SUMS) and the code. Engines and worker counts are not in it: they never
    change the bytes."""
    doc = {"inputs": inputs, "config": config_sha256, "previous": previous, "code": code_fingerprint()}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def discarded(folder: Path) -> Path:
    """The name `folder` is renamed to while it is deleted (`WorkDir.discard`, `take_staging`): a name no run reads
    work from, that the next `take_staging` of the same output deletes with the staging folder, or as a per-process
    folder of a process that is gone."""
    return folder.with_name(f"{folder.name}-{os.getpid()}")


def staging_folder(out: Path) -> Path:
    """`.<OUT>.partial` next to OUT: one per output folder, so a second run finds the first one's work."""
    out = Path(out)
    return out.resolve().parent / f".{out.name}.partial"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def take_staging(out: Path, resume: bool) -> tuple[Path, bool]:
    """The staging folder for OUT, locked by this process: (folder, whether earlier work is in it).

    Another live build writing the same OUT is an OutputError. Work left by a dead build is kept
    when `resume` (its markers decide what is reused) and removed otherwise; so are the per-process
    staging folders of older dedup versions (`.<OUT>.partial-<pid>`) whose process is gone."""
    stage = staging_folder(out)
    parent = stage.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for old in parent.glob(f".{Path(out).name}.partial-*"):
            pid = old.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
        had_work = False
        if stage.is_symlink() or (stage.exists() and not stage.is_dir()):
            raise OutputError(f"{stage} exists and is not a folder; remove it and build again")
        if stage.exists():
            holder = _lock_holder(stage)
            if holder is not None and holder != os.getpid() and _alive(holder):
                raise OutputError(f"another dedup build (process {holder}) is writing {out}; wait for it to "
                                  f"finish or stop it, then build again")
            if resume and (stage / WORK).is_dir():
                had_work = True
            else:   # renamed aside first (`discarded`: `.<OUT>.partial-<pid>`, removed above once this process is
                aside = discarded(stage)   # gone): killed in the middle, no half of its work is left to resume
                shutil.rmtree(aside, ignore_errors=True)
                os.replace(stage, aside)
                shutil.rmtree(aside)
        stage.mkdir(exist_ok=True)
        (stage / LOCK).write_text(str(os.getpid()), "utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write under {parent}: {exc.strerror or exc}") from exc
    return stage, had_work


def _lock_holder(stage: Path) -> int | None:
    try:
        text = (stage / LOCK).read_text("utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def release_lock(stage: Path) -> None:
    """Let another build take this output folder."""
    (stage / LOCK).unlink(missing_ok=True)


# ---------------------------------------------------------------- the output folder

# A folder being replaced (`--overwrite`, `publish --to`, `rehydrate --to`) is renamed aside to `.<name>.old-<pid>`
# before the new one is renamed in, then to `.<name>.trash-<pid>` to be deleted: a process killed anywhere in between
# leaves one of them next to the target, and `recover_replaced` knows from the name alone what it was (round 13)
OLD, TRASH = "old", "trash"


def _leftovers(target: Path, kind: str) -> list[Path]:
    """`.<target>.<kind>-<pid>` folders of processes that are gone, by name."""
    prefix = f".{target.name}.{kind}-"   # not a glob: a folder's name may hold `[`
    found = []
    for p in sorted(target.parent.iterdir()):
        pid = p.name[len(prefix):]
        if p.name.startswith(prefix) and pid.isdigit() and not _alive(int(pid)) and not p.is_symlink():
            found.append(p)
    return found


def recover_replaced(target: Path, staging: str | None = None) -> None:
    """Finish what a process killed while replacing `target` left: with no `target`, the old folder it had moved
    aside is put back (the new one never arrived); with one, the old is deleted (the new one did). A `trash` folder,
    and a `.<target>.<staging>-<pid>` folder the new one was being written in, are deleted. Run before the target is
    checked or replaced, so a killed run loses nothing."""
    target = Path(target)
    try:
        if not target.parent.is_dir():
            return
        for old in _leftovers(target, OLD):
            if not target.exists() and not target.is_symlink():
                old.rename(target)
            else:
                _discard(old, target)
        for trash in _leftovers(target, TRASH) + (_leftovers(target, staging) if staging else []):
            shutil.rmtree(trash, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot restore {target} from what an interrupted run left next to it: "
                          f"{exc.strerror or exc}; check {target.parent}") from exc


def _discard(folder: Path, target: Path) -> None:
    trash = folder.parent / f".{target.name}.{TRASH}-{os.getpid()}"
    shutil.rmtree(trash, ignore_errors=True)
    folder.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)


def replace_folder(new: Path, target: Path) -> None:
    """Move the finished folder `new` to `target`, replacing what is there without a moment when neither exists
    on disk: the old `target` is renamed aside, `new` renamed in, the old deleted last. Killed in between, the
    next `recover_replaced(target)` puts the old back or deletes it. `new` must be on `target`'s file system."""
    target = Path(target)
    if not (target.exists() or target.is_symlink()):
        os.replace(new, target)
        return
    old = target.parent / f".{target.name}.{OLD}-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    try:
        os.replace(new, target)
    except BaseException:
        old.rename(target)  # put the previous folder back
        raise
    _discard(old, target)


def check_output(out: Path, overwrite: bool, files: list[InputFile], previous: Path | None) -> None:
    """Refuse, before anything is read or written, an output folder that would destroy an input."""
    recover_replaced(out)
    if out.is_symlink():
        raise OutputError(f"--out {out} is a symbolic link; give the folder it points to, or another folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise OutputError(f"--out {out} is not empty; choose another folder or pass --overwrite")
    target = out.resolve()
    for f in files:
        if storage.is_url(f.path):
            continue
        source = Path(f.path).resolve()
        if source == target or target in source.parents:
            raise OutputError(f"--out {out} contains the input {f.path}: the build would delete its own crawl; "
                              "write the output to another folder")
    if previous is not None:
        prev = Path(previous).resolve()
        if prev == target or target in prev.parents or prev in target.parents:
            raise OutputError(f"--out {out} and --previous {previous} overlap; write the next release to a "
                              "folder outside the previous one")
    if out.exists() and any(out.iterdir()):  # (with --overwrite: the cases above say more, so first)
        refuse_foreign(out, "--out")


# What a build and `dedup release` write at the top of OUT: the only entries `--overwrite` deletes (round 12)
# (and the temporary names of a release killed before it renamed them: `README.md.tmp`)
WRITTEN = (*RELEASE_FILES, *OPTIONAL_RELEASE_FILES)
OUTPUT_NAMES = frozenset((*TABLES, RUN_JSON, TIMINGS_JSON, REPORT, *WRITTEN, *(n + TMP for n in WRITTEN)))


def refuse_foreign(folder: Path, option: str = "--out", names: frozenset[str] = OUTPUT_NAMES,
                   marker: str = RUN_JSON) -> None:
    """`--overwrite` replaces what dedup wrote there before, not a folder of other files: `folder` must hold `marker`
    and nothing outside `names` (OutputError naming what else is there). Until round 12 it deleted the whole folder:
    a home folder, a project or a crawl given by mistake with `--overwrite`."""
    foreign = sorted(p.name for p in folder.iterdir() if p.name not in names)
    if foreign or not (folder / marker).is_file():
        what = (f"holds {counted(len(foreign), 'entry', 'entries')} dedup does not write there "
                f"({', '.join(repr(n) for n in foreign[:3])}{', ...' if len(foreign) > 3 else ''})" if foreign
                else f"holds no {marker}")
        raise OutputError(f"{option} {folder} {what}: it is not dedup's output, and --overwrite would delete it "
                          f"all; choose another folder (or move those files out yourself)")


def output_error(exc: OSError, out: Path, stage_dir: Path) -> BaseException:
    """A failed write of the output (full disk, I/O error) -> OutputError saying what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"no space left on the device while writing {out} ({exc.filename or stage_dir}); "
                           f"free some space and run the same command again: the finished stages are kept "
                           f"in {stage_dir} and resume")
    if exc.errno in (errno.EIO, errno.EROFS, errno.EACCES, errno.EPERM):
        return OutputError(f"cannot write {exc.filename or stage_dir}: {exc.strerror}; check the storage and "
                           f"run the same command again to resume")
    return exc
