"""Real copies round 10 (issue 12): two short stories of one site under the same standing text at their TOP.

Round 9 dropped a containment-only edge between two pages of one site that share only standing text (a bio, a
disclaimer, a newsletter blurb), but left it when the longer page opens with what they share: a site's cut of a
story's lead has that shape. What tells them apart is the text between what the pages share: two stories under the
same standing text at their top and at their end each hold their own story between the two, while a cut (standing
text and all) shares one run with the full story's page (`passages.own_text_between`). docs/extraction.md, "Real
copies round 10".
"""

from __future__ import annotations

import numpy as np

from test_copies_round4 import CONFIG, PARAMS, on_disk_labels_as_in_memory
from test_copies_round7 import _clusters, _jsonl
from test_copies_round9 import BRIDGE, SITE
from test_passages import OTHER, STANDING, STORY
from dedup.config import BuildConfig
from dedup.neardup.lsh import estimate, verify
from dedup.neardup.passages import standing_text_only
from dedup.neardup.sign import hasher_params, sign_texts
from dedup.pipeline import build
from dedup.text.sentences import passages

# the site's standing text at the top of its stories (a comments disclaimer) and at their end (a bio, a blurb)
TOP, END = STANDING[1:2], [STANDING[0], STANDING[2]]


def test_two_stories_under_standing_text_at_their_top_stay_apart_and_a_cut_of_one_joins_it(tmp_path):
    """One site: a one-paragraph story and a longer one, each between the site's standing text at the top and at the
    end (MinHash accepts them by containment alone), the full story and its mobile cut, both with that standing
    text. On main all four were one cluster (the standing text at the longer page's top was taken for a cut's lead);
    now the two short stories stay apart and the cut joins its story. Both engines give the same labels."""
    docs = [TOP + BRIDGE + END, TOP + OTHER + END, TOP + STORY + END, TOP + STORY[:3] + END]
    sigs, sizes = sign_texts(["\n\n".join(d) for d in docs], ["en"] * len(docs), hasher_params(CONFIG))
    src, dst = np.array([0, 0]), np.array([1, 2])
    jac, contain = estimate(sigs, sizes, src, dst)
    assert verify(jac, contain, sizes, src, dst, PARAMS).all() and (jac < PARAMS.jaccard).all()
    labels, _ = on_disk_labels_as_in_memory(tmp_path, docs, np.full(len(docs), 7, dtype=np.uint64), 2, 9)
    assert labels[2] == labels[3]
    assert len({labels[0], labels[1], labels[2]}) == 3


def test_a_build_keeps_two_stories_under_the_same_top_standing_text_apart(tmp_path):
    """The pages as crawled: one site, three stories under the same standing text (too few for the site pass to set
    it aside) and a mobile cut of one of them. On main the two short stories were one cluster, and the cut apart from
    its story (the full story's page, holding the cut and by its standing text a short story, a hub to the chain
    guard)."""
    stories = {"bridge-closed": BRIDGE, "schools-close": OTHER, "house-blast": STORY}
    rows = [(slug, SITE + slug, TOP + text + END) for slug, text in stories.items()]
    build([str(_jsonl(tmp_path / "site.jsonl", rows + [("cut", SITE + "amp/house-blast", STORY[:3])]))],
          tmp_path / "out", BuildConfig(), workers=1)
    cluster = _clusters(tmp_path / "out")
    assert len({cluster[slug] for slug in stories}) == 3
    assert cluster["cut"] == cluster["house-blast"]


def test_standing_text_at_the_top_is_set_aside_only_with_each_pages_own_text_between_what_they_share():
    """`standing_text_only` on pages opening with what they share: standing text at the top and the end of two
    stories, each page's own story between (True); a cut of a story's lead with its standing text (one run on the cut's
    page), and standing text at the top only (no second run: a cut's shape), are not."""
    site_paragraphs = CONFIG.verify_passage_site_paragraphs
    bridge, schools = passages(TOP + BRIDGE + END), passages(TOP + OTHER + END)
    assert standing_text_only(bridge, schools, site_paragraphs)
    assert standing_text_only(schools, bridge, site_paragraphs)
    assert not standing_text_only(passages(TOP + STORY + END), passages(TOP + STORY[:2] + END), site_paragraphs)
    assert not standing_text_only(passages(TOP + BRIDGE), passages(TOP + OTHER), site_paragraphs)
    # the shorter page's own text must sit between the runs too: a cut followed by a caption of its page's own
    assert not standing_text_only(passages(TOP + OTHER + END), passages(TOP + OTHER[:1] + END + BRIDGE),
                                  site_paragraphs)
