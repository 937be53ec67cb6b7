"""What the card says a dataset is: news articles or web pages, its languages, and the name it gets
when `dedup release` is given none."""

from __future__ import annotations

import polars as pl
import pytest
import yaml

from dedup.config import BuildConfig
from dedup.pipeline import build
from dedup.release.describe import default_name, genre, languages
from dedup.release.package import package


def data(out) -> pl.DataFrame:
    return pl.read_parquet(sorted((out / "data").rglob("*.parquet")))


def front_matter(card: str) -> dict:
    return yaml.safe_load(card.split("---\n", 2)[1])


@pytest.mark.parametrize("name, month", [("sample_build", "2024-05"),
                                         pytest.param("synd_build", "2023-", marks=pytest.mark.slow)])
def test_a_news_crawl_is_news(request, name, month):
    """The shipped sample, and the bench crawl (slow set: a whole build of it is not in the quick set)."""
    rows = data(request.getfixturevalue(name))
    kind, share = genre(rows)
    assert kind == "news articles" and share > 0.5
    assert languages(rows) == {"en": rows.height}
    assert default_name(rows).startswith(f"news-en-{month}")


@pytest.fixture(scope="module")
def cc_build(warc_samples, tmp_path_factory):
    """The Common Crawl excerpt: 16 unrelated sites (shops, company pages, a forum), several languages."""
    out = tmp_path_factory.mktemp("describe") / "cc"
    build([str(warc_samples / "resiliparse" / "warcfile.warc.gz")], out, BuildConfig(), workers=1)
    return out


def test_a_general_web_crawl_is_web_pages(cc_build):
    out = cc_build
    rows = data(out)
    kind, share = genre(rows)
    assert kind == "web pages" and share <= 0.5
    assert {"zh", "en", "de"} <= set(languages(rows))
    assert default_name(rows).startswith("web-pages-multilingual-")
    package(out)  # no --name
    card = (out / "README.md").read_text("utf-8")
    meta = front_matter(card)
    assert meta["pretty_name"] == default_name(rows)
    assert set(meta["language"]) == set(languages(rows)) - {"und"}
    assert "news" not in meta["tags"] and "dataset of web pages" in card
    assert "no name was given to `dedup release --name`" in card


def test_a_given_name_is_kept_and_not_remarked(cc_build):
    out = cc_build
    package(out, name="cc-sample")
    card = (out / "README.md").read_text("utf-8")
    # not remarked (the rebuild command of the card's Maintenance gives `--name cc-sample`, as it was given)
    assert front_matter(card)["pretty_name"] == "cc-sample" and "no name was given" not in card
    assert "dedup release OUT --name cc-sample" in card


def test_genre_from_plain_columns():
    news = pl.DataFrame({"dateline": ["WASHINGTON", None, "PARIS"], "original_source": [None, "Reuters", None]})
    assert genre(news) == ("news articles", 1.0)
    half = pl.DataFrame({"dateline": ["LONDON", None], "original_source": [None, None]})
    assert genre(half)[0] == "web pages"  # "most" means more than half
    typed = pl.DataFrame({"page_type": ["NewsArticle", "WebPage", "ReportageNewsArticle"]})
    assert genre(typed)[0] == "news articles"
    assert genre(pl.DataFrame()) == ("web pages", 0.0)
