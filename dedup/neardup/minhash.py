"""Batched MinHash signatures, value-for-value equal to datasketch 2.0.0's ``MinHash``.

What "equal" means
------------------
For every text, ``MinHasher(num_perm, seed, ngram, unit, hash).signatures([text])[0]`` equals::

    m = datasketch.MinHash(num_perm=num_perm, seed=seed, hashfunc=hasher.hashfunc())
    for s in shingles(text, ngram, unit):
        m.update(s.encode("utf-8"))
    m.hashvalues

With ``hash="sha1"`` the hash function is datasketch's own default (``sha1_hash32``), so the call
above is simply ``datasketch.MinHash(num_perm, seed=seed)``.  The equality is property-tested in
``tests/test_minhash.py``.

The permutation scheme (datasketch 2.0.0 default, ``"affine32"``)
------------------------------------------------------------------
1. ``h = hashfunc(shingle_bytes)``: a 32-bit integer.  ``sha1``: the first 4 bytes of the SHA-1
   digest read little-endian (datasketch's ``sha1_hash32``).
2. ``h = fmix32(h)``: the MurmurHash3 32-bit finaliser (``h ^= h >> 16; h *= 0x85EBCA6B;
   h ^= h >> 13; h *= 0xC2B2AE35; h ^= h >> 16``, all mod 2**32), applied once per shingle.
3. For each permutation ``k``: ``(a_k * h + b_k) mod 2**32``; the signature is the per-``k`` minimum.
   ``a_k`` odd, so every permutation is a bijection on 32-bit values.
4. ``(a, b)`` come from ``numpy.random.RandomState(seed)``: first
   ``a = randint(0, 2**31, num_perm, dtype=uint32) * 2 + 1``, then
   ``b = randint(0, 2**32, num_perm, dtype=uint32)``.
5. Values are stored as ``uint32`` (datasketch stores affine32 hash values as uint32, not uint64 as
   its pre-2.0 ``legacy`` scheme did); an empty set's signature is ``2**32 - 1`` everywhere.

datasketch's other schemes are not reproduced here: ``legacy`` (before 2.0; no fmix,
``((a*h + b) mod 2**64) mod (2**61 - 1)`` -- numpy uint64 arithmetic wraps before the modulo --
keeping the low 32 bits, stored as uint64, with ``(a, b)`` drawn pair by pair from [1, 2**61 - 1)
and [0, 2**61 - 1)) and ``affine64`` (``sha1_hash64``, 64-bit fmix and affine map in uint64).

Normalisation (``normalise_for_shingles``)
------------------------------------------
``text -> NFKC -> str.lower()``, then character by character (classification by
``unicodedata.category`` of the running Python, whose Unicode version is recorded in ``params``):

* word characters: letters, marks and numbers (categories ``L*``, ``M*``, ``N*``; digits are kept);
* format characters (``Cf``: soft hyphen, zero-width space/joiners, BOM, bidi marks) are deleted;
* whitespace, separators, control characters and lone surrogates become a word break;
* everything else is punctuation/symbol.  Apostrophe variants (``’ ‘ ‛ ′ ʼ ` ＇``) become ``'``,
  double-quote variants (``“ ” „ ‟ « » ‹ › 〝 〞 〟``) become ``"``, dash variants
  (``‐ ‑ ‒ – — ― − ﹘ ﹣ －``) become ``-``.  A punctuation character is kept only when both of its
  neighbours (after deleting format characters) are word characters ("don't", "e-mail", "3.5",
  "1,000", "at&t"); otherwise it becomes a word break (so "U.S." -> "u.s", "(hello)" -> "hello",
  "$5" -> "5", emoji vanish);
* runs of word breaks collapse into one ASCII space; no leading or trailing space.

The result contains only word characters, kept punctuation and single spaces, so
``normalise_for_shingles(t).split(" ")`` are the words.  ``normalise_reference`` is the same
definition written plainly in Python; the compiled normaliser is tested against it.

Shingles
--------
``unit="word"``: n consecutive words joined by one space.  ``unit="char"``: n consecutive code points
of the normalised text (spaces included).  A text with fewer than n units gives ONE shingle made of
all its units (so a short headline or a three-word text still has a non-empty signature and two
identical short texts match); an empty normalised text gives no shingle and the empty signature.
Duplicate shingles are kept in the list (MinHash is a set sketch, so they do not change it).
Word shingles suit space-delimited languages; for Chinese/Japanese/Thai text a "word" is a whole
clause, use ``unit="char"`` there.

Hash functions (``hash=``)
--------------------------
* ``"sha1"``: datasketch's default ``sha1_hash32`` (bit-identical signatures to a plain
  ``datasketch.MinHash(num_perm, seed=seed)``).  SHA-1 is implemented in numba.
* ``"murmur3_32"``: MurmurHash3_x86_32 with seed 0 (the ``mmh3.hash(data, 0, signed=False)``
  function), implemented in numba; about 3x faster overall than ``"sha1"``.
  ``MinHasher.hashfunc()`` returns a python-callable version to pass to
  ``datasketch.MinHash(hashfunc=...)``.

Speed
-----
CPython only UTF-8-encodes each text.  One numba kernel per batch does the rest, single-threaded
(``nogil``, so callers may use threads): UTF-8 decoding, NFKC + lower-casing one character at a
time through look-up tables, character classes, the punctuation rule, word boundaries, shingle
hashing, fmix, permutations and minima.  The per-character tables give exactly
``unicodedata.normalize("NFKC", t).lower()`` unless the text holds a character whose normal form
depends on its neighbours (combining marks, Hangul conjoining jamo, Indic two-part vowels, Greek
capital sigma); such texts (the kernel flags them) are normalised by CPython first and run again:
exact, about twice as slow per text.  Batches are bounded (``BATCH_DOCS`` texts or ``BATCH_BYTES``
bytes).  The tables take ~0.3 s to build, once per process.  Kernels are compiled on first use
(10-15 s) with ``cache=True`` (later processes load them in ~1 s); where no cache directory is
writable (read-only install, no writable user cache) they are compiled without a cache instead.
A ``MinHasher`` holds no mutable state: one instance may serve several threads.
"""

from __future__ import annotations

import functools
import operator
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import metadata as _metadata
from typing import TYPE_CHECKING

import numpy as np

from dedup.errors import ConfigError
from dedup.jit import jit

if TYPE_CHECKING:  # pragma: no cover
    import datasketch

__all__ = [
    "SCHEME",
    "HASHES",
    "NORMALISER",
    "BATCH_DOCS",
    "BATCH_BYTES",
    "shingles",
    "normalise_for_shingles",
    "MinHasher",
    "signatures_to_datasketch",
    "lsh_params",
    "band_keys",
    "s_curve",
    "murmur3_32",
    "affine32_permutations",
    "empty_signature",
    "kernels_cached",
]

SCHEME = "affine32"
"""The datasketch 2.0.0 default permutation scheme that we reproduce."""

HASHES = ("sha1", "murmur3_32")
"""Shingle hash functions: datasketch's default ``sha1_hash32``, or MurmurHash3_x86_32 (seed 0)."""

NORMALISER = "nfkc-lower-punct-v1"
"""Version tag of the normalisation + shingling definition (recorded in ``params``)."""

SIGNED_TEXT = "title-above-text-v1"
"""What a build signs (``sign.signed_text``: the title on a line above the text, docs/extraction.md round 13),
recorded in ``params``: signatures of a release that signed something else are not mixed with these."""

BATCH_DOCS = 4096
BATCH_BYTES = 16 << 20

_MASK32 = 0xFFFFFFFF
_EMPTY = np.uint32(_MASK32)
_HASH_CODES = {"sha1": 0, "murmur3_32": 1}
_UNITS = {"word": 0, "char": 1}


# ---------------------------------------------------------------------------------------------
# Character tables
# ---------------------------------------------------------------------------------------------

_C_WORD, _C_SPACE, _C_DELETE, _C_PUNCT, _C_APOS, _C_QUOTE, _C_DASH = range(7)
_REPLACEMENT = {_C_APOS: "'", _C_QUOTE: '"', _C_DASH: "-"}

_APOSTROPHES = "'\u2018\u2019\u201b\u2032\u02bc`\uff07"
_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u301d\u301e\u301f\uff02'
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPECIAL = {
    **{c: _C_APOS for c in _APOSTROPHES},
    **{c: _C_QUOTE for c in _QUOTES},
    **{c: _C_DASH for c in _DASHES},
}
_CAPITAL_SIGMA = "\u03a3"  # its lower-case form depends on the neighbours (final sigma)

# Code points whose tables are computed; everything else (planes 4-13: unassigned, planes 15-16:
# private use / unassigned) is its own NFKC + lower-case form, never combines, and is punctuation.
# tests/test_minhash.py checks this against unicodedata over all code points.
_TABLE_RANGES = ((0, 0x40000), (0xE0000, 0xF0000))


def _category_class(cat: str) -> int:
    if cat[0] in "LMN":
        return _C_WORD
    if cat == "Cf":
        return _C_DELETE
    if cat[0] == "Z" or cat in ("Cc", "Cs"):
        return _C_SPACE
    return _C_PUNCT  # P*, S*, Co (private use), Cn (unassigned)


def _char_class(ch: str) -> int:
    """Class of one character of NFKC-normalised, lower-cased text."""
    special = _SPECIAL.get(ch)
    if special is not None:
        return special
    if ch.isspace():  # all whitespace is Z* or Cc anyway
        return _C_SPACE
    return _category_class(unicodedata.category(ch))


class _Tables:
    """Look-up tables of the compiled normaliser, built once per process (~0.3 s).

    ``cls[cp]``: class of a code point of normalised text.  ``nmap[cp]``: ``lower(NFKC(chr(cp)))``
    when the text can be normalised one character at a time: a code point (>= 0), -1 when the
    character may interact with its neighbours (it, or the first character of its NFKD form, is a
    combining mark (ccc != 0) or the second part of a canonical composition (Indic two-part vowels,
    Hangul vowel/trailing jamo), or its NFKC form contains a capital sigma), or ``-2 - i`` for the
    i-th multi-character form in ``exp_cps[exp_offs[i]:exp_offs[i + 1]]``.

    A text whose characters all have ``nmap >= 0 or <= -2`` satisfies
    ``NFKC(text).lower() == "".join(lower(NFKC(c)) for c in text)``: no character can compose with,
    or be reordered across, its neighbour, and no lower-casing depends on context.  Other texts
    are normalised by CPython (``unicodedata.normalize`` + ``str.lower``) first.
    """

    def __init__(self) -> None:
        cls = np.full(0x110000, _C_PUNCT, dtype=np.uint8)
        nmap = np.arange(0x110000, dtype=np.int32)
        exp_cps: list[int] = []
        exp_offs = [0]
        seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T jamo
        chunks = []
        for lo, hi in _TABLE_RANGES:
            cps = np.arange(lo, hi)
            # NUL splits below; surrogates cannot be normalised: both are identity + space.
            cps = cps[(cps != 0) & ((cps < 0xD800) | (cps > 0xDFFF))]
            chars = list(map(chr, cps.tolist()))
            cats = list(map(unicodedata.category, chars))
            code = {cat: _category_class(cat) for cat in set(cats)}
            cls[cps] = np.fromiter(map(code.__getitem__, cats), dtype=np.uint8, count=len(cats))
            decs = list(map(unicodedata.decomposition, chars))
            for i in np.flatnonzero(np.fromiter(map(len, decs), dtype=np.int64, count=len(decs))).tolist():
                parts = decs[i].split()
                if parts[0][0] != "<" and len(parts) == 2:  # a canonical pair: parts[1] is a second
                    seconds.add(int(parts[1], 16))
            chunks.append((cps, chars))
        cls[0] = _C_SPACE
        cls[0xD800:0xE000] = _C_SPACE
        for ch, k in _SPECIAL.items():
            cls[ord(ch)] = k
        combining = unicodedata.combining
        for cps, chars in chunks:
            joined = "\x00".join(chars)  # NUL never composes: per-character results
            nfkc = unicodedata.normalize("NFKC", joined)
            low = nfkc.lower().split("\x00")
            nfkc_chars = nfkc.split("\x00")
            nfkd = unicodedata.normalize("NFKD", joined).split("\x00")
            ccc = np.fromiter(map(combining, chars), dtype=np.int32, count=len(chars))
            changed = np.fromiter(map(operator.ne, chars, low), dtype=bool, count=len(chars))
            changed |= np.fromiter(map(operator.ne, chars, nfkd), dtype=bool, count=len(chars))
            for i in np.flatnonzero(changed | (ccc != 0)).tolist():
                c, composed, m, d = chars[i], nfkc_chars[i], low[i], nfkd[i]
                first = d[0]
                if combining(first) or ord(first) in seconds or _CAPITAL_SIGMA in composed:
                    nmap[ord(c)] = -1
                elif len(m) == 1:
                    nmap[ord(c)] = ord(m)
                else:
                    nmap[ord(c)] = -2 - (len(exp_offs) - 1)
                    exp_cps.extend(map(ord, m))
                    exp_offs.append(len(exp_cps))
        for cp in seconds:  # a second part composes with the character before it
            nmap[cp] = -1
        self.cls = cls
        self.nmap = nmap
        self.exp_cps = np.array(exp_cps + [0], dtype=np.int32)
        self.exp_offs = np.array(exp_offs, dtype=np.int64)
        for arr in (self.cls, self.nmap, self.exp_cps, self.exp_offs):
            arr.setflags(write=False)


@functools.cache
def _tables() -> _Tables:
    return _Tables()


def normalise_reference(text: str) -> str:
    """The normalisation spelled out in plain Python (slow; the executable specification)."""
    t = unicodedata.normalize("NFKC", text).lower()
    chars = [c for c in t if _char_class(c) != _C_DELETE]
    classes = [_char_class(c) for c in chars]
    out = []
    for i, (c, k) in enumerate(zip(chars, classes)):
        if k == _C_WORD:
            out.append(c)
        elif k == _C_SPACE:
            out.append(" ")
        elif 0 < i < len(chars) - 1 and classes[i - 1] == _C_WORD and classes[i + 1] == _C_WORD:
            out.append(_REPLACEMENT.get(k, c))
        else:
            out.append(" ")
    return " ".join(w for w in "".join(out).split(" ") if w)


# ---------------------------------------------------------------------------------------------
# Compiled kernels
# ---------------------------------------------------------------------------------------------
# Hot loops index arrays with np.uint64(...) so that numba emits no negative-index wrap-around
# check (which blocks load combining and vectorisation); hash arithmetic is done in uint32.

_U32 = np.uint32
_U64 = np.uint64
_NEEDS_PYTHON = -1  # _normalise_doc: the text has a character that needs CPython's normaliser
_NO_ROOM = -2  # _normalise_doc: the output buffer is too small


@jit(inline="always")
def _emit_cp(out, o, cp):
    """UTF-8-encode code point cp into out[o:]; return the new end."""
    if cp < 0x80:
        out[_U64(o)] = cp
        return o + 1
    if cp < 0x800:
        out[_U64(o)] = 0xC0 | (cp >> 6)
        out[_U64(o + 1)] = 0x80 | (cp & 0x3F)
        return o + 2
    if cp < 0x10000:
        out[_U64(o)] = 0xE0 | (cp >> 12)
        out[_U64(o + 1)] = 0x80 | ((cp >> 6) & 0x3F)
        out[_U64(o + 2)] = 0x80 | (cp & 0x3F)
        return o + 3
    out[_U64(o)] = 0xF0 | (cp >> 18)
    out[_U64(o + 1)] = 0x80 | ((cp >> 12) & 0x3F)
    out[_U64(o + 2)] = 0x80 | ((cp >> 6) & 0x3F)
    out[_U64(o + 3)] = 0x80 | (cp & 0x3F)
    return o + 4


@jit
def _normalise_doc(buf, s, e, nmap, exp_offs, exp_cps, cls, mapped, out, o0, sp):
    """Normalise the UTF-8 text buf[s:e] into out[o0:]; return (end of the output, spaces).

    ``mapped``: apply NFKC + lower-casing per character through ``nmap`` (returns _NEEDS_PYTHON
    when a character needs context); otherwise the text is already ``NFKC(t).lower()``.
    Returns _NO_ROOM if out is too small.  The positions of the spaces written (the word breaks)
    go to sp[:spaces] when sp is larger than out, else they are not recorded.
    """
    record = sp.size > out.size
    nsp = 0
    cap = out.size
    o = o0
    i = s
    prev_word = False
    pending_space = False
    held = -1  # a punctuation code point preceded by a word character, awaiting its right side
    while i < e:
        if o + 9 > cap:
            return _NO_ROOM, 0
        b0 = np.int64(buf[_U64(i)])
        q = -1  # q < qe: code points of a multi-character form exp_cps[q:qe]; q = -1: just m
        qe = 0
        if b0 < 0x80:  # ASCII: never context-dependent, never expands (nmap is the identity on
            i += 1  # lower-case ASCII, so it serves pre-normalised text too)
            m = np.int64(nmap[_U64(b0)])
            c = cls[_U64(m)]
            if c == 1:  # (ASCII has no format characters; punctuation takes the general path)
                held = -1
                pending_space = True
                prev_word = False
                continue
            if c == 0:  # hot path: a word character and the rest of its ASCII run
                if held >= 0:
                    o = _emit_cp(out, o, held)
                    held = -1
                elif pending_space and o > o0:
                    if record:
                        sp[_U64(nsp)] = o
                        nsp += 1
                    out[_U64(o)] = 32
                    o += 1
                pending_space = False
                out[_U64(o)] = m
                o += 1
                prev_word = True
                while i < e and o + 9 <= cap:
                    m = np.int64(buf[_U64(i)])
                    if m >= 0x80:
                        break
                    m = np.int64(nmap[_U64(m)])
                    if cls[_U64(m)] != 0:
                        break
                    out[_U64(o)] = m
                    o += 1
                    i += 1
                continue
        else:
            if b0 < 0xE0:
                m = ((b0 & 0x1F) << 6) | (np.int64(buf[_U64(i + 1)]) & 0x3F)
                i += 2
            elif b0 < 0xF0:
                m = (
                    ((b0 & 0x0F) << 12)
                    | ((np.int64(buf[_U64(i + 1)]) & 0x3F) << 6)
                    | (np.int64(buf[_U64(i + 2)]) & 0x3F)
                )
                i += 3
            else:
                m = (
                    ((b0 & 0x07) << 18)
                    | ((np.int64(buf[_U64(i + 1)]) & 0x3F) << 12)
                    | ((np.int64(buf[_U64(i + 2)]) & 0x3F) << 6)
                    | (np.int64(buf[_U64(i + 3)]) & 0x3F)
                )
                i += 4
            if mapped:
                m = np.int64(nmap[_U64(m)])
                if m == -1:
                    return _NEEDS_PYTHON, 0
                if m < -1:  # a multi-character form (ligature, ellipsis, fraction, ...)
                    q = exp_offs[_U64(-2 - m)]
                    qe = exp_offs[_U64(-1 - m)]
        while True:
            if q >= 0:
                if q >= qe:
                    break
                if o + 9 > cap:
                    return _NO_ROOM, 0
                m = np.int64(exp_cps[_U64(q)])
            q += 1
            c = cls[_U64(m)]
            if c == 0:  # word character
                if held >= 0:
                    o = _emit_cp(out, o, held)
                    held = -1
                elif pending_space and o > o0:
                    if record:
                        sp[_U64(nsp)] = o
                        nsp += 1
                    out[_U64(o)] = 32
                    o += 1
                pending_space = False
                o = _emit_cp(out, o, m)
                prev_word = True
            elif c == 1:  # whitespace / control / separator
                held = -1
                pending_space = True
                prev_word = False
            elif c != 2:  # punctuation / symbol: kept only between two word characters
                if held >= 0:
                    held = -1
                    pending_space = True
                elif prev_word:
                    if c == 4:
                        held = 39
                    elif c == 5:
                        held = 34
                    elif c == 6:
                        held = 45
                    else:
                        held = m
                else:
                    pending_space = True
                prev_word = False
            # c == 2, a format character: deleted, invisible to its neighbours
            if q == 0:  # a single code point: done
                break
    return o, nsp


@jit
def _normalise_batch(buf, offs, nmap, exp_offs, exp_cps, cls, mapped):
    """Normalise every text of a batch: (UTF-8 bytes, offsets, status); status 1 = needs CPython."""
    ndocs = offs.size - 1
    cap = 2 * buf.size + 64
    out = np.empty(cap, np.uint8)
    out_offs = np.zeros(ndocs + 1, np.int64)
    status = np.zeros(ndocs, np.uint8)
    no_sp = np.empty(0, np.int32)
    o = 0
    for d in range(ndocs):
        while True:
            r, _ = _normalise_doc(buf, offs[d], offs[d + 1], nmap, exp_offs, exp_cps, cls, mapped, out, o, no_sp)
            if r != _NO_ROOM:
                break
            bigger = np.empty(2 * out.size, np.uint8)
            for j in range(o):  # (explicit loops compile much faster than slice assignment)
                bigger[j] = out[j]
            out = bigger
        if r == _NEEDS_PYTHON:
            status[d] = 1
        else:
            o = r
        out_offs[d + 1] = o
    res = np.empty(o, np.uint8)
    for j in range(o):
        res[j] = out[j]
    return res, out_offs, status


@jit(inline="always")
def _fmix32(h):
    h ^= h >> _U32(16)
    h = _U32(h * _U32(0x85EBCA6B))
    h ^= h >> _U32(13)
    h = _U32(h * _U32(0xC2B2AE35))
    h ^= h >> _U32(16)
    return h


@jit(inline="always")
def _rotl32(x, r):
    return _U32((x << _U32(r)) | (x >> _U32(32 - r)))


@jit(inline="always")
def _load32le(data, p):
    return (
        _U32(data[_U64(p)])
        | (_U32(data[_U64(p + 1)]) << _U32(8))
        | (_U32(data[_U64(p + 2)]) << _U32(16))
        | (_U32(data[_U64(p + 3)]) << _U32(24))
    )


@jit(inline="always")
def _load32be(data, p):
    return (
        (_U32(data[_U64(p)]) << _U32(24))
        | (_U32(data[_U64(p + 1)]) << _U32(16))
        | (_U32(data[_U64(p + 2)]) << _U32(8))
        | _U32(data[_U64(p + 3)])
    )


@jit(inline="always")
def _murmur3_32(data, s, e):
    """MurmurHash3_x86_32 (seed 0) of data[s:e], as uint32."""
    c1 = _U32(0xCC9E2D51)
    c2 = _U32(0x1B873593)
    h = _U32(0)
    length = e - s
    p = s
    end4 = s + (length & ~3)
    while p < end4:
        k = _U32(_load32le(data, p) * c1)
        k = _U32(_rotl32(k, 15) * c2)
        h = _rotl32(h ^ k, 13)
        h = _U32(h * _U32(5) + _U32(0xE6546B64))
        p += 4
    rem = length & 3
    if rem:
        k = _U32(0)
        if rem == 3:
            k ^= _U32(data[_U64(p + 2)]) << _U32(16)
        if rem >= 2:
            k ^= _U32(data[_U64(p + 1)]) << _U32(8)
        k ^= _U32(data[_U64(p)])
        k = _U32(k * c1)
        k = _U32(_rotl32(k, 15) * c2)
        h ^= k
    h ^= _U32(length & 0xFFFFFFFF)
    return _fmix32(h)


@jit(inline="always")
def _sha1_32(data, s, e, w):
    """datasketch's sha1_hash32 of data[s:e] (first 4 digest bytes, little-endian), as uint32.

    w: uint32[80] scratch for the message schedule.
    """
    length = e - s
    total = ((length + 8) // 64 + 1) * 64
    bits = _U64(length) * _U64(8)
    h0 = _U32(0x67452301)
    h1 = _U32(0xEFCDAB89)
    h2 = _U32(0x98BADCFE)
    h3 = _U32(0x10325476)
    h4 = _U32(0xC3D2E1F0)
    for blk in range(0, total, 64):
        for t in range(16):
            p = blk + 4 * t
            if p + 4 <= length:
                w[t] = _load32be(data, s + p)
            elif p > length:
                if p == total - 8:
                    w[t] = _U32(bits >> _U64(32))
                elif p == total - 4:
                    w[t] = _U32(bits & _U64(0xFFFFFFFF))
                else:
                    w[t] = _U32(0)
            else:  # the word holding the end of the message and the 0x80 marker
                x = _U32(0)
                for j in range(4):
                    x = _U32(x << _U32(8))
                    if p + j < length:
                        x |= _U32(data[_U64(s + p + j)])
                    elif p + j == length:
                        x |= _U32(0x80)
                w[t] = x
        for t in range(16, 80):
            w[t] = _rotl32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1)
        a = h0
        b = h1
        c = h2
        d = h3
        ee = h4
        for t in range(0, 20):
            tmp = _U32(_rotl32(a, 5) + ((b & c) | (~b & d)) + ee + _U32(0x5A827999) + w[t])
            ee = d
            d = c
            c = _rotl32(b, 30)
            b = a
            a = tmp
        for t in range(20, 40):
            tmp = _U32(_rotl32(a, 5) + (b ^ c ^ d) + ee + _U32(0x6ED9EBA1) + w[t])
            ee = d
            d = c
            c = _rotl32(b, 30)
            b = a
            a = tmp
        for t in range(40, 60):
            tmp = _U32(_rotl32(a, 5) + ((b & c) | (b & d) | (c & d)) + ee + _U32(0x8F1BBCDC) + w[t])
            ee = d
            d = c
            c = _rotl32(b, 30)
            b = a
            a = tmp
        for t in range(60, 80):
            tmp = _U32(_rotl32(a, 5) + (b ^ c ^ d) + ee + _U32(0xCA62C1D6) + w[t])
            ee = d
            d = c
            c = _rotl32(b, 30)
            b = a
            a = tmp
        h0 = _U32(h0 + a)
        h1 = _U32(h1 + b)
        h2 = _U32(h2 + c)
        h3 = _U32(h3 + d)
        h4 = _U32(h4 + ee)
    # digest[:4] is h0 big-endian; datasketch unpacks it little-endian: byte-swap.
    return _U32(
        ((h0 & _U32(0xFF)) << _U32(24))
        | ((h0 & _U32(0xFF00)) << _U32(8))
        | ((h0 >> _U32(8)) & _U32(0xFF00))
        | (h0 >> _U32(24))
    )


@jit
def _permute_min(a, b, hv, n, sig):
    """sig[j] = min(sig[j], min over g < n of (a[j] * hv[g] + b[j]) mod 2**32), 4 hashes per pass."""
    g = 0
    while g + 4 <= n:
        h1 = hv[_U64(g)]
        h2 = hv[_U64(g + 1)]
        h3 = hv[_U64(g + 2)]
        h4 = hv[_U64(g + 3)]
        for j in range(a.size):
            aj = a[j]
            bj = b[j]
            m = min(min(_U32(aj * h1 + bj), _U32(aj * h2 + bj)), min(_U32(aj * h3 + bj), _U32(aj * h4 + bj)))
            sig[j] = min(sig[j], m)
        g += 4
    while g < n:
        h1 = hv[_U64(g)]
        for j in range(a.size):
            sig[j] = min(sig[j], _U32(a[j] * h1 + b[j]))
        g += 1


@jit
def _signatures_kernel(buf, offs, nmap, exp_offs, exp_cps, cls, mapped, unit, ngram, hkind, a, b, out, counts, status):
    """Signatures of a batch of UTF-8 texts buf[offs[d]:offs[d+1]] into out[d] and their numbers of
    shingles into counts[d]; status[d] = 1 when the text needs CPython's normaliser first (its row
    is then left unspecified)."""
    ndocs = offs.size - 1
    maxlen = 0
    for d in range(ndocs):
        maxlen = max(maxlen, offs[d + 1] - offs[d])
    norm = np.empty(maxlen + 64, np.uint8)
    sp = np.empty(norm.size + 2, np.int32)  # word unit: positions of the spaces; char unit: starts
    hv = np.empty(norm.size + 2, np.uint32)  # the (fmix-ed) shingle hashes of one text
    w = np.empty(80, np.uint32)
    nperm = a.size
    sig = np.empty(nperm, np.uint32)
    for d in range(ndocs):
        while True:
            length, k = _normalise_doc(buf, offs[d], offs[d + 1], nmap, exp_offs, exp_cps, cls, mapped, norm, 0, sp)
            if length != _NO_ROOM:
                break
            norm = np.empty(2 * norm.size, np.uint8)
            sp = np.empty(norm.size + 2, np.int32)
            hv = np.empty(norm.size + 2, np.uint32)
        if length == _NEEDS_PYTHON:
            status[d] = 1
            continue
        status[d] = 0
        counts[d] = 0
        for j in range(nperm):
            sig[j] = _U32(0xFFFFFFFF)
        if length > 0:
            # k units: words [sp[i-1] + 1, sp[i]) (sp[-1] = -1, sp[k-1] = length) or code points
            # [sp[i], sp[i+1]) (sp[k] = length)
            if unit == 0:
                sp[_U64(k)] = length
                k += 1
            else:
                k = 0
                for i in range(length):
                    if (norm[_U64(i)] & 0xC0) != 0x80:
                        sp[_U64(k)] = i
                        k += 1
                sp[_U64(k)] = length
            count = k - ngram + 1 if k >= ngram else 1
            counts[d] = count
            for g in range(count):
                last = min(g + ngram, k)
                if unit == 0:
                    st = sp[_U64(g - 1)] + 1 if g > 0 else 0
                    en = sp[_U64(last - 1)]
                else:
                    st = sp[_U64(g)]
                    en = sp[_U64(last)]
                if hkind == 0:
                    h = _sha1_32(norm, st, en, w)
                else:
                    h = _murmur3_32(norm, st, en)
                hv[_U64(g)] = _fmix32(h)
            _permute_min(a, b, hv, count, sig)
        for j in range(nperm):
            out[d, j] = sig[j]


@jit
def _murmur3_32_bytes(data):
    return _murmur3_32(data, 0, len(data))


def murmur3_32(data: bytes) -> int:
    """MurmurHash3_x86_32 with seed 0 of ``data`` (equal to ``mmh3.hash(data, 0, signed=False)``).

    The python-level twin of the compiled shingle hash; pass it to ``datasketch.MinHash(hashfunc=)``.
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    return int(_murmur3_32_bytes(data))


# ---------------------------------------------------------------------------------------------
# Python-level API
# ---------------------------------------------------------------------------------------------


def _encode(text: str) -> bytes:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    return text.encode("utf-8", "surrogatepass")


def _encode_normalised(text: str) -> bytes:
    """NFKC + lower-casing by CPython, for the texts the per-character tables cannot handle."""
    return unicodedata.normalize("NFKC", text).lower().encode("utf-8", "surrogatepass")


def _pack(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    offs = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in encoded], out=offs[1:])
    buf = np.frombuffer(b"".join(encoded) + b"\x00", dtype=np.uint8)
    return buf, offs


def normalise_many(texts: list[str]) -> list[str]:
    """`normalise_for_shingles` of each of `texts`, in one call of the compiled normaliser (the texts its
    per-character tables cannot handle are NFKC-normalised and lower-cased by CPython first, then done again)."""
    t = _tables()
    buf, offs = _pack([_encode(x) for x in texts])
    out, out_offs, status = _normalise_batch(buf, offs, t.nmap, t.exp_offs, t.exp_cps, t.cls, True)
    raw = out.tobytes()
    res = [raw[out_offs[i] : out_offs[i + 1]].decode("utf-8") for i in range(len(texts))]
    redo = np.flatnonzero(status).tolist()
    if redo:
        buf, offs = _pack([_encode_normalised(texts[i]) for i in redo])
        out, out_offs, _ = _normalise_batch(buf, offs, t.nmap, t.exp_offs, t.exp_cps, t.cls, False)
        raw = out.tobytes()
        for j, i in enumerate(redo):
            res[i] = raw[out_offs[j] : out_offs[j + 1]].decode("utf-8")
    return res


def normalise_for_shingles(text: str) -> str:
    """Normalise ``text`` for shingling (see the module docstring for the exact definition).

    Lower-case, NFKC, apostrophes/quotes/dashes unified, punctuation dropped except between two
    word characters, whitespace collapsed to single spaces, digits kept.  Pure ``str -> str``.
    """
    return normalise_many([text])[0]


def _check_unit(n: int, unit: str) -> None:
    if unit not in _UNITS:
        raise ConfigError(f"unit must be 'word' or 'char', got {unit!r}")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ConfigError(f"the n-gram size must be a positive integer, got {n!r}")


def shingles(text: str, n: int = 5, unit: str = "word") -> list[str]:
    """The shingles of ``text``: n-grams of the words (joined by one space) or of the characters
    of ``normalise_for_shingles(text)``.

    A text with fewer than ``n`` words (characters) gives one shingle of all of them; an empty
    (or punctuation-only) text gives ``[]``.  ``[s.encode('utf-8') for s in shingles(...)]`` are
    exactly the byte strings that ``MinHasher`` hashes.
    """
    _check_unit(n, unit)
    norm = normalise_for_shingles(text)
    if not norm:
        return []
    units = norm.split(" ") if unit == "word" else list(norm)
    sep = " " if unit == "word" else ""
    if len(units) < n:
        return [sep.join(units)]
    return [sep.join(units[i : i + n]) for i in range(len(units) - n + 1)]


def kernels_cached() -> bool:
    """Whether the compiled signature kernel is in numba's cache (False: the next use compiles it,
    10-20 s). Unknown (no cache, another numba) counts as cached: nothing to announce."""
    try:
        return os.path.exists(_signatures_kernel._cache._cache_file._index_path)
    except AttributeError:  # compiled without a cache, or numba's cache internals moved
        return True


@functools.lru_cache(maxsize=32)
def affine32_permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch 2.0.0's affine32 permutation parameters: uint32 array of shape (2, num_perm), [a, b]."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    perms = np.array([a, b], dtype=np.uint32)
    perms.setflags(write=False)
    return perms


def empty_signature(num_perm: int = 128) -> np.ndarray:
    """The hash values of an empty datasketch MinHash (affine32): all ``2**32 - 1``, uint32."""
    return np.full(num_perm, _EMPTY, dtype=np.uint32)


def _datasketch_version() -> str:
    try:
        return _metadata.version("datasketch")
    except _metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


class MinHasher:
    """Computes datasketch-compatible MinHash signatures of many texts at once.

    ``hash``: ``"sha1"`` (datasketch's default ``sha1_hash32``; signatures equal a default
    ``datasketch.MinHash(num_perm, seed=seed)``) or ``"murmur3_32"`` (MurmurHash3_x86_32, seed 0;
    equal to ``datasketch.MinHash(num_perm, seed=seed, hashfunc=hasher.hashfunc())``).
    """

    def __init__(
        self,
        num_perm: int = 128,
        seed: int = 1,
        ngram: int = 5,
        unit: str = "word",
        hash: str = "sha1",  # noqa: A002 - the API's name
    ) -> None:
        if not isinstance(num_perm, (int, np.integer)) or isinstance(num_perm, bool) or num_perm < 1:
            raise ConfigError(f"num_perm must be a positive integer, got {num_perm!r}")
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or not 0 <= seed < 2**32:
            raise ConfigError(f"seed must be an integer in [0, 2**32), got {seed!r}")
        _check_unit(ngram, unit)
        if hash not in _HASH_CODES:
            raise ConfigError(f"hash must be one of {', '.join(HASHES)}, got {hash!r}")
        self.num_perm = int(num_perm)
        self.seed = int(seed)
        self.ngram = int(ngram)
        self.unit = unit
        self.hash = hash
        self.permutations = affine32_permutations(self.num_perm, self.seed)
        self._a = np.ascontiguousarray(self.permutations[0])
        self._b = np.ascontiguousarray(self.permutations[1])
        self.params: dict = {
            "num_perm": self.num_perm,
            "seed": self.seed,
            "ngram": self.ngram,
            "unit": self.unit,
            "hash": self.hash,
            "scheme": SCHEME,
            "datasketch_version": _datasketch_version(),
            "normaliser": NORMALISER,
            "signed_text": SIGNED_TEXT,
            "unicode_version": unicodedata.unidata_version,
        }

    def __repr__(self) -> str:
        return (
            f"MinHasher(num_perm={self.num_perm}, seed={self.seed}, ngram={self.ngram}, "
            f"unit={self.unit!r}, hash={self.hash!r})"
        )

    def hashfunc(self) -> Callable[[bytes], int]:
        """The 32-bit shingle hash as a python callable, for ``datasketch.MinHash(hashfunc=...)``."""
        if self.hash == "sha1":
            from datasketch.hashfunc import sha1_hash32

            return sha1_hash32
        return murmur3_32

    def shingles(self, text: str) -> list[str]:
        """``shingles(text, self.ngram, self.unit)``."""
        return shingles(text, self.ngram, self.unit)

    def _run(self, encoded: list[bytes], mapped: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t = _tables()
        out = np.empty((len(encoded), self.num_perm), dtype=np.uint32)
        counts = np.zeros(len(encoded), dtype=np.int64)
        status = np.zeros(len(encoded), dtype=np.uint8)
        if encoded:
            buf, offs = _pack(encoded)
            _signatures_kernel(
                buf,
                offs,
                t.nmap,
                t.exp_offs,
                t.exp_cps,
                t.cls,
                mapped,
                _UNITS[self.unit],
                self.ngram,
                _HASH_CODES[self.hash],
                self._a,
                self._b,
                out,
                counts,
                status,
            )
        return out, counts, status

    def _batch(self, texts: list[str], encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        out, counts, status = self._run(encoded, True)
        redo = np.flatnonzero(status)
        if redo.size:  # combining marks, Hangul jamo, capital sigma...: CPython normalises first
            out[redo], counts[redo], _ = self._run([_encode_normalised(texts[i]) for i in redo.tolist()], False)
        return out, counts

    def iter_signatures_with_counts(self, texts: Iterable[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Like ``iter_signatures``, with the number of shingles of each text (int64):
        ``len(shingles(text, ngram, unit))``, 0 for a text without words."""
        batch: list[str] = []
        encoded: list[bytes] = []
        size = 0
        for text in texts:
            e = _encode(text)
            batch.append(text)
            encoded.append(e)
            size += len(e)
            if len(encoded) >= BATCH_DOCS or size >= BATCH_BYTES:
                yield self._batch(batch, encoded)
                batch = []
                encoded = []
                size = 0
        if encoded:
            yield self._batch(batch, encoded)

    def iter_signatures(self, texts: Iterable[str]) -> Iterator[np.ndarray]:
        """Signatures of ``texts`` in order, as consecutive (k, num_perm) uint32 blocks.

        Reads at most ``BATCH_DOCS`` texts / ``BATCH_BYTES`` bytes ahead, so memory stays flat on
        any stream length.
        """
        for sigs, _ in self.iter_signatures_with_counts(texts):
            yield sigs

    def signatures_with_counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(signatures(texts), counts)``: counts[i] = ``len(shingles(texts[i], ngram, unit))``
        (int64; 0 for an empty or punctuation-only text), at no extra cost."""
        if isinstance(texts, str):
            raise TypeError("signatures() takes a sequence of texts, not one str")
        n = len(texts)
        out = np.empty((n, self.num_perm), dtype=np.uint32)
        counts = np.empty(n, dtype=np.int64)
        row = 0
        for sigs, cnt in self.iter_signatures_with_counts(texts):
            out[row : row + len(sigs)] = sigs
            counts[row : row + len(sigs)] = cnt
            row += len(sigs)
        return out, counts

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """Signatures of ``texts``: uint32 array of shape (len(texts), num_perm).

        Row i equals datasketch's ``MinHash.hashvalues`` for ``shingles(texts[i])`` (affine32 stores
        uint32); an empty text gives the empty MinHash's values (all ``2**32 - 1``).
        """
        return self.signatures_with_counts(texts)[0]


def signatures_to_datasketch(
    row: np.ndarray, seed: int = 1, hashfunc: Callable[[bytes], int] | None = None
) -> datasketch.MinHash:
    """Wrap one signature row as a ``datasketch.MinHash`` (scheme affine32), e.g. for ``MinHashLSH``.

    ``hashfunc`` only matters if the MinHash is updated further; give ``MinHasher.hashfunc()`` for a
    ``murmur3_32`` signature.
    """
    from datasketch import MinHash

    row = np.asarray(row)
    if row.ndim != 1 or row.size == 0:
        raise ValueError("row must be a non-empty 1-D signature")
    return MinHash(
        seed=seed,
        hashfunc=hashfunc,
        hashvalues=row.astype(np.uint32, copy=False),
        permutations=affine32_permutations(int(row.size), seed),
        scheme=SCHEME,
    )


# ---------------------------------------------------------------------------------------------
# LSH banding
# ---------------------------------------------------------------------------------------------


def s_curve(bands: int, rows: int, points: int = 21) -> list[tuple[float, float]]:
    """(Jaccard s, probability ``1 - (1 - s**rows)**bands`` that a pair becomes a candidate)."""
    if bands < 1 or rows < 1 or points < 2:
        raise ConfigError("bands, rows must be >= 1 and points >= 2")
    s = np.linspace(0.0, 1.0, points)
    p = 1.0 - (1.0 - s**rows) ** bands
    return [(float(x), float(y)) for x, y in zip(s, p)]


@functools.lru_cache(maxsize=8)
def _gauss_legendre(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(nodes)


def _integrate(lo: float, hi: float, degree: int):
    """Nodes and weights integrating polynomials of the given degree exactly on [lo, hi]
    (composite Gauss-Legendre; panels of at most 128 nodes)."""
    need = degree // 2 + 1
    panels = -(-need // 128)
    nodes = -(-need // panels)
    x, w = _gauss_legendre(nodes)
    edges = np.linspace(lo, hi, panels + 1)
    half = (edges[1:] - edges[:-1]) / 2
    mid = (edges[1:] + edges[:-1]) / 2
    xs = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    ws = (half[:, None] * w[None, :]).ravel()
    return xs, ws


def lsh_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) with bands * rows <= num_perm minimising
    ``fp_weight * FP + fn_weight * FN`` where FP = area under the S-curve on [0, threshold] and
    FN = area above it on [threshold, 1] (the criterion of datasketch's ``MinHashLSH``).

    The S-curve is a polynomial of degree bands*rows <= num_perm, so Gauss-Legendre quadrature with
    enough nodes integrates it exactly (up to rounding).  Ties go to the first (fewest bands, then
    fewest rows) pair, the order datasketch searches in.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"threshold must be in [0, 1], got {threshold!r}")
    if num_perm < 2:
        raise ConfigError(f"num_perm must be >= 2, got {num_perm!r}")
    if fp_weight < 0 or fn_weight < 0 or fp_weight + fn_weight <= 0:
        raise ConfigError("fp_weight and fn_weight must be >= 0 and not both 0")
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=np.float64)
    bb = pairs[:, 0:1]
    rr = pairs[:, 1:2]
    xs, ws = _integrate(0.0, threshold, num_perm)
    fp = ((1.0 - (1.0 - xs[None, :] ** rr) ** bb) * ws[None, :]).sum(axis=1)
    xs, ws = _integrate(threshold, 1.0, num_perm)
    fn = (((1.0 - xs[None, :] ** rr) ** bb) * ws[None, :]).sum(axis=1)
    err = fp * fp_weight + fn * fn_weight
    best = int(np.argmin(err))
    return int(pairs[best, 0]), int(pairs[best, 1])


_BK_MUL = np.uint64(0xFF51AFD7ED558CCD)
_BK_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """64-bit key of each band: uint64 array of shape (n, bands).

    Band ``i`` covers columns ``[i*rows, (i+1)*rows)``.  The hash (not cryptographic)::

        h = (i + 1) * 0x9E3779B97F4A7C15                 # the band index is part of the key
        for v in band values (as uint64):  h = h ^ v; h *= 0xFF51AFD7ED558CCD; h ^= h >> 32
        key = fmix64(h ^ rows)                          # MurmurHash3's 64-bit finaliser

    all mod 2**64.  Each step is a bijection of the state for a fixed value, so equal band slices
    give equal keys, and different slices collide with probability about 2**-64 per pair.  Because
    the band index is mixed in, keys of different bands can share one hash table.
    """
    sigs = np.asarray(sigs)
    if sigs.ndim != 2:
        raise ValueError("sigs must be a 2-D array (n, num_perm)")
    if bands < 1 or rows < 1 or bands * rows > sigs.shape[1]:
        raise ConfigError(f"bands * rows = {bands} * {rows} must be between 1 and num_perm = {sigs.shape[1]}")
    n = sigs.shape[0]
    view = sigs[:, : bands * rows].reshape(n, bands, rows)
    h = np.broadcast_to((np.arange(1, bands + 1, dtype=np.uint64) * _BK_GOLD)[None, :], (n, bands)).copy()
    shift = np.uint64(32)
    for j in range(rows):
        h ^= view[:, :, j].astype(np.uint64)
        h *= _BK_MUL
        h ^= h >> shift
    return _fmix64(h ^ np.uint64(rows))
