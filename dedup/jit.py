"""jit: how dedup compiles its numeric kernels with numba, one policy for every kernel (the MinHash
signatures, the LSH buckets, the components, the block model's tree walk and its page columns)."""

from __future__ import annotations

import functools
from typing import Any

import numba


def jit(fn: Any = None, *, inline: str = "never") -> Any:
    """``numba.njit(cache=True, nogil=True)``, or without a cache when no cache location is writable.

    ``inline="always"`` inlines a helper at numba IR level (lets numba drop the reference counting
    of the arrays it is passed, which otherwise costs two atomic operations per call).
    """
    if fn is None:
        return functools.partial(jit, inline=inline)
    try:
        return numba.njit(cache=True, nogil=True, inline=inline)(fn)  # type: ignore[call-overload]
    except RuntimeError:  # "cannot cache function ...: no locator available" (read-only install)
        return numba.njit(cache=False, nogil=True, inline=inline)(fn)  # type: ignore[call-overload]
