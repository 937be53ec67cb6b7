"""Hostile input, round 10: UTF-16/32 text of other scripts without a byte order mark, segmented records across
the files of a crawl, and the other leftovers of round 9."""
from __future__ import annotations

from collections import Counter

import pytest
from test_hostile_builds import ingested, warc_response

from dedup.sources.inputs import detect_format
from dedup.sources.textbytes import decode_text as _decode_text

# running text of several scripts, each about 1 KiB or more once encoded (the detector reads the first 1 KiB)
SCRIPTS = {
    "russian": ("Городской совет собрался во вторник и решил отремонтировать северный причал до зимних штормов. "
                "Владельцы кафе на набережной попросили принять решение до начала летнего сезона, потому что "
                "ремонт закроет половину прогулочной зоны. Инженеры обещали закончить работы за шесть недель. ") * 3,
    "arabic": ("اجتمع مجلس المدينة يوم الثلاثاء وقرر إصلاح الرصيف الشمالي قبل عواصف الشتاء. وطلب أصحاب المقاهي "
               "على الواجهة البحرية اتخاذ القرار قبل بداية موسم الصيف، لأن الإصلاح سيغلق نصف منطقة التنزه. ") * 3,
    "chinese": ("市议会星期二开会，决定在冬季风暴到来之前修复北码头。海滨咖啡馆的老板们要求在夏季开始之前作出决定，"
                "因为维修工程将关闭一半的步行区。工程师们承诺在六个星期内完成工作，并且每天公布进度。") * 4,
    "japanese": ("市議会は火曜日に会合を開き、冬の嵐が来る前に北側の桟橋を修理することを決めました。海岸のカフェの"
                 "経営者たちは、工事で遊歩道の半分が閉鎖されるため、夏のシーズンが始まる前に決定するよう求めました。") * 4,
    "greek": ("Το δημοτικό συμβούλιο συνεδρίασε την Τρίτη και αποφάσισε να επισκευάσει τη βόρεια προβλήτα πριν "
              "από τις χειμερινές καταιγίδες. Οι ιδιοκτήτες καφέ ζήτησαν απόφαση πριν από το καλοκαίρι. ") * 3,
    "korean": ("시의회는 화요일에 회의를 열고 겨울 폭풍이 오기 전에 북쪽 부두를 수리하기로 결정했습니다. 해안의 카페 "
               "주인들은 공사로 산책로의 절반이 닫히기 때문에 여름 시즌이 시작되기 전에 결정해 달라고 요청했습니다. ") * 4,
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("declared", [None, "utf-8"])
def test_wide_text_of_other_scripts_without_a_mark_is_read(script: str, encoding: str, declared: str | None) -> None:
    """Round 8 read UTF-16/32 text without a byte order mark only when half of its characters were ASCII: Russian,
    Arabic, Chinese... in UTF-16 were published as their code units read as UTF-8 (`\\x1f\\x04@\\x04...`, or
    replacement characters). Such text is read as what it is when its units hold text of one script."""
    text = SCRIPTS[script]
    assert _decode_text(text.encode(encoding), declared) == text


@pytest.mark.parametrize("script, codec", [("chinese", "gbk"), ("chinese", "gb18030"), ("japanese", "shift_jis"),
                                           ("japanese", "euc_jp"), ("korean", "euc_kr"), ("russian", "cp1251"),
                                           ("russian", "koi8_r"), ("greek", "iso8859_7"), ("arabic", "cp1256")])
def test_legacy_encodings_are_not_taken_for_wide_text(script: str, codec: str) -> None:
    """The bytes of a legacy 8-bit or double-byte encoding are no UTF-16: declared, they are read by their
    charset as before; undeclared, as UTF-8 with replacement characters as before (no reading of units)."""
    data = SCRIPTS[script].encode(codec)
    assert _decode_text(data, codec) == SCRIPTS[script]
    assert _decode_text(data, None) == data.decode("utf-8", errors="replace")


def test_binary_and_utf8_stay_as_they_were() -> None:
    noise = bytes((n * 2654435761 >> 13) & 0xFF for n in range(4000))
    assert _decode_text(noise, None) == noise.decode("utf-8", errors="replace")
    for text in SCRIPTS.values():
        assert _decode_text(text.encode(), None) == text
        assert _decode_text(text.encode(), "utf-8") == text


def test_wide_text_records_of_other_scripts_give_the_blocks_of_their_utf8(tmp_path) -> None:
    """Through the reader and the extraction: a WARC text/plain record in UTF-16 (no mark) of Russian or Chinese
    gives the blocks its UTF-8 gives."""
    records = []
    for n, script in enumerate(("russian", "chinese")):
        text = SCRIPTS[script].replace("。", "。\n\n", 1).replace(". ", ".\n\n", 1)
        records.append(warc_response(f"<urn:uuid:u{n}>", f"https://u.test/{n}", text.encode(), "text/plain"))
        records.append(warc_response(f"<urn:uuid:w{n}>", f"https://w.test/{n}", text.encode("utf-16-le"),
                                     "text/plain"))
    (tmp_path / "t.warc").write_bytes(b"".join(records))
    out = ingested(tmp_path / "t.warc", detect_format(tmp_path / "t.warc"), tmp_path)
    assert [r["reject_reason"] for r in out] == [None] * 4
    assert out[0]["blocks"] and out[1]["blocks"] == out[0]["blocks"]
    assert out[2]["blocks"] and out[3]["blocks"] == out[2]["blocks"]


def test_a_record_segmented_across_two_files_is_two_rejects_that_say_how_to_join_it(tmp_path) -> None:
    """Each file is read on its own (one `docs` part, in any worker, `source_offset` within it), so a record whose
    segments go on in the crawl's next file is not joined (decided in round 10: the build would have to read files
    in pairs, across workers). Both halves say so and how to read it: the files joined with `cat`,
    which the reader joins whole (per-record gzip members concatenated stay a valid `.warc.gz`)."""
    import gzip
    import json

    import pyarrow.parquet as pq
    from test_hostile_round4 import rows
    from test_hostile_round8 import RECORDS, segmented

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    first, rest = segmented(7, 3, keep={1, 2}), segmented(7, 3, keep={3})
    (crawl / "x-00000.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in (RECORDS[0], first)))
    (crawl / "x-00001.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in (rest, RECORDS[1])))
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["accounting_ok"] is True
    assert run["rejects_by_reason"] == {"orphan_segment": 1, "truncated_record": 1}
    details = {r["reason"]: r["detail"] for r in pq.read_table(tmp_path / "out" / "rejects").to_pylist()}
    assert "the file ends before segment 3" in details["truncated_record"]
    assert "next file" in details["truncated_record"] and "cat " in details["truncated_record"]
    assert "earlier file" in details["orphan_segment"] and "cat " in details["orphan_segment"]
    joined = tmp_path / "joined.warc.gz"
    joined.write_bytes((crawl / "x-00000.warc.gz").read_bytes() + (crawl / "x-00001.warc.gz").read_bytes())
    out = rows(joined)
    assert [(r["doc_id"], r["reject_reason"]) for r in out] == [
        ("<urn:uuid:s0>", None), ("<urn:uuid:seg7>", None), ("<urn:uuid:s1>", None)]


@pytest.mark.slow  # two withheld builds and rehydrates (~5 s); the quick set keeps the rehydrate tests of one crawl
def test_crawls_whose_files_share_names_are_rehydrated_together(tmp_path) -> None:
    """Two crawls with files of the same name (a/x.warc.gz, b/x.warc.gz), built from their common folder, and a
    release built on a previous one whose crawl named its file the same: `rehydrate --crawl a --crawl b` stopped
    with "two inputs share the name" (and a copy of both folders elsewhere restored nothing: the base name
    matched two files). Every file a record's name may be is tried, the record's id at its offset telling them
    apart."""
    import shutil

    import polars as pl

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    from dedup.rehydrate import rehydrate
    from dedup.release.package import package
    from test_rehydrate import SAMPLE
    classes = ("open", "nc", "nd", "all-rights-reserved", "noassertion")
    parent = tmp_path / "crawls"
    for sub, name in (("a", "sample-00000.warc.gz"), ("b", "sample-00001.warc.gz")):
        (parent / sub).mkdir(parents=True)
        shutil.copy(SAMPLE / name, parent / sub / "x.warc.gz")
    out = tmp_path / "out"
    build([str(parent)], out, BuildConfig(withhold_text=classes), workers=1)
    moved = tmp_path / "moved"
    shutil.copytree(parent, moved / "elsewhere")
    for n, crawl in enumerate(([str(parent)], [str(parent / "a"), str(parent / "b")],
                               [str(moved / "elsewhere" / "a"), str(moved / "elsewhere" / "b")])):
        report = rehydrate(out, crawl, tmp_path / f"r{n}")
        assert report.not_restored == {} and report.restored == report.withheld > 20, (crawl, report)
    # a release on a previous one: both crawls' files are x.warc.gz, given as two folders
    first, second = tmp_path / "first", tmp_path / "second"
    build([str(parent / "a")], first, BuildConfig(withhold_text=classes), workers=1)
    package(first, name="sample")
    build([str(parent / "b")], second, BuildConfig(withhold_text=classes), workers=1, previous=first)
    rows = pl.read_parquet(sorted((second / "data").rglob("*.parquet")))
    assert rows["source_file"].unique().to_list() == ["x.warc.gz"]
    report = rehydrate(second, [str(parent / "a"), str(parent / "b")], tmp_path / "r-previous")
    assert report.not_restored == {} and report.restored == report.withheld == rows.height


def test_a_file_whose_name_lies_about_its_format_is_read_as_what_it_holds(tmp_path) -> None:
    """Names of JSONL and Parquet files were trusted: a Parquet file named `.jsonl` was a `bad_json` reject, a WARC
    named `.jsonl.gz` a `bad_json` per line, JSON Lines named `.parquet` one `unknown_format` reject (and a
    `.warc.gz` holding JSON Lines one too): their records were lost. The content tells the format now, as it
    already did for the WARC family and for compression (a `.warc.gz` that is zstd)."""
    import gzip
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq
    from test_hostile_builds import html_page

    from dedup.sources.inputs import expand_inputs
    pages = [html_page(f"Liar {n}", n) for n in range(2)]
    lines = "".join(json.dumps({"id": f"j{n}", "url": f"https://j.test/{n}", "html": p}) + "\n"
                    for n, p in enumerate(pages)).encode()
    warc_bytes = b"".join(warc_response(f"<urn:uuid:w{n}>", f"https://w.test/{n}", p.encode())
                          for n, p in enumerate(pages))
    honest = tmp_path / "honest"
    honest.mkdir()
    pq.write_table(pa.table({"id": ["p0", "p1"], "url": ["https://p.test/0", "https://p.test/1"], "html": pages}),
                   honest / "x.parquet")
    (honest / "x.jsonl").write_bytes(lines)
    (honest / "x.warc").write_bytes(warc_bytes)
    liars = tmp_path / "liars"
    liars.mkdir()
    cases = {"parquet-as.jsonl": ("x.parquet", (honest / "x.parquet").read_bytes()),
             "parquet-as.jsonl.gz": ("x.parquet", (honest / "x.parquet").read_bytes()),
             "warc-as.jsonl.gz": ("x.warc", gzip.compress(warc_bytes)),
             "warc-as.jsonl": ("x.warc", warc_bytes),
             "jsonl-as.parquet": ("x.jsonl", lines),
             "jsonlgz-as.parquet": ("x.jsonl", gzip.compress(lines)),
             "warc-as.parquet": ("x.warc", warc_bytes),
             "jsonl-as.warc.gz": ("x.jsonl", gzip.compress(lines)),
             "jsonl-as.warc": ("x.jsonl", lines)}
    for name, (_, data) in cases.items():
        (liars / name).write_bytes(data)
    expect = {}
    for name in ("x.parquet", "x.jsonl", "x.warc"):
        expect[name] = [(r["doc_id"], r["reject_reason"], r["blocks"])
                        for r in ingested(honest / name, detect_format(honest / name), tmp_path)]
    listed = {f.name: f for f in expand_inputs([str(liars)])}
    assert sorted(listed) == sorted(cases)
    for name, (truth, _) in cases.items():
        got = [(r["doc_id"], r["reject_reason"], r["blocks"])
               for r in ingested(liars / name, listed[name].format, tmp_path)]
        assert got == expect[truth], name


def test_a_record_length_past_the_end_of_its_file_is_counted_when_its_http_body_is_whole(tmp_path) -> None:
    """A record whose Content-Length runs past the end of its file but whose HTTP body is whole by its own
    Content-Length is kept (an ARC quirk after line-end conversion): it was kept without a word; it is counted in
    run.json's `tolerated` (`record_length_past_end`) now. A body the end cut is a `truncated_record` as before."""
    import gzip
    import json

    from test_hostile_builds import html_page

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    whole = warc_response("<urn:uuid:l0>", "https://l.test/0", html_page("Length 0", 0).encode())
    last = warc_response("<urn:uuid:l1>", "https://l.test/1", html_page("Length 1", 1).encode())
    head, sep, rest = last.partition(b"\r\n\r\n")
    length = head.split(b"Content-Length: ")[-1]
    lying = head.replace(b"Content-Length: " + length, b"Content-Length: " + str(int(length) + 5000).encode())
    (crawl / "a.warc").write_bytes(whole + lying + sep + rest)
    (crawl / "b.warc.gz").write_bytes(gzip.compress(whole.replace(b"l0", b"m0")) + gzip.compress(
        lying.replace(b"l1", b"m1") + sep + rest))
    (crawl / "c.warc").write_bytes(whole.replace(b"l0", b"n0") + lying.replace(b"l1", b"n1") + sep + rest[:-300])
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["accounting_ok"] is True
    assert run["tolerated"] == {"record_length_past_end": 2}
    assert run["rejects_by_reason"] == {"truncated_record": 1}


def test_a_warc_field_given_twice_is_its_value_when_the_copies_agree_and_a_reject_when_type_or_url_differ(
        tmp_path) -> None:
    """The header parser joined a field given twice with ', ' (as HTTP does): a WARC-Target-URI given twice was
    published as the URL `https://a.test/1,%20https://a.test/1`, a WARC-Date given twice lost the fetch time,
    and two different WARC-Types (`response, request`) or URLs were read in silence. Copies that agree are that
    value now (as WARC-Record-ID and Content-Length already were); two different URLs or types are a
    `bad_warc_header` reject that names them; two different dates leave the fetch time unknown (counted)."""
    from collections import Counter

    from test_hostile_builds import html_page
    from test_hostile_round4 import rows
    records = []
    cases = [("WARC-Target-URI: https://a.test/{n}\r\n", None), ("WARC-Target-URI: https://b.test/{n}\r\n",
                                                                   "WARC-Target-URI given more than once"),
             ("WARC-Type: response\r\n", None), ("WARC-Type: request\r\n", "WARC-Type given more than once"),
             ("WARC-Date: 2024-01-02T03:04:05Z\r\n", None), ("WARC-Date: 2025-01-02T03:04:05Z\r\n", None)]
    for n, (extra, _) in enumerate(cases):
        rec = warc_response(f"<urn:uuid:f{n}>", f"https://a.test/{n}", html_page(f"Fields {n}", n).encode())
        records.append(rec.replace(b"WARC-Date:", extra.format(n=n).encode() + b"WARC-Date:", 1))
    path = tmp_path / "fields.warc"
    path.write_bytes(b"".join(records))
    stats: Counter = Counter()
    out = rows(path, stats)
    assert [r["doc_id"] for r in out] == [f"<urn:uuid:f{n}>" for n in range(len(cases))]
    for row, (_, words) in zip(out, cases):
        if words is None:
            assert row["reject_reason"] is None, row
        else:
            assert row["reject_reason"] == "bad_warc_header" and words in row["reject_detail"], row
    assert out[0]["url"] == "https://a.test/0"
    assert out[4]["fetched_at"] is not None and out[5]["fetched_at"] is None
    assert stats["fetched_at.unreadable"] == 1


def test_parquet_ids_of_bytes_and_uuids_keep_their_identity(tmp_path) -> None:
    """A Parquet `id` stored as bytes that are no UTF-8 became U+FFFD where the bytes were: two records with the
    ids b'\\xff1' and b'\\xfe1' became one id, the second a `repeated_doc_id` reject. An `id` of the Parquet
    UUID type (DuckDB, Spark, Iceberg write it) or stored as fixed-size bytes was a `missing_id` reject for every
    row ("`id` is a UUID value"). Bytes that are no UTF-8 are kept with each such byte as `\\xNN` (counted in
    run.json's `tolerated.id_not_utf8`); a UUID is its usual text; fixed-size bytes are read as bytes."""
    import json
    import uuid

    import pyarrow as pa
    import pyarrow.parquet as pq
    from test_hostile_builds import html_page

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    pages = [html_page(f"Bytes id {n}", n) for n in range(7)]
    pq.write_table(pa.table({"id": pa.array([b"\xff1", b"\xfe1", b"ok"], pa.binary()), "html": pages[:3]}),
                   crawl / "bytes.parquet")
    pq.write_table(pa.table({"id": pa.array([b"abcd", b"\x00\x01\x02\xff"], pa.binary(4)), "html": pages[3:5]}),
                   crawl / "fixed.parquet")
    ids = [uuid.UUID(int=5), uuid.UUID("12345678-1234-5678-1234-567812345678")]
    pq.write_table(pa.table({"id": pa.array([u.bytes for u in ids], pa.uuid()), "html": pages[5:]}),
                   crawl / "uuid.parquet")
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["accounting_ok"] is True
    assert run["rejects_by_reason"] == {}
    assert run["tolerated"] == {"id_not_utf8": 3}
    kept = {r["doc_id"] for r in pq.read_table(tmp_path / "out" / "data").to_pylist()}
    kept |= {r["doc_id"] for r in pq.read_table(tmp_path / "out" / "duplicates").to_pylist()}
    assert kept == {"\\xff1", "\\xfe1", "ok", "abcd", "\x00\x01\x02\\xff", str(ids[0]), str(ids[1])}


def test_jsonl_ids_with_broken_utf8_or_lone_surrogates_keep_their_identity(tmp_path) -> None:
    """A JSONL line is decoded with U+FFFD for broken UTF-8, and a JSON escape of half a surrogate pair became
    U+FFFD too: ids that differ only there (b'\\xff1' and b'\\xfe1'; '\\ud800x' and '\\udbffx') became one, the
    others `repeated_doc_id` rejects. Such an id keeps those bytes as `\\xNN` and such escapes as `\\uXXXX`
    (counted in `tolerated.id_not_utf8`); the rest of the record is read as before."""
    import json

    import pyarrow.parquet as pq
    from test_hostile_builds import html_page

    from dedup.config import BuildConfig
    from dedup.pipeline import build
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    ids = [b'"\xff1"', b'"\xfe1"', b'"\\ud800x"', b'"\\udbffx"', b'"plain"']
    (crawl / "ids.jsonl").write_bytes(b"".join(
        b'{"id": ' + raw + b', "html": ' + json.dumps(html_page(f"Odd id {n}", n)).encode() + b"}\n"
        for n, raw in enumerate(ids)))
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["accounting_ok"] is True and run["rejects_by_reason"] == {}
    assert run["tolerated"] == {"id_not_utf8": 4}
    kept = {r["doc_id"] for r in pq.read_table(tmp_path / "out" / "data").to_pylist()}
    kept |= {r["doc_id"] for r in pq.read_table(tmp_path / "out" / "duplicates").to_pylist()}
    assert kept == {"\\xff1", "\\xfe1", "\\ud800x", "\\udbffx", "plain"}


LYING_LENGTHS = (("huge", 10 ** 12, 0), ("over", 10 ** 6, 0), ("over-cut", 10 ** 12, 300), ("small", 10 ** 12, 0))


def read_lying_lengths(tmp_path, suffix: str, file_bytes, small_limit: int, key: str) -> dict:
    """Each of LYING_LENGTHS (name, the length claimed by the last record, bytes cut off its end) written by
    `file_bytes(claimed, cut)` and read with max_payload 50 MiB ('small': `small_limit`): name -> ([(row[key],
    reject_reason)], tolerated.record_length_past_end). Shared by the WARC and ARC forms of the rule."""
    from dedup.sources.read import read_warc
    out = {}
    for name, claimed, cut in LYING_LENGTHS:
        path = tmp_path / f"{name}{suffix}"
        path.write_bytes(file_bytes(claimed, cut))
        stats: Counter = Counter()
        rows = [r for b in read_warc(path, path.name, stats, small_limit if name == "small" else 50 * 2 ** 20)
                for r in b.to_pylist()]
        out[name] = ([(r[key], r["reject_reason"]) for r in rows], stats["tolerated.record_length_past_end"])
    return out


def test_a_length_past_max_payload_and_past_the_end_of_the_file_is_read_as_a_smaller_one_is(tmp_path) -> None:
    """A Content-Length over max_payload that runs past the end of its file was a `payload_too_large` reject even
    when the bytes there are a whole record (its HTTP body complete by its own length), which a length under
    max_payload keeps: the file ends first, so what is there is read as a record the end of its file cut. A
    record whose bytes there are over max_payload stays `payload_too_large`."""
    from test_hostile_builds import html_page

    whole = warc_response("<urn:uuid:m0>", "https://m.test/0", html_page("Max 0", 0).encode())
    last = warc_response("<urn:uuid:m1>", "https://m.test/1", html_page("Max 1", 1).encode())
    head, sep, rest = last.partition(b"\r\n\r\n")
    length = head.split(b"Content-Length: ")[-1]

    def file_bytes(claimed: int, cut: int) -> bytes:
        lying = head.replace(b"Content-Length: " + length, b"Content-Length: " + str(claimed).encode())
        return whole + lying + sep + (rest[:-cut] if cut else rest)

    out = read_lying_lengths(tmp_path, ".warc", file_bytes, len(rest) // 2, "doc_id")
    assert out["huge"] == ([("<urn:uuid:m0>", None), ("<urn:uuid:m1>", None)], 1)
    assert out["over"] == ([("<urn:uuid:m0>", None), ("<urn:uuid:m1>", None)], 1)
    assert out["over-cut"] == ([("<urn:uuid:m0>", None), ("<urn:uuid:m1>", "truncated_record")], 0)
    assert out["small"][0] == [("<urn:uuid:m0>", "payload_too_large"), ("<urn:uuid:m1>", "payload_too_large")]


def test_a_missing_id_detail_names_the_value_type_without_calling_parquet_json():
    # a Parquet row's id is no JSON value: the detail names its type and what an id must be
    from dedup.sources.objectrows import object_row
    row = object_row({"id": 1.5, "text": "x"}, "p.parquet", 0, 1 << 20, Counter())
    assert row["reject_reason"] == "missing_id"
    assert "is a JSON" not in row["reject_detail"] and "float" in row["reject_detail"] and "string or an integer" in \
        row["reject_detail"]
