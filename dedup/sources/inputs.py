"""inputs: what a build reads. Files, folders (recursive) and globs -> the crawl files to read, each with
its stable name and format (`expand_inputs`); the files of a folder that are not read, each with why.

A file's format is told by its name for JSONL and Parquet and by its content for the WARC family
(`detect_format`), by its content too where a name lies (a WARC named `.jsonl`, JSON Lines named `.parquet`:
round 10); a `.json` file is JSON Lines when its first line is a record.
"""

from __future__ import annotations

import glob
import io
import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from dedup.errors import InputError
from dedup.run_report import FileNotRead
from dedup.sources import layouts, storage, warc
from dedup.sources.streams import wide_encoding
from dedup.sources.zstdframes import zstd_start


@dataclass(frozen=True, slots=True)
class InputFile:
    """One crawl file to read: where it is, the name written into `source_file`, its format."""
    path: Path | str  # a local path, or an fsspec URL (str) such as s3://bucket/crawl/x.warc.gz
    name: str  # stable name written into source_file: relative to the argument it came from
    format: str  # warc | jsonl | parquet


JSONL_NAMES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".json.gz", ".json.zst", ".ndjson", ".ndjson.gz",
                ".ndjson.zst")
# Names of files that are meant as crawl data: in a folder, such a file whose content is not
# recognised is read anyway (the reader reports `unknown_format`), never skipped in silence.
_CRAWL_NAME = re.compile(r"\.(?:warc|arc|wet|wat)(?:\.|$)|\.(?:gz|zst|bz2|xz|lz4)$", re.I)


def detect_format(path: Path | str) -> str:
    """By name for JSONL/Parquet unless the content is another format (`_by_content`); by content for the WARC
    family (names lie: `x.warc.gz.bad`),
    looking past junk and damaged gzip members at the start; 'unknown' when nothing is found. A `.json`
    file is JSON Lines when its first line is a record (`json_lines_of_records`)."""
    name = storage.basename(path).lower()
    if name.endswith(JSONL_NAMES):
        return _by_content(path, "jsonl")
    if name.endswith(".parquet"):
        return _by_content(path, "parquet")
    if name.endswith(".json"):
        return "jsonl" if json_lines_of_records(path) else "unknown"
    kind = warc.sniff_container(path)
    if kind in ("warc", "arc"):
        return "warc"
    return _by_content(path, "unknown") if looks_like_crawl_name(name) else "unknown"


def _by_content(path: Path | str, named: str) -> str:
    """The format a file named as `named` (jsonl, parquet; 'unknown': a crawl name whose content is no WARC)
    holds when its content is another one dedup reads: Parquet (`PAR1` first), WARC/ARC (`sniff_container`),
    JSON Lines (the first decompressed line starts as a record does). Until round 10 a Parquet file named
    `.jsonl` was a `bad_json` reject, a WARC named `.jsonl.gz` a `bad_json` per line, JSON Lines named
    `.parquet` or `.warc.gz` one `unknown_format` reject: their records were lost. `named` otherwise (an
    empty or unreadable file too): its reader reports what is wrong. A JSONL file that starts as JSON is
    told by its first 4 KiB, not sniffed for WARC (that costs ~10 ms a file)."""
    head = storage.head(path, 4)
    if not head:
        return named
    if head == b"PAR1":
        return "parquet"
    first = _decompressed_prefix(path).removeprefix(b"\xef\xbb\xbf")
    if named == "jsonl" and first.lstrip(b"\xff\xfe\x00 \t\r\n")[:1] in (b"{", b"["):
        return "jsonl"
    if named != "unknown" and warc.sniff_container(path) in ("warc", "arc"):   # ('unknown': sniffed already)
        return "warc"
    if named != "jsonl" and _RECORD_START.match(first):
        return "jsonl"
    return named


def _decompressed_prefix(path: Path | str, size: int = 4096) -> bytes:
    """Up to `size` bytes of the file's start, decompressed when it is gzip or zstd (b'' when that fails)."""
    raw = storage.head(path, 64 * 1024) or b""
    try:
        if raw.startswith(b"\x1f\x8b"):
            return zlib.decompressobj(31).decompress(raw, size)
        if zstd_start(raw[:4]):
            return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read(size)
    except (zlib.error, zstandard.ZstdError):
        return b""
    return raw[:size]


_SNIFF_JSON = 8 * 1024 * 1024
# a line that starts as a record does: `{` and one of the record's keys first
_RECORD_START = re.compile(rb'\A\s*\{\s*"(?:id|url|html|text|fetched_at)"\s*:')
_LINE_END = re.compile(rb"\r\n?|\n")


def json_lines_of_records(path: Path | str) -> bool:
    """Does a `.json` file hold JSON Lines of records (what Hugging Face `datasets`' `to_json` and pandas'
    `to_json(lines=True)` write under that name)? Yes when its first line is a JSON object with an `id` (or a
    `url`: C4's rows have no id) and an `html` or a `text` (`layouts`: OSCAR's `content`), or (a first line
    longer than 8 MiB) starts with one of those keys, in UTF-8, or in UTF-16 or UTF-32 told by a byte order
    mark or the NULs of the first character. A manifest, a JSON array or a pretty-printed object is not
    (`expand_inputs` names the file as not read)."""
    head = storage.head(path, _SNIFF_JSON)
    if not head:
        return False
    full = len(head) >= _SNIFF_JSON - 3   # the head may end inside the first line
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif (wide := wide_encoding(head[:4])) is not None:
        # UTF-16 or UTF-32 (PowerShell's `>`), as the reader re-encodes it (`streams.utf8_chunks`): it was named
        # as no record, while the same file named `.jsonl` was read
        head = head.decode(wide, errors="replace").lstrip("\ufeff").encode("utf-8", errors="replace")
    # a line ends at LF, CRLF or a lone CR, as the reader's (`streams.lf_chunks`)
    first = _LINE_END.split(head.lstrip(), 1)
    if len(first) == 1 and full:
        return bool(_RECORD_START.match(first[0]))
    try:
        # the first object of the line: objects written one after another (`{...}{...}`) are read too
        obj, _ = json.JSONDecoder().raw_decode(first[0].decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return False
    obj = layouts.object_fields(obj) if isinstance(obj, dict) else obj   # OSCAR's `content`, `warc_headers`
    # an id, or a URL to derive one from with the page (C4's rows: `layouts.derived_id`)
    return isinstance(obj, dict) and ("id" in obj or "url" in obj) and ("html" in obj or "text" in obj)


# the first line of a CDXJ index (`SURT-key 14-digit-time {json}`: Common Crawl's `cdx-00000.gz`, pywb's, warcio's
# `X.warc.gz.cdxj`) or of a classic CDX one (its ` CDX N b a m s k...` legend, or `key time url mime ...`)
_CDX_LINE = re.compile(rb"\A(?: ?CDX [A-Za-z]( [A-Za-z])+\s*$|\S+ \d{14} (?:\{|\S+ \S+ ))")
# a line of a list of files (Common Crawl's `warc.paths.gz`: `crawl-data/CC-MAIN-.../x.warc.gz`): a path, no space
_PATH_LINE = re.compile(rb"\A[^\s{\[<]{0,1000}/[^\s]{0,1000}\Z")


def crawl_index(path: Path | str) -> str | None:
    """Why a file named as crawl data is none, when it is a crawl's index or list of files: a CDX or CDXJ
    index (`X.warc.gz.cdxj`, Common Crawl's `cdx-00000.gz`, a `.warc.cdx`) or a list of file paths (Common
    Crawl's `warc.paths.gz`), told by the first lines of its (decompressed) content; None for any other file.
    Such files sit beside the WARC files they describe; `.warc` or `.gz` in their names made each an
    `unknown_format` reject that stood for no record."""
    lines = _LINE_END.split(_decompressed_prefix(path))
    complete = [line for line in lines[:-1] if line.strip()] or [lines[0]]
    if _CDX_LINE.match(complete[0]):
        return "an index of crawl records (CDX/CDXJ lines), not crawl data: give the WARC files it points at"
    if complete[0] and all(_PATH_LINE.match(line.strip()) for line in complete):
        return "a list of file paths (such as Common Crawl's warc.paths.gz), not crawl data: give the files"
    return None


# dedup's output tables (the `dedup.schema` key every Parquet file a build writes holds), as a user knows them
_OUTPUT_TABLES = {"documents": "data/", "duplicates": "duplicates/", "rejects": "rejects/",
                  "boilerplate": "boilerplate/", "signatures": "signatures/"}


def dedup_output(path: Path | str, fmt: str) -> str | None:
    """Why a Parquet or JSONL file (`fmt`) is not read, when it holds a table dedup wrote: a build's or release's
    (a Parquet footer's `dedup.schema`), wherever it sits (the release folder given as the crawl, its data/ folder, a
    file copied out of it), or its rows written again by another tool, which keeps no footer (polars'
    `write_parquet`, `datasets`' `to_parquet` / `to_json` of a filtered release: told by the columns, `doc_id` and
    `cluster_id` with `canonical_reason` or `canonical_doc_id`; `doc_id` renamed `id` too, the crawl field a user
    renames it to so the rows read as records: until audit round 6 an `id` made them records). Its rows are no
    crawl records: data/ holds extracted text without the page its licence, attribution and metadata were read from
    (read again, they would be lost or misstated: a licence from text alone), under ids a record read so would not
    have (a C4 record's `urn:dedup:` id, reserved); the other tables hold no page at all (each of their rows became a
    record: boilerplate blocks published as documents). A release is built on with `--previous` (audit round 5).
    None for any other file (one that cannot be read: its reader says why)."""
    if fmt == "jsonl":
        first = _decompressed_prefix(path).removeprefix(b"\xef\xbb\xbf")
        return _REWRITTEN if _RELEASE_ROW.match(first) else None
    if fmt != "parquet":
        return None
    try:
        if storage.is_url(path):
            with storage.open_binary(path) as f:
                schema = pq.read_schema(f)
        else:
            schema = pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError):
        return None
    table = (schema.metadata or {}).get(b"dedup.schema", b"").decode("utf-8", "replace")
    if table in _OUTPUT_TABLES:
        return (f"a dedup build's {_OUTPUT_TABLES[table]} table (its Parquet footer says so), not crawl data: its "
                "rows are no pages; to add a crawl to a release: dedup build CRAWL --previous RELEASE --out NEXT")
    names = set(schema.names)
    if names & {"doc_id", "id"} and "cluster_id" in names and names & {"canonical_reason", "canonical_doc_id"}:
        return _REWRITTEN
    return None


_REWRITTEN = ("rows of a dedup release's data/ or duplicates/ written again (doc_id, cluster_id...), not crawl data: "
              "its text was extracted and its licence evidence is not in it; to add a crawl to a release: dedup build "
              "CRAWL --previous RELEASE --out NEXT")
# the first line of a release's rows as JSON Lines (`datasets`' `to_json`, polars' `write_ndjson`: columns in order;
# `doc_id` renamed `id` in its place, as pandas', polars' and `datasets`' renames leave it)
_RELEASE_ROW = re.compile(rb'\A\s*\{\s*"(?:doc_id|id)"\s*:\s*"(?:[^"\\]|\\.)*"\s*,'
                          rb'\s*"cluster_id"\s*:\s*"(?:[^"\\]|\\.)*"\s*,'
                          rb'\s*"(?:cluster_size|canonical_doc_id)"\s*:')


def looks_like_crawl_name(name: str) -> bool:
    """Is this file name one of a crawl file (.warc, .arc.gz, .wet.gz, .jsonl.zst, .gz...)?"""
    low = name.lower()
    return bool(_CRAWL_NAME.search(low)) or low.endswith(JSONL_NAMES + (".parquet",))


def expand_inputs(args: list[str], not_read: list[FileNotRead] | None = None) -> list[InputFile]:
    """Files, directories (recursive) or globs -> input files sorted by their stable name. Each may be
    a local path or an fsspec URL (s3://bucket/crawl/, gs://.../*.warc.gz): see dedup.sources.storage.

    A file reached through two arguments (a folder and a file inside it, a folder and its sub-folder, a
    link to it, the same path twice) is read once, whatever the order of the arguments, under its name in
    the outermost folder given (`_name_rank`), so a redundant argument changes nothing: read twice, each
    of its records would have become a repeated_doc_id reject.

    A folder's files that are not read (neither named nor made as crawl data: a README, checksums, a `.json`
    manifest; a link that leads nowhere or in a loop; a file that cannot be opened and is not named as crawl
    data) are added to `not_read`, sorted by name, each once. Hidden files are skipped without a word. A file
    named as crawl data that cannot be opened is read: its reader's error becomes a reject."""
    found: dict[object, InputFile] = {}  # by file identity (device and inode; the URL of a remote file)
    skipped: dict[str, FileNotRead] = {}
    ours_names: set[str] = set()   # dedup's own tables among them (`dedup_output`)
    for arg in args:
        matches: list[tuple[Path | str, str]] = []
        p = Path(arg)
        folder = False
        if storage.is_url(arg):
            found_urls, folder = storage.expand_url(arg)
            matches.extend(found_urls)
        elif p.is_dir() and is_build_output(p):   # a release given as the crawl: named as its sub-folders are
            label = _storable_name(p.resolve().name) + "/"
            skipped.setdefault(label, FileNotRead(label, _OUTPUT_FOLDER))
        elif p.is_dir():
            folder = True
            files, odd = _folder_files(p)
            matches.extend(files)
            for name, why in odd:
                skipped.setdefault(_storable_name(name), FileNotRead(_storable_name(name), why))
        elif p.is_file():
            matches.append((p, p.name))
        else:
            hits = sorted(glob.glob(arg, recursive=True))
            if not hits:
                raise InputError(f"input not found: {arg!r} (give WARC/WET/ARC, JSONL or Parquet files, folders or globs)")
            root = _glob_root(arg)   # a hit's name is its path below the glob's first folder with a wildcard
            matches.extend((Path(h), os.path.relpath(h, root).replace(os.sep, "/")) for h in hits if Path(h).is_file())
            for h in hits:   # a pipe, a device, a link that leads nowhere, given or matched: it vanished without a word
                if not Path(h).is_file() and not Path(h).is_dir():
                    name = _storable_name(Path(h).name)
                    skipped.setdefault(name, FileNotRead(name, _NOT_REGULAR))
        for path, name in matches:
            name = _storable_name(name)
            crawl_name = looks_like_crawl_name(storage.basename(path))
            try:
                fmt = detect_format(path)
            except OSError as exc:   # no permission, an I/O error: the reader meets it again and says so
                if not crawl_name:
                    if not folder:
                        raise InputError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc
                    skipped.setdefault(name, FileNotRead(name, f"cannot be read ({type(exc).__name__}: "
                                                           f"{str(exc)[:200]})"))
                    continue
                fmt = "warc"   # a crawl name (JSONL and Parquet names are not opened here)
            if fmt in ("parquet", "jsonl") and (ours := dedup_output(path, fmt)):
                # a build's or release's own table (data/, duplicates/...): not crawl data, and never re-read as it
                skipped.setdefault(name, FileNotRead(name, ours))
                ours_names.add(name)
                continue
            if fmt == "unknown" and crawl_name and (index := crawl_index(path)):
                # a crawl's CDX index or list of files, named `.warc.gz.cdxj`, `cdx-00000.gz`: no record in it
                skipped.setdefault(name, FileNotRead(name, index))
                continue
            if fmt == "unknown":
                if not crawl_name:
                    if folder:
                        # folders may hold READMEs, checksums...: only crawl files count, the others are named
                        skipped.setdefault(name, FileNotRead(name, _why_not_read(path)))
                        continue
                    raise InputError(f"{path}: not a WARC/ARC, JSONL(.gz/.zst) or Parquet file"
                                     + (f" ({_why_not_read(path)})" if str(path).lower().endswith(".json") else ""))
                # named as crawl data but not recognised: read anyway, reported as unknown_format
                fmt = "warc"
            key = _file_identity(path)
            previous = found.get(key)
            if previous is None or _name_rank(name) < _name_rank(previous.name):
                found[key] = InputFile(path, name, fmt)
    if not found:
        # a build's own files first: a release given as the crawl is told so, not that its README is no crawl data
        shown = sorted(skipped.values(), key=lambda n: n.why != _OUTPUT_FOLDER and n.file not in ours_names)[:3]
        raise InputError(f"no crawl files found in {' '.join(args)}" + (
            f" (not read: {', '.join(f'{n.file} ({n.why})' for n in shown)})" if skipped else ""))
    if not_read is not None:
        read_names = {inp.name for inp in found.values()}
        not_read.extend(skipped[k] for k in sorted(skipped) if k not in read_names)
    by_name: dict[str, InputFile] = {}
    for inp in found.values():
        other = by_name.setdefault(inp.name, inp)
        if other is not inp:
            raise InputError(_shared_name(inp.name, other.path, inp.path))
    return [by_name[k] for k in sorted(by_name)]


def _glob_root(pattern: str) -> str:
    """The folder a glob's hits are named from, as a folder argument's files are: its components before the
    first one with a wildcard (`data/*/000_00000.parquet` -> `data`: FineWeb's files of one name, told apart)."""
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts + ("*",)) if glob.has_magic(part))
    return str(Path(*parts[:fixed])) if fixed else "."


_NOT_REGULAR = "not a regular file (a link that leads nowhere or in a loop, a pipe, a device)"


def _why_not_read(path: Path | str) -> str:
    if str(path).lower().endswith(".json"):
        return ("a .json file whose first line is no record (an object with `id` and `html` or `text`): a "
                "manifest, a JSON array or a pretty-printed object; JSON Lines of records are read")
    return "neither named as crawl data (.warc, .arc, .wet, .jsonl, .parquet, .gz...) nor WARC/ARC inside"


def _folder_files(root: Path) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Files under `root` (hidden ones skipped) as (path, name relative to root), sorted by name, and the
    (name, why) of the entries that cannot be read as files: no regular file nor folder (a dangling or
    looping link, a pipe), a folder that cannot be listed.

    Symlinked sub-folders are followed: a crawl is often assembled from links to where its parts
    are stored. A folder already visited (a link back up the tree, or two links to one folder) is
    not entered again; a file reached by two paths is listed under both names (`expand_inputs`
    reads it once). A sub-folder that holds a dedup build's output (`is_build_output`: an earlier
    `dedup build CRAWL --out CRAWL/release`) is not crawl data and is not entered: its Parquet files used to be
    read as input, every row a `missing_id` reject; it is named with why (until audit round 5 it was not)."""
    found: list[tuple[Path, str]] = []
    odd: list[tuple[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()

    def unlisted(exc: OSError) -> None:   # os.walk skipped such a folder without a word
        where = Path(exc.filename or root)
        name = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
        odd.append((name + "/", f"a folder that cannot be listed ({type(exc).__name__}: {exc.strerror})"))

    for top, dirs, files in os.walk(root, followlinks=True, onerror=unlisted):
        st = os.stat(top)
        if (st.st_dev, st.st_ino) in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        outputs = {d for d in dirs if not d.startswith(".") and is_build_output(Path(top) / d)}
        odd.extend(((Path(top) / d).relative_to(root).as_posix() + "/", _OUTPUT_FOLDER) for d in outputs)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in outputs)
        for f in files:
            path = Path(top) / f
            if f.startswith("."):
                continue
            if path.is_file():
                found.append((path, path.relative_to(root).as_posix()))
            else:
                odd.append((path.relative_to(root).as_posix(), _NOT_REGULAR))
    found.sort(key=lambda item: item[1])
    return found, sorted(odd)


_OUTPUT_FOLDER = ("a dedup build's output (run.json beside data/ and rejects/), not crawl data; to add a crawl to a "
                  "release: dedup build CRAWL --previous RELEASE --out NEXT")


def is_build_output(folder: Path) -> bool:
    """Does `folder` hold the output of a dedup build (run.json beside data/ and rejects/)?"""
    return (folder / "run.json").is_file() and (folder / "data").is_dir() and (folder / "rejects").is_dir()


def _shared_name(name: str, one: Path | str, another: Path | str) -> str:
    """Why two inputs cannot both be read under `name`, and what to do. Two files of one folder meet only
    through `_storable_name`'s escapes (`bad\\xff.jsonl`, a byte no UTF-8 holds, and a name that spells
    `\\xff` out): passing their folder names them alike again, so the fix is a rename (hostile round 16)."""
    first, second = sorted((Path(str(one)), Path(str(another))), key=os.fsencode)
    if first.parent == second.parent:
        return (f"two files of {_storable_name(str(first.parent))}, {os.fsencode(first.name)!r} "
                f"and {os.fsencode(second.name)!r} (their names' bytes), are both named {name!r}: a byte of "
                "a file name that is no UTF-8 is kept as a \\xNN escape in source_file, and the other name spells that "
                "escape out; rename one of them")
    return (f"two inputs share the name {name!r} ({first} and {second}); "
            "rename one or pass their common parent folder instead")


def _storable_name(name: str) -> str:
    """A file name as `source_file` can hold it: a local name's bytes that are not UTF-8 (Latin-1 names of
    an old archive: lone surrogates in Python) as `\\xff` escapes; a UTF-8 name is unchanged."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _name_rank(name: str) -> tuple[int, str]:
    """Which of a file's names it is read under: the one with the most folders (the name relative to the
    outermost folder given), then the smallest."""
    return -name.count("/"), name


def _file_identity(path: Path | str) -> object:
    """What makes two paths one file: the device and inode of a local file (links and hard links
    included), the URL of a remote one."""
    if storage.is_url(path):
        return str(path)
    st = os.stat(path)
    return st.st_dev, st.st_ino
