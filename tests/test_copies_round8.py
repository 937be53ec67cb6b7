"""Real copies round 8 (issue 12): a lead cut whose page keeps other prose, and the chain guard of a build on a
previous release.

A cut of a story's lead on a chrome-heavy page of another site (`passages.lead_cut`, round 6) had to cover half of
its page's passage words; a page that keeps an author bio, a newsletter blurb or a teaser of its own (prose on no
other page of its site, so no site pass removes it) fell under that, the most frequent miss of the copies bench's
chrome-heavy crawls. A longer shared lead now covers less (`passages.lead_cut_covers`).

The chain guard (`lsh.drop_composite_edges`) drops the containment-only edges of a page that holds two unrelated
stories (a round-up) or sits in two. A build with `--previous` ignored the edges between two previous pages before
the guard (their clusters stay as published), so a previous round-up whose other neighbours were all previous pages
looked, to the guard, like a page with one neighbour: a new copy of one of its stories joined the round-up, and
through it anything the round-up was published with, though one build of both crawls keeps them apart.
docs/extraction.md, "Real copies round 8".
"""

from __future__ import annotations

import numpy as np

from test_copies_round4 import CONFIG, PARAMS, chrome_heavy, on_disk_labels_as_in_memory
from test_copies_round6 import _page
from test_copies_round7 import _clusters, _jsonl
from test_passages import NEW_TOP, OTHER, STANDING, STORY, WIRE_LINES
from dedup.config import BuildConfig
from dedup.neardup.cluster import near_dup_labels
from dedup.neardup.passages import LEAD_CUT_LOW_MIN_WORDS, copies_by_passages, shared_figures
from dedup.neardup.sign import hasher_params, sign_texts
from dedup.pipeline import build
from dedup.release.package import package
from dedup.text.sentences import passages

TEASERS = ["The village board will hold a public hearing next Thursday on a proposal to raise water rates by twelve "
           "percent over the next two years.",
           "Volunteers are still needed for the annual canal cleanup, which starts at the lift bridge at nine in the "
           "morning on Saturday."]


def test_a_lead_cut_on_a_page_with_prose_of_its_own_joins_its_story_and_weaker_lookalikes_do_not(tmp_path):
    """The story's first three paragraphs on another site's chrome-heavy page that also keeps an author bio, a
    comments note and a newsletter blurb (under half of its passage words are the story's):
    joined to the full story (on main: apart). A page that quotes the story's first two paragraphs among much text
    of its own (under 0.3), and a page that opens with the same two short standing paragraphs as another (under
    LEAD_CUT_LOW_MIN_WORDS words) stay apart. Pair-local: both engines give the same labels."""
    full = _page("Lockport Journal", 1, STORY + WIRE_LINES)
    cut = _page("Niagara Gazette", 2, STORY[:3] + STANDING)
    quoting = _page("Buffalo Courier", 3, STORY[:2] + OTHER)
    opener = [STANDING[2], OTHER[4]]
    standing_long = _page("Orleans Hub", 4, opener + NEW_TOP)
    standing_short = _page("Medina Post", 5, opener + TEASERS)
    found = [passages(d) for d in (full, cut, quoting, standing_long, standing_short)]
    coverage, paragraphs, words = shared_figures(found[0], found[1])
    assert 0.3 <= coverage < PARAMS.passage_coverage and paragraphs == 3 and words >= LEAD_CUT_LOW_MIN_WORDS
    assert copies_by_passages(found[0], found[1], PARAMS.passage_coverage, PARAMS.passage_paragraphs)
    assert shared_figures(found[0], found[2])[0] < 0.3
    assert not copies_by_passages(found[0], found[2], PARAMS.passage_coverage, PARAMS.passage_paragraphs)
    coverage, paragraphs, words = shared_figures(found[3], found[4])
    assert 0.3 <= coverage < PARAMS.passage_coverage and paragraphs == 2 and words < LEAD_CUT_LOW_MIN_WORDS
    assert not copies_by_passages(found[3], found[4], PARAMS.passage_coverage, PARAMS.passage_paragraphs)
    docs = [full, cut, quoting, standing_long, standing_short]
    labels, _ = on_disk_labels_as_in_memory(tmp_path, docs, np.arange(1, len(docs) + 1, dtype=np.uint64), 2, 8)
    assert labels[0] == labels[1] and len(set(labels.tolist())) == 4


def test_a_new_copy_of_a_story_does_not_join_a_previous_round_up_that_holds_it(tmp_path):
    """A round-up holding two unrelated stories, and each story alone, on three sites, released: the guard keeps
    the round-up apart from both. A trimmed copy of the first story, built on that release, joins the story and not
    the round-up, as in one build of all four (on main it joined the round-up and, through it, the story: the
    guard saw one neighbour of the round-up, the new copy)."""
    chrome = chrome_heavy("Daily Roundup", 60, 5)  # (so that neither story alone is half of the round-up's text)
    first = [("roundup", "https://roundup.example/news/tuesday", chrome[:2] + STORY[:4] + OTHER + chrome[2:]),
             ("story", "https://lockport-journal.example/news/blast", STORY),
             ("school", "https://buffalo-courier.example/news/schools", OTHER)]
    second = [("cut", "https://niagara-gazette.example/news/house-blast", STORY[:3])]
    v1, v2, whole = tmp_path / "v1", tmp_path / "v2", tmp_path / "whole"
    build([str(_jsonl(tmp_path / "first.jsonl", first))], v1, BuildConfig(), workers=1)
    package(v1, name="news")
    build([str(_jsonl(tmp_path / "second.jsonl", second))], v2, BuildConfig(), workers=1, previous=v1)
    build([str(_jsonl(tmp_path / "all.jsonl", first + second))], whole, BuildConfig(), workers=1)
    released = _clusters(v1)
    assert len({released[d] for d in ("roundup", "story", "school")}) == 3
    for out in (whole, v2):
        cluster = _clusters(out)
        assert cluster["cut"] == cluster["story"], out.name
        assert cluster["cut"] != cluster["roundup"], out.name


def test_the_in_memory_rule_runs_the_guard_with_the_edges_among_previous_pages_too():
    """`cluster.near_dup_labels` (the in-memory rule the on-disk steps equal): the same round-up, with the round-up
    and both stories marked previous, keeps the new copy out of the round-up (on main: joined)."""
    chrome = chrome_heavy("Daily Roundup", 60, 5)
    docs = [chrome[:2] + STORY[:4] + OTHER + chrome[2:], STORY, OTHER, STORY[:3]]
    sigs, sizes = sign_texts(["\n\n".join(d) for d in docs], ["en"] * len(docs), hasher_params(CONFIG))
    labels, report = near_dup_labels(sigs, sizes, CONFIG.bands, CONFIG.rows, CONFIG.hot_bucket_cap, PARAMS,
                                     previous=np.array([True, True, True, False]),
                                     passages=[passages(d) for d in docs], status=np.zeros(len(docs), dtype=bool),
                                     sites=np.arange(1, len(docs) + 1, dtype=np.uint64))
    assert labels[3] == labels[1] != labels[0] and report["composite_pages"] >= 1
