"""Round 36 (issue 12): one letter alone in its element (docs/extraction.md "Round 36").

resiliparse's main-content pass drops an element or a text node holding one character of three UTF-8 bytes (its test
for an icon font's glyph). In Japanese, Chinese, Korean or Thai one such character is a word or a particle: a link or
a bold on one ideograph, or the particle between two links, left the story ("日本の首都" read "日本首都"). Now the letter
joins the text beside it before the page is parsed (`hiddenstory.without_lone_glyphs`).
"""

from __future__ import annotations

from dedup.text.extract import extract_html
from dedup.text.hiddenstory import without_lone_glyphs


def _page(lang: str, title: str, headline: str, paragraphs: list[str], menu: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<header><nav><ul><li><a href='/'>{menu}</a></li></ul></nav></header>"
            f"<main><article><h1>{headline}</h1>{body}</article></main>"
            "<footer><p>&copy; 2024 Example Media</p></footer></body></html>")


_JA = [
    # a glossary link on one kanji, the particle between two links, a bold on one kanji
    "<a href='/word/%E7%B4%84'>約</a>1万人が参加した<a href='/tag/tokyo'>東京</a>の<a href='/tag/marathon'>マラソン</a>"
    "は、3年ぶりに<b>一</b>般のランナーも走ることができました。",
    "大会の実行委員会によりますと、<span class='em'>今</span>年は天気がよく、多くの人が沿道で応援しました。"
    "<a href='/tag/kanto'>関東</a>と<a href='/tag/kansai'>関西</a>から来た人も多かったということです。",
    "来年の大会は3月に行われる予定で、実行委員会は参加する人をさらに増やしたいと話しています。",
]
_JA_WANT = [
    "約1万人が参加した東京のマラソンは、3年ぶりに一般のランナーも走ることができました。",
    "大会の実行委員会によりますと、今年は天気がよく、多くの人が沿道で応援しました。関東と関西から来た人も多かったということです。",
]
_ZH = [
    "<a href='/item/%E8%94%A1'>蔡</a>健雅是新加坡华语流行乐女歌手，出生于<a href='/item/sg'>新加坡</a>。"
    "她<strong>在</strong>1999年发行首张个人专辑，并在<a href='/item/tw'>台湾</a>和<a href='/item/hk'>香港</a>走红。",
    "2008年，她凭借专辑获得第19届金曲奖最佳国语女歌手奖，<em>这</em>是她第二次获得这个奖项。",
    "此后她继续创作与演出，举办了多场世界巡回演唱会，受到乐迷的广泛欢迎。",
]
_ZH_WANT = [
    "蔡健雅是新加坡华语流行乐女歌手，出生于新加坡。她在1999年发行首张个人专辑，并在台湾和香港走红。",
    "2008年，她凭借专辑获得第19届金曲奖最佳国语女歌手奖，这是她第二次获得这个奖项。",
]


def test_a_japanese_story_keeps_its_one_letter_links_particles_and_emphasis():
    """'約' in a glossary link, 'の' and 'と' between two links, '一' in bold and '今' in a span stay in their lines
    (main: "1万人が参加した東京マラソンは、3年ぶりに般の...", "関東関西から")."""
    page = _page("ja", "東京マラソン 3年ぶりに一般参加 | ニュース", "東京マラソン 3年ぶりに一般の人も参加", _JA, "トップ")
    blocks = extract_html(page, "https://news.example.jp/articles/1").blocks
    for line in _JA_WANT:
        assert line in blocks


def test_a_chinese_story_keeps_its_one_letter_links_and_emphasis():
    """An encyclopedia's entry links a one-character name ('蔡'), and '和' stands between two links; '在' and '这' are
    emphasised (main: "健雅是...", "在台湾香港走红", "，是她第二次")."""
    page = _page("zh-CN", "蔡健雅_百科", "蔡健雅", _ZH, "首页")
    blocks = extract_html(page, "https://baike.example.cn/item/1").blocks
    for line in _ZH_WANT:
        assert line in blocks


def test_symbols_and_icons_alone_are_left_as_they_are():
    """Only letters and digits join their text: an icon font's glyph (Private Use Area), a star or an arrow alone in
    an element stays as written, and a page with no lone letter is returned unchanged (the same object)."""
    page = ("<p><a href='/x'><i class='icon'>\ue001</i></a> <span>★</span> <a>→</a> <b>é</b> "
            "<span>x</span></p>")
    assert without_lone_glyphs(page) is page
    assert without_lone_glyphs("<p><B>東京</B>が<I>大阪</I></p>") == "<p><B>東京が</B><I>大阪</I></p>"
    assert without_lone_glyphs("<p>が<b>東京</b></p>") == "<p><b>が東京</b></p>"
    assert without_lone_glyphs("<p><span class='a'><b>約</b></span>1万</p>") == "<p>約1万</p>"
    assert without_lone_glyphs("<td>中</td>") == "<td>中</td>"  # a block element keeps its tags
