"""Small Markdown and YAML writers shared by the card, LICENSES.md and CHANGELOG.md."""

from __future__ import annotations

import json
from collections.abc import Sequence


def fmt(n: object) -> str:
    """A whole number with thousands separators; anything else as str()."""
    return f"{n:,}" if isinstance(n, int) else str(n)


def cell(value: object) -> str:
    """A Markdown table cell: `|` escaped, newlines joined (the table stays one row per line)."""
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=True)
