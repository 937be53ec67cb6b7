"""The fields a JSONL object or Parquet file gives a record by (`id`, `url`, `html`, `text`, `fetched_at`), found
whatever their case: a member or column named `URL`, `Text` or `Id` is that field when the file has no field of the
lower-case name and no second name of that field in another case (round 11: `URL` was not read, and the record was
published without its URL, or was an `empty_payload` reject without its `Text`, without a word). Each such name is
counted in run.json's `tolerated` (`field_name_case`): once per record in JSONL, once per column in Parquet.
"""

from __future__ import annotations

from collections.abc import Iterable

# in the order a record's members are checked (`id` first: two ids are a `missing_id`, whatever else is wrong)
FIELD_ORDER: tuple[str, ...] = ("id", "url", "html", "text", "fetched_at")
FIELDS = frozenset(FIELD_ORDER)
TOLERATED = "tolerated.field_name_case"


def case_aliases(names: Iterable[str]) -> dict[str, str]:
    """{name as given: the field it names} for the fields `names` give only in another case, by one name each."""
    have = set(names)
    found: dict[str, list[str]] = {}
    for name in have:
        low = name.lower()
        if low != name and low in FIELDS and low not in have:
            found.setdefault(low, []).append(name)
    return {names_[0]: field for field, names_ in found.items() if len(names_) == 1}


def with_fields(obj: dict) -> tuple[dict, int]:
    """A JSONL object with its fields under their lower-case names (`case_aliases`), and how many were renamed."""
    if all(k in obj for k in ("id", "url", "fetched_at")) and ("html" in obj or "text" in obj):
        return obj, 0   # the usual object: nothing to look for
    aliases = case_aliases(obj)
    if not aliases:
        return obj, 0
    return {aliases.get(k, k): v for k, v in obj.items()}, len(aliases)
