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


@dataclass(slots=True)
class BuildConfig:
    # output layout
    shard_bytes: int = 512 * MiB  # uncompressed bytes of text per data shard
    row_group_bytes: int = 96 * MiB  # uncompressed bytes per Parquet row group
    # canonical record policy (see dedup/select.py)
    canonical_policy: tuple[str, ...] = field(default=DEFAULT_POLICY)
    # reading
    max_payload_bytes: int = 50 * MiB

    def validate(self) -> "BuildConfig":
        if self.shard_bytes < 1024:
            raise ConfigError(f"shard_bytes={self.shard_bytes} is too small (at least 1024)")
        if self.row_group_bytes < 1024:
            raise ConfigError(f"row_group_bytes={self.row_group_bytes} is too small (at least 1024)")
        self.canonical_policy = check_policy(tuple(self.canonical_policy))
        return self

    def to_dict(self) -> dict:
        d = asdict(self)
        d["canonical_policy"] = list(self.canonical_policy)
        return d

    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()


def load_config(path: Path | None, **overrides: object) -> BuildConfig:
    """Defaults <- TOML file (flat keys, or a [build] table) <- explicit overrides (non-None)."""
    values: dict[str, object] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
        values.update(data.get("build", data))
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in fields(BuildConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"unknown config key(s) {unknown}; known keys: {sorted(known)}")
    if "canonical_policy" in values:
        values["canonical_policy"] = tuple(values["canonical_policy"])  # type: ignore[arg-type]
    return BuildConfig(**values).validate()  # type: ignore[arg-type]
