"""Scale, rounds 1 and 2 (docs/benchmarks.md, "scale: a million records"): a crawl of many identical records. The
candidate step held every band's pairs of one bucket before deduplicating them (64 copies of the same 2(k-1)
pairs), and the select stage read every member's signature to compare exact copies whose similarity is 1.0
whatever their signatures. Round 2: a signing task signs its part in slices, with the same files. Short fixtures
built here.
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pyarrow as pa
import pytest

from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.select import similarity

_STORY = ("The harbour board met on Tuesday and agreed the repairs to the north pier, which the winter storms "
          "had cut in two places, and the work will start in the spring.")
_COPIES = 2_000


@pytest.fixture(scope="module")
def copies_build(tmp_path_factory):
    """A JSONL crawl of 2,000 records of one text (ids c0000..c1999, written in reverse), a distinct story and a
    line of bad JSON, built once."""
    folder = tmp_path_factory.mktemp("copies")
    crawl = folder / "crawl"
    crawl.mkdir()
    lines = [json.dumps({"id": f"c{i:04d}", "text": _STORY}) for i in reversed(range(_COPIES))]
    lines += [json.dumps({"id": "other", "text": "A different story about the council's budget vote " * 4}), "{bad"]
    (crawl / "r.jsonl").write_text("\n".join(lines) + "\n")
    out = folder / "out"
    build([str(crawl)], out, BuildConfig(), workers=1)
    return out


def test_identical_records_form_one_cluster_with_every_record_in_one_place(copies_build):
    data = pl.read_parquet(copies_build / "data" / "**" / "*.parquet")
    dups = pl.read_parquet(copies_build / "duplicates" / "*.parquet")
    rejects = pl.read_parquet(copies_build / "rejects" / "*.parquet")
    places = data["doc_id"].to_list() + dups["doc_id"].to_list() + rejects["doc_id"].to_list()
    assert len(places) == len(set(places)) == _COPIES + 2  # every record once: the copies, the other, the bad line
    assert rejects.height == 1 and rejects["reason"].to_list() == ["bad_json"]
    canon = data.filter(pl.col("doc_id") == "c0000")
    assert canon.height == 1 and canon["cluster_size"].to_list() == [_COPIES]  # the smallest id, though read last
    assert data.filter(pl.col("doc_id") == "other")["cluster_size"].to_list() == [1]
    assert dups.height == _COPIES - 1
    assert set(dups["canonical_doc_id"]) == {"c0000"} and set(dups["cluster_id"]) == set(canon["cluster_id"])
    assert set(dups["match"]) == {"exact"} and set(dups["similarity_to_canonical"]) == {1.0}
    run = json.loads((copies_build / "run.json").read_text())
    assert run["counts"]["duplicates"] == _COPIES - 1


def test_similarity_reads_signatures_of_near_copies_only():
    # exact copies (equal text hashes) are 1.0 without their signatures; a near copy gets the MinHash estimate
    decisions = pl.DataFrame({"doc_id": ["a", "b", "c", "d"], "is_canonical": [True, False, False, False],
                              "canonical_doc_id": ["a", "a", "a", "a"]})
    hashes = pl.DataFrame({"doc_id": ["a", "b", "c", "d"], "text_hash": ["h", "h", "h2", None]})
    docs = pl.DataFrame({"doc_id": ["a", "b", "c", "d"], "doc": [7, 3, 9, 5]})
    sigs = {7: [1, 2, 3, 4], 3: [1, 2, 3, 4], 9: [1, 2, 0, 0], 5: [0, 0, 0, 4]}
    asked: list[list[int]] = []

    def read(idx: np.ndarray) -> np.ndarray:
        asked.append(idx.tolist())
        return np.asarray([sigs[i] for i in idx.tolist()], dtype=np.uint32)

    out = similarity(decisions, hashes, docs, read).sort("doc_id")
    assert asked == [[5, 7, 9]]  # b, the exact copy, is never read
    assert out["similarity_to_canonical"].to_list() == [None, 1.0, 0.5, 0.25]
    assert out["match"].to_list() == [None, "exact", "near", "near"]


def test_groups_written_one_at_a_time_are_the_file_sorting_them_writes(tmp_path):
    # the signing task's band file is written group by group now: the same bytes as `write_grouped` of the whole
    from dedup import spill

    rng = np.random.default_rng(3)
    groups = [-3, -1, 0, 5]
    parts = {g: rng.integers(0, 2**63, size=n, dtype=np.uint64) for g, n in zip(groups, (4, 7, 1, 9))}
    schema = pa.schema([("key", pa.uint64())])
    whole = np.concatenate([parts[g] for g in reversed(groups)])
    numbers = np.concatenate([np.full(len(parts[g]), g) for g in reversed(groups)])
    spill.write_grouped(pa.table({"key": pa.array(whole, pa.uint64())}), numbers, tmp_path / "sorted.arrow")
    spill.write_groups(schema, groups, (pa.table({"key": parts[g]}) for g in groups), tmp_path / "groups.arrow")
    assert (tmp_path / "sorted.arrow").read_bytes() == (tmp_path / "groups.arrow").read_bytes()
    assert spill.read_group(tmp_path / "groups.arrow", 5).column("key").to_numpy().tolist() == parts[5].tolist()
    with pytest.raises(ValueError, match="not ascending"):
        spill.write_groups(schema, [1, 0], iter([]), tmp_path / "x.arrow")
    with pytest.raises(ValueError, match="0 rows"):
        spill.write_groups(schema, [0], iter([schema.empty_table()]), tmp_path / "x.arrow")


def test_a_part_signed_in_slices_gives_the_files_of_one_slice(tmp_path, monkeypatch):
    # round 2: a signing task signs its part SIGN_SLICE_ROWS rows at a time, each slice's signature rows in a file of
    # their own merged group by group: the task's two files must be the bytes of the part signed in one slice, in
    # both signing passes, with one store block or several (a slice's rows spread over the blocks)
    from conftest import SAMPLE_SMALL

    from dedup import globalstages
    from dedup.neardup import sign

    real = sign.sign_part
    compared: list[int] = []

    def sign_twice(*args):
        rows = real(*args)
        head, (sig_file, band_file), tail = args[:5], args[8:10], args[10:]
        for block_rows in (args[5], 5):
            files = []
            for slice_rows in (7, 10**6):
                out = tmp_path / f"b{block_rows}-s{slice_rows}"
                assert real(*head, block_rows, *args[6:8], out / sig_file.name, out / band_file.name, *tail,
                            slice_rows=slice_rows) == rows
                files.append([(out / f.name).read_bytes() for f in (sig_file, band_file)])
            assert files[0] == files[1]
        compared.append(rows)
        return rows

    monkeypatch.setattr(globalstages, "sign_part", sign_twice)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / SAMPLE_SMALL.name).write_bytes(SAMPLE_SMALL.read_bytes())
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    assert len(compared) == 2 and min(compared) > 2 * 7  # both passes, each in three slices at least
