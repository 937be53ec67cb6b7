"""Which names of a byline are an outlet's, not a person's: the word lists bylines are read with (roles, labels,
organisations' words) and the desk and newsroom rules (`_newsroom_staff`, `_opens_with_acronym`, the site's own
names). Split from `dedup.text.byline` (review round 28), which reads the bylines and imports these.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dedup.text.normalise import WORD_RE, fold_text

_ROLE_WORDS = frozenset((
    "staff writer reporter correspondent editor editors contributor contributing columnist senior chief "
    "associate assistant managing deputy executive political science business sports health tech technology "
    "national international foreign city news freelance freelancer journalist photographer producer analyst "
    "redakteur redakteurin redaktion chefredakteur chefredakteurin korrespondent korrespondentin autor autorin "
    "journaliste rédacteur rédactrice correspondant envoyé spécial special redactor redactora periodista "
    "corresponsal giornalista inviato columnist guest gastautor gastautorin blogger host anchor author writer "
    "mitarbeiter volontär volontärin rechtsanwalt rechtsanwältin anwalt attorney lawyer pressesprecher "
    "pressesprecherin spokesperson spokesman spokeswoman manager director officer founder president ceo product "
    "editor-at-large "
    # round 24: the trades a company's blog signs its posts with ('Posted by Dave Cohen, Engineer Google Photos')
    "engineer engineering designer developer programmer scientist researcher architect strategist evangelist "
    "consultant specialist intern "
    "корреспондент журналист muhabir 기자 특파원 记者 記者"
    ).split())
_NOT_A_NAME = frozenset((
    "admin administrator administrador redaktion redaction rédaction redazione redacción editorial editorial team "
    "staff team newsroom newsdesk news desk guest gast anonymous anonym unknown unbekannt home menu author authors "
    "autor autoren auteur by von posted published updated share comments comment read more mehr lesen login "
    "webmaster user guest author editor editors the editors our team support follow folgen suivre seguir "
    "sponsored gesponsert gesponserte anzeige advertisement advertorial werbung partner promoted inhalte content "
    "paid alle all artikel articles beiträge posts mehr more view profile profil min min. minuten minutes sek "
    "lesezeit read text foto fotos photo photos bild video permalink trackback trackbacks veröffentlicht "
    "aktualisiert erstellt publié publicado pubblicato gepubliceerd "
    # round 16: a share bar's, a comment form's and an archive link's labels ('Tweet', 'Email', 'Name', 'Required',
    # 'Print', 'Author Archive'), read from author and byline boxes on pages the rules were not tuned on; round 16b:
    # a sign-up link ('Register') beside the headline
    "tweet email e-mail mail name required print twitter facebook about update originally unclassified archive "
    "archives publisher register "
    # round 23: an author box's links to the writer's website and other articles ('Website | Other Articles')
    "other website "
    # round 26: a blog's link list heading ('Blogroll') over its author box
    "blogroll "
    "редакция редакція гость аноним admin 小编 编辑 編輯 管理员 匿名 佚名 网友 游客 المحرر التحرير زائر "
    "입력 수정 등록 송고 기사입력 최종수정 업데이트").split())  # (round 29: a Korean date's label, '입력 2022. 5. 12.')
_NOT_NAME_OR_ROLE = _NOT_A_NAME | _ROLE_WORDS
# words that make a name an organisation's (a set lookup per word: a long alternation is slow in `re`)
_ORG_WORDS = frozenset((
    "gmbh ag inc ltd llc plc sa ev verlag media medien news online magazin magazine zeitung redaktion "
    "redaction rédaction redazione redacción newsroom desk tv radio press presse agency agentur group gruppe "
    "association verband institut institute university universität department ministry ministerium blog team "
    "staff verein stiftung foundation company corporation network netzwerk partei party club "
    "society gesellschaft services service studio official editorial noticias nachrichten actualités notizie "
    "nieuws wiki kitchen kitchens küche family familie abteilung division bureau office amt feuerwehr polizei "
    "police church kirche diakonie caritas stadt gemeinde council school schule hospital klinik clinic bank shop "
    "store hotel restaurant museum theater theatre festival orchestra orchester chor choir verlagsgruppe holding "
    "lab labs software systems solutions consulting marketing digital communication communications "
    "kommunikation pr illustrierte "
    # a newspaper's title ('Chicago Sun Times' closing a story it credits: round 19)
    "times tribune herald gazette chronicle "
    # (round 24: more words a paper's title closes with, 'Sioux Falls Argus Leader')
    "journal sentinel inquirer examiner dispatch courier leader "
    # (round 29: a Dutch, German or Nordic paper's title word, 'NRC Handelsblad' where no site name tells it)
    "handelsblad dagblad nieuwsblad krant courant dagbladet aftonbladet handelsblatt tageblatt abendblatt tidning "
    "редакция агентство газета журнал новости вести вісті вiсті haber ajansı gazetesi "
    "وكالة صحيفة جريدة مجلة موقع قناة شبكة فريق").split())
# Chinese and Japanese write no spaces: an organisation's name ends in the word for what it is (a news site, a
# paper, an agency, a broadcaster, a department ...)
_CJK_ORG_ENDINGS = ("网", "網", "报", "報", "社", "台", "部", "局", "院", "站", "刊", "组", "組", "室", "司", "团",
                    "團", "校", "馆", "館", "中心", "新闻", "新聞", "频道", "頻道", "ニュース", "编辑部", "編集部")
_ORG_ABBREVIATION = re.compile(r"\be\.\s?v\b|\bs\.\s?a\b|\bcity\s+of\b")
_DOMAIN_LIKE = re.compile(r"\b[\w-]+\.(?:com|net|org|de|at|ch|fr|es|it|nl|be|uk|co|io|info|eu|cz|pl|ru|tv|fm)\b", re.I)


@lru_cache(maxsize=256)
def _site_keys(site_names: tuple[str, ...]) -> frozenset[str]:
    """The comparison keys of a page's site names: the same for every byline of a page and of a site."""
    return frozenset(fold_text(s) for s in site_names if s)


# the words a paper's title closes with beyond the organisations' words above (`_ORG_WORDS`: 'times', 'herald'):
# where a host label runs them together with the rest ('bostonglobe', 'washingtonpost', 'thestar'), they are the
# only place it can be split at; no given name is one of them
_TITLE_CLOSINGS = frozenset(("globe", "post", "star", "sun", "mirror", "express", "telegraph", "guardian", "observer",
                             "independent", "standard", "record", "bulletin", "monitor"))
_NAME_WORD = re.compile(r"[^\W_]+")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=256)
def _site_words(site_names: tuple[str, ...]) -> frozenset[str]:
    """The whole words of a page's site names as written, folded ('The Boston Globe' -> the, boston, globe;
    'BostonGlobe.com' -> boston, globe, com), and a paper's title word closing a word that runs several together
    ('bostonglobe' -> globe, 'washingtonpost' -> post; review round 28: the folded keys' endings took 'ian' from
    'theguardian', 'ed' from 'wired')."""
    words: set[str] = set()
    for name in site_names:
        for word in _NAME_WORD.findall(name or ""):
            for part in _CAMEL_HUMP.split(word):
                words.add(fold_text(part))
    for word in list(words):
        words.update(t for t in _TITLE_CLOSINGS if word.endswith(t))
    words.discard("")
    return frozenset(words)



def _opens_with_role(part: str) -> bool:
    return part.split(None, 1)[0].lower().strip(".,") in _ROLE_WORDS



def _has_org_word(name: str) -> bool:
    low = name.lower()
    # (the abbreviations hold a '.' or 'city': without either, their pattern is not tried at every place)
    return not _ORG_WORDS.isdisjoint(WORD_RE.findall(low)) or (
        ("." in low or "city" in low) and _ORG_ABBREVIATION.search(low) is not None)



# words that open a desk's, a column's or a programme's name and never a person's: a beat ('Business Insider', 'Tech
# Insider', 'Political Wire'), an ordinal, a time of day, a period ('First Read', 'Morning Brew', 'Daily Mail'; round
# 26; not a job title, which may stand before a surname: 'Rechtsanwalt Müller')
_DESK_OPENINGS = frozenset("business political politics science sports sport health tech technology national "
                           "international foreign city news world money culture opinion "
                           "first second third daily weekly monthly morning evening nightly tonight today "
                           "breaking".split())


def _opens_as_desk(name: str) -> bool:
    """A name of several words opening with a beat ('Business Insider', 'Tech Insider', 'Political Wire') or a
    column's word ('First Read') names a desk, a column or an outlet: no given name is one of those words (round 26:
    before, a host naming it alike, firstread.msnbc.msn.com, kept it as a person's own site keeps its author)."""
    first, _, rest = name.partition(" ")
    return bool(rest) and first.lower().strip(".,") in _DESK_OPENINGS




# the words that close a newsroom's name after its outlet's ('Patch Staff', 'BI Team', 'CNBC Desk'; round 27)
_NEWSROOM_CLOSINGS = frozenset("staff team desk newsroom editors".split())
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
# the prefixes of names written in camel case ('DeAndre', 'LeBron', 'DiCaprio', 'VanDyke', 'McDonald', 'MacLeod')
_NAME_PREFIXES = frozenset("De Le La Di Du Van Von Mc Mac O'".split())


def _is_brand_word(word: str) -> bool:
    """'InvestorPlace', 'NewsNation': a word in camel case is a brand's, unless each capital inside it follows a
    name's prefix ('DeAndre', 'McDonald', 'MacLeod', 'LaToya': given names and surnames; review of round 27)."""
    start = 0
    for hump in _CAMEL_CASE.finditer(word):
        if word[start:hump.start() + 1] not in _NAME_PREFIXES:
            return True
        start = hump.start() + 1
    return False


def _newsroom_staff(part: str, site_keys: frozenset[str] = frozenset(),
                    site_words: frozenset[str] = frozenset()) -> str | None:
    """'Fox News Staff' -> 'Fox News', 'BI Staff' -> 'BI': a byline part closing with a newsroom's word ('Staff',
    'Team', 'Desk') after an outlet's name names that outlet's newsroom, not a person (round 26: the roles stripped
    from its end left 'Fox'). The outlet's name is an acronym, a name closing with a beat or an organisation's word,
    and since round 27 a brand's word opening it (`_is_brand_word`: 'InvestorPlace Research Staff'; a name's camel case
    is no brand's: 'DeAndre Staff', 'Ronald McDonald Staff') or the site's own name ('Patch Staff' on patch.com); None
    for anything else ('Jörg Staff', 'Staff Writer')."""
    head, _, last = part.rpartition(" ")
    if not head or last.lower() not in _NEWSROOM_CLOSINGS:
        return None
    closing = head.rpartition(" ")[2]
    if head.split(None, 1)[0].lower() in ("our", "unser", "unsere", "notre", "nuestro", "nostro"):
        return None  # 'By Our Foreign Staff': the paper's own desk, named by no outlet's name
    if (" " not in head and head.isupper() and len(head) >= 2) or (" " in head and (
            closing.lower() in _ROLE_WORDS or closing.lower() in _ORG_WORDS) and not _opens_with_role(head)) or (
            _is_brand_word(head.split(None, 1)[0]) or fold_text(head) in site_keys) or (
            last.lower() == "staff" and _names_a_desk_alone(head, site_words)):
        # ('Staff' is the outlet's people, and goes; 'Team', 'Desk' are of the newsroom's name: 'Teufel Editorial
        # Team')
        return head if last.lower() == "staff" else part
    return None


def _names_a_desk_alone(head: str, site_words: frozenset[str]) -> bool:
    """'The Patch', 'Herald', 'Globe' on The Boston Globe's pages before 'Staff' (round 29; review round 27): one
    plain capitalised word names the outlet whose staff signs only where something says it is an outlet's: an
    organisation's word (`_ORG_WORDS`), or a whole word of the site's name, publisher or host label (`_site_words`:
    'Globe' of 'The Boston Globe' or 'bostonglobe'; not 'Ian' of 'theguardian', review round 28); else it stays the
    given name it reads as ('Jane Staff' is 'Jane', as before round 29). No person's name opens with 'The'. Camel
    case or letters beyond ASCII keep a surname 'Staff' ('McKenzie', 'Jörg')."""
    if head.startswith("The "):
        return True
    word = head.lower()
    return " " not in head and head.isascii() and head.isalpha() and head[0].isupper() and head[1:].islower() and (
        word not in _NOT_NAME_OR_ROLE and word not in _DESK_OPENINGS) and (word in _ORG_WORDS or word in site_words)


def _opens_with_acronym(name: str, site_keys: frozenset[str]) -> bool:
    """'CNBC Make It' on cnbc.com, 'NBC Nightly News': a name opening with 3+ capitals and no vowel (an outlet's call
    letters; a surname in capitals before the given name, 'DOE Jane', holds a vowel), then capitalised words only (not
    'RSS feed'), names an outlet's desk (round 27) when the letters are the site's or the publisher's name ('cnbc' of
    cnbc.com, 'SWR Sport' the publisher) or an outlet's word follows them ('Nightly', 'Sport', 'Nieuws'): initials
    open people's names too ('KVS Ramana', 'GVL Narasimha Rao', 'JRR Tolkien'; the lead's review of round 27)."""
    first, _, rest = name.partition(" ")
    if not (rest and len(first) >= 3 and first.isalpha() and first.isupper() and not rest.isupper()
            and not any(vowel in first for vowel in "AEIOUY") and all(w[:1].isupper() for w in rest.split())):
        return False
    letters = first.lower()
    return any(key == letters or key.startswith((letters + ".", letters + " ")) for key in site_keys) or any(
        word.lower() in _DESK_OPENINGS or word.lower() in _ORG_WORDS for word in rest.split())



def _is_domain_like(name: str) -> bool:
    """`_DOMAIN_LIKE` finds a domain in the name (it needs a '.': without one it is not tried at every place)."""
    return "." in name and _DOMAIN_LIKE.search(name) is not None

