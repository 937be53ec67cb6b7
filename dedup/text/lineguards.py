"""lineguards: what a line is by its own text and links, whatever the block model says of it.

Pure `str -> reason` rules (and two over a line's link figures, `layout.Line`): leaked markup, script or a server's
error messages, a widget's label, a sign-up promo, a cookie consent notice, a download link, a picture's credit or
caption, the site's name on a line of its own (`guard_reason`), a bar of links (`is_link_bar`) and a teaser of another
story (`teaser_reason`). Each returns the reason a removed line is recorded with. `dedup.text.cleaning` applies them
when it chooses a page's lines; no fallback there overrides them (`cleaning.GUARDS`).
"""

from __future__ import annotations

import re

from dedup.memory import memo
from dedup.text.byline import PICTURE_AGENCY, by_prefix_end
from dedup.text.layout import Line
from dedup.text.normalise import caseless_search, fold_line
from dedup.text.uilabels import WIDGET_LABELS, is_counter_label, is_follow_prompt, is_other_language_consent

MARKUP_LEAK = "markup_leak"  # HTML emitted as text (a `<noscript>` body, escaped markup)
SCRIPT_LEAK = "script_leak"  # JavaScript emitted as text (`document.write(...)`)
ERROR_LEAK = "error_leak"  # a server's error message emitted into the page ("Warning: ... in /x.php on line 407")
CHROME_LABEL = "chrome_label"  # a whole line that is a widget's label ("Advertisement", "HIDE CAPTION")
SITE_NAME = "site_name"  # the site's name on a line of its own (the masthead, a footer)
LINK_BAR = "link_bar"  # three or more links and nothing else but separators ("Top | Back | Print")
SIGNUP_PROMO = "signup_promo"  # "Get our daily Entertainment newsletter", "Click here to turn on notifications"
CONSENT_NOTICE = "consent_notice"  # "We use cookies to improve your experience. By continuing you agree..."
CREDIT_LINE = "credit_line"  # a line that is only a credit or copyright: "© Bundesrat | Frank Bräuer", "Foto: dpa"
TEASER = "teaser"  # a widget's label glued to one link ("PUEDES VER: <headline>"), or a teaser ending in "Read more"
FILE_LINK = "file_link"  # a line ending in a file's type and size: "... Hochauflösendes Bild (jpeg, 1MB)"
CAPTION = "caption"  # a picture's caption, marked by its credit at its end or an enlarge button's label at its start


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_SCRIPT_CALL = re.compile(
    r"\bdocument\.(?:write|writeln|getElementById|createElement|querySelector)\s*\(|\bgoogletag\.|"
    r"\bwindow\.[A-Za-z_$][\w$]*\s*(?:=|\()|\bfunction\s*\([^)]*\)\s*\{|\bvar\s+[A-Za-z_$][\w$]*\s*=|"
    r"\b(?:jQuery|\$)\s*\(\s*(?:document|function|window)|\}\s*\)\s*;|\bnew\s+Date\s*\(\s*\)\s*\.")
_CODE_CHARS = b";{}()=<>[]\"'+"
# PHP's error messages as a misconfigured server prints them into the page, each naming the script file and line:
# "Warning: Creating default object from empty value in /www/htdocs/wp-includes/classes.php on line 407"
_SERVER_ERROR = re.compile(
    r"\b(?:PHP )?(?:Warning|Notice|Deprecated|Strict Standards|(?:Catchable )?Fatal error|Parse error)\s*:\s"
    r"[^\n]{1,400}? in (?:/|[A-Za-z]:\\)\S*? on line \d+")


# Whole lines that label a widget rather than say anything: the same words on every kind of site, in
# several languages. Only a line that is nothing else matches (case, punctuation and spacing folded).
_CHROME_LABELS = frozenset("""
advertisement|advertisements|advertising|anzeige|werbung|publicité|publicidad|pubblicità|reklama|iklan|
sponsored|sponsored content|paid content|weather|hide caption|show caption|toggle caption|close|share|
share this|share this article|share this story|share on facebook|share on twitter|print|print this article|
email|e mail|email this article|comments|comment|leave a reply|leave a comment|post a comment|add a comment|
read more|continue reading|read full article|related|related articles|related stories|related posts|
related content|related links|related coverage|more stories|more news|top stories|recommended|
recommended for you|most popular|most read|most viewed|trending|trending now|popular now|you may also like|
you might also like|you may also be interested in|you might be interested in|don t miss|we recommend|
skip to content|skip to main content|skip to navigation|skip to toolbar|skip to toolbar log out|log out|
log in|login|sign in|sign up|register|subscribe|subscribe now|newsletter|sign up for our newsletter|
back to top|top|back|next|previous|next article|previous article|next story|previous story|
next post|previous post|older post|newer post|older posts|newer posts|
vorheriger artikel|nächster artikel|vorheriger beitrag|nächster beitrag|article précédent|article suivant|
artículo anterior|artículo siguiente|articolo precedente|articolo successivo|
view comments|show comments|hide comments|accept|accept all|accept all cookies|accept cookies|
manage cookies|cookie settings|cookie policy|privacy policy|terms of use|terms of service|follow us|
follow us on twitter|like us on facebook|image|photo|video|watch|listen|loading|loading comments|
view this post on instagram|
about the author|more on this topic|more from this author|load more|show more|
weitere artikel|weitere nachrichten|weitere themen|mehr zum thema|zum thema|das könnte sie auch interessieren|
das könnte dich auch interessieren|auch interessant|lesen sie auch|lesen sie mehr|weiterlesen|mehr lesen|
ähnliche artikel|verwandte artikel|die meistgelesenen artikel|meistgelesen|meistgelesene artikel|
lade weitere inhalte|mehr laden|mehr anzeigen|jetzt teilen|artikel teilen|seite teilen|teilen|drucken|
über den autor|über die autorin|kommentare|kommentar schreiben|kommentieren|zur startseite|nach oben|
hier können sie den artikel bewerten|war der artikel nützlich|dir hat der artikel gefallen jetzt teilen|
gefällt ihnen dieser artikel|newsletter abonnieren|zum newsletter anmelden|
lire aussi|à lire aussi|a lire aussi|lire la suite|sur le même sujet|vos réactions|réagir|partager|
partager cet article|imprimer|commentaires|voir aussi|articles similaires|les plus lus|
leer más|noticias relacionadas|te puede interesar|también te puede interesar|compartir|comentarios|
lo más leído|leggi anche|potrebbe interessarti|articoli correlati|condividi|commenti|i più letti|
leia também|leia mais|notícias relacionadas|compartilhe|comentários|mais lidas|lees ook|lees meer|
meer nieuws|deel dit artikel|reacties|czytaj też|czytaj także|czytaj więcej|zobacz też|zobacz także|
komentarze|udostępnij|
vous aimerez aussi|vous aimerez également|vous pourriez aussi aimer|vous pourriez aimer|à voir aussi|a voir aussi|
à découvrir aussi|à découvrir|a decouvrir|dans la même rubrique|sur le même thème|les plus partagés|
zusatzinformationen|zusatzinfos|das könnte ihnen auch gefallen|das könnte dir auch gefallen|ebenfalls interessant|
empfohlene artikel|beliebte artikel|neueste artikel|passend zum thema|bild vergrößern|vergrößern|
enlarge this image|enlarge image|enlarge|see also|read also|also read|
puedes ver|te recomendamos|te puede interesar también|más noticias|otras noticias|lee también|lea también|
ver también|ti potrebbe interessare|potrebbe interessarti anche|ti potrebbero interessare|vedi anche|
você também pode gostar|veja também|leia mais sobre|dit vind je misschien ook leuk|ook interessant|
może cię zainteresować|może cię też zainteresować|polecamy|читайте также|смотрите также|вам может понравиться
""".replace("\n", "").split("|")) | WIDGET_LABELS  # and the labels of the other languages (round 33)
_MINUTES = (r"(?:ca )?\d+ (?:min|mins|minute|minutes|minuten|minutos|minuti|minuut|minuty|minut|минут|минуты|мин|хв|"
            r"dakika)")
_READING_TIME = (r"(?:reading time|lesezeit|lesedauer|temps de lecture|tiempo de lectura|tempo di lettura|"
                 r"tempo de leitura|leestijd|czas czytania|время чтения|час читання|okuma süresi) " + _MINUTES +
                 r"|" + _MINUTES + r" (?:reading time|reading|lesezeit|lesedauer|lesen|de lecture|de lectura|"
                 r"di lettura|de leitura|leestijd|czytania|чтения|читання|okuma)|lecture " + _MINUTES)
_COMMENTS = (r"(?:kommentare?|commentaires?|comentarios?|commenti|commento|comentários|reacties|reactie|komentarz[ey]?|"
             r"комментари(?:ев|я|й|и)|коментар(?:ів|і|я)?|yorum)")
_COMMENT_COUNT = (rf"\d+ {_COMMENTS}|{_COMMENTS} \d+|no comments(?: yet)?|keine kommentare|noch keine kommentare|"
                  r"aucun commentaire|sin comentarios|nessun commento|sem comentários|geen reacties|brak komentarzy")
_SHARE_ON = (r"(?:share|teilen|partager|compartir|condividi|compartilhar|compartilhe|delen|udostępnij|поделиться)"
             r"(?: (?:on|auf|via|per|sur|en|su|no|op|na|в))? (?:facebook|twitter|x|whatsapp|linkedin|pinterest|"
             r"telegram|xing|reddit|e ?mail|messenger|vk)"
             r"|(?:auf|bei|per|via) (?:facebook|twitter|whatsapp|linkedin|xing|pinterest|telegram|e ?mail) teilen")
_TIME_AGO = (r"(?:(?:posted|published|updated|added|veröffentlicht|aktualisiert|publié|mis à jour|publicado|"
             r"actualizado|pubblicato|aggiornato|atualizado) )?"
             r"(?:\d+ (?:sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|day|days|week|weeks|"
             r"month|months|year|years) ago"
             r"|vor \d+ (?:sekunden|minuten|min|stunden|std|tagen|wochen|monaten|jahren)"
             r"|il y a \d+ (?:secondes?|min|minutes?|heures?|h|jours?|semaines?|mois|ans?)"
             r"|hace \d+ (?:segundos?|min|minutos?|horas?|h|días?|dias?|semanas?|meses|mes|años?)"
             r"|há \d+ (?:segundos?|min|minutos?|horas?|h|dias?|semanas?|meses|mês|anos?)"
             r"|\d+ (?:secondi|minuti|min|ore|ora|giorni|giorno|settimane|mesi|mese|anni|anno) fa"
             r"|\d+ (?:seconden|minuten|min|uur|dagen|dag|weken|week|maanden|maand|jaar) geleden"
             r"|\d+ (?:секунд[уы]?|минут[уы]?|мин|час(?:а|ов)?|дн(?:я|ей)|день|недел[юьи]|месяц(?:а|ев)?|год(?:а)?|"
             r"лет) назад"
             r"|\d+ (?:sekund[ay]?|minut[ay]?|min|godzin[ay]?|godz|dni|dzień|tygodni[e]?|miesięcy|miesiące|lat) temu"
             r"|\d+ (?:saniye|dakika|dk|saat|gün|hafta|ay|yıl) önce)")
_CHROME_LABEL_PATTERN = re.compile(
    r"^(?:more (?:\w+ ){0,3}(?:stories|news|articles|headlines|videos|photos|from \w+(?: \w+){0,4})"
    r"|(?:you (?:may|might) (?:also )?(?:like|enjoy|be interested in))(?: \w+){0,3}"
    r"|(?:related|recommended|popular|trending|latest) (?:\w+ ){0,2}(?:stories|news|articles|posts|videos)"
    r"|(?:\d+ )?of \d+|photo \d+ of \d+|image \d+ of \d+|\d+ comments?|comments? \d+"
    r"|\d+ (?:min|mins|minute|minutes) read|published updated"
    # the same widget titles in German ("Lesen Sie auch die folgenden Beiträge", "Weitere Artikel zum Thema")
    r"|(?:lesen sie (?:auch|mehr)|weitere|mehr|ähnliche|verwandte|aktuelle) (?:\w+ ){0,3}"
    r"(?:beiträge|beitrage|artikel|nachrichten|meldungen|themen|news)(?: zum thema)?"
    # round 20: the reading time, the comment counter, the share buttons and the relative time stamp in the other
    # languages of the label list, as the English forms above and "N min read" have them ("Lesezeit: 3 Minuten",
    # "12 commentaires", "Auf Facebook teilen", "vor 3 Stunden", "hace 2 horas", "5 минут назад")
    rf"|{_READING_TIME}|{_COMMENT_COUNT}|{_SHARE_ON}|{_TIME_AGO})$")
# A short line that asks the reader to sign up for something: an imperative at its start and what is
# offered (a newsletter, alerts, notifications). Story sentences rarely start so; a line over
# SIGNUP_PROMO_MAX_WORDS words is left to the model.
_SIGNUP_PROMO = re.compile(
    r"^(?:get|sign up|subscribe|join|receive|click here to|turn on|enable|don't miss)\b.{0,80}?"
    r"\b(?:newsletters?|e-?newsletters?|notifications?|alerts?|updates|briefings?|digest|e-?mails?|inbox|mailing list)\b",
    re.IGNORECASE)
SIGNUP_PROMO_MAX_WORDS = 25
# the same in other languages: a newsletter and a sign-up verb in one short line ("Kostenlos zum Newsletter
# anmelden", "Inscrivez-vous à notre newsletter", "Suscríbete a nuestro boletín")
_NEWSLETTER_SIGNUP = re.compile(
    r"\b(?:newsletter|infolettre|boletín|nieuwsbrief)s?\b.{0,60}?\b(?:anmelden|abonnieren|bestellen|inscri\w*|"
    r"abonne\w*|suscr\w*|iscriviti|assine|aanmelden|zapisz\w*)|\b(?:anmelden|abonnieren|bestellen|inscri\w*|"
    r"abonne\w*|suscr\w*|iscriviti|assine|aanmelden|zapisz\w*)\b.{0,60}?\b(?:newsletter|infolettre|boletín|nieuwsbrief)",
    re.IGNORECASE)
# the browser's push notifications offered at a line's start, in other languages than _SIGNUP_PROMO's English
# ("Benachrichtigung aktivieren Dürfen wir Sie in Ihrem Browser ... informieren?", "Activer les notifications")
_NOTIFICATION_PROMPT = re.compile(
    r"^(?:(?:push-?(?:benachrichtigung(?:en)?|mitteilungen|nachrichten)|benachrichtigung(?:en)?|mitteilungen)"
    r" (?:aktivieren|einschalten)"
    r"|activ(?:er|ez) les notifications|activ(?:ar|a) (?:las )?notificaciones|attiva(?:re)? le notifiche"
    r"|ativ(?:ar|e) (?:as )?notificações|notificaties (?:aanzetten|inschakelen)|włącz powiadomienia)\b",
    re.IGNORECASE)
# every match of _NEWSLETTER_SIGNUP holds one of these words (same case rule): a pattern of literals that
# rules most lines out faster than the pattern itself
_NEWSLETTER_WORD = re.compile(r"newsletter|infolettre|boletín|nieuwsbrief", re.IGNORECASE)


# A cookie consent notice: the site telling the reader that it uses cookies, asking for consent, or saying what a
# cookie is. Every site of the consent-banner era carries one, in the reader's language. Story text about cookies
# (a recipe's cookie sheet, a web standard's Set-Cookie header, a browser's privacy plans) names them without the
# site speaking to the reader about its own use of them: both a notice phrase and the site's or the reader's voice
# are needed, in a line of at most CONSENT_NOTICE_MAX_WORDS words.
_CONSENT_PHRASE = re.compile(
    # "we use cookies", "this site uses cookies", "our use of cookies", "accept cookies", "diese Website verwendet
    # Cookies", "ce site utilise des cookies", "este sitio utiliza cookies", "deze site gebruikt cookies"
    r"\b(?:uses?|using|use of|accept(?:s|ing)?|verwende[nt]?|nutz(?:t|en)|setz(?:t|en)|einsatz von|"
    r"utilis(?:e|ons|ent|ation de)|utiliz(?:a|amos|an)|usamos|uso de|utilizz(?:a|iamo)|gebruik(?:t|en)?|akzeptier\w*|"
    r"accept(?:ez|er)|acept(?:a|ar|as)|accett(?:a|are|i))\b(?:\W+\w+){0,3}?\W+cookies?\b"
    # "cookies ... your consent / browser settings / preferences / privacy policy", "Cookies ... zustimmen"
    r"|\bcookies?\b.{0,100}?\b(?:consent|browser|browsing|privacy|preferences|settings|policy|opt[ -]out|"
    r"einwilligung|zustimm\w*|einverstanden|datenschutz\w*|einstellungen|consentement|navigateur|paramètres|"
    r"consentimiento|navegador|configuración|consenso|toestemming|akkoord|instellingen)\b"
    # "A cookie is a small text file", "Cookies sind kleine Textdateien", "Les cookies sont de petits fichiers"
    r"|\bcookies? (?:is|are|sind|sont|son|zijn) (?:a |kleine |de |des |pequeños |piccoli |small |petits )*"
    r"(?:text|textdateien|fichiers|archivos|file|bestanden)",
    re.IGNORECASE)
# the site's or the reader's voice: we/our/you/your and the same in the other languages, or "this (web)site"
_CONSENT_VOICE = re.compile(
    r"\b(?:we|our|us|you|your|this (?:web)?site|wir|uns|unsere?\w*|sie|ihre?\w*|du|dein\w*|diese (?:web)?seite|"
    r"nous|notre|nos|vous|votre|vos|ce site|nosotros|nuestr\w*|usted|este sitio|noi|nostr\w*|questo sito|"
    r"wij|onze|u|uw|deze (?:web)?site)\b",
    re.IGNORECASE)
CONSENT_NOTICE_MAX_WORDS = 80


def is_consent_notice(text: str) -> bool:
    """A cookie consent notice: "We use cookies to improve your browsing experience", "By choosing I Accept, you
    consent to our use of cookies", "Diese Website verwendet Cookies", "A cookie is a small text file..."."""
    # (a substring test rules out nearly every line before a pattern runs; every match holds "cookie" in some case)
    if "cookie" not in text.lower():
        return False
    return (len(text.split(None, CONSENT_NOTICE_MAX_WORDS)) <= CONSENT_NOTICE_MAX_WORDS
            and _CONSENT_PHRASE.search(text) is not None and _CONSENT_VOICE.search(text) is not None)


def _capital_ranges() -> str:
    """Every upper-case letter of the Basic Multilingual Plane (`str.isupper`) as a regex class's ranges."""
    capitals = [c for c in map(chr, range(0x10000)) if c.isupper() and c.isalpha()]
    ranges: list[list[str]] = []
    for c in capitals:
        if ranges and ord(c) == ord(ranges[-1][1]) + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}" for a, b in ranges)


# a capital letter in any cased script (Latin with its extensions, Greek, Cyrillic, Armenian, Georgian, ...), which the
# credit and caption rules take for a name's first letter: `[A-ZÀ-ÞА-ЯЁ]` until review round 26 missed "ČTK",
# "Łukasz", "Şükrü", "Őri" and every Greek name (and took `×` for a capital)
CAPITAL = _capital_ranges()

# A picture's credit: a credit marker, then only names: "© Bundesrat | Frank Bräuer", "(C) Kab Niang", "Foto: dpa",
# "Photo: Getty Images / AFP", "Bild: Keystone", "Bildnachweis: Stadt Trier". Markers: ©, (c), Copyright, and the words
# for photo, picture and image in the languages of the label list, each with its colon. Not the word "credit"
# ("Credit:", "Photo credit:", "Image credit:") nor "Photograph:" / "Photographer:": dragnet's gold keeps those lines
# as story text often enough that the rule cost it (docs/extraction.md, round 14).
_CREDIT_MARKER = (
    r"(?P<marker>©|\([cC]\)|[Cc]opyright\b:?|(?:(?:[Pp]hoto|PHOTO|[Ff]oto|FOTO|[Bb]ild|BILD|[Ii]mage|IMAGE|[Ii]magen|"
    r"[Pp]icture|[Ff]otograf[ií]a|[Ff]otografie|[Bb]ildquelle|[Ff]otoquelle|[Bb]ildnachweis|[Ff]otonachweis|"
    r"[Zz]dj[eę]cie|[Фф]ото)(?:s|en|er|i)?(?:\s+(?:[Pp]hotos?|[Ff]otos?|[Qq]uelle|[Dd]i|[Dd]e|[Bb]y))?\s?:))")
# the names after it: at most CREDIT_MAX_NAMES words, each capitalised, an agency's lower-case short name ("dpa",
# "afp"), or a joining word; separators (| / , ; & + -) between them (a year is read so that `_credit_words` can
# turn the line down: a copyright notice)
_CREDIT_NAMES = (
    r"(?:\s*(?:[|/,;&+·–—-]|\b(?:and|und|et|y|e|en|i|for|für|pour|para|per|voor|via|von|de|del|der|di|da|van|"
    r"dpa|afp|ap|epa|ddp|apa|ansa|efe|imago|istock|picture-alliance|picture\s+alliance)\b|"
    rf"[{CAPITAL}][\w'’.-]*(?![\w'’.-])|(?:19|20)\d\d(?!\d)))")
# (a name ends where its word ends: without the lookahead a long capitalised word could be split into names in
# exponentially many ways before a failing match gives up, "© AAAAAAAAAAAAAAAAAAAAAA abc" took 1.5 s)
CREDIT_MAX_NAMES = 8
_NAMES = rf"(?P<names>{_CREDIT_NAMES}{{1,{3 * CREDIT_MAX_NAMES}}})"
_PHOTO_CREDIT = re.compile(rf"\(?{_CREDIT_MARKER}{_NAMES}\s*\)?\.?")
# a caption whose credit closes it: "Le piquet de grève dans le hall de l'université / (C) Kab Niang", "Son tres los
# periodos de vacaciones durante el año escolar. Foto: Andina", "Rescue workers at the site (Photo: Reuters)"
_CREDIT_AT_END = re.compile(rf"(?:[\s/|(–—-]){_CREDIT_MARKER}{_NAMES}\s*\)?\.?$")
CAPTION_MAX_WORDS = 30
# an enlarge button's label read into the caption it sits on: "Vergrößern Eine kleine runde Aussparung...",
# "Enlarge this image Rescue workers...": the label, then a capital (the caption's first word)
_ENLARGE_LABEL = re.compile(
    r"^(?:Vergrößern|Bild vergrößern|Enlarge(?: this image| image)?|Agrandir(?: l['’]image)?|Ampliar(?: imagen)?|"
    rf"Ingrandisci(?: immagine)?|Vergroten|Powiększ|Увеличить)\s+(?=[{CAPITAL}\d„\"“«])")


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# a credit without a marker (round 20): names only that name a picture agency or stock library
# (`byline.PICTURE_AGENCY`: "Getty Images", "Chip Somodevilla/Getty Images", "Saul Loeb / AFP - Getty Images",
# "Natalie Naccache | Bloomberg | Getty Images") or a news agency beside a photographer's name ("REUTERS/Kevin
# Lamarque", "KIMIHIRO HOSHINO/AFP"); a news agency alone ("Reuters", "AFP") is a story's source line, and stays
_UNMARKED_MAX_CHARS = 120
_NEWS_AGENCY = re.compile(r"(?:^|[\s/|(–—-])(?:REUTERS|Reuters|AFP|EPA|dpa|DPA|ANSA|EFE|Keystone|KEYSTONE)(?![\w'’])")
_BARE_NAMES = re.compile(rf"\(?{_NAMES}\s*\)?\.?")
_NAME_SEPARATOR = re.compile(r"[/|]|\s[–—-]\s")
# a caption glued to its credit where the page set them in two boxes: a sentence's last word, its full stop, and at
# once (no space) names joined by '/' ("... mit Wahlleiter Matthias Mitzscherlich.DCV / Oppitz")
_GLUED_NAME = rf"[{CAPITAL}][\w'’-]*(?![\w'’-])(?: [{CAPITAL}][\w'’-]*(?![\w'’-])){{0,2}}"  # up to three words
_GLUED_CREDIT = re.compile(rf"[^\W\d_{CAPITAL}]{{2}}[.!?](?P<credit>{_GLUED_NAME}(?:\s?/\s?{_GLUED_NAME}){{1,3}})$")


def _credit_words(m: re.Match) -> int:
    """The words of a credit's names; 0 for names with a year, a copyright notice rather than a picture's credit
    ("© 2019 Hearst Communications, Inc.", "©2023 Bloomberg L.P.": the licence reader's evidence, and a wire story's
    closing line that its syndicated copies share), and for "(c)" before a single word (an enumeration's third
    item: "(c) Definitions")."""
    if _YEAR.search(m["names"]):
        return 0
    n = len(re.findall(r"[^\W_][\w'’.-]*", m["names"]))
    return 0 if n == 1 and m.groupdict().get("marker") in ("(c)", "(C)") else n


_ENLARGE_INITIALS = "VBEAIPУ"
_SENTENCE_BREAK = re.compile(r"[.!?…][\"”’)]*\s+\S")  # a sentence's end inside a line, another after it
_DESCRIPTION_WORD = re.compile(rf"\b[^\W\d_{CAPITAL}]{{3,}}\b")  # a lower-case word of three letters or more


def credit_reason(text: str) -> str | None:
    """CREDIT_LINE, CAPTION or None, from the line's shape alone (at most CAPTION_MAX_WORDS words):
    - CREDIT_LINE: a credit marker ("©", "(c)", "Copyright", "Foto:", "Bild:", "Photo:", "Image:"...) and only names
      after it, no year among them ("© Bundesrat | Frank Bräuer", "(C) Kab Niang", "Foto: dpa", "(Image: GETTY)"), at
      most CREDIT_MAX_NAMES words of them; or such a credit after a few words of names ("Hearst Newspapers ©
      Hearst Newspapers, LLC");
    - CAPTION: a description (a lower-case word of three letters or more) closed by such a credit ("Le piquet de
      grève dans le hall de l'université / (C) Kab Niang", "... durante el año escolar. Foto: Andina"), or a line
      that starts with an enlarge button's label before a capital ("Vergrößern Eine kleine runde Aussparung ...").
    A credit inside a longer sentence, or followed by more words than names, is none of these."""
    if len(text) > 400:
        return None
    # every credit marker holds ':', '©', 'opyright' or '(c)' / '(C)', every enlarge label starts with one of
    # _ENLARGE_INITIALS (substring tests rule most lines out before a pattern runs; a pattern of the four is slower)
    enlarge = text[:1] in _ENLARGE_INITIALS and _ENLARGE_LABEL.match(text) is not None
    slash = "/" in text or "|" in text
    # an unmarked credit holds a separator, or names a picture agency or stock library without one ("Getty Images",
    # "Kirby Lee-USA TODAY Sports", "IMAGO": `byline.PICTURE_AGENCY`, the one list of them, asked only of a line
    # short enough to be such a credit; round 22: a pre-filter of two of its names here left the others out)
    agency = slash or (len(text) <= _UNMARKED_MAX_CHARS and PICTURE_AGENCY.search(text) is not None)
    if not (enlarge or agency or ":" in text or "©" in text or "opyright" in text
            or ("(" in text and ("(c)" in text or "(C)" in text))):
        return None
    if len(text.split(None, CAPTION_MAX_WORDS)) > CAPTION_MAX_WORDS:
        return None
    if enlarge:
        return CAPTION
    stripped = text.strip()
    if agency and _unmarked_credit(stripped):
        return CREDIT_LINE
    if slash and _glued_caption(stripped):
        return CAPTION
    m = _PHOTO_CREDIT.fullmatch(stripped)
    if m is not None and 1 <= _credit_words(m) <= CREDIT_MAX_NAMES:
        return CREDIT_LINE
    m = _CREDIT_AT_END.search(stripped)
    if m is None or not 1 <= _credit_words(m) <= CREDIT_MAX_NAMES or m.start() == 0:
        return None
    head = stripped[:m.start()]
    if _DESCRIPTION_WORD.search(head):
        # one sentence at most: a short post of several sentences that credits its pictures at its end is the
        # post ("... a pencil drawing. Mind...blown. Artwork and photos © DiegoKoi" is dragnet's gold)
        return CAPTION if _SENTENCE_BREAK.search(head.rstrip(" .!?…/|(–—-")) is None else None
    return CREDIT_LINE if len(head.split()) <= 4 else None


def _unmarked_credit(stripped: str) -> bool:
    """Names only (at most CREDIT_MAX_NAMES words, no year) that name a picture agency, or a news agency beside
    another name after a separator: a picture's credit without a marker."""
    if len(stripped) > _UNMARKED_MAX_CHARS:
        return False
    picture = PICTURE_AGENCY.search(stripped) is not None
    if not picture and (_NEWS_AGENCY.search(stripped) is None or _NAME_SEPARATOR.search(stripped) is None):
        return False
    if by_prefix_end(stripped) >= 0:  # a byline ("By Claire Brennan | Reuters") is no picture's credit
        return False
    m = _BARE_NAMES.fullmatch(stripped)
    # a news agency alone ("dpa /", "Reuters") is a dateline's or a byline's rest, not a picture's credit
    return m is not None and (1 if picture else 2) <= _credit_words(m) <= CREDIT_MAX_NAMES


def _glued_caption(stripped: str) -> bool:
    """A one-sentence caption (a lower-case word of three letters or more) glued to a credit of names joined by
    '/' after its full stop, without a space."""
    cut = max(stripped.rfind("."), stripped.rfind("!"), stripped.rfind("?"))  # the credit's names hold none
    if cut < 2 or "/" not in stripped[cut:] or not stripped[cut + 1:cut + 2].isupper():
        return False
    m = _GLUED_CREDIT.match(stripped, cut - 2)
    if m is None:
        return False
    head = stripped[:m.start("credit")]
    return _DESCRIPTION_WORD.search(head) is not None and _SENTENCE_END.search(head.rstrip(" .!?")) is None


# a sentence's end inside a line, not a name's initial ("Eva M. Welskop-Deffaa")
_SENTENCE_END = re.compile(rf"(?<!\b[{CAPITAL}])[.!?…][\"”’)]*\s+\S")


# a file's type and size in brackets at a line's end: the line is (or ends with) a link to download a file, a
# picture's or a document's ("Hochauflösendes Bild (jpeg, 1MB)", "Jahresbericht 2021 (PDF, 2,3 MB)")
_FILE_TAG = re.compile(
    r"\((?:pdf|jpe?g|png|gif|tiff?|docx?|xlsx?|pptx?|odt|zip|mp3|mp4)\W{1,3}\d[\d.,]*\s*[kmg]i?b\)\s*$", re.IGNORECASE)
FILE_LINK_MAX_WORDS = 40


def is_file_link(text: str) -> bool:
    """A line of at most FILE_LINK_MAX_WORDS words that ends with a file's type and size in brackets: a download
    link, alone or after the caption of the picture it offers ("... #WeRemember © Bundesrat | Frank Bräuer
    Hochauflösendes Bild (jpeg, 1MB)")."""
    return text.endswith(")") and _FILE_TAG.search(text) is not None \
        and len(text.split(None, FILE_LINK_MAX_WORDS)) <= FILE_LINK_MAX_WORDS


def is_signup_promo(text: str) -> bool:
    """A short line asking the reader to sign up: "Get our weekly California Inc. newsletter", "GET
    BREAKING NEWS IN YOUR BROWSER. CLICK HERE TO TURN ON NOTIFICATIONS.", "Subscribe to Updates"."""
    # (split at most SIGNUP_PROMO_MAX_WORDS times: a longer line's count is not needed)
    return len(text.split(None, SIGNUP_PROMO_MAX_WORDS)) <= SIGNUP_PROMO_MAX_WORDS and (
        _SIGNUP_PROMO.search(text) is not None or _NOTIFICATION_PROMPT.search(text) is not None
        or (caseless_search(text, _NEWSLETTER_WORD)
            and _NEWSLETTER_SIGNUP.search(text) is not None) or is_follow_prompt(text))


def is_chrome_label(text: str) -> bool:
    """A short line that is only a widget's label: "Advertisement", "HIDE CAPTION", "More Business
    stories", "You may also be interested in:", "Skip to toolbar Log Out", "1 of 12"."""
    return len(text) <= 60 and _is_label(fold_line(text))


def _is_label(folded: str) -> bool:
    return folded in _CHROME_LABELS or _CHROME_LABEL_PATTERN.match(folded) is not None \
        or is_counter_label(folded)  # (round 33: the counters and stamps of other scripts)


def is_markup_leak(text: str) -> bool:
    """A line that is mostly HTML tags (at least half its characters inside `<...>`)."""
    if "<" not in text or ">" not in text:
        return False
    inside = sum(len(m.group(0)) for m in _TAG.finditer(text))
    return inside >= 0.5 * len(text)


def is_script_leak(text: str) -> bool:
    """A line of JavaScript: a code-like share of punctuation and a script call pattern."""
    if "(" not in text and "=" not in text:
        return False
    data = text.encode("utf-8", "surrogatepass")  # ASCII marks: one byte each, never inside another character
    code = len(data) - len(data.translate(None, _CODE_CHARS))
    return code >= 0.06 * len(text) and _SCRIPT_CALL.search(text) is not None


def is_error_leak(text: str) -> bool:
    """A line that is mostly a server's error messages (at least half its characters): "Warning: Creating default
    object from empty value in /www/htdocs/wp-includes/classes.php on line 407"."""
    if " on line " not in text:
        return False
    inside = sum(len(m.group(0)) for m in _SERVER_ERROR.finditer(text))
    return inside >= 0.5 * len(text)


def leak_reason(text: str) -> str | None:
    """MARKUP_LEAK, SCRIPT_LEAK or ERROR_LEAK for a line that is leaked markup, code or a server's error
    messages, else None."""
    if is_markup_leak(text):
        return MARKUP_LEAK
    if is_script_leak(text):
        return SCRIPT_LEAK
    if is_error_leak(text):
        return ERROR_LEAK
    return None


_BAR_SEPARATORS = re.compile(r"[\s|•·/»›,;:\-–—]+")


def is_link_bar(line: Line) -> bool:
    """At least three links and, besides their text, only separators: a navigation or tools bar. Read with
    the exact link figures (`layout.Line`): an index term's empty anchor makes no paragraph a bar."""
    if line.exact_links < 3:
        return False
    return len(_BAR_SEPARATORS.sub("", line.text)) <= line.exact_link_chars


# the labels a teaser ends with when its only link is that label ("... Seht selbst! Weiterlesen"); a bare "more" /
# "mehr" / "learn more" is not one of them: CleanEval's gold keeps list pages whose every item ends so (a golf
# course directory, a magazine's news list, an institute's "about" line)
READ_MORE_MAX_CHARS = 30
TEASER_LABEL_MAX_CHARS = 60  # as a whole-line label (`is_chrome_label`)
_READ_MORE = frozenset("""
read more|continue reading|read full article|read the full story|full story|
weiterlesen|mehr lesen|lire la suite|en savoir plus|leer más|seguir leyendo|
leggi tutto|continua a leggere|leia mais|lees meer|czytaj więcej|читать далее
""".replace("\n", "").split("|"))


# widget labels that name what a link is (an address, a picture, a player) rather than announce another story: a
# contact line "Email: <address>" or a credit "Photo: <site>" is no teaser
_NOT_TEASER_LABELS = frozenset({"email", "e mail", "image", "photo", "video", "watch", "listen"})


def teaser_reason(line: Line, beside_story: bool = False) -> str | None:
    """A line that is a widget's label and one link (the link at its end: a teaser of another story,
    "PUEDES VER: ¿Qué es la Sunedu...?", "Vorheriger Artikel++ Wetter in der Region ++"), or a teaser whose
    one link is a read-more label at its end ("... Seht selbst! Weiterlesen"). Read from where the link
    text can stand: the line's non-link characters are its label, or its link characters its last words."""
    if line.exact_links != 1 or not 0 < line.exact_link_chars < len(line.text):
        return None
    text = line.text
    cut = len(text) - line.exact_link_chars
    if cut <= TEASER_LABEL_MAX_CHARS:
        label = fold_line(text[:cut])
        if label and label not in _NOT_TEASER_LABELS and _is_label(label):
            return TEASER
    if beside_story and line.exact_link_chars <= READ_MORE_MAX_CHARS and fold_line(text[cut:]) in _READ_MORE \
            and fold_line(text[:cut]):
        return TEASER
    return None


def guard_reason(text: str, names: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The guard a line fails whatever the model says: leaked markup or script, a widget label, a sign-up
    promo, a consent notice, a download link (`is_file_link`), a credit or caption, the site's name on its own
    line. None for every other line."""
    folded, reason = _text_guard(text)
    if folded is not None and names and folded in names:
        return SITE_NAME
    return reason


# The guards of a line's text alone, remembered for the lines seen last: a site's chrome lines stand on each of
# its pages (pure: the same answers)
GUARD_MEMO = 16384


@memo(GUARD_MEMO)
def _text_guard(text: str) -> tuple[str | None, str | None]:
    """(the line folded if it is short enough to be a label or a site name, else None; the guard it fails
    other than the site's name), for `guard_reason`."""
    folded = fold_line(text) if len(text) <= 60 else None  # (`is_chrome_label`, folded once for both tests)
    if folded is not None and _is_label(folded):
        return folded, CHROME_LABEL
    if is_signup_promo(text):
        return folded, SIGNUP_PROMO
    if is_consent_notice(text) or is_other_language_consent(text):
        return folded, CONSENT_NOTICE
    if is_file_link(text):
        return folded, FILE_LINK
    return folded, credit_reason(text) or leak_reason(text)
