"""grown_clusters: what a carried canonical's row says about its cluster, once new documents joined it (`--previous`).

The carried canonical stays as its release published it (the record itself, its text, licence and attribution:
docs/release.md, "Incremental releases"), but the sentences its row states about the cluster follow the cluster as it
now is, as one build of both crawls would state them (audit round 10):

- `canonical_reason`: the first rule of the policy on which the canonical beats its runner-up among every member,
  new copies included; `previous_release` when a new copy beats it by the policy (the published canonical stays) or
  ties it on every rule before `longest_text` (a release's `n_chars` counts its text after site chrome, the policy a
  crawl page's before it: the two cannot be ranked on it);
- the cluster's vote in `attribution_evidence` ("N of M copies name it"): the previous copies' votes plus the new
  copies' for the same agency, over the cluster's new size, and a `cluster_conflict` for each agency new copies
  name instead;
- its licence, when a new copy carries the wire agency's notice in the story and the carried canonical's page did
  not (`rights.merge.WIRE_TEXT`, the one licence rule that reads the cluster): all-rights-reserved, scope
  article_text, the copy named, as one build of both crawls publishes it (audit round 11: it kept the licence its
  release published, NOASSERTION or open). Not when the build's `--licence` leaves all-rights-reserved out: the
  record would leave data/, and a next release carries its records (`WIRE_KEPT`, counted in run.json).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dedup.config import BuildConfig
from dedup.policy import RULES, check_policy
from dedup.rights.merge import WIRE_TEXT, cluster_vote, conflict_vote, published_licence, read_vote, wire_rule_fires
from dedup.schema import frame
from dedup.select import on_agency_domain

# the reason of a canonical kept because the previous release published it, though a new copy beats or may beat it
PREVIOUS_RELEASE = "previous_release"


def later_reason(policy: tuple[str, ...], *reasons: str | None) -> str:
    """The reason against a cluster's runner-up, given the reasons against the best of each group of the other
    members (the winner beats each group's best first on that rule): the runner-up is the one that ties the
    winner longest, so the reason is the latest rule of the policy among them; `singleton` when there is none."""
    if PREVIOUS_RELEASE in reasons:
        return PREVIOUS_RELEASE
    order = {rule: i for i, rule in enumerate(check_policy(policy))}
    known = [r for r in reasons if r in order]
    return max(known, key=order.__getitem__) if known else "singleton"


# a rule the two records cannot be compared on: a release's `n_chars` is its text after site chrome, while the policy
# ranks a crawl's pages by their text before it (as one build of both crawls would)
_NOT_COMPARABLE = "longest_text"


def _first_difference(a: dict[str, Any], b: dict[str, Any], policy: tuple[str, ...]) -> tuple[str, bool | None]:
    """The first rule on which record a differs from record b, and whether a ranks first on it (nulls last);
    None when the records tie up to a rule they cannot be compared on."""
    for rule in policy:
        if rule == _NOT_COMPARABLE:
            return rule, None
        column, descending = RULES[rule]
        x, y = a[column], b[column]
        if x == y:
            continue
        if x is None or y is None:
            return rule, y is None
        return rule, (x > y) if descending else (x < y)
    return "smallest_doc_id", a["doc_id"] < b["doc_id"]


def restate_reasons(touched: pl.DataFrame, canon_keys: pl.DataFrame, new_keys: pl.DataFrame,
                    policy: tuple[str, ...]) -> pl.DataFrame:
    """`touched` (`previous.split_previous`'s decisions of the previous clusters new documents joined) with each
    cluster's `canonical_reason` against every member. `canon_keys`: the previous canonicals' policy columns;
    `new_keys`: this build's documents' (both with doc_id, domain, published_at, fetched_at, n_chars)."""
    policy = check_policy(policy)
    columns = ["doc_id", *sorted({RULES[r][0] for r in policy} - {"doc_id"})]

    def ranked_by(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select("doc_id", "domain", "published_at", "fetched_at", "n_chars", on_agency_domain()) \
            .select(columns)
    new = touched.filter(~pl.col("is_previous")).select("doc_id", "cluster_id").join(
        ranked_by(new_keys), on="doc_id", how="left")
    if not new.height:
        return touched
    keys = [RULES[r][0] for r in policy]
    best_new = new.sort(["cluster_id", *keys], descending=[False, *(RULES[r][1] for r in policy)], nulls_last=True) \
        .group_by("cluster_id", maintain_order=True).first()
    canon = touched.filter("is_canonical").select("cluster_id", "canonical_reason", "doc_id").join(
        ranked_by(canon_keys), on="doc_id", how="left")
    challengers = {r["cluster_id"]: r for r in best_new.iter_rows(named=True)}
    restated: dict[str, str] = {}
    for row in canon.iter_rows(named=True):
        rival = challengers.get(row["cluster_id"])
        if rival is None:
            continue
        rule, wins = _first_difference(row, rival, policy)
        restated[row["cluster_id"]] = later_reason(policy, row["canonical_reason"], rule) if wins else PREVIOUS_RELEASE
    reasons = pl.DataFrame({"cluster_id": list(restated), "_restated": list(restated.values())},
                           schema={"cluster_id": pl.String, "_restated": pl.String})
    return touched.join(reasons, on="cluster_id", how="left", maintain_order="left").with_columns(
        pl.coalesce("_restated", "canonical_reason").alias("canonical_reason")).drop("_restated")


def new_copies_votes(decisions: pl.DataFrame, good: pl.DataFrame) -> pl.DataFrame:
    """The new copies' votes in each previous cluster they joined (decisions with `previous_class`, stage rights):
    `agency_votes` the new copies that name the previous canonical's agency, `cluster_agencies` every agency they
    name (the previous copies' votes are in the carried row's evidence: `restate_vote`)."""
    grown = decisions.filter(pl.col("previous_class").is_not_null())
    if not grown.height:
        return decisions
    named = grown.filter(~pl.col("is_previous")).select("doc_id", "cluster_id", "previous_agency").join(
        good.select("doc_id", "agency"), on="doc_id", how="left").drop_nulls("agency")
    votes = named.group_by("cluster_id").agg(
        (pl.col("agency") == pl.col("previous_agency")).sum().cast(pl.UInt32).alias("_votes"),
        pl.col("agency").unique().sort().alias("_agencies"))
    is_grown = pl.col("previous_class").is_not_null()
    return decisions.join(votes, on="cluster_id", how="left", maintain_order="left").with_columns(
        pl.when(is_grown).then(pl.col("_votes").fill_null(0)).otherwise(pl.col("agency_votes")).alias("agency_votes"),
        pl.when(is_grown).then(pl.col("_agencies")).otherwise(pl.col("cluster_agencies")).alias("cluster_agencies"),
    ).drop("_votes", "_agencies")


def restate_vote(evidence: list[dict] | None, agency: str | None, old_size: int, size: int,
                 new_votes: int | None, new_agencies: list[str] | None) -> list[dict]:
    """A carried canonical's `attribution_evidence` with the cluster's vote restated for its new size: the
    previous copies' votes (its own evidence's, or the canonical alone when it was a singleton) plus the new
    copies' for its agency; each agency new copies name instead recorded as a conflict, once."""
    evidence = list(evidence or [])
    if agency is None or size <= 1 or size == old_size:
        return evidence
    old = next((i for i, e in enumerate(evidence) if e.get("kind") == "cluster" and e.get("agency") == agency), None)
    before = _own_vote(evidence, agency, old_size)
    if before is None:  # a vote the previous release did not state: nothing to add to
        return evidence
    vote = cluster_vote(agency, before + (new_votes or 0), size)
    if old is None:
        evidence.append(vote)
    else:
        evidence[old] = vote
    said = {e.get("agency") for e in evidence if e.get("kind") == "cluster_conflict"}
    return evidence + [conflict_vote(other) for other in new_agencies or () if other != agency and other not in said]


def restate_votes(rows: pl.DataFrame) -> pl.DataFrame:
    """Carried data/ rows (`previous.carry_previous`: the row's own `cluster_size`, `original_source` and
    `attribution_evidence`, with this build's `_size`, `_votes`, `_agencies` and `absorbed_votes` joined) with each
    grown cluster's canonical's vote restated (`restate_vote`)."""
    grown = rows.filter(pl.col("is_canonical").fill_null(False) & (pl.col("_size") != pl.col("cluster_size")))
    if not grown.height:
        return rows
    evidence = [restate_vote(r["attribution_evidence"], r["original_source"], r["cluster_size"], r["_size"],
                             (r["_votes"] or 0) + (r["_absorbed"] or 0),
                             sorted(set(r["_agencies"] or ()) | set(r["_absorbed_agencies"] or ())))
                for r in grown.iter_rows(named=True)]
    restated = grown.select("doc_id", pl.Series("_evidence", evidence, rows.schema["attribution_evidence"]))
    return rows.join(restated, on="doc_id", how="left", maintain_order="left").with_columns(
        pl.coalesce("_evidence", "attribution_evidence").alias("attribution_evidence")).drop("_evidence")


def _own_vote(evidence: list[dict] | None, agency: str | None, size: int) -> int | None:
    """The votes a release's canonical row states for `agency` (a singleton's own agency is one vote)."""
    line = next((e for e in evidence or [] if e.get("kind") == "cluster" and e.get("agency") == agency), None)
    if line is not None:
        return read_vote(line.get("value"))
    return 1 if size <= 1 and agency is not None else None


def absorbed_votes(data_files: list[Path], decisions: pl.DataFrame) -> pl.DataFrame:
    """Per cluster that a merge grew (previous clusters bridged by new documents), the votes the demoted canonicals'
    rows state for the cluster's agency (`_absorbed`) and the agencies they name instead (`_absorbed_agencies`):
    their copies are the merged cluster's too. `data_files`: the previous release's data/ files."""
    empty = pl.DataFrame(schema={"_cluster": pl.String, "_absorbed": pl.Int64, "_absorbed_agencies": pl.List(pl.String)})
    demoted = decisions.filter(pl.col("is_previous") & pl.col("was_canonical") & ~pl.col("is_canonical")).select(
        "doc_id", pl.col("cluster_id").alias("_cluster"), pl.col("cluster_agency").alias("_agency"))
    if not demoted.height:
        return empty
    parts = [rows for f in data_files if (rows := demoted_rows(f, demoted)) is not None]
    if not parts:
        return empty
    rows = pl.concat(parts, how="vertical_relaxed")
    found: dict[str, tuple[int, set[str]]] = {}
    for r in rows.iter_rows(named=True):
        votes, others = found.get(r["_cluster"], (0, set()))
        if r["original_source"] == r["_agency"]:
            votes += _own_vote(r["attribution_evidence"], r["_agency"], r["cluster_size"]) or 0
        elif r["original_source"] is not None:
            others.add(r["original_source"])
        found[r["_cluster"]] = (votes, others)
    if not found:
        return empty
    return pl.DataFrame({"_cluster": list(found), "_absorbed": [v for v, _ in found.values()],
                         "_absorbed_agencies": [sorted(o) for _, o in found.values()]}, schema=empty.schema)


def demoted_rows(path: Path, demoted: pl.DataFrame) -> pl.DataFrame | None:
    """One data/ file's vote columns of the `demoted` canonicals' rows, joined to `demoted`: the doc_ids are read
    first, and only the row groups that hold one of them are read whole (a merge demotes a few canonicals of a
    release of millions; reading every row's `attribution_evidence` held a file's column at once)."""
    file = pq.ParquetFile(path)
    wanted = pa.array(demoted["doc_id"].unique().to_list(), pa.string())
    found = []
    for group in range(file.num_row_groups):
        ids = file.read_row_group(group, columns=["doc_id"]).column("doc_id")
        if pc.any(pc.is_in(ids, value_set=wanted)).as_py():
            rows = frame(file.read_row_group(group, columns=_VOTE_COLUMNS))
            found.append(rows.join(demoted, on="doc_id", how="inner"))
    return pl.concat(found, how="vertical_relaxed") if found else None


# a demoted canonical's columns that `absorbed_votes` reads
_VOTE_COLUMNS = ["doc_id", "cluster_size", "original_source", "attribution_evidence"]


# a carried canonical whose new copies carry the agency's notice, restated all-rights-reserved (decisions column)
WIRE_RESTATED = "licence_restated"
# the class the release published it in (decisions column; null when not restated)
RESTATED_FROM = "licence_restated_from"
# ... or kept as published because the build's --licence does not select all-rights-reserved (decisions column)
WIRE_KEPT = "licence_kept"


_NOTICE = ["wire_notice_doc_id", "cluster_copyright_holder", "cluster_copyright_year", "cluster_copyright_notice"]
# the columns of a previous canonical's row that say whether its story carries the agency's notice (`published_notice`)
NOTICE_COLUMNS = ["licence_evidence", "copyright_holder", "copyright_year", "copyright_notice"]
_PUBLISHED = ["_notice_doc", "_notice_holder", "_notice_year", "_notice_text"]


def published_notice(rows: pl.DataFrame) -> pl.DataFrame:
    """Previous canonicals' rows (CANON_COLUMNS + NOTICE_COLUMNS) with NOTICE_COLUMNS turned into the notice their
    story carries, null unless published with scope article_text: the copy its `cluster_wire_copyright` item names,
    else its own doc_id, and the copyright of its row (`absorbed_notices` reads them; the evidence lists are not kept:
    a quarter of a previous canonical's bytes in memory)."""
    wire = pl.col("licence_scope") == "article_text"
    named = pl.col("licence_evidence").list.eval(
        pl.element().filter(pl.element().struct.field("kind") == "cluster_wire_copyright").struct.field("value")
    ).list.first()
    return rows.with_columns(
        pl.when(wire).then(pl.coalesce(named, pl.col("doc_id"))).alias("_notice_doc"),
        pl.when(wire).then(pl.col("copyright_holder")).alias("_notice_holder"),
        pl.when(wire).then(pl.col("copyright_year")).alias("_notice_year"),
        pl.when(wire).then(pl.col("copyright_notice")).alias("_notice_text"),
    ).drop(NOTICE_COLUMNS)


def absorbed_notices(decisions: pl.DataFrame, canon: pl.DataFrame) -> pl.DataFrame:
    """Decisions whose wire notice (`rights.merge.cluster_rights`: new copies only) also counts the clusters a merge
    absorbed: a demoted previous canonical published with scope article_text carries the agency's notice in its story,
    its own or a copy's (`published_notice`), as one build of both crawls reads that copy; the smallest doc_id wins,
    as there (until audit round 12 the absorbed clusters' notices were not read). `canon`: the previous canonicals'
    rows (`Previous.canon`)."""
    demoted = decisions.filter(pl.col("is_previous").fill_null(False) & pl.col("was_canonical").fill_null(False)
                               & ~pl.col("is_canonical")).select("doc_id", "cluster_id")
    found = demoted.join(canon.select("doc_id", *_PUBLISHED), on="doc_id", how="inner").drop_nulls("_notice_doc")
    if not found.height:
        return decisions
    found = found.drop("doc_id").sort("_notice_doc").group_by("cluster_id", maintain_order=True).first()
    out = decisions.join(found, on="cluster_id", how="left", maintain_order="left")
    take = pl.col("_notice_doc").is_not_null() & (pl.col("wire_notice_doc_id").is_null()
                                                  | (pl.col("_notice_doc") < pl.col("wire_notice_doc_id")))
    return out.with_columns(pl.when(take).then(pl.col(new)).otherwise(pl.col(old)).alias(old)
                            for old, new in zip(_NOTICE, _PUBLISHED)).drop(_PUBLISHED)


def restate_wire_text(decisions: pl.DataFrame, canon: pl.DataFrame, config: BuildConfig) -> pl.DataFrame:
    """Decisions (stage rights, after `rights.merge.cluster_rights`, whose `wire_notice_doc_id` is a new copy's: only
    this build's documents are read) with the previous clusters whose new copies carry the wire agency's notice in the
    story, where the carried canonical's published `licence_scope` is not article_text: `previous_class` becomes
    all-rights-reserved (the cluster's class; `WIRE_RESTATED` true) unless `--licence` leaves that class out
    (`WIRE_KEPT` true, the class as published). `canon`: the previous canonicals' rows (doc_id, licence_scope)."""
    decisions = absorbed_notices(decisions, canon)
    grown = pl.col("previous_class").is_not_null()
    scope = canon.select(pl.col("doc_id").alias("canonical_doc_id"), pl.col("licence_scope").alias("_prev_scope"))
    fires = grown & wire_rule_fires(pl.col("_prev_scope"))
    # (an all-rights-reserved canonical, by its site's notice, stays in its class: selected whatever --licence says)
    selected = pl.lit(not config.licence_classes or "all-rights-reserved" in config.licence_classes) \
        | (pl.col("previous_class") == "all-rights-reserved")
    return decisions.join(scope, on="canonical_doc_id", how="left", maintain_order="left").with_columns(
        (fires & selected).alias(WIRE_RESTATED), (fires & ~selected).alias(WIRE_KEPT),
        pl.when(fires & selected).then(pl.col("previous_class")).alias(RESTATED_FROM),
    ).with_columns(
        pl.when(WIRE_RESTATED).then(pl.lit("all-rights-reserved")).otherwise(pl.col("previous_class"))
        .alias("previous_class")).drop("_prev_scope")


def wire_licence(rows: pl.DataFrame) -> pl.DataFrame:
    """Carried data/ rows (`previous.carry_previous`) whose cluster `restate_wire_text` restated (`WIRE_TEXT`, with the
    cluster's `wire_notice_doc_id`, `cluster_copyright_*` and `_withhold` joined) given the licence one build of both
    crawls gives them (`rights.merge.published_licence`, the assembly `canonical_rights` uses too), and no text when
    the class is withheld."""
    hit = pl.col(WIRE_TEXT).fill_null(False)
    if not rows.filter(hit).height:
        return rows
    restated = published_licence(rows.filter(hit)).with_columns(
        pl.when(pl.col("_withhold").fill_null(False)).then(None).otherwise(pl.col("text")).alias("text"))
    return pl.concat([rows.filter(~hit), restated.select(rows.columns)], how="vertical_relaxed").sort("doc_id")
