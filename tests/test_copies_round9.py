"""Real copies round 9 (issue 12): two short stories of one site carrying the same standing paragraphs.

A site's bio, disclaimer, newsletter blurb or comments note on two or three of its pages (too few for the site pass
to count them as template) is most of a short story's shingles: MinHash accepted such pairs by containment alone
(the copies bench's `same_site_template` negatives, 1-4 merged per crawl). A paragraph two pages of one site share
while their OTHER text differs is no evidence of one story (`passages.standing_text_only`, `lsh.drop_standing_text`);
a site's trimmed copy of a story keeps no text of its own and still joins it. docs/extraction.md, "Real copies
round 9".
"""

from __future__ import annotations

import numpy as np

from test_copies_round4 import CONFIG, PARAMS, on_disk_labels_as_in_memory
from test_copies_round7 import _clusters, _jsonl
from test_passages import OTHER, STANDING, STORY
from dedup.config import BuildConfig
from dedup.neardup.lsh import estimate, verify
from dedup.neardup.passages import SITE_MIN_SHARED_WORDS
from dedup.neardup.sign import hasher_params, sign_texts
from dedup.pipeline import build
from dedup.text.sentences import passages

BRIDGE = ["Police closed the Main Street bridge over the canal on Monday after inspectors found cracks in a beam."]
SITE = "https://lockport-journal.example/news/"


def test_short_stories_of_one_site_with_the_same_standing_text_stay_apart_and_its_trimmed_copy_joins(tmp_path):
    """One site: a one-paragraph story and a five-paragraph story, each followed by the site's three standing
    paragraphs (MinHash accepts them by containment alone), the full story with the standing text, and its first
    three paragraphs (a mobile cut, also by containment alone). The two short stories stay apart (on int27 merged),
    the cut joins its story (on int27 apart: the full story's page, holding the cut and, by its standing text, the
    one-paragraph story, was a hub to the chain guard). Pair-local: both engines give the same labels."""
    docs = [BRIDGE + STANDING, OTHER + STANDING, STORY + STANDING, STORY[:3]]
    sigs, sizes = sign_texts(["\n\n".join(d) for d in docs], ["en"] * len(docs), hasher_params(CONFIG))
    src, dst = np.array([0, 2]), np.array([1, 3])
    jac, contain = estimate(sigs, sizes, src, dst)
    assert verify(jac, contain, sizes, src, dst, PARAMS).all() and (jac < PARAMS.jaccard).all()
    labels, _ = on_disk_labels_as_in_memory(tmp_path, docs, np.full(len(docs), 7, dtype=np.uint64), 2, 9)
    assert labels[0] != labels[1]
    assert labels[2] == labels[3] and len({labels[0], labels[1], labels[2]}) == 3


def test_a_build_keeps_two_short_stories_of_one_site_apart_when_they_share_only_its_standing_text(tmp_path):
    """The same pages as crawled (one site, three stories: too few for the site pass to set its standing text
    aside): on int27 the two short stories were one cluster, and the cut apart from its story."""
    rows = [("bridge", SITE + "bridge-closed", BRIDGE + STANDING),
            ("schools", SITE + "schools-close", OTHER + STANDING),
            ("blast", SITE + "house-blast", STORY + STANDING), ("blast-cut", SITE + "amp/house-blast", STORY[:3])]
    build([str(_jsonl(tmp_path / "site.jsonl", rows))], tmp_path / "out", BuildConfig(), workers=1)
    cluster = _clusters(tmp_path / "out")
    assert cluster["bridge"] != cluster["schools"]
    assert cluster["blast-cut"] == cluster["blast"]
    assert len({cluster["bridge"], cluster["schools"], cluster["blast"]}) == 3


def test_only_standing_text_with_a_story_of_its_own_on_the_shorter_page_is_set_aside():
    """`standing_text_only`: the short story's page keeps a sentence of its own (True); a cut that keeps none, pages
    sharing passages from four paragraphs or a story's worth of words (SITE_MIN_SHARED_WORDS), pages that share
    no passage (no evidence) and a longer page that opens with what the two share are not standing text."""
    from dedup.neardup.passages import standing_text_only  # (round 9: a module-level import would hide the others)

    site_paragraphs = CONFIG.verify_passage_site_paragraphs
    bridge, schools, blast = (passages(d) for d in (BRIDGE + STANDING, OTHER + STANDING, STORY + STANDING))
    assert standing_text_only(bridge, schools, site_paragraphs)
    assert not standing_text_only(blast, passages(STORY[:3]), site_paragraphs)
    assert not standing_text_only(blast, passages(STORY[:4] + BRIDGE), site_paragraphs)
    long_standing = passages(STORY[:6] + BRIDGE)
    assert int(long_standing.words.sum()) - int(passages(BRIDGE).words.sum()) >= SITE_MIN_SHARED_WORDS
    assert not standing_text_only(passages(STORY[:6] + OTHER[:1]), long_standing, 7)
    assert not standing_text_only(bridge, passages(OTHER), site_paragraphs)
    # standing text at the top of two stories is the shape of a cut of a story's lead: left to MinHash
    assert not standing_text_only(passages(STANDING + BRIDGE), passages(STANDING + OTHER), site_paragraphs)


# ---------------------------------------------------------------- lead's review fixes

def test_explain_says_a_pair_kept_apart_as_standing_text_was_dropped_and_traces_no_chain_through_it(tmp_path):
    """int27: `dedup explain OUT bridge schools` said "edge accepted by containment" for the two short stories the
    build kept apart, and `chain` would join them through that edge; now both ask `standing_text_only` as the build
    does (both pages on one site, by containment alone, texts kept)."""
    import json

    import polars as pl
    from dedup.neardup.explain import chain, explain_pair
    rows = [("bridge", SITE + "bridge-closed", BRIDGE + STANDING),
            ("schools", SITE + "schools-close", OTHER + STANDING),
            ("blast", SITE + "house-blast", STORY + STANDING)]
    out = tmp_path / "out"
    build([str(_jsonl(tmp_path / "site.jsonl", rows))], out, BuildConfig(), workers=1)
    result = explain_pair(out, "bridge", "schools")
    assert not result["same_cluster"] and result["candidate"] and result["estimated_jaccard"] < PARAMS.jaccard
    assert "dropped as standing text" in result["verdict"] and "Real copies round 9" in result["verdict"], result
    # the two stories' rows put in one cluster (as a chain through other pages would): no edge joins them directly
    for path in sorted((out / "data").rglob("*.parquet")):
        frame = pl.read_parquet(path)
        frame.with_columns(pl.when(pl.col("doc_id") == "schools").then(pl.lit(result["cluster_a"]))
                           .otherwise(pl.col("cluster_id")).alias("cluster_id")).write_parquet(path)
    config = json.loads((out / "run.json").read_text("utf-8"))["config"]
    steps = chain(out, "bridge", "schools", result["cluster_a"], config, PARAMS)
    assert len(steps) == 1 and steps[0].startswith("no chain of accepted MinHash edges"), steps
