"""policy: the rules a canonical-record policy is made of, and the default order (`select.py` applies them).

The config checks a policy when it is loaded and `select.choose_canonical` ranks by it; both read the rules
here, so the config needs nothing of the stage that applies them (select reads the agencies' domains,
`rights/`, which reads the config).
"""

from __future__ import annotations

from dedup.errors import ConfigError

# rule name -> (column, descending); nulls always sort last
RULES: dict[str, tuple[str, bool]] = {
    "agency_domain": ("on_agency_domain", True),  # the copy on the wire agency's own site
    "earliest_published": ("published_at", False),
    "earliest_fetched": ("fetched_at", False),
    "longest_text": ("n_chars", True),
    "smallest_doc_id": ("doc_id", False),
}
DEFAULT_POLICY = ("agency_domain", "earliest_published", "longest_text", "earliest_fetched", "smallest_doc_id")


def check_policy(policy: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A canonical policy with its rules checked and `smallest_doc_id` last."""
    unknown = [r for r in policy if r not in RULES]
    if unknown:
        raise ConfigError(f"unknown canonical rule(s) {unknown}; choose from {sorted(RULES)}")
    rules = [r for r in policy if r != "smallest_doc_id"]
    return (*rules, "smallest_doc_id")
