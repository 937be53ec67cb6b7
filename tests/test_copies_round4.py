"""Real copies round 4 (issue 12): the copies MinHash never proposes.

A short cut of a long story (its first paragraphs) inside a long, chrome-heavy page has a word 5-gram Jaccard
far under LSH's reach, so it was never a candidate and never checked. The long passages two pages share
(`passages.candidate_keys`) now propose them (`lsh.passage_edges`), and the verification decides as for every
other candidate; a passage on more than CANDIDATE_MAX_PAGES pages (a standard wire line) proposes nothing.
docs/extraction.md, "Real copies round 4".
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from conftest import shared_path
from test_passages import STORY
from dedup.config import BuildConfig
from dedup.neardup.cluster import near_dup_labels
from dedup.neardup.lsh import VerifyParams, candidate_edges, lsh_keys, passage_edges
from dedup.neardup.passages import CANDIDATE_MAX_PAGES, CANDIDATE_MIN_WORDS, candidate_keys
from dedup.neardup.sign import hasher_params, sign_texts
from dedup.text.sentences import passages

CONFIG = BuildConfig()
PARAMS = VerifyParams.for_clusters(CONFIG)

WIRE_LINE = ("Copyright 2012 The Associated Press. All rights reserved. This material may not be published, "
             "broadcast, rewritten or redistributed in any form without the written permission of the agency.")

_SYLLABLES = ["ba", "ko", "ri", "tu", "me", "sa", "lo", "ni", "de", "fu", "ga", "pe", "zo", "vi", "ha", "ju"]


def chrome_heavy(site: str, lines: int, seed: int) -> list[str]:
    """A chrome-heavy page's other text: a menu, `lines` links and teaser headlines of its own (3-7 words,
    too short to be passages; made-up words, so no two pages share their word 5-grams), and a footer."""
    rng = np.random.default_rng(seed)

    def word() -> str:
        return "".join(_SYLLABLES[i] for i in rng.integers(len(_SYLLABLES), size=int(rng.integers(2, 4))))

    out = [f"{site} Home", "News | Sports | Weather | Opinion | Obituaries | Classifieds"]
    out += [" ".join(word() for _ in range(int(rng.integers(3, 8)))).capitalize() for _ in range(lines)]
    out.append(f"Copyright 2012 {site} Media Group, all rights reserved. Use of this site means you accept our terms.")
    return out


def _labels(docs: list[list[str]], sites: list[int], params: VerifyParams = PARAMS,
            stories: list[int] | None = None) -> tuple[np.ndarray, dict]:
    """The final clustering's labels of documents given as their kept blocks (no title; `stories`: their pass-1
    stories, None: each its own)."""
    texts = ["\n\n".join(d) for d in docs]
    sigs, sizes = sign_texts(texts, ["en"] * len(texts), hasher_params(CONFIG))
    found = [passages(d) for d in docs]
    return near_dup_labels(sigs, sizes, CONFIG.bands, CONFIG.rows, CONFIG.hot_bucket_cap, params, passages=found,
                           status=np.zeros(len(docs), dtype=bool), sites=np.asarray(sites, dtype=np.uint64),
                           stories=None if stories is None else np.asarray(stories, dtype=np.int64))


def _proposed_by_lsh(docs: list[list[str]], a: int, b: int) -> bool:
    texts = ["\n\n".join(d) for d in docs]
    sigs, _ = sign_texts(texts, ["en"] * len(texts), hasher_params(CONFIG))
    src, dst, _ = candidate_edges(lsh_keys(sigs, CONFIG.bands, CONFIG.rows), CONFIG.hot_bucket_cap)
    return bool(((src == min(a, b)) & (dst == max(a, b))).any())


def test_a_short_cut_inside_a_long_chrome_heavy_page_is_proposed_by_its_passages_and_joined():
    """The first three paragraphs of the story on another site, each page with 60 lines of its own reader
    comments: LSH never proposes the pair (on main it stayed two stories); its shared passages do."""
    full = chrome_heavy("Lockport Journal", 400, 1)[:2] + STORY + chrome_heavy("Lockport Journal", 400, 1)[2:]
    cut = chrome_heavy("Niagara Gazette", 400, 2)[:2] + STORY[:3] + chrome_heavy("Niagara Gazette", 400, 2)[2:]
    docs = [full, cut]
    assert not _proposed_by_lsh(docs, 0, 1)
    labels, report = _labels(docs, [1, 2])
    assert labels[0] == labels[1]
    assert report["candidate_edges"] == 1
    # `verify_passage_coverage` above 1 (the fineweb preset) turns the passage rule off, and with it the
    # candidates only it would check
    off = VerifyParams.for_clusters(BuildConfig(verify_passage_coverage=2.0))
    labels, report = _labels(docs, [1, 2], off)
    assert labels[0] != labels[1] and report["candidate_edges"] == 0


def test_two_different_stories_sharing_a_wire_line_and_template_sentences_stay_apart():
    """Proposed by their shared long sentences (a wire copyright line, a site's standing sentence) and never
    by LSH, two different stories on chrome-heavy pages of one site are still checked by the passage rule (shared sentences from one or two paragraphs
    only) and stay apart."""
    standing = ("Sign up for the Journal morning newsletter to get the top stories from Lockport delivered to "
                "your inbox every weekday.")
    other = ["BUFFALO, N.Y. (AP) - The Buffalo school board voted late Monday to close three elementary schools "
             "at the end of the year, saying falling enrollment had left too many classrooms empty.",
             "Superintendent Kriner Cash told the board the district would save about $4 million a year. Parents "
             "who spoke at the meeting said the closures would force young children onto long bus rides."]
    one, two = chrome_heavy("Lockport Journal", 400, 3), chrome_heavy("Lockport Journal", 400, 4)
    docs = [STORY[:3] + [WIRE_LINE, standing] + one, other + [WIRE_LINE, standing] + two]
    assert not _proposed_by_lsh(docs, 0, 1)
    labels, report = _labels(docs, [1, 1])
    assert report["candidate_edges"] == 1  # proposed by the passages...
    assert labels[0] != labels[1]  # ...and left apart by the verification


def test_a_passage_on_more_pages_than_the_cap_proposes_no_pair():
    """A standard wire line on many pages must not become pairs between all of them: a key of more than
    CANDIDATE_MAX_PAGES documents proposes none; one of fewer proposes the star and path of its documents."""
    key = passages([WIRE_LINE]).keys[0]
    many = CANDIDATE_MAX_PAGES + 1
    src, dst = passage_edges(np.full(many, key, np.uint64), np.arange(many, dtype=np.int64), CANDIDATE_MAX_PAGES)
    assert len(src) == 0
    src, dst = passage_edges(np.full(3, key, np.uint64), np.array([7, 2, 5]), CANDIDATE_MAX_PAGES)
    assert sorted(zip(src.tolist(), dst.tolist())) == [(2, 5), (2, 7), (5, 7)]
    # a short sentence is no candidate key
    short = "He declined to comment on the matter when reached on Tuesday."
    assert len(short.split()) < CANDIDATE_MIN_WORDS and len(candidate_keys(passages([short]))) == 0
    assert len(candidate_keys(passages([WIRE_LINE]))) == 1


# ---------------------------------------------------------------- real article text

def _articles() -> list[list[str]]:
    """article-extraction-benchmark gold texts of 8+ paragraphs of 12+ words, one per article."""
    truth = json.loads(shared_path("corpora", "article-extraction-benchmark", "ground-truth.json").read_text("utf-8"))
    out, seen = [], set()
    for _, v in sorted(truth.items()):
        paras = [" ".join(p.split()) for p in v["articleBody"].split("\n") if len(p.split()) >= 12]
        if len(paras) >= 8 and paras[0] not in seen and sum(len(passages([p]).keys) > 0 for p in paras[:4]) >= 3:
            seen.add(paras[0])
            out.append(paras)
    return out


def test_on_real_articles_short_cuts_in_chrome_heavy_pages_join_their_story_and_nothing_else():
    """Each article on a chrome-heavy page, and its first four paragraphs on another site's chrome-heavy page,
    all in one clustering: every cut joins its article (on main, most were never candidates), and no two
    articles join."""
    articles = _articles()
    assert len(articles) >= 30
    docs, sites = [], []
    for i, paras in enumerate(articles):
        page = chrome_heavy(f"Site {i}", 200, i)
        docs.append(page[:2] + paras + page[2:])
        other = chrome_heavy(f"Outlet {i}", 200, 10_000 + i)
        docs.append(other[:2] + paras[:4] + other[2:])
        sites += [2 * i + 1, 2 * i + 2]
    labels, _ = _labels(docs, sites)
    joined = [labels[2 * i] == labels[2 * i + 1] for i in range(len(articles))]
    assert all(joined), f"{joined.count(False)} cuts of {len(articles)} left apart"
    assert len(set(labels[0::2].tolist())) == len(articles)


def on_disk_labels_as_in_memory(tmp_path, docs: list[list[str]], sites: np.ndarray, block_rows: int,
                                seed: int, stories: np.ndarray | None = None) -> tuple[np.ndarray, list[Path]]:
    """The documents (kept blocks, no title) signed and written as two signing tasks write them, in an order
    drawn with `seed`; asserts the on-disk steps both engines run (long passages read from the band files, split
    by key range when they are more than a task holds) give the in-memory labels and figures, with 1 and 3 key
    ranges. Returns the in-memory labels and the band files."""
    from dedup.neardup.cluster import connected_components
    from dedup.neardup.ondisk import near_dup_components
    from dedup.neardup.sign import write_signed_part
    from dedup.neardup.store import assemble_block, n_blocks, write_meta

    texts = ["\n\n".join(d) for d in docs]
    sigs, sizes = sign_texts(texts, ["en"] * len(texts), hasher_params(CONFIG))
    found = [passages(d) for d in docs]
    status = np.zeros(len(docs), dtype=bool)
    want = near_dup_labels(sigs, sizes, CONFIG.bands, CONFIG.rows, CONFIG.hot_bucket_cap, PARAMS, passages=found,
                           status=status, sites=sites, stories=stories)
    n = len(docs)
    folder = tmp_path / "store"
    write_meta(folder, n, CONFIG.num_perm, block_rows)
    for i, at in enumerate(np.array_split(np.random.default_rng(seed).permutation(n), 2)):
        write_signed_part(at, sigs[at], sizes[at], [None] * len(at), block_rows, CONFIG.bands, CONFIG.rows,
                          folder / f"part-{i}.arrow", folder / f"bands-{i}.arrow", None, [found[j] for j in at],
                          status[at], sites[at], None if stories is None else stories[at])
    for b in range(n_blocks(n, block_rows)):
        assemble_block(folder, b, sorted(folder.glob("part-*.arrow")))
    bands = sorted(folder.glob("bands-*.arrow"))
    for ranges in (1, 3):
        got = near_dup_components(lambda f, items: [f(*i) for i in items], bands, n, CONFIG.bands,
                                  CONFIG.hot_bucket_cap, PARAMS, folder, tmp_path / f"edges-{ranges}",
                                  bands_per_group=16, edge_partitions=2, components=connected_components,
                                  passage_key_ranges=ranges)
        np.testing.assert_array_equal(got[0], want[0])
        assert got[1] == want[1]
    return want[0], bands


def test_on_disk_the_passage_candidates_give_the_in_memory_labels(tmp_path):
    """The on-disk steps both engines run give the in-memory labels and figures, whatever the key ranges."""
    from dedup.neardup.sign import passage_rows_count

    docs = []
    for i, paras in enumerate(_articles()[:12]):
        page, other = chrome_heavy(f"Site {i}", 400, i), chrome_heavy(f"Outlet {i}", 400, 10_000 + i)
        docs += [page[:2] + paras + page[2:], other[:2] + paras[:4] + other[2:]]
    labels, bands = on_disk_labels_as_in_memory(tmp_path, docs, np.arange(1, len(docs) + 1, dtype=np.uint64), 7, 3)
    # (each long passage's row and, every site being known here, its (passage, site) and story rows: round 5)
    assert passage_rows_count(bands) == 3 * sum(len(candidate_keys(passages(d))) for d in docs)
    assert all(labels[2 * i] == labels[2 * i + 1] for i in range(len(docs) // 2))
