"""Server-generated pages are not stories (issue 12, docs/extraction.md "Real copies round 5b: server pages").

A crawl answered with HTTP 200 holds pages no one wrote as a story, and many different sites serve them word
for word: a CMS's "page not found" page in the site's language, a bot challenge ("Just a moment..."), a
JavaScript-required shell, a consent wall, a paywall stub. On main, two sites' German 404 pages merged (a
duplicate row pointing at the other site's error page) and a Cloudflare challenge page was a canonical
"story" in data/. Each is now a reject row with the reason `not_a_story` and a detail naming the line that
names it; a story whose headline merely holds such words, or that carries a banner above its text, stays.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from dedup.config import BuildConfig
from dedup.text.sentences import passages
from dedup.text.serverpages import is_status_page
from dedup.pipeline import build

STORY = [
    "The harbour board met on Tuesday and agreed to repair the north pier before the winter storms, after "
    "engineers found cracks in three of its supporting columns.",
    "The work will close the pier to fishing boats for six weeks from the first of November, the board's "
    "chairwoman said, and the boats will moor at the old ferry slip in the meantime.",
    "Engineers told the board that the cracks had most likely been caused by last winter's storms, which "
    "drove waves over the top of the pier on at least four nights in February.",
    "The repairs are expected to cost about 1.2 million pounds, most of it from the council's reserve for "
    "coastal works, with the rest from the board's own maintenance budget.",
]

# short real-looking pages of two different sites each ({host} differs), as CMSs, CDNs and apps serve them
WALLS = {
    "de-404": ('<html><head><title>Seite nicht gefunden – {site}</title></head><body><header><a href="/">Startseite'
               '</a></header><main><h1>Seite nicht gefunden</h1><p>Die von Ihnen aufgerufene Seite existiert leider '
               'nicht oder wurde verschoben.</p><p>Bitte nutzen Sie die Suche oder kehren Sie zur Startseite zurück.'
               '</p></main></body></html>'),
    "fr-404": ('<html><head><title>Page introuvable | {site}</title></head><body><main><h1>Erreur 404</h1><p>La page '
               'que vous recherchez a peut-être été supprimée ou est temporairement indisponible.</p></main></body>'
               '</html>'),
    "es-404": ('<html><head><title>Página no encontrada - {site}</title></head><body><h1>¡Vaya! No se puede encontrar '
               'esa página.</h1><p>Parece que no se encontró nada en esta ubicación. ¿Quizá quieras probar una '
               'búsqueda?</p></body></html>'),
    "ru-404": ('<html><head><title>Страница не найдена</title></head><body><h1>Страница не найдена</h1><p>'
               'Запрашиваемая вами страница не существует или была удалена с сайта.</p></body></html>'),
    "ja-404": ('<html><head><title>ページが見つかりません | {site}</title></head><body><h1>ページが見つかりません</h1><p>お探しの'
               'ページは、移動もしくは削除された可能性があります。</p></body></html>'),
    "challenge": ('<html lang="en-US"><head><title>Just a moment...</title></head><body><div class="main-content"><h1>'
                  '{host}</h1><h2>Checking if the site connection is secure</h2><div>{host} needs to review the '
                  'security of your connection before proceeding.</div></div><div class="footer">Ray ID: 7a1b2c3d4e5f'
                  '<br>Performance &amp; security by Cloudflare</div></body></html>'),
    "cf-blocked": ('<html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been '
                   'blocked</h1><h2>You are unable to access {host}</h2><p>This website is using a security service '
                   'to protect itself from online attacks.</p></body></html>'),
    "js-shell": ('<html><head><title>{site}</title></head><body><p>You need to enable JavaScript to run this app.</p>'
                 '<div id="root"></div></body></html>'),
    "consent": ('<html><head><title>Before you continue</title></head><body><h1>Before you continue</h1><p>We use '
                'cookies and data to deliver and maintain our services.</p><button>Accept all</button></body></html>'),
}
SITES = (("www.harbourtimes.example", "Harbour Times"), ("www.valleyrecord.example", "Valley Record"))


def _story(site: str, headline: str, lines: list[str], banner: str = "") -> str:
    body = "".join(f"<p>{line}</p>" for line in lines)
    return (f"<html><head><title>{headline} | {site}</title></head><body><article>{banner}<h1>{headline}</h1>{body}"
            f"</article></body></html>")


@pytest.fixture(scope="module")
def wall_build(tmp_path_factory) -> Path:
    """One build of every wall on two sites, and the stories that must stay."""
    tmp = tmp_path_factory.mktemp("walls")
    records = [{"id": f"{kind}@{host}", "url": f"https://{host}/some/page", "html": html.format(host=host, site=site)}
               for kind, html in WALLS.items() for host, site in SITES]
    records += [{"id": "story", "url": "https://www.harbourtimes.example/news/pier",
                 "html": _story("Harbour Times", "Pier to close for repairs", STORY)},
                {"id": "story-headline-words", "url": "https://www.valleyrecord.example/news/page",
                 "html": _story("Valley Record", "Page not found: the lost letters of a harbour master", STORY[:2])},
                {"id": "story-under-banner", "url": "https://www.valleyrecord.example/news/pier",
                 "html": _story("Valley Record", "Harbour pier repairs approved", STORY[1:3],
                                "<p>You need to enable JavaScript to run this app.</p>")}]
    crawl = tmp / "crawl.jsonl"
    crawl.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    build([str(crawl)], tmp / "out", BuildConfig(), workers=1)
    return tmp / "out"


def _rows(out: Path, table: str, columns: list[str]) -> pl.DataFrame:
    return pl.read_parquet(sorted((out / table).rglob("*.parquet")), columns=columns)


@pytest.mark.parametrize("kind", sorted(WALLS))
def test_two_sites_walls_are_not_a_story_rejects_and_never_merge(wall_build, kind):
    """Neither site's page is a canonical row nor a duplicate of the other's: both are rejects, reason
    `not_a_story`, whose detail quotes the line that names the page."""
    kept = {d for t in ("data", "duplicates") for d in _rows(wall_build, t, ["doc_id"])["doc_id"]}
    rejects = {d: (r, why) for d, r, why in _rows(wall_build, "rejects", ["doc_id", "reason", "detail"]).iter_rows()}
    for host, _ in SITES:
        doc = f"{kind}@{host}"
        assert doc not in kept
        assert rejects[doc][0] == "not_a_story" and "server-generated page" in rejects[doc][1], rejects[doc]


def test_stories_with_such_words_or_a_banner_stay_and_every_record_is_in_one_place(wall_build):
    """The two other pages carry the story's paragraphs: they join it (as duplicates) and are no rejects."""
    data = set(_rows(wall_build, "data", ["doc_id"])["doc_id"])
    copies = dict(_rows(wall_build, "duplicates", ["doc_id", "canonical_doc_id"]).iter_rows())
    assert "story" in data
    assert copies == {"story-headline-words": "story", "story-under-banner": "story"}
    places = [set(_rows(wall_build, t, ["doc_id"])["doc_id"]) for t in ("data", "duplicates", "rejects")]
    assert sum(len(p) for p in places) == len(set().union(*places)) == 2 * len(WALLS) + 3


@pytest.mark.parametrize("title,lines", [
    ("Fehler 404 - Seite nicht gefunden", ["Die angeforderte Seite konnte nicht gefunden werden."]),
    ("Pagina non trovata – Il Piccolo", ["Ci dispiace, ma la pagina che cercavi non esiste."]),
    ("Pagina niet gevonden", ["De pagina die u zoekt bestaat niet (meer)."]),
    (None, ["Strona nie istnieje", "Sprawdź, czy adres jest poprawny."]),
    ("页面不存在_新华网", ["页面不存在", "您访问的页面不存在或已被删除。"]),
    ("Błąd 404", ["Nie znaleziono strony."]),
    (None, ["Checking your browser before accessing www.harbourtimes.example.", "This process is automatic."]),
    (None, ["Please verify you are a human", "Press and hold the button."]),
    ("React App", ["You need to enable JavaScript to run this app."]),
    ("Subscribe to continue reading", ["Get unlimited digital access for 1 euro a month."]),
])
def test_walls_and_error_pages_in_other_languages_are_server_pages(title, lines):
    assert is_status_page(title, lines, passages(lines).total_words)


@pytest.mark.parametrize("title,lines", [
    ("Page not found: the lost letters of a harbour master", STORY),
    ("Just a moment: the harbour board's vote", STORY),
    ("Just a moment", STORY[:1]),  # the challenge's title is 'Just a moment...', ellipsis and all
    ("Are you a robot?", STORY[:1]),
    ("Pier to close for repairs", ["You need to enable JavaScript to run this app."] + STORY[:2]),
    ("Pier to close for repairs", ["We value your privacy"] + STORY[:1]),
])
def test_stories_are_not_server_pages(title, lines):
    assert not is_status_page(title, lines, passages(lines).total_words)


# a site's standing text (an "about us" box on every page): 150+ passage words of long sentences
ABOUT_BOX = (
    "The Harbour Times has reported on the fishing fleet, the ferries and the town council since the paper was "
    "founded by a group of harbour pilots in the spring of 1887. Our reporters live in the towns they cover, "
    "and every story we publish is checked by an editor who has worked on the waterfront for at least ten years. "
    "We are owned by a charitable trust, which means that every pound our readers and advertisers give us is spent "
    "on reporting rather than on dividends for shareholders or on fees for distant owners. Readers who spot a "
    "mistake in a story can write to the readers' editor, whose corrections are printed on the second page of "
    "every edition and listed on this website within two working days of the complaint. Subscriptions to the "
    "printed paper and to the daily newsletter can be bought at the front desk of our office on Quay Street, "
    "which is open from nine in the morning until five in the afternoon on every weekday.")


def test_signing_asks_again_only_of_a_page_the_site_pass_changed(tmp_path, monkeypatch):
    """The within-page pass decides a server page once (`status_page_head`: a `not_a_story` reject, never signed);
    signing reads that decision for a page the site pass left as it was, and asks again only of a page whose text
    the site pass changed: an 'Access denied' page whose 150+ words were the site's standing text is a server
    page only once that text is gone (on main, signing asked of every page)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import dedup.neardup.sign as sign
    from dedup.text.blockkeys import block_key
    from dedup.text.serverpages import STATUS_MAX_PASSAGE_WORDS, status_page_head

    site = "harbourtimes.example"
    wall = ["Access denied", ABOUT_BOX]
    assert passages(wall).total_words >= STATUS_MAX_PASSAGE_WORDS
    assert status_page_head("Harbour Times", wall) is None  # the within-page pass keeps it
    rows = [(STORY, "Pier to close for repairs"), (wall, "Harbour Times")]
    part = tmp_path / "part-00000.parquet"
    pq.write_table(pa.table({
        "domain": [site, site], "title": [t for _, t in rows], "html_title": [t for _, t in rows],
        "blocks": [b for b, _ in rows], "block_keys": [[block_key(x) for x in b] for b, _ in rows],
        "heading_keys": [[], []], "text_hash": ["a", "b"], "reject_reason": pa.array([None, None], pa.string())}), part)
    asked = []

    def counted(title, blocks, passage_words, html_title=None):
        asked.append(title)
        return is_status_page(title, blocks, passage_words, html_title)

    monkeypatch.setattr(sign, "is_status_page", counted)
    signed = sign.sign_rows(part, sign.hasher_params(BuildConfig()), {site: {block_key(ABOUT_BOX)}}, True)
    assert asked == ["Harbour Times"]
    assert signed.status.tolist() == [False, True]
