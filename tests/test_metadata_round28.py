"""Round 28 of the metadata rules (docs/metadata.md, issue 17): dates written year first, as Hungarian
('2022. május 12.', '2022. 05. 12.'), Lithuanian ('2022 m. gegužės 12 d.'), Latvian ('2022. gada 12. maijā') and
Korean ('2022. 5. 12.') pages write them, are read by `find_dates`; a version number or a decimal is not."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dedup.text.dates import find_dates
from dedup.text.extract import extract_html
from dedup.text.metadata import page_metadata


@pytest.mark.parametrize(("text", "raw", "at"), [
    ("Megjelent: 2022. május 12.", "2022. május 12.", datetime(2022, 5, 12, tzinfo=timezone.utc)),
    ("2022. máj. 12. 10:15", "2022. máj. 12. 10:15", datetime(2022, 5, 12, 10, 15, tzinfo=timezone.utc)),
    ("Frissítve: 2021. szept. 3-án", "2021. szept. 3-án", datetime(2021, 9, 3, tzinfo=timezone.utc)),
    ("2020. február 29., szombat", "2020. február 29.", datetime(2020, 2, 29, tzinfo=timezone.utc)),
    ("2022. 05. 12. 08:30", "2022. 05. 12. 08:30", datetime(2022, 5, 12, 8, 30, tzinfo=timezone.utc)),
    ("입력 2022. 5. 12.", "2022. 5. 12.", datetime(2022, 5, 12, tzinfo=timezone.utc)),
    ("Paskelbta 2022 m. gegužės 12 d. 10:15", "2022 m. gegužės 12 d. 10:15",
     datetime(2022, 5, 12, 10, 15, tzinfo=timezone.utc)),
    ("Rīga, 2022. gada 3. martā.", "2022. gada 3. martā", datetime(2022, 3, 3, tzinfo=timezone.utc)),
    ("2022. gada 12. maijs", "2022. gada 12. maijs", datetime(2022, 5, 12, tzinfo=timezone.utc)),
])
def test_a_date_written_year_first_is_read(text: str, raw: str, at: datetime):
    # before: none of these was read (only '2022.05.12', as an ISO date, and the CJK '2022年5月12日' were)
    assert [(d.at, d.raw) for d in find_dates(text)] == [(at, raw)]


def test_the_year_first_dates_already_read_stay_read():
    for text in ("2022.05.12.", "2022年5月12日", "2022년 5월 12일"):
        assert [d.day.isoformat() for d in find_dates(text)] == ["2022-05-12"], text


@pytest.mark.parametrize("text", [
    "a 2022.05 rise in prose", "upgrade to v2022.12.1 now", "released 2022.12.1. Next", "In 2019 May 12 people came",
    "in 2019. Then 12. of them", "2022. február 30.", "2022. gada 12. janvaris sēde 2022. gada 40. maijā",
])
def test_a_version_a_decimal_or_no_month_is_no_date(text: str):
    assert find_dates(text) == []


def test_a_hungarian_page_states_its_publication_date_year_first():
    html = ("<html><head><title>Új híd épül a Dunán</title></head><body><article><h1>Új híd épül a Dunán</h1>"
            "<div class='meta'>2022. május 12. 10:15</div>"
            + "<p>A kormány bejelentette, hogy új hidat építenek a Dunán, amely a két partot köti össze.</p>" * 6
            + "</article></body></html>")
    md = page_metadata(html, "https://hirek.example.hu/hid", extract_html(html, None).evidence_blocks or [])
    assert md.published_at == datetime(2022, 5, 12, 10, 15, tzinfo=timezone.utc)
