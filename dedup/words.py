"""Counts and rates in the text dedup prints and writes (build summary, card, changelog, report).

`counted(1, "new row")` is `1 new row` and `counted(2, "new row")` is `2 new rows`: every `f"{n} ...s"`
goes through it, so a count of one never reads "1 canonical documents". `per_second` gives a rate with
the digits it has, so a small build's speed is not printed as "0 docs/s".
"""

from __future__ import annotations

import math


def plural(n: object, word: str, many: str | None = None) -> str:
    """`word` for a count of 1, else `many` (default: `word` + "s")."""
    return word if n == 1 else (many if many is not None else word + "s")


def counted(n: object, word: str, many: str | None = None) -> str:
    """`n` (thousands separators when a whole number) and the noun that agrees with it."""
    number = f"{n:,}" if isinstance(n, int) and not isinstance(n, bool) else str(n)
    return f"{number} {plural(n, word, many)}"


def per_second(count: float, seconds: float) -> str | None:
    """`count / seconds`, whole from 10 up (`55`, `1,234`), else with two significant digits (`7.5`,
    `0.38`); None when nothing was counted or no time was measured."""
    if count <= 0 or seconds <= 0:
        return None
    rate = count / seconds
    return f"{rate:,.0f}" if rate >= 10 else f"{rate:.{max(1, 1 - math.floor(math.log10(rate)))}f}"
