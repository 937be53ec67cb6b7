"""Round 34 (issue 12): ruby readings and combining marks (docs/extraction.md "Round 34").

A Japanese page with furigana (`<ruby>漢字<rt>かんじ</rt></ruby>`) read the readings into its words ("子こども") and lost
every one-character base ('子') to resiliparse's main-content pass: now the line holds the base text as a reader
reads it. `normalise.fold_line` cut a word at each combining mark ("हिन्दी" -> "ह न द"), so a Hindi word folded
like a widget label it is not ("शायर", a poet, as "शेयर", share): now marks stay inside their word.
"""

from __future__ import annotations

from test_cleaning import unseen_pages

from dedup.text.extract import extract_html
from dedup.text.hiddenstory import without_ruby_readings
from dedup.text.lineguards import is_chrome_label
from dedup.text.normalise import fold_line, normalise_text

_FILLER = "".join(f"<p>{s}</p>" for s in (
    "新しい図書館は駅の近くにあって、三十万冊の本があります。子どもが本を読む部屋や勉強する部屋もあります。",
    "図書館は朝九時から夜九時まで開いています。市の人は、みんなが使うことができる場所にしたいと話しています。",
))


def ruby_page(paragraph: str) -> str:
    return (f"<html lang='ja'><head><title>図書館のニュース</title></head><body><header><a href='/'>トップ</a></header>"
            f"<main><article><h1>新しい図書館ができる</h1><p>{paragraph}</p>{_FILLER}</article></main>"
            "<footer><p>&copy; 2024 Example</p></footer></body></html>")


def test_ruby_readings_leave_the_line_and_one_character_bases_stay():
    """`<rt>` readings (one without its optional `</rt>`) and `<rp>` parentheses leave; one-character bases ('子',
    '親') stay, also inside a gloss link (main: "子こどもへの虐待ぎゃくたい", and without '子')."""
    paragraph = ("<ruby>子<rt>こ</rt></ruby>どもへの<a href='javascript:void(0)' class='dicWin'><ruby>"
                 "<span class='under'>虐待</span><rt>ぎゃくたい</rt></ruby></a>をなくすための<ruby>法律<rp>(</rp>"
                 "<rt>ほうりつ</rt><rp>)</rp></ruby>ができて、<a href='javascript:void(0)' class='dicWin'><ruby>"
                 "<span class='under'>親</span><rt>おや</ruby></a>が<ruby>子<rt>こ</rt></ruby>どもを"
                 "<ruby>教育<rt>きょういく</rt></ruby>することになりました。")
    blocks = extract_html(ruby_page(paragraph), "https://news.example/ja/1").blocks
    assert "子どもへの虐待をなくすための法律ができて、親が子どもを教育することになりました。" in blocks
    assert not any(r in b for b in blocks for r in ("こども", "ぎゃくたい", "ほうりつ", "おや", "("))


def test_markup_without_ruby_is_left_as_it_is():
    """Only a `<ruby>`'s readings go: an `<rt>` outside one, or a `<ruby>` never closed, stays as the page wrote it."""
    page = "<p>a <b>b</b> <rt>c</rt> <ruby>d<rt>e</rt></p>"
    assert without_ruby_readings(page) == page
    assert without_ruby_readings("<p><RUBY>漢<RT>かん</RT></RUBY></p>") == "<p>漢</p>"


def test_the_japanese_page_of_trafilatura_eval_keeps_its_story():
    """trafilatura-eval's NHK News Web Easy page (half B of round 33's split, read only after its scoring there)
    holds its three story snippets and none of its chrome snippets (main: F1 0, no story snippet found)."""
    for _, note, _, text in unseen_pages(["https://www3.nhk.or.jp/news/easy/"]):
        assert all(" ".join(s.split()) in text for s in note["with"])
        assert not any(" ".join(s.split()) in text for s in note["without"])


def test_combining_marks_stay_inside_their_word():
    """Indic and Thai vowel signs, a virama and Arabic harakat are no letters but belong to the word (main split
    there: "ह न द", "ข าวท เก ยวข อง"); the exact-duplicate key text is not changed (its keys stay)."""
    assert fold_line("हिन्दी समाचार") == "हिन्दी समाचार"
    assert fold_line("ข่าวที่เกี่ยวข้อง!") == "ข่าวที่เกี่ยวข้อง"
    assert fold_line("«اَلْعَرَبِيَّة»") == "اَلْعَرَبِيَّة"
    assert fold_line("İlgili Haberler") == "ilgili haberler"
    assert normalise_text("हिन्दी") == "ह न द"


def test_a_hindi_word_no_longer_folds_like_a_label():
    """"शायर" (a poet) folded like "शेयर" (share) and left the story as a widget label (main); the label still goes."""
    assert is_chrome_label("शेयर")
    assert is_chrome_label("ข่าวที่เกี่ยวข้อง")
    assert not is_chrome_label("शायर")


def test_an_emoji_variation_selector_is_no_part_of_a_label():
    """Review 24: fold_line kept every combining mark, the emoji variation selector U+FE0F too ('Teilen ❤️' folded
    'teilen \\ufe0f'), so the label stayed in the story (round 33's list had it). A mark stays only after a letter, a
    digit or a mark; variation selectors and a symbol's marks (the keycap of '1️⃣') never."""
    assert fold_line("Teilen \u2764\ufe0f") == "teilen"
    assert fold_line("1\ufe0f\u20e3 Read more") == "1 read more"
    assert fold_line("\u0301cafe\u0301") == "cafe\u0301"
    assert is_chrome_label("Teilen \u2764\ufe0f")
    story = ("The union said on Monday that thousands of nurses would walk out next week after talks with the health "
             "ministry collapsed over pay, staffing levels and the length of shifts in the country's largest "
             "hospitals.")
    html = (f"<html><head><title>Nurses strike</title></head><body><article><h1>Nurses to strike next week</h1>"
            f"<p>{story}</p><p>{story.replace('Monday', 'Tuesday')}</p><p>Teilen \u2764\ufe0f</p>"
            f"<p>{story.replace('union', 'federation')}</p><p>{story.replace('nurses', 'doctors')}</p>"
            "</article></body></html>")
    assert not any("Teilen" in block for block in extract_html(html, "https://news.example/a").blocks)
