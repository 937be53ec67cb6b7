"""Rights of a cluster: what its copies say together, merged onto the canonical record.

Decide (the `rights` stage): per cluster the wire agency (the copies' vote, `attribution.merge_cluster`),
the authors (the names most copies give, then the best evidence: `cluster_authors`), the first dateline
and wire copyright notice, and the licence class the cluster is published under.
Apply (the `write` stage): `canonical_rights` puts the merged values on the canonical record.

One rule lives here and nowhere else: when a copy carries the wire agency's copyright notice inside
the story and the canonical's own page does not, the story is still the agency's: its text is
all-rights-reserved (`wire_rule_fires`; `WIRE_TEXT` marks those canonicals). `published_licence` assembles
what the rule gives a canonical's row, for this build's canonicals (`canonical_rights`) and for a previous
release's whose cluster new copies joined (`grown_clusters.wire_licence`, `--previous`).
"""

from __future__ import annotations

import re
from collections import Counter

import polars as pl
import pyarrow as pa

from dedup.config import BuildConfig
from dedup.rights.attribution import merge_cluster, row_attribution_text
from dedup.rights.licence import ARR, NOASSERTION, licence_class
from dedup.schema import schema
from dedup.text.pageauthors import AUTHOR_EVIDENCE_ORDER

# a copy's wire notice makes the canonical's text the agency's, unless its own page already says so
WIRE_TEXT = "wire_text"


def wire_rule_fires(scope: pl.Expr) -> pl.Expr:
    """The wire rule's condition: a copy carries the agency's notice in the story (`wire_notice_doc_id`, by
    `cluster_rights`) and the canonical's own page (its licence `scope`) does not."""
    return pl.col("wire_notice_doc_id").is_not_null() & (scope.fill_null("") != "article_text")


_VOTE = re.compile(r"(\d+) of (\d+) copies name it")


def cluster_vote(agency: str, votes: int, size: int) -> dict:
    """The cluster's vote for its agency, as attribution_evidence states it."""
    return {"kind": "cluster", "agency": agency, "value": f"{votes} of {size} copies name it"}


def wire_copyright(copy_doc_id: str) -> dict:
    """The licence_evidence item of a copy whose story carries the wire agency's notice (`WIRE_TEXT`)."""
    return {"kind": "cluster_wire_copyright", "value": copy_doc_id, "location": "cluster", "confidence": 0.9,
            "spdx": ARR}


def wire_conflict(conflict: bool | None, spdx: str | None) -> bool:
    """licence_conflict of a record the wire rule makes all-rights-reserved: its page's own licence disagreed."""
    return bool(conflict) or (spdx not in (ARR, NOASSERTION))


def conflict_vote(other: str) -> dict:
    """An agency some copies name instead of the cluster's (recorded; the majority stands)."""
    return {"kind": "cluster_conflict", "agency": other, "value": f"some copies name {other} instead"}


def read_vote(value: str | None) -> int | None:
    """The votes of a `cluster_vote`'s value (None for another text)."""
    found = _VOTE.fullmatch(value or "")
    return int(found.group(1)) if found else None


def cluster_rights(decisions: pl.DataFrame, good: pl.DataFrame) -> pl.DataFrame:
    """Per cluster, what its copies say together: the wire agency (`merge_cluster` over the copies' own
    evidence), how many copies name it and every agency named, the first dateline and wire copyright
    notice (by doc_id)."""
    m = decisions.select("doc_id", "cluster_id", "is_canonical").join(good, on="doc_id", how="left").sort("doc_id")
    named = m.drop_nulls("agency").group_by("cluster_id", maintain_order=True).agg(pl.col("agency").alias("_named"))
    agency = [merge_cluster(v) for v in named["_named"].to_list()]
    votes = named.select(
        "cluster_id",
        pl.Series("cluster_agency", agency, pl.String),
        pl.Series("agency_votes", [v.count(a) for v, a in zip(named["_named"].to_list(), agency)], pl.UInt32),
        pl.Series("cluster_agencies", [sorted(set(v)) for v in named["_named"].to_list()], pl.List(pl.String)),
    )
    wire = m.filter(pl.col("licence_scope") == "article_text")
    notices = wire.group_by("cluster_id", maintain_order=True).agg(
        pl.col("doc_id").first().alias("wire_notice_doc_id"),
        pl.col("copyright_holder").first().alias("cluster_copyright_holder"),
        pl.col("copyright_year").first().alias("cluster_copyright_year"),
        pl.col("copyright_notice").first().alias("cluster_copyright_notice"),
    )
    datelines = m.drop_nulls("dateline").group_by("cluster_id", maintain_order=True).agg(
        pl.col("dateline").first().alias("cluster_dateline"), pl.col("doc_id").first().alias("cluster_dateline_doc_id"))
    base = decisions.select("cluster_id").unique()
    return base.join(votes, on="cluster_id", how="left").join(notices, on="cluster_id", how="left") \
        .join(datelines, on="cluster_id", how="left").join(cluster_authors(m), on="cluster_id", how="left")


def cluster_authors(members: pl.DataFrame) -> pl.DataFrame:
    """Per cluster, the authors its copies name: the names most copies give (a copy that dropped its
    byline does not vote), then the copy with the strongest evidence (`AUTHOR_EVIDENCE_ORDER`), then
    the canonical's own, then the smallest doc_id. Columns cluster_authors, cluster_authors_source,
    cluster_authors_doc_id (the copy the names are taken from)."""
    # in polars, not a Python loop over the named copies (half the documents of a news crawl)
    strength = {source: i for i, source in enumerate(AUTHOR_EVIDENCE_ORDER)}
    named = members.filter(pl.col("authors").list.len() > 0).select(
        "cluster_id", "doc_id", "is_canonical", "authors", "authors_source",
        # (a kind with a stated reason, 'byline_text:shown_byline', ranks as its kind)
        pl.col("authors_source").str.split(":").list.first()
        .replace_strict(strength, default=len(AUTHOR_EVIDENCE_ORDER), return_dtype=pl.Int64)
        .fill_null(len(AUTHOR_EVIDENCE_ORDER)).alias("_strength"),
        pl.col("authors").list.sort().alias("_names"))
    named = named.with_columns(pl.len().over("cluster_id", "_names").alias("_votes"))
    best = named.sort(["cluster_id", "_votes", "_strength", "is_canonical", "doc_id"],
                      descending=[False, True, False, True, False], nulls_last=True)
    best = best.group_by("cluster_id", maintain_order=True).first()
    return best.select("cluster_id", pl.col("authors").alias("cluster_authors"),
                       pl.col("authors_source").cast(pl.String).alias("cluster_authors_source"),
                       pl.col("doc_id").alias("cluster_authors_doc_id"))


def licence_choices(decisions: pl.DataFrame, good: pl.DataFrame,
                    config: BuildConfig) -> tuple[pl.DataFrame, list[str], dict]:
    """The licence class of each cluster (its canonical's, after the cluster merge) decides where it
    is published: data/<class>/, withheld text, or (not selected by --licence) rejects for the whole
    cluster, so that no duplicate points at a canonical that is not published. A cluster whose
    canonical comes from the previous release keeps that release's class; its new copies follow it.

    Returns (decisions of the published documents with `publish_class`, `withhold_text` and
    `wire_text`; doc_ids not selected by --licence; figures)."""
    own = good.select("doc_id", "licence_class", "licence_scope")
    canon = decisions.filter("is_canonical").select("doc_id", "cluster_id", "wire_notice_doc_id",
                                                    "previous_class").join(own, on="doc_id", how="left")
    canon = canon.with_columns(wire_rule_fires(pl.col("licence_scope")).alias(WIRE_TEXT)).select(
        "cluster_id", WIRE_TEXT,
        pl.coalesce("previous_class",
                    pl.when(pl.col(WIRE_TEXT)).then(pl.lit("all-rights-reserved"))
                    .otherwise(pl.col("licence_class").fill_null("noassertion"))).alias("publish_class"),
    )
    decisions = decisions.join(canon, on="cluster_id", how="left").with_columns(
        pl.col("publish_class").is_in(list(config.withhold_text)).alias("withhold_text"))
    report: dict = {"classes": dict(sorted(Counter(canon["publish_class"].to_list()).items()))}
    if not config.licence_classes:
        return decisions, [], report
    # records of a previous release stay as published; only this build's documents are filtered
    dropped = decisions.filter(~pl.col("publish_class").is_in(list(config.licence_classes)) & ~pl.col("is_previous"))
    report["not_selected_docs"] = dropped.height
    ids = dropped["doc_id"].to_list()
    return decisions.filter(~pl.col("doc_id").is_in(ids)), ids, report


def canonical_rights(canon: pl.DataFrame) -> pl.DataFrame:
    """Merge what the cluster knows onto the canonical records (decided by `cluster_rights`).

    - original_source: the cluster's agency; the vote is added to attribution_evidence;
    - authors: the cluster's (`cluster_authors`); when they come from another copy, authors_source
      names it ('jsonld from copy <doc_id>');
    - dateline: the record's own, else a copy's (named in attribution_evidence, kind `cluster_dateline`:
      '<dateline> from copy <doc_id>');
    - licence, copyright and credit line: `published_licence` (the wire rule).
    """
    from_copy = pl.col("cluster_authors_doc_id").is_not_null() & (pl.col("cluster_authors_doc_id") != pl.col("doc_id"))
    canon = published_licence(canon.with_columns(
        pl.when(from_copy).then(pl.col("cluster_authors")).otherwise(pl.col("authors")).alias("authors"),
        pl.when(from_copy).then(pl.format("{} from copy {}", "cluster_authors_source", "cluster_authors_doc_id"))
        .otherwise(pl.col("authors_source")).alias("authors_source"),
        pl.col("cluster_agency").alias("original_source")))
    rows = canon.select("attribution_evidence", "cluster_agency", "agency_votes", "cluster_agencies", "cluster_size",
                        "dateline", "cluster_dateline", "cluster_dateline_doc_id").rows(named=True)
    attributions = []
    for r in rows:
        attribution = list(r["attribution_evidence"] or [])
        if r["dateline"] is None and r["cluster_dateline"] is not None:  # a copy's dateline, the copy named
            attribution.append({"kind": "cluster_dateline", "agency": None,
                                "value": f"{r['cluster_dateline']} from copy {r['cluster_dateline_doc_id']}"})
        if r["cluster_agency"] and (r["cluster_size"] or 1) > 1:
            attribution.append(cluster_vote(r["cluster_agency"], r["agency_votes"], r["cluster_size"]))
            for other in r["cluster_agencies"] or ():
                if other != r["cluster_agency"]:  # copies disagree: recorded, the majority stands
                    attribution.append(conflict_vote(other))
        attributions.append(attribution)
    return canon.with_columns(_documents_series("attribution_evidence", attributions),
                              pl.coalesce("dateline", "cluster_dateline").alias("dateline"))


def _documents_series(name: str, values: list) -> pl.Series:
    """A column of documents/ rows, typed as schemas/documents.json types it."""
    # built by Arrow, then handed to polars: polars' own reading of Python lists of dicts walks every value in
    # Python, ~35 µs a row of a list-of-struct column against ~1 (speed round 21); the same values and type
    return pl.Series(name, pa.array(values, type=schema("documents").field(name).type))


def published_licence(canon: pl.DataFrame) -> pl.DataFrame:
    """Canonical rows with the licence their text is published under, its copyright and the credit line: the
    page's own licence (NOASSERTION when it states none) and copyright (else a copy's notice), or, where `WIRE_TEXT`
    (the wire rule: a copy carries the agency's notice in the story and this page does not), the story is still the
    agency's: all-rights-reserved, scope article_text, no licence URL, the copy named in licence_evidence
    (`cluster_wire_copyright`), licence_conflict when the page itself claimed another licence, and the copy's
    copyright (the copyright of the TEXT: it beats this page's own site notice). The one assembly of the rule's
    result, for this build's canonicals (`canonical_rights`) and for a carried canonical whose grown cluster it
    restates (`grown_clusters.wire_licence`). Reads WIRE_TEXT, wire_notice_doc_id, the licence_* columns,
    copyright_* and cluster_copyright_*, and the credit's title, authors, original_source, publisher, url,
    published_at(_raw) and fetched_at."""
    out: dict[str, list] = {k: [] for k in ("licence_spdx", "licence_class", "licence_scope", "licence_url",
                                            "licence_evidence", "licence_conflict", "attribution_text")}
    for r in canon.select(WIRE_TEXT, "wire_notice_doc_id", "licence_spdx", "licence_scope", "licence_url",
                          "licence_evidence", "licence_conflict", "title", "authors", "original_source", "publisher",
                          "url", "published_at", "published_at_raw", "fetched_at").iter_rows(named=True):
        spdx, scope, url, conflict = r["licence_spdx"], r["licence_scope"], r["licence_url"], r["licence_conflict"]
        evidence = list(r["licence_evidence"] or [])
        if r[WIRE_TEXT]:
            evidence.append(wire_copyright(r["wire_notice_doc_id"]))
            conflict = wire_conflict(conflict, spdx)
            spdx, scope, url = ARR, "article_text", None
        spdx = spdx or NOASSERTION
        out["licence_spdx"].append(spdx)
        out["licence_class"].append(licence_class(spdx))
        out["licence_scope"].append(scope)
        out["licence_url"].append(url)
        out["licence_evidence"].append(evidence)
        out["licence_conflict"].append(bool(conflict))
        out["attribution_text"].append(row_attribution_text(r, r["original_source"], spdx))
    wire = pl.col(WIRE_TEXT).fill_null(False)
    return canon.with_columns(
        [_documents_series(k, v) for k, v in out.items()]
        + [pl.when(wire).then(pl.col(f"cluster_{c}")).otherwise(pl.coalesce(c, f"cluster_{c}")).alias(c)
           for c in ("copyright_holder", "copyright_year", "copyright_notice")])
