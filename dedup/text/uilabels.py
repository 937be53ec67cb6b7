"""uilabels: the words of a page's interface in the languages the first label lists lacked (round 33, issue 12).

`lineguards` drops a line that is nothing but a widget's label ("Advertisement", "Related articles", "Share") and
`blockfeatures` counts a short line's share of chrome words; both lists were written from English and German pages,
with a few labels of French, Spanish, Italian, Portuguese, Dutch and Polish. A page in Russian, Turkish, Arabic,
Japanese, Chinese, Korean, Thai, Vietnamese, Indonesian or Hindi kept its "Поделиться", "İlgili Haberler", "اقرأ
أيضا", "関連記事", "相关阅读" lines where the same page in English lost them (docs/extraction.md "Round 33"). This
module owns the labels of those languages, and the labels of the first languages the old list lacked, each concept in
every language where a site writes it: advertisement, share, comments, print, read more / continue reading, read
also, related articles, most read, you may also like, previous / next article, back to top, subscribe. The lists are
the interface strings these sites commonly print, not words learned from the corpora; a label is a whole line (folded
as `normalise.fold_line` folds), so a story's sentence that uses the word is never one. The counters, prompts, cookie
notices and tag-list labels of the same languages follow below.
"""

from __future__ import annotations

import re

from dedup.text.normalise import fold_line

# whole-line widget labels, by language, beyond `lineguards`' list (which they are added to)
_LABELS = {
    "de": "anzeigen|werbeanzeige|artikel drucken|zum artikel|"
          "meistgelesene nachrichten|vorherige seite|nächste seite|zurück nach oben|teilen sie diesen artikel",
    "fr": "articles liés|articles connexes|à lire également|a lire egalement|lire plus|"
          "les plus consultés|retour en haut|haut de page|"
          "s abonner|abonnez vous|partager sur|commenter|vous aimerez peut être aussi",
    "es": "artículos relacionados|contenido relacionado|lo más visto|imprimir|suscríbete|suscribirse|"
          "te puede gustar|también te puede gustar|volver arriba|ir arriba|comparte|comparte esta noticia|"
          "seguir leyendo|más información|lee más",
    "it": "notizie correlate|contenuti correlati|leggi di più|leggi tutto|stampa|iscriviti|"
          "potrebbe piacerti anche|i più visti|più letti|torna su|torna in alto|commenta|condividi questo articolo",
    "pt": "publicidade|partilhar|compartilhar|artigos relacionados|conteúdo relacionado|imprimir|assine|"
          "você pode gostar|mais vistas|mais lidos|voltar ao topo|leia mais notícias|comente",
    "nl": "advertentie|delen|deel|gerelateerde artikelen|gerelateerd|meest gelezen|meest bekeken|printen|"
          "abonneren|lees verder|lees ook dit|naar boven|terug naar boven|vorig artikel|volgend artikel|reageer",
    "pl": "drukuj|czytaj również|zobacz również|podobne artykuły|powiązane artykuły|najczęściej czytane|"
          "najpopularniejsze|polecane|subskrybuj|udostępnij artykuł|skomentuj|poprzedni artykuł|następny artykuł|"
          "do góry|wróć na górę|czytaj dalej",
    "ru": "реклама|поделиться|поделитесь|комментарии|комментарий|комментировать|печать|распечатать|"
          "читать далее|читать полностью|читать также|новости по теме|материалы по теме|по теме|"
          "похожие статьи|похожие новости|популярное|самое читаемое|самое популярное|главное|"
          "вам может быть интересно|предыдущая статья|следующая статья|наверх|подписаться|подписывайтесь|"
          "поделиться в соцсетях|теги",
    "uk": "реклама|поділитися|коментарі|коментар|друк|читати далі|читайте також|новини по темі|"
          "схожі статті|популярне|найпопулярніше|головне|попередня стаття|наступна стаття|нагору|підписатися|теги",
    "tr": "reklam|paylaş|paylaşın|bu haberi paylaş|yorumlar|yorum yap|yorum yaz|yazdır|devamını oku|"
          "haberin devamı|ilgili haberler|ilgili içerikler|benzer haberler|bunlar da ilginizi çekebilir|"
          "ilginizi çekebilir|en çok okunanlar|en çok okunan haberler|çok okunanlar|önceki haber|sonraki haber|"
          "yukarı çık|başa dön|abone ol|etiketler|bunu da okuyun|okumaya devam et",
    "ar": "إعلان|اعلان|إعلانات|شارك|مشاركة|شارك هذا المقال|شارك الخبر|اقرأ أيضا|اقرأ ايضا|إقرأ أيضا|"
          "اقرأ المزيد|إقرأ المزيد|المزيد|مقالات ذات صلة|أخبار ذات صلة|اخبار ذات صلة|مواضيع ذات صلة|"
          "الأكثر قراءة|الاكثر قراءة|الأكثر مشاهدة|التعليقات|تعليقات|أضف تعليق|اضف تعليق|طباعة|"
          "المقال السابق|المقال التالي|قد يعجبك أيضا|قد يهمك أيضا|قد يهمك|اشترك|العودة إلى الأعلى|الوسوم",
    "ja": "広告|スポンサーリンク|シェア|シェアする|ツイート|この記事をシェアする|この記事をシェア|記事をシェア|"
          "関連記事|関連ニュース|関連リンク|おすすめ記事|あわせて読みたい|合わせて読みたい|こちらもおすすめ|"
          "人気記事|アクセスランキング|ランキング|続きを読む|もっと見る|コメント|コメントする|印刷|印刷する|"
          "前の記事|次の記事|ページの先頭へ|ページトップへ|トップへ戻る|購読|購読する|タグ",
    "zh": "广告|廣告|分享|分享到|分享至|相关阅读|相关新闻|相关文章|相关推荐|相關閱讀|相關新聞|相關文章|延伸阅读|"
          "延伸閱讀|热门文章|熱門文章|热门推荐|熱門推薦|推荐阅读|推薦閱讀|猜你喜欢|猜你喜歡|阅读全文|閱讀全文|"
          "查看更多|看更多|更多|评论|評論|留言|打印|列印|上一篇|下一篇|返回顶部|回到顶部|回到頂部|订阅|訂閱|标签|標籤",
    "ko": "광고|공유|공유하기|기사 공유하기|관련기사|관련 기사|관련 뉴스|많이 본 뉴스|많이 본 기사|인기 기사|댓글|"
          "댓글 쓰기|인쇄|이전 기사|다음 기사|더보기|맨 위로|구독|구독하기|태그",
    "th": "โฆษณา|แชร์|แชร์บทความนี้|ความคิดเห็น|อ่านต่อ|อ่านเพิ่มเติม|ข่าวที่เกี่ยวข้อง|บทความที่เกี่ยวข้อง|"
          "ข่าวยอดนิยม|ยอดนิยม|พิมพ์|แท็ก",
    "vi": "quảng cáo|chia sẻ|bình luận|tin liên quan|bài viết liên quan|đọc thêm|xem thêm|đọc nhiều nhất|"
          "tin đọc nhiều|in bài viết|bài trước|bài sau|lên đầu trang",
    "id": "bagikan|baca juga|berita terkait|artikel terkait|komentar|terpopuler|baca selengkapnya|cetak|"
          "artikel sebelumnya|artikel selanjutnya|kembali ke atas",
    "hi": "विज्ञापन|शेयर|शेयर करें|यह भी पढ़ें|ये भी पढ़ें|संबंधित खबरें|टिप्पणियाँ|और पढ़ें|सबसे ज्यादा पढ़ी गई",
}
WIDGET_LABELS = frozenset(fold_line(label) for labels in _LABELS.values() for label in labels.split("|"))

# single words of chrome for the block model's `chrome_words_share` (`blockfeatures`), in the languages its list
# lacked; a word of a script without spaces is a whole run of it, so the short labels stand here whole
CHROME_WORDS = frozenset("""
реклама поделиться комментарии комментарий печать читать читайте подписаться подписывайтесь популярное похожие
главная новости поиск войти наверх теги поділитися коментарі друк читати читайте головна пошук
reklam paylaş yorumlar yorum yazdır devamını oku ilgili benzer abone etiketler giriş ara anasayfa haberler
إعلان اعلان شارك مشاركة اقرأ المزيد التعليقات تعليقات طباعة اشترك الرئيسية بحث الوسوم
広告 シェア ツイート 関連記事 コメント 印刷 購読 ランキング タグ 検索 ホーム
广告 廣告 分享 评论 評論 留言 打印 列印 订阅 訂閱 首页 首頁 搜索 标签 標籤 相关阅读 相关新闻 相關新聞
광고 공유 공유하기 댓글 인쇄 구독 관련기사 더보기 홈 검색 태그
""".split())

# the label of a line listing the page's tags, topics or categories ("Schlagworte: Politik | Wahl", "Теги: ...",
# "タグ：..."), in the languages beyond `blocks`' English one ("Tags:", "Topics:", "Filed under:"): the label at the
# line's start, then its colon (full-width too) or a bar
_METADATA_LABEL = re.compile(
    r"^\s*(?:schlagw(?:orte|örter)|stichw(?:orte|örter)|themen|kategorien?|mots[ -]clés|étiquettes|thèmes|"
    r"catégories?|etiquetas|palabras clave|categorías?|temas|argomenti|parole chiave|etichette|categori[ae]|"
    r"trefwoorden|onderwerpen|categorieën|tagi|słowa kluczowe|tematy|kategorie|теги|метки|ключевые слова|темы|"
    r"рубрик[аи]|категори[яи]|мітки|ключові слова|etiketler|anahtar kelimeler|kategoriler|الوسوم|كلمات مفتاحية|"
    r"التصنيفات?|タグ|キーワード|カテゴリー?|标签|標籤|关键词|關鍵字|关键字|分类|分類|태그|키워드|카테고리)\s*[:|：]",
    re.IGNORECASE)


def is_metadata_label_line(block: str) -> bool:
    """A line that starts with a tag list's label in one of the languages above, colon and all."""
    head = block[:40]  # (every label is shorter: a line without its mark there is ruled out before the pattern)
    return (":" in head or "|" in head or "：" in head) and _METADATA_LABEL.match(block) is not None


# A short line asking the reader to follow the site on a network or subscribe to its channel ("Follow us on
# Instagram", "Подписывайтесь на наш канал в Telegram", "Bizi Twitter'da takip edin", "公式Xをフォロー"): the site's
# own imperative at the line's start (written with spaces) or anywhere (the verb-final scripts), and a network or a
# channel named in the same line of at most FOLLOW_PROMPT_MAX_WORDS words. Someone else's account ("Follow John on
# Twitter") is a story's author note, not the site's prompt. The network ends the line, or the verb does (Turkish):
# a story's "Join us on the picket line", "Like us, Threads was late" name a word of the list in passing (review 24:
# the generic verbs 'join us on', 'join our', 'like us' are gone, and X and LINE count only written so).
FOLLOW_PROMPT_MAX_WORDS = 12
_NETWORK = (r"(?:telegram|whatsapp|youtube|facebook|instagram|twitter|tiktok|linkedin|threads|mastodon|bluesky|"
            r"pinterest|(?-i:X|LINE)|vk|вконтакте|дзен|google news|channel|chaîne|canal|kanal\w*|канал\w*|каналі|"
            r"телеграм\w*|ютуб\w*|قنات\w*|تويتر|فيسبوك|فيس بوك|إنستغرام|انستغرام|انستجرام|يوتيوب|تيليجرام|تلغرام|"
            r"微信|公众号|公眾號|微博|频道|頻道|チャンネル|ツイッター|インスタグラム|インスタ|채널)")
_FOLLOW_VERB = re.compile(
    r"^\W*(?:follow us|subscribe to (?:us|our)|"
    r"folgen sie uns|folge uns|folgt uns|abonnieren sie (?:uns|unseren?)|abonniere unseren?|"
    r"suivez[- ]nous|abonnez[- ]vous|rejoignez[- ]nous|síguenos|siguenos|suscríbete|suscribete|únete a|"
    r"seguici|iscriviti al|unisciti al|siga[- ]nos|inscreva[- ]se|volg ons|abonneer je|obserwuj nas|"
    r"subskrybuj nasz|dołącz do nas|подписывайтесь|подпишитесь|следите за нами|присоединяйтесь|читайте нас|"
    r"підписуйтесь|підписуйтеся|стежте за нами|bizi(?: \S+){0,3} takip ed\w*|abone olun|"
    r"تابعونا|تابعنا|اشترك في|انضم)\b",
    re.IGNORECASE)
_FOLLOW_VERB_ANYWHERE = re.compile(r"フォロー|チャンネル登録|友だち追加|关注我们|關注我們|扫码关注|掃碼關注|팔로우|구독하세요")
_NETWORK_WORD = re.compile(_NETWORK, re.IGNORECASE)  # (inside a run of a script without spaces: "公式Xを")
_NETWORK_WHOLE = re.compile(rf"(?<!\w){_NETWORK}(?!\w)", re.IGNORECASE)
_NETWORK_ENDS_LINE = re.compile(rf"(?<!\w){_NETWORK}\W*$", re.IGNORECASE)
_NOTHING_MORE = re.compile(r"\W*$")


def is_follow_prompt(text: str) -> bool:
    """A short line asking the reader to follow the site on a network or to subscribe to its channel."""
    if len(text) > 200 or len(text.split(None, FOLLOW_PROMPT_MAX_WORDS)) > FOLLOW_PROMPT_MAX_WORDS:
        return False
    verb = _FOLLOW_VERB.match(text)
    if verb:
        if _NETWORK_ENDS_LINE.search(text) is not None:
            return True
        # the verb ends the line, the network inside it: "Bizi Twitter'da takip edin"
        return _NOTHING_MORE.match(text, verb.end()) is not None \
            and _NETWORK_WHOLE.search(text, 0, verb.end()) is not None
    # the verb-final scripts (Japanese, Korean) and Chinese's prompts: the verb and the network anywhere
    return not text.isascii() and _FOLLOW_VERB_ANYWHERE.search(text) is not None \
        and _NETWORK_WORD.search(text) is not None

# A cookie consent notice in the languages `lineguards.is_consent_notice` (English, German, French, Spanish, Italian,
# Dutch) does not read: the site's own use of cookies, in its voice, in a line of at most CONSENT_MAX_WORDS words.
# Russian and Ukrainian ("Мы используем файлы cookie", "Сайт использует куки"), Polish ("Ta strona używa plików
# cookies", "Używamy ciasteczek"), Portuguese ("Este site utiliza cookies", "Utilizamos cookies"), Turkish ("Bu web
# sitesi çerezleri kullanmaktadır"), Arabic ("نستخدم ملفات تعريف الارتباط"), Japanese ("当サイトではCookieを使用して
# います"), Chinese ("本网站使用Cookie") and Korean ("쿠키를 사용합니다").
CONSENT_MAX_WORDS = 80
CONSENT_MAX_CHARS = 1000  # 80 words of the longest notices measured are ~600 characters
_OTHER_CONSENT = re.compile(
    r"\b(?:мы|ми|сайт)\s+(?:\w+\s+){0,2}(?:использу\w*|применя\w*|використову\w*)\s+(?:\w+\s+){0,2}"
    r"(?:cookies?|куки)"
    r"|\b(?:использование|використання)\s+(?:файлов\s+|файлів\s+)?(?:cookies?|куки)"
    r"|\b(?:używa\w*|wykorzystuje\w*|stosuje\w*|używamy|wykorzystujemy|stosujemy|korzysta\w* z)\s+(?:\w+\s+){0,2}"
    r"(?:cookies?|ciastecz\w*)"
    r"|\b(?:este site|nosso site|o site)\s+(?:\w+\s+){0,2}(?:utiliza|usa)\s+(?:\w+\s+){0,2}cookies?"
    r"|\b(?:utilizamos|usamos)\s+(?:\w+\s+){0,2}cookies?"
    r"|\b(?:site\w*|web\w*)\b[^.]{0,60}\bçerez\w*\s+(?:\w+\s+){0,3}kullan\w*|\bçerez\w*[^.]{0,60}kullanıyoruz"
    r"|(?:نستخدم|يستخدم|تستخدم|يستخدم هذا الموقع)\s+(?:\w+\s+){0,2}(?:ملفات تعريف الارتباط|الكوكيز|ملفات الكوكيز)"
    r"|cookie[^。]{0,20}(?:を使用|を利用)|(?:サイト|ウェブ)[^。]{0,30}クッキー[^。]{0,20}(?:を使用|を利用)"
    r"|(?:使用|利用)\s?cookie|cookie[^。]{0,10}使用"
    r"|(?:사이트|웹|당사)[^.]{0,30}쿠키[^.]{0,20}(?:사용|활용)",
    re.IGNORECASE)


def _names_a_cookie(text: str) -> bool:
    """The cookie's name in any case its notices write: Latin, Polish's 'ciasteczko', Turkish 'çerez' ('erez' or 'EREZ':
    any case of its first letter), Cyrillic, Arabic, Japanese and Korean (`in` tests, the ASCII ones first)."""
    if "ookie" in text or "OOKIE" in text or "erez" in text or "EREZ" in text or "iastecz" in text \
            or "IASTECZ" in text:
        return True
    return not text.isascii() and ("куки" in text or "Куки" in text or "КУКИ" in text or "تعريف الارتباط" in text
                                   or "الكوكيز" in text or "クッキー" in text or "쿠키" in text)


def is_other_language_consent(text: str) -> bool:
    """A cookie consent notice in one of the languages above."""
    # (a story's paragraph is longer than any notice; substring tests rule out nearly every other line before the
    # pattern runs)
    if len(text) > CONSENT_MAX_CHARS or not _names_a_cookie(text):
        return False
    return len(text.split(None, CONSENT_MAX_WORDS)) <= CONSENT_MAX_WORDS and _OTHER_CONSENT.search(text) is not None


# The counters and stamps `lineguards`' label pattern reads in the Latin and Cyrillic languages (a relative time
# stamp, a comment counter, a reading time), in the scripts and languages it lacked: Japanese, Chinese, Korean,
# Arabic, Ukrainian, Vietnamese and Indonesian ("3時間前", "3小时前", "3시간 전", "منذ 3 ساعات", "3 години тому",
# "3 giờ trước", "3 jam yang lalu"; "コメント 12", "12 条评论", "댓글 5", "التعليقات 3"; "読了時間 3分", "3 دقائق للقراءة").
# Matched on the whole line folded (`normalise.fold_line`: lower case, punctuation and brackets a space).
_UNIT_TIME = r"(?:秒|分|分钟|分鐘|時間|小时|小時|日|天|週間|周|週|か月|ヶ月|カ月|个月|個月|年)"
_OTHER_COUNTER = re.compile(
    r"(?:\d+ ?" + _UNIT_TIME + r" ?前"
    r"|\d+ ?(?:초|분|시간|일|주|개월|달|년) ?전"
    r"|منذ \d+ (?:ثانية|ثوان|دقيقة|دقائق|ساعة|ساعات|يوم|أيام|ايام|أسبوع|أسابيع|شهر|أشهر|سنة|سنوات)"
    r"|\d+ (?:секунд\w*|хвилин\w*|годин\w*|дн\w*|тижн\w*|місяц\w*|рок\w*) тому"
    r"|\d+ (?:giây|phút|giờ|ngày|tuần|tháng|năm) trước"
    r"|\d+ (?:detik|menit|jam|hari|minggu|bulan|tahun) (?:yang )?lalu"
    r"|(?:コメント|评论|評論|留言|댓글|التعليقات|تعليقات|коментарі|bình luận|komentar) \d+"
    r"|\d+ ?(?:件のコメント|コメント|条评论|則留言|条留言|개의 댓글|댓글|تعليقات|تعليق|коментар\w*|bình luận|komentar)"
    r"|(?:読了時間|阅读时间|閱讀時間|閱讀時長|阅读时长|وقت القراءة|읽는 시간|thời gian đọc|waktu baca) (?:約 ?|约 ?)?\d+ ?"
    r"(?:分|分钟|分鐘|دقائق|دقيقة|분|phút|menit)"
    r"|\d+ ?(?:分で読めます|分钟阅读|分鐘閱讀)|\d+ (?:دقائق|دقيقة) (?:للقراءة|قراءة)|\d+분 (?:읽기|소요)"
    r"|\d+ phút đọc|\d+ menit (?:baca|membaca))")


def is_counter_label(folded: str) -> bool:
    """A folded line that is only a relative time stamp, a comment counter or a reading time in the languages
    above."""
    # (every form holds a digit; of the ASCII lines only Indonesian's forms can match)
    if folded.isascii() and "lalu" not in folded and "menit" not in folded:
        return False
    return any(c.isdigit() for c in folded[:24]) and _OTHER_COUNTER.fullmatch(folded) is not None
