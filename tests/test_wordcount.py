"""Words of scripts written without spaces (`dedup/text/wordcount.py`) and what the block features and the
extraction make of them: a paragraph of Chinese is a paragraph, not one word (docs/extraction.md, round 9)."""

from __future__ import annotations

import gzip
import importlib.util
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.text.blockfeatures import CASELESS_CAPITAL_RATE, FEATURE_NAMES, LONG_PARAGRAPH_WORDS, block_features
from dedup.text.blockmodel import prose_words
from dedup.text.cleaning import heading_line, section_headings
from dedup.text.extract import extract_html
from dedup.text.pagechecks import decode_html
from dedup.text.layout import Line
from dedup.text.wordcount import (BRAHMIC_CHARS_PER_WORD, HAN_KANA_CHARS_PER_WORD, caseless_commas,
                                  caseless_sentence_starts, caseless_words, spaceless_commas, spaceless_words,
                                  word_count)

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


def _dragnet_page(page: str) -> tuple[str, str]:
    """A dragnet page's HTML and its gold text (comments left out)."""
    root = shared_path("corpora", "dragnet")
    html = decode_html(gzip.decompress((root / "input" / f"{page}.html.gz").read_bytes()))
    gold_raw = (root / "GoldStandard" / f"{page}.txt").read_bytes()
    return html, gold_raw.decode("utf-8", "replace").split("!@#$%^&*()  COMMENTS")[0]


@pytest.mark.parametrize("page", ["R744", "R94"])
def test_a_transplanted_real_page_keeps_its_story(page):
    """A real dragnet page and its gold rewritten into a script without spaces (scripts/bench_scripts.py):
    the story is kept as on the original. Before round 9 the transplant kept a tenth of it (character
    bigram F1 0.06 and 0.08 against 0.999 and 0.990 on the originals): its paragraphs counted as one word
    each."""
    html, gold = _dragnet_page(page)
    bench = _bench_scripts()
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


# ----------------------------------------------------------------------------------------------
# scripts written with spaces but without letter case (round 10)

HI = "भारत की राजधानी नई दिल्ली है। यह शहर बहुत बड़ा है, और यहाँ लाखों लोग रहते हैं। क्या आप वहाँ गए हैं?"
AR = "قال الرئيس إن الحكومة ستعمل على تحسين الاقتصاد، وأضاف أن الإصلاحات ستبدأ قريبا. هل سينجح ذلك؟"
UR = "پاکستان کا دارالحکومت اسلام آباد ہے۔"
HE = "ראש הממשלה אמר היום כי הממשלה תפעל לשיפור הכלכלה."
KO = "서울은 대한민국의 수도이다. 인구는 약 천만 명이다."


def test_caseless_words_and_where_a_capital_would_be():
    for text in ("The quick brown fox.", "Über die Brücke", "Привет мир", "“Curly quotes”", ZH, ""):
        assert caseless_words(text) == 0
    assert caseless_words(HI) == len(HI.split())
    assert caseless_sentence_starts(HI) == 3  # the first word, after each danda, none after the comma
    assert caseless_words(AR) == len(AR.split())
    assert caseless_sentence_starts(AR) == 2  # the first word and the one after the full stop
    assert caseless_words(KO) == len(KO.split()) and caseless_sentence_starts(KO) == 2
    assert caseless_words("BBC की रिपोर्ट") == 2  # 'BBC' is a word of a cased script
    assert caseless_commas(AR) == 1 and caseless_commas(HI) == 0


def _row(text: str, tag: str = "p") -> dict:
    return dict(zip(FEATURE_NAMES, block_features([Line(text, tag, 0, 0)], None)[0]))


def test_block_features_of_caseless_lines():
    hi, ar, ur, he = _row(HI), _row(AR), _row(UR), _row(HE)
    assert hi["ends_sentence"] == ar["ends_sentence"] == ur["ends_sentence"] == he["ends_sentence"] == 1.0
    assert _row(HI[:-1] + "।")["ends_sentence"] == 1.0
    assert _row("سينجح ذلك؟")["ends_sentence"] == 1.0
    assert ar["commas_per_word"] == pytest.approx(1 / len(AR.split()))
    # a capital where a cased script writes one for sure (each sentence's first word), and English prose's
    # rate of other capitals for the other words
    n = len(HI.split())
    assert hi["capitalised_share"] == pytest.approx((3 + CASELESS_CAPITAL_RATE * (n - 3)) / n)
    n = len(AR.split())
    assert ar["capitalised_share"] == pytest.approx((2 + CASELESS_CAPITAL_RATE * (n - 2)) / n)
    assert 0.1 < ar["capitalised_share"] < 0.2  # as English prose (0.126 on long gold lines), not 0
    assert _row("होम")["capitalised_share"] == 1.0  # a one-word menu item, as 'Home'
    # a cased word counts as it always did (here the first word: no caseless word starts the line)
    assert _row("BBC की रिपोर्ट")["capitalised_share"] == pytest.approx((1 + 2 * CASELESS_CAPITAL_RATE) / 3)
    assert _row("रिपोर्ट: BBC")["capitalised_share"] == pytest.approx(2 / 2)


def test_cased_lines_keep_their_features_bit_for_bit():
    """Lines of cased scripts only: every feature exactly as the shipped models were trained on."""
    lines = [Line("Home", "", 0, 0), Line("The vote, he said, was close. Was it?", "p", 0, 0),
             Line("Über die Brücke, sagte sie. „Ja“", "p", 0, 0), Line("Привет, мир. Как дела?", "p", 0, 0),
             Line("“Curly quotes” and an ellipsis…", "p", 0, 0)]
    X = block_features(lines, "The vote")
    for i, line in enumerate(lines):
        text = line.text
        row = dict(zip(FEATURE_NAMES, X[i]))
        n = text.count(" ") + 1
        caps = sum(1 for j, c in enumerate(text) if (j == 0 or text[j - 1] == " ")
                   and ("A" <= c <= "Z" or "À" <= c <= "Þ" and c != "×" or "Α" <= c <= "Ω" or "А" <= c <= "Я"))
        assert row["capitalised_share"] == caps / n
        assert row["commas_per_word"] == text.count(",") / n
        assert row["ends_sentence"] == (1.0 if text.endswith(tuple('.!?"”’\'»:;)')) else 0.0)


def test_a_caseless_line_is_no_headline_when_it_ends_a_sentence():
    assert not heading_line(HI, ZH)  # ends with a danda... (and its follower is long prose)
    assert not heading_line(UR, ZH)
    assert heading_line("भारत की राजधानी", HI + " " + HI)


@pytest.mark.parametrize("script, page", [("devanagari", "T39"), ("devanagari", "R40"), ("arabic", "236")])
def test_a_page_transplanted_into_a_caseless_script_keeps_its_story(script, page):
    """A real dragnet page and its gold rewritten into a caseless script written with spaces
    (`scripts/bench_scripts.py --script`): the story is kept about as on the original. Before round 10 the
    transplants kept less (character-bigram F1 0.78, 0.67 and 0.80 against 1.0, 1.0 and 0.94 on the
    originals): a paragraph ending in a danda ended no sentence, and no line had a capital."""
    html, gold = _dragnet_page(page)
    bench = _bench_scripts()
    assert bench.bigram_prf(extract_html(html).text, gold)[2] >= 0.9
    transplanted, gold_t = bench.transplant_html(html, script), bench.transplant(gold, script)
    assert bench.caseless_share(gold_t) > 0.5
    assert bench.bigram_prf(extract_html(transplanted).text, gold_t)[2] >= 0.9


def test_the_caseless_transplants():
    bench = _bench_scripts()
    text = "The President said, on Tuesday, it would act. Why? See https://example.com/A now."
    for script in ("arabic", "devanagari"):
        out = bench.transplant(text, script)
        assert out.count(" ") == text.count(" ") and "https://example.com/A" in out
        assert bench.transplant("the THE The", script) == " ".join([bench.transplant("the", script)] * 3)
        assert not any(c.isascii() and c.isalpha() for c in out.replace("https://example.com/A", ""))
    assert bench.transplant(text, "arabic").count("\u060c") == 2 and "\u061f" in bench.transplant(text, "arabic")
    assert bench.transplant(text, "devanagari").count("\u0964") == 2  # 'act.' and 'now.'


def test_comparable_tokens_split_spaceless_runs_into_bigrams():
    from dedup.text.wordcount import comparable_tokens
    words = ["the", "council", "voted", "über", "한국어"]
    assert comparable_tokens(words) is words  # written with spaces: the words themselves
    assert comparable_tokens(["国务院部署", "iphone15发布", "日", "ok"]) == [
        "国务", "务院", "院部", "部署", "iphone15", "发布", "日", "ok"]
    assert comparable_tokens(["ภาษาไทย"]) == ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]
    assert comparable_tokens(["001期小绵羊", "信心100"], words_twice=True) == [
        "001", "001\0", "期小", "小绵", "绵羊", "信心", "100", "100\0"]
    assert comparable_tokens(words, words_twice=True) is words


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(codec=None), max_size=60) | st.text(st.sampled_from("ab ’—中ไ한ب\ud800 "), max_size=40))
def test_script_tests_on_the_non_ascii_characters_are_the_regex_on_the_text(text):
    from dedup.text import wordcount as wc
    assert wc.non_ascii(text) == "".join(c for c in text if not c.isascii())
    assert wc.holds_spaceless(text) == (wc._SPACELESS.search(text) is not None)
    plain = None if not wc._SPACELESS.search(text) else (
        len(wc._NOT_SPACED.sub(" ", text).split()) + len(wc._HAN_KANA.findall(text)) / wc.HAN_KANA_CHARS_PER_WORD
        + len(wc._BRAHMIC.findall(text)) / wc.BRAHMIC_CHARS_PER_WORD)
    assert wc.spaceless_words(text) == plain
    assert wc.caseless_words(text) == (len(wc._CASELESS_WORD.findall(text)) if wc._CASELESS.search(text) else 0)
    tokens = text.split()
    if not any(wc._SPACELESS.search(t) for t in tokens):
        assert wc.comparable_tokens(tokens) is tokens
    else:
        assert wc.comparable_tokens(tokens) is not tokens
