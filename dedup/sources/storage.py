"""storage: where input bytes come from. A local path, or an fsspec URL (s3://, gs://, az://, https://,
memory://...) for crawls kept in an object store; the readers only ever call `open_binary`.

fsspec is imported only when a URL is given, so local builds need nothing more; a URL whose protocol
has no installed implementation (s3fs for s3://, gcsfs for gs://, adlfs for az://) gets an InputError
that names the package to install. Credentials come from each implementation's usual environment
(AWS_* variables or ~/.aws for s3fs, and so on): dedup never sees or stores them.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import BinaryIO, TypeGuard

from dedup.errors import InputError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_PROTOCOL_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs",
                      "abfs": "adlfs", "abfss": "adlfs", "http": "aiohttp", "https": "aiohttp"}


def is_url(path: str | os.PathLike[str]) -> TypeGuard[str]:
    """Is `path` an fsspec URL (s3://, gs://, https://...) rather than a local path?"""
    return isinstance(path, str) and bool(_URL.match(path))


def basename(path: str | os.PathLike[str]) -> str:
    """The last component of a local path or a URL."""
    return posixpath.basename(path.rstrip("/")) if is_url(path) else Path(path).name


def filesystem(url: str):
    """(fsspec filesystem, path inside it) for a URL, or an InputError saying what to install."""
    protocol = url.split("://", 1)[0].lower()
    try:
        import fsspec
    except ImportError as exc:
        extra = _PROTOCOL_PACKAGES.get(protocol)
        raise InputError(f"{url}: reading URLs needs fsspec (pip install fsspec{' ' + extra if extra else ''})") from exc
    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as exc:
        package = _PROTOCOL_PACKAGES.get(protocol, f"the fsspec implementation of {protocol}://")
        raise InputError(f"{url}: {protocol}:// needs {package} (pip install {package})") from exc
    except ValueError as exc:   # fsspec: "Protocol not known"
        raise InputError(f"{url}: {exc}; give a local path or an fsspec URL (s3://, gs://, az://, https://)") from exc


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """A readable binary file: a local path through open(), a URL through fsspec."""
    if not is_url(path):
        return open(path, "rb")
    fs, inner = filesystem(path)
    return fs.open(inner, "rb")


def head(path: str | os.PathLike[str], n: int) -> bytes | None:
    """The first `n` bytes of a local file or URL (None when it cannot be read)."""
    try:
        with open_binary(path) as fh:
            return fh.read(n)
    except OSError:
        return None


def tail(path: str | os.PathLike[str], n: int) -> bytes | None:
    """The last `n` bytes of a local file or URL (fewer in a shorter file; None when it cannot be read)."""
    try:
        with open_binary(path) as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - n, 0))
            return fh.read(n)
    except OSError:
        return None


def size(path: str | os.PathLike[str]) -> int:
    """Size in bytes of a local file or an object behind a URL."""
    if not is_url(path):
        return Path(path).stat().st_size
    fs, inner = filesystem(path)
    return int(fs.size(inner) or 0)


def local_version(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(size, modification time in ns) of a local file, to tell whether it changed while it was read (round 15 of
    the hostile inputs); None for a URL (an object store replaces an object whole) or a file that cannot be stat'ed."""
    if is_url(path):
        return None
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_size, st.st_mtime_ns


def changed_detail(before: tuple[int, int], after: tuple[int, int] | None) -> str | None:
    """Why a file read between the two `local_version`s changed while it was read (None when it did not)."""
    if after == before:
        return None
    now = "is gone" if after is None else (
        f"is {after[0]} bytes now" if after[0] != before[0] else "was modified again (the same size)")
    return (f"the file changed while it was read: it was {before[0]} bytes when its reading began and {now} (a "
            "crawler or a copy still writing it, or something cutting it short), so the records read from it may "
            "not be all it holds and the last of them may be cut; the records read were kept; build again once the "
            "file is complete")


def expand_url(arg: str) -> tuple[list[tuple[str, str]], bool]:
    """A URL naming a file, a folder (recursive) or a glob -> ([(file URL, stable name)] sorted, whether
    it was a folder). Names are relative to the folder, or the file's base name, as for local inputs."""
    fs, inner = filesystem(arg)
    url_of = fs.unstrip_protocol
    try:
        if fs.isdir(inner):
            root = inner.rstrip("/")
            files = sorted(p for p in fs.find(root) if not posixpath.basename(p).startswith("."))
            return [(url_of(p), posixpath.relpath(p, root)) for p in files], True
        if fs.isfile(inner):
            return [(arg, basename(arg))], False
        hits = sorted(p for p in fs.glob(inner) if fs.isfile(p))
    except OSError as exc:
        raise InputError(f"{arg}: cannot list ({type(exc).__name__}: {exc}); check the address and credentials") from exc
    if not hits:
        raise InputError(f"input not found: {arg!r} (give WARC/WET/ARC, JSONL or Parquet files, folders or globs)")
    return [(url_of(p), posixpath.basename(p)) for p in hits], False
