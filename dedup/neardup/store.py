"""store: the signatures of one signing pass, on disk, in doc order; rows read back on demand.

Every signed document has a global index (its rank by doc_id, given by the keys stage). The signing
tasks write their rows part by part (`sign.sign_part`); `assemble_block` puts them in doc order, one
raw `(rows, num_perm)` uint32 file per block of indices, plus the shingle counts. `SignatureStore`
reads rows of those files by index (`store[idx]`, as a numpy array would) through memory maps whose
pages are handed back to the kernel as reading goes on, so the resident memory of a reader stays
bounded however large the store: the verification, the chain guard and the similarity of each copy to
its canonical read only the rows they need.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dedup import spill
from dedup.text.sentences import EMPTY, Passages

META = "store.json"
RELEASE_BYTES = 32 * 2 ** 20  # growth of this process's resident memory before mapped pages are handed back
READ_STEP = 1024  # rows read between two checks of it


def _resident() -> int:
    """This process's resident memory in bytes (0 where /proc is missing: then never released early)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * mmap.PAGESIZE
    except (OSError, ValueError, IndexError):
        return 0


def block_path(folder: Path, block: int) -> Path:
    """The raw signature rows of one block."""
    return folder / f"block-{block:05d}.u32"


def sizes_path(folder: Path, block: int) -> Path:
    """The shingle counts of one block."""
    return folder / f"sizes-{block:05d}.npy"


def write_meta(folder: Path, n: int, num_perm: int, block_rows: int) -> None:
    """The store's shape; written before the blocks are assembled."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / META).write_text(json.dumps({"n": n, "num_perm": num_perm, "block_rows": block_rows}), "utf-8")


def n_blocks(n: int, block_rows: int) -> int:
    """How many blocks hold n rows."""
    return max(1, -(-n // block_rows))


PASSAGE_ARRAYS = ("offsets", "keys", "words", "blocks", "status", "site")


def passages_path(folder: Path, block: int, array: str) -> Path:
    """One array of one block's passages (`neardup/passages.py`): `offsets` (CSR, a row's passages are
    keys[offsets[r]:offsets[r + 1]]), `keys`, `words`, `blocks`, `status` (server-generated page) and `site` (`passages.site_key`)."""
    return folder / f"passages-{block:05d}-{array}.npy"


def _list_array(parts: list[np.ndarray], dtype: type, arrow_type: pa.DataType) -> pa.Array:
    """Arrays of one numpy type -> an Arrow list array (one list per array)."""
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    offsets = pa.array(np.r_[0, np.cumsum(lengths)].astype(np.int32), pa.int32())
    values: np.ndarray = np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)
    return pa.ListArray.from_arrays(offsets, pa.array(values, arrow_type))


def sig_table(doc: np.ndarray, sizes: np.ndarray, sigs: np.ndarray, hashes: list[str | None],
              languages: list[tuple[str | None, float | None]] | None = None,
              found: list[Passages] | None = None, status: np.ndarray | None = None,
              sites: np.ndarray | None = None) -> pa.Table:
    """Rows of signed documents as the signing tasks hand them on: doc (global index), size (shingle
    count), hash (of the signed text, or null), language and language_score (of the signed text, or
    null), sig (fixed-size list of num_perm uint32), the passages (keys, words, blocks: lists) and
    status (a server-generated page) and site (key of its domain)."""
    num_perm = sigs.shape[1]
    n = len(doc)
    flat = pa.array(np.ascontiguousarray(sigs, dtype=np.uint32).reshape(-1), type=pa.uint32())
    languages = languages or [(None, None)] * n
    found = found if found is not None else [EMPTY] * n
    status = status if status is not None else np.zeros(n, dtype=bool)
    sites = sites if sites is not None else np.zeros(n, dtype=np.uint64)
    return pa.table({"doc": pa.array(doc, pa.int64()), "size": pa.array(sizes, pa.int64()),
                     "hash": pa.array(hashes, pa.string()),
                     "language": pa.array([lang for lang, _ in languages], pa.string()),
                     "language_score": pa.array([score for _, score in languages], pa.float64()),
                     "sig": pa.FixedSizeListArray.from_arrays(flat, num_perm),
                     "passage_keys": _list_array([p.keys for p in found], np.uint64, pa.uint64()),
                     "passage_words": _list_array([p.words for p in found], np.uint16, pa.uint16()),
                     "passage_blocks": _list_array([p.blocks for p in found], np.uint16, pa.uint16()),
                     "status": pa.array(np.asarray(status, dtype=bool), pa.bool_()),
                     "site": pa.array(np.asarray(sites, dtype=np.uint64), pa.uint64())})


def sig_arrays(table: pa.Table, num_perm: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`sig_table` rows -> (doc, size, sigs (rows, num_perm) uint32)."""
    n = table.num_rows
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, num_perm), np.uint32)
    flat = table.column("sig").combine_chunks().values.to_numpy(zero_copy_only=False)
    return (table.column("doc").to_numpy().astype(np.int64), table.column("size").to_numpy().astype(np.int64),
            np.ascontiguousarray(flat, dtype=np.uint32).reshape(n, num_perm))


def assemble_block(folder: Path, block: int, part_files: list[Path]) -> int:
    """One block of the store from the signing tasks' files (group `block` of each): rows in doc
    order, a zero row (size 0) for an index no task signed. Returns the rows signed."""
    meta = json.loads((folder / META).read_text("utf-8"))
    n, num_perm, block_rows = meta["n"], meta["num_perm"], meta["block_rows"]
    first = block * block_rows
    rows = max(0, min(n, first + block_rows) - first)
    sigs = np.zeros((rows, num_perm), dtype=np.uint32)
    sizes = np.zeros(rows, dtype=np.int64)
    status = np.zeros(rows, dtype=bool)
    site = np.zeros(rows, dtype=np.uint64)
    counts = np.zeros(rows, dtype=np.int64)
    values: list[tuple[np.ndarray, pa.Table]] = []
    signed = 0
    for f in part_files:
        table = spill.read_group(f, block)
        doc, size, part_sigs = sig_arrays(table, num_perm)
        sigs[doc - first] = part_sigs
        sizes[doc - first] = size
        signed += len(doc)
        if "status" in table.column_names:  # a previous release's rows have no passages
            status[doc - first] = table.column("status").to_numpy(zero_copy_only=False)
            site[doc - first] = table.column("site").to_numpy(zero_copy_only=False)
            counts[doc - first] = pc.list_value_length(table.column("passage_keys")).to_numpy(zero_copy_only=False)
            values.append((doc - first, table.select(["passage_keys", "passage_words", "passage_blocks"])))
    _write_passages(folder, block, counts, values, status, site)
    _write_atomic(block_path(folder, block), sigs.tobytes())
    tmp = sizes_path(folder, block).with_name(f".sizes-{block:05d}.tmp.npy")
    np.save(tmp, sizes)
    tmp.replace(sizes_path(folder, block))
    return signed


def _write_passages(folder: Path, block: int, counts: np.ndarray, values: list[tuple[np.ndarray, pa.Table]],
                    status: np.ndarray, site: np.ndarray) -> None:
    """One block's passages in doc order (CSR: offsets into flat keys, words, blocks) and flags."""
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    keys = np.zeros(offsets[-1], np.uint64)
    words = np.zeros(offsets[-1], np.uint16)
    blocks = np.zeros(offsets[-1], np.uint16)
    for rows, table in values:
        lengths = counts[rows]
        if not lengths.sum():
            continue
        # where each flattened value goes: its row's offset plus its place in the row's list
        start = np.repeat(offsets[rows], lengths)
        place = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        at = start + place
        for target, name in ((keys, "passage_keys"), (words, "passage_words"), (blocks, "passage_blocks")):
            target[at] = pc.list_flatten(table.column(name)).to_numpy(zero_copy_only=False)
    for name, array in zip(PASSAGE_ARRAYS, (offsets, keys, words, blocks, status, site)):
        path = passages_path(folder, block, name)
        tmp = path.with_name(f".{path.stem}.tmp.npy")
        np.save(tmp, array)
        tmp.replace(path)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    tmp.replace(path)


class SignatureStore:
    """The signatures of one pass by global index, read from the block files: `store[idx]` is the
    (len(idx), num_perm) uint32 array of those rows, like `sigs[idx]` on the whole matrix."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        meta = json.loads((self.folder / META).read_text("utf-8"))
        self.n, self.num_perm, self.block_rows = meta["n"], meta["num_perm"], meta["block_rows"]
        self._maps: dict[int, tuple[mmap.mmap, np.ndarray]] = {}
        self._passage_maps: dict[int, dict[str, np.ndarray]] = {}
        self._size_maps: dict[int, np.ndarray] = {}
        self._resident_at_release = _resident()

    @property
    def shape(self) -> tuple[int, int]:
        return self.n, self.num_perm

    def __len__(self) -> int:
        return self.n

    def _block(self, b: int) -> np.ndarray:
        if b not in self._maps:
            path = block_path(self.folder, b)
            rows = min(self.n, (b + 1) * self.block_rows) - b * self.block_rows
            if rows <= 0 or path.stat().st_size == 0:
                self._maps[b] = (None, np.empty((0, self.num_perm), np.uint32))  # type: ignore[assignment]
            else:
                with open(path, "rb") as f:
                    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                self._maps[b] = (mm, np.frombuffer(mm, dtype=np.uint32).reshape(rows, self.num_perm))
        return self._maps[b][1]

    def __getitem__(self, idx: np.ndarray | slice | int) -> np.ndarray:
        if isinstance(idx, slice):
            idx = np.arange(*idx.indices(self.n))
        scalar = np.ndim(idx) == 0
        idx = np.atleast_1d(np.asarray(idx, dtype=np.int64))
        out = np.empty((len(idx), self.num_perm), dtype=np.uint32)
        if len(idx):
            if idx.min() < 0 or idx.max() >= self.n:
                raise IndexError(f"signature index out of range 0..{self.n - 1}")
            # a mapped page read stays resident until released, and a fault maps the whole folio readahead
            # brought in (up to megabytes on Linux 6.x, whatever the row's size): released whenever this
            # process has grown by RELEASE_BYTES since the last release, checked every READ_STEP rows
            for start in range(0, len(idx), READ_STEP):
                self._gather(idx[start:start + READ_STEP], out[start:start + READ_STEP])
                if _resident() - self._resident_at_release >= RELEASE_BYTES:
                    self.release()
        return out[0] if scalar else out

    def _gather(self, idx: np.ndarray, out: np.ndarray) -> None:
        blocks = idx // self.block_rows
        first, last = int(blocks.min()), int(blocks.max())
        if first == last:
            out[:] = self._block(first)[idx - first * self.block_rows]
            return
        for b in range(first, last + 1):
            mine = np.flatnonzero(blocks == b)
            if len(mine):
                out[mine] = self._block(b)[idx[mine] - b * self.block_rows]

    def sizes(self) -> np.ndarray:
        """The shingle count of every index (0: nothing signed, or no text left)."""
        parts = [np.load(sizes_path(self.folder, b)) for b in range(n_blocks(self.n, self.block_rows))]
        return np.concatenate(parts) if parts else np.empty(0, np.int64)

    def sizes_of(self, idx: np.ndarray) -> np.ndarray:
        """`sizes()[idx]` without reading every block's counts: a task's memory stays that of its rows."""
        return self._rows_of(idx, lambda b: self._sizes(b), np.int64)

    def status_of(self, idx: np.ndarray) -> np.ndarray:
        """`status()[idx]`, read from the blocks of those rows only."""
        return self._rows_of(idx, lambda b: self._passages(b)["status"], bool)

    def sites_of(self, idx: np.ndarray) -> np.ndarray:
        """`sites()[idx]`, read from the blocks of those rows only."""
        return self._rows_of(idx, lambda b: self._passages(b)["site"], np.uint64)

    def _sizes(self, block: int) -> np.ndarray:
        if block not in self._size_maps:
            self._size_maps[block] = np.load(sizes_path(self.folder, block), mmap_mode="r")
        return self._size_maps[block]

    def _rows_of(self, idx: np.ndarray, column: Callable[[int], np.ndarray], dtype: type) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        out: np.ndarray = np.empty(len(idx), dtype=dtype)
        if not len(idx):
            return out
        blocks = idx // self.block_rows
        for b in np.unique(blocks).tolist():
            mine = np.flatnonzero(blocks == b)
            out[mine] = column(b)[idx[mine] - b * self.block_rows]
        return out

    def status(self) -> np.ndarray:
        """Whether each index is a server-generated page (`serverpages.is_status_page`)."""
        parts = [self._passages(b)["status"] for b in range(n_blocks(self.n, self.block_rows))]
        return np.concatenate(parts) if parts else np.empty(0, bool)

    def sites(self) -> np.ndarray:
        """The site key of each index (`passages.site_key`; 0 where not known)."""
        parts = [self._passages(b)["site"] for b in range(n_blocks(self.n, self.block_rows))]
        return np.concatenate(parts) if parts else np.empty(0, np.uint64)

    def _passages(self, block: int) -> dict[str, np.ndarray]:
        """One block's passage arrays, memory-mapped (read as they are used)."""
        if block not in self._passage_maps:
            if not passages_path(self.folder, block, "offsets").exists():  # written before passages were kept
                rows = max(0, min(self.n, (block + 1) * self.block_rows) - block * self.block_rows)
                self._passage_maps[block] = {
                    "offsets": np.zeros(rows + 1, np.int64), "keys": np.empty(0, np.uint64),
                    "words": np.empty(0, np.uint16), "blocks": np.empty(0, np.uint16), "status": np.zeros(rows, bool),
                    "site": np.zeros(rows, np.uint64)}
            else:
                self._passage_maps[block] = {a: np.load(passages_path(self.folder, block, a), mmap_mode="r")
                                             for a in PASSAGE_ARRAYS}
        return self._passage_maps[block]

    def passages(self, idx: np.ndarray) -> list[Passages]:
        """The passages of the documents `idx` (in that order)."""
        idx = np.asarray(idx, dtype=np.int64)
        out: list[Passages] = [EMPTY] * len(idx)
        blocks = idx // self.block_rows
        for b in np.unique(blocks).tolist():
            data = self._passages(b)
            offsets = data["offsets"]
            for i in np.flatnonzero(blocks == b).tolist():
                row = int(idx[i]) - b * self.block_rows
                lo, hi = int(offsets[row]), int(offsets[row + 1])
                if hi > lo:
                    out[i] = Passages(np.array(data["keys"][lo:hi]), np.array(data["words"][lo:hi]),
                                      np.array(data["blocks"][lo:hi]))
            # unmapped as soon as its documents are read: the pages read stay resident while mapped, and a
            # chunk's documents are spread over every block
            del data, offsets
            self._passage_maps.pop(b, None)
        return out

    def release(self) -> None:
        """Hand the pages read so far back to the kernel (they stay in the page cache)."""
        for mm, _ in self._maps.values():
            if mm is not None and hasattr(mm, "madvise"):
                mm.madvise(mmap.MADV_DONTNEED)
        # the small per-block maps (counts, passages) are unmapped whole: reopened when next read
        self._passage_maps.clear()
        self._size_maps.clear()
        self._resident_at_release = _resident()

    def close(self) -> None:
        """Unmap every block."""
        self._passage_maps.clear()
        self._size_maps.clear()
        for b in list(self._maps):
            mm, arr = self._maps.pop(b)
            del arr
            if mm is not None:
                try:
                    mm.close()
                except BufferError:  # a row view handed out still points into it: the GC unmaps it
                    pass
