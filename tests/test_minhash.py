"""dedup.neardup.minhash: signatures equal to datasketch 2.0.0's MinHash, normalisation, LSH helpers."""

from __future__ import annotations

import json
import string
import unicodedata
from pathlib import Path

import datasketch
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import jit as jit_module
from dedup.neardup import minhash as mh
from dedup.errors import ConfigError

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GROUND_TRUTH = SHARED / "corpora" / "article-extraction-benchmark" / "ground-truth.json"

_HASHERS: dict[tuple, mh.MinHasher] = {}


def hasher(hash: str = "sha1", **kw) -> mh.MinHasher:  # noqa: A002
    key = (hash, tuple(sorted(kw.items())))
    if key not in _HASHERS:
        _HASHERS[key] = mh.MinHasher(hash=hash, **kw)
    return _HASHERS[key]


def datasketch_values(text: str, h: mh.MinHasher, hashfunc=None) -> np.ndarray:
    """What datasketch computes, fed our python-level shingles one by one."""
    m = datasketch.MinHash(num_perm=h.num_perm, seed=h.seed, hashfunc=hashfunc)
    for s in mh.shingles(text, h.ngram, h.unit):
        m.update(s.encode("utf-8"))
    return m.hashvalues


# Characters that exercise every branch of the normaliser: composition, context-dependent
# lower-casing, expansions, deleted format characters, unified punctuation, surrogate-free unicode.
TRICKY = (
    list("abcXYZ019 .,;:!?'\"-_()&$%/\t\n")
    + ["\u0301", "\u0308", "\u0323", "\u0345"]  # combining marks
    + ["\u1100", "\u1161", "\u11a8", "\uac00"]  # Hangul L, V, T jamo, a syllable
    + ["\u0b47", "\u0b3e", "\u0928", "\u093c", "\u094d"]  # Oriya two-part vowel, Devanagari nukta/virama
    + ["\u03a3", "\u03c3", "\u0130", "\u1e9e", "\u00df"]  # capital sigma, dotted I, capital/small sharp s
    + ["\ufb01", "\u2026", "\ufdfa", "\u00bd", "\u2474", "\u00a8", "\u1fbf", "\uff21"]  # compatibility forms
    + ["\u00ad", "\u200b", "\u200d", "\ufeff", "\u00a0", "\u2028", "\u3000"]  # format / space characters
    + list(mh._APOSTROPHES + mh._QUOTES + mh._DASHES)
    + ["\U0001f600", "\u4e2d", "\u6587", "\U00020000", "\U0001d6ba", "\U000e0041", "\U0010fffd"]
)
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=60)
any_text = st.text(max_size=80)
word = st.text(alphabet=string.ascii_letters + "éß’-", min_size=1, max_size=8)
few_words = st.lists(word, min_size=1, max_size=4).map(" ".join)
punct_only = st.text(alphabet=string.punctuation + "“”‘’—–…«» \n", max_size=30)
texts = st.one_of(any_text, tricky_text, few_words, punct_only, st.just(""))

HYP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------
# scheme facts


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 42), (7, 0), (256, 2**32 - 1)])
def test_permutations_equal_datasketch(num_perm, seed):
    ours = mh.affine32_permutations(num_perm, seed)
    theirs = datasketch.MinHash(num_perm=num_perm, seed=seed).permutations
    assert ours.dtype == theirs.dtype == np.uint32
    np.testing.assert_array_equal(ours, theirs)


def test_empty_text_gives_empty_minhash():
    for hash_ in mh.HASHES:
        sigs = hasher(hash_).signatures(["", "  ", "?!…", "\u200b"])
        empty = datasketch.MinHash(num_perm=128, seed=1).hashvalues
        assert sigs.dtype == empty.dtype == np.uint32
        for row in sigs:
            np.testing.assert_array_equal(row, empty)
        np.testing.assert_array_equal(mh.empty_signature(128), empty)


def test_murmur3_known_vectors():
    # MurmurHash3_x86_32, seed 0 (SMHasher / mmh3 reference values)
    assert mh.murmur3_32(b"") == 0
    assert mh.murmur3_32(b"hello") == 0x248BFA47
    assert mh.murmur3_32(b"The quick brown fox jumps over the lazy dog") == 0x2E4FF723
    assert mh.murmur3_32(bytearray(b"hello")) == 0x248BFA47


# ---------------------------------------------------------------------------------------------
# signatures == datasketch


@HYP
@given(texts)
def test_signature_equals_datasketch_default_sha1(text):
    h = hasher("sha1")
    np.testing.assert_array_equal(h.signatures([text])[0], datasketch_values(text, h))


@HYP
@given(texts)
def test_signature_equals_datasketch_with_fast_hash(text):
    h = hasher("murmur3_32")
    np.testing.assert_array_equal(h.signatures([text])[0], datasketch_values(text, h, h.hashfunc()))


@settings(max_examples=60, deadline=None)
@given(texts, st.integers(1, 7), st.sampled_from(["word", "char"]), st.sampled_from(mh.HASHES))
def test_signature_equals_datasketch_other_params(text, n, unit, hash_):
    h = hasher(hash_, num_perm=16, seed=7, ngram=n, unit=unit)
    np.testing.assert_array_equal(h.signatures([text])[0], datasketch_values(text, h, h.hashfunc()))


@settings(max_examples=30, deadline=None)
@given(st.lists(texts, max_size=12), st.sampled_from(["word", "char"]))
def test_batch_equals_one_by_one(batch, unit):
    h = hasher("murmur3_32", unit=unit)
    sigs, counts = h.signatures_with_counts(batch)
    assert sigs.shape == (len(batch), 128) and counts.shape == (len(batch),)
    np.testing.assert_array_equal(sigs, h.signatures(batch))
    for text, row, count in zip(batch, sigs, counts):
        np.testing.assert_array_equal(row, h.signatures([text])[0])
        assert count == len(h.shingles(text))


def test_batches_of_bounded_size(monkeypatch):
    monkeypatch.setattr(mh, "BATCH_DOCS", 3)
    monkeypatch.setattr(mh, "BATCH_BYTES", 50)
    docs = [f"document number {i} " + "ΑΣ " * (i % 3) + "word " * i for i in range(11)]
    h = hasher("sha1")
    blocks = list(h.iter_signatures(iter(docs)))
    assert all(len(b) <= 3 for b in blocks)
    np.testing.assert_array_equal(np.concatenate(blocks), h.signatures(docs))
    for d, row in zip(docs, np.concatenate(blocks)):
        np.testing.assert_array_equal(row, datasketch_values(d, h))


def test_output_growth_and_fallback_texts():
    # U+FDFA expands to 18 characters; capital sigma and combining marks take the CPython path.
    docs = [
        "\ufdfa" * 300,
        "ΟΔΥΣΣΕΥΣ ΚΑΙ ΣΥ",
        "cafe\u0301 de\u0301ja\u0300 vu",
        "ﬁne " * 50 + "\u2026",
        "lone\ud800surrogate",
    ]
    for hash_ in mh.HASHES:
        h = hasher(hash_)
        sigs = h.signatures(docs)
        for d, row in zip(docs, sigs):
            np.testing.assert_array_equal(row, datasketch_values(d, h, h.hashfunc()))
    assert mh.normalise_for_shingles("cafe\u0301") == mh.normalise_for_shingles("café") == "café"
    assert mh.normalise_for_shingles("ΟΔΥΣΣΕΥΣ") == "οδυσσευς"
    assert mh.normalise_for_shingles("lone\ud800surrogate") == "lone surrogate"


def test_real_texts_equal_datasketch():
    if not GROUND_TRUTH.exists():
        pytest.skip(f"{GROUND_TRUTH} not found (no ../shared corpora in this checkout)")
    data = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    bodies = [v["articleBody"] for _, v in sorted(data.items()) if v.get("articleBody")][:30]
    assert len(bodies) == 30
    for hash_ in mh.HASHES:
        h = hasher(hash_)
        sigs = h.signatures(bodies)
        for body, row in zip(bodies, sigs):
            m = datasketch.MinHash(num_perm=128, seed=1, hashfunc=h.hashfunc())
            m.update_batch([s.encode("utf-8") for s in mh.shingles(body)])
            np.testing.assert_array_equal(row, m.hashvalues)


# ---------------------------------------------------------------------------------------------
# normalisation and shingles


def test_normalisation_examples():
    n = mh.normalise_for_shingles
    assert n("Hello,   World!") == "hello world"
    assert n("Don’t e‐mail the U.S. team — now") == "don't e-mail the u.s team now"
    assert n("“Quoted” (aside) $5 3.14 1,000 AT&T") == "quoted aside 5 3.14 1,000 at&t"
    assert n("co\u00adoperate zero\u200bwidth") == "cooperate zerowidth"
    assert n("ﬁne Ｆｕｌｌ ½") == "fine full 1⁄2"
    assert n("  \n\t ") == "" and n("") == "" and n("?!") == ""
    assert n("a--b a.-b -x- 'quoted'") == "a b a b x quoted"


@HYP
@given(texts)
def test_normaliser_equals_reference(text):
    assert mh.normalise_for_shingles(text) == mh.normalise_reference(text)


def test_normaliser_every_bmp_character_in_context():
    # Each BMP code point next to letters, a combining mark and itself: the compiled per-character
    # tables must give exactly NFKC + lower-casing of the whole text.
    cps = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    cps += list(range(0x10000, 0x40000, 61)) + list(range(0xE0000, 0xE0200))
    docs = []
    for cp in cps:
        c = chr(cp)
        docs += [f"A{c}b", f"{c}\u0301{c}"]
    got = mh.normalise_many(docs)
    bad = [(d, g) for d, g in zip(docs, got) if g != mh.normalise_reference(d)]
    assert not bad, bad[:5]


def test_tables_match_unicodedata_everywhere():
    t = mh._tables()
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or cp == 0:
            continue
        c = chr(cp)
        m = int(t.nmap[cp])
        if m != -1:
            want = unicodedata.normalize("NFKC", c).lower()
            got = chr(m) if m >= 0 else "".join(map(chr, t.exp_cps[t.exp_offs[-2 - m] : t.exp_offs[-1 - m]]))
            assert got == want, hex(cp)
        assert t.cls[cp] == mh._char_class(c), hex(cp)


@HYP
@given(texts, st.integers(1, 6))
def test_shingles_definition(text, n):
    norm = mh.normalise_for_shingles(text)
    words = norm.split(" ") if norm else []
    sh = mh.shingles(text, n)
    if not words:
        assert sh == []
    elif len(words) < n:
        assert sh == [norm]
    else:
        assert len(sh) == len(words) - n + 1
        assert all(len(s.split(" ")) == n for s in sh)
        assert " ".join([sh[0]] + [s.rsplit(" ", 1)[-1] for s in sh[1:]]) == norm
    chars = mh.shingles(text, n, unit="char")
    if norm:
        assert chars[0] == norm[:n] and len(chars) == max(1, len(norm) - n + 1)


def test_short_texts_give_one_shingle():
    assert mh.shingles("One two three", 5) == ["one two three"]
    assert mh.shingles("", 5) == [] and mh.shingles("...", 5) == []
    assert mh.shingles("a b c d e f", 5) == ["a b c d e", "b c d e f"]
    assert mh.shingles("abc", 5, unit="char") == ["abc"]


def test_config_errors():
    with pytest.raises(ConfigError):
        mh.MinHasher(hash="md5")
    with pytest.raises(ConfigError):
        mh.MinHasher(unit="sentence")
    with pytest.raises(ConfigError):
        mh.MinHasher(num_perm=0)
    with pytest.raises(ConfigError):
        mh.shingles("x", 0)
    with pytest.raises(TypeError):
        hasher().signatures("a str is not a list of texts")


def test_params():
    p = hasher("murmur3_32").params
    assert p["scheme"] == mh.SCHEME == "affine32"
    assert p["datasketch_version"] == "2.0.0"
    assert {k: p[k] for k in ("num_perm", "seed", "ngram", "unit", "hash")} == {
        "num_perm": 128,
        "seed": 1,
        "ngram": 5,
        "unit": "word",
        "hash": "murmur3_32",
    }


def test_jit_falls_back_without_cache(monkeypatch):
    calls = []
    real = jit_module.numba.njit

    def njit(**kw):
        calls.append(kw["cache"])
        if kw["cache"]:
            raise RuntimeError("cannot cache function 'f': no locator available for file 'x'")
        return real(**kw)

    monkeypatch.setattr(jit_module.numba, "njit", njit)
    f = jit_module.jit(lambda x: x + 1)
    assert calls == [True, False] and f(1) == 2


# ---------------------------------------------------------------------------------------------
# LSH helpers


def test_band_keys():
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32, size=(6, 128), dtype=np.uint64).astype(np.uint32)
    sigs[1] = sigs[0]
    sigs[2, :8] = sigs[0, :8]  # band 0 equal, the rest different
    sigs[3, 8:16] = sigs[3, :8]  # same values in bands 0 and 1 of one row
    keys = mh.band_keys(sigs, 16, 8)
    assert keys.shape == (6, 16) and keys.dtype == np.uint64
    assert (keys[0] == keys[1]).all()
    assert keys[2, 0] == keys[0, 0] and (keys[2, 1:] != keys[0, 1:]).all()
    assert keys[3, 0] != keys[3, 1]  # the band index is part of the key
    assert len(np.unique(keys[[0, 3, 4, 5]])) == 4 * 16
    assert (mh.band_keys(sigs.astype(np.uint64), 16, 8) == keys).all()
    with pytest.raises(ConfigError):
        mh.band_keys(sigs, 20, 8)


def test_lsh_params_monotonic_and_like_datasketch():
    prev = None
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        b, r = mh.lsh_params(t, 128)
        assert b * r <= 128
        if prev:
            assert b <= prev[0] or r >= prev[1]
        prev = (b, r)
        lsh = datasketch.MinHashLSH(threshold=t, num_perm=128)
        assert (b, r) == (lsh.b, lsh.r)
    b, r = mh.lsh_params(0.5, 128, fp_weight=0.2, fn_weight=0.8)
    assert b * r <= 128 and b >= mh.lsh_params(0.5, 128)[0]


def test_s_curve():
    curve = mh.s_curve(20, 6)
    assert len(curve) == 21 and curve[0] == (0.0, 0.0) and curve[-1] == (1.0, 1.0)
    ys = [y for _, y in curve]
    assert all(0.0 <= y <= 1.0 for y in ys)
    assert all(a < b for a, b in zip(ys, ys[1:]))


def test_signatures_round_trip_into_datasketch_lsh():
    h = hasher("murmur3_32")
    base = "the quick brown fox jumps over the lazy dog near the river bank today " * 3
    docs = [base, base + " and then some", "entirely different words about markets and rates in asia"]
    sigs = h.signatures(docs)
    lsh = datasketch.MinHashLSH(threshold=0.5, num_perm=128)
    for i, row in enumerate(sigs):
        lsh.insert(f"d{i}", mh.signatures_to_datasketch(row, seed=1, hashfunc=h.hashfunc()))
    q = mh.signatures_to_datasketch(sigs[0])
    assert "d0" in lsh.query(q) and "d1" in lsh.query(q) and "d2" not in lsh.query(q)
    m = datasketch.MinHash(num_perm=128, seed=1, hashfunc=h.hashfunc())
    m.update_batch([s.encode() for s in mh.shingles(docs[1])])
    assert m == mh.signatures_to_datasketch(sigs[1])
    assert q.jaccard(m) == pytest.approx(float((sigs[0] == sigs[1]).mean()))
