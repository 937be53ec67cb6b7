"""Build configuration: defaults, TOML overrides, and the hash saved with every output."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from dedup.errors import ConfigError
from dedup.select import DEFAULT_POLICY, check_policy

MiB = 1024 * 1024
LICENCE_CLASSES = ("open", "nc", "nd", "all-rights-reserved", "noassertion")


# Presets set defaults; a TOML file and CLI options override them key by key.
PRESETS: dict[str, dict[str, object]] = {
    # tuned for syndicated news: low-Jaccard candidates (many 2-row bands) verified by containment
    "news": {},
    # the field's reference setting (FineWeb / datatrove): word 5-grams, 14 bands x 8 rows, 112 perms,
    # Jaccard-only acceptance at the S-curve's threshold (~0.72)
    "fineweb": {"num_perm": 112, "bands": 14, "rows": 8, "verify_jaccard": 0.0,
                "verify_containment": 2.0, "site_chrome": True},
}


@dataclass(slots=True)
class BuildConfig:
    preset: str = "news"
    # near-duplicates: signatures (datasketch-compatible MinHash) and LSH
    num_perm: int = 128
    seed: int = 1
    ngram: int = 5
    shingle_unit: str = "word"
    hash: str = "murmur3_32"
    bands: int = 64
    rows: int = 2
    hot_bucket_cap: int = 1000
    # verification of candidate edges (see dedup/neardup.py)
    verify_jaccard: float = 0.5
    verify_containment: float = 0.75
    verify_containment_min_jaccard: float = 0.1
    verify_min_shingles: int = 20
    # repeated blocks across a site (see dedup/blocks.py)
    site_chrome: bool = True
    site_min_stories: int = 4
    # what counts as one story when counting blocks across a site (the preliminary, stricter clustering)
    story_jaccard: float = 0.7
    story_containment: float = 0.95
    story_containment_min_jaccard: float = 0.5
    # release choices by licence class (open, nc, nd, all-rights-reserved, noassertion)
    licence_classes: tuple[str, ...] = ()  # publish only these classes (empty: all)
    withhold_text: tuple[str, ...] = ()  # publish these classes as metadata-only rows (no text)
    # output layout
    shard_bytes: int = 512 * MiB  # uncompressed bytes of text per data shard
    row_group_bytes: int = 96 * MiB  # uncompressed bytes per Parquet row group
    # canonical record policy (see dedup/select.py)
    canonical_policy: tuple[str, ...] = field(default=DEFAULT_POLICY)
    # reading
    max_payload_bytes: int = 50 * MiB

    def validate(self) -> "BuildConfig":
        if self.preset not in PRESETS:
            raise ConfigError(f"unknown preset {self.preset!r}; choose from {sorted(PRESETS)}")
        if self.bands * self.rows > self.num_perm:
            raise ConfigError(f"bands x rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}")
        if self.shingle_unit not in ("word", "char"):
            raise ConfigError(f"shingle_unit must be 'word' or 'char', not {self.shingle_unit!r}")
        if self.shard_bytes < 1024:
            raise ConfigError(f"shard_bytes={self.shard_bytes} is too small (at least 1024)")
        if self.row_group_bytes < 1024:
            raise ConfigError(f"row_group_bytes={self.row_group_bytes} is too small (at least 1024)")
        self.canonical_policy = check_policy(tuple(self.canonical_policy))
        for key in ("licence_classes", "withhold_text"):
            value = tuple(getattr(self, key))
            unknown = sorted(set(value) - set(LICENCE_CLASSES))
            if unknown:
                raise ConfigError(f"{key}: unknown licence class(es) {unknown}; choose from {list(LICENCE_CLASSES)}")
            setattr(self, key, value)
        return self

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("canonical_policy", "licence_classes", "withhold_text"):
            d[key] = list(getattr(self, key))
        return d

    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()


def load_config(path: Path | None, **overrides: object) -> BuildConfig:
    """Defaults <- TOML file (flat keys, or a [build] table) <- explicit overrides (non-None)."""
    values: dict[str, object] = {}
    file_values: dict[str, object] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
        file_values = dict(data.get("build", data))
    explicit = {k: v for k, v in overrides.items() if v is not None}
    preset = str(explicit.get("preset") or file_values.get("preset") or "news")
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose from {sorted(PRESETS)}")
    values.update(PRESETS[preset])
    values.update(file_values)
    values.update(explicit)
    values["preset"] = preset
    known = {f.name for f in fields(BuildConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"unknown config key(s) {unknown}; known keys: {sorted(known)}")
    for key in ("canonical_policy", "licence_classes", "withhold_text"):
        if key in values:
            raw = values[key]
            values[key] = tuple(raw.split(",") if isinstance(raw, str) else raw)  # type: ignore[union-attr]
    return BuildConfig(**values).validate()  # type: ignore[arg-type]
