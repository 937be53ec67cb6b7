"""The headline as evidence of a copy (docs/extraction.md, round 13): the `text` column leaves the page's
headline out (round 11), and MinHash signs `title + "\\n" + text` (`neardup.sign.signed_text`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dedup.errors import ConfigError
from dedup.neardup.lsh import VerifyParams
from dedup.neardup.minhash import MinHasher
from dedup.neardup.sign import signed_text
from dedup.previous import check_params


def test_the_title_is_signed_above_the_text() -> None:
    assert signed_text("Stocks rise", "The Dow rose 10 points on Tuesday.") == \
        "Stocks rise\nThe Dow rose 10 points on Tuesday."
    assert signed_text(None, "Some text.") == signed_text("", "Some text.") == "Some text."
    # a page that kept its headline in its text (little else on it) does not get it twice
    assert signed_text("Pier repairs", "Pier Repairs!\n\nThe pier reopens.") == "Pier Repairs!\n\nThe pier reopens."
    # an empty text stays empty (it never joins anything), and a text shorter than the title goes alone
    assert signed_text("Weather", "") == ""
    assert signed_text("A headline of many more words than the text", "Two words") == "Two words"


def _estimated(a: str, b: str) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) as the clustering estimates them."""
    sigs, sizes = MinHasher(num_perm=128, seed=1, hash="murmur3_32").signatures_with_counts([a, b])
    jac = float((sigs[0] == sigs[1]).mean())
    small = max(min(sizes), 1)
    return jac, min(1.0, jac * float(sizes.sum()) / ((1 + jac) * small))


def test_a_shared_headline_alone_never_reaches_an_acceptance_rule() -> None:
    # one long template headline over two different short texts: with the title signed above texts
    # shorter than it, its 5-grams alone would make the pair a near-duplicate
    title = ("Live updates: traffic, weather, school closings and power outages across the county as the "
             "storm moves through the region tonight")
    one = "Two trees fell before dawn."
    two = "The library closes early Thursday."
    p = VerifyParams()
    assert _estimated(f"{title}\n{one}", f"{title}\n{two}")[0] >= p.jaccard  # what the guard prevents
    jac, contain = _estimated(signed_text(title, one), signed_text(title, two))
    assert jac < p.containment_min_jaccard and contain < p.containment


def _page(title: str, paragraphs: list[str], site: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title} | {site}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>(c) {site}</footer></body></html>")


def test_two_stories_under_one_template_headline_stay_apart(tmp_path: Path) -> None:
    from dedup.config import BuildConfig
    from dedup.pipeline import build

    stories = {
        "Stocks rise": [
            ["Shares in New York closed higher on Tuesday as investors bet that the central bank would hold "
             "interest rates steady at its meeting next week.",
             "Technology companies led the gains, while energy producers slipped as crude oil fell for a third day."],
            ["European markets ended the week up after a report showed factory orders in Germany rose more than "
             "economists had forecast in the spring.",
             "Carmakers and banks gained the most, and the euro was little changed against the dollar."]],
        "Weather": [
            ["A band of heavy rain will cross the coast on Saturday, bringing gusty winds to the harbour and "
             "flooding to low roads near the river.",
             "Temperatures stay mild through the weekend before a colder spell arrives on Monday night."],
            ["Clear skies and light winds mean a frosty start across the valleys on Thursday, with fog lingering "
             "until late morning near the lakes.",
             "The afternoon will be bright and dry, and the mild air returns from the west by Sunday."]],
    }
    rows = []
    for title, texts in stories.items():
        for k, paragraphs in enumerate(texts):
            site = f"site{k}.example"
            rows.append({"id": f"{title}-{k}", "url": f"https://{site}/{title.lower().replace(' ', '-')}",
                         "html": _page(title, paragraphs, site)})
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out"
    build([str(crawl)], out, BuildConfig(), workers=1)
    data = pl.read_parquet(out / "data")
    assert data.height == 4 and data["cluster_id"].n_unique() == 4
    assert sorted(data["title"].to_list()) == ["Stocks rise", "Stocks rise", "Weather", "Weather"]
    assert not any(t.startswith(("Stocks rise", "Weather")) for t in data["text"])  # the headline left the text


SHORT_COPY = "<urn:uuid:55f4ad5b-bac3-46c1-84e4-cf13f414439c>"  # s00075 in the bench crawl


@pytest.mark.slow  # the whole bench build; quick: test_the_short_copy_joins_its_story_in_a_crawl_of_the_story
def test_a_short_truncated_copy_reaches_its_story_through_its_headline(synd_build, bench_crawl) -> None:
    # s00075: a 44-word truncated copy with a word edited ("long heralded" for "long been heralded")
    # shares too few 5-grams with its story's other copies without its 7-word headline (round 11)
    gold = [json.loads(line) for line in (bench_crawl / "labels" / "clusters.jsonl").open()]
    story = {r["doc_id"] for r in gold if r["story_id"] == "s00075"}
    assert SHORT_COPY in story
    rows = pl.concat([pl.read_parquet(synd_build / "data", columns=["doc_id", "cluster_id"]),
                      pl.read_parquet(synd_build / "duplicates", columns=["doc_id", "cluster_id"])])
    clusters = dict(rows.filter(pl.col("doc_id").is_in(list(story))).iter_rows())
    assert len(set(clusters.values())) == 1 and len(clusters) == len(story)


@pytest.mark.parametrize("titles", ["signed", "left out"])
def test_the_short_copy_joins_its_story_in_a_crawl_of_the_story(bench_crawl, tmp_path, monkeypatch, titles) -> None:
    """The quick twin of the test above: s00075's nine copies alone (their labelled headlines and texts on
    pages of their sites), built. The short copy joins the other eight only with its headline signed."""
    from dedup.config import BuildConfig
    from dedup.neardup import sign
    from dedup.pipeline import build

    labels = bench_crawl / "labels"
    story = {r["doc_id"]: r for r in map(json.loads, (labels / "clusters.jsonl").open()) if r["story_id"] == "s00075"}
    gold = [r for r in map(json.loads, (labels / "gold_text.jsonl").open()) if r["doc_id"] in story]
    assert len(gold) == len(story) == 9 and SHORT_COPY in story
    crawl = tmp_path / "s00075.jsonl"
    crawl.write_text("".join(json.dumps({"id": r["doc_id"], "url": story[r["doc_id"]]["url"],
                                         "html": _page(r["headline"], r["text"].split("\n\n"),
                                                       story[r["doc_id"]]["site"])}) + "\n" for r in gold), "utf-8")
    if titles == "left out":  # signing the text alone, as before round 13
        monkeypatch.setattr(sign, "signed_text", lambda title, text, first_paragraph=None: text)
    build([str(crawl)], tmp_path / "out", BuildConfig(), workers=1)
    rows = pl.concat([pl.read_parquet(tmp_path / "out" / name, columns=["doc_id", "cluster_id"])
                      for name in ("data", "duplicates")])
    assert sorted(rows["doc_id"]) == sorted(story)
    others = set(rows.filter(pl.col("doc_id") != SHORT_COPY)["cluster_id"])
    assert len(others) == 1  # the eight longer copies are one story either way
    joined = rows.filter(pl.col("doc_id") == SHORT_COPY)["cluster_id"].item() in others
    assert joined == (titles == "signed"), "without its headline the short copy must stay apart, or this " \
        "crawl no longer shows what signing the headline adds"


@pytest.mark.parametrize("built", ["sample_build", pytest.param("synd_build", marks=pytest.mark.slow)])
def test_published_signatures_equal_datasketch_over_the_signed_text(built, request) -> None:
    from datasketch import MinHash

    from dedup.neardup.minhash import shingles

    out = request.getfixturevalue(built)
    sigs = pl.read_parquet(out / "signatures", columns=["doc_id", "signature"])
    data = pl.read_parquet(out / "data", columns=["doc_id", "title", "text"]).sort("doc_id").head(40)
    joined = data.join(sigs, on="doc_id")
    assert joined.height == data.height == 40
    hashfunc = MinHasher(num_perm=128, seed=1, hash="murmur3_32").hashfunc()  # the build's (BuildConfig.hash)
    titled = 0
    for _, title, text, signature in joined.iter_rows():
        m = MinHash(num_perm=128, seed=1, hashfunc=hashfunc)
        for s in shingles(signed_text(title, text)):
            m.update(s.encode("utf-8"))
        assert np.array_equal(np.asarray(signature, dtype=np.uint32), m.hashvalues)
        titled += signed_text(title, text) != text
    assert titled >= 30  # most records' headline is signed with their text


def test_a_previous_release_signed_by_another_version_is_refused_with_its_reason(tmp_path):
    # a release from before the title was signed above the text: its files carry no signed_text key
    params = MinHasher().params
    made = {f"dedup.minhash.{k}": str(v) for k, v in params.items()} | {"dedup.lsh.bands": "14",
                                                                      "dedup.lsh.rows": "8"}
    check_params(tmp_path, made, params, 14, 8)  # the same code and settings: accepted
    old = {k: v for k, v in made.items() if k != "dedup.minhash.signed_text"}
    with pytest.raises(ConfigError, match="another version of dedup's signing .signed_text: previous None"):
        check_params(tmp_path, old, params, 14, 8)
    with pytest.raises(ConfigError, match="bands: previous 14, now 20"):
        check_params(tmp_path, made, params, 20, 8)
