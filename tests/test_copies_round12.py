"""Real copies round 12 (issue 12): two stories of one site above the same standing prose.

The copies bench's chrome-heavy crawl H55 lost two true cuts to the chain guard: two pages of one small site (the
only two the crawl holds of it), each a cut of a different story on another site, also carried the same long prose
below their stories (an old story's residue in the site's chrome: 7 paragraphs, 158 words). The one-site passage rule
took that for one story's two versions (4+ paragraphs, 150+ words, half the shorter page), and the guard then saw each
page join two unrelated stories and dropped every containment-only edge of both, the cuts' included. Two pages of one
site whose own texts both sit above everything they share are two stories under standing text
(`passages.stories_above_shared`). docs/extraction.md, "Real copies round 12".
"""

from __future__ import annotations

import numpy as np
from test_copies_round4 import CONFIG, PARAMS, chrome_heavy, on_disk_labels_as_in_memory
from test_passages import OTHER, STORY

from dedup.neardup.lsh import estimate, verify
from dedup.neardup.passages import (
    SITE_MIN_SHARED_WORDS,
    copies_by_passages,
    shared_figures,
)
from dedup.neardup.sign import hasher_params, sign_texts
from dedup.text.sentences import passages

# the small site's standing prose below each story (an old story left in its chrome, a long about-us blurb)
RESIDUE = [
    ("The county fair returns to the old fairgrounds this summer after a two year absence, with the livestock barns "
    "rebuilt and a new stage for local bands near the main gate."),
    ("Organizers said the midway will open an hour earlier on weekdays, and that parking will be free for anyone who "
    "arrives before noon on the first Saturday."),
    ("Volunteers from the historical society will run tours of the restored carousel, which was built in the county "
    "in 1916 and carried children for more than sixty years."),
    ("Tickets for the grandstand shows go on sale at the fair office next month, and season passes will cost the same "
    "as they did the last time the fair was held."),
    ("Anyone who wants to enter the baking, quilting or photography contests can pick up a form at the county clerk's "
    "office or download one from the fair's website."),
    ("The fair board meets on the second Tuesday of every month at the extension office, and its meetings are open "
    "to the public."),
]


def _small_site_page(seed: int, story: list[str]) -> list[str]:
    """A page of the small site: its menu, a story, its chrome's short lines and the standing prose below."""
    other = chrome_heavy("Orleans Hub", 40, seed)
    return other[:2] + story + other[2:20] + RESIDUE + other[20:]


def _full_page(site: str, seed: int, story: list[str]) -> list[str]:
    other = chrome_heavy(site, 300, seed)
    return other[:2] + story + other[2:-1] + [f"Copyright 2012 {site}, all rights reserved."]


def _docs() -> list[list[str]]:
    return [_full_page("Lockport Journal", 1, STORY), _small_site_page(2, STORY[:3]),
            _full_page("Buffalo Courier", 3, OTHER), _small_site_page(4, OTHER[:3])]


def test_two_cuts_on_one_small_site_under_the_same_standing_prose_join_their_stories_not_each_other(tmp_path):
    """Each cut (a story's first three paragraphs on the small site, above the site's standing prose) joins its full
    story on another site, and the two cuts stay apart. On main the two cuts were joined by the one-site passage rule
    (the standing prose: 6 paragraphs, 150+ words, half the shorter page), and the chain guard, seeing each cut join two
    unrelated pages, dropped all four cross-site edges: four clusters. Both engines give the same labels."""
    docs = _docs()
    found = [passages(d) for d in docs]
    coverage, paragraphs, words = shared_figures(found[1], found[3])
    assert coverage >= PARAMS.passage_coverage and paragraphs >= PARAMS.passage_site_paragraphs
    assert words >= SITE_MIN_SHARED_WORDS  # (the figures the one-site rule asks for)
    sigs, sizes = sign_texts(["\n\n".join(d) for d in docs], ["en"] * len(docs), hasher_params(CONFIG))
    jac, contain = estimate(sigs, sizes, np.array([1]), np.array([3]))
    assert not verify(jac, contain, sizes, np.array([1]), np.array([3]), PARAMS)[0]  # (MinHash alone: apart)
    labels, _ = on_disk_labels_as_in_memory(tmp_path, docs, np.array([1, 7, 2, 7], dtype=np.uint64), 2, 12)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[1] != labels[3]


def test_standing_text_below_two_stories_is_not_one_story_but_a_version_with_own_text_below_is():
    """`stories_above_shared`: both pages' own text above what they share (two stories): standing text. Not when one
    page keeps own text below its first shared paragraph (a write-thru cut at its end, a sentence reworded in the
    body), when a page's own text above is one paragraph (a reworded lead, a new top line), or when they share
    nothing; and the one-site rule then decides as before."""
    # (imported here: the test above runs on main too)
    from dedup.neardup.passages import stories_above_shared
    between = chrome_heavy("Orleans Hub", 8, 5)[2:10]  # (the site's chrome between a story and the prose)
    first, second = passages(STORY[:3] + between + RESIDUE), passages(OTHER[:3] + between + RESIDUE)
    assert stories_above_shared(first, second)
    assert not copies_by_passages(first, second, PARAMS.passage_coverage, PARAMS.passage_site_paragraphs,
                                  SITE_MIN_SHARED_WORDS, one_site=True)
    # (two sites: the rule is the one-site rule's only)
    assert copies_by_passages(first, second, PARAMS.passage_coverage, PARAMS.passage_site_paragraphs)
    # a write-thru: a new top of two paragraphs, the story's last paragraph cut on the older version's side
    older, newer = passages(STORY[:1] + RESIDUE + STORY[5:6]), passages(OTHER[:2] + RESIDUE)
    assert not stories_above_shared(older, newer)
    assert copies_by_passages(older, newer, PARAMS.passage_coverage, PARAMS.passage_site_paragraphs,
                              SITE_MIN_SHARED_WORDS, one_site=True)
    # one paragraph of its own above (a reworded lead) on one page
    assert not stories_above_shared(passages(STORY[:1] + RESIDUE), second)
    assert not stories_above_shared(first, passages(OTHER))



def test_a_build_keeps_the_two_cuts_apart_and_explain_says_no_passage_edge_joins_them(tmp_path):
    """The two cuts as crawled, on one small site (its only two pages) under its standing prose: the build keeps them
    apart (on main: one cluster, by the one-site passage rule), and `dedup explain` does not say their edge is
    accepted by shared passages, as the build does not."""
    from test_copies_round7 import _clusters, _jsonl

    from dedup.config import BuildConfig
    from dedup.neardup.explain import explain_pair
    from dedup.pipeline import build
    docs = _docs()
    rows = [("blast-cut", "https://orleans-hub.example/news/blast", docs[1]),
            ("schools-cut", "https://orleans-hub.example/news/schools", docs[3])]
    out = tmp_path / "out"
    build([str(_jsonl(tmp_path / "crawl.jsonl", rows))], out, BuildConfig(), workers=1)
    assert _clusters(out)["blast-cut"] != _clusters(out)["schools-cut"]
    result = explain_pair(out, "blast-cut", "schools-cut")
    assert result["shared_passages"]["paragraphs"] >= PARAMS.passage_site_paragraphs  # (texts kept, figures shown)
    assert "accepted" not in result["verdict"], result
