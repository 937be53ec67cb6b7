"""Words of scripts written without spaces (`dedup/text/wordcount.py`) and what the block features and the
extraction make of them: a paragraph of Chinese is a paragraph, not one word (docs/extraction.md, round 9)."""

from __future__ import annotations

import gzip
import importlib.util
import math

import pytest

from dedup.text.blockfeatures import FEATURE_NAMES, LONG_PARAGRAPH_WORDS, block_features
from dedup.text.blockmodel import prose_words
from dedup.text.cleaning import heading_line, section_headings
from dedup.text.extract import decode_html, extract_html
from dedup.text.layout import Line
from dedup.text.wordcount import (BRAHMIC_CHARS_PER_WORD, HAN_KANA_CHARS_PER_WORD, spaceless_commas,
                                  spaceless_words, word_count)

from conftest import REPO, shared_path

# a Chinese news paragraph: 98 Han characters, 7 commas (six ， and one 、) and 3 full stops
ZH = ("中共中央总书记、国家主席江泽民发表一九九八年新年讲话，向全国各族人民致以新年的祝贺。"
      "他说，一九九七年是我国发展进程中很不平凡的一年，我们胜利召开了党的十五大。"
      "展望新的一年，我们充满信心，全国人民要团结一致，继续前进。")


def test_text_with_spaces_is_counted_by_them():
    for text in ("The quick brown fox.", "Über die Brücke, sagte sie", "Привет мир", "한국어 는 띄어쓰기 를 한다",
                 "“Curly quotes” and an ellipsis…", ""):
        assert spaceless_words(text) is None
        assert word_count(text) == len(text.split())


def test_han_and_kana_count_in_word_equivalents():
    assert spaceless_words("子どもへの体罰を禁止する法律ができる") == pytest.approx(18 / HAN_KANA_CHARS_PER_WORD)
    han = sum("\u4e00" <= c <= "\u9fff" for c in ZH)
    assert han == 98
    assert spaceless_words(ZH) == pytest.approx(98 / HAN_KANA_CHARS_PER_WORD)  # punctuation is no word
    assert spaceless_words(ZH) >= LONG_PARAGRAPH_WORDS
    assert spaceless_commas(ZH) == 7
    # the runs between spaces and those characters count as words: '2024', '1', '5', 'Apple', 'iPhone' (年, 月,
    # 日 and 发布 in word-equivalents)
    assert spaceless_words("2024年1月5日 Apple 发布 iPhone") == pytest.approx(5 + 5 / HAN_KANA_CHARS_PER_WORD)


def test_thai_counts_in_word_equivalents():
    assert spaceless_words("สวัสดีครับ") == pytest.approx(10 / BRAHMIC_CHARS_PER_WORD)


def test_block_features_see_a_chinese_paragraph_as_prose():
    X = block_features([Line("新闻", "h1", 0, 0), Line(ZH, "p", 0, 0)], None)
    row = dict(zip(FEATURE_NAMES, X[1]))
    assert row["log_words"] == pytest.approx(math.log1p(98 / HAN_KANA_CHARS_PER_WORD))
    assert row["ends_sentence"] == 1.0
    assert row["commas_per_word"] == pytest.approx(7 / (98 / HAN_KANA_CHARS_PER_WORD))
    assert row["win_long_paragraphs"] > 0  # a long paragraph: the story's body
    assert row["span6_inside"] == 1.0
    assert prose_words([Line(ZH, "p", 0, 0)]) == pytest.approx(98 / HAN_KANA_CHARS_PER_WORD)


def test_an_english_line_keeps_its_features():
    text = "He said, the vote was close, and it was."
    row = dict(zip(FEATURE_NAMES, block_features([Line(text, "p", 0, 0)], None)[0]))
    assert row["log_words"] == math.log1p(9)
    assert row["commas_per_word"] == 2 / 9
    assert row["mean_word_len"] == (len(text) - 8) / 9


def test_headings_and_headlines_in_chinese():
    assert section_headings([Line("背景", "h2", 0, 0), Line(ZH, "p", 0, 0)]) == ["背景"]
    assert heading_line("江泽民发表新年讲话", ZH)


def _bench_scripts():
    spec = importlib.util.spec_from_file_location("bench_scripts", REPO / "scripts" / "bench_scripts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["R744", "R94"])
def test_a_transplanted_real_page_keeps_its_story(page):
    """A real dragnet page and its gold rewritten into a script without spaces (scripts/bench_scripts.py):
    the story is kept as on the original. Before round 9 the transplant kept a tenth of it (character
    bigram F1 0.06 and 0.08 against 0.999 and 0.990 on the originals): its paragraphs counted as one word
    each."""
    root = shared_path("corpora", "dragnet")
    bench = _bench_scripts()
    html = decode_html(gzip.decompress((root / "input" / f"{page}.html.gz").read_bytes()))
    gold_raw = (root / "GoldStandard" / f"{page}.txt").read_bytes()
    gold = gold_raw.decode("utf-8", "replace").split("!@#$%^&*()  COMMENTS")[0]
    assert bench.bigram_prf(extract_html(html).text, gold)[2] >= 0.9
    transplanted = bench.transplant_html(html)
    assert bench.spaceless_share(bench.transplant_text(gold)) > 0.5
    assert bench.bigram_prf(extract_html(transplanted).text, bench.transplant_text(gold))[2] >= 0.9


def test_a_chinese_paragraph_is_no_short_block_for_the_cross_story_pass():
    """A short block seen in 4+ different stories is chrome whatever site carries it; a Chinese paragraph has
    no space, and by spaces it was a short block: in scripts/bench_chinese.py's words-only build two story
    pages lost every paragraph that way (rejected `no_text`)."""
    from dedup.text.blocks import _short_spaceless
    from dedup.text.normalise import normalise_text

    assert _short_spaceless(normalise_text("（责任编辑：王明）"))
    assert not _short_spaceless(normalise_text(ZH.split("。")[0]))
    assert _short_spaceless("more business stories")
