"""The real pages of ../shared written without spaces: what deduplication makes of them.

    python scripts/eval_spaceless.py [--shared ../shared] [--min-share 0.3]

Pages: every HTML page of `../shared/corpora` (the gold corpora's files and the responses of the WARC samples)
whose extracted text is at least `--min-share` Han, kana or Thai-family characters. For each it prints the
language the identifier gives the kept text and so its shingle unit, its MinHash shingle count by that unit
and by words, its passages (count and words) and the blocks `within_page` drops only because text without
spaces is compared by character bigrams (`wordcount.comparable_tokens`; docs/extraction.md, round 12). Then
every pair of those pages whose estimated Jaccard (by language, or by words) reaches 0.2 or that are copies by
their passages (the default rule: half the smaller page's passage words, from 3 paragraphs of each).
readability-test-pages holds each page twice, as `source.html` and as Readability's `expected.html`: the same
article in other markup, the real copies here; any other pair found is a false merge.

    python scripts/eval_spaceless.py --transplant [--shared ../shared]

The near-repeat rule on text without spaces against the rule on words: every other page of the corpora (HTML
files, readability's `expected.html` left out, text under 5 % of those scripts) is extracted, each kept block
rewritten into a CJK-like script (`bench_scripts.transplant_text`, a word -> 1-3 ideographs), and `within_page`
run on the original blocks (words) and on the transplanted ones, with `comparable_tokens` (bigrams, numbers
twice), with bigrams alone and with the words of the transplant (as before round 12): how many of the blocks
the word rule drops as near or exact repeats each drops too, and how many more.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import re
import sys
from pathlib import Path

import numpy as np

import dedup.text.blocks as blocks_module
from dedup.neardup.lsh import VerifyParams
from dedup.neardup.passages import copies_by_passages
from dedup.neardup.sign import sign_texts
from dedup.sources.warc import iter_records
from dedup.text.extract import extract_html
from dedup.text.language import identify_each, shingle_unit
from dedup.text.sentences import passages
from dedup.text.normalise import join_blocks
from dedup.text.blocks import REPEAT_IN_PAGE

REPO = Path(__file__).resolve().parent.parent
_SPACELESS = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff]")
_HTML = re.compile(r"\.html?(\.gz)?$")


def pages(shared: Path):
    """(name, payload) of every page of the corpora: HTML files, and the HTML responses of the WARC samples."""
    corpora = shared / "corpora"
    for path in sorted(corpora.rglob("*")):
        if path.is_file() and _HTML.search(path.name):
            yield str(path.relative_to(corpora)), gzip.decompress(path.read_bytes()) if path.suffix == ".gz" \
                else path.read_bytes()
        elif path.is_file() and (".warc" in path.name or path.suffix == ".arc"):
            for rec in iter_records(path):
                if rec.error is None and rec.record_type == "response" and rec.payload:
                    yield f"{path.relative_to(corpora)}#{rec.headers.get('warc-target-uri', '')}", rec.payload


def _keep_words(tokens: list[str], words_twice: bool = False) -> list[str]:
    return tokens  # `comparable_tokens` as if no text were written without spaces: compared by its words


def _bigrams_only(tokens: list[str], words_twice: bool = False) -> list[str]:
    return _COMPARABLE(tokens)


_COMPARABLE = blocks_module.comparable_tokens


def transplant_repeats(shared: Path) -> None:
    """The transplant comparison of the near-repeat rule (`--transplant`)."""
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_scripts import spaceless_share, transplant_text

    rules = {"bigrams, numbers twice": _COMPARABLE, "bigrams": _bigrams_only, "words (before)": _keep_words}
    counts = {name: [0, 0] for name in rules}  # [dropped by both, dropped by this rule only]
    pages_read = dropped_by_words = 0
    for name, payload in pages(shared):
        if "#" in name or name.endswith(("expected.html", "expected.html.gz")):
            continue
        kept = list(extract_html(payload).blocks)
        if not kept or spaceless_share("".join(kept)) > 0.05:
            continue
        moved = [transplant_text(b) for b in kept]
        if not all(moved):
            continue
        pages_read += 1
        by_words = [v.reason == REPEAT_IN_PAGE for v in blocks_module.within_page(kept)]
        dropped_by_words += sum(by_words)
        for rule, tokens in rules.items():
            blocks_module.comparable_tokens = tokens
            try:
                got = [v.reason == REPEAT_IN_PAGE for v in blocks_module.within_page(moved)]
            finally:
                blocks_module.comparable_tokens = _COMPARABLE
            counts[rule][0] += sum(a and b for a, b in zip(by_words, got))
            counts[rule][1] += sum(b and not a for a, b in zip(by_words, got))
    print(f"{pages_read} pages; the word rule drops {dropped_by_words} blocks as repeats of the page")
    for rule, (both, more) in counts.items():
        print(f"  transplant, {rule}: drops {both} of them ({both / max(1, dropped_by_words):.1%}) and {more} more")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--min-share", type=float, default=0.3)
    ap.add_argument("--transplant", action="store_true", help="the near-repeat rule on transplanted pages")
    args = ap.parse_args()
    if args.transplant:
        transplant_repeats(args.shared)
        return
    docs = []
    for name, payload in pages(args.shared):
        if not _SPACELESS.search(payload.decode("utf-8", "replace")):
            continue
        kept = list(extract_html(payload).blocks)
        text = join_blocks(kept)
        if text and len(_SPACELESS.findall(text)) >= args.min_share * len(text):
            docs.append((name, kept, text))
    languages = [lang for lang, _ in identify_each([text for _, _, text in docs])]
    params = (128, 1, 5, "word", "sha1")  # the build's defaults
    sigs, sizes = sign_texts([text for _, _, text in docs], languages, params)
    word_sigs, word_sizes = sign_texts([text for _, _, text in docs], [None] * len(docs), params)
    found = [passages(kept) for _, kept, _ in docs]
    dropped_total = 0
    for (name, kept, text), lang, n, n_words, ps in zip(docs, languages, sizes, word_sizes, found):
        new = blocks_module.within_page(kept)
        blocks_module.comparable_tokens = _keep_words
        try:
            old = blocks_module.within_page(kept)
        finally:
            blocks_module.comparable_tokens = _COMPARABLE
        dropped = [b for b, o, v in zip(kept, old, new) if o.keep and not v.keep]
        dropped_total += len(dropped)
        print(f"{name[:70]:70} {lang} {shingle_unit(lang)}: {len(text)} chars, {n} shingles ({n_words} by words), "
              f"{len(ps.keys)} passages of {ps.total_words} words, {len(kept)} blocks")
        for block in dropped:
            print(f"    dropped as a near repeat: {block[:100]}")
    print(f"{len(docs)} pages; {sum(len(p.keys) > 0 for p in found)} with passages; {dropped_total} blocks dropped "
          "as near repeats by character bigrams")
    rule = VerifyParams()
    print("pairs (estimated Jaccard by language | by words; copies by passages):")
    for i, j in itertools.combinations(range(len(docs)), 2):
        jac = float(np.mean(sigs[i] == sigs[j]))
        jac_words = float(np.mean(word_sigs[i] == word_sigs[j]))
        copies = copies_by_passages(found[i], found[j], rule.passage_coverage, rule.passage_paragraphs)
        if jac >= 0.2 or jac_words >= 0.2 or copies:
            print(f"  {docs[i][0][:45]:45} {docs[j][0][:45]:45} {jac:.2f} | {jac_words:.2f}; {copies}")


if __name__ == "__main__":
    main()
