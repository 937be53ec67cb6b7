"""describe: what a dataset is, from its records: genre (news or web pages), languages, and the name it
gets when the release is not given one.

Pure functions over the data/ columns, shared by the dataset card, Croissant metadata and the report.
"""

from __future__ import annotations

from collections import Counter

import polars as pl

NEWS_SHARE = 0.5
"""A dataset is described as news articles when more than half of its records show a news signal."""

NEWS_COLUMNS = ["dateline", "original_source", "attribution_evidence", "page_type", "language", "fetched_at"]


def news_signals(data: pl.DataFrame) -> pl.Series:
    """Per record: does it look like a news article? A dateline ('WASHINGTON (Reuters) -'), a wire
    agency named as its original source, or `NewsArticle` structured data (`page_type`, the page's
    JSON-LD type: NewsArticle and its kinds, ReportageNewsArticle, AnalysisNewsArticle...)."""
    signal = pl.Series([False] * data.height)
    for column in ("dateline", "original_source"):
        if column in data.columns:
            signal = signal | data[column].is_not_null()
    if "attribution_evidence" in data.columns and isinstance(data.schema["attribution_evidence"], pl.List):
        kinds = data["attribution_evidence"].list.eval(pl.element().struct.field("kind")).to_list()
        signal = signal | pl.Series([any(k == "dateline" for k in (ks or [])) for ks in kinds])
    for column in ("page_type",):
        if column in data.columns and data.schema[column] != pl.Null:
            values = data[column].cast(pl.List(pl.String)).list.join(" ") if isinstance(
                data.schema[column], pl.List) else data[column].cast(pl.String)
            signal = signal | values.str.contains("NewsArticle").fill_null(False)
    return signal


def genre(data: pl.DataFrame) -> tuple[str, float]:
    """('news articles' or 'web pages', the share of records with a news signal)."""
    if data.height == 0:
        return "web pages", 0.0
    share = float(news_signals(data).mean() or 0.0)
    return ("news articles" if share > NEWS_SHARE else "web pages"), share


def languages(data: pl.DataFrame) -> dict[str, int]:
    """Records per language (null: 'und'), most frequent first."""
    if "language" not in data.columns:
        return {}
    counts = Counter(lang or "und" for lang in data["language"].to_list())
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def default_name(data: pl.DataFrame) -> str:
    """A name that says what the dataset holds when none was given: genre, main language and the months
    the pages were fetched, e.g. 'news-en-2023-09' or 'web-pages-multilingual-2024-01-to-2024-03'."""
    kind = "news" if genre(data)[0] == "news articles" else "web-pages"
    langs = {k: v for k, v in languages(data).items() if k != "und"}
    total = sum(langs.values())
    top = next(iter(langs), None)
    lang = top if top and langs[top] >= 0.9 * total else ("multilingual" if langs else None)
    parts = [kind] + ([lang] if lang else [])
    if "fetched_at" in data.columns:
        fetched = data["fetched_at"].drop_nulls()
        if len(fetched):
            first, last = fetched.min().strftime("%Y-%m"), fetched.max().strftime("%Y-%m")  # type: ignore[union-attr]
            parts.append(first if first == last else f"{first}-to-{last}")
    return "-".join(parts)
