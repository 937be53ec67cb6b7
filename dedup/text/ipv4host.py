"""ipv4host: a host that ends in a number read as the IPv4 address a browser reaches (`0x7f.1`, `2130706433`,
`0177.0.0.1` and `127.1` are all 127.0.0.1), or refused as a browser refuses it (`1.2.3.4.5`, `a.0x1`).

The WHATWG URL Standard's IPv4 parser (what browsers do; `inet_aton` reads the same spellings): a host whose last
label is a number (decimal digits, or `0x` and hex digits) is an IPv4 address of up to four parts, each decimal,
octal (a leading `0`) or hex (`0x`), the last filling the bytes the others leave (`127.1` is 127.0.0.1). Round 18
of the hostile inputs: until then each spelling was a site of its own (`normalise.site_host`).
"""

from __future__ import annotations

_HEX = frozenset("0123456789abcdef")
_TOO_LARGE = 1 << 160   # a number of over 40 digits: no part of an address


def might_be_number(host: str) -> bool:
    """A quick test that `host` can end in a number (its last character a digit, or a `0x` in it): what
    `ipv4_address` must read; most hosts end in a letter and are never split."""
    return host[-1:].isdigit() or "0x" in host


def ipv4_address(host: str) -> str | None:
    """`host` (lower case, no trailing dot) read as an IPv4 address in dotted decimal ('127.0.0.1'); '' when it ends
    in a number but is no address (browsers refuse that host); None when it does not end in a number (a domain)."""
    parts = host.split(".")
    last = parts[-1]
    if not (last.isascii() and last.isdigit()) and _number(last) is None:   # (`08`, no octal, ends in a number)
        return None
    numbers = [_number(part) for part in parts]
    if len(numbers) > 4 or any(n is None for n in numbers):
        return ""
    known = [n for n in numbers if n is not None]
    if any(n > 255 for n in known[:-1]) or known[-1] >= 256 ** (5 - len(known)):
        return ""
    address = known[-1]
    for i, n in enumerate(known[:-1]):
        address += n * 256 ** (3 - i)
    return ".".join(str(address >> shift & 255) for shift in (24, 16, 8, 0))


def _number(part: str) -> int | None:
    """One part of an IPv4 address: decimal, octal after a leading `0`, hex after `0x` (`0x` alone is 0); None
    for anything else."""
    if part.startswith("0x"):
        digits = part[2:]
        return None if not set(digits) <= _HEX else _TOO_LARGE if len(digits) > 40 else int(digits or "0", 16)
    if not part or not part.isascii() or not part.isdigit():
        return None
    if len(part) > 40:   # (no address, and `int` refuses strings of over 4,300 digits)
        return _TOO_LARGE
    if len(part) > 1 and part[0] == "0":
        return int(part, 8) if "8" not in part and "9" not in part else None
    return int(part)
