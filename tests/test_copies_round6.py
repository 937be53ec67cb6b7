"""Real copies round 6 (issue 12): a cut of a story's first two paragraphs on another site.

A short cut of a story (its lead) inside a chrome-heavy page holds its passages in two paragraphs, one under the
three that two sites' pages must share (`verify_passage_paragraphs`), so the copies bench's chrome-heavy short cuts
stayed apart even when their whole story part was in the full story. Two paragraphs are enough across sites when
they are the longer page's lead (among its first `passages.LEAD_CUT_WINDOW` paragraphs that hold a passage), cover
the shorter page as before and make `passages.LEAD_CUT_MIN_WORDS` words: what different stories share from two
paragraphs (two wire lines at their ends, a teaser page's excerpt of a story's later paragraphs, a CMS's two
error-page sentences) is not the longer one's top, or is too short. docs/extraction.md, "Real copies round 6".
"""

from __future__ import annotations

import numpy as np

from test_copies_round4 import PARAMS, _articles, _labels, chrome_heavy, on_disk_labels_as_in_memory
from test_passages import STORY, WIRE_LINES
from dedup.neardup.passages import LEAD_CUT_MIN_WORDS, copies_by_passages, lead_cut, shared_figures
from dedup.text.sentences import passages

BRIEF = "BUFFALO, N.Y. (AP) - A water main break closed Main Street for most of Monday."


def _page(site: str, seed: int, body: list[str]) -> list[str]:
    """A chrome-heavy page of `site` around `body`: its short lines are no passages, and its footer is its own (the
    footer `chrome_heavy` gives every site ends in one sentence, which would be a third shared paragraph)."""
    other = chrome_heavy(site, 300, seed)
    return other[:2] + body + other[2:-1] + [f"Copyright 2012 {site}, all rights reserved."]


def test_a_two_paragraph_cut_on_another_site_joins_its_story_and_two_paragraph_lookalikes_do_not():
    """The story's first two paragraphs on another site's chrome-heavy page join the full story (on main they stayed
    apart: two paragraphs); a brief that ends with the full story's two wire lines, and a teaser page that quotes two
    of its later paragraphs, share two paragraphs covering them too, but not the story's lead, and stay apart."""
    full = _page("Lockport Journal", 1, STORY + WIRE_LINES)
    cut = _page("Niagara Gazette", 2, STORY[:2])
    brief = _page("Buffalo Courier", 3, [BRIEF] + WIRE_LINES)
    teasers = _page("Orleans Hub", 4, [STORY[4], STORY[6]])
    found = [passages(d) for d in (full, cut, brief, teasers)]
    for other in found[1:]:
        cover, paragraphs, _ = shared_figures(found[0], other)
        assert paragraphs == 2 and cover >= PARAMS.passage_coverage  # each shares two paragraphs, half of it
    assert lead_cut(found[0], found[1], PARAMS.passage_coverage)
    assert not lead_cut(found[0], found[2], PARAMS.passage_coverage)
    assert not lead_cut(found[0], found[3], PARAMS.passage_coverage)
    labels, _ = _labels([full, cut, brief, teasers], [1, 2, 3, 4])
    assert labels[0] == labels[1]
    assert len({int(labels[0]), int(labels[2]), int(labels[3])}) == 3


def test_two_short_posts_ending_in_the_same_comments_notice_stay_apart():
    """Two short posts of one blog, each on a host of its own (as a long-tail crawl sees a site of one page each),
    end in the blog's two-paragraph comments notice: it covers half of the shorter, from two paragraphs among the
    first few of the longer, but nothing of the longer post's story follows it (the build of the text_quality
    `alone` crawl merged two such dragnet pages before the rule asked for the rest of the story); the first two
    paragraphs of a story on another site still join the whole story, which goes on after them."""
    notice = ["Guidelines: Fan feedback should be within the guidelines for the community. These guidelines will be "
              "used to identify those comments that will be removed from display on the site.",
              "Comments may be no longer than 2000 characters and will post to the site shortly after submitting."]
    post = STORY[:2] + notice
    other = ["Our analyst discusses the late hit on the receiver, which the head coach said would have made the "
             "old coaches proud, and the paradox of a league that scolds and celebrates such hits."]
    found = [passages(_page("Team Blog A", 7, post)), passages(_page("Team Blog B", 8, other + notice))]
    cover, paragraphs, words = shared_figures(found[0], found[1])
    assert paragraphs == 2 and cover >= PARAMS.passage_coverage and words >= LEAD_CUT_MIN_WORDS
    assert not copies_by_passages(found[0], found[1], PARAMS.passage_coverage, PARAMS.passage_paragraphs)
    whole = passages(_page("Team Blog D", 10, STORY + notice))
    assert lead_cut(whole, passages(_page("Team Blog E", 11, STORY[:2])), PARAMS.passage_coverage)


def test_the_lead_rule_is_for_two_sites_and_a_story_worth_of_words():
    """On one site (or where neither site is known) two shared paragraphs stay what they were: a site's standing
    text (round 3); and two pages whose whole text is the same two short sentences (two sites' CMS error page, in
    a wording the server-page rule does not know) are not a story's lead."""
    full, cut = passages(STORY), passages(STORY[:2])
    assert copies_by_passages(full, cut, PARAMS.passage_coverage, PARAMS.passage_paragraphs)
    assert not copies_by_passages(full, cut, PARAMS.passage_coverage, PARAMS.passage_site_paragraphs, one_site=True)
    labels, _ = _labels([_page("Lockport Journal", 5, STORY), _page("Lockport Journal", 6, STORY[:2])], [1, 1])
    assert labels[0] != labels[1]
    error = ["We are sorry, but the article you requested is no longer available on this site.",
             "Please use the search box above or return to the front page to find the latest stories."]
    a, b = passages(error), passages(error)
    assert shared_figures(a, b) == (1.0, 2, a.total_words) and a.total_words < LEAD_CUT_MIN_WORDS
    assert not copies_by_passages(a, b, PARAMS.passage_coverage, PARAMS.passage_paragraphs)


def test_on_real_articles_two_paragraph_cuts_join_their_story_and_nothing_else():
    """Real article text (article-extraction-benchmark): each article on a chrome-heavy page of a site of its own,
    its first two paragraphs on another site's chrome-heavy page, and a third site's page quoting two of its later
    paragraphs among teasers: every cut of LEAD_CUT_MIN_WORDS passage words or more joins its article (on main none
    did), no two articles join, and no quoting page joins anything."""
    articles = _articles()[:24]
    docs, sites = [], []
    for i, paras in enumerate(articles):
        docs += [_page(f"Site {i}", 40_000 + i, paras), _page(f"Outlet {i}", 50_000 + i, paras[:2]),
                 _page(f"Digest {i}", 60_000 + i, [paras[5], paras[7]])]
        sites += [3 * i + 1, 3 * i + 2, 3 * i + 3]
    labels, _ = _labels(docs, sites)
    # (a lead of two short paragraphs, under LEAD_CUT_MIN_WORDS passage words, is left to MinHash: 3 of the 24)
    long_enough = [passages(paras[:2]).total_words >= LEAD_CUT_MIN_WORDS for paras in articles]
    assert long_enough.count(True) >= 20
    joined = [bool(labels[3 * i] == labels[3 * i + 1]) for i in range(len(articles))]
    assert joined == long_enough
    assert len(set(labels[0::3].tolist())) == len(articles)
    quoting = labels[2::3].tolist()
    assert all(quoting.count(q) == 1 and q not in labels[0::3].tolist() for q in quoting)


def test_on_disk_the_lead_rule_gives_the_in_memory_labels(tmp_path):
    """Both engines run the same pair-local rule: the on-disk steps give the in-memory labels, the cuts joined."""
    docs = []
    for i, paras in enumerate(_articles()[:10]):
        docs += [_page(f"Site {i}", 70_000 + i, paras), _page(f"Outlet {i}", 80_000 + i, paras[:2])]
    labels, _ = on_disk_labels_as_in_memory(tmp_path, docs, np.arange(1, len(docs) + 1, dtype=np.uint64), 7, 5)
    joined = [bool(labels[2 * i] == labels[2 * i + 1]) for i in range(len(docs) // 2)]
    assert joined.count(True) >= 8 and joined == [passages(d).total_words >= LEAD_CUT_MIN_WORDS for d in docs[1::2]]
