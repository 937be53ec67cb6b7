"""Publishing: put a verified release (made by `dedup release`) where others can use it.

Three kinds of destination:
  * a local folder: a real copy, made in a temporary sibling folder, verified there with
    `dedup.release.verify.verify`, then renamed into place (a half copy is never left behind);
  * an object store through fsspec (s3://bucket/prefix, gs://, az://...): every file uploaded, read
    back and checked against the release's SHA256SUMS, and SHA256SUMS uploaded last, so its presence
    marks a complete copy (object stores have no rename);
  * `hf://datasets/OWNER/NAME`: a Hugging Face dataset repository, through `huggingface_hub.HfApi`
    (`create_repo(..., exist_ok=True)` then `upload_folder(...)`), with the token from HF_TOKEN or
    huggingface_hub's own lookup (`huggingface-cli login` / `hf auth login`).

The release is verified before anything is copied or uploaded; a release that does not verify raises
`UnverifiedRelease` (a ReleaseError carrying the problems, CLI exit code 3).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

from dedup.sources import storage
from dedup.errors import ConfigError, DedupError, InputError, OutputError, ReleaseError
from dedup.release.files import CHANGELOG, MANIFEST, SUMS, UNCHECKED, sha256_file, sha256_stream
from dedup.release.manifest import load_manifest, read_sums
from dedup.release.verify import verify
from dedup.workdir import recover_replaced, refuse_foreign, replace_folder
from dedup.words import counted

PUBLISHING = "publish"  # `.<dest>.publish-<pid>`: the copy being made and verified

HUB_FORM = "hf://datasets/OWNER/NAME"
NO_TOKEN = "no Hugging Face token: set HF_TOKEN or run `huggingface-cli login`"
NO_HUB_LIBRARY = "publishing to the Hugging Face Hub needs huggingface_hub: pip install huggingface_hub"
_HUB = re.compile(r"^hf://datasets/([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)/?$")
# Exception class names (anywhere in the MRO or the cause chain) that mean "the network is not there":
# builtin ConnectionError, requests' ConnectionError/Timeout, httpx's ConnectError/TransportError...
_NETWORK_NAMES = {"ConnectionError", "ConnectError", "ConnectTimeout", "ReadTimeout", "Timeout",
                  "TimeoutException", "TransportError", "NetworkError", "OfflineModeIsEnabled",
                  "MaxRetryError", "NewConnectionError", "NameResolutionError", "gaierror"}


class UnverifiedRelease(ReleaseError):
    """The release (or its copy) does not verify; `problems` lists what `dedup.release.verify.verify` found."""

    exit_code = 3

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


# --------------------------------------------------------------------------------------------------
# destinations


def parse_destination(text: str) -> tuple[str, str]:
    """('hub', 'OWNER/NAME') for `hf://datasets/OWNER/NAME`, ('store', url) for another URL (an fsspec
    object store: s3://, gs://, az://...), else ('dir', text) for a local folder.
    Raises ConfigError for a malformed hf:// address."""
    text = text.strip()
    if not text:
        raise ConfigError(f"empty destination; give a folder or {HUB_FORM}")
    if text.lower().startswith("hf://"):
        m = _HUB.match(text)
        if not m or ".." in text or m.group(2).endswith((".git", ".")):
            raise ConfigError(f"bad Hugging Face address {text!r}: write it as {HUB_FORM} "
                              "(e.g. hf://datasets/my-org/news-sample); only dataset repositories are supported")
        return "hub", f"{m.group(1)}/{m.group(2)}"
    if storage.is_url(text):   # an object store (s3://, gs://...): the readers' rule of a URL
        return "store", text.rstrip("/")
    return "dir", text


def _require_verified(release: Path, what: str = "release") -> None:
    problems = verify(release)
    if problems:
        raise UnverifiedRelease(f"{release}: the {what} does not verify ({counted(len(problems), 'problem')}); "
                                "fix them (`dedup verify`) before publishing", problems)


def release_version(release: Path) -> str:
    """The release's version: manifest.json `version`, else the first `## x.y.z` heading of CHANGELOG.md."""
    try:
        return load_manifest(release).version
    except (OSError, ReleaseError):
        pass
    try:
        for line in (release / CHANGELOG).read_text("utf-8").splitlines():
            if line.startswith("## "):
                return line[3:].strip()
    except OSError:
        pass
    raise ReleaseError(f"{release}: no version in {MANIFEST} or {CHANGELOG}; package it with `dedup release`")


# --------------------------------------------------------------------------------------------------
# local folder


def _inside(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def _copy_failure(exc: OSError) -> str:
    """What made a copy fail, in one line. `shutil.copytree` gathers the error of each file it could not copy into
    one `shutil.Error` whose text is the list of them all (a full disk: a screenful of file pairs, round 17 of the
    hostile inputs): the first file's error and how many failed."""
    failed = exc.args[0] if isinstance(exc, shutil.Error) and exc.args else None
    if isinstance(failed, list) and failed and isinstance(failed[0], tuple) and len(failed[0]) == 3:
        return f"{failed[0][2]}" + (f" (and {counted(len(failed) - 1, 'other file')})" if len(failed) > 1 else "")
    return exc.strerror or str(exc)


def publish_to_dir(release: Path, dest: Path, overwrite: bool = False) -> Path:
    """Copy the release to `dest` and return `dest`. The copy is made in a temporary sibling folder,
    verified there, then renamed into place; on any failure nothing is left at or next to `dest` (an
    existing `dest` is kept as it was). A non-empty `dest` is refused unless `overwrite`.
    Raises UnverifiedRelease (release or copy does not verify) or OutputError (cannot write `dest`)."""
    release, dest = Path(release), Path(dest)
    _require_verified(release)
    src, target = release.resolve(), dest.resolve()
    if _inside(target, src) or _inside(src, target):
        raise OutputError(f"--to {dest} overlaps the release {release}; choose a folder outside it")
    recover_replaced(target, PUBLISHING)
    if dest.exists() and not dest.is_dir():
        raise OutputError(f"--to {dest} exists and is not a folder")
    if dest.exists() and any(dest.iterdir()):
        if not overwrite:
            raise OutputError(f"--to {dest} is not empty; choose another folder or pass --overwrite")
        refuse_foreign(dest, "--to")

    parent = target.parent
    stage = parent / f".{target.name}.{PUBLISHING}-{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(stage, ignore_errors=True)
        shutil.copytree(src, stage)  # symlinks followed: a real copy
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise OutputError(f"cannot copy {release} to {parent}: {_copy_failure(exc)}; nothing was published (free "
                          f"some space or fix the folder, then publish again)") from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    try:
        problems = verify(stage)
        if problems:
            raise UnverifiedRelease(f"{dest}: the copy does not verify ({counted(len(problems), 'problem')}); the "
                                    "disk or the copy failed, nothing was published", problems)
        replace_folder(stage, target)
    except OSError as exc:
        raise OutputError(f"cannot move the copy into {dest}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # gone already after a successful rename
    return dest


# --------------------------------------------------------------------------------------------------
# object stores (fsspec)


def publish_to_store(release: Path, url: str, overwrite: bool = False) -> str:
    """Upload the release under `url` (s3://bucket/prefix...) and return `url`. Every file is read back
    and checked against SHA256SUMS (timings.json, outside it, against the file); SHA256SUMS goes last, so
    a copy without it is incomplete. With
    `overwrite`, objects under `url` that the release does not hold are deleted after the copy checks.
    Raises UnverifiedRelease, ConfigError (unknown protocol, missing package) or OutputError."""
    release = Path(release)
    _require_verified(release)
    try:
        fs, root = storage.filesystem(url)
    except InputError as exc:
        raise ConfigError(str(exc)) from exc
    root = root.rstrip("/")
    files = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    files.remove(SUMS)
    sums = read_sums(release, []) or {}  # the release verified: every line is well formed
    # the build's measurements (timings.json) are not in SHA256SUMS: their upload is checked against the file
    sums.update({rel: sha256_file(release / rel) for rel in UNCHECKED if rel in files})
    try:
        existing = fs.find(root) if fs.exists(root) else []
        if existing and not overwrite:
            raise OutputError(f"--to {url} already holds {counted(len(existing), 'object')}; choose another prefix "
                              "or pass --overwrite")
        if f"{root}/{SUMS}" in existing:
            fs.rm(f"{root}/{SUMS}")  # from here on the old copy reads as incomplete
        for rel in files:
            fs.put_file(str(release / rel), f"{root}/{rel}")
            with fs.open(f"{root}/{rel}", "rb") as fh:
                if sha256_stream(fh) != sums.get(rel):  # SHA256SUMS is not uploaded: marked incomplete
                    raise UnverifiedRelease(
                        f"{url}: the upload does not check (1 problem); {SUMS} was not uploaded, so the "
                        "copy is marked incomplete", [f"{rel}: the uploaded copy's sha256 differs from SHA256SUMS"])
        fs.put_file(str(release / SUMS), f"{root}/{SUMS}")  # last: its presence marks a complete copy
        keep = {f"{root}/{rel}" for rel in files + [SUMS]}
        for stale in sorted(set(fs.find(root)) - keep):  # what an overwritten older copy held
            fs.rm(stale)
    except DedupError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot upload to {url}: {type(exc).__name__}: {exc}; check the address and "
                          "credentials") from exc
    return url


# --------------------------------------------------------------------------------------------------
# Hugging Face Hub


def _import_hub():
    try:
        import huggingface_hub
    except ImportError as exc:
        raise OutputError(NO_HUB_LIBRARY) from exc
    return huggingface_hub


def _token(hub) -> str:
    """HF_TOKEN, else huggingface_hub's own lookup (HF_TOKEN_PATH, the token saved by login)."""
    token = os.environ.get("HF_TOKEN") or hub.get_token()
    if not token:
        raise OutputError(NO_TOKEN)
    return token


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _is_network(exc: BaseException) -> bool:
    for e in _chain(exc):
        if isinstance(e, (ConnectionError, TimeoutError, socket.gaierror)):
            return True
        if any(c.__name__ in _NETWORK_NAMES for c in type(e).__mro__):
            return True
    return False


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _hub_error(exc: Exception, repo_id: str) -> DedupError:
    """One clear line for what huggingface_hub (or the network under it) raised."""
    if any(type(e).__name__ == "LocalTokenNotFoundError" for e in _chain(exc)):
        return OutputError(NO_TOKEN)
    status = _status(exc)
    if status in (401, 403):
        return OutputError(f"the Hugging Face Hub refused the token for {repo_id} (HTTP {status}): use a token "
                           "with write access (set HF_TOKEN or run `huggingface-cli login`)")
    if _is_network(exc):
        return OutputError(f"cannot reach the Hugging Face Hub ({type(exc).__name__}: {_first_line(exc)}): "
                           "offline or no connection; check the network (and HF_HUB_OFFLINE) and try again")
    return OutputError(f"publishing to hf://datasets/{repo_id} failed ({type(exc).__name__}: {_first_line(exc)})")


def publish_to_hub(release: Path, repo_id: str, private: bool = False, api=None) -> str:
    """Upload the release folder to the Hugging Face dataset repository `repo_id` (OWNER/NAME, created
    when missing; `private` applies only on creation) with the commit message "dedup release VERSION",
    and return the repository URL. `api` is an `huggingface_hub.HfApi`-like object (default: a new HfApi
    with the token from HF_TOKEN or huggingface_hub's lookup). Raises UnverifiedRelease before any upload
    when the release does not verify, OutputError for a missing token, no network or a refused upload."""
    release = Path(release)
    kind, repo = parse_destination(f"hf://datasets/{repo_id}")
    _require_verified(release)
    version = release_version(release)
    if api is None:
        hub = _import_hub()
        api = hub.HfApi(token=_token(hub))
    try:
        url = api.create_repo(repo, repo_type="dataset", private=private, exist_ok=True)
        api.upload_folder(folder_path=release, repo_id=repo, repo_type="dataset",
                          commit_message=f"dedup release {version}")
    except DedupError:
        raise
    except Exception as exc:  # noqa: BLE001 - anything from the hub client becomes one line
        raise _hub_error(exc, repo) from exc
    return str(url) if isinstance(url, str) and url else f"https://huggingface.co/datasets/{repo}"
