"""Round 33 (issue 12): a page's interface in the languages the label lists lacked (dedup/text/uilabels.py,
docs/extraction.md "Round 33"). The same news page in Russian, Turkish, Arabic, Japanese, Chinese or Korean kept its
"Поделиться", "İlgili Haberler", "اقرأ أيضا", "関連記事" lines where the English page lost "Share" and "Related
articles"; a prompt to follow the site on a network, a cookie notice in a language the consent guard did not read, and
a tag list's label other than English, stayed too.
"""

from __future__ import annotations

import html as html_lib

import pytest
from test_cleaning import unseen_pages

from dedup.text.blocks import is_label_line, within_page
from dedup.text.extract import extract_html
from dedup.text.lineguards import CONSENT_NOTICE, SIGNUP_PROMO, guard_reason, is_chrome_label
from dedup.text.normalise import fold_line, normalise_text

# (language, headline, the story's paragraphs, the widget labels the page prints after them)
PAGES = {
    "ru": ("Новая библиотека откроется у вокзала в следующем месяце", [
        "Мэрия в воскресенье объявила, что новая центральная библиотека у вокзала откроется 15-го числа следующего "
        "месяца. В её фонде около трёхсот тысяч книг.",
        "Здание в четыре этажа включает детский читальный зал, учебные комнаты и кафе. Библиотека будет работать с "
        "девяти утра до девяти вечера.",
        "Представитель мэрии сказал, что библиотека станет местом, открытым для всех жителей города."],
        ["Поделиться", "Реклама", "Комментарии", "Новости по теме"]),
    "tr": ("Şehrin yeni kütüphanesi gelecek ay açılıyor", [
        "Belediye pazar günü yaptığı açıklamada, tren istasyonu yakınındaki yeni merkez kütüphanenin gelecek ayın "
        "15'inde açılacağını duyurdu. Kütüphanede yaklaşık üç yüz bin kitap bulunuyor.",
        "Dört katlı binada çocuk okuma salonu, çalışma odaları ve bir kafe yer alıyor. Kütüphane sabah dokuzdan "
        "akşam dokuza kadar açık olacak.",
        "Belediye yetkilisi, kütüphanenin tüm şehir sakinlerine açık bir yer olacağını söyledi."],
        ["Paylaş", "İLGİLİ HABERLER", "Reklam", "Yorumlar", "Bunlar da ilginizi çekebilir"]),
    "ar": ("افتتاح مكتبة جديدة في المدينة الشهر المقبل", [
        "أعلنت البلدية يوم الأحد أن المكتبة المركزية الجديدة قرب محطة القطار ستفتح أبوابها في الخامس عشر من الشهر "
        "المقبل، وتضم نحو ثلاثمائة ألف كتاب.",
        "وتتكون المكتبة من أربعة طوابق، وتضم قاعة لقراءة الأطفال وغرفا للدراسة ومقهى، وتفتح من التاسعة صباحا حتى "
        "التاسعة مساء طوال أيام الأسبوع.",
        "وقال مسؤول في البلدية إن المكتبة ستكون مكانا مفتوحا لجميع السكان، داعيا الأهالي إلى زيارتها."],
        ["شارك", "اقرأ أيضاً", "إعلان", "مقالات ذات صلة"]),
    "ja": ("市内の新しい図書館が来月開館へ　蔵書は約30万冊", [
        "市は5日、駅前に建設していた新しい中央図書館を来月15日に開館すると発表した。蔵書は約30万冊で、"
        "県内の公立図書館としては最大規模となる。",
        "新図書館は地上4階建てで、子ども向けの読書スペースや学習室、カフェも併設される。開館時間は午前9時から"
        "午後9時までで、平日の夜間も利用できるようにした。",
        "市の担当者は「市民が気軽に立ち寄れる場所にしたい。多くの人に利用してほしい」と話している。"],
        ["シェア", "ツイート", "【関連記事】", "広告", "この記事をシェアする"]),
    "zh": ("本市新图书馆下月开放 藏书约三十万册", [
        "市政府5日宣布，位于火车站前的新中央图书馆将于下月15日正式开放。新馆藏书约三十万册，是全省规模最大的公共图书馆。",
        "新图书馆地上四层，设有儿童阅读区、自习室和咖啡厅。开放时间为上午九点至晚上九点，工作日晚间也可使用。",
        "市政府负责人表示：“希望这里成为市民随时可以来的地方，欢迎大家前来使用。”"],
        ["分享", "相关阅读", "猜你喜欢", "返回顶部"]),
    "ko": ("시립 새 도서관 다음 달 개관…장서 30만 권", [
        "시는 5일 역 앞에 짓고 있던 새 중앙도서관을 다음 달 15일에 개관한다고 밝혔다. 장서는 약 30만 권으로 도내 "
        "공공도서관 가운데 가장 큰 규모다.",
        "새 도서관은 지상 4층 규모로 어린이 열람실과 학습실, 카페를 갖췄다. 운영 시간은 오전 9시부터 오후 9시까지다.",
        "시 관계자는 \"시민 누구나 편하게 들를 수 있는 곳이 되길 바란다\"고 말했다."],
        ["공유하기", "관련기사", "많이 본 뉴스", "댓글"]),
}


def news_page(language: str, headline: str, paragraphs: list[str], after: list[str]) -> str:
    """A small news site's story page: a menu, the headline, the paragraphs, then each of `after` in its own box
    inside the article, and a related-stories list beside it."""
    esc = html_lib.escape
    body = "".join(f"<p>{esc(p, quote=False)}</p>" for p in paragraphs)
    boxes = "".join(f"<div class='widget'>{esc(label, quote=False)}</div>" for label in after)
    return (f"<html lang='{language}'><head><title>{esc(headline)}</title></head><body>"
            f"<header><ul><li><a href='/'>{language}</a></li><li><a href='/news'>news</a></li></ul></header>"
            f"<main><article><h1>{esc(headline, quote=False)}</h1>{body}{boxes}</article></main>"
            f"<footer><p>&copy; 2024 Example</p></footer></body></html>")


@pytest.mark.parametrize("language", sorted(PAGES))
def test_widget_labels_in_other_languages_leave_the_story(language):
    """Each language's widget labels after the story ("Поделиться", "İLGİLİ HABERLER", "اقرأ أيضاً", "【関連記事】",
    "相关阅读", "관련기사") go as "Share" and "Related articles" do on an English page; the paragraphs stay (main kept
    the labels)."""
    headline, paragraphs, labels = PAGES[language]
    page = news_page(language, headline, paragraphs, labels)
    blocks = extract_html(page, f"https://news.example/{language}/1").blocks
    for paragraph in paragraphs:
        assert paragraph in blocks, (language, paragraph[:30])
    for label in labels:
        assert label not in blocks, (language, label)


def test_a_label_is_a_whole_line_only():
    """A story's sentence that uses a label's word ("Реклама" in a sentence about advertising, "paylaş" inside a
    Turkish sentence) is no label."""
    assert is_chrome_label("Реклама")
    assert not is_chrome_label("Реклама на телевидении подорожала на треть за год.")
    assert not is_chrome_label("Fotoğrafları paylaş dedi ve gitti.")
    assert not is_chrome_label("関連記事を読む人が増えている")


def test_turkish_dotted_capital_folds_to_i():
    """Turkish 'İ' lower-cases in Python to 'i' and a combining dot, which folding read as a word break ('İlgili'
    folded 'i lgili'): a label in capitals or title case missed the list (main: 'i lgili haberler')."""
    assert fold_line("İlgili Haberler") == "ilgili haberler"
    assert fold_line("İLGİLİ HABERLER") == fold_line("ilgili haberler")
    assert is_chrome_label("İLGİLİ HABERLER")


FOLLOW_PROMPTS = [
    "Follow us on Instagram",
    "Subscribe to our Telegram channel",
    "Подписывайтесь на наш канал в Telegram",
    "Folgen Sie uns auf Instagram",
    "Suivez-nous sur Facebook",
    "Síguenos en nuestro canal de WhatsApp",
    "Bizi Twitter'da takip edin",
    "تابعونا على تويتر",
    "公式LINEを友だち追加",
    "关注我们的微信公众号",
]
NOT_FOLLOW_PROMPTS = [
    "Follow John on Twitter",
    "Join us in welcoming the new mayor, who said the canal would reopen in the spring",
    "Bizi ziyaret eden herkes kanal boyunca yürüdü",
    "Подписывайтесь на наш канал, сказал блогер, и его аудитория выросла до миллиона человек за один год работы",
]


def test_a_prompt_to_follow_the_site_is_a_promo():
    """A short line asking the reader to follow the site on a network or to subscribe to its channel, in any of the
    languages, fails the sign-up guard (main: no guard); someone else's account, the word 'canal' in a sentence, a
    line too long to be a prompt are no promo."""
    for line in FOLLOW_PROMPTS:
        assert guard_reason(line) == SIGNUP_PROMO, line
    for line in NOT_FOLLOW_PROMPTS:
        assert guard_reason(line) is None, line


@pytest.mark.parametrize("line", [
    "Schlagwörter: Politik, Wahl, Bundestag",
    "Mots-clés : élections, Assemblée",
    "Etiquetas: política | elecciones",
    "Теги: выборы, Госдума",
    "Etiketler: seçim, meclis",
    "الوسوم: انتخابات",
    "タグ：図書館、市政",
    "标签：图书馆 市政",
])
def test_a_tag_list_in_other_languages_is_a_label_line(line):
    """A line listing the page's tags under a label in another language leaves in the within-page pass, as 'Tags:'
    does (main: English labels only); a sentence that opens with such a word stays."""
    assert is_label_line(line)
    verdicts = within_page(["Ein Absatz der Geschichte, lang genug, um Text zu sein und zu bleiben.", line],
                           [normalise_text(b) for b in ("Ein Absatz der Geschichte, lang genug, um Text zu sein "
                                                        "und zu bleiben.", line)])
    assert verdicts[0].keep and not verdicts[1].keep
    # a story's sentence that opens with such a word but no colon after it stays
    assert not is_label_line("Themen wie Klima und Verkehr bestimmten den Wahlkampf in der Stadt.")
    assert not is_label_line("Темы выборов обсуждали весь вечер, сказал он.")


def test_an_empty_german_tag_list_on_a_real_page_leaves():
    """trafilatura-eval's deviante-pfade.de page (a tuning page of the round) closes its post with 'Schlagwörter:
    , , ,' (the tags' links were empty): the within-page pass now drops it (main kept it)."""
    for _, _, ex, _ in unseen_pages(["https://www.deviante-pfade.de/"]):
        assert any(b.startswith("Schlagwörter:") for b in ex.blocks)
        verdicts = within_page(ex.blocks, [normalise_text(b) for b in ex.blocks])
        kept = [b for b, v in zip(ex.blocks, verdicts) if v.keep]
        assert not any(b.startswith("Schlagwörter:") for b in kept)


COOKIE_NOTICES = [
    "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая просмотр, вы соглашаетесь с этим.",
    "Ta strona korzysta z ciasteczek aby świadczyć usługi na najwyższym poziomie.",
    "Este site utiliza cookies para melhorar a sua experiência de navegação.",
    "Web sitemizde size daha iyi hizmet sunabilmek için çerezler kullanılmaktadır.",
    "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا",
    "当サイトではサービス向上のためにCookieを使用しています。",
    "本网站使用Cookie来改善您的浏览体验。",
    "이 사이트는 더 나은 서비스를 위해 쿠키를 사용합니다.",
]
COOKIE_RECIPES = [
    "Повар испёк печенье (cookies) по рецепту бабушки.",
    "Çerez yapımında un ve şeker kullanılır.",
    "クッキーを使用したデザートが人気を集めている。",
    "쿠키를 사용한 디저트가 인기다.",
]


def test_a_cookie_notice_in_other_languages_is_a_consent_notice():
    """The site telling the reader it uses cookies, in Russian, Polish, Portuguese, Turkish, Arabic, Japanese,
    Chinese and Korean, fails the consent guard as the English notice does (main: no guard); story text about the
    baked kind (Turkish 'çerez', Japanese 'クッキー', Korean '쿠키' without a site speaking) is no notice."""
    for line in COOKIE_NOTICES:
        assert guard_reason(line) == CONSENT_NOTICE, line
    for line in COOKIE_RECIPES:
        assert guard_reason(line) is None, line


COUNTERS = [
    "3時間前", "3小时前", "3시간 전", "منذ 3 ساعات", "3 години тому", "3 giờ trước", "3 jam yang lalu",
    "コメント(12)", "12 条评论", "댓글 5", "التعليقات (3)", "読了時間：約3分", "3 دقائق للقراءة", "5분 읽기",
]


def test_counters_and_stamps_of_other_scripts_are_labels():
    """A line that is only a relative time stamp, a comment counter or a reading time in Japanese, Chinese, Korean,
    Arabic, Ukrainian, Vietnamese or Indonesian is a widget's label, as "3 hours ago", "12 comments" and "5 min
    read" are (main: kept); a sentence that says when something happened is story text."""
    for line in COUNTERS:
        assert is_chrome_label(line), line
    assert not is_chrome_label("3年前、市は新しい図書館の建設を決めた。")
    assert not is_chrome_label("Sekitar 3 jam yang lalu ia tiba di kota.")


NURSES = ("The union said on Monday that thousands of nurses would walk out next week after talks with the health "
          "ministry collapsed over pay, staffing levels and the length of shifts in the country's largest hospitals.")


def test_a_story_line_naming_a_network_word_in_passing_is_no_follow_prompt():
    """Review 24: 'line', 'X', 'threads', 'channel' named in passing after the generic 'join us on' / 'join our' /
    'like us' made a story's line a follow prompt (int26 dropped "Join us on the picket line." from the story). The
    network must end the line (or, Turkish, the verb holding it must), X and LINE count only written so."""
    for line in ("Join us on the picket line.", "Join our crew on the X-ray ward", "Like us, Threads was late to it",
                 "Follow us on the picket line", "Follow us on x", "Follow us on channel 4 tonight"):
        assert guard_reason(line) is None, line
    for line in ("Follow us on X", "Follow us on Twitter and Facebook!", "公式Xをフォロー"):
        assert guard_reason(line) == SIGNUP_PROMO, line
    html = (f"<html><head><title>Nurses strike</title></head><body><article><h1>Nurses to strike next week</h1>"
            f"<p>{NURSES}</p><p>{NURSES.replace('Monday', 'Tuesday')}</p><p>Join us on the picket line.</p>"
            f"<p>{NURSES.replace('union', 'federation')}</p><p>{NURSES.replace('nurses', 'doctors')}</p>"
            "</article></body></html>")
    assert any("picket line" in block for block in extract_html(html, "https://news.example/a").blocks)
