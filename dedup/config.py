"""Build configuration: defaults, TOML overrides, and the hash saved with every output.

`BuildConfig` is frozen and checks every value's type and range when it is made, so a wrong value in a
TOML file is a `ConfigError` that names the key, never a traceback in the middle of a build.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from dedup.errors import ConfigError
from dedup.policy import DEFAULT_POLICY, RULES, check_policy

MiB = 1024 * 1024
# Larger HTML is not extracted by default: `max_html_bytes` (dedup.text.extract, reject `html_too_large`).
MAX_HTML_BYTES = 8 * MiB
# Larger plain text (a JSONL or Parquet `text`, a WET record) neither: `max_text_bytes` (reject `text_too_large`). No
# page's text is larger than the HTML a page may have; hostile round 19: a 50 MB `text` cost a build 1.3 GiB.
MAX_TEXT_BYTES = 8 * MiB
# A page of more text blocks (non-empty lines) than this is rejected by default (`too_many_blocks`; the setting
# `max_blocks`): a listing or a dump, not an article, and every later stage works block by block (~40 us each in the
# within-page pass alone). Articles have hundreds; a long book a few thousand paragraphs.
MAX_BLOCKS = 50_000


def raise_setting(name: str) -> str:
    """How a reject's detail says to get a record past the limit of the setting `name` (hostile rounds 15 and 15b)."""
    return f"raise {name} in the build's TOML config (`--config`)"


# how a reject's detail says that no setting moves its limit (hostile round 15b: a user had no way to tell a fixed
# limit from a setting's)
FIXED_LIMIT = "a fixed safety limit of dedup, not a setting (no configuration reads such a record)"
# the licence classes, most open first: the order LICENSES.md and report.html list them in too
LICENCE_CLASSES = ("open", "nc", "nd", "all-rights-reserved", "noassertion")
SHINGLE_UNITS = ("word", "char")
HASHES = ("sha1", "murmur3_32")  # dedup.neardup.minhash.HASHES: the shingle hashes it implements


# Presets set defaults; a TOML file and CLI options override them key by key.
PRESETS: dict[str, dict[str, object]] = {
    # tuned for syndicated news: low-Jaccard candidates (many 2-row bands) verified by containment
    "news": {},
    # the field's reference setting (FineWeb / datatrove): word 5-grams, 14 bands x 8 rows, 112 perms,
    # Jaccard-only acceptance at the S-curve's threshold (~0.72)
    "fineweb": {"num_perm": 112, "bands": 14, "rows": 8, "verify_jaccard": 0.0,
                "verify_containment": 2.0, "verify_passage_coverage": 2.0, "site_chrome": True},
}


def _range(lo: float | None = None, hi: float | None = None, why: str = "") -> dict[str, Any]:
    return {"lo": lo, "hi": hi, "why": why}


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """Every setting that can change the output bytes (hashed into each output file's metadata)."""

    preset: str = "news"
    # near-duplicates: signatures (datasketch-compatible MinHash) and LSH
    num_perm: int = field(default=128, metadata=_range(1, 4096))
    seed: int = field(default=1, metadata=_range(0, 2**32 - 1, "numpy seeds are 32-bit"))
    ngram: int = field(default=5, metadata=_range(1, 64))
    shingle_unit: str = "word"
    hash: str = "murmur3_32"
    bands: int = field(default=64, metadata=_range(1, 4096))
    rows: int = field(default=2, metadata=_range(1, 4096))
    hot_bucket_cap: int = field(default=1000, metadata=_range(2, None, "a bucket needs two documents"))
    # verification of candidate edges (see dedup/neardup/lsh.py)
    verify_jaccard: float = field(default=0.5, metadata=_range(0.0, 1.0))
    # above 1 no pair passes by containment (the fineweb preset: Jaccard only)
    verify_containment: float = field(default=0.75, metadata=_range(0.0, 2.0))
    verify_containment_min_jaccard: float = field(default=0.1, metadata=_range(0.0, 1.0))
    verify_min_shingles: int = field(default=20, metadata=_range(0, None))
    # or by shared passages (long sentences, dedup/neardup/passages.py): their words' share of the smaller
    # document's passage words (above 1: never), from at least this many paragraphs of each
    verify_passage_coverage: float = field(default=0.5, metadata=_range(0.0, 2.0))
    verify_passage_paragraphs: int = field(default=3, metadata=_range(1, None))
    # ...and, for two pages of one site, from at least this many (0: never within a site): a site's own
    # standing paragraphs on two or three of its pages (a bio, a disclaimer, a newsletter blurb) are not a copy
    verify_passage_site_paragraphs: int = field(default=4, metadata=_range(0, None))
    # repeated blocks across a site (see dedup/text/blocks.py)
    site_chrome: bool = True
    site_min_stories: int = field(default=4, metadata=_range(2, None, "one story alone is not a repeat"))
    # what counts as one story when counting blocks across a site (the preliminary, stricter clustering)
    story_jaccard: float = field(default=0.7, metadata=_range(0.0, 1.0))
    story_containment: float = field(default=0.95, metadata=_range(0.0, 2.0))
    story_containment_min_jaccard: float = field(default=0.5, metadata=_range(0.0, 1.0))
    # release choices by licence class (open, nc, nd, all-rights-reserved, noassertion)
    licence_classes: tuple[str, ...] = ()  # publish only these classes (empty: all)
    withhold_text: tuple[str, ...] = ()  # publish these classes as metadata-only rows (no text)
    # output layout
    shard_bytes: int = field(default=512 * MiB, metadata=_range(1024, None))  # uncompressed text per data shard
    row_group_bytes: int = field(default=96 * MiB, metadata=_range(1024, None))  # uncompressed bytes per row group
    # canonical record policy (the rules: dedup/policy.py; applied by dedup/select.py)
    canonical_policy: tuple[str, ...] = DEFAULT_POLICY
    # reading
    max_payload_bytes: int = field(default=50 * MiB, metadata=_range(1024, None))
    # extraction: a larger HTML page is an `html_too_large` reject (its text would be cut short). In
    # `to_dict` and the config hash only when set to another value: builds that do not set it hash as before.
    max_html_bytes: int = field(default=MAX_HTML_BYTES, metadata=_range(
        1024, 1024 * MiB, "bytes of one HTML page; a larger page is also bounded by max_payload_bytes"))
    # so is plain text over max_text_bytes (`text_too_large`, hostile round 19: a constant 50 MiB cap, the payload's,
    # until then). Hashed only when set, as max_html_bytes
    max_text_bytes: int = field(default=MAX_TEXT_BYTES, metadata=_range(
        1024, 1024 * MiB, "bytes of one page's plain text (UTF-8); a larger text is also bounded by max_payload_bytes"))
    # a page of more text blocks is a `too_many_blocks` reject (hostile round 15b: a constant until then). Hashed
    # only when set, as max_html_bytes
    max_blocks: int = field(default=MAX_BLOCKS, metadata=_range(
        100, 1_000_000, "text blocks of one page; each costs ~40 us, and the page's 5 s extraction budget stands"))

    def __post_init__(self) -> None:
        for f in fields(self):
            _check_value(f.name, getattr(self, f.name), f.type, f.metadata)
        _choose("preset", self.preset, sorted(PRESETS))
        _choose("shingle_unit", self.shingle_unit, SHINGLE_UNITS)
        _choose("hash", self.hash, HASHES)
        if self.bands * self.rows > self.num_perm:
            raise ConfigError(f"bands x rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}; "
                              "lower bands or rows, or raise num_perm")
        object.__setattr__(self, "canonical_policy", check_policy(self.canonical_policy))
        for key in ("licence_classes", "withhold_text"):
            unknown = sorted(set(getattr(self, key)) - set(LICENCE_CLASSES))
            if unknown:
                raise ConfigError(f"{key}: unknown licence class(es) {unknown}; choose from {list(LICENCE_CLASSES)}")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON values (run.json's `config`)."""
        d = asdict(self)
        for key in ("canonical_policy", "licence_classes", "withhold_text"):
            d[key] = list(getattr(self, key))
        for key in _HASHED_WHEN_SET:
            if d[key] == BuildConfig.__dataclass_fields__[key].default:
                del d[key]
        return d

    def sha256(self) -> str:
        """The hash written into every output file's metadata (`dedup.config_sha256`)."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()


# settings added after outputs existed: left out of `to_dict` (and so of the config hash) at their default
_HASHED_WHEN_SET = ("max_html_bytes", "max_blocks", "max_text_bytes")

_TYPE_NAMES = {"int": "a whole number", "float": "a number", "bool": "true or false", "str": "a string",
               "tuple[str, ...]": "a list of strings"}


def _check_value(key: str, value: object, type_name: object, meta: Any) -> None:
    """One field: the declared type (no silent coercion: "128" is not 128, "no" is not false) and range."""
    kind = str(type_name)
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
        "tuple[str, ...]": isinstance(value, tuple) and all(isinstance(v, str) for v in value),
    }.get(kind, True)
    if not ok:
        raise ConfigError(f"{key} = {value!r}: expected {_TYPE_NAMES.get(kind, kind)}, got {type(value).__name__}")
    lo, hi = meta.get("lo"), meta.get("hi")
    # NaN (a TOML float) fails no comparison: `value != value` refuses it
    if value != value or (lo is not None and value < lo) or (hi is not None and value > hi):  # type: ignore[operator]
        span = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
        why = f" ({meta['why']})" if meta.get("why") else ""
        raise ConfigError(f"{key} = {value!r} is out of range: it must be {span}{why}")


def _choose(key: str, value: str, choices: tuple[str, ...] | list[str]) -> None:
    if value not in choices:
        raise ConfigError(f"{key} = {value!r}: choose from {', '.join(choices)}")


def _as_tuple(key: str, raw: object) -> tuple[str, ...]:
    """A list option: a comma-separated string (CLI) or a TOML array of strings."""
    if isinstance(raw, str):
        return tuple(v.strip() for v in raw.split(",") if v.strip())
    if isinstance(raw, (list, tuple)) and all(isinstance(v, str) for v in raw):
        return tuple(raw)
    raise ConfigError(f"{key} = {raw!r}: expected a list of names (e.g. {key} = [\"a\", \"b\"])"
                      + (f"; rules: {', '.join(sorted(RULES))}" if key == "canonical_policy" else ""))


def read_toml(path: Path) -> dict[str, object]:
    """The settings of a TOML file (flat keys, or a [build] table); every failure is a ConfigError."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"--config {path} is a folder; give the path of a TOML file")
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message ends with "(at line L, column C)"
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("build", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [build] must be a table of settings")
    outside = sorted(k for k in data if k != "build") if "build" in data else []
    if outside:  # read as flat keys they would be dropped unseen: the build would run on the defaults
        raise ConfigError(f"{path}: key(s) outside the [build] table: {outside}; put every setting inside [build] "
                          "(or write them all as flat keys, without the table)")
    return dict(table)


# options of `dedup build` that are not settings (they never change the output bytes, so are not hashed)
RUN_OPTIONS = ("workers", "memory", "engine", "scheduler", "dask_components", "dashboard", "progress", "resume",
               "overwrite", "previous", "out", "config")


def _hint(key: str, known: set[str]) -> str:
    """What an unknown key probably meant: a command-line option, or the nearest known key."""
    if key.replace("-", "_") in RUN_OPTIONS:
        return (f"{key}: not a build setting, it never changes the output: pass --{key.replace('_', '-')} "
                "to dedup build")
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return f"{key}: did you mean {close[0]}?" if close else ""


def read_run_config(path: Path) -> dict[str, object]:
    """The settings a build's run.json records (`config`): `--config OUT/run.json` builds with a release's own
    settings, which is how its card says to rebuild it byte for byte (audit round 7)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a run.json ({exc}); give a TOML file or a build's run.json") from exc
    config = raw.get("config") if isinstance(raw, dict) else None
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: no 'config' object; give a TOML file or the run.json of a build")
    return dict(config)


def load_config(path: Path | None, **overrides: object) -> BuildConfig:
    """Defaults <- TOML file (flat keys, or a [build] table) or a build's run.json (its `config`) <- explicit
    overrides (non-None)."""
    file_values = ({} if path is None else read_run_config(path) if Path(path).suffix == ".json"
                   else read_toml(path))
    explicit = {k: v for k, v in overrides.items() if v is not None}
    preset = explicit.get("preset", file_values.get("preset", "news"))
    if not isinstance(preset, str) or preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose from {sorted(PRESETS)}")
    values: dict[str, object] = {}
    values.update(PRESETS[preset])
    values.update(file_values)
    values.update(explicit)
    values["preset"] = preset
    known = {f.name for f in fields(BuildConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        hints = [_hint(key, known) for key in unknown]
        raise ConfigError(f"unknown config key(s) {unknown}"
                          + (f" ({'; '.join(h for h in hints if h)})" if any(hints) else "")
                          + f"; known keys: {sorted(known)}")
    for key in ("canonical_policy", "licence_classes", "withhold_text"):
        if key in values:
            values[key] = _as_tuple(key, values[key])
    for key, value in values.items():  # TOML has no float for 1: accept an integer where a number is asked
        if str(BuildConfig.__dataclass_fields__[key].type) == "float" and isinstance(value, int) \
                and not isinstance(value, bool):
            values[key] = float(value)
    return BuildConfig(**values)  # type: ignore[arg-type]
